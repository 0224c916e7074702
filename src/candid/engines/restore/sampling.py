"""How restore reads big images: bands of rows, strided samples for global statistics, the noise level."""

from __future__ import annotations

from typing import Iterator

import numpy as np

#: Rows per band when big images are processed piece by piece.
BAND_ROWS = 1024


def bands(height: int, rows: int = BAND_ROWS, margin: int = 0) -> Iterator[tuple[int, int, int, int]]:
    """Yield ``(core0, core1, read0, read1)`` row ranges: process ``read``, keep ``core``.

    Examples
    --------
    >>> list(bands(5, rows=2, margin=1))
    [(0, 2, 0, 3), (2, 4, 1, 5), (4, 5, 3, 5)]
    """
    for y0 in range(0, height, rows):
        y1 = min(height, y0 + rows)
        yield y0, y1, max(0, y0 - margin), min(height, y1 + margin)


def sample(pixels: np.ndarray, target: int = 1_000_000) -> np.ndarray:
    """A strided view with about ``target`` pixels (for global statistics).

    Examples
    --------
    >>> sample(np.zeros((400, 400)), target=10_000).shape
    (100, 100)
    """
    step = max(1, int(np.sqrt(pixels.shape[0] * pixels.shape[1] / target)))
    return pixels[::step, ::step]


def noise_sigma(grey: np.ndarray) -> float:
    """Robust white-noise sigma of a grey image (MAD of a diagonal Haar detail band), on a sample.

    Examples
    --------
    >>> noisy = 0.5 + 0.02 * np.random.default_rng(0).standard_normal((256, 256))
    >>> round(noise_sigma(noisy), 2)
    0.02
    """
    g = sample(grey, 4_000_000).astype(np.float32)
    h, w = (g.shape[0] // 2) * 2, (g.shape[1] // 2) * 2
    g = g[:h, :w]
    d = (g[0::2, 0::2] - g[0::2, 1::2] - g[1::2, 0::2] + g[1::2, 1::2]) / 2.0
    return float(np.median(np.abs(d)) / 0.6744897501960817)
