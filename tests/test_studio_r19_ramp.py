"""Round 19 (r19-ramp): the skin outline's edge as soft as the photo's own.

``matte.smooth_skin_outline`` (round 18) redrew the jaw's outline below the lobes as a smooth curve, but as a 2 px
ramp where the photo's own edge is 3-6 px wide: the outermost skin, now opaque, kept a share of the old background.
With ``MatteRules(photo_ramp=True)`` (``width=None``) the ramp's softness is the photo's own (``matte.edge_spread``).
"""

import inspect

import numpy as np
import pytest
from scipy import ndimage

from candid.engines.studio.matte import edge_spread, smooth_skin_outline
from candid.engines.studio.matte_rules import MatteRules
from candid.face.examples import astronaut_landmarks

SKIN = np.array([0.8, 0.62, 0.55], np.float32)
COAT = np.array([0.3, 0.32, 0.4], np.float32)


def _width():
    """The ramp as ``matte()`` asks for it by default (None: the photo's own; 2.0: round 18's)."""
    return None if MatteRules().photo_ramp else 2.0


def _soft_jaw(blur: float, step: float = 2.0):
    """The astronaut's landmarks; skin whose left edge below the lobes is a straight slanted line blurred by
    ``blur`` px in the photo (each pixel its share's mix of skin and coat), while the matte's edge is hard and
    alternates ``step / 2`` px either side of the photo's in blocks of 16 rows (JPEG colour blocks)."""
    lm = astronaut_landmarks()
    yy, xx = np.mgrid[:512, :512].astype(np.float32)
    jaw = 176 + 0.3 * (yy - 125)
    inside = np.clip(xx - jaw + 0.5, 0, 1) * ((xx < 280) & (yy > 50))
    share = ndimage.gaussian_filter(inside, blur) if blur > 0 else inside
    img = (share[..., None] * SKIN + (1 - share[..., None]) * COAT).astype(np.float32)
    a = ((xx > jaw + step * ((yy // 16) % 2) - step / 2) & (xx < 280) & (yy > 50)).astype(np.float32)
    return img, a, share, lm


def _rise(m, rows=range(135, 170), lo=0.1, hi=0.9):
    """Mean ``lo``-``hi`` rise (px) of ``m`` along the rows (the edge is 17 degrees off upright)."""
    xs = np.arange(150, 230)
    out = []
    for y in rows:
        p = np.maximum.accumulate(m[y, 150:230])
        out.append(np.interp(hi, p, xs) - np.interp(lo, p, xs))
    return float(np.mean(out)) * np.cos(np.arctan(0.3))  # across the edge, not along the row


def _worst_step(m, rows=range(135, 170)):
    at = [float(np.interp(0.5, np.maximum.accumulate(m[y, 150:230]), np.arange(150, 230))) for y in rows]
    return max(abs(b - a - 0.3) for a, b in zip(at, at[1:]))


@pytest.mark.parametrize("blur", [1.0, 2.0, 3.0])
def test_edge_spread_reads_a_blurred_steps_sigma(blur):
    yy, xx = np.mgrid[:96, :96].astype(np.float32)
    step = np.clip(xx - 0.2 * yy - 40, 0, 1)  # a slanted edge
    pts = np.zeros((96, 96), bool)
    pts[30:60] = np.abs(xx[30:60] - 0.2 * yy[30:60] - 40.5) < 0.5
    sig = edge_spread(ndimage.gaussian_filter(step, blur), ndimage.gaussian_filter(step, 3), pts)
    assert abs(float(np.median(sig)) - blur) < 0.25


def test_edge_spread_has_no_reading_without_an_edge():
    flat = np.full((40, 40), 0.5, np.float32)
    level = np.tile(np.linspace(0, 1, 40, dtype=np.float32), (40, 1))
    pts = np.zeros((40, 40), bool)
    pts[10:30, 20] = True
    assert np.isnan(edge_spread(flat, level, pts)).all()


def test_the_redrawn_jaw_is_as_soft_as_the_photos_edge():
    # the photo blurs the jaw over about 5 px (10-90 %); round 18's ramp was 2 px: fails with photo_ramp off
    img, a, share, lm = _soft_jaw(2.0)
    b = smooth_skin_outline(img, a, lm, width=_width())
    photo = _rise(share)
    assert photo > 4.5
    # on the skin's side (alpha 0.5-0.95) the ramp is the photo's (alpha rises no further out than the colour shows
    # the skin: a pixel nearer the background's colour keeps its alpha); round 18's was half as wide
    inner = _rise(share, lo=0.5, hi=0.95)
    assert 0.7 * inner < _rise(b, lo=0.5, hi=0.95) < 1.2 * inner   # round 18: 0.24 of it
    # still a smooth curve: no block steps
    assert _worst_step(a) > 1.5 and _worst_step(b) < 0.8


def test_no_opaque_pixel_holds_the_old_background():
    # where the redrawn matte says opaque, the photo's pixel is (nearly) all skin: the old background's share there
    # showed as a thin line on the new backdrop (fails with photo_ramp off: pixels of up to 0.48 coat went opaque)
    img, a, share, lm = _soft_jaw(2.0)
    b = smooth_skin_outline(img, a, lm, width=_width())
    zone = np.zeros(a.shape, bool)
    zone[120:180, 150:230] = True
    assert float(share[zone & (b > 0.98)].min()) > 0.8


def test_a_crisp_photo_keeps_a_crisp_outline():
    # a sharp photo edge (sigma 0.5 px) is not blurred: the ramp stays about as narrow as round 18's
    img, a, share, lm = _soft_jaw(0.5)
    b = smooth_skin_outline(img, a, lm)
    assert _rise(b) < 2.0
    assert _worst_step(b) < 0.8


def test_the_flag_is_on_by_default():
    assert MatteRules().photo_ramp is True
    assert inspect.signature(smooth_skin_outline).parameters["width"].default is None


# --- rihanna's pink line: the rim of an opened thin pocket on the neck's side ---------------------------------------

NECK = np.array([0.5, 0.28, 0.2], np.float32)  # a shaded neck
PINK = np.array([0.88, 0.53, 0.72], np.float32)  # the old backdrop in the pocket
GOLD = np.array([0.8, 0.62, 0.25], np.float32)  # a hoop


def _pocket_rim(pink_share: float = 0.6):
    """Neck | one rim pixel (``pink_share`` pink, the rest neck) | a pink pocket the matting filled | a gold hoop;
    the working size's piece is narrower than the pocket (its pixels from column 22 to 30)."""
    img = np.zeros((40, 60, 3), np.float32)
    img[:, :20] = NECK
    img[:, 20] = pink_share * PINK + (1 - pink_share) * NECK
    img[:, 21:32] = PINK
    img[:, 32:] = GOLD
    a = np.ones((40, 60), np.float32)
    a[:, 20] = 0.9  # the matting's alpha on the rim
    a[:, 21:32] = 0.95
    pieces = np.zeros((40, 60), bool)
    pieces[:, 22:31] = True
    return img, a, pieces


def _mix():
    return 0.1 if MatteRules().pocket_rim else None


def test_the_pockets_rim_on_the_neck_side_keeps_no_pink():
    # the rim pixel is 60 % pink: 0.9 of alpha kept it (the foreground estimate took out a share of pink it was
    # mostly made of: a light line); fails with pocket_rim off
    from candid.engines.studio.matte import open_thin_pockets

    img, a, pieces = _pocket_rim()
    b = open_thin_pockets(a, pieces, pixels=img, mix=_mix())
    assert float(b[20, 20]) < 0.55  # its share of the neck (0.4) and 0.1
    assert float(b[20, 26]) == 0.0  # the pocket open
    assert float(b[20, 10]) == 1.0 and float(b[20, 40]) == 1.0  # the neck and the hoop whole
    assert float(b[20, 32]) == 1.0  # the hoop's edge is no mix of pink and neck: kept


def test_a_rim_of_neck_colour_is_kept():
    from candid.engines.studio.matte import open_thin_pockets

    img, a, pieces = _pocket_rim(pink_share=0.0)
    b = open_thin_pockets(a, pieces, pixels=img, mix=0.1)
    assert float(b[20, 20]) == pytest.approx(0.9)
