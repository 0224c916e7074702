"""Hostile input: fuzz the decoders, the provenance readers and the inspector.

Every failure must be a :class:`candid.errors.CandidError` (a message the user
can act on), never another exception and never a hang; bombs and huge header
dimensions must be refused before any pixel is decoded.
"""

from __future__ import annotations

import io
import os
import struct
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
import pyvips
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from candid.errors import BadImageError, CandidError, ImageTooLargeError
from candid.imageio import read_header, read_image, write_image

FUZZ = settings(max_examples=40, deadline=5000, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _small_image(h=20, w=24) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w]
    return np.dstack([x / w, y / h, (x + y) % 5 / 4]).astype(np.float32)


def _encode(fmt: str) -> bytes:
    px = (_small_image() * 255).astype(np.uint8)
    buf = io.BytesIO()
    if fmt == "png16":
        image = pyvips.Image.new_from_array((_small_image() * 65535).astype(np.uint16), interpretation="rgb16")
        return image.pngsave_buffer()
    if fmt == "tiff":
        return pyvips.Image.new_from_array(px, interpretation="srgb").tiffsave_buffer(compression="deflate")
    pil_fmt = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF"}[fmt]
    Image.fromarray(px).save(buf, pil_fmt)
    return buf.getvalue()


SAMPLES = {fmt: _encode(fmt) for fmt in ("jpeg", "png", "png16", "tiff", "webp", "gif")}


def _read_bytes(tmp_path: Path, data: bytes, name: str = "f.img", **kw):
    path = tmp_path / name
    path.write_bytes(data)
    t0 = time.perf_counter()
    try:
        return read_image(path, **kw)
    except CandidError:
        return None
    finally:
        assert time.perf_counter() - t0 < 5, "decoder took too long (hang?)"


def test_samples_decode(tmp_path):
    for fmt, data in SAMPLES.items():
        img = _read_bytes(tmp_path, data)
        assert img is not None and img.pixels.shape == (20, 24, 3), fmt


@FUZZ
@given(fmt=st.sampled_from(sorted(SAMPLES)), frac=st.floats(0.0, 0.999))
def test_truncated_files(tmp_path, fmt, frac):
    data = SAMPLES[fmt]
    _read_bytes(tmp_path, data[: int(len(data) * frac)])


@FUZZ
@given(fmt=st.sampled_from(sorted(SAMPLES)),
       flips=st.lists(st.tuples(st.floats(0, 0.999), st.integers(0, 255)), min_size=1, max_size=12))
def test_mutated_files(tmp_path, fmt, flips):
    data = bytearray(SAMPLES[fmt])
    for where, value in flips:
        data[int(where * len(data))] = value
    img = _read_bytes(tmp_path, bytes(data))
    if img is not None:
        assert img.pixels.dtype == np.float32 and np.isfinite(img.pixels).all()
        assert img.pixels.min() >= 0 and img.pixels.max() <= 1


@FUZZ
@given(magic=st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*", b"GIF89a",
                              b"RIFF\x10\x00\x00\x00WEBP", b"\x00\x00\x00\x18ftypheic", b"\x00\x00\x00\x18ftypavif"]),
       tail=st.binary(max_size=400))
def test_random_bytes_behind_magic(tmp_path, magic, tail):
    _read_bytes(tmp_path, magic + tail)


def _png(width: int, height: int, idat: bytes, *, color_type: int = 2, depth: int = 8) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_png_bomb_refused_before_decoding(tmp_path):
    # 30000 x 30000 RGB: 2.7 GB of pixels; the file holds a few deflated rows only.
    rows = zlib.compressobj(9)
    idat = rows.compress(b"\x00" * (1 + 3 * 30000) * 8) + rows.flush(zlib.Z_SYNC_FLUSH)
    path = tmp_path / "bomb.png"
    path.write_bytes(_png(30000, 30000, idat))
    assert path.stat().st_size < 10_000
    t0 = time.perf_counter()
    with pytest.raises(ImageTooLargeError):
        read_image(path)
    assert time.perf_counter() - t0 < 2
    assert read_header(path).width == 30000  # the header alone is fine to read


def test_real_deflate_bomb_under_a_low_limit(tmp_path):
    # a complete, valid 4000 x 4000 all-black PNG in ~50 kB: refused by a 1 MP limit
    w = h = 4000
    comp = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * w)
    idat = b"".join(comp.compress(row) for _ in range(h)) + comp.flush()
    path = tmp_path / "deflate-bomb.png"
    path.write_bytes(_png(w, h, idat))
    assert path.stat().st_size < 200_000
    with pytest.raises(ImageTooLargeError):
        read_image(path, max_pixels=1_000_000)


@FUZZ
@given(width=st.integers(1, 2**31 - 1), height=st.integers(1, 2**31 - 1),
       color_type=st.sampled_from([0, 2, 3, 4, 6]), depth=st.sampled_from([1, 8, 16]))
def test_png_header_dimensions(tmp_path, width, height, color_type, depth):
    idat = zlib.compress(b"\x00" * 64)
    path = tmp_path / "h.png"
    path.write_bytes(_png(width, height, idat, color_type=color_type, depth=depth))
    t0 = time.perf_counter()
    try:
        read_image(path, max_pixels=4096)
    except ImageTooLargeError:
        assert width * height > 4096
    except CandidError:
        pass
    assert time.perf_counter() - t0 < 5


def _patch_jpeg_size(data: bytes, width: int, height: int) -> bytes:
    i = data.index(b"\xff\xc0")
    return data[: i + 5] + struct.pack(">HH", height, width) + data[i + 9 :]


@pytest.mark.parametrize("size", [(65535, 65535), (65000, 1), (1, 65000), (30000, 30000)])
def test_jpeg_huge_dimensions_in_header(tmp_path, size):
    data = _patch_jpeg_size(SAMPLES["jpeg"], *size)
    path = tmp_path / "huge.jpg"
    path.write_bytes(data)
    t0 = time.perf_counter()
    if size[0] * size[1] > 1_000_000:
        # over the limit: refused before decoding (libjpeg itself refuses sides over 65500)
        with pytest.raises(CandidError):
            read_image(path, max_pixels=1_000_000)
    else:  # within limits, the pixels are simply wrong: decoded or refused, never a crash
        _read_bytes(tmp_path, data, max_pixels=1_000_000)
    assert time.perf_counter() - t0 < 5


def test_gif_and_tiff_huge_dimensions(tmp_path):
    gif = bytearray(SAMPLES["gif"])
    gif[6:10] = struct.pack("<HH", 65535, 65535)  # logical screen
    frame = gif.index(b"\x2c\x00\x00\x00\x00")
    gif[frame + 5 : frame + 9] = struct.pack("<HH", 65535, 65535)  # first frame
    gif_path = tmp_path / "huge.gif"
    gif_path.write_bytes(bytes(gif))
    with pytest.raises(ImageTooLargeError):
        read_image(gif_path, max_pixels=1_000_000)
    big = pyvips.Image.black(5000, 5000).tiffsave_buffer(compression="deflate")
    tif = tmp_path / "big.tif"
    tif.write_bytes(big)
    with pytest.raises(ImageTooLargeError):
        read_image(tif, max_pixels=1_000_000)


def test_file_size_limit_and_non_files(tmp_path):
    path = tmp_path / "a.png"
    path.write_bytes(SAMPLES["png"])
    with pytest.raises(ImageTooLargeError):
        read_image(path, max_bytes=len(SAMPLES["png"]) - 1)
    with pytest.raises(BadImageError):
        read_image(tmp_path)  # a directory
    if os.path.exists("/dev/zero"):
        with pytest.raises(BadImageError):
            read_image("/dev/zero")  # endless stream: refused, not read
    fifo = tmp_path / "fifo.png"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
        with pytest.raises(BadImageError):
            read_image(fifo)  # would block forever if opened
    with pytest.raises(BadImageError):
        read_image(tmp_path / ".." / tmp_path.name / "missing.png")


def _jpeg_with_segment(marker: int, payload: bytes) -> bytes:
    data = SAMPLES["jpeg"]
    seg = struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload
    return data[:2] + seg + data[2:]


@FUZZ
@given(kind=st.sampled_from(["exif", "icc", "xmp", "com"]), body=st.binary(max_size=600),
       orientation=st.integers(0, 2**16 - 1))
def test_malformed_exif_icc_xmp(tmp_path, kind, body, orientation):
    if kind == "exif":
        tiff = b"II*\x00\x08\x00\x00\x00\x01\x00" + struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0) + body
        data = _jpeg_with_segment(0xE1, b"Exif\x00\x00" + tiff)
    elif kind == "icc":
        icc = struct.pack(">I", len(body) + 128) + b"lcms" + body.ljust(120, b"\0")[:120] + body
        data = _jpeg_with_segment(0xE2, b"ICC_PROFILE\x00\x01\x01" + icc)
    elif kind == "xmp":
        data = _jpeg_with_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>" + body)
    else:
        data = _jpeg_with_segment(0xFE, body)
    img = _read_bytes(tmp_path, data, "m.jpg")
    if img is not None:
        assert img.pixels.shape[2] == 3 and np.isfinite(img.pixels).all()


def test_png_with_garbage_icc_and_text(tmp_path):
    raw = SAMPLES["png"]
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    iccp = chunk(b"iCCP", b"icc\x00\x00" + zlib.compress(b"garbage profile" * 20))
    ztxt = chunk(b"zTXt", b"XML:com.adobe.xmp\x00\x00" + zlib.compress(b"<x:xmpmeta><<<" * 1000))
    data = raw[:33] + iccp + ztxt + raw[33:]
    _read_bytes(tmp_path, data, "g.png")


@pytest.mark.parametrize("name,data", [
    ("jpeg+zip", SAMPLES["jpeg"] + b"PK\x03\x04" + b"\x00" * 26 + b"evil.sh" + b"#!/bin/sh\nrm -rf /\n"),
    ("gif+js", b"GIF89a/*" + SAMPLES["gif"][8:] + b"*/=1;alert(1)//"),
    ("png+html", SAMPLES["png"] + b"<html><script>alert(1)</script></html>"),
    ("html-named-jpg", b"<html><body>not an image</body></html>"),
    ("pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n"),
    ("svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("empty", b""),
])
def test_polyglots_and_impostors(tmp_path, name, data):
    img = _read_bytes(tmp_path, data, "p.jpg")
    if name in ("html-named-jpg", "pdf", "svg", "empty"):
        assert img is None
    if img is not None:  # trailing data after a valid image is ignored, never executed or kept
        assert img.pixels.shape == (20, 24, 3)


def test_outputs_never_carry_trailing_polyglot_bytes(tmp_path):
    path = tmp_path / "poly.jpg"
    path.write_bytes(SAMPLES["jpeg"] + b"PK\x03\x04MALICIOUS-PAYLOAD")
    img = read_image(path)
    out = write_image(tmp_path / "clean.jpg", img.pixels)
    assert b"MALICIOUS-PAYLOAD" not in out.read_bytes()


# -- provenance readers on hostile files --------------------------------------

@pytest.fixture(scope="module")
def signed_jpeg(tmp_path_factory):
    from candid.portrait import Operation, Portrait
    from candid.provenance import dev_signer, label_and_write

    folder = tmp_path_factory.mktemp("signed")
    p = Portrait(_small_image(64, 64)).evolve(None, Operation("looks.grain"))
    return label_and_write(p, folder / "s.jpg", signer=dev_signer(folder / "certs")).read_bytes()


@settings(max_examples=25, deadline=10000, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.floats(0, 0.999), st.integers(0, 255)), min_size=1, max_size=6),
       cut=st.floats(0.3, 1.0))
def test_c2pa_and_xmp_readers_on_mutated_signed_file(tmp_path, signed_jpeg, flips, cut):
    from candid.provenance import read_c2pa, read_xmp

    data = bytearray(signed_jpeg)
    for where, value in flips:
        data[int(where * len(data))] = value
    path = tmp_path / "m.jpg"
    path.write_bytes(bytes(data[: max(4, int(len(data) * cut))]))
    info = read_c2pa(path)
    assert info.status in ("absent", "valid", "trusted", "invalid", "error")
    try:
        read_xmp(path)
    except CandidError:
        pass


def test_verify_cli_on_hostile_files(tmp_path, signed_jpeg):
    from candid.cli import main

    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png(30000, 30000, zlib.compress(b"\x00" * 100)))
    assert main(["verify", str(bomb)]) == 3
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(signed_jpeg[: len(signed_jpeg) // 2])
    assert main(["verify", str(cut)]) != 0  # truncated: unreadable, one clear error


@settings(max_examples=60, deadline=2000, derandomize=True)
@given(st.one_of(st.binary(max_size=500), st.text(max_size=300).map(lambda t: t.encode("utf-8")),
                 st.text(alphabet="<>/=\"'&;!x:mpetarDOCTYPENTIY ", max_size=300).map(
                     lambda t: ("<x:xmpmeta xmlns:x='adobe:ns:meta/'>" + t).encode())))
def test_xmp_parser_never_raises(data):
    from candid.provenance.xmp import find_xmp, parse_xmp

    packet = find_xmp(data) or data
    result = parse_xmp(packet)
    assert result is None or hasattr(result, "digital_source_type")


# -- the inspector ------------------------------------------------------------

@settings(max_examples=6, deadline=None, derandomize=True)
@given(h=st.integers(1, 48), w=st.integers(1, 48), kind=st.sampled_from(["zeros", "ones", "noise", "nan"]))
def test_inspector_survives_odd_images(h, w, kind):
    from candid.inspector import inspect_image

    rng = np.random.default_rng(h * 100 + w)
    px = {"zeros": np.zeros((h, w, 3)), "ones": np.ones((h, w, 3)), "noise": rng.random((h, w, 3)),
          "nan": np.full((h, w, 3), np.nan)}[kind].astype(np.float32)
    try:
        report = inspect_image(px, afar=False)
    except (CandidError, ValueError):
        return
    assert 0 <= report.overall <= 1
