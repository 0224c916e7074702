"""Jobs really running: progress by server-sent events, cancel, keep/undo, and restart during a job."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time

import httpx
import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from candid.web import create_app  # noqa: E402

LOCAL = "http://127.0.0.1"  # the studio answers only on loopback names without a token
from candid.web.store import MAX_ATTEMPTS, JobStore  # noqa: E402

pytestmark = pytest.mark.slow


def wait_for(get, pred, timeout=120.0, every=0.3):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = get()
        if pred(value):
            return value
        time.sleep(every)
    raise AssertionError(f"timed out; last value: {value}")


def test_make_with_subject_and_keep_streams_progress_then_cancel(tmp_path, photo_dir):
    app = create_app(tmp_path / "library", tmp_path / "data", workers=1)
    with TestClient(app, base_url=LOCAL) as c:
        c.headers["X-Candid-CSRF"] = c.get("/api/session").json()["csrf"]

        def up(name, purpose="source"):
            with open(photo_dir / name, "rb") as fh:
                return c.post("/api/uploads", files={"file": (name, fh)}, data={"purpose": purpose}).json()["id"]

        ids = [up(n, "reference") for n in ("original.jpg", "crop.jpg")]
        assert c.post("/api/subjects", json={"name": "Eileen", "uploads": ids,
                                             "consent": {"kind": "self"}}).status_code == 200
        source = up("darker.png")
        job = c.post("/api/jobs", json={"upload": source, "size": "none", "subject": "Eileen",
                                        "keep": {"eye-size": 0.5}}).json()
        events = []
        with c.stream("GET", f"/api/jobs/{job['id']}/events") as s:
            for line in s.iter_lines():
                if line.startswith("data: "):
                    events.append(json.loads(line[6:]))
        states = [e["state"] for e in events]
        assert states[-1] == "done", events[-1]
        progress = [e["progress"] for e in events]
        assert progress == sorted(progress) and len(events) >= 4
        assert {"engine.studio", "honest"} & {e["stage"] for e in events}  # the stream polls: a quick stage can pass unseen
        log = c.get(f"/api/jobs/{job['id']}/log").text
        assert "] engine.studio" in log and "] honest" in log  # ... but the log has every stage
        res = c.get(f"/api/results/{job['id']}").json()["summary"]
        assert res["honest"]["subject"] == "Eileen" and res["honest"]["keep"] == {"eye-size": 0.5}
        assert len(res["honest"]["findings"]) >= 10
        assert c.get(f"/api/results/{job['id']}/image").content[:3] == b"\xff\xd8\xff"
        assert c.get(f"/api/results/{job['id']}/report").text.lstrip().lower().startswith("<!doctype html")
        heat = [t["name"] for t in res["tells"] if t["heatmap"]]
        assert heat and c.get(f"/api/results/{job['id']}/heat/{heat[0]}.png").content[:4] == b"\x89PNG"
        dzi = c.get(f"/api/results/{job['id']}/tiles/result.dzi").text
        assert f'Width="{res["width"]}"' in dzi
        assert c.get(f"/api/results/{job['id']}/tiles/result_files/0/0_0.jpg").status_code == 200
        log = c.get(f"/api/jobs/{job['id']}/log").text
        assert "engine.studio" in log and "labelled as AI-edited" in log

        # cancel while running: stops at the next stage boundary
        job2 = c.post("/api/jobs", json={"upload": source, "size": "none"}).json()
        wait_for(lambda: c.get(f"/api/jobs/{job2['id']}").json(), lambda j: j["state"] == "running")
        assert c.post(f"/api/jobs/{job2['id']}/cancel").status_code == 200
        done = wait_for(lambda: c.get(f"/api/jobs/{job2['id']}").json(), lambda j: j["state"] != "running")
        assert done["state"] == "cancelled" and done["error"] == "cancelled by the user"


def test_recover_requeues_once_then_fails_with_a_reason(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite")
    a, b, c = store.submit("make", {}), store.submit("make", {}), store.submit("make", {})
    for _ in range(3):
        store.claim()
    store.cancel(c)  # cancel requested while running, then the server died
    with sqlite3.connect(tmp_path / "jobs.sqlite") as con:
        con.execute("UPDATE jobs SET attempts = ? WHERE id = ?", (MAX_ATTEMPTS, b))
    requeued, failed = store.recover()
    assert requeued == [a] and failed == [b]
    assert store.get(a)["state"] == "queued" and "interrupted" in store.get(a)["log"]
    assert store.get(b)["state"] == "failed" and "interrupted" in store.get(b)["error"] and store.get(b)["hint"]
    assert store.get(c)["state"] == "cancelled"


def test_restart_during_a_job_resumes_it(tmp_path, photo_dir):
    """kill -9 the server while a job runs; the restarted server finishes it."""
    from tests.e2e.conftest import free_port, start_server

    lib, data, port = tmp_path / "library", tmp_path / "data", free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(lib, data, port, "--workers", "1")
    try:
        with httpx.Client(base_url=base, timeout=30) as c:
            c.headers["X-Candid-CSRF"] = c.get("/api/session").json()["csrf"]
            with open(photo_dir / "original.jpg", "rb") as fh:
                up = c.post("/api/uploads", files={"file": ("me.jpg", fh)}).json()["id"]
            job = c.post("/api/jobs", json={"upload": up, "size": "none"}).json()
            wait_for(lambda: c.get(f"/api/jobs/{job['id']}").json(),
                     lambda j: j["state"] == "running" and j["stage"] in ("engine.studio", "honest"), every=0.1)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        with sqlite3.connect(data / "jobs.sqlite") as con:
            assert con.execute("SELECT state FROM jobs WHERE id = ?", (job["id"],)).fetchone()[0] == "running"
        port2 = free_port()
        proc = start_server(lib, data, port2, "--workers", "1")
        with httpx.Client(base_url=f"http://127.0.0.1:{port2}", timeout=30) as c:
            final = wait_for(lambda: c.get(f"/api/jobs/{job['id']}").json(),
                             lambda j: j["state"] in ("done", "failed", "cancelled"))
            assert final["state"] == "done" and final["attempts"] == 2
            log = c.get(f"/api/jobs/{job['id']}/log").text
            assert "interrupted by a server restart; queued again" in log
            assert c.get(f"/api/results/{job['id']}/image").status_code == 200
    finally:
        proc.kill()
        proc.wait(10)


def test_a_result_offers_its_matte_paired_with_the_download(tmp_path, photo_dir):
    """Issue 18: the web's result has the cut-out's matte, scaled by the web's own finish, served under the
    image download's name + ``.matte.png`` so the two saved side by side pair up for `candid finish`."""
    import re

    from candid.finish import load_saved_matte, sidecar_path

    app = create_app(tmp_path / "library", tmp_path / "data", workers=1)
    with TestClient(app, base_url=LOCAL) as c:
        c.headers["X-Candid-CSRF"] = c.get("/api/session").json()["csrf"]
        with open(photo_dir / "original.jpg", "rb") as fh:
            up = c.post("/api/uploads", files={"file": ("me.jpg", fh)}).json()["id"]
        job = c.post("/api/jobs", json={"upload": up, "size": "480x600"}).json()  # the web's finish enlarges
        final = wait_for(lambda: c.get(f"/api/jobs/{job['id']}").json(),
                         lambda j: j["state"] in ("done", "failed", "cancelled"), timeout=300)
        assert final["state"] == "done", final
        res = c.get(f"/api/results/{job['id']}").json()["summary"]
        shape = (res["height"], res["width"])
        assert max(shape) == 600 or res["width"] == 480  # enlarged by the finish (the source crop is smaller)
        assert (res["matte"]["height"], res["matte"]["width"]) == shape
        assert "candid finish" in res["matte"]["what"] and "candid's own matte" in res["matte"]["what"]
        folder = tmp_path / "downloads"
        folder.mkdir()
        names = []
        for what in ("image", "matte"):
            r = c.get(f"/api/results/{job['id']}/{what}")
            assert r.status_code == 200
            name = re.search(r'filename="?([^";]+)"?', r.headers["content-disposition"]).group(1)
            (folder / name).write_bytes(r.content)
            names.append(name)
        assert names[1] == names[0] + ".matte.png" and names[0].endswith(".jpg")
        got = load_saved_matte(folder / names[0])  # what `candid finish` on the download will find
        assert got.matte is not None and got.matte.shape == shape and 0.1 < float(got.matte.mean()) < 0.9
        assert "wrote result.jpg.matte.png" in c.get(f"/api/jobs/{job['id']}/log").text
        # a result without a matte (a fallback, or made before mattes were kept): one clear line, 404
        sidecar_path(tmp_path / "data" / "results" / job["id"] / "result.jpg").unlink()
        r = c.get(f"/api/results/{job['id']}/matte")
        assert r.status_code == 404 and r.json()["error"].startswith("this result has no matte")
        assert c.get(f"/api/results/{'0' * 32}/matte").status_code == 404
        assert c.get("/api/results/not-an-id/matte").status_code in (404, 422)
