"""Catchlights: the small reflections of the light in both eyes.

Real eyes show the light source as a bright spot at the same place in both
irises. Generated portraits often have none ("dead eyes"), or one per eye in
different places, which no single light could make. The fix moves or adds the
spot so both eyes agree with one light direction, touching only a small disc
inside the iris, so the iris texture around it is kept.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import cv2
import numpy as np

from candid.face.masks import FaceRegions

#: Catchlights this far apart (in iris radii) disagree about the light.
AGREE_RADII = 0.6
#: Offset of a placed catchlight from the iris centre, in iris radii.
PLACE_OFFSET = 0.4


@dataclass(frozen=True)
class Catchlight:
    """The catchlight found in one eye (image-left eye first).

    Attributes
    ----------
    present : bool
    x, y : float
        Position in image pixels (iris centre if absent).
    offset : tuple of float
        Position relative to the iris centre, in iris radii.
    contrast : float
        How much brighter than the iris it is (0 if absent).
    """

    present: bool
    x: float
    y: float
    offset: tuple[float, float]
    contrast: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CatchlightReport:
    """Both eyes' catchlights and whether they agree."""

    eyes: tuple[Catchlight, ...]
    agree: bool
    text: str

    def to_dict(self) -> dict:
        return {"eyes": [e.to_dict() for e in self.eyes], "agree": self.agree, "text": self.text}


def _eye_masks(regions: FaceRegions) -> list[np.ndarray]:
    """Each eye's opening mask, in the regions' window."""
    eyes = regions.masks["eyes"].astype(np.uint8)
    n, labels = cv2.connectedComponents(eyes)
    y0, _, x0, _ = regions.window
    out = []
    for cx, cy, r in regions.iris_circles:
        lab = labels[int(np.clip(round(cy - y0), 0, labels.shape[0] - 1)), int(np.clip(round(cx - x0), 0, labels.shape[1] - 1))]
        if lab > 0:
            out.append(labels == lab)
        else:
            yy, xx = np.mgrid[0:labels.shape[0], 0:labels.shape[1]]
            out.append(((xx + x0 - cx) ** 2 + (yy + y0 - cy) ** 2 <= (1.5 * r) ** 2) & regions.masks["eyes"])
    return out


def _disc(shape: tuple[int, int], cx: float, cy: float, r: float) -> np.ndarray:
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]]
    return (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r


def inpaint(image: np.ndarray, hole: np.ndarray, radius: int = 2) -> np.ndarray:
    """Fill ``hole`` (bool mask) from its surroundings (Telea); other pixels are returned unchanged.

    Examples
    --------
    >>> img = np.full((9, 9, 3), 0.25, np.float32); img[4, 4] = 1.0
    >>> hole = np.zeros((9, 9), bool); hole[4, 4] = True
    >>> round(float(inpaint(img, hole)[4, 4, 0]), 2)
    0.25
    """
    out = np.array(image, np.float32, copy=True)
    if not hole.any():
        return out
    u8 = np.clip(np.rint(out * 255), 0, 255).astype(np.uint8)
    filled = cv2.inpaint(u8, hole.astype(np.uint8), radius, cv2.INPAINT_TELEA).astype(np.float32) / 255
    out[hole] = filled[hole]
    return out


def detect_catchlights(pixels: np.ndarray, regions: FaceRegions) -> CatchlightReport:
    """Find the catchlight in each iris.

    A catchlight is the brightest spot in the iris disc (slightly enlarged, so
    one on the iris edge counts) that is clearly brighter than the iris.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB.
    regions : FaceRegions
        From :func:`candid.face.face_regions`.

    Returns
    -------
    CatchlightReport

    Examples
    --------
    >>> from skimage import data
    >>> from candid.face import analyze_face, face_regions
    >>> img = data.astronaut().astype("float32") / 255
    >>> report = detect_catchlights(img, face_regions(img, analyze_face(img, embed=False).landmarks))
    >>> len(report.eyes)
    2
    """
    y0, y1, x0, x1 = regions.window
    grey = cv2.cvtColor(np.ascontiguousarray(pixels[y0:y1, x0:x1], np.float32), cv2.COLOR_RGB2GRAY)
    eyes = []
    for (cx, cy, r), eye in zip(regions.iris_circles, _eye_masks(regions)):
        disc = _disc(grey.shape, cx - x0, cy - y0, 0.85 * r + 0.5) & eye
        if disc.sum() < 3:
            eyes.append(Catchlight(False, cx, cy, (0.0, 0.0), 0.0))
            continue
        # White top-hat: small bright spots stand out, the (larger) white of the eye does not.
        k = 2 * max(1, int(round(0.6 * r))) + 1
        opened = cv2.morphologyEx(grey, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        tophat = cv2.GaussianBlur(grey - opened, (0, 0), 0.5)
        masked = np.where(disc, tophat, -1.0)
        iy, ix = np.unravel_index(int(np.argmax(masked)), masked.shape)
        contrast = float(grey[iy, ix] - np.median(grey[disc]))
        present = float(tophat[iy, ix]) > 0.12 and contrast > 0.15 and float(grey[iy, ix]) > 0.4
        if present:
            # Centroid of the bright spot around the peak.
            spot = disc & (tophat > 0.5 * tophat[iy, ix]) & _disc(grey.shape, ix, iy, 0.5 * r + 1)
            sy, sx = np.nonzero(spot)
            px, py = float(sx.mean()) + x0, float(sy.mean()) + y0
            eyes.append(Catchlight(True, px, py, ((px - cx) / r, (py - cy) / r), contrast))
        else:
            eyes.append(Catchlight(False, cx, cy, (0.0, 0.0), max(0.0, contrast)))
    return _report(tuple(eyes))


def _report(eyes: tuple[Catchlight, ...]) -> CatchlightReport:
    present = [e.present for e in eyes]
    if len(eyes) < 2:
        return CatchlightReport(eyes, False, "could not find both eyes' irises")
    if not any(present):
        return CatchlightReport(eyes, False, "no catchlight in either eye (\"dead eyes\")")
    if not all(present):
        which = "image-left" if not present[0] else "image-right"
        return CatchlightReport(eyes, False, f"catchlight missing in the {which} eye")
    gap = float(np.hypot(eyes[0].offset[0] - eyes[1].offset[0], eyes[0].offset[1] - eyes[1].offset[1]))
    if gap > AGREE_RADII:
        return CatchlightReport(eyes, False, f"the two catchlights disagree about where the light is "
                                             f"({gap:.1f} iris radii apart)")
    return CatchlightReport(eyes, True, "catchlights in both eyes agree")


def light_direction_from_shading(pixels: np.ndarray, regions: FaceRegions) -> tuple[float, float]:
    """A unit (dx, dy) pointing from the face toward the key light, from cheek/forehead/chin brightness."""
    y0, y1, x0, x1 = regions.window
    grey = cv2.cvtColor(np.ascontiguousarray(pixels[y0:y1, x0:x1], np.float32), cv2.COLOR_RGB2GRAY)

    def mean(name: str) -> float:
        m = regions.masks.get(name)
        return float(grey[m].mean()) if m is not None and m.sum() > 8 else float("nan")

    dx = mean("left_cheek") - mean("right_cheek")  # left_cheek is on the image right
    dy = mean("chin") - mean("forehead")
    dx = 0.0 if not np.isfinite(dx) else dx
    dy = -0.05 if not np.isfinite(dy) else dy
    # Light usually comes from above; keep the catchlight in the upper half.
    v = np.array([np.clip(dx * 8, -1, 1), min(-0.5, float(np.clip(dy * 8, -1, 1)))])
    return tuple(v / np.linalg.norm(v))


def fix_catchlights(
    pixels: np.ndarray,
    regions: FaceRegions,
    light_direction: tuple[float, float] | None = None,
) -> tuple[np.ndarray, CatchlightReport, list[str]]:
    """Make both eyes' catchlights agree with one light direction.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB (not modified).
    regions : FaceRegions
        Masks of the face in ``pixels``.
    light_direction : tuple of float, optional
        ``(dx, dy)`` in image axes pointing toward the light (``(-1, -1)``:
        upper left). Without it, an existing catchlight sets the direction
        (the stronger one, if they disagree), else the face's shading does.

    Returns
    -------
    pixels : ndarray
    report : CatchlightReport
        The catchlights as found, before the fix.
    actions : list of str
        What was done, in plain words (empty when they already agreed).

    Examples
    --------
    >>> from skimage import data
    >>> from candid.face import analyze_face, face_regions
    >>> img = data.astronaut().astype("float32") / 255
    >>> regions = face_regions(img, analyze_face(img, embed=False).landmarks)
    >>> out, report, actions = fix_catchlights(img, regions)
    >>> out.shape == img.shape and out is not img
    True
    """
    img = np.asarray(pixels, np.float32)
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) image, got {img.shape}")
    out = img.copy()
    report = detect_catchlights(img, regions)
    if len(report.eyes) < 2:
        return out, report, []
    if light_direction is None and report.agree:
        return out, report, []
    eyes = report.eyes
    if light_direction is not None:
        v = np.asarray(light_direction, np.float64)
        if v.shape != (2,) or not np.all(np.isfinite(v)) or np.linalg.norm(v) == 0:
            raise ValueError(f"light_direction must be a non-zero (dx, dy), got {light_direction!r}")
        target = PLACE_OFFSET * v / np.linalg.norm(v)
        source = "the given light direction"
    elif any(e.present for e in eyes):
        best = max((e for e in eyes if e.present), key=lambda e: e.contrast)
        target = np.array(best.offset)
        source = "the other eye's catchlight"
    else:
        target = PLACE_OFFSET * np.array(light_direction_from_shading(img, regions))
        source = "the light direction read from the face's shading"
    template = max(eyes, key=lambda e: e.contrast if e.present else -1)
    y0, y1, x0, x1 = regions.window
    crop = out[y0:y1, x0:x1]
    actions = []
    for i, ((cx, cy, r), eye, found) in enumerate(zip(regions.iris_circles, _eye_masks(regions), eyes)):
        tx, ty = cx + target[0] * r, cy + target[1] * r
        if found.present and np.hypot(found.offset[0] - target[0], found.offset[1] - target[1]) <= AGREE_RADII / 2:
            continue
        name = "image-left" if i == 0 else "image-right"
        if found.present:
            # Remove the stray reflection: inpaint a small disc.
            hole = _disc(crop.shape[:2], found.x - x0, found.y - y0, max(1.5, 0.35 * r)).astype(np.uint8)
            crop[:] = inpaint(crop, hole.astype(bool), radius=2)
            actions.append(f"removed the stray catchlight in the {name} eye")
        # Keep the new spot inside the eye opening.
        ey, ex = np.nonzero(eye)
        if len(ex):
            lx, ly = tx - x0, ty - y0
            for _ in range(10):
                iy, ix = int(round(ly)), int(round(lx))
                if 0 <= iy < eye.shape[0] and 0 <= ix < eye.shape[1] and eye[iy, ix]:
                    break
                lx += (cx - x0 - lx) * 0.3
                ly += (cy - y0 - ly) * 0.3
            tx, ty = lx + x0, ly + y0
        sigma = max(0.5, 0.13 * r)
        yy, xx = np.mgrid[0:crop.shape[0], 0:crop.shape[1]]
        spot = np.exp(-((xx + x0 - tx) ** 2 + (yy + y0 - ty) ** 2) / (2 * sigma * sigma)).astype(np.float32)
        soft_eye = cv2.GaussianBlur(eye.astype(np.float32), (0, 0), 0.5)
        alpha = np.clip(0.9 * spot * soft_eye, 0, 1)[..., None]
        colour = np.array([0.96, 0.96, 0.96], np.float32)
        if template.present and template is not found:
            colour = np.clip(img[int(round(template.y)), int(round(template.x))], 0.7, 1.0)
        crop[:] = crop * (1 - alpha) + colour * alpha
        actions.append(f"placed a catchlight in the {name} eye to match {source}")
    out[y0:y1, x0:x1] = np.clip(crop, 0, 1)
    return out, report, actions
