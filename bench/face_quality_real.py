"""The quality gate on real photos with both landmark models (mesh, dlib68), side by side.

Run: .venv/bin/python bench/face_quality_real.py   (needs ../shared/data; skipped otherwise)
Prints, per photo: faces found, verdict, face width, sharpness, skin coverage, problems.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def main() -> None:
    if not DATA.is_dir():
        print(f"{DATA} not found: skipped")
        return
    from candid.face import analyze_face
    from candid.imageio import read_image

    files = sorted((DATA / "real").glob("*.jpg")) + sorted((DATA / "real" / "people").glob("*/*.jpg")) \
        + sorted((DATA / "real" / "portraits").glob("*")) + sorted((DATA / "old").glob("*"))[:6] \
        + sorted((DATA / "ai").glob("*"))[:6]
    for f in files:
        px = read_image(f).pixels
        row = [f.name[:24]]
        for model in ("dlib68", "mesh"):
            try:
                a = analyze_face(px, face_index=0, embed=False, landmarks=model)
                m = a.quality.metrics
                row.append(f"{model}: n={a.n_faces} ok={a.quality.ok} w={m['face_width_px']:.0f} "
                           f"sharp={m['sharpness']:.2f} skin={m['skin_coverage']:.2f} "
                           + "; ".join(p[:40] for p in a.quality.problems))
            except Exception as exc:  # no face: say so and go on
                row.append(f"{model}: {str(exc).splitlines()[0][:60]}")
        print(" | ".join(row), flush=True)


if __name__ == "__main__":
    main()
