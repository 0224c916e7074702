"""Safe decoding: limits first, then pixels, orientation and colour to sRGB."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyvips

from candid.errors import BadImageError, ImageTooLargeError
from candid.imageio._encode import srgb_icc_profile
from candid.imageio._sniff import LOADERS, sniff_format

#: Default pixel limit: a 16K square image. An 8K output is 33 MP and a
#: medium-format scan about 150 MP, so 268 MP leaves room and still stops
#: bombs (a 30000 x 30000 PNG is 900 MP).
DEFAULT_MAX_PIXELS = 16384 * 16384
#: Default file-size limit in bytes.
DEFAULT_MAX_BYTES = 1 << 30


def _env_limit(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip().replace("_", "")
    if not raw:
        return default
    try:
        value = int(float(raw))
    except ValueError:
        raise BadImageError(f"{name}={os.environ[name]!r} is not a number",
                            hint=f"set {name} to a whole number, e.g. {default}") from None
    return value if value > 0 else default


def max_pixels_limit(max_pixels: int | None = None) -> int:
    """The pixel limit in force: ``max_pixels`` if given, else ``$CANDID_MAX_PIXELS``, else the default.

    Examples
    --------
    >>> max_pixels_limit(1000), max_pixels_limit() >= 1
    (1000, True)
    """
    return int(max_pixels) if max_pixels is not None else _env_limit("CANDID_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def max_bytes_limit(max_bytes: int | None = None) -> int:
    """The file-size limit in force: ``max_bytes`` if given, else ``$CANDID_MAX_BYTES``, else the default."""
    return int(max_bytes) if max_bytes is not None else _env_limit("CANDID_MAX_BYTES", DEFAULT_MAX_BYTES)


@dataclass(frozen=True)
class ImageHeader:
    """What the header of an image file says, read without decoding pixels."""

    path: Path
    format: str
    width: int
    height: int
    bands: int
    bit_depth: int
    interpretation: str
    orientation: int
    has_icc: bool
    n_pages: int


@dataclass
class LoadedImage:
    """A decoded image, in sRGB float32, upright.

    Attributes
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 in [0, 1], sRGB-encoded, not premultiplied.
    alpha : ndarray or None
        ``(H, W)`` float32 in [0, 1] if the file had transparency.
    header : ImageHeader
        The file's header before any conversion.
    notes : list of str
        What was done to get here (orientation, ICC conversion, ...).
    """

    pixels: np.ndarray
    alpha: np.ndarray | None
    header: ImageHeader
    notes: list[str] = field(default_factory=list)


_BIT_DEPTHS = {"uchar": 8, "char": 8, "ushort": 16, "short": 16, "uint": 32, "int": 32,
               "float": 32, "double": 64}


def _check_file(path: Path, max_bytes: int) -> str:
    if not path.exists():
        raise BadImageError("no such file", source=str(path))
    if not path.is_file():
        raise BadImageError("not a regular file", source=str(path))
    size = path.stat().st_size
    if size == 0:
        raise BadImageError("the file is empty (0 bytes)", source=str(path))
    if size > max_bytes:
        raise ImageTooLargeError(
            f"file is {size / 2**20:.0f} MiB, over the {max_bytes / 2**20:.0f} MiB limit", source=str(path),
            hint=f"if you trust this file, raise the limit: CANDID_MAX_BYTES={size} (environment variable)",
        )
    with open(path, "rb") as fh:
        head = fh.read(64)
    fmt = sniff_format(head)
    if fmt is None:
        raise BadImageError(
            "not an image candid can read", source=str(path),
            hint="use JPEG, PNG, TIFF, WebP, GIF, HEIC or AVIF",
        )
    return fmt


def _open_heif(path: Path, max_pixels: int, *, header_only: bool = False) -> pyvips.Image:
    # libvips' bundled libheif has no HEVC decoder (patents); pillow-heif ships
    # libde265, so HEIC goes through it. Its open is lazy: size before pixels.
    import pillow_heif

    try:
        heif = pillow_heif.open_heif(str(path), convert_hdr_to_8bit=False)
        width, height = heif.size
        if header_only or width * height > max_pixels:
            # a header stand-in (black costs nothing until read): read_header
            # never decodes, and _check_pixels refuses it when over the limit
            stand_in = pyvips.Image.black(width, height, bands=3)
            return stand_in.copy(interpretation="srgb")
        array = np.asarray(heif)
    except Exception as exc:  # noqa: BLE001 - pillow-heif raises IndexError, SyntaxError, ... on hostile
        # files (a HEIF box structure with no image, no supported brand: found by bench/fuzz_imageio.py)
        raise BadImageError(f"cannot decode this HEIC file ({type(exc).__name__}: {exc})"[:300],
                            source=str(path)) from None
    sixteen = array.dtype == np.uint16
    if sixteen and heif.bit_depth < 16:
        array = array << (16 - heif.bit_depth)
    image = pyvips.Image.new_from_array(array, interpretation="rgb16" if sixteen else "srgb")
    icc = heif.info.get("icc_profile")
    if icc:
        image.set_type(pyvips.GValue.blob_type, "icc-profile-data", bytes(icc))
    return image


#: What a libvips call can raise on a hostile file: pyvips decodes libvips' error
#: text as UTF-8, and a loader may quote raw file bytes in it (UnicodeDecodeError,
#: found by bench/fuzz_imageio.py on a mutated AVIF).
_VIPS_ERRORS = (pyvips.Error, UnicodeDecodeError)


def clear_vips_errors() -> None:
    """Empty libvips' global error buffer, so one file's error text never reaches the next file's message."""
    try:
        pyvips.vips_lib.vips_error_clear()
    except AttributeError:  # pragma: no cover - API mode without the symbol
        pass


def _open_vips(path: Path, fmt: str, access: str, max_pixels: int = DEFAULT_MAX_PIXELS,
               header_only: bool = False) -> pyvips.Image:
    clear_vips_errors()
    if fmt == "heif":
        return _open_heif(path, max_pixels, header_only=header_only)
    loader = getattr(pyvips.Image, LOADERS[fmt])
    try:
        # fail_on="warning" makes truncated and corrupt files an error instead
        # of a silently grey lower half.
        return loader(str(path), access=access, fail_on="warning")
    except _VIPS_ERRORS as exc:
        raise BadImageError(f"cannot decode this {fmt.upper()} file ({_first_line(exc)})",
                            source=str(path)) from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    detail = [t for t in text[1:] if t.strip()] or text
    return detail[0].strip()[:200] if detail else "unknown error"


def _header_of(path: Path, fmt: str, image: pyvips.Image) -> ImageHeader:
    try:
        fields = set(image.get_fields())
    except UnicodeDecodeError:  # a metadata name that is not UTF-8 (a mutated AVIF in bench/fuzz_imageio.py)
        raise BadImageError("its metadata is corrupt (a field name is not text)", source=str(path)) from None
    orientation = image.get("orientation") if "orientation" in fields else 1
    n_pages = image.get("n-pages") if "n-pages" in fields else 1
    return ImageHeader(
        path=path, format=fmt, width=image.width, height=image.height, bands=image.bands,
        bit_depth=_BIT_DEPTHS.get(image.format, 8), interpretation=str(image.interpretation),
        orientation=int(orientation), has_icc="icc-profile-data" in fields, n_pages=int(n_pages),
    )


def _check_pixels(header: ImageHeader, max_pixels: int) -> None:
    n = header.width * header.height
    if n > max_pixels:
        raise ImageTooLargeError(
            f"{header.width} x {header.height} is {n / 1e6:.0f} megapixels, "
            f"over the {max_pixels / 1e6:.0f} MP limit (decompression-bomb guard)", source=str(header.path),
            hint=f"downscale the image first, or if you trust it raise the limit: CANDID_MAX_PIXELS={n} "
                 "(environment variable)",
        )


def read_header(path: str | os.PathLike, *, max_bytes: int | None = None,
                max_pixels: int | None = None) -> ImageHeader:
    """Read an image's header without decoding its pixels (HEIC included).

    Parameters
    ----------
    path : str or path-like
        The image file.
    max_bytes : int, optional
        Files larger than this are refused (default ``$CANDID_MAX_BYTES`` or 1 GiB).
    max_pixels : int, optional
        If given, images with more pixels are refused (``ImageTooLargeError``).

    Returns
    -------
    ImageHeader

    Examples
    --------
    >>> from candid.imageio import read_header
    >>> read_header("portrait.jpg").width  # doctest: +SKIP
    4000
    """
    path = Path(path)
    fmt = _check_file(path, max_bytes_limit(max_bytes))
    header = _header_of(path, fmt, _open_vips(path, fmt, "sequential", header_only=True))
    if max_pixels is not None:
        _check_pixels(header, max_pixels)
    return header


def open_vips(
    path: str | os.PathLike,
    *,
    max_pixels: int | None = None,
    max_bytes: int | None = None,
) -> tuple[pyvips.Image, ImageHeader]:
    """Open an image lazily as an upright, sRGB pyvips image.

    Nothing is decoded until pixels are asked for, so this is the path for
    images too big to hold as float32 arrays. The same checks as
    :func:`read_image` apply.

    Returns
    -------
    image : pyvips.Image
        Upright, sRGB (8 or 16 bit), 3 bands plus alpha if there was one.
    header : ImageHeader
    """
    image, header, _ = _open_upright(Path(path), max_pixels, max_bytes)
    return image, header


def _open_upright(path: Path, max_pixels: int | None, max_bytes: int | None
                  ) -> tuple[pyvips.Image, ImageHeader, list[str]]:
    max_pixels, max_bytes = max_pixels_limit(max_pixels), max_bytes_limit(max_bytes)
    fmt = _check_file(path, max_bytes)
    image = _open_vips(path, fmt, "random", max_pixels)
    header = _header_of(path, fmt, image)
    _check_pixels(header, max_pixels)
    image, notes = _to_upright_srgb(image, header)
    notes.insert(0, f"decoded {fmt.upper()} {header.width}x{header.height}, "
                    f"{header.bit_depth}-bit {header.interpretation}")
    if header.n_pages > 1:
        notes.append(f"first of {header.n_pages} pages used")
    return image, header, notes


def _to_upright_srgb(image: pyvips.Image, header: ImageHeader) -> tuple[pyvips.Image, list[str]]:
    notes: list[str] = []
    if header.orientation not in (0, 1):
        image = image.autorot()
        notes.append(f"EXIF orientation {header.orientation} applied")
    sixteen = header.bit_depth >= 16
    interp = header.interpretation
    if header.has_icc and image.get("icc-profile-data") == srgb_icc_profile():
        pass  # already sRGB: a no-op transform would only cost 16-bit precision
    elif header.has_icc or interp == "cmyk":
        try:
            # For CMYK with no profile, libvips falls back to a built-in CMYK
            # profile; for RGB with a profile this is a real colour conversion.
            image = image.icc_transform("srgb", embedded=True, input_profile="cmyk" if interp == "cmyk" else "srgb",
                                        depth=16 if sixteen else 8, intent="relative")
            notes.append("converted to sRGB from " + ("CMYK" if interp == "cmyk" else "the embedded ICC profile"))
        except _VIPS_ERRORS as exc:
            if interp == "cmyk":
                raise BadImageError(f"cannot convert CMYK to RGB ({_first_line(exc)})",
                                    source=str(header.path)) from None
            notes.append("embedded ICC profile unreadable, assumed sRGB")
    elif interp in ("lab", "labs", "labq", "xyz", "lch", "cmc", "scrgb", "hsv", "yxy"):
        image = image.colourspace("rgb16" if sixteen else "srgb")
        notes.append(f"converted from {interp} to sRGB")
    has_alpha = image.hasalpha()
    colour_bands = image.bands - (1 if has_alpha else 0)
    if colour_bands == 1:
        grey = image[0]
        rgb = grey.bandjoin([grey, grey])
        image = rgb.bandjoin(image[image.bands - 1]) if has_alpha else rgb
        # tag it RGB: a 3-band "b-w" image counts as grey + alpha for libvips
        # (hasalpha, flatten), which broke every lazy consumer of a grey JPEG
        image = image.copy(interpretation="rgb16" if image.format == "ushort" else "srgb")
        notes.append("greyscale expanded to RGB")
    elif colour_bands != 3:
        raise BadImageError(f"{colour_bands}-channel images are not supported", source=str(header.path))
    return image, notes


def _to_float(array: np.ndarray, vips_format: str, interpretation: str) -> np.ndarray:
    if vips_format in ("uchar", "char"):
        return array.astype(np.float32) / 255.0
    if vips_format in ("ushort", "short"):
        return array.astype(np.float32) / 65535.0
    if vips_format in ("float", "double"):
        return np.clip(array.astype(np.float32), 0.0, 1.0)
    if vips_format in ("uint", "int"):
        return array.astype(np.float64).__truediv__(2**32 - 1).astype(np.float32)
    raise BadImageError(f"unsupported sample format {vips_format!r} ({interpretation})")


def read_image(
    path: str | os.PathLike,
    *,
    max_pixels: int | None = None,
    max_bytes: int | None = None,
) -> LoadedImage:
    """Decode an image safely to upright sRGB float32.

    The format is sniffed from the bytes; the pixel count is checked from the
    header before any pixel is decoded (decompression-bomb guard); EXIF
    orientation is applied; embedded ICC profiles and CMYK are converted to
    sRGB; greyscale is expanded to RGB; 16-bit precision is kept in the float.

    Parameters
    ----------
    path : str or path-like
        The image file (JPEG, PNG, TIFF, WebP, GIF, HEIC or AVIF).
    max_pixels : int, optional
        Refuse images with more pixels than this (default
        ``$CANDID_MAX_PIXELS`` or :data:`DEFAULT_MAX_PIXELS`), checked from
        the header before any pixel is decoded.
    max_bytes : int, optional
        Refuse files larger than this (default ``$CANDID_MAX_BYTES`` or 1 GiB).

    Returns
    -------
    LoadedImage

    Raises
    ------
    BadImageError
        Missing, empty, corrupt, truncated or unsupported file.
    ImageTooLargeError
        Over the pixel or byte limit.

    Examples
    --------
    >>> from candid.imageio import read_image
    >>> img = read_image("portrait.jpg")  # doctest: +SKIP
    >>> img.pixels.dtype, img.pixels.shape[2]  # doctest: +SKIP
    (dtype('float32'), 3)
    """
    image, header, notes = _open_upright(Path(path), max_pixels, max_bytes)
    image_fmt = image.format
    clear_vips_errors()
    try:
        array = image.numpy()
    except _VIPS_ERRORS as exc:
        raise BadImageError(f"the file is corrupt or truncated ({_first_line(exc)})",
                            source=str(header.path)) from None
    if array.ndim == 2:
        array = array[:, :, None]
    data = _to_float(array, image_fmt, header.interpretation)
    alpha = None
    if data.shape[2] == 4:
        alpha = np.ascontiguousarray(data[:, :, 3])
        data = data[:, :, :3]
    pixels = np.ascontiguousarray(data, dtype=np.float32)
    return LoadedImage(pixels=pixels, alpha=alpha, header=header, notes=notes)

