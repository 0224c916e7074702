"""Recipe stages for looks: ``looks.film`` and ``looks.glitch``."""

from __future__ import annotations

from typing import Any

import numpy as np

from candid.colour import linear_to_srgb
from candid.looks.film import get_stock
from candid.looks.glitch import glitch
from candid.looks.instant import double_exposure, get_frame, instant_frame
from candid.looks.look import apply_look
from candid.looks.options import GlitchOptions, LookOptions
from candid.portrait import Operation, Portrait


def _srgb(portrait: Portrait) -> np.ndarray:
    return portrait.pixels if portrait.color == "srgb" else linear_to_srgb(portrait.pixels, exact=True)


def look_stage(
    portrait: Portrait,
    *,
    stock: str | None = "portra-400",
    frame: str | None = None,
    caption: str | None = None,
    double: Portrait | np.ndarray | None = None,
    double_balance: float = 0.5,
    options: LookOptions | None = None,
    **settings: Any,
) -> Portrait:
    """Stage ``looks.film``: a film stock look, optionally printed as instant film.

    ``options`` / ``**settings`` are the look's settings
    (:class:`candid.looks.options.LookOptions`, checked before anything runs).
    Returns a new Portrait in sRGB; the face analysis is kept unless the
    geometry changed (instant frame, gate weave, double exposure).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.portrait import Portrait
    >>> p = look_stage(Portrait(np.full((32, 32, 3), 0.5, np.float32)), stock="hp5-plus", seed=1)
    >>> p.log[-1].stage
    'looks.film'
    """
    o = LookOptions.parse(options, **settings)
    params = _film_params(stock, o, frame=frame, caption=caption,
                          double_balance=double_balance if double is not None else None)
    notes = []
    px = _srgb(portrait)
    if double is not None:
        other = _srgb(double) if isinstance(double, Portrait) else double
        px = double_exposure(px, other, balance=double_balance)
        notes.append("double exposure of two images (exposures added in linear light)")
    if frame is not None:
        fmt = get_frame(frame)
        # the print's own effects only: no stock, grain or halation (the instant film has its own tone)
        effects = LookOptions(grain=False, halation=0.0, bloom=o.bloom, vignette=o.vignette,
                              chromatic_aberration=o.chromatic_aberration, light_leak=o.light_leak, burn=o.burn,
                              dust=o.dust, seed=o.seed)
        px = apply_look(px, None, options=effects)
        px = instant_frame(px, frame, caption=caption, seed=o.seed)
        notes.append(f"printed as {fmt.name} instant film (frame {fmt.card_w} x {fmt.card_h} mm); film stock not used")
    else:
        px = apply_look(px, stock, options=o)
        notes += _stock_notes(stock, o)
    keep = frame is None and double is None and not o.gate_weave
    return portrait.evolve(px, Operation("looks.film", params=params, notes=tuple(notes)), keep_face=keep, color="srgb")


look_stage.options_model = LookOptions  # type: ignore[attr-defined]  (candid.recipes checks settings with it)


def _film_params(stock: str | None, o: LookOptions, *, frame: str | None = None, caption: str | None = None,
                 double_balance: float | None = None) -> dict[str, Any]:
    return {"stock": stock, **o.settings(), "frame": frame, "caption": caption, "double_balance": double_balance}


def _stock_notes(stock: str | None, o: LookOptions) -> list[str]:
    if stock is None:
        return []
    return [f"simulated {get_stock(stock).name} ({o.film_format}); grain {'on' if o.grain else 'off'}; "
            "film curves are approximations of datasheet values"]


def film_operation(*, stock: str | None = "portra-400", options: LookOptions | None = None,
                   **settings: Any) -> Operation:
    """The ``looks.film`` log entry :func:`look_stage` writes for a film look without frame or double exposure.

    Used by the streamed CLI path (:func:`candid.looks.stream.render_look`) so
    both paths log the same settings.

    Examples
    --------
    >>> film_operation(stock="tri-x-400").params["stock"]
    'tri-x-400'
    """
    o = LookOptions.parse(options, **settings)
    return Operation("looks.film", params=_film_params(stock, o), notes=tuple(_stock_notes(stock, o)))


def glitch_stage(portrait: Portrait, *, options: GlitchOptions | None = None, **settings: Any) -> Portrait:
    """Stage ``looks.glitch``: a deliberate glitch (see :func:`candid.looks.glitch`).

    ``options`` / ``**settings`` are the glitch's settings
    (:class:`candid.looks.options.GlitchOptions`, checked before anything runs).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.portrait import Portrait
    >>> glitch_stage(Portrait(np.full((32, 32, 3), 0.5, np.float32)), sort=0.5).log[-1].params["sort"]
    0.5
    """
    o = GlitchOptions.parse(options, **settings)
    return portrait.evolve(glitch(_srgb(portrait), options=o), glitch_operation(options=o), keep_face=False,
                           color="srgb")


glitch_stage.options_model = GlitchOptions  # type: ignore[attr-defined]  (candid.recipes checks settings with it)


def glitch_operation(*, options: GlitchOptions | None = None, **settings: Any) -> Operation:
    """The ``looks.glitch`` log entry (shared by :func:`glitch_stage` and the streamed CLI path).

    Examples
    --------
    >>> glitch_operation(sort=0.1, shift=0.0, blocks=0.0, lines=0.0, seed=0).params
    {'sort': 0.1, 'shift': 0.0, 'blocks': 0.0, 'lines': 0.0, 'seed': 0}
    """
    o = GlitchOptions.parse(options, **settings)
    return Operation("looks.glitch", params=o.settings(), notes=("deliberate glitch effect",))
