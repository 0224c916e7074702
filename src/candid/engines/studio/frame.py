"""Face-aware framing: straighten by the eye line, crop by composition rules.

Sizes come from the face (head height from chin to an estimated crown), never
from fixed pixel counts, so the same style frames a 0.5 MP and a 40 MP photo alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from candid.engines.studio.styles import STYLES, Style
from candid.face.geometry import eye_centers
from candid.face.masks import forehead_top

#: Named aspect ratios (width, height).
ASPECTS: dict[str, tuple[float, float]] = {
    "1:1": (1, 1), "4:5": (4, 5), "2:3": (2, 3), "3:2": (3, 2), "16:9": (16, 9), "5:4": (5, 4),
    "35:45": (35, 45), "passport": (35, 45), "2x2in": (1, 1),
}


def parse_aspect(aspect: str | tuple[float, float]) -> tuple[float, float]:
    """Parse ``"4:5"``, ``"passport"`` or ``(4, 5)`` into ``(w, h)``.

    Examples
    --------
    >>> parse_aspect("4:5"), parse_aspect("16:9")
    ((4.0, 5.0), (16.0, 9.0))
    """
    if isinstance(aspect, str):
        if aspect in ASPECTS:
            w, h = ASPECTS[aspect]
            return float(w), float(h)
        try:
            w, h = (float(v) for v in aspect.split(":"))
        except ValueError:
            raise ValueError(f"aspect must look like '4:5', got {aspect!r}") from None
    else:
        w, h = (float(v) for v in aspect)
    if not (w > 0 and h > 0 and 0.2 <= w / h <= 5):
        raise ValueError(f"aspect {aspect!r} is not a sensible width:height")
    return w, h


@dataclass(frozen=True)
class Framing:
    """Where to cut the frame out of a photo.

    Attributes
    ----------
    matrix : ndarray
        ``(2, 3)`` affine map from source pixels to output pixels.
    size : tuple of int
        Output ``(width, height)``.
    angle : float
        Roll correction applied, degrees (counter-clockwise positive).
    scale_note : str or None
        Set when the photo was too tight for the style's framing.
    """

    matrix: np.ndarray = field(repr=False)
    size: tuple[int, int]
    angle: float
    scale_note: str | None = None

    def map_points(self, points: np.ndarray) -> np.ndarray:
        """Map ``(N, 2)`` source points into the output frame."""
        pts = np.asarray(points, np.float64)
        return (pts @ self.matrix[:, :2].T + self.matrix[:, 2]).astype(np.float32)


def head_extent(landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Estimated crown, chin and head height (crown to chin) in pixels.

    The crown sits 0.3 of the hairline-to-chin length above the hairline
    (a typical adult head; hair volume is not counted).
    """
    lm = np.asarray(landmarks, np.float64)
    chin = lm[8]
    hair = forehead_top(lm).mean(axis=0)
    crown = hair + 0.3 * (hair - chin)
    return crown, chin, float(np.linalg.norm(chin - crown))


def roll_angle(landmarks: np.ndarray) -> float:
    """Head roll from the eye line, degrees (positive: image-left eye lower... i.e. counter-clockwise tilt)."""
    right, left = eye_centers(landmarks)
    d = left - right
    return float(math.degrees(math.atan2(d[1], d[0])))


def _inside(corners: np.ndarray, w: int, h: int) -> bool:
    return bool(np.all(corners >= -0.5) and np.all(corners[:, 0] <= w + 0.5) and np.all(corners[:, 1] <= h + 0.5))


def frame(
    pixels: np.ndarray,
    landmarks: np.ndarray,
    aspect: str | tuple[float, float] | None = None,
    style: str | Style = "linkedin",
    *,
    straighten: bool = True,
    max_roll: float = 25.0,
) -> Framing:
    """Plan a crop with head room and eye line placed by the style's rules.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` image (only its size is used).
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    aspect : str or tuple, optional
        Frame width:height; the style's default if None.
    style : str or Style
        A key of :data:`STYLES` or a :class:`Style`.
    straighten : bool
        Level the eye line (roll up to ``max_roll`` degrees).

    Returns
    -------
    Framing
        The crop cannot leave the photo: when the style's framing does not fit,
        the frame is made tighter around the face and ``scale_note`` says so.

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> from candid.face import analyze_face
    >>> img = data.astronaut().astype(np.float32) / 255
    >>> f = frame(img, analyze_face(img, embed=False).landmarks, "4:5")
    >>> round(f.size[0] / f.size[1], 2)
    0.8
    """
    st = STYLES[style] if isinstance(style, str) else style
    aw, ah = parse_aspect(aspect or st.aspect)
    H, W = pixels.shape[:2]
    lm = np.asarray(landmarks, np.float64)
    right, left = eye_centers(lm)
    eye_mid = (right + left) / 2
    angle = roll_angle(lm) if straighten else 0.0
    if abs(angle) > max_roll or abs(angle) < 0.25:
        angle = 0.0
    rot = cv2.getRotationMatrix2D((float(eye_mid[0]), float(eye_mid[1])), angle, 1.0)  # source -> upright
    up_lm = lm @ rot[:, :2].T + rot[:, 2]
    crown, chin, head_h = head_extent(up_lm)
    eye_y = float(up_lm[36:48, 1].mean())
    face_cx = float((up_lm[27:31, 0].mean() + up_lm[[0, 16], 0].mean()) / 2)
    # horizontal look room: the nose tip's offset from the jaw centre tells which way the face turns
    turn = float(up_lm[30, 0] - up_lm[[0, 16], 0].mean()) / max(float(up_lm[16, 0] - up_lm[0, 0]), 1.0)
    inv = cv2.invertAffineTransform(rot)
    note = None
    for scale in np.linspace(1.0, 0.2, 81):
        ch = head_h / st.head_frac * scale
        cw = ch * aw / ah
        if st.crown_line is not None:
            top = float(crown[1]) - st.crown_line * ch
        else:
            top = eye_y - st.eye_line * ch
        cx = face_cx - np.sign(turn) * st.look_room * cw if abs(turn) > 0.03 else face_cx
        left_x = cx - cw / 2
        # try the ideal box, then shifted ones (small shifts first)
        for dx, dy in sorted(((dx, dy) for dx in np.linspace(-0.5, 0.5, 21) for dy in np.linspace(-0.3, 0.3, 13)),
                             key=lambda d: abs(d[0]) + 2 * abs(d[1])):
            x0, y0 = left_x + dx * cw, top + dy * ch
            # the face must stay inside with a margin
            if not (x0 < up_lm[:, 0].min() - 0.02 * cw and x0 + cw > up_lm[:, 0].max() + 0.02 * cw
                    and y0 < crown[1] and y0 + ch > chin[1] + 0.05 * ch):
                continue
            corners = np.array([[x0, y0], [x0 + cw, y0], [x0, y0 + ch], [x0 + cw, y0 + ch]])
            src = corners @ inv[:, :2].T + inv[:, 2]
            if _inside(src, W, H):
                if scale < 0.999:
                    note = f"photo too tight for {aw:g}:{ah:g} {getattr(st, 'name', '')}framing; framed {1 / scale:.2f}x closer"
                w_px, h_px = max(int(round(cw)), 8), max(int(round(ch)), 8)
                m = rot.copy()
                m[:, 2] -= (x0, y0)
                if angle == 0.0:  # a pure crop: integer offsets, no resampling
                    m[:, 2] = np.round(m[:, 2])
                    w_px = min(w_px, W + int(m[0, 2]))
                    h_px = min(h_px, H + int(m[1, 2]))
                return Framing(matrix=m, size=(w_px, h_px), angle=angle, scale_note=note)
    raise ValueError("cannot frame this face inside the photo (face at the very edge?)")


def apply_framing(pixels: np.ndarray, framing: Framing) -> np.ndarray:
    """Cut the planned frame out of ``pixels`` (a copy; Lanczos when rotating).

    Examples
    --------
    >>> import numpy as np
    >>> f = Framing(np.array([[1, 0, -2], [0, 1, -1]], float), (4, 3), 0.0)
    >>> apply_framing(np.zeros((10, 10, 3), np.float32), f).shape
    (3, 4, 3)
    """
    w, h = framing.size
    m = framing.matrix
    if framing.angle == 0.0 and np.allclose(m[:, :2], np.eye(2)):
        x0, y0 = int(-m[0, 2]), int(-m[1, 2])
        if 0 <= x0 and 0 <= y0 and x0 + w <= pixels.shape[1] and y0 + h <= pixels.shape[0]:
            return pixels[y0:y0 + h, x0:x0 + w].copy()
    out = cv2.warpAffine(pixels, m, (w, h), flags=cv2.INTER_LANCZOS4, borderMode=cv2.BORDER_REFLECT101)
    return np.clip(out, 0, 1).astype(pixels.dtype, copy=False)


#: Jaw width (landmarks 0-16) over inter-ocular distance for a frontal face photographed from afar.
FAR_JAW_RATIO = 2.2


def selfie_distortion(landmarks: np.ndarray) -> float:
    """Estimated close-range perspective (0 = none) from the face's proportions.

    At arm's length the middle of the face (eyes, nose) is much nearer the
    lens than the jaw line, so the jaw looks narrow next to the eyes. The
    estimate is the jaw-to-IOD shortfall against a far-away frontal face, and
    is 0 for turned faces (where the ratio means nothing).

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> from candid.face import analyze_face
    >>> img = data.astronaut().astype(np.float32) / 255
    >>> selfie_distortion(analyze_face(img, embed=False).landmarks) < 0.05
    True
    """
    lm = np.asarray(landmarks, np.float64)
    right, left = eye_centers(lm)
    iod = float(np.linalg.norm(left - right))
    jaw = float(np.linalg.norm(lm[16] - lm[0]))
    turn = abs(float(lm[30, 0] - (lm[0, 0] + lm[16, 0]) / 2)) / max(jaw, 1.0)
    if iod <= 0 or turn > 0.08:
        return 0.0
    return float(np.clip((FAR_JAW_RATIO - jaw / iod) / FAR_JAW_RATIO, 0.0, 0.25))


def correct_selfie(pixels: np.ndarray, landmarks: np.ndarray, amount: float | None = None,
                   *, threshold: float = 0.06) -> tuple[np.ndarray, np.ndarray, float]:
    """Shrink the centre of a close-range face back towards far-away proportions.

    A radial warp centred on the nose tip compresses the middle of the face by
    ``amount`` and fades to nothing at the jaw line, so the outline and the
    background do not move.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 image; not modified.
    landmarks : ndarray
        ``(68, 2)`` landmarks.
    amount : float, optional
        Strength; estimated with :func:`selfie_distortion` if None.
    threshold : float
        Estimated amounts below this are left alone.

    Returns
    -------
    (pixels, landmarks, amount)
        Corrected copies and the amount used (0: unchanged).

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> from candid.face import analyze_face
    >>> img = data.astronaut().astype(np.float32) / 255
    >>> lm = analyze_face(img, embed=False).landmarks
    >>> out, lm2, k = correct_selfie(img, lm, amount=0.1)
    >>> out.shape == img.shape, k
    (True, 0.1)
    """
    k = selfie_distortion(landmarks) if amount is None else float(amount)
    if amount is None and k < threshold:
        return pixels.copy(), np.asarray(landmarks, np.float32).copy(), 0.0
    if k <= 0:
        return pixels.copy(), np.asarray(landmarks, np.float32).copy(), 0.0
    lm = np.asarray(landmarks, np.float64)
    c = lm[30]
    radius = 0.62 * float(np.linalg.norm(lm[16] - lm[0]))
    H, W = pixels.shape[:2]
    x0, x1 = int(max(c[0] - radius - 2, 0)), int(min(c[0] + radius + 3, W))
    y0, y1 = int(max(c[1] - radius - 2, 0)), int(min(c[1] + radius + 3, H))
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    dx, dy = xx - c[0], yy - c[1]
    rho = np.sqrt(dx * dx + dy * dy) / radius
    w = np.where(rho < 1, (1 - rho ** 2) ** 2, 0).astype(np.float32)
    f = 1 + k * w  # output at rho samples source at rho * f: the middle shrinks
    out = pixels.copy()
    out[y0:y1, x0:x1] = cv2.remap(pixels, (c[0] + dx * f).astype(np.float32), (c[1] + dy * f).astype(np.float32),
                                  cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
    # move landmarks: solve rho_out * f(rho_out) = rho_src by fixed-point iteration
    d = lm - c
    r_src = np.linalg.norm(d, axis=1) / radius
    r_out = r_src.copy()
    for _ in range(20):
        ww = np.where(r_out < 1, (1 - r_out ** 2) ** 2, 0)
        r_out = r_src / (1 + k * ww)
    scale = np.where(r_src > 0, r_out / np.maximum(r_src, 1e-9), 1.0)
    new_lm = (c + d * scale[:, None]).astype(np.float32)
    return out, new_lm, k
