"""The studio engine object behind ``--engine studio``."""

from __future__ import annotations

from typing import Any

from candid.engines.base import availability
from candid.engines.studio.styles import STYLES
from candid.portrait import Portrait


class StudioEngine:
    """CPU engine: a real photo -> a studio headshot or portrait (see :func:`studio_stage`).

    Examples
    --------
    >>> STUDIO.name, "linkedin" in STUDIO.styles, STUDIO.available()
    ('studio', True, (True, 'runs on the CPU with the bundled face models'))
    """

    name = "studio"
    styles = tuple(STYLES)

    def available(self) -> tuple[bool, str]:
        return availability(("cv2", "candid.face._models"), "runs on the CPU with the bundled face models")

    def make(self, source: Portrait, *, style: str, **options: Any) -> Portrait:
        """Run ``engine.studio`` alone (no honest/finish/look; use the style recipe for those)."""
        from candid.engines.studio.stage import studio_stage

        return studio_stage(source, style=style, **options)


STUDIO = StudioEngine()
