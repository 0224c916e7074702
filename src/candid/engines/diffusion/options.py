"""One versioned settings model for ``engine.diffusion``, used by the stage, the CLI and recipes.

Like a darktable module's params struct: the same object validates a setting
(before any weights are loaded), documents it, and is written into the stage
log with its ``version`` so an old log can be read back and re-run.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from candid.errors import CandidError  # noqa: F401  (raised by parse_options; the examples catch it)
from candid.options import parse_options

#: Bump when a field's meaning changes; the version is logged with the settings.
OPTIONS_VERSION = 1

DTYPES = ("auto", "fp32", "fp16", "bf16")
OFFLOAD = ("none", "model", "sequential")
ADAPTER_NAMES = ("plus-face", "plus", "plain", "none")


class DiffusionOptions(BaseModel):
    """Every setting of :func:`candid.engines.diffusion.stage.diffusion_stage` that is plain data.

    The subject, library and a preloaded pipeline are objects, not settings,
    and stay keyword arguments of the stage.

    Examples
    --------
    >>> o = DiffusionOptions(style="editorial", candidates=2, size=[896, 1152])
    >>> o.candidates, o.size, o.version
    (2, (896, 1152), 1)
    >>> try:
    ...     DiffusionOptions.parse(steps=0)
    ... except CandidError as exc:
    ...     print(exc.message)
    engine.diffusion: steps must be 1-500, got 0
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal[1] = OPTIONS_VERSION
    style: str = "corporate"
    prompt: str | None = None
    restyle: bool | None = None
    models: str | None = None
    adapter: str = "plus-face"
    adapter_scale: float = Field(0.6, description="Identity adapter strength in [0, 1].")
    candidates: int = Field(4, description="Best-of-N.")
    seed: int = Field(0, description="Candidate i uses seed + i.")
    steps: int = 30
    guidance: float | None = Field(None, description="CFG scale; default the style's (4-4.5).")
    strength: float | None = Field(None, description="img2img strength; default the style's.")
    size: tuple[int, int] | None = Field(None, description="(width, height); default the style's.")
    device: str = "auto"
    dtype: str = "auto"
    offload: str = "none"
    vae_tiling: bool = False
    allow_download: bool = False
    realism: bool = True
    honest: bool = True
    max_references: int = 8

    @field_validator("style")
    @classmethod
    def _known_style(cls, v: str) -> str:
        from candid.engines.diffusion.prompts import STYLES

        if v not in STYLES:
            raise ValueError(f"unknown diffusion style {v!r} (styles: {', '.join(STYLES)})")
        return v

    @model_validator(mode="after")
    def _ranges(self) -> "DiffusionOptions":
        checks = [
            (1 <= self.steps <= 500, f"steps must be 1-500, got {self.steps}"),
            (1 <= self.candidates <= 64, f"candidates must be 1-64, got {self.candidates}"),
            (0.0 <= self.adapter_scale <= 1.0, f"adapter scale must be in [0, 1], got {self.adapter_scale}"),
            (self.guidance is None or 0.0 < self.guidance <= 30.0, f"guidance must be in (0, 30], got {self.guidance}"),
            (self.strength is None or 0.0 < self.strength <= 1.0, f"strength must be in (0, 1], got {self.strength}"),
            (self.dtype in DTYPES, f"unknown dtype {self.dtype!r} (dtypes: {', '.join(DTYPES)})"),
            (self.offload in OFFLOAD, f"unknown offload {self.offload!r} (offload: {', '.join(OFFLOAD)})"),
            (self.adapter in ADAPTER_NAMES, f"unknown adapter {self.adapter!r} (adapters: {', '.join(ADAPTER_NAMES)})"),
            (1 <= self.max_references <= 64, f"max_references must be 1-64, got {self.max_references}"),
        ]
        if self.size is not None:
            w, h = self.size
            checks.append((not (w % 8 or h % 8) and 8 <= w <= 4096 and 8 <= h <= 4096,
                           f"size must be multiples of 8 between 8 and 4096, got {w}x{h}"))
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        return self

    @classmethod
    def parse(cls, **settings) -> "DiffusionOptions":
        """Build from keyword settings (``None`` means the default); bad ones raise :class:`CandidError`.

        Examples
        --------
        >>> DiffusionOptions.parse(seed=3, guidance=None).seed
        3
        """
        return parse_options(cls, settings, stage="engine.diffusion",
                             hint="see docs/DIFFUSION.md or `candid generate --help`")
