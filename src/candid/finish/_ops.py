"""Pixel operations of the finish: halo-free sharpening and sensor-like noise.

Every operation here is local (a bounded neighbourhood) and, where it is
random, keyed to *global* pixel positions, so that running it on a window
with a margin gives the same pixels as running it on the whole image. That
is what makes tiled output equal to untiled output, with no seams.
"""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from candid.colour import REC709_WEIGHTS, srgb_to_linear

#: Reference sensor for noise: a 36 mm full-frame sensor, 6000 pixels across
#: its long side (6 micrometre pitch). Noise is defined per reference pixel
#: and scaled to the output so that it looks the same at any output size.
REF_SENSOR_LONG_SIDE_PX = 6000
#: Shot-noise gain (variance per unit linear signal) at ISO 100 for the
#: reference pixel; read-noise standard deviation at ISO 100 (linear units).
SHOT_GAIN_ISO100 = 1.0e-4
READ_STD_ISO100 = 6.0e-4

#: Rec. 709 weights applied to the *encoded* sRGB values (HDTV Y'): the grey that
#: sharpening and detail transfer work on. Deliberately neither
#: :func:`candid.colour.luma` (Rec. 601 on encoded values, JPEG's Y') nor
#: :func:`candid.colour.luminance` (Rec. 709 on linear light): the finish is
#: tuned and its scorecard measured with these, and other weights move pixels.
LUMA = REC709_WEIGHTS


def source_bounds(src: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 3x3 min and max of each source pixel (edges replicated): the anti-ringing clamp's bounds.

    Examples
    --------
    >>> src = np.zeros((5, 5, 3), np.float32); src[2, 2] = 1
    >>> lo, hi = source_bounds(src)
    >>> float(lo.max()), int(hi[..., 0].sum())
    (0.0, 9)
    """
    k = np.ones((3, 3), np.uint8)
    return cv2.erode(src, k, borderType=cv2.BORDER_REPLICATE), cv2.dilate(src, k, borderType=cv2.BORDER_REPLICATE)


def resample_window(img: np.ndarray, sx: float, sy: float, x: float, y: float, w: int, h: int,
                    interp: int = cv2.INTER_CUBIC) -> np.ndarray:
    """A ``w`` x ``h`` window at output position ``(x, y)`` of ``img`` enlarged ``sx`` x ``sy`` times.

    The classical path's enlargement (OpenCV, ``interp`` cubic a = -0.75 or
    linear for the clamp bounds): pixel-centre aligned, so output pixel
    ``(i, j)`` samples the source at ``((x + j + 0.5) / sx - 0.5, (y + i + 0.5) / sy - 0.5)``,
    edges replicated. Any window of the whole enlargement is that window of it.

    Examples
    --------
    >>> img = np.random.default_rng(0).random((6, 5, 3)).astype(np.float32)
    >>> whole = resample_window(img, 4, 4, 0, 0, 20, 24)
    >>> bool(np.array_equal(resample_window(img, 4, 4, 8, 4, 6, 10), whole[4:14, 8:14]))
    True
    """
    m = np.array([[1.0 / sx, 0.0, (x + 0.5) / sx - 0.5],
                  [0.0, 1.0 / sy, (y + 0.5) / sy - 0.5]], np.float64)
    return cv2.warpAffine(img, m, (w, h), flags=interp | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)


def clamp_to_bounds(px: np.ndarray, lo: np.ndarray, hi: np.ndarray, sx: float, sy: float, x: float, y: float
                    ) -> np.ndarray:
    """Clamp the window ``px`` (at output ``(x, y)``) in place to the source bounds ``lo``/``hi``
    (:func:`source_bounds`) resampled bilinearly, so no kernel lobe can draw a halo.

    Examples
    --------
    >>> src = np.zeros((8, 8, 3), np.float32); src[:, 4:] = 1
    >>> big = resample_window(src, 4, 4, 0, 0, 32, 32)
    >>> float(big.min()) < 0, float(clamp_to_bounds(big, *source_bounds(src), 4, 4, 0, 0).min())
    (True, 0.0)
    """
    h, w = px.shape[:2]
    np.maximum(px, resample_window(lo, sx, sy, x, y, w, h, cv2.INTER_LINEAR), out=px)
    np.minimum(px, resample_window(hi, sx, sy, x, y, w, h, cv2.INTER_LINEAR), out=px)
    return px


def luma(img: np.ndarray) -> np.ndarray:
    """Rec. 709 weighted sum of the encoded sRGB channels (HDTV Y'), ``(H, W)`` float32.

    See :data:`LUMA` for why this is not :func:`candid.colour.luma`.
    """
    return (img @ LUMA).astype(np.float32)


def _blur(x: np.ndarray, sigma: float) -> np.ndarray:
    if sigma <= 0:
        return x
    k = 2 * int(math.ceil(3 * sigma)) + 1
    return cv2.GaussianBlur(x, (k, k), sigma, borderType=cv2.BORDER_REFLECT_101)


def sharpen_clamped(
    img: np.ndarray,
    *,
    sigma: float,
    amount: float,
    clamp_radius: int = 1,
    slack: float = 0.0,
) -> np.ndarray:
    """Unsharp mask on luminance, clamped to the local min/max so it cannot halo.

    The boosted luminance is limited to the range of the unsharpened
    luminance in a ``(2 r + 1)`` square around each pixel (plus ``slack``
    times that range), so an edge gets steeper but never gets a bright or
    dark rim. The luminance change is added equally to R, G and B, so no
    colour fringes appear.

    Parameters
    ----------
    img : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1].
    sigma : float
        Gaussian radius of the mask, in pixels.
    amount : float
        Strength (0 = no change).
    clamp_radius : int
        Half-size of the min/max window, in pixels.
    slack : float
        Allowed overshoot as a fraction of the local range (0 = none).

    Returns
    -------
    ndarray
        New array, same shape.

    Examples
    --------
    >>> import numpy as np
    >>> step = np.zeros((8, 8, 3), np.float32); step[:, 4:] = 1
    >>> out = sharpen_clamped(step, sigma=1.0, amount=2.0)
    >>> float(out.min()) >= 0.0 and float(out.max()) <= 1.0
    True
    """
    if amount <= 0 or sigma <= 0:
        return img.copy()
    y = luma(img)
    boosted = y + amount * (y - _blur(y, sigma))
    k = np.ones((2 * clamp_radius + 1, 2 * clamp_radius + 1), np.uint8)
    lo = cv2.erode(y, k, borderType=cv2.BORDER_REFLECT_101)
    hi = cv2.dilate(y, k, borderType=cv2.BORDER_REFLECT_101)
    if slack > 0:
        rng = (hi - lo) * slack
        lo, hi = lo - rng, hi + rng
    delta = np.clip(boosted, lo, hi) - y
    return np.clip(img + delta[:, :, None], 0.0, 1.0)


def _luma_fast(img: np.ndarray) -> np.ndarray:
    return cv2.transform(np.ascontiguousarray(img, np.float32), LUMA.reshape(1, 3))


def sharpen_chain(img: np.ndarray, steps, *, out: np.ndarray | None = None, clip: bool = True) -> np.ndarray:
    """Several :func:`sharpen_clamped` passes, done on luminance and added to R, G, B once.

    ``steps`` is a sequence of ``(sigma, amount, clamp_radius, slack)``. Each
    pass sharpens and clamps the luminance left by the previous one; because
    each pass adds the same change to R, G and B, the luminance of a pass's
    result is the previous luminance plus its change, so the chain needs one
    luminance and one final add (it differs from calling
    :func:`sharpen_clamped` repeatedly only where an intermediate channel
    would have left [0, 1]).

    Parameters
    ----------
    img : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1]. Not modified unless ``out`` is ``img``.
    steps : sequence of (float, float, int, float)
    out : ndarray, optional
        Where to write the result (may be ``img``).
    clip : bool
        Clip the result to [0, 1] (a caller that clips later anyway can skip it).

    Returns
    -------
    ndarray
        The sharpened image (``out`` when given, else a new array).

    Examples
    --------
    >>> import numpy as np
    >>> step = np.zeros((8, 8, 3), np.float32); step[:, 4:] = 0.8
    >>> a = sharpen_chain(step, [(1.0, 0.6, 1, 0.0), (0.6, 0.4, 1, 0.0)])
    >>> b = sharpen_clamped(sharpen_clamped(step, sigma=1.0, amount=0.6), sigma=0.6, amount=0.4)
    >>> bool(np.allclose(a, b, atol=1e-6))
    True
    """
    y0 = _luma_fast(img)
    y = y0
    for sigma, amount, radius, slack in steps:
        if amount <= 0 or sigma <= 0:
            continue
        boosted = _blur(y, sigma)
        np.subtract(y, boosted, out=boosted)
        boosted *= np.float32(amount)
        boosted += y
        k = np.ones((2 * radius + 1, 2 * radius + 1), np.uint8)
        lo = cv2.erode(y, k, borderType=cv2.BORDER_REFLECT_101)
        hi = cv2.dilate(y, k, borderType=cv2.BORDER_REFLECT_101)
        if slack > 0:
            rng = (hi - lo) * np.float32(slack)
            lo -= rng
            hi += rng
        np.maximum(boosted, lo, out=boosted)
        np.minimum(boosted, hi, out=boosted)
        y = boosted
    delta = np.subtract(y, y0, out=y0)
    if out is None:
        out = np.empty_like(img, dtype=np.float32)
    np.add(img, delta[:, :, None], out=out)
    return clip01(out) if clip else out


def clip01(x: np.ndarray) -> np.ndarray:
    """Clip a float array to [0, 1] in place and return it (faster than ``np.clip``).

    Examples
    --------
    >>> import numpy as np
    >>> clip01(np.array([-1.0, 0.5, 2.0], np.float32)).tolist()
    [0.0, 0.5, 1.0]
    """
    np.maximum(x, 0.0, out=x)
    return np.minimum(x, 1.0, out=x)


#: Two noise textures with coprime (prime) periods are summed, so the field repeats only every
#: 1009 x 1031 = 1 040 279 pixels in each direction: never within an image.
_PERIODS = (1009, 1031)


@lru_cache(maxsize=16)
def _texture(seed: int, field: int, period: int) -> np.ndarray:
    rng = np.random.default_rng([seed, field, period])
    return rng.standard_normal((period, period), dtype=np.float32)


def _wrap_axis(a: np.ndarray, start: int, n: int, axis: int) -> np.ndarray:
    """``a`` repeated periodically along ``axis``, elements ``[start, start+n)`` (slices, not gathers)."""
    p = a.shape[axis]
    s = start % p
    if s + n <= p:
        return a[s:s + n] if axis == 0 else a[:, s:s + n]
    pieces = []
    while n > 0:
        k = min(p - s, n)
        pieces.append(a[s:s + k] if axis == 0 else a[:, s:s + k])
        n -= k
        s = 0
    return np.concatenate(pieces, axis=axis)


def _wrapped(tex: np.ndarray, y0: int, x0: int, h: int, w: int) -> np.ndarray:
    """``tex`` repeated periodically, window ``[y0, y0+h) x [x0, x0+w)`` (slices, not gathers)."""
    return _wrap_axis(_wrap_axis(tex, y0, h, 0), x0, w, 1)


def noise_params(iso: float, out_long_side: int) -> tuple[float, float, float]:
    """Noise model for an output: ``(shot_gain, read_var, corr_sigma_px)``.

    Variance per output pixel is ``shot_gain * linear + read_var``
    (Poisson-Gaussian). One reference-sensor pixel covers
    ``k = out_long_side / 6000`` output pixels: when ``k > 1`` the noise is
    correlated over the footprint of a reference pixel (``k`` output pixels
    wide: a Gaussian of ``sqrt((k**2 - 1) / 12)`` pixels on top of the
    pixel's own box) with the per-pixel variance of the reference pixel; when
    ``k < 1`` several reference pixels average into one output pixel and the
    variance drops by ``k**2``. So a patch of skin shows the same grain at
    any output size.

    Examples
    --------
    >>> a, b, s = noise_params(200, 7680)
    >>> round(s, 2)
    0.23
    """
    if iso <= 0:
        raise ValueError("iso must be positive")
    k = out_long_side / REF_SENSOR_LONG_SIDE_PX
    g = iso / 100.0
    shot, read = SHOT_GAIN_ISO100 * g, (READ_STD_ISO100 * g) ** 2
    if k < 1:
        shot, read = shot * k * k, read * k * k
        return shot, read, 0.0
    return shot, read, math.sqrt((k * k - 1.0) / 12.0)


def _channel_texture(seed: int, channel: int, period: int, chroma: float) -> np.ndarray:
    """The texture of one period behind channel ``channel``'s noise: shared (luminance) field plus
    ``chroma`` times the channel's own, normalised, so that a channel's noise is the sum of two
    wrapped windows (one per period) instead of four."""
    n = 1.0 / math.sqrt(len(_PERIODS))
    if chroma <= 0:
        return (_texture(seed, 0, period) * np.float32(n)).astype(np.float32)
    norm = 1.0 / math.sqrt(1.0 + chroma * chroma)
    t = _texture(seed, 0, period) + np.float32(chroma) * _texture(seed, channel + 1, period)
    return (t * np.float32(n * norm)).astype(np.float32)


@lru_cache(maxsize=4)
def _rgb_texture(seed: int, period: int, chroma: float) -> np.ndarray:
    """The three channel textures of one period, interleaved ``(period, period, 3)`` like the image."""
    return np.ascontiguousarray(np.stack([_channel_texture(seed, c, period, chroma) for c in range(3)], -1))


def _rgb_noise(seed: int, y0: int, x0: int, h: int, w: int, sigma: float, chroma: float) -> np.ndarray:
    """Unit-variance noise ``(h, w, 3)``: per channel ``(n_l + chroma * n_c) / sqrt(1 + chroma**2)``, each
    field the normalised sum of the two prime-period textures (correlated over ``sigma`` when >= 0.3)."""
    r = int(math.ceil(3 * sigma)) if sigma >= 0.3 else 0
    out = None
    for p in _PERIODS:
        t = _wrapped(_rgb_texture(int(seed), p, float(chroma)), y0 - r, x0 - r, h + 2 * r, w + 2 * r)
        out = t.copy() if out is None else np.add(out, t, out=out)
    if not r:
        return out
    g = cv2.getGaussianKernel(2 * r + 1, sigma, ktype=cv2.CV_32F)
    filt = cv2.sepFilter2D(out, -1, g, g, borderType=cv2.BORDER_REFLECT_101)[r:r + h, r:r + w]
    return filt / np.float32(np.sum(g.astype(np.float64) ** 2))


def add_sensor_noise(
    img: np.ndarray,
    *,
    iso: float = 200,
    out_long_side: int | None = None,
    seed: int = 0,
    origin: tuple[int, int] = (0, 0),
    chroma: float = 0.35,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """Add signal-dependent (Poisson-Gaussian) sensor noise in linear light.

    Parameters
    ----------
    img : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1].
    iso : float
        Sensitivity; noise variance grows linearly (shot) and quadratically
        (read) with it.
    out_long_side : int, optional
        Long side of the *whole* output image this window belongs to;
        defaults to this image's long side. Sets the grain size (see
        :func:`noise_params`).
    seed : int
        Same seed, same noise.
    origin : (int, int)
        ``(y, x)`` of this window in the whole image, so that windows of one
        image get continuous noise.
    chroma : float
        Weight of independent per-channel noise against shared (luminance) noise.
    mask : ndarray, optional
        ``(H, W)`` weights in [0, 1] (e.g. 0 on padding).

    Returns
    -------
    ndarray
        New float32 array.

    Examples
    --------
    >>> import numpy as np
    >>> flat = np.full((64, 64, 3), 0.5, np.float32)
    >>> noisy = add_sensor_noise(flat, iso=800, seed=1, out_long_side=6000)
    >>> 0.002 < float(noisy.std()) < 0.05
    True
    """
    h, w = img.shape[:2]
    shot, read, sigma = noise_params(iso, out_long_side or max(h, w))
    y0, x0 = origin
    table = _srgb_std_table(shot, read)
    img = np.asarray(img, np.float32)
    # per channel (n_l + chroma * n_c) / sqrt(1 + chroma**2): shared luminance noise plus the channel's own
    n = _rgb_noise(seed, y0, x0, h, w, sigma, max(0.0, float(chroma)))
    # the linear-light standard deviation sqrt(a L + b), carried to sRGB by the curve's slope at L
    # (first order: the noise is tiny against the signal), looked up from the sRGB value
    idx = img * np.float32(_STD_N - 1)
    idx += np.float32(0.5)
    std = np.take(table, idx.astype(np.int32), mode="clip")  # int32: negatives clip to 0, not wrap
    if mask is not None:
        std *= mask if np.ndim(mask) == 0 else np.asarray(mask, np.float32)[:, :, None]
    std *= n
    std += img
    return std


_STD_N = 4096


@lru_cache(maxsize=32)
def _srgb_std_table(shot: float, read: float) -> np.ndarray:
    v = np.linspace(0.0, 1.0, _STD_N)
    lin = srgb_to_linear(v.astype(np.float32)).astype(np.float64)
    slope = np.where(lin <= 0.0031308, 12.92, 1.055 / 2.4 * np.maximum(lin, 1e-12) ** (1 / 2.4 - 1))
    return (slope * np.sqrt(shot * lin + read)).astype(np.float32)


def source_noise_sigma(img: np.ndarray, *, max_side: int = 1024) -> float:
    """Noise standard deviation of a source, in sRGB units (wavelet MAD estimate on luminance).

    Measured on a centre crop of at most ``max_side`` pixels (cropped, never
    resampled: resampling would change the noise).

    Examples
    --------
    >>> import numpy as np
    >>> flat = np.full((128, 128, 3), 0.5, np.float32)
    >>> noisy = flat + np.random.default_rng(0).normal(0, 0.02, (128, 128, 1)).astype(np.float32)
    >>> source_noise_sigma(flat) < 0.001, 0.015 < source_noise_sigma(noisy) < 0.025
    (True, True)
    """
    img = np.asarray(img, np.float32)
    h, w = img.shape[:2]
    y0, x0 = max(0, (h - max_side) // 2), max(0, (w - max_side) // 2)
    crop = luma(img[y0:y0 + max_side, x0:x0 + max_side]).astype(np.float64)
    hh, ww = (crop.shape[0] // 2) * 2, (crop.shape[1] // 2) * 2
    if min(hh, ww) < 8:
        return 0.0
    c = crop[:hh, :ww]
    # finest diagonal Haar detail; its median absolute value / 0.6745 is the noise sigma (Donoho)
    diag = (c[0::2, 0::2] - c[0::2, 1::2] - c[1::2, 0::2] + c[1::2, 1::2]) / 2.0
    return float(np.median(np.abs(diag)) / 0.6745)


def noise_strength(iso: float, out_long_side: int, source_sigma: float) -> float:
    """Scale (0..1) for the re-synthesised noise so it never exceeds the noise the source has.

    The model's per-pixel noise at mid-grey (18 % linear) is compared with the
    source's measured noise: a clean or denoised source gets little or no
    grain, so smooth areas are not given texture that was not there.

    Examples
    --------
    >>> noise_strength(200, 7680, 0.0), noise_strength(200, 7680, 1.0)
    (0.0, 1.0)
    """
    shot, read, _ = noise_params(iso, out_long_side)
    grey = 0.18
    slope = 1.055 / 2.4 * grey ** (1 / 2.4 - 1)  # d sRGB / d linear at 18 % grey
    model = slope * math.sqrt(shot * grey + read)
    return float(np.clip(source_sigma / model, 0.0, 1.0)) if model > 0 else 0.0

