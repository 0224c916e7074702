"""Studio composite: a backlit rim along the jaw (inside the outline) is toned down, nothing else moves."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from candid.engines.studio.composite import suppress_jaw_rim


@pytest.fixture
def astro(astronaut_matte):
    return astronaut_matte


def test_a_planted_jaw_rim_is_toned_and_nothing_else(astro):
    img, lm, alpha = astro
    lit = img.copy()
    cv2.polylines(lit, [np.round(lm[3:9] + [0, 4]).astype(np.int32)], False, (0.95, 0.97, 1.0), 4)  # bluish-white
    out, amount = suppress_jaw_rim(lit, lm, width=4, alpha=alpha)
    rim = np.zeros(img.shape[:2], np.uint8)
    cv2.polylines(rim, [np.round(lm[3:9] + [0, 4]).astype(np.int32)], False, 1, 4)
    rim = rim.astype(bool) & (alpha >= 0.98)
    from candid.colour import luminance, srgb_to_linear

    lum = lambda x: luminance(srgb_to_linear(x))[rim].mean()
    cheek = luminance(srgb_to_linear(img))[int(lm[2:15, 1].mean()) - 10, int(lm[30, 0])]
    assert amount > 0 and lum(out) < lum(lit) - 0.05 and lum(out) < 1.25 * cheek, (lum(lit), lum(out), cheek)
    assert (out[rim][:, 0] > out[rim][:, 2]).mean() > 0.9  # the bluish-white line takes the skin's warm colour
    jaw = np.zeros(img.shape[:2], np.uint8)
    cv2.polylines(jaw, [np.round(lm[2:15]).astype(np.int32)], False, 1, 1)
    far = cv2.dilate(jaw, np.ones((41, 41), np.uint8)) == 0
    assert np.array_equal(out[far], lit[far])  # away from the jaw line: untouched
    assert np.array_equal(out[alpha <= 0.02], lit[alpha <= 0.02])  # the backdrop: untouched
    # the soft outline below alpha 0.5 (round 13: below the ear lobes it follows the toned person beside it, as
    # the rim's light kept there made a dotted line along biden's jaw): untouched above the lobes, and below them
    # only ever brought down (linear luminance; a pixel's grain rides on the level)
    from candid.colour import luminance, srgb_to_linear
    from candid.engines.studio.composite import _below_lobe_line

    soft = (alpha > 0.02) & (alpha < 0.5)
    above = soft & (_below_lobe_line(lm, 0, img.shape[1], 0, img.shape[0]) <= 0)
    assert np.array_equal(out[above], lit[above])
    assert (luminance(srgb_to_linear(out[soft])) <= luminance(srgb_to_linear(lit[soft])) * 1.05 + 1e-4).all()


def test_the_jaw_of_an_evenly_lit_face_is_left_alone(astro):
    img, lm, alpha = astro
    out, amount = suppress_jaw_rim(img, lm, width=4, alpha=alpha)
    assert amount < 0.01 and np.abs(out - img).max() < 0.1


def test_inputs_are_not_modified(astro):
    img, lm, alpha = astro
    keep = img.copy()
    suppress_jaw_rim(img, lm, width=4, alpha=alpha)
    assert np.array_equal(img, keep)


def _cheek(img, lm):
    from candid.colour import luminance, srgb_to_linear

    return luminance(srgb_to_linear(img))[int(lm[2:15, 1].mean()) - 10, int(lm[30, 0])]


def test_a_thin_jaw_rim_is_toned_fully(astro):
    """A rim 2 px thin (obama3's chandelier line under the jaw) lost only half its light: the blurred mask's peak."""
    from candid.colour import luminance, srgb_to_linear

    img, lm, alpha = astro
    pts = np.round(lm[3:9] + [0, 6]).astype(np.int32)
    lit = img.copy()
    cv2.polylines(lit, [pts], False, (0.95, 0.97, 1.0), 2)
    line = np.zeros(img.shape[:2], np.uint8)
    cv2.polylines(line, [pts], False, 1, 2)
    line = line.astype(bool) & (alpha >= 0.98)
    out, _ = suppress_jaw_rim(lit, lm, width=4, alpha=alpha)
    assert luminance(srgb_to_linear(out))[line].mean() < 1.12 * _cheek(img, lm)  # was 1.19
    assert (out[line][:, 0] > out[line][:, 2]).mean() > 0.95  # skin-warm, was 0.73 (a pink-white stripe)


def test_a_toned_rim_keeps_the_photos_grain(astro):
    """Where the rim is brought down to the skin's level it keeps its own grain, not a smooth (waxy) patch."""
    from candid.colour import luminance, srgb_to_linear

    img, lm, alpha = astro
    pts = np.round(lm[3:9] + [0, 6]).astype(np.int32)
    band = np.zeros(img.shape[:2], np.uint8)
    cv2.polylines(band, [pts], False, 1, 5)
    band = band.astype(bool)
    lit = img.copy()
    grain = np.random.default_rng(3).normal(0, 0.012, img.shape[:2]).astype(np.float32)
    lit[band] = np.clip(0.96 + grain[band, None], 0, 1)
    core = cv2.erode(band.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & (alpha >= 0.98)
    out, _ = suppress_jaw_rim(lit, lm, width=4, alpha=alpha)
    hp = lambda x: (lambda L: (L - cv2.GaussianBlur(L, (0, 0), 1.0))[core].std())(luminance(srgb_to_linear(x)))
    toned = luminance(srgb_to_linear(out))[core].mean() < 0.8 * luminance(srgb_to_linear(lit))[core].mean()
    assert toned and hp(out) > 0.65 * hp(lit), (hp(out), hp(lit))  # without its own grain: 0.50


def test_backdrop_takes_the_photos_grain_and_a_dither():
    """A grainy person on a smooth backdrop read as a cut-out; a smooth dark gradient banded in 8 bits."""
    from candid.engines.studio.composite import composite, grain_sigma

    rng = np.random.default_rng(0)
    H, W = 120, 160
    person = np.clip(0.55 + rng.normal(0, 0.005, (H, W, 1)), 0, 1).repeat(3, 2).astype(np.float32)
    alpha = np.zeros((H, W), np.float32)
    alpha[:, :60] = 1
    ramp = np.linspace(0.20, 0.22, W, dtype=np.float32)  # five 8-bit steps across the frame
    bg = np.repeat(np.repeat(ramp[None, :, None], H, 0), 3, 2)
    out = composite(person, alpha, bg, decontaminate_edges=False)
    backdrop = out[:, 80:]
    assert abs(grain_sigma(backdrop) - 0.005) < 0.002  # the photo's grain (hinton.jpeg's), not the backdrop's 0
    # a group snapshot's noisy small crop: at most 1.5 8-bit steps (its full 0.02 enlarged into blotches)
    noisy = np.clip(0.55 + rng.normal(0, 0.02, (H, W, 1)), 0, 1).repeat(3, 2).astype(np.float32)
    assert grain_sigma(composite(noisy, alpha, bg, decontaminate_edges=False)[:, 80:]) < 1.6 / 255
    # 8-bit: runs of identical values along a row (bands) become short
    q = np.round(backdrop[..., 1] * 255)
    assert (np.diff(q, axis=1) == 0).mean() < 0.5  # without: 0.98
    # a clean photo still gets a dither, and the same seed gives the same grain
    clean = np.full((H, W, 3), 0.55, np.float32)
    flat = composite(clean, alpha, bg, decontaminate_edges=False)
    assert (np.diff(np.round(flat[:, 80:, 1] * 255), axis=1) == 0).mean() < 0.8
    assert np.array_equal(flat, composite(clean, alpha, bg, decontaminate_edges=False))
    assert np.allclose(composite(person, alpha, bg, decontaminate_edges=False, match_grain=False)[:, 80:], bg[:, 80:],
                       atol=1e-4)


def test_a_moderate_rim_at_the_outline_is_toned_nearly_fully():
    """A rim 1.6x the skin beside it (obama3's neck) kept more than half its excess: the ramp ended at 2x."""
    from candid.colour import linear_to_srgb, srgb_to_linear
    from candid.engines.studio.composite import suppress_rim

    skin = 0.2
    lin = np.full((64, 64), skin, np.float32)
    lin[:, 28:32] = 1.6 * skin  # the rim, inside the outline
    img = np.repeat(linear_to_srgb(lin)[..., None], 3, 2).astype(np.float32)
    a = np.zeros((64, 64), np.float32)
    a[:, :32] = 1
    out, _ = suppress_rim(img, a, width=6, edge_colour=False)
    assert float(srgb_to_linear(out)[32, 30, 0]) < 1.25 * skin  # the old ramp: 1.39x


def test_an_edge_is_mixed_in_the_space_it_was_solved_in():
    """The matte and pymatting solve I = aF + (1-a)B on sRGB values; mixed in linear light, the edge never gave
    the photo back (yangmi_4: dark hair explained as 0.72 black over a cream wall came out 0.57 grey on white)."""
    from candid.colour import linear_to_srgb, srgb_to_linear
    from candid.engines.studio.composite import composite

    F = np.full((8, 32, 3), [0.02, 0.015, 0.01], np.float32)  # near-black hair
    B = np.full((8, 32, 3), [0.85, 0.8, 0.7], np.float32)  # a cream wall
    a = np.tile(np.linspace(0, 1, 32, dtype=np.float32), (8, 1))
    photo = a[..., None] * F + (1 - a[..., None]) * B  # the edge as the matte explains it
    out = composite(F, a, B, decontaminate_edges=False, match_grain=False)
    assert np.abs(out - photo).max() < 1e-5  # over its own background the photo comes back
    lin = composite(F, a, B, decontaminate_edges=False, match_grain=False, space="linear")
    assert np.abs(lin - photo).max() > 0.15  # the old linear mix: much lighter
    # decontaminate's model is linear light: there the default mix stays linear
    mixed = linear_to_srgb(a[..., None] * srgb_to_linear(F) + (1 - a[..., None]) * srgb_to_linear(B))
    assert np.abs(composite(F, a, B, decontaminate_edges=True, match_grain=False) - mixed).max() < 0.03
    opaque = np.ones_like(a)
    assert np.array_equal(composite(F, opaque, B, decontaminate_edges=False, match_grain=False), F)
    with pytest.raises(ValueError):
        composite(F, a, B, space="lab")


def test_the_edge_takes_the_colour_of_the_stretch_beside_it():
    # issue 18 round 11 (yangmi_3's temple): two colours meet at the outline (dark hair and skin there); the soft
    # edge was recoloured to the mean colour of the band's inner ring around it, a grey notch on the new backdrop
    from candid.engines.studio.composite import suppress_rim

    top, skin = np.float32([0.35, 0.62, 0.7]), np.float32([0.86, 0.55, 0.45])  # alike in brightness: no rim
    img = np.empty((80, 80, 3), np.float32)
    img[:40], img[40:] = top, skin
    a = np.zeros((80, 80), np.float32)
    a[:, :50] = 1
    a[:, 50:53] = np.float32([0.8, 0.5, 0.2])  # a soft edge down the right
    out, _ = suppress_rim(img, a, width=6)
    edge = out[44:60, 50:53].reshape(-1, 3)  # the skin's stretch of the edge, 4 px and more from the other colour
    assert np.abs(edge - skin).max() < 0.04, np.abs(edge - skin).max()  # 0.105 with the ring's mean colour
    assert np.abs(out[4:30, 50:53] - top).max() < 0.04


def test_a_rim_a_little_below_the_jaw_line_is_toned_fully(astro):
    # obama3.jpg: the chandelier's rim runs 1-2.8 band widths below the jaw landmarks; fading out from 2 widths
    # left its lower half at half its light (a pale line under the jaw in every style)
    img, lm, alpha = astro
    lit = img.copy()
    path = [np.round(lm[3:8] + [0, 15]).astype(np.int32)]  # 2-3 widths below the jaw line (width 4)
    cv2.polylines(lit, path, False, (0.95, 0.97, 1.0), 3)
    out, _ = suppress_jaw_rim(lit, lm, width=4, alpha=alpha)
    rim = np.zeros(img.shape[:2], np.uint8)
    cv2.polylines(rim, path, False, 1, 3)
    rim = rim.astype(bool) & (alpha >= 0.98)
    assert rim.sum() > 50
    from candid.colour import luminance, srgb_to_linear

    lum = lambda x: luminance(srgb_to_linear(x))[rim].mean()
    cheek = _cheek(img, lm)
    assert lum(out) < 1.15 * cheek, (lum(lit), lum(out), cheek)  # 1.12 (was 1.17, fading out from 2 widths)


def _staircase_edge(w: int = 96, step: int = 8):
    """A soft hair edge whose opaque part ends in a staircase (the working-size trimap's grid, 8 px cells) and a
    foreground whose colour changes smoothly from warm skin inside to a paler, cooler fringe outside."""
    yy, xx = np.mgrid[:w, :w].astype(np.float32)
    stair = 40 + step * (yy // step) // 3  # the opaque part's edge: a staircase
    a = np.clip(0.97 - (xx - stair) * 0.1, 0, 0.97)  # soft from the staircase outwards, 0.5 about 5 px out
    a[xx < stair] = 1.0
    t = np.clip((xx - 20) / 40, 0, 1)[..., None]
    img = ((1 - t) * np.float32([0.7, 0.5, 0.4]) + t * np.float32([0.75, 0.7, 0.7])).astype(np.float32)
    return img, a.astype(np.float32), stair.astype(int)


def test_the_edge_colour_fades_without_a_line_at_the_opaque_edge():
    # issue 18 round 10 (scarlett_1's blonde crown): the recoloured soft band was flat (weight 1 wherever alpha was
    # below 0.98) and ended on the matte's opaque edge, which follows the working-size trimap: a stepped line at 1:1
    from candid.engines.studio.composite import suppress_rim

    img, a, stair = _staircase_edge()
    out, _ = suppress_rim(img, a, width=8)
    rows = np.arange(8, 88)
    e = stair[rows, 0]  # the first soft column of each row
    jump = lambda x: np.abs(x[rows, e] - x[rows, e - 1]).max(1)  # across the opaque edge
    inside = lambda x: np.abs(x[rows, e - 1] - x[rows, e - 2]).max(1)  # one column deeper
    # the input steps 0.005 a column there; the old flat band ended in a jump of 0.020, now 0.004
    assert jump(out).mean() < 1.5 * jump(img).mean() + 0.002, (jump(out).mean(), jump(img).mean())
    assert jump(out).mean() < 1.5 * inside(out).mean() + 0.002, (jump(out).mean(), inside(out).mean())
    assert np.ptp(out[60, 45:49], axis=0).max() < np.ptp(img[60, 45:49], axis=0).max() + 0.02
    far = out[:, :20]
    assert np.array_equal(far, img[:, :20])  # deep inside: untouched


def _wide_rim(colour, wide=12):
    from candid.colour import linear_to_srgb

    skin = np.float32([0.3, 0.15, 0.08])  # linear, warm (blue over red 0.27)
    lin = np.tile(skin, (80, 80, 1))
    lin[:, 50 - wide:50] = colour  # a lit stretch (12 px: 1.5 band widths) right inside the outline
    a = np.zeros((80, 80), np.float32)
    a[:, :50] = 1
    return linear_to_srgb(lin).astype(np.float32), a, skin


def test_a_rim_wider_than_the_band_is_measured_against_the_person_deeper_inside():
    # issue 18 round 10 (obama3's neck from the ear down): the rim reached into the inner ring, so the ring's
    # mean held the rim itself and the rim was barely toned (a pale line along the outline)
    from candid.colour import luminance, srgb_to_linear
    from candid.engines.studio.composite import suppress_rim

    img, a, skin = _wide_rim(np.float32([0.6, 0.55, 0.55]))  # a cool, white-pink light 2.6x the skin's
    out, amount = suppress_rim(img, a, width=8)
    lum = lambda x: float(luminance(srgb_to_linear(x))[:, 46:50].mean())
    assert lum(out) < 1.45 * float(luminance(skin)), (lum(out), lum(img), float(luminance(skin)))  # 1.35x, was 2.19x
    assert amount > 0.2
    # lighter ends in the person's own colour (blonde hair lighter at its tips, scarlett_1) measure against the ring
    warm, a, skin = _wide_rim(np.float32([0.6, 0.3, 0.16]))
    kept, _ = suppress_rim(warm, a, width=8)
    assert lum(kept) > 1.6 * float(luminance(skin))  # 1.70x, as before
    # a light layer filling the whole ring is the person's own (white hair over the temple's skin, biden.jpg)
    white, a, skin = _wide_rim(np.float32([0.6, 0.55, 0.55]), wide=22)  # the ring (8-24 px deep) lit, not beyond
    hair, _ = suppress_rim(white, a, width=8)
    assert lum(hair) > 0.9 * lum(white), (lum(hair), lum(white))  # 1.0x; rejecting every lit ring pixel: 0.43x


def test_lit_skin_of_the_skins_own_colour_by_the_jaw_is_left_alone(astro):
    # issue 18 round 10 (yangmi_3): her lit cheek and the fingers over her jaw, skin-coloured and lighter than the
    # cheek inside, were toned to a grey-pink patch that also greyed her lip corner
    from candid.colour import linear_to_srgb, srgb_to_linear

    img, lm, alpha = astro
    band = np.zeros(img.shape[:2], np.uint8)
    cv2.polylines(band, [np.round(lm[3:9] + [0, 4]).astype(np.int32)], False, 1, 5)
    band = band.astype(bool) & (alpha >= 0.98)
    lit = img.copy()
    lit[band] = linear_to_srgb(np.clip(srgb_to_linear(img[band]) * 1.8, 0, 1))  # the same skin, lit 1.8x
    out, amount = suppress_jaw_rim(lit, lm, width=4, alpha=alpha)
    change = np.abs(out - lit)[band].max(1)
    # the old tone: mean 0.054, median 0.046; now 0.016 and 0.004 (the band's few cooler pixels still move)
    assert change.mean() < 0.025 and np.median(change) < 0.01, (change.mean(), np.median(change))


def _planted(img, path, colour, thickness):
    lit = img.copy()
    cv2.polylines(lit, path, False, colour, thickness)
    mask = np.zeros(img.shape[:2], np.uint8)
    cv2.polylines(mask, path, False, 1, thickness)
    return lit, mask.astype(bool)


def test_a_rim_is_toned_to_its_last_pixel(astro):
    # issue 18 round 11 (obama3): the rim's weight was widened before the zone was applied, and the zone's edge
    # (each pixel's own coolness and depth) cut it at the rim's last pixels, which the blur left at half weight:
    # a pale line under the jaw at 1.5-2x the cheek where the rim ends
    from candid.colour import linear_to_srgb, luminance, srgb_to_linear

    _, lm, _ = astro
    skin = np.float32([0.16, 0.08, 0.04])  # dark skin, linear
    lin = np.tile(skin, (512, 512, 1))
    jaw = np.zeros((512, 512), np.uint8)
    cv2.polylines(jaw, [np.round(lm[2:15]).astype(np.int32)], False, 1, 1)
    d = cv2.distanceTransform(1 - jaw, cv2.DIST_L2, 5)
    face = np.zeros((512, 512), np.uint8)
    cv2.fillPoly(face, [np.round(lm[0:17]).astype(np.int32)], 1)
    above_chin = (np.arange(512)[:, None] <= lm[8, 1]) & (face == 0)
    core = above_chin & (d >= 8) & (d < 12)  # a bluish rim 2-3 widths below the jaw line, 3.6x the skin
    fringe = above_chin & (d >= 12) & (d < 14)  # its lower side: half skin, less cool (blue over red 0.7)
    lin[core], lin[fringe] = [0.4, 0.42, 0.48], [0.2, 0.15, 0.14]
    img = linear_to_srgb(lin).astype(np.float32)
    out, _ = suppress_jaw_rim(img, lm, width=4, alpha=np.ones((512, 512), np.float32))
    ratio = luminance(srgb_to_linear(out)) / luminance(skin)
    assert np.percentile(ratio[core], 95) < 1.3, np.percentile(ratio[core], 95)  # was 2.71
    assert np.percentile(ratio[fringe], 95) < 1.3, np.percentile(ratio[fringe], 95)  # was 1.60


def _soft_outline(alpha):
    """The astronaut's matte with a soft band (alpha 0.9 to 0.6) 4 px wide outside its outline."""
    solid = (alpha >= 0.5).astype(np.uint8)
    d_out = cv2.distanceTransform(1 - solid, cv2.DIST_L2, 5)
    a = np.where((d_out > 0) & (d_out <= 4), 0.9 - 0.075 * d_out, alpha).astype(np.float32)
    return a, (d_out > 0) & (d_out <= 4)


def test_the_soft_outline_below_the_ear_lobes_is_toned_too(astro):
    # issue 18 round 11 (obama3): a light strip ran from the ear lobe down the neck's soft outline; suppress_rim
    # measured it against the ring just inside the outline, which the jaw's own rim lit there, and kept it
    from candid.colour import luminance, srgb_to_linear

    img, lm, alpha = astro
    a, band = _soft_outline(alpha)
    lit = img.copy()
    lit[band] = (0.95, 0.97, 1.0)  # the bluish-white light along the whole soft outline
    out, _ = suppress_jaw_rim(lit, lm, width=4, alpha=a)
    lum = luminance(srgb_to_linear(out))
    xx, yy = np.meshgrid(np.arange(img.shape[1]), np.arange(img.shape[0]))
    jaw = np.zeros(img.shape[:2], np.uint8)
    cv2.polylines(jaw, [np.round(lm[3:14]).astype(np.int32)], False, 1, 1)
    near_jaw = cv2.dilate(jaw, np.ones((17, 17), np.uint8)).astype(bool) & (yy <= lm[8, 1])
    below = band & near_jaw & (yy > max(lm[2, 1], lm[14, 1]) + 4)
    assert below.sum() > 20
    assert np.median(lum[below]) < 1.3 * _cheek(img, lm), np.median(lum[below])  # was left at 0.90 (5x)
    # above the ear lobes the soft outline is hair and ears: suppress_rim's, not this rule's
    above = band & (yy < min(lm[2, 1], lm[14, 1]) - 8)
    assert above.sum() > 20 and np.array_equal(out[above], lit[above])


def test_a_warm_neighbour_of_the_rim_keeps_its_hue(astro):
    # issue 18 round 11 (obama3): the rim's widened weight reaches its neighbours; his backlit red ear beside the
    # cheek's rim took the cheek's colour
    img, lm, alpha = astro
    path = [np.round(lm[4:7] + [0, 6]).astype(np.int32)]
    lit, rim = _planted(img, path, (0.95, 0.97, 1.0), 2)
    off = cv2.distanceTransform((~rim).astype(np.uint8), cv2.DIST_L2, 5)
    red = (off >= 3) & (off <= 5) & (alpha >= 0.98)  # 3-5 px off its sides, inside the widened weight
    lit[red] = (0.75, 0.2, 0.12)  # a warm, saturated red next to the rim
    out, _ = suppress_jaw_rim(lit, lm, width=4, alpha=alpha)
    hue = lambda x: x[red][:, 1] / x[red][:, 0]
    assert red.sum() > 20 and np.abs(hue(out) - hue(lit)).max() < 0.05, np.abs(hue(out) - hue(lit)).max()


def test_a_wisp_holding_the_dark_old_background_is_lifted_to_the_persons_level():
    # issue 18 round 11 (scarlett_1): the matte kept the gaps between blonde strands over a black wall as partly
    # person; their foreground was the wall's dark colour, blue-grey holes in the wisp on the new backdrop
    from candid.colour import linear_to_srgb, luminance, srgb_to_linear
    from candid.engines.studio.composite import suppress_rim

    blonde, wall = np.float32([0.62, 0.45, 0.3]), np.float32([0.01, 0.015, 0.02])  # linear
    a = np.zeros((64, 96), np.float32)
    a[:, :40] = 1
    a[:, 40:52] = np.linspace(0.8, 0.1, 12, dtype=np.float32)  # a soft wisp
    lin = np.where((a >= 0.98)[..., None], blonde, wall)
    lin[:, 40:52] = 0.35 * blonde + 0.65 * wall  # its foreground estimate: mostly the wall
    img = linear_to_srgb(lin).astype(np.float32)
    out, _ = suppress_rim(img, a, width=6)
    # its first band width, beside the person (round 11b: the wisp's far half, alpha below 0.5 more than 1.25 band
    # widths out, is no longer lifted, see test_a_wide_soft_matte_is_not_lifted_into_a_film)
    wisp = luminance(srgb_to_linear(out))[8:56, 40:45]
    assert wisp.mean() > 0.65 * float(luminance(blonde)), (wisp.mean(), float(luminance(blonde)))  # was 0.35x
    # dark hair over a light wall: a darker edge pixel is the hair's own, not the wall's; left at its level
    hair, cream = np.float32([0.05, 0.03, 0.02]), np.float32([0.7, 0.65, 0.55])
    lin = np.where((a >= 0.98)[..., None], hair, cream)
    lin[:, 40:52] = 0.5 * hair
    img = linear_to_srgb(lin).astype(np.float32)
    out, _ = suppress_rim(img, a, width=6)
    edge = luminance(srgb_to_linear(out))[8:56, 42:52]
    assert abs(edge.mean() - 0.5 * float(luminance(hair))) < 0.2 * float(luminance(hair))


def test_a_light_collar_beside_the_jaw_is_not_a_rim(astro):
    # issue 18 round 11 (obama.jpg): a white collar rising beside the jaw is lighter and cooler than the cheek like
    # a rim, and its top took the skin's colour; it lies mostly past the reach and below the chin, a rim does not
    from candid.colour import linear_to_srgb, luminance, srgb_to_linear

    _, lm, _ = astro
    skin = np.float32([0.16, 0.08, 0.04])
    lin = np.tile(skin, (512, 512, 1))
    jaw = np.zeros((512, 512), np.uint8)
    cv2.polylines(jaw, [np.round(lm[2:15]).astype(np.int32)], False, 1, 1)
    d = cv2.distanceTransform(1 - jaw, cv2.DIST_L2, 5)
    face = np.zeros((512, 512), np.uint8)
    cv2.fillPoly(face, [np.round(lm[0:17]).astype(np.int32)], 1)
    yy = np.arange(512)[:, None] + np.zeros((1, 512), int)
    collar = (face == 0) & (d >= 8) & (yy >= lm[5, 1])  # from 2 widths off the jaw down past the chin
    rim = (face == 0) & (d >= 2) & (d < 6) & (yy < lm[8, 1])  # a thin rim along the jaw, touching it
    lin[collar] = [0.55, 0.65, 0.8]
    lin[rim] = [0.4, 0.42, 0.48]
    img = linear_to_srgb(lin).astype(np.float32)
    out, _ = suppress_jaw_rim(img, lm, width=4, alpha=np.ones((512, 512), np.float32))
    top = collar & (d < 14) & (yy <= lm[8, 1])  # the collar's part within the reach, above the chin
    change = np.abs(out - img).max(2)[top]
    # all of it moved before (mean 0.39); now a 3 px sliver where the collar is thinner than the erosion
    assert top.sum() > 100 and (change > 0.02).mean() < 0.05 and change.mean() < 0.02, (change > 0.02).mean()
    assert np.percentile(luminance(srgb_to_linear(out))[rim] / luminance(skin), 90) < 1.3


def test_a_wide_soft_matte_is_not_lifted_into_a_film():
    # issue 18 round 11b (scarlett_1): where the matte is wide and soft (alpha 0.2-0.4 over 2-3 band widths beside
    # her wisp) the lift made the gaps between strands a beige film with contour lines; it lifts only in a narrow
    # band beside the opaque person or where a pixel is mostly person
    from candid.colour import linear_to_srgb, luminance, srgb_to_linear
    from candid.engines.studio.composite import suppress_rim

    blonde, wall = np.float32([0.62, 0.45, 0.3]), np.float32([0.01, 0.015, 0.02])  # linear
    a = np.zeros((64, 128), np.float32)
    a[:, :40] = 1
    a[:, 40:76] = 0.3  # six band widths of a flat, soft matte
    a[20:30, 40:52] = 0.85  # a hole well inside a mostly-person edge
    lin = np.where((a >= 0.98)[..., None], blonde, wall)
    lin[:, 40:76] = 0.35 * blonde + 0.65 * wall
    img = linear_to_srgb(lin).astype(np.float32)
    out, _ = suppress_rim(img, a, width=6)
    lum = luminance(srgb_to_linear(out))
    own = 0.35 * float(luminance(blonde)) + 0.65 * float(luminance(wall))
    assert lum[8:56, 52:74].max() < 1.1 * own, (lum[8:56, 52:74].max(), own)  # was lifted to 0.9x the blonde
    assert lum[8:56, 40:42].mean() > 0.6 * float(luminance(blonde))  # beside the person: still lifted (own 0.37x)
    assert lum[22:28, 46:52].mean() > 0.6 * float(luminance(blonde))  # mostly person: still lifted


def test_landmarks_spare_white_hair_above_the_ear_lobes(astro):
    # issue 18 round 11b (biden): his white hair's edge is lighter than the skin inside the band, like a rim, and
    # was greyed; with the landmarks the outline above the ear lobes is not toned, below them (a lit neck) still is
    from candid.engines.studio.composite import suppress_rim

    img, lm, _ = astro
    a = np.zeros(img.shape[:2], np.float32)
    a[:, :256] = 1
    lit = img.copy()
    lit[:, 250:256] = 0.97  # a white line along the whole outline (the soft edge's cap still applies to its outer half)
    y_lobe = int(round(lm[2, 1]))
    plain, _ = suppress_rim(lit, a, width=8)
    spared, _ = suppress_rim(lit, a, width=8, landmarks=lm)
    up, down = slice(40, y_lobe - 40), slice(y_lobe + 60, 500)
    assert plain[up, 253].mean() < 0.9  # toned without landmarks
    assert spared[up, 253].mean() > plain[up, 253].mean() + 0.1, (spared[up, 253].mean(), plain[up, 253].mean())  # above
    assert np.abs(spared[down, 250:256] - plain[down, 250:256]).max() < 1e-4, np.argwhere(np.abs(spared[down, 250:256] - plain[down, 250:256]) > 1e-4)[:3]  # below: as before


def _earring_scene():
    # a head in skin colour, a 3 px silver chain hanging from below the lobe over a grey backdrop
    from candid.face.examples import astronaut_landmarks

    lm = astronaut_landmarks()
    img = np.full((512, 512, 3), 0.5, np.float32)
    a = np.zeros((512, 512), np.float32)
    a[40:200, 175:275] = 1
    img[40:200, 175:275] = (0.85, 0.6, 0.5)
    chain = np.zeros((512, 512), bool)
    chain[200:250, 186:189] = True
    a[chain] = 1
    a[200:250, 185] = a[200:250, 189] = 0.4  # its anti-aliased sides
    img[chain] = (0.88, 0.88, 0.92)
    img[200:250, 185] = img[200:250, 189] = (0.7, 0.7, 0.72)
    return img, a, lm, chain


def test_a_thin_chain_below_the_lobe_keeps_its_own_colour():
    # issue 18 round 12 (scarlett_2's drop earrings): the edge colour borrowed the neck's skin for a chain with no
    # inside of its own, and the jaw's toning took a lighter, cooler chain for a rim: it came out skin-pink
    from candid.engines.studio.composite import hanging_pieces, suppress_rim

    img, a, lm, chain = _earring_scene()
    assert hanging_pieces(a, lm, width=8)[chain].all()
    out, _ = suppress_rim(img, a, width=8, landmarks=lm)
    out, _ = suppress_jaw_rim(out, lm, width=8, alpha=a)
    assert np.abs(out[chain] - img[chain]).max() < 1e-6
    assert np.abs(out[200:250, 185] - img[200:250, 185]).max() < 1e-6  # its soft sides too
    tinted, _ = suppress_rim(img, a, width=8)  # without the landmarks the chain takes the skin's hue (as before)
    assert (tinted[chain][:, 0] - tinted[chain][:, 2]).mean() > 0.1
    # the head's own outline is still recoloured and toned as before
    assert np.array_equal(out[:, 275:], suppress_rim(img, a, width=8)[0][:, 275:])


def test_a_jewel_the_matte_found_is_left_alone():
    from candid.engines.studio.composite import suppress_rim

    img, a, lm, chain = _earring_scene()
    wide = np.zeros_like(chain)
    wide[200:250, 180:196] = True  # 16 px across: no thin piece, but the matte says it is a jewel
    a[wide] = 1
    img[wide] = (0.88, 0.88, 0.92)
    moved, _ = suppress_rim(img, a, width=8, landmarks=lm)
    kept, _ = suppress_rim(img, a, width=8, landmarks=lm, keep=wide)
    assert np.abs(moved[wide] - img[wide]).max() > 0.05
    assert np.abs(kept[wide] - img[wide]).max() < 1e-6
    kept2, _ = suppress_jaw_rim(img, lm, width=8, alpha=a, keep=wide)
    assert np.abs(kept2[wide] - img[wide]).max() < 1e-6


def test_white_hair_above_the_lobes_is_not_capped_to_the_skins_level():
    # issue 18 round 12 (biden): the soft edge of white hair at the temple was capped at 1.12 times the ring's mean,
    # which mixes in the skin beside it, and came out greyer than the photo; a warm soft edge (a backlit ear's glow)
    # and the outline below the lobes are capped as before
    from candid.colour import luminance, srgb_to_linear
    from candid.engines.studio.composite import suppress_rim
    from candid.face.examples import astronaut_landmarks

    lm = astronaut_landmarks()
    y_lobe = int(round(lm[2, 1]))
    img = np.empty((512, 512, 3), np.float32)
    img[:] = (0.75, 0.5, 0.4)  # skin
    hair = (np.arange(512) // 32) % 2 == 0  # white hair and skin take turns along the outline
    img[hair, 200:270] = (0.93, 0.93, 0.95)
    a = np.zeros((512, 512), np.float32)
    a[:, :256] = 1
    a[:, 256:270] = np.linspace(0.9, 0.1, 14, dtype=np.float32)  # the soft edge
    soft = slice(258, 266)
    up = [y for y in range(10, y_lobe - 30) if hair[y]]
    plain, _ = suppress_rim(img, a, width=8)
    spared, _ = suppress_rim(img, a, width=8, landmarks=lm)
    lum = lambda x: float(luminance(srgb_to_linear(x)).mean())
    assert lum(spared[up, soft]) > 1.05 * lum(plain[up, soft]), (lum(spared[up, soft]), lum(plain[up, soft]))
    assert lum(spared[up, soft]) > 0.95 * lum(img[up, soft])
    down = slice(y_lobe + 40, 500)
    assert np.abs(spared[down] - plain[down]).max() < 1e-4  # below the lobes: as before
    warm = img.copy()
    warm[hair, 200:270] = (1.0, 0.75, 0.55)  # a warm glow: capped as before
    w_plain, _ = suppress_rim(warm, a, width=8)
    w_lm, _ = suppress_rim(warm, a, width=8, landmarks=lm)
    assert np.abs(w_lm[up, soft] - w_plain[up, soft]).max() < 0.01


def test_a_soft_sliver_at_the_neck_is_no_jewel():
    # tom_cruise_tight / biden: a short, half-kept sliver at the neck's or collar's edge holds the old background;
    # only a nearly opaque piece that hangs (4x as tall as wide) keeps its colour
    from candid.engines.studio.composite import hanging_pieces

    img, a, lm, chain = _earring_scene()
    assert hanging_pieces(a, lm, width=8)[chain].all()
    soft = a.copy()
    soft[chain] = 0.6  # half kept
    assert not hanging_pieces(soft, lm, width=8).any()
    short = a.copy()
    short[212:250] = np.where(chain[212:250], 0.0, short[212:250])  # 12 px long: no chain
    assert not hanging_pieces(short, lm, width=8).any()
    wide = np.zeros_like(a)
    wide[40:200, 175:275] = 1
    wide[200:208, 186:206] = 1  # a sliver along the outline, wider than tall
    assert not hanging_pieces(wide, lm, width=8).any()
