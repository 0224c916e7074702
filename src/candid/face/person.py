"""Where the people are: a person mask from MediaPipe selfie segmentation, at full resolution.

MediaPipe's selfie segmentation (``mp.solutions.selfie_segmentation``, the
"general" model 0, 256x256 input, shipped inside the wheel) gives a smooth
person probability. It is run on a copy of the photo at a bounded size and
brought back to full resolution with a colour guided filter whose linear
coefficients are fitted at the working size and applied to the full-size
photo (fast guided upsampling, He & Sun 2015), so the mask edge snaps to
the photo's own edges instead of being a blurry upscale.
"""

from __future__ import annotations

import threading

import cv2
import numpy as np

_LOCK = threading.Lock()
_SEGMENTERS: dict[int, object] = {}


def _segmenter(model: int):
    from candid.face._models import load_mediapipe

    mp = load_mediapipe()

    seg = _SEGMENTERS.get(model)
    if seg is None:
        seg = mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=int(model))
        _SEGMENTERS[model] = seg
    return seg


def _box(x: np.ndarray, r: int) -> np.ndarray:
    k = 2 * int(r) + 1
    return cv2.boxFilter(x, -1, (k, k), borderType=cv2.BORDER_REFLECT101)


def guided_coefficients(guide: np.ndarray, p: np.ndarray, r: int, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """Colour guided filter (He et al.) coefficients, box-averaged: ``q = a . I + b``.

    Parameters
    ----------
    guide : ndarray
        ``(H, W, 3)`` float32 guide image.
    p : ndarray
        ``(H, W)`` float32 signal to filter.
    r : int
        Window radius in pixels.
    eps : float
        Regularisation (larger = smoother).

    Returns
    -------
    (a, b)
        ``(H, W, 3)`` and ``(H, W)`` float32; resize both and apply to a larger
        guide for guided upsampling.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.random.default_rng(0).random((16, 16, 3), dtype=np.float32)
    >>> a, b = guided_coefficients(g, g[..., 0].copy(), 2, 1e-6)
    >>> q = np.einsum("hwc,hwc->hw", a, g) + b
    >>> bool(np.abs(q - g[..., 0]).mean() < 0.05)  # a signal the guide explains passes through
    True
    """
    I = guide.astype(np.float32, copy=False)
    p = p.astype(np.float32, copy=False)
    mean_I = _box(I, r)
    mean_p = _box(p, r)
    cov_Ip = _box(I * p[..., None], r) - mean_I * mean_p[..., None]
    var = np.empty(I.shape[:2] + (3, 3), np.float32)
    for i in range(3):
        for j in range(i, 3):
            v = _box(I[..., i] * I[..., j], r) - mean_I[..., i] * mean_I[..., j]
            var[..., i, j] = v
            var[..., j, i] = v
    var += eps * np.eye(3, dtype=np.float32)
    a = np.linalg.solve(var, cov_Ip[..., None])[..., 0].astype(np.float32)
    b = (mean_p - np.einsum("hwc,hwc->hw", a, mean_I)).astype(np.float32)
    return _box(a, r), _box(b, r)


def guided_upsample(small: np.ndarray, p_small: np.ndarray, full: np.ndarray, *, r: int = 2,
                    eps: float = 1e-3) -> np.ndarray:
    """Bring ``p_small`` (computed on ``small``) to the size of ``full``, following ``full``'s edges.

    Examples
    --------
    >>> import numpy as np
    >>> full = np.zeros((64, 64, 3), np.float32); full[:, 33:] = 1
    >>> small = cv2.resize(full, (16, 16), interpolation=cv2.INTER_AREA)
    >>> up = guided_upsample(small, small[..., 0].copy(), full)
    >>> up.shape, bool(up[:, 30].max() < 0.1 and up[:, 36].min() > 0.9)
    ((64, 64), True)
    """
    H, W = full.shape[:2]
    a, b = guided_coefficients(small, p_small, r, eps)
    if a.shape[:2] != (H, W):
        a = cv2.resize(a, (W, H), interpolation=cv2.INTER_LINEAR)
        b = cv2.resize(b, (W, H), interpolation=cv2.INTER_LINEAR)
    return np.clip(np.einsum("hwc,hwc->hw", a, full.astype(np.float32, copy=False)) + b, 0, 1).astype(np.float32)


def person_probability(pixels: np.ndarray, *, work_side: int = 512, model: int = 0,
                       full_resolution: bool = True) -> np.ndarray:
    """Probability that each pixel belongs to a person (anyone in the photo).

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1]; not modified.
    work_side : int
        Long side of the copy the segmenter sees (its own input is 256x256).
    model : {0, 1}
        MediaPipe's general (0) or landscape (1) model.
    full_resolution : bool
        Return at the size of ``pixels`` (guided upsampling); else at the working size.

    Returns
    -------
    ndarray
        ``(H, W)`` float32 in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> p = person_probability(data.astronaut().astype(np.float32) / 255)
    >>> p.shape, float(p[150, 230]) > 0.9, float(p[30, 480]) < 0.1
    ((512, 512), True, True)
    """
    px = np.asarray(pixels)
    if px.ndim != 3 or px.shape[2] != 3 or min(px.shape[:2]) < 8:
        raise ValueError(f"pixels must be an (H, W, 3) image, got {px.shape}")
    px = px.astype(np.float32, copy=False)
    H, W = px.shape[:2]
    s = min(1.0, work_side / max(H, W))
    ws, hs = max(int(round(W * s)), 8), max(int(round(H * s)), 8)
    small = cv2.resize(px, (ws, hs), interpolation=cv2.INTER_AREA) if (ws, hs) != (W, H) else px
    img8 = np.ascontiguousarray((np.clip(small, 0, 1) * 255 + 0.5).astype(np.uint8))
    with _LOCK:
        res = _segmenter(model).process(img8)
    m = res.segmentation_mask
    prob = np.zeros((hs, ws), np.float32) if m is None else np.clip(np.asarray(m, np.float32), 0, 1)
    if prob.shape != (hs, ws):
        prob = cv2.resize(prob, (ws, hs), interpolation=cv2.INTER_LINEAR)
    if not full_resolution or (ws, hs) == (W, H):
        return prob
    return guided_upsample(small, prob, px, r=2, eps=1e-3)


__all__ = ["guided_coefficients", "guided_upsample", "person_probability"]
