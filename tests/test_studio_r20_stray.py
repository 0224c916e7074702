"""Round 20 (r20-stray): a speck of a few pixels above 0.5 apart from the person does not throw a cut-out away.

pengwei.jpg's linkedin crop fell back to the photo's own background on main 4cede4b because ONE pixel of the
shoulder's soft edge, at 0.52 between pixels of 0.47-0.50, was a second piece of ``alpha > 0.5`` for
:func:`matte_quality`. The stage now runs :func:`stray_specks` right before the check.
"""
import importlib

import numpy as np
import pytest

from candid.engines.studio.matte_rules import MatteRules
from candid.face.examples import astronaut_landmarks

M = importlib.import_module("candid.engines.studio.matte")  # (the package exports the function matte by that name)

LM = astronaut_landmarks()
FW = float(np.linalg.norm(LM[16] - LM[0]))


def _person() -> np.ndarray:
    """A subject over the face with a soft edge 6 px wide on its right side (0.45 .. 0.05)."""
    a = np.zeros((512, 512), np.float32)
    a[60:, 150:360] = 1
    a[200:, 360:366] = np.linspace(0.45, 0.05, 6, dtype=np.float32)
    return a


def test_a_one_pixel_bump_in_the_soft_edge_is_soft_edge_not_a_second_piece():
    a = _person()
    a[300, 362] = 0.52  # the soft edge lifted past 0.5 at one pixel, two pixels out (pengwei linkedin's kind)
    assert M.matte_quality(a, LM).problems == ("the matte has 2 separate pieces",)  # the whole cut-out went
    b = M.stray_specks(a, LM)
    assert M.matte_quality(b, LM).ok
    assert float(b[300, 362]) == 0.5  # lowered to the soft edge's level, not punched out to a hole
    changed = b != a
    assert changed.sum() == 1  # nothing else moves


def test_a_bump_on_the_face_hull_s_rim_is_a_speck_too():
    # pengwei linkedin's pixel lay on the jaw's rim, inside the face's hull: attached_only keeps every piece that
    # touches the hull, so it survived the matte; the subject is the piece holding most of the face
    a = np.zeros((512, 512), np.float32)
    a[60:, 150:258] = 1  # a subject whose right outline runs through the face's hull (a cheek's edge)
    a[60:, 258:264] = np.linspace(0.45, 0.05, 6, dtype=np.float32)
    a[150, 260] = 0.52
    assert M._face_hull(a.shape, LM)[150, 260]
    kept = M.attached_only(a, LM)
    assert float(kept[150, 260]) > 0.5 and M.matte_quality(kept, LM).problems == ("the matte has 2 separate pieces",)
    b = M.stray_specks(kept, LM)
    assert M.matte_quality(b, LM).ok and float(b[150, 260]) == 0.5


def test_a_floating_speck_and_its_faint_halo_go_to_the_backdrop():
    a = _person()
    a[30:33, 450:453] = 0.15
    a[31, 451] = 0.8  # a fleck of the old background, far from the person, with its faint rim
    assert not M.matte_quality(a, LM).ok
    b = M.stray_specks(a, LM)
    assert M.matte_quality(b, LM).ok
    assert not b[25:40, 445:460].any()  # debris is not shown either
    np.testing.assert_array_equal(b[:, :440], a[:, :440])


def test_the_size_of_a_speck_follows_the_face_width():
    assert (0.01 * FW) ** 2 < 4 < 9 < (0.01 * 4 * FW) ** 2
    # a 3x3 piece is a speck beside a face 4x the astronaut's but not beside hers (at most max(4, (0.01 fw)^2) px)
    a = _person()
    a[20:23, 450:453] = 0.9
    assert not M.matte_quality(M.stray_specks(a, LM), LM).ok
    big = LM * 4.0
    a10 = np.zeros((2048, 2048), np.float32)
    a10[240:, 600:1440] = 1
    a10[80:83, 1800:1803] = 0.9
    assert M.matte_quality(M.stray_specks(a10, big), big).ok


@pytest.mark.parametrize("joined", [False, True])
def test_a_large_detached_piece_still_fails_the_check(joined):
    # a chunk of a chandelier, a hand apart from the body: as large as an eye or more, it stays and the check fails
    a = _person()
    side = int(0.15 * FW) + 1
    if joined:  # even where the soft edge reaches it (a hand beside the shoulder, joined by a faint rim)
        a[300:300 + side, 366:380] = 0.3
        a[300:300 + side, 380:380 + side] = 0.9
    else:
        a[10:10 + side, 420:420 + side] = 0.9
    b = M.stray_specks(a, LM)
    np.testing.assert_array_equal(b, a)
    assert M.matte_quality(b, LM).problems == ("the matte has 2 separate pieces",)


def test_without_a_subject_piece_nothing_is_decided():
    a = np.zeros((512, 512), np.float32)
    a[10, 10] = a[400, 400] = 0.9  # no piece over the face: the check says so, no speck is judged
    np.testing.assert_array_equal(M.stray_specks(a, LM), a)


def test_the_rule_is_a_versioned_matte_rule_on_by_default_and_off_for_older_logs():
    assert MatteRules().stray_specks
    assert not MatteRules.from_dict({"version": 2}).stray_specks  # a round-19 log's cut-out was made without it
    assert not MatteRules().replace(stray_specks=False).stray_specks


def test_the_stage_runs_it_right_before_the_check():
    import inspect

    from candid.engines.studio import stage

    src = inspect.getsource(stage.studio_stage)
    at = src.index("stray_specks(alpha, clm)")
    assert src.index("continue_body(alpha") < at < src.index("matte_quality(alpha")
