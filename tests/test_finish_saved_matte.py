"""A studio headshot saved to a file keeps its matte for a later `candid finish` (issue 18).

The matte travels as a sidecar (``NAME.matte.png``) bound to the headshot's decoded pixels by a
SHA-256 digest: save -> finish uses it; an edited headshot's matte is ignored with a note; a bad or
missing sidecar is one line, never a traceback.
"""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from candid.cli import main
from candid.cli._common import write_output
from candid.finish import finish_to_file, load_saved_matte, save_matte, sidecar_path
from candid.imageio import read_image, write_image
from candid.portrait import Portrait

from test_finish import chip_overshoot, soft_hair_disc

pytest.importorskip("ncnn")

KW = dict(backend="learned", noise=False)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """The soft hair disc written as a studio result (PNG, with its matte), and its 4x finish without a matte."""
    folder = tmp_path_factory.mktemp("saved")
    img, alpha = soft_hair_disc()
    path = write_output(Portrait(img, matte=alpha), folder / "headshot.png", sign=False)
    n = img.shape[0]
    plain = finish_to_file(path, folder / "plain.png", (4 * n, 4 * n), matte=None, **KW)
    return path, alpha, read_image(plain.path).pixels


def _ring(n: int) -> np.ndarray:
    yy, xx = np.mgrid[0:4 * n, 0:4 * n].astype(np.float32)
    c = (4 * n - 1) / 2
    rad, ang = np.hypot(yy - c, xx - c) / 4, np.arctan2(yy - c, xx - c)
    return np.abs(rad - (0.34 * n + 1.5 * np.sin(ang * 17))) < 6


def test_the_cli_writes_the_matte_beside_the_headshot(saved):
    path, alpha, _ = saved
    side = sidecar_path(path)
    assert side.name == "headshot.png.matte.png" and side.exists()
    got = load_saved_matte(path)
    assert got.note.startswith("used the cut-out's matte saved with the headshot")
    assert np.abs(got.matte - alpha).max() <= 0.5 / 255 + 1e-6  # 8 bits of alpha


def test_save_then_finish_uses_the_matte(saved, tmp_path):
    path, alpha, plain = saved
    src = read_image(path).pixels
    n = src.shape[0]
    res = finish_to_file(path, tmp_path / "big.png", (4 * n, 4 * n), **KW)  # default: the saved matte
    assert res.matte_note.startswith("used the cut-out's matte saved with the headshot")
    assert res.matte_note in res.notes and any("cut-out's edge" in t for t in res.notes)
    big = read_image(res.path).pixels
    ring = _ring(n)
    # planted: without the matte the network draws the rim's light pixels as chips; with it, none
    assert chip_overshoot(plain, src, ring) > 0.1
    assert chip_overshoot(big, src, ring) < 0.04
    # the same pixels as passing the matte by hand
    byhand = finish_to_file(path, tmp_path / "hand.png", (4 * n, 4 * n), matte=load_saved_matte(path).matte, **KW)
    np.testing.assert_array_equal(big, read_image(byhand.path).pixels)
    assert byhand.matte_note is None


def test_a_matte_whose_digest_does_not_match_is_ignored_with_a_note(saved, tmp_path):
    path, alpha, plain = saved
    edited = tmp_path / "headshot.png"
    px = read_image(path).pixels.copy()
    px[5, 5] = 1.0 - px[5, 5]  # one pixel edited: same size, other pixels
    write_image(edited, px)
    sidecar_path(edited).write_bytes(sidecar_path(path).read_bytes())
    got = load_saved_matte(edited)
    assert got.matte is None and "belongs to other pixels" in got.note and got.note.startswith("no matte:")
    n = px.shape[0]
    res = finish_to_file(edited, tmp_path / "big.png", (4 * n, 4 * n), **KW)
    assert res.matte_note == got.note and not any("cut-out's edge" in t for t in res.notes)
    again = finish_to_file(edited, tmp_path / "none.png", (4 * n, 4 * n), matte=None, **KW)
    np.testing.assert_array_equal(read_image(res.path).pixels, read_image(again.path).pixels)


def _sidecar_meta(path) -> dict:
    import pyvips

    return json.loads(pyvips.Image.new_from_file(str(sidecar_path(path))).get("png-comment-0-candid-matte"))


@pytest.mark.parametrize("damage,words", [
    ("garbage", "is not a readable matte"),
    ("truncated", "is not a readable matte"),
    ("no_text", "is not a readable matte"),
    ("rgb", "is not a readable matte"),
    ("other_size", "is not a readable matte"),
])
def test_a_bad_sidecar_is_one_line_never_a_traceback(saved, tmp_path, capsys, damage, words):
    path, alpha, _ = saved
    head = tmp_path / "h.png"
    head.write_bytes(path.read_bytes())
    side = sidecar_path(head)
    good = sidecar_path(path).read_bytes()
    if damage == "garbage":
        side.write_bytes(b"\x00" * 100)
    elif damage == "truncated":
        side.write_bytes(good[: len(good) // 2])
    elif damage == "no_text":
        cv2.imwrite(str(side), np.zeros(alpha.shape, np.uint8))
    elif damage == "rgb":
        cv2.imwrite(str(side), np.zeros(alpha.shape + (3,), np.uint8))
    elif damage == "other_size":
        import pyvips

        meta = _sidecar_meta(path)
        img = pyvips.Image.new_from_array(np.zeros((10, 10), np.uint8)).copy(interpretation="b-w")
        img.set_type(pyvips.GValue.gstr_type, "png-comment-0-candid-matte", json.dumps(meta))
        img.pngsave(str(side))
    got = load_saved_matte(head)
    assert got.matte is None and words in got.note and "\n" not in got.note
    code = main(["finish", str(head), "--size", "320x320", "--backend", "learned", "--no-noise", "--tile", "128",
                 "-o", str(tmp_path / "big.jpg")])
    captured = capsys.readouterr()
    assert code == 0 and (tmp_path / "big.jpg").exists()
    assert words in captured.out and "Traceback" not in captured.out + captured.err


def test_the_cli_says_which_matte_it_used(saved, tmp_path, capsys):
    path, _, _ = saved
    assert main(["finish", str(path), "--size", "320x320", "--backend", "learned", "--tile", "128",
                 "-o", str(tmp_path / "a.jpg")]) == 0
    assert "used the cut-out's matte saved with the headshot" in capsys.readouterr().out
    plain = tmp_path / "photo.png"
    plain.write_bytes(path.read_bytes())  # no sidecar beside it
    assert main(["finish", str(plain), "--size", "320x320", "--backend", "learned", "--tile", "128",
                 "-o", str(tmp_path / "b.jpg")]) == 0
    assert "no matte: none saved with this image (photo.png.matte.png)" in capsys.readouterr().out
    # classical: the matte is not needed, and a photo with no sidecar gets no line at all
    assert main(["finish", str(path), "--size", "320x320", "--backend", "classical", "--tile", "128",
                 "-o", str(tmp_path / "c.jpg")]) == 0
    assert "was not needed" in capsys.readouterr().out
    assert main(["finish", str(plain), "--size", "320x320", "--backend", "classical", "--tile", "128",
                 "-o", str(tmp_path / "d.jpg")]) == 0
    said = capsys.readouterr().out
    assert "no matte" not in said and "cut-out" not in said


def test_a_replaced_output_loses_its_old_sidecar_and_a_resized_matte_writes_none(saved, tmp_path):
    path, alpha, _ = saved
    head = tmp_path / "h.png"
    img = read_image(path).pixels
    write_output(Portrait(img, matte=alpha), head, sign=False)
    assert sidecar_path(head).exists()
    write_output(Portrait(img), head, sign=False)  # another result at the same path, with no cut-out
    assert not sidecar_path(head).exists()
    assert save_matte(head, alpha[:-2]) is None and not sidecar_path(head).exists()


def test_a_users_own_file_at_the_sidecars_name_is_never_removed(saved, tmp_path):
    """Only a sidecar candid wrote (its ``candid-matte`` chunk) is discarded when the output is replaced."""
    path, _, _ = saved
    head = tmp_path / "h.png"
    mine = sidecar_path(head)
    mine.write_bytes(b"the user's own notes, not a matte")
    write_output(Portrait(read_image(path).pixels), head, sign=False)
    assert mine.read_bytes() == b"the user's own notes, not a matte"


def test_the_sidecar_is_written_atomically(saved, tmp_path, monkeypatch):
    import pyvips

    path, alpha, _ = saved
    head = tmp_path / "h.png"
    head.write_bytes(path.read_bytes())
    side = save_matte(head, alpha)
    before = side.read_bytes()

    def dies(self, *a, **k):  # the process dies half-way through writing the new sidecar
        open(a[0], "wb").write(b"\x89PNG\r\n\x1a\nhalf")
        raise KeyboardInterrupt

    monkeypatch.setattr(pyvips.Image, "pngsave", dies)
    with pytest.raises(KeyboardInterrupt):
        save_matte(head, 1 - alpha)
    assert side.read_bytes() == before  # the old one, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.png", "h.png.matte.png"]  # no half file left


def test_an_array_source_or_matte_none_reads_no_sidecar(saved, tmp_path):
    path, _, _ = saved
    img = read_image(path).pixels
    res = finish_to_file(img, tmp_path / "a.png", (160, 160), **KW)
    assert res.matte_note is None
    res = finish_to_file(path, tmp_path / "b.png", (160, 160), matte=None, **KW)
    assert res.matte_note is None and not any("cut-out" in t for t in res.notes)
    from candid.errors import CandidError

    with pytest.raises(CandidError, match="matte="):
        finish_to_file(path, tmp_path / "c.png", (160, 160), matte="auto", **KW)


@pytest.mark.parametrize("fit", ["contain", "crop", "pad"])
def test_a_finished_result_carries_its_matte_scaled_with_it_and_the_door_saves_it(tmp_path, fit):
    """`candid make --size 4k` (and the web's and batch's finish): the matte follows the finish's fit, so the
    enlarged headshot gets a sidecar that lies on its enlarged edge."""
    from candid.finish.stage import finish_stage

    n = 40
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32)
    alpha = np.clip((14 - np.hypot(yy - 18, xx - 22)) / 3 + 0.5, 0, 1).astype(np.float32)  # soft disc off-centre
    img = np.repeat(alpha[..., None], 3, axis=2)  # planted: the picture's brightness is its matte
    out = finish_stage(Portrait(img, matte=alpha), size="160x120", backend="classical", fit=fit)
    size = (120, 120) if fit == "contain" else (120, 160)  # contain keeps the square inside the box
    assert out.matte is not None and out.matte.shape == out.pixels.shape[:2] == size
    seen = out.pixels[..., 0]
    inside = np.ones_like(seen, bool)
    if fit == "pad":  # the padding is no subject (the picture's pad colour is its own business)
        inside = np.zeros_like(seen, bool)
        inside[:, 20:140] = True
        assert float(out.matte[:, :18].max()) == 0.0
    assert float(np.abs(seen - out.matte)[inside].mean()) < 0.02  # the scaled matte lies on the scaled edge
    side = write_output(out, tmp_path / "big.png", sign=False)
    got = load_saved_matte(side)
    assert got.matte is not None and got.matte.shape == size
    # a portrait with no matte still finishes with none
    assert finish_stage(Portrait(img), size="160x120", backend="classical", fit=fit).matte is None


def test_the_finish_stage_plans_its_fit_once(monkeypatch):
    """The stage scales the matte by the same fit the enlargement follows: it plans it once and passes it in
    (``upscale_report(plan=)``); it planned it again after the enlargement. A plan for another source is refused."""
    import importlib

    from candid.finish._pipeline import upscale_report
    from candid.finish._size import plan_fit

    stage_mod = importlib.import_module("candid.finish.stage")
    pipe = importlib.import_module("candid.finish._pipeline")
    calls = []
    monkeypatch.setattr(stage_mod, "plan_fit", lambda *a, **k: calls.append("stage") or plan_fit(*a, **k))
    monkeypatch.setattr(pipe, "plan_fit", lambda *a, **k: calls.append("upscale") or plan_fit(*a, **k))
    img = np.full((20, 30, 3), 0.5, np.float32)
    alpha = np.zeros((20, 30), np.float32)
    alpha[5:15, 10:20] = 1.0
    out = stage_mod.finish_stage(Portrait(img, matte=alpha), size="60x40", backend="classical")
    assert calls == ["stage"] and out.matte.shape == out.pixels.shape[:2] == (40, 60)
    with pytest.raises(ValueError, match="plan"):
        upscale_report(img, "60x40", backend="classical", fit="contain", plan=plan_fit(10, 10, "60x40", "contain"))


def test_a_headshot_replaced_at_the_same_path_is_read_anew_in_the_same_process(saved, tmp_path):
    """libvips caches a decoded file by its name: a re-run's headshot and sidecar renamed onto the same path
    (how a batch publishes) must not be read as the old ones (a resumed batch, a long-running server)."""
    import os

    path, alpha, _ = saved
    img = read_image(path).pixels
    head = tmp_path / "h.png"
    write_output(Portrait(img, matte=alpha), head, sign=False)
    assert load_saved_matte(head).matte is not None
    new = tmp_path / "new" / "h.png"
    new.parent.mkdir()
    write_output(Portrait(np.ascontiguousarray(img[:, ::-1]), matte=np.ascontiguousarray(alpha[:, ::-1])), new,
                 sign=False)
    os.replace(new, head)
    assert load_saved_matte(head).matte is None  # the new pixels beside the old sidecar: refused
    os.replace(sidecar_path(new), sidecar_path(head))
    got = load_saved_matte(head)
    assert got.matte is not None and np.abs(got.matte - alpha[:, ::-1]).max() <= 0.5 / 255 + 1e-6


@pytest.mark.slow
def test_candid_make_with_a_size_writes_the_matte_at_that_size_and_says_so(tmp_path, astronaut, capsys):
    """The 4k door: `candid make --size` finished the headshot with the matte; the sidecar is that matte scaled."""
    src = write_image(tmp_path / "me.png", cv2.resize(astronaut, (256, 256), interpolation=cv2.INTER_AREA))
    out = tmp_path / "me-big.jpg"
    assert main(["make", str(src), "--style", "linkedin", "--size", "512x512", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    got = load_saved_matte(out)
    assert got.matte is not None and got.matte.shape == read_image(out).pixels.shape[:2]
    said = "".join(said.split())  # the console wraps long lines, even inside a path
    assert max(got.matte.shape) == 512 and "me-big.jpg.matte.png(thecut-out'smatte" in said
