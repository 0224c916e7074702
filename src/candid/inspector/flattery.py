"""Flattery: how an image's face differs from the subject's own photos, in plain words.

Pure functions over plain dicts, so they work with any source of reference
statistics (a :mod:`candid.subjects` profile, or numbers from elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Floors on the reference spread, relative to |mean|: with one to three
#: reference photos the measured std is unreliable (often near 0), and the
#: measurements themselves wobble this much between photos of the same face.
GEOMETRY_FLOOR = 0.05
TEXTURE_FLOOR = 0.15
ABSOLUTE_FLOOR = 1e-3
#: Features that are not properties of the face, or are tone (see below).
SKIP = {"iod_px", "scale", "noise"}
#: Plain words for "more" / "less" per feature.
WORDS = {
    "eye_width": ("eyes", "wider", "narrower"),
    "eye_opening": ("eyes", "more open", "less open"),
    "eye_area": ("eyes", "larger", "smaller"),
    "nose_width": ("nose", "wider", "narrower"),
    "nose_length": ("nose", "longer", "shorter"),
    "mouth_width": ("mouth", "wider", "narrower"),
    "upper_lip": ("upper lip", "fuller", "thinner"),
    "lower_lip": ("lower lip", "fuller", "thinner"),
    "jaw_width": ("jaw", "wider", "narrower"),
    "face_width": ("face", "wider", "narrower"),
    "face_height": ("face", "longer", "shorter"),
    "asymmetry": ("face", "more asymmetric", "more symmetric"),
    "smile_tilt": ("smile", "more tilted", "less tilted"),
    "eye_size_ratio": ("left eye", "larger relative to the right", "smaller relative to the right"),
    "skin.L": ("skin", "lighter", "darker"),
    "skin.a": ("skin", "redder", "less red"),
    "skin.b": ("skin", "yellower", "less yellow"),
}


@dataclass(frozen=True)
class FlatteryItem:
    """One feature compared with the subject's references."""

    feature: str
    kind: str  # "geometry" or "texture"
    value: float
    mean: float
    std_used: float
    n: int
    z: float
    percent: float
    sentence: str


@dataclass(frozen=True)
class FlatteryReport:
    """Per-feature z-scores and plain sentences, largest departures first.

    Attributes
    ----------
    items : list of FlatteryItem
        Every feature present in both the image and the references, by |z|.
    sentences : list of str
        The notable ones (|z| >= ``threshold``) in plain words.
    score : float
        RMS z over all items (0 = like the references).
    """

    items: list[FlatteryItem] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "sentences": list(self.sentences),
                "items": [vars(i).copy() for i in self.items]}


def _words(feature: str, kind: str) -> tuple[str, str, str]:
    if feature in WORDS:
        return WORDS[feature]
    if kind == "texture" and feature.endswith((".fine", ".mid")):
        region = feature.split(".")[0].replace("_", " ")
        what = "skin" if region == "skin" else f"{region} skin"
        scale = "fine detail" if feature.endswith(".fine") else "mid-scale texture"
        return (what, f"rougher ({scale})", f"smoother ({scale})")
    return (feature.replace("_", " "), "higher", "lower")


def _visibility(delta_lab: float) -> str:
    """How visible a CIELAB difference is, in words (about 2 is just noticeable side by side).

    Examples
    --------
    >>> _visibility(1.0), _visibility(3.5), _visibility(7.0), _visibility(15.0)
    ('barely', 'slightly', 'clearly', 'much')
    """
    if delta_lab < 2.0:
        return "barely"
    if delta_lab < 5.0:
        return "slightly"
    if delta_lab < 10.0:
        return "clearly"
    return "much"


def _sentence(feature: str, kind: str, value: float, mean: float, percent: float) -> str:
    thing, more, less = _words(feature, kind)
    if feature.startswith("skin.") and feature[5:] in ("L", "a", "b"):
        # CIELAB differences have no unit a person knows; say how visible they are instead.
        return f"{thing} {_visibility(abs(value - mean))} {more if value > mean else less} than in your photos"
    return f"{thing} {abs(percent):.0f} % {more if percent > 0 else less} than in your photos"


def compare_feature(value: float, mean: float, std: float, n: int, *, floor: float) -> tuple[float, float, float]:
    """z-score and % difference of one value against reference stats ``(mean, std, n)``.

    The spread used is ``max(std, floor * |mean|, ABSOLUTE_FLOOR)``, widened by
    ``sqrt(1 + 1/n)`` (a prediction interval: the references' mean is itself
    uncertain). Returns ``(z, percent, std_used)``.

    Examples
    --------
    >>> z, pct, s = compare_feature(1.18, 1.0, 0.0, 1, floor=0.05)
    >>> round(pct), round(z, 2)
    (18, 2.55)
    """
    std_used = max(float(std), floor * abs(float(mean)), ABSOLUTE_FLOOR) * np.sqrt(1 + 1 / max(int(n), 1))
    z = (value - mean) / std_used
    percent = 100.0 * (value - mean) / abs(mean) if abs(mean) > 1e-9 else float("nan")
    return float(z), float(percent), float(std_used)


def flattery_report(
    geometry: dict[str, float],
    texture: dict[str, float],
    reference_geometry: dict[str, tuple[float, float, int]],
    reference_texture: dict[str, tuple[float, float, int]],
    *,
    threshold: float = 2.0,
) -> FlatteryReport:
    """Compare a face's geometry and texture with a subject's reference photos.

    Parameters
    ----------
    geometry, texture : dict
        Measurements of the image (:func:`candid.face.face_geometry`,
        :func:`candid.face.skin_texture`).
    reference_geometry, reference_texture : dict
        Feature -> ``(mean, std, n)`` over the subject's photos.
    threshold : float
        |z| from which a difference is reported in words.

    Returns
    -------
    FlatteryReport

    Examples
    --------
    >>> r = flattery_report({"eye_area": 0.118}, {"skin.fine": 0.006},
    ...                     {"eye_area": (0.100, 0.002, 3)}, {"skin.fine": (0.020, 0.001, 3)})
    >>> r.sentences
    ['skin 70 % smoother (fine detail) than in your photos', 'eyes 18 % larger than in your photos']
    """
    items = []
    for kind, values, refs, floor in (("geometry", geometry, reference_geometry, GEOMETRY_FLOOR),
                                      ("texture", texture, reference_texture, TEXTURE_FLOOR)):
        for feature, ref in refs.items():
            if feature in SKIP or feature not in values:
                continue
            mean, std, n = ref
            value = float(values[feature])
            if not (np.isfinite(value) and np.isfinite(mean)):
                continue
            z, pct, used = compare_feature(value, float(mean), float(std) if np.isfinite(std) else 0.0, int(n),
                                           floor=floor)
            items.append(FlatteryItem(feature, kind, value, float(mean), used, int(n), z, pct,
                                      _sentence(feature, kind, value, float(mean), pct)))
    items.sort(key=lambda i: -abs(i.z))
    sentences = [i.sentence for i in items if abs(i.z) >= threshold]
    score = float(np.sqrt(np.mean([i.z ** 2 for i in items]))) if items else 0.0
    return FlatteryReport(items, sentences, score)


def reference_dicts(reference: Any) -> tuple[dict, dict]:
    """``(geometry, texture)`` dicts of ``(mean, std, n)`` from a profile or a pair of dicts."""
    if isinstance(reference, tuple) and len(reference) == 2:
        geo, tex = reference
    else:
        geo, tex = reference.geometry, reference.texture

    def norm(d):
        return {k: (v.mean, v.std, v.n) if hasattr(v, "mean") and not isinstance(v, tuple) else tuple(v)
                for k, v in d.items()}

    return norm(geo), norm(tex)
