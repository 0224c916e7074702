"""Atomic file writes for non-image outputs (JSON reports, HTML, profiles), and temp-file hygiene.

Every temporary file candid makes beside an output is hidden and carries the
writing process's id (``candid-<pid>-``, see :func:`temp_tag`). Python removes
it on every exit path it sees (``finally`` blocks; the CLI turns SIGTERM into
a normal exit); what a ``kill -9`` leaves is removed by :func:`sweep_temp` the
next time candid writes to that folder: tagged files whose process is gone,
and untagged candid temp names older than an hour.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

#: Temp names that carry a process id: ``.candid-<pid>-...`` or ``.<name>.candid-<pid>-...``.
_TAGGED = re.compile(r"^\..*candid-(?:[a-z]+-)?(\d+)-")
#: Untagged temp names of older candid versions (mkstemp's 8 random characters).
_LEGACY = [re.compile(p) for p in (
    r"^\.candid-[A-Za-z0-9_]{8}$",                             # label_and_write's signing folder
    r"^\..+\.[A-Za-z0-9_]{8}\.part(\.[A-Za-z0-9]+)?$",          # atomic writes
    r"^\..+\.[A-Za-z0-9_]{8}\.c2pa\.[A-Za-z0-9]+$",              # C2PA signing
    r"^\..+\.[A-Za-z0-9_]{8}\.(tif|raw)$",                      # finish's streamed strips
    r"^\..+\.\d+\.link$",                                      # batch publishing
)]


def temp_tag(kind: str = "") -> str:
    """The tag this process puts in its temporary names, e.g. ``candid-4242-``.

    Examples
    --------
    >>> import os
    >>> temp_tag() == f"candid-{os.getpid()}-", temp_tag("finish") == f"candid-finish-{os.getpid()}-"
    (True, True)
    """
    return f"candid-{kind + '-' if kind else ''}{os.getpid()}-"


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_temp(folder: str | os.PathLike, *, legacy_age: float = 3600.0) -> list[Path]:
    """Remove candid temp files a killed process left in ``folder`` (not recursive).

    A tagged name goes when its process no longer runs; an untagged candid
    temp name when it is older than ``legacy_age`` seconds. Nothing else is
    touched. Returns what was removed.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / ".photo.jpg.candid-999999999-x1y2.part.jpg").write_bytes(b"half")
    >>> _ = (d / f".photo.jpg.{temp_tag()}x1y2.part.jpg").write_bytes(b"running")
    >>> [p.name for p in sweep_temp(d)]
    ['.photo.jpg.candid-999999999-x1y2.part.jpg']
    """
    folder = Path(folder)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        name = entry.name
        if not name.startswith("."):
            continue
        m = _TAGGED.match(name)
        if m:
            stale = not _alive(int(m.group(1)))
        elif any(r.match(name) for r in _LEGACY):
            try:
                stale = now - entry.stat(follow_symlinks=False).st_mtime > legacy_age
            except OSError:
                continue
        else:
            continue
        if not stale:
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


@contextmanager
def atomic_path(path: str | os.PathLike, *, suffix: str = ".part") -> Iterator[Path]:
    """A hidden temporary path beside ``path`` that replaces ``path`` when the block ends without error.

    The one temp-file-then-rename of candid: writers that need a file name
    (libvips, c2pa, a copy) write to the yielded path; on an error it is
    removed and ``path`` is left as it was. The name carries :func:`temp_tag`,
    so what a killed process leaves is swept (:func:`sweep_temp`). Give a
    ``suffix`` ending in the real extension when the writer picks the format
    by it (``".part.jpg"``).

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp()) / "report.txt"
    >>> with atomic_path(out) as tmp:
    ...     _ = tmp.write_text("done")
    >>> out.read_text(), [p.name for p in out.parent.iterdir()]
    ('done', ['report.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{temp_tag()}", suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` so the file is complete or absent, never half-written.

    Examples
    --------
    >>> atomic_write_bytes("/tmp/candid-example.txt", b"ok").read_bytes()
    b'ok'
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path


def to_jsonable(obj: Any) -> Any:
    """Convert numpy scalars/arrays and paths inside ``obj`` to plain JSON types."""
    import numpy as np

    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (np.floating, np.integer, np.bool_)):
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    return obj


def write_json(path: str | os.PathLike, data: Any) -> Path:
    """Write ``data`` as indented JSON, atomically."""
    text = json.dumps(to_jsonable(data), indent=2, ensure_ascii=False)
    return atomic_write_bytes(path, text.encode("utf-8"))
