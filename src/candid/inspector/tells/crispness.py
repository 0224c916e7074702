"""Crispness: local contrast of the face at a normalised scale, against what a camera draws.

Every face is brought to :data:`CANON_IOD` px between the eyes (only ever
downsampled; smaller faces are not judged) and the mean absolute fine detail
of the face window is measured relative to its brightness. At that scale the
file's resolution, resizing and JPEG history no longer matter (they act at
much finer scales), while a camera's optics, focus and the photographer's
processing leave faces softer than generators render them: Stable Diffusion
portraits draw eyes, brows, lips and hair edges with an over-crisp, high
micro-contrast look.

This is a statement about rendering *style*, not a physical impossibility:
it is fooled by heavily sharpened photos and professionally lit studio
portraits (crisp by design), and a generator that renders softly escapes it.
The threshold :data:`MID` sits between the dev-set medians of real photos
(0.028) and SD 2.1 portraits (0.049): it was read off that set (see
docs/INSPECT.md), unlike the other tells' priors.
"""

from __future__ import annotations

import cv2
import numpy as np

from candid.inspector._types import Context, TellResult, cannot_judge
from candid.inspector.tells.measures import luminance, sigmoid

CANON_IOD = 32.0
MID = 0.038
WIDTH = 0.006


def crispness(grey: np.ndarray, iod: float) -> tuple[float, np.ndarray]:
    """Mean |fine detail| / mean brightness of ``grey`` resampled to :data:`CANON_IOD`, and the detail map.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> sharp = (rng.random((128, 128)) > 0.5).astype(np.float32) * 0.5 + 0.25
    >>> soft = cv2.GaussianBlur(sharp, (0, 0), 2.0)
    >>> crispness(sharp, 32.0)[0] > crispness(soft, 32.0)[0]
    True
    """
    s = CANON_IOD / max(iod, 1e-6)
    g = cv2.resize(grey, None, fx=s, fy=s, interpolation=cv2.INTER_AREA) if s < 1 else np.asarray(grey, np.float32)
    detail = np.abs(g - cv2.GaussianBlur(g, (0, 0), 0.8))
    return float(detail.mean() / max(float(g.mean()), 1e-3)), detail.astype(np.float32)


def judge(ctx: Context) -> TellResult:
    """Score crispness: 1 = the face is rendered crisper than cameras draw faces."""
    if ctx.face is None:
        return cannot_judge("crispness", ctx.face_reason or "no face")
    iod = float(ctx.face.iod)
    if iod < CANON_IOD * 0.9:
        return cannot_judge("crispness", f"face under {CANON_IOD:.0f} px between the eyes ({iod:.0f} px)")
    value, detail = crispness(luminance(ctx.regions.crop(ctx.pixels)), iod)
    score = sigmoid((value - MID) / WIDTH)
    conf = float(np.clip((iod - 28.0) / 12.0, 0.0, 1.0))
    heat = np.clip(detail / max(float(np.percentile(detail, 99)), 1e-4), 0, 1).astype(np.float32)
    words = ("crisper than cameras usually draw faces (high micro-contrast at a normalised face size)"
             if score > 0.6 else "soft like a photograph" if score < 0.4 else "in between")
    return TellResult("crispness", score, conf, "" if conf > 0.6 else "small face",
                      f"Crispness: {words} ({value:.3f}; real photos ~0.028, SD portraits ~0.049). A style cue: "
                      "sharpened or studio photos are crisp too.", heat, ctx.regions.window, [],
                      {"crispness": value, "iod_px": iod})
