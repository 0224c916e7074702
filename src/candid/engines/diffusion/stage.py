"""The ``engine.diffusion`` recipe stage: prompt (+ subject, + optional photo) -> best of N -> honest guard."""

from __future__ import annotations

from typing import Any

import numpy as np

from candid.engines.diffusion.models import resolve_models, spec_for
from candid.engines.diffusion.options import DiffusionOptions
from candid.engines.diffusion.prompts import STYLES, build_prompt
from candid.errors import CandidError, FaceError
from candid.portrait import Operation, Portrait

#: Guidance above this makes SDXL skin plastic; candid warns.
HIGH_GUIDANCE = 7.0


def _subject_and_library(portrait: Portrait, subject, library):
    from candid.subjects import Library, SubjectProfile

    if library is not None and not isinstance(library, Library):
        library = Library(library)
    if isinstance(subject, str):
        library = library or Library()
        subject = library.profile(subject)
    if subject is None and isinstance(portrait.subject, SubjectProfile):
        subject = portrait.subject
    return subject, library


def reference_crops(subject, library, *, limit: int = 8) -> list[np.ndarray]:
    """Face crops of up to ``limit`` of the subject's reference photos (for the identity adapter).

    Photos that cannot be read are skipped; none readable is an error.
    """
    from candid.engines.diffusion.pipeline import face_crop
    from candid.errors import BadImageError
    from candid.imageio import read_image

    if library is None:
        from candid.subjects import Library

        library = Library()
    crops = []
    for photo in subject.photos[:limit]:
        try:
            px = read_image(library.photo_path(subject, photo)).pixels
        except (BadImageError, OSError):
            continue
        crops.append(face_crop(px, photo.landmarks))
    if not crops:
        raise CandidError(f"none of {subject.name}'s reference photos could be read from {library.root}",
                          hint="check the library folder (--library)")
    return crops


def _guard(out: Portrait, subject, library) -> tuple[Portrait, float | None]:
    """Run the honest guard; a candidate without a face is logged as unchecked, not hidden."""
    from candid.honest.stage import honest_stage

    try:
        guarded = honest_stage(out, subject=subject, library=library)
    except FaceError as exc:
        op = Operation("honest", params={"checked": False, "reason": exc.message},
                       notes=(f"honest guard could not check this image: {exc.message}",), ai="none")
        return out.evolve(None, op, keep_face=True), None
    dist = None
    if subject is not None:
        dist = guarded.log[-1].params.get("identity_after")
        if dist is None and guarded.face is not None and guarded.face.embedding is not None:
            dist = subject.identity_distance(guarded.face.embedding)
    return guarded, dist


def fit_for_model(pixels: np.ndarray, max_pixels: int = 1024 * 1024) -> np.ndarray:
    """Resize a photo for img2img: at most ``max_pixels`` (SDXL's native ~1 MP), sides multiples of 8.

    Bigger photos cost VRAM quadratically and SDXL was trained near one
    megapixel; candid's ``finish`` stage takes the result back up to 4K/8K.

    Examples
    --------
    >>> fit_for_model(np.zeros((3000, 2000, 3), np.float32)).shape
    (1248, 832, 3)
    >>> fit_for_model(np.zeros((100, 90, 3), np.float32)).shape
    (96, 88, 3)
    """
    import cv2

    h, w = pixels.shape[:2]
    k = min(1.0, (max_pixels / float(h * w)) ** 0.5)
    nh, nw = max(8, int(h * k) // 8 * 8), max(8, int(w * k) // 8 * 8)
    if (nh, nw) == (h, w):
        return pixels
    interp = cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR
    return np.clip(cv2.resize(pixels, (nw, nh), interpolation=interp), 0, 1).astype(np.float32)


def diffusion_stage(
    portrait: Portrait,
    *,
    subject: Any = None,
    library: Any = None,
    pipeline: Any = None,
    options: DiffusionOptions | None = None,
    **settings: Any,
) -> Portrait:
    """Generate N portraits of the subject with SDXL + an IP-Adapter and keep the most truthful one.

    Text-to-image by default (the input portrait's pixels are not used, only
    its subject); with ``restyle`` (or a style that needs a source, such as
    ``memorial``) the input photo is restyled by img2img at low strength.

    Every plain setting below is a field of
    :class:`candid.engines.diffusion.options.DiffusionOptions` (one versioned
    model shared with the CLI and recipes), given either as ``options`` or as
    keyword settings (which override ``options``); all are validated before any
    weights are looked up.

    Parameters
    ----------
    portrait : Portrait
        The source photo (img2img) or any placeholder (text-to-image).
    style : str
        A key of :data:`candid.engines.diffusion.prompts.STYLES`.
    prompt : str, optional
        What to show; flattery words are warned about, never added.
    subject : SubjectProfile or str, optional
        Whose likeness (reference photos for the adapter, identity for best-of-N
        and the honest guard). Default: ``portrait.subject``.
    library : Library or path, optional
        The subject library.
    restyle : bool, optional
        img2img from ``portrait``; default: the style's ``needs_source``.
    models : str, optional
        Models folder (default ``$CANDID_MODELS``, then the hub cache).
    adapter : {"plus-face", "plus", "plain", "none"}
        Identity adapter (see :data:`candid.engines.diffusion.models.ADAPTERS`).
    adapter_scale : float
        Adapter strength in [0, 1].
    candidates : int
        Best-of-N.
    seed : int
        Candidate ``i`` uses ``seed + i``; all seeds are logged.
    steps : int
    guidance : float, optional
        Default: the style's (4-4.5); above 7 warns (plastic skin).
    strength : float, optional
        img2img strength; default the style's (0.25-0.3).
    size : (int, int), optional
        ``(width, height)``; default the style's.
    device, dtype, offload, vae_tiling
        See :func:`candid.engines.diffusion.pipeline.load_pipeline`.
    allow_download : bool
        Let missing weights be downloaded from the hub (opt-in).
    realism : bool
        Use the inspector's score in best-of-N.
    honest : bool
        Run the honest guard on the chosen image (on by default; a recipe that
        runs its own ``honest`` stage may turn it off).
    max_references : int
        Reference photos averaged into the identity embedding.
    pipeline : LoadedPipeline, optional
        A pipeline loaded once by the caller (batch, web) and reused.

    Returns
    -------
    Portrait
        The chosen candidate, with an ``engine.diffusion`` operation
        (``ai="generated"``, or ``"edited"`` for img2img) holding the prompt,
        seeds, every candidate's scores and the settings, then an ``honest`` one.

    Raises
    ------
    CandidError
        Bad option; ModelUnavailableError when torch/diffusers or weights are missing.

    Examples
    --------
    >>> out = diffusion_stage(Portrait(np.zeros((8, 8, 3), np.float32)), subject="Ada",
    ...                       prompt="in her garden", models="/models")  # doctest: +SKIP
    >>> out.log[0].params["seeds"]  # doctest: +SKIP
    [0, 1, 2, 3]
    """
    from candid.engines.diffusion.pipeline import generate, load_pipeline, reference_embeds, require_torch
    from candid.engines.diffusion.select import score_candidates

    base = {} if options is None else options.model_dump(exclude={"version"})
    o = DiffusionOptions.parse(**{**base, **settings})
    st = STYLES[o.style]
    guidance = st.guidance if o.guidance is None else o.guidance
    img2img = st.needs_source if o.restyle is None else o.restyle
    strength = st.strength if o.strength is None else o.strength
    width, height = o.size if o.size is not None else st.size
    if img2img and not 0.0 < strength <= 1.0:
        raise CandidError(f"engine.diffusion: strength must be in (0, 1], got {strength}")
    if img2img and portrait.color != "srgb":
        raise CandidError("engine.diffusion restyles sRGB photos; convert linear pixels first")
    style, prompt, adapter, adapter_scale = o.style, o.prompt, o.adapter, o.adapter_scale
    candidates, seed, steps, realism, honest = o.candidates, o.seed, o.steps, o.realism, o.honest
    spec = spec_for(adapter)
    pos, neg, warnings = build_prompt(style, prompt)
    if guidance > HIGH_GUIDANCE:
        warnings.append(f"guidance {guidance:g} is high: SDXL skin turns plastic above ~{HIGH_GUIDANCE:g}; "
                        "candid's default is 4-5")
    if img2img and min(portrait.pixels.shape[:2]) < 32:
        raise CandidError(f"style {style!r} restyles a real photo: give one (it starts from the source image)")
    subject, library = _subject_and_library(portrait, subject, library)
    require_torch()
    lp = pipeline
    if lp is None:
        resolved = resolve_models(spec, o.models, allow_download=o.allow_download)
    refs: list[np.ndarray] = []
    ref_embeddings = None
    if subject is not None:
        ref_embeddings = subject.embeddings
        if spec.adapter is not None:
            refs = reference_crops(subject, library, limit=o.max_references)
    elif spec.adapter is not None:
        if not img2img:
            raise CandidError("the identity adapter needs the person's photos: give --subject NAME",
                              hint="enroll them with `candid enroll`, or use --adapter none for a prompt-only image")
        from candid.engines.diffusion.pipeline import face_crop

        face = portrait.face
        if face is None:
            from candid.face import analyze_face

            face = analyze_face(portrait.pixels, source=portrait.source or "source")
        refs = [face_crop(portrait.pixels, face.landmarks)]
        ref_embeddings = None if face.embedding is None else face.embedding[None]
    if lp is None:
        lp = load_pipeline(resolved, img2img=img2img, device=o.device, dtype=o.dtype, offload=o.offload,
                           vae_tiling=o.vae_tiling, adapter_scale=adapter_scale)
    elif lp.img2img != img2img:
        raise CandidError("the pipeline passed in is " + ("img2img" if lp.img2img else "text-to-image")
                          + " but this call needs the other kind")
    embeds = reference_embeds(lp, refs) if (lp.adapter is not None and refs) else None
    cands = generate(lp, prompt=pos, negative=neg, n=int(candidates), seed=int(seed), steps=int(steps),
                     guidance=guidance, size=(int(width), int(height)), embeds=embeds,
                     image=fit_for_model(portrait.pixels) if img2img else None, strength=strength)
    ranked = score_candidates(cands, ref_embeddings, realism=realism)
    best = ranked[0]
    notes = [f"chose seed {best.seed} of {len(ranked)} candidates by identity and realism, not prettiness"]
    if best.identity is not None:
        # The log is published in XMP/C2PA: never the person's name in it.
        notes.append(f"identity distance to {'the subject' if subject else 'the source'}'s photos {best.identity:.3f}"
                     + (" (the same person)" if best.identity < 0.6 else " (NOT recognisably the same person)"))
    if best.face is None:
        notes.append("no face found in any candidate")
    notes += [f"warning: {w}" for w in warnings]
    params: dict[str, Any] = {
        "style": style, "prompt": pos, "negative_prompt": neg, "user_prompt": prompt, "img2img": img2img,
        "strength": strength if img2img else None, "guidance": guidance, "steps": int(steps),
        "size": [int(best.pixels.shape[1]), int(best.pixels.shape[0])], "seed": best.seed,
        "seeds": [c.seed for c in cands], "candidates": [s.to_dict() for s in ranked],
        "base_model": spec.base_repo, "adapter": None if spec.adapter is None else spec.adapter.weight,
        "adapter_licence": None if spec.adapter is None else spec.adapter.licence, "base_licence": spec.licence,
        "references": len(refs), "identity_distance": best.identity, "ai_score": best.ai_score,
        "warnings": warnings, "options_version": o.version, **lp.settings,
    }
    op = Operation("engine.diffusion", params=params, notes=tuple(notes), ai="edited" if img2img else "generated")
    out = portrait.evolve(best.pixels, op, face=best.face, alpha=None, subject=subject)
    if honest:
        out, _ = _guard(out, subject, library)
    return out


#: Lets the recipe runner validate this stage's settings before anything runs.
diffusion_stage.options_model = DiffusionOptions
