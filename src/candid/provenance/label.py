"""The one way candid writes outputs: labelled, watermarked, signed, atomically."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


from candid.errors import CandidError


def label_and_write(portrait, out_path: str | os.PathLike, *, signer=None, watermark: bool = True,
                    quality: int = 95, bit_depth: int = 8, strength: float = 1.0,
                    credit: str | None = None, watermark_id: str | None = None) -> Path:
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
        8 hex digits; default is derived from the pixels and log (deterministic).

    Returns
    -------
    Path

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
    from candid.imageio import output_format, write_image
    from candid.provenance.c2pa_manifest import sign_c2pa
    from candid.provenance.watermark import BLOCK, TILE_COLS, TILE_ROWS, embed_watermark, watermark_id_for
    from candid.provenance.xmp import _log_dicts, xmp_packet

    if getattr(portrait, "color", "srgb") != "srgb":
        raise ValueError("label_and_write needs an sRGB portrait; convert linear pixels first")
    out_path = Path(out_path)
    output_format(out_path)  # refuse unknown suffixes before any work
    pixels = portrait.pixels
    log = list(portrait.log)
    wid = None
    big_enough = pixels.shape[0] >= TILE_ROWS * BLOCK and pixels.shape[1] >= TILE_COLS * BLOCK
    if watermark and big_enough:
        wid = watermark_id or watermark_id_for(pixels, json.dumps(_log_dicts(log), sort_keys=True).encode())
        pixels = embed_watermark(pixels, wid, strength=strength)
    xmp = xmp_packet(log, credit, wid)
    if signer is None:
        return write_image(out_path, pixels, alpha=portrait.alpha, bit_depth=bit_depth, quality=quality, xmp=xmp)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmpdir = tempfile.mkdtemp(prefix=".candid-", dir=out_path.parent)
    try:
        plain = write_image(Path(tmpdir) / f"unsigned{out_path.suffix}", pixels, alpha=portrait.alpha,
                            bit_depth=bit_depth, quality=quality, xmp=xmp)
        sign_c2pa(plain, plain, log, signer, watermark_id=wid)
        os.replace(plain, out_path)
    finally:
        for f in Path(tmpdir).glob("*"):
            f.unlink()
        os.rmdir(tmpdir)
    return out_path


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
        })


def verify(path: str | os.PathLike, *, watermark: bool = True, strength: float = 1.0) -> Verification:
    """Read C2PA, XMP provenance and the watermark of an image and cross-check them.

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
    return Verification(path, c2, xmp, wid, conf, errs, notes)
