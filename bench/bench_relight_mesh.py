"""The relight's face mesh: the face analysis's, moved into the frame, against one found again on the crop.

Since round 13 the studio stage passes the face analysis's mesh (x, y moved by the
framing, z times its scale: :func:`candid.engines.studio.stage.framed_mesh`) to
:func:`candid.engines.studio.relight.relight`, which used to run the face mesh again on
the framed crop. For each photo (largest face) and style this runs ``engine.studio``
with the relight wrapped, and at the relight's call:

- ``search_s``: the time of the search the relight no longer makes
  (:func:`candid.engines.studio.relight._photo_mesh` on the crop it is given);
- ``xy_mean`` / ``xy_max``: distance between the passed mesh and the one found on the
  crop, in units of the eye distance (mean, and max over the 478 points);
- ``z_mean``: mean absolute difference of the depths (each centred on its mean), same unit.

Usage: nice -n 10 .venv/bin/python bench/bench_relight_mesh.py PHOTO [PHOTO ...] [--styles linkedin,corporate]
"""

from __future__ import annotations

import argparse
import importlib
import json
import time

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("photos", nargs="+")
    ap.add_argument("--styles", default="linkedin,corporate")
    args = ap.parse_args()

    import candid.engines.studio.stage as stage
    rl = importlib.import_module("candid.engines.studio.relight")
    from candid.face import analyze_face
    from candid.imageio import read_image
    from candid.portrait import Portrait

    seen: list[dict] = []
    original = stage.relight

    def watched(pixels, landmarks, alpha, *a, mesh=None, **kw):
        t = time.perf_counter()
        found = rl._photo_mesh(pixels, np.asarray(landmarks, np.float32))
        row = {"search_s": round(time.perf_counter() - t, 3), "passed": mesh is not None}
        if mesh is not None and found is not None:
            iod = float(np.linalg.norm(landmarks[42:48].mean(0) - landmarks[36:42].mean(0)))
            d = np.linalg.norm(mesh[:, :2] - found[:, :2], axis=1) / iod
            dz = np.abs((mesh[:, 2] - mesh[:, 2].mean()) - (found[:, 2] - found[:, 2].mean())) / iod
            row.update(xy_mean=round(float(d.mean()), 4), xy_max=round(float(d.max()), 4),
                       z_mean=round(float(dz.mean()), 4))
        seen.append(row)
        return original(pixels, landmarks, alpha, *a, mesh=mesh, **kw)

    stage.relight = watched
    for path in args.photos:
        px = np.asarray(read_image(path).pixels, np.float32)[..., :3]
        face = analyze_face(px, face_index=0, quality=False)
        for style in args.styles.split(","):
            seen.clear()
            stage.studio_stage(Portrait(px, source=path, face=face), style=style)
            print(json.dumps({"photo": path.rsplit("/", 1)[-1], "style": style, "relights": list(seen)}), flush=True)


if __name__ == "__main__":
    main()
