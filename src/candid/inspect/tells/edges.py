"""Hair line, ears, teeth and glasses edges: smeared or incoherent fine structure.

Generators are good at smooth areas and bad at busy, thin structures: hair
strands dissolve into mush at the hair line, ears lose their folds, teeth
merge, glasses frames wobble. Per region this measures how much of the detail
survives at the finest scale (fine / mid band-pass energy, low = smeared) and,
for hair, how coherent (strand-like) the fine structure is.
"""

from __future__ import annotations

import cv2
import numpy as np

from candid.inspect._types import Context, TellResult, cannot_judge, local_std, luminance, sigmoid, worst_window

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


def judge(ctx: Context) -> TellResult:
    """Score thin structures: 1 = smeared or incoherent."""
    if ctx.face is None:
        return cannot_judge("edges", ctx.face_reason or "no face")
    if ctx.face.iod < MIN_IOD:
        return cannot_judge("edges", f"face too small for hair strands ({ctx.face.iod:.0f} px between the eyes)")
    regions = edge_regions(ctx)
    if not regions:
        return cannot_judge("edges", "no hair line, ears, teeth or glasses zone visible")
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
        return cannot_judge("edges", "regions too small after resampling")
    scores = np.array(list(per.values()))
    score = float(0.5 * scores.max() + 0.5 * scores.mean())
    ratio_map = local_std(fine, 3.0) / (local_std(mid, 3.0) + 1e-3)
    union = np.zeros(grey.shape, bool)
    for m in regions.values():
        union |= m
    heat = (np.clip((SMEAR_RATIO * 1.5 - ratio_map) / (SMEAR_RATIO * 1.5), 0, 1) * union).astype(np.float32)
    worst = max(per, key=per.get)
    conf = float(np.clip((ctx.face.iod - MIN_IOD) / 80.0, 0.2, 1.0))
    words = ", ".join(f"{n} {'smeared' if s > 0.6 else 'fine'}" for n, s in per.items())
    crops = [(worst, worst_window(heat, ctx.regions.window, 192, ctx.shape))]
    return TellResult("edges", score, conf, "" if conf > 0.6 else "face small: strands barely resolved",
                      f"Thin structures: {words}. Worst: {worst}.", heat, ctx.regions.window, crops, metrics)
