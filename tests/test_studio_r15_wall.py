"""The photo's wall beside the neck kept as the person (round 15, r15-wall).

yangmi_4.jpg: an orange wall of nearly the skin's colour beside her neck was taken in by the segmenter at 0.5-0.75
and kept by GrabCut; :func:`continued_background` cuts a doubted piece of the mask that joins the backdrop with no
colour edge but is cut from the person's core by one. Planted synthetic cases on the astronaut's landmarks at half
size (256 px, face width 46 px, chin near row 88: fast); no real data needed.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from candid.engines.studio.matte_rules import MatteRules
from candid.face.examples import astronaut_landmarks

M = importlib.import_module("candid.engines.studio.matte")

WALL = (0.93, 0.66, 0.40)  # orange, lighter at the top
SKIN = (0.84, 0.64, 0.55)


@pytest.fixture(scope="module")
def lm():
    return astronaut_landmarks() * 0.5


def _scene(block_prob: float = 0.6):
    """A shaded orange wall, the person (a skin column from row 20, cols 70-185) and a block of wall beside the
    neck (rows 150-256, cols 185-235) that the mask took in; the segmenter gives the block ``block_prob``."""
    img = np.empty((256, 256, 3), np.float32)
    img[:] = WALL
    img[..., 0] -= np.linspace(0, 0.15, 256)[:, None]  # light fall-off: shading, no edge
    img[..., 1] -= np.linspace(0, 0.10, 256)[:, None]
    img[20:, 70:185] = SKIN
    m = np.zeros((256, 256), bool)
    m[20:, 70:185] = True
    m[150:, 185:235] = True
    prob = m.astype(np.float32)
    prob[150:, 185:235] = block_prob
    return img, m, prob


def test_a_doubted_block_of_wall_beside_the_neck_is_cut(lm):
    img, m, prob = _scene()
    cut = M.continued_background(img, m, lm, prob=prob)
    assert cut[155:, 190:235].mean() > 0.95  # the block
    assert not cut[:, :185].any()  # never the person
    assert not cut[~m].any()  # only pixels of the mask


def test_the_cut_reaches_the_necks_edge_where_the_segmenter_is_sure_of_a_strip_of_wall(lm):
    # yangmi_4: the segmenter's coarse outline is sure (0.9-1.0) of a strip of wall 5-15 px wide beside the neck;
    # left, it showed as an orange line along the neck on the new backdrop
    img, m, prob = _scene()
    prob[150:, 185:191] = 1.0
    cut = M.continued_background(img, m, lm, prob=prob)
    assert cut[160:250, 188:191].mean() > 0.9  # to within 2 px of the edge (the unknown band decides those)
    assert not cut[:, :184].any()


def test_a_block_the_segmenter_is_sure_of_stays(lm):
    img, m, prob = _scene(block_prob=1.0)
    assert not M.continued_background(img, m, lm, prob=prob).any()


def test_no_segmenter_no_cut(lm):
    img, m, _ = _scene()
    assert not M.continued_background(img, m, lm, prob=None).any()


def test_clothes_of_the_backdrops_colour_joined_to_the_person_without_an_outline_stay(lm):
    # obama3 / biden: a dark suit before a dark curtain; here a shoulder in the wall's own colour that the
    # segmenter doubts, joined to the chest (the person's sure core) with no edge between: it crosses as little
    # edge from the person as from the backdrop
    img, m, prob = _scene()
    img[150:, 70:235] = img[150:, 235:236]  # the shoulder and the chest below it are cloth of the wall's colour
    cut = M.continued_background(img, m, lm, prob=prob)
    assert not cut.any()


def test_the_rim_of_the_segmenters_soft_outline_is_left_to_the_matting(lm):
    # a strip of 2 px of wall outside the person's edge, doubted: the rim of a soft outline, not a piece
    img, m, prob = _scene()
    m[150:, 185:] = False
    m[150:, 185:187] = True
    prob = m.astype(np.float32)
    prob[150:, 185:187] = 0.6
    assert not M.continued_background(img, m, lm, prob=prob).any()


def test_an_ears_rim_is_left_alone(lm):
    # yangmi_4 (a tilted head): the ear lies below the lobes' line, its rim is of the wall's colour and its folds
    # are edges between it and the face; within the ears' hull it is never cut
    img, m, prob = _scene()
    m[150:, 185:] = False
    prob = m.astype(np.float32)
    ear = (slice(50, 75), slice(136, 145))  # beside the jaw's top points, within the ears' hull
    m[ear] = True
    prob[ear] = 0.6
    assert not M.continued_background(img, m, lm, prob=prob).any()


def test_edge_cost_is_free_on_shading_and_costs_an_outlines_contrast():
    img = np.zeros((20, 60, 3), np.float32)
    img[..., 0] = np.linspace(0.2, 0.5, 60)  # 0.005 per pixel
    img[:, 40:, 2] += 0.4
    c = M.edge_cost(img)
    assert c[10, 5:35].sum() < 0.01
    assert 0.3 < c[10, 34:47].sum() < 0.45


def test_matte_cuts_the_wall_the_segmenter_half_saw(lm, monkeypatch):
    # the whole matte: the segmenter (planted) takes in the block of wall at 0.6; GrabCut off (iterations=0), as on
    # yangmi_4 where its colour models kept the block
    import candid.face.person as person

    img, m, prob = _scene()
    monkeypatch.setattr(person, "person_probability", lambda *a, **k: np.asarray(prob, np.float32))
    # enclosed=False: the hoop-pocket rule (enclosed_background) can find the same block from its own evidence;
    # this test is about continued_background alone
    rules = MatteRules(iterations=0, work_side=256, focus_hair=False, dense=False, jewellery=False, enclosed=False)
    kept = M.matte(img, lm, rules=rules.replace(walls=False))
    assert kept[210, 210] > 0.9  # the rule off: the block is opaque person (main's matte)
    a = M.matte(img, lm, rules=rules)
    assert a[165:250, 193:235].max() < 0.05
    assert a[210, 150] > 0.99 and a[100, 125] > 0.99  # the person


def test_a_doubted_sleeve_with_its_own_outline_stays_even_behind_a_fold(lm):
    # the known-alpha astronaut: an orange sleeve the segmenter doubts, cut from the chest by folds and seams, but
    # with its own outline against the backdrop: the backdrop does not reach it without crossing an edge
    img, m, prob = _scene()
    img[150:, 185:235] = (0.95, 0.45, 0.20)  # the sleeve: an outline against the wall
    img[150:, 185:187] = (0.5, 0.3, 0.2)  # a dark fold between it and the chest
    assert not M.continued_background(img, m, lm, prob=prob).any()
