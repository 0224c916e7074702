"""`run_batch`: plan, skip what is done, run the rest, store, summarise."""

from __future__ import annotations

import os
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, Field

from candid.batch.backends import BACKENDS, cpu_count, run_local, run_ray
from candid.batch.manifest import Manifest, ManifestError
from candid.batch.plan import WorkItem, plan
from candid.batch.store import ResultStore, destination_problem
from candid.batch.worker import ItemFindings, ItemResult
from candid.errors import CandidError
from candid.files import write_json

REPORT_NAME = "batch-report.json"


class BatchRow(ItemFindings):
    """One manifest row in the summary (with the findings of :class:`candid.batch.worker.ItemFindings`)."""

    line: int
    output: str
    key: str
    status: str = Field(description="done (made now), cached (made by an earlier run) or failed")
    seconds: float | None = None
    matte: str | None = Field(None, description=(
        "The output's matte sidecar in the output folder (NAME.matte.png), when the recipe cut the person out "
        "(studio): candid's own alpha of the cut-out, 8-bit, bound to the output's decoded pixels by SHA-256; "
        "`candid finish` on the output uses it"))


class BatchSummary(BaseModel):
    """What a batch run did: counts, throughput and one row per manifest row.

    Examples
    --------
    >>> s = BatchSummary(run_id="r", backend="local", workers=2, total=1, done=1, cached=0, failed=0,
    ...                  wall_seconds=30.0, items_per_minute=2.0, rows=[])
    >>> s.ok
    True
    """

    model_config = ConfigDict(extra="forbid")
    run_id: str
    backend: str
    workers: int
    total: int
    done: int
    cached: int
    failed: int
    wall_seconds: float
    items_per_minute: float | None
    started_at: str = ""
    recipe: str = ""
    rows: list[BatchRow]
    report_path: str | None = None

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def table(self):
        """The summary as a Rich table (one line per row, failures in red)."""
        from rich.table import Table

        t = Table(title=f"batch {self.run_id}: {self.done} done, {self.cached} cached, {self.failed} failed"
                        + (f", {self.items_per_minute:.1f} items/min" if self.items_per_minute else ""))
        for col, kw in (("row", {"justify": "right"}), ("output", {}), ("status", {}), ("s", {"justify": "right"}),
                        ("identity", {"justify": "right"}), ("inspect", {"justify": "right"}), ("error", {})):
            t.add_column(col, **kw)
        for r in self.rows:
            style = {"failed": "red", "cached": "dim"}.get(r.status)
            t.add_row(str(r.line), r.output, r.status, "" if r.seconds is None else f"{r.seconds:.1f}",
                      "" if r.identity_distance is None else f"{r.identity_distance:.3f}",
                      "" if r.inspect_overall is None else f"{r.inspect_overall:.2f}",
                      _short(r.error), style=style)
        return t


def _short(text: str | None, n: int = 90) -> str:
    text = text or ""
    return text if len(text) <= n else text[: n - 1] + "…"


def _row(item: WorkItem, status: str, rec: dict[str, Any] | None) -> BatchRow:
    from candid.finish._saved_matte import SIDECAR_SUFFIX

    rec = rec or {}
    found = {k: rec[k] for k in ItemFindings.model_fields if rec.get(k) is not None}  # what the worker found
    matte = item.output + SIDECAR_SUFFIX if status != "failed" and rec.get("matte") else None
    return BatchRow(line=item.line, output=item.output, key=item.key, status=status, seconds=rec.get("seconds"),
                    matte=matte, **found)


def run_batch(
    manifest: Manifest,
    recipe,
    out_dir: str | os.PathLike,
    *,
    backend: str = "local",
    workers: int | None = None,
    on_progress: Callable[[int, int, ItemResult | None], None] | None = None,
    library=None,
    address: str | None = None,
    fixed_time: str | None = None,
    memory_budget: int | None = None,
    items: list[WorkItem] | None = None,
    sign: bool = True,
    signer=None,
) -> BatchSummary:
    """Run ``recipe`` over every row of ``manifest`` into ``out_dir``; resumable and idempotent.

    The manifest is validated as a whole first (nothing starts if any row is
    bad). Rows whose content key already has a result in the store are not
    run again; rows with identical content run once. Each finished item is
    stored (atomically) and journalled as it completes, so killing the batch
    loses at most the items in flight. A failing row is reported and the
    others go on; failed rows are retried by the next run.

    Parameters
    ----------
    manifest : Manifest
    recipe : candid.recipes.Recipe
    out_dir : path
        Output folder; holds the outputs, the store, the journal and
        ``batch-report.json``.
    backend : {"local", "ray"}
    workers : int, optional
        Parallel workers (default: the number of cores).
    on_progress : callable, optional
        ``on_progress(finished, total, result)`` after each item (``result`` is
        None for items found in the store).
    library : Library or path, optional
        Subject library for rows with subjects.
    address : str, optional
        Ray cluster address (``backend="ray"``).
    fixed_time : str, optional
        ISO 8601 time for every log entry, making output bytes reproducible
        across runs and backends (otherwise each stage's real time is recorded,
        and it reaches the file's XMP and watermark).
    memory_budget : int, optional
        Local backend: bytes the running items may use (default 80 % of free).
    items : list of WorkItem, optional
        A plan made earlier with :func:`plan` (skips planning).
    sign : bool
        Publish C2PA-signed outputs (like every CLI output). The store keeps
        the unsigned, reproducible object; the signed copy is made once per
        content key (see :class:`ResultStore`).
    signer : Signer, optional
        Default: the local development signer (:func:`candid.provenance.dev_signer`).

    Returns
    -------
    BatchSummary
        Also written to ``OUT/batch-report.json``.

    Raises
    ------
    ManifestError
        The manifest has problems (all listed), e.g. an output that would
        replace an input or leave the output folder through a symlink;
        nothing was run.

    Examples
    --------
    >>> from candid.batch import load_manifest
    >>> from candid.recipes import load_recipe
    >>> s = run_batch(load_manifest("m.csv"), load_recipe("r.toml"), "out")  # doctest: +SKIP
    >>> s.done + s.cached + s.failed == s.total  # doctest: +SKIP
    True
    """
    if backend not in BACKENDS:
        raise CandidError(f"unknown batch backend {backend!r}", hint=f"use one of: {', '.join(BACKENDS)}")
    if workers is not None and workers < 1:
        raise CandidError(f"workers must be at least 1, got {workers}")
    workers = workers or cpu_count()
    if backend == "ray":
        from candid.batch.backends import _ray

        _ray()  # clear error before any work when ray is missing
    if items is None:
        items = plan(manifest, recipe, library=library, fixed_time=fixed_time)
    inputs = sorted({p for it in items for p in it.inputs})
    problems = [f"row {it.line}: output {it.output}: {why}" for it in items
                if (why := destination_problem(out_dir, it.output, inputs))]
    from candid.finish._saved_matte import SIDECAR_SUFFIX

    outputs = {it.output: it.line for it in items}
    problems += [f"row {it.line}: output {it.output}: it is the name of row {outputs[base]}'s matte sidecar"
                 for it in items if it.output.endswith(SIDECAR_SUFFIX)
                 and (base := it.output[:-len(SIDECAR_SUFFIX)]) in outputs]
    problems += [f"row {it.line}: output {it.output}: its matte sidecar {it.output}{SIDECAR_SUFFIX}: {why}"
                 for it in items if (why := destination_problem(out_dir, it.output + SIDECAR_SUFFIX, inputs))]
    if problems:
        raise ManifestError(problems, getattr(manifest, "source", "manifest"))
    if sign and signer is None:
        from candid.provenance import dev_signer

        signer = dev_signer()
    store = ResultStore(out_dir)
    store.sweep()
    from candid.files import sweep_temp

    for folder in {(Path(out_dir) / it.output).parent for it in items}:
        sweep_temp(folder)

    def publish(key: str, group: list[WorkItem]) -> None:
        if sign:
            store.sign(key, group[0].suffix, signer, ingredients=group[0].inputs)
        for it in group:
            store.publish(key, it.suffix, it.output, signed=sign, protect=inputs)

    run_id = uuid.uuid4().hex[:12]
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    store.journal("run-start", run=run_id, backend=backend, workers=workers, items=len(items), recipe=recipe.name)
    by_key: dict[str, list[WorkItem]] = {}
    for it in items:
        by_key.setdefault(it.key, []).append(it)
    status: dict[str, tuple[str, dict[str, Any] | None]] = {}
    todo: list[WorkItem] = []
    for key, group in by_key.items():
        if store.has(key, group[0].suffix):
            publish(key, group)
            status[key] = ("cached", store.result(key))
            store.journal("cached", run=run_id, key=key, outputs=[it.output for it in group])
        else:
            todo.append(group[0])
    total = len(items)
    finished = sum(len(by_key[k]) for k in status)
    if on_progress is not None:
        on_progress(finished, total, None)
    done = failed = 0
    if backend == "local":
        results = run_local(todo, workers=workers, memory_budget=memory_budget)
    else:
        results = run_ray(todo, workers=workers, address=address)
    try:
        for res in results:
            group = by_key[res.key]
            rec = res.record()
            if res.ok and res.data is not None:
                store.put(res.key, group[0].suffix, res.data, rec, matte=res.matte_data)
                publish(res.key, group)
                store.journal("done", run=run_id, key=res.key, outputs=[it.output for it in group],
                              seconds=res.seconds, worker=res.worker, matte=res.matte_data is not None)
                status[res.key] = ("done", rec)
                done += len(group)
            else:
                store.journal("failed", run=run_id, key=res.key, outputs=[it.output for it in group],
                              error=res.error, error_kind=res.error_kind)
                status[res.key] = ("failed", rec)
                failed += len(group)
            finished += len(group)
            if on_progress is not None:
                on_progress(finished, total, res)
    except BaseException:
        store.journal("run-interrupted", run=run_id, done=done, failed=failed)
        raise
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
    wall = time.perf_counter() - t0
    rows = [_row(it, *status[it.key]) for it in items]
    cached = sum(1 for r in rows if r.status == "cached")
    summary = BatchSummary(run_id=run_id, backend=backend, workers=workers, total=total, done=done, cached=cached,
                           failed=failed, wall_seconds=round(wall, 3),
                           items_per_minute=round(60.0 * done / wall, 3) if done and wall > 0 else None,
                           started_at=started_at, recipe=recipe.name, rows=rows)
    report = Path(out_dir) / REPORT_NAME
    summary.report_path = str(report)
    write_json(report, summary.model_dump(mode="json"))
    store.journal("run-end", run=run_id, done=done, cached=cached, failed=failed, seconds=round(wall, 3))
    return summary


__all__ = ["REPORT_NAME", "BatchRow", "BatchSummary", "run_batch"]
