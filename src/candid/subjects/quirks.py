"""The quirk map: marks that make a face this face, seen across references.

Each reference face is warped to a canonical frame (eyes at fixed points), so
a mole on the left cheek lands on the same canonical spot in every photo.
A mark counts as a quirk when it is found in at least half of the photos.

Reliability rules (a wrong quirk is worse than none: it sends people looking
for a mole they do not have):

- marks are searched away from the shadows features cast: a band of 0.06
  inter-ocular distances (IOD) around the eyes, brows and lips and of 0.1 IOD
  around the nostrils and the nose tip is left out (lid creases and nostril
  wings are dark, round-ish and seen in every photo; wider bands also hide
  real moles near the mouth or nose);
- a mark must be round: elongated dark blobs (a fold, a strand of hair) are dropped;
- each place is described once (the best-supported mark there);
- freckles need many spots in nearly every photo (:data:`FRECKLE_SPOTS`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import cv2
import numpy as np

from candid.face.geometry import eye_centers
from candid.face.masks import face_regions

CANONICAL_SIZE = 256
CANONICAL_EYES = np.array([[96.0, 112.0], [160.0, 112.0]])  # image-left eye, image-right eye
#: Two marks within this many canonical pixels (1/8 of the inter-ocular distance) are the same mark.
MATCH_RADIUS = 8.0
#: Freckles: at least this many round spots per face, in at least 3/4 of the photos.
FRECKLE_SPOTS = 20
#: Bands (IOD) left out of the mark search around eyes/brows/lips and around the nostrils.
FEATURE_BAND, NOSTRIL_BAND = 0.06, 0.1
#: A dark blob whose second moments differ by more than this ratio is a line, not a mark.
MAX_ELONGATION = 2.5
#: Half-size of the window the roundness is measured in, in blob sigmas (wide enough to see a line continue).
WINDOW_SIGMAS = 2.5


@dataclass(frozen=True)
class Quirk:
    """A distinctive feature of the subject.

    Attributes
    ----------
    kind : str
        ``"mark"`` (mole, spot, scar end), ``"freckles"``, ``"grey-streak"`` or ``"crooked-smile"``.
    description : str
        Plain words, e.g. "dark mark on the left cheek".
    support : float
        Fraction of reference photos showing it.
    position : tuple of float or None
        Canonical-frame position (x, y) for marks.
    """

    kind: str
    description: str
    support: float
    position: tuple[float, float] | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def canonical_transform(landmarks: np.ndarray) -> np.ndarray:
    """2x3 similarity matrix mapping image pixels to the canonical face frame."""
    right, left = eye_centers(landmarks)
    src = np.array([right, left], np.float64)
    # A similarity from two point pairs: solve for scale+rotation as a complex number.
    zs = complex(*(src[1] - src[0]))
    zd = complex(*(CANONICAL_EYES[1] - CANONICAL_EYES[0]))
    m = zd / zs
    a, b = m.real, m.imag
    rot = np.array([[a, -b], [b, a]])
    t = CANONICAL_EYES[0] - rot @ src[0]
    return np.hstack([rot, t[:, None]])


def canonical_face(pixels: np.ndarray, landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Warp a face to the canonical frame.

    Returns
    -------
    face : ndarray
        ``(256, 256, 3)`` float32.
    skin : ndarray
        ``(256, 256)`` bool mask of where marks are searched: the face minus
        eyes, brows and lips, in the canonical frame.
    hairline : ndarray
        ``(256, 256)`` bool hair-line band in the canonical frame.
    """
    matrix = canonical_transform(landmarks)
    size = (CANONICAL_SIZE, CANONICAL_SIZE)
    face = cv2.warpAffine(np.ascontiguousarray(pixels, np.float32), matrix, size, flags=cv2.INTER_AREA,
                          borderMode=cv2.BORDER_REFLECT)
    regions = face_regions(pixels, landmarks)
    y0, y1, x0, x1 = regions.window
    shifted = matrix.copy()
    shifted[:, 2] += matrix[:, :2] @ np.array([x0, y0])

    def warp_mask(mask: np.ndarray) -> np.ndarray:
        return cv2.warpAffine(mask.astype(np.uint8), shifted, size, flags=cv2.INTER_NEAREST) > 0

    # A dark mole is exactly what the skin-colour test leaves out, as a hole in
    # the skin mask: fill the holes (hair and background touch the outside, so
    # they stay out), then take the eyes, brows and lips away again.
    from scipy.ndimage import binary_fill_holes

    m = regions.masks
    search = binary_fill_holes(m["skin"]) & m["face"] & ~feature_shadows(landmarks, m, (x0, y0))
    return face, warp_mask(search), warp_mask(m["hairline"])


def feature_shadows(landmarks: np.ndarray, masks: dict, offset: tuple[int, int]) -> np.ndarray:
    """Where features cast dark shadows a mark search must skip (window coordinates).

    The eyes, brows and lips grown by :data:`FEATURE_BAND` IOD, the nostrils
    (landmarks 31-35 and the nose tip) grown by :data:`NOSTRIL_BAND` IOD.
    """
    from candid.face.geometry import interocular_distance

    lm = np.asarray(landmarks, np.float64)
    iod = interocular_distance(lm)

    def grow(mask: np.ndarray, band: float) -> np.ndarray:
        r = max(1, int(round(band * iod)))
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
        return cv2.dilate(mask.astype(np.uint8), kernel).astype(bool)

    features = grow(masks["eyes"] | masks["brows"] | masks["lips"], FEATURE_BAND)
    nostrils = np.zeros(features.shape, np.uint8)
    pts = np.vstack([lm[31:36], lm[30:31]]) - np.asarray(offset, np.float64)
    cv2.fillPoly(nostrils, [np.round(cv2.convexHull(pts.astype(np.float32))).astype(np.int32)], 1)
    return features | grow(nostrils, NOSTRIL_BAND)


def find_marks(face: np.ndarray, skin: np.ndarray) -> np.ndarray:
    """Small dark marks (moles, spots) on the skin of a canonical face.

    Returns
    -------
    ndarray
        ``(N, 3)``: x, y, radius in canonical pixels.
    """
    from skimage.feature import blob_log

    grey = cv2.cvtColor(face, cv2.COLOR_RGB2GRAY)
    background = cv2.medianBlur((grey * 255).astype(np.uint8), 15).astype(np.float32) / 255
    darkness = np.clip(background - grey, 0, None) / np.maximum(background, 0.05)
    inner = cv2.erode(skin.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    darkness[~inner] = 0
    blobs = blob_log(darkness, min_sigma=1.0, max_sigma=4.0, num_sigma=4, threshold=0.12)
    if len(blobs) == 0:
        return np.zeros((0, 3))
    keep = [b for b in blobs if _round(darkness, b)]
    if not keep:
        return np.zeros((0, 3))
    blobs = np.asarray(keep)
    return np.stack([blobs[:, 1], blobs[:, 0], blobs[:, 2] * np.sqrt(2)], axis=1)


def _round(darkness: np.ndarray, blob: np.ndarray) -> bool:
    """Is the dark blob round (a mole) rather than a line (a fold, a hair)? Second moments of its darkness."""
    y, x, sigma = blob
    r = int(np.ceil(WINDOW_SIGMAS * sigma)) + 1
    y0, y1 = max(0, int(y) - r), min(darkness.shape[0], int(y) + r + 1)
    x0, x1 = max(0, int(x) - r), min(darkness.shape[1], int(x) + r + 1)
    w = darkness[y0:y1, x0:x1].astype(np.float64)
    if w.sum() <= 0:
        return False
    yy, xx = np.mgrid[y0:y1, x0:x1]
    my, mx = (w * yy).sum() / w.sum(), (w * xx).sum() / w.sum()
    cov = np.cov(np.vstack([(xx - mx).ravel(), (yy - my).ravel()]), aweights=w.ravel())
    ev = np.linalg.eigvalsh(cov)
    return bool(ev[0] > 0 and ev[1] / ev[0] <= MAX_ELONGATION ** 2)


def _where(x: float, y: float) -> str:
    # Canonical frame: the subject's left side is on the image's right.
    side = "left" if x > 128 else "right"
    if y < 100:
        return "forehead" if abs(x - 128) < 40 else f"{side} temple"
    if y > 190:
        return "chin" if abs(x - 128) < 30 else f"{side} jaw"
    if abs(x - 128) < 14:
        return "nose"
    if y > 165:
        return f"{side} of the mouth"
    return f"{side} cheek"


def grey_hair_fractions(face: np.ndarray, hairline: np.ndarray) -> np.ndarray:
    """Fraction of grey/white hair in the left, centre and right thirds of the hair line."""
    hsv = cv2.cvtColor(face, cv2.COLOR_RGB2HSV)
    grey = (hsv[..., 1] < 0.18) & (hsv[..., 2] > 0.55)
    out = []
    for lo, hi in ((0, 96), (96, 160), (160, 256)):
        band = hairline[:, lo:hi]
        out.append(float(grey[:, lo:hi][band].mean()) if band.sum() > 20 else 0.0)
    return np.array(out)


def find_quirks(
    marks: list[np.ndarray],
    grey_hair: list[np.ndarray],
    smile_tilts: list[float],
    min_support: float = 0.5,
) -> list[Quirk]:
    """Combine per-photo observations into the quirks seen consistently.

    Parameters
    ----------
    marks : list of ndarray
        Per photo, the ``(N, 3)`` output of :func:`find_marks`.
    grey_hair : list of ndarray
        Per photo, the output of :func:`grey_hair_fractions`.
    smile_tilts : list of float
        Per photo, ``face_geometry(...)["smile_tilt"]``.
    min_support : float
        Fraction of photos a quirk must appear in.

    Returns
    -------
    list of Quirk

    Examples
    --------
    >>> mole = np.array([[170.0, 150.0, 2.0]])
    >>> q = find_quirks([mole, mole + 1, np.zeros((0, 3))], [np.zeros(3)] * 3, [0.0] * 3)
    >>> q[0].kind, round(q[0].support, 2), q[0].description
    ('mark', 0.67, 'dark mark (mole or spot) on the left cheek')
    """
    n = len(marks)
    if n == 0:
        return []
    # A quirk must be seen at least twice when there are several photos.
    need = max(min(n, 2), int(np.ceil(min_support * n)))
    quirks: list[Quirk] = []
    # Marks: greedy clustering of all detections across photos.
    points = [(i, m) for i, ms in enumerate(marks) for m in ms]
    used = [False] * len(points)
    for a, (i, m) in enumerate(points):
        if used[a]:
            continue
        members = [a] + [b for b, (j, o) in enumerate(points) if b != a and not used[b] and j != i
                         and np.hypot(*(o[:2] - m[:2])) < MATCH_RADIUS]
        photos = {points[b][0] for b in members}
        if len(photos) >= need:
            for b in members:
                used[b] = True
            centre = np.mean([points[b][1][:2] for b in members], axis=0)
            quirks.append(Quirk("mark", f"dark mark (mole or spot) on the {_where(*centre)}",
                                len(photos) / n, (float(centre[0]), float(centre[1]))))
    # Each place once: the best-supported mark there.
    best: dict[str, Quirk] = {}
    for q in quirks:
        if q.description not in best or q.support > best[q.description].support:
            best[q.description] = q
    quirks = list(best.values())
    counts = np.array([len(m) for m in marks])
    freckled = counts >= FRECKLE_SPOTS
    if n >= 2 and freckled.sum() >= max(need, int(np.ceil(0.75 * n))):
        quirks.append(Quirk("freckles", "freckles or many small spots", float(np.mean(freckled))))
    if grey_hair:
        fractions = np.array(grey_hair)
        for k, name in enumerate(("right", "middle", "left")):
            others = np.delete(fractions, k, axis=1).max(axis=1)
            streak = (fractions[:, k] > 0.3) & (others < 0.5 * fractions[:, k])
            if streak.sum() >= need and n >= 1:
                where = "in the middle" if name == "middle" else f"on the {name} side"
                quirks.append(Quirk("grey-streak", f"grey streak in the hair {where}", float(streak.mean())))
    tilts = np.array(smile_tilts, dtype=np.float64)
    if len(tilts):
        for sign, side in ((1.0, "right"), (-1.0, "left")):
            # smile_tilt > 0: image-left corner higher = the subject's right corner higher.
            crooked = sign * tilts > 0.03
            if crooked.sum() >= need:
                quirks.append(Quirk("crooked-smile", f"crooked smile: the {side} mouth corner sits higher "
                                    f"(by {abs(np.median(tilts[crooked])):.2f} of the eye distance)",
                                    float(crooked.mean())))
    return quirks
