"""The HTML pages (static files with a strict Content-Security-Policy) and ``/`` -> ``/make``."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

HERE = Path(__file__).resolve().parent.parent
PAGES = ("subjects", "make", "results", "compare", "login")
CSP = "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'"

router = APIRouter(include_in_schema=False)


@router.get("/")
def home():
    return RedirectResponse("/make", status_code=303)


def _page(name: str):
    def handler():
        return HTMLResponse((HERE / "pages" / f"{name}.html").read_text(encoding="utf-8"),
                            headers={"Content-Security-Policy": CSP})
    handler.__name__ = f"page_{name}"
    return handler


for _name in PAGES:
    router.get(f"/{_name}", response_class=HTMLResponse)(_page(_name))
