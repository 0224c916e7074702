"""Eyes: catchlights that agree between the eyes, round pupils, detailed irises.

Both eyes see the same lights, so their catchlights should sit at the same
place relative to the iris and have similar shapes; generators often get this
wrong. Pupils are round; irises have radial fibre detail that generators smear
or render as pixel mush.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from candid.inspector._types import Context, TellResult, cannot_judge
from candid.inspector.tells.measures import luminance, sigmoid

MIN_IRIS_DIAMETER = 20.0


@dataclass(frozen=True)
class Catchlight:
    """The brightest blob in one iris: offset from the iris centre in radii, size and elongation."""

    found: bool
    dx: float = 0.0
    dy: float = 0.0
    area: float = 0.0
    elongation: float = 1.0
    circularity: float = 0.0
    brightness: float = 0.0
    uniformity: float = 0.0


def eye_patch(pixels: np.ndarray, circle: tuple[float, float, float], pad: float = 1.4):
    """Grey patch around one iris, its window and the iris disc mask."""
    cx, cy, r = circle
    h, w = pixels.shape[:2]
    half = max(3, int(np.ceil(r * pad)))
    y0, y1 = max(0, int(cy) - half), min(h, int(cy) + half + 1)
    x0, x1 = max(0, int(cx) - half), min(w, int(cx) + half + 1)
    grey = luminance(pixels[y0:y1, x0:x1])
    yy, xx = np.mgrid[y0:y1, x0:x1]
    disc = (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
    return grey, (y0, y1, x0, x1), disc


def find_catchlight(pixels: np.ndarray, circle: tuple[float, float, float]) -> Catchlight:
    """The specular highlight in an iris, if there is one.

    Examples
    --------
    >>> img = np.full((40, 40, 3), 0.2, np.float32)
    >>> img[14:17, 22:25] = 1.0
    >>> c = find_catchlight(img, (20.0, 20.0, 10.0))
    >>> c.found, round(c.dx, 1) > 0
    (True, True)
    """
    cx, cy, r = circle
    grey, (y0, _, x0, _), disc = eye_patch(pixels, circle, pad=1.0)
    if disc.sum() < 9:
        return Catchlight(False)
    values = grey[disc]
    base = float(np.median(values))
    thr = max(base + 0.25, float(values.max()) - 0.15)
    blob = (grey >= thr) & disc
    if not blob.any() or float(values.max()) < base + 0.2:
        return Catchlight(False)
    n, labels, stats, cents = cv2.connectedComponentsWithStats(blob.astype(np.uint8))
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    ys, xs = np.nonzero(labels == k)
    elong = 1.0
    if len(xs) >= 3:
        cov = np.cov(np.vstack([xs, ys]))
        ev = np.sort(np.linalg.eigvalsh(cov))
        elong = float(np.sqrt((ev[1] + 1e-3) / (ev[0] + 1e-3)))
    blob_mask = (labels == k).astype(np.uint8)
    contours, _ = cv2.findContours(blob_mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    # Fill of the smallest enclosing circle (pixel-counted, so a rasterised disc comes out near 1).
    circ = 0.0
    if contours and len(xs) >= 5:
        _, rad = cv2.minEnclosingCircle(max(contours, key=cv2.contourArea))
        circ = float(np.clip(len(xs) / (np.pi * (rad + 0.5) ** 2), 0, 1))
    inside = grey[ys, xs]
    uniform = float(np.clip(1.0 - inside.std() / 0.05, 0, 1))
    return Catchlight(True, float((cents[k][0] + x0 - cx) / r), float((cents[k][1] + y0 - cy) / r),
                      float(len(xs)) / (np.pi * r * r), elong, circ, float(inside.mean()), uniform)


def identical_discs(a: Catchlight, b: Catchlight) -> float:
    """How much two catchlights look like the same painted disc: round, flat white, same size and place.

    Real catchlights mirror the light's shape (softboxes, windows) through
    two differently curved, differently lit corneas: their size, outline and
    brightness profile differ a little between the eyes. Identical, uniform,
    perfectly round white discs are a hallmark of painted-in or generated
    catchlights. Returns evidence in [0, 1].

    Examples
    --------
    >>> disc = Catchlight(True, 0.3, -0.3, 0.05, 1.05, 0.95, 1.0, 1.0)
    >>> identical_discs(disc, disc) > 0.8
    True
    >>> soft = Catchlight(True, 0.3, -0.3, 0.05, 1.8, 0.55, 0.8, 0.2)
    >>> identical_discs(soft, disc) < 0.3
    True
    """
    if not (a.found and b.found):
        return 0.0
    round_ = sigmoid((min(a.circularity, b.circularity) - 0.6) / 0.05)
    flat = sigmoid((min(a.uniformity, b.uniformity) - 0.6) / 0.1)
    white = sigmoid((min(a.brightness, b.brightness) - 0.85) / 0.04)
    same_size = sigmoid((0.35 - abs(np.log((a.area + 1e-4) / (b.area + 1e-4)))) / 0.07)
    same_place = sigmoid((0.3 - float(np.hypot(a.dx - b.dx, a.dy - b.dy))) / 0.08)
    return float(round_ * flat * white * same_size * same_place)


def pupil_roundness(pixels: np.ndarray, circle: tuple[float, float, float]) -> float:
    """Circularity (4 pi area / perimeter^2) of the dark pupil blob; nan if none."""
    grey, _, disc = eye_patch(pixels, circle, pad=1.0)
    if disc.sum() < 30:
        return float("nan")
    vals = grey[disc]
    if np.percentile(vals, 50) - np.percentile(vals, 5) < 0.08:
        return float("nan")  # dark iris: the pupil does not stand out, its outline means nothing
    dark = (grey <= np.percentile(vals, 15)) & disc
    dark = cv2.morphologyEx(dark.astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    contours, _ = cv2.findContours(dark, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return float("nan")
    c = max(contours, key=cv2.contourArea)
    area, per = cv2.contourArea(c), cv2.arcLength(c, True)
    return float(np.clip(4 * np.pi * area / max(per * per, 1e-6), 0, 1)) if area >= 6 else float("nan")


def iris_detail(pixels: np.ndarray, circle: tuple[float, float, float]) -> float:
    """Fine detail inside the iris relative to its mid-scale contrast (low = smeared)."""
    grey, _, disc = eye_patch(pixels, circle, pad=1.0)
    if disc.sum() < 30:
        return float("nan")
    fine = grey - cv2.GaussianBlur(grey, (0, 0), 1.0)
    mid = cv2.GaussianBlur(grey, (0, 0), 1.0) - cv2.GaussianBlur(grey, (0, 0), 3.0)
    keep = disc & (grey < np.percentile(grey[disc], 90))  # ignore the catchlight
    return float(fine[keep].std() / max(mid[keep].std(), 1e-4)) if keep.sum() > 10 else float("nan")


def judge(ctx: Context) -> TellResult:
    """Score the eyes: 1 = catchlights disagree, pupils not round, irises smeared."""
    if ctx.face is None:
        return cannot_judge("eyes", ctx.face_reason or "no face")
    circles = ctx.regions.iris_circles
    diameter = 2 * min(c[2] for c in circles)
    if diameter < MIN_IRIS_DIAMETER:
        return cannot_judge("eyes", f"iris under {MIN_IRIS_DIAMETER:.0f} px ({diameter:.0f} px)",
                            iris_diameter_px=diameter)
    lights = [find_catchlight(ctx.pixels, c) for c in circles]
    rounds = [pupil_roundness(ctx.pixels, c) for c in circles]
    details = [iris_detail(ctx.pixels, c) for c in circles]
    parts, notes = [], []
    metrics: dict = {"iris_diameter_px": diameter, "catchlights": [l.found for l in lights]}
    if all(l.found for l in lights):
        a, b = lights
        offset = float(np.hypot(a.dx - b.dx, a.dy - b.dy))
        size = abs(np.log((a.area + 1e-3) / (b.area + 1e-3)))
        shape = abs(np.log(a.elongation / b.elongation))
        metrics.update(catchlight_offset=offset, catchlight_size_log_ratio=float(size),
                       catchlight_shape_log_ratio=float(shape))
        parts.append(sigmoid((offset - 0.6) / 0.15))  # iris centres are only known to ~0.2 r
        parts.append(sigmoid((size - 1.0) / 0.3))
        parts.append(sigmoid((shape - 0.8) / 0.25))
        notes.append(f"catchlights differ by {offset:.2f} iris radii in position")
        twin = identical_discs(a, b)
        metrics["identical_discs"] = twin
        metrics["catchlight_circularity"] = min(a.circularity, b.circularity)
        if twin > 0.5:
            parts.append(0.5 + 0.5 * twin)
            notes.append("the catchlights are identical flat white discs (painted or generated)")
    elif any(l.found for l in lights):
        parts.append(0.75)
        notes.append("a catchlight in one eye only")
    else:
        notes.append("no catchlights (flat light)")
    good_rounds = [r for r in rounds if np.isfinite(r)]
    if good_rounds:
        metrics["pupil_roundness"] = min(good_rounds)
        parts.append(sigmoid((0.3 - min(good_rounds)) / 0.08))
        notes.append(f"pupil roundness {min(good_rounds):.2f}")
    good_details = [d for d in details if np.isfinite(d)]
    if good_details:
        metrics["iris_detail"] = min(good_details)
        parts.append(sigmoid((0.25 - min(good_details)) / 0.06))
        notes.append(f"iris fine/mid detail {min(good_details):.2f}")
    if not parts:
        return cannot_judge("eyes", "eyes too dark or closed to judge", **metrics)
    score = float(max(np.mean(parts), max(parts) * 0.9))
    if metrics.get("identical_discs", 0.0) > 0.5:
        score = max(score, 0.5 + 0.5 * metrics["identical_discs"])
    confidence = float(np.clip((diameter - MIN_IRIS_DIAMETER) / 20.0, 0.2, 1.0)) * (len(parts) / 5) ** 0.5
    confidence = float(min(confidence, 1.0))
    heat_win = ctx.regions.window
    y0, y1, x0, x1 = heat_win
    heat = np.zeros((y1 - y0, x1 - x0), np.float32)
    crops = []
    for c, l in zip(circles, lights):
        cx, cy, r = c
        cv2.circle(heat, (int(cx - x0), int(cy - y0)), int(r * 1.2), float(score), -1)
        half = int(max(r * 2.5, 24))
        crops.append(("eye", (max(0, int(cy) - half), int(cy) + half, max(0, int(cx) - half), int(cx) + half)))
    verdict = "look inconsistent" if score > 0.6 else "look plausible"
    return TellResult("eyes", score, confidence, "" if confidence > 0.6 else "small or partly hidden irises",
                      f"The eyes {verdict}: " + "; ".join(notes) + ".", heat, heat_win, crops, metrics)
