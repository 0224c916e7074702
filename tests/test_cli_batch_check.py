"""`candid batch --check`: every row a run would fail on is named before anything runs."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from candid.batch import load_manifest, plan
from candid.batch.plan import precheck
from candid.cli import main
from candid.imageio import write_image
from candid.recipes import Recipe, Step

RECIPE = 'name = "face-then-size"\n[[steps]]\nstage = "face.analyze"\n[[steps]]\nstage = "finish"\n' \
         'params = { size = "320x320" }\n'


def _manifest(path: Path, rows: list[tuple[str, str]]) -> Path:
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["subject", "inputs", "overrides", "output"])
        w.writerows([("", src, "", dst) for src, dst in rows])
    return path


@pytest.fixture(scope="module")
def shoot(tmp_path_factory, astronaut) -> Path:
    """A face, a wall with no face, two faces side by side."""
    folder = tmp_path_factory.mktemp("shoot")
    write_image(folder / "face.png", astronaut)
    yy, xx = np.mgrid[0:256, 0:256] / 255.0
    write_image(folder / "wall.png", np.dstack([xx, yy, 0.5 + 0 * xx]).astype(np.float32))
    write_image(folder / "pair.png", np.concatenate([astronaut[:, 64:448], astronaut[:, 64:448]], axis=1))
    (folder / "recipe.toml").write_text(RECIPE)
    return folder


def test_check_names_the_faceless_and_the_two_face_rows_and_runs_nothing(shoot, tmp_path, capsys):
    m = _manifest(tmp_path / "m.csv", [(f"{shoot}/face.png", "a.jpg"), (f"{shoot}/wall.png", "b.jpg"),
                                       (f"{shoot}/pair.png", "c.jpg")])
    code = main(["batch", str(m), "--recipe", str(shoot / "recipe.toml"), "--out", str(tmp_path / "out"), "--check"])
    err = capsys.readouterr().err
    assert code == 8, err
    assert "2 problem(s)" in err
    assert "row 2: wall.png: no face found" in err
    assert "row 3: pair.png: 2 faces found" in err and '{"face.analyze": {"face": 0}}' in err
    assert "row 1" not in err.split("problem(s)")[1]  # the good row is not blamed
    assert not (tmp_path / "out").exists()


def test_check_passes_a_good_manifest_and_says_so(shoot, tmp_path, capsys):
    m = _manifest(tmp_path / "m.csv", [(f"{shoot}/face.png", "a.jpg")])
    code = main(["batch", str(m), "--recipe", str(shoot / "recipe.toml"), "--out", str(tmp_path / "out"), "--check"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "1 row(s) OK" in " ".join(captured.out.split())


def test_check_refuses_an_output_over_an_input(shoot, tmp_path, capsys):
    import shutil

    shutil.copy(shoot / "face.png", tmp_path / "face.png")
    m = _manifest(tmp_path / "m.csv", [("face.png", "face.png")])
    code = main(["batch", str(m), "--recipe", str(shoot / "recipe.toml"), "--out", str(tmp_path), "--check"])
    err = capsys.readouterr().err
    assert code == 8 and "never writes over an input" in err


def test_precheck_without_a_face_stage_does_not_look_for_faces(shoot, tmp_path):
    m = load_manifest(_manifest(tmp_path / "m.csv", [(f"{shoot}/wall.png", "b.jpg")]))
    items = plan(m, Recipe(name="size", steps=[Step(stage="finish", params={"size": "320x320"})]))
    assert precheck(items).ok


def test_precheck_checks_each_photo_once_and_reports_progress(shoot, tmp_path):
    m = load_manifest(_manifest(tmp_path / "m.csv", [(f"{shoot}/wall.png", f"{i}.jpg") for i in range(3)]))
    items = plan(m, Recipe(name="r", steps=[Step(stage="face.analyze")]))
    ticks = []
    found = precheck(items, on_item=lambda done, total: ticks.append((done, total)))
    assert ticks == [(1, 3), (2, 3), (3, 3)]
    assert [p.split(":")[0] for p in found.problems] == ["row 1", "row 2", "row 3"]


def test_check_refuses_an_output_folder_that_is_a_file(shoot, tmp_path, capsys):
    (tmp_path / "out").write_text("not a folder")
    m = _manifest(tmp_path / "m.csv", [(f"{shoot}/face.png", "a.jpg")])
    code = main(["batch", str(m), "--recipe", str(shoot / "recipe.toml"), "--out", str(tmp_path / "out"), "--check"])
    assert code == 8 and "is a file, not a folder" in capsys.readouterr().err
