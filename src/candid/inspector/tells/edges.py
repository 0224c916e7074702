"""Edges: halos and detached pieces around the subject; smeared hair line, ears, teeth, glasses.

The subject's outline is where compositing fails (candid's own studio
backgrounds included): a glow or shadow band along the edge, pieces of hair or
skin left floating in the background. See :func:`outline`.

Generators are good at smooth areas and bad at busy, thin structures: hair
strands dissolve into mush at the hair line, ears lose their folds, teeth
merge, glasses frames wobble. Per region this measures how much of the detail
survives at the finest scale (fine / mid band-pass energy, low = smeared) and,
for hair, how coherent (strand-like) the fine structure is.
"""

from __future__ import annotations

import cv2
import numpy as np

from candid.inspector._types import Context, TellResult, cannot_judge
from candid.inspector.tells.measures import local_std, luminance, sigmoid, worst_window

MIN_IOD = 50.0
MAX_SIDE = 768
#: Fine/mid energy ratio below which detail counts as smeared (a prior; sharp
#: photos sit around 0.4-0.8, a 1.5 px blur brings it under 0.2).
SMEAR_RATIO = 0.3


def _poly(shape, pts, off):
    m = np.zeros(shape, np.uint8)
    cv2.fillPoly(m, [np.round(np.asarray(pts) - off).astype(np.int32)], 1)
    return m.astype(bool)


def edge_regions(ctx: Context) -> dict[str, np.ndarray]:
    """Masks (in the face window) of hair line, ears, teeth and the glasses zone."""
    lm = np.asarray(ctx.face.landmarks, np.float64)
    iod = ctx.face.iod
    y0, y1, x0, x1 = ctx.regions.window
    shape, off = (y1 - y0, x1 - x0), np.array([x0, y0])
    masks = ctx.regions.masks
    out = {"hair line": masks["hairline"].copy()}
    centre = lm[27:31].mean(axis=0)
    for name, idx in (("right ear", [0, 1, 2, 3]), ("left ear", [16, 15, 14, 13])):
        pts = lm[idx]
        out_dir = pts.mean(axis=0) - centre
        out_dir /= max(np.linalg.norm(out_dir), 1e-6)
        out[name] = _poly(shape, np.vstack([pts, (pts + out_dir * 0.45 * iod)[::-1]]), off) & ~masks["face"]
    inner = _poly(shape, lm[60:68], off)
    if inner.sum() > 0.02 * iod * iod:
        out["teeth"] = inner
    k = max(3, int(0.35 * iod)) | 1
    around = cv2.dilate(masks["eyes"].astype(np.uint8), np.ones((k, k), np.uint8)).astype(bool)
    out["glasses zone"] = around & ~masks["eyes"] & ~masks["brows"]
    return {n: m for n, m in out.items() if m.sum() >= 30}


def structure(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fine and mid band-pass and structure-tensor coherence maps."""
    g1 = cv2.GaussianBlur(grey, (0, 0), 1.0)
    fine = grey - g1
    mid = g1 - cv2.GaussianBlur(grey, (0, 0), 3.0)
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=3)
    jxx, jyy, jxy = (cv2.GaussianBlur(a, (0, 0), 2.0) for a in (gx * gx, gy * gy, gx * gy))
    coherence = np.sqrt((jxx - jyy) ** 2 + 4 * jxy ** 2) / (jxx + jyy + 1e-6)
    return fine, mid, coherence.astype(np.float32)


def thin_structures(ctx: Context) -> tuple[float, dict, np.ndarray, str] | None:
    """Hair line, ears, teeth, glasses zone: (score, per-region metrics, heat in the face window, worst)."""
    if ctx.face.iod < MIN_IOD:
        return None
    regions = edge_regions(ctx)
    if not regions:
        return None
    crop = ctx.regions.crop(ctx.pixels)
    scale = min(1.0, MAX_SIDE / max(crop.shape[:2]))
    grey = luminance(crop)
    if scale < 1:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        regions = {n: cv2.resize(m.astype(np.uint8), grey.shape[::-1], interpolation=cv2.INTER_NEAREST).astype(bool)
                   for n, m in regions.items()}
    fine, mid, coherence = structure(grey)
    per, metrics = {}, {}
    for name, m in regions.items():
        if m.sum() < 30:
            continue
        ratio = float(fine[m].std() / max(mid[m].std(), 1e-4))
        coh = float(np.average(coherence[m], weights=np.abs(fine[m]) + 1e-6))
        smear = sigmoid((SMEAR_RATIO - ratio) / 0.07)
        incoherent = sigmoid((0.25 - coh) / 0.05) if name == "hair line" and ratio > SMEAR_RATIO else 0.0
        per[name] = max(smear, incoherent)
        metrics[name] = {"fine_mid_ratio": ratio, "coherence": coh, "score": per[name]}
    if not per:
        return None
    scores = np.array(list(per.values()))
    score = float(0.5 * scores.max() + 0.5 * scores.mean())
    ratio_map = local_std(fine, 3.0) / (local_std(mid, 3.0) + 1e-3)
    union = np.zeros(grey.shape, bool)
    for m in regions.values():
        union |= m
    heat = (np.clip((SMEAR_RATIO * 1.5 - ratio_map) / (SMEAR_RATIO * 1.5), 0, 1) * union).astype(np.float32)
    return score, metrics, heat, max(per, key=per.get)


def judge(ctx: Context) -> TellResult:
    """Score edges: 1 = a halo or detached pieces around the subject, or smeared thin structures."""
    if ctx.face is None:
        return cannot_judge("edges", ctx.face_reason or "no face")
    thin = thin_structures(ctx)
    b = ctx.face.box
    several = int(getattr(ctx.face, "n_faces", 1) or 1) > 1
    o = outline(ctx.pixels, (b.x0, b.y0, b.x1, b.y1), several=several)
    o_score = outline_score(o)
    metrics: dict = {"halo": o["halo"], "halo_contrast": o["halo_contrast"], "fringe": o["fringe"], "debris": o["debris"],
                     "n_debris": o["n_debris"], "busy_background": o["busy"], "outline": o_score}
    heat = o["heat"] * o_score
    s = o["scale"]
    parts = [o_score]
    words = []
    if o["fringe"] > 0.15:
        words.append(f"outline: {o['fringe']:.0%} of the subject's edge has a colour fringe")
    if o["halo"] > 0.2 or o["n_debris"]:
        words.append(f"outline: {o['halo']:.0%} of the subject's edge has a halo, "
                     f"{o['n_debris']} detached piece(s) in the background"
                     + (" (several people in the photo: the outline is crowded, little weight)" if several else ""))
    elif o["fringe"] <= 0.15:
        words.append("outline: clean (no halo, colour fringe or detached pieces)")
    worst = "subject outline"
    if thin is not None:
        t_score, t_metrics, t_heat, t_worst = thin
        metrics.update(t_metrics)
        metrics["thin"] = t_score
        parts.append(t_score)
        y0, y1, x0, x1 = ctx.regions.window
        sy0, sy1, sx0, sx1 = (int(round(v * s)) for v in (y0, y1, x0, x1))
        sy1, sx1 = min(sy1, heat.shape[0]), min(sx1, heat.shape[1])
        if sy1 > sy0 and sx1 > sx0:
            heat[sy0:sy1, sx0:sx1] = np.maximum(heat[sy0:sy1, sx0:sx1], cv2.resize(
                t_heat * t_score, (sx1 - sx0, sy1 - sy0), interpolation=cv2.INTER_AREA))
        words.append(f"thin structures: {'smeared' if t_score > 0.6 else 'fine'} (worst: {t_worst})")
        if t_score > o_score:
            worst = t_worst
    score = float(max(parts))
    conf_thin = float(np.clip((ctx.face.iod - MIN_IOD) / 80.0, 0.2, 1.0)) if thin is not None else 0.0
    conf_outline = float(np.clip(1.0 - 0.7 * o["busy"], 0.2, 1.0) * np.clip(ctx.face.iod / 30.0, 0.2, 1.0))
    if several:
        # Group snapshots are not studio composites: people overlap and crowd the outline. On the dev set
        # every false "detached pieces" finding was a photo of several people.
        conf_outline *= 0.3
    conf = max(conf_thin, conf_outline) if o_score >= 0.5 else max(conf_thin, 0.5 * conf_outline)
    reason = "" if conf > 0.6 else ("busy background and a small face" if o["busy"] > 0.5 else "face small")
    h, w = ctx.shape
    crops = [(worst, worst_window(heat, (0, h, 0, w), 192, ctx.shape))] if heat.max() > 0 else []
    return TellResult("edges", score, float(conf), reason, "Edges: " + "; ".join(words) + ".",
                      heat.astype(np.float32), (0, h, 0, w), crops, metrics)


# --- The subject's outline: halos and detached pieces (candid's own compositing failures) -------------

#: Long side of the copy the outline analysis works on.
OUTLINE_SIDE = 640
_SEG_LOCK = __import__("threading").Lock()
_SEG: list = []


def person_mask(small: np.ndarray) -> np.ndarray:
    """Person probability of an (h, w, 3) float32 image from MediaPipe selfie segmentation (model 0)."""
    from candid.face._models import load_mediapipe

    mp = load_mediapipe()

    with _SEG_LOCK:
        if not _SEG:
            _SEG.append(mp.solutions.selfie_segmentation.SelfieSegmentation(model_selection=0))
        u8 = np.ascontiguousarray(np.clip(small * 255 + 0.5, 0, 255).astype(np.uint8))
        prob = _SEG[0].process(u8).segmentation_mask
    return np.asarray(prob, np.float32)


def _blur_in(values: np.ndarray, mask: np.ndarray, sigma: float) -> np.ndarray:
    """Mean of ``values`` over ``mask`` in a Gaussian neighbourhood (normalised convolution)."""
    m = mask.astype(np.float32)
    h, w = m.shape
    f = min(1.0, 4.0 / sigma)  # wide blurs on a small copy: same result, a fraction of the cost

    def blur(x):
        if f >= 1.0:
            return cv2.GaussianBlur(x, (0, 0), sigma)
        small = cv2.resize(x, (max(2, round(w * f)), max(2, round(h * f))), interpolation=cv2.INTER_AREA)
        return cv2.resize(cv2.GaussianBlur(small, (0, 0), sigma * f), (w, h), interpolation=cv2.INTER_LINEAR)

    num = blur(values * m)
    den = blur(m)
    return num / np.maximum(den, 1e-4), den


def outline(pixels: np.ndarray, face_box: tuple[float, float, float, float], *, prob: np.ndarray | None = None,
            several: bool = False) -> dict:
    """Halo along the subject's edge and detached pieces in the background.

    Works on a copy with long side :data:`OUTLINE_SIDE`. The subject is the
    part of the person mask (MediaPipe selfie segmentation) connected to the
    face. Against a background model (normalised blur of the background
    only, scale ~ a quarter face), it measures

    * ``halo``: the share of a thin band just outside the subject that is
      lighter or darker than the background a little further out by more than
      the background's own variation, the band being smooth (a halo is a
      soft glow or shadow, not hair); and
    * ``fringe``: the share of that band whose chroma is not a mix of the
      subject's beside it and the background's beyond it (a green or magenta
      seam; an anti-aliased edge between two colours is a mix and does not count);
    * ``debris``: compact blobs in the background that stand out from it
      like the subject does (detached subject pieces, matting leftovers),
      counted by area relative to the face.

    Both are scaled by how smooth the background is (a busy background hides
    and imitates both), returned as ``busy`` in [0, 1]. With ``several``
    people in the photo, the other person segments are not counted as pieces.

    Returns a dict with ``halo``, ``debris``, ``busy``, ``scale`` (small /
    full), ``heat`` (float32 map at the working size) and ``n_debris``.
    """
    H, W = pixels.shape[:2]
    s = min(1.0, OUTLINE_SIDE / max(H, W))
    small = cv2.resize(pixels, (max(8, round(W * s)), max(8, round(H * s))), interpolation=cv2.INTER_AREA) \
        if s < 1 else np.ascontiguousarray(pixels, np.float32)
    h, w = small.shape[:2]
    if prob is None:
        prob = person_mask(small)
    elif prob.shape != (h, w):
        prob = cv2.resize(prob.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    x0, y0, x1, y1 = (float(v) * s for v in face_box)
    fw = max(x1 - x0, 4.0)
    person = (prob > 0.5).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(person, connectivity=8)
    cx, cy = int(np.clip((x0 + x1) / 2, 0, w - 1)), int(np.clip((y0 + y1) / 2, 0, h - 1))
    subject_id = labels[cy, cx] if labels[cy, cx] > 0 else (1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA])) if n > 1 else 0)
    empty = {"halo": 0.0, "debris": 0.0, "busy": 1.0, "scale": s, "heat": np.zeros((h, w), np.float32),
             "n_debris": 0, "halo_contrast": 0.0, "fringe": 0.0}
    if subject_id == 0:
        return empty
    subject = labels == subject_id
    lab = cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2LAB)
    light = lab[..., 0] / 100.0
    k1 = max(3, int(round(0.06 * fw)) | 1)
    k2 = max(5, int(round(0.30 * fw)) | 1)
    # Distance to the subject (exact Euclidean): bands by threshold instead of big elliptic dilations.
    dist = cv2.distanceTransform((~subject).astype(np.uint8), cv2.DIST_L2, 5)
    near = dist <= k1 / 2
    far = dist <= k2 / 2
    band = near & ~subject
    ring = far & (dist > k1 / 2 + 1)
    background = ~near
    if band.sum() < 20 or ring.sum() < 50:
        return empty
    sigma = max(2.0, 0.25 * fw)
    # Background model and its own variation.
    bg_l, _ = _blur_in(light, background, sigma)
    bg_ab = np.stack([_blur_in(lab[..., c], background, sigma)[0] for c in (1, 2)], axis=-1)
    dev_bg = np.abs(light - bg_l)[ring]
    spread = float(np.percentile(dev_bg, 75)) + 0.01
    fine = np.abs(light - cv2.GaussianBlur(light, (0, 0), 1.0))
    busy = float(np.clip((float(np.median(fine[ring])) - 0.004) / 0.02 + (spread - 0.02) / 0.08, 0, 1))
    # Halo: the thin band differs from the ring background, smoothly.
    ring_l, _ = _blur_in(light, ring, sigma)
    diff = light - ring_l
    smooth_band = fine < max(0.01, 2 * float(np.median(fine[ring])))
    thr = max(0.05, 2.5 * spread)
    halo_px = band & smooth_band & (np.abs(diff) > thr)
    halo = float(halo_px.sum() / max(band.sum(), 1))
    contrast = float(np.median(np.abs(diff[band]))) / spread
    # Colour fringe: the band's chroma differs from the background beyond it and from the subject beside it
    # (a green or magenta seam left by matting or chromatic aberration), whatever its brightness.
    ring_ab = np.stack([_blur_in(lab[..., c], ring, sigma)[0] for c in (1, 2)], axis=-1)
    subj_ab = np.stack([_blur_in(lab[..., c], subject, max(2.0, 0.1 * fw))[0] for c in (1, 2)], axis=-1)
    # Distance of each pixel's chroma from the segment subject-colour .. background-colour: an
    # anti-aliased edge mixes the two and stays on it; a fringe leaves it.
    ab = lab[..., 1:]
    seg = ring_ab - subj_ab
    t = np.clip(np.sum((ab - subj_ab) * seg, axis=-1) / np.maximum(np.sum(seg * seg, axis=-1), 1e-6), 0, 1)
    off_mix = np.linalg.norm(ab - (subj_ab + t[..., None] * seg), axis=-1)
    ab_spread = float(np.percentile(np.linalg.norm(ab - ring_ab, axis=-1)[ring], 75)) + 1.0
    fringe_px = band & (off_mix > max(10.0, 2.5 * ab_spread))
    fringe = float(fringe_px.sum() / max(band.sum(), 1))
    # Debris: background blobs that differ from the background model like a piece of the subject would.
    dev = np.hypot(np.abs(light - bg_l) * 100.0, np.linalg.norm(lab[..., 1:] - bg_ab, axis=-1)) / 100.0
    bg_spread = float(np.percentile(dev[background & far], 90)) if (background & far).sum() > 50 else 0.1
    cand = background & (dev > max(0.08, 2.0 * bg_spread)) & (prob < 0.5)
    if not several:  # with several people in the photo, the other person segments are people, not pieces
        cand |= (person.astype(bool) & ~subject)  # the segmenter's own detached pieces
    cand &= ~near
    cand = cv2.morphologyEx(cand.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    m, lab2, st2, _ = cv2.connectedComponentsWithStats(cand, connectivity=8)
    heat = np.zeros((h, w), np.float32)
    area_face = fw * fw
    debris_area, n_debris = 0.0, 0
    reach = dist <= 0.75 * fw
    touching = set(np.unique(lab2[reach]).tolist())
    kept = []
    for i in range(1, m):
        a = st2[i, cv2.CC_STAT_AREA]
        bw, bh = st2[i, cv2.CC_STAT_WIDTH], st2[i, cv2.CC_STAT_HEIGHT]
        bx, by = st2[i, cv2.CC_STAT_LEFT], st2[i, cv2.CC_STAT_TOP]
        if a < max(6, 0.0008 * area_face) or a > 0.25 * area_face or i not in touching:
            continue
        if bx == 0 or by == 0 or bx + bw >= w or by + bh >= h:
            continue  # touches the frame: part of the scene, not a floating piece
        if a / float(bw * bh) < 0.3:
            continue  # thin lines and clutter, not blobs
        debris_area += a
        kept.append(i)
    n_debris = len(kept)
    if kept:
        heat[np.isin(lab2, kept)] = 1.0
    heat = np.maximum(heat, (halo_px * np.clip(np.abs(diff) / (2 * thr), 0.5, 1)).astype(np.float32))
    heat = np.maximum(heat, fringe_px.astype(np.float32))
    heat = cv2.dilate(heat, np.ones((3, 3), np.uint8))
    debris = float(debris_area / area_face)
    return {"halo": halo, "debris": debris, "busy": busy, "scale": s, "heat": heat, "n_debris": n_debris,
            "halo_contrast": contrast, "fringe": fringe}


def outline_score(o: dict) -> float:
    """Evidence in [0, 1] from :func:`outline`'s numbers (halo share and debris area), damped by a busy background.

    Examples
    --------
    >>> outline_score({"halo": 0.0, "debris": 0.0, "busy": 0.0}) < 0.1
    True
    >>> outline_score({"halo": 0.5, "debris": 0.02, "busy": 0.0}) > 0.9
    True
    """
    halo = sigmoid((o["halo"] - 0.2) / 0.06)
    debris = sigmoid((o["debris"] - 0.004) / 0.0015)
    fringe = sigmoid((o.get("fringe", 0.0) - 0.15) / 0.05)
    return float(max(halo, debris, fringe) * (1.0 - 0.6 * o["busy"]))
