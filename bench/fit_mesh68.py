"""Which mesh vertex best matches each of dlib's 68 points, over real photos.

Run: .venv/bin/python bench/fit_mesh68.py  (needs ../shared/data and the dlib 68-point model)
Prints, per iBUG point, the vertex of candid.face.mesh.MESH_TO_68, the vertex
nearest to dlib's point on average (distances in inter-ocular distances) and
both mean distances. The table in mesh.py was chosen from this output, with
the jaw kept on the mesh's face oval (dlib's jaw points slide along the
silhouette with pose; the nearest vertex on average is not always on the oval).
"""

from __future__ import annotations

import glob
from pathlib import Path

import numpy as np

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real"


def main() -> None:
    if not DATA.is_dir():
        print(f"{DATA} not found: skipped")
        return
    from candid.face import mesh as M
    from candid.face.detect import face_landmarks, to_uint8
    from candid.face.detect import detect_faces_hog
    from candid.imageio import read_image

    files = sorted(glob.glob(str(DATA / "people/*/*.jpg"))) + sorted(glob.glob(str(DATA / "portraits/*"))) \
        + sorted(glob.glob(str(DATA / "*.jpg")))
    pairs = []
    for f in files:
        u8 = to_uint8(read_image(f).pixels)
        dets, boxes = M.mp_detect(u8), detect_faces_hog(u8)
        if not dets or not boxes:
            continue
        mesh = M.face_mesh(u8, dets[0].box)
        if mesh is None:
            continue
        pairs.append((face_landmarks(u8, boxes[0], model="dlib68"), mesh[:, :2]))
    print(f"{len(pairs)} photos")
    err = np.zeros((68, 478))
    for lm, mesh in pairs:
        iod = np.linalg.norm(lm[36:42].mean(0) - lm[42:48].mean(0))
        err += np.linalg.norm(lm[:, None, :] - mesh[None, :, :], axis=2) / iod
    err /= len(pairs)
    best = err.argmin(axis=1)
    for i in range(68):
        m = M.MESH_TO_68[i]
        flag = "" if m == best[i] else "  <- differs"
        print(f"{i:2d} table {m:3d} ({err[i, m]:.3f})  nearest {best[i]:3d} ({err[i, best[i]]:.3f}){flag}")
    print(f"mean distance table {err[np.arange(68), M.MESH_TO_68].mean():.3f}, nearest {err.min(axis=1).mean():.3f} IOD")


if __name__ == "__main__":
    main()
