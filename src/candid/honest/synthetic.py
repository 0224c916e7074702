"""Synthetic flattery, for tests, benchmarks and demos of the guard.

Applies what beauty filters and many AI portrait tools do to a real photo:
larger eyes, a slimmer nose, waxy skin, so the guard can be shown to find
and undo each one. Not used by the guard itself.
"""

from __future__ import annotations

import cv2
import numpy as np

from candid.face.geometry import normalize_landmarks
from candid.face.masks import face_regions
from candid.honest.warp import GROUPS, denormalize, scale_group, warp_face


def flattered_landmarks(landmarks: np.ndarray, *, eyes: float = 1.0, nose_width: float = 1.0,
                        lips: float = 1.0, jaw: float = 1.0) -> np.ndarray:
    """Landmarks with eyes scaled by ``eyes``, nostrils by ``nose_width``, lips and jaw likewise."""
    n = normalize_landmarks(landmarks)
    n = scale_group(n, GROUPS["right_eye"], eyes, eyes)
    n = scale_group(n, GROUPS["left_eye"], eyes, eyes)
    nose = np.arange(31, 36)
    n = scale_group(n, nose, nose_width, 1.0, centre=n[33])
    if lips != 1.0:
        upper, lower = np.arange(49, 54), np.arange(55, 60)
        n[upper, 1] = n[62, 1] + (n[upper, 1] - n[62, 1]) * lips
        n[lower, 1] = n[66, 1] + (n[lower, 1] - n[66, 1]) * lips
    if jaw != 1.0:
        n = scale_group(n, np.arange(2, 15), jaw, 1.0, centre=np.array([n[8, 0], 0.0]))
    return denormalize(n, landmarks)


def smooth_skin(pixels: np.ndarray, landmarks: np.ndarray, amount: float = 1.0) -> np.ndarray:
    """A beauty-filter skin smoothing: edge-preserving blur blended into the skin mask."""
    regions = face_regions(pixels, landmarks)
    y0, y1, x0, x1 = regions.window
    crop = np.ascontiguousarray(pixels[y0:y1, x0:x1], np.float32)
    iod = float(np.linalg.norm(landmarks[42:48].mean(0) - landmarks[36:42].mean(0)))
    d = max(3, int(round(0.15 * iod)))
    smooth = cv2.bilateralFilter(crop, d, 0.08, 0.05 * iod)
    smooth = cv2.GaussianBlur(smooth, (0, 0), max(0.8, 0.02 * iod))
    mask = cv2.GaussianBlur(regions.masks["skin"].astype(np.float32), (0, 0), max(1.0, 0.04 * iod))
    mask = (amount * mask)[..., None]
    out = np.array(pixels, np.float32, copy=True)
    out[y0:y1, x0:x1] = crop * (1 - mask) + smooth * mask
    return out


def flatter(pixels: np.ndarray, landmarks: np.ndarray, *, eyes: float = 1.15, nose_width: float = 0.85,
            lips: float = 1.0, jaw: float = 1.0, smooth: float = 1.0, lighten: float = 0.0,
            lighten_l: float = 0.0) -> np.ndarray:
    """Apply synthetic flattery to a real photo.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB (not modified).
    landmarks : ndarray
        ``(68, 2)`` landmarks of the face.
    eyes, nose_width, lips, jaw : float
        Scale factors (1 = unchanged).
    smooth : float
        Skin smoothing amount in [0, 1].
    lighten : float
        Skin lightening, added to the skin's sRGB values (e.g. 0.08).
    lighten_l : float
        Skin lightening in CIELAB L* units (e.g. 8), feathered over the face.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> img, lm = astronaut(), astronaut_landmarks()
    >>> flatter(img, lm, smooth=0.0).shape
    (512, 512, 3)
    """
    lm = np.asarray(landmarks, np.float64)
    target = flattered_landmarks(lm, eyes=eyes, nose_width=nose_width, lips=lips, jaw=jaw)
    out = warp_face(pixels, lm, target)
    if smooth > 0:
        out = smooth_skin(out, target, smooth)
    if lighten:
        regions = face_regions(out, target)
        y0, y1, x0, x1 = regions.window
        iod = float(np.linalg.norm(target[42:48].mean(0) - target[36:42].mean(0)))
        mask = cv2.GaussianBlur(regions.masks["face"].astype(np.float32), (0, 0), 0.1 * iod)
        out[y0:y1, x0:x1] = np.clip(out[y0:y1, x0:x1] + lighten * mask[..., None], 0, 1)
    if lighten_l:
        regions = face_regions(out, target)
        y0, y1, x0, x1 = regions.window
        iod = float(np.linalg.norm(target[42:48].mean(0) - target[36:42].mean(0)))
        mask = cv2.GaussianBlur(regions.masks["face"].astype(np.float32), (0, 0), 0.1 * iod)
        lab = cv2.cvtColor(np.ascontiguousarray(out[y0:y1, x0:x1]), cv2.COLOR_RGB2LAB)
        lab[..., 0] = np.clip(lab[..., 0] + lighten_l * mask, 0, 100)
        out[y0:y1, x0:x1] = np.clip(cv2.cvtColor(lab, cv2.COLOR_LAB2RGB), 0, 1)
    return out
