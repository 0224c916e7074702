"""Glitch on purpose: pixel sorting, channel shift, JPEG-corruption blocks, scanlines.

All sizes are fractions of the image width or height, so a glitch looks the
same at any resolution; all randomness is seeded.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import cv2
import numpy as np

from candid.colour import REC709_WEIGHTS
from candid.looks.checks import check_fraction, check_image, check_seed
from candid.looks.options import GlitchOptions
from candid.machine import usable_cpus

#: The pixel sort's brightness key: Rec. 709 weights on the encoded values (a pragmatic key, not
#: luminance; kept as shipped so a seed's glitch stays the same picture).
_SORT_KEY = REC709_WEIGHTS


def _sort_runs(block: np.ndarray, lum: np.ndarray, lo: float, hi: float) -> bool:
    """Sort, in place and by ``lum``, each run of pixels of a row whose luminance is in [lo, hi].

    ``block`` is ``(rows, W, 3)`` of any dtype and ``lum`` its ``(rows, W)``
    luminance; runs never cross rows. Returns whether anything was in range.
    """
    mask = (lum >= lo) & (lum <= hi)
    if not mask.any():
        return False
    # segment labels: a new run starts where the mask switches on (or at a row start)
    starts = mask & ~np.concatenate([np.zeros((len(mask), 1), bool), mask[:, :-1]], axis=1)
    seg = np.cumsum(starts.ravel()).reshape(mask.shape)
    flat_pos = np.flatnonzero(mask.ravel())
    # by run, then by luminance, ties in place: one stable sort of run + luminance (lum in [0, 1], float64
    # holds both exactly) gives lexsort's order ~10x faster (the runs arrive in order, which timsort uses)
    order = np.argsort(seg.ravel()[flat_pos] + lum.ravel()[flat_pos].astype(np.float64), kind="stable")
    px = block.reshape(-1, 3)
    px[flat_pos] = px[flat_pos[order]]
    return True


def pixel_sort(img: np.ndarray, *, lo: float = 0.35, hi: float = 0.85, rows: float = 1.0, vertical: bool = False,
               seed: int = 0) -> np.ndarray:
    """Sort runs of pixels whose brightness is within ``[lo, hi]`` by brightness.

    Along rows (or columns if ``vertical``); ``rows`` is the fraction of
    lines sorted (chosen with ``seed``).

    Examples
    --------
    >>> import numpy as np
    >>> img = np.random.default_rng(0).random((8, 16, 3)).astype(np.float32)
    >>> out = pixel_sort(img, lo=0.0, hi=1.0)
    >>> lum = out @ np.float32([0.2126, 0.7152, 0.0722])  # the sort key
    >>> bool((np.diff(lum, axis=1) >= -1e-6).all())
    True
    """
    img = check_image(img)
    check_fraction(lo, "lo")
    check_fraction(hi, "hi")
    check_fraction(rows, "rows")
    work = np.ascontiguousarray(img.transpose(1, 0, 2)) if vertical else img.copy()
    h, w = work.shape[:2]
    rng = np.random.default_rng([check_seed(seed), 23])
    chosen = np.flatnonzero(rng.random(h) < rows)
    for start in range(0, len(chosen), 256):
        idx = chosen[start:start + 256]
        block = work[idx]
        if _sort_runs(block, block @ _SORT_KEY, lo, hi):
            work[idx] = block
    return np.ascontiguousarray(work.transpose(1, 0, 2)) if vertical else work


def channel_shift(img: np.ndarray, *, amount: float = 0.01, seed: int = 0) -> np.ndarray:
    """Displace the red and blue channels by up to ``amount`` of the width (wrapping).

    Examples
    --------
    >>> import numpy as np
    >>> channel_shift(np.zeros((8, 8, 3), np.float32)).shape
    (8, 8, 3)
    """
    img = check_image(img)
    rng = np.random.default_rng([check_seed(seed), 29])
    h, w = img.shape[:2]
    out = img.copy()
    for c in (0, 2):
        dx = int(round(rng.uniform(-1, 1) * amount * w))
        dy = int(round(rng.uniform(-0.3, 0.3) * amount * h))
        out[..., c] = np.roll(img[..., c], (dy, dx), axis=(0, 1))
    return out


def jpeg_damage_plan(height: int, width: int, amount: float, seed: int) -> tuple[int, list[tuple]]:
    """Where JPEG-style corruption hits a ``height x width`` image, and how (drawn before any pixel is touched).

    Returns the block size ``b`` (an "MCU": 8 px at 512 px wide, scaled so the
    damage looks alike at every size) and the damaged patches in order, each
    ``(y0, y1, x0, x1, kind, extra)``: kind 0 smears the first row down,
    1 shifts the data ``extra`` px along the row, 2 keeps one flat colour per
    block (DC only), 3 swaps the chroma planes and offsets them by ``extra``.
    Patches are added until they cover ``amount`` of the blocks.

    Examples
    --------
    >>> b, ops = jpeg_damage_plan(64, 64, 0.2, seed=1)
    >>> b, len(ops) > 0, all(y0 % b == 0 and x0 % b == 0 for y0, _, x0, *_ in ops)
    (8, True, True)
    """
    rng = np.random.default_rng([seed, 31])
    b = max(8, int(round(8 * max(height, width) / 512 / 8)) * 8)
    gh, gw = height // b, width // b
    target = amount * gh * gw if gh >= 1 and gw >= 1 else 0
    done = 0.0
    ops: list[tuple] = []
    while done < target:
        r, c = int(rng.integers(gh)), int(rng.integers(gw))
        run = int(rng.integers(1, max(2, gw // 2)))
        y0, y1 = r * b, (r + int(rng.integers(1, 3))) * b
        x0, x1 = c * b, min(width, (c + run) * b)
        y1 = min(height, y1)
        kind = int(rng.integers(4))
        extra = int(rng.integers(1, b * 4)) if kind == 1 else float(rng.uniform(-0.2, 0.2)) if kind == 3 else None
        ops.append((y0, y1, x0, x1, kind, extra))
        done += (y1 - y0) * (x1 - x0) / (b * b)
    return b, ops

def jpeg_blocks(img: np.ndarray, *, amount: float = 0.05, seed: int = 0) -> np.ndarray:
    """JPEG-corruption-style damage: runs of 8x8-grid blocks (scaled to the image)
    that are smeared, shifted, quantised to their DC colour or colour-swapped.

    ``amount`` is the fraction of the image area damaged.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.random.default_rng(0).random((64, 64, 3)).astype(np.float32)
    >>> bool((jpeg_blocks(img, amount=0.2, seed=1) != img).any())
    True
    """
    img = check_image(img)
    check_fraction(amount, "amount")
    out = img.copy()
    h, w = img.shape[:2]
    b, ops = jpeg_damage_plan(h, w, amount, check_seed(seed))
    if h < b or w < b:
        return out
    for y0, y1, x0, x1, kind, extra in ops:
        patch = out[y0:y1, x0:x1]
        if kind == 0:      # smear the last good row down the blocks
            patch[:] = patch[:1]
        elif kind == 1:    # shifted data
            patch[:] = np.roll(patch, extra, axis=1)
        elif kind == 2:    # DC only: one flat colour per block
            ph, pw = patch.shape[0] // b, patch.shape[1] // b
            if ph and pw:
                dc = patch[:ph * b, :pw * b].reshape(ph, b, pw, b, 3).mean(axis=(1, 3))
                patch[:ph * b, :pw * b] = np.repeat(np.repeat(dc, b, 0), b, 1)
        else:              # chroma planes swapped / offset
            ycc = cv2.cvtColor(np.ascontiguousarray(patch), cv2.COLOR_RGB2YCrCb)
            ycc[..., 1:] = ycc[..., 1:][..., ::-1] + np.float32(extra)
            patch[:] = cv2.cvtColor(ycc, cv2.COLOR_YCrCb2RGB)
    return out.clip(0, 1)


def scanlines(img: np.ndarray, *, amount: float = 0.3, tear: float = 0.02, seed: int = 0) -> np.ndarray:
    """Video-style scanlines (dark lines every 1/540 of the height) and horizontal sync tears.

    ``amount`` is line darkness; ``tear`` the max displacement of torn bands
    (fraction of the width).

    Examples
    --------
    >>> import numpy as np
    >>> out = scanlines(np.full((54, 20, 3), 0.5, np.float32), tear=0)
    >>> bool(out.min() < 0.5)
    True
    """
    img = check_image(img)
    check_fraction(amount, "amount")
    rng = np.random.default_rng([check_seed(seed), 37])
    h, w = img.shape[:2]
    out = img.copy()
    period = h / 540.0 * 2  # 540 line pairs whatever the resolution
    y = np.arange(h, dtype=np.float32)
    if period >= 1.5:
        phase = np.cos(2 * np.pi * y / period) * 0.5 + 0.5
        out *= (1 - amount * phase)[:, None, None].astype(np.float32)
    else:  # too few pixels for line pairs: the average darkening only
        out *= np.float32(1 - amount / 2)
    for _ in range(rng.poisson(4) if tear > 0 else 0):
        y0 = int(rng.integers(h))
        y1 = min(h, y0 + max(1, int(rng.uniform(0.005, 0.05) * h)))
        out[y0:y1] = np.roll(out[y0:y1], int(rng.uniform(-1, 1) * tear * w), axis=1)
    return out


def glitch(img: np.ndarray, *, options: GlitchOptions | None = None, **settings: Any) -> np.ndarray:
    """A deliberate digital glitch: pixel sort + channel shift + corrupt blocks + scanlines.

    Each part is off when its setting is 0.

    Parameters
    ----------
    img : ndarray
        ``(H, W, 3)`` sRGB float in [0, 1]. Not modified.
    options : GlitchOptions, optional
        ``sort`` (fraction of rows pixel-sorted), ``shift`` (channel
        displacement, fraction of the width), ``blocks`` (fraction of the area
        with JPEG-style corruption), ``lines`` (scanline darkness), ``seed``;
        see :class:`candid.looks.options.GlitchOptions`.
    **settings
        Fields of :class:`~candid.looks.options.GlitchOptions` instead of (or over) ``options``.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.random.default_rng(0).random((64, 64, 3)).astype(np.float32)
    >>> np.array_equal(glitch(img, seed=4), glitch(img, seed=4))
    True
    """
    img = check_image(img)
    o = GlitchOptions.parse(options, **settings)
    sort, shift, blocks, lines, seed = o.sort, o.shift, o.blocks, o.lines, o.seed
    out = img
    if sort > 0:
        out = pixel_sort(out, rows=sort, seed=seed)
    if shift > 0:
        out = channel_shift(out, amount=shift, seed=seed)
    if blocks > 0:
        out = jpeg_blocks(out, amount=blocks, seed=seed)
    if lines > 0:
        out = scanlines(out, amount=lines, seed=seed)
    return out.astype(np.float32, copy=False) if out is not img else img.copy()


def glitch_inplace(arr: np.ndarray, *, options: GlitchOptions | None = None, band_rows: int = 256,
                   workers: int | None = None, **settings: Any) -> np.ndarray:
    """:func:`glitch` on an 8/16-bit image, in place, without a float copy of the whole image.

    Same random choices as :func:`glitch` (same seeds, same order); float
    work is done on one block of rows or one damaged patch at a time, so the
    extra memory is one channel of ``arr`` (for the channel shift). Results
    match :func:`glitch` to within a code value or two (quantised between
    steps).

    Parameters
    ----------
    arr : ndarray
        ``(H, W, 3)`` uint8 or uint16 sRGB. Modified and returned.
    options, **settings
        The glitch's settings, as for :func:`glitch`.
    band_rows : int
        Rows per block of float work.
    workers : int, optional
        Threads for the row sorting and the scanlines (default: the CPUs this
        process may use); the result does not depend on it.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    >>> f = glitch(img.astype(np.float32) / 255, sort=0.5, seed=2)
    >>> g = glitch_inplace(img.copy(), sort=0.5, seed=2)
    >>> g.dtype, bool(np.abs(np.rint(f * 255) - g).mean() < 0.5)
    (dtype('uint8'), True)
    """
    if not isinstance(arr, np.ndarray) or arr.ndim != 3 or arr.shape[2] != 3 or arr.dtype not in (np.uint8, np.uint16):
        raise ValueError("arr must be an (H, W, 3) uint8 or uint16 array")
    o = GlitchOptions.parse(options, **settings)
    sort, shift, blocks, lines, seed = o.sort, o.shift, o.blocks, o.lines, o.seed
    peak = np.float32(np.iinfo(arr.dtype).max)
    workers = workers or usable_cpus()
    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 else None
    mapper = pool.map if pool is not None else map
    try:
        _glitch_steps(arr, peak, sort, shift, blocks, lines, seed, band_rows, mapper)
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    return arr


def _glitch_steps(arr, peak, sort, shift, blocks, lines, seed, band_rows, mapper) -> None:
    h, w = arr.shape[:2]

    def quant(x: np.ndarray) -> np.ndarray:
        return np.clip(np.rint(x * peak), 0, peak).astype(arr.dtype)

    if sort > 0:  # as pixel_sort(lo=0.35, hi=0.85, rows=sort)
        rng = np.random.default_rng([seed, 23])
        chosen = np.flatnonzero(rng.random(h) < sort)

        def sort_rows(start: int) -> None:  # distinct rows per group: groups run in parallel
            idx = chosen[start:start + 64]
            block = arr[idx]
            if _sort_runs(block, (block.astype(np.float32) / peak) @ _SORT_KEY, 0.35, 0.85):
                arr[idx] = block

        # runs never cross rows: any chunking gives the same result
        list(mapper(sort_rows, range(0, len(chosen), 64)))
    if shift > 0:  # as channel_shift, in bands of rows on the pool (one channel copy at a time)
        rng = np.random.default_rng([seed, 29])
        src = np.empty((h, w), arr.dtype)
        for c in (0, 2):
            dx = int(round(rng.uniform(-1, 1) * shift * w))
            dy = int(round(rng.uniform(-0.3, 0.3) * shift * h))
            if dx % w == 0 and dy % h == 0:
                continue

            def grab(r0: int, c: int = c) -> None:
                src[r0:r0 + band_rows] = arr[r0:r0 + band_rows, :, c]

            def put(r0: int, c: int = c, dx: int = dx % w, dy: int = dy % h) -> None:
                r1 = min(h, r0 + band_rows)
                rows = src[(np.arange(r0, r1) - dy) % h] if dy else src[r0:r1]  # np.roll: out[y] = in[y - dy]
                if dx:
                    arr[r0:r1, dx:, c] = rows[:, :w - dx]
                    arr[r0:r1, :dx, c] = rows[:, w - dx:]
                else:
                    arr[r0:r1, :, c] = rows

            list(mapper(grab, range(0, h, band_rows)))
            list(mapper(put, range(0, h, band_rows)))
        del src
    if blocks > 0:  # as jpeg_blocks, one patch at a time in float, non-overlapping patches on the pool
        b, ops = jpeg_damage_plan(h, w, blocks, seed)  # the random choices do not depend on the pixels

        def damage(op) -> None:  # reads and writes only its own rectangle
            y0, y1, x0, x1, kind, extra = op
            view = arr[y0:y1, x0:x1]
            if kind == 0:
                view[:] = view[:1]
            elif kind == 1:
                view[:] = np.roll(view, extra, axis=1)
            elif kind == 2:
                ph, pw = view.shape[0] // b, view.shape[1] // b
                if ph and pw:
                    patch = view[:ph * b, :pw * b].astype(np.float32) / peak
                    dc = patch.reshape(ph, b, pw, b, 3).mean(axis=(1, 3))
                    view[:ph * b, :pw * b] = quant(np.repeat(np.repeat(dc, b, 0), b, 1))
            else:
                ycc = cv2.cvtColor(np.ascontiguousarray(view.astype(np.float32) / peak), cv2.COLOR_RGB2YCrCb)
                ycc[..., 1:] = ycc[..., 1:][..., ::-1] + np.float32(extra)
                view[:] = quant(cv2.cvtColor(ycc, cv2.COLOR_YCrCb2RGB))

        # waves: a patch runs after every earlier patch it overlaps, patches of one wave are disjoint,
        # so running each wave in parallel gives the sequential result exactly
        wave_of: list[int] = []
        for i, (y0, y1, x0, x1, _, _) in enumerate(ops):
            wave_of.append(1 + max((wave_of[j] for j, o in enumerate(ops[:i])
                                    if o[0] < y1 and y0 < o[1] and o[2] < x1 and x0 < o[3]), default=-1))
        for k in range(max(wave_of, default=-1) + 1):
            list(mapper(damage, [op for op, wv in zip(ops, wave_of) if wv == k]))
    if lines > 0:  # as scanlines(amount=lines, tear=0.02)
        rng = np.random.default_rng([seed, 37])
        period = h / 540.0 * 2
        y = np.arange(h, dtype=np.float32)
        if period >= 1.5:
            gain = (1 - lines * (np.cos(2 * np.pi * y / period) * 0.5 + 0.5)).astype(np.float32)
        else:
            gain = np.full(h, 1 - lines / 2, np.float32)
        def shade(r0: int) -> None:
            r1 = min(h, r0 + band_rows)
            if arr.dtype == np.uint8:  # one scaled, rounded, saturated pass per row (no float copy)
                for r in range(r0, r1):
                    arr[r] = cv2.convertScaleAbs(arr[r], alpha=float(gain[r]))
                return
            arr[r0:r1] = quant(arr[r0:r1].astype(np.float32) / peak * gain[r0:r1, None, None])

        list(mapper(shade, range(0, h, band_rows)))
        for _ in range(rng.poisson(4)):
            y0 = int(rng.integers(h))
            y1 = min(h, y0 + max(1, int(rng.uniform(0.005, 0.05) * h)))
            arr[y0:y1] = np.roll(arr[y0:y1], int(rng.uniform(-1, 1) * 0.02 * w), axis=1)
