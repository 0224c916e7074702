"""User-facing errors.

Every error a user can act on is a :class:`CandidError`. Front doors (CLI, web,
batch) turn them into one clear message and a non-zero exit code; anything else
is a bug and may show a traceback.
"""

from __future__ import annotations


class CandidError(Exception):
    """An error the user can act on.

    Parameters
    ----------
    message : str
        What went wrong, in plain words.
    hint : str, optional
        What the user can do about it.
    """

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class BadImageError(CandidError):
    """The file is not an image candid can read safely."""

    exit_code = 3


class ImageTooLargeError(BadImageError):
    """The image exceeds the pixel or byte limit (decompression bomb guard)."""


class FaceError(CandidError):
    """No usable face, several faces, or a face too small or poor."""

    exit_code = 4


class SubjectError(CandidError):
    """Unknown subject, duplicate photo, identity mismatch, bad name."""

    exit_code = 5


class SubjectConflictError(SubjectError):
    """The library changed under this request: the same new name or photos were just enrolled elsewhere."""


class ConsentError(SubjectError):
    """A subject cannot be enrolled or used without a consent record."""


class RecipeError(CandidError):
    """A recipe names an unknown stage or has invalid settings."""

    exit_code = 6


class ModelUnavailableError(CandidError):
    """Model weights or an optional dependency are not installed."""

    exit_code = 7
