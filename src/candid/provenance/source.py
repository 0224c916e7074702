"""Provenance that flows forward: what an input file says about how it was made.

Every front door reads its input through :func:`read_portrait` (or calls
:func:`read_source` on a file it decoded itself). The input's labels become the
first entry of the new portrait's log, an ``Operation("provenance.source")``
whose ``ai`` is the input's own AI involvement, so the output's digital source
type is the strongest of its inputs' and its own stages' (see
:func:`candid.provenance.digital_source_type`): no chain of candid commands turns
an AI image into "no AI".

What counts, strongest evidence first:

* a valid C2PA manifest's digital source type;
* an XMP ``Iptc4xmpExt:DigitalSourceType``;
* a candid watermark in the pixels. It proves candid labelled the pixels; when
  the metadata is missing or claims less than AI editing (e.g. forged to
  ``digitalCapture``), the input is taken as AI-edited, the safe side.

The operation records the file *name*, the types found, the watermark id and
the C2PA status (never a path). The C2PA manifest of the output also lists
the input as a ``parentOf`` ingredient when the front door passes the input
path to :func:`candid.provenance.label_and_write` (``ingredients=``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from candid.provenance.source_type import (
    COMPOSITE_WITH_TRAINED, IPTC, TRAINED_ALGORITHMIC_MEDIA,
)

#: Stage name of the log entry that carries an input's provenance.
SOURCE_STAGE = "provenance.source"
_RANK = {"none": 0, "edited": 1, "generated": 2}


def ai_of(source_type: str | None) -> str:
    """How much AI an IPTC digital source type means: ``none``, ``edited`` or ``generated``.

    Examples
    --------
    >>> ai_of("http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia")
    'generated'
    >>> ai_of("compositeWithTrainedAlgorithmicMedia"), ai_of("digitalCapture"), ai_of(None)
    ('edited', 'none', 'none')
    """
    if not source_type:
        return "none"
    term = str(source_type).strip().rsplit("/", 1)[-1]
    if term == TRAINED_ALGORITHMIC_MEDIA.rsplit("/", 1)[-1]:
        return "generated"
    if term in (COMPOSITE_WITH_TRAINED.rsplit("/", 1)[-1], "compositeSynthetic"):
        return "edited"
    return "none"


def strongest(*levels: str) -> str:
    """The strongest of several AI levels.

    Examples
    --------
    >>> strongest("none", "generated", "edited")
    'generated'
    """
    return max(levels or ("none",), key=lambda v: _RANK.get(v, 0))


@dataclass(frozen=True)
class SourceProvenance:
    """What an input file's labels say.

    Attributes
    ----------
    name : str
        The file name (never a path).
    ai : {"none", "edited", "generated"}
        The input's AI involvement as candid carries it forward.
    digital_source_type : str or None
        The type the labels claim (C2PA if valid, else XMP).
    watermark_id : str or None
        A candid watermark found in the pixels.
    c2pa : str
        C2PA status of the input (``absent``, ``valid``, ``invalid``, ...).
    notes : tuple of str
        Disagreements found, in plain words.
    frame_matrix : tuple, optional
        The 2x3 affine from the photo a candid headshot was framed from to
        these very pixels, when the file's own log (XMP) records one made at
        its size (a headshot saved at its frame's size): a later finish
        measures the photo's JPEG block grid through it
        (:func:`candid.finish._jpeg.log_frame`).
    size : (int, int), optional
        The pixels' width and height, with ``frame_matrix``.
    frame_damage : float, optional
        The JPEG block-grid damage the studio measured when it made that
        frame (before a JPEG save could erase it).
    """

    name: str
    ai: str = "none"
    digital_source_type: str | None = None
    watermark_id: str | None = None
    c2pa: str = "absent"
    labelled_id: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    frame_matrix: tuple | None = None
    size: tuple[int, int] | None = None
    frame_damage: float | None = None

    @property
    def labelled(self) -> bool:
        """True when the input carried any provenance label."""
        return bool(self.digital_source_type or self.watermark_id or self.c2pa != "absent")

    def operation(self):
        """The ``provenance.source`` log entry for this input.

        Examples
        --------
        >>> op = SourceProvenance("a.jpg", ai="edited", watermark_id="0badcafe").operation()
        >>> op.stage, op.ai, op.params["watermark_id"]
        ('provenance.source', 'edited', '0badcafe')
        """
        from candid.portrait import Operation

        params = {"file": self.name, "digital_source_type": self.digital_source_type,
                  "watermark_id": self.watermark_id, "c2pa": self.c2pa}
        if self.frame_matrix is not None and self.size is not None:  # these pixels are a headshot's frame
            params.update(frame_matrix=[list(r) for r in self.frame_matrix], size=list(self.size))
            if self.frame_damage is not None:
                params["jpeg_damage"] = self.frame_damage
        return Operation(SOURCE_STAGE, params=params, notes=self.notes, ai=self.ai)


def read_source(path: str | os.PathLike, pixels=None, *, watermark: bool = True) -> SourceProvenance:
    """Read an input file's provenance labels (C2PA, XMP, watermark).

    Never raises for missing or hostile labels: a label that cannot be read
    counts as absent.

    Parameters
    ----------
    path : path
        The input file.
    pixels : ndarray, optional
        Its decoded sRGB pixels, to look for a candid watermark (skipped if None).
    watermark : bool
        Look for the watermark.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.imageio import write_image
    >>> p = write_image("/tmp/candid-source-example.png", np.full((8, 8, 3), 0.5, np.float32))
    >>> read_source(p).ai, read_source(p).labelled
    ('none', False)
    """
    from candid.provenance.c2pa_manifest import C2paInfo, read_c2pa
    from candid.provenance.xmp import read_xmp

    path = Path(path)
    try:
        c2 = read_c2pa(path)
    except Exception as exc:  # noqa: BLE001 - a hostile manifest must never stop reading the image
        c2 = C2paInfo("error", detail=type(exc).__name__)
    try:
        xmp = read_xmp(path)
    except Exception:  # noqa: BLE001
        xmp = None
    wid = None
    if watermark and pixels is not None:
        from candid.provenance.watermark import BLOCK, TILE_COLS, TILE_ROWS, read_watermark

        if min(pixels.shape[:2]) >= min(TILE_ROWS, TILE_COLS) * BLOCK:
            try:
                wid = read_watermark(pixels)[0]
            except Exception:  # noqa: BLE001
                wid = None
    notes: list[str] = []
    xmp_type = getattr(xmp, "digital_source_type", None)
    claims = []
    if c2.status in ("valid", "trusted") and c2.digital_source_type:
        claims.append(c2.digital_source_type)
    if xmp_type:
        claims.append(xmp_type)
    if c2.status == "invalid":
        notes.append("its C2PA manifest does not match the file (changed after signing)")
    levels = [ai_of(t) for t in claims]
    ai = strongest(*levels)
    if c2.status in ("valid", "trusted") and c2.digital_source_type and xmp_type \
            and ai_of(xmp_type) != ai_of(c2.digital_source_type):
        notes.append(f"its XMP says {_term(xmp_type)} but its C2PA manifest says {_term(c2.digital_source_type)}")
    if wid is not None and _RANK[ai] < _RANK["edited"]:
        notes.append("it carries a candid watermark but its metadata is missing or claims no AI; "
                     "taken as AI-edited")
        ai = "edited"
    labelled_id = c2.watermark_id or getattr(xmp, "watermark_id", None)
    if wid and labelled_id and wid != labelled_id:
        notes.append(f"its watermark id {wid} differs from the id in its metadata ({labelled_id})")
    frame = size = frame_damage = None
    if pixels is not None and getattr(xmp, "log", None):
        # a headshot saved at its frame's size: the frame's matrix keeps the photo's block grid findable
        from candid.finish._jpeg import log_frame

        size = (int(pixels.shape[1]), int(pixels.shape[0]))
        m, frame_damage = log_frame(xmp.log, *size)
        frame = None if m is None else tuple(tuple(float(v) for v in row) for row in m)
    return SourceProvenance(name=path.name, ai=ai, digital_source_type=claims[0] if claims else None,
                            watermark_id=wid or labelled_id, c2pa=c2.status, labelled_id=labelled_id,
                            notes=tuple(notes), frame_matrix=frame, size=size if frame is not None else None,
                            frame_damage=frame_damage if frame is not None else None)


def _term(uri: str | None) -> str:
    return str(uri or "nothing").rsplit("/", 1)[-1]


def with_source(portrait, source: SourceProvenance):
    """``portrait`` with ``source``'s log entry in front of its log (nothing else changes).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.portrait import Portrait
    >>> p = with_source(Portrait(np.zeros((4, 4, 3), np.float32)), SourceProvenance("x.png", ai="generated"))
    >>> [op.stage for op in p.log], p.log[0].ai
    (['provenance.source'], 'generated')
    """
    import dataclasses

    return dataclasses.replace(portrait, log=(source.operation(),) + tuple(portrait.log))


def read_portrait(path: str | os.PathLike, *, subject=None, watermark: bool = True, keep_alpha: bool = False,
                  min_side: int = 1, **limits):
    """Decode an input into a :class:`~candid.portrait.Portrait` that carries its provenance.

    Parameters
    ----------
    path : path
        The input image.
    subject : SubjectProfile, optional
    watermark : bool
        Look for a candid watermark in the pixels.
    keep_alpha : bool
        Keep the file's transparency (default: drop it, as the stages expect).
    min_side : int
        Refuse (``BadImageError`` naming the file) images narrower or lower than this.
    **limits
        ``max_pixels`` / ``max_bytes`` for :func:`candid.imageio.read_image`.

    Returns
    -------
    Portrait
        sRGB pixels, ``source`` the file name, log starting with
        a ``provenance.source`` entry.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.imageio import write_image
    >>> p = read_portrait(write_image("/tmp/candid-read-portrait.png", np.zeros((8, 8, 3), np.float32)))
    >>> p.source, p.log[0].stage
    ('candid-read-portrait.png', 'provenance.source')
    """
    from candid.imageio import read_image
    from candid.portrait import Portrait

    path = Path(path)
    loaded = read_image(path, **limits)
    check_min_side(path, loaded.pixels.shape[1], loaded.pixels.shape[0], min_side)
    src = read_source(path, loaded.pixels, watermark=watermark)
    return Portrait(loaded.pixels, alpha=loaded.alpha if keep_alpha else None, source=path.name, subject=subject,
                    log=(src.operation(),))


def check_min_side(path, width: int, height: int, min_side: int) -> None:
    """Refuse an image smaller than ``min_side`` pixels on a side, naming the file.

    Examples
    --------
    >>> check_min_side("dot.png", 1, 1, 16)
    Traceback (most recent call last):
    ...
    candid.errors.BadImageError: dot.png: 1 x 1 pixels is too small to work on
      hint: candid needs at least 16 x 16 pixels
    """
    from candid.errors import BadImageError

    if min(width, height) < min_side:
        raise BadImageError(f"{path}: {width} x {height} pixels is too small to work on",
                            hint=f"candid needs at least {min_side} x {min_side} pixels")


def source_entries(log) -> list:
    """The ``provenance.source`` entries of a log (as dicts or Operations)."""
    out = []
    for op in log or []:
        stage = op.get("stage") if isinstance(op, dict) else getattr(op, "stage", None)
        if stage == SOURCE_STAGE:
            out.append(op)
    return out


__all__ = ["IPTC", "SOURCE_STAGE", "SourceProvenance", "ai_of", "read_portrait", "read_source", "source_entries",
           "strongest", "with_source"]
