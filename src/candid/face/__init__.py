"""Face analysis, offline on the CPU, with models from PyPI wheels.

MediaPipe 0.10.14 (Apache-2.0) gives face detection and the 478-point face
mesh with irises; the 68 iBUG-layout landmarks the rest of candid uses are
derived from the mesh (:data:`candid.face.mesh.MESH_TO_68`). dlib gives the
HOG detector (fallback) and, from `face-recognition-models`, the 128-D ResNet
identity model (CC0). dlib's 68-point model (iBUG 300-W, non-commercial) is
loaded only on request (``CANDID_LANDMARKS=dlib68``). Everything else
(region masks, geometry, texture, quality) is derived here.
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
    landmark_model,
    to_uint8,
)
from candid.face.geometry import FEATURES, face_geometry, interocular_distance, normalize_landmarks
from candid.face.masks import FaceRegions, face_regions
from candid.face.mesh import LANDMARKS_VERSION, face_mesh, head_pose, iris_circles, landmarks_68
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
    mesh : ndarray or None
        ``(478, 2)`` float32 MediaPipe face mesh points in pixels (468 face
        points, then 5 per iris: image-left eye's first in the wheel's order).
    mesh_depth : ndarray or None
        ``(478,)`` float32 MediaPipe depth of each mesh point (smaller: nearer
        the camera), in the same pixels' scale as :attr:`mesh`; see
        :attr:`mesh_3d`. Whoever moves the analysis to other pixels scales
        it with the move (a rotation keeps it; a scale ``s`` multiplies it).
    iris : tuple of ndarray or None
        ``(centres, radii)``: ``(2, 2)`` iris centres and ``(2,)`` radii in
        pixels, image-left eye first, fitted to the mesh's iris rings.
    pose : tuple of float or None
        ``(yaw, pitch, roll)`` in degrees (see :func:`candid.face.mesh.head_pose`).
    landmark_source : str
        ``"mesh"`` (68 points derived from the mesh) or ``"dlib68"``.
    faces : tuple of FaceBox
        Every face the detector found in the analysed image, largest first
        (``faces[index]`` is ``box``); empty when not known. In that image's
        pixels: read them through :attr:`known_faces` / :attr:`other_faces`,
        which are empty once the analysis was moved to other pixels (framed,
        scaled). Not part of :meth:`summary`.

    Examples
    --------
    >>> from candid.face.examples import astronaut
    >>> face = analyze_face(astronaut(), embed=False, quality=False)
    >>> len(face.known_faces), face.other_faces
    (1, ())
    >>> from dataclasses import replace
    >>> replace(face, box=FaceBox(0, 0, 10, 10, 1.0)).known_faces  # moved: the boxes are not trusted
    ()
    """

    box: FaceBox
    landmarks: np.ndarray = field(repr=False)
    embedding: np.ndarray | None = field(default=None, repr=False)
    quality: QualityReport | None = None
    index: int = 0
    n_faces: int = 1
    mesh: np.ndarray | None = field(default=None, repr=False)
    mesh_depth: np.ndarray | None = field(default=None, repr=False)
    iris: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    pose: tuple[float, float, float] | None = None
    landmark_source: str = "mesh"
    faces: tuple[FaceBox, ...] = field(default=(), repr=False)

    @property
    def known_faces(self) -> tuple[FaceBox, ...]:
        """:attr:`faces` while they are in the same pixels as :attr:`box`; ``()`` when unknown or moved."""
        faces = self.faces
        if len(faces) != self.n_faces or not 0 <= self.index < len(faces) or faces[self.index] != self.box:
            return ()
        return self.faces

    @property
    def other_faces(self) -> tuple[FaceBox, ...]:
        """The faces found beside this one (:attr:`known_faces` without :attr:`box`); ``()`` when not known."""
        known = self.known_faces
        return known[:self.index] + known[self.index + 1:]

    @property
    def mesh_3d(self) -> np.ndarray | None:
        """``(478, 3)`` float64 mesh (x, y, z in pixels, as :func:`candid.face.mesh.face_mesh` gives it), or None.

        None when the analysis has no mesh or no depth for it (the dlib68
        model, or an analysis moved without its depth).

        Examples
        --------
        >>> from candid.face.examples import astronaut
        >>> face = analyze_face(astronaut(), embed=False, quality=False)
        >>> face.mesh_3d.shape, bool(np.array_equal(face.mesh_3d[:, :2], face.mesh))
        ((478, 3), True)
        """
        if self.mesh is None or self.mesh_depth is None or len(self.mesh_depth) != len(self.mesh):
            return None
        return np.hstack([np.asarray(self.mesh, np.float64), np.asarray(self.mesh_depth, np.float64)[:, None]])

    @property
    def iod(self) -> float:
        return interocular_distance(self.landmarks)

    def regions(self, pixels: np.ndarray) -> FaceRegions:
        return face_regions(pixels, self.landmarks, mesh=self.mesh)

    def summary(self) -> dict:
        """Plain data for reports and JSON."""
        return {
            "box": [self.box.x0, self.box.y0, self.box.x1, self.box.y1],
            "score": self.box.score,
            "index": self.index,
            "n_faces": self.n_faces,
            "iod_px": self.iod,
            "geometry": face_geometry(self.landmarks),
            "landmark_source": self.landmark_source,
            "pose": None if self.pose is None else [round(v, 1) for v in self.pose],
            "iris_radius_px": None if self.iris is None else [float(r) for r in self.iris[1]],
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
    landmarks: str | None = None,
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
    landmarks : str, optional
        ``"mesh"`` (default) or ``"dlib68"`` (dlib's non-commercial model,
        for comparisons); without it ``$CANDID_LANDMARKS`` decides.

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
    >>> face.landmarks.shape, face.embedding.shape, face.mesh.shape, face.landmark_source
    ((68, 2), (128,), (478, 2), 'mesh')
    """
    model = landmark_model(landmarks)
    image8 = to_uint8(pixels)  # once, shared by detector, landmarks and embedding
    faces = detect_faces(image8, model=model)
    if not faces:
        raise FaceError("no face found", source=source,
                        hint="use a photo with one clearly visible, roughly frontal face, "
                             f"at least {MIN_FACE_PX} px wide")
    if face_index is None and len(faces) > 1:
        raise FaceError(f"{len(faces)} faces found ({_describe_faces(faces)})", source=source,
                        hint="choose one with --face N (1 = the largest)")
    index = face_index or 0
    if not 0 <= index < len(faces):
        raise FaceError(f"asked for face {index + 1} but only {len(faces)} found ({_describe_faces(faces)})",
                        source=source)
    box = faces[index]
    mesh_pts = mesh_z = iris = pose = None
    if model == "mesh":
        points = face_mesh(image8, (box.x0, box.y0, box.x1, box.y1))
        if points is None:
            raise FaceError(f"a face was found ({_describe_faces([box])}) but its landmarks could not be placed",
                            source=source, hint="use a sharper, less turned or less covered face")
        lm = landmarks_68(points)
        mesh_pts = points[:, :2].astype(np.float32)
        mesh_z = points[:, 2].astype(np.float32)  # the relight casts the nose's shadow from it
        iris = iris_circles(points)
        pose = head_pose(points)
    else:
        lm = face_landmarks(image8, box, model=model)
    regions = face_regions(pixels, lm, mesh=mesh_pts) if quality else None
    report = assess_quality(pixels, lm, regions=regions, n_faces=len(faces)) if quality else None
    embedding = identity_embedding(image8, lm) if embed else None
    return FaceAnalysis(box=box, landmarks=lm, embedding=embedding, quality=report, index=index,
                        n_faces=len(faces), mesh=mesh_pts, mesh_depth=mesh_z, iris=iris, pose=pose, landmark_source=model,
                        faces=tuple(faces))


__all__ = [
    "FEATURES", "LANDMARKS_VERSION", "MIN_FACE_PX", "SAME_PERSON_THRESHOLD", "FaceAnalysis", "FaceBox", "FaceRegions",
    "QualityReport", "analyze_face", "assess_quality", "detect_faces", "face_geometry",
    "face_landmarks", "face_regions", "identity_distance", "identity_embedding",
    "interocular_distance", "landmark_model", "normalize_landmarks", "skin_texture",
]
