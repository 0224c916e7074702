"""Studio engine benchmark and pictures.

Writes docs/img/studio_*.png (astronaut before/after per style, a 1:1 hair
crop, the matte test), measures the matte on a synthetic composite with a known
alpha (SAD, MSE), identity distance per style, and the time of one headshot
from a 4K photo; appends the numbers to docs/BENCHMARKS.md.

Usage: .venv/bin/python bench/bench_studio.py [--no-append]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

import cv2
import numpy as np
from skimage import data

from candid.engines.studio import STYLES, matte
from candid.engines.studio.stage import studio_stage
from candid.engines.studio.synthetic import known_alpha_composite
from candid.face import analyze_face
from candid.imageio import write_image
from candid.portrait import Portrait

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"


def side_by_side(before: np.ndarray, after: np.ndarray, height: int = 512) -> np.ndarray:
    fit = lambda x: cv2.resize(x, (int(round(x.shape[1] * height / x.shape[0])), height), interpolation=cv2.INTER_AREA)
    gap = np.ones((height, 8, 3), np.float32)
    return np.concatenate([fit(before), gap, fit(after)], axis=1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-append", action="store_true")
    ap.add_argument("--side", type=int, default=3840, help="long side of the 4K test photo")
    args = ap.parse_args()
    IMG.mkdir(parents=True, exist_ok=True)
    astro = data.astronaut().astype(np.float32) / 255
    face = analyze_face(astro)
    lines = []
    # 1. styles
    results = {}
    for style in STYLES:
        t = time.perf_counter()
        out = studio_stage(Portrait(astro, face=face, source="astronaut.png"), style=style)
        dt = time.perf_counter() - t
        results[style] = out
        d = out.log[-1].params["identity_distance"]
        path = write_image(IMG / f"studio_{style}.png", side_by_side(astro, out.pixels))
        lines.append(f"| {style} | {out.width}x{out.height} | {out.log[-1].params['light']} | "
                     f"{out.log[-1].params['background']} | {d:.3f} | {dt:.1f} s | {path.stat().st_size / 1e6:.2f} MB |")
        print(lines[-1], flush=True)
    # 1:1 hair crop of the linkedin result, shown 3x with nearest neighbour so pixels stay pixels
    li = results["linkedin"]
    lm = li.face.landmarks
    from candid.engines.studio.frame import head_extent

    crown, _, _ = head_extent(lm)
    top = max(int(crown[1] - 0.6 * li.face.iod), 0)
    x0 = max(int(lm[0, 0] - 0.6 * li.face.iod), 0)
    crop = li.pixels[top:top + 110, x0:x0 + 160]
    write_image(IMG / "studio_hair_1to1.png", np.kron(crop, np.ones((3, 3, 1), np.float32)))
    # 2. matte on a synthetic composite with known alpha
    img, truth = known_alpha_composite(astro, face.landmarks)
    t = time.perf_counter()
    est = matte(img, face.landmarks)
    t_matte = time.perf_counter() - t
    sad = float(np.abs(est - truth).sum()) / 1000
    mse = float(np.mean((est - truth) ** 2))
    band = (truth > 0.01) & (truth < 0.99)
    mse_band = float(np.mean((est[band] - truth[band]) ** 2))
    rgb = lambda a: np.repeat(a[..., None], 3, axis=2)
    write_image(IMG / "studio_matte_test.png", np.concatenate([img, rgb(truth), rgb(est), rgb(np.abs(est - truth))], 1))
    print(f"matte synthetic 512x512: SAD {sad:.2f} (x1000), MSE {mse:.5f}, MSE in soft band {mse_band:.4f}, {t_matte:.2f} s")
    # 3. a headshot from a 4K photo
    side = args.side
    big = np.clip(cv2.resize(astro, (side, side), interpolation=cv2.INTER_CUBIC), 0, 1)
    t = time.perf_counter()
    bface = analyze_face(big)
    t_face = time.perf_counter() - t
    t = time.perf_counter()
    bout = studio_stage(Portrait(big, face=bface), style="linkedin")
    t_studio = time.perf_counter() - t
    d4k = bout.log[-1].params["identity_distance"]
    print(f"4K ({side}x{side}) linkedin: face.analyze {t_face:.1f} s, engine.studio {t_studio:.1f} s, "
          f"output {bout.width}x{bout.height}, identity distance {d4k:.3f}")
    if not args.no_append:
        cpu = platform.processor() or platform.machine()
        text = f"""
## Studio engine (issue 8) — {date.today().isoformat()}

Command: `.venv/bin/python bench/bench_studio.py` on {os.cpu_count()} CPU cores ({cpu}), no GPU, Python {sys.version.split()[0]}.

| style | output | light | background | identity distance to source | time (512 px source) | picture |
|---|---|---|---|---|---|---|
""" + "\n".join(lines) + f"""

- Matte on a synthetic composite with known alpha (astronaut over skimage `coffee`, constructed head/torso alpha
  with 60 anti-aliased hair strands, 512x512): SAD {sad:.2f} (sum of |error| / 1000), MSE {mse:.5f},
  MSE inside the soft band {mse_band:.4f}; {t_matte:.2f} s.
- One headshot from a {side}x{side} photo (astronaut upscaled): face.analyze {t_face:.1f} s, engine.studio
  {t_studio:.1f} s (frame, matte, relight, backdrop, composite, identity embedding), output
  {bout.width}x{bout.height}, identity distance {d4k:.3f}. Finish/honest/inspect not included.
"""
        bm = ROOT / "docs" / "BENCHMARKS.md"
        with open(bm, "a", encoding="utf-8") as fh:
            fh.write(text)
        print(f"appended to {bm}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
