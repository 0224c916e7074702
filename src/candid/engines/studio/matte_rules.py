"""Versioned options structs for the rules that make the studio's alpha: :class:`MatteRules` for
:func:`candid.engines.studio.matte.matte` and :class:`HazeOptions` for
:func:`candid.engines.studio.composite.clear_haze`.

Like a darktable module's params struct (and :class:`candid.engines.studio.options.StudioOptions` for the
person's choices): one frozen pydantic model, on the project's one options mechanism (:mod:`candid.options`:
a bad value is one :class:`~candid.errors.CandidError` line with a hint, as every stage's settings), holds every
tuning number and rule switch of a step, checks them before any work, and is written into the ``engine.studio`` log (``params["matte"]["rules"]`` and
``params["matte"]["haze"]``: the fields that differ from the defaults, and the struct's version), so a file's
history says which rules made its matte.

A module of its own, not the top of ``matte.py``: reading a log back (the web, batch, a recipe) needs the rules
without OpenCV, pymatting and the matte's 5000 lines, and a new rule is one line here and one in the docstring.
What each rule does, and why, is told at length in :func:`~candid.engines.studio.matte.matte`'s Notes and
:func:`~candid.engines.studio.composite.clear_haze`'s Notes.
"""

from __future__ import annotations

import difflib
import math
import numbers
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from candid.errors import CandidError
from candid.options import options_error

#: Bump when a rule's meaning changes (or one is renamed or removed), and say why in :data:`MATTE_RULES_CHANGES`.
MATTE_RULES_VERSION = 3

#: What each version changed, for the hint when an older log cannot be read back.
MATTE_RULES_CHANGES = {
    1: "round 19: the 47 keywords matte() took up to round 18, with their defaults and meanings",
    2: "round 19's merge: six new rules, on by default (cheek_shadows, photo_ramp, pocket_rim, dark_band, "
       "neck_edge, lines)",
    3: "round 20: gap_dark (the gap beside the neck read by its darker part), far_drawn (the clothes' drawn "
       "edge is not believed far beyond the opaque outline) and stray_specks (a few-pixel speck does not fail "
       "the matte), on by default",
}

#: The rules each version added: a log of an older version read back has them off, as its matte was made
#: (a new rule is on by default, so a missing field would otherwise switch it on and change the old matte).
MATTE_RULES_ADDED = {
    2: ("cheek_shadows", "photo_ramp", "pocket_rim", "dark_band", "neck_edge", "lines"),
    3: ("gap_dark", "far_drawn", "stray_specks"),
}

#: Bump when an option's meaning changes, and say why in :data:`HAZE_OPTIONS_CHANGES`.
HAZE_OPTIONS_VERSION = 2

#: What each version of :class:`HazeOptions` changed.
HAZE_OPTIONS_CHANGES = {
    1: "round 19: the 11 tuning keywords clear_haze() took up to round 18, with their defaults and meanings",
    2: "round 20: piece_behind, on by default (a hair edge before a light wall beside a dark banner is kept)",
}

#: The options each version of :class:`HazeOptions` added (off when an older log is read back).
HAZE_OPTIONS_ADDED = {
    2: ("piece_behind",),
}


def _number(default: float | None, low: float, high: float, *, above: bool = False, none: bool = False,
            integer: bool = False) -> Any:
    """A numeric field in ``[low, high]`` (``(low, high]`` with ``above``; None allowed with ``none``)."""
    return Field(default, json_schema_extra={"range": [low, high], "above": above, "none": none, "integer": integer})


def _pair(default: tuple[float, float] | None, *, strict: bool = False, none: bool = False) -> Any:
    """A field of two numbers ``lo <= hi`` in [0, 1] (``lo < hi`` with ``strict``; None allowed with ``none``)."""
    return Field(default, json_schema_extra={"pair": [0.0, 1.0], "strict": strict, "none": none})


class _Rules(BaseModel):
    """What :class:`MatteRules` and :class:`HazeOptions` share: the checks (through :func:`candid.options.
    options_error`, as every stage's options), :meth:`replace`, :meth:`as_dict` and :meth:`from_dict`."""

    # frozen: a rule set is a value (equal sets compare equal, hash alike); extra="forbid": an unknown rule is an
    # error, never silently ignored
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: ClassVar[int]
    _name: ClassVar[str]             # how messages name the struct ("matte rules")
    _changes: ClassVar[dict[int, str]]
    _added: ClassVar[dict[int, tuple[str, ...]]] = {}
    _whole_hint: ClassVar[str | None] = None  # the hint of a check of several fields (``_check_together``)

    def __init__(self, /, **settings: Any) -> None:
        try:
            super().__init__(**settings)
        except ValidationError as exc:  # pydantic's error as the project's one line with a hint
            raise options_error(exc, stage=self._name, hint=type(self)._hint) from None

    @field_validator("*", mode="plain")
    @classmethod
    def _check(cls, value: Any, info) -> Any:
        """Each field by its own bounds (plain: no coercion, so ``"0.08"`` or ``1`` for a switch is refused and a
        value is kept as given, a numpy float too); a pair read back from JSON (a list) becomes a tuple."""
        extra = cls.model_fields[info.field_name].json_schema_extra or {}
        if "pair" in extra and isinstance(value, list):
            value = tuple(value)
        _check_field(info.field_name, cls.model_fields[info.field_name].default, extra, value)
        return value

    @classmethod
    def _hint(cls, name: str) -> str | None:
        """The hint for a bad ``name``: its default; for an unknown one the closest rule's name."""
        fields = cls.model_fields
        if name in fields:
            default = fields[name].default
            return f"a switch; the default is {default}" if isinstance(default, bool) else f"the default is {default!r}"
        if not name:
            return cls._whole_hint
        close = difflib.get_close_matches(name, list(fields), n=1)
        return f"did you mean {close[0]!r}?" if close else f"{cls._name}: {', '.join(fields)}"

    def replace(self, **changes: Any):
        """A copy with ``changes``, checked again (``model_copy(update=...)`` would not check them).

        Examples
        --------
        >>> HazeOptions().replace(firm=None).firm is None
        True
        """
        return type(self)(**{**{name: getattr(self, name) for name in type(self).model_fields}, **changes})

    def as_dict(self, *, changed_only: bool = False) -> dict[str, Any]:
        """The fields as a plain dict for a log, ``version`` first; ``changed_only``: those unlike the defaults."""
        out: dict[str, Any] = {"version": self.version}
        for name, f in type(self).model_fields.items():
            value = getattr(self, name)
            if not changed_only or value != f.default or type(value) is not type(f.default):
                out[name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, logged: dict[str, Any]):
        """The struct a log's :meth:`as_dict` wrote (missing fields: the defaults); :class:`CandidError` for an
        unknown field or a version newer than the class's."""
        settings = dict(logged)
        version = settings.pop("version", cls.version)
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= cls.version:
            newer = isinstance(version, int) and not isinstance(version, bool) and version > cls.version
            raise CandidError(f"{cls._name} version {version!r} cannot be read (this candid knows versions 1 to "
                              f"{cls.version})", hint="the log was written by a newer candid; update candid" if newer
                              else "a version is a whole number from 1")
        names = list(cls.model_fields)
        unknown = [k for k in settings if k not in names]
        if unknown:
            close = [m for k in unknown for m in difflib.get_close_matches(str(k), names, n=1)]
            hints = [f"did you mean {', '.join(repr(m) for m in close)}?"] if close else []
            if version < cls.version:  # an older log: say what changed since
                hints += [f"the log's {cls._name} are version {version}; since then: "
                          + "; ".join(f"{v}: {cls._changes[v]}" for v in range(version + 1, cls.version + 1))]
            hints += [] if hints else [f"{cls._name} of version {cls.version}: {', '.join(names)}"]
            raise CandidError(f"{cls._name} (version {version}): unknown rule{'s' if len(unknown) > 1 else ''} "
                              f"{', '.join(repr(k) for k in unknown)}", hint="; ".join(hints))
        for v in range(version + 1, cls.version + 1):  # rules added after the log's version: off, as then
            for name in cls._added.get(v, ()):
                settings.setdefault(name, False)
        return cls(**settings)


class MatteRules(_Rules):
    """Every tuning number and rule switch of :func:`~candid.engines.studio.matte.matte`.

    Fields are in the order of the keywords ``matte()`` took before round 19, with the same names and defaults.
    Numbers are checked on creation (:class:`~candid.errors.CandidError` with a hint); switches must be
    ``True`` or ``False``. Band widths and reaches are in face widths unless said otherwise.

    Attributes
    ----------
    work_side : float
        Long side of the working image for segmentation and matting, px (round 1; a float for a photo's box).
    hair_band : float
        Width of the trimap's unknown band round the hair, face widths (round 1).
    edge_band : float
        Width of the unknown band elsewhere, face widths (round 1).
    hair_below : float
        The wide hair band reaches this many head heights below the eye line (rounds 1-9).
    eps : float
        Regularisation of the guided upsampling to full size; smaller keeps finer strands and noise (round 1).
    iterations : int
        GrabCut iterations of the colour refinement; 0: the segmenter's mask as is (round 1).
    prior : bool
        Alpha is multiplied by a ramp of the segmenter's own probability: no clouds of background (rounds 1-9).
    prior_low : float
        The prior's ramp is 0 below this probability (rounds 1-9).
    prior_high : float
        The prior's ramp is 1 above this probability (rounds 1-9).
    shape_where_alike : bool
        Where person and backdrop have nearly the same colour, alpha comes from the segmenter's shape (rounds 1-9).
    solid_inside : float
        Deeper than this inside the mask, alpha 0.6-0.9 is made opaque; 0: off (round 6).
    pose_split : bool
        Person pixels beyond the subject's shoulders, elbows and wrists (MediaPipe Pose) are a neighbour's
        (rounds 1-9; always on in ``engine.studio``).
    solid_head : float
        In the head, deeper than this inside the matte's own outline, alpha above 0.5 ramps to opaque; 0: off
        (round 7).
    outline_sigma : float
        The outline is anti-aliased along itself by a Gaussian of this many px; 0: off (round 7).
    colour_slack : float or None
        Soft alpha in the band is at most the pixel's share of the person's colour plus this; None: off
        (rounds 1-9).
    off_axis : bool
        Below the lobes, band alpha of a colour that is no person-backdrop mix goes (a poster by the neck;
        rounds 1-9).
    jewellery : bool
        An earring's bright metal below the lobes is the person, its eye stays open (round 10; on since round 11).
    drops : bool
        With ``jewellery``: a drop earring's chain hanging past the band is the person; off (round 11b).
    foreign : bool
        Below the lobes, mask pieces in the backdrop's colours that the segmenter doubts are cut (round 11).
    walls : bool
        Below the lobes, a wall joined to the backdrop with no colour edge, cut from the core by one, is cut
        (round 15).
    bars : bool
        A straight bar of the backdrop (a window's frame) carried on into the hair's band is background (round 17).
    strands : bool
        With ``colour_slack``: a loose wisp's gaps over a darker wall are background, its strands hair (round 12).
    focus_hair : bool
        Beside the face, soft alpha as sharp as the skin and not of the backdrop's colour is raised (round 12).
    clothes : bool
        Below the lobes, on a side without long hair, the outline is drawn as cloth's clean edge (round 12;
        on since issue 18).
    dense : bool
        Inside the hair's outline, alpha is at least the opaque hair's colour share there (round 13).
    islands : bool
        Pieces above 0.5 joined through the subject's own soft alpha are held at 0.5, not cut out (round 13).
    enclosed : bool
        Below the lobes, the backdrop held between hair, hoop and neck leaves the mask (round 15).
    pocket_band : float
        With ``enclosed``: hair strands within this of a pocket are left to the matting, face widths (round 15).
    thin_pockets : bool
        A pocket too thin for a known core is opened along its ridge after the matting; off (round 17;
        ``engine.studio`` turns it on except over the ``blur`` backdrop, round 18).
    creases : bool
        With ``thin_pockets``: a shaded crease rimmed by skin is not opened (round 18).
    pocket_gaps : bool
        With a pocket: the gaps between strands over it keep only their share of the strands' colour (round 16).
    hoops : bool
        With ``jewellery`` and a pocket: a big hoop's highlights round it are the person (round 16).
    specks : bool
        With a pocket: small holes near the jaw enclosed by jewellery or hair, unlike the backdrop, are filled
        (round 16).
    shoulders : bool
        A sure shoulder raised above the seeds' shoulder line is not sure background (round 15).
    others_known : bool
        With ``others``: the band over another person's face is known background (round 16).
    others_grow : float
        With ``others_known``: the other faces' ellipses are grown this many times (round 16).
    shape_colours : bool
        With ``others``: the shape rule adds nothing in colours only the background holds (round 16).
    lapels : bool
        Below the lobes, a lapel's point in the clothes' colours joined to the person is marked before the matting
        (round 16).
    edge_share : bool
        With ``clothes``: the drawn edge raises no pixel above its colour share, down to a 0.08 contrast (round 16).
    bare_wall : bool
        With ``strands``: beyond the soft edge a loose strand's alpha is capped, none on the wall between (round 16).
    cheeks : bool
        The segmenter's doubt does not take away the face inside its jaw or cheek skin joined to it (round 16).
    skin_opaque : bool
        With ``cheeks``: that skin below the nose's tip, near the jaw, is at least its colour share opaque (round 16;
        on since round 17).
    border_doubt : bool
        Well below the chin, doubted mask pieces that run into the photo's border are background (round 17).
    temples : bool
        A narrow notch cut between the temple and the ear in the person's colours is filled (round 17).
    crown_top : bool
        A crown that runs into the top edge is the convex hull of the head there (round 18).
    plain_alike : bool
        With ``shape_where_alike``: the backdrop is like the person only where its own pixels are (round 18).
    skin_outline : bool
        Below the lobes, the jaw's and the neck's skin outline is drawn as a smooth curve (round 18).
    cheek_shadows : bool
        With ``shape_where_alike``: the segmenter's shape puts back no flash shadow beside the cheek (round 19).
    photo_ramp : bool
        With ``skin_outline``: the redrawn outline is as soft as the photo's own edge there (round 19).
    pocket_rim : bool
        With ``thin_pockets``: an opened pocket's rim is capped by each pixel's colour share (round 19).
    dark_band : bool
        Beside the temples, before a darker backdrop, only a thin edge of hair beyond the colour outline (round 19).
    neck_edge : bool
        With ``shape_where_alike``: below the lobes, the shape takes over only where colour's outline is alike too
        (round 19).
    lines : bool
        The backdrop's straight lines carried into the hair band beside a hole the hair encloses are backdrop
        (round 19).
    gap_dark : bool
        With ``neck_edge``: the gap beside the colour model's outline is read by its darker part, not its mean, when
        asked whether it is darker than the hair (light strands before a dark banner are hair, round 20).
    far_drawn : bool
        With ``clothes``: in the collar ring the drawn edge takes no soft alpha away where it is far beyond the opaque
        outline (round 20).
    stray_specks : bool
        The studio stage lowers a speck of a few pixels above 0.5 in the subject's soft edge to 0.5 and takes a
        floating one out before the matte's check (:func:`~candid.engines.studio.matte.stray_specks`; round 20).
    version : int
        Class constant :data:`MATTE_RULES_VERSION`, written by :meth:`as_dict`.

    Examples
    --------
    >>> rules = MatteRules(thin_pockets=True, pose_split=True)
    >>> rules.off_axis, rules.thin_pockets
    (True, True)
    >>> rules.as_dict(changed_only=True)
    {'version': 3, 'pose_split': True, 'thin_pockets': True}
    >>> MatteRules.from_dict({"version": 1}).lines              # a round-19 rule: off for a version-1 log
    False
    >>> MatteRules.from_dict(rules.as_dict(changed_only=True)) == rules
    True
    >>> try:
    ...     MatteRules(prior_low=0.5, prior_high=0.3)
    ... except CandidError as exc:
    ...     print(exc.message)
    matte rules: prior_low (0.5) must be below prior_high (0.3)
    """

    version: ClassVar[int] = MATTE_RULES_VERSION
    _name: ClassVar[str] = "matte rules"
    _changes: ClassVar[dict[int, str]] = MATTE_RULES_CHANGES
    _added: ClassVar[dict[int, tuple[str, ...]]] = MATTE_RULES_ADDED
    _whole_hint: ClassVar[str | None] = "the prior's ramp runs from prior_low (0) to prior_high (1)"

    work_side: float = _number(480, 0, math.inf, above=True)
    hair_band: float = _number(0.16, 0, 1)
    edge_band: float = _number(0.06, 0, 1)
    hair_below: float = _number(0.1, -1, 2)
    eps: float = _number(1e-4, 0, 1, above=True)
    iterations: int = _number(2, 0, 100, integer=True)
    prior: bool = True
    prior_low: float = _number(0.05, 0, 1)
    prior_high: float = _number(0.35, 0, 1)
    shape_where_alike: bool = True
    solid_inside: float = _number(0.04, 0, 1)
    pose_split: bool = False
    solid_head: float = _number(0.02, 0, 1)
    outline_sigma: float = _number(1.0, 0, 20)
    colour_slack: float | None = _number(0.08, 0, 1, none=True)
    off_axis: bool = True
    jewellery: bool = True
    drops: bool = False
    foreign: bool = True
    walls: bool = True
    bars: bool = True
    strands: bool = True
    focus_hair: bool = True
    clothes: bool = True
    dense: bool = True
    islands: bool = True
    enclosed: bool = True
    pocket_band: float = _number(0.1, 0, 1)
    thin_pockets: bool = False
    creases: bool = True
    pocket_gaps: bool = True
    hoops: bool = True
    specks: bool = True
    shoulders: bool = True
    others_known: bool = True
    others_grow: float = _number(1.3, 0, 5, above=True)
    shape_colours: bool = True
    lapels: bool = True
    edge_share: bool = True
    bare_wall: bool = True
    cheeks: bool = True
    skin_opaque: bool = True
    border_doubt: bool = True
    temples: bool = True
    crown_top: bool = True
    plain_alike: bool = True
    skin_outline: bool = True
    cheek_shadows: bool = True
    photo_ramp: bool = True
    pocket_rim: bool = True
    dark_band: bool = True
    neck_edge: bool = True
    lines: bool = True
    gap_dark: bool = True
    far_drawn: bool = True
    stray_specks: bool = True

    @model_validator(mode="after")
    def _check_together(self) -> "MatteRules":
        if not self.prior_low < self.prior_high:  # the prior's ramp divides by their difference
            raise ValueError(f"prior_low ({self.prior_low}) must be below prior_high ({self.prior_high})")
        return self

    def as_dict(self, *, changed_only: bool = False) -> dict[str, Any]:
        """The rules as a plain dict for a log, ``version`` first; ``changed_only``: the fields unlike the defaults.

        Examples
        --------
        >>> d = MatteRules().as_dict()
        >>> d["version"], d["hair_band"], len(d)
        (3, 0.16, 57)
        >>> MatteRules(clothes=False, colour_slack=None).as_dict(changed_only=True)
        {'version': 3, 'colour_slack': None, 'clothes': False}
        """
        return super().as_dict(changed_only=changed_only)

    @classmethod
    def from_dict(cls, logged: dict[str, Any]) -> "MatteRules":
        """The rules a log's :meth:`as_dict` wrote (missing fields: the defaults, but a rule added after the log's
        version is off, as it was then); raise :class:`CandidError`
        for an unknown rule or a version newer than :data:`MATTE_RULES_VERSION`.

        Examples
        --------
        >>> MatteRules.from_dict({"version": 1, "thin_pockets": True}).thin_pockets
        True
        >>> try:
        ...     MatteRules.from_dict({"version": 3, "thin_pocket": True})
        ... except CandidError as exc:
        ...     print(exc.message)
        ...     print(exc.hint)
        matte rules (version 3): unknown rule 'thin_pocket'
        did you mean 'thin_pockets'?
        """
        return super().from_dict(logged)


class HazeOptions(_Rules):
    """Every tuning number and rule switch of :func:`~candid.engines.studio.composite.clear_haze`.

    Fields in the order of the keywords ``clear_haze()`` took before round 19, with the same names and defaults
    (the inputs ``face_width`` and ``landmarks`` stay arguments). Reaches are in face widths.

    Attributes
    ----------
    lighter : (float, float)
        The rule is off where the new backdrop is less than ``lighter[0]`` lighter than the old, in full from
        ``lighter[1]`` (round 17).
    contrast : float
        Least RMS distance of a foreground from the old background for a reading (round 17).
    slack : float
        Alpha left above the reading when capping (round 17).
    reach : float
        Of the local estimates of the old background and the person's colour, face widths (round 17).
    raise_ : bool
        Also lift alpha the colours say is too low (round 17).
    fit : float
        Largest distance from the background-person line of a lifted pixel, a share of their distance (round 17).
    like : float
        Least RMS distance from the old background still counted as like it (round 17).
    backdrop_piece : float or None
        Beside a big dark piece of the old backdrop (at least this many face widths squared), a pixel is read
        against the piece; None: off (round 18).
    pure_zero : bool
        A reading within the old background's own spread caps alpha at 0, not at ``slack`` (round 18).
    firm : (float, float) or None
        The soft band is made steeper, alpha ramped from 0 at ``firm[0]`` to 1 at ``firm[1]``; None: off
        (round 18).
    pockets : bool
        With ``firm``: soft basins inside the hair are raised to their rim first (round 18).
    piece_behind : bool
        With ``backdrop_piece``: a pixel is read against the piece only where the piece is most of the clear
        pixels just behind it (0.01 face widths), not a light wall beside it (round 20).
    version : int
        Class constant :data:`HAZE_OPTIONS_VERSION`, written by :meth:`as_dict`.

    Examples
    --------
    >>> HazeOptions(firm=None).as_dict(changed_only=True)
    {'version': 2, 'firm': None}
    >>> HazeOptions.from_dict({"version": 1, "lighter": [0.5, 0.7]}).lighter   # (a list read back from JSON)
    (0.5, 0.7)
    >>> try:
    ...     HazeOptions(firm=(0.8, 0.2))
    ... except CandidError as exc:
    ...     print(exc.message)
    haze options: firm must be two numbers 0 <= lo < hi <= 1 or None, not (0.8, 0.2)
    """

    version: ClassVar[int] = HAZE_OPTIONS_VERSION
    _name: ClassVar[str] = "haze options"
    _changes: ClassVar[dict[int, str]] = HAZE_OPTIONS_CHANGES
    _added: ClassVar[dict[int, tuple[str, ...]]] = HAZE_OPTIONS_ADDED

    lighter: tuple[float, float] = _pair((0.6, 0.75))
    contrast: float = _number(0.1, 0, 1)
    slack: float = _number(0.08, 0, 1)
    reach: float = _number(0.04, 0, 1, above=True)
    raise_: bool = True
    fit: float = _number(0.15, 0, 1)
    like: float = _number(0.04, 0, 1)
    backdrop_piece: float | None = _number(0.2, 0, 10, above=True, none=True)
    pure_zero: bool = True
    firm: tuple[float, float] | None = _pair((0.2, 0.8), strict=True, none=True)
    pockets: bool = True
    piece_behind: bool = True


def _check_field(name: str, default: Any, meta: dict[str, Any], value: Any) -> None:
    """Raise ``ValueError`` (pydantic makes it the struct's :class:`CandidError`) when ``value`` is not what field
    ``name`` (its ``default`` and bounds ``meta``) holds."""
    if "pair" in meta:
        if value is None and meta["none"]:
            return
        ok = isinstance(value, tuple) and len(value) == 2 and all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value)
        if ok:
            lo, hi = value
            ok = 0 <= lo < hi <= 1 if meta["strict"] else 0 <= lo <= hi <= 1
        if not ok:
            order = "<" if meta["strict"] else "<="
            raise ValueError(f"{name} must be two numbers 0 <= lo {order} hi <= 1"
                             f"{' or None' if meta['none'] else ''}, not {value!r}")
        return
    if "range" not in meta:  # a switch
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be True or False, not {value!r}")
        return
    if value is None and meta["none"]:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral if meta["integer"] else numbers.Real):
        kind = "an integer" if meta["integer"] else "a number"
        raise ValueError(f"{name} must be {kind}{' or None' if meta['none'] else ''}, not {value!r}")
    low, high = meta["range"]
    if not (low < value if meta["above"] else low <= value) or not value <= high:
        span = f"{'(' if meta['above'] else '['}{low:g}, {high:g}]"
        raise ValueError(f"{name} must be in {span}, not {value!r}")


__all__ = ["HAZE_OPTIONS_ADDED", "HAZE_OPTIONS_CHANGES", "HAZE_OPTIONS_VERSION", "HazeOptions", "MATTE_RULES_CHANGES",
           "MATTE_RULES_VERSION",
           "MatteRules"]
