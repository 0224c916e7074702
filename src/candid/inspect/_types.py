"""Result types of the inspector and the context every tell reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

Window = tuple[int, int, int, int]  # (y0, y1, x0, x1) in image pixels


@dataclass(frozen=True)
class TellResult:
    """What one tell found.

    Attributes
    ----------
    name : str
        Short id, e.g. ``"skin"``.
    score : float
        In [0, 1]; 1 means the image looks AI-made or edited in this respect,
        0.5 means "no evidence either way".
    confidence : float
        In [0, 1]; 0 means the tell could not judge (see ``reason``).
    reason : str
        Why confidence is what it is (e.g. "iris under 20 px").
    explanation : str
        What was found, in plain words.
    heatmap : ndarray or None
        ``(h, w)`` float32 in [0, 1] (1 = suspicious), covering ``heatmap_window``
        of the image (the whole image if that is None) at any resolution.
    heatmap_window : tuple of int or None
        ``(y0, y1, x0, x1)`` the heatmap covers.
    crops : list of (str, tuple)
        ``(title, (y0, y1, x0, x1))`` regions worth a 1:1 look, worst first.
    metrics : dict
        The numbers behind the score.
    """

    name: str
    score: float
    confidence: float
    reason: str = ""
    explanation: str = ""
    heatmap: np.ndarray | None = field(default=None, repr=False)
    heatmap_window: Window | None = None
    crops: list[tuple[str, Window]] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "score": round(float(self.score), 4),
                "confidence": round(float(self.confidence), 4), "reason": self.reason,
                "explanation": self.explanation, "heatmap_window": self.heatmap_window,
                "crops": [{"title": t, "window": list(w)} for t, w in self.crops],
                "metrics": self.metrics}


def cannot_judge(name: str, reason: str, **metrics: Any) -> TellResult:
    """A neutral result with zero confidence, for tells that have nothing to look at."""
    return TellResult(name, 0.5, 0.0, reason=reason, explanation=f"Not judged: {reason}.", metrics=dict(metrics))


@dataclass(frozen=True)
class Context:
    """What the tells share: the image, the face (if any) and a bounded sample of tiles.

    Attributes
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB, never modified.
    face : FaceAnalysis or None
    regions : FaceRegions or None
    face_reason : str
        Why there is no face, when ``face`` is None.
    full : ndarray or None
        The image at its own resolution when ``pixels`` is a scaled working
        copy (faces are normalised to at most ``core.MAX_IOD`` px between the
        eyes); image-wide tells read their tiles from it.
    scale : float
        ``pixels`` size over ``full`` size (1 = same).
    """

    pixels: np.ndarray = field(repr=False)
    face: Any = None
    regions: Any = None
    face_reason: str = ""
    full: np.ndarray | None = field(default=None, repr=False)
    scale: float = 1.0

    @property
    def shape(self) -> tuple[int, int]:
        return self.pixels.shape[:2]

    @property
    def original(self) -> np.ndarray:
        """The image at its own resolution (``pixels`` may be a copy scaled by ``scale`` for the face tells)."""
        return self.pixels if self.full is None else self.full


def sigmoid(x: float) -> float:
    """Logistic squashing used to turn evidence into a [0, 1] score."""
    return float(1.0 / (1.0 + np.exp(-float(np.clip(x, -50, 50)))))


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Rec. 709 luma of an sRGB float image, float32."""
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
