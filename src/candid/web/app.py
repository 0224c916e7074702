"""The web studio: a FastAPI app over the subject library, a job queue and the recipe runner.

Everything state-changing goes through ``/api/``; pages are static HTML with a
little vanilla JavaScript (and OpenSeadragon for deep zoom). The app keeps no
module-level state: :func:`create_app` builds everything from its arguments.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import shutil
import tempfile
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal, Optional

from fastapi import FastAPI, File, Form, HTTPException, Path as PathParam, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, \
    Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from candid.errors import BadImageError, CandidError
from candid.web.jobs import ID, upload_path
from candid.web.security import CSRF_HEADER, SESSION_COOKIE, TOKEN_COOKIE, UNSAFE_METHODS, Guard, is_loopback_host
from candid.web.store import FINAL, JobStore
from candid.web.worker import WorkerPool

log = logging.getLogger("candid.web")
HERE = Path(__file__).parent
PAGES = ("subjects", "make", "results", "compare", "login")
#: Default upload limit (bytes) and pixel limit.
MAX_UPLOAD_BYTES = 40 * 1024 * 1024
MAX_UPLOAD_PIXELS = 60_000_000
HEX = r"^[0-9a-f]{32}$"
TELL = r"^[a-z_]{1,32}$"
_SAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


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


def _job_out(job: dict) -> dict:
    return {k: job[k] for k in JobOut.model_fields}


def _sanitize_filename(name: str | None) -> str:
    base = Path(name or "photo").name
    base = _SAFE_NAME.sub("_", base).strip(" .") or "photo"
    return base[:80]


_ABS_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s/'\"<>]+/)+([^\s/'\"<>]*)")


def _scrub_paths(text: str | None) -> str | None:
    """``text`` with every absolute path replaced by its last part (web errors never show server paths).

    Examples
    --------
    >>> _scrub_paths("/srv/candid/data/uploads/ab12.png.part: cannot decode")
    'ab12.png.part: cannot decode'
    """
    if not text:
        return text
    return _ABS_PATH.sub(lambda m: m.group(1) or "(folder)", text)


def quality_check(path: str, name: str) -> dict:
    """The enrollment quality gate on one reference photo: ``{"ok", "problems", "warnings"}``."""
    from candid.subjects.enroll import analyze_reference

    try:
        photo = analyze_reference(path)
    except CandidError as exc:
        msg = exc.message.replace(Path(path).name, name)
        return {"ok": False, "problems": [msg.split(": ", 1)[-1]], "warnings": []}
    return {"ok": True, "problems": [], "warnings": list(photo.record.quality.get("warnings", []))}


def create_app(library_path: str | Path, data_dir: str | Path, *, token: str | None = None,
               workers: int | None = None, max_upload_bytes: int = MAX_UPLOAD_BYTES,
               max_upload_pixels: int = MAX_UPLOAD_PIXELS) -> FastAPI:
    """Build the web studio.

    Parameters
    ----------
    library_path : path-like
        The subject library (see :class:`candid.subjects.Library`).
    data_dir : path-like
        Where the job database, uploads and results live.
    token : str, optional
        Access token; required for every request when given (use it whenever
        the server is reachable from other machines).
    workers : int, optional
        Worker threads (default: one per core); 0 starts none (tests).
    max_upload_bytes, max_upload_pixels : int
        Upload limits.

    Returns
    -------
    FastAPI

    Examples
    --------
    >>> import tempfile
    >>> root = tempfile.mkdtemp()
    >>> app = create_app(f"{root}/library", f"{root}/studio", workers=0)
    >>> app.title
    'candid studio'
    """
    library_path, data_dir = Path(library_path), Path(data_dir)
    (data_dir / "uploads").mkdir(parents=True, exist_ok=True)
    (data_dir / "results").mkdir(parents=True, exist_ok=True)
    store = JobStore(data_dir / "jobs.sqlite")
    guard = Guard(token)
    pool = WorkerPool(store, data_dir, library_path, workers=workers) if workers != 0 else None

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        requeued, failed = store.recover()
        for job_id in requeued:
            log.warning("job %s was interrupted by a restart; queued again", job_id)
        for job_id in failed:
            log.warning("job %s was interrupted again; marked failed", job_id)
        if pool is not None:
            pool.start()
        yield
        if pool is not None:
            pool.stop()

    # /docs and /redoc would load Swagger/ReDoc from a CDN: no run-time downloads, so only the schema.
    app = FastAPI(title="candid studio", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Enroll, make, compare at 1:1 and inspect portraits; photos stay on this machine. "
                              "State-changing requests need the X-Candid-CSRF header from GET /api/session.",
                  responses={400: {"model": ErrorBody}, 403: {"model": ErrorBody}, 404: {"model": ErrorBody}})
    app.state.store, app.state.pool, app.state.guard = store, pool, guard
    app.state.data_dir, app.state.library_path = data_dir, library_path

    # -- errors: one JSON shape, never a traceback -----------------------
    @app.exception_handler(CandidError)
    async def candid_error(request: Request, exc: CandidError):
        status = 413 if exc.__class__.__name__ == "ImageTooLargeError" else 400
        if exc.__class__.__name__ == "SubjectConflictError":
            status = 409  # e.g. the same new name enrolled twice at once
        # never show the server's paths: any absolute path becomes its file name
        return JSONResponse({"error": _scrub_paths(exc.message), "hint": _scrub_paths(exc.hint)},
                            status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return JSONResponse({"error": str(exc.detail), "hint": None}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return JSONResponse({"error": f"invalid request: {where}: {first.get('msg', 'invalid')}",
                             "hint": "see /openapi.json for the API schema"}, status_code=422)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):
        log.exception("internal error on %s", request.url.path)
        return JSONResponse({"error": "internal error; see the server log", "hint": None}, status_code=500)

    # -- access: host check, token, CSRF ---------------------------------
    @app.middleware("http")
    async def access(request: Request, call_next):
        path = request.url.path
        if guard.token is None and not is_loopback_host(request.headers.get("host", "")):
            return JSONResponse({"error": "this studio only answers on localhost",
                                 "hint": "start it with --token to serve other machines"}, status_code=403)
        open_paths = path.startswith("/static/") or path in ("/login", "/api/login", "/favicon.ico")
        if not open_paths:
            auth = request.headers.get("authorization", "")
            bearer = auth[7:] if auth.lower().startswith("bearer ") else None
            if not guard.token_ok(bearer, request.cookies.get(TOKEN_COOKIE)):
                if request.method == "GET" and not path.startswith("/api/") and path != "/openapi.json":
                    return RedirectResponse("/login", status_code=303)
                return JSONResponse({"error": "a token is required", "hint": "log in at /login"}, status_code=401)
        if request.method in UNSAFE_METHODS:
            # Refuse oversized bodies before the multipart parser spools them to disk.
            length = request.headers.get("content-length")
            if length is None and request.headers.get("transfer-encoding"):
                return JSONResponse({"error": "uploads need a Content-Length", "hint": None}, status_code=411)
            if length is not None and (not length.isdigit() or int(length) > max_upload_bytes + 65536):
                return JSONResponse({"error": f"request too large (over {max_upload_bytes // (1024 * 1024)} MB)",
                                     "hint": "upload a smaller file"}, status_code=413)
            if path == "/api/login":
                origin = request.headers.get("origin")
                if origin and origin.split("://", 1)[-1] != request.headers.get("host"):
                    return JSONResponse({"error": "cross-origin login refused", "hint": None}, status_code=403)
            elif not guard.csrf_ok(request.cookies.get(SESSION_COOKIE), request.headers.get(CSRF_HEADER)):
                return JSONResponse({"error": "missing or wrong X-Candid-CSRF header",
                                     "hint": "GET /api/session first and send its csrf value in X-Candid-CSRF"},
                                    status_code=403)
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    # -- session ---------------------------------------------------------
    @app.get("/api/session", tags=["session"])
    def session(request: Request, response: Response) -> dict:
        """A CSRF value for this browser session (sets the session cookie if needed)."""
        sid = request.cookies.get(SESSION_COOKIE)
        if not sid or len(sid) > 64:
            sid = guard.new_session()
            response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="strict")
        return {"csrf": guard.csrf_for(sid), "token_required": guard.token is not None}

    @app.post("/api/login", tags=["session"])
    def login(body: Login, response: Response) -> dict:
        """Exchange the access token for a cookie (for browsers)."""
        if not guard.token_ok(body.token, None):
            raise HTTPException(401, "wrong token")
        if guard.token:
            response.set_cookie(TOKEN_COOKIE, guard.token, httponly=True, samesite="strict")
        return {"ok": True}

    # -- uploads ---------------------------------------------------------
    @app.post("/api/uploads", tags=["uploads"])
    def upload(file: UploadFile = File(...), purpose: Literal["source", "reference"] = Form("source")) -> dict:
        """Store one image under a random name; for ``reference`` photos, run the enrollment quality gate.

        The type is sniffed from the bytes (the name and Content-Type are ignored);
        files over the byte or pixel limit are refused.
        """
        from candid.imageio import read_header, sniff_format

        head = file.file.read(64)
        fmt = sniff_format(head)
        if fmt is None:
            raise BadImageError(f"{_sanitize_filename(file.filename)}: not an image candid reads",
                                hint="use JPEG, PNG, TIFF, WebP, GIF, HEIC or AVIF")
        upload_id = uuid.uuid4().hex
        target = data_dir / "uploads" / f"{upload_id}.{fmt}"
        part = target.with_name(target.name + ".part")
        size = len(head)
        try:
            with open(part, "wb") as out:
                out.write(head)
                while chunk := file.file.read(1 << 20):
                    size += len(chunk)
                    if size > max_upload_bytes:
                        raise CandidError(f"file too large (over {max_upload_bytes // (1024 * 1024)} MB)",
                                          hint="upload a smaller file")
                    out.write(chunk)
            # header only, every format (HEIC too): nothing is decoded before the size check
            try:
                header = read_header(part, max_bytes=max_upload_bytes)
            except CandidError as exc:  # name the user's file, never the server's path
                raise type(exc)(exc.message.replace(str(part), _sanitize_filename(file.filename)),
                                hint=exc.hint) from None
            if header.width * header.height > max_upload_pixels:
                raise CandidError(f"image too large ({header.width}x{header.height} pixels)",
                                  hint=f"the limit is {max_upload_pixels // 1_000_000} megapixels")
            part.rename(target)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        meta = {"id": upload_id, "filename": _sanitize_filename(file.filename), "format": fmt,
                "width": header.width, "height": header.height, "bytes": size, "quality": None}
        if purpose == "reference":
            meta["quality"] = _quality(target, meta["filename"])
        (data_dir / "uploads" / f"{upload_id}.json").write_text(json.dumps(meta), encoding="utf-8")
        return meta

    def _quality(path: Path, name: str) -> dict:
        # In the server's thread pool: the face models load once and stay warm (~0.7 s a photo at
        # 512 px). A process pool was tried and was slower: a cold model load per worker process.
        return quality_check(str(path), name)

    def _upload_meta(upload_id: str) -> dict:
        p = upload_path(data_dir, upload_id)
        meta_file = p.with_suffix(".json")
        return json.loads(meta_file.read_text()) if meta_file.exists() else {"filename": p.name}

    # -- subjects --------------------------------------------------------
    def _library():
        from candid.subjects import Library

        return Library(library_path)

    @app.get("/api/subjects", tags=["subjects"])
    def list_subjects() -> list[dict]:
        """Every enrolled subject (name, number of photos, consent kind)."""
        return [{"name": s.name, "photos": s.n_photos, "consent": s.consent, "created_at": s.created_at}
                for s in _library().subjects()]

    @app.get("/api/subjects/{name}", tags=["subjects"])
    def get_subject(name: str = PathParam(..., max_length=64)) -> dict:
        """A subject's consent record and reference photos (no embeddings)."""
        prof = _library().profile(name)
        from dataclasses import asdict

        return {"name": prof.name, "consent": asdict(prof.consent),
                "photos": [{"name": p.original_name, "width": p.width, "height": p.height,
                            "warnings": p.quality.get("warnings", [])} for p in prof.photos],
                "quirks": len(getattr(prof, "quirks", []) or [])}

    @app.post("/api/subjects", tags=["subjects"])
    def enroll(body: EnrollRequest) -> dict:
        """Enroll a subject from uploads, all or nothing (consent required for a new subject)."""
        from candid.subjects.library import make_consent, validate_name

        name = validate_name(body.name)
        lib = _library()
        existing = {s.name for s in lib.subjects()}
        consent = None
        if name not in existing:
            c = body.consent
            consent = make_consent(c.kind if c else None, c.given_by if c else None, c.relation if c else None,
                                   c.purpose if c else None, name)
        with tempfile.TemporaryDirectory(dir=data_dir) as tmp:
            paths, used = [], set()
            for uid in body.uploads:
                src = upload_path(data_dir, uid)
                nice = _sanitize_filename(_upload_meta(uid).get("filename"))
                stem, suffix = Path(nice).stem, Path(nice).suffix  # the user's name (bytes are sniffed anyway)
                cand, i = f"{stem}{suffix}", 1
                while cand in used:
                    cand, i = f"{stem}-{i}{suffix}", i + 1
                used.add(cand)
                link = Path(tmp) / cand
                shutil.copyfile(src, link)
                paths.append(link)
            prof = lib.enroll(name, paths, consent=consent, date_hint=body.date_hint)
        # The library now holds the photos; remove the uploads so deleting the subject erases them all.
        for uid in body.uploads:
            src = upload_path(data_dir, uid)
            src.unlink(missing_ok=True)
            src.with_suffix(".json").unlink(missing_ok=True)
        return {"name": prof.name, "photos": len(prof.photos)}

    @app.delete("/api/subjects/{name}", tags=["subjects"])
    def delete_subject(name: str = PathParam(..., max_length=64)) -> dict:
        """Erase a subject everywhere candid holds them: library, studio results made for them, reference uploads.

        The answer says what was removed; ``leftovers`` lists anything that could not be.
        """
        lib = _library()
        who = lib.profile(name).name  # unknown -> a clear 404-style error before anything is touched
        results_removed, still_running = 0, []
        for job in store.list(limit=1_000_000):
            if (job["params"].get("subject") or "").casefold() != who.casefold():
                continue
            if job["state"] in ("queued", "running"):
                store.cancel(job["id"])
                still_running.append(job["id"][:8])
                continue
            if store.delete(job["id"]):
                shutil.rmtree(data_dir / "results" / job["id"], ignore_errors=True)
                results_removed += 1
                uid = job["params"].get("upload")
                if uid and ID.match(uid) and not store.uses_upload(uid):
                    for f in (data_dir / "uploads").glob(f"{uid}.*"):
                        f.unlink(missing_ok=True)
        # reference photos uploaded for an enrollment that never finished (a reference upload has a quality check)
        uploads_removed = 0
        for meta_path in sorted((data_dir / "uploads").glob("*.json")):
            try:
                meta = json.loads(meta_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            uid = meta_path.stem
            if meta.get("quality") is not None and ID.match(uid) and not store.uses_upload(uid):
                for f in (data_dir / "uploads").glob(f"{uid}.*"):
                    f.unlink(missing_ok=True)
                uploads_removed += 1
        report = lib.delete(who)
        root = str(Path(library_path))
        leftovers = [_scrub_paths(t.replace(root, "library")) for t in report.leftovers]
        leftovers += [f"studio job {j} (was running; cancelled, erase again once it stopped)" for j in still_running]
        return {"name": report.name, "files_removed": report.files_removed, "photos_removed": report.photos_removed,
                "results_removed": results_removed, "uploads_removed": uploads_removed, "leftovers": leftovers}

    # -- jobs ------------------------------------------------------------
    @app.post("/api/jobs", tags=["jobs"], status_code=201)
    def submit(body: MakeRequest) -> JobOut:
        """Queue a make job (validated now, so a bad option fails here and not in the queue)."""
        from candid.engines.studio.recipe import studio_recipe
        from candid.honest.guard import parse_keep

        if body.background and body.background.startswith("image:"):
            raise CandidError("background images are not available in the web studio yet",
                              hint="use grey, white, color:#hex, mottled, gradient or blur")
        studio_recipe(body.style, aspect=body.aspect, background=body.background, light=body.light,
                      strength=body.strength, size=body.size, look=body.look, face=None, seed=body.seed,
                      straighten=body.straighten, catchlights=body.catchlights)
        if body.keep:
            parse_keep(body.keep)
        if body.subject:
            _library().profile(body.subject)
        meta = _upload_meta(body.upload)
        params = body.model_dump(exclude_none=True)
        params["filename"] = meta.get("filename")
        job_id = store.submit("make", params)
        if pool is not None:
            pool.wake()
        return _job_out(store.get(job_id))

    @app.get("/api/jobs", tags=["jobs"])
    def list_jobs(state: Optional[Literal["queued", "running", "done", "failed", "cancelled"]] = None,
                  limit: int = 100) -> list[JobOut]:
        """Jobs, newest first."""
        return [_job_out(j) for j in store.list(state=state, limit=max(1, min(limit, 500)))]

    def _job(job_id: str) -> dict:
        if not re.match(HEX, job_id or ""):
            raise HTTPException(404, "no such job")
        job = store.get(job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return job

    @app.get("/api/jobs/{job_id}", tags=["jobs"])
    def get_job(job_id: str = PathParam(..., pattern=HEX)) -> JobOut:
        return _job_out(_job(job_id))

    @app.get("/api/jobs/{job_id}/log", tags=["jobs"], response_class=PlainTextResponse)
    def job_log(job_id: str = PathParam(..., pattern=HEX)) -> str:
        """The job's log, one line per event."""
        return _job(job_id)["log"]

    @app.post("/api/jobs/{job_id}/cancel", tags=["jobs"])
    def cancel(job_id: str = PathParam(..., pattern=HEX)) -> JobOut:
        """Cancel: a queued job at once, a running one at its next stage."""
        _job(job_id)
        store.cancel(job_id)
        return _job_out(store.get(job_id))

    @app.delete("/api/jobs/{job_id}", tags=["jobs"])
    def delete_job(job_id: str = PathParam(..., pattern=HEX)) -> dict:
        """Erase a finished job: its row, log, outputs, and its photo once no other job uses it."""
        job = _job(job_id)
        if not store.delete(job_id):
            raise CandidError(f"job is {job['state']}; cancel it first", hint=f"POST /api/jobs/{job_id}/cancel")
        shutil.rmtree(data_dir / "results" / job_id, ignore_errors=True)
        upload_id = job["params"].get("upload")
        removed_upload = False
        if upload_id and ID.match(upload_id) and not store.uses_upload(upload_id):
            for f in (data_dir / "uploads").glob(f"{upload_id}.*"):
                f.unlink(missing_ok=True)
                removed_upload = True
        return {"deleted": job_id, "upload_removed": removed_upload}

    @app.get("/api/jobs/{job_id}/events", tags=["jobs"], response_class=StreamingResponse)
    async def events(request: Request, job_id: str = PathParam(..., pattern=HEX)):
        """Server-sent events: one ``progress`` event per change, ending with the final state."""
        _job(job_id)

        async def stream():
            last = None
            while True:
                job = await asyncio.to_thread(store.get, job_id)
                now = (job["state"], round(job["progress"], 3), job["stage"])
                if now != last:
                    last = now
                    data = json.dumps(_job_out(job))
                    yield f"event: progress\ndata: {data}\n\n"
                if job["state"] in FINAL or await request.is_disconnected():
                    return
                await asyncio.sleep(0.25)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    # -- results ---------------------------------------------------------
    def _done(job_id: str) -> Path:
        job = _job(job_id)
        if job["state"] != "done":
            raise HTTPException(404, f"job is {job['state']}, no result")
        return data_dir / "results" / job_id

    @app.get("/api/results", tags=["results"])
    def results(limit: int = 100) -> list[dict]:
        """Finished make jobs with their summaries, newest first."""
        return [{"job": _job_out(j), "summary": j["result"]} for j in store.list(state="done", limit=limit)]

    @app.get("/api/results/{job_id}", tags=["results"])
    def result(job_id: str = PathParam(..., pattern=HEX)) -> dict:
        _done(job_id)
        job = store.get(job_id)
        return {"job": _job_out(job), "summary": job["result"]}

    @app.get("/api/results/{job_id}/image", tags=["results"], response_class=FileResponse)
    def result_image(job_id: str = PathParam(..., pattern=HEX)):
        """The labelled output file (JPEG)."""
        return FileResponse(_done(job_id) / "result.jpg", media_type="image/jpeg",
                            filename=f"candid-{job_id[:8]}.jpg")

    @app.get("/api/results/{job_id}/preview/{size}.jpg", tags=["results"], response_class=FileResponse)
    def result_preview(job_id: str = PathParam(..., pattern=HEX),
                       size: Literal["thumb", "view"] = PathParam(...)):
        """A small copy of the result for the gallery (``thumb``, 360 px) or the result page (``view``, 1280 px)."""
        folder = _done(job_id)
        path = folder / f"preview-{size}.jpg"
        if not path.is_file():
            import pyvips

            side = 360 if size == "thumb" else 1280
            tmp = path.with_suffix(".part.jpg")
            pyvips.Image.thumbnail(str(folder / "result.jpg"), side, height=side, size="down").jpegsave(
                str(tmp), Q=85)  # the labels (XMP) stay on the small copy too
            tmp.replace(path)
        return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "max-age=3600"})

    @app.get("/api/results/{job_id}/report", tags=["results"], response_class=HTMLResponse)
    def result_report(job_id: str = PathParam(..., pattern=HEX)):
        """The inspector's HTML report of the output."""
        path = _done(job_id) / "report.html"
        if not path.exists():
            raise HTTPException(404, "no report")
        return FileResponse(path, media_type="text/html")

    @app.get("/api/results/{job_id}/tiles/{which}.dzi", tags=["results"], response_class=Response)
    def dzi(job_id: str = PathParam(..., pattern=HEX), which: Literal["source", "result"] = PathParam(...)):
        """Deep-zoom descriptor of the source photo or the result."""
        return FileResponse(_done(job_id) / f"{which}.dzi", media_type="application/xml")

    @app.get("/api/results/{job_id}/tiles/{which}_files/{level}/{col}_{row}.jpg", tags=["results"],
             response_class=Response)
    def tile(job_id: str = PathParam(..., pattern=HEX), which: Literal["source", "result"] = PathParam(...),
             level: int = PathParam(..., ge=0, le=40), col: int = PathParam(..., ge=0, le=100000),
             row: int = PathParam(..., ge=0, le=100000)):
        """One deep-zoom tile."""
        path = _done(job_id) / f"{which}_files" / str(level) / f"{col}_{row}.jpg"
        if not path.is_file():
            raise HTTPException(404, "no such tile")
        return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "max-age=3600"})

    @app.get("/api/results/{job_id}/heat/{tell}.png", tags=["results"], response_class=Response)
    def heat(job_id: str = PathParam(..., pattern=HEX), tell: str = PathParam(..., pattern=TELL)):
        """A tell's heatmap as a see-through PNG the size of the result's aspect."""
        path = _done(job_id) / "heat" / f"{tell}.png"
        if not path.is_file():
            raise HTTPException(404, "no heatmap for that tell")
        return FileResponse(path, media_type="image/png")

    # -- pages -----------------------------------------------------------
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/", include_in_schema=False)
    def home():
        return RedirectResponse("/make", status_code=303)

    def page(name: str):
        def handler():
            return HTMLResponse((HERE / "pages" / f"{name}.html").read_text(encoding="utf-8"),
                                headers={"Content-Security-Policy": "default-src 'self'; img-src 'self' blob: data:;"
                                                                    " style-src 'self' 'unsafe-inline'"})
        handler.__name__ = f"page_{name}"
        return handler

    for name in PAGES:
        app.get(f"/{name}", include_in_schema=False, response_class=HTMLResponse)(page(name))
    return app
