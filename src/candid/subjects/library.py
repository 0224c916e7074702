"""The local subject library: SQLite for records, a folder per subject for photos.

Layout under the library root::

    candid.sqlite               subjects, consent records, photo analyses
    subjects/<id>/photos/       the reference files, byte for byte
    subjects/<id>/derived/      caches made from them (e.g. quirk map)

Folders are named by a random id, never by the person's name, so names cannot
escape the library (path traversal) and do not appear in file names.
"""

from __future__ import annotations

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

from candid.errors import ConsentError, SubjectError
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

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root is not None else default_library_path()

    @property
    def db_path(self) -> Path:
        return self.root / "candid.sqlite"

    def _connect(self) -> sqlite3.Connection:
        self.root.mkdir(parents=True, exist_ok=True)
        # Faces are biometric data: the library is readable by its owner only.
        os.chmod(self.root, 0o700)
        con = sqlite3.connect(self.db_path, isolation_level=None)
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
        self._store(name, sid, consent, analysed)
        return self.profile(name)

    def _store(self, name: str, sid: str | None, consent: ConsentRecord | None, analysed: list[AnalyzedPhoto]) -> None:
        new_subject = sid is None
        sid = sid or uuid.uuid4().hex
        folder = self.subject_dir(sid) / "photos"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder.parent, 0o700)
        written: list[Path] = []
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            if new_subject:
                assert consent is not None
                con.execute("INSERT INTO subjects (id, name, created_at) VALUES (?, ?, ?)",
                            (sid, name, datetime.now(timezone.utc).isoformat(timespec="seconds")))
                con.execute("INSERT INTO consent VALUES (?, ?, ?, ?, ?, ?)",
                            (sid, consent.kind, consent.given_by, consent.relation, consent.purpose, consent.at))
            for photo in analysed:
                rec = photo.record
                target = folder / rec.stored_name
                tmp = folder / f".{rec.stored_name}.part"
                shutil.copyfile(photo.path, tmp)
                os.replace(tmp, target)
                written.append(target)
                con.execute(
                    "INSERT INTO photos VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (sid, rec.sha256, rec.pixel_sha256, rec.stored_name, rec.original_name, rec.width, rec.height,
                     rec.embedding.astype(np.float32).tobytes(), rec.landmarks.astype(np.float32).tobytes(),
                     json.dumps(rec.geometry), json.dumps(rec.texture), json.dumps(rec.quality),
                     json.dumps(photo.marks.tolist()), json.dumps(photo.grey_hair.tolist()),
                     rec.added_at, rec.date_hint))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            for path in written:
                path.unlink(missing_ok=True)
            if new_subject:
                shutil.rmtree(self.subject_dir(sid), ignore_errors=True)
            raise
        finally:
            con.close()

    def delete(self, name: str) -> DeletionReport:
        """Erase a subject: photos, analyses, embeddings, consent and derived files.

        The database is vacuumed (with ``secure_delete`` on), then the library
        folder is searched for the subject's id, name and photo hashes; any hit
        is reported in ``leftovers`` (it should always be empty).
        """
        profile = self.profile(name)
        folder = self.subject_dir(profile.id)
        files = [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
        with closing(self._connect()) as con:
            con.execute("DELETE FROM subjects WHERE id = ?", (profile.id,))
            con.execute("VACUUM")
        shutil.rmtree(folder, ignore_errors=True)
        needles = [profile.id, profile.name] + [p.sha256 for p in profile.photos] + \
                  [p.embedding.astype(np.float32).tobytes()[:64] for p in profile.photos]
        leftovers = find_traces(self.root, needles)
        return DeletionReport(name=profile.name, id=profile.id, files_removed=len(files),
                              photos_removed=len(profile.photos), leftovers=leftovers)


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
