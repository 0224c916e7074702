"""`candid generate`: new portraits of an enrolled subject with the diffusion engine (GPU)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from candid.cli._common import console, out, progress_bar
from candid.errors import CandidError


def generate(
    subject: Optional[str] = typer.Option(None, "--subject", "-S", help="Enrolled subject whose likeness to keep."),
    prompt: Optional[str] = typer.Option(None, "--prompt", help="What to show, e.g. 'in a workshop, apron'."),
    style: str = typer.Option("corporate", "--style",
                              help="corporate, editorial, environmental, vintage-film or memorial."),
    photo: Optional[Path] = typer.Option(None, "--photo", help="Restyle this real photo (img2img, low strength)."),
    library: Optional[Path] = typer.Option(None, "--library", help="Subject library folder."),
    models: Optional[Path] = typer.Option(None, "--models", help="Weights folder (default: $CANDID_MODELS)."),
    download: bool = typer.Option(False, "--download", help="Allow downloading missing weights from the hub."),
    adapter: str = typer.Option("plus-face", "--adapter", help="plus-face, plus, plain or none."),
    candidates: int = typer.Option(4, "--candidates", "-n", min=1, max=64, help="Best-of-N."),
    steps: int = typer.Option(30, "--steps", min=1, help="Denoising steps."),
    guidance: Optional[float] = typer.Option(None, "--guidance", help="CFG scale (style default 4-4.5)."),
    strength: Optional[float] = typer.Option(None, "--strength", help="img2img strength (style default 0.25-0.3)."),
    dtype: str = typer.Option("auto", "--dtype", help="auto, fp32, fp16 or bf16."),
    offload: str = typer.Option("none", "--offload", help="none, model or sequential (less VRAM)."),
    vae_tiling: bool = typer.Option(False, "--vae-tiling", help="Decode in tiles (less VRAM)."),
    device: str = typer.Option("auto", "--device", help="auto, cuda, cpu, mps."),
    resolution: Optional[str] = typer.Option(None, "--resolution", help="Generation size WxH (style default)."),
    size: Optional[str] = typer.Option(None, "--size", help="Finish to 4k, 8k, ... or none."),
    look: Optional[str] = typer.Option(None, "--look", help="A film stock for looks.film."),
    out_path: Optional[Path] = typer.Option(None, "--out", "-o", help="Output image (default: SUBJECT-STYLE.jpg)."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write the inspect report to REPORT.html/.json."),
    seed: int = typer.Option(0, "--seed", help="Candidate i uses seed + i."),
) -> int:
    """Make a new portrait of SUBJECT with the diffusion engine (needs the diffusion extra and weights)."""
    from candid.engines import get_engine
    from candid.engines.diffusion.prompts import STYLES
    from candid.engines.diffusion.recipe import diffusion_recipe
    from candid.provenance import dev_signer, label_and_write
    from candid.portrait import Portrait
    from candid.recipes import run_recipe

    eng = get_engine("diffusion")
    ok, why = eng.available()
    if not ok:
        raise CandidError(f"engine 'diffusion' is not available: {why}")
    if style not in STYLES:
        raise CandidError(f"unknown diffusion style {style!r}", hint=f"styles: {', '.join(STYLES)}")
    restyle = photo is not None
    dims = None
    if resolution:
        try:
            w, h = (int(v) for v in resolution.lower().split("x"))
        except ValueError:
            raise CandidError(f"--resolution must be WIDTHxHEIGHT, got {resolution!r}") from None
        dims = [w, h]
    if STYLES[style].needs_source and not restyle:
        raise CandidError(f"style {style!r} starts from a real photo", hint="give it with --photo PATH")
    stem = subject or (photo.stem if photo else "portrait")
    target = out_path or Path(f"{stem.replace(' ', '_')}-{style}.jpg")
    from candid.cli._common import check_output, read_input

    check_output(target, [photo] if photo else [])
    recipe = diffusion_recipe(
        style, finish=size, look=look, report=str(report) if report else None, prompt=prompt, subject=subject,
        library=str(library) if library else None, models=str(models) if models else None, restyle=restyle,
        allow_download=download, adapter=adapter, candidates=candidates, steps=steps, guidance=guidance,
        strength=strength, size=dims, dtype=dtype, offload=offload, vae_tiling=vae_tiling, device=device, seed=seed)
    if restyle:
        portrait = read_input(photo)  # carries the photo's provenance forward
    else:
        import numpy as np

        portrait = Portrait(np.zeros((8, 8, 3), np.float32), source="prompt")
    with progress_bar(f"{style} (diffusion)", len(recipe.steps)) as advance:
        result = run_recipe(recipe, portrait,
                            on_step=lambda i, total, st: advance(1 if i else 0, description=f"{style}: {st}"))
    # labelled as AI-generated (IPTC digital source type, C2PA, watermark), like every candid output
    written = label_and_write(result, target, signer=dev_signer(), ingredients=[photo] if photo else [])
    for op in result.log:
        if op.stage in ("engine.diffusion", "honest"):
            for note in op.notes[:6]:
                console.print(f"  {note}")
    out.print(f"wrote {written} ({result.width}x{result.height})")
    return 0


def register(app: typer.Typer) -> None:
    """Add `candid generate` to the CLI."""
    app.command("generate")(generate)
