"""Find dust, scratches, cracks and creases on a scanned print.

Real damage on old prints is thin bright lines (lost emulsion showing the
paper: scratches, cracks, craquelure networks, creases) and dark ones (dirt,
hairs), in any direction and at several widths, plus specks of dust. They are
found with a classical, multi-scale, two-sided oriented line detector:

1. the print's luma is taken to a working size (about 1400 px on the short
   side), so the detector costs the same at 24 MP;
2. for 12 directions, the mean of the luma along a short segment (about 2 %
   of the print) is compared with the means along the two parallel segments
   on either side, at three offsets (line widths): a line is brighter (or
   darker) than *both* sides, which a step edge never is;
3. the response is divided by the local texture level (the local median of
   its own magnitude) and by the measured grain, so hair and fabric need a
   much stronger line than smooth skin or sky does;
4. hysteresis (strong seeds grow through weak pixels) joins the segments of a
   crack into one network, and components are kept when they are long and
   thin (skeleton length and mean width) and, on a colour print, neutral;
   on a monochrome print, paper showing through a dark busy area (a crack
   across knitwear) is seeded by its brightness alone, and kept only when it
   wanders like a crack, runs long and stays thin; a thin line must cross
   the picture (its two sides, a few px away, continue each other), not be
   an object bounded by its own edges (a white glove, a hat's brim); a
   crease (a wide bright line) must be one nearly straight line, not an
   object's branching outline (a bus's lit roof over its windows); on a
   monochrome print a crack network (craquelure branching in 2-D, as long
   in all as a long scratch) and the cracks joining it are damage whatever
   their sides, and found cracks are followed along their own direction
   into branches their network's texture level hid;
5. dust is a small, roundish outlier from the local median (on a colour
   print, not more colourful than its surroundings);
6. the mask is grown to cover the soft edge of each defect and taken back to
   the print's size.

The eyes are protected: small bright specks inside an eye outline
(catchlights) are never marked, while a crack crossing the eye is.
"""

from __future__ import annotations

from typing import Iterable

import cv2
import numpy as np

from candid.colour import luma
from candid.engines.restore.checks import check_image
from candid.engines.restore.sampling import noise_sigma

KINDS = ("dust", "scratches", "creases")

#: Short side (px) at which damage is looked for; bigger prints are reduced first.
WORK_SIDE = 1400

_N_DIR = 12

#: Largest median colour distance (RGB, 0-1) between the two sides of a line taken for damage.
SIDE_MAX = 0.15
#: Lines whose straight extent is at least this (fraction of the short side) are damage whatever their sides.
SIDE_FREE_LEN = 0.4
#: A thin-line component this spread in 2-D (minor/major) with a skeleton as long as SIDE_FREE_LEN is a
#: crack network (craquelure, crazing): damage whatever its sides.
NETWORK_SPREAD = 0.3
#: A crease (the wide-line pass) is one line: its skeleton at most this many times its straight extent.
CREASE_BRANCHING = 1.3

#: On a colour print, a speck more saturated (max-min of RGB) than 0.12 and than its surroundings by
#: more than this is picture (a lit leaf, a brow hair), not dust.
DUST_SAT_MORE = 0.03


def _face_zones(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(eye outlines, facial features, whole face) from the face landmarks, slightly grown; None without a face.

    Features (brows, eyes, nose, mouth) are where the picture itself has dark
    thin lines; the eye outlines are where catchlights are.
    """
    from candid.errors import FaceError
    from candid.face import analyze_face

    try:
        face = analyze_face(pixels, face_index=0, embed=False, quality=False)
    except FaceError:
        return None
    lm = np.asarray(face.landmarks, np.float32)
    if lm.shape != (68, 2):
        return None
    iod = float(face.iod)
    eyes = np.zeros(pixels.shape[:2], np.uint8)
    for sl in (slice(36, 42), slice(42, 48)):
        cv2.fillPoly(eyes, [lm[sl].round().astype(np.int32)], 1)
    feats = np.zeros_like(eyes)
    for idx in (list(range(17, 22)) + list(range(36, 42)), list(range(22, 27)) + list(range(42, 48)),
                list(range(27, 36)), list(range(48, 68))):
        cv2.fillConvexPoly(feats, cv2.convexHull(lm[idx].round().astype(np.int32)), 1)

    def grown(m: np.ndarray, r: float) -> np.ndarray:
        k = max(1, int(round(r)))
        return cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1, 2 * k + 1))) > 0

    hull = np.zeros_like(eyes)
    cv2.fillConvexPoly(hull, cv2.convexHull(lm.round().astype(np.int32)), 1)
    return grown(eyes, 0.06 * iod), grown(feats, 0.12 * iod), grown(hull, 0.35 * iod)


def _line_kernel(length: int, angle: float) -> np.ndarray:
    """Normalised anti-aliased segment of ``length`` px at ``angle`` (radians), odd square kernel."""
    k = length | 1
    c = k // 2
    ker = np.zeros((k, k), np.float32)
    dx, dy = np.cos(angle) * (length - 1) / 2, np.sin(angle) * (length - 1) / 2
    cv2.line(ker, (int(round((c - dx) * 16)), int(round((c - dy) * 16))),
             (int(round((c + dx) * 16)), int(round((c + dy) * 16))), 1.0, 1, cv2.LINE_AA, shift=4)
    return ker / ker.sum()


def _shift(img: np.ndarray, dx: float, dy: float) -> np.ndarray:
    """``img`` translated by (dx, dy) pixels (bilinear, edges replicated)."""
    m = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(img, m, (img.shape[1], img.shape[0]), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


def line_response(y: np.ndarray, length: int, offsets: Iterable[float], *,
                  steps: bool = False, directions: bool = False) -> tuple[np.ndarray, ...]:
    """Two-sided oriented line response of a grey image: (bright lines, dark lines).

    For each of 12 directions, the mean along a segment is compared with the
    means along the parallel segments ``offset`` px to each side; a bright
    line is brighter than both sides (the smaller difference is kept), so a
    step edge, brighter than one side only, gives nothing. With ``steps``,
    also return, for each, the difference between the two sides where the
    response was found (large along a rim at an object's edge, small along a
    crack across a smooth area). With ``directions``, also return, for each,
    the direction (radians, 0 = along x) of the segment that gave the
    response.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.full((64, 64), 0.4, np.float32)
    >>> y[30, :] = 0.9; y[:, 50:] = 0.8      # a bright line and a step edge
    >>> b, d = line_response(y, 9, (2,))
    >>> round(float(b[30, 20]), 2), round(float(b[10, 50]), 2), round(float(d[10, 20]), 2)
    (0.5, 0.0, 0.0)
    """
    y = np.ascontiguousarray(y, np.float32)
    bright = np.zeros_like(y)
    dark = np.zeros_like(y)
    step_b = np.zeros_like(y) if steps else None
    step_d = np.zeros_like(y) if steps else None
    dir_b = np.zeros_like(y) if directions else None
    dir_d = np.zeros_like(y) if directions else None
    for i in range(_N_DIR):
        a = np.pi * i / _N_DIR
        m = cv2.filter2D(y, -1, _line_kernel(length, a), borderType=cv2.BORDER_REPLICATE)
        nx, ny = -np.sin(a), np.cos(a)  # normal to the segment
        for o in offsets:
            s1 = _shift(m, nx * o, ny * o)
            s2 = _shift(m, -nx * o, -ny * o)
            rb = m - np.maximum(s1, s2)
            rd = np.minimum(s1, s2) - m
            if steps:
                st = np.abs(s1 - s2)
                np.copyto(step_b, st, where=rb > bright)
                np.copyto(step_d, st, where=rd > dark)
            if directions:
                np.copyto(dir_b, np.float32(a), where=rb > bright)
                np.copyto(dir_d, np.float32(a), where=rd > dark)
            np.maximum(bright, rb, out=bright)
            np.maximum(dark, rd, out=dark)
    out = (bright, dark)
    if steps:
        out += (step_b, step_d)
    if directions:
        out += (dir_b, dir_d)
    return out


def _local_level(r: np.ndarray, size: int) -> np.ndarray:
    """Local median of a non-negative response (its texture level), via uint8 median filtering."""
    top = float(np.percentile(r[:: 4, :: 4], 99.5)) + 1e-6
    r8 = np.clip(r * (255.0 / top), 0, 255).astype(np.uint8)
    small = cv2.resize(r8, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA) if min(r.shape) > 256 else r8
    k = max(3, int(size * small.shape[0] / r.shape[0]) | 1)
    med = cv2.medianBlur(small, min(k, 255)).astype(np.float32)
    med = cv2.GaussianBlur(med, (0, 0), k / 4)
    if small is not r8:
        med = cv2.resize(med, (r.shape[1], r.shape[0]), interpolation=cv2.INTER_LINEAR)
    return med * (top / 255.0)


def _skeleton_lengths(labels: np.ndarray, n: int) -> np.ndarray:
    """Skeleton length (px) of every labelled component."""
    from skimage.morphology import skeletonize

    sk = skeletonize(labels > 0)
    return np.bincount(labels[sk], minlength=n).astype(np.float64)


def _shape(labels: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per component: (length of a straight segment with the same spread, minor/major spread ratio)."""
    ys, xs = np.nonzero(labels)
    lab = labels[ys, xs]
    cnt = np.maximum(np.bincount(lab, minlength=n), 1).astype(np.float64)
    xs = xs.astype(np.float64)
    ys = ys.astype(np.float64)
    mx, my = np.bincount(lab, xs, n) / cnt, np.bincount(lab, ys, n) / cnt
    dx, dy = xs - mx[lab], ys - my[lab]
    sxx, syy, sxy = (np.bincount(lab, dx * dx, n) / cnt, np.bincount(lab, dy * dy, n) / cnt,
                     np.bincount(lab, dx * dy, n) / cnt)
    tr, det = sxx + syy, sxx * syy - sxy * sxy
    disc = np.sqrt(np.maximum(tr * tr / 4 - det, 0))
    major, minor = tr / 2 + disc, np.maximum(tr / 2 - disc, 0)
    return np.sqrt(12 * major), np.sqrt(minor / np.maximum(major, 1e-9))


def _hysteresis(strong: np.ndarray, weak: np.ndarray, bridge: int = 0) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Weak components touching a strong pixel: (n, labels, stats, kept flags).

    With ``bridge`` > 0, pieces up to ``2 * bridge`` px apart count as one
    component (a crack interrupted where it crosses a darker or brighter
    detail); labels and stats still cover the weak pixels only.
    """
    weak = weak | strong
    if bridge > 0:
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * bridge + 1, 2 * bridge + 1))
        _, labels = cv2.connectedComponents(cv2.dilate(weak.astype(np.uint8), k), connectivity=8)
        labels[~weak] = 0
        n = int(labels.max()) + 1
        area = np.bincount(labels.ravel(), minlength=n)
        stats = np.zeros((n, 5), np.int64)
        stats[:, cv2.CC_STAT_AREA] = area
        keep = np.zeros(n, bool)
        keep[np.unique(labels[strong])] = True
        keep[0] = False
        return n, labels, stats, keep
    n, labels, stats, _ = cv2.connectedComponentsWithStats(weak.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    keep[np.unique(labels[strong])] = True
    keep[0] = False
    return n, labels, stats, keep


def _side_difference(img: np.ndarray, direction: np.ndarray, labels: np.ndarray, n: int, keep: np.ndarray,
                     d: float = 6.0) -> np.ndarray:
    """Per component: median colour distance between the picture ``d`` px to each side of the line.

    A crack or scratch crosses the picture: the two sides continue each other
    (small distance). An object (a glove, a hat's brim, a lit rope) is bounded
    by its own edges: what lies beside it differs from side to side.
    """
    out = np.zeros(n)
    sel = keep[labels]
    yy, xx = np.nonzero(sel)
    if len(yy) == 0:
        return out
    a = direction[yy, xx]  # the segment that found the line; its normal points to the sides
    nx, ny = -np.sin(a) * d, np.cos(a) * d
    fx, fy = xx.astype(np.float32), yy.astype(np.float32)

    def at(dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
        return cv2.remap(img, (fx + dx).astype(np.float32)[None], (fy + dy).astype(np.float32)[None],
                         cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)[0]

    diff = np.linalg.norm(at(nx, ny) - at(-nx, -ny), axis=-1)
    lab = labels[yy, xx]
    for i in np.unique(lab):
        out[i] = float(np.median(diff[lab == i]))
    return out


def _join_network(keep: np.ndarray, ok: np.ndarray, labels: np.ndarray, radius: int, rounds: int = 3) -> np.ndarray:
    """Components of ``keep`` that are ``ok``, plus those within ``radius`` px of them (chains, ``rounds`` deep).

    Examples
    --------
    >>> import numpy as np
    >>> labels = np.zeros((5, 12), np.int32)
    >>> labels[2, 0:4], labels[2, 5:8], labels[2, 11] = 1, 2, 3    # 1 joins 2 (1 px gap); 3 is 3 px off
    >>> _join_network(np.array([False, True, True, True]), np.array([False, True, False, False]), labels, 2)
    array([False,  True,  True, False])
    """
    ok = keep & ok
    n = len(keep)
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    for _ in range(rounds):
        near = cv2.dilate(ok[labels].astype(np.uint8), disk) > 0
        touched = np.bincount(labels[near], minlength=n) > 0
        grown = ok | (keep & touched)
        grown[0] = False
        if (grown == ok).all():
            break
        ok = grown
    return ok


def _shifted(m: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """Bool image ``m`` moved by (dx, dy) px, False where nothing moved in."""
    out = np.zeros_like(m)
    h, w = m.shape
    out[max(0, dy):h + min(0, dy), max(0, dx):w + min(0, dx)] = m[max(0, -dy):h - max(0, dy),
                                                                  max(0, -dx):w - max(0, dx)]
    return out


def _follow_ridges(found: np.ndarray, cand: np.ndarray, direction: np.ndarray, steps: int) -> np.ndarray:
    """``found`` grown through ``cand`` pixels that continue it along their own line ``direction``.

    A candidate pixel is taken when a pixel already taken, running the same way, lies 1 or
    2 px from it along the direction (radians, 0 = along x) of the segment that found it: a
    crack continues itself; texture next to it does not line up. At most ``steps`` rounds.

    Examples
    --------
    >>> import numpy as np
    >>> found = np.zeros((5, 12), bool); found[2, 0:3] = True
    >>> cand = np.zeros_like(found); cand[2, 3:9] = True; cand[1, 4] = cand[0, 5] = True
    >>> d = np.zeros((5, 12), np.float32)      # all along x: the diagonal bit does not line up
    >>> g = _follow_ridges(found, cand, d, 10)
    >>> int(g[2].sum()), bool(g[1, 4]), bool(g[0, 5])
    (9, False, False)
    """
    bins = np.round(np.asarray(direction) / (np.pi / _N_DIR)).astype(np.int64) % _N_DIR
    out = found.copy()
    cand = cand & ~found
    frontier = out
    todo = [(k, cand & (bins == k)) for k in range(_N_DIR)]
    # ... from a pixel running the same way (within one direction step): no turning from a
    # crack into a fence's cross-bar
    todo = [(k, c, np.minimum((bins - k) % _N_DIR, (k - bins) % _N_DIR) <= 1) for k, c in todo if c.any()]
    for _ in range(steps):
        new = np.zeros_like(out)
        for k, c, along in todo:
            a = np.pi * k / _N_DIR
            same = frontier & along
            for r in (1, 2):
                dx, dy = int(round(r * np.cos(a))), int(round(r * np.sin(a)))
                if dx == 0 and dy == 0:
                    continue
                new |= c & (_shifted(same, dx, dy) | _shifted(same, -dx, -dy))
        new &= ~out
        if not new.any():
            break
        out |= new
        frontier = new
    return out


def _ring_around(keep: np.ndarray, labels: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """For the kept components: each pixel's nearest kept label within 1 % of ``size``, and the ring.

    Returns ``(near, ring)``: ``near`` (int64) labels every pixel within the radius of a kept
    component with that component's label; ``ring`` marks those of them outside every component.
    """
    r = max(3, int(round(0.01 * size)))
    lab32 = np.where(keep[labels], labels, 0).astype(np.float32)
    near = cv2.dilate(lab32, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    near = near.astype(np.int64)
    return near, (near > 0) & (labels == 0)


def damage_mask(
    pixels: np.ndarray,
    *,
    kinds: Iterable[str] = KINDS,
    sensitivity: float = 1.0,
    protect_eyes: bool = True,
) -> np.ndarray:
    """Boolean mask of dust, scratches, cracks and creases on a scanned print.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1] (not modified). Remove a halftone
        screen first (:func:`remove_halftone`): screen dots look like dust.
    kinds : iterable of {"dust", "scratches", "creases"}
        What to look for ("scratches" covers thin lines and cracks,
        "creases" the wider ones).
    sensitivity : float
        Above 1 finds fainter defects (and more false positives).
    protect_eyes : bool
        Find the face and never mark small bright specks inside the eyes
        (catchlights).

    Returns
    -------
    ndarray
        ``(H, W)`` bool, True where the print is damaged.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((256, 256, 3), 0.4, np.float32)
    >>> img[100:103, 100:103] = 1.0          # a speck of dust
    >>> img[20:22, 30:220] = 0.95           # a scratch
    >>> m = damage_mask(img, protect_eyes=False)
    >>> bool(m[101, 101]), bool(m[21, 120]), bool(m[200, 200])
    (True, True, False)
    """
    kinds = tuple(kinds)
    bad = set(kinds) - set(KINDS)
    if bad:
        raise ValueError(f"unknown damage kinds {sorted(bad)}; use {KINDS}")
    if sensitivity <= 0:
        raise ValueError("sensitivity must be positive")
    img = check_image(pixels)
    h, w = img.shape[:2]
    f = min(1.0, WORK_SIDE / min(h, w))
    small = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else img
    sh, sw = small.shape[:2]
    s = min(sh, sw)
    y = luma(small)
    sigma = max(noise_sigma(y), 1.0 / 255)
    mask = np.zeros((sh, sw), bool)

    # colour: lost emulsion (paper) and dirt are near neutral compared with the picture
    sat = small.max(axis=2) - small.min(axis=2)
    mono = bool(np.percentile(sat[:: 4, :: 4], 95) < 0.16)
    sat_ref = float(np.percentile(sat[:: 4, :: 4], 50))

    y8 = np.clip(y * 255 + 0.5, 0, 255).astype(np.uint8)
    face = _face_zones(small) if protect_eyes else None
    length = max(7, int(round(0.02 * s)) | 1)
    passes = []  # (offsets, polarities, bridge, min length, max width) as fractions of s or px
    if "scratches" in kinds:  # thin lines: scratches, cracks, craquelure, hairs; may be short
        passes.append(([1.5, 2.5, 4.0], ("bright", "dark"), 2, 0.04, None))
    if "creases" in kinds:  # a fold: a wider bright line, long
        wide = max(6.0, 0.006 * s)
        passes.append(([wide, 1.6 * wide], ("bright",), 0, 0.2, max(2.5 * wide, 0.025 * s)))
    floor = 1.5 * sigma / np.sqrt(length) + 0.004
    ys3 = cv2.GaussianBlur(y, (0, 0), 3.0)
    edge = cv2.dilate(np.hypot(cv2.Sobel(ys3, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(ys3, cv2.CV_32F, 0, 1, ksize=3)) / 8,
                      np.ones((5, 5), np.uint8))
    del ys3
    for offsets, polarities, bridge, min_len, wide_max in passes:
        bright, dark, step_b, step_d, dir_b, dir_d = line_response(y, length, offsets, steps=True,
                                                                   directions=True)
        # wide enough that a line up to twice the largest offset is not its own median
        med = cv2.medianBlur(y8, min(255, 4 * int(np.ceil(max(offsets))) + 1)).astype(np.float32) / 255
        for polarity, resp, step, direction in (("bright", bright, step_b, dir_b), ("dark", dark, step_d, dir_d)):
            if polarity not in polarities:
                continue
            z = resp / (floor + 1.4 * _local_level(resp, int(0.08 * s)))
            t_strong, t_weak = (9.0, 3.0) if polarity == "bright" else (10.0, 4.0)
            strong = z > t_strong / sensitivity
            strong_z = strong
            glare = None
            if polarity == "bright" and mono:
                # paper showing through a dark, textured area (a crack across knitwear or hair) on
                # a monochrome print: a quarter of the tonal range brighter than both sides is a
                # crack even where the texture is as busy as the line is thin
                glare = (resp > 0.1) & (y - med > 0.15)
                strong = strong | ((z > 0.5 * t_strong / sensitivity) & (resp > 0.22))
            if not strong.any():
                continue
            # the line's own pixels: off the local median by a good part of the response
            dpx = (y - med) if polarity == "bright" else (med - y)
            core = dpx > np.maximum(2.5 * sigma, 0.35 * resp)
            weak = (z > t_weak / sensitivity) & core
            if glare is not None:
                weak_z = weak
                weak = weak | (glare & core)
            if polarity == "dark" and face is not None:
                weak &= ~face[1]  # eyelids, lips, nostrils and brows are dark lines of the picture
            n, labels, stats, keep = _hysteresis(strong & weak, weak, bridge=bridge)
            if not keep.any():
                continue
            area = stats[:, cv2.CC_STAT_AREA].astype(np.float64)
            skel = np.maximum(_skeleton_lengths(labels, n), 1)
            width = area / skel
            if wide_max is not None:
                max_w = wide_max
            else:
                max_w = max(3.0, 0.012 * s) if polarity == "bright" else max(3.5, 0.009 * s)
            keep &= (skel >= min_len * s) & (width <= max_w)
            if wide_max is not None and keep.any():
                # a fold is one line running nearly straight across the print: its skeleton is no
                # longer than its extent; an object's outline branches (a bus's roof over its windows)
                # (no two-sides test here: beside a wide line the picture differs by as much on a
                # fold across a busy picture as along a lit roof, once the fade is stretched)
                extent, spread = _shape(labels, n)
                keep &= (spread < 0.15) & (skel <= CREASE_BRANCHING * extent)
            if glare is not None and keep.any():
                # seeded by brightness alone (no strong line response for the texture around it):
                # must wander like a crack and run long, not be a window frame or a lettered sign
                by_z = np.zeros(n, bool)
                by_z[np.unique(labels[strong_z & weak_z])] = True
                # ... and mostly found as a line, not grown through bright picture by brightness alone
                by_z &= np.bincount(labels.ravel(), (weak & ~weak_z).ravel().astype(np.float64), n) < 0.3 * area
                extent, spread = _shape(labels, n)
                keep &= by_z | (((skel > 1.15 * extent) | (spread > 0.1)) & (skel >= 0.08 * s)
                                & (width <= max(3.0, 0.008 * s)))
            if polarity == "dark" and keep.any():
                # dark lines of the picture (masts, wires, ropes, edges) run straight or in smooth
                # arcs; a crack or a hair wanders: longer than its extent, or spread in 2-D
                extent, spread = _shape(labels, n)
                keep &= (skel > 1.15 * extent) | (spread > 0.1)
            if keep.any():
                # a rim along an object's edge (a collar, a lit cheek) has a different tone on
                # each side all along; a crack crosses smooth areas with the same tone on both
                ratio = np.minimum(step / np.maximum(resp, 1e-4), 4.0)
                mean_ratio = np.bincount(labels.ravel(), ratio.ravel().astype(np.float64), n) / np.maximum(area, 1)
                keep &= mean_ratio < 1.6
            if keep.any():
                # the same at a larger scale: a rim rides on an object's edge (a helmet's ring, a
                # rocket's outline), so the smoothed picture has a steep edge under it all along
                e = edge
                if wide_max is not None:
                    # a fold is wide: the object's edge may run beside it (a bridge's lit rail
                    # along the sky), not under it
                    kk = 2 * int(np.ceil(max(offsets))) + 1
                    e = cv2.dilate(edge, np.ones((kk, kk), np.uint8))
                rim = np.minimum(e / np.maximum(resp, 1e-4), 2.0)
                mean_rim = np.bincount(labels.ravel(), rim.ravel().astype(np.float64), n) / np.maximum(area, 1)
                keep &= mean_rim < (0.3 if polarity == "bright" else 0.35)
            side_ok = None
            if wide_max is None and keep.any():
                # a crack crosses the picture: a few px to each side the picture continues itself;
                # beside an object (a white glove, a hat's brim, a lit rope) it does not
                # (measured beyond the line's own width; a line running across much of the print
                # crosses the picture whatever lies along it: its extent, not its skeleton, whose
                # branches along an object's outline (a bus's window pillars) add length)
                # the same for a crack network (craquelure, crazing): branching in 2-D with as much
                # crack in it as a long scratch has; its branches run into the next crack, a bloom,
                # a lost corner, so their sides differ here and there, but an object's outline is
                # not that long at this width
                side = _side_difference(small, direction, labels, n, keep)
                extent, spread = _shape(labels, n)
                network = mono & (spread > NETWORK_SPREAD) & (skel >= SIDE_FREE_LEN * s)
                side_ok = (side < SIDE_MAX) | (extent >= SIDE_FREE_LEN * s) | network
            if face is not None and keep.any():
                # highlights on lips, brows and chin, the shadow under the chin, a collar's rim
                # are lines of the picture: a line that stays on and around the face must be
                # much stronger and thin; a crack crossing the face is not held back
                lab = labels.ravel()
                outside = np.bincount(lab, (~face[2]).ravel().astype(np.float64), n) / np.maximum(area, 1)
                zmax = np.zeros(n)
                np.maximum.at(zmax, lab, z.ravel())
                in_feat = np.bincount(lab, face[1].ravel().astype(np.float64), n) / np.maximum(area, 1)
                thin = (width <= max(2.5, 0.006 * s)) & (in_feat < 0.3)  # not a lip's or an eyelid's highlight
                _, spread = _shape(labels, n)
                straight = (spread < 0.06) & (skel > 0.08 * s)  # a scratch runs straight; anatomy curves
                keep &= (outside > 0.25) | (thin & ((zmax > 2.2 * t_strong / sensitivity) | straight))
            if not mono and keep.any():
                mean_sat = np.bincount(labels.ravel(), sat.ravel().astype(np.float64), n) / np.maximum(area, 1)
                keep &= mean_sat < max(0.12, 1.5 * sat_ref)
            if side_ok is not None:
                if mono:
                    # a branch whose sides differ (it runs into a bloom, a lost corner, the next
                    # crack) but that joins a crack which crosses the picture is part of that crack
                    # network (gaps up to one segment); on colour prints lit edges side by side
                    # (a fence, a boat's rails) would join the same way
                    keep = _join_network(keep, side_ok, labels, length)
                else:
                    keep &= side_ok
            if keep.any():
                found = keep[labels]
                if wide_max is None and mono:
                    # a crack network hides its own fainter branches: they raise the texture level
                    # they are measured against. Measured on the picture around the cracks found,
                    # the same weak test is followed along each pixel's own line direction
                    # from the cracks found (a branch continues a crack; texture does not line up)
                    # (on colour photos it also followed false positives along picture lines: a
                    # ceiling panel's edge, an ear's rim)
                    near = cv2.dilate(found.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
                    z2 = resp / (floor + 1.4 * _local_level(np.where(near, 0, resp), int(0.08 * s)))
                    cand = (z2 > t_weak / sensitivity) & core
                    if face is not None:
                        cand &= ~face[1]
                    found = _follow_ridges(found, cand, direction, max(4, int(0.1 * s)))
                # follow the line into its faint ends and soft edges: neighbours still off
                # the local median the same way (a few px, so texture cannot pull it far)
                more = (dpx > max(3.0 * sigma, 0.03)) & (z > 0.5 * t_weak / sensitivity)
                ker = np.ones((3, 3), np.uint8)
                for _ in range(4):
                    found |= (cv2.dilate(found.astype(np.uint8), ker) > 0) & more
                mask |= found
    if "dust" in kinds:
        k = max(7, int(round(0.03 * s)) | 1)
        med = cv2.medianBlur(y8, min(k, 255)).astype(np.float32) / 255
        for sign in (1.0, -1.0):
            d = np.maximum(sign * (y - med), 0)
            z = d / (2.0 * sigma + 0.004 + 1.4 * _local_level(d, int(0.06 * s)))
            # a glaring speck (a quarter of the tonal range) on a grainy print is dust too
            strong = (z > 8.0 / sensitivity) | ((z > 5.0 / sensitivity) & (d > 0.2))
            if not strong.any():
                continue
            weak = z > 3.5 / sensitivity
            if sign < 0 and face is not None:
                weak &= ~face[1]  # pupils, nostrils, mouth corners are dark specks of the picture
            n, labels, stats, keep = _hysteresis(strong, weak)
            bw, bh = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
            area = stats[:, cv2.CC_STAT_AREA].astype(np.float64)
            fill = area / np.maximum(bw * bh, 1)
            small_blob = (np.maximum(bw, bh) <= 0.02 * s) & (fill > 0.3)
            keep &= small_blob
            if keep.any():
                # a speck stands alone: the ring around it is the background, not more of the
                # same bright (or dark) thing (a cigarette's tip, a button, a lit knuckle)
                near, ring = _ring_around(keep, labels, s)
                mean_d = np.bincount(labels.ravel(), d.ravel().astype(np.float64), n) / np.maximum(area, 1)
                mean_y = np.bincount(labels.ravel(), y.ravel().astype(np.float64), n) / np.maximum(area, 1)
                alike = ring & (sign * (y - (mean_y - sign * 0.5 * mean_d)[near]) > 0)
                frac = np.bincount(near[ring], alike[ring].astype(np.float64), n) / np.maximum(
                    np.bincount(near[ring], minlength=n), 1)
                keep &= frac < 0.1
            if keep.any():
                # dust lies on the print, not in the picture: a speck among many like it
                # (sky through leaves, sequins, a starry dress) is texture, not dust
                cx = stats[:, cv2.CC_STAT_LEFT] + bw // 2
                cy = stats[:, cv2.CC_STAT_TOP] + bh // 2
                dots = np.zeros((sh, sw), np.float32)
                zmax = np.zeros(n)
                np.maximum.at(zmax, labels.ravel(), z.ravel())
                sel = small_blob & (zmax > 5.5 / sensitivity)  # specks a good part as strong as dust
                sel[0] = False
                dots[cy[sel], cx[sel]] = 1.0
                win = max(3, int(0.1 * s) | 1)
                crowd = cv2.boxFilter(dots, -1, (win, win), normalize=False, borderType=cv2.BORDER_CONSTANT)
                keep &= crowd[cy, cx] <= 5.5
            if not mono and keep.any():
                mean_sat = np.bincount(labels.ravel(), sat.ravel().astype(np.float64), n) / np.maximum(area, 1)
                keep &= mean_sat < max(0.12, 1.5 * sat_ref)
                if keep.any():
                    # dust, dirt and lost dye are not more colourful than the picture around them:
                    # a lit leaf, a brown brow hair, a coloured ribbon are
                    near, ring = _ring_around(keep, labels, s)
                    ring_sat = np.bincount(near[ring], sat[ring].astype(np.float64), n) / np.maximum(
                        np.bincount(near[ring], minlength=n), 1)
                    keep &= mean_sat < np.maximum(0.12, ring_sat + DUST_SAT_MORE)
            if keep.any():
                # a speck has a soft edge and often a halo of the other tone: fill 2 px more
                ring2 = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
                mask |= cv2.dilate(keep[labels].astype(np.uint8), ring2) > 0
    if not mask.any():
        return np.zeros((h, w), bool)
    if face is not None:
        guard = face[0]
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
        inside = np.zeros(n, bool)
        inside[np.unique(labels[guard & mask])] = True
        out_of_eye = np.bincount(labels[~guard & mask], minlength=n)
        inside &= out_of_eye <= 0.2 * stats[:, cv2.CC_STAT_AREA]  # specks mostly inside an eye: catchlights
        inside[0] = False
        mask &= ~inside[labels]
    # cover the soft edge of each defect
    mask = cv2.dilate(mask.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
    if f < 1:
        grow = max(1, int(np.ceil(0.5 / f)))
        mask = cv2.resize(mask * np.uint8(255), (w, h), interpolation=cv2.INTER_LINEAR) > 64
        mask = cv2.dilate(mask.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                                           (2 * grow + 1, 2 * grow + 1)))
    return mask > 0
