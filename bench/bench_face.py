"""Benchmark: face analysis at 1 MP and 24 MP, enrolment per photo, and identity accuracy.

Run: .venv/bin/python bench/bench_face.py
Each measurement runs in a fresh subprocess so peak RSS (ru_maxrss) is its own.
Identity accuracy uses ../shared/data/real when present (skipped with a message otherwise).
"""

from __future__ import annotations

import itertools
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "real"

CHILD = r"""
import json, resource, sys, time
import cv2, numpy as np
from skimage import data
task, arg = sys.argv[1], sys.argv[2]
if task == "analyze":
    from candid.face import analyze_face, face_regions, skin_texture
    side = int(arg)
    img = cv2.resize(data.astronaut().astype(np.float32) / 255, (side, side), interpolation=cv2.INTER_CUBIC)
    analyze_face(img)  # warm-up: model loading is reported separately
    t = time.perf_counter()
    face = analyze_face(img)
    skin_texture(img, face.landmarks)
    elapsed = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # baseline: what a user of dlib would do by hand (detect at upsample 1, landmarks, embedding)
    import dlib
    from candid.face import _models
    u8 = (img * 255).astype(np.uint8)
    t = time.perf_counter()
    rects = _models.detector()(u8, 1)
    shape = _models.shape_predictor()(u8, rects[0])
    _models.recognizer().compute_face_descriptor(u8, shape)
    baseline = time.perf_counter() - t
    print(json.dumps({"seconds": elapsed, "baseline_seconds": baseline, "peak_mb": peak,
                      "image_mb": img.nbytes / 2**20}))
elif task == "enroll":
    from candid.subjects import Library, make_consent
    paths = json.loads(arg)
    lib = Library(sys.argv[3])
    t = time.perf_counter()
    lib.enroll("Bench Person", paths, consent=make_consent("self", None, None, None, "Bench Person"))
    elapsed = time.perf_counter() - t
    print(json.dumps({"seconds_per_photo": elapsed / len(paths),
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def child(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    results: dict = {}
    for side in (1024, 4899):  # 1 MP and 24 MP
        results[f"analyze_{side}"] = child("analyze", str(side))
        print(side, results[f"analyze_{side}"], flush=True)

    import numpy as np
    from skimage import data

    sys.path.insert(0, str(HERE.parent / "tests"))
    from conftest import variants

    from candid.imageio import write_image

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        img = data.astronaut().astype(np.float32) / 255
        for name, v in variants(img).items():
            paths.append(str(write_image(Path(tmp) / name, v)))
        results["enroll"] = child("enroll", json.dumps(paths), str(Path(tmp) / "lib"))
        print("enroll", results["enroll"], flush=True)

    if DATA.is_dir():
        from candid.face import analyze_face, identity_distance
        from candid.imageio import read_image

        emb = {}
        for p in sorted(DATA.glob("*.jpg")):
            try:
                emb[p.stem] = analyze_face(read_image(p).pixels, face_index=0, quality=False).embedding
            except Exception as exc:  # a partial face may not be found: report it
                print(f"{p.name}: {exc}")
        pairs = {}
        for a, b in itertools.combinations(sorted(emb), 2):
            same = a.startswith("obama") and b.startswith("obama")
            pairs[f"{a}~{b}"] = (round(identity_distance(emb[a], emb[b]), 3), "same" if same else "different")
        results["identity_pairs"] = pairs
        for k, v in pairs.items():
            print(k, v)
    else:
        print(f"{DATA} not found: identity accuracy skipped")

    results["machine"] = f"{platform.machine()}, {__import__('os').cpu_count()} cores, Python {platform.python_version()}"
    results["date"] = date.today().isoformat()
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "face.json").write_text(json.dumps(results, indent=2))
    print(f"wrote {out / 'face.json'}")


if __name__ == "__main__":
    main()
