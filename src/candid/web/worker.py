"""Worker threads that take jobs from the :class:`~candid.web.store.JobStore`.

Threads (not processes) keep the server one process that starts in a second;
the heavy work is numpy / OpenCV / libvips code that releases the GIL, so
``N`` workers use ``N`` cores. Cancelling is checked at every stage boundary.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from pathlib import Path

from candid.errors import CandidError
from candid.web.jobs import JobCancelled, run_make
from candid.web.store import JobStore

log = logging.getLogger("candid.web")

RUNNERS = {"make": run_make}


class WorkerPool:
    """``workers`` threads running queued jobs until :meth:`stop`.

    Parameters
    ----------
    store : JobStore
    data_dir, library : Path
    workers : int, optional
        Default: one per core.
    """

    def __init__(self, store: JobStore, data_dir: Path, library: Path, workers: int | None = None):
        self.store, self.data_dir, self.library = store, data_dir, library
        self.n = max(1, int(workers or os.cpu_count() or 1))
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for i in range(self.n):
            t = threading.Thread(target=self._loop, name=f"candid-worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def wake(self) -> None:
        """Tell idle workers a job was queued."""
        self._wake.set()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop taking jobs; running jobs finish in the background (daemon threads) or resume after restart."""
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            job = self.store.claim()
            if job is None:
                self._wake.wait(0.5)
                self._wake.clear()
                continue
            self.run(job)

    def run(self, job: dict) -> None:
        """Run one claimed job to a final state; never raises."""
        job_id = job["id"]
        store = self.store

        def on_step(i: int, n: int, stage: str) -> None:
            if self._stop.is_set():
                raise JobCancelled("server stopping")
            if store.cancel_requested(job_id):
                raise JobCancelled("cancelled by the user")
            store.progress(job_id, i / max(n, 1), stage)
            store.append_log(job_id, f"[{i}/{n}] {stage}")

        store.append_log(job_id, f"started (attempt {job['attempts']})")
        try:
            runner = RUNNERS[job["kind"]]
            result = runner(job["params"], data_dir=self.data_dir, library=self.library,
                            out_dir=self.data_dir / "results" / job_id, on_step=on_step,
                            log=lambda line: store.append_log(job_id, line))
        except JobCancelled as exc:
            if self._stop.is_set() and not store.cancel_requested(job_id):
                store.append_log(job_id, "server stopping; the job stays 'running' and is resumed on restart")
                return
            store.append_log(job_id, "cancelled")
            store.finish(job_id, "cancelled", error=str(exc))
        except CandidError as exc:
            store.append_log(job_id, f"error: {exc.message}")
            store.finish(job_id, "failed", error=exc.message, hint=exc.hint)
        except Exception as exc:  # a bug: keep the traceback in the server log, not in the user's face
            log.error("job %s failed:\n%s", job_id, traceback.format_exc())
            store.append_log(job_id, f"internal error: {type(exc).__name__}")
            store.finish(job_id, "failed", error=f"internal error ({type(exc).__name__}); see the server log",
                         hint="this is a bug in candid; please report it with the server log")
        else:
            store.append_log(job_id, "done")
            store.finish(job_id, "done", result=result)
