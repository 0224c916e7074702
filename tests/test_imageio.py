import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from candid.errors import BadImageError, CandidError, ImageTooLargeError
from candid.imageio import read_header, read_image, sniff_format, write_image


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".tif", ".webp", ".avif"])
def test_roundtrip_formats(tmp_path, astronaut, suffix):
    path = write_image(tmp_path / f"a{suffix}", astronaut)
    loaded = read_image(path)
    assert loaded.pixels.dtype == np.float32 and loaded.pixels.shape == astronaut.shape
    lossless = suffix in (".png", ".tif")
    assert np.abs(loaded.pixels - astronaut).mean() < (1e-6 if lossless else 0.02)


@pytest.mark.parametrize("suffix", [".png", ".tif"])
def test_sixteen_bit_is_kept(tmp_path, suffix):
    ramp = np.repeat(np.linspace(0, 1, 4096, dtype=np.float32)[None, :, None], 8, axis=0).repeat(3, axis=2)
    path = write_image(tmp_path / f"ramp{suffix}", ramp, bit_depth=16)
    loaded = read_image(path)
    assert loaded.header.bit_depth == 16
    # 4096 distinct levels survive: an 8-bit path would collapse them to 256.
    assert len(np.unique(loaded.pixels[0, :, 0])) == 4096
    assert np.abs(loaded.pixels - ramp).max() <= 1 / 65535 + 1e-7


def test_palette_rgba_grey_cmyk(tmp_path, astronaut):
    rgb = Image.fromarray((astronaut * 255).astype(np.uint8))
    rgb.convert("P").save(tmp_path / "p.png")
    rgb.convert("RGBA").save(tmp_path / "rgba.png")
    rgb.convert("L").save(tmp_path / "grey.jpg")
    rgb.convert("CMYK").save(tmp_path / "cmyk.jpg")
    rgb.convert("CMYK").save(tmp_path / "cmyk.tif")
    assert read_image(tmp_path / "p.png").pixels.shape == (512, 512, 3)
    rgba = read_image(tmp_path / "rgba.png")
    assert rgba.alpha is not None and rgba.alpha.min() == 1.0
    grey = read_image(tmp_path / "grey.jpg").pixels
    assert np.allclose(grey[..., 0], grey[..., 1]) and np.allclose(grey[..., 1], grey[..., 2])
    for name in ("cmyk.jpg", "cmyk.tif"):
        cmyk = read_image(tmp_path / name)
        assert "CMYK" in " ".join(cmyk.notes)
        # A colour-managed conversion is not PIL's naive one, but the picture is the same picture.
        assert np.corrcoef(cmyk.pixels.ravel(), astronaut.ravel())[0, 1] > 0.95


@pytest.mark.parametrize("orientation,undo", [(3, 2), (6, 1), (8, 3)])
def test_exif_orientation_applied(tmp_path, astronaut, orientation, undo):
    img = Image.fromarray((astronaut * 255).astype(np.uint8))
    # Store the pixels rotated and say so in EXIF; reading must undo it.
    stored = img.transpose({1: Image.Transpose.ROTATE_90, 2: Image.Transpose.ROTATE_180,
                            3: Image.Transpose.ROTATE_270}[undo])
    exif = stored.getexif()
    exif[0x0112] = orientation
    stored.save(tmp_path / "rot.jpg", exif=exif, quality=95)
    loaded = read_image(tmp_path / "rot.jpg")
    assert any("orientation" in n for n in loaded.notes)
    assert np.abs(loaded.pixels - astronaut).mean() < 0.03


def test_format_is_sniffed_not_taken_from_name(tmp_path, astronaut):
    write_image(tmp_path / "real.png", astronaut)
    os.rename(tmp_path / "real.png", tmp_path / "lies.jpg")
    assert read_image(tmp_path / "lies.jpg").header.format == "png"
    assert sniff_format(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert sniff_format(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1") == "avif"
    assert sniff_format(b"<svg xmlns=") is None


def _png_bomb(path: Path, width: int, height: int) -> None:
    """A valid 1-bit PNG of width x height that compresses to ~100 KB."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    row = b"\x00" + bytes((width + 7) // 8)
    comp = zlib.compressobj(9)
    body = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def test_decompression_bomb_refused_before_decoding(tmp_path):
    bomb = tmp_path / "bomb.png"
    _png_bomb(bomb, 30000, 30000)
    assert bomb.stat().st_size < 2_000_000
    with pytest.raises(ImageTooLargeError, match="900 megapixels"):
        read_image(bomb)
    assert read_header(bomb).width == 30000  # the header alone is fine to read


def test_bad_files_raise_clear_errors(tmp_path, astronaut):
    (tmp_path / "empty.jpg").write_bytes(b"")
    (tmp_path / "text.png").write_text("not an image at all")
    good = write_image(tmp_path / "good.jpg", astronaut).read_bytes()
    (tmp_path / "trunc.jpg").write_bytes(good[: len(good) // 2])
    (tmp_path / "garbage.jpg").write_bytes(good[:200] + os.urandom(4000))
    cases = {"empty.jpg": "empty", "text.png": "not an image", "trunc.jpg": "corrupt or truncated",
             "missing.jpg": "no such file", "garbage.jpg": "cannot decode|corrupt"}
    for name, words in cases.items():
        with pytest.raises(BadImageError, match=words):
            read_image(tmp_path / name)
    with pytest.raises(BadImageError, match="not a regular file"):
        read_image(tmp_path)
    with pytest.raises(ImageTooLargeError, match="MiB"):
        read_image(tmp_path / "good.jpg", max_bytes=1000)


def test_write_is_atomic(tmp_path, astronaut, monkeypatch):
    import pyvips

    target = tmp_path / "out.png"
    write_image(target, astronaut)
    before = target.read_bytes()

    def broken(self, *args, **kwargs):
        raise pyvips.Error("disk full")

    monkeypatch.setattr(pyvips.Image, "pngsave", broken)
    with pytest.raises(CandidError, match="could not write"):
        write_image(target, astronaut * 0.5)
    assert target.read_bytes() == before  # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]  # no temp file left


def test_output_has_srgb_profile_and_no_other_metadata(tmp_path, astronaut):
    img = Image.fromarray((astronaut * 255).astype(np.uint8))
    exif = img.getexif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0xA431] = "SN-123456"  # BodySerialNumber
    img.save(tmp_path / "in.jpg", exif=exif)
    out = write_image(tmp_path / "out.jpg", read_image(tmp_path / "in.jpg").pixels)
    data = out.read_bytes()
    assert b"SecretCam" not in data and b"SN-123456" not in data
    assert Image.open(out).info.get("icc_profile")


def test_unknown_output_suffix(tmp_path, astronaut):
    with pytest.raises(CandidError, match="cannot write"):
        write_image(tmp_path / "x.bmp", astronaut)
    assert not list(tmp_path.iterdir())


@settings(max_examples=25, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(1, 24), st.integers(1, 24), st.just(3)),
              elements=st.floats(0, 1, width=32)))
def test_png16_roundtrip_property(tmp_path_factory, img):
    path = write_image(tmp_path_factory.mktemp("h") / "x.png", img, bit_depth=16)
    back = read_image(path).pixels
    assert back.shape == img.shape and back.dtype == np.float32
    assert np.abs(back - img).max() <= 0.5 / 65535 + 1e-6
