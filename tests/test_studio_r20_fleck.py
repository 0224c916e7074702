"""Round 20, r20-fleck: the clothes' drawn edge is not believed far beyond the opaque outline in the collar ring.

tom_cruise_tight.jpg linkedin: a dark fleck of about 3 x 15 px stood above the shoulder. The shape rule's soft haze
(0.1-0.4) lay over the black gap between the neck and a lit neighbour's blurred neck; ``clothes_edge`` takes such
haze away on a shoulder's top, but its colour guided filter had drawn a thin line of "person" along the gap's edge
(the blurred edge's colours are the person's), so the take-out left that line at the haze's alpha, joined to the
shoulder, and ``attached_only`` kept it as a loose strand. Synthetic scene: the astronaut's landmarks, a dark suit's
shoulder below a black gap with a haze of 0.3 over it, and a thin line of the suit's colour standing in the gap.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from candid.engines.studio.matte_rules import MatteRules
from candid.face.examples import astronaut_landmarks

M = importlib.import_module("candid.engines.studio.matte")

LX, TOP = 250, 196  # the line's left column; the shoulder's top at the chin's column (x 222)


def _scene(line: bool = True):
    """Skin neck, a dark suit's shoulder, a black gap with the haze of 0.3 over it, a 4 px line of the suit's colour."""
    H = W = 512
    yy, xx = np.mgrid[:H, :W]
    img = np.full((H, W, 3), 0.02, np.float32)
    neck = (xx >= 195) & (xx <= 233) & (yy >= 140)
    shoulder = yy >= TOP + 0.25 * np.abs(xx - 222)
    img[neck] = (0.8, 0.6, 0.5)
    img[shoulder] = (0.15, 0.15, 0.25)
    a = np.zeros((H, W), np.float32)
    a[neck | shoulder] = 1
    haze = (yy >= 150) & (xx > 233) & (xx < 273) & ~shoulder
    a[haze] = 0.3
    if line:  # ends 8 px above the shoulder (the take-out's shoulder top is there)
        img[haze & (xx >= LX) & (xx <= LX + 3) & (yy >= 178) & (yy <= TOP + 0.25 * abs(LX - 222) - 8)] = \
            (0.15, 0.15, 0.25)
    return img, a


@pytest.fixture(scope="module")
def edges():
    img, a = _scene()
    lm = astronaut_landmarks()
    return M.clothes_edge(img, a, lm, far_drawn=None), M.clothes_edge(img, a, lm)


def test_the_line_drawn_far_beyond_the_shoulder_keeps_no_haze(edges):
    old, new = edges
    # without the rule: a column of the haze stands above the shoulder where the haze beside it was taken
    assert old[190, LX + 1] > 0.25 and old[190, LX - 3] < 0.1
    # with it: the column is taken like its surroundings (no fleck), the haze beside it as before
    assert new[190, LX + 1] < 0.12
    assert abs(float(new[190, LX + 1]) - float(new[190, LX - 3])) < 0.05
    assert np.array_equal(new[190, LX - 12:LX - 3], old[190, LX - 12:LX - 3])


def test_only_soft_pixels_far_from_the_opaque_outline_move(edges):
    old, new = edges
    moved = np.abs(new - old) > 0.01
    assert moved.any()
    ys, xs = np.nonzero(moved)
    assert ys.max() < TOP + 0.25 * abs(LX - 222) - 6  # not the shoulder's own edge
    assert (new[moved] <= old[moved] + 1e-6).all()  # it only takes away
    assert (old[moved] < 0.5).all()


def test_without_a_line_the_edge_is_the_same():
    img, a = _scene(line=False)
    lm = astronaut_landmarks()
    assert np.array_equal(M.clothes_edge(img, a, lm, far_drawn=None), M.clothes_edge(img, a, lm))


def test_the_rule_is_a_matte_rule_on_by_default_and_off_for_older_logs():
    assert MatteRules().far_drawn is True
    assert MatteRules.from_dict({"version": 2}).far_drawn is False
    assert MatteRules.from_dict({"version": 2, "far_drawn": True}).far_drawn is True
