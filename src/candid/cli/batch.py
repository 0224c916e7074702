"""`candid batch`: the same recipes over a manifest, resumable, locally or on Ray."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

import typer

from candid.cli._common import console, out, progress_bar
from candid.errors import CandidError


def _recipe(spec: str):
    """A recipe from a TOML file, or a shipped studio style name (``linkedin``, ...)."""
    from candid.recipes import load_recipe

    path = Path(spec)
    if path.suffix.lower() == ".toml" or path.exists():
        return load_recipe(path)
    from candid.engines.studio.recipe import studio_recipe

    return studio_recipe(spec)


def _fixed_time(timestamp: Optional[str]) -> Optional[str]:
    if timestamp is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if not epoch:
            return None
        try:
            return datetime.fromtimestamp(int(epoch), timezone.utc).isoformat(timespec="seconds")
        except ValueError:
            raise CandidError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds") from None
    try:
        t = datetime.fromisoformat(timestamp)
    except ValueError:
        raise CandidError(f"--timestamp {timestamp!r} is not an ISO 8601 time",
                          hint="e.g. 2026-01-01T00:00:00+00:00") from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.astimezone(timezone.utc).isoformat(timespec="seconds")


def _report_html(data: dict) -> str:
    """The batch summary as a small self-contained HTML page: one line per row."""
    from html import escape

    rows = data.get("rows") or []
    keys = [k for k in (rows[0].keys() if rows else []) if not isinstance(rows[0][k], (dict, list))]
    head = "".join(f"<th>{escape(str(k))}</th>" for k in keys)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(r.get(k, '')))}</td>" for k in keys) + "</tr>" for r in rows)
    return (f"<!doctype html><meta charset='utf-8'><title>candid batch {escape(str(data.get('recipe')))}</title>"
            f"<h1>Batch {escape(str(data.get('recipe')))}</h1><p>{data.get('done')} made, {data.get('cached')} already "
            f"there, {data.get('failed')} failed, of {data.get('total')}.</p><table><tr>{head}</tr>{body}</table>")


def batch(
    manifest: Path = typer.Argument(..., help="Manifest: .csv (subject,inputs,overrides,output) or .jsonl."),
    recipe: str = typer.Option(..., "--recipe", "-r", help="Recipe TOML file, or a studio style (linkedin, ...)."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Output folder (also holds the result store)."),
    backend: str = typer.Option("local", "--backend", help="local (process pool) or ray."),
    address: Optional[str] = typer.Option(None, "--address", help="Ray cluster address (default: start a local one)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-j", min=1, help="Parallel workers (default: cores)."),
    library: Optional[Path] = typer.Option(None, "--library", help="Subject library folder."),
    timestamp: Optional[str] = typer.Option(
        None, "--timestamp", help="Stamp every log entry with this ISO time for byte-reproducible outputs "
                                  "(default: SOURCE_DATE_EPOCH if set, else the real times)."),
    report: Optional[Path] = typer.Option(None, "--report",
                                          help="Also write the summary to REPORT.html/.json (like make)."),
    check: bool = typer.Option(False, "--check",
                               help="Only check every row (files, options, outputs, a usable face in each photo); "
                                    "run nothing."),
) -> int:
    """Run a recipe over every row of MANIFEST into OUT; a re-run skips finished work."""
    from candid.batch import load_manifest, plan, run_batch
    from candid.batch.backends import BACKENDS
    from candid.files import write_json

    if backend not in BACKENDS:
        raise CandidError(f"unknown backend {backend!r}", hint=f"use one of: {', '.join(BACKENDS)}")
    if address and backend != "ray":
        raise CandidError("--address is for --backend ray")
    rec = _recipe(recipe)
    fixed = _fixed_time(timestamp)
    m = load_manifest(manifest)
    items = plan(m, rec, library=library, fixed_time=fixed)  # validates every row; raises with all problems
    if check:
        from candid.batch import ManifestError
        from candid.batch.plan import precheck

        with progress_bar("checking each row's photo", len(items)) as advance:
            found = precheck(items, out_dir=out_dir, on_item=lambda done, total: advance())
        for note in found.notes:
            console.print(f"[yellow]note:[/yellow] {note}", soft_wrap=True)
        if not found.ok:
            raise ManifestError(found.problems, m.source)
        out.print(f"{m.source}: {len(items)} row(s) OK, {len({i.key for i in items})} distinct result(s)",
                  soft_wrap=True)
        return 0
    if backend == "ray":
        from candid.batch.backends import _ray

        _ray()
    with progress_bar(f"batch {rec.name}", len(items)) as advance:
        seen = [0]

        def on_progress(finished: int, total: int, result) -> None:
            label = None
            if result is not None:
                label = f"{result.output}: {'ok' if result.ok else 'FAILED'}"
            advance(finished - seen[0], description=label)
            seen[0] = finished

        summary = run_batch(m, rec, out_dir, backend=backend, workers=workers, on_progress=on_progress,
                            library=library, address=address, fixed_time=fixed, items=items)
    out.print(summary.table())
    mattes = sum(1 for r in summary.rows if r.matte)
    if mattes:  # candid's own files beside the outputs are said, like the outputs
        out.print(f"{mattes} output(s) have the cut-out's matte beside them (NAME.matte.png, listed in the report; "
                  "`candid finish` uses it)")
    if report is not None:
        stem = report.with_suffix("") if report.suffix.lower() in (".json", ".html") else report
        data = summary.model_dump(mode="json")
        write_json(stem.with_name(stem.name + ".json"), data)
        stem.with_name(stem.name + ".html").write_text(_report_html(data), encoding="utf-8")
    out.print(f"report: {summary.report_path}")
    if summary.failed:
        console.print(f"[bold red]{summary.failed} row(s) failed[/bold red]; the others are in {out_dir}. "
                      "Fix them and run the same command again: finished rows are not redone.")
        return 1
    return 0


def register(app: typer.Typer) -> None:
    """Add `candid batch` to the CLI."""
    app.command("batch")(batch)
