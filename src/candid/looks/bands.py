"""Big images piece by piece: bands of rows, block means, and small maps resized band by band."""

from __future__ import annotations

from typing import Iterator

import cv2
import numpy as np

#: Rows processed at a time by banded operations (bounds temporaries at 8K).
BAND_ROWS = 256


def bands(height: int, rows: int = BAND_ROWS) -> Iterator[tuple[int, int]]:
    """Yield ``(r0, r1)`` row ranges of at most ``rows`` rows covering ``height``.

    Examples
    --------
    >>> list(bands(5, rows=2))
    [(0, 2), (2, 4), (4, 5)]
    """
    for r0 in range(0, height, rows):
        yield r0, min(height, r0 + rows)


def block_mean(arr: np.ndarray, f: int) -> np.ndarray:
    """Mean over ``f x f`` blocks (edge-padded), for 2-D or 3-D arrays.

    Examples
    --------
    >>> block_mean(np.arange(16, dtype=np.float32).reshape(4, 4), 2)
    array([[ 2.5,  4.5],
           [10.5, 12.5]], dtype=float32)
    """
    if f <= 1:
        return arr.astype(np.float32, copy=True)
    h, w = arr.shape[:2]
    ph, pw = (-h) % f, (-w) % f
    if ph or pw:
        pad = ((0, ph), (0, pw)) + ((0, 0),) * (arr.ndim - 2)
        arr = np.pad(arr, pad, mode="edge")
    h2, w2 = arr.shape[0] // f, arr.shape[1] // f
    return arr.reshape((h2, f, w2, f) + arr.shape[2:]).mean(axis=(1, 3), dtype=np.float32)


def resize_rows(low: np.ndarray, r0: int, r1: int, height: int, width: int) -> np.ndarray:
    """Rows ``r0:r1`` of ``low`` bilinearly resized to ``(height, width)`` (half-pixel centres).

    Lets a small map (a glow, a light leak) be applied to a big image band by
    band without ever building the full-size map.

    Examples
    --------
    >>> low = np.float32([[0, 0], [1, 1]])
    >>> resize_rows(low, 1, 3, 4, 4)[:, 0]
    array([0.25, 0.75], dtype=float32)
    """
    hl, wl = low.shape[:2]
    if (hl, wl) == (height, width):
        return low[r0:r1]
    ys = (np.arange(r0, r1, dtype=np.float64) + 0.5) * (hl / height) - 0.5
    ys = np.clip(ys, 0, hl - 1)
    y0 = np.floor(ys).astype(np.int64)
    y1 = np.minimum(y0 + 1, hl - 1)
    wy = (ys - y0).astype(np.float32)
    lo, hi = int(y0.min()), int(y1.max()) + 1
    strip = cv2.resize(np.ascontiguousarray(low[lo:hi]), (width, hi - lo), interpolation=cv2.INTER_LINEAR)
    if strip.ndim == 2 and low.ndim == 3:
        strip = strip[..., None]
    a, b = strip[y0 - lo], strip[y1 - lo]
    wy = wy.reshape((-1,) + (1,) * (a.ndim - 1))
    return a + (b - a) * wy
