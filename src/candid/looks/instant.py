"""Instant film frames and double exposure.

Frames use the real dimensions of each format (mm): the card and the image
area, with the wide chemistry pod edge at the bottom. Each stock has its own
tone: lifted, slightly milky blacks, a soft shoulder and a colour cast, and the
developer spread leaves an irregular image edge.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from candid.colour import linear_to_srgb, luminance, srgb_to_linear
from candid.errors import CandidError
from candid.looks.checks import check_fraction, check_image, check_seed


def smoothstep(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    """Hermite step from 0 at ``e0`` to 1 at ``e1`` (an antialiased edge).

    Examples
    --------
    >>> smoothstep(0.0, 1.0, np.array([-1.0, 0.5, 2.0]))
    array([0. , 0.5, 1. ])
    """
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3 - 2 * t)


class UnknownFrameError(CandidError):
    """The named instant-film frame does not exist."""


@dataclass(frozen=True)
class InstantFormat:
    """Card and image-area geometry (mm) plus the stock's tone.

    Dimensions are the published nominal sizes; border split (top/bottom) is
    approximate.
    """

    name: str
    card_w: float
    card_h: float
    image_w: float
    image_h: float
    top: float
    black: tuple[float, float, float]      # linear level of the deepest black (lifted)
    white: tuple[float, float, float]      # linear level of paper white in the image
    contrast: float                        # slope of the tone curve around mid grey
    saturation: float
    mtf50_lp_mm: float                     # sharpness on the instant print
    card_color: tuple[float, float, float]  # sRGB of the frame

    @property
    def side(self) -> float:
        return (self.card_w - self.image_w) / 2


FRAMES: dict[str, InstantFormat] = {
    # Polaroid 600 / i-Type: card 88 x 107 mm, image 79 x 79 mm
    "600": InstantFormat("Polaroid 600", 88.0, 107.0, 79.0, 79.0, 6.0, (0.035, 0.03, 0.028), (0.93, 0.92, 0.86),
                         0.85, 0.85, 6.0, (0.94, 0.935, 0.915)),
    # SX-70: same card and image, softer, warmer, dreamier
    "sx-70": InstantFormat("Polaroid SX-70", 88.0, 107.0, 79.0, 79.0, 6.0, (0.05, 0.04, 0.03), (0.92, 0.89, 0.80),
                           0.75, 0.75, 5.0, (0.95, 0.94, 0.91)),
    # Polaroid Go: card 53.9 x 66.6 mm, image 47 x 46 mm
    "go": InstantFormat("Polaroid Go", 53.9, 66.6, 47.0, 46.0, 4.0, (0.035, 0.03, 0.03), (0.93, 0.92, 0.87),
                        0.85, 0.85, 6.0, (0.94, 0.935, 0.92)),
    # Instax Mini: card 54 x 86 mm, image 46 x 62 mm
    "instax-mini": InstantFormat("Instax Mini", 54.0, 86.0, 46.0, 62.0, 6.5, (0.02, 0.024, 0.028),
                                 (0.95, 0.96, 0.96), 1.0, 1.05, 7.0, (0.965, 0.965, 0.96)),
    # Instax Wide: card 108 x 86 mm, image 99 x 62 mm
    "instax-wide": InstantFormat("Instax Wide", 108.0, 86.0, 99.0, 62.0, 6.5, (0.02, 0.024, 0.028),
                                 (0.95, 0.96, 0.96), 1.0, 1.05, 7.0, (0.965, 0.965, 0.96)),
}


def list_frames() -> list[str]:
    """Names of the instant-film frames.

    Examples
    --------
    >>> list_frames()[:2]
    ['600', 'sx-70']
    """
    return list(FRAMES)


def get_frame(name: str) -> InstantFormat:
    key = str(name).strip().lower()
    key = {"polaroid": "600", "i-type": "600", "sx70": "sx-70", "mini": "instax-mini", "wide": "instax-wide"}.get(key, key)
    if key not in FRAMES:
        raise UnknownFrameError(f"unknown instant frame {name!r}", hint=f"known frames: {', '.join(FRAMES)}")
    return FRAMES[key]


def cover_resize(img: np.ndarray, w: int, h: int) -> np.ndarray:
    """Centre-crop ``img`` to the aspect ``w:h`` and resize to ``(h, w)``."""
    ih, iw = img.shape[:2]
    s = max(w / iw, h / ih)
    cw, ch = min(iw, round(w / s)), min(ih, round(h / s))
    x0, y0 = (iw - cw) // 2, (ih - ch) // 2
    crop = np.ascontiguousarray(img[y0:y0 + ch, x0:x0 + cw])
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC
    return cv2.resize(crop, (w, h), interpolation=interp).astype(np.float32)


def _smooth_noise_1d(n: int, rng, scale: float) -> np.ndarray:
    """Unit-variance smooth 1-D noise with features ~``scale`` samples long."""
    k = max(8, int(4 * n / scale))
    coarse = cv2.GaussianBlur(rng.normal(0, 1, (1, k + 8)).astype(np.float32), (0, 0), 2.0).ravel()
    coarse /= coarse.std() + 1e-6
    return np.interp(np.linspace(2, k + 5, n), np.arange(k + 8), coarse).astype(np.float32)


def instant_tone(lin: np.ndarray, fmt: InstantFormat) -> np.ndarray:
    """The stock's tone curve on linear light: soft S-curve, lifted blacks, cast, saturation."""
    x = np.log2(np.maximum(lin, 1e-4) / 0.18)
    y = 1.0 / (1.0 + np.exp(-fmt.contrast * 0.9 * x))  # 0..1 logistic in stops
    black, white = np.asarray(fmt.black, np.float32), np.asarray(fmt.white, np.float32)
    out = (black + (white - black) * y).astype(np.float32)
    lum = luminance(out)
    return (lum[..., None] + np.float32(fmt.saturation) * (out - lum[..., None])).clip(0, 1).astype(np.float32)


def instant_frame(
    img: np.ndarray,
    frame: str = "600",
    *,
    caption: str | None = None,
    image_px: int | None = None,
    chemistry: float = 1.0,
    seed: int = 0,
) -> np.ndarray:
    """Print ``img`` as an instant photo in its card, at real proportions.

    The image is centre-cropped to the format's image area, toned like the
    stock, softened to the print's sharpness, and given the developer's
    irregular edge; the card is drawn around it (optionally with a caption
    written in the wide bottom border).

    Parameters
    ----------
    img : ndarray
        ``(H, W, 3)`` sRGB float in [0, 1].
    frame : {"600", "sx-70", "go", "instax-mini", "instax-wide"}
    caption : str, optional
        Text written in the bottom border.
    image_px : int, optional
        Width of the image area in pixels (default: fit the input's size).
    chemistry : float
        Strength of the edge irregularities (0 = clean).
    seed : int

    Returns
    -------
    ndarray
        ``(H', W', 3)`` float32 sRGB: the whole card (a new size).

    Examples
    --------
    >>> import numpy as np
    >>> card = instant_frame(np.full((200, 200, 3), 0.5, np.float32), "600", image_px=158)
    >>> card.shape                      # 88 x 107 mm card, 79 mm image = 158 px
    (214, 176, 3)
    """
    img = check_image(img)
    fmt = get_frame(frame)
    rng = np.random.default_rng([check_seed(seed), 17])
    if chemistry < 0:
        raise ValueError("chemistry must be >= 0")
    if image_px is None:
        ih, iw = img.shape[:2]
        image_px = int(min(iw, ih * fmt.image_w / fmt.image_h))
    if image_px < 16:
        raise ValueError("image_px must be at least 16")
    ppm = image_px / fmt.image_w
    iw_px, ih_px = image_px, max(1, round(fmt.image_h * ppm))
    cw, ch = round(fmt.card_w * ppm), round(fmt.card_h * ppm)
    x0, y0 = round(fmt.side * ppm), round(fmt.top * ppm)

    pic = cover_resize(img, iw_px, ih_px)
    lin = srgb_to_linear(pic, exact=True)
    # print softness
    s = math.sqrt(math.log(2) / (2 * math.pi**2)) / fmt.mtf50_lp_mm * ppm
    if s > 0.3:
        lin = cv2.GaussianBlur(lin, (0, 0), s)
    lin = instant_tone(lin, fmt)

    # chemistry: developer spreads from the pod (bottom) upwards; the far edge is uneven,
    # edges get a slightly darker, colour-shifted rim, and a few blotches near the top.
    yy = np.arange(ih_px, dtype=np.float32)[:, None]
    xx = np.arange(iw_px, dtype=np.float32)[None, :]
    amp = chemistry * 0.25 * ppm  # ~0.25 mm of wobble where the reagent runs out (top)
    top_edge = amp * (1.0 + _smooth_noise_1d(iw_px, rng, 6 * ppm).clip(-1.0, 2.5))[None, :]
    left_edge = 0.3 * amp * (1.0 + _smooth_noise_1d(ih_px, rng, 10 * ppm).clip(-1, 2))[:, None]
    right_edge = 0.3 * amp * (1.0 + _smooth_noise_1d(ih_px, rng, 10 * ppm).clip(-1, 2))[:, None]
    bottom_edge = 0.2 * amp * (1.0 + _smooth_noise_1d(iw_px, rng, 10 * ppm).clip(-1, 2))[None, :]
    dist = np.minimum(np.minimum(yy - top_edge, (ih_px - 1 - yy) - bottom_edge),
                      np.minimum(xx - left_edge, (iw_px - 1 - xx) - right_edge))
    cover = smoothstep(-0.6, 0.6, dist)  # antialiased image boundary
    rim = np.exp(-np.maximum(dist, 0) / max(1.0, 0.8 * ppm)) * chemistry
    lin = lin * (1 - 0.25 * rim[..., None] * np.float32([0.7, 1.0, 1.1]))
    if chemistry > 0:
        for _ in range(rng.poisson(2 * chemistry)):
            bx, by = rng.uniform(0, iw_px), rng.uniform(0, 0.12 * ih_px)
            r = rng.uniform(0.5, 2.0) * ppm
            blot = np.exp(-((xx - bx) ** 2 + (yy - by) ** 2) / (2 * r * r))
            lin = lin * (1 - 0.3 * blot[..., None] * np.float32([0.6, 0.9, 1.2]))
    picture = linear_to_srgb(lin, exact=True)

    card = np.empty((ch, cw, 3), np.float32)
    card[:] = np.asarray(fmt.card_color, np.float32)
    # faint paper texture on the card
    tex = cv2.GaussianBlur(rng.normal(0, 1, (ch, cw)).astype(np.float32), (0, 0), max(0.5, 0.05 * ppm))
    card += (tex / (tex.std() + 1e-6) * 0.006)[..., None]
    region = card[y0:y0 + ih_px, x0:x0 + iw_px]
    region[:] = region + (picture - region) * cover[..., None]
    if caption:
        _draw_caption(card, caption, fmt, ppm, y0 + ih_px, rng)
    return card.clip(0, 1).astype(np.float32)


def _draw_caption(card, text, fmt, ppm, y_img_bottom, rng):
    ch, cw = card.shape[:2]
    band_h = ch - y_img_bottom
    ink = np.zeros((ch, cw), np.uint8)
    font = cv2.FONT_HERSHEY_SCRIPT_SIMPLEX
    target_h = 0.22 * band_h
    scale = target_h / 22.0
    thick = max(1, round(scale * 0.9))
    (tw, th), _ = cv2.getTextSize(text, font, scale, thick)
    if tw > 0.9 * cw:
        scale *= 0.9 * cw / tw
        thick = max(1, round(scale * 0.9))
        (tw, th), _ = cv2.getTextSize(text, font, scale, thick)
    org = (int(cw * 0.12), int(y_img_bottom + band_h * 0.55 + th / 2))
    cv2.putText(ink, text, org, font, scale, 255, thick, cv2.LINE_AA)
    a = cv2.GaussianBlur(ink.astype(np.float32) / 255, (0, 0), max(0.4, 0.02 * ppm))[..., None]
    card[:] = card + (np.float32([0.08, 0.09, 0.16]) - card) * a * 0.9  # blue-black marker


def double_exposure(
    a: np.ndarray,
    b: np.ndarray,
    *,
    balance: float = 0.5,
    exposure: float = 0.0,
) -> np.ndarray:
    """Expose one frame twice: the exposures add in linear light.

    Each shot gets its share of the exposure (``balance`` for ``a``,
    ``1 - balance`` for ``b``: two half exposures make one full, as a
    photographer would meter it); ``exposure`` adds stops to the sum, and
    highlights are rolled off by a film-like shoulder instead of clipping.
    ``b`` is centre-cropped and resized to ``a``'s size.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.zeros((20, 30, 3), np.float32); b = np.ones((40, 40, 3), np.float32)
    >>> out = double_exposure(a, b)
    >>> out.shape, bool(0.3 < float(out.mean()) < 1.0)
    ((20, 30, 3), True)
    """
    a = check_image(a, "a")
    b = check_image(b, "b")
    check_fraction(balance, "balance")
    h, w = a.shape[:2]
    if b.shape[:2] != (h, w):
        b = cover_resize(b, w, h)
    e = np.float32(2.0 ** exposure)
    lin = (srgb_to_linear(a, exact=True) * np.float32(balance) + srgb_to_linear(b, exact=True) * np.float32(1 - balance)) * e
    # shoulder: identity up to ~0.5, then a soft roll-off towards 1
    knee = np.float32(0.5)
    over = np.maximum(lin - knee, 0)
    lin = np.where(lin > knee, knee + (1 - knee) * (1 - np.exp(-over / (1 - knee))), lin).astype(np.float32)
    return linear_to_srgb(lin, exact=True)
