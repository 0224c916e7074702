"""Scorecard section ``studio``: a linkedin headshot (default size) from every real photo with a face."""

from __future__ import annotations

import time

import numpy as np

from candid.scorecard import metrics
from candid.scorecard.data import Dataset, shrink, subsample
from candid.scorecard.sheets import SectionResult, attempt, crops_html, face_points, img_tag, section_html, table

STYLE = "linkedin"
#: Stages of the style's recipe the scorecard leaves out (measured in their own section).
SKIPPED_STAGES = ("inspect",)


def largest_face(pixels: np.ndarray):
    """The largest face (``candid.face.analyze_face`` with ``face_index=0``), with its identity embedding."""
    from candid.face import analyze_face

    return analyze_face(pixels, face_index=0, quality=False, source="photo")


def make_headshot(pixels: np.ndarray, source: str, *, seed: int = 0):
    """Run the style's recipe as ``run_studio`` does, keeping the portrait right after ``engine.studio``.

    Returns
    -------
    (Portrait, Portrait)
        The ``engine.studio`` output (with its ``matte``) and the finished result.
    """
    from candid.engines.studio.recipe import studio_recipe
    from candid.portrait import Portrait
    from candid.recipes import run_recipe

    recipe, _ = studio_recipe(STYLE, face=0, seed=seed)
    steps = [s for s in recipe.steps if s.stage not in SKIPPED_STAGES]
    at = [s.stage for s in steps].index("engine.studio") + 1
    first = run_recipe(recipe.model_copy(update={"steps": steps[:at]}), Portrait(pixels, source=source))
    final = run_recipe(recipe.model_copy(update={"steps": steps[at:]}), first)
    return first, final


def studio_matte(portrait) -> np.ndarray | None:
    """The studio engine's final matte for ``portrait``'s pixels (``Portrait.matte`` or
    ``Portrait.extras["studio.matte"]``), or None."""
    m = getattr(portrait, "matte", None)
    if m is None:
        m = (getattr(portrait, "extras", None) or {}).get("studio.matte")
    return None if m is None else np.asarray(m, np.float32)


def identity_to_source(source_embedding: np.ndarray, final_pixels: np.ndarray) -> tuple[float, int]:
    """Identity distance between the source face and the largest face of the headshot (shrunk to 1024 px),
    and the number of faces found in the headshot."""
    from candid.face import identity_distance

    face = largest_face(shrink(final_pixels, 1024))
    return float(identity_distance(source_embedding, face.embedding)), int(face.n_faces)


def run(data: Dataset, *, limit: int | None = None, seed: int = 0, log=print) -> SectionResult:
    res = SectionResult("studio")
    photos = subsample(data.real, limit)
    rows, sheets, times = [], [], []
    n_face = n_ok = 0
    detached, halos, ids, extra = [], [], [], []
    for path in photos:
        name = data.name(path)
        px, err = attempt(lambda: data.load(path))
        if err:
            res.failures.append((name, f"read: {err}"))
            rows.append({"photo": name, "result": "unreadable", "message": err})
            continue
        face, err = attempt(lambda: largest_face(px))
        if err:
            rows.append({"photo": name, "result": "no face", "message": err})
            continue
        n_face += 1
        t0 = time.perf_counter()
        made, err = attempt(lambda: make_headshot(px, path.name, seed=seed))
        times.append(time.perf_counter() - t0)
        if err:
            res.failures.append((name, err))
            rows.append({"photo": name, "result": "error", "message": err})
            log(f"studio {name}: {err}")
            continue
        n_ok += 1
        first, final = made
        matte = studio_matte(first)
        row = {"photo": name, "result": "ok", "size": f"{final.width}x{final.height}"}
        lm = np.asarray(first.face.landmarks, np.float64) if first.face is not None else None
        if matte is not None:
            centre = None if lm is None else tuple(lm.mean(0))
            row["detached_pieces"] = metrics.detached_pieces(matte, centre)
            row["halo_px"] = metrics.halo_px(first.pixels, matte, seed=seed)
            detached.append(row["detached_pieces"])
            halos.append(row["halo_px"])
        else:
            row["message"] = "the studio engine exposed no matte"
        row["engine_size"] = f"{first.width}x{first.height}"
        found, err = attempt(lambda: identity_to_source(face.embedding, final.pixels))
        row["identity"] = found[0] if found else float("nan")
        if err:
            row["message"] = f"identity: {err}"
        else:
            ids.append(found[0])
            row["extra_faces"] = found[1] - 1
            extra.append(found[1] - 1)
        row["seconds"] = times[-1]
        rows.append(row)
        log(f"studio {name}: ok in {times[-1]:.1f} s")
        sheets.append(_sheet(name, px, first, final, matte, lm, row))
    res.keys = {
        "studio.success_rate": n_ok / n_face if n_face else float("nan"),
        "studio.detached_pieces": metrics.mean(detached),
        "studio.halo_px": metrics.mean(halos),
        "studio.identity_mean": metrics.mean(ids),
        "studio.identity_max": float(np.max(ids)) if ids else float("nan"),
        "studio.extra_faces": metrics.mean(extra),
        "studio.n_photos": len(photos), "studio.n_with_face": n_face, "studio.failures": len(res.failures),
        "seconds.studio": metrics.mean(times),
    }
    intro = (f"Style <b>{STYLE}</b> at its default size, recipe as <code>candid make</code> runs it "
             f"(without the {', '.join(SKIPPED_STAGES)} stage), on every photo under <code>real/</code> whose "
             "largest face is detected. Matte metrics on the engine's output before finish; crops at 1:1 of the "
             "finished file.")
    cols = ["photo", "result", "engine_size", "size", "detached_pieces", "halo_px", "extra_faces", "identity",
            "seconds", "message"]
    res.html = section_html(res, intro, table(rows, cols) + "".join(sheets))
    return res


def _sheet(name, src, first, final, matte, lm, row) -> str:
    parts = [img_tag(src, f"input {src.shape[1]}x{src.shape[0]}"),
             img_tag(final.pixels, f"headshot {final.width}x{final.height}")]
    if matte is not None:
        parts.append(img_tag(matte, "matte (engine output size)"))
    if lm is not None:
        s = final.width / first.width
        pts = face_points(lm, matte)
        parts.append(crops_html(final.pixels, {k: (x * s, y * s) for k, (x, y) in pts.items()}))
        parts.append(crops_html(first.pixels, {"hair edge (engine output)": pts["hair edge"]}, size=128))
    info = ", ".join(f"{k} {row[k]:.2f}" for k in ("detached_pieces", "halo_px", "extra_faces", "identity")
                     if isinstance(row.get(k), (int, float)))
    return f'<div class="sheet"><h4>{name}: {info}</h4>{"".join(parts)}</div>'
