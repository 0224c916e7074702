"""Atomic encoding: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyvips

from candid.errors import CandidError
from candid.machine import usable_cpus

_SAVERS = {
    ".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".tif": "tiff", ".tiff": "tiff",
    ".webp": "webp", ".avif": "avif",
}
_SIXTEEN_BIT = {"png", "tiff"}


@lru_cache(maxsize=1)
def srgb_icc_profile() -> bytes:
    """The bytes of an sRGB ICC profile, embedded in every output so colour is unambiguous."""
    from PIL import ImageCms

    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    # LittleCMS stamps the creation date into the header (bytes 24-35); zero it
    # so the same image written on another day is the same bytes. The profile
    # ID (bytes 84-99) is left at zero, meaning "not computed", as lcms makes it.
    profile[24:36] = bytes(12)
    return bytes(profile)


def output_format(path: str | os.PathLike) -> str:
    """Name the format :func:`write_image` writes for a path, from its suffix.

    Examples
    --------
    >>> output_format("out/portrait.TIF")
    'tiff'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in _SAVERS:
        raise CandidError(
            f"{path}: cannot write '{suffix or 'no suffix'}' files",
            hint="end the output name with .jpg, .png, .tif, .webp or .avif",
        )
    return _SAVERS[suffix]


#: Rows per band when quantising for the encoder (a multiple of the watermark's 32-px blocks).
QUANTISE_BAND_ROWS = 256


def _workers() -> int:
    return min(8, usable_cpus())


def quantise(pixels: np.ndarray, *, alpha: np.ndarray | None = None, bit_depth: int = 8, rows=None,
             workers: int | None = None) -> np.ndarray:
    """Float [0, 1] RGB (+ alpha) -> uint8/uint16, in bands of rows on a thread pool.

    The same numbers as ``clip(rint(nan_to_num(x) * peak), 0, peak)`` on the
    whole image, without its float copies (only one band per thread is ever
    float). ``rows``, if given, is called as ``rows(r0, r1)`` (``r0`` a multiple
    of :data:`QUANTISE_BAND_ROWS`) and returns the float rows to use instead of
    ``pixels[r0:r1]``: a banded transform such as the watermark
    (:func:`candid.provenance.watermark.band_marker`) fused into the write.

    Examples
    --------
    >>> quantise(np.float32([[[0.0, 0.5, np.nan]]])).tolist()
    [[[0, 128, 0]]]
    """
    pixels = np.asarray(pixels)
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) image, got shape {pixels.shape}")
    peak, dtype = (65535.0, np.uint16) if bit_depth == 16 else (255.0, np.uint8)
    h, w = pixels.shape[:2]
    channels = 3 if alpha is None else 4
    out = np.empty((h, w, channels), dtype)

    def convert(src: np.ndarray, dst: np.ndarray) -> None:
        t = np.multiply(src, peak)  # float32 stays float32, float64 float64, as in the whole-image form
        np.rint(t, out=t)
        np.fmax(t, 0, out=t)  # fmax/fmin drop NaN: NaN -> 0, as nan_to_num did
        np.fmin(t, peak, out=t)
        dst[...] = t

    def one(r0: int) -> None:
        r1 = min(h, r0 + QUANTISE_BAND_ROWS)
        src = rows(r0, r1) if rows is not None else pixels[r0:r1]
        convert(src, out[r0:r1, :, :3])
        if alpha is not None:
            convert(np.asarray(alpha[r0:r1], dtype=src.dtype)[:, :, None], out[r0:r1, :, 3:])

    starts = range(0, h, QUANTISE_BAND_ROWS)
    workers = workers or _workers()
    if workers <= 1 or len(starts) <= 1:
        for r0 in starts:
            one(r0)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(workers, len(starts))) as pool:
            for f in [pool.submit(one, r0) for r0 in starts]:
                f.result()
    return out


def to_vips(pixels: np.ndarray, *, alpha: np.ndarray | None = None, bit_depth: int = 8, rows=None) -> pyvips.Image:
    """Turn a float32 [0, 1] RGB array (and optional alpha) into a tagged sRGB pyvips image.

    Quantised in bands on every core (:func:`quantise`; ``rows`` is its banded transform hook).
    """
    interp = "rgb16" if bit_depth == 16 else "srgb"
    return pyvips.Image.new_from_array(quantise(pixels, alpha=alpha, bit_depth=bit_depth, rows=rows),
                                       interpretation=interp)


def _add_jfif_density(path: str, dpi: float) -> None:
    """Insert a JFIF APP0 segment with the density in dots per inch after the JPEG's SOI (streamed).

    libvips records resolution only in EXIF, which candid does not write.
    """
    import shutil
    import struct

    d = max(1, min(65535, round(dpi)))
    app0 = b"\xff\xe0" + struct.pack(">H5sBBBHHBB", 16, b"JFIF\0", 1, 2, 1, d, d, 0, 0)
    from candid.files import atomic_path

    with atomic_path(path, suffix=".jfif") as part, open(path, "rb") as src, open(part, "wb") as dst:
        soi = src.read(2)
        if soi != b"\xff\xd8":
            raise CandidError(f"{path}: not a JPEG stream")
        dst.write(soi + app0)
        shutil.copyfileobj(src, dst, 1 << 20)


def write_vips(
    path: str | os.PathLike,
    image: pyvips.Image,
    *,
    quality: int = 95,
    xmp: bytes | None = None,
    dpi: float | None = None,
) -> Path:
    """Write a pyvips image atomically, streaming, with only an sRGB profile and the given XMP.

    Everything else from the source (EXIF with GPS and serial numbers,
    thumbnails, maker notes) is dropped. ``dpi`` (print resolution) is
    written as JFIF density (JPEG), pHYs (PNG) or X/YResolution in inches
    (TIFF).

    Returns
    -------
    Path
        The written file.
    """
    path = Path(path)
    fmt = output_format(path)
    if image.format == "ushort" and fmt not in _SIXTEEN_BIT:
        image = (image >> 8).cast("uchar")
        image = image.copy(interpretation="srgb")
    image = image.copy()
    for name in list(image.get_fields()):
        if name in ("icc-profile-data", "xmp-data", "exif-data", "iptc-data", "orientation") or name.startswith("exif-"):
            image.remove(name)
    image.set_type(pyvips.GValue.blob_type, "icc-profile-data", srgb_icc_profile())
    if dpi is not None:
        if not 1 <= dpi <= 100_000:
            raise ValueError(f"dpi {dpi} is out of range")
        image = image.copy(xres=dpi / 25.4, yres=dpi / 25.4)  # libvips keeps pixels per millimetre
    keep = ["icc"]
    if xmp:
        image.set_type(pyvips.GValue.blob_type, "xmp-data", xmp)
        keep.append("xmp")
    options: dict = {"keep": ",".join(keep)}
    if fmt in ("jpeg", "webp", "avif"):
        options["Q"] = int(quality)
    if fmt == "jpeg":
        # Optimised Huffman tables need the whole coefficient set in memory
        # (~290 MB at 8K); big streamed outputs go without (a few % larger).
        optimize = image.width * image.height <= 12_000_000
        options.update(optimize_coding=optimize, subsample_mode="off" if quality >= 90 else "auto")
    if fmt == "tiff":
        options.update(compression="deflate", predictor="horizontal", tile=image.width * image.height > 4096**2)
        if dpi is not None:
            options["resunit"] = "inch"
    if fmt == "avif":
        options["compression"] = "av1"
    from candid.files import atomic_path

    try:
        with atomic_path(path, suffix=f".part{path.suffix}") as tmp:
            saver = {"jpeg": "jpegsave", "png": "pngsave", "tiff": "tiffsave", "webp": "webpsave",
                     "avif": "heifsave"}[fmt]
            getattr(image, saver)(str(tmp), **options)
            if fmt == "jpeg" and dpi is not None:
                _add_jfif_density(str(tmp), dpi)
    except pyvips.Error as exc:
        raise CandidError(f"{path}: could not write {fmt.upper()} ({str(exc).strip().splitlines()[-1]})") from None
    return path


def write_image(
    path: str | os.PathLike,
    pixels: np.ndarray,
    *,
    alpha: np.ndarray | None = None,
    bit_depth: int = 8,
    quality: int = 95,
    xmp: bytes | None = None,
    dpi: float | None = None,
) -> Path:
    """Write a float32 sRGB image atomically.

    The format follows the suffix; the file appears complete or not at all
    (temporary file, then rename). Outputs carry an sRGB profile and, if given,
    an XMP packet, and no other metadata.

    Parameters
    ----------
    path : str or path-like
        Output file; ``.jpg``, ``.png``, ``.tif``, ``.webp`` or ``.avif``.
    pixels : ndarray
        ``(H, W, 3)`` float in [0, 1].
    alpha : ndarray, optional
        ``(H, W)`` float in [0, 1].
    bit_depth : {8, 16}
        16 is honoured for PNG and TIFF; other formats are 8-bit.
    quality : int
        Lossy quality (JPEG, WebP, AVIF).
    xmp : bytes, optional
        An XMP packet to embed (provenance).
    dpi : float, optional
        Print resolution to record in the file (JPEG, PNG, TIFF).

    Returns
    -------
    Path

    Examples
    --------
    >>> import numpy as np
    >>> from candid.imageio import write_image
    >>> write_image("/tmp/grey.png", np.full((4, 4, 3), 0.5, np.float32)).name
    'grey.png'
    """
    if bit_depth not in (8, 16):
        raise ValueError("bit_depth must be 8 or 16")
    fmt = output_format(path)
    if fmt not in _SIXTEEN_BIT:
        bit_depth = 8
    return write_vips(path, to_vips(pixels, alpha=alpha, bit_depth=bit_depth), quality=quality, xmp=xmp, dpi=dpi)
