"""Tests for candid.looks: stocks, grain physics, determinism, 16-bit smoothness, frames, glitch, stage, CLI."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import candid.looks as looks
from candid.colour import srgb_to_linear
from candid.errors import CandidError
from candid.looks.film_formats import px_per_mm
from candid.looks.instant import get_frame
from candid.looks.grainfield import GrainField, clump_size_um, nutting_factor, selwyn_sigma

FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def astro():
    import skimage.data

    return (skimage.data.astronaut()[::2, ::2].astype(np.float32) / 255)  # 256x256


def image_strategy(min_side=8, max_side=48):
    return st.tuples(st.integers(min_side, max_side), st.integers(min_side, max_side)).flatmap(
        lambda hw: arrays(np.float32, (hw[0], hw[1], 3), elements=st.floats(0, 1, width=32)))


# ---------------------------------------------------------------- stocks


def test_at_least_eight_stocks_of_each_family():
    names = looks.list_stocks()
    assert len(names) >= 8
    kinds = {looks.get_stock(n).kind for n in names}
    assert kinds == {"negative", "reversal", "bw"}
    for required in ("portra-160", "portra-400", "portra-800", "ektar-100", "pro-400h", "superia-400",
                     "velvia-50", "ektachrome-e100", "tri-x-400", "hp5-plus"):
        assert required in names


@pytest.mark.parametrize("name", looks.list_stocks())
def test_stock_data_is_sane_and_documented(name):
    s = looks.get_stock(name)
    assert s.sources, "every stock names its datasheet"
    assert all(0 < g < 3 for g in s.gamma)
    assert all(lo < hi for lo, hi in zip(s.dmin, s.dmax))
    assert s.rms_granularity > 0
    # negatives have far more latitude than slides
    assert s.latitude_stops > (8 if s.kind != "reversal" else 5)


def test_unknown_stock_is_a_user_error_listing_stocks():
    with pytest.raises(CandidError) as exc:
        looks.film_stock(np.zeros((8, 8, 3), np.float32), "portra-9000")
    assert "portra-400" in str(exc.value)


def test_characteristic_curve_shape():
    x = np.linspace(-8, 8, 3201, dtype=np.float32)
    d = looks.characteristic_curve(x, gamma=0.6, dmin=0.2, dmax=2.6, log_toe=-2.0)
    assert np.all(np.diff(d) >= -1e-5)   # float32 rounding only
    assert d[0] == pytest.approx(0.2, abs=1e-3) and d[-1] == pytest.approx(2.6, abs=1e-3)
    slope = np.gradient(d, x)
    assert slope.max() == pytest.approx(0.6, rel=0.02)  # straight line = gamma


@pytest.mark.parametrize("name", looks.list_stocks())
def test_grey_card_prints_near_grey_and_tones_stay_ordered(name):
    ramp = np.linspace(0.02, 0.98, 64, dtype=np.float32)
    img = np.repeat(np.repeat(ramp[None, :, None], 4, 0), 3, 2)
    out = looks.film_stock(img, name, grain=False)
    lum = out.mean(axis=(0, 2))
    assert np.all(np.diff(lum) > -1e-4), "film must not invert tones"
    grey = looks.film_stock(np.full((4, 4, 3), 0.4613, np.float32), name, grain=False)[0, 0]
    assert abs(grey.mean() - 0.46) < 0.12
    assert np.ptp(grey) < 0.08, "stocks are timed for a neutral grey card (only a slight cast)"


def test_slide_has_less_latitude_than_negative():
    # +3 stops: a negative still separates tones, a slide is near clear film
    img = np.array([[[0.75] * 3, [0.9] * 3]], np.float32).repeat(4, 0)
    neg = looks.film_stock(img, "portra-400", exposure=2.0, grain=False)
    rev = looks.film_stock(img, "velvia-50", exposure=2.0, grain=False)
    assert (neg[0, 1] - neg[0, 0]).mean() > 2 * (rev[0, 1] - rev[0, 0]).mean()


def test_bw_stock_is_neutral(astro):
    out = looks.film_stock(astro, "tri-x-400", seed=1)
    assert np.abs(out[..., 0] - out[..., 1]).max() < 1e-6


# ---------------------------------------------------------------- grain physics


def _acf_length(f: np.ndarray) -> float:
    """Lag (px) where the horizontal autocorrelation falls to 0.5."""
    f = f - f.mean()
    v = float((f * f).mean())
    r = [1.0] + [float((f[:, k:] * f[:, :-k]).mean()) / v for k in range(1, 40)]
    r = np.array(r)
    i = int(np.argmax(r < 0.5))
    return i - 1 + (r[i - 1] - 0.5) / (r[i - 1] - r[i])


def test_grain_correlation_length_scales_with_output_size():
    """Same film, 1 MP and 8 MP outputs: the grain has the same size in um on
    the film, so its autocorrelation length in pixels grows with the output."""
    lengths = {}
    for shape in [(816, 1224), (2309, 3464)]:  # 1 MP and 8 MP of a 35 mm frame
        ppm = px_per_mm(shape, "35mm")
        field = GrainField(shape, ppm, clump_size_um(3200), 0.03, seed=0, layers=1)
        f = field.rows(0, 0, 256)  # a band is enough (band-independent generator)
        lengths[shape] = (_acf_length(f), ppm)
    (l1, p1), (l8, p8) = lengths[(816, 1224)], lengths[(2309, 3464)]
    assert l8 / l1 == pytest.approx(p8 / p1, rel=0.1)          # px length scales with size
    assert l8 / p8 == pytest.approx(l1 / p1, rel=0.1)          # film length (mm) is the same


def test_grain_is_sub_pixel_at_1mp_for_iso_400():
    shape = (816, 1224)
    f = GrainField(shape, px_per_mm(shape, "35mm"), clump_size_um(400), 0.011, seed=0, layers=1).rows(0, 0, 128)
    assert _acf_length(f) < 1.0


def test_grain_downsampled_from_8mp_matches_grain_at_1mp():
    """Selwyn: averaging 3x3 pixels of fine grain = grain of a 3x bigger pixel."""
    ppm_big = 3 * px_per_mm((816, 1224), "35mm")
    big = GrainField((816 * 3, 1224 * 3), ppm_big, clump_size_um(800), 0.012, seed=1, layers=1)
    small = GrainField((816, 1224), ppm_big / 3, clump_size_um(800), 0.012, seed=2, layers=1)
    fb = big.rows(0, 0, 600) * big.sigma_px[0]
    fb = fb[:, : fb.shape[1] // 3 * 3].reshape(200, 3, -1, 3).mean(axis=(1, 3))
    fs = small.rows(0, 0, 200) * small.sigma_px[0]
    assert fb.std() == pytest.approx(fs.std(), rel=0.15)


def test_selwyn_value_at_48um_aperture():
    assert selwyn_sigma(0.017, math.sqrt(math.pi * 24**2), 6.0) == pytest.approx(0.017)
    # big pixels: sigma ~ 1 / pixel side
    assert selwyn_sigma(0.017, 200, 6.0) / selwyn_sigma(0.017, 400, 6.0) == pytest.approx(2.0, rel=0.05)


def test_granularity_vs_density_follows_nutting_curve():
    """Measured grain (in density) at several exposures follows sigma(D) ~ sqrt(D_net)."""
    gamma = 0.65
    levels = np.array([0.05, 0.12, 0.25, 0.45, 0.7, 0.95], np.float32)
    img = np.repeat(levels[:, None], 200, 1)[:, :, None].repeat(3, 2)   # 6 flat strips
    img = np.repeat(img, 200, 0)
    out = looks.grain(img, iso=800, seed=5, monochrome=True, gamma=gamma)
    lin_in, lin_out = srgb_to_linear(img, exact=True), srgb_to_linear(out, exact=True)
    ok = lin_out[..., 1] > 1e-3
    dd = np.where(ok, np.log10(np.maximum(lin_out[..., 1], 1e-6) / lin_in[..., 1]) * gamma, 0)
    x = np.log10(srgb_to_linear(levels, exact=True))
    d_net = np.maximum(0.8 + gamma * (x - math.log10(0.18)), 0)
    expected = nutting_factor(d_net)
    measured = np.array([dd[200 * i + 4: 200 * (i + 1) - 4, 4:-4].std() for i in range(len(levels))])
    ratio = measured / expected
    assert np.ptp(ratio) / ratio.mean() < 0.12
    assert np.all(np.diff(measured) > 0)   # more density, more grain


def test_grain_is_per_layer_in_colour_and_shared_in_bw():
    img = np.full((128, 128, 3), 0.5, np.float32)
    col = looks.grain(img, iso=1600, seed=3) - img
    mono = looks.grain(img, iso=1600, seed=3, monochrome=True) - img
    assert abs(np.corrcoef(col[..., 0].ravel(), col[..., 2].ravel())[0, 1]) < 0.1
    assert np.corrcoef(mono[..., 0].ravel(), mono[..., 2].ravel())[0, 1] > 0.99
    assert col[..., 2].std() > col[..., 0].std()     # blue-sensitive layer is coarsest


def test_grain_field_is_band_independent():
    f = GrainField((300, 200), 40.0, 12.0, 0.01, seed=9, layers=1)
    whole = f.rows(0, 0, 300)
    np.testing.assert_array_equal(whole[100:220], f.rows(0, 100, 220))


def test_bigger_format_has_finer_grain_at_same_output_size():
    img = np.full((256, 256, 3), 0.5, np.float32)
    g35 = (looks.grain(img, iso=400, film_format="35mm", seed=1) - img).std()
    g120 = (looks.grain(img, iso=400, film_format="120", seed=1) - img).std()
    assert g120 < 0.7 * g35


# ---------------------------------------------------------------- properties


@FAST
@given(img=image_strategy(), seed=st.integers(0, 2**16), stock=st.sampled_from(looks.list_stocks()))
def test_film_stock_properties(img, seed, stock):
    before = img.copy()
    out = looks.film_stock(img, stock, seed=seed)
    assert out.shape == img.shape and out.dtype == np.float32
    assert np.isfinite(out).all() and out.min() >= 0 and out.max() <= 1
    np.testing.assert_array_equal(img, before)
    assert looks.film_stock(img, stock, seed=seed).tobytes() == out.tobytes()


@FAST
@given(img=image_strategy(16, 40), seed=st.integers(0, 2**16))
def test_apply_look_and_glitch_properties(img, seed):
    before = img.copy()
    a = looks.apply_look(img, "portra-800", vignette=0.5, light_leak=0.5, dust=2, bloom=0.2, seed=seed)
    g = looks.glitch(img, seed=seed)
    for out in (a, g):
        assert out.shape == img.shape and out.dtype == np.float32
        assert out.min() >= 0 and out.max() <= 1
    np.testing.assert_array_equal(img, before)
    assert looks.apply_look(img, "portra-800", vignette=0.5, light_leak=0.5, dust=2, bloom=0.2,
                            seed=seed).tobytes() == a.tobytes()
    assert looks.glitch(img, seed=seed).tobytes() == g.tobytes()


def test_same_seed_same_bytes_different_seed_different(astro):
    kw = dict(light_leak=1.0, dust=1.0, halation=0.3)
    a = looks.apply_look(astro, "portra-400", seed=7, **kw)
    b = looks.apply_look(astro, "portra-400", seed=7, **kw)
    c = looks.apply_look(astro, "portra-400", seed=8, **kw)
    assert a.tobytes() == b.tobytes()
    assert a.tobytes() != c.tobytes()
    f1 = looks.instant_frame(astro, "sx-70", caption="x", seed=2)
    assert f1.tobytes() == looks.instant_frame(astro, "sx-70", caption="x", seed=2).tobytes()


def test_bad_arguments_are_value_errors():
    img = np.zeros((8, 8, 3), np.float32)
    with pytest.raises(ValueError):
        looks.grain(np.zeros((8, 8), np.float32))
    with pytest.raises(ValueError):
        looks.grain(img, seed=-1)
    with pytest.raises(ValueError):
        looks.grain(img, film_format="110")
    with pytest.raises(ValueError):
        looks.film_stock(np.full((8, 8, 3), np.nan, np.float32))


# ---------------------------------------------------------------- 16-bit smoothness


def test_no_banding_in_16_bit_output(tmp_path):
    from candid.imageio import read_image, write_image

    ramp = np.linspace(0, 1, 4096, dtype=np.float32)
    img = np.repeat(np.repeat(ramp[None, :, None], 8, 0), 3, 2)
    for stock in ("portra-400", "velvia-50", "tri-x-400"):
        out = looks.apply_look(img, stock, grain=False, halation=0.0)
        path = write_image(tmp_path / f"{stock}.png", out, bit_depth=16)
        back = read_image(path).pixels
        q = np.round(back[4, :, 1] * 65535).astype(np.int64)
        steps = np.diff(q)
        assert (steps >= -1).all()                          # monotonic up to 1 LSB of float32 rounding
        assert len(np.unique(q)) > 2500                     # thousands of levels, not 256
        assert steps.max() < 0.01 * 65535                   # no jumps (bands) anywhere


# ---------------------------------------------------------------- optics


def test_halation_is_red_and_scales_with_output_size():
    def halo_width(n):
        img = np.zeros((n, n, 3), np.float32)
        c = n // 2
        img[c - n // 16: c + n // 16, c - n // 16: c + n // 16] = 1
        out = looks.halation(img, strength=0.5)
        prof = out[c, c + n // 16:, 0] - out[c, c + n // 16:, 2]
        assert prof[2] > 0.02
        return int(np.argmax(prof < 0.5 * prof[1]))

    assert halo_width(512) / halo_width(256) == pytest.approx(2.0, rel=0.25)


def test_vignette_leak_dust():
    img = np.full((128, 192, 3), 0.4, np.float32)
    v = looks.vignette(img, amount=1.0)
    lin = srgb_to_linear(v, exact=True)
    assert lin[0, 0, 0] / lin[64, 96, 0] == pytest.approx(0.5, rel=0.1)   # one stop in the corner
    leak = looks.light_leak(img, seed=1) - img
    assert leak[..., 0].sum() > leak[..., 2].sum() > -1e-3                # warm
    d = looks.dust_and_scratches(img, amount=4, seed=1)
    assert (d > img + 0.1).any() and not (d < img - 0.01).any()          # negative: white specks
    s = looks.dust_and_scratches(img, amount=4, negative=False, seed=1)
    assert (s < img - 0.1).any()                                          # slide: dark specks


def test_chromatic_aberration_and_weave_keep_shape():
    img = np.random.default_rng(0).random((64, 80, 3)).astype(np.float32)
    ca = looks.chromatic_aberration(img, amount=0.01)
    np.testing.assert_array_equal(ca[..., 1], img[..., 1])
    assert not np.array_equal(ca[..., 0], img[..., 0])
    assert looks.gate_weave(img, seed=1).shape == img.shape
    assert looks.softness(img, mtf50_lp_mm=0.5).std() < img.std()


# ---------------------------------------------------------------- instant film


@pytest.mark.parametrize("name", ["600", "sx-70", "go", "instax-mini", "instax-wide"])
def test_instant_frames_have_real_proportions(name, astro):
    fmt = get_frame(name)
    card = looks.instant_frame(astro, name, image_px=400, seed=0)
    ppm = 400 / fmt.image_w
    assert card.shape[1] == round(fmt.card_w * ppm)
    assert card.shape[0] == round(fmt.card_h * ppm)
    # the border below the picture is the card colour, and the wide one (pod edge) is at the bottom
    bottom = card[-3, card.shape[1] // 2]
    np.testing.assert_allclose(bottom, fmt.card_color, atol=0.05)
    assert (fmt.card_h - fmt.image_h - fmt.top) > fmt.top
    # lifted blacks: a black input does not print black
    black = looks.instant_frame(np.zeros((64, 64, 3), np.float32), name, image_px=64, chemistry=0)
    mid = black[round(fmt.top * 64 / fmt.image_w) + 20, black.shape[1] // 2]
    assert 0.05 < mid.mean() < 0.35


def test_instant_caption_only_in_bottom_border(astro):
    a = looks.instant_frame(astro, "600", image_px=300, seed=1)
    b = looks.instant_frame(astro, "600", image_px=300, caption="Mum, 1987", seed=1)
    changed = np.argwhere(np.abs(a - b).max(axis=2) > 0.02)
    fmt = get_frame("600")
    assert len(changed) > 50
    assert changed[:, 0].min() > (fmt.top + fmt.image_h) * 300 / fmt.image_w


def test_unknown_frame_is_user_error(astro):
    with pytest.raises(CandidError):
        looks.instant_frame(astro, "instax-square-xl")


def test_double_exposure_adds_light():
    a = np.full((32, 32, 3), 0.3, np.float32)
    b = np.zeros((50, 70, 3), np.float32)
    b[:, :35] = 0.8
    out = looks.double_exposure(a, b)
    assert out.shape == a.shape
    assert out[:, :10].mean() < out[:, -10:].mean() or out[:, -10:].mean() < out[:, :10].mean()
    assert out.max() < 1.0                     # rolled off, not clipped
    np.testing.assert_allclose(looks.double_exposure(a, a), a, atol=0.02)   # 2 half exposures = 1 full


# ---------------------------------------------------------------- glitch


def test_glitch_parts(astro):
    for fn in (looks.pixel_sort, looks.channel_shift, looks.jpeg_blocks, looks.scanlines):
        out = fn(astro, seed=2)
        assert out.shape == astro.shape and out.dtype == np.float32
        assert not np.array_equal(out, astro)
        assert fn(astro, seed=2).tobytes() == out.tobytes()
    v = looks.pixel_sort(astro, lo=0, hi=1, vertical=True)
    lum = v @ np.float32([0.2126, 0.7152, 0.0722])
    assert (np.diff(lum, axis=0) >= -1e-6).all()


def test_glitch_options_are_the_one_place_of_its_settings(astro):
    from candid.looks.glitch import glitch_inplace
    from candid.looks.stage import glitch_operation, glitch_stage
    from candid.portrait import Portrait

    o = looks.GlitchOptions.at(0.8, seed=5)
    assert o.settings() == {"sort": 0.4, "shift": 0.012 * 0.8, "blocks": 0.06 * 0.8, "lines": 0.25 * 0.8, "seed": 5}
    small = astro[::4, ::4].copy()
    by_options, by_keywords = looks.glitch(small, options=o), looks.glitch(small, **o.settings())
    assert by_options.tobytes() == by_keywords.tobytes()
    assert not np.array_equal(by_options, small)
    u8 = np.rint(small * 255).astype(np.uint8)
    assert glitch_inplace(u8.copy(), options=o).tobytes() == glitch_inplace(u8.copy(), **o.settings()).tobytes()
    # the stage logs exactly the settings it ran with, and its defaults are the model's
    assert glitch_stage(Portrait(small), options=o).log[-1].params == o.settings()
    assert glitch_operation().params == looks.GlitchOptions().settings()
    for bad, word in (({"sort": 1.5}, "sort"), ({"sead": 1}, "sead"), ({"seed": True}, "bool")):
        with pytest.raises(CandidError, match=word):
            looks.glitch(small, **bad)
    with pytest.raises(CandidError, match="intensity"):
        looks.GlitchOptions.at(1.2)


# ---------------------------------------------------------------- stage, recipe, CLI


def test_look_stage_and_recipe(astro):
    from candid.looks.stage import look_stage
    from candid.portrait import Portrait
    from candid.recipes import Recipe, Step, run_recipe

    p = Portrait(astro, face="FACE")
    q = run_recipe(Recipe(name="film", steps=[Step(stage="looks.film", params={"stock": "portra-160", "seed": 3}),
                                              Step(stage="looks.glitch", params={"seed": 1})]), p)
    assert [op.stage for op in q.log] == ["looks.film", "looks.glitch"]
    assert q.log[0].params["stock"] == "portra-160"
    assert q.pixels.dtype == np.float32 and p.pixels is astro
    film_only = look_stage(p, stock="ektar-100")
    assert film_only.face == "FACE"                         # colour-only: face kept
    framed = look_stage(p, frame="instax-mini")
    assert framed.face is None and framed.pixels.shape != astro.shape


def test_cli_look_writes_and_errors(tmp_path, astro):
    from candid.cli import main
    from candid.imageio import read_image, write_image

    src = write_image(tmp_path / "in.png", astro)
    out = tmp_path / "out.png"
    assert main(["look", str(src), "--stock", "hp5-plus", "--seed", "2", "--out", str(out)]) == 0
    assert read_image(out).pixels.shape == astro.shape

    bad = tmp_path / "bad.png"
    rc = main(["look", str(src), "--stock", "portra-9000", "--out", str(bad)])
    assert rc != 0 and not bad.exists()
    rc = main(["look", str(src), "--frame", "polaroid-xl", "--out", str(bad)])
    assert rc != 0 and not bad.exists()
    rc = main(["look", str(tmp_path / "missing.jpg"), "--out", str(bad)])
    assert rc != 0 and not bad.exists()
    assert list(tmp_path.glob("*.part")) == [] and list(tmp_path.glob(".*")) == []

    framed = tmp_path / "sx.png"
    assert main(["look", str(src), "--frame", "sx-70", "--caption", "hi", "--glitch", "0.5",
                 "--double", str(src), "--out", str(framed)]) == 0
    h, w = read_image(framed).pixels.shape[:2]
    assert h / w == pytest.approx(107 / 88, rel=0.02)
    assert main(["look", "--list"]) == 0
    mf = tmp_path / "mf.tif"
    assert main(["look", str(src), "--stock", "portra-800", "--iso", "1600", "--format", "120", "--leak", "0.5",
                 "--dust", "1", "--bit-depth", "16", "--out", str(mf)]) == 0
    assert read_image(mf).header.bit_depth == 16


# ---- streamed 8K path (issue 26) ----

@pytest.mark.parametrize("stock, kw", [
    ("portra-400", {}),
    ("tri-x-400", {"exposure": -1.0}),
    ("velvia-50", {"vignette": 0.8}),
    ("cinestill-800t", {"bloom": 0.4, "light_leak": 0.6, "burn": True, "iso": 1600}),
    (None, {"vignette": 0.5}),
])
def test_render_look_matches_apply_look(astro, stock, kw):
    from candid.looks.stream import render_look

    u8 = np.rint(astro * 255).astype(np.uint8)
    ref = np.rint(looks.apply_look(u8.astype(np.float32) / 255, stock, seed=4, **kw) * 255)
    out = render_look(u8, stock, seed=4, **kw)
    diff = np.abs(out.astype(np.float32) - ref)
    assert out.dtype == np.uint8 and diff.max() <= 1 and diff.mean() < 0.01
    # bands and threads never change a pixel (grain from global coordinates)
    again = render_look(u8, stock, seed=4, workers=3, band_rows=37, **kw)
    assert np.array_equal(out, again)
    other_seed = render_look(u8, stock, seed=5, **kw)
    assert stock is None or not np.array_equal(out, other_seed)


def test_render_look_sixteen_bit_ramp():
    """A 16-bit input ramp comes out 16-bit, monotone and smooth (no 8-bit steps)."""
    from candid.looks.stream import render_look

    ramp = np.repeat(np.linspace(0, 65535, 4096).astype(np.uint16)[None, :, None], 8, 0).repeat(3, 2)
    out = render_look(ramp, "portra-400", grain=False, bit_depth=16)
    row = out[4, :, 1].astype(np.int64)
    assert out.dtype == np.uint16 and np.all(np.diff(row) >= 0)
    assert len(np.unique(row)) > 2000


def test_render_look_validates():
    from candid.looks.stream import render_look

    with pytest.raises(ValueError):
        render_look(np.zeros((8, 8, 3), np.float32))
    with pytest.raises(ValueError):
        render_look(np.zeros((8, 8, 3), np.uint8), bit_depth=12)
    with pytest.raises(CandidError):
        render_look(np.zeros((8, 8, 3), np.uint8), "portra-9000")


def test_curve_table_is_close_to_the_function():
    from candid.looks.film import characteristic_curve
    from candid.looks.stream import CurveTable

    x = np.linspace(-6, 3, 10001, dtype=np.float32).reshape(1, -1)
    f = lambda v: characteristic_curve(v, gamma=0.6, dmin=0.2, dmax=2.6, log_toe=-2.0)  # noqa: E731
    assert np.abs(CurveTable(f, -7, 4)(x) - f(x)).max() < 1e-4


def test_glitch_inplace_matches_glitch(astro):
    from candid.looks.glitch import glitch_inplace

    u8 = np.rint(astro * 255).astype(np.uint8)
    kw = dict(sort=0.5, shift=0.012, blocks=0.06, lines=0.25, seed=7)
    ref = np.rint(looks.glitch(u8.astype(np.float32) / 255, **kw) * 255)
    work = u8.copy()
    out = glitch_inplace(work, **kw)
    assert out is work
    assert np.abs(out - ref).max() <= 1


def test_cli_look_same_pixels_every_time(tmp_path, astro, monkeypatch):
    """Two runs of the same `candid look` decode to identical pixels (watermark id from content + settings)."""
    from candid.cli import main
    from candid.imageio import read_image, write_image
    from candid.provenance import verify
    from candid.provenance.xmp import read_xmp

    src = write_image(tmp_path / "in.png", np.ascontiguousarray(np.tile(astro, (2, 2, 1))))  # 512 px: watermarked
    outs = []
    for i in range(2):
        outs.append(tmp_path / f"o{i}.png")
        assert main(["look", str(src), "--stock", "portra-400", "--glitch", "0.3", "--seed", "3",
                     "--out", str(outs[-1])]) == 0
    a, b = (read_image(p).pixels for p in outs)
    assert np.array_equal(a, b)
    v = verify(outs[0])
    assert v.watermark_id is not None and v.watermark_id == read_xmp(outs[1]).watermark_id
    # SOURCE_DATE_EPOCH stamps the log, like batch --timestamp
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    stamped = tmp_path / "stamped.png"
    assert main(["look", str(src), "--stock", "tri-x-400", "--out", str(stamped)]) == 0
    assert b"2023-11-14T22:13:20+00:00" in stamped.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    assert main(["look", str(src), "--out", str(tmp_path / "never.png")]) != 0
    assert not (tmp_path / "never.png").exists()


def test_look_options_are_one_model():
    """apply_look, render_look, the stage and the recipe check all read LookOptions: one error for a typo."""
    from candid.looks.options import LookOptions
    from candid.looks.stage import film_operation, look_stage
    from candid.looks.stream import render_look
    from candid.portrait import Portrait
    from candid.recipes import Step, check_step_params

    img = np.full((24, 24, 3), 0.5, np.float32)
    with pytest.raises(CandidError, match="unknown setting 'vignete'"):
        looks.apply_look(img, "portra-400", vignete=0.5)
    with pytest.raises(CandidError, match="unknown setting 'vignete'"):
        check_step_params(Step(stage="looks.film", params={"vignete": 0.5}))
    with pytest.raises(CandidError, match="dust"):
        render_look(np.zeros((24, 24, 3), np.uint8), dust=1.0)
    # options= and keywords give the same pixels and the same log entry
    o = LookOptions(vignette=0.4, seed=5)
    assert np.array_equal(looks.apply_look(img, "tri-x-400", options=o),
                          looks.apply_look(img, "tri-x-400", vignette=0.4, seed=5))
    stage = look_stage(Portrait(img), stock="tri-x-400", options=o).log[-1]
    assert stage.params == film_operation(stock="tri-x-400", vignette=0.4, seed=5).params
    assert stage.params["vignette"] == 0.4 and "version" not in stage.params
