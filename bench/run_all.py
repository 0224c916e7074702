"""Run the speed and memory benchmarks one after another (what `make bench` does).

Usage::

    .venv/bin/python bench/run_all.py            # every benchmark below, in order
    .venv/bin/python bench/run_all.py face looks # only these

Each benchmark runs in its own process with its speed-and-memory mode (the
picture-making and data-set evaluation modes are run by hand; see each
script's docstring). Results go where each script puts them (stdout, and
docs/BENCHMARKS.md sections written by hand from them). The quality numbers
on real photos come from `make scorecard`, not from here.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: name -> arguments of the script's speed/memory mode (never appends to docs by itself)
BENCHMARKS: dict[str, list[str]] = {
    "face": ["bench_face.py"],
    "studio": ["bench_studio.py", "--no-append"],
    "inspect": ["bench_inspect.py", "speed"],
    "finish": ["bench_finish.py", "speed"],
    "looks": ["bench_looks.py", "stream"],
    "restore": ["bench_restore.py"],
    "batch": ["bench_batch.py", "--no-append"],
    "web": ["bench_web.py"],
    "watermark": ["bench_watermark.py"],
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"error: unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}",
              file=sys.stderr)
        return 2
    failed = []
    for name in names:
        script, *args = BENCHMARKS[name]
        print(f"== {name}: {script} {' '.join(args)}", flush=True)
        t0 = time.perf_counter()
        code = subprocess.call([sys.executable, str(HERE / script), *args], cwd=HERE.parent)
        print(f"== {name}: exit {code} after {time.perf_counter() - t0:.0f} s", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
