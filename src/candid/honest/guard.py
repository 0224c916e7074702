"""The honest guard: audit a portrait against the subject's real photos, then undo the flattery."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from candid.errors import CandidError
from candid.face import analyze_face, face_regions
from candid.honest.audit import (
    AUDIT_FEATURES,
    EXPRESSION_FEATURES,
    SKIN_STEP_LIGHTENED,
    FlatteryAudit,
    audit_values,
    measure,
    reference_mesh_values,
    reference_values,
)
from candid.honest.catchlights import CatchlightReport, detect_catchlights, fix_catchlights
from candid.honest.quirks import check_quirks
from candid.honest.texture import restore_texture
from candid.honest.undo import GEOMETRY_FEATURES, remove_skin_step, restore_tone, target_landmarks, undo_geometry

#: Features the guard reports but does not warp: they change with expression
#: (a smile widens the mouth) or pose (a turned head looks asymmetric), so a
#: difference from the references is not evidence of flattery on its own.
REPORT_ONLY = tuple(EXPRESSION_FEATURES)

#: Names ``keep`` accepts: every audit feature, plus the catchlight fix.
KEEPABLE = tuple(AUDIT_FEATURES) + ("catchlights",)


class KeepError(CandidError):
    """A ``--keep`` entry names an unknown feature or an amount outside [0, 1]."""


def parse_keep(items: list[str] | dict[str, float] | None) -> dict[str, float]:
    """Parse ``["skin-smoothing=0.3", "eye-size"]`` (no amount = keep all of it) into a dict.

    Examples
    --------
    >>> parse_keep(["skin-smoothing=0.3", "eye_size"])
    {'skin-smoothing': 0.3, 'eye-size': 1.0}
    """
    if not items:
        return {}
    pairs = items.items() if isinstance(items, dict) else [
        (s.split("=", 1)[0], s.split("=", 1)[1] if "=" in s else "1") for s in items]
    out: dict[str, float] = {}
    for name, amount in pairs:
        key = str(name).strip().lower().replace("_", "-")
        if key not in KEEPABLE:
            raise KeepError(f"--keep: unknown feature {name!r}", hint=f"use one of: {', '.join(KEEPABLE)}")
        try:
            value = float(amount)
        except (TypeError, ValueError):
            raise KeepError(f"--keep {name}: amount {amount!r} is not a number",
                            hint="write it as feature=amount with an amount from 0 to 1") from None
        if not 0.0 <= value <= 1.0 or not np.isfinite(value):
            raise KeepError(f"--keep {name}: amount {value} is outside 0..1",
                            hint="0 undoes the change, 1 keeps all of it")
        out[key] = value
    return out


@dataclass(frozen=True)
class HonestResult:
    """What the guard found and did.

    Attributes
    ----------
    pixels : ndarray
        The corrected image.
    before, after : FlatteryAudit
        The audit of the input and of the result.
    identity_before, identity_after : float
        Mean identity distance to the reference photos (lower = more like them).
    catchlights : CatchlightReport
        The catchlights as found in the input.
    actions : list of str
        What was changed, in plain words.
    warnings : list of str
        What could not be fixed (missing quirks, no references for texture...).
    keep : dict
        What the user chose to keep.
    params : dict
        Per-feature strengths used (for the provenance log).
    """

    pixels: np.ndarray = field(repr=False)
    before: FlatteryAudit | None
    after: FlatteryAudit | None
    identity_before: float
    identity_after: float
    catchlights: CatchlightReport | None
    actions: list[str]
    warnings: list[str]
    keep: dict[str, float]
    params: dict[str, Any]
    landmarks_after: np.ndarray | None = field(default=None, repr=False)
    face_after: Any = field(default=None, repr=False)

    def summary(self) -> str:
        """A few lines a person can read."""
        lines = []
        if self.before is not None:
            changed = self.before.changed
            lines.append(f"Found {len(changed)} change(s) against your photos:" if changed
                         else "The face measures like your photos.")
            lines += [f"  - {f.text}" for f in changed]
            lines += [f"  ! {p}" for p in self.before.patterns]
        if self.catchlights is not None:
            lines.append(f"Eyes: {self.catchlights.text}.")
        if self.actions:
            lines.append("Done:")
            lines += [f"  - {a}" for a in self.actions]
        kept = {k: v for k, v in self.keep.items() if v > 0}
        if kept:
            lines.append("Kept on purpose: " + ", ".join(
                f"{AUDIT_FEATURES[k][0] if k in AUDIT_FEATURES else k} {v:.0%}" for k, v in kept.items()))
        if not self.actions:
            lines.append("Nothing was changed.")
        if np.isfinite(self.identity_before) and np.isfinite(self.identity_after):
            if self.actions:
                lines.append(f"Likeness to your photos (face-recognition distance, lower is closer, the same "
                             f"person below 0.6): {self.identity_before:.2f} before, {self.identity_after:.2f} after.")
            else:
                lines.append(f"Likeness to your photos (face-recognition distance, lower is closer, the same "
                             f"person below 0.6): {self.identity_before:.2f}.")
        lines += [f"Warning: {w}" for w in dict.fromkeys(self.warnings)]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "before": None if self.before is None else self.before.to_dict(),
            "after": None if self.after is None else self.after.to_dict(),
            "identity_before": self.identity_before, "identity_after": self.identity_after,
            "catchlights": None if self.catchlights is None else self.catchlights.to_dict(),
            "actions": list(self.actions), "warnings": list(self.warnings), "keep": dict(self.keep),
            "params": self.params, "summary": self.summary(),
        }


def _reference_images(profile, library) -> list[tuple[np.ndarray, np.ndarray]]:
    from candid.imageio import read_image

    refs = []
    for photo in profile.photos:
        path = library.photo_path(profile, photo)
        if path.exists():
            refs.append((read_image(path).pixels, np.asarray(photo.landmarks, np.float64)))
    return refs


def honest_guard(
    portrait_or_pixels,
    profile,
    *,
    keep: dict[str, float] | list[str] | None = None,
    library=None,
    strength: float = 1.0,
    face=None,
    light_direction: tuple[float, float] | None = None,
    catchlights: bool = False,
) -> HonestResult:
    """Audit a portrait against the subject's real photos and bring it back to the real person.

    Parameters
    ----------
    portrait_or_pixels : Portrait or ndarray
        The portrait (``(H, W, 3)`` float32 sRGB in [0, 1]); not modified.
    profile : SubjectProfile
        The subject, from :meth:`candid.subjects.Library.profile`.
    keep : dict or list of str, optional
        Changes to keep on purpose, ``{"skin-smoothing": 0.3}`` keeps 30 % of
        the smoothing (names in :data:`KEEPABLE`).
    library : Library, optional
        Where the reference photos are; needed to restore skin texture and
        marks (without it, waxy skin is only reported).
    strength : float
        Overall strength in [0, 1].
    face : FaceAnalysis, optional
        The face in the portrait, if already known.
    light_direction : tuple of float, optional
        ``(dx, dy)`` toward the key light, for the catchlights.
    catchlights : bool
        Also re-place catchlights that are missing or disagree between the
        eyes. Off by default: the catchlights of a real photo are real, and
        the guard leaves a photo it finds nothing wrong with bit-identical.

    Returns
    -------
    HonestResult

    Examples
    --------
    >>> result = honest_guard(img, library.profile("Ada"), library=library)  # doctest: +SKIP
    >>> print(result.summary())  # doctest: +SKIP
    """
    pixels = getattr(portrait_or_pixels, "pixels", portrait_or_pixels)
    if not isinstance(pixels, np.ndarray) or pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"expected a Portrait or an (H, W, 3) image, got {getattr(pixels, 'shape', type(pixels))}")
    if getattr(portrait_or_pixels, "color", "srgb") != "srgb":
        raise ValueError("the honest guard works on sRGB portraits; convert linear pixels first")
    if not 0.0 <= strength <= 1.0:
        raise ValueError(f"strength must be in [0, 1], got {strength}")
    original = pixels
    pixels = np.clip(np.asarray(pixels, np.float32), 0.0, 1.0)
    keep = parse_keep(keep)
    if face is None:
        face = getattr(portrait_or_pixels, "face", None)
    if face is None or getattr(face, "embedding", None) is None:
        face = analyze_face(pixels, quality=False, source="portrait")
    lm = np.asarray(face.landmarks, np.float64)
    refs = reference_values(profile, lm)
    mesh_refs = reference_mesh_values(profile, library) if library is not None else {}
    refs.update(mesh_refs)
    regions = face_regions(pixels, lm)
    before = audit_values(measure(pixels, lm, regions, face=face), refs)
    identity_before = profile.identity_distance(face.embedding)

    def amount(feature: str) -> float:
        try:
            changed = before[feature].changed
        except KeyError:
            return 0.0
        if feature in REPORT_ONLY:
            return 0.0
        return strength * (1.0 - keep.get(feature, 0.0)) if changed else 0.0

    actions: list[str] = []
    warnings: list[str] = []
    params: dict[str, Any] = {"strength": strength, "keep": dict(keep)}

    # 1. Geometry.
    strengths = {f: amount(f) for f in GEOMETRY_FEATURES if f not in REPORT_ONLY and amount(f) > 0}
    if "eye-opening" in strengths and "eye-size" in keep:
        # Keeping the larger eyes keeps their opening too, unless that is undone on its own terms.
        strengths["eye-opening"] = min(strengths["eye-opening"], strength * (1.0 - keep["eye-size"]))
        if strengths["eye-opening"] <= 0:
            del strengths["eye-opening"]
    out = pixels
    if strengths:
        ref_geo = {k: v[0] for k, v in refs.items()}
        now_iris = before.geometry.get("iris_size", float("nan"))
        if "iris_size" in refs and np.isfinite(now_iris) and now_iris > 0:
            # The eye is measured at the iris: scale it by the iris ratio, not the 68 points' width.
            ref_geo["eye_width"] = before.geometry["eye_width"] * refs["iris_size"][0] / now_iris
        target = target_landmarks(lm, ref_geo, strengths)
        out = undo_geometry(out, lm, target)
        for f, s in strengths.items():
            actions.append(f"{AUDIT_FEATURES[f][0]}: was {before[f].percent:+.0f} % against your photos; "
                           f"brought {s:.0%} of the way back to your proportions")
        lm = target
        regions = face_regions(out, lm)
    params["geometry"] = strengths

    # 2. Skin tone.
    tone = max(amount("skin-lightness"), amount("skin-tone"))
    if tone > 0:
        # The finding's own difference: against the references, or the step at the face's outline.
        light = before["skin-lightness"] if amount("skin-lightness") > 0 else None
        dl = light.value - light.reference if light is not None else 0.0
        da = before.geometry["skin.a"] - refs["skin.a"][0] if amount("skin-tone") > 0 else 0.0
        db = before.geometry["skin.b"] - refs["skin.b"][0] if amount("skin-tone") > 0 else 0.0
        step = before.geometry.get("skin_step", float("nan"))
        if light is not None and np.isfinite(step) and step >= SKIN_STEP_LIGHTENED:
            # Seen as a step at the skin's edge: take exactly that step back out, on the skin only.
            out = remove_skin_step(out, lm, dl, amount("skin-lightness"))
            dl = 0.0
            actions.append(f"skin lightness: took {amount('skin-lightness'):.0%} of the lightening back out")
        if max(abs(dl), abs(da), abs(db)) > 0:
            out = restore_tone(out, lm, (dl, da, db), tone)
            actions.append(f"skin tone: brought {tone:.0%} of the way back to the tone of your photos")
        regions = face_regions(out, lm)
        params["tone"] = {"amount": tone, "delta_lab": [dl, da, db],
                          "skin_step": float(step) if np.isfinite(step) else None}

    # 3. Texture.
    tex = amount("skin-smoothing")
    references = None
    if tex > 0 or profile.quirks:
        references = _reference_images(profile, library) if library is not None else []
    if tex > 0:
        if references:
            out, info = restore_texture(out, lm, references, tex, regions=regions)
            regions = face_regions(out, lm)
            actions.append(f"skin detail: brought back pores and fine lines from your photo {info['reference'] + 1}")
            params["texture"] = {"amount": tex, **info}
        else:
            warnings.append("the skin looks smoothed, but your photos are not available here to bring its "
                            "detail back (the library is needed)")

    # 4. Quirks (each once).
    for problem in dict.fromkeys(check_quirks(out, lm, profile)):
        warnings.append(problem)

    # 5. Catchlights: checked always, changed only on request.
    report = detect_catchlights(out, regions)
    if catchlights and keep.get("catchlights", 0.0) < 1.0 and strength > 0:
        out, report, done = fix_catchlights(out, regions, light_direction)
        actions += done
    params["catchlights"] = report.to_dict()
    if not actions:
        # Nothing found to undo: hand back the input's own pixels, bit for bit.
        out = np.array(original, np.float32, copy=True) if np.array_equal(original, pixels) else pixels

    # 6. Identity and audit after.
    after_face = analyze_face(out, quality=False, source="result") if actions else face
    after = (audit_values(measure(out, after_face.landmarks, face=after_face),
                          {**reference_values(profile, after_face.landmarks), **mesh_refs})
             if actions else before)
    identity_after = profile.identity_distance(after_face.embedding)
    if identity_after > identity_before + 0.02:
        warnings.append(f"the identity distance went up ({identity_before:.3f} -> {identity_after:.3f}); "
                        "check the result")
    return HonestResult(pixels=out, before=before, after=after, identity_before=identity_before,
                        identity_after=identity_after, catchlights=report, actions=actions, warnings=warnings,
                        keep=keep, params=params, landmarks_after=np.asarray(after_face.landmarks),
                        face_after=after_face)


def subject_free_check(pixels: np.ndarray, face=None, light_direction=None,
                       catchlights: bool = False) -> tuple[np.ndarray, list[str], list[str]]:
    """What the guard can do without a subject: catchlight agreement and a waxy-skin warning.

    Catchlights are only re-placed with ``catchlights=True``; by default the pixels come back unchanged.

    Returns
    -------
    pixels, actions, warnings
    """
    from candid.face.texture import skin_texture

    pixels = np.clip(np.asarray(pixels, np.float32), 0.0, 1.0)
    if face is None:
        face = analyze_face(pixels, embed=False, quality=False, source="portrait")
    regions = face_regions(pixels, face.landmarks)
    if catchlights:
        out, report, actions = fix_catchlights(pixels, regions, light_direction)
    else:
        out, report, actions = pixels, detect_catchlights(pixels, regions), []
    warnings = [] if report.agree else [f"eyes: {report.text}"]
    tex = skin_texture(pixels, face.landmarks, regions)
    # Real skin has some fine detail (pores, fine lines, sensor noise); the least detailed real
    # photo of the dev set has skin.fine 0.0022 (soft, compressed), so only well below that is waxy.
    fine = tex.get("skin.fine", float("nan"))
    if np.isfinite(fine) and fine < WAXY_FINE:
        warnings.append("the skin looks waxy: it has less fine detail (pores, fine lines) than real photos have; "
                        "enroll the person to bring their real texture back")
    return out, actions, warnings


#: Fine skin detail (``skin.fine`` of :func:`candid.face.skin_texture`) under which skin is called
#: waxy without a subject to compare with: below every real photo of the dev set (least: 0.0022).
WAXY_FINE = 0.0015
