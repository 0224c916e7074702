"""Generator and resampling traces: spectral peaks, upsampling periodicity, JPEG grid, double compression.

* Generators upsample through transposed convolutions or fixed-factor decoders
  and leave periodic peaks in the 2-D spectrum.
* Interpolated (upsampled) images have second differences that vary
  periodically with pixel phase (Popescu & Farid); nearest-neighbour copies
  leave runs of identical pixels.
* JPEG leaves an 8x8 block grid; a JPEG saved at a low quality and again at
  a higher one keeps a "ghost" of the first quality (re-saving at it changes
  the image unusually little).

Everything is measured on a bounded sample of full-resolution tiles.
"""

from __future__ import annotations

import cv2
import numpy as np

from candid.colour import luma
from candid.inspector._types import Context, TellResult
from candid.inspector.tells.measures import sample_tiles, sigmoid

TILE = 256


def jpeg_luma(rgb: np.ndarray) -> np.ndarray:
    """JPEG's Y channel (BT.601) on the 0-255 scale, where JPEG quantised it."""
    return luma(rgb) * np.float32(255.0)


def _tiles(ctx: Context) -> list[np.ndarray]:
    px = ctx.original
    grey = [jpeg_luma(px[y0:y1, x0:x1]) for y0, y1, x0, x1 in sample_tiles(px.shape[:2], TILE, 16)]
    return [g for g in grey if min(g.shape) >= 32]


def spectral_peaks(tiles: list[np.ndarray], size: int = 64) -> tuple[float, np.ndarray]:
    """Strongest periodic peak of the mean power spectrum over its radial trend (log units).

    Welch's method: ``size`` px windows with 50 % overlap over all tiles, so
    the log-spectrum is averaged over hundreds of windows and a random bump
    stays well under 1 while a periodic artifact (period 2, 4, 8 px...)
    stands out.
    """
    win = np.outer(np.hanning(size), np.hanning(size)).astype(np.float32)
    power = np.zeros((size, size))
    count = 0
    for t in tiles:
        hp = t - cv2.GaussianBlur(t, (0, 0), 2.0)
        for y in range(0, t.shape[0] - size + 1, size // 2):
            for x in range(0, t.shape[1] - size + 1, size // 2):
                power += np.abs(np.fft.fftshift(np.fft.fft2(hp[y:y + size, x:x + size] * win))) ** 2
                count += 1
    if count == 0:
        return 0.0, np.zeros((size, size), np.float32)
    logp = np.log(power / count + 1e-6)
    yy, xx = np.mgrid[:size, :size] - size // 2
    r = np.hypot(yy, xx).astype(int)
    radial = np.bincount(r.ravel(), logp.ravel()) / np.maximum(np.bincount(r.ravel()), 1)
    resid = logp - radial[r]
    resid[r < size // 16] = 0
    resid[size // 2, :] = 0  # axes carry image-border and row/column effects
    resid[:, size // 2] = 0
    return float(np.percentile(resid, 99.9)), resid.astype(np.float32)


def resampling_periodicity(tiles: list[np.ndarray]) -> dict[str, float]:
    """Periodicity of |second difference| (upsampling) and share of identical neighbours (nearest).

    ``period2`` compares the spectral line at 1/2 cycle/px with the JPEG-grid
    harmonics at 1/8 and 3/8, so a plain JPEG grid does not count as resampling.
    """
    best, p2, same = 0.0, 0.0, []
    for axis in (0, 1):
        for order in (1, 2):
            prof = []
            for t in tiles:
                d = np.abs(np.diff(t, n=order, axis=1 - axis))
                prof.append(d.mean(axis=axis))
                if order == 1:
                    same.append(float(np.mean(d < 1e-3)))
            n = min(len(p) for p in prof) // 2 * 2
            spec = np.mean([np.abs(np.fft.rfft(p[:n] - p[:n].mean())) for p in prof], axis=0)
            freqs = np.fft.rfftfreq(n)
            base = np.median(spec[1:]) + 1e-6
            jpeg = [np.interp(f, freqs, spec) for f in (1 / 8, 3 / 8)]
            p2 = max(p2, float((spec[-1] - max(jpeg)) / base))
            keep = freqs > 0.05
            for k in range(1, 5):
                keep &= np.abs(freqs - k / 8) > 1.5 / n
            best = max(best, float(spec[keep].max() / base))
    return {"period2": p2, "other_peak": best, "identical_neighbours": float(np.mean(same))}


def jpeg_grid(tiles: list[np.ndarray]) -> tuple[float, tuple[int, int]]:
    """Blockiness: mean |step| across the strongest 8-px phase over the other phases (1 = no grid)."""
    ratios = []
    phases = []
    for axis in (1, 0):
        acc = np.zeros(8)
        for t in tiles:
            d = np.abs(np.diff(t, axis=axis))
            prof = d.mean(axis=1 - axis)
            m = len(prof) // 8 * 8
            acc += prof[:m].reshape(-1, 8).mean(axis=0)
        k = int(np.argmax(acc))
        ratios.append(acc[k] / max(np.median(np.delete(acc, k)), 1e-6))
        phases.append((k + 1) % 8)
    return float(min(ratios)), (phases[1], phases[0])


GHOST_QUALITIES = tuple(range(30, 100, 5))


def jpeg_ghosts(tiles: list[np.ndarray], offset: tuple[int, int]) -> tuple[float, list[float]]:
    """Evidence of an earlier, lower-quality JPEG save ("JPEG ghosts", Farid 2009).

    The luma is re-saved at qualities 30..95 on its own 8x8 grid and the
    mean squared difference recorded. A once-saved JPEG has one dip, at its
    quality; an image saved first at a lower quality and then again at a
    higher one shows a second dip at the first quality. Returns the relative
    depth of the second-deepest interior dip (0 = none) and the curve.

    Examples
    --------
    >>> flat = [np.full((64, 64), 128, np.float32)]
    >>> jpeg_ghosts(flat, (0, 0))[0]
    0.0
    """
    oy, ox = offset
    curve = np.zeros(len(GHOST_QUALITIES))
    for t in tiles:
        t = np.clip(np.rint(t[oy:, ox:]), 0, 255).astype(np.uint8)
        h, w = t.shape[0] // 8 * 8, t.shape[1] // 8 * 8
        t = np.ascontiguousarray(t[:h, :w])
        for i, q in enumerate(GHOST_QUALITIES):
            ok, buf = cv2.imencode(".jpg", t, [cv2.IMWRITE_JPEG_QUALITY, q])
            back = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE).astype(np.float32)
            curve[i] += float(np.mean((back - t) ** 2))
    curve /= max(len(tiles), 1)
    depths = []
    for i in range(1, len(curve) - 1):
        nb = min(curve[i - 1], curve[i + 1])
        if curve[i] < nb:
            depths.append((nb - curve[i]) / max(nb, 1e-6))
    depths.sort(reverse=True)
    return (float(depths[1]) if len(depths) > 1 else 0.0), [round(float(c), 4) for c in curve]


def judge(ctx: Context) -> TellResult:
    """Score generator and resampling traces: 1 = strong traces."""
    tiles = _tiles(ctx)
    if not tiles:
        return TellResult("traces", 0.5, 0.0, "image too small", "Not judged: image too small.")
    peak, resid = spectral_peaks(tiles)
    rs = resampling_periodicity(tiles)
    grid, offset = jpeg_grid(tiles)
    dq, ghost_curve = jpeg_ghosts(tiles, offset) if grid > 1.1 else (0.0, [])
    parts = {
        "spectral peaks": sigmoid((peak - 2.0) / 0.3),
        "upsampling": sigmoid((max(rs["period2"], rs["other_peak"] - 4) - 4.0) / 1.5),
        "nearest-neighbour copies": sigmoid((rs["identical_neighbours"] - 0.3) / 0.06),
        "double JPEG": sigmoid((dq - 0.08) / 0.025),
    }
    score = float(max(parts.values()))
    worst = max(parts, key=parts.get)
    notes = [f"{n}: {'yes' if s > 0.6 else 'no'}" for n, s in parts.items()]
    notes.append(f"JPEG grid {'present' if grid > 1.15 else 'absent'} (blockiness {grid:.2f})")
    return TellResult("traces", score, float(np.clip(len(tiles) / 4, 0.5, 1.0)), "",
                      "Traces: " + "; ".join(notes) + f". Strongest: {worst}.", None, None, [],
                      {"spectral_peak": peak, **rs, "jpeg_blockiness": grid, "jpeg_grid_offset": list(offset),
                       "double_jpeg": dq, "ghost_curve": ghost_curve, "parts": parts, "spectrum_residual_max": float(resid.max())})
