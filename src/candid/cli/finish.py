"""``candid finish``: upscale to 8K, 4K or a print size, tiled and memory-bounded."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from candid.cli._common import out, progress_bar
from candid.errors import CandidError
from candid.finish.options import STAGE_DEFAULTS, FinishOptions, option_help

#: The FinishOptions fields ``candid finish`` offers as flags (the others are library settings).
CLI_OPTIONS = ("fit", "backend", "noise", "iso", "sharpen", "bit_depth", "seed", "tile")


def register(app: typer.Typer) -> None:
    """Add the ``finish`` command to ``app``."""

    @app.command("finish")
    def finish(
        image: Path = typer.Argument(..., help="Image to finish."),
        size: str = typer.Option("8k", "--size", help="8k, 4k, print:16x20@300 (inches at dpi) or WxH pixels."),
        fit: str = typer.Option(STAGE_DEFAULTS["fit"], "--fit", help=option_help("fit")),
        backend: str = typer.Option("auto", "--backend", help=option_help("backend")),
        reference: Optional[List[Path]] = typer.Option(None, "--reference",
                                                       help="Photo of the same person (repeatable)."),
        noise: bool = typer.Option(True, "--noise/--no-noise", help=option_help("noise")),
        iso: float = typer.Option(200, "--iso", help=option_help("iso")),
        sharpen: str = typer.Option("screen", "--sharpen", help=option_help("sharpen")),
        bit_depth: int = typer.Option(8, "--bit-depth", help=option_help("bit_depth")),
        out_path: Optional[Path] = typer.Option(None, "--out", "-o", help="Output file (default IMAGE-SIZE.jpg/.tif)."),
        seed: int = typer.Option(0, "--seed", help=option_help("seed")),
        tile: int = typer.Option(STAGE_DEFAULTS["tile"], "--tile", help=option_help("tile")),
    ) -> None:
        """Finish IMAGE to a big size with real detail, not invented texture."""
        from candid.finish import finish_to_file
        from candid.imageio import read_image

        import dataclasses

        from candid.cli._common import check_output

        if not image.exists():
            raise CandidError(f"{image}: no such file")
        if tile < 128:
            raise CandidError(f"tile {tile} is too small", hint="use 128 or more")
        # one settings object for the render and the log (checked before any work)
        options = FinishOptions.parse(fit=fit, backend=backend, noise=noise, iso=iso, sharpen=sharpen,
                                      bit_depth=bit_depth, seed=seed, tile=tile, overlap=STAGE_DEFAULTS["overlap"])
        if out_path is None:
            tag = size.replace(":", "-").replace("@", "at")
            out_path = image.with_name(f"{image.stem}-{tag}{'.tif' if bit_depth == 16 else '.jpg'}")
        check_output(out_path, [image])
        if bit_depth == 16 and out_path.suffix.lower() not in (".tif", ".tiff", ".png"):
            raise CandidError(f"{out_path.name}: {out_path.suffix} cannot hold 16 bits", hint="write a .tif or .png")
        landmarks = refs = ref_lm = None
        if reference:
            from candid.finish._landmarks import face_landmarks68

            src = read_image(image).pixels
            landmarks = face_landmarks68(src, label=image.name)
            del src
            refs, ref_lm = [], []
            for r in reference:
                px = read_image(r).pixels
                refs.append(px)
                ref_lm.append(face_landmarks68(px, label=r.name))
        from candid.finish import plan_fit
        from candid.finish._pipeline import window_grid
        from candid.imageio import open_vips

        from candid.cli._common import MIN_SIDE
        from candid.provenance.source import check_min_side

        probe, _ = open_vips(image)
        check_min_side(image, probe.width, probe.height, MIN_SIDE)
        plan = plan_fit(probe.width, probe.height, size, options.fit)
        n_tiles = len(window_grid(plan.out_w, plan.out_h, options.tile, options.overlap))
        if plan.scale > 4.0:
            from candid.finish import honest_limit_note

            out.print(f"[yellow]{honest_limit_note(plan, size)}[/yellow]")
        # The input's labels are carried forward (its AI type, watermark id)
        # from a central window (where a watermark is read), never the whole image.
        from candid.portrait import Operation
        from candid.provenance import dev_signer, label_file, read_source

        origin = read_source(image, _central_pixels(probe, image))
        # a studio headshot saved at its frame's size carries the frame's matrix in its log (XMP): its JPEG
        # damage is then measured on the photo's block grid, not on the file's own
        from candid.finish._jpeg import log_frame
        from candid.provenance.xmp import read_xmp

        try:
            saved_log = getattr(read_xmp(image), "log", None)
        except Exception:  # noqa: BLE001 - a hostile or broken packet only means no matrix
            saved_log = None
        matrix, logged = log_frame(saved_log, probe.width, probe.height)  # and the damage measured then
        del probe
        # Rendered to a lossless temporary TIFF beside the output, then labelled
        # like every other output: watermark in the central window, XMP, C2PA.
        import os
        import tempfile

        import pyvips

        out_path.parent.mkdir(parents=True, exist_ok=True)
        from candid.files import temp_tag

        fd, rendered = tempfile.mkstemp(prefix=f".{temp_tag('finish')}", suffix=".tif", dir=out_path.parent)
        os.close(fd)
        try:
            with progress_bar(f"finishing to {plan.out_w}x{plan.out_h}", n_tiles) as advance:
                try:
                    result = finish_to_file(image, rendered, size, landmarks=landmarks, references=refs,
                                            reference_landmarks=ref_lm, options=options,
                                            on_tile=lambda: advance(1), grid_matrix=matrix,
                                            logged_damage=logged)
                except pyvips.Error as exc:  # pixels are decoded lazily: a truncated file fails here
                    from candid.errors import BadImageError
                    from candid.imageio._decode import _first_line

                    raise BadImageError(f"{image}: the file is corrupt or truncated ({_first_line(exc)})") from None
            # the backend actually used decides the AI label ("auto" may pick the learned one)
            log = [origin.operation(),
                   Operation("finish", params={"size": size, **options.log_params(), "backend": result.backend,
                                               **result.params},
                             ai="edited" if result.backend == "learned" else "none")]
            written, _ = label_file(rendered, out_path, log, signer=dev_signer(), bit_depth=bit_depth,
                                    ingredients=[image], dpi=result.dpi)
        finally:
            if os.path.exists(rendered):
                os.unlink(rendered)
        result = dataclasses.replace(result, path=written)
        dpi = f", {result.dpi} dpi" if result.dpi else ""
        out.print(f"wrote {result.path} ({result.width}x{result.height}{dpi}, {result.backend}, "
                  f"{result.tiles} tiles, {result.seconds:.1f} s)")
        if result.matte_note:  # the studio matte saved beside the input: used, not needed, or why not
            out.print(f"  {result.matte_note}")
        from candid.finish._jpeg import jpeg_model_words

        jpeg = jpeg_model_words(result.params)  # the same words as `candid make`'s enlargement line
        if jpeg:
            out.print(f"  {jpeg}")
        if plan.scale > 4.0:
            out.print(honest_limit_note(plan, size))


def _central_pixels(image, path, side: int = 2048):
    """The central square of a lazily opened image as float32 RGB (for reading a watermark)."""
    import numpy as np
    import pyvips

    from candid.errors import BadImageError
    from candid.imageio._decode import _first_line

    w, h = min(image.width, side), min(image.height, side)
    crop = image.crop((image.width - w) // 2, (image.height - h) // 2, w, h)
    if crop.hasalpha():
        crop = crop[:3]
    peak = 65535.0 if crop.format == "ushort" else 255.0
    try:
        return np.ascontiguousarray(crop.numpy()[..., :3], dtype=np.float32) / np.float32(peak)
    except pyvips.Error as exc:  # decoded lazily: a truncated file fails here
        raise BadImageError(f"{path}: the file is corrupt or truncated ({_first_line(exc)})") from None
