"""The finish stage for the recipe runner."""

from __future__ import annotations

import numpy as np

from candid.finish._pipeline import upscale_report
from candid.portrait import Operation, Portrait


def _face_landmarks(portrait: Portrait) -> np.ndarray | None:
    lm = getattr(portrait.face, "landmarks", None)
    if lm is None:
        return None
    lm = np.asarray(lm, dtype=np.float64)
    return lm if lm.shape == (68, 2) else None


def finish_stage(
    portrait: Portrait,
    *,
    size: str = "8k",
    fit: str = "contain",
    backend: str = "auto",
    noise: bool = True,
    iso: float = 200,
    sharpen: str = "screen",
    seed: int = 0,
) -> Portrait:
    """Finish a portrait to a target size (recipe stage ``"finish"``).

    Holds the whole result in memory (an 8K float32 image is about 400 MB);
    for bounded memory write files with :func:`candid.finish.finish_to_file`.
    ``backend="auto"`` is ``classical`` here unless the portrait carries
    face landmarks and its subject profile provides reference images
    (``subject.reference_images`` and ``subject.reference_landmarks``).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.portrait import Portrait
    >>> p = finish_stage(Portrait(np.full((20, 30, 3), 0.5, np.float32)), size="60x40")
    >>> p.pixels.shape, p.log[-1].stage
    ((40, 60, 3), 'finish')
    """
    lm = _face_landmarks(portrait)
    refs = getattr(portrait.subject, "reference_images", None)
    ref_lm = getattr(portrait.subject, "reference_landmarks", None)
    use_refs = lm is not None and refs and ref_lm
    if backend == "detail-transfer" and not use_refs:
        from candid.errors import CandidError

        raise CandidError("finish: the detail-transfer backend needs face landmarks and reference images "
                          "of the subject", hint="run face.analyze first and use an enrolled subject")
    px, used, notes = upscale_report(
        portrait.pixels, size, fit=fit, backend=backend if use_refs or backend != "auto" else "auto",
        landmarks=lm if use_refs else None, references=list(refs) if use_refs else None,
        reference_landmarks=list(ref_lm) if use_refs else None,
        noise=noise, iso=iso, sharpen=sharpen, seed=seed, tile=512)
    params = dict(size=size, fit=fit, backend=used, noise=noise, iso=iso, sharpen=sharpen, seed=seed)
    ai = "edited" if used == "learned" else "none"
    return portrait.evolve(px, Operation("finish", params=params, notes=notes, ai=ai))
