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
