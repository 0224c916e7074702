"""Batch on a local Ray instance: same semantics and same outputs as the local process pool."""

from __future__ import annotations

import csv
import os

import cv2
import numpy as np
import pytest

ray = pytest.importorskip("ray", reason="ray is not installed (pip install 'candid[ray]'); Ray backend untested")

from candid.batch import ResultStore, load_manifest, run_batch  # noqa: E402
from candid.imageio import read_image, write_image  # noqa: E402
from candid.recipes import STAGES, Recipe, Step  # noqa: E402

FIXED = "2026-01-01T00:00:00+00:00"


def icc_date_free(data: bytes) -> bytes:
    """Zero the embedded ICC profile's creation date (per-process; see test_batch.py)."""
    i = data.find(b"acsp")
    if i < 36:
        return data
    return data[:i - 12] + bytes(12) + data[i:]


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray instance for the module (start-up costs several seconds)."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def manifest(tmp_path_factory, astronaut):
    folder = tmp_path_factory.mktemp("ray-in")
    base = cv2.resize(astronaut, (160, 160), interpolation=cv2.INTER_AREA)
    rows = []
    for i in range(4):
        write_image(folder / f"p{i}.png", np.clip(base * (0.9 + 0.05 * i), 0, 1).astype(np.float32))
        rows.append(["", f"p{i}.png", "", f"o{i}.jpg"])
    rows.append(["", "p0.png", '{"looks.film": {"frame": "no-such-frame"}}', "bad.jpg"])
    with open(folder / "m.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["subject", "inputs", "overrides", "output"])
        w.writerows(rows)
    return load_manifest(folder / "m.csv")


def recipe() -> Recipe:
    if not {"looks.film", "finish"} <= set(STAGES):
        pytest.skip("looks.film and finish are not registered")
    return Recipe(name="fast", steps=[Step(stage="looks.film", params={"stock": "portra-400", "seed": 3}),
                                      Step(stage="finish", params={"size": "320x320", "seed": 1})])


def test_ray_and_local_give_the_same_outputs(local_ray, manifest, tmp_path):
    r = recipe()
    on_ray = run_batch(manifest, r, tmp_path / "ray", backend="ray", fixed_time=FIXED)
    local = run_batch(manifest, r, tmp_path / "local", backend="local", workers=2, fixed_time=FIXED)
    for s in (on_ray, local):
        assert (s.total, s.done, s.failed) == (5, 4, 1)
        assert "no-such-frame" in next(x for x in s.rows if x.output == "bad.jpg").error
    assert [x.key for x in on_ray.rows] == [x.key for x in local.rows]
    for row in local.rows[:4]:
        # the stored objects are byte-identical across backends (the published copies differ
        # only in their C2PA signature, which carries a signing time)
        a = ResultStore(tmp_path / "ray").object_path(row.key, ".jpg").read_bytes()
        b = ResultStore(tmp_path / "local").object_path(row.key, ".jpg").read_bytes()
        assert a == b  # byte-identical across backends
    for i in range(4):
        assert np.array_equal(read_image(tmp_path / "ray" / f"o{i}.jpg").pixels,
                              read_image(tmp_path / "local" / f"o{i}.jpg").pixels)
    workers = {e.get("worker", "").split(":")[-1] for e in ResultStore(tmp_path / "ray").read_journal()
               if e["event"] == "done"}
    assert workers and str(os.getpid()) not in workers  # ran in Ray workers, not here


def test_ray_resumes_a_local_batch(local_ray, manifest, tmp_path):
    """The store is backend-neutral: what the pool finished, Ray does not redo."""
    r = recipe()
    first = run_batch(manifest, r, tmp_path / "out", backend="local", workers=2, fixed_time=FIXED)
    again = run_batch(manifest, r, tmp_path / "out", backend="ray", fixed_time=FIXED)
    assert first.done == 4 and (again.done, again.cached, again.failed) == (0, 4, 1)
