"""Inspecting big files without holding them as one float32 array.

An 8K frame is 398 MB as float32 (twice that while it is converted). The
tells never need it whole: the face tells work on a copy scaled to at most
``core.MAX_IOD`` px between the eyes, the detector on a copy with a long
side of ``core.DETECT_SIDE``, and the image-wide tells (noise, traces) on a
bounded set of full-resolution tiles. :class:`VipsPixels` hands out exactly
those: float32 crops of a lazily decoded pyvips image, and area-resampled
copies built strip by strip (:func:`area_resize`, the same arithmetic as
OpenCV's ``INTER_AREA`` on the whole float image, equal to float rounding).
So a report from a file gives the same tell scores as one from the decoded
array.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

#: Rows of the full-resolution image converted to float32 at a time.
STRIP_ROWS = 512


class VipsPixels:
    """Float32 sRGB view of a pyvips image: ``shape``, ``dtype`` and ``[y0:y1, x0:x1]`` crops only.

    Crops are decoded on demand and returned as new ``(h, w, 3)`` float32
    arrays in [0, 1] (the same conversion as :func:`candid.imageio.read_image`;
    an alpha band is dropped, as ``read_image`` puts it aside).

    Examples
    --------
    >>> import pyvips
    >>> v = VipsPixels(pyvips.Image.black(40, 30, bands=3) + 255)
    >>> v.shape, float(v[0:2, 0:5].max()), v[0:2, 0:5].shape
    ((30, 40, 3), 1.0, (2, 5, 3))
    """

    dtype = np.dtype(np.float32)
    ndim = 3

    def __init__(self, image) -> None:
        if image.format not in ("uchar", "ushort"):
            image = image.cast("ushort" if image.format in ("short", "uint", "int") else "uchar")
        self.image = image
        self.shape = (int(image.height), int(image.width), 3)

    def __getitem__(self, key) -> np.ndarray:
        ys, xs = key[:2] if isinstance(key, tuple) else (key, slice(None))
        y0, y1, _ = ys.indices(self.shape[0])
        x0, x1, _ = xs.indices(self.shape[1])
        if y1 <= y0 or x1 <= x0:
            return np.zeros((max(0, y1 - y0), max(0, x1 - x0), 3), np.float32)
        from candid.imageio._decode import _to_float

        arr = self.image.crop(x0, y0, x1 - x0, y1 - y0).numpy()
        if arr.ndim == 2:
            arr = arr[:, :, None]
        return np.ascontiguousarray(_to_float(arr[:, :, :3], self.image.format, "srgb"), np.float32)

    def crop(self, y0: int, y1: int, x0: int, x1: int) -> "VipsPixels":
        """A lazy view of rows ``y0:y1`` and columns ``x0:x1`` (clipped to the image)."""
        h, w = self.shape[:2]
        y0, x0 = max(0, int(y0)), max(0, int(x0))
        y1, x1 = max(y0 + 1, min(h, int(y1))), max(x0 + 1, min(w, int(x1)))
        return VipsPixels(self.image.crop(x0, y0, x1 - x0, y1 - y0))

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        out = self[:, :]
        return out if dtype is None else out.astype(dtype)


def _area_weights(src: int, dst: int):
    """Sparse ``(dst, src)`` matrix of OpenCV's ``INTER_AREA`` weights along one axis (downscaling)."""
    from scipy import sparse

    scale = src / dst
    rows, cols, vals = [], [], []
    for i in range(dst):
        f1 = i * scale
        f2 = f1 + scale
        s1, s2 = math.ceil(f1), math.floor(f2)
        s2 = min(s2, src - 1)
        s1 = min(s1, s2)
        cell = min(scale, src - f1)
        if s1 - f1 > 1e-3:
            rows.append(i), cols.append(s1 - 1), vals.append((s1 - f1) / cell)
        for s in range(s1, s2):
            rows.append(i), cols.append(s), vals.append(1.0 / cell)
        if f2 - s2 > 1e-3:
            rows.append(i), cols.append(s2), vals.append(min(min(f2 - s2, 1.0), cell) / cell)
    return sparse.csc_matrix((vals, (rows, cols)), shape=(dst, src), dtype=np.float32)


def area_resize(pixels, s: float) -> np.ndarray:
    """``core._resize(pixels, s)`` of a :class:`VipsPixels` (or array), built from strips of rows.

    Only ``STRIP_ROWS`` full-resolution rows are float32 at a time.

    Examples
    --------
    >>> from candid.inspector.core import _resize
    >>> img = np.random.default_rng(0).random((300, 200, 3)).astype(np.float32)
    >>> float(np.abs(area_resize(img, 0.3) - _resize(img, 0.3)).max()) < 1e-5
    True
    """
    h, w = pixels.shape[:2]
    ow, oh = max(16, round(w * s)), max(16, round(h * s))
    wy = _area_weights(h, oh)
    acc = np.zeros((oh, ow * 3), np.float32)
    for y0 in range(0, h, STRIP_ROWS):
        y1 = min(h, y0 + STRIP_ROWS)
        strip = np.ascontiguousarray(pixels[y0:y1, 0:w], np.float32)
        across = cv2.resize(strip, (ow, y1 - y0), interpolation=cv2.INTER_AREA) if ow != w else strip
        acc += wy[:, y0:y1] @ across.reshape(y1 - y0, -1)
    return acc.reshape(oh, ow, 3)
