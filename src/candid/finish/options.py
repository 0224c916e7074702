"""One versioned settings model for finishing, used by :func:`~candid.finish.upscale`,
:func:`~candid.finish.upscale_report`, :func:`~candid.finish.finish_to_file`, the ``finish``
stage, its log entry, ``candid finish``, batch and recipes.

Like a darktable module's params struct (and :class:`candid.looks.options.LookOptions`,
:class:`candid.engines.studio.options.StudioOptions`): the same object validates a setting,
documents it, and is written into the stage log with its ``version``.

The person-specific inputs (the face's landmarks, reference photos, an identity check) are data,
not settings: they stay separate arguments of the functions.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from candid.errors import CandidError  # noqa: F401  (raised by parse_options; the examples catch it)
from candid.finish._size import FITS
from candid.options import parse_options

#: Bump when a setting's meaning changes; the ``finish`` stage logs it as ``options_version``.
OPTIONS_VERSION = 1

BACKENDS = ("auto", "classical", "detail-transfer", "learned")
SHARPEN = ("screen", "print", "none")
KERNELS = ("lanczos3", "lanczos2", "cubic", "mitchell", "mks2013", "mks2021", "linear")

#: Settings only :func:`~candid.finish.finish_to_file` uses (how the file is written and checked);
#: the in-memory functions and the ``finish`` stage ignore them, and the stage log leaves them out.
FILE_ONLY = ("bit_depth", "quality", "identity_preview")

#: Where the ``finish`` stage and ``candid finish`` differ from the library defaults: the whole
#: photo (``contain``), rendered in 256-px windows with 16 px overlap (the fastest measured).
STAGE_DEFAULTS: dict[str, Any] = {"fit": "contain", "tile": 256, "overlap": 16}

_Unit = Annotated[float, Field(ge=0.0, le=1.0)]

#: The settings that name one of a few choices: field -> (what it is called in a message, the choices).
CHOICES = {"fit": ("fit", FITS), "backend": ("backend", BACKENDS), "sharpen": ("sharpening", SHARPEN),
           "kernel": ("resampling kernel", KERNELS)}


class FinishOptions(BaseModel):
    """How an image is finished to a big size: every setting except the target size.

    Attributes
    ----------
    fit : {"crop", "pad", "contain"}
        Cover and centre-crop, fit and pad with ``pad_color``, or fit only.
    backend : {"auto", "classical", "detail-transfer", "learned"}
    noise : bool
        Re-synthesise sensor noise (off when a film look adds grain).
    iso : float
        Noise level as a camera ISO (1..102400).
    sharpen : {"screen", "print", "none"}
        Output sharpening.
    kernel : str
        pyvips resampling kernel when reducing.
    detail_strength : float
        Scale of the detail transferred from reference photos.
    pad_color : (float, float, float)
        sRGB colour of padding for ``fit="pad"``.
    seed : int
        Noise seed.
    tile, overlap : int, optional
        Render in tiles of this height (and overlap); None is each function's own default
        (:func:`~candid.finish.upscale`: one piece, overlap 32; ``finish_to_file``: 256, 16).
    identity_threshold : float
        An identity distance above this refuses the result.
    bit_depth, quality, identity_preview : int
        The file only (:data:`FILE_ONLY`): 8 or 16 bits, JPEG quality, and the long side of the
        preview handed to the identity check.

    Examples
    --------
    >>> o = FinishOptions.parse(iso=400, fit="contain")
    >>> o.iso, o.fit, o.sharpen, o.version
    (400.0, 'contain', 'screen', 1)
    >>> try:
    ...     FinishOptions.parse(sharpen="tv")
    ... except CandidError as exc:
    ...     print(exc.message)
    finish: unknown sharpening 'tv' (use one of: screen, print, none)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: Literal[1] = OPTIONS_VERSION
    fit: str = Field("crop", description="contain (fit inside, the whole photo), pad (fit and pad) or crop (cover).")
    backend: str = Field("auto", description="auto, classical, detail-transfer or learned.")
    noise: bool = Field(True, description="Re-synthesise sensor noise.")
    iso: float = Field(200.0, ge=1, le=102400, description="Noise level as a camera ISO.")
    sharpen: str = Field("screen", description="Output sharpening: screen, print or none.")
    kernel: str = Field("lanczos3", description="Resampling kernel when reducing.")
    detail_strength: float = Field(1.0, ge=0.0, le=4.0, description="Scale of the transferred detail.")
    pad_color: tuple[_Unit, _Unit, _Unit] = Field((1.0, 1.0, 1.0), description="sRGB padding colour (fit pad).")
    seed: int = Field(0, ge=0, description="Noise seed.")
    tile: int | None = Field(None, ge=16, le=16384, description="Tile size in pixels (memory vs speed).")
    overlap: int | None = Field(None, ge=0, le=1024, description="Tile overlap in pixels, blended.")
    identity_threshold: float = Field(0.6, gt=0.0, description="Identity distance above which the result is refused.")
    bit_depth: Literal[8, 16] = Field(8, description="8, or 16 for .tif/.png.")
    quality: int = Field(95, ge=1, le=100, description="JPEG quality.")
    identity_preview: int = Field(1024, ge=64, le=8192, description="Long side of the identity-check preview.")

    @field_validator(*CHOICES)
    @classmethod
    def _one_of(cls, value: str, info: ValidationInfo) -> str:
        kind, choices = CHOICES[info.field_name]
        if value not in choices:
            raise ValueError(f"unknown {kind} {value!r} (use one of: {', '.join(choices)})")
        return value

    @classmethod
    def parse(cls, options: "FinishOptions | None" = None, **settings: Any) -> "FinishOptions":
        """``options`` (or the defaults) with keyword ``settings`` over it; bad ones raise :class:`CandidError`.

        ``None`` for a setting means the default (or the value in ``options``).

        Examples
        --------
        >>> FinishOptions.parse(FinishOptions(seed=3), iso=800).seed
        3
        >>> try:
        ...     FinishOptions.parse(sharpn="print")
        ... except CandidError as exc:
        ...     print(exc.message)
        finish: unknown setting 'sharpn'
        """
        return parse_options(cls, settings, over=options, stage="finish", hint="see docs/FINISH.md")

    def settings(self) -> dict[str, Any]:
        """The settings as keywords (without ``version``).

        Examples
        --------
        >>> FinishOptions().settings()["fit"]
        'crop'
        """
        return self.model_dump(exclude={"version"})

    def log_params(self) -> dict[str, Any]:
        """What the ``finish`` stage log records: the image settings and ``options_version``.

        The file-only settings (:data:`FILE_ONLY`) are left out, and ``pad_color`` unless the fit pads.

        Examples
        --------
        >>> p = FinishOptions(fit="contain").log_params()
        >>> p["fit"], p["options_version"], "quality" in p, "pad_color" in p
        ('contain', 1, False, False)
        """
        skip = {"version", *FILE_ONLY} | ({"pad_color"} if self.fit != "pad" else set())
        return {**self.model_dump(exclude=skip), "options_version": self.version}


#: The setting names, in the model's order.
OPTION_NAMES = tuple(FinishOptions.model_fields)[1:]


def option_help(name: str) -> str:
    """``candid finish --help`` shows the model's words: ``option_help("iso")`` is ``'Noise level as a camera ISO.'``."""
    return FinishOptions.model_fields[name].description or ""


__all__ = ["BACKENDS", "FILE_ONLY", "FITS", "KERNELS", "OPTIONS_VERSION", "OPTION_NAMES", "SHARPEN",
           "STAGE_DEFAULTS", "FinishOptions", "option_help"]
