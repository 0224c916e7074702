"""Erasing a person from the studio: what is recorded goes, look-alike results are asked about, not guessed."""

from __future__ import annotations

import io

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from candid.web import create_app  # noqa: E402

LOCAL = "http://127.0.0.1"


@pytest.fixture()
def client(tmp_path):
    app = create_app(tmp_path / "library", tmp_path / "data", workers=0, max_upload_bytes=3_000_000)
    with TestClient(app, base_url=LOCAL) as c:
        c.headers["X-Candid-CSRF"] = c.get("/api/session").json()["csrf"]
        yield c


def _upload(client, data: bytes, name: str, purpose: str = "source") -> str:
    r = client.post("/api/uploads", files={"file": (name, io.BytesIO(data), "image/jpeg")}, data={"purpose": purpose})
    assert r.status_code == 200, r.text
    return r.json()["id"]


def _done_job(client, upload_id: str, result: bytes, subject: str | None = None) -> str:
    """A finished make job with ``result`` as its result file (no worker runs in these tests)."""
    body = {"upload": upload_id, "size": "none", **({"subject": subject} if subject else {})}
    job = client.post("/api/jobs", json=body).json()["id"]
    store = client.app.state.store
    assert store.claim()["id"] == job
    folder = client.app.state.data_dir / "results" / job
    folder.mkdir(parents=True)
    (folder / "result.jpg").write_bytes(result)
    store.finish(job, "done", result={"changes": []})
    return job


def test_erase_removes_recorded_results_asks_about_look_alikes_and_says_what_went(client, photo_dir):
    her = (photo_dir / "original.jpg").read_bytes()
    crop = (photo_dir / "crop.jpg").read_bytes()
    other = (photo_dir / "someone-else.png").read_bytes()
    refs = [_upload(client, (photo_dir / n).read_bytes(), n, "reference") for n in ("original.jpg", "crop.jpg")]
    assert client.post("/api/subjects", json={"name": "Eileen Collins", "uploads": refs,
                                              "consent": {"kind": "self"}}).status_code == 200
    recorded = _done_job(client, _upload(client, her, "a.jpg"), her, subject="Eileen Collins")
    unrecorded = _done_job(client, _upload(client, crop, "b.jpg"), crop)   # her, made without choosing her
    stranger = _done_job(client, _upload(client, other, "c.png"), other)   # someone else
    abandoned_ref = _upload(client, crop, "never-enrolled.jpg", "reference")
    loose_source = _upload(client, her, "loose.jpg")                       # uploaded, never made

    traces = client.get("/api/subjects/Eileen Collins/traces").json()
    assert traces["photos"] == 2 and traces["results"] == 1 and traces["reference_uploads"] == 1
    ids = {c["id"] for c in traces["candidates"]}
    assert ids == {unrecorded, loose_source}, traces["candidates"]   # found by face; the stranger is not offered
    assert all("likeness" in c and "distance" not in c for c in traces["candidates"])

    # first erase: the person ticks the result but not the loose upload
    r = client.delete("/api/subjects/Eileen Collins", params={"also": [unrecorded]})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["photos_removed"] == 2 and out["results_removed"] == 2 and out["uploads_removed"] == 1
    assert out["kept"] == ["uploaded photo loose.jpg"] and out["leftovers"] == []
    data = client.app.state.data_dir
    assert client.get(f"/api/jobs/{recorded}").status_code == 404 and client.get(f"/api/jobs/{unrecorded}").status_code == 404
    assert not (data / "results" / recorded).exists() and not (data / "results" / unrecorded).exists()
    assert client.get(f"/api/jobs/{stranger}").json()["state"] == "done"   # someone else's result stays
    assert not list((data / "uploads").glob(f"{abandoned_ref}.*"))
    assert list((data / "uploads").glob(f"{loose_source}.*"))               # kept, as chosen
    assert client.get("/api/subjects").json() == []


def test_erase_refuses_ids_that_are_not_ids(client, photo_dir):
    refs = [_upload(client, (photo_dir / n).read_bytes(), n, "reference") for n in ("original.jpg", "crop.jpg")]
    client.post("/api/subjects", json={"name": "Ada", "uploads": refs, "consent": {"kind": "self"}})
    r = client.delete("/api/subjects/Ada", params={"also": ["../../jobs.sqlite"]})
    assert r.status_code == 400 and "not a result or upload id" in r.json()["error"]
    assert client.get("/api/subjects").json()[0]["name"] == "Ada"   # nothing was touched


def test_cli_delete_also_erases_their_studio_portraits(tmp_path, photo_dir, capsys):
    from candid.cli import main

    lib, studio = tmp_path / "candid" / "library", tmp_path / "candid" / "studio"  # where `candid serve` puts it
    app = create_app(lib, studio, workers=0)
    with TestClient(app, base_url=LOCAL) as c:
        c.headers["X-Candid-CSRF"] = c.get("/api/session").json()["csrf"]
        refs = [_upload(c, (photo_dir / n).read_bytes(), n, "reference") for n in ("original.jpg", "crop.jpg")]
        assert c.post("/api/subjects", json={"name": "Al", "uploads": refs, "consent": {"kind": "self"}}).status_code == 200
        job = _done_job(c, _upload(c, (photo_dir / "original.jpg").read_bytes(), "a.jpg"),
                        (photo_dir / "original.jpg").read_bytes(), subject="Al")
        lookalike = _done_job(c, _upload(c, (photo_dir / "crop.jpg").read_bytes(), "b.jpg"),
                              (photo_dir / "crop.jpg").read_bytes())
    assert main(["subjects", "delete", "Al", "--yes", "--library", str(lib)]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "1 studio portrait(s)" in said and "verified: no trace of Al" in said
    assert f"kept (may show someone else; you did not choose it): studio result {lookalike[:8]}" in said
    assert not (studio / "results" / job).exists() and (studio / "results" / lookalike).exists()
