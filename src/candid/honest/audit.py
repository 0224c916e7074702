"""The flattery audit: how a portrait's face differs from the subject's real photos.

Every measurement is compared with the subject's reference distribution as a
z-score. Real photos of one person vary (pose, expression, lens), and with few
references the sample spread understates that, so each feature's spread has a
floor (:data:`SPREAD_FLOOR`), the measurement noise of landmarks and texture
seen across ordinary photos of one face.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from candid.face.geometry import face_geometry
from candid.face.texture import skin_texture

#: Features the audit reports: name -> (label, how it is measured, flattering direction).
#: The direction is the sign of a change beauty filters and generators make
#: (+1: they make it larger). ``None``: either direction is a change, neither flatters.
AUDIT_FEATURES: dict[str, tuple[str, str, int | None]] = {
    "eye-size": ("eye size", "eye_area", +1),
    "eye-opening": ("eye opening", "eye_opening", +1),
    "nose-width": ("nose width", "nose_width", -1),
    "nose-length": ("nose length", "nose_length", -1),
    "lip-fullness": ("lip fullness", "lip_fullness", +1),
    "mouth-width": ("mouth width", "mouth_width", None),
    "jaw-width": ("jaw width", "jaw_width", -1),
    "face-width": ("face width", "face_width", -1),
    "symmetry": ("left-right asymmetry", "asymmetry", -1),
    "skin-smoothing": ("skin detail (pores, fine lines)", "skin.fine", -1),
    "skin-lightness": ("skin lightness", "skin.L", +1),
    "skin-tone": ("skin hue (redness / yellowness)", "skin.ab", None),
}

#: Minimum spread per measurement, relative to the reference mean (fraction)
#: or absolute (for CIELAB lightness and hue, in L* / Delta-E units).
SPREAD_FLOOR: dict[str, tuple[str, float]] = {
    "eye_area": ("rel", 0.08), "eye_opening": ("rel", 0.08), "nose_width": ("rel", 0.035),
    "nose_length": ("rel", 0.035), "lip_fullness": ("rel", 0.08), "mouth_width": ("rel", 0.04),
    "jaw_width": ("rel", 0.025), "face_width": ("rel", 0.025), "asymmetry": ("rel", 0.4),
    "skin.fine": ("rel", 0.12), "skin.L": ("abs", 2.5), "skin.ab": ("abs", 2.5),
}
#: |z| at and above which a difference is reported as a change.
Z_CHANGED = 2.0


@dataclass(frozen=True)
class FeatureFinding:
    """One feature of the portrait against the subject's references.

    Attributes
    ----------
    feature : str
        Key of :data:`AUDIT_FEATURES` (also the name ``--keep`` uses).
    label : str
    value, reference, spread : float
        Measured value, reference mean and the spread used for ``z``.
    z : float
        ``(value - reference) / spread``.
    percent : float
        Relative difference in percent (for L* and hue: the difference in units).
    verdict : {"ok", "flattering", "changed"}
        ``flattering`` is a change in the direction beauty filters go.
    text : str
        One plain sentence.
    """

    feature: str
    label: str
    value: float
    reference: float
    spread: float
    z: float
    percent: float
    verdict: str
    text: str

    @property
    def changed(self) -> bool:
        return self.verdict != "ok"


@dataclass(frozen=True)
class FlatteryAudit:
    """The per-feature findings and the patterns they add up to.

    Attributes
    ----------
    findings : list of FeatureFinding
    patterns : list of str
        Combined findings in plain words (skin lightening, "Western-ized" features).
    geometry : dict
        The portrait's raw measurements (IOD units, texture, CIELAB).
    """

    findings: list[FeatureFinding]
    patterns: list[str] = field(default_factory=list)
    geometry: dict[str, float] = field(default_factory=dict, repr=False)

    def __getitem__(self, feature: str) -> FeatureFinding:
        for f in self.findings:
            if f.feature == feature:
                return f
        raise KeyError(feature)

    @property
    def changed(self) -> list[FeatureFinding]:
        return [f for f in self.findings if f.changed]

    @property
    def error(self) -> float:
        """Root mean square of the geometry z-scores (0 = exactly like the references)."""
        zs = [f.z for f in self.findings if not f.feature.startswith("skin") and np.isfinite(f.z)]
        return float(np.sqrt(np.mean(np.square(zs)))) if zs else float("nan")

    def to_dict(self) -> dict:
        return {"findings": [asdict(f) for f in self.findings], "patterns": list(self.patterns),
                "geometry_error": self.error}

    def text(self) -> str:
        """The audit as plain sentences, changes first."""
        lines = [f.text for f in self.changed] or ["No flattery found: the face measures like the real photos."]
        return "\n".join(lines + self.patterns)


def measure(pixels: np.ndarray, landmarks: np.ndarray, regions=None) -> dict[str, float]:
    """All measurements the audit compares: geometry (IOD units), skin texture and tone."""
    values = dict(face_geometry(landmarks))
    values["lip_fullness"] = values["upper_lip"] + values["lower_lip"]
    values.update(skin_texture(pixels, landmarks, regions))
    return values


def reference_values(profile) -> dict[str, tuple[float, float, int]]:
    """``{measurement: (mean, std, n)}`` from a subject's profile (per photo where needed)."""
    out: dict[str, tuple[float, float, int]] = {}
    for key, st in profile.geometry.items():
        out[key] = (st.mean, st.std, st.n)
    lips = [p.geometry["upper_lip"] + p.geometry["lower_lip"] for p in profile.photos]
    out["lip_fullness"] = (float(np.mean(lips)), float(np.std(lips, ddof=1)) if len(lips) > 1 else 0.0, len(lips))
    for key, st in profile.texture.items():
        out[key] = (st.mean, st.std, st.n)
    return out


def _spread(key: str, mean: float, std: float) -> float:
    kind, floor = SPREAD_FLOOR.get(key, ("rel", 0.05))
    floor = floor * abs(mean) if kind == "rel" else floor
    return float(np.hypot(std if np.isfinite(std) else 0.0, floor)) or 1e-6


_WORDS = {+1: ("larger", "smaller"), -1: ("larger", "smaller")}


def _finding(feature: str, value: float, ref: float, spread: float) -> FeatureFinding:
    label, key, direction = AUDIT_FEATURES[feature]
    z = (value - ref) / spread
    if key in ("skin.L", "skin.ab"):
        percent = value - ref
    else:
        percent = 100.0 * (value / ref - 1.0) if ref else float("nan")
    verdict = "ok"
    if abs(z) >= Z_CHANGED:
        verdict = "flattering" if direction is not None and np.sign(z) == direction else "changed"
    if feature == "skin-smoothing":
        what = (f"skin detail is {abs(percent):.0f} % {'lower' if z < 0 else 'higher'} than in the real photos"
                + (" (waxy, poreless skin)" if z < 0 and verdict != "ok" else ""))
    elif feature == "skin-lightness":
        what = (f"skin is {abs(percent):.1f} L* {'lighter' if z > 0 else 'darker'} than in the real photos"
                + (" (skin lightening)" if z > 0 and verdict != "ok" else ""))
    elif feature == "skin-tone":
        what = f"skin hue differs by {abs(percent):.1f} Delta-E from the real photos"
    elif feature == "symmetry":
        what = (f"the face is {abs(percent):.0f} % {'more' if z < 0 else 'less'} symmetric than in the real photos"
                + (" (perfect symmetry)" if z < 0 and verdict != "ok" else ""))
    else:
        what = f"{label} is {abs(percent):.0f} % {'larger' if percent > 0 else 'smaller'} than in the real photos"
    text = f"{what[0].upper()}{what[1:]} (z = {z:+.1f})" + ("" if verdict != "ok" else ", within normal variation")
    return FeatureFinding(feature, label, float(value), float(ref), float(spread), float(z), float(percent),
                          verdict, text + ".")


def audit_values(values: dict[str, float], references: dict[str, tuple[float, float, int]]) -> FlatteryAudit:
    """The audit from measurements (:func:`measure`) and references (:func:`reference_values`).

    Examples
    --------
    >>> refs = {"eye_area": (0.036, 0.001, 3), "nose_width": (0.46, 0.005, 3)}
    >>> a = audit_values({"eye_area": 0.049, "nose_width": 0.41}, refs)
    >>> a["eye-size"].verdict, a["nose-width"].verdict, round(a["eye-size"].percent)
    ('flattering', 'flattering', 36)
    """
    findings = []
    for feature, (_, key, _) in AUDIT_FEATURES.items():
        if key == "skin.ab":
            if not all(k in values and k in references for k in ("skin.a", "skin.b")):
                continue
            da = values["skin.a"] - references["skin.a"][0]
            db = values["skin.b"] - references["skin.b"][0]
            spread = _spread(key, 0.0, float(np.hypot(references["skin.a"][1], references["skin.b"][1])))
            findings.append(_finding(feature, float(np.hypot(da, db)), 0.0, spread))
            continue
        if key not in values or key not in references or not np.isfinite(values[key]):
            continue
        mean, std, _ = references[key]
        if not np.isfinite(mean):
            continue
        findings.append(_finding(feature, values[key], mean, _spread(key, mean, std)))
    audit = FlatteryAudit(findings, geometry=dict(values))
    return FlatteryAudit(findings, _patterns(audit), dict(values))


def _patterns(audit: FlatteryAudit) -> list[str]:
    def z(name: str) -> float:
        try:
            return audit[name].z
        except KeyError:
            return 0.0

    out = []
    if z("skin-lightness") >= Z_CHANGED:
        out.append("Skin lightening: the skin is lighter than in every-day photos of this person; "
                   "this is a known bias of beauty filters and image generators.")
    western = [name for name, cond in (("larger or more open eyes", max(z("eye-size"), z("eye-opening")) >= Z_CHANGED),
                                        ("a narrower nose", z("nose-width") <= -Z_CHANGED),
                                        ("a lighter skin", z("skin-lightness") >= Z_CHANGED),
                                        ("a narrower face", min(z("face-width"), z("jaw-width")) <= -Z_CHANGED))
               if cond]
    if len(western) >= 2:
        out.append("\"Western-ization\": " + ", ".join(western) + " together move this face toward a "
                   "Eurocentric beauty ideal and away from the person's own features.")
    if z("skin-smoothing") <= -Z_CHANGED and z("symmetry") <= -Z_CHANGED:
        out.append("Waxy skin and a too-symmetric face: the classic \"AI face\" look.")
    return out


def audit(pixels: np.ndarray, face, profile, regions=None) -> FlatteryAudit:
    """Compare a portrait's face with the subject's real photos.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB image.
    face : FaceAnalysis or ndarray
        The face in ``pixels`` (or its ``(68, 2)`` landmarks).
    profile : SubjectProfile
        The subject's profile from :class:`candid.subjects.Library`.
    regions : FaceRegions, optional
        Precomputed masks.

    Returns
    -------
    FlatteryAudit

    Examples
    --------
    >>> audit(img, face, profile).text()  # doctest: +SKIP
    'Eye size is 36 % larger than in the real photos (z = +4.6).'
    """
    landmarks = getattr(face, "landmarks", face)
    return audit_values(measure(pixels, landmarks, regions), reference_values(profile))
