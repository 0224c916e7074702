"""What the studio changed without being asked, as records and as plain words.

``engine.studio`` logs a list of change records in its operation params
(``params["changes"]``: small dicts with a ``"change"`` kind and numbers,
never names or paths); the front doors (``candid make``, the web studio)
turn them into sentences with :func:`describe` / :func:`change_report`, so
the words live in one place and the records stay machine-readable.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as np


def _degrees(value: float) -> str:
    """Whole degrees in words, halves rounded up: '1 degree', '6 degrees' ('5 degrees' for 4.5, not Python's 4)."""
    n = int(np.floor(abs(float(value)) + 0.5))
    return f"{n} degree" if n == 1 else f"{n} degrees"


#: Share of the frame beyond the photo under which it is a sliver (the frame's last rows, filled from the photo's
#: edge by :func:`candid.engines.studio.frame.mend_photo_border`), not a canvas of backdrop ("0 %" said nothing).
SLIVER = 0.01


def _canvas_extended(g: Callable[..., Any]) -> str:
    sides = " and ".join(g("sides", ())) or "edge"
    if g("fraction", 0) < SLIVER:
        return (f"the frame reaches a sliver past the photo at the {sides} (under 1 % of the frame), filled from "
                "the photo's edge")
    text = f"canvas extended at the {sides} with backdrop ({g('fraction', 0):.0%} of the frame is beyond the photo)"
    # where the stage carried the body on past the photo's edge (a ``body_continued`` record, whose sides
    # :func:`change_report` passes in as ``continued``) the body does not end there
    ended = [s for s in g("sides", ()) if s not in (g("continued") or ())]
    if g("edge_cut") and (ended or not g("sides")):
        text += "; the photo is too narrow for this frame, so the body ends at the photo's edge"
        text += f" (at the {' and '.join(ended)})" if g("continued") and ended else ""
    return text


def _exposure(g: Callable[..., Any]) -> str:
    stops = g("stops", 0)
    return f"face {'brightened' if stops > 0 else 'darkened'} {abs(stops):.1f} stops"


def _small_face(g: Callable[..., Any]) -> str:
    text = f"the face is {g('iod_px', 0)} px between the eyes (a sharp headshot needs {g('needed_px', 64)})"
    if g("factor"):
        return text + f"; the headshot is enlarged {g('factor'):.0f}x and will be soft"
    if g("size_px"):  # not enlarged (no finish step, or one that kept the size): small, not soft
        return text + f"; the headshot is only {g('size_px')} px across, and will be soft if enlarged"
    return text + "; the headshot will be small, or soft if enlarged"


def _enlarged(g: Callable[..., Any]) -> str:
    """The finish's enlargement, and the JPEG model its learned passes chose (from the step's numbers).

    Examples
    --------
    >>> _enlarged({"target": "4k", "factor": 4.83, "from_px": 559, "noise_level": 0, "jpeg_rule": "measured",
    ...            "jpeg_damage": 0.0, "jpeg_grid": "photo"}.get)
    "4k: enlarged 4.8x from a 559 px crop; no JPEG damage measured on the photo's block grid, so waifu2x's lightest denoise kept fine texture"
    """
    from candid.finish._jpeg import jpeg_model_words

    text = f"{g('target', '')}: enlarged {g('factor', 1):.1f}x from a {g('from_px', 0)} px crop"
    words = jpeg_model_words({k: g(k) for k in JPEG_KEYS})
    return f"{text}; {words}" if words else text


#: The finish step's params that say its JPEG model (:func:`candid.finish._jpeg.jpeg_model_params`), carried
#: into the ``enlarged`` record.
JPEG_KEYS = ("noise_level", "jpeg_rule", "jpeg_damage", "jpeg_grid", "jpeg_quality")


def _white_balance(g: Callable[..., Any]) -> str:
    da, db, de = float(g("da", 0)), float(g("db", 0)), float(g("delta_e", 0))
    if not de:
        return "colour cast reduced (white balance)"
    # the larger of the two moves names it: b* up is warmer (a blue cast taken out), a* up less green, a* down
    # less red (obama3: 'less magenta' named the axis, not what one sees on skin)
    if abs(db) >= abs(da):
        way = "warmer (a blue cast taken out)" if db > 0 else "cooler (a yellow cast taken out)"
    else:
        way = "less green (a green cast taken out)" if da > 0 else "less red (a red cast taken out)"
    return f"colour cast reduced (white balance): the colours are {'slightly ' if de < 3 else ''}{way}, " \
           f"by {de:.1f} \N{GREEK CAPITAL LETTER DELTA}E on average"


#: Mean CIELAB colour difference (Delta E 1976) from which the white balance is said: about the least one sees
#: side by side (on the framed crop: liuyifei editorial 3.8, obama3 linkedin 1.9; on whole photos 32bit and hinton
#: under 0.05).
SEEN_DELTA_E = 1.0


def colour_cast(before: np.ndarray, after: np.ndarray, *, seen: float = SEEN_DELTA_E) -> dict[str, Any] | None:
    """The ``white_balance`` change record for a colour correction, or None when it is too small to see.

    ``before`` and ``after``: the same ``(H, W, 3)`` sRGB pixels in [0, 1]
    without and with the correction. The record holds the mean CIELAB
    difference (``delta_e``) and the mean moves of a* and b* (``da``, ``db``);
    it is made only when ``delta_e`` is at least ``seen``.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((8, 8, 3), (0.5, 0.55, 0.7), np.float32)      # a blue cast
    >>> warmer = np.full((8, 8, 3), (0.55, 0.55, 0.6), np.float32)
    >>> rec = colour_cast(img, warmer)
    >>> rec["change"], rec["db"] > 0, rec["delta_e"] >= 1
    ('white_balance', True, True)
    >>> describe(rec).startswith("colour cast reduced (white balance): the colours are")
    True
    >>> colour_cast(img, img) is None
    True
    """
    from skimage.color import rgb2lab

    b = rgb2lab(np.clip(np.asarray(before, np.float64), 0, 1))
    a = rgb2lab(np.clip(np.asarray(after, np.float64), 0, 1))
    d = a - b
    de = float(np.sqrt((d * d).sum(-1)).mean())
    if de < seen:
        return None
    return {"change": "white_balance", "delta_e": round(de, 1), "da": round(float(d[..., 1].mean()), 1),
            "db": round(float(d[..., 2].mean()), 1)}


#: How a sentence about a passport rule the frame misses begins (ICAO 9303's photo rules).
RULE_NOT_MET = "passport rule not met: "

#: What the studio will not make up where the photo ends, per :attr:`candid.engines.studio.frame.Framing.photo_limits`.
_LIMITS = {"top": ("it cuts the hair at its top", "hair above it"),
           "bottom": ("it ends close below the chin", "a neck or shoulders below it")}


def _percent_range(rule) -> str:
    return f"{100 * rule[0]:.0f}-{100 * rule[1]:.0f} %"


def _photo_limits(g: Callable[..., Any]) -> str:
    """Why a rule cannot be met, in words: what the photo lacks and that the studio does not invent it.

    Examples
    --------
    >>> _photo_limits({"limits": ["top", "bottom"]}.get)
    ': it cuts the hair at its top and it ends close below the chin, and the studio does not make up hair above it or a neck or shoulders below it; a photo with more room there meets the rule'
    >>> _photo_limits({}.get)
    ''
    """
    found = [_LIMITS[k] for k in (g("limits") or ()) if k in _LIMITS]
    if not found:
        return ""
    return (f": {' and '.join(f[0] for f in found)}, and the studio does not make up "
            f"{' or '.join(f[1] for f in found)}; a photo with more room there meets the rule")


#: Change kind -> its sentence, made from the record's ``get`` (so a missing number has a default).
SENTENCES: dict[str, Callable[[Callable[..., Any]], str]] = {
    "straightened": lambda g: f"head straightened {_degrees(g('degrees', 0))}",
    # the way to level it in words both doors share (the CLI's --straighten, the web's Straighten menu); whole
    # degrees rounded up, so the number asked for levels all of it (12.4 -> 13)
    "tilt_kept": lambda g: (f"head tilt of {_degrees(g('degrees', 0))} kept as a pose (straightening up to "
                            f"{int(np.ceil(abs(float(g('degrees', 0))) - 0.05))} degrees levels it)"),
    "closer": lambda g: f"framed {g('factor', 1):.1f}x closer than the style asks (the photo is too tight)",
    "canvas_extended": _canvas_extended,
    "hair_cut": lambda g: ("the photo cuts the hair at its top, so the headshot shows it cut there"
                           if g("by") == "photo" else
                           "the top of the hair is left out of the frame (no frame in the photo keeps it and the face)"),
    "look_room": lambda g: (f"the face is turned to the side, so it sits off centre with room in front of it "
                            f"({100 * g('share', 0.1):.0f} % of the width)"),
    "head_cut": lambda g: ("the photo is too tight to keep the whole head in this frame: it cuts the "
                           + " and ".join(g("sides") or ["side"]) + " of the head (ears or hair)"),
    "head_share": lambda g: (f"{RULE_NOT_MET}the head (chin to crown) fills {100 * g('share', 0):.0f} % of the height; "
                             f"the rule asks {_percent_range(g('rule', (0, 0)))}"
                             + (" (the photo is too tight)" + _photo_limits(g) if g("share", 0) > g("rule", (0, 0))[1]
                                else " (to keep the whole hair in the frame)")),
    "eye_line": lambda g: (f"{RULE_NOT_MET}the eyes sit {100 * g('height', 0):.0f} % of the way down from the top"
                           + (", so the head sits low" if g("height", 0) > g("rule", (0, 0))[1] else "")
                           + f"; the rule asks {_percent_range(g('rule', (0, 0)))}"
                           + (" (the photo is too tight)" + _photo_limits(g) if set(g("limits") or ()) & set(_LIMITS)
                              else " (to keep the whole hair in the frame)")),
    "head_covering": lambda g: ("head covering: the top of the head is not the colour of the hair beside the face "
                                "(a hat or cap?); a passport office may refuse it unless it is worn for religious "
                                "reasons"),
    "perspective": lambda g: f"close-range (selfie) perspective corrected (amount {g('amount', 0):.2f})",
    "perspective_skipped": lambda g: ("close-range (selfie) perspective left as shot: correcting it made the face "
                                      f"look less like the person (identity distance {g('identity_with', 0):.2f})"),
    "light_softened": lambda g: (f"light softened from {g('from', 0):.2f} to {g('to', 0):.2f} strength to keep the "
                                 f"likeness (identity distance {g('identity_with', 0):.2f} at full strength)"),
    "exposure": _exposure,
    "white_balance": _white_balance,
    "catchlights_moved": lambda g: ("the eyes' own catchlights moved to match the new light "
                                    "(same shape and size; none added)"),
    "catchlights_added": lambda g: "catchlights added (as asked)",
    # the reason after "because", not in brackets: reasons carry their own (nested brackets read as noise)
    "background_kept": lambda g: ("the person could not be cut out cleanly, so the photo's own background was kept, "
                                  f"blurred and darkened, because {g('reason') or 'the cut-out failed its checks'}"),
    "rim_toned": lambda g: ("a light rim the old background put on the outline was toned down to the skin and "
                            "hair beside it"),
    "small_face": _small_face,
    "body_faded": lambda g: ("the body fades softly into the backdrop where the photo ends (at the "
                             f"{' and '.join(g('sides', ())) or 'edge'}) instead of a straight cut"),
    # (since mirror_canvas the canvas holds the photo mirrored across its edge, not its last pixels repeated)
    "body_continued": lambda g: ("the photo ends beside the shoulders, so the body is continued past its edge (at "
                                 f"the {' and '.join(g('sides', ())) or 'edge'}), mirrored from the photo beside it"
                                 + (f"; elsewhere it fades softly into the backdrop (at the {' and '.join(g('faded'))})"
                                    if g("faded") else "")),
    "enlarged": lambda g: _enlarged(g),
    "key_on_photo_light": lambda g: f"key light put on the image {g('side', 'side')}, the side the photo is lit from",
    "neighbour_removed": lambda g: (f"another person beside the face at the {g('side', 'photo')} edge of the photo "
                                    "(out of focus, cut by the border) was taken out of the cut-out"),
}

def describe(change: dict[str, Any]) -> str:
    """One plain sentence for one change record.

    Examples
    --------
    >>> describe({"change": "straightened", "degrees": 6.04})
    'head straightened 6 degrees'
    >>> describe({"change": "closer", "factor": 1.5})
    'framed 1.5x closer than the style asks (the photo is too tight)'
    >>> describe({"change": "enlarged", "target": "4k", "factor": 2.31, "from_px": 940})
    '4k: enlarged 2.3x from a 940 px crop'
    >>> describe({"change": "small_face", "iod_px": 31, "needed_px": 64, "factor": 9.2})
    'the face is 31 px between the eyes (a sharp headshot needs 64); the headshot is enlarged 9x and will be soft'
    """
    sentence = SENTENCES.get(change.get("change"))
    return sentence(change.get) if sentence else str(change.get("change"))


def describe_changes(changes: Iterable[dict[str, Any]]) -> list[str]:
    """Sentences for one step's change records, each read with the others beside it.

    A canvas extended where the body was carried on past the photo's edge
    (a ``body_continued`` record) does not also say the body ends there.

    Examples
    --------
    >>> describe_changes([{"change": "canvas_extended", "sides": ["left"], "fraction": 0.2, "edge_cut": True},
    ...                   {"change": "body_continued", "sides": ["left"]}])[0]
    'canvas extended at the left with backdrop (20% of the frame is beyond the photo)'
    """
    changes = list(changes)
    continued = [s for c in changes if c.get("change") == "body_continued" for s in c.get("sides", ())]
    return [describe({**c, "continued": continued} if c.get("change") == "canvas_extended" and continued else c)
            for c in changes]


def enlargement(log: Iterable[Any]) -> dict[str, Any] | None:
    """The upscale a ``finish`` step made after ``engine.studio`` (None when it did not enlarge).

    Examples
    --------
    >>> from candid.portrait import Operation
    >>> log = [Operation("engine.studio", params={"size": [940, 940]}),
    ...        Operation("finish", params={"size": "4k", "from_px": [940, 940], "to_px": [2160, 2160]})]
    >>> enlargement(log)
    {'change': 'enlarged', 'target': '4k', 'factor': 2.3, 'from_px': 940}
    >>> log[1] = Operation("finish", params={"size": "4k", "from_px": [341, 512], "to_px": [2160, 3240],
    ...                    "noise_level": 3, "jpeg_rule": "measured", "jpeg_damage": 0.061, "jpeg_grid": "photo"})
    >>> describe(enlargement(log))
    "4k: enlarged 6.3x from a 512 px crop; heavy JPEG damage measured on the photo's block grid (block-grid excess 0.061), so waifu2x's strongest JPEG-artefact model smoothed its blocks; fine texture is softer"
    """
    studio_seen = False
    for op in log:
        if op.stage == "engine.studio" and op.params.get("size"):
            studio_seen = True
        if op.stage == "finish" and studio_seen and op.params.get("from_px") and op.params.get("to_px"):
            (w0, h0), (w1, h1) = op.params["from_px"], op.params["to_px"]
            f = max(w1 / max(w0, 1), h1 / max(h0, 1))
            if f > 1.05:
                jpeg = {k: op.params[k] for k in JPEG_KEYS if k in op.params}  # the learned passes' JPEG model
                return {"change": "enlarged", "target": str(op.params.get("size", "")), "factor": round(f, 2),
                        "from_px": int(max(w0, h0)), **jpeg}
    return None


def change_report(log: Iterable[Any]) -> list[str]:
    """Sentences for every change the studio made on its own, in order, from a portrait's log.

    Examples
    --------
    >>> from candid.portrait import Operation
    >>> change_report([Operation("engine.studio", params={"changes": [{"change": "straightened", "degrees": 3}]})])
    ['head straightened 3 degrees']
    >>> log = [Operation("engine.studio", params={"size": [240, 300], "changes": [
    ...     {"change": "small_face", "iod_px": 31, "needed_px": 64}]}),
    ...     Operation("finish", params={"size": "4k", "from_px": [240, 300], "to_px": [1728, 2160]})]
    >>> change_report(log)[0]
    'the face is 31 px between the eyes (a sharp headshot needs 64); the headshot is enlarged 7x and will be soft'
    >>> change_report([Operation("engine.studio", params={"changes": [   # the body carried on: it does not end there
    ...     {"change": "canvas_extended", "sides": ["left", "right"], "fraction": 0.14, "edge_cut": True},
    ...     {"change": "body_continued", "sides": ["left"]}]})])[0]
    "canvas extended at the left and right with backdrop (14% of the frame is beyond the photo); the photo is too narrow for this frame, so the body ends at the photo's edge (at the right)"
    >>> change_report(log[:1])[0]   # no finish step: the headshot is small, not an enlargement
    'the face is 31 px between the eyes (a sharp headshot needs 64); the headshot is only 300 px across, and will be soft if enlarged'
    """
    log = list(log)
    big = enlargement(log)
    lines = []
    for op in log:
        if op.stage != "engine.studio":
            continue
        records = []
        for c in op.params.get("changes", []):
            if c.get("change") == "small_face" and big:
                c = {**c, "factor": big["factor"]}
            elif c.get("change") == "small_face" and op.params.get("size"):
                c = {**c, "size_px": int(max(op.params["size"]))}
            records.append(c)
        lines += describe_changes(records)
    if big:
        lines.append(describe(big))
    return lines


__all__ = ["JPEG_KEYS", "SENTENCES", "change_report", "colour_cast", "describe", "describe_changes", "enlargement"]
