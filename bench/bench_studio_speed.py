"""Studio engine speed and peak memory on real photos, this tree against other trees in the same run.

Each case (photo, style, tree) runs in a fresh subprocess with that tree's
``src`` first on ``PYTHONPATH``: the scorecard's recipe (``studio_recipe``,
as ``/tmp/helpers/sty.py`` and ``candid.scorecard.studio`` run it) up to and
including ``engine.studio``, timed from the photo read to the engine's
output (face analysis included, finishing left out), with the process's
peak resident memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``, which
includes the imports), its CPU time (user + system over the same span, both
cores; less swayed by the shared machine's load than the wall time) and a SHA-1 of the engine's output pixels and matte,
so a tree that is meant to give the same picture is checked byte for byte.
The trees of one case run back to back (in the order given, this tree
last), so a change in the shared machine's load hits both alike; the load
average is recorded with every case.

Examples (2 shared cores: run one at a time, under ``nice``)::

    git worktree add /tmp/wt/r18-base 22bceae      # stop 40, the tree before round 17
    nice -n 5 .venv/bin/python bench/bench_studio_speed.py --tree stop40=/tmp/wt/r18-base/src \\
        --photos portraits/pengwei.jpg,obama3.jpg,biden.jpg --styles linkedin,passport --json /tmp/speed.json

Prints one markdown row per (photo, style): seconds and peak MB per tree,
this tree's time over each other tree's (ratio < 1: faster), and whether the
output is byte-identical to each other tree's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_one(photo: str, style: str) -> dict:
    """In this process: the recipe up to ``engine.studio`` on ``photo``; seconds, peak MB, output hashes."""
    import hashlib
    import resource

    import numpy as np

    from candid.engines.studio.recipe import studio_recipe
    from candid.imageio import read_image
    from candid.portrait import Portrait
    from candid.recipes import run_recipe
    from candid.scorecard.studio import studio_matte

    t0, c0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    px = read_image(photo).pixels
    recipe = studio_recipe(style, face=1, seed=0)
    steps = [s for s in recipe.steps if s.stage != "inspect"]
    at = [s.stage for s in steps].index("engine.studio") + 1
    first = run_recipe(recipe.model_copy(update={"steps": steps[:at]}), Portrait(px, source=os.path.basename(photo)))
    secs, c1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF)
    cpu = (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime)
    matte = studio_matte(first)
    sha = hashlib.sha1(np.ascontiguousarray(first.pixels, np.float32).tobytes())
    if matte is not None:
        sha.update(np.ascontiguousarray(matte, np.float32).tobytes())
    return {"seconds": round(secs, 2), "cpu_s": round(cpu, 2), "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "sha1": sha.hexdigest()[:12], "megapixels": round(px.shape[0] * px.shape[1] / 1e6, 2)}


def in_subprocess(src: str, photo: str, style: str, python: str) -> dict:
    env = dict(os.environ, PYTHONPATH=src)
    load = os.getloadavg()[0]
    p = subprocess.run([python, __file__, "--one", photo, style], env=env, capture_output=True, text=True)
    if p.returncode != 0:
        return {"error": p.stderr.strip().splitlines()[-1:] or [f"exit {p.returncode}"], "load": round(load, 1)}
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res["load"] = round(load, 1)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data/real"))
    ap.add_argument("--photos", default="portraits/pengwei.jpg,obama3.jpg,biden.jpg",
                    help="comma-separated paths under --data")
    ap.add_argument("--styles", default="linkedin,passport")
    ap.add_argument("--tree", action="append", default=[],
                    help="NAME=SRC_DIR of another tree to compare (repeatable), e.g. stop40=/tmp/wt/r18-base/src")
    ap.add_argument("--json", type=Path, default=None, help="append every case as a JSON line")
    ap.add_argument("--one", nargs=2, metavar=("PHOTO", "STYLE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(*args.one)))
        return 0
    trees = [tuple(t.split("=", 1)) for t in args.tree] + [("this", str(ROOT / "src"))]
    others = [n for n, _ in trees[:-1]]
    head = ["photo", "style", "MP"] + [f"{n} s" for n, _ in trees] + [f"this/{n}" for n in others] + \
        [f"{n} CPU s" for n, _ in trees] + [f"this/{n} CPU" for n in others] + \
        [f"{n} MB" for n, _ in trees] + [f"same as {n}" for n in others] + ["load"]
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head), flush=True)
    for photo in args.photos.split(","):
        for style in args.styles.split(","):
            res = {n: in_subprocess(src, str(args.data / photo), style, sys.executable) for n, src in trees}
            if args.json:
                with open(args.json, "a") as f:
                    f.write(json.dumps({"photo": photo, "style": style, **res}) + "\n")
            this = res["this"]
            cell = lambda r, k: str(r.get(k, "err"))
            row = [photo, style, cell(this, "megapixels")] + [cell(res[n], "seconds") for n, _ in trees]
            row += [f"{this['seconds'] / res[n]['seconds']:.2f}" if "seconds" in this and "seconds" in res[n] else "-"
                    for n in others]
            row += [cell(res[n], "cpu_s") for n, _ in trees]
            row += [f"{this['cpu_s'] / res[n]['cpu_s']:.2f}" if "cpu_s" in this and "cpu_s" in res[n] else "-"
                    for n in others]
            row += [cell(res[n], "peak_mb") for n, _ in trees]
            row += ["yes" if this.get("sha1") and this.get("sha1") == res[n].get("sha1") else "no" for n in others]
            row += ["-".join(str(res[n].get("load")) for n, _ in trees)]
            print("| " + " | ".join(row) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
