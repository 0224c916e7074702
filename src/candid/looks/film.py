"""Film stocks: characteristic curves, crosstalk, print/scan response, grain.

A stock is a data file (TOML, under ``candid/looks/stocks/``) holding
approximate published characteristics: per-layer contrast (gamma), D-min and
D-max, latitude, RMS granularity, plus the print or scan that turns the film
into a positive. :func:`film_stock` runs an image through that chain:

1. sRGB -> linear scene exposure; log10 exposure per channel.
2. Spectral / interimage crosstalk: a 3x3 matrix on log exposure whose rows
   sum to one (greys stay grey; negative off-diagonals = interimage effects
   that raise saturation, as on Velvia or Ektar).
3. Per-layer characteristic curve D(log H): toe, straight line of slope
   gamma, shoulder (a difference of two softplus functions).
4. Grain added in density per layer (see :mod:`candid.looks.grainfield`).
5. Positive: colour/B&W negatives are printed on paper (its own curve, timed
   so an 18 % grey card prints neutral grey); slides are scanned directly
   (transmittance relative to D-min). A little flare lifts the blacks.
"""

from __future__ import annotations

import functools
import math
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Literal

import cv2
import numpy as np

from candid.colour import linear_to_srgb, srgb_to_linear
from candid.errors import CandidError
from candid.looks.bands import bands
from candid.looks.checks import check_image, check_seed
from candid.looks.film_formats import film_format_mm, px_per_mm
from candid.looks.grainfield import GrainField, clump_size_um, nutting_factor

GREY = 0.18
LOG_GREY = math.log10(GREY)
LOG2 = math.log10(2.0)
#: Print density of an 18 % grey above paper white.
PRINT_GREY_D = -math.log10(GREY)


class UnknownStockError(CandidError):
    """The named film stock does not exist."""


@dataclass(frozen=True)
class Stock:
    """A film stock's approximate characteristics (see ``docs/LOOKS.md``)."""

    key: str
    name: str
    kind: Literal["negative", "reversal", "bw"]
    iso: float
    gamma: tuple[float, float, float]
    dmin: tuple[float, float, float]
    dmax: tuple[float, float, float]
    toe: float = 0.2
    shoulder: float = 0.3
    shadow_stops: float = 4.0
    grey_density: float = 0.8
    crosstalk: tuple[tuple[float, ...], ...] = ((1, 0, 0), (0, 1, 0), (0, 0, 1))
    spectral: tuple[float, float, float] = (0.30, 0.55, 0.15)
    print_gamma: float = 2.2
    print_dmax: float = 2.5
    print_balance: tuple[float, float, float] = (0.0, 0.0, 0.0)
    print_toe: float = 0.25
    print_shoulder: float = 0.35
    flare: float = 0.004
    paper_tone: tuple[float, float, float] = (1.0, 1.0, 1.0)
    rms_granularity: float = 10.0
    clump_um: float | None = None
    layer_grain: tuple[float, float, float] = (0.9, 1.0, 1.35)
    halation: float = 0.15
    halation_radius_mm: float = 0.15
    description: str = ""
    sources: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def latitude_stops(self) -> float:
        """Length of the straight line of the (green) curve in stops."""
        return (self.dmax[1] - self.dmin[1]) / self.gamma[1] / LOG2


def _triple(v, name: str, key: str) -> tuple[float, float, float]:
    if isinstance(v, (int, float)):
        return (float(v),) * 3
    if len(v) != 3:
        raise ValueError(f"stock {key}: {name} must be a number or 3 numbers")
    return tuple(float(x) for x in v)


#: Optional stock-file entries, ``(section, key) -> Stock field``: single numbers ...
_STOCK_NUMBERS = {
    **{("curve", k): k for k in ("toe", "shoulder", "shadow_stops", "grey_density")},
    **{("print", k): f"print_{k}" for k in ("gamma", "dmax", "toe", "shoulder")}, ("print", "flare"): "flare",
    ("grain", "rms_granularity"): "rms_granularity", ("grain", "clump_um"): "clump_um",
    ("halation", "strength"): "halation", ("halation", "radius_mm"): "halation_radius_mm",
}
#: ... and one number or three (one per colour layer).
_STOCK_TRIPLES = {("curve", "spectral"): "spectral", ("print", "balance"): "print_balance",
                  ("print", "paper_tone"): "paper_tone", ("grain", "layers"): "layer_grain"}


def _parse_stock(key: str, data: dict) -> Stock:
    film = data.get("film", {})
    curve = data.get("curve", {})
    prt = data.get("print", {})
    grain = data.get("grain", {})
    hal = data.get("halation", {})
    kw = dict(
        key=key,
        name=film["name"],
        kind=film["kind"],
        iso=float(film["iso"]),
        description=film.get("description", ""),
        sources=tuple(data.get("sources", {}).get("refs", ())),
        gamma=_triple(curve["gamma"], "gamma", key),
        dmin=_triple(curve["dmin"], "dmin", key),
        dmax=_triple(curve["dmax"], "dmax", key),
    )
    sections = {"curve": curve, "print": prt, "grain": grain, "halation": hal}
    for (section, src), dst in _STOCK_NUMBERS.items():
        if src in sections[section]:
            kw[dst] = float(sections[section][src])
    for (section, src), dst in _STOCK_TRIPLES.items():
        if src in sections[section]:
            kw[dst] = _triple(sections[section][src], src, key)
    if "crosstalk" in curve:
        m = np.asarray(curve["crosstalk"], float)
        if m.shape != (3, 3):
            raise ValueError(f"stock {key}: crosstalk must be 3x3")
        kw["crosstalk"] = tuple(tuple(r) for r in m)
    stock = Stock(**kw)
    if stock.kind not in ("negative", "reversal", "bw"):
        raise ValueError(f"stock {key}: kind must be negative, reversal or bw")
    return stock


@functools.cache
def _all_stocks() -> dict[str, Stock]:
    out = {}
    folder = resources.files("candid.looks") / "stocks"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            key = entry.name[:-5]
            out[key] = _parse_stock(key, tomllib.loads(entry.read_text(encoding="utf-8")))
    return out


def list_stocks() -> list[str]:
    """Names of the bundled film stocks.

    Examples
    --------
    >>> from candid.looks import list_stocks
    >>> "portra-400" in list_stocks()
    True
    """
    return list(_all_stocks())


def get_stock(name: str | Stock) -> Stock:
    """The :class:`Stock` called ``name`` (case-insensitive).

    Raises
    ------
    UnknownStockError
        If there is no such stock (the message lists the known ones).

    Examples
    --------
    >>> get_stock("Tri-X-400").kind
    'bw'
    """
    if isinstance(name, Stock):
        return name
    stocks = _all_stocks()
    key = str(name).strip().lower().replace("_", "-").replace(" ", "-")
    if key not in stocks:
        raise UnknownStockError(f"unknown film stock {name!r}", hint=f"known stocks: {', '.join(stocks)}")
    return stocks[key]


def _softplus(y: np.ndarray, w: float) -> np.ndarray:
    """``w log(1 + exp(y / w))`` in float32, via OpenCV's vectorised exp/log (4x numpy's logaddexp)."""
    z = np.asarray(y, np.float32) / np.float32(w)
    if z.ndim == 0:
        return np.float32(w) * np.logaddexp(np.float32(0), z)
    e = cv2.exp(-np.abs(z))
    e += np.float32(1)
    out = cv2.log(e)
    out += np.maximum(z, 0)
    out *= np.float32(w)
    return out


def _pow10(x: np.ndarray) -> np.ndarray:
    """``10 ** x`` in float32 via OpenCV."""
    return cv2.exp(np.asarray(x, np.float32) * np.float32(math.log(10.0)))


def characteristic_curve(
    log_exposure: np.ndarray,
    *,
    gamma: float,
    dmin: float,
    dmax: float,
    log_toe: float,
    toe: float = 0.2,
    shoulder: float = 0.3,
) -> np.ndarray:
    """Density of a negative vs log10 exposure (H&D curve).

    ``D = dmin + sp(gamma (x - x_toe), toe) - sp(gamma (x - x_sh), shoulder)``
    with ``sp(y, w) = w log(1 + exp(y / w))`` and ``x_sh = x_toe + (dmax - dmin) /
    gamma``: flat at D-min, a straight line of slope ``gamma`` after the toe,
    flat at D-max past the shoulder. ``toe``/``shoulder`` are the widths of
    the bends in density units.

    Examples
    --------
    >>> import numpy as np
    >>> d = characteristic_curve(np.array([-9.0, 0.0, 9.0]), gamma=0.6, dmin=0.2, dmax=2.6, log_toe=-2.0)
    >>> [round(float(v), 2) for v in d]
    [0.2, 1.4, 2.6]
    """
    x = np.asarray(log_exposure, np.float32)
    x_sh = log_toe + (dmax - dmin) / gamma
    d = np.float32(dmin) + _softplus(np.float32(gamma) * (x - np.float32(log_toe)), toe)
    d -= _softplus(np.float32(gamma) * (x - np.float32(x_sh)), shoulder)
    return d


def _neg_params(stock: Stock, c: int) -> dict:
    """Curve parameters of layer ``c`` with the toe ``shadow_stops`` below grey."""
    return dict(gamma=stock.gamma[c], dmin=stock.dmin[c], dmax=stock.dmax[c],
                log_toe=LOG_GREY - stock.shadow_stops * LOG2, toe=stock.toe, shoulder=stock.shoulder)


def _rev_params(stock: Stock, c: int) -> dict:
    """Reversal layer: density falls with exposure; grey sits at ``grey_density`` above D-min."""
    g, dmin, dmax = stock.gamma[c], stock.dmin[c], stock.dmax[c]
    # D_rev(x) = dmin + dmax - D_neg(x): straight line passes grey at dmin + grey_density
    log_toe = LOG_GREY - (dmax - dmin - stock.grey_density) / g
    return dict(gamma=g, dmin=dmin, dmax=dmax, log_toe=log_toe, toe=stock.shoulder, shoulder=stock.toe)


def film_density(log_exposure: np.ndarray, stock: str | Stock, layer: int = 1) -> np.ndarray:
    """Density of one layer of ``stock`` at the given log10 exposures (grey card = log10 0.18).

    Examples
    --------
    >>> import numpy as np
    >>> d = film_density(np.log10(np.array([0.01, 0.18, 2.0])), "portra-400")
    >>> bool(d[0] < d[1] < d[2])
    True
    """
    st = get_stock(stock)
    if st.kind == "reversal":
        p = _rev_params(st, layer)
        return np.float32(p["dmin"] + p["dmax"]) - characteristic_curve(log_exposure, **p)
    return characteristic_curve(log_exposure, **_neg_params(st, layer if st.kind != "bw" else 0))


def _print_curve(p_log: np.ndarray, stock: Stock) -> np.ndarray:
    """Print density above paper white for paper log exposure ``p_log`` (0 = grey card)."""
    g = stock.print_gamma
    log_toe = -PRINT_GREY_D / g
    return characteristic_curve(p_log, gamma=g, dmin=0.0, dmax=stock.print_dmax, log_toe=log_toe,
                                toe=stock.print_toe, shoulder=stock.print_shoulder)


def develop(
    lin: np.ndarray,
    stock: Stock,
    *,
    exposure: float = 0.0,
    grain_field: GrainField | None = None,
    rows: tuple[int, int] | None = None,
) -> np.ndarray:
    """Expose, develop and print/scan a band of linear-light pixels (in place).

    Low-level engine behind :func:`film_stock`; ``lin`` is ``(h, W, 3)``
    float32 linear light and becomes linear light of the positive.
    """
    x = np.log10(np.maximum(lin, np.float32(1e-5)))
    if exposure:
        x += np.float32(exposure * LOG2)
    if stock.kind == "bw":
        w = np.asarray(stock.spectral, np.float32)
        w = w / w.sum()
        lum = lin @ w
        x1 = np.log10(np.maximum(lum, np.float32(1e-5))) + np.float32(exposure * LOG2)
        p = _neg_params(stock, 0)
        d = characteristic_curve(x1, **p)
        if grain_field is not None:
            g = grain_field.rows(0, *rows) * np.float32(grain_field.sigma_px[0])
            d += nutting_factor(d - np.float32(p["dmin"])) * g
        d_grey = float(characteristic_curve(np.float32(LOG_GREY), **p))
        dp = _print_curve(-(d - np.float32(d_grey)) + np.float32(stock.print_balance[1]), stock)
        out = _pow10(-dp)
        out = (out + np.float32(stock.flare)) / np.float32(1 + stock.flare)
        for c in range(3):
            lin[..., c] = out ** np.float32(stock.paper_tone[c])
        return lin
    m = np.asarray(stock.crosstalk, np.float32)
    xm = x @ m.T
    for c in range(3):
        xc = xm[..., c]
        if stock.kind == "reversal":
            p = _rev_params(stock, c)
            d = np.float32(p["dmin"] + p["dmax"]) - characteristic_curve(xc, **p)
        else:
            p = _neg_params(stock, c)
            d = characteristic_curve(xc, **p)
        if grain_field is not None:
            g = grain_field.rows(c, *rows) * np.float32(grain_field.sigma_px[c])
            d += nutting_factor(d - np.float32(stock.dmin[c])) * g
        if stock.kind == "reversal":
            # scanned slide: transmittance relative to clear film (D-min), with scan balance
            out = _pow10(-(d - np.float32(stock.dmin[c]) + np.float32(stock.print_balance[c])))
        else:
            d_grey = float(characteristic_curve(np.float32(LOG_GREY), **p))
            dp = _print_curve(-(d - np.float32(d_grey)) + np.float32(stock.print_balance[c]), stock)
            out = _pow10(-dp)
        lin[..., c] = (out + np.float32(stock.flare)) / np.float32(1 + stock.flare)
    return lin


def make_grain_field(stock: Stock, shape, *, film_format: str = "35mm", strength: float = 1.0, seed: int = 0) -> GrainField:
    """The :class:`GrainField` of ``stock`` for an output of ``shape``."""
    color = stock.kind != "bw"
    clump = stock.clump_um if stock.clump_um is not None else clump_size_um(stock.iso, color=color)
    s48 = stock.rms_granularity / 1000.0 * strength
    if color:
        lg = stock.layer_grain
        return GrainField(shape, px_per_mm(shape, film_format), [clump * (0.9 + 0.1 * k) for k in lg],
                          [s48 * k for k in lg], seed, 3)
    return GrainField(shape, px_per_mm(shape, film_format), clump, s48, seed, 1)


def film_stock(
    img: np.ndarray,
    stock: str | Stock = "portra-400",
    *,
    exposure: float = 0.0,
    grain: bool = True,
    grain_strength: float = 1.0,
    film_format: str = "35mm",
    seed: int = 0,
) -> np.ndarray:
    """Render an sRGB image as if shot on ``stock`` and printed or scanned.

    Parameters
    ----------
    img : ndarray
        ``(H, W, 3)`` float sRGB in [0, 1]. Not modified.
    stock : str or Stock
        A name from :func:`list_stocks`, e.g. ``"portra-400"``.
    exposure : float
        Exposure change in stops (negative film tolerates over-exposure, slides don't).
    grain : bool
        Add the stock's grain (density-dependent, per layer, in film units).
    grain_strength : float
        Multiplier on the stock's granularity.
    film_format : str
        Frame the image stands for (``"35mm"``, ``"120"`` = 6x7, ``"645"``...),
        which sets the grain size in pixels.
    seed : int

    Returns
    -------
    ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1].

    Raises
    ------
    UnknownStockError
        Unknown stock name.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.looks import film_stock
    >>> img = np.full((32, 48, 3), 0.46, np.float32)   # about an 18 % grey card
    >>> out = film_stock(img, "portra-400", grain=False)
    >>> bool(abs(float(out.mean()) - 0.46) < 0.05)
    True
    """
    img = check_image(img)
    seed = check_seed(seed)
    st = get_stock(stock)
    film_format_mm(film_format)
    field = make_grain_field(st, img.shape, film_format=film_format, strength=grain_strength, seed=seed) if grain else None
    out = np.empty(img.shape, np.float32)
    for r0, r1 in bands(img.shape[0]):
        lin = srgb_to_linear(img[r0:r1], exact=True)
        develop(lin, st, exposure=exposure, grain_field=field, rows=(r0, r1))
        out[r0:r1] = linear_to_srgb(lin, exact=True)
    return out
