"""`candid restore`, `candid make --engine restore`, the stage, the engine and consent."""

from __future__ import annotations

import numpy as np
import pytest

from candid.cli import main
from candid.engines import get_engine
from candid.engines.restore.synthetic import degrade
from candid.imageio import read_image, write_image
from candid.portrait import Portrait
from candid.recipes import STAGES


@pytest.fixture(scope="module")
def scan(tmp_path_factory, astronaut):
    folder = tmp_path_factory.mktemp("scans")
    bad = degrade(astronaut, fade=0.4, seed=2)
    write_image(folder / "scan.png", bad.pixels)
    return folder / "scan.png"


def test_engine_and_stage_registered():
    eng = get_engine("restore")
    assert eng.available()[0] and "faithful" in eng.styles
    assert STAGES["engine.restore"] == "candid.engines.restore.stage:restore_stage"
    p = eng.make(Portrait(np.full((64, 64, 3), 0.5, np.float32)), style="faithful", identity=False)
    assert p.log[-1].stage == "engine.restore" and p.log[-1].ai == "none"


def test_restore_writes_image_and_editable_mask(scan, tmp_path):
    out, mask = tmp_path / "out.png", tmp_path / "mask.png"
    assert main(["restore", str(scan), "--out", str(out), "--show-mask", str(mask)]) == 0
    img, m = read_image(out).pixels, read_image(mask).pixels
    assert img.shape == m.shape == (512, 512, 3) and 0 < (m[..., 0] > 0.5).mean() < 0.2
    out2 = tmp_path / "out2.png"
    edited = np.zeros_like(m)
    edited[100:110, 100:110] = 1
    write_image(mask, edited)
    assert main(["restore", str(scan), "--mask", str(mask), "--out", str(out2), "--denoise", "0"]) == 0
    a, b = read_image(out2).pixels, read_image(scan).pixels
    assert a.shape == b.shape


def test_bad_inputs_one_message_nothing_written(scan, tmp_path, capsys):
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes(b"\xff\xd8\xff\xe0" + b"junk" * 50)
    small = tmp_path / "small.png"
    write_image(small, np.zeros((50, 60, 3), np.float32))
    cases = [
        (["restore", str(corrupt)], 3),
        (["restore", str(scan), "--mask", str(small)], 2),
        (["restore", str(scan), "--subject", "Nobody", "--library", str(tmp_path / "lib")], 5),
        (["restore", str(scan), "--tint", "rainbow"], 2),
    ]
    for args, code in cases:
        out = tmp_path / "never.png"
        assert main(args + ["--out", str(out)]) == code
        assert not out.exists()
        assert not list(tmp_path.glob(".never*"))
    err = capsys.readouterr().err
    assert "60x50" in err and "unknown subject" in err


def test_bad_size_refused_before_any_work(scan, tmp_path, capsys, monkeypatch):
    """Issue 21: --size is checked up front, not after the restoration; `none` means as restored."""
    import candid.engines.restore.stage as stage

    def boom(*a, **k):
        raise AssertionError("restoration started before the options were checked")

    monkeypatch.setattr(stage, "restore_portrait", boom)
    out = tmp_path / "never.png"
    assert main(["restore", str(scan), "--size", "A5-ish", "--out", str(out)]) == 2
    assert "--size A5-ish" in capsys.readouterr().err and not out.exists()
    monkeypatch.undo()
    assert main(["restore", str(scan), "--size", "none", "--denoise", "0", "--out", str(out)]) == 0
    assert read_image(out).pixels.shape == (512, 512, 3)


def test_colour_on_black_and_white_says_unavailable(astronaut, tmp_path, capsys):
    bw = tmp_path / "bw.png"
    write_image(bw, np.repeat(astronaut.mean(axis=2, keepdims=True), 3, axis=2))
    out = tmp_path / "o.png"
    assert main(["restore", str(bw), "--colour", "--out", str(out)]) == 7
    assert "not available" in capsys.readouterr().err and not out.exists()


def test_subject_consent_and_identity(photo_dir, scan, tmp_path, capsys):
    lib = tmp_path / "lib"
    restored = tmp_path / "restored-1962.png"
    assert main(["restore", str(scan), "--out", str(restored)]) == 0
    # enroll from the restored print (1962) and, later, from photos of another age (1985)
    assert main(["enroll", "Grandma Eileen", str(restored), "--consent", "deceased-relative", "--consent-by", "Sam",
                 "--relation", "grandson", "--date", "1962", "--library", str(lib)]) == 0
    assert main(["enroll", "Grandma Eileen", str(photo_dir / "original.jpg"), str(photo_dir / "darker.png"),
                 "--date", "1985", "--library", str(lib)]) == 0
    out = tmp_path / "o.png"
    assert main(["restore", str(scan), "--subject", "Grandma Eileen", "--library", str(lib),
                 "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "consent on record from their grandson" in err and "the subject's enrolled photos" in err
    # The notes are published in the file's XMP/C2PA: no names of the living or the dead.
    assert "Sam" not in err and "Grandma Eileen" not in err
    from candid.subjects import Library

    prof = Library(lib).profile("Grandma Eileen")
    assert sorted(p.date_hint for p in prof.photos) == ["1962", "1985", "1985"]


def test_stage_refuses_incomplete_consent():
    from candid.errors import ConsentError
    from candid.engines.restore.stage import restore_stage
    from candid.subjects.profile import ConsentRecord

    class Subject:
        name = "X"
        photos = []
        consent = ConsentRecord("deceased-relative", "", "", "", "2026")

    with pytest.raises(ConsentError):
        restore_stage(Portrait(np.full((32, 32, 3), 0.5, np.float32), subject=Subject()), identity=False)


def test_make_engine_restore(scan, tmp_path):
    out = tmp_path / "made.png"
    assert main(["make", str(scan), "--engine", "restore", "--style", "faithful", "--size", "600x600",
                 "--out", str(out)]) == 0
    assert read_image(out).pixels.shape == (600, 600, 3)


def test_make_engine_restore_then_studio_style(scan, tmp_path):
    out = tmp_path / "memorial.jpg"
    assert main(["make", str(scan), "--engine", "restore", "--style", "memorial", "--size", "none",
                 "--out", str(out)]) == 0
    assert out.exists()
