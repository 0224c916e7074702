"""Skin texture: pore-scale detail after removing noise, against real skin.

Real skin at portrait resolution carries fine detail (pores, fine lines,
vellus hair) in the 0.35-0.7 mm band; AI skin and beauty filters often remove
it ("waxy", "plastic") or replace it with blotches at a coarser scale
("splotchy"). The numbers come from :func:`candid.face.skin_texture` (faces
resampled to a canonical inter-ocular distance of 128 px), so they mean the
same at 1 MP and at 24 MP.
"""

from __future__ import annotations

import cv2
import numpy as np

from candid.face.texture import FINE_BAND, band_pass, skin_texture
from candid.inspector._types import Context, TellResult, cannot_judge
from candid.inspector.tells.measures import local_std, luminance, sigmoid, worst_window

#: Relative fine-band std of real skin at the canonical scale. A prior from
#: published portrait statistics and the public-domain astronaut photo, not fit
#: to any evaluation set: real skin shows ~0.015-0.03, waxy skin < 0.01.
REAL_FINE = 0.018
#: Fine/mid ratio of real skin (detail spread over scales); splotchy skin has
#: mid-scale blotches without matching fine detail.
REAL_FINE_MID = 0.6
MIN_IOD = 40.0


def _noise_gain() -> float:
    """Std of the fine band-pass of unit white noise (to subtract noise energy)."""
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((256, 256)).astype(np.float32)
    return float(band_pass(noise, FINE_BAND)[16:-16, 16:-16].std())


def texture_excess(fine: float, noise: float, level: float, gain: float | None = None) -> float:
    """Fine-band energy left after subtracting what sensor noise alone would give.

    Examples
    --------
    >>> texture_excess(0.02, 0.0, 0.5)
    0.02
    >>> texture_excess(0.01, 0.05, 0.5) == 0.0
    True
    """
    gain = _noise_gain() if gain is None else gain
    noise_rel = gain * noise / max(level, 1e-3)
    return float(np.sqrt(max(fine * fine - noise_rel * noise_rel, 0.0)))


def judge(ctx: Context) -> TellResult:
    """Score skin texture: 1 = waxy, plastic or splotchy.

    Examples
    --------
    >>> from skimage import data
    >>> from candid.inspector import inspect_image
    >>> r = inspect_image(data.astronaut().astype("float32") / 255)
    >>> 0 <= r.tell("skin").score <= 1
    True
    """
    if ctx.face is None:
        return cannot_judge("skin", ctx.face_reason or "no face")
    iod = ctx.face.iod
    if iod < MIN_IOD:
        return cannot_judge("skin", f"face too small ({iod:.0f} px between the eyes, need {MIN_IOD:.0f})")
    stats = skin_texture(ctx.pixels, ctx.face.landmarks, ctx.regions)
    if "skin.fine" not in stats:
        return cannot_judge("skin", "too little visible skin")
    skin = ctx.regions.masks["skin"]
    crop = ctx.regions.crop(ctx.pixels)
    level = float(luminance(crop)[skin].mean()) if skin.any() else 0.5
    gain = _noise_gain()
    excess = texture_excess(stats["skin.fine"], stats["noise"], level, gain)
    ratio = stats["skin.fine"] / max(stats["skin.mid"], 1e-6)
    waxy = sigmoid(np.log(REAL_FINE / max(excess, 1e-4)) / 0.3 - 1.0)
    splotchy = sigmoid(np.log(REAL_FINE_MID / max(ratio, 1e-3)) / 0.25 - 1.5)
    score = max(waxy, splotchy)
    # Per-region smoothness map at native resolution (capped for 24 MP faces).
    grey = luminance(crop)
    scale = min(1.0, 512.0 / max(grey.shape))
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
    px_per_canon = iod * scale / 128.0
    bands = (FINE_BAND[0] * max(px_per_canon, 1.0), FINE_BAND[1] * max(px_per_canon, 1.0))
    energy = local_std(band_pass(small, bands), 3 * bands[1]) / max(level, 1e-3)
    mask = cv2.resize(skin.astype(np.uint8), small.shape[::-1], interpolation=cv2.INTER_NEAREST).astype(bool)
    heat = np.clip(1.0 - energy / REAL_FINE, 0, 1) * mask  # 1 = no fine detail, 0 = as much as real skin
    # The fine band (0.35-0.7 mm) is measured at a canonical 128 px between the eyes; a smaller face is
    # upsampled to get there and has no such detail to show (at 64 px one pixel is ~1 mm). On the dev set a
    # confidence that was already full at 100 px made small real faces read as "waxy" (the tell pointed
    # the wrong way, AUC 0.39): confidence now ramps from 64 to 128 px.
    confidence = float(np.clip((iod - 64.0) / 64.0, 0, 1) * np.clip(skin.sum() / 2000.0, 0.2, 1))
    reason = "" if confidence > 0.8 else f"{iod:.0f} px between the eyes: only coarse skin detail is visible"
    regions = {k[:-5]: v for k, v in stats.items() if k.endswith(".fine") and k != "skin.fine"}
    smoothest = min(regions, key=regions.get) if regions else "skin"
    words = ("waxy / plastic: fine skin detail is missing" if waxy >= splotchy and waxy > 0.6 else
             "splotchy: blotches without matching fine detail" if splotchy > 0.6 else
             "plausible: fine detail comparable with real skin")
    explanation = (f"Skin looks {words}. Fine detail after removing noise is {excess / REAL_FINE:.0%} of what real "
                   f"skin of this size shows; smoothest area: {smoothest.replace('_', ' ')}.")
    crops = [("smoothest skin", worst_window(heat, ctx.regions.window, 192, ctx.shape))]
    return TellResult("skin", score, confidence, reason, explanation, heat.astype(np.float32),
                      ctx.regions.window, crops,
                      {"fine": stats["skin.fine"], "mid": stats["skin.mid"], "noise": stats["noise"],
                       "fine_excess": excess, "fine_mid_ratio": ratio, "waxy": waxy, "splotchy": splotchy,
                       **{f"{k}.fine": v for k, v in regions.items()}})
