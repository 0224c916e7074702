"""`candid demo`: the main job on the bundled sample portrait (used by `make demo`).

astronaut photo -> face analysis -> studio headshot (honest guard, 8K finish)
-> inspection report, all in one folder.
"""

from __future__ import annotations

from pathlib import Path

import typer

from candid.cli._common import out


def demo(
    out_dir: Path = typer.Option(Path("out"), "--out", "-o", help="Folder for the results."),
    size: str = typer.Option("8k", "--size", help="Finish size of the headshot (8k, 4k or none)."),
) -> None:
    """Run candid on the astronaut portrait that ships with scikit-image."""
    import numpy as np
    from skimage import data

    from candid.cli.face import analyze
    from candid.cli.make import make
    from candid.imageio import write_image

    out_dir.mkdir(parents=True, exist_ok=True)
    source = write_image(out_dir / "astronaut.png", data.astronaut().astype(np.float32) / 255.0)
    out.print(f"sample photo: {source}")
    analyze(source, face=None, json_path=out_dir / "astronaut-face.json", overlay=out_dir / "astronaut-face.png")
    make(photo=source, engine="studio", style="linkedin", aspect=None, background=None, light=None, strength=None,
         size=size, look=None, subject=None, library=None, face=None, keep=None, straighten=None, catchlights=None,
         small_face=None,
         out_path=out_dir / f"astronaut-linkedin-{size}.jpg", report=out_dir / "report", seed=0)
    out.print(f"[bold green]done[/bold green]: results are in {out_dir.resolve()}")
    out.print(f"  headshot: {out_dir / f'astronaut-linkedin-{size}.jpg'}")
    out.print(f"  inspection report: {out_dir / 'report.html'} (and report.json)")
    out.print(f"  face analysis: {out_dir / 'astronaut-face.png'} and astronaut-face.json")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
