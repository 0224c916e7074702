"""`candid demo`: the main job on the bundled sample portrait (used by `make demo`)."""

from __future__ import annotations

from pathlib import Path

import typer

from candid.cli._common import out


def demo(out_dir: Path = typer.Option(Path("out"), "--out", help="Folder for the results.")) -> None:
    """Run candid on the astronaut portrait that ships with scikit-image."""
    import numpy as np
    from skimage import data

    from candid.cli.face import analyze
    from candid.imageio import write_image

    out_dir.mkdir(parents=True, exist_ok=True)
    source = write_image(out_dir / "astronaut.png", data.astronaut().astype(np.float32) / 255.0)
    out.print(f"sample photo: {source}")
    analyze(source, face=None, json_path=out_dir / "astronaut-face.json", overlay=out_dir / "astronaut-face.png")
    out.print(f"[bold green]done[/bold green]: results are in {out_dir.resolve()}")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
