"""Quirks: check that the subject's distinctive marks survive in the portrait."""

from __future__ import annotations

import cv2
import numpy as np

from candid.face.geometry import face_geometry
from candid.face.masks import face_regions
from candid.subjects.quirks import (
    CANONICAL_SIZE,
    MATCH_RADIUS,
    canonical_face,
    canonical_transform,
    feature_shadows,
    find_marks,
    grey_hair_fractions,
)


def _search_area(pixels: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Where a mark may be, in the canonical frame: the face minus eyes, brows, lips and nostrils.

    Geometric, not by skin colour: a dark mole is not skin-coloured, so a
    colour-based skin mask has a hole exactly where the mole is.
    """
    lm = np.asarray(landmarks, np.float64)
    regions = face_regions(np.asarray(pixels, np.float32), lm)
    y0, y1, x0, x1 = regions.window
    m = regions.masks
    area = m["face"] & ~feature_shadows(lm, m, (x0, y0))
    matrix = canonical_transform(lm)
    shifted = matrix.copy()
    shifted[:, 2] += matrix[:, :2] @ np.array([x0, y0])
    return cv2.warpAffine(area.astype(np.uint8), shifted, (CANONICAL_SIZE, CANONICAL_SIZE),
                          flags=cv2.INTER_NEAREST) > 0


def check_quirks(pixels: np.ndarray, landmarks: np.ndarray, profile) -> list[str]:
    """Plain-language warnings for each of the subject's quirks missing in the portrait.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB portrait.
    landmarks : ndarray
        ``(68, 2)`` landmarks of its face.
    profile : SubjectProfile

    Returns
    -------
    list of str
        Empty when every quirk is there (or the subject has none).

    Examples
    --------
    >>> check_quirks(img, landmarks, profile)  # doctest: +SKIP
    ['missing: dark mark (mole or spot) on the left cheek (seen in 3 of 3 real photos)']
    """
    quirks = list(getattr(profile, "quirks", []) or [])
    if not quirks:
        return []
    n = len(profile.photos)
    face, _, hairline = canonical_face(np.asarray(pixels, np.float32), landmarks)
    marks = find_marks(face, _search_area(pixels, landmarks))
    out = []
    for q in quirks:
        seen = f"(seen in {round(q.support * n)} of {n} real photos)"
        if q.kind == "mark" and q.position is not None:
            d = np.hypot(marks[:, 0] - q.position[0], marks[:, 1] - q.position[1]) if len(marks) else np.array([])
            if not (d < 1.5 * MATCH_RADIUS).any():
                out.append(f"missing: {q.description} {seen}")
        elif q.kind == "freckles" and len(marks) < 6:
            out.append(f"missing: {q.description} {seen}")
        elif q.kind == "crooked-smile":
            tilt = face_geometry(landmarks)["smile_tilt"]
            ref = float(np.median([p.geometry["smile_tilt"] for p in profile.photos]))
            if abs(tilt) < 0.5 * abs(ref) or np.sign(tilt) != np.sign(ref):
                out.append(f"missing: {q.description} {seen}; the portrait's smile is straighter")
        elif q.kind == "grey-streak":
            if grey_hair_fractions(face, hairline).max() < 0.15:
                out.append(f"missing: {q.description} {seen}")
    return list(dict.fromkeys(out))  # each quirk once
