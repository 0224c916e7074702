"""`candid serve`: the web studio on this computer (FastAPI + uvicorn)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Optional

import typer

from candid.cli._common import console
from candid.errors import CandidError


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; anything but loopback needs a token."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="TCP port."),
    library: Optional[Path] = typer.Option(None, "--library", help="Subject library folder."),
    data: Optional[Path] = typer.Option(None, "--data", help="Folder for jobs, uploads and results."),
    token: Optional[str] = typer.Option(None, "--token", envvar="CANDID_TOKEN",
                                        help="Access token (or set CANDID_TOKEN); generated when binding elsewhere."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Jobs run at once (default: one per core)."),
) -> int:
    """Open the web studio: enroll, make, compare at 1:1 and inspect in the browser."""
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - a core dependency
        raise CandidError("the web studio needs uvicorn and fastapi", hint="pip install candid") from None
    from candid.subjects.library import default_library_path
    from candid.web import create_app
    from candid.web.security import is_loopback_host

    if not is_loopback_host(host) and not token:
        token = secrets.token_urlsafe(18)
        console.print(f"[yellow]binding to {host}: access needs this token:[/yellow] {token}")
    lib = library or default_library_path()
    data_dir = data or (lib.parent / "studio")
    app = create_app(lib, data_dir, token=token, workers=workers)
    console.print(f"candid studio on http://{host if ':' not in host else f'[{host}]'}:{port}/  "
                  f"(library {lib}, data {data_dir}; Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    return 0


def register(app: typer.Typer) -> None:
    """Add `candid serve` to the CLI."""
    app.command("serve")(serve)
