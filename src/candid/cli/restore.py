"""`candid restore`: an old print -> the same print, restored faithfully (and `make --engine restore`)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from candid.cli._common import check_output, console, out, progress_bar, read_input, write_output
from candid.errors import CandidError, MaskError


def _load_subject(subject: Optional[str], library: Optional[Path]):
    if not subject:
        return None
    from candid.engines.restore.stage import check_consent
    from candid.subjects.library import Library

    prof = Library(library).profile(subject)  # SubjectError for an unknown name
    console.print(f"[dim]{check_consent(prof)}[/dim]")  # ConsentError for an incomplete record
    return prof


def _read_mask(path: Path):
    from candid.imageio import read_image

    return read_image(path).pixels.max(axis=2) > 0.5


def restore(
    scan: Path = typer.Argument(..., help="The scan or phone photo of the print."),
    mask: Optional[Path] = typer.Option(None, "--mask", help="Damage mask to use (white = damage), e.g. an edited "
                                        "--show-mask file."),
    size: Optional[str] = typer.Option(None, "--size", help="Finish to 4k, 8k, print:8x10@300, WxH, or none "
                                        "(default: as restored)."),
    # hidden: no colouriser ships in this build (colourisation_available() is False), so it is not offered;
    # `--colour` still answers with the reason and the --tint alternative
    keep_monochrome: bool = typer.Option(True, "--keep-monochrome/--colour", hidden=True,
                                         help="Keep sepia/B&W as such (default), or --colour: make a toned print "
                                              "neutral and colourise a B&W one (not available in this build)."),
    tint_palette: Optional[str] = typer.Option(None, "--tint", help="Hand-coloured look: hand-coloured, sepia or "
                                               "selenium."),
    subject: Optional[str] = typer.Option(None, "--subject", "-S", help="Enrolled subject (consent and identity check)."),
    library: Optional[Path] = typer.Option(None, "--library", help="Subject library folder."),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", help="Output image (default: SCAN-restored.png)."),
    show_mask: Optional[Path] = typer.Option(None, "--show-mask", help="Write the damage mask (PNG, white = filled)."),
    crop: bool = typer.Option(True, "--crop/--no-crop", help="Find and straighten a photographed print."),
    denoise: float = typer.Option(0.4, "--denoise", min=0.0, max=1.0, help="Noise removed (grain kept)."),
    sensitivity: float = typer.Option(1.0, "--sensitivity", min=0.1, max=5.0, help="Damage detection sensitivity."),
    seed: int = typer.Option(0, "--seed", help="Seed for every random choice."),
) -> int:
    """Restore a faded, scratched print: nothing invented, the damage mask shown and editable."""
    import dataclasses


    target = out_path or scan.with_name(f"{scan.stem}-restored.png")
    check_output(target, [scan])  # a folder, an unknown suffix or the input itself -> error before any work
    if show_mask is not None:
        check_output(show_mask, [scan])
    from candid.engines.restore.tone import PALETTES

    if tint_palette is not None and tint_palette not in PALETTES:
        raise CandidError(f"unknown tint {tint_palette!r}", hint=f"tints: {', '.join(PALETTES)}")
    if size is not None:
        # every option is checked before any work: a bad size must not cost a restoration
        if size.strip().lower() == "none":
            size = None  # as restored, like `candid make --size none`
        else:
            from candid.finish._size import parse_target

            try:
                parse_target(size, 1000, 800)
            except CandidError as exc:
                raise CandidError(f"--size {size}: {exc.message}", hint=exc.hint) from None
            except ValueError as exc:
                raise CandidError(f"--size {size}: {exc}") from None
    prof = _load_subject(subject, library)
    loaded = read_input(scan)  # carries the scan's provenance forward
    user_mask = _read_mask(mask) if mask is not None else None
    if not keep_monochrome:
        from candid.engines.restore.tone import analyze_tone, colourise

        if analyze_tone(loaded.pixels).monochrome and not analyze_tone(loaded.pixels).sepia:
            colourise(loaded.pixels)  # raises ModelUnavailableError with a hint
    portrait = dataclasses.replace(loaded, subject=prof)
    steps = 2 + (size is not None)
    with progress_bar("restoring", steps) as advance:
        from candid.engines.restore.stage import restore_portrait

        advance(0, description="restoring the print")
        try:
            result, restoration = restore_portrait(portrait, mask=user_mask, crop=crop, keep_monochrome=keep_monochrome,
                                   denoise=denoise, tint=tint_palette, sensitivity=sensitivity, seed=seed)
        except MaskError as exc:  # the mask the user passed does not fit: name their file
            raise MaskError(f"{mask}: {exc.message}",
                            hint="pass the mask written by --show-mask (same size as the restored print)") from None
        advance(1, description="restored")
        if size is not None:
            from candid.finish.stage import finish_stage

            advance(0, description=f"finishing to {size}")
            try:
                result = finish_stage(result, size=size, seed=seed)
            except ValueError as exc:
                raise CandidError(f"--size {size}: {exc}") from None
            advance(1)
        op = next(o for o in result.log if o.stage == "engine.restore")
        mask_px = None
        if show_mask is not None:
            import numpy as np

            mask_px = np.repeat(restoration.mask[..., None].astype(np.float32), 3, axis=2)
        written = write_output(result, target, sources=[scan])
        if mask_px is not None:  # labelled like every output (watermark <= 2 grey levels: the 0.5 threshold holds)
            from candid.portrait import Operation, Portrait

            write_output(Portrait(mask_px, source=scan.name, log=(loaded.log[0], Operation("engine.restore.mask"))),
                         show_mask, sources=[scan])
        advance(1, description="written")
    for note in op.notes:
        console.print(f"  {note}")
    out.print(f"wrote {written} ({result.width}x{result.height})")
    if mask_px is not None:
        out.print(f"wrote the damage mask to {show_mask} (edit it and pass it back with --mask)")
    return 0


def make_restore(photo: Path, *, style: str, size: Optional[str], subject: Optional[str], library: Optional[Path],
                 out_path: Optional[Path], seed: int, **studio_options) -> int:
    """`candid make --engine restore`: restore the print, then make a portrait from it.

    ``style`` is a restore style (faithful, neutral, hand-coloured: restore and
    finish only) or a studio style (linkedin, memorial, ...: the restored print
    then goes through that style's recipe).
    """
    from candid.engines.restore.engine import STYLES as RESTORE_STYLES
    from candid.recipes import Recipe, Step, run_recipe

    target = out_path or photo.with_name(f"{photo.stem}-{style}.jpg")
    check_output(target, [photo])
    prof = _load_subject(subject, library)
    restore_params = {**RESTORE_STYLES.get(style, {}), "seed": seed}
    if style in RESTORE_STYLES:
        steps = [Step(stage="engine.restore", params=restore_params)]
        if size and size != "none":
            steps.append(Step(stage="finish", params={"size": size, "seed": seed}))
        recipe = Recipe(name=f"restore-{style}", steps=steps)
    else:
        from candid.engines.studio.recipe import studio_recipe

        studio = studio_recipe(style, size=size, seed=seed, **studio_options)
        recipe = Recipe(name=f"restore+{studio.name}", description=studio.description,
                        steps=[Step(stage="engine.restore", params=restore_params), *studio.steps])
    portrait = read_input(photo, subject=prof)
    with progress_bar(f"restore + {style}", len(recipe.steps)) as advance:
        def on_step(i: int, total: int, stage: str) -> None:
            advance(1 if i > 0 else 0, description=f"{style}: {stage}")

        result = run_recipe(recipe, portrait, on_step=on_step)
    written = write_output(result, target, sources=[photo])
    for op in result.log:
        if op.stage in ("engine.restore", "engine.studio"):
            for note in op.notes:
                console.print(f"  {note}")
    out.print(f"wrote {written} ({result.width}x{result.height})")
    return 0


def register(app: typer.Typer) -> None:
    """Add `candid restore` to the CLI."""
    app.command("restore")(restore)
