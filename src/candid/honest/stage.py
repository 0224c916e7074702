"""The ``honest`` recipe stage: :func:`honest_guard` as a ``Portrait -> Portrait`` step."""

from __future__ import annotations

from candid.portrait import Operation, Portrait


def honest_stage(portrait: Portrait, *, subject=None, library=None, keep=None, strength: float = 1.0,
                 light_direction=None, catchlights: bool = False) -> Portrait:
    """Bring a portrait back to the real person (see :func:`candid.honest.honest_guard`).

    Parameters
    ----------
    portrait : Portrait
    subject : SubjectProfile or str, optional
        The subject; a name is looked up in ``library``. Defaults to ``portrait.subject``.
    library : Library or path, optional
        The subject library (for names, and for the reference photos the
        texture restore needs).
    keep : dict or list of str, optional
        Changes to keep on purpose, e.g. ``{"skin-smoothing": 0.3}``.
    strength : float
        Overall strength in [0, 1].
    light_direction : tuple of float, optional
        ``(dx, dy)`` toward the key light, for the catchlights.
    catchlights : bool
        Re-place catchlights that are missing or disagree (off by default).

    Returns
    -------
    Portrait
        With one ``honest`` operation in the log (``ai="none"``: all changes
        are classical warps and filters), whose params hold the audit, the
        identity distances and what was kept.

    Examples
    --------
    >>> out = honest_stage(portrait, subject="Ada", library="~/candid-library")  # doctest: +SKIP
    >>> out.log[-1].notes[0]  # doctest: +SKIP
    'Found 2 change(s) against the real photos: ...'
    """
    from candid.honest.guard import honest_guard, parse_keep, subject_free_check
    from candid.subjects import Library, SubjectProfile

    keep = parse_keep(keep)
    if library is not None and not isinstance(library, Library):
        library = Library(library)
    if isinstance(subject, str):
        subject = (library or Library()).profile(subject)
        if library is None:
            library = Library()
    if subject is None and isinstance(portrait.subject, SubjectProfile):
        subject = portrait.subject
    face = portrait.face if portrait.color == "srgb" else None
    if subject is None:
        pixels, actions, warnings = subject_free_check(portrait.pixels, face=face, light_direction=light_direction,
                                                       catchlights=catchlights)
        notes = ("No subject given: checked only catchlights and skin texture; the flattery audit, "
                 "geometry undo and texture restore need the subject's real photos.",) + \
            tuple(actions) + tuple(f"warning: {w}" for w in warnings)
        op = Operation("honest", params={"subject": None, "strength": strength, "keep": keep}, notes=notes, ai="none")
        return portrait.evolve(pixels, op)
    result = honest_guard(portrait, subject, keep=keep, library=library, strength=strength, face=face,
                          light_direction=light_direction, catchlights=catchlights)
    notes = tuple(result.summary().splitlines())
    # No name or library id: the log becomes the output's public XMP/C2PA record.
    params = {"subject": "enrolled subject", **result.to_dict()}
    params.pop("summary", None)
    from candid.files import to_jsonable

    op = Operation("honest", params=to_jsonable(params), notes=notes, ai="none")
    return portrait.evolve(result.pixels, op, face=result.face_after, subject=subject)
