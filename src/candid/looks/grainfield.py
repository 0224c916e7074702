"""Film grain modelled on silver-halide / dye-cloud granularity.

Grain is defined on the film, not on the pixels:

* **Clump size** in micrometres grows with ISO (bigger, more sensitive
  crystals; bigger dye clouds), as a sum of two Gaussians (a sharp core and a
  softer clump). It is converted to pixels from the output size and the film
  format, so an 8K image of a 35 mm frame shows the grain a 35 mm scan at that
  size would, and a 1 MP image shows it averaged away.
* **Strength** follows Selwyn's law: a granularity ``sigma_48`` measured with a
  48 um aperture (the datasheet "RMS granularity") scales as
  ``sqrt(A_48 / A_eff)`` for a pixel of effective area ``A_eff = p^2 + 4 pi s^2``.
* **Density dependence** follows Nutting: the variance of density grows with the
  number of developed grains, so ``sigma(D) ~ sqrt(D_net)``.
* **Per layer**: colour film has three dye layers, each with its own
  independent field (the blue-sensitive layer has the coarsest grain).
"""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np

from candid.colour import linear_to_srgb, srgb_to_linear
from candid.looks.bands import bands
from candid.looks.checks import check_image, check_seed
from candid.looks.film_formats import film_format_mm, px_per_mm

#: Area of the 48 um circular aperture used for datasheet RMS granularity, in um^2.
A48_UM2 = math.pi * 24.0**2
#: Net density at which datasheets quote RMS granularity.
D_REF = 1.0
#: Net-density floor (fog grains) in the Nutting law.
D_FOG = 0.05


def clump_size_um(iso: float, *, color: bool = True) -> float:
    """Standard deviation (um) of the grain core for a film of ``iso``.

    An empirical approximation: ~3 um at ISO 100 growing as sqrt(ISO);
    dye clouds of colour film are ~30 % larger than silver grains.

    Examples
    --------
    >>> round(clump_size_um(400, color=False), 1)
    6.0
    """
    if not iso > 0:
        raise ValueError(f"iso must be positive, got {iso}")
    return 3.0 * math.sqrt(iso / 100.0) * (1.3 if color else 1.0)


def rms_granularity_for_iso(iso: float) -> float:
    """Typical diffuse RMS granularity (x1000, 48 um aperture, D=1) for ``iso``.

    Approximation spanning T-Max 100 (~8) to Tri-X 400 (~17) and 3200-speed
    films (~35).

    Examples
    --------
    >>> rms_granularity_for_iso(400)
    14.0
    """
    if not iso > 0:
        raise ValueError(f"iso must be positive, got {iso}")
    return 7.0 * math.sqrt(iso / 100.0)


def _aperture_variance(area_um2: float, clump_um: float, coarse: float, coarse_weight: float) -> float:
    """Relative variance seen through an aperture of ``area_um2`` (per unit Selwyn constant)."""
    return ((1 - coarse_weight) / (area_um2 + 4 * math.pi * clump_um**2)
            + coarse_weight / (area_um2 + 4 * math.pi * (coarse * clump_um) ** 2))


def selwyn_sigma(sigma48: float, pixel_um: float, clump_um: float, coarse: float = 2.5, coarse_weight: float = 0.5) -> float:
    """Density RMS seen by one pixel of side ``pixel_um`` (Selwyn's law).

    ``sigma48`` is the granularity in density units measured with a 48 um
    aperture. The grain is a mix of a core of ``clump_um`` and a coarse clump
    of ``coarse * clump_um`` (variance fractions ``1-coarse_weight`` and
    ``coarse_weight``); through an aperture of area ``A`` each contributes
    variance ``~ q f / (A + 4 pi s^2)``: Selwyn's ``sigma ~ 1/sqrt(A)`` for
    apertures much larger than the grain, saturating for pixels smaller than
    it. ``q`` is fixed by the datasheet value at ``A = A_48``.

    Examples
    --------
    >>> s_small = selwyn_sigma(0.01, 30.0, 1.0)
    >>> s_big = selwyn_sigma(0.01, 60.0, 1.0)
    >>> 1.7 < s_small / s_big < 2.0   # ~ twice the pixel side, half the RMS
    True
    >>> round(selwyn_sigma(0.01, math.sqrt(A48_UM2), 5.0), 4)   # a 48 um-area pixel sees sigma48
    0.01
    """
    v_px = _aperture_variance(pixel_um**2, clump_um, coarse, coarse_weight)
    v_48 = _aperture_variance(A48_UM2, clump_um, coarse, coarse_weight)
    return sigma48 * math.sqrt(v_px / v_48)


def nutting_factor(d_net: np.ndarray) -> np.ndarray:
    """Relative granularity vs net density, 1 at ``D_REF`` (sqrt law with a fog floor).

    Examples
    --------
    >>> import numpy as np
    >>> [round(float(v), 2) for v in nutting_factor(np.array([0.0, 1.0, 2.0]))]
    [0.22, 1.0, 1.4]
    """
    return np.sqrt((np.maximum(d_net, 0) + np.float32(D_FOG)) / np.float32(D_REF + D_FOG)).astype(np.float32)


def _kernel_energy(sigma_px: float) -> float:
    """Variance of unit white noise after the 2-D discrete Gaussian used for grain."""
    return _component(sigma_px)[2]


class GrainField:
    """Seeded, band-independent per-layer grain fields for one image size.

    Parameters
    ----------
    shape : tuple
        ``(H, W)`` of the output image.
    px_mm : float
        Pixels per mm of film.
    clump_um : float or sequence of 3
        Core grain size per layer, um.
    sigma48 : float or sequence of 3
        Granularity (density units) per layer at D_net = 1 with a 48 um aperture.
    seed : int
    layers : int
        1 (black-and-white) or 3 (colour).
    """

    coarse = 2.5
    coarse_weight = 0.5

    def __init__(self, shape, px_mm, clump_um, sigma48, seed, layers=3):
        self.h, self.w = int(shape[0]), int(shape[1])
        self.layers = layers
        self.seed = seed
        self.pixel_um = 1000.0 / px_mm
        clump = np.broadcast_to(np.asarray(clump_um, float), (layers,))
        s48 = np.broadcast_to(np.asarray(sigma48, float), (layers,))
        self.sigmas_px = [(c / self.pixel_um, self.coarse * c / self.pixel_um) for c in clump]
        # amplitudes for variance fractions (1-cw, cw) at the pixel scale
        self.weights = []
        self.sigma_px = []
        for c, s in zip(clump, s48):
            p2 = self.pixel_um**2
            v1 = (1 - self.coarse_weight) / (p2 + 4 * math.pi * c**2)
            v2 = self.coarse_weight / (p2 + 4 * math.pi * (self.coarse * c) ** 2)
            # amplitudes giving each filtered component its variance fraction
            k1, k2 = (_kernel_energy(sp) for sp in (c / self.pixel_um, self.coarse * c / self.pixel_um))
            self.weights.append((math.sqrt(v1 / (v1 + v2) / k1), math.sqrt(v2 / (v1 + v2) / k2)))
            self.sigma_px.append(selwyn_sigma(s, self.pixel_um, c, self.coarse, self.coarse_weight))

    def rows(self, layer: int, r0: int, r1: int) -> np.ndarray:
        """Unit-variance grain of ``layer`` for rows ``r0:r1`` (multiply by :attr:`sigma_px`).

        Core and clump are two Gaussian filters of the same white noise (one
        kernel with a sharp centre and a soft skirt).
        """
        return grain_noise_rows(self.seed, 1000 + layer, r0, r1, self.h, self.w, self.sigmas_px[layer],
                                self.weights[layer])


#: Rows per block of the seeded noise generator (fixed: noise does not depend on the banding).
NOISE_BLOCK = 64
#: Gaussian kernels are cut at this many sigmas (the tail beyond holds 0.3 % of the weight).
KERNEL_SIGMAS = 3.0


@functools.lru_cache(maxsize=1)
def _gauss_codes() -> np.ndarray:
    """256 standard-normal quantiles with unit variance: uniform bytes -> Gaussian noise by one table read."""
    from statistics import NormalDist

    inv = NormalDist().inv_cdf
    q = np.array([inv((i + 0.5) / 256) for i in range(256)])
    return (q / np.sqrt(np.mean(q**2))).astype(np.float32)


@functools.lru_cache(maxsize=48)
def _byte_block(seed: int, key: int, block: int, width: int) -> np.ndarray:
    """One seeded block of uniform random bytes (read-only, cached: neighbouring bands share their halo)."""
    out = np.frombuffer(np.random.default_rng([seed, key, block]).bytes(NOISE_BLOCK * width), np.uint8)
    return out.reshape(NOISE_BLOCK, width)


def clear_noise_cache() -> None:
    """Drop the cached noise blocks (after an image: they are of no use to the next one)."""
    _byte_block.cache_clear()


def white_noise(seed: int, key: int, r0: int, r1: int, width: int) -> np.ndarray:
    """Rows ``r0:r1`` of seeded, unit-variance white noise (float32), the same whatever the banding.

    Each 64-row block comes from its own generator as random bytes mapped
    through 256 Gaussian quantiles (a Gaussian to within 1/256 of its
    distribution; ~5x cheaper than drawing normals). The grain filters sum
    dozens of these values, so what reaches the image is Gaussian.

    Examples
    --------
    >>> n = white_noise(0, 1, 10, 200, 300)
    >>> n.shape, bool(np.array_equal(n[50:60], white_noise(0, 1, 60, 70, 300)))
    ((190, 300), True)
    >>> bool(abs(float(n.std()) - 1) < 0.01)
    True
    """
    b0, b1 = r0 // NOISE_BLOCK, (r1 - 1) // NOISE_BLOCK + 1
    blocks = [_byte_block(seed, key, b, width) for b in range(b0, b1)]
    full = blocks[0] if len(blocks) == 1 else np.concatenate(blocks, axis=0)
    off = r0 - b0 * NOISE_BLOCK
    return cv2.LUT(full[off: off + (r1 - r0)], _gauss_codes())


def _kernel(sigma: float) -> np.ndarray:
    if sigma < 0.25:
        return np.ones(1, np.float64)
    k = cv2.getGaussianKernel(2 * int(math.ceil(KERNEL_SIGMAS * sigma)) + 1, sigma, cv2.CV_64F).ravel()
    return k / k.sum()


#: Components this wide (sigma in pixels) are made at half resolution and upsampled.
HALF_RES_SIGMA = 2.5
#: Variance (px^2) a 2x2 block average plus a 2x bilinear upsampling add to a field.
_HALF_RES_VAR = 0.25 + 2.0**2 / 6


def _component(sigma: float):
    """How one Gaussian component is made: ``(half, kernel, energy)``.

    ``energy`` is the variance of the component made from unit white noise.
    Wide components (``sigma >= HALF_RES_SIGMA``) are made at half resolution
    from their own noise (a quarter of the pixels, a kernel half as long) and
    bilinearly upsampled: every full-resolution pixel sits a quarter of a
    low-resolution pixel from its nearest sample, so the variance is the same
    everywhere.
    """
    if sigma < HALF_RES_SIGMA:
        k = _kernel(sigma)
        return False, k, float(np.dot(k, k)) ** 2
    k = _kernel(math.sqrt(sigma**2 - _HALF_RES_VAR) / 2)
    h = np.convolve(k, [0.75, 0.25])  # what a full-resolution pixel sees of the low-resolution noise
    return True, k, 0.25 * float(np.dot(h, h)) ** 2  # low-resolution noise: the mean of 4 pixels, variance 1/4


def grain_noise_rows(seed: int, key: int, r0: int, r1: int, height: int, width: int,
                     sigmas: tuple[float, ...], weights: tuple[float, ...]) -> np.ndarray:
    """Rows ``r0:r1`` of a unit-variance grain field: white noise filtered by a sum of Gaussians.

    ``sigmas`` (pixels) and ``weights`` (amplitudes) give the components,
    each filtered from its own white noise (independent grain populations:
    fine grains and clumps); the result is normalised to unit variance
    exactly from the discrete kernels. Wide components are made at half
    resolution (:func:`_component`). Band independent: halo rows are
    regenerated from the same seeded blocks, and the upsampling uses global
    row coordinates.

    Examples
    --------
    >>> f = grain_noise_rows(3, 7, 0, 120, 120, 90, (1.5, 3.75), (1.0, 1.0))
    >>> f.shape, bool(np.array_equal(f[40:80], grain_noise_rows(3, 7, 40, 80, 120, 90, (1.5, 3.75), (1.0, 1.0))))
    ((120, 90), True)
    """
    acc = None
    var = 0.0
    for i, (s, w) in enumerate(zip(sigmas, weights)):
        half, k, energy = _component(s)
        var += w * w * energy
        halo = len(k) // 2
        if not half:
            a0, a1 = max(0, r0 - halo), min(height, r1 + halo)
            noise = white_noise(seed, key + 100 * i, a0, a1, width)
            if len(k) == 1:
                part = noise[r0 - a0: r1 - a0] * np.float32(w)
            else:
                part = cv2.sepFilter2D(noise, cv2.CV_32F, k.astype(np.float32), (k * w).astype(np.float32),
                                       borderType=cv2.BORDER_REFLECT)[r0 - a0: r1 - a0]
        else:
            hl, wl = (height + 1) // 2, (width + 1) // 2
            lo, hi = max(0, r0 // 2 - 1), min(hl, (r1 + 1) // 2 + 1)  # low rows the band interpolates from
            b0, b1 = max(0, lo - halo), min(hl, hi + halo)
            low = white_noise(seed, key + 100 * i, b0, b1, wl)
            low = cv2.sepFilter2D(low, cv2.CV_32F, k.astype(np.float32), (k * (0.5 * w)).astype(np.float32),
                                  borderType=cv2.BORDER_REFLECT)[lo - b0: hi - b0]
            # 2x bilinear: full row r sits at low row r/2 - 1/4, here as in the whole image (the strip starts
            # at an even full row, and rows that would need the strip's clamped edges are never kept)
            part = cv2.resize(low, (width, 2 * (hi - lo)), interpolation=cv2.INTER_LINEAR)[r0 - 2 * lo: r1 - 2 * lo]
        if acc is None:
            acc = np.ascontiguousarray(part)
        else:
            acc += part
    acc *= np.float32(1.0 / math.sqrt(var))
    return acc


def grain(
    img: np.ndarray,
    *,
    iso: float = 400,
    film_format: str = "35mm",
    strength: float = 1.0,
    monochrome: bool = False,
    gamma: float = 0.65,
    seed: int = 0,
) -> np.ndarray:
    """Add film grain to an sRGB image, sized in film units.

    The image is treated as a print from a negative with contrast ``gamma``:
    each pixel's negative density is recovered, per-layer grain with
    density-dependent strength is added there, and the result printed back.
    Highlights (dense negative) carry the most grain in density; deep
    shadows carry little.

    Parameters
    ----------
    img : ndarray
        ``(H, W, 3)`` float sRGB in [0, 1]. Not modified.
    iso : float
        Film speed; sets clump size and granularity.
    film_format : str
        ``"35mm"``, ``"120"`` (6x7), ``"645"``, ``"6x6"``, ``"4x5"``... The
        image is taken to show a whole frame of this format.
    strength : float
        Multiplier on the datasheet-like granularity (1 = physical estimate).
    monochrome : bool
        One silver layer (black-and-white) instead of three dye layers.
    gamma : float
        Contrast of the notional negative (density per log10 exposure).
    seed : int

    Returns
    -------
    ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from candid.looks import grain
    >>> img = np.full((64, 96, 3), 0.5, np.float32)
    >>> out = grain(img, iso=800, seed=1)
    >>> out.shape, out.dtype, bool(out.std() > 0)
    ((64, 96, 3), dtype('float32'), True)
    """
    img = check_image(img)
    seed = check_seed(seed)
    film_format_mm(film_format)
    if not strength >= 0:
        raise ValueError(f"strength must be >= 0, got {strength}")
    if not gamma > 0:
        raise ValueError(f"gamma must be positive, got {gamma}")
    layers = 1 if monochrome else 3
    s48 = rms_granularity_for_iso(iso) / 1000.0 * strength
    clump = clump_size_um(iso, color=not monochrome)
    per_layer = (1.0,) if monochrome else (0.9, 1.0, 1.35)  # red, green, blue-sensitive layers
    field = GrainField(img.shape, px_per_mm(img.shape, film_format), [clump * (0.9 + 0.1 * k) for k in per_layer],
                       [s48 * k for k in per_layer], seed, layers)
    out = np.empty(img.shape, np.float32)
    grey_log = math.log10(0.18)
    for r0, r1 in bands(img.shape[0]):
        lin = srgb_to_linear(img[r0:r1], exact=True)
        x = np.log10(np.maximum(lin, np.float32(1e-4)))
        # net density on a notional straight-line negative, 18 % grey at D_net 0.8
        d_net = np.maximum(np.float32(0.8) + np.float32(gamma) * (x - np.float32(grey_log)), 0)
        for c in range(3):
            layer = 0 if monochrome else c
            if monochrome and c > 0:
                n = noise
            else:
                noise = field.rows(layer, r0, r1) * np.float32(field.sigma_px[layer])
                n = noise
            dd = nutting_factor(d_net[..., c]) * n
            # printed back: a density change dD on the negative is a log-exposure change dD/gamma
            lin[..., c] *= cv2.exp(dd * np.float32(math.log(10.0) / gamma))
        out[r0:r1] = linear_to_srgb(lin, exact=True)
    return out
