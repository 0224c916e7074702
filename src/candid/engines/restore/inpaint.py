"""Fill damaged pixels from their surroundings, in bands, with grain put back."""

from __future__ import annotations

import cv2
import numpy as np

from candid.colour import luma
from candid.engines.restore.checks import check_image, check_mask
from candid.engines.restore.sampling import BAND_ROWS, noise_sigma
from candid.engines.restore.exemplar import exemplar_fill


def inpaint(
    pixels: np.ndarray,
    mask: np.ndarray,
    *,
    method: str = "telea",
    radius: float | None = None,
    grain: bool = True,
    texture: bool = True,
    regions: np.ndarray | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Fill the pixels under ``mask`` from the undamaged pixels around them.

    Every hole is first filled smoothly by OpenCV's fast marching (Telea) or
    Navier-Stokes inpainting (one 8-bit 3-channel call per band). Holes that
    need more (``texture``): wider ones (5 px and up, 0.24 % of the short
    side on big scans) unless their surroundings are plain grain, and any hole through a
    textured area (hair, knitwear, foliage: local detail above 1.6x the
    print's grain) then get the fine texture of their best-matching spot
    nearby (:func:`candid.engines.restore.exemplar.exemplar_fill`; with
    ``regions``, never across an eye's or the lips' outline, and never inside
    a face's regions: there the smooth fill plus grain is kept, as copied
    detail from beside a brow lands as dark specks on skin). Hairline cracks
    on smooth areas keep the smooth fill, with grain of the print's own
    measured strength added back (seeded), so no fill stands out at 100 %.
    Big images are processed in bands of rows; only bands that contain
    damage are touched.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB (not modified).
    mask : ndarray
        ``(H, W)`` bool (or 0/1, or ``(H, W, 3)``), True where to fill.
    method : {"telea", "ns"}
    radius : float, optional
        Neighbourhood radius in pixels; default 3 + 0.03 % of the short side (4.5 px at 24 MP).
    grain : bool
        Put measured grain back inside smooth fills.
    texture : bool
        Re-texture wide holes and holes in textured areas from matching
        spots nearby (False: Telea/NS and grain only).
    regions : ndarray, optional
        ``(H, W)`` integer labels (see
        :func:`candid.engines.restore.exemplar.face_region_labels`): texture
        is copied only within label 0 (outside faces).
    seed : int

    Returns
    -------
    ndarray
        A new image, equal to ``pixels`` outside ``mask``.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((64, 64, 3), 0.5, np.float32)
    >>> img[30:33, :] = 1.0
    >>> m = np.zeros((64, 64), bool); m[30:33, :] = True
    >>> out = inpaint(img, m)
    >>> round(float(out[31, 10, 0]), 2), float(out[0, 0, 0])
    (0.5, 0.5)
    """
    img = check_image(pixels)
    m = check_mask(mask, img.shape)
    if method not in ("telea", "ns"):
        raise ValueError(f"unknown inpainting method {method!r}; use 'telea' or 'ns'")
    out = img.copy()
    if not m.any():
        return out
    h, w = img.shape[:2]
    s = min(h, w)
    r = float(radius) if radius is not None else 3.0 + 0.0003 * s
    flag = cv2.INPAINT_TELEA if method == "telea" else cv2.INPAINT_NS
    sigma = noise_sigma(luma(img)) if (grain or texture) else 0.0
    if regions is not None:
        regions = np.asarray(regions)
        if regions.shape != m.shape:
            raise ValueError(f"regions is {regions.shape[1]}x{regions.shape[0]} but the image is {w}x{h}")
    rng = np.random.default_rng(seed)
    m8 = m.astype(np.uint8)
    rows = np.flatnonzero(m8.any(axis=1))
    # the margin must see past the widest hole: estimate from the distance transform
    dist_max = float(cv2.distanceTransform(m8, cv2.DIST_L2, 3).max())
    margin = int(np.ceil(2 * dist_max + 2 * r + 4))
    for y0 in range(int(rows[0]), int(rows[-1]) + 1, BAND_ROWS):
        y1 = min(h, y0 + BAND_ROWS)
        if not m8[y0:y1].any():
            continue
        r0, r1 = max(0, y0 - margin), min(h, y1 + margin)
        cols = np.flatnonzero(m8[r0:r1].any(axis=0))
        c0, c1 = max(0, int(cols[0]) - margin), min(w, int(cols[-1]) + 1 + margin)
        mk = np.ascontiguousarray(m8[r0:r1, c0:c1])
        band = img[r0:r1, c0:c1]
        # One 8-bit 3-channel call (OpenCV's float32 Telea is wrong, and three 16-bit calls cost
        # three times as much): only the filled pixels are taken from it, and 8 bits are more
        # than a fill needs once grain is laid over it.
        u8 = np.clip(band * 255.0 + 0.5, 0, 255).astype(np.uint8)
        filled = cv2.inpaint(u8, mk, r, flag).astype(np.float32) / 255.0
        d = cv2.distanceTransform(mk, cv2.DIST_L2, 3)
        local = None
        if sigma > 0:
            # grain as strong as the print's own grain around this hole (skin, hair and sky
            # differ), measured on the undamaged pixels only
            yb = luma(band)
            hp = yb - cv2.GaussianBlur(yb, (0, 0), 1.0)
            ok = (mk == 0).astype(np.float32)
            # a smooth map: measured at a quarter of the size on big bands (cheap), then enlarged
            q = 4 if min(band.shape[:2]) >= 64 else 1
            num, den = hp * hp * ok, ok
            if q > 1:
                num = cv2.resize(num, None, fx=1 / q, fy=1 / q, interpolation=cv2.INTER_AREA)
                den = cv2.resize(den, None, fx=1 / q, fy=1 / q, interpolation=cv2.INTER_AREA)
            local = np.sqrt(cv2.GaussianBlur(num, (0, 0), 6.0 / q)
                            / np.maximum(cv2.GaussianBlur(den, (0, 0), 6.0 / q), 1e-3)) / 0.6
            if q > 1:
                local = cv2.resize(local, (band.shape[1], band.shape[0]), interpolation=cv2.INTER_LINEAR)
            # (high-pass std of white noise is ~0.6 sigma)
        done = None
        if texture:
            # wide holes, and holes through texture, take the texture of their best match nearby
            n_c, lab_c = cv2.connectedComponents(mk, connectivity=8)
            half = np.zeros(n_c, np.float32)
            inside = mk > 0
            np.maximum.at(half, lab_c[inside], d[inside])
            wide = half[lab_c] >= max(2.5, 0.0012 * s)  # 5 px wide on a small print, 12 px at 24 MP
            if local is not None:
                # where the surroundings are grain only, the smooth fill plus matched grain is already
                # invisible (and cheaper): texture is copied where there is more than grain
                # (relative to the band's typical level: measured the same way, it is the grain
                # wherever most of the picture is plain)
                g = max(float(np.median(local[:: 4, :: 4])), 1.0 / 255)
                need = (local > 1.6 * g) | (wide & (local > 1.15 * g))
            else:
                need = wide
            need &= mk > 0
            if regions is not None:
                # on a face a crack keeps the smooth fill (plus grain): a brow's hairs and an
                # eyelid's lines are structure in one place, and detail copied from beside them
                # lands as dark specks on the skin (scratched_b's brow and forehead)
                need &= regions[r0:r1, c0:c1] == 0
            if need.any():
                filled, done = exemplar_fill(filled, mk > 0, need,
                                             regions=None if regions is None else regions[r0:r1, c0:c1])
        if grain and local is not None:
            wgt = np.clip((d - 0.5) / 1.5, 0, 1).astype(np.float32)  # none at a fill's edge, full inside
            if done is not None:
                wgt[done] = 0  # re-textured fills carry the print's own grain already
            if wgt.any():
                lv = np.clip(local, 0.5 * sigma, 2.0 * sigma).astype(np.float32)
                noise = rng.standard_normal(band.shape[:2], dtype=np.float32)
                noise = cv2.GaussianBlur(noise, (0, 0), 0.6) * np.float32(1 / 0.55)
                filled += (noise * lv * wgt)[..., None]
        keep = slice(y0 - r0, y1 - r0)
        sel = mk[keep] > 0
        tgt = out[y0:y1, c0:c1]
        tgt[sel] = np.clip(filled[keep][sel], 0, 1)
    return out
