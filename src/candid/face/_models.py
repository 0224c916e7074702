"""dlib models shipped inside the `face-recognition-models` wheel (HOG detector, identity, opt-in 68 points).

The wheel's ``__init__`` imports ``pkg_resources`` (gone from recent
setuptools), so the model folder is located without importing the package.
Loaded models are cached per process: they are read-only and take ~1 s to load.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from candid.errors import ModelUnavailableError

LANDMARKS_68 = "shape_predictor_68_face_landmarks.dat"
RECOGNITION = "dlib_face_recognition_resnet_model_v1.dat"


@lru_cache(maxsize=1)
def model_dir() -> Path:
    """Folder holding the dlib model files."""
    spec = importlib.util.find_spec("face_recognition_models")
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(
            "the face models are not installed",
            hint="pip install face-recognition-models==0.3.0 (it ships dlib's landmark and identity models)",
        )
    return Path(list(spec.submodule_search_locations)[0]) / "models"


def model_file(name: str) -> Path:
    """One dlib model file, checked (the 68-point file may be deleted: it is only read on request)."""
    path = model_dir() / name
    if not path.is_file():
        raise ModelUnavailableError(f"face model file missing: {path.name}", hint="reinstall face-recognition-models")
    return path


@lru_cache(maxsize=1)
def detector():
    """dlib's HOG + linear SVM frontal face detector."""
    import dlib

    return dlib.get_frontal_face_detector()


@lru_cache(maxsize=1)
def shape_predictor():
    """dlib's 68-point landmark regressor (iBUG 300-W layout; non-commercial: loaded only on request)."""
    import dlib

    return dlib.shape_predictor(str(model_file(LANDMARKS_68)))


@lru_cache(maxsize=1)
def recognizer():
    """dlib's ResNet face recognition model (128-D embedding)."""
    import dlib

    return dlib.face_recognition_model_v1(str(model_file(RECOGNITION)))
