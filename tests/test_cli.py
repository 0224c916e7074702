"""End-to-end runs of the `candid` command on real pictures."""

import json
import subprocess
import sys

import pytest

from candid.cli import main


def test_analyze_writes_json_and_overlay(tmp_path, photo_dir):
    code = main(["analyze", str(photo_dir / "original.jpg"), "--json", str(tmp_path / "f.json"),
                 "--overlay", str(tmp_path / "f.png")])
    assert code == 0
    data = json.loads((tmp_path / "f.json").read_text())
    assert data["quality"]["ok"] and len(data["geometry"]) >= 10
    assert (tmp_path / "f.png").stat().st_size > 10_000


def test_enroll_list_show_delete(tmp_path, photo_dir, capsys):
    lib = ["--library", str(tmp_path / "lib")]
    photos = [str(photo_dir / n) for n in ("original.jpg", "crop.jpg")]
    assert main(["enroll", "Eileen Collins", *photos, "--consent", "self", *lib]) == 0
    assert main(["subjects", "list", *lib]) == 0
    assert "Eileen Collins" in capsys.readouterr().out
    assert main(["subjects", "show", "Eileen Collins", "--json", *lib]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["consent"]["kind"] == "self" and len(shown["photos"]) == 2
    assert main(["subjects", "delete", "Eileen Collins", "--yes", *lib]) == 0
    assert "verified: no trace" in capsys.readouterr().out


@pytest.mark.parametrize("args,code,words", [
    (["enroll", "X", "{photos}/original.jpg"], 5, "no consent record"),
    (["enroll", "X", "{photos}/someone-else.png", "{photos}/original.jpg", "--consent", "self"], 5, "different person"),
    (["enroll", "../../x", "{photos}/original.jpg", "--consent", "self"], 5, "invalid subject name"),
    (["subjects", "show", "Nobody"], 5, "unknown subject"),
    (["analyze", "{tmp}/missing.jpg"], 3, "no such file"),
    (["analyze", "{tmp}/notes.txt"], 3, "not an image"),
])
def test_errors_are_one_clear_message(tmp_path, photo_dir, capsys, args, code, words):
    (tmp_path / "notes.txt").write_text("hello")
    args = [a.format(photos=photo_dir, tmp=tmp_path) for a in args] + ["--library", str(tmp_path / "lib")] \
        if args[0] in ("enroll", "subjects") else [a.format(photos=photo_dir, tmp=tmp_path) for a in args]
    assert main(args) == code
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not (tmp_path / "lib" / "subjects").exists() or not any((tmp_path / "lib" / "subjects").iterdir())


def test_console_script_exit_code(tmp_path):
    # The installed entry point, in a fresh process: no traceback, non-zero exit.
    result = subprocess.run([sys.executable, "-m", "candid.cli", "analyze", str(tmp_path / "nope.png")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 3
    assert "no such file" in result.stderr and "Traceback" not in result.stderr


def test_demo_writes_results(tmp_path):
    # `make demo` finishes to 8K; the test skips the finish to stay fast.
    assert main(["demo", "--out", str(tmp_path / "out"), "--size", "none"]) == 0
    out = tmp_path / "out"
    assert (out / "astronaut-face.json").is_file() and (out / "report.html").is_file()
    report = json.loads((out / "report.json").read_text())
    assert report["tells"] and (out / "astronaut-linkedin-none.jpg").stat().st_size > 10_000
