"""What every stage's versioned options model shares: keyword settings in, one clear error out.

Each stage that has settings keeps them in one pydantic model
(:class:`~candid.engines.diffusion.options.DiffusionOptions`,
:class:`~candid.engines.studio.options.StudioOptions`,
:class:`~candid.looks.options.LookOptions`,
:class:`~candid.looks.options.GlitchOptions`, and the matte's tuning,
:class:`~candid.engines.studio.matte_rules.MatteRules` and
:class:`~candid.engines.studio.matte_rules.HazeOptions`); :func:`parse_options` builds one
from keywords and :func:`options_error` turns pydantic's error into a :class:`~candid.errors.CandidError`.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from pydantic import BaseModel, ValidationError

from candid.errors import CandidError

M = TypeVar("M", bound=BaseModel)


def parse_options(model: type[M], settings: dict[str, Any], *, stage: str, hint: str,
                  over: BaseModel | None = None) -> M:
    """``model`` from keyword ``settings`` (``None`` means the default); a bad one raises :class:`CandidError`.

    With ``over`` (a model of the same kind), the settings are laid over its values
    (``None`` keeps its value).

    The message is one line: ``"STAGE: unknown setting 'NAME'"`` or
    ``"STAGE: FIELD: what is wrong"``.

    Examples
    --------
    >>> from pydantic import BaseModel, ConfigDict
    >>> class Opts(BaseModel):
    ...     model_config = ConfigDict(extra="forbid")
    ...     seed: int = 0
    >>> parse_options(Opts, {"seed": 3}, stage="demo", hint="").seed
    3
    >>> parse_options(Opts, {"seed": None}, stage="demo", hint="", over=Opts(seed=5)).seed
    5
    >>> try:
    ...     parse_options(Opts, {"sead": 3}, stage="demo", hint="")
    ... except CandidError as exc:
    ...     print(exc.message)
    demo: unknown setting 'sead'
    """
    try:
        base = over.model_dump() if over is not None else {}
        return model.model_validate({**base, **{k: v for k, v in settings.items() if v is not None}})
    except ValidationError as exc:
        raise options_error(exc, stage=stage, hint=hint) from None


def options_error(exc: ValidationError, *, stage: str, hint: str | Callable[[str], str | None]) -> CandidError:
    """The one-line :class:`CandidError` for pydantic's ``exc`` (its first error), as :func:`parse_options` raises.

    ``hint`` is the hint, or a function of the setting's name (``""`` for a check of the whole model) that
    gives it: the matte's rules name each rule's default (:class:`~candid.engines.studio.matte_rules.MatteRules`).
    A validator's ``ValueError`` text is the message as it is, after ``"STAGE: "`` (and ``"FIELD: "`` unless
    it names the field).

    Examples
    --------
    >>> from pydantic import BaseModel, ConfigDict, ValidationError
    >>> class Opts(BaseModel):
    ...     model_config = ConfigDict(extra="forbid")
    ...     seed: int = 0
    >>> try:
    ...     Opts(seed="x")
    ... except ValidationError as exc:
    ...     err = options_error(exc, stage="demo", hint=lambda name: f"{name} is a whole number")
    >>> err.message.split(",")[0], err.hint
    ('demo: seed: Input should be a valid integer', 'seed is a whole number')
    """
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        msg = f"unknown setting {where!r}"
    elif where and where not in msg:
        msg = f"{where}: {msg}"
    return CandidError(f"{stage}: {msg}", hint=hint(where) if callable(hint) else hint)
