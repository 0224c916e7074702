"""Checks at the studio functions' edge: the image (candid's one rule set), landmarks, alpha."""

from __future__ import annotations

import numpy as np

from candid.pixels import check_image as _check_image


def check_image(pixels: np.ndarray, name: str = "pixels") -> np.ndarray:
    """:func:`candid.pixels.check_image` (the one rule set) for images of at least 8x8."""
    return _check_image(pixels, name, min_side=8)


def check_landmarks(landmarks: np.ndarray) -> np.ndarray:
    """The 68 landmarks as a finite float64 ``(68, 2)`` array, or ValueError."""
    lm = np.asarray(landmarks, np.float64)
    if lm.shape != (68, 2) or not np.all(np.isfinite(lm)):
        raise ValueError(f"landmarks must be a finite (68, 2) array, got {lm.shape}")
    return lm


def check_alpha(alpha: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """An alpha matte of the image's ``(H, W)`` as float32, or ValueError."""
    a = np.asarray(alpha)
    if a.shape != tuple(shape[:2]):
        raise ValueError(f"alpha must be {shape[:2]}, got {a.shape}")
    return a.astype(np.float32, copy=False)
