"""Benchmark and evaluation of the pixel peeper (`candid.inspect`).

Run: .venv/bin/python bench/bench_inspect.py [--append docs/BENCHMARKS.md] [--pictures docs/img]

* Runs the inspector on ../shared/data/real (real photos) and ../shared/data/ai
  (Stable Diffusion 2.1 portraits) and reports per-tell scores, per-tell and
  overall AUC (real vs AI) and accuracy at the fixed threshold 0.5. Skipped
  with a message when the data are absent. The set is tiny (6 real, 12 AI):
  treat the numbers as a smoke test, not a measure of detection power.
* Times one inspection at 1 MP and at 24 MP (the astronaut photo upscaled),
  each in a fresh subprocess so peak RSS (ru_maxrss) is its own.
* With --pictures, writes heatmap overlays and 1:1 crops of one AI image and
  one real photo as docs/img/inspect_*.png.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"

CHILD = r"""
import json, resource, sys, time
import cv2, numpy as np
from skimage import data
from candid.inspect import inspect_image
mp = float(sys.argv[1])
img = data.astronaut().astype(np.float32) / 255
wide = cv2.copyMakeBorder(img, 0, 0, 128, 128, cv2.BORDER_REFLECT)  # 3:2, face undistorted
big = cv2.resize(wide, (int(round(np.sqrt(mp * 1e6 * 1.5))), int(round(np.sqrt(mp * 1e6 / 1.5)))),
                 interpolation=cv2.INTER_CUBIC)
inspect_image(img[:256, :256])  # warm-up (model loading)
t = time.perf_counter()
r = inspect_image(big)
print(json.dumps({"seconds": time.perf_counter() - t, "shape": list(big.shape[:2]),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "face": r.face is not None}))
"""


def auc(neg: list[float], pos: list[float]) -> float:
    """Probability that a random AI image scores above a random real one (ties count half)."""
    if not neg or not pos:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def evaluate() -> dict | None:
    from candid.imageio import read_image
    from candid.inspect import TELLS, inspect_image

    if not DATA.exists():
        print(f"skipping evaluation: {DATA} not found")
        return None
    rows = []
    for label in ("real", "ai"):
        for path in sorted((DATA / label).glob("*")):
            if path.suffix.lower() not in (".jpg", ".jpeg", ".png"):
                continue
            px = read_image(path).pixels
            t = time.perf_counter()
            r = inspect_image(px)
            rows.append({"file": f"{label}/{path.name}", "label": label, "seconds": time.perf_counter() - t,
                         "overall": r.overall, "face": r.face is not None,
                         **{t.name: t.score for t in r.tells},
                         **{f"{t.name}_conf": t.confidence for t in r.tells}})
            print(f"{label:4s} {path.name:28s} overall {r.overall:.2f}  "
                  + " ".join(f"{t.name} {t.score:.2f}/{t.confidence:.1f}" for t in r.tells), flush=True)
    res = {"rows": rows, "auc": {}, "accuracy": {}}
    for key in ("overall",) + TELLS:
        neg = [r[key] for r in rows if r["label"] == "real"]
        pos = [r[key] for r in rows if r["label"] == "ai"]
        res["auc"][key] = auc(neg, pos)
        res["accuracy"][key] = float(np.mean([(r[key] > 0.5) == (r["label"] == "ai") for r in rows]))
    return res


def timing(mp: float) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(mp)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def pictures(folder: Path) -> list[Path]:
    import cv2

    from candid.imageio import read_image
    from candid.inspect import inspect_image
    from candid.inspect.report import crop_1to1, overlay, png_bytes

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for tag, path in (("ai", DATA / "ai" / "bbB-65_3.jpg"), ("real", DATA / "real" / "obama.jpg")):
        if not path.exists():
            continue
        px = read_image(path).pixels
        r = inspect_image(px, afar=False)
        tiles = []
        for t in r.tells:
            if t.heatmap is None or t.confidence == 0:
                continue
            im = overlay(px, t, max_side=384)
            im = cv2.resize(im, (384, int(384 * im.shape[0] / im.shape[1])), interpolation=cv2.INTER_AREA)
            im = np.ascontiguousarray(np.clip(im * 255, 0, 255).astype(np.uint8))
            cv2.putText(im, f"{t.name} {t.score:.2f}", (6, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (0, 0, 0), 4)
            cv2.putText(im, f"{t.name} {t.score:.2f}", (6, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (255, 255, 255), 2)
            tiles.append(im)
        h = max(t.shape[0] for t in tiles)
        sheet = np.hstack([np.pad(t, ((0, h - t.shape[0]), (0, 4), (0, 0))) for t in tiles])
        p = folder / f"inspect_{tag}_heatmaps.png"
        p.write_bytes(png_bytes(sheet))
        written.append(p)
        crops = [np.clip(crop_1to1(px, w) * 255, 0, 255).astype(np.uint8) for t in r.tells for _, w in t.crops[:2]]
        if crops:
            ch = max(c.shape[0] for c in crops)
            strip = np.hstack([np.pad(c, ((0, ch - c.shape[0]), (0, 4), (0, 0))) for c in crops])
            p = folder / f"inspect_{tag}_crops.png"
            p.write_bytes(png_bytes(strip))
            written.append(p)
    return written


def markdown(res: dict | None, times: dict) -> str:
    from candid.inspect import TELLS

    lines = ["", "## inspect (pixel peeper)", "",
             f"Command: `.venv/bin/python bench/bench_inspect.py --append docs/BENCHMARKS.md`  ",
             f"Machine: {platform.machine()}, 2 cores, no GPU, Python {platform.python_version()}; "
             f"date {date.today().isoformat()}.", ""]
    if res is not None:
        n_real = sum(r["label"] == "real" for r in res["rows"])
        n_ai = len(res["rows"]) - n_real
        lines += [f"Dev set: {n_real} real photos, {n_ai} SD 2.1 portraits (768x768 JPEG). Tiny: one or two "
                  "images change every number below; scores use hand-set priors, nothing was fit to this set.", "",
                  "| tell | AUC (AI > real) | accuracy @ 0.5 | mean real | mean AI |", "|---|---|---|---|---|"]
        for key in ("overall",) + TELLS:
            real = np.mean([r[key] for r in res["rows"] if r["label"] == "real"])
            ai = np.mean([r[key] for r in res["rows"] if r["label"] == "ai"])
            lines.append(f"| {key} | {res['auc'][key]:.2f} | {res['accuracy'][key]:.2f} | {real:.2f} | {ai:.2f} |")
        lines += ["", "Per image (score / confidence):", "", "| image | overall | " + " | ".join(TELLS) + " |",
                  "|---|---|" + "---|" * len(TELLS)]
        for r in res["rows"]:
            lines.append(f"| {r['file']} | {r['overall']:.2f} | " + " | ".join(
                f"{r[t]:.2f}/{r[t + '_conf']:.1f}" for t in TELLS) + " |")
        lines.append("")
    lines += ["| image | size | time per image | peak RSS |", "|---|---|---|---|"]
    for label, t in times.items():
        lines.append(f"| astronaut upscaled, {label} | {t['shape'][1]}x{t['shape'][0]} | {t['seconds']:.1f} s | "
                     f"{t['peak_mb']:.0f} MB |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--append", type=Path, help="Append the results as a Markdown section to this file.")
    ap.add_argument("--pictures", type=Path, help="Write inspect_*.png pictures into this folder.")
    args = ap.parse_args()
    res = evaluate()
    if res is not None:
        print("AUC:", {k: round(v, 2) for k, v in res["auc"].items()})
        print("accuracy:", {k: round(v, 2) for k, v in res["accuracy"].items()})
    times = {"1 MP": timing(1.0), "24 MP": timing(24.0)}
    print("timing:", times)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "inspect.json").write_text(json.dumps({"eval": res, "timing": times}, indent=1, default=str))
    if args.pictures and DATA.exists():
        for p in pictures(args.pictures):
            print("wrote", p, f"{p.stat().st_size / 1e6:.2f} MB")
    if args.append:
        with open(args.append, "a", encoding="utf-8") as fh:
            fh.write(markdown(res, times))
        print("appended to", args.append)


if __name__ == "__main__":
    main()
