"""Pieces of other people in a cut-out (candid.engines.studio.debris): synthetic scenes with a planted answer."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candid.engines.studio.debris import (
    OTHER_DOUBT,
    DebrisReport,
    beside_others,
    cheek_cut,
    head_radius,
    cheek_to_cheek,
    on_arms,
    colour_distance,
    background_pieces,
    from_above,
    other_heads,
    remove_debris,
    subject_colours,
    subject_prior,
    subject_regions,
    thin_lobes,
    touching_above,
    unlike_subject,
)
from candid.engines.studio.matte import attached_only
from candid.engines.studio.people import toy_landmarks, toy_pose

SKIN = (0.85, 0.66, 0.55)
BLONDE = (0.88, 0.74, 0.36)
BLACK = (0.06, 0.05, 0.05)
SHIRT = (0.15, 0.25, 0.6)


def _scene(extra=None, colour=BLACK):
    """A blonde subject (face, hair cap, blue shirt) and, optionally, a piece of something else joined to her.

    Returns ``(image, alpha, landmarks)``; ``extra`` is a polygon (x, y) filled with ``colour`` and alpha 1.
    """
    H, W = 400, 320
    lm = toy_landmarks(160, 120, 80)  # eyes at y 120, chin at y 184, face 80 px wide
    img = np.empty((H, W, 3), np.float32)
    img[:] = (0.55, 0.6, 0.62)
    person = np.zeros((H, W), np.uint8)
    hair = np.zeros((H, W), np.uint8)
    cv2.ellipse(hair, (160, 112), (60, 84), 0, 0, 360, 1, -1)
    hair[105:] = 0
    face = np.zeros((H, W), np.uint8)
    cv2.ellipse(face, (160, 130), (42, 62), 0, 0, 360, 1, -1)
    body = np.zeros((H, W), np.uint8)
    cv2.fillPoly(body, [np.array([(140, 180), (180, 180), (200, 215), (290, 250), (300, 400), (20, 400),
                                  (30, 250), (120, 215)], np.int32)], 1)
    img[body.astype(bool)] = SHIRT
    img[hair.astype(bool)] = BLONDE
    img[face.astype(bool)] = SKIN
    person |= hair | face | body
    if extra is not None:
        m = np.zeros((H, W), np.uint8)
        polys = extra if isinstance(extra[0][0], (list, tuple)) else [extra]
        cv2.fillPoly(m, [np.asarray(p, np.int32) for p in polys], 1)
        img[m.astype(bool)] = colour
        person |= m
    rng = np.random.default_rng(0)
    img = np.clip(img + rng.normal(0, 0.01, img.shape), 0, 1).astype(np.float32)
    alpha = cv2.GaussianBlur(person.astype(np.float32), (0, 0), 0.8)
    return img, np.clip(alpha, 0, 1).astype(np.float32), lm


#: black hair of someone behind, beside the head at face height, joined to the subject's hair along its side
BEHIND = [(40, 60), (104, 60), (104, 160), (40, 160)]
#: the subject's own long blonde hair hanging beside the face
LONG_HAIR = [(88, 80), (112, 80), (112, 230), (88, 230)]
#: a lump of someone's jacket above the head, joined to the crown by a thin stem
STEM = [[(156, 8), (164, 8), (164, 34), (156, 34)], [(140, 0), (260, 0), (260, 12), (140, 12)]]


def test_prior_holds_head_body_not_beside_or_above():
    lm = toy_landmarks(160, 120, 80)
    p = subject_prior((400, 320), lm)
    assert p[130, 160] and p[350, 160] and p[60, 160]  # face, body, hair
    assert not p[120, 40] and not p[2, 160]  # beside the head, well above the crown


def test_regions_sample_hair_skin_body():
    img, alpha, lm = _scene()
    r = subject_regions(alpha.shape, alpha, lm)
    assert r["skin"][140, 160] and r["body"][300, 160]
    assert r["hair"].sum() > 100 and not r["hair"][140, 160]
    hair = subject_colours(img, r["hair"])
    assert float(colour_distance(np.full((8, 8, 3), BLONDE, np.float32), hair)[0, 0]) < 5


def test_colour_distance_weighs_lightness_half():
    d = colour_distance(np.full((8, 8, 3), 0.5, np.float32), np.array([[0.0, 0.0, 0.0]], np.float32))
    assert abs(float(d[0, 0]) - 0.5 * 53.4) < 1.0
    assert np.isinf(colour_distance(np.zeros((8, 8, 3), np.float32), np.zeros((0, 3), np.float32))).all()


def test_black_hair_behind_a_blonde_is_removed():
    img, alpha, lm = _scene(BEHIND)
    # the matte's own clean-up keeps it: it is joined to the subject
    assert attached_only(alpha, lm)[110, 60] > 0.9
    out, rep = remove_debris(img, alpha, lm)
    assert out[110, 60] == 0.0 and out[110, 45] == 0.0
    assert rep.parts["colour"] > 0.01 and rep.removed > 0.01
    # the subject is untouched: face, hair, shirt
    assert out[130, 160] == 1.0 and out[60, 160] == 1.0 and out[300, 160] == 1.0


def test_own_long_hair_stays():
    img, alpha, lm = _scene(LONG_HAIR, colour=BLONDE)
    out, rep = remove_debris(img, alpha, lm)
    assert out[200, 100] > 0.95 and out[120, 95] > 0.95
    assert rep.removed < 0.005 and rep.doubt is None


def test_lump_on_a_thin_stem_above_the_head_is_removed():
    img, alpha, lm = _scene(STEM, colour=BLONDE)  # even in the subject's own colour: the neck is thin
    assert attached_only(alpha, lm)[5, 225] > 0.9
    out, rep = remove_debris(img, alpha, lm)
    assert out[5, 225] == 0.0 and out[5, 150] == 0.0
    assert rep.parts["thin"] > 0.005
    assert out[60, 160] == 1.0


def test_thin_lobes_alone():
    lm = toy_landmarks(80, 80, 50)
    m = np.zeros((240, 320), bool)
    m[40:240, 45:116] = True
    m[78:84, 116:200] = True
    m[50:110, 200:260] = True
    t = thin_lobes(m, lm, subject_prior(m.shape, lm))
    assert t[80, 230] and t[80, 150] and not t[150, 80]
    # a broad attachment is not a lobe
    m2 = m.copy()
    m2[50:110, 116:200] = True
    assert not thin_lobes(m2, lm, subject_prior(m.shape, lm)).any()


def test_unlike_needs_mostly_beyond_prior():
    lm = toy_landmarks(80, 80, 50)
    img = np.full((240, 320, 3), 0.8, np.float32)
    img[60:100, 70:90] = (0.1, 0.1, 0.1)  # dark glasses on the face: inside the prior
    m = np.zeros((240, 320), bool)
    m[40:240, 45:116] = True
    cols = np.array([[84.0, 0.0, 0.0]], np.float32)
    assert not unlike_subject(img, m, lm, subject_prior(m.shape, lm), cols, cols).any()


def test_strange_colour_beside_the_neck_is_doubt():
    # a green piece beside the neck, below the chin: not removed (lower down only the doubt looks), but doubted
    img, alpha, lm = _scene([(20, 170), (118, 170), (118, 230), (20, 230)], colour=(0.1, 0.8, 0.1))
    out, rep = remove_debris(img, alpha, lm)
    assert rep.doubt is not None and "beyond the head" in rep.doubt
    assert rep.outside > 0.06


#: a cheek-to-cheek neighbour: her face box overlaps the subject's landmark hull at the left, her chin and neck
#: (skin like the subject's) join the subject's jaw below it
NEIGHBOUR_BOX = (55.0, 85.0, 135.0, 160.0)
NEIGHBOUR_CHIN = [(70, 150), (140, 150), (140, 200), (70, 200)]


def test_cheek_to_cheek_neighbours_chin_is_removed():
    img, alpha, lm = _scene(NEIGHBOUR_CHIN, colour=SKIN)
    before, _ = remove_debris(img, alpha, lm)
    assert before[175, 95] > 0.9  # skin like the subject's, inside the head prior: no other rule takes it
    out, rep = remove_debris(img, alpha, lm, others=[NEIGHBOUR_BOX])
    assert out[175, 95] == 0 and rep.parts["cheek"] > 0.01
    assert out[130, 160] == pytest.approx(alpha[130, 160]) and out[150, 125] == pytest.approx(alpha[150, 125])
    assert out[300, 60] == pytest.approx(alpha[300, 60])  # the subject's own shoulder below stays
    assert out[60, 120] == pytest.approx(alpha[60, 120])  # and its hair above the neighbour's eyes
    c = cheek_to_cheek(alpha > 0.5, lm, [NEIGHBOUR_BOX])
    assert c[175, 95] and not c[300, 60]


HER_SKIN = (0.93, 0.74, 0.66)
CARDIGAN = (0.96, 0.96, 0.94)
SUIT = (0.12, 0.12, 0.2)


def _cheek_pair():
    """A subject whose real jaw curves 4 px outside his landmarks, a friend cheek to cheek at his left.

    Her face box reaches over his landmark hull; she is skin beside his skin down to his jaw and a white cardigan
    beside his dark suit below. Returns ``(image, alpha, landmarks, her box, his left edge per row)``.
    """
    H, W = 300, 260
    lm = toy_landmarks(150, 90, 60)  # eyes at y 90, jaw x = 150 - 30 cos t, chin at y 138
    him = np.zeros((H, W), np.uint8)
    cv2.ellipse(him, (150, 90), (34, 52), 0, 0, 360, 1, -1)  # his face, a little larger than the landmarks
    body = np.array([(128, 130), (172, 130), (240, 200), (240, H), (95, H), (112, 175)], np.int32)
    cv2.fillPoly(him, [body], 1)
    him = him.astype(bool)
    img = np.empty((H, W, 3), np.float32)
    img[:] = CARDIGAN
    img[:150] = HER_SKIN
    img[him] = SUIT
    face = np.zeros((H, W), np.uint8)
    cv2.ellipse(face, (150, 90), (34, 52), 0, 0, 360, 1, -1)
    img[face.astype(bool)] = SKIN
    alpha = np.zeros((H, W), np.float32)
    alpha[40:, 20:245] = 1  # the matte holds both of them (the segmenter's "person")
    left = np.array([np.nonzero(him[y])[0].min() if him[y].any() else -1 for y in range(H)])
    return img, alpha, lm, (60.0, 50.0, 135.0, 125.0), left


def test_cheek_cut_follows_the_curved_boundary_not_the_column():
    img, alpha, lm, box, left = _cheek_pair()
    m = alpha > 0.5
    assert cheek_to_cheek(m, lm, [box]).any()  # the box reaches over his landmark hull
    suit = np.isclose(img, SUIT).all(-1)
    cut = cheek_cut(img, m, lm, [box], body=suit)
    rows = range(95, 200)
    edge = np.array([np.nonzero(cut[y])[0].max() + 1 if cut[y].any() else 20 for y in rows])
    err = np.abs(edge - left[95:200])
    assert err.max() <= 3, err  # the cut lies on his real outline (the old column ended at the box's side, x 135)
    inner = np.ones((3, 3), np.uint8)  # his suit and skin, but for the one pixel at their outline the smoothing rounds
    assert not cut[cv2.erode(suit.astype(np.uint8), inner).astype(bool)].any()
    assert not cut[cv2.erode(np.isclose(img, SKIN).all(-1).astype(np.uint8), inner).astype(bool)].any()
    assert cut[280, 70] and cut[280, 95]  # her cardigan below the column, joined to it, unlike his suit, is hers
    # no ruler-straight run along the column's side: the edge changes within every 12 rows where he curves
    runs = [len(list(g)) for _, g in __import__("itertools").groupby(edge[:60])]
    assert max(runs) <= 12, runs


def test_cheek_cut_in_remove_debris_soft_and_his_own_stays():
    img, alpha, lm, box, left = _cheek_pair()
    out, rep = remove_debris(img, alpha, lm, others=[box])
    assert rep.parts["cheek"] > 0.05
    assert out[280, 70] == 0 and out[120, 70] == 0  # her cardigan and her cheek
    assert out[120, 130] == 1 and out[250, 200] == 1  # his cheek (beyond the hull) and his suit
    y = 150
    row = out[y, left[y] - 4:left[y] + 4]
    assert 0 < row.min() < 1 or np.ptp(row) == 1.0  # a soft or exact edge at his outline, not a box's side
    assert row[0] < 0.05 and row[-1] > 0.95


def test_a_face_apart_is_not_cheek_to_cheek():
    img, alpha, lm = _scene(NEIGHBOUR_CHIN, colour=SKIN)
    assert not cheek_to_cheek(alpha > 0.5, lm, [(0.0, 60.0, 40.0, 100.0)]).any()


def test_much_alpha_beside_another_face_is_doubt():
    # a neighbour whose face was found at the right; her hair, blonde like the subject's, is in the cut-out beside it
    hair = [(205, 90), (300, 90), (300, 250), (205, 250)]
    img, alpha, lm = _scene(hair, colour=BLONDE)
    box = (235.0, 60.0, 285.0, 110.0)
    out0, rep0 = remove_debris(img, alpha, lm)
    assert rep0.doubt is None and rep0.beside_others == 0
    out, rep = remove_debris(img, alpha, lm, others=[box])
    # her head (the ellipse around her face, outside the subject's) goes; her hair below it could not be told apart
    assert out[100, 260] == 0 and out[200, 260] == 1 and rep.parts["heads"] > 0.01
    # what the heads rule took still counts: without it the share would fall under the threshold (0.058)
    assert rep.beside_others > OTHER_DOUBT and rep.doubt is not None and "another person" in rep.doubt
    near = beside_others(alpha.shape, lm, [box])
    assert near[140, 260] and not near[120, 215]  # beside her face, but not inside the subject's head ellipse


#: someone's sleeve behind, hanging from the frame's top edge to the crown, as light as the subject's hair and too
#: wide for the thin-neck opening (2008_002470's dark stem)
FROM_TOP = [(150, 0), (185, 0), (185, 40), (150, 40)]
FAR_FACE = (280.0, 0.0, 310.0, 25.0)


def test_piece_from_the_top_edge_is_removed_in_a_group_photo():
    img, alpha, lm = _scene(FROM_TOP, colour=BLONDE)
    before, rep0 = remove_debris(img, alpha, lm)
    assert before[10, 165] > 0.9 and rep0.doubt is None  # no other rule takes it
    out, rep = remove_debris(img, alpha, lm, others=[FAR_FACE])
    assert out[10, 165] == 0 and rep.parts["above"] > 0.01 and rep.doubt is None
    assert out[60, 160] == pytest.approx(alpha[60, 160]) and out[35, 140] == pytest.approx(alpha[35, 140], abs=0.1)


def test_in_a_tight_frame_only_narrow_pieces_from_above():
    img, alpha, lm = _scene(FROM_TOP, colour=BLONDE)
    m = alpha > 0.5
    from candid.engines.studio.debris import subject_prior

    prior = subject_prior(m.shape, lm)
    assert from_above(m, lm, prior)[10, 165]
    # the crown 0.28 head heights under the edge: a tight frame; the sleeve (0.44 face widths) is narrower than the
    # stalk and still goes, the round head stays
    tight = from_above(m, lm, prior, headroom=0.5)
    assert tight[10, 165] and not tight[60, 160]
    valid = np.ones_like(m); valid[:30] = False  # the photo ends at y 30 (an extended canvas): 0.07 head heights
    assert not from_above(m, lm, prior, valid=valid)[60:].any()
    # the subject's own hair reaching the top edge of a tight frame, as wide as the head: nothing
    img, alpha, lm = _scene([(112, 0), (208, 0), (208, 40), (112, 40)], colour=BLONDE)
    m = alpha > 0.5
    assert not from_above(m, lm, prior, headroom=0.5).any()
    assert from_above(m, lm, prior).any()  # with headroom, it comes in from beyond the frame: someone behind


#: a child standing behind a seated subject: her face found above the crown, her light collar on the subject's hair
#: (2008_001009's nubs: inside the head ellipse, nothing tells them from the hair's top)
COLLAR = [(140, 10), (185, 10), (185, 32), (140, 32)]
FACE_ABOVE = (135.0, -60.0, 190.0, 8.0)


def test_a_face_touching_the_head_from_above_is_doubt():
    img, alpha, lm = _scene(COLLAR, colour=(0.8, 0.8, 0.8))
    out0, rep0 = remove_debris(img, alpha, lm)
    assert rep0.doubt is None
    out, rep = remove_debris(img, alpha, lm, others=[FACE_ABOVE])
    assert rep.doubt is not None and "right above the head" in rep.doubt
    # the same face higher up, apart from the head (a gap of 0.3 head heights), or beside it: no doubt
    for box in ((135.0, -120.0, 190.0, -55.0), (250.0, -60.0, 300.0, 8.0)):
        assert remove_debris(img, alpha, lm, others=[box])[1].doubt is None
    assert touching_above(alpha, lm, [FACE_ABOVE]) and not touching_above(alpha, lm, [])
    # a face below the crown (cheek to cheek, beside) is not above
    assert not touching_above(alpha, lm, [(200.0, 90.0, 250.0, 150.0)])


#: a seated person below the subject's shoulder: her face found at the frame's lower left, the top of her dark head
#: in the cut-out beside the subject's shirt (2007_007763 editorial)
SEATED_BOX = (0.0, 280.0, 40.0, 320.0)
SEATED_HAIR = [(0, 250), (44, 250), (44, 290), (0, 290)]


def test_a_found_face_s_head_beside_the_subject_is_removed():
    img, alpha, lm = _scene(SEATED_HAIR, colour=BLACK)
    out0, rep0 = remove_debris(img, alpha, lm)
    assert out0[270, 10] > 0.9 and rep0.doubt is None  # no other rule takes it (inside the torso prior)
    out, rep = remove_debris(img, alpha, lm, others=[SEATED_BOX])
    assert out[270, 10] == 0 and rep.parts["heads"] > 0.005
    assert out[60, 160] == pytest.approx(out0[60, 160])  # the subject's own hair stays
    assert out[300, 150] == 1 and out[270, 60] == pytest.approx(out0[270, 60])  # his shirt beside her head stays
    h = other_heads(alpha.shape, lm, [SEATED_BOX])
    assert h[265, 20] and not h[130, 160] and not h[300, 160]  # not his face, nor the column below his chin


def test_where_two_heads_overlap_nothing_is_decided():
    # a friend cheek to cheek: the subject's own hair above her eyes lies in both head ellipses and stays
    lm = toy_landmarks(160, 120, 80)
    h = other_heads((400, 320), lm, [NEIGHBOUR_BOX])
    inside_his = head_radius((400, 320), lm, grow=0.12) < 1
    assert h.any() and not (h & inside_his).any()
    assert h[120, 40] and not h[60, 120]


#: a dark tuft of the cheek-to-cheek friend's hair over the subject's temple, above his brows (2008_002079)
TUFT = [(100, 50), (125, 50), (125, 75), (100, 75)]


def test_in_front_of_a_turned_face_the_friend_s_hair_is_removed():
    img, alpha, lm = _scene(TUFT, colour=BLACK)
    turned = lm.copy()
    turned[27:36, 0] -= 20  # the nose towards her (image left): his forehead ends at his cheek's outline
    for L in (lm, turned):
        out0, _ = remove_debris(img, alpha, L)
        assert out0[62, 112] > 0.9  # inside his head prior, no other rule takes it
    out, rep = remove_debris(img, alpha, turned, others=[NEIGHBOUR_BOX])
    assert out[62, 112] == 0 and rep.parts["heads"] > 0.01 and rep.doubt is None
    assert out[60, 160] == pytest.approx(alpha[60, 160]) and out[40, 150] == pytest.approx(alpha[40, 150])
    # a frontal face: the same tuft could be his own hair leaning towards her; it stays
    out, rep = remove_debris(img, alpha, lm, others=[NEIGHBOUR_BOX])
    assert out[62, 112] > 0.9


def test_no_or_far_other_faces_change_nothing():
    img, alpha, lm = _scene(BEHIND)
    out0, rep0 = remove_debris(img, alpha, lm)
    for others in (None, [], [(0.0, 330.0, 30.0, 360.0)]):
        out, rep = remove_debris(img, alpha, lm, others=others)
        assert np.array_equal(out, out0) and rep.doubt == rep0.doubt and rep.removed == rep0.removed


def test_nothing_to_remove_on_a_clean_subject():
    img, alpha, lm = _scene()
    out, rep = remove_debris(img, alpha, lm)
    assert np.array_equal(out, np.where(alpha < 0.02, 0, alpha)) or float(np.abs(out - alpha).max()) < 0.03
    assert rep == DebrisReport(removed=rep.removed, outside=rep.outside, doubt=None, parts=rep.parts)
    assert rep.removed < 0.001


def test_validates():
    img, alpha, lm = _scene()
    with pytest.raises(ValueError):
        remove_debris(img, alpha[:-1], lm)
    out, rep = remove_debris(img, np.zeros_like(alpha), lm)
    assert out.max() == 0 and rep.removed == 0


@settings(max_examples=8, deadline=None)
@given(x=st.integers(20, 90), y=st.integers(30, 150), w=st.integers(10, 60), grey=st.floats(0, 1))
def test_never_adds_alpha_nor_touches_inputs(x, y, w, grey):
    img, alpha, lm = _scene([(x, y), (x + w, y), (x + w, y + w), (x, y + w)], colour=(grey, grey * 0.5, 0.2))
    a0, i0 = alpha.copy(), img.copy()
    out, rep = remove_debris(img, alpha, lm)
    assert out.shape == alpha.shape and out.dtype == np.float32
    assert float(out.min()) >= 0 and float((out - alpha).max()) <= 1e-6
    assert np.array_equal(alpha, a0) and np.array_equal(img, i0)
    assert out[130, 160] == pytest.approx(alpha[130, 160])  # the face is never touched
    assert 0 <= rep.removed <= 1
    box = (float(x), float(y), float(x + w), float(y + w))  # the same place as another person's face box
    out2, rep2 = remove_debris(img, alpha, lm, others=[box])
    assert float((out2 - alpha).max()) <= 1e-6 and out2[130, 160] == pytest.approx(alpha[130, 160])
    assert np.array_equal(alpha, a0) and np.array_equal(img, i0) and 0 <= rep2.beside_others <= 1


def test_stage_reports_debris_metrics():
    from skimage import data

    from candid.engines.studio.stage import studio_stage
    from candid.portrait import Portrait

    p = studio_stage(Portrait(data.astronaut().astype(np.float32) / 255), style="passport")
    m = p.log[-1].params["matte"]
    assert m["debris_removed"] < 0.01 and m["beyond_head"] < 0.06


#: a hand (and cuff) resting on the subject's left shoulder, coming in from the frame's left border (after the crop)
HAND = [(20, 236), (56, 236), (56, 268), (20, 268)]
FAR = [(300.0, 0.0, 316.0, 16.0)]  # another found face, far from the subject: only opens the group rules


def _hand_scene(colour=SKIN, hand=HAND):
    """:func:`_scene` with ``hand`` in ``colour``, cropped 25 px at the left so the hand enters from the border."""
    img, alpha, lm = _scene(hand, colour=colour)
    return (np.ascontiguousarray(img[:, 25:]), np.ascontiguousarray(alpha[:, 25:]), lm - np.float32([25, 0]),
            toy_pose(160, 120, 80) - np.float32([25, 0]))


def test_a_hand_on_the_shoulder_from_the_border_is_removed():
    img, alpha, lm, pose = _hand_scene()
    h = on_arms(img, alpha > 0.5, lm, pose)
    assert h[250, 10] and h[250, 25]
    assert not h[300, 40] and not h[130, 135] and not h[380, 135]  # his own shoulder, face and shirt front
    out, rep = remove_debris(img, alpha, lm, others=FAR, pose=pose)
    assert out[250, 10] == 0.0 and out[250, 25] == 0.0 and rep.parts["arms"] > 0.005
    assert out[300, 40] == 1.0 and out[130, 135] == 1.0 and out[380, 135] == 1.0
    # without the other faces (a single-face photo) nothing changes: the rule is for group photos only
    assert remove_debris(img, alpha, lm, pose=pose)[0][250, 10] > 0.9


def test_what_the_rule_leaves_to_the_subject():
    img, alpha, lm, pose = _hand_scene()
    assert not on_arms(img, alpha > 0.5, lm, None).any()  # no pose: nothing is decided
    own = pose.copy()
    own[5] = (20, 260)  # the subject's own wrist there: his own hand on his shoulder
    assert not on_arms(img, alpha > 0.5, lm, own).any()
    # not at the border: a patch on his jacket (a badge) stays
    img2, alpha2, lm2, _ = _hand_scene(hand=[(45, 236), (70, 236), (70, 268), (45, 268)])
    assert not on_arms(img2, alpha2 > 0.5, lm2, pose).any()
    # like his clothes: a fold of his own jacket at the border stays
    img3, alpha3, lm3, _ = _hand_scene(colour=SHIRT)
    assert not on_arms(img3, alpha3 > 0.5, lm3, pose).any()
    # larger than a hand with its cuff: the shiny lit shoulder of his own jacket stays
    img4, alpha4, lm4, _ = _hand_scene(hand=[(20, 226), (75, 226), (75, 300), (20, 300)])
    assert not on_arms(img4, alpha4 > 0.5, lm4, pose).any()


def test_a_bare_arm_keeps_its_skin_at_the_border():
    img, alpha, lm, pose = _hand_scene(colour=(0.72, 0.52, 0.42))  # a shaded patch of skin
    assert on_arms(img, alpha > 0.5, lm, pose).any()  # on a jacket: not his
    bare = img.copy()
    arm = np.zeros(alpha.shape, np.uint8)
    cv2.line(arm, tuple(int(v) for v in pose[1]), tuple(int(v) for v in pose[3]), 1, 30)
    bare[arm.astype(bool) & (alpha > 0.5)] = SKIN  # his own upper arm is bare
    skin = subject_colours(bare, subject_regions(alpha.shape, alpha, lm)["skin"])
    assert not on_arms(bare, alpha > 0.5, lm, pose, skin=skin).any()


WALL = (0.75, 0.75, 0.72)
WHITE = (0.95, 0.95, 0.95)
RAIL = (0.12, 0.09, 0.07)


def _rail_scene(post=(175, 215), extra=(140, 160, 195)):
    """A subject in a white shirt before a light wall with a dark post standing beside him; the person mask
    holds rows ``extra[0]:`` of columns ``extra[1]:extra[2]`` (a piece of the post, as in a group snapshot)."""
    lm, pose = toy_landmarks(100, 80, 50), toy_pose(100, 80, 50)
    img = np.full((240, 240, 3), WALL, np.float32)
    if post is not None:
        img[:, post[0]:post[1]] = RAIL
    img[30:125, 60:140] = SKIN
    img[120:, 40:160] = WHITE
    a = np.zeros((240, 240), np.float32)
    a[30:240, 60:140] = 1
    a[120:240, 40:160] = 1
    a[extra[0]:240, extra[1]:extra[2]] = 1
    return img, a, lm, pose


def _subject_colours(img, a, lm):
    r = subject_regions(a.shape, a, lm)
    return np.concatenate([subject_colours(img, r["skin"]), subject_colours(img, r["body"])])


def test_a_background_post_held_by_the_mask_is_removed():
    img, a, lm, pose = _rail_scene()
    b = background_pieces(img, a, lm, _subject_colours(img, a, lm), pose=pose)
    assert b[200, 185] and b[150, 190]
    assert not b[200, 100] and not b[200, 150] and not b[60, 100]  # his shirt, its side, his face
    out, rep = remove_debris(img, a, lm, others=FAR, pose=pose)
    assert out[200, 185] == 0.0 and rep.parts["background"] > 0.02
    assert out[200, 100] == 1.0 and out[200, 150] == 1.0 and out[60, 100] == 1.0
    # a single-face photo never reaches the rule
    assert remove_debris(img, a, lm, pose=pose)[0][200, 185] == 1.0


def test_background_pieces_leave_the_subject_s_own_dark_clothes():
    img, a, lm, pose = _rail_scene()
    cols = _subject_colours(img, a, lm)
    assert not background_pieces(img, a, lm, cols).any()  # no pose: nothing is decided
    # the post does not continue beyond the mask (a dark patch of his own, beside the light wall): it stays
    img2, a2, lm2, _ = _rail_scene(post=(160, 195))
    img2[:140, 160:195] = WALL
    assert not background_pieces(img2, a2, lm2, _subject_colours(img2, a2, lm2), pose=pose).any()
    # along his upper arm: a dark sleeve beside a dark background stays
    arm = pose.copy()
    arm[0], arm[2] = (180, 150), (185, 230)
    assert not background_pieces(img, a, lm, cols, pose=arm).any()
    # a dark strap holding a part of his clothes that hangs on it alone (without it, more than itself would come
    # loose), beside a dark background: it stays
    img3, a3, lm3, _ = _rail_scene(post=(210, 240), extra=(150, 160, 210))
    img3[150:165, 160:210] = RAIL
    img3[165:, 170:210] = WHITE
    a3[165:, 160:170] = 0
    b3 = background_pieces(img3, a3, lm3, _subject_colours(img3, a3, lm3), pose=pose)
    assert not b3[158, 190]
