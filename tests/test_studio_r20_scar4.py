"""Round 20: scarlett_4's passport temple notch (``composite.clear_haze``, ``HazeOptions.piece_behind``) and the veil
between her strands on corporate (``matte.alike_at_neck(gap_dark=...)``, ``MatteRules.gap_dark``).

A soft pixel beside a big dark piece of the old backdrop was read against that piece wherever the piece was among
the clear pixels within the reach: the dark hair edge standing before the light wall at the dark banner's corner,
as dark as the banner, read as the banner and was cleared, a white notch in the hairline on passport's backdrop.
It is now read against the piece in the measure the piece is the backdrop right behind it.

Below the ear lobes the shape rule's word is taken away where the colour model's outline is not alike its
background, but (round 19's merge, for yangmi_6's dark locks on a black wall) only where the gap beside the outline
is darker than the hair. Loose light strands hanging in that gap before a dark banner lifted its mean to "as light
as the hair", the shape's soft piece stayed over the banner between the strands: a veil. The gap is now read by its
darker part.
"""

import importlib

import numpy as np

from candid.engines.studio.composite import clear_haze
from candid.engines.studio.matte_rules import HazeOptions, MatteRules
from candid.face.examples import astronaut_landmarks

M = importlib.import_module("candid.engines.studio.matte")

PASSPORT = np.float32(0.933)  # #eeeeee
SKIN = np.array([0.6, 0.45, 0.4], np.float32)
HAIR = np.array([0.2, 0.15, 0.14], np.float32)  # dark brown, about as dark as the banner
FW = 200.0  # face width, px: the piece's least size is (0.2 * 200)^2 = 1600 px, "right behind" 2 px


def _temple_scene():
    """Skin (opaque, left third); a light wall above row 40, a dark banner's strip (rows 40-80) and white letters
    below; the hair's soft edge (alpha 0.5, 6 px) beside the skin before the wall just above the banner's corner, and
    a haze band (alpha 0.3, the banner's own colour) beside the skin over the banner."""
    img = np.empty((120, 120, 3), np.float32)
    img[:, :40] = SKIN
    img[:40, 40:] = 0.68  # the wall
    img[40:80, 40:] = 0.2  # the banner
    img[80:, 40:] = 0.9  # the letters
    a = np.zeros((120, 120), np.float32)
    a[:, :40] = 1
    img[24:40, 40:46] = HAIR
    a[24:40, 40:46] = 0.5
    a[44:80, 40:48] = 0.3  # the matte's haze over the banner (0.04 face widths, as the temple's)
    return img, a


def _landmarks(chin_row: float = 200.0) -> np.ndarray:
    lm = np.zeros((68, 2), np.float32)
    lm[:, 0], lm[:, 1] = 20, np.linspace(0, chin_row, 68)
    return lm


def _haze(img, a, **kw):
    bg = np.full(img.shape, PASSPORT, np.float32)
    return clear_haze(img, a, img, bg, face_width=FW, landmarks=_landmarks(), options=HazeOptions(**kw))[1]


def test_hair_before_the_wall_beside_the_banner_is_kept():
    img, a = _temple_scene()
    alpha = _haze(img, a)
    assert float(alpha[26:34, 41:45].min()) > 0.4  # the hair edge keeps its alpha
    old = _haze(img, a, piece_behind=False)  # round 18: read against the banner, the hair went
    assert float(old[31:34, 41:45].max()) < 0.2


def test_the_haze_over_the_banner_is_still_cleared():
    img, a = _temple_scene()
    alpha = _haze(img, a)
    assert float(alpha[48:64, 41:47].max()) < 0.07  # (0.3 -> 0.01-0.05, as round 18)
    assert np.array_equal(alpha[:, :38], a[:, :38])  # the skin is untouched


def test_piece_behind_is_on_by_default_and_off_for_an_older_log():
    assert HazeOptions().piece_behind
    assert not HazeOptions.from_dict({"version": 1}).piece_behind


# --- the veil between the strands (alike_at_neck's gap)

NECK_SKIN = np.array([0.8, 0.6, 0.5], np.float32)
BLONDE = np.array([0.58, 0.45, 0.37], np.float32)  # scarlett_4's hair above the brows: mean 0.46


def _neck_scene(backdrop, strands=None):
    """The astronaut's landmarks; skin (GrabCut's mask) left of x 280 with blonde hair above the brows, the backdrop
    right of it, with light strands (2 px every 5 px) hanging in it if given."""
    lm = astronaut_landmarks()
    img = np.empty((512, 512, 3), np.float32)
    img[:, :280] = NECK_SKIN
    img[: int(lm[17:27, 1].min()) - 40, :280] = BLONDE
    img[:, 280:] = backdrop
    if strands is not None:
        for x in range(283, 512, 5):
            img[:, x:x + 2] = strands
    mask = np.zeros((512, 512), bool)
    mask[:, :280] = True
    return img, mask, lm


def _below_lobes(lm):
    return int((lm[1, 1] + lm[2, 1] + lm[14, 1] + lm[15, 1]) / 4) + 40


def test_light_strands_in_a_dark_gap_do_not_make_it_the_hair():
    img, mask, lm = _neck_scene(0.18, strands=(0.75, 0.65, 0.55))
    w = np.ones((512, 512), np.float32)
    y = _below_lobes(lm)
    old = M.alike_at_neck(img, w, mask, lm, gap_dark=False)
    new = M.alike_at_neck(img, w, mask, lm)
    assert float(old[y, 282]) > 0.9  # round 19's merge: the gap's mean (0.4) "no darker than the hair", shape kept
    assert float(new[y, 282]) < 0.1  # its darker part (the banner, 0.18) is: colour decides


def test_dark_hair_before_a_black_wall_keeps_the_shape():
    # yangmi_6's dark locks past the jaw: the wall is black all over, its darker part its mean
    img, mask, lm = _neck_scene(0.02)
    img[: int(lm[17:27, 1].min()) - 40, :280] = 0.13  # dark hair above the brows
    w = np.ones((512, 512), np.float32)
    y = _below_lobes(lm)
    new = M.alike_at_neck(img, w, mask, lm)
    assert np.allclose(new, M.alike_at_neck(img, w, mask, lm, gap_dark=False), atol=1e-6)
    assert float(new[y, 282]) > 0.9


def test_gap_dark_is_on_by_default_and_off_for_an_older_log():
    assert MatteRules().gap_dark
    assert not MatteRules.from_dict({"version": 2}).gap_dark
