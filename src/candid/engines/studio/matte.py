"""A matte of the person: a learned person mask refined by closed-form matting.

Pipeline (all sizes are fractions of the face width, so it is resolution-free):

1. At a working size (long side ``work_side``), MediaPipe selfie segmentation
   (:func:`candid.face.person.person_probability`) marks every person.
2. Only the subject survives: the piece joined to the face, inside a corridor
   around the subject's head and body (neighbours and background objects
   never join the matte); small holes are filled. With other faces in the
   photo (``others``), the person mask is first split between the people
   (:mod:`candid.engines.studio.people`) and the others' share removed.
3. A trimap from that mask, with an unknown band wide at the hair and narrow
   elsewhere; closed-form matting (``pymatting.estimate_alpha_cf``) solves
   alpha inside the band.
4. A colour guided filter whose coefficients are computed at the working size
   and applied to the full-resolution photo carries alpha to full size, so
   edges follow the photo's own pixels.
5. Every piece of alpha not joined to the face is removed.

:func:`foreground` estimates the person's own colours at the edge
(``pymatting.estimate_foreground_ml``) so no old background bleeds into it.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import cv2
import numpy as np

from candid.engines.studio import filters
from candid.engines.studio.checks import check_image, check_landmarks
from candid.engines.studio.filters import box, box_around, fill_dips, gauss, normalized_blur, normalized_blur_on, resize
from candid.engines.studio.frame import _along, head_extent
from candid.engines.studio.matte_rules import MatteRules


def _frame_axes(lm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors (across, down) of the head, from the eye line."""
    d = lm[42:48].mean(0) - lm[36:42].mean(0)
    across = d / max(np.linalg.norm(d), 1e-6)
    down = np.array([-across[1], across[0]])
    return across, down


def _poly(origin: np.ndarray, across: np.ndarray, down: np.ndarray, pts: list[tuple[float, float]]) -> np.ndarray:
    return np.array([origin + a * across + b * down for a, b in pts], np.int32)


def _ellipse(shape, center, axes, angle) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    cv2.ellipse(m, (int(round(center[0])), int(round(center[1]))),
                (max(int(round(axes[0])), 1), max(int(round(axes[1])), 1)), float(angle), 0, 360, 1, -1)
    return m.astype(bool)


def _torso(shape: tuple[int, int], chin: np.ndarray, across: np.ndarray, down: np.ndarray, fw: float, head_h: float,
           halves: tuple[float, float, float, float] = (0.35, 0.55, 1.6, 2.2)) -> np.ndarray:
    """Neck, shoulders and body below the chin to the frame's bottom (bool): half-widths in face widths at the
    neck (0.1 head heights above the chin), the collar (0.25 below), the shoulders (0.55 below) and the body."""
    neck, collar, shoulders, body = (h * fw for h in halves)
    big = 4 * max(shape)
    torso = np.zeros(shape, np.uint8)
    cv2.fillPoly(torso, [_poly(chin, across, down, [(-neck, -0.1 * head_h), (neck, -0.1 * head_h),
                                                   (collar, 0.25 * head_h), (shoulders, 0.55 * head_h),
                                                   (body, big), (-body, big), (-shoulders, 0.55 * head_h),
                                                   (-collar, 0.25 * head_h)])], 1)
    return torso.astype(bool)


def seed_mask(shape: tuple[int, int], landmarks: np.ndarray) -> np.ndarray:
    """GrabCut seed labels (``cv2.GC_*``) for a person whose face has ``landmarks``.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> m = seed_mask((512, 512), astronaut_landmarks())
    >>> sorted(np.unique(m).tolist())
    [0, 1, 2, 3]
    """
    lm = check_landmarks(landmarks)
    H, W = shape
    crown, chin, head_h = head_extent(lm)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    across, down = _frame_axes(lm)
    angle = float(np.degrees(np.arctan2(across[1], across[0])))
    center = (crown + chin) / 2 - 0.04 * head_h * down
    mask = np.full((H, W), cv2.GC_PR_BGD, np.uint8)
    # probable foreground: head (with hair volume) and torso
    head = _ellipse((H, W), center, (0.78 * fw, 0.60 * head_h), angle)
    torso = _torso((H, W), chin, across, down, fw, head_h)
    big = 4 * max(H, W)
    mask[head | torso] = cv2.GC_PR_FGD
    # sure background: beside/above the head, above the shoulders
    wide = _ellipse((H, W), center - 0.05 * head_h * down, (1.35 * fw, 0.95 * head_h), angle)
    depth = _along((H, W), chin, down)  # signed distance below the chin
    lateral = np.abs(_along((H, W), chin, across))
    above_shoulders = depth < 0.12 * head_h
    sure_bg = (~wide & above_shoulders) | ((depth < 0.45 * head_h) & (lateral > 2.4 * fw))
    mask[sure_bg & ~torso] = cv2.GC_BGD
    # sure foreground: the face hull (shrunk a little) and the neck
    hull = cv2.convexHull(lm[:27].astype(np.float32)).astype(np.int32)
    fg = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(fg, hull, 1)
    e = max(int(0.04 * fw), 1)
    fg = cv2.erode(fg, np.ones((2 * e + 1, 2 * e + 1), np.uint8))
    cv2.fillPoly(fg, [_poly(chin, across, down, [(-0.22 * fw, -0.05 * head_h), (0.22 * fw, -0.05 * head_h),
                                                (0.25 * fw, 0.22 * head_h), (-0.25 * fw, 0.22 * head_h)])], 1)
    # the middle of the chest, straight below the neck, is the person in any head-and-shoulders photo
    cv2.fillPoly(fg, [_poly(chin, across, down, [(-0.25 * fw, 0.2 * head_h), (0.25 * fw, 0.2 * head_h),
                                                (0.6 * fw, 0.6 * head_h), (0.9 * fw, 1.1 * head_h), (0.9 * fw, big),
                                                (-0.9 * fw, big), (-0.9 * fw, 1.1 * head_h),
                                                (-0.6 * fw, 0.6 * head_h)])], 1)
    mask[fg.astype(bool)] = cv2.GC_FGD
    return mask


#: A raised shoulder (:func:`raised_shoulders`) ends at most this many head heights above :func:`seed_mask`'s
#: shoulder line (0.12 head heights below the chin): a shoulder's dome has background above it
SHOULDER_RISE = 0.3
#: ... and the segmenter is at least this sure of it
SHOULDER_SURE = 0.9
#: ... and it rises at least this many head heights above the line (a pixel or two is the line's own slack)
SHOULDER_LIFT = 0.05


def raised_shoulders(seeds: np.ndarray, prob: np.ndarray, landmarks: np.ndarray, *, rise: float = SHOULDER_RISE,
                     sure: float = SHOULDER_SURE, lift: float = SHOULDER_LIFT, others=None) -> np.ndarray:
    """Give back to the subject a shoulder that rises into :func:`seed_mask`'s sure background (``cv2.GC_*`` labels).

    :func:`seed_mask` calls everything above a line 0.12 head heights below
    the chin and outside a wide head ellipse sure background: beside a
    head-and-shoulders portrait that is the wall. A shrugged shoulder, or a
    head leaning towards it, rises above that line (2008_007676: the woman's
    bare shoulder rises to her chin's level), and the line cut its dome flat:
    GrabCut and the subject's mask may not cross sure background. Here a
    piece the segmenter is ``sure`` of in that zone is the
    subject's shoulder when it (1) stands on the subject's body below the
    line (it touches sure person pixels the seeds leave open), (2) ends
    there: all of it lies less than ``rise`` head heights above the line and
    within the zone's sides (2.4 face widths off the chin: a neighbour beside
    the head continues up into a neck and a head, or sideways into the rest
    of the room), and (3) no other found face (``others``, face boxes in
    these pixels), nor where its hair can hang
    (:func:`candid.engines.studio.debris.hang_zone`), reaches into it
    (2008_001322: the long dark hair of the woman beside him lies against his
    sleeve, sure in the crop's view, and ends there too). ``prob`` is the segmenter's view of
    this crop alone, not :func:`matte`'s blend with the whole photo's view:
    that one is sure of every neighbour standing behind (2008_002470's two
    standing men fill the wall beside his shoulders) and of the arm of the
    woman behind 2008_007676's shoulder, while the crop's own view keeps to
    the subject. Such a piece, grown by 0.05 face widths
    for its soft outline, is relabelled probable background: GrabCut and the
    colours decide there, as everywhere else the seeds leave open.

    Parameters
    ----------
    seeds : ndarray
        ``(H, W)`` uint8 :func:`seed_mask` labels of these landmarks; not modified.
    prob : ndarray
        ``(H, W)`` the segmenter's person probability of this crop.
    landmarks : ndarray
        ``(68, 2)`` landmarks of the subject.
    rise, sure : float
        See above (:data:`SHOULDER_RISE`, :data:`SHOULDER_SURE`).
    lift : float
        A piece must rise at least this many head heights above the line (:data:`SHOULDER_LIFT`): a sliver
        of a pixel or two along a sweater's top is the line's own slack, and given back it only moved
        single portraits' shoulders by a soft pixel (hinton, lecun: a faint light streak along the edge).
    others : sequence of (x0, y0, x1, y1), optional
        Face boxes of the other people.

    Returns
    -------
    ndarray
        ``(H, W)`` uint8 labels: ``seeds`` with the raised shoulders no longer sure background.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks
    >>> lm = toy_landmarks(100, 80, 50)
    >>> seeds = seed_mask((240, 240), lm)
    >>> prob = np.zeros((240, 240), np.float32); prob[128:, 20:180] = 1   # the body, its left shoulder raised
    >>> prob[110:128, 20:50] = 1
    >>> bool(seeds[115, 35] == cv2.GC_BGD), bool(raised_shoulders(seeds, prob, lm)[115, 35] == cv2.GC_BGD)
    (True, False)
    >>> prob[10:128, 20:50] = 1            # a neighbour's arm and head beside him: it does not end, it stays out
    >>> bool(raised_shoulders(seeds, prob, lm)[115, 35] == cv2.GC_BGD)
    True
    """
    lm = check_landmarks(landmarks)
    s = np.asarray(seeds, np.uint8)
    H, W = s.shape
    crown, chin, head_h = head_extent(lm)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    across, down = _frame_axes(lm)
    depth = _along((H, W), chin, down)
    lateral = np.abs(_along((H, W), chin, across))
    person = np.asarray(prob, np.float32) > sure
    closed = s == cv2.GC_BGD
    pieces = person & closed
    if not pieces.any():
        return s.copy()
    n, lab = cv2.connectedComponents(pieces.astype(np.uint8), connectivity=8)
    # the body the piece must stand on: sure person pixels the seeds leave open, below the shoulder line
    body = cv2.dilate((person & ~closed & (depth >= 0.12 * head_h - 1)).astype(np.uint8), np.ones((3, 3), np.uint8))
    ok = np.ones(n, bool)
    ok[0] = False
    # (2) every pixel of the piece: not too high, not too far to the side, not at the frame's top
    bad = (depth < (0.12 - rise) * head_h) | (lateral > 2.4 * fw)
    bad[0, :] = True
    ok[np.unique(lab[bad & pieces])] = False
    ok &= np.bincount(lab[body > 0], minlength=n) > 0  # (1)
    top = np.zeros(n)  # how far each piece rises above the line
    np.maximum.at(top, lab[pieces], (0.12 * head_h - depth)[pieces])
    ok &= top >= lift * head_h
    if others:  # (3) her face, and below it where her hair can hang beside the subject's shoulder
        from candid.engines.studio.debris import hang_zone
        from candid.engines.studio.people import _face_ellipse

        theirs = hang_zone((H, W), lm, others)
        for b in others:
            theirs |= _face_ellipse((H, W), b, grow=1.3)
        ok[np.unique(lab[theirs & pieces])] = False
    if not ok[1:].any():
        return s.copy()
    give = ok[lab]
    r = max(int(round(0.05 * fw)), 1)
    give = cv2.dilate(give.astype(np.uint8), np.ones((2 * r + 1, 2 * r + 1), np.uint8)).astype(bool) & closed
    out = s.copy()
    out[give] = cv2.GC_PR_BGD
    return out


def subject_corridor(shape: tuple[int, int], landmarks: np.ndarray) -> np.ndarray:
    """Where the subject's head and body can be: everything :func:`seed_mask` does not call sure background.

    Other people and objects outside it are never part of the matte.

    Examples
    --------
    >>> from candid.face.examples import astronaut_landmarks
    >>> c = subject_corridor((512, 512), astronaut_landmarks())
    >>> bool(c[150, 230]), bool(c[10, 10])
    (True, False)
    """
    return seed_mask(shape, landmarks) != cv2.GC_BGD


def _head_ellipse(shape: tuple[int, int], lm: np.ndarray, grow: float = 0.0) -> np.ndarray:
    """The head with its hair volume (the probable-foreground ellipse of :func:`seed_mask`), both axes ``grow`` px
    longer."""
    crown, chin, head_h = head_extent(lm)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    across, down = _frame_axes(lm)
    angle = float(np.degrees(np.arctan2(across[1], across[0])))
    center = (crown + chin) / 2 - 0.04 * head_h * down
    return _ellipse(shape, center, (0.78 * fw + grow, 0.60 * head_h + grow), angle)


def skull(shape: tuple[int, int], landmarks: np.ndarray, *, most: float = 0.7) -> np.ndarray:
    """The head with its hair volume, reaching back as far as the face is turned (bool).

    The head ellipse of :func:`seed_mask` is centred on the face; on a face
    turned to the side the back of the skull lies beyond it (2007_007763.jpg,
    turned 0.6 face widths: its crown's back half was outside, and nothing kept
    colour from carving a notch there). The ellipse is swept towards the back
    of the head by the turn (the nose's offset from the jaw's centre, in face
    widths, at most ``most``): the convex hull of the ellipse and its shifted
    copy. A frontal face gets the ellipse itself.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> bool((skull((512, 512), lm) == _head_ellipse((512, 512), lm)).mean() > 0.99)
    True
    >>> turned = lm.copy(); turned[27:36, 0] -= 40          # the nose moved to image left: back of head right
    >>> s = skull((512, 512), turned)
    >>> int(np.nonzero(s.any(0))[0].max()) > int(np.nonzero(_head_ellipse((512, 512), turned).any(0))[0].max()) + 30
    True
    """
    lm = check_landmarks(landmarks)
    crown, chin, head_h = head_extent(lm)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    across, _ = _frame_axes(lm)
    turn = float(np.dot(lm[30] - (lm[0] + lm[16]) / 2, across)) / max(fw, 1.0)
    base = _head_ellipse(shape, lm)
    shift = min(abs(turn), most) * fw
    if shift < 1.0:
        return base
    angle = float(np.degrees(np.arctan2(across[1], across[0])))
    center = (crown + chin) / 2 - 0.04 * head_h * _frame_axes(lm)[1]
    axes = (max(int(round(0.78 * fw)), 1), max(int(round(0.60 * head_h)), 1))
    pts = []
    for c in (center, center - np.sign(turn) * shift * across):
        pts.append(cv2.ellipse2Poly((int(round(c[0])), int(round(c[1]))), axes, int(round(angle)), 0, 360, 5))
    m = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(m, cv2.convexHull(np.concatenate(pts)).astype(np.int32), 1)
    return m.astype(bool) | base


def _face_hull(shape: tuple[int, int], lm: np.ndarray, shrink: float = 0.0) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(m, cv2.convexHull(lm[:27].astype(np.float32)).astype(np.int32), 1)
    if shrink > 0:
        e = max(int(shrink), 1)
        m = cv2.erode(m, np.ones((2 * e + 1, 2 * e + 1), np.uint8))
    return m.astype(bool)


def subject_mask(prob: np.ndarray, landmarks: np.ndarray, *, valid: np.ndarray | None = None,
                 threshold: float = 0.5, corridor: np.ndarray | None = None) -> np.ndarray:
    """The subject alone from a person probability: inside the corridor, joined to the face.

    Parameters
    ----------
    prob : ndarray
        ``(H, W)`` person probability (:func:`candid.face.person.person_probability`).
    landmarks : ndarray
        ``(68, 2)`` landmarks in the same pixels.
    valid : ndarray, optional
        ``(H, W)`` bool: pixels that came from the photo (False where the canvas was extended).
    threshold : float
        Probability above which a pixel is the person.
    corridor : ndarray, optional
        :func:`subject_corridor` of these landmarks, if the caller has it already.

    Returns
    -------
    ndarray
        ``(H, W)`` bool, one connected piece holding the face, small holes filled.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> prob = np.zeros((512, 512), np.float32); prob[60:512, 150:360] = 1; prob[10:40, 10:40] = 1
    >>> m = subject_mask(prob, lm)
    >>> bool(m[200, 250]), bool(m[20, 20])  # the detached square is dropped
    (True, False)
    """
    lm = check_landmarks(landmarks)
    H, W = prob.shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    if corridor is None:
        corridor = subject_corridor((H, W), lm)
    face = _face_hull((H, W), lm, shrink=0.04 * fw)
    binary = ((prob > threshold) & corridor) | face
    if valid is not None:
        binary &= valid
    from scipy import ndimage  # on use: importing the studio (candid --help) does not load scipy

    labels, n = ndimage.label(binary)
    if n > 1:
        keep = np.unique(labels[face & (labels > 0)])
        binary = np.isin(labels, keep[keep > 0])
    holes = ndimage.binary_fill_holes(binary) & ~binary
    hl, hn = ndimage.label(holes)
    if hn:
        sizes = ndimage.sum(holes, hl, range(1, hn + 1))
        binary = binary | np.isin(hl, 1 + np.flatnonzero(sizes < (0.35 * fw) ** 2))
    # a thin bridge of a few pixels to a neighbour is not the subject: open, then keep the face's piece again
    r = max(int(round(0.03 * fw)), 1)
    opened = cv2.morphologyEx(binary.astype(np.uint8), cv2.MORPH_OPEN,
                              cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))).astype(bool)
    labels, n = ndimage.label(opened | face)
    keep = np.unique(labels[face & (labels > 0)])
    core = np.isin(labels, keep[keep > 0])
    # put back the fine detail the opening removed, where it touches the kept piece
    lab2, _ = ndimage.label(binary)
    back = np.unique(lab2[core & (lab2 > 0)])
    near = cv2.dilate(core.astype(np.uint8), np.ones((2 * r + 3, 2 * r + 3), np.uint8)).astype(bool)
    return core | (np.isin(lab2, back[back > 0]) & near)


def refine_with_colour(pixels: np.ndarray, prob: np.ndarray, landmarks: np.ndarray, *, iterations: int = 3,
                       seed: int = 0, max_carve: float = 0.06, seeds: np.ndarray | None = None,
                       carve_odds: float = 0.84) -> np.ndarray:
    """Sharpen a person probability with the photo's colours (GrabCut initialised by it).

    The segmenter knows what a person is but draws a soft, approximate
    outline, and may take an object behind the head for hair; GrabCut's
    colour models, started from the segmenter's answer (face and chest core
    sure, far background sure, the rest probable), move the outline to where
    the colours change; when the head nearly touches the photo's top (no
    backdrop above it to learn from), by at most ``max_carve`` face widths
    into the hair the segmenter is sure of (brown bokeh beside brown hair
    must not take the top of the head); below the chin (clothes) never by
    more than ``max_carve`` face widths either, unless what GrabCut cut away there has the background's
    colours and not the person's (a piece whose median :func:`background_odds` is above ``carve_odds``: a banister between two
    people, which the segmenter is sure of because they stand side by side). Returns a probability-like map: 1/0 where GrabCut
    decided, the segmenter's value where both agree it is uncertain. ``seeds``: :func:`seed_mask`
    of these landmarks, if the caller has it already.

    Examples
    --------
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> from candid.face.person import person_probability
    >>> img = astronaut()
    >>> p = refine_with_colour(img, person_probability(img), astronaut_landmarks())
    >>> float(p[150, 230]), float(p[30, 480]) < 0.01
    (1.0, True)
    """
    lm = check_landmarks(landmarks)
    if iterations <= 0:
        return prob
    H, W = prob.shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    if seeds is None:
        seeds = seed_mask((H, W), lm)
    corridor = seeds != cv2.GC_BGD
    mask = np.full((H, W), cv2.GC_PR_BGD, np.uint8)
    mask[(prob > 0.5) & corridor] = cv2.GC_PR_FGD
    mask[(prob < 0.03) | ~corridor] = cv2.GC_BGD
    mask[(seeds == cv2.GC_FGD) & (prob > 0.5)] = cv2.GC_FGD
    mask[_face_hull((H, W), lm, shrink=0.04 * fw)] = cv2.GC_FGD
    if not (mask == cv2.GC_BGD).any() or not (mask == cv2.GC_FGD).any():
        return prob
    cv2.setRNGSeed(int(seed))
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    img8 = (np.clip(pixels, 0, 1) * 255 + 0.5).astype(np.uint8)
    cv2.grabCut(img8, mask, None, bgd, fgd, int(iterations), cv2.GC_INIT_WITH_MASK)
    fg = (mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)
    # a head that (nearly) touches the photo's top has no backdrop above it for GrabCut to learn from:
    # there colour moves the outline but does not carve deep into what the segmenter is sure is the person
    # (brown bokeh next to brown hair took the top of tom_cruise_tight's head). Elsewhere GrabCut decides.
    sure = ((prob > 0.9) & corridor).astype(np.uint8)
    deep = cv2.distanceTransform(sure, cv2.DIST_L2, 5) > max_carve * fw
    if sure[:max(int(0.08 * fw), 2)].any():
        hair = deep.copy()
        hair[int(max(lm[36:48, 1].mean(), 0)):] = False  # the hair only
        fg |= hair
    # the same below the chin: clothes the segmenter is sure of are the person's even where their colours are
    # also the backdrop's (rihanna's grey-and-white dress at the crop's bottom: GrabCut took it for the light
    # bokeh, the cut-out ended at the neck and the hair ends hung over the new backdrop)
    _, chin, _ = head_extent(lm)
    _, down = _frame_axes(lm)
    clothes = deep & (_along((H, W), chin, down) > 0)
    # but not where GrabCut cut away a colour that is the background's and not the person's: the segmenter's
    # sureness there is another thing it took for a person (2007_007763: a dark banister between two people,
    # sure because they stand side by side; the subject wears white). A colour both hold stays (rihanna's dress)
    carved = clothes & ~fg
    if carved.any():
        near = cv2.distanceTransform((prob <= 0.5).astype(np.uint8), cv2.DIST_L2, 5) < fw  # within a face width
        odds = background_odds(pixels, (prob > 0.9) & corridor & deep, (prob < 0.1) & near, fw)
        if odds is not None:  # piece by piece (the median: a piece's edge pixels mix with what is beside it)
            n, lab = cv2.connectedComponents(carved.astype(np.uint8), connectivity=8)
            for i in range(1, n):
                piece = lab == i
                if float(np.median(odds[piece])) > carve_odds:
                    clothes &= ~piece
    fg |= clothes
    # and inside the head's own volume (the ellipse of seed_mask) above the eyes: dark hair in front of a dark
    # wall is hair (2008_002506: GrabCut took all of it for the navy wall and the matte kept a see-through cap).
    # Not lower: beside the jaw the segmenter's outline is loose and GrabCut's cut is the better one
    # (the head reaching back as far as the face is turned: the back of a turned head is hair too, 2007_007763)
    fg |= deep & skull((H, W), lm) & (_along((H, W), lm[36:48].mean(0), down) < 0)
    return np.where(fg, np.maximum(prob, 0.95), np.minimum(prob, 0.05)).astype(np.float32)


def _colour_density(pixels: np.ndarray, where: np.ndarray, bins: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """A smoothed colour histogram of ``pixels[where]`` (``bins`` per sRGB channel, summing to 1) and each pixel's bin."""
    from scipy import ndimage

    q = np.clip((pixels * bins).astype(np.int32), 0, bins - 1)
    idx = (q[..., 0] * bins + q[..., 1]) * bins + q[..., 2]
    h = np.bincount(idx[where], minlength=bins ** 3).astype(np.float64).reshape(bins, bins, bins)
    h = ndimage.gaussian_filter(h, 1.0, mode="constant")
    return (h / max(float(h.sum()), 1e-9)).reshape(-1), idx


def background_odds(pixels: np.ndarray, person: np.ndarray, back: np.ndarray, face_width: float) -> np.ndarray | None:
    """Each pixel's odds of being background by its colour alone, in [0, 1]; None without enough of either side.

    The colours of ``person`` and of ``back`` (bool masks) are counted in
    smoothed histograms (16 bins per sRGB channel) of the photo blurred
    over 0.01 face widths (a poster's halftone dots are one colour, not
    two); a pixel's odds are the background's density over the sum of the
    two. A colour both sides hold (a grey dress before grey bokeh) is near
    one half.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((40, 40, 3), np.float32); img[:, :20] = (0.9, 0.6, 0.5); img[:, 20:] = (0.1, 0.1, 0.3)
    >>> left = np.zeros((40, 40), bool); left[:, :18] = True
    >>> o = background_odds(img, left, ~left, 100.0)
    >>> bool(o[5, 5] < 0.05), bool(o[5, 35] > 0.95)
    (True, True)
    """
    person, back = np.asarray(person, bool), np.asarray(back, bool)
    if person.sum() < 50 or back.sum() < 50:
        return None
    img = gauss(check_image(pixels), max(0.01 * float(face_width), 0.7))
    hF, idx = _colour_density(img, person)
    hB, _ = _colour_density(img, back)
    F, B = hF[idx], hB[idx]
    return (B / np.maximum(B + F, 1e-12)).astype(np.float32)


def foreign_below(pixels: np.ndarray, mask: np.ndarray, landmarks: np.ndarray, *, prob: np.ndarray | None = None,
                  valid: np.ndarray | None = None, share: float = 0.95, sure: float = 0.9, depth: float = 0.03,
                  reach: float = 1.0, least: float = 0.04) -> np.ndarray:
    """Background objects the person mask holds below the ear lobes: pieces in the background's colours, not hers.

    Where the subject stands against a busy scene, the segmenter's outline
    below the head takes in what lies beside the neck and shoulders (a
    yellow poster letter beside scarlett_4.jpg's neck, the dark wood of a
    banister between two people in 2007_007763.jpg). Colour tells them
    apart: the person's own colours are those of the mask's sure interior
    (deeper than ``depth`` face widths and where the segmenter says more
    than 0.9: face, hair, clothes), the background's those of the pixels
    just outside the mask (``depth`` to ``reach`` face widths away). Each
    colour's share of the background among the two (smoothed colour
    histograms, 16 bins per channel) is its odds of being background. A
    piece of the mask below the ear lobes, outside the face, where that
    share is above ``share`` and the segmenter is below ``sure``, that
    reaches within ``depth`` face widths of the mask's outline and is larger
    than ``least`` face widths squared, is returned: it is background.
    A colour the person wears, also found in the background (a grey dress
    before grey bokeh), has a share near one half and stays.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    mask : ndarray
        ``(H, W)`` bool, the subject (:func:`subject_mask`).
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    prob : ndarray, optional
        ``(H, W)`` the segmenter's person probability (the person's colours come from where it is above 0.9).
    valid : ndarray, optional
        ``(H, W)`` bool, False where the canvas was extended (never read as background).

    Returns
    -------
    ndarray
        ``(H, W)`` bool: pixels of ``mask`` that are background.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), (0.2, 0.2, 0.25), np.float32)         # a dark backdrop
    >>> img[:, 300:340] = (0.95, 0.8, 0.1)                                  # a yellow poster strip
    >>> m = np.zeros((512, 512), bool); m[20:, 150:330] = True              # the mask takes part of it
    >>> img[m & (np.arange(512) < 300)] = (0.85, 0.65, 0.55)                # the person: skin
    >>> prob = m.astype(np.float32); prob[:, 300:] *= 0.6                     # the segmenter unsure of the poster
    >>> cut = foreign_below(img, m, lm, prob=prob)
    >>> bool(cut[300, 320]), bool(cut[300, 250]), bool(cut[60, 320])        # poster below the lobes, skin, above
    (True, False, False)
    """
    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    m = np.asarray(mask, bool)
    none = np.zeros(m.shape, bool)
    if not m.any() or m.all():
        return none
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    m8 = m.astype(np.uint8)
    d_in = cv2.distanceTransform(m8, cv2.DIST_L2, 5)
    d_out = cv2.distanceTransform(1 - m8, cv2.DIST_L2, 5)
    person = m & (d_in > depth * fw)
    if prob is not None:
        person &= np.asarray(prob, np.float32) > 0.9
    back = ~m & (d_out > depth * fw) & (d_out < reach * fw)
    if valid is not None:
        back &= np.asarray(valid, bool)
    odds = background_odds(img, person, back, fw)
    if odds is None:
        return none
    cand = m & _below_lobes(m.shape, lm) & (odds > share)
    if prob is not None:  # where the segmenter is sure, GrabCut's colour models had their say (refine_with_colour)
        cand &= np.asarray(prob, np.float32) < sure
    if not cand.any():
        return none
    n, lab = cv2.connectedComponents(cand.astype(np.uint8), connectivity=8)
    edge = m & (d_in <= max(depth * fw, 1.5))  # at the outline (the blur mixes the last pixels with what is beside)
    touches = np.bincount(lab[edge & cand], minlength=n) > 0
    big = np.bincount(lab.reshape(-1), minlength=n) > least * least * fw * fw
    keep = touches & big
    keep[0] = False
    return keep[lab]


def edge_cost(pixels: np.ndarray, *, shading: float = 0.01, sigma: float = 1.0, floor: float = 2e-5) -> np.ndarray:
    """The cost of a step from pixel to pixel: the colour gradient above what smooth shading gives, per pixel.

    A path's summed cost (:func:`continued_background`) is how much colour *edge* it crosses: a wall's light
    fall-off or a cheek's shading changes colour slowly (below ``shading`` sRGB units per pixel after a
    ``sigma``-pixel blur) and costs nothing, an outline (a neck against a wall of nearly the same colour) is a
    step of a few pixels and costs its contrast. ``floor`` keeps paths short where nothing costs.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((20, 40, 3), np.float32)
    >>> img[:, :, 0] = np.linspace(0.2, 0.4, 40)          # shading: 0.005 per pixel
    >>> img[:, 30:, 0] += 0.3                             # an edge
    >>> c = edge_cost(img)
    >>> bool(c[10, 10] < 1e-3), round(float(c[10, 27:33].sum()), 1)
    (True, 0.3)
    """
    img = gauss(check_image(pixels), sigma)
    gy, gx = np.gradient(img, axis=(0, 1))
    step = np.sqrt((gx * gx + gy * gy).sum(-1))
    return (np.maximum(step - shading, 0) + floor).astype(np.float64)


def continued_background(pixels: np.ndarray, mask: np.ndarray, landmarks: np.ndarray, *, prob: np.ndarray | None,
                         valid: np.ndarray | None = None, sure: float = 0.9, margin: float = 0.05,
                         shading: float = 0.01, least: float = 0.04, reach: float = 0.1,
                         ear_gap: float = 0.05, thick: float = 0.03, seamless: float = 0.02) -> np.ndarray:
    """The photo's wall the person mask holds below the ear lobes: joined to the backdrop with no colour edge
    between, and cut from the person by one.

    A wall of nearly the skin's colour beside a neck (yangmi_4.jpg's orange wall beside her neck, under the
    ponytail) is taken in by the segmenter at 0.5-0.75 and kept by GrabCut, whose global colour models cannot
    tell the two oranges apart (the colour histograms of :func:`foreign_below` give it odds of 0.1-0.4, not
    background). What tells them apart is local: the neck's outline is a colour step between the piece and
    the neck, while from the backdrop outside the mask into the piece the colour only shades. So each pixel's
    least summed edge (:func:`edge_cost`) on a path from the backdrop (outside the mask, 2 px or more from it)
    and on one from the person's sure core (the face hull; the neck and chest core of :func:`seed_mask` where
    the segmenter is above 0.95) are compared (geodesic distances, ``skimage.graph.MCP_Geometric``). A pixel
    below the ear lobes, more than ``ear_gap`` face widths from the jaw's and the ears' hull, that the segmenter
    doubts (below ``sure``), that the backdrop reaches crossing less than ``seamless`` of edge (no outline between)
    and whose path from the person crosses ``margin`` more edge than that, is background; pieces of such pixels
    thicker than ``thick`` face widths (a morphological opening: not the rim of the segmenter's soft outline) and
    larger than ``least`` face widths squared are the wall, and with them every pixel below the lobes within
    ``reach`` face widths of them that lies nearer the backdrop than the person in edge crossed (the strip beside
    the neck the segmenter's coarse outline is sure of, up to the neck's edge); a piece whose median segmenter
    value is ``sure`` or more is left alone. The person's own clothes and neck join its core
    through no edge, or the segmenter is sure of them; a shoulder of the backdrop's colour with no outline
    between (a dark suit before a dark curtain) crosses as little edge from either side, and stays.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1].
    mask : ndarray
        ``(H, W)`` bool, the subject (:func:`subject_mask`).
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    prob : ndarray or None
        ``(H, W)`` the segmenter's person probability; None: nothing is returned (no doubt known).
    valid : ndarray, optional
        ``(H, W)`` bool, False where the canvas was extended (never a start of the backdrop's paths).

    Returns
    -------
    ndarray
        ``(H, W)`` bool: pixels of ``mask`` that are the backdrop.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), (0.93, 0.66, 0.40), np.float32)          # an orange wall
    >>> img[..., 0] -= np.linspace(0, 0.15, 512)[:, None]                     # lit from above: shading only
    >>> m = np.zeros((512, 512), bool); m[40:, 140:370] = True; m[300:, 370:470] = True   # a block of wall taken
    >>> img[40:, 140:370] = (0.84, 0.64, 0.52)                                # the person: skin, an outline
    >>> prob = m.astype(np.float32); prob[300:, 370:470] = 0.6                # the segmenter unsure of the block
    >>> cut = continued_background(img, m, lm, prob=prob)
    >>> bool(cut[400, 420]), bool(cut[400, 300]), bool(cut[100, 300])
    (True, False, False)
    >>> prob[300:, 370:470] = 1.0                                             # sure: left alone
    >>> bool(continued_background(img, m, lm, prob=prob).any())
    False
    """
    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    m = np.asarray(mask, bool)
    none = np.zeros(m.shape, bool)
    if prob is None or not m.any() or m.all():
        return none
    p = np.asarray(prob, np.float32)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    # below the lobes and clear of the jaw and the ears (a tilted head's ear lies below the lobes' line; its rim is
    # of the wall's colour where the wall is the skin's, and its folds are edges between it and the face)
    where = m & _below_lobes(m.shape, lm) & (_face_guard(m.shape, lm, 0.0) > ear_gap * fw)
    doubt = where & (p < sure)
    # a piece, not the rim of the segmenter's soft outline (a few px outside a shoulder's true edge, nearer the
    # backdrop than the person too: those the matting's unknown band decides)
    r = max(int(round(thick * fw)), 1)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    if cv2.morphologyEx(doubt.astype(np.uint8), cv2.MORPH_OPEN, disc).sum() <= least * least * fw * fw:
        return none  # (the opened candidates below lie inside the opened doubt: spared the paths' cost)
    d_out = cv2.distanceTransform((~m).astype(np.uint8), cv2.DIST_L2, 5)
    back = ~m & (d_out >= 2)  # past the outline's mixed pixels
    if valid is not None:
        back &= np.asarray(valid, bool)
    core = (m & (p > 0.95) & (seed_mask(m.shape, lm) == cv2.GC_FGD)) | _face_hull(m.shape, lm, shrink=0.04 * fw)
    if not back.any() or not core.any():
        return none
    from skimage.graph import MCP_Geometric

    cost = edge_cost(img, shading=shading)
    from_back, _ = MCP_Geometric(cost).find_costs(np.argwhere(back))
    from_person, _ = MCP_Geometric(cost).find_costs(np.argwhere(core))
    # joined to the backdrop through no edge at all (a suit's arm doubted by the segmenter crosses its own outline
    # from the backdrop, and folds and seams from the chest: on the known-alpha astronaut it was 0.3-0.4 from
    # either side, the wall beside yangmi_4's neck 0.001 from the backdrop and 0.19 from the person)
    wall = doubt & (from_back < seamless) & (from_person - from_back > margin)
    cand = cv2.morphologyEx(wall.astype(np.uint8), cv2.MORPH_OPEN, disc).astype(bool)
    if not cand.any():
        return none
    n, lab = cv2.connectedComponents(cand.astype(np.uint8), connectivity=8)
    big = np.bincount(lab.reshape(-1), minlength=n) > least * least * fw * fw
    big[0] = False
    found = big[lab]
    if not found.any():
        return found
    # on to the edge itself: the segmenter is sure of a strip of wall beside the neck (its coarse outline), which
    # stayed as an orange line; what lies nearer the backdrop than the person in edge crossed, and joins a piece
    # found within ``reach`` face widths, is the wall too
    near = cv2.distanceTransform((~found).astype(np.uint8), cv2.DIST_L2, 5) < reach * fw
    weak = where & (from_person > from_back) & near
    n, lab = cv2.connectedComponents((weak | found).astype(np.uint8), connectivity=8)
    held = np.unique(lab[found])
    grown = np.isin(lab, held[held > 0]) & weak
    # (not a thin line up the side of the hair: the strip is a few pixels wide wherever it is the wall)
    grown = cv2.morphologyEx(grown.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)).astype(bool)
    out = found | grown
    # a piece the segmenter is sure of as a whole is the person's, whatever its edges (a few doubted pixels at its
    # rim grown into it)
    n, lab = cv2.connectedComponents(out.astype(np.uint8), connectivity=8)
    for i in range(1, n):
        piece = lab == i
        if float(np.median(p[piece])) >= sure:
            out &= ~piece
    return out


def doubted_at_border(pixels: np.ndarray, mask: np.ndarray, prob: np.ndarray, landmarks: np.ndarray, *,
                      valid: np.ndarray | None = None, doubt: float = 0.65, low: float = 0.35, below: float = 0.5,
                      thick: float = 0.04, least: float = 0.15, sure_share: float = 0.25,
                      reach: float = 1.0, unlike: float = 0.7) -> np.ndarray:
    """What the person mask holds at the photo's border, well below the chin, that the segmenter doubts: background.

    In a wide frame the photo's border cuts through the body and the room beside it: the backdrop seen between an
    arm and the body, a bed sheet below a raised arm, an app's watermark on the floor. The segmenter gives those
    0.1-0.6 (it sees no person there, but the person all round), and GrabCut, started from that answer, keeps them
    when their colours are also found in the person (a dark wooden floor beside a black dress, a grey wall in the
    shade between arm and body): zcy.webp's editorial frame kept them at alpha 1. The rules that read the
    backdrop just outside the mask (:func:`foreign_below`, :func:`continued_background`) cannot reach them: the
    person and the photo's border enclose them.

    A piece of the mask more than ``below`` head heights below the chin (past the collarbone: the neck and
    shoulders are the outline rules' and the matting's), outside the chest's sure core of :func:`seed_mask`, where
    the segmenter's value is below ``doubt``, thicker than ``thick`` face widths (a morphological opening: not the
    rim of its soft outline, nor a strand of hair), larger than ``least`` face widths squared and running into the
    photo's border (the frame's edge, or that of ``valid``) is a doubted piece; one where more than ``sure_share``
    of the pixels are sure (above 0.9) is left alone, and so is one whose deepest doubt (below ``low``) has the
    colours of the sure person within ``reach`` face widths (median :func:`background_odds` below ``unlike``: the
    astronaut's orange sleeve at the photo's edge, which the segmenter doubts there) or is smaller than ``least``
    face widths squared (no sample of the room: the cut would then depend on the working size). The segmenter's doubt is coarse (it also doubts the edge of
    the clothes beside such a piece: zcy's dress at 0.5-0.7), so colour decides inside it, along the photo's edges:
    GrabCut again, in the box ``reach`` face widths round the pieces, with their deepest doubt (below ``low``) and
    what lies outside the mask known background, the mask's sure pixels known person, the rest of the pieces
    probable background and the rest of the mask probable person. What it calls background inside the pieces'
    doubt, joined to their deepest doubt, is returned. (Per-pixel colour odds, :func:`background_odds`, took a teal
    embroidered leaf on the dress with a teal-grey wall, or left a dark floor beside a black dress.)

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    mask : ndarray
        ``(H, W)`` bool, the subject (:func:`subject_mask`).
    prob : ndarray
        ``(H, W)`` the segmenter's person probability (not GrabCut's).
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``mask``'s pixels.
    valid : ndarray, optional
        ``(H, W)`` bool, False where the canvas was extended: its edge is the photo's border.

    Returns
    -------
    ndarray
        ``(H, W)`` bool: pixels of ``mask`` that are background.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), 0.05, np.float32)                                  # a black dress
    >>> m = np.zeros((512, 512), bool); m[40:, 140:400] = True; m[380:, 40:140] = True  # a room corner taken
    >>> img[380:, 40:120] = (0.45, 0.4, 0.35)                                           # the room's wall
    >>> prob = m.astype(np.float32); prob[380:, 40:140] = 0.5; prob[380:, 40:110] = 0.2  # the segmenter doubts it
    >>> cut = doubted_at_border(img, m, prob, lm)
    >>> bool(cut[480, 80]), bool(cut[480, 130]), bool(cut[480, 300]), bool(cut[100, 300])  # wall, dress's edge
    (True, False, False, False)
    >>> prob[380:, 40:140] = 0.95                                                        # sure: left alone
    >>> bool(doubted_at_border(img, m, prob, lm).any())
    False
    """
    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    m = np.asarray(mask, bool)
    p = np.asarray(prob, np.float32)
    H, W = m.shape
    none = np.zeros(m.shape, bool)
    if not m.any():
        return none
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    _, chin, head_h = head_extent(lm)
    _, down = _frame_axes(lm)
    cand = m & (_along((H, W), chin, down) > below * head_h) & (p < doubt)
    cand &= seed_mask((H, W), lm) != cv2.GC_FGD  # the chest's core is the person's, however the segmenter doubts it
    r = max(int(round(thick * fw)), 1)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    cand = cv2.morphologyEx(cand.astype(np.uint8), cv2.MORPH_OPEN, disc).astype(bool)
    if cand.sum() <= least * least * fw * fw:
        return none
    edge = np.zeros((H, W), bool)  # the photo's border
    edge[0], edge[-1], edge[:, 0], edge[:, -1] = True, True, True, True
    if valid is not None:
        v = np.asarray(valid, bool)
        edge = (edge & v) | (v & ~_eroded(v))
    n, lab = cv2.connectedComponents(cand.astype(np.uint8), connectivity=8)
    size = np.bincount(lab.reshape(-1), minlength=n)
    touches = np.bincount(lab[edge & cand], minlength=n) > 0
    sure = np.bincount(lab.reshape(-1), weights=(p > 0.9).reshape(-1).astype(np.float64), minlength=n)
    keep = touches & (size > least * least * fw * fw) & (sure <= sure_share * np.maximum(size, 1))
    keep[0] = False
    piece = keep[lab]
    if not piece.any():
        return none
    # colour decides inside the coarse doubt, along the photo's edges: GrabCut again round the pieces, with their
    # deepest doubt (below ``low``) and what lies outside the mask known background, the sure person known person
    core = piece & (p < low)
    floor = max(least * least * fw * fw, 50)  # a sample of the room as large as the least piece (any scale)
    if core.sum() < floor:
        return none
    near = cv2.distanceTransform((~piece).astype(np.uint8), cv2.DIST_L2, 5) < reach * fw
    # a piece whose deepest doubt has the colours of the sure person beside it is the person's own, cut by the
    # border (the astronaut's orange sleeve at the photo's edge, which the segmenter doubts there): left alone
    odds = background_odds(img, m & (p > 0.9) & near & ~piece, core, fw)
    if odds is None:
        return none
    for i in np.flatnonzero(keep):
        at = (lab == i) & core
        if at.sum() < floor or float(np.median(odds[at])) < unlike:
            piece &= lab != i
            core &= lab != i
    if not core.any():
        return none
    near = cv2.distanceTransform((~piece).astype(np.uint8), cv2.DIST_L2, 5) < reach * fw
    ys, xs = np.nonzero(near)
    y0, y1, x0, x1 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    lab_gc = np.where(m, cv2.GC_PR_FGD, cv2.GC_BGD).astype(np.uint8)
    lab_gc[piece] = cv2.GC_PR_BGD
    lab_gc[core] = cv2.GC_BGD
    lab_gc[m & (p > 0.9) & ~piece] = cv2.GC_FGD
    box_gc = np.ascontiguousarray(lab_gc[y0:y1, x0:x1])
    if not (box_gc == cv2.GC_FGD).any():
        return none
    cv2.setRNGSeed(0)
    img8 = np.ascontiguousarray((np.clip(img[y0:y1, x0:x1], 0, 1) * 255 + 0.5).astype(np.uint8))
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.grabCut(img8, box_gc, None, bgd, fgd, 3, cv2.GC_INIT_WITH_MASK)
    out = none.copy()
    out[y0:y1, x0:x1] = (box_gc == cv2.GC_BGD) | (box_gc == cv2.GC_PR_BGD)
    out &= m & near & (p < doubt)
    # only what joins the pieces' deepest doubt (a fleck of GrabCut's elsewhere on the clothes is no room)
    out = cv2.morphologyEx(out.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)).astype(bool)
    n2, lab2 = cv2.connectedComponents(out.astype(np.uint8), connectivity=8)
    held = np.unique(lab2[out & core])
    return np.isin(lab2, held[held > 0])


def _eroded(v: np.ndarray) -> np.ndarray:
    """``v`` eroded by one pixel (3x3)."""
    return cv2.erode(np.asarray(v, np.uint8), np.ones((3, 3), np.uint8)).astype(bool)


def background_bars(pixels: np.ndarray, mask: np.ndarray, landmarks: np.ndarray, *,
                    valid: np.ndarray | None = None, length: float = 0.2, widest: float = 0.05,
                    tol: float = 0.05, steady: float = 0.03, reach: float = 0.5, near: float = 0.25,
                    clear: float = 0.05, face_gap: float = 0.04) -> np.ndarray:
    """Straight bars of the background (a window's frame, a door's jamb) carried on into the person's edge.

    A dark vertical window bar beside long dark hair (yangmi_2.jpg) lies in the hair's wide unknown band;
    closed-form matting, which explains colours locally, takes a bar as dark as the hair for the hair
    (alpha 0.3-0.9) and the later steps make it opaque: a blocky dark chunk with a straight side. Hair has
    no long straight edges, the photo's fittings do. So long straight edges are found (Canny on the
    luminance, probabilistic Hough: segments at least ``length`` face widths long); beside each, on either
    side, a bar is a band of columns parallel to it whose colour along the segment's stretch outside
    ``mask`` and at least ``clear`` face widths from it (not the person's own soft rim along a straight
    shoulder) is steady (each column's median absolute deviation at most ``steady``) and that ends at a
    second edge (a colour step of more than twice ``tol`` between two columns) within ``widest`` face
    widths. Wider, it is one side of a plain area, which the matting tells from the hair by colour. The
    bar is followed along its line from that stretch, past it both ways (up to ``reach`` face widths), for
    as long as every pixel of a column stays within ``tol`` (plus twice its deviation) of the column's
    colour outside: where the hair crosses it the bar ends. A bar that ends short of ``mask`` (never within
    2 px of it) is left alone. Only the bar's pixels within ``near`` face
    widths of ``mask`` (the unknown band's reach), above the chin's line (beside the head; lower down the
    outline is the shoulders') and not within ``face_gap`` face widths of the face's hull are returned: they
    are the background, not a part for the matting to decide.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1].
    mask : ndarray
        ``(H, W)`` bool, the subject (:func:`subject_mask`).
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    valid : ndarray, optional
        ``(H, W)`` bool, False where the canvas was extended (its repeated edge is streaks, not a bar).

    Returns
    -------
    ndarray
        ``(H, W)`` bool: the bars' pixels near the subject.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), 0.6, np.float32); img[:, 130:134] = 0.1   # a light wall, a dark bar
    >>> m = np.zeros((512, 512), bool); m[60:, 137:380] = True; m[200:, 120:137] = True   # hair over its foot
    >>> img[200:, 120:137] = 0.3; img[60:, 137:380] = 0.3                      # the hair
    >>> bar = background_bars(img, m, lm)
    >>> bool(bar[150, 132]), bool(bar[300, 132]), bool(bar[150, 200]), bool(bar[150, 60])
    (True, False, False, False)
    """
    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    m = np.asarray(mask, bool)
    H, W = m.shape
    out = np.zeros((H, W), bool)
    if not m.any() or m.all():
        return out
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    ok = np.ones((H, W), bool) if valid is None else np.asarray(valid, bool)
    g = (np.clip(img.mean(-1), 0, 1) * 255).astype(np.uint8)
    segs = cv2.HoughLinesP(cv2.Canny(g, 20, 60), 1, np.pi / 360, threshold=max(int(0.08 * fw), 8),
                           minLineLength=max(int(length * fw), 10), maxLineGap=3)
    if segs is None:
        return out
    d_m = cv2.distanceTransform((~m).astype(np.uint8), cv2.DIST_L2, 5)
    close = d_m < near * fw  # the unknown band's reach: farther out a bar is known background already
    R = max(int(round(widest * fw)), 3)
    for x0, y0, x1, y1 in segs.reshape(-1, 4).astype(np.float64):
        t = np.array([x1 - x0, y1 - y0]) / max(float(np.hypot(x1 - x0, y1 - y0)), 1e-6)
        n = np.array([-t[1], t[0]])
        lo, hi = sorted((x0 * t[0] + y0 * t[1], x1 * t[0] + y1 * t[1]))
        c = x0 * n[0] + y0 * n[1]
        us = np.arange(lo - reach * fw, hi + reach * fw)
        along = (us >= lo) & (us <= hi)
        for side in (1.0, -1.0):
            vs = c + side * np.arange(1, R + 1, dtype=np.float64)
            X = (us[:, None] * t[0] + vs[None, :] * n[0]).astype(np.float32)
            Y = (us[:, None] * t[1] + vs[None, :] * n[1]).astype(np.float32)
            inside = (X >= 0) & (X <= W - 1) & (Y >= 0) & (Y <= H - 1)
            at = lambda a: cv2.remap(a.astype(np.uint8), X, Y, cv2.INTER_NEAREST,  # noqa: E731
                                     borderMode=cv2.BORDER_CONSTANT, borderValue=0) > 0
            if not (at(close) & inside).any():
                continue  # the bar never comes near the person
            Mk, Ok = at(m), at(ok)
            # each column's stretch along the segment outside the person (the hair may cover the far columns) and
            # clear of its outline: a stripe running along the outline a few px out is the person's own soft edge
            # (obama.jpg's suit shoulder: its blurred rim, darker than the wall, read as a bar 2-3 px wide)
            Dm = cv2.remap(d_m, X, Y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
            seen = along[:, None] & ~Mk & Ok & inside & (Dm >= clear * fw)
            if seen[:, 0].sum() < 0.1 * fw:
                continue
            S = cv2.remap(img, X, Y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            ref = np.zeros((R, 3), np.float32)
            dev = np.full(R, np.inf)
            for j in range(R):
                if seen[:, j].sum() >= 0.1 * fw:
                    ref[j] = np.median(S[seen[:, j], j], axis=0)
                    dev[j] = np.median(np.abs(S[seen[:, j], j] - ref[j]), axis=0).max()
            # steady columns from the segment out to a second edge within R: a bar, not the side of a wide area.
            # The far edge is the first column more than twice ``tol`` from the bar's colour so far (its median):
            # a soft edge spreads the step over 2-3 columns (an enlarged crop), each less than that from the next
            width = 0
            while width < R and dev[width] <= steady:
                width += 1
                if width < R and np.isfinite(dev[width]) and \
                        np.abs(ref[width] - np.median(ref[:width], axis=0)).max() > 2 * tol:
                    break
            else:
                continue
            bg = along & seen[:, :width].all(1)  # the bar's stretch outside the person, clear of it
            if bg.sum() < 0.1 * fw:
                continue
            match = (np.abs(S[:, :width] - ref[None, :width]).max(-1) <= tol + 2 * dev[None, :width]) \
                & (inside & Ok)[:, :width]
            # on from the stretch outside both ways (and across its gaps near the person), a column at a time,
            # until it no longer matches
            run = match & bg[:, None]
            for order in (range(1, len(us)), range(len(us) - 2, -1, -1)):
                step = 1 if order.step == 1 else -1
                for r in order:
                    run[r] |= match[r] & run[r - step]
            # and only a bar that runs into the person (within 2 px of its mask): one that ends short of it is
            # the matting's to leave out (biden.jpg corporate: a drape's edge above the crown, made known, moved the
            # closed-form solution over the wispy crown next to it, halo 0.54 -> 0.68)
            if not (run & (Dm[:, :width] <= 2.0)).any():
                continue
            # back onto the image: each pixel's place along the line and across it, within the strip's box
            xs_, ys_ = X[:, :width][run], Y[:, :width][run]
            bx0, bx1 = max(int(xs_.min()) - 1, 0), min(int(xs_.max()) + 2, W)
            by0, by1 = max(int(ys_.min()) - 1, 0), min(int(ys_.max()) + 2, H)
            yy, xx = np.mgrid[by0:by1, bx0:bx1].astype(np.float64)
            U = xx * t[0] + yy * t[1]
            V = (xx * n[0] + yy * n[1] - c) * side
            ri = np.clip(np.round(U - us[0]).astype(int), 0, len(us) - 1)
            ci = np.clip(np.round(V).astype(int) - 1, 0, width - 1)
            out[by0:by1, bx0:bx1] |= run[ri, ci] & (V >= 0.0) & (V <= width + 0.5)  # (from the line, on its side)
    g_r = max(int(round(face_gap * fw)), 1)
    face = cv2.dilate(_face_hull((H, W), lm).astype(np.uint8), np.ones((2 * g_r + 1,) * 2, np.uint8)) > 0
    # beside the head only, above the chin's line: below it the outline is the shoulders' (obama.jpg: the folds of
    # the curtain standing on his shoulder, made known background there, moved the suit's outline 2-3 px in)
    _, chin, _ = head_extent(lm)
    _, down = _frame_axes(lm)
    return out & close & ok & ~face & (_along((H, W), chin, down) < 0)


def _neck_strip(shape: tuple[int, int], lm: np.ndarray, half: float = 0.15, depth: tuple[float, float] = (0.03, 0.3)) -> np.ndarray:
    """Below the chin, ``half`` face widths either side of it and ``depth`` face widths down: the neck (bool)."""
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    across, down = _frame_axes(lm)
    _, chin, _ = head_extent(lm)
    side = np.abs(_along(shape, chin, across))
    below = _along(shape, chin, down)
    return (side < half * fw) & (below > depth[0] * fw) & (below < depth[1] * fw)


def _from_neck_colour(img: np.ndarray, neck: np.ndarray, fw: float) -> np.ndarray:
    """Each pixel's RGB distance from the neck's colour near it: ``neck`` (bool, :func:`_neck_strip`) blurred
    over 0.3 face widths, so the neck's own light and shade count as its colour."""
    return np.sqrt(((img - normalized_blur(img, neck.astype(np.float32), max(0.3 * fw, 1.0))) ** 2).sum(-1))


def enclosed_background(pixels: np.ndarray, mask: np.ndarray, landmarks: np.ndarray, *,
                        valid: np.ndarray | None = None, prob: np.ndarray | None = None, step: float = 0.08,
                        jump: float = 0.015, local: float = 0.03, seed_match: float = 0.12, wide: float = 0.15,
                        skin_gap: float = 0.15, face_gap: float = 0.06, hair_gap: float = 0.1, lobes: float = 0.7,
                        reach: float = 1.0, least: float = 0.03, edge: float = 0.15,
                        dark: float = 0.25, hue_gap: float = 0.035, vivid: float = 0.12) -> np.ndarray:
    """The old background the person mask holds below the ear lobes, between hair, jewellery and neck (bool).

    The segmenter reads what lies between a bob's hanging ends, a big hoop
    earring and the neck as the person: on rihanna.webp it gave about 1.0
    over the pale bokeh inside the left hoop, below it and between the right
    hoop and the hair; GrabCut carved only specks, which the mask's hole
    filling closed, and the trimap made it all sure foreground, so the old
    wall travelled onto every new backdrop. Colour histograms do not
    separate it (the bokeh's cream is in the face's highlights); its place
    does. Out of focus, the backdrop changes smoothly from outside the
    outline into the pocket, while the neck, the hair and the hoop meet it
    at an edge.

    So the backdrop is grown into the mask, below the lobes and outside the
    face hull, from two kinds of seeds: the pixels outside the mask (in
    ``valid``) within ``step`` of the backdrop around them (a normalised
    blur over 0.05 face widths of those 0.02 face widths or more from the
    outline: a piece of dress the mask missed is no seed), and, within
    ``lobes`` face widths of the jaw point below each ear, the mask's pixels
    within ``seed_match`` of the backdrop blurred inward over ``wide`` face
    widths (where ``prob`` is below 0.1; a hoop's eye the hair and the hoop
    close all round). A pixel within ``jump`` face widths of the grown
    region (a strand thinner than that is stepped over) joins when its
    colour is within ``step`` of the grown region's colours around it (a
    Gaussian over ``local`` face widths), for at most ``reach / jump``
    steps. Never joined: a pixel within ``skin_gap`` of the neck's colour
    (:func:`_neck_strip`, blurred over 0.3 face widths), within ``face_gap``
    of the face's median colour, or within ``hair_gap`` of one of the hair's
    colours beside the face (its 10th to 90th luma percentiles: dark hair
    before a dark cabinet, pink hair before a grey wall change as smoothly
    as a backdrop). A grown piece is kept when it has at least ``least``
    face widths squared, its median luma is above ``dark`` (dark colours
    are all near in RGB: a navy suit before a dark crowd), its median
    contrast with the rest of the mask along its border is above ``edge``
    (a pocket meets the person at an edge; growth that leaked into a shaded
    neck or hair's ends stopped where the colour had drifted), and, if no
    growth from outside reached it, its median colour is within
    ``seed_match`` of the wide backdrop (a pale rim of light along a jaw,
    obama3.jpg, seeded and then grew bluer). Nor is a piece kept whose
    median chroma (max minus min of RGB) is more than ``vivid`` above the
    backdrop's around it (the pixels outside blurred inward over ``wide``
    face widths): an out-of-focus backdrop is no more saturated inside the
    outline than outside it, a garment can be (a green collar beside a grey
    wall, reached through a small face's blurred edge). Its hue must also
    be more than ``hue_gap`` (chromaticity) from the face's and the neck's.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1].
    mask : ndarray
        ``(H, W)`` bool, the subject (:func:`subject_mask`).
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    valid : ndarray, optional
        ``(H, W)`` bool, False where the canvas was extended (no backdrop there).
    prob : ndarray, optional
        ``(H, W)`` the segmenter's probability: the wide backdrop is read only where it is below 0.1.

    Returns
    -------
    ndarray
        ``(H, W)`` bool, pixels of ``mask`` that are background.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), (0.86, 0.74, 0.64), np.float32)      # cream bokeh
    >>> yy, xx = np.mgrid[:512, :512]
    >>> face = ((xx - 225) / 48) ** 2 + ((yy - 120) / 62) ** 2 < 1
    >>> neck = (xx >= 200) & (xx < 252) & (yy >= 150)
    >>> hair = (((xx >= 138) & (xx < 178)) | ((xx >= 272) & (xx < 300))) & (yy >= 40) & (yy < 175)
    >>> img[face] = (0.8, 0.56, 0.45); img[neck & ~face] = (0.5, 0.3, 0.22); img[hair] = 0.1
    >>> mask = face | neck | hair | ((xx >= 140) & (xx < 200) & (yy >= 150) & (yy < 280))  # a pocket held
    >>> found = enclosed_background(img, mask, lm)
    >>> bool(found[230, 175]), bool(found[230, 225]), bool(found[100, 160])    # pocket, neck, hair
    (True, False, False)
    """
    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    m = np.asarray(mask, bool)
    none = np.zeros(m.shape, bool)
    outside = ~m if valid is None else ~m & np.asarray(valid, bool)
    zone = m & _below_lobes(m.shape, lm) & ~_face_hull(m.shape, lm)
    if not zone.any() or not outside.any():
        return none
    H, W = m.shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    # the work is done in the zone's box with a margin (the backdrop read around it): the growth never leaves it
    ys, xs = np.nonzero(zone)
    mg = int(np.ceil(2 * wide * fw)) + 2
    box_ = np.s_[max(ys.min() - mg, 0):min(ys.max() + mg + 1, H), max(xs.min() - mg, 0):min(xs.max() + mg + 1, W)]
    img_b, zone_b, out_b = img[box_], zone[box_], outside[box_]
    if not out_b.any():
        return none

    def dist(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.sqrt(((a - b) ** 2).sum(-1))

    d_out = cv2.distanceTransform((~m[box_]).astype(np.uint8), cv2.DIST_L2, 5)
    far = out_b & (d_out > 0.02 * fw)  # clear of the outline's mixed pixels
    if not far.any():
        return none
    # outside seeds: the backdrop as it is around them (a piece of dress the mask missed is no seed)
    grown = out_b & (dist(img_b, normalized_blur(img_b, far.astype(np.float32), max(0.05 * fw, 1.0))) < step)
    # the skin never joins: the neck below the chin (blurred wide: its own light) and the face's median colour
    allowed = zone_b.copy()
    neck = (_neck_strip(m.shape, lm) & m)[box_]
    if neck.any():
        allowed &= _from_neck_colour(img_b, neck, fw) > skin_gap
    hull = _face_hull(m.shape, lm, shrink=0.1 * fw)
    if hull.any():
        allowed &= dist(img_b, np.median(img[hull], axis=0)) > face_gap
    # nor the hair's colours (above the lobes, beside and over the face): dark hair before a dark cabinet, pink
    # hair before a grey wall change as smoothly as a backdrop does
    e = 2 * max(int(round(0.05 * fw)), 1) + 1
    face = cv2.dilate(_face_hull(m.shape, lm).astype(np.uint8), np.ones((e, e), np.uint8)).astype(bool)
    across, down = _frame_axes(lm)
    beside = np.abs(_along(m.shape, lm[27:36].mean(0), across)) > 0.5 * fw  # beside the face, not the forehead
    eyes = _along(m.shape, lm[36:48].mean(0), down)
    hair = m & (eyes > 0) & (_lobe_depth(m.shape, lm) < 0) & beside & ~face & _head_ellipse(m.shape, lm)
    hair_like = np.zeros(zone_b.shape, bool)
    if hair.sum() > 20:
        luma = img[hair] @ np.array([0.2126, 0.7152, 0.0722], np.float32)
        order = img[hair][np.argsort(luma)]
        for q in (0.1, 0.3, 0.5, 0.7, 0.9):
            hair_like |= dist(img_b, order[int(q * (len(order) - 1))]) <= hair_gap
    allowed &= ~hair_like
    # inside seeds, near the lobes (a hoop's eye, hair and neck closing a pocket): the backdrop blurred inward
    sure_far = far if prob is None else far & (np.asarray(prob, np.float32)[box_] < 0.1)
    wide_b = None
    if sure_far.any():
        at_lobes = np.zeros(m.shape, np.uint8)
        for p in (lm[2], lm[14]):
            cv2.circle(at_lobes, (int(round(p[0])), int(round(p[1]))), max(int(round(lobes * fw)), 1), 1, -1)
        wide_b = normalized_blur(img_b, sure_far.astype(np.float32), max(wide * fw, 1.0))
        grown |= allowed & at_lobes[box_].astype(bool) & (dist(img_b, wide_b) < seed_match)
    j = max(int(round(jump * fw)), 1)
    sigma = max(local * fw, 1.0)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * j + 1, 2 * j + 1))
    for _ in range(max(int(np.ceil(reach / max(jump, 1e-3))), 1)):
        front = cv2.dilate(grown.astype(np.uint8), kernel).astype(bool) & allowed & ~grown
        if not front.any():
            break
        # the grown region's colours around each pixel (one blur: every front pixel touches the grown region, so
        # normalized_blur's wider passes for pixels far from it are not needed)
        w = grown.astype(np.float32)
        near = gauss(img_b * w[..., None], sigma) / np.maximum(gauss(w, sigma), 1e-6)[..., None]
        joins = front & (dist(img_b, near) < step)
        if not joins.any():
            break
        grown |= joins
    found = grown & zone_b
    n, lab = cv2.connectedComponents(found.astype(np.uint8), connectivity=8)
    if n > 1:
        keep = np.bincount(lab.reshape(-1), minlength=n) >= (least * fw) ** 2
        keep[0] = False
        # a pocket meets the person at an edge (the neck, the hair's ends, the hoop: cream bokeh against black
        # hair and shaded skin, 0.23-0.36); growth that leaked into the person stopped where the colour had
        # drifted by ``step`` (a shaded neck before a grey wall, pink hair's ends, a navy blouse before a dark
        # cabinet: 0.03-0.1). A piece's median contrast along its border with the rest of the mask decides
        rest = m[box_] & ~found
        border = found & cv2.dilate(rest.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        contrast = dist(normalized_blur(img_b, found.astype(np.float32), 2.0),
                        normalized_blur(img_b, rest.astype(np.float32), 2.0))
        # and no dark piece: dark colours are all near in RGB (a navy suit before a dark crowd, 32bit.png; the shadow
        # between a jaw and the hair, scarlett_1.jpg). A pocket the mask closes all round (no growth from outside
        # reached it) is the backdrop's colour as a whole, not only at its seeds: a pale rim of light along the jaw
        # (obama3.jpg) seeded, then grew bluer
        # Nor a piece in the skin's own hue: shade keeps a skin's chromaticity, a backdrop has its own (the
        # astronaut's shaded neck above her black collar, beside the brown backdrop of the known-alpha test, was
        # grown into and met the collar at an edge: 0.024 from her face's hue; yangmi_4's neck 0.02; rihanna's
        # cream and pink bokeh 0.049-0.085 from her face's hue, 0.2 from her neck's)
        near_out = cv2.dilate(out_b.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        luma = img_b @ np.array([0.2126, 0.7152, 0.0722], np.float32)

        def hue(c: np.ndarray) -> np.ndarray:
            return c / np.maximum(c.sum(-1, keepdims=True), 1e-3)

        def chroma(c: np.ndarray) -> np.ndarray:
            return c.max(-1) - c.min(-1)

        skins = [np.median(hue(img[r]), axis=0) for r in (hull, _neck_strip(m.shape, lm) & m) if r.sum() > 20]
        backdrop = normalized_blur(img_b, far.astype(np.float32), max(wide * fw, 1.0))
        for i in np.flatnonzero(keep):
            piece = lab == i
            on = border & piece
            keep[i] = bool(on.any()) and float(np.median(contrast[on])) > edge and float(np.median(luma[piece])) > dark
            pc = np.median(hue(img_b[piece]), axis=0)
            keep[i] = keep[i] and all(float(np.linalg.norm(pc - c)) > hue_gap for c in skins)
            # nor a piece more vivid than the backdrop around it: a blurred backdrop is no more saturated inside
            # the outline than outside it, a garment can be (2008_002506.jpg: a green collar beside a grey wall,
            # reached through the soft edge a small, blurred face has; rihanna's cream bokeh is less saturated
            # than the khaki outside, yangmi_4's orange wall as saturated as the wall beyond)
            keep[i] = keep[i] and (float(np.median(chroma(img_b[piece])))
                                   <= float(np.median(chroma(backdrop[piece]))) + vivid)
            if keep[i] and not (piece & near_out).any():
                keep[i] = wide_b is not None and float(np.median(dist(img_b[piece], wide_b[piece]))) < seed_match
        found = keep[lab]
    out = none.copy()
    out[box_] = found
    return out


def thin_pockets_of(pockets: np.ndarray, mask: np.ndarray, face_width: float, *, rim: float = 0.015,
                    cored: float = 0.25) -> np.ndarray:
    """The pieces of the backdrop's ``pockets`` too thin for a known core (bool, whole pieces).

    :func:`matte` makes a pocket's pixels ``rim`` face widths (at least 1.5 px) clear of ``mask`` known background
    and leaves its rim to the matting. A piece little wider than two rims has almost no such pixel (under ``cored``
    of its pixels), and closed-form matting, with next to nothing to anchor 0 to, filled it from the person round it
    (0.92-0.97): the thin crescent of pink backdrop between rihanna's right hoop and her neck, the cream strip
    between her bob's ends and the neck.

    Examples
    --------
    >>> import numpy as np
    >>> m = np.ones((40, 60), bool); m[10:30, 10:17] = False; m[10:30, 30:50] = False  # a thin and a wide pocket
    >>> t = thin_pockets_of(~m, m, 300.0)  # rim 4.5 px
    >>> bool(t[20, 12]), bool(t[20, 40])
    (True, False)
    """
    p, m = np.asarray(pockets, bool), np.asarray(mask, bool)
    if not p.any():
        return np.zeros(p.shape, bool)
    r = max(rim * float(face_width), 1.5)
    core = p & (cv2.distanceTransform((~m).astype(np.uint8), cv2.DIST_L2, 5) >= r)
    n, lab = cv2.connectedComponents(p.astype(np.uint8), connectivity=8)
    size = np.bincount(lab.ravel(), minlength=n)
    inner = np.bincount(lab[core], minlength=n)
    slim = inner < cored * np.maximum(size, 1)
    slim[0] = False
    if not slim.any():
        return np.zeros(p.shape, bool)
    from scipy import ndimage

    # with what they enclose: the growth stopped at a lighter patch of the cream inside a strip (rihanna passport),
    # which then stayed opaque inside an opened ring
    # (closed over a rim first: the ring round that patch is open where a strand crosses it)
    k = 2 * int(np.ceil(r)) + 1
    closed = cv2.morphologyEx(slim[lab].astype(np.uint8), cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))).astype(bool)
    return ndimage.binary_fill_holes(closed) & (slim[lab] | m)


def _hue_sat_val(c: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """HSV of sRGB colours ``(..., 3)`` in [0, 1]: hue in degrees [0, 360), saturation and value in [0, 1]."""
    c = np.asarray(c, np.float32)
    hsv = cv2.cvtColor(np.clip(c, 0, 1).reshape(-1, 1, 3), cv2.COLOR_RGB2HSV).reshape(c.shape)
    return hsv[..., 0] % 360.0, hsv[..., 1], hsv[..., 2]


def skin_creases(pieces: np.ndarray, pixels: np.ndarray, mask: np.ndarray, landmarks: np.ndarray, *,
                 rim: float = 3.0, rimmed: float = 0.7, hue_gap: float = 10.0, lit: float = 0.25,
                 sat: tuple[float, float] = (0.15, 0.85)) -> np.ndarray:
    """The pieces of thin pockets (:func:`thin_pockets_of`) that are a crease between two parts of the body, not
    the backdrop (bool, whole pieces).

    A shadowed crease between a finger resting on the jaw and the cheek is as thin, as enclosed and as unlike the
    lit skin in RGB as a sliver of backdrop between a hoop and the neck, and :func:`enclosed_background` took it
    for one (yangmi_3.jpg: RGB 0.49-0.55, 0.23-0.30, 0.13-0.19 against a face of 0.87, 0.65, 0.52; opened, a grey
    see-through slit between hand and face). What tells them apart is what lies round them and their hue. A piece
    is a crease when

    - it is skin in shade: its median colour has the face's hue (within ``hue_gap`` degrees of the median HSV hue
      inside the face's hull; shade keeps a skin's hue, not its chromaticity) and is darker (HSV value) than the
      median of its rim: the crease 18 degrees against a face of 22, value 0.49-0.55 against 0.71-0.76; rihanna's
      cream pockets 32-34 degrees but lighter than their rim of hair (0.70-0.74 against 0.38-0.40), her pink
      crescent 333 degrees; and
    - its rim (the mask's pixels within ``rim`` px of it) is skin on both sides: at least ``rimmed`` of them have
      the face's hue (within ``hue_gap``), are lit (HSV value above ``lit``: black hair's hue means nothing) and
      have a skin's saturation (``sat``): yangmi_3's crease 0.95-1.0; rihanna's cream strips between the bob's
      ends and the neck 0.36-0.45, the pink crescent between the hoop and the neck 0.48.

    A sliver of the backdrop between two fingers is opened unless it has the skin's hue and is darker than them.
    (The backdrop's colour outside the person does not tell them apart: yangmi_3's brown wall holds the crease's
    colour within 0.05 RGB, rihanna's bokeh her pockets' within 0.07-0.08.)

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), (0.85, 0.62, 0.5), np.float32)             # the face's skin everywhere
    >>> img[300:380, 100:105] = (0.5, 0.26, 0.15)                               # a shaded crease in the skin
    >>> img[300:380, 400:405] = (0.75, 0.8, 0.9); img[300:380, 405:420] = 0.05  # a pale-blue sliver beside hair
    >>> pieces = np.zeros((512, 512), bool); pieces[300:380, 100:105] = True; pieces[300:380, 400:405] = True
    >>> c = skin_creases(pieces, img, ~pieces, lm)
    >>> bool(c[340, 102]), bool(c[340, 402])
    (True, False)
    """
    pc = np.asarray(pieces, bool)
    out = np.zeros(pc.shape, bool)
    if not pc.any():
        return out
    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    m = np.asarray(mask, bool)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    hull = _face_hull(m.shape, lm, shrink=0.1 * fw)
    if hull.sum() < 20:
        return out
    h, s, v = _hue_sat_val(img)
    # the face's median hue (the lips' reds, by 0/360, are too few to move it); offsets are taken round the circle
    face_h = float(np.median(h[hull]))

    def off(x: np.ndarray) -> np.ndarray:
        return np.abs((np.asarray(x, np.float32) - face_h + 180.0) % 360.0 - 180.0)

    skin = (off(h) < hue_gap) & (v > lit) & (s > sat[0]) & (s < sat[1])
    n, lab = cv2.connectedComponents(pc.astype(np.uint8), connectivity=8)
    k = 2 * int(np.ceil(rim)) + 1
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    for i in range(1, n):
        piece = lab == i
        ring = cv2.dilate(piece.astype(np.uint8), disk).astype(bool) & m & ~pc
        if ring.sum() < 4:
            continue
        mh, _, mv = _hue_sat_val(np.median(img[piece], axis=0))
        shaded = float(off(mh)) < hue_gap and float(mv) < float(np.median(v[ring]))
        if shaded and float(skin[ring].mean()) >= rimmed:
            out |= piece
    return out


def thin_backdrop_pockets(pockets: np.ndarray, mask: np.ndarray, pixels: np.ndarray, landmarks: np.ndarray, *,
                          creases: bool = True, least: float | None = 0.048) -> np.ndarray:
    """The thin pieces of the backdrop's ``pockets`` to open (bool): :func:`thin_pockets_of`, without the creases
    between two parts of the body (:func:`skin_creases`, with ``creases``) and, with ``least``, without a piece
    smaller than ``least`` face widths squared (the square root of its area under ``least`` face widths).

    The size floor: a blob of 8 px at the working size, a pale rim of light on obama3.jpg's neck (editorial, 0.031
    face widths; memorial 0.041), opened, was a see-through blob in the neck's edge; rihanna's cream and pink
    pockets measure 0.054-0.126 in all six styles. Their colour does not tell them apart: within 0.03-0.09 (RGB, 1st
    percentile) of a colour of obama3's backdrop, rihanna's within 0.065-0.084 of her bokeh's.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), (0.85, 0.62, 0.5), np.float32)             # skin
    >>> img[300:380, 100:102] = (0.5, 0.26, 0.15)                               # a shaded crease, 2 px
    >>> pockets = np.zeros((512, 512), bool); pockets[300:380, 100:102] = True
    >>> bool(thin_backdrop_pockets(pockets, ~pockets, img, lm).any())
    False
    >>> bool(thin_backdrop_pockets(pockets, ~pockets, img, lm, creases=False)[340, 101])
    True
    """
    lm = check_landmarks(landmarks)
    m, p = np.asarray(mask, bool), np.asarray(pockets, bool)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    thin = thin_pockets_of(p, m, fw)
    if least is not None and thin.any():  # no speck (a pale rim of light on a neck)
        n, lab = cv2.connectedComponents(thin.astype(np.uint8), connectivity=8)
        size = np.bincount(lab.ravel(), minlength=n)
        big = size >= (least * fw) ** 2
        big[0] = False
        thin &= big[lab]
    if creases and thin.any():  # not a crease between two parts of the body (a finger resting on the jaw)
        thin &= ~skin_creases(thin, pixels, m, lm)
    return thin


def open_thin_pockets(alpha: np.ndarray, pieces: np.ndarray, *, ridge: float = 0.65, least: float = 1.5,
                      reach: float = 6.0, pixels: np.ndarray | None = None, grow: int = 5,
                      key: tuple[float, float] = (0.06, 0.16), landmarks: np.ndarray | None = None,
                      skin_gap: float = 0.15, mix: float | None = 0.1, line: float = 0.08,
                      contrast: float = 0.15) -> np.ndarray:
    """Alpha over thin pockets (:func:`thin_pockets_of`, at this size) capped to 0 along their ridge, ramping back to
    the matting's own value at their border; nothing outside ``pieces`` moves.

    The ridge is the pixels at least ``least`` px inside the piece and at least ``ridge`` times as deep as the
    deepest piece pixel within ``reach`` px. (Made known background in the trimap instead, the ridge at the
    end of the strip by the neck pulled the hoop's bar beside it to 0.7-0.9 through the unknown band; here only
    the pocket's own pixels, which :func:`enclosed_background` found to be backdrop, are lowered.) With ``pixels``
    the pixels within ``grow`` px of a piece (the working size's piece, upsampled, is a little narrower than the
    pocket: a line of its colour stayed along both sides) are also capped by their distance from the ridge's colour
    (RGB, ramped over ``key``: the backdrop's own colour opens, a hoop's gold does not); with ``landmarks`` a pixel
    within ``skin_gap`` of the neck's colour (:func:`_neck_strip`) is never keyed (a cream backdrop beside a lit neck
    lies about 0.1 from it). With ``mix`` (round 19), a pixel there that is a mix of the ridge's colour and the
    person's beside it (the opaque pixels round the grown band; within ``line`` of the straight line between the two
    colours, which differ by ``contrast`` or more) gets at most its share of the person's colour plus ``mix``: the
    rim of rihanna.webp's pink crescent on the neck's side, 60-75 % pink, kept the matting's 0.9 and its foreground
    estimate, the pink taken out of a pixel it was most of, a light orange-pink line on the new backdrop.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.ones((20, 30), np.float32); a[5:15, 10:19] = 0.95    # a 9 px wide strip the matting filled
    >>> pieces = np.zeros((20, 30), bool); pieces[5:15, 10:19] = True
    >>> b = open_thin_pockets(a, pieces)
    >>> [round(float(v), 2) for v in b[10, 9:20]]
    [1.0, 0.95, 0.56, 0.11, 0.0, 0.0, 0.0, 0.11, 0.56, 0.95, 1.0]
    """
    a = np.asarray(alpha, np.float32)
    pc = np.asarray(pieces, bool)
    if not pc.any():
        return a.copy()
    d = cv2.distanceTransform(np.pad(pc, 1).astype(np.uint8), cv2.DIST_L2, 5)[1:-1, 1:-1]
    k = 2 * int(np.ceil(reach)) + 1
    deepest = cv2.dilate(d, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    top = np.maximum(ridge * deepest, least)
    cap = np.where(pc, np.clip((top - d) / np.maximum(top - 1.0, 1e-3), 0, 1), 1.0)
    if pixels is not None and grow > 0:
        img = check_image(pixels)
        on_ridge = (cap <= 0) & pc
        if on_ridge.any():
            back = normalized_blur(img, on_ridge.astype(np.float32), max(reach, 1.0))
            seen = gauss(on_ridge.astype(np.float32), max(reach, 1.0)) > 1e-3  # a ridge near enough to know its colour
            near = cv2.dilate(pc.astype(np.uint8), np.ones((2 * grow + 1,) * 2, np.uint8)).astype(bool) & seen
            dist = np.sqrt(((img - back) ** 2).sum(-1))
            grown = near.copy()  # (the share cap below needs no guard for the neck: the neck's own colour reads 1)
            if landmarks is not None:
                lm = check_landmarks(landmarks)
                neck = _neck_strip(a.shape, lm) & (a > 0.5)
                if neck.any():
                    near &= _from_neck_colour(img, neck, float(np.linalg.norm(lm[16] - lm[0]))) > skin_gap
            cap = np.where(near, np.minimum(cap, np.clip((dist - key[0]) / (key[1] - key[0]), 0, 1)), cap)
            if mix is not None:
                cap = np.minimum(cap, _rim_share_cap(img, a, back, grown | pc, grown, mix, line, contrast, grow))
    return np.minimum(a, cap).astype(np.float32)


def _rim_share_cap(img: np.ndarray, alpha: np.ndarray, back: np.ndarray, band: np.ndarray, near: np.ndarray,
                   mix: float, line: float, contrast: float, grow: int) -> np.ndarray:
    """:func:`open_thin_pockets`' cap on its grown band by colour: a pixel that is a mix of the pocket's colour
    (``back``) and the person's beside it (the opaque pixels just outside ``band``, a normalised blur) gets at most
    its share of the person's colour plus ``mix``; 1 elsewhere."""
    ring = (cv2.dilate(band.astype(np.uint8), np.ones((2 * grow + 1,) * 2, np.uint8)) > 0) & ~band & (alpha >= 0.98)
    if not ring.any():
        return np.ones(alpha.shape, np.float32)
    person = normalized_blur(img, ring.astype(np.float32), max(grow, 1.0))
    v, vv, share = _share_along(img, person, back)
    t = np.clip(share, 0, 1)
    off = np.sqrt(np.sum((img - back - t[..., None] * v) ** 2, -1))
    on = near & (vv >= contrast ** 2) & (off <= line)
    return np.where(on, np.clip(t + mix, 0, 1), 1.0).astype(np.float32)


def strands_over_pockets(pixels: np.ndarray, mask: np.ndarray, pockets: np.ndarray, landmarks: np.ndarray, *,
                         band: float = 0.1, dark: float = 0.6, match: float = 0.15, skin_gap: float = 0.15) -> np.ndarray:
    """Pixels of the mask beside a pocket of :func:`enclosed_background` that are strands of hair or the gaps
    between them (bool), for the matting to tell apart.

    Hair hanging over the backdrop's pocket (a bob's ends inside a hoop) is strands too fine for the growth to
    pass between: the gaps stay in the mask. Within ``band`` face widths of a pocket, below the lobes and
    outside the face, a pixel darker than ``dark`` times the pocket's luma (the strands; not the neck's skin,
    within ``skin_gap`` of :func:`_neck_strip`'s colour) or within ``match`` of the pocket's colour (the gaps),
    and a pixel round them, is returned. The skin of the neck beside the pocket and an earring's highlights are
    neither, and stay sure: unknown, the neck's edge went half transparent and the hoop's highlights were cut.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), (0.8, 0.7, 0.6), np.float32)         # the backdrop
    >>> m = np.zeros((512, 512), bool); m[:, 150:360] = True
    >>> img[m] = (0.6, 0.4, 0.3)                                          # skin
    >>> img[300:400, 340:345] = 0.1                                       # a strand beside a pocket
    >>> pocket = np.zeros((512, 512), bool); pocket[300:400, 345:360] = True
    >>> s = strands_over_pockets(img, m, pocket, lm)
    >>> bool(s[350, 342]), bool(s[350, 330]), bool(s[100, 342])          # strand, skin beside, far above
    (True, False, False)
    """
    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    m, p = np.asarray(mask, bool), np.asarray(pockets, bool)
    none = np.zeros(m.shape, bool)
    if not p.any():
        return none
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    near = cv2.distanceTransform((~p).astype(np.uint8), cv2.DIST_L2, 5) < band * fw
    near &= m & _below_lobes(m.shape, lm) & ~_face_hull(m.shape, lm, shrink=0.06 * fw)
    if not near.any():
        return none
    luma = np.array([0.2126, 0.7152, 0.0722], np.float32)
    back = normalized_blur(img, p.astype(np.float32), max(0.05 * fw, 1.0))
    strand = (img @ luma) < dark * (back @ luma)
    neck = _neck_strip(m.shape, lm) & m
    if neck.any():
        strand &= _from_neck_colour(img, neck, fw) > skin_gap
    gap = np.sqrt(((img - back) ** 2).sum(-1)) < match
    return cv2.dilate(((strand | gap) & near).astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & near


def gaps_over_pockets(pixels: np.ndarray, alpha: np.ndarray, pockets: np.ndarray, zone: np.ndarray,
                      landmarks: np.ndarray, *, dark: float = 0.6, match: float = 0.15, axis: tuple[float, float] = (0.06, 0.1),
                      contrast: float = 0.25, slack: float = 0.05, skin_gap: float = 0.15,
                      lighter: float = 0.1, hue: tuple[float, float] = (0.03, 0.05),
                      between: float = 0.02, reach: float = 0.75) -> tuple[np.ndarray, np.ndarray]:
    """Between strands of hair over a pocket of the backdrop, alpha is at most the strands' share of each pixel's
    colour; returns the alpha and the pixels it opened (alpha from above 0.5 to 0.5 or less, bool).

    Closed-form matting leaves the gaps between dense strands over a pocket
    (:func:`enclosed_background`; a bob's ends inside a hoop) at 0.7-0.9:
    they are 1-3 working pixels wide, no gap is pure backdrop, and the few
    known backdrop pixels beside them lie across the hoop. At full size each
    pixel is read as a mix of two colours instead: the strands' ``F`` (the
    ``zone``'s opaque pixels darker than ``dark`` times the backdrop's luma,
    blurred over 0.02 face widths) and the backdrop's ``B`` (the cleared pocket
    and the ``zone``'s pixels within ``match`` of it, the lighter ones
    weighing more, blurred the same). A pixel on the segment from ``B`` to
    ``F`` (off it by less than ``axis``, ramped) keeps at most its share of
    ``F`` plus ``slack``, when it also lies between strands (a closing of
    the strands by ``between`` face widths covers it, or it is nearly pure
    backdrop: a share of ``F`` below 0.15-0.3), near the cleared pocket
    (its pixels' density in a Gaussian over 0.05 face widths above
    0.0005-0.002: farther, ``B`` is a guess) and its chromaticity is
    within ``hue`` (ramped) of the mix's. A colour off the segment (a red strand, the hoop's
    gold and highlights, the neck's skin), a pixel within ``skin_gap`` of
    the neck's colour (:func:`_neck_strip`) and the rim round a highlight
    (a pixel lighter than ``B`` by ``lighter`` in luma, and 0.006 face
    widths round it) keep their alpha; so does any pixel where ``F`` and
    ``B`` are less than ``contrast`` apart. Only the ``zone`` within
    ``reach`` face widths of the jaw point below either ear is read.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    alpha : ndarray
        ``(H, W)`` alpha; not modified.
    pockets : ndarray
        ``(H, W)`` bool, the backdrop's pockets (:func:`enclosed_background`, at this size).
    zone : ndarray
        ``(H, W)`` bool, where the rule applies (:func:`strands_over_pockets`, at this size).
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.

    Returns
    -------
    tuple of ndarray
        ``(H, W)`` float32 alpha, never above ``alpha``, and ``(H, W)`` bool, the pixels opened.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), (0.8, 0.7, 0.58), np.float32)       # cream backdrop
    >>> img[130:190, 130:170:4] = 0.1                                    # dark strands below the left lobe, 3 px gaps
    >>> img[130:190, 131:170:4] = (0.45, 0.4, 0.34)                      # a half mix beside each
    >>> img[130:190, 150:152] = (0.7, 0.1, 0.1)                          # a red strand
    >>> a = np.zeros((512, 512), np.float32); a[130:190, 130:170] = 0.85  # the matting's answer
    >>> a[130:190, 130:170:4] = 1
    >>> pocket = np.zeros((512, 512), bool); pocket[130:190, 120:130] = True; pocket[130:190, 170:178] = True
    >>> zone = np.zeros((512, 512), bool); zone[130:190, 130:170] = True
    >>> b, opened = gaps_over_pockets(img, a, pocket, zone, lm)
    >>> [round(float(b[160, x]), 2) for x in (133, 135, 134, 151)]      # gap, half mix, strand, red
    [0.05, 0.55, 1.0, 0.85]
    """
    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    z, p = np.asarray(zone, bool), np.asarray(pockets, bool)
    none = np.zeros(a.shape, bool)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    # the hair's ends and the hoops hang beside the jaw: lower down a pocket meets the clothes and the arm (rihanna's
    # editorial crop: the arm's lit skin beside a pocket on the shoulder lay on the line from the dress's black spots
    # to the backdrop blurred from afar)
    at_ears = np.zeros(a.shape, np.uint8)
    for q in (lm[2], lm[14]):
        cv2.circle(at_ears, (int(round(q[0])), int(round(q[1]))), max(int(round(reach * fw)), 1), 1, -1)
    z = z & at_ears.astype(bool)
    if not z.any() or not p.any():
        return a.copy(), none
    H, W = a.shape
    # the work is done in the zone's box with a margin (the pocket read around it)
    ys, xs = np.nonzero(z)
    mg = int(np.ceil(0.1 * fw)) + 2
    box_ = np.s_[max(ys.min() - mg, 0):min(ys.max() + mg + 1, H), max(xs.min() - mg, 0):min(xs.max() + mg + 1, W)]
    img_b, a_b, z_b = img[box_], a[box_], z[box_]
    clear = p[box_] & (a_b < 0.05)
    if not clear.any():
        return a.copy(), none
    s = max(0.02 * fw, 1.0)
    luma_w = np.array([0.2126, 0.7152, 0.0722], np.float32)
    luma = img_b @ luma_w

    def dist(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.sqrt(((u - v) ** 2).sum(-1))

    # the backdrop: the cleared pocket, and the gaps in its colour (the lighter a gap, the less strand it holds)
    b0 = normalized_blur(img_b, clear.astype(np.float32), max(0.05 * fw, 1.0))
    l0 = np.maximum(b0 @ luma_w, 1e-3)
    light = np.clip((luma - dark * l0) / ((1 - dark) * l0), 0, 1) ** 4
    gaps = z_b & (dist(img_b, b0) < match)
    B = normalized_blur(img_b, clear + gaps * light, s)
    # the strands: the zone's opaque pixels darker than the backdrop, not the neck's skin
    strands = z_b & (a_b > 0.9) & (luma < dark * (B @ luma_w))
    neck = (_neck_strip(a.shape, lm) & (a > 0.5))[box_]
    skin = _from_neck_colour(img_b, neck, fw) <= skin_gap if neck.any() else np.zeros(a_b.shape, bool)
    strands &= ~skin
    if not strands.any():
        return a.copy(), none
    F = normalized_blur(img_b, strands.astype(np.float32), s)
    d = F - B
    dd = (d * d).sum(-1)
    share = np.clip(((img_b - B) * d).sum(-1) / np.maximum(dd, 1e-6), 0, 1)
    off = dist(img_b, B + share[..., None] * d)
    lo, hi = axis
    hue_lo, hue_hi = hue
    # nor the rim of a highlight (a pixel lighter than the backdrop, and the pixels round it): its mix of white and
    # gold may lie on the segment, and opened it left a see-through ring round each sparkle of a hoop
    r = max(int(round(0.006 * fw)), 1)
    rim = cv2.dilate((luma > (B @ luma_w) + lighter).astype(np.uint8),
                     cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))).astype(bool)
    # and in the mix's hue too (chromaticity, which a dark pixel's small RGB residual hides: the shaded neck under a
    # hoop lies near the line from dark hair to a pink backdrop in RGB, not in hue)
    mix = B + share[..., None] * d
    hue_off = dist(img_b / np.maximum(img_b.sum(-1, keepdims=True), 1e-3), mix / np.maximum(mix.sum(-1, keepdims=True),
                                                                                          1e-3))
    # and only between strands: where a closing of the strands by ``between`` face widths reaches (a gap has a strand
    # on either side; the skin beside the hair's ends or a necklace's beads has them on one side)
    rb = max(int(round(between * fw)), 1)
    inside = cv2.morphologyEx(strands.astype(np.uint8), cv2.MORPH_CLOSE, cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (2 * rb + 1, 2 * rb + 1))).astype(bool)
    # (a gap wider than that, nearly pure backdrop, opens wherever it is: the closing's round holes left discs)
    inside = np.maximum(inside, np.clip((0.3 - share) / 0.15, 0, 1))
    # and only near the cleared pocket: farther, ``B`` is a far fill, a guess (rihanna's lit neck beside the right
    # hoop has the cream of the pocket below the left one, 0.25 face widths away, and was opened)
    local = np.clip((gauss(clear.astype(np.float32), max(0.05 * fw, 1.0)) - 5e-4) / 1.5e-3, 0, 1)
    w = z_b * local * inside * np.clip((hi - off) / (hi - lo), 0, 1) * np.clip((hue_hi - hue_off) / (hue_hi - hue_lo), 0, 1) \
        * (np.sqrt(dd) > contrast) * ~skin * ~rim
    new = a_b * (1 - w) + w * np.minimum(a_b, share + slack)
    out = a.copy()
    out[box_] = new
    opened = none.copy()
    opened[box_] = (new <= 0.5) & (a_b > 0.5)
    return out.astype(np.float32), opened


def enclosed_specks(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, *, keep_open: np.ndarray | None = None,
                    largest: float = 0.03, solid: float = 0.5, match: float = 0.12, reach: float = 0.7) -> np.ndarray:
    """Small holes in the alpha that opaque jewellery or hair encloses near the jaw below the ear lobes, in a
    colour unlike the backdrop around, are the person (alpha 1).

    A hoop earring's bright highlights are a third colour, neither its
    gold nor the backdrop: closed-form matting gives them 0.3-0.7 and
    :func:`off_axis_limit` takes them out, so the hoop is pocked with
    see-through specks on every new backdrop (rihanna.webp's left hoop).
    :func:`fill_head_holes` leaves them: they lie within its fade from the
    outline, or below the chin. A hole here is a piece of ``alpha <=
    solid`` no larger than ``largest`` face widths squared that ``alpha >
    solid`` encloses, below the lobes, outside the face hull and within
    ``reach`` face widths of the jaw point below either ear; it is filled
    when its median colour is more than ``match`` from the backdrop around
    it (the pixels of alpha 0, the hole's own included, blurred over 0.05
    face widths): the backdrop seen through a gap between strands is its
    own colour and stays open, as do the holes in ``keep_open``.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), (0.6, 0.65, 0.35), np.float32)      # a green backdrop
    >>> img[140:190, 130:175] = (0.55, 0.35, 0.12)                       # a gold hoop below the left lobe
    >>> img[150:152, 160:162] = 0.95                                     # a highlight
    >>> img[175:177, 160:162] = (0.6, 0.65, 0.35)                        # the backdrop seen through it
    >>> a = np.zeros((512, 512), np.float32); a[140:190, 130:175] = 1
    >>> a[150:152, 160:162] = 0; a[175:177, 160:162] = 0
    >>> b = enclosed_specks(img, a, lm)
    >>> float(b[151, 161]), float(b[176, 161]), float(b[145, 140])
    (1.0, 0.0, 1.0)
    """
    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    from scipy import ndimage

    fw = float(np.linalg.norm(lm[16] - lm[0]))
    near = np.zeros(a.shape, np.uint8)
    for q in (lm[2], lm[14]):
        cv2.circle(near, (int(round(q[0])), int(round(q[1]))), max(int(round(reach * fw)), 1), 1, -1)
    where = near.astype(bool) & _below_lobes(a.shape, lm)
    full = a > solid
    enclosed = ndimage.binary_fill_holes(full) & ~full
    if not (enclosed & where).any():
        return a
    # a hole is small as a whole (a large one cut by ``where`` is no speck), and none is kept open that meets
    # ``keep_open`` at all
    n, lab, st, _ = cv2.connectedComponentsWithStats(enclosed.astype(np.uint8), connectivity=8)
    ok = (st[:, cv2.CC_STAT_AREA] <= (largest * fw) ** 2) & (np.bincount(lab[where], minlength=n) > 0)
    if keep_open is not None:
        ok &= np.bincount(lab[np.asarray(keep_open, bool)], minlength=n) == 0
    ok[0] = False
    cand = np.flatnonzero(ok)
    if not len(cand):
        return a
    fill = np.zeros(a.shape, bool)
    back = normalized_blur(img, (a <= 0.02).astype(np.float32), max(0.05 * fw, 1.0))
    for i in cand:
        x, y, w, h = st[i, :4]
        sl = np.s_[y:y + h, x:x + w]
        piece = lab[sl] == i
        c = np.median(img[sl][piece], axis=0)
        if float(np.linalg.norm(c - np.median(back[sl][piece], axis=0))) > match:
            fill[sl] |= piece
    if not fill.any():
        return a
    out = a.copy()
    out[fill] = 1.0
    return out


def trimap(mask: np.ndarray, landmarks: np.ndarray, *, hair_band: float = 0.16, edge_band: float = 0.06,
           valid: np.ndarray | None = None, prob: np.ndarray | None = None, hair_below: float = 0.1) -> np.ndarray:
    """A trimap (0 background, 0.5 unknown, 1 foreground) around ``mask``.

    The unknown band is ``edge_band`` face widths wide along the body and
    ``hair_band`` around the hair (above ``hair_below`` head heights under the
    eye line: crown and temples), where strands and gaps need room. Lower
    down (ears, jaw, neck, earrings) the outline is skin, collar or solid
    hair, and a wide band there only let the matting take smooth background
    of the person's own colours for half-transparent person: a yellow patch
    of bokeh beside yangmi_1's earring, grey smears behind tom_cruise_tight's
    ear (0.45 before; known-alpha SAD 0.96 -> 0.73 with 0.1).
    Where the person probability ``prob`` (if given) is unsure (0.1-0.9) near
    the mask, the pixel is unknown too: the matting decides from the colours.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> m = np.zeros((512, 512), bool); m[60:, 150:360] = True
    >>> t = trimap(m, lm)
    >>> sorted(np.unique(t).tolist()), float(t[300, 250]), float(t[300, 20])
    ([0.0, 0.5, 1.0], 1.0, 0.0)
    """
    lm = check_landmarks(landmarks)
    H, W = mask.shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    _, _, head_h = head_extent(lm)
    _, down = _frame_axes(lm)
    below_eyes = _along((H, W), lm[36:48].mean(0), down)
    hair_zone = gauss((below_eyes < hair_below * head_h).astype(np.float32), 0.1 * fw)
    radius = np.maximum((edge_band + (hair_band - edge_band) * hair_zone) * fw, 2.0)
    m8 = mask.astype(np.uint8)
    d_in = cv2.distanceTransform(m8, cv2.DIST_L2, 5)
    d_out = cv2.distanceTransform(1 - m8, cv2.DIST_L2, 5)
    t = np.full((H, W), 0.5, np.float32)
    t[d_in >= 0.6 * radius] = 1.0
    t[d_out >= radius] = 0.0
    if prob is not None:
        unsure = (prob > 0.1) & (prob < 0.9) & (d_out < 3 * radius) & (d_in < 1.5 * radius)
        t[unsure] = 0.5
    t[_face_hull((H, W), lm, shrink=0.06 * fw)] = 1.0
    if valid is not None:
        t[~valid] = 0.0
    return t


def others_background(trimap_: np.ndarray, others: np.ndarray) -> np.ndarray:
    """The unknown band's pixels on another person are known background.

    In a group snapshot the person mask is split between the people
    (:func:`candid.engines.studio.people.others_mask`) and the others' share
    leaves the subject's mask; but the trimap's unknown band is drawn round
    the mask by distance alone, and at the crown it is 0.16 face widths wide.
    Where someone stands behind the head, the band covers her chin and the
    dark seam under it: closed-form matting, with known background only
    beyond her face, gave the seam and her chin's rim 0.3-0.8 (the colours
    say nothing: a skin-to-shadow edge lies next to blonde hair), the colour
    rules could not take the seam (it is darker than the "wall" beside it,
    her chin's skin), and the composite painted it as a dark hook on the
    crown (2008_007676.jpg). Marked known background, her pixels give the
    matting its background samples right at the seam, and nothing of her
    is left soft. The subject's sure pixels (trimap 1) are never changed.

    Parameters
    ----------
    trimap_ : ndarray
        ``(H, W)`` trimap (0 background, 0.5 unknown, 1 foreground); not modified.
    others : ndarray
        ``(H, W)`` bool, the pixels that belong to another person.

    Returns
    -------
    ndarray
        ``(H, W)`` float32 trimap.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.full((3, 4), 0.5, np.float32); t[:, 0] = 1; t[:, 3] = 0
    >>> o = np.zeros((3, 4), bool); o[0, :] = True              # another person along the top row
    >>> others_background(t, o)
    array([[1. , 0. , 0. , 0. ],
           [1. , 0.5, 0.5, 0. ],
           [1. , 0.5, 0.5, 0. ]], dtype=float32)
    """
    t = np.asarray(trimap_, np.float32).copy()
    t[np.asarray(others, bool) & (t < 0.999)] = 0.0
    return t


def alien_shape(pixels: np.ndarray, mask: np.ndarray, own: np.ndarray, trimap_: np.ndarray, face_width: float, *,
                odds: tuple[float, float] = (0.85, 0.95), reach: float = 0.3,
                where: np.ndarray | None = None) -> np.ndarray:
    """Where the segmenter's shape reaches beyond the subject's mask over colours only the background holds.

    :func:`matte`'s shape rule (``shape_where_alike``) takes alpha from the
    segmenter's own piece ``own`` where the person and the backdrop beside
    its outline look alike. In a group snapshot that piece can hold a
    neighbour's dark sleeve joined to the subject (someone standing behind,
    an arm round her), and against a dark room the contrast is low: the
    rule laid an opaque block over the sleeve, beside blonde hair, and the
    remnant that later cuts left joined to the hair's soft edge was a grey
    fleck (2008_007676.jpg). The hair the rule is for has the person's
    colours (dark hair on a dark backdrop: the mask's own hair holds them);
    the sleeve's colour is in the known background and nowhere in the mask.
    So: on ``own & ~mask``, the weight ramps from 0 to 1 as the pixel's
    colour odds of being background (:func:`background_odds`: the mask's
    colours against the known background's beyond ``own``) go over ``odds``,
    on pieces that reach more than ``reach`` face widths out from the mask
    (a limb, 0.74 there; not the segmenter's outline lying a few pixels
    outside GrabCut's round a head before a plain wall, 0.08-0.2 on
    2007_007763.jpg, which the shape rule is for).

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    mask, own : ndarray
        ``(H, W)`` bool: the subject's mask (colour-refined) and the segmenter's own piece.
    trimap_ : ndarray
        ``(H, W)`` trimap (0 background, 0.5 unknown, 1 foreground).
    face_width : float
        In pixels.
    odds : (float, float)
        Background odds over which the weight ramps from 0 to 1.
    reach : float
        In face widths: how far out from the mask a piece must reach to count.
    where : ndarray, optional
        ``(H, W)`` bool: pieces are made within it (:func:`matte`: where the shape rule acts; a thin ring round
        the forehead joined below the chin to a deep piece beside the neck, where the rule never acts, is no limb).

    Returns
    -------
    ndarray
        ``(H, W)`` float32 weight in [0, 1] (all 0 when either side has too few pixels).

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((60, 60, 3), 0.04, np.float32); img[:, :30] = (0.85, 0.7, 0.45)    # blonde; a dark room
    >>> mask = np.zeros((60, 60), bool); mask[:, :30] = True
    >>> own = np.zeros((60, 60), bool); own[:, :45] = True              # the segmenter: a dark sleeve joined
    >>> tri = np.where(mask, 1.0, 0.0).astype(np.float32)
    >>> w = alien_shape(img, mask, own, tri, 40.0)                       # (15 px: over 0.3 face widths out)
    >>> float(w[30, 40]), float(w[30, 10]), float(w[30, 55])           # the sleeve; her hair; the room itself
    (1.0, 0.0, 0.0)
    >>> float(alien_shape(img, mask, own, tri, 100.0).max())            # 0.15 face widths: an outline's slack
    0.0
    """
    mask, own = np.asarray(mask, bool), np.asarray(own, bool)
    extra = own & ~mask
    if not extra.any():
        return np.zeros(mask.shape, np.float32)
    o = background_odds(pixels, mask, (np.asarray(trimap_) <= 0.001) & ~own, face_width)
    if o is None:
        return np.zeros(mask.shape, np.float32)
    lo, hi = odds
    w = (np.clip((o - lo) / (hi - lo), 0, 1) * extra).astype(np.float32)
    # only a limb's breadth: the segmenter's outline lying a few pixels outside GrabCut's round a head before a
    # plain wall (2007_007763.jpg's crown: 0.08 face widths at most) is the soft edge the shape rule is for
    from scipy import ndimage

    labels, n = ndimage.label((w > 0.5) & (True if where is None else np.asarray(where, bool)))
    if n == 0:
        return np.zeros(mask.shape, np.float32)
    depth = cv2.distanceTransform((~mask).astype(np.uint8), cv2.DIST_L2, 5)
    deep = np.asarray(ndimage.maximum(depth, labels, np.arange(1, n + 1))) > reach * float(face_width)
    keep = np.isin(labels, np.flatnonzero(deep) + 1)
    keep = cv2.dilate(keep.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=2).astype(bool)
    return (w * keep).astype(np.float32)


def lighter_lines(pixels: np.ndarray, face_width: float, *, thin: float = 0.02) -> np.ndarray:
    """How far each pixel stands above the image round it: a light line's height over the darker wall beside it.

    The mean sRGB minus its grey-scale opening by a disc of ``thin`` face widths: a strand of light hair thinner than
    the disc stands out by its contrast with the wall; a broad patch of lighter wall, or a soft haze, is kept by the
    opening and stands out by 0.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((40, 40, 3), 0.1, np.float32); img[20, :] = 0.6; img[:10, :10] = 0.5
    >>> h = lighter_lines(img, 200.0)      # a disc of 4 px radius
    >>> round(float(h[20, 30]), 2), round(float(h[5, 5]), 2), round(float(h[30, 30]), 2)
    (0.5, 0.0, 0.0)
    """
    grey = check_image(pixels).mean(-1)
    r = max(int(round(thin * max(float(face_width), 1.0))), 1)
    return (grey - cv2.morphologyEx(grey, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2))
            ).astype(np.float32)


def strand_share(pixels: np.ndarray, face_width: float, *, thin: float = 0.02, noise: float = 0.02,
                 wide: float = 3.0) -> np.ndarray:
    """Each pixel's share of a light strand over a darker wall, from its own full-size colour (mean sRGB).

    The wall under the strands is the grey-scale opening by a disc of ``thin`` face widths (:func:`lighter_lines`);
    the hair's own level is the brightest pixel within ``wide`` times that disc (the purest strand near). A pixel's
    share is its height above the wall (less ``noise``, the wall's own grain) over the hair's: 0 on the plain wall
    between strands, about 1 on a strand as wide as a pixel.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((40, 40, 3), 0.1, np.float32); img[20, :] = 0.6; img[24, :] = 0.35   # a strand, a fainter one
    >>> s = strand_share(img, 200.0)
    >>> round(float(s[20, 30]), 2), round(float(s[24, 30]), 2), round(float(s[30, 30]), 2)
    (1.0, 0.48, 0.0)
    """
    grey = check_image(pixels).mean(-1)
    r = max(int(round(thin * max(float(face_width), 1.0))), 1)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2)
    wall = cv2.morphologyEx(grey, cv2.MORPH_OPEN, disc)
    R = max(int(round(wide * r)), 1)
    hair = cv2.dilate(grey, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * R + 1,) * 2))
    return np.clip((grey - wall - noise) / np.maximum(hair - wall - noise, 0.1), 0, 1).astype(np.float32)


def strand_cap(share: np.ndarray, slack: float, *, bare: bool = True, sigma: float = 0.7) -> np.ndarray:
    """The most alpha a loose strand's full-size pixel may hold: its share of a strand (:func:`strand_share`) + slack.

    With ``bare``, the plain wall between strands holds none: the cap is at most twice the larger of the pixel's
    share and that share blurred by ``sigma`` px (0 on the wall's own colour, as :func:`_cap_to_share`; the blur
    leaves a strand's soft side a pixel out a little, and smooths the wall's grain, which alone left single
    holes). Without ``bare`` the cap is the share plus ``slack`` everywhere (round 15): a haze of up to
    ``slack`` over the wall, in the strands' light colour, round a dense crossing; where the haze thinned out to
    nothing the backdrop showed through it as a dark speck (scarlett_4.jpg environmental).

    Examples
    --------
    >>> import numpy as np
    >>> s = np.zeros((5, 9), np.float32); s[:, 4] = 0.6                 # one strand over the plain wall
    >>> c = strand_cap(s, 0.08)
    >>> round(float(c[2, 0]), 2), round(float(c[2, 4]), 2), bool(0 < c[2, 3] < c[2, 4])
    (0.0, 0.68, True)
    >>> round(float(strand_cap(s, 0.08, bare=False)[2, 0]), 2)       # the haze of round 15
    0.08
    """
    share = np.asarray(share, np.float32)
    if not bare:
        return (share + slack).astype(np.float32)
    near = np.maximum(share, gauss(share, sigma)) if sigma > 0 else share
    return np.minimum(share + slack, 2 * near).astype(np.float32)


def strand_band(pixels: np.ndarray, trimap_: np.ndarray, face_width: float, *, prob: np.ndarray | None = None,
                reach: float = 0.16, thin: float = 0.02, lift: float = 0.04, least: float = 0.15,
                flank: int = 1) -> np.ndarray:
    """Known background that loose light strands leaving the person's band cross: it is unknown, not background.

    :func:`trimap`'s band is wide (``hair_band``) only at the crown and the temples; lower down it is a few pixels
    along the skin, the collar or solid hair. Loose strands that hang from a ponytail or below the ear over a darker
    wall (scarlett_4.jpg) leave GrabCut's mask there (its colour model calls a strand thinner than a working pixel,
    mixed with the wall, background), so the trimap called them known background and every later rule saw alpha 0:
    the hair ended at the neck in a clean cut. A strand is a thin line lighter than the wall round it: it stands
    ``lift`` (mean sRGB) or more above a grey-scale opening of the image by a disc of ``thin`` face widths
    (:func:`lighter_lines`), where a broad patch of lighter wall does not. Such lines (8-connected) that touch the trimap's band or person and leave
    it for the known background, within ``reach`` face widths of the band, where the segmenter sees at least
    ``least`` of a person (``prob``; a strand it half sees, not a lit line on a wall it calls empty), are returned
    with ``flank`` pixels round them, their roots in the band too. Their known background is made unknown: the
    matting solves the strands with the gaps beside them as background samples, and the band's colour rules
    (:func:`strand_gaps`) keep the gaps at the wall's colour out. The weight fades from 1 to 0 over the last 30 %
    of ``reach``: a strand longer than that fades out instead of ending in a cut. :func:`attached_only` keeps
    the faint alpha on the whole strand, root to tip, where it would cut a fan of faint crossing strands.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    trimap_ : ndarray
        ``(H, W)`` trimap (0 background, 0.5 unknown, 1 foreground).
    face_width : float
        In pixels.
    prob : ndarray, optional
        ``(H, W)`` the segmenter's person probability (before GrabCut).
    reach, thin, lift, least, flank : float, float, float, float, int
        See above.

    Returns
    -------
    ndarray
        ``(H, W)`` float32 weight in [0, 1] of the loose strands; 0 on the sure person and off the strands.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((60, 60, 3), 0.1, np.float32); img[:, :20] = (0.8, 0.7, 0.5)   # hair, a dark wall
    >>> img[10:50, 28] = img[30, 20:28] = (0.6, 0.5, 0.4)                            # a loose strand joined to it
    >>> img[5, 45:55] = (0.6, 0.5, 0.4)                                              # a lit line apart from it
    >>> tri = np.zeros((60, 60), np.float32); tri[:, :20] = 1; tri[:, 20:24] = 0.5
    >>> z = strand_band(img, tri, 200.0)                                             # reach: 32 px from the band
    >>> float(z[40, 28]), float(z[40, 29]), float(z[30, 22]), float(z[40, 35]), float(z[5, 50]), float(z[40, 10])
    (1.0, 1.0, 1.0, 0.0, 0.0, 0.0)
    """
    from scipy import ndimage

    img = check_image(pixels)
    t = np.asarray(trimap_, np.float32)
    held = t > 0.001  # the person and the band
    outside = ~held
    if not (t >= 0.999).any() or not outside.any():
        return np.zeros(t.shape, np.float32)
    fw = max(float(face_width), 1.0)
    ridge = lighter_lines(img, fw, thin=thin)
    d = cv2.distanceTransform(outside.astype(np.uint8), cv2.DIST_L2, 5)
    room = (t < 0.999) & (d < reach * fw)
    if prob is not None:
        room &= np.asarray(prob, np.float32) > least
    lines = room & (ridge > lift)
    if not (lines & outside).any():
        return np.zeros(t.shape, np.float32)
    labels, _ = ndimage.label(lines, structure=np.ones((3, 3)))
    rim = cv2.dilate(held.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    touching = np.unique(labels[rim & (labels > 0)])
    leaving = np.unique(labels[outside & (labels > 0)])
    own = np.intersect1d(touching, leaving)
    strand = np.isin(labels, own)
    if flank > 0:  # the gaps beside each strand: the matting's background samples, the band's colour rules' wall
        strand = cv2.dilate(strand.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=int(flank)).astype(bool)
    far = max(reach * fw, 1.0)
    return (strand & room) * np.clip((far - d) / (0.3 * far), 0, 1).astype(np.float32)


class RingMeans(NamedTuple):
    """:func:`ring_means`: the two rings' weights, the local mean colours read in them, and the blur that read them."""

    inner: np.ndarray
    outer: np.ndarray
    inside: np.ndarray | None
    outside: np.ndarray | None
    blur: Callable[[np.ndarray, np.ndarray], np.ndarray]


def ring_means(pixels: np.ndarray, mask: np.ndarray, face_width: float, *, ring: tuple[float, float] = (0.03, 0.12),
               where: np.ndarray | None = None, always: bool = False) -> RingMeans:
    """The colours just inside and just outside ``mask``'s outline, averaged locally, as :func:`low_contrast` reads them.

    A ring ``ring`` face widths deep inside the outline and the same ring outside (``inner``, ``outer``, float32
    weights); ``inside`` and ``outside`` are their normalised convolutions over 0.08 face widths (``(H, W, 3)``;
    only on ``where``, 0 elsewhere, when given). When either ring is empty they are None (:func:`low_contrast`
    reads nothing then), or with ``always`` what the blur gives an empty ring: 0. Made once, the means serve
    :func:`alike_at_neck`'s darker-backdrop test and its :func:`low_contrast` (``rings=``).

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((64, 64, 3), 0.2, np.float32); img[:, :32] = 0.7
    >>> m = np.zeros((64, 64), bool); m[:, :32] = True
    >>> r = ring_means(img, m, 100.0)
    >>> round(float(r.inside[32, 32, 0]), 2), round(float(r.outside[32, 31, 0]), 2)
    (0.7, 0.2)
    >>> ring_means(img, np.zeros((64, 64), bool), 100.0).inside is None
    True
    """
    pixels = check_image(pixels)
    m8 = np.asarray(mask, np.uint8)
    fw = max(float(face_width), 1.0)
    d_in = cv2.distanceTransform(m8, cv2.DIST_L2, 5)
    d_out = cv2.distanceTransform(1 - m8, cv2.DIST_L2, 5)
    r0, r1 = max(ring[0] * fw, 1.0), max(ring[1] * fw, 3.0)
    inner = ((d_in > r0) & (d_in <= r1)).astype(np.float32)
    outer = ((d_out > r0) & (d_out <= r1)).astype(np.float32)
    sig = max(0.08 * fw, 1.0)
    if where is not None:
        where = np.asarray(where, bool)

        def blur(values, weight):
            return normalized_blur_on(values, weight, sig, where)
    else:
        def blur(values, weight):
            return normalized_blur(values, weight, sig)
    if not always and (not inner.any() or not outer.any()):
        return RingMeans(inner, outer, None, None, blur)
    return RingMeans(inner, outer, blur(pixels, inner), blur(pixels, outer), blur)


def low_contrast(pixels: np.ndarray, mask: np.ndarray, face_width: float, *, low: float = 0.08,
                 high: float = 0.16, ring: tuple[float, float] = (0.03, 0.12),
                 where: np.ndarray | None = None, spread: bool = False,
                 rings: RingMeans | None = None) -> np.ndarray:
    """Where alpha cannot come from colour: 1 where the person just inside ``mask`` looks like the background just outside.

    The colour just inside the outline (a ring ``ring`` face widths deep) and
    just outside it (the same ring outside) are averaged locally (normalised
    convolution, 0.08 face widths); where the two differ by less than ``low``
    (sRGB, Euclidean) the weight is 1, above ``high`` it is 0. Dark hair on a
    near-black backdrop (yangmi_6.jpg: mostly 0.02-0.1) is 1; white hair on
    cream curtains (biden.jpg, 0.2 and more) and rihanna.webp are 0. There closed-form matting and
    GrabCut follow the JPEG blocks, so the matte takes its shape from the
    segmenter instead (:func:`shape_alpha`) and the edge its colour from the
    person just inside (:func:`foreground`).

    ``where``: only these pixels are wanted (0 elsewhere); the blurs are made
    on the crop around them (:func:`~candid.engines.studio.filters.normalized_blur_on`),
    the same values there as without it.

    With ``spread``, the distance also counts how much more the background's
    colours vary than the person's (their local RMS spreads ``s``, at half
    weight), beside plain skin only (``s_F`` under 0.05, none from 0.1):
    ``sqrt(|F - B|^2 + (0.5 max(s_B - s_F, 0) k)^2)``. A busy
    backdrop whose colours only average to the person's (scarlett_4.jpg's
    dark banner and yellow letters beside a cheek: means 0.1-0.14 apart,
    spreads 0.45 and 0.05) is no backdrop like the person, and colour
    decides there.

    ``rings``: :func:`ring_means` of the same ``pixels``, ``mask``, ``face_width``, ``ring`` and ``where``,
    already made by the caller (:func:`alike_at_neck`), not read again.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((64, 64, 3), 0.03, np.float32); img[:, :32] = 0.06    # dark on near-black
    >>> img[:, 40:, :] = 0.03; img[:32, 40:, 0] = 0.9                        # and a red backdrop above
    >>> m = np.zeros((64, 64), bool); m[:, :32] = True
    >>> w = low_contrast(img, m, 100.0)
    >>> round(float(w[50, 32]), 2), round(float(w[5, 32]), 2) < 1
    (1.0, True)
    >>> bool((low_contrast(img, m, 100.0, where=m)[m] == w[m]).all())
    True
    >>> busy = np.full((64, 64, 3), 0.5, np.float32); busy[::2, 32:] = 0.2; busy[1::2, 32:] = 0.8  # stripes, mean 0.5
    >>> round(float(low_contrast(busy, m, 100.0)[32, 32]), 2), round(float(low_contrast(busy, m, 100.0, spread=True)[32, 32]), 2)
    (1.0, 0.0)
    """
    pixels = check_image(pixels)
    if rings is None:
        rings = ring_means(pixels, mask, face_width, ring=ring, where=where)
    inner, outer, F, B, blur = rings
    if not inner.any() or not outer.any():
        return np.zeros(np.shape(mask), np.float32)
    where = None if where is None else np.asarray(where, bool)
    c2 = np.sum((F - B) ** 2, axis=-1)
    if spread:  # the background's own pixels must be like the person's, not only their mean: how much more the
        # background varies than the person, at half weight (an out-of-focus scene's shading counts in it too:
        # scarlett_2.jpg's curls before a blurred crowd, 0.1 more, are still alike; scarlett_4's banner, 0.4)
        sq = pixels * pixels
        s_b = np.sqrt(np.maximum(np.sum(blur(sq, outer) - B * B, axis=-1), 0))
        s_f = np.sqrt(np.maximum(np.sum(blur(sq, inner) - F * F, axis=-1), 0))
        # beside plain skin only (the person's spread under 0.05, none from 0.1): beside hair the shape rule is the
        # hair's (scarlett_1.jpg's blonde crown before a busy backdrop came out a cloud with an inner contour)
        c2 = c2 + (0.5 * np.maximum(s_b - s_f, 0) * np.clip((0.1 - s_f) / 0.05, 0, 1)) ** 2
    c = np.sqrt(c2)
    out = np.clip((high - c) / (high - low), 0, 1).astype(np.float32)
    return out if where is None else out * where


def solidify_inside(alpha: np.ndarray, mask: np.ndarray, depth: float, *, low: float = 0.6,
                    high: float = 0.9) -> np.ndarray:
    """Opaque where the matting left the person's interior mostly but not quite opaque.

    Dark hair on a near-black backdrop gives closed-form matting no colour to
    tell them apart, and deep inside the hair it answers 0.8-0.9: over a light
    new backdrop that is a grey, see-through feather (yangmi_6.jpg's crown).
    Strands and gaps are at the outline; more than ``depth`` pixels inside
    ``mask`` alpha is ramped from ``low`` (unchanged) to ``high`` (1), so
    real gaps (low alpha) stay and the haze goes.

    Examples
    --------
    >>> import numpy as np
    >>> m = np.zeros((40, 40), bool); m[:, :30] = True
    >>> a = m.astype(np.float32); a[12:17, 12:17] = 0.9; a[25:30, 12:17] = 0.2; a[5:10, 27:30] = 0.85
    >>> b = solidify_inside(a, m, 4.0)   # a haze deep inside, a real gap, a soft edge at the outline
    >>> round(float(b[14, 14]), 2), round(float(b[27, 14]), 2), round(float(b[7, 28]), 2)
    (1.0, 0.2, 0.85)
    """
    a = np.asarray(alpha, np.float32)
    d_in = cv2.distanceTransform(np.asarray(mask, np.uint8), cv2.DIST_L2, 5)
    deep = np.clip(d_in / max(depth, 1e-6) - 1, 0, 1)  # 0 at depth, 1 at twice the depth
    ramp = np.clip((a - low) / (high - low), 0, 1)
    return (a + deep * ramp * (1 - a)).astype(np.float32)


def _edge_sides(img: np.ndarray, a: np.ndarray, trimap_: np.ndarray, face_width: float):
    """The unknown band, the opaque part, and the two colours an edge pixel mixes, or None.

    ``F``: the person's colour, the opaque pixels within 0.05 face widths of
    the edge blurred; ``B``: the background's, the known background blurred
    into the band. Shared by :func:`colour_limit` and :func:`off_axis_limit`.
    """
    t = np.asarray(trimap_, np.float32)
    band = (t > 0.001) & (t < 0.999)
    sure_bg = t <= 0.001
    solid = a >= 0.98
    if not (band.any() and sure_bg.any() and solid.any()):
        return None
    fw = max(float(face_width), 1.0)
    d_in = cv2.distanceTransform(solid.astype(np.uint8), cv2.DIST_L2, 5)
    ring = solid & (d_in <= max(0.05 * fw, 3.0))
    F = normalized_blur(img, ring.astype(np.float32), max(0.03 * fw, 1.0))
    B = normalized_blur(img, sure_bg.astype(np.float32), max(0.06 * fw, 1.5))
    return band, solid, F, B


def _share_along(img: np.ndarray, F: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each pixel's share of ``F`` along ``F - B``, with ``d = F - B`` and its squared length ``c2``."""
    d = F - B
    c2 = (d * d).sum(-1)
    return d, c2, ((img - B) * d).sum(-1) / np.maximum(c2, 1e-6)


def _cap_to_share(a: np.ndarray, share: np.ndarray, w: np.ndarray, slack: float) -> np.ndarray:
    """Alpha at most its colour's share plus ``slack``, by weight ``w`` (pure background: 0, not a haze of ``slack``)."""
    cap = np.clip(np.where(share < slack, 2 * np.maximum(share, 0), share + slack), 0, 1)
    return np.where(a > cap, (1 - w) * a + w * cap, a).astype(np.float32)


def colour_limit(pixels: np.ndarray, alpha: np.ndarray, trimap_: np.ndarray, face_width: float, *,
                 slack: float = 0.08, contrast: tuple[float, float] = (0.12, 0.24), soft: float = 0.7,
                 where: np.ndarray | None = None) -> np.ndarray:
    """No more alpha in the unknown band than the pixel's own colour explains.

    Closed-form matting fills a wide unknown band over a smooth background
    whose colours the known background beyond the band does not hold (a lit
    window behind close-cropped hair) with a featureless 0.1-0.4 haze; its
    foreground estimate there is the hair's grey, so every new backdrop gets
    a grey, JPEG-blocky cap above the head (obama.jpg). Here the person's
    colour ``F`` (the opaque pixels just inside, blurred) and the background's
    ``B`` (the known background, extended into the band) give each pixel its
    share of ``F`` along ``F - B``; where the two differ clearly (``contrast``,
    colour distance) alpha is lowered to that share plus ``slack`` (0 where
    the share is 0: the pixel is the background's colour). Only soft
    alpha (below ``soft``) is touched, so bright strands inside the hair stay;
    where person and background are alike the limit fades out (the shape
    rules of :func:`matte` decide there).

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    alpha : ndarray
        ``(H, W)`` alpha to limit; not modified.
    trimap_ : ndarray
        ``(H, W)`` trimap (0 background, 0.5 unknown, 1 foreground).
    face_width : float
        In pixels: the blurs' reach.
    where : ndarray, optional
        ``(H, W)`` weight in [0, 1] of where the limit applies (:func:`matte`: the wide band at the hair;
        the narrow band along cheeks and shoulders has no room for a haze, and cutting it left specks).

    Returns
    -------
    ndarray
        ``(H, W)`` float32 alpha, never above ``alpha``.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((40, 40, 3), 0.9, np.float32); img[:, :20] = 0.2   # dark person, light background
    >>> tri = np.full((40, 40), 0.5, np.float32); tri[:, :12] = 1; tri[:, 32:] = 0
    >>> a = (tri == 1).astype(np.float32); a[:, 12:20] = 1; a[:, 20:28] = 0.3   # a haze over pure background
    >>> img[:, 20] = 0.55                                                    # and a real 50 % edge pixel
    >>> a[:, 20] = 0.5
    >>> b = colour_limit(img, a, tri, 40.0)
    >>> round(float(b[5, 24]), 2), round(float(b[5, 20]), 2), float(b[5, 15])
    (0.0, 0.5, 1.0)
    """
    img = check_image(pixels)
    a = np.asarray(alpha, np.float32)
    sides = _edge_sides(img, a, trimap_, face_width)
    if sides is None:
        return a.copy()
    band, solid, F, B = sides
    d, c2, share = _share_along(img, F, B)
    lo, hi = contrast
    w = np.clip((np.sqrt(c2) - lo) / (hi - lo), 0, 1) * np.clip((soft - a) / 0.2, 0, 1) * band
    # and only before a background lighter than the person beside it (a lit window): before a darker one, a dark
    # strand projects onto the skin-to-wall axis as "wall" (the ring's colour is the skin's where the hair is
    # all soft; tom_cruise_tight's temple lost its hair and the matte fell apart into pieces)
    w = w * np.clip((B.mean(-1) - F.mean(-1) - 0.1) / 0.1, 0, 1)
    if where is not None:
        w = w * np.clip(np.asarray(where, np.float32), 0, 1)
    out = _cap_to_share(a, share, w, slack)
    # what the limit cut off from the person (a haze's far side, beyond a stretch it took out) goes with it: left,
    # it is a separate piece the matte's own check refuses (tom_cruise_tight editorial fell back to its old scene)
    n, lab = cv2.connectedComponents((out > 0.02).astype(np.uint8), connectivity=8)
    if n > 2:
        held = np.bincount(lab[solid], minlength=n) > 0
        held[0] = True
        out[~held[lab]] = 0.0
    return out


def dark_band_limit(pixels: np.ndarray, alpha: np.ndarray, trimap_: np.ndarray, mask: np.ndarray,
                    landmarks: np.ndarray, *, rim: float = 0.02, reach: float = 0.25,
                    darker: tuple[float, float] = (0.05, 0.15), share: float = 0.9, soft: float = 0.7) -> np.ndarray:
    """Beside the temples, before a backdrop darker than the skin: soft alpha only in a thin edge along the outline.

    :func:`colour_limit`'s other case. Before a background darker than the
    person, a dark strand projects onto the skin-to-background axis as
    background, so that rule leaves it alone; but closed-form matting, given
    a wide hair band over a dark backdrop beside the thin dark edge of the
    hair at a temple, fills the whole band with a ramp of 0.1-0.5 that no
    colour backs (scarlett_4.jpg: a dark banner of 0.14-0.33 beside hair of
    0.17-0.21 and skin of 0.45: on a grey backdrop a darker band along the
    temple, on passport's white a grey patch with a straight side). The
    colours cannot tell the banner from the hair there; the colour model
    (GrabCut's ``mask``) puts the outline at the skin's edge, and the hair
    beside a temple is a thin edge along it. So, beside the face's side
    (within ``reach`` face widths of the jaw's and brows' hull) above the
    ears' middle (the line through the jaw's top points, 0 and 16), where the
    person's colour ``F`` just inside is lighter than the known background's
    dark part nearby ``B`` (the mean of the channels, by ``darker[0]``, in
    full from ``darker[1]``; a busy backdrop's light wall and letters are left
    out of ``B``), a soft pixel (below ``soft``) of the unknown band beyond
    the mask that is no mix of mostly the person's colour (its share along
    ``F - B`` under ``share``, in full under half of it) keeps its alpha
    within ``rim`` face widths of the mask and loses it over half that
    again. Elsewhere alpha is as given.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    alpha : ndarray
        ``(H, W)`` alpha (the matting's); not modified.
    trimap_ : ndarray
        ``(H, W)`` trimap (0 background, 0.5 unknown, 1 foreground).
    mask : ndarray
        ``(H, W)`` bool, the subject's mask after the colour refinement (GrabCut).
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    rim : float
        Width (face widths) of the thin edge kept beyond the mask.
    reach : float
        How far from the face's hull (face widths) the rule acts.
    darker : (float, float)
        How much darker the background must be than the person.
    share : float
        A pixel with at least this share of the person's colour is the skin's soft edge and is left alone.
    soft : float
        Alpha from this up (the matting was sure: an ear GrabCut left out) is left alone.

    Returns
    -------
    ndarray
        ``(H, W)`` float32 alpha, never above ``alpha``.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> x = int(lm[16, 0]) + 2                          # just beyond the face's side, image right
    >>> img = np.full((512, 512, 3), 0.2, np.float32); img[:, :x] = 0.6      # skin, a dark backdrop
    >>> img[:, x:x + 3] = 0.15                                                 # the hair's thin dark edge
    >>> mask = np.zeros((512, 512), bool); mask[:, :x] = True
    >>> tri = np.full((512, 512), 0.5, np.float32); tri[:, :x - 20] = 1; tri[:, x + 15:] = 0
    >>> a = np.where(mask, 1.0, 0.4).astype(np.float32); a[:, x + 15:] = 0   # the matting's flat band
    >>> y = int(lm[16, 1])
    >>> out = dark_band_limit(img, a, tri, mask, lm)
    >>> round(float(out[y, x + 1]), 2), round(float(out[y, x + 10]), 2)      # the hair's edge kept, the band cleared
    (0.4, 0.0)
    >>> light = img.copy(); light[:, x:] = 0.9                                 # before a lighter backdrop: colour_limit's
    >>> bool((dark_band_limit(light, a, tri, mask, lm) == a).all())
    True
    """
    img = check_image(pixels)
    a = np.asarray(alpha, np.float32)
    lm = check_landmarks(landmarks)
    H, W = a.shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    sides = _edge_sides(img, a, trimap_, fw)
    if sides is None:
        return a.copy()
    band, _, F, _ = sides
    from_face = cv2.distanceTransform((~_face_hull((H, W), lm)).astype(np.uint8), cv2.DIST_L2, 5)
    # above the ears' middle (the jaw's top points, 0 and 16): the temple; lower down, beside and behind the ear, loose
    # light strands over the dark backdrop are mixes the cap took for it (scarlett_4's linkedin lost strands there)
    _, down = _frame_axes(lm)
    zone = band & (from_face < reach * fw) & (_along((H, W), (lm[0] + lm[16]) / 2, down) < 0) & ~np.asarray(mask, bool)
    if not zone.any():
        return a.copy()
    lo, hi = darker
    # the known background's dark part nearby: a busy backdrop's mean (a light wall above the banner, white letters
    # below) is no dark backdrop, though the band lies over its dark strip (round 18's clear_haze, backdrop_piece)
    sure_bg = np.asarray(trimap_, np.float32) <= 0.001
    dark = (sure_bg & (img.mean(-1) < F.mean(-1) - lo)).astype(np.float32)
    sigma = max(0.06 * fw, 1.5)
    den = gauss(dark, sigma)
    B = normalized_blur(img, dark, sigma, den=den)
    present = np.clip(den / np.maximum(gauss(sure_bg.astype(np.float32), sigma), 1e-6) / 0.2, 0, 1)
    w = np.clip((F.mean(-1) - B.mean(-1) - lo) / max(hi - lo, 1e-6), 0, 1) * present * zone
    _, _, sh = _share_along(img, F, B)
    w = w * np.clip((share - sh) / (0.5 * share), 0, 1)  # (mostly the skin's colour: the skin's own soft edge)
    w = w * np.clip((soft - a) / 0.2, 0, 1)  # (and alpha the matting was sure of stays: an ear GrabCut left out)
    if not np.any(w > 0):
        return a.copy()
    r = max(rim * fw, 1.0)
    beyond = cv2.distanceTransform((~np.asarray(mask, bool)).astype(np.uint8), cv2.DIST_L2, 5)
    cap = np.clip((1.5 * r - beyond) / (0.5 * r), 0, 1)
    return np.where(a > cap, (1 - w) * a + w * cap, a).astype(np.float32)


def alike_at_neck(pixels: np.ndarray, weight: np.ndarray, mask: np.ndarray, landmarks: np.ndarray, *,
                  spread: bool = True, darker: tuple[float, float] = (0.05, 0.15),
                  hair_alike: tuple[float, float] | None = (0.1, 0.2), gap_dark: bool = True) -> np.ndarray:
    """The shape rule's weight (:func:`low_contrast` of the segmenter's piece) below the ear lobes, kept only where the
    colour model's outline ``mask`` is as alike its background.

    The segmenter's piece may hold the old backdrop between the neck and loose light strands (scarlett_4.jpg: a dark
    banner behind blonde strands beside the neck); its inner ring is then that backdrop, "alike" the backdrop
    outside, and the shape rule laid the segmenter's soft shape over the neck's blurred edge and the banner: an
    opaque blue-violet band along the neck and a dark blocky patch among the strands on corporate's and memorial's
    backdrops. GrabCut's outline there is the neck's skin against the banner, far from alike: colour decides. The
    weight is multiplied by ``1 - lobes * (1 - low_contrast(mask))``, ``lobes`` the area below the ear lobes
    (:func:`_lobe_depth`, faded in over 0.05 face widths) where the colours just outside GrabCut's outline are darker
    than those just inside (their means, by ``darker[0]``, in full from ``darker[1]``); above the lobes (temples,
    crown) and before a lighter backdrop it is as given. With ``hair_alike``, only where the colours just outside
    the outline are darker than the hair's own (the median colour inside ``mask`` above the brows; mean of the
    channels, from ``hair_alike[0]`` darker, in full from ``hair_alike[1]``): a gap no darker than the hair may be the
    person's own hair the colour model cut (yangmi_6.jpg's dark locks hanging past the jaw before a black wall, which
    the shape rule had kept; found on round 19's merge).

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    weight : ndarray
        ``(H, W)`` the shape rule's weight in [0, 1].
    mask : ndarray
        ``(H, W)`` bool, the subject's mask after the colour refinement (GrabCut).
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    spread : bool
        Passed to :func:`low_contrast`.
    darker : (float, float)
        How much darker the backdrop beside the outline must be than the person.
    hair_alike : (float, float) or None
        How much darker than the hair the gap beside the outline must be to be a backdrop (None: not asked).
    gap_dark : bool
        With ``hair_alike``: the gap's colour is its darker part (each pixel the darkest within 0.02 face widths,
        then the ring's mean), not its mean: loose light strands before a dark banner are the person's hair, and
        counted into the gap's mean they made the banner between them "no darker than the hair" (a veil between
        scarlett_4.jpg's strands on corporate, round 20). False: the mean (round 19's merge).

    Returns
    -------
    ndarray
        ``(H, W)`` float32 weight, never above ``weight``.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), 0.15, np.float32); img[:, :280] = (0.8, 0.6, 0.5)   # skin, a dark backdrop
    >>> mask = np.zeros((512, 512), bool); mask[:, :280] = True
    >>> w = np.ones((512, 512), np.float32)
    >>> out = alike_at_neck(img, w, mask, lm)
    >>> lobe_y = int((lm[1, 1] + lm[2, 1] + lm[14, 1] + lm[15, 1]) / 4)
    >>> round(float(out[lobe_y + 40, 282]), 2), round(float(out[lobe_y - 40, 282]), 2)  # below the lobes; above
    (0.0, 1.0)
    """
    w = np.asarray(weight, np.float32)
    lm = check_landmarks(landmarks)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    lobes = gauss((_lobe_depth(w.shape, lm) > 0).astype(np.float32), 0.05 * fw)
    if float((lobes * w).max()) <= 0.01:
        return w.copy()
    # only before a backdrop darker than the person beside the outline (the colours' means just inside and outside
    # it, low_contrast's rings, made once here and passed to it below): obama3.jpg's ear lobe before a light wall
    # lost its round bottom in a first try. (``always``: an empty ring's mean is 0, as the blur gives it, so a mask
    # with no backdrop beside it still asks as before)
    rings = ring_means(pixels, mask, fw, always=True)
    F = rings.inside.mean(-1)
    B3 = rings.outside
    lobes = lobes * np.clip((F - B3.mean(-1) - darker[0]) / max(darker[1] - darker[0], 1e-6), 0, 1)
    if hair_alike is not None and float((lobes * w).max()) > 0.01:
        # dark hair hanging past the jaw before a darker wall is the person the colour model cut, not a backdrop
        # between the neck and loose strands: the shape keeps it (yangmi_6.jpg lost her locks beside the hand)
        _, down = _frame_axes(lm)
        crown = np.asarray(mask, bool) & (_along(w.shape, lm[17:27].mean(0), down) < -0.1 * fw)
        if int(crown.sum()) >= 20:
            hair = np.median(np.asarray(pixels, np.float32)[crown], axis=0)
            # (darkness, not colour distance: dark hair before a black wall is as dark as the wall, and its median
            # above the brows holds sheen and skin; a dark banner beside blonde strands is far darker than the hair)
            gap = B3.mean(-1)
            if gap_dark:
                # the gap's backdrop is its darker part: light strands hanging in it are hair, not backdrop, and
                # their share of its mean lifted a dark banner to "as light as the hair" (scarlett_4.jpg's veil
                # between the strands on corporate: ring mean 0.30-0.35, its dark part 0.21-0.28, her hair 0.46).
                # A black wall beside dark locks is dark all over, its darker part hardly below its mean (yangmi_6)
                k = 2 * max(int(round(0.01 * fw)), 1) + 1
                dark = cv2.erode(np.asarray(pixels, np.float32).mean(-1), np.ones((k, k), np.uint8))
                gap = rings.blur(dark, rings.outer)  # read in the outer ring as its mean is
            below_hair = float(hair.mean()) - gap
            lobes = lobes * np.clip((below_hair - hair_alike[0]) / max(hair_alike[1] - hair_alike[0], 1e-6), 0, 1)
    if float((lobes * w).max()) <= 0.01:
        return w.copy()
    alike = low_contrast(pixels, np.asarray(mask, bool), fw, spread=spread, rings=rings)
    return (w * (1 - lobes * (1 - alike))).astype(np.float32)


def _plain_odds(img: np.ndarray, person: np.ndarray, back: np.ndarray, fw: float, floor: float = 1e-4) -> np.ndarray:
    """As :func:`background_odds`, but a colour neither side holds (a strand's edge blended with the wall) is 0.5."""
    blurred = gauss(img, max(0.01 * fw, 0.7))
    hF, idx = _colour_density(blurred, person)
    hB, _ = _colour_density(blurred, back)
    return ((hB[idx] + floor) / (hB[idx] + hF[idx] + 2 * floor)).astype(np.float32)


def strand_gaps(pixels: np.ndarray, alpha: np.ndarray, trimap_: np.ndarray, face_width: float, *,
                where: np.ndarray | None = None, odds: float = 0.9, reach: float = 0.04,
                contrast: tuple[float, float] = (0.2, 0.3), slack: float = 0.08, least: float = 0.05,
                soft: float = 0.97, darker: tuple[float, float] = (0.25, 0.4), return_weight: bool = False,
                faint: tuple[float, float] | None = (0.15, 0.35), thin: float = 0.02, lift: np.ndarray | None = None):
    """Gaps between loose strands are background: alpha from the strand's and the gap's own colours.

    A loose wisp of light hair over a dark wall (scarlett_1.jpg) lies wholly
    in the unknown band, far from the known background; closed-form matting
    has no background sample in its windows there and holds the whole wisp,
    strands and gaps alike, at a smooth 0.7-0.9, and the delivered picture
    shows the old wall as a grey striped patch. Here both colours are read
    where the wisp shows them: pixels of the band whose colour is the
    background's by its odds (as :func:`background_odds`; a colour neither
    side holds is no one's) over ``odds`` are gaps, those of the person's
    colour strands; the gaps' colour ``B`` is averaged
    locally (``reach`` face widths), the strands' ``F`` over a wider reach
    (a thin strand is mixed at working size; the hair's colour is the
    hair's). Where the two differ clearly (``contrast``) and gaps were seen
    nearby (their local share over ``least``), alpha is at most the pixel's
    share along ``F - B`` plus ``slack`` (as :func:`colour_limit`, whose
    wall must be lighter than the person), where the wall is darker than
    the strands by ``darker`` (mean sRGB, ramped). A pixel darker than ``B`` or off
    the ``B``-``F`` line is a third colour, left alone; only alpha below
    ``soft`` is touched.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    alpha : ndarray
        ``(H, W)`` alpha to limit; not modified.
    trimap_ : ndarray
        ``(H, W)`` trimap (0 background, 0.5 unknown, 1 foreground).
    face_width : float
        In pixels: the averages' reach.
    where : ndarray, optional
        ``(H, W)`` weight in [0, 1] of where the limit applies (:func:`matte`: the wide band at the hair).
    return_weight : bool
        Also return the ``(H, W)`` weight with which the colours found a strand (share over 0.5 to 0.8, or a thin
        faint strand, see ``faint``; :func:`matte` lets it overrule the segmenter's doubt: a strand the colours
        explain is not dimmed).
    faint, thin : (float, float) or None, float
        A loose strand thinner than a working-size pixel is mixed with the wall to a share of 0.2-0.5; the
        segmenter does not see it, so without this weight such strands were dropped whole (scarlett_1.jpg's top
        right wisp, round 14). A strand is a ridge: its share stands above the share of its surroundings (a
        grey-scale opening by a disc of ``thin`` face widths takes it out), where a broad patch of lighter wall
        between the strands does not. That ridge height, ramped over ``faint``, also counts as a strand in the
        weight. None: only the share over 0.5 counts (round 12).
    lift : ndarray, optional
        ``(H, W)`` weight in [0, 1] where alpha is also raised to the share of a strand the colours found (the
        weight above times the share): :func:`strand_band`'s loose strands far from the opaque hair, which
        closed-form matting, with no person sample near, holds at a faint 0.05-0.15 (scarlett_4.jpg linkedin).
        As a linear function of the colour there it is what the guided upsampling carries to full size: each
        full-size strand gets its own share, sharp, not the working size's blur.

    Returns
    -------
    ndarray
        ``(H, W)`` float32 alpha, never above ``alpha`` (and the weight with ``return_weight``).

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((48, 48, 3), 0.05, np.float32); img[:, :16] = (0.9, 0.8, 0.6)   # blonde, a black wall
    >>> img[:, 20:40:4] = (0.9, 0.8, 0.6)                                             # loose strands, gaps between
    >>> tri = np.full((48, 48), 0.5, np.float32); tri[:, :12] = 1; tri[:, 44:] = 0
    >>> a = np.where(tri == 1, 1.0, 0.8).astype(np.float32); a[:, 44:] = 0          # the wisp held at 0.8
    >>> b = strand_gaps(img, a, tri, 100.0)
    >>> [round(float(b[10, x]), 2) for x in (22, 24, 14, 10)]                        # gap, strand, hair, solid
    [0.0, 0.8, 0.8, 1.0]
    """
    img = check_image(pixels)
    a = np.asarray(alpha, np.float32)
    t = np.asarray(trimap_, np.float32)
    band = (t > 0.001) & (t < 0.999)
    fw = max(float(face_width), 1.0)
    person, back = t >= 0.999, t <= 0.001
    if not band.any() or person.sum() < 50 or back.sum() < 50:
        return (a.copy(), np.zeros_like(a)) if return_weight else a.copy()
    o = _plain_odds(img, person, back, fw)
    gap = (band & (o > odds)).astype(np.float32)
    strand = ((band | person) & (o < 1 - odds)).astype(np.float32)
    sig = max(reach * fw, 1.0)
    B = normalized_blur(img, gap, sig)
    F = normalized_blur(img, strand, 2.5 * sig)
    d, c2, share = _share_along(img, F, B)
    off = np.sqrt(((img - B - np.clip(share, 0, 1)[..., None] * d) ** 2).sum(-1))
    lo, hi = contrast
    w = np.clip((np.sqrt(c2) - lo) / (hi - lo), 0, 1) * np.clip((soft - a) / 0.05, 0, 1) * band
    w = w * np.clip(gauss(gap, sig) / least, 0, 1)  # gaps seen nearby: the background's colour is known here
    # only strands lighter than the wall behind them (before a lighter wall, colour_limit acts; white hair before
    # cream curtains (biden.jpg) or dark hair before a lit wall (obama3.jpg) lost inner hair to it: see-through)
    w = w * np.clip((F.mean(-1) - B.mean(-1) - darker[0]) / (darker[1] - darker[0]), 0, 1)
    w = w * np.clip((share + 0.15) / 0.1, 0, 1) * np.clip((0.15 - off) / 0.05, 0, 1)  # no third colour
    if where is not None:
        w = w * np.clip(np.asarray(where, np.float32), 0, 1)
    out = _cap_to_share(a, share, w, slack)
    if not return_weight and lift is None:
        return out
    found = np.clip((share - 0.5) / 0.3, 0, 1)  # the strands only
    if faint is not None:  # and the faint ones, thin ridges of the strands' colour over the gaps' (not a lit patch)
        r = max(int(round(thin * fw)), 1)
        s01 = np.clip(share, 0, 1).astype(np.float32)
        ridge = s01 - cv2.morphologyEx(s01, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                                                                       (2 * r + 1, 2 * r + 1)))
        found = np.maximum(found, np.clip((ridge - faint[0]) / (faint[1] - faint[0]), 0, 1))
    weight = (w * found).astype(np.float32)
    if lift is not None:  # a loose strand far from the hair: at least its colour's share (matting had no hair near)
        up = np.clip(np.asarray(lift, np.float32), 0, 1) * weight * np.clip(share, 0, 1)
        out = np.maximum(out, up * (t < 0.999)).astype(np.float32)
    return (out, weight) if return_weight else out


def focused_hair(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, *, focus: tuple[float, float] = (0.6, 1.0),
                 soft: tuple[float, float] = (0.25, 0.98), reach: float = 0.1, margin: float = 0.02,
                 odds: tuple[float, float] = (0.7, 0.9), alike: tuple[float, float] = (0.12, 0.24),
                 darker: float = 5.0) -> np.ndarray:
    """The subject's own in-focus hair beside the face is kept whole, not half.

    Beside the face, from the brows down to the jaw's corners, a sideburn or
    lock of dark hair before a dark, out-of-focus background
    (tom_cruise_tight.jpg) has no colour to tell it from the backdrop, and
    the matting holds it at 0.3-0.7: on a new backdrop the subject's own hair
    is half transparent. What does tell them apart is focus (as the
    neighbour rule, :mod:`candid.engines.studio.neighbour`, which takes
    *out-of-focus* people beside the face away): a soft pixel (alpha within
    ``soft``) within ``reach`` face widths of the opaque cut-out that is as
    sharp as the subject's own skin (relative sharpness over ``focus``,
    ramped) is raised towards opaque, unless its colour is clearly the
    background's (its odds by the colours of the opaque cut-out and of the
    clear background near it over ``odds``, ramped: the gaps between light
    strands over a dark wall are sharp too). The sideburn's dark brown is in
    both (the hair above it, the blurred backdrop), so there focus decides,
    and only where the two sides' colours are alike (:func:`low_contrast`
    over ``alike``, in a narrow ring) and the pixel is darker than the
    subject's skin by ``darker`` (CIELAB lightness, ramped over 10): an ear's
    lit rim is sharp and soft too. The band starts ``margin`` face widths
    beyond the face's outline.

    Returns
    -------
    ndarray
        ``(H, W)`` float32 alpha, never below ``alpha``; ``alpha`` is not modified.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.people import toy_landmarks
    >>> rng = np.random.default_rng(0)
    >>> img = np.full((240, 320, 3), 0.12, np.float32)                       # a dark, smooth backdrop
    >>> img[60:200, 90:230] = (0.8, 0.6, 0.5)                                # the face
    >>> img[60:200, 80:90] = (0.18, 0.1, 0.05)                               # a sideburn
    >>> img[20:60, 80:240] = (0.18, 0.1, 0.05)                               # the hair above, opaque
    >>> img += rng.normal(0, 0.03, img.shape).astype(np.float32)             # all of it in focus
    >>> img[:, :75] = 0.12                                                   # ... but the backdrop
    >>> a = np.zeros((240, 320), np.float32); a[20:220, 80:240] = 1; a[60:200, 80:90] = 0.5
    >>> b = focused_hair(np.clip(img, 0, 1), a, toy_landmarks(160, 110, 100))
    >>> round(float(b[120, 85]), 1), float(b[120, 40]), float(b[120, 150])
    (1.0, 0.0, 1.0)
    """
    from candid.engines.studio.neighbour import beside_face, relative_sharpness

    px = check_image(pixels)
    a = np.asarray(alpha, np.float32)
    lm = check_landmarks(landmarks)
    fw = max(float(np.linalg.norm(lm[16] - lm[0])), 1.0)
    zone = beside_face(a.shape, lm, margin=margin, to_jaw=True)
    solid = a >= 0.98
    cand = zone & (a > soft[0]) & (a < soft[1])
    if not cand.any() or not solid.any():
        return a.copy()
    d = cv2.distanceTransform((~solid).astype(np.uint8), cv2.DIST_L2, 5)
    cand &= d <= reach * fw
    if not cand.any():
        return a.copy()
    w = np.clip((relative_sharpness(px, lm) - focus[0]) / (focus[1] - focus[0]), 0, 1)
    near = d <= 2 * reach * fw
    person, back = solid & near, (a <= 0.02) & near
    if person.sum() >= 50 and back.sum() >= 50:  # the gaps of light strands over a dark wall are sharp too
        w = w * np.clip((odds[1] - _plain_odds(px, person, back, fw)) / (odds[1] - odds[0]), 0, 1)
    # and only where the colours of the two sides are alike: where they differ, the matting's colour answer stands
    # (only w on ``cand`` is used below: the two wide blurs are made around it, round 18's speed)
    w = w * low_contrast(px, a >= 0.5, fw, low=alike[0], high=alike[1], ring=(0.01, 0.05), where=cand)
    # hair darker than the skin: not the ear's lit rim (obama3.jpg's lobe), which is sharp and soft too
    from candid.engines.studio.debris import own_skin

    skin = own_skin(a.shape, lm)
    light = cv2.cvtColor(px, cv2.COLOR_RGB2LAB)[..., 0]
    if skin.any():
        w = w * np.clip((float(np.median(light[skin])) - darker - light) / 10.0, 0, 1)
    w = gauss((w * cand).astype(np.float32), 1.0) * cand
    return np.maximum(a, a + w * (1 - a)).astype(np.float32)


def off_axis_limit(pixels: np.ndarray, alpha: np.ndarray, trimap_: np.ndarray, face_width: float, *,
                   residual: tuple[float, float] = (0.12, 0.22), prob: np.ndarray | None = None,
                   sure: float = 0.8, soft: float = 0.85, where: np.ndarray | None = None) -> np.ndarray:
    """No alpha in the unknown band for a colour that is no mix of the person and the background beside it.

    A pixel at the person's edge is a blend of the person's colour ``F``
    (the opaque pixels just inside, blurred) and the background's ``B``
    (the known background, extended into the band): its colour lies on the
    segment from ``B`` to ``F``. Closed-form matting also gives partial alpha
    to a third colour the known background beyond the band does not hold (a
    yellow poster between the neck and a dark stripe, scarlett_4.jpg: blocky,
    half-transparent yellow pieces beside the neck on every new backdrop).
    Where a pixel lies far from that segment (``residual``, colour distance,
    ramped) and the segmenter is not sure it is the person (``prob`` below
    ``sure``), alpha is taken out.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    alpha : ndarray
        ``(H, W)`` alpha to limit; not modified.
    trimap_ : ndarray
        ``(H, W)`` trimap (0 background, 0.5 unknown, 1 foreground).
    face_width : float
        In pixels: the blurs' reach.
    residual : (float, float)
        Distance from the ``B``-``F`` segment where the limit starts and where it is whole.
    prob : ndarray, optional
        ``(H, W)`` the segmenter's person probability; where it is ``sure`` or more nothing is taken.
    soft : float
        Only alpha below this is touched (ramped over 0.15 below it).
    where : ndarray, optional
        ``(H, W)`` weight in [0, 1] of where the limit applies (:func:`matte`: below the chin).

    Returns
    -------
    ndarray
        ``(H, W)`` float32 alpha, never above ``alpha``.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((40, 40, 3), 0.1, np.float32); img[:, :20] = (0.8, 0.6, 0.5)  # skin, dark wall
    >>> img[:, 20:26] = (0.95, 0.85, 0.1)                                           # a yellow poster
    >>> tri = np.full((40, 40), 0.5, np.float32); tri[:, :12] = 1; tri[:, 32:] = 0
    >>> a = (tri == 1).astype(np.float32); a[:, 12:20] = 1; a[:, 20:26] = 0.6
    >>> img[:, 27] = 0.5 * (0.8 + 0.1), 0.5 * (0.6 + 0.1), 0.5 * (0.5 + 0.1)       # a real 50 % edge pixel
    >>> a[:, 27] = 0.5
    >>> b = off_axis_limit(img, a, tri, 40.0)
    >>> float(b[5, 23]), float(b[5, 27]), float(b[5, 15])
    (0.0, 0.5, 1.0)
    """
    img = check_image(pixels)
    a = np.asarray(alpha, np.float32)
    sides = _edge_sides(img, a, trimap_, face_width)
    if sides is None:
        return a.copy()
    band, _, F, B = sides
    d = F - B
    share = np.clip(((img - B) * d).sum(-1) / np.maximum((d * d).sum(-1), 1e-6), 0, 1)
    off = np.sqrt(((img - B - share[..., None] * d) ** 2).sum(-1))
    lo, hi = residual
    # only soft alpha: a person pixel unlike the blurred ring (a badge on a suit at the shoulder's hard edge) is
    # mostly opaque already; the matting's guess at an unknown colour is a middling 0.3-0.8
    w = np.clip((off - lo) / (hi - lo), 0, 1) * np.clip((soft - a) / 0.15, 0, 1) * band
    if prob is not None:
        w = w * (np.asarray(prob, np.float32) < sure)
    if where is not None:
        w = w * np.clip(np.asarray(where, np.float32), 0, 1)
    return (a * (1 - w)).astype(np.float32)


def _closed_form(img: np.ndarray, trimap_: np.ndarray, face_width: float) -> np.ndarray:
    """Closed-form matting of ``trimap_``'s unknown band, solved in the band's bounding box (plus a margin: the same
    answer, less work); known pixels keep the trimap's 0 or 1."""
    from pymatting import estimate_alpha_cf

    t = np.asarray(trimap_, np.float32)
    out = t.copy()
    ys, xs = np.nonzero(t == 0.5)
    if not ys.size:
        return out
    h, w = t.shape
    m = max(int(0.05 * face_width), 4)
    y0, y1 = max(ys.min() - m, 0), min(ys.max() + m + 1, h)
    x0, x1 = max(xs.min() - m, 0), min(xs.max() + m + 1, w)
    sub = estimate_alpha_cf(np.clip(img[y0:y1, x0:x1], 0, 1).astype(np.float64), t[y0:y1, x0:x1].astype(np.float64))
    out[y0:y1, x0:x1] = np.clip(sub, 0, 1).astype(np.float32)
    return out


def _skin_sides(alpha: np.ndarray, lm: np.ndarray, reach: float = 0.25) -> np.ndarray:
    """Weight (0-1) of what lies within ``reach`` face widths of the face's hull (the jaw and ears,
    :func:`_face_guard`; ramped out over 0.05 more), on a side without long hair (:func:`_long_hair_sides`): where
    the outline is the cheek's, the jaw's or the neck's skin, with no strands to keep."""
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    near = np.clip((reach * fw - _face_guard(alpha.shape, lm, 0.0)) / max(0.05 * fw, 1.0) + 1, 0, 1)
    across, _ = _frame_axes(lm)
    _, chin, _ = head_extent(lm)
    side = _along(alpha.shape, chin, across) > 0
    for sd, long_hair in zip((side, ~side), _long_hair_sides(alpha, lm)):
        if long_hair:
            near = near * ~sd
    return near.astype(np.float32)


def behind_third_colour(pixels: np.ndarray, alpha: np.ndarray, limited: np.ndarray, trimap_: np.ndarray,
                        face_width: float, *, taken: float = 0.5, least: int = 20, reach: float = 0.1,
                        like: tuple[float, float] = (0.06, 0.12), soft: float = 0.6,
                        where: np.ndarray | None = None) -> np.ndarray:
    """After :func:`off_axis_limit`: the band is matted again with the third colour it took out known as background.

    :func:`off_axis_limit` takes out a third colour that is no mix of the person and the background beside it (a red
    flag stripe beside 32bit.png's cheek, its pure red). The stripe's blurred border, where it fades into the white
    stripe beyond, is pink: a mix of two *background* colours that also lies near the skin-to-white line, so it kept
    the matting's 0.2-0.45 and stood as a faint light streak beside the cheek on every new backdrop (round 14). The
    matting gave it that alpha because it did not know the red was background. Here the pixels the limit took out
    (alpha lowered by more than ``taken`` of itself; at least ``least`` of them) are marked background in the trimap
    and the band is matted again (:func:`_closed_form`); within ``reach`` face widths of them alpha is at most the
    new answer. A pixel of the person's own colour (closer than ``like``, ramped, to the opaque ring's colour: the
    cheek's skin beside the stripe) keeps its alpha, since with a background colour now known right against it the
    matting may lower the edge of a narrow piece of skin too.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    alpha : ndarray
        ``(H, W)`` alpha before :func:`off_axis_limit`.
    limited : ndarray
        ``(H, W)`` alpha after it.
    trimap_ : ndarray
        ``(H, W)`` trimap (0 background, 0.5 unknown, 1 foreground).
    face_width : float
        In pixels.
    where : ndarray, optional
        ``(H, W)`` weight in [0, 1] of where the rule applies (:func:`matte`: beside the face's skin,
        :func:`_skin_sides`).

    Returns
    -------
    ndarray
        ``(H, W)`` float32 alpha, never above ``limited``; ``limited`` itself (a copy) when the limit took out
        fewer than ``least`` pixels.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((40, 60, 3), (0.75, 0.72, 0.76), np.float32)     # a white stripe
    >>> img[:, 30:] = (0.65, 0.4, 0.27)                                 # the cheek
    >>> img[:, 25:30] = (0.56, 0.14, 0.16)                              # a red stripe against it
    >>> img[:, 21:25] = np.linspace((0.72, 0.55, 0.58), (0.62, 0.25, 0.28), 4)[None]   # its pink, blurred border
    >>> tri = np.full((40, 60), 0.5, np.float32); tri[:, :12] = 0; tri[:, 40:] = 1
    >>> a = np.clip((np.arange(60) - 19) / 12, 0, 1)[None].repeat(40, 0).astype(np.float32)  # the matting's ramp
    >>> a[tri == 0] = 0
    >>> lim = a.copy(); lim[:, 25:29] = 0                               # off_axis_limit took the red out
    >>> b = behind_third_colour(img, a, lim, tri, 100.0)
    >>> round(float(lim[5, 23]), 2), float(b[5, 23]) < 0.05, float(b[5, 35]) == float(lim[5, 35])
    (0.33, True, True)
    """
    img = check_image(pixels)
    a = np.asarray(alpha, np.float32)
    lim = np.asarray(limited, np.float32)
    t = np.asarray(trimap_, np.float32)
    band = (t > 0.001) & (t < 0.999)
    cut = band & (a > 0.05) & (a - lim > taken * a)
    if cut.sum() < least:
        return lim.copy()
    sides = _edge_sides(img, lim, t, face_width)
    if sides is None:
        return lim.copy()
    F = sides[2]
    t2 = t.copy()
    t2[cut] = 0.0
    again = _closed_form(img, t2, face_width)
    near = cv2.distanceTransform((~cut).astype(np.uint8), cv2.DIST_L2, 5) < reach * face_width
    # the person's own colour keeps its alpha (1 within like[0] of the ring's colour, 0 beyond like[1])
    own = np.clip((like[1] - np.sqrt(((img - F) ** 2).sum(-1))) / (like[1] - like[0]), 0, 1)
    # and only what the first matting held at less than ``soft`` (ramped over 0.15 below it): it was unsure there; a
    # pixel it held mostly opaque is the person's (the shadowed crease between a jaw and an ear lobe)
    w = (1 - own) * np.clip((soft - a) / 0.15, 0, 1) * (near & band)
    if where is not None:
        w = w * np.clip(np.asarray(where, np.float32), 0, 1)
    return (lim + w * (np.minimum(again, lim) - lim)).astype(np.float32)


def _lobe_depth(shape: tuple[int, int], lm: np.ndarray) -> np.ndarray:
    """Depth (px, down the face) below the ear lobes (the jaw between its second and third points on both sides)."""
    _, down = _frame_axes(lm)
    return _along(shape, (lm[1] + lm[2] + lm[14] + lm[15]) / 4, down)


def _below_lobes(shape: tuple[int, int], lm: np.ndarray) -> np.ndarray:
    """Below the ear lobes (:func:`_lobe_depth`), outside the face hull."""
    return (_lobe_depth(shape, lm) > 0) & ~_face_hull(shape, lm)


def ear_jewellery(pixels: np.ndarray, trimap_: np.ndarray, landmarks: np.ndarray, *, prob: np.ndarray | None = None,
                  reach: float = 0.4, residual: float = 0.2, lighter: float = 0.1, unlike_skin: float = 0.2,
                  sure: float = 0.25, near: float = 0.05, lobe: float = 0.2, eye: float = 0.1,
                  rim: float = 0.3, least: float = 0.015, unlike_hue: float = 0.065) -> np.ndarray:
    """The trimap with an earring's bright metal marked as the person, and its eye as background.

    A gold hoop hanging from the lobe over the backdrop lies in the unknown
    band, and closed-form matting, which explains each pixel as a mix of the
    skin and the backdrop beside it, cannot explain its highlights: it made
    half of yangmi_3.jpg's hoop 0.2-0.6, a see-through ghost of gold on every
    new backdrop, and the foreground estimate spread the gold into that soft
    edge (the worst halo of the set). Here, in the band within ``reach`` face
    widths of the jaw's point below each ear (``landmarks`` 2 and 14), below
    the lobes and outside the face, a pixel is marked foreground (1) when it
    is all of: no mix of the person's colour ``F`` and the background's ``B``
    beside it (more than ``residual`` from their segment, as in
    :func:`off_axis_limit`), lighter than both and than the lightest known
    background within 0.1 face widths by ``lighter`` (a specular
    highlight: metal, pearl, stone), more than ``unlike_skin`` from the face's
    skin (not a lit ear lobe or hand), where the segmenter gives more than
    ``sure`` (a lamp behind the ear is no person), in a piece within ``near``
    face widths of the known foreground (hanging from the person) and within
    ``lobe`` face widths of that jaw point (hanging from the lobe: a yellow
    poster beside scarlett_4.jpg's lower jaw, 0.35 face widths from it, is
    the same bright third colour, and the segmenter half takes it). Not a
    jewel: a piece of fewer than ``(least`` face widths``)**2`` pixels (a
    speck), one whose median chromaticity lies within ``unlike_hue`` of the
    skin's (a lit ear lobe, obama.jpg), and any part of a bright stretch of
    the band (pieces joined over gaps of 0.03 face widths) longer than
    ``rim`` face widths (a rim of light along the ear and jaw, biden.jpg),
    and a piece whose colour (within 0.1) is found in as many bright pixels
    of the band away from the lobes as the piece has (the same pale rim,
    running on along the jaw and neck: obama3.jpg's line under the lobe).
    The matting then fills the jewel between its highlights from those marks.
    Where a jewel's ring encloses unknown pixels within ``eye`` (RGB
    distance) of the background's colour, they are marked background (0):
    the hoop's eye, where the old backdrop shows through.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    trimap_ : ndarray
        ``(H, W)`` trimap (0 background, 0.5 unknown, 1 foreground); not modified.
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    prob : ndarray, optional
        ``(H, W)`` the segmenter's person probability.

    Returns
    -------
    ndarray
        ``(H, W)`` float32 trimap.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), (0.35, 0.2, 0.1), np.float32)           # a brown backdrop
    >>> img[:, :272] = (0.85, 0.65, 0.55)                                    # skin left of x = 272
    >>> tri = np.zeros((512, 512), np.float32); tri[:, :272] = 1
    >>> tri[:, 272:300] = 0.5                                                # the unknown band beside it
    >>> yy, xx = np.mgrid[:512, :512]
    >>> stud = np.hypot(xx - 277, yy - 128) < 4
    >>> img[stud] = (1.0, 0.9, 0.4)                                          # a bright gold stud below the ear
    >>> img[np.hypot(xx - 277, yy - 60) < 2.5] = (1.0, 0.9, 0.4)             # the same beside the temple
    >>> t = ear_jewellery(img, tri, lm)
    >>> float(t[128, 277]), float(tri[128, 277]), float(t[128, 290]), float(t[60, 277])
    (1.0, 0.5, 0.5, 0.5)
    >>> img[stud] = (0.35, 0.2, 0.1)                                         # the stud off, a hoop on
    >>> img[np.abs(np.hypot(xx - 282, yy - 146) - 6) < 2] = (1.0, 0.9, 0.4)   # its eye the backdrop
    >>> t = ear_jewellery(img, tri, lm)
    >>> float(t[146, 276]), float(t[146, 282]), float(t[146, 297])                    # ring, eye, beyond
    (1.0, 0.0, 0.5)
    """
    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    t = np.asarray(trimap_, np.float32)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    sides = _edge_sides(img, (t >= 0.999).astype(np.float32), t, fw)
    if sides is None:
        return t.copy()
    band, solid, F, B = sides
    zone = np.zeros(t.shape, np.uint8)
    r = max(int(round(reach * fw)), 2)
    for p in (lm[2], lm[14]):
        cv2.circle(zone, (int(round(p[0])), int(round(p[1]))), r, 1, -1)
    where = band & zone.astype(bool) & _below_lobes(t.shape, lm)
    if not where.any():
        return t.copy()
    d = F - B
    share = np.clip(((img - B) * d).sum(-1) / np.maximum((d * d).sum(-1), 1e-6), 0, 1)
    off = np.sqrt(((img - B - share[..., None] * d) ** 2).sum(-1))
    luma = np.array([0.2126, 0.7152, 0.0722], np.float32)
    hull = _face_hull(t.shape, lm, shrink=0.1 * fw)
    skin = np.median(img[hull], axis=0) if hull.any() else F[solid].mean(0)
    # lighter than the lightest known background within 0.1 face widths too: a bright, uneven backdrop's lighter
    # patches beside the ear are lighter than its blur B, not than itself (obama2.jpg)
    y = img @ luma
    rb = max(int(round(0.1 * fw)), 1)
    bg_top = cv2.dilate(np.where(t <= 0.001, y, 0).astype(np.float32),
                        cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * rb + 1, 2 * rb + 1)))
    bright = band & (off > residual) & (y > np.maximum.reduce([F @ luma, B @ luma, bg_top]) + lighter) \
        & (np.sqrt(((img - skin) ** 2).sum(-1)) > unlike_skin)
    if prob is not None:
        bright &= np.asarray(prob, np.float32) > sure
    cand = where & bright
    if not cand.any():
        return t.copy()
    # a rim of light along the outline (biden.jpg's lit ear and jaw line, white against the blue curtain) passes
    # the same tests below the lobe; it runs on along the outline, where a jewel ends: a bright stretch of the band
    # longer than ``rim`` face widths is no jewel
    gap = 2 * max(int(round(0.03 * fw)), 1) + 1  # a rim broken by a few darker pixels is one rim
    n_b, lab_b = cv2.connectedComponents(cv2.dilate(bright.astype(np.uint8), np.ones((gap, gap), np.uint8)),
                                         connectivity=8)
    if n_b > 1:
        ys, xs = np.nonzero(bright)  # the joined pieces' own pixels (the joining grows them)
        lb = lab_b[ys, xs]
        span = np.zeros(n_b)
        for v in (ys + xs, ys - xs, ys, xs):  # the extent along four directions, the largest
            lo = np.full(n_b, np.inf)
            hi = np.full(n_b, -np.inf)
            np.minimum.at(lo, lb, v)
            np.maximum.at(hi, lb, v)
            span = np.maximum(span, (hi - lo) / (np.sqrt(2) if v is not ys and v is not xs else 1.0))
        long = span > rim * fw
        long[0] = False
        cand &= ~long[lab_b]
        if not cand.any():
            return t.copy()
    d_fg = cv2.distanceTransform((~solid).astype(np.uint8), cv2.DIST_L2, 5)
    n, lab = cv2.connectedComponents(cand.astype(np.uint8), connectivity=8)
    at_lobe = np.zeros(t.shape, np.uint8)
    for p in (lm[2], lm[14]):
        cv2.circle(at_lobe, (int(round(p[0])), int(round(p[1]))), max(int(round(lobe * fw)), 1), 1, -1)
    hangs = np.zeros(n, bool)
    hangs[np.unique(lab[cand & (d_fg <= max(near * fw, 2.0))])] = True
    hangs &= np.bincount(lab[cand & at_lobe.astype(bool)], minlength=n) > 0
    # and a jewel shows more than a speck of light (a few bright pixels in hair or on a collar are not one)
    hangs &= np.bincount(lab.reshape(-1), minlength=n) >= (least * fw) ** 2
    # in a colour unlike the skin's, not only lighter: a lit ear lobe is the skin's hue (obama.jpg), gold and silver
    # are not (the piece's median distance in chromaticity; a pale highlight on gold alone may be near the skin's)
    chroma = np.sqrt(((img / np.maximum(img.sum(-1, keepdims=True), 1e-3)
                       - skin / max(float(np.sum(skin)), 1e-3)) ** 2).sum(-1))
    # and its colour is the lobe's alone: a rim of light shows the same pale colour along the outline beyond the
    # ears (obama3.jpg's lit line under the lobe runs on along the jaw and neck, in pieces the joining misses)
    away = bright & ~at_lobe.astype(bool)
    for i in np.flatnonzero(hangs):
        piece = lab == i
        hangs[i] = float(np.median(chroma[piece])) > unlike_hue
        if hangs[i] and away.any():
            c = np.median(img[piece], axis=0)
            hangs[i] = int((np.sqrt(((img[away] - c) ** 2).sum(-1)) < 0.1).sum()) < piece.sum()
    hangs[0] = False
    out = t.copy()
    out[hangs[lab]] = 1.0
    # the jewel's eye: what a jewel's ring encloses (a 1 px gap in its highlights bridged) and has the background's
    # own colour is the backdrop seen through the hoop (with jewel all round it, the matting made it opaque: the old
    # backdrop kept in the hoop). A dim stretch of the ring leaves it open: then it is no eye, and stays unknown
    from scipy import ndimage

    eye_colour = np.sqrt(((img - B) ** 2).sum(-1)) < eye
    for i in np.flatnonzero(hangs):
        ring = cv2.morphologyEx((lab == i).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)).astype(bool)
        out[ndimage.binary_fill_holes(ring) & ~ring & band & (out == 0.5) & eye_colour] = 0.0
    return out


def pocket_jewellery(pixels: np.ndarray, trimap_: np.ndarray, pockets: np.ndarray, landmarks: np.ndarray, *,
                     prob: np.ndarray | None = None, near: float = 0.15, reach: float = 0.75, residual: float = 0.2,
                     lighter: float = 0.1,
                     unlike_skin: float = 0.2, unlike_hue: float = 0.065, sure: float = 0.25,
                     least: float = 0.01) -> np.ndarray:
    """The trimap with the bright highlights of the jewellery round a pocket of the backdrop marked as the person.

    A big hoop earring reaches far below the lobe: rihanna.webp's left hoop
    hangs 0.3-0.65 face widths from the jaw point below the ear, beyond
    :func:`ear_jewellery`'s reach (0.4, its pieces within 0.2 of that point),
    so no jewel was found, :func:`off_axis_limit`'s gate stayed on over the
    hoop and took its white highlights out as a third colour (closed-form
    matting had given them 0.3-0.6): see-through specks on every new backdrop.
    A pocket of the backdrop :func:`enclosed_background` found is what such a
    hoop closes, so its metal lies beside it. Within ``near`` face widths of
    ``pockets`` and ``reach`` face widths of the jaw point below either ear
    (a pale watermark's letters beside a pocket low on the shoulder, the
    editorial style of rihanna.webp, are no jewel), below the lobes and
    outside the face, a pixel of the unknown
    band is marked foreground (1) when it is :func:`ear_jewellery`'s
    highlight: more than ``residual`` off the segment from the background's
    colour to the person's, lighter than both, than the lightest known
    background within 0.1 face widths and than the pocket's colour (blurred
    over 0.05 face widths) by ``lighter``, more than ``residual`` from that
    colour (a lighter patch of the bokeh in the eye is no jewel), more than
    ``unlike_skin`` from the face's median colour, where the segmenter gives
    more than ``sure``; in a piece (pieces joined over 1 px) of at least
    ``least`` face widths squared whose median chromaticity is more than
    ``unlike_hue`` from the skin's (a lit neck beside the pocket is the skin's
    hue). The matting then fills the metal between its highlights.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), (0.6, 0.65, 0.35), np.float32)      # a green backdrop
    >>> img[140:200, 120:175] = (0.45, 0.3, 0.1)                         # a gold hoop below the left lobe
    >>> img[160:190, 135:160] = (0.75, 0.7, 0.6)                         # its eye: a cream pocket
    >>> img[156:159, 131:134] = 0.97                                     # a highlight
    >>> tri = np.zeros((512, 512), np.float32); tri[140:200, 120:175] = 0.5; tri[:140, 150:300] = 1
    >>> pocket = np.zeros((512, 512), bool); pocket[163:187, 138:157] = True
    >>> t = pocket_jewellery(img, tri, pocket, lm)
    >>> float(t[157, 132]), float(t[145, 140])                          # highlight, gold
    (1.0, 0.5)
    >>> float(pocket_jewellery(img, tri, pocket & False, lm)[157, 132])  # no pocket: nothing marked
    0.5
    """
    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    t = np.asarray(trimap_, np.float32)
    p = np.asarray(pockets, bool)
    if not p.any():
        return t.copy()
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    sides = _edge_sides(img, (t >= 0.999).astype(np.float32), t, fw)
    if sides is None:
        return t.copy()
    band, _, F, B = sides
    at_ears = np.zeros(t.shape, np.uint8)
    for q in (lm[2], lm[14]):
        cv2.circle(at_ears, (int(round(q[0])), int(round(q[1]))), max(int(round(reach * fw)), 1), 1, -1)
    where = band & (cv2.distanceTransform((~p).astype(np.uint8), cv2.DIST_L2, 5) < near * fw) \
        & _below_lobes(t.shape, lm) & at_ears.astype(bool)
    if not where.any():
        return t.copy()
    d = F - B
    share = np.clip(((img - B) * d).sum(-1) / np.maximum((d * d).sum(-1), 1e-6), 0, 1)
    off = np.sqrt(((img - B - share[..., None] * d) ** 2).sum(-1))
    luma = np.array([0.2126, 0.7152, 0.0722], np.float32)
    hull = _face_hull(t.shape, lm, shrink=0.1 * fw)
    skin = np.median(img[hull], axis=0) if hull.any() else np.median(F[where], axis=0)
    y = img @ luma
    rb = max(int(round(0.1 * fw)), 1)
    bg_top = cv2.dilate(np.where(t <= 0.001, y, 0).astype(np.float32),
                        cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * rb + 1, 2 * rb + 1)))
    # lighter than the pocket's own colour too, and unlike it: a lighter patch of the bokeh in the hoop's eye is
    # lighter than the blurred background beside the band, and was marked (an opaque cream disc in the eye)
    P = normalized_blur(img, p.astype(np.float32), max(0.05 * fw, 1.0))
    cand = where & (off > residual) & (y > np.maximum.reduce([F @ luma, B @ luma, bg_top, P @ luma]) + lighter) \
        & (np.sqrt(((img - skin) ** 2).sum(-1)) > unlike_skin) & (np.sqrt(((img - P) ** 2).sum(-1)) > residual)
    if prob is not None:
        cand &= np.asarray(prob, np.float32) > sure
    if not cand.any():
        return t.copy()
    n, lab = cv2.connectedComponents(cv2.dilate(cand.astype(np.uint8), np.ones((3, 3), np.uint8)), connectivity=8)
    lab = np.where(cand, lab, 0)
    keep = np.bincount(lab.reshape(-1), minlength=n) >= max((least * fw) ** 2, 2)
    keep[0] = False
    chroma = np.sqrt(((img / np.maximum(img.sum(-1, keepdims=True), 1e-3)
                       - skin / max(float(np.sum(skin)), 1e-3)) ** 2).sum(-1))
    for i in np.flatnonzero(keep):
        keep[i] = float(np.median(chroma[lab == i])) > unlike_hue
    out = t.copy()
    out[keep[lab]] = 1.0
    return out


def lost_lapels(pixels: np.ndarray, trimap_: np.ndarray, landmarks: np.ndarray, *, prob: np.ndarray | None = None,
                odds: float = 0.1, contrast: float = 0.3, support: float = 0.35, gap: float = 0.03,
                local: float = 0.1, rim: float = 0.015, least: float = 0.02, same: float = 0.1,
                unlike_skin: float = 0.15, box_margin: float = 0.03, spare: np.ndarray | None = None,
                thin: float = 0.03, long: float = 0.5) -> np.ndarray:
    """The trimap with cloth the colours are sure of, joined to the opaque clothes, marked as the person.

    A suit's lapel runs on past its shoulder as a narrow point (2-10 px) between the white collar and a light wall
    (32bit.png, obama2.jpg). GrabCut, whose background model learnt a navy flag, gives it 0.04, so it lies in the
    unknown band or beyond it, and closed-form matting, whose known person beside it is the collar and the skin,
    explains the navy as no mix of those and gives it 0: the restored suit ended in a bump halfway up the collar.
    Here, below the ear lobes and more than ``gap`` face widths from the face (the jaw's and ears' hull), on a side
    without long hair, a pixel not yet known person is marked foreground (1) when it is all of:

    - of the clothes' colours: background odds under ``odds`` (:func:`_plain_odds`, per side, the person's colours
      from the opaque ring below the lobes, the background's from known background the segmenter (``prob``) gives
      under 0.1, so the lost cloth itself is not counted as background);
    - unlike the wall beside it: more than ``contrast`` (sRGB distance) from the known background blurred over
      ``local`` face widths (a dark strip of a blurred room beside a collar is the room's own colour), and outside
      the box of the known background's channels within ``local`` face widths (widened by ``box_margin``: a navy
      flag beside a navy sleeve, whose blur with a red curtain is unlike either);
    - where the segmenter gives at least ``support`` (so its prior keeps it);
    - more than ``unlike_skin`` from the face's skin (the neck's outline is left to the matting and the rim rules);
    - in a piece joined to the known person, of at least ``(least`` face widths``)**2`` pixels.

    From those pieces the mark grows on through pixels within ``same`` (sRGB distance) of the piece's own median
    colour that pass the wall and segmenter tests: the odds are counted on
    colours blurred over 0.01 face widths, which mix a point a few pixels wide with the collar and the wall.

    Known background within ``rim`` face widths (at least 2 px) of a marked pixel becomes unknown: the matting then draws the
    cloth's own edge against the wall from both sides, and the composite sees an opaque point, not a soft mix.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    trimap_ : ndarray
        ``(H, W)`` trimap (0 background, 0.5 unknown, 1 foreground); not modified.
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    prob : ndarray, optional
        ``(H, W)`` the segmenter's person probability; None: nothing is marked.
    spare : ndarray, optional
        ``(H, W)`` bool, pixels never marked: the backdrop's pockets in and beside a hoop earring and the jewels
        (rihanna.webp: the gold hoop and the hair round the bokeh it encloses are as unlike the wall as a lapel, and
        marked, they closed the pockets :func:`enclosed_background` had opened).

    Returns
    -------
    ndarray
        ``(H, W)`` float32 trimap; the input unchanged where nothing is found.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), 0.75, np.float32)                    # a light wall
    >>> img[300:, 100:400] = (0.1, 0.1, 0.2)                              # a navy suit
    >>> img[250:300, 330:345] = (0.1, 0.1, 0.2)                           # its lapel's point, rising higher
    >>> tri = np.zeros((512, 512), np.float32); tri[330:, 110:390] = 1    # GrabCut kept the suit's body
    >>> tri[(tri == 0) & (np.arange(512)[:, None] > 310)] = 0.5           # the band along its top
    >>> prob = np.zeros((512, 512), np.float32); prob[240:, 90:410] = 0.6
    >>> t = lost_lapels(img, tri, lm, prob=prob)
    >>> float(t[270, 337]), float(tri[270, 337]), float(t[270, 346]), float(t[200, 337])
    (1.0, 0.0, 0.5, 0.0)
    """
    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    t = np.asarray(trimap_, np.float32)
    if prob is None:
        return t.copy()
    p = np.asarray(prob, np.float32)
    H, W = t.shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    zone = _below_lobes((H, W), lm) & (_face_guard((H, W), lm, 0.0) > gap * fw)
    across, _ = _frame_axes(lm)
    _, chin, _ = head_extent(lm)
    side = _along((H, W), chin, across) > 0
    # a side where long hair hangs past the lobes: the soft outline is strands, not cloth (read from what the
    # segmenter or the trimap holds: a bob's ends lie in the unknown band, rihanna.webp)
    for sd, long_hair in zip((side, ~side), _long_hair_sides(np.maximum(t, (p > 0.5).astype(np.float32)), lm)):
        if long_hair:
            zone &= ~sd
    solid = t >= 0.999
    d_in = cv2.distanceTransform(solid.astype(np.uint8), cv2.DIST_L2, 5)
    person = solid & zone & (d_in > 0.03 * fw)
    if spare is not None:
        zone &= ~np.asarray(spare, bool)
    if not (zone & ~solid).any():
        return t.copy()
    back = (t <= 0.001) & zone & (p < 0.1)
    P = np.full((H, W), 0.5, np.float32)
    for sd in (side, ~side):  # each shoulder against its own wall (a neighbour's suit on the far side is no wall here)
        if (person & sd).sum() >= 50 and (back & sd).sum() >= 50:
            P[sd] = _plain_odds(img, person & sd, back & sd, fw)[sd]
    # not the neck's skin: its outline against the wall is the matting's (and the rim rules') to draw
    hull = _face_hull((H, W), lm, shrink=0.1 * fw)
    unlike = np.sqrt(((img - np.median(img[hull], axis=0)) ** 2).sum(-1)) > unlike_skin if hull.any() else True
    cand = zone & ~solid & (P < odds) & (p >= support) & unlike
    if not cand.any():
        return t.copy()
    wall = normalized_blur(img, back.astype(np.float32), max(local * fw, 1.0))
    # and no colour of the background within ``local`` face widths: outside the box of their channels (the blur
    # mixes a red curtain with the navy flag beside obama.jpg's sleeve into a colour unlike either)
    r_w = max(int(round(local * fw)), 1)
    disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r_w + 1, 2 * r_w + 1))
    inside = np.ones((H, W), bool)
    for c in range(3):
        ch = img[..., c].astype(np.float32)
        lo = cv2.erode(np.where(back, ch, 2.0).astype(np.float32), disc)
        hi = cv2.dilate(np.where(back, ch, -1.0).astype(np.float32), disc)
        inside &= (ch >= lo - box_margin) & (ch <= hi + box_margin)
    unlike_wall = (np.sqrt(((img - wall) ** 2).sum(-1)) > contrast) & ~inside
    cand &= unlike_wall
    n, lab = cv2.connectedComponents(cand.astype(np.uint8), connectivity=8)
    if n < 2:
        return t.copy()
    touch = cand & (cv2.dilate(solid.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)
    joined = np.zeros(n, bool)
    joined[np.unique(lab[touch])] = True
    joined &= np.bincount(lab.reshape(-1), minlength=n) >= (least * fw) ** 2
    joined[0] = False
    marked = joined[lab]
    if not marked.any():
        return t.copy()
    # then on into each piece's own colour: the odds are counted on colours blurred over 0.01 face widths, which mix
    # a point 2-10 px wide with the collar and the wall into a colour neither side holds (0.5-0.8 at 32bit's tip).
    # (each piece's own median: a white collar's piece marked beside the navy point is no reference for the navy)
    open_ = zone & ~solid & (p >= support) & unlike & unlike_wall
    grown = marked.copy()
    for i in np.flatnonzero(joined):
        piece = lab == i
        like = open_ & (np.sqrt(((img - np.median(img[piece], axis=0)) ** 2).sum(-1)) < same)
        n_l, lab_l = cv2.connectedComponents((like | piece).astype(np.uint8), connectivity=8)
        held = np.unique(lab_l[piece])
        grown |= np.isin(lab_l, held[held > 0])
    # a thin piece that runs a long way (under ``thin`` face widths across, over ``long`` along) follows the outline:
    # the mixed rim of a sharp edge against a backdrop of the clothes' colours (the astronaut's orange suit over
    # brown wood in the known-alpha scene), not a lapel's point (0.29 face widths long on 32bit.png)
    n_g, lab_g, st_g, _ = cv2.connectedComponentsWithStats(grown.astype(np.uint8), connectivity=8)
    half = cv2.distanceTransform(grown.astype(np.uint8), cv2.DIST_L2, 5)
    for i in range(1, n_g):
        piece = lab_g == i
        if float(half[piece].max()) < thin * fw and max(st_g[i, 2], st_g[i, 3]) > long * fw:
            grown &= ~piece
    marked = grown
    if not marked.any():
        return t.copy()
    out = t.copy()
    out[marked] = 1.0
    r = max(int(round(rim * fw)), 2)  # (at least the 2 px a sharp edge mixes over at the working size)
    near = cv2.dilate(marked.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    out[(near > 0) & (out <= 0.001)] = 0.5
    return out


def drop_earrings(pixels: np.ndarray, trimap_: np.ndarray, landmarks: np.ndarray, jewels: np.ndarray, *,
                  length: float = 0.35, width: float = 0.03, lighter: float = 0.15, gap: float = 0.02,
                  sat: float = 0.3) -> np.ndarray:
    """The trimap with a drop earring's chain below a found jewel marked as the person.

    :func:`ear_jewellery` looks only in the trimap's narrow unknown band; a
    long drop earring (scarlett_2.jpg) hangs on below it, over what the
    trimap calls sure background, and was cut off at the band's end. Below
    each piece of ``jewels`` (within ``length`` face widths, in a column
    ``width`` face widths either side of it), neutral pixels (saturation
    below ``sat``) lighter by ``lighter`` than the column's background (its
    75th percentile of luma) that join the jewel (gaps of ``gap`` face widths
    bridged vertically) and lie within half ``width`` of the jewel's middle
    are the chain (the background's luma is read 0.1 face widths either side): its brightest half (above the midpoint between background
    and its 95th percentile) is marked foreground, the rest of it and a pixel
    around unknown, for the matting to decide.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    trimap_ : ndarray
        ``(H, W)`` trimap; not modified.
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    jewels : ndarray
        ``(H, W)`` bool, the jewels :func:`ear_jewellery` found.

    Returns
    -------
    ndarray
        ``(H, W)`` float32 trimap.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.zeros((512, 512, 3), np.float32); tri = np.zeros((512, 512), np.float32)
    >>> img[120:160, 300:303] = 0.9                                # a silver chain over a black backdrop
    >>> jewel = np.zeros((512, 512), bool); jewel[120:130, 300:303] = True
    >>> tri[jewel] = 1
    >>> t = drop_earrings(img, tri, lm, jewel)
    >>> float(t[150, 301]), float(t[150, 320]), float(tri[150, 301])
    (1.0, 0.0, 0.0)
    """
    from scipy import ndimage

    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    t = np.asarray(trimap_, np.float32)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    luma = img @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    out = t.copy()
    lab, n = ndimage.label(np.asarray(jewels, bool), structure=np.ones((3, 3)))
    H, W = t.shape
    g = max(int(round(gap * fw)), 1)
    for i in range(1, n + 1):
        ys, xs = np.nonzero(lab == i)
        y0, y1 = int(ys.min()), min(int(ys.max() + length * fw) + 1, H)
        x0, x1 = max(int(xs.min() - width * fw), 0), min(int(xs.max() + width * fw) + 1, W)
        win = np.s_[y0:y1, x0:x1]
        wide = np.s_[y0:y1, max(int(xs.min() - 0.1 * fw), 0):min(int(xs.max() + 0.1 * fw) + 1, W)]
        bg = t[wide] <= 0.001  # the backdrop beside the chain (wider than the column, which the chain may fill)
        if bg.sum() < 10:
            continue
        ref = float(np.percentile(luma[wide][bg], 75))
        sub = img[win]
        neutral = (sub.max(-1) - sub.min(-1)) < sat * np.maximum(sub.max(-1), 1e-3)
        cand = (luma[win] > ref + lighter) & (t[win] < 0.999) & neutral
        own = lab[win] == i
        joined = cv2.morphologyEx((cand | own).astype(np.uint8), cv2.MORPH_CLOSE, np.ones((2 * g + 1, 3), np.uint8))
        cl, _ = ndimage.label(joined, structure=np.ones((3, 3)))
        keep = np.unique(cl[own])
        part = np.isin(cl, keep[keep > 0])
        cols = np.abs(np.arange(x1 - x0) - (np.median(xs) - x0)) <= max(0.5 * width * fw, 2)
        part &= cols[None, :]  # a drop hangs straight down from the jewel: a narrow column
        chain = part & cand
        if not chain.any():
            continue
        core = chain & (luma[win] > ref + 0.5 * (np.percentile(luma[win][chain], 95) - ref))
        soft = cv2.dilate(part.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        o = out[win]
        o[soft & (o < 0.999)] = 0.5
        o[core] = 1.0
    return out


def hanging_drops(pixels: np.ndarray, trimap_: np.ndarray, landmarks: np.ndarray, *, lobe: float = 0.2,
                  lighter: float = 0.15, sat: float = 0.3, tall: float = 0.1, thin: float = 0.025,
                  hangs: float = 0.1, gap: float = 0.02) -> np.ndarray:
    """Drop earrings hanging from the ear lobes that :func:`ear_jewellery` did not find.

    A diamond drop is neutral, like pale skin (scarlett_2.jpg's left earring
    is within :func:`ear_jewellery`'s ``unlike_hue`` of her skin), and its
    top joins the lit hair above into one long bright stretch (its ``rim``
    rule). What a drop has and a rim of light has not: it hangs on, thin and
    upright, over the sure background. Within ``lobe`` face widths of the jaw
    point below each ear (``landmarks`` 2 and 14), below the lobes, outside
    the face and the trimap's sure person: neutral pixels (saturation below
    ``sat``) lighter by ``lighter`` than the backdrop there (its 75th
    percentile of luma), joined over vertical gaps of ``gap`` face widths,
    make a drop when the piece is at least ``tall`` face widths high, at most
    ``thin`` face widths and at least 2 px wide (its median row; a 1 px line
    is a rim of light along the outline, biden.jpg's ear), four times higher
    than wide, and reaches ``hangs`` face widths of rows into the sure
    background.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    trimap_ : ndarray
        ``(H, W)`` trimap (0 background, 0.5 unknown, 1 foreground).
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.

    Returns
    -------
    ndarray
        ``(H, W)`` bool, the drops' bright pixels.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.zeros((512, 512, 3), np.float32); tri = np.zeros((512, 512), np.float32)
    >>> x, y = int(lm[14][0]) + 3, int(lm[14][1]) + 10
    >>> tri[:y + 8, :x - 1] = 1; tri[:y + 8, x - 1:x + 20] = 0.5           # the band ends below the lobe
    >>> img[y:y + 25, x:x + 2] = 0.9                                       # a thin drop hanging into the backdrop
    >>> bool(hanging_drops(img, tri, lm)[y + 20, x])
    True
    >>> img[y:y + 25, x:x + 12] = 0.9                                      # a wide bright patch is no drop
    >>> bool(hanging_drops(img, tri, lm).any())
    False
    """
    from scipy import ndimage

    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    t = np.asarray(trimap_, np.float32)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    H, W = t.shape
    luma = img @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    neutral = (img.max(-1) - img.min(-1)) < sat * np.maximum(img.max(-1), 1e-3)
    where = _below_lobes(t.shape, lm) & (t < 0.999)
    out = np.zeros(t.shape, bool)
    g = max(int(round(gap * fw)), 1)
    r = max(int(round(lobe * fw)), 2)
    for p in (lm[2], lm[14]):
        y0, y1 = max(int(p[1] - r), 0), min(int(p[1] + 2 * r) + 1, H)
        x0, x1 = max(int(p[0] - r), 0), min(int(p[0] + r) + 1, W)
        if y1 <= y0 or x1 <= x0:
            continue
        win = np.s_[y0:y1, x0:x1]
        bg = t[win] <= 0.001
        if bg.sum() < 10:
            continue
        ref = float(np.percentile(luma[win][bg], 75))
        cand = where[win] & neutral[win] & (luma[win] > ref + lighter)
        if not cand.any():
            continue
        joined = cv2.morphologyEx(cand.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((2 * g + 1, 3), np.uint8))
        lab, n = ndimage.label(joined, structure=np.ones((3, 3)))
        yy, xx = np.mgrid[y0:y1, x0:x1]
        for i in range(1, n + 1):
            pc = lab == i
            ys, xs = yy[pc], xx[pc]
            if np.hypot(ys - p[1], xs - p[0]).min() > lobe * fw:
                continue
            height = int(ys.max() - ys.min() + 1)
            rows = np.bincount(ys - ys.min())
            width = float(np.median(rows[rows > 0]))
            in_bg = len(np.unique(ys[t[win][pc] <= 0.001]))
            # (a line one pixel wide is a rim of light along the outline: biden.jpg's ear)
            if height >= tall * fw and 2 <= width <= thin * fw and height >= 4 * width and in_bg >= hangs * fw:
                out[win] |= pc & cand
    return out


def background_pockets(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, *,
                       match: tuple[float, float] = (0.06, 0.12),
                       near: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Cut the holes below the ear lobes that show the background: a hoop's eye, a gap between hair and neck.

    :func:`fill_head_holes` makes every hole the outline encloses in the
    head opaque (a hole in the face or the hair is skin or hair the colours
    could not tell from the backdrop). Below the ear lobes and outside the
    face, a hole can be the backdrop seen through the person's things: the
    eye of a hoop earring (yangmi_3.jpg), a gap between a lock of hair and
    the neck. A hole (``alpha <= 0.5`` enclosed by ``alpha > 0.5``) there
    whose colour matches the background just outside the outline (the
    ``alpha == 0`` pixels joined to the photo's border, extended by a
    normalised blur; RGB distance ramped over ``match``, its median over the
    hole above one half) is a pocket: its alpha is cut by the match, and it
    is returned so it stays open. With ``near`` (``(H, W)`` bool: around
    the jewels :func:`ear_jewellery` found), only holes that reach into it.

    Returns
    -------
    (ndarray, ndarray)
        ``(H, W)`` float32 alpha (never above ``alpha``) and the ``(H, W)`` bool pockets.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), (0.35, 0.2, 0.1), np.float32)
    >>> a = np.zeros((512, 512), np.float32); a[20:, 150:360] = 1; img[20:, 150:360] = (0.85, 0.65, 0.55)
    >>> ear = np.round(lm[14]).astype(int)
    >>> a[ear[1] + 40:ear[1] + 60, 360:390] = 1; img[ear[1] + 40:ear[1] + 60, 360:390] = (1.0, 0.8, 0.3)  # a ring
    >>> a[ear[1] + 45:ear[1] + 55, 362:385] = 0.3; img[ear[1] + 45:ear[1] + 55, 362:385] = (0.36, 0.2, 0.1)
    >>> b, pockets = background_pockets(img, a, lm)
    >>> float(b[ear[1] + 50, 375]), bool(pockets[ear[1] + 50, 375]), float(b[300, 250])
    (0.0, True, 1.0)
    """
    from scipy import ndimage

    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    solid = a > 0.5
    holes = ndimage.binary_fill_holes(solid) & ~solid & _below_lobes(a.shape, lm)
    none = np.zeros(a.shape, bool)
    if near is not None and holes.any():
        lab, n = ndimage.label(holes)
        hit = np.unique(lab[holes & np.asarray(near, bool)])
        holes = np.isin(lab, hit[hit > 0])
    if not holes.any():
        return a.copy(), none
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    n, lab = cv2.connectedComponents((a <= 0).astype(np.uint8), connectivity=4)
    edge = np.unique(np.r_[lab[0], lab[-1], lab[:, 0], lab[:, -1]])
    outside = np.isin(lab, edge[edge > 0]) & (a <= 0)
    if not outside.any():
        return a.copy(), none
    B = normalized_blur(img, outside.astype(np.float32), max(0.03 * fw, 1.0))
    lo, hi = match
    m = np.clip((hi - np.sqrt(((img - B) ** 2).sum(-1))) / (hi - lo), 0, 1)
    n, lab = cv2.connectedComponents(holes.astype(np.uint8), connectivity=8)
    pockets = none.copy()
    for i in range(1, n):
        piece = lab == i
        if float(np.median(m[piece])) > 0.5:
            pockets |= piece
    if not pockets.any():
        return a.copy(), none
    return np.where(pockets, a * (1 - m), a).astype(np.float32), pockets


def _head_above_chin(shape: tuple[int, int], lm: np.ndarray) -> np.ndarray:
    """The head ellipse of :func:`seed_mask` above the chin, or the face hull (bool)."""
    _, chin, _ = head_extent(lm)
    _, down = _frame_axes(lm)
    return (_head_ellipse(shape, lm) & (_along(shape, chin, down) < 0)) | _face_hull(shape, lm)


def _skull_above_chin(shape: tuple[int, int], lm: np.ndarray) -> np.ndarray:
    """:func:`skull` (the head reaching back as far as the face is turned) above the chin, or the face hull."""
    _, chin, _ = head_extent(lm)
    _, down = _frame_axes(lm)
    return (skull(shape, lm) & (_along(shape, chin, down) < 0)) | _face_hull(shape, lm)


def dense_hair(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, *, hair_below: float = 0.1,
               contrast: tuple[float, float] = (0.12, 0.24), reach: float = 0.05, texture: float = 0.006,
               sure: tuple[float, float] = (0.8, 0.95), off: tuple[float, float] = (0.1, 0.15),
               lighter: tuple[float, float] = (0.1, 0.2)) -> np.ndarray:
    """Alpha inside the hair's outline at least as high as the photo's colour says.

    Closed-form matting knows the person only from the trimap's sure part, which at short hair is the skin of the
    forehead below it: the whole hair cap lies in the unknown band. Dark hair lit at its outline by a bright
    backdrop (obama3.jpg) then keeps 0.6-0.9 from the outline to 10 px inside it, where the photo's colour has long
    settled to the hair's own: over the new backdrop the outer third of the hair is see-through. Here each pixel
    inside the ``alpha > 0.5`` outline, in the hair zone (the head above ``hair_below`` head heights under the eye
    line), gets the share of the hair's colour ``F`` (the opaque pixels within ``reach`` face widths of the soft
    edge, blurred) along ``F - B`` (the old background beside the outline, blurred), read on the photo smoothed
    by ``texture`` face widths (dense hair's light and dark strands average to the hair's colour; a loose wisp's
    strand and gap average towards the backdrop). Alpha is raised to that share, and to 1 where the share is
    ``sure`` (ramped). Only where ``F`` and ``B`` differ clearly (``contrast``, sRGB distance) and the pixel lies
    near the ``B``-``F`` segment (``off``: a third colour is left alone), before a backdrop lighter than the hair
    (mean sRGB, ``lighter``, ramped; light wisps before a dark wall are :func:`strand_gaps`' case), and not on the
    outline's own pixels (1-2.5 px inside it, ramped). Alpha is never lowered, and the outline (the 0.5 contour)
    does not move outwards.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), 0.85, np.float32)                  # a light backdrop
    >>> a = np.zeros((512, 512), np.float32); a[40:, 150:360] = 1
    >>> img[40:, 150:360] = 0.2                                          # dark hair and below
    >>> a[40:52, 150:360] = 0.7                                          # hair of the hair's colour held see-through
    >>> img[34:40, 150:360] = 0.5; a[34:40, 150:360] = 0.55              # a true mixed edge above it
    >>> b = dense_hair(img, a, lm)
    >>> round(float(b[46, 250]), 2), round(float(b[37, 250]), 2), float(b[20, 250])
    (1.0, 0.55, 0.0)
    """
    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    H, W = a.shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    _, _, head_h = head_extent(lm)
    _, down = _frame_axes(lm)
    zone = (_along((H, W), lm[36:48].mean(0), down) < hair_below * head_h) & _skull_above_chin((H, W), lm)
    inside = gauss(a, 1.0) > 0.5  # the outline's interior, specks in it included
    soft = inside & (a < 0.98) & (gauss(zone.astype(np.float32), max(0.05 * fw, 1.0)) > 0.01)
    opaque = a >= 0.98
    back = a <= 0.02
    if not (soft.any() and opaque.any() and back.any()):
        return a.copy()
    # the blurs only in the box around the soft hair (plus their reach): full-size photos stay fast
    y0, y1, x0, x1 = box_around(soft, int(0.3 * fw) + 2)
    sub = (slice(y0, y1), slice(x0, x1))
    d_in = cv2.distanceTransform(opaque[sub].astype(np.uint8), cv2.DIST_L2, 5)
    ring = opaque[sub] & (d_in <= max(reach * fw, 3.0))
    d_out = cv2.distanceTransform((~back[sub]).astype(np.uint8), cv2.DIST_L2, 5)
    beside = back[sub] & (d_out <= max(0.15 * fw, 4.0))
    if not (ring.any() and beside.any()):
        return a.copy()
    F = normalized_blur(img[sub], ring.astype(np.float32), max(0.03 * fw, 1.0))
    B = normalized_blur(img[sub], beside.astype(np.float32), max(0.06 * fw, 1.5))
    smooth = gauss(img[sub], max(texture * fw, 0.7))
    d, c2, share = _share_along(smooth, F, B)
    # off the line from B through F (hair darker than F's average lies beyond it, and is hair)
    away = np.sqrt(((smooth - B - np.maximum(share, 0)[..., None] * d) ** 2).sum(-1))
    lo, hi = contrast
    w = np.clip((np.sqrt(c2) - lo) / (hi - lo), 0, 1) * np.clip((off[1] - away) / (off[1] - off[0]), 0, 1)
    # only hair darker than the backdrop beside it (as colour_limit): light strands before a dark wall are the loose
    # wisps strand_gaps reads, and there a floor from a strand's bright highlight drew a 1-px opaque ridge
    w = w * np.clip((B.mean(-1) - F.mean(-1) - lighter[0]) / (lighter[1] - lighter[0]), 0, 1)
    # not on the outline's own pixels: there the photo's smoothed colour is the edge's mix spread by the smoothing
    # (an anti-aliased outline would be raised above its own coverage)
    depth = cv2.distanceTransform(np.pad(inside[sub], 1, mode="edge").astype(np.uint8), cv2.DIST_L2, 5)[1:-1, 1:-1]
    w = w * np.clip((depth - 1.0) / 1.5, 0, 1)
    w = w * gauss(zone.astype(np.float32), max(0.05 * fw, 1.0))[sub]  # the zone's edge fades: no seam in the hair
    s = np.clip(share, 0, 1)
    floor = s + np.clip((s - sure[0]) / (sure[1] - sure[0]), 0, 1) * (1 - s)
    out = a.copy()
    raised = np.maximum(a[sub], w * floor)
    out[sub] = np.where(soft[sub], raised, a[sub])
    return out.astype(np.float32)


def solidify_head(alpha: np.ndarray, landmarks: np.ndarray, *, depth: float = 0.02, low: float = 0.5,
                  high: float = 0.8) -> np.ndarray:
    """Opaque hair a little inside the matte's own outline, within the head.

    Closed-form matting reads hair that is lighter than the rest (lit brown
    hair between dark hair and a cream wall, yangmi_4.jpg) as a mix of hair and
    backdrop, and leaves a band of 0.7-0.85 a few pixels inside the outline:
    a light, see-through patch in the hair over the new backdrop. Strand tips
    and gaps are at the outline; deeper than ``depth`` face widths inside the
    ``alpha > 0.5`` outline (measured from the matte itself, not from the mask
    it came from; the photo's border is not an outline, so hair cut by the top
    of the frame counts as deep), alpha is ramped from ``low`` to ``high`` (1)
    by :func:`solidify_inside`, inside the head ellipse above the chin only.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> a = np.zeros((512, 512), np.float32); a[20:, 150:360] = 1
    >>> a[25:45, 200:300] = 0.8      # a see-through band in the hair just inside the crown
    >>> a[400:420, 200:300] = 0.8   # the same in the clothes, below the head
    >>> b = solidify_head(a, lm)
    >>> round(float(b[40, 250]), 2), round(float(b[410, 250]), 2), round(float(b[21, 250]), 2)
    (1.0, 0.8, 1.0)
    """
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    head = gauss(_skull_above_chin(a.shape, lm).astype(np.float32), max(0.03 * fw, 1.0))
    b = solidify_inside(a, a > 0.5, max(depth * fw, 1.0), low=low, high=high)
    return (a + head * (b - a)).astype(np.float32)


def smooth_along_outline(alpha: np.ndarray, sigma: float = 1.0) -> np.ndarray:
    """Anti-alias the matte's outline: alpha averaged along the edge, not across it.

    Where the photo has a bright rim along the hair (sharpening, back light),
    closed-form matting calls the rim background and the hair just inside
    it opaque: alpha jumps from 0 to 0.8 within one pixel, and on a slanted
    edge that is a pixel staircase at 1:1 (yangmi_3.jpg), which a guided
    filter keeps because the photo's own edge is as sharp. Where alpha
    steps by more than 0.35 between neighbouring pixels (fully above 0.65),
    an edge pixel takes the Gaussian average (``sigma`` px) of alpha along
    the edge's tangent (from a Gaussian of 1.5 px of alpha): the steps become
    a ramp, the edge stays as sharp across, and soft edges that are already
    anti-aliased and flat regions are unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> yy, xx = np.mgrid[0:40, 0:40]
    >>> a = (xx < 0.5 * yy + 10).astype(np.float32)     # a slanted, stair-stepped edge
    >>> b = smooth_along_outline(a)
    >>> bool(((b > 0.05) & (b < 0.95)).sum() > ((a > 0.05) & (a < 0.95)).sum()), float(b[20, 5]), float(b[20, 35])
    (True, 1.0, 0.0)
    """
    a = np.asarray(alpha, np.float32)
    g = gauss(a, 1.5)
    gy, gx = np.gradient(g)
    mag = np.hypot(gx, gy)
    edge = (g > 0.01) & (g < 0.99) & (mag > 1e-3)
    if sigma <= 0 or not edge.any():
        return a.copy()
    ys, xs = np.nonzero(edge)
    tx = (-gy[ys, xs] / mag[ys, xs]).astype(np.float32)
    ty = (gx[ys, xs] / mag[ys, xs]).astype(np.float32)
    # the edge pixels as the rows of a map (cv2.remap takes at most 32767 columns)
    cols = 4096
    pad = -ys.size % cols
    X = np.pad(xs.astype(np.float32), (0, pad)).reshape(-1, cols)
    Y = np.pad(ys.astype(np.float32), (0, pad)).reshape(-1, cols)
    tx, ty = np.pad(tx, (0, pad)).reshape(-1, cols), np.pad(ty, (0, pad)).reshape(-1, cols)
    r = int(np.ceil(2.5 * sigma))
    acc = np.zeros(X.shape, np.float32)
    total = 0.0
    for s in np.arange(-2 * r, 2 * r + 1) / 2.0:
        w = float(np.exp(-0.5 * (s / sigma) ** 2))
        acc += w * cv2.remap(a, X + float(s) * tx, Y + float(s) * ty, cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_REPLICATE)
        total += w
    acc = acc.reshape(-1)[:ys.size]
    dx = np.zeros_like(a)
    dy = np.zeros_like(a)
    dx[:, :-1] = np.abs(np.diff(a, axis=1))
    dy[:-1] = np.abs(np.diff(a, axis=0))
    step = np.maximum.reduce([dx, dy, np.roll(dx, 1, 1), np.roll(dy, 1, 0)])  # the largest step at each pixel
    hard = gauss(cv2.dilate(np.clip((step - 0.35) / 0.3, 0, 1).astype(np.float32), np.ones((3, 3), np.uint8)), 0.7)
    out = a.copy()
    w = hard[ys, xs]
    out[ys, xs] = a[ys, xs] + w * (acc / total - a[ys, xs])
    return out


def edge_spread(share: np.ndarray, level: np.ndarray, points: np.ndarray, *, reach: int = 8,
                least: float = 0.5) -> np.ndarray:
    """How soft the photo's own edge is at ``points``: the Gaussian sigma (px) of its rise across the outline.

    At each of ``points`` (bool), ``share`` (each pixel's colour read as its share of the person's colour against
    the background's beside it: about 0 outside, 1 inside) is sampled along the normal of ``level`` (a smooth
    alpha, rising inwards) from ``reach`` px outside to ``reach`` px inside. The rise between its own ends (the
    median of the three outermost samples on either side), made monotone (the mean of its running maximum from
    outside and its running minimum from inside: a pore or a JPEG ripple is no second edge), is read at 10 % and
    90 %; that distance is 2.563 sigmas of a Gaussian blur of a step. NaN where the ends differ by less than
    ``least`` (no edge between the two colours there).

    Parameters
    ----------
    share : ndarray
        ``(H, W)`` float.
    level : ndarray
        ``(H, W)`` float, rising from the background into the person (its gradient is the normal).
    points : ndarray
        ``(H, W)`` bool, the outline's pixels to measure at.
    reach : int
        Samples from ``-reach`` to ``reach`` px along the normal.
    least : float
        The smallest rise of ``share`` between the profile's ends to measure.

    Returns
    -------
    ndarray
        ``(n,)`` float32 sigmas in px, in the order of ``np.nonzero(points)``.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import ndimage
    >>> xx = np.tile(np.arange(64, dtype=np.float32), (64, 1))
    >>> step = np.clip(xx - 31.5 + 0.5, 0, 1)                  # an edge between columns 31 and 32
    >>> pts = np.zeros((64, 64), bool); pts[20:40, 32] = True
    >>> [round(float(np.median(edge_spread(ndimage.gaussian_filter(step, s), step, pts))), 1) for s in (1, 2, 3)]
    [1.0, 2.0, 2.9]
    """
    sh = np.asarray(share, np.float32)
    g = np.asarray(level, np.float32)
    ys, xs = np.nonzero(np.asarray(points, bool))
    if ys.size == 0:
        return np.zeros(0, np.float32)
    gy, gx = np.gradient(g)
    mag = np.maximum(np.hypot(gx[ys, xs], gy[ys, xs]), 1e-6)
    ny, nx = gy[ys, xs] / mag, gx[ys, xs] / mag
    off = np.arange(-reach, reach + 1, dtype=np.float32)
    my = (ys[:, None] + ny[:, None] * off[None]).astype(np.float32)
    mx = (xs[:, None] + nx[:, None] * off[None]).astype(np.float32)
    prof = cv2.remap(sh, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE).astype(np.float64)
    lo, hi = np.median(prof[:, :3], 1), np.median(prof[:, -3:], 1)
    rise = hi - lo
    ok = rise >= least
    q = np.clip((prof - lo[:, None]) / np.where(ok, rise, 1.0)[:, None], 0, 1)
    q = 0.5 * (np.maximum.accumulate(q, 1) + np.minimum.accumulate(q[:, ::-1], 1)[:, ::-1])
    # the first samples past 10 % and 90 % (q is monotone), each interpolated with the sample before it
    out = []
    for level_ in (0.1, 0.9):
        j = np.clip(np.argmax(q >= level_, 1), 1, off.size - 1)
        rows = np.arange(q.shape[0])
        q0, q1 = q[rows, j - 1], q[rows, j]
        out.append(j - 1 + np.clip((level_ - q0) / np.maximum(q1 - q0, 1e-6), 0, 1))
    return np.where(ok, (out[1] - out[0]) / 2.563, np.nan).astype(np.float32)


def smooth_skin_outline(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, *, sigma: float = 0.02,
                        least: float = 4.0, width: float | None = None, hue: float = 8.0,
                        bump: float = 0.015, keep: np.ndarray | None = None,
                        spread: tuple[float, float] = (0.6, 0.5), slack: float = 0.25) -> np.ndarray:
    """The jaw's and the neck's outline below the ear lobes drawn as a smooth curve: no stair steps from colour blocks.

    Where the skin of a shaded jaw meets a background of about its lightness
    (a blue-grey coat behind scarlett_2.jpg's neck, both near 0.25), colour
    alone tells them apart, and a JPEG stores colour in blocks of 16x16 px: the
    matte's outline (in the photo's colour edge) stayed put for a block's
    rows and jumped 1.5-3 px at the next, a staircase with soft bumps along
    a line that is a smooth curve. Here alpha's 0.5 contour is smoothed (a
    Gaussian of ``sigma`` face widths, at least ``least`` px as the blocks are
    the photo's, whose 0.5 level is the contour with its bumps under about
    2.5 sigmas taken out) and the edge drawn again
    across it as a ramp, by the smoothed alpha's distance to its 0.5 level:
    with ``width`` None (the default) as soft as the photo's own edge there
    (:func:`edge_spread` of each pixel's colour share between the skin's and
    the background's, a Gaussian's sigma kept within ``spread``: at least
    ``spread[0]`` px, at most ``spread[1]`` of the smoothing; round 18's 2 px
    ramp across a jaw the photo blurs over 4-6 px left the outermost skin
    opaque with a share of the old background in it), alpha kept within
    ``slack`` of that colour share where it falls or rises; with ``width``
    given, a linear ramp that many px wide. Only where the outline is skin: below the lobes (faded in
    over 0.03 face widths), within :func:`_skin_sides`' reach of the face on a
    side without long hair, and where the opaque side's colour has the
    cheeks' hue (CIELAB a*, b* within ``hue``, none from 1.5 times that: a
    collar, a lapel or a coat keeps its corners). Alpha rises only over
    pixels nearer the skin's colour beside them than the background's, and
    (with ``width`` given) falls only over pixels nearer the background's (a notch of dark backdrop
    beside an earring stays open), and a piece of the change that reaches more than ``bump`` face
    widths (at least 2 px) past the smoothed contour with its 0.5 level is left out: a block's
    step is a sliver along the outline, an earring hanging from the lobe is
    a shape of its own. Where ``keep`` (a found earring, widened) is True the
    matte is left as it was.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), (0.3, 0.32, 0.4), np.float32)     # a blue-grey backdrop
    >>> yy, xx = np.mgrid[:512, :512]
    >>> jaw = 176 + 0.3 * (yy - 125)                                   # the photo's left jaw, a straight edge
    >>> img[(xx > jaw) & (xx < 280) & (yy > 50)] = (0.8, 0.62, 0.55)
    >>> a = ((xx > jaw + 2 * ((yy // 16) % 2) - 1) & (xx < 280) & (yy > 50)).astype(np.float32)  # 16-row blocks
    >>> b = smooth_skin_outline(img, a, lm)
    >>> def at(m, y): return float(np.interp(0.5, m[y, 160:220], np.arange(160, 220)))
    >>> steps = lambda m: max(abs(at(m, y + 1) - at(m, y) - 0.3) for y in range(135, 170))
    >>> round(steps(a), 1), steps(b) < 0.8                  # the 2 px jumps at the blocks are ramps along the jaw
    (2.3, True)
    >>> bool(np.array_equal(smooth_skin_outline(img, a, lm, sigma=0), a))
    True
    """
    lm = check_landmarks(landmarks)
    img = check_image(pixels)
    a = np.asarray(alpha, np.float32)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    solid = a > 0.98
    if sigma <= 0 or not solid.any():
        return a.copy()
    below = gauss((_lobe_depth(a.shape, lm) > 0).astype(np.float32), 0.03 * fw)
    zone = _skin_sides(a, lm) * below
    if keep is not None:
        zone = zone * ~np.asarray(keep, bool)
    if not np.any(zone > 0.01):
        return a.copy()
    lab = cv2.cvtColor(np.clip(img, 0, 1).astype(np.float32), cv2.COLOR_RGB2LAB)
    cheek = _cheek_colour(lab, lm)
    if cheek is None:
        return a.copy()
    s = max(sigma * fw, least)
    # the opaque side's colour beside the outline: skin has the cheeks' hue whatever its shade (the jaw's edge is
    # in shadow, half the cheeks' lightness), a coat or a collar has not
    fore = normalized_blur(lab, solid.astype(np.float32), s)
    off = np.linalg.norm(fore[..., 1:] - cheek[0][1:], axis=-1)
    zone = zone * np.clip((1.5 * hue - off) / (0.5 * hue), 0, 1)
    g = gauss(a, s)
    gy, gx = np.gradient(g)
    mag = np.hypot(gx, gy)
    dist = (g - 0.5) / np.maximum(mag, 1e-4)  # signed px from the smoothed 0.5 contour (inside positive)
    # near that contour only (within 1.5 sigma, faded out to 3): a flat region or a far edge is left as it was
    near = np.clip(2 - np.abs(dist) / (1.5 * s), 0, 1) * (mag > 0.05 / s)
    # each pixel's colour as its share of the skin's beside it against the background's (CIELAB): alpha rises only
    # over a pixel nearer the skin's colour than the background's, and falls only over one nearer the background's
    # (ramped over 0.3-0.7 of the way): a notch of dark backdrop between an earring and the neck (a warm dark, of
    # the skin's hue) was filled, a black chunk
    clear = (a < 0.02).astype(np.float32)
    back = normalized_blur(lab, clear, s) if clear.any() else lab
    v = fore - back
    t = np.sum((lab - back) * v, -1) / np.maximum(np.sum(v * v, -1), 1e-6)
    if width is None:  # as soft as the photo's own edge: a 2 px ramp across a jaw the photo blurs over 4-6 px left
        # the outermost skin, opaque, with a share of the old background (a thin line of it on the new one)
        new, width = _photo_ramp(t, g, dist, (zone * near > 0.3) & (np.abs(dist) < 0.5), s, fw, spread)
        # a soft ramp lowers skin that is partly the old background (t 0.7-0.95): it may, down to ``slack`` below
        # that share (no cut into the skin), and rises no more than ``slack`` above it, and not over a pixel under
        # 0.15 of the way (ramped to 0.45): no notch of backdrop filled
        new = np.where(new < a, np.maximum(new, np.minimum(a, t - slack)), np.minimum(new, np.maximum(a, t + slack)))
        step = zone * near * (new - a)
        step = np.where(step > 0, step * np.clip((t - 0.15) / 0.3, 0, 1), step)
    else:
        new = np.clip(0.5 + dist / width, 0, 1)
        step = zone * near * (new - a)
        step = np.where(step > 0, step * np.clip((t - 0.3) / 0.4, 0, 1), step * np.clip((0.7 - t) / 0.4, 0, 1))
    # and only as slivers along the outline: a piece of the change reaching past ``bump`` px from the smoothed
    # contour is no block's step but a shape of its own (an earring hanging from the lobe, a notch beside it)
    reach = max(bump * fw, 2.0)
    for sign in (1, -1):
        part = sign * step > 0.1
        if not part.any():
            continue
        n, lab_ = cv2.connectedComponents(part.astype(np.uint8), connectivity=8)
        # how far the outline itself moves there (pixels that change side of 0.5); a soft tail beyond is haze
        flip = part & ((a > 0.5) != (dist > 0))
        far = np.zeros(n, np.float32)
        np.maximum.at(far, lab_[flip], np.abs(dist[flip]))
        drop = part & (far[lab_] > reach + 0.5 * width)  # (width: a float, or the ramp's width at each pixel)
        if drop.any():  # with the ramp round them, so no seam is left at the piece's border
            ring = cv2.dilate(drop.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
            step = np.where(ring & (sign * step > 0), 0.0, step)
    return np.clip(a + step, 0, 1).astype(np.float32)


def _photo_ramp(share: np.ndarray, level: np.ndarray, dist: np.ndarray, points: np.ndarray, s: float, fw: float,
                spread: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`smooth_skin_outline`'s edge as soft as the photo's: alpha across the smoothed outline (``dist``, px
    from it, inside positive) as a Gaussian-blurred step whose sigma is the photo's own (:func:`edge_spread` of
    ``share`` at ``points``), spread along the outline (a normalised blur over 0.05 face widths: the focus changes
    slowly along a jaw, a JPEG block's reading does not count alone) and kept within ``spread``: at least
    ``spread[0]`` px, at most ``spread[1]`` of the outline's smoothing ``s``. Returns the alpha and the ramp's
    10-90 % width (px) at each pixel."""
    from scipy.special import erf

    sig = edge_spread(share, level, points, reach=int(np.clip(round(1.5 * s), 6, 12)))
    ok = np.isfinite(sig)
    lo, hi = spread[0], max(spread[1] * s, spread[0])
    if ok.any():
        ys, xs = np.nonzero(points)
        vals = np.zeros(share.shape, np.float32)
        wts = np.zeros(share.shape, np.float32)
        vals[ys[ok], xs[ok]] = np.log(np.clip(sig[ok], lo, hi))  # (a geometric mean: one wide reading, a
        wts[ys[ok], xs[ok]] = 1.0                                  # shadow's or a strand's, pulls it up less)
        field = np.clip(np.exp(normalized_blur(vals, wts, max(0.05 * fw, 2.0))), lo, hi)
    else:  # no edge of the two colours to read: round 18's 2 px ramp
        return np.clip(0.5 + dist / 2.0, 0, 1).astype(np.float32), np.full(share.shape, 2.0, np.float32)
    new = 0.5 * (1 + erf(dist / (np.sqrt(2) * field)))
    return new.astype(np.float32), (2.563 * field).astype(np.float32)


def _long_hair_sides(alpha: np.ndarray, lm: np.ndarray) -> tuple[bool, bool]:
    """Whether the matte holds hair beside the ear lobes, beyond the ears, per side (across positive, negative).

    A short-haired head ends at the ears, and the shoulders lie lower; long hair hangs on past the lobes, wider than
    the ears.
    """
    H, W = alpha.shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    _, chin, _ = head_extent(lm)
    across, _ = _frame_axes(lm)
    hull = cv2.dilate(_face_hull((H, W), lm).astype(np.uint8), np.ones((3, 3), np.uint8),
                      iterations=max(int(round(0.15 * fw)), 1)) > 0
    depth = _lobe_depth((H, W), lm)
    beside = (depth > -0.05 * fw) & (depth < 0.1 * fw) & ~hull & (alpha > 0.5)
    side = _along((H, W), chin, across) > 0
    return bool((beside & side).sum() > 0.01 * fw * fw), bool((beside & ~side).sum() > 0.01 * fw * fw)


def clothes_edge(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, *, prob: np.ndarray | None = None,
                 reach: float = 0.2, grow: float = 0.5, far: tuple[float, float] = (0.15, 1.0),
                 sure: tuple[float, float] = (0.35, 0.15), shape_sigma: float = 0.02, width: float = 2.0,
                 solid: float = 0.95, support: float = 0.3, snap_eps: float = 5e-3,
                 keep_depth: float = 0.015, messy: float = 3.5, steps: float = 0.1,
                 face_gap: float = 0.3, share: bool = True, cloth_gap: float | None = 0.06,
                 cloth_depth: tuple[float, float] = (0.15, 0.35),
                 flat_range: tuple[float, float] = (0.38, 0.5),
                 near_prob: tuple[float, float] = (0.7, 0.9), top_blur: float = 0.02,
                 strands: np.ndarray | None = None, rise_contrast: float | None = 0.08,
                 far_drawn: float | None = 3.0) -> np.ndarray:
    """A clean, slightly soft outline for the clothes and shoulders below the ear lobes.

    Below the jaw the matte's outline is cloth: a smooth edge, not hair. Yet the segmenter's coarse grid (256 px for
    the whole person) gave a dark suit before a dark neighbour a torn, stair-stepped outline with grey smoke beside
    it (32bit.png), and closed-form matting read navy cloth before blue curtains as a wide band of fur (obama3.jpg).
    Here, on each side below the lobes (a side where the matte holds long hair beside the jaw is left alone):

    - the clothes' colours (the opaque ring 0.03-0.1 face widths inside the outline) and the background's (beyond
      ``far`` face widths outside) give each pixel its odds (:func:`_plain_odds`); where they are ``sure``
      (background odds ramped from ``sure[0]`` to ``sure[1]`` from either end) the colours decide within ``reach``
      face widths of the outline, and cloth of the clothes' colours joined to the person is added up to ``grow``
      face widths out, where the segmenter (``prob``) gives it at least ``support`` (a shoulder GrabCut lost);
    - elsewhere (a dark suit before a dark neighbour) the matte's own shape decides, smoothed by ``shape_sigma`` face
      widths (no grid steps);
    - the decision is snapped to the photo's edges by a colour guided filter (radius 2 px) and drawn as an edge
      ``width`` px wide (from its level set: no smoke, no fur);
    - opaque person (alpha ``solid`` or more, deeper than 0.03 face widths) is never taken out: a white collar
      before a light wall stays.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB; not modified.
    alpha : ndarray
        ``(H, W)`` alpha; not modified.
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    prob : ndarray, optional
        ``(H, W)`` the segmenter's person probability; None: nothing is added beyond ``reach``.
    face_gap : float
        Nothing within this many face widths of the face (the jaw's and the ears' hull, in the head's own frame:
        a tilted head's jaw reaches below the lobes) is touched, and skin of the cheeks' colour joined to the face
        (a neck, a jaw the landmarks missed) never loses alpha.
    share : bool
        On the new edge, a pixel gets no more alpha than its colour's share between the clothes' and the
        background's local colours (plus 0.1), where those differ: no line of the old backdrop's colour.
    cloth_gap : float or None
        Below the lobes (the gap shrinks from ``face_gap`` at ``cloth_depth[0]`` face widths under the lobes to this at
        ``cloth_depth[1]``) the rule reaches on to this many face widths from the face's hull: the collar ring of a
        tight crop, where a suit's shoulder meets the jaw (32bit.png: a lost lapel, smoke on the shoulder). There it
        only adds cloth the segmenter (``prob``) is sure of (ramped over ``near_prob``) and takes out soft alpha
        (below ``solid``) only on a shoulder's top (:func:`_shoulder_top`, ramped over ``flat_range``): never the
        neck's steep, lit side or the underside of a jaw. None: ``face_gap`` everywhere (the rule of round 12).
    top_blur : float
        The shoulder-top weight is blurred by this many face widths, so the drawn edge hands over to the soft one
        kept beside it gradually (no step where a shoulder meets a steeper collar).
    strands : ndarray, optional
        ``(H, W)`` weight in [0, 1] of loose strands of hair the photo's colours found (:func:`strand_band`): there
        the outline is hair: the edge takes no alpha from it (it may still fill specks). A side counts as long-haired only where its hair is opaque beside the
        lobes; a ponytail's loose strands hanging by the neck, 0.1-0.4 each, were drawn over as the cloth's smoke
        (scarlett_4.jpg linkedin: the strands ended at the lobe's height).
    rise_contrast : float or None
        Where the drawn edge gives a pixel more alpha than the matte did, it gives at most the pixel's colour share
        between the clothes' and the background's local colours (as ``share``, 0 for the background's own colour),
        wherever those differ by ``rise_contrast`` or more (sRGB distance; fully from that, nothing below half of
        it), a lower bar than ``share``'s 0.15: a neck before a wall of nearly the skin's colour differs from it
        by 0.1-0.13, and the colours' odds, learnt from the skin and from the wall far out, called the wall beside
        the neck cloth (yangmi_4.jpg environmental: a pale strip of the old wall, 2-4 px, 12 px at the shoulder,
        drawn outside the neck's edge). None: no such cap (the rule of round 15).
    far_drawn : float or None
        In the collar ring the drawn edge only takes soft alpha away (on a shoulder's top); where it calls a soft
        pixel (alpha under 0.5) more than ``far_drawn`` times ``width`` px beyond the matte's opaque outline (and no
        shoulder put back) the person, it is not believed there: the colour guided filter snaps the decision to
        the photo's strong edges, and a dark gap beside a lit neighbour's blurred neck drew a thin opaque line
        the haze kept (tom_cruise_tight.jpg linkedin: a dark fleck 3 x 15 px above the shoulder, round 20). None:
        off.

    Returns
    -------
    ndarray
        ``(H, W)`` float32 alpha.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), 0.8, np.float32); img[300:, 100:400] = (0.1, 0.1, 0.2)   # a dark suit
    >>> a = np.zeros((512, 512), np.float32); a[300:, 100:400] = 1; a[300:, 400:440] = 0.4     # grey smoke beside it
    >>> b = clothes_edge(img, a, lm)
    >>> float(b[450, 420]), float(b[450, 300])
    (0.0, 1.0)
    """
    img = check_image(pixels)
    a = np.asarray(alpha, np.float32)
    lm = check_landmarks(landmarks)
    H, W = a.shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    across, _ = _frame_axes(lm)
    _, chin, _ = head_extent(lm)
    lobes = _lobe_depth((H, W), lm)
    zone = np.clip(lobes / max(0.1 * fw, 1.0), 0, 1) * ~_face_hull((H, W), lm)
    # not the earrings hanging from the lobes
    for p in (lm[2], lm[14]):
        yy, xx = np.mgrid[0:H, 0:W]
        zone = zone * np.clip((np.hypot(xx - p[0], yy - p[1]) / fw - 0.25) / 0.05, 0, 1)
    # never the face: its jaw and ears (a tilted head's jaw reaches below the lobes' line), nor what lies within
    # ``face_gap`` face widths of them
    near_face = _face_guard((H, W), lm, face_gap)
    # ``full``: where the rule acts both ways (the clothes' colours are learnt there too); ``zone`` reaches on to the
    # collar ring, ``cloth_gap`` from the face, where it only adds a shoulder or takes a shoulder's smoke
    full = zone * _collar_gap(lm, lobes, near_face, face_gap, None, cloth_depth)
    zone = zone * _collar_gap(lm, lobes, near_face, face_gap, cloth_gap, cloth_depth)
    side = _along((H, W), chin, across) > 0
    for sd, long_hair in zip((side, ~side), _long_hair_sides(a, lm)):
        if long_hair:
            zone = zone * ~sd
            full = full * ~sd
    if not (zone > 0.5).any():
        return a.copy()
    inside = a > 0.5
    d_in = cv2.distanceTransform(inside.astype(np.uint8), cv2.DIST_L2, 5)
    d_out = cv2.distanceTransform(1 - inside.astype(np.uint8), cv2.DIST_L2, 5)
    zb = zone > 0.5
    P = np.full((H, W), 0.5, np.float32)  # background odds
    for sd in (side, ~side):
        person = (full > 0.5) & sd & (a > 0.98) & (d_in > 0.03 * fw) & (d_in <= 0.1 * fw)
        back = (lobes > 0) & sd & (d_out > far[0] * fw) & (d_out < far[1] * fw) & (a < 0.02)
        if person.sum() >= 50 and back.sum() >= 50:
            P[sd] = _plain_odds(img, person, back, fw)[sd]
    conf = np.clip((np.abs(P - 0.5) - (0.5 - sure[0])) / (sure[0] - sure[1]), 0, 1)
    band = np.clip(1 - np.minimum(d_in, d_out) / max(reach * fw, 1.0), 0, 1)
    grown = np.zeros((H, W), bool)
    if prob is not None:  # cloth of the clothes' colours joined to the person, that the segmenter also saw
        r = max(int(round(0.04 * fw)), 1)  # a shoulder, not a thin rim of something beside the neck
        cloth = (conf > 0.9) & (P < 0.5) & zb & (d_out < grow * fw) & (np.asarray(prob, np.float32) > support)
        cloth = cv2.morphologyEx(cloth.astype(np.uint8), cv2.MORPH_OPEN,
                                 cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
        n, lab = cv2.connectedComponents(((cloth > 0) | (d_in > 2)).astype(np.uint8), connectivity=8)
        held = np.unique(lab[d_in > 2])
        grown = np.isin(lab, held[held > 0]) & (cloth > 0)
    # the colours add only to the matte's own soft edge, or a shoulder found above
    conf = np.where(P < 0.5, conf * ((a > 0.02) | grown), conf)
    band = np.maximum(band, gauss(grown.astype(np.float32), 1.0))
    decided = conf * band
    D = gauss(decided * (P < 0.5) + (1 - decided) * gauss(a, max(shape_sigma * fw, 1.0)), 1.0)
    from candid.face.person import guided_coefficients

    ca, cb = guided_coefficients(img, D.astype(np.float32), 2, snap_eps)
    q = gauss(np.einsum("hwc,hwc->hw", ca, img) + cb, 1.0)  # (no grain of the cloth's weave in the outline)
    gy, gx = np.gradient(q)
    clean = np.clip(0.5 + (q - 0.5) / np.maximum(np.hypot(gx, gy) * width, 1e-3), 0, 1)
    # opaque person deeper than a few px is kept (the colours may call a white collar the light wall)
    keep = (a >= solid) & (d_in > keep_depth * fw)
    clean = np.where(keep, np.maximum(clean, a), clean)
    # only where the outline is untidy: a soft band wider than ``messy`` px on average (smoke, fur), or a shoulder
    # put back; a clean 1-2 px edge is left as the matting drew it
    soft = ((a > 0.05) & (a < 0.95)).astype(np.float32)
    rim = (cv2.dilate(inside.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0) & ~inside
    r_m = max(0.05 * fw, 2.0)
    rim_d = np.maximum(gauss(rim.astype(np.float32), r_m), 1e-3)
    untidy = np.clip((gauss(soft, r_m) / rim_d - messy) / messy, 0, 1)
    # or stair-stepped: many outline pixels change side when the outline is smoothed (the segmenter's grid)
    flips = ((gauss(inside.astype(np.float32), max(shape_sigma * fw, 1.0)) > 0.5) != inside).astype(np.float32)
    untidy = np.maximum(untidy, np.clip((gauss(flips, r_m) / rim_d - steps) / steps, 0, 1))
    untidy = np.maximum(gauss(untidy, r_m), gauss(grown.astype(np.float32), 1.0))
    w = zone * untidy * np.maximum(np.minimum(d_in, d_out) < reach * fw + 2, grown)
    drawn = clean  # (before the share cap: the ring takes out only what the drawn edge leaves out)
    if far_drawn is not None:  # (the ring's take-out only) a thin line of "person" the guided filter drew along a
        # strong edge of the backdrop, far beyond the matte's opaque outline, is no cloth's edge: the haze over it
        # would stay as a fleck (a shoulder's real edge lies within a few px of the opaque person, or was put back)
        drawn = np.where((d_out > far_drawn * width) & ~grown & (a < 0.5), 0.0, drawn).astype(np.float32)
    if share or rise_contrast is not None:  # the person's and the old backdrop's local colours, each pixel's share
        r_s = max(0.05 * fw, 2.0)
        # (``clean`` reaches the output only where w > 0, and there through 1 px blurs of ``on`` and ``cap`` (4 px
        # reach): F and B are made only around those pixels, the same values on them; round 18's speed)
        used = cv2.dilate((w > 0).astype(np.uint8), np.ones((11, 11), np.uint8)) > 0
        F = normalized_blur_on(img, (a > 0.98) & (d_in > 2) & (d_in < 0.1 * fw), r_s, used)
        B = normalized_blur_on(img, (a < 0.02) & (d_out > 2) & (d_out < 0.2 * fw), r_s, used)
        d_fb, n2, mix_u = _share_along(img, F, B)
        mix = np.clip(mix_u, 0, 1)
    if share:  # the new edge's pixels of the old backdrop's colour get no more alpha than their colour's share
        edge = (clean > 0.02) & (clean < 0.98) & ~keep & (n2 > 0.15 ** 2)
        clean = np.where(edge, np.minimum(clean, mix + 0.1), clean)
    if rise_contrast is not None:
        # nor does the drawn edge raise a pixel of the backdrop's colour above the matte's alpha, where the two
        # colours differ less (a neck before an orange wall of nearly its colour, 0.1-0.13 apart): the odds,
        # learnt from the skin inside and the wall far out, called the wall beside the neck cloth and the edge
        # was drawn 2-4 px out in the wall, a pale strip on the new backdrop (yangmi_4.jpg environmental). The
        # cap is 0 on the wall's own colour (twice the share below 0.1), the share plus 0.1 above. Only on the
        # F - B line (off it by under 0.15 of F - B, nothing from 0.3): the neck's shaded side and its dark contour
        # line are darker than both, a third colour whose share along the line reads as the wall's (yangmi_4
        # linkedin: skin 0.74/0.51/0.34 beside 0.83/0.61/0.47 and a wall of 0.86/0.59/0.37 read as share 0, and
        # the neck's edge stayed 4-7 px inside the photo's)
        cap = np.where(mix < 0.1, 2 * mix, mix + 0.1)
        fb = np.sqrt(n2)
        off = np.linalg.norm(img - B - mix_u[..., None] * d_fb, axis=-1) / np.maximum(fb, 1e-3)
        on = np.clip((fb - 0.5 * rise_contrast) / (0.5 * rise_contrast), 0, 1) * np.clip((0.3 - off) / 0.15, 0, 1)
        # And only for a pixel that no shadow of the person makes: a channel above F's, by half the backdrop's own
        # lead over F in its strongest channel or more (nothing below a quarter). A shadow only darkens, so skin
        # in the shade of a neck turning away is below F in every channel, and where the backdrop is darker its
        # share along the line cannot tell the two apart (yangmi_4 linkedin: shaded skin 0.79/0.54/0.40 beside
        # 0.83/0.62/0.48, by a wall of 0.81/0.53/0.34, became a grey streak inside the neck); the wall by the
        # neck is redder than the skin (0.88 against 0.83), however alike the two are in brightness
        lead = (B - F).max(-1)
        over = (img - F).max(-1) / np.maximum(lead, 1e-3)
        on = on * np.clip((over - 0.25) / 0.25, 0, 1) * (lead > 0.02) * ~keep
        # and only where the person's local colour is skin (the cheeks' median colour, CIELAB within 20, nothing
        # from 30; yangmi_4's neck 6-9 from her cheeks, 20-25 beside the ponytail; a tolerance of 3 of the cheeks'
        # spreads let 32bit's dark suit, 64 from cheeks of spread 12.7, in at 0.3, and lecun's jacket): the rule
        # is for a neck before a wall of nearly its colour; by a white collar F mixes the collar, the suit and the
        # skin, and the collar's drawn edge was eaten (obama3.jpg)
        cheek = _cheek_colour(cv2.cvtColor(np.clip(img, 0, 1).astype(np.float32), cv2.COLOR_RGB2LAB), lm)
        if cheek is None:
            on = np.zeros_like(on)
        else:
            f_lab = cv2.cvtColor(np.clip(F, 0, 1).astype(np.float32), cv2.COLOR_RGB2LAB)
            on = on * np.clip((30.0 - np.linalg.norm(f_lab - cheek[0], axis=-1)) / 10.0, 0, 1)
        # the tests read single pixels: blurred by a pixel, so grain on a wall that drifts towards the skin's
        # colour leaves no speckle of capped and uncapped pixels (yangmi_4's wall by the shoulder, 0.87 -> 0.81 red)
        on = np.minimum(gauss(on.astype(np.float32), 1.0), on + 0.5) * ~keep
        cap = np.maximum(gauss(cap.astype(np.float32), 1.0), cap)
        clean = clean - on * np.maximum(clean - np.maximum(a, cap), 0)
    w_full = w * np.clip(full / np.maximum(zone, 1e-6), 0, 1)
    # in the collar ring: cloth is added only where the segmenter is sure of the person (not a pale wall under the
    # chin), and soft alpha is taken only on a shoulder's top, by the drawn edge (not the neck's soft, lit side, nor
    # the underside of a jaw)
    sure_person = np.zeros((H, W), np.float32) if prob is None else \
        np.clip((np.asarray(prob, np.float32) - near_prob[0]) / max(near_prob[1] - near_prob[0], 1e-3), 0, 1)
    # a dip of the segmenter's sureness ringed by sure person is no edge: filled, or the lapel put back kept a
    # see-through patch there (32bit.png: prob 0.85 inside the suit, alpha 0.77, a grey fleck on every backdrop)
    sure_person = fill_dips(sure_person)
    # (blurred along the outline: where a shoulder's flat top turns into a steeper collar the weight switched from
    # 1 to 0 within a pixel or two, so the drawn edge ended in a step against the soft one kept beside it, biden.jpg)
    shoulder_top = gauss(_shoulder_top(a, lm, flat_range), max(top_blur * fw, 1.0)) * (a < solid)
    out = a + w_full * (clean - a) + (w - w_full) * (sure_person * np.maximum(clean - a, 0)
                                                      + shoulder_top * np.minimum(drawn - a, 0))
    # skin joined to the face (a neck, a jaw the landmarks missed) never loses alpha
    skin = _skin_by_face(img, lm, near_face <= 0, back=(a < 0.02) & (near_face < 0.5 * fw))
    out = np.where(skin & (near_face < 0.3 * fw), np.maximum(out, a), out)
    if strands is not None:  # loose strands of hair are no cloth's smoke: what the edge took from them is given back
        # (only that: specks the drawn edge filled in a sweater's rim beside a light fibre stay filled, hinton.jpeg)
        out = out + np.clip(np.asarray(strands, np.float32), 0, 1) * np.maximum(a - out, 0)
    return out.astype(np.float32)


def _shoulder_top(alpha: np.ndarray, lm: np.ndarray, cosines: tuple[float, float]) -> np.ndarray:
    """How much the matte's outline is the top of a shoulder (0-1): the person below it, the outline running across
    the body, not down it (a neck's side) and not the underside of a jaw or chin (the person above it).

    The cosine between alpha's gradient (alpha smoothed by 0.03 face widths) and the head's down axis, ramped from
    ``cosines[0]`` (0) to ``cosines[1]`` (1).
    """
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    _, down = _frame_axes(lm)
    gy, gx = np.gradient(gauss(np.asarray(alpha, np.float32), max(0.03 * fw, 1.0)))
    cos = (gx * down[0] + gy * down[1]) / np.maximum(np.hypot(gx, gy), 1e-9)
    return np.clip((cos - cosines[0]) / max(cosines[1] - cosines[0], 1e-3), 0, 1).astype(np.float32)


def _collar_gap(lm: np.ndarray, lobes: np.ndarray, near_face: np.ndarray, face_gap: float, cloth_gap: float | None,
                depth: tuple[float, float]) -> np.ndarray:
    """Weight (0-1) by the distance ``near_face`` (px) from the face's hull: 0 within the gap, 1 beyond it.

    The gap is ``face_gap`` face widths by the ears, down to ``depth[0]`` face widths below the lobes (``lobes``:
    :func:`_lobe_depth`), and shrinks to ``cloth_gap`` by ``depth[1]``; None: ``face_gap`` everywhere.
    """
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    gap = face_gap if cloth_gap is None else \
        face_gap + np.clip((lobes / fw - depth[0]) / max(depth[1] - depth[0], 1e-3), 0, 1) * (cloth_gap - face_gap)
    return np.clip((near_face - gap * fw) / max(0.05 * fw, 1.0), 0, 1)


def _face_guard(shape: tuple[int, int], lm: np.ndarray, gap: float) -> np.ndarray:
    """Distance (px) from the face: the hull of the jaw (landmarks 0-16) and of both ears, which reach 0.15 face
    widths out from the jaw's top three points on each side, in the head's own (rotated) frame; 0 inside."""
    H, W = shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    across, _ = _frame_axes(lm)
    ears = [lm[i] - 0.15 * fw * across for i in (0, 1, 2)] + [lm[i] + 0.15 * fw * across for i in (14, 15, 16)]
    pts = np.vstack([lm[:17], np.array(ears)]).astype(np.float32)
    m = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(m, cv2.convexHull(pts).astype(np.int32), 1)
    return cv2.distanceTransform(1 - m, cv2.DIST_L2, 5)


def _cheek_colour(lab: np.ndarray, lm: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The cheeks' median CIELAB colour (discs of 0.06 face widths between the jaw and the nose or the mouth's
    corners) and its spread (the median distance from it), or None when the discs hold under 10 pixels."""
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    cheeks = np.zeros(lab.shape[:2], np.uint8)
    for i, j in ((1, 31), (15, 35), (4, 48), (12, 54)):  # between the jaw and the nose / the mouth's corners
        c = (lm[i] + lm[j]) / 2
        cv2.circle(cheeks, (int(round(c[0])), int(round(c[1]))), max(int(round(0.06 * fw)), 1), 1, -1)
    cheeks = cheeks.astype(bool)
    if cheeks.sum() < 10:
        return None
    ref = lab[cheeks]
    med = np.median(ref, 0)
    return med, float(np.median(np.linalg.norm(ref - med, axis=1)))


def _skin_by_face(img: np.ndarray, lm: np.ndarray, face: np.ndarray, tol: float = 3.0,
                  back: np.ndarray | None = None) -> np.ndarray:
    """Pixels of the cheeks' colour (CIELAB, within ``tol`` spreads, at least 8) joined to the ``face`` mask,
    widened by 2 px (the mixed pixels of the skin's own edge); none where the ``back`` pixels' median colour is
    the skin's too (a wall of the skin's colour is no skin)."""
    lab = cv2.cvtColor(np.clip(img, 0, 1).astype(np.float32), cv2.COLOR_RGB2LAB)
    cheek = _cheek_colour(lab, lm)
    if cheek is None:
        return np.zeros(face.shape, bool)
    med, spread = cheek
    like = np.linalg.norm(lab - med, axis=2) < max(tol * spread, 8.0)
    if back is not None and back.sum() >= 50 and like[back].mean() > 0.5:
        return np.zeros(face.shape, bool)
    n, lab_ = cv2.connectedComponents((like | face).astype(np.uint8), connectivity=8)
    held = np.unique(lab_[face])
    joined = np.isin(lab_, held[held > 0]) & like
    return cv2.dilate(joined.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0


def face_skin(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, *, reach: float = 0.1,
              ring: tuple[float, float] = (0.01, 0.06), separation: float = 2.5, least: int = 30,
              with_hull: bool = True, near: float | None = 0.05, sure: tuple[float, float] = (0.8, 1.0)) -> np.ndarray:
    """Weight (0-1) of the face's own skin: the jaw's hull (landmarks 0-16) and, within ``reach`` face widths
    outside it above the chin, pixels of the cheek's colour rather than the backdrop's, joined to the hull.

    :func:`matte` lets the segmenter's doubt (its prior ramp) dim none of it. On a pale face before a pale backdrop
    the segmenter draws a turned face's far cheek along the mouth's corner, 5-10 px inside the real contour (and
    inside the landmarks' own jaw line): the prior then cut away the cheek and jaw the matting had kept opaque.

    On each side of the nose, between its tip and the chin, the skin's colours are sampled in a ring just inside
    the hull (``ring`` face widths deep, ``alpha`` opaque) and the backdrop's beside it (``alpha`` 0, within 0.2
    face widths); the zone is from the eyes down to the chin. A Fisher
    discriminant in CIELAB gives each pixel its share ``t`` of the way from the backdrop's mean to the skin's,
    ramped 0.3-0.7 to the weight, and only for colours near the line from the one to the other (no lips, no red
    stripe beside the cheek). A side whose two colour sets are less than ``separation`` pooled spreads apart
    (or have fewer than ``least`` samples) keeps only the hull: there colour cannot tell the cheek from the wall.
    ``with_hull=False``: the skin alone as an alpha, inside the hull as outside it (``t`` ramped over ``sure``; the lips
    and eyes get none). With ``near`` (face widths) that alpha is given only where the discriminant was trained: the
    rows from the nose's tip to the chin (faded in over 0.05 face widths below the tip) and within ``near`` of the
    hull. Above the tip the cheek's colour model reads a warm wall beside the ear as skin (biden.jpg's orange
    bokeh over his ear's rim) and the temple's pale backdrop beside the eye's corner as cheek (a block with a flat
    top at the eyes' line on liuyifei.png). ``near=None``: round 16's zone (from the eyes down, ``reach`` wide).
    That alpha is ``t`` ramped over ``sure`` (round 16: 0.1-0.9): only a colour surely the skin's is made opaque.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), (0.6, 0.7, 0.8), np.float32)  # a blue-grey backdrop
    >>> ys, xs = np.mgrid[:512, :512]
    >>> face = (xs - 225) ** 2 / 52 ** 2 + (ys - 130) ** 2 / 58 ** 2 < 1
    >>> img[face] = (0.78, 0.7, 0.7)  # pale skin, its cheek 8 px wider than the landmarks' jaw
    >>> w = face_skin(img, face.astype(np.float32), lm)
    >>> float(w[140, 225]), float(w[150, 270]), float(w[150, 285]), float(w[30, 480])  # hull, cheek, backdrop
    (1.0, 1.0, 0.0, 0.0)
    """
    lm = check_landmarks(landmarks)
    img = check_image(pixels)
    a = np.asarray(alpha, np.float32)
    H, W = a.shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    hull = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(lm[:17].astype(np.float32)).astype(np.int32), 1)
    d_out = cv2.distanceTransform(1 - hull, cv2.DIST_L2, 5)
    d_in = cv2.distanceTransform(hull, cv2.DIST_L2, 5)
    across, down = _frame_axes(lm)
    _, chin, _ = head_extent(lm)
    above_chin = _along((H, W), chin, down) < 0
    # beside the cheeks and the jaw only (from the eyes down): higher up, temples and hair are no skin
    zone = (d_out > 0) & (d_out <= reach * fw) & above_chin & (_along((H, W), lm[36:48].mean(0), down) > 0)
    # the colours are sampled from the nose's tip to the chin: above it the ring inside the hull holds the eyes,
    # the brows and the hair at the temple (its spread hid the cheek's difference from a pale backdrop)
    low = above_chin & (_along((H, W), lm[33], down) > 0)
    low_zone = above_chin & (_along((H, W), lm[36:48].mean(0), down) > 0)
    lab = cv2.cvtColor(np.clip(img, 0, 1).astype(np.float32), cv2.COLOR_RGB2LAB)
    right = _along((H, W), lm[30], across) > 0
    share = np.zeros((H, W), np.float32)
    linear = np.zeros((H, W), np.float32)
    for side in (right, ~right):
        skin = lab[(d_in >= ring[0] * fw) & (d_in <= ring[1] * fw) & side & low & (a > 0.98)]
        back = lab[(a < 0.02) & (d_out > 0) & (d_out < 0.2 * fw) & side & low]
        if len(skin) < least or len(back) < least:
            continue
        ms, mb = np.median(skin, 0), np.median(back, 0)  # medians: a strand or an earring in the ring is no skin
        pooled = 0.5 * (np.cov(skin.T) + np.cov(back.T)) + 1e-3 * np.eye(3)
        w = np.linalg.solve(pooled, ms - mb)
        gap = float((ms - mb) @ w)
        if gap <= 0 or gap / np.sqrt(max(float(w @ pooled @ w), 1e-12)) < separation:
            continue  # (Fisher distance: the skin's and the backdrop's colours overlap here)
        where = side & (zone | ((hull > 0) & low_zone))
        x = lab[where]
        t = ((x - mb) @ w) / gap
        # only the skin, the backdrop and their mixes: a colour off the line between the two (lips, a red stripe
        # beside the cheek) is neither, however far along it lies (in pooled spreads, ramped 6-9)
        off = x - (mb + np.clip(t, 0, 1)[:, None] * (ms - mb))
        r = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", off, np.linalg.inv(pooled), off), 0))
        gate = np.clip((9.0 - r) / 3.0, 0, 1)
        share[where] = np.clip((t - 0.3) / 0.4, 0, 1) * gate
        # as an alpha, only where the colour is surely the skin's (share ramped over ``sure``): a mixed edge pixel is
        # the matting's to weigh (ramped from 0.1 as in round 16, the known-alpha scene's beige wall beside the jaw,
        # a third of the way to the skin's colour, rose to 0.3-0.6: SAD 0.836 -> 0.884)
        linear[where] = np.clip((t - sure[0]) / (sure[1] - sure[0]), 0, 1) * gate
    # only skin joined to the face through skin: no patch of a like colour further out
    n, lab_ = cv2.connectedComponents(((share > 0.5) | (hull > 0)).astype(np.uint8), connectivity=8)
    held = np.unique(lab_[hull > 0])
    joined = np.isin(lab_, held[held > 0])
    if not with_hull:  # the skin alone, inside the hull too (no lips, eyes or hair over the cheek), as an alpha:
        # the edge's mixed pixels at their share (ramped to opaque, they carried the old backdrop: a grey line
        # along hinton's jaw)
        # (closed over 0.03 face widths: the lipstick's blush beside the mouth's corner lies off the skin-backdrop
        # line and left dips of 0.5-0.7 in memorial's cheek, specks of the new backdrop seen through it)
        r_c = max(int(round(0.03 * fw)), 1)
        disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r_c + 1, 2 * r_c + 1))
        keep = (zone | (hull > 0)) * 1.0
        if near is not None:  # only where the colours were sampled (nose tip to chin), near the jaw's hull
            below_tip = np.clip(_along((H, W), lm[33], down) / max(0.05 * fw, 1.0), 0, 1) * above_chin
            keep = keep * below_tip * ((hull > 0) | (d_out <= near * fw))
        return np.minimum(cv2.morphologyEx((linear * joined).astype(np.float32), cv2.MORPH_CLOSE, disk),
                          keep).astype(np.float32)
    return np.maximum(hull.astype(np.float32), share * joined).astype(np.float32)


def _closed_on(a: np.ndarray, kernel: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``a`` closed by ``kernel`` on the ``where`` pixels (``a`` itself elsewhere), made on the crop around them.

    A closing reads one kernel radius for its dilation and one more for its
    erosion, so a crop grown by twice the radius gives the same values on
    ``where`` (max and min are exact); round 18's speed: a 107 px closing of
    a 6 MP photo's alpha for the temples alone (pengwei.jpg, 4-7 s).

    Examples
    --------
    >>> a = np.ones((60, 80), np.float32); a[20:40, 10:13] = 0; a[20:40, 70:73] = 0
    >>> k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))
    >>> where = np.zeros((60, 80), bool); where[15:45, 5:20] = True
    >>> full = cv2.morphologyEx(a, cv2.MORPH_CLOSE, k)
    >>> out = _closed_on(a, k, where)
    >>> bool((out[where] == full[where]).all()), bool((out[~where] == a[~where]).all())
    (True, True)
    """
    if not filters.FAST_PATHS:
        return np.where(where, cv2.morphologyEx(a, cv2.MORPH_CLOSE, kernel), a).astype(a.dtype)
    y0, y1, x0, x1 = filters.box_around(where, 2 * (max(kernel.shape) // 2) + 2)
    out = a.copy()
    closed = cv2.morphologyEx(np.ascontiguousarray(a[y0:y1, x0:x1]), cv2.MORPH_CLOSE, kernel)
    out[y0:y1, x0:x1] = np.where(where[y0:y1, x0:x1], closed, a[y0:y1, x0:x1])
    return out


def temple_notches(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, prob: np.ndarray, *,
                   reach: float = 0.15, close: float = 0.06, sure: float = 0.9, odds: float = 0.85,
                   mass: float = 0.5, hug: float = 0.05) -> np.ndarray:
    """Fill a narrow notch the matting cut into the side of the head between the temple and the ear.

    Dark hair beside the temple before a dark wall has no colour of its own:
    GrabCut and closed-form matting give it the wall's answer, and the
    outline gets a notch between the sideburn and the top of the ear
    (2008_002506.jpg: 0.1-0.25 over ~10 x 17 px of the crop, which the
    composite showed as a pale blob of the new backdrop inside the head).
    In the head's zone beside the face's side (within ``reach`` face widths
    of the jaw's and brows' hull, inside :func:`skull`, above the ear
    lobes), where the segmenter is sure of the person (``prob`` above
    ``sure``) and the colour is not one only the background holds
    (:func:`background_odds` under ``odds``), alpha is raised to its
    morphological closing by a disc of ``close`` face widths: a concave
    notch narrower than the disc is filled, a convex outline (the head's
    own soft edge) is left as it is, and so is a gap the colours show as
    background (a light wall above an ear that stands out). A filled piece
    must miss at least ``mass`` times the disc's radius squared of alpha
    (summed): the specks between see-through strands of grey hair
    (2008_001322.jpg: pieces of 0.01-3.9, 1-19 px) are the hair's own
    texture; the notch missed 65 (155 px), the threshold there is 18.
    And it must lie against the face's side, in front of the ear: the
    mean distance of its missing alpha from the hull is at most ``hug``
    face widths (2008_002506's notch: 0.031, 74 % of it within 0.05). The
    gap behind a standing-out ear is beyond the ear (tom_cruise_tight.jpg:
    the dark shadow between the back of the ear and a lock of hair, 0.097,
    none of it within 0.05; filled, it was a dark blob behind the ear).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), 0.1, np.float32)
    >>> a = skull((512, 512), lm).astype(np.float32)
    >>> x = int(lm[16, 0]) - 2; y = int(lm[16, 1])
    >>> a[y - 4:y + 4, x:x + 7] = 0.1         # a narrow notch against the face's side, beside the temple
    >>> out = temple_notches(img, a, lm, np.ones((512, 512), np.float32))
    >>> round(float(a[y, x + 2]), 2), round(float(out[y, x + 2]), 2)
    (0.1, 1.0)
    >>> bool((temple_notches(img, a, lm, np.zeros((512, 512), np.float32)) == a).all())   # the segmenter unsure
    True
    """
    a = np.asarray(alpha, np.float32)
    lm = check_landmarks(landmarks)
    H, W = a.shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    from_face = cv2.distanceTransform((~_face_hull((H, W), lm)).astype(np.uint8), cv2.DIST_L2, 5) / max(fw, 1.0)
    side = from_face < reach
    zone = side & skull((H, W), lm) & (_lobe_depth((H, W), lm) < 0) & (np.asarray(prob, np.float32) > sure)
    if not zone.any():
        return a
    r = max(int(round(close * fw)), 1)
    closed = _closed_on(a, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2), zone)
    fill = zone & (closed > a + 0.01)
    if not fill.any():
        return a
    bg_odds = background_odds(pixels, a > 0.98, a < 0.02, fw)
    if bg_odds is not None:  # a gap of a colour only the background holds is a real gap
        fill &= bg_odds < odds
    n, labels = cv2.connectedComponents(fill.astype(np.uint8), connectivity=8)
    if n > 1:  # a notch, not the specks between loose strands
        gain = np.where(fill, closed - a, 0).ravel()
        missing = np.bincount(labels.ravel(), weights=gain, minlength=n)
        # (where the missing alpha lies: against the face's side, or beyond the ear)
        at = np.bincount(labels.ravel(), weights=gain * from_face.ravel(), minlength=n) / np.maximum(missing, 1e-9)
        fill &= ((missing >= mass * r * r) & (at <= hug))[labels]
    return np.where(fill, closed, a).astype(np.float32)


def crown_at_top(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, *, band: float = 0.2,
                 reach: float = 0.1, tol: float = 0.25, touch: float = 0.05, mass: float = 0.04) -> np.ndarray:
    """Continue the crown's outline where the hair runs into the image's top edge: no notch at the border.

    Above the head the image ends, so there is no backdrop for the matting to learn from and the segmenter
    is unsure along its border: where dark hair meets a dark backdrop, both cut the crown's outline down
    into a notch just below the top edge (yangmi_6.jpg: the segmenter's 0.5 contour bends 30 px inwards in
    the top 14 rows, GrabCut and the matting read the dark hair between the lit strands of the part as
    backdrop, alpha 0 and 0.3-0.5 there), which showed in every style as a light wedge of the new backdrop
    at the crown. Where the subject's head (its piece of ``alpha > 0.5``, above the brows, within 1.2 face
    widths of the face's middle) meets row 0 along at least ``touch`` face widths, its outline in the top
    ``band`` face widths is taken as the convex hull of that piece there (a head is round: the bite is the
    border's doing). A bite is a piece of the hull's inside, within ``reach`` face widths of the head, that
    the matte leaves below 0.5, of at least (``mass`` face widths) squared pixels (the hull's side along a
    round crown's pixel staircase is none). A bite and the soft alpha joined to it inside the hull are raised
    to the hull's alpha (soft along its side), only where the colours cannot tell hair from backdrop: the
    median distance of the hair's and the backdrop's local means over the piece is at most ``tol`` (sRGB).
    Where they can, the matting's outline is the colours' answer (curls before a wall of another colour, a
    light gap between them) and stays. A head that does not reach the top edge is left as it is.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), 0.05, np.float32)
    >>> a = skull((512, 512), lm).astype(np.float32)                   # the head runs into the top edge
    >>> a[:12, 200:210] = 0.0                                          # a bite just below the border
    >>> out = crown_at_top(img, a, lm)
    >>> float(a[5, 205]), round(float(out[5, 205]), 2)
    (0.0, 1.0)
    >>> img[:12, 200:210] = 0.9                                        # a light wall, unlike the dark hair
    >>> float(crown_at_top(img, a, lm)[5, 205])
    0.0
    """
    a = np.asarray(alpha, np.float32)
    lm = check_landmarks(landmarks)
    H, W = a.shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    b = int(round(band * fw))
    brows = float(lm[17:27, 1].min())
    if b < 3 or brows <= 0:
        return a
    cx = float(lm[27:31, 0].mean())
    xs = np.arange(W)
    corridor = np.abs(xs - cx) <= 1.2 * fw
    piece = _subject_piece(a, lm)
    piece[min(b, int(brows)) + 1:] = False
    piece[:, ~corridor] = False
    if int(piece[0].sum()) < max(touch * fw, 3):
        return a
    ys, xs_p = np.nonzero(piece)
    hull = np.zeros((H, W), np.uint8)
    pts = np.stack([xs_p, ys], 1).astype(np.int32)
    # drawn at 4x sub-pixel precision and blurred by a pixel: the hull's side is a soft outline, not a drawn line
    cv2.fillConvexPoly(hull, cv2.convexHull(pts) * 4, 255, lineType=cv2.LINE_AA, shift=2)
    inside = gauss(hull.astype(np.float32) / 255, 1.0)
    inside[min(b, int(brows)) + 1:] = 0.0
    near = cv2.distanceTransform((~piece).astype(np.uint8), cv2.DIST_L2, 5) <= reach * fw
    # a bite, not the hull's soft side along a pixel staircase of a round crown: the hull's inside (its pixel
    # centres) that the matte leaves below 0.5, a piece of at least (``mass`` face widths) squared
    bite = (hull >= 128) & (a < 0.5) & near
    n, labels = cv2.connectedComponents(bite.astype(np.uint8), connectivity=8)
    if n < 2:
        return a
    area = np.bincount(labels.ravel(), minlength=n)
    keep = area >= (mass * fw) ** 2
    keep[0] = False
    if not keep.any():
        return a
    # with the soft alpha round it (the matting's 0.3-0.9 over the part's lit strands) and the hull's soft side
    short = ((hull >= 128) & (a < 0.98) & near).astype(np.uint8)
    n2, labels2 = cv2.connectedComponents(short, connectivity=8)
    hit = np.zeros(n2, bool)
    hit[np.unique(labels2[keep[labels]])] = True
    hit[0] = False
    if not hit.any():
        return a
    img = np.asarray(pixels, np.float32)
    sig = max(0.06 * fw, 1.0)
    hair = normalized_blur(img, (piece & (a >= 0.98)).astype(np.float32), sig)
    back = normalized_blur(img, (a <= 0.02).astype(np.float32), sig)
    contrast = np.linalg.norm(hair - back, axis=2)
    # only where the colours cannot tell the hair from the backdrop (dark hair on a near-black backdrop: the bite
    # is the border's doing; yangmi_6.jpg, median 0.15 over the bite); where they can, the matting's soft outline
    # and its gaps are the colours' answer (scarlett_2.jpg's light curls before a dark wall, 0.35: filled, its
    # curly outline became the hull's straight chords over a grey haze). Decided per bite: no half-filled haze
    for k in np.nonzero(hit)[0]:
        if float(np.median(contrast[labels2 == k])) > tol:
            hit[k] = False
    if not hit.any():
        return a
    zone = cv2.dilate(hit[labels2].astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & near
    return np.maximum(a, np.where(zone, inside, a)).astype(np.float32)


#: :func:`matte`'s ``cheek_shadows``: the shape's word is taken away beside the cheek only when the alpha it would put
#: back over the shadow strip sums to this many face widths squared (2008_002506: about 0.03; the portraits' few
#: pixels raised by at most 0.015, lecun.jpg and yangmi_3.jpg, far less).
CHEEK_SHADOW_LEAST = 0.002


def cheek_shadow(pixels: np.ndarray, colour_alpha: np.ndarray, own: np.ndarray, landmarks: np.ndarray, *,
                 reach: float = 0.15, darker: tuple[float, float] = (0.02, 0.05),
                 ring: tuple[float, float] = (0.03, 0.12), fade: float = 0.15) -> np.ndarray:
    """Weight (0-1) of a cast shadow on the wall beside the cheek that the segmenter took for the person.

    An on-camera flash throws the head's shadow on a wall close behind it: a dark strip hugging the cheek
    from the temple to the jaw (2008_002506.jpg: 4-10 px beside a 95 px face). The segmenter's outline
    runs through the strip, so the wall just inside and just outside it look alike, and
    :func:`low_contrast` hands the outline to the segmenter's shape (:func:`shape_alpha`), which puts the
    strip back at 0.8-1 after GrabCut and the matting had cut it at the skin's edge; on a light backdrop it
    was a grey band with a stepped lower end.

    A pixel has weight where all of these hold: it lies beside the face (below the eye line, above the
    chin, outside the jaw-and-brow hull and within ``reach`` face widths of it); the colour matte
    (``colour_alpha``) left it out (below 0.5) but the segmenter's piece (``own``) holds it; and it is
    darker than the wall beyond the segmenter's outline (the mean of a ring ``ring`` face widths outside
    ``own``, blurred locally) by ``darker`` (sRGB mean of the channels: 0 at the first, 1 at the second).
    The weight fades in over ``fade`` face widths below the eye line, where the temple's hair meets the strip
    (a hard start at the eye line cut a step into the outline there).
    A shadow is darker than the wall it falls on; dark hair before a dark wall that is lighter than the
    wall, or the wall itself, gets none.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> img = np.full((512, 512, 3), 0.16, np.float32)             # a dark wall
    >>> hull = _face_hull((512, 512), lm)
    >>> own = cv2.dilate(hull.astype(np.uint8), np.ones((15, 15), np.uint8)) > 0   # the segmenter: 7 px wider
    >>> img[own & ~hull] = 0.08                                     # a shadow round the face
    >>> w = cheek_shadow(img, hull.astype(np.float32), own, lm)
    >>> x = int(lm[2, 0]) - 4; y = int(lm[2, 1])                    # beside the cheek
    >>> round(float(w[y, x]), 2), float(w[int(lm[19, 1]) - 4, int(lm[19, 0])])   # beside the cheek; above the brows
    (1.0, 0.0)
    >>> img[own & ~hull] = 0.2                                      # lighter than the wall: hair, not a shadow
    >>> float(cheek_shadow(img, hull.astype(np.float32), own, lm).max())
    0.0
    """
    pixels = check_image(pixels)
    lm = check_landmarks(landmarks)
    shape = pixels.shape[:2]
    fw = max(float(np.linalg.norm(lm[16] - lm[0])), 1.0)
    _, down = _frame_axes(lm)
    _, chin, _ = head_extent(lm)
    hull = _face_hull(shape, lm)
    d_hull = cv2.distanceTransform((~hull).astype(np.uint8), cv2.DIST_L2, 5)
    below_eyes = _along(shape, lm[36:48].mean(0), down)
    zone = ~hull & (d_hull <= reach * fw) & (below_eyes > 0) & (_along(shape, chin, down) < 0)
    own8 = np.asarray(own, np.uint8)
    strip = zone & own8.astype(bool) & (np.asarray(colour_alpha, np.float32) < 0.5)
    if not strip.any():
        return np.zeros(shape, np.float32)
    # the wall: the ring outside the segmenter's outline, as low_contrast reads it (its mean only on the strip)
    rings = ring_means(pixels, own8, fw, ring=ring, where=strip, always=True)
    lum = pixels.mean(axis=-1)
    wall_lum = rings.blur(lum, rings.outer)
    seen = gauss(rings.outer, max(0.08 * fw, 1.0)) > 0.01  # (a wall ring within reach to compare with)
    w = np.clip((wall_lum - lum - darker[0]) / (darker[1] - darker[0]), 0, 1)
    # faded in below the eye line: above it the temple's hair meets the strip, and a hard start left a step
    w = w * np.clip(below_eyes / (fade * fw), 0, 1)
    return np.where(strip & seen, w, 0).astype(np.float32)


def _nearest_along(valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per column, the row index of the nearest True row of ``valid`` at or before each row (-1: none) and at or
    after it (``len(valid)``: none).

    Examples
    --------
    >>> import numpy as np
    >>> b, a = _nearest_along(np.array([[True], [False], [False], [True], [False]]))
    >>> b[:, 0].tolist(), a[:, 0].tolist()
    ([0, 0, 0, 3, 3], [0, 3, 3, 3, 5])
    """
    v = np.asarray(valid, bool)
    n = v.shape[0]
    k = np.arange(n).reshape((n,) + (1,) * (v.ndim - 1))
    before = np.maximum.accumulate(np.where(v, k, -1), axis=0)
    after = np.minimum.accumulate(np.where(v, k, n)[::-1], axis=0)[::-1]
    return before, after


def backdrop_lines(pixels: np.ndarray, alpha: np.ndarray, landmarks: np.ndarray, *, length: float = 0.12,
                   clear: float = 0.01, across: float = 0.04, extent: float = 0.6, reach: float = 0.5,
                   window: float = 0.01, tol: float = 0.05, run: float = 0.03, seen: tuple[float, float] = (0.2, 0.6),
                   contrast: tuple[float, float] = (0.1, 0.2), slack: float = 0.08, off: tuple[float, float] = (0.1, 0.15),
                   face_gap: float = 0.1, edge: float = 0.04, through: float | None = 0.03, work: float = 800.0) -> np.ndarray:
    """The old backdrop's straight lines carried on behind the hair: where they show through it, alpha is theirs.

    A ceiling's T-bar rails seen through a loop of hair at the crown (pengwei.jpg, shot from below) lie in the
    hair's wide unknown band; a grey rail between light tiles and dark hair reads to closed-form matting exactly as
    a mix of the two (alpha 0.3-0.45) and the foreground estimate paints it in the hair's colour: grey strokes on
    the new backdrop. Colour alone cannot tell it; its shape can: a rail is straight and runs on across the clear
    backdrop outside the hair, where strands are curved, thin and of the hair's colour. So straight segments of
    the backdrop are found (OpenCV's LSD on the luminance, at a size where the face is at most ``work`` px wide;
    at least ``length`` face widths long, at least half on clear backdrop: alpha 0 at least ``clear`` face widths
    from any alpha; across it, its clear pixels' mean grey varies by at least ``edge``: not a JPEG block's edge on
    a black backdrop). Along each one's line, up to ``extent`` face widths past its ends and ``across`` face widths
    to either side, every column parallel to the line carries the backdrop on: the mean of its clear pixels over
    ``window`` face widths, read at the nearest clear pixel before and after (interpolated between the two), no
    further than ``reach`` face widths. A soft pixel of the band (alpha 0.02-0.98, above the chin's line,
    ``face_gap`` face widths clear of the face's hull and, with ``through``, within that many face widths of a
    hole of the backdrop the person encloses: alpha below 0.05 not joined to the image's border, at least (0.02
    face widths) squared px) has the carried colour as its backdrop where, over ``run`` face widths along the line
    and the strip's width, at least ``seen[0]`` of the band's pixels match that colour (within ``tol`` plus twice
    the clear pixels' spread), as many do between it and the clear pixel it was carried from, the carried colours
    vary across the strip there by ``edge`` (the line itself is carried, not only plain backdrop beside it), and it
    matches itself or ``seen[1]`` of them do. There alpha is at most the pixel's share of the person's colour (the opaque
    pixels nearby, blurred) over the carried colour plus ``slack`` (none on the backdrop's own colour), where the
    two differ by ``contrast`` and the pixel is no third colour (``off`` from their line): a strand crossing a rail
    keeps its alpha, a thin one its share. A cut thinner than 3 px is left out, and a piece above 0.5 a cut leaves
    apart from the head is held at 0.5.

    ``through=None`` lets the lines act anywhere in the band (zcy.webp's curtain folds between loose strands were
    cut into white slits, and on rihanna.webp's crown and by scarlett_2.jpg's ear, single pixels of soft hair that
    have a backdrop line's colour became white notches at 4x: docs/STUDIO.md, round 19).

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1].
    alpha : ndarray
        ``(H, W)`` alpha; not modified.
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.

    Returns
    -------
    ndarray
        ``(H, W)`` float32 alpha, never above ``alpha``; ``alpha`` itself (same values) where no line was carried
        into the band.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()                                  # face width 92 px, brows at row 86
    >>> img = np.full((256, 400, 3), 0.8, np.float32)              # light tiles
    >>> yy, xx = np.mgrid[:256, :400]
    >>> rail = np.abs(yy - xx + 160) < 3                            # a grey rail, straight, at 45 degrees
    >>> img[rail] = 0.6
    >>> loop = (yy >= 30) & (xx >= 180) & (xx < 262) & ((yy < 35) | (xx < 185) | (xx >= 257))
    >>> hair = (yy >= 60) | loop                                    # dark hair, a loop of it above the head
    >>> a = hair.astype(np.float32); img[hair] = 0.2
    >>> a[rail & ~hair & (yy > 30)] = 0.4                          # the matting's reading of the rail in the loop
    >>> img[35:60, 230] = 0.2; a[35:60, 230] = 0.9                 # a strand across the loop
    >>> b = backdrop_lines(img, a, lm)
    >>> round(float(b[50, 210]), 2), round(float(b[45, 230]), 2), float(b[100, 300]), float(b[20, 180])
    (0.0, 0.9, 1.0, 0.0)
    """
    img = check_image(pixels)
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    H, W = a.shape
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    soft = (a > 0.02) & (a < 0.98)
    _, chin, _ = head_extent(lm)
    _, down = _frame_axes(lm)
    g_r = max(int(round(face_gap * fw)), 1)
    soft &= (_along((H, W), chin, down) < 0) & ~(cv2.dilate(_face_hull((H, W), lm).astype(np.uint8),
                                                            np.ones((2 * g_r + 1,) * 2, np.uint8)) > 0)
    if not soft.any():
        return a
    if through is not None:  # only beside the backdrop seen through the hair: a hole of it the person encloses
        n_l, lab, st, _ = cv2.connectedComponentsWithStats((a < 0.05).astype(np.uint8), connectivity=4)
        outer = np.unique(np.r_[lab[0], lab[-1], lab[:, 0], lab[:, -1]])
        holes = np.flatnonzero(st[:, cv2.CC_STAT_AREA] >= (0.02 * fw) ** 2)
        holes = holes[(holes > 0) & ~np.isin(holes, outer)]
        if not len(holes):
            return a
        hole = np.isin(lab, holes)
        soft &= cv2.distanceTransform((~hole).astype(np.uint8), cv2.DIST_L2, 5) < max(through * fw, 2.0)
        if not soft.any():
            return a
    R = int(round(reach * fw))
    E = int(round(extent * fw))
    y0, y1, x0, x1 = box_around(soft, R)
    sub, asub, sb = img[y0:y1, x0:x1], a[y0:y1, x0:x1], soft[y0:y1, x0:x1]
    hh, ww = asub.shape
    c_r = max(int(round(clear * fw)), 1)
    open_ = cv2.erode((asub < 0.02).astype(np.uint8), np.ones((2 * c_r + 1,) * 2, np.uint8)) > 0
    if not open_.any():
        return a
    s = min(1.0, work / fw)
    grey = (np.clip(sub.mean(-1), 0, 1) * 255).astype(np.uint8)
    if s < 1:
        grey = cv2.resize(grey, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    segs = cv2.createLineSegmentDetector(cv2.LSD_REFINE_STD).detect(grey)[0]
    if segs is None:
        return a
    A = max(int(round(across * fw)), 2)
    k_w = max(int(round(window * fw)), 2)
    h_r = max(int(round(run * fw / 2)), 1)
    pred = np.zeros((hh, ww, 3), np.float32)
    have = np.zeros((hh, ww), bool)
    box_sum = lambda x: cv2.boxFilter(x, -1, (1, 2 * k_w + 1), normalize=False,  # noqa: E731
                                      borderType=cv2.BORDER_CONSTANT)
    run_sum = lambda x: cv2.boxFilter(x, -1, (2 * A + 1, 2 * h_r + 1), normalize=False,  # noqa: E731
                                      borderType=cv2.BORDER_CONSTANT)
    for sx0, sy0, sx1, sy1 in segs.reshape(-1, 4).astype(np.float64) / s:
        Ls = float(np.hypot(sx1 - sx0, sy1 - sy0))
        if Ls < length * fw:
            continue
        t = np.array([sx1 - sx0, sy1 - sy0]) / Ls
        n = np.array([-t[1], t[0]])
        on = np.arange(0.0, Ls)
        ix = np.clip(np.round(sx0 + on * t[0]).astype(int), 0, ww - 1)
        iy = np.clip(np.round(sy0 + on * t[1]).astype(int), 0, hh - 1)
        if open_[iy, ix].mean() < 0.5:  # a line of the backdrop, not of the hair (straight strands are many)
            continue
        lo = sx0 * t[0] + sy0 * t[1]
        c = sx0 * n[0] + sy0 * n[1]
        us = np.arange(lo - E, lo + Ls + E)
        vs = c + np.arange(-A, A + 1, dtype=np.float64)
        X = (us[:, None] * t[0] + vs[None, :] * n[0]).astype(np.float32)
        Y = (us[:, None] * t[1] + vs[None, :] * n[1]).astype(np.float32)
        inside = (X >= 0) & (X <= ww - 1) & (Y >= 0) & (Y <= hh - 1)
        at = lambda m: (cv2.remap(m.astype(np.uint8), X, Y, cv2.INTER_NEAREST,  # noqa: E731
                                  borderMode=cv2.BORDER_CONSTANT, borderValue=0) > 0) & inside
        band_s = at(sb)
        if not band_s.any():
            continue
        S = cv2.remap(sub, X, Y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        ok = at(open_)
        # each column carries its clear pixels' colour (and spread) along the line
        w8 = ok.astype(np.float32)
        den = np.maximum(box_sum(w8), 1e-6)
        mean = box_sum(S * w8[..., None]) / den[..., None]
        spread = np.sqrt(box_sum((S - mean) ** 2 * w8[..., None]).max(-1) / den)
        on_seg = ok & ((us >= lo) & (us <= lo + Ls))[:, None]
        seen_cols = on_seg.sum(0) >= 0.25 * Ls
        if seen_cols.sum() < 3:
            continue
        prof = (S.mean(-1) * on_seg).sum(0)[seen_cols] / on_seg.sum(0)[seen_cols]
        if prof.max() - prof.min() < edge:  # no line in the backdrop's own colours (a JPEG block's edge on black)
            continue
        before, after = _nearest_along(ok)
        nU = len(us)
        k = np.arange(nU)[:, None]
        cols = np.arange(len(vs))[None, :]
        has_b, has_a = before >= 0, after < nU
        bi, ai = np.clip(before, 0, nU - 1), np.clip(after, 0, nU - 1)
        db = np.where(has_b, k - before, R + 1).astype(np.float32)
        da = np.where(has_a, after - k, R + 1).astype(np.float32)
        wb = np.where(has_b & has_a, da / np.maximum(db + da, 1.0), has_b.astype(np.float32))[..., None]
        B = (wb * mean[bi, cols] + (1 - wb) * mean[ai, cols]).astype(np.float32)
        dev = np.maximum(np.where(has_b, spread[bi, cols], 0), np.where(has_a, spread[ai, cols], 0))
        near = np.minimum(db, da) <= R
        match = (np.abs(S - B).max(-1) <= tol + 2 * dev) & near
        # how much of the band along the line matches: the backdrop seen continuing between strands
        bandf = (inside & ~ok).astype(np.float32)
        share_seen = run_sum(match * bandf) / np.maximum(run_sum(bandf), 1.0)
        # and seen all the way from the clear backdrop: of the band's pixels between the pixel and the clear pixel
        # it was carried from, at least seen[0] match (a line carried across dense hair to a chance match is none)
        cm = np.cumsum(match * bandf, axis=0)
        cb = np.cumsum(bandf, axis=0)
        src = np.where(wb[..., 0] >= 0.5, bi, ai)
        lo_i, hi_i = np.minimum(src, k), np.maximum(src, k)
        path = (cm[hi_i, cols] - cm[lo_i, cols]) / np.maximum(cb[hi_i, cols] - cb[lo_i, cols], 1.0)
        # and where the carried backdrop holds the line itself (its colours vary across the strip by ``edge``): a
        # plain stretch of backdrop carried in beside a line that faded out is the colour rules' to decide
        Bg = np.where(near, B.mean(-1), np.nan)
        across_u = np.nanmax(np.where(np.isnan(Bg), -np.inf, Bg), 1) - np.nanmin(np.where(np.isnan(Bg), np.inf, Bg), 1)
        use = band_s & near & (share_seen >= seen[0]) & (path >= seen[0]) & (match | (share_seen >= seen[1])) \
            & (across_u >= edge)[:, None]
        if not use.any():
            continue
        xs_, ys_ = X[use], Y[use]
        bx0, bx1 = max(int(xs_.min()) - 1, 0), min(int(xs_.max()) + 2, ww)
        by0, by1 = max(int(ys_.min()) - 1, 0), min(int(ys_.max()) + 2, hh)
        yy, xx = np.mgrid[by0:by1, bx0:bx1].astype(np.float64)
        ri = np.clip(np.round(xx * t[0] + yy * t[1] - us[0]).astype(int), 0, nU - 1)
        ci = np.round(xx * n[0] + yy * n[1] - c).astype(int) + A
        fits = (ci >= 0) & (ci < len(vs))
        ci = np.clip(ci, 0, len(vs) - 1)
        hit = fits & use[ri, ci] & ~have[by0:by1, bx0:bx1]  # (the first line to reach a pixel carries it)
        pred[by0:by1, bx0:bx1][hit] = B[ri[hit], ci[hit]]
        have[by0:by1, bx0:bx1] |= hit
    if not have.any():
        return a
    # the person's colour beside it: the opaque pixels nearby, blurred (a smooth field: made on a smaller copy of
    # the carried pixels' box, a blur of 0.06 face widths at full size took 20 s on a 6 MP photo)
    sig = max(0.06 * fw, 2.0)
    b0, b1, b2, b3 = box_around(have, 4 * int(sig) + 2)
    solid = (asub[b0:b1, b2:b3] >= 0.98).astype(np.float32)
    q = max(sig / 4.0, 1.0)
    size = (max(int(round((b3 - b2) / q)), 1), max(int(round((b1 - b0) / q)), 1))
    F_s = normalized_blur(resize(sub[b0:b1, b2:b3], size, cv2.INTER_AREA), resize(solid, size, cv2.INTER_AREA), sig / q)
    near_s = gauss(resize(solid, size, cv2.INTER_AREA), sig / q)
    F = np.zeros((hh, ww, 3), np.float32)
    near_solid = np.zeros((hh, ww), np.float32)
    F[b0:b1, b2:b3] = resize(F_s, (b3 - b2, b1 - b0))
    near_solid[b0:b1, b2:b3] = resize(near_s, (b3 - b2, b1 - b0))
    d, c2, share = _share_along(sub, F, pred)
    third = np.sqrt(((sub - pred - np.clip(share, 0, 1)[..., None] * d) ** 2).sum(-1))
    w = have * np.clip((np.sqrt(c2) - contrast[0]) / (contrast[1] - contrast[0]), 0, 1) \
        * np.clip((off[1] - third) / (off[1] - off[0]), 0, 1) * np.clip(near_solid / 0.02, 0, 1)
    capped = _cap_to_share(asub, share, w.astype(np.float32), slack)
    # a cut thinner than 3 px is no line seen through the hair: single pixels of the hair that happen to have the
    # backdrop's colour (rihanna.webp's soft crown, scarlett_2.jpg's hair before her coat: white slits at 4x)
    k3 = np.ones((3, 3), np.uint8)
    wide = cv2.dilate(cv2.morphologyEx((asub - capped > 0.1).astype(np.uint8), cv2.MORPH_OPEN, k3), k3) > 0
    if not wide.any():
        return a
    out = a.copy()
    out[y0:y1, x0:x1] = np.where(have & wide, capped, asub)
    # no piece above 0.5 cut off from the head by it (a rail cut between a strand and the head; the matte's check
    # refuses a matte in pieces): held at 0.5, as the composite's rules do
    from candid.engines.studio.composite import _no_new_pieces

    held = _no_new_pieces(a, out)
    if (held != out).any():
        n_p, lab = cv2.connectedComponents((out > 0.5).astype(np.uint8), connectivity=8)
        touched = np.unique(lab[cv2.dilate((out != a).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0])
        near_cut = np.isin(lab, touched[touched > 0])
        out = np.where(near_cut, held, out).astype(np.float32)
    return out


def shape_alpha(prob: np.ndarray, face_width: float, *, feather: float = 0.006) -> np.ndarray:
    """A smooth alpha from the segmenter's person probability alone (no colour).

    The probability is smoothed, cut at 0.5 with a steep ramp (the outline,
    free of the JPEG blocks the colours carry), then feathered by a Gaussian
    of ``feather`` face widths: a soft, hair-like falloff of the same width
    all around, however unsure the segmenter was.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.tile(np.linspace(1, 0, 64, dtype=np.float32), (16, 1))
    >>> a = shape_alpha(p, 100.0)
    >>> float(a[8, 5]), float(a[8, 58]), 0.3 < float(a[8, 32]) < 0.7
    (1.0, 0.0, True)
    """
    fw = max(float(face_width), 1.0)
    p = gauss(np.asarray(prob, np.float32), max(0.006 * fw, 0.7))
    cut = np.clip((p - 0.45) / 0.1, 0, 1)
    cut = cut * cut * (3 - 2 * cut)
    return np.clip(gauss(cut.astype(np.float32), max(feather * fw, 0.7)), 0, 1).astype(np.float32)


@functools.lru_cache(maxsize=1)
def _pymatting_prints_to_log() -> None:
    """Route pymatting's incomplete-Cholesky notices to ``logging`` instead of stdout (once per process).

    When the first diagonal shift of its preconditioner fails, pymatting
    prints a five-line "PERFORMANCE WARNING" and retries with a larger shift,
    which succeeds; the alpha is unaffected. candid's stdout belongs to the
    user (the CLI's results, JSON output), so those lines go to the debug log.
    Only the name ``print`` inside that one pymatting module is shadowed: no
    global stream is swapped, so other threads' output is untouched.
    """
    import importlib

    # by module path: the package re-exports the function ichol under the same name
    ichol_module = importlib.import_module("pymatting.preconditioner.ichol")
    log = logging.getLogger("pymatting")

    def to_log(*args, **kwargs) -> None:
        log.debug(" ".join(str(a) for a in args))

    ichol_module.print = to_log


def matte(
    pixels: np.ndarray,
    landmarks: np.ndarray,
    *,
    valid: np.ndarray | None = None,
    seed: int = 0,
    others=None,
    context: np.ndarray | None = None,
    rules: MatteRules | None = None,
    _frame_views: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Alpha matte of the person whose face has ``landmarks``.

    A learned person mask (MediaPipe selfie segmentation), reduced to the
    subject's own connected piece, gives a trimap; closed-form matting
    (Levin et al., ``pymatting.estimate_alpha_cf``) solves alpha in its
    unknown band at a bounded working size; a colour guided filter carries
    it to full resolution following the photo's edges; finally every piece
    not joined to the subject is removed, so nothing floats (loose strands
    that continue the hair stay, :func:`attached_only`).

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1]; not modified.
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    valid : ndarray, optional
        ``(H, W)`` bool, False where the canvas was extended beyond the photo (alpha 0 there). The segmenter
        and the colour model see the whole frame; the matting itself sees the photo alone
        (:func:`_matte_photo_box`: the photo's border is no outline).
    seed : int
        Seed of GrabCut's clustering.
    others : sequence of (x0, y0, x1, y1), optional
        Boxes of the other faces in the photo, in ``pixels``' coordinates
        (they may lie partly outside it). The person mask is split between
        the people (:func:`candid.engines.studio.people.others_mask`) and
        the others' share is background. None or empty: one person, no split.
    context : ndarray, optional
        The person probability of the whole photo, mapped into ``pixels``
        (:func:`context_probability`; any size, resized). The segmenter sees
        a crop cut below the collarbone as a head with little body and is
        unsure of the clothes at its border (rihanna.webp: the dress at the
        crop's bottom read 0.1, so the cut-out ended at the neck and the hair
        ends hung over the new backdrop); on the whole photo it is sure. Where
        the photo has pixels the two views are averaged on the head and the
        surer one wins below the chin.
    rules : MatteRules, optional
        The matte's tuning numbers and rule switches (:class:`~candid.engines.studio.matte_rules.MatteRules`);
        None: the defaults. What each rule does and why is told in the Notes below.

    Returns
    -------
    ndarray
        ``(H, W)`` float32 alpha in [0, 1].

    Notes
    -----
    The rules, fields of ``rules`` (:class:`~candid.engines.studio.matte_rules.MatteRules`, whose version the
    ``engine.studio`` log records with the fields that differ from these defaults):

    work_side : int
        Long side of the working image for segmentation and matting.
    hair_band, edge_band : float
        Width of the unknown band around the hair and elsewhere, in face widths.
    hair_below : float
        The hair band reaches this many head heights below the eye line (:func:`trimap`).
    eps : float
        Guided-upsampling regularisation (smaller keeps finer strands, and more noise).
    iterations : int
        GrabCut iterations of the colour refinement (0: the segmenter's mask as is).
    prior, prior_low, prior_high : bool, float, float
        Multiply alpha by a ramp of the segmenter's own probability (0 below
        ``prior_low``, 1 above ``prior_high``), so pieces of background the
        matting found "partly person" but the segmenter clearly did not are dropped.
    shape_where_alike : bool
        Where the person and the background beside the outline have nearly
        the same colour (:func:`low_contrast`), take alpha from the
        segmenter's shape (:func:`shape_alpha`) instead of from colour:
        there GrabCut and closed-form matting follow JPEG blocks and leave a
        blocky half-transparent fringe (dark hair on a near-black backdrop).
    pose_split : bool
        Also take out person pixels below the chin that lie sideways beyond
        the subject's shoulders, elbows and wrists (MediaPipe Pose,
        :func:`candid.engines.studio.people.beyond_pose`): a neighbour whose
        face was not found (cut by the border, turned away). Nothing when
        no pose is found or it is someone else's.
    solid_inside : float
        Deeper than this many face widths inside the subject's mask, mostly
        opaque alpha (0.6-0.9) is made opaque (:func:`solidify_inside`); 0: off.
    solid_head : float
        In the head, deeper than this many face widths inside the finished
        matte's own outline, alpha above 0.5 is ramped to opaque
        (:func:`solidify_head`: no see-through band of lit hair); 0: off.
    outline_sigma : float
        The outline is anti-aliased along its own direction by a Gaussian of
        this many pixels (:func:`smooth_along_outline`: no pixel staircase where
        the matting made alpha jump at a bright rim); 0: off.
    colour_slack : float or None
        In the unknown band, soft alpha is at most the pixel's share of the
        person's colour plus this (:func:`colour_limit`: no grey haze over a
        lit background the colours do not explain); None: off.
    off_axis : bool
        Below the ear lobes, alpha in the unknown band is taken out where the pixel's colour is no mix of the
        person's and the background's beside it (:func:`off_axis_limit`: no pieces of a poster by the neck),
        except next to an earring :func:`ear_jewellery` found.
    foreign : bool
        Below the ear lobes, pieces of the person mask in the background's colours that the segmenter
        doubts are background (:func:`foreign_below`: a poster letter beside the neck).
    walls : bool
        Below the ear lobes, pieces of the person mask the segmenter doubts that join the backdrop outside the
        mask with no colour edge between but are cut from the person's sure core by one
        (:func:`continued_background`: a wall of nearly the skin's colour beside the neck).
    bars : bool
        A straight bar of the background (a window's frame between two long parallel edges, at most 0.05 face
        widths wide) carried on into the person's unknown band, as far as its colour holds, is known background
        (:func:`background_bars`: no blocky dark chunk with a straight side where a dark bar meets dark hair).
    strands : bool
        With ``colour_slack``: in the wide band at the hair, the gaps of a loose wisp over a darker wall are
        background and its strands the hair, by their own colours (:func:`strand_gaps`: no grey striped patch
        of the old wall beside the head), and the segmenter's doubt does not dim a strand the colours explain
        (a faint one, thinner than a working pixel, too: ``strand_gaps(faint=...)``).
    focus_hair : bool
        Beside the face (brows to the jaw's corners), soft alpha that is as sharp as the subject's skin and not
        of the background's colour is raised towards opaque (:func:`focused_hair`: the subject's own sideburn
        before a dark, blurred backdrop is not half transparent).
    clothes : bool
        Below the ear lobes, on a side without long hair beside the jaw, the outline is cloth: drawn as a clean edge
        about a pixel wide where the clothes' and the background's colours decide, smoothed where they do not, with a
        shoulder the segmenter saw but GrabCut lost put back (:func:`clothes_edge`: no torn stair-steps, grey smoke
        or fur on a suit). On by default since issue 18: the face, its ears and 0.3 face widths round them are left
        alone (a tilted head's jaw), and skin joined to the face never loses alpha; nearer the jaw, a tight crop's
        shoulder tops and lost lapels are mended too, never the neck's side (``clothes_edge(cloth_gap=...)``).
    bare_wall : bool
        With ``strands``: beyond the soft edge, a loose strand's full-size alpha is capped at no more than its
        pixel's share of a strand, none on the plain wall between strands (:func:`strand_cap`: no light haze with
        dark specks round a dense crossing of strands).
    edge_share : bool
        With ``clothes``: the drawn edge raises no pixel above the matte's alpha by more than the pixel's colour
        share between the person's and the backdrop's local colours, also where the two differ by only 0.08
        (``clothes_edge(rise_contrast=...)``: no strip of a wall of nearly the skin's colour beside the neck).
    dense : bool
        Inside the hair's outline, alpha is at least the share of the opaque hair's colour the photo shows there
        (:func:`dense_hair`: short dark hair before a bright backdrop is not see-through in its outer third).
    islands : bool
        Pieces above 0.5 joined to the subject through its own soft alpha are held at 0.5 instead of being cut out
        (:func:`embedded_islands`: no hard-edged holes with dark rims in a loose wisp or a soft crown).
    shoulders : bool
        A shoulder the segmenter is sure of that rises above the seeds' shoulder line and ends there is not
        sure background (:func:`raised_shoulders`: no flat-topped shoulder when the head leans towards it).
    others_known, others_grow : bool, float
        With ``others``: the unknown band's pixels that :func:`candid.engines.studio.people.others_mask` gave to
        another person are known background (:func:`others_background`: no soft alpha over the chin of someone
        standing behind the head, which the composite painted as a dark hook on the crown), within her face's
        ellipse grown ``others_grow`` times (the face box's 0.84 x 1.1, as ``people``'s markers). Not over her body
        behind the subject: there the band is the hair's soft edge before her shirt (2008_002470.jpg: known
        background there cut a pixel off the dark hair before a white shirt and left a faint haze).
    shape_colours : bool
        With ``others`` and ``shape_where_alike``: the segmenter's shape adds nothing beyond the subject's mask in
        colours only the background holds (:func:`alien_shape`: no block, or grey fleck left of it, over the dark
        sleeve of someone standing behind, whom the segmenter joins to the subject).
    cheeks : bool
        The segmenter's doubt (``prior``) does not take away the face inside its jaw's landmarks or skin of the
        cheek's colour (not the backdrop's) joined to it just outside (:func:`face_skin`: a pale turned face's far cheek before a pale backdrop, which the segmenter drew along
        the mouth's corner, is not cut away).
    skin_opaque : bool
        With ``cheeks``: skin of the cheek's colour joined to the face is also at least as opaque as its colour share
        (:func:`face_skin` with ``with_hull=False``): on memorial's and editorial's wider crops the matting itself
        left liuyifei's pale far cheek at 0.4-0.9, a see-through notch below the mouth's corner. Only from the nose's
        tip to the chin and within 0.05 face widths of the jaw's hull (``face_skin``'s ``near``, round 17: off in
        round 16, its zone reached up to the eyes and 0.1 face widths out, and took biden.jpg's orange bokeh beside
        his ear for skin).
    border_doubt : bool
        More than half a head height below the chin, pieces of the person mask the segmenter doubts (below 0.65)
        that run into the photo's border are background (:func:`doubted_at_border`: a bed sheet below a raised arm,
        the room seen between an arm and the body, an app's watermark on the floor in a wide frame).
    temples : bool
        Beside the face's side above the ear lobes, where the segmenter is sure of the person, a narrow notch the
        matting cut into the outline in colours the person holds too, against the face's side in front of the ear,
        is filled (:func:`temple_notches`: dark sideburn before a dark door, 2008_002506.jpg, showed as a pale blob
        of the new backdrop by the ear). Where it fills nothing the matte is byte-identical to the one without it.
    crown_top : bool
        Where the head runs into the image's top edge, the crown's outline in the top 0.2 face widths is the convex
        hull of the head there, opaque inside where the colours are the hair's (:func:`crown_at_top`: no notch of
        the new backdrop, a light wedge, where the segmenter and the matting bit dark hair away at the border,
        yangmi_6.jpg). A head below the top edge is left as it is.
    plain_alike : bool
        With ``shape_where_alike``: the backdrop is like the person only where its own pixels are, not just their
        mean (:func:`low_contrast` with ``spread``): a busy backdrop, a dark banner with yellow letters beside a
        cheek, averages to the skin's colour, and the segmenter's soft shape laid over it came out as pink smears
        of alpha 0.1-0.2 on passport's light backdrop (scarlett_4.jpg, round 18).
    jewellery : bool
        An earring's bright metal below the ear lobes is marked as the person before the matting
        (:func:`ear_jewellery`: no see-through ghost of a gold hoop), and holes there that show the background
        stay open (:func:`background_pockets`: the hoop's eye is cut, not filled as a hole in the head).
        Where it finds no earring the matte is byte-identical to the one without it (no pocket is cut,
        nothing is marked).
    lapels : bool
        Below the ear lobes, cloth of the clothes' colours, unlike the wall beside it and joined to the known person,
        is marked as the person before the matting (:func:`lost_lapels`: a suit's lapel running on as a narrow navy
        point between the white collar and a light wall is not cut off halfway up the collar). Where it finds
        nothing the matte is byte-identical to the one without it. A thin piece running a long way along the
        outline is no point (``lost_lapels(thin=, long=)``: on the known-alpha scene, the astronaut's orange suit over
        brown wood, such strips raised the SAD from 0.83 to 0.92; docs/STUDIO.md, "Round 16: merged").
    enclosed, pocket_band : bool, float
        Below the ear lobes, the old backdrop the mask holds between hair, hoop and neck leaves the mask
        (:func:`enclosed_background`: rihanna's bokeh inside and below a hoop): its core is known background, strands
        of hair and the gaps between them within ``pocket_band`` face widths of it are for the matting
        (:func:`strands_over_pockets`), and the holes it leaves stay open. Where it finds nothing the matte is
        byte-identical to the one without it.
    thin_pockets : bool
        With a pocket found: a pocket piece too thin for a known core (:func:`thin_pockets_of`) is opened along its
        ridge after the matting, its own pixels only (:func:`open_thin_pockets`; without it the matting filled the
        thin crescent of pink backdrop between rihanna's right hoop and her neck, and the cream strip between her
        bob's ends and the neck, at 0.9). Off by default (round 17's merge): on yangmi_3.jpg it took the shadowed
        crease between a finger resting on the jaw and the cheek for a pocket and opened it, a grey see-through
        slit between hand and face (scorecard halo 1.205 -> 1.873); ``creases`` now keeps that closed, but still
        off (round 18): in the environmental style (rihanna) the opened cream strip showed as a light cut-out
        among the strands at 3x, where the old backdrop kept by the matting had matched the new one.
    creases : bool
        With ``thin_pockets``: a thin piece that is skin in shade (the face's hue, darker than its rim) rimmed by
        skin on both sides (:func:`skin_creases`) is a crease between two parts of the body and is not opened
        (yangmi_3's crease between a finger and the cheek; rihanna's cream and pink pockets are lighter than their
        rim, or not the skin's hue, and rimmed by hair, hoop and neck).
    hoops : bool
        With ``jewellery`` and a pocket found: the bright highlights of a big hoop round the pocket, beyond
        :func:`ear_jewellery`'s reach, are marked as the person before the matting (:func:`pocket_jewellery`:
        no see-through specks in rihanna's left hoop, which :func:`off_axis_limit` took out as a third colour).
    pocket_gaps : bool
        With a pocket found: at full size, the gaps between strands of hair over it keep only their share of the
        strands' colour (:func:`gaps_over_pockets`: no cream backdrop held at 0.7-0.9 between a bob's dense ends in
        the hoop's eye), and the holes that leaves stay open.
    specks : bool
        With a pocket found: small holes near the jaw below the lobes that opaque jewellery or hair encloses, in a
        colour unlike the backdrop around, are filled (:func:`enclosed_specks`).
    drops : bool
        With ``jewellery``: a drop earring's chain below a found jewel is the person too
        (:func:`drop_earrings`; it hangs on past the unknown band), and so is a thin neutral drop hanging
        from a lobe into the sure background that the band's rules missed (:func:`hanging_drops`), and the
        segmenter's prior does not erase a found jewel. Off by default: the scorecard's halo metric counts a thin
        bright chain's whole width as halo (scarlett_2 linkedin 0.15 -> 1.38), and the composite later tints it
        towards the skin (see docs/STUDIO.md, round 11b: matte).
    skin_outline : bool
        Below the ear lobes, where the outline is the jaw's or the neck's skin, it is drawn as a smooth curve
        (:func:`smooth_skin_outline`: no stair steps where the photo's colour blocks made the edge; round 18).
    cheek_shadows : bool
        With ``shape_where_alike``: the segmenter's shape adds nothing beside the cheek where it holds a strip
        darker than the wall beyond that the colour matte left out (:func:`cheek_shadow`: a flash's cast shadow
        on a dark wall, 2008_002506.jpg, was a grey band with a stepped end beside the jaw on a light backdrop;
        round 19). Only when the alpha the shape would put back there sums to :data:`CHEEK_SHADOW_LEAST` face widths
        squared or more; elsewhere the matte is byte-identical to the one without it (the regression portraits).
    photo_ramp : bool
        With ``skin_outline``: the redrawn outline is as soft as the photo's own edge there (:func:`edge_spread`;
        round 19); False: a 2 px linear ramp (round 18), which left the outermost skin of a soft jaw opaque with a
        share of the old background in it.
    pocket_rim : bool
        With ``thin_pockets``: the rim of an opened thin pocket is capped by each pixel's colour share between the
        pocket's colour and the person's beside it (:func:`open_thin_pockets`' ``mix``; round 19: rihanna's pink
        line along the neck).
    dark_band : bool
        Beside the temples, before a backdrop darker than the skin, the matting's soft band beyond the colour model's
        outline keeps only a thin edge of hair along it (:func:`dark_band_limit`: no flat band of 0.2-0.5 over a dark
        banner beside a temple's thin dark hair, a darker band on linkedin's grey and a grey patch on passport's white,
        scarlett_4.jpg; round 19).
    neck_edge : bool
        With ``shape_where_alike``: below the ear lobes the segmenter's shape takes over only where the colour model's
        own outline (GrabCut's mask) is as alike its background as the segmenter's is (:func:`low_contrast` of both):
        the segmenter's piece held the dark banner between scarlett_4.jpg's neck and her loose light strands, its
        inner ring was that banner ("alike"), and its shape made the neck's blurred edge and the banner beside it
        opaque, a blue-violet band along the neck on corporate's and memorial's backdrops (round 19).
    lines : bool
        The old backdrop's straight lines that run on from the clear backdrop into the hair's soft band beside a hole
        the hair encloses (a ceiling's rails seen through a loop of hair) are the backdrop there: alpha is at most the
        pixel's share of the person's colour over the line's carried colour (:func:`backdrop_lines`: no grey strokes
        of the rails in pengwei.jpg's crown; round 19). Where it carries no line into the band the matte is
        byte-identical to the one without it.
    gap_dark : bool
        With ``neck_edge``, the gap beside the colour model's outline is asked whether it is darker than the hair by
        its darker part (each pixel the darkest within 0.02 face widths), not its mean (:func:`alike_at_neck`): loose
        blonde strands hanging before a dark banner are hair, and their share of the mean kept the segmenter's
        shape over the banner between them, a veil on scarlett_4.jpg's corporate (round 20).
    far_drawn : bool
        With ``clothes``: in the collar ring, where the drawn edge only takes soft alpha away on a shoulder's top, a
        soft pixel the drawn edge calls the person more than three edge widths beyond the matte's opaque outline is
        not kept for it (:func:`clothes_edge`'s ``far_drawn``): the colour guided filter had snapped the decision to
        a dark gap's edge beside a lit neighbour's blurred neck, a thin line that kept the haze over it, and the
        haze became a dark fleck above tom_cruise_tight.jpg's shoulder on linkedin's grey (round 20).
    stray_specks : bool
        Not read here (this matte ends with :func:`attached_only`: one piece): the studio stage runs
        :func:`stray_specks` right before :func:`matte_quality`, after the steps that blend alpha again (a bump of
        the soft edge lifted past 0.5 is lowered to 0.5, a floating speck goes), so that one pixel does not throw a
        whole cut-out away (pengwei.jpg's linkedin; round 20).

    Examples
    --------
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> img = astronaut()
    >>> a = matte(img, astronaut_landmarks())
    >>> a.shape, a.dtype.name, float(a[120, 220]) > 0.99, float(a[20, 480]) < 0.01
    ((512, 512), 'float32', True, True)
    """
    if rules is None:
        rules = MatteRules()
    elif not isinstance(rules, MatteRules):
        raise TypeError(f"rules must be a MatteRules, not {type(rules).__name__}")
    args = dict(locals())  # the call as made, for the photo's own box on an extended canvas
    from candid.face.person import guided_coefficients, person_probability

    _pymatting_prints_to_log()
    pixels = check_image(pixels)
    lm = check_landmarks(landmarks)
    H, W = pixels.shape[:2]
    s = min(2.0, rules.work_side / max(H, W))  # a small crop is matted enlarged (up to 2x): sub-pixel outlines
    w_s, h_s = max(int(round(W * s)), 8), max(int(round(H * s)), 8)
    small = resize(pixels, (w_s, h_s), cv2.INTER_AREA)
    lm_s = lm * np.array([w_s / W, h_s / H])
    fw = float(np.linalg.norm(lm_s[16] - lm_s[0]))
    valid_s = None
    if valid is not None:
        valid_s = resize(np.asarray(valid, np.uint8), (w_s, h_s), cv2.INTER_NEAREST).astype(bool)
    _, chin_s, _ = head_extent(lm_s)
    _, down_s = _frame_axes(lm_s)
    below_chin = _along((h_s, w_s), chin_s, down_s)
    prob = person_probability(small, work_side=max(w_s, h_s), full_resolution=False) if _frame_views is None else None
    box_s = photo_box(valid_s, (h_s, w_s)) if valid_s is not None and _frame_views is None else None
    if box_s is not None:  # the segmenter sees the photo alone: the canvas's streaks of its edge are no scene
        prob[box_s] = person_probability(small[box_s], work_side=max(small[box_s].shape[:2]), full_resolution=False)
    own_view = prob  # the segmenter's view of the crop alone (raised_shoulders)
    if context is not None and _frame_views is None:
        ctx = resize(np.clip(np.asarray(context, np.float32), 0, 1), (w_s, h_s), cv2.INTER_LINEAR)
        # the head: both views averaged (the crop's is finer); below the chin the surer view wins
        body = gauss((below_chin > 0).astype(np.float32), 0.05 * fw)
        # (only where the whole photo's view is sure: its soft rim, upsampled from a coarse mask, is a cloud)
        body = body * np.clip((ctx - 0.8) / 0.15, 0, 1)
        both = (1 - body) * 0.5 * (prob + ctx) + body * np.maximum(prob, ctx)
        prob = (both if valid_s is None else np.where(valid_s, both, prob)).astype(np.float32)
    raw = prob
    if _frame_views is not None:  # the photo's box of a frame: the segmenter and GrabCut saw the whole frame
        views = tuple(np.clip(resize(v, (w_s, h_s), cv2.INTER_LINEAR), 0, 1).astype(np.float32) for v in _frame_views)
        raw = views[0]
    seeds = seed_mask((h_s, w_s), lm_s)
    head_corridor = seeds != cv2.GC_BGD  # (the shape rule below is for the hair: a raised shoulder is no hair)
    if rules.shoulders:  # a shoulder raised above the seeds' shoulder line is the subject's, not sure background
        sc_o = np.array([w_s / W, h_s / H, w_s / W, h_s / H])
        seeds = raised_shoulders(seeds, raw if own_view is None else own_view, lm_s, others=None if others is None else
                                 [tuple(np.asarray(b, np.float64) * sc_o) for b in others])
    corridor = seeds != cv2.GC_BGD
    if _frame_views is None:
        prob = refine_with_colour(small, raw, lm_s, iterations=rules.iterations, seed=seed, seeds=seeds)
        box = photo_box(valid, (H, W)) if valid is not None else None
        if box is not None:  # the photo's border is not an outline: the photo alone is matted, the canvas stays 0
            return _matte_photo_box(box, args, (raw, prob))
    else:
        raw, prob = views
    edges = None  # the colour edges both people rules cut along, made once for the two
    others_s = None
    if others is not None and len(others):
        # the segmenter marks everyone: other people's share of the person mask is not the subject's. Taken
        # out after GrabCut, whose colour model must not learn the neighbour's dark jacket as "background"
        # (it then carved the subject's dark hair away)
        from candid.engines.studio.people import edge_map, others_mask

        edges = edge_map(small)
        sc = np.array([w_s / W, h_s / H, w_s / W, h_s / H])
        taken = others_mask(small, raw, lm_s, [tuple(np.asarray(b, np.float64) * sc) for b in others], edges=edges)
        raw = np.where(taken, 0.0, raw).astype(np.float32)
        prob = np.where(taken, 0.0, prob).astype(np.float32)
        others_s = taken
        # her face and what lies right round it (a chin above the crown); not her body behind him: there the band
        # is the hair's soft edge before her shirt, and the watershed's line may run a pixel inside his hair
        from candid.engines.studio.people import _face_ellipse

        others_faces = np.zeros((h_s, w_s), bool)
        for b in others:
            others_faces |= _face_ellipse((h_s, w_s), tuple(np.asarray(b, np.float64) * sc), grow=rules.others_grow)
    if rules.pose_split:
        from candid.engines.studio.people import beyond_pose, subject_pose

        taken = beyond_pose(small, raw, lm_s, subject_pose(small, lm_s), edges=edges)
        raw = np.where(taken, 0.0, raw).astype(np.float32)
        prob = np.where(taken, 0.0, prob).astype(np.float32)
    mask = subject_mask(prob, lm_s, valid=valid_s, corridor=corridor)
    cut = None
    if rules.foreign:  # below the lobes, pieces in the background's colours the segmenter doubts (a poster by the neck)
        cut = foreign_below(small, mask, lm_s, prob=raw, valid=valid_s)
    if rules.walls:  # below the lobes, a wall of nearly the skin's colour joined to the backdrop with no edge between
        wall = continued_background(small, mask, lm_s, prob=raw, valid=valid_s)
        cut = wall if cut is None else cut | wall
        if wall.any():  # the segmenter's word there is corrected too: the rules that read it (the prior,
            # clothes_edge's lost shoulder) put the wall back as a person it half saw (a bump with a straight side)
            raw = np.where(wall, 0.0, raw).astype(np.float32)
            prob = np.where(wall, 0.0, prob).astype(np.float32)
    if rules.bars:  # a straight bar of the background (a window's frame) carried on into the hair's band
        bar = background_bars(small, mask, lm_s, valid=valid_s)
        if bar.any():  # known background; and the segmenter's word there too (the prior would put it back)
            cut = bar if cut is None else cut | bar
            raw = np.where(bar, 0.0, raw).astype(np.float32)
            prob = np.where(bar, 0.0, prob).astype(np.float32)
    if rules.border_doubt:  # well below the chin, what the segmenter doubts and the photo's border cuts (a bed sheet,
        # the room seen between an arm and the body): no outline rule above reaches it
        far = doubted_at_border(small, mask, raw, lm_s, valid=valid_s)
        if far.any():
            cut = far if cut is None else cut | far
            # (and the segmenter's word there too: the prior and clothes_edge's lost shoulder read it)
            raw = np.where(far, 0.0, raw).astype(np.float32)
            prob = np.where(far, 0.0, prob).astype(np.float32)
    if cut is not None and cut.any():
        from scipy import ndimage

        labels, _ = ndimage.label(mask & ~cut)
        keep = np.unique(labels[_face_hull((h_s, w_s), lm_s) & (labels > 0)])
        mask = np.isin(labels, keep[keep > 0])
    pocket_s = None
    thin_p = None  # the pockets' pieces too thin for a known core (thin_pockets_of)
    if rules.enclosed:  # below the lobes, the backdrop the mask holds between hair, hoop and neck (rihanna's bob)
        pocket_s = enclosed_background(small, mask, lm_s, valid=valid_s, prob=raw)
        if pocket_s.any():
            mask = mask & ~pocket_s
        else:
            pocket_s = None
    tri = trimap(mask, lm_s, hair_band=rules.hair_band, edge_band=rules.edge_band, valid=valid_s, prob=None,
                 hair_below=rules.hair_below)
    if pocket_s is not None:  # its core known background (the band's width is unknown only at its rim: a pocket
        # narrower than the band, between a hoop and the hair, was left to the matting, which filled it)
        # (and a pocket too thin for a core: its ridge; the matting filled a pink crescent between a hoop and the neck)
        rim = cv2.distanceTransform((~mask).astype(np.uint8), cv2.DIST_L2, 5) < max(0.015 * fw, 1.5)
        tri[pocket_s & ~rim & (tri < 1)] = 0.0
        if rules.thin_pockets:  # (a piece too thin for a core: opened along its ridge after the matting, below)
            thin_p = thin_backdrop_pockets(pocket_s, mask, small, lm_s, creases=rules.creases)
        # and the person beside it unknown a little deeper than the band: strands of hair with the backdrop
        # between them, too fine to grow through, are for the matting to tell apart (the hoop's eye)
        tri[strands_over_pockets(small, mask, pocket_s, lm_s, band=rules.pocket_band) & (tri >= 0.999)] = 0.5
    if cut is not None and cut.any():  # known background, not unknown: in the band the matting extrapolated
        tri[cut & (tri < 1)] = 0.0      # the poster's yellow, lighter than the skin, to 0.9-1
    loose = None
    if rules.strands and rules.colour_slack is not None:  # loose light strands past the narrow band below the temples
        loose = strand_band(small, tri, fw, prob=raw, reach=rules.hair_band)
        tri[(loose > 0) & (tri <= 0.001)] = 0.5
        if not loose.any():
            loose = None
    jewels_s = None
    if rules.jewellery:  # an earring's highlights are the person's: the matting fills the jewel from them
        marked = ear_jewellery(small, tri, lm_s, prob=raw)
        if pocket_s is not None and rules.hoops:  # and those of a big hoop round a pocket, beyond its reach
            marked = np.where(pocket_jewellery(small, tri, pocket_s, lm_s, prob=raw) > tri, 1.0, marked)
        if (marked != tri).any():  # an earring found; elsewhere the matte is exactly as without the rule
            jewels_s = (marked >= 0.999) & (tri < 0.999)
            if rules.drops:  # a drop earring's chain hangs on below the band, over what the trimap calls background
                marked = drop_earrings(small, marked, lm_s, jewels_s)
                jewels_s = (marked >= 0.999) & (tri < 0.999)
            tri = marked
        if rules.drops:  # a neutral drop the band's rules miss (pale skin's hue, joined to lit hair): it hangs on, thin
            hung = hanging_drops(small, tri, lm_s)
            if jewels_s is not None:  # beside a jewel found, drop_earrings has followed it already
                hung &= ~cv2.dilate(jewels_s.astype(np.uint8), np.ones((3, 3), np.uint8),
                                    iterations=max(int(round(0.05 * fw)), 1)).astype(bool)
            if hung.any():
                marked = drop_earrings(small, tri, lm_s, hung)
                found = (marked >= 0.999) & (tri < 0.999)
                jewels_s = found if jewels_s is None else jewels_s | found
                tri = marked
    if rules.others_known and others_s is not None and others_s.any():  # the band over another person: not the subject's
        tri = others_background(tri, others_s & others_faces)
        if loose is not None:  # (nor a loose strand's band there: its lift would raise alpha over her skin again)
            loose = np.where(others_s, 0, loose).astype(loose.dtype)
            if not loose.any():
                loose = None
    if rules.lapels:  # a lapel's navy point the colours are sure of, joined to the suit, is the person: the matting
        # draws its edge against the wall (unknown, it explained the navy as no mix of collar and wall, and gave it 0)
        spare = None  # not the backdrop's pockets by a hoop, nor the jewels (their rules drew those)
        r_sp = cv2.getStructuringElement(cv2.MORPH_ELLIPSE,
                                         (2 * max(int(round(rules.pocket_band * fw)), 1) + 1,) * 2)
        for found in (pocket_s, jewels_s):
            if found is not None:
                grown_sp = cv2.dilate(found.astype(np.uint8), r_sp) > 0
                spare = grown_sp if spare is None else spare | grown_sp
        tri = lost_lapels(small, tri, lm_s, prob=raw, spare=spare)
    unknown = tri == 0.5
    alpha_s = tri.copy()
    strand_w = None
    if unknown.any():
        # solve only in the bounding box of the band (plus a margin): same answer, less work
        alpha_s = _closed_form(small, tri, fw)
        if rules.solid_inside > 0:
            alpha_s = solidify_inside(alpha_s, mask, rules.solid_inside * fw)
        if rules.colour_slack is not None:  # no haze the pixel's colour does not explain (a lit window over short hair)
            _, _, head_h_s = head_extent(lm_s)
            at_hair = gauss((_along((h_s, w_s), lm_s[36:48].mean(0), down_s) < rules.hair_below * head_h_s)
                            .astype(np.float32), 0.1 * fw)  # the trimap's wide hair band
            if loose is not None:  # and the loose strands' own band
                at_hair = np.maximum(at_hair, cv2.dilate(loose, np.ones((3, 3), np.uint8), iterations=2))
            alpha_s = colour_limit(small, alpha_s, tri, fw, slack=rules.colour_slack, where=at_hair)
            if rules.strands:  # a loose wisp over a darker wall: its gaps are the wall (alpha 0), its strands the hair
                alpha_s, strand_w = strand_gaps(small, alpha_s, tri, fw, where=at_hair, return_weight=True,
                                                lift=loose)
        if rules.dark_band:  # beside a temple before a dark backdrop: a thin edge of hair, no flat band over the backdrop
            alpha_s = dark_band_limit(small, alpha_s, tri, mask, lm_s)
        if rules.off_axis:  # below the lobes: no third colour (a poster beside the neck) that is no person-background mix
            # (from the lobes, not the chin: the poster's halftone dots beside the jaw survived the gate's soft start)
            gate = (_lobe_depth((h_s, w_s), lm_s) > 0).astype(np.float32)
            if jewels_s is not None:  # an earring is a third colour hanging from the lobe, and the person's
                gate[cv2.dilate(jewels_s.astype(np.uint8), np.ones((3, 3), np.uint8),
                                iterations=max(int(round(0.05 * fw)), 1)) > 0] = 0
            limited = off_axis_limit(small, alpha_s, tri, fw, prob=raw, where=gauss(gate, 0.05 * fw))
            # what lies behind the third colour it took out (its blurred border into the background) goes too, beside
            # the face's skin: on a side with long hair the soft edge is strands (scarlett_1.jpg's loose locks)
            alpha_s = behind_third_colour(small, alpha_s, limited, tri, fw, where=_skin_sides(alpha_s, lm_s))
    skin_s = None
    if rules.cheeks:  # the face's own skin (the jaw's hull and the cheek's colour joined to it): the segmenter's doubt
        # does not take it away (below); with skin_opaque it is opaque too (on a wider crop the matting left
        # liuyifei's pale far cheek at 0.4-0.9 before her pale backdrop, from its colour alone)
        skin_s = face_skin(small, alpha_s, lm_s)
        if rules.skin_opaque:  # only below the nose's tip and near the jaw's hull (round 17; round 16's wider zone took
            # biden's orange bokeh beside the ear for skin)
            alpha_s = np.maximum(alpha_s, face_skin(small, alpha_s, lm_s, with_hull=False))
    shape_w = None
    if rules.shape_where_alike:
        # colour cannot tell the person from the backdrop here: the segmenter's shape decides (only its own
        # subject, near its outline; GrabCut's colour model may have thrown that hair away as background)
        own = subject_mask(raw, lm_s, valid=valid_s, corridor=head_corridor)
        o8 = own.astype(np.uint8)
        reach = 2 * rules.hair_band * fw  # beyond the trimap's unknown band
        # the photo's border counts as an outline (hair cut by the top of the frame: blocks there too)
        d_in = cv2.distanceTransform(np.pad(o8, 1), cv2.DIST_L2, 5)[1:-1, 1:-1]
        near = (d_in < reach) & (cv2.distanceTransform(1 - o8, cv2.DIST_L2, 5) < reach)
        # the head only (hair: crown, temples, long hair down to the chin); lower down the outline is
        # clothes and shoulders, where the segmenter's coarse shape is no better than colour
        head_zone = gauss((below_chin < 0).astype(np.float32), 0.05 * fw)
        shape_w = low_contrast(small, own, fw, spread=rules.plain_alike) * near * head_zone
        if rules.neck_edge:  # below the lobes the colour model's own outline must be alike too: the segmenter's piece may
            # hold the dark backdrop between the neck and loose light strands (its inner ring then is that backdrop,
            # "alike"), and its shape made the neck's blurred edge into a dark banner opaque (scarlett_4.jpg, round 19)
            shape_w = alike_at_neck(small, shape_w, mask, lm_s, spread=rules.plain_alike, gap_dark=rules.gap_dark)
        if valid_s is not None:
            shape_w = shape_w * valid_s
        # then steeper: half colour and half shape is a see-through mix of two answers that disagree
        shape_w = np.clip((gauss(shape_w.astype(np.float32), max(0.04 * fw, 1.0)) - 0.2) / 0.6, 0, 1)
        if rules.shape_colours and others_s is not None and shape_w.max() > 0.01:
            # in a group the segmenter's piece may hold a neighbour's dark sleeve joined to the subject, low contrast
            # against a dark room: what the shape would add there in colours only the background holds is not hers
            shape_w = shape_w * (1 - alien_shape(small, mask, own, tri, fw, where=shape_w > 0.01))
        if rules.cheek_shadows and shape_w.max() > 0.01:
            # a flash's shadow on the wall beside the cheek: the segmenter's outline runs through it, so the wall
            # reads alike on both sides of it; colour had cut it at the skin's edge, the shape would put it back
            shade = cheek_shadow(small, alpha_s, own, lm_s)
            if shade.any():
                # only a strip the shape would really put back (portraits: a few pixels raised by 0.01 at most)
                g = cv2.dilate(o8, np.ones((3, 3), np.uint8), iterations=max(int(0.03 * fw), 1)).astype(bool)
                back = shade * shape_w * np.clip(shape_alpha(np.where(g, raw, 0), fw) - alpha_s, 0, 1)
                if float(back.sum()) >= CHEEK_SHADOW_LEAST * fw * fw:
                    shape_w = (shape_w * (1 - shade)).astype(np.float32)
        if shape_w.max() > 0.01:
            grown = cv2.dilate(o8, np.ones((3, 3), np.uint8), iterations=max(int(0.03 * fw), 1)).astype(bool)
            alpha_s = ((1 - shape_w) * alpha_s + shape_w * shape_alpha(np.where(grown, raw, 0), fw)).astype(np.float32)
            alpha_s[tri >= 0.999] = np.maximum(alpha_s[tri >= 0.999], 1 - shape_w[tri >= 0.999])
        else:
            shape_w = None
    # guided upsampling: linear coefficients at the working size, applied to the full-size photo
    if (w_s, h_s) != (W, H):
        a, b = guided_coefficients(small, alpha_s, 1, rules.eps)
        alpha = np.einsum("hwc,hwc->hw", resize(a, (W, H)), pixels) + resize(b, (W, H))
        # known regions stay known, with a smooth (not stair-stepped) border at full size
        k = max(W / w_s, 1.0)
        sure_bg = gauss(resize((tri <= 0.001).astype(np.float32), (W, H), cv2.INTER_LINEAR), 0.7 * k)
        sure_fg = gauss(resize((tri >= 0.999).astype(np.float32), (W, H), cv2.INTER_LINEAR), 0.7 * k)
        alpha = np.maximum(np.clip(alpha, 0, 1) * (1 - sure_bg), sure_fg)
        if shape_w is not None:  # the shape-led parts: smooth upsampling, no texture of the photo in alpha
            w_f = resize(shape_w, (W, H), cv2.INTER_LINEAR)
            alpha = (1 - w_f) * alpha + w_f * np.clip(resize(alpha_s, (W, H), cv2.INTER_LINEAR), 0, 1)
        prob_full = resize(raw, (W, H), cv2.INTER_LINEAR) if rules.prior else None
    else:
        alpha = alpha_s
        prob_full = raw if rules.prior else None
    if prob_full is not None:
        # the segmenter's clear "not a person" limits what the matting may keep (no clouds of background)
        allowed = np.clip((gauss(prob_full, 1.0) - rules.prior_low) / (rules.prior_high - rules.prior_low), 0, 1)
        if rules.drops and jewels_s is not None:  # the segmenter misses a thin chain hanging from the
            # lobe: the jewel's word
            near_j = cv2.dilate(jewels_s.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=2)
            allowed = np.maximum(allowed, np.clip(resize(near_j.astype(np.float32), (W, H)), 0, 1))
        if strand_w is not None and strand_w.max() > 0:  # where strand and gap colours decided, a strand is kept whole
            allowed = np.maximum(allowed, np.clip(resize(strand_w, (W, H), cv2.INTER_LINEAR), 0, 1))
        if skin_s is not None:  # the face's own skin (a pale far cheek the segmenter drew along the mouth's corner)
            allowed = np.maximum(allowed, np.clip(resize(skin_s, (W, H), cv2.INTER_LINEAR), 0, 1))
        alpha = alpha * allowed
    alpha = np.clip(alpha, 0, 1).astype(np.float32)
    if rules.focus_hair:  # the subject's own sharp sideburn before a dark, blurred backdrop is kept whole
        alpha = focused_hair(pixels, alpha, lm)
    if valid is not None:
        alpha[~np.asarray(valid, bool)] = 0.0
    alpha[alpha < 0.02] = 0.0
    alpha[alpha > 0.98] = 1.0
    if rules.solid_head > 0:
        alpha = solidify_head(alpha, lm, depth=rules.solid_head)
    pockets = None
    opened = None
    if pocket_s is not None and rules.pocket_gaps:  # the gaps between strands over a pocket: each pixel's share of
        # strand
        fw_full = float(np.linalg.norm(lm[16] - lm[0]))
        pocket_f = resize(pocket_s.astype(np.float32), (W, H)) > 0.5
        zone = (cv2.distanceTransform((~pocket_f).astype(np.uint8), cv2.DIST_L2, 5) < rules.pocket_band * fw_full) \
            & _below_lobes((H, W), lm) & ~_face_hull((H, W), lm, shrink=0.06 * fw_full)
        alpha, opened = gaps_over_pockets(pixels, alpha, pocket_f, zone, lm)
    if thin_p is not None and thin_p.any():  # a pocket too thin for a known core: the matting filled it (rihanna's
        # pink crescent between the right hoop and the neck at 0.93-0.97); opened along its ridge, its own pixels only
        alpha = open_thin_pockets(alpha, resize(thin_p.astype(np.float32), (W, H)) > 0.5, pixels=pixels, landmarks=lm,
                                  reach=max(0.015 * float(np.linalg.norm(lm[16] - lm[0])), 1.5) * 2,
                                  mix=0.1 if rules.pocket_rim else None)
    if jewels_s is not None:  # the backdrop seen through a hoop's eye below the lobe is no hole in the head
        near = cv2.dilate(jewels_s.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=max(int(round(0.1 * fw)), 1))
        alpha, pockets = background_pockets(pixels, alpha, lm, near=resize(near.astype(np.float32), (W, H)) > 0.5)
    if pocket_s is not None:  # the holes the backdrop's pockets left stay open (the hoop's eye is above the chin)
        kept = _holes_meeting(alpha, resize(pocket_s.astype(np.float32), (W, H)) > 0.5)
        if opened is not None:  # and so do the gaps between its strands
            kept |= _holes_meeting(alpha, opened)
        pockets = kept if pockets is None else pockets | kept
    alpha = fill_head_holes(alpha, lm, keep_open=pockets)
    if rules.specks and pocket_s is not None:  # a hoop's highlights round a pocket, enclosed by its metal and unlike
        # the backdrop, are no see-through specks
        alpha = enclosed_specks(pixels, alpha, lm, keep_open=pockets)
    if rules.dense:  # hair of the opaque hair's colour inside the outline is opaque (short hair, a bright backdrop)
        # (after the holes are filled: raised first, a hole's pixels rose past 0.5 and were no longer filled)
        alpha = dense_hair(pixels, alpha, lm, hair_below=rules.hair_below)
    if loose is not None:  # the loose strands the colours found: their faint alpha is a strand's, not smoke or haze
        loose = np.clip(resize(loose, (W, H), cv2.INTER_LINEAR), 0, 1) if loose.shape != (H, W) else loose
        # but only as much as the full-size pixel's own colour shows of a strand, beyond the soft edge's reach: the
        # guided upsampling spread a soft disc of 0.1-0.2 round a dense crossing of strands, over the plain wall
        # (the foreground estimate filled it with the wall's dark colour: a smudge on the new backdrop)
        fw_full = float(np.linalg.norm(lm[16] - lm[0]))
        solid = (~_subject_piece(alpha, lm)).astype(np.uint8)  # (a dense crossing above 0.5 is no subject)
        beyond = (loose > 0) & (cv2.distanceTransform(solid, cv2.DIST_L2, 5) > 0.04 * fw_full)
        if beyond.any():
            cap = strand_cap(strand_share(pixels, fw_full), 0.08 if rules.colour_slack is None else rules.colour_slack,
                             bare=rules.bare_wall)
            alpha = np.where(beyond, np.minimum(alpha, cap), alpha).astype(np.float32)
    if rules.clothes:  # below the lobes the outline is cloth: a clean edge, not fur, steps or smoke
        alpha = clothes_edge(pixels, alpha, lm, prob=np.clip(resize(raw, (W, H), cv2.INTER_LINEAR), 0, 1),
                             strands=loose, rise_contrast=0.08 if rules.edge_share else None,
                             far_drawn=3.0 if rules.far_drawn else None)
        if valid is not None:
            alpha[~np.asarray(valid, bool)] = 0.0
    if rules.outline_sigma > 0:
        alpha = smooth_along_outline(alpha, rules.outline_sigma)
        alpha[alpha < 0.02] = 0.0
        alpha[alpha > 0.98] = 1.0
    if rules.islands:  # a dense crossing of strands in the subject's own soft hair is soft hair, not a piece to cut out
        alpha = embedded_islands(alpha, lm)
    if rules.temples:  # a notch cut between the temple and the ear where dark hair meets a dark wall is the head's
        alpha = temple_notches(pixels, alpha, lm, np.clip(resize(raw, (W, H), cv2.INTER_LINEAR), 0, 1))
    if rules.crown_top:  # hair that runs into the top edge: the border's bite out of the crown is no outline
        alpha = crown_at_top(pixels, alpha, lm)
    if rules.lines:  # the backdrop's straight lines carried on into the hair band (rails through a loop, a curtain's folds)
        alpha = backdrop_lines(pixels, alpha, lm)
    if rules.skin_outline:  # the jaw's and neck's skin against a background of its lightness: a smooth curve, no
        # staircase of the photo's colour blocks (scarlett_2.jpg's left jaw before a blue-grey coat)
        keep = None
        if jewels_s is not None and jewels_s.any():  # a found earring hangs on past the outline: its own shape
            keep = resize(jewels_s.astype(np.float32), (W, H), cv2.INTER_LINEAR) > 0.1
            keep = cv2.dilate(keep.astype(np.uint8), np.ones((3, 3), np.uint8),
                              iterations=max(int(round(0.05 * np.linalg.norm(lm[16] - lm[0]))), 1)) > 0
        alpha = smooth_skin_outline(pixels, alpha, lm, keep=keep, width=None if rules.photo_ramp else 2.0)
    return attached_only(alpha, lm, loose=loose)


def photo_box(valid: np.ndarray, shape: tuple[int, int]) -> tuple[slice, slice] | None:
    """The bounding box of the photo's pixels on an extended canvas, or None when it is the whole frame.

    Parameters
    ----------
    valid : ndarray
        ``(H, W)`` bool, True where the pixel came from the photo.
    shape : tuple of int
        ``(H, W)`` of the frame.

    Returns
    -------
    (slice, slice) or None
        Rows and columns of the box; None when the photo's pixels reach every side of the frame (or there are none).

    Examples
    --------
    >>> import numpy as np
    >>> v = np.zeros((10, 20), bool); v[:, 5:15] = True      # canvas extended at the left and the right
    >>> photo_box(v, (10, 20))
    (slice(0, 10, None), slice(5, 15, None))
    >>> photo_box(np.ones((10, 20), bool), (10, 20)) is None
    True
    """
    v = np.asarray(valid, bool)
    if v.shape != tuple(shape):
        raise ValueError(f"valid {v.shape} does not match the frame {tuple(shape)}")
    rows, cols = np.flatnonzero(v.any(1)), np.flatnonzero(v.any(0))
    if not rows.size:
        return None
    box = (slice(int(rows[0]), int(rows[-1]) + 1), slice(int(cols[0]), int(cols[-1]) + 1))
    if (box[0].stop - box[0].start, box[1].stop - box[1].start) == v.shape:
        return None
    return box


def _matte_photo_box(box: tuple[slice, slice], args: dict, views: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """:func:`matte` of the photo's own box on an extended canvas, at the same working scale; 0 on the canvas.

    On an extended canvas the frame beyond the photo holds the photo's edge repeated (:func:`apply_framing`).
    Matted as part of the frame, that canvas was known background right beside hair that runs on to the
    photo's edge, in the hair's own colours: closed-form matting then called the wisps at the edge background
    (scarlett_1 environmental lost them 20-70 px before the edge), and the shape rule saw the photo's edge as
    the person's outline (scarlett_4's ponytail: a half-opaque block with a straight side there). The photo's
    border is the image's border of any crop that needs no canvas, which every rule of the matte already
    treats as no outline; so the photo alone is matted. The working scale is kept (``work_side`` shrinks with
    the frame), so the matte's resolution is what it was. A levelled frame's photo is a tilted rectangle:
    the canvas left in its box's corners stays as before (``valid``, alpha 0).

    ``views``: the person probability and GrabCut's answer for the whole frame at its working size. They are
    kept (cropped to the box): GrabCut's colour model learns the background from the whole frame, and on the
    photo alone (less wall beside a neck) it kept yangmi_4's wall beside the neck and carved yangmi_6's dark
    hair from the black backdrop.
    """
    rows, cols = box
    H, W = np.shape(args["pixels"])[:2]
    h, w = rows.stop - rows.start, cols.stop - cols.start
    off = np.array([cols.start, rows.start], np.float64)
    kw = {k: v for k, v in args.items() if k not in ("pixels", "landmarks")}
    valid = np.asarray(args["valid"], bool)[rows, cols]
    kw["valid"] = None if valid.all() else valid
    rules = args["rules"]
    kw["rules"] = rules.replace(work_side=rules.work_side * max(h, w) / max(H, W))
    kw["context"] = None  # the whole photo's view is already blended into ``views``' probability; not read again
    if args["others"] is not None and len(args["others"]):
        kw["others"] = [tuple(np.asarray(b, np.float64) - np.tile(off, 2)) for b in args["others"]]
    kw["_frame_views"] = tuple(resize(np.asarray(v, np.float32), (W, H), cv2.INTER_LINEAR)[rows, cols] for v in views)
    lm = check_landmarks(args["landmarks"]) - off
    out = np.zeros((H, W), np.float32)
    out[rows, cols] = matte(np.asarray(args["pixels"])[rows, cols], lm, **kw)
    return out


def _border_bridges(solid: np.ndarray, head: np.ndarray) -> np.ndarray:
    """A one-pixel frame around ``solid`` (padded shape): along each side, from the first to the last pixel of
    ``solid`` that lies in ``head``, where the side is in ``head``; False elsewhere and at the corners.

    Examples
    --------
    >>> import numpy as np
    >>> s = np.zeros((6, 5), bool); s[1:3, 4] = True; s[4, 4] = True   # the head at the right side, a gap at row 3
    >>> f = _border_bridges(s, np.ones((6, 5), bool))
    >>> f[1:-1, -1].astype(int).tolist()
    [0, 1, 1, 1, 1, 0]
    """
    h, w = solid.shape
    frame = np.zeros((h + 2, w + 2), bool)
    for sl, out in (((0, slice(None)), (0, slice(1, -1))), ((-1, slice(None)), (-1, slice(1, -1))),
                    ((slice(None), 0), (slice(1, -1), 0)), ((slice(None), -1), (slice(1, -1), -1))):
        on = solid[sl] & head[sl]
        if on.sum() < 2:
            continue
        i = np.flatnonzero(on)
        span = np.zeros(on.size, bool)
        span[i[0]:i[-1] + 1] = True
        frame[out] = span & head[sl]
    return frame


def _holes_meeting(alpha: np.ndarray, where: np.ndarray) -> np.ndarray:
    """The connected pieces of ``alpha <= 0.5`` that reach into ``where`` (bool).

    Examples
    --------
    >>> import numpy as np
    >>> a = np.ones((5, 7), np.float32); a[1:4, 1:3] = 0; a[1:4, 4:6] = 0.2
    >>> w = np.zeros((5, 7), bool); w[2, 1] = True
    >>> _holes_meeting(a, w).astype(int)[2].tolist()
    [0, 1, 1, 0, 0, 0, 0]
    """
    low = (np.asarray(alpha, np.float32) <= 0.5).astype(np.uint8)
    n, lab = cv2.connectedComponents(low, connectivity=8)
    hit = np.zeros(n, bool)
    hit[np.unique(lab[np.asarray(where, bool) & (low > 0)])] = True
    hit[0] = False
    return hit[lab]


def fill_head_holes(alpha: np.ndarray, landmarks: np.ndarray, *, keep_open: np.ndarray | None = None) -> np.ndarray:
    """Make every hole the person's outline encloses inside the head opaque.

    A hole in the face or the head is never background seen through the person:
    it is skin or hair the colours could not tell from the backdrop (a flash-lit
    forehead between dark hair and brows read as the bright wall, or the
    hairline between the skin and hair that looks like a dark backdrop:
    2008_002506.jpg). Holes are the regions of ``alpha <= 0.5`` that
    ``alpha > 0.5`` encloses, within the head (the ellipse of :func:`seed_mask`
    around face and hair, and above the chin) or the face hull; they become 1,
    and alpha in a rim of 0.03 face widths around them rises smoothly to 1.
    Within 0.03 face widths of the person's outer outline the filling fades
    out, so the outline keeps its place and softness (a hazy crown pocked with
    holes otherwise jumped to 1 at its 0.5 contour: a pixel staircase).
    Gaps elsewhere (between an arm and the body) are left alone, and so are
    the holes in ``keep_open`` (``(H, W)`` bool, :func:`background_pockets`).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> a = np.zeros((512, 512), np.float32); a[20:, 150:360] = 1
    >>> a[60:80, 230:260] = 0.25     # a hole in the forehead
    >>> a[420:440, 200:220] = 0.0    # a gap low in the body is not the head's
    >>> b = fill_head_holes(a, lm)
    >>> float(b[70, 245]), float(b[430, 210]), float(a[70, 245])
    (1.0, 0.0, 0.25)
    """
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    from scipy import ndimage

    solid = a > 0.5
    head = _skull_above_chin(a.shape, lm)
    # the photo's border is not an outline: where the head runs into it, a gap between two stretches of the
    # head along the border is the head going on beyond it, not background reaching in (2007_007763's notch)
    holes = ndimage.binary_fill_holes(np.pad(solid, 1) | _border_bridges(solid, head))[1:-1, 1:-1] & ~solid
    if keep_open is not None:
        holes &= ~np.asarray(keep_open, bool)
    if not holes.any():
        return a
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    lab, n = ndimage.label(holes)
    inside = np.unique(lab[holes & head])
    mine = np.isin(lab, inside[inside > 0])
    if not mine.any():
        return a
    r = max(int(round(0.03 * fw)), 1)
    grown = cv2.dilate(mine.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    # the hole itself opaque; the rim around it rises to 1 smoothly (set to 1 outright, a rim in hair of 0.85
    # was a hard-edged opaque disc, a visible circle at 1:1: pengwei.jpg)
    w = np.maximum(mine, np.clip(gauss(grown.astype(np.float32), max(r / 2, 0.7)), 0, 1)) * (mine | solid)
    # and it fades out towards the person's outer outline, which must stay where the matte put it and as soft:
    # filled outright up to it, a crown of 0.4-0.8 haze pocked with holes jumped from 0.45 outside to 1 inside
    # the 0.5 contour, a pixel staircase along the top of the head (tom_cruise_tight.jpg)
    outer = np.pad((solid | holes).astype(np.uint8), 1, mode="edge")  # the frame's border is not an outline
    d_out = cv2.distanceTransform(outer, cv2.DIST_L2, 5)[1:-1, 1:-1]
    w = w * np.clip(d_out / r, 0, 1)
    return (a + w * (1 - a)).astype(np.float32)


def context_probability(prob: np.ndarray, photo_shape: tuple[int, int], matrix: np.ndarray,
                        size: tuple[int, int]) -> np.ndarray:
    """The whole photo's person probability mapped into a crop (for :func:`matte`'s ``context``).

    Parameters
    ----------
    prob : ndarray
        ``(h, w)`` person probability of the photo at any working size.
    photo_shape : tuple of int
        ``(H, W)`` of the photo.
    matrix : ndarray
        ``(2, 3)`` affine map from photo pixels to crop pixels (``Framing.matrix``).
    size : tuple of int
        ``(height, width)`` of the crop.

    Returns
    -------
    ndarray
        ``(height, width)`` float32; 0 outside the photo.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.zeros((50, 50), np.float32); p[25:, :] = 1     # the photo's lower half at half size
    >>> m = np.array([[1, 0, -10], [0, 1, -40]], float)        # a crop from (10, 40) of a 100x100 photo
    >>> c = context_probability(p, (100, 100), m, (30, 30))
    >>> c.shape, float(c[5, 5]), float(c[25, 5])
    ((30, 30), 0.0, 1.0)
    """
    p = np.asarray(prob, np.float32)
    H, W = photo_shape
    sx, sy = p.shape[1] / W, p.shape[0] / H
    m = np.asarray(matrix, np.float64)
    # crop <- photo <- working size: scale the working size up to the photo first
    up = np.array([[1 / sx, 0, 0.5 / sx - 0.5], [0, 1 / sy, 0.5 / sy - 0.5], [0, 0, 1]])
    full = np.vstack([m, [0, 0, 1]]) @ up
    h, w = size
    out = cv2.warpAffine(p, full[:2], (int(w), int(h)), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=0)
    return np.clip(out, 0, 1).astype(np.float32)


def embedded_islands(alpha: np.ndarray, landmarks: np.ndarray, *, joined: float = 0.2) -> np.ndarray:
    """Pieces above 0.5 that sit in the subject's own soft alpha are held at 0.5, not left to be cut out.

    :func:`attached_only` removes every piece of ``alpha > 0.5`` not joined to the subject's. In a loose wisp
    (scarlett_1.jpg) or a crown of soft short hair (obama.jpg) the denser crossings of strands reach 0.6-0.9 while
    the strands around them are 0.3-0.5: each crossing is such a piece, and cutting it left a hard-edged hole of
    the new backdrop with the strands' soft rim round it (a dark speck with a thin dark outline at 3x). A piece
    joined to the subject through alpha above ``joined`` (8-connected) is part of the subject's soft edge: it is
    lowered to the level of the soft alpha round it (a Gaussian average of 2 px, at most 0.5), so it is no separate
    piece and :func:`attached_only` keeps it as soft alpha beside the subject.
    Pieces that only a fainter haze or clear background joins to the subject are left as they are (and go).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> a = np.zeros((512, 512), np.float32); a[60:, 150:360] = 1
    >>> a[40:60, 200:300] = 0.4; a[56:59, 240:250] = 0.8    # a denser crossing in a wisp above the head
    >>> a[10:20, 10:20] = 0.8                               # a piece of background far away
    >>> b = embedded_islands(a, lm)
    >>> round(float(b[57, 245]), 2), round(float(b[15, 15]), 2), round(float(b[50, 210]), 2)
    (0.4, 0.8, 0.4)
    >>> round(float(attached_only(b, lm)[57, 245]), 2), float(attached_only(a, lm)[57, 245])
    (0.4, 0.0)
    """
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    from scipy import ndimage

    eight = np.ones((3, 3))
    face = _face_hull(a.shape, lm)
    labels, _ = ndimage.label(a > 0.5, structure=eight)
    keep = np.unique(labels[face & (labels > 0)])
    pieces = (labels > 0) & ~np.isin(labels, keep[keep > 0])
    if not pieces.any():
        return a.copy()
    soft, _ = ndimage.label(a > joined, structure=eight)
    own = np.unique(soft[face & (soft > 0)])
    inside = pieces & np.isin(soft, own[own > 0])
    if not inside.any():
        return a.copy()
    # at the level of the soft hair round it (at most 0.5): a crossing in a faint haze stays as faint as the haze
    around = (a > joined) & (a <= 0.5)
    level = normalized_blur(a, around.astype(np.float32), 2.0) if around.any() else np.full_like(a, 0.5)
    return np.where(inside, np.minimum(a, np.clip(level, joined, 0.5)), a).astype(np.float32)


def loose_strands(alpha: np.ndarray, subject: np.ndarray, face_width: float, *, joined: float = 0.1,
                  reach: float = 0.25, flank: int = 2, thin: float = 0.012) -> np.ndarray:
    """Weight in [0, 1] of the faint alpha that continues the subject outward as loose strands.

    A loose wisp of hair (scarlett_1.jpg) runs out from the opaque hair as strands of alpha 0.15-0.5, 0.1-0.15
    face widths long; no strand is above 0.5, so none is part of ``subject``. A pixel is a strand's when it is
    joined to ``subject`` through thin alpha above ``joined`` (8-connected: the strand itself is the path; thin:
    at least ``joined`` above the grey-scale opening of alpha by a disc of ``thin`` face widths), or lies
    within ``flank`` pixels of such a pixel with alpha of its own (the strand's soft sides). The weight fades
    from 1 to 0 over the last 30 % of ``reach`` face widths from the subject (the euclidean distance): a haze that
    the soft edge joins to the subject cannot spread over the frame, and a strand longer than that fades out
    instead of ending in a cut. A haze apart from the subject (joined through alpha below ``joined`` only) gets 0.

    Parameters
    ----------
    alpha : ndarray
        ``(H, W)`` alpha in [0, 1].
    subject : ndarray
        ``(H, W)`` bool, the subject's own opaque piece.
    face_width : float
        In pixels.
    joined : float
        A strand's path to the subject is above this alpha.
    reach : float
        How far, in face widths, a strand may run from ``subject``.
    thin : float
        Radius, in face widths, of the disc a strand is thinner than (a soft haze is broader).
    flank : int
        Pixels beside the strand's path kept with it.

    Returns
    -------
    ndarray
        ``(H, W)`` float32 weight; 0 on ``subject`` itself and where no strand continues it.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.zeros((40, 80), np.float32); a[:, :20] = 1
    >>> a[19:21, 20:60] = 0.3; a[18, 20:60] = a[21, 20:60] = 0.05    # a strand with its soft sides
    >>> a[5:8, 40:50] = 0.3                                           # a patch of haze apart from it
    >>> a[30:40, 20:60] = 0.3                                         # a broad haze joined to the subject
    >>> w = loose_strands(a, a > 0.5, 200.0)                         # reach: 50 px, fading from 35 px
    >>> float(w[20, 50]), float(w[18, 40]), float(w[6, 45]), float(w[5, 10]), float(w[35, 40])
    (1.0, 1.0, 0.0, 0.0, 0.0)
    >>> round(float(loose_strands(a, a > 0.5, 200.0, reach=0.2)[20, 55]), 2)   # 36 px out of 40: fading
    0.33
    """
    from scipy import ndimage

    a = np.asarray(alpha, np.float32)
    main = np.asarray(subject, bool)
    if not main.any():
        return np.zeros_like(a)
    eight = np.ones((3, 3))
    # a strand is thin: it stands above the alpha round it (a grey-scale opening by a disc of ``thin`` face widths
    # takes it out), where a broad soft haze the matting joined to the head (obama.jpg's shape-led wedge above the
    # crown, obama3.jpg's grey band beside the temple) is kept by the opening and is no path
    r = max(int(round(float(thin) * max(float(face_width), 1.0))), 1)
    ridge = a - cv2.morphologyEx(a, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2))
    d = cv2.distanceTransform((~main).astype(np.uint8), cv2.DIST_L2, 5)
    root = d <= r + 1.5  # where a strand leaves the subject the opening climbs to the subject's alpha: no ridge
    paths, _ = ndimage.label(((a > joined) & ((ridge > joined) | root)) | main, structure=eight)
    own = np.unique(paths[main & (paths > 0)])
    strand = np.isin(paths, own[own > 0]) & ~main
    if not strand.any():
        return np.zeros_like(a)
    if flank > 0:  # the strand's soft sides, below ``joined``: no cut along the strand's own length
        sides = cv2.dilate(strand.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=int(flank)).astype(bool)
        strand |= sides & (a > 0) & ~main
    far = max(float(reach) * max(float(face_width), 1.0), 1.0)
    fade = np.clip((far - d) / (0.3 * far), 0, 1)
    return (strand * fade).astype(np.float32)


def _subject_piece(alpha: np.ndarray, lm: np.ndarray) -> np.ndarray:
    """The 8-connected region of ``alpha > 0.5`` that overlaps the face (bool)."""
    from scipy import ndimage

    labels, _ = ndimage.label(np.asarray(alpha) > 0.5, structure=np.ones((3, 3)))
    keep = np.unique(labels[_face_hull(labels.shape, lm) & (labels > 0)])
    return np.isin(labels, keep[keep > 0])


def attached_only(alpha: np.ndarray, landmarks: np.ndarray, *, reach: float = 0.04,
                  strands: float | None = 0.25, loose: np.ndarray | None = None) -> np.ndarray:
    """Remove every piece of ``alpha`` not joined to the subject (no floating debris).

    The subject is the 8-connected region of ``alpha > 0.5`` that overlaps
    the face; other regions above 0.5 become 0, and faint alpha (at most 0.5)
    survives within ``reach`` face widths of the subject (soft edges), never as
    a separate haze. Further out, faint alpha survives where it continues the
    subject as a loose strand (:func:`loose_strands`, up to ``strands`` face
    widths out, fading at the end): a wisp is not cut to a blunt round arc at
    ``reach``. A piece above 0.5 such a strand holds is lowered to 0.5 (a strand's
    denser crossing: soft hair, not a second piece). ``strands=None``: no strand
    is kept beyond ``reach``.

    ``loose`` (optional, ``(H, W)`` weight in [0, 1]): where the photo's own colours found loose strands, lines
    lighter than the wall that leave the hair's band (:func:`strand_band`, which joins them to it at the working
    size). There faint alpha is a strand's and is kept, at that weight (at most 0.5): a fan of strands, 0.05-0.3
    each, crossing each other and fading where they pass before the neck, is no thin path of alpha above 0.1 that
    :func:`loose_strands` could follow (scarlett_4.jpg's hair below the ear ended at the neck).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> a = np.zeros((512, 512), np.float32); a[60:, 150:360] = 1; a[10:20, 10:20] = 0.7
    >>> a[100:110, 147:150] = 0.3  # a soft edge next to the subject stays
    >>> a[300, 360:375] = 0.3      # a loose strand 15 px long (0.16 face widths)
    >>> b = attached_only(a, lm)
    >>> float(b[200, 250]), float(b[15, 15]), round(float(b[105, 148]), 2), round(float(b[300, 372]), 2)
    (1.0, 0.0, 0.3, 0.3)
    >>> float(attached_only(a, lm, strands=None)[300, 372])
    0.0
    >>> a[200:260, 360:390] = 0.08                           # a fan of faint strands the colours found ...
    >>> z = np.zeros_like(a); z[200:260, 360:390] = 1
    >>> float(attached_only(a, lm)[230, 385]), round(float(attached_only(a, lm, loose=z)[230, 385]), 2)
    (0.0, 0.08)
    """
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    main = _subject_piece(a, lm)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    r = max(int(round(reach * fw)), 2)
    near = cv2.dilate(main.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    out = np.where(main | ((a <= 0.5) & near.astype(bool)), a, 0.0).astype(np.float32)
    if strands is None and loose is None:
        return out
    w = np.zeros_like(a) if strands is None else loose_strands(a, main, fw, reach=strands) * ~near.astype(bool)
    if loose is not None:  # where the colours found strands joined to the hair, faint alpha is theirs
        w = np.maximum(w, np.clip(np.asarray(loose, np.float32), 0, 1) * ~(main | near.astype(bool)))
    if not w.any():
        return out
    return np.where(w > 0, w * np.minimum(a, 0.5), out).astype(np.float32)


def _near_old_background(img: np.ndarray, background: np.ndarray, *, low: float = 0.08,
                         high: float = 0.16) -> np.ndarray:
    """1 where an edge pixel has the old background's colour (within ``low``, sRGB distance), 0 from ``high`` on.

    :func:`foreground`'s low-contrast rule gives the soft edge the colour of the person just inside, because
    there the pixel is mostly the old backdrop and dividing by alpha brings back its JPEG blocks. A pixel far
    from the backdrop's colour holds the person's own: dark hair at a temple before a skin-coloured wall
    (yangmi_3.jpg, yangmi_4.jpg), where the rule, set by the skin below the hairline being alike the wall,
    turned the hair's edge into blocks of skin colour beside blocks of hair.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.array([[[0.10, 0.10, 0.10], [0.58, 0.48, 0.38]]], np.float32)
    >>> wall = np.full((1, 2, 3), (0.6, 0.5, 0.4), np.float32)
    >>> _near_old_background(img, wall).round(2).tolist()
    [[0.0, 1.0]]
    """
    d = np.linalg.norm(np.asarray(img, np.float32) - np.asarray(background, np.float32), axis=-1)
    return np.clip((high - d) / (high - low), 0, 1).astype(np.float32)


def foreground(pixels: np.ndarray, alpha: np.ndarray, *, work_side: int = 640,
               face_width: float | None = None) -> np.ndarray:
    """Foreground colours with the old background taken out of the soft edge.

    ``pymatting.estimate_foreground_ml`` (multi-level, Germer et al.) solves
    ``I = a F + (1 - a) B`` for smooth ``F`` and ``B`` at a working size; at full
    resolution ``F = (I - (1 - a) B) / a`` with that ``B`` where alpha is large
    enough to divide by, and the solved ``F`` (upsampled) where it is not.
    Pixels with alpha 1 are returned unchanged.

    With ``face_width`` (px), where the person and the old background beside
    the outline are alike (:func:`low_contrast`) that division is ill-posed
    and the edge pixel is mostly old background (its JPEG blocks): there the
    soft edge takes the colour of the person just inside (a normalised blur
    of the opaque pixels), so no block of the old backdrop is carried over.

    Examples
    --------
    >>> import numpy as np
    >>> F, B = np.array([0.8, 0.2, 0.2], np.float32), np.array([0.1, 0.9, 0.1], np.float32)
    >>> a = np.tile(np.linspace(0, 1, 32, dtype=np.float32), (32, 1))
    >>> img = (a[..., None] * F + (1 - a[..., None]) * B).astype(np.float32)
    >>> fg = foreground(img, a)
    >>> bool(np.abs(fg[16, 16] - F).max() < 0.05)
    True
    """
    from pymatting import estimate_foreground_ml

    pixels = check_image(pixels)
    a = np.asarray(alpha, np.float32)
    H, W = a.shape
    edge = (a > 0) & (a < 1)
    if not edge.any():
        return pixels.copy()
    ys, xs = np.nonzero(edge)
    pad = max(int(0.02 * max(H, W)), 4)
    y0, y1 = max(ys.min() - pad, 0), min(ys.max() + pad + 1, H)
    x0, x1 = max(xs.min() - pad, 0), min(xs.max() + pad + 1, W)
    img, al = pixels[y0:y1, x0:x1], a[y0:y1, x0:x1]
    h, w = al.shape
    s = min(1.0, work_side / max(h, w))
    ws, hs = max(int(round(w * s)), 4), max(int(round(h * s)), 4)
    F_s, B_s = estimate_foreground_ml(resize(img, (ws, hs), cv2.INTER_AREA).astype(np.float64),
                                      resize(al, (ws, hs), cv2.INTER_AREA).astype(np.float64),
                                      return_background=True)
    F_up = resize(np.clip(F_s, 0, 1).astype(np.float32), (w, h))
    B_up = resize(np.clip(B_s, 0, 1).astype(np.float32), (w, h))
    a3 = al[..., None]
    F = np.clip((img - (1 - a3) * B_up) / np.maximum(a3, 1e-3), 0, 1)
    if s < 1:  # divide where alpha allows it, the solved (smooth) F where it does not
        trust = np.clip((a3 - 0.3) / 0.4, 0, 1)
        F = trust * F + (1 - trust) * F_up
    else:
        F = F_up
    if face_width is not None:
        # at the working size (smooth estimates; full-size blurs of 0.08 face widths cost minutes on 3000 px photos)
        img_s = resize(img, (ws, hs), cv2.INTER_AREA)
        solid = resize(al, (ws, hs), cv2.INTER_AREA) >= 0.98
        if solid.any() and (~solid).any():
            fw_s = face_width * s
            w = low_contrast(img_s, solid, fw_s)
            w = (resize(w, (al.shape[1], al.shape[0])) * edge[y0:y1, x0:x1])[..., None]
            w = w * _near_old_background(img, B_up)[..., None]
            if w.max() > 0:
                d_in = cv2.distanceTransform(solid.astype(np.uint8), cv2.DIST_L2, 5)
                ring = (solid & (d_in > 1) & (d_in <= max(0.06 * fw_s, 3.0))).astype(np.float32)
                inside = normalized_blur(img_s, ring if ring.any() else solid.astype(np.float32), max(0.02 * fw_s, 1.0))
                F = (1 - w) * F + w * resize(inside, (al.shape[1], al.shape[0]))
    out = pixels.copy()
    region = out[y0:y1, x0:x1]
    e = edge[y0:y1, x0:x1]
    region[e] = F[e]
    return out


@dataclass(frozen=True)
class MatteReport:
    """Checks on a matte.

    Attributes
    ----------
    ok : bool
        No problems (warnings allowed).
    problems, warnings : tuple of str
    metrics : dict
        ``face_coverage`` (mean alpha over the face), ``subject_fraction``,
        ``soft_fraction`` (0.02 < alpha < 0.98), ``top_edge`` (alpha along the top
        border away from the head), ``components``.
    """

    ok: bool
    problems: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    metrics: dict[str, float] = field(default_factory=dict)


def stray_specks(alpha: np.ndarray, landmarks: np.ndarray, *, largest: float = 0.01, least: int = 4,
                 joined: float = 0.2) -> np.ndarray:
    """A speck of a few pixels above 0.5 apart from the subject is no second piece: soft edge or debris, not kept.

    :func:`matte_quality` counts the 8-connected pieces of ``alpha > 0.5`` and any second one throws the whole
    cut-out away (the style falls back to the photo's own background). On pengwei.jpg's linkedin crop (2102 px,
    main ``4cede4b``) that second piece was ONE pixel at 0.52 in the soft edge of the jaw, two pixels out,
    between pixels of 0.47-0.50: a local bump of the soft edge over the threshold, no object. It was made by
    :func:`smooth_skin_outline` (the jaw's outline drawn again as a ramp) and kept by :func:`attached_only`,
    which keeps every piece that touches the face's hull, and the jaw's rim is on it. The steps after the matte
    (the border mend, the clean-up rules, the continued body) blend alpha again too, so the stage runs this
    last, right before the check.

    A piece other than the subject's (the one that holds most of the face) is a speck when it holds at most
    ``max(least, (largest * face width) ** 2)`` pixels (face width 700 px: 49 px, a 7x7 blob; 100 px: 4 px):
    far too small for a hand, a chunk of a chandelier or a curtain, which are as large as the face's features
    or larger and still fail the check. A speck joined to the subject through alpha above ``joined``
    (8-connected) lies in the subject's own soft edge or hair: it is lowered to 0.5 (it stays part of the soft
    edge, as :func:`embedded_islands` does for a crossing of strands). A speck the subject's soft alpha does not
    reach floats over the backdrop: it goes with the faint alpha round it that joins nothing else (0, the new
    backdrop): debris is not shown either. A jewel or strand the matte keeps is joined to the subject (through
    its soft alpha) or larger than a speck, so it stays as the rules before left it.

    Parameters
    ----------
    alpha : ndarray
        ``(H, W)`` alpha in [0, 1].
    landmarks : ndarray
        ``(68, 2)`` landmarks of the subject.
    largest : float
        A speck's largest side of a square of the same area, in face widths.
    least : int
        Pixels a speck may always hold, however small the face.
    joined : float
        The alpha through which a speck is the subject's soft edge.

    Returns
    -------
    ndarray
        ``(H, W)`` float32; the same values where there is no speck.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> a = np.zeros((512, 512), np.float32); a[60:, 150:360] = 1
    >>> a[200:300, 360:364] = 0.45; a[250, 362] = 0.52        # a bump in the soft edge over 0.5
    >>> a[20, 20] = 0.7; a[19:22, 19:22] = np.maximum(a[19:22, 19:22], 0.1)   # a floating speck
    >>> matte_quality(a, lm).problems
    ('the matte has 3 separate pieces',)
    >>> b = stray_specks(a, lm)
    >>> float(b[250, 362]), float(b[20, 20]), float(b[19, 19]), float(b[200, 250]), matte_quality(b, lm).ok
    (0.5, 0.0, 0.0, 1.0, True)
    >>> a[10:40, 400:440] = 0.9                                # a chunk as large as an eye: kept, still a piece
    >>> matte_quality(stray_specks(a, lm), lm).problems
    ('the matte has 2 separate pieces',)
    """
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    from scipy import ndimage

    eight = np.ones((3, 3))
    labels, n = ndimage.label(a > 0.5, structure=eight)
    if n <= 1:
        return a.copy()
    over = np.bincount(labels[_face_hull(a.shape, lm)], minlength=n + 1)
    over[0] = 0
    if not over.any():  # no subject to tell specks from: the check decides
        return a.copy()
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    size = np.bincount(labels.ravel(), minlength=n + 1)
    small = size <= max(int(least), (float(largest) * fw) ** 2)
    small[0] = False
    # the subject is the piece that holds most of the face; a speck on the face hull's rim (a bump of the jaw's
    # soft edge: :func:`attached_only` keeps every piece that touches the hull) is still a speck
    small[int(np.argmax(over))] = False
    if not small.any():
        return a.copy()
    own = np.flatnonzero((over > 0) & ~small)
    specks = small[labels]
    soft, _ = ndimage.label(a > joined, structure=eight)
    near = np.unique(soft[np.isin(labels, own) & (soft > 0)])
    edge = specks & np.isin(soft, near[near > 0])  # in the subject's own soft edge: soft edge
    out = np.where(edge, np.minimum(a, 0.5), a)
    loose = specks & ~edge
    if loose.any():  # floating: the speck and the faint alpha round it that joins nothing else go
        faint, _ = ndimage.label(out > 0, structure=eight)
        others = np.unique(faint[(out > 0.5) & ~loose & (faint > 0)])  # the subject and every larger piece
        halo = np.isin(faint, np.unique(faint[loose])) & ~np.isin(faint, others[others > 0])
        out = np.where(loose | halo, 0.0, out)
    return out.astype(np.float32)


def matte_quality(alpha: np.ndarray, landmarks: np.ndarray, *, valid: np.ndarray | None = None,
                  others=None) -> MatteReport:
    """Sanity checks that catch a failed matte before it reaches a print.

    With ``others`` (boxes of the other faces, as for :func:`matte`), a cut-out
    that still holds more than a third of another person's face is a problem:
    the people could not be told apart, and a style without a cut-out is
    better than a headshot with a stranger's face in it.

    Examples
    --------
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> img, lm = astronaut(), astronaut_landmarks()
    >>> matte_quality(matte(img, lm), lm).ok
    True
    """
    lm = check_landmarks(landmarks)
    a = np.asarray(alpha, np.float32)
    H, W = a.shape
    hull = _face_hull((H, W), lm)
    face_cov = float(a[hull].mean()) if hull.any() else 0.0
    frac = float(a.mean())
    soft = float(((a > 0.02) & (a < 0.98)).mean())
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    cx = lm[27:31, 0].mean()
    cols = np.abs(np.arange(W) - cx) > 1.5 * fw
    if valid is not None:  # the first row of the photo itself, not of an extended canvas
        rows = np.flatnonzero(np.asarray(valid, bool).any(1))
        first = int(rows[0]) if rows.size else 0
        cols = cols & np.asarray(valid, bool)[first]
    else:
        first = 0
    top = float(a[first, cols].mean()) if cols.any() else 0.0
    from scipy import ndimage

    n = int(ndimage.label(a > 0.5, structure=np.ones((3, 3)))[1])
    problems, warnings = [], []
    if face_cov < 0.9:
        problems.append(f"the matte misses part of the face ({face_cov:.0%} covered)")
    if frac > 0.97:
        problems.append("the matte covers almost the whole frame: background and person were not separated")
    elif frac > 0.9:
        warnings.append(f"the person fills {frac:.0%} of the frame (a tight crop)")
    if frac < 0.03:
        problems.append("the matte is almost empty")
    if top > 0.3:
        problems.append("the matte reaches the top edge away from the head (background kept as person)")
    if soft > 0.25:
        warnings.append(f"{soft:.0%} of the frame is partly transparent (busy or low-contrast background)")
    if n > 1:
        problems.append(f"the matte has {n} separate pieces")
    if others is not None and len(others):
        from candid.engines.studio.people import _face_ellipse

        for b in others:
            e = _face_ellipse((H, W), b, grow=0.8)
            if e.sum() > 0.3 * np.prod(np.clip([b[2] - b[0], b[3] - b[1]], 1, None)) and float(a[e].mean()) > 1 / 3:
                problems.append("another person's face is inside the cut-out (the people could not be separated)")
                break
    return MatteReport(ok=not problems, problems=tuple(problems), warnings=tuple(warnings),
                       metrics={"face_coverage": face_cov, "subject_fraction": frac, "soft_fraction": soft,
                                "top_edge": top, "components": float(n)})
