"""Safe image reading and atomic writing.

Decoding goes through libvips (pyvips): it sniffs nothing by extension here,
reads headers lazily (so size limits apply before pixels are decoded), handles
8/16-bit, palette, CMYK, ICC and EXIF orientation, and streams big images.
"""

from candid.imageio._decode import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PIXELS,
    ImageHeader,
    LoadedImage,
    clear_vips_errors,
    max_bytes_limit,
    max_pixels_limit,
    open_vips,
    read_header,
    read_image,
)
from candid.imageio._encode import output_format, quantise, srgb_icc_profile, to_vips, write_image, write_vips
from candid.imageio._sniff import sniff_format

__all__ = [
    "DEFAULT_MAX_BYTES", "DEFAULT_MAX_PIXELS", "ImageHeader", "LoadedImage", "clear_vips_errors",
    "max_bytes_limit", "max_pixels_limit", "open_vips",
    "output_format", "read_header", "read_image", "sniff_format", "srgb_icc_profile",
    "quantise", "to_vips", "write_image", "write_vips",
]
