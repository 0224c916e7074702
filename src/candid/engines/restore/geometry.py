"""Find a photographed print in a phone picture and straighten it."""

from __future__ import annotations

import cv2
import numpy as np

from candid.colour import luma
from candid.engines.restore.checks import check_image


def _order(quad: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    q = np.asarray(quad, np.float32).reshape(4, 2)
    s, d = q.sum(axis=1), q[:, 0] - q[:, 1]
    return np.array([q[np.argmin(s)], q[np.argmax(d)], q[np.argmax(s)], q[np.argmin(d)]], np.float32)


def _sane(quad: np.ndarray, short: int) -> bool:
    """Four distinct corners, every side at least a fifth of the frame's short side."""
    q = _order(quad)
    sides = np.linalg.norm(q - np.roll(q, -1, axis=0), axis=1)
    return bool(sides.min() >= 0.2 * short)


def _quad_of(points: np.ndarray) -> np.ndarray | None:
    hull = cv2.convexHull(points)
    peri = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            return approx.reshape(4, 2).astype(np.float32)
        if len(approx) < 4:
            return None
    return None


def _segment_print(small: np.ndarray, min_area: float, max_area: float) -> np.ndarray | None:
    """The print as what differs from the background seen along the frame's border."""
    h, w = small.shape[:2]
    b = max(2, int(0.02 * min(h, w)))
    ring = np.concatenate([small[:b].reshape(-1, 3), small[-b:].reshape(-1, 3), small[:, :b].reshape(-1, 3),
                           small[:, -b:].reshape(-1, 3)])
    bg = np.median(ring, axis=0)
    spread = np.median(np.abs(ring - bg), axis=0).max() / 0.6745
    if spread > 0.08:  # the border is not a plain background: a scan, or a busy table
        return None
    blur = cv2.GaussianBlur(small, (0, 0), max(1.0, 0.003 * min(h, w)))
    fg = (np.abs(blur - bg).max(axis=2) > max(0.06, 4 * spread)).astype(np.uint8)
    k = max(3, int(0.02 * min(h, w)) | 1)
    fg = cv2.morphologyEx(fg, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
    if n < 2:
        return None
    i = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    pts = np.column_stack(np.nonzero(labels == i)[::-1]).astype(np.int32)
    quad = _quad_of(pts)
    if quad is None:
        return None
    a = cv2.contourArea(quad) / float(h * w)
    return quad if min_area <= a <= max_area and _sane(quad, min(h, w)) else None


def detect_print(pixels: np.ndarray, *, min_area: float = 0.15, max_area: float = 0.97) -> np.ndarray | None:
    """Find the four corners of a print photographed on a background.

    The picture is reduced to about 800 px. The print is first segmented as
    what differs from the plain background seen along the frame's border
    (its convex hull reduced to four corners); failing that, edges are found
    (Canny after a blur relative to the image size) and the largest convex
    four-sided contour is taken. Either must cover between ``min_area`` and
    ``max_area`` of the frame. A flatbed scan that is all print returns None.

    Returns
    -------
    ndarray or None
        ``(4, 2)`` float32 corners (x, y) in image pixels, ordered top-left,
        top-right, bottom-right, bottom-left.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((400, 600, 3), 0.15, np.float32)
    >>> img[80:330, 150:470] = 0.8
    >>> q = detect_print(img)
    >>> bool(np.abs(q - [[150, 80], [469, 80], [469, 329], [150, 329]]).max() <= 2)
    True
    """
    img = check_image(pixels)
    h, w = img.shape[:2]
    f = min(1.0, 800.0 / max(h, w))
    small = cv2.resize(img, (max(8, int(w * f)), max(8, int(h * f))), interpolation=cv2.INTER_AREA) if f < 1 else img
    seg = _segment_print(small, min_area, max_area)
    if seg is not None:
        return (_order(seg) / f).astype(np.float32)
    g = np.clip(luma(small) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    g = cv2.GaussianBlur(g, (0, 0), max(1.0, 0.004 * min(g.shape)))
    hi, _ = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    edges = cv2.Canny(g, 0.5 * hi, hi)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    area_img = float(g.shape[0] * g.shape[1])
    best, best_area = None, 0.0
    for cnt in contours:
        hull = cv2.convexHull(cnt)
        peri = cv2.arcLength(hull, True)
        approx = cv2.approxPolyDP(hull, 0.02 * peri, True)
        if len(approx) != 4 or not cv2.isContourConvex(approx):
            continue
        a = cv2.contourArea(approx) / area_img
        if min_area <= a <= max_area and a > best_area and _sane(approx.reshape(4, 2), min(g.shape)):
            best, best_area = approx, a
    if best is None:
        return None
    quad = _order(best.reshape(4, 2).astype(np.float32))
    return (quad / f).astype(np.float32)


def rectify_print(pixels: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Warp the print inside ``quad`` to a straight rectangle at its own resolution.

    The output size is the mean length of opposite sides, so no detail is
    thrown away or invented.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.random.default_rng(0).random((100, 120, 3)).astype(np.float32)
    >>> quad = np.array([[10, 20], [109, 20], [109, 79], [10, 79]], np.float32)
    >>> rectify_print(img, quad).shape
    (60, 100, 3)
    """
    img = check_image(pixels)
    q = _order(quad)
    wid = int(round((np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2)) + 1
    hgt = int(round((np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2)) + 1
    dst = np.array([[0, 0], [wid - 1, 0], [wid - 1, hgt - 1], [0, hgt - 1]], np.float32)
    m = cv2.getPerspectiveTransform(q, dst)
    return cv2.warpPerspective(img, m, (wid, hgt), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE).clip(0, 1)


def rectify_mask(mask: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Warp a mask of the whole picture the same way as :func:`rectify_print`."""
    m = np.asarray(mask, np.float32)
    q = _order(quad)
    wid = int(round((np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2)) + 1
    hgt = int(round((np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2)) + 1
    dst = np.array([[0, 0], [wid - 1, 0], [wid - 1, hgt - 1], [0, hgt - 1]], np.float32)
    mat = cv2.getPerspectiveTransform(q, dst)
    return cv2.warpPerspective(m, mat, (wid, hgt), flags=cv2.INTER_LINEAR) > 0.25
