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


class MakeRequest(BaseModel):
    """The options of ``candid make``, as JSON."""

    model_config = ConfigDict(extra="forbid")
    upload: str = Field(..., pattern=HEX)
    engine: Literal["studio"] = "studio"
    style: str = Field("linkedin", max_length=32)
    aspect: Optional[str] = Field(None, max_length=16)
    background: Optional[str] = Field(None, max_length=64)
    light: Optional[str] = Field(None, max_length=32)
    strength: Optional[float] = Field(None, ge=0, le=1)
    straighten: Optional[str] = Field(None, max_length=8)
    catchlights: Optional[Literal["move", "keep", "add"]] = None
    size: Optional[str] = Field(None, max_length=16)
    look: Optional[str] = Field(None, max_length=48)
    subject: Optional[str] = Field(None, max_length=64)
    face: Optional[int] = Field(None, ge=1, le=50)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    keep: Optional[dict[str, float]] = None


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
