"""Synthetic print damage with a known mask, independent of the restore engine's own test damage."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Damage:
    """A damaged image and where the damage is.

    Attributes
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32.
    mask : ndarray
        ``(H, W)`` bool: pixels covered by cracks, scratches or dust (not fading, which is everywhere).
    """

    pixels: np.ndarray
    mask: np.ndarray


def _polyline(mask: np.ndarray, pts: np.ndarray, width: int) -> None:
    import cv2

    cv2.polylines(mask, [np.round(pts).astype(np.int32).reshape(-1, 1, 2)], False, 1, thickness=max(1, width),
                  lineType=cv2.LINE_8)


def damage(pixels: np.ndarray, *, cracks: int = 3, scratches: int = 4, dust: int = 80, fade: float = 0.3,
           seed: int = 0) -> Damage:
    """Crack, scratch, dust and fade a clean image (sizes relative to the short side; seeded).

    - cracks: wandering dark lines (random walk), 0.3 % of the short side wide, across a third of the image;
    - scratches: long, nearly straight light lines, 0.2 % wide;
    - dust: dark and light specks, 0.2-0.8 % across;
    - fading: contrast lowered by ``fade`` toward a warm paper base (everywhere, not in the mask).

    Examples
    --------
    >>> d = damage(np.full((200, 300, 3), 0.5, np.float32), seed=1)
    >>> d.pixels.shape, 0.0 < float(d.mask.mean()) < 0.2, bool(np.abs(d.pixels[d.mask] - 0.5).max() > 0.2)
    ((200, 300, 3), True, True)
    """
    img = np.asarray(pixels, np.float32)
    H, W = img.shape[:2]
    S = min(H, W)
    rng = np.random.default_rng(seed)
    base = np.array([0.93, 0.88, 0.76], np.float32)
    out = (img * (1 - fade) + base * fade).astype(np.float32)
    dark = np.zeros((H, W), np.uint8)
    light = np.zeros((H, W), np.uint8)
    for _ in range(cracks):
        n = 60
        p = rng.uniform([0, 0], [W, H])
        ang = rng.uniform(0, 2 * np.pi)
        step = S / 3 / n
        pts = [p]
        for _ in range(n):
            ang += rng.normal(0, 0.35)
            p = p + step * np.array([np.cos(ang), np.sin(ang)])
            pts.append(p)
        _polyline(dark, np.array(pts), int(round(0.003 * S)))
    for _ in range(scratches):
        p0 = rng.uniform([0, 0], [W, H])
        ang = rng.uniform(0, np.pi)
        L = rng.uniform(0.4, 0.9) * S
        t = np.linspace(-0.5, 0.5, 20)[:, None] * L
        bend = rng.normal(0, 0.01 * S) * (t / L) ** 2 * 4
        d = np.array([np.cos(ang), np.sin(ang)])
        nrm = np.array([-d[1], d[0]])
        _polyline(light, p0 + t * d + bend * nrm, int(round(0.002 * S)))
    import cv2

    for _ in range(dust):
        c = tuple(int(v) for v in rng.uniform([0, 0], [W, H]))
        r = max(1, int(round(rng.uniform(0.001, 0.004) * S)))
        cv2.circle(dark if rng.random() < 0.6 else light, c, r, 1, thickness=-1)
    d, l_ = dark.astype(bool), light.astype(bool) & ~dark.astype(bool)
    out[d] = out[d] * 0.25 + np.float32(0.03)
    out[l_] = out[l_] * 0.2 + np.float32(0.78)
    return Damage(np.clip(out, 0, 1).astype(np.float32), d | l_)
