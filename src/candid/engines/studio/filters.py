"""Filters the studio stages share: box/Gaussian blurs, normalised convolution, resize (luminance is candid.colour's)."""

from __future__ import annotations

import cv2
import numpy as np


def box(x: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)^2 window, edges reflected."""
    k = 2 * int(r) + 1
    return cv2.boxFilter(x, -1, (k, k), borderType=cv2.BORDER_REFLECT101)


def gauss(x: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur, edges reflected (``sigma <= 0``: unchanged)."""
    if sigma <= 0:
        return x
    return cv2.GaussianBlur(x, (0, 0), float(sigma), borderType=cv2.BORDER_REFLECT101)


def normalized_blur(values: np.ndarray, weight: np.ndarray, sigma: float) -> np.ndarray:
    """Weighted Gaussian average (normalised convolution): fills gaps with nearby weighted values.

    Where no weighted pixel lies within reach of ``sigma``, the estimate
    comes from successively wider blurs, so every pixel gets its nearest
    known colour rather than a division by almost zero.
    """
    w = weight.astype(np.float32)
    expand = (lambda x: x[..., None]) if values.ndim == 3 else (lambda x: x)
    out = None
    need = None
    s = float(sigma)
    limit = 2 * max(w.shape)
    while True:
        num = gauss(values * expand(w), s)
        den = gauss(w, s)
        est = num / expand(np.maximum(den, 1e-12))
        ok = den > 1e-3
        if out is None:
            out, need = est, ~ok
        else:
            out = np.where(expand(need & ok), est, out)
            need = need & ~ok
        if not need.any() or s > limit or not w.any():
            break
        s *= 4
    return out.astype(np.float32)


def resize(x: np.ndarray, size: tuple[int, int], interpolation: int = cv2.INTER_LINEAR) -> np.ndarray:
    """Resize to ``(width, height)``."""
    if (x.shape[1], x.shape[0]) == tuple(size):
        return x
    return cv2.resize(x, size, interpolation=interpolation)
