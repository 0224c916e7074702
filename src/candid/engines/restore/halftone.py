"""Remove a printing screen (halftone) with notch filters in the frequency domain."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from candid.engines.restore.checks import check_image


@dataclass(frozen=True)
class HalftoneInfo:
    """The screen found by :func:`find_halftone`.

    Attributes
    ----------
    peaks : list of tuple
        ``(fy, fx)`` frequencies in cycles per pixel (one of each symmetric pair).
    tile : int
        FFT tile size used.
    """

    peaks: list[tuple[float, float]]
    tile: int

    @property
    def found(self) -> bool:
        return bool(self.peaks)

    @property
    def period_px(self) -> float | None:
        """Period of the strongest screen frequency, in pixels."""
        if not self.peaks:
            return None
        fy, fx = self.peaks[0]
        return float(1.0 / np.hypot(fy, fx))


def _tile_size(h: int, w: int) -> int:
    return 512 if min(h, w) >= 1536 else 256 if min(h, w) >= 384 else 128


def find_halftone(pixels: np.ndarray, *, threshold: float = 3.0, min_freq: float = 0.06,
                  max_tiles: int = 24, min_amplitude: float = 0.005) -> HalftoneInfo:
    """Find the peaks of a halftone screen in the averaged power spectrum of image tiles.

    A screen is a periodic pattern: in the spectrum it is a set of sharp
    peaks away from the centre that stand ``threshold`` (natural log of the
    power ratio) above the smooth spectrum of the picture around them, in at
    least 60 % of the tiles (a screen covers the whole print; a fence or a
    striped shirt does not), with an amplitude of at least ``min_amplitude``
    (a screen nobody can see is neither claimed nor removed).

    Examples
    --------
    >>> import numpy as np
    >>> yy, xx = np.mgrid[0:256, 0:256]
    >>> img = (0.5 + 0.2 * np.cos(2 * np.pi * xx / 5))[..., None].repeat(3, 2).astype(np.float32)
    >>> 4.8 < find_halftone(img).period_px < 5.2
    True
    """
    img = check_image(pixels)
    h, w = img.shape[:2]
    t = _tile_size(h, w)
    if min(h, w) < t:
        return HalftoneInfo([], t)
    win = np.outer(np.hanning(t), np.hanning(t)).astype(np.float32)
    ny, nx = max(1, (h - t) // t + 1), max(1, (w - t) // t + 1)
    ys = np.linspace(0, h - t, min(ny, int(np.sqrt(max_tiles)) + 1)).astype(int)
    xs = np.linspace(0, w - t, min(nx, int(np.sqrt(max_tiles)) + 1)).astype(int)
    power = np.zeros((t, t), np.float64)
    tiles = []
    for y in ys:
        for x in xs:
            tile = img[y:y + t, x:x + t]
            # one FFT per tile: the sum of the channels (a screen is in all of them, or in one
            # and then still in the sum), scaled so powers compare with a single channel's
            ch = tile.sum(axis=2, dtype=np.float32) / np.float32(np.sqrt(3.0))
            ch = ch - ch.mean()
            tp = 3.0 * np.abs(np.fft.fft2(ch * win).astype(np.complex64)) ** 2 / 3.0
            power += tp
            tiles.append(np.log(np.fft.fftshift(tp) + 1e-12).astype(np.float32))
    logp = np.log(np.fft.fftshift(power) + 1e-12)
    bg = ndimage.median_filter(logp, size=9, mode="wrap")
    resid = logp - bg
    f = np.fft.fftshift(np.fft.fftfreq(t))
    fy, fx = np.meshgrid(f, f, indexing="ij")
    radius = np.hypot(fy, fx)
    local_max = resid == ndimage.maximum_filter(resid, size=5, mode="wrap")
    cand = (resid > threshold) & local_max & (radius >= min_freq)
    iy, ix = np.nonzero(cand)
    # a screen covers the whole print: its peak stands out in most tiles, while a
    # fence, a striped shirt or a tiled floor is periodic in a few tiles only
    if len(iy):
        stack = np.stack(tiles)
        ok = np.zeros(len(iy), bool)
        for k, (py, px) in enumerate(zip(iy, ix)):
            ring = stack[:, (py + np.arange(-4, 5)) % t][:, :, (px + np.arange(-4, 5)) % t].reshape(len(tiles), -1)
            ok[k] = np.mean(stack[:, py, px] - np.median(ring, axis=1) > 1.5) >= 0.6
        # and it is visible: a sinusoid of amplitude below ~1.3/255 is scanner noise, not a screen
        pw = np.fft.fftshift(power)[iy, ix] / (3 * len(tiles))
        ok &= 2 * np.sqrt(pw) / float(win.sum()) >= min_amplitude
        iy, ix = iy[ok], ix[ok]
    order = np.argsort(-resid[iy, ix])
    peaks: list[tuple[float, float]] = []
    for k in order:
        p = (float(fy[iy[k], ix[k]]), float(fx[iy[k], ix[k]]))
        if any(abs(p[0] + q[0]) < 1.5 / t and abs(p[1] + q[1]) < 1.5 / t for q in peaks):
            continue  # the symmetric twin of a peak we have
        peaks.append(p)
        if len(peaks) >= 16:
            break
    return HalftoneInfo(peaks, t)


def _notch(t: int, peaks: list[tuple[float, float]], width: float) -> np.ndarray:
    f = np.fft.fftfreq(t)
    fy, fx = np.meshgrid(f, f, indexing="ij")
    n = np.ones((t, t), np.float32)
    for py, px in peaks:
        for sy, sx in ((py, px), (-py, -px)):
            dy = (fy - sy + 0.5) % 1.0 - 0.5
            dx = (fx - sx + 0.5) % 1.0 - 0.5
            n *= (1 - np.exp(-(dy * dy + dx * dx) / (2 * width * width))).astype(np.float32)
    return n


def remove_halftone(pixels: np.ndarray, info: HalftoneInfo | None = None, *, width_bins: float | None = None) -> np.ndarray:
    """Remove a halftone screen: notch out its spectral peaks tile by tile.

    Tiles overlap by half and are windowed so their sum is seamless; only
    one padded channel is held at a time besides the input and output, so
    memory stays near two copies of the image.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB (not modified).
    info : HalftoneInfo, optional
        From :func:`find_halftone`; found when omitted.
    width_bins : float, optional
        Gaussian notch radius in FFT bins; default 4 % of the tile, wide
        enough to take the picture's copies that a multiplicative screen
        makes around each peak.

    Returns
    -------
    ndarray
        A new image (a copy when no screen was found).

    Examples
    --------
    >>> import numpy as np
    >>> yy, xx = np.mgrid[0:256, 0:256]
    >>> img = (0.5 + 0.2 * np.cos(2 * np.pi * xx / 5))[..., None].repeat(3, 2).astype(np.float32)
    >>> bool(remove_halftone(img)[64:192, 64:192].std() < 0.02)
    True
    """
    img = check_image(pixels)
    info = info if info is not None else find_halftone(img)
    if not info.found:
        return img.copy()
    t = info.tile
    hop = t // 2
    width = width_bins if width_bins is not None else max(2.0, 0.04 * t)
    notch = _notch(t, info.peaks, width / t)
    # periodic Hann: shifted copies at hop t/2 sum to 1 in 2-D (product of 1-D sums)
    w1 = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(t) / t)).astype(np.float32)
    win = np.outer(w1, w1)
    h, w = img.shape[:2]
    out = np.empty_like(img)
    for c in range(3):
        pad = np.pad(img[..., c], ((t, t), (t, t)), mode="reflect")
        acc = np.zeros_like(pad)
        for y in range(0, pad.shape[0] - t + 1, hop):
            for x in range(0, pad.shape[1] - t + 1, hop):
                tile = pad[y:y + t, x:x + t] * win
                acc[y:y + t, x:x + t] += np.fft.irfft2(np.fft.rfft2(tile) * notch[:, : t // 2 + 1], s=(t, t)).real
        out[..., c] = acc[t:t + h, t:t + w]
        del pad, acc
    return np.clip(out, 0, 1)
