"""Issue 23: temp files are removed on every exit Python sees, and swept after a kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from candid.cli import main
from candid.files import sweep_temp, temp_tag
from candid.imageio import write_image


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_sweep_removes_only_dead_or_old_candid_temp_files(tmp_path):
    pid = dead_pid()
    dead = [tmp_path / f".candid-{pid}-abcd1234", tmp_path / f".out.jpg.candid-{pid}-x.part.jpg",
            tmp_path / f".candid-finish-{pid}-q.tif", tmp_path / f"..candid-finish-{pid}-q.tif.zz.tif"]
    (dead[0]).mkdir()
    (dead[0] / "unsigned.jpg").write_bytes(b"x")
    for p in dead[1:]:
        p.write_bytes(b"half")
    live = tmp_path / f".out.jpg.{temp_tag()}x.part.jpg"
    live.write_bytes(b"being written by us")
    old, new = tmp_path / ".out.jpg.ab12cd34.part.png", tmp_path / ".x.png.ef56gh78.part.png"
    old.write_bytes(b"old untagged")
    new.write_bytes(b"new untagged")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    keep = [tmp_path / ".bashrc", tmp_path / "photo.jpg", tmp_path / ".candid-notes"]
    for p in keep:
        p.write_bytes(b"user")
    removed = sweep_temp(tmp_path)
    assert sorted(removed) == sorted(dead + [old])
    assert live.exists() and new.exists() and all(p.exists() for p in keep)


def _finish_then_signal(tmp_path: Path, small_png: Path, sig: int) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    cmd = [sys.executable, "-m", "candid", "finish", str(small_png), "--size", "3200x3200", "--backend", "classical",
           "--out", str(out / "big.jpg")]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            # finish's strip file beside its temporary TIFF: the tiles are being rendered
            if any(p.name.startswith("..candid-finish-") for p in out.iterdir()):
                break
            time.sleep(0.01)
        if proc.poll() is not None:
            pytest.skip("finish ended before the signal; cannot test the interruption")
        os.kill(proc.pid, sig)
        proc.wait(30)
        if proc.returncode == 0:
            pytest.skip("finish ended before the signal arrived; cannot test the interruption")
    finally:
        if proc.poll() is None:
            proc.kill()
    return out


@pytest.fixture()
def small_png(tmp_path, astronaut):
    import cv2

    return write_image(tmp_path / "in.png", cv2.resize(astronaut, (400, 400), interpolation=cv2.INTER_AREA))


def test_sigterm_cleans_up_its_own_temp_files(tmp_path, small_png):
    out = _finish_then_signal(tmp_path, small_png, signal.SIGTERM)
    assert not list(out.iterdir())  # no hidden temp, no half output


def test_kill_9_leftovers_are_swept_by_the_next_run(tmp_path, small_png):
    out = _finish_then_signal(tmp_path, small_png, signal.SIGKILL)
    left = [p.name for p in out.iterdir()]
    assert left and all(n.startswith(".") for n in left)  # what the kill left, hidden, no output
    assert main(["look", str(small_png), "-o", str(out / "look.jpg"), "--no-grain"]) == 0
    assert [p.name for p in out.iterdir()] == ["look.jpg"]
