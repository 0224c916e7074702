"""``/api/subjects``: list, show, enroll and erase people."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import numpy as np
from fastapi import APIRouter, Depends, Path as PathParam, Query

from candid.errors import CandidError
from candid.web.deps import Studio, studio
from candid.web.jobs import ID, upload_path
from candid.web.models import EnrollRequest
from candid.web.security import sanitize_filename, scrub_paths

router = APIRouter(tags=["subjects"])


@router.get("/api/subjects")
def list_subjects(st: Studio = Depends(studio)) -> list[dict]:
    """Every enrolled subject (name, number of photos, consent kind)."""
    return [{"name": s.name, "photos": s.n_photos, "consent": s.consent, "created_at": s.created_at}
            for s in st.library().subjects()]


@router.get("/api/subjects/{name}")
def get_subject(name: str = PathParam(..., max_length=64), st: Studio = Depends(studio)) -> dict:
    """A subject's consent record and reference photos (no embeddings)."""
    prof = st.library().profile(name)
    return {"name": prof.name, "consent": asdict(prof.consent),
            "photos": [{"name": p.original_name, "width": p.width, "height": p.height,
                        "warnings": p.quality.get("warnings", [])} for p in prof.photos],
            "quirks": len(getattr(prof, "quirks", []) or [])}


@router.post("/api/subjects")
def enroll(body: EnrollRequest, st: Studio = Depends(studio)) -> dict:
    """Enroll a subject from uploads, all or nothing (consent required for a new subject)."""
    from candid.subjects.library import make_consent, validate_name

    name = validate_name(body.name)
    lib = st.library()
    existing = {s.name for s in lib.subjects()}
    consent = None
    if name not in existing:
        c = body.consent
        consent = make_consent(c.kind if c else None, c.given_by if c else None, c.relation if c else None,
                               c.purpose if c else None, name)
    with tempfile.TemporaryDirectory(dir=st.data_dir) as tmp:
        paths, used = [], set()
        for uid in body.uploads:
            src = upload_path(st.data_dir, uid)
            nice = sanitize_filename(st.upload_meta(uid).get("filename"))
            stem, suffix = Path(nice).stem, Path(nice).suffix  # the user's name (bytes are sniffed anyway)
            cand, i = f"{stem}{suffix}", 1
            while cand in used:
                cand, i = f"{stem}-{i}{suffix}", i + 1
            used.add(cand)
            link = Path(tmp) / cand
            shutil.copyfile(src, link)
            paths.append(link)
        prof = lib.enroll(name, paths, consent=consent, date_hint=body.date_hint)
    # The library now holds the photos; remove the uploads so deleting the subject erases them all.
    for uid in body.uploads:
        src = upload_path(st.data_dir, uid)
        src.unlink(missing_ok=True)
        src.with_suffix(".json").unlink(missing_ok=True)
    return {"name": prof.name, "photos": len(prof.photos)}


def _plan(st: Studio, name: str, look: bool = True):
    from candid.web.erase import plan_erase

    prof = st.library().profile(name)  # unknown -> a clear error before anything is touched
    refs = np.stack([p.embedding for p in prof.photos]) if prof.photos else np.zeros((0, 128), np.float32)
    return prof, plan_erase(st.store, st.data_dir, prof.name, refs, look=look)


@router.get("/api/subjects/{name}/traces")
def subject_traces(name: str = PathParam(..., max_length=64), st: Studio = Depends(studio)) -> dict:
    """What erasing a subject would remove, and the results and uploads that may show them (to ask about first).

    ``candidates`` were made without choosing them but have a face close to
    theirs; erasing removes only those passed back in ``also``.
    """
    prof, plan = _plan(st, name)
    return {"name": prof.name, "photos": len(prof.photos), "results": len(plan.jobs), "running": len(plan.running),
            "reference_uploads": len(plan.uploads), "candidates": [c.to_dict() for c in plan.candidates]}


@router.delete("/api/subjects/{name}")
def delete_subject(name: str = PathParam(..., max_length=64),
                   also: list[str] = Query([], max_length=500,
                                           description="Ids of candidate results or uploads (from /traces) to erase too."),
                   st: Studio = Depends(studio)) -> dict:
    """Erase a subject everywhere candid holds them: library, studio results made for them, reference uploads.

    Results made without choosing them go too when their ids are in ``also``
    (the page asks first, from ``GET /api/subjects/{name}/traces``). The answer
    says what was removed; ``kept`` lists candidates not chosen and
    ``leftovers`` anything that could not be removed.
    """
    from candid.web.erase import carry_out

    bad = [a for a in also if not ID.match(a)]
    if bad:
        raise CandidError(f"not a result or upload id: {bad[0][:40]!r}", hint="use the ids from /traces")
    prof, plan = _plan(st, name)
    studio_part = carry_out(st.store, st.data_dir, plan, also)
    report = st.library().delete(prof.name)
    root = str(Path(st.library_path))
    leftovers = [scrub_paths(t.replace(root, "library")) for t in report.leftovers] + studio_part["leftovers"]
    return {"name": report.name, "files_removed": report.files_removed, "photos_removed": report.photos_removed,
            "results_removed": studio_part["results_removed"], "uploads_removed": studio_part["uploads_removed"],
            "kept": studio_part["kept"], "leftovers": leftovers}
