"""Round 16, group snapshots: the unknown band over another person is known background, the shape rule adds no
neighbour's sleeve, and the cut along another's arm is anti-aliased (matte.py, debris.py)."""

import inspect

import cv2
import numpy as np

from candid.engines.studio.debris import cut_coverage, on_arms, remove_debris
from candid.engines.studio.filters import gauss
from candid.engines.studio.matte import _closed_form, alien_shape, others_background
from candid.engines.studio.matte_rules import MatteRules
from candid.engines.studio.people import toy_landmarks, toy_pose


def _seam_under_a_chin():
    """The subject's blonde crown; above it the chin of someone standing behind (her share of the person mask,
    right half) with a dark red-brown seam under it that lies inside the subject's mask; a dark room on the left.
    Blurred a little, as a small face in a snapshot is. Returns ``(image, trimap, others)``."""
    H, W = 48, 56
    img = np.empty((H, W, 3), np.float32)
    img[:] = 0.03
    img[:22, 28:] = (0.85, 0.65, 0.55)
    img[22:27, 24:] = (0.3, 0.1, 0.02)
    img[27:] = (0.8, 0.65, 0.4)
    rng = np.random.default_rng(0)
    img = np.clip(cv2.GaussianBlur(img, (0, 0), 1.2) + rng.normal(0, 0.01, img.shape), 0, 1).astype(np.float32)
    others = np.zeros((H, W), bool)
    others[:22, 28:] = True
    tri = np.full((H, W), 0.5, np.float32)  # the wide hair band round the mask (rows 22 on), over her chin too
    tri[33:] = 1
    tri[:10] = 0
    return img, tri, others


def test_the_band_over_another_person_is_known_background():
    img, tri, others = _seam_under_a_chin()
    before = _closed_form(img, tri, 40.0)
    after = _closed_form(img, others_background(tri, others), 40.0)
    seam = (slice(22, 25), slice(30, None))
    # without the rule the seam under her chin is held at 0.2-0.35 (the dark hook the composite painted)
    assert float(before[seam].mean()) > 0.15
    assert float(after[seam].max()) < 0.05
    # and nothing of her chin is soft any more
    assert float(after[10:21, 30:].max()) == 0.0
    # the subject's own soft edge into the dark room (left, no one there) is the matting's as before
    assert abs(float(after[26, 2:20].mean()) - float(before[26, 2:20].mean())) < 0.05


def test_only_the_band_is_changed():
    tri = np.full((6, 6), 0.5, np.float32)
    tri[:, :2] = 1
    tri[:, 5] = 0
    others = np.zeros((6, 6), bool)
    others[:, 1:4] = True  # (her mask reaches into the subject's sure pixels: those stay)
    out = others_background(tri, others)
    assert (out[:, :2] == 1).all() and (out[:, 2:4] == 0).all() and (out[:, 4] == 0.5).all()
    assert np.array_equal(others_background(tri, np.zeros((6, 6), bool)), tri)


def _sleeve(hair=(0.85, 0.7, 0.45)):
    """Hair of colour ``hair`` on the left (the subject's mask), a dark room on the right, and the segmenter's
    piece reaching 15 px over the room (a neighbour's sleeve joined to the subject, or the hair GrabCut lost)."""
    img = np.full((60, 60, 3), 0.04, np.float32)
    img[:, :30] = hair
    img[:, 30:45] = 0.06
    mask = np.zeros((60, 60), bool)
    mask[:, :30] = True
    own = np.zeros((60, 60), bool)
    own[:, :45] = True
    return img, mask, own, np.where(mask, 1.0, 0.0).astype(np.float32)


def test_a_dark_sleeve_beside_blonde_hair_is_not_the_shape_s():
    img, mask, own, tri = _sleeve()
    w = alien_shape(img, mask, own, tri, 40.0)  # 15 px: 0.375 face widths out from the hair
    assert float(w[:, 32:45].min()) == 1.0  # the shape rule adds nothing over the sleeve
    assert not w[:, :30].any() and not w[:, 45:].any()  # nor changes anything else


def test_the_segmenter_s_outline_a_little_outside_the_mask_is_left_to_the_shape():
    # a head before a plain wall: the segmenter's outline lies 0.1 face widths outside GrabCut's (2007_007763.jpg)
    img, mask, own, tri = _sleeve()
    own[:] = False
    own[:, :34] = True
    assert float(alien_shape(img, mask, own, tri, 40.0).max()) == 0.0


def test_dark_hair_the_mask_holds_is_left_to_the_shape():
    # dark hair on a near-black backdrop, what the shape rule is for: the mask holds the hair's colour
    img, mask, own, tri = _sleeve(hair=(0.06, 0.06, 0.06))
    img[:, :10] = (0.8, 0.6, 0.5)  # (and her face)
    assert float(alien_shape(img, mask, own, tri, 40.0).max()) < 0.5


def test_the_flags_default_on():
    p = MatteRules()
    assert p.others_known is True and p.shape_colours is True
    assert p.others_grow == 1.3  # her face and chin only, not her body behind the hair
    assert inspect.signature(remove_debris).parameters["soft_arms"].default is True


def _diagonal_hand():
    """The subject's blue jacket; another's hand at the left border, with slanted edges, resting on his shoulder."""
    lm, pose = toy_landmarks(100, 80, 50), toy_pose(100, 80, 50)
    img = np.full((240, 200, 3), (0.15, 0.2, 0.45), np.float32)
    hand = np.zeros((240, 200), np.uint8)
    cv2.fillPoly(hand, [np.array([(0, 128), (14, 140), (26, 166), (0, 180)], np.int32)], 1)
    img[hand.astype(bool)] = (0.85, 0.66, 0.55)
    m = np.zeros((240, 200), bool)
    m[40:240, 0:200] = True
    return img, m, lm, pose


def test_the_cut_along_another_s_arm_is_anti_aliased():
    img, m, lm, pose = _diagonal_hand()
    hard = on_arms(img, m, lm, pose)
    cov = on_arms(img, m, lm, pose, coverage=True)
    assert cov.dtype == np.float32 and np.array_equal(cov > 0.5, hard)  # the same cut, with its shares
    far = [(180.0, 0.0, 196.0, 16.0)]
    on, rep_on = remove_debris(img, m.astype(np.float32), lm, others=far, pose=pose)
    off, rep_off = remove_debris(img, m.astype(np.float32), lm, others=far, pose=pose, soft_arms=False)
    below = np.arange(240)[:, None] > 100
    soft_on = (on > 0.02) & (on < 0.98) & below
    soft_off = (off > 0.02) & (off < 0.98) & below
    assert not soft_off.any()  # the round-15 cut: a threshold, 1-px steps
    assert soft_on.sum() > 30  # now each pixel along the slanted cut keeps its share
    assert rep_on.parts["arms"] == rep_off.parts["arms"] > 0.01
    assert on[150, 5] == 0.0 and on[220, 150] == 1.0  # the hand is still gone, his jacket still there
    assert abs(float(on.sum() - off.sum())) < 0.01 * float(off.sum())


def test_cut_coverage_is_the_share_beyond_the_line():
    m = np.zeros((9, 40), np.float32)
    m[:, 20:] = 1
    c = cut_coverage(gauss(m, 2.0), 2.0)
    assert np.array_equal(c > 0.5, gauss(m, 2.0) > 0.5)
    # a slanted piece: the shares along a row climb from 0 to 1 over about one pixel
    yy, xx = np.mgrid[0:40, 0:40]
    s = (xx + 0.37 * yy > 20).astype(np.float32)
    c = cut_coverage(gauss(s, 2.0), 2.0)
    ramp = ((c > 0.02) & (c < 0.98)).sum(1)
    assert ramp[5:35].max() <= 2 and ramp[5:35].sum() > 0
