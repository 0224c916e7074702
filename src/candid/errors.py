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
    source : str, optional
        The file or image the error is about; the message then reads
        ``"SOURCE: reason"``. Kept apart (``.source``, ``.reason``) so a front
        door can name the file its own way without parsing the message.

    Examples
    --------
    >>> e = CandidError("no face found", source="photo.jpg")
    >>> e.message, e.reason, e.source
    ('photo.jpg: no face found', 'no face found', 'photo.jpg')
    """

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None, *, source: str | None = None):
        self.reason = message
        self.source = None if source is None else str(source)
        self.message = message if source is None else f"{source}: {message}"
        self.hint = hint
        super().__init__(self.message)

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


class MaskError(CandidError):
    """A damage mask that does not fit the image it is for (front doors name the mask file)."""


class RecipeError(CandidError):
    """A recipe names an unknown stage or has invalid settings."""

    exit_code = 6


class ModelUnavailableError(CandidError):
    """Model weights or an optional dependency are not installed."""

    exit_code = 7
