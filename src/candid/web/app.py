"""The web studio: a FastAPI app over the subject library, a job queue and the recipe runner.

Everything state-changing goes through ``/api/``; pages are static HTML with a
little vanilla JavaScript (and OpenSeadragon for deep zoom). The app keeps no
module-level state: :func:`create_app` builds a :class:`~candid.web.deps.Studio`
(on ``app.state.studio``), the error handlers and the access middleware, and
includes one router per area (:mod:`candid.web.routers`), which take the studio
through ``Depends``.
"""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from candid.errors import CandidError
from candid.web.deps import MAX_UPLOAD_BYTES, MAX_UPLOAD_PIXELS, Studio
from candid.web.models import (HEX, TELL, Consent, EnrollRequest, ErrorBody, JobOut, Login,  # noqa: F401 (re-exported)
                               MakeRequest)
from candid.web.routers import ROUTERS
from candid.web.routers.pages import PAGES  # noqa: F401 (re-exported)
from candid.web.routers.uploads import quality_check  # noqa: F401 (re-exported)
from candid.web.security import (CSRF_HEADER, SESSION_COOKIE, TOKEN_COOKIE, UNSAFE_METHODS, Guard, is_loopback_host,
                                 sanitize_filename, scrub_paths)
from candid.web.store import JobStore
from candid.web.worker import WorkerPool

log = logging.getLogger("candid.web")
HERE = Path(__file__).parent
# older names, kept for callers
_scrub_paths, _sanitize_filename = scrub_paths, sanitize_filename


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
    >>> with tempfile.TemporaryDirectory() as root:
    ...     app = create_app(f"{root}/library", f"{root}/studio", workers=0)
    ...     print(app.title, app.state.studio.max_upload_bytes == MAX_UPLOAD_BYTES)
    candid studio True
    """
    library_path, data_dir = Path(library_path), Path(data_dir)
    (data_dir / "uploads").mkdir(parents=True, exist_ok=True)
    (data_dir / "results").mkdir(parents=True, exist_ok=True)
    store = JobStore(data_dir / "jobs.sqlite")
    guard = Guard(token)
    pool = WorkerPool(store, data_dir, library_path, workers=workers) if workers != 0 else None
    st = Studio(store, pool, guard, data_dir, library_path, max_upload_bytes, max_upload_pixels)

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
    app.state.studio = st
    app.state.store, app.state.pool, app.state.guard = store, pool, guard
    app.state.data_dir, app.state.library_path = data_dir, library_path
    _add_error_handlers(app)
    _add_access_middleware(app, guard, max_upload_bytes)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


def _add_error_handlers(app: FastAPI) -> None:
    """One JSON shape for every error, never a traceback, never a server path."""

    @app.exception_handler(CandidError)
    async def candid_error(request: Request, exc: CandidError):
        status = 413 if exc.__class__.__name__ == "ImageTooLargeError" else 400
        if exc.__class__.__name__ == "SubjectConflictError":
            status = 409  # e.g. the same new name enrolled twice at once
        # never show the server's paths: any absolute path becomes its file name
        return JSONResponse({"error": scrub_paths(exc.message), "hint": scrub_paths(exc.hint)},
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


def _add_access_middleware(app: FastAPI, guard: Guard, max_upload_bytes: int) -> None:
    """Host check, token, body-size limit and CSRF, before any handler runs."""

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
