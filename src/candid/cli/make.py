"""`candid make`: a photo -> a finished headshot or portrait, through a style recipe."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from candid.cli._common import check_output, console, out, progress_bar, write_output
from candid.errors import CandidError
from candid.studio_help import option_help  # the help words alone: --help imports no engine, no pydantic


def make(
    photo: Path = typer.Argument(..., help="The photo of the person."),
    engine: str = typer.Option("studio", "--engine", help="Engine: studio (CPU, from a real photo)."),
    style: str = typer.Option("linkedin", "--style", help=option_help("style")),
    aspect: Optional[str] = typer.Option(None, "--aspect", help=option_help("aspect")),
    background: Optional[str] = typer.Option(None, "--background", help=option_help("background")),
    light: Optional[str] = typer.Option(None, "--light", help=option_help("light")),
    strength: Optional[float] = typer.Option(None, "--strength", min=0.0, max=1.0, help=option_help("strength")),
    straighten: Optional[str] = typer.Option(None, "--straighten", help=option_help("straighten")),
    catchlights: Optional[str] = typer.Option(None, "--catchlights", help=option_help("catchlights")),
    small_face: Optional[str] = typer.Option(None, "--small-face", help=option_help("small_face")),
    size: Optional[str] = typer.Option(None, "--size", help=option_help("size")),
    look: Optional[str] = typer.Option(None, "--look", help=option_help("look")),
    subject: Optional[str] = typer.Option(None, "--subject", "-S", help="Enrolled subject (for the honest guard)."),
    library: Optional[Path] = typer.Option(None, "--library", help="Subject library folder."),
    keep: Optional[list[str]] = typer.Option(None, "--keep", help=option_help("keep") + " Repeatable."),
    face: Optional[int] = typer.Option(None, "--face", min=1, help=option_help("face")),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", help="Output image (default: PHOTO-STYLE.jpg)."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write the inspect report to REPORT.html/.json."),
    seed: int = typer.Option(0, "--seed", help=option_help("seed")),
) -> int:
    """Make a headshot or portrait of the person in PHOTO."""
    from candid.engines import get_engine
    from candid.honest.guard import parse_keep

    keep_map = parse_keep(keep) or None  # validate before any work
    eng = get_engine(engine)
    ok, why = eng.available()
    if not ok:
        raise CandidError(f"engine {engine!r} is not available: {why}")
    if engine == "restore":  # restore the print first: see candid.cli.restore.make_restore
        from candid.cli.restore import make_restore

        return make_restore(photo, style=style, size=size, subject=subject, library=library, out_path=out_path,
                            seed=seed, aspect=aspect, background=background, light=light, strength=strength,
                            look=look, face=face, report=str(report) if report else None)
    if engine != "studio":
        raise CandidError(f"engine {engine!r} is run by its own command",
                          hint="candid generate --subject NAME --prompt ... [--photo PHOTO]" if engine == "diffusion"
                          else None)
    from candid.engines.studio.options import StudioOptions
    from candid.engines.studio.recipe import run_studio

    # every studio option in one checked, versioned object (the web and batch build the same one)
    options = StudioOptions.parse(style=style, aspect=aspect, background=background, light=light, strength=strength,
                                  straighten=straighten, catchlights=catchlights, small_face=small_face, size=size,
                                  look=look, face=face, seed=seed, keep=keep_map)
    target = out_path or photo.with_name(f"{photo.stem}-{style}.jpg")
    check_output(target, [photo])  # a folder, unknown suffix or the input itself -> error before any work
    prof = lib = None
    if subject:
        from candid.subjects.library import Library

        lib = Library(library)
        prof = lib.profile(subject)
    with progress_bar(f"{style} headshot", None) as advance:
        def on_step(i: int, total: int, stage: str) -> None:
            advance(1 if i > 0 else 0, description=f"{style}: {stage}", total=total)

        run = run_studio(photo, options, report=str(report) if report else None, subject=prof, on_step=on_step,
                         library=lib)
    result = run.result
    written = write_output(result, target, sources=[photo])
    from candid.engines.studio.changes import change_report, describe

    said = change_report(result.log)  # every change made without being asked, in plain words
    for line in said:
        console.print(f"  {line}")
    for op in result.log:
        if op.stage == "engine.studio":
            # a record's own note was said above (the small-face line with the finish's factor added)
            recorded = {describe(c) for c in op.params.get("changes", [])}
            for note in op.notes:
                if note not in said and note not in recorded:
                    console.print(f"  {note}")
    out.print(f"wrote {written} ({result.width}x{result.height})")
    from candid.finish._saved_matte import sidecar_path

    side = sidecar_path(written)
    if getattr(result, "matte", None) is not None and side.is_file():  # said, like every file candid writes
        out.print(f"wrote {side} (the cut-out's matte: keep it beside the headshot for `candid finish`)")
    return 0


def register(app: typer.Typer) -> None:
    """Add `candid make` to the CLI."""
    app.command("make")(make)
