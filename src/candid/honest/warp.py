"""Landmark-driven, smooth, face-limited warps (thin-plate spline).

The warp moves the pixels under a set of landmarks to new positions and
interpolates everything in between with a thin-plate spline; the displacement
fades to zero a short way outside the face (a fraction of the inter-ocular
distance), so the background and the frame edges never move and there is no seam.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy.interpolate import RBFInterpolator

from candid.face.geometry import interocular_distance
from candid.face.masks import forehead_top

#: Landmark groups of the iBUG 68 layout the guard can reshape.
GROUPS = {
    "jaw": np.arange(0, 17),
    "right_eye": np.arange(36, 42),
    "left_eye": np.arange(42, 48),
    "nose": np.arange(27, 36),
    "mouth": np.arange(48, 68),
}


def _check_pixels(pixels: np.ndarray) -> np.ndarray:
    if not isinstance(pixels, np.ndarray) or pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) image, got {getattr(pixels, 'shape', type(pixels))}")
    return np.asarray(pixels, np.float32)


def _check_landmarks(landmarks: np.ndarray, name: str = "landmarks") -> np.ndarray:
    lm = np.asarray(landmarks, np.float64)
    if lm.shape != (68, 2) or not np.all(np.isfinite(lm)):
        raise ValueError(f"{name} must be a finite (68, 2) array, got {lm.shape}")
    return lm


def normalization(landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The similarity used by :func:`candid.face.normalize_landmarks`: ``(rotation, centre, iod)``.

    ``normalized = ((lm - centre) @ rotation.T) / iod`` and back
    ``lm = (normalized * iod) @ rotation + centre``.
    """
    lm = _check_landmarks(landmarks)
    right, left = lm[36:42].mean(axis=0), lm[42:48].mean(axis=0)
    d = left - right
    iod = float(np.hypot(*d))
    c, s = d / iod
    return np.array([[c, s], [-s, c]]), (right + left) / 2, iod


def denormalize(normalized: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """Map landmarks from the normalized frame of ``landmarks`` back to its pixels.

    Examples
    --------
    >>> from candid.face.geometry import normalize_landmarks
    >>> lm = np.random.default_rng(1).uniform(0, 100, (68, 2))
    >>> bool(np.allclose(denormalize(normalize_landmarks(lm), lm), lm))
    True
    """
    rot, centre, iod = normalization(landmarks)
    return (np.asarray(normalized, np.float64) * iod) @ rot + centre


def _falloff_weight(shape: tuple[int, int], offset: np.ndarray, hull_pts: np.ndarray, ramp: float) -> np.ndarray:
    """1 inside the hull, smoothly down to 0 at ``ramp`` pixels outside it."""
    mask = np.zeros(shape, np.uint8)
    hull = cv2.convexHull(((hull_pts - offset) * 16).astype(np.int32))
    cv2.fillConvexPoly(mask, hull, 1, lineType=cv2.LINE_8, shift=4)
    dist = cv2.distanceTransform((1 - mask).astype(np.uint8), cv2.DIST_L2, 5)
    t = np.clip(1.0 - dist / max(ramp, 1.0), 0.0, 1.0)
    return (t * t * (3 - 2 * t)).astype(np.float32)


def warp_face(
    pixels: np.ndarray,
    landmarks: np.ndarray,
    target_landmarks: np.ndarray,
    *,
    strength: float = 1.0,
    falloff: float = 0.3,
) -> np.ndarray:
    """Move the face so its landmarks go from ``landmarks`` to ``target_landmarks``.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB image (not modified).
    landmarks : ndarray
        ``(68, 2)`` where the landmarks are now, in pixels.
    target_landmarks : ndarray
        ``(68, 2)`` where they should be. Landmarks that do not move hold
        their surroundings in place.
    strength : float
        0 leaves the image as is, 1 moves all the way to the target.
    falloff : float
        Width of the zone outside the face (jaw line and estimated forehead)
        over which the displacement fades to zero, in inter-ocular distances.

    Returns
    -------
    ndarray
        A new ``(H, W, 3)`` float32 image; pixels farther than ``falloff``
        outside the face are bit-identical to the input.

    Examples
    --------
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> img, lm = astronaut(), astronaut_landmarks()
    >>> out = warp_face(img, lm, lm)  # no movement
    >>> bool(np.array_equal(out, img))
    True
    """
    img = _check_pixels(pixels)
    src = _check_landmarks(landmarks)
    dst = _check_landmarks(target_landmarks, "target_landmarks")
    if not 0.0 <= strength <= 4.0:
        raise ValueError(f"strength must be in [0, 4], got {strength}")
    dst = src + strength * (dst - src)
    out = img.copy()
    moved = np.linalg.norm(dst - src, axis=1)
    if moved.max() < 0.05:
        return out
    iod = interocular_distance(src)
    ramp = falloff * iod
    # The face hull: jaw, estimated forehead, for both landmark sets.
    hull_pts = np.vstack([src, dst, forehead_top(src), forehead_top(dst)])
    pad = ramp + 2 + moved.max()
    h, w = img.shape[:2]
    x0, y0 = np.maximum(np.floor(hull_pts.min(axis=0) - pad), 0).astype(int)
    x1, y1 = np.minimum(np.ceil(hull_pts.max(axis=0) + pad), [w, h]).astype(int)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return out
    offset = np.array([x0, y0], np.float64)
    shape = (y1 - y0, x1 - x0)
    # Backward map: the output pixel at dst_i samples the input at src_i.
    # Anchors with zero displacement on the forehead keep the top of the head still.
    anchors = forehead_top(src)
    ctrl = np.vstack([dst, anchors]) - offset
    disp = np.vstack([src - dst, np.zeros_like(anchors)])
    rbf = RBFInterpolator(ctrl, disp, kernel="thin_plate_spline", smoothing=1e-3 * iod)
    step = max(1, int(round(iod / 24)))
    gy, gx = np.mgrid[0:shape[0] + step:step, 0:shape[1] + step:step]
    coarse = rbf(np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float64)).reshape(gy.shape + (2,))
    # Upsample the coarse field: coarse node k sits at pixel k * step.
    full_h, full_w = gy.shape[0] * step, gy.shape[1] * step
    field = cv2.resize(coarse.astype(np.float32), (full_w, full_h), interpolation=cv2.INTER_LINEAR)
    shift = (step - 1) / 2.0
    if step > 1:
        m = np.float32([[1, 0, -shift], [0, 1, -shift]])
        field = cv2.warpAffine(field, m, (full_w, full_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    field = field[:shape[0], :shape[1]]
    weight = _falloff_weight(shape, offset, np.vstack([src, dst, forehead_top(src)]), ramp)
    field *= weight[..., None]
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    map_x = (xx + field[..., 0] + x0).astype(np.float32)
    map_y = (yy + field[..., 1] + y0).astype(np.float32)
    warped = cv2.remap(img, map_x, map_y, interpolation=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    changed = weight > 0
    region = out[y0:y1, x0:x1]
    region[changed] = np.clip(warped[changed], 0.0, 1.0)
    return out


def scale_group(normalized: np.ndarray, indices: np.ndarray, sx: float, sy: float,
                centre: np.ndarray | None = None) -> np.ndarray:
    """Scale a group of normalized landmarks about a centre (its centroid by default), in a copy."""
    out = np.array(normalized, np.float64, copy=True)
    c = out[indices].mean(axis=0) if centre is None else np.asarray(centre, np.float64)
    out[indices] = c + (out[indices] - c) * np.array([sx, sy])
    return out
