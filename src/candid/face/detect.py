"""Face detection, 68-point landmarks and the 128-D identity embedding.

Detection is MediaPipe's (full range, for small faces too) with dlib's HOG
detector as a fallback; the 68 landmarks are derived from the MediaPipe face
mesh by default. dlib's own 68-point model (trained on iBUG 300-W, not for
commercial use) is loaded only when asked for: ``model="dlib68"`` or the
environment variable ``CANDID_LANDMARKS=dlib68``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import cv2
import numpy as np

from candid.face import _models

#: dlib's published decision threshold for "same person" on its embedding.
SAME_PERSON_THRESHOLD = 0.6


@dataclass(frozen=True)
class FaceBox:
    """A detected face: box corners in pixels and the detector's score."""

    x0: float
    y0: float
    x1: float
    y1: float
    score: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def area(self) -> float:
        return max(self.width, 0.0) * max(self.height, 0.0)


def box_iou(a, b) -> float:
    """Intersection over union of two boxes given as ``(x0, y0, x1, y1)``: 0 apart, 1 the same box.

    Examples
    --------
    >>> box_iou((0, 0, 10, 10), (5, 0, 15, 10))
    0.3333333333333333
    >>> box_iou((0, 0, 1, 1), (2, 2, 3, 3))
    0.0
    """
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def to_uint8(pixels: np.ndarray) -> np.ndarray:
    """Float [0, 1] RGB to contiguous uint8, as dlib wants it."""
    if pixels.dtype == np.uint8:
        return np.ascontiguousarray(pixels)
    # In bands of rows, so a 24 MP float image does not cost ~1 GB of temporaries.
    out = np.empty(pixels.shape, dtype=np.uint8)
    for y in range(0, pixels.shape[0], 256):
        band = np.nan_to_num(pixels[y : y + 256] * 255.0, nan=0.0, copy=False)
        np.rint(band, out=band)
        np.clip(band, 0, 255, out=band)
        out[y : y + 256] = band
    return out


#: Landmark models: "mesh" (MediaPipe, Apache-2.0, the default) and "dlib68" (iBUG 300-W, non-commercial).
LANDMARK_MODELS = ("mesh", "dlib68")


def landmark_model(model: str | None = None) -> str:
    """The landmark model to use: ``model`` if given, else ``$CANDID_LANDMARKS``, else ``"mesh"``.

    Examples
    --------
    >>> landmark_model("dlib68")
    'dlib68'
    """
    name = (model or os.environ.get("CANDID_LANDMARKS") or "mesh").strip().lower()
    if name not in LANDMARK_MODELS:
        from candid.errors import CandidError

        raise CandidError(f"unknown landmark model {name!r}", hint=f"use one of {', '.join(LANDMARK_MODELS)}")
    return name


def detect_faces(pixels: np.ndarray, *, min_score: float = 0.5, max_side: int = 1920,
                 model: str | None = None) -> list[FaceBox]:
    """Find faces, largest first.

    MediaPipe's full-range detector (then its short-range one) searches the
    image whole and, for big images, in overlapping tiles; when it finds
    nothing, dlib's HOG detector (:func:`detect_faces_hog`) tries. With the
    ``dlib68`` landmark model only HOG is used, as before the mesh.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 in [0, 1] (or uint8).
    min_score : float
        MediaPipe detection confidence under which a face is ignored.
    max_side : int
        Long side at which the whole-image search runs.
    model : str, optional
        ``"mesh"`` or ``"dlib68"`` (see :func:`landmark_model`).

    Returns
    -------
    list of FaceBox
        Largest first, MediaPipe's boxes (HOG's when MediaPipe finds none);
        empty when there is no face.

    Examples
    --------
    >>> from skimage import data
    >>> faces = detect_faces(data.astronaut().astype("float32") / 255)
    >>> len(faces), faces[0].width > 60
    (1, True)
    """
    image = to_uint8(pixels)
    if landmark_model(model) == "dlib68":
        return detect_faces_hog(image)
    from candid.face import mesh

    boxes = [FaceBox(*d.box, d.score) for d in mesh.mp_detect(image, max_side=max_side, min_score=min_score)]
    if not boxes:
        boxes = detect_faces_hog(image)
    return sorted(boxes, key=lambda b: b.area, reverse=True)


def detect_faces_hog(pixels: np.ndarray, *, min_score: float = 0.3, max_side: int = 1600) -> list[FaceBox]:
    """Find frontal faces with dlib's HOG detector, largest first.

    Big images are searched at ``max_side`` pixels on the long side and the
    boxes scaled back; if nothing is found the search is repeated at twice the
    resolution (small faces).

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 in [0, 1] (or uint8).
    min_score : float
        Detector score below which a detection is ignored. dlib's own
        threshold is 0; 0.3 drops the weak false positives it makes on
        patterned clothes and badges.
    max_side : int
        Long side at which detection runs.

    Returns
    -------
    list of FaceBox
        Largest first, in the input's pixels; empty when there is no face.

    Examples
    --------
    >>> from skimage import data
    >>> boxes = detect_faces_hog(data.astronaut())  # uint8 is taken as it is
    >>> len(boxes), 60 < boxes[0].width < 120, bool(boxes[0].score >= 0.3)
    (1, True, True)
    """
    image = to_uint8(pixels)
    scale = min(1.0, max_side / max(image.shape[:2]))
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    det = _models.detector()
    for upsample in (0, 1):
        rects, scores, _ = det.run(small, upsample, 0.0)
        boxes = [
            FaceBox(r.left() / scale, r.top() / scale, (r.right() + 1) / scale, (r.bottom() + 1) / scale, float(s))
            for r, s in zip(rects, scores)
            if s >= min_score
        ]
        if boxes:
            return sorted(boxes, key=lambda b: b.area, reverse=True)
    return []


def _dlib_rect(box: FaceBox):
    import dlib

    return dlib.rectangle(int(round(box.x0)), int(round(box.y0)), int(round(box.x1)) - 1, int(round(box.y1)) - 1)


def face_landmarks(pixels: np.ndarray, box: FaceBox, *, model: str | None = None) -> np.ndarray:
    """The 68 iBUG-layout landmarks of the face in ``box``.

    Parameters
    ----------
    pixels : ndarray
        The whole image.
    box : FaceBox
        The face, from :func:`detect_faces`.
    model : str, optional
        ``"mesh"`` (default: derived from the MediaPipe mesh through
        :data:`candid.face.mesh.MESH_TO_68`) or ``"dlib68"``.

    Returns
    -------
    ndarray
        ``(68, 2)`` float32, ``(x, y)`` in pixels. Index ranges: jaw 0-16,
        brows 17-26, nose 27-35, eyes 36-47, mouth 48-67.

    Raises
    ------
    FaceError
        The mesh finds no face in the box.

    Examples
    --------
    >>> from skimage import data
    >>> img = data.astronaut()
    >>> face_landmarks(img, detect_faces(img)[0]).shape
    (68, 2)
    """
    if landmark_model(model) == "mesh":
        from candid.errors import FaceError
        from candid.face import mesh

        points = mesh.face_mesh(to_uint8(pixels), (box.x0, box.y0, box.x1, box.y1))
        if points is None:
            raise FaceError("a face was detected but its landmarks could not be placed",
                            hint="use a sharper, less turned or less covered face")
        return mesh.landmarks_68(points)
    shape = _models.shape_predictor()(to_uint8(pixels), _dlib_rect(box))
    return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float32)


def identity_embedding(pixels: np.ndarray, landmarks: np.ndarray, *, jitter: int = 0) -> np.ndarray:
    """The 128-D dlib identity embedding of an aligned face.

    Parameters
    ----------
    pixels : ndarray
        The whole image.
    landmarks : ndarray
        ``(68, 2)`` landmarks of the face, from :func:`face_landmarks`.
    jitter : int
        Extra randomly jittered crops averaged in (slower, slightly steadier).

    Returns
    -------
    ndarray
        ``(128,)`` float32; Euclidean distances under
        :data:`SAME_PERSON_THRESHOLD` (0.6) mean the same person.
    """
    import dlib

    pts = [dlib.point(int(round(x)), int(round(y))) for x, y in landmarks]
    xs, ys = landmarks[:, 0], landmarks[:, 1]
    rect = dlib.rectangle(int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))
    shape = dlib.full_object_detection(rect, pts)
    vec = _models.recognizer().compute_face_descriptor(to_uint8(pixels), shape, jitter)
    return np.asarray(vec, dtype=np.float32)


def identity_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance between two identity embeddings (0 = identical).

    Examples
    --------
    >>> identity_distance(np.zeros(128), np.full(128, 0.05)) < SAME_PERSON_THRESHOLD
    True
    """
    return float(np.linalg.norm(np.asarray(a, np.float64) - np.asarray(b, np.float64)))
