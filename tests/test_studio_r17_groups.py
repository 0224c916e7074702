"""Round 17, group snapshots: the notch cut between the temple and the ear (``matte.temple_notches``)."""

import numpy as np
import pytest

from candid.engines.studio.matte_rules import MatteRules
from candid.face.examples import astronaut_landmarks

matte_mod = pytest.importorskip("candid.engines.studio.matte")
import sys  # noqa: E402

M = sys.modules["candid.engines.studio.matte"]

HAIR = (0.10, 0.08, 0.07)   # dark hair / sideburn
DOOR = (0.09, 0.08, 0.08)   # a dark door behind: nearly the hair's colour
WALL = (0.85, 0.85, 0.80)   # a light wall: a colour only the background holds


def _scene(back=DOOR, notch_rows=(-4, 4), notch_at=16, depth=7, start=-2):
    """A dark head (the skull's ellipse) on ``back``, the alpha with a notch cut in from the side beside ``notch_at``."""
    lm = astronaut_landmarks()
    head = M.skull((512, 512), lm)
    img = np.empty((512, 512, 3), np.float32)
    img[:] = back
    img[head] = HAIR
    a = head.astype(np.float32)
    x, y = int(lm[notch_at, 0]) + start, int(lm[notch_at, 1])
    a[y + notch_rows[0]:y + notch_rows[1], x:x + depth] = 0.12   # the matting's answer: "the door"
    return img, a, lm, (y, x)


def test_notch_beside_temple_is_filled():
    img, a, lm, (y, x) = _scene()
    out = M.temple_notches(img, a, lm, np.ones(a.shape, np.float32))
    assert a[y, x + 2] == pytest.approx(0.12)
    assert out[y, x + 2] > 0.95
    # only the notch moves
    moved = np.abs(out - a) > 1e-3
    assert moved.sum() <= 8 * 7 + 40
    assert not (moved & (a > 0.5)).any()


def test_convex_outline_is_left_alone():
    img, a, lm, _ = _scene(depth=0)
    out = M.temple_notches(img, a, lm, np.ones(a.shape, np.float32))
    assert np.array_equal(out, a)


def test_unsure_segmenter_keeps_the_notch():
    img, a, lm, (y, x) = _scene()
    out = M.temple_notches(img, a, lm, np.zeros(a.shape, np.float32))
    assert np.array_equal(out, a)


def test_background_only_colour_is_a_real_gap():
    # a light wall seen above an ear that stands out: the colours say background, the gap stays
    img, a, lm, (y, x) = _scene(back=WALL)
    img[a < 0.5] = WALL
    out = M.temple_notches(img, a, lm, np.ones(a.shape, np.float32))
    assert out[y, x + 2] == pytest.approx(0.12)


def test_below_the_lobes_is_left_to_other_rules():
    # the same notch at the jaw's lower side (landmark 12, below the lobes): clothes_edge and the jaw rules decide
    img, a, lm, (y, x) = _scene(notch_at=12)
    out = M.temple_notches(img, a, lm, np.ones(a.shape, np.float32))
    assert out[y, x + 2] == pytest.approx(0.12)


def test_wide_bay_is_not_filled():
    # wider than the disc (0.06 face widths): a real bay of background, not a notch
    img, a, lm, (y, x) = _scene(notch_rows=(-40, 40))
    out = M.temple_notches(img, a, lm, np.ones(a.shape, np.float32))
    assert out[y, x + 2] == pytest.approx(0.12)


def test_flag_defaults_on():
    assert MatteRules().temples is True


def test_specks_between_strands_are_left_alone():
    # see-through strands of grey hair: specks of one or two pixels in the soft edge are the hair's texture
    img, a, lm, (y, x) = _scene(depth=0)
    lm_ = astronaut_landmarks()
    fw = float(np.linalg.norm(lm_[16] - lm_[0]))
    xs = x - int(0.03 * fw)
    a[y:y + 2, xs:xs + 2] = 0.6   # a small dip just inside the outline
    out = M.temple_notches(img, a, lm, np.ones(a.shape, np.float32))
    assert np.array_equal(out, a)


def test_gap_behind_the_ear_is_left_alone():
    # the same notch 0.08-0.15 face widths out from the face's side: behind a standing-out ear, a real gap
    lm = astronaut_landmarks()
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    img, a, lm, (y, x) = _scene(start=int(0.08 * fw), depth=int(0.07 * fw))
    out = M.temple_notches(img, a, lm, np.ones(a.shape, np.float32))
    assert out[y, x + 2] == pytest.approx(0.12)
    # with no limit on where the missing alpha lies, it would be filled
    assert M.temple_notches(img, a, lm, np.ones(a.shape, np.float32), hug=1.0)[y, x + 2] > 0.95
