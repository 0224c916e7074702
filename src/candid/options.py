"""What every stage's versioned options model shares: keyword settings in, one clear error out.

Each stage that has settings keeps them in one pydantic model
(:class:`~candid.engines.diffusion.options.DiffusionOptions`,
:class:`~candid.engines.studio.options.StudioOptions`,
:class:`~candid.looks.options.LookOptions`,
:class:`~candid.looks.options.GlitchOptions`); :func:`parse_options` builds one
from keywords and turns pydantic's error into a :class:`~candid.errors.CandidError`.
"""

from __future__ import annotations

from typing import Any, TypeVar

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
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown setting {where!r}"
        elif where and where not in msg:
            msg = f"{where}: {msg}"
        raise CandidError(f"{stage}: {msg}", hint=hint) from None
