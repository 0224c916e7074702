"""A composite with a known alpha, to measure the matte against the truth."""

from __future__ import annotations

import cv2
import numpy as np


def known_alpha_composite(pixels: np.ndarray, landmarks: np.ndarray, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The person in ``pixels`` over a new background (scikit-image's coffee) with an alpha we construct.

    The alpha is a head ellipse, a torso and 60 anti-aliased hair strands
    around the top of the head, drawn at 4x and box-downsampled, so a matte
    can be scored against it (SAD, MSE in the soft edge band).

    Returns
    -------
    image : ndarray
        ``(H, W, 3)`` float32 composite.
    alpha : ndarray
        ``(H, W)`` float32 true alpha.

    Examples
    --------
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> comp, alpha = known_alpha_composite(astronaut(), astronaut_landmarks())
    >>> comp.shape, float(alpha.max()) == 1.0
    ((512, 512, 3), True)
    """
    from skimage import data

    rng = np.random.default_rng(seed)
    H, W = pixels.shape[:2]
    lm = landmarks
    a = np.zeros((H * 4, W * 4), np.float32)
    c = lm[27:31].mean(0) * 4
    fw = float(np.linalg.norm(lm[16] - lm[0])) * 4
    cv2.ellipse(a, (int(c[0]), int(c[1] - 0.25 * fw)), (int(0.62 * fw), int(0.85 * fw)), 0, 0, 360, 1.0, -1)
    neck_y = int(lm[8, 1] * 4)
    cv2.fillPoly(a, [np.array([[c[0] - 0.3 * fw, neck_y - 40], [c[0] + 0.3 * fw, neck_y - 40],
                               [c[0] + 2.0 * fw, neck_y + 0.9 * fw], [c[0] + 2.2 * fw, 4 * H],
                               [c[0] - 2.2 * fw, 4 * H], [c[0] - 2.0 * fw, neck_y + 0.9 * fw]], np.int32)], 1.0)
    for _ in range(60):  # fine strands around the top of the head
        t = rng.uniform(np.pi * 1.05, np.pi * 1.95)
        p0 = (c[0] + 0.62 * fw * np.cos(t), c[1] - 0.25 * fw + 0.8 * fw * np.sin(t))
        p1 = (p0[0] + rng.uniform(-30, 30), p0[1] - rng.uniform(10, 60))
        cv2.line(a, (int(p0[0]), int(p0[1])), (int(p1[0]), int(p1[1])), float(rng.uniform(0.5, 1.0)), 2,
                 cv2.LINE_AA)
    a = np.clip(cv2.resize(cv2.GaussianBlur(a, (0, 0), 1.0), (W, H), interpolation=cv2.INTER_AREA), 0, 1)
    bg = cv2.resize(data.coffee().astype(np.float32) / 255, (W, H))
    return (a[..., None] * pixels + (1 - a[..., None]) * bg).astype(np.float32), a
