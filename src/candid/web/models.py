"""The web studio's request and answer models (pydantic), shared by the routers.

Examples
--------
>>> MakeRequest(upload="0" * 32).style
'linkedin'
>>> job_out({**{k: None for k in JobOut.model_fields}, "id": "ab", "extra": 1})["id"]
'ab'
"""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from candid.engines.studio.options import StudioOptions

HEX = r"^[0-9a-f]{32}$"
TELL = r"^[a-z_]{1,32}$"


class ErrorBody(BaseModel):
    """Every error the API returns."""

    error: str
    hint: Optional[str] = None


class Consent(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["self", "family", "deceased-relative", "other"]
    given_by: Optional[str] = Field(None, max_length=100)
    relation: Optional[str] = Field(None, max_length=100)
    purpose: Optional[str] = Field(None, max_length=300)


class EnrollRequest(BaseModel):
    """Enroll a subject (or add photos to one) from uploaded reference photos."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(..., min_length=1, max_length=64)
    uploads: list[str] = Field(..., min_length=1, max_length=50)
    consent: Optional[Consent] = None
    date_hint: Optional[str] = Field(None, max_length=32)


class MakeRequest(StudioOptions):
    """The options of ``candid make`` as JSON: :class:`StudioOptions` (the one list) + the upload and subject."""

    model_config = ConfigDict(extra="forbid", frozen=False)
    upload: str = Field(..., pattern=HEX)
    engine: Literal["studio"] = "studio"
    subject: Optional[str] = Field(None, max_length=64)

    def options(self) -> StudioOptions:
        """The studio options alone (what the job runs with)."""
        return StudioOptions(**self.model_dump(include=set(StudioOptions.model_fields)))


class Login(BaseModel):
    token: str = Field(..., min_length=1, max_length=200)


class JobOut(BaseModel):
    id: str
    kind: str
    state: str
    progress: float
    stage: str
    error: Optional[str] = None
    hint: Optional[str] = None
    params: dict[str, Any]
    created: str
    updated: str
    attempts: int


def job_out(job: dict) -> dict:
    """The public fields of a job row (see :class:`JobOut`)."""
    return {k: job[k] for k in JobOut.model_fields}
