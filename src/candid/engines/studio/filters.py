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
        if out is None:  # the estimate itself, exact
            num, den = gauss(values * expand(w), s), gauss(w, s)
        else:  # only a far fill: made coarse (a sigma of hundreds of px at full size took minutes on 6 MP)
            num, den = _coarse_gauss(values * expand(w), s), _coarse_gauss(w, s)
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


#: Largest buffer (bytes) an exact wide blur of a thin image may take before it is made coarse too.
EXACT_BLUR_BYTES = 256 * 2**20


def _coarse_gauss(x: np.ndarray, sigma: float) -> np.ndarray:
    """:func:`gauss` for a wide ``sigma``, made at a scale where it is at most 8 px (area down, linear up).

    An image thinner than two steps of that scale is blurred exactly, unless the
    blur's kernel makes that too big (OpenCV pads by the kernel, about
    ``8 sigma``, on each side): a thin crop's far fill with a sigma of
    thousands of px took 19 GB and was killed (lifeifei.jpg, round 17); it is
    made at one px across its thin side instead (constant across it, as a
    blur that wide is).

    Examples
    --------
    >>> x = np.zeros((6, 400), np.float32); x[:, 200] = 1
    >>> y = _coarse_gauss(x, 5000.0)  # exact would pad to ~80000 px a side
    >>> y.shape, bool(np.allclose(y[0], y[5]))
    ((6, 400), True)
    """
    f = max(int(sigma // 8), 1)
    h, w = x.shape[:2]
    if f == 1:
        return gauss(x, sigma)
    if min(h, w) < 2 * f:
        pad = 8 * sigma + 1
        channels = x.shape[2] if x.ndim == 3 else 1
        if (h + pad) * (w + pad) * channels * 4 <= EXACT_BLUR_BYTES:
            return gauss(x, sigma)
    small = cv2.resize(x, (max(w // f, 1), max(h // f, 1)), interpolation=cv2.INTER_AREA)
    return cv2.resize(gauss(small, sigma / f), (w, h), interpolation=cv2.INTER_LINEAR)


def resize(x: np.ndarray, size: tuple[int, int], interpolation: int = cv2.INTER_LINEAR) -> np.ndarray:
    """Resize to ``(width, height)``."""
    if (x.shape[1], x.shape[0]) == tuple(size):
        return x
    return cv2.resize(x, size, interpolation=interpolation)
