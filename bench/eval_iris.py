"""Iris centre error on real close-ups, old (dlib 68 points) vs new (face mesh), in iris radii.

Run: .venv/bin/python bench/eval_iris.py
Needs ../shared/data (skipped with a message when absent) and dlib's 68-point
model for the "old" column. The hand-marked centres and radii are in
bench/data/iris_marks.json (how they were marked is written there).
"old" is what candid did before the mesh: dlib's 68 points and the
darkness-weighted centroid inside the eye polygon (candid.face.masks);
"new" is the circle fitted to the mesh's iris ring (candid.face.mesh).
Errors are the distance to the marked centre divided by the marked radius.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "real"


def main() -> None:
    if not DATA.is_dir():
        print(f"{DATA} not found: skipped")
        return
    from candid.face import analyze_face, face_regions
    from candid.imageio import read_image

    marks = json.loads((HERE / "data" / "iris_marks.json").read_text())["eyes"]
    rows, cache = [], {}
    for m in marks:
        if m["file"] not in cache:
            px = read_image(DATA / m["file"]).pixels
            new = analyze_face(px, face_index=0, quality=False, embed=False, landmarks="mesh")
            old = analyze_face(px, face_index=0, quality=False, embed=False, landmarks="dlib68")
            cache[m["file"]] = (face_regions(px, old.landmarks).iris_circles, new.iris)
        old_circles, (centres, radii) = cache[m["file"]]
        k = 0 if m["eye"] == "image-left" else 1
        truth, r = np.array(m["centre_px"]), m["radius_px"]
        e_old = float(np.linalg.norm(np.array(old_circles[k][:2]) - truth) / r)
        e_new = float(np.linalg.norm(centres[k] - truth) / r)
        rows.append({"eye": f"{Path(m['file']).stem} {m['eye']}", "note": m["note"], "radius_px": r,
                     "old": round(e_old, 3), "new": round(e_new, 3),
                     "radius_old": round(old_circles[k][2] / r, 2), "radius_new": round(float(radii[k]) / r, 2)})
    for row in rows:
        print(f"{row['eye']:<28} r={row['radius_px']:5.1f}px  old {row['old']:.3f}  new {row['new']:.3f}  "
              f"radius old/new vs marked {row['radius_old']:.2f}/{row['radius_new']:.2f}  ({row['note']})")
    old = np.array([r["old"] for r in rows])
    new = np.array([r["new"] for r in rows])
    summary = {"eyes": len(rows), "old_median": float(np.median(old)), "old_mean": float(old.mean()),
               "new_median": float(np.median(new)), "new_mean": float(new.mean()),
               "new_better": int((new < old).sum())}
    print(json.dumps(summary))
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "iris.json").write_text(json.dumps({"rows": rows, "summary": summary}, indent=1))


if __name__ == "__main__":
    main()
