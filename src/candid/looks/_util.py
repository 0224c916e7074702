"""Shared helpers for :mod:`candid.looks`: validation, colour encoding, film units, seeded noise."""

from __future__ import annotations

import functools
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
#: Rows per block of the seeded white-noise generator. Fixed, so that noise does
#: not depend on how an image is cut into bands.
_NOISE_BLOCK = 64


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


def white_noise_rows(seed: int, key: int, r0: int, r1: int, width: int) -> np.ndarray:
    """Rows ``r0:r1`` of a seeded standard-normal image of the given width.

    Noise is generated in fixed blocks of rows, each from its own seeded
    generator, so any band of rows is the same whatever banding is used.
    """
    b0, b1 = r0 // _NOISE_BLOCK, (r1 - 1) // _NOISE_BLOCK + 1
    blocks = [_noise_block(seed, key, b, width) for b in range(b0, b1)]
    full = blocks[0] if len(blocks) == 1 else np.concatenate(blocks, axis=0)
    off = r0 - b0 * _NOISE_BLOCK
    return full[off: off + (r1 - r0)]


@functools.lru_cache(maxsize=24)
def _noise_block(seed: int, key: int, block: int, width: int) -> np.ndarray:
    """One seeded block of white noise (read-only, cached: neighbouring bands share their halo blocks)."""
    out = np.random.default_rng([seed, key, block]).standard_normal((_NOISE_BLOCK, width), dtype=np.float32)
    out.setflags(write=False)
    return out


def gauss_ksize(sigma: float) -> int:
    return 2 * int(math.ceil(4.0 * sigma)) + 1


def blurred_noise_rows(
    seed: int, key: int, r0: int, r1: int, height: int, width: int, sigmas: tuple[float, ...], weights: tuple[float, ...]
) -> np.ndarray:
    """Rows ``r0:r1`` of a unit-variance, spatially correlated Gaussian field.

    The field is white noise filtered with a sum of Gaussians (``sigmas`` in
    pixels, ``weights`` their amplitudes); it is normalised exactly to unit
    variance from the discrete kernels. Band-independent (halo rows are
    regenerated from the same seeded blocks).
    """
    smax = max(sigmas)
    halo = int(math.ceil(4.0 * smax)) + 1 if smax >= 0.25 else 0
    a0, a1 = max(0, r0 - halo), min(height, r1 + halo)
    noise = white_noise_rows(seed, key, a0, a1, width)
    kernels = []
    acc = None
    for s, w in zip(sigmas, weights):
        if s < 0.25:
            k = np.zeros(1, np.float64)
            k[0] = 1.0
            part = noise if acc is None else noise.copy()
        else:
            ks = gauss_ksize(s)
            k = cv2.getGaussianKernel(ks, s, cv2.CV_64F).ravel()
            kf = k.astype(np.float32)
            part = cv2.sepFilter2D(noise, cv2.CV_32F, kf, kf, borderType=cv2.BORDER_REFLECT)
        kernels.append((k, w))
        if acc is None:
            acc = part * np.float32(w)
        else:
            acc += part * np.float32(w)
    # exact variance of the combined (sum of separable) kernel
    n = max(len(k) for k, _ in kernels)
    padded = []
    for k, w in kernels:
        p = (n - len(k)) // 2
        padded.append((np.pad(k, (p, p)), w))
    var = 0.0
    for ki, wi in padded:
        for kj, wj in padded:
            var += wi * wj * float(np.dot(ki, kj)) ** 2
    acc *= np.float32(1.0 / math.sqrt(var))
    return acc[r0 - a0: r1 - a0]


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
