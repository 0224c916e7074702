"""Example-based detail transfer: fine skin, hair and eye detail from the person's own photos.

An upscaler has to invent what the source never recorded. Here the missing
frequency band is instead *taken* from reference photos of the same person:
each facial region (eyes with brows, nose, mouth, the rest of the face) is
aligned to the target through a similarity transform fitted on its 68-point
landmarks, the reference is band-passed to exactly the band the upscale lost
(and no finer than the reference itself resolves: matched by scale), and the
relative luminance detail is added under soft, feathered region masks. Large
edges in the band (eyelid outlines, nostrils) are soft-clipped so a slightly
misaligned reference cannot draw a second edge; what goes through are
small-amplitude textures: pores, fine lines, lashes, iris fibres.

The functions take plain ``(68, 2)`` landmark arrays (dlib / iBUG 300-W
order, ``(x, y)`` in pixels) so they do not depend on any face module.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from candid.finish._ops import _blur, luma

#: Landmark indices (iBUG 68) of the regions aligned separately.
REGIONS: dict[str, tuple[int, ...]] = {
    "eye_a": tuple(range(17, 22)) + tuple(range(36, 42)),
    "eye_b": tuple(range(22, 27)) + tuple(range(42, 48)),
    "nose": tuple(range(27, 36)),
    "mouth": tuple(range(48, 68)),
    "face": tuple(range(0, 68)),
}

_EPS = 0.03  # luminance floor for relative detail (keeps shadows from exploding)


def check_landmarks(landmarks: np.ndarray, name: str = "landmarks") -> np.ndarray:
    """Validate a ``(68, 2)`` landmark array and return it as float64."""
    pts = np.asarray(landmarks, dtype=np.float64)
    if pts.shape != (68, 2):
        raise ValueError(f"{name} must have shape (68, 2), got {pts.shape}")
    if not np.all(np.isfinite(pts)):
        raise ValueError(f"{name} contains NaN or inf")
    return pts


def similarity_fit(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Least-squares similarity transform ``src -> dst`` (Umeyama).

    Returns
    -------
    (ndarray, float, float)
        The ``2x3`` matrix, its scale, and the RMS residual in ``dst`` pixels.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[0, 0], [1, 0], [0, 1.0]])
    >>> m, s, r = similarity_fit(a, 2 * a + 5)
    >>> round(s, 6), round(r, 6)
    (2.0, 0.0)
    """
    mu_s, mu_d = src.mean(0), dst.mean(0)
    s0, d0 = src - mu_s, dst - mu_d
    cov = d0.T @ s0 / len(src)
    u, sv, vt = np.linalg.svd(cov)
    d = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        d[-1] = -1
    r = u @ np.diag(d) @ vt
    var = (s0**2).sum() / len(src)
    scale = float((sv * d).sum() / var) if var > 0 else 1.0
    t = mu_d - scale * r @ mu_s
    m = np.hstack([scale * r, t[:, None]])
    resid = float(np.sqrt((((src @ m[:, :2].T + m[:, 2]) - dst) ** 2).sum(1).mean()))
    return m, scale, resid


def _hull(pts: np.ndarray) -> np.ndarray:
    return cv2.convexHull(np.round(pts).astype(np.int32))


def _region_polygons(pts: np.ndarray) -> dict[str, np.ndarray]:
    """Polygons (in the landmarks' pixel frame) covering each region."""
    brows = pts[17:27]
    forehead = brows + (brows - pts[33]) * 0.45
    face = np.vstack([pts[0:17], forehead])
    polys = {"face": face}
    for name in ("eye_a", "eye_b", "nose", "mouth"):
        p = pts[list(REGIONS[name])]
        c = p.mean(0)
        polys[name] = c + (p - c) * 1.25
    return polys


def _region_masks(pts: np.ndarray, h: int, w: int, scale: float) -> np.ndarray:
    """Soft, normalised region weights ``(h, w, 5)`` on a canvas ``scale`` times the frame."""
    iod = np.linalg.norm(pts[36:42].mean(0) - pts[42:48].mean(0))
    polys = _region_polygons(pts)
    raw = {}
    for name, poly in polys.items():
        m = np.zeros((h, w), np.float32)
        cv2.fillConvexPoly(m, _hull(poly * scale), 1.0)
        sigma = max(0.6, 0.08 * iod * scale)
        raw[name] = _blur(m, sigma)
    parts = np.maximum.reduce([raw[n] for n in ("eye_a", "eye_b", "nose", "mouth")])
    out = np.zeros((h, w, len(REGIONS)), np.float32)
    face_w = raw["face"]
    for i, name in enumerate(REGIONS):
        if name == "face":
            out[:, :, i] = face_w * (1.0 - parts)
        else:
            out[:, :, i] = raw[name] * face_w
    total = out.sum(2, keepdims=True)
    return np.where(total > 1.0, out / np.maximum(total, 1e-6), out)


@dataclass
class _Choice:
    ref: int
    matrix: np.ndarray  # 2x3, reference -> target frame
    mag: float          # target pixels per reference pixel
    sigma_fine: float   # band limits in target pixels
    sigma_coarse: float
    clip: float         # soft-clip level for relative detail
    gain: float


@dataclass
class DetailModel:
    """Detail transfer prepared for one target frame; apply it to any window of that frame.

    Build it with :func:`prepare_detail`; :meth:`apply` works on windows
    (with their global offset), so tiles and the whole image get the same
    pixels.
    """

    shape: tuple[int, int]
    choices: dict[str, _Choice]
    refs: list[np.ndarray]          # reference luminance
    masks: np.ndarray               # low-res region weights
    mask_scale: float
    strength: float
    notes: list[str] = field(default_factory=list)
    _prefiltered: dict = field(default_factory=dict)

    @property
    def margin(self) -> int:
        """Pixels of context a window needs on each side."""
        if not self.choices:
            return 0
        return int(math.ceil(3 * max(c.sigma_coarse for c in self.choices.values()))) + 2

    def _ref_for(self, c: _Choice) -> np.ndarray:
        pre = 0.5 / c.mag if c.mag < 1 else 0.0
        key = (c.ref, round(pre, 2))
        if key not in self._prefiltered:
            self._prefiltered[key] = _blur(self.refs[c.ref], pre) if pre > 0.3 else self.refs[c.ref]
        return self._prefiltered[key]

    def window_masks(self, y0: int, x0: int, h: int, w: int) -> np.ndarray:
        """Region weights ``(h, w, n_regions)`` for a window of the target frame."""
        f = self.mask_scale
        xs = ((np.arange(x0, x0 + w, dtype=np.float32) + 0.5) * f - 0.5)
        ys = ((np.arange(y0, y0 + h, dtype=np.float32) + 0.5) * f - 0.5)
        mx, my = np.meshgrid(xs, ys)
        out = np.empty((h, w, self.masks.shape[2]), np.float32)
        for i in range(self.masks.shape[2]):
            out[:, :, i] = cv2.remap(self.masks[:, :, i], mx, my, cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
        return out

    def detail(self, y0: int, x0: int, h: int, w: int) -> np.ndarray | None:
        """Relative luminance detail ``(h, w)`` for a window, or None if the window has no face."""
        if not self.choices:
            return None
        masks = self.window_masks(y0, x0, h, w)
        if float(masks.max()) < 1e-3:
            return None
        total = np.zeros((h, w), np.float32)
        for i, name in enumerate(REGIONS):
            c = self.choices.get(name)
            wgt = masks[:, :, i]
            if c is None or float(wgt.max()) < 1e-3:
                continue
            m = c.matrix.copy()
            m[:, 2] -= (x0, y0)
            ref = self._ref_for(c)
            warped = cv2.warpAffine(ref, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT_101)
            valid = cv2.warpAffine(np.ones_like(ref), m, (w, h), flags=cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
            fine = _blur(warped, c.sigma_fine) if c.sigma_fine > 0.55 else warped
            coarse = _blur(warped, c.sigma_coarse)
            d = (fine - coarse) / (np.maximum(coarse, 0.0) + _EPS)
            d = c.clip * np.tanh(d / c.clip)
            total += wgt * np.clip(valid, 0, 1) * c.gain * d
        return total * self.strength

    def apply(self, img: np.ndarray, y0: int = 0, x0: int = 0) -> np.ndarray:
        """Add the detail to a window ``img`` whose top-left is at ``(y0, x0)`` of the frame."""
        d = self.detail(y0, x0, img.shape[0], img.shape[1])
        if d is None:
            return img.copy()
        return np.clip(img * (1.0 + d)[:, :, None], 0.0, 1.0)


def prepare_detail(
    shape: tuple[int, int],
    landmarks: np.ndarray,
    references: list[np.ndarray],
    reference_landmarks: list[np.ndarray],
    *,
    upscale_factor: float,
    strength: float = 1.0,
    clip_sigmas: float = 1.5,
    max_residual: float = 0.08,
) -> DetailModel:
    """Align references to a target frame and choose, per region, the one to take detail from.

    See :func:`transfer_detail` for the parameters. ``shape`` is the
    ``(H, W)`` of the target frame.
    """
    tgt = check_landmarks(landmarks, "landmarks")
    if len(references) != len(reference_landmarks):
        raise ValueError("references and reference_landmarks must have the same length")
    if upscale_factor <= 0:
        raise ValueError("upscale_factor must be positive")
    h, w = shape
    refs, ref_pts = [], []
    for i, (r, p) in enumerate(zip(references, reference_landmarks)):
        r = np.asarray(r)
        if r.ndim != 3 or r.shape[2] != 3:
            raise ValueError(f"reference {i} must be (H, W, 3), got {r.shape}")
        refs.append(luma(np.clip(r.astype(np.float32), 0, 1)))
        ref_pts.append(check_landmarks(p, f"reference_landmarks[{i}]"))
    iod = float(np.linalg.norm(tgt[36:42].mean(0) - tgt[42:48].mean(0)))
    if iod < 2:
        raise ValueError("target landmarks are degenerate (eyes less than 2 pixels apart)")
    sigma_coarse = max(0.8, 0.6 * upscale_factor)
    choices: dict[str, _Choice] = {}
    notes: list[str] = []
    for name, idx in REGIONS.items():
        best = None
        for i, (ref, pts) in enumerate(zip(refs, ref_pts)):
            idx_l = list(idx)
            m, mag, resid = similarity_fit(pts[idx_l], tgt[idx_l])
            rn = resid / iod
            if rn > max_residual:
                continue
            sigma_fine = max(0.5, 0.5 * mag)
            if mag >= 0.8 * upscale_factor or sigma_fine >= 0.8 * sigma_coarse:
                continue  # reference is no sharper than the source at this scale
            cost = rn + 0.05 * math.log2(max(mag, 0.25))
            if best is None or cost < best[0]:
                best = (cost, i, m, mag, sigma_fine)
        if best is None:
            continue
        _, i, m, mag, sigma_fine = best
        clip = _robust_clip(refs[i], ref_pts[i][list(idx)], sigma_fine / mag, sigma_coarse / mag, clip_sigmas)
        gain = float(np.clip(1.0 - sigma_fine / sigma_coarse, 0.0, 1.0))
        choices[name] = _Choice(i, m, mag, sigma_fine, sigma_coarse, clip, gain)
        notes.append(f"{name}: reference {i} at {mag:.2f} target px per reference px")
    f = min(1.0, 1024.0 / max(h, w))
    mh, mw = max(1, round(h * f)), max(1, round(w * f))
    masks = _region_masks(tgt, mh, mw, f)
    return DetailModel((h, w), choices, refs, masks, f, float(strength), notes)


def _robust_clip(ref: np.ndarray, pts: np.ndarray, s_fine: float, s_coarse: float, k: float) -> float:
    """Soft-clip level: ``k`` robust standard deviations of the reference band in the region."""
    x0, y0 = np.floor(pts.min(0)).astype(int)
    x1, y1 = np.ceil(pts.max(0)).astype(int)
    pad = int(3 * s_coarse) + 2
    crop = ref[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad]
    if crop.size < 16:
        return 0.1
    coarse = _blur(crop, s_coarse)
    fine = _blur(crop, s_fine) if s_fine > 0.55 else crop
    d = (fine - coarse) / (np.maximum(coarse, 0) + _EPS)
    mad = float(np.median(np.abs(d - np.median(d)))) * 1.4826
    return float(np.clip(k * mad, 0.01, 0.5))


def transfer_detail(
    img: np.ndarray,
    landmarks: np.ndarray,
    references: list[np.ndarray],
    reference_landmarks: list[np.ndarray],
    *,
    upscale_factor: float,
    strength: float = 1.0,
) -> np.ndarray:
    """Add fine facial detail from reference photos of the same person to an upscaled image.

    Parameters
    ----------
    img : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1]: an image that was magnified by
        ``upscale_factor`` from its true resolution, so it lacks detail finer
        than about ``0.6 * upscale_factor`` pixels.
    landmarks : ndarray
        ``(68, 2)`` iBUG-68 landmarks of the face in ``img`` (``x, y`` pixels).
    references : list of ndarray
        ``(h, w, 3)`` float sRGB photos of the same person, any size.
    reference_landmarks : list of ndarray
        ``(68, 2)`` landmarks of each reference, in its own pixels.
    upscale_factor : float
        How much ``img`` was magnified (output pixels per source pixel).
    strength : float
        1 adds the reference's band at its own contrast; 0 does nothing.

    Returns
    -------
    ndarray
        New float32 array; pixels outside the face are unchanged.

    Notes
    -----
    Per region, the reference whose landmarks fit best (RMS residual under 8 %
    of the eye distance) and that is sharpest at this scale is used; a
    reference that is not sharper than the source adds nothing.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.finish import transfer_detail
    >>> rng = np.random.default_rng(0)
    >>> lm = rng.uniform(20, 100, (68, 2))
    >>> img = np.full((128, 128, 3), 0.5, np.float32)
    >>> out = transfer_detail(img, lm, [img], [lm], upscale_factor=4)
    >>> out.shape, out.dtype.name
    ((128, 128, 3), 'float32')
    """
    img = np.asarray(img)
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"img must be (H, W, 3), got {img.shape}")
    model = prepare_detail(img.shape[:2], landmarks, references, reference_landmarks,
                           upscale_factor=upscale_factor, strength=strength)
    return model.apply(img.astype(np.float32, copy=False), 0, 0).astype(np.float32)
