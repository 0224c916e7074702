"""Several people in one photo: split the person mask and keep the subject's share.

MediaPipe's selfie segmentation is semantic: every person is one class, so in
a group snapshot the piece of "person" joined to the subject also holds the
child on her shoulders, the friend cheek to cheek and the neighbour's arm.
Here the person mask is divided between the people whose faces were found:

1. Markers: for every face, an ellipse on the face and a column below it
   (the neck and chest, scaled by that face's size); the subject's column is
   :func:`candid.engines.studio.matte.seed_mask`'s sure foreground. A face
   beats a column where they overlap (a child's legs hang over a parent's
   shoulders; the child's column stops at the parent's head). Clear
   background (low person probability) is a marker of its own.
2. A geometric prior: a person pixel much nearer (in that person's face
   widths) to another person's markers than to the subject's is a marker of
   that other person, so only the band between two people is left open.
3. A marker-based watershed (``skimage.segmentation.watershed``) on the
   photo's colour edges (Sobel of the smoothed CIELAB image) decides that
   band: where two people touch, the boundary follows a real edge, not a
   straight cut through a shoulder.

Only :func:`others_mask` is used by the matte: pixels that belong to another
person are not the subject's, whatever the segmenter says.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import cv2
import numpy as np
from scipy import ndimage

from candid.engines.studio.checks import check_image, check_landmarks
from candid.face.detect import box_iou

#: How far below a face its body column reaches, in face heights (the chest of a seated or standing person).
BODY_DEPTH = 1.6
#: Half the width of a body column, in face widths (the middle of the chest: safely inside the person).
BODY_HALF_WIDTH = 0.8


def _as_box(b) -> tuple[float, float, float, float]:
    """A :class:`candid.face.detect.FaceBox` or an ``(x0, y0, x1, y1)`` sequence as a tuple of floats."""
    b = (b.x0, b.y0, b.x1, b.y1) if hasattr(b, "x0") else b
    return tuple(float(v) for v in b)


def _face_box_of(lm: np.ndarray) -> tuple[float, float, float, float]:
    x0, y0 = lm[:27].min(0)
    x1, y1 = lm[:27].max(0)
    return float(x0), float(y0), float(x1), float(y1)


def other_faces(boxes, landmarks: np.ndarray) -> list[tuple[float, float, float, float]]:
    """The face boxes ``(x0, y0, x1, y1)`` that are not the subject's (the one whose landmarks are given).

    A box is the subject's when it overlaps the subject's landmark box
    (IoU above 0.2) or holds the tip of the subject's nose.

    Examples
    --------
    >>> import numpy as np
    >>> lm = np.zeros((68, 2), np.float32); lm[:, 0] = np.linspace(100, 160, 68); lm[:, 1] = np.linspace(100, 170, 68)
    >>> other_faces([(98, 95, 162, 172), (300, 100, 360, 170)], lm)
    [(300.0, 100.0, 360.0, 170.0)]
    """
    lm = check_landmarks(landmarks)
    own = _face_box_of(lm)
    nose = lm[30]
    out = []
    for b in boxes:
        b = _as_box(b)
        if b[2] <= b[0] or b[3] <= b[1]:
            continue
        holds_nose = b[0] <= nose[0] <= b[2] and b[1] <= nose[1] <= b[3]
        if holds_nose or box_iou(b, own) > 0.2:
            continue
        out.append(b)
    return out


def find_faces(pixels: np.ndarray, *, hog_score: float = 0.3,
               known=None) -> list[tuple[float, float, float, float]]:
    """Every face in a photo, as boxes: MediaPipe's detector and dlib's HOG detector, merged.

    Only used to tell people apart (never to pick the subject): a face one
    detector misses (a head turned or half hidden behind another) the other
    often finds, and a missed face would leave its person joined to the subject.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    hog_score : float
        dlib HOG score under which a detection is ignored.
    known : FaceAnalysis or sequence of boxes, optional
        What the face detector already found in these pixels: a
        :class:`candid.face.FaceAnalysis` of them (its
        :attr:`~candid.face.FaceAnalysis.known_faces`) or its boxes. When
        given (and not empty), MediaPipe is not run again; HOG still adds the
        faces it missed. An analysis moved to other pixels (framed, scaled)
        knows no faces, and they are detected as without it.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face import analyze_face
    >>> from candid.face.examples import astronaut
    >>> len(find_faces(astronaut()))
    1
    >>> face = analyze_face(astronaut(), embed=False, quality=False)
    >>> find_faces(astronaut(), known=face) == find_faces(astronaut())  # the same boxes, one detection fewer
    True
    """
    from candid.face import detect_faces
    from candid.face.detect import detect_faces_hog

    px = check_image(pixels)
    found = getattr(known, "known_faces", known) or ()
    boxes = [_as_box(b) for b in (found or detect_faces(px))]
    for h in detect_faces_hog(px, min_score=hog_score):
        hb = _as_box(h)
        cx, cy = (hb[0] + hb[2]) / 2, (hb[1] + hb[3]) / 2
        if not any(box_iou(hb, b) > 0.2 or (b[0] <= cx <= b[2] and b[1] <= cy <= b[3]) for b in boxes):
            boxes.append(hb)
    return [tuple(float(v) for v in b) for b in boxes]


def _face_ellipse(shape, box, grow: float = 1.0) -> np.ndarray:
    x0, y0, x1, y1 = box
    m = np.zeros(shape, np.uint8)
    c = (int(round((x0 + x1) / 2)), int(round((y0 + y1) / 2)))
    ax = (max(int(round(0.42 * (x1 - x0) * grow)), 1), max(int(round(0.55 * (y1 - y0) * grow)), 1))
    cv2.ellipse(m, c, ax, 0.0, 0, 360, 1, -1)
    return m.astype(bool)


def _body_column(shape, box) -> np.ndarray:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cx = (x0 + x1) / 2
    top = y1 - 0.1 * h
    pts = np.array([(cx - 0.2 * w, top), (cx + 0.2 * w, top),
                    (cx + BODY_HALF_WIDTH * w, y1 + 0.6 * h), (cx + BODY_HALF_WIDTH * w, y1 + BODY_DEPTH * h),
                    (cx - BODY_HALF_WIDTH * w, y1 + BODY_DEPTH * h), (cx - BODY_HALF_WIDTH * w, y1 + 0.6 * h)],
                   np.int32)
    m = np.zeros(shape, np.uint8)
    cv2.fillPoly(m, [pts], 1)
    return m.astype(bool)


def edge_map(pixels: np.ndarray, sigma: float = 1.0, *, clip: bool = True) -> np.ndarray:
    """Colour edge strength: Sobel magnitude of the smoothed CIELAB image, summed over channels, in [0, 1].

    :func:`split_people` (through :func:`others_mask`) and :func:`beyond_pose`
    take it as ``edges=``, so a caller that runs both on the same pixels
    (:func:`candid.engines.studio.matte.matte`) makes it once. ``clip=False``
    returns the raw strength (not scaled by its 99th percentile, not clipped):
    on a sharp subject the clipped map reads 1 on single hair strands and on
    the outline alike, and a watershed between them is decided by distance
    (:func:`candid.engines.studio.neighbour.neighbour_region` needs the raw one).

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((32, 32, 3), np.float32); img[:, 16:] = 1
    >>> e = edge_map(img)
    >>> bool(e[16, 15] > 0.5 > e[16, 4])
    True
    >>> raw = edge_map(img, clip=False)                    # CIELAB units, not scaled to [0, 1]
    >>> bool(raw.max() > 1), bool(np.array_equal(raw > 0, e > 0))
    (True, True)
    """
    px = check_image(pixels)
    lab = cv2.cvtColor(np.ascontiguousarray(px), cv2.COLOR_RGB2LAB)
    lab = cv2.GaussianBlur(lab, (0, 0), max(sigma, 0.3))
    g = np.zeros(px.shape[:2], np.float32)
    for c, w in zip(range(3), (1.0, 1.5, 1.5)):  # colour differences count as much as brightness
        gx = cv2.Sobel(lab[..., c], cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(lab[..., c], cv2.CV_32F, 0, 1, ksize=3)
        g += w * np.sqrt(gx * gx + gy * gy)
    if not clip:
        return g
    hi = float(np.percentile(g, 99)) if g.any() else 1.0
    return np.clip(g / max(hi, 1e-6), 0, 1).astype(np.float32)


def split_people(pixels: np.ndarray, prob: np.ndarray, landmarks: np.ndarray, others, *,
                 threshold: float = 0.5, prior: float = 0.5, edges: np.ndarray | None = None) -> np.ndarray:
    """Label every person pixel with the person it belongs to.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1].
    prob : ndarray
        ``(H, W)`` person probability (anyone).
    landmarks : ndarray
        ``(68, 2)`` landmarks of the subject, in the same pixels.
    others : sequence of (x0, y0, x1, y1)
        Boxes of the other faces (:func:`other_faces`), in the same pixels; they may lie partly
        outside the image (a face cut by the crop still owns its body).
    threshold : float
        Probability above which a pixel is a person.
    prior : float
        Geometric prior: a pixel whose distance to another person's markers
        (in that person's face widths) is below ``prior`` times its distance
        to the subject's (in the subject's face widths), and more than one
        subject face width from the subject, is that other person's before
        the watershed runs.
    edges : ndarray, optional
        :func:`edge_map` of ``pixels``, when the caller has it already.

    Returns
    -------
    ndarray
        ``(H, W)`` int32: 0 not a person, 1 the subject, ``k + 2`` the
        ``k``-th of ``others``.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import two_people
    >>> img, prob, lm, other = two_people()
    >>> lab = split_people(img, prob, lm, [other])
    >>> int(lab[150, 80]), int(lab[150, 230]), int(lab[5, 5])  # the subject's chest, the other's, backdrop
    (1, 2, 0)
    """
    from skimage.segmentation import watershed

    from candid.engines.studio.frame import head_extent
    from candid.engines.studio.matte import _along, _ellipse, _face_hull, _frame_axes, seed_mask

    px = check_image(pixels)
    lm = check_landmarks(landmarks)
    H, W = prob.shape
    person = prob > threshold
    seeds = seed_mask((H, W), lm)
    own = seeds == cv2.GC_FGD
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    markers = np.zeros((H, W), np.int32)
    # another face: its ellipse, except where it overlaps the subject's landmark hull; its core (the middle
    # 0.8 of it) even there (cheek to cheek, the subject's landmarks on the hidden side lie on the other face)
    hull = _face_hull((H, W), lm)
    cores = [_face_ellipse((H, W), b, grow=0.8) for b in others]
    faces = [(_face_ellipse((H, W), b, grow=1.15) & ~hull) | c for b, c in zip(others, cores)]
    any_face = np.zeros((H, W), bool)
    for f in faces:
        any_face |= f
    any_core = np.zeros((H, W), bool)
    for c in cores:
        any_core |= c
    # the subject's head with most of the hair: to 0.1 head heights under the estimated crown (the last of the
    # hair, or a child sitting on the head: edges decide)
    crown, chin, head_h = head_extent(lm)
    across, down = _frame_axes(lm)
    own_head = _ellipse((H, W), (crown + chin) / 2 + 0.05 * head_h * down, (0.55 * fw, 0.45 * head_h),
                        float(np.degrees(np.arctan2(across[1], across[0]))))
    # the subject: head, neck and chest core, except where another face is (a child held in front)
    subject = (own & ~any_face) | (own_head & ~any_face) | (hull & ~any_core)
    # below the subject's chin and within the subject's shoulders, a column from a face higher up (a child on
    # the shoulders, someone standing behind) is not that person's for sure: the watershed decides there
    depth, lateral = _along((H, W), chin, down), _along((H, W), chin, across)
    shoulders = (depth > 0) & (np.abs(lateral) < 1.3 * fw)
    eyes = lm[36:48].mean(0)
    # nor is the subject's hair volume (the seed's head ellipse): a column from a face above or beside stops at it
    # (a bob beside the cheek is hair, not the shoulder of the child sitting above it)
    hair_volume = _ellipse((H, W), (crown + chin) / 2 - 0.04 * head_h * down, (0.78 * fw, 0.6 * head_h),
                           float(np.degrees(np.arctan2(across[1], across[0]))))
    other_marks = []
    for k, (b, f) in enumerate(zip(others, faces)):
        col = _body_column((H, W), b) & ~own_head & ~own & ~hair_volume
        # and the top of the other head (hair), where it is not the subject's hair
        col |= _face_ellipse((H, W), (b[0], b[1] - 0.35 * (b[3] - b[1]), b[2], b[3] - 0.35 * (b[3] - b[1])),
                             grow=1.1) & ~hair_volume & ~own_head & ~own
        if (b[3] - eyes[1]) * down[1] + ((b[0] + b[2]) / 2 - eyes[0]) * down[0] < 0:  # face above the eyes
            col &= ~shoulders
        for j, g in enumerate(faces):  # a column never crosses another face
            if j != k:
                col &= ~g
        other_marks.append((f & ~own_head) | col)
    # geometric prior, in each person's own face widths
    d_sub = ndimage.distance_transform_edt(~subject) / max(fw, 1.0)
    for k, (b, m) in enumerate(zip(others, other_marks)):
        if not m.any():
            continue
        fw_k = max(b[2] - b[0], 1.0)
        d_k = ndimage.distance_transform_edt(~m) / fw_k
        claim = person & (d_k < prior * d_sub) & (d_sub > 1.0)
        other_marks[k] = m | claim
    for k, m in enumerate(other_marks):
        markers[m & person] = k + 3
    markers[subject & person] = 2
    markers[subject & ~person & own_head] = 2
    markers[prob < 0.5 * threshold] = 1
    if not (markers >= 3).any():
        out = np.zeros((H, W), np.int32)
        out[person] = 1
        return out
    lab = watershed(edge_map(px) if edges is None else edges, markers)
    out = np.where(lab >= 2, lab - 1, 0).astype(np.int32)
    out[~person] = 0
    return out


def others_mask(pixels: np.ndarray, prob: np.ndarray, landmarks: np.ndarray, others, **kwargs) -> np.ndarray:
    """Pixels that belong to another person than the subject (``(H, W)`` bool; all False without others).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import two_people
    >>> img, prob, lm, other = two_people()
    >>> m = others_mask(img, prob, lm, [other])
    >>> bool(m[150, 230]), bool(m[150, 80]), bool(others_mask(img, prob, lm, []).any())
    (True, False, False)
    """
    prob = np.asarray(prob, np.float32)
    if not len(others):
        return np.zeros(prob.shape, bool)
    return split_people(pixels, prob, landmarks, others, **kwargs) >= 2


def boxes_in_frame(boxes, matrix) -> list[tuple[float, float, float, float]]:
    """Face boxes mapped by a 2x3 affine ``matrix`` (source -> output frame), as axis-aligned boxes.

    Examples
    --------
    >>> boxes_in_frame([(10, 10, 20, 30)], [[2, 0, 5], [0, 2, 0]])
    [(25.0, 20.0, 45.0, 60.0)]
    """
    M = np.asarray(matrix, np.float64)[:2]
    out = []
    for b in boxes:
        x0, y0, x1, y1 = _as_box(b)
        c = np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]) @ M[:, :2].T + M[:, 2]
        cx, cy = c.mean(0)
        s = float(np.sqrt(abs(np.linalg.det(M[:, :2]))))
        w, h = (x1 - x0) * s / 2, (y1 - y0) * s / 2  # upright: a rotated box keeps its size, not its hull
        out.append((float(cx - w), float(cy - h), float(cx + w), float(cy + h)))
    return out


#: MediaPipe Pose keypoints that bound the subject's body sideways: shoulders, elbows, wrists.
ARM_POINTS = (11, 12, 13, 14, 15, 16)
#: How far (in the subject's face widths) person pixels below the chin may reach beyond the subject's
#: shoulders, elbows and wrists before they are taken as someone else's (a neighbour whose face was not found).
POSE_MARGIN = 1.0


_POSE_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _pose_model():
    from candid.face._models import load_mediapipe

    load_mediapipe()
    from mediapipe.python.solutions import pose as mp_pose

    # static_image_mode: every image on its own (no tracking between calls), so one instance serves all
    return mp_pose.Pose(static_image_mode=True, model_complexity=1, enable_segmentation=False,
                        min_detection_confidence=0.5)


def subject_pose(pixels: np.ndarray, landmarks: np.ndarray, *, min_visibility: float = 0.5) -> np.ndarray | None:
    """The subject's shoulders, elbows and wrists (``(6, 2)`` pixels, :data:`ARM_POINTS` order), or None.

    MediaPipe Pose (``model_complexity=1``, the model inside the wheel) runs
    on a crop around the subject's face and body, so that it locks onto the
    subject. None (do nothing) when no pose is found, when the pose's nose is
    not on the subject's face (it found a neighbour) or when a shoulder is not
    seen. Elbows and wrists are returned even when MediaPipe only guesses them
    (outside the photo): they can only widen the subject's envelope.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks
    >>> subject_pose(np.full((64, 64, 3), 0.5, np.float32), toy_landmarks(32, 24, 16)) is None
    True
    """
    px = check_image(pixels)
    lm = check_landmarks(landmarks)
    H, W = px.shape[:2]
    fx0, fy0, fx1, fy1 = _face_box_of(lm)
    fw = max(fx1 - fx0, 1.0)
    cx = (fx0 + fx1) / 2
    # a wide crop first (a narrow one cuts the subject's own arms and the pose shrinks), then a narrow one (a
    # neighbour close beside the subject wins the wide one: its nose is then not the subject's)
    for half in (3.5, 2.2):
        x0, x1 = int(max(cx - half * fw, 0)), int(min(cx + half * fw, W))
        y0, y1 = int(max(fy0 - 1.0 * fw, 0)), H
        if x1 - x0 < 16 or y1 - y0 < 16:
            return None
        crop = np.ascontiguousarray((np.clip(px[y0:y1, x0:x1], 0, 1) * 255).astype(np.uint8))
        with _POSE_LOCK:
            res = _pose_model().process(crop)
        if res.pose_landmarks is None:
            continue
        ch, cw = crop.shape[:2]
        pts = np.array([(q.x * cw + x0, q.y * ch + y0, q.visibility) for q in res.pose_landmarks.landmark])
        nose = pts[0]
        pad = 0.1 * fw
        if not (nose[2] >= min_visibility and fx0 - pad <= nose[0] <= fx1 + pad and fy0 - pad <= nose[1] <= fy1 + pad):
            continue  # someone else's pose
        if min(pts[11, 2], pts[12, 2]) < min_visibility:
            return None
        return pts[list(ARM_POINTS), :2].astype(np.float32)
    return None


def beyond_pose(pixels: np.ndarray, prob: np.ndarray, landmarks: np.ndarray, pose: np.ndarray | None, *,
                margin: float = POSE_MARGIN, threshold: float = 0.5,
                edges: np.ndarray | None = None) -> np.ndarray:
    """Person pixels below the chin that lie sideways beyond the subject's arms: someone else's (``(H, W)`` bool).

    The subject's envelope is the sideways extent (across the head's axis)
    of the jaw and the ``pose`` points (:func:`subject_pose`). Person pixels
    below the chin more than ``margin`` face widths beyond it are another
    person's for sure; between the envelope and that line a marker
    watershed on the colour edges (:func:`edge_map`) decides, so the cut
    follows the edge where the neighbour touches the subject's shoulder.
    Nothing inside the envelope, nor above the chin, is ever taken; without
    a pose nothing at all.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import two_people, toy_pose
    >>> img, prob, lm, _ = two_people()
    >>> m = beyond_pose(img, prob, lm, toy_pose(80, 80, 50))
    >>> bool(m[200, 250]), bool(m[200, 80]), bool(beyond_pose(img, prob, lm, None).any())
    (True, False, False)
    """
    from skimage.segmentation import watershed

    from candid.engines.studio.frame import head_extent
    from candid.engines.studio.matte import _along, _frame_axes, seed_mask

    prob = np.asarray(prob, np.float32)
    H, W = prob.shape
    if pose is None:
        return np.zeros((H, W), bool)
    px = check_image(pixels)
    lm = check_landmarks(landmarks)
    pts = np.asarray(pose, np.float64).reshape(-1, 2)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    _, chin, _ = head_extent(lm)
    across, down = _frame_axes(lm)
    depth, lateral = _along((H, W), chin, down), _along((H, W), chin, across)
    env = np.concatenate([lm[:17], pts]) - chin
    lat = env @ across
    lo, hi = float(lat.min()), float(lat.max())
    person = prob > threshold
    # from the chin down to the arms' lowest point, at most 2 face widths (lower down hips and coats widen
    # beyond the elbows)
    reach = min(float(((pts - chin) @ down).max()), 2.0 * fw)
    below = (depth > 0) & (depth < reach)
    outside = below & ((lateral < lo) | (lateral > hi))
    sure = person & below & ((lateral < lo - margin * fw) | (lateral > hi + margin * fw))
    if not sure.any():
        return np.zeros((H, W), bool)
    markers = np.zeros((H, W), np.int32)
    markers[prob < 0.5 * threshold] = 1
    markers[person & (seed_mask((H, W), lm) == cv2.GC_FGD)] = 2
    markers[person & below & ~outside] = 2  # inside the envelope: the subject's
    # the subject's own arms, half a face width either side of the joints' line (a sleeve, a suit's shoulder)
    arms = np.zeros((H, W), np.uint8)
    for i, j in ((0, 2), (2, 4), (1, 3), (3, 5)):
        cv2.line(arms, tuple(int(round(v)) for v in pts[i]), tuple(int(round(v)) for v in pts[j]), 1,
                 max(int(round(1.0 * fw)), 1))
    markers[person & arms.astype(bool)] = 2
    markers[sure] = 3
    lab = watershed(edge_map(px) if edges is None else edges, markers)
    return (lab == 3) & person & outside


def toy_pose(cx: float, cy: float, fw: float) -> np.ndarray:
    """Shoulders, elbows and wrists (:data:`ARM_POINTS` order) of :func:`toy_landmarks`'s upright person.

    For synthetic tests: shoulders 1.8 face widths apart at 1.5 below the
    eyes, elbows 2 apart, arms hanging down.

    Examples
    --------
    >>> toy_pose(100, 80, 50)[:2].tolist()
    [[145.0, 155.0], [55.0, 155.0]]
    """
    y = cy + 1.5 * fw
    # MediaPipe's left shoulder (11) is the person's left: image right
    return np.array([(cx + 0.9 * fw, y), (cx - 0.9 * fw, y), (cx + fw, y + 1.3 * fw), (cx - fw, y + 1.3 * fw),
                     (cx + fw, y + 2.5 * fw), (cx - fw, y + 2.5 * fw)], np.float32)


def toy_landmarks(cx: float, cy: float, fw: float) -> np.ndarray:
    """68 iBUG-layout landmarks of an upright schematic face: eyes at ``(cx, cy)`` level, ``fw`` wide at the ears.

    For synthetic tests (no face detector needed).

    Examples
    --------
    >>> lm = toy_landmarks(100, 80, 50)
    >>> lm.shape, float(lm[16, 0] - lm[0, 0]), float(lm[8, 1])
    ((68, 2), 50.0, 120.0)
    """
    t = np.linspace(0, np.pi, 17)
    jaw = np.stack([cx - 0.5 * fw * np.cos(t), cy + 0.8 * fw * np.sin(t)], 1)
    brow_l = np.stack([np.linspace(cx - 0.4 * fw, cx - 0.1 * fw, 5), np.full(5, cy - 0.2 * fw)], 1)
    brow_r = brow_l * [-1, 1] + [2 * cx, 0]
    bridge = np.stack([np.full(4, cx), np.linspace(cy - 0.05 * fw, cy + 0.3 * fw, 4)], 1)
    nostrils = np.stack([np.linspace(cx - 0.1 * fw, cx + 0.1 * fw, 5), np.full(5, cy + 0.35 * fw)], 1)
    a6 = np.linspace(np.pi, -np.pi, 6, endpoint=False)
    eye = lambda x: np.stack([x + 0.08 * fw * np.cos(a6), cy + 0.03 * fw * np.sin(a6)], 1)  # noqa: E731
    a12, a8 = np.linspace(np.pi, -np.pi, 12, endpoint=False), np.linspace(np.pi, -np.pi, 8, endpoint=False)
    mouth = np.stack([cx + 0.2 * fw * np.cos(a12), cy + 0.55 * fw + 0.07 * fw * np.sin(a12)], 1)
    inner = np.stack([cx + 0.12 * fw * np.cos(a8), cy + 0.55 * fw + 0.03 * fw * np.sin(a8)], 1)
    return np.concatenate([jaw, brow_l, brow_r, bridge, nostrils, eye(cx - 0.22 * fw), eye(cx + 0.22 * fw),
                           mouth, inner]).astype(np.float32)


def two_people(*, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[float, float, float, float]]:
    """Two people side by side whose shirts touch: ``(image, person probability, subject landmarks, other face box)``.

    The subject (blue shirt) is on the left, the other person (red shirt) on
    the right; the shirts meet at column 160, which is the true boundary.

    Examples
    --------
    >>> img, prob, lm, box = two_people()
    >>> img.shape, prob.shape, lm.shape, box
    ((240, 320, 3), (240, 320), (68, 2), (205.0, 50.0, 255.0, 125.0))
    """
    rng = np.random.default_rng(seed)
    H, W = 240, 320
    img = np.empty((H, W, 3), np.float32)
    img[:] = (0.55, 0.6, 0.62)
    person = np.zeros((H, W), np.uint8)
    for cx, shirt in ((80, (0.15, 0.25, 0.6)), (230, (0.65, 0.15, 0.12))):
        body = np.zeros((H, W), np.uint8)
        x0, x1 = (12, 160) if cx < 160 else (160, 308)
        cv2.fillPoly(body, [np.array([(cx - 30, 135), (cx + 30, 135), (x1, 165), (x1, H), (x0, H), (x0, 165)],
                                     np.int32)], 1)
        img[body.astype(bool)] = shirt
        head = np.zeros((H, W), np.uint8)
        cv2.ellipse(head, (cx, 88), (27, 40), 0, 0, 360, 1, -1)
        img[head.astype(bool)] = (0.85, 0.68, 0.55)
        person |= body | head
    img = np.clip(img + rng.normal(0, 0.01, img.shape), 0, 1).astype(np.float32)
    prob = cv2.GaussianBlur(person.astype(np.float32), (0, 0), 2.0)
    return img, prob, toy_landmarks(80, 80, 50), (205.0, 50.0, 255.0, 125.0)


__all__ = ["ARM_POINTS", "BODY_DEPTH", "BODY_HALF_WIDTH", "POSE_MARGIN", "beyond_pose", "boxes_in_frame", "edge_map",
           "find_faces", "other_faces", "others_mask", "split_people", "subject_pose", "toy_landmarks", "toy_pose",
           "two_people"]
