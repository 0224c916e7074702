"""Pieces of other people left in a cut-out: find them and take them out, or say the matte failed.

The person segmenter is semantic (everyone is "person"), and the people split
(:mod:`candid.engines.studio.people`) only separates people whose faces were
found. What is left in a group snapshot is joined to the subject: the hair of
a woman behind, a friend's cheek, a neighbour's shoulder, a jacket above the
head, a neighbour cut by the photo's border. Here those pieces are found from
the subject's own geometry and colours, after matting:

1. A head-and-shoulders prior from the landmarks (:func:`subject_prior`):
   the head with a hair margin, the neck, shoulders and the body below.
2. Lobes joined through a thin neck (:func:`thin_lobes`): a morphological
   opening at a fraction of the face width cuts them from the subject; a lobe
   that lies mostly outside the prior is someone (or something) else.
3. Colour (:func:`unlike_subject`): what lies outside the prior and is unlike
   every colour of the subject's sure regions (hair, skin, clothes, sampled
   inside the prior) is not the subject. Long hair, big hair and raised
   hands are like the subject's own hair and skin and stay.

4. With the other found faces' boxes (``others``, a group photo): a face
   cheek to cheek with the subject's has the column below it taken
   (:func:`cheek_to_cheek`), and a piece coming in from the frame's top
   edge above the crown is someone standing behind (:func:`from_above`).

Removed pixels fade out with a soft edge. What is left outside the prior is
measured (:attr:`DebrisReport.doubt`): when a large share of the alpha above
the shoulders lies beyond the head with its hair and cannot be assigned, the
stage keeps the photo's background instead of delivering debris; so it
does when much of the cut-out lies right beside another found face
(:func:`beside_others`: a neighbour's hair and top as dark as the
subject's, which nothing here tells apart).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from scipy import ndimage

from candid.engines.studio import filters
from candid.engines.studio.checks import check_image, check_landmarks
from candid.engines.studio.filters import gauss
from candid.engines.studio.frame import head_extent
from candid.engines.studio.matte import _along, _face_hull, _frame_axes, _head_ellipse, _torso

#: Hair margin around the head ellipse, in face widths (hair volume beyond the seed's head ellipse).
HAIR_MARGIN = 0.12
#: Opening radius that cuts thin necks, in face widths.
NECK = 0.12
#: Colour distance (CIELAB, lightness at half weight) beyond which a pixel is unlike every colour of the subject.
UNLIKE = 18.0
#: Where "beside the head" ends and the shoulders begin, in head heights below the chin.
SHOULDERS = -0.05
#: The doubt counts alpha down to this many head heights below the chin (beside the head and neck).
DOUBT_DEPTH = 0.3
#: Share of the alpha above the shoulders lying beyond the head prior above which the matte is in doubt.
DOUBT = 0.06
#: Half-width (face widths) under which what joins a piece from above to the crown is a stalk, not the head.
STALK = 0.35
#: Headroom (head heights above the crown) under which hair may reach the frame's top edge: no piece from above.
HEADROOM = 0.22
#: Beside another found face: its box grown by this many of its widths sideways and up, and its heights down.
BESIDE_OTHER = (0.5, 1.0)
#: Share of the cut-out beside other found faces (outside the subject's face and head) above which it is in doubt.
OTHER_DOUBT = 0.07
#: An other's face box that covers more than this share of itself with the subject's landmark hull is cheek to cheek.
CHEEK = 0.05
#: Band (face widths) either side of the cheek-to-cheek column's edge inside which the cut follows the colour edges.
CUT_BAND = 0.15
#: Smoothing (face widths, Gaussian sigma) of the cut along its length: no pixel steps, no ruler-straight runs.
CUT_SMOOTH = 0.04
#: Weight (in edge_map units, 0-1) of the face's landmark outline as an edge for the cheek cut beside the face.
OUTLINE = 0.3
#: Another found face above the crown whose box ends within this many head heights of the cut-out's top: touching.
TOUCH = 0.15
#: A face beside the top of the head: at least this share of the cut-out above its chin is the subject's own head
#: with its hair margin (:func:`touching_above`).
OWN_HEAD = 0.9
#: Below the column, the other's clothes are at least this much nearer (CIELAB) to her colours than to the subject's.
HERS = 6.0
#: A face is turned when its nose lies more than this many face widths off the jaw's middle (:func:`other_heads`).
TURNED = 0.2
#: Beside the subject's arm: more than this many face widths out from the shoulder-elbow-wrist line (:func:`on_arms`).
ARM_OFF = 0.3
#: Half-width (face widths) of the band along the subject's arm where its own sleeve colours are sampled.
ARM_SAMPLE = 0.15
#: What lies up to this many face widths above a hand on the shoulder is the rest of its arm (:func:`on_arms`).
ARM_CAST = 0.5
#: A hand with its cuff covers at most this many square face widths; a larger piece is the subject's own clothes.
HAND = 0.5
#: A piece within this many face widths of one of the subject's wrists is the subject's own hand.
OWN_WRIST = 0.6
#: Width (face widths) of the band of known background beside a piece where the background's colours are sampled.
BG_RING = 0.15
#: A piece is the photo's background when at least this share of it is nearer the background beside it than the
#: subject's colours (:func:`background_pieces`).
BG_LIKE = 0.8
#: Half-width (face widths) of the column under the chin (neck, collar) that is never the background.
BG_NECK = 0.35
#: A piece lying mostly within this many face widths of an upper arm's line is the subject's sleeve.
BG_ARM = 0.3
#: Where long hair can hang below the chin: this many face widths either side of the chin's vertical, down to this
#: many head heights below the chin (its colours count as the subject's there).
HANG = (0.8, 0.6)
#: Colour step (CIELAB) across where a piece meets the rest of the cut-out above which it is not the subject's
#: cloth lit differently: light and shade on one cloth change gradually (:func:`contact_step`).
STEP = 2 * UNLIKE
#: Opening radius (face widths) that takes a point of another's hanging hair off the subject's outline
#: (:func:`below_others`).
SPIKE = 0.16
#: A fragment in another's hand's colours this many face widths from the hand goes with it (:func:`on_arms`)
FRAGMENT = 0.06
#: Such a point is at least this many face widths (and 2 px) thick: a thinner sliver is the outline's own raggedness.
POINT = 0.025


@dataclass(frozen=True)
class DebrisReport:
    """What :func:`remove_debris` took out and what it doubts.

    Attributes
    ----------
    removed : float
        Alpha mass removed, as a fraction of the input's alpha mass.
    outside : float
        Share of the remaining alpha above the shoulders that lies beyond the head prior (hair margin included).
    doubt : str or None
        A problem sentence when ``outside`` exceeds :data:`DOUBT` (the stage then keeps the background).
    parts : dict
        Removed alpha mass per rule (``thin``, ``colour``; ``cheek`` with other faces), fractions of the input's
        alpha mass.
    beside_others : float
        Share of the remaining alpha right beside other found faces (:func:`beside_others`); above
        :data:`OTHER_DOUBT` it is a doubt too.
    """

    removed: float = 0.0
    outside: float = 0.0
    doubt: str | None = None
    parts: dict[str, float] = field(default_factory=dict)
    beside_others: float = 0.0


def _geometry(lm: np.ndarray):
    crown, chin, head_h = head_extent(lm)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    across, down = _frame_axes(lm)
    return crown, chin, head_h, fw, across, down


def subject_prior(shape: tuple[int, int], landmarks: np.ndarray, *, hair: float = HAIR_MARGIN) -> np.ndarray:
    """Where the subject's head (with ``hair`` face widths of hair), neck, shoulders and body can be: ``(H, W)`` bool.

    The head is :func:`candid.engines.studio.matte.seed_mask`'s head ellipse
    grown by the hair margin; the body is its torso (neck, shoulders widening
    to 2.4 face widths either side) reaching the bottom of the frame.

    Examples
    --------
    >>> from candid.engines.studio.people import toy_landmarks
    >>> p = subject_prior((240, 320), toy_landmarks(80, 80, 50))
    >>> bool(p[80, 80]), bool(p[200, 80]), bool(p[80, 200]), bool(p[5, 80])
    (True, True, False, False)
    """
    lm = check_landmarks(landmarks)
    H, W = shape
    crown, chin, head_h, fw, across, down = _geometry(lm)
    head = _head_ellipse((H, W), lm, grow=hair * fw)
    return head | _torso((H, W), chin, across, down, fw, head_h, halves=(0.4, 0.7, 1.8, 2.4))


def _lab(pixels: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(np.clip(pixels, 0, 1).astype(np.float32)), cv2.COLOR_RGB2LAB)


def _features(shape: tuple[int, int], lm: np.ndarray, grow: float) -> np.ndarray:
    """The eyes, brows, nostrils and mouth (convex hulls of their landmarks, grown by ``grow`` px)."""
    m = np.zeros(shape, np.uint8)
    for a, b in ((17, 22), (22, 27), (31, 36), (36, 42), (42, 48), (48, 60)):
        cv2.fillConvexPoly(m, cv2.convexHull(lm[a:b].astype(np.float32)).astype(np.int32), 1)
    r = max(int(round(grow)), 1)
    if not filters.FAST_PATHS or not m.any():
        return cv2.dilate(m, _disk(r)).astype(bool)
    # dilated on the crop around the features only (nothing beyond r px of them is reached): the same mask, and
    # 4 dilations by a 107 px disk over a 6 MP photo took 2-5 s (round 18's speed)
    y0, y1, x0, x1 = filters.box_around(m > 0, r + 2)
    out = np.zeros(shape, bool)
    out[y0:y1, x0:x1] = cv2.dilate(np.ascontiguousarray(m[y0:y1, x0:x1]), _disk(r)) > 0
    return out


def own_skin(shape: tuple[int, int], landmarks: np.ndarray) -> np.ndarray:
    """The subject's plain skin: the face hull shrunk by 0.08 face widths, without eyes, brows, nostrils, mouth.

    Examples
    --------
    >>> from candid.engines.studio.people import toy_landmarks
    >>> m = own_skin((240, 320), toy_landmarks(80, 80, 50))
    >>> bool(m[100, 65]), bool(m[80, 69]), bool(m[80, 150])
    (True, False, False)
    """
    lm = check_landmarks(landmarks)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    return _face_hull(shape, lm, shrink=0.08 * fw) & ~_features(shape, lm, 0.06 * fw)


def subject_regions(shape: tuple[int, int], alpha: np.ndarray, landmarks: np.ndarray) -> dict[str, np.ndarray]:
    """The subject's sure regions, where its own colours are sampled: ``{"hair", "skin", "body"}`` -> ``(H, W)`` bool.

    Opaque pixels (alpha 1), eroded so no edge pixel (old background) counts:
    ``hair`` inside the head ellipse above the hairline, ``skin`` the face
    hull shrunk without the eyes, brows, nostrils and mouth (their dark
    colours made any dark neighbour "like the subject"), ``body`` the middle of the chest (below the neck, within 0.4
    face widths of the chin's vertical: wider, it sampled a neighbour's
    shoulder in group snapshots).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import two_people
    >>> img, prob, lm, _ = two_people()
    >>> r = subject_regions(prob.shape, (prob > 0.5).astype(np.float32), lm)
    >>> bool(r["skin"][90, 80]), bool(r["body"][200, 80]), bool(r["hair"][90, 80])
    (True, True, False)
    """
    lm = check_landmarks(landmarks)
    H, W = shape
    crown, chin, head_h, fw, across, down = _geometry(lm)
    head = _head_ellipse((H, W), lm)
    hairline = crown + (chin - crown) * 0.3 / 1.3  # head_extent: the crown is 0.3 hairline-to-chin above the hairline
    depth = _along((H, W), chin, down)
    lateral = np.abs(_along((H, W), chin, across))
    e = max(int(round(0.03 * fw)), 1)
    opaque = (np.asarray(alpha) >= 0.98).astype(np.uint8)
    solid = cv2.erode(opaque, np.ones((2 * e + 1, 2 * e + 1), np.uint8)).astype(bool)
    return {"hair": solid & head & (_along((H, W), hairline, down) < 0),
            "skin": solid & own_skin((H, W), lm),
            "body": solid & (depth > 0.3 * head_h) & (lateral < 0.4 * fw)}


def subject_colours(pixels: np.ndarray, region: np.ndarray, *, k: int = 6, seed: int = 0) -> np.ndarray:
    """``(k, 3)`` CIELAB colours (k-means centres) of the pixels in ``region`` (fewer if small; ``(0, 3)`` if empty).

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((20, 20, 3), np.float32); img[:, 10:] = 1
    >>> c = subject_colours(img, np.ones((20, 20), bool), k=2)
    >>> sorted(round(float(v)) for v in c[:, 0])
    [0, 100]
    """
    lab = _lab(check_image(pixels))[np.asarray(region, bool)]
    if lab.shape[0] == 0:
        return np.zeros((0, 3), np.float32)
    if lab.shape[0] <= 4 * k:  # too few to cluster: the pixels are the colours
        return lab.reshape(-1, 3).astype(np.float32)
    rng = np.random.default_rng(seed)
    if lab.shape[0] > 20000:
        lab = lab[rng.choice(lab.shape[0], 20000, replace=False)]
    k = min(k, lab.shape[0])
    cv2.setRNGSeed(seed)
    _, _, centres = cv2.kmeans(lab.astype(np.float32), k, None,
                               (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5), 2, cv2.KMEANS_PP_CENTERS)
    return centres.reshape(-1, 3).astype(np.float32)


def colour_distance(pixels: np.ndarray, colours: np.ndarray, *, lightness: float = 0.5) -> np.ndarray:
    """Every pixel's CIELAB distance to the nearest of ``colours``: ``(H, W)`` float32.

    Lightness differences count ``lightness`` times (shading and highlights
    on one material change mostly lightness; another person's hair or
    clothes differ in colour as well).

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((8, 8, 3), np.float32); img[0, 0] = 1
    >>> d = colour_distance(img, np.array([[0, 0, 0]], np.float32))
    >>> round(float(d[0, 0])), round(float(d[1, 1]))
    (50, 0)
    """
    lab = _lab(check_image(pixels))
    if len(colours) == 0:
        return np.full(lab.shape[:2], np.inf, np.float32)
    w = np.array([lightness, 1.0, 1.0], np.float32)
    lab = lab * w
    d = np.full(lab.shape[:2], np.inf, np.float32)
    for c in np.asarray(colours, np.float32):
        d = np.minimum(d, np.sqrt(((lab - c * w) ** 2).sum(-1)))
    return d


def _disk(r: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))


def _face_component(mask: np.ndarray, face: np.ndarray) -> np.ndarray:
    labels, _ = ndimage.label(mask, structure=np.ones((3, 3)))
    keep = np.unique(labels[face & (labels > 0)])
    return np.isin(labels, keep[keep > 0])


def _mostly_outside(pieces: np.ndarray, prior: np.ndarray, *, min_area: float, share: float) -> np.ndarray:
    """The 8-connected pieces of ``pieces`` at least ``min_area`` px large with more than ``share`` of them
    outside ``prior``."""
    labels, n = ndimage.label(pieces, structure=np.ones((3, 3)))
    out = np.zeros(pieces.shape, bool)
    if n == 0:
        return out
    idx = np.arange(1, n + 1)
    area = ndimage.sum(np.ones(pieces.shape), labels, idx)
    beyond = ndimage.sum(~prior, labels, idx)
    keep = idx[(area >= min_area) & (beyond > share * area)]
    return np.isin(labels, keep)


def thin_lobes(mask: np.ndarray, landmarks: np.ndarray, prior: np.ndarray, *, neck: float = NECK,
               outside: float = 0.5) -> np.ndarray:
    """Lobes of ``mask`` joined to the face only through a neck thinner than ``neck`` face widths, beyond ``prior``.

    The mask is opened with a disk of radius ``neck`` face widths; pieces of
    the opened mask not joined to the face are lobes. A lobe more than
    ``outside`` beyond the prior is returned, with the thin parts of the mask
    that join it (the neck) where they lie above the estimated crown or
    beyond the head and body without the hair margin.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(80, 80, 50)
    >>> m = np.zeros((240, 320), bool); m[40:240, 45:116] = True   # the subject
    >>> m[78:84, 116:200] = True; m[50:110, 200:260] = True          # a blob on a thin bridge
    >>> t = thin_lobes(m, lm, subject_prior(m.shape, lm))
    >>> bool(t[80, 230]), bool(t[80, 150]), bool(t[150, 80])
    (True, True, False)
    """
    lm = check_landmarks(landmarks)
    m = np.asarray(mask, bool)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    r = max(int(round(neck * fw)), 1)
    face = _face_hull(m.shape, lm)
    opened = filters.open_binary(m, _disk(r))  # (the same mask as cv2's opening, by rows: round 18's speed)
    core = _face_component(opened | (face & m), face)
    out = _mostly_outside(opened & ~core, prior, min_area=(0.5 * r) ** 2, share=outside)
    if out.any():
        # the neck: thin parts of the mask joined to a removed lobe, down to the head itself (the hair margin is
        # no shelter for a stalk: 2008_002470's stem above the crown stayed as a spike)
        crown, _, _, _, _, down = _geometry(lm)
        above_crown = _along(m.shape, crown, down) < 0
        thin = m & ~opened & (~subject_prior(m.shape, lm, hair=0.0) | above_crown)
        tl, _ = ndimage.label(thin | out, structure=np.ones((3, 3)))
        hit = np.unique(tl[out & (tl > 0)])
        out |= np.isin(tl, hit[hit > 0]) & thin
    return out


def unlike_subject(pixels: np.ndarray, mask: np.ndarray, landmarks: np.ndarray, prior: np.ndarray,
                   head_colours: np.ndarray, all_colours: np.ndarray, *, unlike: float = UNLIKE,
                   share: float = 0.5, below: bool = False, head_distance: np.ndarray | None = None) -> np.ndarray:
    """Pieces of ``mask`` unlike the subject's colours that lie mostly beyond ``prior``.

    Beside the head (above :data:`SHOULDERS`) a pixel is unlike when it is farther than ``unlike``
    (CIELAB) from every colour of the subject's head (``head_colours``: its
    hair and skin); lower down, from every colour of the subject
    (``all_colours``, clothes too) if ``below`` (off by default: shiny or
    patterned clothes and sleeves far out are too varied). Connected pieces of unlike pixels inside
    the mask, of which more than ``share`` lies beyond the prior, are
    returned (the black hair of a woman behind a blonde subject, a
    neighbour's shirt beside a white one). Long hair and raised hands are
    like the subject's own hair and skin and are never returned.
    ``head_distance``: :func:`colour_distance` of ``pixels`` to ``head_colours``, if the caller has it.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(80, 80, 50)
    >>> img = np.full((240, 320, 3), 0.8, np.float32); img[:, 130:] = (0.1, 0.1, 0.1)
    >>> m = np.zeros((240, 320), bool); m[40:240, 45:170] = True
    >>> cols = np.array([[84.0, 0.0, 0.0]], np.float32)   # the subject is light grey
    >>> u = unlike_subject(img, m, lm, subject_prior(m.shape, lm), cols, cols)
    >>> bool(u[60, 150]), bool(u[60, 100])
    (True, False)
    """
    m = np.asarray(mask, bool)
    lm = check_landmarks(landmarks)
    H, W = m.shape
    crown, chin, head_h, fw, across, down = _geometry(lm)
    above = _along((H, W), chin, down) < SHOULDERS * head_h
    if head_distance is None:
        head_distance = colour_distance(pixels, head_colours)
    far = above & (head_distance > unlike)
    if below:
        far |= ~above & (colour_distance(pixels, all_colours) > unlike)
    return _mostly_outside(m & far, prior, min_area=(0.2 * fw) ** 2, share=share)  # min_area: not an earring


def _box_mask(shape: tuple[int, int], box, grow: float = 0.0) -> np.ndarray:
    x0, y0, x1, y1 = box
    g = grow * (x1 - x0)
    m = np.zeros(shape, bool)
    r0, r1 = max(int(np.floor(y0 - g)), 0), max(int(np.ceil(y1 + g)), 0)
    m[r0:r1, max(int(np.floor(x0 - g)), 0):max(int(np.ceil(x1 + g)), 0)] = True
    return m


def _subject_core(shape: tuple[int, int], lm: np.ndarray, *, neck: float = 0.5) -> np.ndarray:
    """The subject's face (landmark hull), head ellipse (without hair margin) and the column below the chin
    ``neck`` face widths either side (neck, collar, tie): never another person's."""
    crown, chin, head_h, fw, across, down = _geometry(lm)
    column = (_along(shape, chin, down) > 0) & (np.abs(_along(shape, chin, across)) < neck * fw)
    return _face_hull(shape, lm) | _head_ellipse(shape, lm, grow=-0.05 * fw) | column


def cheek_to_cheek(mask: np.ndarray, landmarks: np.ndarray, others, *, cheek: float = CHEEK,
                   depth: float = DOUBT_DEPTH) -> np.ndarray:
    """Pieces of ``mask`` below an other's face box that overlaps the subject's landmark hull: ``(H, W)`` bool.

    Cheek to cheek, the subject's hidden-side landmarks lie on the other's
    face, so the head prior reaches over it. Such a box (more than
    ``cheek`` of it inside the landmarks' hull) and the column below it
    (its width, from its middle down to ``depth`` head heights below the
    subject's chin, where the subject's shoulder may begin) are the other's, except the subject's
    face (the hull itself: where it reaches into the box it is the
    subject's cheek, and only a sliver).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(80, 80, 50)
    >>> m = np.zeros((240, 320), bool); m[40:240, 10:116] = True
    >>> c = cheek_to_cheek(m, lm, [(10, 60, 64, 110)])   # a face beside the subject's, overlapping its hull
    >>> bool(c[115, 30]), bool(c[80, 90]), bool(c[200, 30])
    (True, False, False)
    >>> bool(cheek_to_cheek(m, lm, [(200, 60, 250, 110)]).any())   # a face apart is not cheek to cheek
    False
    """
    lm = check_landmarks(landmarks)
    m = np.asarray(mask, bool)
    H, W = m.shape
    hull = _face_hull((H, W), lm)
    crown, chin, head_h, fw, across, down = _geometry(lm)
    above = _along((H, W), chin, down) < depth * head_h  # lower down, the subject's own shoulder may lie there
    out = np.zeros((H, W), bool)
    for x0, y0, x1, y1 in (tuple(float(v) for v in b) for b in others):
        box = _box_mask((H, W), (x0, y0, x1, y1))
        if (box & hull).sum() <= cheek * max(box.sum(), 1):
            continue
        column = _box_mask((H, W), (x0, (y0 + y1) / 2, x1, 2.0 * H + 2.0 * abs(y0)))  # from the other's eyes down
        out |= m & column & ~hull & above
    return _mostly_outside(out, np.zeros((H, W), bool), min_area=(0.1 * fw) ** 2, share=0.5)


def cheek_cut(pixels: np.ndarray, mask: np.ndarray, landmarks: np.ndarray, others, *,
              body: np.ndarray | None = None, band: float = CUT_BAND, smooth: float = CUT_SMOOTH,
              hers: float = HERS) -> np.ndarray:
    """The cheek-to-cheek neighbour's part of ``mask``, cut along the picture's own edges: ``(H, W)`` bool.

    :func:`cheek_to_cheek`'s column is only where the cut may happen. Her
    clothes below it (connected to it, nearer by ``hers`` CIELAB to her
    colours, sampled in the column, than to the subject's clothes, sampled in
    ``body``, his sure chest (:func:`subject_regions`), on the side away from
    her) join it. Within ``band`` face widths of its edge a marker-based watershed
    (``skimage.segmentation.watershed``, the same as
    :func:`candid.engines.studio.neighbour.neighbour_region`) on the colour
    edges (:func:`candid.engines.studio.people.edge_map`) decides: the
    subject's markers are the cut-out beyond the band on his side and his
    face hull shrunk, hers the column beyond the band. The result is smoothed
    along its length (a Gaussian of ``smooth`` face widths, thresholded at
    one half), so the cut has neither the column's straight sides nor pixel
    steps.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(80, 80, 50)
    >>> img = np.full((240, 320, 3), 0.8, np.float32); img[:, :58] = (0.9, 0.7, 0.6)   # her skin left of x 58
    >>> m = np.zeros((240, 320), bool); m[40:240, 10:116] = True
    >>> c = cheek_cut(img, m, lm, [(10, 60, 64, 110)])
    >>> [int(np.nonzero(c[y])[0].max()) for y in (115, 140)]   # the cut is at the colour edge, not the box's (63)
    [58, 57]
    >>> bool(c[80, 90])
    False
    """
    from skimage.segmentation import watershed

    from candid.engines.studio.people import edge_map

    px = check_image(pixels)
    lm = check_landmarks(landmarks)
    m = np.asarray(mask, bool)
    H, W = m.shape
    col = cheek_to_cheek(m, lm, others)
    if not col.any():
        return col
    crown, chin, head_h, fw, across, down = _geometry(lm)
    his_clothes = np.zeros((H, W), bool)
    if body is not None:  # his chest on the side away from her (near her, it held her cardigan: 2008_002079)
        lateral = _along((H, W), chin, across)
        toward = np.sign(float(lateral[col].mean()))  # her side
        body = np.asarray(body, bool) & (toward * lateral < -0.05 * fw)
    body_colours = subject_colours(px, body) if body is not None and np.any(body) else None
    if body_colours is not None and len(body_colours) and col.sum() >= 8:
        # her clothes below the column: connected to it and nearer to her colours than to his
        d_his = colour_distance(px, body_colours)
        depth = _along((H, W), chin, down)
        below_chin = depth > 0
        # her colours: the column beside his face, and lower where unlike his clothes (it may reach over his shoulder)
        high = depth < -0.2 * head_h  # a turned head's shoulder may begin above its chin
        d_her = colour_distance(px, subject_colours(px, col & (high | (d_his > hers)), k=4))
        # his own neck is like his face (a turned head's chin is not above the middle of its neck: 2008_002079's
        # cardigan reaches to 0.07 face widths beside his chin)
        skin = subject_colours(px, m & own_skin((H, W), lm))
        neck = colour_distance(px, skin) < UNLIKE / 2
        below = m & ~col & ~neck & below_chin & (d_her + hers < d_his)
        labels, _ = ndimage.label(below | col, structure=np.ones((3, 3)))
        hit = np.unique(labels[col & (labels > 0)])
        col = col | (np.isin(labels, hit[hit > 0]) & below)
        his_clothes = ~high & ~_face_hull((H, W), lm) & (d_his + hers < d_her)  # inside the column too: never hers
    b = max(band * fw, 2.0)
    his_side = m & ~col
    to_his = cv2.distanceTransform((~his_side).astype(np.uint8), cv2.DIST_L2, 5)
    to_hers = cv2.distanceTransform((~col).astype(np.uint8), cv2.DIST_L2, 5)
    markers = np.zeros((H, W), np.int32)
    markers[his_side & (to_hers > b)] = 1
    hull = _face_hull((H, W), lm)
    markers[m & _face_hull((H, W), lm, shrink=0.05 * fw)] = 1
    markers[col & (to_his > b) & ~his_clothes & (markers == 0)] = 2
    if not (markers == 2).any():
        markers[col & (to_his >= to_his[col].max()) & (markers == 0)] = 2
    # skin beside skin has weak edges: there the face's outline (the landmark hull) is a ridge the flood stops at,
    # unless a stronger colour edge lies within the band
    d_hull = np.where(hull, cv2.distanceTransform(hull.astype(np.uint8), cv2.DIST_L2, 5),
                      cv2.distanceTransform((~hull).astype(np.uint8), cv2.DIST_L2, 5))
    ridge = np.clip(1.0 - d_hull / b, 0, 1) * (_along((H, W), chin, down) < 0)
    labels = watershed(edge_map(px, sigma=max(0.004 * fw, 1.0)) + OUTLINE * ridge, markers, mask=m)
    theirs = (labels == 2).astype(np.float32)
    theirs = gauss(theirs, max(smooth * fw, 1.0)) > 0.5
    return theirs & m & (markers != 1)


def from_above(mask: np.ndarray, landmarks: np.ndarray, prior: np.ndarray, *,
               valid: np.ndarray | None = None, headroom: float = HEADROOM) -> np.ndarray:
    """Pieces of ``mask`` above the crown and beyond ``prior`` that come in from the frame's top edge: ``(H, W)`` bool.

    In a group photo a jacket or an arm of someone standing behind reaches
    down to the subject's crown from beyond the frame (2008_002470's dark
    stem); the subject's own hair, big or not, grows from the head and
    ends inside the frame. Its stalk above the estimated crown, narrower
    than :data:`STALK` face widths (an opening takes it, the round head
    stays), goes with it. In a frame whose top edge is less than
    ``headroom`` head heights above the crown (a passport crop) the
    subject's own hair may reach the edge, as a band as wide as the head:
    there only pieces narrower than the stalk count. ``valid``:
    where the photo is (the top edge is where the photo
    ends on an extended canvas).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(80, 80, 50)
    >>> m = np.zeros((240, 320), bool); m[25:240, 45:116] = True   # the subject, hair up to y 25
    >>> m[0:30, 60:75] = True                                       # something hanging down from the top
    >>> f = from_above(m, lm, subject_prior(m.shape, lm))
    >>> bool(f[5, 65]), bool(f[60, 80]), bool(f[27, 100])
    (True, False, False)
    """
    lm = check_landmarks(landmarks)
    m = np.asarray(mask, bool)
    H, W = m.shape
    crown, chin, head_h, fw, across, down = _geometry(lm)
    photo = np.ones((H, W), bool) if valid is None else np.asarray(valid, bool)
    rows = np.argmax(photo, axis=0)  # the photo's first row in each column
    cols = np.nonzero(photo.any(axis=0))[0]
    if len(cols) == 0:
        return np.zeros((H, W), bool)
    above_crown = _along((H, W), crown, down) < 0
    r = max(int(round(STALK * fw)), 1)
    narrow = m & ~cv2.morphologyEx(m.astype(np.uint8), cv2.MORPH_OPEN, _disk(r)).astype(bool)
    if crown[1] - rows[cols].min() < headroom * head_h:
        # a tight frame: the subject's own hair may reach its top edge, but as a band as wide as the head; what
        # comes in narrower than the stalk (2008_002470 passport's horns, inside the hair margin) is not hair
        pieces = narrow & above_crown
    else:
        pieces = m & ~np.asarray(prior, bool) & above_crown
    labels, n = ndimage.label(pieces, structure=np.ones((3, 3)))
    if n == 0:
        return np.zeros((H, W), bool)
    top = np.zeros((H, W), bool)
    top[np.minimum(rows[cols] + 1, H - 1), cols] = True
    top[rows[cols], cols] = True
    hit = np.unique(labels[top & (labels > 0)])
    hit = hit[hit > 0]
    if len(hit) == 0:
        return np.zeros((H, W), bool)
    area = ndimage.sum(np.ones((H, W)), labels, hit)
    out = np.isin(labels, hit[area >= (0.1 * fw) ** 2])
    if out.any():  # its stalk inside the hair margin goes with it (what an opening wider than it takes)
        stalk, _ = ndimage.label(narrow & above_crown, structure=np.ones((3, 3)))
        joined = np.unique(stalk[out & (stalk > 0)])
        out |= np.isin(stalk, joined[joined > 0])
    return out


def beside_others(shape: tuple[int, int], landmarks: np.ndarray, others, *,
                  grow: tuple[float, float] = BESIDE_OTHER) -> np.ndarray:
    """Pixels beside other found faces (their boxes grown ``grow[0]`` widths sideways and up, ``grow[1]`` heights
    down), outside the subject's face and head ellipse: ``(H, W)`` bool.

    A cut-out with much alpha there holds part of someone else (their hair,
    their top) that nothing could tell from the subject.

    Examples
    --------
    >>> from candid.engines.studio.people import toy_landmarks
    >>> b = beside_others((240, 320), toy_landmarks(80, 80, 50), [(180, 55, 230, 105)])
    >>> bool(b[120, 205]), bool(b[80, 80]), bool(b[20, 300])
    (True, False, False)
    """
    lm = check_landmarks(landmarks)
    boxes = [tuple(float(v) for v in b) for b in others]
    near = np.zeros(shape, bool)
    for x0, y0, x1, y1 in boxes:
        w, h = x1 - x0, y1 - y0
        near |= _box_mask(shape, (x0 - grow[0] * w, y0 - grow[0] * w, x1 + grow[0] * w, y1 + grow[1] * h))
    return near & ~_subject_core(shape, lm)


def hang_zone(shape: tuple[int, int], landmarks: np.ndarray, others, *, hair: float = HAIR_MARGIN,
              depth: float = BESIDE_OTHER[1]) -> np.ndarray:
    """Where another found face's hair can hang: ``(H, W)`` bool.

    Below the middle of each other face box, as wide as its head ellipse with the ``hair`` margin
    (:func:`head_radius`: ``0.78 + hair`` of the box's width either side of its middle), down to ``depth``
    box heights below its bottom; outside the subject's head ellipse with the same margin and outside the
    subject's face, head and the column below the chin (:func:`_subject_core`).

    Examples
    --------
    >>> from candid.engines.studio.people import toy_landmarks
    >>> z = hang_zone((240, 320), toy_landmarks(80, 80, 50), [(180, 55, 230, 105)])
    >>> bool(z[130, 200]), bool(z[40, 205]), bool(z[80, 80]), bool(z[200, 300])
    (True, False, False, False)
    """
    lm = check_landmarks(landmarks)
    H, W = shape
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    zone = np.zeros((H, W), bool)
    for x0, y0, x1, y1 in (tuple(float(v) for v in b) for b in others):
        w, h = x1 - x0, y1 - y0
        zone |= ((np.abs(xx - (x0 + x1) / 2) < (0.78 + hair) * w) & (yy > (y0 + y1) / 2)
                 & (yy < y1 + depth * h))
    return zone & (head_radius((H, W), lm, grow=hair) >= 1.0) & ~_subject_core((H, W), lm)


def below_others(mask: np.ndarray, landmarks: np.ndarray, others, *, pixels: np.ndarray | None = None,
                 hair: np.ndarray | None = None, spike: float = SPIKE, point: float = POINT,
                 unlike: float = UNLIKE) -> np.ndarray:
    """Points of the cut-out's outline where another found face's hair hangs: ``(H, W)`` bool.

    In a group snapshot the hair of a person beside the subject hangs down
    beside her face onto the subject's shoulder (2008_001322: a wedge of
    the woman's dark hair on the dark jacket). The people split cuts her
    head away, but what of her hair lies against the subject's outline
    stays with it, in the subject's own dark colours, so no colour rule
    sees it. Its shape does: it sticks out of the shoulder's round as a
    point. The mask is opened with a disk of ``spike`` face widths; what
    the opening takes (parts narrower than the disk) is returned where a
    piece lies mostly in :func:`hang_zone` (below another face, outside
    the subject's head with its hair margin and the column below the chin)
    and holds a pixel ``point`` face widths (at least 2 px) from its edge:
    a one-pixel sliver along a ragged outline is the outline's own. A
    shoulder's round, wider than the disk, is not touched. With
    ``pixels`` and the subject's ``hair`` colours (CIELAB centres,
    :func:`subject_colours`), a piece whose median colour lies within
    ``unlike / 2`` of them stays: the subject's own long hair hanging
    beside a neighbour (2008_004176) has that shape too, and
    :func:`beside_others` doubts what cannot be told apart.

    Examples
    --------
    >>> import cv2, numpy as np
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(100, 80, 50)
    >>> m = np.zeros((240, 320), np.uint8); m[40:240, 65:136] = 1                 # head and neck
    >>> m = cv2.ellipse(m, (100, 240), (75, 110), 0, 0, 360, 1, -1).astype(bool)  # the shoulders' round
    >>> m[146:154, 160:174] = True                    # a point of her hair beside his shoulder
    >>> b = below_others(m, lm, [(185, 60, 235, 110)])
    >>> bool(b[150, 168]), int(b[:, :144].sum()), bool(below_others(m, lm, [(5, 60, 25, 80)]).any())
    (True, 0, False)
    >>> img = np.zeros((240, 320, 3), np.float32)     # all black, and so is his hair: it may be his
    >>> bool(below_others(m, lm, [(185, 60, 235, 110)], pixels=img, hair=np.zeros((1, 3), np.float32)).any())
    False
    """
    lm = check_landmarks(landmarks)
    m = np.asarray(mask, bool)
    H, W = m.shape
    out = np.zeros((H, W), bool)
    if not others or not m.any():
        return out
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    r = max(int(round(spike * fw)), 1)
    points = m & ~cv2.morphologyEx(m.astype(np.uint8), cv2.MORPH_OPEN, _disk(r)).astype(bool)
    labels, n = ndimage.label(points, structure=np.ones((3, 3)))
    if n == 0:
        return out
    idx = np.arange(1, n + 1)
    area = ndimage.sum(np.ones((H, W)), labels, idx)
    inside = ndimage.sum(hang_zone((H, W), lm, others), labels, idx)
    depth = cv2.distanceTransform(np.pad(points, 1).astype(np.uint8), cv2.DIST_L2, 3)[1:-1, 1:-1]
    thick = ndimage.maximum(depth, labels, idx) >= max(point * fw, 2.0)
    keep = idx[(inside > 0.5 * area) & thick]
    if len(keep) and pixels is not None and hair is not None and len(hair):
        own = colour_distance(check_image(pixels), hair)
        keep = np.array([i for i in keep if np.median(own[labels == i]) >= unlike / 2], int)
    return np.isin(labels, keep)


def _ellipse_radius(shape: tuple[int, int], centre, axes, across) -> np.ndarray:
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    dx, dy = xx - float(centre[0]), yy - float(centre[1])
    u = dx * float(across[0]) + dy * float(across[1])
    v = -dx * float(across[1]) + dy * float(across[0])
    return np.sqrt((u / max(axes[0], 1.0)) ** 2 + (v / max(axes[1], 1.0)) ** 2).astype(np.float32)


def head_radius(shape: tuple[int, int], landmarks: np.ndarray, box=None, *, grow: float = 0.0) -> np.ndarray:
    """Each pixel's normalised radius in a head ellipse: ``(H, W)`` float32, 1 on its outline.

    Without ``box``, the subject's head ellipse (the one of
    :func:`candid.engines.studio.matte.seed_mask`: 0.78 face widths either
    side, 0.6 head heights up and down from just above the middle of crown
    and chin). With a face box ``(x0, y0, x1, y1)`` of another person, the
    same ellipse for that face: upright, its face width the box's width, its
    head height in the subject's proportion to it, its chin the box's bottom.
    ``grow``: both axes longer by this many face widths (hair volume, as :data:`HAIR_MARGIN`).

    Examples
    --------
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(80, 80, 50)
    >>> r = head_radius((240, 320), lm)
    >>> float(r[80, 80]) < 0.3, float(r[80, 200]) > 1
    (True, True)
    >>> r = head_radius((240, 320), lm, (150, 60, 200, 110))
    >>> float(r[85, 175]) < 0.5, float(r[80, 80]) > 1
    (True, True)
    """
    lm = check_landmarks(landmarks)
    crown, chin, head_h, fw, across, down = _geometry(lm)
    if box is None:
        centre = (crown + chin) / 2 - 0.04 * head_h * down
        return _ellipse_radius(shape, centre, ((0.78 + grow) * fw, 0.60 * head_h + grow * fw), across)
    x0, y0, x1, y1 = (float(v) for v in box)
    w = max(x1 - x0, 1.0)
    h = w * head_h / max(fw, 1.0)
    centre = np.array([(x0 + x1) / 2, y1 - h / 2 - 0.04 * h])
    return _ellipse_radius(shape, centre, ((0.78 + grow) * w, 0.60 * h + grow * w), np.array([1.0, 0.0]))


def other_heads(shape: tuple[int, int], landmarks: np.ndarray, others, *, hair: float = HAIR_MARGIN,
                turned: float = TURNED) -> np.ndarray:
    """The heads of the other found faces, outside the subject's own head: ``(H, W)`` bool.

    Each other face box gives a head ellipse (:func:`head_radius`, the
    subject's head model fitted to the box), grown by ``hair`` face widths
    (hair volume). What of it lies outside the subject's head ellipse (grown
    the same, and swept back as far as the face is turned, as
    :func:`candid.engines.studio.matte.skull`) is theirs: a seated person's
    head beside the subject's chest (2007_007763's woman at the frame's
    lower left), a neighbour's crown beside the subject's.

    Where the two heads overlap, geometry alone decides only in front of a
    turned face (the nose more than ``turned`` face widths off the jaw's
    middle): a head ends at its forehead, so above the brows, beyond the
    front jaw point (the cheek's outline there) and deeper in her head
    than in his, it is hers (2008_002079: her hair over the temple of a man
    turned towards her). Elsewhere in the overlap nothing is decided: a
    frontal subject's own hair leaning towards her has the same geometry
    (and in 2008_002079 the same dark colours as hers).
    The subject's face (landmark hull) and the column below its chin (neck,
    collar, tie) are never theirs.

    Examples
    --------
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(80, 80, 50)
    >>> h = other_heads((240, 320), lm, [(150, 60, 200, 110)])   # a face beside the subject's
    >>> bool(h[85, 175]), bool(h[40, 175]), bool(h[80, 80]), bool(h[200, 175])
    (True, True, False, False)
    >>> bool(h[50, 125])   # where the two heads overlap: not decided for a frontal face
    False
    >>> turned = lm.copy(); turned[27:36, 0] += 12   # the nose towards her: the forehead ends short of her
    >>> near = [(120, 60, 170, 110)]                   # her face closer, her head over his temple
    >>> bool(other_heads((240, 320), turned, near)[50, 115]), bool(other_heads((240, 320), lm, near)[50, 115])
    (True, False)
    """
    lm = check_landmarks(landmarks)
    H, W = shape
    crown, chin, head_h, fw, across, down = _geometry(lm)
    r_self = head_radius((H, W), lm, grow=hair)
    turn = float(np.dot(lm[30] - (lm[0] + lm[16]) / 2, across)) / max(fw, 1.0)
    if abs(turn) * fw >= 1.0:  # the back of a turned head (matte.skull's sweep)
        back = -np.sign(turn) * min(abs(turn), 0.7) * fw * across
        r_self = np.minimum(r_self, head_radius((H, W), lm + back.astype(np.float32), grow=hair))
    column = (_along((H, W), chin, down) > 0) & (np.abs(_along((H, W), chin, across)) < 0.5 * fw)
    front = np.zeros((H, W), bool)
    if abs(turn) > turned:  # in front of a turned face: above the brows, beyond the front jaw point
        side = float(np.sign(turn))
        jaw = lm[16] if float(np.dot(lm[16] - lm[0], across)) * side > 0 else lm[0]
        brows = float(np.min(lm[17:27] @ down))
        front = (side * _along((H, W), jaw, across) > 0) & (_along((H, W), np.zeros(2), down) < brows)
    theirs = np.zeros((H, W), bool)
    for box in others:
        r = head_radius((H, W), lm, box, grow=hair)
        theirs |= (r < 1.0) & ((r_self >= 1.0) | (front & (r < r_self)))
    return theirs & ~_face_hull((H, W), lm) & ~column


def touching_above(alpha: np.ndarray, landmarks: np.ndarray, others, *, touch: float = TOUCH,
                   pose=None, own: float = OWN_HEAD) -> bool:
    """Whether another found face stands right above the subject's head, touching the cut-out's top.

    Someone standing behind a seated subject has their face found above
    the subject's crown and their chin, neck and collar come down onto the
    subject's hair (2008_001009's child above her mother). The person
    segmenter joins them; nothing here tells the collar's light nubs from
    the top of the hair (the head ellipse reaches over them, their colours
    sit between hair and highlight). True when a face's box has its middle
    above the estimated crown, and between its bottom and the top of the
    cut-out (alpha over one half, in the box's columns) there are fewer than
    ``touch`` head heights.

    A face *beside* the top of the head does not count: the cut-out rises
    more than a third of ``touch`` head heights above its chin in its
    columns, and at least ``own`` of what the cut-out holds above that chin
    (across the frame) lies in the subject's head ellipse with its hair
    margin (:func:`head_radius`). Then that person's neck is hidden behind
    the subject's head, and what touches them is the subject's own hair
    (2008_007676: the woman behind has her chin beside her friend's crown,
    0.08-0.12 head heights below the hair's top; 2008_001009's child has her
    chin 0.07-0.10 head heights above her mother's hair). Someone that
    close behind may have an arm round the subject's shoulders, which only
    the subject's own arms tell apart (:func:`on_arms`), so this needs
    ``pose``: the subject's ``(6, 2)`` shoulders, elbows and wrists, or a
    callable returning them (run only when a face is beside the head);
    without it (None, or none found) the face counts as above.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(80, 80, 50)
    >>> a = np.zeros((240, 320), np.float32); a[25:240, 45:116] = 1   # the subject, hair up to y 25
    >>> touching_above(a, lm, [(60, -30, 100, 20)]), touching_above(a, lm, [(200, -30, 240, 20)])
    (True, False)
    >>> touching_above(a, lm, [(60, -60, 100, -20)])   # a face above, apart from the head
    False
    >>> from candid.engines.studio.people import toy_pose
    >>> beside = [(100, 0, 140, 40)]   # a face beside the crown: its chin 15 rows below the hair's top
    >>> touching_above(a, lm, beside), touching_above(a, lm, beside, pose=toy_pose(80, 80, 50))
    (True, False)
    """
    lm = check_landmarks(landmarks)
    solid = np.asarray(alpha) > 0.5
    H, W = solid.shape
    crown, chin, head_h, fw, across, down = _geometry(lm)
    head = None
    for x0, y0, x1, y1 in (tuple(float(v) for v in b) for b in others):
        if float(np.dot(np.array([(x0 + x1) / 2, (y0 + y1) / 2]) - crown, down)) >= 0:
            continue  # the face is not above the crown
        c0, c1 = max(int(np.floor(x0)), 0), min(int(np.ceil(x1)), W)
        if c1 <= c0:
            continue
        cols = solid[:, c0:c1]
        has = cols.any(axis=0)
        if not has.any():
            continue
        top = float(np.argmax(cols, axis=0)[has].min())  # the cut-out's highest row under the face
        if top - y1 >= touch * head_h:
            continue
        if y1 - top > touch * head_h / 3:  # the cut-out rises above the face's chin: beside the head?
            if head is None:
                head = head_radius((H, W), lm, grow=HAIR_MARGIN) < 1.0
            risen = solid[: int(np.ceil(y1))]  # what the cut-out holds above that chin, across the frame
            if float(np.mean(head[: int(np.ceil(y1))][risen])) >= own and \
                    (pose() if callable(pose) else pose) is not None:
                continue
        return True
    return False


def _segment_frame(shape: tuple[int, int], a, b) -> tuple[np.ndarray, np.ndarray]:
    """Each pixel's position along the segment ``a``-``b`` (0 at ``a``, its length at ``b``) and its distance
    from the segment (to the nearest point on it)."""
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)
    d = b - a
    n = max(float(np.linalg.norm(d)), 1e-6)
    u = d / n
    t = (xx - a[0]) * u[0] + (yy - a[1]) * u[1]
    tc = np.clip(t, 0, n)
    dist = np.hypot(xx - (a[0] + tc * u[0]), yy - (a[1] + tc * u[1]))
    return t, dist


def _at_side_border(mask: np.ndarray, valid: np.ndarray | None) -> np.ndarray:
    """The pixels of ``mask`` on the photo's side or top border (the edge of ``valid``, or of the frame); not the
    bottom edge, where the subject's own tie, shirt and hands leave the frame."""
    m = np.asarray(mask, bool)
    H, W = m.shape
    photo = np.ones((H, W), bool) if valid is None else np.asarray(valid, bool)
    edge = photo & ~cv2.erode(photo.astype(np.uint8), np.ones((3, 3), np.uint8), borderType=cv2.BORDER_CONSTANT,
                              borderValue=0).astype(bool)
    cols = np.nonzero(photo.any(axis=0))[0]
    last = H - 1 - np.argmax(photo[::-1], axis=0)
    edge[last[cols], cols] = False
    return edge & m


def _cast_kernel(d: np.ndarray, n: int) -> np.ndarray:
    """A dilation kernel that casts a mask ``1..n`` pixel steps along direction ``d`` (one pixel along its longer
    axis per step, each step's offset rounded as :func:`cv2.warpAffine` rounds a shift with nearest neighbours;
    the mask itself kept): one :func:`cv2.dilate` instead of ``n`` shifts.

    Examples
    --------
    >>> import numpy as np, cv2
    >>> m = np.zeros((9, 9), np.uint8); m[6, 4] = 1
    >>> out = cv2.dilate(m, _cast_kernel(np.array([0.0, -1.0]), 3))   # straight up, three steps
    >>> np.nonzero(out[:, 4])[0].tolist(), int(out.sum())
    ([3, 4, 5, 6], 4)
    """
    step = np.asarray(d, np.float64) / max(float(np.abs(d).max()), 1e-6)
    k = np.zeros((2 * n + 1, 2 * n + 1), np.uint8)
    k[n, n] = 1  # the mask itself
    probe = np.zeros((2 * n + 1, 2 * n + 1), np.uint8)
    probe[n, n] = 1
    for i in range(1, n + 1):
        M = np.float32([[1, 0, i * step[0]], [0, 1, i * step[1]]])
        ys, xs = np.nonzero(cv2.warpAffine(probe, M, probe.shape[::-1], flags=cv2.INTER_NEAREST))
        for y, x in zip(ys, xs):  # the probe's pixel lands at (y, x): the kernel holds the opposite offset
            k[2 * n - y, 2 * n - x] = 1
    return k


def on_arms(pixels: np.ndarray, mask: np.ndarray, landmarks: np.ndarray, pose, *,
            valid: np.ndarray | None = None, off: float = ARM_OFF, sample: float = ARM_SAMPLE,
            own_wrist: float = OWN_WRIST, unlike: float = UNLIKE, cast: float = ARM_CAST, hand: float = HAND,
            skin: np.ndarray | None = None, fragment: float = FRAGMENT, coverage: bool = False) -> np.ndarray:
    """Pieces lying on the subject's shoulders and arms, unlike the arm's own colours, that come in from the
    frame's border: another person's hand and cuff (``(H, W)`` bool).

    In a group snapshot someone behind rests a hand on the subject's
    shoulder (2008_002470: the blue-shirt man's hand and cuff at the left
    border). The person segmenter joins it to the subject and its place is
    no help: it lies on the subject's jacket, about half a face width from
    the upper arm's line, where a padded shoulder lies too. What tells it is
    its colour against the subject's own sleeve, where it comes from and that
    it is not the subject's hand. Per side, the arm's colours are sampled
    within ``sample`` face widths of the pose's shoulder-elbow line
    (``pose``, :func:`candid.engines.studio.people.subject_pose`; not the
    forearm, which often lies on a table or a neighbour's lap), with the
    clothes on the chest between the shoulder joints (below 0.3 head heights
    under the chin, so not the neck's skin). A bare upper arm (its sample
    like the subject's face, ``skin``, CIELAB centres) keeps every colour of
    that skin, so its own shaded edge is never taken. The mask's pixels
    farther than ``unlike`` (CIELAB) from all of them form pieces; a piece is
    another person's when

    - it is no larger than a hand with its cuff (``hand`` square face widths
      in the zone below; a shiny jacket's lit shoulder is larger);
    - none of it reaches above the chin (long hair over a shoulder, a
      neighbour's face: other rules' business) and none of it lies within
      ``own_wrist`` face widths of the subject's wrists (the subject's own
      hand on a shoulder);
    - it touches the frame's side or top border (the photo's edge within
      ``valid``; the subject's own tie and hands leave at the bottom) where it
      lies beyond the shoulder joint (across the head) and more than ``off``
      face widths out from the arm's line (above the shoulder and beside the
      arm: the subject's collar, tie and shirt front are never there).

    A smaller piece of such colours within ``fragment`` face widths of one
    found, which touches the same border in the zone and lies away from the
    subject's wrists, goes with it: the hand's own fingertips or what they
    rest on, split from the hand by a row of pixels that mix its colour with
    the jacket's (2008_002470's tablecloth under the fingers, 8 px, below
    the ``(0.1 face widths)**2`` a piece of its own needs).

    What of such a piece lies in that outward zone is returned, with what of
    the mask lies up to ``cast`` face widths above it in that zone, straight
    up and up towards the neck at 45 degrees (the rest of the other's arm: the
    hand rests on the shoulder, so nothing of the subject lies over it; a
    shoulder slopes less than that), and its rim (0.04 face widths), smoothed
    along its length (a Gaussian of :data:`CUT_SMOOTH` face widths,
    thresholded at one half). Without a pose, nothing. With ``coverage`` the
    result is float32 instead: each pixel's share of the cut's far side
    (:func:`cut_coverage`, anti-aliased along the smoothed line; 1 inside
    the piece, and over one half exactly where the bool result is True).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks, toy_pose
    >>> lm, pose = toy_landmarks(100, 80, 50), toy_pose(100, 80, 50)
    >>> img = np.full((240, 200, 3), (0.15, 0.2, 0.45), np.float32)        # the subject's blue jacket
    >>> img[140:170, 0:20] = (0.85, 0.66, 0.55)                             # a hand on his shoulder, from the left
    >>> m = np.zeros((240, 200), bool); m[40:240, 0:200] = True
    >>> h = on_arms(img, m, lm, pose)
    >>> bool(h[150, 5]), bool(h[200, 100])
    (True, False)
    >>> bool(on_arms(img, m, lm, None).any())   # no pose: nothing is decided
    False
    """
    lm = check_landmarks(landmarks)
    m = np.asarray(mask, bool)
    H, W = m.shape
    if pose is None or not m.any():
        return np.zeros((H, W), bool)
    px = check_image(pixels)
    pts = np.asarray(pose, np.float32).reshape(-1, 2)
    crown, chin, head_h, fw, across, down = _geometry(lm)
    lateral = _along((H, W), chin, across)
    below_chin = _along((H, W), chin, down) > 0
    face = _face_hull((H, W), lm)
    e = max(int(round(0.03 * fw)), 1)
    solid = cv2.erode(m.astype(np.uint8), np.ones((2 * e + 1, 2 * e + 1), np.uint8)).astype(bool)
    yy, xx = np.ogrid[0:H, 0:W]
    near_wrist = np.zeros((H, W), bool)
    for w in pts[4:6]:
        near_wrist |= (xx - float(w[0])) ** 2 + (yy - float(w[1])) ** 2 < (own_wrist * fw) ** 2
    edge = _at_side_border(np.ones((H, W), bool), valid)
    # the subject's clothes: the chest between the shoulder joints, below the neck (2008_007676's dress beside her
    # bare arm, 2008_004176's shiny gold jacket)
    depth = _along((H, W), chin, down)
    lat_sh = sorted(float(np.dot(q - chin, across)) for q in pts[:2])
    chest = solid & ~face & (depth > 0.3 * head_h) & (lateral > lat_sh[0]) & (lateral < lat_sh[1])
    clothes = subject_colours(px, chest, k=8) if chest.sum() >= (0.2 * fw) ** 2 else np.zeros((0, 3), np.float32)
    out = np.zeros((H, W), bool)
    cov = np.zeros((H, W), np.float32)
    for shoulder, elbow, wrist in ((pts[0], pts[2], pts[4]), (pts[1], pts[3], pts[5])):
        side = np.sign(float(np.dot(shoulder - chin, across)))
        if side == 0:
            continue
        upper, d_up = _segment_frame((H, W), shoulder, elbow)
        _, d_fore = _segment_frame((H, W), elbow, wrist)
        d_arm = np.minimum(d_up, d_fore)
        band = solid & (d_up < sample * fw) & ~face & below_chin  # the upper arm: the forearm may lie on others
        if band.sum() < (0.2 * fw) ** 2:
            continue  # too little of the arm in the frame to know its colours
        # outward of the arm's line: on the shoulder's side (not the chest), from above the shoulder down
        outward = (side * (lateral - float(np.dot(shoulder - chin, across))) > 0) & (upper > -0.6 * fw)
        zone = below_chin & outward & (d_arm > off * fw) & (d_arm < 2.0 * fw)
        arm = subject_colours(px, band)
        if skin is not None and len(skin) and np.median(colour_distance(px, skin)[band]) < unlike / 2:
            arm = np.concatenate([arm, skin])  # a bare arm: its shaded edge is still the subject's skin
        cand = m & ~face & (colour_distance(px, np.concatenate([arm, clothes])) > unlike)
        labels, n = ndimage.label(cand, structure=np.ones((3, 3)))
        if n == 0:
            continue
        idx = np.arange(1, n + 1)
        in_zone = ndimage.sum(zone, labels, idx)
        high = ndimage.sum(~below_chin, labels, idx) > 0
        by_wrist = ndimage.sum(near_wrist, labels, idx) > 0
        at_edge = ndimage.sum(edge & zone, labels, idx) > 0
        keep = idx[(in_zone >= (0.1 * fw) ** 2) & (in_zone <= hand * fw ** 2) & at_edge & ~high & ~by_wrist]
        piece = np.isin(labels, keep) & zone
        if piece.any():
            # fragments of such colours split from the hand by a row of mixed pixels, leaving through the same
            # border, go with it whatever their size (2008_002470: the tablecloth's blue-and-white under the
            # fingertips, 8 px at the border below the hand, under the size a piece of its own needs)
            near = cv2.dilate(piece.astype(np.uint8), _disk(max(int(round(fragment * fw)), 1))).astype(bool)
            touch = ndimage.sum(near, labels, idx) > 0
            frag = idx[touch & (in_zone > 0) & at_edge & ~high & ~by_wrist & (in_zone <= hand * fw ** 2)]
            piece |= np.isin(labels, frag) & zone
            # the rest of that person's arm: what lies above the hand (it rests on the shoulder, so nothing of
            # the subject is over it; 2008_002470's dark sleeve above the cuff is as dark as his jacket)
            # (straight up and up towards the neck at 45 degrees, steeper than a shoulder's slope: the sleeve's
            # end beside the cuff goes too)
            over = piece.copy()
            for d in (-down, (-down - side * across) / np.sqrt(2)):
                n_steps = int(round(cast * fw * float(np.abs(d).max())))
                over |= cv2.dilate(piece.astype(np.uint8), _cast_kernel(d, n_steps)).astype(bool)
            piece |= over & m & zone
            # with the hand's own rim (skin mixed with the jacket, nearer the jacket than the threshold: a thin
            # orange line along the cut)
            r = max(int(round(0.04 * fw)), 1)
            piece |= cv2.dilate(piece.astype(np.uint8), _disk(r)).astype(bool) & m & zone
            # the cut along the subject's jacket follows colour thresholds pixel by pixel: smoothed along its length
            # (as :func:`cheek_cut`), no 1-px staircase at 1:1
            sig = max(CUT_SMOOTH * fw, 1.0)
            g = gauss(piece.astype(np.float32), sig)
            if coverage:  # each pixel's share of the smoothed cut's far side, anti-aliased (:func:`cut_coverage`)
                cov = np.maximum(cov, cut_coverage(g, sig) * (m & below_chin))
            piece = (g > 0.5) & m & below_chin
        out |= piece
    return cov if coverage else out


def cut_coverage(smoothed: np.ndarray, sigma: float) -> np.ndarray:
    """How much of each pixel lies beyond the half level of a piece's mask smoothed by a Gaussian of ``sigma`` px.

    A cut made by thresholding the smoothed mask at one half follows a
    smooth line, but pixel by pixel: at the 13x enlargement of a small face
    in a group snapshot every pixel of it is a step (2008_002470.jpg's cut
    along the jacket where another's hand rested). Near a straight edge the
    smoothed mask is the Gaussian's integral, whose slope at one half is
    ``1 / (sigma * sqrt(2 pi))`` per pixel, so ``(g - 0.5) * sigma * sqrt(2 pi)``
    is the signed distance to the line in pixels; the pixel's share beyond
    it (a one-pixel box filter) is that distance plus one half, clipped to
    [0, 1]. Thresholding it at one half gives back the hard cut.

    Examples
    --------
    >>> import numpy as np
    >>> m = np.zeros((9, 40), np.float32); m[:, 20:] = 1                 # a piece right of column 19.5
    >>> from candid.engines.studio.debris import gauss
    >>> c = cut_coverage(gauss(m, 2.0), 2.0)
    >>> [round(float(c[4, x]), 2) for x in (15, 19, 20, 25)]
    [0.0, 0.0, 1.0, 1.0]
    >>> m[:, 20] = 0.5                                                   # the line through column 20's middle
    >>> [round(float(v), 1) for v in cut_coverage(gauss(m, 2.0), 2.0)[4, 19:22]]
    [0.0, 0.5, 1.0]
    """
    g = np.asarray(smoothed, np.float32)
    return np.clip(0.5 + (g - 0.5) * float(sigma) * np.sqrt(2 * np.pi), 0, 1).astype(np.float32)

def contact_step(pixels: np.ndarray, piece: np.ndarray, rest: np.ndarray, *, reach: int = 3) -> float:
    """The colour step (CIELAB distance of medians) across where ``piece`` meets ``rest``: a float, 0 without contact.

    The piece's pixels next to ``rest`` (8-neighbours) are compared with the
    pixels of ``rest`` from two to ``reach`` pixels beyond the piece, past
    the pixels mixed along the cut. A shoulder's lit side and its shade
    are one cloth and change over several pixels: a small step. A rail
    behind a white shirt ends at a hard edge: a step several times
    :data:`UNLIKE`.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.ones((40, 40, 3), np.float32); img[:, :20] = 0.05   # a dark rail beside a white shirt
    >>> piece = np.zeros((40, 40), bool); piece[:, 10:20] = True; rest = np.zeros((40, 40), bool); rest[:, 20:] = True
    >>> round(contact_step(img, piece, rest)) > 2 * UNLIKE
    True
    >>> ramp = np.repeat(np.linspace(0.3, 0.7, 40, dtype=np.float32)[None, :, None], 40, 0).repeat(3, 2)
    >>> contact_step(ramp, piece, rest) < UNLIKE   # one cloth, lit from the side
    True
    """
    px = check_image(pixels)
    p = np.asarray(piece, bool)
    r = np.asarray(rest, bool)
    one = cv2.dilate(p.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    inner = p & cv2.dilate(r.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    outer = r & cv2.dilate(p.astype(np.uint8), _disk(max(int(reach), 2))).astype(bool) & ~one
    if not inner.any() or not outer.any():
        return 0.0
    lab = _lab(px)
    return float(np.linalg.norm(np.median(lab[inner], axis=0) - np.median(lab[outer], axis=0)))


def background_pieces(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, colours: np.ndarray, *,
                      pose=None, hair: np.ndarray | None = None, valid: np.ndarray | None = None,
                      unlike: float = UNLIKE, ring: float = BG_RING, like: float = BG_LIKE,
                      hang: tuple[float, float] = HANG, neck: float = BG_NECK, arm: float = BG_ARM,
                      step: float = STEP) -> np.ndarray:
    """Pieces of the cut-out below the chin that are the photo's background: ``(H, W)`` bool.

    In a group snapshot the person segmenter's mask spans several people
    and holds what stands between them (2007_007763: the dark wooden
    banister behind the subject's shoulder, between him and his neighbour).
    It is not another person, so no face, head or arm rule finds it, and it
    is joined to the shoulder over a wide front. What tells it from the
    subject's own clothes is that it continues the background beside it. A
    piece of the opaque cut-out (alpha over one half) below the chin, beyond
    the face, unlike every colour of the subject's ``colours`` (CIELAB
    centres of the skin and the chest's clothes) by more than ``unlike``,
    with lightness at full weight (a dark rail beside a white shirt's
    shading differs mostly in lightness; where long hair can hang, ``hang``
    face widths either side of the chin's vertical and head heights below
    the chin, the ``hair`` colours count as the subject's too), is returned
    when

    - at least ``(0.25 fw)^2`` pixels of known background (alpha under 0.05,
      inside ``valid``: not the canvas beyond the photo, which repeats the
      cut-out's own edge) lie within ``ring`` face widths of it, and at least
      ``like`` of the piece is nearer their colours (k-means centres) than
      the subject's and nearer than ``unlike``, the medians at least
      ``unlike / 2`` apart (a dark jacket beside a light wall stays);
    - at most half of it lies within ``arm`` face widths of an upper arm's
      line or twice that of a shoulder joint (``pose``,
      :func:`candid.engines.studio.people.subject_pose`, or a callable giving
      it, called only when a piece is like the background: a shiny sleeve's lit
      side can be as light as the wall beside it), unless the colour steps by
      more than ``step`` where it meets the rest of the cut-out
      (:func:`contact_step`: a lit sleeve shades into the rest of the cloth;
      2007_007763's rail, round a shoulder joint that MediaPipe put on the
      shirt's edge, meets the white shirt at a hard edge); and at most half
      lies within ``neck`` face widths of the chin's vertical (the collar);
      without a pose nothing is decided;
    - without it no more than its own size of the cut-out would come loose
      from the face (a band across the clothes, a collar, holds the chest:
      it stays);

    with its rim (0.04 face widths: the pixels mixed with the subject's
    along the cut).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks, toy_pose
    >>> lm, pose = toy_landmarks(100, 80, 50), toy_pose(100, 80, 50)
    >>> img = np.full((240, 240, 3), (0.75, 0.75, 0.72), np.float32)   # a light wall
    >>> img[:, 175:215] = (0.12, 0.09, 0.07)                              # a dark banister post
    >>> img[120:, 40:160] = (0.95, 0.95, 0.95)                            # the subject's white shirt
    >>> a = np.zeros((240, 240), np.float32); a[30:240, 60:140] = 1; a[120:240, 40:160] = 1
    >>> a[140:240, 160:195] = 1                                           # the mask holds the post beside him
    >>> skin = np.array([[60.0, 15.0, 18.0]], np.float32); shirt = np.array([[97.0, 0.0, 0.0]], np.float32)
    >>> b = background_pieces(img, a, lm, np.concatenate([skin, shirt]), pose=pose)
    >>> bool(b[200, 185]), bool(b[200, 100]), bool(b[60, 100])
    (True, False, False)
    >>> bool(background_pieces(img, a, lm, np.concatenate([skin, shirt])).any())   # no pose: nothing
    False
    """
    lm = check_landmarks(landmarks)
    px = check_image(pixels)
    a = np.asarray(alpha, np.float32)
    H, W = a.shape
    out = np.zeros((H, W), bool)
    if len(colours) == 0:
        return out
    crown, chin, head_h, fw, across, down = _geometry(lm)
    depth = _along((H, W), chin, down)
    dist = colour_distance(px, colours, lightness=1.0)
    if hair is not None and len(hair):
        hanging = (np.abs(_along((H, W), chin, across)) < hang[0] * fw) & (depth < hang[1] * head_h)
        dist = np.where(hanging, np.minimum(dist, colour_distance(px, hair, lightness=1.0)), dist)
    solid = a > 0.5
    face = _face_hull((H, W), lm)
    lateral = _along((H, W), chin, across)
    cand = solid & (depth > 0) & ~face & (dist > unlike)
    # not the neck and collar (the column under the chin) and not along the upper arms (a shiny sleeve's lit side)
    column = np.abs(lateral) < neck * fw
    if pose is None:
        return out  # where the arms are is unknown: nothing is decided
    on_arm = None
    labels, n = ndimage.label(cand, structure=np.ones((3, 3)))
    if n == 0:
        return out
    photo = np.ones((H, W), bool) if valid is None else np.asarray(valid, bool)
    known_bg = (a < 0.05) & photo
    r = max(int(round(ring * fw)), 2)
    rim = max(int(round(0.04 * fw)), 1)
    areas = ndimage.sum(np.ones((H, W)), labels, np.arange(1, n + 1))
    for i in np.nonzero(areas >= (0.1 * fw) ** 2)[0] + 1:
        piece = labels == i
        beside = cv2.dilate(piece.astype(np.uint8), _disk(r)).astype(bool) & known_bg
        if beside.sum() < (0.25 * fw) ** 2:
            continue  # hardly any background beside it: nothing to compare with
        d_bg = colour_distance(px, subject_colours(px, beside, k=4), lightness=1.0)
        near_bg = (d_bg < dist) & (d_bg < unlike)
        if near_bg[piece].mean() < like or np.median(dist[piece]) - np.median(d_bg[piece]) < unlike / 2:
            continue
        if on_arm is None:  # (the pose is found only now, when a piece is like the background: a callable ``pose``)
            pts = pose() if callable(pose) else pose
            if pts is None:
                return out
            pts = np.asarray(pts, np.float32).reshape(-1, 2)
            d_arm = np.minimum(_segment_frame((H, W), pts[0], pts[2])[1], _segment_frame((H, W), pts[1], pts[3])[1])
            yy, xx = np.ogrid[0:H, 0:W]
            d_shoulder = np.minimum(np.hypot(xx - pts[0][0], yy - pts[0][1]), np.hypot(xx - pts[1][0], yy - pts[1][1]))
            on_arm = (d_arm < arm * fw) | (d_shoulder < 2 * arm * fw)  # the upper arm and the shoulder's round
        if column[piece].mean() > 0.5:
            continue  # mostly under the chin: the subject's collar
        if on_arm[piece].mean() > 0.5 and contact_step(px, piece, solid & ~piece) <= step:
            continue  # mostly along an upper arm or round a shoulder, shading into the rest: the subject's sleeve
            # (lit, as light as the wall beside it); a hard edge there is a rail beside the shoulder
        rest = solid & ~piece & ~out
        if (rest & ~_face_component(rest, face)).sum() > piece.sum():
            continue  # a band across the subject's clothes (a collar): without it, more than itself would float
        # its rim: the mixed pixels along the cut (one or two pixels, nearer the shirt's shading than the rail)
        out |= cv2.dilate(piece.astype(np.uint8), _disk(rim)).astype(bool) & (a > 0)
    return out


def _fade(remove: np.ndarray, alpha: np.ndarray, fw: float) -> np.ndarray:
    """Alpha with ``remove`` taken out, the cut softened over a pixel or two on the subject's side."""
    keep = (~remove).astype(np.float32)
    soft = gauss(keep, max(0.01 * fw, 0.7))
    soft = np.where(remove, 0.0, np.minimum(1.0, soft + (1 - gauss(remove.astype(np.float32), max(0.01 * fw, 0.7)))))
    return (np.asarray(alpha, np.float32) * np.clip(soft, 0, 1)).astype(np.float32)


def remove_debris(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, *,
                  valid: np.ndarray | None = None, seed: int = 0, others=None,
                  pose=None, unseen_body: bool = True, soft_arms: bool = True) -> tuple[np.ndarray, DebrisReport]:
    """Take pieces of other people out of a subject's matte; measure what is left beyond the head prior.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1] (the crop that was matted); not modified.
    alpha : ndarray
        ``(H, W)`` matte of the subject (:func:`candid.engines.studio.matte.matte`); not modified.
    landmarks : ndarray
        ``(68, 2)`` subject landmarks in the same pixels.
    valid : ndarray, optional
        ``(H, W)`` bool, False where the canvas was extended (not photo).
    seed : int
        Seed of the colour clustering.
    others : sequence of (x0, y0, x1, y1), optional
        Face boxes ``(x0, y0, x1, y1)`` of the other people found in the photo, in the same pixels
        (the stage's ``others``). Without them (the default, and every photo of one person) the result is
        what it was before these rules.
    pose : ndarray, optional
        ``(6, 2)`` the subject's shoulders, elbows and wrists (:func:`candid.engines.studio.people.subject_pose`)
        for :func:`on_arms`; with ``others`` and without it, it is found here (MediaPipe Pose on ``pixels``).
    unseen_body : bool
        When the frame holds no sample of the chest's clothes (it ends less than 0.3 head heights below the chin,
        where :func:`subject_regions` samples them: a passport frame), the doubt counts only what lies beside the
        head, above the shoulder line (:data:`SHOULDERS`): below it nothing tells the subject's own clothes from
        the background. Counted there, hinton's navy sweater beside his white collar was 6.8 % "beyond the head
        and hair" (:data:`DOUBT` 6 %) and a clean passport cut-out fell back to the photo's own background.
    soft_arms : bool
        The cut :func:`on_arms` makes across the subject's clothes is anti-aliased: each pixel keeps its share
        on the subject's side of the smoothed line (``on_arms(coverage=True)``), not a threshold's 1-px staircase,
        which the 13x enlargement of a group snapshot's small face shows (2008_002470.jpg). False: the round-15 cut.

    Returns
    -------
    alpha : ndarray
        ``(H, W)`` float32, the matte with the removed pieces at 0 and a soft edge where they were cut.
    report : DebrisReport

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(80, 80, 50)
    >>> img = np.full((240, 320, 3), 0.5, np.float32)
    >>> a = np.zeros((240, 320), np.float32); a[40:240, 45:116] = 1
    >>> a[78:84, 116:200] = 1; a[50:110, 200:260] = 1   # a blob on a thin bridge beside the head
    >>> b, rep = remove_debris(img, a, lm)
    >>> float(b[80, 230]), float(b[150, 80]), rep.doubt is None
    (0.0, 1.0, True)
    """
    px = check_image(pixels)
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    if a.shape != px.shape[:2]:
        raise ValueError(f"alpha {a.shape} does not match the image {px.shape[:2]}")
    H, W = a.shape
    total = float(a.sum())
    if total <= 0:
        return a.copy(), DebrisReport()
    crown, chin, head_h, fw, across, down = _geometry(lm)
    prior = subject_prior((H, W), lm)
    solid = a > 0.5
    parts: dict[str, float] = {}
    remove = np.zeros((H, W), bool)

    thin = thin_lobes(solid, lm, prior)
    parts["thin"] = float(a[thin].sum()) / total
    remove |= thin
    regions = subject_regions((H, W), a, lm)
    skin = subject_colours(px, regions["skin"], seed=seed)
    hair = subject_colours(px, regions["hair"], seed=seed)
    body = subject_colours(px, regions["body"], seed=seed)
    head_cols = np.concatenate([hair, skin])
    rest = _face_component(solid & ~remove, _face_hull((H, W), lm))
    head_distance = colour_distance(px, head_cols)
    unlike = unlike_subject(px, rest, lm, prior, head_cols, np.concatenate([head_cols, body]),
                            head_distance=head_distance)
    parts["colour"] = float(a[unlike & ~remove].sum()) / total
    remove |= unlike
    cheek = np.zeros((H, W), bool)
    heads = np.zeros((H, W), bool)
    ramp = None
    if others:  # a found face cheek to cheek with the subject's: her part, cut along the picture's edges
        cheek = cheek_cut(px, solid, lm, others, body=regions["body"]) & ~remove
        parts["cheek"] = float(a[cheek].sum()) / total
        above = from_above(a > 0.1, lm, prior, valid=valid)
        parts["above"] = float(a[above & ~remove].sum()) / total
        remove |= above
        # the other found faces' heads, outside the subject's: a seated one's crown beside his chest; below the chin
        # what is like the subject's own clothes stays (his shirt where her head's ellipse reaches over it)
        heads = other_heads((H, W), lm, others) & (a > 0.02)
        if heads.any() and len(body):  # (and its soft edge beside it)
            clothes = solid & (_along((H, W), chin, down) > 0) & (colour_distance(px, body) < UNLIKE / 2)
            heads &= ~cv2.dilate(clothes.astype(np.uint8), _disk(max(int(round(0.04 * fw)), 2))).astype(bool)
        parts["heads"] = float(a[heads & ~remove].sum()) / total
        remove |= heads
        # a point of another's hair hanging onto the subject's shoulder (in the subject's own dark colours)
        hanging = below_others(solid & ~remove, lm, others, pixels=px, hair=hair) & ~remove
        parts["hanging"] = float(a[hanging].sum()) / total
        remove |= hanging
        # another person's hand and cuff resting on the subject's shoulder, from the frame's border
        found = {}

        def _pose():  # the pose model runs once, and only when a rule below needs it
            if "pose" not in found:
                from candid.engines.studio.people import subject_pose

                found["pose"] = pose if pose is not None else subject_pose(px, lm)
            return found["pose"]

        # (only when the cut-out touches the side or top border below the chin can :func:`on_arms` find anything)
        border = (_at_side_border(solid & ~remove, valid) & (_along((H, W), chin, down) > 0)).any()
        arms = on_arms(px, solid & ~remove, lm, _pose() if border else pose, valid=valid, skin=skin,
                       coverage=soft_arms)
        if soft_arms:  # the cut across his jacket keeps each pixel's share of it: anti-aliased, no 1-px staircase
            ramp = (arms > 0) & (arms < 1) & solid & ~remove
            arms_cov, arms = arms, arms > 0.5
        parts["arms"] = float(a[arms].sum()) / total
        remove |= arms
        # what stands between the people (a banister behind the shoulder), joined to the subject by the person mask
        # (without a sample of the chest's clothes nothing tells them from the background: nothing is decided)
        backdrop = background_pieces(px, a, lm, np.concatenate([skin, body]), pose=_pose, hair=hair,
                                     valid=valid) & ~remove if len(body) else np.zeros((H, W), bool)
        parts["background"] = float(a[backdrop].sum()) / total
        remove |= backdrop
        if ramp is not None:
            ramp &= ~backdrop
            ramp = ramp if ramp.any() else None
    # the faint edge (alpha <= 0.5) that belonged to a removed piece goes with it
    if remove.any() or cheek.any():
        from candid.engines.studio.neighbour import soft_cut

        r = max(int(round(0.04 * fw)), 2)
        grown = cv2.dilate(remove.astype(np.uint8), _disk(r)).astype(bool)
        remove |= grown & ~solid
        if ramp is not None:  # the arms' cut: alpha times the share of each pixel on the subject's side
            out = _fade(remove & ~ramp, a, fw) * np.where(ramp, 1 - arms_cov, 1).astype(np.float32)
        else:
            out = _fade(remove, a, fw) if remove.any() else a.copy()
        if cheek.any():  # a soft edge whose mix comes from the colours on its two sides
            cheek |= cv2.dilate(cheek.astype(np.uint8), _disk(r)).astype(bool) & ~solid
            w = max(0.04 * fw, 1.5)
            # on her side no more than the plain ramp: the colour mix left specks of her skin as pink as his
            mixed = soft_cut(out, cheek, w, px)
            out = np.where(cheek, np.minimum(mixed, soft_cut(out, cheek, w)), mixed)
        # nothing left floating
        from candid.engines.studio.matte import attached_only

        out = attached_only(out, lm)
    else:
        out = a.copy()
    out[out < 0.02] = 0.0
    removed = max(0.0, 1.0 - float(out.sum()) / total)
    # doubt: alpha above the shoulders beyond the head with its hair
    # (alpha beyond the head prior whose colour is unlike the subject's head beside the head, unlike any of the
    # subject's colours lower down: long hair, hands and the subject's own sleeves do not count)
    depth = _along((H, W), chin, down)
    above = depth < DOUBT_DEPTH * head_h
    mass = float(out[above].sum())
    beside = depth < SHOULDERS * head_h
    # the distance to every colour is the nearer of the distances to the head's and to the body's
    far = np.where(beside, head_distance, np.minimum(head_distance, colour_distance(px, body)))
    strange = above & ~prior & (far > UNLIKE)
    if unseen_body and not len(body):  # no sample of the clothes in the frame: below the shoulder line they are
        # the subject's as likely as anything else, so only beside the head is judged
        strange &= beside
    outside = float(out[strange].sum()) / mass if mass > 0 else 0.0
    doubt = None
    if outside > DOUBT:
        doubt = (f"{outside:.0%} of the cut-out above the shoulders lies beyond the head and hair "
                 "(pieces of other people or background that could not be told apart)")
    near = 0.0
    if others:  # much of the cut-out right beside another found face: their hair or top, same colours as the subject's
        # (what the heads rule took counts: the rest of a neighbour's long hair below her head is as doubtful)
        ref = np.maximum(out, np.where(heads, a, 0.0))
        kept = float(ref.sum())
        near = float(ref[beside_others((H, W), lm, others)].sum()) / kept if kept > 0 else 0.0
        if near > OTHER_DOUBT and doubt is None:
            doubt = (f"{near:.0%} of the cut-out lies right beside another person's face "
                     "(their hair or clothes could not be told from the subject's)")
        if doubt is None and touching_above(out, lm, others, pose=_pose):
            doubt = ("another person's face is right above the head (someone standing behind): "
                     "the top of the head could not be told from them")
    return out.astype(np.float32), DebrisReport(removed=round(removed, 4), outside=round(outside, 4), doubt=doubt,
                                                parts={k: round(v, 4) for k, v in parts.items()},
                                                beside_others=round(near, 4))
