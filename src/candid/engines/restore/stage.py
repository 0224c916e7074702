"""The ``engine.restore`` recipe stage, consent and the identity check."""

from __future__ import annotations

from typing import Any

import numpy as np

from candid.errors import CandidError, ConsentError, FaceError
from candid.portrait import Operation, Portrait


def check_consent(subject: Any) -> str:
    """Refuse a subject without a complete consent record; return a line saying who consented.

    A ``deceased-relative`` record must say who enrolled the person and their
    relation. The returned line goes into the stage log, which is published
    in the output's XMP/C2PA, so it names the relation, never the people.

    Examples
    --------
    >>> from candid.subjects.profile import ConsentRecord
    >>> class S: name = "Ada"; consent = ConsentRecord("deceased-relative", "Bo", "grandson", "memorial", "2026")
    >>> check_consent(S())
    'subject (deceased): consent on record from their grandson, for memorial'
    """
    c = getattr(subject, "consent", None)
    name = getattr(subject, "name", "subject")
    if c is None or not getattr(c, "kind", None):
        raise ConsentError(f"{name} has no consent record", hint="enroll them again with --consent ...")
    if c.kind != "self" and (not (c.given_by or "").strip() or not (c.relation or "").strip()):
        raise ConsentError(f"the consent record of {name} ({c.kind}) does not say who gave it and their relation",
                           hint="re-enroll with --consent-by NAME --relation REL")
    if c.kind == "deceased-relative":
        return f"subject (deceased): consent on record from their {c.relation}, for {c.purpose or 'unspecified use'}"
    return f"subject: consent on record ({c.kind}, {c.relation or 'self'})"


def _embedding(pixels: np.ndarray):
    from candid.face import analyze_face

    try:
        return analyze_face(pixels, face_index=0, quality=False)
    except FaceError:
        return None


def restore_stage(portrait: Portrait, **settings: Any) -> Portrait:
    """Restore an old print faithfully (stage ``engine.restore``); see :func:`restore_portrait`.

    Examples
    --------
    >>> import numpy as np
    >>> p = restore_stage(Portrait(np.full((64, 64, 3), 0.5, np.float32)), identity=False)
    >>> p.log[-1].stage, p.pixels.shape
    ('engine.restore', (64, 64, 3))
    """
    return restore_portrait(portrait, **settings)[0]


def restore_portrait(
    portrait: Portrait,
    *,
    mask: Any = None,
    crop: bool = True,
    halftone: bool = True,
    kinds: tuple[str, ...] | list[str] = ("dust", "scratches", "creases"),
    sensitivity: float = 1.0,
    fade: bool = True,
    keep_monochrome: bool = True,
    denoise: float = 0.4,
    tint: str | None = None,
    identity: bool = True,
    seed: int = 0,
) -> tuple[Portrait, Any]:
    """Restore an old print faithfully; return the new Portrait and the :class:`Restoration` (with its mask).

    Runs :func:`candid.engines.restore.restore` and records what it found.
    With a subject attached, its consent record is checked first (a
    ``deceased-relative`` record must name who enrolled the person and their
    relation) and the restored face is compared with the subject's enrolled
    photos. The face is also compared with the unrestored scan: restoration
    must not move the identity.

    Parameters
    ----------
    portrait : Portrait
        sRGB scan.
    mask : ndarray or str, optional
        A damage mask (array, or path to a black/white image, white = damage).
    crop, halftone, kinds, sensitivity, fade, keep_monochrome, denoise, tint, seed
        See :func:`candid.engines.restore.restore`.
    identity : bool
        Compute identity distances (about 0.3 s per face).

    Returns
    -------
    (Portrait, Restoration)
        The Portrait has one ``engine.restore`` log entry; its face analysis
        is the restored image's when a face was found.

    Raises
    ------
    CandidError
        Bad mask, unknown tint or damage kind; ConsentError for an incomplete consent record.

    Examples
    --------
    >>> import numpy as np
    >>> p, r = restore_portrait(Portrait(np.full((64, 64, 3), 0.5, np.float32)), identity=False)
    >>> p.log[-1].stage, r.mask.shape
    ('engine.restore', (64, 64))
    """
    from candid.engines.restore.pipeline import restore
    from candid.engines.restore.tone import PALETTES

    if portrait.color != "srgb":
        raise CandidError("engine.restore expects sRGB pixels")
    if tint is not None and tint not in PALETTES:
        raise CandidError(f"unknown tint {tint!r}", hint=f"tints: {', '.join(PALETTES)}")
    notes: list[str] = []
    if portrait.subject is not None:
        notes.append(check_consent(portrait.subject))
    if isinstance(mask, str):
        from candid.imageio import read_image

        mask = read_image(mask).pixels.max(axis=2) > 0.5
    try:
        result = restore(portrait.pixels, mask=mask, crop=crop, halftone=halftone, kinds=tuple(kinds),
                         sensitivity=sensitivity, fade=fade, keep_monochrome=keep_monochrome, denoise=denoise,
                         tint=tint, seed=seed)
    except ValueError as exc:
        raise CandidError(f"{portrait.source or 'scan'}: {exc}") from None
    notes += result.notes
    params = dict(result.params)
    new_face = None
    if identity:
        before = portrait.face if portrait.face is not None and result.quad is None else None
        new_face = _embedding(result.pixels)
        if new_face is None:
            notes.append("no face found in the restored print; identity not checked")
        else:
            from candid.face import identity_distance

            if before is None and result.quad is None:
                before = _embedding(portrait.pixels)
            if before is not None and before.embedding is not None:
                d = identity_distance(before.embedding, new_face.embedding)
                params["identity_distance_to_scan"] = d
                notes.append(f"identity distance to the unrestored scan {d:.3f}")
            if portrait.subject is not None and getattr(portrait.subject, "photos", None):
                d = portrait.subject.identity_distance(new_face.embedding)
                params["identity_distance_to_subject"] = d
                from candid.face import SAME_PERSON_THRESHOLD

                verdict = "same person" if d < SAME_PERSON_THRESHOLD else "CHECK: may not be the same person"
                notes.append(f"identity distance to the subject's enrolled photos {d:.3f} ({verdict})")
    op = Operation("engine.restore", params=params, notes=tuple(notes), ai="none")
    return portrait.evolve(result.pixels, op, face=new_face, alpha=None), result
