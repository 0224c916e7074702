"""Small shared helpers: validation at the edge, luminance, bands."""

from __future__ import annotations

from typing import Iterator

import numpy as np

from candid.colour import luma  # noqa: F401  (the one luma: Rec. 601 on sRGB; restore's callers import it here)
from candid.pixels import check_image as _check_image

#: Rows per band when big images are processed piece by piece.
BAND_ROWS = 1024


def check_image(pixels: np.ndarray, name: str = "pixels") -> np.ndarray:
    """:func:`candid.pixels.check_image` (the one rule set) for images of at least 8x8."""
    return _check_image(pixels, name, min_side=8)


def check_mask(mask: np.ndarray, shape: tuple[int, ...], name: str = "mask") -> np.ndarray:
    """Return ``mask`` as a bool ``(H, W)`` array matching ``shape[:2]``, or raise ValueError."""
    m = np.asarray(mask)
    if m.ndim == 3:
        m = m.max(axis=2)
    if m.shape != tuple(shape[:2]):
        raise ValueError(f"{name} is {m.shape[1] if m.ndim == 2 else '?'}x{m.shape[0]} "
                         f"but the image is {shape[1]}x{shape[0]}")
    return m > 0.5 if m.dtype != bool else m


def to_u8(x: np.ndarray) -> np.ndarray:
    """Float [0, 1] -> uint8, rounded and clipped."""
    return np.clip(x * 255.0 + 0.5, 0, 255).astype(np.uint8)


def bands(height: int, rows: int = BAND_ROWS, margin: int = 0) -> Iterator[tuple[int, int, int, int]]:
    """Yield ``(core0, core1, read0, read1)`` row ranges: process ``read``, keep ``core``."""
    for y0 in range(0, height, rows):
        y1 = min(height, y0 + rows)
        yield y0, y1, max(0, y0 - margin), min(height, y1 + margin)


def sample(pixels: np.ndarray, target: int = 1_000_000) -> np.ndarray:
    """A strided view with about ``target`` pixels (for global statistics)."""
    step = max(1, int(np.sqrt(pixels.shape[0] * pixels.shape[1] / target)))
    return pixels[::step, ::step]


def noise_sigma(grey: np.ndarray) -> float:
    """Robust white-noise sigma of a grey image (MAD of a diagonal Haar detail band), on a sample."""
    g = sample(grey, 4_000_000).astype(np.float32)
    h, w = (g.shape[0] // 2) * 2, (g.shape[1] // 2) * 2
    g = g[:h, :w]
    d = (g[0::2, 0::2] - g[0::2, 1::2] - g[1::2, 0::2] + g[1::2, 1::2]) / 2.0
    return float(np.median(np.abs(d)) / 0.6744897501960817)
