"""A subject's profile: what their real photos say about their face."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from candid.face import identity_distance
from candid.subjects.quirks import Quirk

CONSENT_KINDS: tuple[str, ...] = ("self", "family", "deceased-relative", "other")


@dataclass(frozen=True)
class ConsentRecord:
    """Who agreed to this person's photos being used, and for what.

    Attributes
    ----------
    kind : {"self", "family", "deceased-relative", "other"}
        ``self``: the subject enrolls themselves. ``family``: a family member
        with the subject's agreement. ``deceased-relative``: a relative of a
        person who has died. ``other``: someone else with the subject's
        agreement (a photographer for a client).
    given_by : str
        Who gave consent (a person's name).
    relation : str
        Their relation to the subject ("self", "daughter", "photographer"...).
    purpose : str
        What the photos may be used for.
    at : str
        When, ISO 8601.
    """

    kind: str
    given_by: str
    relation: str
    purpose: str
    at: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FeatureStats:
    """Mean, spread and count of one measurement over a subject's photos."""

    mean: float
    std: float
    n: int

    @classmethod
    def of(cls, values: list[float]) -> "FeatureStats":
        arr = np.asarray([v for v in values if np.isfinite(v)], dtype=np.float64)
        if arr.size == 0:
            return cls(float("nan"), float("nan"), 0)
        return cls(float(arr.mean()), float(arr.std(ddof=1)) if arr.size > 1 else 0.0, int(arr.size))


@dataclass(frozen=True)
class PhotoRecord:
    """One reference photo of a subject, as analysed at enrolment."""

    sha256: str
    pixel_sha256: str
    stored_name: str
    original_name: str
    width: int
    height: int
    embedding: np.ndarray = field(repr=False)
    landmarks: np.ndarray = field(repr=False)
    geometry: dict[str, float] = field(repr=False)
    texture: dict[str, float] = field(repr=False)
    quality: dict = field(repr=False)
    added_at: str = ""
    date_hint: str | None = None

    @property
    def landmarks_version(self) -> int:
        """1: dlib's 68-point model; 2: derived from the face mesh (see :mod:`candid.subjects.migrate`)."""
        from candid.subjects.migrate import photo_landmarks_version

        return photo_landmarks_version(self.quality)


@dataclass(frozen=True)
class SubjectProfile:
    """Identity, geometry, texture and quirks of one person, from their photos.

    Attributes
    ----------
    id : str
        Random identifier (also the folder name in the library).
    name : str
    consent : ConsentRecord
    photos : list of PhotoRecord
    geometry : dict of str to FeatureStats
        Per feature of :data:`candid.face.geometry.FEATURES`.
    texture : dict of str to FeatureStats
        Per statistic of :func:`candid.face.skin_texture`.
    quirks : list of Quirk
    """

    id: str
    name: str
    consent: ConsentRecord
    photos: list[PhotoRecord]
    geometry: dict[str, FeatureStats]
    texture: dict[str, FeatureStats]
    quirks: list[Quirk]

    @property
    def embeddings(self) -> np.ndarray:
        """``(n, 128)`` identity embeddings of the reference photos."""
        return np.stack([p.embedding for p in self.photos])

    @property
    def embedding_mean(self) -> np.ndarray:
        return self.embeddings.mean(axis=0)

    @property
    def embedding_spread(self) -> float:
        """Mean distance of the references to their mean (how varied the photos are)."""
        mean = self.embedding_mean
        return float(np.mean([identity_distance(e, mean) for e in self.embeddings]))

    def identity_distance(self, embedding: np.ndarray) -> float:
        """Mean distance from an embedding to each reference photo.

        Under :data:`candid.face.SAME_PERSON_THRESHOLD` (0.6) means "this is them".
        """
        return float(np.mean([identity_distance(embedding, e) for e in self.embeddings]))

    def summary(self) -> dict:
        """Plain data for `candid subjects show` and JSON."""
        return {
            "id": self.id,
            "name": self.name,
            "consent": self.consent.to_dict(),
            "photos": [{"file": p.original_name, "stored": p.stored_name, "size": [p.width, p.height],
                        "added": p.added_at, "date_hint": p.date_hint} for p in self.photos],
            "identity_spread": self.embedding_spread,
            "geometry": {k: asdict(v) for k, v in self.geometry.items()},
            "texture": {k: asdict(v) for k, v in self.texture.items()},
            "quirks": [q.to_dict() for q in self.quirks],
        }


def summarize_photos(photos: list[PhotoRecord]) -> tuple[dict[str, FeatureStats], dict[str, FeatureStats]]:
    """Geometry and texture statistics over a subject's photos."""
    keys_g = sorted({k for p in photos for k in p.geometry})
    keys_t = sorted({k for p in photos for k in p.texture if "." in k})
    geometry = {k: FeatureStats.of([p.geometry.get(k, np.nan) for p in photos]) for k in keys_g}
    texture = {k: FeatureStats.of([p.texture.get(k, np.nan) for p in photos]) for k in keys_t}
    return geometry, texture
