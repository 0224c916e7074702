"""Recipes: a named list of stages and their settings, run by one runner.

The CLI, the web studio and batch all build a :class:`Recipe` and call
:func:`run_recipe`; no front door has logic of its own. Stages are looked up in
:data:`STAGES`, an explicit table of ``"name" -> "module:function"`` so that
importing this module imports no stage (and so no heavy dependency) until a
recipe uses it.
"""

from __future__ import annotations

import importlib
import inspect as pyinspect
import tomllib
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from candid.errors import RecipeError
from candid.portrait import Portrait

#: Every stage a recipe may name. Each function takes a Portrait first and
#: keyword settings after, and returns a new Portrait.
STAGES: dict[str, str] = {
    "looks.film": "candid.looks.stage:look_stage",
    "looks.glitch": "candid.looks.stage:glitch_stage",
    "finish": "candid.finish.stage:finish_stage",
    "face.analyze": "candid.face.stage:analyze_stage",
    "honest": "candid.honest.stage:honest_stage",
    "engine.studio": "candid.engines.studio.stage:studio_stage",
    "engine.diffusion": "candid.engines.diffusion.stage:diffusion_stage",
    "engine.restore": "candid.engines.restore.stage:restore_stage",
    "inspect": "candid.inspector.stage:inspect_stage",
}


class Step(BaseModel):
    """One stage of a recipe and its settings."""

    model_config = ConfigDict(extra="forbid")
    stage: str
    params: dict[str, Any] = Field(default_factory=dict)


class Recipe(BaseModel):
    """A named sequence of stages.

    Examples
    --------
    >>> r = Recipe(name="just-look", steps=[Step(stage="face.analyze")])
    >>> [s.stage for s in r.steps]
    ['face.analyze']
    """

    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""
    steps: list[Step]

    def with_overrides(self, overrides: dict[str, dict[str, Any]]) -> "Recipe":
        """A copy whose steps have their params updated from ``{stage: {param: value}}``."""
        unknown = set(overrides) - {s.stage for s in self.steps}
        if unknown:
            raise RecipeError(f"overrides name stages not in recipe {self.name!r}: {sorted(unknown)}")
        steps = [Step(stage=s.stage, params={**s.params, **overrides.get(s.stage, {})}) for s in self.steps]
        return self.model_copy(update={"steps": steps})


def load_recipe(path: str | Path) -> Recipe:
    """Read a recipe from a TOML file and check every stage exists.

    The file has ``name``, optional ``description`` and an array of
    ``[[steps]]`` tables with ``stage`` and an optional ``params`` table.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        recipe = Recipe.model_validate(data)
    except FileNotFoundError:
        raise RecipeError(f"{path}: no such recipe file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RecipeError(f"{path}: not valid TOML ({exc})") from None
    except ValidationError as exc:
        raise RecipeError(f"{path}: invalid recipe ({exc.errors()[0]['loc']}: {exc.errors()[0]['msg']})") from None
    validate_recipe(recipe)
    return recipe


def validate_recipe(recipe: Recipe) -> None:
    """Raise :class:`RecipeError` if the recipe names a stage that does not exist."""
    missing = [s.stage for s in recipe.steps if s.stage not in STAGES]
    if missing:
        raise RecipeError(
            f"recipe {recipe.name!r} names unknown stages: {', '.join(missing)}",
            hint=f"known stages: {', '.join(sorted(STAGES))}",
        )


def check_step_params(step: Step) -> None:
    """Raise :class:`RecipeError` if ``step.params`` do not fit its stage's signature.

    Checked with :meth:`inspect.Signature.bind` before any stage runs, so a
    misspelt setting fails before minutes of work instead of after.

    Examples
    --------
    >>> check_step_params(Step(stage="face.analyze"))
    >>> try:
    ...     check_step_params(Step(stage="face.analyze", params={"colour": 1}))
    ... except RecipeError as exc:
    ...     print(exc.message)
    stage 'face.analyze': got an unexpected keyword argument 'colour'
    """
    func = resolve_stage(step.stage)
    sig = pyinspect.signature(func)
    try:
        bound = sig.bind(None, **step.params)
    except TypeError as exc:
        raise RecipeError(f"stage {step.stage!r}: {exc}",
                          hint="see the stage's settings in its docs page") from None
    model = getattr(func, "options_model", None)
    if model is not None:  # a stage with one options model checks its ``**settings`` through it
        extra = next((v for k, v in bound.arguments.items()
                      if sig.parameters[k].kind is pyinspect.Parameter.VAR_KEYWORD), {})
        model.parse(**extra)


def resolve_stage(name: str) -> Callable[..., Portrait]:
    """Import and return the function behind a stage name."""
    if name not in STAGES:
        raise RecipeError(f"unknown stage {name!r}", hint=f"known stages: {', '.join(sorted(STAGES))}")
    module_name, func_name = STAGES[name].split(":")
    return getattr(importlib.import_module(module_name), func_name)


def run_recipe(
    recipe: Recipe,
    portrait: Portrait,
    *,
    on_step: Callable[[int, int, str], None] | None = None,
) -> Portrait:
    """Run every stage of ``recipe`` in order.

    Parameters
    ----------
    recipe : Recipe
    portrait : Portrait
        The input; it is not modified.
    on_step : callable, optional
        Called as ``on_step(index, total, stage)`` before each stage (progress bars).

    Returns
    -------
    Portrait
        The result, whose log holds one operation per stage at least.
    """
    validate_recipe(recipe)
    for step in recipe.steps:
        check_step_params(step)
    for i, step in enumerate(recipe.steps):
        if on_step is not None:
            on_step(i, len(recipe.steps), step.stage)
        portrait = resolve_stage(step.stage)(portrait, **step.params)
    if on_step is not None:
        on_step(len(recipe.steps), len(recipe.steps), "done")
    return portrait
