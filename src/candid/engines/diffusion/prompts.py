"""Style templates, the flattery-word filter and the negative prompt.

Candid's prompts describe a photograph, not an ideal: no "perfect skin",
"flawless", "beautiful" padding (those words push diffusion models toward the
waxy, symmetrical "AI face"). Style templates are checked against the same
word list when this module is imported, and a user prompt that contains such
words is kept as written but produces a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from candid.errors import CandidError

#: Words and phrases that ask a model to flatter. Matched case-insensitively on
#: word boundaries. A user may still write them (their prompt, their choice);
#: candid warns and never adds them itself.
FLATTERY_WORDS: tuple[str, ...] = (
    "perfect skin", "flawless", "flawless skin", "beautiful", "beauty", "gorgeous", "stunning", "attractive",
    "pretty", "handsome", "perfect face", "perfect", "airbrushed", "smooth skin", "porcelain skin",
    "glowing skin", "poreless", "retouched", "supermodel", "model face", "symmetrical face", "youthful",
    "ageless", "wrinkle-free", "no wrinkles", "slim face", "v-line", "big eyes", "hdr", "masterpiece",
    "best quality", "ultra detailed skin", "8k uhd", "trending on artstation",
)

#: Against plastic skin and the other diffusion tells; describes defects, never
#: asks for "ugly" or for anything about the person's looks.
NEGATIVE_PROMPT = (
    "plastic skin, waxy skin, airbrushed, smoothed skin, beauty filter, retouched, doll face, CGI, 3d render, "
    "oversaturated, overexposed highlights, glossy skin, uncanny, extra fingers, deformed hands, "
    "mismatched eyes, asymmetric pupils, blurry, watermark, text, logo"
)

_WORD_RE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(FLATTERY_WORDS, key=len, reverse=True)) + r")(?![\w-])",
    re.IGNORECASE,
)


def flattery_words(text: str) -> list[str]:
    """The flattery words and phrases found in ``text`` (lower case, in order).

    Examples
    --------
    >>> flattery_words("Beautiful woman, flawless skin, office light")
    ['beautiful', 'flawless skin']
    >>> flattery_words("a plain photo")
    []
    """
    return [m.group(1).lower() for m in _WORD_RE.finditer(text or "")]


def strip_flattery(text: str) -> str:
    """``text`` without flattery words, with commas and spaces tidied.

    Examples
    --------
    >>> strip_flattery("portrait, flawless skin, beautiful, soft window light")
    'portrait, soft window light'
    """
    out = _WORD_RE.sub("", text or "")
    parts = [re.sub(r"\s+", " ", p).strip() for p in out.split(",")]
    return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class DiffusionStyle:
    """One diffusion style: a prompt template and its sampling defaults.

    Attributes
    ----------
    name : str
    template : str
        With ``{subject}`` (the user's prompt or "a person") in it.
    guidance : float
        Classifier-free guidance; kept moderate (high guidance makes skin plastic).
    size : tuple of int
        ``(width, height)`` at SDXL's native resolution.
    strength : float
        img2img strength when restyling a real photo (low keeps the person).
    needs_source : bool
        The style starts from a real photo (memorial: from an old print).
    look : str or None
        A film stock for the ``looks.film`` stage in the style's recipe.
    finish : str
        ``finish`` size in the recipe.
    """

    name: str
    template: str
    guidance: float = 4.5
    size: tuple[int, int] = (896, 1152)
    strength: float = 0.3
    needs_source: bool = False
    look: str | None = None
    finish: str = "4k"


STYLES: dict[str, DiffusionStyle] = {s.name: s for s in (
    DiffusionStyle(
        "corporate",
        "corporate headshot photograph of {subject}, head and shoulders, plain grey studio backdrop, "
        "soft key light with fill, natural skin texture with pores and fine lines, 85mm lens, f/5.6, "
        "sharp focus on the eyes, true-to-life colour",
        guidance=4.5, size=(896, 1152)),
    DiffusionStyle(
        "editorial",
        "editorial magazine portrait photograph of {subject}, directional window light, deep shadows, "
        "visible skin texture, natural expression, 50mm lens, f/2.8, shallow depth of field, film-like colour",
        guidance=4.5, size=(896, 1152)),
    DiffusionStyle(
        "environmental",
        "environmental portrait photograph of {subject} at their place of work, three-quarter length, "
        "available light, natural skin texture, 35mm lens, f/4, background in context and slightly soft",
        guidance=4.0, size=(1152, 896)),
    DiffusionStyle(
        "vintage-film",
        "candid portrait photograph of {subject}, shot on 35mm film, natural light, film grain, "
        "real skin texture, slightly imperfect focus, muted colour",
        guidance=4.0, size=(896, 1152), look="portra-400"),
    DiffusionStyle(
        "memorial",
        "respectful memorial portrait photograph of {subject}, as in the original photo, soft even light, "
        "plain warm backdrop, the same age, expression and features as the original, natural skin texture",
        guidance=4.0, size=(896, 1152), strength=0.25, needs_source=True, finish="4k"),
)}


def _check_templates() -> None:
    for style in STYLES.values():
        words = flattery_words(style.template)
        if words:  # pragma: no cover - guards future edits
            raise AssertionError(f"style {style.name!r} template contains flattery words {words}")


_check_templates()


def build_prompt(style: str, prompt: str | None) -> tuple[str, str, list[str]]:
    """The positive prompt, the negative prompt and warnings for ``style``.

    The user's prompt is put into the style's template as written; flattery
    words in it are reported, not removed (use :func:`strip_flattery` to
    remove them on purpose).

    Parameters
    ----------
    style : str
        A key of :data:`STYLES`.
    prompt : str or None
        What to show ("a 60-year-old woman with short grey hair"); None -> "the person".

    Returns
    -------
    (str, str, list of str)

    Raises
    ------
    CandidError
        Unknown style.

    Examples
    --------
    >>> pos, neg, warn = build_prompt("corporate", "a man with a grey beard, flawless skin")
    >>> "grey beard" in pos, "plastic skin" in neg, warn[0].startswith("the prompt asks for flattery")
    (True, True, True)
    """
    if style not in STYLES:
        raise CandidError(f"unknown diffusion style {style!r}", hint=f"styles: {', '.join(STYLES)}")
    subject = (prompt or "").strip() or "the person"
    warnings: list[str] = []
    words = flattery_words(subject)
    if words:
        warnings.append(f"the prompt asks for flattery ({', '.join(words)}): expect waxy, generic skin and a face "
                        "less like the person; candid's honest guard will report the difference")
    return STYLES[style].template.format(subject=subject), NEGATIVE_PROMPT, warnings
