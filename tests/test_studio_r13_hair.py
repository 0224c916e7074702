"""Hair outline at 1:1 (round 13, helper-87): planted synthetic cases, no real data needed."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candid.face.examples import astronaut_landmarks

M = importlib.import_module("candid.engines.studio.matte")


@pytest.fixture(scope="module")
def lm():
    return astronaut_landmarks()


def _short_hair(lm):
    """A dark short-haired head before a light backdrop, its hair cap held see-through a few px inside the outline."""
    img = np.full((512, 512, 3), (0.85, 0.83, 0.78), np.float32)  # a light, lit backdrop
    a = np.zeros((512, 512), np.float32)
    a[40:, 150:360] = 1
    img[40:, 150:360] = (0.22, 0.2, 0.19)  # dark hair (and below it, the rest of the person)
    img[34:40, 150:360] = (0.55, 0.53, 0.5)  # the outline: a true mix of hair and backdrop
    a[34:40, 150:360] = 0.5
    a[40:52, 150:360] = 0.75  # the matting's answer in the hair cap: see-through
    return img, a


def test_dense_hair_makes_hair_of_the_hairs_colour_opaque(lm):
    img, a = _short_hair(lm)
    b = M.dense_hair(img, a, lm)
    assert b[44:52, 200:280].min() > 0.95  # the cap: as opaque as its colour says (was 0.75)
    assert np.allclose(b[34:38, 200:280], 0.5)  # the mixed outline keeps its coverage
    assert b[:30].max() == 0  # the backdrop stays


def test_dense_hair_leaves_light_strands_before_a_dark_wall(lm):
    img, a = _short_hair(lm)
    img = 1 - img  # light hair before a dark wall: the loose wisps strand_gaps reads
    assert np.array_equal(M.dense_hair(img, a, lm), a)


@settings(max_examples=20, deadline=None)
@given(st.floats(0.05, 0.95), st.integers(0, 2 ** 16))
def test_dense_hair_never_lowers_alpha_nor_moves_the_outline(level, seed):
    lm = astronaut_landmarks()
    rng = np.random.default_rng(seed)
    img, a = _short_hair(lm)
    img = np.clip(img + rng.normal(0, 0.05, img.shape), 0, 1).astype(np.float32)
    a[30:60, 150:360] = np.clip(level + rng.normal(0, 0.2, (30, 210)), 0, 1)
    b = M.dense_hair(img, a, lm)
    assert (b >= a).all()
    inside = M.gauss(a, 1.0) > 0.5
    assert np.array_equal(b[~inside], a[~inside])


def test_a_dense_crossing_in_a_wisp_stays_soft_hair(lm):
    # strands of 0.4 beside the head with a crossing of 0.8 in them: the crossing is no separate piece to cut, it
    # takes the strands' level
    a = np.zeros((512, 512), np.float32)
    a[60:, 150:360] = 1
    a[35:60, 200:300] = 0.4
    a[56:59, 240:248] = 0.8
    old = M.attached_only(a, lm)
    assert old[57, 244] == 0  # before: a hard-edged hole of the backdrop in the wisp
    b = M.attached_only(M.embedded_islands(a, lm), lm)
    assert b[57, 244] == pytest.approx(0.4, abs=0.01) and b[57, 210] == pytest.approx(0.4)
    from candid.scorecard.metrics import detached_pieces

    assert detached_pieces(b) == 0


def test_a_piece_only_a_faint_haze_joins_is_still_cut(lm):
    a = np.zeros((512, 512), np.float32)
    a[60:, 150:360] = 1
    a[20:60, 200:300] = 0.1  # a faint haze of the old background above the head
    a[56:59, 240:248] = 0.9  # and a piece of background in it, beside the head
    b = M.attached_only(M.embedded_islands(a, lm), lm)
    assert b[57, 244] == 0


def test_the_hair_edge_keeps_its_colour_where_the_skin_is_the_walls(lm):
    # a temple: skin before a wall of the skin's colour (alike: the soft edge would take the colour just inside),
    # with dark hair along the outline; the hair's soft edge is the hair's colour, not blocks of skin
    skin = np.array([0.85, 0.68, 0.58], np.float32)
    img = np.tile(skin * 0.97, (512, 512, 1)).astype(np.float32)  # the wall
    a = np.zeros((512, 512), np.float32)
    a[:, 250:] = 1
    img[:, 250:] = skin
    hair = np.array([0.16, 0.12, 0.1], np.float32)
    a[:, 244:250] = 0.7
    img[:, 244:250] = 0.7 * hair + 0.3 * img[0, 0]
    fg = M.foreground(img, a, face_width=200.0)
    assert np.abs(fg[256, 246] - hair).max() < 0.15  # was the skin's colour (0.5 off)
    assert np.array_equal(fg[:, 260:], img[:, 260:])  # opaque pixels unchanged
