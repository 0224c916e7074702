"""Schemathesis against the published OpenAPI schema: generated requests never get a server error."""

from __future__ import annotations

import tempfile

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e '.[test]')")
pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from candid.web import create_app  # noqa: E402

_ROOT = tempfile.mkdtemp(prefix="candid-schema-")
APP = create_app(f"{_ROOT}/library", f"{_ROOT}/data", workers=0, max_upload_bytes=1_000_000)
# A session cookie and its CSRF value, so generated POSTs reach the handlers.
with TestClient(APP, base_url="http://127.0.0.1") as _c:
    HEADERS = {"X-Candid-CSRF": _c.get("/api/session").json()["csrf"], "Host": "127.0.0.1"}
    COOKIES = {"candid_session": _c.cookies.get("candid_session")}

schema = schemathesis.openapi.from_asgi("/openapi.json", APP, headers={"Host": "127.0.0.1"}).exclude(
    path_regex=r"/events$")


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    case.call_and_validate(headers=HEADERS, cookies=COOKIES, checks=[not_a_server_error])
