"""Per-style defaults: framing, background, light."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Style:
    """Defaults for one style.

    Attributes
    ----------
    aspect : str
        Width:height of the frame.
    head_frac : float
        Head height (crown to chin) as a fraction of the frame height.
    eye_line : float
        Eye line from the top, as a fraction of the frame height.
    crown_line : float or None
        If set, the crown goes here (fraction from the top) instead of placing the eye line (passport).
    head_range : (float, float) or None
        A rule's range for ``head_frac`` (passport): the framing may make the head smaller or larger within it
        (and, only to keep the whole hair in, smaller still), and says so when the photo leaves it outside.
    eye_range : (float, float) or None
        A rule's range for the eye line's height from the frame's top, as a fraction of the frame height
        (passport); the framing prices an eye line outside it and says so when the photo leaves it outside.
    look_room : float
        Horizontal shift of the face off centre, towards where it does not look (fraction of width).
    background : str
        Background spec (see :func:`candid.engines.studio.parse_background`).
    light : str
        Light pattern (see :data:`candid.engines.studio.PATTERNS`).
    strength : float
        Relighting strength in [0, 1].
    """

    aspect: str
    head_frac: float
    eye_line: float
    background: str
    light: str
    strength: float
    crown_line: float | None = None
    look_room: float = 0.0
    head_range: tuple[float, float] | None = None
    eye_range: tuple[float, float] | None = None


STYLES: dict[str, Style] = {
    "linkedin": Style("1:1", 0.50, 0.40, "grey", "loop", 0.55),
    "corporate": Style("4:5", 0.42, 0.36, "gradient", "broad", 0.5),
    "editorial": Style("2:3", 0.32, 0.31, "mottled", "rembrandt", 0.4),
    "environmental": Style("16:9", 0.30, 0.33, "blur", "short", 0.45, look_room=0.12),
    "memorial": Style("4:5", 0.45, 0.38, "mottled:#6b5a4a", "butterfly", 0.4),
    # ICAO 9303: 35x45 mm, chin to crown 32-36 mm (71-80 %; the crown where the head would end without hair), even
    # light, plain light background. The crown is the landmark estimate, or the hair's own top where that lies lower
    # (the head cannot end above its hair); the whole hair stays in the frame. ISO/IEC 19794-5 (which ICAO's photo
    # guidelines follow): the eye line 50-70 % of the height above the bottom, i.e. 30-50 % from the top.
    "passport": Style("35:45", 0.75, 0.0, "color:#eeeeee", "flat", 0.25, crown_line=0.13, head_range=(0.71, 0.80),
                      eye_range=(0.30, 0.50)),
}
