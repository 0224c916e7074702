"""The streamed look's write path: the parallel PNG encoder and label_array (issue 26)."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candid.imageio.pngstream import adler32_combine, deflate_rows, write_png_array


def _decode(path):
    import pyvips

    return pyvips.Image.new_from_file(str(path), fail_on="warning").numpy()


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_png_roundtrip_is_lossless_and_the_same_for_any_threads(tmp_path, dtype):
    rng = np.random.default_rng(1)
    img = rng.integers(0, np.iinfo(dtype).max + 1, (203, 77, 3), dtype=dtype)
    a = write_png_array(tmp_path / "a.png", img, workers=1, band_rows=64)
    b = write_png_array(tmp_path / "b.png", img, workers=3, band_rows=64)
    back = _decode(a)
    assert back.dtype == dtype and np.array_equal(back, img)
    assert a.read_bytes() == b.read_bytes()          # same bytes whatever the thread count
    # also readable by a second decoder (OpenCV uses libpng, not libvips' spng)
    import cv2

    assert np.array_equal(cv2.imread(str(a), cv2.IMREAD_UNCHANGED)[..., ::-1], img)


def test_png_patch_replaces_pixels_without_touching_the_input(tmp_path):
    img = np.zeros((130, 90, 3), np.uint8)
    block = np.full((50, 20, 3), 200, np.uint8)
    before = img.copy()
    p = write_png_array(tmp_path / "p.png", img, patch=(40, 30, block), band_rows=16, workers=2)
    back = _decode(p)
    expected = img.copy()
    expected[40:90, 30:50] = 200
    assert np.array_equal(back, expected) and np.array_equal(img, before)
    with pytest.raises(ValueError):
        write_png_array(tmp_path / "bad.png", img, patch=(120, 0, block))


def test_png_carries_xmp_and_profile(tmp_path):
    import pyvips

    from candid.imageio import srgb_icc_profile
    from candid.provenance.xmp import read_xmp, xmp_packet
    from candid.portrait import Operation

    xmp = xmp_packet([Operation("looks.film", params={"stock": "portra-400"}, ai="edited")], None, "0badcafe")
    p = write_png_array(tmp_path / "x.png", np.zeros((40, 40, 3), np.uint8), xmp=xmp, icc=srgb_icc_profile(), dpi=300)
    assert read_xmp(p).watermark_id == "0badcafe"
    im = pyvips.Image.new_from_file(str(p))
    assert im.get("icc-profile-data") == srgb_icc_profile()
    assert im.xres == pytest.approx(300 / 25.4, rel=1e-3)


@settings(max_examples=30, deadline=None)
@given(a=st.binary(max_size=300), b=st.binary(max_size=300))
def test_adler32_combine_matches_zlib(a, b):
    assert adler32_combine(zlib.adler32(a), zlib.adler32(b), len(b)) == zlib.adler32(a + b)


def test_deflate_bands_concatenate_to_one_stream():
    rows = np.random.default_rng(2).integers(0, 256, (10, 33, 3), dtype=np.uint8)
    parts = [deflate_rows(rows[i:i + 3]) for i in range(0, 10, 3)]
    raw = zlib.decompress(b"".join(p[0] for p in parts) + b"\x03\x00", -15)
    assert len(raw) == sum(p[2] for p in parts) == 10 * (1 + 33 * 3)


def test_label_array_is_verified_and_deterministic(tmp_path):
    from skimage.data import astronaut

    from candid.portrait import Operation
    from candid.provenance import dev_signer, label_array, verify

    img = np.ascontiguousarray(astronaut())
    before = img.copy()
    log = [Operation("looks.film", params={"stock": "tri-x-400"}, ai="edited")]
    p1, w1 = label_array(img, tmp_path / "a.png", log, signer=dev_signer())
    p2, w2 = label_array(img, tmp_path / "b.png", log, signer=dev_signer())
    v = verify(p1)
    assert w1 == w2 and v.watermark_id == w1 and v.c2pa.status in ("valid", "trusted")
    assert np.array_equal(_decode(p1), _decode(p2))
    assert np.array_equal(img, before)                        # the array is never changed
    assert np.abs(_decode(p1).astype(int) - img).max() <= 3   # the mark is invisible
    # other formats go through libvips
    pj, wj = label_array(img, tmp_path / "c.jpg", log)
    assert verify(pj).watermark_id == wj
