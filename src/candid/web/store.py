"""The persistent job queue: one SQLite table, safe across threads and restarts.

A job moves ``queued -> running -> done | failed | cancelled``. Every change is
one short transaction, so a crash (or ``kill -9``) can only leave a job
``running``; :meth:`JobStore.recover` (called at start-up) re-queues such jobs
once, and marks them failed with a reason on the second interruption, so no
job is ever silently lost.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

STATES = ("queued", "running", "done", "failed", "cancelled")
FINAL = ("done", "failed", "cancelled")
#: How often a job may be interrupted by a restart before it is marked failed.
MAX_ATTEMPTS = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    params TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    progress REAL NOT NULL DEFAULT 0,
    stage TEXT NOT NULL DEFAULT '',
    log TEXT NOT NULL DEFAULT '',
    error TEXT,
    hint TEXT,
    result TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    updated TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state, created);
"""


class _Borrowed:
    """A thread's cached connection; ``close()`` is a no-op so ``with closing(...)`` can be used."""

    def __init__(self, con: sqlite3.Connection):
        self._con = con

    def execute(self, *args):
        return self._con.execute(*args)

    def close(self) -> None:
        if self._con.in_transaction:  # an exception left a transaction open
            self._con.execute("ROLLBACK")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


class JobStore:
    """Jobs in ``<data_dir>/jobs.sqlite``.

    Parameters
    ----------
    path : path-like
        The database file (created if missing).

    Examples
    --------
    >>> import tempfile, os
    >>> store = JobStore(os.path.join(tempfile.mkdtemp(), "jobs.sqlite"))
    >>> job_id = store.submit("make", {"upload": "x"})
    >>> store.get(job_id)["state"]
    'queued'
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._local = threading.local()
        con = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        con.execute("PRAGMA journal_mode = WAL")  # persistent: readers never wait for the writer
        con.executescript(_SCHEMA)
        con.close()

    def _open(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA synchronous = NORMAL")
        return con

    def _connect(self) -> "_Borrowed":
        """This thread's connection (opened once per thread), wrapped so ``closing()`` keeps it open."""
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = self._open()
        return _Borrowed(con)

    def _exec(self, sql: str, args: tuple = ()) -> int:
        with self._lock, closing(self._connect()) as con:
            return con.execute(sql, args).rowcount

    @staticmethod
    def _row(row: sqlite3.Row | None) -> dict[str, Any] | None:
        if row is None:
            return None
        job = dict(row)
        job["params"] = json.loads(job["params"])
        job["result"] = json.loads(job["result"]) if job["result"] else None
        job["cancel_requested"] = bool(job["cancel_requested"])
        return job

    # -- writing ---------------------------------------------------------
    def submit(self, kind: str, params: dict[str, Any]) -> str:
        """Queue a job; returns its id (32 hex digits)."""
        job_id = uuid.uuid4().hex
        now = _now()
        self._exec("INSERT INTO jobs (id, kind, params, state, created, updated) VALUES (?, ?, ?, 'queued', ?, ?)",
                   (job_id, kind, json.dumps(params), now, now))
        return job_id

    def claim(self) -> dict[str, Any] | None:
        """Take the oldest queued job and mark it running (atomic), or None."""
        with self._lock, closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")
            row = con.execute("SELECT id FROM jobs WHERE state = 'queued' ORDER BY created, id LIMIT 1").fetchone()
            if row is None:
                con.execute("COMMIT")
                return None
            con.execute("UPDATE jobs SET state = 'running', attempts = attempts + 1, updated = ? WHERE id = ?",
                        (_now(), row["id"]))
            job = con.execute("SELECT * FROM jobs WHERE id = ?", (row["id"],)).fetchone()
            con.execute("COMMIT")
        return self._row(job)

    def progress(self, job_id: str, progress: float, stage: str) -> None:
        self._exec("UPDATE jobs SET progress = ?, stage = ?, updated = ? WHERE id = ? AND state = 'running'",
                   (float(progress), stage, _now(), job_id))

    def append_log(self, job_id: str, line: str) -> None:
        stamp = datetime.now(timezone.utc).strftime("%H:%M:%S")
        self._exec("UPDATE jobs SET log = log || ?, updated = ? WHERE id = ?", (f"{stamp} {line}\n", _now(), job_id))

    def finish(self, job_id: str, state: str, *, result: Any = None, error: str | None = None,
               hint: str | None = None) -> None:
        """Move a running job to a final state."""
        if state not in FINAL:
            raise ValueError(f"not a final state: {state}")
        self._exec("UPDATE jobs SET state = ?, result = ?, error = ?, hint = ?, progress = CASE WHEN ? = 'done' "
                   "THEN 1 ELSE progress END, stage = CASE WHEN ? = 'done' THEN 'done' ELSE stage END, "
                   "updated = ? WHERE id = ?",
                   (state, json.dumps(result) if result is not None else None, error, hint, state, state, _now(),
                    job_id))

    def cancel(self, job_id: str) -> str | None:
        """Cancel a job: queued ones at once, running ones at their next stage boundary.

        Returns the state after the request (None: no such job).
        """
        with self._lock, closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")
            row = con.execute("SELECT state FROM jobs WHERE id = ?", (job_id,)).fetchone()
            if row is None:
                con.execute("COMMIT")
                return None
            state = row["state"]
            if state == "queued":
                state = "cancelled"
                con.execute("UPDATE jobs SET state = 'cancelled', error = 'cancelled before it started', "
                            "updated = ? WHERE id = ?", (_now(), job_id))
            elif state == "running":
                con.execute("UPDATE jobs SET cancel_requested = 1, updated = ? WHERE id = ?", (_now(), job_id))
            con.execute("COMMIT")
        return state

    def delete(self, job_id: str) -> bool:
        """Remove a finished job's row (False if it is queued or running, or unknown)."""
        return self._exec("DELETE FROM jobs WHERE id = ? AND state IN ('done', 'failed', 'cancelled')",
                          (job_id,)) == 1

    def uses_upload(self, upload_id: str) -> bool:
        """Whether any job still names this upload."""
        with closing(self._connect()) as con:
            return con.execute("SELECT 1 FROM jobs WHERE json_extract(params, '$.upload') = ? LIMIT 1",
                               (upload_id,)).fetchone() is not None

    def recover(self) -> tuple[list[str], list[str]]:
        """At start-up: re-queue jobs a previous process left running, or fail them.

        Returns
        -------
        (requeued, failed) : lists of job ids
        """
        requeued, failed = [], []
        with self._lock, closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")
            rows = con.execute("SELECT id, attempts, cancel_requested FROM jobs WHERE state = 'running'").fetchall()
            now = _now()
            stamp = datetime.now(timezone.utc).strftime("%H:%M:%S")
            for row in rows:
                if row["cancel_requested"]:
                    con.execute("UPDATE jobs SET state = 'cancelled', error = 'cancelled (server stopped while "
                                "running)', updated = ? WHERE id = ?", (now, row["id"]))
                elif row["attempts"] >= MAX_ATTEMPTS:
                    failed.append(row["id"])
                    con.execute("UPDATE jobs SET state = 'failed', error = ?, hint = ?, log = log || ?, updated = ? "
                                "WHERE id = ?",
                                (f"interrupted {row['attempts']} times by a server restart",
                                 "submit it again; if it keeps stopping the server, the input may be too large",
                                 f"{stamp} interrupted by a restart; giving up\n", now, row["id"]))
                else:
                    requeued.append(row["id"])
                    con.execute("UPDATE jobs SET state = 'queued', progress = 0, stage = '', log = log || ?, "
                                "updated = ? WHERE id = ?",
                                (f"{stamp} interrupted by a server restart; queued again (runs from the start)\n",
                                 now, row["id"]))
            con.execute("COMMIT")
        return requeued, failed

    # -- reading ---------------------------------------------------------
    def get(self, job_id: str) -> dict[str, Any] | None:
        with closing(self._connect()) as con:
            return self._row(con.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone())

    def cancel_requested(self, job_id: str) -> bool:
        with closing(self._connect()) as con:
            row = con.execute("SELECT cancel_requested FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return bool(row and row[0])

    def list(self, *, kind: str | None = None, state: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        sql, args = "SELECT * FROM jobs WHERE 1 = 1", []
        if kind:
            sql, args = sql + " AND kind = ?", args + [kind]
        if state:
            sql, args = sql + " AND state = ?", args + [state]
        sql += " ORDER BY created DESC LIMIT ?"
        with closing(self._connect()) as con:
            return [self._row(r) for r in con.execute(sql, (*args, int(limit))).fetchall()]
