"""What the routers share: the studio's state (on ``app.state.studio``) and FastAPI dependencies.

:func:`create_app <candid.web.app.create_app>` builds one :class:`Studio` per app;
each router asks for it with ``Depends(studio)``, so nothing lives at module level.

Examples
--------
>>> import tempfile
>>> from candid.web.store import JobStore
>>> root = Path(tempfile.mkdtemp())
>>> s = Studio(JobStore(root / "jobs.sqlite"), None, Guard(None), root, root / "library")
>>> s.max_upload_bytes // (1024 * 1024), s.library().root == root / "library"
(40, True)
>>> s.job("nope")
Traceback (most recent call last):
...
fastapi.exceptions.HTTPException: 404: no such job
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from fastapi import HTTPException, Request

from candid.web.jobs import upload_path
from candid.web.models import HEX
from candid.web.security import Guard
from candid.web.store import JobStore
from candid.web.worker import WorkerPool

#: Default upload limit (bytes) and pixel limit.
MAX_UPLOAD_BYTES = 40 * 1024 * 1024
MAX_UPLOAD_PIXELS = 60_000_000


@dataclass(frozen=True)
class Studio:
    """One web studio's state: its job store, workers, secrets, folders and limits."""

    store: JobStore
    pool: Optional[WorkerPool]
    guard: Guard
    data_dir: Path
    library_path: Path
    max_upload_bytes: int = MAX_UPLOAD_BYTES
    max_upload_pixels: int = MAX_UPLOAD_PIXELS

    def library(self):
        """The subject library (opened per request; it is a folder, not a connection)."""
        from candid.subjects import Library

        return Library(self.library_path)

    def upload_meta(self, upload_id: str) -> dict:
        """What the upload step recorded about an upload (at least its file name)."""
        p = upload_path(self.data_dir, upload_id)
        meta_file = p.with_suffix(".json")
        return json.loads(meta_file.read_text()) if meta_file.exists() else {"filename": p.name}

    def job(self, job_id: str) -> dict:
        """A job row, or a 404."""
        if not re.match(HEX, job_id or ""):
            raise HTTPException(404, "no such job")
        job = self.store.get(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return job

    def done(self, job_id: str) -> Path:
        """The result folder of a finished job, or a 404."""
        job = self.job(job_id)
        if job["state"] != "done":
            raise HTTPException(404, f"job is {job['state']}, no result")
        return self.data_dir / "results" / job_id

    def remove_upload_if_unused(self, upload_id: str | None) -> bool:
        """Delete an upload's files when no job refers to it any more; True if something went."""
        from candid.web.jobs import ID

        removed = False
        if upload_id and ID.match(upload_id) and not self.store.uses_upload(upload_id):
            for f in (self.data_dir / "uploads").glob(f"{upload_id}.*"):
                f.unlink(missing_ok=True)
                removed = True
        return removed


def studio(request: Request) -> Studio:
    """FastAPI dependency: the :class:`Studio` of the app serving ``request``."""
    return request.app.state.studio
