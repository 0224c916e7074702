"""Reflections and lighting: light direction from shading and from catchlights.

The face is modelled as an ellipsoid fitted to its landmarks; brightness of
the (smoothed) skin is fitted as ``ambient + albedo * (L . n)`` to get the
light direction ``L``. It is fitted separately on the upper and the lower
face, and compared with the direction the catchlights point to. In a photo the
three agree (one key light); composited or generated faces often do not.
"""

from __future__ import annotations

import cv2
import numpy as np

from candid.inspector._types import Context, TellResult, cannot_judge
from candid.inspector.tells.measures import luminance, sigmoid
from candid.inspector.tells.eyes import find_catchlight

MIN_IOD = 30.0


def fit_light(grey: np.ndarray, mask: np.ndarray, centre: tuple[float, float], radii: tuple[float, float]):
    """Least-squares light direction on an ellipsoid; returns ``(lx, ly, lz, residual map)``.

    Examples
    --------
    >>> yy, xx = np.mgrid[0:64, 0:64]
    >>> nx, ny = (xx - 32) / 30, (yy - 32) / 30
    >>> nz = np.sqrt(np.clip(1 - nx**2 - ny**2, 0, 1))
    >>> grey = (0.2 + 0.5 * np.clip(0.6 * nx + 0.8 * nz, 0, None)).astype("float32")
    >>> lx, ly, lz, _ = fit_light(grey, nz > 0.3, (32, 32), (30, 30))
    >>> bool(lx > 0.3 and abs(ly) < 0.1)
    True
    """
    ys, xs = np.nonzero(mask)
    nx = np.clip((xs - centre[0]) / radii[0], -0.99, 0.99)
    ny = np.clip((ys - centre[1]) / radii[1], -0.99, 0.99)
    nz = np.sqrt(np.clip(1 - nx ** 2 - ny ** 2, 0.01, 1))
    design = np.column_stack([np.ones_like(nx), nx, ny, nz])
    coef, *_ = np.linalg.lstsq(design, grey[ys, xs], rcond=None)
    resid = np.zeros_like(grey)
    resid[ys, xs] = np.abs(grey[ys, xs] - design @ coef)
    l = coef[1:] / max(np.linalg.norm(coef[1:]), 1e-6)
    return float(l[0]), float(l[1]), float(l[2]), resid


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.degrees(np.arccos(np.clip(np.dot(a, b) / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-9), -1, 1))))


def judge(ctx: Context) -> TellResult:
    """Score lighting consistency: 1 = shading and catchlights point to different lights."""
    if ctx.face is None:
        return cannot_judge("lighting", ctx.face_reason or "no face")
    lm = np.asarray(ctx.face.landmarks, np.float64)
    if ctx.face.iod < MIN_IOD:
        return cannot_judge("lighting", f"face too small ({ctx.face.iod:.0f} px between the eyes)")
    y0, y1, x0, x1 = ctx.regions.window
    crop = ctx.regions.crop(ctx.pixels)
    scale = min(1.0, 256.0 / max(crop.shape[:2]))
    grey = luminance(crop)
    if scale < 1:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    size = grey.shape[::-1]
    skin = cv2.resize(ctx.regions.masks["skin"].astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(bool)
    if skin.sum() < 50:
        return cannot_judge("lighting", "too little visible skin")
    grey = cv2.GaussianBlur(grey, (0, 0), max(1.0, 0.08 * ctx.face.iod * scale))
    pts = (lm - [x0, y0]) * scale
    centre = (float(pts[27:36, 0].mean()), float(pts[[27, 8], 1].mean()))
    radii = (float(np.linalg.norm(pts[0] - pts[16]) / 2 * 1.1), float(np.linalg.norm(pts[27] - pts[8]) * 0.75))
    yy = np.arange(grey.shape[0])[:, None]
    mid_y = float(pts[29, 1])
    upper, lower = skin & (yy < mid_y), skin & (yy >= mid_y)
    whole = fit_light(grey, skin, centre, radii)
    fits = {"whole": whole}
    for name, m in (("upper", upper), ("lower", lower)):
        if m.sum() >= 30:
            fits[name] = fit_light(grey, m, centre, radii)
    metrics: dict = {k: [round(v[0], 3), round(v[1], 3), round(v[2], 3)] for k, v in fits.items()}
    lateral = float(np.hypot(whole[0], whole[1]))
    metrics["lateral_strength"] = lateral
    parts, notes = [], []
    shading_dir = np.array(whole[:2])
    if "upper" in fits and "lower" in fits:
        split = _angle(np.array(fits["upper"][:2]), np.array(fits["lower"][:2]))
        metrics["upper_lower_angle"] = split
        weight = min(np.hypot(*fits["upper"][:2]), np.hypot(*fits["lower"][:2]))
        if weight > 0.25:
            parts.append(sigmoid((split - 70) / 15))
            notes.append(f"upper and lower face lit from directions {split:.0f} degrees apart")
    lights = [find_catchlight(ctx.pixels, c) for c in ctx.regions.iris_circles]
    found = [l for l in lights if l.found]
    if found and min(c[2] for c in ctx.regions.iris_circles) >= 5:
        cl_dir = np.array([np.mean([l.dx for l in found]), np.mean([l.dy for l in found])])
        if np.linalg.norm(cl_dir) > 0.15 and lateral > 0.25:
            ang = _angle(cl_dir, shading_dir)
            metrics["catchlight_shading_angle"] = ang
            parts.append(sigmoid((ang - 80) / 20))
            notes.append(f"catchlights point {ang:.0f} degrees away from the shading's light")
    if not parts:
        return TellResult("lighting", 0.5, 0.1, "light is frontal or diffuse: no direction to compare",
                          "Lighting is frontal or flat; nothing to compare.", metrics=metrics)
    score = float(np.mean(parts) if len(parts) > 1 else parts[0])
    confidence = float(np.clip(lateral * 1.5, 0.1, 1.0) * (0.6 + 0.2 * len(parts)))
    resid = whole[3] / max(float(whole[3][skin].max()), 1e-6)
    explanation = ("Light direction " + ("disagrees" if score > 0.6 else "agrees") + " across the face: "
                   + "; ".join(notes) + ".")
    return TellResult("lighting", score, min(confidence, 1.0), "" if confidence > 0.5 else "weak directional light",
                      explanation, resid.astype(np.float32), ctx.regions.window, [], metrics)
