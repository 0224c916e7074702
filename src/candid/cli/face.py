"""`candid analyze`: what candid sees in a face, as JSON and an overlay PNG."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from candid.cli._common import out


def analyze(
    image: Path = typer.Argument(..., help="A photo with a face."),
    face: Optional[int] = typer.Option(None, "--face", min=1, help="Which face when there are several (1 = largest)."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Write the analysis as JSON here."),
    overlay: Optional[Path] = typer.Option(None, "--overlay", help="Write a PNG with landmarks and region masks."),
) -> None:
    """Detect the face, measure it and run the quality gate."""
    from candid.face import analyze_face, skin_texture
    from candid.files import write_json
    from candid.imageio import read_image

    loaded = read_image(image)
    analysis = analyze_face(loaded.pixels, face_index=None if face is None else face - 1, source=image.name)
    summary = analysis.summary()
    summary["texture"] = skin_texture(loaded.pixels, analysis.landmarks)
    summary["decode"] = loaded.notes
    q = analysis.quality
    out.print(f"{image.name}: face {analysis.index + 1} of {analysis.n_faces}, "
              f"{analysis.iod:.0f} px between the eyes, quality {'OK' if q.ok else 'NOT OK'}")
    for line in list(q.problems) + list(q.warnings):
        out.print(f"  - {line}")
    if json_path:
        out.print(f"wrote {write_json(json_path, summary)}")
    if overlay:
        from candid.cli._common import check_output, write_output
        from candid.face.overlay import draw_analysis
        from candid.portrait import Operation, Portrait
        from candid.provenance import read_source

        # labelled like every other output, carrying the input's labels (an overlay of an AI image says so)
        check_output(overlay, [image])
        drawn = Portrait(draw_analysis(loaded.pixels, analysis).astype("float32"), source=image.name,
                         log=(read_source(image, loaded.pixels).operation(), Operation("face.overlay")))
        out.print(f"wrote {write_output(drawn, overlay, sources=[image])}")


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)
