"""Batch results keep the studio cut-out's matte beside them, like `candid make` (issue 18).

Each studio output gets ``NAME.matte.png`` (bound to its pixels by SHA-256), written atomically,
listed in ``batch-report.json``; a run killed at any point of publishing leaves an output with its
own sidecar or with none, never another run's, and never half a file.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from candid.batch import ResultStore, load_manifest, run_batch
from candid.batch import store as store_mod
from candid.finish._saved_matte import load_saved_matte, save_matte, sidecar_path
from candid.imageio import read_image, write_image
from candid.recipes import Recipe, Step

FIXED = "2026-01-01T00:00:00+00:00"


def _object(folder: Path, tone: float, with_matte: bool = True) -> tuple[bytes, bytes | None]:
    """A small PNG output and its matte sidecar, as a worker returns them."""
    px = np.full((24, 32, 3), tone, np.float32)
    px[6:18, 8:24] = 1 - tone
    path = write_image(folder / f"out{tone}.png", px)
    if not with_matte:
        return path.read_bytes(), None
    m = np.zeros((24, 32), np.float32)
    m[6:18, 8:24] = 1
    return path.read_bytes(), save_matte(path, m).read_bytes()


def _state(out: Path, name: str) -> str:
    """'own' (the sidecar matches the output), 'none' (no sidecar) or what else the finish would say."""
    got = load_saved_matte(out / name)
    if got.matte is not None:
        return "own"
    return "none" if not got.found else got.note


def test_store_publishes_the_matte_beside_the_output_and_in_order(tmp_path):
    store = ResultStore(tmp_path / "out")
    key = "1a" * 32
    data, matte = _object(tmp_path, 0.2)
    store.put(key, ".png", data, {"ok": True}, matte=matte)
    assert store.result(key)["matte"] is True and store.matte_path(key, ".png").read_bytes() == matte
    dst = store.publish(key, ".png", "team/a.png")
    side = sidecar_path(dst)
    assert side.name == "a.png.matte.png" and _state(tmp_path / "out", "team/a.png") == "own"
    assert store.publish(key, ".png", "team/a.png") == dst  # idempotent
    # a record that promises a matte whose file is gone is not finished: the next run makes it again
    store.matte_path(key, ".png").unlink()
    assert not store.has(key, ".png")
    # an output without a matte replaces the old one and takes candid's old sidecar with it
    other = "2b" * 32
    store.put(other, ".png", _object(tmp_path, 0.7, with_matte=False)[0], {"ok": True})
    assert store.result(other)["matte"] is False and store.has(other, ".png")
    store.publish(other, ".png", "team/a.png")
    assert not side.exists() and _state(tmp_path / "out", "team/a.png") == "none"
    # a sidecar name that leads outside OUT through a symlink is refused like an output name
    (tmp_path / "elsewhere").mkdir()
    store.put(key, ".png", data, {"ok": True}, matte=matte)
    (tmp_path / "out" / "b.png.matte.png").symlink_to(tmp_path / "elsewhere" / "m.png")
    with pytest.raises(ValueError, match="symbolic link"):
        store.publish(key, ".png", "b.png")


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs (not even except-Exception blocks)."""


@pytest.mark.parametrize("at", [0, 1, 2])
def test_a_kill_while_publishing_never_leaves_another_runs_sidecar(tmp_path, monkeypatch, at):
    """Run 1 published a.png with its matte; run 2 (other pixels) is killed at its ``at``-th file operation."""
    out = tmp_path / "out"
    store = ResultStore(out)
    old, new = "3c" * 32, "4d" * 32
    data, matte = _object(tmp_path, 0.2)
    store.put(old, ".png", data, {"ok": True}, matte=matte)
    store.publish(old, ".png", "a.png")
    assert _state(out, "a.png") == "own"
    data, matte = _object(tmp_path, 0.6)
    store.put(new, ".png", data, {"ok": True}, matte=matte)

    from candid.finish import _saved_matte

    calls = {"n": 0}
    real_link, real_discard = store_mod._link, _saved_matte.discard_matte

    def step(fn):
        def wrapped(*a, **k):
            if calls["n"] == at:
                raise Killed()
            calls["n"] += 1
            return fn(*a, **k)
        return wrapped

    monkeypatch.setattr(store_mod, "_link", step(real_link))
    monkeypatch.setattr(_saved_matte, "discard_matte", step(real_discard))
    with pytest.raises(Killed):
        store.publish(new, ".png", "a.png")
    # whatever the kill interrupted: the output has its own sidecar or none, and no temp file shows
    assert _state(out, "a.png") in ("own", "none")
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".candid")) in (
        ["a.png"], ["a.png", "a.png.matte.png"])
    monkeypatch.undo()
    # the resumed run publishes again: the new output with its own matte
    store.publish(new, ".png", "a.png")
    assert _state(out, "a.png") == "own"
    assert np.array_equal(read_image(out / "a.png").pixels, read_image(store.object_path(new, ".png")).pixels)


@pytest.mark.parametrize("after", [0.3, 0.7, 1.1])
def test_kill_9_while_publishing_over_and_over_leaves_no_foreign_or_half_sidecar(tmp_path, after):
    """A real SIGKILL: a process publishes three results (two with mattes, one without) to one name in a loop
    and is killed at some moment; the output has its own sidecar or none, and no half file shows."""
    import os
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    store = ResultStore(out)
    keys = ["6a" * 32, "6b" * 32, "6c" * 32]
    for key, tone, with_matte in zip(keys, (0.2, 0.5, 0.8), (True, True, False)):
        data, matte = _object(tmp_path, tone, with_matte)
        store.put(key, ".png", data, {"ok": True}, matte=matte)
    code = ("import sys; from candid.batch import ResultStore; s = ResultStore(sys.argv[1]); keys = sys.argv[2:]\n"
            "i = 0\nwhile True:\n    s.publish(keys[i % 3], '.png', 'a.png'); i += 1\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(out), *keys], start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not (out / "a.png").exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        time.sleep(after)
        assert proc.poll() is None, "the publishing loop stopped by itself"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    assert _state(out, "a.png") in ("own", "none")
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible in (["a.png"], ["a.png", "a.png.matte.png"])
    store.sweep()  # what the kill left under temporary names goes
    assert sorted(p.name for p in out.iterdir()) in ([".candid-batch", "a.png"],
                                                     [".candid-batch", "a.png", "a.png.matte.png"])


def test_a_kill_inside_put_leaves_the_item_unfinished(tmp_path, monkeypatch):
    """Object, matte, record: the record is written last, so a kill before it means 'run again'."""
    store = ResultStore(tmp_path / "out")
    key = "5e" * 32
    data, matte = _object(tmp_path, 0.3)
    real = store_mod.atomic_write_bytes

    def killed_at_the_record(path, payload):
        if Path(path).suffix == ".json":
            raise Killed()
        return real(path, payload)

    monkeypatch.setattr(store_mod, "atomic_write_bytes", killed_at_the_record)
    with pytest.raises(Killed):
        store.put(key, ".png", data, {"ok": True}, matte=matte)
    monkeypatch.undo()
    assert not store.has(key, ".png") and store.matte_path(key, ".png").read_bytes() == matte
    assert not [p for p in (tmp_path / "out").rglob("*") if ".part" in p.name or "tmp" in p.name]


def test_a_sidecar_name_taken_by_another_row_is_refused(tmp_path, astronaut):
    write_image(tmp_path / "p.png", cv2.resize(astronaut, (64, 64), interpolation=cv2.INTER_AREA))
    (tmp_path / "m.csv").write_text("subject,inputs,overrides,output\n,p.png,,a.png\n,p.png,,a.png.matte.png\n")
    from candid.batch import ManifestError

    recipe = Recipe(name="r", steps=[Step(stage="finish", params={"size": "80x80", "backend": "classical"})])
    with pytest.raises(ManifestError, match="matte sidecar"):
        run_batch(load_manifest(tmp_path / "m.csv"), recipe, tmp_path / "out", workers=1, sign=False)
    # a sidecar's name that is a symlink out of OUT: refused before anything runs, one line per row
    (tmp_path / "m.csv").write_text("subject,inputs,overrides,output\n,p.png,,a.png\n")
    (tmp_path / "out").mkdir(exist_ok=True)
    (tmp_path / "out" / "a.png.matte.png").symlink_to(tmp_path / "p.png")
    with pytest.raises(ManifestError, match="row 1: output a.png: its matte sidecar a.png.matte.png: it is a symbolic"):
        run_batch(load_manifest(tmp_path / "m.csv"), recipe, tmp_path / "out", workers=1, sign=False)
    assert not (tmp_path / "out" / "a.png").exists()


@pytest.mark.slow
def test_a_studio_batch_writes_each_matte_lists_it_and_finish_uses_it(tmp_path, astronaut, capsys):
    """One real studio row (made once, published under two names) and its 4k-style finish carry the matte."""
    write_image(tmp_path / "p.png", cv2.resize(astronaut, (256, 256), interpolation=cv2.INTER_AREA))
    (tmp_path / "m.csv").write_text("subject,inputs,overrides,output\n,p.png,,a.jpg\n,p.png,,team/b.jpg\n")
    recipe = Recipe(name="studio", steps=[Step(stage="engine.studio", params={"style": "linkedin"}),
                                          Step(stage="finish", params={"size": "480x600", "backend": "classical"})])
    out = tmp_path / "out"
    s = run_batch(load_manifest(tmp_path / "m.csv"), recipe, out, workers=1, fixed_time=FIXED)
    assert s.failed == 0 and s.done == 2
    report = json.loads((out / "batch-report.json").read_text())
    assert [r["matte"] for r in report["rows"]] == ["a.jpg.matte.png", "team/b.jpg.matte.png"]
    for name in ("a.jpg", "team/b.jpg"):
        img = read_image(out / name).pixels  # the signed copy: same pixels, so the digest holds
        got = load_saved_matte(out / name)
        assert got.matte is not None and got.matte.shape == img.shape[:2] == (480, 480)  # contain: square in the box
        assert 0.1 < float(got.matte.mean()) < 0.9  # a person, not an empty or full frame
    done = [e for e in ResultStore(out).read_journal() if e["event"] == "done"]
    assert done and done[0]["matte"] is True
    # resumed: cached, the sidecars are still the right ones
    s2 = run_batch(load_manifest(tmp_path / "m.csv"), recipe, out, workers=1, fixed_time=FIXED)
    assert s2.cached == 2 and [r.matte for r in s2.rows] == ["a.jpg.matte.png", "team/b.jpg.matte.png"]
    assert load_saved_matte(out / "a.jpg").matte is not None
    # the CLI says so (from the store: nothing is made again)
    (tmp_path / "r.toml").write_text('name = "studio"\n[[steps]]\nstage = "engine.studio"\nparams = {style = "linkedin"}\n'
                                      '[[steps]]\nstage = "finish"\nparams = {size = "480x600", backend = "classical"}\n')
    from candid.cli import main

    assert main(["batch", str(tmp_path / "m.csv"), "--recipe", str(tmp_path / "r.toml"), "--out", str(out),
                 "-j", "1", "--timestamp", FIXED]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "2 output(s) have the cut-out's matte beside them" in said
    # the same names from a recipe without a cut-out: the old sidecars go, the report says none
    plain = Recipe(name="plain", steps=[Step(stage="finish", params={"size": "200x200", "backend": "classical"})])
    s3 = run_batch(load_manifest(tmp_path / "m.csv"), plain, out, workers=1, fixed_time=FIXED)
    assert s3.done == 2 and [r.matte for r in s3.rows] == [None, None]
    assert not sidecar_path(out / "a.jpg").exists() and not sidecar_path(out / "team/b.jpg").exists()
