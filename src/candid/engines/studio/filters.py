"""Filters the studio stages share: box/Gaussian blurs, normalised convolution, resize (luminance is candid.colour's)."""

from __future__ import annotations

import cv2
import numpy as np


def box(x: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)^2 window, edges reflected."""
    k = 2 * int(r) + 1
    return cv2.boxFilter(x, -1, (k, k), borderType=cv2.BORDER_REFLECT101)


def gauss(x: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur, edges reflected (``sigma <= 0``: unchanged)."""
    if sigma <= 0:
        return x
    return cv2.GaussianBlur(x, (0, 0), float(sigma), borderType=cv2.BORDER_REFLECT101)


def normalized_blur(values: np.ndarray, weight: np.ndarray, sigma: float, *,
                    den: np.ndarray | None = None) -> np.ndarray:
    """Weighted Gaussian average (normalised convolution): fills gaps with nearby weighted values.

    Where no weighted pixel lies within reach of ``sigma``, the estimate
    comes from successively wider blurs, so every pixel gets its nearest
    known colour rather than a division by almost zero. ``den``: the
    caller's own ``gauss(weight, sigma)`` (float32 weight), not made again.

    Examples
    --------
    >>> v = np.zeros((40, 40), np.float32); v[:, 20:] = 1; w = np.zeros((40, 40), np.float32); w[:, 10] = w[:, 30] = 1
    >>> out = normalized_blur(v, w, 3.0)
    >>> float(out[5, 8]), float(out[5, 33])
    (0.0, 1.0)
    >>> bool((normalized_blur(v, w, 3.0, den=gauss(w, 3.0)) == out).all())
    True
    """
    w = weight.astype(np.float32)
    expand = (lambda x: x[..., None]) if values.ndim == 3 else (lambda x: x)
    out = None
    need = None
    s = float(sigma)
    limit = 2 * max(w.shape)
    while True:
        if out is None:  # the estimate itself, exact
            num, den = gauss(values * expand(w), s), (gauss(w, s) if den is None else den)
        else:  # only a far fill: made coarse (a sigma of hundreds of px at full size took minutes on 6 MP)
            num, den = _coarse_gauss(values * expand(w), s), _coarse_gauss(w, s)
        est = num / expand(np.maximum(den, 1e-12))
        ok = den > 1e-3
        if out is None:
            out, need = est, ~ok
        else:
            out = np.where(expand(need & ok), est, out)
            need = need & ~ok
        if not need.any() or s > limit or not w.any():
            break
        s *= 4
    return out.astype(np.float32)


#: Round 18's fast paths: :func:`normalized_blur_on` and the studio's closings and dilations work on the crop
#: around the pixels that use them, a large binary opening row by row (:func:`open_binary`). False: the plain
#: whole-image calls; the same values, only slower (the tests compare the two).
FAST_PATHS = True


def box_around(where: np.ndarray, margin: int) -> tuple[int, int, int, int]:
    """``(y0, y1, x0, x1)``: the box of ``where``'s True pixels grown by ``margin`` px, within the image.

    Examples
    --------
    >>> m = np.zeros((50, 60), bool); m[10:12, 40:45] = True
    >>> box_around(m, 5)
    (5, 17, 35, 50)
    """
    ys, xs = np.nonzero(where)
    H, W = where.shape[:2]
    m = int(margin)
    return (max(int(ys.min()) - m, 0), min(int(ys.max()) + m + 1, H), max(int(xs.min()) - m, 0),
            min(int(xs.max()) + m + 1, W))


def _lane_aligned(y0: int, y1: int, x0: int, x1: int, width: int, lanes: int = 64) -> tuple[int, int, int, int]:
    """The box widened so its columns meet OpenCV's SIMD lanes as the whole image's do.

    A row filter runs whole vectors from a row's start and the last
    ``width % lanes`` pixels in scalar code, which can round differently (one
    float ulp): the crop starts at a multiple of ``lanes`` and is a multiple of
    ``lanes`` wide, or ends at the image's right edge (then its scalar tail is
    the whole image's).

    Examples
    --------
    >>> _lane_aligned(5, 20, 70, 100, 1000), _lane_aligned(5, 20, 70, 100, 150)
    ((5, 20, 64, 128), (5, 20, 64, 150))
    """
    x0 = (x0 // lanes) * lanes
    x1 = min(x0 + -(-(x1 - x0) // lanes) * lanes, width)
    if width - x1 < lanes:
        x1 = width
    return y0, y1, x0, x1


def _reach(sigma: float) -> int:
    """Pixels an exact :func:`gauss` of ``sigma`` reads on either side (OpenCV's float kernel: 2 round(4 sigma) + 1 taps), plus one."""
    return int(4 * float(sigma)) + 2


def normalized_blur_on(values: np.ndarray, weight: np.ndarray, sigma: float, where: np.ndarray) -> np.ndarray:
    """:func:`normalized_blur` where ``where`` is True, 0 elsewhere; made on the crop around ``where`` only.

    An exact Gaussian of ``sigma`` reads ``4 sigma`` px on each side, so the
    crop of the ``where`` pixels' box grown by that much (or to the image's
    own border, where the reflection is the same) gives the same bytes on
    them as the whole image (round 18: low_contrast's two 3-channel blurs of
    70 px over a 6 MP photo took 10 s for a strip beside the face). Where a
    ``where`` pixel would need the wider far fill (no weight within reach),
    which reads further, the whole image is blurred instead, as before.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> v = rng.random((300, 200, 3)).astype(np.float32); w = (rng.random((300, 200)) > 0.7).astype(np.float32)
    >>> where = np.zeros((300, 200), bool); where[20:60, 150:190] = True
    >>> full = normalized_blur(v, w, 6.0)
    >>> part = normalized_blur_on(v, w, 6.0, where)
    >>> bool((part[where] == full[where]).all()), float(np.abs(part[~where]).max())
    (True, 0.0)
    """
    where = np.asarray(where, bool)
    expand = (lambda x: x[..., None]) if values.ndim == 3 else (lambda x: x)
    out = np.zeros(values.shape, np.float32)
    if not where.any():
        return out
    if FAST_PATHS:
        y0, y1, x0, x1 = _lane_aligned(*box_around(where, _reach(sigma)), where.shape[1])
        w = np.asarray(weight)[y0:y1, x0:x1].astype(np.float32)
        den = gauss(w, float(sigma))
        inner = where[y0:y1, x0:x1]
        if (den[inner] > 1e-3).all():  # every asked pixel has the exact estimate, as normalized_blur gives it
            num = gauss(values[y0:y1, x0:x1] * expand(w), float(sigma))
            est = (num / expand(np.maximum(den, 1e-12))).astype(np.float32)
            out[y0:y1, x0:x1] = np.where(expand(inner), est, 0)
            return out
    full = normalized_blur(values, weight, sigma)
    return np.where(expand(where), full, 0).astype(np.float32)


#: Largest buffer (bytes) an exact wide blur of a thin image may take before it is made coarse too.
EXACT_BLUR_BYTES = 256 * 2**20


def _coarse_gauss(x: np.ndarray, sigma: float) -> np.ndarray:
    """:func:`gauss` for a wide ``sigma``, made at a scale where it is at most 8 px (area down, linear up).

    An image thinner than two steps of that scale is blurred exactly, unless the
    blur's kernel makes that too big (OpenCV pads by the kernel, about
    ``8 sigma``, on each side): a thin crop's far fill with a sigma of
    thousands of px took 19 GB and was killed (lifeifei.jpg, round 17); it is
    made at one px across its thin side instead (constant across it, as a
    blur that wide is).

    Examples
    --------
    >>> x = np.zeros((6, 400), np.float32); x[:, 200] = 1
    >>> y = _coarse_gauss(x, 5000.0)  # exact would pad to ~80000 px a side
    >>> y.shape, bool(np.allclose(y[0], y[5]))
    ((6, 400), True)
    """
    f = max(int(sigma // 8), 1)
    h, w = x.shape[:2]
    if f == 1:
        return gauss(x, sigma)
    if min(h, w) < 2 * f:
        pad = 8 * sigma + 1
        channels = x.shape[2] if x.ndim == 3 else 1
        if (h + pad) * (w + pad) * channels * 4 <= EXACT_BLUR_BYTES:
            return gauss(x, sigma)
    small = cv2.resize(x, (max(w // f, 1), max(h // f, 1)), interpolation=cv2.INTER_AREA)
    return cv2.resize(gauss(small, sigma / f), (w, h), interpolation=cv2.INTER_LINEAR)


def _row_runs(kernel: np.ndarray) -> list[tuple[int, int]] | None:
    """``(dy, half width)`` of each row of a symmetric kernel made of one centred run per row, else None."""
    k = np.asarray(kernel) > 0
    kh, kw = k.shape
    if kh % 2 == 0 or kw % 2 == 0 or not (k == k[::-1, ::-1]).all():
        return None
    runs = []
    for i, row in enumerate(k):
        n = int(row.sum())
        if n == 0:
            continue
        hw = (n - 1) // 2
        if n % 2 == 0 or not row[kw // 2 - hw:kw // 2 + hw + 1].all():
            return None
        runs.append((i - kh // 2, hw))
    return runs


def _run_reach(mask: np.ndarray) -> np.ndarray:
    """Each pixel's distance along its row to the nearest True pixel (the row's ends count as none; int16, capped)."""
    h, w = mask.shape
    idx = np.broadcast_to(np.arange(w, dtype=np.int32), (h, w))
    big = np.int32(1 << 28)
    left = np.maximum.accumulate(np.where(mask, idx, -big), axis=1)
    right = np.minimum.accumulate(np.where(mask, idx, big)[:, ::-1], axis=1)[:, ::-1]
    return np.minimum(np.minimum(idx - left, right - idx), np.iinfo(np.int16).max).astype(np.int16)


def _dilate_rows(mask: np.ndarray, runs: list[tuple[int, int]]) -> np.ndarray:
    """Binary dilation by a kernel given as row runs: OR over its rows of each row's reach (outside: False)."""
    h = mask.shape[0]
    reach = _run_reach(mask)
    out = np.zeros(mask.shape, bool)
    for dy, hw in runs:  # out[y] |= reach[y + dy] <= hw (OpenCV's anchor: the kernel's centre)
        y0, y1 = max(0, -dy), min(h, h - dy)
        if y1 > y0:
            out[y0:y1] |= reach[y0 + dy:y1 + dy] <= hw
    return out


def open_binary(mask: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``cv2.morphologyEx(mask, MORPH_OPEN, kernel) > 0`` for a binary mask, by rows when the kernel allows.

    A disk of 211 px over a 6 MP mask took OpenCV 5-9 s (every kernel pixel
    per image pixel). A symmetric kernel made of one centred run per row (an
    ellipse) erodes as the AND over its rows of "the row's run fits", and
    dilates as the OR of "a pixel lies within the run": each row's reach to
    the nearest pixel of the other value is found once. The same mask
    (OpenCV's borders: nothing outside erodes, nothing outside dilates).

    Examples
    --------
    >>> m = np.zeros((60, 80), bool); m[10:50, 10:40] = True; m[28:31, 40:70] = True; m[20:40, 60:75] = True
    >>> k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))
    >>> bool((open_binary(m, k) == (cv2.morphologyEx(m.astype(np.uint8), cv2.MORPH_OPEN, k) > 0)).all())
    True
    """
    m = np.asarray(mask, bool)
    runs = _row_runs(kernel)
    if not FAST_PATHS or runs is None:
        return cv2.morphologyEx(m.astype(np.uint8), cv2.MORPH_OPEN, np.asarray(kernel, np.uint8)) > 0
    eroded = ~_dilate_rows(~m, runs)  # erosion is the dilation of the complement, complemented (outside: kept)
    return _dilate_rows(eroded, runs)


def fill_dips(values: np.ndarray) -> np.ndarray:
    """Grey-level hole filling: each dip ringed by higher values is raised to the lowest level of its ring.

    Morphological reconstruction by erosion from the image's border (Soille, *Morphological Image Analysis*,
    6.3.7): a value connected to the border through lower or equal values keeps its level; an enclosed dip
    (a weak patch inside a sure region) takes the level at which it would spill out.

    Parameters
    ----------
    values : ndarray
        ``(H, W)`` float values.

    Returns
    -------
    ndarray
        ``(H, W)`` float32, never below ``values``.

    Examples
    --------
    >>> import numpy as np
    >>> v = np.zeros((7, 7), np.float32); v[1:6, 1:6] = 1.0; v[3, 3] = 0.6   # a dip inside a sure square
    >>> v[3, 4:6] = 0.8                                                      # its lowest way out
    >>> f = fill_dips(v)
    >>> round(float(f[3, 3]), 3), float(f[0, 0]), bool((f >= v).all())
    (0.8, 0.0, True)
    """
    from skimage.morphology import reconstruction

    v = np.asarray(values, np.float32)
    if v.size == 0 or min(v.shape) < 3:
        return v.copy()
    seed = np.full_like(v, v.max())
    seed[0, :], seed[-1, :], seed[:, 0], seed[:, -1] = v[0, :], v[-1, :], v[:, 0], v[:, -1]
    return np.maximum(reconstruction(seed, v, method="erosion"), v).astype(np.float32)


def resize(x: np.ndarray, size: tuple[int, int], interpolation: int = cv2.INTER_LINEAR) -> np.ndarray:
    """Resize to ``(width, height)``."""
    if (x.shape[1], x.shape[0]) == tuple(size):
        return x
    return cv2.resize(x, size, interpolation=interpolation)
