"""Browser tests: a real `candid serve` process driven by Playwright in Debian's Chromium.

Chromium comes from the system (``apt-get install chromium``, done by ``make test``
when missing); Playwright never downloads a browser here. Screenshots go to
``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CANDID_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(library: Path, data: Path, port: int, *extra: str) -> subprocess.Popen:
    """``candid serve`` on 127.0.0.1:port; returns once it answers."""
    import httpx

    log = open(data.parent / f"server-{port}.log", "ab")
    proc = subprocess.Popen([sys.executable, "-m", "candid", "serve", "--port", str(port), "--library", str(library),
                             "--data", str(data), *extra], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; see {log.name}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/session", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start in 60 s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("web-e2e")
    port = free_port()
    proc = start_server(root / "library", root / "data", port, "--workers", "1")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    required = os.environ.get("CANDID_REQUIRE_BROWSER") == "1"  # set by .ci/run: on CI these tests must run
    missing = None
    try:
        from playwright import sync_api
    except ImportError:
        missing = "the playwright package is not installed (pip install -e '.[test]')"
    if missing is None and not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing = f"no Chromium at {CHROMIUM}: install it with `apt-get install chromium` (make test does as root)"
    if missing:
        if required:
            pytest.fail(f"CANDID_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def shot():
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page, name: str, **kw) -> Path:
        path = ARTIFACTS / f"web-{name}.png"
        page.screenshot(path=str(path), **kw)
        return path

    return save
