"""The face the docstring examples share: scikit-image's astronaut and her 68 landmarks.

Many examples need "an image with a face and its landmarks" before they can
show what their function does; these two calls are that setup, so each
example keeps only the lines about its own function. The landmarks are
found once per process and landmark model (:func:`candid.face.landmark_model`).
"""

from __future__ import annotations

import functools

import numpy as np


def astronaut() -> np.ndarray:
    """``skimage.data.astronaut()`` as candid's float32 sRGB in [0, 1] (a new array each call).

    Examples
    --------
    >>> img = astronaut()
    >>> img.shape, img.dtype, float(img.max()) <= 1.0
    ((512, 512, 3), dtype('float32'), True)
    """
    from skimage import data

    return data.astronaut().astype(np.float32) / 255


@functools.lru_cache(maxsize=2)
def _landmarks(model: str) -> np.ndarray:
    from candid.face import analyze_face

    return analyze_face(astronaut(), embed=False, quality=False, landmarks=model).landmarks


def astronaut_landmarks() -> np.ndarray:
    """The 68 landmarks of the face in :func:`astronaut` (a new array each call).

    Examples
    --------
    >>> lm = astronaut_landmarks()
    >>> lm.shape, bool(lm[36, 0] < lm[45, 0])  # the image-left eye corner is left of the other
    ((68, 2), True)
    """
    from candid.face.detect import landmark_model

    return _landmarks(landmark_model()).copy()
