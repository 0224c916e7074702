"""MediaPipe face detection and the 478-point Face Mesh with iris, on the CPU.

MediaPipe 0.10.14 (Apache-2.0) ships its legacy solutions with the
``.tflite`` models inside the wheel, so this runs offline. The mesh is run on
a square crop around each detected face, resampled to :data:`WORK_SIDE`
pixels, so a 40 px face in a group photo and a 2000 px face in a 24 MP
portrait reach the network at the same size; the points are mapped back to
image pixels. To steady the points, the mesh is run a second time on a crop
centred and sized from the first pass (the network's own face detector then
sees the same framing whatever the photo's framing was).

The 68 iBUG-layout points the rest of candid uses are *derived* from the
mesh through :data:`MESH_TO_68`, a fixed table of mesh vertex indices.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np

from candid.errors import ModelUnavailableError
from candid.face.detect import box_iou

#: Side (px) of the square crop the mesh runs on.
WORK_SIDE = 384
#: Crop side of the second mesh pass, in units of max(inter-ocular distance, eyes-to-mouth distance).
CROP_FACTOR = 4.0
#: Crop sizes (relative to CROP_FACTOR) of the second pass, whose points are averaged: the
#: network's output moves by ~0.5 % of the eye distance with the framing; averaging three
#: framings steadies it (``bench/bench_face.py``, stability).
REFINE_SCALES = (0.9, 1.0, 1.12)
#: Version of the landmark convention stored in subject profiles (1 = dlib 68, 2 = mesh-derived 68).
LANDMARKS_VERSION = 2

PIP_HINT = ('pip install --no-deps mediapipe==0.10.14 && pip install absl-py attrs flatbuffers '
            '"protobuf>=4.25.3,<5" matplotlib opencv-python-headless  '
            '(or set CANDID_LANDMARKS=dlib68 to use the non-commercial dlib 68-point model)')

#: Mesh vertex per iBUG 68 point (jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67).
#: Chosen as the vertex nearest on average to dlib's point over real photos
#: (``bench/fit_mesh68.py``), then checked by drawing both on real photos.
MESH_TO_68 = np.array([
    # jaw: subject's right ear (image left) to left ear, on the mesh's face oval, mirror pairs kept
    127, 234, 132, 58, 172, 136, 149, 148, 152, 377, 378, 365, 397, 288, 361, 454, 356,
    # brows (upper contour), image left to right
    70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
    # nose bridge to tip, then nostril base
    168, 197, 195, 4, 75, 97, 2, 326, 305,
    # right eye (image left): outer corner, upper lid x2, inner corner, lower lid x2
    33, 160, 158, 133, 153, 144,
    # left eye: inner corner, upper lid x2, outer corner, lower lid x2
    362, 385, 387, 263, 373, 380,
    # outer lips from the image-left corner, clockwise
    61, 39, 37, 0, 267, 269, 291, 321, 314, 17, 84, 91,
    # inner lips
    78, 82, 13, 312, 308, 317, 14, 87,
])

#: Mesh contours (closed polygons unless named *_line), image-left feature first.
CONTOURS = {
    "face_oval": [10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400,
                  377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109],
    "right_eye": [33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7],
    "left_eye": [263, 466, 388, 387, 386, 385, 384, 398, 362, 382, 381, 380, 374, 373, 390, 249],
    "right_brow": [70, 63, 105, 66, 107, 55, 65, 52, 53, 46],
    "left_brow": [300, 293, 334, 296, 336, 285, 295, 282, 283, 276],
    "lips_outer": [61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146],
    "lips_inner": [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308, 324, 318, 402, 317, 14, 87, 178, 88, 95],
    "nose": [168, 193, 245, 188, 174, 236, 198, 209, 49, 64, 98, 97, 2, 326, 327, 294, 279, 429, 456,
             399, 412, 465, 417],
    # forehead top, image left to right (the mesh's upper edge, just under the hair line)
    "forehead_line": [162, 21, 54, 103, 67, 109, 10, 338, 297, 332, 284, 251, 389],
}
#: Iris points: centre then 4 ring points, per eye (subject's right = image left first).
IRIS = ((468, 469, 470, 471, 472), (473, 474, 475, 476, 477))

_LOCK = threading.Lock()


def _mediapipe():
    from candid.face._models import load_mediapipe  # (no matplotlib.pyplot; quiets MediaPipe's C++ INFO lines)

    try:
        mp = load_mediapipe()
    except Exception as exc:  # ImportError, or a broken install raising anything else
        raise ModelUnavailableError(f"the face mesh needs mediapipe 0.10.14, which could not be imported ({exc})",
                                    hint=PIP_HINT) from None
    return mp


@lru_cache(maxsize=1)
def _mesh_model():
    mp = _mediapipe()
    # Several faces, so that in a group photo a neighbour in the crop cannot take the place of the
    # face asked for: the one nearest the crop's centre is kept.
    return mp.solutions.face_mesh.FaceMesh(static_image_mode=True, refine_landmarks=True, max_num_faces=4,
                                           min_detection_confidence=0.3)


@lru_cache(maxsize=2)
def _detector_model(full_range: bool):
    mp = _mediapipe()
    return mp.solutions.face_detection.FaceDetection(model_selection=1 if full_range else 0,
                                                     min_detection_confidence=0.5)


def mesh_available() -> bool:
    """Whether mediapipe imports (without raising).

    Examples
    --------
    >>> mesh_available()
    True
    """
    try:
        _mediapipe()
    except ModelUnavailableError:
        return False
    return True


@dataclass(frozen=True)
class Detection:
    """A MediaPipe face detection: box ``(x0, y0, x1, y1)``, score and 6 keypoints (pixels)."""

    box: tuple[float, float, float, float]
    score: float
    keypoints: np.ndarray = field(repr=False)


def mp_detect(image8: np.ndarray, *, max_side: int = 1920, min_score: float = 0.5) -> list[Detection]:
    """Faces found by MediaPipe's detectors (full range, then short range), in pixels.

    The image is searched whole (at most ``max_side`` px long) and, when it
    is large, also in overlapping tiles so faces a few % of the frame wide
    (group photos) are found; duplicates are merged by overlap.

    Examples
    --------
    >>> from skimage import data
    >>> dets = mp_detect(data.astronaut())
    >>> len(dets), 80 < dets[0].box[2] - dets[0].box[0] < 130
    (1, True)
    """
    h, w = image8.shape[:2]
    found: list[Detection] = []
    # One shrunk copy (at most twice the search size) serves the whole-image search and the tiles.
    n = int(np.ceil(max(h, w) / (2 * max_side)))  # an integer factor: OpenCV's fast area-average path
    base = cv2.resize(image8, (max(1, w // n), max(1, h // n)), interpolation=cv2.INTER_AREA) if n > 1 else image8
    bh, bw = base.shape[:2]
    sx, sy = w / bw, h / bh  # base px -> image px

    def run(region: np.ndarray, x0: int, y0: int, full_range: bool) -> None:
        rh, rw = region.shape[:2]
        scale = min(1.0, max_side / max(rh, rw))
        small = cv2.resize(region, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else region
        with _LOCK, warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*GetPrototype", category=UserWarning)
            res = _detector_model(full_range).process(np.ascontiguousarray(small))
        for d in res.detections or []:
            score = float(d.score[0])
            if score < min_score:
                continue
            b = d.location_data.relative_bounding_box
            box = ((x0 + b.xmin * rw) * sx, (y0 + b.ymin * rh) * sy,
                   (x0 + (b.xmin + b.width) * rw) * sx, (y0 + (b.ymin + b.height) * rh) * sy)
            kp = np.array([[(x0 + p.x * rw) * sx, (y0 + p.y * rh) * sy] for p in d.location_data.relative_keypoints],
                          np.float32)
            found.append(Detection(box, score, kp))

    run(base, 0, 0, True)
    if not found:
        run(base, 0, 0, False)
    if max(h, w) > 1200:  # tiles of half the image with 50 % overlap, for small faces
        th, tw = bh // 2, bw // 2
        for ty in (0, bh // 4, bh // 2):
            for tx in (0, bw // 4, bw // 2):
                run(base[ty:ty + th, tx:tx + tw], tx, ty, True)
    return _merge(found)


def _merge(dets: list[Detection]) -> list[Detection]:
    dets = sorted(dets, key=lambda d: d.score, reverse=True)
    kept: list[Detection] = []
    for d in dets:
        small = min((d.box[2] - d.box[0]) * (d.box[3] - d.box[1]), 1e12)
        overlapping = False
        for k in kept:
            ix = max(0.0, min(d.box[2], k.box[2]) - max(d.box[0], k.box[0]))
            iy = max(0.0, min(d.box[3], k.box[3]) - max(d.box[1], k.box[1]))
            if box_iou(d.box, k.box) > 0.3 or ix * iy > 0.6 * small:
                overlapping = True
                break
        if not overlapping:
            kept.append(d)
    return kept


def _crop_square(image8: np.ndarray, centre: np.ndarray, side: float, angle: float = 0.0):
    """A ``WORK_SIDE`` square crop of ``side`` image px around ``centre``, and its affine (image -> crop)."""
    s = WORK_SIDE / side
    c, sn = np.cos(angle), np.sin(angle)
    # crop = s * R(-angle) (p - centre) + WORK_SIDE / 2
    m = s * np.array([[c, sn], [-sn, c]])
    t = WORK_SIDE / 2 - m @ centre
    affine = np.hstack([m, t[:, None]])
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    if s < 0.5:  # pre-shrink big faces so the resampling averages all pixels (no aliasing)
        h, w = image8.shape[:2]
        x0, y0 = np.maximum(np.floor(centre - side * 0.75).astype(int), 0)
        x1, y1 = np.ceil(centre + side * 0.75).astype(int)
        x1, y1 = min(max(x1, x0 + 1), w), min(max(y1, y0 + 1), h)
        k = 2.0 * s
        region = cv2.resize(image8[y0:y1, x0:x1], (max(1, round((x1 - x0) * k)), max(1, round((y1 - y0) * k))),
                            interpolation=cv2.INTER_AREA)
        kx, ky = region.shape[1] / (x1 - x0), region.shape[0] / (y1 - y0)
        # region px q -> image px p = (q + 0.5) / k - 0.5 + origin (pixel centres at integers)
        lin = np.diag([1 / kx, 1 / ky])
        off = np.array([0.5 / kx - 0.5 + x0, 0.5 / ky - 0.5 + y0])
        a2 = affine[:, :2] @ lin
        t2 = affine[:, :2] @ off + affine[:, 2]
        crop = cv2.warpAffine(region, np.hstack([a2, t2[:, None]]), (WORK_SIDE, WORK_SIDE), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)
    else:
        crop = cv2.warpAffine(image8, affine, (WORK_SIDE, WORK_SIDE), flags=interp, borderMode=cv2.BORDER_REPLICATE)
    return crop, affine


def _run_mesh(crop: np.ndarray) -> np.ndarray | None:
    with _LOCK, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*GetPrototype", category=UserWarning)
        res = _mesh_model().process(np.ascontiguousarray(crop))
    if not res.multi_face_landmarks:
        return None
    faces = [np.array([[p.x, p.y, p.z] for p in f.landmark], np.float64) for f in res.multi_face_landmarks]
    pts = min(faces, key=lambda f: float(np.hypot(*(f[[1, 168], :2].mean(axis=0) - 0.5)))) * WORK_SIDE
    if np.hypot(*(pts[[1, 168], :2].mean(axis=0) / WORK_SIDE - 0.5)) > 0.3:
        return None  # the face in the crop is not the one it was made for
    pts[:, :2] -= 0.5  # normalised coordinates run edge to edge; pixel centres are at integers here
    return pts


def _to_image(points: np.ndarray, affine: np.ndarray) -> np.ndarray:
    m, t = affine[:, :2], affine[:, 2]
    inv = np.linalg.inv(m)
    xy = (points[:, :2] - t) @ inv.T
    z = points[:, 2:3] / np.sqrt(abs(np.linalg.det(m)))
    return np.hstack([xy, z])


def _frame(points: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Centre, size and roll of a face from its mesh: what the next crop is built from."""
    right = points[[33, 133], :2].mean(axis=0)
    left = points[[362, 263], :2].mean(axis=0)
    mouth = points[[61, 291], :2].mean(axis=0)
    eyes = (right + left) / 2
    centre = 0.5 * eyes + 0.5 * mouth
    size = max(np.linalg.norm(left - right), np.linalg.norm(mouth - eyes))
    roll = float(np.arctan2(left[1] - right[1], left[0] - right[0]))
    return centre, float(size), roll


def face_mesh(image8: np.ndarray, box: tuple[float, float, float, float], *, refine: bool = True) -> np.ndarray | None:
    """The 478 mesh points (x, y in image pixels, z relative depth in pixels) of the face in ``box``.

    Parameters
    ----------
    image8 : ndarray
        ``(H, W, 3)`` uint8 RGB image.
    box : tuple of float
        ``(x0, y0, x1, y1)`` of the face (from any detector).
    refine : bool
        Run a second pass on crops framed (centre, size, roll) from the
        first pass's points, at the sizes of :data:`REFINE_SCALES`, and
        average them: the result then depends on the face, not on the box,
        and moves less with small changes of the photo.

    Returns
    -------
    ndarray or None
        ``(478, 3)`` float64, or None when the mesh finds no face in the crop.

    Examples
    --------
    >>> from skimage import data
    >>> pts = face_mesh(data.astronaut(), (172, 68, 277, 172))
    >>> pts.shape
    (478, 3)
    """
    x0, y0, x1, y1 = box
    face = max(x1 - x0, y1 - y0)
    n = int(face * 2.0 * min(REFINE_SCALES) // (2 * WORK_SIDE))
    if n >= 2:  # a big face: shrink the region around it once (integer area average), work there
        h, w = image8.shape[:2]
        rx0, ry0 = max(0, int(x0 - 2 * face)), max(0, int(y0 - 2 * face))
        rx1, ry1 = min(w, int(x1 + 2 * face) + 1), min(h, int(y1 + 2 * face) + 1)
        rw, rh = (rx1 - rx0) // n, (ry1 - ry0) // n
        region = cv2.resize(image8[ry0:ry0 + rh * n, rx0:rx0 + rw * n], (rw, rh), interpolation=cv2.INTER_AREA)
        pts = face_mesh(region, ((x0 - rx0) / n, (y0 - ry0) / n, (x1 - rx0) / n, (y1 - ry0) / n), refine=refine)
        if pts is None:
            return None
        # region px -> image px: pixel centres, (q + 0.5) * n - 0.5 + origin; depth scales with n
        pts[:, :2] = (pts[:, :2] + 0.5) * n - 0.5 + [rx0, ry0]
        pts[:, 2] *= n
        return pts
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2], np.float64)
    side = face * 2.0
    crop, affine = _crop_square(image8, centre, side)
    pts = _run_mesh(crop)
    if pts is None:
        crop, affine = _crop_square(image8, centre, side * 1.6)
        pts = _run_mesh(crop)
        if pts is None:
            return None
    pts = _to_image(pts, affine)
    if refine:
        centre, size, roll = _frame(pts)
        runs = []
        for factor in REFINE_SCALES:
            crop, affine = _crop_square(image8, centre, size * CROP_FACTOR * factor, roll)
            again = _run_mesh(crop)
            if again is not None:
                runs.append(_to_image(again, affine))
        if runs:
            pts = np.mean(runs, axis=0)
    return pts


def landmarks_68(mesh: np.ndarray) -> np.ndarray:
    """The 68 iBUG-layout points derived from a mesh through :data:`MESH_TO_68`.

    Examples
    --------
    >>> landmarks_68(np.zeros((478, 3))).shape
    (68, 2)
    """
    mesh = np.asarray(mesh)
    if mesh.shape[0] < 468:
        raise ValueError(f"expected a (478, 2 or 3) mesh, got {mesh.shape}")
    return mesh[MESH_TO_68, :2].astype(np.float32)


def fit_circle(points: np.ndarray) -> tuple[np.ndarray, float]:
    """Least-squares circle through 3 or more 2-D points (algebraic fit).

    Examples
    --------
    >>> c, r = fit_circle(np.array([[1.0, 0], [0, 1], [-1, 0], [0, -1]]) * 3 + 5)
    >>> bool(np.allclose(c, [5, 5])), round(r, 6)
    (True, 3.0)
    """
    p = np.asarray(points, np.float64)[:, :2]
    a = np.hstack([2 * p, np.ones((len(p), 1))])
    b = (p ** 2).sum(axis=1)
    sol, *_ = np.linalg.lstsq(a, b, rcond=None)
    centre = sol[:2]
    r = float(np.sqrt(max(sol[2] + centre @ centre, 0.0)))
    return centre, r


def iris_circles(mesh: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Iris centres ``(2, 2)`` and radii ``(2,)`` (image-left eye first) from the mesh's iris rings.

    The centre is the circle fitted to the 4 ring points (the network's
    own centre point is averaged in with the same weight as the fit).

    Examples
    --------
    >>> from skimage import data
    >>> pts = face_mesh(data.astronaut(), (172, 68, 277, 172))
    >>> centres, radii = iris_circles(pts)
    >>> centres.shape, bool(np.all((radii > 2) & (radii < 8)))
    ((2, 2), True)
    """
    mesh = np.asarray(mesh, np.float64)
    if mesh.shape[0] < 478:
        raise ValueError("the mesh has no iris points (refine_landmarks was off)")
    centres, radii = [], []
    for idx in IRIS:
        c, r = fit_circle(mesh[list(idx[1:]), :2])
        centres.append(0.5 * c + 0.5 * mesh[idx[0], :2])
        radii.append(r)
    order = np.argsort([c[0] for c in centres])  # image-left eye first
    return np.asarray(centres)[order], np.asarray(radii)[order]


def head_pose(mesh: np.ndarray) -> tuple[float, float, float]:
    """Yaw, pitch and roll in degrees from the mesh's 3-D points.

    A geometric estimate: the face's x axis runs between the eye corners,
    its y axis from the chin to the top of the forehead; the rotation taking
    the camera axes to these is read as yaw (positive: the face turns to the
    image right), pitch (positive: the face looks up) and roll (positive:
    the image-right eye is lower). Pitch is measured from the mesh's neutral
    chin-forehead tilt (:data:`_PITCH_ZERO`).

    Examples
    --------
    >>> from skimage import data
    >>> yaw, pitch, roll = head_pose(face_mesh(data.astronaut(), (172, 68, 277, 172)))
    >>> abs(yaw) < 25 and abs(roll) < 15
    True
    """
    p = np.asarray(mesh, np.float64)
    x = p[[263, 362]].mean(axis=0) - p[[33, 133]].mean(axis=0)
    up = p[10] - p[152]
    x /= np.linalg.norm(x)
    y = -up  # image y points down
    y -= x * (x @ y)
    y /= np.linalg.norm(y)
    z = np.cross(x, y)
    rot = np.stack([x, y, z], axis=1)  # columns: face axes in camera coordinates
    yaw = float(np.degrees(np.arcsin(np.clip(-rot[2, 0], -1, 1))))
    pitch = float(np.degrees(np.arctan2(rot[2, 1], rot[2, 2]))) - _PITCH_ZERO
    roll = float(np.degrees(np.arctan2(rot[1, 0], rot[0, 0])))
    return yaw, pitch, roll


#: Chin-to-forehead tilt of the mesh of a face looking straight at the camera (degrees).
_PITCH_ZERO = 5.0

