"""The local subject library: SQLite for records, a folder per subject for photos.

Layout under the library root::

    candid.sqlite               subjects, consent records, photo analyses
    subjects/<id>/photos/       the reference files, byte for byte
    subjects/<id>/derived/      caches made from them (e.g. quirk map)
    .lock                       one writer at a time (``fcntl.flock``)

Folders are named by a random id, never by the person's name, so names cannot
escape the library (path traversal) and do not appear in file names.

Writes survive concurrency and kills: every enrolment and deletion holds the
library's lock, re-checks names and duplicates under it, copies photos to a
temporary name, fsyncs and renames them (a photo already present with the
same hash is reused, never rewritten), and commits all rows in one SQLite
transaction. Anything a killed process leaves behind (``.part`` files,
photos without a row, folders of subjects never committed) is swept the
next time the library is opened.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from candid.errors import ConsentError, SubjectConflictError, SubjectError
from candid.subjects.enroll import AnalyzedPhoto, analyze_all, check_batch
from candid.subjects.migrate import migrate_subject
from candid.subjects.profile import (
    CONSENT_KINDS,
    ConsentRecord,
    PhotoRecord,
    SubjectProfile,
    summarize_photos,
)
from candid.subjects.quirks import find_quirks

_NAME = re.compile(r"^[^\W_][\w .'\-]{0,63}$", re.UNICODE)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS subjects (
    id TEXT PRIMARY KEY, name TEXT UNIQUE NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS consent (
    subject_id TEXT PRIMARY KEY REFERENCES subjects(id) ON DELETE CASCADE,
    kind TEXT NOT NULL, given_by TEXT NOT NULL, relation TEXT NOT NULL, purpose TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS photos (
    subject_id TEXT NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL, pixel_sha256 TEXT NOT NULL, stored_name TEXT NOT NULL, original_name TEXT NOT NULL,
    width INTEGER, height INTEGER, embedding BLOB NOT NULL, landmarks BLOB NOT NULL,
    geometry TEXT NOT NULL, texture TEXT NOT NULL, quality TEXT NOT NULL, marks TEXT NOT NULL,
    grey_hair TEXT NOT NULL, added_at TEXT NOT NULL, date_hint TEXT,
    PRIMARY KEY (subject_id, sha256));
"""


def default_library_path() -> Path:
    """``$CANDID_LIBRARY`` if set, else the user's data folder (e.g. ~/.local/share/candid/library)."""
    env = os.environ.get("CANDID_LIBRARY")
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("candid", appauthor=False)) / "library"


def validate_name(name: str) -> str:
    """Check a subject name: 1-64 letters, digits, spaces, ``.'-``, starting with a letter or digit.

    Examples
    --------
    >>> validate_name("  Ada Lovelace ")
    'Ada Lovelace'
    """
    clean = name.strip()
    if not _NAME.match(clean) or ".." in clean:
        raise SubjectError(f"invalid subject name {name!r}",
                           hint="use 1-64 letters, digits, spaces, dots, apostrophes or dashes, "
                                "starting with a letter or digit")
    return clean


def make_consent(kind: str | None, given_by: str | None, relation: str | None, purpose: str | None,
                 subject_name: str) -> ConsentRecord:
    """Build and check a consent record; refuse when it is missing or incomplete."""
    if not kind:
        raise ConsentError(f"no consent record for {subject_name!r}: candid does not enroll a person without one",
                           hint="pass --consent self|family|deceased-relative|other "
                                "(and --consent-by NAME --relation REL unless it is yourself)")
    if kind not in CONSENT_KINDS:
        raise ConsentError(f"unknown consent kind {kind!r}", hint=f"use one of: {', '.join(CONSENT_KINDS)}")
    if kind == "self":
        given_by, relation = given_by or subject_name, relation or "self"
    elif not given_by or not relation:
        raise ConsentError(f"consent '{kind}' needs who gave it and their relation to {subject_name!r}",
                           hint="pass --consent-by 'Your Name' --relation daughter (for example)")
    return ConsentRecord(kind=kind, given_by=given_by.strip(), relation=relation.strip(),
                         purpose=(purpose or "portraits of this person made with candid").strip(),
                         at=datetime.now(timezone.utc).isoformat(timespec="seconds"))


@dataclass(frozen=True)
class SubjectSummary:
    id: str
    name: str
    n_photos: int
    consent: str
    created_at: str


@dataclass(frozen=True)
class DeletionReport:
    """What `delete` removed, and the proof nothing of it remains."""

    name: str
    id: str
    files_removed: int
    photos_removed: int
    leftovers: list[str]


class Library:
    """A folder of subjects.

    Parameters
    ----------
    root : path-like, optional
        Library folder; :func:`default_library_path` if omitted.

    Examples
    --------
    >>> lib = Library("/tmp/candid-doc-library")
    >>> [s.name for s in lib.subjects()]  # doctest: +SKIP
    []
    """

    #: Seconds a writer waits for another process's enrolment or deletion to finish.
    LOCK_TIMEOUT = 120.0

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root is not None else default_library_path()
        self._swept = False

    @property
    def db_path(self) -> Path:
        return self.root / "candid.sqlite"

    @contextlib.contextmanager
    def _locked(self, *, wait: bool = True):
        """Hold the library's exclusive lock (one writer at a time, across processes).

        Yields True when the lock is held; with ``wait=False`` yields False at
        once if another process holds it. The kernel drops the lock when its
        holder dies, even by ``kill -9``.
        """
        import fcntl
        import time

        self.root.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)
        fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        held = False
        try:
            deadline = time.monotonic() + self.LOCK_TIMEOUT
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    held = True
                    break
                except BlockingIOError:
                    if not wait:
                        break
                    if time.monotonic() > deadline:
                        raise SubjectError("the subject library is busy: another candid process is writing to it",
                                           hint="wait for it to finish and try again") from None
                    time.sleep(0.05)
            yield held
        finally:
            if held:
                fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def sweep(self) -> list[str]:
        """Remove what killed processes left: partial copies, unreferenced photos, uncommitted subjects.

        Runs once per :class:`Library` object when it is first opened, only
        if no other process is writing (it never waits). Returns the removed
        paths relative to the library root (for tests and logs).
        """
        removed: list[str] = []
        base = self.root / "subjects"
        if not self.db_path.exists() and not base.exists():
            return removed
        with self._locked(wait=False) as held:
            if not held:
                return removed
            with closing(self._raw_connect()) as con:
                known = {r[0] for r in con.execute("SELECT id FROM subjects")}
                files = {(r[0], r[1]) for r in con.execute("SELECT subject_id, stored_name FROM photos")}
            if not base.is_dir():
                return removed
            for folder in base.iterdir():
                if not folder.is_dir() or folder.is_symlink():
                    continue
                if folder.name not in known:
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(f"subjects/{folder.name}/")
                    continue
                photos = folder / "photos"
                for f in photos.iterdir() if photos.is_dir() else []:
                    if f.is_file() and (folder.name, f.name) not in files:
                        f.unlink(missing_ok=True)
                        removed.append(f"subjects/{folder.name}/photos/{f.name}")
        if removed:
            _fsync_dir(base)
        return removed

    def _connect(self) -> sqlite3.Connection:
        con = self._raw_connect()
        if not self._swept:
            self._swept = True
            try:
                self.sweep()
            except OSError:  # a read-only library is still readable
                pass
        return con

    def _raw_connect(self) -> sqlite3.Connection:
        self.root.mkdir(parents=True, exist_ok=True)
        # Faces are biometric data: the library is readable by its owner only.
        os.chmod(self.root, 0o700)
        con = sqlite3.connect(self.db_path, isolation_level=None, timeout=self.LOCK_TIMEOUT)
        con.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten with zeros, so a deleted face is not
        # left behind in free pages of the database file.
        con.execute("PRAGMA secure_delete = ON")
        con.execute("PRAGMA journal_mode = DELETE")
        con.executescript(_SCHEMA)
        return con

    def subject_dir(self, subject_id: str) -> Path:
        return self.root / "subjects" / subject_id

    # -- reading ---------------------------------------------------------
    def subjects(self) -> list[SubjectSummary]:
        """All subjects, by name."""
        if not self.db_path.exists():
            return []
        with closing(self._connect()) as con:
            rows = con.execute(
                "SELECT s.id, s.name, COUNT(p.sha256), c.kind, s.created_at FROM subjects s "
                "LEFT JOIN photos p ON p.subject_id = s.id LEFT JOIN consent c ON c.subject_id = s.id "
                "GROUP BY s.id ORDER BY s.name").fetchall()
        return [SubjectSummary(*r) for r in rows]

    def _subject_id(self, con: sqlite3.Connection, name: str) -> str | None:
        row = con.execute("SELECT id FROM subjects WHERE name = ?", (name.strip(),)).fetchone()
        return row[0] if row else None

    def profile(self, name: str) -> SubjectProfile:
        """The profile of a subject.

        Raises
        ------
        SubjectError
            No subject of that name.
        """
        if not self.db_path.exists():
            raise self._unknown(name, [])
        with closing(self._connect()) as con:
            sid = self._subject_id(con, name)
            if sid is None:
                raise self._unknown(name, [r[0] for r in con.execute("SELECT name FROM subjects ORDER BY name")])
            migrate_subject(con, sid, self.subject_dir(sid) / "photos")  # old landmarks: re-analyse, one message
            real_name = con.execute("SELECT name FROM subjects WHERE id = ?", (sid,)).fetchone()[0]
            consent = ConsentRecord(*con.execute(
                "SELECT kind, given_by, relation, purpose, at FROM consent WHERE subject_id = ?", (sid,)).fetchone())
            rows = con.execute(
                "SELECT sha256, pixel_sha256, stored_name, original_name, width, height, embedding, landmarks, "
                "geometry, texture, quality, added_at, date_hint, marks, grey_hair FROM photos "
                "WHERE subject_id = ? ORDER BY added_at, sha256", (sid,)).fetchall()
        photos, marks, grey = [], [], []
        for r in rows:
            photos.append(PhotoRecord(
                sha256=r[0], pixel_sha256=r[1], stored_name=r[2], original_name=r[3], width=r[4], height=r[5],
                embedding=np.frombuffer(r[6], np.float32).copy(),
                landmarks=np.frombuffer(r[7], np.float32).reshape(68, 2).copy(),
                geometry=json.loads(r[8]), texture=json.loads(r[9]), quality=json.loads(r[10]),
                added_at=r[11], date_hint=r[12]))
            marks.append(np.asarray(json.loads(r[13]), np.float64).reshape(-1, 3))
            grey.append(np.asarray(json.loads(r[14]), np.float64))
        geometry, texture = summarize_photos(photos)
        quirks = find_quirks(marks, grey, [p.geometry["smile_tilt"] for p in photos])
        return SubjectProfile(id=sid, name=real_name, consent=consent, photos=photos,
                              geometry=geometry, texture=texture, quirks=quirks)

    @staticmethod
    def _unknown(name: str, known: list[str]) -> SubjectError:
        hint = f"known subjects: {', '.join(known)}" if known else "enroll them first: candid enroll NAME PHOTOS... --consent self"
        return SubjectError(f"unknown subject {name!r}", hint=hint)

    def photo_path(self, profile: SubjectProfile, photo: PhotoRecord) -> Path:
        return self.subject_dir(profile.id) / "photos" / photo.stored_name

    # -- writing ---------------------------------------------------------
    def enroll(
        self,
        name: str,
        photos: list[str | os.PathLike],
        *,
        consent: ConsentRecord | None,
        face_index: int | None = None,
        date_hint: str | None = None,
        on_photo=None,
    ) -> SubjectProfile:
        """Add a subject (or more photos of one) to the library, all or nothing.

        Every photo is analysed and checked (readable, one usable face,
        quality gate, not a duplicate, the same person as the others) before
        anything is written; any problem raises and leaves the library as it was.

        Parameters
        ----------
        name : str
            The subject's name.
        photos : list of path-like
            Reference photos.
        consent : ConsentRecord or None
            Required for a new subject (see :func:`make_consent`); ignored
            when adding photos to an existing subject.
        face_index : int, optional
            Which face to use in photos with several (0 = largest).
        date_hint : str, optional
            When the photos were taken (e.g. "1962"), to keep ages apart.
        on_photo : callable, optional
            Progress callback ``on_photo(i, n, filename)``.

        Returns
        -------
        SubjectProfile
        """
        name = validate_name(name)
        if not photos:
            raise SubjectError("no photos given", hint="pass one or more reference photos")
        with closing(self._connect()) as con:
            sid = self._subject_id(con, name)
        existing = self.profile(name).photos if sid else []
        if sid is None and consent is None:
            make_consent(None, None, None, None, name)  # raises the missing-consent error
        analysed = analyze_all([Path(p) for p in photos], face_index=face_index, date_hint=date_hint,
                               on_photo=on_photo)
        check_batch(analysed, existing)
        # Analysis is slow and runs unlocked; what another process may have
        # changed meanwhile (a new subject of this name, the same photos) is
        # checked again under the lock, then stored in one transaction.
        with self._locked():
            with closing(self._raw_connect()) as con:
                now = self._subject_id(con, name)
            if sid is None and now is not None:
                raise SubjectConflictError(
                    f"a subject named {name!r} was enrolled by another candid process just now",
                    hint="run the command again to add these photos to it, or choose another name")
            if now != sid:
                raise SubjectConflictError(f"subject {name!r} changed while these photos were analysed",
                                           hint="run the command again")
            if sid is not None:
                check_batch(analysed, self.profile(name).photos)
            self._store(name, sid, consent, analysed)
        return self.profile(name)

    def _store(self, name: str, sid: str | None, consent: ConsentRecord | None, analysed: list[AnalyzedPhoto]) -> None:
        """Copy the photos (durably, reusing identical ones) and add all rows in one transaction.

        Called with the library lock held. On any failure the rows are rolled
        back and only the files this call created are removed.
        """
        new_subject = sid is None
        sid = sid or uuid.uuid4().hex
        folder = self.subject_dir(sid) / "photos"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder.parent, 0o700)
        created: list[Path] = []
        con = self._raw_connect()
        try:
            for photo in analysed:
                target = folder / photo.record.stored_name
                if _durable_copy(photo.path, target, photo.record.sha256):
                    created.append(target)
            _fsync_dir(folder)
            con.execute("BEGIN IMMEDIATE")
            if new_subject:
                assert consent is not None
                con.execute("INSERT INTO subjects (id, name, created_at) VALUES (?, ?, ?)",
                            (sid, name, datetime.now(timezone.utc).isoformat(timespec="seconds")))
                con.execute("INSERT INTO consent VALUES (?, ?, ?, ?, ?, ?)",
                            (sid, consent.kind, consent.given_by, consent.relation, consent.purpose, consent.at))
            for photo in analysed:
                rec = photo.record
                con.execute(
                    "INSERT INTO photos VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (sid, rec.sha256, rec.pixel_sha256, rec.stored_name, rec.original_name, rec.width, rec.height,
                     rec.embedding.astype(np.float32).tobytes(), rec.landmarks.astype(np.float32).tobytes(),
                     json.dumps(rec.geometry), json.dumps(rec.texture), json.dumps(rec.quality),
                     json.dumps(photo.marks.tolist()), json.dumps(photo.grey_hair.tolist()),
                     rec.added_at, rec.date_hint))
            con.execute("COMMIT")
        except BaseException as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            for path in created:
                path.unlink(missing_ok=True)
            if new_subject:
                shutil.rmtree(self.subject_dir(sid), ignore_errors=True)
            if isinstance(exc, sqlite3.IntegrityError):
                raise SubjectConflictError(
                    f"cannot enroll {name!r}: the library already has this subject or these photos ({exc})",
                    hint="nothing was added; see what is there with: candid subjects list") from None
            raise
        finally:
            con.close()

    def delete(self, name: str) -> DeletionReport:
        """Erase a subject: photos, analyses, embeddings, consent and derived files.

        The database is vacuumed (with ``secure_delete`` on), then the library
        folder is searched for the subject's id, name and photo hashes; any hit
        is reported in ``leftovers`` (it should always be empty).
        """
        with self._locked():
            profile = self.profile(name)
            folder = self.subject_dir(profile.id)
            files = [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
            with closing(self._raw_connect()) as con:
                con.execute("DELETE FROM subjects WHERE id = ?", (profile.id,))
                con.execute("VACUUM")
            shutil.rmtree(folder, ignore_errors=True)
            leftovers = self._traces_of(profile)
        return DeletionReport(name=profile.name, id=profile.id, files_removed=len(files),
                              photos_removed=len(profile.photos), leftovers=leftovers)


    def _traces_of(self, profile: SubjectProfile) -> list[str]:
        """Where a deleted subject can still be found, searched in the right scope.

        Long unique needles (the random id, photo hashes, embedding bytes) are
        searched in every byte of the library. The *name* is different: a short
        name ("Al") occurs by chance in any photo or float array, and another
        subject may legitimately be called "Alan" or have "Al" as consent
        giver. So the name is looked up exactly in the subjects table, and
        searched as bytes only when it is at least 8 bytes long, outside the
        other subjects' folders, and in the database file only when no other
        record legitimately contains it. A photo enrolled for another subject
        too is not a trace either.
        """
        with closing(self._raw_connect()) as con:
            hits = []
            if con.execute("SELECT COUNT(*) FROM subjects WHERE name = ? OR id = ?",
                           (profile.name, profile.id)).fetchone()[0]:
                hits.append(f"{self.db_path} (the subject's row)")
            others = {r[0] for r in con.execute("SELECT id FROM subjects")}
            shared = {r[0] for r in con.execute("SELECT sha256 FROM photos")}  # the same photo, another subject
            texts = [t for row in con.execute(
                "SELECT s.name, c.given_by, c.relation, c.purpose FROM subjects s LEFT JOIN consent c "
                "ON c.subject_id = s.id") for t in row if t] + \
                [r[0] for r in con.execute("SELECT original_name FROM photos")]
        mine = [p for p in profile.photos if p.sha256 not in shared]
        unique = [profile.id] + [p.sha256 for p in mine] + [p.embedding.astype(np.float32).tobytes()[:64] for p in mine]
        hits += find_traces(self.root, unique)
        if len(profile.name.encode("utf-8")) >= 8:
            raw = profile.name.encode("utf-8")
            legit_in_db = any(profile.name in t for t in texts)  # e.g. "Keeper Person Jr", a consent giver
            for path in self.root.rglob("*"):
                if not path.is_file() or _inside_any(path, self.root / "subjects", others):
                    continue
                if path == self.db_path and legit_in_db:
                    continue
                if raw in path.read_bytes():
                    hits.append(str(path))
        return sorted(set(hits))


def _inside_any(path: Path, base: Path, ids: set[str]) -> bool:
    try:
        rel = path.relative_to(base)
    except ValueError:
        return False
    return bool(rel.parts) and rel.parts[0] in ids


def _fsync_dir(folder: Path) -> None:
    """Make renames in ``folder`` durable (POSIX: fsync the directory)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _durable_copy(src: Path, target: Path, sha256: str) -> bool:
    """Copy ``src`` to ``target`` via a temporary file, fsynced; False if an identical file is already there.

    Idempotent: a target whose bytes already hash to ``sha256`` (left by an
    earlier run or another process) is kept as it is.
    """
    from candid.subjects.enroll import file_sha256

    if target.is_file() and file_sha256(target) == sha256:
        return False
    from candid.files import atomic_path

    with atomic_path(target) as tmp:
        with open(src, "rb") as fin, open(tmp, "wb") as fout:
            shutil.copyfileobj(fin, fout, 1 << 20)
            fout.flush()
            os.fsync(fout.fileno())
        os.chmod(tmp, 0o600)
    return True


def find_traces(root: Path, needles: list[str | bytes]) -> list[str]:
    """Files under ``root`` whose bytes or names contain any of ``needles``."""
    raw = [n.encode("utf-8") if isinstance(n, str) else n for n in needles if n]
    hits = []
    for path in root.rglob("*"):
        if any(n.decode("utf-8", "ignore") in path.name for n in raw if len(n) >= 8):
            hits.append(f"{path} (name)")
        if path.is_file():
            data = path.read_bytes()
            if any(n in data for n in raw):
                hits.append(str(path))
    return hits
