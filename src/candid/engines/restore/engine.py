"""The restore engine object behind ``--engine restore``."""

from __future__ import annotations

from typing import Any

from candid.engines.base import availability
from candid.portrait import Portrait

#: Restore styles: ``faithful`` (tone kept), ``neutral`` (sepia made grey), ``hand-coloured`` (tinted).
STYLES: dict[str, dict[str, Any]] = {
    "faithful": {},
    "neutral": {"keep_monochrome": False},
    "hand-coloured": {"tint": "hand-coloured"},
}


class RestoreEngine:
    """CPU engine: an old print -> the same print, restored (see :func:`restore_stage`).

    Examples
    --------
    >>> RESTORE.name, "faithful" in RESTORE.styles, RESTORE.available()[0]
    ('restore', True, True)
    """

    name = "restore"
    styles = tuple(STYLES)

    def available(self) -> tuple[bool, str]:
        return availability(("cv2", "scipy"), "runs on the CPU with OpenCV and SciPy; no model, nothing invented")

    def make(self, source: Portrait, *, style: str = "faithful", **options: Any) -> Portrait:
        """Run ``engine.restore`` in ``style`` (options override the style's settings)."""
        from candid.engines.restore.stage import restore_stage
        from candid.errors import CandidError

        if style not in STYLES:
            raise CandidError(f"unknown restore style {style!r}", hint=f"styles: {', '.join(STYLES)}")
        return restore_stage(source, **{**STYLES[style], **options})


RESTORE = RestoreEngine()
