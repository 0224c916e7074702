"""Round 18 (r18-scar2): scarlett_2's passport fringe and jagged jaw.

- ``composite.clear_haze`` (``HazeOptions(firm=..., pockets=...)``, ``stage.FIRM_BAND``): on a backdrop much lighter
  than the old one, the soft band of a soft photo's curls is made steeper and soft pockets between curls are filled.
- ``matte.smooth_skin_outline`` (``MatteRules(skin_outline=...)``): the jaw's and neck's outline below the lobes is
  drawn as a smooth curve, without the stair steps of the photo's colour blocks.
"""

import numpy as np

import candid.engines.studio.stage as stage
from candid.engines.studio.composite import clear_haze, composite
from candid.engines.studio.matte import smooth_skin_outline
from candid.engines.studio.matte_rules import HazeOptions
from candid.face.examples import astronaut_landmarks

PASSPORT = np.float32(0.933)  # #eeeeee
GREY = np.float32(0.55)  # linkedin's #8c8f93


def _firm():
    """The haze options the stage passes (the firmed band with ``stage.FIRM_BAND``)."""
    return HazeOptions() if stage.FIRM_BAND else HazeOptions(firm=None)


def _curls(size: int = 64):
    """Dark curls (0.25, opaque left) over black (0.03, right), a blurred edge 12 px wide whose alpha the colours
    back (each pixel is its alpha's mix), and a shadowed pocket inside the hair (photo 0.15, alpha 0.45)."""
    a = np.zeros((size, size), np.float32)
    a[:, :24] = 1
    ramp = np.linspace(1, 0, 14, dtype=np.float32)[1:-1]  # 0.92 .. 0.08 over 12 px
    a[:, 24:36] = ramp
    hair, old = 0.25, 0.03
    img = (a[..., None] * hair + (1 - a[..., None]) * old).astype(np.float32).repeat(3, -1)
    a[28:34, 10:16] = 0.45  # the pocket: darker than the hair, ringed by opaque hair
    img[28:34, 10:16] = 0.15
    return img, a


def _cut(img, a, backdrop):
    bg = np.full(img.shape, backdrop, np.float32)
    fg, alpha = clear_haze(img, a, img, bg, face_width=300.0, options=_firm())
    return fg, alpha, composite(fg, alpha, bg, decontaminate_edges=False, match_grain=False)


def test_a_blurred_edge_over_black_is_steeper_on_a_light_backdrop():
    # the outer half of the blur (alpha under 0.35) was a pale frost outside the hair on #eeeeee
    img, a = _curls()
    _, alpha, out = _cut(img, a, PASSPORT)
    outer = (a > 0.05) & (a < 0.3)
    assert outer.any()
    assert float(alpha[outer].max()) < 0.1  # the frost is gone: the backdrop shows there
    assert float(out[outer].min()) > 0.85
    inner = (a > 0.7) & (a < 0.98)
    assert float(alpha[inner].min()) > 0.85  # and the curls' own edge is firmer
    assert np.array_equal(alpha[:, :8], a[:, :8])  # the opaque hair is untouched


def test_a_shadowed_pocket_between_curls_is_filled():
    # photo 0.15 between curls of 0.25 over black 0.03 reads about 0.55 of the hair: it is hair in shadow, and at
    # alpha 0.45 it was a pale blob in the curls on #eeeeee
    img, a = _curls()
    _, alpha, out = _cut(img, a, PASSPORT)
    assert float(alpha[30, 12]) > 0.95
    assert float(out[30, 12].max()) < 0.35


def test_a_dark_hole_in_the_hair_is_not_made_a_sharp_hole():
    # a basin that reads as the black backdrop (photo 0.04) is not filled, and not pushed down either
    img, a = _curls()
    img[28:34, 10:16] = 0.04
    a[28:34, 10:16] = 0.3
    _, alpha, _ = _cut(img, a, PASSPORT)
    bg = np.full(img.shape, PASSPORT, np.float32)
    plain = clear_haze(img, a, img, bg, face_width=300.0, options=HazeOptions(firm=None))[1]  # round 17's rules alone
    assert float(alpha[30, 12]) >= float(plain[30, 12]) - 1e-6
    assert float(alpha[30, 12]) < 0.5


def test_nothing_is_firmed_on_a_grey_backdrop():
    img, a = _curls()
    bg = np.full(img.shape, GREY, np.float32)
    assert np.array_equal(clear_haze(img, a, img, bg, face_width=300.0, options=_firm())[1], a)


def _jaw(step: float = 2.0, colour=(0.8, 0.62, 0.55)):
    """The astronaut's landmarks; a skin region whose left edge below the lobes is a straight slanted line in the
    photo, while the matte's edge alternates 1 px either side of it in blocks of 16 rows (JPEG colour blocks)."""
    lm = astronaut_landmarks()
    img = np.full((512, 512, 3), (0.3, 0.32, 0.4), np.float32)  # a blue-grey coat
    yy, xx = np.mgrid[:512, :512]
    jaw = 176 + 0.3 * (yy - 125)
    img[(xx > jaw) & (xx < 280) & (yy > 50)] = colour
    a = ((xx > jaw + step * ((yy // 16) % 2) - step / 2) & (xx < 280) & (yy > 50)).astype(np.float32)
    return img, a, lm


def _edge_x(m, y):
    return float(np.interp(0.5, m[y, 160:220], np.arange(160, 220)))


def _worst_step(m, rows=range(135, 170)):
    return max(abs(_edge_x(m, y + 1) - _edge_x(m, y) - 0.3) for y in rows)


def _smooth(img, a, lm, **kw):
    # the rule as matte() calls it when its flag is on (sigma 0: off)
    return smooth_skin_outline(img, a, lm, **({} if stage_skin_outline() else {"sigma": 0.0}), **kw)


def stage_skin_outline() -> bool:
    from candid.engines.studio.matte_rules import MatteRules

    return MatteRules().skin_outline


def test_the_jaw_outline_has_no_block_steps():
    img, a, lm = _jaw()
    assert _worst_step(a) > 1.5
    b = _smooth(img, a, lm)
    assert _worst_step(b) < 0.8
    # and it stays on the photo's edge: the mean position does not move
    ys = range(135, 170)
    assert abs(np.mean([_edge_x(b, y) for y in ys]) - np.mean([_edge_x(a, y) for y in ys])) < 0.5


def test_a_coat_or_collar_outline_is_left_alone():
    # the opaque side's colour has no skin hue (a grey collar): its corners and steps are its own
    img, a, lm = _jaw(colour=(0.5, 0.5, 0.5))
    img[60:140, 190:265] = (0.8, 0.62, 0.55)  # the cheeks (the colour the rule compares with)
    b = smooth_skin_outline(img, a, lm)
    assert _worst_step(a, range(150, 175)) > 1.5
    assert np.array_equal(b[150:175], a[150:175])


def test_an_earring_hanging_past_the_jaw_is_kept():
    # a bright drop 3 px wide hanging 12 px out of the outline is a shape of its own, not a block's step
    img, a, lm = _jaw(step=0.0)
    yy, xx = np.mgrid[:512, :512]
    drop = (xx >= 168) & (xx < 171) & (yy >= 140) & (yy < 156)
    img[drop] = (0.9, 0.9, 0.92)
    a[drop | ((yy >= 140) & (yy < 143) & (xx >= 168) & (xx < 182))] = 1
    b = smooth_skin_outline(img, a, lm)
    assert float(b[150, 169]) > 0.9


def test_above_the_lobes_the_outline_is_left_alone():
    img, a, lm = _jaw()
    b = smooth_skin_outline(img, a, lm)
    assert np.array_equal(b[:105], a[:105])
