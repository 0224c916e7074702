"""Face-aware framing: straighten by the eye line, crop by composition rules.

Sizes come from the face (head height from chin to an estimated crown), never
from fixed pixel counts, so the same style frames a 0.5 MP and a 40 MP photo alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import cv2
import numpy as np

from candid.engines.studio.styles import STYLES, Style
from candid.face.geometry import eye_centers
from candid.face.masks import forehead_top

#: Named aspect ratios (width, height).
ASPECTS: dict[str, tuple[float, float]] = {
    "1:1": (1, 1), "4:5": (4, 5), "2:3": (2, 3), "3:2": (3, 2), "16:9": (16, 9), "5:4": (5, 4),
    "35:45": (35, 45), "passport": (35, 45), "2x2in": (1, 1),
}


def parse_aspect(aspect: str | tuple[float, float]) -> tuple[float, float]:
    """Parse ``"4:5"``, ``"passport"`` or ``(4, 5)`` into ``(w, h)``.

    Examples
    --------
    >>> parse_aspect("4:5"), parse_aspect("16:9")
    ((4.0, 5.0), (16.0, 9.0))
    """
    if isinstance(aspect, str):
        if aspect in ASPECTS:
            w, h = ASPECTS[aspect]
            return float(w), float(h)
        try:
            w, h = (float(v) for v in aspect.split(":"))
        except ValueError:
            raise ValueError(f"aspect must look like '4:5', got {aspect!r}") from None
    else:
        w, h = (float(v) for v in aspect)
    if not (w > 0 and h > 0 and 0.2 <= w / h <= 5):
        raise ValueError(f"aspect {aspect!r} is not a sensible width:height")
    return w, h


@dataclass(frozen=True)
class Framing:
    """Where to cut the frame out of a photo.

    Attributes
    ----------
    matrix : ndarray
        ``(2, 3)`` affine map from source pixels to output pixels.
    size : tuple of int
        Output ``(width, height)``.
    angle : float
        Roll correction applied, degrees (counter-clockwise positive).
    scale_note : str or None
        Set when the photo was too tight for the style's framing.
    closer : float
        How much closer than the style's framing (1.0: as the style says).
    extended : tuple of str
        Sides (``"top"``, ``"left"``, ``"right"``) where the frame reaches
        beyond the photo and the canvas is extended with background.
    extended_fraction : float
        Largest share of the frame's width or height that lies beyond the photo.
    tilt_kept : float
        Head roll (degrees) left as shot because straightening was limited.
    edge_cut : bool
        The canvas had to be extended where the person touches the photo's
        side (a photo far narrower than the frame): they end at that edge.
    head_share : float or None
        A style with a rule for the head's size (passport): chin to crown as
        a share of the frame's height (the crown: :func:`frame` says which).
    hair_cut : str or None
        ``"photo"``: the hair runs into the photo's top there, so the
        headshot shows it cut; ``"frame"``: the frame had to leave the hair's
        top out (no frame kept it and the face). None: the hair is whole, or
        no person mask was given.
    eye_height : float or None
        A style with a rule for the eye line (passport): the eye line's
        height from the frame's top, as a share of the frame's height.
    photo_limits : tuple of str
        A style with a rule for the head (passport): what in the photo bounds
        the frame, so that a rule it misses is the photo's doing: ``"top"``
        (the photo cuts the head at its top: no canvas above a cut head) and
        ``"bottom"`` (the frame ends on the photo's last row: the photo has no
        more neck or shoulders below the chin).
    look_room : float
        Look room given to a strongly turned face beyond the style's own (:func:`yaw_look_room`), as a share of
        the frame's width; 0 when none.
    head_cut : tuple of str
        Sides (``"left"``, ``"right"``) where the frame cuts the head's ears or hair inside the photo (no frame
        within :data:`HEAD_KEEP_COST` kept them: the photo is too tight). The back of a head turned for look room is
        not counted.
    """

    matrix: np.ndarray = field(repr=False)
    size: tuple[int, int]
    angle: float
    scale_note: str | None = None
    closer: float = 1.0
    extended: tuple[str, ...] = ()
    extended_fraction: float = 0.0
    tilt_kept: float = 0.0
    edge_cut: bool = False
    head_share: float | None = None
    hair_cut: str | None = None
    eye_height: float | None = None
    photo_limits: tuple[str, ...] = ()
    look_room: float = 0.0
    head_cut: tuple[str, ...] = ()
    # coverage per photo shape, made once: the stage asks for it five times per headshot (mend, continue,
    # mirror, fade, valid), each a warp at output size; not an init field, so ``replace`` starts it empty
    _coverage: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def coverage(self, source_shape: tuple[int, ...]) -> np.ndarray:
        """``(h, w)`` float32 in [0, 1]: the share of each output pixel that lies inside the photo.

        A ones image warped with bilinear interpolation: exact for a shift (the
        photo covers source pixels -0.5 .. W - 0.5) and anti-aliased along a
        rotated edge, so a body ending at the photo's edge has no staircase.
        Made once per photo shape and returned read-only (the same array each time).

        Examples
        --------
        >>> import numpy as np
        >>> f = Framing(np.array([[1.0, 0, 2], [0, 1, 0]]), (6, 2), 0.0, extended=("left",))
        >>> cov = f.coverage((2, 4))
        >>> cov[0].tolist(), f.coverage((2, 4)) is cov, cov.flags.writeable
        ([0.0, 0.0, 1.0, 1.0, 1.0, 1.0], True, False)
        """
        key = tuple(int(v) for v in source_shape[:2])
        cov = self._coverage.get(key)
        if cov is None:
            w, h = self.size
            ones = np.ones(key, np.float32)
            cov = cv2.warpAffine(ones, np.asarray(self.matrix, np.float64), (w, h), flags=cv2.INTER_LINEAR,
                                 borderMode=cv2.BORDER_CONSTANT, borderValue=0)
            cov.flags.writeable = False
            self._coverage[key] = cov
        return cov

    def valid_mask(self, source_shape: tuple[int, ...]) -> np.ndarray:
        """``(h, w)`` bool: output pixels at least half inside the photo (False on an extended canvas).

        The one threshold of :meth:`coverage` every user of ``valid`` shares;
        :func:`fade_at_photo_edge` multiplies alpha by the coverage itself.
        """
        return self.coverage(source_shape) >= 0.5

    def map_points(self, points: np.ndarray) -> np.ndarray:
        """Map ``(N, 2)`` source points into the output frame."""
        pts = np.asarray(points, np.float64)
        return (pts @ self.matrix[:, :2].T + self.matrix[:, 2]).astype(np.float32)


def head_extent(landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Estimated crown, chin and head height (crown to chin) in pixels.

    The crown sits 0.3 of the hairline-to-chin length above the hairline
    (a typical adult head; hair volume is not counted).
    """
    lm = np.asarray(landmarks, np.float64)
    chin = lm[8]
    hair = forehead_top(lm).mean(axis=0)
    crown = hair + 0.3 * (hair - chin)
    return crown, chin, float(np.linalg.norm(chin - crown))


def roll_angle(landmarks: np.ndarray) -> float:
    """Head roll from the eye line, degrees (positive: image-left eye lower... i.e. counter-clockwise tilt)."""
    right, left = eye_centers(landmarks)
    d = left - right
    return float(math.degrees(math.atan2(d[1], d[0])))


def _inside(corners: np.ndarray, w: int, h: int) -> bool:
    return bool(np.all(corners >= -0.5) and np.all(corners[:, 0] <= w + 0.5) and np.all(corners[:, 1] <= h + 0.5))


def parse_straighten(value: bool | str | float | None) -> tuple[str, float]:
    """``"auto"``, ``"off"``, a number of degrees (or True/False) -> ``(mode, limit)``.

    Examples
    --------
    >>> parse_straighten("auto"), parse_straighten("off"), parse_straighten("7.5"), parse_straighten(False)
    (('auto', 5.0), ('off', 0.0), ('max', 7.5), ('off', 0.0))
    """
    if value is None or value is True or value == "auto":
        return "auto", AUTO_STRAIGHTEN
    if value is False or value == "off":
        return "off", 0.0
    try:
        deg = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"straighten must be auto, off or a number of degrees, got {value!r}") from None
    if not 0 <= deg <= 45:
        raise ValueError(f"straighten must be between 0 and 45 degrees, got {deg}")
    return ("off", 0.0) if deg == 0 else ("max", deg)


#: Share of the frame beyond the photo that is cheap; more costs BIG_EXTEND_COST per frame fraction (a head low in a sea of backdrop looks pasted).
SMALL_EXTEND = 0.15

#: Largest roll (degrees) ``--straighten auto`` levels; a bigger tilt is taken as a pose and kept.
AUTO_STRAIGHTEN = 5.0

#: How far (IOD units) a landmark may lie past the photo's border and the face still count as
#: whole: the studio frames such a face and refuses one cut deeper (batch --check and the
#: scorecard's "cut" group use the same line).
WHOLE_FACE_MARGIN = 0.05


def face_inside(landmarks: np.ndarray, shape: tuple[int, ...], margin: float = 0.0) -> bool:
    """True when every landmark lies inside the photo (``margin`` in IOD units).

    Examples
    --------
    >>> import numpy as np
    >>> lm = np.tile([[50.0, 50.0]], (68, 1)); lm[36:42] = [40, 50]; lm[42:48] = [60, 50]
    >>> face_inside(lm, (100, 100)), face_inside(lm + [55, 0], (100, 100))
    (True, False)
    """
    lm = np.asarray(landmarks, np.float64)
    H, W = shape[:2]
    right, left = eye_centers(lm)
    m = margin * float(np.linalg.norm(left - right))
    return bool(lm[:, 0].min() >= -m and lm[:, 1].min() >= -m and lm[:, 0].max() <= W - 1 + m
                and lm[:, 1].max() <= H - 1 + m)


#: Framing costs (:func:`frame` takes the cheapest candidate): the face off the style's place (per
#: frame fraction and per its square), each 1x closer than the style, each frame fraction of extended canvas (top;
#: sides), the extension beyond :data:`SMALL_EXTEND`, and a side extended where the person touches the
#: photo's border (they end there: a fixed price plus its share; hair flattened at the top costs more, and
#: a head cut flat on the canvas, where the person touches the border beside the head, most).
SHIFT_COST, SHIFT_COST_SQ, CLOSER_COST, TOP_COST, SIDE_COST, BIG_EXTEND_COST = 4.0, 20.0, 0.8, 0.5, 1.0, 8.0
CUT_COST, TOP_CUT_COST, HEAD_CUT_COST = 0.25, 0.6, 0.5


#: How far (head heights) above the landmark crown :func:`hair_top` believes the person mask: hair volume, not
#: someone standing behind; and the air kept above the hair's top (head heights, at most what the photo has).
HAIR_ABOVE_CROWN, HAIR_AIR = 0.45, 0.03


def hair_top(person: np.ndarray | None, landmarks: np.ndarray, shape: tuple[int, ...], *,
             runs: list[int] | None = None, pixels: np.ndarray | None = None) -> tuple[float, float] | None:
    """Row (photo pixels) of the top of the head's hair, from the person mask, and the air to keep above it.

    Over the head's whole width, each column's run of person (probability > 0.5) upwards from the hairline
    (:func:`_hair_runs`: at the photo's resolution, guided by ``pixels`` when given); the tenth percentile of the
    runs' tops (the crown's highest part, not one strand), no higher than :data:`HAIR_ABOVE_CROWN` head heights
    above the landmark crown (:func:`head_extent`). None when the hair runs into the photo's top (the photo cuts
    it: a frame there is a crop of it; a canvas above it would show it cut flat), when the mask above the head is
    someone behind it (the hair's top cannot be read), or no mask is given. ``runs``: the runs' tops already
    measured (:func:`_hair_runs`), so a caller that also asks :func:`_hair_cut_by_photo` walks the columns once.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> person = np.zeros((512, 512), np.float32); person[30:, 150:350] = 1.0   # hair up to row 30
    >>> row, air = hair_top(person, lm, (512, 512))
    >>> round(row), air > 0
    (30, True)
    >>> person[:30] = 1.0                                                       # up to the photo's top
    >>> hair_top(person, lm, (512, 512)) is None
    True
    """
    tops = _hair_runs(person, landmarks, shape, pixels) if runs is None else runs
    if len(tops) < 3 or min(tops) < 1.5:  # hair runs into the photo's top somewhere over the head: cut by it
        return None
    lm = np.asarray(landmarks, np.float64)
    crown, _, head_h = head_extent(lm)
    top = float(np.percentile(tops, 10))  # the crown's highest part (a tenth: not one stray strand)
    top = max(top, float(crown[1]) - HAIR_ABOVE_CROWN * head_h)
    return top, min(HAIR_AIR * head_h, top - 1.0)  # never more than the photo has: not a sliver past its top


def _hair_runs(person: np.ndarray | None, landmarks: np.ndarray, shape: tuple[int, ...],
               pixels: np.ndarray | None = None) -> list[int]:
    """Per column over the head's width: the top row of the person's run up from the hairline.

    The columns span the jaw's width and :data:`HAIR_SIDE` face widths beyond it (the whole crown: a parted or
    tilted head's highest hair is often off the face's middle). A mask smaller than the photo is brought to
    full resolution over the head with the photo as guide (:func:`_head_mask`). ``[]`` when no mask is given,
    or when the mask above the head is not the head's own (:func:`_merged_above`: the head stands in front of
    someone, and its runs go on into them): then the mask cannot tell where the hair ends.
    """
    if person is None:
        return []
    H, W = shape[:2]
    lm = np.asarray(landmarks, np.float64)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    crown, _, head_h = head_extent(lm)
    cx = float(np.mean(forehead_top(lm)[:, 0]))
    start = int(np.clip(round(float(forehead_top(lm)[:, 1].min())), 0, H - 1))
    c0 = max(int(round(min(float(lm[:, 0].min()), cx - 0.5 * fw) - HAIR_SIDE * fw)), 0)
    c1 = min(int(round(max(float(lm[:, 0].max()), cx + 0.5 * fw) + HAIR_SIDE * fw)), W - 1)
    p = _head_mask(person, pixels, (H, W), (c0, c1 + 1, start + 1))
    tops = []
    for c in range(c0, c1 + 1):
        if not p[start, c]:
            continue
        clear = np.flatnonzero(~p[:start + 1, c])
        tops.append(int(clear[-1] + 1) if clear.size else 0)
    if _merged_above(p, tops, float(crown[1]) - HAIR_ABOVE_CROWN * head_h, cx, fw):
        return []
    return tops


#: How far beyond the jaw (face widths) :func:`_hair_runs` reads the hair's runs: full hair stands out over the
#: ears; and where (face widths either side of the face's middle) :func:`_merged_above` looks for person
#: beside the head at the height of the hair's highest believable top.
HAIR_SIDE, BESIDE_HEAD = 0.1, (0.75, 1.0)


def _merged_above(p: np.ndarray, tops: list[int], cap: float, cx: float, fw: float) -> bool:
    """The runs go on into something behind the head: most reach :data:`HAIR_ABOVE_CROWN` head heights above the
    crown estimate and, at that height, the mask also covers most of both places beside the head
    (:data:`BESIDE_HEAD`), wider than any head. Very tall hair ends inside the head's width there and is kept.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.zeros((100, 200), bool); p[60:] = True; p[:60, 80:120] = True     # a head in front of a wall
    >>> _merged_above(p, [0] * 40, 20.0, 100.0, 40.0)                             # of person (someone behind)
    False
    >>> p[10:30] = True
    >>> _merged_above(p, [0] * 40, 20.0, 100.0, 40.0)
    True
    """
    if cap < 0 or not tops or np.mean(np.asarray(tops) <= cap) <= 0.5:
        return False
    row = p[int(round(cap))]
    w = row.shape[0]
    near, far = BESIDE_HEAD
    sides = []
    for sign in (-1, 1):
        xs = np.round(cx + sign * np.linspace(near, far, 6) * fw).astype(int)
        xs = xs[(xs >= 0) & (xs < w)]
        sides.append(bool(xs.size) and float(row[xs].mean()) >= 0.5)
    return all(sides)


def _upsample_window(p: np.ndarray, shape: tuple[int, int], window: tuple[int, int, int, int]) -> np.ndarray:
    """``cv2.resize(p, (W, H), INTER_LINEAR)[y0:y1, x0:x1]`` for ``window`` ``(x0, y0, x1, y1)``, without the
    full-size array: the same pixel-centre sampling and edge clamping, made over the window only.

    Examples
    --------
    >>> p = np.random.default_rng(0).random((12, 16)).astype(np.float32)
    >>> full = cv2.resize(p, (53, 41), interpolation=cv2.INTER_LINEAR)
    >>> bool(np.allclose(_upsample_window(p, (41, 53), (5, 0, 53, 17)), full[0:17, 5:53], atol=1e-5))
    True
    """
    H, W = shape
    h, w = p.shape
    x0, y0, x1, y1 = window

    def taps(n0: int, n1: int, size: int, small: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        f = (np.arange(n0, n1, dtype=np.float64) + 0.5) * (small / size) - 0.5
        i = np.floor(f).astype(np.intp)
        a = np.where(i < 0, 0.0, f - i)
        i = np.clip(i, 0, small - 1)
        return i, np.minimum(i + 1, small - 1), a.astype(np.float32)

    ix, ix1, ax = taps(x0, x1, W, w)
    iy, iy1, ay = taps(y0, y1, H, h)
    rows = p[iy] * (1 - ay)[:, None] + p[iy1] * ay[:, None]
    return (rows[:, ix] * (1 - ax) + rows[:, ix1] * ax).astype(np.float32)


def _head_mask(person: np.ndarray, pixels: np.ndarray | None, shape: tuple[int, int],
               box: tuple[int, int, int], *, window: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """The person mask (> 0.5) at the photo's size; over ``box`` (columns ``x0:x1``, rows ``0:y1``) brought to full
    resolution with the photo as guide (fast guided upsampling, as :func:`candid.face.person.person_probability`)
    when the mask is smaller than the photo and ``pixels`` are given, so the hair's top snaps to the photo's own
    edge instead of a linear upscale's blur (a 512 px mask of a 2333 px photo: 4.6 px per mask pixel).

    ``window`` ``(x0, y0, x1, y1)``: only that part of the photo is made and returned (a face-sized array, not a
    full-size one); the guided part then covers ``box`` from the window's top row down."""
    H, W = shape
    wx0, wy0, wx1, wy1 = (0, 0, W, H) if window is None else window
    p = np.asarray(person, np.float32)
    if p.shape == (H, W):
        return p[wy0:wy1, wx0:wx1] > 0.5
    full = cv2.resize(p, (W, H), interpolation=cv2.INTER_LINEAR) if window is None else \
        _upsample_window(p, (H, W), (wx0, wy0, wx1, wy1))
    if pixels is None or np.shape(pixels)[:2] != (H, W):
        return full > 0.5
    from candid.face.person import guided_upsample

    x0, x1, y1 = box
    sy, sx = p.shape[0] / H, p.shape[1] / W
    m0, m1, n1 = int(np.floor(x0 * sx)), min(int(np.ceil(x1 * sx)), p.shape[1]), min(int(np.ceil(y1 * sy)), p.shape[0])
    n0 = int(np.floor(wy0 * sy))
    if m1 - m0 < 4 or n1 - n0 < 4:
        return full > 0.5
    X0, X1, Y1 = int(round(m0 / sx)), min(int(round(m1 / sx)), W), min(int(round(n1 / sy)), H)
    Y0 = int(round(n0 / sy))
    region = np.asarray(pixels[Y0:Y1, X0:X1], np.float32)
    small = cv2.resize(region, (m1 - m0, n1 - n0), interpolation=cv2.INTER_AREA)
    guided = guided_upsample(small, p[n0:n1, m0:m1], region, r=2, eps=1e-3)
    # the part of the guided region inside the window (the whole of it without one)
    gx0, gy0, gx1, gy1 = max(X0, wx0), max(Y0, wy0), min(X1, wx1), min(Y1, wy1)
    if gx1 > gx0 and gy1 > gy0:
        full[gy0 - wy0:gy1 - wy0, gx0 - wx0:gx1 - wx0] = guided[gy0 - Y0:gy1 - Y0, gx0 - X0:gx1 - X0]
    return full > 0.5


def _hair_cut_by_photo(tops: list[int]) -> bool:
    """The person mask runs into the photo's top over the head (``tops``: :func:`_hair_runs`): the photo itself
    cuts the hair (or the head)."""
    return len(tops) >= 3 and min(tops) < 1.5


#: How far beyond the jaw's ends (face widths) :func:`head_sides` believes the person mask at the head's rows (ears
#: and full hair, not a neighbour or a wall the mask merged with the head), and the air kept beside the head's sides
#: (head heights, at most what the photo has).
HEAD_SIDE_MAX, SIDE_AIR = 0.35, 0.03


def head_sides(person: np.ndarray | None, landmarks: np.ndarray, shape: tuple[int, ...], *,
               pixels: np.ndarray | None = None) -> tuple[float, float, bool, bool] | None:
    """Columns (photo pixels) of the head's left and right sides, ears and hair included, from the person mask.

    Over the head's rows (from :data:`HAIR_ABOVE_CROWN` head heights above the landmark crown down to the nose's
    bottom, where the ears end; below, hair hanging down and the shoulders are the body's width, not the head's),
    each row's run of person (probability > 0.5) through the face's middle; the sides are the runs' 3rd and 97th
    percentiles (not one strand), no further out than :data:`HEAD_SIDE_MAX` face widths beyond the jaw's ends.
    The two flags say the head reaches the photo's left or right border (the photo cuts it there). A side whose
    runs reach the cap is not known (``-inf`` / ``inf``: the mask there is someone or something else joined to the
    head). None when no mask is given or it does not cover the face's middle.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> person = np.zeros((512, 512), np.float32); person[40:, 160:300] = 1.0
    >>> x0, x1, cut_left, cut_right = head_sides(person, lm, (512, 512))
    >>> round(x0), round(x1), cut_left, cut_right
    (160, 299, False, False)
    >>> head_sides(np.roll(person, -160, axis=1), lm - [160, 0], (512, 512))   # into the photo's left border
    (0.0, 139.0, True, False)
    """
    if person is None:
        return None
    H, W = shape[:2]
    lm = np.asarray(landmarks, np.float64)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    crown, _, head_h = head_extent(lm)
    r0 = int(np.clip(np.floor(float(crown[1]) - HAIR_ABOVE_CROWN * head_h), 0, H - 1))
    r1 = int(np.clip(np.ceil(float(lm[33, 1])), r0 + 1, H))
    lo = float(lm[:, 0].min()) - HEAD_SIDE_MAX * fw
    hi = float(lm[:, 0].max()) + HEAD_SIDE_MAX * fw
    c0, c1 = max(int(np.floor(lo)), 0), min(int(np.ceil(hi)) + 1, W)
    p = _head_mask(person, pixels, (H, W), (c0, c1, r1), window=(c0, 0, c1, r1))[r0:r1]
    cx = int(round(float(np.mean(forehead_top(lm)[:, 0])))) - c0
    if not 0 <= cx < p.shape[1]:
        return None
    rows = p[:, cx]
    if rows.sum() < 3:
        return None
    lefts, rights = [], []
    for row in p[rows]:
        clear_l = np.flatnonzero(~row[:cx])
        clear_r = np.flatnonzero(~row[cx:])
        lefts.append(int(clear_l[-1] + 1) if clear_l.size else 0)
        rights.append(int(cx + clear_r[0] - 1) if clear_r.size else p.shape[1] - 1)
    x0 = float(np.percentile(lefts, 3)) + c0
    x1 = float(np.percentile(rights, 97)) + c0
    # a run out to the cap is not the head's (a neighbour's head or a wall the mask joined to it): that side unknown
    x0 = -np.inf if x0 <= lo + 1.0 and x0 > 0.5 else x0
    x1 = np.inf if x1 >= hi - 1.0 and x1 < W - 1.5 else x1
    # the photo cuts the head at a side: the run reaches the border there (and the cap lies beyond it)
    cut_left = c0 == 0 and float(np.mean(np.asarray(lefts) == 0)) > 0.05
    cut_right = c1 == W and float(np.mean(np.asarray(rights) == p.shape[1] - 1)) > 0.05
    return (0.0 if cut_left else x0), (float(W - 1) if cut_right else x1), bool(cut_left), bool(cut_right)


#: Look room for a face turned away from the camera, in every style without a rule for the head's place (not
#: passport): the face is moved off centre, away from where it looks, by up to :data:`YAW_LOOK` of the frame's width,
#: ramping in between the turns ``YAW_RAMP`` (the nose tip's offset from the jaw's middle in face widths: 0 frontal,
#: 0.5 a profile; a three-quarter view is about 0.3-0.37, and keeps the style's framing).
YAW_LOOK, YAW_RAMP = 0.10, (0.40, 0.48)


def yaw_look_room(turn: float, style: Style) -> float:
    """The look room (share of the frame's width) for a face turned by ``turn`` (see :data:`YAW_RAMP`).

    Examples
    --------
    >>> from candid.engines.studio.styles import STYLES
    >>> yaw_look_room(0.1, STYLES["memorial"]), yaw_look_room(0.49, STYLES["memorial"])
    (0.0, 0.1)
    >>> yaw_look_room(0.1, STYLES["environmental"]), yaw_look_room(0.49, STYLES["passport"])
    (0.12, 0.0)
    """
    if style.head_range is not None or style.crown_line is not None:
        return float(style.look_room)
    a, b = YAW_RAMP
    ramp = float(np.clip((abs(turn) - a) / (b - a), 0.0, 1.0))
    return float(max(style.look_room, round(YAW_LOOK * ramp, 6)))


#: Cost of a head whose share of the frame lies outside a style's ``head_range`` (passport), per unit of share;
#: and the smallest share the framing may give the head to keep very full hair in the frame.
#: Well above the other costs and :data:`EYE_COST`: where a legal frame holds the head in the range (more canvas
#: above hair the photo shows whole), it is taken (at 20, a head at 81-84 % was cheaper than the canvas: yangmi_1,
#: _4, _5; at 60 the eye line's price still made a head 83 % for a photo ending 0.05 head heights under the chin).
RULE_COST, HAIR_SHARE_MIN = 100.0, 0.6

#: Cost of an eye line outside a style's ``eye_range`` (passport), per unit of the frame's height: below the head's
#: size, so a head the photo cannot hold in its range otherwise is sized by the rule and its eyes said.
EYE_COST = 20.0

#: Vertical shifts of the frame :func:`_best_frame` tries (share of the frame's height either side of the style's
#: place), and how many: a style with a rule for the head's size (passport) tries them 0.005 apart, not 0.025, so a
#: frame whose bottom must end on the photo's last row below the chin can still take a head size inside the range
#: (on the coarse grid the nearest such frames held the head at 0.81-0.84).
SHIFT_SPAN, SHIFT_STEPS, RULE_SHIFT_STEPS = 0.3, 25, 121


def _scales(st: Style) -> tuple[np.ndarray, np.ndarray]:
    """Candidate scales (1: the style's head size; below 1: closer) and their cost, cheapest first.

    A style with a ``head_range`` (passport) also gets scales above 1 (a smaller head), down to
    :data:`HAIR_SHARE_MIN`, each priced by how far its head share lies outside the range.
    """
    scales = np.linspace(1.0, 0.2, 81)
    if st.head_range is None:
        return scales, CLOSER_COST * (1 / scales - 1)
    lo, hi = st.head_range
    scales = np.concatenate([scales, np.linspace(1.0, st.head_frac / HAIR_SHARE_MIN, 41)[1:]])
    share = st.head_frac / scales
    cost = CLOSER_COST * np.abs(1 / scales - 1) + RULE_COST * np.maximum(np.maximum(share - hi, lo - share), 0.0)
    order = np.argsort(cost, kind="stable")
    return scales[order], cost[order]


def _touch_map(person: np.ndarray | None, size: tuple[int, int]) -> dict[str, np.ndarray] | None:
    """Cumulative counts of the photo's border pixels the person touches, per side, at photo resolution."""
    if person is None:
        return None
    W, H = size
    p = np.asarray(person, np.float32)
    p = cv2.resize(p, (W, H), interpolation=cv2.INTER_LINEAR) > 0.5 if p.shape != (H, W) else p > 0.5
    band = max(int(0.01 * max(H, W)), 1)
    prof = {"top": p[:band].any(axis=0), "left": p[:, :band].any(axis=1), "right": p[:, -band:].any(axis=1)}
    return {k: np.concatenate([[0], np.cumsum(v)]) for k, v in prof.items()}


def _touched(cum: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Share of border positions ``[lo, hi)`` (clipped) the person touches."""
    n = len(cum) - 1
    a = np.clip(np.floor(lo), 0, n).astype(int)
    b = np.clip(np.ceil(hi), 0, n).astype(int)
    return np.where(b > a, (cum[b] - cum[a]) / np.maximum(b - a, 1), 0.0)


def _photo_limits(inv: np.ndarray, box: tuple[float, float, float, float], size: tuple[int, int],
                  runs: list[int]) -> tuple[str, ...]:
    """What in the photo bounds a frame ``box`` ``(x0, y0, cw, ch)`` (upright coordinates; ``inv`` maps them to
    the photo): ``"top"`` when the photo cuts the head at its top (``runs``: :func:`_hair_runs`; no canvas goes
    above a cut head), ``"bottom"`` when the frame's bottom lies on the photo's last row (never extended).

    Examples
    --------
    >>> import numpy as np
    >>> same = np.array([[1.0, 0, 0], [0, 1, 0]])
    >>> _photo_limits(same, (10, 5, 70, 90), (100, 95), [0, 0, 3]), _photo_limits(same, (10, 0, 70, 80), (100, 95), [])
    (('top', 'bottom'), ())
    """
    x0, y0, cw, ch = box
    W, H = size
    xs, ys = np.array([x0, x0 + cw]), np.array([y0 + ch, y0 + ch])
    bottom = float((xs * inv[1, 0] + ys * inv[1, 1] + inv[1, 2]).max())  # the frame's lowest photo row
    limits = ("top",) if _hair_cut_by_photo(runs) else ()
    return limits + (("bottom",) if bottom >= H - 1.5 - SLIVER * ch else ())


def _best_frame(st: Style, aspect: tuple[float, float], head_h: float, crown: np.ndarray, eye_y: float,
                face_cx: float, turn: float, need_top: float, face_box: tuple[float, float, float],
                room: tuple[float, float, float], inv: np.ndarray, size: tuple[int, int],
                touch: dict[str, np.ndarray] | None, head: tuple[float, float, float, float], *, extend: bool,
                max_extend: float, centre: bool, look: float = 0.0,
                need_x: tuple[float, float, float, float] | None = None, top_slack: float = 0.0,
                cut_head_top: bool = False):
    """The cheapest frame over scales (1 down to 0.2), shifts and canvas extensions, or None.

    ``head`` is the head's ``(x0, x1, y0, y1)`` in the photo. ``look``: the look room (share of the width the face
    moves off centre, away from where it looks; negative: towards it, as before round 17). ``need_x``: the columns
    (upright) the frame must reach and how far short it may stop (:func:`_whole_head`); ``top_slack``: how far
    (share of the height) below ``need_top`` the frame's top may lie; ``cut_head_top``: no canvas above a head the
    photo cuts at its top. Returns
    ``(scale, x0, y0, cw, ch, extended_fraction, sides, cut, cost)`` in upright coordinates.
    """
    aw, ah = aspect
    W, H = size
    fx0, fx1, chin_y = face_box
    span = 0.25 if centre else 0.5
    steps = SHIFT_STEPS if st.head_range is None else RULE_SHIFT_STEPS
    dx, dy = np.meshgrid(np.linspace(-span, span, 41 if centre else 81), np.linspace(-SHIFT_SPAN, SHIFT_SPAN, steps))
    dx, dy = dx.ravel(), dy.ravel()
    hard_limit = max(max_extend, 0.7)
    best, best_cost = None, np.inf
    beside_head = {}
    if touch is not None:
        hx0, hx1, hy0, hy1 = head
        beside_head = {side: float(_touched(touch[side], np.array([lo]), np.array([hi]))[0]) > 0.02
                       for side, lo, hi in (("top", hx0, hx1), ("left", hy0, hy1), ("right", hy0, hy1))}
    for scale, closer in zip(*_scales(st)):
        if closer >= best_cost:
            break
        ch = head_h / st.head_frac * scale
        cw = ch * aw / ah
        top = float(crown[1]) - st.crown_line * ch if st.crown_line is not None else eye_y - st.eye_line * ch
        # look room: the face moves off centre away from where it looks (turn > 0: the nose right of the jaw's middle,
        # the face looks to the frame's right; the frame's middle moves right of it)
        cx = face_cx + np.sign(turn) * look * cw if abs(turn) > 0.03 else face_cx
        x0, y0 = cx - cw / 2 + dx * cw, top + dy * ch
        # the face must stay inside with a margin (the crown too, unless the photo itself cuts it)
        ok = ((x0 < fx0 - min(0.02 * cw, room[0])) & (x0 + cw > fx1 + min(0.02 * cw, room[1]))
              & (y0 < need_top + top_slack * ch) & (y0 + ch > chin_y + min(0.05 * ch, room[2])))
        if need_x is not None:  # the head's own sides: ears and hair the photo shows are not cut by the frame
            ok &= (x0 <= need_x[0] + need_x[2] * cw) & (x0 + cw >= need_x[1] - need_x[3] * cw)
        if not ok.any():
            continue
        xs = np.stack([x0, x0 + cw, x0, x0 + cw], 1)
        ys = np.stack([y0, y0, y0 + ch, y0 + ch], 1)
        sx = xs * inv[0, 0] + ys * inv[0, 1] + inv[0, 2]
        sy = xs * inv[1, 0] + ys * inv[1, 1] + inv[1, 2]
        out = {"top": np.maximum(0.0, -sy.min(1) - 0.5) / ch, "left": np.maximum(0.0, -sx.min(1) - 0.5) / cw,
               "right": np.maximum(0.0, sx.max(1) - W - 0.5) / cw}
        bottom = np.maximum(0.0, sy.max(1) - H - 0.5) / ch
        ext = np.maximum.reduce(list(out.values()))
        ok &= (bottom <= SLIVER) & (ext <= (hard_limit if extend else 0.0))
        if need_x is not None:  # where the photo cuts the head at a side, the frame ends on that border: no canvas
            ok &= ((need_x[2] == 0) | (out["left"] <= SLIVER)) & ((need_x[3] == 0) | (out["right"] <= SLIVER))
        if not ok.any():
            continue
        cost = closer + SHIFT_COST * np.hypot(dx, dy) + SHIFT_COST_SQ * (dx ** 2 + dy ** 2) + TOP_COST * out["top"] + SIDE_COST * np.maximum(
            out["left"], out["right"]) + BIG_EXTEND_COST * np.maximum(ext - SMALL_EXTEND, 0.0)
        cost = cost + np.where(ext > max_extend, 2.0 + 5 * (ext - max_extend), 0.0)
        if st.eye_range is not None:  # a rule for the eye line's height (passport), priced like the head's size
            eyes = (eye_y - y0) / ch
            cost = cost + EYE_COST * np.maximum(np.maximum(eyes - st.eye_range[1], st.eye_range[0] - eyes), 0.0)
        cut = np.zeros_like(cost, bool)
        if touch is not None:
            for side, lo, hi in (("top", sx.min(1), sx.max(1)), ("left", sy.min(1), sy.max(1)),
                                 ("right", sy.min(1), sy.max(1))):
                share = _touched(touch[side], lo, hi)
                hit = (out[side] > SLIVER) & (share > 0.02)
                if side == "top" and beside_head["top"] and (st.head_range is not None or cut_head_top):
                    # the photo cuts the head at its top: a canvas above would show it sliced flat in mid-air.
                    # Framing closer costs a style with a rule for the head's size (passport) more than usual, so
                    # for it this is not priced but ruled out; nor when the frame must start on the photo's top over
                    # the hair it cuts, or keeps the head's sides (``cut_head_top``: :func:`_whole_head`)
                    ok &= ~hit
                cut |= hit
                price = (TOP_CUT_COST if side == "top" else CUT_COST) + (HEAD_CUT_COST if beside_head[side] else 0.0)
                cost = cost + np.where(hit, price + SIDE_COST * out[side] + share * out[side], 0.0)
        cost = np.where(ok, cost, np.inf)
        if not np.isfinite(cost).any():
            continue
        i = int(np.argmin(cost))
        if cost[i] < best_cost - 1e-9:
            best_cost = float(cost[i])
            sides = tuple(n for n in ("top", "left", "right") if out[n][i] > SLIVER)
            best = (float(scale), float(x0[i]), float(y0[i]), float(cw), float(ch), float(ext[i]) if sides else 0.0,
                    sides, bool(cut[i]), best_cost)
    return best


#: How far (share of the frame) a frame may stop short of the photo's border where the photo cuts the head at a
#: side (it may not go beyond it: a canvas beside a cut head shows it sliced); and at the top (the search's grid
#: steps 0.025 of the height there, and a canvas above a cut head is ruled out).
CUT_SLACK, CUT_SLACK_TOP = 0.006, 0.02

#: How much more a frame that keeps the head (:func:`_whole_head`) may cost than the best frame for the face alone
#: (the prices of :func:`_best_frame`: 0.8 is the face moved about 0.16 of the frame off its place, or framed 1x
#: closer; tom_cruise_tight linkedin kept his hair at the photo's right for 0.96 more, on a canvas a quarter of
#: the frame at the left with his face at two thirds of the width).
HEAD_KEEP_COST = 0.8


def _whole_head(person: np.ndarray | None, lm: np.ndarray, shape: tuple[int, int], pixels: np.ndarray | None,
                rot: np.ndarray, head_h: float, turn: float, looking: bool,
                runs: list[int]) -> tuple[tuple[float, float, float, float] | None, float | None]:
    """What a frame must hold of the head (upright coordinates; ``rot`` maps the photo to them).

    Returns ``(need_x, cut_top)``: ``need_x`` ``(left, right, slack_left, slack_right)``, the columns the frame must
    reach to, the head's sides (:func:`head_sides`) with :data:`SIDE_AIR` head heights of air where the photo has
    it, or the photo's border where the photo cuts the head at that side (``slack``: :data:`CUT_SLACK` there, else
    0; ``inf`` / ``-inf``: nothing held where the mask cannot tell); ``cut_top``, the row of the photo's top over
    the head when the photo cuts the hair there (the frame starts on it, not lower through the hair). With look
    room (``looking``) the head's back (the side the face turns away from) is not held: a profile with the photo's
    border behind it keeps room in front instead.
    """
    H, W = shape
    cut_top = None
    if _hair_cut_by_photo(runs):
        mx = float(np.mean(forehead_top(lm)[:, 0]))
        cut_top = float((rot @ np.array([mx, 0.0, 1.0]))[1]) + 0.5
    sides = head_sides(person, lm, shape, pixels=pixels)
    if sides is None:
        return None, cut_top
    x0, x1, cut_l, cut_r = sides
    air = SIDE_AIR * head_h
    # a side the photo cuts: the frame ends on that border (``slack`` > 0: within CUT_SLACK inside it and no canvas
    # beyond it, see :func:`_best_frame`), not further in through the hair (tom_cruise_tight's right, editorial)
    x0 = -0.5 if cut_l else x0 - min(air, x0) if np.isfinite(x0) else np.inf
    x1 = W - 0.5 if cut_r else x1 + min(air, W - 1 - x1) if np.isfinite(x1) else -np.inf
    ym = float(np.clip(lm[27:31, 1].mean(), 0, H - 1))  # the head's middle row (the nose's bridge)
    left = float(rot[0, 0] * x0 + rot[0, 1] * ym + rot[0, 2]) if np.isfinite(x0) else x0
    right = float(rot[0, 0] * x1 + rot[0, 1] * ym + rot[0, 2]) if np.isfinite(x1) else x1
    if looking:  # the head's back may be cut: look room in front first
        if turn > 0:
            left = np.inf
        else:
            right = -np.inf
    return (left, right, CUT_SLACK if cut_l and np.isfinite(left) else 0.0,
            CUT_SLACK if cut_r and np.isfinite(right) else 0.0), cut_top


def _head_cut(need_x: tuple[float, float, float, float] | None, x0: float, cw: float) -> tuple[str, ...]:
    """The sides where a frame ``x0 .. x0 + cw`` (upright) cuts what :func:`_whole_head` asked it to hold (one
    pixel of tolerance; a side it did not ask for, ``inf``, is not cut).

    Examples
    --------
    >>> _head_cut((10.0, 90.0, 0.0, 0.0), 20.0, 100.0), _head_cut((10.0, -np.inf, 0.0, 0.0), 5.0, 100.0)
    (('left',), ())
    """
    if need_x is None:
        return ()
    left, right, sl, sr = need_x
    out = []
    if np.isfinite(left) and not sl and x0 > left + 1.0:  # a side the photo cuts (slack) is the photo's doing
        out.append("left")
    if np.isfinite(right) and not sr and x0 + cw < right - 1.0:
        out.append("right")
    return tuple(out)


def _look_given(look: float, st: Style, turn: float, face_cx: float, x0: float, cw: float) -> float:
    """The look room a frame ``x0 .. x0 + cw`` gives a turned face (share of the width its middle lies off centre,
    away from where it looks) when :func:`yaw_look_room` asked for more than the style's own; 0 otherwise (a photo
    with no room for it keeps the face where it was, and nothing is said).

    Examples
    --------
    >>> from candid.engines.studio.styles import STYLES
    >>> memorial = STYLES["memorial"]
    >>> _look_given(0.1, memorial, 0.49, 40.0, 0.0, 100.0), _look_given(0.0, memorial, 0.49, 40.0, 0.0, 100.0)
    (0.1, 0.0)
    """
    if abs(look) <= st.look_room + 1e-9:
        return 0.0
    given = float(np.sign(turn)) * ((x0 + cw / 2) - face_cx) / cw
    return round(float(np.clip(given, 0.0, abs(look))), 3)


def frame(
    pixels: np.ndarray,
    landmarks: np.ndarray,
    aspect: str | tuple[float, float] | None = None,
    style: str | Style = "linkedin",
    *,
    straighten: bool | str | float = "auto",
    max_roll: float = 25.0,
    person: np.ndarray | None = None,
    extend: bool = True,
    max_extend: float = 0.4,
    whole_head: bool = True,
    yaw_look: bool = True,
    _crown: int = 2,
    _centre: bool = True,
    _runs: list[int] | None = None,
) -> Framing:
    """Plan a crop with head room and eye line placed by the style's rules.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` image (only its size is used).
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    aspect : str or tuple, optional
        Frame width:height; the style's default if None.
    style : str or Style
        A key of :data:`STYLES` or a :class:`Style`.
    straighten : {"auto", "off"} or float
        ``"auto"`` levels the eye line when the roll is at most
        :data:`AUTO_STRAIGHTEN` degrees (a bigger tilt is a pose and is kept);
        a number levels by at most that many degrees; ``"off"`` never rotates.
    person : ndarray, optional
        Person probability of the photo (any size): the canvas is not extended
        on a side where the person touches the photo's border (they would be cut off in mid-air).
    extend : bool
        Let the frame reach beyond the photo at the top and sides (filled with background).
    max_extend : float
        Largest share of the frame that may lie beyond the photo.
    whole_head : bool
        Keep the head's sides (ears and hair, :func:`head_sides`) with a little air inside the frame, and where the
        photo cuts the head (its top or a side), let the frame reach the photo's border there rather than cut the
        head again further in; a frame that cannot is taken as before (the face whole, the head maybe cut).
    yaw_look : bool
        Give a strongly turned face look room in every style without a rule for the head's place
        (:func:`yaw_look_room`); the head's back may then be cut where the photo has no room for it.

    Returns
    -------
    Framing
        The cheapest candidate over scale (1 down to 0.2: ``closer``), shift of
        the face off the style's place and canvas extended at the top and sides
        (``extended``; never the bottom): moving the face costs most, then a
        frame much closer, then canvas beyond :data:`SMALL_EXTEND`, then a side
        extended where the person touches the photo's border (``edge_cut``;
        beside the head itself: a head cut flat, avoided). Levelling, then the
        crown, are given up before anything is refused.
        A style with a ``head_range`` (passport) sizes the head from chin to
        crown, the crown being the landmark estimate or the hair's own top
        where that lies lower; it prices a share outside the range, may make
        the head as small as :data:`HAIR_SHARE_MIN` to keep very full hair in,
        and never extends the canvas above a head the photo cuts
        (``head_share``, ``hair_cut``).

    Raises
    ------
    ValueError
        Only when the face itself is cut by the photo's border.

    Examples
    --------
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> img, lm = astronaut(), astronaut_landmarks()
    >>> f = frame(img, lm, "4:5")
    >>> round(f.size[0] / f.size[1], 2)
    0.8
    """
    st = STYLES[style] if isinstance(style, str) else style
    aw, ah = parse_aspect(aspect or st.aspect)
    H, W = pixels.shape[:2]
    lm = np.asarray(landmarks, np.float64)
    if not face_inside(lm, (H, W), margin=WHOLE_FACE_MARGIN):
        raise ValueError("the face is cut by the photo's border")
    right, left = eye_centers(lm)
    eye_mid = (right + left) / 2
    mode, limit = parse_straighten(straighten)
    roll = roll_angle(lm)
    angle, kept = 0.0, 0.0
    if mode != "off" and 0.5 <= abs(roll) <= max_roll:  # under half a degree: a crop, no resampling
        if mode == "auto":
            angle, kept = (roll, 0.0) if abs(roll) <= limit else (0.0, roll)
        else:
            angle = float(np.clip(roll, -limit, limit))
            kept = roll - angle
    elif abs(roll) >= 0.5:
        kept = roll
    rot = cv2.getRotationMatrix2D((float(eye_mid[0]), float(eye_mid[1])), angle, 1.0)  # source -> upright
    up_lm = lm @ rot[:, :2].T + rot[:, 2]
    crown, chin, head_h = head_extent(up_lm)
    eye_y = float(up_lm[36:48, 1].mean())
    face_cx = float((up_lm[27:31, 0].mean() + up_lm[[0, 16], 0].mean()) / 2)
    # horizontal look room: the nose tip's offset from the jaw centre tells which way the face turns
    turn = float(up_lm[30, 0] - up_lm[[0, 16], 0].mean()) / max(float(up_lm[16, 0] - up_lm[0, 0]), 1.0)
    inv = cv2.invertAffineTransform(rot)
    crown_src = head_extent(lm)[0]
    crown_in_photo = 0 <= crown_src[0] < W and 0 <= crown_src[1] < H
    hairline = float(forehead_top(up_lm)[:, 1].min())
    need_top = crown[1] if crown_in_photo and _crown else hairline
    # the hair's own top where the person mask shows it inside the photo: full hair reaches well above the
    # landmark estimate (tom_cruise_tight: 26 px), and a frame that only keeps the estimate cuts it flat
    # the hair's runs up from the hairline, walked once for this photo (the retries below pass them on)
    runs = _hair_runs(person, lm, (H, W), pixels) if _runs is None else _runs
    top = hair_top(person, lm, (H, W), runs=runs) if _crown >= 2 and person is not None else None
    if top is not None:
        mx = float(np.mean(forehead_top(lm)[:, 0]))
        up_top = float((rot @ np.array([mx, top[0], 1.0]))[1])
        need_top = min(need_top, up_top - top[1])
        if st.head_range is not None and up_top > crown[1]:
            # a rule for the head's size (passport: chin to crown, the crown where the head would end without hair):
            # the head cannot end above its own hair, so a hair top below the landmark estimate is the crown (short
            # hair: obama3's estimate lay 0.1 head heights above it, and his head filled 58 % of the frame, not 68).
            # The height stays along the head's own axis, like the estimate's (a tilt kept as a pose leans it)
            head_h *= (float(chin[1]) - up_top) / max(float(chin[1] - crown[1]), 1.0)
            crown = np.array([crown[0], up_top])
            need_top = up_top - top[1]
    # a face close to the photo's edge keeps what margin the photo has (a chin at the bottom edge is fine)
    room = (max(float(lm[:, 0].min()), 0.0) * 0.9, max(float(W - 1 - lm[:, 0].max()), 0.0) * 0.9,
            max(float(H - 1 - lm[:, 1].max()), 0.0) * 0.9)
    face_box = (float(up_lm[:, 0].min()), float(up_lm[:, 0].max()), float(chin[1]))
    # the head's sides: ears and hair a little beyond the jaw line, from the crown down to where the jaw
    # turns in (below it, a neck or collar at the border is the body, not the head)
    jaw = 0.15 * float(np.linalg.norm(lm[16] - lm[0]))
    head_box = (float(lm[:, 0].min()) - jaw, float(lm[:, 0].max()) + jaw,
                min(float(crown_src[1]), float(lm[:, 1].min())), float(max(lm[3, 1], lm[13, 1])))
    # until round 17 the look room moved the face towards where it looks (the sign was the wrong way round):
    # ``yaw_look=False`` keeps that, so the old frames can be compared
    look = yaw_look_room(turn, st) if yaw_look else -st.look_room
    need_x, cut_top = _whole_head(person, lm, (H, W), pixels, rot, head_h, turn, abs(look) > st.look_room,
                                  runs) if whole_head else (None, None)
    touch = _touch_map(person, (W, H))
    # the face alone, as before: the frame the head's needs below are weighed against
    best = _best_frame(st, (aw, ah), head_h, crown, eye_y, face_cx, turn, need_top, face_box, room, inv, (W, H),
                       touch, head_box, extend=extend, max_extend=max_extend, centre=_centre, look=look)
    # the whole head first; then the photo's top over a head it cuts (the crown is the more of the head, and a frame
    # through the hair cuts it flat), then the sides; each taken when it costs at most HEAD_KEEP_COST more than the
    # face alone (a head kept by sliding the face far off its place, or onto a wide canvas, is not worth it)
    for nx, ct in [(need_x, cut_top), (None, cut_top), (need_x, None)]:
        if best is None or (nx is None and ct is None) or (ct is None and cut_top is not None and nx is None):
            continue
        whole = _best_frame(st, (aw, ah), head_h, crown, eye_y, face_cx, turn,
                           need_top if ct is None else min(need_top, ct), face_box, room, inv, (W, H),
                           touch, head_box, extend=extend, max_extend=max_extend, centre=_centre, look=look,
                           need_x=nx, top_slack=0.0 if ct is None or ct >= need_top else CUT_SLACK_TOP,
                           cut_head_top=cut_top is not None)
        if whole is not None and whole[8] <= best[8] + HEAD_KEEP_COST:
            best = whole
            break
    if best is not None:
        scale, x0, y0, cw, ch, frac, sides, cut = best[:8]
        note = (f"photo too tight for {aw:g}:{ah:g} framing; framed {1 / scale:.2f}x closer"
                if scale < 0.999 else None)
        share = float(head_h / ch) if st.head_range is not None else None
        eyes = float((eye_y - y0) / ch) if st.eye_range is not None else None
        limits = _photo_limits(inv, (x0, y0, cw, ch), (W, H), runs) if st.head_range is not None else ()
        hair_cut = None
        if _crown < 2 and person is not None and hair_top(person, lm, (H, W), runs=runs) is not None:
            hair_cut = "frame"  # the hair's top was given up to keep the face
        elif _hair_cut_by_photo(runs):
            hair_cut = "photo"  # the photo's top runs through the hair: cut in the headshot too
        w_px, h_px = max(int(round(cw)), 8), max(int(round(ch)), 8)
        m = rot.copy()
        m[:, 2] -= (x0, y0)
        if angle == 0.0 and not sides:  # a pure crop: integer offsets, no resampling
            m[:, 2] = np.round(m[:, 2])
            w_px = min(w_px, W + int(m[0, 2]))
            h_px = min(h_px, H + int(m[1, 2]))
        elif angle == 0.0 and 0 < y0 - (H - h_px) <= SLIVER * ch + 1.0:
            # the bottom is never extended: a frame that would reach a sliver past it ends on the photo's last
            # row instead (moved up at most 0.2 %), so the matte sees no strip of 'outside' to taper towards
            m[1, 2] = -float(H - h_px)
        if angle == 0.0 and sides and "top" not in sides and -(SLIVER * ch + 1.0) <= y0 < 0 and h_px <= H:
            # nor the top unless extended: a frame a sliver above the photo starts on its first row (moved down at
            # most 0.2 %); the matte's mend drew tom_cruise_tight's crown up into that sliver as a wall of hair
            m[1, 2] = 0.0
        return Framing(matrix=m, size=(w_px, h_px), angle=angle, scale_note=note, closer=float(1 / scale),
                       extended=tuple(sides), extended_fraction=float(frac), tilt_kept=float(kept),
                       edge_cut=bool(cut), head_share=share, hair_cut=hair_cut, eye_height=eyes,
                       photo_limits=limits, look_room=_look_given(look, st, turn, face_cx, x0, cw),
                       head_cut=_head_cut(need_x, x0, cw))
    if angle != 0.0:  # levelling needs room the photo does not have: keep the tilt rather than refuse
        f = frame(pixels, landmarks, aspect, style, straighten="off", max_roll=max_roll, person=person,
                  extend=extend, max_extend=max_extend, whole_head=whole_head, yaw_look=yaw_look, _crown=_crown,
                  _centre=_centre, _runs=runs)
        return replace(f, tilt_kept=float(roll))
    if _crown:  # the hair's top, then the estimated crown, cannot be in the frame: keep the whole face
        return frame(pixels, landmarks, aspect, style, straighten=straighten, max_roll=max_roll, person=person,
                     extend=extend, max_extend=max_extend, whole_head=whole_head, yaw_look=yaw_look,
                     _crown=1 if _crown >= 2 and top is not None else 0,
                     _centre=_centre, _runs=runs)
    if _centre:  # last resort: the face may sit off centre
        return frame(pixels, landmarks, aspect, style, straighten=straighten, max_roll=max_roll, person=person,
                     extend=extend, max_extend=max_extend, whole_head=whole_head, yaw_look=yaw_look,
                     _crown=0, _centre=False,
                     _runs=runs)
    raise ValueError("cannot frame this face inside the photo (face at the very edge?)")


def apply_framing(pixels: np.ndarray, framing: Framing) -> np.ndarray:
    """Cut the planned frame out of ``pixels`` (a copy; Lanczos when rotating).

    Where the frame reaches beyond the photo (an extended canvas) the photo's
    edge is repeated; :func:`mirror_canvas` replaces it by the photo mirrored
    across its edge, for the colour of a body continued there.

    Examples
    --------
    >>> import numpy as np
    >>> f = Framing(np.array([[1, 0, -2], [0, 1, -1]], float), (4, 3), 0.0)
    >>> apply_framing(np.zeros((10, 10, 3), np.float32), f).shape
    (3, 4, 3)
    """
    w, h = framing.size
    m = framing.matrix
    if framing.angle == 0.0 and np.allclose(m[:, :2], np.eye(2)):
        x0, y0 = int(-m[0, 2]), int(-m[1, 2])
        if 0 <= x0 and 0 <= y0 and x0 + w <= pixels.shape[1] and y0 + h <= pixels.shape[0]:
            return pixels[y0:y0 + h, x0:x0 + w].copy()
    # an extended canvas repeats the photo's edge (the backdrop covers it; alpha there is 0); the matte and the
    # clean-up steps read it, so it stays as it was: :func:`mirror_canvas` gives a continued body its colour
    out = cv2.warpAffine(pixels, m, (w, h), flags=cv2.INTER_LANCZOS4, borderMode=cv2.BORDER_REPLICATE)
    return np.clip(out, 0, 1).astype(pixels.dtype, copy=False)


def _along(shape: tuple[int, int], origin: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Every pixel's signed distance from ``origin`` along the unit vector ``axis`` (e.g. below the chin), in pixels."""
    H, W = shape
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    return (xx - origin[0]) * axis[0] + (yy - origin[1]) * axis[1]


#: Share of the frame a side may reach past the photo without being extended (the bottom never is).
SLIVER = 0.002

#: How far (share of the frame) the matte tapers the body towards a sliver past the photo (mended from inside).
TAPER = 0.015

#: How close (share of the frame height) the cut-out must come to the canvas to count as reaching it (and be
#: faded there); ``bench/bench_studio_canvas.py`` counts a cut within the same distance.
REACH = 0.02

#: Width of the fade (face widths) where the body reaches the photo's edge on an extended canvas: at the
#: chin, and from one head height below it (it widens downwards, like a studio vignette round head and shoulders).
FADE_AT_CHIN, FADE_BELOW = 0.35, 0.9

#: A body that runs out of the photo through an extended side and down to the frame's bottom (shoulders, the
#: torso) along at least this many face widths of that side is continued past the photo's edge
#: (:func:`_continue_body`) instead of faded: a shoulder leaves a headshot through its border.
CONTINUE_MIN = 0.3

#: Widest canvas (face widths, beside the photo at the frame's bottom) a shoulder is carried across: a strip
#: the photo just misses (tom_cruise_tight linkedin: 0.27). Over a wider canvas (a 16:9 frame from a portrait)
#: it would be half a body made up from one column of pixels, so the body fades there instead.
CONTINUE_MAX = 0.5

#: The shoulder's line is continued outwards with the slope it has over this many face widths inside the photo,
#: at most :data:`MAX_SLOPE` rows down per column (flat or falling outwards, never rising).
SLOPE_SPAN, MAX_SLOPE = 0.3, 1.5

#: Width of the fade (face widths) for hair that reaches the photo's edge above the chin (a photo narrower
#: than the head: a 16:9 frame from a tight portrait); the face itself is never faded.
FADE_HEAD = 0.12


def _photo_edge(cov: np.ndarray, extended: tuple[str, ...]) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
    """The canvas beyond the photo, its band width, the pixels near it, and the sliver at the output's border."""
    # the canvas is at least 3 px thick; a sliver at the output's border (the frame may reach half a pixel or
    # 0.2 % of its height past the photo) is the photo's last row, not canvas: its alpha comes from inside
    canvas = cv2.morphologyEx((cov < 0.5).astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    band = _drop_slivers(canvas, extended)
    near = cv2.dilate(canvas, np.ones((5, 5), np.uint8)).astype(bool)
    sliver = (cov < 0.999) & ~near
    return canvas, band, near, sliver


def mend_photo_border(alpha: np.ndarray, framing: Framing, source_shape: tuple[int, ...]) -> np.ndarray:
    """Mend the matte where the frame reaches a sliver past the photo: those pixels are the photo's last rows.

    The matte sees such a sliver as outside the photo and tapers the body
    towards it; here it takes its alpha from the pixels just inside
    (:func:`_mend_border` on extended sides, a short dilation into the sliver).
    The stage calls this right after the matte, before the clean-up steps
    (debris, a neighbour at the border), so what they take out is not put
    back; :func:`fade_at_photo_edge` does it itself unless told ``mend=False``.

    Parameters
    ----------
    alpha : ndarray
        ``(h, w)`` matte in the frame; not modified.
    framing : Framing
        The frame the matte is in.
    source_shape : tuple of int
        Shape of the photo the frame was cut from.

    Returns
    -------
    ndarray
        The mended matte (float32); a copy of ``alpha`` when the photo covers the whole frame.

    Examples
    --------
    >>> import numpy as np
    >>> f = Framing(np.array([[1.0, 0, 0], [0, 1, 0]]), (100, 101), 0.0)   # one row past the photo's bottom
    >>> a = np.zeros((101, 100), np.float32); a[50:100, 30:70] = 1.0       # the body down to the photo's last row
    >>> out = mend_photo_border(a, f, (100, 100))
    >>> float(out[100, 50]), float(out[100, 10])                            # the sliver takes the body's alpha
    (1.0, 0.0)
    """
    a = np.asarray(alpha, np.float32)
    cov = framing.coverage(source_shape)
    if a.shape != cov.shape:
        raise ValueError(f"alpha {a.shape} does not match the frame {cov.shape}")
    a = a.copy()
    if float(cov.min()) >= 0.999:
        return a
    _, band, near, sliver = _photo_edge(cov, framing.extended)
    if framing.extended:  # only then did the matte see the sliver as outside the photo (the stage's ``valid``)
        a = _mend_border(a, cov, near, framing.extended, band)
    for _ in range(max(band, 3)):
        a[sliver] = np.maximum(a[sliver], cv2.dilate(a, np.ones((3, 3), np.uint8))[sliver])
    return a


def fade_at_photo_edge(alpha: np.ndarray, framing: Framing, source_shape: tuple[int, ...],
                       landmarks: np.ndarray, *, mend: bool = True,
                       continued: tuple[np.ndarray, list[str]] | None = None,
                       through_band: bool = True) -> tuple[np.ndarray, dict | None]:
    """End the body softly where an extended canvas begins, instead of cutting it with the photo's edge.

    On an extended canvas the photo's edge runs through the backdrop; where
    the person reaches it (a shoulder, an arm) a plain cut-out ends in a
    straight line in mid-air. Below the chin, alpha is faded to zero towards
    where the person reaches the canvas (comes within :data:`REACH` of the
    frame height of it), smoothly (smoothstep) over :data:`FADE_AT_CHIN` face
    widths at the chin widening to :data:`FADE_BELOW` a head height lower, so
    the body dissolves into the backdrop like a vignetted studio portrait;
    the fade is no longer than the stretch of edge the body runs into (a
    sleeve that grazes the edge softens only there), and a body that ends
    inside the photo keeps its own outline. A strip along a side that was not
    extended (the bottom: the frame may reach :data:`SLIVER` past the photo)
    is the photo's last rows, not canvas, and the taper the matte gives the
    body towards it is mended from the row inside (:func:`_mend_border`). Hair above
    the chin that reaches the edge (a photo narrower than the head; :func:`frame`
    avoids it when it can) fades over a narrower :data:`FADE_HEAD`; the face
    (its landmarks' hull and a margin) is never faded. Near the canvas alpha
    is multiplied by the photo's :meth:`Framing.coverage`, so the photo's edge
    is anti-aliased, never a staircase; a sliver at the output's own border
    (the frame may reach a fraction of a pixel past the photo) keeps the
    body's alpha. A part of the body that the fade would separate from the
    face stays below 0.5 (no detached pieces).

    Parameters
    ----------
    alpha : ndarray
        ``(h, w)`` matte in the frame; not modified.
    framing : Framing
        The frame the matte is in.
    source_shape : tuple of int
        Shape of the photo the frame was cut from.
    landmarks : ndarray
        ``(68, 2)`` landmarks in the frame.
    mend : bool, optional
        Mend the sliver first (:func:`mend_photo_border`); False when the caller already did.
    continued : Continuation or (ndarray, list of str), optional
        The continuation :func:`continue_body` already made (``return_continuation=True``: a
        :class:`Continuation`, the continued body's alpha and its sides), used as it is instead of being made
        again; None: made here.
    through_band : bool, optional
        When the continuation is made here: it replaces the photo's alpha in the band just inside the photo's
        edge (:func:`continue_body`'s ``through_band``).

    Returns
    -------
    (alpha, change)
        The faded matte (float32) and a change record
        ``{"change": "body_faded", "sides": [...], "width": face widths}``,
        or None when no body reached the canvas.

    Examples
    --------
    >>> import numpy as np
    >>> lm = np.tile([[50.0, 40.0]], (68, 1)); lm[36:42] = [40, 40]; lm[42:48] = [60, 40]
    >>> lm[0], lm[16], lm[8] = [30, 45], [70, 45], [50, 62]
    >>> f = Framing(np.array([[1.0, 0, 20], [0, 1, 0]]), (100, 100), 0.0, extended=("left",))
    >>> body = np.ones((100, 100), np.float32)              # the body fills the frame, the photo starts at x = 20
    >>> out, change = fade_at_photo_edge(body, f, (100, 80), lm)
    >>> float(out[95, 21]) < 0.05, float(out[95, 99]), float(out[40, 40]), change["sides"]  # body, far, face
    (True, 1.0, 1.0, ['left'])
    """
    a = np.asarray(alpha, np.float32)
    cov = framing.coverage(source_shape)
    if a.shape != cov.shape:
        raise ValueError(f"alpha {a.shape} does not match the frame {cov.shape}")
    if float(cov.min()) >= 0.999:
        return a.copy(), None
    canvas, _, near, _ = _photo_edge(cov, framing.extended)
    a = mend_photo_border(a, framing, source_shape) if mend else a.copy()
    canvas = canvas.astype(bool)
    if not canvas.any():
        return a, None
    lm = np.asarray(landmarks, np.float64)
    h, w = a.shape
    depth, eyes, fw = _below_chin((h, w), lm)  # head heights below the chin
    # shoulders that leave the photo through an extended side and the frame's bottom go on past its edge
    band = None
    if continued is None:
        cont, continued, band = _continue_body(a, cov, canvas, depth, float(eyes[0]), fw, framing.extended,
                                               through_band=through_band)
    else:
        cont, continued = continued
        if np.shape(cont) != a.shape:
            raise ValueError(f"continued {np.shape(cont)} does not match the frame {a.shape}")
    a = np.where(near, a * cov, a)
    if continued:
        a = np.maximum(a, cont) if band is None else _with_band(a, cont, band)
        canvas = canvas & ~(cont > 0)  # not a canvas the body ends at: its outline goes on there
    # only where the person reaches the canvas: a shoulder that ends in the photo keeps its own outline
    # (lifeifei's arm ended 80 px before the edge and was faded from there to the frame's corner)
    body = (a > 0.5) & ~canvas
    reach = max(3.0, REACH * h)
    contact = canvas & (cv2.distanceTransform((~body).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE) <= reach)
    if continued:  # the canvas just above a continued shoulder: its line goes on, nothing ends there
        contact &= cv2.distanceTransform((cont <= 0.5).astype(np.uint8), cv2.DIST_L2, 5) > 2 * reach
    if not contact.any():
        return a, (_continued_record(continued) if continued else None)
    dist, nearest = cv2.distanceTransformWithLabels((~contact).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_5,
                                                    labelType=cv2.DIST_LABEL_PIXEL)
    below = np.clip((depth + 0.1) / 0.1, 0, 1)  # 0 on the head down to just above the chin, 1 below it
    body_w = FADE_AT_CHIN + (FADE_BELOW - FADE_AT_CHIN) * np.clip(depth, 0, 1)
    width = fw * (FADE_HEAD + (body_w - FADE_HEAD) * below)
    # a fade no longer than the stretch of edge the body runs into: a sleeve that only grazes the edge (biden
    # linkedin, 15 px off it) softens there, a shoulder cut along the whole side (tom_cruise_tight) fades fully
    width = np.maximum(width * _contact_share(contact, nearest, FADE_AT_CHIN * fw), 2.5 * reach)
    t = np.clip(dist / width, 0, 1)
    keep = t * t * (3 - 2 * t)
    # the face itself (its landmarks' hull and a margin) is never faded
    hull = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(np.round(lm).astype(np.int32)), 1)
    r = max(int(0.08 * fw), 1)
    hull = cv2.dilate(hull, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    keep = np.where(hull.astype(bool), 1.0, keep)
    out = (a * keep).astype(np.float32)
    lost = (a - out) > 0.05
    if not lost.any():
        return a, (_continued_record(continued) if continued else None)
    # a limb the fade parts from the body stays below 0.5 (faded, never a separate piece)
    before, _ = _components(a > 0.5)
    after, n = _components(out > 0.5)
    c = np.clip(np.round(lm[27:31].mean(0)).astype(int), 0, [w - 1, h - 1])
    own, own_before = after[c[1], c[0]], before[c[1], c[0]]
    for i in range(1, n + 1):
        piece = after == i
        if i != own and own_before and (before[piece] == own_before).any():
            out[piece] = np.minimum(out[piece], 0.49)
    ys, xs = np.nonzero(lost)
    sides = [s for s, hit in (("left", (xs < eyes[0]).mean() > 0.2 and "left" in framing.extended),
                              ("right", (xs > eyes[0]).mean() > 0.2 and "right" in framing.extended),
                              ("top", (ys < eyes[1]).mean() > 0.2 and "top" in framing.extended)) if hit]
    if continued:
        return out, {**_continued_record(continued), "faded": sides or list(framing.extended)}
    return out, {"change": "body_faded", "sides": sides or list(framing.extended),
                 "width": round(FADE_AT_CHIN, 2)}


class Continuation(NamedTuple):
    """The body :func:`continue_body` carried past the photo's edge: its own alpha and the sides.

    A tuple, so ``cont, sides = continuation`` unpacks it, as :func:`fade_at_photo_edge`'s ``continued`` does.

    Examples
    --------
    >>> import numpy as np
    >>> c = Continuation(np.zeros((2, 2), np.float32), ["left"])
    >>> c.sides, c[1] == c.sides
    (['left'], True)
    """

    alpha: np.ndarray
    sides: list[str]


def continue_body(alpha: np.ndarray, framing: Framing, source_shape: tuple[int, ...],
                  landmarks: np.ndarray, *, return_continuation: bool = False, through_band: bool = True):
    """Carry shoulders that leave the photo through a narrow extended side on past its edge, as alpha.

    The same continuation :func:`fade_at_photo_edge` makes (:func:`_continue_body`: only across a canvas at
    most :data:`CONTINUE_MAX` face widths wide, for a body that runs into that side and the frame's bottom),
    on its own, so a caller can make it *before* relighting and estimating the foreground: then the continued
    cloth is lit like the photo's (the relight keeps pixels under alpha 0 as they are, and a continuation made
    afterwards showed the unlit, lighter edge as a seam) and its colour is the photo mirrored across its edge
    (:func:`mirror_canvas`). :func:`fade_at_photo_edge` later finds the body already continued and keeps it.

    Parameters
    ----------
    alpha : ndarray
        ``(h, w)`` matte in the frame; not modified.
    framing : Framing
        The frame the matte is in.
    source_shape : tuple of int
        Shape of the photo the frame was cut from.
    landmarks : ndarray
        ``(68, 2)`` landmarks in the frame.
    return_continuation : bool, optional
        Return the continuation itself instead of the sides, for :func:`fade_at_photo_edge`'s ``continued``
        (it is not made twice).
    through_band : bool, optional
        In the band just inside the photo's edge (where the matte tapered the body and the continuation is read
        past), on the shoulder's rows, the continuation replaces the photo's own alpha instead of being added to
        it: one outline from inside the photo out over the canvas, no vertical step at the photo's edge where the
        photo's flatter outline met the continuation's falling one (:func:`_continue_body`).

    Returns
    -------
    (alpha, sides) or (alpha, Continuation)
        The matte with the continued body (float32, never lower than ``alpha`` except, with ``through_band``, in
        the band inside the photo's edge that the continuation takes over) and the sides continued
        (``[]``: a copy of ``alpha``); with ``return_continuation``, a :class:`Continuation` in place of the
        sides: the continued body's own alpha (zero elsewhere) and the sides.

    Examples
    --------
    >>> import numpy as np
    >>> lm = np.tile([[50.0, 40.0]], (68, 1)); lm[36:42] = [40, 40]; lm[42:48] = [60, 40]
    >>> lm[0], lm[16], lm[8] = [30, 45], [70, 45], [50, 62]
    >>> f = Framing(np.array([[1.0, 0, 10], [0, 1, 0]]), (100, 100), 0.0, extended=("left",))
    >>> a = np.zeros((100, 100), np.float32); a[:, 10:] = 1.0; a[:70, 10:30] = 0.0   # shoulders from y = 70
    >>> out, sides = continue_body(a, f, (100, 90), lm)
    >>> sides, float(a[90, 3]), float(out[90, 3]), float(out[40, 3])   # the shoulder goes on, nothing above it
    (['left'], 0.0, 1.0, 0.0)
    """
    a = np.asarray(alpha, np.float32)
    cov = framing.coverage(source_shape)
    if a.shape != cov.shape:
        raise ValueError(f"alpha {a.shape} does not match the frame {cov.shape}")
    if float(cov.min()) >= 0.999 or not ({"left", "right"} & set(framing.extended)):
        cont, sides, band = np.zeros(a.shape, np.float32), [], None
    else:
        canvas = _photo_edge(cov, framing.extended)[0].astype(bool)
        depth, eyes, fw = _below_chin(a.shape, landmarks)
        cont, sides, band = _continue_body(a, cov, canvas, depth, float(eyes[0]), fw, framing.extended,
                                           through_band=through_band)
    out = _with_band(a, cont, band) if sides else a.copy()
    return (out, Continuation(cont, sides)) if return_continuation else (out, sides)


def mirror_canvas(pixels: np.ndarray, framing: Framing, source_shape: tuple[int, ...]) -> np.ndarray:
    """The framed image with its extended canvas replaced by the photo mirrored across the photo's edge.

    :func:`apply_framing` repeats the photo's last pixels on the canvas: a shoulder continued there
    (:func:`continue_body`) came out as horizontal streaks of one column, with a seam where the photo ends
    (tom_cruise_tight linkedin at 2x). Mirrored, the cloth keeps its own texture and shading and meets the
    photo without a step. Each canvas pixel's point in the photo is reflected into it (``reflect-101``, in the
    photo's own coordinates, so a levelled frame mirrors along the photo's tilted edge) and read back from
    ``pixels`` (bilinear). Only the canvas (less than half inside the photo) changes; call it on the framed
    image after any tone steps, before the light, so the mirrored pixels are lit like the photo's.

    Parameters
    ----------
    pixels : ndarray
        ``(h, w, 3)`` framed image (:func:`apply_framing`, maybe toned); not modified.
    framing : Framing
        The frame.
    source_shape : tuple of int
        Shape of the photo the frame was cut from.

    Returns
    -------
    ndarray
        A float32 copy with the canvas mirrored.

    Examples
    --------
    >>> import numpy as np
    >>> f = Framing(np.array([[1.0, 0, 3], [0, 1, 0]]), (8, 2), 0.0, extended=("left",))
    >>> photo = np.tile(np.arange(5, dtype=np.float32)[None, :, None], (2, 1, 3)) / 10
    >>> out = mirror_canvas(apply_framing(photo, f), f, photo.shape)
    >>> [round(float(v), 1) for v in out[0, :, 0]]      # 0.3 0.2 0.1 | 0.0 0.1 0.2 0.3 0.4
    [0.3, 0.2, 0.1, 0.0, 0.1, 0.2, 0.3, 0.4]
    """
    out = np.array(pixels, np.float32, copy=True)
    cov = framing.coverage(source_shape)
    if out.shape[:2] != cov.shape:
        raise ValueError(f"pixels {out.shape[:2]} do not match the frame {cov.shape}")
    canvas = cov < 0.5
    if not canvas.any():
        return out
    H, W = source_shape[:2]
    m = np.asarray(framing.matrix, np.float64)
    inv = cv2.invertAffineTransform(m)
    ys, xs = np.nonzero(canvas)
    sx = inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2]
    sy = inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2]

    def reflect(v, n):  # reflect-101 into [0, n - 1], repeated for a canvas wider than the photo
        period = max(2 * (n - 1), 1)
        v = np.mod(v, period)
        return np.where(v > n - 1, period - v, v)

    rx, ry = reflect(sx, W), reflect(sy, H)
    ox = m[0, 0] * rx + m[0, 1] * ry + m[0, 2]
    oy = m[1, 0] * rx + m[1, 1] * ry + m[1, 2]
    h, w = cov.shape
    fx, fy = np.clip(ox, 0, w - 1), np.clip(oy, 0, h - 1)
    x0, y0 = np.minimum(np.floor(fx).astype(int), w - 2 if w > 1 else 0), np.minimum(np.floor(fy).astype(int), h - 2 if h > 1 else 0)
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    tx, ty = (fx - x0)[:, None].astype(np.float32), (fy - y0)[:, None].astype(np.float32)
    src = out.copy()
    out[ys, xs] = ((1 - ty) * ((1 - tx) * src[y0, x0] + tx * src[y0, x1])
                   + ty * ((1 - tx) * src[y1, x0] + tx * src[y1, x1]))
    return out


def _below_chin(shape: tuple[int, int], landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Head heights below the chin per pixel, the eyes' midpoint and the face's width (jaw, landmarks 0-16)."""
    lm = np.asarray(landmarks, np.float64)
    right, left = eye_centers(lm)
    eyes, chin = (right + left) / 2, lm[8]
    _, _, head_h = head_extent(lm)
    u = (chin - eyes) / max(float(np.linalg.norm(chin - eyes)), 1e-6)
    depth = _along(shape, chin, u) / max(head_h, 1.0)
    return depth, eyes, max(float(np.linalg.norm(lm[16] - lm[0])), 1.0)


def _continued_record(sides: list[str]) -> dict:
    return {"change": "body_continued", "sides": list(sides)}


def _continue_body(a: np.ndarray, cov: np.ndarray, canvas: np.ndarray, depth: np.ndarray, centre_x: float,
                   fw: float, extended: tuple[str, ...], *, through_band: bool = True
                   ) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Alpha of shoulders continued past the photo's left/right edge on an extended canvas, and those sides.

    A side qualifies when its canvas is at most :data:`CONTINUE_MAX` face widths wide at the frame's
    bottom and, below the chin, the cut-out (alpha > 0.5) meets the photo's edge along at
    least :data:`CONTINUE_MIN` face widths (or half of that edge below the chin, in a frame that ends soon
    below it) and down to the frame's bottom: the body leaves the frame there, as in a headshot framed wider
    than the photo. The matte tapers the body over the last :data:`TAPER` of the photo (it saw the canvas as
    outside), so the alpha is read that far inside. Each pixel below the chin on that side, from there out
    to the frame's border, takes the alpha of the nearest pixel that far inside the photo (the colours there
    are the photo's edge, repeated by :func:`apply_framing`; the foreground estimate carries them on), moved
    down by the shoulder's own slope (:data:`SLOPE_SPAN`, :data:`MAX_SLOPE`) times the distance, so the
    shoulder's line goes on falling instead of turning flat. Zero everywhere else.

    Also returns the band the continuation takes over (bool, ``(h, w)``): with ``through_band``, the photo's own
    pixels between that far inside and its edge, on the shoulder's rows of a continued side. The continuation
    falls from where it is read, so across that band it lies lower than the photo's own outline wherever the
    shoulder flattens towards the edge; kept as the larger of the two, the photo's flatter outline ended at its
    edge in a vertical step down to the continuation (tom_cruise_tight memorial: 9 rows, a notch in the
    shoulder at 1:1). The caller puts the continuation there in place of the photo's alpha (:func:`_with_band`).
    """
    h, w = a.shape
    out = np.zeros((h, w), np.float32)
    band = np.zeros((h, w), bool)
    off = (cov < 0.999).astype(np.uint8)
    if not off.any():
        return out, [], band
    inset = max(4, int(math.ceil(TAPER * w))) + 2
    deep = cv2.distanceTransform(1 - off, cv2.DIST_L2, 5) > inset  # past the matte's taper towards the canvas
    if not deep.any():
        return out, [], band
    xx = np.arange(w)[None, :]
    below = depth > 0
    dist, labels = cv2.distanceTransformWithLabels((~deep).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_5,
                                                   labelType=cv2.DIST_LABEL_PIXEL)
    iy, ix = np.nonzero(deep)  # the labels number the deep pixels in raster order
    rows = np.flatnonzero(deep.any(axis=1))
    shoulder = _shoulders(a, depth)
    sides = []
    for side in ("left", "right"):
        if side not in extended:
            continue
        beyond = ~deep & below & ((xx < centre_x) if side == "left" else (xx > centre_x))
        if not (beyond & canvas).any():
            continue
        bottom = canvas[h - 1] & ((xx[0] < centre_x) if side == "left" else (xx[0] > centre_x))
        if bottom.sum() > CONTINUE_MAX * fw:
            continue  # too wide a canvas to carry a shoulder across: faded instead
        # the photo's edge on this side (that far inside), row by row, and whether canvas lies beyond it
        edge_x = np.array([np.flatnonzero(deep[r])[0 if side == "left" else -1] for r in rows])
        out_x = np.clip(edge_x + (-2 * inset if side == "left" else 2 * inset), 0, w - 1)
        open_side = canvas[rows, out_x] & below[rows, edge_x]
        at_edge = (a[rows, edge_x] > 0.5) & open_side
        need = min(CONTINUE_MIN * fw, 0.5 * open_side.sum())
        if not at_edge.any() or at_edge.sum() < need or rows[at_edge].max() < rows.max() - 2:
            continue  # a sleeve grazing the edge, or a body that ends above the frame's bottom: faded instead
        # the shoulder's line just inside: per column the top of the run of body that reaches the frame's bottom,
        # where it lies below the middle of the face (higher up, that column runs through the head), fitted by a line
        step = 1 if side == "left" else -1
        e = int(np.median(edge_x[at_edge]))
        tops = []
        for k in range(0, max(int(SLOPE_SPAN * fw), 3)):
            c = e + step * k
            if 0 <= c < w:
                clear = np.flatnonzero(a[:, c] <= 0.5)
                top = clear[-1] + 1 if clear.size else 0
                if top < h and a[h - 1, c] > 0.5 and depth[top, c] > -0.5:
                    tops.append((k, top))
        slope = 0.0
        if len(tops) >= 3:
            k, t = np.array(tops, np.float64).T
            slope = float(np.clip(-np.polyfit(k, t, 1)[0], 0.0, MAX_SLOPE))  # rows down per column outwards
        beyond = ~deep & (depth > -0.5) & ((xx < centre_x) if side == "left" else (xx > centre_x))
        nearest = np.clip(labels[beyond] - 1, 0, len(iy) - 1)
        # read between rows (linear), not the nearest row: rounding stepped the continued outline by whole
        # rows every 1 / slope columns, a staircase at 2x
        fy = np.clip(iy[nearest] - slope * dist[beyond], 0, h - 1)
        y0 = np.floor(fy).astype(int)
        y1, t = np.minimum(y0 + 1, h - 1), (fy - y0).astype(np.float32)
        carried = a * shoulder
        out[beyond] = np.maximum(out[beyond], (1 - t) * carried[y0, ix[nearest]] + t * carried[y1, ix[nearest]])
        if through_band:  # the photo's own pixels it is read past, beside the shoulder (not above its top: hair
            # there is the photo's), reached sideways (not the strip along a sliver at the frame's bottom)
            by, bx = np.nonzero(beyond)
            sideways = np.abs(ix[nearest] - bx) > np.abs(iy[nearest] - by)
            take = (cov[by, bx] >= 0.5) & (shoulder[iy[nearest], ix[nearest]] > 0) & sideways
            band[by[take], bx[take]] = True
        sides.append(side)
    return out, sides, band


def _with_band(a: np.ndarray, cont: np.ndarray, band: np.ndarray) -> np.ndarray:
    """``a`` with the continuation ``cont`` added (the larger of the two), and in place of ``a`` on ``band``.

    Examples
    --------
    >>> import numpy as np
    >>> a, c = np.array([1.0, 1.0, 0.0], np.float32), np.array([0.0, 0.5, 1.0], np.float32)
    >>> _with_band(a, c, np.array([False, True, False])).tolist()
    [1.0, 0.5, 1.0]
    """
    return np.where(band, cont, np.maximum(a, cont)).astype(np.float32)


def _shoulders(a: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """``(h, w)`` float32 mask of the body that reaches the frame's bottom, per column, with its soft top edge.

    In each column: the run of alpha > 0.5 that ends at the frame's bottom, and a few rows above its top (its
    anti-aliased edge), where that top lies below the middle of the face (higher up the column runs through
    the head: hair beside the face is never carried out into the canvas).
    """
    h, w = a.shape
    clear = a <= 0.5
    last_clear = np.where(clear.any(axis=0), h - 1 - np.argmax(clear[::-1], axis=0), -1)
    top = last_clear + 1
    ok = (top < h) & (a[h - 1] > 0.5)
    ok &= depth[np.clip(top, 0, h - 1), np.arange(w)] > -0.5
    margin = max(3, int(round(0.01 * h)))
    rows = np.arange(h)[:, None]
    return ((rows >= (top - margin)[None, :]) & ok[None, :]).astype(np.float32)


def _drop_slivers(canvas: np.ndarray, extended: tuple[str, ...]) -> int:
    """Clear (in place) the canvas strips along sides the frame was not extended at; return the band (px).

    :func:`frame` lets a side reach :data:`SLIVER` of the frame (and half a pixel) past the photo without
    calling it extended (the bottom always; a 1381 px frame: up to 3 rows). Such a strip is the photo's
    last rows, not backdrop: below the band it is kept only where the canvas goes on inwards (the foot of an
    extended side). It was taken for canvas and faded the whole body from the bottom up (lifeifei linkedin).
    """
    h, w = canvas.shape
    bands = {s: int(math.ceil(SLIVER * (h if s in ("top", "bottom") else w) + 1.5)) + 1
             for s in ("top", "bottom", "left", "right")}
    for side, b in bands.items():
        if side in extended:
            continue
        if side == "bottom" and h > b:
            canvas[h - b:] &= canvas[h - b - 1][None, :]
        elif side == "top" and h > b:
            canvas[:b] &= canvas[b][None, :]
        elif side == "left" and w > b:
            canvas[:, :b] &= canvas[:, b][:, None]
        elif side == "right" and w > b:
            canvas[:, w - b:] &= canvas[:, w - b - 1][:, None]
    return max(bands.values())


def _mend_border(a: np.ndarray, cov: np.ndarray, near: np.ndarray, extended: tuple[str, ...],
                 band: int) -> np.ndarray:
    """Alpha along a side the frame reaches a sliver past the photo, replicated from just inside (in place).

    The matte sees that sliver as outside the photo and tapers the body towards it over a few rows: a
    see-through band along the frame's own bottom (yangmi_5 memorial: alpha 0.8, 0.5, 0.2, 0.05, 0 over the
    last 5 rows). The body goes on beyond the frame there, so within ``band`` and :data:`TAPER` of such a side
    alpha is at least the alpha of the first row (column) inside; canvas and its surroundings are left alone.
    """
    h, w = a.shape
    for side in ("bottom", "top", "left", "right"):
        if side in extended:
            continue
        depth = band + max(4, int(math.ceil(TAPER * (h if side in ("top", "bottom") else w))))
        if depth >= (h if side in ("top", "bottom") else w) // 3:
            continue
        sl = {"bottom": np.s_[h - depth:, :], "top": np.s_[:depth, :],
              "left": np.s_[:, :depth], "right": np.s_[:, w - depth:]}[side]
        edge = {"bottom": np.s_[h - 1, :], "top": np.s_[0, :], "left": np.s_[:, 0], "right": np.s_[:, w - 1]}[side]
        inner = {"bottom": np.s_[h - depth - 1, :], "top": np.s_[depth, :],
                 "left": np.s_[:, depth], "right": np.s_[:, w - depth - 1]}[side]
        past = cov[edge] < 0.999  # where along this side the frame reaches past the photo
        if not past.any():
            continue  # the photo covers this side's border: no sliver, no taper
        # only there: where the photo covers the border the matte's outline is the person's own (a crown that
        # rounds off below the top row); mended along the whole side because the canvas of an extended side
        # touched its corner, it was drawn up into a wall, the photo's old wall in it (yangmi_4, tom_cruise_tight)
        ref = np.where(near[inner] | ~past, 0.0, a[inner])
        ref = ref[None, :] if side in ("top", "bottom") else ref[:, None]
        a[sl] = np.where(near[sl], a[sl], np.maximum(a[sl], ref))
    return a


def _contact_share(contact: np.ndarray, nearest: np.ndarray, full: float) -> np.ndarray:
    """Per pixel: the length of the stretch of ``contact`` nearest to it over ``full`` (at most 1).

    ``nearest`` is :func:`cv2.distanceTransformWithLabels`' ``DIST_LABEL_PIXEL`` labels of ``~contact``
    (the contact pixels numbered in raster order); a stretch's length is its bounding box's longer side.
    """
    n, comp, stats, _ = cv2.connectedComponentsWithStats(contact.astype(np.uint8), connectivity=8)
    length = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]).astype(np.float32)
    share = np.clip(length / max(full, 1.0), 0.0, 1.0)
    of_pixel = share[comp[contact]]  # contact pixels in raster order, as the labels count them
    return of_pixel[np.clip(nearest - 1, 0, len(of_pixel) - 1)].astype(np.float32)


def _components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """8-connected components of a bool mask (labels, count)."""
    n, labels = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
    return labels, n - 1


#: Jaw width (landmarks 0-16) over inter-ocular distance for a frontal face photographed from afar.
FAR_JAW_RATIO = 2.2


#: :func:`head_covering`: the share of the band above the hairline the person mask must cover, the share of the
#: places beside the face that must show hair (not skin, not backdrop) for a comparison at all, and the CIELAB
#: distance (Delta E 1976) between the two medians from which the band is not the same hair.
COVER_SEEN, COVER_HAIR, COVER_DELTA = 0.8, 0.6, 30.0
#: The weight of lightness in that distance (the same hair lit on top and shaded beside the face: woI-62_12's red
#: hair, 38 L* apart), and the largest turn (the nose tip off the jaw's middle, in face widths) it is measured at.
COVER_LIGHTNESS, COVER_TURN = 0.5, 0.2


def head_covering(pixels: np.ndarray, landmarks: np.ndarray, person: np.ndarray | None) -> dict | None:
    """A head covering (hat, cap, beanie) where the hair's top should be: a change record, or None.

    MediaPipe has no hat class, so this compares what can be measured: the colour of the band above the
    hairline (between the hairline and the landmark crown, the middle 0.6 face widths, where the person mask
    holds) with the colour of the hair beside the face (0.05-0.3 face widths outside the jaw, from the eyes
    to the mouth, where the mask holds, leaving out skin within Delta E 15 of the cheeks). A covering is said
    when the band is at least :data:`COVER_SEEN` person, at least :data:`COVER_HAIR` of each place beside the
    face shows hair, the two sides' hair is alike (half :data:`COVER_DELTA`: else it is not the head's own hair,
    a neighbour's shirt in a group photo), and the band's and the hair's medians lie :data:`COVER_DELTA` or more
    apart (lightness weighted by :data:`COVER_LIGHTNESS`), on a face turned at most :data:`COVER_TURN`. Hair
    seen only on top (short hair, a bald head, a covering that also hides the sides: a headscarf) cannot be
    compared, and nothing is said: better no word than a false one.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` sRGB in [0, 1].
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    person : ndarray or None
        Person probability (any size); None: nothing is said.

    Returns
    -------
    dict or None
        ``{"change": "head_covering", "delta_e": ...}`` (the two medians' distance), or None.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> from candid.face.masks import forehead_top
    >>> img = np.full((512, 512, 3), 0.9, np.float32); person = np.zeros((512, 512), np.float32)
    >>> person[20:, 120:380] = 1; img[20:, 120:380] = (0.25, 0.15, 0.1)       # brown hair, top and sides
    >>> _ = cv2.fillConvexPoly(img, np.round(lm[:17]).astype(np.int32), (0.85, 0.65, 0.55))  # the face
    >>> head_covering(img, lm, person) is None                                # the same hair: nothing said
    True
    >>> img[20:int(forehead_top(lm)[:, 1].min()), 120:380] = (0.2, 0.6, 0.3)  # a green beanie on top
    >>> head_covering(img, lm, person)["change"]
    'head_covering'
    """
    if person is None:
        return None
    lm = np.asarray(landmarks, np.float64)
    H, W = pixels.shape[:2]
    crown, _, _ = head_extent(lm)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    if abs(float(lm[30, 0] - lm[[0, 16], 0].mean())) > COVER_TURN * max(fw, 1.0):
        return None  # a face turned away: the places beside it are not beside the head's hair
    ft = forehead_top(lm)
    hair_y, cx = float(ft[:, 1].min()), float(ft[:, 0].mean())
    rise = max(hair_y - float(crown[1]), 1.0)
    x0, x1 = max(int(lm[:, 0].min() - 0.35 * fw), 0), min(int(lm[:, 0].max() + 0.35 * fw) + 1, W)
    y0, y1 = max(int(hair_y - 0.7 * rise), 0), min(int(lm[:, 1].max()) + 1, H)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    # the person mask over this window only (no full-size copy); linear, not guided by the photo: the medians
    # below do not need the hair's edge to the pixel, and the guided filter cost 0.1-0.3 s per passport
    p = _head_mask(person, None, (H, W), (x0, x1, y1), window=(x0, y0, x1, y1))
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float64)
    band = (np.abs(xx - cx) < 0.3 * fw) & (yy < hair_y - 0.1 * rise) & (yy > hair_y - 0.7 * rise)
    eye_y, mouth_y = float(lm[36:48, 1].mean()), float(lm[48:68, 1].mean())
    left = np.interp(yy, lm[0:9, 1], lm[0:9, 0])       # the jaw's outline at each row, each side
    right = np.interp(yy, lm[8:17, 1][::-1], lm[8:17, 0][::-1])
    rows = (yy > eye_y) & (yy < mouth_y)
    sides = [rows & (xx < left - 0.05 * fw) & (xx > left - 0.3 * fw),
             rows & (xx > right + 0.05 * fw) & (xx < right + 0.3 * fw)]
    if band.sum() < 20 or min(m.sum() for m in sides) < 10 or (band & p).sum() < COVER_SEEN * band.sum():
        return None
    from skimage.color import rgb2lab

    img = np.clip(np.asarray(pixels[y0:y1, x0:x1], np.float32), 0, 1)
    r = max(int(0.06 * fw), 2)
    cheeks = np.concatenate([img[max(int(c[1]) - y0 - r, 0):int(c[1]) - y0 + r,
                                 max(int(c[0]) - x0 - r, 0):int(c[0]) - x0 + r].reshape(-1, 3)
                             for c in ((lm[2] + lm[30]) / 2, (lm[14] + lm[30]) / 2)])
    if len(cheeks) < 4:
        return None
    lab = lambda v: rgb2lab(v.reshape(-1, 1, 3)).reshape(-1, 3)  # noqa: E731
    weigh = np.array([COVER_LIGHTNESS, 1.0, 1.0])
    skin = np.median(lab(cheeks), 0)
    hair = []
    for m in sides:  # each side's hair: not skin; both sides must show it, in one colour (the same hair)
        v = lab(img[m & p]) if (m & p).any() else np.zeros((0, 3))
        v = v[np.linalg.norm(v - skin, axis=1) > 15]
        if len(v) < COVER_HAIR * m.sum():
            return None
        hair.append(v)
    if float(np.linalg.norm((np.median(hair[0], 0) - np.median(hair[1], 0)) * weigh)) > COVER_DELTA / 2:
        return None  # unlike each other: not the head's own hair on both sides (2008_002470: two neighbours' shirts)
    diff = (np.median(lab(img[band & p]), 0) - np.median(np.concatenate(hair), 0)) * weigh
    delta = float(np.linalg.norm(diff))
    return {"change": "head_covering", "delta_e": round(delta, 1)} if delta >= COVER_DELTA else None


def selfie_distortion(landmarks: np.ndarray) -> float:
    """Estimated close-range perspective (0 = none) from the face's proportions.

    At arm's length the middle of the face (eyes, nose) is much nearer the
    lens than the jaw line, so the jaw looks narrow next to the eyes. The
    estimate is the jaw-to-IOD shortfall against a far-away frontal face, and
    is 0 for turned faces (where the ratio means nothing).

    Examples
    --------
    >>> from candid.face.examples import astronaut_landmarks
    >>> selfie_distortion(astronaut_landmarks()) < 0.05
    True
    """
    lm = np.asarray(landmarks, np.float64)
    right, left = eye_centers(lm)
    iod = float(np.linalg.norm(left - right))
    jaw = float(np.linalg.norm(lm[16] - lm[0]))
    turn = abs(float(lm[30, 0] - (lm[0, 0] + lm[16, 0]) / 2)) / max(jaw, 1.0)
    if iod <= 0 or turn > 0.08:
        return 0.0
    return float(np.clip((FAR_JAW_RATIO - jaw / iod) / FAR_JAW_RATIO, 0.0, 0.25))


def correct_selfie(pixels: np.ndarray, landmarks: np.ndarray, amount: float | None = None,
                   *, threshold: float = 0.06) -> tuple[np.ndarray, np.ndarray, float]:
    """Shrink the centre of a close-range face back towards far-away proportions.

    A radial warp centred on the nose tip compresses the middle of the face by
    ``amount`` and fades to nothing at the jaw line, so the outline and the
    background do not move.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 image; not modified.
    landmarks : ndarray
        ``(68, 2)`` landmarks.
    amount : float, optional
        Strength; estimated with :func:`selfie_distortion` if None.
    threshold : float
        Estimated amounts below this are left alone.

    Returns
    -------
    (pixels, landmarks, amount)
        Corrected copies and the amount used (0: unchanged).

    Examples
    --------
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> img, lm = astronaut(), astronaut_landmarks()
    >>> out, lm2, k = correct_selfie(img, lm, amount=0.1)
    >>> out.shape == img.shape, k
    (True, 0.1)
    """
    k = selfie_distortion(landmarks) if amount is None else float(amount)
    if amount is None and k < threshold:
        return pixels.copy(), np.asarray(landmarks, np.float32).copy(), 0.0
    if k <= 0:
        return pixels.copy(), np.asarray(landmarks, np.float32).copy(), 0.0
    lm = np.asarray(landmarks, np.float64)
    c = lm[30]
    radius = 0.62 * float(np.linalg.norm(lm[16] - lm[0]))
    H, W = pixels.shape[:2]
    x0, x1 = int(max(c[0] - radius - 2, 0)), int(min(c[0] + radius + 3, W))
    y0, y1 = int(max(c[1] - radius - 2, 0)), int(min(c[1] + radius + 3, H))
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    dx, dy = xx - c[0], yy - c[1]
    rho = np.sqrt(dx * dx + dy * dy) / radius
    w = np.where(rho < 1, (1 - rho ** 2) ** 2, 0).astype(np.float32)
    f = 1 + k * w  # output at rho samples source at rho * f: the middle shrinks
    out = pixels.copy()
    out[y0:y1, x0:x1] = cv2.remap(pixels, (c[0] + dx * f).astype(np.float32), (c[1] + dy * f).astype(np.float32),
                                  cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
    # move landmarks: solve rho_out * f(rho_out) = rho_src by fixed-point iteration
    d = lm - c
    r_src = np.linalg.norm(d, axis=1) / radius
    r_out = r_src.copy()
    for _ in range(20):
        ww = np.where(r_out < 1, (1 - r_out ** 2) ** 2, 0)
        r_out = r_src / (1 + k * ww)
    scale = np.where(r_src > 0, r_out / np.maximum(r_src, 1e-9), 1.0)
    new_lm = (c + d * scale[:, None]).astype(np.float32)
    return out, new_lm, k
