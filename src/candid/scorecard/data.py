"""The data folder (laid out like ``../shared/data``), subsampling and a decode cache."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: File endings read as images.
IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".heic", ".heif", ".avif")


def _images(folder: Path, *, recursive: bool = True) -> list[Path]:
    if not folder.is_dir():
        return []
    it = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(p for p in it if p.is_file() and p.suffix.lower() in IMAGE_EXTS)


def subsample(items: list, limit: int | None) -> list:
    """At most ``limit`` items, evenly spaced over the sorted list (all when ``limit`` is None).

    Examples
    --------
    >>> subsample(list(range(10)), 3)
    [0, 4, 9]
    >>> subsample([1, 2], None)
    [1, 2]
    """
    if limit is None or limit >= len(items):
        return list(items)
    if limit <= 0:
        return []
    idx = np.unique(np.linspace(0, len(items) - 1, limit).round().astype(int))
    return [items[i] for i in idx]


@dataclass
class Dataset:
    """What a data folder holds; any part may be missing (then empty).

    Attributes
    ----------
    root : Path
    real : list of Path
        Every image under ``real/`` (recursively).
    people : dict of str to list of Path
        ``real/people/<name>/`` folders: one person each.
    portraits : list of Path
        ``real/portraits`` and ``real/people`` images.
    old : list of Path
    ai : list of Path
    """

    root: Path
    real: list[Path] = field(default_factory=list)
    people: dict[str, list[Path]] = field(default_factory=dict)
    portraits: list[Path] = field(default_factory=list)
    old: list[Path] = field(default_factory=list)
    ai: list[Path] = field(default_factory=list)
    _cache: OrderedDict = field(default_factory=OrderedDict, repr=False)

    @classmethod
    def scan(cls, root: str | Path) -> "Dataset":
        """Read the layout of ``root``.

        Examples
        --------
        >>> import tempfile
        >>> Dataset.scan(tempfile.mkdtemp()).real
        []
        """
        root = Path(root)
        people_dir = root / "real" / "people"
        people = {}
        if people_dir.is_dir():
            for d in sorted(p for p in people_dir.iterdir() if p.is_dir()):
                photos = _images(d)
                if photos:
                    people[d.name] = photos
        portraits = _images(root / "real" / "portraits") + [p for ps in people.values() for p in ps]
        return cls(root=root, real=_images(root / "real"), people=people, portraits=sorted(portraits),
                   old=_images(root / "old"), ai=_images(root / "ai"))

    def name(self, path: Path) -> str:
        """The path relative to the data folder (what the report shows)."""
        try:
            return str(Path(path).relative_to(self.root))
        except ValueError:
            return Path(path).name

    def each(self, paths, failures: list, max_side: int | None = None):
        """``(path, name, pixels)`` for every path that decodes; one that does not is added to
        ``failures`` as ``(name, "read: ...")`` and skipped (the sections' one reading loop).

        Examples
        --------
        >>> import tempfile
        >>> d = Dataset.scan(tempfile.mkdtemp()); failed = []
        >>> list(d.each([d.root / "missing.jpg"], failed)), failed[0][0]
        ([], 'missing.jpg')
        """
        from candid.scorecard.sheets import attempt

        for path in paths:
            name = self.name(path)
            px, err = attempt(lambda: self.load(path, max_side))
            if err:
                failures.append((name, f"read: {err}"))
                continue
            yield path, name, px

    def load(self, path: str | Path, max_side: int | None = None) -> np.ndarray:
        """Decoded sRGB float32 pixels (``candid.imageio.read_image``), optionally shrunk (area) so the
        long side is at most ``max_side``; the last 48 results are cached."""
        key = (str(path), max_side)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        if max_side is None:
            from candid.imageio import read_image

            px = read_image(path).pixels
        else:
            px = shrink(self.load(path), max_side)
        self._cache[key] = px
        while len(self._cache) > 48:
            self._cache.popitem(last=False)
        return px


def shrink(pixels: np.ndarray, max_side: int) -> np.ndarray:
    """Area-resample so the long side is at most ``max_side`` (unchanged when already smaller).

    Examples
    --------
    >>> shrink(np.zeros((100, 50, 3), np.float32), 40).shape
    (40, 20, 3)
    """
    import cv2

    h, w = pixels.shape[:2]
    s = max_side / max(h, w)
    if s >= 1:
        return pixels
    size = (max(1, round(w * s)), max(1, round(h * s)))
    return cv2.resize(np.ascontiguousarray(pixels), size, interpolation=cv2.INTER_AREA).astype(np.float32)
