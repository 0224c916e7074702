"""Round 15, group snapshots: a shoulder raised to the chin's level is the subject's, not sure background (matte.py);
a fragment split from another's hand at the border goes with it (debris.py)."""

import cv2
import numpy as np

from candid.engines.studio.matte import raised_shoulders, seed_mask, subject_mask
from candid.engines.studio.debris import on_arms
from candid.engines.studio.people import toy_landmarks, toy_pose

LM = toy_landmarks(120, 90, 50)          # face width 50, chin at y 130, head height ~90
SHAPE = (240, 240)
DOME_TOP = (132, 40)                     # the top of the raised left shoulder (above seed_mask's shoulder line)


def _person(dome=True, neighbour=False) -> np.ndarray:
    """The subject's segmenter view (float): head, neck, shoulders' round, and (``dome``) the left shoulder raised
    to the chin's level (a head leaning towards it); (``neighbour``) someone standing beside, up to the frame's top."""
    m = np.zeros(SHAPE, np.uint8)
    cv2.ellipse(m, (120, 95), (36, 58), 0, 0, 360, 1, -1)
    m[120:, 100:141] = 1
    cv2.ellipse(m, (120, 240), (110, 95), 0, 0, 360, 1, -1)
    if dome:
        cv2.ellipse(m, (40, 150), (38, 24), 0, 0, 360, 1, -1)
    if neighbour:
        m[0:160, 20:60] = 1
    return cv2.GaussianBlur(m.astype(np.float32), (0, 0), 1.5)


def test_a_raised_shoulder_is_no_longer_sure_background():
    seeds = seed_mask(SHAPE, LM)
    assert seeds[DOME_TOP] == cv2.GC_BGD  # the seeds' shoulder line cuts the dome flat
    out = raised_shoulders(seeds, _person(), LM)
    assert out[DOME_TOP] == cv2.GC_PR_BGD
    # only the dome (and its soft rim) is given back: the wall above it and beside the head stays sure background
    changed = out != seeds
    assert changed.any() and not changed[:124].any()
    assert out[100, 40] == cv2.GC_BGD and out[60, 20] == cv2.GC_BGD
    # the subject's mask now follows the dome instead of the line
    prob = _person()
    before = subject_mask(prob, LM, corridor=seeds != cv2.GC_BGD)
    after = subject_mask(prob, LM, corridor=out != cv2.GC_BGD)
    assert not before[DOME_TOP] and after[DOME_TOP]
    assert not after[115, 40]  # the wall above the dome


def test_nothing_without_a_raised_shoulder():
    seeds = seed_mask(SHAPE, LM)
    assert np.array_equal(raised_shoulders(seeds, _person(dome=False), LM), seeds)
    assert np.array_equal(raised_shoulders(seeds, np.zeros(SHAPE, np.float32), LM), seeds)


def test_a_neighbour_who_does_not_end_above_the_line_stays_out():
    seeds = seed_mask(SHAPE, LM)
    out = raised_shoulders(seeds, _person(neighbour=True), LM)
    assert out[DOME_TOP] == cv2.GC_BGD and out[80, 40] == cv2.GC_BGD


def test_a_piece_under_another_found_face_stays_out():
    seeds = seed_mask(SHAPE, LM)
    beside = [(20, 90, 60, 130)]  # a face right above the piece (a child leaning on the shoulder)
    out = raised_shoulders(seeds, _person(), LM, others=beside)
    assert out[DOME_TOP] == cv2.GC_BGD
    above = [(10, 60, 50, 100)]  # a face above and beside it: the piece lies where her hair can hang
    assert raised_shoulders(seeds, _person(), LM, others=above)[DOME_TOP] == cv2.GC_BGD
    far = [(200, 0, 230, 30)]
    assert raised_shoulders(seeds, _person(), LM, others=far)[DOME_TOP] == cv2.GC_PR_BGD


def test_a_piece_that_does_not_stand_on_the_body_stays_out():
    m = np.zeros(SHAPE, np.uint8)
    cv2.ellipse(m, (120, 95), (36, 58), 0, 0, 360, 1, -1)
    m[120:, 100:141] = 1
    cv2.ellipse(m, (120, 240), (110, 95), 0, 0, 360, 1, -1)
    m[128:136, 20:50] = 1  # a lamp's shade beside the head, floating above the shoulder line
    seeds = seed_mask(SHAPE, LM)
    out = raised_shoulders(seeds, m.astype(np.float32), LM)
    assert out[DOME_TOP] == cv2.GC_BGD


def _hand_with_fragment(hand=True):
    """The subject's blue jacket; another's hand at the left border on his shoulder, and below it, past one row of
    pixels that mix the hand with the jacket, a 15-px fragment of a bright colour (what the fingertips rest on)."""
    img = np.full((240, 200, 3), (0.15, 0.2, 0.45), np.float32)
    if hand:
        img[140:170, 0:20] = (0.85, 0.66, 0.55)
    img[170, 0:8] = (0.26, 0.27, 0.47)
    img[171:174, 0:5] = (0.3, 0.75, 0.85)
    m = np.zeros((240, 200), bool)
    m[40:240, 0:200] = True
    return img, m


def test_a_fragment_split_from_the_hand_goes_with_it():
    lm, pose = toy_landmarks(100, 80, 50), toy_pose(100, 80, 50)
    img, m = _hand_with_fragment()
    h = on_arms(img, m, lm, pose)
    assert h[150, 5] and h[172, 2] and h[173, 4]
    assert not h[200, 100] and not h[176:].any()  # his jacket below stays
    assert not on_arms(img, m, lm, pose, fragment=0.0)[172, 2]  # too small for a piece of its own


def test_a_small_piece_without_a_hand_beside_it_stays():
    lm, pose = toy_landmarks(100, 80, 50), toy_pose(100, 80, 50)
    img, m = _hand_with_fragment(hand=False)
    assert not on_arms(img, m, lm, pose)[172, 2]


def test_a_sliver_along_the_line_is_the_line_s_own_slack():
    m = np.zeros(SHAPE, np.uint8)
    cv2.ellipse(m, (120, 95), (36, 58), 0, 0, 360, 1, -1)
    m[120:, 100:141] = 1
    cv2.ellipse(m, (120, 240), (110, 95), 0, 0, 360, 1, -1)
    seeds = seed_mask(SHAPE, LM)
    line = seeds == cv2.GC_BGD
    sliver = cv2.dilate(line.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & ~line  # the line's edge
    m[cv2.dilate(sliver.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & (np.arange(240)[None, :] < 60)] = 1
    out = raised_shoulders(seeds, m.astype(np.float32), LM)
    assert np.array_equal(out, seeds)
    assert not np.array_equal(raised_shoulders(seeds, m.astype(np.float32), LM, lift=0.0), seeds)
