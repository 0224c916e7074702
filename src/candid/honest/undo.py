"""Undo: bring the face's proportions and skin tone back to the real person."""

from __future__ import annotations

import cv2
import numpy as np

from candid.face.geometry import face_geometry, interocular_distance, normalize_landmarks
from candid.face.masks import face_regions
from candid.honest.warp import GROUPS, _check_landmarks, _check_pixels, denormalize, scale_group, warp_face

#: Features :func:`target_landmarks` can reshape.
GEOMETRY_FEATURES = ("eye-size", "eye-opening", "nose-width", "nose-length", "lip-fullness",
                     "mouth-width", "jaw-width", "face-width")


def _ratio(ref: float, now: float, strength: float) -> float:
    if not (np.isfinite(ref) and np.isfinite(now)) or now <= 1e-6 or ref <= 0:
        return 1.0
    r = float(np.clip(ref / now, 0.6, 1.6))
    return 1.0 + strength * (r - 1.0)


def target_landmarks(landmarks: np.ndarray, reference: dict[str, float],
                     strengths: dict[str, float]) -> np.ndarray:
    """Landmarks with each feature's group scaled toward the reference proportions.

    Parameters
    ----------
    landmarks : ndarray
        ``(68, 2)`` landmarks of the portrait, in pixels.
    reference : dict
        Reference mean of each :func:`candid.face.face_geometry` measurement (IOD units).
    strengths : dict
        Per feature of :data:`GEOMETRY_FEATURES`, how far to go (0 = leave, 1 = all the way).
        Missing features are left alone.

    Returns
    -------
    ndarray
        ``(68, 2)`` target landmarks in pixels. The eye centres do not move,
        so the inter-ocular distance is unchanged.

    Examples
    --------
    >>> from candid.honest.synthetic import flattered_landmarks
    >>> lm = np.random.default_rng(0).uniform(0, 100, (68, 2))
    >>> lm[36:42] += [-60, 0]; lm[42:48] += [60, 0]
    >>> ref = face_geometry(lm)
    >>> big = flattered_landmarks(lm, eyes=1.2)
    >>> back = target_landmarks(big, ref, {"eye-size": 1.0})
    >>> round(face_geometry(back)["eye_width"] / ref["eye_width"], 3)
    1.0
    """
    lm = _check_landmarks(landmarks)
    now = face_geometry(lm)
    n = normalize_landmarks(lm)
    s = {k: float(np.clip(v, 0.0, 1.0)) for k, v in strengths.items()}
    eye = max(s.get("eye-size", 0.0), s.get("eye-opening", 0.0))
    if eye > 0:
        # "eye-size" scales the whole eye by the width ratio (an enlarged eye is enlarged
        # both ways); only an explicit "eye-opening" sets the opening on its own.
        sx = _ratio(reference.get("eye_width", np.nan), now["eye_width"], s.get("eye-size", 0.0))
        if s.get("eye-opening", 0.0) > 0:
            sy = _ratio(reference.get("eye_opening", np.nan), now["eye_opening"], eye)
        else:
            sy = sx
        n = scale_group(n, GROUPS["right_eye"], sx, sy)
        n = scale_group(n, GROUPS["left_eye"], sx, sy)
    if s.get("nose-width", 0) > 0:
        r = _ratio(reference.get("nose_width", np.nan), now["nose_width"], s["nose-width"])
        n = scale_group(n, np.arange(31, 36), r, 1.0, centre=n[33])
    if s.get("nose-length", 0) > 0:
        r = _ratio(reference.get("nose_length", np.nan), now["nose_length"], s["nose-length"])
        n = scale_group(n, np.arange(28, 36), 1.0, r, centre=n[27])
    if s.get("mouth-width", 0) > 0:
        r = _ratio(reference.get("mouth_width", np.nan), now["mouth_width"], s["mouth-width"])
        n = scale_group(n, GROUPS["mouth"], r, 1.0)
    if s.get("lip-fullness", 0) > 0:
        ru = _ratio(reference.get("upper_lip", np.nan), now["upper_lip"], s["lip-fullness"])
        rl = _ratio(reference.get("lower_lip", np.nan), now["lower_lip"], s["lip-fullness"])
        upper, lower = np.arange(49, 54), np.arange(55, 60)
        n[upper, 1] = n[62, 1] + (n[upper, 1] - n[62, 1]) * ru
        n[lower, 1] = n[66, 1] + (n[lower, 1] - n[66, 1]) * rl
    jaw, face = s.get("jaw-width", 0.0), s.get("face-width", 0.0)
    if jaw > 0 or face > 0:
        rj = _ratio(reference.get("jaw_width", np.nan), now["jaw_width"], jaw)
        rf = _ratio(reference.get("face_width", np.nan), now["face_width"], face)
        # Blend from the face-width ratio at the top of the jaw line to the
        # jaw-width ratio around the chin.
        t = np.clip((np.abs(np.arange(17) - 8) - 4) / 4.0, 0, 1)
        ratio = rj * (1 - t) + rf * t
        cx = n[8, 0]
        n[0:17, 0] = cx + (n[0:17, 0] - cx) * ratio
    return denormalize(n, lm)


def undo_geometry(pixels: np.ndarray, landmarks: np.ndarray, target_landmarks: np.ndarray,
                  strength: float = 1.0) -> np.ndarray:
    """Warp the face from ``landmarks`` toward ``target_landmarks`` (thin-plate spline, face only).

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB (not modified).
    landmarks, target_landmarks : ndarray
        ``(68, 2)`` pixels; see :func:`target_landmarks`.
    strength : float
        Fraction of the way to go, in [0, 1].

    Returns
    -------
    ndarray

    Examples
    --------
    >>> img = np.zeros((64, 64, 3), np.float32)
    >>> lm = np.random.default_rng(0).uniform(20, 44, (68, 2))
    >>> bool(np.array_equal(undo_geometry(img, lm, lm), img))
    True
    """
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"strength must be in [0, 1], got {strength}")
    return warp_face(pixels, landmarks, target_landmarks, strength=strength)


def restore_tone(pixels: np.ndarray, landmarks: np.ndarray, delta_lab: tuple[float, float, float],
                 amount: float = 1.0) -> np.ndarray:
    """Shift the face's CIELAB tone by ``-amount * delta_lab``, feathered into the neck and hair line.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB (not modified).
    landmarks : ndarray
        ``(68, 2)``.
    delta_lab : tuple of float
        How much lighter/redder/yellower (L*, a*, b*) the portrait's skin is than the references'.
    amount : float
        In [0, 1].

    Returns
    -------
    ndarray

    Examples
    --------
    >>> img = np.full((32, 32, 3), 0.5, np.float32)
    >>> lm = np.random.default_rng(0).uniform(8, 24, (68, 2))
    >>> bool(np.array_equal(restore_tone(img, lm, (0, 0, 0)), img))
    True
    """
    img = _check_pixels(pixels)
    lm = _check_landmarks(landmarks)
    out = img.copy()
    delta = np.asarray(delta_lab, np.float32) * float(np.clip(amount, 0, 1))
    if not np.any(np.abs(delta) > 1e-3):
        return out
    regions = face_regions(img, lm)
    y0, y1, x0, x1 = regions.window
    iod = interocular_distance(lm)
    face = regions.masks["face"] & ~regions.masks["eyes"]
    mask = cv2.GaussianBlur(face.astype(np.float32), (0, 0), max(1.0, 0.15 * iod))
    # Fade to zero at the window edge so nothing outside it can change.
    edge = np.ones_like(mask)
    edge[[0, -1], :] = 0
    edge[:, [0, -1]] = 0
    edge = cv2.GaussianBlur(cv2.erode(edge, np.ones((5, 5), np.uint8)), (0, 0), 2.0)
    mask *= edge
    crop = np.ascontiguousarray(img[y0:y1, x0:x1])
    lab = cv2.cvtColor(crop, cv2.COLOR_RGB2LAB)
    lab = lab - mask[..., None] * delta
    back = cv2.cvtColor(lab.astype(np.float32), cv2.COLOR_LAB2RGB)
    out[y0:y1, x0:x1] = np.clip(back, 0, 1)
    return out


def remove_skin_step(pixels: np.ndarray, landmarks: np.ndarray, step: float, amount: float = 1.0) -> np.ndarray:
    """Take a lightening found as a step at the skin's edge (:func:`candid.honest.audit.skin_step`) back out.

    Subtracts ``amount * step`` from CIELAB L* on the skin mask feathered by
    0.03 IOD: the same model the step was measured with, so lips, eyes, brows,
    hair and everything beyond the face keep their pixels (a whole-face tone
    shift would darken them too).

    Examples
    --------
    >>> img = np.full((32, 32, 3), 0.5, np.float32)
    >>> lm = np.random.default_rng(0).uniform(8, 24, (68, 2))
    >>> bool(np.array_equal(remove_skin_step(img, lm, 0.0), img))
    True
    """
    img = _check_pixels(pixels)
    lm = _check_landmarks(landmarks)
    out = img.copy()
    delta = float(step) * float(np.clip(amount, 0, 1))
    if not np.isfinite(delta) or abs(delta) < 1e-3:
        return out
    regions = face_regions(img, lm)
    y0, y1, x0, x1 = regions.window
    sigma = max(1.0, 0.03 * interocular_distance(lm))
    mask = cv2.GaussianBlur(regions.masks["skin"].astype(np.float32), (0, 0), sigma)
    crop = np.ascontiguousarray(img[y0:y1, x0:x1])
    lab = cv2.cvtColor(crop, cv2.COLOR_RGB2LAB)
    lab[..., 0] = np.clip(lab[..., 0] - mask * delta, 0, 100)
    back = cv2.cvtColor(lab.astype(np.float32), cv2.COLOR_LAB2RGB)
    region = mask > 1e-4
    out[y0:y1, x0:x1][region] = np.clip(back, 0, 1)[region]
    return out
