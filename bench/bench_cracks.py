"""Cracks on the real cracked prints: recall, residual contrast and false positives (round 18).

    .venv/bin/python bench/bench_cracks.py               # numbers (JSON on stdout)
    .venv/bin/python bench/bench_cracks.py --show DIR    # also label overlays and before/after crops

The visible cracks of ``../shared/data/old/scratched_{a,b}.png`` were labelled by
hand as polylines in ``bench/data/crack_labels.json`` (how: see its ``about``).
Each vertex is snapped to the line's own pixel (the most off the local median,
bright or dark as labelled, within 2 px) and the polyline is drawn 1 px wide:
the crack's centre line.

- **recall**: share of labelled centre-line pixels inside the damage mask
  that ``restore`` filled;
- **residual**: mean |luma - local median| (9x9, i.e. across the crack) on the
  labelled pixels, in the fade-corrected scan (same tone as the result, nothing
  filled) and in the restored print; ``residual_kept`` = restored / scan
  (0 = the crack is gone, 1 = as visible as before);
- **picture_filled**: share of the labelled *picture* lines (a jaw line, a
  collar's edge, a glove, an umbrella's shaft) inside the mask (should be 0);
- **marked**: share of every ``old/faded_*`` print marked as damage (false
  positives: those prints have no cracks to speak of).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "old"
LABELS = ROOT / "bench" / "data" / "crack_labels.json"


def _y(px: np.ndarray) -> np.ndarray:
    from candid.colour import luma

    return luma(np.asarray(px, np.float32))


def _off_median(y: np.ndarray) -> np.ndarray:
    y8 = np.clip(y * 255 + 0.5, 0, 255).astype(np.uint8)
    return y - cv2.medianBlur(y8, 9).astype(np.float32) / 255


def label_mask(points, shape, off: np.ndarray, sign: float = 1.0, snap: int = 2) -> np.ndarray:
    """The polyline through ``points`` (x, y), each vertex snapped to the line's own pixel, 1 px wide."""
    h, w = shape
    pts = []
    for x, y in points:
        x, y = min(max(int(x), 0), w - 1), min(max(int(y), 0), h - 1)
        y0, y1, x0, x1 = max(0, y - snap), min(h, y + snap + 1), max(0, x - snap), min(w, x + snap + 1)
        win = sign * off[y0:y1, x0:x1]
        k = np.unravel_index(int(np.argmax(win)), win.shape)
        pts.append((x0 + k[1], y0 + k[0]))
    m = np.zeros(shape, np.uint8)
    cv2.polylines(m, [np.array(pts, np.int32)], False, 1, 1, cv2.LINE_8)
    return m > 0


def labels_for(name: str, px: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(crack centre lines, {name: picture line}) of one print, as bool masks."""
    spec = json.loads(LABELS.read_text()).get(name, {})
    off = _off_median(_y(px))
    cracks = np.zeros(px.shape[:2], bool)
    for c in spec.get("cracks", []):
        cracks |= label_mask(c["points"], px.shape[:2], off, -1.0 if c.get("dark") else 1.0)
    picture = {c["name"]: label_mask(c["points"], px.shape[:2], off, -1.0 if c.get("dark") else 1.0)
               for c in spec.get("picture", [])}
    return cracks, picture


def residual(px: np.ndarray, where: np.ndarray) -> float:
    """Mean |luma - 9x9 median| on ``where``: how much a crack still stands out."""
    return float(np.abs(_off_median(_y(px)))[where].mean())


def main() -> None:
    from candid.engines.restore import restore
    from candid.engines.restore.tone import correct_fade
    from candid.imageio import read_image, write_image

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show", type=Path, help="write overlays and crops here")
    ap.add_argument("--no-faded", action="store_true", help="skip the faded_* false-positive run")
    args = ap.parse_args()
    out: dict = {}
    for name in ("scratched_a", "scratched_b", "faded_e", "faded_f"):
        path = DATA / f"{name}.png"
        if not path.exists():
            continue
        px = read_image(path).pixels
        r = restore(px, seed=0)
        if r.pixels.shape != px.shape:
            out[name] = {"message": "straightened: labels do not apply"}
            continue
        scan = correct_fade(px, keep_monochrome=True)
        cracks, lines = labels_for(name, scan)
        picture = np.any(list(lines.values()), axis=0) if lines else np.zeros(px.shape[:2], bool)
        row = {"marked": round(float(r.mask.mean()), 4)}
        if cracks.any():
            row.update({"crack_px": int(cracks.sum()), "recall": round(float(r.mask[cracks].mean()), 3),
                        "residual_scan": round(residual(scan, cracks), 4),
                        "residual_restored": round(residual(r.pixels, cracks), 4)})
            row["residual_kept"] = round(row["residual_restored"] / max(row["residual_scan"], 1e-6), 3)
        if picture.any():
            row["picture_filled"] = round(float(r.mask[picture].mean()), 3)
            row["picture_lines_filled"] = {k: round(float(r.mask[v].mean()), 3) for k, v in lines.items()}
        out[name] = row
        if args.show:
            args.show.mkdir(parents=True, exist_ok=True)
            ov = scan.copy()
            ov[r.mask] = ov[r.mask] * 0.5 + np.array([1.0, 0.0, 0.0], np.float32) * 0.5
            ov[cracks & r.mask] = (0.1, 0.9, 0.1)
            ov[cracks & ~r.mask] = (0.1, 0.4, 1.0)
            ov[picture] = (1.0, 0.9, 0.0)
            write_image(args.show / f"{name}_labels.png", ov)
            write_image(args.show / f"{name}_restored.png", r.pixels)
    if not args.no_faded:
        for path in sorted(DATA.glob("faded_*.png")):
            if path.stem in out:
                continue
            r = restore(read_image(path).pixels, seed=0)
            out[path.stem] = {"marked": round(float(r.mask.mean()), 4)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
