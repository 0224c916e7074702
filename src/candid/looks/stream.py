"""Film looks on big images in bounded memory, on every core: :func:`render_look`.

The whole-image path (:func:`candid.looks.apply_look`) keeps one float32
linear copy of the image (400 MB at 8K) plus the input and output. This path
works on the decoded 8- or 16-bit image and writes 8- or 16-bit output, band
by band on a thread pool (numpy, OpenCV and numpy's generators release the
GIL):

* the sRGB decode is a table (one entry per code value);
* the film's curves are lookup tables (:class:`CurveTable`, 8192 entries on a
  log-exposure or density axis, evaluated with ``cv2.remap``): characteristic
  curve and Nutting factor on the exposure axis, print curve, flare, paper
  tone and sRGB encoding folded into one table on the density axis;
* grain comes from the same seeded :class:`GrainField` as the whole-image path,
  generated per band from global row numbers, so bands agree and the result
  does not depend on the band size or the number of threads;
* halation and bloom maps are built in a first pass at low resolution.

Memory is the input and output arrays (1 byte per sample each at 8 bit) plus
a few float32 bands per thread.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import cv2
import numpy as np

from candid.colour import linear_to_srgb, srgb_to_linear
from candid.errors import CandidError
from candid.looks.bands import resize_rows
from candid.looks.checks import check_seed
from candid.looks.film_formats import film_format_mm, px_per_mm
from candid.looks.film import (
    LOG2,
    LOG_GREY,
    Stock,
    _neg_params,
    _print_curve,
    _rev_params,
    characteristic_curve,
    get_stock,
    make_grain_field,
)
from candid.looks.grainfield import GrainField, clear_noise_cache, clump_size_um, nutting_factor, rms_granularity_for_iso
from candid.looks.options import WHOLE_IMAGE, LookOptions
from candid.looks.optics import _glow_map, _highlight_energy, light_leak_map, vignette_gain
from candid.machine import usable_cpus

#: Rows per band of :func:`render_look` (bounds the float temporaries per thread).
STREAM_BAND_ROWS = 128
#: Entries of a :class:`CurveTable` by default.
TABLE_SIZE = 8192
#: Entries of the film's tables (fine enough to read the nearest entry for 8-bit output).
FILM_TABLE_SIZE = 65536


class CurveTable:
    """A 1-D function tabulated on ``[lo, hi]``, read by linear interpolation or nearest entry.

    Values outside the range take the end values. Reading is two ``np.take``
    calls on a table that fits in the CPU cache (``cv2.remap``, used before,
    was ~10x slower for a 1-D table).

    Examples
    --------
    >>> import numpy as np
    >>> t = CurveTable(np.sqrt, 0.0, 4.0)
    >>> round(float(t(np.float32([[2.25]]))[0, 0]), 4)
    1.5
    >>> round(float(CurveTable(np.sqrt, 0.0, 4.0, n=65536).nearest(np.float32([2.25]))[0]), 3)
    1.5
    """

    def __init__(self, fn, lo: float, hi: float, n: int = TABLE_SIZE):
        if not 2 <= n <= 65536:
            raise ValueError(f"n must be in 2..65536, got {n}")
        self.lo, self.hi, self.n = float(lo), float(hi), int(n)
        xs = np.linspace(lo, hi, n, dtype=np.float64)
        vals = np.asarray(fn(xs.astype(np.float32)), np.float32)
        # (n,) or (n, k): k functions of the same argument, read with one index
        self.table = np.ascontiguousarray(vals.reshape((n,) + vals.shape[1:]))
        self._scale = np.float32((n - 1) / (hi - lo))
        self._offset = np.float32(-self.lo * (n - 1) / (hi - lo))

    @property
    def table(self) -> np.ndarray:
        return self._table

    @table.setter
    def table(self, values: np.ndarray) -> None:
        self._table = np.ascontiguousarray(values)
        step = np.zeros_like(self._table, dtype=np.float32)
        step[:-1] = np.diff(self._table.astype(np.float32), axis=0)
        self._step = step

    def _position(self, x: np.ndarray) -> np.ndarray:
        m = np.multiply(np.asarray(x, np.float32), self._scale)
        m += self._offset
        np.clip(m, 0, self.n - 1, out=m)
        return m

    def index(self, x: np.ndarray) -> np.ndarray:
        """Nearest table index of each ``x`` (uint16), for :meth:`take`."""
        m = self._position(x)
        m += np.float32(0.5)
        return m.astype(np.uint16)

    def take(self, index: np.ndarray, table: np.ndarray | None = None) -> np.ndarray:
        """``table`` (default: this one) at ``index`` from :meth:`index`."""
        return np.take(self._table if table is None else table, index, axis=0)

    def nearest(self, x: np.ndarray) -> np.ndarray:
        """The nearest entry (no interpolation: for tables fine enough that it does not show)."""
        return self.take(self.index(x))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        m = self._position(x)
        i = m.astype(np.int32)
        m -= i
        if self._table.ndim == 2:
            m = m[..., None]
        out = np.take(self._step, i, axis=0)
        out *= m
        out += np.take(self._table, i, axis=0)
        return out


class FilmTables:
    """The curve tables of one stock (see the module docstring).

    ``dens[c]`` maps log10 exposure to density (and, with grain, to the grain
    multiplier ``nutting * sigma_px`` as a second channel), ``out[c]`` maps
    density (after grain) to sRGB code values ``0..peak`` plus 0.5 (so a
    truncating cast rounds).
    """

    def __init__(self, stock: Stock, field: GrainField | None, exposure: float = 0.0, peak: float = 255.0):
        self.stock = stock
        self.bw = stock.kind == "bw"
        lo, hi = -7.0, 4.0 + max(0.0, exposure) * LOG2
        self.dens, self.out = [], []
        flare = np.float32(stock.flare)
        layers = 1 if self.bw else 3
        for c in range(layers):
            if self.bw:
                p = _neg_params(stock, 0)
                dmin = p["dmin"]
                dens = lambda x, p=p: characteristic_curve(x, **p)  # noqa: E731
            elif stock.kind == "reversal":
                p = _rev_params(stock, c)
                dmin = stock.dmin[c]
                dens = lambda x, p=p: np.float32(p["dmin"] + p["dmax"]) - characteristic_curve(x, **p)  # noqa: E731
            else:
                p = _neg_params(stock, c)
                dmin = stock.dmin[c]
                dens = lambda x, p=p: characteristic_curve(x, **p)  # noqa: E731
            if field is not None:
                s = np.float32(field.sigma_px[c])
                self.dens.append(CurveTable(
                    lambda x, d=dens, m=dmin, s=s: np.stack([d(x), nutting_factor(d(x) - np.float32(m)) * s], -1),
                    lo, hi, FILM_TABLE_SIZE))
            else:
                self.dens.append(CurveTable(dens, lo, hi, FILM_TABLE_SIZE))
            dvals = self.dens[c].table if field is None else self.dens[c].table[..., 0]
            d_lo = min(float(np.min(dvals)), 0.0) - 1.0
            d_hi = float(np.max(dvals)) + 1.5
            if self.bw:
                d_grey = float(characteristic_curve(np.float32(LOG_GREY), **p))

                def base(d, d_grey=d_grey):
                    dp = _print_curve(-(d - np.float32(d_grey)) + np.float32(stock.print_balance[1]), stock)
                    return (np.power(np.float32(10), -dp) + flare) / np.float32(1 + stock.flare)

                for k in range(3):
                    self.out.append(CurveTable(
                        lambda d, k=k, base=base: linear_to_srgb(base(d) ** np.float32(stock.paper_tone[k]), exact=True),
                        d_lo, d_hi, FILM_TABLE_SIZE))
            elif stock.kind == "reversal":
                self.out.append(CurveTable(
                    lambda d, c=c: linear_to_srgb((np.power(np.float32(10), -(d - np.float32(stock.dmin[c])
                                                  + np.float32(stock.print_balance[c]))) + flare)
                                                  / np.float32(1 + stock.flare), exact=True), d_lo, d_hi, FILM_TABLE_SIZE))
            else:
                d_grey = float(characteristic_curve(np.float32(LOG_GREY), **p))
                self.out.append(CurveTable(
                    lambda d, c=c, d_grey=d_grey: linear_to_srgb(
                        (np.power(np.float32(10), -_print_curve(-(d - np.float32(d_grey))
                                                                + np.float32(stock.print_balance[c]), stock))
                         + flare) / np.float32(1 + stock.flare), exact=True), d_lo, d_hi, FILM_TABLE_SIZE))

        for t in self.out:
            t.table = np.clip(t.table * np.float32(peak) + np.float32(0.5), 0, np.float32(peak + 0.499))
        # 8-bit output: nearest entries of 65536-entry tables (errors ~0.05 code value), read as uint8 codes;
        # 16-bit output interpolates (nearest would leave steps of a few code values)
        self.nearest = peak <= 255.0
        self._codes = [t.table.astype(np.uint8) for t in self.out] if self.nearest else None
        self._split = [(np.ascontiguousarray(t.table[:, 0]), np.ascontiguousarray(t.table[:, 1]))
                       if t.table.ndim == 2 else (t.table, None) for t in self.dens]

    def develop_codes(self, lin: np.ndarray | None, exposure: float, field: GrainField | None,
                      rows: tuple[int, int], out: np.ndarray, *, log_exposure: np.ndarray | None = None) -> None:
        """Write the sRGB code values of a band of linear light into ``out`` (uint8/uint16, same shape).

        What ``linear_to_srgb(develop(lin))`` quantised gives, to within a code value.
        ``log_exposure`` (colour stocks): ``log10(max(lin, 1e-5))`` already
        computed (e.g. by one table read of 8-bit codes); ``lin`` is then unused.
        """
        st = self.stock
        shift = np.float32(exposure * LOG2)
        if self.bw:
            w = np.asarray(st.spectral, np.float32)
            lum = lin @ (w / w.sum())
            x = cv2.log(np.maximum(lum, np.float32(1e-5)))
            x *= np.float32(1 / math.log(10))
            x += shift
            d = self._density(0, x, field, rows)
            if self.nearest:  # the three paper-tone tables share one density axis
                idx = self.out[0].index(d)
                for k in range(3):
                    out[..., k] = np.take(self._codes[k], idx)
                return
            for k in range(3):
                np.copyto(out[..., k], self.out[k](d), casting="unsafe")
            return
        if log_exposure is not None:
            x = log_exposure
        else:
            x = cv2.log(np.maximum(lin, np.float32(1e-5)).reshape(lin.shape[0], -1)).reshape(lin.shape)
            x *= np.float32(1 / math.log(10))
        if exposure:
            x += shift
        # crosstalk (3x3 on the channels) and the split into planes, by OpenCV (numpy's matmul with an
        # inner size of 3 is ~5x slower)
        planes = cv2.split(cv2.transform(x, np.asarray(st.crosstalk, np.float32)))
        for c in range(3):
            d = self._density(c, planes[c], field, rows)
            if self.nearest:
                out[..., c] = np.take(self._codes[c], self.out[c].index(d))
            else:
                np.copyto(out[..., c], self.out[c](d), casting="unsafe")

    def _density(self, c: int, x: np.ndarray, field: GrainField | None, rows: tuple[int, int]) -> np.ndarray:
        if self.nearest:
            idx = self.dens[c].index(x)
            dtab, stab = self._split[c]
            d = np.take(dtab, idx)
            if field is not None:
                g = field.rows(c, *rows)
                g *= np.take(stab, idx)
                d += g
            return d
        if field is None:
            return self.dens[c](x)
        dn = self.dens[c](x)
        d = dn[..., 0] + dn[..., 1] * field.rows(c, *rows)
        return d


def _decode_table(dtype) -> np.ndarray:
    n = 65536 if dtype == np.uint16 else 256
    return srgb_to_linear(np.arange(n, dtype=np.float32) / np.float32(n - 1), exact=True)


def render_look(
    pixels: np.ndarray,
    stock: str | Stock | None = "portra-400",
    *,
    options: LookOptions | None = None,
    bit_depth: int = 8,
    workers: int | None = None,
    band_rows: int = STREAM_BAND_ROWS,
    out: np.ndarray | None = None,
    **settings: Any,
) -> np.ndarray:
    """:func:`apply_look` on an 8/16-bit image, in bands on a thread pool, to 8/16-bit output.

    Same film model, grain field and effects as :func:`candid.looks.apply_look`
    (without chromatic aberration, softness, gate weave and dust, which need
    the whole image); the output matches it to within a code value or two
    (curve tables instead of the closed forms), and is the same for any
    ``workers`` and ``band_rows``.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` uint8 or uint16 sRGB. Not modified.
    stock, options, **settings
        As for :func:`candid.looks.apply_look`; the settings that need the
        whole image (:data:`candid.looks.options.WHOLE_IMAGE`) raise
        :class:`CandidError` unless left at their defaults.
    bit_depth : {8, 16}
        Output sample size.
    workers : int, optional
        Threads (default: the CPUs this process may use, at most 8).
    band_rows : int
        Rows per band.
    out : ndarray, optional
        Where to write the result; may be ``pixels`` itself (each band reads
        only its own rows before writing them), which saves one image of memory.

    Returns
    -------
    ndarray
        ``(H, W, 3)`` uint8 or uint16 sRGB.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.random.default_rng(0).integers(0, 256, (48, 64, 3), dtype=np.uint8)
    >>> a = render_look(img, "tri-x-400", seed=3, workers=1, band_rows=16)
    >>> b = render_look(img, "tri-x-400", seed=3, workers=2, band_rows=7)
    >>> a.dtype, bool((a == b).all())
    (dtype('uint8'), True)
    """
    if not isinstance(pixels, np.ndarray) or pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"pixels must be an (H, W, 3) array, got {getattr(pixels, 'shape', type(pixels))}")
    if pixels.dtype not in (np.uint8, np.uint16):
        raise ValueError(f"pixels must be uint8 or uint16, got {pixels.dtype}")
    if bit_depth not in (8, 16):
        raise ValueError(f"bit_depth must be 8 or 16, got {bit_depth}")
    if band_rows < 1:
        raise ValueError(f"band_rows must be >= 1, got {band_rows}")
    o = LookOptions.parse(options, **settings)
    whole = [k for k in WHOLE_IMAGE if getattr(o, k) != LookOptions.model_fields[k].default]
    if whole:
        raise CandidError(f"looks.film: {', '.join(whole)} need the whole image and are not streamed",
                          hint="use candid.looks.apply_look for them")
    check_seed(o.seed)
    film_format_mm(o.film_format)
    st = get_stock(stock) if stock is not None else None
    h, w = pixels.shape[:2]
    shape = (h, w, 3)
    decode = _decode_table(pixels.dtype)

    def linear(r0: int, r1: int) -> np.ndarray:
        band = pixels[r0:r1]
        lin = cv2.LUT(band, decode) if band.dtype == np.uint8 else decode[band]
        if o.vignette:
            lin *= vignette_gain(shape, o.vignette, r0=r0, r1=r1)[..., None]
        return lin

    workers = workers or min(8, usable_cpus())
    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
    try:
        return _render(pixels, st, linear, decode, pool, o, bit_depth=bit_depth, band_rows=band_rows, out=out)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        clear_noise_cache()  # the cached noise blocks are of no use to the next image
        release_free_memory()


def _render(pixels, st, linear, decode, pool, o, *, bit_depth, band_rows, out):
    h, w = pixels.shape[:2]
    shape = (h, w, 3)
    mapper = pool.map if pool is not None else map
    ppm = px_per_mm(shape, o.film_format)
    hal = o.halation if o.halation is not None else (st.halation if st is not None else 0.0)
    glows = []  # (low map, tint, halo_only, channel, threshold)
    if hal and hal > 0:
        radius = (st.halation_radius_mm if st is not None else 0.15) * ppm
        if radius > 0:
            if o.vignette:
                energy = None
            else:  # the red channel's highlight energy is a function of its code value: one table read
                e_table = _highlight_energy(decode[:, None], 0.45, 0)

                def energy(r0, r1, e_table=e_table):
                    return np.take(e_table, pixels[r0:r1, :, 0])

            low, _ = _glow_map(_Bands(shape, linear), radius, 0.45, 0, energy=energy, mapper=mapper)
            glows.append((low, np.float32((1.0, 0.32, 0.06)) * np.float32(hal), True, 0, 0.45))
    if o.bloom and o.bloom > 0:
        radius = 0.01 * math.hypot(h, w)

        def with_halation(r0, r1, glows=tuple(glows)):
            lin = linear(r0, r1)
            _add_glows(lin, glows, r0, r1, h, w)
            return lin

        low, _ = _glow_map(_Bands(shape, with_halation), radius, 0.5, None, mapper=mapper)
        glows.append((low, np.float32((1, 1, 1)) * np.float32(o.bloom), False, None, 0.5))
    leak = light_leak_map(shape, seed=o.seed, burn=o.burn) * np.float32(o.light_leak) if o.light_leak > 0 else None

    field = None
    if st is not None and o.grain:
        if o.iso is None:
            field = make_grain_field(st, shape, film_format=o.film_format, strength=o.grain_strength, seed=o.seed)
        else:
            color = st.kind != "bw"
            s48 = rms_granularity_for_iso(o.iso) / 1000.0 * o.grain_strength
            clump = clump_size_um(o.iso, color=color)
            lg = st.layer_grain if color else (1.0,)
            field = GrainField(shape, ppm, [clump * (0.9 + 0.1 * k) for k in lg], [s48 * k for k in lg], o.seed,
                               3 if color else 1)
    peak = 65535.0 if bit_depth == 16 else 255.0
    tables = FilmTables(st, field, o.exposure, peak) if st is not None else None
    dtype = np.uint16 if bit_depth == 16 else np.uint8
    if out is None:
        out = np.empty(shape, dtype)
    elif out.shape != shape or out.dtype != dtype:
        raise ValueError(f"out must be {shape} {np.dtype(dtype)}, got {out.shape} {out.dtype}")

    # 8-bit colour bands with nothing added in exposure: decode and log10 in one table read
    log_table = None
    if tables is not None and not tables.bw and pixels.dtype == np.uint8 and not o.vignette and leak is None:
        log_table = cv2.log(np.maximum(decode, np.float32(1e-5)).reshape(1, -1)).ravel() * np.float32(1 / math.log(10))

    def one(r0: int, r1: int) -> None:
        if log_table is not None and not any(_glow_near(g[0], r0, r1, h) for g in glows):
            tables.develop_codes(None, o.exposure, field, (r0, r1), out[r0:r1],
                                 log_exposure=cv2.LUT(pixels[r0:r1], log_table))
            return
        lin = linear(r0, r1)
        _add_glows(lin, glows, r0, r1, h, w)
        if leak is not None:
            lin += resize_rows(leak, r0, r1, h, w)
        if tables is not None:
            tables.develop_codes(lin, o.exposure, field, (r0, r1), out[r0:r1])
            return
        if o.exposure:
            lin *= np.float32(2.0**o.exposure)
        srgb = linear_to_srgb(lin, exact=True)
        srgb *= np.float32(peak)
        srgb += np.float32(0.5)
        np.clip(srgb, 0, peak, out=srgb)
        out[r0:r1] = srgb.astype(out.dtype)

    spans = [(r0, min(h, r0 + band_rows)) for r0 in range(0, h, band_rows)]
    if pool is None or len(spans) == 1:
        for r0, r1 in spans:
            one(r0, r1)
    else:
        for f in [pool.submit(one, r0, r1) for r0, r1 in spans]:
            f.result()
    return out


def release_free_memory() -> None:
    """Give freed heap memory back to the system (glibc ``malloc_trim``; a no-op elsewhere).

    The worker threads' float bands come from per-thread malloc arenas that
    glibc keeps after they are freed; at 8K that is ~100-150 MB of RSS the
    encoder would otherwise sit on top of.
    """
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _glow_near(low: np.ndarray, r0: int, r1: int, h: int) -> bool:
    """Whether a glow map has any light for rows ``r0:r1`` of an image of height ``h``."""
    # the low rows the band interpolates from (resize_rows' half-pixel centres, one row of margin)
    hl = low.shape[0]
    a = max(0, int(math.floor((r0 + 0.5) * hl / h - 0.5)) - 1)
    b = min(hl, int(math.ceil((r1 - 0.5) * hl / h - 0.5)) + 2)
    return bool(low[a:b].any())


def _add_glows(lin, glows, r0, r1, h, w) -> None:
    for low, tint, halo_only, channel, threshold in glows:
        if not _glow_near(low, r0, r1, h):  # no highlight near: nothing to add
            continue
        g = resize_rows(low, r0, r1, h, w)
        if halo_only:
            g = np.maximum(g - _highlight_energy(lin, threshold, channel), 0)
        lin += g[..., None] * tint


class _Bands:
    """A read-only, row-sliceable stand-in for a linear image made band by band (for ``_glow_map``)."""

    def __init__(self, shape, make):
        self.shape = shape
        self._make = make

    def __getitem__(self, rows: slice) -> np.ndarray:
        r0, r1, _ = rows.indices(self.shape[0])
        return self._make(r0, r1)
