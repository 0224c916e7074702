"""Optical and handling effects: halation, bloom, vignetting, chromatic aberration,
softness, gate weave, light leaks and burns, dust and scratches.

Sizes are in mm on the film frame (``film_format``) or in fractions of the image
diagonal, converted to pixels from the image size. Glows are computed on a
block-averaged copy (they are wide and smooth), so they stay cheap at 8K.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from candid.colour import linear_to_srgb, luminance, srgb_to_linear
from candid.looks.bands import bands, block_mean, resize_rows
from candid.looks.checks import check_fraction, check_image, check_seed
from candid.looks.film_formats import film_format_mm, px_per_mm


def gauss_ksize(sigma: float) -> int:
    """The odd Gaussian kernel size that reaches 4 sigma on each side.

    Examples
    --------
    >>> gauss_ksize(1.2)
    11
    """
    return 2 * int(math.ceil(4.0 * sigma)) + 1


def _glow_map(lin_src, radius_px: float, threshold: float, channel: int | None, *, energy=None,
              mapper=map) -> tuple[np.ndarray, int]:
    """Low-resolution blurred highlight energy; returns (map, factor).

    ``energy(r0, r1)``, if given, makes the highlight energy of a band of rows
    directly (``lin_src`` then only gives the shape); ``mapper`` maps over the
    bands (e.g. a thread pool's ``map``).
    """
    h, w = lin_src.shape[:2]
    f = max(1, int(radius_px / 3))  # the glow is smooth: build it at 1/f resolution
    rows = max(f, (256 // f) * f)
    if energy is None:
        def energy(r0, r1):
            return _highlight_energy(lin_src[r0:r1], threshold, channel)
    low = np.concatenate(list(mapper(lambda span: block_mean(energy(*span), f), bands(h, rows))), 0)
    s = radius_px / f
    # a sharp core plus a long tail, as measured halation/bloom profiles look
    core = cv2.GaussianBlur(low, (gauss_ksize(s), gauss_ksize(s)), s, borderType=cv2.BORDER_REFLECT)
    s2 = 3 * s
    tail = cv2.GaussianBlur(low, (gauss_ksize(s2), gauss_ksize(s2)), s2, borderType=cv2.BORDER_REFLECT)
    return (0.6 * core + 0.4 * tail).astype(np.float32), f


def _highlight_energy(band, threshold, channel):
    src = band[..., channel] if channel is not None else luminance(band)
    return np.maximum(src - np.float32(threshold), 0) / np.float32(1 - threshold)


def add_glow_inplace(lin: np.ndarray, *, radius_px: float, strength: float, tint, threshold: float,
                     channel: int | None, halo_only: bool = False) -> None:
    """Add a blurred highlight glow (halation or bloom) to a linear image, in place.

    With ``halo_only`` only the light spread *out of* highlights is added
    (``max(blur(E) - E, 0)``): inside a large highlight the extra red exposure
    is printed out by the lab, so halation shows as a fringe, not a cast.
    """
    if strength <= 0 or radius_px <= 0:
        return
    low, f = _glow_map(lin, radius_px, threshold, channel)
    t = np.asarray(tint, np.float32) * np.float32(strength)
    for r0, r1 in bands(lin.shape[0]):
        g = resize_rows(low, r0, r1, lin.shape[0], lin.shape[1])
        if halo_only:
            g = np.maximum(g - _highlight_energy(lin[r0:r1], threshold, channel), 0)
        lin[r0:r1] += g[..., None] * t


def _linear_copy(img):
    out = np.empty(img.shape, np.float32)
    for r0, r1 in bands(img.shape[0]):
        out[r0:r1] = srgb_to_linear(img[r0:r1], exact=True)
    return out


def _to_srgb_inplace(lin):
    for r0, r1 in bands(lin.shape[0]):
        lin[r0:r1] = linear_to_srgb(lin[r0:r1], exact=True)
    return lin


def halation(img: np.ndarray, *, strength: float = 0.25, radius_mm: float = 0.15, threshold: float = 0.45,
             film_format: str = "35mm") -> np.ndarray:
    """Red-orange halos around bright highlights.

    Light that passes the emulsion reflects off the film base and re-exposes
    the bottom (red-sensitive) layer, so bright highlights get a red/orange
    fringe ~0.1-0.3 mm wide on the film. Film with an anti-halation layer
    shows little (strength ~0.1); CineStill (no rem-jet) shows a lot (~0.5).

    Parameters
    ----------
    img : ndarray
        ``(H, W, 3)`` sRGB float in [0, 1].
    strength : float
        Fraction of the highlight energy scattered back.
    radius_mm : float
        Halo radius on the film.
    threshold : float
        Linear level above which light counts as a highlight.
    film_format : str

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((64, 64, 3), np.float32); img[28:36, 28:36] = 1
    >>> out = halation(img, strength=0.5, radius_mm=2.0)
    >>> bool(out[20, 32, 0] > out[20, 32, 2])   # the halo is red
    True
    """
    img = check_image(img)
    check_fraction(threshold, "threshold", 0, 0.99)
    lin = _linear_copy(img)
    r = radius_mm * px_per_mm(img.shape, film_format)
    add_glow_inplace(lin, radius_px=r, strength=strength, tint=(1.0, 0.32, 0.06), threshold=threshold, channel=0,
                     halo_only=True)
    return _to_srgb_inplace(lin)


def bloom(img: np.ndarray, *, strength: float = 0.15, radius: float = 0.01, threshold: float = 0.5) -> np.ndarray:
    """Soft neutral glow around highlights (lens flare / diffusion filter).

    ``radius`` is a fraction of the image diagonal.

    Examples
    --------
    >>> import numpy as np
    >>> bloom(np.full((16, 16, 3), 0.5, np.float32)).shape
    (16, 16, 3)
    """
    img = check_image(img)
    check_fraction(threshold, "threshold", 0, 0.99)
    lin = _linear_copy(img)
    r = radius * math.hypot(*img.shape[:2])
    add_glow_inplace(lin, radius_px=r, strength=strength, tint=(1.0, 1.0, 1.0), threshold=threshold, channel=None)
    return _to_srgb_inplace(lin)


def vignette_gain(shape, amount: float, *, r0: int = 0, r1: int | None = None) -> np.ndarray:
    """Relative illumination ``(rows, W)`` for natural (cos^4-like) falloff.

    ``amount`` is the light lost in the corners in stops (0.5-1 for a fast lens wide open).
    """
    h, w = shape[:2]
    r1 = h if r1 is None else r1
    y = (np.arange(r0, r1, dtype=np.float32) + 0.5 - h / 2) / np.float32(math.hypot(h, w) / 2)
    x = (np.arange(w, dtype=np.float32) + 0.5 - w / 2) / np.float32(math.hypot(h, w) / 2)
    rr = y[:, None] ** 2 + x[None, :] ** 2
    # cos^4 law with a field angle scaled so the corner (rr = 1) loses `amount` stops
    k = math.sqrt(2 ** (amount / 2) - 1) if amount > 0 else 0.0
    return (1.0 / (1.0 + k * k * rr) ** 2).astype(np.float32)


def vignette(img: np.ndarray, *, amount: float = 0.7) -> np.ndarray:
    """Lens vignetting: ``amount`` stops of light lost in the corners (in linear light).

    Examples
    --------
    >>> import numpy as np
    >>> out = vignette(np.full((32, 48, 3), 0.5, np.float32), amount=1.0)
    >>> bool(out[0, 0, 0] < out[16, 24, 0])
    True
    """
    img = check_image(img)
    if amount < 0:
        raise ValueError("amount must be >= 0")
    lin = _linear_copy(img)
    for r0, r1 in bands(img.shape[0]):
        lin[r0:r1] *= vignette_gain(img.shape, amount, r0=r0, r1=r1)[..., None]
    return _to_srgb_inplace(lin)


def chromatic_aberration(img: np.ndarray, *, amount: float = 0.0008) -> np.ndarray:
    """Subtle lateral chromatic aberration: red magnified, blue shrunk, by ``amount`` (relative).

    0.0008 shifts the corners of an 8K frame by about 3 px.

    Examples
    --------
    >>> import numpy as np
    >>> chromatic_aberration(np.zeros((16, 16, 3), np.float32)).dtype
    dtype('float32')
    """
    img = check_image(img)
    h, w = img.shape[:2]
    out = np.empty(img.shape, np.float32)
    out[..., 1] = img[..., 1]
    cx, cy = (w - 1) / 2, (h - 1) / 2
    for c, s in ((0, 1 + amount), (2, 1 - amount)):
        m = np.float32([[s, 0, cx * (1 - s)], [0, s, cy * (1 - s)]])
        out[..., c] = cv2.warpAffine(np.ascontiguousarray(img[..., c]), m, (w, h), flags=cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_REFLECT)
    return out


def softness(img: np.ndarray, *, mtf50_lp_mm: float = 50.0, film_format: str = "35mm") -> np.ndarray:
    """Lens + film + scan softness given as MTF50 in line pairs per mm on the film.

    A Gaussian blur with ``MTF(f) = exp(-2 pi^2 s^2 f^2)`` reaching 50 % at
    ``mtf50_lp_mm``; 35 mm film through a good lens and scanner is ~40-60 lp/mm.

    Examples
    --------
    >>> import numpy as np
    >>> softness(np.zeros((16, 16, 3), np.float32)).shape
    (16, 16, 3)
    """
    img = check_image(img)
    if mtf50_lp_mm <= 0:
        raise ValueError("mtf50_lp_mm must be positive")
    s_mm = math.sqrt(math.log(2) / (2 * math.pi**2)) / mtf50_lp_mm
    s = s_mm * px_per_mm(img.shape, film_format)
    if s < 0.2:
        return img.copy()
    return _blur_banded(img, s)


def _blur_banded(img, s):
    ks = gauss_ksize(s)
    halo = ks // 2
    out = np.empty(img.shape, np.float32)
    h = img.shape[0]
    for r0, r1 in bands(h, 512):
        a0, a1 = max(0, r0 - halo), min(h, r1 + halo)
        b = cv2.GaussianBlur(np.ascontiguousarray(img[a0:a1]), (ks, ks), s, borderType=cv2.BORDER_REFLECT)
        out[r0:r1] = b[r0 - a0: r1 - a0]
    return out


def gate_weave(img: np.ndarray, *, amount: float = 0.002, seed: int = 0) -> np.ndarray:
    """Shift and rotate the frame slightly, as a film gate holds each frame a little differently.

    ``amount`` is the shift as a fraction of the width (rotation is a similar
    fraction of a radian). Borders are reflected.

    Examples
    --------
    >>> import numpy as np
    >>> gate_weave(np.zeros((16, 16, 3), np.float32), seed=3).shape
    (16, 16, 3)
    """
    img = check_image(img)
    rng = np.random.default_rng([check_seed(seed), 7])
    h, w = img.shape[:2]
    dx, dy = rng.normal(0, amount * w, 2)
    ang = math.degrees(rng.normal(0, amount * 0.5))
    m = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), ang, 1.0)
    m[:, 2] += (dx, dy)
    out = np.empty(img.shape, np.float32)
    for c in range(3):
        out[..., c] = cv2.warpAffine(np.ascontiguousarray(img[..., c]), m, (w, h), flags=cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_REFLECT)
    return out


def light_leak_map(shape, *, seed: int = 0, burn: bool = False, long_side: int = 384) -> np.ndarray:
    """Low-resolution ``(h, w, 3)`` additive exposure of a light leak for an image of ``shape``.

    The map has the image's aspect ratio and ``long_side`` pixels on its long
    side; resize it to the image (it is smooth), e.g. with
    :func:`candid.looks.bands.resize_rows` band by band.

    Leaks enter from a frame edge (a gap at the door or the film end), are
    elongated across the film and warm (they hit the red layer first, then
    green). ``burn=True`` makes an end-of-roll burn: broad and over-exposed.
    """
    rng = np.random.default_rng([check_seed(seed), 11])
    h, w = shape[:2]
    sc = long_side / max(h, w)
    lh, lw = max(8, round(h * sc)), max(8, round(w * sc))
    yy, xx = np.mgrid[0:lh, 0:lw].astype(np.float32)
    yy /= lh
    xx /= lw
    acc = np.zeros((lh, lw), np.float32)
    side = rng.integers(4)
    n = 1 if burn else int(rng.integers(1, 4))
    for _ in range(n):
        t = rng.uniform(0.1, 0.9)
        # distance from the entry edge and position along it
        d, a = {0: (xx, yy), 1: (1 - xx, yy), 2: (yy, xx), 3: (1 - yy, xx)}[int(side)]
        width = rng.uniform(0.25, 0.5) if burn else rng.uniform(0.05, 0.18)
        depth = rng.uniform(0.5, 0.9) if burn else rng.uniform(0.15, 0.45)
        wob = 0.04 * np.sin(2 * np.pi * (rng.uniform(1, 3) * d + rng.uniform()))
        blob = np.exp(-((a - t + wob) ** 2) / (2 * width**2)) * np.exp(-d / depth)
        acc += blob.astype(np.float32) * np.float32(rng.uniform(0.6, 1.0))
    acc = cv2.GaussianBlur(acc, (0, 0), 2.0)
    gain = 4.0 if burn else 1.6
    # warm: hot core is yellow-white, fringe is red-orange
    col = np.stack([acc * 1.0, acc**1.6 * 0.75, acc**2.6 * 0.35], -1) * np.float32(gain)
    return col.astype(np.float32)


def add_light_leak_inplace(lin: np.ndarray, *, strength: float, burn: bool, seed: int) -> None:
    """Add a light leak to a linear image, in place, band by band."""
    if strength <= 0:
        return
    low = light_leak_map(lin.shape, seed=seed, burn=burn) * np.float32(strength)
    h, w = lin.shape[:2]
    for r0, r1 in bands(h):
        lin[r0:r1] += resize_rows(low, r0, r1, h, w)


def light_leak(img: np.ndarray, *, strength: float = 1.0, burn: bool = False, seed: int = 0) -> np.ndarray:
    """Add a shaped, warm light leak (or an end-of-roll burn) in exposure.

    Examples
    --------
    >>> import numpy as np
    >>> out = light_leak(np.full((40, 60, 3), 0.3, np.float32), seed=2)
    >>> bool(out.mean() > 0.3)
    True
    """
    img = check_image(img)
    lin = _linear_copy(img)
    add_light_leak_inplace(lin, strength=strength, burn=burn, seed=seed)
    return _to_srgb_inplace(lin)


def dust_mask(shape, *, amount: float = 1.0, film_format: str = "35mm", seed: int = 0) -> np.ndarray:
    """``(H, W)`` uint8 coverage (255 = covered) of dust specks, hairs and scratches, sized on the film.

    Specks are 10-80 um, hairs 10-20 um wide and ~1-4 mm long, scratches run
    along the film (vertically for 35 mm). ``amount`` scales their number.
    """
    rng = np.random.default_rng([check_seed(seed), 13])
    h, w = shape[:2]
    ppm = px_per_mm(shape, film_format)
    fa, fb = film_format_mm(film_format)
    area_mm2 = fa * fb
    mask = np.zeros((h, w), np.uint8)
    n_specks = rng.poisson(amount * area_mm2 / 30)
    for _ in range(n_specks):
        r = max(0.5, rng.uniform(5, 40) * 1e-3 * ppm)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        sh = 4
        cv2.circle(mask, (int(cx * 16), int(cy * 16)), int(r * 16), 255, -1, cv2.LINE_AA, shift=sh)
    for _ in range(rng.poisson(amount * area_mm2 / 300)):
        length = rng.uniform(1, 4) * ppm
        pts = [np.array([rng.uniform(0, w), rng.uniform(0, h)])]
        ang = rng.uniform(0, 2 * np.pi)
        for _ in range(12):
            ang += rng.normal(0, 0.5)
            pts.append(pts[-1] + length / 12 * np.array([math.cos(ang), math.sin(ang)]))
        th = max(1, int(round(rng.uniform(10, 20) * 1e-3 * ppm)))
        cv2.polylines(mask, [np.round(np.array(pts) * 16).astype(np.int32)], False, 255, th, cv2.LINE_AA, shift=4)
    for _ in range(rng.poisson(amount * 0.6)):
        x = rng.uniform(0, w)
        y0, y1 = sorted(rng.uniform(0, h, 2))
        drift = rng.normal(0, 0.3) * ppm
        th = max(1, int(round(rng.uniform(5, 15) * 1e-3 * ppm)))
        cv2.line(mask, (int(x * 16), int(y0 * 16)), (int((x + drift) * 16), int(y1 * 16)), 180, th, cv2.LINE_AA, shift=4)
    return mask


def dust_and_scratches(img: np.ndarray, *, amount: float = 1.0, negative: bool = True, film_format: str = "35mm",
                       seed: int = 0) -> np.ndarray:
    """Dust, hairs and scratches on the film.

    On a scanned negative they print white (they block light to the paper);
    on a slide they are dark.

    Examples
    --------
    >>> import numpy as np
    >>> out = dust_and_scratches(np.full((128, 192, 3), 0.5, np.float32), amount=3, seed=1)
    >>> bool(out.max() > 0.5)
    True
    """
    img = check_image(img)
    out = img.copy()
    add_dust_inplace(out, amount=amount, negative=negative, film_format=film_format, seed=seed)
    return out


def add_dust_inplace(img: np.ndarray, *, amount: float, negative: bool, film_format: str, seed: int) -> None:
    """Composite dust onto an sRGB image in place, band by band."""
    if amount <= 0:
        return
    m8 = dust_mask(img.shape, amount=amount, film_format=film_format, seed=seed)
    target = np.float32(0.97 if negative else 0.03)
    for r0, r1 in bands(img.shape[0]):
        m = m8[r0:r1, :, None].astype(np.float32) / np.float32(255)
        img[r0:r1] += (target - img[r0:r1]) * m
