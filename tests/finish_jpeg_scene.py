"""Shared scenes of the finish's JPEG tests (rounds 18 and 19): a clean textured patch and its JPEG copy."""

import cv2
import numpy as np


def textured_patch(n: int = 128, seed: int = 0) -> np.ndarray:
    """A clean gradient with soft texture: (n, n, 3) float32 in [0, 1]."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32) / n
    tex = cv2.GaussianBlur(rng.normal(0, 1, (n, n)).astype(np.float32), (0, 0), 2.0)
    img = np.clip(0.3 + 0.3 * xx + 0.1 * yy + 0.05 * tex / tex.std(), 0, 1)
    return np.dstack([img, img * 0.85 + 0.05, img * 0.7 + 0.1]).astype(np.float32)


def jpeg_copy(img: np.ndarray, quality: int = 30) -> np.ndarray:
    """``img`` saved as a JPEG of ``quality`` and read back (float32 RGB)."""
    ok, buf = cv2.imencode(".jpg", (img[..., ::-1] * 255 + 0.5).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return np.ascontiguousarray(cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1], np.float32) / 255
