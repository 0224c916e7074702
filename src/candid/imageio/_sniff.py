"""Format detection from the first bytes of a file, never from its name."""

from __future__ import annotations

_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}

#: Formats candid decodes, mapped to the libvips loader used for each.
LOADERS = {
    "jpeg": "jpegload",
    "png": "pngload",
    "tiff": "tiffload",
    "webp": "webpload",
    "gif": "gifload",
    "heif": "heifload",
    "avif": "heifload",
}


def sniff_format(head: bytes) -> str | None:
    """Name the image format of a file from its first bytes.

    Parameters
    ----------
    head : bytes
        At least the first 32 bytes of the file.

    Returns
    -------
    str or None
        One of the keys of :data:`LOADERS`, or ``None`` when the bytes are not
        a format candid reads.

    Examples
    --------
    >>> sniff_format(b"\\x89PNG\\r\\n\\x1a\\n" + bytes(24))
    'png'
    >>> sniff_format(b"GIF89a") , sniff_format(b"hello") is None
    ('gif', True)
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[4:8] == b"ftyp":
        box_size = int.from_bytes(head[:4], "big")
        brands = {head[8:12]}
        end = min(max(box_size, 16), len(head))
        brands.update(head[i : i + 4] for i in range(16, end - 3, 4))
        if brands & _AVIF_BRANDS:
            return "avif"
        if brands & _HEIF_BRANDS:
            return "heif"
    return None
