"""Upscaling to a target size with pluggable backends, tiled, streaming to disk.

The pipeline for any window of the output (all steps local, so windows of
one image agree with the whole image):

1. resample the source to the output geometry, cropped or padded per the fit
   policy: enlarging a source of up to 12 MP, OpenCV cubic from the source in
   memory; otherwise pyvips (lazy; Lanczos-3 when reducing); either way clamped
   to the resampled 3x3 source range (anti-ringing);
2. ``detail-transfer``: add the missing frequency band from reference photos
   of the same person (:mod:`candid.finish._detail`);
3. restore sharpening sized to the magnification, clamped to the local
   min/max so edges steepen without halos;
4. output sharpening for ``screen`` or ``print``;
5. sensor-like noise (:func:`candid.finish.add_sensor_noise`), unless off.

:func:`finish_to_file` renders windows ``tile`` pixels high and four tiles wide with ``overlap``
pixels blended by linear ramps that sum to one, accumulates one row of tiles
at a time, quantises finished rows to a temporary uncompressed strip TIFF beside
the output, and libvips streams that (strip by strip) into the final JPEG/PNG/TIFF.
"""

from __future__ import annotations

import math
import os
import struct
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import cv2
import numpy as np
import pyvips

from candid.errors import BadImageError, CandidError, SubjectError
from candid.finish._detail import DetailModel, check_landmarks, prepare_detail
from candid.finish._ops import (
    add_sensor_noise, clamp_to_bounds, clip01, noise_strength, resample_window, sharpen_chain, source_bounds,
    source_noise_sigma,
)
from candid.finish._size import FitPlan, plan_fit
from candid.finish.options import BACKENDS, KERNELS, SHARPEN, FinishOptions  # noqa: F401  (re-exported)
from candid.pixels import check_float_image

IdentityCheck = Callable[[np.ndarray], float]


@dataclass(frozen=True)
class FinishResult:
    """What :func:`finish_to_file` wrote and how.

    Attributes
    ----------
    path : Path
    width, height : int
    backend : str
        The backend actually used.
    scale : float
        Source-to-output magnification.
    tiles : int
    seconds : float
    working_set_mb : float
        Estimated peak of candid's own buffers (tile-row accumulator, tile
        windows, mapped raw output); see ``docs/FINISH.md`` for measured RSS.
    identity_distance : float or None
        What ``identity_check`` returned on the result, if given.
    notes : tuple of str
        What was done, the first one being the honest limit when the
        enlargement is beyond 4x.
    dpi : int or None
        Print resolution written into the file (print targets).
    matte_note : str or None
        One line on the matte saved beside the source file (used, not
        needed, or why there was none), for the front door to say; None
        when the source was an array or a matte was passed in.
    params : dict
        What the finish found, as numbers for the step's log: the learned
        passes' JPEG model (:func:`candid.finish._jpeg.jpeg_model_params`),
        empty when no learned pass ran.
    """

    path: Path
    width: int
    height: int
    backend: str
    scale: float
    tiles: int
    seconds: float
    working_set_mb: float
    identity_distance: float | None = None
    notes: tuple[str, ...] = ()
    dpi: int | None = None
    matte_note: str | None = None
    params: dict = field(default_factory=dict)


@dataclass
class _Settings:
    backend: str
    noise: bool
    iso: float
    sharpen: str
    seed: int
    kernel: str
    pad_color: tuple[float, float, float]
    detail_strength: float
    dpi: int | None
    noise_scale: float = 1.0
    target: str | tuple[int, int] = ""

    @classmethod
    def of(cls, o: FinishOptions, backend: str, plan: FitPlan, target: str | tuple[int, int]) -> "_Settings":
        """The render settings of options ``o``, with the backend actually used."""
        return cls(backend, o.noise, o.iso, o.sharpen, o.seed, o.kernel, tuple(o.pad_color), o.detail_strength,
                   plan.dpi, target=target)


#: ``auto`` runs the learned pre-upscale only on sources up to this many pixels (about 10 s on 2 cores).
AUTO_LEARNED_MAX_PIXELS = 640 * 960
#: The explicit ``learned`` backend: first 2x pass up to this many source pixels (the 2x result is held
#: in memory as float32: 4 x 12 bytes per source pixel), second pass (4x in all) up to the next limit.
LEARNED_MAX_PIXELS = (4_000_000, 640 * 960)


def honest_limit_note(plan: FitPlan, target: str | tuple[int, int] = "") -> str:
    """The plain warning for an enlargement beyond 4x the real detail.

    Examples
    --------
    >>> from candid.finish import plan_fit
    >>> honest_limit_note(plan_fit(512, 512, "8k", "contain"), "8k")
    '8K from a 512 px photo: enlarged 8.4x; detail at 1:1 is limited'
    """
    name = target.upper() if isinstance(target, str) and target.lower() in ("8k", "4k") else \
        f"{plan.out_w}x{plan.out_h}"
    return (f"{name} from a {max(plan.src_w, plan.src_h)} px photo: enlarged {plan.scale:.1f}x; "
            f"detail at 1:1 is limited")


def learned_passes(src_w: int, src_h: int, scale: float, *, max_pixels: tuple[int, int] = LEARNED_MAX_PIXELS) -> int:
    """How many learned 2x passes (0, 1 or 2) to run before the classical resampler.

    A pass runs when the magnification left is at least 1.5x and the source is
    small enough; a second pass (4x in all) when the magnification is at least 3x.

    Examples
    --------
    >>> learned_passes(500, 500, 8.6), learned_passes(500, 500, 2.0), learned_passes(500, 500, 1.2)
    (2, 1, 0)
    >>> learned_passes(4000, 3000, 2.5)
    0
    """
    n = src_w * src_h
    if scale < 1.5 or n > max_pixels[0]:
        return 0
    return 2 if scale >= 3.0 and n <= max_pixels[1] else 1


def resolve_backend(backend: str, references, landmarks, src_w: int = 0, src_h: int = 0,
                    scale: float = 1.0) -> str:
    """The backend ``backend`` means for this source: ``auto`` -> detail-transfer with references,
    else learned for small sources (measured best, ``docs/FINISH.md``), else classical.

    Examples
    --------
    >>> resolve_backend("auto", None, None, 4000, 3000, 2.0)
    'classical'
    """
    has_refs = bool(references) and landmarks is not None
    if backend == "auto":
        if has_refs:
            return "detail-transfer"
        from candid.finish._waifu2x import waifu2x_available

        if scale >= 1.5 and src_w * src_h <= AUTO_LEARNED_MAX_PIXELS and waifu2x_available():
            return "learned"
        return "classical"
    if backend == "detail-transfer" and not has_refs:
        raise CandidError("the detail-transfer backend needs reference photos of the same person "
                          "and the face's landmarks",
                          hint="pass --reference PHOTO (one or more), or use --backend classical")
    return backend


#: How enlarged windows are resampled: "cv2" (OpenCV cubic, a = -0.75: +0.29 dB over Pillow Lanczos on 6 real
#: portraits) or "vips" (libvips affine, Catmull-Rom bicubic: +0.20 dB), kept for comparison.
_CANVAS = "cv2"
#: Enlarging sources up to this size are held in memory (float32, with their 3x3 min/max: 36 bytes a
#: pixel, 430 MB at the limit) and resampled by OpenCV; bigger ones stream through libvips (bicubic).
IN_MEMORY_MAX_PIXELS = 12_000_000


class _Finisher:
    """Renders any window of the finished output."""

    def __init__(self, source: pyvips.Image, src_w: int, src_h: int, plan: FitPlan, settings: _Settings,
                 detail: DetailModel | None, pre_scale: float = 1.0):
        self.plan, self.s, self.detail = plan, settings, detail
        self.W, self.H = plan.out_w, plan.out_h
        # magnification left for the resampler after a learned pre-upscale (pre_scale = 2 or 4)
        self.pre_scale = pre_scale
        self.scale = plan.scale / pre_scale
        self.content = (plan.offset_x, plan.offset_y, plan.resampled_w, plan.resampled_h) if plan.fit == "pad" \
            else (0, 0, self.W, self.H)
        canvas = self._geometry(source, settings.kernel)
        # Anti-ringing: the resampled value may not leave the range of the source pixels around it
        # (3x3 min/max of the source, resampled bilinearly), so Lanczos lobes cannot draw halos.
        # Enlarging without padding (the common case), the bounds are drawn by OpenCV from the source
        # in memory (same bilinear, pixel-centre aligned; 5x cheaper than two more libvips affines).
        sx, sy = plan.resampled_w / source.width, plan.resampled_h / source.height
        self._bounds = None
        if sx > 1 and sy > 1 and plan.fit != "pad" and source.width * source.height <= IN_MEMORY_MAX_PIXELS:
            src = np.asarray(source.numpy(), np.float32)
            ox, oy = (plan.offset_x, plan.offset_y) if plan.fit == "crop" else (0, 0)
            self._bounds = (*source_bounds(src), sx, sy, ox, oy)
            self._src = src
        else:
            self.lo = self._geometry(source.rank(3, 3, 0), "linear").cast("float")
            self.hi = self._geometry(source.rank(3, 3, 8), "linear").cast("float")
        self.canvas = canvas.cast("float")
        # restore sharpening (what the magnification softened) and output sharpening
        restore = self.scale > 1.2
        self.restore = (min(4.0, 0.5 * self.scale), 0.6, max(1, min(4, round(0.5 * self.scale)))) \
            if restore else None
        if settings.sharpen == "screen":
            self.output = (0.6, 0.4, 1, 0.0)
        elif settings.sharpen == "print":
            self.output = (max(0.6, (settings.dpi or 300) / 300.0), 0.9, 1, 0.1)
        else:
            self.output = None
        m = 2
        if detail is not None:
            m += detail.margin
        if self.restore:
            m += math.ceil(3 * self.restore[0]) + self.restore[2]
        if self.output:
            m += math.ceil(3 * self.output[0]) + self.output[2]
        self.margin = m

    def _geometry(self, image: pyvips.Image, kernel: str) -> pyvips.Image:
        plan = self.plan
        sx, sy = plan.resampled_w / image.width, plan.resampled_h / image.height
        if sx > 1 and sy > 1:
            # Enlarging: libvips' resize ignores the kernel when upsizing and measured 0.9 dB below
            # Pillow's Lanczos on real photos; an affine with pixel-centre alignment and bicubic
            # interpolation (bilinear for the clamp bounds) is within 0.2 dB of it. ("nohalo" is
            # 0.2 dB better but 10x the CPU: 13 s for 1080x1920 -> 4320x7680.)
            interp = pyvips.Interpolate.new("bilinear" if kernel == "linear" else "bicubic")
            r = image.affine([sx, 0, 0, sy], interpolate=interp, odx=0.5 * sx - 0.5, ody=0.5 * sy - 0.5,
                             oarea=[0, 0, plan.resampled_w, plan.resampled_h], extend="copy")
        else:
            r = image.resize(sx, vscale=sy, kernel=kernel)
        if (r.width, r.height) != (plan.resampled_w, plan.resampled_h):
            r = r.crop(0, 0, min(r.width, plan.resampled_w), min(r.height, plan.resampled_h))
            r = r.embed(0, 0, plan.resampled_w, plan.resampled_h, extend="copy")
        if plan.fit == "crop":
            return r.crop(plan.offset_x, plan.offset_y, self.W, self.H)
        if plan.fit == "pad":
            return r.embed(plan.offset_x, plan.offset_y, self.W, self.H, extend="background",
                           background=list(self.s.pad_color))
        return r

    def _fetch(self, image: pyvips.Image, xa: int, ya: int, w: int, h: int) -> np.ndarray:
        return np.asarray(image.crop(xa, ya, w, h).numpy(), dtype=np.float32)

    def _canvas(self, xa: int, ya: int, w: int, h: int) -> np.ndarray:
        if self._bounds is None or _CANVAS == "vips":
            return self._fetch(self.canvas, xa, ya, w, h)
        _, _, sx, sy, ox, oy = self._bounds
        return resample_window(self._src, sx, sy, xa + ox, ya + oy, w, h)

    def _clamp_bounds(self, px: np.ndarray, xa: int, ya: int, w: int, h: int) -> None:
        """Clamp ``px`` (the canvas window) in place to the resampled 3x3 source min/max."""
        if self._bounds is None:
            np.maximum(px, self._fetch(self.lo, xa, ya, w, h), out=px)
            np.minimum(px, self._fetch(self.hi, xa, ya, w, h), out=px)
            return
        lo, hi, sx, sy, ox, oy = self._bounds
        # output pixel (i, j) of the window samples the source at ((xa + ox + j + 0.5) / sx - 0.5, ...)
        clamp_to_bounds(px, lo, hi, sx, sy, xa + ox, ya + oy)

    def render(self, y0: int, x0: int, h: int, w: int) -> np.ndarray:
        """Finished pixels of the output window ``[y0, y0+h) x [x0, x0+w)``, float32."""
        M = self.margin
        ya, xa = max(0, y0 - M), max(0, x0 - M)
        yb, xb = min(self.H, y0 + h + M), min(self.W, x0 + w + M)
        px = self._canvas(xa, ya, xb - xa, yb - ya)
        if self.scale > 1:
            self._clamp_bounds(px, xa, ya, xb - xa, yb - ya)
        pads = ((ya - (y0 - M), (y0 + h + M) - yb), (xa - (x0 - M), (x0 + w + M) - xb), (0, 0))
        if any(p for pair in pads for p in pair):
            px = np.pad(px, pads, mode="reflect") if min(px.shape[:2]) > 1 else np.pad(px, pads, mode="edge")
        gy, gx = y0 - M, x0 - M
        if self.scale <= 1 or self._bounds is None:  # clamped to the source's bounds is already in [0, 1]
            px = clip01(px)
        if self.detail is not None:
            px = self.detail.apply(px, gy, gx)
        # restore then output sharpening, chained on luminance (one add to R, G, B)
        steps = []
        if self.restore:
            sigma, amount, radius = self.restore
            steps.append((sigma, amount, radius, 0.0))
        if self.output:
            steps.append(self.output)
        if steps:
            px = sharpen_chain(px, steps, out=px, clip=False)  # clipped once, at the end
        px = px[M:M + h, M:M + w]
        if self.s.noise and self.s.noise_scale > 0:  # keyed to global positions, so only the core is needed
            mask = np.float32(self.s.noise_scale)
            if self.plan.fit == "pad":
                cx, cy, cw, ch = self.content
                yy = np.arange(y0, y0 + h)
                xx = np.arange(x0, x0 + w)
                mask = (((yy >= cy) & (yy < cy + ch))[:, None] & ((xx >= cx) & (xx < cx + cw))[None, :])
                mask = mask.astype(np.float32) * np.float32(self.s.noise_scale)
            px = add_sensor_noise(px, iso=self.s.iso, out_long_side=max(self.W, self.H), seed=self.s.seed,
                                  origin=(y0, x0), mask=mask)
        return clip01(px)


def _blend_into(acc: np.ndarray, t: np.ndarray, wy: np.ndarray, wx: np.ndarray) -> None:
    """``acc += t * wy[:, None] * wx[None, :]``, copying where the weight is exactly one.

    A weight of one means no other tile covers the pixel (the weights are a
    partition of unity and the ramps never reach zero), so the accumulator
    still holds zero there and a copy is exact; only the overlap frame is
    multiplied.
    """
    def ones(w: np.ndarray) -> tuple[int, int]:
        idx = np.flatnonzero(w == 1.0)
        if not idx.size or idx.size != idx[-1] + 1 - idx[0]:  # none, or not one run: blend everything
            return (0, 0)
        return int(idx[0]), int(idx[-1]) + 1

    (r0, r1), (c0, c1) = ones(wy), ones(wx)
    if r1 <= r0 or c1 <= c0:
        acc += t * (wy[:, None, None] * wx[None, :, None])
        return
    acc[r0:r1, c0:c1] = t[r0:r1, c0:c1]
    for rs, cs in ((slice(0, r0), slice(None)), (slice(r1, None), slice(None)),
                   (slice(r0, r1), slice(0, c0)), (slice(r0, r1), slice(c1, None))):
        part = t[rs, cs]
        if part.size:
            acc[rs, cs] += part * (wy[rs][:, None, None] * wx[cs][None, :, None])


def _tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    if length <= tile:
        return [0]
    n = math.ceil((length - overlap) / (tile - overlap))
    return [round(i * (length - tile) / (n - 1)) for i in range(n)]


def _tile_weights(starts: list[int], size: int, length: int) -> list[np.ndarray]:
    """Per-tile 1-D blend weights: linear ramps over each overlap, summing to one everywhere."""
    out = []
    for i, s in enumerate(starts):
        n = min(size, length - s)
        wgt = np.ones(n, np.float32)
        if i > 0:
            ov = starts[i - 1] + size - s
            if ov > 0:
                wgt[:ov] = (np.arange(ov, dtype=np.float32) + 0.5) / ov
        if i + 1 < len(starts):
            ov = s + size - starts[i + 1]
            if ov > 0:
                wgt[n - ov:] = np.minimum(wgt[n - ov:], 1.0 - (np.arange(ov, dtype=np.float32) + 0.5) / ov)
        out.append(wgt)
    # normalise so the weights sum to one everywhere, even where three tiles overlap
    total = np.zeros(length, np.float32)
    for s, wgt in zip(starts, out):
        total[s:s + len(wgt)] += wgt
    return [wgt / total[s:s + len(wgt)] for s, wgt in zip(starts, out)]


def tile_grid(width: int, height: int, tile: int, overlap: int,
              tile_w: int | None = None) -> list[tuple[int, int, int, int]]:
    """The tiles ``(y, x, h, w)`` covering a ``width x height`` image with at least ``overlap`` between neighbours.

    Tiles are ``tile`` pixels high and ``tile_w`` (default ``tile``) wide.

    Examples
    --------
    >>> tile_grid(100, 50, 64, 16)
    [(0, 0, 50, 64), (0, 36, 50, 64)]
    >>> tile_grid(100, 50, 64, 16, tile_w=256)
    [(0, 0, 50, 100)]
    """
    tw = tile if tile_w is None else tile_w
    if min(tile, tw) <= 2 * overlap:
        raise ValueError("tile must be more than twice the overlap")
    ys, xs = _tile_starts(height, tile, overlap), _tile_starts(width, tw, overlap)
    return [(y, x, min(tile, height - y), min(tw, width - x)) for y in ys for x in xs]


#: :func:`finish_to_file` renders windows ``tile`` high and this many tiles wide (256 x 1024 by default):
#: wide windows have less overlap and margin per pixel, and windows this small keep a window's float32
#: intermediates (3 MB each) in the CPU cache: 256-px tiles measured 25 % less CPU than 512, 1024 twice as much.
WINDOW_WIDTH_TILES = 4


def window_grid(width: int, height: int, tile: int = 256, overlap: int = 16) -> list[tuple[int, int, int, int]]:
    """The render windows :func:`finish_to_file` uses (progress bars count these).

    Examples
    --------
    >>> len(window_grid(4320, 7680, 256, 16))
    160
    """
    return tile_grid(width, height, tile, overlap, tile_w=WINDOW_WIDTH_TILES * tile)


def run_tiles(
    render: Callable[[int, int, int, int], np.ndarray],
    width: int,
    height: int,
    emit: Callable[[int, np.ndarray], None],
    *,
    tile: int = 512,
    overlap: int = 32,
    on_tile: Callable[[], None] | None = None,
    tile_w: int | None = None,
) -> int:
    """Render an image tile by tile and hand finished rows to ``emit(y, rows)`` top to bottom.

    Neighbouring tiles overlap by at least ``overlap`` pixels and are blended
    with linear ramps that sum to one. Only one row of tiles is held at a
    time: about ``tile * width * 12`` bytes. Tiles are ``tile`` high and
    ``tile_w`` (default ``tile``) wide. Returns the number of tiles.
    """
    tw_max = tile if tile_w is None else tile_w
    if min(tile, tw_max) <= 2 * overlap:
        raise ValueError("tile must be more than twice the overlap")
    ys, xs = _tile_starts(height, tile, overlap), _tile_starts(width, tw_max, overlap)
    wy, wx = _tile_weights(ys, tile, height), _tile_weights(xs, tw_max, width)
    carry: np.ndarray | None = None
    count = 0
    # one accumulator for every row of tiles: zeroing touched memory is cheaper than fresh pages
    buf = np.empty((min(tile, height), width, 3), np.float32)
    for i, y in enumerate(ys):
        th = min(tile, height - y)
        acc = buf[:th]
        acc.fill(0.0)
        for j, x in enumerate(xs):
            tw = min(tw_max, width - x)
            t = render(y, x, th, tw)
            _blend_into(acc[:, x:x + tw], t, wy[i], wx[j])
            count += 1
            if on_tile:
                on_tile()
        if carry is not None:
            acc[:carry.shape[0]] += carry
        done = ys[i + 1] - y if i + 1 < len(ys) else th
        emit(y, acc[:done])
        carry = acc[done:].copy() if done < th else None
    return count


class _StripTiff:
    """An uncompressed RGB TIFF written top to bottom, one strip per row, IFD at the end.

    libvips reads it back strip by strip (``access="sequential"``), so the
    intermediate costs disk, not memory. Classic TIFF: under 4 GB.
    """

    def __init__(self, fh, width: int, height: int, bits: int):
        self.f, self.w, self.h, self.bits = fh, width, height, bits
        self.f.write(b"II*\x00" + struct.pack("<I", 0))

    def write(self, rows: np.ndarray) -> None:
        self.f.write(np.ascontiguousarray(rows, dtype="<u2" if self.bits == 16 else np.uint8).tobytes())

    def close(self) -> None:
        f, w, h, bits = self.f, self.w, self.h, self.bits
        row_bytes = w * 3 * bits // 8

        def here() -> int:
            if f.tell() % 2:
                f.write(b"\0")
            return f.tell()

        bps = here()
        f.write(struct.pack("<3H", bits, bits, bits))
        offs = here()
        f.write((8 + np.arange(h, dtype=np.uint64) * row_bytes).astype("<u4").tobytes())
        counts = here()
        f.write(np.full(h, row_bytes, "<u4").tobytes())
        ifd = here()
        tags = [(256, 4, 1, w), (257, 4, 1, h), (258, 3, 3, bps), (259, 3, 1, 1), (262, 3, 1, 2),
                (273, 4, h, offs), (277, 3, 1, 3), (278, 4, 1, 1), (279, 4, h, counts), (284, 3, 1, 1)]
        f.write(struct.pack("<H", len(tags)))
        for tag, typ, count, val in tags:
            f.write(struct.pack("<HHIHH", tag, typ, count, val, 0) if typ == 3 and count == 1
                    else struct.pack("<HHII", tag, typ, count, val))
        f.write(struct.pack("<I", 0))
        f.seek(4)
        f.write(struct.pack("<I", ifd))


def _array_to_vips(img: np.ndarray) -> pyvips.Image:
    return pyvips.Image.new_from_array(np.ascontiguousarray(img, dtype=np.float32))


def _vips_to_float(image: pyvips.Image) -> pyvips.Image:
    if image.hasalpha():
        image = image.flatten(background=[65535] * 3 if image.format == "ushort" else [255] * 3)
    peak = 65535.0 if image.format == "ushort" else 255.0
    return (image.cast("float") / peak).cast("float")


def _check_matte(matte, width: int, height: int) -> np.ndarray | None:
    """``matte`` as ``(H, W)`` float32 alpha of a ``width`` x ``height`` source, or None."""
    if matte is None:
        return None
    m = np.asarray(matte, np.float32)
    if m.shape != (height, width):
        raise CandidError(f"finish: the matte is {m.shape[1] if m.ndim > 1 else '?'}x{m.shape[0]} pixels, "
                          f"the image {width}x{height}", hint="pass the matte of exactly this image, or none")
    if not np.isfinite(m).all():
        raise CandidError("finish: the matte has NaN or infinite values", hint="pass alpha values in [0, 1]")
    return np.clip(m, 0.0, 1.0)


def _build(source: pyvips.Image, plan: FitPlan, settings: _Settings, landmarks, references,
           reference_landmarks, on_learned_tile: Callable[[], None] | None = None,
           matte: np.ndarray | None = None, artefact_guard: bool = True, measure_damage: bool = True,
           grid_matrix=None, quality: float | None = None,
           logged_damage: float | None = None, logged_grid: str = "logged") -> tuple[_Finisher, list[str]]:
    notes = [f"{plan.src_w}x{plan.src_h} -> {plan.out_w}x{plan.out_h} ({plan.fit}, x{plan.scale:.2f}, "
             f"{settings.backend}, {settings.kernel})"]
    if plan.scale > 4.0:
        notes.insert(0, honest_limit_note(plan, settings.target))
    if settings.noise:
        m = 1024
        cx, cy = max(0, (source.width - m) // 2), max(0, (source.height - m) // 2)
        crop = np.asarray(source.crop(cx, cy, min(m, source.width), min(m, source.height)).numpy(), np.float32)
        sigma = source_noise_sigma(crop)
        settings.noise_scale = noise_strength(settings.iso, max(plan.out_w, plan.out_h), sigma)
        notes.append(f"sensor noise at {settings.noise_scale:.0%} of ISO {settings.iso:g}: never more than the "
                     f"source's own noise (sigma {sigma:.4f})")
    detail = None
    pre = 1
    found: dict = {}  # structured findings for the step's params (the learned passes' JPEG model)
    if settings.backend == "learned":
        from candid.finish._waifu2x import GUARD_SCALE, NOISE_LEVEL, learned_denoise, learned_enlarge

        passes = learned_passes(plan.src_w, plan.src_h, plan.scale)
        # beyond 4x the light JPEG-noise model would draw the source's compression damage as texture: the
        # model follows the damage measured on the pixels (and the file's table), not the magnification alone
        level = damage = None
        rule, where = "light", None
        if passes and artefact_guard and plan.scale > GUARD_SCALE:
            rule = "unmeasured" if measure_damage else "magnification"
        if rule == "unmeasured":
            from candid.finish._jpeg import jpeg_damage, noise_level

            if logged_damage is not None:  # measured when the frame was made, before a save could erase it
                damage, where = float(logged_damage), logged_grid
            else:
                damage = jpeg_damage(np.asarray(source.numpy(), np.float32), mask=matte, matrix=grid_matrix)
                where = "photo" if grid_matrix is not None else "picture"
            if damage is not None or quality is not None:
                level, rule = noise_level(damage or 0.0, quality), "measured"
        denoise = learned_denoise(plan.scale, guard=artefact_guard, level=level)
        if passes:  # the model the passes use, as numbers the front doors put in words (jpeg_model_words)
            from candid.finish._jpeg import jpeg_model_params

            found = jpeg_model_params(NOISE_LEVEL[denoise], rule, damage=damage, grid=where,
                                      quality=quality if rule == "measured" else None)
        if passes == 0:
            notes.append("learned pre-upscale skipped (magnification under 1.5x or source too big); classical only")
        else:
            # the matte's edge trust is made once: for the enlargement and for the note
            trust = None
            if matte is not None:
                from candid.finish._waifu2x import matte_edge_trust

                trust = matte_edge_trust(matte)
            arr = learned_enlarge(np.asarray(source.numpy(), np.float32), passes, on_tile=on_learned_tile,
                                  matte=matte, trust=trust, denoise=denoise)
            pre = 2 ** passes
            source = _array_to_vips(arr)
            del arr
            notes.append(f"waifu2x photo model {pre}x pre-upscale ({passes} pass{'es' if passes > 1 else ''}, "
                         f"CPU, consistent with the source), then classical x{plan.scale / pre:.2f}")
            if level is not None or denoise > 1:
                measured = level is not None  # else by magnification alone: nothing measured to report
                notes.append(_damage_note(plan.scale, NOISE_LEVEL[denoise], damage if measured else None,
                                          quality if measured else None))
            if trust is not None:
                edge = float((trust < 1.0).mean())
                if edge > 0:
                    notes.append(f"classical enlargement along the cut-out's edge ({edge:.0%} of the picture): "
                                 f"the network would draw the composite's mixed pixels as chips")
    if settings.backend == "detail-transfer":
        lm = check_landmarks(landmarks, "landmarks")
        sx, sy = plan.resampled_w / plan.src_w, plan.resampled_h / plan.src_h
        ox, oy = (-plan.offset_x, -plan.offset_y) if plan.fit == "crop" else \
            ((plan.offset_x, plan.offset_y) if plan.fit == "pad" else (0, 0))
        lm_out = np.column_stack([(lm[:, 0] + 0.5) * sx - 0.5 + ox, (lm[:, 1] + 0.5) * sy - 0.5 + oy])
        detail = prepare_detail((plan.out_h, plan.out_w), lm_out, list(references), list(reference_landmarks),
                                upscale_factor=plan.scale, strength=settings.detail_strength)
        notes += detail.notes
        if not detail.choices:
            notes.append("no reference was sharper than the source or aligned well enough: no detail added")
    fin = _Finisher(source, plan.src_w, plan.src_h, plan, settings, detail, pre_scale=pre)
    fin.params = found
    return fin, notes


def _damage_note(scale: float, level: int, damage: float | None, quality: float | None) -> str:
    """The finish's note on the JPEG-noise model the learned passes used beyond 4x, and why.

    Examples
    --------
    >>> _damage_note(6.33, 3, 0.068, None).split(":")[0]
    "waifu2x's strongest JPEG-artefact model (noise level 3)"
    >>> _damage_note(6.0, 0, 0.0, None).split(", and ")[1]
    'the source measured no JPEG damage (block-grid excess 0.000): fine texture kept'
    """
    what = {0: "lightest JPEG-noise model", 1: "light JPEG-artefact model", 2: "medium JPEG-artefact model",
            3: "strongest JPEG-artefact model"}[level]
    head = f"waifu2x's {what} (noise level {level}): enlarged {scale:.1f}x"
    if damage is None and quality is None:  # not measured (too small a picture): by magnification alone
        return (f"{head}, the source's compression blocks and ringing would otherwise be drawn as texture "
                f"(fine texture is softer)")
    said = []
    if damage is not None:
        said.append(f"block-grid excess {damage:.3f}")
    if quality is not None:
        said.append(f"file quality about {quality:.0f}")
    from candid.finish._jpeg import DAMAGE_WORDS  # (the same words as the front doors' jpeg_model_words)

    found = f"the source measured {DAMAGE_WORDS[level]} ({', '.join(said)})"
    if level == 0:
        return f"{head}, and {found}: fine texture kept"
    return (f"{head}, and {found}: its compression blocks and ringing would otherwise be drawn as texture "
            f"(fine texture is softer)")


def _identity(identity_check, preview: np.ndarray, threshold: float) -> float | None:
    if identity_check is None:
        return None
    dist = float(identity_check(preview))
    if dist > threshold:
        raise SubjectError(f"the finished image no longer looks like the person "
                           f"(identity distance {dist:.3f} > {threshold})",
                           hint="try --backend classical, a lower detail strength, or other references")
    return dist


def upscale(
    img: np.ndarray,
    target: str | tuple[int, int],
    *,
    landmarks: np.ndarray | None = None,
    references: list[np.ndarray] | None = None,
    reference_landmarks: list[np.ndarray] | None = None,
    identity_check: IdentityCheck | None = None,
    options: FinishOptions | None = None,
    matte: np.ndarray | None = None,
    artefact_guard: bool = True,
    measure_damage: bool = True,
    grid_matrix=None,
    **settings: Any,
) -> np.ndarray:
    """Upscale (or fit) an image to a target size, in memory.

    Parameters
    ----------
    img : ndarray
        ``(H, W, 3)`` float sRGB in [0, 1]. Not modified.
    target : str or (int, int)
        ``"8k"``, ``"4k"``, ``"print:16x20@300"`` or ``"WIDTHxHEIGHT"`` /
        ``(W, H)``; see :func:`candid.finish.target_size`.
    landmarks : ndarray, optional
        ``(68, 2)`` landmarks of the face in ``img`` (detail transfer).
    references, reference_landmarks : list of ndarray, optional
        Photos of the same person and their ``(68, 2)`` landmarks.
    identity_check : callable, optional
        ``f(result) -> distance``; a distance over ``identity_threshold``
        raises :class:`candid.errors.SubjectError`.
    options : FinishOptions, optional
        The settings (:class:`candid.finish.options.FinishOptions`): ``fit``
        (crop, pad, contain), ``backend`` (``auto`` is ``detail-transfer``
        when references and landmarks are given, else ``learned`` for sources
        up to 640x960, else ``classical``; see :func:`resolve_backend`),
        ``noise`` (off when a film look adds grain), ``iso``, ``sharpen``,
        ``kernel``, ``detail_strength``, ``pad_color``, ``seed``, ``tile``
        (None: one piece; tiles give the same result within float rounding),
        ``overlap`` (None: 32), ``identity_threshold``.
    matte : ndarray, optional
        ``(H, W)`` alpha when ``img`` is a composite (a studio headshot): the
        learned backend leaves the cut-out's edge to the classical
        enlargement (:func:`candid.finish.matte_edge_trust`).
    artefact_guard : bool
        Beyond 4x the learned passes use waifu2x's strongest JPEG-artefact
        photo model, so the source's compression damage is not drawn as
        texture (:func:`candid.finish.learned_denoise`; said in the notes).
        False: the light model at every magnification.
    measure_damage : bool
        With the guard, the JPEG model beyond 4x follows the damage measured
        on the picture (:func:`candid.finish._jpeg.jpeg_damage`: waifu2x
        noise level 0 for a clean one .. 3 for heavy blocks; round 18).
        False: the strongest model beyond 4x, whatever the picture (round 17).
    grid_matrix : array-like, optional
        2x3 affine from the photo the picture was cut from to the picture
        (the studio's ``frame_matrix``): the JPEG grid is measured on the
        photo's axes, not the rotated picture's.
    **settings
        The same settings as keywords, over ``options`` (the keywords of
        earlier versions; a misspelt one raises :class:`candid.errors.CandidError`).

    Returns
    -------
    ndarray
        ``(H', W', 3)`` float32.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.finish import upscale
    >>> img = np.random.default_rng(0).random((40, 60, 3)).astype(np.float32)
    >>> upscale(img, (240, 120), fit="crop").shape
    (120, 240, 3)
    """
    return upscale_report(img, target, landmarks=landmarks, references=references,
                          reference_landmarks=reference_landmarks, identity_check=identity_check,
                          options=options, matte=matte, artefact_guard=artefact_guard,
                          measure_damage=measure_damage, grid_matrix=grid_matrix, **settings)[0]


def upscale_report(img: np.ndarray, target: str | tuple[int, int], *, landmarks=None, references=None,
                   reference_landmarks=None, identity_check: IdentityCheck | None = None,
                   options: FinishOptions | None = None, tile_w: int | None = None,
                   matte: np.ndarray | None = None, plan: FitPlan | None = None, artefact_guard: bool = True,
                   measure_damage: bool = True, grid_matrix=None, logged_damage: float | None = None,
                   logged_grid: str = "logged", return_params: bool = False,
                   **settings: Any) -> tuple:
    """:func:`upscale`, also returning the backend used and the notes (honest limit first, if any).

    ``logged_damage``: the block-grid damage measured when the frame was made (a saved headshot's log,
    :func:`candid.finish._jpeg.log_frame`), used instead of measuring these pixels; ``logged_grid`` is where it
    was measured, the finish's ``jpeg_grid`` (``"logged"``: a saved headshot's; ``"photo"``: the frame still in
    memory, measured on the photo's grid by ``engine.studio`` in the same run, :func:`candid.finish.stage.finish_stage`).
    ``return_params=True`` adds a fourth item: what the finish found as numbers for the step's log (the
    learned passes' JPEG model, :func:`candid.finish._jpeg.jpeg_model_params`; empty when no learned pass
    ran), which the front doors say in words (:func:`candid.finish._jpeg.jpeg_model_words`).

    ``tile_w`` renders tiles ``tile`` high and ``tile_w`` wide (the recipe stage uses
    :func:`finish_to_file`'s 256 x 1024 windows, the fastest measured). ``plan`` is the fit the caller
    already made for this image, target and ``fit`` (:func:`candid.finish.plan_fit`; the recipe stage
    scales the matte with it), used instead of being made again. ``artefact_guard``, ``measure_damage`` and
    ``grid_matrix`` as for :func:`upscale`.

    Examples
    --------
    >>> import numpy as np
    >>> out, used, notes = upscale_report(np.full((10, 10, 3), 0.5, np.float32), (50, 50), backend="classical")
    >>> out.shape, used, notes[0]
    ((50, 50, 3), 'classical', '50x50 from a 10 px photo: enlarged 5.0x; detail at 1:1 is limited')
    """
    img = check_float_image(img, "image")
    o = FinishOptions.parse(options, **settings)
    h, w = img.shape[:2]
    if plan is None:
        plan = plan_fit(w, h, target, o.fit)
    elif (plan.src_w, plan.src_h, plan.fit) != (w, h, o.fit):
        raise ValueError(f"plan is for a {plan.src_w}x{plan.src_h} source fitted by {plan.fit!r}, "
                         f"the image is {w}x{h} fitted by {o.fit!r}")
    used = resolve_backend(o.backend, references, landmarks, w, h, plan.scale)
    fin, notes = _build(_array_to_vips(np.clip(img, 0, 1)), plan, _Settings.of(o, used, plan, target), landmarks,
                        references or [], reference_landmarks or [], matte=_check_matte(matte, w, h),
                        artefact_guard=artefact_guard, measure_damage=measure_damage, grid_matrix=grid_matrix,
                        logged_damage=logged_damage, logged_grid=logged_grid)
    if o.tile is None:
        out = fin.render(0, 0, plan.out_h, plan.out_w)
    else:
        out = np.empty((plan.out_h, plan.out_w, 3), np.float32)

        def emit(y: int, rows: np.ndarray) -> None:
            out[y:y + rows.shape[0]] = rows

        overlap = 32 if o.overlap is None else o.overlap
        run_tiles(fin.render, plan.out_w, plan.out_h, emit, tile=o.tile, overlap=overlap, tile_w=tile_w)
    _identity(identity_check, out, o.identity_threshold)
    if return_params:
        return out.astype(np.float32, copy=False), used, tuple(notes), dict(fin.params)
    return out.astype(np.float32, copy=False), used, tuple(notes)


def finish_to_file(
    source: str | os.PathLike | np.ndarray,
    out_path: str | os.PathLike,
    target: str | tuple[int, int] = "8k",
    *,
    landmarks: np.ndarray | None = None,
    references: list[np.ndarray] | None = None,
    reference_landmarks: list[np.ndarray] | None = None,
    identity_check: IdentityCheck | None = None,
    xmp: bytes | None = None,
    on_start: Callable[[int], None] | None = None,
    on_tile: Callable[[], None] | None = None,
    options: FinishOptions | None = None,
    matte: np.ndarray | str | None = "saved",
    artefact_guard: bool = True,
    measure_damage: bool = True,
    grid_matrix=None,
    logged_damage: float | None = None,
    **settings: Any,
) -> FinishResult:
    """Finish an image to a big file with bounded memory (tiles + streaming write).

    The output is rendered in overlapping tiles (see :func:`upscale` for the
    processing parameters), quantised to 8 or 16 bits row by row into a
    temporary strip TIFF beside ``out_path``, checked, and streamed by libvips
    into the final file, which appears complete or not at all.

    Parameters
    ----------
    source : path or ndarray
        An image file (read lazily through pyvips) or a float ``(H, W, 3)`` array.
    out_path : path
        ``.jpg``, ``.png`` or ``.tif`` (16-bit needs PNG or TIFF).
    xmp : bytes, optional
        XMP packet to embed (provenance).
    on_start : callable, optional
        Called with the number of tiles before rendering (progress bars).
    on_tile : callable, optional
        Called after each tile.
    options : FinishOptions, optional
        The settings, as for :func:`upscale`, plus the file's: ``bit_depth``
        (8 or 16), ``quality`` (JPEG) and ``identity_preview`` (long side of
        the preview passed to ``identity_check``); here ``tile`` defaults to
        256 and ``overlap`` to 16.
    matte : ndarray, "saved" or None
        ``(H, W)`` alpha of a composite source, as for :func:`upscale`.
        ``"saved"`` (the default): the matte saved beside a source file
        (``NAME.matte.png``, written by ``candid make``;
        :func:`candid.finish.load_saved_matte`), used only if it belongs to
        exactly the file's pixels; a note says which. None: no matte.
    artefact_guard, measure_damage : bool
        As for :func:`upscale`; a JPEG file's quantisation table counts too
        (:func:`candid.finish._jpeg.jpeg_table_quality`).
    grid_matrix : array-like, optional
        As for :func:`upscale`: the 2x3 affine from the photo to the
        source's pixels (a studio headshot saved at its frame's size: the
        ``frame_matrix`` its log carries, :func:`candid.finish._jpeg.log_frame`).
        Without it the block grid is measured on the file's own pixel grid.
    logged_damage : float, optional
        The damage measured when the headshot's frame was made (its log,
        :func:`candid.finish._jpeg.log_frame`), used instead of measuring the
        file: a JPEG save erases the photo's faint old block steps.
    **settings
        The same settings as keywords, over ``options``.

    Returns
    -------
    FinishResult

    Raises
    ------
    CandidError
        Bad target, backend, options, unreadable input, or unwritable output.
    SubjectError
        ``identity_check`` said the result is no longer the person (nothing written).

    Examples
    --------
    >>> from candid.finish import finish_to_file
    >>> res = finish_to_file("portrait.jpg", "portrait-8k.jpg", "8k")  # doctest: +SKIP
    >>> res.width, res.height  # doctest: +SKIP
    (7680, 4320)
    """
    t0 = time.perf_counter()
    o = FinishOptions.parse(options, **settings)
    bit_depth = o.bit_depth
    tile = 256 if o.tile is None else o.tile
    overlap = 16 if o.overlap is None else o.overlap
    out_path = Path(out_path)
    from candid.imageio import open_vips, output_format, write_vips

    fmt = output_format(out_path)
    if bit_depth == 16 and fmt not in ("png", "tiff"):
        raise CandidError(f"{out_path.name}: {fmt.upper()} cannot hold 16 bits", hint="write a .tif or .png")
    saved = None
    if isinstance(matte, str):
        if matte != "saved":
            raise CandidError(f"finish: matte={matte!r}", hint="pass an (H, W) alpha array, 'saved' or None")
        matte = None
        from_file = True
    else:
        from_file = False
    quality = None
    if isinstance(source, np.ndarray):
        img = check_float_image(source, "image")
        src_vips = _array_to_vips(np.clip(img, 0, 1))
        name = "array"
    else:
        if not Path(source).exists():
            raise BadImageError(f"{source}: no such file")
        image, _ = open_vips(source)
        src_vips = _vips_to_float(image)
        name = Path(source).name
        if measure_damage:  # the file's own quantisation table says how hard it was compressed
            from candid.finish._jpeg import jpeg_table_quality

            quality = jpeg_table_quality(source)
        if from_file:  # a studio headshot's cut-out matte, saved beside it and bound to its pixels
            from candid.finish._saved_matte import load_saved_matte

            saved = load_saved_matte(source)
            matte = saved.matte
    plan = plan_fit(src_vips.width, src_vips.height, target, o.fit)
    used = resolve_backend(o.backend, references, landmarks, plan.src_w, plan.src_h, plan.scale)
    fin, notes = _build(src_vips, plan, _Settings.of(o, used, plan, target), landmarks, references or [],
                        reference_landmarks or [], matte=_check_matte(matte, plan.src_w, plan.src_h),
                        artefact_guard=artefact_guard, measure_damage=measure_damage, quality=quality,
                        grid_matrix=grid_matrix, logged_damage=logged_damage)
    notes.insert(1 if plan.scale > 4.0 else 0, f"source {name}")  # the honest limit stays first
    matte_note = None
    if saved is not None:
        learned = used == "learned" and fin.pre_scale > 1
        if saved.matte is not None and not learned:
            matte_note = ("the cut-out's matte saved with the headshot was not needed: the classical "
                          "enlargement draws no chips along its edge")
        elif saved.matte is not None or learned or saved.found:
            matte_note = saved.note
        if matte_note:
            notes.append(matte_note)
    W, H = plan.out_w, plan.out_h
    n_tiles = len(window_grid(W, H, tile, overlap))
    if on_start:
        on_start(n_tiles)
    peak, dtype = (65535.0, np.uint16) if bit_depth == 16 else (255.0, np.uint8)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    as_tiff = W * H * 3 * (bit_depth // 8) < 3.9 * 2**30
    fd, raw = tempfile.mkstemp(prefix=f".{out_path.name}.", suffix=".tif" if as_tiff else ".raw",
                               dir=out_path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            writer = _StripTiff(fh, W, H, bit_depth) if as_tiff else None

            def emit(y: int, rows: np.ndarray) -> None:
                if bit_depth == 8:  # one multithreaded pass: round half to even, saturate (rows are >= 0)
                    q = cv2.convertScaleAbs(rows, alpha=255.0)
                else:  # in place: rows is a view of the accumulator that is not used again
                    np.multiply(rows, np.float32(peak), out=rows)
                    np.rint(rows, out=rows)
                    q = np.clip(rows, 0, peak, out=rows).astype(dtype)
                writer.write(q) if writer else fh.write(q.tobytes())

            count = run_tiles(fin.render, W, H, emit, tile=tile, overlap=overlap, on_tile=on_tile,
                              tile_w=WINDOW_WIDTH_TILES * tile)
            if writer:
                writer.close()

        def load() -> pyvips.Image:
            if as_tiff:
                im = pyvips.Image.new_from_file(raw, access="sequential")
            else:
                im = pyvips.Image.rawload(raw, W, H, 3, format="ushort" if bit_depth == 16 else "uchar")
            return im.copy(interpretation="rgb16" if bit_depth == 16 else "srgb")

        dist = None
        if identity_check is not None:
            f = min(1.0, o.identity_preview / max(W, H))
            big = load()
            prev = big.resize(f, kernel="lanczos3") if f < 1 else big
            dist = _identity(identity_check, np.asarray(prev.numpy(), np.float32) / peak, o.identity_threshold)
            notes.append(f"identity distance {dist:.3f} (threshold {o.identity_threshold:g})")
            del big, prev
        write_vips(out_path, load(), quality=o.quality, xmp=xmp, dpi=plan.dpi)
    finally:
        if os.path.exists(raw):
            os.unlink(raw)
    bytes_per = 2 if bit_depth == 16 else 1
    win = (tile + 2 * fin.margin) * (min(W, WINDOW_WIDTH_TILES * tile) + 2 * fin.margin) * 3 * 4
    held = fin._src.size * 4 * 3 if fin._bounds is not None else 0  # source and its 3x3 min/max in memory
    working = (tile * W * 12 + 8 * win + held + (0 if as_tiff else W * H * 3 * bytes_per)) / 2**20
    return FinishResult(out_path, W, H, used, plan.scale, count, time.perf_counter() - t0, round(working, 1),
                        dist, tuple(notes), plan.dpi, matte_note, dict(fin.params))
