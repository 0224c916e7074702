"""The one way candid writes outputs: labelled, watermarked, signed, atomically."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path


from candid.errors import CandidError
from candid.files import atomic_path


def label_and_write(portrait, out_path: str | os.PathLike, *, signer=None, watermark: bool = True,
                    quality: int = 95, bit_depth: int = 8, strength: float = 1.0,
                    credit: str | None = None, watermark_id: str | None = None,
                    ingredients=()) -> Path:
    """Write a portrait as an honestly labelled file.

    The output carries, and nothing else from any source file:

    * an invisible watermark with a short id (:func:`embed_watermark`) unless
      ``watermark=False`` or the image is smaller than one watermark tile;
    * an XMP packet with the IPTC digital source type, a credit line, the
      watermark id and the stage log (:func:`xmp_packet`);
    * an sRGB ICC profile;
    * a signed C2PA manifest with the actions (:func:`sign_c2pa`) when a
      ``signer`` is given (:func:`dev_signer` makes a local one).

    The file appears complete or not at all (temporary file, then rename).

    Parameters
    ----------
    portrait : candid.portrait.Portrait
        Must be sRGB. Not modified.
    out_path : path
        ``.jpg``, ``.png``, ``.tif``, ``.webp`` or ``.avif``.
    signer : Signer, optional
        C2PA signer; None writes no manifest.
    watermark : bool
        Embed the invisible watermark.
    quality : int
        Lossy quality.
    bit_depth : {8, 16}
        16 for PNG/TIFF.
    strength : float
        Watermark strength (see :func:`embed_watermark`).
    credit : str, optional
        Credit line; default says how the image was made.
    watermark_id : str, optional
        8 hex digits; default is derived from the pixels and the log without
        its wall-clock times (deterministic: same inputs, same id).
    ingredients : sequence of path, optional
        The input files the portrait was made from; with a ``signer`` each
        becomes a ``parentOf`` C2PA ingredient (carrying its own manifest, if
        any). The inputs' labels reach the XMP and the digital source type
        through the ``provenance.source`` log entries
        (:func:`candid.provenance.read_portrait`), with or without this.

    Returns
    -------
    Path
        ``out_path``, now holding the labelled image.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.portrait import Portrait, Operation
    >>> from skimage.data import astronaut
    >>> p = Portrait(astronaut().astype(np.float32) / 255).evolve(None, Operation("demo", ai="edited"))
    >>> out = label_and_write(p, "/tmp/candid-label-example.jpg")
    >>> verify("/tmp/candid-label-example.jpg").xmp.digital_source_type.rsplit("/", 1)[1]
    'compositeWithTrainedAlgorithmicMedia'
    """
    from candid.imageio import output_format, to_vips, write_vips
    from candid.provenance.c2pa_manifest import sign_c2pa
    from candid.provenance.watermark import BLOCK, TILE_COLS, TILE_ROWS, band_marker, watermark_id_for
    from candid.provenance.xmp import xmp_packet

    if getattr(portrait, "color", "srgb") != "srgb":
        raise ValueError("label_and_write needs an sRGB portrait; convert linear pixels first")
    if bit_depth not in (8, 16):
        raise ValueError("bit_depth must be 8 or 16")
    out_path = Path(out_path)
    fmt = output_format(out_path)  # refuse unknown suffixes before any work
    if fmt not in ("png", "tiff"):
        bit_depth = 8
    pixels = portrait.pixels
    log = list(portrait.log)
    wid, rows = None, None
    big_enough = pixels.shape[0] >= TILE_ROWS * BLOCK and pixels.shape[1] >= TILE_COLS * BLOCK
    if watermark and big_enough:
        wid = watermark_id or watermark_id_for(pixels, _log_fingerprint(log))
        # marked band by band while quantising, on every core: no whole-image float copy
        rows = band_marker(pixels, wid, strength=strength)
    xmp = xmp_packet(log, credit, wid)
    image = to_vips(pixels, alpha=portrait.alpha, bit_depth=bit_depth, rows=rows)
    if signer is None:
        return write_vips(out_path, image, quality=quality, xmp=xmp)
    with atomic_path(out_path, suffix=f".part{out_path.suffix}") as plain:
        write_vips(plain, image, quality=quality, xmp=xmp)
        sign_c2pa(plain, plain, log, signer, watermark_id=wid, ingredients=ingredients)
    return out_path


def _log_fingerprint(log) -> bytes:
    """The log as canonical JSON without wall-clock fields (``at``), for deterministic ids."""
    from candid.provenance.xmp import _log_dicts

    return json.dumps([{k: v for k, v in d.items() if k != "at"} for d in _log_dicts(log)],
                      sort_keys=True, default=str).encode()


@dataclass
class Verification:
    """Everything :func:`verify` found in a file."""

    path: Path
    c2pa: object
    xmp: object
    watermark_id: str | None
    watermark_confidence: float
    watermark_bit_errors: int | None
    notes: list[str]
    warnings: list[str] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        import dataclasses

        from candid.files import to_jsonable

        return to_jsonable({
            "path": str(self.path),
            "c2pa": dataclasses.asdict(self.c2pa),
            "xmp": dataclasses.asdict(self.xmp) if self.xmp else None,
            "watermark": {"id": self.watermark_id, "confidence": self.watermark_confidence,
                          "bit_errors": self.watermark_bit_errors},
            "notes": self.notes,
            "warnings": self.warnings,
            "sources": self.sources,
        })


def verify(path: str | os.PathLike, *, watermark: bool = True, strength: float = 1.0) -> Verification:
    """Read C2PA, XMP provenance and the watermark of an image and cross-check them.

    ``warnings`` lists disagreements between the labels (the signs of a
    relabelled or laundered file): a candid watermark under XMP that claims a
    camera capture or was not written by candid, XMP and C2PA naming
    different source types, a watermark with its C2PA manifest removed.
    ``sources`` lists the inputs the image was made from
    (``provenance.source`` entries of its log).

    Raises
    ------
    BadImageError
        The file cannot be decoded at all (other findings are reported, not raised).

    Examples
    --------
    >>> verify("portrait.jpg").c2pa.status  # doctest: +SKIP
    'valid'
    """
    from candid.imageio import read_image
    from candid.provenance.c2pa_manifest import read_c2pa
    from candid.provenance.watermark import read_watermark
    from candid.provenance.xmp import read_xmp

    path = Path(path)
    image = read_image(path)  # raises BadImageError for unreadable input
    notes: list[str] = []
    try:
        c2 = read_c2pa(path)
    except CandidError:
        raise
    except Exception as exc:  # a hostile manifest must not crash verification
        from candid.provenance.c2pa_manifest import C2paInfo

        c2 = C2paInfo("error", detail=f"{type(exc).__name__}: {exc}"[:300])
    xmp = read_xmp(path)
    wid, conf, errs = (None, 0.0, None)
    if watermark:
        wid, conf, errs = read_watermark(image.pixels, strength=strength)
    if c2.status == "valid" and any("untrusted" in f for f in c2.failures):
        notes.append("the C2PA signature is intact but the signer is not on a trust list "
                     "(e.g. a candid development certificate): it proves integrity, not identity")
    if c2.status == "invalid":
        notes.append("the C2PA manifest does not match the file: it was changed after signing")
    ids = {i for i in (wid, getattr(xmp, "watermark_id", None), c2.watermark_id) if i}
    if len(ids) > 1:
        notes.append(f"watermark ids disagree: {sorted(ids)}")
    if wid and not xmp and c2.status == "absent":
        notes.append("a candid watermark is present but the metadata was stripped")
    warnings = _disagreements(wid, xmp, c2)
    from candid.provenance.source import source_entries

    sources = [dict(op.get("params") or {}, ai=op.get("ai", "none"))
               for op in source_entries(c2.log if c2.status in ("valid", "trusted") and c2.log else
                                        getattr(xmp, "log", None)) if isinstance(op, dict)]
    return Verification(path, c2, xmp, wid, conf, errs, notes, warnings, sources)


def _disagreements(wid, xmp, c2) -> list[str]:
    """Label disagreements: what a forged or stripped label looks like."""
    from candid.provenance.source import ai_of
    from candid.provenance.source_type import DESCRIPTIONS, describe

    out: list[str] = []
    candid_types = {u.rsplit("/", 1)[-1] for u in DESCRIPTIONS}
    xtype = getattr(xmp, "digital_source_type", None)
    signed = c2.status in ("valid", "trusted")
    if wid:
        if xmp is not None and (not xtype or xtype.rsplit("/", 1)[-1] not in candid_types):
            out.append(f"a candid watermark is present but the XMP says "
                       f"'{describe(xtype)}': the XMP was rewritten; candid never labels an output that way")
        elif xmp is not None and not str(xmp.creator_tool or "").startswith("candid"):
            out.append("a candid watermark is present but the XMP was not written by candid")
        if c2.status == "absent" and xmp is not None:
            out.append("a candid watermark and XMP are present but the C2PA manifest was removed")
    if signed and c2.digital_source_type and xtype and ai_of(xtype) != ai_of(c2.digital_source_type):
        out.append(f"the XMP says '{describe(xtype)}' but the signed C2PA manifest says "
                   f"'{describe(c2.digital_source_type)}'")
    if signed and c2.digital_source_type and xmp is None:
        out.append("the C2PA manifest is intact but the XMP labels were removed")
    return out


#: Side of the central square :func:`label_file` watermarks (the reader looks at the centre).
STREAM_MARK_WINDOW = 2048


def label_file(rendered: str | os.PathLike, out_path: str | os.PathLike, log, *, signer=None,
               watermark: bool = True, quality: int = 95, bit_depth: int = 8, strength: float = 1.0,
               ingredients=(), dpi: float | None = None) -> tuple[Path, str | None]:
    """Label an image file rendered elsewhere (e.g. a streamed 8K finish) and write it to ``out_path``.

    For images too big to hold as float arrays: the file is opened lazily,
    only the central square (up to :data:`STREAM_MARK_WINDOW` px, where
    :func:`read_watermark` looks) gets the watermark, and libvips streams the
    result with the XMP into ``out_path`` (atomically), then the C2PA
    manifest is signed. ``rendered`` should be lossless (TIFF/PNG) so the
    output is encoded once. ``dpi`` (print sizes) is recorded in the file.

    Returns
    -------
    (Path, str or None)
        The written file and the watermark id (None when the image is smaller
        than one watermark tile).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.imageio import write_image
    >>> from candid.portrait import Operation
    >>> from skimage.data import astronaut
    >>> src = write_image("/tmp/candid-label-file.tif", astronaut().astype(np.float32) / 255)
    >>> path, wid = label_file(src, "/tmp/candid-label-file.jpg", [Operation("finish")])
    >>> verify(path).watermark_id == wid
    True
    """
    from candid.imageio import open_vips, output_format

    out_path = Path(out_path)
    output_format(out_path)
    image, _ = open_vips(rendered)
    return label_vips(image, out_path, log, signer=signer, watermark=watermark, quality=quality,
                      bit_depth=bit_depth, strength=strength, ingredients=ingredients, dpi=dpi)


def label_vips(image, out_path: str | os.PathLike, log, *, signer=None, watermark: bool = True, quality: int = 95,
               bit_depth: int = 8, strength: float = 1.0, ingredients=(), dpi: float | None = None,
               ) -> tuple[Path, str | None]:
    """:func:`label_file` for an 8/16-bit sRGB pyvips image already in hand (e.g. wrapping a numpy array).

    Only the central square is copied to float for the watermark; the rest
    streams from ``image`` to the encoder.

    Examples
    --------
    >>> import numpy as np, pyvips
    >>> from candid.portrait import Operation
    >>> from skimage.data import astronaut
    >>> img = pyvips.Image.new_from_array(astronaut(), interpretation="srgb")
    >>> path, wid = label_vips(img, "/tmp/candid-label-vips.png", [Operation("demo")])
    >>> verify(path).watermark_id == wid
    True
    """
    import numpy as np
    import pyvips

    from candid.imageio import output_format, to_vips, write_vips
    from candid.provenance.c2pa_manifest import sign_c2pa
    from candid.provenance.watermark import BLOCK, TILE_COLS, TILE_ROWS, embed_watermark, watermark_id_for
    from candid.provenance.xmp import xmp_packet

    out_path = Path(out_path)
    output_format(out_path)
    log = list(log)
    if image.hasalpha():
        image = image[:3]
    wid = None
    w, h = image.width, image.height
    if watermark and h >= TILE_ROWS * BLOCK and w >= TILE_COLS * BLOCK:
        cw, ch = min(w, STREAM_MARK_WINDOW), min(h, STREAM_MARK_WINDOW)
        x0, y0 = (w - cw) // 2, (h - ch) // 2
        sixteen = image.format == "ushort"
        peak = 65535.0 if sixteen else 255.0
        crop = image.crop(x0, y0, cw, ch).numpy().astype(np.float32) / np.float32(peak)
        if crop.ndim == 2:
            crop = np.repeat(crop[:, :, None], 3, axis=2)
        wid = watermark_id_for(crop, _log_fingerprint(log))
        marked = to_vips(embed_watermark(crop, wid, strength=strength), bit_depth=16 if sixteen else 8)
        image = image.insert(marked, x0, y0).copy(interpretation="rgb16" if sixteen else "srgb")
        del crop
    if bit_depth == 8 and image.format == "ushort":
        image = (image >> 8).cast("uchar").copy(interpretation="srgb")
    xmp = xmp_packet(log, None, wid)
    if signer is None:
        return write_vips(out_path, image, quality=quality, xmp=xmp, dpi=dpi), wid
    try:
        with atomic_path(out_path, suffix=f".part{out_path.suffix}") as plain:
            write_vips(plain, image, quality=quality, xmp=xmp, dpi=dpi)
            sign_c2pa(plain, plain, log, signer, watermark_id=wid, ingredients=ingredients)
    except pyvips.Error as exc:
        raise CandidError(f"{out_path}: could not write ({str(exc).strip().splitlines()[-1][:200]})") from None
    return out_path, wid


def label_array(pixels, out_path: str | os.PathLike, log, *, signer=None, watermark: bool = True,
                quality: int = 95, strength: float = 1.0, ingredients=(), dpi: float | None = None,
                workers: int | None = None) -> tuple[Path, str | None]:
    """:func:`label_vips` for an 8/16-bit numpy image, with a PNG encoded on every core.

    The same labels as :func:`label_vips` (the watermark in the central
    square, the XMP, the sRGB profile, the C2PA manifest). A ``.png`` output is
    deflated in bands on a thread pool (:func:`candid.imageio.pngstream.write_png_array`)
    with the watermarked centre patched in while encoding, so ``pixels`` is
    neither copied nor modified; other formats go through :func:`label_vips`.
    The bit depth of the output is the array's.

    Examples
    --------
    >>> from candid.portrait import Operation
    >>> from skimage.data import astronaut
    >>> path, wid = label_array(astronaut(), "/tmp/candid-label-array.png", [Operation("demo")])
    >>> verify(path).watermark_id == wid
    True
    """
    import numpy as np
    import pyvips

    from candid.imageio import output_format, srgb_icc_profile
    from candid.imageio.pngstream import write_png_array
    from candid.provenance.c2pa_manifest import sign_c2pa
    from candid.provenance.watermark import BLOCK, TILE_COLS, TILE_ROWS, embed_watermark, watermark_id_for
    from candid.provenance.xmp import xmp_packet

    out_path = Path(out_path)
    fmt = output_format(out_path)
    if not isinstance(pixels, np.ndarray) or pixels.ndim != 3 or pixels.shape[2] != 3 \
            or pixels.dtype not in (np.uint8, np.uint16):
        raise ValueError("pixels must be an (H, W, 3) uint8 or uint16 array")
    if fmt != "png":
        h, w = pixels.shape[:2]
        fmt16 = pixels.dtype == np.uint16
        image = pyvips.Image.new_from_memory(np.ascontiguousarray(pixels).data, w, h, 3, "ushort" if fmt16 else "uchar")
        image = image.copy(interpretation="rgb16" if fmt16 else "srgb")
        return label_vips(image, out_path, log, signer=signer, watermark=watermark, quality=quality,
                          bit_depth=16 if fmt16 else 8, strength=strength, ingredients=ingredients, dpi=dpi)
    log = list(log)
    wid, patch = None, None
    h, w = pixels.shape[:2]
    if watermark and h >= TILE_ROWS * BLOCK and w >= TILE_COLS * BLOCK:
        cw, ch = min(w, STREAM_MARK_WINDOW), min(h, STREAM_MARK_WINDOW)
        x0, y0 = (w - cw) // 2, (h - ch) // 2
        peak = np.float32(np.iinfo(pixels.dtype).max)
        crop = pixels[y0:y0 + ch, x0:x0 + cw].astype(np.float32) / peak
        wid = watermark_id_for(crop, _log_fingerprint(log))
        marked = embed_watermark(crop, wid, strength=strength)
        del crop
        marked *= peak
        np.rint(marked, out=marked)
        np.clip(marked, 0, peak, out=marked)
        patch = (y0, x0, marked.astype(pixels.dtype))
        del marked
    xmp = xmp_packet(log, None, wid)
    with atomic_path(out_path, suffix=f".part{out_path.suffix}") as plain:
        write_png_array(plain, pixels, xmp=xmp, icc=srgb_icc_profile(), dpi=dpi, patch=patch, workers=workers)
        if signer is not None:
            sign_c2pa(plain, plain, log, signer, watermark_id=wid, ingredients=ingredients)
    return out_path, wid
