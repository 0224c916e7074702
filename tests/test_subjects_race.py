"""Issue 23: two real `candid enroll` processes racing for the same subject or the same new name.

Each process waits (in a patched ``check_batch``) until both have analysed
their photos, so they reach the write at the same moment: the race of the
issue, every time. Kept apart from test_subjects_concurrency.py so each file
stays under a minute.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from candid.cli import main
from tests.conftest import library_is_consistent as consistent
from candid.subjects import Library

RACER = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    import candid.subjects.library as L
    flag_dir = Path(sys.argv[1])
    real = L.check_batch
    calls = []
    def check_batch(new, existing):
        real(new, existing)
        if not calls:  # first check (unlocked): say "ready", wait for "go"
            calls.append(1)
            (flag_dir / f"ready-{sys.argv[2]}").touch()
            deadline = time.monotonic() + 60
            while not (flag_dir / "go").exists() and time.monotonic() < deadline:
                time.sleep(0.01)
    L.check_batch = check_batch
    from candid.cli import main
    sys.exit(main(sys.argv[3:]))
''')


def race(tmp_path: Path, args_a: list[str], args_b: list[str]) -> list[int]:
    flags = tmp_path / "flags"
    flags.mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", RACER, str(flags), str(i), *args],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for i, args in enumerate((args_a, args_b))]
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not all((flags / f"ready-{i}").exists() for i in (0, 1)):
            if any(p.poll() is not None for p in procs):
                break
            time.sleep(0.02)
        (flags / "go").touch()
        codes = [p.wait(90) for p in procs]
        errs = [p.stderr.read().decode() for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for err in errs:
        assert "Traceback" not in err and "IntegrityError" not in err, err
    return codes


def test_two_processes_add_the_same_photos_to_one_subject(tmp_path, photo_dir):
    lib = tmp_path / "lib"
    assert main(["enroll", "Eileen Collins", str(photo_dir / "original.jpg"), "--consent", "self",
                 "--library", str(lib)]) == 0
    args = ["enroll", "Eileen Collins", str(photo_dir / "crop.jpg"), "--library", str(lib)]
    codes = race(tmp_path, args, args)
    assert sorted(codes) == [0, 5]  # one adds them, the other is told they are already there
    consistent(lib)
    assert len(Library(lib).profile("Eileen Collins").photos) == 2


def test_two_processes_enroll_the_same_new_name(tmp_path, photo_dir):
    lib = tmp_path / "lib"
    args = ["enroll", "Eileen Collins", str(photo_dir / "original.jpg"), "--consent", "self", "--library", str(lib)]
    codes = race(tmp_path, args, args)
    assert sorted(codes) == [0, 5]
    consistent(lib)
    assert [s.n_photos for s in Library(lib).subjects()] == [1]
