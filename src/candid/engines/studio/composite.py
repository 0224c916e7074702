"""Putting the person on a new background without a fringe of the old one."""

from __future__ import annotations

import cv2
import numpy as np

from candid.colour import linear_to_srgb, srgb_to_linear
from candid.engines.studio._util import check_alpha, check_image, normalized_blur, resize
def decontaminate(pixels: np.ndarray, alpha: np.ndarray, *, radius: float | None = None) -> np.ndarray:
    """Foreground colours with the old background taken out of the edge pixels.

    At a soft edge the photo holds ``I = a F + (1 - a) B``. ``B`` is estimated
    from nearby clean background, then ``F = (I - (1 - a) B) / a``; where
    ``a`` is small that division is unstable, so ``F`` is blended towards the
    nearby clean foreground colour. Works in linear light.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` sRGB float32; not modified.
    alpha : ndarray
        ``(H, W)`` matte.
    radius : float, optional
        Reach of the local colour estimates in pixels (default 1 % of the long side).

    Returns
    -------
    ndarray
        ``(H, W, 3)`` sRGB float32 foreground colours (equal to ``pixels`` where alpha is 1).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.colour import linear_to_srgb, srgb_to_linear
    >>> F, B = np.array([0.8, 0.2, 0.2], np.float32), np.array([0.1, 0.9, 0.1], np.float32)
    >>> a = np.tile(np.linspace(0, 1, 32, dtype=np.float32), (32, 1))
    >>> mix = a[..., None] * srgb_to_linear(F) + (1 - a[..., None]) * srgb_to_linear(B)  # light adds linearly
    >>> img = linear_to_srgb(mix).astype(np.float32)
    >>> fg = decontaminate(img, a)
    >>> bool(np.abs(fg[16, 16] - F).max() < 0.05)
    True
    """
    pixels = check_image(pixels)
    a = check_alpha(alpha, pixels.shape)
    H, W = a.shape
    r = radius if radius else max(0.01 * max(H, W), 2.0)
    edge = (a > 0.002) & (a < 0.998)
    if not edge.any():
        return pixels.copy()
    # estimates at a reduced size: they are smooth by construction
    s = min(1.0, 8.0 / r if r > 8 else 1.0, 512.0 / max(H, W))
    ws, hs = max(int(W * s), 4), max(int(H * s), 4)
    lin = srgb_to_linear(pixels)
    lin_s = resize(lin, (ws, hs), cv2.INTER_AREA)
    a_s = resize(a, (ws, hs), cv2.INTER_AREA)
    B = resize(normalized_blur(lin_s, (a_s < 0.02).astype(np.float32), max(r * s, 1.0)), (W, H))
    Fn = resize(normalized_blur(lin_s, (a_s > 0.98).astype(np.float32), max(r * s, 1.0)), (W, H))
    a3 = a[..., None]
    F = (lin - (1 - a3) * B) / np.maximum(a3, 1e-3)
    trust = np.clip((a3 - 0.1) / 0.4, 0, 1)  # below alpha 0.1, use the nearby clean foreground colour
    F = trust * np.clip(F, 0, 1) + (1 - trust) * Fn
    out = np.where(edge[..., None], linear_to_srgb(F), pixels)
    return out.astype(np.float32)


def composite(
    fg: np.ndarray,
    alpha: np.ndarray,
    bg: np.ndarray,
    *,
    decontaminate_edges: bool = True,
) -> np.ndarray:
    """``alpha * fg + (1 - alpha) * bg`` in linear light, with edge decontamination.

    Parameters
    ----------
    fg : ndarray
        ``(H, W, 3)`` sRGB float32, the photo holding the person.
    alpha : ndarray
        ``(H, W)`` matte of the person.
    bg : ndarray
        ``(H, W, 3)`` sRGB float32 backdrop.
    decontaminate_edges : bool
        Remove the old background's colour from soft edges first (:func:`decontaminate`).

    Returns
    -------
    ndarray
        ``(H, W, 3)`` sRGB float32; inputs are not modified.

    Examples
    --------
    >>> import numpy as np
    >>> fg, bg = np.ones((16, 16, 3), np.float32), np.zeros((16, 16, 3), np.float32)
    >>> a = np.full((16, 16), 0.5, np.float32)
    >>> round(float(composite(fg, a, bg, decontaminate_edges=False)[0, 0, 0]), 3)  # 50 % linear, in sRGB
    0.735
    """
    fg = check_image(fg, "fg")
    bg = check_image(bg, "bg")
    if fg.shape != bg.shape:
        raise ValueError(f"fg {fg.shape} and bg {bg.shape} differ in size")
    a = check_alpha(alpha, fg.shape)
    if decontaminate_edges:
        fg = decontaminate(fg, a)
    a3 = np.clip(a, 0, 1)[..., None]
    out = a3 * srgb_to_linear(fg) + (1 - a3) * srgb_to_linear(bg)
    return linear_to_srgb(out)
