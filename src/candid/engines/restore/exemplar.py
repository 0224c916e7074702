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

from candid.colour import luma
from candid.engines.restore.checks import check_image, check_mask

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
        Farthest source offset in px (default from the widest hole: its
        width + 8, within 8-24).
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
    R = int(radius) if radius is not None else int(np.clip(2 * half + 8, 8, 24))
    hw = (int(window) // 2) if window is not None else int(np.clip(round(half) + 3, 3, 8))
    k = 2 * hw + 1
    sig = float(detail_sigma) if detail_sigma is not None else float(np.clip(0.3 * half + 0.9, 1.2, 2.5))
    ts = TILE
    ty, tx = np.nonzero(tm)
    nx = -(-w // ts)
    tiles = np.unique((ty // ts) * nx + tx // ts)
    # a dense set of offsets on small jobs, a coarser one when many tiles are touched (24 MP):
    # about 8e7 window evaluations in all; offsets closer than the hole's half width mostly land
    # in the hole itself
    side = ts + 2 * (R + hw)
    offs = _offsets(R, inner=max(1.0, 0.5 * half), max_count=int(np.clip(8e7 / (len(tiles) * side * side), 16, 240)))

    lab_img = None if regions is None else np.asarray(regions).astype(np.int32)
    if lab_img is not None and lab_img.shape != (h, w):
        raise ValueError(f"regions is {lab_img.shape[1]}x{lab_img.shape[0]} but the image is {w}x{h}")
    P = R + hw
    n = len(tiles)
    # every touched tile with a margin of P px, stacked: all the work below is on these stacks only
    I3 = np.zeros((n, side, side, 3), np.float32)
    HM = np.zeros((n, side, side), np.uint8)
    IN = np.zeros((n, side, side), bool)
    LB = np.zeros((n, side, side), np.int32)
    for i, t in enumerate(tiles):
        y0, x0 = (t // nx) * ts - P, (t % nx) * ts - P
        a0, b0 = max(0, y0), max(0, x0)
        a1, b1 = min(h, y0 + side), min(w, x0 + side)
        sl = np.s_[i, a0 - y0:a1 - y0, b0 - x0:b1 - x0]
        # (edges replicated outside the picture, so the blur below sees no black frame)
        I3[i] = np.pad(img[a0:a1, b0:b1], ((a0 - y0, y0 + side - a1), (b0 - x0, x0 + side - b1), (0, 0)), mode="edge")
        HM[sl] = hm[a0:a1, b0:b1]
        IN[sl] = True
        if lab_img is not None:
            LB[sl] = lab_img[a0:a1, b0:b1]
    flat = (n * side, side)
    G = luma(I3)
    W = np.where(HM > 0, np.float32(0.2), np.float32(1.0)) * IN
    # a source is an undamaged pixel 2 px clear of the hole (a crack's soft edge is bright or dark
    # detail that must not be copied), inside the picture, in the same region as the target
    bad = cv2.dilate(HM.reshape(flat), np.ones((5, 5), np.uint8)).reshape(HM.shape) > 0
    S = np.where(bad | ~IN, -1, LB)
    core = slice(P, P + ts)
    L = LB[:, core, core]
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
    # structure (low) stays the smooth fill's, detail comes from the sources
    low = cv2.GaussianBlur(I3.reshape(n * side, side, 3), (0, 0), sig).reshape(I3.shape)
    detail = I3 - low
    # the copied detail is never stronger than the undamaged detail in the tile (2.5x its RMS):
    # no dark or bright speck of a different texture lands in the fill
    dl = luma(detail)
    okf = (S >= 0) | ((~bad) & IN)
    rms = np.sqrt((dl * dl * okf).sum(axis=(1, 2)) / np.maximum(okf.sum(axis=(1, 2)), 1))
    # the target pixels, in tile coordinates
    ti = (ty // ts) * nx + tx // ts
    idx = np.searchsorted(tiles, ti)
    iy, ix = ty % ts, tx % ts
    cost_t = best[idx, iy, ix]
    found = np.isfinite(cost_t)
    if not found.any():
        return out, done
    ty, tx, idx, iy, ix, cost_t = ty[found], tx[found], idx[found], iy[found], ix[found], cost_t[found]
    # each pixel takes the detail its neighbours' matches propose for it, weighted by how well they
    # match (PatchMatch's vote): coherent where the matches agree, no lone outliers where they do not
    c0 = float(np.median(cost_t)) + 1e-6
    acc = np.zeros((len(ty), 3), np.float32)
    wsum = np.zeros(len(ty), np.float32)
    lt = L[idx, iy, ix]
    for vy in (-1, 0, 1):
        for vx in (-1, 0, 1):
            qy, qx = np.clip(iy + vy, 0, ts - 1), np.clip(ix + vx, 0, ts - 1)
            cq = best[idx, qy, qx]
            dq = offs[best_d[idx, qy, qx]]
            sy, sx = P + iy + dq[:, 0], P + ix + dq[:, 1]
            ok = np.isfinite(cq) & (S[idx, sy, sx] == lt)
            wq = np.where(ok, np.exp(-np.where(ok, cq, 0) / c0), 0).astype(np.float32)
            acc += wq[:, None] * detail[idx, sy, sx]
            wsum += wq
    has = wsum > 0
    ty, tx, idx, iy, ix = ty[has], tx[has], idx[has], iy[has], ix[has]
    add = acc[has] / wsum[has, None]
    lim = 2.5 * rms[idx][:, None] + 1e-4
    add *= np.minimum(1.0, lim / np.maximum(np.abs(add).max(axis=1, keepdims=True), 1e-6))
    out[ty, tx] = np.clip(low[idx, P + iy, P + ix] + add, 0.0, 1.0)
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
        # the whole mesh, forehead included (the 68 landmarks stop at the brows, which left the
        # forehead in with hair and background: a crack above a brow took hair texture)
        cv2.fillConvexPoly(hull, cv2.convexHull(np.asarray(pts)[:, :2].round().astype(np.int32)), 1)
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
