"""Diffusion styles as recipes: ``engine.diffusion`` (with the honest guard) -> finish -> look -> inspect."""

from __future__ import annotations

from typing import Any

from candid.engines.diffusion.prompts import STYLES
from candid.errors import CandidError
from candid.recipes import Recipe, Step


def diffusion_recipe(
    style: str,
    *,
    finish: str | None = None,
    look: str | None = None,
    report: str | None = None,
    **engine: Any,
) -> Recipe:
    """The recipe for a diffusion style (every stage it names is registered in :data:`candid.recipes.STAGES`).

    Parameters
    ----------
    style : str
        A key of :data:`candid.engines.diffusion.prompts.STYLES`.
    finish : str, optional
        ``finish`` target (``"4k"``, ``"8k"``...); ``"none"`` drops the finish step.
    look : str, optional
        Film stock for ``looks.film``; default the style's (vintage-film: portra-400).
    report : str, optional
        Path stem for the inspect report.
    **engine
        Settings of ``engine.diffusion`` (prompt, subject, library, models, candidates, seed, size...).

    Returns
    -------
    Recipe

    Examples
    --------
    >>> r = diffusion_recipe("vintage-film", prompt="reading a newspaper", seed=3, finish="none")
    >>> [s.stage for s in r.steps]
    ['engine.diffusion', 'looks.film', 'inspect']
    >>> r.steps[0].params["seed"], r.steps[1].params["stock"]
    (3, 'portra-400')
    """
    if style not in STYLES:
        raise CandidError(f"unknown diffusion style {style!r}", hint=f"styles: {', '.join(STYLES)}")
    st = STYLES[style]
    params = {"style": style, **{k: v for k, v in engine.items() if v is not None}}
    steps = [Step(stage="engine.diffusion", params=params)]
    target = finish or st.finish
    if target != "none":
        steps.append(Step(stage="finish", params={"size": target}))
    stock = look or st.look
    if stock:
        film: dict[str, Any] = {"stock": stock}
        if engine.get("seed") is not None:
            film["seed"] = engine["seed"]
        steps.append(Step(stage="looks.film", params=film))
    steps.append(Step(stage="inspect", params={} if not report else {"html": f"{report}.html",
                                                                      "json": f"{report}.json"}))
    return Recipe(name=f"diffusion-{style}", description=f"SDXL + identity adapter, {style}", steps=steps)
