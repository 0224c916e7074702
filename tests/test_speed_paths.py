"""The banded fast paths give the same numbers as the whole-image forms they replaced.

Planted known answers: the whole-image formula (quantise), the whole-image
watermark (band_marker), a loop over every grid offset (_best_offset) and the
serial glitch steps (glitch_inplace with one worker and other band sizes).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candid.imageio import quantise
from candid.looks.glitch import glitch_inplace
from candid.provenance import watermark as W


def _whole(x, peak):
    with np.errstate(over="ignore"):  # nan_to_num's +inf -> float max, times peak
        return np.clip(np.rint(np.nan_to_num(x, nan=0.0) * peak), 0, peak)


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 600), w=st.integers(1, 9), bit_depth=st.sampled_from([8, 16]), seed=st.integers(0, 99))
def test_quantise_equals_whole_image_formula(h, w, bit_depth, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-0.2, 1.2, (h, w, 3)).astype(np.float32)
    x.flat[rng.integers(0, x.size, 3)] = [np.nan, np.inf, -np.inf]
    peak = 65535.0 if bit_depth == 16 else 255.0
    q = quantise(x, bit_depth=bit_depth, workers=2)
    assert q.dtype == (np.uint16 if bit_depth == 16 else np.uint8)
    assert np.array_equal(q, _whole(x, peak).astype(q.dtype))


def test_quantise_alpha_and_rows_hook():
    rng = np.random.default_rng(1)
    x = rng.random((700, 40, 3)).astype(np.float32)
    a = rng.random((700, 40)).astype(np.float32)
    q = quantise(x, alpha=a, workers=2)
    assert q.shape == (700, 40, 4)
    assert np.array_equal(q[..., 3], _whole(a, 255.0).astype(np.uint8))
    seen = []
    q2 = quantise(x, rows=lambda r0, r1: seen.append(r0) or 1 - x[r0:r1], workers=1)
    assert seen == [0, 256, 512]
    assert np.array_equal(q2, _whole(1 - x, 255.0).astype(np.uint8))


def test_band_marker_concatenates_to_embed_watermark():
    rng = np.random.default_rng(2)
    img = rng.random((3 * 256 + 45, 400, 3)).astype(np.float32)
    whole = W.embed_watermark(img, "0badcafe")
    mark = W.band_marker(img, "0badcafe")
    h = img.shape[0]
    bands = np.concatenate([mark(r0, min(h, r0 + 64)) for r0 in range(0, h, 64)])
    assert np.array_equal(bands, whole)
    assert W.read_watermark(whole)[0] == "0badcafe"
    with pytest.raises(ValueError):
        mark(10, 64)  # not block-aligned


def _best_offset_loop(votes):
    """The reference: every offset in row-major order, as the reader did before vectorising."""
    h, w = votes.shape
    best = (-1.0, None)
    for oy in range(W.BLOCK):
        nby = (h - oy) // W.BLOCK
        for ox in range(W.BLOCK):
            nbx = (w - ox) // W.BLOCK
            if nby < 1 or nbx < 1:
                continue
            grid = votes[oy:oy + nby * W.BLOCK:W.BLOCK, ox:ox + nbx * W.BLOCK:W.BLOCK][:nby, :nbx]
            acc, cnt = np.zeros((W.TILE_ROWS, W.TILE_COLS)), np.zeros((W.TILE_ROWS, W.TILE_COLS))
            rr, cc = np.arange(nby) % W.TILE_ROWS, np.arange(nbx) % W.TILE_COLS
            np.add.at(acc, (rr[:, None], cc[None, :]), grid)
            np.add.at(cnt, (rr[:, None], cc[None, :]), 1.0)
            mean = acc / np.maximum(cnt, 1)
            score = float(np.mean(np.abs(mean)[cnt > 0]))
            if score > best[0]:
                best = (score, mean)
    return best


@pytest.mark.parametrize("shape", [(256, 320), (300, 401), (333, 650), (40, 50)])
def test_best_offset_matches_the_loop(shape):
    votes = np.random.default_rng(sum(shape)).standard_normal(shape)
    votes[7::32, 19::32] += 3.0  # a planted grid at offset (7, 19)
    got, want = W._best_offset(votes), _best_offset_loop(votes)
    assert got[0] == pytest.approx(want[0], abs=1e-12)
    assert np.allclose(got[1], want[1], atol=1e-12)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_glitch_inplace_same_for_any_workers_and_bands(dtype):
    rng = np.random.default_rng(3)
    img = rng.integers(0, np.iinfo(dtype).max, (301, 517, 3), dtype=dtype)
    kw = dict(sort=0.3, shift=0.05, blocks=0.5, lines=0.2, seed=5)
    a = glitch_inplace(img.copy(), workers=1, band_rows=256, **kw)
    b = glitch_inplace(img.copy(), workers=2, band_rows=7, **kw)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, img)


def test_glitch_inplace_shift_is_a_roll():
    img = np.random.default_rng(4).integers(0, 256, (97, 131, 3), dtype=np.uint8)
    out = glitch_inplace(img.copy(), sort=0, shift=0.2, blocks=0, lines=0, seed=1, band_rows=10, workers=2)
    rng = np.random.default_rng([1, 29])
    for c in (0, 2):
        dx = int(round(rng.uniform(-1, 1) * 0.2 * 131))
        dy = int(round(rng.uniform(-0.3, 0.3) * 0.2 * 97))
        assert np.array_equal(out[..., c], np.roll(img[..., c], (dy, dx), axis=(0, 1)))
    assert np.array_equal(out[..., 1], img[..., 1])


@pytest.mark.parametrize("factor, scale", [(1.0, 1.0), (0.5, 2.0), (0.8, 1.25)])
def test_reader_finds_the_scale_in_order(factor, scale):
    import cv2
    from skimage.data import astronaut

    img = cv2.resize(astronaut(), (900, 900)).astype(np.float32) / 255
    marked = W.embed_watermark(img, "00c0ffee")
    if factor != 1.0:
        marked = cv2.resize(marked, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    r = W.read_watermark_details(marked)
    assert (r.id, r.scale) == ("00c0ffee", scale)
    assert W.read_watermark_details(img).id is None
