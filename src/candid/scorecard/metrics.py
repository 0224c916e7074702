"""The scorecard's metrics: small pure functions with a known answer on synthetic cases.

Every key in ``scorecard.json`` is computed by one of these from what the
capabilities return; ``docs/SCORECARD.md`` says which and how.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from scipy import ndimage


def auc(scores, labels) -> float:
    """Area under the ROC curve: the chance a random positive scores above a random negative.

    Computed as the Mann-Whitney U statistic from mid-ranks, so ties count
    one half. Non-finite scores are left out.

    Parameters
    ----------
    scores : array-like of float
        Higher means "more likely positive".
    labels : array-like of bool or {0, 1}
        True for positives.

    Returns
    -------
    float
        In [0, 1]; 0.5 is chance; NaN when either class is empty.

    Examples
    --------
    >>> auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])
    1.0
    >>> auc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])
    0.5
    >>> round(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 2)
    0.75
    """
    s = np.asarray(scores, np.float64).ravel()
    y = np.asarray(labels).astype(bool).ravel()
    if s.shape != y.shape:
        raise ValueError(f"scores and labels differ in length: {s.shape} vs {y.shape}")
    ok = np.isfinite(s)
    s, y = s[ok], y[ok]
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    from scipy.stats import rankdata

    ranks = rankdata(s)
    u = ranks[y].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def stratified_folds(labels, k: int = 5, *, seed: int = 0) -> list[np.ndarray]:
    """Split indices into ``k`` folds with the same share of positives in each (seeded).

    Parameters
    ----------
    labels : array-like of bool
    k : int
        Number of folds (at most the size of the smaller class, at least 2).
    seed : int

    Returns
    -------
    list of ndarray
        ``k`` disjoint sorted index arrays covering every index once.

    Examples
    --------
    >>> folds = stratified_folds([0] * 6 + [1] * 4, k=2, seed=0)
    >>> sorted(len(f) for f in folds), sorted(np.concatenate(folds).tolist()) == list(range(10))
    ([5, 5], True)
    """
    y = np.asarray(labels).astype(bool).ravel()
    if k < 2:
        raise ValueError(f"k must be at least 2, got {k}")
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    for cls in (True, False):
        idx = np.flatnonzero(y == cls)
        rng.shuffle(idx)
        for i, j in enumerate(idx):
            folds[i % k].append(int(j))
    return [np.array(sorted(f), dtype=int) for f in folds]


def cross_validated_auc(X, y, fit: Callable, *, k: int = 5, seed: int = 0) -> tuple[float, np.ndarray]:
    """Out-of-fold AUC of a model fitted on the other folds (stratified, seeded).

    Parameters
    ----------
    X : ndarray
        ``(n, d)`` features.
    y : array-like of bool
        True for positives.
    fit : callable
        ``fit(X_train, y_train, seed=seed)`` returning an object with
        ``predict(X) -> probabilities`` (as ``candid.inspector.combine.fit``).
    k : int
        Folds; lowered to the size of the smaller class when that is smaller.
    seed : int

    Returns
    -------
    (float, ndarray)
        The AUC of the out-of-fold predictions, and those predictions.

    Examples
    --------
    >>> class Mean:
    ...     def __init__(self, w): self.w = w
    ...     def predict(self, X): return X @ self.w
    >>> def fit(X, y, *, seed=0): return Mean(X[y].mean(0) - X[~y].mean(0))
    >>> X = np.r_[np.zeros((10, 2)), np.ones((10, 2))] + np.arange(20)[:, None] * 1e-3
    >>> y = np.r_[np.zeros(10, bool), np.ones(10, bool)]
    >>> cross_validated_auc(X, y, fit, k=5)[0]
    1.0
    """
    X = np.asarray(X, np.float64)
    y = np.asarray(y).astype(bool).ravel()
    k = max(2, min(k, int(y.sum()), int((~y).sum())))
    pred = np.full(len(y), np.nan)
    for test in stratified_folds(y, k, seed=seed):
        train = np.setdiff1d(np.arange(len(y)), test)
        model = fit(X[train], y[train], seed=seed)
        pred[test] = np.asarray(model.predict(X[test]), np.float64).ravel()
    return auc(pred, y), pred


def detached_pieces(alpha: np.ndarray, seed_point: tuple[float, float] | None = None, *,
                    threshold: float = 0.5) -> int:
    """Number of matte components (``alpha > threshold``) not connected to the subject's own.

    Components are 8-connected. The subject's component is the one holding
    ``seed_point`` (``(x, y)``, e.g. the face centre); when that pixel is not
    in the matte (or no point is given), the largest component.

    Examples
    --------
    >>> a = np.zeros((40, 40), np.float32)
    >>> a[10:30, 10:30] = 1; a[2:4, 2:4] = 1; a[35:38, 35:38] = 0.9
    >>> detached_pieces(a, (20, 20))
    2
    >>> detached_pieces(np.zeros((8, 8)))
    0
    """
    fg = np.asarray(alpha, np.float32) > threshold
    labels, n = ndimage.label(fg, structure=np.ones((3, 3), int))
    # Exactly one component is the subject's (the one holding the seed point, else the
    # largest), whichever it is: every other one is detached.
    return max(int(n) - 1, 0)


def _srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    from skimage.color import rgb2lab

    return rgb2lab(np.clip(np.asarray(rgb, np.float64), 0.0, 1.0))


def _segment_distance(c: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of points ``c`` (..., 3) from the segment between ``a`` and ``b`` (..., 3)."""
    ab = b - a
    denom = np.maximum((ab * ab).sum(-1, keepdims=True), 1e-12)
    t = np.clip(((c - a) * ab).sum(-1, keepdims=True) / denom, 0.0, 1.0)
    return np.linalg.norm(c - (a + t * ab), axis=-1)


def thin_pieces(alpha: np.ndarray, *, width: float = 6.0, threshold: float = 0.5) -> np.ndarray:
    """Parts of the matte (``alpha > threshold``) at most ``width`` px across.

    What an opening with a disk just wider than ``width`` px (odd) takes from the matte
    (:func:`candid.pieces.thin_components`, the finder the studio engine uses), in pieces of at least ``width**2`` px (a
    convex corner's few nibbled pixels are not a piece): a chain hanging
    beside the neck, a single strand of hair. Such a part has no inside of
    its own that an edge profile could measure a halo against.

    Parameters
    ----------
    alpha : ndarray
        ``(H, W)`` matte.
    width : float
        Pieces at most this wide (px) are thin; below 2: none.
    threshold : float
        The matte's outline level.

    Returns
    -------
    ndarray
        ``(H, W)`` bool.

    Examples
    --------
    >>> a = np.zeros((60, 60), np.float32)
    >>> a[10:40, 10:40] = 1; a[40:58, 24:27] = 1   # a square and a 3 px chain hanging from it
    >>> thin = thin_pieces(a)
    >>> bool(thin[50, 25]), bool(thin[20:30, 20:30].any()), int(thin.sum())
    (True, False, 48)
    """
    from candid.pieces import thin_components  # the engine's finder too (candid.pieces holds no tuning)

    n, labels, stats = thin_components(np.asarray(alpha, np.float32) > threshold, width)
    big = stats[:, 4] >= float(width) ** 2  # column 4: cv2.CC_STAT_AREA
    big[0] = False
    return big[labels]


def _edge_points(alpha: np.ndarray, reach: int, max_points: int | None, seed: int,
                 skip: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Edge points of :func:`edge_profiles` (not on ``skip``) and their outward unit normals ``(ys, xs, ny, nx)``.

    ``max_points=None``: every edge point. Why: a seeded choice of a few hundred is redrawn in full as soon as the
    outline gains or loses one pixel anywhere (the choice indexes the list of all points), so one moved pixel moved
    a photo's mean by up to 0.15 with the same picture (round 19); over every point it moves only the profiles near it.
    """
    a = np.asarray(alpha, np.float32)
    fg = a > 0.5
    inner_edge = fg & ~ndimage.binary_erosion(fg, structure=ndimage.generate_binary_structure(2, 1),
                                              border_value=1)
    ys, xs = np.nonzero(inner_edge)
    H, W = fg.shape
    keep = (ys >= reach + 1) & (ys < H - reach - 1) & (xs >= reach + 1) & (xs < W - reach - 1)
    ys, xs = ys[keep], xs[keep]
    if max_points is not None and len(ys) > max_points:
        pick = np.sort(np.random.default_rng(seed).choice(len(ys), max_points, replace=False))
        ys, xs = ys[pick], xs[pick]
    if skip is not None:  # after the seeded choice: the other profiles are the ones measured without ``skip``
        off = np.asarray(skip, bool)[ys, xs]
        ys, xs = ys[~off], xs[~off]
    smooth = ndimage.gaussian_filter(a, 1.5)
    gy, gx = np.gradient(smooth)
    ny, nx = -gy[ys, xs], -gx[ys, xs]
    norm = np.hypot(nx, ny)
    ok = norm > 1e-6
    ys, xs, ny, nx, norm = ys[ok], xs[ok], ny[ok], nx[ok], norm[ok]
    return ys, xs, ny / norm, nx / norm


def _profile_coords(points, reach: int) -> tuple[np.ndarray, np.ndarray]:
    ys, xs, ny, nx = points
    t = np.arange(-reach, reach + 1, dtype=np.float64)
    return ys[:, None] + ny[:, None] * t[None, :], xs[:, None] + nx[:, None] * t[None, :]


def edge_profiles(image: np.ndarray, alpha: np.ndarray, *, reach: int = 16, max_points: int | None = None,
                  seed: int = 0, skip: np.ndarray | None = None) -> np.ndarray:
    """CIELAB colour profiles across the matte edge, along its outward normal.

    Edge points are matte pixels (``alpha > 0.5``) with a 4-neighbour outside
    it, not on ``skip``, whose profile stays inside the image: every one of them
    (``max_points=None``), else at most ``max_points`` (a seeded random choice,
    the measure before round 20). The normal is the direction in which the matte,
    smoothed with a 1.5 px Gaussian, falls fastest.

    Returns
    -------
    ndarray
        ``(n, 2 * reach + 1, 3)`` Lab samples at offsets ``-reach .. reach``
        pixels (negative: inside the subject), bilinear.
    """
    py, px = _profile_coords(_edge_points(alpha, reach, max_points, seed, skip), reach)
    return _lab_samples(image, py, px)


def _lab_samples(image: np.ndarray, py: np.ndarray, px: np.ndarray) -> np.ndarray:
    if py.shape[0] == 0:
        return np.zeros((0, py.shape[1], 3))
    img = np.asarray(image, np.float64)
    samples = np.stack([ndimage.map_coordinates(img[..., c], [py.ravel(), px.ravel()], order=1, mode="nearest")
                        for c in range(3)], axis=-1).reshape(py.shape + (3,))
    return _srgb_to_lab(samples)


def halo_widths(profiles: np.ndarray, *, tolerance: float = 10.0, ignore: np.ndarray | None = None) -> np.ndarray:
    """Halo width (pixels) of each edge profile from :func:`edge_profiles`.

    With ``reach`` R, the inner colour is the median of samples ``-R .. -R/2``
    and the outer colour the median of ``R/2 .. R``. A sample in the band
    ``|t| < R/2`` is a halo pixel when its Lab colour is farther than
    ``tolerance`` (Delta E 1976) from every colour on the straight line
    between the inner and outer colours, i.e. it is neither side nor a mix of
    the two. The width is the number of such samples (samples are 1 px apart).
    Samples marked in ``ignore`` (``(n, 2 R + 1)`` bool) are not counted.
    """
    p = np.asarray(profiles, np.float64)
    if p.shape[0] == 0:
        return np.zeros(0)
    n = p.shape[1]
    R = (n - 1) // 2
    h = R // 2
    inner = np.median(p[:, : R - h + 1], axis=1)
    outer = np.median(p[:, R + h:], axis=1)
    band = p[:, R - h + 1: R + h]
    d = _segment_distance(band, inner[:, None, :], outer[:, None, :]) > tolerance
    if ignore is not None:
        d &= ~np.asarray(ignore, bool)[:, R - h + 1: R + h]
    return d.sum(axis=1).astype(np.float64)


def halo_px(image: np.ndarray, alpha: np.ndarray, *, reach: int = 16, tolerance: float = 10.0,
            max_points: int | None = None, seed: int = 0, thin: float = 6.0, skip: np.ndarray | None = None) -> float:
    """Mean halo width in pixels along the matte edge (see :func:`halo_widths`).

    A thin piece of the matte (:func:`thin_pieces`, at most ``thin`` px
    across: a chain hanging beside the neck, a lone strand) has no inside of
    its own to measure against: a profile across it reads the piece itself
    as a halo between backdrop and backdrop, and a profile from the neck
    beside it reads it as a halo of the neck. Edge points on such pieces,
    or on ``skip`` (``(H, W)`` bool: pieces the caller knows are the
    person's own, such as the jewels the matte found), are left out, and
    their pixels (grown by 1 px, their anti-aliased rim) do not count in
    other profiles. A halo along the outline of the head and body still
    counts in full. ``thin=0`` and no ``skip``: every edge point, as before.

    The mean is over every edge point (``max_points=None``): deterministic, and
    one outline pixel moved changes only the profiles near it. Up to round 19
    it was over 400 points drawn at random (``max_points=400, seed=0``), a
    sample that one moved pixel redraws in full; its mean over seeds is this
    measure (the same points' mean), so neither is easier than the other by
    construction, but one draw is off it by up to 0.15 px on a real matte.

    Examples
    --------
    >>> yy, xx = np.mgrid[:160, :160]
    >>> r = np.hypot(yy - 80, xx - 80)
    >>> alpha = (r < 40).astype(np.float32)
    >>> img = np.where((r < 40)[..., None], [0.2, 0.3, 0.6], [0.5, 0.5, 0.5]).astype(np.float32)
    >>> halo_px(img, alpha)
    0.0
    >>> img[(r >= 40) & (r < 43)] = [1.0, 1.0, 1.0]   # a 3 px white fringe outside the edge
    >>> round(halo_px(img, alpha))
    3
    >>> img = np.where((r < 40)[..., None], [0.2, 0.3, 0.6], [0.5, 0.5, 0.5]).astype(np.float32)
    >>> chain = (np.abs(xx - 80) <= 1) & (yy >= 119) & (yy < 150)   # a 3 px gold chain hanging below
    >>> alpha[chain] = 1; img[chain] = [0.9, 0.75, 0.3]
    >>> round(halo_px(img, alpha), 2), round(halo_px(img, alpha, thin=0), 2)   # no halo; counted as one before
    (0.02, 0.53)
    """
    a = np.asarray(alpha, np.float32)
    off = thin_pieces(a, width=thin) if thin >= 2 else np.zeros(a.shape, bool)
    if skip is not None:
        off = off | np.asarray(skip, bool)
    any_off = bool(off.any())
    points = _edge_points(a, reach, max_points, seed, off if any_off else None)
    grown = ndimage.binary_dilation(off, structure=np.ones((3, 3), bool)) if any_off else None
    H, W = a.shape
    widths = []
    # In chunks: a 6 MP matte with hair has tens of thousands of edge points, and their Lab profiles (33 samples x
    # 3 float64 each) would otherwise be hundreds of MB at once; the widths are per profile, so chunks change nothing.
    for i in range(0, len(points[0]), _CHUNK):
        py, px = _profile_coords(tuple(p[i:i + _CHUNK] for p in points), reach)
        on = None if grown is None else grown[np.clip(np.rint(py), 0, H - 1).astype(int),
                                               np.clip(np.rint(px), 0, W - 1).astype(int)]
        widths.append(halo_widths(_lab_samples(image, py, px), tolerance=tolerance, ignore=on))
    return float(np.concatenate(widths).mean()) if widths else float("nan")


#: Edge points whose profiles :func:`halo_px` measures at once.
_CHUNK = 20000


def psnr(a: np.ndarray, b: np.ndarray, mask: np.ndarray | None = None) -> float:
    """PSNR in dB between two [0, 1] images, optionally only over ``mask`` (``(H, W)`` bool).

    Examples
    --------
    >>> a = np.zeros((4, 4, 3)); b = np.full((4, 4, 3), 0.1)
    >>> round(psnr(a, b), 1)
    20.0
    >>> m = np.zeros((4, 4), bool); m[0, 0] = True
    >>> b[1:] = 0.5; round(psnr(a, b, m), 1)
    20.0
    """
    d = (np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2
    if mask is not None:
        d = d[np.asarray(mask, bool)]
    if d.size == 0:
        return float("nan")
    mse = float(d.mean())
    return float("inf") if mse == 0 else float(10 * np.log10(1.0 / mse))


def contrast_ratio(before: np.ndarray, after: np.ndarray) -> float:
    """``std(luma(after)) / std(luma(before))`` (:func:`candid.colour.luma`): below 1 the image lost contrast.

    Examples
    --------
    >>> x = np.linspace(0, 1, 48).reshape(4, 4, 3)
    >>> contrast_ratio(x, x), round(contrast_ratio(x, 0.25 + x / 2), 2)
    (1.0, 0.5)
    """
    from candid.colour import luma

    s0 = float(luma(before).std(dtype=np.float64))
    return float(luma(after).std(dtype=np.float64) / s0) if s0 > 0 else float("nan")


def pixels_changed(before: np.ndarray, after: np.ndarray) -> bool:
    """True when any pixel differs (or the size does).

    Examples
    --------
    >>> x = np.zeros((3, 3, 3), np.float32); y = x.copy(); y[1, 1, 0] = 1e-6
    >>> pixels_changed(x, x.copy()), pixels_changed(x, y)
    (False, True)
    """
    a, b = np.asarray(before), np.asarray(after)
    return a.shape != b.shape or not np.array_equal(a.astype(np.float32), b.astype(np.float32))


def mean(values) -> float:
    """Mean of the finite values, NaN when there are none.

    Examples
    --------
    >>> mean([1.0, float("nan"), 3.0]), mean([])
    (2.0, nan)
    """
    v = np.asarray([x for x in values if x is not None], np.float64)
    v = v[np.isfinite(v)]
    return float(v.mean()) if v.size else float("nan")


def share(flags) -> float:
    """Share of True among the given flags (NaN for none).

    Examples
    --------
    >>> share([True, False, False, True]), share([])
    (0.5, nan)
    """
    f = [bool(x) for x in flags]
    return float(np.mean(f)) if f else float("nan")
