"""Studio engine on real photos: success rate, detached pieces, halo width, identity; contact sheets.

Runs ``engine.studio`` (all six styles by default) on the largest face of
every photo under DATA/real with at least ``--min-iod`` px between the eyes
(``--min-iod 0 --only casual``: the small group faces) and
measures, per result:

- success: a headshot came out (the matte fallback counts, and is counted);
- detached_pieces and halo_px: the scorecard's definitions
  (``candid.scorecard.metrics.detached_pieces`` / ``halo_px``: mean halo width
  over edge profiles in CIELAB); halo_px in the summary is the mean over results;
- also this script's own halo (median and p90 per result, in brackets):
  along the matte edge (alpha = 0.5 contour, one sample every 3 px),
  the output is sampled along the edge normal; the inner colour (mean at 5-7 px
  inside) and the outer colour (mean at 5-7 px outside) span a segment; the
  halo width is the number of 1-px steps from -4 to +4 whose colour lies
  more than 0.06 (sRGB, Euclidean) from that segment and beyond both ends'
  local variation; halo_px is the median over edge samples (p90 also printed);
- identity: identity distance between the source face and the headshot (stage params);
- others_in_cutout (group photos): how many of the other faces found in the photo
  (:func:`candid.engines.studio.people.find_faces`) are more than a third inside the
  cut-out (alpha over the face ellipse in the output); ``--no-split`` runs the studio
  without splitting the person mask between people, for a before/after;
- others_alpha / others_px (photos in ``--labels``, bench/data/others_labels.json: hand-drawn
  polygons of people other than the subject, in source pixels): the output's alpha
  mass lying on those pixels (the labels mapped forward through the stage's
  ``params["frame_matrix"]``) as a fraction of the output's alpha mass, and the
  number of output pixels with alpha > 0.5 on them (:func:`others_alpha`);
  ``--no-debris`` runs the studio without :mod:`candid.engines.studio.debris` (before),
  ``--no-debris-others`` without the other faces' boxes in it (before its group-photo rules);
- neighbour_px: output pixels :mod:`candid.engines.studio.neighbour` took out of the cut-out (an
  out-of-focus neighbour at the photo's border); the summary lists them per photo (only photos where
  it acted); ``--no-neighbour`` runs without it (before);
- blockiness: :func:`edge_blockiness`, the soft matte edge's luminance steps across the
  source's 8-px JPEG block grid over those inside blocks (about 1: clean; well above 1:
  the fringe carries the old backdrop's JPEG blocks, as yangmi_6 did before round 4).
- aliasing: :func:`edge_aliasing`, the share of the slanted outline that is a hard pixel
  staircase at 1:1 (yangmi_3's hair, the casual crops' shoulders);
- stairs_flat: :func:`edge_stairs_flat`, the same for outline 4-20 degrees off an axis, which
  ``aliasing`` leaves out (tom_cruise_tight's blocky passport crown);
- see_through: :func:`head_see_through`, percent of the head's interior (a little inside
  the cut-out's own outline) where alpha is below 0.9 (yangmi_4's light patch, yangmi_6's
  grey crown smudge, holes);
- crown_notch: :func:`crown_notch`, the deepest bite into the head's outline above the eyes
  against its convex hull, in face widths (2007_007763 editorial 0.175 before the skull, 0.042 after).

Contact sheets (one PNG per photo: the six styles at full view, and a 1:1
crop of the hair edge of each, 2x nearest-neighbour) go to ``--sheets``.

Usage: nice -n 10 .venv/bin/python bench/bench_studio_real.py --data /work/shared/data [--styles linkedin,...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from scipy import ndimage

from candid.engines.studio import STYLES
from candid.engines.studio.frame import face_inside
from candid.engines.studio.people import boxes_in_frame, find_faces, other_faces
from candid.engines.studio.stage import studio_stage
from candid.errors import CandidError
from candid.face import analyze_face
from candid.imageio import read_image, write_image
from candid.portrait import Portrait
from candid.scorecard import metrics as sc

EXTS = {".jpg", ".jpeg", ".png", ".webp"}


def detached_pieces(alpha: np.ndarray, landmarks: np.ndarray) -> int:
    """Components of ``alpha > 0.5`` not connected to the one holding the face centre."""
    labels, n = ndimage.label(alpha > 0.5, structure=np.ones((3, 3)))
    if n == 0:
        return 0
    c = np.round(np.asarray(landmarks)[27:31].mean(0)).astype(int)
    y, x = np.clip(c[1], 0, alpha.shape[0] - 1), np.clip(c[0], 0, alpha.shape[1] - 1)
    own = labels[y, x]
    return int(n - (1 if own > 0 else 0))


def _seg_dist(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    t = np.clip(((p - a) * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-9), 0, 1)
    return np.linalg.norm(p - (a + t[..., None] * ab), axis=-1)


def halo_px(out: np.ndarray, alpha: np.ndarray, step: int = 3, tau: float = 0.06) -> tuple[float, float]:
    """Median and 90th percentile width (px) of the band along the matte edge departing from both sides."""
    a = cv2.GaussianBlur(alpha.astype(np.float32), (0, 0), 1.5)
    gy, gx = np.gradient(a)
    mag = np.hypot(gx, gy)
    edge = (alpha > 0.3) & (alpha < 0.7) & (mag > 0.02)
    ys, xs = np.nonzero(edge)
    if ys.size == 0:
        return 0.0, 0.0
    idx = np.arange(0, ys.size, step)
    ys, xs = ys[idx], xs[idx]
    nx, ny = -gx[ys, xs] / mag[ys, xs], -gy[ys, xs] / mag[ys, xs]  # points outwards (alpha decreasing)
    offs = np.arange(-7, 8, dtype=np.float32)
    mx = (xs[:, None] + offs[None] * nx[:, None]).astype(np.float32)
    my = (ys[:, None] + offs[None] * ny[:, None]).astype(np.float32)
    prof = np.stack([cv2.remap(out[..., c], mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
                     for c in range(3)], -1)  # (N, 15, 3)
    inner, outer = prof[:, 0:3].mean(1), prof[:, 12:15].mean(1)
    spread = np.maximum(prof[:, 0:3].std(1).max(-1), prof[:, 12:15].std(1).max(-1))
    mid = prof[:, 3:12]
    d = _seg_dist(mid, inner[:, None], outer[:, None])
    width = (d > tau + 2 * spread[:, None]).sum(1).astype(np.float32)
    return float(np.median(width)), float(np.percentile(width, 90))


def edge_blockiness(out: np.ndarray, alpha: np.ndarray, matrix, src_shape: tuple[int, ...], block: int = 8,
                    ) -> float | None:
    """JPEG-grid blockiness of the soft matte edge, in the source photo's pixel grid.

    The output and its matte are warped back onto the source (``frame_matrix``,
    source -> output); over the soft edge (0.02 < alpha < 0.98) the mean
    absolute luminance step across the source's 8-px block boundaries is
    divided by the mean step inside blocks. A fringe that carries the old
    background's JPEG blocks (dark hair on a near-black JPEG backdrop) reads
    well above 1; a smooth or natural edge reads about 1. None: too few pixels.
    """
    h, w = src_shape[:2]
    m = np.asarray(matrix, np.float64)[:2]
    lum = out.astype(np.float32) @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    L = cv2.warpAffine(lum, m, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
    A = cv2.warpAffine(alpha.astype(np.float32), m, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
    soft = (A > 0.02) & (A < 0.98)
    on, off = [], []
    for axis in (0, 1):
        d = np.abs(np.diff(L, axis=axis))
        band = soft[:-1] & soft[1:] if axis == 0 else soft[:, :-1] & soft[:, 1:]
        idx = np.arange(d.shape[axis]) + 1
        at = (idx % block == 0)
        at = at[:, None] if axis == 0 else at[None, :]
        on.append(d[band & at])
        off.append(d[band & ~at])
    on, off = np.concatenate(on), np.concatenate(off)
    if on.size < 50 or off.size < 50:
        return None
    num, den = float(on.mean()), float(off.mean())
    return round(num / max(den, 1e-6), 2)


def _outline(alpha: np.ndarray, border: int = 3):
    """The alpha = 0.5 contours, resampled every 1 px: ``(points (row, col), inside the frame minus border)``."""
    from skimage import measure

    H, W = alpha.shape
    for c in measure.find_contours(np.pad(alpha.astype(np.float64), 1), 0.5):
        c = c - 1
        d = np.r_[0, np.cumsum(np.linalg.norm(np.diff(c, axis=0), axis=1))]
        if d[-1] < 10:
            continue
        t = np.arange(0, d[-1], 1.0)
        r = np.stack([np.interp(t, d, c[:, 0]), np.interp(t, d, c[:, 1])], 1)
        keep = (r[:, 0] >= border) & (r[:, 0] < H - border) & (r[:, 1] >= border) & (r[:, 1] < W - border)
        yield r, keep


def edge_aliasing(alpha: np.ndarray, jump: float = 0.5) -> float | None:
    """Share of the slanted outline that is a pixel staircase at 1:1.

    Along the alpha = 0.5 contour, where its direction is 20-70 degrees off
    the axes (on an axis a hard edge is no staircase), the share of points
    where alpha changes by more than ``jump`` between two neighbouring pixels
    (a hard, un-antialiased step). About 0-0.06 on clean cut-outs (scarlett_1,
    hinton), 0.13-0.3 on yangmi_3/yangmi_4's hair and 0.4-0.6 on the casual
    crops' blocky shoulders before round 7. None: too little slanted outline.
    """
    from scipy.ndimage import uniform_filter1d

    a = np.asarray(alpha, np.float32)
    H, W = a.shape
    dx = np.zeros_like(a)
    dy = np.zeros_like(a)
    dx[:, :-1] = np.abs(np.diff(a, axis=1))
    dy[:-1] = np.abs(np.diff(a, axis=0))
    step = np.maximum.reduce([dx, dy, np.roll(dx, 1, 1), np.roll(dy, 1, 0)])  # the largest step touching a pixel
    hits = n = 0
    for r, keep in _outline(a):
        t = uniform_filter1d(np.gradient(r, axis=0), 9, axis=0, mode="nearest")
        ang = np.degrees(np.arctan2(np.abs(t[:, 0]), np.abs(t[:, 1])))
        sel = keep & (ang > 20) & (ang < 70)
        yi = np.clip(np.round(r[sel, 0]).astype(int), 0, H - 1)
        xi = np.clip(np.round(r[sel, 1]).astype(int), 0, W - 1)
        hits += int((step[yi, xi] > jump).sum())
        n += int(sel.sum())
    return round(hits / n, 3) if n > 30 else None


def edge_stairs_flat(alpha: np.ndarray, jump: float = 0.3, angles: tuple[float, float] = (4.0, 20.0)) -> float | None:
    """Share of the nearly level (or nearly upright) outline that is a pixel staircase at 1:1.

    :func:`edge_aliasing` leaves out the outline within 20 degrees of an axis
    (across such an edge alpha rightly steps by nearly 1) and counts steps
    over 0.5: it read 0 on tom_cruise_tight's passport crown, a line 5-20
    degrees off level whose alpha ran 0.1-0.45 for 4-8 px along each row and
    then jumped to 0.9 (a staircase of 0.45 steps). Here, where the outline
    runs ``angles`` degrees off an axis, the step *along* that axis (the
    direction the edge nearly follows, where a clean edge changes by about
    the tangent of its angle, 0.07-0.36) is counted when it exceeds ``jump``.
    tom_cruise_tight passport 0.082 before the fix, 0.001 after; clean cut-outs
    0-0.02. None: too little such outline.
    """
    from scipy.ndimage import uniform_filter1d

    a = np.asarray(alpha, np.float32)
    H, W = a.shape
    dx = np.zeros_like(a)
    dy = np.zeros_like(a)
    dx[:, :-1] = np.abs(np.diff(a, axis=1))
    dy[:-1] = np.abs(np.diff(a, axis=0))
    sx, sy = np.maximum(dx, np.roll(dx, 1, 1)), np.maximum(dy, np.roll(dy, 1, 0))
    lo, hi = angles
    hits = n = 0
    for r, keep in _outline(a):
        t = uniform_filter1d(np.gradient(r, axis=0), 9, axis=0, mode="nearest")
        ang = np.degrees(np.arctan2(np.abs(t[:, 0]), np.abs(t[:, 1])))  # 0: level
        for sel, s in ((keep & (ang > lo) & (ang < hi), sx), (keep & (ang > 90 - hi) & (ang < 90 - lo), sy)):
            yi = np.clip(np.round(r[sel, 0]).astype(int), 0, H - 1)
            xi = np.clip(np.round(r[sel, 1]).astype(int), 0, W - 1)
            hits += int((s[yi, xi] > jump).sum())
            n += int(sel.sum())
    return round(hits / n, 3) if n > 30 else None


def head_see_through(alpha: np.ndarray, landmarks: np.ndarray, depth: float = 0.03, level: float = 0.9,
                     ) -> float | None:
    """Percent of the head's interior where the cut-out is see-through (light patches, grey haze, holes).

    The interior: the head ellipse above the chin (or the face hull), deeper
    than ``depth`` face widths (at least 3 px) inside the filled alpha > 0.5
    outline; the photo's top border is not an outline (hair cut by the frame
    goes on beyond it). Counted: alpha below ``level`` there. None: no interior.
    """
    from candid.engines.studio.matte import _head_above_chin

    lm = np.asarray(landmarks, np.float32)
    a = np.asarray(alpha, np.float32)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    solid = np.pad(ndimage.binary_fill_holes(a > 0.5).astype(np.uint8), 1)
    solid[0] = solid[1]
    d = cv2.distanceTransform(solid, cv2.DIST_L2, 5)[1:-1, 1:-1]
    inside = (d > max(depth * fw, 3.0)) & _head_above_chin(a.shape, lm)
    return round(float((a[inside] < level).mean() * 100), 2) if inside.any() else None


def crown_notch(alpha: np.ndarray, landmarks: np.ndarray) -> float | None:
    """Deepest bite into the head's outline above the eyes, in face widths (0: a convex crown).

    The head above the eye line (the piece of ``alpha > 0.5`` over the eyes,
    holes filled) is compared with its convex hull: a crown is round, so what
    the hull holds and the head does not is a notch or a pocket of background
    (2007_007763: a bite out of the back of a turned head). Its depth is the
    largest distance from the hull's outline into it; the photo's border is
    not an outline (the hull is cut by the frame). Strand gaps are shallow.
    None: no head above the eyes.
    """
    from candid.engines.studio.matte import _frame_axes

    lm = np.asarray(landmarks, np.float32)
    a = np.asarray(alpha, np.float32)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    H, W = a.shape
    _, down = _frame_axes(lm)
    yy, xx = np.mgrid[0:H, 0:W]
    eyes = lm[36:48].mean(0)
    above = (xx - eyes[0]) * down[0] + (yy - eyes[1]) * down[1] < 0
    lab, n = ndimage.label(ndimage.binary_fill_holes(a > 0.5) & above)
    if n == 0:
        return None
    x0, y0 = int(np.clip(eyes[0], 0, W - 1)), int(np.clip(eyes[1] - 0.05 * fw, 0, H - 1))
    sizes = ndimage.sum(np.ones_like(a), lab, range(1, n + 1))
    head = lab == (lab[y0, x0] if lab[y0, x0] else 1 + int(np.argmax(sizes)))
    pts = cv2.findNonZero(head.astype(np.uint8))
    hull = np.zeros((H, W), np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(pts), 1)
    bite = hull.astype(bool) & ~head & above
    if not bite.any():
        return 0.0
    d = cv2.distanceTransform(hull, cv2.DIST_L2, 5)  # depth inside the hull (the frame's border is not an outline)
    return round(float(d[bite].max()) / max(fw, 1.0), 3)


def hair_crop(out: np.ndarray, alpha: np.ndarray, lm: np.ndarray, side: int = 128) -> np.ndarray:
    """A 1:1 crop centred on the matte edge above the subject's image-left brow (the hair edge)."""
    H, W = out.shape[:2]
    x = int(np.clip(lm[17:22, 0].mean(), 0, W - 1))
    col = np.flatnonzero(alpha[:, x] > 0.5)
    y = int(col[0]) if col.size else int(lm[19, 1])
    x0, y0 = int(np.clip(x - side // 2, 0, max(W - side, 0))), int(np.clip(y - side // 2, 0, max(H - side, 0)))
    c = out[y0:y0 + side, x0:x0 + side]
    pad = np.ones((side, side, 3), np.float32)
    pad[:c.shape[0], :c.shape[1]] = c
    return pad


def others_in_cutout(alpha: np.ndarray, boxes) -> int:
    """How many of the faces ``boxes`` (output pixels) are more than a third inside the cut-out."""
    n = 0
    H, W = alpha.shape
    for x0, y0, x1, y1 in boxes:
        m = np.zeros((H, W), np.uint8)
        cv2.ellipse(m, (int(round((x0 + x1) / 2)), int(round((y0 + y1) / 2))),
                    (max(int(0.35 * (x1 - x0)), 1), max(int(0.45 * (y1 - y0)), 1)), 0, 0, 360, 1, -1)
        inside = m.astype(bool)
        if inside.sum() > 0.2 * (x1 - x0) * (y1 - y0) and float(alpha[inside].mean()) > 1 / 3:
            n += 1
    return n


def others_label_mask(polygons, src_shape: tuple[int, ...], matrix, out_shape: tuple[int, ...]) -> np.ndarray:
    """Other people's labelled polygons (source pixels), mapped forward to the output: ``(H, W)`` bool."""
    m = np.zeros(src_shape[:2], np.uint8)
    for poly in polygons:
        cv2.fillPoly(m, [np.round(np.asarray(poly, np.float64)).astype(np.int32)], 1)
    H, W = out_shape[:2]
    return cv2.warpAffine(m, np.asarray(matrix, np.float64)[:2], (W, H), flags=cv2.INTER_NEAREST,
                          borderValue=0).astype(bool)


def others_alpha(alpha: np.ndarray, labels: np.ndarray) -> tuple[float, int]:
    """Fraction of the alpha mass on other people's pixels, and how many such pixels have alpha > 0.5."""
    a = np.asarray(alpha, np.float32)
    total = float(a.sum())
    on = float(a[labels].sum())
    return (round(on / total, 4) if total > 0 else 0.0), int((a[labels] > 0.5).sum())


def photos(data: Path) -> list[Path]:
    real = data / "real"
    return sorted(p for p in real.rglob("*") if p.suffix.lower() in EXTS)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--styles", default=",".join(STYLES))
    ap.add_argument("--min-iod", type=float, default=64.0)
    ap.add_argument("--sheets", type=Path, default=Path("/tmp/studio_sheets"))
    ap.add_argument("--only", default="", help="comma-separated substrings; run photos whose path holds one")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--labels", type=Path, default=Path(__file__).parent / "data" / "others_labels.json",
                    help="hand-labelled other people (polygons in source pixels) for others_alpha / others_px")
    ap.add_argument("--save-mattes", action="store_true", help="also write each result's matte and frame matrix "
                    "(npz) under --sheets/mattes")
    ap.add_argument("--no-debris", action="store_true", help="run without the debris clean-up (before)")
    ap.add_argument("--no-debris-others", action="store_true",
                    help="run the debris clean-up without the other faces' boxes (before its group-photo rules)")
    ap.add_argument("--no-split", action="store_true", help="do not split the person mask between people (before)")
    ap.add_argument("--no-neighbour", action="store_true", help="run without the out-of-focus neighbour rule (before)")
    ap.add_argument("--no-mend", action="store_true", help="run without frame._mend_border, which refills the last "
                    "columns along a side the frame reaches a sliver past (tom_cruise_tight memorial/corporate: the "
                    "neighbour's strip the rule took out)")
    args = ap.parse_args()
    if args.no_split:
        import candid.engines.studio.stage as stage_mod

        stage_mod._other_faces = lambda *a: None
    if args.no_debris:
        import candid.engines.studio.stage as stage_mod

        stage_mod.DEBRIS = False
    if args.no_debris_others:
        import candid.engines.studio.debris as debris_mod

        _remove = debris_mod.remove_debris
        debris_mod.remove_debris = lambda *a, others=None, **k: _remove(*a, **k)
    if args.no_neighbour:
        import candid.engines.studio.stage as stage_mod

        stage_mod.NEIGHBOUR = False
    if args.no_mend:
        import importlib

        # the module, not the package's ``frame`` function of the same name
        importlib.import_module("candid.engines.studio.frame")._mend_border = lambda a, *rest: a
    others_labels = json.loads(args.labels.read_text()).get("photos", {}) if args.labels.exists() else {}
    styles = [s for s in args.styles.split(",") if s]
    args.sheets.mkdir(parents=True, exist_ok=True)
    rows, skipped = [], []
    for path in photos(args.data):
        if args.only and not any(o in str(path) for o in args.only.split(",")):
            continue
        name = str(path.relative_to(args.data))
        px = read_image(path).pixels
        try:
            face = analyze_face(px, face_index=0, source=path.name)  # the largest face (as the scorecard)
        except CandidError as exc:
            skipped.append((name, str(exc).splitlines()[0]))
            continue
        if face.iod < args.min_iod:
            skipped.append((name, f"iod {face.iod:.0f} px"))
            continue
        if not face_inside(face.landmarks, px.shape, margin=0.05):
            skipped.append((name, "face cut by the photo's border (refused by design, with a hint)"))
            continue
        full, crops = [], []
        faces = other_faces(find_faces(px), face.landmarks) if face.n_faces > 1 else []
        for style in styles:
            t = time.perf_counter()
            try:
                res = studio_stage(Portrait(px, face=face, source=path.name), style=style)
            except CandidError as exc:
                rows.append({"photo": name, "style": style, "ok": False, "error": str(exc).splitlines()[0]})
                print(f"{name:40s} {style:13s} FAILED {rows[-1]['error']}", flush=True)
                continue
            dt = time.perf_counter() - t
            op = res.log[-1]
            alpha = res.matte
            kept = any(c["change"] == "background_kept" for c in op.params["changes"])
            h50, h90 = halo_px(res.pixels, alpha) if not kept else (0.0, 0.0)
            sc_halo = sc.halo_px(res.pixels, alpha) if not kept else 0.0
            centre = tuple(np.asarray(res.face.landmarks, np.float64).mean(0))
            blocky = None if kept else edge_blockiness(res.pixels, alpha, op.params["frame_matrix"], px.shape)
            aliasing = None if kept else edge_aliasing(alpha)
            stairs = None if kept else edge_stairs_flat(alpha)
            see_through = None if kept else head_see_through(alpha, res.face.landmarks)
            notch = None if kept else crown_notch(alpha, res.face.landmarks)
            oa, opx = None, None
            if name in others_labels:
                lab = others_label_mask(others_labels[name]["polygons"], px.shape, op.params["frame_matrix"],
                                        alpha.shape)
                oa, opx = others_alpha(alpha, lab)
            if args.save_mattes:
                (args.sheets / "mattes").mkdir(exist_ok=True)
                np.savez_compressed(args.sheets / "mattes" / (name.replace("/", "_").rsplit(".", 1)[0] + f"_{style}.npz"),
                                    alpha=alpha.astype(np.float16), matrix=np.asarray(op.params["frame_matrix"]))
            row = {"photo": name, "style": style, "ok": True, "fallback": kept,
                   "others_alpha": oa, "others_px": opx,
                   "debris_removed": op.params["matte"].get("debris_removed"),
                   "beyond_head": op.params["matte"].get("beyond_head"),
                   "neighbour_px": op.params["matte"].get("neighbour_px"),
                   "detached_pieces": sc.detached_pieces(alpha, centre), "halo_px": sc_halo, "blockiness": blocky,
                   "aliasing": aliasing, "stairs_flat": stairs, "see_through": see_through, "crown_notch": notch,
                   "others_in_cutout": others_in_cutout(alpha, boxes_in_frame(faces, op.params["frame_matrix"])),
                   "halo_median_own": h50, "halo_p90_own": h90,
                   "identity": op.params["identity_distance"], "size": op.params["size"], "seconds": round(dt, 1),
                   "changes": [c["change"] for c in op.params["changes"]]}
            rows.append(row)
            print(f"{name:40s} {style:13s} pieces {row['detached_pieces']} halo {sc_halo:.2f} ({h50:.0f}/{h90:.0f}) "
                  f"id {row['identity'] if row['identity'] is None else round(row['identity'], 3)} blocky {blocky} "
                  f"alias {aliasing} stairs {stairs} see {see_through} notch {notch} "
                  f"others {row['others_in_cutout']}/{len(faces)} oa {oa} opx {opx} "
                  f"debris {row['debris_removed']} beyond {row['beyond_head']} neighbour_px {row['neighbour_px']} "
                  f"{'FALLBACK ' if kept else ''}{dt:.1f}s {row['changes']}", flush=True)
            h = 320
            full.append(cv2.resize(res.pixels, (int(round(res.width * h / res.height)), h),
                                   interpolation=cv2.INTER_AREA))
            crops.append(np.kron(hair_crop(res.pixels, alpha, res.face.landmarks), np.ones((2, 2, 1), np.float32)))
        if full:
            gap = lambda h: np.ones((h, 6, 3), np.float32)
            top = np.concatenate([x for f in full for x in (f, gap(f.shape[0]))], 1)
            bot = np.concatenate([x for c in crops for x in (c, gap(c.shape[0]))], 1)
            wd = max(top.shape[1], bot.shape[1])
            padw = lambda x: np.concatenate([x, np.ones((x.shape[0], wd - x.shape[1], 3), np.float32)], 1)
            sheet = np.concatenate([padw(top), np.ones((6, wd, 3), np.float32), padw(bot)], 0)
            write_image(args.sheets / (name.replace("/", "_").rsplit(".", 1)[0] + ".png"), np.clip(sheet, 0, 1))
    ok = [r for r in rows if r["ok"]]
    n = len(rows)
    summary = {
        "photos": len({r["photo"] for r in rows}), "results": n,
        "success_rate": round(len(ok) / n, 3) if n else None,
        "fallbacks": sum(r["fallback"] for r in ok),
        "detached_pieces": max((r["detached_pieces"] for r in ok), default=0),
        # A cut-out with no edge to measure (the matte touches nothing but the frame) has halo NaN: it is
        # counted apart instead of turning the mean into NaN (2008_004176 passport).
        "halo_px": (round(float(np.mean(measured)), 2) if (measured := [r["halo_px"] for r in ok if not r["fallback"]
                                                                       and np.isfinite(r["halo_px"])]) else None),
        "halo_px_unmeasured": sum(1 for r in ok if not r["fallback"] and not np.isfinite(r["halo_px"])),
        "halo_px_worst_photo": round(max((r["halo_px"] for r in ok if np.isfinite(r["halo_px"])), default=0.0), 2),
        "edge_blockiness_max": max((r["blockiness"] for r in ok if r.get("blockiness") is not None), default=None),
        "others_in_cutout": sum(r["others_in_cutout"] for r in ok),
        "aliasing_mean": (round(float(np.mean([r["aliasing"] for r in ok if r.get("aliasing") is not None])), 3)
                          if any(r.get("aliasing") is not None for r in ok) else None),
        "stairs_flat_mean": (round(float(np.mean([r["stairs_flat"] for r in ok if r.get("stairs_flat") is not None])), 3)
                             if any(r.get("stairs_flat") is not None for r in ok) else None),
        "see_through_mean": (round(float(np.mean([r["see_through"] for r in ok if r.get("see_through") is not None])), 2)
                             if any(r.get("see_through") is not None for r in ok) else None),
        "crown_notch_max": max((r["crown_notch"] for r in ok if r.get("crown_notch") is not None), default=None),
        "others_alpha_mean": (round(float(np.mean([r["others_alpha"] for r in ok if r.get("others_alpha") is not None])), 4)
                              if any(r.get("others_alpha") is not None for r in ok) else None),
        "others_alpha_max": max((r["others_alpha"] for r in ok if r.get("others_alpha") is not None), default=None),
        "others_px_total": sum(r["others_px"] for r in ok if r.get("others_px") is not None),
        "neighbour_px": {p: n for p in sorted({r["photo"] for r in ok})
                         if (n := sum(r.get("neighbour_px") or 0 for r in ok if r["photo"] == p))},
        "identity_max": round(max((r["identity"] for r in ok if r["identity"] is not None), default=0.0), 3),
        "skipped": skipped,
    }
    print(json.dumps(summary, indent=1))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
