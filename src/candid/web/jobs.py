"""What a web job does: the same recipe calls as ``candid make`` / ``candid inspect``.

The web layer adds only what a browser needs on top of a finished portrait:
deep-zoom tiles (libvips ``dzsave``) for the compare view and PNG overlays of
the inspector's heatmaps. Every image decision is made by
:func:`candid.engines.studio.recipe.studio_recipe`, :func:`candid.recipes.run_recipe`,
:func:`candid.provenance.label_and_write` and :func:`candid.inspector.inspect_image`.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any, Callable

import numpy as np

from candid.engines.studio.options import OPTION_NAMES, StudioOptions
from candid.errors import CandidError

#: Options of a make job: the studio options (:class:`StudioOptions`, the one list) + engine and subject.
MAKE_OPTIONS = ("engine", *OPTION_NAMES, "subject")
ID = re.compile(r"^[0-9a-f]{32}$")
#: How a result's matte is described to the user (the results API and page).
MATTE_WHAT = ("candid's own matte of the cut-out (8-bit alpha, white = subject), bound to this headshot's pixels; "
              "keep it beside the headshot as NAME.matte.png and `candid finish` uses it along the edge")


class JobCancelled(Exception):
    """Raised inside a job at a stage boundary after the user cancelled it."""


def upload_path(data_dir: Path, upload_id: str) -> Path:
    """The stored file of an upload id (random hex names only: no traversal)."""
    if not isinstance(upload_id, str) or not ID.match(upload_id):
        raise CandidError(f"invalid upload id {upload_id!r}")
    hits = sorted((data_dir / "uploads").glob(f"{upload_id}.*"))
    hits = [h for h in hits if not h.name.endswith(".json")]
    if not hits:
        raise CandidError(f"no upload {upload_id}", hint="upload the photo again")
    return hits[0]


def heat_png(shape: tuple[int, int], tell, max_side: int = 1024) -> bytes:
    """An RGBA PNG, the image's aspect, with a tell's heatmap coloured and see-through where cold."""
    import cv2

    h, w = shape
    scale = min(1.0, max_side / max(h, w))
    oh, ow = max(1, round(h * scale)), max(1, round(w * scale))
    heat = np.zeros((oh, ow), np.float32)
    y0, y1, x0, x1 = tell.heatmap_window or (0, h, 0, w)
    hy0, hy1, hx0, hx1 = (int(round(v * scale)) for v in (y0, y1, x0, x1))
    hy1, hx1 = min(max(hy1, hy0 + 1), oh), min(max(hx1, hx0 + 1), ow)
    if hy1 > hy0 and hx1 > hx0:
        heat[hy0:hy1, hx0:hx1] = cv2.resize(np.asarray(tell.heatmap, np.float32), (hx1 - hx0, hy1 - hy0),
                                            interpolation=cv2.INTER_LINEAR)
    heat = np.clip(np.nan_to_num(heat), 0, 1)
    colour = cv2.applyColorMap(np.uint8(heat * 255), cv2.COLORMAP_INFERNO)  # BGR
    alpha = np.uint8(np.clip(heat * 1.4, 0, 0.8) * 255)
    ok, buf = cv2.imencode(".png", np.dstack([colour, alpha]))
    assert ok
    return buf.tobytes()


def save_dzi(pixels: np.ndarray, stem: Path) -> Path:
    """Deep-zoom tiles of ``pixels`` at ``stem.dzi`` + ``stem_files/`` (replaced atomically enough: tmp then move)."""
    from candid.imageio import to_vips

    tmp = stem.with_name(stem.name + ".part")
    shutil.rmtree(tmp.with_name(tmp.name + "_files"), ignore_errors=True)
    to_vips(pixels).dzsave(str(tmp), suffix=".jpg[Q=90]", tile_size=254, overlap=1)
    shutil.rmtree(stem.with_name(stem.name + "_files"), ignore_errors=True)
    Path(str(tmp) + "_files").rename(stem.with_name(stem.name + "_files"))
    Path(str(tmp) + ".dzi").replace(stem.with_suffix(".dzi"))
    return stem.with_suffix(".dzi")


def source_to_result(log, result_size: tuple[int, int]) -> list[list[float]] | None:
    """The ``2x3`` affine map from source pixels to result pixels, from the studio's log.

    The studio records its framing (crop, scale, rotation, canvas) as
    ``frame_matrix``; later stages only resize the whole frame (``finish``),
    so the map is the framing followed by that scale. ``None`` when no stage
    recorded a framing (then the viewers fall back to relative positions).

    Examples
    --------
    >>> from candid.portrait import Operation
    >>> op = Operation("engine.studio", params={"size": [100, 50], "frame_matrix": [[1, 0, -10], [0, 1, -5]]})
    >>> source_to_result([op], (200, 100))
    [[2.0, 0.0, -20.0], [0.0, 2.0, -10.0]]
    """
    framed = [op for op in log if op.stage == "engine.studio" and op.params.get("frame_matrix")]
    if not framed:
        return None
    params = framed[-1].params
    m = np.asarray(params["frame_matrix"], np.float64).reshape(2, 3)
    w, h = params.get("size") or result_size
    sx, sy = result_size[0] / float(w), result_size[1] / float(h)
    out = np.diag([sx, sy]) @ m
    return [[round(float(v), 6) for v in row] for row in out]


def _eyes(result) -> list[float] | None:
    """Midpoint of the eyes in result pixels (from the result's own face analysis), or None."""
    from candid.face.geometry import eye_centers

    lm = getattr(result.face, "landmarks", None)
    if lm is None:  # a later stage (finish) dropped the analysis: look again, on a small copy
        from candid.face import analyze_face
        import cv2

        scale = min(1.0, 1024 / max(result.width, result.height))
        small = cv2.resize(result.pixels, (round(result.width * scale), round(result.height * scale)),
                           interpolation=cv2.INTER_AREA) if scale < 1 else result.pixels
        try:
            lm = np.asarray(analyze_face(small).landmarks, np.float64) / scale
        except Exception:  # no face found: the view keeps its centre
            return None

    try:
        mid = np.mean(eye_centers(np.asarray(lm, np.float64)), axis=0)
    except Exception:  # a face analysis of another shape: no focus, the view keeps its centre
        return None
    if not (0 <= mid[0] < result.width and 0 <= mid[1] < result.height):
        return None
    return [round(float(mid[0]), 1), round(float(mid[1]), 1)]


def _honest_summary(log, subject: str | None) -> dict[str, Any] | None:
    for op in log:
        if op.stage == "honest":
            params = dict(op.params)
            before = params.get("before") or {}
            # the name as the user chose it (the log itself may keep names out of the file's metadata)
            return {"subject": subject if params.get("subject") else None, "findings": before.get("findings", []),
                    "patterns": before.get("patterns", []), "keep": params.get("keep", {}),
                    "notes": list(op.notes)}
    return None


def run_make(params: dict[str, Any], *, data_dir: Path, library: Path, out_dir: Path,
             on_step: Callable[[int, int, str], None], log: Callable[[str], None]) -> dict[str, Any]:
    """Run a make job: upload -> studio recipe -> labelled file, tiles, heatmaps.

    Parameters
    ----------
    params : dict
        ``upload`` (an upload id) and the options of :data:`MAKE_OPTIONS`
        (as validated by the API).
    data_dir, library, out_dir : Path
        The server's data folder, the subject library and this job's folder.
    on_step : callable
        ``on_step(i, n, stage)`` progress callback; may raise :class:`JobCancelled`.
    log : callable
        Appends one line to the job's log.

    Returns
    -------
    dict
        What the results API serves (sizes, notes, tells, honest findings).
    """
    from candid.engines.studio.changes import change_report
    from candid.engines.studio.recipe import run_studio
    from candid.inspector import inspect_image
    from candid.provenance import dev_signer, label_and_write

    engine = params.get("engine") or "studio"
    if engine != "studio":
        raise CandidError(f"engine {engine!r} is not offered by the web studio yet",
                          hint="use `candid make --engine restore` or `candid generate` from the command line")
    options = StudioOptions.parse(**{k: params.get(k) for k in OPTION_NAMES})
    style = options.style
    out_dir.mkdir(parents=True, exist_ok=True)
    prof = None
    if params.get("subject"):
        from candid.subjects import Library

        prof = Library(library).profile(params["subject"])
    src = upload_path(data_dir, params["upload"])
    total = 0

    def step(i: int, n: int, stage: str) -> None:
        nonlocal total
        if i == 0:
            total = n + 2  # + writing, + tiles and heatmaps
        if stage != "done":
            on_step(i, total, stage)

    # The same path as `candid make`: the web adds only how it shows and stores results.
    run = run_studio(src, options, report=str(out_dir / "report"), subject=prof,
                     source_name=params.get("filename") or src.name, on_step=step,
                     library=library if prof is not None else None)
    result, recipe = run.result, run.recipe
    log(f"recipe {recipe.name}: " + " -> ".join(s.stage for s in recipe.steps))
    for op in result.log:
        for note in op.notes:
            log(f"{op.stage}: {note}")
    on_step(len(recipe.steps), total, "writing")
    # Signed like the CLI's outputs (local development certificate unless the user has their own).
    written = label_and_write(result, out_dir / "result.jpg", quality=92, signer=dev_signer(), ingredients=[src])
    log(f"wrote {written.name} ({result.width}x{result.height}), labelled as AI-edited")
    # the cut-out's matte beside it, as `candid make` and `candid batch` write it (served at .../matte)
    from candid.finish._saved_matte import keep_matte

    side = keep_matte(written, result)
    if side is not None:
        log(f"wrote {side.name}, the cut-out's matte bound to these pixels")
    on_step(len(recipe.steps) + 1, total, "tiles and heatmaps")
    save_dzi(run.source, out_dir / "source")
    save_dzi(result.pixels, out_dir / "result")
    from candid.inspector.stage import report_for

    # The recipe's own inspect stage already looked at these very pixels: reuse its report.
    report = report_for(result.pixels) or inspect_image(result.pixels, face=result.face, afar=False)
    tells = []
    heat_dir = out_dir / "heat"
    heat_dir.mkdir(exist_ok=True)
    for tell in report.tells:
        has = tell.heatmap is not None
        if has:
            (heat_dir / f"{tell.name}.png").write_bytes(heat_png(result.pixels.shape[:2], tell))
        tells.append({"name": tell.name, "score": round(float(tell.score), 3),
                      "confidence": round(float(tell.confidence), 3), "reason": tell.reason, "heatmap": has})
    summary = {
        "style": style, "width": int(result.width), "height": int(result.height),
        "source_width": int(run.source.shape[1]), "source_height": int(run.source.shape[0]),
        "align": source_to_result(result.log, (int(result.width), int(result.height))),
        "focus": _eyes(result),  # where "Zoom to 1:1" lands from the fitted view
        "overall": round(float(report.overall), 3), "tells": tells,
        "honest": _honest_summary(result.log, params.get("subject")),
        "notes": [f"{op.stage}: {n}" for op in result.log for n in op.notes],
        "changes": change_report(result.log),  # what the studio changed on its own, in plain words
        "matte": None if side is None else {"width": int(result.width), "height": int(result.height),
                                            "what": MATTE_WHAT},
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return summary
