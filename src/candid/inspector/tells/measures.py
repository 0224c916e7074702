"""Image measures the tells share: evidence squashing, grey, tile sampling, local contrast, worst window."""

from __future__ import annotations

import numpy as np

from candid.inspector._types import Window


def sigmoid(x: float) -> float:
    """Logistic squashing used to turn evidence into a [0, 1] score."""
    return float(1.0 / (1.0 + np.exp(-float(np.clip(x, -50, 50)))))


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Grey for the tells: Rec. 709 weights on sRGB values, float32.

    Not :func:`candid.colour.luma` (Rec. 601, candid's one luma) on purpose:
    the tells' thresholds are calibrated on these weights, and on the dev
    photos Rec. 601 moved single tells by up to 0.8 and the overall score
    by up to 0.05.
    """
    rgb = np.asarray(rgb, np.float32)
    return (0.2126 * rgb[..., 0] + 0.7152 * rgb[..., 1] + 0.0722 * rgb[..., 2]).astype(np.float32)


def sample_tiles(shape: tuple[int, int], tile: int = 256, max_tiles: int = 16) -> list[Window]:
    """Deterministic grid of up to ``max_tiles`` tiles, aligned to the 8-px JPEG grid.

    Image-wide tells read these at full resolution, so their cost does not
    grow with the image beyond ``max_tiles * tile**2`` pixels.

    Examples
    --------
    >>> len(sample_tiles((6000, 4000))) <= 16
    True
    >>> sample_tiles((100, 80))
    [(0, 100, 0, 80)]
    """
    h, w = shape
    if h <= tile or w <= tile:
        return [(0, h, 0, w)]
    ny = max(1, min(int(np.sqrt(max_tiles * h / w)), h // tile, max_tiles))
    nx = max(1, min(max_tiles // ny, w // tile))
    ys = np.linspace(0, h - tile, ny + 2)[1:-1] if ny > 1 else [(h - tile) / 2]
    xs = np.linspace(0, w - tile, nx + 2)[1:-1] if nx > 1 else [(w - tile) / 2]
    out = []
    for y in ys:
        for x in xs:
            y0, x0 = int(y) // 8 * 8, int(x) // 8 * 8
            out.append((y0, y0 + tile, x0, x0 + tile))
    return out


def local_std(img: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian-weighted local standard deviation."""
    import cv2

    img = np.asarray(img, np.float32)
    m = cv2.GaussianBlur(img, (0, 0), sigma)
    m2 = cv2.GaussianBlur(img * img, (0, 0), sigma)
    return np.sqrt(np.maximum(m2 - m * m, 0)).astype(np.float32)


def worst_window(heat: np.ndarray, window: Window, size: int, image_shape: tuple[int, int]) -> Window:
    """A ``size`` x ``size`` image window centred on the heatmap's maximum."""
    import cv2

    y0, y1, x0, x1 = window
    smooth = cv2.GaussianBlur(np.asarray(heat, np.float32), (0, 0), max(1.0, heat.shape[0] / 40))
    iy, ix = np.unravel_index(int(np.argmax(smooth)), smooth.shape)
    cy = y0 + (iy + 0.5) * (y1 - y0) / heat.shape[0]
    cx = x0 + (ix + 0.5) * (x1 - x0) / heat.shape[1]
    h, w = image_shape
    size = int(min(size, h, w))
    ty = int(np.clip(cy - size / 2, 0, h - size))
    tx = int(np.clip(cx - size / 2, 0, w - size))
    return (ty, ty + size, tx, tx + size)
