"""Film formats: the exposed frame's size in mm, and the pixels per mm of film it gives an image."""

from __future__ import annotations

import math

#: Film formats as (long side, short side) of the exposed frame in mm.
#: ``"120"`` means 6x7 (the classic medium-format portrait camera).
FILM_FORMATS: dict[str, tuple[float, float]] = {
    "half-frame": (24.0, 18.0),
    "35mm": (36.0, 24.0),
    "645": (56.0, 41.5),
    "6x6": (56.0, 56.0),
    "6x7": (70.0, 56.0),
    "120": (70.0, 56.0),
    "4x5": (120.0, 95.0),
}


def film_format_mm(film_format: str) -> tuple[float, float]:
    """The frame of ``film_format`` as (long side, short side) in mm, or ValueError.

    Examples
    --------
    >>> film_format_mm("6x7")
    (70.0, 56.0)
    """
    if film_format not in FILM_FORMATS:
        raise ValueError(f"unknown film_format {film_format!r}; known: {', '.join(FILM_FORMATS)}")
    return FILM_FORMATS[film_format]


def px_per_mm(shape: tuple[int, ...], film_format: str = "35mm") -> float:
    """Pixels per mm of film when an image of ``shape`` shows a whole frame.

    Uses the geometric mean over both axes so crops to another aspect ratio
    keep the frame's area.

    Examples
    --------
    >>> round(px_per_mm((4320, 7680, 3), "35mm"), 1)
    196.0
    """
    a, b = film_format_mm(film_format)
    return math.sqrt(shape[0] * shape[1] / (a * b))
