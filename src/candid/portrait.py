"""The `Portrait` that flows through every stage, and its operation log.

A stage is a plain function ``Portrait -> Portrait``. It never mutates its
input: it returns a new Portrait whose log has one more :class:`Operation`.
The log is what provenance turns into a C2PA manifest, so it records what was
done in words a person can read, with the settings used.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Literal

import numpy as np

import candid

ColorEncoding = Literal["srgb", "linear"]


@dataclass(frozen=True)
class Operation:
    """One step in a portrait's history.

    Attributes
    ----------
    stage : str
        Stage name, e.g. ``"looks.grain"``.
    params : dict
        The settings the stage ran with (JSON-serialisable).
    notes : tuple of str
        What the stage found or did, in plain words.
    ai : {"none", "edited", "generated"}
        How the stage involved trained models, for the IPTC digital source type.
    at : str
        UTC time, ISO 8601.
    version : str
        candid version that ran the stage.
    """

    stage: str
    params: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    ai: Literal["none", "edited", "generated"] = "none"
    at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    version: str = candid.__version__

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Portrait:
    """An image on its way through candid, with what is known about it.

    Attributes
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 in [0, 1].
    color : {"srgb", "linear"}
        Encoding of ``pixels``.
    alpha : ndarray or None
        ``(H, W)`` float32 coverage, if any.
    face : object or None
        A :class:`candid.face.FaceAnalysis` valid for these pixels, or None.
    subject : object or None
        The :class:`candid.subjects.SubjectProfile` this portrait is of, if known.
    log : tuple of Operation
        Append-only history.
    source : str or None
        Where the pixels first came from (a file name, never a full path).
    matte : ndarray or None
        ``(H, W)`` float32 subject matte of the engine that cut the person out
        (studio), kept for measurement (the scorecard) and the finish; the CLI
        saves it beside the output file (:func:`candid.finish.save_matte`).
        Dropped when the pixel size changes, except by the finish stage,
        which carries it scaled with the pixels.

    Examples
    --------
    >>> import numpy as np
    >>> p = Portrait(np.zeros((8, 8, 3), np.float32))
    >>> q = p.evolve(np.ones((8, 8, 3), np.float32), Operation("demo.fill"))
    >>> len(p.log), len(q.log), float(q.pixels.max())
    (0, 1, 1.0)
    """

    pixels: np.ndarray
    color: ColorEncoding = "srgb"
    alpha: np.ndarray | None = None
    face: Any = None
    subject: Any = None
    log: tuple[Operation, ...] = ()
    source: str | None = None
    matte: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        px = self.pixels
        if not isinstance(px, np.ndarray) or px.ndim != 3 or px.shape[2] != 3:
            raise ValueError(f"Portrait pixels must be an (H, W, 3) array, got {getattr(px, 'shape', type(px))}")
        if px.dtype != np.float32:
            raise ValueError(f"Portrait pixels must be float32, got {px.dtype}")

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    def evolve(
        self,
        pixels: np.ndarray | None,
        operation: Operation,
        *,
        keep_face: bool = False,
        **changes: Any,
    ) -> "Portrait":
        """A new Portrait with new pixels and ``operation`` appended to the log.

        The face analysis is dropped unless ``keep_face`` says the stage kept
        the geometry (colour-only stages), or a new ``face`` is passed.
        """
        if pixels is None:
            pixels = self.pixels
        if pixels.shape[:2] != self.pixels.shape[:2]:
            keep_face = False
            changes.setdefault("alpha", None)
            changes.setdefault("matte", None)
        changes.setdefault("face", self.face if keep_face else None)
        return dataclasses.replace(self, pixels=pixels, log=self.log + (operation,), **changes)
