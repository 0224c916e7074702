"""A neighbour cut by the photo's border, pressed beside the subject's face: find them by focus and take them out.

A person whose face is cut by the photo's side border is found by no face
detector (MediaPipe and HOG need most of a face), and when they stand cheek to
cheek with the subject the person segmenter joins them to the subject. Their
colours are human too (skin like the subject's, dark hair), so
:mod:`candid.engines.studio.debris`'s colour rules cannot tell them apart, and
in a tight crop they lie inside the subject's head-and-shoulders prior.

What does tell them apart is focus: the photographer focused on the subject,
and a neighbour beside them, a step behind, is out of focus like the
background. On ``real/portraits/tom_cruise_tight.jpg`` the mean |Laplacian|
(grey, 0-255) of the neighbour's cheek is 1.5, the background's 1.6, the
subject's cheek 4.5 and his ear and hair 11-13. The rule:

1. Sharpness relative to the subject (:func:`relative_sharpness`): local mean
   |Laplacian| over the median of the subject's own skin (his face without the
   eyes, brows, nostrils and mouth). Out of focus: below :data:`BLUR`.
2. Seeds (:func:`neighbour_seeds`): cut-out pixels beside the face (at face
   height, beyond the jaw contour: :func:`beside_face`) that are out of focus
   *and* skin-coloured (like the subject's own skin), in a connected piece
   that touches the photo's side border and is large enough to be a face
   (:data:`MIN_AREA`). Hair is never a seed: long hair at the border
   (scarlett, yangmi) is the subject's own, and smooth dark hair is out of
   focus too.
3. The region (:func:`neighbour_region`): a marker-based watershed on the
   photo's colour edges (:func:`candid.engines.studio.people.edge_map`)
   between the seeds and the subject (his face, his sharp hair and ears, his
   body below the chin) inside the cut-out: the cut follows the subject's own
   outline, the strongest edge between them.

Before that, :func:`half_kept_band` finds a wide band of half-kept, blurred
matte beside the head at the photo's border (the neighbour's or the
background's blur against the subject's hair, kept at alpha 0.2-0.5: a grey
ghost on a new backdrop), which needs no cheek in the cut-out; it goes the
same way.

:func:`remove_neighbour` takes the region out with a soft edge and reports
what it took, so the stage can say it in words. When the seeds are there but
the region reaches into the subject's head (it cannot be told apart), it
reports a doubt and the stage keeps the photo's background instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage

from candid.engines.studio.checks import check_image, check_landmarks
from candid.engines.studio.debris import own_skin
from candid.engines.studio.filters import gauss
from candid.engines.studio.frame import head_extent
from candid.engines.studio.matte import _along, _face_hull, _frame_axes

#: Window (Gaussian sigma, face widths) over which the |Laplacian| is averaged.
SHARP_SIGMA = 0.03
#: Relative sharpness below which a pixel is out of focus (neighbour's cheek 0.2, the subject's cheek 0.85).
BLUR = 0.4
#: Scale of the colour regions :func:`region_sharpness` measures focus in (``felzenszwalb``'s parameter: larger
#: regions with larger values; 100 cuts a hair outline from a blurred strip beside it and keeps hair strands together).
REGION_SCALE = 100.0
#: Relative sharpness from which a pixel is the subject's own in-focus hair, ear or skin (a watershed marker).
SHARP = 0.6
#: Colour distance (CIELAB, lightness at half weight) within which a pixel is skin like the subject's.
SKIN = 18.0
#: Smallest seed, in face widths squared (a cheek cut by the border; an earring or a fingertip is smaller).
MIN_AREA = 0.03
#: Beside the face: this far beyond the face's outline (face widths), so the subject's own jaw rim never counts.
MARGIN = 0.03
#: Width of the soft cut, in face widths (at least 2 px: 4 px on a 400 px face).
SOFT = 0.01
#: Width of the alpha ramp across the subject's outline on the cut (face widths, at least 2 px: 3.2 px on a 400 px
#: face; 2 px read as a staircase on slanted stretches of tom_cruise_tight's hair, ``edge_aliasing`` 0.09).
EDGE = 0.008
#: Alpha below which the matte only half keeps a pixel (:func:`half_kept_band`).
HALF = 0.6
#: Half the width (face widths) from which a half-kept band is a haze rather than an outline's soft edge (8 px on a
#: 400 px face: a hair outline's soft edge is 1-6 px wide; the ghost beside tom_cruise_tight's ear 25-30 px).
BAND = 0.02
#: Distance from the photo's side border (face widths) within which such a band is looked for.
NEAR = 0.08
#: Focus (relative to the subject's skin, inside colour regions) below which such a band is a blur, not strands.
HAZE = 1.0
#: Focus (median |Laplacian of Gaussian| inside a skin-coloured piece, over the same on the subject's skin) below
#: which a skin-coloured piece at the border above the seeds is the neighbour's (:func:`border_skin`): the rest of
#: tom_cruise_tight's neighbour's cheek beside his hair reads 0.74 in corporate and 0.95-1.0 in editorial (a
#: smaller crop), his temple 1.15, his ear 1.55.
SKIN_FOCUS = 1.0
#: Smallest such piece, in face widths squared (that cheek strip: 0.006).
SKIN_AREA = 0.002
#: Share of the seeds still in the cut-out after the cut above which the neighbour is in doubt.
KEPT = 0.5
#: Share of the cut-out's alpha mass above which a cut is in doubt (it took much of the subject).
MOST = 0.2


@dataclass(frozen=True)
class NeighbourReport:
    """What :func:`remove_neighbour` took out.

    Attributes
    ----------
    removed : float
        Alpha mass removed, as a fraction of the input's alpha mass.
    pixels : int
        Pixels whose alpha went from above 0.5 to 0.5 or below.
    side : str or None
        ``"left"`` or ``"right"`` (image side), or ``"both"``; None when nothing was found.
    doubt : str or None
        A problem sentence when a neighbour was seen but could not be cut from the subject.
    haze : int
        Pixels of a wide half-kept band beside the head at the photo's border that were taken
        (:func:`half_kept_band`).
    """

    removed: float = 0.0
    pixels: int = 0
    side: str | None = None
    doubt: str | None = None
    haze: int = 0


def sharpness(pixels: np.ndarray, face_width: float, *, sigma: float = SHARP_SIGMA) -> np.ndarray:
    """Local focus: the mean |Laplacian| of the grey image (0-255) over a Gaussian window: ``(H, W)`` float32.

    ``sigma`` is in face widths of ``face_width`` px, so the window covers the same part of a face at any size.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> img = np.repeat(rng.random((64, 64, 1)), 3, 2).astype(np.float32)
    >>> import cv2
    >>> img[:, 32:] = cv2.GaussianBlur(img[:, 32:], (0, 0), 3)   # the right half out of focus
    >>> s = sharpness(img, 100)
    >>> bool(s[32, 10] > 10 * s[32, 54])
    True
    """
    px = check_image(pixels)
    grey = cv2.cvtColor(np.ascontiguousarray(px), cv2.COLOR_RGB2GRAY) * 255.0
    lap = np.abs(cv2.Laplacian(grey, cv2.CV_32F, ksize=1))
    return gauss(lap, max(sigma * float(face_width), 0.7)).astype(np.float32)


def region_sharpness(pixels: np.ndarray, landmarks: np.ndarray, where: np.ndarray | None = None, *,
                     scale: float = REGION_SCALE) -> np.ndarray:
    """Focus inside colour-bounded regions, relative to the subject's own skin: ``(H, W)`` float32.

    The photo (inside the bounding box of ``where``, default everywhere) is
    cut into regions bounded by colour edges (``skimage.segmentation.felzenszwalb``
    with ``scale``, regions of at least 0.01 face widths squared); a region's focus is the mean
    |Laplacian| over its interior pixels (those whose 3x3 neighbourhood is in the
    same region: the outline between two regions is neither's), over the same
    reference as :func:`relative_sharpness`. The windowed measure spills a
    sharp outline's focus over whatever lies beside it; this one does not: a
    strip of blurred hair 5-15 px wide beside the subject's sharp hair reads
    0.2-0.35 here, 1-2 there. NaN outside the box and on regions too thin to
    have an interior.

    Examples
    --------
    >>> import numpy as np, cv2
    >>> from candid.engines.studio.people import toy_landmarks
    >>> rng = np.random.default_rng(0)
    >>> tex = cv2.GaussianBlur(rng.random((120, 160)).astype(np.float32), (0, 0), 1.0)
    >>> img = np.repeat(np.clip(2 * tex - 0.7, 0, 1)[..., None], 3, 2)          # sharp dark texture
    >>> img[:, 150:] = 0.8 + rng.normal(0, 0.01, (120, 10, 1))                  # a light strip, out of focus
    >>> rel = region_sharpness(img.astype(np.float32), toy_landmarks(80, 50, 40))
    >>> bool(rel[60, 155] < 0.4), bool(np.nanmedian(rel[:, :140]) > 0.6)
    (True, True)
    """
    from skimage.segmentation import felzenszwalb

    px = check_image(pixels)
    lm = check_landmarks(landmarks)
    H, W = px.shape[:2]
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    out = np.full((H, W), np.nan, np.float32)
    box = np.ones((H, W), bool) if where is None else np.asarray(where, bool)
    if not box.any():
        return out
    ys, xs = np.nonzero(box)
    pad = max(int(round(SHARP_SIGMA * fw)), 2)
    y0, y1 = max(int(ys.min()) - pad, 0), min(int(ys.max()) + pad + 1, H)
    x0, x1 = max(int(xs.min()) - pad, 0), min(int(xs.max()) + pad + 1, W)
    part = np.ascontiguousarray(px[y0:y1, x0:x1])
    seg = felzenszwalb(part, scale=scale, sigma=0.8, min_size=max(int(round((0.01 * fw) ** 2)), 4))
    interior = ndimage.maximum_filter(seg, 3, mode="nearest") == ndimage.minimum_filter(seg, 3, mode="nearest")
    grey = cv2.cvtColor(part, cv2.COLOR_RGB2GRAY) * 255.0
    lap = np.abs(cv2.Laplacian(grey, cv2.CV_32F, ksize=1))
    idx = np.arange(int(seg.max()) + 1)
    n = ndimage.sum(interior, seg, idx)
    mean = ndimage.sum(lap * interior, seg, idx) / np.maximum(n, 1)
    mean[n < 4] = np.nan
    out[y0:y1, x0:x1] = mean[seg] / _skin_focus(px, lm)
    return out


def _skin_focus(px: np.ndarray, lm: np.ndarray, s: np.ndarray | None = None) -> float:
    """The median of :func:`sharpness` on the subject's own skin: the reference focus."""
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    s = sharpness(px, fw) if s is None else s
    skin = own_skin(px.shape[:2], lm)
    return max(float(np.median(s[skin])) if skin.any() else float(np.median(s)), 1e-3)


def relative_sharpness(pixels: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """:func:`sharpness` over its median on the subject's own skin (:func:`own_skin`): ``(H, W)`` float32.

    About 1 on the subject's skin, several times that on their hair and
    ears, and well below :data:`BLUR` on what is out of focus.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks
    >>> rng = np.random.default_rng(0)
    >>> img = np.repeat(rng.random((120, 160, 1)), 3, 2).astype(np.float32)
    >>> r = relative_sharpness(img, toy_landmarks(80, 50, 40))
    >>> bool(0.8 < np.median(r) < 1.25)   # the same focus everywhere
    True
    """
    px = check_image(pixels)
    lm = check_landmarks(landmarks)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    s = sharpness(px, fw)
    return (s / _skin_focus(px, lm, s)).astype(np.float32)


def beside_face(shape: tuple[int, int], landmarks: np.ndarray, *, margin: float = MARGIN,
                from_crown: bool = False, to_jaw: bool = False) -> np.ndarray:
    """Beside the face: from the brows (or the crown) down to the chin, beyond the face's outline by ``margin``.

    ``(H, W)`` bool: where a neighbour's cheek pressed against the subject's
    lies (and the subject's ears and side hair, which are in focus).
    ``margin`` is in face widths; ``from_crown`` starts the band at the
    estimated crown instead of the brows (a neighbour's forehead and hair);
    ``to_jaw`` ends it above the jaw's corners (landmarks 4 and 12) instead of
    the chin (below them the shoulders' soft edges begin).

    Examples
    --------
    >>> from candid.engines.studio.people import toy_landmarks
    >>> b = beside_face((240, 320), toy_landmarks(80, 80, 50))
    >>> bool(b[100, 120]), bool(b[100, 80]), bool(b[40, 120]), bool(b[200, 120])
    (True, False, False, False)
    """
    lm = check_landmarks(landmarks)
    H, W = shape
    crown, chin, head_h = head_extent(lm)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    across, down = _frame_axes(lm)
    depth = _along((H, W), chin, down)
    top = float((crown - chin) @ down) if from_crown else float(np.min((lm[17:27] - chin) @ down))
    bottom = depth <= 0
    if to_jaw:
        bottom &= depth < float(np.mean((lm[[4, 12]] - chin) @ down))
    r = max(int(round(margin * fw)), 1)
    hull = cv2.dilate(_face_hull((H, W), lm).astype(np.uint8),
                      cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))).astype(bool)
    centre = lm[27:31].mean(0)
    lateral = np.abs(_along((H, W), centre, across))
    return (depth >= top) & bottom & ~hull & (lateral > 0.4 * fw)


def photo_edge(shape: tuple[int, int], valid: np.ndarray | None = None, *, width: int = 2) -> np.ndarray:
    """The photo's own border inside the frame: the frame's edge, or where ``valid`` (photo, not canvas) ends.

    Examples
    --------
    >>> import numpy as np
    >>> v = np.ones((10, 12), bool); v[:, 9:] = False   # the canvas extended at the right
    >>> e = photo_edge((10, 12), v, width=1)
    >>> bool(e[5, 8]), bool(e[5, 0]), bool(e[5, 5]), bool(e[5, 10])
    (True, True, False, False)
    """
    H, W = shape
    v = np.ones((H, W), bool) if valid is None else np.asarray(valid, bool)
    padded = np.pad(v, width, constant_values=False)
    inner = cv2.erode(padded.astype(np.uint8), np.ones((2 * width + 1, 2 * width + 1), np.uint8))
    inner = inner[width:-width, width:-width].astype(bool)
    return v & ~inner


def _side_names(mask: np.ndarray, lm: np.ndarray) -> str | None:
    if not mask.any():
        return None
    across, _ = _frame_axes(lm)
    centre = lm[27:31].mean(0)
    ys, xs = np.nonzero(mask)
    side = (np.stack([xs, ys], 1) - centre) @ across
    right, left = bool((side > 0).any()), bool((side < 0).any())
    return "both" if right and left else ("right" if right else "left")


def neighbour_seeds(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, *,
                    valid: np.ndarray | None = None, sharp: np.ndarray | None = None,
                    skin_colours: np.ndarray | None = None, blur: float = BLUR, skin: float = SKIN,
                    min_area: float = MIN_AREA, seed: int = 0) -> np.ndarray:
    """Out-of-focus, skin-coloured pieces of the cut-out beside the face that touch the photo's side border.

    ``(H, W)`` bool. A piece is a connected part of the cut-out (alpha > 0.5)
    beside the face (:func:`beside_face`) whose relative sharpness is below
    ``blur`` and whose colour is within ``skin`` of the subject's own skin
    colours; it counts when it touches the photo's border (:func:`photo_edge`)
    and covers at least ``min_area`` face widths squared. ``skin_colours``:
    CIELAB colours of the subject's skin (default: k-means of :func:`own_skin`, ``seed``).

    Examples
    --------
    >>> import numpy as np, cv2
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(80, 80, 50)
    >>> rng = np.random.default_rng(0)
    >>> tex = rng.normal(0, 0.06, (240, 150, 1)).astype(np.float32)
    >>> img = np.clip(np.array([0.8, 0.6, 0.5], np.float32) + tex, 0, 1)     # skin, in focus
    >>> img[:, 118:] = cv2.GaussianBlur(img[:, 118:], (0, 0), 4)            # a blurred cheek at the right border
    >>> a = np.zeros((240, 150), np.float32); a[35:, 40:] = 1
    >>> s = neighbour_seeds(img, a, lm)
    >>> bool(s[100, 140]), bool(s[100, 80])
    (True, False)
    """
    px = check_image(pixels)
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    H, W = a.shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    r = relative_sharpness(px, lm) if sharp is None else sharp
    blurred = (a > 0.5) & beside_face((H, W), lm) & (r < blur)
    if blurred.sum() < min_area * fw * fw:  # not even that much out-of-focus cut-out beside the face (most photos)
        return np.zeros((H, W), bool)
    from candid.engines.studio.debris import colour_distance, subject_colours

    if skin_colours is None:
        skin_colours = subject_colours(px, own_skin((H, W), lm) & (a >= 0.98), seed=seed)
    ys, xs = np.nonzero(blurred)  # the colour distance only where it can matter
    y0, y1 = max(int(ys.min()) - 4, 0), min(int(ys.max()) + 5, H)
    x0, x1 = max(int(xs.min()) - 4, 0), min(int(xs.max()) + 5, W)
    if y1 - y0 < 8 or x1 - x0 < 8:
        y0, y1, x0, x1 = 0, H, 0, W
    like = np.zeros((H, W), bool)
    like[y0:y1, x0:x1] = colour_distance(px[y0:y1, x0:x1], skin_colours) < skin
    candidate = blurred & like
    labels, n = ndimage.label(candidate, structure=np.ones((3, 3)))
    if n == 0:
        return np.zeros((H, W), bool)
    idx = np.arange(1, n + 1)
    area = ndimage.sum(np.ones((H, W)), labels, idx)
    touches = ndimage.maximum(photo_edge((H, W), valid), labels, idx) > 0
    keep = idx[(area >= min_area * fw * fw) & touches]
    return np.isin(labels, keep)


def border_skin(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, seeds: np.ndarray, *,
                valid: np.ndarray | None = None, skin_colours: np.ndarray | None = None, skin: float = SKIN,
                focus: float = SKIN_FOCUS, min_area: float = SKIN_AREA, seed: int = 0) -> np.ndarray:
    """Skin-coloured pieces of the cut-out at the photo's border beside the head, on the seeds' side, not in focus.

    ``(H, W)`` bool. The neighbour's cheek found by :func:`neighbour_seeds`
    can go on up the photo's border beside the subject's hair, cut from the
    seeds by a lock of it (tom_cruise_tight: a beige strip 10-17 px wide
    beside his hair above his ear). There it is too thin for the windowed
    focus (the subject's sharp hair spills over it) and colour regions mix it
    with his strands. A piece here: a connected part of the cut-out (alpha >
    0.5) beside the head from the crown down to the jaw's corners
    (:func:`beside_face`) within ``skin`` of the subject's skin colours,
    touching the photo's border (:func:`photo_edge`) on the same side of the
    face as ``seeds``, of at least ``min_area`` face widths squared, whose
    focus measured inside itself (the median |Laplacian of Gaussian| over
    its core, 0.0075 face widths (at least 2 px) in from its outline, over the same on the
    subject's skin) is below ``focus``: the subject's own ear or temple at
    the border is in focus. The pieces are opened by that margin, so the
    subject's thin light strands joined to them stay out. Empty without seeds.

    Examples
    --------
    >>> import numpy as np, cv2
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(150, 200, 200)                          # a face 200 px wide
    >>> rng = np.random.default_rng(0)
    >>> img = np.clip(np.array([0.8, 0.6, 0.5], np.float32) + rng.normal(0, 0.05, (420, 320, 1)), 0, 1)
    >>> img = img.astype(np.float32)
    >>> img[60:200, 260:290] = (0.25, 0.15, 0.1)                   # his dark hair beside the temple
    >>> img[60:200, 290:] = cv2.GaussianBlur(img[60:200, 290:], (0, 0), 3)   # her blurred cheek at the border
    >>> a = np.ones((420, 320), np.float32)
    >>> seeds = np.zeros((420, 320), bool); seeds[230:300, 300:] = True
    >>> b = border_skin(img, a, lm, seeds)
    >>> bool(b[120, 310]), bool(b[120, 275]), bool(b[120, 150])
    (True, False, False)
    >>> bool(border_skin(img, a, lm, np.zeros_like(seeds)).any())   # no neighbour found: nothing
    False
    """
    px = check_image(pixels)
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    H, W = a.shape
    none = np.zeros((H, W), bool)
    seeds = np.asarray(seeds, bool)
    if not seeds.any():
        return none
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    across, _ = _frame_axes(lm)
    where = (a > 0.5) & beside_face((H, W), lm, from_crown=True, to_jaw=True)
    lateral = _along((H, W), lm[27:31].mean(0), across)
    where &= np.sign(lateral) == np.sign(float(np.mean(lateral[seeds])))
    if where.sum() < min_area * fw * fw:
        return none
    from candid.engines.studio.debris import colour_distance, subject_colours

    if skin_colours is None:
        skin_colours = subject_colours(px, own_skin((H, W), lm) & (a >= 0.98), seed=seed)
    ys, xs = np.nonzero(where)
    y0, y1, x0, x1 = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
    like = np.zeros((H, W), bool)
    like[y0:y1, x0:x1] = where[y0:y1, x0:x1] & (colour_distance(px[y0:y1, x0:x1], skin_colours) < skin)
    labels, n = ndimage.label(like, structure=np.ones((3, 3)))
    if n == 0:
        return none
    idx = np.arange(1, n + 1)
    area = ndimage.sum(like, labels, idx)
    touches = ndimage.maximum(photo_edge((H, W), valid), labels, idx) > 0
    cand = idx[(area >= min_area * fw * fw) & touches]
    if cand.size == 0:
        return none
    grey = cv2.cvtColor(np.ascontiguousarray(px), cv2.COLOR_RGB2GRAY) * 255.0
    log = np.abs(cv2.Laplacian(gauss(grey, max(0.0025 * fw, 0.7)), cv2.CV_32F, ksize=1))
    k = max(int(round(0.0075 * fw)), 2)
    core = cv2.erode(like.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1,) * 2))
    core = core.astype(bool)
    own = own_skin((H, W), lm)
    ref = max(float(np.median(log[own])) if own.any() else float(np.median(log)), 1e-3)
    blurred = [i for i in cand if (core & (labels == i)).any()
               and float(np.median(log[core & (labels == i)])) / ref < focus]
    # opened (the core grown back): the subject's light strands joined to a piece, thinner than the core's
    # margin, are not taken with it
    opened = cv2.dilate((core & np.isin(labels, blurred)).astype(np.uint8),
                        cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1,) * 2)).astype(bool)
    return opened & np.isin(labels, blurred)


def neighbour_region(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, seeds: np.ndarray, *,
                     sharp: np.ndarray | None = None, sharp_keep: float = SHARP,
                     valid: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
    """The part of the cut-out that belongs with ``seeds`` rather than with the subject: ``(H, W)`` bool.

    A marker-based watershed (``skimage.segmentation.watershed``) on the
    colour edges (:func:`candid.engines.studio.people.edge_map`, not
    clipped) inside the cut-out (alpha > 0.5). The subject's markers: the face hull, the cut-out below the chin
    (the body), and the subject's in-focus parts (relative sharpness at least
    ``sharp_keep``, eroded by two sharpness windows from anything out of focus
    and from the photo's border or ``valid``'s edge, so the glow of a sharp
    outline does not spill over the edge). The neighbour's: the seeds, the
    out-of-focus cut-out beside the face joined to them, and within two
    windows of the photo's border the colour regions that are not in focus
    (:func:`region_sharpness` below ``sharp_keep``) joined to those, and the
    skin-coloured pieces at the border above them (:func:`border_skin`; ``seed``
    seeds its skin-colour clustering).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(80, 80, 50)
    >>> img = np.full((240, 150, 3), 0.7, np.float32); img[:, 120:] = (0.8, 0.6, 0.5)
    >>> a = np.zeros((240, 150), np.float32); a[35:, 40:] = 1
    >>> seeds = np.zeros((240, 150), bool); seeds[90:110, 140:] = True
    >>> sharp = np.ones((240, 150), np.float32); sharp[:, 120:] = 0.1   # the neighbour is out of focus
    >>> r = neighbour_region(img, a, lm, seeds, sharp=sharp)
    >>> bool(r[60, 130]), bool(r[100, 115]), bool(r[100, 80])
    (True, False, False)
    """
    from skimage.segmentation import watershed

    from candid.engines.studio.people import edge_map

    px = check_image(pixels)
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    H, W = a.shape
    seeds = np.asarray(seeds, bool)
    if not seeds.any():
        return np.zeros((H, W), bool)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    crown, chin, head_h = head_extent(lm)
    _, down = _frame_axes(lm)
    solid = a > 0.5
    r = relative_sharpness(px, lm) if sharp is None else sharp
    e = max(int(round(2 * SHARP_SIGMA * fw)), 1)
    photo = np.ones((H, W), bool) if valid is None else np.asarray(valid, bool)
    in_focus = cv2.erode(((r >= sharp_keep) & photo).astype(np.uint8), np.ones((2 * e + 1, 2 * e + 1), np.uint8),
                         borderType=cv2.BORDER_CONSTANT, borderValue=0).astype(bool)
    depth = _along((H, W), chin, down)
    subject = solid & (_face_hull((H, W), lm) | in_focus | (depth > 0))
    # the out-of-focus part of the cut-out beside the face that holds a seed is the neighbour's down to the jaw's
    # corners (their cheek and the blurred background between them); lower, where the subject's shoulders begin,
    # the strongest edge decides
    jaw = float(np.mean((lm[[4, 12]] - chin) @ down))
    near = solid & beside_face((H, W), lm) & (r < BLUR)
    labels, _ = ndimage.label(near, structure=np.ones((3, 3)))
    hit = np.unique(labels[seeds & (labels > 0)])
    theirs = (np.isin(labels, hit[hit > 0]) & (depth < jaw)) | seeds
    # within two windows of the photo's border the window reaches past it (mirrored) and over the subject's sharp
    # outline, so there the subject's in-focus marker ends and the neighbour's pieces are found by the focus inside
    # colour regions, which does not spill: the strip of the neighbour's blurred hair and background beside the
    # subject's hair above the ear (tom_cruise_tight), joined to the pieces found below
    zone = solid & photo_edge((H, W), photo, width=e) & beside_face((H, W), lm, from_crown=True) & ~subject
    if zone.any():
        # (below ``sharp_keep``, not in focus as the subject is: her blurred dark hair reads 0.5-0.55 there, his
        # hair 1-4.5; only pieces joined to the neighbour's are taken)
        pieces = solid & (region_sharpness(px, lm, zone) < sharp_keep) & ~subject & (depth < jaw)
        joined, _ = ndimage.label(pieces | theirs, structure=np.ones((3, 3)))
        hit = np.unique(joined[theirs & (joined > 0)])
        theirs |= pieces & np.isin(joined, hit[hit > 0])
    # and the rest of their cheek at the border above the seeds, cut from them by a lock of the subject's hair
    theirs |= border_skin(px, a, lm, seeds, valid=valid, seed=seed) & ~subject
    markers = np.zeros((H, W), np.int32)
    markers[subject] = 1
    markers[theirs & solid & ~subject] = 2
    labels = watershed(edge_map(px, sigma=max(0.004 * fw, 1.0), clip=False), markers, mask=solid)
    return labels == 2


def half_kept_band(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, *, valid: np.ndarray | None = None,
                   low: float = HALF, band: float = BAND, near: float = NEAR, focus: float = HAZE) -> np.ndarray:
    """A wide, blurred band of half-kept matte beside the head at the photo's side border: ``(H, W)`` bool.

    A hair outline's soft edge (alpha between 0.02 and ``low``) is a few
    pixels wide. Beside the head near the photo's border, where a neighbour's
    or the background's blur lies against the subject's hair, matting can
    instead keep a band of it at alpha 0.2-0.5, tens of pixels wide and
    ending in a hard drop: on a new backdrop it reads as a grey ghost
    (tom_cruise_tight linkedin and environmental, above the ear on the
    neighbour's side, where her cheek is not in the cut-out, so
    :func:`neighbour_seeds` finds nothing). The band:

    - the wide parts of the soft region beside the head (:func:`beside_face`
      from the crown, down to the jaw's corners), those a disk of radius ``band`` face widths fits in (a
      morphological opening), in pieces of at least that disk's area that come
      within ``near`` face widths of the photo's side border
      (:func:`photo_edge`, or ``valid``'s edge);
    - with the soft pixels within two radii of them (the band's fade and
      ragged rim);
    - in pieces whose median focus inside colour regions
      (:func:`region_sharpness`) is below ``focus``: a blur, not the
      subject's own flying strands, which are sharper than their skin
      (scarlett_1's wisps at the border read 1.8-10, the ghost beside tom's
      ear 0.7).

    Pixels at ``low`` or above (the subject's own hair, crisp or not) are never in it.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(150, 150, 200)                    # a face 200 px wide
    >>> a = np.zeros((420, 320), np.float32); a[90:, 60:262] = 1
    >>> a[130:220, 262:] = 0.3                              # a 58 px half-kept band running to the border
    >>> img = np.full((420, 320, 3), 0.4, np.float32)       # no texture anywhere: all a blur
    >>> b = half_kept_band(img, a, lm)
    >>> bool(b[170, 270]), bool(b[170, 315]), bool(b[170, 250]), int(b[300:].sum())
    (True, True, False, 0)
    >>> a[130:220, 266:] = 0                                # a 4 px soft edge is an outline's
    >>> int(half_kept_band(img, a, lm).sum())
    0
    """
    px = check_image(pixels)
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    H, W = a.shape
    none = np.zeros((H, W), bool)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    # beside the head from the crown down to the jaw's corners (below them the shoulders' soft edges begin)
    soft = (a > 0.02) & (a < low) & beside_face((H, W), lm, from_crown=True, to_jaw=True)
    r = max(int(round(band * fw)), 1)
    if soft.sum() < (2 * r) ** 2:
        return none
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2)
    wide = cv2.morphologyEx(soft.astype(np.uint8), cv2.MORPH_OPEN, disk, borderType=cv2.BORDER_CONSTANT,
                            borderValue=0).astype(bool) & soft
    if not wide.any():
        return none
    photo = np.ones((H, W), bool) if valid is None else np.asarray(valid, bool)
    border = cv2.distanceTransform((~photo_edge((H, W), photo, width=1)).astype(np.uint8), cv2.DIST_L2, 5)
    labels, n = ndimage.label(wide, structure=np.ones((3, 3)))
    idx = np.arange(1, n + 1)
    area = ndimage.sum(wide, labels, idx)
    close = ndimage.minimum(border, labels, idx) <= near * fw
    core = np.isin(labels, idx[(area >= np.pi * r * r) & close])
    if not core.any():
        return none
    # with the band's own thinner edges around it (its fade and its ragged rim), not the outline's soft edge beyond
    grown = cv2.dilate(core.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (4 * r + 1,) * 2))
    out = grown.astype(bool) & soft
    rel = region_sharpness(px, lm, out)
    labels, n = ndimage.label(out, structure=np.ones((3, 3)))
    blurred = [i for i in range(1, n + 1)
               if np.isfinite(rel[labels == i]).any() and float(np.nanmedian(rel[labels == i])) < focus]
    return np.isin(labels, blurred)


def soft_cut(alpha: np.ndarray, remove: np.ndarray, width: float, pixels: np.ndarray | None = None, *,
             edge: float = 2.0) -> np.ndarray:
    """``alpha`` with ``remove`` taken out and a soft edge across the cut, ``width`` px wide.

    Without ``pixels`` alpha ramps linearly across the cut (half on each
    side). With them, inside that band the outline is found from the colours
    on the cut's two sides (a two-colour model: the pixel's position between
    the kept side's local colour and the removed side's, smoothed over about
    a pixel) and alpha is a ramp ``edge`` px wide across the line where that
    position is one half, placed to sub-pixel precision: the cut sits on the
    subject's own outline, its mixed pixels are not called opaque (a dark
    rim) nor its opaque pixels mixed (a light rim once the foreground colour
    is estimated), and grain does not speckle it (dark dots); where the two
    sides are alike the plain ramp stays.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.ones((8, 12), np.float32); rm = np.zeros((8, 12), bool); rm[:, 6:] = True
    >>> [round(float(v), 2) for v in soft_cut(a, rm, 4.0)[4]]
    [1.0, 1.0, 1.0, 1.0, 0.88, 0.62, 0.38, 0.12, 0.0, 0.0, 0.0, 0.0]
    >>> img = np.zeros((8, 12, 3), np.float32); img[:, :5] = 0.9; img[:, 5] = 0.45   # the edge is at pixel 5
    >>> [round(float(v), 2) for v in soft_cut(a, rm, 4.0, img)[4]]
    [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    """
    from candid.engines.studio.filters import normalized_blur

    rm = np.asarray(remove, bool)
    a = np.asarray(alpha, np.float32)
    if not rm.any():
        return a.copy()
    w = max(float(width), 1e-3)
    inside = cv2.distanceTransform(rm.astype(np.uint8), cv2.DIST_L2, 5)  # into the removed part
    outside = cv2.distanceTransform((~rm).astype(np.uint8), cv2.DIST_L2, 5)  # into the kept part
    signed = np.where(rm, 0.5 - inside, outside - 0.5)  # 0 on the cut, between pixel centres
    cut = np.clip(0.5 + signed / w, 0, 1)
    if pixels is not None:
        px = check_image(pixels)
        band = np.abs(signed) <= w
        kept, gone = (signed > w / 2).astype(np.float32), (signed < -w / 2).astype(np.float32)
        if kept.any() and gone.any():
            f = normalized_blur(px, kept, w)
            b = normalized_blur(px, gone, w)
            fb = f - b
            norm = (fb * fb).sum(-1)
            t = np.clip(((px - b) * fb).sum(-1) / np.maximum(norm, 1e-6), 0, 1)
            alike = np.clip((np.sqrt(norm) - 0.05) / 0.1, 0, 1)  # sRGB distance of the two sides: 0.05 alike, 0.15 not
            # the outline is where that position, smoothed over a pixel or so, crosses one half, and alpha is a
            # short ramp (``edge`` px) across it. Per pixel the position follows JPEG noise and single strands: a
            # speckled edge, whose part-transparent dark pixels the foreground estimate made darker still (dark
            # dots along tom_cruise_tight's hair rim). The distance to that line is taken to sub-pixel precision,
            # (g - 1/2) / |grad g|, so the edge has no stairs.
            g = gauss(np.where(band, alike * t + (1 - alike) * cut, cut), max(w / 4, 0.7))
            gy, gx = np.gradient(g)
            dist = (g - 0.5) / np.maximum(np.hypot(gx, gy), 0.02)
            ramp = np.clip(0.5 + dist / max(edge, 1e-3), 0, 1)
            cut = np.where(band, alike * ramp + (1 - alike) * cut, cut)
    return (a * cut).astype(np.float32)


def remove_neighbour(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, *,
                     valid: np.ndarray | None = None, seed: int = 0) -> tuple[np.ndarray, NeighbourReport]:
    """Take an out-of-focus neighbour at the photo's border out of the subject's matte.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1] (the crop that was matted); not modified.
    alpha : ndarray
        ``(H, W)`` matte of the subject; not modified.
    landmarks : ndarray
        ``(68, 2)`` subject landmarks in the same pixels.
    valid : ndarray, optional
        ``(H, W)`` bool, False where the canvas was extended (not photo).
    seed : int
        Seed of the skin-colour clustering.

    Returns
    -------
    alpha : ndarray
        ``(H, W)`` float32: the neighbour at 0, the cut softened over a pixel or two.
    report : NeighbourReport

    Examples
    --------
    >>> import numpy as np, cv2
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(80, 80, 50)
    >>> rng = np.random.default_rng(0)
    >>> tex = rng.normal(0, 0.06, (240, 150, 1)).astype(np.float32)
    >>> img = np.clip(np.array([0.8, 0.6, 0.5], np.float32) + tex, 0, 1)
    >>> img[:, 118:] = cv2.GaussianBlur(img[:, 118:], (0, 0), 4)
    >>> a = np.zeros((240, 150), np.float32); a[35:, 40:] = 1
    >>> b, rep = remove_neighbour(img, a, lm)
    >>> float(b[100, 140]), float(b[100, 80]), rep.side
    (0.0, 1.0, 'right')
    """
    px = check_image(pixels)
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    if a.shape != px.shape[:2]:
        raise ValueError(f"alpha {a.shape} does not match the image {px.shape[:2]}")
    H, W = a.shape
    total = float(a.sum())
    if total <= 0:
        return a.copy(), NeighbourReport()
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    # a wide half-kept band at the border beside the head goes first, with or without a neighbour's cheek
    haze = half_kept_band(px, a, lm, valid=valid)
    if haze.any():
        from candid.engines.studio.matte import attached_only

        w = max(SOFT * fw, 2.0)
        # the matte's zeros around the band go with it, so the cut has no edge (a faint rim of specks) there
        g = max(int(np.ceil(2 * w)), 1)
        near = cv2.dilate(haze.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * g + 1,) * 2))
        near = near.astype(bool)
        a = attached_only(soft_cut(a, haze | (near & (a <= 0.02)), w, px, edge=max(EDGE * fw, 2.0)), lm)
        a[a < 0.02] = 0.0
        # and the faint specks the cut leaves there apart from the subject (a dark dot each on the backdrop)
        specks, _ = ndimage.label(a > 0, structure=np.ones((3, 3)))
        held = np.unique(specks[a > 0.5])
        a[near & (specks > 0) & ~np.isin(specks, held)] = 0.0
    r = relative_sharpness(px, lm)
    seeds = neighbour_seeds(px, a, lm, valid=valid, sharp=r, seed=seed)
    if not seeds.any():
        if not haze.any():
            return a.copy(), NeighbourReport()
        removed = max(0.0, 1.0 - float(a.sum()) / total)
        return a, NeighbourReport(removed=round(removed, 4), side=_side_names(haze, lm), haze=int(haze.sum()))
    region = neighbour_region(px, a, lm, seeds, sharp=r, valid=valid, seed=seed)
    solid = a > 0.5
    # a smooth cut (the watershed line is jagged); soft_cut then finds the outline's own profile across it. The
    # neighbour goes on beyond the photo's border (replicated there), so a sliver of them along it stays theirs
    region = cv2.GaussianBlur(region.astype(np.float32), (0, 0), max(SOFT * fw, 1.0),
                              borderType=cv2.BORDER_REPLICATE) > 0.5
    region &= solid & ~_face_hull((H, W), lm, shrink=0.04 * fw)
    # the faint edge (alpha <= 0.5) beside the region goes with it
    g = max(int(round(0.04 * fw)), 2)
    grown = cv2.dilate(region.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * g + 1,) * 2))
    remove = region | (grown.astype(bool) & ~solid)
    out = soft_cut(a, remove, max(SOFT * fw, 2.0), px, edge=max(EDGE * fw, 2.0))
    from candid.engines.studio.matte import attached_only

    out = attached_only(out, lm)
    out[out < 0.02] = 0.0
    removed = max(0.0, 1.0 - float(out.sum()) / total)
    pixels_out = int((solid & (out <= 0.5)).sum())
    side = _side_names(seeds, lm)
    doubt = None
    left = float((out[seeds] > 0.5).mean())
    if left > KEPT or removed > MOST:
        # the neighbour's cheek is still there (the subject's markers held it), or the cut took much of the subject
        doubt = (f"an out-of-focus person beside the face at the {side} edge of the photo could not be cut from "
                 "the subject")
    return out.astype(np.float32), NeighbourReport(removed=round(removed, 4), pixels=pixels_out, side=side,
                                                   doubt=doubt, haze=int(haze.sum()))
