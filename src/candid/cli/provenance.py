"""`candid verify` and `candid certs`: read provenance back, manage signing certificates."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from candid.cli._common import out


def register(app: typer.Typer) -> None:
    """Add the provenance commands to the CLI."""

    @app.command("verify")
    def verify_cmd(
        image: Path = typer.Argument(..., help="image to check"),
        as_json: bool = typer.Option(False, "--json", help="print the findings as JSON"),
        no_watermark: bool = typer.Option(False, "--no-watermark", help="skip the (slower) watermark search"),
    ) -> int:
        """Say what an image's C2PA manifest, XMP labels and invisible watermark say about how it was made.

        Exits non-zero only when the image cannot be read.
        """
        from candid.provenance import verify
        from candid.provenance.source_type import describe

        v = verify(image, watermark=not no_watermark)
        if as_json:
            out.print_json(json.dumps(v.to_dict()))
            return 0
        c = v.c2pa
        out.print(f"[bold]{image}[/bold]", soft_wrap=True)
        line = f"C2PA:       {c.status}"
        if c.status not in ("absent",):
            line += f" (signer: {c.signer or '?'}; issuer: {c.issuer or '?'})"
        out.print(line, markup=False, soft_wrap=True)
        if c.digital_source_type:
            out.print(f"            source type: {describe(c.digital_source_type)} ({c.digital_source_type})",
                      markup=False, soft_wrap=True)
        for a in c.actions:
            params = a.get("parameters") or {}
            stage = params.get("org.candid.stage")
            ai = params.get("org.candid.ai")
            out.print(f"            - {a.get('action')}" + (f" {stage}" if stage else "")
                      + (f" [ai: {ai}]" if ai and ai != "none" else ""), markup=False, soft_wrap=True)
        for f in c.failures:
            out.print(f"            ! {f}", markup=False, soft_wrap=True)
        if c.detail:
            out.print(f"            ! {c.detail}", markup=False, soft_wrap=True)
        x = v.xmp
        if x is None:
            out.print("XMP:        absent", markup=False, soft_wrap=True)
        else:
            out.print(f"XMP:        source type: {describe(x.digital_source_type)}"
                      f" ({x.digital_source_type or 'not stated'})", markup=False, soft_wrap=True)
            out.print(f"            credit: {x.credit or '-'}", markup=False, soft_wrap=True)
            if x.log:
                out.print(f"            stage log: {len(x.log)} step(s): "
                          + ", ".join(str(op.get('stage')) for op in x.log if isinstance(op, dict)), markup=False, soft_wrap=True)
        if no_watermark:
            out.print("watermark:  not checked", markup=False, soft_wrap=True)
        elif v.watermark_id:
            out.print(f"watermark:  id {v.watermark_id} (bit errors corrected: {v.watermark_bit_errors}/80, "
                      f"confidence {v.watermark_confidence:.2f})", markup=False, soft_wrap=True)
        else:
            out.print(f"watermark:  none found (confidence {v.watermark_confidence:.2f})", markup=False, soft_wrap=True)
        for src in v.sources:
            out.print(f"made from:  {src.get('file') or '?'} ({describe(src.get('digital_source_type'))}"
                      + (f", watermark {src['watermark_id']}" if src.get("watermark_id") else "")
                      + f", its AI use: {src.get('ai', 'none')})", markup=False, soft_wrap=True)
        for n in v.notes:
            out.print(f"note:       {n}", markup=False, soft_wrap=True)
        for w in v.warnings:
            from rich.markup import escape

            out.print(f"[bold yellow]warning:[/bold yellow]    {escape(w)}", soft_wrap=True, highlight=False)
        return 0

    @app.command("certs")
    def certs_cmd(
        folder: Path = typer.Option(None, "--dir", help="where to keep them (default: candid's data dir)"),
        force: bool = typer.Option(False, "--force", help="make new ones even if they exist"),
    ) -> int:
        """Create local development certificates for C2PA signing (untrusted: integrity, not identity)."""
        from candid.provenance import make_dev_certificates

        paths = make_dev_certificates(folder, force=force)
        out.print(f"chain: {paths.chain}\nkey:   {paths.key}\nCA:    {paths.ca}", markup=False, soft_wrap=True)
        return 0
