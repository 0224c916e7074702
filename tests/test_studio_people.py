"""Several people in one photo: the person mask split between them (candid.engines.studio.people)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candid.engines.studio.matte import matte, matte_quality
from candid.engines.studio.people import (
    boxes_in_frame,
    other_faces,
    others_mask,
    split_people,
    toy_landmarks,
    two_people,
)


def test_two_people_touching_the_subject_keeps_only_its_share():
    img, prob, lm, other = two_people()
    lab = split_people(img, prob, lm, [other])
    # planted answer: the shirts meet at column 160; nothing right of it is the subject's, nothing left the other's
    assert (lab[:, 162:] == 1).sum() == 0
    assert (lab[:, :158] == 2).sum() == 0
    assert (lab[170:, 20:158] == 1).mean() > 0.97 and (lab[170:, 162:300] == 2).mean() > 0.97
    # the boundary follows the colour edge, not a straight line through the middle
    rows = [np.flatnonzero(lab[y] == 1).max() for y in range(170, 240, 10)]
    assert all(abs(x - 159) <= 2 for x in rows)


def test_the_other_head_is_never_the_subject():
    img, prob, lm, other = two_people()
    m = others_mask(img, prob, lm, [other])
    assert m[70:110, 220:240].all()  # the other face
    assert not m[50:130, 50:110].any()  # the subject's face


def test_no_other_faces_means_no_split():
    img, prob, lm, _ = two_people()
    assert not others_mask(img, prob, lm, []).any()
    lab = split_people(img, prob, lm, [])
    assert set(np.unique(lab)) <= {0, 1}


def test_geometric_prior_gives_a_far_edge_less_region_to_the_other():
    # one flat colour for both people: no edge between them, so only geometry can decide
    img, prob, lm, other = two_people()
    flat = np.where(prob[..., None] > 0.5, np.float32(0.5), img).astype(np.float32)
    lab = split_people(flat, prob, lm, [other])
    assert (lab[200:, 280:300] == 2).all()  # far from the subject, near the other's column
    assert (lab[200:, 40:80] == 1).all()


def test_other_faces_drops_the_subjects_own_box():
    lm = toy_landmarks(100, 80, 50)
    boxes = [(70, 50, 130, 130), (200, 50, 250, 120)]
    assert other_faces(boxes, lm) == [(200.0, 50.0, 250.0, 120.0)]
    assert other_faces([], lm) == []


def test_boxes_follow_the_frame_matrix():
    m = [[0.5, 0, -10], [0, 0.5, 4]]
    assert boxes_in_frame([(20, 20, 60, 100)], m) == [(0.0, 14.0, 20.0, 54.0)]


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 1000), st.floats(0.3, 0.7))
def test_split_labels_the_person_only(seed, prior):
    img, prob, lm, other = two_people(seed=seed)
    lab = split_people(img, prob, lm, [other], prior=prior)
    person = prob > 0.5
    assert lab.dtype == np.int32 and lab.shape == prob.shape
    assert not (lab > 0)[~person].any()
    assert float((lab[person] == 0).mean()) < 0.01  # only a few soft-edge pixels may flood from the backdrop
    assert set(np.unique(lab)) <= {0, 1, 2}
    assert (lab[150, 80], lab[150, 230]) == (1, 2)


def test_inputs_are_not_modified():
    img, prob, lm, other = two_people()
    i0, p0 = img.copy(), prob.copy()
    split_people(img, prob, lm, [other])
    assert np.array_equal(img, i0) and np.array_equal(prob, p0)


@pytest.fixture(scope="module")
def astro():
    from skimage import data

    from candid.face import analyze_face

    img = data.astronaut().astype(np.float32) / 255
    return img, analyze_face(img, embed=False).landmarks


def test_one_person_matte_is_unchanged(astro):
    img, lm = astro
    a0 = matte(img, lm)
    assert np.array_equal(matte(img, lm, others=None), a0)
    assert np.array_equal(matte(img, lm, others=[]), a0)


def test_matte_drops_another_person_beside_the_subject(astro):
    # a second person (a copy of the astronaut's head and shoulders) pasted touching the subject's right side
    img, lm = astro
    two = img.copy()
    shift = 210
    two[100:512, 380:512] = img[100:512, 380 - shift:512 - shift]
    fbox = (float(lm[:27, 0].min() + shift), float(lm[:27, 1].min()), float(min(lm[:27, 0].max() + shift, 511)),
            float(lm[:27, 1].max()))
    a_split = matte(two, lm, others=[fbox])
    assert float(a_split[150:230, int(fbox[0]) + 10:int(fbox[2]) - 10].mean()) < 0.05  # the other face is gone
    assert float(a_split[150:230, 200:260].mean()) > 0.95  # the subject's face stays
    rep = matte_quality(a_split, lm, others=[fbox])
    assert not any("another person" in p for p in rep.problems)


def test_quality_flags_a_cut_out_holding_another_face(astro):
    img, lm = astro
    a = np.zeros(img.shape[:2], np.float32)
    a[60:, 150:512] = 1
    rep = matte_quality(a, lm, others=[(400, 150, 480, 250)])
    assert not rep.ok and any("another person" in p for p in rep.problems)
    assert not any("another person" in p for p in matte_quality(a, lm).problems)


# --- a neighbour whose face is not found: the subject's pose (shoulders, elbows, wrists) bounds the subject


def test_a_neighbour_without_a_face_beyond_the_subjects_arms_is_taken():
    from candid.engines.studio.people import beyond_pose, toy_pose

    img, prob, lm, _ = two_people()  # the other face is NOT given: only the pose can tell
    m = beyond_pose(img, prob, lm, toy_pose(80, 80, 50))
    # planted answer: the red shirt right of column 160 (down to 2 face widths under the chin, y 120..220)
    assert m[170:215, 163:300].mean() > 0.97
    assert not m[:, :158].any()  # the subject's own shirt, head and arms
    assert not m[:120].any()  # nothing above the chin
    # the boundary follows the shirts' colour edge
    rows = [np.flatnonzero(m[y]).min() for y in range(170, 215, 10)]
    assert all(abs(x - 160) <= 2 for x in rows)


def test_no_pose_or_a_body_within_the_arms_takes_nothing():
    from candid.engines.studio.people import beyond_pose, toy_pose

    img, prob, lm, _ = two_people()
    assert not beyond_pose(img, prob, lm, None).any()
    alone = prob.copy()
    alone[:, 160:] = 0  # the subject alone: the body ends within the arms' envelope plus the margin
    assert not beyond_pose(img, alone, lm, toy_pose(80, 80, 50)).any()


def test_subject_pose_gives_up_without_a_person():
    from candid.engines.studio.people import subject_pose

    assert subject_pose(np.full((96, 96, 3), 0.5, np.float32), toy_landmarks(48, 30, 20)) is None


def test_edge_map_is_made_once_for_the_split_and_the_pose_rule(monkeypatch):
    import candid.engines.studio.people as people

    img, prob, lm, other = two_people()
    alone = others_mask(img, prob, lm, [other]), people.beyond_pose(img, prob, lm, people.toy_pose(80, 80, 50))
    calls = []
    real = people.edge_map
    monkeypatch.setattr(people, "edge_map", lambda px, sigma=1.0: calls.append(1) or real(px, sigma))
    edges = people.edge_map(img)
    split = others_mask(img, prob, lm, [other], edges=edges)
    taken = people.beyond_pose(img.copy(), prob, lm, people.toy_pose(80, 80, 50), edges=edges)
    assert len(calls) == 1 and split.any() and taken.any()
    # the map passed in is the one each would have made
    assert np.array_equal(split, alone[0]) and np.array_equal(taken, alone[1])
