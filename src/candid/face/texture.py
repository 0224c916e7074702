"""Skin texture statistics in a face's regions, comparable across photo sizes.

Texture is measured on the face resampled so the inter-ocular distance is
:data:`CANONICAL_IOD` pixels (only ever downsampled, never invented), so a
close-up and a distant shot of the same skin give comparable numbers.
"""

from __future__ import annotations

import cv2
import numpy as np

from candid.face.geometry import interocular_distance
from candid.face.masks import FaceRegions, face_regions

CANONICAL_IOD = 128.0
#: Band-pass scales in pixels at the canonical IOD: "fine" is pore and fine
#: line scale (~0.4-0.8 mm on a face), "mid" is blemish and wrinkle scale.
FINE_BAND = (0.7, 1.4)
MID_BAND = (2.0, 4.0)
TEXTURE_REGIONS = ("skin", "forehead", "left_cheek", "right_cheek", "nose", "chin")


def band_pass(grey: np.ndarray, sigmas: tuple[float, float]) -> np.ndarray:
    """Difference of Gaussians: detail between two scales.

    Examples
    --------
    >>> flat = np.full((32, 32), 0.5, np.float32)
    >>> float(np.abs(band_pass(flat, (1.0, 2.0))).max())
    0.0
    """
    a = cv2.GaussianBlur(grey, (0, 0), sigmas[0], borderType=cv2.BORDER_REFLECT)
    b = cv2.GaussianBlur(grey, (0, 0), sigmas[1], borderType=cv2.BORDER_REFLECT)
    return a - b


def noise_sigma(grey: np.ndarray, *, nonzero: bool = False) -> float:
    """Robust estimate of white-noise sigma: Donoho's MAD of the finest diagonal wavelet band.

    (The same estimator as ``skimage.restoration.estimate_sigma``, called
    through PyWavelets directly: importing ``skimage.restoration`` costs ~1-3 s
    of SciPy imports.) With ``nonzero``, coefficients that are exactly 0 are
    left out as skimage does (an 8-bit flat area is not "no noise" there;
    ``nan`` when every coefficient is 0).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> round(noise_sigma(0.5 + 0.02 * rng.standard_normal((256, 256))), 3)
    0.02
    >>> noise_sigma(np.zeros((16, 16))), noise_sigma(np.zeros((16, 16)), nonzero=True)
    (0.0, nan)
    """
    import pywt

    _, (_, _, diagonal) = pywt.dwt2(np.asarray(grey, np.float64), "db2")
    d = np.abs(diagonal)
    if nonzero:
        d = d[d != 0]
        if d.size == 0:
            return float("nan")
    return float(np.median(d) / 0.6744897501960817)


def skin_texture(pixels: np.ndarray, landmarks: np.ndarray, regions: FaceRegions | None = None) -> dict[str, float]:
    """Texture statistics of the skin, per region.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB image.
    landmarks : ndarray
        ``(68, 2)`` landmarks of the face.
    regions : FaceRegions, optional
        Precomputed masks (computed if not given).

    Returns
    -------
    dict
        ``iod_px`` (measured), ``scale`` (resampling applied), ``noise``
        (sigma of the face crop), and per region ``<region>.fine`` and
        ``<region>.mid`` (band-pass std relative to mean luminance), plus
        ``skin.L``, ``skin.a``, ``skin.b`` (mean CIELAB tone).

    Examples
    --------
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> stats = skin_texture(astronaut(), astronaut_landmarks())
    >>> stats["skin.fine"] > 0
    True
    """
    if regions is None:
        regions = face_regions(pixels, landmarks)
    crop = np.ascontiguousarray(regions.crop(pixels), dtype=np.float32)
    iod = interocular_distance(landmarks)
    scale = min(1.0, CANONICAL_IOD / iod)
    masks = dict(regions.masks)
    if scale < 1.0:
        size = (max(1, int(round(crop.shape[1] * scale))), max(1, int(round(crop.shape[0] * scale))))
        crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
        masks = {k: cv2.resize(v.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(bool)
                 for k, v in masks.items()}
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    fine = band_pass(grey, FINE_BAND)
    mid = band_pass(grey, MID_BAND)
    stats: dict[str, float] = {"iod_px": iod, "scale": scale, "noise": noise_sigma(grey)}
    for name in TEXTURE_REGIONS:
        m = masks.get(name)
        if m is None or m.sum() < 16:
            continue
        level = max(float(grey[m].mean()), 1e-3)
        stats[f"{name}.fine"] = float(fine[m].std() / level)
        stats[f"{name}.mid"] = float(mid[m].std() / level)
    skin = masks["skin"]
    if skin.sum() >= 16:
        lab = cv2.cvtColor(crop, cv2.COLOR_RGB2LAB)[skin]
        stats["skin.L"], stats["skin.a"], stats["skin.b"] = (float(v) for v in lab.mean(axis=0))
    return stats
