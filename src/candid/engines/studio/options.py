"""One versioned options model for studio portraits, used by ``candid make``, the web, batch and recipes.

The help words are :data:`candid.studio_help.OPTION_HELP` (a light module:
``candid make --help`` needs them without the engine or pydantic).

Like a darktable module's params struct (and :class:`candid.engines.diffusion.options.DiffusionOptions`):
the same object lists the options a person can choose, documents them (the
CLI's ``--help`` and the web's OpenAPI schema read the descriptions), checks
them before any work, and its ``version`` is written into the
``engine.studio`` stage log so an old log can be read back and re-run.

Two levels of checking, so each front door can answer as it always has:

- the field types and ranges (pydantic): a wrong type or an out-of-range
  number is a malformed request (the web answers 422);
- :meth:`StudioOptions.check`: names only the stages know (styles,
  backgrounds, lights, aspects, sizes, film stocks, keepable features),
  raised as :class:`candid.errors.CandidError` with a hint (the web answers 400).

:meth:`StudioOptions.parse` does both.
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from candid.errors import CandidError
from candid.options import parse_options
from candid.studio_help import OPTION_HELP, option_help

#: Bump when an option's meaning changes; the version is logged by ``engine.studio``.
OPTIONS_VERSION = 1

#: The stage the options are for; a bad setting's message starts with it, as every stage's does.
STAGE = "engine.studio"


class StudioOptions(BaseModel):
    """Every option a person chooses for a studio portrait (``candid make``, the web make form, batch).

    ``face`` is counted from 1 (1 = the largest face), as the person says it;
    :attr:`face_index` is the 0-based index the ``face.analyze`` stage takes.

    Examples
    --------
    >>> o = StudioOptions(style="editorial", aspect="4:5", face=2)
    >>> o.style, o.face_index, o.version
    ('editorial', 1, 1)
    >>> try:
    ...     StudioOptions.parse(light="disco")
    ... except CandidError as exc:
    ...     print(exc.message)
    unknown light 'disco'
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal[1] = OPTIONS_VERSION
    style: str = Field("linkedin", max_length=32, description=OPTION_HELP["style"])
    aspect: Optional[str] = Field(None, max_length=16, description=OPTION_HELP["aspect"])
    background: Optional[str] = Field(None, max_length=64, description=OPTION_HELP["background"])
    light: Optional[str] = Field(None, max_length=32, description=OPTION_HELP["light"])
    strength: Optional[float] = Field(None, ge=0.0, le=1.0, description=OPTION_HELP["strength"])
    straighten: Optional[str] = Field(None, max_length=8, description=OPTION_HELP["straighten"])
    catchlights: Optional[Literal["move", "keep", "add"]] = Field(None, description=OPTION_HELP["catchlights"])
    small_face: Optional[Literal["warn", "refuse"]] = Field(None, description=OPTION_HELP["small_face"])
    size: Optional[str] = Field(None, max_length=16, description=OPTION_HELP["size"])
    look: Optional[str] = Field(None, max_length=48, description=OPTION_HELP["look"])
    face: Optional[int] = Field(None, ge=1, le=50, description=OPTION_HELP["face"])
    seed: int = Field(0, ge=0, le=2**31 - 1, description=OPTION_HELP["seed"])
    keep: Optional[dict[str, float]] = Field(None, description=OPTION_HELP["keep"])

    @property
    def face_index(self) -> int | None:
        """The 0-based face index for ``face.analyze`` (None: the largest face)."""
        return None if self.face is None else self.face - 1

    def check(self) -> "StudioOptions":
        """Check the names only the stages know; raise :class:`CandidError` (with a hint) for a bad one.

        Examples
        --------
        >>> StudioOptions(style="passport").check().style
        'passport'
        """
        from candid.engines.studio.stage import check_options
        from candid.honest.guard import parse_keep

        check_options(self.style, self.background, self.light, self.aspect, straighten=self.straighten,
                      catchlights=self.catchlights, small_face=self.small_face)
        if self.size not in (None, "none"):
            from candid.finish import target_size

            try:
                target_size(1000, 1000, self.size, "contain")
            except ValueError as exc:
                raise CandidError(f"size {self.size!r}: {exc}", hint="4k, 8k, WIDTHxHEIGHT or none") from None
        if self.look:
            from candid.looks.film import get_stock

            get_stock(self.look)  # UnknownStockError lists the stocks
        if self.keep:
            parse_keep(self.keep)
        return self

    @classmethod
    def parse(cls, **settings: Any) -> "StudioOptions":
        """Build from keyword settings (``None`` means the default) and :meth:`check`; raise :class:`CandidError`.

        Examples
        --------
        >>> StudioOptions.parse(style="corporate", aspect=None, seed=3).seed
        3
        >>> try:
        ...     StudioOptions.parse(strength=7)
        ... except CandidError as exc:
        ...     print(exc.message)
        engine.studio: strength: Input should be less than or equal to 1
        >>> try:
        ...     StudioOptions.parse(ligth="loop")
        ... except CandidError as exc:
        ...     print(exc.message)
        engine.studio: unknown setting 'ligth'
        """
        # the words every stage's options use (candid.options.parse_options), then the stages' own names
        return parse_options(cls, settings, stage=STAGE, hint="see `candid make --help`").check()

    def settings(self) -> dict[str, Any]:
        """The options that were set (not None), without the version: what a job or a log stores.

        Examples
        --------
        >>> StudioOptions(aspect="1:1").settings()
        {'style': 'linkedin', 'aspect': '1:1', 'seed': 0}
        """
        return self.model_dump(exclude_none=True, exclude={"version"})


#: The option names, in the model's order (what the CLI, the web form and batch offer).
OPTION_NAMES = tuple(name for name in StudioOptions.model_fields if name != "version")


__all__ = ["OPTIONS_VERSION", "OPTION_NAMES", "STAGE", "StudioOptions", "option_help"]
