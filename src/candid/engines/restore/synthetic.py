"""Synthetic damage with known ground truth, for tests and benchmarks.

Old-print damage is simulated on a clean image: dust specks (light and dark),
scratches and a crease (thin bright lines), a halftone screen and fading with a
colour cast. The mask of every damaged pixel is returned with the image, so a
restoration can be scored inside the damage and overall.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from candid.engines.restore.checks import check_image


@dataclass(frozen=True)
class Damaged:
    """A degraded image and where it was damaged.

    Attributes
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 damaged image.
    mask : ndarray
        ``(H, W)`` bool, the pixels hit by dust, scratches or creases.
    """

    pixels: np.ndarray
    mask: np.ndarray


def degrade(
    pixels: np.ndarray,
    *,
    dust: int = 60,
    scratches: int = 4,
    crease: bool = True,
    halftone: float = 0.0,
    fade: float = 0.5,
    grain: float = 0.0,
    seed: int = 0,
) -> Damaged:
    """Add dust, scratches, a crease, a halftone screen, grain and fading to a clean image.

    Sizes are fractions of the short side, so the damage looks the same at
    512 px and at 24 MP.

    Parameters
    ----------
    pixels : ndarray
        Clean ``(H, W, 3)`` float image in [0, 1] (not modified).
    dust : int
        Number of specks.
    scratches : int
        Number of thin scratches.
    crease : bool
        Add one long, slightly wavy crease.
    halftone : float
        Amplitude of a 45-degree screen (0 = none); its period is 5 px.
    fade : float
        0 = none, 1 = strong: contrast lost towards a yellowish base.
    grain : float
        Film grain sigma added before the damage.
    seed : int

    Returns
    -------
    Damaged

    Examples
    --------
    >>> import numpy as np
    >>> d = degrade(np.full((128, 128, 3), 0.5, np.float32), seed=1)
    >>> d.pixels.shape, bool(d.mask.any()), 0.0 < float(d.mask.mean()) < 0.2
    ((128, 128, 3), True, True)
    """
    img = check_image(pixels).copy()
    h, w = img.shape[:2]
    s = min(h, w)
    rng = np.random.default_rng(seed)
    if grain > 0:
        g = rng.standard_normal((h, w), dtype=np.float32) * grain
        img += g[..., None]
    damage = np.zeros((h, w), np.uint8)
    value = np.zeros((h, w), np.float32)
    # Dust: small discs, mostly white (emulsion loss), some dark.
    for _ in range(int(dust)):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        r = max(1, int(round(s * rng.uniform(0.0015, 0.005))))
        v = 0.95 if rng.random() < 0.7 else 0.06
        tmp = np.zeros((h, w), np.uint8)
        cv2.circle(tmp, (x, y), r, 1, -1, lineType=cv2.LINE_8)
        value[tmp > 0] = v
        damage |= tmp
    # Scratches: thin, long, bright, slightly curved lines.
    for _ in range(int(scratches)):
        tmp = np.zeros((h, w), np.uint8)
        x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
        ang = rng.uniform(0, np.pi)
        length = s * rng.uniform(0.25, 0.6)
        t = np.linspace(0, 1, 40)
        bend = s * 0.02 * np.sin(np.pi * t) * rng.uniform(-1, 1)
        xs = x0 + np.cos(ang) * length * t - np.sin(ang) * bend
        ys = y0 + np.sin(ang) * length * t + np.cos(ang) * bend
        pts = np.stack([xs, ys], 1).round().astype(np.int32)
        thick = max(1, int(round(s * 0.002)))
        cv2.polylines(tmp, [pts], False, 1, thickness=thick, lineType=cv2.LINE_8)
        value[tmp > 0] = rng.uniform(0.85, 0.97)
        damage |= tmp
    if crease:
        tmp = np.zeros((h, w), np.uint8)
        t = np.linspace(0, 1, 80)
        ys = h * (0.2 + 0.6 * t)
        xs = w * (0.75 + 0.05 * np.sin(6 * t)) - w * 0.25 * t
        pts = np.stack([xs, ys], 1).round().astype(np.int32)
        cv2.polylines(tmp, [pts], False, 1, thickness=max(2, int(round(s * 0.005))), lineType=cv2.LINE_8)
        value[tmp > 0] = 0.9
        damage |= tmp
    mask = damage > 0
    img[mask] = value[mask][:, None] + 0.03 * rng.standard_normal((int(mask.sum()), 3)).astype(np.float32)
    if halftone > 0:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        f = 2 * np.pi / 5.0
        screen = np.cos(f * (xx + yy) / np.sqrt(2)) * np.cos(f * (xx - yy) / np.sqrt(2))
        img *= (1.0 + halftone * screen)[..., None]
    if fade > 0:
        base = np.array([0.78, 0.70, 0.52], np.float32)  # yellowed paper
        k = 1.0 - 0.55 * fade
        dye = np.array([1.0, 0.93, 0.80], np.float32) ** fade  # cyan dye fades first
        img = base * (1 - k) * 0.6 + img * dye * k + 0.12 * fade
    return Damaged(np.clip(img, 0, 1).astype(np.float32), mask)


def psnr(a: np.ndarray, b: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Peak signal-to-noise ratio in dB between two [0, 1] images, optionally inside ``mask``.

    Examples
    --------
    >>> import numpy as np
    >>> round(psnr(np.zeros((4, 4, 3)), np.full((4, 4, 3), 0.1)), 1)
    20.0
    """
    d = (np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2
    if mask is not None:
        d = d[np.asarray(mask, bool)]
    mse = float(d.mean())
    return float("inf") if mse == 0 else float(10 * np.log10(1.0 / mse))


def ssim(a: np.ndarray, b: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Mean structural similarity of the luma of two images, optionally averaged inside ``mask``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).random((64, 64, 3)).astype(np.float32)
    >>> round(ssim(x, x), 3)
    1.0
    """
    from skimage.metrics import structural_similarity

    from candid.colour import luma

    _, full = structural_similarity(luma(np.asarray(a, np.float32)), luma(np.asarray(b, np.float32)),
                                    data_range=1.0, full=True)
    if mask is not None:
        m = cv2.dilate(np.asarray(mask, np.uint8), np.ones((7, 7), np.uint8)) > 0
        return float(full[m].mean())
    return float(full.mean())
