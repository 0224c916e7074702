"""Validation at the edge of the restore functions: the image and the damage mask."""

from __future__ import annotations

import numpy as np

from candid.pixels import check_image as _check_image


def check_image(pixels: np.ndarray, name: str = "pixels") -> np.ndarray:
    """:func:`candid.pixels.check_image` (the one rule set) for images of at least 8x8.

    Examples
    --------
    >>> check_image(np.zeros((8, 8, 3), np.float32)).shape
    (8, 8, 3)
    """
    return _check_image(pixels, name, min_side=8)


def check_mask(mask: np.ndarray, shape: tuple[int, ...], name: str = "mask") -> np.ndarray:
    """Return ``mask`` as a bool ``(H, W)`` array matching ``shape[:2]``, or raise ValueError.

    Examples
    --------
    >>> check_mask(np.ones((4, 6)), (4, 6, 3)).dtype
    dtype('bool')
    """
    m = np.asarray(mask)
    if m.ndim == 3:
        m = m.max(axis=2)
    if m.shape != tuple(shape[:2]):
        raise ValueError(f"{name} is {m.shape[1] if m.ndim == 2 else '?'}x{m.shape[0]} "
                         f"but the image is {shape[1]}x{shape[0]}")
    return m > 0.5 if m.dtype != bool else m
