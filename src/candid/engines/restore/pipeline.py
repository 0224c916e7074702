"""The whole restoration of one scanned print, step by step."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from candid.engines.restore.checks import check_image, check_mask
from candid.engines.restore.damage import KINDS, damage_mask
from candid.engines.restore.denoise import denoise_keep_grain
from candid.engines.restore.geometry import detect_print, rectify_mask, rectify_print
from candid.engines.restore.halftone import find_halftone, remove_halftone
from candid.engines.restore.exemplar import face_region_labels
from candid.engines.restore.inpaint import inpaint
from candid.engines.restore.tone import analyze_tone, correct_fade, tint as tint_fn
from candid.errors import MaskError


@dataclass
class Restoration:
    """Result of :func:`restore`.

    Attributes
    ----------
    pixels : ndarray
        The restored ``(H, W, 3)`` float32 image.
    mask : ndarray
        ``(H, W)`` bool: the pixels that were filled (detected or given).
    quad : ndarray or None
        Corners of the print in the input when it was straightened.
    notes : list of str
        What was found and done, in plain words.
    params : dict
        Settings and measurements (JSON-serialisable).
    """

    pixels: np.ndarray
    mask: np.ndarray
    quad: np.ndarray | None
    notes: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)


def restore(
    pixels: np.ndarray,
    *,
    mask: np.ndarray | None = None,
    crop: bool = True,
    halftone: bool = True,
    kinds: tuple[str, ...] = KINDS,
    sensitivity: float = 1.0,
    fade: bool = True,
    keep_monochrome: bool = True,
    denoise: float = 0.4,
    tint: str | None = None,
    seed: int = 0,
    on_step=None,
) -> Restoration:
    """Restore a scanned or photographed print faithfully: nothing is invented.

    Steps: find and straighten the print (``crop``), remove a halftone
    screen, correct fading and casts, find damage (or use ``mask``), fill it,
    denoise keeping grain, optionally hand-tint. Every step only removes what
    the print's own pixels show to be damage; no face is synthesised.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB scan (not modified).
    mask : ndarray, optional
        A damage mask to use instead of the detected one; either the size of
        ``pixels`` or of the straightened print (what ``mask`` in the result
        has).
    crop : bool
        Look for a photographed print and straighten it.
    halftone : bool
        Look for and remove a printing screen.
    kinds, sensitivity
        Passed to :func:`damage_mask`.
    fade : bool
        Correct fading and colour casts.
    keep_monochrome : bool
        Keep a sepia or toned print's colour (False makes it neutral grey).
    denoise : float
        0..1, see :func:`denoise_keep_grain`.
    tint : str, optional
        A palette of :data:`candid.engines.restore.tone.PALETTES` for a
        hand-coloured look.
    seed : int
    on_step : callable, optional
        Called as ``on_step(name)`` before each step (progress bars).

    Returns
    -------
    Restoration

    Raises
    ------
    ValueError
        Bad settings, or a mask whose size matches neither the scan nor the
        straightened print.

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> from candid.engines.restore.synthetic import degrade, psnr
    >>> clean = data.astronaut()[::2, ::2].astype(np.float32) / 255
    >>> bad = degrade(clean, fade=0, seed=0)
    >>> r = restore(bad.pixels, mask=bad.mask, crop=False, fade=False)
    >>> psnr(r.pixels, clean, bad.mask) > psnr(bad.pixels, clean, bad.mask) + 5
    True
    """
    img = check_image(pixels)
    step = on_step or (lambda name: None)
    notes: list[str] = []
    params: dict[str, Any] = {"input_size": [img.shape[1], img.shape[0]]}
    seconds: dict[str, float] = {}

    def timed(name: str, t0: float) -> None:
        seconds[name] = round(time.perf_counter() - t0, 2)

    quad = None
    work = img
    if crop:
        step("finding the print")
        t0 = time.perf_counter()
        quad = detect_print(img)
        if quad is not None:
            work = rectify_print(img, quad)
            notes.append(f"print found and straightened: {work.shape[1]}x{work.shape[0]} px")
        timed("crop", t0)
    user_mask = None
    if mask is not None:
        m = np.asarray(mask)
        m2 = m.max(axis=2) if m.ndim == 3 else m
        if m2.shape == work.shape[:2]:
            user_mask = check_mask(m2, work.shape)
        elif quad is not None and m2.shape == img.shape[:2]:
            user_mask = rectify_mask(check_mask(m2, img.shape), quad)
        else:
            raise MaskError(f"the mask is {m2.shape[1]}x{m2.shape[0]} but the scan is {img.shape[1]}x{img.shape[0]}"
                             + (f" (straightened print {work.shape[1]}x{work.shape[0]})" if quad is not None else ""))
    if halftone:
        step("looking for a halftone screen")
        t0 = time.perf_counter()
        info = find_halftone(work)
        if info.found:
            work = remove_halftone(work, info)
            notes.append(f"halftone screen removed ({len(info.peaks)} peak(s), period {info.period_px:.1f} px)")
        params["halftone_peaks"] = info.peaks
        timed("halftone", t0)
    tone = analyze_tone(work)
    params["monochrome"] = tone.monochrome
    params["sepia"] = tone.sepia
    if fade:
        step("correcting fading")
        t0 = time.perf_counter()
        work = correct_fade(work, keep_monochrome=keep_monochrome)
        kind = ("sepia" if tone.sepia else "black-and-white") if tone.monochrome else "colour"
        if tone.monochrome:
            kept = " (tone kept)" if keep_monochrome else " (made neutral)"
        else:
            kept = " (colours and tint kept)" if keep_monochrome else " (colour casts removed)"
        notes.append(f"fading corrected as a {kind} print{kept}")
        timed("fade", t0)
    if user_mask is not None:
        dmask = user_mask
        notes.append(f"damage mask given: {dmask.mean():.2%} of the print")
    else:
        step("finding dust and scratches")
        t0 = time.perf_counter()
        dmask = damage_mask(work, kinds=kinds, sensitivity=sensitivity)
        notes.append(f"damage found on {dmask.mean():.2%} of the print ({', '.join(kinds)})")
        timed("damage", t0)
    if dmask.any():
        # big losses (a torn corner, a flaked patch) are filled from their surroundings like a
        # crack, which cannot know what was there: say so, with where, so the user can look
        import cv2

        m8 = dmask.astype(np.uint8)
        dist = cv2.distanceTransform(m8, cv2.DIST_L2, 3)
        across = 2 * float(dist.max())
        params["largest_loss_px"] = round(across, 1)
        big_px = max(10.0, 0.02 * min(dmask.shape))
        if across > big_px:
            n, labels = cv2.connectedComponents(m8, connectivity=8)
            widest = np.zeros(n, np.float32)
            np.maximum.at(widest, labels.ravel(), dist.ravel())
            n_big = int((2 * widest[1:] > big_px).sum())
            notes.append(f"{n_big} large loss(es), up to {across:.0f} px across, filled from the surroundings, "
                         "which cannot show what was there: check them in the damage mask")
        step("filling damage")
        t0 = time.perf_counter()
        # texture is copied within the eyes, the lips and the brows only, never across them
        regions = face_region_labels(work)
        work = inpaint(work, dmask, regions=regions, seed=seed)
        timed("inpaint", t0)
    if denoise > 0:
        step("denoising (keeping grain)")
        t0 = time.perf_counter()
        work = denoise_keep_grain(work, denoise)
        notes.append(f"denoised by {denoise:.0%}, grain structure kept")
        timed("denoise", t0)
    if tint:
        step("hand-tinting")
        t0 = time.perf_counter()
        work = tint_fn(work, tint)
        notes.append(f"hand-tinted ({tint}): a look, not the true colours")
        timed("tint", t0)
    if work is img:
        work = img.copy()
    params.update({"crop": crop, "quad": None if quad is None else quad.round(1).tolist(), "halftone": halftone,
                   "kinds": list(kinds), "sensitivity": sensitivity, "fade": fade,
                   "keep_monochrome": keep_monochrome, "denoise": denoise, "tint": tint, "seed": seed,
                   "mask_given": user_mask is not None, "damage_fraction": float(dmask.mean()),
                   "output_size": [work.shape[1], work.shape[0]], "seconds": seconds})
    return Restoration(work, dmask, quad, notes, params)
