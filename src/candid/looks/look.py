"""The whole analog look in one memory-bounded pass: :func:`apply_look`."""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from candid.looks._util import bands, check_image, check_seed, film_format_mm, linear_to_srgb, px_per_mm, srgb_to_linear
from candid.looks.film import develop, get_stock, make_grain_field
from candid.looks.grainfield import GrainField, clump_size_um, rms_granularity_for_iso
from candid.looks.optics import (
    add_dust_inplace,
    add_glow_inplace,
    add_light_leak_inplace,
    chromatic_aberration as _ca,
    gate_weave as _weave,
    softness as _soft,
    vignette_gain,
)


def apply_look(
    img: np.ndarray,
    stock: str | None = "portra-400",
    *,
    exposure: float = 0.0,
    grain: bool = True,
    grain_strength: float = 1.0,
    iso: float | None = None,
    film_format: str = "35mm",
    halation: float | None = None,
    bloom: float = 0.0,
    vignette: float = 0.0,
    chromatic_aberration: float = 0.0,
    softness: float | None = None,
    gate_weave: float = 0.0,
    light_leak: float = 0.0,
    burn: bool = False,
    dust: float = 0.0,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> np.ndarray:
    """Shoot ``img`` on film: optics, exposure effects, the stock and its grain, dust.

    Runs band by band on one linear working copy, so peak memory at 8K is about
    the input plus one output image plus a few hundred MB of bands (see
    ``docs/BENCHMARKS.md``).

    Parameters
    ----------
    img : ndarray
        ``(H, W, 3)`` sRGB float in [0, 1]. Not modified.
    stock : str or None
        Film stock (:func:`list_stocks`); None skips the film curve (effects only).
    exposure : float
        Stops of over (+) or under (-) exposure.
    grain, grain_strength : bool, float
        The stock's grain and a multiplier on it.
    iso : float, optional
        Overrides the stock's speed for grain size and granularity (push/pull).
    film_format : str
        ``"35mm"``, ``"120"`` (6x7), ``"645"``, ... sets grain and halation size in pixels.
    halation : float, optional
        Halation strength; default is the stock's own (CineStill high, others low).
    bloom : float
        Neutral highlight glow strength.
    vignette : float
        Corner light loss in stops.
    chromatic_aberration : float
        Lateral CA as relative magnification difference (~0.0005-0.002).
    softness : float, optional
        MTF50 of lens + scan in lp/mm on the film (e.g. 40); None keeps the image sharp.
    gate_weave : float
        Frame shift as a fraction of the width.
    light_leak : float
        Light-leak strength (0 = none); ``burn=True`` for an end-of-roll burn.
    dust : float
        Amount of dust, hairs and scratches.
    seed : int
    progress : callable, optional
        Called with the fraction done (0..1) as bands finish.

    Returns
    -------
    ndarray
        ``(H, W, 3)`` float32 sRGB.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.random.default_rng(0).random((48, 64, 3)).astype(np.float32)
    >>> out = apply_look(img, "tri-x-400", vignette=0.5, dust=1.0, seed=3)
    >>> out.shape, out.dtype, bool(np.allclose(out[..., 0], out[..., 1], atol=0.02))
    ((48, 64, 3), dtype('float32'), True)
    """
    img = check_image(img)
    seed = check_seed(seed)
    film_format_mm(film_format)
    st = get_stock(stock) if stock is not None else None
    h, w = img.shape[:2]
    src = img
    if chromatic_aberration:
        src = _ca(src, amount=chromatic_aberration)
    if softness is not None:
        src = _soft(src, mtf50_lp_mm=softness, film_format=film_format)
    if gate_weave:
        src = _weave(src, amount=gate_weave, seed=seed)

    lin = np.empty(img.shape, np.float32)
    for r0, r1 in bands(h):
        lin[r0:r1] = srgb_to_linear(src[r0:r1])
        if vignette:
            lin[r0:r1] *= vignette_gain(img.shape, vignette, r0=r0, r1=r1)[..., None]
    del src
    if progress:
        progress(0.1)
    ppm = px_per_mm(img.shape, film_format)
    hal = halation if halation is not None else (st.halation if st is not None else 0.0)
    if hal:
        radius = (st.halation_radius_mm if st is not None else 0.15) * ppm
        add_glow_inplace(lin, radius_px=radius, strength=hal, tint=(1.0, 0.32, 0.06), threshold=0.45, channel=0,
                         halo_only=True)
    if bloom:
        add_glow_inplace(lin, radius_px=0.01 * math.hypot(h, w), strength=bloom, tint=(1, 1, 1), threshold=0.5,
                         channel=None)
    if light_leak:
        add_light_leak_inplace(lin, strength=light_leak, burn=burn, seed=seed)
    if progress:
        progress(0.25)

    field = None
    if st is not None and grain:
        if iso is None:
            field = make_grain_field(st, img.shape, film_format=film_format, strength=grain_strength, seed=seed)
        else:
            color = st.kind != "bw"
            s48 = rms_granularity_for_iso(iso) / 1000.0 * grain_strength
            clump = clump_size_um(iso, color=color)
            lg = st.layer_grain if color else (1.0,)
            field = GrainField(img.shape, ppm, [clump * (0.9 + 0.1 * k) for k in lg], [s48 * k for k in lg], seed,
                               3 if color else 1)
    nb = max(1, math.ceil(h / 256))
    for i, (r0, r1) in enumerate(bands(h)):
        band = lin[r0:r1]
        if st is not None:
            develop(band, st, exposure=exposure, grain_field=field, rows=(r0, r1))
        elif exposure:
            band *= np.float32(2.0**exposure)
        lin[r0:r1] = linear_to_srgb(band)
        if progress and i % 8 == 7:
            progress(0.25 + 0.7 * (i + 1) / nb)
    if dust:
        add_dust_inplace(lin, amount=dust, negative=(st is None or st.kind != "reversal"), film_format=film_format,
                         seed=seed)
    if progress:
        progress(1.0)
    return lin
