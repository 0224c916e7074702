"""``/api/subjects``: list, show, enroll and erase people."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

from fastapi import APIRouter, Depends, Path as PathParam

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


@router.delete("/api/subjects/{name}")
def delete_subject(name: str = PathParam(..., max_length=64), st: Studio = Depends(studio)) -> dict:
    """Erase a subject everywhere candid holds them: library, studio results made for them, reference uploads.

    The answer says what was removed; ``leftovers`` lists anything that could not be.
    """
    store, data_dir = st.store, st.data_dir
    lib = st.library()
    who = lib.profile(name).name  # unknown -> a clear 404-style error before anything is touched
    results_removed, still_running = 0, []
    for job in store.list(limit=1_000_000):
        if (job["params"].get("subject") or "").casefold() != who.casefold():
            continue
        if job["state"] in ("queued", "running"):
            store.cancel(job["id"])
            still_running.append(job["id"][:8])
            continue
        if store.delete(job["id"]):
            shutil.rmtree(data_dir / "results" / job["id"], ignore_errors=True)
            results_removed += 1
            st.remove_upload_if_unused(job["params"].get("upload"))
    # reference photos uploaded for an enrollment that never finished (a reference upload has a quality check)
    uploads_removed = 0
    for meta_path in sorted((data_dir / "uploads").glob("*.json")):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        uid = meta_path.stem
        if meta.get("quality") is not None and ID.match(uid) and not store.uses_upload(uid):
            for f in (data_dir / "uploads").glob(f"{uid}.*"):
                f.unlink(missing_ok=True)
            uploads_removed += 1
    report = lib.delete(who)
    root = str(Path(st.library_path))
    leftovers = [scrub_paths(t.replace(root, "library")) for t in report.leftovers]
    leftovers += [f"studio job {j} (was running; cancelled, erase again once it stopped)" for j in still_running]
    return {"name": report.name, "files_removed": report.files_removed, "photos_removed": report.photos_removed,
            "results_removed": results_removed, "uploads_removed": uploads_removed, "leftovers": leftovers}
