"""The one rule set for an image array at a function's edge (``check_image``).

Studio, restore and looks each had their own ``check_image`` with different
rules (one scaled integer images, one accepted NaN, one required 8 px, one
2 px). They now share this one; each passes the smallest size it can work on.
"""

from __future__ import annotations

import numpy as np


def check_image(img: np.ndarray, name: str = "pixels", *, min_side: int = 2) -> np.ndarray:
    """Validate an ``(H, W, 3)`` image and return it as float32 (no copy when it already is).

    Rules: an array of shape ``(H, W, 3)`` with both sides at least
    ``min_side``; integer images are scaled from their dtype's range to
    [0, 1]; floats are taken as they are (sRGB or linear, the caller knows);
    NaN or infinite values are refused. Raises ``ValueError``.

    Examples
    --------
    >>> float(check_image(np.full((4, 4, 3), 255, np.uint8)).max())
    1.0
    >>> try:
    ...     check_image(np.zeros((4, 4)), "img")
    ... except ValueError as exc:
    ...     print(exc)
    img must be an (H, W, 3) image, got shape (4, 4)
    """
    img = _check_shape(img, name)
    if img.shape[0] < min_side or img.shape[1] < min_side:
        raise ValueError(f"{name} is too small ({img.shape[1]}x{img.shape[0]}; at least {min_side}x{min_side})")
    if np.issubdtype(img.dtype, np.integer):
        return img.astype(np.float32) / np.float32(np.iinfo(img.dtype).max)
    if not np.issubdtype(img.dtype, np.floating):
        raise ValueError(f"{name} must be a float or integer array, got {img.dtype}")
    out = img.astype(np.float32, copy=False)
    if not np.isfinite(out).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return out


def check_float_image(img: np.ndarray, name: str = "pixels") -> np.ndarray:
    """An ``(H, W, 3)`` float array as it is: no copy, no scaling, no scan of the values.

    For functions whose contract is float pixels in [0, 1] and that read them
    lazily or in bands (finishing, the watermark): the same shape rule as
    :func:`check_image`, but integer images are refused rather than scaled and
    values are not scanned (the caller clips). Raises ``ValueError``.

    Examples
    --------
    >>> check_float_image(np.zeros((2, 3, 3), np.float64)).dtype
    dtype('float64')
    >>> try:
    ...     check_float_image(np.zeros((4, 4, 3), np.uint8), "img")
    ... except ValueError as exc:
    ...     print(exc)
    img must be a float image in [0, 1], got uint8
    """
    img = _check_shape(img, name)
    if not np.issubdtype(img.dtype, np.floating):
        raise ValueError(f"{name} must be a float image in [0, 1], got {img.dtype}")
    return img


def _check_shape(img: np.ndarray, name: str) -> np.ndarray:
    if not isinstance(img, np.ndarray):
        img = np.asarray(img)
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"{name} must be an (H, W, 3) image, got shape {img.shape}")
    return img


__all__ = ["check_float_image", "check_image"]
