"""Round 17: the matte's haze over a dark old background on passport's light backdrop (composite.clear_haze)."""

import numpy as np
import pytest

import candid.engines.studio.stage as stage
from candid.engines.studio.composite import clear_haze, composite

PASSPORT = np.float32(0.933)  # #eeeeee
GREY = np.float32(0.55)  # linkedin's #8c8f93


def _scene(a_band: float, band_colour: float, *, hair: float = 0.6, old: float = 0.1, size: int = 48):
    """Hair (opaque, left third), a soft band (middle) and the old background (right)."""
    a = np.zeros((size, size), np.float32)
    a[:, :16] = 1
    a[:, 16:28] = a_band
    img = np.full((size, size, 3), old, np.float32)
    img[:, :16] = hair
    img[:, 16:28] = band_colour
    return img, a


def _cut(img, a, backdrop):
    """What the stage composites: the rule applied when its flag is on."""
    bg = np.full(img.shape, backdrop, np.float32)
    fg, alpha = (clear_haze(img, a, img, bg, face_width=200.0) if stage.CLEAR_HAZE else (img, a))
    return fg, alpha, composite(fg, alpha, bg, decontaminate_edges=False, match_grain=False)


def test_haze_over_the_old_background_is_cleared_on_a_light_backdrop():
    # the band holds the old dark background only (the photo's colour there is the old backdrop's), yet alpha 0.45:
    # on #eeeeee it was a grey cloud (0.45 * 0.1 + 0.55 * 0.93 = 0.56)
    img, a = _scene(0.45, 0.1)
    _, alpha, out = _cut(img, a, PASSPORT)
    assert alpha[24, 22] <= 0.1
    assert out[24, 22].min() > 0.85
    assert np.array_equal(alpha[:, :14], a[:, :14])  # the opaque hair is untouched


def test_a_strand_the_colours_back_keeps_its_alpha():
    # a strand of the hair's colour at alpha 0.5 over the dark background: the photo's 0.35 says alpha 0.5
    img, a = _scene(0.5, 0.5 * 0.6 + 0.5 * 0.1)
    _, alpha, _ = _cut(img, a, PASSPORT)
    assert abs(float(alpha[24, 22]) - 0.5) < 0.03


def test_a_soft_band_darker_than_its_alpha_says_is_lifted():
    # dark curls (0.25) over black (0.03): the photo's 0.16 says alpha 0.6, the matte gave 0.3; on #eeeeee that
    # was a light see-through cloud round the hair
    img, a = _scene(0.3, 0.6 * 0.25 + 0.4 * 0.03, hair=0.25, old=0.03)
    _, alpha, out = _cut(img, a, PASSPORT)
    assert alpha[24, 22] > 0.5
    assert out[24, 22].max() < 0.6


def test_colours_off_the_line_from_background_to_person_are_not_lifted():
    # a blue stripe of the old backdrop beside skin: not a mix of the two, so never lifted
    img, a = _scene(0.3, 0.1, hair=0.6, old=0.1)
    img[:, 16:28] = [0.25, 0.3, 0.55]
    _, alpha, _ = _cut(img, a, PASSPORT)
    assert alpha[24, 22] <= a[24, 22] + 1e-6


@pytest.mark.parametrize("backdrop", [GREY, np.float32(0.3)])
def test_inert_on_a_backdrop_not_much_lighter_than_the_old(backdrop):
    img, a = _scene(0.45, 0.1)
    bg = np.full(img.shape, backdrop, np.float32)
    fg, alpha = clear_haze(img, a, img, bg, face_width=200.0)
    assert np.array_equal(alpha, a) and np.array_equal(fg, img)


def test_inert_where_the_person_is_like_the_old_background():
    # dark hair on a dark backdrop: the colours say nothing about alpha
    img, a = _scene(0.45, 0.08, hair=0.12, old=0.08)
    bg = np.full(img.shape, PASSPORT, np.float32)
    _, alpha = clear_haze(img, a, img, bg, face_width=200.0)
    assert np.array_equal(alpha, a)


def test_a_small_dark_piece_cut_out_of_the_person_is_no_dark_backdrop():
    # a light wall (0.9); black hair beside the skin, of which the matte cut a small piece out (alpha 0) and left the
    # rest soft: the clear pixels beside the soft hair are that dark piece, the backdrop round it is light
    size = 128
    img = np.full((size, size, 3), 0.9, np.float32)
    a = np.zeros((size, size), np.float32)
    img[:, :48] = 0.6
    a[:, :48] = 1
    img[48:80, 48:60] = 0.05  # black hair, soft
    a[48:80, 48:60] = 0.5
    img[40:88, 60:92] = 0.05  # black hair, cut out
    fg, alpha, _ = _cut(img, a, PASSPORT)
    assert np.allclose(alpha[52:76, 50:58], 0.5, atol=0.02)
