"""Texture: put the subject's real skin detail back into waxy skin.

A reference photo is aligned to the portrait with a thin-plate spline through
both faces' landmarks (so pores on the cheek land on the cheek, at the
portrait's scale), its band-pass detail is taken as a ratio to the local
brightness (so it follows the portrait's lighting, not the reference's), and
added where the portrait has less detail than the reference, in the amount
that is missing.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy.interpolate import RBFInterpolator

from candid.face.geometry import interocular_distance, normalize_landmarks
from candid.face.masks import FaceRegions, face_regions, forehead_top
from candid.honest.warp import _check_landmarks, _check_pixels

#: Detail band, in inter-ocular distances: from pore scale (the "fine" band of
#: :func:`candid.face.skin_texture`) up to fine-wrinkle scale (its "mid" band).
#: Coarser structure (shading, highlights, blemishes) is the reference's light and
#: skin of that day, not texture: it is never carried over.
DETAIL_BAND = (0.0055, 0.03)
#: Kept for callers: the upper end of the detail band.
DETAIL_SCALE = DETAIL_BAND[1]
#: Reference detail is clipped at this many local RMS (a mole or a specular glint of the
#: reference photo must not be stamped onto the portrait).
CLIP_RMS = 2.5
#: Local energy is compared over this many inter-ocular distances.
ENERGY_SCALE = 0.12


def _grey(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(img, np.float32), cv2.COLOR_RGB2GRAY)


def relative_detail(grey: np.ndarray, sigma: float) -> np.ndarray:
    """High-pass detail as a fraction of local brightness (lighting-independent).

    Examples
    --------
    >>> flat = np.full((16, 16), 0.4, np.float32)
    >>> bool(np.abs(relative_detail(flat, 2.0)).max() < 1e-6)
    True
    """
    base = cv2.GaussianBlur(grey, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    return np.clip((grey - base) / np.maximum(base, 0.05), -0.5, 0.5)


def align_reference(ref_pixels: np.ndarray, ref_landmarks: np.ndarray, landmarks: np.ndarray,
                    window: tuple[int, int, int, int]) -> np.ndarray:
    """Warp a reference photo so its face lies on the portrait's face, inside ``window``.

    Returns
    -------
    ndarray
        ``(y1 - y0, x1 - x0, 3)`` float32; outside the reference frame it is NaN.
    """
    y0, y1, x0, x1 = window
    dst = np.vstack([landmarks, forehead_top(landmarks)])
    src = np.vstack([ref_landmarks, forehead_top(ref_landmarks)])
    iod = interocular_distance(landmarks)
    rbf = RBFInterpolator(dst - [x0, y0], src, kernel="thin_plate_spline", smoothing=1e-2 * iod)
    step = max(1, int(round(iod / 24)))
    gy, gx = np.mgrid[0:y1 - y0 + step:step, 0:x1 - x0 + step:step]
    coarse = rbf(np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float64)).reshape(gy.shape + (2,))
    ys = np.arange(y1 - y0) / step
    xs = np.arange(x1 - x0) / step
    from scipy.ndimage import map_coordinates
    yy, xx = np.meshgrid(ys, xs, indexing="ij")
    maps = [map_coordinates(coarse[..., k], [yy, xx], order=1, mode="nearest").astype(np.float32) for k in (0, 1)]
    out = cv2.remap(np.ascontiguousarray(ref_pixels, np.float32), maps[0], maps[1], interpolation=cv2.INTER_CUBIC,
                    borderMode=cv2.BORDER_CONSTANT, borderValue=(np.nan, np.nan, np.nan))
    return out


def pick_reference(landmarks: np.ndarray, references: list[tuple[np.ndarray, np.ndarray]]) -> int:
    """Index of the reference whose pose is closest to the portrait's, preferring more pixels."""
    n = normalize_landmarks(landmarks)
    iod = interocular_distance(landmarks)
    scores = []
    for _, ref_lm in references:
        pose = float(np.sqrt(np.mean(np.sum((normalize_landmarks(ref_lm) - n) ** 2, axis=1))))
        resolution = min(1.0, interocular_distance(ref_lm) / iod)
        scores.append(pose - 0.1 * resolution)
    return int(np.argmin(scores))


def restore_texture(
    pixels: np.ndarray,
    landmarks: np.ndarray,
    references: list[tuple[np.ndarray, np.ndarray]],
    amount: float = 1.0,
    *,
    regions: FaceRegions | None = None,
) -> tuple[np.ndarray, dict]:
    """Re-inject the subject's real skin detail where the portrait's skin is waxy.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB portrait (not modified).
    landmarks : ndarray
        ``(68, 2)`` landmarks of the portrait's face.
    references : list of (ndarray, ndarray)
        Reference photos of the subject and their landmarks.
    amount : float
        In [0, 1]: 1 restores the references' detail level, 0 does nothing.
    regions : FaceRegions, optional
        Precomputed masks of the portrait.

    Returns
    -------
    pixels : ndarray
    info : dict
        ``reference`` (index used), ``detail_before`` / ``detail_after``
        (relative detail RMS on the skin) and ``reference_detail``.

    Examples
    --------
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> img, lm = astronaut(), astronaut_landmarks()
    >>> out, info = restore_texture(img, lm, [(img, lm)])  # nothing is missing
    >>> info["detail_after"] / info["detail_before"] < 1.1
    True
    """
    img = _check_pixels(pixels)
    lm = _check_landmarks(landmarks)
    if not references:
        raise ValueError("restore_texture needs at least one reference photo")
    amount = float(np.clip(amount, 0.0, 1.0))
    if regions is None:
        regions = face_regions(img, lm)
    out = img.copy()
    y0, y1, x0, x1 = regions.window
    iod = interocular_distance(lm)
    sigma = max(1.0, DETAIL_SCALE * iod)
    fine = max(0.5, DETAIL_BAND[0] * iod)
    k = pick_reference(lm, references)
    ref_px, ref_lm = references[k]
    ref_lm = _check_landmarks(ref_lm)
    aligned = align_reference(ref_px, ref_lm, lm, regions.window)
    valid = np.all(np.isfinite(aligned), axis=-1)
    aligned = np.nan_to_num(aligned, nan=0.5)
    # The reference's own skin, carried into the portrait's frame.
    ref_regions = face_regions(np.asarray(ref_px, np.float32), ref_lm)
    ref_skin_full = np.zeros(np.asarray(ref_px).shape[:2], np.float32)
    ry0, ry1, rx0, rx1 = ref_regions.window
    ref_skin_full[ry0:ry1, rx0:rx1] = ref_regions.masks["skin"]
    ref_skin = align_reference(np.repeat(ref_skin_full[..., None], 3, axis=2), ref_lm, lm, regions.window)[..., 0]
    ref_skin = np.nan_to_num(ref_skin, nan=0.0) > 0.5

    crop = np.ascontiguousarray(img[y0:y1, x0:x1])
    grey = _grey(crop)
    d_img = relative_detail(grey, sigma) - relative_detail(grey, fine)
    ref_grey = _grey(aligned)
    d_ref = relative_detail(ref_grey, sigma) - relative_detail(ref_grey, fine)
    skin = regions.masks["skin"] & ref_skin & valid
    erode = max(1, int(round(0.03 * iod)))
    skin = cv2.erode(skin.astype(np.uint8), np.ones((2 * erode + 1, 2 * erode + 1), np.uint8)).astype(bool)
    info = {"reference": k, "detail_before": float("nan"), "detail_after": float("nan"),
            "reference_detail": float("nan")}
    if skin.sum() < 16:
        return out, info
    es = max(1.5, ENERGY_SCALE * iod)
    # Energies are averaged over skin only, so eyebrows and nostrils nearby do not count.
    m = skin.astype(np.float32)
    norm = cv2.GaussianBlur(m, (0, 0), es) + 1e-6
    e_img = cv2.GaussianBlur(d_img * d_img * m, (0, 0), es) / norm
    e_ref = cv2.GaussianBlur(d_ref * d_ref * m, (0, 0), es) / norm
    limit = CLIP_RMS * np.sqrt(e_ref)
    d_ref = np.clip(d_ref, -limit, limit)
    gain = np.sqrt(np.clip((e_ref - e_img) / np.maximum(e_ref, 1e-8), 0.0, 1.0))
    weight = cv2.GaussianBlur(m, (0, 0), max(1.0, 0.05 * iod)) * m  # soft inside, zero outside skin
    add = amount * weight * gain * d_ref
    new = np.clip(crop * (1.0 + add[..., None]), 0.0, 1.0)
    out[y0:y1, x0:x1] = new
    d_new = relative_detail(_grey(new), sigma) - relative_detail(_grey(new), fine)
    info.update(detail_before=float(np.sqrt(np.mean(d_img[skin] ** 2))),
                detail_after=float(np.sqrt(np.mean(d_new[skin] ** 2))),
                reference_detail=float(np.sqrt(np.mean(d_ref[skin] ** 2))))
    return out, info
