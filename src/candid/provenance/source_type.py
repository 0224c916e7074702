"""IPTC digital source type from a portrait's operation log.

IPTC's vocabulary (http://cv.iptc.org/newscodes/digitalsourcetype/) is what
C2PA's ``digitalSourceType`` and XMP's ``Iptc4xmpExt:DigitalSourceType`` use.
candid maps its log to it like this:

* any stage with ``ai="generated"``: ``trainedAlgorithmicMedia`` ("created by
  a model trained on sampled content"); later edits do not make it less so.
* else any stage with ``ai="edited"``: ``compositeWithTrainedAlgorithmicMedia``
  ("mix or composite of ... elements, at least one of which is trained
  algorithmic media"): a real photo with AI-made parts (restored face, texture).
* else (only classical, non-learned stages, or nothing):
  ``algorithmicallyEnhanced`` ("minor augmentation, correction or enhancement
  by algorithm"). IPTC's ``minorHumanEdits`` is for edits a person made by hand,
  which is not what a candid pipeline does, and candid cannot vouch that the
  input was a ``digitalCapture``, so it does not claim that either.
"""

from __future__ import annotations

from typing import Iterable

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
TRAINED_ALGORITHMIC_MEDIA = IPTC + "trainedAlgorithmicMedia"
COMPOSITE_WITH_TRAINED = IPTC + "compositeWithTrainedAlgorithmicMedia"
ALGORITHMICALLY_ENHANCED = IPTC + "algorithmicallyEnhanced"

#: Plain words for each type, used in the credit line and by ``candid verify``.
DESCRIPTIONS = {
    TRAINED_ALGORITHMIC_MEDIA: "AI-generated",
    COMPOSITE_WITH_TRAINED: "AI-edited",
    ALGORITHMICALLY_ENHANCED: "edited by algorithm (no AI)",
}


def digital_source_type(log: Iterable) -> str:
    """The IPTC digital source type URI for a log of :class:`candid.portrait.Operation`.

    Parameters
    ----------
    log : iterable of Operation (or dicts with an ``"ai"`` key)

    Returns
    -------
    str
        An IPTC digital source type URI.

    Examples
    --------
    >>> from candid.portrait import Operation
    >>> digital_source_type([Operation("looks.grain"), Operation("engines.diffusion", ai="generated")])
    'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia'
    >>> digital_source_type([Operation("looks.grain")]).rsplit("/", 1)[1]
    'algorithmicallyEnhanced'
    """
    kinds = set()
    for op in log:
        ai = op.get("ai", "none") if isinstance(op, dict) else getattr(op, "ai", "none")
        if ai not in ("none", "edited", "generated"):
            raise ValueError(f"unknown ai value {ai!r} in the log")
        kinds.add(ai)
    if "generated" in kinds:
        return TRAINED_ALGORITHMIC_MEDIA
    if "edited" in kinds:
        return COMPOSITE_WITH_TRAINED
    return ALGORITHMICALLY_ENHANCED


def describe(source_type: str | None) -> str:
    """Plain words for an IPTC digital source type URI (or its last part)."""
    if not source_type:
        return "not stated"
    for uri, words in DESCRIPTIONS.items():
        if source_type == uri or source_type.rsplit("/", 1)[-1] == uri.rsplit("/", 1)[-1]:
            return words
    return source_type.rsplit("/", 1)[-1]
