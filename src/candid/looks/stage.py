"""Recipe stages for looks: ``looks.film`` and ``looks.glitch``."""

from __future__ import annotations

from typing import Any

import numpy as np

from candid.looks._util import linear_to_srgb
from candid.looks.film import get_stock
from candid.looks.glitch import glitch
from candid.looks.instant import double_exposure, get_frame, instant_frame
from candid.looks.look import apply_look
from candid.portrait import Operation, Portrait


def _srgb(portrait: Portrait) -> np.ndarray:
    return portrait.pixels if portrait.color == "srgb" else linear_to_srgb(portrait.pixels)


def look_stage(
    portrait: Portrait,
    *,
    stock: str | None = "portra-400",
    grain: bool = True,
    grain_strength: float = 1.0,
    iso: float | None = None,
    film_format: str = "35mm",
    exposure: float = 0.0,
    halation: float | None = None,
    bloom: float = 0.0,
    vignette: float = 0.0,
    chromatic_aberration: float = 0.0,
    softness: float | None = None,
    gate_weave: float = 0.0,
    light_leak: float = 0.0,
    burn: bool = False,
    dust: float = 0.0,
    frame: str | None = None,
    caption: str | None = None,
    double: Portrait | np.ndarray | None = None,
    double_balance: float = 0.5,
    seed: int = 0,
) -> Portrait:
    """Stage ``looks.film``: a film stock look, optionally printed as instant film.

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
    params: dict[str, Any] = dict(
        stock=stock, grain=grain, grain_strength=grain_strength, iso=iso, film_format=film_format,
        exposure=exposure, halation=halation, bloom=bloom, vignette=vignette,
        chromatic_aberration=chromatic_aberration, softness=softness, gate_weave=gate_weave,
        light_leak=light_leak, burn=burn, dust=dust, frame=frame, caption=caption,
        double_balance=double_balance if double is not None else None, seed=seed,
    )
    notes = []
    px = _srgb(portrait)
    if double is not None:
        other = _srgb(double) if isinstance(double, Portrait) else double
        px = double_exposure(px, other, balance=double_balance)
        notes.append("double exposure of two images (exposures added in linear light)")
    if frame is not None:
        fmt = get_frame(frame)
        px = apply_look(px, None, grain=False, halation=0.0, bloom=bloom, vignette=vignette,
                        chromatic_aberration=chromatic_aberration, light_leak=light_leak, burn=burn, dust=dust,
                        seed=seed)
        px = instant_frame(px, frame, caption=caption, seed=seed)
        notes.append(f"printed as {fmt.name} instant film (frame {fmt.card_w} x {fmt.card_h} mm); film stock not used")
    else:
        px = apply_look(px, stock, exposure=exposure, grain=grain, grain_strength=grain_strength, iso=iso,
                        film_format=film_format, halation=halation, bloom=bloom, vignette=vignette,
                        chromatic_aberration=chromatic_aberration, softness=softness, gate_weave=gate_weave,
                        light_leak=light_leak, burn=burn, dust=dust, seed=seed)
        if stock is not None:
            st = get_stock(stock)
            notes.append(f"simulated {st.name} ({film_format}); grain {'on' if grain else 'off'}; "
                         "film curves are approximations of datasheet values")
    keep = frame is None and double is None and not gate_weave
    return portrait.evolve(px, Operation("looks.film", params=params, notes=tuple(notes)), keep_face=keep, color="srgb")


def film_operation(*, stock: str | None = "portra-400", grain: bool = True, grain_strength: float = 1.0,
                   iso: float | None = None, film_format: str = "35mm", exposure: float = 0.0,
                   halation: float | None = None, bloom: float = 0.0, vignette: float = 0.0,
                   light_leak: float = 0.0, burn: bool = False, dust: float = 0.0, seed: int = 0) -> Operation:
    """The ``looks.film`` log entry :func:`look_stage` writes for a film look without frame or double exposure.

    Used by the streamed CLI path (:func:`candid.looks.stream.render_look`) so
    both paths log the same settings.

    Examples
    --------
    >>> film_operation(stock="tri-x-400").params["stock"]
    'tri-x-400'
    """
    params: dict[str, Any] = dict(
        stock=stock, grain=grain, grain_strength=grain_strength, iso=iso, film_format=film_format,
        exposure=exposure, halation=halation, bloom=bloom, vignette=vignette,
        chromatic_aberration=0.0, softness=None, gate_weave=0.0,
        light_leak=light_leak, burn=burn, dust=dust, frame=None, caption=None,
        double_balance=None, seed=seed,
    )
    notes = []
    if stock is not None:
        st = get_stock(stock)
        notes.append(f"simulated {st.name} ({film_format}); grain {'on' if grain else 'off'}; "
                     "film curves are approximations of datasheet values")
    return Operation("looks.film", params=params, notes=tuple(notes))


def glitch_stage(
    portrait: Portrait,
    *,
    sort: float = 0.3,
    shift: float = 0.006,
    blocks: float = 0.03,
    lines: float = 0.15,
    seed: int = 0,
) -> Portrait:
    """Stage ``looks.glitch``: a deliberate glitch (see :func:`candid.looks.glitch`).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.portrait import Portrait
    >>> glitch_stage(Portrait(np.full((32, 32, 3), 0.5, np.float32))).log[-1].stage
    'looks.glitch'
    """
    px = glitch(_srgb(portrait), sort=sort, shift=shift, blocks=blocks, lines=lines, seed=seed)
    return portrait.evolve(px, glitch_operation(sort=sort, shift=shift, blocks=blocks, lines=lines, seed=seed),
                           keep_face=False, color="srgb")


def glitch_operation(*, sort: float, shift: float, blocks: float, lines: float, seed: int) -> Operation:
    """The ``looks.glitch`` log entry (shared by :func:`glitch_stage` and the streamed CLI path).

    Examples
    --------
    >>> glitch_operation(sort=0.1, shift=0.0, blocks=0.0, lines=0.0, seed=0).stage
    'looks.glitch'
    """
    params = dict(sort=sort, shift=shift, blocks=blocks, lines=lines, seed=seed)
    return Operation("looks.glitch", params=params, notes=("deliberate glitch effect",))
