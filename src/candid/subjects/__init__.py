"""Subjects: the people candid makes portraits of, with consent, from their real photos."""

from candid.subjects.library import (
    DeletionReport,
    Library,
    SubjectSummary,
    default_library_path,
    find_traces,
    make_consent,
    validate_name,
)
from candid.subjects.profile import (
    CONSENT_KINDS,
    ConsentRecord,
    FeatureStats,
    PhotoRecord,
    SubjectProfile,
)
from candid.subjects.quirks import Quirk

__all__ = [
    "CONSENT_KINDS", "ConsentRecord", "DeletionReport", "FeatureStats", "Library", "PhotoRecord", "Quirk",
    "SubjectProfile", "SubjectSummary", "default_library_path", "find_traces", "make_consent", "validate_name",
]
