"""Pieces of a binary mask by their shape: the thin parts a disk does not fit in.

One finder for the studio engine (:func:`candid.engines.studio.composite.hanging_pieces`:
a drop earring's chain) and the scorecard (:func:`candid.scorecard.metrics.thin_pieces`:
the pieces a halo profile cannot measure), so the engine and its measure agree on what
"thin" is. It holds no tuning of either: each caller filters the pieces by its own rule.
"""

from __future__ import annotations

import cv2
import numpy as np


def thin_components(mask: np.ndarray, width: float, *,
                    within: np.ndarray | None = None) -> tuple[int, np.ndarray, np.ndarray]:
    """The 8-connected pieces of ``mask`` at most ``width`` px across.

    What an opening with a disk just wider than ``width`` (radius
    ``ceil((width - 1) / 2)``, the pixels within radius + 0.5 of the centre)
    takes away from ``mask``, restricted to ``within``, then labelled. Beyond
    the image counts as inside the mask for both halves of the opening, so
    nothing within the radius of the border is thin: a part running off the
    frame (a body, a necklace) may go on out there.

    Parameters
    ----------
    mask : ndarray
        ``(H, W)`` bool (or 0/1) mask.
    width : float
        Widest part (px) that counts as thin; 1 or less (radius 0): none.
    within : ndarray, optional
        ``(H, W)`` bool: only thin pixels here are labelled.

    Returns
    -------
    n : int
        Number of labels, the background's 0 included.
    labels : ndarray
        ``(H, W)`` int32 labels (0: not a thin piece).
    stats : ndarray
        ``(n, 5)`` int32 per label, as :func:`cv2.connectedComponentsWithStats`
        gives them (``cv2.CC_STAT_LEFT`` ... ``cv2.CC_STAT_AREA``).

    Examples
    --------
    >>> m = np.zeros((60, 60), bool)
    >>> m[10:40, 10:40] = True; m[40:58, 24:27] = True   # a square and a 3 px chain hanging from it
    >>> n, labels, stats = thin_components(m, 6)
    >>> stats[1:, cv2.CC_STAT_AREA].tolist()   # the square's four nibbled corners, then the chain
    [3, 3, 3, 3, 48]
    >>> int(stats[5, cv2.CC_STAT_HEIGHT]), int(stats[5, cv2.CC_STAT_WIDTH]), bool(labels[20:30, 20:30].any())
    (16, 3, False)
    >>> thin_components(m, 1)[0]   # radius 0: nothing is thin
    1
    """
    fg = np.asarray(mask).astype(bool).astype(np.uint8)
    h, w = fg.shape
    r = int(np.ceil((float(width) - 1) / 2))
    if r < 1 or not fg.any():
        return 1, np.zeros((h, w), np.int32), np.array([[0, 0, w, h, h * w]], np.int32)
    disk = (np.hypot(*np.mgrid[-r:r + 1, -r:r + 1]) <= r + 0.5).astype(np.uint8)
    # scipy.ndimage.binary_opening(border_value=1), the scorecard's first definition, at OpenCV's speed
    thick = cv2.dilate(cv2.erode(fg, disk, borderType=cv2.BORDER_CONSTANT, borderValue=1), disk,
                       borderType=cv2.BORDER_CONSTANT, borderValue=1)
    rest = (fg > 0) & (thick == 0)
    if within is not None:
        rest &= np.asarray(within, bool)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(rest.astype(np.uint8), connectivity=8)
    return int(n), labels, stats
