"""Round 14, group snapshots: another's hair hanging onto the shoulder, a rail round the shoulder joint (debris.py)."""

import cv2
import numpy as np
import pytest

from candid.engines.studio.debris import (STEP, UNLIKE, background_pieces, below_others, contact_step, hang_zone,
                                          remove_debris)
from candid.engines.studio.people import toy_landmarks, toy_pose

LM = toy_landmarks(100, 80, 50)          # face width 50, chin at y 120
HER = (185, 60, 235, 110)                # her face box, beside his head
FAR = (5, 0, 25, 20)                     # a face far from his shoulders


def _subject_with_point(point=True, sliver=False) -> np.ndarray:
    """His head and neck, his shoulders' round, and (``point``) a point of her hair beside his right shoulder;
    (``sliver``) a one-pixel ragged step along the outline lower down."""
    m = np.zeros((240, 320), np.uint8)
    m[40:240, 65:136] = 1
    m = cv2.ellipse(m, (100, 240), (75, 110), 0, 0, 360, 1, -1).astype(bool)
    if point:
        m[146:154, 160:174] = True
    if sliver:
        for r in range(195, 215):
            m[r, np.nonzero(m[r])[0].max() + 1] = True
    return m


def test_a_point_of_hair_below_her_face_is_taken_off_his_shoulder():
    m = _subject_with_point()
    b = below_others(m, LM, [HER])
    assert b[150, 168] and b[148, 162]
    # his shoulders' round and his head stay
    assert not (b & _subject_with_point(point=False) & (np.arange(320)[None, :] < 144)).any()
    assert not b[:140].any()


def test_nothing_without_another_face_below_which_it_hangs():
    m = _subject_with_point()
    assert not below_others(m, LM, []).any()
    assert not below_others(m, LM, None).any()
    assert not below_others(m, LM, [FAR]).any()


def test_a_one_pixel_sliver_of_the_outline_is_his():
    m = _subject_with_point(point=False, sliver=True)
    low = (185, 120, 235, 170)                        # her face lower: the sliver lies below it
    assert hang_zone(m.shape, LM, [low])[205, 172]
    assert not below_others(m, LM, [low]).any()
    m[198:210, 170:182] = True                        # a point there is taken
    assert below_others(m, LM, [low])[204, 178]


def test_a_point_in_his_own_hair_colour_stays():
    m = _subject_with_point()
    img = np.full((240, 320, 3), 0.1, np.float32)
    dark = cv2.cvtColor(np.full((1, 1, 3), 0.1, np.float32), cv2.COLOR_RGB2LAB).reshape(1, 3)
    light = cv2.cvtColor(np.full((1, 1, 3), 0.8, np.float32), cv2.COLOR_RGB2LAB).reshape(1, 3)
    assert not below_others(m, LM, [HER], pixels=img, hair=dark).any()   # his hair as dark: it may be his
    assert below_others(m, LM, [HER], pixels=img, hair=light)[150, 168]   # his hair grey: not his


def test_remove_debris_takes_the_point_only_in_a_group():
    m = _subject_with_point()
    img = np.full((240, 320, 3), 0.7, np.float32)
    img[m] = 0.15                                    # his dark jacket and her dark hair alike
    img[:72][m[:72]] = 0.85                          # his grey hair
    img[72:125, 75:126] = (0.8, 0.6, 0.5)            # his face
    a = m.astype(np.float32)
    pose = toy_pose(100, 80, 50)
    out, rep = remove_debris(img, a, LM, others=[HER], pose=pose)
    assert out[150, 168] == 0 and rep.parts["hanging"] > 0
    assert out[200, 100] == 1 and out[150, 130] == 1
    alone, _ = remove_debris(img, a, LM)
    assert alone[150, 168] == 1


def _rail_or_sleeve(lit: bool):
    """A wall, his shirt whose edge is at the shoulder joint MediaPipe found, and beside it what the mask holds:
    a dark rail behind him (``lit`` False) or his sleeve's lit side, shading into the shirt (``lit`` True)."""
    img = np.full((240, 240, 3), (0.75, 0.75, 0.72), np.float32)
    shirt = 0.35 if lit else 0.95
    if not lit:
        img[:, 150:178] = (0.12, 0.09, 0.07)
    img[120:, 40:150] = shirt
    if lit:
        img[125:185, 150:172] = np.linspace(shirt, 0.75, 22, dtype=np.float32)[None, :, None]
    a = np.zeros((240, 240), np.float32)
    a[30:240, 60:140] = 1
    a[120:240, 40:150] = 1
    a[125:185, 150:172] = 1
    skin = np.array([[60.0, 15.0, 18.0]], np.float32)
    body = cv2.cvtColor(np.full((1, 1, 3), shirt, np.float32), cv2.COLOR_RGB2LAB).reshape(1, 3)
    return img, a, np.concatenate([skin, body])


def test_a_rail_round_the_shoulder_joint_goes_a_lit_sleeve_stays():
    lm, pose = toy_landmarks(100, 80, 50), toy_pose(100, 80, 50)
    img, a, colours = _rail_or_sleeve(lit=False)
    rail = background_pieces(img, a, lm, colours, pose=pose)
    assert rail[150, 165] and not rail[200, 100]
    # the same without the step (the guard as it was): the rail round the shoulder joint stayed
    assert not background_pieces(img, a, lm, colours, pose=pose, step=np.inf).any()
    img, a, colours = _rail_or_sleeve(lit=True)
    assert not background_pieces(img, a, lm, colours, pose=pose).any()


@pytest.mark.parametrize("lit, hard", [(False, True), (True, False)])
def test_contact_step_tells_a_hard_edge_from_shading(lit, hard):
    img, a, _ = _rail_or_sleeve(lit)
    piece = np.zeros(a.shape, bool)
    piece[125:185, 150:172] = True                  # what the mask holds beside the shirt
    rest = (a > 0.5) & ~piece
    assert (contact_step(img, piece, rest) > STEP) == hard
    assert contact_step(img, piece, np.zeros_like(rest)) == 0.0
    assert STEP == 2 * UNLIKE
