"""Passport framing against the ICAO band on real photos: head share, eye height, crown and chin, changes said.

For the largest face of every photo under DATA/real that the scorecard calls eligible (whole, at least 64 px
between the eyes: :func:`candid.scorecard.studio.face_group`) this plans the passport frame as ``engine.studio``
does (selfie correction, person mask, :func:`candid.engines.studio.frame.frame`) and prints, per photo:

- share: chin to crown over the frame's height (the frame's own ``head_share``; ICAO 9303: 0.71-0.80);
- eyes: the eye line's height from the frame's top, as a share of its height (ISO/IEC 19794-5: the eyes 50-70 %
  of the height above the bottom, i.e. 0.30-0.50 from the top);
- crown / chin: whether the crown (the one the share is measured to) and the chin lie inside the frame, and the
  share of the frame below the chin;
- ext: the sides extended with backdrop and the share beyond the photo;
- said: the change records about the frame, in the studio's own words (:mod:`candid.engines.studio.changes`).

``--stage`` runs the whole ``engine.studio`` step instead (slow: 8-15 s a photo) and prints every change it
reports. Skips with a message when DATA is absent.

Usage: PYTHONPATH=src .venv/bin/python bench/bench_passport_band.py --data /work/shared/data [--only a,b] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

#: ICAO 9303 head share (chin to crown over the height) and ISO/IEC 19794-5 eye line (share of the height from the
#: top) the table checks.
SHARE_BAND, EYE_BAND = (0.71, 0.80), (0.30, 0.50)


def plan(px: np.ndarray, face, style: str = "passport"):
    """The frame ``engine.studio`` plans for ``face`` (lens auto), and the landmarks it framed."""
    from candid.engines.studio.frame import correct_selfie, frame
    from candid.engines.studio.styles import STYLES
    from candid.face.person import person_probability

    src, lm, _ = correct_selfie(px, np.asarray(face.landmarks, np.float32))
    person = person_probability(src, full_resolution=False)
    return frame(src, lm, None, STYLES[style], person=person), lm, src.shape


def frame_records(framing, style: str = "passport") -> list[dict]:
    """The change records the stage makes from the frame alone (this tree's own function when it has one)."""
    from candid.engines.studio import stage

    if hasattr(stage, "framing_changes"):
        return stage.framing_changes(framing, stage.STYLES[style])
    st = stage.STYLES[style]  # the start commit: the same records, written out as its stage made them
    out = []
    if framing.angle:
        out.append({"change": "straightened", "degrees": round(float(framing.angle), 1)})
    if abs(framing.tilt_kept) >= 2:
        out.append({"change": "tilt_kept", "degrees": round(float(framing.tilt_kept), 1)})
    if framing.closer > 1.001:
        out.append({"change": "closer", "factor": round(float(framing.closer), 2)})
    if framing.extended:
        out.append({"change": "canvas_extended", "sides": list(framing.extended),
                    "fraction": round(float(framing.extended_fraction), 3), "edge_cut": framing.edge_cut})
    if framing.hair_cut:
        out.append({"change": "hair_cut", "by": framing.hair_cut})
    if framing.head_share is not None and not (st.head_range[0] - 0.005 <= framing.head_share
                                               <= st.head_range[1] + 0.005):
        out.append({"change": "head_share", "share": round(float(framing.head_share), 3),
                    "rule": [float(v) for v in st.head_range]})
    return out


def measure(framing, lm: np.ndarray, shape) -> dict:
    """Share, eye height, crown and chin inside, room below the chin, for one frame."""
    w, h = framing.size
    clm = framing.map_points(lm)
    eyes = float(clm[36:48, 1].mean()) / h
    chin = float(clm[8, 1])
    share = framing.head_share
    crown = chin - share * h if share is not None else float("nan")
    cov = framing.coverage(shape)
    cx = int(np.clip(round(float(clm[8, 0])), 0, w - 1))
    chin_row = int(np.clip(round(chin), 0, h - 1))
    return {"share": None if share is None else round(share, 3), "eyes": round(eyes, 3),
            "crown_in": bool(crown >= -0.5), "crown_top": round(crown / h, 3),
            "chin_in": bool(chin <= h - 0.5 and cov[chin_row, cx] >= 0.5), "below_chin": round(1 - chin / h, 3),
            "extended": list(framing.extended), "ext_frac": round(float(framing.extended_fraction), 3)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="/work/shared/data")
    ap.add_argument("--only", default="", help="comma-separated photo stems")
    ap.add_argument("--stage", action="store_true", help="run the whole engine.studio step (slow)")
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    from candid.engines.studio.changes import describe_changes
    from candid.imageio import read_image
    from candid.scorecard.data import Dataset
    from candid.scorecard.studio import face_group, largest_face

    root = Path(args.data)
    if not (root / "real").is_dir():
        print(f"no {root / 'real'}: nothing to measure (the development set is not here)")
        return 0
    only = {s for s in args.only.split(",") if s}
    rows = []
    for path in Dataset.scan(root).real:
        if only and path.stem not in only:
            continue
        px = read_image(path).pixels
        try:
            face = largest_face(px)
        except Exception:  # no face: not a passport candidate
            continue
        if face_group(face, px.shape) != "eligible":
            continue
        framing, lm, shape = plan(px, face)
        row = {"photo": path.stem, **measure(framing, lm, shape)}
        records = frame_records(framing)
        if args.stage:
            from candid.engines.studio.stage import studio_stage
            from candid.portrait import Portrait

            out = studio_stage(Portrait(px, source=path.name, face=face), style="passport")
            records = out.log[-1].params["changes"]
        row["said"] = describe_changes(records)
        row["kinds"] = [c["change"] for c in records]
        rows.append(row)
        lo, hi = SHARE_BAND
        in_band = row["share"] is not None and lo - 0.005 <= row["share"] <= hi + 0.005
        eyes_ok = EYE_BAND[0] <= row["eyes"] <= EYE_BAND[1]
        row["in_band"], row["eyes_ok"] = bool(in_band), bool(eyes_ok)
        print(f"{row['photo']:18s} share {row['share']:.3f}{' ' if in_band else '*'} eyes {row['eyes']:.3f}"
              f"{' ' if eyes_ok else '*'} crown {'in ' if row['crown_in'] else 'OUT'} {row['crown_top']:+.3f} "
              f"chin {'in ' if row['chin_in'] else 'OUT'} below {row['below_chin']:.3f} "
              f"ext {','.join(row['extended']) or '-'} {row['ext_frac']:.3f}", flush=True)
        for s in row["said"]:
            print(f"{'':20s}- {s}")
    n = len(rows)
    both = sum(r["in_band"] and r["eyes_ok"] for r in rows)
    print(f"\n{n} eligible photos: head share in band {sum(r['in_band'] for r in rows)}, eyes in band "
          f"{sum(r['eyes_ok'] for r in rows)}, both {both}; crown out {sum(not r['crown_in'] for r in rows)}, "
          f"chin out {sum(not r['chin_in'] for r in rows)}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
