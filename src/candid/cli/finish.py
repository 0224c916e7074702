"""``candid finish``: upscale to 8K, 4K or a print size, tiled and memory-bounded."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from candid.cli._common import out, progress_bar
from candid.errors import CandidError


def register(app: typer.Typer) -> None:
    """Add the ``finish`` command to ``app``."""

    @app.command("finish")
    def finish(
        image: Path = typer.Argument(..., help="Image to finish."),
        size: str = typer.Option("8k", "--size", help="8k, 4k, print:16x20@300 (inches at dpi) or WxH pixels."),
        fit: str = typer.Option("crop", "--fit", help="crop (cover), pad (fit and pad) or contain (fit only)."),
        backend: str = typer.Option("auto", "--backend",
                                    help="auto, classical, detail-transfer or learned (optional extra)."),
        reference: Optional[List[Path]] = typer.Option(None, "--reference",
                                                       help="Photo of the same person (repeatable)."),
        noise: bool = typer.Option(True, "--noise/--no-noise", help="Re-synthesise sensor noise."),
        iso: float = typer.Option(200, "--iso", help="Noise level as a camera ISO."),
        sharpen: str = typer.Option("screen", "--sharpen", help="Output sharpening: screen, print or none."),
        bit_depth: int = typer.Option(8, "--bit-depth", help="8, or 16 for .tif/.png."),
        out_path: Optional[Path] = typer.Option(None, "--out", help="Output file (default IMAGE-SIZE.jpg/.tif)."),
        seed: int = typer.Option(0, "--seed", help="Noise seed."),
        tile: int = typer.Option(512, "--tile", help="Tile size in pixels (memory vs speed)."),
    ) -> None:
        """Finish IMAGE to a big size with real detail, not invented texture."""
        from candid.finish import finish_to_file
        from candid.imageio import read_image

        if not image.exists():
            raise CandidError(f"{image}: no such file")
        if tile < 128:
            raise CandidError(f"tile {tile} is too small", hint="use 128 or more")
        if out_path is None:
            tag = size.replace(":", "-").replace("@", "at")
            out_path = image.with_name(f"{image.stem}-{tag}{'.tif' if bit_depth == 16 else '.jpg'}")
        landmarks = refs = ref_lm = None
        if reference:
            from candid.finish._landmarks import dlib_landmarks

            src = read_image(image).pixels
            landmarks = dlib_landmarks(src, label=image.name)
            del src
            refs, ref_lm = [], []
            for r in reference:
                px = read_image(r).pixels
                refs.append(px)
                ref_lm.append(dlib_landmarks(px, label=r.name))
        from candid.finish import plan_fit, tile_grid
        from candid.imageio import open_vips

        probe, _ = open_vips(image)
        plan = plan_fit(probe.width, probe.height, size, fit)
        del probe
        n_tiles = len(tile_grid(plan.out_w, plan.out_h, tile, 32))
        # The streamed file is labelled like every other output: XMP written
        # with the pixels, then a signed C2PA manifest. (No watermark: it
        # needs the whole image in memory, which this path exists to avoid.)
        from candid.portrait import Operation
        from candid.provenance import dev_signer, sign_c2pa, xmp_packet

        log = [Operation("finish", params={"size": size, "fit": fit, "backend": backend, "noise": noise,
                                           "iso": iso, "sharpen": sharpen, "seed": seed},
                         ai="edited" if backend == "learned" else "none")]
        with progress_bar(f"finishing to {plan.out_w}x{plan.out_h}", n_tiles) as advance:
            result = finish_to_file(image, out_path, size, fit=fit, backend=backend, landmarks=landmarks,
                                    references=refs, reference_landmarks=ref_lm, noise=noise, iso=iso,
                                    sharpen=sharpen, bit_depth=bit_depth, seed=seed, tile=tile,
                                    xmp=xmp_packet(log), on_tile=lambda: advance(1))
        sign_c2pa(result.path, result.path, log, dev_signer())
        out.print(f"wrote {result.path} ({result.width}x{result.height}, {result.backend}, "
                  f"{result.tiles} tiles, {result.seconds:.1f} s)")
