"""The ``engine.studio`` recipe stage: photo -> framed, matted, relit portrait on a new backdrop."""

from __future__ import annotations

from typing import Any

import numpy as np

from candid.engines.studio.background import background as make_background
from candid.engines.studio.background import parse_background
from candid.engines.studio.composite import clear_haze, composite, suppress_jaw_rim, suppress_rim
from candid.engines.studio.frame import (apply_framing, continue_body, correct_selfie, fade_at_photo_edge, frame,
                                         head_extent, mend_photo_border, mirror_canvas)
from candid.engines.studio.matte import context_probability, matte, matte_quality, stray_specks
from candid.engines.studio.matte_rules import HazeOptions, MatteRules
from candid.engines.studio.options import OPTIONS_VERSION
from candid.engines.studio.relight import PATTERNS, expose, key_side, light_vector, relight, white_balance
from candid.engines.studio.styles import STYLES
from candid.errors import CandidError
from candid.portrait import Operation, Portrait


#: Choices for the eyes' catchlights: move the photo's own, keep them as shot, add new ones.
CATCHLIGHTS = ("move", "keep", "add")

#: What to do with a face smaller than :data:`SMALL_FACE_IOD`: make it and say so, or refuse.
SMALL_FACE = ("warn", "refuse")

#: Distance between the eye centres (px, in the photo) below which a headshot is an enlargement
#: that will be soft: a 4k headshot puts about 300-400 px between the eyes, so a 64 px face is
#: already enlarged about 5x, and casual group faces of 20-40 px lose the likeness (identity
#: distance over 0.2 on real/casual).
SMALL_FACE_IOD = 64.0


def _face_of(portrait: Portrait):
    if portrait.face is not None:
        return portrait.face
    from candid.face import analyze_face

    return analyze_face(portrait.pixels, source=portrait.source or "image")


def _other_faces(src: np.ndarray, lm: np.ndarray, matrix, known=None) -> list[tuple[float, float, float, float]]:
    """Boxes of the faces other than the subject's, in the output frame (a group photo's other people).

    ``known``: the face analysis of ``src`` itself (its boxes spare a second detection); ``None``
    when ``src`` was changed after the analysis (the close-selfie correction moves every face).
    """
    from candid.engines.studio.people import boxes_in_frame, find_faces, other_faces

    return boxes_in_frame(other_faces(find_faces(src, known=known), lm), matrix)


def check_options(style: str, background: str | None, light: str | None, aspect: str | None, *,
                  straighten: str | float | None = None, catchlights: str | None = None,
                  small_face: str | None = None) -> None:
    """Raise :class:`CandidError` for an unknown style, background, light, aspect, straighten, catchlights
    or small-face choice."""
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
    if straighten is not None:
        from candid.engines.studio.frame import parse_straighten

        try:
            parse_straighten(straighten)
        except ValueError as exc:
            raise CandidError(str(exc), hint="--straighten auto, off or a number of degrees") from None
    if catchlights is not None and catchlights not in CATCHLIGHTS:
        raise CandidError(f"unknown catchlights choice {catchlights!r}", hint=f"catchlights: {', '.join(CATCHLIGHTS)}")
    if small_face is not None and small_face not in SMALL_FACE:
        raise CandidError(f"unknown small-face choice {small_face!r}", hint=f"small faces: {', '.join(SMALL_FACE)}")


def _iod(face, lm: np.ndarray) -> float:
    iod = getattr(face, "iod", None)
    if iod is None:
        iod = float(np.linalg.norm(lm[42:48].mean(0) - lm[36:42].mean(0)))
    return float(iod)


#: Take pieces of other people out of the cut-out (:func:`candid.engines.studio.debris.remove_debris`);
#: False only for before/after benchmarks.
DEBRIS = True

#: Take an out-of-focus neighbour at the photo's border out of the cut-out
#: (:func:`candid.engines.studio.neighbour.remove_neighbour`); False only for before/after benchmarks.
NEIGHBOUR = True

#: Width (face widths) of the band inside the outline where a light rim from the old scene is toned down.
RIM_WIDTH = 0.03

#: Set the soft alpha by the photo's colours (a haze over the old background taken down, dark curls the matte left
#: see-through lifted) where the new backdrop is much lighter than the old
#: (:func:`candid.engines.studio.composite.clear_haze`); False: off.
CLEAR_HAZE = True

#: Open thin pockets of the old backdrop that the matting filled (rihanna's cream strip inside a hoop earring;
#: :func:`candid.engines.studio.matte.thin_backdrop_pockets`), except on the ``blur`` backdrop: there the new
#: backdrop is the photo's own scene, whose colour the filled pocket already has, and an opened pocket shows as a
#: lighter finger with a pale outline among the strands (round 18). False: off everywhere.
THIN_POCKETS = True

#: With :data:`CLEAR_HAZE`: make the soft band there steeper and fill soft pockets between curls (round 18,
#: ``HazeOptions.firm``: a soft photo's blurred curls over black were a pale frost on passport's backdrop);
#: False: off.
FIRM_BAND = True

#: Identity distance (source -> headshot) above which the light is softened to keep the likeness.
IDENTITY_BUDGET = 0.18


def _frame_damage(frame: np.ndarray, alpha: np.ndarray, matrix) -> float | None:
    """:func:`candid.finish._jpeg.jpeg_damage` of a frame's cut-out on the photo's grid, 3 decimals.

    None when the cut-out is too small to measure, or the frame is bigger than the finish's automatic
    learned backend takes (``AUTO_LEARNED_MAX_PIXELS``): its JPEG model is never chosen, and the measure
    would cost 1-3 s on a 900 px frame.
    """
    from candid.finish._jpeg import jpeg_damage
    from candid.finish._pipeline import AUTO_LEARNED_MAX_PIXELS

    if frame.shape[0] * frame.shape[1] > AUTO_LEARNED_MAX_PIXELS:
        return None

    d = jpeg_damage(frame, mask=alpha, matrix=np.asarray(matrix, np.float64)[:2])
    return None if d is None else round(float(d), 3)


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
    straighten: str | float = "auto",
    catchlights: str = "keep",
    small_face: str = "warn",
    seed: int = 0,
    _tried: tuple[dict[str, Any], ...] = (),
) -> Portrait:
    """Make a studio headshot or portrait from a real photo (stage ``engine.studio``).

    Straighten (a little, by default) and frame by the style's rules,
    correct close-range perspective if the landmarks show it, matte the
    person, relight them with one light, and put them on a new backdrop with
    clean edges. Every change made without being asked is logged as a
    record in ``params["changes"]`` (words: :func:`candid.engines.studio.changes.change_report`).

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
    straighten : {"auto", "off"} or float
        ``"auto"`` levels a roll of up to 5 degrees; a number levels by at most that many degrees.
    catchlights : {"keep", "move", "add"}
        ``"keep"`` (default) leaves the eyes as shot: on real photos a moved
        highlight left dark arcs on the lids and light patches under the iris
        at 1:1 (pengwei.jpg), so moving is opt-in. ``"move"`` moves each eye's
        own catchlight to the new light (none is invented); ``"add"`` adds one
        to every eye.
    small_face : {"warn", "refuse"}
        A face with fewer than :data:`SMALL_FACE_IOD` px between the eyes
        (a group snapshot) can only give a soft, enlarged headshot whose
        likeness drifts. ``"warn"`` (default) makes it and logs a
        ``small_face`` change record ("the face is 31 px between the eyes
        ..."); ``"refuse"`` raises :class:`CandidError` with a hint instead.
    seed : int
        For the backdrop's grain and mottle and the matte's clustering.

    Notes
    -----
    Likeness comes first: when the close-selfie correction was applied, the
    headshot is also made without it and the one whose identity distance to
    the source is smaller is kept; when the result is still farther than
    :data:`IDENTITY_BUDGET` from the source, it is remade with the light at
    half strength and the closer one is kept. Both are change records.

    Returns
    -------
    Portrait
        The new image at the crop's native resolution, with a face analysis
        (landmarks mapped, identity embedding recomputed), one log entry and
        the final alpha matte in ``matte`` (output pixels).

    Raises
    ------
    CandidError
        Unknown option, the face is cut by the photo's border, or (with
        ``small_face="refuse"``) the face is smaller than :data:`SMALL_FACE_IOD`.

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> p = studio_stage(Portrait(data.astronaut().astype(np.float32) / 255), style="passport")
    >>> p.log[-1].stage, round(p.width / p.height, 2), p.matte.shape == p.pixels.shape[:2]
    ('engine.studio', 0.78, True)
    """
    from candid.engines.studio.matte import foreground
    from candid.face.person import person_probability

    check_options(style, background, light, aspect, straighten=straighten, catchlights=catchlights,
                  small_face=small_face)
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
    changes: list[dict[str, Any]] = []
    src, lm = portrait.pixels, np.asarray(face.landmarks, np.float32)
    iod = _iod(face, lm)
    if iod < SMALL_FACE_IOD:
        if small_face == "refuse":
            raise CandidError(f"{portrait.source or 'image'}: the face is {iod:.0f} px between the eyes; a headshot "
                              f"needs {SMALL_FACE_IOD:.0f} or more and this one would be an enlargement, soft and "
                              "less like the person",
                              hint="use a closer photo of the person, or allow small faces (small_face='warn')")
        changes.append({"change": "small_face", "iod_px": int(round(iod)), "needed_px": int(SMALL_FACE_IOD)})
    analysed = True  # src is still the pixels the face analysis saw (its other faces' boxes hold)
    if lens == "auto":
        src, lm, amount = correct_selfie(src, lm)
        if amount:
            analysed = False
            changes.append({"change": "perspective", "amount": round(float(amount), 3)})
    person = person_probability(src, full_resolution=False)
    try:
        framing = frame(src, lm, aspect, st, straighten=straighten, person=person)
    except ValueError as exc:
        raise CandidError(f"{portrait.source or 'image'}: {exc}",
                          hint="use a photo where the whole face, from chin to forehead, is inside the picture"
                          ) from None
    said = framing_changes(framing, st)
    rules = [c for c in said if c["change"] in ("head_share", "eye_line")]
    changes += [c for c in said if c not in rules]
    if st.head_range is not None:  # a style with a rule for the head (passport): a hat or cap above the hairline is said
        from candid.engines.studio.frame import head_covering

        changes += [c for c in [head_covering(src, lm, person)] if c]
    changes += rules
    crop = apply_framing(src, framing)
    valid = framing.valid_mask(src.shape) if framing.extended else None
    clm = framing.map_points(lm)
    # the analysis's mesh, moved into the frame, for the relight's nose shadow (spares a second mesh search);
    # after the close-selfie correction it no longer fits the pixels and the relight finds the mesh again
    cmesh = framed_mesh(face, framing) if analysed else None
    exposed = expose(crop, clm)
    stops = _stops(crop, exposed, clm)
    if abs(stops) >= 0.1:
        changes.append({"change": "exposure", "stops": round(stops, 2)})
    crop = exposed
    if white_balance_strength > 0:
        from candid.engines.studio.changes import colour_cast

        balanced = white_balance(crop, white_balance_strength)
        changes += [c for c in [colour_cast(crop, balanced)] if c]  # said when it can be seen
        crop = balanced
    others = _other_faces(src, lm, framing.matrix, known=face if analysed else None) \
        if getattr(face, "n_faces", 1) > 1 else None
    # the whole photo's person mask as context: on a crop cut below the collarbone the segmenter doubts the clothes
    context = context_probability(person, src.shape[:2], framing.matrix, crop.shape[:2])
    kind, opts = parse_background(bg_spec)
    # the matte's rules, logged with their version (the fields unlike the defaults): a file's history says which
    # rules made its matte
    matte_rules = MatteRules(pose_split=True, thin_pockets=THIN_POCKETS and kind != "blur")
    alpha = matte(crop, clm, valid=valid, seed=seed, others=others, context=context, rules=matte_rules)
    haze_options = None  # (clear_haze's, when it runs)
    # the frame may reach a sliver past the photo: mend it now, so what the clean-up steps below take out
    # (a neighbour's hair at that border) is not put back by the mend
    alpha = mend_photo_border(alpha, framing, src.shape)
    debris = None
    if DEBRIS:  # pieces of other people joined to the subject (the hair of someone behind, a lump on a thin neck)
        from candid.engines.studio.debris import remove_debris

        alpha, debris = remove_debris(crop, alpha, clm, valid=valid, seed=seed, others=others)
    neighbour = None
    if NEIGHBOUR:  # a person cut by the photo's border, out of focus beside the face (no detector finds them)
        from candid.engines.studio.neighbour import remove_neighbour

        alpha, neighbour = remove_neighbour(crop, alpha, clm, valid=valid, seed=seed)
        if neighbour.pixels and neighbour.doubt is None:
            changes.append({"change": "neighbour_removed", "side": neighbour.side, "share": neighbour.removed})
    # shoulders that leave the photo through a narrow extended side are carried on now, before the light and
    # the foreground estimate, so the continued cloth is lit like the photo's (the relight leaves alpha-0
    # pixels as they are: continued afterwards, the unlit edge showed as a lighter seam)
    alpha, continued = continue_body(alpha, framing, src.shape, clm, return_continuation=True)
    if matte_rules.stray_specks:  # last before the check: a few pixels the steps above lifted past 0.5 apart from the
        # person are soft edge or debris, not a second piece that throws the whole cut-out away
        alpha = stray_specks(alpha, clm)
    report = matte_quality(alpha, clm, valid=valid, others=others)
    if debris is not None:
        report = _with_clean_up(report, debris.doubt, debris_removed=debris.removed, beyond_head=debris.outside)
    if neighbour is not None:
        report = _with_clean_up(report, neighbour.doubt, neighbour_removed=neighbour.removed,
                                neighbour_px=neighbour.pixels)
    notes += list(report.warnings)
    H, W = crop.shape[:2]
    _, chin, head_h = head_extent(clm)
    fw = float(np.linalg.norm(clm[16] - clm[0]))
    if report.ok:
        # the canvas beyond the photo holds the photo mirrored across its edge: a continued shoulder keeps the
        # cloth's texture instead of one edge column repeated into streaks (apply_framing's repeat stays for
        # the matte and the neighbour rule, which read it)
        crop = mirror_canvas(crop, framing, src.shape)
        key = key_side(crop, clm, alpha, pattern, side) if pattern != "none" else None
        lit = relight(crop, clm, alpha, pattern, k, side=key[0], catchlights=catchlights, photo_deg=key[1],
                      mesh=cmesh) if pattern != "none" else crop
        if kind == "image":
            from candid.imageio import read_image

            opts = {"image": read_image(opts["path"]).pixels}
        # the blur backdrop leaves out every person the photo's mask sees (a neighbour the cut-out left out)
        bg = make_background(kind, (W, H), seed, source=crop, alpha=alpha, face_height=head_h, valid=valid,
                             landmarks=clm, people=context, **opts)
        fg, rim = suppress_rim(foreground(lit, alpha, face_width=fw), alpha, width=max(RIM_WIDTH * fw, 2.0), valid=valid,
                               landmarks=clm)
        fg, jaw_rim = suppress_jaw_rim(fg, clm, width=max(RIM_WIDTH * fw, 2.0), alpha=alpha, valid=valid)
        rim = max(rim, jaw_rim)
        if CLEAR_HAZE:  # on a much lighter backdrop the matte's haze over the old one shows as a grey cloud
            # (after the rim toning, before the fade: the photo's own edge is faded from the cleared alpha)
            haze_options = HazeOptions() if FIRM_BAND else HazeOptions(firm=None)
            fg, alpha = clear_haze(fg, alpha, lit, bg, face_width=fw, landmarks=clm, options=haze_options)
        if rim >= 0.02:
            changes.append({"change": "rim_toned", "amount": round(rim, 2)})
        cut_alpha = alpha
        # no body cut by the photo's edge; the continuation above is passed in, not made again
        alpha, faded = fade_at_photo_edge(alpha, framing, src.shape, clm, mend=False, continued=continued)
        changes += [faded] if faded else []
        # where the edge step grew the body further (the continuation above already carried the shoulders), its
        # colour is the relit photo's own (mirrored past its edge), not the foreground estimate made for the cut
        grown = alpha > cut_alpha + 1e-3
        if grown.any():
            fg = np.where(grown[..., None], lit, fg).astype(np.float32)
        out = composite(fg, alpha, bg, decontaminate_edges=False, seed=seed)
        final_alpha = alpha
    else:
        # no clean cut-out: keep the photo's own background, blurred and darkened under a very soft mask
        soft = _soft_subject(alpha, head_h)
        key = key_side(crop, clm, soft, pattern, side) if pattern != "none" else None
        lit = relight(crop, clm, soft, pattern, k, side=key[0], catchlights=catchlights, photo_deg=key[1],
                      mesh=cmesh) if pattern != "none" else crop
        out = _keep_background(lit, soft, head_h, valid)
        final_alpha = soft
        changes.append({"change": "background_kept", "reason": "; ".join(report.problems)})
    if key is not None and side == "auto" and key[1]:  # the photo's own light chose the side, not the turn
        changes.append({"change": "key_on_photo_light", "side": key[0]})
    if pattern != "none" and catchlights != "keep":
        changes.append({"change": "catchlights_added"} if catchlights == "add" else
                       {"change": "catchlights_moved"})
    new_face = _mapped_face(face, out, clm, framing)
    dist = None
    if face.embedding is not None and new_face.embedding is not None:
        from candid.face import identity_distance

        dist = identity_distance(face.embedding, new_face.embedding)
        notes.append(f"identity distance to the source {dist:.3f}")
    lv = light_vector(pattern, clm, key[0]) if key is not None else None  # the side relight lit
    from candid.engines.studio.changes import describe_changes

    params: dict[str, Any] = {
        "options_version": OPTIONS_VERSION,  # of StudioOptions, the model the front doors fill
        "style": style, "aspect": aspect or st.aspect, "background": bg_spec if report.ok else "kept",
        "light": pattern, "strength": k, "side": side, "lens": lens, "straighten": str(straighten),
        "catchlights": catchlights, "seed": seed, "size": [W, H], "roll_deg": framing.angle,
        # source pixel -> output pixel (2x3 affine): the web compare view aligns before/after on it
        "frame_matrix": [[round(float(v), 6) for v in row] for row in np.asarray(framing.matrix)[:2]],
        "light_direction": None if lv is None else [float(lv[0]), float(lv[1])],
        # the photo's JPEG block-grid damage in this frame, measured now, on the photo's grid: a copy saved as a
        # JPEG loses it (a q92-95 save erases the old steps: lecun editorial 0.056 -> 0.000-0.017), so a finish
        # run later on the file reads it here (candid.finish._jpeg.log_frame)
        "jpeg_damage": _frame_damage(out, final_alpha, framing.matrix),
        # No run time here: the log is part of the output file, which must be
        # the same bytes for the same inputs.
        "matte": {**report.metrics, "rules": matte_rules.as_dict(changed_only=True),
                  **({} if haze_options is None else {"haze": haze_options.as_dict(changed_only=True)})},
        "identity_distance": dist, "changes": changes,
    }
    changes[:0] = [dict(t) for t in _tried]
    if _tried:
        params["lens"], params["strength"] = _tried[0].get("lens", lens), k
    # The notes say what change_report says of this step alone: a small face's headshot is this size
    said = [{**c, "size_px": int(max(W, H))} if c.get("change") == "small_face" else c for c in changes]
    op = Operation("engine.studio", params=params, notes=tuple(describe_changes(said) + notes), ai="edited")
    result = portrait.evolve(out, op, face=new_face, alpha=None, matte=final_alpha.astype(np.float32))
    if dist is None:
        return result
    again = dict(style=style, aspect=aspect, background=background, light=light, side=side,
                 white_balance_strength=white_balance_strength, straighten=straighten, catchlights=catchlights,
                 small_face=small_face, seed=seed)
    if lens == "auto" and any(c["change"] == "perspective" for c in changes):
        # the selfie correction changes the face's proportions: keep it only if the likeness holds
        amount = next(c["amount"] for c in changes if c["change"] == "perspective")
        alt = studio_stage(portrait, strength=strength, lens="off", **again, _tried=_tried + (
            {"change": "perspective_skipped", "amount": amount, "identity_with": round(dist, 3), "lens": "auto"},))
        if alt.log[-1].params["identity_distance"] < dist:
            return alt
    if pattern != "none" and k > 0.1 and dist > IDENTITY_BUDGET and not any(
            t["change"] == "light_softened" for t in _tried):
        alt = studio_stage(portrait, strength=k / 2, lens="off" if lens == "off" else lens, **again, _tried=_tried + (
            {"change": "light_softened", "from": k, "to": round(k / 2, 3), "identity_with": round(dist, 3),
             "lens": lens},))
        if alt.log[-1].params["identity_distance"] < dist:
            return alt
    return result


#: How far (share of the frame's height) a head share or eye line may lie outside its rule's range and still be
#: said to meet it: the frame's size is rounded to whole pixels.
RULE_SLACK = 0.005


def framing_changes(framing, st) -> list[dict[str, Any]]:
    """The change records a frame makes: straightened, tilt kept, closer, canvas extended, hair cut, look room for
    a turned face, the head's ears or hair cut by the frame (round 17), and for a
    style with rules (passport) each rule the frame misses, with what in the photo stops it (``limits``).

    ``head_share``: chin to crown outside ``st.head_range``; ``eye_line``: the eye line's height outside
    ``st.eye_range``. ``limits`` lists :attr:`Framing.photo_limits` the miss comes from: a head too large or
    eyes too low because the photo ends below the chin (``"bottom"``) or cuts the head's top (``"top"``); a head
    too small to keep full hair in (``"hair"``).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.engines.studio.frame import Framing
    >>> from candid.engines.studio.styles import STYLES
    >>> f = Framing(np.eye(2, 3), (350, 450), 0.0, head_share=0.9, eye_height=0.55, photo_limits=("bottom",))
    >>> [(c["change"], c.get("limits")) for c in framing_changes(f, STYLES["passport"])]
    [('head_share', ['bottom']), ('eye_line', ['bottom'])]
    >>> framing_changes(f, STYLES["linkedin"])
    []
    """
    out: list[dict[str, Any]] = []
    if framing.angle:
        out.append({"change": "straightened", "degrees": round(float(framing.angle), 1)})
    if abs(framing.tilt_kept) >= 2:
        out.append({"change": "tilt_kept", "degrees": round(float(framing.tilt_kept), 1)})
    if framing.closer > 1.001:
        out.append({"change": "closer", "factor": round(float(framing.closer), 2)})
    if framing.extended:
        out.append({"change": "canvas_extended", "sides": list(framing.extended),
                    "fraction": round(float(framing.extended_fraction), 3), "edge_cut": framing.edge_cut})
    if framing.hair_cut:
        out.append({"change": "hair_cut", "by": framing.hair_cut})
    if getattr(framing, "look_room", 0.0) > 0.005:
        out.append({"change": "look_room", "share": round(float(framing.look_room), 3)})
    if getattr(framing, "head_cut", ()):
        out.append({"change": "head_cut", "sides": list(framing.head_cut)})
    for kind, value, rule in (("head_share", framing.head_share, st.head_range),
                              ("eye_line", framing.eye_height, getattr(st, "eye_range", None))):
        if value is None or rule is None or rule[0] - RULE_SLACK <= value <= rule[1] + RULE_SLACK:
            continue
        # a head too large, or eyes too low, comes from the photo's own bounds where it has some; a head too small
        # keeps full hair in (:data:`candid.engines.studio.frame.HAIR_SHARE_MIN`), and so do eyes kept low (or high)
        # inside a photo that has room: the hair's top must stay in the frame with its air (zcy's beanie)
        limits = list(framing.photo_limits) if value > rule[1] else []
        limits = limits or ([] if kind == "head_share" and value > rule[1] else ["hair"])
        key = "share" if kind == "head_share" else "height"
        out.append({"change": kind, key: round(float(value), 3), "rule": [float(v) for v in rule],
                    "limits": limits})
    return out


def _with_clean_up(report, doubt: str | None, **metrics):
    """``report`` with a clean-up step's doubt (a problem: the cut-out fails its check) and its metrics."""
    from dataclasses import replace

    return replace(report, ok=report.ok and doubt is None, problems=report.problems + ((doubt,) if doubt else ()),
                   metrics={**report.metrics, **metrics})


def _stops(before: np.ndarray, after: np.ndarray, lm: np.ndarray) -> float:
    import cv2

    m = np.zeros(before.shape[:2], np.uint8)
    cv2.fillConvexPoly(m, cv2.convexHull(lm[:27].astype(np.float32)).astype(np.int32), 1)
    if not m.any():
        return 0.0
    from candid.colour import srgb_to_linear

    b = float(np.median(srgb_to_linear(before)[m.astype(bool)].mean(1)))
    a = float(np.median(srgb_to_linear(after)[m.astype(bool)].mean(1)))
    return float(np.log2(max(a, 1e-4) / max(b, 1e-4)))


def _soft_subject(alpha: np.ndarray, head_h: float) -> np.ndarray:
    import cv2

    # widened before it is feathered: the person stays untouched, the blur starts beyond a margin
    r = max(int(0.12 * head_h), 1)
    core = cv2.dilate((alpha > 0.5).astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2))
    return np.clip(cv2.GaussianBlur(core.astype(np.float32), (0, 0), max(0.06 * head_h, 1.0)), 0, 1).astype(np.float32)


def _keep_background(pixels: np.ndarray, soft: np.ndarray, head_h: float, valid: np.ndarray | None) -> np.ndarray:
    """The photo's own background, blurred and darkened, under a soft subject mask (no hard edge to get wrong)."""
    import cv2

    from candid.colour import linear_to_srgb, srgb_to_linear

    lin = srgb_to_linear(pixels)
    blurred = cv2.GaussianBlur(lin, (0, 0), max(0.06 * head_h, 1.0)) * 0.7
    if valid is not None:  # an extended canvas: a neutral dark tone, not smeared edge pixels
        v = cv2.GaussianBlur(valid.astype(np.float32), (0, 0), max(0.1 * head_h, 1.0))[..., None]
        blurred = v * blurred + (1 - v) * np.median(blurred[valid], axis=0) * 0.8
    a3 = soft[..., None]
    return linear_to_srgb(a3 * lin + (1 - a3) * blurred).astype(np.float32)


def framed_mesh(face, framing) -> np.ndarray | None:
    """The face analysis's 3-D mesh moved into the output frame: ``(478, 3)`` float64, or None.

    x, y go through the framing's affine map; the depth z is in pixels, so it
    is multiplied by the map's scale (``sqrt(|det|)``; 1 for the studio's
    rotation and shift). None when the analysis has no mesh with depth.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from candid.engines.studio.frame import Framing
    >>> f = Framing(np.array([[2.0, 0, -1], [0, 2, 3]]), (8, 8), 0.0)
    >>> face = SimpleNamespace(mesh_3d=np.array([[1.0, 1.0, -4.0]]))
    >>> framed_mesh(face, f).tolist()
    [[1.0, 5.0, -8.0]]
    >>> framed_mesh(SimpleNamespace(mesh_3d=None), f) is None
    True
    """
    pts = getattr(face, "mesh_3d", None)
    if pts is None:
        return None
    pts = np.asarray(pts, np.float64)
    m = np.asarray(framing.matrix, np.float64)
    scale = float(np.sqrt(abs(np.linalg.det(m[:, :2]))))
    return np.hstack([pts[:, :2] @ m[:, :2].T + m[:, 2], pts[:, 2:3] * scale])


def _mapped_face(face, pixels: np.ndarray, landmarks: np.ndarray, framing):
    from dataclasses import replace

    from candid.face import FaceBox, identity_embedding

    corners = framing.map_points(np.array([[face.box.x0, face.box.y0], [face.box.x1, face.box.y1]]))
    box = FaceBox(float(corners[:, 0].min()), float(corners[:, 1].min()), float(corners[:, 0].max()),
                  float(corners[:, 1].max()), face.box.score)
    emb = identity_embedding(pixels, landmarks) if face.embedding is not None else None
    extra: dict = {}
    # every point set the analysis carries moves with the frame (rotation + shift: radii keep their size)
    if getattr(face, "mesh", None) is not None:
        extra["mesh"] = framing.map_points(np.asarray(face.mesh, np.float64)).astype(np.float32)
        moved = framed_mesh(face, framing)
        extra["mesh_depth"] = None if moved is None else moved[:, 2].astype(np.float32)
    if getattr(face, "iris", None) is not None:
        centres, radii = face.iris
        extra["iris"] = (framing.map_points(np.asarray(centres, np.float64)).astype(np.float32), radii)
    if hasattr(face, "pose"):
        extra["pose"] = None  # the roll changed; re-analyse for a pose
    return replace(face, box=box, landmarks=landmarks.astype(np.float32), embedding=emb, quality=None, **extra)
