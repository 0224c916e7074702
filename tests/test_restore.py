"""Restore engine (issue 9): synthetic damage with known ground truth, stage, engine, CLI errors."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candid.engines.restore import (analyze_tone, correct_fade, damage_mask, denoise_keep_grain, detect_print,
                                    find_halftone, inpaint, rectify_print, remove_halftone, restore, tint)
from candid.engines.restore.synthetic import degrade, psnr, ssim

MODULES = ["candid.engines.restore." + m for m in
           ("checks", "sampling", "damage", "denoise", "exemplar", "geometry", "halftone", "inpaint", "pipeline", "stage", "engine",
            "synthetic", "tone")]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


@pytest.fixture(scope="module")
def damaged(astronaut):
    return degrade(astronaut, halftone=0.1, fade=0.5, grain=0.01, seed=0)


@pytest.fixture(scope="module")
def restored(damaged):
    # the synthetic fade includes a dye cast: the neutral setting removes it (the default keeps
    # a print's own colour, see test_tinted_colour_print_keeps_its_hue_and_gains_contrast)
    return restore(damaged.pixels, keep_monochrome=False, seed=0)


def test_restoration_improves_damage_and_overall(astronaut, damaged, restored):
    gt = damaged.mask
    assert psnr(restored.pixels, astronaut, gt) > psnr(damaged.pixels, astronaut, gt) + 3
    assert psnr(restored.pixels, astronaut) > psnr(damaged.pixels, astronaut) + 2
    assert ssim(restored.pixels, astronaut) > ssim(damaged.pixels, astronaut) + 0.1
    assert ssim(restored.pixels, astronaut, gt) > ssim(damaged.pixels, astronaut, gt)


def test_identity_distance_not_pushed_up(astronaut, damaged, restored):
    from candid.face import analyze_face, identity_distance

    clean = analyze_face(astronaut).embedding
    before = identity_distance(clean, analyze_face(damaged.pixels).embedding)
    after = identity_distance(clean, analyze_face(restored.pixels).embedding)
    assert after <= before + 0.01


def test_given_mask_is_filled_and_nothing_else_changes(astronaut):
    bad = degrade(astronaut, fade=0, seed=3)
    out = inpaint(bad.pixels, bad.mask)
    assert psnr(out, astronaut, bad.mask) > psnr(bad.pixels, astronaut, bad.mask) + 8
    assert np.array_equal(out[~bad.mask], bad.pixels[~bad.mask])


def _knit(seed=0, size=128):
    """A woven texture (period 5 x 7 px) with grain: what Telea smears into a stripe."""
    yy, xx = np.mgrid[0:size, 0:size]
    rng = np.random.default_rng(seed)
    t = 0.45 + 0.12 * np.sin(2 * np.pi * xx / 5) * np.sin(2 * np.pi * yy / 7) + rng.normal(0, 0.01, (size, size))
    return np.repeat(t[..., None], 3, axis=2).astype(np.float32)


def test_texture_fill_continues_a_weave_where_telea_smears():
    clean = _knit()
    hole = np.zeros(clean.shape[:2], bool)
    hole[60:67, :] = True  # a 7-px crack across knitwear
    bad = clean.copy()
    bad[hole] = 0.95
    telea = inpaint(bad, hole, texture=False, grain=False)
    ours = inpaint(bad, hole)
    assert np.array_equal(ours[~hole], bad[~hole])
    assert psnr(ours, clean, hole) > psnr(telea, clean, hole) + 3
    # and the fill carries the weave's contrast, not a flat band
    assert ours[hole][:, 0].std() > 0.6 * clean[hole][:, 0].std()


def test_crack_on_a_face_keeps_the_smooth_fill():
    """Round 18 (scratched_b's brow): inside a face's regions a crack is filled smoothly (plus grain);
    texture copied from beside a brow landed as dark specks on the skin. Elsewhere it is re-textured."""
    clean = _knit()
    hole = np.zeros(clean.shape[:2], bool)
    hole[60:67, :] = True
    bad = clean.copy()
    bad[hole] = 0.95
    face = np.full(hole.shape, 4, np.int32)
    smooth = inpaint(bad, hole, texture=False, seed=3)
    assert np.array_equal(inpaint(bad, hole, regions=face, seed=3), smooth)
    assert not np.array_equal(inpaint(bad, hole, regions=np.zeros_like(face), seed=3), smooth)


def test_texture_fill_never_copies_across_regions():
    from candid.engines.restore.exemplar import exemplar_fill

    # the same luma texture everywhere, carried by red inside region 0 (a band), by blue outside
    rng = np.random.default_rng(1)
    n = rng.normal(0, 0.03, (96, 96)).astype(np.float32)
    regions = np.ones((96, 96), np.int32)
    regions[:, 28:52] = 0
    img = np.full((96, 96, 3), 0.5, np.float32)
    img[..., 0] += np.where(regions == 0, n, 0)
    img[..., 2] += np.where(regions == 1, n * (0.299 / 0.114), 0)
    hole = np.zeros((96, 96), bool)
    hole[4:92, 30:50] = True  # nearly all of region 0: its own sources are few, region 1's are near
    out, done = exemplar_fill(img, hole, regions=regions)
    assert np.array_equal(out[~hole], img[~hole])
    assert 0 < done[hole].mean() < 1  # what has no same-region source nearby keeps the smooth fill
    assert (np.abs(out[hole][:, 2] - 0.5) > 0.015).mean() == 0  # no blue texture came over
    loose, done = exemplar_fill(img, hole)  # without regions it does (the test can fail)
    assert done[hole].all() and (np.abs(loose[hole][:, 2] - 0.5) > 0.015).mean() > 0.3


def test_inputs_never_modified(damaged):
    before = damaged.pixels.copy()
    restore(damaged.pixels, denoise=0.2, halftone=False)
    assert np.array_equal(before, damaged.pixels)


def test_damage_mask_finds_dust_not_grain(astronaut):
    bad = degrade(astronaut, fade=0, scratches=0, crease=False, dust=80, seed=5)
    m = damage_mask(bad.pixels)
    recall = (m & bad.mask).sum() / bad.mask.sum()
    # (0.64 before round 3b, of which 0.09 came from "scratches" found on the astronaut's suit and
    # rocket that happened to cover specks; the dust pass alone finds 0.55, then and now)
    assert recall > 0.5
    assert (m & ~bad.mask).mean() < 0.025  # 0.032 before the two-sides test
    rng = np.random.default_rng(0)
    grainy = np.clip(0.45 + 0.03 * rng.standard_normal((512, 512, 1)), 0, 1).repeat(3, 2).astype(np.float32)
    assert damage_mask(grainy, protect_eyes=False).mean() < 0.001


def _crack_scene(seed=0):
    """A smooth print with a wandering bright crack network, a step edge and a straight dark pole."""
    import cv2

    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:320, 0:320].astype(np.float32)
    img = (0.35 + 0.25 * xx / 320 + 0.01 * rng.standard_normal((320, 320))).astype(np.float32)
    img[:, 250:] += 0.25  # a step edge (a wall's corner)
    cv2.line(img, (40, 20), (48, 300), 0.08, 2)  # a pole: straight and dark, part of the picture
    crack = np.zeros((320, 320), np.uint8)
    p, ang = np.array([70.0, 60.0]), 0.6
    for _ in range(3):
        pts = [p.copy()]
        for _ in range(40):
            ang += rng.normal(0, 0.3)
            p = np.clip(p + 5 * np.array([np.cos(ang), np.sin(ang)]), 0, 319)
            pts.append(p.copy())
        cv2.polylines(crack, [np.round(pts).astype(np.int32)], False, 1, 1)
        ang += 1.8
    img[crack > 0] = 0.92  # paper showing through
    return np.clip(img, 0, 1)[..., None].repeat(3, 2), crack > 0


def test_crack_network_found_edges_and_poles_left():
    """Issue 21: cracks of any direction are found; a step edge and a straight dark line are picture."""
    img, crack = _crack_scene()
    m = damage_mask(img, protect_eyes=False)
    assert (m & crack).sum() / crack.sum() > 0.8
    away = ~cv2_dilate(crack, 4)  # where a crack crosses the pole, the pole is filled there, rightly
    assert not (m & away)[30:290, 36:54].any()  # the pole is left alone
    assert not (m & away)[:, 244:256].any()  # the edge is left alone
    assert (m & away).mean() < 0.002



def _glove_scene(seed=0):
    """A white glove (a short, wide-ish bright shape with its own outline, and the lit shaft it holds)
    lying between foliage and a dark sleeve, and a hairline crack crossing both."""
    import cv2

    rng = np.random.default_rng(seed)
    img = np.empty((320, 320, 3), np.float32)
    img[:] = (0.30, 0.42, 0.25)
    img[:, 160:] = (0.22, 0.16, 0.20)
    img += 0.05 * cv2.GaussianBlur(rng.standard_normal((320, 320)).astype(np.float32), (0, 0), 1.2)[..., None]
    obj = np.zeros((320, 320), np.uint8)
    cv2.ellipse(obj, (160, 90), (22, 4), 80, 0, 360, 1, -1)
    cv2.line(obj, (158, 115), (150, 150), 1, 2)
    img[obj > 0] = (0.90, 0.88, 0.84)
    crack = np.zeros((320, 320), np.uint8)
    cv2.polylines(crack, [np.array([[60, 200], [110, 215], [170, 228], [220, 236], [280, 250]], np.int32)], False, 1, 1)
    img[crack > 0] = (0.93, 0.92, 0.90)
    return np.clip(img, 0, 1), obj > 0, crack > 0


def test_bright_object_is_not_a_scratch(monkeypatch):
    """Issue 21 (faded_e's glove): an object bounded by its own edges is left, the crack beside it is found."""
    from candid.engines.restore import damage

    img, obj, crack = _glove_scene()
    m = damage_mask(img, protect_eyes=False)
    assert (m & crack).sum() / crack.sum() > 0.9
    assert not (m & obj).any()
    monkeypatch.setattr(damage, "SIDE_MAX", 99.0)  # without the two-sides test the glove is taken (can fail)
    assert (damage_mask(img, protect_eyes=False) & obj).sum() / obj.sum() > 0.2


def _crazing_scene(tone, seed=0):
    """A print crazed in its top right corner: cracks in pairs 6 px apart, one running on across
    the print, one along a dark loss, over a bloom (the paper lighter towards the corner)."""
    import cv2

    rng = np.random.default_rng(seed)
    h = w = 256
    img = np.empty((h, w, 3), np.float32)
    img[:] = tone
    img += 0.03 * cv2.GaussianBlur(rng.standard_normal((h, w)).astype(np.float32), (0, 0), 1.0)[..., None]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img += (0.3 * np.clip(1 - np.hypot(xx - w, yy) / 90, 0, 1))[..., None]
    loss = np.zeros((h, w), np.uint8)
    cv2.ellipse(loss, (250, 75), (22, 16), 0, 0, 360, 1, -1)
    img[loss > 0] = 0.08
    lines = [[[150, 0], [165, 20], [180, 38], [196, 55], [215, 62], [228, 60]],
             [[175, 0], [190, 14], [210, 22], [232, 30], [255, 36]],
             [[200, 0], [204, 16], [210, 34], [214, 48], [215, 62]]]
    lines += [[[x + 6, y] for x, y in pl] for pl in lines]
    branch = [[160, 84], [185, 77], [209, 66]]  # one line, a few px short of the network
    crack = np.zeros((h, w), np.uint8)
    for pl in lines + [branch, [[228, 60], [234, 80], [242, 95], [255, 104]]]:
        cv2.polylines(crack, [np.array(pl, np.int32)], False, 1, 1)
    img[crack > 0] = np.asarray(tone, np.float32) * 0.2 + 0.8
    on_branch = np.zeros((h, w), np.uint8)
    cv2.polylines(on_branch, [np.array(branch[:3], np.int32)], False, 1, 1)
    return np.clip(img, 0, 1).astype(np.float32), crack > 0, on_branch > 0


def test_crack_network_on_a_monochrome_print_is_damage_whatever_its_sides(monkeypatch):
    """Round 18 (scratched_b's crazed corner): on a monochrome print a crack network branching in 2-D,
    and a single crack joining it, are damage even where their two sides differ (the next crack,
    a bloom, a loss); on a colour print lit edges side by side keep the two-sides test."""
    from candid.engines.restore import damage

    mono, crack, branch = _crazing_scene((0.60, 0.56, 0.50))
    assert (damage_mask(mono, protect_eyes=False) & crack).mean() / crack.mean() > 0.9
    # every line's sides made to "differ": the network and the branch joining it still count
    monkeypatch.setattr(damage, "SIDE_MAX", -1.0)
    m = damage_mask(mono, protect_eyes=False)
    assert (m & crack).sum() / crack.sum() > 0.8 and (m & branch).sum() / branch.sum() > 0.8
    # without the join, the branch alone (one line) is held back (the test can fail)
    monkeypatch.setattr(damage, "_join_network", lambda keep, ok, labels, radius: keep & ok)
    m = damage_mask(mono, protect_eyes=False)
    assert (m & crack).sum() / crack.sum() > 0.5 and (m & branch).sum() / branch.sum() < 0.2
    # without the network rule (and the long-line exemption, which this corner's extent also meets)
    # most of it is held back
    monkeypatch.setattr(damage, "NETWORK_SPREAD", 99.0)
    monkeypatch.setattr(damage, "SIDE_FREE_LEN", 99.0)
    assert (damage_mask(mono, protect_eyes=False) & crack).sum() / crack.sum() < 0.3
    # a colour print keeps the two-sides test
    monkeypatch.setattr(damage, "NETWORK_SPREAD", 0.3)
    colour, crack, _ = _crazing_scene((0.30, 0.45, 0.70))
    assert (damage_mask(colour, protect_eyes=False) & crack).sum() / crack.sum() < 0.3


def _bus_and_fold_scene(seed=0):
    """A bus's upper deck (a short lit roof band over a row of windows with bright pillars: a wide bright
    line with its own, branching outline) and a long, slightly wavy fold running across the print."""
    import cv2

    rng = np.random.default_rng(seed)
    h = w = 512
    yy = np.mgrid[0:h, 0:w][0].astype(np.float32)
    img = np.stack([0.35 + 0.2 * yy / h] * 3, -1) * np.array([0.9, 1.0, 0.95], np.float32)
    bus = np.zeros((h, w), bool)
    bus[100:140, 150:300] = True
    img[bus] = (0.25, 0.3, 0.6)
    img[100:107, 150:300] = 0.92  # the lit roof
    for x in range(154, 292, 16):
        img[107:120, x:x + 10] = 0.12  # windows, with bright pillars between them
        img[107:120, x + 10:x + 16] = 0.85
    fold = np.zeros((h, w), np.uint8)
    t = np.linspace(0, 1, 200)
    cv2.polylines(fold, [np.stack([w * t, 330 + 40 * t + 6 * np.sin(5 * t)], 1).round().astype(np.int32)],
                  False, 1, thickness=6)
    img[fold > 0] = img[fold > 0] * 0.3 + 0.65
    img += 0.01 * rng.standard_normal(img.shape).astype(np.float32)
    return np.clip(img, 0, 1).astype(np.float32), bus, fold > 0


def test_short_bright_band_is_not_a_crease_long_fold_is(monkeypatch):
    """Issue 21 (faded_f's bus): a short bright band following an object's outline is picture; a long
    fold across the print is found."""
    from candid.engines.restore import damage

    img, bus, fold = _bus_and_fold_scene()
    m = damage_mask(img, kinds=("scratches", "creases"), protect_eyes=False)
    assert (m & fold).sum() / fold.sum() > 0.9
    assert not (m & bus).any()
    # the crease pass alone, without its one-line rule, takes the roof (can fail)
    monkeypatch.setattr(damage, "CREASE_BRANCHING", 99.0)
    m = damage_mask(img, kinds=("creases",), protect_eyes=False)
    assert (m & bus).sum() / bus.sum() > 0.1 and (m & fold).sum() / fold.sum() > 0.9


def test_coloured_speck_is_picture_neutral_speck_is_dust(monkeypatch):
    """Issue 21 (faded_e's lit leaves): on a colour print a speck more colourful than its surroundings is
    picture; a paper-white speck beside it is dust."""
    from candid.engines.restore import damage

    rng = np.random.default_rng(0)
    img = np.empty((256, 256, 3), np.float32)
    img[:] = (0.40, 0.20, 0.36)  # a colourful print (so the print-wide colour limit is loose) ...
    img += 0.01 * rng.standard_normal((256, 256, 1)).astype(np.float32)
    img[:, 200:] = (0.24, 0.29, 0.23)  # ... with a grey-green patch of foliage
    img[60:63, 225:228] = (0.62, 0.74, 0.48)  # a lit leaf in it
    img[190:193, 160:163] = (0.92, 0.92, 0.90)  # dust
    img = np.clip(img, 0, 1)
    m = damage_mask(img, protect_eyes=False)
    assert m[191, 161] and not m[61, 226]
    monkeypatch.setattr(damage, "DUST_SAT_MORE", 99.0)  # without the rule the leaf is taken (can fail)
    assert damage_mask(img, protect_eyes=False)[61, 226]

def cv2_dilate(mask, r):
    import cv2

    return cv2.dilate(mask.astype(np.uint8), np.ones((2 * r + 1, 2 * r + 1), np.uint8)) > 0


def test_catchlights_protected(astronaut):
    from candid.face import analyze_face

    lm = analyze_face(astronaut, embed=False, quality=False).landmarks
    img = astronaut.copy()
    for sl in (slice(36, 42), slice(42, 48)):
        x, y = lm[sl].mean(axis=0).round().astype(int)
        img[y - 1:y + 1, x - 1:x + 1] = 1.0  # a catchlight in each eye
        assert not damage_mask(img)[y, x]


def test_halftone_removed(astronaut):
    screened = degrade(astronaut, halftone=0.12, fade=0, dust=0, scratches=0, crease=False).pixels
    info = find_halftone(screened)
    assert info.found and 3.0 < info.period_px < 4.0
    assert psnr(remove_halftone(screened, info), astronaut) > psnr(screened, astronaut) + 6
    assert not find_halftone(astronaut).found


def test_big_loss_is_reported_not_just_smeared(astronaut):
    mask = np.zeros(astronaut.shape[:2], bool)
    mask[400:440, 20:60] = True  # a torn-off patch
    r = restore(astronaut, mask=mask, crop=False, fade=False, denoise=0, seed=0)
    assert any("large loss" in n for n in r.notes) and r.params["largest_loss_px"] >= 38
    small = restore(astronaut, mask=mask[:, ::-1] & False, crop=False, fade=False, denoise=0, seed=0)
    assert not any("large loss" in n for n in small.notes)


def test_invisible_periodic_pattern_not_called_a_screen(astronaut):
    """Issue 21: a scanner's faint pattern (below ~1/255) is not claimed as a halftone screen."""
    xx = np.mgrid[0:512, 0:512][1].astype(np.float32)
    wave = np.cos(2 * np.pi * xx / 3.5)[..., None]
    assert not find_halftone(np.clip(astronaut + 0.002 * wave, 0, 1).astype(np.float32)).found
    assert find_halftone(np.clip(astronaut + 0.04 * wave, 0, 1).astype(np.float32)).found


def test_fade_corrected_and_sepia_kept(astronaut):
    faded = degrade(astronaut, fade=0.6, dust=0, scratches=0, crease=False).pixels
    assert psnr(correct_fade(faded, keep_monochrome=False), astronaut) > psnr(faded, astronaut) + 10
    assert psnr(correct_fade(faded), astronaut) > psnr(faded, astronaut)
    grey = astronaut.mean(axis=2, keepdims=True)
    sepia = np.clip(0.25 + 0.5 * grey * np.array([1.0, 0.85, 0.65], np.float32), 0, 1).astype(np.float32)
    assert analyze_tone(sepia).sepia
    kept = correct_fade(sepia)
    assert analyze_tone(kept).sepia and kept.std() > sepia.std()
    neutral = correct_fade(sepia, keep_monochrome=False)
    assert np.allclose(neutral[..., 0], neutral[..., 2])


def test_tinted_colour_print_keeps_its_hue_and_gains_contrast(astronaut):
    """A hand-coloured print on a warm base is not 'corrected' towards blue (issue 21)."""
    from candid.colour import luma

    warm = np.clip(0.15 + 0.6 * astronaut * np.array([1.0, 0.8, 0.62], np.float32), 0, 1).astype(np.float32)
    out = correct_fade(warm)
    ratio_in = warm.reshape(-1, 3).mean(0) / warm.mean()
    ratio_out = out.reshape(-1, 3).mean(0) / out.mean()
    assert ratio_out[0] > ratio_out[1] > ratio_out[2] and ratio_out[2] < ratio_in[2] + 0.02  # never towards blue
    assert luma(out).std() >= luma(warm).std()


@settings(max_examples=15, deadline=None)
@given(st.floats(0.3, 1.0), st.floats(0.0, 0.4), st.integers(0, 10))
def test_fade_never_lowers_contrast(gain, offset, seed):
    from candid.colour import luma

    x = np.random.default_rng(seed).random((32, 32, 3)).astype(np.float32)
    img = np.clip(offset + gain * x * np.float32(1 - offset), 0, 1).astype(np.float32)
    for keep in (True, False):
        assert luma(correct_fade(img, keep_monochrome=keep)).std() >= 0.95 * luma(img).std()


def test_denoise_keeps_skin_texture(astronaut):
    from candid.face import analyze_face
    from candid.face.texture import band_pass

    rng = np.random.default_rng(1)
    noisy = np.clip(astronaut + 0.03 * rng.standard_normal(astronaut.shape).astype(np.float32), 0, 1)
    out = denoise_keep_grain(noisy, 0.5)
    face = analyze_face(astronaut, embed=False)
    skin = face.regions(astronaut).full("skin", astronaut.shape)
    clean_e = band_pass(astronaut.mean(axis=2), (0.7, 2.0))[skin].std()
    out_e = band_pass(out.mean(axis=2), (0.7, 2.0))[skin].std()
    noisy_e = band_pass(noisy.mean(axis=2), (0.7, 2.0))[skin].std()
    assert out_e < noisy_e  # less noise
    assert out_e > 0.6 * clean_e  # but no wax
    assert psnr(out, astronaut) > psnr(noisy, astronaut)


def test_photographed_print_found_and_straightened(astronaut):
    import cv2

    canvas = np.full((700, 800, 3), 0.12, np.float32)
    canvas += 0.02 * np.random.default_rng(0).standard_normal(canvas.shape).astype(np.float32)
    src = np.float32([[0, 0], [511, 0], [511, 511], [0, 511]])
    quad = np.float32([[130, 90], [660, 120], [640, 640], [110, 610]])
    warped = cv2.warpPerspective(astronaut, cv2.getPerspectiveTransform(src, quad), (800, 700))
    inside = cv2.warpPerspective(np.ones((512, 512), np.float32), cv2.getPerspectiveTransform(src, quad), (800, 700))
    photo = np.clip(canvas * (1 - inside[..., None]) + warped, 0, 1).astype(np.float32)
    found = detect_print(photo)
    assert found is not None and np.abs(found - quad).max() < 6
    flat = rectify_print(photo, found)
    back = cv2.resize(flat, (512, 512), interpolation=cv2.INTER_AREA)
    assert psnr(back[10:-10, 10:-10], astronaut[10:-10, 10:-10]) > 22
    assert detect_print(astronaut) is None


def test_tint_keeps_luma(astronaut):
    from candid.colour import luma

    bw = np.repeat(astronaut.mean(axis=2, keepdims=True), 3, axis=2)
    out = tint(bw, "hand-coloured")
    assert np.abs(luma(out) - luma(bw)).mean() < 0.01
    face = out[110:150, 200:240].reshape(-1, 3).mean(axis=0)
    assert face[0] > face[2] + 0.02  # flesh tone on the face


@settings(max_examples=15, deadline=None)
@given(h=st.integers(16, 80), w=st.integers(16, 80), seed=st.integers(0, 10))
def test_shapes_and_range_on_any_image(h, w, seed):
    img = np.random.default_rng(seed).random((h, w, 3)).astype(np.float32)
    r = restore(img, seed=seed, denoise=0.3)
    assert r.pixels.dtype == np.float32 and r.pixels.min() >= 0 and r.pixels.max() <= 1
    assert r.mask.shape == r.pixels.shape[:2]


def test_bad_settings_raise():
    img = np.zeros((32, 32, 3), np.float32)
    with pytest.raises(ValueError):
        damage_mask(img, kinds=("mould",))
    with pytest.raises(ValueError):
        inpaint(img, np.zeros((31, 32), bool))
    with pytest.raises(ValueError):
        tint(img, "rainbow")
    from candid.errors import MaskError

    with pytest.raises(MaskError):  # a mask that does not fit is the user's to fix: one clear line
        restore(img, mask=np.zeros((10, 10), bool))
