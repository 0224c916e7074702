"""A matte of the person: GrabCut seeded by the face, hair edges from local colour lines.

Pipeline (all sizes are fractions of the face width, so it is resolution-free):

1. At a working size (long side ``work_side``), seed GrabCut from the
   landmarks: the face hull and neck are sure foreground; a head ellipse and
   a torso trapezoid are probable foreground; the region beside and above the
   head is sure background.
2. Keep the components joined to the face; fill small holes.
3. Build a trimap with an unknown band that is wide at the hair and narrow
   elsewhere; inside the band estimate alpha by projecting each colour on the
   line between locally averaged foreground and background colours, falling
   back to the smooth GrabCut edge where the two colours are alike.
4. Upsample with a colour guided filter (He et al.) whose coefficients are
   computed at the working size and applied to the full-resolution image, so
   strands finer than a working pixel still show.

No model weights: the only learned part is the 68-point landmark model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from scipy import ndimage

from candid.engines.studio._util import box, check_image, check_landmarks, gauss, normalized_blur, resize
from candid.engines.studio.frame import head_extent


def _frame_axes(lm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors (across, down) of the head, from the eye line."""
    d = lm[42:48].mean(0) - lm[36:42].mean(0)
    across = d / max(np.linalg.norm(d), 1e-6)
    down = np.array([-across[1], across[0]])
    return across, down


def _poly(origin: np.ndarray, across: np.ndarray, down: np.ndarray, pts: list[tuple[float, float]]) -> np.ndarray:
    return np.array([origin + a * across + b * down for a, b in pts], np.int32)


def _ellipse(shape, center, axes, angle) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    cv2.ellipse(m, (int(round(center[0])), int(round(center[1]))),
                (max(int(round(axes[0])), 1), max(int(round(axes[1])), 1)), float(angle), 0, 360, 1, -1)
    return m.astype(bool)


def seed_mask(shape: tuple[int, int], landmarks: np.ndarray) -> np.ndarray:
    """GrabCut seed labels (``cv2.GC_*``) for a person whose face has ``landmarks``.

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> from candid.face import analyze_face
    >>> img = data.astronaut().astype(np.float32) / 255
    >>> m = seed_mask(img.shape[:2], analyze_face(img, embed=False).landmarks)
    >>> sorted(np.unique(m).tolist())
    [0, 1, 2, 3]
    """
    lm = check_landmarks(landmarks)
    H, W = shape
    crown, chin, head_h = head_extent(lm)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    across, down = _frame_axes(lm)
    angle = float(np.degrees(np.arctan2(across[1], across[0])))
    center = (crown + chin) / 2 - 0.04 * head_h * down
    mask = np.full((H, W), cv2.GC_PR_BGD, np.uint8)
    # probable foreground: head (with hair volume) and torso
    head = _ellipse((H, W), center, (0.78 * fw, 0.60 * head_h), angle)
    torso = np.zeros((H, W), np.uint8)
    big = 4 * max(H, W)
    cv2.fillPoly(torso, [_poly(chin, across, down, [(-0.35 * fw, -0.1 * head_h), (0.35 * fw, -0.1 * head_h),
                                                   (0.55 * fw, 0.25 * head_h), (1.6 * fw, 0.55 * head_h),
                                                   (2.2 * fw, big), (-2.2 * fw, big), (-1.6 * fw, 0.55 * head_h),
                                                   (-0.55 * fw, 0.25 * head_h)])], 1)
    mask[head | torso.astype(bool)] = cv2.GC_PR_FGD
    # sure background: beside/above the head, above the shoulders
    wide = _ellipse((H, W), center - 0.05 * head_h * down, (1.35 * fw, 0.95 * head_h), angle)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    depth = (xx - chin[0]) * down[0] + (yy - chin[1]) * down[1]  # signed distance below the chin
    lateral = np.abs((xx - chin[0]) * across[0] + (yy - chin[1]) * across[1])
    above_shoulders = depth < 0.12 * head_h
    sure_bg = (~wide & above_shoulders) | ((depth < 0.45 * head_h) & (lateral > 2.4 * fw))
    mask[sure_bg & ~torso.astype(bool)] = cv2.GC_BGD
    # sure foreground: the face hull (shrunk a little) and the neck
    hull = cv2.convexHull(lm[:27].astype(np.float32)).astype(np.int32)
    fg = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(fg, hull, 1)
    e = max(int(0.04 * fw), 1)
    fg = cv2.erode(fg, np.ones((2 * e + 1, 2 * e + 1), np.uint8))
    cv2.fillPoly(fg, [_poly(chin, across, down, [(-0.22 * fw, -0.05 * head_h), (0.22 * fw, -0.05 * head_h),
                                                (0.25 * fw, 0.22 * head_h), (-0.25 * fw, 0.22 * head_h)])], 1)
    # the middle of the chest, straight below the neck, is the person in any head-and-shoulders photo
    cv2.fillPoly(fg, [_poly(chin, across, down, [(-0.25 * fw, 0.2 * head_h), (0.25 * fw, 0.2 * head_h),
                                                (0.6 * fw, 0.6 * head_h), (0.9 * fw, 1.1 * head_h), (0.9 * fw, big),
                                                (-0.9 * fw, big), (-0.9 * fw, 1.1 * head_h),
                                                (-0.6 * fw, 0.6 * head_h)])], 1)
    mask[fg.astype(bool)] = cv2.GC_FGD
    return mask


def _guided_coeffs(I: np.ndarray, p: np.ndarray, r: int, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """Colour guided filter coefficients (mean a: HxWx3, mean b: HxW)."""
    mean_I = box(I, r)
    mean_p = box(p, r)
    cov_Ip = box(I * p[..., None], r) - mean_I * mean_p[..., None]
    var = np.empty(I.shape[:2] + (3, 3), np.float32)
    for i in range(3):
        for j in range(i, 3):
            v = box(I[..., i] * I[..., j], r) - mean_I[..., i] * mean_I[..., j]
            var[..., i, j] = v
            var[..., j, i] = v
    var += eps * np.eye(3, dtype=np.float32)
    a = np.linalg.solve(var, cov_Ip[..., None])[..., 0].astype(np.float32)
    b = mean_p - np.einsum("hwc,hwc->hw", a, mean_I)
    return box(a, r), box(b.astype(np.float32), r)


def matte(
    pixels: np.ndarray,
    landmarks: np.ndarray,
    *,
    work_side: int = 400,
    iterations: int = 3,
    hair_band: float = 0.16,
    edge_band: float = 0.05,
    eps: float = 2e-4,
    seed: int = 0,
) -> np.ndarray:
    """Alpha matte of the person whose face has ``landmarks``.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1]; not modified.
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    work_side : int
        Long side of the working image for segmentation.
    iterations : int
        GrabCut iterations.
    hair_band, edge_band : float
        Half-width of the unknown band around the hair and elsewhere, as a
        fraction of the face width.
    eps : float
        Guided-filter regularisation (smaller keeps finer strands, and more noise).
    seed : int
        Seed for GrabCut's k-means.

    Returns
    -------
    ndarray
        ``(H, W)`` float32 alpha in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> from candid.face import analyze_face
    >>> img = data.astronaut().astype(np.float32) / 255
    >>> a = matte(img, analyze_face(img, embed=False).landmarks)
    >>> a.shape, a.dtype.name, float(a[120, 220]) > 0.99, float(a[20, 480]) < 0.01
    ((512, 512), 'float32', True, True)
    """
    pixels = check_image(pixels)
    lm = check_landmarks(landmarks)
    H, W = pixels.shape[:2]
    s = min(1.0, work_side / max(H, W))
    w_s, h_s = max(int(round(W * s)), 8), max(int(round(H * s)), 8)
    small = resize(pixels, (w_s, h_s), cv2.INTER_AREA)
    lm_s = lm * np.array([w_s / W, h_s / H])
    fw = float(np.linalg.norm(lm_s[16] - lm_s[0]))
    mask = seed_mask((h_s, w_s), lm_s)
    cv2.setRNGSeed(int(seed))
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    img8 = (np.clip(small, 0, 1) * 255 + 0.5).astype(np.uint8)
    cv2.grabCut(img8, mask, None, bgd, fgd, int(iterations), cv2.GC_INIT_WITH_MASK)
    binary = (mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)
    # keep what is joined to the face, fill small holes
    labels, n = ndimage.label(binary)
    if n > 1:
        face_labels = np.unique(labels[mask == cv2.GC_FGD])
        binary = np.isin(labels, face_labels[face_labels > 0])
    holes = ndimage.binary_fill_holes(binary) & ~binary
    hl, hn = ndimage.label(holes)
    if hn:
        sizes = ndimage.sum(holes, hl, range(1, hn + 1))
        small_holes = np.isin(hl, 1 + np.flatnonzero(sizes < (0.35 * fw) ** 2))
        binary = binary | small_holes
    binary_f = binary.astype(np.float32)
    # trimap with a variable band: wide where hair is (above the eyes, around the head)
    crown, chin, head_h = head_extent(lm_s)
    across, down = _frame_axes(lm_s)
    yy, xx = np.mgrid[0:h_s, 0:w_s].astype(np.float32)
    eye_y = lm_s[36:48].mean(0)
    depth_below_eyes = (xx - eye_y[0]) * down[0] + (yy - eye_y[1]) * down[1]
    hair_zone = gauss((depth_below_eyes < 0.35 * head_h).astype(np.float32), 0.1 * fw)
    radius = (edge_band + (hair_band - edge_band) * hair_zone) * fw
    radius = np.maximum(radius, 1.5)
    d_in = cv2.distanceTransform(binary.astype(np.uint8), cv2.DIST_L2, 5)
    d_out = cv2.distanceTransform((~binary).astype(np.uint8), cv2.DIST_L2, 5)
    sure_fg = d_in >= 0.5 * radius  # hair inside the outline is mostly opaque: a narrower inner band
    sure_bg = d_out >= radius
    sure_fg |= mask == cv2.GC_FGD
    # colour-line alpha inside the band
    sigma = max(0.08 * fw, 2.0)
    F = normalized_blur(small, sure_fg.astype(np.float32), sigma)
    B = normalized_blur(small, sure_bg.astype(np.float32), sigma)
    FB = F - B
    n2 = np.einsum("hwc,hwc->hw", FB, FB)
    proj = np.einsum("hwc,hwc->hw", small - B, FB) / np.maximum(n2, 1e-6)
    soft = gauss(binary_f, max(0.01 * fw, 0.7))
    conf = n2 / (n2 + 0.01)
    est = np.clip(conf * np.clip(proj, 0, 1) + (1 - conf) * soft, 0, 1)
    alpha_s = np.where(sure_fg, 1.0, np.where(sure_bg, 0.0, est)).astype(np.float32)
    # guided filter: coefficients at working size, applied at full size
    r = max(int(round(0.03 * fw)), 1)
    a, b = _guided_coeffs(small, alpha_s, r, eps)
    a_full = resize(a, (W, H))
    b_full = resize(b, (W, H))
    alpha = np.einsum("hwc,hwc->hw", a_full, pixels) + b_full
    del a_full
    sure_fg_full = resize(sure_fg.astype(np.uint8), (W, H), cv2.INTER_NEAREST).astype(bool)
    sure_bg_full = resize(sure_bg.astype(np.uint8), (W, H), cv2.INTER_NEAREST).astype(bool)
    # keep the known regions known, but let the band's edge blend in smoothly
    alpha = np.where(sure_fg_full, np.maximum(alpha, 1.0), alpha)
    alpha = np.where(sure_bg_full, np.minimum(alpha, 0.0), alpha)
    alpha = np.clip(alpha, 0, 1)
    alpha[alpha < 0.015] = 0.0
    alpha[alpha > 0.985] = 1.0
    return alpha.astype(np.float32)


@dataclass(frozen=True)
class MatteReport:
    """Checks on a matte.

    Attributes
    ----------
    ok : bool
        No problems (warnings allowed).
    problems, warnings : tuple of str
    metrics : dict
        ``face_coverage`` (mean alpha over the face), ``subject_fraction``,
        ``soft_fraction`` (0.02 < alpha < 0.98), ``top_edge`` (alpha along the top
        border away from the head), ``components``.
    """

    ok: bool
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    metrics: dict[str, float] = field(default_factory=dict)


def matte_quality(alpha: np.ndarray, landmarks: np.ndarray) -> MatteReport:
    """Sanity checks that catch a failed matte before it reaches a print.

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> from candid.face import analyze_face
    >>> img = data.astronaut().astype(np.float32) / 255
    >>> lm = analyze_face(img, embed=False).landmarks
    >>> matte_quality(matte(img, lm), lm).ok
    True
    """
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    H, W = a.shape
    hull = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(lm[:27].astype(np.float32)).astype(np.int32), 1)
    face_cov = float(a[hull.astype(bool)].mean()) if hull.any() else 0.0
    frac = float(a.mean())
    soft = float(((a > 0.02) & (a < 0.98)).mean())
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    cx = lm[27:31, 0].mean()
    cols = np.abs(np.arange(W) - cx) > 1.5 * fw
    top = float(a[0, cols].mean()) if cols.any() else 0.0
    n = int(ndimage.label(a > 0.5)[1])
    problems, warnings = [], []
    if face_cov < 0.9:
        problems.append(f"the matte misses part of the face ({face_cov:.0%} covered)")
    if frac > 0.92:
        problems.append("the matte covers almost the whole frame: background and person were not separated")
    if frac < 0.03:
        problems.append("the matte is almost empty")
    if top > 0.3:
        warnings.append("the matte reaches the top edge away from the head (background may be kept)")
    if soft > 0.25:
        warnings.append(f"{soft:.0%} of the frame is partly transparent (busy or low-contrast background)")
    if n > 3:
        warnings.append(f"the matte has {n} separate pieces")
    return MatteReport(ok=not problems, problems=tuple(problems), warnings=tuple(warnings),
                       metrics={"face_coverage": face_cov, "subject_fraction": frac, "soft_fraction": soft,
                                "top_edge": top, "components": float(n)})
