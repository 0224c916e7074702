"""The one function every backend runs: a :class:`WorkItem` in, an :class:`ItemResult` out.

:func:`process_item` is pure as far as the batch is concerned: it reads the
inputs (or takes their bytes), runs the recipe, writes the labelled output to a
private temporary folder, and returns the encoded bytes and what the stages
found. It never writes into the batch folder and never raises for a bad item:
failures come back as results, so one bad row cannot stop the others.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import resource
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from candid.batch.plan import WorkItem

_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
                "VIPS_CONCURRENCY")


class ItemFindings(BaseModel):
    """What the stages found about one output: size, likeness and the inspector's scores.

    Shared by :class:`ItemResult` (a worker's answer) and
    :class:`candid.batch.run.BatchRow` (a row of the summary), so the two
    never list these values apart.
    """

    model_config = ConfigDict(extra="forbid")
    width: int | None = None
    height: int | None = None
    identity_distance: float | None = None
    identity_before: float | None = None
    inspect_overall: float | None = None
    inspect_tells: dict[str, float] = Field(default_factory=dict)
    error: str | None = None
    hint: str | None = None


class ItemResult(ItemFindings):
    """What happened to one work item.

    Attributes
    ----------
    key, line, output : str, int, str
        From the work item.
    ok : bool
        True when the output was made.
    error, error_kind : str or None
        The failure in plain words and its exception type.
    hint : str or None
        What the user can do about it (a :class:`candid.errors.CandidError`'s hint), kept apart from ``error``.
    seconds : float
        Wall time of the run in the worker.
    stage_seconds : dict
        Seconds per stage.
    width, height : int or None
        Output size.
    identity_distance : float or None
        Distance of the output face to the subject (``honest`` stage, or the
        final face against the subject profile); lower is closer.
    identity_before : float or None
        The same before the honest guard, when it ran.
    inspect_overall : float or None
        The pixel peeper's overall score (1 = looks AI-made), when it ran.
    inspect_tells : dict
        Score per tell.
    peak_rss_mb : float
        Peak resident memory of the worker process so far.
    data : bytes or None
        The encoded output (not stored in reports).
    matte : bool
        True when the output is a studio cut-out and ``matte_data`` holds its
        matte sidecar (``NAME.matte.png``, :func:`candid.finish.save_matte`).
    matte_data : bytes or None
        The sidecar's bytes, bound to the output's pixels by their SHA-256
        (not stored in reports).

    Examples
    --------
    >>> r = ItemResult(key="k", line=1, output="a.jpg", ok=False, error="no face found")
    >>> r.ok, r.error
    (False, 'no face found')
    """

    key: str
    line: int
    output: str
    ok: bool
    error_kind: str | None = None
    seconds: float = 0.0
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    peak_rss_mb: float = 0.0
    worker: str = ""
    matte: bool = False
    data: bytes | None = Field(default=None, repr=False)
    matte_data: bytes | None = Field(default=None, repr=False)

    def record(self) -> dict[str, Any]:
        """The result as JSON-ready data, without the output's and the matte's bytes."""
        return self.model_dump(mode="json", exclude={"data", "matte_data"})


def limit_threads(n: int) -> None:
    """Cap the threads numeric libraries use in this process (call before heavy imports).

    Examples
    --------
    >>> limit_threads(1)  # doctest: +SKIP
    >>> os.environ["OMP_NUM_THREADS"]  # doctest: +SKIP
    '1'
    """
    n = max(1, int(n))
    for var in _THREAD_VARS:
        os.environ[var] = str(n)
    if "cv2" in sys.modules:
        sys.modules["cv2"].setNumThreads(n)


def _scores(portrait) -> dict[str, Any]:
    """Identity distance and inspector scores from a finished Portrait's log and face."""
    out: dict[str, Any] = {"inspect_tells": {}}
    for op in portrait.log:
        if op.stage == "honest":
            for name, field in (("identity_after", "identity_distance"), ("identity_before", "identity_before")):
                v = op.params.get(name)
                if isinstance(v, (int, float)) and v == v:
                    out[field] = float(v)
        elif op.stage == "inspect":  # the stage logs its scores as numbers (params), not only as notes
            overall = op.params.get("overall")
            if isinstance(overall, (int, float)) and overall == overall:
                out["inspect_overall"] = float(overall)
            out["inspect_tells"] = {name: float(v) for name, v in (op.params.get("tells") or {}).items()
                                    if isinstance(v, (int, float)) and v == v}
    if "identity_distance" not in out and portrait.subject is not None and portrait.face is not None \
            and getattr(portrait.face, "embedding", None) is not None and hasattr(portrait.subject, "identity_distance"):
        d = float(portrait.subject.identity_distance(portrait.face.embedding))
        if d == d:
            out["identity_distance"] = d
    return out


def _encode(portrait, suffix: str) -> tuple[bytes, bytes | None]:
    """The labelled output file's bytes (provenance labels if available) and its matte sidecar's, if any.

    The sidecar is made by the same rule as ``candid make``'s
    (:func:`candid.finish._saved_matte.keep_matte`): a studio cut-out's
    matte, bound to the decoded pixels of exactly these bytes.
    """
    try:
        from candid.provenance import label_and_write
    except ImportError:  # pragma: no cover - provenance is part of candid
        label_and_write = None
    from candid.finish._saved_matte import keep_matte

    with tempfile.TemporaryDirectory(prefix="candid-batch-") as tmp:
        path = Path(tmp) / f"out{suffix}"
        if label_and_write is not None:
            label_and_write(portrait, path)
        else:  # pragma: no cover
            from candid.imageio import write_image

            write_image(path, portrait.pixels, alpha=portrait.alpha)
        side = keep_matte(path, portrait)
        return path.read_bytes(), (side.read_bytes() if side is not None else None)


def process_item(item: WorkItem, inputs: list[bytes] | None = None, *, threads: int | None = None) -> ItemResult:
    """Run one work item's recipe and return the encoded output and what it found.

    Parameters
    ----------
    item : WorkItem
    inputs : list of bytes, optional
        The input files' bytes (a cluster worker without the batch's file
        system); by default they are read from ``item.inputs``. Either way
        their SHA-256 must match the plan, or the item fails.
    threads : int, optional
        Threads for numeric libraries in this process.

    Returns
    -------
    ItemResult
        ``ok=False`` with the error for any failure; never raises for a bad item.

    Examples
    --------
    >>> result = process_item(items[0])  # doctest: +SKIP
    >>> result.ok, len(result.data) > 0  # doctest: +SKIP
    (True, True)
    """
    if threads is not None:
        limit_threads(threads)
    t0 = time.perf_counter()
    base = dict(key=item.key, line=item.line, output=item.output, worker=f"{os.uname().nodename}:{os.getpid()}")
    stage_seconds: dict[str, float] = {}
    try:
        from candid.errors import CandidError
        from candid.imageio import read_image
        from candid.portrait import Portrait
        from candid.recipes import Recipe, Step, run_recipe

        if threads is not None and "cv2" in sys.modules:
            sys.modules["cv2"].setNumThreads(max(1, threads))
        with tempfile.TemporaryDirectory(prefix="candid-batch-in-") as tmp:
            paths = []
            for i, (src, want) in enumerate(zip(item.inputs, item.input_sha256)):
                data = inputs[i] if inputs is not None else Path(src).read_bytes()
                if hashlib.sha256(data).hexdigest() != want:
                    raise CandidError(f"input {Path(src).name} changed since the batch was planned",
                                      hint="run the batch again to plan it with the new file")
                if inputs is not None:
                    p = Path(tmp) / f"in{i}{Path(src).suffix}"
                    p.write_bytes(data)
                    paths.append(p)
                else:
                    paths.append(Path(src))
            loaded = read_image(paths[0])
            # the input's labels (AI type, watermark id) head the log: provenance flows forward
            from candid.provenance.source import read_source

            origin = read_source(paths[0], loaded.pixels).operation()
        recipe = Recipe.model_validate(item.recipe)
        profile = None
        if item.subject is not None:
            from candid.batch.plan import subject_fingerprint
            from candid.subjects import Library

            profile = Library(item.library).profile(item.subject)
            if subject_fingerprint(profile) != item.subject_fingerprint:
                raise CandidError(f"subject {item.subject!r} changed since the batch was planned",
                                  hint="run the batch again")
            steps = [Step(stage=s.stage, params={**({"library": item.library} if s.stage == "honest" else {}),
                                                 **s.params}) for s in recipe.steps]
            recipe = recipe.model_copy(update={"steps": steps})
        origin = dataclasses.replace(origin, params={**origin.params, "file": Path(item.inputs[0]).name})
        portrait = Portrait(loaded.pixels, source=Path(item.inputs[0]).name, subject=profile, log=(origin,))
        marks: list[tuple[str, float]] = []

        def on_step(i: int, total: int, stage: str) -> None:
            marks.append((stage, time.perf_counter()))

        result = run_recipe(recipe, portrait, on_step=on_step)
        for (stage, t_a), (_, t_b) in zip(marks, marks[1:]):
            stage_seconds[stage] = round(stage_seconds.get(stage, 0.0) + t_b - t_a, 3)
        if item.fixed_time is not None:
            result = dataclasses.replace(
                result, log=tuple(dataclasses.replace(op, at=item.fixed_time) for op in result.log))
        if result.color != "srgb":
            raise CandidError("the recipe ends with linear-light pixels; add a stage that returns sRGB")
        data, matte_data = _encode(result, item.suffix)
        return ItemResult(**base, ok=True, seconds=round(time.perf_counter() - t0, 3), stage_seconds=stage_seconds,
                          width=result.width, height=result.height, peak_rss_mb=_peak_rss_mb(), data=data,
                          matte=matte_data is not None, matte_data=matte_data, **_scores(result))
    except Exception as exc:  # noqa: BLE001 - isolation: every failure becomes a result
        from candid.errors import CandidError

        hint = None
        if isinstance(exc, CandidError):
            msg, hint = exc.message, exc.hint
        else:
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            msg = f"{type(exc).__name__}: {exc} (at {Path(frame.filename).name}:{frame.lineno})"
        return ItemResult(**base, ok=False, error=msg, error_kind=type(exc).__name__, hint=hint,
                          seconds=round(time.perf_counter() - t0, 3), stage_seconds=stage_seconds,
                          peak_rss_mb=_peak_rss_mb())


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


__all__ = ["ItemFindings", "ItemResult", "limit_threads", "process_item"]
