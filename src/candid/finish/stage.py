"""The finish stage for the recipe runner."""

from __future__ import annotations

from typing import Any

import numpy as np

from candid.finish._jpeg import log_frame
from candid.finish._pipeline import WINDOW_WIDTH_TILES, upscale_report
from candid.finish._size import plan_fit
from candid.finish.options import STAGE_DEFAULTS, FinishOptions
from candid.portrait import Operation, Portrait


def _face_landmarks(portrait: Portrait) -> np.ndarray | None:
    lm = getattr(portrait.face, "landmarks", None)
    if lm is None:
        return None
    lm = np.asarray(lm, dtype=np.float64)
    return lm if lm.shape == (68, 2) else None


def grid_matrix(portrait: Portrait) -> np.ndarray | None:
    """The 2x3 affine from the photo to these pixels, when a step of the log recorded one (the studio's
    ``frame_matrix``) and the pixels are still that step's size; else None.

    The finish measures the photo's JPEG block grid on the photo's axes with it
    (:func:`candid.finish._jpeg.jpeg_damage`): the studio levels the eyes, which tilts the grid.
    See :func:`candid.finish._jpeg.log_frame`.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.portrait import Operation, Portrait
    >>> p = Portrait(np.zeros((4, 6, 3), np.float32))
    >>> grid_matrix(p) is None
    True
    >>> q = p.evolve(p.pixels, Operation("engine.studio", params={"size": [6, 4],
    ...                                  "frame_matrix": [[1, 0, -2], [0, 1, 3]]}))
    >>> grid_matrix(q).tolist()
    [[1.0, 0.0, -2.0], [0.0, 1.0, 3.0]]
    """
    return log_frame(portrait.log, portrait.width, portrait.height)[0]


def subject_references(subject, library=None, *, max_photos: int = 4) -> tuple[list, list]:
    """Reference photos of ``subject`` and their ``(68, 2)`` landmarks, for detail transfer.

    A profile keeps each photo's landmarks; the pixels are read through the
    library's public API (``Library.photo_path``). Objects that carry
    ``reference_images`` and ``reference_landmarks`` directly are used as they
    are. Returns two empty lists when there is nothing to use.

    Examples
    --------
    >>> subject_references(None)
    ([], [])
    """
    if subject is None:
        return [], []
    refs = getattr(subject, "reference_images", None)
    ref_lm = getattr(subject, "reference_landmarks", None)
    if refs and ref_lm:
        return list(refs), [np.asarray(r, np.float64) for r in ref_lm]
    photos = list(getattr(subject, "photos", None) or [])
    if not photos or library is None:
        return [], []
    from candid.imageio import read_image
    from candid.subjects.library import Library

    lib = library if isinstance(library, Library) else Library(library)
    # the biggest photos first: detail can only come from a reference sharper than the source
    photos.sort(key=lambda p: -int(getattr(p, "width", 0)) * int(getattr(p, "height", 0)))
    images, marks = [], []
    for photo in photos:
        lm = np.asarray(getattr(photo, "landmarks", np.zeros(0)), np.float64)
        if lm.shape != (68, 2):
            continue
        path = lib.photo_path(subject, photo)
        if not path.exists():
            continue
        images.append(read_image(path).pixels)
        marks.append(lm)
        if len(images) >= max_photos:
            break
    return images, marks


def finish_stage(
    portrait: Portrait,
    *,
    size: str = "8k",
    library=None,
    options: FinishOptions | None = None,
    **settings: Any,
) -> Portrait:
    """Finish a portrait to a target size (recipe stage ``"finish"``).

    ``options`` / ``**settings`` are the finish settings
    (:class:`candid.finish.options.FinishOptions`, checked before anything
    runs); without ``options`` the stage's own defaults apply over the
    model's (:data:`~candid.finish.options.STAGE_DEFAULTS`: ``fit="contain"``,
    256-px windows with 16 px overlap). The log entry records the settings
    and ``options_version``, with ``backend`` the backend actually used.

    Holds the whole result in memory (an 8K float32 image is about 400 MB);
    for bounded memory write files with :func:`candid.finish.finish_to_file`.
    ``backend="auto"`` is ``detail-transfer`` when the portrait carries face
    landmarks and its subject's photos are available (the profile keeps each
    photo's landmarks; ``library``, a :class:`candid.subjects.library.Library`
    or its folder, gives the pixels: ``candid make --subject`` passes it);
    otherwise ``learned`` for small sources and ``classical`` for the rest.
    A portrait with a ``matte`` (the studio's cut-out) is finished with the
    classical enlargement along the matte's edge, where the learned one would
    draw the composite's mixed pixels as chips (said in the notes); the
    result carries that matte scaled to its size
    (:func:`candid.finish._saved_matte.fit_matte`).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.portrait import Portrait
    >>> p = finish_stage(Portrait(np.full((20, 30, 3), 0.5, np.float32)), size="60x40", backend="classical")
    >>> p.pixels.shape, p.log[-1].stage, p.log[-1].params["fit"], p.log[-1].params["options_version"]
    ((40, 60, 3), 'finish', 'contain', 1)
    """
    o = FinishOptions.parse(options if options is not None else FinishOptions(**STAGE_DEFAULTS), **settings)
    if o.tile is None:  # the stage always renders in windows (bounded working memory)
        o = FinishOptions.parse(o, tile=STAGE_DEFAULTS["tile"], overlap=o.overlap or STAGE_DEFAULTS["overlap"])
    lm = _face_landmarks(portrait)
    refs, ref_lm = subject_references(portrait.subject, library) if lm is not None else ([], [])
    use_refs = lm is not None and bool(refs)
    if o.backend == "detail-transfer" and not use_refs:
        from candid.errors import CandidError

        raise CandidError("finish: the detail-transfer backend needs face landmarks and reference images "
                          "of the subject", hint="run face.analyze first and use an enrolled subject (--subject)")
    # a composite (the studio's cut-out) carries its matte: the learned enlarger leaves its edge alone
    matte = getattr(portrait, "matte", None)
    if matte is not None and np.shape(matte) != portrait.pixels.shape[:2]:
        matte = None
    h, w = portrait.pixels.shape[:2]
    plan = plan_fit(w, h, size, o.fit)  # made once: the enlargement follows it, and the matte is scaled by it
    # the JPEG damage measured when the frame was made (engine.studio's jpeg_damage, on the photo's grid), not
    # measured again: a headshot read back from a file (its frame in the input's provenance.source step) has lost
    # it to its own JPEG save ("logged"); a frame still in memory (candid make) was measured on these pixels by
    # the studio stage of this very run ("photo", as when the finish measured it again: the same number to 3
    # decimals, lecun editorial 0.0564 vs 0.0564, hinton corporate 0.000 vs 0.000). Without a logged value (a
    # frame too big for the learned backend, too small to measure) the finish measures, as before.
    matrix, logged = log_frame(portrait.log, w, h)
    framed = [op for op in portrait.log if "frame_matrix" in (getattr(op, "params", None) or {})]
    from_file = bool(framed) and framed[-1].stage == "provenance.source"
    px, used, notes, found = upscale_report(
        portrait.pixels, size, landmarks=lm if use_refs else None, references=refs if use_refs else None,
        reference_landmarks=ref_lm if use_refs else None, options=o,
        tile_w=WINDOW_WIDTH_TILES * o.tile, matte=matte, plan=plan, grid_matrix=matrix, logged_damage=logged,
        logged_grid="logged" if from_file else "photo", return_params=True)
    # the pixel sizes as numbers, so a later step (the studio's change report) never reads them out of a note;
    # so is the learned passes' JPEG model (noise_level, jpeg_damage, where it was measured)
    params = {"size": size, **o.log_params(), "backend": used,
              "from_px": [int(portrait.pixels.shape[1]), int(portrait.pixels.shape[0])],
              "to_px": [int(px.shape[1]), int(px.shape[0])], **found}
    if use_refs:
        params["references"] = len(refs)
    ai = "edited" if used == "learned" else "none"
    if matte is not None:  # the cut-out's matte scaled with the picture: the doors save it beside a 4k result too
        from candid.finish._saved_matte import fit_matte

        matte = fit_matte(matte, plan)
        matte = matte if matte.shape == px.shape[:2] else None
    return portrait.evolve(px, Operation("finish", params=params, notes=notes, ai=ai), matte=matte)


finish_stage.options_model = FinishOptions  # type: ignore[attr-defined]  (candid.recipes checks settings with it)
