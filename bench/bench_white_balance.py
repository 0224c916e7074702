"""How far the studio's white balance moves a face's colour on real photos (stop 19).

    .venv/bin/python bench/bench_white_balance.py [--data ../shared/data] [--strength 0.4]

For every photo under ``real/`` (not ``casual/``) with a face of at least 30 px between the eyes, the
photo (at most 1024 px) is white-balanced as the stage does it, once with the near-grey re-estimate
(``neutral=0.25``, the default) and once with the plain grey-edge estimate (``neutral=None``, the code before
stop 19), in the same run. The measure is the change of the cheeks' median CIELAB a* and b*: these photos
are well exposed press and studio portraits, so a change is the complexion moving, not a cast removed
(yangmi_1's blue sky had turned her face yellower). ``photo`` is the cheeks' own a*, b* and hue angle before
any change: a face whose hue is far outside the others' is itself evidence of a cast (liuyifei.png). JSON on
stdout.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np
from skimage.color import rgb2lab

from candid.engines.studio.relight import white_balance
from candid.face import analyze_face
from candid.imageio import read_image
from candid.scorecard.data import shrink


def cheeks_lab(img: np.ndarray, lm: np.ndarray) -> np.ndarray:
    """Median CIELAB of the two cheeks (landmark polygons beside the nose)."""
    m = np.zeros(img.shape[:2], np.uint8)
    for idx in ([1, 2, 3, 31, 48], [15, 14, 13, 35, 54]):
        cv2.fillConvexPoly(m, np.round(lm[idx]).astype(np.int32), 1)
    return np.median(rgb2lab(img[m > 0][None])[0], 0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    ap.add_argument("--strength", type=float, default=0.4, help="the stage's default white_balance_strength")
    args = ap.parse_args()
    real = Path(args.data) / "real"
    paths = sorted(p for p in real.rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp")
                   and "casual" not in p.parts)
    rows = {}
    for p in paths:
        px = shrink(read_image(p).pixels, 1024)
        face = analyze_face(px, face_index=0, quality=False)
        if face is None or face.landmarks is None or face.iod < 30:
            continue
        before = cheeks_lab(px, face.landmarks)
        # the photo's own cheek colour: a cast that is really there shows on the skin too (liuyifei: hue 6 degrees,
        # b* +0.9, where every other face here is 29-61 degrees), so a move there is the cast going, not the skin
        row = {"photo": {"a": round(float(before[1]), 1), "b": round(float(before[2]), 1),
                         "hue": round(float(np.degrees(np.arctan2(before[2], before[1]))))}}
        for name, neutral in (("plain", None), ("near_grey", 0.25)):
            d = cheeks_lab(white_balance(px, args.strength, neutral=neutral), face.landmarks) - before
            row[name] = {"da": round(float(d[1]), 2), "db": round(float(d[2]), 2)}
        rows[p.name] = row
    summary = {}
    for name in ("plain", "near_grey"):
        d = np.array([[r[name]["da"], r[name]["db"]] for r in rows.values()])
        summary[name] = {"mean_abs_da": round(float(np.abs(d[:, 0]).mean()), 2),
                         "mean_abs_db": round(float(np.abs(d[:, 1]).mean()), 2),
                         "max_abs_da": round(float(np.abs(d[:, 0]).max()), 2),
                         "max_abs_db": round(float(np.abs(d[:, 1]).max()), 2)}
    print(json.dumps({"strength": args.strength, "n": len(rows), "summary": summary, "photos": rows}, indent=1))


if __name__ == "__main__":
    main()
