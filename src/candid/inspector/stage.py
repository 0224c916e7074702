"""The `inspect` stage: run the pixel peeper on a Portrait without changing it."""

from __future__ import annotations

from pathlib import Path

from candid.files import atomic_write_bytes
from candid.inspector.core import inspect_image
from candid.inspector.report import render_html
from candid.portrait import Operation, Portrait

#: The last report the stage made, with a weak reference to the pixels it looked at.
_LAST: list = []


def report_for(pixels):
    """The inspect stage's report of exactly these pixels (the same array object), else None.

    Lets a caller that already ran a recipe with an ``inspect`` stage (the web
    result page) reuse its report instead of inspecting again.

    Examples
    --------
    >>> import numpy as np
    >>> report_for(np.zeros((4, 4, 3), np.float32)) is None
    True
    """
    if _LAST:
        ref, report = _LAST[0]
        if ref() is pixels:
            return report
    return None


def _number(value: float) -> float | None:
    """``value`` rounded to 4 places, None for NaN (the log is JSON)."""
    value = float(value)
    return round(value, 4) if value == value else None


def inspect_stage(portrait: Portrait, *, html: str | None = None, json: str | None = None) -> Portrait:
    """Inspect the portrait; log the findings, optionally write HTML / JSON reports.

    The pixels and the face analysis are kept as they are.

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> p = inspect_stage(Portrait(data.astronaut().astype(np.float32) / 255))
    >>> p.log[-1].stage, p.log[-1].notes[0].startswith("overall")
    ('inspect', True)
    >>> 0.0 <= p.log[-1].params["overall"] <= 1.0, len(p.log[-1].params["tells"]) >= 3
    (True, True)
    """
    if portrait.color != "srgb":
        raise ValueError("inspect expects sRGB pixels")
    subject = portrait.subject if portrait.subject is not None and hasattr(portrait.subject, "geometry") else None
    report = inspect_image(portrait.pixels, face=portrait.face, subject_reference=subject)
    import weakref

    _LAST[:] = [(weakref.ref(portrait.pixels), report)]
    if html:
        atomic_write_bytes(html, render_html(report, portrait.pixels).encode("utf-8"))
    if json:
        atomic_write_bytes(json, report.to_json().encode("utf-8"))
    # File names only: the log is published in the output's XMP/C2PA, and a
    # full path can name the user (/home/alice/...).
    # The scores as numbers too, so readers (batch) never parse them back out of the notes.
    params = {"html": Path(html).name if html else None, "json": Path(json).name if json else None,
              "overall": _number(report.overall),
              "tells": {t.name: _number(t.score) for t in report.tells}}
    op = Operation("inspect", params=params, notes=tuple(report.summary_lines()))
    return portrait.evolve(None, op, keep_face=True)
