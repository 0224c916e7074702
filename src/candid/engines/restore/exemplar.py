"""Texture-aware fill: the hole's fine texture copied from the best-matching spot nearby.

Telea (fast marching) draws the surroundings into a hole smoothly: right for a
hairline crack on smooth skin, a smooth stripe across knitwear, hair or
foliage. Here every hole pixel looks for the offset ``d`` (within a few hole
widths) whose neighbourhood matches its own best (sum of squared luma
differences over a window; the undamaged pixels count fully, the Telea guess
inside the hole a little, so structure crossing the hole steers the match),
and takes the *texture* of the pixel at ``p + d``: the fill is the smooth Telea
structure at ``p`` plus the high-pass detail of the source. Tone stays
continuous (no blotches), grain and weave are the print's own.

The search is exhaustive over a fixed set of offsets (a vectorised
nearest-neighbour field, as in the first step of PatchMatch but without
random search), evaluated only on the 64-px tiles the hole touches, all tiles
at once. Sources must lie outside the (grown) hole and, when ``regions`` is
given, in the same region: a pixel of an eye takes texture from the eye only,
a pixel of the lips from the lips, skin from skin.
"""

from __future__ import annotations

import cv2
import numpy as np

from candid.engines.restore._util import check_image, check_mask, luma

#: Tile side (px) on which matches are computed; only tiles touching the hole are processed.
TILE = 64


def _offsets(radius: int, inner: float, max_count: int = 72) -> np.ndarray:
    """Integer offsets (dy, dx) with ``inner <= |d| <= radius`` on a grid coarse enough for ``max_count``."""
    step = 1
    while True:
        r = np.arange(0, radius + 1, step)
        r = np.concatenate([-r[:0:-1], r])  # symmetric, through 0: straight up, down and across are in
        dy, dx = np.meshgrid(r, r, indexing="ij")
        d = np.hypot(dy, dx)
        sel = (d >= inner) & (d <= radius)
        if sel.sum() <= max_count or step >= radius:
            return np.stack([dy[sel], dx[sel]], axis=1).astype(np.int64)
        step += 1


def exemplar_fill(
    filled: np.ndarray,
    hole: np.ndarray,
    target: np.ndarray | None = None,
    *,
    regions: np.ndarray | None = None,
    radius: int | None = None,
    window: int | None = None,
    detail_sigma: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Give the ``target`` pixels of a Telea-filled hole the texture of their best match nearby.

    Parameters
    ----------
    filled : ndarray
        ``(H, W, 3)`` float32, the image with ``hole`` already filled smoothly
        (Telea or Navier-Stokes); not modified.
    hole : ndarray
        ``(H, W)`` bool, every damaged pixel (never used as a source).
    target : ndarray, optional
        ``(H, W)`` bool, the hole pixels to re-texture (default: all of ``hole``).
    regions : ndarray, optional
        ``(H, W)`` integer labels (e.g. 0 skin/background, 1 eyes, 2 lips, 3
        brows): a pixel takes texture only from a pixel with the same label.
    radius : int, optional
        Farthest source offset in px (default from the widest hole: 2x its
        width + 6, within 8-32).
    window : int, optional
        Matching window side (odd; default 2 x (half the hole width + 3) + 1,
        at most 17).
    detail_sigma : float, optional
        Gaussian sigma splitting structure (kept from ``filled``) from detail
        (taken from the source); default from the hole width, 1.2-2.5 px.

    Returns
    -------
    (ndarray, ndarray)
        The new image (equal to ``filled`` outside ``target``) and the bool
        mask of the target pixels that found a source (the others keep the
        smooth fill).

    Examples
    --------
    >>> import numpy as np
    >>> yy, xx = np.mgrid[0:96, 0:96]
    >>> stripes = (0.4 + 0.3 * (xx % 6 < 3)).astype(np.float32)   # a woven texture
    >>> img = np.repeat(stripes[..., None], 3, axis=2)
    >>> hole = np.zeros((96, 96), bool); hole[40:46, :] = True     # a wide crack across it
    >>> smooth = img.copy(); smooth[hole] = 0.55                   # what Telea would leave
    >>> out, done = exemplar_fill(smooth, hole)
    >>> err_smooth = float(np.abs(smooth - img)[hole].mean())
    >>> err_fill = float(np.abs(out - img)[hole].mean())
    >>> bool(done[hole].all()), round(err_smooth, 2), err_fill < 0.2 * err_smooth
    (True, 0.15, True)
    """
    img = check_image(filled, "filled")
    hm = check_mask(hole, img.shape, "hole")
    tm = hm if target is None else (check_mask(target, img.shape, "target") & hm)
    out = img.copy()
    done = np.zeros(hm.shape, bool)
    if not tm.any():
        return out, done
    h, w = hm.shape
    dist = cv2.distanceTransform(hm.astype(np.uint8), cv2.DIST_L2, 3)
    half = float(dist[tm].max())  # about half the widest hole's width
    R = int(radius) if radius is not None else int(np.clip(4 * half + 6, 8, 32))
    hw = (int(window) // 2) if window is not None else int(np.clip(round(half) + 3, 3, 8))
    k = 2 * hw + 1
    sig = float(detail_sigma) if detail_sigma is not None else float(np.clip(0.3 * half + 0.9, 1.2, 2.5))
    ts = TILE
    ty, tx = np.nonzero(tm)
    nx = -(-w // ts)
    tiles = np.unique((ty // ts) * nx + tx // ts)
    # a dense set of offsets on small jobs, a coarser one when many tiles are touched (24 MP)
    offs = _offsets(R, inner=1.0, max_count=int(np.clip(24000 / len(tiles), 48, 240)))

    g = luma(img)
    wgt = np.where(hm, np.float32(0.2), np.float32(1.0))
    # a source is an undamaged pixel (2 px clear of the hole), in the picture, in the same region
    # (2 px clear: a crack's soft edge is bright or dark detail that must not be copied)
    bad_src = cv2.dilate(hm.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    lab = np.zeros((h, w), np.int32) if regions is None else np.asarray(regions).astype(np.int32)
    if lab.shape != (h, w):
        raise ValueError(f"regions is {lab.shape[1]}x{lab.shape[0]} but the image is {w}x{h}")
    src_lab = np.where(bad_src, -1, lab)  # -1: not a source

    P = R + hw
    ny = -(-h // ts)
    Hp, Wp = ny * ts + 2 * P, nx * ts + 2 * P

    def pad(a: np.ndarray, value) -> np.ndarray:
        return np.pad(a, ((P, Hp - P - h), (P, Wp - P - w)), mode="constant", constant_values=value)

    gp, wp_, lp, sp = pad(g, 0.0), pad(wgt, 0.0), pad(lab, -2), pad(src_lab, -1)
    n = len(tiles)
    side = ts + 2 * P
    G = np.empty((n, side, side), np.float32)
    W = np.empty((n, side, side), np.float32)
    L = np.empty((n, ts, ts), np.int32)
    S = np.empty((n, side, side), np.int32)
    for i, t in enumerate(tiles):
        y0, x0 = (t // nx) * ts, (t % nx) * ts
        G[i] = gp[y0:y0 + side, x0:x0 + side]
        W[i] = wp_[y0:y0 + side, x0:x0 + side]
        S[i] = sp[y0:y0 + side, x0:x0 + side]
        L[i] = lp[y0 + P:y0 + P + ts, x0 + P:x0 + P + ts]
    inner = slice(P - hw, P + ts + hw)
    Gi, Wi = G[:, inner, inner], W[:, inner, inner]
    best = np.full((n, ts, ts), np.inf, np.float32)
    best_d = np.zeros((n, ts, ts), np.int32)
    e2 = np.empty((n * (ts + 2 * hw), ts + 2 * hw), np.float32)
    # prefer nearer sources a little: ties and flat areas take texture from close by
    lam = 1e-4 * k * k
    for j, (dy, dx) in enumerate(offs):
        sy, sx = slice(P - hw + dy, P + ts + hw + dy), slice(P - hw + dx, P + ts + hw + dx)
        diff = Gi - G[:, sy, sx]
        np.multiply(diff * diff, Wi, out=e2.reshape(Gi.shape))
        cost = cv2.boxFilter(e2, -1, (k, k), normalize=False, borderType=cv2.BORDER_REPLICATE)
        cost = cost.reshape(Gi.shape)[:, hw:hw + ts, hw:hw + ts] + np.float32(lam * np.hypot(dy, dx))
        ok = S[:, P + dy:P + ts + dy, P + dx:P + ts + dx] == L
        better = ok & (cost < best)
        best[better] = cost[better]
        best_d[better] = j
    # back to image coordinates, target pixels only
    ti = (ty // ts) * nx + tx // ts
    idx = np.searchsorted(tiles, ti)
    iy, ix = ty % ts, tx % ts
    cost_t = best[idx, iy, ix]
    found = np.isfinite(cost_t)
    if not found.any():
        return out, done
    ty, tx, cost_t = ty[found], tx[found], cost_t[found]
    dmap = np.zeros((h, w, 2), np.int64)
    cmap = np.full((h, w), np.inf, np.float32)
    dmap[ty, tx] = offs[best_d[idx[found], iy[found], ix[found]]]
    cmap[ty, tx] = cost_t
    low = cv2.GaussianBlur(img, (0, 0), sig)
    detail = img - low
    # the copied detail is never stronger than the undamaged detail around the hole (2.5x its RMS):
    # no dark or bright speck of a different texture lands in the fill
    okf = (~bad_src).astype(np.float32)
    dl = luma(detail)
    rms = np.sqrt(cv2.GaussianBlur(dl * dl * okf, (0, 0), R) / np.maximum(cv2.GaussianBlur(okf, (0, 0), R), 1e-3))
    # each pixel takes the detail its neighbours' matches propose for it, weighted by how well they
    # match (PatchMatch's vote): coherent where the matches agree, no lone outliers where they do not
    c0 = float(np.median(cost_t)) + 1e-6
    acc = np.zeros((len(ty), 3), np.float32)
    wsum = np.zeros(len(ty), np.float32)
    v = 1 if hw <= 4 else 2
    for vy in range(-v, v + 1):
        for vx in range(-v, v + 1):
            qy, qx = np.clip(ty + vy, 0, h - 1), np.clip(tx + vx, 0, w - 1)
            cq = cmap[qy, qx]
            sy, sx = ty + dmap[qy, qx, 0], tx + dmap[qy, qx, 1]
            ok = np.isfinite(cq) & (sy >= 0) & (sy < h) & (sx >= 0) & (sx < w)
            sy, sx = np.clip(sy, 0, h - 1), np.clip(sx, 0, w - 1)
            ok &= src_lab[sy, sx] == lab[ty, tx]
            wq = np.where(ok, np.exp(-np.where(ok, cq, 0) / c0), 0).astype(np.float32)
            acc += wq[:, None] * detail[sy, sx]
            wsum += wq
    has = wsum > 0
    ty, tx = ty[has], tx[has]
    add = acc[has] / wsum[has, None]
    lim = 2.5 * rms[ty, tx][:, None] + 1e-4
    add *= np.minimum(1.0, lim / np.maximum(np.abs(add).max(axis=1, keepdims=True), 1e-6))
    out[ty, tx] = np.clip(low[ty, tx] + add, 0.0, 1.0)
    done[ty, tx] = True
    return out, done
    h, w = hm.shape
    dist = cv2.distanceTransform(hm.astype(np.uint8), cv2.DIST_L2, 3)
    half = float(dist[tm].max())  # about half the widest hole's width
    R = int(radius) if radius is not None else int(np.clip(4 * half + 6, 8, 32))
    hw = (int(window) // 2) if window is not None else int(np.clip(round(half) + 3, 3, 8))
    k = 2 * hw + 1
    sig = float(detail_sigma) if detail_sigma is not None else float(np.clip(0.3 * half + 0.9, 1.2, 2.5))
    ts = TILE
    ty, tx = np.nonzero(tm)
    nx = -(-w // ts)
    tiles = np.unique((ty // ts) * nx + tx // ts)
    # a dense set of offsets on small jobs, a coarser one when many tiles are touched (24 MP)
    offs = _offsets(R, inner=1.0, max_count=int(np.clip(24000 / len(tiles), 48, 240)))

    g = luma(img)
    wgt = np.where(hm, np.float32(0.2), np.float32(1.0))
    # a source is an undamaged pixel (2 px clear of the hole), in the picture, in the same region
    # (2 px clear: a crack's soft edge is bright or dark detail that must not be copied)
    bad_src = cv2.dilate(hm.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    lab = np.zeros((h, w), np.int32) if regions is None else np.asarray(regions).astype(np.int32)
    if lab.shape != (h, w):
        raise ValueError(f"regions is {lab.shape[1]}x{lab.shape[0]} but the image is {w}x{h}")
    src_lab = np.where(bad_src, -1, lab)  # -1: not a source

    P = R + hw
    ny = -(-h // ts)
    Hp, Wp = ny * ts + 2 * P, nx * ts + 2 * P

    def pad(a: np.ndarray, value) -> np.ndarray:
        return np.pad(a, ((P, Hp - P - h), (P, Wp - P - w)), mode="constant", constant_values=value)

    gp, wp_, lp, sp = pad(g, 0.0), pad(wgt, 0.0), pad(lab, -2), pad(src_lab, -1)
    n = len(tiles)
    side = ts + 2 * P
    G = np.empty((n, side, side), np.float32)
    W = np.empty((n, side, side), np.float32)
    L = np.empty((n, ts, ts), np.int32)
    S = np.empty((n, side, side), np.int32)
    for i, t in enumerate(tiles):
        y0, x0 = (t // nx) * ts, (t % nx) * ts
        G[i] = gp[y0:y0 + side, x0:x0 + side]
        W[i] = wp_[y0:y0 + side, x0:x0 + side]
        S[i] = sp[y0:y0 + side, x0:x0 + side]
        L[i] = lp[y0 + P:y0 + P + ts, x0 + P:x0 + P + ts]
    inner = slice(P - hw, P + ts + hw)
    Gi, Wi = G[:, inner, inner], W[:, inner, inner]
    best = np.full((n, ts, ts), np.inf, np.float32)
    best_d = np.zeros((n, ts, ts), np.int32)
    e2 = np.empty((n * (ts + 2 * hw), ts + 2 * hw), np.float32)
    # prefer nearer sources a little: ties and flat areas take texture from close by
    lam = 1e-4 * k * k
    for j, (dy, dx) in enumerate(offs):
        sy, sx = slice(P - hw + dy, P + ts + hw + dy), slice(P - hw + dx, P + ts + hw + dx)
        diff = Gi - G[:, sy, sx]
        np.multiply(diff * diff, Wi, out=e2.reshape(Gi.shape))
        cost = cv2.boxFilter(e2, -1, (k, k), normalize=False, borderType=cv2.BORDER_REPLICATE)
        cost = cost.reshape(Gi.shape)[:, hw:hw + ts, hw:hw + ts] + np.float32(lam * np.hypot(dy, dx))
        ok = S[:, P + dy:P + ts + dy, P + dx:P + ts + dx] == L
        better = ok & (cost < best)
        best[better] = cost[better]
        best_d[better] = j
    # back to image coordinates, target pixels only
    ti = (ty // ts) * nx + tx // ts
    idx = np.searchsorted(tiles, ti)
    iy, ix = ty % ts, tx % ts
    found = np.isfinite(best[idx, iy, ix])
    ty, tx, d = ty[found], tx[found], offs[best_d[idx[found], iy[found], ix[found]]]
    low = cv2.GaussianBlur(img, (0, 0), sig)
    sy, sx = ty + d[:, 0], tx + d[:, 1]
    out[ty, tx] = np.clip(low[ty, tx] + (img[sy, sx] - low[sy, sx]), 0.0, 1.0)
    done[ty, tx] = True
    return out, done


#: Region labels of :func:`face_region_labels`.
REGIONS = {"other": 0, "eyes": 1, "lips": 2, "brows": 3, "face": 4}


def face_region_labels(pixels: np.ndarray, *, max_side: int = 900, max_faces: int = 8) -> np.ndarray | None:
    """Label map of the eyes (1), lips (2), brows (3) and the rest of every face (4); None without a face.

    The faces are looked for on a copy at most ``max_side`` px on its long
    side (so a 24 MP scan costs the same); the eye and lip outlines come from
    the face mesh's 68 landmarks, grown by 4 % of the inter-ocular distance.
    Used by :func:`exemplar_fill` so that texture is never copied across an
    eye's or the lips' outline.

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> lab = face_region_labels(data.astronaut().astype(np.float32) / 255)
    >>> sorted(int(v) for v in np.unique(lab))
    [0, 1, 2, 3, 4]
    >>> face_region_labels(np.full((64, 64, 3), 0.5, np.float32)) is None
    True
    """
    from candid.face.detect import detect_faces
    from candid.face.mesh import face_mesh, landmarks_68

    img = check_image(pixels)
    h, w = img.shape[:2]
    f = min(1.0, max_side / max(h, w))
    small = cv2.resize(img, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else img
    image8 = np.clip(small * 255 + 0.5, 0, 255).astype(np.uint8)
    try:
        faces = detect_faces(image8, model="mesh")
    except Exception:  # noqa: BLE001 - a detector failure only means no face-aware fill
        return None
    lab = np.zeros(small.shape[:2], np.uint8)
    seen = False
    for box in faces[:max_faces]:
        pts = face_mesh(image8, (box.x0, box.y0, box.x1, box.y1))
        if pts is None:
            continue
        lm = landmarks_68(pts)[:, :2].astype(np.float32)
        iod = float(np.hypot(*(lm[36:42].mean(0) - lm[42:48].mean(0))))
        r = max(1, int(round(0.04 * iod)))
        ker = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
        hull = np.zeros_like(lab)
        cv2.fillConvexPoly(hull, cv2.convexHull(lm.round().astype(np.int32)), 1)
        lab[hull > 0] = 4  # skin takes skin, not hair or background
        for value, parts in ((3, (range(17, 22), range(22, 27))), (2, (range(48, 60),)),
                             (1, (range(36, 42), range(42, 48)))):
            m = np.zeros_like(lab)
            for idx in parts:
                poly = lm[list(idx)].round().astype(np.int32)
                if value == 3:  # a brow is a curve: its hull, thickened
                    cv2.polylines(m, [poly], False, 1, max(2, int(round(0.08 * iod))))
                else:
                    cv2.fillPoly(m, [poly], 1)
            lab[cv2.dilate(m, ker) > 0] = value
        seen = True
    if not seen:
        return None
    if f < 1:
        lab = cv2.resize(lab, (w, h), interpolation=cv2.INTER_NEAREST)
    return lab
