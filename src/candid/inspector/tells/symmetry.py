"""Symmetry: a face that is too perfectly bilateral, in shape or in texture.

Real faces are measurably asymmetric in their landmarks, and their fine
texture (pores, fine lines, freckles) does not mirror at all. A face that is
mirror-perfect in shape, or whose fine detail on one side is a mirror copy of
the other, is a tell of generation or of a "symmetrise" retouch.
"""

from __future__ import annotations

import cv2
import numpy as np

from candid.face.geometry import face_geometry, normalize_landmarks
from candid.inspector._types import Context, TellResult, cannot_judge
from candid.inspector.tells.measures import luminance, sigmoid

MIN_IOD = 30.0
CANON_IOD = 64.0
#: Landmark asymmetry (IOD units) under which shape is "too perfect"; frontal
#: real faces measure roughly 0.025-0.06.
PERFECT_ASYMMETRY = 0.018


def aligned_face(pixels: np.ndarray, landmarks: np.ndarray, iod: float = CANON_IOD):
    """Face rotated so the eyes are level, scaled to ``iod`` px, 4 IOD square; returns (grey, M, midline_x)."""
    lm = np.asarray(landmarks, np.float64)
    right, left = lm[36:42].mean(axis=0), lm[42:48].mean(axis=0)
    d = left - right
    s = iod / max(np.hypot(*d), 1e-6)
    ang = np.degrees(np.arctan2(d[1], d[0]))
    centre = (right + left) / 2
    m = cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), float(ang), float(s))
    size = int(4 * iod)
    m[:, 2] += np.array([size / 2, size * 0.3]) - centre
    out = cv2.warpAffine(luminance(pixels), m, (size, size), flags=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REFLECT)
    n = normalize_landmarks(lm)
    midline = size / 2 + float(np.median(n[[27, 28, 29, 30, 33, 51, 57, 62, 66, 8], 0])) * iod
    return out, m, midline


def texture_mirror_correlation(grey: np.ndarray, mask: np.ndarray, midline: float) -> tuple[float, np.ndarray]:
    """Correlation of fine detail with its mirror image about ``midline`` (1 = mirror copy)."""
    fine = grey - cv2.GaussianBlur(grey, (0, 0), 1.5)
    w = grey.shape[1]
    shift = np.float32([[-1, 0, 2 * midline], [0, 1, 0]])
    mirrored = cv2.warpAffine(fine, shift, (w, grey.shape[0]), flags=cv2.INTER_LINEAR)
    mmask = cv2.warpAffine(mask.astype(np.uint8), shift, (w, grey.shape[0]), flags=cv2.INTER_NEAREST).astype(bool)
    both = mask & mmask
    if both.sum() < 50:
        return float("nan"), np.zeros_like(grey)
    a, b = fine[both], mirrored[both]
    corr = float(np.corrcoef(a, b)[0, 1]) if a.std() > 1e-6 and b.std() > 1e-6 else 0.0
    local = cv2.GaussianBlur(fine * mirrored, (0, 0), 4) / (
        np.sqrt(cv2.GaussianBlur(fine ** 2, (0, 0), 4) * cv2.GaussianBlur(mirrored ** 2, (0, 0), 4)) + 1e-6)
    return corr, (np.clip(local, 0, 1) * both).astype(np.float32)


def judge(ctx: Context) -> TellResult:
    """Score symmetry: 1 = too perfect."""
    if ctx.face is None:
        return cannot_judge("symmetry", ctx.face_reason or "no face")
    if ctx.face.iod < MIN_IOD:
        return cannot_judge("symmetry", f"face too small ({ctx.face.iod:.0f} px between the eyes)")
    geo = face_geometry(ctx.face.landmarks)
    asym = geo["asymmetry"]
    geo_score = sigmoid((PERFECT_ASYMMETRY - asym) / 0.005)
    grey, m, midline = aligned_face(ctx.pixels, ctx.face.landmarks)
    full_skin = np.zeros(ctx.shape, np.uint8)
    y0, y1, x0, x1 = ctx.regions.window
    full_skin[y0:y1, x0:x1] = ctx.regions.masks["face"]
    mask = cv2.warpAffine(full_skin, m, grey.shape[::-1], flags=cv2.INTER_NEAREST).astype(bool)
    # Landmarks place the midline to a pixel or two: search around it.
    corr, local = max((texture_mirror_correlation(grey, mask, midline + d) for d in np.arange(-3, 3.5, 0.5)),
                      key=lambda r: r[0] if np.isfinite(r[0]) else -2)
    tex_score = sigmoid((corr - 0.35) / 0.08) if np.isfinite(corr) else 0.5
    score = float(max(tex_score, 0.8 * geo_score))
    lm = np.asarray(ctx.face.landmarks, np.float64)
    yaw = abs(np.linalg.norm(lm[0] - lm[27]) - np.linalg.norm(lm[16] - lm[27])) / max(np.linalg.norm(lm[0] - lm[16]), 1e-6)
    # Under CANON_IOD the face is upsampled for the texture test: its "fine" band then holds smooth
    # shading, which mirrors under frontal light, so small faces read as copied halves. On the dev set
    # that made the tell point the wrong way (real photos, with smaller faces, scored higher).
    confidence = float(np.clip(1.0 - yaw * 3, 0.2, 1.0) * np.clip((ctx.face.iod - CANON_IOD) / 64, 0.0, 1.0))
    heat = _back(local, m, ctx.regions.window)
    words = ("fine skin detail mirrors from one side to the other (a copied half)" if tex_score > 0.6 else
             "the face shape is unusually perfect" if geo_score > 0.6 else
             "normal human asymmetry")
    return TellResult("symmetry", score, confidence, "" if confidence > 0.6 else (
                          f"face small ({ctx.face.iod:.0f} px between the eyes): fine texture not resolved"
                          if ctx.face.iod < CANON_IOD + 32 else "head turned: symmetry is unreliable"),
                      f"Symmetry: {words} (landmark asymmetry {asym:.3f} IOD, mirrored-texture correlation "
                      f"{corr:.2f}).", heat, ctx.regions.window, [],
                      {"asymmetry": asym, "texture_mirror_corr": corr, "yaw_proxy": float(yaw)})


def _back(local: np.ndarray, m: np.ndarray, window) -> np.ndarray:
    y0, y1, x0, x1 = window
    shifted = m.copy()
    shifted[:, 2] += shifted[:, :2] @ np.array([x0, y0])
    return cv2.warpAffine(local, shifted, (x1 - x0, y1 - y0), flags=cv2.WARP_INVERSE_MAP | cv2.INTER_LINEAR,
                          borderValue=0).astype(np.float32)
