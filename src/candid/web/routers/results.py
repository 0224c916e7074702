"""``/api/results``: finished results, their image, previews, report, deep-zoom tiles and heatmaps."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, Response

from candid.web.deps import Studio, studio
from candid.web.models import HEX, TELL, job_out

router = APIRouter(tags=["results"])


@router.get("/api/results")
def results(limit: int = 100, st: Studio = Depends(studio)) -> list[dict]:
    """Finished make jobs with their summaries, newest first (at most 500)."""
    return [{"job": job_out(j), "summary": j["result"]}
            for j in st.store.list(state="done", limit=max(1, min(limit, 500)))]


@router.get("/api/results/{job_id}")
def result(job_id: str = PathParam(..., pattern=HEX), st: Studio = Depends(studio)) -> dict:
    st.done(job_id)
    job = st.store.get(job_id)
    return {"job": job_out(job), "summary": job["result"]}


@router.get("/api/results/{job_id}/image", response_class=FileResponse)
def result_image(job_id: str = PathParam(..., pattern=HEX), st: Studio = Depends(studio)):
    """The labelled output file (JPEG)."""
    return FileResponse(st.done(job_id) / "result.jpg", media_type="image/jpeg",
                        filename=f"candid-{job_id[:8]}.jpg")


@router.get("/api/results/{job_id}/matte", response_class=FileResponse)
def result_matte(job_id: str = PathParam(..., pattern=HEX), st: Studio = Depends(studio)):
    """The result's matte sidecar (8-bit PNG), named to pair with the image download for a later `candid finish`.

    Only a studio cut-out has one; a result that kept its photo's background (a fallback) or was made
    before mattes were kept answers 404.
    """
    from candid.finish._saved_matte import sidecar_path

    path = sidecar_path(st.done(job_id) / "result.jpg")
    if not path.is_file():
        raise HTTPException(404, "this result has no matte: it kept its photo's background, or was made "
                                 "before results kept one")
    return FileResponse(path, media_type="image/png", filename=f"candid-{job_id[:8]}.jpg.matte.png")


@router.get("/api/results/{job_id}/preview/{size}.jpg", response_class=FileResponse)
def result_preview(job_id: str = PathParam(..., pattern=HEX), size: Literal["thumb", "view"] = PathParam(...),
                   st: Studio = Depends(studio)):
    """A small copy of the result for the gallery (``thumb``, 360 px) or the result page (``view``, 1280 px)."""
    folder = st.done(job_id)
    path = folder / f"preview-{size}.jpg"
    if not path.is_file():
        import pyvips

        side = 360 if size == "thumb" else 1280
        from candid.files import atomic_path

        with atomic_path(path, suffix=".part.jpg") as tmp:
            pyvips.Image.thumbnail(str(folder / "result.jpg"), side, height=side, size="down").jpegsave(
                str(tmp), Q=85)  # the labels (XMP) stay on the small copy too
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "max-age=3600"})


@router.get("/api/results/{job_id}/report", response_class=HTMLResponse)
def result_report(job_id: str = PathParam(..., pattern=HEX), st: Studio = Depends(studio)):
    """The inspector's HTML report of the output."""
    path = st.done(job_id) / "report.html"
    if not path.exists():
        raise HTTPException(404, "no report")
    return FileResponse(path, media_type="text/html")


@router.get("/api/results/{job_id}/tiles/{which}.dzi", response_class=Response)
def dzi(job_id: str = PathParam(..., pattern=HEX), which: Literal["source", "result"] = PathParam(...),
        st: Studio = Depends(studio)):
    """Deep-zoom descriptor of the source photo or the result."""
    return FileResponse(st.done(job_id) / f"{which}.dzi", media_type="application/xml")


@router.get("/api/results/{job_id}/tiles/{which}_files/{level}/{col}_{row}.jpg", response_class=Response)
def tile(job_id: str = PathParam(..., pattern=HEX), which: Literal["source", "result"] = PathParam(...),
         level: int = PathParam(..., ge=0, le=40), col: int = PathParam(..., ge=0, le=100000),
         row: int = PathParam(..., ge=0, le=100000), st: Studio = Depends(studio)):
    """One deep-zoom tile."""
    path = st.done(job_id) / f"{which}_files" / str(level) / f"{col}_{row}.jpg"
    if not path.is_file():
        raise HTTPException(404, "no such tile")
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "max-age=3600"})


@router.get("/api/results/{job_id}/heat/{tell}.png", response_class=Response)
def heat(job_id: str = PathParam(..., pattern=HEX), tell: str = PathParam(..., pattern=TELL),
         st: Studio = Depends(studio)):
    """A tell's heatmap as a see-through PNG the size of the result's aspect."""
    path = st.done(job_id) / "heat" / f"{tell}.png"
    if not path.is_file():
        raise HTTPException(404, "no heatmap for that tell")
    return FileResponse(path, media_type="image/png")
