"""A content-addressed result store with a journal, inside the batch output folder.

Layout of ``OUT/``::

    OUT/<output names>                 finished portraits (hard links to signed objects)
    OUT/<output name>.matte.png        a studio portrait's matte sidecar (hard link to its object)
    OUT/batch-report.json              the last run's summary
    OUT/.candid-batch/objects/ab/<key>.jpg   one file per content key (deterministic, unsigned)
    OUT/.candid-batch/objects/ab/<key>.jpg.matte.png   its matte, if the recipe cut the person out
    OUT/.candid-batch/signed/ab/<key>.jpg    the same with its C2PA manifest (signed once)
    OUT/.candid-batch/results/<key>.json     what the run found (scores, timings)
    OUT/.candid-batch/journal.jsonl          one line per event, append-only

Every file is written to a temporary name and renamed, object first, then its
matte, then its result, then the journal line: a crash at any point leaves
either a finished result or nothing, and a re-run finishes what is missing.

A studio portrait's matte sidecar (:mod:`candid.finish._saved_matte`) is bound
to the pixels by their SHA-256, which C2PA signing does not change, so one
sidecar serves the object and its signed copy. Publishing removes the old
sidecar (one candid wrote) before it replaces an output, and links the new one
after the output: a kill at any point leaves an output with its own sidecar or
with none, never with another run's. Only the process that
runs the batch writes here (workers return bytes), so there is one writer.

Objects are the same bytes for the same inputs and recipe (no signing time,
no random ids), which is what resuming and comparing backends rely on. A
C2PA signature is not reproducible (it carries a signing time and a random
instance id), so the published outputs are a signed copy of the object, made
once per key and reused by every row and re-run.

Publishing never writes outside ``OUT`` (a symlinked folder or file inside
it is refused) and never over one of the batch's input files.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from candid.batch.manifest import output_name_problem
from candid.files import atomic_write_bytes

STORE_DIR = ".candid-batch"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class ResultStore:
    """Content-addressed outputs and a JSONL journal under ``out_dir``.

    Parameters
    ----------
    out_dir : str or Path
        The batch output folder (created if missing).

    Examples
    --------
    >>> import tempfile
    >>> store = ResultStore(tempfile.mkdtemp())
    >>> key = "ab" * 32
    >>> store.has(key)
    False
    >>> _ = store.put(key, ".jpg", b"jpeg bytes", {"ok": True})
    >>> store.has(key), store.publish(key, ".jpg", "team/a.jpg").read_bytes()
    (True, b'jpeg bytes')
    """

    def __init__(self, out_dir: str | os.PathLike):
        self.out_dir = Path(out_dir)
        self.root = self.out_dir / STORE_DIR
        (self.root / "objects").mkdir(parents=True, exist_ok=True)
        (self.root / "results").mkdir(parents=True, exist_ok=True)
        self.journal_path = self.root / "journal.jsonl"

    def sweep(self) -> list[Path]:
        """Remove temp files killed runs left in the output folder and the store (:func:`candid.files.sweep_temp`)."""
        from candid.files import sweep_temp

        folders = [self.out_dir, self.root / "results"]
        for sub in ("objects", "signed"):
            base = self.root / sub
            folders += [d for d in base.iterdir() if d.is_dir()] if base.is_dir() else []
        return [p for f in folders for p in sweep_temp(f)]

    @staticmethod
    def _check_key(key: str) -> str:
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            raise ValueError(f"not a content key: {key!r}")
        return key

    def object_path(self, key: str, suffix: str) -> Path:
        """Where the output for ``key`` lives."""
        key = self._check_key(key)
        return self.root / "objects" / key[:2] / f"{key}{suffix}"

    def result_path(self, key: str) -> Path:
        """Where the result record for ``key`` lives."""
        return self.root / "results" / f"{self._check_key(key)}.json"

    def matte_path(self, key: str, suffix: str) -> Path:
        """Where the matte sidecar of ``key``'s output lives (if it has one)."""
        from candid.finish._saved_matte import sidecar_path

        return sidecar_path(self.object_path(key, suffix))

    def has(self, key: str, suffix: str | None = None) -> bool:
        """True when ``key`` has a finished output and result record (and its matte, if the record says so)."""
        rp = self.result_path(key)
        if not rp.is_file():
            return False
        rec = self.result(key) or {}
        if suffix is None:
            suffix = rec.get("suffix", "")
        if rec.get("matte") and not self.matte_path(key, suffix).is_file():
            return False
        return self.object_path(key, suffix).is_file()

    def result(self, key: str) -> dict[str, Any] | None:
        """The stored result record of ``key``, or None."""
        try:
            return json.loads(self.result_path(key).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def put(self, key: str, suffix: str, data: bytes, record: dict[str, Any], matte: bytes | None = None) -> Path:
        """Store an output, its matte sidecar (if any) and its record, atomically (object, matte, record)."""
        path = atomic_write_bytes(self.object_path(key, suffix), data)
        os.chmod(path, 0o644)  # outputs are for sharing; temp files start private
        if matte is not None:
            os.chmod(atomic_write_bytes(self.matte_path(key, suffix), matte), 0o644)
        record = {**record, "matte": matte is not None}
        text = json.dumps({**record, "key": key, "suffix": suffix}, indent=1, sort_keys=True, default=str)
        atomic_write_bytes(self.result_path(key), text.encode("utf-8"))
        return path

    def signed_path(self, key: str, suffix: str) -> Path:
        """Where the signed copy of ``key``'s object lives."""
        key = self._check_key(key)
        return self.root / "signed" / key[:2] / f"{key}{suffix}"

    def sign(self, key: str, suffix: str, signer, ingredients=()) -> Path:
        """The signed copy of ``key``'s object (C2PA manifest from its XMP log), made once, atomically.

        The stage log and watermark id come from the object's own XMP, so the
        manifest says exactly what the file's labels say.
        """
        from candid.provenance import read_xmp, sign_c2pa

        dst = self.signed_path(key, suffix)
        if dst.is_file():
            return dst
        src = self.object_path(key, suffix)
        info = read_xmp(src)
        log = (info.log if info and info.log else [])
        dst.parent.mkdir(parents=True, exist_ok=True)
        sign_c2pa(src, dst, log, signer, watermark_id=info.watermark_id if info else None,
                  ingredients=ingredients, title=f"candid batch output {key[:12]}{suffix}")
        os.chmod(dst, 0o644)
        return dst

    def publish(self, key: str, suffix: str, name: str, *, signed: bool = False, protect=()) -> Path:
        """Make the object for ``key`` appear as ``OUT/name`` (hard link, else copy), atomically.

        A studio output's matte appears beside it as ``OUT/name.matte.png``
        (see the module's notes on the order); an output without one removes
        a sidecar candid wrote there for an earlier output.

        Parameters
        ----------
        signed : bool
            Publish the signed copy (see :meth:`sign`, which must have run).
        protect : iterable of path
            Files that must never be replaced (the batch's inputs).

        Raises
        ------
        ValueError
            A bad name, a destination outside ``OUT`` through a symlink, or
            one of the protected files.
        """
        from candid.finish._saved_matte import SIDECAR_SUFFIX, discard_matte

        problem = output_name_problem(name) or destination_problem(self.out_dir, name, protect)
        if problem:
            raise ValueError(f"output name {name!r}: {problem}")
        src = self.signed_path(key, suffix) if signed else self.object_path(key, suffix)
        matte = self.matte_path(key, suffix)
        matte = matte if matte.is_file() else None
        dst = self.out_dir / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        for n in (name, name + SIDECAR_SUFFIX) if matte is not None else (name,):
            problem = destination_problem(self.out_dir, n, protect)  # again, now the folders exist
            if problem:
                raise ValueError(f"output name {n!r}: {problem}")
        if not _same_file(src, dst):
            discard_matte(dst)  # first: the new output is never seen beside the old one's matte
            _link(src, dst)
        if matte is not None:
            _link(matte, self.out_dir / (name + SIDECAR_SUFFIX))
        else:
            discard_matte(dst)
        return dst

    def journal(self, event: str, **fields: Any) -> None:
        """Append one event line to the journal (flushed and fsynced)."""
        line = json.dumps({"at": _now(), "event": event, **fields}, sort_keys=True, default=str) + "\n"
        with open(self.journal_path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    def read_journal(self) -> Iterator[dict[str, Any]]:
        """Every complete journal event, oldest first (a torn last line is skipped)."""
        if not self.journal_path.exists():
            return
        with open(self.journal_path, encoding="utf-8") as fh:
            for line in fh:
                if line.endswith("\n"):
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError:
                        continue


def _same_file(a: Path, b: Path) -> bool:
    try:
        return b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _link(src: Path, dst: Path) -> None:
    """``dst`` becomes ``src`` (a hard link, else a copy), atomically; nothing if it already is."""
    if _same_file(src, dst):
        return
    from candid.files import atomic_path

    with atomic_path(dst, suffix=".link") as tmp:
        tmp.unlink()  # the link takes the temporary name
        try:
            os.link(src, tmp)
        except OSError:  # other file system, or no hard links: copy
            atomic_write_bytes(tmp, src.read_bytes())


def destination_problem(out_dir: str | os.PathLike, name: str, protect=()) -> str | None:
    """Why ``OUT/name`` must not be written, or None.

    It must stay inside ``OUT`` after following symlinks, must not itself be
    a symlink, and must not be one of the ``protect`` files (the inputs).

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> (out / "in.jpg").write_bytes(b"x")
    1
    >>> destination_problem(out, "in.jpg", [out / "in.jpg"])
    'it is one of the inputs; a batch never writes over an input'
    >>> destination_problem(out, "new.jpg", [out / "in.jpg"]) is None
    True
    """
    out = Path(os.path.realpath(out_dir))
    dst = Path(out_dir) / name
    if dst.is_symlink():
        return "it is a symbolic link; a batch does not write through links"
    real = Path(os.path.realpath(dst))
    if real != out and out not in real.parents:
        return f"a symbolic link in its folder leads outside the output folder ({real.parent.name}/)"
    for p in protect or ():
        try:
            if Path(os.path.realpath(p)) == real or (real.exists() and os.path.samefile(p, real)):
                return "it is one of the inputs; a batch never writes over an input"
        except OSError:
            continue
    return None


__all__ = ["STORE_DIR", "ResultStore", "destination_problem"]
