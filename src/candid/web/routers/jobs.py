"""``/api/jobs``: queue, list, follow (server-sent events), cancel and erase make jobs."""

from __future__ import annotations

import asyncio
import json
import shutil
from typing import Literal, Optional

from fastapi import APIRouter, Depends, Path as PathParam, Request
from fastapi.responses import PlainTextResponse, StreamingResponse

from candid.errors import CandidError
from candid.web.deps import Studio, studio
from candid.web.models import HEX, JobOut, MakeRequest, job_out
from candid.web.store import FINAL

router = APIRouter(tags=["jobs"])


@router.post("/api/jobs", status_code=201)
def submit(body: MakeRequest, st: Studio = Depends(studio)) -> JobOut:
    """Queue a make job (validated now, so a bad option fails here and not in the queue)."""
    from candid.engines.studio.recipe import studio_recipe

    if body.background and body.background.startswith("image:"):
        raise CandidError("background images are not available in the web studio yet",
                          hint="use grey, white, color:#hex, mottled, gradient or blur")
    studio_recipe(body.options())  # the options' own checks (names, sizes, stocks, keep) -> 400
    if body.subject:
        st.library().profile(body.subject)
    meta = st.upload_meta(body.upload)
    params = body.model_dump(exclude_none=True)
    params["filename"] = meta.get("filename")
    job_id = st.store.submit("make", params)
    if st.pool is not None:
        st.pool.wake()
    return job_out(st.store.get(job_id))


@router.get("/api/jobs")
def list_jobs(state: Optional[Literal["queued", "running", "done", "failed", "cancelled"]] = None,
              limit: int = 100, st: Studio = Depends(studio)) -> list[JobOut]:
    """Jobs, newest first."""
    return [job_out(j) for j in st.store.list(state=state, limit=max(1, min(limit, 500)))]


@router.get("/api/jobs/{job_id}")
def get_job(job_id: str = PathParam(..., pattern=HEX), st: Studio = Depends(studio)) -> JobOut:
    return job_out(st.job(job_id))


@router.get("/api/jobs/{job_id}/log", response_class=PlainTextResponse)
def job_log(job_id: str = PathParam(..., pattern=HEX), st: Studio = Depends(studio)) -> str:
    """The job's log, one line per event."""
    return st.job(job_id)["log"]


@router.post("/api/jobs/{job_id}/cancel")
def cancel(job_id: str = PathParam(..., pattern=HEX), st: Studio = Depends(studio)) -> JobOut:
    """Cancel: a queued job at once, a running one at its next stage."""
    st.job(job_id)
    st.store.cancel(job_id)
    return job_out(st.store.get(job_id))


@router.delete("/api/jobs/{job_id}")
def delete_job(job_id: str = PathParam(..., pattern=HEX), st: Studio = Depends(studio)) -> dict:
    """Erase a finished job: its row, log, outputs, and its photo once no other job uses it."""
    job = st.job(job_id)
    if not st.store.delete(job_id):
        raise CandidError(f"job is {job['state']}; cancel it first", hint=f"POST /api/jobs/{job_id}/cancel")
    shutil.rmtree(st.data_dir / "results" / job_id, ignore_errors=True)
    removed_upload = st.remove_upload_if_unused(job["params"].get("upload"))
    return {"deleted": job_id, "upload_removed": removed_upload}


@router.get("/api/jobs/{job_id}/events", response_class=StreamingResponse)
async def events(request: Request, job_id: str = PathParam(..., pattern=HEX), st: Studio = Depends(studio)):
    """Server-sent events: one ``progress`` event per change, ending with the final state."""
    st.job(job_id)

    async def stream():
        last = None
        while True:
            job = await asyncio.to_thread(st.store.get, job_id)
            now = (job["state"], round(job["progress"], 3), job["stage"])
            if now != last:
                last = now
                data = json.dumps(job_out(job))
                yield f"event: progress\ndata: {data}\n\n"
            if job["state"] in FINAL or await request.is_disconnected():
                return
            await asyncio.sleep(0.25)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
