"""Metadata hygiene: nothing from a source file's metadata reaches an output.

A JPEG is built with GPS coordinates, a camera serial number, an owner name,
an artist, a maker, an EXIF thumbnail, a comment and a private XMP packet; it
goes through :func:`candid.imageio.read_image` and
:func:`candid.provenance.label_and_write` (plain and C2PA-signed, JPEG and
PNG), and none of those bytes or tags may be in the output.
"""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
import pyvips
from PIL import Image

from candid.imageio import read_image
from candid.portrait import Operation, Portrait
from candid.provenance import dev_signer, label_and_write, read_xmp

SERIAL = b"SN-SECRET-99417723"
OWNER = b"Owner Jane Q Private"
ARTIST = b"Artist Hidden Name"
MAKE = b"SecretCam Corp"
COMMENT = b"comment: taken at 12 Private Lane"
XMP_SECRET = b"PrivatePlaceXYZ"


def _ifd(entries, next_offset, base):
    """Pack one little-endian TIFF IFD at ``base``; values longer than 4 bytes follow the IFD."""
    head = struct.pack("<H", len(entries))
    data_off = base + 2 + 12 * len(entries) + 4
    body, extra = b"", b""
    for tag, typ, count, value in entries:
        if isinstance(value, bytes) and len(value) > 4:
            body += struct.pack("<HHII", tag, typ, count, data_off + len(extra))
            extra += value + (b"\0" if len(value) % 2 else b"")
        elif isinstance(value, bytes):
            body += struct.pack("<HHI", tag, typ, count) + value.ljust(4, b"\0")
        else:
            body += struct.pack("<HHII", tag, typ, count, value)
    return head + body + struct.pack("<I", next_offset) + extra


def _exif_with_everything(thumbnail: bytes) -> bytes:
    ascii_ = lambda b: b + b"\0"  # noqa: E731
    # Layout: header(8) | IFD0 @8 | Exif IFD | GPS IFD | IFD1 | thumbnail
    ifd0_entries = lambda exif_off, gps_off: [  # noqa: E731
        (0x010F, 2, len(MAKE) + 1, ascii_(MAKE)), (0x013B, 2, len(ARTIST) + 1, ascii_(ARTIST)),
        (0x8769, 4, 1, exif_off), (0x8825, 4, 1, gps_off)]
    probe = _ifd(ifd0_entries(0, 0), 0, 8)
    exif_off = 8 + len(probe)
    exif_entries = [(0xA430, 2, len(OWNER) + 1, ascii_(OWNER)), (0xA431, 2, len(SERIAL) + 1, ascii_(SERIAL))]
    exif_ifd = _ifd(exif_entries, 0, exif_off)
    gps_off = exif_off + len(exif_ifd)
    lat = struct.pack("<6I", 51, 1, 30, 1, 2612, 100)
    gps_entries = [(0x0001, 2, 2, b"N\0"), (0x0002, 5, 3, lat), (0x0003, 2, 2, b"W\0"), (0x0004, 5, 3, lat)]
    gps_ifd = _ifd(gps_entries, 0, gps_off)
    ifd1_off = gps_off + len(gps_ifd)
    thumb_off = ifd1_off + 2 + 12 * 3 + 4
    ifd1 = _ifd([(0x0103, 3, 1, 6), (0x0201, 4, 1, thumb_off), (0x0202, 4, 1, len(thumbnail))], 0, ifd1_off)
    ifd0 = _ifd(ifd0_entries(exif_off, gps_off), ifd1_off, 8)
    assert len(ifd0) == len(probe)
    return b"Exif\0\0" + b"II*\0" + struct.pack("<I", 8) + ifd0 + exif_ifd + gps_ifd + ifd1 + thumbnail


@pytest.fixture(scope="module")
def leaky_jpeg(tmp_path_factory, astronaut):
    rng = np.random.default_rng(7)
    thumb_img = Image.fromarray(rng.integers(0, 255, (48, 64, 3), dtype=np.uint8))
    buf = io.BytesIO()
    thumb_img.save(buf, "JPEG", quality=80)
    thumbnail = buf.getvalue()
    exif = _exif_with_everything(thumbnail)
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           b'<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="'
           + XMP_SECRET + b'"/></rdf:RDF></x:xmpmeta>')
    path = tmp_path_factory.mktemp("leaky") / "leaky.jpg"
    Image.fromarray((astronaut * 255).astype(np.uint8)).save(path, "JPEG", quality=92, exif=exif,
                                                            comment=COMMENT, xmp=xmp)
    data = path.read_bytes()
    # the fixture really carries what we are testing for
    for needle in (SERIAL, OWNER, ARTIST, MAKE, COMMENT, XMP_SECRET, thumbnail[20:80]):
        assert needle in data
    exif_read = Image.open(path).getexif()
    assert exif_read.get_ifd(0x8825) and exif_read.get_ifd(0x8769).get(0xA431) == SERIAL.decode()
    assert "exif-data" in pyvips.Image.new_from_file(str(path)).get_fields()
    return path, thumbnail


@pytest.mark.parametrize("suffix,signed", [(".jpg", False), (".jpg", True), (".png", False), (".png", True)])
def test_no_source_metadata_in_output(tmp_path, leaky_jpeg, suffix, signed):
    path, thumbnail = leaky_jpeg
    loaded = read_image(path)
    portrait = Portrait(loaded.pixels, source=path.name).evolve(None, Operation("looks.grain", {"iso": 200}))
    signer = dev_signer(tmp_path / "certs") if signed else None
    out = label_and_write(portrait, tmp_path / f"out{suffix}", signer=signer)
    data = out.read_bytes()
    for needle in (SERIAL, OWNER, ARTIST, MAKE, COMMENT, XMP_SECRET, b"Exif\0\0", thumbnail[20:80]):
        assert needle not in data, needle
    # no second JPEG (thumbnail) inside the file
    assert data.count(b"\xff\xd8\xff") == (1 if suffix == ".jpg" else 0)
    image = pyvips.Image.new_from_file(str(out))
    fields = set(image.get_fields())
    assert not any(f.startswith("exif-") or f in ("exif-data", "iptc-data", "jpeg-thumbnail-data") for f in fields)
    with Image.open(out) as im:
        exif = im.getexif()
        assert len(exif) == 0 and not exif.get_ifd(0x8825)
    # what *is* there is candid's own label
    info = read_xmp(out)
    assert info.digital_source_type.endswith("algorithmicallyEnhanced")
    assert info.log[0]["stage"] == "looks.grain"
