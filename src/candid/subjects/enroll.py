"""Analysing reference photos and checking them before they enter a profile."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from candid.errors import CandidError, FaceError, SubjectError
from candid.face import (
    LANDMARKS_VERSION,
    SAME_PERSON_THRESHOLD,
    analyze_face,
    face_geometry,
    identity_distance,
    skin_texture,
)
from candid.imageio import read_image
from candid.subjects.profile import PhotoRecord
from candid.subjects.quirks import canonical_face, find_marks, grey_hair_fractions


@dataclass(frozen=True)
class AnalyzedPhoto:
    """A reference photo analysed and ready to store."""

    path: Path
    record: PhotoRecord
    marks: np.ndarray
    grey_hair: np.ndarray


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def analyze_reference(path: str | Path, *, face_index: int | None = None, date_hint: str | None = None) -> AnalyzedPhoto:
    """Decode a reference photo, find its face, and measure it.

    Raises
    ------
    BadImageError, FaceError
        Unreadable file, no face, several faces, or a face failing the quality gate.
    """
    path = Path(path)
    image = read_image(path)
    face = analyze_face(image.pixels, face_index=face_index, source=path.name)
    if face.quality is not None and not face.quality.ok:
        raise FaceError("; ".join(face.quality.problems), source=path.name)
    canon, skin, hairline = canonical_face(image.pixels, face.landmarks)
    pixel_hash = hashlib.sha256(np.clip(np.rint(image.pixels * 255), 0, 255).astype(np.uint8).tobytes()).hexdigest()
    sha = file_sha256(path)
    suffix = {"jpeg": ".jpg", "png": ".png", "tiff": ".tif", "webp": ".webp", "gif": ".gif",
              "heif": ".heic", "avif": ".avif"}[image.header.format]
    record = PhotoRecord(
        sha256=sha, pixel_sha256=pixel_hash, stored_name=sha[:32] + suffix, original_name=path.name,
        width=image.pixels.shape[1], height=image.pixels.shape[0], embedding=face.embedding,
        landmarks=face.landmarks, geometry=face_geometry(face.landmarks),
        texture=skin_texture(image.pixels, face.landmarks),
        quality={"metrics": face.quality.metrics if face.quality else {},
                 "warnings": list(face.quality.warnings) if face.quality else [],
                 "landmarks_version": LANDMARKS_VERSION if face.landmark_source == "mesh" else 1},
        added_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), date_hint=date_hint,
    )
    return AnalyzedPhoto(path=path, record=record, marks=find_marks(canon, skin),
                         grey_hair=grey_hair_fractions(canon, hairline))


def check_batch(new: list[AnalyzedPhoto], existing: list[PhotoRecord]) -> None:
    """Refuse duplicates and photos of someone else, listing every problem at once.

    A photo is a duplicate when its bytes or decoded pixels equal another's.
    A photo is "someone else" when its median identity distance to the other
    photos is over :data:`candid.face.SAME_PERSON_THRESHOLD`.
    """
    problems: list[str] = []
    seen: dict[str, str] = {}
    for rec in existing:
        seen[rec.sha256] = seen[rec.pixel_sha256] = f"{rec.original_name} (already enrolled)"
    for photo in new:
        rec = photo.record
        twin = seen.get(rec.sha256) or seen.get(rec.pixel_sha256)
        if twin:
            problems.append(f"{photo.path.name}: duplicate of {twin}")
        seen[rec.sha256] = seen[rec.pixel_sha256] = photo.path.name
    everyone = [(p.path.name, p.record.embedding) for p in new] + [(r.original_name, r.embedding) for r in existing]
    if len(everyone) >= 2:
        for photo in new:
            others = [e for name, e in everyone if name != photo.path.name]
            if not others:
                continue
            d = float(np.median([identity_distance(photo.record.embedding, e) for e in others]))
            if d > SAME_PERSON_THRESHOLD:
                problems.append(f"{photo.path.name}: looks like a different person (identity distance {d:.2f} "
                                f"to the other photos; the same person is under {SAME_PERSON_THRESHOLD})")
    if problems:
        raise SubjectError("cannot enroll these photos:\n  " + "\n  ".join(problems),
                           hint="remove the listed photos and try again")


def analyze_all(paths: list[Path], *, face_index: int | None, date_hint: str | None, on_photo=None) -> list[AnalyzedPhoto]:
    """Analyse every photo; collect every photo's error into one message."""
    done: list[AnalyzedPhoto] = []
    errors: list[str] = []
    for i, path in enumerate(paths):
        if on_photo is not None:
            on_photo(i, len(paths), Path(path).name)
        try:
            done.append(analyze_reference(path, face_index=face_index, date_hint=date_hint))
        except CandidError as exc:
            errors.append(exc.message)
    if on_photo is not None:
        on_photo(len(paths), len(paths), "done")
    if errors:
        kind = FaceError if all("face" in e for e in errors) else SubjectError
        raise kind("cannot enroll:\n  " + "\n  ".join(errors),
                   hint="fix or remove the listed photos; nothing was added to the library")
    return done
