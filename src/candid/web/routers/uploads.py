"""``/api/uploads``: one image under a random name (sniffed, size-checked, quality-gated for references)."""

from __future__ import annotations

import json
import uuid
from typing import Literal

from fastapi import APIRouter, Depends, File, Form, UploadFile

from candid.errors import BadImageError, CandidError
from candid.web.deps import Studio, studio
from candid.web.security import sanitize_filename

router = APIRouter(tags=["uploads"])


def quality_check(path: str, name: str) -> dict:
    """The enrollment quality gate on one reference photo: ``{"ok", "problems", "warnings"}``."""
    from candid.subjects.enroll import analyze_reference

    try:
        photo = analyze_reference(path)
    except CandidError as exc:
        return {"ok": False, "problems": [exc.reason], "warnings": []}  # the reason alone, no file name
    return {"ok": True, "problems": [], "warnings": list(photo.record.quality.get("warnings", []))}


@router.post("/api/uploads")
def upload(file: UploadFile = File(...), purpose: Literal["source", "reference"] = Form("source"),
           st: Studio = Depends(studio)) -> dict:
    """Store one image under a random name; for ``reference`` photos, run the enrollment quality gate.

    The type is sniffed from the bytes (the name and Content-Type are ignored);
    files over the byte or pixel limit are refused.
    """
    from candid.imageio import read_header, sniff_format

    max_bytes, max_pixels = st.max_upload_bytes, st.max_upload_pixels
    head = file.file.read(64)
    fmt = sniff_format(head)
    if fmt is None:
        raise BadImageError(f"{sanitize_filename(file.filename)}: not an image candid reads",
                            hint="use JPEG, PNG, TIFF, WebP, GIF, HEIC or AVIF")
    upload_id = uuid.uuid4().hex
    target = st.data_dir / "uploads" / f"{upload_id}.{fmt}"
    part = target.with_name(target.name + ".part")
    size = len(head)
    try:
        with open(part, "wb") as out:
            out.write(head)
            while chunk := file.file.read(1 << 20):
                size += len(chunk)
                if size > max_bytes:
                    raise CandidError(f"file too large (over {max_bytes // (1024 * 1024)} MB)",
                                      hint="upload a smaller file")
                out.write(chunk)
        # header only, every format (HEIC too): nothing is decoded before the size check
        try:
            header = read_header(part, max_bytes=max_bytes)
        except CandidError as exc:  # name the user's file, never the server's path
            raise type(exc)(exc.reason, hint=exc.hint, source=sanitize_filename(file.filename)) from None
        if header.width * header.height > max_pixels:
            raise CandidError(f"image too large ({header.width}x{header.height} pixels)",
                              hint=f"the limit is {max_pixels // 1_000_000} megapixels")
        part.rename(target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    meta = {"id": upload_id, "filename": sanitize_filename(file.filename), "format": fmt,
            "width": header.width, "height": header.height, "bytes": size, "quality": None}
    if purpose == "reference":
        # In the server's thread pool: the face models load once and stay warm (~0.7 s a photo at
        # 512 px). A process pool was tried and was slower: a cold model load per worker process.
        meta["quality"] = quality_check(str(target), meta["filename"])
    (st.data_dir / "uploads" / f"{upload_id}.json").write_text(json.dumps(meta), encoding="utf-8")
    return meta
