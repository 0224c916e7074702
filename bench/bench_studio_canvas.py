"""Where the photo ends on an extended canvas: is the person cut by a straight line in the backdrop?

For every photo under DATA/real (largest face, the six styles), plans the frame
(:func:`candid.engines.studio.frame`, with the person mask as the stage does) and
runs ``engine.studio`` on the results whose canvas is extended beyond the photo
(``--all-extended``; by default only those with ``edge_cut``, where the person
touches the photo's border on an extended side). Per result:

- cut_px: the length (px) of cut-out (alpha > 0.5) within 0.02 frame heights of
  the canvas (output pixels less than half inside the photo, at least 3 px thick:
  a sub-pixel sliver at the frame's own border is not canvas) -- the hard line a
  photographer sees; 0 when the body fades out before reaching the canvas;
- body_faded / body_continued: the stage said so (``body_faded`` / ``body_continued`` change record);
- ghost_pct: percent of the frame that is see-through body (:func:`ghost_share`: alpha between 0.1 and 0.9
  more than 4 px from both the clear and the opaque part; a matte's own soft edge is thinner): a faded
  shoulder that reads as a grey veil on a plain backdrop;
- detached_pieces, halo_px, identity: as in ``bench_studio_real.py`` (the scorecard's definitions).

``--backdrop``: the environmental style on every eligible photo; ``bright`` is the percent of the backdrop
brighter than the face's 99th percentile luminance (:func:`bright_share`), with the round-8 backdrop
(``before``) and today's under the same cut-out.

Usage: nice -n 10 .venv/bin/python bench/bench_studio_canvas.py --data /work/shared/data [--out DIR] [--only a,b]
[--all-extended | --backdrop] [--min-iod 64]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

from candid.engines.studio import STYLES, frame
from candid.engines.studio.frame import face_inside
from candid.engines.studio.matte import _face_hull
from candid.engines.studio.stage import studio_stage
from candid.errors import CandidError
from candid.face import analyze_face
from candid.face.person import person_probability
from candid.imageio import read_image, write_image
from candid.portrait import Portrait
from candid.scorecard import metrics as sc

EXTS = {".jpg", ".jpeg", ".png", ".webp"}


def cut_length(alpha: np.ndarray, matrix, size: tuple[int, int], src_shape: tuple[int, ...]) -> int:
    """Length (px) of cut-out with alpha > 0.5 within 0.02 frame heights of the extended canvas, where the
    canvas beside it is clear: the hard line a photographer sees.

    For each such pixel the nearest canvas pixel is read, and the canvas pixels up to 1.5 band widths (and 3 px)
    above and below it: a body continued past the photo's edge (``body_continued``, its outline falling with
    the shoulder's slope, at most 1.5 rows per column) has no line there. Without a continued body this is the
    round-7 measure (the canvas is clear).
    """
    w, h = size
    cov = cv2.warpAffine(np.ones(src_shape[:2], np.float32), np.asarray(matrix, np.float64), (w, h),
                         flags=cv2.INTER_LINEAR, borderValue=0)
    canvas = cv2.morphologyEx((cov < 0.5).astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)).astype(bool)
    if not canvas.any():
        return 0
    a = np.asarray(alpha, np.float32)
    band = max(3.0, 0.02 * h)
    dist, labels = cv2.distanceTransformWithLabels((~canvas).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_5,
                                                   labelType=cv2.DIST_LABEL_PIXEL)
    cy, cx = np.nonzero(canvas)  # the labels number the canvas pixels in raster order
    body = (dist <= band) & ~canvas & (a > 0.5)
    near = np.clip(labels[body] - 1, 0, len(cy) - 1)
    across = np.zeros(len(near), np.float32)
    reach = 3 + int(np.ceil(1.5 * band))
    for dy in range(-reach, reach + 1):
        y = np.clip(cy[near] + dy, 0, h - 1)
        across = np.maximum(across, np.where(canvas[y, cx[near]], a[y, cx[near]], 0.0))
    return int(round((across < 0.5).sum() / band))


def ghost_share(alpha: np.ndarray) -> float:
    """Percent of the frame that is see-through: 0.1 < alpha < 0.9, more than 4 px from clear and from opaque."""
    a = np.asarray(alpha, np.float32)
    part = (a > 0.1) & (a < 0.9)
    to_clear = cv2.distanceTransform((a >= 0.1).astype(np.uint8), cv2.DIST_L2, 5)
    to_opaque = cv2.distanceTransform((a <= 0.9).astype(np.uint8), cv2.DIST_L2, 5)
    return 100 * float((part & (to_clear > 4) & (to_opaque > 4)).mean())


def bright_share(out: np.ndarray, matte: np.ndarray, landmarks: np.ndarray) -> float:
    """Percent of the backdrop (matte < 0.1) brighter (linear luminance) than the face's 99th percentile.

    The face is the landmarks' jaw-and-brow hull where the matte is over 0.5. A backdrop that competes with
    the face (a blown window beside lecun's head, obama3's chandelier) scores high; 0 is the aim.
    """
    from candid.colour import luminance, srgb_to_linear

    y = luminance(srgb_to_linear(np.clip(out, 0, 1)))
    face = _face_hull(matte.shape, np.asarray(landmarks, np.float32)) & (matte > 0.5)
    back = matte < 0.1
    if not face.any() or not back.any():
        return 0.0
    return 100 * float((y[back] > np.percentile(y[face], 99)).mean())


def _photos(args, *, only_photo: bool = False):
    """Every photo under ``args.data/real`` with a whole face of at least ``args.min_iod`` px between the eyes:
    ``(path, name, pixels, face)``; ``only_photo``: ``args.only`` filters on the photo's name here (else the
    caller filters on ``'path:style'``)."""
    for path in sorted(p for p in (args.data / "real").rglob("*") if p.suffix.lower() in EXTS):
        name = str(path.relative_to(args.data))
        if only_photo and args.only and not any(o in name for o in args.only.split(",")):
            continue
        px = read_image(path).pixels[..., :3]
        try:
            face = analyze_face(px, face_index=0, source=path.name)
        except CandidError:
            continue
        if face.iod < args.min_iod or not face_inside(face.landmarks, px.shape, margin=0.05):
            continue
        yield path, name, px, face


def backdrop(args) -> int:
    """``--backdrop``: the environmental style's blur backdrop on every eligible photo, before and after round 9.

    One stage run per photo; its backdrop is made again without the face's ceiling (``lens_blur(ceiling=None)``,
    the round-8 roll-off towards white) and put under the same cut-out, so the two differ in the backdrop only.
    """
    import candid.engines.studio.stage as stage_mod
    from candid.engines.studio.background import lens_blur

    seen = {}
    make = stage_mod.make_background

    def spy(kind, size, seed, **kw):
        seen["kw"], seen["out"] = kw, make(kind, size, seed, **kw)
        return seen["out"]

    stage_mod.make_background = spy
    rows = []
    for path, name, px, face in _photos(args, only_photo=True):
        seen.clear()
        res = studio_stage(Portrait(px, face=face, source=path.name), style="environmental")
        if "kw" not in seen:  # the cut-out failed its checks: the photo's own background was kept
            continue
        kw = seen["kw"]
        old = lens_blur(kw["source"], kw["alpha"], radius=max(0.22 * (kw["face_height"] or 0.5 * res.height), 1.0),
                        valid=kw["valid"])
        m = res.matte[..., None]
        before = np.clip(res.pixels + (1 - m) * (old - seen["out"]), 0, 1)
        lm = res.face.landmarks
        r = {"photo": name, "bright_before": round(bright_share(before, res.matte, lm), 2),
             "bright_after": round(bright_share(res.pixels, res.matte, lm), 2)}
        rows.append(r)
        print(f"{name:40s} bright % {r['bright_before']:6.2f} -> {r['bright_after']:6.2f}", flush=True)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            stem = name.replace("/", "_").rsplit(".", 1)[0]
            write_image(args.out / f"{stem}_environmental_before.png", before)
            write_image(args.out / f"{stem}_environmental.png", res.pixels)
    summary = {"results": len(rows)}
    for k in ("bright_before", "bright_after"):
        summary[k + "_mean"] = round(float(np.mean([r[k] for r in rows])), 2) if rows else None
        summary[k + "_max"] = max((r[k] for r in rows), default=None)
        summary[k + "_photos_over_1pct"] = sum(r[k] > 1 for r in rows)
    print(json.dumps(summary))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=1))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--out", type=Path, default=None, help="write each headshot here (PNG)")
    ap.add_argument("--only", default="", help="comma-separated substrings of 'path:style'")
    ap.add_argument("--all-extended", action="store_true")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--min-iod", type=float, default=0.0)
    ap.add_argument("--backdrop", action="store_true",
                    help="the environmental blur backdrop's bright share, before/after (see backdrop())")
    args = ap.parse_args()
    if args.backdrop:
        return backdrop(args)
    rows = []
    for path, name, px, face in _photos(args):
        person = person_probability(px, full_resolution=False)
        for style in STYLES:
            if args.only and not any(o in f"{name}:{style}" for o in args.only.split(",")):
                continue
            f = frame(px, face.landmarks, None, style, person=person)
            if not (f.edge_cut or (args.all_extended and f.extended)):
                continue
            res = studio_stage(Portrait(px, face=face, source=path.name), style=style)
            op = res.log[-1]
            n = cut_length(res.matte, op.params["frame_matrix"], tuple(op.params["size"]), px.shape)
            kinds = [c["change"] for c in op.params["changes"]]
            kept = "background_kept" in kinds
            centre = tuple(np.asarray(res.face.landmarks, np.float64).mean(0))
            rows.append({"photo": name, "style": style, "cut_px": n, "body_faded": "body_faded" in kinds,
                         "body_continued": "body_continued" in kinds,
                         "extended": list(f.extended), "identity": op.params["identity_distance"], "fallback": kept,
                         "ghost_pct": round(ghost_share(res.matte), 3),
                         "detached_pieces": sc.detached_pieces(res.matte, centre),
                         "halo_px": None if kept else sc.halo_px(res.pixels, res.matte)})
            r = rows[-1]
            print(f"{name:40s} {style:13s} cut_px {n:4d} pieces {r['detached_pieces']} halo {r['halo_px'] or 0:.2f} "
                  f"id {r['identity'] or 0:.3f} ghost {r['ghost_pct']:.2f} {'faded' if r['body_faded'] else ''}", flush=True)
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                write_image(args.out / f"{name.replace('/', '_').rsplit('.', 1)[0]}_{style}.png", res.pixels)
    halos = [r["halo_px"] for r in rows if r["halo_px"] is not None]
    summary = {"results": len(rows), "with_a_cut": sum(r["cut_px"] > 0 for r in rows),
               "cut_px_total": sum(r["cut_px"] for r in rows), "faded": sum(r["body_faded"] for r in rows),
               "continued": sum(r["body_continued"] for r in rows),
               "fallbacks": sum(r["fallback"] for r in rows),
               "ghost_pct_mean": round(float(np.mean([r["ghost_pct"] for r in rows])), 3) if rows else None,
               "detached_pieces": max((r["detached_pieces"] for r in rows), default=0),
               "halo_px": round(float(np.mean(halos)), 3) if halos else None,
               "halo_px_max": round(max(halos), 2) if halos else None,
               "identity_max": round(max((r["identity"] or 0 for r in rows), default=0), 3)}
    print(json.dumps(summary))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
