"""Issue 23: the subject library survives concurrent enrolments, kill -9 and look-alike names.

The kill -9 test runs a real `candid enroll` process; the two-process races
are in test_subjects_race.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from candid.cli import main
from tests.conftest import library_is_consistent as consistent
from candid.errors import SubjectConflictError
from candid.subjects import Library

STALLER = textwrap.dedent('''
    import sys, time, shutil
    from pathlib import Path
    import candid.subjects.library as L
    flag = Path(sys.argv[1])
    def copyfileobj(fin, fout, length=0):
        fout.write(fin.read(1000))  # part of the photo, then hang: the test kills us here
        fout.flush()
        flag.touch()
        time.sleep(120)
    L.shutil.copyfileobj = copyfileobj
    from candid.cli import main
    sys.exit(main(sys.argv[2:]))
''')


def test_kill_9_during_the_copy_then_the_library_is_clean(tmp_path, photo_dir):
    lib = tmp_path / "lib"
    flag = tmp_path / "copying"
    cmd = [sys.executable, "-c", STALLER, str(flag), "enroll", "Eileen Collins", str(photo_dir / "original.jpg"),
           "--consent", "self", "--library", str(lib)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while not flag.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert flag.exists(), "the enrolment never reached the copy"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    left = [p for p in (lib / "subjects").rglob("*") if p.is_file()]
    assert left and all(p.name.endswith(".part") for p in left)  # what the kill left behind
    assert Library(lib).subjects() == []  # opening sweeps it
    assert not (lib / "subjects").exists() or not any((lib / "subjects").iterdir())
    # and enrolling again works, leaving a consistent library
    assert main(["enroll", "Eileen Collins", str(photo_dir / "original.jpg"), "--consent", "self",
                 "--library", str(lib)]) == 0
    consistent(lib)


def test_sweep_removes_unreferenced_photos_but_never_a_running_enrolment(tmp_path, photo_dir):
    lib = Library(tmp_path / "lib")
    lib.enroll("Eileen Collins", [photo_dir / "original.jpg"], consent=_self_consent("Eileen Collins"))
    sid = lib.profile("Eileen Collins").id
    stray = lib.subject_dir(sid) / "photos" / ("ab" * 16 + ".jpg")
    stray.write_bytes(b"left by a kill between rename and commit")
    ghost = lib.root / "subjects" / ("0" * 32)
    (ghost / "photos").mkdir(parents=True)
    with lib._locked():  # another process mid-enrolment: the sweep must not touch anything
        assert Library(lib.root).sweep() == []
    removed = Library(lib.root).sweep()
    assert sorted(removed) == sorted([f"subjects/{sid}/photos/{stray.name}", f"subjects/{ghost.name}/"])
    consistent(lib.root)


def _self_consent(name):
    from candid.subjects.library import make_consent

    return make_consent("self", None, None, None, name)


def test_name_clash_between_analysis_and_write_is_a_clean_conflict(tmp_path, photo_dir, monkeypatch):
    import candid.subjects.library as L

    root = tmp_path / "lib"
    real = L.analyze_all

    def analyse_while_someone_else_enrolls(*a, **k):
        out = real(*a, **k)
        monkeypatch.setattr(L, "analyze_all", real)
        Library(root).enroll("Eileen Collins", [photo_dir / "crop.jpg"], consent=_self_consent("Eileen Collins"))
        return out

    monkeypatch.setattr(L, "analyze_all", analyse_while_someone_else_enrolls)
    with pytest.raises(SubjectConflictError, match="another candid process"):
        Library(root).enroll("Eileen Collins", [photo_dir / "original.jpg"], consent=_self_consent("Eileen Collins"))
    consistent(root)


def test_deleting_a_short_name_next_to_another_subject_is_not_a_false_alarm(tmp_path, photo_dir, capsys):
    lib = tmp_path / "lib"
    for name, photos in (("Keeper Person", ["original.jpg", "crop.jpg"]), ("Al", ["original.jpg"])):
        assert main(["enroll", name, *[str(photo_dir / p) for p in photos], "--consent", "self",
                     "--library", str(lib)]) == 0
    assert main(["subjects", "delete", "Al", "--yes", "--library", str(lib)]) == 0
    assert "verified: no trace of Al" in capsys.readouterr().out
    assert [s.name for s in Library(lib).subjects()] == ["Keeper Person"]
    consistent(lib)
    # a real leftover is still caught
    keeper = Library(lib).profile("Keeper Person")
    (lib / "notes.txt").write_text(f"{keeper.id}")
    report = Library(lib).delete("Keeper Person")
    assert any("notes.txt" in t for t in report.leftovers)


def test_web_name_clash_is_409(tmp_path, photo_dir, monkeypatch):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    import candid.subjects.library as L
    from candid.web import create_app

    app = create_app(tmp_path / "library", tmp_path / "data", workers=0)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        c.headers["X-Candid-CSRF"] = c.get("/api/session").json()["csrf"]
        up = c.post("/api/uploads", files={"file": ("me.jpg", (photo_dir / "original.jpg").read_bytes(),
                                                    "image/jpeg")}).json()
        real = L.analyze_all

        def clash(*a, **k):
            out = real(*a, **k)
            monkeypatch.setattr(L, "analyze_all", real)
            Library(tmp_path / "library").enroll("Eileen Collins", [photo_dir / "crop.jpg"],
                                                 consent=_self_consent("Eileen Collins"))
            return out

        monkeypatch.setattr(L, "analyze_all", clash)
        r = c.post("/api/subjects", json={"name": "Eileen Collins", "uploads": [up["id"]],
                                          "consent": {"kind": "self"}})
        assert r.status_code == 409, r.json()
        assert str(tmp_path) not in r.text
