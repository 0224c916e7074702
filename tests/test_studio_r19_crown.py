"""Round 19: the old backdrop's straight lines seen through a loop of hair (``matte.backdrop_lines``).

pengwei.jpg is shot from below against a ceiling of light tiles and grey T-bar rails; two rails cross the gap under
a loop of hair at the crown, and the matting reads them as mixes of the hair and the tiles (alpha 0.3-0.45): grey
strokes inside the loop on the new backdrop. The scenes here are synthetic: light tiles, a straight grey rail,
dark hair with a loop above the head, the rail running on from the clear ceiling through the loop, and curved
dark strands across the loop.
"""
import numpy as np
import pytest

import importlib

matte_mod = importlib.import_module("candid.engines.studio.matte")
from candid.engines.studio.matte import backdrop_lines
from candid.engines.studio.matte_rules import MatteRules
from candid.face.examples import astronaut, astronaut_landmarks


def _loop_scene(*, enclosed: bool = True, rail_grey: float = 0.6, half_width: float = 3.0, strands: bool = True):
    """Tiles of 0.8, a rail at 45 degrees, dark hair from row 60 with a loop above it (rows 30-60, x 180-262).

    The rail's pixels inside the loop hold the matting's 0.4; two curved strands (parabolas) cross the loop at 0.9.
    Returns ``(img, alpha, rail, strand)``.
    """
    img = np.full((256, 400, 3), 0.8, np.float32)
    yy, xx = np.mgrid[:256, :400]
    rail = np.abs(yy - xx + 160) < half_width
    img[rail] = rail_grey
    loop = (yy >= 30) & (xx >= 180) & (xx < 262) & ((yy < 35) | (xx < 185) | (xx >= 257))
    if not enclosed:  # the loop's right leg stops short of the head: its inside joins the clear ceiling
        loop &= ~((xx >= 257) & (yy >= 45))
    hair = (yy >= 60) | loop
    alpha = hair.astype(np.float32)
    img[hair] = 0.2
    inside = rail & ~hair & (yy > 30)
    alpha[inside] = 0.4
    strand = np.zeros_like(hair)
    if strands:
        for x0, k in ((205.0, 0.02), (235.0, -0.03)):  # curved: x = x0 + k (y - 35)^2
            ys = np.arange(35, 60)
            strand[ys, np.round(x0 + k * (ys - 35) ** 2).astype(int)] = True
        img[strand] = 0.2
        alpha[strand] = 0.9
    return img, alpha, inside & ~strand, strand


def test_rail_through_the_loop_goes_and_the_strands_stay():
    img, a, rail_in, strand = _loop_scene()
    b = backdrop_lines(img, a, astronaut_landmarks())
    # the rail's pixels inside the loop (away from where the strands cross it) are the backdrop
    assert float(np.median(b[rail_in])) < 0.05
    assert float(b[rail_in].max()) < 0.41  # never raised
    # every strand pixel keeps its alpha, and the hair is untouched
    np.testing.assert_allclose(b[strand], a[strand])
    np.testing.assert_array_equal(b[60:], a[60:])
    assert float(b[:30].max()) == 0.0


def test_only_where_the_backdrop_is_seen_through_the_hair():
    lm = astronaut_landmarks()
    img, a, rail_in, _ = _loop_scene(strands=False)
    assert float(np.median(backdrop_lines(img, a, lm)[rail_in])) < 0.05
    # the same rail where the loop is open to the ceiling (and no strands close a pocket of it): the band's soft
    # edge along the outline is the colour rules' (a backdrop line carried into a soft edge cut notches there:
    # rihanna.webp's crown, round 19)
    img, a, rail_in, _ = _loop_scene(enclosed=False, strands=False)
    b = backdrop_lines(img, a, lm)
    assert b is a or np.array_equal(b, a)
    # with ``through=None`` it acts there too
    assert float(np.median(backdrop_lines(img, a, lm, through=None)[rail_in])) < 0.05


def test_a_line_needs_contrast_across_it():
    lm = astronaut_landmarks()
    img, a, rail_in, _ = _loop_scene(rail_grey=0.6)
    assert float(np.median(backdrop_lines(img, a, lm)[rail_in])) < 0.05
    # a straight edge of 0.02 (a JPEG block's edge on a plain backdrop) is no line to carry
    img, a, _, _ = _loop_scene(rail_grey=0.78)
    b = backdrop_lines(img, a, lm)
    assert np.array_equal(b, a)


def test_a_cut_thinner_than_three_pixels_is_left_out():
    lm = astronaut_landmarks()
    img, a, rail_in, _ = _loop_scene(half_width=3.0)
    assert float(np.median(backdrop_lines(img, a, lm)[rail_in])) < 0.05
    # a 1 px line of the backdrop's colour in the loop: single pixels, as soft hair that happens to have a line's
    # colour (scarlett_2.jpg by the ear); not cut
    img, a, rail_in, _ = _loop_scene(half_width=1.0)
    assert np.array_equal(backdrop_lines(img, a, lm), a)


def test_nothing_without_a_line():
    img, a, _, _ = _loop_scene(rail_grey=0.8)  # plain tiles: the loop holds only the strands
    b = backdrop_lines(img, a, astronaut_landmarks())
    assert b is a
    img2, a2, rail_in, _ = _loop_scene()
    assert not np.array_equal(backdrop_lines(img2, a2, astronaut_landmarks()), a2)


@pytest.mark.parametrize("lines", [True, False])
def test_matte_calls_it_with_the_flag(monkeypatch, lines):
    seen = []

    def spy(pixels, alpha, landmarks, **kw):
        seen.append(alpha.shape)
        return np.zeros_like(alpha)  # a rule that takes everything: the matte must show it

    monkeypatch.setattr(matte_mod, "backdrop_lines", spy)
    img = astronaut()
    a = matte_mod.matte(img, astronaut_landmarks(), rules=MatteRules(lines=lines))
    if lines:
        assert seen == [img.shape[:2]] and float(a.max()) == 0.0
    else:
        assert seen == [] and float(a.max()) == 1.0
