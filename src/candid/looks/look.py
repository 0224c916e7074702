"""The whole analog look in one memory-bounded pass: :func:`apply_look`."""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from candid.colour import linear_to_srgb, srgb_to_linear
from candid.looks.bands import bands
from candid.looks.checks import check_image, check_seed
from candid.looks.film_formats import film_format_mm, px_per_mm
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
from candid.looks.options import LookOptions


def apply_look(
    img: np.ndarray,
    stock: str | None = "portra-400",
    *,
    options: LookOptions | None = None,
    progress: Callable[[float], None] | None = None,
    **settings: Any,
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
    options : LookOptions, optional
        The look's settings (exposure, grain, iso, film format, halation,
        bloom, vignette, chromatic aberration, softness, gate weave, light
        leak, burn, dust, seed); see :class:`candid.looks.options.LookOptions`.
    **settings
        Fields of :class:`~candid.looks.options.LookOptions` instead of (or over) ``options``.
    progress : callable, optional
        Called with the fraction done (0..1) as bands finish.

    Returns
    -------
    ndarray
        ``(H, W, 3)`` float32 sRGB: a new image, the size of ``img``.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.random.default_rng(0).random((48, 64, 3)).astype(np.float32)
    >>> out = apply_look(img, "tri-x-400", vignette=0.5, dust=1.0, seed=3)
    >>> out.shape, out.dtype, bool(np.allclose(out[..., 0], out[..., 1], atol=0.02))
    ((48, 64, 3), dtype('float32'), True)
    """
    img = check_image(img)
    o = LookOptions.parse(options, **settings)
    check_seed(o.seed)
    film_format_mm(o.film_format)
    st = get_stock(stock) if stock is not None else None
    h, w = img.shape[:2]
    src = img
    if o.chromatic_aberration:
        src = _ca(src, amount=o.chromatic_aberration)
    if o.softness is not None:
        src = _soft(src, mtf50_lp_mm=o.softness, film_format=o.film_format)
    if o.gate_weave:
        src = _weave(src, amount=o.gate_weave, seed=o.seed)

    lin = np.empty(img.shape, np.float32)
    for r0, r1 in bands(h):
        lin[r0:r1] = srgb_to_linear(src[r0:r1], exact=True)
        if o.vignette:
            lin[r0:r1] *= vignette_gain(img.shape, o.vignette, r0=r0, r1=r1)[..., None]
    del src
    if progress:
        progress(0.1)
    ppm = px_per_mm(img.shape, o.film_format)
    hal = o.halation if o.halation is not None else (st.halation if st is not None else 0.0)
    if hal:
        radius = (st.halation_radius_mm if st is not None else 0.15) * ppm
        add_glow_inplace(lin, radius_px=radius, strength=hal, tint=(1.0, 0.32, 0.06), threshold=0.45, channel=0,
                         halo_only=True)
    if o.bloom:
        add_glow_inplace(lin, radius_px=0.01 * math.hypot(h, w), strength=o.bloom, tint=(1, 1, 1), threshold=0.5,
                         channel=None)
    if o.light_leak:
        add_light_leak_inplace(lin, strength=o.light_leak, burn=o.burn, seed=o.seed)
    if progress:
        progress(0.25)

    field = None
    if st is not None and o.grain:
        if o.iso is None:
            field = make_grain_field(st, img.shape, film_format=o.film_format, strength=o.grain_strength, seed=o.seed)
        else:
            color = st.kind != "bw"
            s48 = rms_granularity_for_iso(o.iso) / 1000.0 * o.grain_strength
            clump = clump_size_um(o.iso, color=color)
            lg = st.layer_grain if color else (1.0,)
            field = GrainField(img.shape, ppm, [clump * (0.9 + 0.1 * k) for k in lg], [s48 * k for k in lg], o.seed,
                               3 if color else 1)
    nb = max(1, math.ceil(h / 256))
    for i, (r0, r1) in enumerate(bands(h)):
        band = lin[r0:r1]
        if st is not None:
            develop(band, st, exposure=o.exposure, grain_field=field, rows=(r0, r1))
        elif o.exposure:
            band *= np.float32(2.0**o.exposure)
        lin[r0:r1] = linear_to_srgb(band, exact=True)
        if progress and i % 8 == 7:
            progress(0.25 + 0.7 * (i + 1) / nb)
    if o.dust:
        add_dust_inplace(lin, amount=o.dust, negative=(st is None or st.kind != "reversal"), film_format=o.film_format,
                         seed=o.seed)
    if progress:
        progress(1.0)
    return lin
