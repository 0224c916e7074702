"""`candid look`: film stocks, grain, instant frames, double exposure and glitch."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from candid.cli._common import check_output, out, progress_bar, read_input, write_output
from candid.cli.batch import _fixed_time
from candid.errors import CandidError


def register(app: typer.Typer) -> None:
    """Add the ``look`` command to ``app``."""

    @app.command("look")
    def look(
        image: Optional[Path] = typer.Argument(None, help="Image to give the look to."),
        stock: str = typer.Option("portra-400", "--look", "--stock", "-l",
                                  help="Film look (stock) to shoot on (see --list); the same name `make --look` takes."),
        grain: bool = typer.Option(True, "--grain/--no-grain", help="Film grain in film units."),
        iso: Optional[float] = typer.Option(None, "--iso", help="Override the stock's speed for grain (push/pull)."),
        film_format: str = typer.Option("35mm", "--format", help="35mm, 120 (6x7), 645, 6x6, 4x5."),
        exposure: float = typer.Option(0.0, "--exposure", help="Over/under exposure in stops."),
        halation: Optional[float] = typer.Option(None, "--halation", help="Halation strength (default: the stock's)."),
        bloom: float = typer.Option(0.0, "--bloom", help="Glow around highlights, 0 (none) to 1."),
        vignette: float = typer.Option(0.0, "--vignette", help="Light lost in the corners, stops."),
        light_leak: float = typer.Option(0.0, "--leak", help="Light-leak strength (0 = none)."),
        burn: bool = typer.Option(False, "--burn", help="Make the leak an end-of-roll burn."),
        dust: float = typer.Option(0.0, "--dust", help="Dust and scratches amount."),
        frame: Optional[str] = typer.Option(None, "--frame", help="Instant frame: 600, sx-70, go, instax-mini, instax-wide."),
        caption: Optional[str] = typer.Option(None, "--caption", help="Caption in the instant frame's border."),
        glitch: Optional[float] = typer.Option(None, "--glitch", help="Add a deliberate glitch of this intensity (0-1)."),
        double: Optional[Path] = typer.Option(None, "--double", help="Second image for a double exposure."),
        seed: int = typer.Option(0, "--seed", min=0, help="Random seed for grain, dust and leaks (same seed, same result)."),
        output: Optional[Path] = typer.Option(None, "--out", "-o", help="Output file (default: IMAGE-STOCK.png)."),
        bit_depth: int = typer.Option(8, "--bit-depth", help="8 or 16 (PNG/TIFF)."),
        list_: bool = typer.Option(False, "--list", help="List film stocks and instant frames, then exit."),
        timestamp: Optional[str] = typer.Option(
            None, "--timestamp", help="Stamp the log with this ISO time for byte-reproducible outputs "
                                      "(default: SOURCE_DATE_EPOCH if set, else the real time)."),
    ) -> None:
        """Shoot IMAGE on film: stock, grain, halation, instant frame, glitch."""
        import dataclasses

        from candid.looks import get_stock, list_stocks
        from candid.looks.instant import FRAMES, get_frame
        from candid.looks.options import GlitchOptions
        from candid.looks.stage import glitch_stage, look_stage

        if list_:
            for name in list_stocks():
                st = get_stock(name)
                out.print(f"{name:18s} {st.name} ({st.kind}, ISO {st.iso:g}) - {st.description}")
            for key, fmt in FRAMES.items():
                out.print(f"frame {key:12s} {fmt.name}: card {fmt.card_w} x {fmt.card_h} mm, "
                          f"image {fmt.image_w} x {fmt.image_h} mm")
            return
        if image is None:
            raise CandidError("no IMAGE given", hint="candid look photo.jpg --look portra-400, or --list")
        if bit_depth not in (8, 16):
            raise CandidError(f"--bit-depth must be 8 or 16, got {bit_depth}")
        # validate names before any heavy work, so nothing is written on a typo
        get_stock(stock)
        if frame is not None:
            get_frame(frame)
        if glitch is not None and not 0 <= glitch <= 1:
            raise CandidError(f"--glitch must be between 0 and 1, got {glitch}")
        if output is None:
            output = image.with_name(f"{image.stem}-{frame or stock}.png")
        sources = [image] + ([double] if double is not None else [])
        check_output(output, sources)
        fixed = _fixed_time(timestamp)
        if frame is None and double is None and not dust:
            # the common case streams: 8/16-bit in, bands on every core, 8/16-bit out (bounded memory at 8K)
            path = _streamed(image, output, sources, fixed, stock=stock, grain=grain, iso=iso,
                             film_format=film_format, exposure=exposure, halation=halation, bloom=bloom,
                             vignette=vignette, light_leak=light_leak, burn=burn, glitch=glitch, seed=seed,
                             bit_depth=bit_depth)
            if path is not None:
                out.print(f"wrote {path}")
                return
        portrait = read_input(image)  # carries the input's provenance (AI type, watermark id) forward
        other = None
        if double is not None:
            second = read_input(double)
            other = second.pixels
            portrait = dataclasses.replace(portrait, log=portrait.log + second.log)
        with progress_bar(f"look {frame or stock}", 3) as advance:
            portrait = look_stage(portrait, stock=stock, grain=grain, iso=iso, film_format=film_format,
                                  exposure=exposure, halation=halation, bloom=bloom, vignette=vignette,
                                  light_leak=light_leak, burn=burn, dust=dust, frame=frame, caption=caption,
                                  double=other, seed=seed)
            advance(1)
            if glitch:
                portrait = glitch_stage(portrait, options=GlitchOptions.at(glitch, seed))
            advance(1)
            if fixed is not None:
                portrait = dataclasses.replace(portrait, log=tuple(dataclasses.replace(op, at=fixed)
                                                                   for op in portrait.log))
            path = write_output(portrait, output, bit_depth=bit_depth, sources=sources)
            advance(1)
        out.print(f"wrote {path}")


def _streamed(image: Path, output: Path, sources, fixed: Optional[str], *, glitch: Optional[float], bit_depth: int,
              **look) -> Optional[Path]:
    """Film look + optional glitch + labelled write without float copies of the whole image.

    Returns None (caller falls back to the whole-image path) for inputs that
    are not 8/16-bit integer samples.
    """
    import dataclasses
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np
    import pyvips

    from candid.cli._common import MIN_SIDE
    from candid.imageio import open_vips
    from candid.looks.glitch import glitch_inplace
    from candid.looks.options import GlitchOptions, LookOptions
    from candid.looks.stage import film_operation, glitch_operation
    from candid.looks.stream import release_free_memory, render_look
    from candid.provenance import dev_signer, label_array
    from candid.provenance.source import check_min_side, read_source
    from candid.provenance.watermark import BLOCK, READ_WINDOW

    stock = look.pop("stock")
    options = LookOptions.parse(**look)  # the one settings model (a typo fails here, before any decode)
    vimg, header = open_vips(image)
    if vimg.format not in ("uchar", "ushort"):
        return None
    check_min_side(image, vimg.width, vimg.height, MIN_SIDE)
    if vimg.hasalpha():
        vimg = vimg[:3]
    pyvips.cache_set_max(0)  # no cached decode beside the array we keep
    with progress_bar(f"look {stock}", 4) as advance:
        try:
            pixels = vimg.numpy()
        except pyvips.Error as exc:  # decoded lazily: a truncated file fails here, named
            from candid.errors import BadImageError
            from candid.imageio._decode import _first_line

            raise BadImageError(f"{image}: the file is corrupt or truncated ({_first_line(exc)})") from None
        del vimg
        if pixels.ndim == 2:
            pixels = np.repeat(pixels[..., None], 3, axis=2)
        h, w = pixels.shape[:2]
        # the input's labels; the watermark reader looks only at this central square (what it would crop)
        side = READ_WINDOW + 2 * BLOCK
        cw, ch = min(w, side), min(h, side)
        x0, y0 = (w - cw) // 2, (h - ch) // 2
        peak = np.float32(65535.0 if pixels.dtype == np.uint16 else 255.0)
        centre = pixels[y0:y0 + ch, x0:x0 + cw].astype(np.float32) / peak  # a copy: the render overwrites pixels
        # the input check (C2PA, XMP, watermark search) runs beside the render instead of before it
        labels = ThreadPoolExecutor(max_workers=1)
        source = labels.submit(read_source, image, centre)
        advance(1)
        rendered = render_look(pixels, stock, options=options, bit_depth=bit_depth,
                               out=pixels if pixels.dtype == (np.uint16 if bit_depth == 16 else np.uint8) else None)
        del pixels
        log = [source.result().operation(), film_operation(stock=stock, options=options)]
        labels.shutdown()
        del centre
        advance(1)
        if glitch:
            g = GlitchOptions.at(glitch, look["seed"])
            glitch_inplace(rendered, options=g)
            release_free_memory()
            log.append(glitch_operation(options=g))
        advance(1)
        if fixed is not None:
            log = [dataclasses.replace(op, at=fixed) for op in log]
        # PNG is deflated on every core; the watermarked centre is patched in while encoding
        path, _ = label_array(rendered, output, log, signer=dev_signer(), ingredients=tuple(sources))
        advance(1)
    return path
