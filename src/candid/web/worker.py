"""Workers that take jobs from the :class:`~candid.web.store.JobStore` and run each in its own process.

``N`` light dispatcher threads in the server each claim a job and run it in a
child process (``multiprocessing`` *spawn*), so the heavy Python work never
holds the server's GIL (status polls stay fast while a portrait is made), a
crash in native code fails one job instead of the server, and cancel is
immediate (the child is terminated). The child reports progress, log lines
and the final state straight to SQLite; it exits by itself if the server
process dies, so a restarted server can resume the job without a twin
running. ``in_process=True`` runs jobs in the dispatcher thread instead.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
import traceback
from pathlib import Path

from candid.errors import CandidError
from candid.machine import usable_cpus
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

    def __init__(self, store: JobStore, data_dir: Path, library: Path, workers: int | None = None,
                 in_process: bool = False):
        self.store, self.data_dir, self.library = store, data_dir, library
        self.in_process = in_process
        self.n = max(1, int(workers or usable_cpus()))
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
            if self.in_process:
                run_job(self.store, job, self.data_dir, self.library, stopping=self._stop.is_set)
            else:
                self._run_child(job)

    def _run_child(self, job: dict) -> None:
        ctx = multiprocessing.get_context("spawn")
        proc = ctx.Process(target=_child_main, name=f"candid-job-{job['id'][:8]}", daemon=True,
                           args=(str(self.store.path), job, str(self.data_dir), str(self.library), os.getpid()))
        proc.start()
        while proc.is_alive():
            proc.join(0.3)
            if self._stop.is_set():
                proc.terminate()  # the job stays 'running' and is resumed after the restart
                proc.join(5)
                return
            if self.store.cancel_requested(job["id"]) and proc.is_alive():
                proc.terminate()
                proc.join(5)
                if self.store.get(job["id"])["state"] == "running":
                    self.store.append_log(job["id"], "cancelled")
                    self.store.finish(job["id"], "cancelled", error="cancelled by the user")
                return
        if self.store.get(job["id"])["state"] == "running":  # the child died without a word
            self.store.append_log(job["id"], f"worker process died (exit code {proc.exitcode})")
            self.store.finish(job["id"], "failed", error=f"the worker process died (exit code {proc.exitcode})",
                              hint="the input may be too large for this machine's memory; see the server log")


def _child_main(store_path: str, job: dict, data_dir: str, library: str, parent: int) -> None:
    """Entry point of a job's process: watch the parent, run the job, exit."""
    def watch() -> None:
        while True:
            if os.getppid() != parent:  # the server died: leave the job to the restarted server
                os._exit(0)
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()
    run_job(JobStore(store_path), job, Path(data_dir), Path(library), stopping=lambda: os.getppid() != parent)


def run_job(store: JobStore, job: dict, data_dir: Path, library: Path, *, stopping=lambda: False) -> None:
    """Run one claimed job to a final state in this process; never raises."""
    job_id = job["id"]

    def on_step(i: int, n: int, stage: str) -> None:
        if stopping():
            raise JobCancelled("server stopping")
        if store.cancel_requested(job_id):
            raise JobCancelled("cancelled by the user")
        store.progress(job_id, i / max(n, 1), stage)
        store.append_log(job_id, f"[{i}/{n}] {stage}")

    store.append_log(job_id, f"started (attempt {job['attempts']}, process {os.getpid()})")
    try:
        runner = RUNNERS[job["kind"]]
        result = runner(job["params"], data_dir=data_dir, library=library,
                        out_dir=data_dir / "results" / job_id, on_step=on_step,
                        log=lambda line: store.append_log(job_id, line))
    except JobCancelled as exc:
        if stopping() and not store.cancel_requested(job_id):
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
