"""One versioned settings model for a film look, used by :func:`~candid.looks.apply_look`,
:func:`~candid.looks.stream.render_look`, the ``looks.film`` stage, its log entry and recipes.

Like a darktable module's params struct (and :class:`candid.engines.diffusion.options.DiffusionOptions`):
the same object validates a setting, documents it, and is written into the stage log.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from candid.errors import CandidError
from candid.options import parse_options

#: Bump when a field's meaning changes.
OPTIONS_VERSION = 1

#: Settings that need the whole image at once, so the streamed path
#: (:func:`candid.looks.stream.render_look`) cannot apply them.
WHOLE_IMAGE = ("chromatic_aberration", "softness", "gate_weave", "dust")


class LookOptions(BaseModel):
    """How a picture is shot on film: every setting of a look except the stock itself.

    Attributes
    ----------
    exposure : float
        Stops of over (+) or under (-) exposure.
    grain, grain_strength : bool, float
        The stock's grain and a multiplier on it.
    iso : float, optional
        Overrides the stock's speed for grain size and granularity (push/pull).
    film_format : str
        ``"35mm"``, ``"120"`` (6x7), ``"645"``, ... sets grain and halation size in pixels.
    halation : float, optional
        Halation strength; default is the stock's own (CineStill high, others low).
    bloom : float
        Neutral highlight glow strength.
    vignette : float
        Corner light loss in stops.
    chromatic_aberration : float
        Lateral CA as relative magnification difference (~0.0005-0.002).
    softness : float, optional
        MTF50 of lens + scan in lp/mm on the film (e.g. 40); None keeps the image sharp.
    gate_weave : float
        Frame shift as a fraction of the width.
    light_leak : float
        Light-leak strength (0 = none); ``burn=True`` for an end-of-roll burn.
    dust : float
        Amount of dust, hairs and scratches.
    seed : int

    Examples
    --------
    >>> o = LookOptions.parse(vignette=0.5, iso=None)
    >>> o.vignette, o.iso, o.version
    (0.5, None, 1)
    >>> try:
    ...     LookOptions.parse(vignete=0.5)
    ... except CandidError as exc:
    ...     print(exc.message)
    looks.film: unknown setting 'vignete'
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal[1] = OPTIONS_VERSION
    exposure: float = 0.0
    grain: bool = True
    grain_strength: float = 1.0
    iso: float | None = None
    film_format: str = "35mm"
    halation: float | None = None
    bloom: float = 0.0
    vignette: float = 0.0
    chromatic_aberration: float = 0.0
    softness: float | None = None
    gate_weave: float = 0.0
    light_leak: float = 0.0
    burn: bool = False
    dust: float = 0.0
    seed: int = Field(0, description="Grain, dust, leaks and weave are drawn from it.")

    @classmethod
    def parse(cls, options: "LookOptions | None" = None, **settings: Any) -> "LookOptions":
        """``options`` (or the defaults) with keyword ``settings`` over it; bad ones raise :class:`CandidError`.

        ``None`` for a setting means the default (or the value in ``options``).

        Examples
        --------
        >>> LookOptions.parse(LookOptions(seed=3), bloom=0.2).seed
        3
        """
        return parse_options(cls, settings, over=options, stage="looks.film", hint="see docs/LOOKS.md")

    def settings(self) -> dict[str, Any]:
        """The settings as keywords (without ``version``), for a log entry.

        Examples
        --------
        >>> sorted(LookOptions().settings())[:3]
        ['bloom', 'burn', 'chromatic_aberration']
        """
        return self.model_dump(exclude={"version"})


#: Bump when a glitch setting's meaning changes.
GLITCH_OPTIONS_VERSION = 1


class GlitchOptions(BaseModel):
    """How much of each part a deliberate glitch has (0 turns a part off): the settings of ``looks.glitch``.

    Used by :func:`~candid.looks.glitch`, :func:`~candid.looks.glitch.glitch_inplace`,
    the ``looks.glitch`` stage, its log entry and recipes.

    Attributes
    ----------
    sort : float
        Fraction of rows pixel-sorted.
    shift : float
        Channel displacement, fraction of the width.
    blocks : float
        Fraction of the area with JPEG-style corruption.
    lines : float
        Scanline darkness.
    seed : int
        Every random choice is drawn from it.

    Examples
    --------
    >>> o = GlitchOptions.parse(sort=0.5)
    >>> o.sort, o.lines, o.version
    (0.5, 0.15, 1)
    >>> try:
    ...     GlitchOptions.parse(blocks=2)
    ... except CandidError as exc:
    ...     print(exc.message)
    looks.glitch: blocks: Input should be less than or equal to 1
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal[1] = GLITCH_OPTIONS_VERSION
    sort: float = Field(0.3, ge=0, le=1)
    shift: float = Field(0.006, ge=0, le=1)
    blocks: float = Field(0.03, ge=0, le=1)
    lines: float = Field(0.15, ge=0, le=1)
    seed: int = Field(0, ge=0)

    @field_validator("seed", mode="before")
    @classmethod
    def _not_a_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("seed must be a non-negative int, not a bool")
        return value

    @classmethod
    def parse(cls, options: "GlitchOptions | None" = None, **settings: Any) -> "GlitchOptions":
        """``options`` (or the defaults) with keyword ``settings`` over it; bad ones raise :class:`CandidError`.

        Examples
        --------
        >>> GlitchOptions.parse(GlitchOptions(seed=3), lines=0.0).seed
        3
        """
        return parse_options(cls, settings, over=options, stage="looks.glitch", hint="see docs/LOOKS.md")

    @classmethod
    def at(cls, intensity: float, seed: int = 0) -> "GlitchOptions":
        """A glitch of one ``intensity`` in [0, 1] (``candid look --glitch``): every part scaled together.

        Examples
        --------
        >>> GlitchOptions.at(1.0, seed=3).settings()
        {'sort': 0.5, 'shift': 0.012, 'blocks': 0.06, 'lines': 0.25, 'seed': 3}
        """
        if not 0 <= intensity <= 1:
            raise CandidError(f"looks.glitch: intensity must be between 0 and 1, got {intensity}")
        i = float(intensity)
        return cls.parse(sort=0.5 * i, shift=0.012 * i, blocks=0.06 * i, lines=0.25 * i, seed=seed)

    def settings(self) -> dict[str, Any]:
        """The settings as keywords (without ``version``), for a log entry.

        Examples
        --------
        >>> list(GlitchOptions().settings())
        ['sort', 'shift', 'blocks', 'lines', 'seed']
        """
        return self.model_dump(exclude={"version"})
