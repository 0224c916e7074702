"""An out-of-focus neighbour cut by the photo's border, beside the subject's face (engines/studio/neighbour.py).

Synthetic scenes: the subject's face and hair are in focus (textured), the
background and a neighbour's cheek pressed beside the face at the right
border are blurred, as on real/portraits/tom_cruise_tight.jpg. The matte
holds both (the person segmenter joins them); the rule must take the cheek
and keep the subject's own long hair at the border, in focus or not.
"""

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candid.engines.studio import neighbour as N
from candid.engines.studio.changes import describe
from candid.engines.studio.matte import _face_hull
from candid.engines.studio.people import toy_landmarks

SKIN = np.array([0.80, 0.60, 0.50], np.float32)
H, W = 330, 200
CX, CY, FW = 90.0, 100.0, 80.0  # eyes at (90, 100), face 80 px wide: the jaw reaches x = 130, the chin y = 164


def _textured(colour, shape, rng, amount=0.07):
    return np.clip(colour + rng.normal(0, amount, shape + (1,)).astype(np.float32), 0, 1)


def scene(*, neighbour=True, blur_neighbour=4.0, hair=None, gap=0, seed=0):
    """``(image, alpha, landmarks, cheek)``: a subject with an optional cheek at the right border.

    ``hair``: None, ``"sharp"`` (long light hair with strands reaching the right border, in focus) or
    ``"smooth"`` (long black hair at the border, smooth: low sharpness like yangmi_6's).
    ``gap``: columns of background between the cheek and the border.
    """
    rng = np.random.default_rng(seed)
    lm = toy_landmarks(CX, CY, FW)
    img = cv2.GaussianBlur(_textured(np.float32([0.35, 0.38, 0.42]), (H, W), rng, 0.2), (0, 0), 5)  # background
    alpha = np.zeros((H, W), np.float32)
    yy, xx = np.mgrid[:H, :W]
    head = ((xx - CX) / 52.0) ** 2 + ((yy - CY + 10) / 90.0) ** 2 <= 1
    body = (yy > 175) & (np.abs(xx - CX) < 85)
    subject = head | body
    img[subject] = _textured(np.float32([0.25, 0.2, 0.3]), (H, W), rng, 0.1)[subject]  # dark suit, in focus
    face = _face_hull((H, W), lm)
    img[face] = _textured(SKIN, (H, W), rng)[face]
    alpha[subject | face] = 1
    cheek = np.zeros((H, W), bool)
    if neighbour:
        cheek = (((xx - (W + 15 - gap)) / 45.0) ** 2 + ((yy - 120) / 70.0) ** 2 <= 1) & ~head & (xx < W - gap)
        layer = cv2.GaussianBlur(_textured(SKIN * 0.97, (H, W), rng), (0, 0), blur_neighbour)
        img[cheek] = layer[cheek]
        img = np.where(cheek[..., None], cv2.GaussianBlur(img, (0, 0), 1.5), img)  # its outline is soft too
        joined = cheek | ((yy > 60) & (yy < 170) & (xx > CX + 40) & (xx < W - gap) & ((xx - CX) > 40))
        alpha[joined & ~(xx >= W - gap)] = 1  # the segmenter joins them (and the blurred background between)
    if hair is not None:
        strands = (yy > 40) & (yy < 175) & (xx > CX + 30)
        if hair == "sharp":  # light hair like the subject's skin, fine strands: in focus
            tone = SKIN + 0.12 * np.sin(xx * 1.9 + yy * 0.3)[..., None].astype(np.float32)
            img[strands] = np.clip(tone + rng.normal(0, 0.08, (H, W, 1)), 0, 1)[strands]
        else:  # smooth black hair
            img[strands] = cv2.GaussianBlur(_textured(np.float32([0.06, 0.05, 0.05]), (H, W), rng, 0.02), (0, 0),
                                            3)[strands]
        alpha[strands] = 1
        img[face] = _textured(SKIN, (H, W), rng)[face]
    return img.astype(np.float32), alpha, lm, cheek


def test_scene_holds_the_neighbour():
    img, alpha, lm, cheek = scene()
    assert cheek.sum() > 0.03 * FW * FW and alpha[cheek].min() == 1
    r = N.relative_sharpness(img, lm)
    assert np.median(r[cheek]) < N.BLUR < np.median(r[N.own_skin((H, W), lm)])


def test_cheek_at_the_border_is_removed():
    img, alpha, lm, cheek = scene()
    out, rep = N.remove_neighbour(img, alpha, lm)
    assert (out[cheek] <= 0.5).mean() > 0.95, "the neighbour's cheek stays in the cut-out"
    assert rep.side == "right" and rep.pixels > 0.9 * cheek.sum() and rep.doubt is None
    face = _face_hull((H, W), lm)
    assert out[face].min() == 1.0 and out[200:, 10:170].min() == 1.0  # the face and the body are untouched


def test_the_cut_has_a_soft_edge():
    img, alpha, lm, _ = scene()
    out, _ = N.remove_neighbour(img, alpha, lm)
    cut = (alpha == 1) & (out > 0.02) & (out < 0.98)
    assert cut.sum() > 20  # intermediate values along the cut, not a hard step
    assert out.max() <= 1 and out.min() >= 0


def strip_scene(seed=0, width=3):
    """``scene()`` with the subject's sharp dark hair down beside the face, ending ``width`` px before the right
    border, and the neighbour's blurred light hair in that strip above their cheek (tom_cruise_tight: a 5-15 px
    strip on a face 400 px wide, here 3 px on 80). ``(image, alpha, landmarks, cheek, hair, strip)``."""
    img, alpha, lm, cheek = scene(seed=seed)
    rng = np.random.default_rng(seed + 1)
    yy, xx = np.mgrid[:H, :W]
    hair = (yy > 2) & (yy < 150) & (xx > CX + 38) & (xx < W - width) & ~cheek & ~((yy > 95) & (xx > CX + 60))
    strands = np.float32([0.3, 0.2, 0.14]) + 0.4 * np.sin(yy * 1.7 + xx * 0.4)[..., None].astype(np.float32)
    img[hair] = np.clip(strands + rng.normal(0, 0.05, (H, W, 1)), 0, 1)[hair]  # in focus: 2x the skin's sharpness
    strip = (yy > 2) & (yy < 100) & (xx >= W - width) & ~cheek
    theirs = cv2.GaussianBlur(_textured(np.float32([0.62, 0.48, 0.36]), (H, W), rng, 0.05), (0, 0), 4)
    img[strip] = theirs[strip]
    alpha[hair | strip] = 1  # the segmenter joined them
    return img.astype(np.float32), alpha, lm, cheek, hair, strip


def test_the_strip_of_their_hair_beside_his_sharp_hair_goes_and_his_hair_stays():
    img, alpha, lm, cheek, hair, strip = strip_scene()
    # the windowed focus measure spills his hair's sharpness over the strip: it reads in focus there
    assert np.median(N.relative_sharpness(img, lm)[strip]) > N.SHARP
    # inside colour regions it does not
    assert np.nanmedian(N.region_sharpness(img, lm, strip)[strip]) < N.BLUR
    out, rep = N.remove_neighbour(img, alpha, lm)
    assert rep.doubt is None and rep.side == "right"
    assert (out[strip] <= 0.5).mean() > 0.95, "the strip of the neighbour's hair at the border stays"
    assert (out[cheek] <= 0.5).mean() > 0.9
    inner = cv2.erode(hair.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert (out[inner] >= 0.98).mean() > 0.999, "the subject's own hair was cut"


def skin_strip_scene(seed=0, width=12):
    """``scene()`` with the subject's sharp dark hair beside the temple, a lock of it running to the right border
    above the neighbour's cheek, and above that lock the rest of the neighbour's cheek: a blurred skin-coloured strip
    ``width`` px wide at the border (tom_cruise_tight corporate: 10-17 px on a face 400 px wide, beside his hair
    above his ear). ``(image, alpha, landmarks, cheek, hair, strip)``."""
    img, alpha, lm, cheek = scene(seed=seed)
    rng = np.random.default_rng(seed + 2)
    yy, xx = np.mgrid[:H, :W]
    lock = (yy > 60) & (yy < 76) & (xx > CX + 38)
    hair = (((yy > 2) & (yy < 76) & (xx > CX + 38) & (xx < W - width)) | lock) & ~_face_hull((H, W), lm)
    strands = np.float32([0.25, 0.16, 0.11]) + 0.15 * np.sin(yy * 1.7 + xx * 0.4)[..., None].astype(np.float32)
    img[hair] = np.clip(strands + rng.normal(0, 0.05, (H, W, 1)), 0, 1)[hair]  # dark brown, in focus
    strip = (yy > 20) & (yy <= 60) & (xx >= W - width)
    theirs = cv2.GaussianBlur(_textured(SKIN * 0.97, (H, W), rng), (0, 0), 3)
    img[strip] = theirs[strip]
    alpha[hair | strip] = 1  # the segmenter joined them
    return img.astype(np.float32), alpha, lm, cheek & ~hair, hair, strip


def test_their_cheek_above_a_lock_of_his_hair_at_the_border_goes_and_his_hair_stays():
    img, alpha, lm, cheek, hair, strip = skin_strip_scene()
    out, rep = N.remove_neighbour(img, alpha, lm)
    assert rep.doubt is None and rep.side == "right"
    assert (out[strip] <= 0.5).mean() > 0.95, "the rest of the neighbour's cheek above his hair stays"
    assert (out[cheek] <= 0.5).mean() > 0.95
    inner = cv2.erode(hair.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert (out[inner] >= 0.98).mean() > 0.95
    away = inner & (np.arange(W) < W - 20)
    assert (out[away] >= 0.98).mean() > 0.999, "the subject's own hair was cut"
    assert out[_face_hull((H, W), lm)].min() == 1.0
    found = N.border_skin(img, alpha, lm, N.neighbour_seeds(img, alpha, lm))
    assert found[strip].mean() > 0.9 and found[hair].mean() < 0.02


def test_border_skin_leaves_his_own_ear_in_focus_and_needs_seeds():
    img, alpha, lm, cheek, hair, strip = skin_strip_scene()
    seeds = N.neighbour_seeds(img, alpha, lm)
    sharp = img.copy()
    sharp[strip] = _textured(SKIN, (H, W), np.random.default_rng(5))[strip]  # skin in focus at the border: his ear
    assert N.border_skin(img, alpha, lm, seeds)[strip].mean() > 0.9
    assert not N.border_skin(sharp, alpha, lm, seeds)[strip].any()
    assert not N.border_skin(img, alpha, lm, np.zeros((H, W), bool)).any()
    left = np.zeros((H, W), bool)
    left[150:170, :4] = True  # seeds on the other side of the face
    assert not N.border_skin(img, alpha, lm, left).any()


def test_the_soft_cut_is_smooth_on_grain():
    # dark hair | light background with grain, the cut 2 px off the colour edge: the soft edge sits on the colour
    # edge, the same in every row; per pixel the two-colour position followed the grain (speckles 2-8 px off the
    # edge that the foreground estimate turned into dark dots)
    rng = np.random.default_rng(0)
    img = np.empty((80, 60, 3), np.float32)
    img[:, :30], img[:, 30:] = (0.12, 0.08, 0.06), (0.55, 0.42, 0.32)
    img = np.clip(img + rng.normal(0, 0.06, (80, 60, 1)), 0, 1).astype(np.float32)
    rm = np.zeros((80, 60), bool)
    rm[:, 32:] = True
    out = N.soft_cut(np.ones((80, 60), np.float32), rm, 4.0, img)
    far = np.abs(np.arange(60) - 29.5)[None, :].repeat(80, 0) > 2
    assert ((out > 0.05) & (out < 0.95) & far).sum() == 0
    assert np.all((out > 0.5).sum(1) == 30)  # kept up to the colour edge in every row
    assert np.all(out[:, :28] == 1) and np.all(out[:, 33:] == 0)


def band_scene(width=14, level=0.3, seed=0):
    """``scene()`` without a neighbour's cheek: the subject's hair down beside the face to 20 px before the right
    border (opaque, with a 2 px soft edge), and beyond it above the ear a band the matte half kept (alpha
    ``level``, ``width`` px wide) running to the border (tom_cruise_tight linkedin: 25-30 px at 0.2-0.5 on a face
    400 px wide, a grey ghost on the backdrop). ``(image, alpha, landmarks, hair, band)``."""
    img, alpha, lm, _ = scene(neighbour=False, seed=seed)
    yy, xx = np.mgrid[:H, :W]
    hair = (yy > 20) & (yy < 150) & (xx > CX + 38) & (xx < W - 20)
    edge = (yy > 20) & (yy < 150) & (xx >= W - 20) & (xx < W - 18)
    band = (yy > 70) & (yy < 120) & (xx >= W - width)
    alpha[hair] = 1
    alpha[edge] = 0.5
    alpha[band] = level
    return img, alpha, lm, hair, band


def test_a_wide_half_kept_band_at_the_border_goes_and_his_hair_stays():
    img, alpha, lm, hair, band = band_scene()
    assert not N.neighbour_seeds(img, alpha, lm).any()  # no cheek: the seeds alone took nothing here
    out, rep = N.remove_neighbour(img, alpha, lm)
    assert (out[band] <= 0.05).mean() > 0.95, "the half-kept band beside the head stays (a grey ghost)"
    assert rep.haze > 0 and rep.side == "right" and rep.doubt is None and rep.removed > 0
    inner = cv2.erode(hair.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert out[inner].min() == 1.0, "the subject's own hair was cut"
    assert out[_face_hull((H, W), lm)].min() == 1.0
    assert np.all(out <= alpha + 1e-6)
    keep = np.ones((H, W), bool)
    keep[55:135, W - 30:] = False
    np.testing.assert_array_equal(out[keep], alpha[keep])  # nothing changes away from the band


def test_an_outline_soft_edge_at_the_border_is_not_a_band():
    # the same band only 2 px wide is the soft edge of an outline: kept as it is
    img, alpha, lm, _, band = band_scene(width=2)
    assert not N.half_kept_band(img, alpha, lm).any()
    out, rep = N.remove_neighbour(img, alpha, lm)
    assert rep.haze == 0
    np.testing.assert_array_equal(out, alpha)


def test_own_flying_strands_at_the_border_are_kept():
    # the same band holding fine strands in focus (scarlett_1's wisps at the border): the subject's own
    img, alpha, lm, _, band = band_scene()
    yy, xx = np.mgrid[:H, :W]
    strands = np.float32([0.8, 0.7, 0.5]) * (0.6 + 0.4 * np.sin(yy * 2.1 + xx * 0.5))[..., None].astype(np.float32)
    img[band] = np.clip(strands + np.random.default_rng(5).normal(0, 0.05, (H, W, 1)), 0, 1)[band]
    assert np.nanmedian(N.region_sharpness(img, lm, band)[band]) > N.HAZE
    out, rep = N.remove_neighbour(img, alpha, lm)
    assert rep.haze == 0
    np.testing.assert_array_equal(out, alpha)


def test_a_half_kept_band_away_from_the_border_is_not_this_rule():
    img, alpha, lm, hair, band = band_scene()
    shifted = np.zeros_like(alpha)
    shifted[:, :-20] = alpha[:, 20:]  # the band ends 20 px before the photo's border (canvas beyond it)
    shifted[:, -20:] = 0
    shifted[:, :CX.__int__()] = alpha[:, :CX.__int__()]
    assert not N.half_kept_band(img, shifted, lm).any()
    valid = np.ones((H, W), bool)
    valid[:, W - 20:] = False  # ... unless the photo ends there
    assert N.half_kept_band(img, shifted, lm, valid=valid).any()


def test_own_sharp_hair_at_the_border_is_kept():
    img, alpha, lm, _ = scene(neighbour=False, hair="sharp")
    out, rep = N.remove_neighbour(img, alpha, lm)
    assert rep.pixels == 0 and rep.side is None
    np.testing.assert_array_equal(out, alpha)


def test_own_smooth_dark_hair_at_the_border_is_kept():
    # smooth black hair is out of focus by the measure, but it is not skin: it never seeds a neighbour
    img, alpha, lm, _ = scene(neighbour=False, hair="smooth")
    r = N.relative_sharpness(img, lm)
    assert np.median(r[120, 150:190]) < N.BLUR
    out, rep = N.remove_neighbour(img, alpha, lm)
    assert rep.pixels == 0
    np.testing.assert_array_equal(out, alpha)


def test_an_in_focus_neighbour_is_not_this_rule():
    img, alpha, lm, cheek = scene(blur_neighbour=0.01)
    img[cheek] = _textured(SKIN, (H, W), np.random.default_rng(3))[cheek]  # as sharp as the subject
    out, rep = N.remove_neighbour(img, alpha, lm)
    assert rep.pixels == 0


def test_only_a_piece_touching_the_photo_border_counts():
    img, alpha, lm, cheek = scene(gap=12)
    seeds = N.neighbour_seeds(img, alpha, lm)
    assert not seeds.any()
    # the same frame extended at the right with canvas: the photo's edge is where valid ends
    valid = np.ones((H, W), bool)
    valid[:, W - 12:] = False
    assert N.neighbour_seeds(img, alpha, lm, valid=valid).any()


def test_inputs_are_not_modified_and_no_subject_face_no_work():
    img, alpha, lm, _ = scene()
    i0, a0 = img.copy(), alpha.copy()
    N.remove_neighbour(img, alpha, lm)
    np.testing.assert_array_equal(img, i0)
    np.testing.assert_array_equal(alpha, a0)
    out, rep = N.remove_neighbour(img, np.zeros_like(alpha), lm)
    assert rep.pixels == 0 and not out.any()


def test_doubt_when_the_cut_would_take_too_much(monkeypatch):
    img, alpha, lm, _ = scene()
    monkeypatch.setattr(N, "MOST", 0.001)
    _, rep = N.remove_neighbour(img, alpha, lm)
    assert rep.doubt is not None and "right edge" in rep.doubt


def test_bad_shapes_raise():
    img, alpha, lm, _ = scene()
    with pytest.raises(ValueError):
        N.remove_neighbour(img, alpha[:-1], lm)


def test_the_change_is_said_in_words():
    text = describe({"change": "neighbour_removed", "side": "right", "share": 0.06})
    assert "right edge" in text and "another person" in text


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 1000), st.floats(2.0, 6.0), st.sampled_from([None, "sharp", "smooth"]),
       st.booleans())
def test_never_adds_alpha_and_never_touches_the_face(seed, blur, hair, neighbour):
    img, alpha, lm, _ = scene(seed=seed, blur_neighbour=blur, hair=hair, neighbour=neighbour)
    out, rep = N.remove_neighbour(img, alpha, lm, seed=seed)
    assert out.dtype == np.float32 and out.shape == alpha.shape
    assert np.all(out <= alpha + 1e-6) and out.min() >= 0
    assert out[_face_hull((H, W), lm)].min() == 1.0
    if not neighbour:
        assert rep.pixels == 0


@pytest.mark.parametrize("doubt", [None, "an out-of-focus person beside the face at the right edge of the photo "
                                         "could not be cut from the subject"])
def test_the_stage_says_what_it_took_or_keeps_the_background(monkeypatch, doubt):
    from skimage import data

    import candid.engines.studio.neighbour as mod
    from candid.engines.studio.stage import studio_stage
    from candid.portrait import Portrait

    def fake(pixels, alpha, landmarks, **kw):  # the stage's wiring, not the rule (the astronaut has no neighbour)
        out = np.asarray(alpha, np.float32).copy()
        out[:, -20:] = 0
        return out, N.NeighbourReport(removed=0.01, pixels=123, side="right", doubt=doubt)

    monkeypatch.setattr(mod, "remove_neighbour", fake)
    p = studio_stage(Portrait(data.astronaut().astype(np.float32) / 255), style="passport", light="none")
    params = p.log[-1].params
    kinds = [c["change"] for c in params["changes"]]
    assert params["matte"]["neighbour_px"] == 123
    if doubt is None:
        assert "neighbour_removed" in kinds and "background_kept" not in kinds
        assert any("another person beside the face at the right edge" in n for n in p.log[-1].notes)
    else:
        assert "neighbour_removed" not in kinds and "background_kept" in kinds
        assert doubt in next(c["reason"] for c in params["changes"] if c["change"] == "background_kept")


def test_the_astronaut_is_left_alone():
    from skimage import data

    from candid.face.examples import astronaut_landmarks

    img = data.astronaut().astype(np.float32) / 255
    alpha = np.zeros(img.shape[:2], np.float32)
    alpha[60:, 150:360] = 1
    out, rep = N.remove_neighbour(img, alpha, astronaut_landmarks())
    assert rep.pixels == 0 and rep.side is None
    np.testing.assert_array_equal(out, alpha)
