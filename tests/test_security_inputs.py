"""Issue 23: size checks from the header only (HEIC too) at every front door; errors name the file, never a server path."""

from __future__ import annotations

import io

import numpy as np
import pytest

from candid.cli import main
from candid.errors import BadImageError, ImageTooLargeError
from candid.imageio import read_header, read_image, write_image


@pytest.fixture()
def heic(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    y, x = np.mgrid[0:64, 0:96]
    px = (np.dstack([x / 96, y / 64, (x + y) % 7 / 6]) * 255).astype(np.uint8)
    path = tmp_path / "x.heic"
    pillow_heif.from_bytes(mode="RGB", size=(96, 64), data=px.tobytes()).save(str(path), quality=80)
    return path


@pytest.fixture()
def no_heic_decoding(monkeypatch):
    """Make any HEIC pixel decode fail loudly, so a test proves only the header was read."""
    import pillow_heif

    def boom(self):
        raise AssertionError("HEIC pixels were decoded")

    monkeypatch.setattr(pillow_heif.HeifFile, "__array_interface__", property(boom))


def test_heic_header_is_read_without_decoding(heic, no_heic_decoding):
    h = read_header(heic)
    assert (h.width, h.height, h.format) == (96, 64, "heif")
    with pytest.raises(ImageTooLargeError):
        read_header(heic, max_pixels=1000)
    with pytest.raises(ImageTooLargeError):
        read_image(heic, max_pixels=1000)  # refused before any pixel is decoded
    with pytest.raises(BadImageError, match="HEIC pixels were decoded"):
        read_image(heic)  # the guard works: a real read does decode (its error becomes a BadImageError)


def test_heic_still_decodes(heic):
    img = read_image(heic)
    assert img.pixels.shape == (64, 96, 3) and img.header.format == "heif"


def test_the_size_limit_hint_names_a_real_knob(tmp_path, monkeypatch, capsys):
    path = write_image(tmp_path / "p.png", np.full((64, 64, 3), 0.5, np.float32))
    monkeypatch.setenv("CANDID_MAX_PIXELS", "1000")
    with pytest.raises(ImageTooLargeError) as info:
        read_image(path)
    assert "CANDID_MAX_PIXELS=" in info.value.hint and "--max-pixels" not in info.value.hint
    assert main(["look", str(path), "-o", str(tmp_path / "o.png")]) == 3
    err = capsys.readouterr().err
    assert "p.png" in err and "CANDID_MAX_PIXELS" in err
    monkeypatch.setenv("CANDID_MAX_PIXELS", "5000")  # following the hint works
    assert read_image(path).pixels.shape == (64, 64, 3)
    monkeypatch.setenv("CANDID_MAX_PIXELS", "lots")
    with pytest.raises(Exception) as bad:
        read_image(path)
    assert "CANDID_MAX_PIXELS" in str(bad.value)


def test_batch_plans_with_header_only_size_checks(tmp_path, heic, no_heic_decoding, monkeypatch):
    from candid.batch import ManifestError, load_manifest, plan
    from candid.recipes import Recipe, Step

    m = tmp_path / "m.csv"
    m.write_text(f"subject,inputs,overrides,output\n,{heic},,a.jpg\n")
    recipe = Recipe(name="r", steps=[Step(stage="looks.film", params={"stock": "portra-400"})])
    assert plan(load_manifest(m), recipe)[0].output == "a.jpg"  # header read, nothing decoded
    monkeypatch.setenv("CANDID_MAX_PIXELS", "1000")
    with pytest.raises(ManifestError, match="x.heic"):
        plan(load_manifest(m), recipe)


def test_web_upload_checks_heic_size_before_decoding_and_hides_server_paths(tmp_path, heic, no_heic_decoding):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from candid.web import create_app

    app = create_app(tmp_path / "lib", tmp_path / "data", workers=0, max_upload_pixels=1000)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        c.headers["X-Candid-CSRF"] = c.get("/api/session").json()["csrf"]
        r = c.post("/api/uploads", files={"file": ("big.heic", heic.read_bytes(), "image/heic")})
        assert r.status_code == 400 and "96x64" in r.json()["error"]
        # a broken file: the message names the user's file, never the server's upload path
        broken = b"\xff\xd8\xff\xe0" + bytes(200)
        r = c.post("/api/uploads", files={"file": ("holiday.jpg", io.BytesIO(broken), "image/jpeg")})
        assert r.status_code == 400, r.text
        assert "holiday.jpg" in r.json()["error"]
        assert str(tmp_path) not in r.text and "/uploads/" not in r.text and ".part" not in r.text
    assert not list((tmp_path / "data" / "uploads").glob("*.part"))


def test_web_error_text_is_scrubbed_of_paths():
    from candid.web.app import _scrub_paths

    assert _scrub_paths("/srv/data/uploads/abc.jpg.part: cannot decode (x)") == "abc.jpg.part: cannot decode (x)"
    assert _scrub_paths("see /home/ann/lib/subjects/ff/photos/1.jpg and /etc/") == \
        "see 1.jpg and (folder)"
    assert _scrub_paths("no paths here, a/b relative") == "no paths here, a/b relative"


def test_undecodable_decoder_messages_are_bad_image_errors(tmp_path, monkeypatch):
    """pyvips decodes libvips' error text as UTF-8; a loader quoting raw bytes made that a UnicodeDecodeError
    (a web upload 500 found by bench/fuzz_imageio.py on a mutated AVIF)."""
    import pyvips

    path = write_image(tmp_path / "a.png", np.full((8, 8, 3), 0.5, np.float32))

    def loader(*a, **k):
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    monkeypatch.setattr(pyvips.Image, "pngload", staticmethod(loader))
    with pytest.raises(BadImageError, match="a.png"):
        read_image(path)
    with pytest.raises(BadImageError, match="a.png"):
        read_header(path)
    monkeypatch.undo()

    def fields(self):  # a metadata field name that is not UTF-8 (the second crash the fuzz run found)
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    monkeypatch.setattr(pyvips.Image, "get_fields", fields)
    with pytest.raises(BadImageError, match="a.png"):
        read_header(path)


def test_hostile_heif_boxes_are_bad_image_errors(tmp_path):
    """pillow-heif raises SyntaxError (and IndexError) on some broken files; found by bench/fuzz_imageio.py."""
    pytest.importorskip("pillow_heif")
    path = tmp_path / "broken.heic"
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x00\x10metaxxxxxxxx" + bytes(40))
    with pytest.raises(BadImageError, match="broken.heic"):
        read_image(path)
    with pytest.raises(BadImageError, match="broken.heic"):
        read_header(path)
