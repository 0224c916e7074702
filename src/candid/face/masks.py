"""Region masks (face, skin, eyes, irises, lips, brows, hair line) from landmarks.

With the 478-point mesh the outlines (face oval, eyelids, lips, brows, nose,
forehead top) and the iris circles come from the mesh's contours; with only
68 points they are approximated from those (the forehead from a typical
proportion, the iris from the darkest part of the eye opening).

Masks are computed inside a window around the face, not over the whole
image, so an 8K frame costs a few face-sized arrays, not many 33 MP ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from candid.face.geometry import LEFT_EYE, RIGHT_EYE, interocular_distance

REGIONS = ("face", "skin", "forehead", "left_cheek", "right_cheek", "nose", "chin",
           "eyes", "irises", "lips", "brows", "hairline")


@dataclass(frozen=True)
class FaceRegions:
    """Boolean masks of face regions inside ``window`` of the image.

    Attributes
    ----------
    window : tuple of int
        ``(y0, y1, x0, x1)``: ``image[y0:y1, x0:x1]`` is what the masks cover.
    masks : dict of str to ndarray
        ``(y1 - y0, x1 - x0)`` bool arrays, keys from :data:`REGIONS`.
    iris_circles : list of tuple
        ``(x, y, r)`` per eye in image pixels.
    """

    window: tuple[int, int, int, int]
    masks: dict[str, np.ndarray] = field(repr=False)
    iris_circles: list[tuple[float, float, float]] = field(default_factory=list)

    def crop(self, image: np.ndarray) -> np.ndarray:
        """The part of ``image`` the masks cover."""
        y0, y1, x0, x1 = self.window
        return image[y0:y1, x0:x1]

    def full(self, name: str, shape: tuple[int, int]) -> np.ndarray:
        """A whole-image mask (for small images and display)."""
        out = np.zeros(shape[:2], dtype=bool)
        y0, y1, x0, x1 = self.window
        out[y0:y1, x0:x1] = self.masks[name]
        return out


def _up_vector(lm: np.ndarray) -> np.ndarray:
    v = lm[27] - lm[8]
    return v / max(np.linalg.norm(v), 1e-6)


def forehead_top(landmarks: np.ndarray) -> np.ndarray:
    """Estimated hair-line points above the brows (10 points, image left to right).

    The forehead is not in the 68-point model; its height is taken as 0.45 of
    the bridge-to-chin length, a typical adult proportion.
    """
    lm = np.asarray(landmarks, np.float64)
    height = 0.45 * np.linalg.norm(lm[27] - lm[8])
    return lm[17:27] + _up_vector(lm) * height


def _fill(shape: tuple[int, int], polys: list[np.ndarray], offset: np.ndarray) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    pts = [np.round((p - offset) * 16).astype(np.int32) for p in polys]
    cv2.fillPoly(mask, pts, 1, lineType=cv2.LINE_8, shift=4)
    return mask.astype(bool)


def _hull(points: np.ndarray) -> np.ndarray:
    return cv2.convexHull(points.astype(np.float32)).reshape(-1, 2).astype(np.float64)


def face_window(landmarks: np.ndarray, image_shape: tuple[int, ...], margin: float = 0.35) -> tuple[int, int, int, int]:
    """A window around the face and its hair line, clipped to the image."""
    lm = np.asarray(landmarks, np.float64)
    pts = np.vstack([lm, forehead_top(lm) + _up_vector(lm) * 0.4 * interocular_distance(lm)])
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    pad = margin * max(x1 - x0, y1 - y0) * 0.5
    h, w = image_shape[:2]
    return (int(max(0, np.floor(y0 - pad))), int(min(h, np.ceil(y1 + pad))),
            int(max(0, np.floor(x0 - pad))), int(min(w, np.ceil(x1 + pad))))


def _iris_circle(grey: np.ndarray, eye_mask: np.ndarray, eye_pts: np.ndarray, offset: np.ndarray):
    # The iris is about 0.4 of the eye's corner-to-corner width (11.7 mm of ~30 mm).
    # Its centre is found as the darkness-weighted centroid inside the eye opening.
    width = float(np.linalg.norm(eye_pts[3] - eye_pts[0]))
    radius = 0.21 * width
    ys, xs = np.nonzero(eye_mask)
    centre = eye_pts.mean(axis=0)
    if len(xs) >= 6:
        values = grey[ys, xs]
        weights = np.clip(np.percentile(values, 60) - values, 0, None)
        if weights.sum() > 0:
            cx = float(np.sum(xs * weights) / weights.sum()) + offset[0]
            cy = float(np.sum(ys * weights) / weights.sum()) + offset[1]
            lo, hi = eye_pts[:, 0].min() + radius * 0.5, eye_pts[:, 0].max() - radius * 0.5
            centre = np.array([np.clip(cx, lo, max(lo, hi)), cy])
    return float(centre[0]), float(centre[1]), radius


def _colour_consistent(lab: np.ndarray, seed_mask: np.ndarray, candidate: np.ndarray, tolerance: float) -> np.ndarray:
    ref = np.median(lab[seed_mask], axis=0)
    spread = np.median(np.abs(lab[seed_mask] - ref), axis=0) + np.array([4.0, 3.0, 3.0])
    dist = np.sqrt((((lab - ref) / spread) ** 2).sum(axis=-1))
    return candidate & (dist < tolerance)


def _texture_consistent(grey: np.ndarray, seed_mask: np.ndarray, candidate: np.ndarray, iod: float,
                        factor: float = 3.0, anchor: np.ndarray | None = None) -> np.ndarray:
    # Hair that has skin's colour (blond fringes) still has far more fine
    # structure than skin: drop pixels whose local detail energy is several
    # times the cheeks'.
    if seed_mask.sum() < 20:
        return candidate
    detail = grey - cv2.GaussianBlur(grey, (0, 0), max(0.6, 0.02 * iod))
    energy = cv2.GaussianBlur(detail * detail, (0, 0), max(1.0, 0.08 * iod))
    limit = factor * float(np.median(energy[seed_mask])) + 1e-6
    gated = candidate & (energy < limit)
    # Keep only what touches the cheeks' connected area, closing small holes.
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    gated = cv2.morphologyEx(gated.astype(np.uint8), cv2.MORPH_OPEN, kernel)
    n, labels = cv2.connectedComponents(gated)
    keep = np.unique(labels[(seed_mask if anchor is None else seed_mask | anchor) & (labels > 0)])
    return np.isin(labels, keep) & candidate


def _mesh_polys(mesh: np.ndarray) -> dict[str, np.ndarray]:
    from candid.face.mesh import CONTOURS

    m = np.asarray(mesh, np.float64)[:, :2]
    return {name: m[idx] for name, idx in CONTOURS.items()}


def face_regions(pixels: np.ndarray, landmarks: np.ndarray, *, skin_tolerance: float = 5.0,
                 mesh: np.ndarray | None = None) -> FaceRegions:
    """Masks of the face's regions, from landmarks and skin colour.

    The geometric regions come from landmark polygons; ``skin`` is the face
    minus eyes, brows and lips, then restricted to pixels whose colour is
    close to the cheeks' (so hair over the forehead, glasses and beards are
    not called skin).

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB image.
    landmarks : ndarray
        ``(68, 2)`` landmarks.
    skin_tolerance : float
        How far (in robust spreads of the cheek colour) a pixel may be and
        still count as skin.
    mesh : ndarray, optional
        ``(478, 2 or 3)`` MediaPipe mesh of the same face: outlines and iris
        circles are then taken from it.

    Returns
    -------
    FaceRegions

    Examples
    --------
    >>> from candid.face import analyze_face
    >>> from candid.face.examples import astronaut
    >>> face = analyze_face(astronaut(), embed=False, quality=False)
    >>> regions = face_regions(astronaut(), face.landmarks, mesh=face.mesh)
    >>> bool(regions.masks["skin"].sum() > regions.masks["lips"].sum() > 0)
    True
    """
    lm = np.asarray(landmarks, np.float64)
    poly = _mesh_polys(mesh) if mesh is not None else None
    window = face_window(lm, pixels.shape)
    y0, y1, x0, x1 = window
    shape = (y1 - y0, x1 - x0)
    off = np.array([x0, y0], np.float64)
    iod = interocular_distance(lm)
    top = forehead_top(lm) if poly is None else poly["forehead_line"]

    if poly is None:
        face_outline = _hull(np.vstack([lm[0:17], top]))
        eye_polys = [lm[RIGHT_EYE], lm[LEFT_EYE]]
        brow_band = [np.vstack([lm[a:b] + _up_vector(lm) * 0.06 * iod, lm[a:b][::-1] - _up_vector(lm) * 0.10 * iod])
                     for a, b in ((17, 22), (22, 27))]
        outer_poly, inner_poly = lm[48:60], lm[60:68]
        nose_poly = _hull(np.vstack([lm[27:36], lm[[39, 42]]]))
    else:
        face_outline = poly["face_oval"]
        eye_polys = [poly["right_eye"], poly["left_eye"]]
        brow_band = [poly["right_brow"], poly["left_brow"]]
        outer_poly, inner_poly = poly["lips_outer"], poly["lips_inner"]
        nose_poly = _hull(poly["nose"])
    masks = {"face": _fill(shape, [face_outline], off)}
    masks["eyes"] = _fill(shape, eye_polys, off)
    masks["brows"] = _fill(shape, brow_band, off)
    outer = _fill(shape, [outer_poly], off)
    inner = _fill(shape, [inner_poly], off)
    masks["lips"] = outer & ~inner
    masks["nose"] = _fill(shape, [nose_poly], off)
    masks["chin"] = _fill(shape, [np.vstack([lm[5:12], lm[[57]] + (lm[8] - lm[57]) * 0.25])], off)
    masks["forehead"] = _fill(shape, [np.vstack([lm[17:27], top[::-1]])], off)
    masks["right_cheek"] = _fill(shape, [np.vstack([lm[[1, 2, 3, 4]], lm[[48, 31]], lm[[39, 40, 41, 36]]])], off)
    masks["left_cheek"] = _fill(shape, [np.vstack([lm[[15, 14, 13, 12]], lm[[54, 35]], lm[[42, 47, 46, 45]]])], off)
    masks["right_cheek"] &= ~masks["nose"]
    masks["left_cheek"] &= ~masks["nose"]

    grey = cv2.cvtColor(np.ascontiguousarray(pixels[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
    circles, iris = [], np.zeros(shape, bool)
    if mesh is not None:
        from candid.face.mesh import iris_circles

        centres, radii = iris_circles(mesh) if np.asarray(mesh).shape[0] >= 478 else (None, None)
    for k, pts in enumerate(eye_polys):
        eye_mask = _fill(shape, [pts], off)
        if mesh is not None and centres is not None:
            cx, cy, r = float(centres[k][0]), float(centres[k][1]), float(radii[k])
        else:
            cx, cy, r = _iris_circle(grey, eye_mask, lm[RIGHT_EYE] if k == 0 else lm[LEFT_EYE], off)
        circles.append((cx, cy, r))
        disc = np.zeros(shape, np.uint8)
        cv2.circle(disc, (int(round((cx - x0) * 16)), int(round((cy - y0) * 16))), int(round(r * 16)), 1, -1, shift=4)
        iris |= disc.astype(bool) & eye_mask
    masks["irises"] = iris

    dilate = max(1, int(round(0.05 * iod)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * dilate + 1, 2 * dilate + 1))
    features = (masks["eyes"] | masks["brows"] | outer).astype(np.uint8)
    features = cv2.dilate(features, kernel).astype(bool)
    nostrils = _fill(shape, [lm[31:36]], off)
    candidate = masks["face"] & ~features & ~nostrils
    lab = cv2.cvtColor(np.ascontiguousarray(pixels[y0:y1, x0:x1]), cv2.COLOR_RGB2LAB)
    cheeks = (masks["right_cheek"] | masks["left_cheek"]) & candidate
    skin = _colour_consistent(lab, cheeks, candidate, skin_tolerance) if cheeks.sum() > 20 else candidate
    anchor = None
    if poly is not None:
        # The mesh knows where the forehead is: its middle anchors skin too, so a forehead cut off
        # from the cheeks by the brows' and eyes' margins is not dropped.
        inside = cv2.distanceTransform(masks["forehead"].astype(np.uint8), cv2.DIST_L2, 3)
        core = inside > max(1.0, 0.12 * iod)
        anchor = core & candidate
    masks["skin"] = _texture_consistent(grey, cheeks, skin, iod, anchor=anchor)
    for name in ("forehead", "left_cheek", "right_cheek", "nose", "chin"):
        masks[name] &= masks["skin"]

    hair_top = top + _up_vector(lm) * 0.35 * iod
    hair_bottom = top - _up_vector(lm) * 0.08 * iod
    masks["hairline"] = _fill(shape, [np.vstack([hair_bottom, hair_top[::-1]])], off)
    return FaceRegions(window=window, masks=masks, iris_circles=circles)
