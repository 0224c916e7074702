"""Round 17 (r17-window): a window's frame beside the hair, and the cool light on white hair's outer strands.

Synthetic scenes only. ``matte.background_bars``: a straight bar of the background, carried on into the band
beside the person's mask, is found as far as its colour holds; a wide plain area, a bar the hair crosses and the
extended canvas are not. ``composite.light_hair_hue`` (``suppress_rim(hair_hue=True)``): white hair's outer
strands take the hue of the white hair deeper in; blonde and dark hair are left alone.
"""

import numpy as np
import pytest

from candid.engines.studio.composite import light_hair_hue, suppress_rim
from candid.engines.studio.matte import background_bars
from candid.face.examples import astronaut_landmarks

LM = astronaut_landmarks()  # face width 92 px: bars up to 0.05 of it (4-5 px) wide


def _scene(bar_x: int = 130, bar_w: int = 4, slant: float = 0.0):
    """A light wall, a dark bar (slanted by ``slant`` px per row), dark hair right of it from row 40 and over the
    bar from row 150 (the chin's line is at row 177); the mask is the hair."""
    H = W = 512
    yy, xx = np.mgrid[0:H, 0:W]
    left = bar_x + slant * (yy - 256)
    img = np.full((H, W, 3), (0.62, 0.58, 0.52), np.float32)
    # (anti-aliased, as a photo's edges are: its share of each pixel)
    cover = np.clip(np.minimum(xx + 1 - left, left + bar_w - xx), 0, 1)[..., None]
    img = (1 - cover) * img + cover * np.float32([0.12, 0.11, 0.10])
    img = img.astype(np.float32)
    bar = cover[..., 0] > 0.5
    # the hair's outline comes down towards the bar (30 px right of it at row 40, 3 px from row 100 on)
    gap = np.clip(3 + (100 - yy) * 27 / 60, 3, 30)
    hair = ((xx >= left + bar_w + gap) & (yy >= 40) & (xx < 380)) | ((xx >= left - 10) & (yy >= 150) & (xx < 380))
    img[hair] = (0.30, 0.24, 0.20)
    return img, hair, bar


@pytest.mark.parametrize("slant", [0.0, 0.12])
def test_bar_beside_hair_is_background(slant):
    img, hair, bar = _scene(slant=slant)
    found = background_bars(img, hair, LM)
    near = bar & (np.arange(512)[:, None] >= 60) & (np.arange(512)[:, None] < 145)
    assert found[near].mean() > 0.85  # the bar beside the hair, in the band (its half-covered edge pixels may stay)
    # no hair (beyond the slanted outline's own stair of pixels)
    inner = np.zeros_like(hair)
    inner[1:-1, 1:-1] = hair[1:-1, 1:-1] & hair[:-2, 1:-1] & hair[2:, 1:-1] & hair[1:-1, :-2] & hair[1:-1, 2:]
    assert not found[inner].any()
    assert found[hair].sum() <= 2


def test_bar_stops_where_the_hair_crosses_it():
    img, hair, bar = _scene()
    found = background_bars(img, hair, LM)
    assert not found[bar & (np.arange(512)[:, None] >= 152)].any()


def test_no_bar_below_the_chin():
    # the same bar beside the shoulders (the scene moved up by 120 rows): the shoulders' outline is left alone
    img, hair, bar = _scene()
    img, hair, bar = (np.roll(x, 120, axis=0) for x in (img, hair, bar))
    found = background_bars(img, hair, LM)
    assert not found[180:].any()


def test_wide_dark_area_is_no_bar():
    # a dark doorway 20 px wide (0.22 face widths): one side of a plain area, left to the matting's colours
    img, hair, _ = _scene(bar_w=20)
    hair = np.zeros_like(hair)
    hair[60:, 150:380] = True  # the hair right beside it
    img[60:, 150:380] = (0.30, 0.24, 0.20)
    assert not background_bars(img, hair, LM).any()


def test_extended_canvas_is_no_bar():
    img, hair, _ = _scene()
    valid = np.ones(hair.shape, bool)
    valid[:, :140] = False  # the bar lies on the canvas beyond the photo
    assert not background_bars(img, hair, LM, valid=valid).any()


def _white_hair(outer=(0.80, 0.90, 1.00), inner=(0.90, 0.90, 0.90), back=(0.80, 0.60, 0.20)):
    img = np.full((64, 96, 3), back, np.float32)  # a gold curtain: not the tint's hue
    img[:, :48] = inner
    img[:, 40:48] = outer  # the outer strands in a cool light
    a = np.zeros((64, 96), np.float32)
    a[:, :48] = 1
    a[:, 48:50] = (0.6, 0.3)
    return img, a


def _blue_over_red(px):
    from candid.colour import srgb_to_linear

    lin = srgb_to_linear(px)
    return float(lin[..., 2].mean() / lin[..., 0].mean())


def test_white_hair_takes_the_inner_hue():
    img, a = _white_hair()
    out = light_hair_hue(img, a, width=8)
    assert _blue_over_red(img[:, 42:48]) > 1.3
    assert abs(_blue_over_red(out[:, 42:48]) - 1.0) < 0.05  # neutral like the hair inside
    # its luminance is kept
    from candid.colour import luminance, srgb_to_linear

    assert np.allclose(luminance(srgb_to_linear(out[:, 42:48])), luminance(srgb_to_linear(img[:, 42:48])), atol=2e-3)
    assert np.allclose(out[:, :30], img[:, :30])  # the hair deeper in is as it was


def test_suppress_rim_flag():
    img, a = _white_hair()
    on, _ = suppress_rim(img, a, width=8)
    off, _ = suppress_rim(img, a, width=8, hair_hue=False)
    assert _blue_over_red(off[:, 42:48]) > 1.2  # the cyan fringe stays without the rule
    assert abs(_blue_over_red(on[:, 42:48]) - 1.0) < 0.05


@pytest.mark.parametrize("inner", [(0.90, 0.75, 0.50), (0.12, 0.10, 0.09), (0.85, 0.62, 0.50)])
def test_blonde_dark_hair_and_skin_are_left_alone(inner):
    img, a = _white_hair(inner=inner, outer=tuple(min(c * 1.1, 1.0) for c in inner[:2]) + (inner[2] * 1.3,))
    assert np.allclose(light_hair_hue(img, a, width=8), img)


def test_skin_beside_a_white_collar_keeps_its_colour():
    # a white collar deep in, the neck's skin along the outline: the skin is no tinted white
    img, a = _white_hair(outer=(0.85, 0.62, 0.50), inner=(0.92, 0.92, 0.92), back=(0.5, 0.5, 0.55))
    assert np.allclose(light_hair_hue(img, a, width=8)[:, :48], img[:, :48])
    assert not np.allclose(light_hair_hue(img, a, width=8, tinted=1.5)[:, :48], img[:, :48])  # (the guard's work)
