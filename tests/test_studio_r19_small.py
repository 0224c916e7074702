"""Round 19: small faces in casual group snapshots; a flash's cast shadow beside the cheek (2008_002506.jpg).

The segmenter's outline ran through the dark shadow strip on the wall beside the cheek, so the wall read alike on
both sides of it and ``low_contrast`` handed the outline to the segmenter's shape, which put the strip back after
GrabCut and the matting had cut it at the skin's edge. ``MatteRules(cheek_shadows=True)`` (``cheek_shadow``) takes the
shape's word away there. The scenes give ``matte`` the segmenter's and GrabCut's views (``_frame_views``), so no
model runs.
"""

import functools

import cv2
import numpy as np

from candid.engines.studio.matte import _face_hull, cheek_shadow, matte
from candid.engines.studio.matte_rules import MatteRules
from candid.face.examples import astronaut_landmarks

S = 240
WALL = (0.14, 0.14, 0.15)
SHADOW = (0.09, 0.085, 0.08)  # darker and warmer than the wall, as 2506's
SKIN = (0.75, 0.55, 0.45)


def _landmarks() -> np.ndarray:
    return astronaut_landmarks() - np.array([100, 0], np.float32)


@functools.lru_cache(maxsize=None)
def _scene(strip=SHADOW):
    """A face (the landmarks' hull) with neck and shirt before a dark wall, a 12 px strip of ``strip`` round the
    person; the segmenter's view holds the strip (soft), GrabCut's does not."""
    lm = _landmarks()
    img = np.full((S, S, 3), WALL, np.float32)
    yy, xx = np.mgrid[:S, :S]
    hull = _face_hull((S, S), lm)
    body = yy > lm[8, 1] + 40
    person = hull | ((np.abs(xx - lm[8, 0]) < 45) & (yy > lm[8, 1] - 30)) | body
    own = cv2.dilate(person.astype(np.uint8), np.ones((25, 25), np.uint8)) > 0
    img[own & ~person] = strip
    img[person] = SKIN
    img[body] = (0.9, 0.75, 0.1)
    raw = cv2.GaussianBlur(own.astype(np.float32), (0, 0), 3)
    prob = np.where(person, 1.0, 0.05).astype(np.float32)
    return img, lm, raw, prob


@functools.lru_cache(maxsize=None)
def _mattes(strip=SHADOW):
    img, lm, raw, prob = _scene(strip)
    # neck_edge (r19-temple) also keeps the shape off the lower cheek before a dark wall: off here, so these
    # tests see cheek_shadows alone
    on = matte(img, lm, _frame_views=(raw, prob), rules=MatteRules(work_side=S, neck_edge=False))
    off = matte(img, lm, _frame_views=(raw, prob),
                rules=MatteRules(work_side=S, cheek_shadows=False, neck_edge=False))
    return on, off


def _beside_cheek() -> tuple[int, slice]:
    lm = _landmarks()
    y = int(round(lm[2, 1]))  # between the eye line and the chin
    x = int(round(lm[2, 0]))
    return y, slice(x - 11, x - 3)  # in the strip, outside the jaw's landmarks


def test_shadow_beside_the_cheek_is_not_put_back_by_the_shape():
    on, off = _mattes()
    y, xs = _beside_cheek()
    assert off[y, xs].min() > 0.9  # the shape rule held the strip (the grey band on a light backdrop)
    assert on[y, xs].max() < 0.1  # the cheek's skin edge, as colour cut it


def test_the_temple_above_the_eye_line_is_left_to_the_shape():
    on, off = _mattes()
    lm = _landmarks()
    eye_row = int(lm[36:48, 1].mean())
    above = eye_row - int(0.1 * np.linalg.norm(lm[16] - lm[0]))  # (the outline's smoothing reaches a few px up)
    assert np.array_equal(on[:above], off[:above])
    assert not np.array_equal(on, off)


def test_a_strip_lighter_than_the_wall_is_no_shadow():
    # dark hair before a darker wall: the rule finds nothing and the matte is byte-identical
    on, off = _mattes((0.2, 0.19, 0.18))
    assert np.array_equal(on, off)
    on, off = _mattes()  # the same scene with the strip darker than the wall: changed
    assert not np.array_equal(on, off)


def test_cheek_shadow_needs_the_colour_matte_to_have_cut_the_strip():
    img, lm, raw, _ = _scene()
    own = raw > 0.5
    hull = _face_hull((S, S), lm)
    assert cheek_shadow(img, hull.astype(np.float32), own, lm).max() == 1.0
    assert cheek_shadow(img, own.astype(np.float32), own, lm).max() == 0.0  # colour kept it: not this rule's


def test_cheek_shadows_is_on_by_default():
    assert MatteRules().cheek_shadows is True
