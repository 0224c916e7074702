"""`candid enroll` and `candid subjects list|show|delete`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from candid.cli._common import console, out, progress_bar

LibraryOption = typer.Option(None, "--library", help="Library folder (default: $CANDID_LIBRARY or your data folder).")


def _library(path: Optional[Path]):
    from candid.subjects import Library

    return Library(path)


def enroll(
    name: str = typer.Argument(..., help="The person's name."),
    photos: list[Path] = typer.Argument(..., help="Reference photos of them (several, varied, sharp)."),
    consent: Optional[str] = typer.Option(None, "--consent", help="self | family | deceased-relative | other"),
    consent_by: Optional[str] = typer.Option(None, "--consent-by", help="Who gave consent (unless it is yourself)."),
    relation: Optional[str] = typer.Option(None, "--relation", help="Their relation to the subject."),
    purpose: Optional[str] = typer.Option(None, "--purpose", help="What the photos may be used for."),
    face: Optional[int] = typer.Option(None, "--face", min=1, help="Which face in group photos (1 = largest)."),
    date: Optional[str] = typer.Option(None, "--date", help="When the photos were taken (e.g. 1962)."),
    library: Optional[Path] = LibraryOption,
) -> None:
    """Enroll a person from their real photos (all or nothing)."""
    from candid.subjects import make_consent, validate_name

    lib = _library(library)
    clean = validate_name(name)
    known = {s.name for s in lib.subjects()}
    record = None if clean in known else make_consent(consent, consent_by, relation, purpose, clean)
    with progress_bar("analysing photos", total=len(photos)) as advance:
        def on_photo(i: int, n: int, filename: str) -> None:
            if i > 0:
                advance(1, description=f"analysed {filename if i < n else 'all'}")

        profile = lib.enroll(clean, photos, consent=record, face_index=None if face is None else face - 1,
                             date_hint=date, on_photo=on_photo)
    out.print(f"enrolled [bold]{profile.name}[/bold]: {len(profile.photos)} photo(s) in {lib.root}")
    out.print(f"the photos agree on who this is: {_agreement(profile.embedding_spread)}; "
              "features seen in most of the photos: "
              + (", ".join(q.description for q in profile.quirks) or "none seen consistently"))


def _agreement(spread: float) -> str:
    """How alike the enrolled photos are, in words (spread of face embeddings; 0.6 = different people).

    Examples
    --------
    >>> _agreement(0.12), _agreement(0.3), _agreement(0.5)
    ('closely', 'well', 'loosely (add sharper, front-facing photos for a firmer likeness)')
    """
    from candid.face import SAME_PERSON_THRESHOLD

    if spread < SAME_PERSON_THRESHOLD / 3:
        return "closely"
    if spread < SAME_PERSON_THRESHOLD * 2 / 3:
        return "well"
    return "loosely (add sharper, front-facing photos for a firmer likeness)"


subjects_app = typer.Typer(help="List, show and delete enrolled subjects.", no_args_is_help=True)


@subjects_app.callback()
def _group(ctx: typer.Context, library: Optional[Path] = LibraryOption) -> None:
    """List, show and delete enrolled subjects (``--library`` here or after the command)."""
    ctx.obj = {"library": library}


def _group_library(ctx: typer.Context, library: Optional[Path]) -> Optional[Path]:
    """The command's own ``--library``, else the group's (``candid subjects --library P list``)."""
    return library if library is not None else (ctx.obj or {}).get("library")


@subjects_app.command("list")
def list_subjects(ctx: typer.Context, library: Optional[Path] = LibraryOption) -> None:
    """List enrolled subjects."""
    lib = _library(_group_library(ctx, library))
    rows = lib.subjects()
    if not rows:
        out.print(f"no subjects in {lib.root}")
        return
    table = Table("name", "photos", "consent", "enrolled", "id")
    for s in rows:
        table.add_row(s.name, str(s.n_photos), s.consent or "-", s.created_at, s.id)
    out.print(table)


@subjects_app.command("show")
def show_subject(
    ctx: typer.Context,
    name: str,
    as_json: bool = typer.Option(False, "--json", help="Print the whole profile as JSON."),
    library: Optional[Path] = LibraryOption,
) -> None:
    """Show a subject's profile: consent, photos, geometry, texture, quirks."""
    from candid.face import FEATURES
    from candid.files import to_jsonable

    profile = _library(_group_library(ctx, library)).profile(name)
    if as_json:
        out.print_json(json.dumps(to_jsonable(profile.summary())))
        return
    c = profile.consent
    out.print(f"[bold]{profile.name}[/bold]  ({len(profile.photos)} photos, id {profile.id})")
    out.print(f"consent: {c.kind}, given by {c.given_by} ({c.relation}) on {c.at}, for: {c.purpose}")
    table = Table("feature", "typical", "varies between photos by", title="face measurements (in eye distances)")
    for key, stats in profile.geometry.items():
        table.add_row(FEATURES.get(key, key), f"{stats.mean:.3f}", f"{stats.std:.3f}")
    out.print(table)
    out.print("quirks: " + ("; ".join(f"{q.description} ({q.support:.0%} of photos)" for q in profile.quirks)
                            or "none seen consistently"))


@subjects_app.command("delete")
def delete_subject(
    ctx: typer.Context,
    name: str,
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    library: Optional[Path] = LibraryOption,
    data: Optional[Path] = typer.Option(None, "--data", help="The web studio's folder, to erase their portraits there "
                                        "too (default: the one `candid serve` uses, next to the library)."),
) -> None:
    """Erase a subject everywhere candid holds them: photos, face measurements, consent, and their studio portraits."""
    import numpy as np

    lib = _library(_group_library(ctx, library))
    profile = lib.profile(name)
    studio_dir = data or (Path(lib.root).parent / "studio")
    studio = plan = None
    if (studio_dir / "jobs.sqlite").is_file():
        from candid.web.erase import plan_erase
        from candid.web.store import JobStore

        studio = JobStore(studio_dir / "jobs.sqlite")
        refs = np.stack([p.embedding for p in profile.photos]) if profile.photos else np.zeros((0, 128), np.float32)
        with progress_bar("looking for them in the studio's portraits", None):
            plan = plan_erase(studio, studio_dir, profile.name, refs)
    what = f"{len(profile.photos)} reference photo(s), face measurements and consent record"
    if plan is not None:
        what += (f", {len(plan.jobs) + len(plan.running)} studio portrait(s) made for them"
                 f" and {len(plan.uploads)} reference photo(s) uploaded but never enrolled")
    if not yes and not typer.confirm(f"Erase {profile.name} for good: {what}?"):
        raise typer.Abort()
    also = []
    for c in plan.candidates if plan is not None else []:
        # made without choosing them, but the face looks like theirs: the person decides, candid never guesses
        if not yes and typer.confirm(f"  {c.label} was made without choosing {profile.name} but has a "
                                     f"{c.to_dict()['likeness']} likeness. Is it them (erase it too)?", default=False):
            also.append(c.id)
    studio_part = None
    if plan is not None:
        from candid.web.erase import carry_out

        studio_part = carry_out(studio, studio_dir, plan, also)
    report = lib.delete(profile.name)
    out.print(f"erased {report.name}: {report.photos_removed} photo record(s), {report.files_removed} file(s)"
              + (f", {studio_part['results_removed']} studio portrait(s), {studio_part['uploads_removed']} "
                 "unused upload(s)" if studio_part else ""), soft_wrap=True)
    for label in studio_part["kept"] if studio_part else []:
        out.print(f"kept (may show someone else; you did not choose it): {label}", soft_wrap=True)
    leftovers = list(report.leftovers) + (studio_part["leftovers"] if studio_part else [])
    if leftovers:
        console.print("[red]traces remain in:[/red] " + ", ".join(leftovers))
        raise typer.Exit(1)
    where = f"{lib.root}" + (f" or the studio ({studio_dir})" if studio_part else "")
    out.print(f"verified: no trace of {report.name} left in {where}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("enroll")(enroll)
    app.add_typer(subjects_app, name="subjects")
