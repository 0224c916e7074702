"""68-point landmarks of the largest face, for ``candid finish --reference`` and benchmarks.

The finish functions take plain ``(68, 2)`` arrays and do not need this; it
exists so ``candid finish --reference`` works on its own. The points come from
:mod:`candid.face` (derived from the MediaPipe mesh, Apache-2.0), never from
dlib's 68-point model, whose iBUG 300-W training data excludes commercial use.
"""

from __future__ import annotations

import numpy as np


def face_landmarks68(img: np.ndarray, *, label: str = "image") -> np.ndarray:
    """The ``(68, 2)`` landmarks (iBUG index convention) of the largest face in an sRGB float image.

    Raises
    ------
    FaceError
        No face found.

    Examples
    --------
    >>> from skimage import data
    >>> face_landmarks68(data.astronaut() / 255.0).shape
    (68, 2)
    """
    from candid.face import analyze_face

    pixels = np.asarray(img, dtype=np.float32)
    face = analyze_face(pixels, face_index=0, embed=False, quality=False, source=label)
    return np.asarray(face.landmarks, dtype=np.float64)
