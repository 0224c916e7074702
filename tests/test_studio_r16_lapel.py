"""A suit's lapel point cut off halfway up the collar (round 16, r16-lapel).

32bit.png, obama2.jpg: the suit's lapel runs on past the shoulder as a narrow navy point between the white collar and
a light wall. GrabCut gave it 0.04 and closed-form matting 0 (its known person beside the point is the collar), so the
restored suit ended in a bump halfway up the collar. :func:`lost_lapels` marks cloth the colours are sure of, joined to
the opaque suit and unlike the wall beside it, as known person before the matting. Planted synthetic scenes on the
astronaut's landmarks at half size (256 px, face width 46 px, chin near row 89, lobes near row 66: fast).
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from candid.engines.studio.matte_rules import MatteRules
from candid.face.examples import astronaut_landmarks

M = importlib.import_module("candid.engines.studio.matte")

from studio_collar_scene import NAVY, SKIN, WALL, WHITE, collar_edge  # (pytest puts tests/ on the path)


@pytest.fixture(scope="module")
def lm():
    return astronaut_landmarks() * 0.5


def _scene(point_prob: float = 0.45, wall=WALL):
    """A light wall; the head and neck (skin, cols 88-136 from row 20); a navy suit from row 160 (cols 30-226) with a
    white collar (cols 136-150 from row 112); on the right the lapel's point, a navy strip 5 px wide (cols 150-155),
    rises from the suit's top to row 120 beside the collar. The segmenter is sure of all but the point
    (``point_prob``, below the mask's 0.5)."""
    img = np.empty((256, 256, 3), np.float32)
    img[:] = wall
    img[20:, 88:136] = SKIN
    img[160:, 30:226] = NAVY
    img[112:, 136:150] = WHITE
    img[120:160, 150:155] = NAVY
    prob = np.zeros((256, 256), np.float32)
    prob[20:, 88:136] = 1.0
    prob[112:, 136:150] = 1.0
    prob[160:, 30:226] = 1.0
    prob[120:160, 150:155] = point_prob
    return img, prob


def _trimap(prob, lm):
    return M.trimap(prob > 0.5, lm)


def test_the_lapels_point_is_marked_as_the_person(lm):
    img, prob = _scene()
    tri = _trimap(prob, lm)
    assert tri[125:158, 151:154].min() < 0.999  # (not known person before)
    t = M.lost_lapels(img, tri, lm, prob=prob)
    assert t[125:158, 151:154].min() == 1.0  # the point, to near its tip
    assert t[125:158, 160:].max() < 0.999  # the wall beside it is not
    assert t[:, :88].max() == tri[:, :88].max()  # nor anything on the other side
    # the wall within a pixel or two of the point is left to the matting (unknown), not known background
    assert (t[125:158, 156] == 0.5).all()


def test_nothing_without_the_segmenter(lm):
    img, prob = _scene()
    tri = _trimap(prob, lm)
    assert np.array_equal(M.lost_lapels(img, tri, lm, prob=None), tri)


def test_a_dark_strip_of_the_rooms_own_colour_is_not_marked(lm):
    # lecun.jpg: beside the collar, a strip of a dark, blurred room the segmenter half takes; as dark as the suit but
    # no darker than the room around it
    img, prob = _scene(wall=(0.16, 0.16, 0.2))
    tri = _trimap(prob, lm)
    t = M.lost_lapels(img, tri, lm, prob=prob)
    assert np.array_equal(t[:, 150:], tri[:, 150:])
    assert np.array_equal(t[:, :136], tri[:, :136])  # nor the neck's skin, light against the dark room


def test_cloth_the_segmenter_does_not_see_is_not_marked(lm):
    img, prob = _scene(point_prob=0.2)
    tri = _trimap(prob, lm)
    t = M.lost_lapels(img, tri, lm, prob=prob)
    assert t[125:150, 151:154].max() < 0.999


def test_the_matte_keeps_the_lapels_point(lm, monkeypatch):
    # the whole matte: the segmenter (planted) doubts the point at 0.45, GrabCut off (iterations=0)
    import candid.face.person as person

    img, prob = _scene()
    monkeypatch.setattr(person, "person_probability", lambda *a, **k: np.asarray(prob, np.float32))
    rules = MatteRules(iterations=0, work_side=256, focus_hair=False, dense=False)
    before = M.matte(img, lm, rules=rules.replace(lapels=False))
    after = M.matte(img, lm, rules=rules.replace(lapels=True))
    assert float(np.median(before[125:150, 151:154])) < 0.5  # without the rule: the point cut off
    assert after[128:158, 151:154].min() > 0.9  # the point kept, to near its tip
    assert after[128:158, 158:].max() < 0.05  # and not the wall beside it
    assert after[200, 100] > 0.99 and after[100, 110] > 0.99  # the suit and the face


def test_the_composite_does_not_lift_a_navy_point_to_grey():
    # 32bit.png: suppress_rim's lift (a soft edge darker than the person beside it holds a darker old background)
    # read the navy point beside the white collar as a gap and lifted it towards the collar's level: a grey smudge.
    # The navy is darker than the light wall: no mix of the collar and the wall
    from candid.engines.studio.composite import suppress_rim

    img, a = collar_edge()
    lm = astronaut_landmarks()
    new, _ = suppress_rim(img, a, width=6, landmarks=lm)
    old, _ = suppress_rim(img, a, width=6, landmarks=lm, own_dark=False)
    assert old[400, 297:300].mean() > 0.3  # the rule off: lifted to grey
    assert new[400, 296:300].mean() < 0.15  # the navy stays navy below the lobes
    assert np.array_equal(new[:40], old[:40])  # above the lobes the lift is as it was


def test_cloth_of_a_colour_the_wall_beside_it_holds_is_not_marked(lm):
    # obama.jpg: a navy flag beside the navy sleeve, with a red curtain beyond; the wall's blur is unlike the navy,
    # but the flag beside the sleeve holds its colour
    img, prob = _scene()
    img[100:175, 155:158] = NAVY  # a stripe of the flag right beside the point, that the segmenter calls background
    img[100:175, 158:] = (0.7, 0.15, 0.12)  # the curtain
    tri = _trimap(prob, lm)
    t = M.lost_lapels(img, tri, lm, prob=prob)
    assert t[125:150, 151:154].max() < 0.999
