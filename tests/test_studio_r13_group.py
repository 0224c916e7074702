"""Round 13, group snapshots: a face beside the top of the subject's head is not someone standing on it
(candid.engines.studio.debris.touching_above; 2008_007676 fell back in all six styles)."""

from __future__ import annotations

import numpy as np

from candid.engines.studio.debris import _geometry, remove_debris, touching_above
from candid.engines.studio.people import toy_pose

from test_studio_debris import COLLAR, FACE_ABOVE, _scene

#: the woman behind (2008_007676): her face beside the subject's crown, her chin 19 rows below the hair's top in
#: her columns; her neck is hidden behind the subject's head, nothing of her is in the cut-out
FACE_BESIDE = (170.0, -25.0, 230.0, 48.0)
#: the same woman's dark hair hanging beside the subject's crown, joined to it, short of the frame's top (2008_007676
#: corporate)
HER_HAIR = [(60, 6), (130, 6), (130, 45), (60, 45)]
POSE = toy_pose(160, 120, 80)


def test_the_scene_puts_her_face_above_the_crown_and_her_chin_below_the_hair_top():
    img, alpha, lm = _scene()
    crown = _geometry(lm)[0]
    assert (FACE_BESIDE[1] + FACE_BESIDE[3]) / 2 < crown[1]  # touching_above's "above the crown"
    top = int(np.argmax((alpha[:, 170:230] > 0.5).any(axis=1)))
    assert top < FACE_BESIDE[3] - 10


def test_a_face_beside_the_top_of_the_head_is_not_standing_on_it():
    img, alpha, lm = _scene()
    assert touching_above(alpha, lm, [FACE_BESIDE])  # the old answer, and still the answer without a pose
    assert not touching_above(alpha, lm, [FACE_BESIDE], pose=POSE)
    assert not touching_above(alpha, lm, [FACE_BESIDE], pose=lambda: POSE)  # the pose found only when needed
    assert touching_above(alpha, lm, [FACE_BESIDE], pose=lambda: None)  # none found: nothing is decided
    out, rep = remove_debris(img, alpha, lm, others=[FACE_BESIDE], pose=POSE)
    assert rep.doubt is None
    assert np.array_equal(out > 0.5, alpha > 0.5)  # and nothing of the subject's hair is taken for it


def test_a_face_straight_above_with_its_collar_on_the_hair_stays_a_doubt_with_a_pose():
    # 2008_001009: the child's chin above her mother's hair, her collar coming down onto it
    img, alpha, lm = _scene(COLLAR, colour=(0.8, 0.8, 0.8))
    assert touching_above(alpha, lm, [FACE_ABOVE], pose=POSE)
    rep = remove_debris(img, alpha, lm, others=[FACE_ABOVE], pose=POSE)[1]
    assert rep.doubt is not None and "right above the head" in rep.doubt


def test_a_face_beside_the_head_with_more_of_the_cut_out_above_its_chin_stays_a_doubt():
    # her dark hair joined to the crown, beyond the subject's head: the cut-out above her chin is not all his head
    img, alpha, lm = _scene(HER_HAIR)
    assert touching_above(alpha, lm, [FACE_BESIDE], pose=POSE)
    rep = remove_debris(img, alpha, lm, others=[FACE_BESIDE], pose=POSE)[1]
    assert rep.doubt is not None
