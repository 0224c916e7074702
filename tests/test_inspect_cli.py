"""`candid inspect` on files, the `inspect` stage and its recipe entry."""

from __future__ import annotations

import json

import numpy as np
import pytest
from skimage import data

from candid.cli import main
from candid.imageio import write_image
from candid.portrait import Portrait


@pytest.fixture(scope="module")
def astro_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("inspect") / "astronaut.png"
    write_image(path, data.astronaut().astype(np.float32) / 255.0)
    return path


def test_cli_writes_reports(tmp_path, astro_file, capsys):
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    assert main(["inspect", str(astro_file), "--html", str(html), "--json", str(js)]) == 0
    report = json.loads(js.read_text())
    from candid.inspector import TELLS

    assert len(report["tells"]) == len(TELLS) and 0 <= report["overall"] <= 1
    assert report["overall_interval"][0] <= report["overall"] <= report["overall_interval"][1]
    assert html.read_text().startswith("<!DOCTYPE html>")
    out = capsys.readouterr().out
    assert "skin" in out and "good from afar" in out
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize("content", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40])
def test_cli_bad_file_one_message_no_report(tmp_path, content, capsys):
    bad = tmp_path / "bad.png"
    bad.write_bytes(content)
    html, js = tmp_path / "r.html", tmp_path / "r.json"
    code = main(["inspect", str(bad), "--html", str(html), "--json", str(js)])
    assert code != 0
    err = capsys.readouterr().err
    assert "error" in err.lower() and "Traceback" not in err
    assert not html.exists() and not js.exists()
    assert not list(tmp_path.glob(".r.*"))


def test_cli_missing_file(tmp_path):
    assert main(["inspect", str(tmp_path / "nope.jpg")]) != 0


def test_stage_logs_without_changing_pixels(tmp_path):
    from candid.inspector.stage import inspect_stage
    from candid.recipes import Recipe, Step, run_recipe

    px = data.astronaut().astype(np.float32) / 255.0
    p = Portrait(px, source="astronaut.png")
    q = inspect_stage(p, json=str(tmp_path / "s.json"))
    assert q.pixels is p.pixels and q.log[-1].stage == "inspect"
    assert any(line.startswith("skin") for line in q.log[-1].notes)
    assert json.loads((tmp_path / "s.json").read_text())["overall"] >= 0
    r = run_recipe(Recipe(name="peep", steps=[Step(stage="face.analyze"), Step(stage="inspect")]), p)
    assert r.face is not None and r.log[-1].stage == "inspect"
    assert np.array_equal(r.pixels, px)


def test_cli_subject_flattery(tmp_path, photo_dir, capsys):
    lib = ["--library", str(tmp_path / "lib")]
    photos = [str(photo_dir / n) for n in ("original.jpg", "darker.png", "soft.jpg")]
    assert main(["enroll", "Eileen Collins", *photos, "--consent", "self", *lib]) == 0
    js = tmp_path / "f.json"
    assert main(["inspect", str(photo_dir / "tilted.png"), "--subject", "Eileen Collins", *lib,
                 "--json", str(js)]) == 0
    flattery = json.loads(js.read_text())["flattery"]
    assert flattery is not None and flattery["items"]
    assert "Eileen Collins's photos" in capsys.readouterr().out


def test_cli_unknown_subject(tmp_path, astro_file):
    code = main(["inspect", str(astro_file), "--subject", "Nobody", "--library", str(tmp_path / "lib")])
    assert code != 0
