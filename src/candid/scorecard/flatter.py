"""Synthetic flattery with a known amount, one kind at a time, to test that the honest guard sees it.

Each function takes an sRGB float32 image and its 68 landmarks and returns a
new image; the input is not modified. Warps are smooth local inverse maps
(``cv2.remap``) that leave everything outside their region untouched.
"""

from __future__ import annotations

import numpy as np

#: Scorecard key suffix -> (audit feature, function name).
KINDS = {
    "eye_size": "eye-size",
    "skin_smoothing": "skin-smoothing",
    "skin_lightness": "skin-lightness",
    "nose_width": "nose-width",
    "jaw_width": "jaw-width",
}


def _smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def _remap(img: np.ndarray, map_x: np.ndarray, map_y: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.remap(np.ascontiguousarray(img, np.float32), map_x.astype(np.float32), map_y.astype(np.float32),
                     interpolation=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT).clip(0, 1).astype(np.float32)


def _iod(lm: np.ndarray) -> float:
    return float(np.linalg.norm(lm[36:42].mean(0) - lm[42:48].mean(0)))


def enlarge_eyes(img: np.ndarray, landmarks: np.ndarray, factor: float = 1.15) -> np.ndarray:
    """Magnify each eye by ``factor`` (linear size; area grows by ``factor**2``) with a radial warp.

    Full magnification within 0.6 eye widths of the eye centre, fading to none at 1.6.

    Examples
    --------
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> img, lm = astronaut(), astronaut_landmarks()
    >>> out = enlarge_eyes(img, lm)
    >>> out.shape == img.shape, bool(np.abs(out - img)[:40].max() == 0)
    (True, True)
    """
    lm = np.asarray(landmarks, np.float64)
    out = img
    H, W = img.shape[:2]
    for eye in (lm[36:42], lm[42:48]):
        c = eye.mean(0)
        w = float(np.linalg.norm(eye[3] - eye[0]))
        r0, r1 = 0.6 * w, 1.6 * w
        x0, x1 = int(max(c[0] - r1 - 2, 0)), int(min(c[0] + r1 + 3, W))
        y0, y1 = int(max(c[1] - r1 - 2, 0)), int(min(c[1] + r1 + 3, H))
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
        d = np.hypot(xx - c[0], yy - c[1])
        g = 1.0 - (1.0 - 1.0 / factor) * (1.0 - _smoothstep((d - r0) / (r1 - r0)))
        full_x, full_y = np.meshgrid(np.arange(W, dtype=np.float64), np.arange(H, dtype=np.float64))
        full_x[y0:y1, x0:x1] = c[0] + (xx - c[0]) * g
        full_y[y0:y1, x0:x1] = c[1] + (yy - c[1]) * g
        out = _remap(out, full_x, full_y)
    return out


def _squeeze_x(img: np.ndarray, cx: float, weight: np.ndarray, box: tuple[int, int, int, int],
               factor: float) -> np.ndarray:
    """Scale horizontally about ``x = cx`` by ``factor`` where ``weight`` is 1 (inverse map)."""
    H, W = img.shape[:2]
    y0, y1, x0, x1 = box
    full_x, full_y = np.meshgrid(np.arange(W, dtype=np.float64), np.arange(H, dtype=np.float64))
    xx = full_x[y0:y1, x0:x1]
    full_x[y0:y1, x0:x1] = xx + (xx - cx) * (1.0 / factor - 1.0) * weight
    return _remap(img, full_x, full_y)


def narrow_nose(img: np.ndarray, landmarks: np.ndarray, factor: float = 0.90) -> np.ndarray:
    """Make the nose ``factor`` times as wide (nostril span, landmarks 31-35) with a local horizontal warp."""
    lm = np.asarray(landmarks, np.float64)
    H, W = img.shape[:2]
    cx = float(lm[30:36, 0].mean())
    half = float(np.linalg.norm(lm[35] - lm[31])) / 2
    top, bottom = float(lm[28, 1]), float(lm[33, 1])
    pad = 1.5 * half
    y0, y1 = int(max(top - pad, 0)), int(min(bottom + pad, H))
    x0, x1 = int(max(cx - 3 * half - pad, 0)), int(min(cx + 3 * half + pad, W))
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    wx = 1.0 - _smoothstep((np.abs(xx - cx) - 1.2 * half) / (1.8 * half))
    wy = 1.0 - _smoothstep(np.maximum(top - yy, yy - bottom) / pad)
    return _squeeze_x(img, cx, wx * wy, (y0, y1, x0, x1), factor)


def narrow_jaw(img: np.ndarray, landmarks: np.ndarray, factor: float = 0.92) -> np.ndarray:
    """Make the jaw ``factor`` times as wide (landmarks 4-12) by squeezing the lower face horizontally."""
    lm = np.asarray(landmarks, np.float64)
    H, W = img.shape[:2]
    cx = float(lm[[4, 12, 8, 27], 0].mean())
    half = float(np.linalg.norm(lm[12] - lm[4])) / 2
    top, bottom = float(lm[29, 1]), float(lm[8, 1])
    span = bottom - top
    y0, y1 = int(max(top, 0)), int(min(bottom + 0.4 * span, H))
    x0, x1 = int(max(cx - 1.8 * half, 0)), int(min(cx + 1.8 * half, W))
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    wy = _smoothstep((yy - top) / (0.5 * span)) * (1.0 - _smoothstep((yy - bottom) / (0.4 * span)))
    wx = 1.0 - _smoothstep((np.abs(xx - cx) - 1.05 * half) / (0.7 * half))
    return _squeeze_x(img, cx, wx * wy, (y0, y1, x0, x1), factor)


def _skin_weight(img: np.ndarray, lm: np.ndarray) -> np.ndarray:
    """Feathered skin mask (``candid.face.face_regions`` ``skin``) over the whole image."""
    from scipy import ndimage

    from candid.face import face_regions

    regions = face_regions(img, lm)
    mask = regions.full("skin", img.shape[:2]).astype(np.float32)
    return ndimage.gaussian_filter(mask, max(1.0, 0.03 * _iod(lm)))


def smooth_skin(img: np.ndarray, landmarks: np.ndarray, *, strength: float = 1.0) -> np.ndarray:
    """Beauty-filter skin smoothing: two bilateral passes, blended in by the feathered skin mask.

    The spatial sigma is 4 % of the inter-ocular distance, the range sigma 0.08 (sRGB units).
    """
    import cv2

    lm = np.asarray(landmarks, np.float64)
    sigma = max(1.5, 0.04 * _iod(lm))
    smooth = np.ascontiguousarray(img, np.float32)
    for _ in range(2):
        smooth = cv2.bilateralFilter(smooth, d=int(2 * round(2 * sigma) + 1), sigmaColor=0.08, sigmaSpace=sigma)
    w = (strength * _skin_weight(img, lm))[..., None]
    return (img * (1 - w) + smooth * w).clip(0, 1).astype(np.float32)


def lighten_skin(img: np.ndarray, landmarks: np.ndarray, delta_l: float = 8.0) -> np.ndarray:
    """Add ``delta_l`` to CIELAB L* inside the feathered skin mask."""
    from skimage.color import lab2rgb, rgb2lab

    lm = np.asarray(landmarks, np.float64)
    w = _skin_weight(img, lm)
    ys, xs = np.nonzero(w > 1e-3)
    out = np.array(img, np.float32, copy=True)
    if ys.size == 0:
        return out
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    lab = rgb2lab(np.clip(img[y0:y1, x0:x1].astype(np.float64), 0, 1))
    lab[..., 0] = np.clip(lab[..., 0] + delta_l * w[y0:y1, x0:x1], 0, 100)
    out[y0:y1, x0:x1] = np.clip(lab2rgb(lab), 0, 1).astype(np.float32)
    return out


def flatter(img: np.ndarray, landmarks: np.ndarray, kind: str, *, seed: int = 0) -> np.ndarray:
    """One synthetic flattery (a key of :data:`KINDS`) at the scorecard's amount.

    ``seed`` is accepted for a uniform interface; every kind here is deterministic.

    Examples
    --------
    >>> img = np.full((64, 64, 3), 0.5, np.float32)
    >>> flatter(img, np.zeros((68, 2)), "colour")
    Traceback (most recent call last):
    ...
    ValueError: unknown flattery 'colour'; known: eye_size, skin_smoothing, skin_lightness, nose_width, jaw_width
    """
    funcs = {"eye_size": enlarge_eyes, "skin_smoothing": smooth_skin, "skin_lightness": lighten_skin,
             "nose_width": narrow_nose, "jaw_width": narrow_jaw}
    if kind not in funcs:
        raise ValueError(f"unknown flattery {kind!r}; known: {', '.join(funcs)}")
    return funcs[kind](np.asarray(img, np.float32), landmarks)
