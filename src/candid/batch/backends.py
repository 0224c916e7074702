"""Where work items run: a local process pool or a Ray cluster, with the same semantics.

A backend takes work items and yields one :class:`ItemResult` per item as each
finishes, in completion order. Both call :func:`candid.batch.worker.process_item`
and both isolate failures: an exception in a stage is a failed result; a worker
process that dies (out of memory, a crash in native code) has its item retried
once on its own and, if it dies again, reported as failed. Neither backend
writes to the batch folder; the caller stores what they yield.

Memory is bounded by scheduling: every item carries an estimate of its peak
memory (:func:`candid.batch.plan.estimate_bytes`). The local pool only starts an
item while the estimates of the running items fit in the memory budget (80 % of
the available memory by default), so 8K items run fewer at a time than 1K ones.
Ray gets the same estimate as the task's ``memory`` resource and schedules it
across the cluster the same way.
"""

from __future__ import annotations

import collections
import multiprocessing
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Iterable, Iterator

from candid.batch.plan import WorkItem
from candid.batch.worker import _THREAD_VARS, ItemResult, limit_threads, process_item
from candid.errors import ModelUnavailableError
from candid.machine import usable_cpus

BACKENDS = ("local", "ray")


def cpu_count() -> int:
    """CPUs this process may use.

    Examples
    --------
    >>> cpu_count() >= 1
    True
    """
    return usable_cpus()


def available_memory() -> int:
    """Bytes of memory available for new work (``MemAvailable``), or 4 GiB if unknown.

    Examples
    --------
    >>> available_memory() > 0
    True
    """
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover
        pass
    return 4 << 30  # pragma: no cover


def _died(item: WorkItem, why: str) -> ItemResult:
    return ItemResult(key=item.key, line=item.line, output=item.output, ok=False, error_kind="WorkerDied",
                      error=f"the worker process died twice running this item ({why}); "
                            "likely out of memory or a crash in native code")


# How long a pool may have in-flight work and no live worker before we call it broken. The
# executor's own manager thread notices a dead worker within a moment; this guards the rare case
# where that thread itself is stuck reading from a dead pipe (seen once under heavy load).
_NO_WORKER_GRACE_S = 30.0
_POLL_S = 1.0


def _wait_or_broken(pool: ProcessPoolExecutor, futures: list, *, grace: float = _NO_WORKER_GRACE_S):
    """Wait for the first of ``futures`` to finish, never forever.

    Returns the finished futures, or None when no worker process has been alive
    for ``grace`` seconds while work was in flight.
    """
    import time

    lonely_since = None
    while True:
        done, _ = wait(futures, timeout=_POLL_S, return_when=FIRST_COMPLETED)
        if done:
            return done
        procs = getattr(pool, "_processes", None) or {}
        if any(p.is_alive() for p in procs.values()):
            lonely_since = None
            continue
        lonely_since = lonely_since if lonely_since is not None else time.monotonic()
        if time.monotonic() - lonely_since > grace:
            return None


def run_local(items: Iterable[WorkItem], *, workers: int, memory_budget: int | None = None,
              threads: int | None = None) -> Iterator[ItemResult]:
    """Run items in a pool of ``workers`` spawned processes, yielding results as they finish.

    Parameters
    ----------
    items : iterable of WorkItem
    workers : int
        Processes in the pool.
    memory_budget : int, optional
        Bytes the running items' estimates may add up to (at least one item
        always runs). Default: 80 % of available memory.
    threads : int, optional
        Threads per worker for numeric libraries (default ``cores // workers``).

    Yields
    ------
    ItemResult

    Examples
    --------
    >>> results = list(run_local(items, workers=2))  # doctest: +SKIP
    """
    workers = max(1, int(workers))
    threads = threads or max(1, cpu_count() // workers)
    budget = memory_budget if memory_budget is not None else int(0.8 * available_memory())
    pending = collections.deque(items)
    crashes: dict[str, int] = {}
    ctx = multiprocessing.get_context("spawn")
    while pending:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=limit_threads,
                                   initargs=(threads,))
        inflight: dict = {}
        broken = False
        try:
            while (pending or inflight) and not broken:
                while pending and len(inflight) < workers:
                    nxt = pending[0]
                    solo = crashes.get(nxt.key, 0) > 0 or any(crashes.get(i.key, 0) for i in inflight.values())
                    used = sum(i.est_bytes for i in inflight.values())
                    if inflight and (solo or used + nxt.est_bytes > budget):
                        break
                    pending.popleft()
                    inflight[pool.submit(process_item, nxt, None, threads=threads)] = nxt
                done = _wait_or_broken(pool, list(inflight))
                if done is None:  # every worker is gone but the pool never noticed: treat it as broken
                    broken = True
                    break
                for fut in done:
                    item = inflight.pop(fut)
                    try:
                        yield fut.result()
                    except BrokenProcessPool as exc:
                        broken = True
                        crashes[item.key] = crashes.get(item.key, 0) + 1
                        if crashes[item.key] >= 2:
                            yield _died(item, str(exc) or "process pool broken")
                        else:
                            pending.appendleft(item)
            if broken:  # the rest of the in-flight items failed with the pool: run them again
                for fut, item in inflight.items():
                    crashes[item.key] = crashes.get(item.key, 0) + 1
                    if crashes[item.key] >= 2:
                        yield _died(item, "process pool broken")
                    else:
                        pending.appendleft(item)
                inflight.clear()
        finally:
            pool.shutdown(wait=not broken and not inflight, cancel_futures=True)


def _ray():
    try:
        import ray
    except ImportError:
        raise ModelUnavailableError(
            "the ray backend needs the 'ray' package, which is not installed",
            hint="pip install 'candid[ray]' (or use --backend local)") from None
    return ray


def run_ray(items: Iterable[WorkItem], *, workers: int | None = None, address: str | None = None,
            threads: int | None = None, ship_inputs: bool = True) -> Iterator[ItemResult]:
    """Run items as Ray tasks, yielding results as they finish.

    Connects to ``address`` (``"auto"``, ``"ray://host:10001"``, ...) or, if Ray
    is not initialised and no address is given, starts a local instance with
    ``workers`` CPUs and no dashboard (and stops it afterwards). If this
    process already called ``ray.init``, that connection is used as it is.

    Parameters
    ----------
    items : iterable of WorkItem
    workers : int, optional
        CPUs of a local instance; also bounds the tasks in flight (x2).
    address : str, optional
        Cluster address.
    threads : int, optional
        Threads per task for numeric libraries (default: ``cores // workers``
        for a local instance, 1 on a cluster).
    ship_inputs : bool
        Send input bytes with each task (workers need no shared file system
        for inputs; outputs always come back as bytes).

    Yields
    ------
    ItemResult

    Raises
    ------
    ModelUnavailableError
        ray is not installed.

    Examples
    --------
    >>> results = list(run_ray(items, workers=2))  # doctest: +SKIP
    """
    ray = _ray()
    started = False
    if threads is None:
        threads = 1 if address else max(1, cpu_count() // max(1, workers or cpu_count()))
    env = {"env_vars": {v: str(threads) for v in _THREAD_VARS}}  # the same limits as the local pool
    if not ray.is_initialized():
        if address:
            ray.init(address=address, runtime_env=env, log_to_driver=False)
        else:
            ray.init(num_cpus=max(1, workers or cpu_count()), include_dashboard=False, runtime_env=env,
                     log_to_driver=False)
        started = True
    try:
        node_memory = max((n.get("Resources", {}).get("memory", 0) for n in ray.nodes() if n.get("Alive")),
                          default=0)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        window = 2 * max(1, workers or cpus, cpus)
        remote = ray.remote(process_item)
        pending = collections.deque(items)
        inflight: dict = {}
        while pending or inflight:
            while pending and len(inflight) < window:
                item = pending.popleft()
                mem = int(min(item.est_bytes, 0.9 * node_memory)) if node_memory else None
                opts = {"num_cpus": 1, "max_retries": 1}
                if mem:
                    opts["memory"] = mem
                data = [Path(p).read_bytes() for p in item.inputs] if ship_inputs else None
                inflight[remote.options(**opts).remote(item, data, threads=threads)] = item
            ready, _ = ray.wait(list(inflight), num_returns=1)
            for ref in ready:
                item = inflight.pop(ref)
                try:
                    yield ray.get(ref)
                except Exception as exc:  # noqa: BLE001 - worker died twice, or object lost
                    yield _died(item, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    finally:
        if started:
            ray.shutdown()


__all__ = ["BACKENDS", "available_memory", "cpu_count", "run_local", "run_ray"]
