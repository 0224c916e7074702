"""XMP packets: IPTC DigitalSourceType, a credit line, and candid's stage log.

Writing builds the packet with :mod:`xml.etree` (everything escaped); reading
pulls the first ``x:xmpmeta`` element out of a file's bytes with a size cap and
parses it with expat, which in Python 3.11 neither fetches external entities
nor expands entity bombs past its amplification limit; a DOCTYPE is refused
outright.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "candid": "https://candid.invalid/ns/1.0/",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)

#: Largest XMP packet :func:`read_xmp` will parse.
MAX_XMP_BYTES = 4 << 20
#: How much of a file :func:`read_xmp` scans for a packet.
MAX_SCAN_BYTES = 256 << 20


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _log_dicts(log: Iterable) -> list[dict]:
    from candid.files import to_jsonable

    return [to_jsonable(op.to_dict() if hasattr(op, "to_dict") else dict(op)) for op in log]


def credit_line(log: Iterable) -> str:
    """A human-readable credit line saying how the image was made.

    Examples
    --------
    >>> from candid.portrait import Operation
    >>> credit_line([Operation("engines.studio", ai="edited")])
    'AI-edited with candid (engines.studio)'
    """
    from candid.provenance.source_type import describe, digital_source_type

    log = list(log)
    names = (op.stage if hasattr(op, "stage") else op.get("stage", "?") for op in log)
    stages = ", ".join(dict.fromkeys(n for n in names if n != "provenance.source"))
    words = describe(digital_source_type(log))
    return f"{words} with candid" + (f" ({stages})" if stages else "")


def xmp_packet(log: Iterable, credit: str | None = None, id: str | None = None) -> bytes:
    """Build an XMP packet labelling an output.

    Parameters
    ----------
    log : iterable of Operation
        The portrait's history.
    credit : str, optional
        Credit line; default :func:`credit_line`.
    id : str, optional
        The watermark id, recorded so a reader can match mark and metadata.

    Returns
    -------
    bytes
        A UTF-8 XMP packet with ``Iptc4xmpExt:DigitalSourceType``,
        ``dc:description``, ``photoshop:Credit``, ``xmp:CreatorTool`` and
        ``candid:Log`` (the log as JSON).

    Examples
    --------
    >>> from candid.portrait import Operation
    >>> b"trainedAlgorithmicMedia" in xmp_packet([Operation("x", ai="generated")])
    True
    """
    import candid
    from candid.provenance.source_type import digital_source_type

    log = list(log)
    dst = digital_source_type(log)
    credit = credit if credit is not None else credit_line(log)
    meta = ET.Element(_q("x", "xmpmeta"))
    rdf = ET.SubElement(meta, _q("rdf", "RDF"))
    desc = ET.SubElement(rdf, _q("rdf", "Description"), {_q("rdf", "about"): ""})
    ET.SubElement(desc, _q("Iptc4xmpExt", "DigitalSourceType")).text = dst
    ET.SubElement(desc, _q("photoshop", "Credit")).text = credit
    ET.SubElement(desc, _q("xmp", "CreatorTool")).text = f"candid {candid.__version__}"
    alt = ET.SubElement(ET.SubElement(desc, _q("dc", "description")), _q("rdf", "Alt"))
    li = ET.SubElement(alt, _q("rdf", "li"), {"{http://www.w3.org/XML/1998/namespace}lang": "x-default"})
    li.text = credit
    if id is not None:
        ET.SubElement(desc, _q("candid", "WatermarkId")).text = str(id)
    ET.SubElement(desc, _q("candid", "Log")).text = json.dumps(_log_dicts(log), ensure_ascii=False,
                                                               separators=(",", ":"))
    body = ET.tostring(meta, encoding="unicode")
    return ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>' + body + '<?xpacket end="w"?>').encode("utf-8")


@dataclass(frozen=True)
class XmpInfo:
    """What an XMP packet says about provenance."""

    digital_source_type: str | None
    credit: str | None
    watermark_id: str | None
    log: list | None
    creator_tool: str | None


_START = re.compile(rb"<x:xmpmeta[\s>]")
_END = b"</x:xmpmeta>"


def find_xmp(data: bytes) -> bytes | None:
    """The first complete ``<x:xmpmeta>...</x:xmpmeta>`` in ``data``, or None."""
    m = _START.search(data)
    if not m:
        return None
    end = data.find(_END, m.start())
    if end < 0 or end - m.start() > MAX_XMP_BYTES:
        return None
    return data[m.start() : end + len(_END)]


def parse_xmp(packet: bytes) -> XmpInfo | None:
    """Parse an XMP packet; None when it is not well-formed XML or has a DOCTYPE."""
    if b"<!DOCTYPE" in packet.upper() or b"<!ENTITY" in packet.upper():
        return None
    try:
        root = ET.fromstring(packet)
    except (ET.ParseError, ValueError):
        return None

    def text(prefix: str, name: str) -> str | None:
        for el in root.iter(_q(prefix, name)):
            if el.text and el.text.strip():
                return el.text.strip()
        for el in root.iter(_q("rdf", "Description")):  # attribute form
            val = el.get(_q(prefix, name))
            if val:
                return val
        return None

    description = None
    for el in root.iter(_q("dc", "description")):
        description = " ".join(t.strip() for t in el.itertext() if t.strip()) or None
    log = None
    raw = text("candid", "Log")
    if raw:
        try:
            log = json.loads(raw)
        except ValueError:
            log = None
    return XmpInfo(
        digital_source_type=text("Iptc4xmpExt", "DigitalSourceType"),
        credit=text("photoshop", "Credit") or description,
        watermark_id=text("candid", "WatermarkId"),
        log=log if isinstance(log, list) else None,
        creator_tool=text("xmp", "CreatorTool"),
    )


def _xmp_from_header(path: Path) -> bytes | None:
    """The XMP blob libvips reads from the header (PNG iTXt/zTXt, WebP, TIFF, JPEG APP1)."""
    import pyvips

    from candid.imageio import sniff_format

    with open(path, "rb") as fh:
        fmt = sniff_format(fh.read(64))
    if fmt not in ("jpeg", "png", "tiff", "webp", "avif", "heif", "gif"):
        return None
    try:
        image = pyvips.Image.new_from_file(str(path), access="sequential")
        if "xmp-data" not in image.get_fields():
            return None
        blob = image.get("xmp-data")
    except (pyvips.Error, UnicodeDecodeError):  # pyvips decodes libvips' error text as UTF-8
        return None
    if not isinstance(blob, (bytes, bytearray)) or len(blob) > MAX_XMP_BYTES:
        return None
    return find_xmp(bytes(blob))


def read_xmp(path: str | os.PathLike) -> XmpInfo | None:
    """Find and parse the XMP packet in a file, or None.

    The image header is asked first (this handles compressed PNG text
    chunks); failing that, the raw bytes are scanned for an ``x:xmpmeta``.

    Examples
    --------
    >>> read_xmp("portrait.jpg").digital_source_type  # doctest: +SKIP
    'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia'
    """
    path = Path(path)
    packet = _xmp_from_header(path)
    if packet is None:
        with open(path, "rb") as fh:
            packet = find_xmp(fh.read(MAX_SCAN_BYTES))
    return parse_xmp(packet) if packet else None
