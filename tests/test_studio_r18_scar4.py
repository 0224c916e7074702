"""Round 18: scarlett_4's passport, the haze over a busy banner's dark strip and the cheek's smear over its letters.

``composite.clear_haze`` reads soft pixels over a big dark piece of the old backdrop against that piece
(``backdrop_piece``) and caps a pixel of the old backdrop's own colour at 0, not at ``slack`` (``pure_zero``);
``matte.low_contrast(spread=True)`` (``matte(plain_alike=True)``) counts a busy backdrop whose colours only average
to the person's as no backdrop like the person.
"""


import numpy as np

from candid.engines.studio.composite import clear_haze, dark_backdrop
from candid.engines.studio.matte import low_contrast
from candid.engines.studio.matte_rules import HazeOptions, MatteRules

PASSPORT = np.float32(0.933)  # #eeeeee
SKIN = np.array([0.6, 0.45, 0.4], np.float32)
FW = 200.0  # face width of the scenes, px: a big dark piece is (0.2 * 200)^2 = 1600 px or more


def _banner_scene(a_band: float = 0.3, band=None, *, size: int = 120):
    """Skin (opaque, left third); beside it a soft band, then the old backdrop: a light wall above, a dark banner's
    strip (40 x 64 px, a big piece) in the middle and white letters below. Over 4x the reach the old backdrop
    averages to about 0.6, no dark backdrop, though the band lies over the dark strip only."""
    img = np.empty((size, size, 3), np.float32)
    img[:, :40] = SKIN
    img[:40, 40:] = 0.68  # the wall
    img[40:80, 40:] = 0.2  # the banner's dark strip
    img[80:, 40:] = 0.9  # the letters
    a = np.zeros((size, size), np.float32)
    a[:, :40] = 1
    a[40:80, 40:56] = a_band
    if band is not None:
        img[40:80, 40:56] = band
    return img, a


def _landmarks(chin_row: float) -> np.ndarray:
    """Landmarks whose lowest point (the chin) is at ``chin_row``."""
    lm = np.zeros((68, 2), np.float32)
    lm[:, 0], lm[:, 1] = 20, np.linspace(0, chin_row, 68)
    return lm


def _haze(img, a, *, chin: float = 200.0, **kw):
    bg = np.full(img.shape, PASSPORT, np.float32)
    return clear_haze(img, a, img, bg, face_width=FW, landmarks=_landmarks(chin), options=HazeOptions(**kw))


def test_haze_over_a_busy_backdrops_dark_strip_is_cleared():
    # scarlett_4's temple: alpha 0.2-0.4 over the dark banner beside the temple, a grey patch with a straight side on
    # #eeeeee; the wall above and the letters below made the 4x guard read "no dark backdrop" and the rule did nothing
    img, a = _banner_scene()
    _, alpha = _haze(img, a)
    assert alpha[60, 44:52].max() < 0.05  # (0.3 -> 0.03: the weight is 0.89, the backdrop 0.73 lighter)
    assert np.array_equal(alpha[:, :38], a[:, :38])  # the skin is untouched


def test_without_the_piece_the_guard_keeps_the_haze():
    img, a = _banner_scene()
    _, alpha = _haze(img, a, backdrop_piece=None)
    assert alpha[60, 44:52].min() > 0.25


def test_below_the_chin_a_big_dark_piece_may_be_cut_off_clothes():
    # lecun.jpg: the matte cut his dark shirt off at the frame's corner (a big dark clear piece); read as a dark
    # backdrop, the haze rule cut a light wedge between his neck and the collar. Below the chin the 4x guard holds
    img, a = _banner_scene()
    _, alpha = _haze(img, a, chin=30.0)
    assert alpha[60, 44:52].min() > 0.25
    _, alpha = clear_haze(img, a, img, np.full(img.shape, PASSPORT, np.float32), face_width=FW)  # no landmarks: off
    assert alpha[60, 44:52].min() > 0.25


def test_the_old_backdrops_own_colour_is_capped_at_zero_not_at_the_slack():
    # read 0 against the skin, the haze was capped at `slack` (0.08): a faint veil of the skin's colour that kept the
    # matte's straight side
    img, a = _banner_scene()
    _, kept = _haze(img, a, pure_zero=False)
    _, alpha = _haze(img, a)
    assert kept[60, 48] > 0.09 and alpha[60, 48] < 0.05


def test_the_backdrops_noise_reads_as_nothing():
    # a banner's texture (noise 0.03) reads a few hundredths of skin pixel by pixel: still the banner
    rng = np.random.default_rng(0)
    img, a = _banner_scene()
    img[40:80, 40:] += rng.normal(0, 0.03, (40, 80, 1)).astype(np.float32)
    # (round 20's piece_behind off: this band is 0.08 face widths wide and its lowest rows lie within 0.03 of the
    # white letters, which piece_behind reads as what is behind them; the noise is this test's point)
    _, alpha = _haze(img, a, piece_behind=False)
    assert float(np.mean(alpha[45:75, 42:54])) < 0.05


def test_a_strand_the_colours_back_over_the_strip_keeps_its_alpha():
    # half skin, half banner at alpha 0.5: a strand, kept
    img, a = _banner_scene(0.5, 0.5 * SKIN + 0.5 * 0.2)
    _, alpha = _haze(img, a)
    assert abs(float(alpha[60, 48]) - 0.5) < 0.05


def test_a_small_dark_piece_is_no_backdrop_piece():
    img = np.full((60, 60, 3), 0.9, np.float32)
    img[:, :20] = 0.1  # a strip of 1200 px: big for a face 100 px wide ((0.2 * 100)^2 = 400 px)
    img[40:44, 40:44] = 0.1  # 16 px
    bg = np.full((60, 60, 3), PASSPORT, np.float32)
    big = dark_backdrop(img, np.ones((60, 60), bool), bg, 100.0)
    assert big[:, :20].all() and not big[40:44, 40:44].any()


def _busy_scene(size: int = 96):
    """A person of the skin's colour (left half) before stripes of a dark banner and yellow letters whose mean is
    the skin's (scarlett_4's cheek)."""
    img = np.empty((size, size, 3), np.float32)
    img[:, : size // 2] = SKIN
    dark, yellow = np.array([0.2, 0.18, 0.2], np.float32), 2 * SKIN - np.array([0.2, 0.18, 0.2], np.float32)
    for r in range(0, size, 8):
        img[r:r + 4, size // 2:] = dark
        img[r + 4:r + 8, size // 2:] = yellow
    m = np.zeros((size, size), bool)
    m[:, : size // 2] = True
    return img, m


def test_a_busy_backdrop_averaging_to_the_skin_is_not_alike():
    # by the means alone the stripes are the skin (0 apart): the segmenter's soft shape was laid over them, pink
    # smears of alpha 0.1-0.2 beside scarlett_4's cheek
    img, m = _busy_scene()
    assert low_contrast(img, m, 100.0)[48, 48] == 1.0
    assert low_contrast(img, m, 100.0, spread=True)[48, 48] == 0.0


def test_a_plain_dark_backdrop_stays_alike():
    # dark hair on a near-black backdrop with the JPEG's noise: the shape rule's own case, unchanged
    rng = np.random.default_rng(1)
    img = np.full((96, 96, 3), 0.03, np.float32)
    img[:, :48] = 0.07
    img += rng.normal(0, 0.015, img.shape).astype(np.float32)
    m = np.zeros((96, 96), bool)
    m[:, :48] = True
    assert low_contrast(img, m, 100.0, spread=True)[48, 48] > 0.9


def test_matte_takes_the_busy_backdrop_rule_by_default():
    assert MatteRules().plain_alike is True
