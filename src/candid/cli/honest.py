"""`candid honest IMAGE --subject NAME`: audit a portrait against the real person and undo the flattery."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from candid.cli._common import check_output, out, progress_bar, read_input, write_output


def honest(
    image: Path = typer.Argument(..., help="The portrait to check (from candid or any other tool)."),
    subject: str = typer.Option(..., "--subject", "-S", help="The enrolled person it is meant to show."),
    library: Optional[Path] = typer.Option(None, "--library",
                                           help="Library folder (default: $CANDID_LIBRARY or your data folder)."),
    keep: Optional[list[str]] = typer.Option(None, "--keep", help="Keep a change on purpose: FEATURE=AMOUNT "
                                             "(0..1, e.g. skin-smoothing=0.3). Repeatable."),
    strength: float = typer.Option(1.0, "--strength", min=0.0, max=1.0, help="Overall strength of the undo."),
    output: Optional[Path] = typer.Option(None, "--out", "-o", help="Where to write the corrected image "
                                          "(default: IMAGE-honest.png next to it)."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write the audit to REPORT.html/.json (like make)."),
) -> None:
    """Compare a portrait with the subject's real photos and bring it back to the real person."""
    from candid.files import write_json
    from candid.honest import honest_guard, parse_keep
    from candid.portrait import Operation, Portrait
    from candid.subjects import Library

    keep_map = parse_keep(keep)  # validate before any work
    lib = Library(library)
    profile = lib.profile(subject)
    target = output or image.with_name(f"{image.stem}-honest.png")
    check_output(target, [image])
    loaded = read_input(image)  # carries the input's provenance forward
    with progress_bar("honest guard", total=1) as advance:
        result = honest_guard(loaded.pixels, profile, keep=keep_map, library=lib, strength=strength)
        advance(1, description="honest guard: done")

    # People read plain words; the z-scores and raw measurements stay in --report's JSON.
    table = Table("against your photos", "verdict", "after the undo", title=f"{image.name} vs {profile.name}")
    after = {f.feature: f for f in result.after.findings} if result.after else {}
    words = {"ok": "[green]within how your own photos vary[/green]", "flattering": "[red]flattered[/red]",
             "changed": "[yellow]changed[/yellow]"}
    from candid.honest.audit import EXPRESSION_FEATURES

    for f in result.before.findings:
        a = after.get(f.feature)
        if f.feature in EXPRESSION_FEATURES:  # a smile or a turned head changes these: reported, not judged
            table.add_row(finding_sentence(f.text), "[dim]changes with expression; not judged[/dim]", "-")
            continue
        table.add_row(finding_sentence(f.text), words[f.verdict],
                      "-" if a is None or not result.actions else words[a.verdict])
    out.print(table)
    out.print(result.summary())
    # The subject's name stays out of the log: the log becomes the file's
    # public XMP/C2PA record.
    labelled = Portrait(result.pixels, source=image.name, log=loaded.log + (Operation(
        "honest", params={"keep": keep_map, "strength": strength},
        notes=tuple(result.summary().splitlines())),))
    write_output(labelled, target, sources=[image])
    out.print(f"wrote {target}")
    if report is not None:
        data = {"image": image.name, "subject": profile.name, "output": target.name, **result.to_dict()}
        stem = report.with_suffix("") if report.suffix.lower() in (".json", ".html") else report
        out.print(f"wrote {write_json(stem.with_name(stem.name + '.json'), data)}")
        html = stem.with_name(stem.name + ".html")
        html.write_text(_report_html(image.name, profile.name, result.summary()), encoding="utf-8")
        out.print(f"wrote {html}")


def finding_sentence(text: str) -> str:
    """A finding's sentence without its verdict (the table says that in its own column).

    Examples
    --------
    >>> finding_sentence("Your eyes are 18 % larger than in your photos, within how your photos vary.")
    'Your eyes are 18 % larger than in your photos'
    """
    return text.rstrip(".").removesuffix(", within how your photos vary")


def _report_html(image: str, subject: str, summary: str) -> str:
    """The audit as a small self-contained HTML page (plain sentences; the numbers are in the JSON)."""
    from html import escape

    lines = "".join(f"<li>{escape(line)}</li>" for line in summary.splitlines() if line.strip())
    return (f"<!doctype html><meta charset='utf-8'><title>candid honest: {escape(image)}</title>"
            f"<h1>Flattery audit of {escape(image)}</h1><p>Against {escape(subject)}'s own photos.</p>"
            f"<ul>{lines}</ul>")


def register(app: typer.Typer) -> None:
    app.command("honest")(honest)
