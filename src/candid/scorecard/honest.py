"""Scorecard section ``honest``: leave-one-out audits of real photos and of synthetic flattery."""

from __future__ import annotations

import tempfile
import time

import numpy as np

from candid.scorecard import metrics
from candid.scorecard.data import Dataset, subsample
from candid.scorecard.flatter import KINDS, flatter
from candid.scorecard.sheets import SectionResult, attempt, crop_at, img_tag, section_html, table

MIN_PHOTOS = 3


def cases(data: Dataset) -> list[tuple[str, object, list]]:
    """``(person, left_out, others)`` for every photo of every person with at least 3 photos.

    Examples
    --------
    >>> from pathlib import Path
    >>> d = Dataset(Path("."), people={"a": ["1", "2", "3"], "b": ["x", "y"]})
    >>> [(p, o) for p, o, _ in cases(d)]
    [('a', '1'), ('a', '2'), ('a', '3')]
    """
    out = []
    for person, photos in data.people.items():
        if len(photos) >= MIN_PHOTOS:
            for i, p in enumerate(photos):
                out.append((person, p, photos[:i] + photos[i + 1:]))
    return out


def enroll(library_dir: str, person: str, photos: list):
    """Enroll ``photos`` (largest face each) into a fresh library with self consent."""
    from candid.subjects import Library, make_consent

    lib = Library(library_dir)
    profile = lib.enroll(person, [str(p) for p in photos], consent=make_consent("self", None, None, None, person),
                         face_index=0)
    return lib, profile


def guard(pixels: np.ndarray, profile, lib):
    """The honest guard as ``candid honest IMAGE --subject NAME`` runs it."""
    from candid.honest import honest_guard

    return honest_guard(pixels, profile, library=lib)


def flagged(result) -> list[str]:
    """Plain-words findings of the audit before the guard acted."""
    return [f.text for f in result.before.changed] if result.before is not None else []


def run(data: Dataset, *, limit: int | None = None, seed: int = 0, log=print) -> SectionResult:
    from candid.face import analyze_face

    res = SectionResult("honest")
    todo = subsample(cases(data), limit)
    rows, sheets, times = [], [], []
    false_flags, changed = [], []
    detect: dict[str, list[bool]] = {k: [] for k in KINDS}
    id_flat, id_after = [], []
    for person, left_out, others in todo:
        name = data.name(left_out)
        with tempfile.TemporaryDirectory(prefix="candid-scorecard-") as tmp:
            t0 = time.perf_counter()
            enrolled, err = attempt(lambda: enroll(tmp, person, others))
            if err:
                res.failures.append((name, f"enroll others: {err}"))
                rows.append({"photo": name, "result": "enroll failed", "message": err})
                continue
            lib, profile = enrolled
            px, err = attempt(lambda: data.load(left_out))
            result, err = (None, err) if err else attempt(lambda: guard(px, profile, lib))
            times.append(time.perf_counter() - t0)
            if err:
                res.failures.append((name, err))
                rows.append({"photo": name, "result": "error", "message": err})
                continue
            flags = flagged(result)
            false_flags.append(bool(flags))
            changed.append(metrics.pixels_changed(px, result.pixels))
            row = {"photo": name, "result": "ok", "flags": len(flags), "changed": changed[-1],
                   "identity": result.identity_before, "findings": "; ".join(flags)}
            log(f"honest {name}: {len(flags)} flag(s), changed {changed[-1]}")
            face, err = attempt(lambda: analyze_face(px, face_index=0, embed=False, quality=False))
            variants = {}
            for kind, feature in KINDS.items():
                if err:
                    res.failures.append((f"{name} {kind}", f"landmarks: {err}"))
                    break
                t1 = time.perf_counter()
                fl, ferr = attempt(lambda: flatter(px, face.landmarks, kind, seed=seed))
                fr, ferr = (None, ferr) if ferr else attempt(lambda: guard(fl, profile, lib))
                times.append(time.perf_counter() - t1)
                if ferr:
                    res.failures.append((f"{name} {kind}", ferr))
                    row[kind] = "error"
                    continue
                hit = bool(fr.before is not None and any(f.feature == feature for f in fr.before.changed))
                detect[kind].append(hit)
                row[kind] = "flagged" if hit else "missed"
                id_flat.append(fr.identity_before)
                id_after.append(fr.identity_after)
                variants[kind] = (_face_crop(fl, face.landmarks), hit)
            rows.append(row)
            sheets.append(_sheet(name, px, result, flags, face, variants))
    res.keys = {
        "honest.false_flag_rate": metrics.share(false_flags),
        "honest.changed_rate": metrics.share(changed),
        **{f"honest.detect.{k}": metrics.share(v) for k, v in detect.items()},
        "honest.identity_flattered": metrics.mean(id_flat),
        "honest.identity_after": metrics.mean(id_after),
        "honest.n_photos": len(false_flags), "honest.failures": len(res.failures),
        "seconds.honest": metrics.mean(times),
    }
    intro = ("Each person under <code>real/people</code> with at least 3 photos: every photo is left out in turn, "
             "the others are enrolled (self consent) in a temporary library, and the left-out photo is audited "
             "with the honest guard as <code>candid honest</code> runs it; then five synthetic flatteries of it "
             "(one at a time) are audited too. Below: the photos with flags, and the flattery crops.")
    cols = ["photo", "result", "flags", "changed", "identity", *KINDS, "findings", "message"]
    res.html = section_html(res, intro, table(rows, cols) + "".join(sheets))
    return res


def _face_crop(img, landmarks) -> np.ndarray:
    lm = np.asarray(landmarks)
    size = int(max(1.3 * np.ptp(lm[:, 0]), 64))
    return crop_at(img, tuple(lm.mean(0)), size)


def _sheet(name, px, result, flags, face, variants) -> str:
    parts = [img_tag(px, "real photo"), img_tag(result.pixels, "after the guard")]
    if face is not None:
        parts.append(img_tag(_face_crop(px, face.landmarks), "real face", max_side=200))
    for kind, (crop, hit) in variants.items():
        parts.append(img_tag(crop, f"{kind}: {'flagged' if hit else 'MISSED'}", max_side=200))
    words = "<ul>" + "".join(f"<li>{f}</li>" for f in flags) + "</ul>" if flags else "<p>No flags.</p>"
    return f'<div class="sheet"><h4>{name}: {len(flags)} flag(s) on the real photo</h4>{words}{"".join(parts)}</div>'
