"""Shared helpers for :mod:`candid.looks`: validation, colour encoding, film units."""

from __future__ import annotations

import math
from typing import Iterator

import cv2
import numpy as np

from candid import colour
from candid.pixels import check_image as _check_image

#: Film formats as (long side, short side) of the exposed frame in mm.
#: ``"120"`` means 6x7 (the classic medium-format portrait camera).
FILM_FORMATS: dict[str, tuple[float, float]] = {
    "half-frame": (24.0, 18.0),
    "35mm": (36.0, 24.0),
    "645": (56.0, 41.5),
    "6x6": (56.0, 56.0),
    "6x7": (70.0, 56.0),
    "120": (70.0, 56.0),
    "4x5": (120.0, 95.0),
}

#: Rows processed at a time by banded operations (bounds temporaries at 8K).
BAND_ROWS = 256


def check_image(img: np.ndarray, name: str = "img") -> np.ndarray:
    """:func:`candid.pixels.check_image` (the one rule set) for images of at least 2x2."""
    return _check_image(img, name, min_side=2)


def check_seed(seed: int) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    return int(seed)


def check_fraction(value: float, name: str, lo: float = 0.0, hi: float = 1.0) -> float:
    value = float(value)
    if not (lo <= value <= hi) or math.isnan(value):
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {value}")
    return value


def srgb_to_linear(x: np.ndarray) -> np.ndarray:
    """sRGB-encoded [0, 1] -> linear light, float32: :func:`candid.colour.srgb_to_linear`, exact (16-bit film curves)."""
    return colour.srgb_to_linear(x, exact=True)


def linear_to_srgb(x: np.ndarray) -> np.ndarray:
    """Linear light -> sRGB-encoded [0, 1], float32 (clipped): :func:`candid.colour.linear_to_srgb`, exact."""
    return colour.linear_to_srgb(x, exact=True)


def film_format_mm(film_format: str) -> tuple[float, float]:
    if film_format not in FILM_FORMATS:
        raise ValueError(f"unknown film_format {film_format!r}; known: {', '.join(FILM_FORMATS)}")
    return FILM_FORMATS[film_format]


def px_per_mm(shape: tuple[int, ...], film_format: str = "35mm") -> float:
    """Pixels per mm of film when an image of ``shape`` shows a whole frame.

    Uses the geometric mean over both axes so crops to another aspect ratio
    keep the frame's area.

    Examples
    --------
    >>> round(px_per_mm((4320, 7680, 3), "35mm"), 1)
    196.0
    """
    a, b = film_format_mm(film_format)
    return math.sqrt(shape[0] * shape[1] / (a * b))


def bands(height: int, rows: int = BAND_ROWS) -> Iterator[tuple[int, int]]:
    for r0 in range(0, height, rows):
        yield r0, min(height, r0 + rows)


def gauss_ksize(sigma: float) -> int:
    return 2 * int(math.ceil(4.0 * sigma)) + 1


def block_mean(arr: np.ndarray, f: int) -> np.ndarray:
    """Mean over ``f x f`` blocks (edge-padded), for 2-D or 3-D arrays."""
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


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3 - 2 * t)
