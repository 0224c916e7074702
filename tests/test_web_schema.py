"""Schemathesis against the published OpenAPI schema: generated requests never get a server error.

The app is built inside the test (in pytest's own temporary folder), not at
import: collecting this file creates nothing on disk and leaves no folders.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed (pip install -e '.[test]')")
pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from candid.web import create_app  # noqa: E402


def test_no_server_errors(tmp_path):
    app = create_app(tmp_path / "library", tmp_path / "data", workers=0, max_upload_bytes=1_000_000)
    # A session cookie and its CSRF value, so generated POSTs reach the handlers.
    with TestClient(app, base_url="http://127.0.0.1") as c:
        headers = {"X-Candid-CSRF": c.get("/api/session").json()["csrf"], "Host": "127.0.0.1"}
        cookies = {"candid_session": c.cookies.get("candid_session")}
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers={"Host": "127.0.0.1"}).exclude(
        path_regex=r"/events$")
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) >= 20  # the walk itself works

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate(headers=headers, cookies=cookies, checks=[not_a_server_error])

        check()


def test_collecting_this_file_builds_no_app():
    import sys

    names = vars(sys.modules[__name__])
    assert "APP" not in names and "_ROOT" not in names
