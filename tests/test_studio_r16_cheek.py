"""Round 16: the segmenter's prior must not cut a pale far cheek inside or just outside the jaw's landmarks."""
import numpy as np
import pytest

from candid.engines.studio.matte import face_skin, matte
from candid.engines.studio.matte_rules import MatteRules
from candid.face.examples import astronaut_landmarks

from studio_cheek_scene import BACK, SKIN, pale_face as _scene  # (pytest puts tests/ on the path)


def test_face_skin_keeps_the_cheek_beyond_the_landmarks():
    img, lm, skin, c, half = _scene()
    w = face_skin(img, skin.astype(np.float32), lm)
    y = int(round(lm[12, 1]))
    x_lm = int(round(lm[12, 0]))
    edge = np.flatnonzero(skin[y])[-1]
    assert edge - x_lm >= 3  # the scene: the cheek reaches past the landmark
    assert w[y, x_lm + 1: edge - 1].min() > 0.9  # the cheek beyond the jaw's landmarks is skin
    assert w[y, edge + 3:].max() == 0.0  # the backdrop is not


def test_face_skin_only_the_hull_when_the_backdrop_is_the_skins_colour():
    img, lm, skin, c, half = _scene()
    img[~skin] = SKIN  # a wall of the skin's colour: colour cannot tell the cheek from it
    w = face_skin(img, skin.astype(np.float32), lm)
    y = int(round(lm[12, 1]))
    x_lm = int(round(lm[12, 0]))
    assert w[y, x_lm + 4:].max() == 0.0


@pytest.mark.parametrize("cheeks", [True, False])
def test_matte_prior_does_not_cut_the_far_cheek(cheeks):
    img, lm, skin, c, half = _scene()
    # the segmenter draws the far cheek along the mouth's corner (well inside the landmarks' jaw); GrabCut's view
    # has the whole face
    ys, xs = np.mgrid[:256, :256].astype(np.float32)
    cut = (xs > lm[54, 0]) & (ys > lm[33, 1]) & (ys < lm[8, 1] + 5)
    raw = np.where(skin, np.where(cut, 0.1, 1.0), 0.0).astype(np.float32)
    prob = skin.astype(np.float32)
    # (shape_where_alike off: on this flat scene low_contrast reads skin on both sides of the cut and takes the
    # segmenter's shape there, a second route this test does not cover)
    a = matte(img, lm, _frame_views=(raw, prob),
              rules=MatteRules(work_side=256, cheeks=cheeks, shape_where_alike=False))
    y = int(round(lm[12, 1]))
    x_lm = int(round(lm[12, 0]))
    edge = np.flatnonzero(skin[y])[-1]
    held = float(a[y, int(lm[54, 0]) + 2: edge - 2].min())
    if cheeks:
        assert held > 0.9  # the cheek between the mouth's corner and its real outline is opaque
        assert a[y, edge + 4:].max() < 0.05  # and the backdrop beyond it is not
    else:
        assert held < 0.5  # without the rule the segmenter's doubt cuts it (the defect)


@pytest.mark.parametrize("lips_out", [True, False])
def test_jaw_rim_does_not_tone_a_pale_cheek_by_the_lips(lips_out):
    import cv2

    from candid.engines.studio.composite import suppress_jaw_rim

    lm = astronaut_landmarks()
    img = np.empty((512, 512, 3), np.float32)
    img[:] = BACK
    face = np.zeros((512, 512), np.uint8)
    cv2.fillPoly(face, [np.round(np.vstack([lm[:17], lm[26:16:-1]])).astype(np.int32)], 1)
    face = cv2.dilate(face, np.ones((7, 7), np.uint8)).astype(bool)
    img[face] = (0.72, 0.70, 0.74)  # one pale skin colour: there is no rim to tone
    lips = np.zeros((512, 512), np.uint8)
    cv2.fillPoly(lips, [np.round(lm[48:60]).astype(np.int32)], 1)
    img[lips.astype(bool)] = (0.55, 0.1, 0.12)  # dark red lips near the jaw
    out, amount = suppress_jaw_rim(img, lm, width=6, alpha=face.astype(np.float32), lips_out=lips_out)
    changed = float(np.abs(out - img).max())
    if lips_out:
        assert changed == 0.0 and amount == 0.0
    else:
        assert changed > 0.02  # the lips in the reference made the pale cheek a "rim" (the defect)


def test_face_skin_without_hull_is_the_skin_alone():
    import cv2

    img, lm, skin, c, half = _scene()
    lips = np.zeros(skin.shape, np.uint8)
    cv2.fillPoly(lips, [np.round(lm[48:60]).astype(np.int32)], 1)
    img[lips.astype(bool)] = (0.6, 0.12, 0.15)
    w = face_skin(img, skin.astype(np.float32), lm, with_hull=False)
    y = int(round(lm[12, 1]))
    x_lm = int(round(lm[12, 0]))
    assert w[y, x_lm - 3: x_lm + 3].min() > 0.9  # the cheek's skin, inside and outside the hull
    my, mx = np.round(lm[62]).astype(int)[::-1]
    assert w[my, mx] == 0.0  # the lips are no skin
