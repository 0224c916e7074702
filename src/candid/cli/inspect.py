"""`candid inspect`: what gives an image away at 100 %, as a table, HTML and JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from candid.cli._common import out, progress_bar


def inspect(
    image: Path = typer.Argument(..., help="Any image: a photo, an AI portrait, a candid output."),
    subject: Optional[str] = typer.Option(None, "--subject", "-S", help="Compare the face with this subject's photos."),
    library: Optional[Path] = typer.Option(None, "--library", help="Subject library folder (default: $CANDID_LIBRARY "
                                                                    "or your data folder)."),
    html_path: Optional[Path] = typer.Option(None, "--html", help="Write a self-contained HTML report here."),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Write the report as JSON here."),
    face: Optional[int] = typer.Option(None, "--face", min=1, help="Which face when there are several (1 = largest)."),
    report_stem: Optional[Path] = typer.Option(None, "--report", help="Write REPORT.html and REPORT.json (like make)."),
) -> None:
    """Look at IMAGE like a pixel peeper: skin, eyes, light, hair, symmetry, noise, traces."""
    if report_stem is not None:
        stem = report_stem.with_suffix("") if report_stem.suffix.lower() in (".json", ".html") else report_stem
        html_path = html_path or stem.with_name(stem.name + ".html")
        json_path = json_path or stem.with_name(stem.name + ".json")
    import numpy as np
    from rich.table import Table

    from candid.files import atomic_write_bytes
    from candid.imageio import open_vips
    from candid.inspector import TELLS, inspect_image, render_html
    from candid.inspector.lazy import VipsPixels

    reference = None
    if subject is not None:
        from candid.subjects import Library

        reference = Library(library).profile(subject)
    # Lazy (pyvips): the inspector decodes only a detector copy, a working copy and
    # full-resolution tiles, never the whole frame as float32 (an 8K file stays under 1 GB).
    vimg, header = open_vips(image)
    pixels = VipsPixels(vimg)
    from candid.cli._common import MIN_SIDE
    from candid.provenance.source import check_min_side

    check_min_side(image, pixels.shape[1], pixels.shape[0], MIN_SIDE)
    # The lazy decode meets a truncated or corrupt file only when pixels are read: one error
    # naming the file, like read_image, never a libvips traceback.
    from candid.errors import BadImageError
    from candid.imageio._decode import _VIPS_ERRORS, _first_line

    try:
        face_analysis = None
        if face is not None:
            from candid.face import analyze_face
            from candid.inspector.core import DETECT_SIDE, scale_face
            from candid.inspector.lazy import area_resize

            sd = min(1.0, DETECT_SIDE / max(pixels.shape[:2]))
            small = area_resize(pixels, sd) if sd < 1 else np.asarray(pixels)
            face_analysis = scale_face(analyze_face(small, face_index=face - 1, embed=False, quality=False,
                                                    source=image.name), 1.0 / sd)
            del small
        with progress_bar(f"inspecting {image.name}", len(TELLS) + 2) as advance:
            report = inspect_image(pixels, face=face_analysis, subject_reference=reference,
                                   on_tell=lambda name: advance(1, description=f"{image.name}: {name}"))
        # Render everything before writing anything, so a failure leaves no half report.
        page = render_html(report, pixels, title=f"candid inspect: {image.name}").encode("utf-8") if html_path else None
    except _VIPS_ERRORS as exc:
        raise BadImageError(f"{image}: cannot decode the image ({_first_line(exc)})",
                            hint="the file may be truncated or damaged; re-export or re-download it") from None
    text = report.to_json().encode("utf-8") if json_path else None
    lo, hi = report.overall_interval
    table = Table(title=f"{image.name}: overall {report.overall:.2f} (1 = looks AI-made; range {lo:.2f}-{hi:.2f}), "
                        f"confidence {report.overall_confidence:.2f}")
    for col in ("tell", "score (1 = AI-made)", "how sure", "finding"):
        table.add_column(col)
    for t in report.tells:
        table.add_row(t.name, f"{t.score:.2f}", f"{t.confidence:.2f}", t.explanation if t.confidence else t.reason)
    out.print(table)
    if report.face is None:
        out.print(f"no face ({report.face_reason}): face tells skipped")
    if report.good_from_afar:
        out.print("good from afar: " + ", ".join(f"{p['label']} {p['overall']:.2f}" for p in report.good_from_afar))
    if report.flattery is not None:
        out.print(f"against {subject}'s photos: " + ("; ".join(report.flattery.sentences) or "no notable difference"))
    elif subject is not None:
        out.print(f"no face, so no comparison with {subject}'s photos")
    if page is not None:
        out.print(f"wrote {atomic_write_bytes(html_path, page)}")
    if text is not None:
        out.print(f"wrote {atomic_write_bytes(json_path, text)}")


def register(app: typer.Typer) -> None:
    app.command("inspect")(inspect)
