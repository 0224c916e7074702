"""The ``engine.studio`` recipe stage: photo -> framed, matted, relit portrait on a new backdrop."""

from __future__ import annotations

from typing import Any

import numpy as np

from candid.engines.studio.background import background as make_background
from candid.engines.studio.background import parse_background
from candid.engines.studio.composite import composite
from candid.engines.studio.frame import apply_framing, correct_selfie, frame, head_extent
from candid.engines.studio.matte import matte, matte_quality
from candid.engines.studio.relight import PATTERNS, expose, light_vector, relight, white_balance
from candid.engines.studio.styles import STYLES
from candid.errors import CandidError
from candid.portrait import Operation, Portrait


def _face_of(portrait: Portrait):
    if portrait.face is not None:
        return portrait.face
    from candid.face import analyze_face

    return analyze_face(portrait.pixels, source=portrait.source or "image")


def check_options(style: str, background: str | None, light: str | None, aspect: str | None) -> None:
    """Raise :class:`CandidError` for an unknown style, background, light or aspect (before any work)."""
    if style not in STYLES:
        raise CandidError(f"unknown style {style!r}", hint=f"styles: {', '.join(STYLES)}")
    try:
        if background is not None:
            parse_background(background)
        if aspect is not None:
            from candid.engines.studio.frame import parse_aspect

            parse_aspect(aspect)
    except ValueError as exc:
        raise CandidError(str(exc)) from None
    if light is not None and light not in PATTERNS:
        raise CandidError(f"unknown light {light!r}", hint=f"lights: {', '.join(PATTERNS)}")


def studio_stage(
    portrait: Portrait,
    *,
    style: str = "linkedin",
    aspect: str | None = None,
    background: str | None = None,
    light: str | None = None,
    strength: float | None = None,
    side: str = "auto",
    lens: str = "auto",
    white_balance_strength: float = 0.4,
    seed: int = 0,
) -> Portrait:
    """Make a studio headshot or portrait from a real photo (stage ``engine.studio``).

    Straighten and frame by the style's rules, correct close-range
    perspective if the landmarks show it, matte the person, relight them with
    one light, and put them on a new backdrop with clean edges.

    Parameters
    ----------
    portrait : Portrait
        sRGB source; its face analysis is used if present (run ``face.analyze``
        first to choose among several faces).
    style : str
        A key of :data:`candid.engines.studio.STYLES`.
    aspect, background, light, strength : optional
        Override the style's defaults (``"4:5"``, ``"grey"``/``"white"``/
        ``"color:#hex"``/``"mottled"``/``"gradient"``/``"blur"``/``"image:PATH"``,
        a light pattern or ``"none"``, relighting strength in [0, 1]).
    side : {"auto", "left", "right"}
        Image side of the key light.
    lens : {"auto", "off"}
        Close-selfie perspective correction.
    white_balance_strength : float
        0 leaves the colour as shot.
    seed : int
        For the backdrop's grain and mottle and the matte's clustering.

    Returns
    -------
    Portrait
        The new image at the crop's native resolution, with a face analysis
        (landmarks mapped, identity embedding recomputed) and one log entry.

    Raises
    ------
    CandidError
        Unknown option, or the matte failed its quality checks.

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> p = studio_stage(Portrait(data.astronaut().astype(np.float32) / 255), style="passport")
    >>> p.log[-1].stage, round(p.width / p.height, 2)
    ('engine.studio', 0.78)
    """
    check_options(style, background, light, aspect)
    if portrait.color != "srgb":
        raise CandidError("engine.studio expects sRGB pixels")
    st = STYLES[style]
    bg_spec = background or st.background
    pattern = light or st.light
    k = st.strength if strength is None else float(strength)
    if not 0 <= k <= 1:
        raise CandidError(f"strength must be in [0, 1], got {k}")
    face = _face_of(portrait)
    notes: list[str] = []
    src, lm = portrait.pixels, np.asarray(face.landmarks, np.float32)
    if lens == "auto":
        src, lm, amount = correct_selfie(src, lm)
        if amount:
            notes.append(f"close-range perspective corrected (amount {amount:.2f})")
    try:
        framing = frame(src, lm, aspect, st)
    except ValueError as exc:
        raise CandidError(f"{portrait.source or 'image'}: {exc}") from None
    if framing.scale_note:
        notes.append(framing.scale_note)
    if framing.angle:
        notes.append(f"straightened by {framing.angle:.1f} degrees (eye line)")
    crop = apply_framing(src, framing)
    clm = framing.map_points(lm)
    crop = expose(crop, clm)
    if white_balance_strength > 0:
        crop = white_balance(crop, white_balance_strength)
    alpha = matte(crop, clm, seed=seed)
    report = matte_quality(alpha, clm)
    if not report.ok:
        raise CandidError(f"{portrait.source or 'image'}: could not separate the person from the background: "
                          + "; ".join(report.problems),
                          hint="use a photo where the person stands clear of the background, or --background blur")
    notes += list(report.warnings)
    lit = relight(crop, clm, alpha, pattern, k, side=side) if pattern != "none" else crop
    kind, opts = parse_background(bg_spec)
    H, W = crop.shape[:2]
    if kind == "image":
        from candid.imageio import read_image

        opts = {"image": read_image(opts["path"]).pixels}
    _, chin, head_h = head_extent(clm)
    bg = make_background(kind, (W, H), seed, source=crop, alpha=alpha, face_height=head_h, **opts)
    out = composite(lit, alpha, bg)
    new_face = _mapped_face(face, out, clm, framing)
    dist = None
    if face.embedding is not None and new_face.embedding is not None:
        from candid.face import identity_distance

        dist = identity_distance(face.embedding, new_face.embedding)
        notes.append(f"identity distance to the source {dist:.3f}")
    lv = light_vector(pattern, clm, side) if pattern != "none" else None
    params: dict[str, Any] = {
        "style": style, "aspect": aspect or st.aspect, "background": bg_spec, "light": pattern, "strength": k,
        "side": side, "lens": lens, "seed": seed, "size": [W, H], "roll_deg": framing.angle,
        "light_direction": None if lv is None else [float(lv[0]), float(lv[1])],
        # No run time here: the log is part of the output file, which must be
        # the same bytes for the same inputs.
        "matte": report.metrics, "identity_distance": dist,
    }
    op = Operation("engine.studio", params=params, notes=tuple(notes), ai="edited")
    return portrait.evolve(out, op, face=new_face, alpha=None, matte=alpha)


def _mapped_face(face, pixels: np.ndarray, landmarks: np.ndarray, framing):
    from dataclasses import replace

    from candid.face import FaceBox, identity_embedding

    corners = framing.map_points(np.array([[face.box.x0, face.box.y0], [face.box.x1, face.box.y1]]))
    box = FaceBox(float(corners[:, 0].min()), float(corners[:, 1].min()), float(corners[:, 0].max()),
                  float(corners[:, 1].max()), face.box.score)
    emb = identity_embedding(pixels, landmarks) if face.embedding is not None else None
    return replace(face, box=box, landmarks=landmarks.astype(np.float32), embedding=emb, quality=None)
