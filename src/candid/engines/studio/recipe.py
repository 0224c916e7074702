"""Style recipes shipped as TOML (``candid/recipe_files/STYLE.toml``) and their options."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable

import numpy as np

from pydantic import ValidationError

from candid.engines.studio.options import StudioOptions
from candid.engines.studio.stage import check_options
from candid.engines.studio.styles import STYLES
from candid.errors import CandidError, RecipeError
from candid.portrait import Portrait
from candid.recipes import Recipe, Step


def load_style_recipe(style: str) -> Recipe:
    """The shipped recipe for ``style`` (stages not checked against :data:`STAGES`).

    Examples
    --------
    >>> [s.stage for s in load_style_recipe("linkedin").steps][:2]
    ['face.analyze', 'engine.studio']
    """
    check_options(style, None, None, None)
    try:
        text = resources.files("candid.recipe_files").joinpath(f"{style}.toml").read_text(encoding="utf-8")
        return Recipe.model_validate(tomllib.loads(text))
    except FileNotFoundError:
        raise RecipeError(f"no recipe file for style {style!r}") from None
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise RecipeError(f"recipe for style {style!r} is invalid: {exc}") from None


def options_of(style: str | StudioOptions = "linkedin", **settings: Any) -> StudioOptions:
    """Checked :class:`StudioOptions` from a style name and settings, or from options (+ overrides).

    Examples
    --------
    >>> options_of("editorial", aspect="4:5").aspect
    '4:5'
    >>> options_of(StudioOptions(style="corporate"), seed=2).seed
    2
    """
    if isinstance(style, StudioOptions):
        return StudioOptions.parse(**{**style.settings(), **settings}) if settings else style.check()
    return StudioOptions.parse(style=style, **settings)


#: The options :func:`studio_recipe` passes to the ``engine.studio`` stage as they are.
STUDIO_STAGE_OPTIONS = ("aspect", "background", "light", "strength", "straighten", "catchlights", "small_face")


def studio_recipe(
    style: str | StudioOptions = "linkedin",
    *,
    report: str | None = None,
    **settings: Any,
) -> Recipe:
    """The style's recipe with the person's options applied.

    Parameters
    ----------
    style : str or StudioOptions
        A key of :data:`candid.engines.studio.STYLES`, or the whole options.
    report : str, optional
        Path stem for the inspect report (``STEM.html`` and ``STEM.json``).
    **settings
        Fields of :class:`StudioOptions`, the one list of studio options
        (checked before anything is built): :data:`STUDIO_STAGE_OPTIONS` go
        to ``engine.studio``; ``size`` to ``finish`` (``"none"`` drops it);
        ``look`` adds ``looks.film``; ``face`` (1 = the largest) to
        ``face.analyze``; ``seed`` to every stage that takes one; ``keep``
        to ``honest``.

    Returns
    -------
    Recipe

    Examples
    --------
    >>> r = studio_recipe("linkedin", size="none", aspect="4:5")
    >>> "finish" in [s.stage for s in r.steps], r.steps[1].params["aspect"]
    (False, '4:5')
    """
    from candid.honest.guard import parse_keep

    options = options_of(style, **settings)
    size, look, seed = options.size, options.look, options.seed
    recipe = load_style_recipe(options.style)
    steps: list[Step] = []
    for step in recipe.steps:
        params = dict(step.params)
        if step.stage == "face.analyze" and options.face_index is not None:
            params["face"] = options.face_index
        if step.stage == "engine.studio":
            params.update({k: getattr(options, k) for k in STUDIO_STAGE_OPTIONS if getattr(options, k) is not None})
            params["seed"] = seed
        if step.stage == "finish":
            if size == "none":
                continue
            if size is not None:
                params["size"] = size
            params["seed"] = seed
        if step.stage == "honest" and options.keep:
            params["keep"] = parse_keep(options.keep)
        if step.stage == "inspect" and report:
            params.update({"html": f"{report}.html", "json": f"{report}.json"})
        steps.append(Step(stage=step.stage, params=params))
    names = [s.stage for s in steps]
    if size not in (None, "none") and "finish" not in names:
        at = names.index("inspect") if "inspect" in names else len(steps)
        steps.insert(at, Step(stage="finish", params={"size": size, "fit": "contain"}))
        names = [s.stage for s in steps]
    if look:
        at = names.index("inspect") if "inspect" in names else len(steps)
        steps.insert(at, Step(stage="looks.film", params={"stock": look, "seed": seed}))
    return recipe.model_copy(update={"steps": steps})


@dataclass(frozen=True)
class StudioRun:
    """What :func:`run_studio` made: the result, the recipe it ran, the source pixels."""

    result: Portrait
    recipe: Recipe
    source: np.ndarray


def run_studio(
    photo: str | Path,
    options: StudioOptions | None = None,
    *,
    report: str | None = None,
    subject: Any = None,
    source_name: str | None = None,
    on_step: Callable[[int, int, str], None] | None = None,
    library: Any = None,
    **settings: Any,
) -> StudioRun:
    """A photo in, a finished studio portrait out: the one path every front door takes.

    Builds the style's recipe (:func:`studio_recipe`) from the options,
    reads the photo safely and runs the recipe. The CLI (`candid make`),
    the web studio and batch differ only in how they show progress and where
    they write.

    Parameters
    ----------
    photo : path
        The photo of the person.
    options : StudioOptions, optional
        The person's choices (style, framing, light, size, look, face, seed, keep, ...).
    report : str, optional
        Path stem for the inspect report.
    subject : SubjectProfile, optional
        The enrolled person, for the honest guard.
    source_name : str, optional
        Name recorded as the source (default: the file name).
    on_step : callable, optional
        ``on_step(i, n, stage)`` before each stage.
    library : Library or path, optional
        The subject's library: the honest guard reads the subject's photos
        from it (skin texture, tone) and applies ``keep`` with them.
    **settings
        Fields of :class:`StudioOptions` instead of (or over) ``options``.

    Returns
    -------
    StudioRun

    Examples
    --------
    >>> run = run_studio("photo.jpg", StudioOptions(size="none"))  # doctest: +SKIP
    >>> run.result.log[-1].stage  # doctest: +SKIP
    'inspect'
    """
    import dataclasses

    from candid.engines import get_engine
    from candid.imageio import read_image
    from candid.recipes import run_recipe

    ok, why = get_engine("studio").available()
    if not ok:
        raise CandidError(f"engine 'studio' is not available: {why}")
    options = options_of(options if options is not None else settings.pop("style", "linkedin"), **settings)
    background = options.background
    recipe = studio_recipe(options, report=report)
    if subject is not None and library is not None and any(s.stage == "honest" for s in recipe.steps):
        recipe = recipe.with_overrides({"honest": {"library": str(getattr(library, "root", library))}})
    if subject is not None and library is not None and any(s.stage == "finish" for s in recipe.steps):
        # detail transfer from the subject's own photos (read through the library)
        recipe = recipe.with_overrides({"finish": {"library": str(getattr(library, "root", library))}})
    if background and background.startswith("image:") and not Path(background[6:]).is_file():
        raise CandidError(f"background image {background[6:]}: no such file")
    from candid.provenance.source import read_source

    loaded = read_image(photo)
    # the photo's own labels (AI type, watermark id) head the log, so a portrait
    # made from an AI image stays labelled AI (provenance flows forward)
    origin = read_source(photo, loaded.pixels).operation()
    if source_name:
        origin = dataclasses.replace(origin, params={**origin.params, "file": source_name})
    portrait = Portrait(loaded.pixels, source=source_name or Path(photo).name, subject=subject, log=(origin,))
    result = run_recipe(recipe, portrait, on_step=on_step)
    return StudioRun(result=result, recipe=recipe, source=loaded.pixels)


__all__ = ["STYLES", "STUDIO_STAGE_OPTIONS", "StudioOptions", "StudioRun", "load_style_recipe", "options_of",
           "run_studio", "studio_recipe"]
