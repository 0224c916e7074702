"""Evaluation, calibration and speed of the pixel peeper (`candid.inspector`).

Run:
    .venv/bin/python bench/bench_inspect.py eval [--cache /tmp/inspect_cache] [--fit] [--append docs/BENCHMARKS.md]
    .venv/bin/python bench/bench_inspect.py speed [--append docs/BENCHMARKS.md]

* ``eval``: inspects every image of ../shared/data/ai (112 Stable Diffusion 2.1
  portraits) and ../shared/data/real (all real photos, recursively) twice: as
  the files are ("raw") and under the matched protocol (long side 768, JPEG
  q90 for both: :func:`candid.inspector.combine.match_protocol`, the scorecard's
  ``normalise``). Reports are cached as JSON (one file per image and protocol)
  so re-runs only redo what is missing. Prints per-tell AUC (score and
  evidence), the 5-fold out-of-fold AUC of the combination on both protocols,
  and with ``--fit`` writes ``src/candid/inspector/combination.json`` (fitted on
  the matched protocol, with 20 bootstrap refits for the reported ranges).
* ``speed``: an 8K (4320x7680) portrait (the astronaut, upscaled) saved as
  PNG; in a fresh subprocess each: decode only (``read_image``), the report
  from the file as ``candid inspect`` makes it (lazy pyvips image), and
  decode + report of the array (face found by the inspector, "good from
  afar" curve included). Wall, CPU time and peak RSS (ru_maxrss) of each;
  the report's ratio to decoding.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT.parent / "shared" / "data"
SHIPPED = ROOT / "src" / "candid" / "inspect" / "combination.json"
SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def dataset(include_old: bool = False) -> list[tuple[str, int]]:
    """(relative path, label) for ai/ (1) and real/ (0), optionally old/ (0)."""
    out = []
    folders = [("ai", 1), ("real", 0)] + ([("old", 0)] if include_old else [])
    for folder, label in folders:
        for p in sorted((DATA / folder).rglob("*")):
            if p.is_file() and p.suffix.lower() in SUFFIXES:
                out.append((p.relative_to(DATA).as_posix(), label))
    return out


def inspect_all(items, cache: Path, part: int = 0, parts: int = 1) -> None:
    from candid.imageio import read_image
    from candid.inspector import inspect_image
    from candid.inspector.combine import match_protocol

    for i, (rel, label) in enumerate(items):
        if i % parts != part:
            continue
        for proto in ("raw", "matched"):
            out = cache / proto / (rel.replace("/", "__") + ".json")
            if out.exists():
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            px = read_image(DATA / rel).pixels
            if proto == "matched":
                px = match_protocol(px)
            t = time.perf_counter()
            d = inspect_image(px, afar=False).to_dict()
            d.update(seconds=time.perf_counter() - t, label=label, file=rel)
            out.write_text(json.dumps(d, default=float))
            print(f"{proto:7s} {rel:45s} {d['seconds']:.1f} s", flush=True)


def load(cache: Path, proto: str, items) -> tuple[list[dict], np.ndarray]:
    reps = []
    for rel, _ in items:
        f = cache / proto / (rel.replace("/", "__") + ".json")
        if f.exists():
            reps.append(json.loads(f.read_text()))
    return reps, np.array([r["label"] for r in reps])


def tell_table(reps, y) -> dict:
    from candid.inspector.combine import auc

    out = {}
    for name in [t["name"] for t in reps[0]["tells"]]:
        s = np.array([next(t for t in r["tells"] if t["name"] == name)["score"] for r in reps])
        c = np.array([next(t for t in r["tells"] if t["name"] == name)["confidence"] for r in reps])
        out[name] = {"auc_score": auc(y, s), "auc_evidence": auc(y, (s - 0.5) * c),
                     "judged_real": float(np.mean(c[y == 0] > 0.05)), "judged_ai": float(np.mean(c[y == 1] > 0.05))}
    return out


def evaluate(cache: Path, fit_ship: bool, include_old: bool) -> dict:
    from candid.inspector import combine as cb

    items = dataset(include_old)
    res: dict = {"n_items": len(items)}
    models = {}
    for proto in ("raw", "matched"):
        reps, y = load(cache, proto, items)
        X = np.array([cb.features(r) for r in reps])
        oof = cb.cross_val_predict(X, y, folds=5, seed=0)
        models[proto] = (X, y)
        res[proto] = {"n_ai": int(y.sum()), "n_real": int((y == 0).sum()), "cv_auc": cb.auc(y, oof),
                      "tells": tell_table(reps, y)}
        print(f"{proto}: {res[proto]['n_ai']} AI vs {res[proto]['n_real']} real, 5-fold CV AUC "
              f"{res[proto]['cv_auc']:.3f}")
        for name, t in res[proto]["tells"].items():
            print(f"   {name:9s} AUC score {t['auc_score']:.2f}  evidence {t['auc_evidence']:.2f}  "
                  f"judged real {t['judged_real']:.0%} AI {t['judged_ai']:.0%}")
    X, y = models["matched"]
    # Trained on matched, scored on raw (and the reverse): does the model carry over to the other protocol?
    m = cb.fit(X, y, seed=0)
    Xr, yr = models["raw"]
    res["matched_model_on_raw_auc"] = cb.auc(yr, m.predict(Xr))
    res["matched"]["shipped_overall_auc"] = cb.auc(y, m.predict(X))
    res["raw"]["shipped_overall_auc"] = res["matched_model_on_raw_auc"]
    print(f"model fitted on matched, scored on raw: AUC {res['matched_model_on_raw_auc']:.3f}")
    res["coef"] = {n: round(float(c), 4) for n, c in zip(cb.FEATURE_NAMES, m.coef)}
    print("coefficients (standardised):", res["coef"])
    if fit_ship:
        meta = {"data": "../shared/data: ai/ (112 Stable Diffusion 2.1 portraits, 768x768 JPEG) vs real/ "
                        + ("and old/ " if include_old else "") + f"({int((y == 0).sum())} photos)",
                "protocol": "matched: long side 768 (area down, Lanczos up), JPEG q90, for both classes",
                "command": "bench/bench_inspect.py eval --fit", "cv_auc_matched": round(res["matched"]["cv_auc"], 4),
                "cv_auc_raw": round(res["raw"]["cv_auc"], 4), "date": date.today().isoformat(),
                **m.meta, "bootstrap": cb.bootstrap_fits(X, y, n=20, seed=0)}
        shipped = cb.Combination(m.names, m.mean, m.scale, m.coef, m.intercept, meta)
        SHIPPED.write_text(shipped.to_json() + "\n")
        print("wrote", SHIPPED)
    return res


CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter(); c0 = time.process_time()
from candid.imageio import open_vips, read_image
if sys.argv[2] == "report":  # what `candid inspect FILE` does: lazy pyvips image, tiles and scaled copies only
    px = open_vips(sys.argv[1])[0]
else:
    px = read_image(sys.argv[1]).pixels
dec = time.perf_counter() - t0
out = {"decode_s": dec, "shape": [px.height, px.width] if sys.argv[2] == "report" else list(px.shape[:2])}
if sys.argv[2] in ("report", "array"):
    from candid.inspector import inspect_image
    t = time.perf_counter()
    r = inspect_image(px)
    out.update(report_s=time.perf_counter() - t, face=r.face is not None, overall=r.overall,
               tells={t.name: round(t.score, 5) for t in r.tells})
out.update(wall_s=time.perf_counter() - t0, cpu_s=time.process_time() - c0,
           peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
print(json.dumps(out))
"""


def speed(path: Path) -> dict:
    import cv2
    from skimage import data

    if not path.exists():
        img = data.astronaut()[:, 64:448]
        big = cv2.resize(img, (4320, 7680), interpolation=cv2.INTER_CUBIC)
        cv2.imwrite(str(path), cv2.cvtColor(big, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 1])
    res = {}
    # decode = read_image (whole float32 frame); report = open_vips + inspect_image (the CLI path, lazy);
    # array = read_image + inspect_image (the in-memory API). Twice each but array: warm file caches.
    for mode in ("decode", "report", "array", "decode", "report"):
        env = dict(os.environ, OMP_NUM_THREADS="2")
        out = subprocess.run([sys.executable, "-c", CHILD, str(path), mode], capture_output=True, text=True,
                             check=True, env=env, cwd=ROOT)
        res[mode] = json.loads(out.stdout.strip().splitlines()[-1])
        print(mode, res[mode], flush=True)
    return res


def markdown(res: dict | None, sp: dict | None) -> str:
    lines = ["", "## inspect (pixel peeper)", "",
             f"Machine: {platform.machine()}, 2 cores shared with other jobs, no GPU, Python "
             f"{platform.python_version()}; {date.today().isoformat()}.", ""]
    if res:
        lines += ["Command: `.venv/bin/python bench/bench_inspect.py eval --fit`. Dev set: "
                  f"{res['matched']['n_ai']} SD 2.1 portraits vs {res['matched']['n_real']} real photos. "
                  "`matched` = both brought to long side 768 + JPEG q90. AUC of the combination is out-of-fold "
                  "(5-fold, stratified, seed 0), never scored on the images it was fitted on.", "",
                  f"| | matched | raw |", "|---|---|---|",
                  f"| combination, 5-fold CV AUC | {res['matched']['cv_auc']:.3f} | {res['raw']['cv_auc']:.3f} |",
                  f"| shipped overall (fitted on all matched: in-sample on matched) | {res['matched']['shipped_overall_auc']:.3f} | "
                  f"{res['raw']['shipped_overall_auc']:.3f} |"]
        for name in res["matched"]["tells"]:
            a, b = res["matched"]["tells"][name], res["raw"]["tells"][name]
            lines.append(f"| tell `{name}`: AUC of score / of evidence; judged real, AI | "
                         f"{a['auc_score']:.2f} / {a['auc_evidence']:.2f}; {a['judged_real']:.0%}, "
                         f"{a['judged_ai']:.0%} | {b['auc_score']:.2f} / {b['auc_evidence']:.2f}; "
                         f"{b['judged_real']:.0%}, {b['judged_ai']:.0%} |")
        lines += ["", "Coefficients (standardised evidence, >= 0 by construction): "
                  + ", ".join(f"`{k}` {v:.2f}" for k, v in res["coef"].items()) + ".", ""]
    if sp:
        d, r, a = sp["decode"], sp["report"], sp.get("array")
        lines += ["8K report: `.venv/bin/python bench/bench_inspect.py speed` (4320x7680 PNG of the astronaut, "
                  "upscaled; face found by the inspector itself, good-from-afar curve included; each row a fresh "
                  "process, same run). `decode` = `read_image` (whole float32 frame); `report` = what "
                  "`candid inspect FILE` does (lazy pyvips image: detector copy, working copy and tiles only); "
                  "`array` = `read_image` + `inspect_image(array)`.", "",
                  "| | wall | CPU | peak RSS |", "|---|---|---|---|",
                  f"| decode only | {d['wall_s']:.1f} s | {d['cpu_s']:.1f} s | {d['peak_mb']:.0f} MB |",
                  f"| report from the file (CLI path) | {r['wall_s']:.1f} s | {r['cpu_s']:.1f} s | {r['peak_mb']:.0f} MB |"]
        if a:
            lines.append(f"| decode + report of the array | {a['wall_s']:.1f} s (report {a['report_s']:.1f} s) | "
                         f"{a['cpu_s']:.1f} s | {a['peak_mb']:.0f} MB |")
        lines += [f"| report from the file / decode only | {r['wall_s'] / max(d['wall_s'], 1e-6):.2f}x wall | "
                  f"{r['cpu_s'] / max(d['cpu_s'], 1e-6):.2f}x CPU | {r['peak_mb'] / max(d['peak_mb'], 1e-6):.2f}x |", ""]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("eval", "speed", "both"))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/inspect_cache"))
    ap.add_argument("--fit", action="store_true", help="write src/candid/inspector/combination.json")
    ap.add_argument("--old", action="store_true", help="count old/ (scanned prints) as real photos too")
    ap.add_argument("--part", type=int, default=0)
    ap.add_argument("--parts", type=int, default=1)
    ap.add_argument("--no-run", action="store_true", help="only read the cache")
    ap.add_argument("--append", type=Path)
    args = ap.parse_args()
    res = sp = None
    if args.what in ("eval", "both"):
        if not DATA.exists():
            print(f"skipping evaluation: {DATA} not found")
        else:
            if not args.no_run:
                inspect_all(dataset(args.old), args.cache, args.part, args.parts)
            if args.part == 0:
                res = evaluate(args.cache, args.fit, args.old)
    if args.what in ("speed", "both"):
        sp = speed(Path("/tmp/inspect_8k.png"))
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "inspect.json").write_text(json.dumps({"eval": res, "speed": sp}, indent=1, default=str))
    if args.append:
        with open(args.append, "a", encoding="utf-8") as fh:
            fh.write(markdown(res, sp))
        print("appended to", args.append)


if __name__ == "__main__":
    main()
