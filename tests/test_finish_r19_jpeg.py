"""Round 19: the finish's JPEG model, told truthfully through every front door (candid.finish, the doors).

The learned passes' JPEG model (waifu2x noise level, the measured block-grid damage, where it was measured,
the file's table quality) is logged as numbers in the ``finish`` step's params
(:func:`candid.finish._jpeg.jpeg_model_params`), and every front door says it in the same words made from
those numbers (:func:`candid.finish._jpeg.jpeg_model_words`): ``candid make`` and the web studio through the
change report's ``enlarged`` line, ``candid finish`` on its own line. A headshot saved at its frame's size and
finished later is measured on the photo's grid through the ``frame_matrix`` its XMP log carries
(:func:`candid.finish._jpeg.log_frame`); any other file on its own pixel grid, with its table.
Synthetic and fast: the engine is not run (a fake run stands in for it where a door needs one).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from candid.engines.studio.changes import change_report
from candid.finish._jpeg import jpeg_model_params, jpeg_model_words
from candid.finish._waifu2x import waifu2x_available
from candid.portrait import Operation, Portrait

from finish_jpeg_scene import jpeg_copy, textured_patch  # (pytest puts tests/ on the path)

needs_model = pytest.mark.skipif(not waifu2x_available(), reason="the waifu2x photo model is not installed")


def _patch(n: int = 96, seed: int = 0) -> np.ndarray:
    return textured_patch(n, seed)


def _jpeg(img: np.ndarray, quality: int = 30) -> np.ndarray:
    return jpeg_copy(img, quality)


CLEAN = jpeg_model_params(0, "measured", damage=0.0, grid="photo")
HEAVY = jpeg_model_params(3, "measured", damage=0.063, grid="photo")


def _studio_log(size=(96, 96), finish=None, to=(480, 480)):
    """An engine.studio step (a frame of ``size``) and a finish step with ``finish``'s params."""
    log = [Operation("engine.studio", params={"size": list(size), "changes": [],
                                               "frame_matrix": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]})]
    log.append(Operation("finish", params={"size": "4k", "from_px": list(size), "to_px": list(to), **(finish or {})}))
    return log


def test_words_follow_the_numbers():
    assert jpeg_model_words(CLEAN) == ("no JPEG damage measured on the photo's block grid, so waifu2x's lightest "
                                       "denoise kept fine texture")
    assert jpeg_model_words(HEAVY).startswith("heavy JPEG damage measured on the photo's block grid "
                                              "(block-grid excess 0.063), so waifu2x's strongest")
    light = jpeg_model_params(1, "measured", damage=0.02, grid="picture", quality=92)
    assert jpeg_model_words(light).startswith("light JPEG damage measured on the picture's own block grid "
                                              "(the file's JPEG quality is about 92; block-grid excess 0.020)")
    assert jpeg_model_words(jpeg_model_params(3, "unmeasured")).startswith("too small a crop to measure")
    assert jpeg_model_words(jpeg_model_params(0, "light")) is None  # at or below 4x: no choice, nothing said
    with pytest.raises(ValueError):
        jpeg_model_params(0, "guessed")


def test_change_report_says_the_model_from_the_finish_params():
    line = change_report(_studio_log(finish=CLEAN))[-1]
    assert line == ("4k: enlarged 5.0x from a 96 px crop; no JPEG damage measured on the photo's block grid, so "
                    "waifu2x's lightest denoise kept fine texture")
    assert "heavy JPEG damage" in change_report(_studio_log(finish=HEAVY))[-1]
    # without the params (a classical finish, or a log of an older version) only the enlargement is said
    assert change_report(_studio_log())[-1] == "4k: enlarged 5.0x from a 96 px crop"
    # the words come from the numbers, never from the step's notes
    noted = _studio_log()
    noted[1] = Operation("finish", params=noted[1].params, notes=("waifu2x's strongest JPEG-artefact model",))
    assert "JPEG" not in change_report(noted)[-1]


@needs_model
@pytest.mark.parametrize("damaged", [False, True])
def test_the_finish_stage_logs_the_model_it_used(damaged):
    from candid.finish.stage import finish_stage

    src = _jpeg(_patch()) if damaged else _patch()
    p = Portrait(src).evolve(src, _studio_log()[0])
    done = finish_stage(p, size="480x480", backend="learned", noise=False)
    params = done.log[-1].params
    assert params["jpeg_rule"] == "measured" and params["jpeg_grid"] == "photo"
    assert params["noise_level"] == (3 if damaged else 0)
    assert (params["jpeg_damage"] > 0.05) if damaged else (params["jpeg_damage"] < 0.018)
    words = change_report(done.log)[-1]
    assert words.startswith("480x480: enlarged 5.0x from a 96 px crop; ")
    assert ("heavy JPEG damage measured" if damaged else "no JPEG damage measured") in words
    # the note in the stage log and the params agree on the level
    assert any(f"noise level {params['noise_level']}" in n for n in done.log[-1].notes)


@needs_model
def test_at_or_below_4x_the_light_model_is_logged_and_not_said():
    from candid.finish.stage import finish_stage

    src = _jpeg(_patch())
    done = finish_stage(Portrait(src).evolve(src, _studio_log()[0]), size="288x288", backend="learned", noise=False)
    params = done.log[-1].params
    assert params["noise_level"] == 0 and params["jpeg_rule"] == "light" and params["jpeg_damage"] is None
    assert change_report(done.log)[-1] == "288x288: enlarged 3.0x from a 96 px crop"


def _fake_run(monkeypatch, finish_params):
    """``run_studio`` replaced by a run whose log ends with a finish step with ``finish_params``."""
    from candid.engines.studio import recipe as recipe_mod
    from candid.recipes import Recipe

    px = np.clip(_patch(128), 0, 1)
    log = _studio_log((128, 128), finish_params, (640, 640))
    result = Portrait(px, log=tuple(log))

    def fake(photo, options=None, **kw):
        return recipe_mod.StudioRun(result=result, recipe=Recipe(name="fake", steps=[]), source=px)

    monkeypatch.setattr(recipe_mod, "run_studio", fake)


def test_candid_make_says_the_model(monkeypatch, tmp_path, capsys):
    from candid.cli import main
    from candid.imageio import write_image

    _fake_run(monkeypatch, HEAVY)
    photo = write_image(tmp_path / "p.png", _patch(128))
    assert main(["make", str(photo), "--out", str(tmp_path / "o.jpg")]) == 0
    got = capsys.readouterr()
    said = " ".join((got.out + got.err).split())  # the change lines go to the console (stderr); rich wraps them
    assert ("enlarged 5.0x from a 128 px crop; heavy JPEG damage measured on the photo's block grid "
            "(block-grid excess 0.063), so waifu2x's strongest JPEG-artefact model smoothed its blocks") in said


def test_the_web_studio_says_the_same_words(monkeypatch, tmp_path):
    from candid.web.jobs import run_make

    _fake_run(monkeypatch, CLEAN)
    data = tmp_path / "data"
    (data / "uploads").mkdir(parents=True)
    from candid.imageio import write_image

    write_image(data / "uploads" / "0123456789abcdef0123456789abcdef.png", _patch(128))
    summary = run_make({"upload": "0123456789abcdef0123456789abcdef", "size": "none"}, data_dir=data,
                       library=tmp_path / "lib", out_dir=tmp_path / "job", on_step=lambda *a: None,
                       log=lambda line: None)
    assert summary["changes"][-1] == ("4k: enlarged 5.0x from a 128 px crop; no JPEG damage measured on the "
                                      "photo's block grid, so waifu2x's lightest denoise kept fine texture")


def _saved_headshot(tmp_path, pixels, matrix, name="headshot.png", **logged):
    """A headshot file as `candid make --size none` writes it: its log (with the frame's matrix) in its XMP."""
    from candid.provenance import label_and_write

    h, w = pixels.shape[:2]
    op = Operation("engine.studio", params={"size": [w, h], "frame_matrix": matrix, "changes": [], **logged},
                   ai="edited")
    return label_and_write(Portrait(pixels, log=(op,)), tmp_path / name, watermark=False)


def test_log_frame_matrix_from_a_saved_headshot(tmp_path):
    from candid.finish._jpeg import log_frame
    from candid.provenance.xmp import read_xmp

    m = [[0.99, 0.07, -3.0], [-0.07, 0.99, 2.5]]
    path = _saved_headshot(tmp_path, _patch(96), m)
    log = read_xmp(path).log
    assert np.allclose(log_frame(log, 96, 96)[0], m)
    assert log_frame(log, 192, 192)[0] is None  # resized since: the matrix is not these pixels'
    assert log_frame([{"stage": "engine.studio", "params": {"frame_matrix": [[1, 0], [0, 1]]}}], 4, 4)[0] is None


def _rotated_jpeg_frame(n: int = 160, degrees: float = 4.0):
    """A q=30 JPEG 'photo' and a frame cut from it rotated by ``degrees`` (as the studio levels the eyes)."""
    photo = _jpeg(_patch(n + 64), 30)
    c = (n + 64) / 2.0
    rot = cv2.getRotationMatrix2D((c, c), degrees, 1.0)
    rot[:, 2] -= 32.0  # the frame's corner at the photo's (32, 32)
    frame = cv2.warpAffine(photo, rot, (n, n), flags=cv2.INTER_LANCZOS4, borderMode=cv2.BORDER_REFLECT)
    return np.clip(frame, 0, 1), rot


@needs_model
def test_candid_finish_measures_a_saved_headshot_on_the_photo_grid(tmp_path, capsys):
    from candid.cli import main

    frame, rot = _rotated_jpeg_frame()
    path = _saved_headshot(tmp_path, frame, rot.tolist())
    out = tmp_path / "big.jpg"
    assert main(["finish", str(path), "--size", "800x800", "--backend", "learned", "--no-noise",
                 "--out", str(out)]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "JPEG damage measured on the photo's block grid" in said and "noise level" not in said
    assert "heavy JPEG damage" in said or "moderate JPEG damage" in said
    from candid.provenance.xmp import read_xmp

    fin = [op for op in read_xmp(out).log if op["stage"] == "finish"][-1]["params"]
    assert fin["jpeg_grid"] == "photo" and fin["noise_level"] >= 2 and fin["jpeg_rule"] == "measured"
    # without the log the rotated grid is measured on the file's own axes, where it is not found
    from candid.finish import finish_to_file

    plain = finish_to_file(path, tmp_path / "plain.png", (800, 800), backend="learned", noise=False, matte=None)
    assert plain.params["jpeg_grid"] == "picture" and plain.params["jpeg_damage"] < fin["jpeg_damage"]


@needs_model
def test_candid_finish_says_a_jpeg_files_quality(tmp_path, capsys):
    from PIL import Image

    from candid.cli import main

    src = tmp_path / "small.jpg"
    Image.fromarray((_patch(96) * 255 + 0.5).astype(np.uint8)).save(src, quality=30)
    assert main(["finish", str(src), "--size", "480x480", "--backend", "learned", "--no-noise",
                 "--out", str(tmp_path / "big.jpg")]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert ("heavy JPEG damage measured on the picture's own block grid (the file's JPEG quality is about 30; "
            "block-grid excess") in said


@needs_model
def test_a_recipe_on_a_saved_headshot_measures_on_the_photo_grid(tmp_path):
    # batch and the other doors read an input with read_source / read_portrait: the headshot's frame matrix
    # (from its XMP log, made at its size) rides in the provenance.source step, where the finish stage finds it
    from candid.finish.stage import finish_stage, grid_matrix
    from candid.provenance.source import read_portrait

    frame, rot = _rotated_jpeg_frame()
    p = read_portrait(_saved_headshot(tmp_path, frame, rot.tolist()), watermark=False)
    assert p.log[0].stage == "provenance.source" and np.allclose(grid_matrix(p), rot)
    done = finish_stage(p, size="800x800", backend="learned", noise=False)
    params = done.log[-1].params
    assert params["jpeg_grid"] == "photo" and params["noise_level"] >= 2
    # any other file: no matrix, its own grid
    from candid.imageio import write_image

    q = read_portrait(write_image(tmp_path / "plain.png", frame), watermark=False)
    assert "frame_matrix" not in q.log[0].params and grid_matrix(q) is None


def test_the_studio_logs_the_frames_damage_on_the_photo_grid():
    from candid.engines.studio.stage import _frame_damage

    frame, rot = _rotated_jpeg_frame()
    alpha = np.ones(frame.shape[:2], np.float32)
    assert _frame_damage(frame, alpha, rot) > 0.05  # found through the matrix ...
    assert _frame_damage(_patch(160), alpha, np.eye(3)[:2]) < 0.018  # ... and a clean frame reads clean
    assert _frame_damage(frame[:40, :40], alpha[:40, :40], rot) is None  # too small to say
    big = np.zeros((1000, 1000, 3), np.float32)  # beyond the learned backend's size: never chosen, not measured
    assert _frame_damage(big, np.ones((1000, 1000), np.float32), np.eye(3)[:2]) is None


@needs_model
def test_a_saved_jpeg_headshot_uses_the_damage_logged_with_its_frame(tmp_path, capsys):
    # a JPEG save erases the photo's faint old block steps; the damage the studio measured when it made the
    # frame (in the file's log) is used, and said as such
    from candid.cli import main
    from candid.finish.stage import finish_stage
    from candid.provenance.source import read_portrait

    frame, rot = _rotated_jpeg_frame()
    path = _saved_headshot(tmp_path, frame, rot.tolist(), name="headshot.jpg", jpeg_damage=0.061)
    assert main(["finish", str(path), "--size", "800x800", "--backend", "learned", "--no-noise",
                 "--out", str(tmp_path / "big.jpg")]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert ("heavy JPEG damage measured on the photo's block grid when the headshot was made (the file's JPEG "
            "quality is about") in said and "block-grid excess 0.061)" in said
    done = finish_stage(read_portrait(path, watermark=False), size="800x800", backend="learned", noise=False)
    params = done.log[-1].params
    assert params["jpeg_grid"] == "logged" and params["jpeg_damage"] == 0.061 and params["noise_level"] == 3
