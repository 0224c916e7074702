"""Round 17 (r17-zcy): what a wide frame holds at the photo's border below the chest, kept as the person.

zcy.webp's editorial frame reaches the photo's lower corners: a bed sheet below her raised arm, a dark floor with an
app's watermark on it, and the grey wall seen between her other arm and her body were kept at alpha 1. The segmenter
doubted them (0.1-0.6) and GrabCut, started from it, kept them in colours the black dress also holds; the outline
rules read the backdrop just outside the mask, and the person and the photo's border enclose these. Now
:func:`doubted_at_border` (``matte(border_doubt=True)``) takes such a piece out, split from the clothes beside it by
GrabCut seeded with the piece's deepest doubt.

Synthetic scenes only (no real data): a head on the astronaut's landmarks, a black dress to the
frame's bottom, an arm at the left, and between them the room's wall in the shade.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

M = importlib.import_module("candid.engines.studio.matte")
P = importlib.import_module("candid.face.person")

from candid.engines.studio.matte_rules import MatteRules  # noqa: E402
from candid.face.examples import astronaut_landmarks  # noqa: E402

BACK, SKIN, DRESS, WALL = (0.85, 0.82, 0.78), (0.85, 0.65, 0.55), (0.04, 0.04, 0.05), (0.16, 0.14, 0.13)


def _scene():
    """``(image, person probability, landmarks, gap)``: the wall between arm and dress is ``gap`` (bool)."""
    lm = astronaut_landmarks()
    H = W = 512
    yy, xx = np.mgrid[:H, :W]
    img = np.empty((H, W, 3), np.float32)
    img[:] = BACK
    head = ((xx - 225) / 60.0) ** 2 + ((yy - 100) / 85.0) ** 2 <= 1
    body = (yy > 170) & (np.abs(xx - 225) < 110)
    arm = ((yy > 280) & (xx > 30) & (xx < 85)) | ((yy > 200) & (yy < 300) & (xx > 30) & (xx < 120))  # joined at the shoulder
    gap = (yy > 320) & (xx >= 85) & (xx < 115)
    img[body] = DRESS
    img[head] = SKIN
    img[arm] = SKIN
    img[gap] = WALL  # dark, in the shade: nearer the dress than the light room (GrabCut keeps it)
    prob = np.zeros((H, W), np.float32)
    prob[head | body | arm] = 1.0
    prob[gap] = 0.55  # the segmenter doubts the wall, most where it is farthest from the person
    prob[gap & (xx >= 97) & (xx < 103)] = 0.3
    return img, prob, lm, gap & (yy > 340) & (xx > 90) & (xx < 110)


def test_wall_between_arm_and_body_at_the_border_is_background():
    img, prob, lm, gap = _scene()
    mask = prob > 0.2
    cut = M.doubted_at_border(img, mask, prob, lm)
    assert cut[gap].mean() > 0.9
    assert not cut[(prob >= 1) & ~gap].any()  # the dress, the arm and the head stay


def test_piece_not_at_the_border_or_sure_is_left_alone():
    img, prob, lm, gap = _scene()
    closed = prob.copy()
    closed[-12:] = 0  # the piece ends before the photo's border: the outline rules' business, not this one's
    mask = closed > 0.2
    assert not M.doubted_at_border(img, mask, closed, lm).any()
    sure = np.where(prob > 0.2, 0.95, 0.0).astype(np.float32)  # the segmenter sure of it: the person's
    assert not M.doubted_at_border(img, sure > 0.5, sure, lm).any()


def test_near_the_chin_nothing_is_taken():
    img, prob, lm, _ = _scene()
    # the whole piece within ``below`` head heights of the chin (beside the neck and shoulders): left alone
    assert not M.doubted_at_border(img, prob > 0.2, prob, lm, below=3.0).any()


@pytest.mark.parametrize("flag", [True, False])
def test_matte_takes_the_wall_out_only_with_the_flag(monkeypatch, flag):
    img, prob, lm, gap = _scene()

    def fake(pixels, *args, **kwargs):  # the segmenter's answer for the scene, at the size asked
        import cv2
        return cv2.resize(prob, (pixels.shape[1], pixels.shape[0]), interpolation=cv2.INTER_LINEAR)

    monkeypatch.setattr(P, "person_probability", fake)
    a = M.matte(img, lm, rules=MatteRules(border_doubt=flag))
    inner = gap & (np.mgrid[:512, :512][0] > 400)
    if flag:
        assert float(a[inner].mean()) < 0.05
    else:
        assert float(a[inner].mean()) > 0.3
    assert float(a[450, 240]) > 0.95 and float(a[450, 60]) > 0.95  # the dress and the arm


def test_piece_of_the_person_s_own_colours_is_left_alone():
    # the segmenter doubts a sleeve where the photo's border cuts it: its deepest doubt has the sure person's colours
    img, prob, lm, gap = _scene()
    yy, xx = np.mgrid[:512, :512]
    img[(prob > 0.2) & (yy > 200) & (xx < 120)] = DRESS  # a long black sleeve, doubted where the border cuts it
    mask = prob > 0.2
    assert not M.doubted_at_border(img, mask, prob, lm).any()
    assert M.doubted_at_border(img, mask, prob, lm, unlike=0.0).any()  # without the guard it is cut
