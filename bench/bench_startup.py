"""Benchmark: what a command costs before it does any work (import time), as a ratio to numpy + cv2.

Run: .venv/bin/python bench/bench_startup.py [--runs 10] [--before /path/to/old/checkout]

Each command runs ``--runs`` times in a fresh interpreter; the median wall time
is reported and divided by the median of ``python -c "import numpy, cv2"``
(the floor: any image tool in Python pays it). With ``--before`` the same
commands also run against another checkout's ``src`` (``PYTHONPATH``), runs
interleaved with this tree's so that both see the same machine load.

Commands: ``python -c pass`` (the interpreter alone: a second ratio); ``import candid.cli``; ``candid --help``;
``candid make --help``; ``candid inspect --help`` (what any command's help page costs: typer builds it
and imports pydantic);
the face mesh's mediapipe import (``mesh_available()``); ``candid inspect``
on a small JPEG (``--photo``, default ../shared/data/real/people/yangmi/yangmi_5.jpg,
274 px, or the astronaut at 256 px when the data folder is absent).
Results: bench/results/startup.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
PHOTO = HERE.parent.parent / "shared" / "data" / "real" / "people" / "yangmi" / "yangmi_5.jpg"
MODULES = ("mediapipe", "torch", "scipy", "skimage", "pymatting", "matplotlib", "sklearn", "dlib")


def commands(photo: str) -> dict[str, list[str]]:
    py = [sys.executable]
    return {
        "python -c pass": py + ["-c", "pass"],
        "floor: import numpy, cv2": py + ["-c", "import numpy, cv2"],
        "import candid.cli": py + ["-c", "import candid.cli"],
        "candid --help": py + ["-m", "candid", "--help"],
        "candid make --help": py + ["-m", "candid", "make", "--help"],
        "candid inspect --help": py + ["-m", "candid", "inspect", "--help"],
        "mediapipe for the mesh": py + ["-c", "from candid.face.mesh import mesh_available; mesh_available()"],
        "candid inspect small.jpg": py + ["-m", "candid", "inspect", photo],
    }


def wall(argv: list[str], src: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(src), COLUMNS="100")
    t0 = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    return time.perf_counter() - t0


def loaded(src: Path) -> dict[str, list[str]]:
    """Heavy libraries in ``sys.modules`` after ``import candid.cli`` and after the mesh's mediapipe import."""
    code = ("import sys, json\nimport candid.cli\na = [m for m in {m!r} if m in sys.modules]\n"
            "from candid.face.mesh import mesh_available\nmesh_available()\n"
            "b = [m for m in {m!r} if m in sys.modules and m not in a]\n"
            "print(json.dumps({{'cli': a, 'mesh adds': b, "
            "'pyplot executed': 'matplotlib.figure' in sys.modules}}))").format(m=MODULES)
    env = dict(os.environ, PYTHONPATH=str(src))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def git_head(src: Path) -> str:
    done = subprocess.run(["git", "-C", str(src), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() or "?"


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--before", type=Path, help="another checkout (its src/ is imported) to compare with")
    ap.add_argument("--photo", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "startup.json")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        photo = args.photo or PHOTO
        if not photo.is_file():  # no data folder: the astronaut, small
            import cv2
            from skimage import data

            photo = Path(tmp) / "astronaut.jpg"
            cv2.imwrite(str(photo), cv2.resize(data.astronaut()[:, :, ::-1], (256, 256), interpolation=cv2.INTER_AREA))
        trees = {"after": SRC}
        if args.before:
            trees = {"before": args.before.resolve() / "src", "after": SRC}
        cmds = commands(str(photo))
        times: dict[str, dict[str, list[float]]] = {t: {c: [] for c in cmds} for t in trees}
        load_start = os.getloadavg()
        for name, argv_ in cmds.items():  # warm the file cache and .pyc files; not counted
            for src in trees.values():
                wall(argv_, src)
        for _ in range(args.runs):
            for name, argv_ in cmds.items():
                for tree, src in trees.items():
                    times[tree][name].append(wall(argv_, src))
        load_end = os.getloadavg()

    result = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "machine": {"nproc": os.cpu_count(), "load_avg_1_5_15_start": [round(x, 2) for x in load_start],
                    "load_avg_1_5_15_end": [round(x, 2) for x in load_end],
                    "python": platform.python_version(), "platform": platform.platform()},
        "runs": args.runs,
        "photo": photo.name,
        "trees": {},
    }
    floor_name = "floor: import numpy, cv2"
    # the floor does not depend on the tree: one median over every run of it
    floor = statistics.median([t for tree in trees for t in times[tree][floor_name]])
    result["floor_s"] = round(floor, 3)
    bare = statistics.median([t for tree in trees for t in times[tree]["python -c pass"]])
    result["python_s"] = round(bare, 3)
    for tree, src in trees.items():
        med = {c: statistics.median(v) for c, v in times[tree].items()}
        result["trees"][tree] = {
            "commit": git_head(src.parent),
            "median_s": {c: round(v, 3) for c, v in med.items()},
            "ratio_to_floor": {c: round(v / floor, 2) for c, v in med.items()},
            "ratio_to_python": {c: round(v / bare, 2) for c, v in med.items()},
            "imports": loaded(src),
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")

    print(f"{result['date']}  nproc {result['machine']['nproc']}  load {load_start[0]:.2f} -> {load_end[0]:.2f}  "
          f"{args.runs} runs, median wall s (ratio to numpy+cv2, {floor:.3f} s; to python -c pass, {bare:.3f} s; "
          "each over all its runs)")
    print(f"{'command':28s}" + "".join(f"{t:>26s}" for t in trees))
    for c in cmds:
        row = "".join(f"{result['trees'][t]['median_s'][c]:9.3f} ({result['trees'][t]['ratio_to_floor'][c]:4.2f}x, "
                      f"{result['trees'][t]['ratio_to_python'][c]:5.2f}x)" for t in trees)
        print(f"{c:28s}{row}")
    for t in trees:
        print(t, result["trees"][t]["commit"], result["trees"][t]["imports"])
    return result


if __name__ == "__main__":
    main()
