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

    recipe = studio_recipe(STYLE, face=1, seed=seed)
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


#: Eligible faces: at least this many px between the eye centres (``candid.engines.studio.stage.SMALL_FACE_IOD``).
MIN_IOD = 64.0


def face_group(face, shape) -> str:
    """``"eligible"`` (whole face, >= :data:`MIN_IOD` px between the eyes), ``"small"`` (whole, smaller) or
    ``"cut"`` (the face is cut by the photo's border: the studio refuses it by design).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> lm = np.tile([[100.0, 100.0]], (68, 1)); lm[36:42] = [60, 100]; lm[42:48] = [140, 100]
    >>> face_group(SimpleNamespace(landmarks=lm, iod=80.0), (200, 200)), face_group(
    ...     SimpleNamespace(landmarks=lm / 4, iod=20.0), (200, 200))
    ('eligible', 'small')
    """
    from candid.engines.studio.frame import WHOLE_FACE_MARGIN, face_inside

    if not face_inside(face.landmarks, shape, margin=WHOLE_FACE_MARGIN):
        return "cut"
    return "eligible" if float(face.iod) >= MIN_IOD else "small"


def run(data: Dataset, *, limit: int | None = None, seed: int = 0, log=print) -> SectionResult:
    res = SectionResult("studio")
    photos = subsample(data.real, limit)
    rows, sheets, times = [], [], []
    n_face = 0
    groups = ("eligible", "small", "cut")
    n = {g: 0 for g in groups}
    ok = {g: 0 for g in groups}
    detached, halos, sampled, ids, extra, warned = ({g: [] for g in groups} for _ in range(6))
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
        grp = face_group(face, px.shape)
        n[grp] += 1
        t0 = time.perf_counter()
        made, err = attempt(lambda: make_headshot(px, path.name, seed=seed))
        times.append(time.perf_counter() - t0)
        if err:
            if grp != "cut":
                res.failures.append((name, err))
            rows.append({"photo": name, "group": grp, "iod": float(face.iod),
                         "result": "refused" if grp == "cut" else "error", "message": err})
            log(f"studio {name}: {err}")
            continue
        ok[grp] += 1
        first, final = made
        matte = studio_matte(first)
        row = {"photo": name, "group": grp, "iod": float(face.iod), "result": "ok",
               "size": f"{final.width}x{final.height}"}
        said = [c.get("change") for op in first.log if op.stage == "engine.studio"
                for c in op.params.get("changes", [])]
        warned[grp].append(float("small_face" in said))
        lm = np.asarray(first.face.landmarks, np.float64) if first.face is not None else None
        if matte is not None:
            centre = None if lm is None else tuple(lm.mean(0))
            row["detached_pieces"] = metrics.detached_pieces(matte, centre)
            row["halo_px"] = metrics.halo_px(first.pixels, matte)
            # Round 19's measure (400 random edge points), beside the new one for one round so that a reader can
            # compare both on the same run; drop it in round 21.
            row["halo_px_sampled"] = metrics.halo_px(first.pixels, matte, max_points=400, seed=seed)
            detached[grp].append(row["detached_pieces"])
            halos[grp].append(row["halo_px"])
            sampled[grp].append(row["halo_px_sampled"])
        else:
            row["message"] = "the studio engine exposed no matte"
        row["engine_size"] = f"{first.width}x{first.height}"
        found, err = attempt(lambda: identity_to_source(face.embedding, final.pixels))
        row["identity"] = found[0] if found else float("nan")
        if err:
            row["message"] = f"identity: {err}"
        else:
            ids[grp].append(found[0])
            row["extra_faces"] = found[1] - 1
            extra[grp].append(found[1] - 1)
        row["seconds"] = times[-1]
        rows.append(row)
        log(f"studio {name}: ok in {times[-1]:.1f} s")
        sheets.append(_sheet(name, px, first, final, matte, lm, row))
    e, sm = "eligible", "small"
    res.keys = {
        "studio.success_rate": ok[e] / n[e] if n[e] else float("nan"),
        "studio.detached_pieces": metrics.mean(detached[e]),
        "studio.halo_px": metrics.mean(halos[e]),
        "studio.halo_px_sampled": metrics.mean(sampled[e]),
        "studio.identity_mean": metrics.mean(ids[e]),
        "studio.identity_max": float(np.max(ids[e])) if ids[e] else float("nan"),
        "studio.extra_faces": metrics.mean(extra[e]),
        "studio.small_faces.n": n[sm],
        "studio.small_faces.success_rate": ok[sm] / n[sm] if n[sm] else float("nan"),
        "studio.small_faces.warned": metrics.mean(warned[sm]),
        "studio.small_faces.detached_pieces": metrics.mean(detached[sm]),
        "studio.small_faces.halo_px": metrics.mean(halos[sm]),
        "studio.small_faces.halo_px_sampled": metrics.mean(sampled[sm]),
        "studio.small_faces.identity_max": float(np.max(ids[sm])) if ids[sm] else float("nan"),
        "studio.cut_faces.n": n["cut"],
        "studio.cut_faces.refused": (n["cut"] - ok["cut"]) / n["cut"] if n["cut"] else float("nan"),
        "studio.n_photos": len(photos), "studio.n_with_face": n_face, "studio.n_eligible": n[e],
        "studio.failures": len(res.failures),
        "seconds.studio": metrics.mean(times),
    }
    intro = (f"Style <b>{STYLE}</b> at its default size, recipe as <code>candid make</code> runs it "
             f"(without the {', '.join(SKIPPED_STAGES)} stage), on every photo under <code>real/</code> whose "
             f"largest face is detected. The issue's keys are over the <i>eligible</i> photos (the whole face "
             f"inside the photo, at least {MIN_IOD:.0f} px between the eyes); smaller faces have their own "
             "<code>studio.small_faces.*</code> keys, faces cut by the border must be refused. Matte metrics on "
             "the engine's output before finish; crops at 1:1 of the finished file.")
    cols = ["photo", "group", "iod", "result", "engine_size", "size", "detached_pieces", "halo_px", "halo_px_sampled",
            "extra_faces", "identity", "seconds", "message"]
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
