"""Find dust, scratches and creases on a scanned print.

Dust, scratches and creases are small or thin structures much brighter (lost
emulsion, paper showing through) or darker (dirt, hair) than their
surroundings. They are found with morphological top-hat / black-hat filters at
scales relative to the image size, thresholded against the image's own noise
(so film grain does not trigger them), grown by hysteresis, and then sorted by
shape: compact specks are dust, long thin components are scratches, long wider
ones are creases. Anything else (catchlights, buttons, text) is left alone, and
the eyes are protected when a face is found.
"""

from __future__ import annotations

from typing import Iterable

import cv2
import numpy as np

from candid.engines.restore._util import bands, check_image, luma, noise_sigma, to_u8

KINDS = ("dust", "scratches", "creases")


def _eye_guard(pixels: np.ndarray) -> np.ndarray | None:
    """Discs around the eyes (catchlights live there), or None without a face."""
    from candid.errors import FaceError
    from candid.face import analyze_face

    try:
        face = analyze_face(pixels, face_index=0, embed=False, quality=False)
    except FaceError:
        return None
    lm = np.asarray(face.landmarks, np.float32)
    guard = np.zeros(pixels.shape[:2], np.uint8)
    r = int(round(0.35 * face.iod))
    for sl in (slice(36, 42), slice(42, 48)):
        c = lm[sl].mean(axis=0)
        cv2.circle(guard, (int(c[0]), int(c[1])), max(2, r), 1, -1)
    return guard > 0


def _saturation_u8(img: np.ndarray) -> np.ndarray:
    """(max - min) of the channels, 0..255."""
    out = np.empty(img.shape[:2], np.uint8)
    for y0, y1, _, _ in bands(img.shape[0]):
        band = img[y0:y1]
        out[y0:y1] = to_u8(band.max(axis=2) - band.min(axis=2))
    return out


def _straightness(labels: np.ndarray, n: int) -> np.ndarray:
    """Per component: minor / major standard deviation of its pixel positions (0 = a straight line)."""
    ys, xs = np.nonzero(labels)
    lab = labels[ys, xs]
    cnt = np.maximum(np.bincount(lab, minlength=n), 1).astype(np.float64)
    xs = xs.astype(np.float64)
    ys = ys.astype(np.float64)
    mx, my = np.bincount(lab, xs, n) / cnt, np.bincount(lab, ys, n) / cnt
    dx, dy = xs - mx[lab], ys - my[lab]
    sxx, syy, sxy = (np.bincount(lab, dx * dx, n) / cnt, np.bincount(lab, dy * dy, n) / cnt,
                     np.bincount(lab, dx * dy, n) / cnt)
    tr, det = sxx + syy, sxx * syy - sxy * sxy
    disc = np.sqrt(np.maximum(tr * tr / 4 - det, 0))
    major, minor = tr / 2 + disc, np.maximum(tr / 2 - disc, 0)
    return np.sqrt(minor / np.maximum(major, 1e-9))


def _hysteresis(strong: np.ndarray, weak: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep the weak components touching a strong pixel; return labels, stats and kept flags."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(weak.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    keep[np.unique(labels[strong & weak])] = True
    keep[0] = False
    return labels, stats, keep


def damage_mask(
    pixels: np.ndarray,
    *,
    kinds: Iterable[str] = KINDS,
    sensitivity: float = 1.0,
    protect_eyes: bool = True,
) -> np.ndarray:
    """Boolean mask of dust, scratches and creases on a scanned print.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1] (not modified). Remove a halftone
        screen first (:func:`remove_halftone`): screen dots look like dust.
    kinds : iterable of {"dust", "scratches", "creases"}
        What to look for.
    sensitivity : float
        Above 1 finds fainter defects (and more false positives).
    protect_eyes : bool
        Find the face and never mark small specks near the eyes (catchlights).

    Returns
    -------
    ndarray
        ``(H, W)`` bool, True where the print is damaged.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((256, 256, 3), 0.4, np.float32)
    >>> img[100:103, 100:103] = 1.0          # a speck of dust
    >>> img[20:22, 30:220] = 0.95           # a scratch
    >>> m = damage_mask(img, protect_eyes=False)
    >>> bool(m[101, 101]), bool(m[21, 120]), bool(m[200, 200])
    (True, True, False)
    """
    kinds = tuple(kinds)
    bad = set(kinds) - set(KINDS)
    if bad:
        raise ValueError(f"unknown damage kinds {sorted(bad)}; use {KINDS}")
    if sensitivity <= 0:
        raise ValueError("sensitivity must be positive")
    img = check_image(pixels)
    h, w = img.shape[:2]
    s = min(h, w)
    y = luma(img)
    sigma = noise_sigma(y)
    y8 = to_u8(y)
    del y
    lo, hi = np.percentile(y8[:: max(1, h // 512), :: max(1, w // 512)], [1, 99])
    spread = max(float(hi - lo), 40.0)
    # thresholds in 8-bit units: well above grain, and a fraction of the tonal range
    t_strong = max(6.0 * sigma * 255, 0.16 * spread) / sensitivity
    t_weak = max(3.0 * sigma * 255, 0.07 * spread) / sensitivity

    small = max(5, int(round(0.012 * s)) | 1)       # dust and scratch widths up to ~1 % of the print
    large = max(small + 4, int(round(0.03 * s)) | 1)  # creases
    mask = np.zeros((h, w), bool)
    max_dust = max(9.0, (0.012 * s) ** 2 * 1.2)     # area of the largest speck
    min_line = 0.04 * s                             # a scratch is at least this long
    # Lost emulsion shows paper, dirt is dark: both are near neutral. On a colour
    # print, strongly coloured thin structures are picture detail (fabric, badges).
    sat = _saturation_u8(img)
    mono = bool(np.percentile(sat[:: max(1, h // 256), :: max(1, w // 256)], 95) < 40)
    for polarity in (cv2.MORPH_TOPHAT, cv2.MORPH_BLACKHAT):
        for scale in (small, large):
            if scale == large and "creases" not in kinds:
                continue
            if scale == small and not {"dust", "scratches"} & set(kinds):
                continue
            # local-outlier test: distance from the local median, which ignores thin
            # structures, and the top-hat, which ignores large smooth shading
            med = cv2.medianBlur(y8, scale if scale <= 255 else 255)
            diff = cv2.subtract(y8, med) if polarity == cv2.MORPH_TOPHAT else cv2.subtract(med, y8)
            del med
            kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (scale, scale))
            resp = cv2.min(cv2.morphologyEx(y8, polarity, kernel), diff)
            del diff
            strong = resp > t_strong
            if not strong.any():
                continue
            weak = resp > t_weak
            del resp
            labels, stats, keep = _hysteresis(strong, weak)
            del strong, weak
            bw, bh, area = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_AREA]
            extent = np.maximum(bw, bh).astype(np.float64)
            width = area / np.maximum(extent, 1)
            diag = np.hypot(bw, bh)
            elong = _straightness(labels, len(keep))
            straight = elong < 0.12  # scratches and creases run nearly straight
            is_dust = (area <= max_dust) & (extent <= 0.025 * s) & (elong > 0.4)  # specks are roundish
            ok = np.zeros_like(keep)
            if scale == small:
                if "dust" in kinds:
                    ok |= is_dust
                if "scratches" in kinds and polarity == cv2.MORPH_TOPHAT:  # dark lines are mostly hair
                    ok |= (diag >= min_line) & (width <= max(2.5, 0.45 * small)) & straight
            else:
                ok |= (diag >= 0.15 * s) & (width <= max(4.0, 0.4 * large)) & straight
            keep &= ok
            if keep.any() and not mono:
                # mean saturation per component
                idx = labels.ravel()
                tot = np.bincount(idx, weights=sat.ravel().astype(np.float64), minlength=len(keep))
                mean_sat = tot / np.maximum(stats[:, cv2.CC_STAT_AREA], 1)
                keep &= mean_sat < 70
            if keep.any():
                mask |= keep[labels]
            del labels
    if not mask.any():
        return mask
    if protect_eyes:
        guard = _eye_guard(img)
        if guard is not None:
            n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
            inside = np.zeros(n, bool)
            inside[np.unique(labels[guard & mask])] = True
            inside &= stats[:, cv2.CC_STAT_AREA] <= max_dust
            inside[0] = False
            mask &= ~inside[labels]
    grow = max(1, int(round(0.002 * s)))
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
    return cv2.dilate(mask.astype(np.uint8), k) > 0
