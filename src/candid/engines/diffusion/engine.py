"""The diffusion engine object behind ``--engine diffusion``."""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np

from candid.engines.diffusion.prompts import STYLES
from candid.portrait import Portrait


class DiffusionEngine:
    """GPU engine: prompt + subject (or a photo to restyle) -> best-of-N portrait (see :func:`diffusion_stage`).

    Examples
    --------
    >>> DIFFUSION.name, "corporate" in DIFFUSION.styles
    ('diffusion', True)
    >>> isinstance(DIFFUSION.available(), tuple)
    True
    """

    name = "diffusion"
    styles = tuple(STYLES)

    def available(self) -> tuple[bool, str]:
        """Whether torch and diffusers are installed and which device would run (weights are checked at make time)."""
        missing = [m for m in ("torch", "diffusers", "transformers") if importlib.util.find_spec(m) is None]
        if missing:
            return False, f"missing {', '.join(missing)}: pip install 'candid[diffusion]'"
        from candid.engines.diffusion.pipeline import pick_device

        dev = pick_device("auto")
        if dev == "cpu":
            return True, "no GPU found: runs on the CPU (minutes per image with real SDXL weights)"
        return True, f"runs on {dev}"

    def make(self, source: Portrait | None, *, style: str, **options: Any) -> Portrait:
        """Run ``engine.diffusion`` (with the honest guard); ``source`` None means text-to-image.

        Options are those of :func:`candid.engines.diffusion.stage.diffusion_stage`.
        """
        from candid.engines.diffusion.stage import diffusion_stage

        if source is None:
            if options.get("restyle") or STYLES.get(style) is not None and STYLES[style].needs_source \
                    and options.get("restyle") is None:
                from candid.errors import CandidError

                raise CandidError(f"style {style!r} restyles a real photo: give one")
            source = Portrait(np.zeros((8, 8, 3), np.float32), source="prompt")
            options.setdefault("restyle", False)
        return diffusion_stage(source, style=style, **options)


DIFFUSION = DiffusionEngine()
