"""Portrait lighting from one light, on a face shape estimated from landmarks.

A height field of the subject is built from the matte (an inflated
silhouette, so edges turn away from the camera) plus a face prior fitted to
the landmarks: an ellipsoid for the head, a ridge for the nose, hollows for
the eye sockets and a slight bulge for brows, cheeks and lips. Its normals and
a ray-marched self-shadow (so the nose casts the loop or Rembrandt shadow)
give the shading of one key light plus fill. The photo is relit by the ratio
of the new shading to an assumed soft frontal original (or the photo's own
side light), in linear light and at the scale of the head only (the height
field knows a head, not this person's features), so skin texture, pores and
features are untouched. The key side is metered to the photo's exposure and
the outline keeps the photo's own light (a jaw stays off a dark backdrop).
Catchlights are moved to where that same light would reflect in the cornea.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from candid.colour import linear_to_srgb, luminance, srgb_to_linear
from candid.engines.studio.checks import check_alpha, check_image, check_landmarks
from candid.engines.studio.filters import gauss, resize
from candid.engines.studio.frame import head_extent

#: Light patterns: (azimuth, elevation) in degrees; azimuth > 0 is the image right,
#: "key" means the light goes to the side chosen by the face turn (short side).
PATTERNS: dict[str, tuple[float, float]] = {
    "flat": (0.0, 15.0),
    "butterfly": (0.0, 42.0),
    "loop": (35.0, 32.0),
    "rembrandt": (52.0, 42.0),
    "split": (88.0, 5.0),
    "broad": (45.0, 30.0),
    "short": (45.0, 30.0),
    "rim": (150.0, 15.0),
    "none": (0.0, 0.0),
}


def _turn(lm: np.ndarray) -> float:
    """Nose tip offset from the jaw centre over jaw width (> 0: face turned to image right)."""
    return float(lm[30, 0] - (lm[0, 0] + lm[16, 0]) / 2) / max(float(np.linalg.norm(lm[16] - lm[0])), 1.0)


def light_vector(pattern: str, landmarks: np.ndarray, side: str = "auto") -> np.ndarray:
    """Unit direction towards the light in image axes (x right, y down, z to the camera).

    Short-side patterns (loop, Rembrandt, split, short, rim) light the side of
    the face turned away from the camera; ``broad`` lights the near side.
    ``side`` = ``"left"``/``"right"`` forces the image side.

    Examples
    --------
    >>> import numpy as np
    >>> lm = np.zeros((68, 2)); lm[0] = (0, 0); lm[16] = (10, 0); lm[30] = (5, 3)
    >>> v = light_vector("butterfly", lm)
    >>> bool(v[1] < 0 and v[2] > 0), round(float(np.linalg.norm(v)), 6)
    (True, 1.0)
    """
    if pattern not in PATTERNS:
        raise ValueError(f"unknown light pattern {pattern!r}; use one of {', '.join(PATTERNS)}")
    az, el = PATTERNS[pattern]
    t = _turn(np.asarray(landmarks, np.float64))
    sign = 1.0 if t > 0.02 else (-1.0 if t < -0.02 else -1.0)  # frontal faces: light from image left
    if pattern == "broad":
        sign = -sign if abs(t) > 0.02 else -1.0
    if side == "left":
        sign = -1.0
    elif side == "right":
        sign = 1.0
    a, e = math.radians(az) * sign, math.radians(el)
    v = np.array([math.sin(a) * math.cos(e), -math.sin(e), math.cos(a) * math.cos(e)])
    return v / np.linalg.norm(v)


def height_field(shape: tuple[int, int], landmarks: np.ndarray, alpha: np.ndarray, *, nose: bool = True) -> np.ndarray:
    """Relative depth (pixels, towards the camera) of the subject: silhouette + face prior.

    ``nose=False`` leaves out the prior's nose ridge (:func:`relight` takes the nose's shadow from the
    photo's own face mesh, :func:`nose_shadow`, when it has one).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> img, lm = astronaut(), astronaut_landmarks()
    >>> a = np.ones(img.shape[:2], np.float32)
    >>> z = height_field(img.shape[:2], lm, a)
    >>> bool(z[int(lm[30, 1]), int(lm[30, 0])] > z[int(lm[0, 1]), int(lm[0, 0])])  # nose tip before the jaw
    True
    """
    lm = check_landmarks(landmarks)
    H, W = shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    iod = float(np.linalg.norm(lm[42:48].mean(0) - lm[36:42].mean(0)))
    # body: inflated silhouette, round edges
    inside = (alpha > 0.5).astype(np.uint8)
    D = 0.6 * fw
    d = np.minimum(cv2.distanceTransform(inside, cv2.DIST_L2, 5), D) / D
    z = D * np.sqrt(np.clip(1 - (1 - d) ** 2, 0, 1))
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    # head ellipsoid, in the head's own axes
    crown, chin, head_h = head_extent(lm)
    across = lm[42:48].mean(0) - lm[36:42].mean(0)
    across /= max(np.linalg.norm(across), 1e-6)
    down = np.array([-across[1], across[0]])
    center = 0.5 * (lm[8] + lm[27:30].mean(0)) * 0.5 + 0.5 * (crown + chin) / 2
    u = ((xx - center[0]) * across[0] + (yy - center[1]) * across[1]) / (0.55 * fw)
    v = ((xx - center[0]) * down[0] + (yy - center[1]) * down[1]) / (0.55 * head_h)
    r2 = u * u + v * v
    head = 0.75 * fw * np.sqrt(np.clip(1 - r2, 0, 1))
    z = np.maximum(z, D * 0.6 + head * (r2 < 1))

    def bump(p, sigma, height):
        return height * np.exp(-(((xx - p[0]) ** 2 + (yy - p[1]) ** 2) / (2 * sigma * sigma)))

    # nose ridge from the bridge (27) to the tip (30), then the nostril base (33)
    for t in np.linspace(0, 1, 12) if nose else ():
        p = lm[27] * (1 - t) + lm[30] * t
        z = z + bump(p, (0.09 + 0.06 * t) * iod, (0.06 + 0.10 * t) * iod) / 3
    z = z + bump(lm[33], 0.14 * iod, 0.06 * iod) * nose
    for eye in (lm[36:42].mean(0), lm[42:48].mean(0)):
        z = z - bump(eye, 0.22 * iod, 0.10 * iod)
    for brow in (lm[17:22].mean(0), lm[22:27].mean(0)):
        z = z + bump(brow, 0.25 * iod, 0.05 * iod)
    for cheek in (lm[[1, 2, 31]].mean(0), lm[[14, 15, 35]].mean(0)):
        z = z + bump(cheek, 0.35 * iod, 0.06 * iod)
    z = z + bump(lm[48:60].mean(0), 0.25 * iod, 0.05 * iod)
    z = z + bump(lm[8] - 0.1 * iod * down, 0.25 * iod, 0.06 * iod)
    return (z * (alpha > 0.02)).astype(np.float32)


def _normals(z: np.ndarray) -> np.ndarray:
    zx = cv2.Sobel(z, cv2.CV_32F, 1, 0, ksize=3) / 8
    zy = cv2.Sobel(z, cv2.CV_32F, 0, 1, ksize=3) / 8
    n = np.dstack([-zx, -zy, np.ones_like(z)])
    return n / np.linalg.norm(n, axis=2, keepdims=True)


def cast_shadow(z: np.ndarray, light: np.ndarray, *, reach: float, steps: int = 32, bias: float = 0.5,
                occluder: np.ndarray | None = None) -> np.ndarray:
    """Visibility of the light (1 lit, 0 in shadow) by marching over the height field.

    ``occluder`` (same shape, default ``z``) is what may stand in the light's way: very low (-1e6)
    where nothing casts a shadow (:func:`nose_shadow`: the nose alone).
    """
    occ = z if occluder is None else occluder
    lxy = float(np.hypot(light[0], light[1]))
    H, W = z.shape
    vis = np.ones_like(z)
    if lxy < 1e-3:
        return vis
    dx, dy = light[0] / lxy, light[1] / lxy
    rise = light[2] / lxy
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    ds = reach / steps
    for k in range(1, steps + 1):
        t = k * ds
        zs = cv2.remap(occ, (xx + dx * t).astype(np.float32), (yy + dy * t).astype(np.float32), cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        vis = np.minimum(vis, np.clip(1 - (zs - (z + rise * t) - bias) / (2 * bias + 1e-3), 0, 1))
    return vis


#: The face mesh's nose outline (MediaPipe FACEMESH_NOSE vertices): bridge, ridge, tip, wings, nostril base.
NOSE_VERTICES = (1, 2, 4, 5, 6, 19, 45, 48, 64, 94, 97, 98, 115, 168, 195, 197, 220, 275, 278, 294, 326, 327, 344, 440)


#: Scale of the mesh's depth for the nose's shadow: MediaPipe's face is about twice as deep as a real one
#: (the astronaut's chin 0.35 face widths behind her nose tip; a real chin 0.15-0.2), and at full depth
#: the nose's shadow of a loop light ran over the lips to the chin.
MESH_DEPTH = 0.55


def face_depth(shape: tuple[int, int], mesh: np.ndarray) -> np.ndarray:
    """Height (pixels, towards the camera) of the face from its mesh, NaN outside it.

    ``mesh`` is ``(>=468, 3)``: x, y in pixels of an image of ``shape`` and
    MediaPipe's depth z (pixels, smaller is nearer). The 468 face vertices
    are interpolated linearly over their triangulation.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> from candid.face.mesh import face_mesh
    >>> lm = astronaut_landmarks()
    >>> pts = face_mesh((astronaut() * 255).astype(np.uint8), (*lm.min(0), *lm.max(0)))
    >>> z = face_depth((512, 512), pts)
    >>> bool(z[int(lm[30, 1]), int(lm[30, 0])] > z[int(lm[2, 1]), int(lm[2, 0]) + 3])  # the nose tip stands out
    True
    """
    from scipy.interpolate import LinearNDInterpolator

    H, W = shape
    pts = np.asarray(mesh, np.float64)[:468]
    x0, y0 = np.floor(pts[:, :2].min(0)).astype(int)
    x1, y1 = np.ceil(pts[:, :2].max(0)).astype(int)
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1 + 1, W), min(y1 + 1, H)
    out = np.full((H, W), np.nan, np.float32)
    if x1 <= x0 or y1 <= y0:
        return out
    yy, xx = np.mgrid[y0:y1, x0:x1]
    out[y0:y1, x0:x1] = LinearNDInterpolator(pts[:, :2], -pts[:, 2])(xx, yy)
    return out


def nose_shadow(shape: tuple[int, int], mesh: np.ndarray, light: np.ndarray, *, soft: float) -> np.ndarray:
    """Visibility of ``light`` (1 lit, 0 in shadow) behind the photo's own nose: the shadow its nose casts.

    The nose is the face mesh's (:data:`NOSE_VERTICES`, depth from the
    photo, :func:`face_depth`), so the shadow has this person's nose's
    length, width and tip, not a generic one's. Only the nose casts; the
    shadow falls on the mesh's face, and its edge is softened by ``soft``
    px (the penumbra of a large key). 1 outside the face.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> from candid.face.mesh import face_mesh
    >>> lm = astronaut_landmarks()
    >>> pts = face_mesh((astronaut() * 255).astype(np.uint8), (*lm.min(0), *lm.max(0)))
    >>> vis = nose_shadow((512, 512), pts, _from(-50.0, 35.0), soft=1.0)  # a key from the image left
    >>> right, left = lm[35] + (6, 0), lm[31] - (6, 0)    # beside the nostrils
    >>> bool(vis[int(right[1]), int(right[0])] < 0.5 < vis[int(left[1]), int(left[0])])
    True
    """
    z = face_depth(shape, mesh)
    inside = np.isfinite(z)
    if not inside.any():
        return np.ones(shape, np.float32)
    z0 = float(np.nanmin(z))
    zf = np.where(inside, (z - z0) * MESH_DEPTH, 0).astype(np.float32)
    nose = np.zeros(shape, np.uint8)
    pts = np.asarray(mesh, np.float64)[list(NOSE_VERTICES), :2]
    cv2.fillConvexPoly(nose, cv2.convexHull(np.round(pts).astype(np.int32)), 1)
    occ = np.where(nose.astype(bool) & inside, zf, -1e6).astype(np.float32)
    span = float(np.ptp(pts[:, 1])) + float(np.ptp(pts[:, 0]))
    vis = cast_shadow(zf, light, reach=max(span, 4.0), bias=0.5, occluder=occ)
    vis = np.where(inside, vis, 1).astype(np.float32)
    return gauss(vis, soft) if soft > 0 else vis


def shading(z: np.ndarray, light: np.ndarray, *, fill: float, reach: float, soft: float) -> np.ndarray:
    """Key (Lambert with cast shadow, softened like a large source) plus fill."""
    n = _normals(z)
    lam = np.clip(n @ light.astype(np.float32), 0, None)
    vis = cast_shadow(z, light, reach=reach)
    key = gauss(lam * vis, soft)
    return (fill + (1 - fill) * key).astype(np.float32)


#: Fill of the photo's own (soft) light in the model of it: :func:`photo_light` fits its side with it and
#: :func:`relight` divides it out. Dividing out the new light's 0.3 instead (equal fills) undid the photo's
#: side light only partly (a loop on a face lit from 60 degrees came out flatter than the photo).
PHOTO_FILL = 0.55

#: Smallest azimuth (degrees) of the photo's own light that counts as a side: the key goes to that side.
PHOTO_SIDE_DEG = 30.0


def _cheeks(shape: tuple[int, int], lm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The image-left and image-right cheek (below the eye, beside the nose, above the mouth corner) as bool masks."""
    out = []
    for idx in ([1, 2, 3, 4, 48, 31, 39, 40, 41, 36], [15, 14, 13, 12, 54, 35, 42, 47, 46, 45]):
        m = np.zeros(shape, np.uint8)
        cv2.fillPoly(m, [np.round(lm[idx]).astype(np.int32)], 1)
        out.append(m.astype(bool))
    return out[0], out[1]


def _from(az: float, el: float) -> np.ndarray:
    a, e = math.radians(az), math.radians(el)
    return np.array([math.sin(a) * math.cos(e), -math.sin(e), math.cos(a) * math.cos(e)])


def photo_light(pixels: np.ndarray, landmarks: np.ndarray, alpha: np.ndarray | None = None, *,
                face_px: float = 64.0, step: float = 15.0) -> float:
    """Azimuth (degrees, > 0 from the image right) of the light the photo was taken in, 0 for an even light.

    The ratio of the two cheeks' median linear luminance is compared with
    the ratio :func:`shading` predicts on the face's own shape
    (:func:`height_field`) for a soft light at each azimuth from -75 to 75
    degrees (``step`` apart, 14 degrees up); the best match wins. The shape
    accounts for the turn: a face turned away shows its far cheek darker
    under a light from the front, which is not a side light. Worked out
    around the face only, at ``face_px`` px across the face (a few ms).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> z = height_field((512, 512), lm, np.ones((512, 512), np.float32))
    >>> def lit_from(az):  # a plain skin-coloured face of her shape in one light (planted answer)
    ...     sh = shading(z, _from(az, 20.0), fill=0.3, reach=70.0, soft=4.0)[..., None]
    ...     return (sh * np.float32([0.7, 0.55, 0.5])).astype(np.float32)
    >>> photo_light(lit_from(60), lm) >= 30, photo_light(lit_from(-60), lm) <= -30, photo_light(lit_from(0), lm)
    (True, True, 0.0)
    """
    pixels = check_image(pixels)
    lm = check_landmarks(landmarks)
    H, W = pixels.shape[:2]
    a = np.ones((H, W), np.float32) if alpha is None else check_alpha(alpha, pixels.shape)
    fw0 = max(float(np.linalg.norm(lm[16] - lm[0])), 1.0)
    (x0, y0), (x1, y1) = lm.min(0) - 0.7 * fw0, lm.max(0) + 0.7 * fw0
    x0, y0 = int(np.clip(x0, 0, W - 8)), int(np.clip(y0, 0, H - 8))
    x1, y1 = int(np.clip(math.ceil(x1), x0 + 8, W)), int(np.clip(math.ceil(y1), y0 + 8, H))
    s = min(1.0, face_px / fw0)
    ws, hs = max(int(round((x1 - x0) * s)), 8), max(int(round((y1 - y0) * s)), 8)
    lm_s = (lm - np.array([x0, y0])) * np.array([ws / (x1 - x0), hs / (y1 - y0)])
    small = resize(np.ascontiguousarray(pixels[y0:y1, x0:x1]), (ws, hs), cv2.INTER_AREA)
    a = np.ascontiguousarray(a[y0:y1, x0:x1])
    left, right = _cheeks((hs, ws), lm_s)
    if left.sum() < 4 or right.sum() < 4:
        return 0.0
    y = luminance(srgb_to_linear(small))
    seen = math.log(max(float(np.median(y[left])), 1e-4) / max(float(np.median(y[right])), 1e-4))
    z = gauss(height_field((hs, ws), lm_s, resize(a, (ws, hs), cv2.INTER_AREA)), 0.8)
    fw = float(np.linalg.norm(lm_s[16] - lm_s[0]))
    best, err = 0.0, math.inf
    for az in np.arange(-75.0, 75.0 + 1e-6, step):
        sh = shading(z, _from(float(az), 14.0), fill=PHOTO_FILL, reach=0.6 * fw, soft=0.05 * fw)
        pred = math.log(max(float(np.median(sh[left])), 1e-4) / max(float(np.median(sh[right])), 1e-4))
        # ties (an even light between two azimuths) go to the one nearer the front
        if abs(pred - seen) < err - 1e-6 or (abs(abs(pred - seen) - err) <= 1e-6 and abs(az) < abs(best)):
            best, err = float(az), abs(pred - seen)
    return best


def key_side(pixels: np.ndarray, landmarks: np.ndarray, alpha: np.ndarray | None, pattern: str,
             side: str = "auto") -> tuple[str, float]:
    """The image side a pattern's key light goes to, and the photo's own side light it follows.

    ``side="auto"`` takes the side the photo is lit from when its light
    comes clearly from one side (:func:`photo_light` at least
    :data:`PHOTO_SIDE_DEG`), else the pattern's rule on the face turn
    (:func:`light_vector`). Flat and butterfly light come from the front:
    their side is the turn's and the photo's light is not read. The stage
    logs the side :func:`relight` used from this, so the record and the
    light agree.

    Returns
    -------
    side : {"left", "right"}
        Image side of the key.
    photo_deg : float
        Azimuth of the photo's own side light (> 0 from the image right), 0
        when its light is even or the pattern has no side.

    Examples
    --------
    >>> import numpy as np
    >>> lm = np.zeros((68, 2)); lm[0] = (0, 0); lm[16] = (10, 0); lm[30] = (5, 3)
    >>> key_side(np.zeros((16, 16, 3), np.float32), lm, None, "loop", side="right")
    ('right', 0.0)
    """
    if pattern not in PATTERNS:
        raise ValueError(f"unknown light pattern {pattern!r}; use one of {', '.join(PATTERNS)}")
    photo_deg = 0.0
    if PATTERNS[pattern][0] != 0:  # read also for a side the user chose: relight takes this light out
        az = photo_light(pixels, landmarks, alpha)
        photo_deg = az if abs(az) >= PHOTO_SIDE_DEG else 0.0
        if side == "auto" and photo_deg:
            return ("right" if photo_deg > 0 else "left"), photo_deg
    if side in ("left", "right"):
        return side, photo_deg
    return ("right" if light_vector(pattern, landmarks, side)[0] > 0 else "left"), photo_deg


#: Scale (face widths) below which the new light's shading is not applied: the height field knows the
#: head's shape, not this person's eye sockets, cheekbones and nose, and shading from those generic features
#: reshaped hers (identity distance 0.035 -> 0.152 on yangmi_3 in linkedin, with the metering below). At
#: 0.08 (rounds 10-11) the prior's sockets and cheekbones (0.1-0.2 face widths) still came through: identity
#: fell with every step of the blur (relight alone, 7 photos: mean 0.092 at 0.08, 0.085 at 0.12, 0.081 at
#: 0.18, 0.078 at 0.25); the key's fall-off across the face (a face width) and the nose's own shadow (cast
#: apart, at the key's penumbra) stay.
FEATURE_SCALE = 0.2

#: Quantile of the face (as the new key lights it) metered to the photo's exposure: the key side keeps the
#: exposure the photo had (already set by :func:`expose`), the rest falls off. The median brightened a
#: third of a face by up to 1.5x: a washed-out forehead and lit cheek, the face's own modelling gone.
METER = 0.75

#: Band (face widths) inside the subject's outline over which the new light's darkening fades to none: the
#: outline keeps the photo's own light, as a photographer's fill keeps a jaw off a dark backdrop. Never a
#: brightening (no rim is invented).
OUTLINE = 0.12


#: Penumbra of the key's nose shadow (face widths): a large soft source still draws the nose's outline.
NOSE_PENUMBRA = 0.025


def _photo_mesh(pixels: np.ndarray, lm: np.ndarray) -> np.ndarray | None:
    """The face mesh (``(478, 3)``, pixels) of these pixels around the landmarks, None when none is found."""
    from candid.face.mesh import face_mesh

    try:
        pts = face_mesh((np.clip(pixels, 0, 1) * 255 + 0.5).astype(np.uint8), (*lm.min(0), *lm.max(0)))
    except Exception:  # best effort: without it the prior's nose is used, as before
        return None
    return None if pts is None or not np.isfinite(pts).all() else pts


def _mirror(mask: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``mask`` reflected across the line through ``p`` and ``q`` (the face's midline), same shape."""
    u = (q - p) / max(float(np.linalg.norm(q - p)), 1e-6)
    R = 2 * np.outer(u, u) - np.eye(2)
    M = np.hstack([R, (p - R @ p)[:, None]]).astype(np.float32)
    H, W = mask.shape
    return cv2.warpAffine(mask.astype(np.uint8), M, (W, H), flags=cv2.INTER_NEAREST, borderValue=0).astype(bool)


def own_nose_shadow(y: np.ndarray, mesh: np.ndarray, vis: np.ndarray, fw: float) -> float:
    """How dark the photo already is where the new key's nose shadow falls (1: not at all, < 1: that deep).

    ``y`` is the photo's linear luminance, ``vis`` the new key's nose shadow
    (:func:`nose_shadow`, same shape). The core of that shadow is compared
    with the skin in a band around it (0.08 face widths ``fw``), and this
    local contrast with the same places mirrored across the face's midline
    (the mesh's nose bridge to chin): the skin beside a nose is a little
    darker on both sides under any light, and a side light's head-scale
    fall-off is taken out by the shading model, so only the photo's own
    nose shadow on the key's side is left. 1 when the places are too few
    (the mirror off the face, a tiny face) or the photo is lit there.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> from candid.face.mesh import face_mesh
    >>> from candid.colour import luminance, srgb_to_linear
    >>> lm = astronaut_landmarks()
    >>> pts = face_mesh((astronaut() * 255).astype(np.uint8), (*lm.min(0), *lm.max(0)))
    >>> vis = nose_shadow((512, 512), pts, _from(-50.0, 35.0), soft=1.0)
    >>> y = luminance(srgb_to_linear(astronaut()))
    >>> fw = float(np.linalg.norm(lm[16] - lm[0]))
    >>> have = own_nose_shadow(y, pts, vis, fw)   # she is lit from the image left: her nose's shadow is there
    >>> shaded = y * (1 - 0.3 * (1 - vis))        # and one 0.7 deep planted where the key puts it
    >>> round(have, 1), round(own_nose_shadow(shaded, pts, vis, fw) / have, 1)
    (0.7, 0.7)
    """
    H, W = y.shape
    pts = np.asarray(mesh, np.float64)
    face = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(face, cv2.convexHull(np.round(pts[:468, :2]).astype(np.int32)), 1)
    nose = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(nose, cv2.convexHull(np.round(pts[list(NOSE_VERTICES), :2]).astype(np.int32)), 1)
    skin = face.astype(bool) & ~cv2.dilate(nose, np.ones((3, 3), np.uint8)).astype(bool)
    deepest = float(vis[skin].min()) if skin.any() else 1.0
    if deepest > 0.95:  # no shadow to speak of
        return 1.0
    core = skin & (vis < 1 - 0.5 * (1 - deepest))  # its deeper half
    r = max(int(round(0.08 * fw)), 1)
    near = cv2.dilate(core.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2))
    band = skin & near.astype(bool) & (vis > 0.95)
    # the midline: nose bridge (168) to chin (152)
    core_m, band_m = (_mirror(m, pts[168, :2], pts[152, :2]) & skin for m in (core, band))
    if min(core.sum(), band.sum(), core_m.sum(), band_m.sum()) < 6:
        return 1.0
    med = lambda m: max(float(np.median(y[m])), 1e-4)  # noqa: E731
    d = (med(core) / med(band)) / (med(core_m) / med(band_m))
    return float(np.clip(d, 0.0, 1.0))


def _nose_term(mesh: np.ndarray, light: np.ndarray, s_new: np.ndarray, *, fill: float, fw: float,
               y: np.ndarray | None = None, strength: float = 1.0) -> np.ndarray:
    """Factor (at most 1) that puts the new key's shadow of the photo's own nose (:func:`nose_shadow`) in.

    In that shadow only the fill is left of the key's light (``s_new`` is
    the key's shading at the head's scale, without the nose). Where the
    photo (linear luminance ``y``, same shape) already has a nose shadow
    there (:func:`own_nose_shadow`), only what is missing at the light's
    ``strength`` is added: a photo
    lit from the key's side keeps its own shadow's depth, never deeper than
    the key would make it. The photo's shadow is not divided out (a
    modelled one taken out lightened the skin beside the nose: invented
    light); the factor is never above 1.
    """
    vis = nose_shadow(s_new.shape, mesh, light, soft=NOSE_PENUMBRA * fw)
    t = (fill + (s_new - fill) * vis) / np.maximum(s_new, 1e-3)
    if y is not None:
        # the depth the photo has already is taken from what the key adds at its ``strength`` (relight applies
        # 1 + strength (ratio - 1)); the factor stays the ratio's, before that strength
        have = own_nose_shadow(y, mesh, vis, fw) ** np.clip(1 - vis, 0, 1)
        k = max(float(strength), 1e-3)
        added = np.minimum((1 + k * (np.minimum(t, 1.0) - 1)) / have, 1.0)
        t = 1 + (added - 1) / k
    return np.clip(t, 0.0, 1.0).astype(np.float32)


def _head_scale(ratio: np.ndarray, alpha: np.ndarray, sigma: float) -> np.ndarray:
    """``ratio`` blurred by ``sigma`` inside the subject (normalised by the blurred matte), so only shading at
    the scale of the head is kept and the background's ratio does not leak in.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.ones((32, 32), np.float32); r[16, 16] = 5.0; a = np.ones((32, 32), np.float32)
    >>> out = _head_scale(r, a, 3.0)
    >>> bool(out.max() < 1.2), round(float(out.mean()), 2) == round(float(r.mean()), 2)
    (True, True)
    """
    if sigma <= 0:
        return ratio
    m = np.clip(alpha, 0, 1).astype(np.float32)
    return (gauss((ratio * m).astype(np.float32), sigma) / np.maximum(gauss(m, sigma), 1e-3)).astype(np.float32)


def _open_outline(ratio: np.ndarray, alpha: np.ndarray, band: float) -> np.ndarray:
    """``ratio`` faded to 1 at the subject's outline over ``band`` px: the outline keeps the photo's light.

    Darkening fades (a jaw stays off a dark backdrop) and so does brightening (the exposure of
    :func:`key_exposure` lifts the inside, never the outline: no rim is invented). The photo's
    border is no outline.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.full((40, 40), 0.6, np.float32); a = np.zeros((40, 40), np.float32); a[:, :20] = 1
    >>> out = _open_outline(r, a, 8.0)
    >>> round(float(out[20, 19]), 2), round(float(out[20, 5]), 2)  # at the outline, and deep inside
    (1.0, 0.6)
    >>> round(float(_open_outline(r + 0.6, a, 8.0)[20, 19]), 2)  # a brightening fades too
    1.0
    """
    if band <= 0:
        return ratio
    inside = (alpha > 0.5).astype(np.uint8)
    t = np.clip((cv2.distanceTransform(inside, cv2.DIST_L2, 5) - 1) / band, 0, 1)
    w = t * t * (3 - 2 * t)
    return (1 + (ratio - 1) * w).astype(np.float32)


def key_exposure(pixels: np.ndarray, gain: np.ndarray, face: np.ndarray, size: tuple[int, int], *,
                 ceiling: float = 1.0, quantile: float = 0.9) -> float:
    """One exposure factor that puts the lit face's median luminance back at the photo's.

    ``gain`` is the new light's shape at work ``size`` (metered for its lit
    side, :data:`METER`, so most of the face is at or below 1); ``face``
    the face's mask there. The factor is the photo face's median linear
    luminance over the lit face's, at most what keeps the lit face's
    ``quantile`` brightest channel under ``ceiling`` (never below 1 for
    that limit: at most a tenth of the face reaches the top of the
    highlight roll-off), and within 0.67-1.5. One number for the whole
    subject: the light's shape and the skin's own contrast stay as they
    are. Metering the shape lower instead (the face's 0.6 quantile) lit
    more of the face above 1, where the per-place :func:`headroom_gain`
    held the bright places and lifted the darker ones: the face's own
    modelling flattened and its likeness went (yangmi_3 linkedin, identity
    0.098 -> 0.129; 0.064 without that cap). The metered shape alone left
    faces 5-20 % darker than the photo.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((20, 20, 3), 0.5, np.float32); face = np.ones((20, 20), bool)
    >>> round(key_exposure(img, np.full((20, 20), 0.8, np.float32), face, (20, 20)), 3)  # 0.8 of the light back
    1.25
    >>> shape = np.full((20, 20), 0.6, np.float32); shape[:4] = 1.0   # a bright face, its lit fifth kept
    >>> round(key_exposure(np.full_like(img, 0.95), shape, face, (20, 20)), 2)  # 1.67 would burn the lit fifth
    1.12
    """
    if not face.any():
        return 1.0
    lin = srgb_to_linear(resize(pixels, size, cv2.INTER_AREA))
    y = luminance(lin)[face]
    lit = y * gain[face]
    e = float(np.median(y)) / max(float(np.median(lit)), 1e-4)
    peak = float(np.quantile(lin.max(axis=2)[face] * gain[face], quantile))
    e = min(e, max(ceiling / max(peak, 1e-4), 1.0))
    return float(np.clip(e, 1 / 1.5, 1.5))


def relight(
    pixels: np.ndarray,
    landmarks: np.ndarray,
    alpha: np.ndarray,
    pattern: str = "loop",
    strength: float = 0.6,
    *,
    side: str = "auto",
    fill: float = 0.3,
    catchlights: bool | str = "move",
    work_side: int = 384,
    photo_deg: float | None = None,
    mesh: np.ndarray | None = None,
) -> np.ndarray:
    """Relight the subject with a classic portrait light pattern.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` sRGB float32 in [0, 1]; not modified.
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    alpha : ndarray
        ``(H, W)`` subject matte; the background is left alone.
    pattern : str
        A key of :data:`PATTERNS` (``"none"`` returns a copy).
    strength : float
        0 = unchanged, 1 = full ratio of the new to the assumed old shading.
    side : {"auto", "left", "right"}
        Image side of the key light. ``"auto"``: the side the photo was lit
        from when its light comes clearly from one side
        (:func:`photo_light`, at least :data:`PHOTO_SIDE_DEG`), else by the
        face turn. A key against the photo's light lit the shadow side and
        darkened the lit one: flat grey skin with the nose's old shadow on
        the new lit side (yangmi_4, scarlett_4 and rihanna in linkedin).
        The shading divided out is then that side light's (the photo's
        own), not an assumed frontal one.
    fill : float
        Fill level relative to the key (0.3 is about a 3:1 lighting ratio).
    catchlights : {"move", "keep", "add"}
        ``"move"``: an eye's own catchlight (if it has one) is moved to where
        this light reflects, keeping its shape and size; an eye without one
        gets none. ``"keep"``: left as shot. ``"add"``: the old one is dimmed
        and a new round one is added in every eye (invented light: only when
        the user asks). ``True``/``False`` mean ``"move"``/``"keep"``.
    photo_deg : float, optional
        The photo's own side light as :func:`key_side` returned it (its
        second value) for these pixels, landmarks and matte: the photo's
        light is then not read again (the stage reads it once for its record
        and passes it here). ``None`` (default): read here.
    mesh : ndarray, optional
        ``(>=468, 3)`` face mesh of this face in ``pixels``: x, y in pixels
        and MediaPipe's depth z in pixels, as
        :func:`candid.face.mesh.face_mesh` gives it (the face analysis's,
        moved into these pixels: x, y by the framing, z times its scale).
        The nose's shadow is cast from it. ``None`` (default): the mesh is
        found here (about 0.25 s).

    Returns
    -------
    ndarray
        ``(H, W, 3)`` sRGB float32.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> img, lm = astronaut(), astronaut_landmarks()
    >>> out = relight(img, lm, np.ones(img.shape[:2], np.float32), "split", 0.8)
    >>> left, right = out[110:150, 190:210].mean(), out[110:150, 235:255].mean()
    >>> bool(left > right)  # split light from the image left (frontal face)
    True
    """
    pixels = check_image(pixels)
    lm = check_landmarks(landmarks)
    a = check_alpha(alpha, pixels.shape)
    if not 0 <= strength <= 1:
        raise ValueError(f"strength must be in [0, 1], got {strength}")
    if pattern == "none" or strength == 0:
        if pattern not in PATTERNS:
            raise ValueError(f"unknown light pattern {pattern!r}")
        return pixels.copy()
    az_photo = 0.0
    if pattern in PATTERNS and PATTERNS[pattern][0] != 0:  # a key from a side (flat, butterfly: from the front)
        if photo_deg is None:
            side, az_photo = key_side(pixels, lm, a, pattern, side)
        else:  # read once by the caller (key_side): the same answer without a second photo_light
            az_photo = float(photo_deg) if abs(float(photo_deg)) >= PHOTO_SIDE_DEG else 0.0
            if side == "auto":
                side = ("right" if az_photo > 0 else "left") if az_photo else \
                    ("right" if light_vector(pattern, lm, side)[0] > 0 else "left")
    light = light_vector(pattern, lm, side)
    H, W = a.shape
    s = min(1.0, work_side / max(H, W))
    ws, hs = max(int(round(W * s)), 8), max(int(round(H * s)), 8)
    lm_s = lm * np.array([ws / W, hs / H])
    a_s = resize(a, (ws, hs), cv2.INTER_AREA)
    if pattern == "rim":
        mesh = None
    elif mesh is None:
        mesh = _photo_mesh(pixels, lm)
        mesh = None if mesh is None else np.asarray(mesh, np.float64)
    else:
        mesh = np.asarray(mesh, np.float64)
        if mesh.ndim != 2 or mesh.shape[0] < 468 or mesh.shape[1] != 3:
            raise ValueError(f"mesh must be (>=468, 3) x, y, z, got {mesh.shape}")
    if mesh is not None:  # to work size (depth in pixels too)
        mesh = mesh * np.array([ws / W, hs / H, s])
    # the nose's shadow comes from the photo's own nose (its mesh) when there is one, not from the prior's
    z = gauss(height_field((hs, ws), lm_s, a_s, nose=mesh is None), 0.8)
    fw = float(np.linalg.norm(lm_s[16] - lm_s[0]))
    S_new = shading(z, light, fill=fill, reach=0.6 * fw, soft=0.025 * fw)
    front = np.array([0.0, -0.25, 1.0])
    if az_photo:  # the light the photo has is taken out, not an assumed frontal one: a key on the same side
        front = _from(az_photo, 14.0)  # would otherwise double it (lecun, scarlett_3: hot, hard lit side)
    # the photo's light is modelled softer (PHOTO_FILL, the fill photo_light fits its side with) than the new
    # one, so a face's shadow side deepens. The outline, which neither key reaches, took 0.3 / 0.55 of its
    # light whatever the pattern (liuyifei's jaw sank into a dark backdrop): _open_outline keeps its light
    S_old = shading(z, front / np.linalg.norm(front), fill=PHOTO_FILL, reach=0.6 * fw, soft=0.05 * fw)
    ratio = S_new / np.maximum(S_old, 1e-3)
    face = np.zeros((hs, ws), np.uint8)
    cv2.fillConvexPoly(face, cv2.convexHull(lm_s[:27].astype(np.float32)).astype(np.int32), 1)
    if pattern == "rim":
        ratio = 1 + 2.5 * (S_new - fill) / (1 - fill)  # a rim adds light, it does not take the front light away
    else:
        ratio = _head_scale(ratio, a_s, FEATURE_SCALE * fw)
        if mesh is not None:  # the nose's own shadow at the key's penumbra, not blurred to the head's scale
            y_s = luminance(srgb_to_linear(resize(pixels, (ws, hs), cv2.INTER_AREA)))
            ratio = ratio * _nose_term(mesh, light, S_new, fill=fill, fw=fw, y=y_s, strength=strength)
        ratio = ratio / max(float(np.quantile(ratio[face.astype(bool)], METER)), 1e-3) if face.any() else ratio
    # a key may at most double what the photo had on the lit side: beyond that a face already lit
    # from the front burns out (a white cheek) instead of getting a shape
    gain = 1 + strength * (np.clip(ratio, 0.2, 3.0 if pattern == "rim" else 2.0) - 1)
    gain = np.minimum(gain, headroom_gain(pixels, (ws, hs), sigma=max(0.025 * fw, 1.0)))
    if pattern != "rim":
        # the shape above is metered for its lit side; one exposure for the whole subject brings the face's
        # mid-tones back to where they were. Metered lower under the per-place cap above instead, the darker
        # places were lifted more than the lit ones: the face's own modelling flattened (yangmi_3)
        gain = gain * key_exposure(pixels, gain, face.astype(bool), (ws, hs))
        gain = _open_outline(gain, a_s, OUTLINE * fw)
    gain = 1 + (gain - 1) * np.clip(a_s, 0, 1)
    gain = resize(gain.astype(np.float32), (W, H), cv2.INTER_CUBIC)
    lin = srgb_to_linear(pixels) * gain[..., None]
    mode = {True: "move", False: "keep"}.get(catchlights, catchlights) if isinstance(catchlights, bool) else catchlights
    if mode not in ("move", "keep", "add"):
        raise ValueError(f"catchlights must be move, keep or add, got {catchlights!r}")
    if mode == "add" and light[2] > 0.1:
        lin = _catchlights(lin, pixels, lm, light, strength)
    elif mode == "move" and light[2] > 0.1:
        lin = _move_catchlights(lin, pixels, lm, light)
    # soft shoulder instead of clipping the lit side; the background keeps its exact pixels
    lin = _shoulder(lin)
    out = linear_to_srgb(lin)
    a3 = a[..., None]
    return np.where(a3 > 0, a3 * out + (1 - a3) * pixels, pixels).astype(np.float32)


#: Linear level the key light may lift skin to (sRGB 0.91): above it only the highlight roll-off is left.
HEADROOM = 0.8


def headroom_gain(pixels: np.ndarray, size: tuple[int, int], *, sigma: float, ceiling: float = HEADROOM) -> np.ndarray:
    """The most a smooth gain may brighten each place before its brightest channel passes ``ceiling``.

    At ``size`` (work resolution), from the local maximum of the brightest
    linear channel (3x3), blurred by ``sigma``: the cap is as smooth as the
    light, so skin texture keeps its contrast and the skin its hue (one gain
    for all channels), and never below 1 (it only limits brightening). A key
    light on a face already lit from that side otherwise drove its red
    channel past 1: clipped, pale and flat (hinton.jpeg's forehead).

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((20, 20, 3), 0.2, np.float32); img[:, 10:] = 0.95   # dark left, bright right (sRGB)
    >>> cap = headroom_gain(img, (20, 20), sigma=1.0)
    >>> bool(cap[10, 2] > 2), bool(abs(cap[10, 17] - 1) < 1e-6)
    (True, True)
    """
    w, h = size
    peak = srgb_to_linear(resize(pixels, (w, h), cv2.INTER_AREA)).max(axis=2)
    peak = cv2.dilate(peak.astype(np.float32), np.ones((3, 3), np.uint8))
    peak = gauss(peak, sigma)
    return np.maximum(ceiling / np.maximum(peak, 1e-3), 1.0).astype(np.float32)


def _shoulder(lin: np.ndarray, knee: float = 0.9) -> np.ndarray:
    """Roll off highlights above ``knee`` (per channel), monotonic, towards 1.

    ``knee + (1 - knee) (1 - exp(-(x - knee) / (1 - knee)))`` above the knee:
    continuous with slope 1 at the knee, always rising, never above 1. (The
    roll-off before this, ``x / (1 + 2 (x - knee))``, fell again above the
    knee: a brighter channel came out darker, so lit skin whose red channel
    went past 1 turned pale green with its texture inverted, hinton.jpeg's
    forehead in every style.)

    Examples
    --------
    >>> import numpy as np
    >>> y = _shoulder(np.linspace(0, 3, 61, dtype=np.float32))
    >>> bool(np.all(np.diff(y) >= 0)), bool(y.max() <= 1), float(_shoulder(np.float32([0.5]))[0])
    (True, True, 0.5)
    """
    # per channel, as before issue 18: a hue-preserving roll-off darkened lit skin enough to move the
    # identity distance (0.19 -> 0.24 on hinton.jpeg, editorial); the gain's headroom cap (relight) keeps
    # lit skin below the knee, so this only shapes specular peaks
    over = np.maximum(lin - knee, 0)
    rolled = knee + (1 - knee) * -np.expm1(-over / (1 - knee))
    return np.where(lin > knee, rolled, lin).astype(np.float32)


def _iris_windows(pixels: np.ndarray, lm: np.ndarray, light: np.ndarray, *, min_r: float, reach: float,
                  min_size: int) -> tuple[np.ndarray, list] | None:
    """The half vector of ``light`` and each fitted iris with its window, for the catchlight passes.

    Each window is ``(cx, cy, r, (y0, y1, x0, x1), yy, xx)`` for irises of radius at least ``min_r``,
    reaching ``reach`` radii around the centre, clipped to the image and at least ``min_size`` px a side;
    ``yy, xx`` are the window's pixel coordinates. None when iris fitting fails (it is best effort:
    the eyes are then left as shot, since no catchlight is better than a misplaced one).
    """
    from candid.face import face_regions

    try:
        circles = face_regions(pixels, lm).iris_circles
    except Exception:
        return None
    h = light + np.array([0.0, 0.0, 1.0])
    h /= np.linalg.norm(h)
    H, W = pixels.shape[:2]
    windows = []
    for (cx, cy, r) in circles:
        if r < min_r:
            continue
        x0, x1 = int(max(cx - reach * r, 0)), int(min(cx + reach * r + 1, W))
        y0, y1 = int(max(cy - reach * r, 0)), int(min(cy + reach * r + 1, H))
        if x1 - x0 < min_size or y1 - y0 < min_size:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        windows.append((cx, cy, r, (y0, y1, x0, x1), yy, xx))
    return h, windows


def _edit_irises(lin: np.ndarray, pixels: np.ndarray, lm: np.ndarray, light: np.ndarray, edit, **window) -> np.ndarray:
    """``lin`` with ``edit(patch, window, half_vector)`` applied in each iris window of :func:`_iris_windows`.

    ``edit`` returns the window's new pixels, or None to leave that eye as it is;
    ``lin`` itself comes back when iris fitting fails.
    """
    found = _iris_windows(pixels, lm, light, **window)
    if found is None:
        return lin
    half, windows = found
    out = lin.copy()
    for win in windows:
        y0, y1, x0, x1 = win[3]
        new = edit(out[y0:y1, x0:x1], win, half)
        if new is not None:
            out[y0:y1, x0:x1] = new
    return out


def _move_catchlights(lin: np.ndarray, pixels: np.ndarray, lm: np.ndarray, light: np.ndarray) -> np.ndarray:
    """Move each eye's own catchlight (same pixels, same shape) to where ``light`` reflects; add none."""

    # the eye openings (lids' landmarks): a fitted iris circle reaches under the lids, and bright lid skin
    # inside it was taken for a catchlight, painted over with iris colour (a dark blot on the lid) and a
    # dark arc left where the ring median met the lid (hinton.jpeg, pengwei.jpg at 1:1)
    H, W = pixels.shape[:2]
    opening = np.zeros((H, W), np.uint8)
    for eye in (lm[36:42], lm[42:48]):
        cv2.fillPoly(opening, [np.round(eye).astype(np.int32)], 1)
    opening = cv2.erode(opening, np.ones((3, 3), np.uint8)).astype(bool)

    def move(patch: np.ndarray, win: tuple, h: np.ndarray) -> np.ndarray | None:
        cx, cy, r, (y0, y1, x0, x1), yy, xx = win
        iris = (np.hypot(xx - cx, yy - cy) < 0.9 * r) & opening[y0:y1, x0:x1]
        lum = luminance(patch)
        if iris.sum() < 6:
            return None
        med = float(np.median(lum[iris]))
        spot = iris & (lum > max(2.5 * med, 0.15))
        # a catchlight lies inside the iris: a bright piece reaching its rim is sclera or lid seen through
        # a circle fitted a little too large, and painting it with iris colour left a dark arc
        n, labels = cv2.connectedComponents(spot.astype(np.uint8), connectivity=8)
        rim = np.hypot(xx - cx, yy - cy) >= 0.78 * r
        for i in range(1, n):
            if (rim & (labels == i)).any():
                spot[labels == i] = False
        if not spot.any() or spot.sum() > 0.35 * iris.sum():
            return None  # no catchlight of its own (or no clear one): none is invented
        wts = lum * spot
        sx, sy = float((xx * wts).sum() / wts.sum()), float((yy * wts).sum() / wts.sum())
        tx, ty = cx + 0.45 * r * h[0], cy + 0.45 * r * h[1]
        dx, dy = int(round(tx - sx)), int(round(ty - sy))
        if dx == 0 and dy == 0:
            return None
        # take the highlight out (iris colour around it), then put the same pixels back, shifted
        ring = iris & ~cv2.dilate(spot.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        base = np.median(patch[ring], axis=0) if ring.any() else np.median(patch[iris], axis=0)
        soft = gauss(cv2.dilate(spot.astype(np.float32), np.ones((3, 3), np.uint8)), 0.6) * iris
        soft = soft[..., None]
        highlight = np.maximum(patch - base, 0) * soft
        cleaned = patch * (1 - soft) + base * soft
        shifted = np.zeros_like(highlight)
        sh, sw = highlight.shape[:2]
        ys0, ys1 = max(0, -dy), min(sh, sh - dy)
        xs0, xs1 = max(0, -dx), min(sw, sw - dx)
        if ys1 <= ys0 or xs1 <= xs0:
            return None
        shifted[ys0 + dy:ys1 + dy, xs0 + dx:xs1 + dx] = highlight[ys0:ys1, xs0:xs1]
        return cleaned + shifted * iris[..., None]

    return _edit_irises(lin, pixels, lm, light, move, min_r=2.0, reach=1.5, min_size=3)


def _catchlights(lin: np.ndarray, pixels: np.ndarray, lm: np.ndarray, light: np.ndarray, strength: float) -> np.ndarray:
    """Dim each eye's old catchlight and add a round one where ``light`` reflects (only when asked)."""

    def add(patch: np.ndarray, win: tuple, h: np.ndarray) -> np.ndarray:
        cx, cy, r, _, yy, xx = win
        iris = np.clip(r - np.hypot(xx - cx, yy - cy), 0, 1)
        lum = luminance(patch)
        med = float(np.median(lum[iris > 0.5])) if (iris > 0.5).any() else float(lum.mean())
        old = np.clip((lum - max(2.5 * med, 0.15)) / 0.2, 0, 1) * iris
        patch = patch * (1 - 0.8 * strength * old[..., None]) + (0.8 * strength * old)[..., None] * med
        px, py = cx + 0.55 * r * h[0], cy + 0.55 * r * h[1]
        cr = max(0.18 * r, 0.8)
        spot = np.clip(cr + 0.5 - np.hypot(xx - px, yy - py), 0, 1) * iris
        k = min(0.85, 0.3 + 0.6 * strength)
        return patch + (k * spot)[..., None] * (0.95 - patch)

    return _edit_irises(lin, pixels, lm, light, add, min_r=1.5, reach=2.0, min_size=1)


def skin_toned(pixels: np.ndarray) -> np.ndarray:
    """Pixels in the classic YCrCb skin box (Cr 133-173, Cb 77-127), widened by 2 px: bool ``(H, W)``.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((8, 16, 3), np.float32); img[:, :8] = (0.80, 0.60, 0.50); img[:, 8:] = (0.5, 0.5, 0.5)
    >>> m = skin_toned(img)
    >>> bool(m[4, 2]), bool(m[4, 14])
    (True, False)
    """
    ycc = cv2.cvtColor((np.clip(pixels, 0, 1) * 255 + 0.5).astype(np.uint8), cv2.COLOR_RGB2YCrCb)
    skin = (ycc[..., 1] >= 133) & (ycc[..., 1] <= 173) & (ycc[..., 2] >= 77) & (ycc[..., 2] <= 127)
    return cv2.dilate(skin.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)


#: Share of the picture that must be near grey (after the first estimate) for a full-strength correction;
#: under a tenth of it nothing is corrected (a picture of coloured things says nothing about the light).
NEUTRAL_SHARE = 0.2


def white_balance(pixels: np.ndarray, strength: float = 0.5, *, mask: np.ndarray | None = None,
                  neutral: float | None = 0.25) -> np.ndarray:
    """Neutralise a colour cast with the grey-edge assumption (edges are grey on average).

    Partial (``strength``) and bounded (gains within 0.8-1.25), in linear light.
    Without a ``mask``, skin-toned pixels (:func:`skin_toned`) are left out of
    the estimate and the correction is scaled down when less than half the
    picture is left to judge by: skin's edges are warm, not grey, so on a
    headshot the plain estimate took the skin's own colour for a cast and
    cooled it (skin chroma a* -4 to -6 on rihanna.webp and hinton.jpeg in
    every style, the person's complexion changed). With ``neutral`` (a
    saturation, max-min over max), the estimate is made again from the
    judged places that are near grey once the first estimate is taken out,
    and scaled down when they are less than :data:`NEUTRAL_SHARE` of the
    picture: coloured scenery (blue sky, a blue backdrop) is not a cast.
    ``None`` gives the plain estimate.

    Examples
    --------
    >>> import numpy as np
    >>> grey = np.random.default_rng(0).random((32, 32, 1), dtype=np.float32)   # grey things
    >>> img = np.clip(grey * [0.7, 0.85, 1.0], 0, 1).astype(np.float32)        # in a blue light
    >>> out = white_balance(img, 1.0)
    >>> spread = lambda x: float(np.ptp(np.abs(np.diff(x, axis=1)).mean(axis=(0, 1))))
    >>> spread(out) < spread(img)
    True
    """
    pixels = check_image(pixels)
    lin = srgb_to_linear(pixels)
    g = np.abs(cv2.Sobel(lin, cv2.CV_32F, 1, 0)) + np.abs(cv2.Sobel(lin, cv2.CV_32F, 0, 1))
    if mask is None:
        judge = ~skin_toned(pixels)
        strength = strength * min(float(judge.mean()) / 0.5, 1.0)
        mask = judge if judge.any() else None
    judged = np.ones(pixels.shape[:2], bool) if mask is None else np.asarray(mask, bool)
    if not judged.any() or strength <= 0:
        return pixels.copy()
    e = g[judged].reshape(-1, 3).mean(0) + 1e-6
    if neutral is not None:
        # coloured scenery is not a cast: judged again by the places that are near grey once the first
        # estimate is taken out (blue sky behind yangmi_1, a blue backdrop behind 32bit and obama2 had
        # turned faces yellower, b* +3.2, or greener, a* -2.2)
        c = cv2.GaussianBlur(lin * (e.mean() / e).astype(np.float32), (0, 0), 2.0)
        grey = judged & ((c.max(2) - c.min(2)) < neutral * (c.max(2) + 1e-4))
        share = float(grey.mean())
        if share < NEUTRAL_SHARE / 10:
            return pixels.copy()
        e = g[grey].reshape(-1, 3).mean(0) + 1e-6
        strength = strength * min(share / NEUTRAL_SHARE, 1.0)
    gains = np.clip((e.mean() / e) ** strength, 0.8, 1.25).astype(np.float32)
    return linear_to_srgb(lin * gains)


def expose(pixels: np.ndarray, landmarks: np.ndarray, *, low: float = 0.08, high: float = 0.55,
           strength: float = 0.7) -> np.ndarray:
    """Fix an under- or over-exposed face, leaving a well exposed one (of any skin tone) alone.

    The face's median linear luminance is moved ``strength`` of the way into
    [``low``, ``high``] if it is outside; a dark-skinned face that is properly
    exposed is not lightened.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> img, lm = astronaut(), astronaut_landmarks()
    >>> float(np.abs(expose(img, lm) - img).max()) < 1e-5  # already well exposed
    True
    """
    pixels = check_image(pixels)
    lm = check_landmarks(landmarks)
    mask = np.zeros(pixels.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, cv2.convexHull(lm[:27].astype(np.float32)).astype(np.int32), 1)
    if not mask.any():
        return pixels.copy()
    lin = srgb_to_linear(pixels)
    med = float(np.median(luminance(lin)[mask.astype(bool)]))
    target = min(max(med, low), high)
    if abs(target - med) < 1e-6 or med <= 0:
        return pixels.copy()
    gain = (target / med) ** strength
    out = lin * gain
    out = _shoulder(out)
    return linear_to_srgb(out)
