"""Bringing profiles made with older landmarks up to date, from their stored photos.

Profiles store each photo's 68 landmarks and everything measured from them
(geometry, texture, quirk marks, identity embedding). Version 1 came from
dlib's 68-point model; version 2 (:data:`candid.face.LANDMARKS_VERSION`) is
derived from the MediaPipe mesh. Measurements of the two differ slightly, so
a profile is never mixed: when a library opens a subject whose photos are
older, every photo is re-analysed from the copy the library keeps, in one
transaction, and one message says so. A photo that cannot be re-analysed
keeps its old record (marked, so it is not retried on every open); nothing
here raises.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import numpy as np

log = logging.getLogger("candid.subjects")


def photo_landmarks_version(quality: dict) -> int:
    """The landmarks version recorded with a photo (1 when none is recorded).

    Examples
    --------
    >>> photo_landmarks_version({}), photo_landmarks_version({"landmarks_version": 2})
    (1, 2)
    """
    try:
        return int(quality.get("landmarks_version", 1))
    except (TypeError, ValueError, AttributeError):
        return 1


def needs_migration(qualities: list[dict]) -> bool:
    """Whether any photo is older than the landmarks the current model makes.

    Only the mesh model (the default) migrates: with ``CANDID_LANDMARKS=dlib68``
    profiles are left as they are.

    Examples
    --------
    >>> needs_migration([{"landmarks_version": 2}, {}])
    True
    """
    from candid.face import LANDMARKS_VERSION, landmark_model

    try:
        if landmark_model() != "mesh":
            return False
    except Exception:
        return False
    return any(photo_landmarks_version(q) < LANDMARKS_VERSION for q in qualities)


def migrate_subject(con: sqlite3.Connection, subject_id: str, photos_dir: Path) -> str | None:
    """Re-analyse a subject's old photos from ``photos_dir`` and update their rows.

    Parameters
    ----------
    con : sqlite3.Connection
        Open connection to the library database (autocommit mode).
    subject_id : str
        The subject's id.
    photos_dir : Path
        The folder holding the subject's stored photos.

    Returns
    -------
    str or None
        The message shown to the user (also logged), or None when nothing
        needed doing. Never raises: on any failure the profile is left as it was.
    """
    from candid.face import LANDMARKS_VERSION, SAME_PERSON_THRESHOLD, identity_distance, landmark_model
    from candid.subjects.enroll import analyze_reference

    try:
        if landmark_model() != "mesh":
            return None
    except Exception:
        return None
    try:
        rows = con.execute("SELECT sha256, stored_name, date_hint, quality, embedding FROM photos "
                           "WHERE subject_id = ?", (subject_id,)).fetchall()
        old = [r for r in rows if photo_landmarks_version(json.loads(r[3])) < LANDMARKS_VERSION]
        if not old:
            return None
        updates, kept = [], []
        for sha, stored, date_hint, quality, embedding in old:
            try:
                # The face enrolled is the one (of up to 5, largest first) that is still the same person.
                before = np.frombuffer(embedding, np.float32)
                for index in range(5):
                    done = analyze_reference(photos_dir / stored, face_index=index, date_hint=date_hint)
                    if identity_distance(done.record.embedding, before) < SAME_PERSON_THRESHOLD:
                        break
                else:
                    raise ValueError("no face in the photo matches the enrolled one")
                rec = done.record
                updates.append((rec.embedding.astype(np.float32).tobytes(), rec.landmarks.astype(np.float32).tobytes(),
                                json.dumps(rec.geometry), json.dumps(rec.texture), json.dumps(rec.quality),
                                json.dumps(done.marks.tolist()), json.dumps(done.grey_hair.tolist()), subject_id, sha))
            except Exception as exc:  # a missing file, a face the mesh cannot place: keep the old record
                q = json.loads(quality)
                q["landmarks_version"] = LANDMARKS_VERSION
                q["migration"] = f"kept the version-1 analysis: {str(exc).splitlines()[0][:120]}"
                kept.append((json.dumps(q), subject_id, sha))
        con.execute("BEGIN IMMEDIATE")
        try:
            con.executemany("UPDATE photos SET embedding = ?, landmarks = ?, geometry = ?, texture = ?, quality = ?, "
                            "marks = ?, grey_hair = ? WHERE subject_id = ? AND sha256 = ?", updates)
            con.executemany("UPDATE photos SET quality = ? WHERE subject_id = ? AND sha256 = ?", kept)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    except Exception as exc:
        message = f"this profile was made with older face landmarks and could not be updated now ({exc})"
        log.warning("candid: %s", message)
        return message
    message = (f"this profile was made with older face landmarks: re-analysed {len(updates)} of its "
               f"{len(old)} photos with the face mesh")
    if kept:
        message += f" ({len(kept)} kept as they were: their face could not be re-analysed)"
    log.warning("candid: %s", message)
    return message
