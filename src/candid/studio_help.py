"""The studio options' help words, importable without pydantic or the studio engine.

:class:`candid.engines.studio.options.StudioOptions` takes its field
descriptions from :data:`OPTION_HELP`, so ``candid make --help`` (which needs
only these words) imports neither the engine (numpy, OpenCV) nor pydantic, and
the CLI's help, the web's OpenAPI schema and the model still say the same thing.
"""

from __future__ import annotations

#: Option name -> its help text, in the model's field order (every field but ``version``).
OPTION_HELP: dict[str, str] = {
    "style": "linkedin, corporate, editorial, environmental, memorial or passport.",
    "aspect": "Frame width:height, e.g. 1:1, 4:5, 2:3, 16:9.",
    "background": "grey, white, color:#hex, mottled, gradient, blur or image:PATH.",
    "light": "loop, rembrandt, butterfly, split, broad, short, rim, flat or none.",
    "strength": "Relighting strength.",
    "straighten": "auto (level a tilt of up to 5 degrees), off, or the most DEGREES to level.",
    "catchlights": "keep (as shot; default), move (the eyes' own, to the new light) or add.",
    "small_face": "A face under 64 px between the eyes: warn (make it, say it will be soft; default) or refuse.",
    "size": "Finish to 4k, 8k, ... or none (the style's default).",
    "look": "A film stock for looks.film, e.g. portra-400.",
    "face": "Which face when there are several (1 = largest).",
    "seed": "Seed for every random choice.",
    "keep": "With a subject: keep a change on purpose, FEATURE=AMOUNT (0..1, e.g. skin-smoothing=0.6).",
}


def option_help(name: str) -> str:
    """The help text of one studio option (the CLI's ``--help`` and the web schema show the same words).

    Examples
    --------
    >>> option_help("strength")
    'Relighting strength.'
    """
    return OPTION_HELP[name]


__all__ = ["OPTION_HELP", "option_help"]
