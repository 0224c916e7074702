"""Batch: the same recipes over a manifest of thousands of portraits, resumable.

The flow is one direction::

    load_manifest(path) -> validate_manifest(...) -> plan(...) -> run_batch(...) -> BatchSummary

* :func:`load_manifest` reads a CSV or JSON Lines manifest (subject, inputs,
  overrides, output name per row) and :func:`validate_manifest` lists every
  problem of every row before any work starts.
* :func:`plan` turns rows into :class:`WorkItem` objects keyed by content
  (input bytes + recipe + overrides + subject + candid version).
* :class:`ResultStore` keeps outputs by key with an append-only journal, so a
  re-run skips finished work and a crash loses nothing.
* :func:`run_batch` runs the missing items on a local process pool or a Ray
  cluster (:mod:`candid.batch.backends`), both calling one pure
  :func:`process_item`, and returns a :class:`BatchSummary`.

Examples
--------
>>> from candid.batch import load_manifest, run_batch
>>> from candid.recipes import load_recipe
>>> summary = run_batch(load_manifest("day.csv"), load_recipe("school.toml"), "out/")  # doctest: +SKIP
>>> summary.done, summary.failed  # doctest: +SKIP
(412, 3)
"""

from candid.batch.manifest import (
    Manifest,
    ManifestError,
    ManifestRow,
    load_manifest,
    output_name_problem,
    validate_manifest,
)
from candid.batch.plan import WorkItem, content_key, estimate_bytes, plan
from candid.batch.run import BatchRow, BatchSummary, run_batch
from candid.batch.store import ResultStore
from candid.batch.worker import ItemResult, process_item

__all__ = [
    "BatchRow", "BatchSummary", "ItemResult", "Manifest", "ManifestError", "ManifestRow", "ResultStore",
    "WorkItem", "content_key", "estimate_bytes", "load_manifest", "output_name_problem", "plan",
    "process_item", "run_batch", "validate_manifest",
]
