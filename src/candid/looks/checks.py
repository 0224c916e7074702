"""Checks at the edge of the look functions: the image (candid's one rule set), seeds, fractions."""

from __future__ import annotations

import math

import numpy as np

from candid.pixels import check_image as _check_image


def check_image(img: np.ndarray, name: str = "img") -> np.ndarray:
    """:func:`candid.pixels.check_image` (the one rule set) for images of at least 2x2.

    Examples
    --------
    >>> check_image(np.zeros((2, 2, 3), np.float32)).shape
    (2, 2, 3)
    """
    return _check_image(img, name, min_side=2)


def check_seed(seed: int) -> int:
    """``seed`` as a plain non-negative int, or ValueError (bools are refused).

    Examples
    --------
    >>> check_seed(np.int64(7))
    7
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    return int(seed)


def check_fraction(value: float, name: str, lo: float = 0.0, hi: float = 1.0) -> float:
    """``value`` as a float in ``[lo, hi]``, or ValueError naming ``name``.

    Examples
    --------
    >>> check_fraction(0.25, "amount")
    0.25
    """
    value = float(value)
    if not (lo <= value <= hi) or math.isnan(value):
        raise ValueError(f"{name} must be in [{lo}, {hi}], got {value}")
    return value
