"""Round 19: the matte's rules in one versioned struct (``matte_rules.MatteRules``), passed as ``matte(rules=...)``
and written into the ``engine.studio`` log (``params["matte"]["rules"]``); the same for ``composite.clear_haze``
(``HazeOptions``, ``params["matte"]["haze"]``)."""

from __future__ import annotations

import importlib
import inspect
import json
import re

import numpy as np
import pytest
from pydantic import ValidationError

from candid.engines.studio.composite import clear_haze
from candid.engines.studio.matte_rules import MATTE_RULES_CHANGES, MATTE_RULES_VERSION, HazeOptions, MatteRules
from candid.errors import CandidError
from candid.face.examples import astronaut, astronaut_landmarks

M = importlib.import_module("candid.engines.studio.matte")

#: ``matte()``'s keywords and their defaults up to round 18 (before the struct), in the signature's order
OLD_DEFAULTS = {
    "work_side": 480, "hair_band": 0.16, "edge_band": 0.06, "hair_below": 0.1, "eps": 0.0001, "iterations": 2,
    "prior": True, "prior_low": 0.05, "prior_high": 0.35, "shape_where_alike": True, "solid_inside": 0.04,
    "pose_split": False, "solid_head": 0.02, "outline_sigma": 1.0, "colour_slack": 0.08, "off_axis": True,
    "jewellery": True, "drops": False, "foreign": True, "walls": True, "bars": True, "strands": True,
    "focus_hair": True, "clothes": True, "dense": True, "islands": True, "enclosed": True, "pocket_band": 0.1,
    "thin_pockets": False, "creases": True, "pocket_gaps": True, "hoops": True, "specks": True, "shoulders": True,
    "others_known": True, "others_grow": 1.3, "shape_colours": True, "lapels": True, "edge_share": True,
    "bare_wall": True, "cheeks": True, "skin_opaque": True, "border_doubt": True, "temples": True,
    "crown_top": True, "plain_alike": True, "skin_outline": True,
}

#: the rules round 19's helpers added (version 2), on by default, after the old keywords
ADDED_2 = {"cheek_shadows": True, "photo_ramp": True, "pocket_rim": True, "dark_band": True, "neck_edge": True,
           "lines": True}

#: the rules round 20's helpers added (version 3), on by default
ADDED_3 = {"gap_dark": True, "far_drawn": True, "stray_specks": True}


# --- the struct

def test_defaults_are_matte_s_old_defaults_in_its_order():
    d = MatteRules().as_dict()
    assert d.pop("version") == MATTE_RULES_VERSION == 3
    assert list(d) == list(OLD_DEFAULTS) + list(ADDED_2) + list(ADDED_3)  # same names, same order (appended)
    for name, old in {**OLD_DEFAULTS, **ADDED_2, **ADDED_3}.items():
        assert d[name] == old and type(d[name]) is type(old), name


def test_matte_takes_the_rules_and_no_longer_the_keywords():
    params = inspect.signature(M.matte).parameters
    assert list(params) == ["pixels", "landmarks", "valid", "seed", "others", "context", "rules", "_frame_views"]
    assert params["rules"].default is None
    img = np.zeros((64, 64, 3), np.float32)
    with pytest.raises(TypeError):  # an old keyword is an error, not silently ignored
        M.matte(img, astronaut_landmarks() / 8, thin_pockets=True)
    with pytest.raises(TypeError, match="MatteRules"):  # (checked before any work)
        M.matte(img, astronaut_landmarks() / 8, rules={"thin_pockets": True})


def test_every_rule_is_documented_once_in_the_struct_and_in_matte_s_notes():
    doc = MatteRules.__doc__
    notes = M.matte.__doc__.split("    Notes\n")[1].split("    Examples\n")[0]
    for name in MatteRules.model_fields:
        assert doc.count(f"\n    {name} : ") == 1, name
        entry = re.split(r"\n    (?=\S)", doc.split(f"\n    {name} : ")[1])[0]
        assert "round" in entry, name  # the round it came from
        assert f"    {name}" in notes or f", {name}" in notes, name


def test_the_struct_is_frozen_and_replace_checks_again():
    rules = MatteRules()
    with pytest.raises(ValidationError, match="frozen"):
        rules.clothes = False
    assert rules.replace(clothes=False).clothes is False
    with pytest.raises(CandidError, match="hair_band"):
        rules.replace(hair_band=-0.1)


@pytest.mark.parametrize("bad, words", [
    (dict(work_side=0), "work_side must be in (0, inf]"),
    (dict(hair_band=1.5), "hair_band must be in [0, 1]"),
    (dict(edge_band=float("nan")), "edge_band must be in [0, 1]"),
    (dict(eps=0.0), "eps must be in (0, 1]"),
    (dict(iterations=2.5), "iterations must be an integer"),
    (dict(iterations=-1), "iterations must be in [0, 100]"),
    (dict(prior_low=0.4), "prior_low (0.4) must be below prior_high (0.35)"),
    (dict(colour_slack="0.08"), "colour_slack must be a number or None"),
    (dict(outline_sigma=True), "outline_sigma must be a number"),
    (dict(others_grow=0), "others_grow must be in (0, 5]"),
    (dict(clothes=1), "clothes must be True or False, not 1"),
    (dict(thin_pockets=None), "thin_pockets must be True or False, not None"),
])
def test_bad_rules_are_refused_with_a_clear_message(bad, words):
    with pytest.raises(CandidError) as exc:
        MatteRules(**bad)
    assert exc.value.message == f"matte rules: {words}" or exc.value.message.startswith(f"matte rules: {words}")
    assert exc.value.hint


def test_numbers_of_numpy_and_none_where_allowed_are_taken():
    r = MatteRules(work_side=np.float64(320.5), iterations=np.int64(0), colour_slack=None, solid_inside=0)
    assert (r.work_side, r.iterations, r.colour_slack, r.solid_inside) == (320.5, 0, None, 0)


# --- the log

def test_as_dict_and_from_dict_round_trip_through_json():
    rules = MatteRules(pose_split=True, thin_pockets=True, colour_slack=None, hair_band=0.2, iterations=0)
    small = rules.as_dict(changed_only=True)
    assert small == {"version": 3, "hair_band": 0.2, "iterations": 0, "pose_split": True, "colour_slack": None,
                     "thin_pockets": True}
    for logged in (small, rules.as_dict()):
        assert MatteRules.from_dict(json.loads(json.dumps(logged))) == rules
    assert MatteRules().as_dict(changed_only=True) == {"version": 3}
    assert MatteRules.from_dict({}) == MatteRules()


def test_an_older_log_reads_back_without_the_rules_added_since():
    # a version-1 matte was made without round 19's six rules: read back, they are off (a missing field would
    # otherwise take the new default, on, and re-running the log would give another matte)
    old = MatteRules.from_dict({"version": 1, "thin_pockets": True})
    assert old.thin_pockets and not any(getattr(old, name) for name in {**ADDED_2, **ADDED_3})
    assert MatteRules.from_dict({"version": 1, "lines": True}).lines  # what the log says wins
    v2 = MatteRules.from_dict({"version": 2})  # round 20's rule off for a version-2 log, the rest as the defaults
    assert not any(getattr(v2, name) for name in ADDED_3)
    assert MatteRules.from_dict({"version": 2}) == MatteRules(**{name: False for name in ADDED_3})  # (round 20's off)
    assert MatteRules.from_dict({"version": 3}) == MatteRules()


def test_from_dict_refuses_unknown_rules_and_newer_versions_with_a_hint():
    with pytest.raises(CandidError) as exc:
        MatteRules.from_dict({"version": 1, "skin_outlines": False})
    assert exc.value.message == "matte rules (version 1): unknown rule 'skin_outlines'"
    assert "did you mean 'skin_outline'?" in exc.value.hint
    with pytest.raises(CandidError) as exc:
        MatteRules.from_dict({"version": 1, "zebra": 3, "hoop": True})
    assert exc.value.message == "matte rules (version 1): unknown rules 'zebra', 'hoop'"
    assert "'hoops'" in exc.value.hint
    with pytest.raises(CandidError, match="newer candid"):
        MatteRules.from_dict({"version": MATTE_RULES_VERSION + 1})
    with pytest.raises(CandidError, match="cannot be read"):
        MatteRules.from_dict({"version": "1"})
    assert set(MATTE_RULES_CHANGES) == set(range(1, MATTE_RULES_VERSION + 1))  # each version says what it changed


def test_an_older_version_s_unknown_rule_names_what_changed_since(monkeypatch):
    monkeypatch.setattr(MatteRules, "version", 3)
    monkeypatch.setitem(MATTE_RULES_CHANGES, 3, "round 20: 'walls' renamed 'wall_strips'")
    with pytest.raises(CandidError) as exc:
        MatteRules.from_dict({"version": 1, "old_rule": True})
    assert "version 1" in exc.value.hint and "3: round 20: 'walls' renamed 'wall_strips'" in exc.value.hint


@pytest.fixture(scope="module")
def studio_run():
    """One ``engine.studio`` run on the astronaut, with the rules ``matte`` was called with."""
    from candid.engines.studio import stage as stage_mod
    from candid.face import analyze_face
    from candid.portrait import Portrait

    img = astronaut()
    seen = []
    real = stage_mod.matte

    def spy(*args, **kwargs):
        seen.append(kwargs["rules"])
        return real(*args, **kwargs)

    mp = pytest.MonkeyPatch()
    mp.setattr(stage_mod, "matte", spy)
    try:
        out = stage_mod.studio_stage(Portrait(img, face=analyze_face(img), source="astronaut.png"),
                                     style="linkedin", background="grey", light="none")
    finally:
        mp.undo()
    return out, seen


def test_the_stage_logs_its_rules_and_the_file_s_history_gives_them_back(studio_run):
    from candid.provenance.xmp import parse_xmp, xmp_packet

    out, seen = studio_run
    logged = out.log[-1].params["matte"]["rules"]
    assert logged == {"version": 3, "pose_split": True, "thin_pockets": True}  # small and readable
    assert out.log[-1].params["matte"]["haze"] == {"version": 2}  # clear_haze ran with its defaults
    # through the file's metadata (the log as JSON in XMP) and back
    history = parse_xmp(xmp_packet(out.log)).log
    studio = [op for op in history if op["stage"] == "engine.studio"][-1]
    assert MatteRules.from_dict(studio["params"]["matte"]["rules"]) == seen[-1]
    assert "face_coverage" in studio["params"]["matte"]  # the quality metrics are still there


# --- a rule switched off through ``rules``

@pytest.fixture(scope="module")
def astro_matte():
    img, lm = astronaut(), astronaut_landmarks()
    return img, lm, M.matte(img, lm)


def test_rules_none_is_the_defaults(astro_matte):
    img, lm, a = astro_matte
    assert M.matte(img, lm, rules=MatteRules()).tobytes() == a.tobytes()


def test_a_rule_switched_off_through_rules_changes_the_alpha_where_it_acts(astro_matte):
    img, lm, a = astro_matte
    off = M.matte(img, lm, rules=MatteRules(clothes=False))
    changed = np.abs(off - a) > 0.05
    assert changed.sum() > 50  # the suit's outline below the lobes is drawn by the rule
    rows = np.flatnonzero(changed.any(1))
    assert rows.min() > max(lm[2, 1], lm[14, 1])  # only below the ear lobes, where the rule acts


# --- clear_haze's options

#: ``clear_haze()``'s tuning keywords and their defaults up to round 18, in the signature's order
OLD_HAZE_DEFAULTS = {
    "lighter": (0.6, 0.75), "contrast": 0.1, "slack": 0.08, "reach": 0.04, "raise_": True, "fit": 0.15,
    "like": 0.04, "backdrop_piece": 0.2, "pure_zero": True, "firm": (0.2, 0.8), "pockets": True,
}

#: the options round 20's helpers added (version 2), on by default, after the old keywords
ADDED_HAZE_2 = {"piece_behind": True}


def test_haze_defaults_are_clear_haze_s_old_defaults():
    o = HazeOptions()
    assert list(HazeOptions.model_fields) == list(OLD_HAZE_DEFAULTS) + list(ADDED_HAZE_2)
    assert {k: getattr(o, k) for k in {**OLD_HAZE_DEFAULTS, **ADDED_HAZE_2}} == {**OLD_HAZE_DEFAULTS, **ADDED_HAZE_2}
    old = HazeOptions.from_dict({"version": 1})  # a version-1 log reads back with the options added since off
    assert not any(getattr(old, name) for name in ADDED_HAZE_2)
    params = inspect.signature(clear_haze).parameters
    assert list(params) == ["fg", "alpha", "pixels", "bg", "face_width", "landmarks", "options"]
    for name in HazeOptions.model_fields:
        assert HazeOptions.__doc__.count(f"\n    {name} : ") == 1, name
        assert f"    {name} : " in clear_haze.__doc__.split("    Notes\n")[1], name


@pytest.mark.parametrize("bad, words", [
    (dict(firm=(0.8, 0.2)), "firm must be two numbers 0 <= lo < hi <= 1 or None, not (0.8, 0.2)"),
    (dict(lighter=(0.6, 1.2)), "lighter must be two numbers 0 <= lo <= hi <= 1, not (0.6, 1.2)"),
    (dict(lighter=0.6), "lighter must be two numbers"),
    (dict(reach=0), "reach must be in (0, 1]"),
    (dict(backdrop_piece=0), "backdrop_piece must be in (0, 10]"),
    (dict(raise_="yes"), "raise_ must be True or False"),
])
def test_bad_haze_options_are_refused(bad, words):
    with pytest.raises(CandidError) as exc:
        HazeOptions(**bad)
    assert exc.value.message.startswith(f"haze options: {words}")


def test_haze_options_round_trip_through_json():
    o = HazeOptions(firm=(0.25, 0.75), backdrop_piece=None, raise_=False)
    logged = json.loads(json.dumps(o.as_dict(changed_only=True)))
    assert logged == {"version": 2, "raise_": False, "backdrop_piece": None, "firm": [0.25, 0.75]}
    assert HazeOptions.from_dict(logged) == o and HazeOptions.from_dict(logged).firm == (0.25, 0.75)
    with pytest.raises(CandidError, match="unknown rule 'firmness'"):
        HazeOptions.from_dict({"version": 1, "firmness": None})


def test_a_haze_option_switched_off_through_options_changes_the_alpha():
    a = np.zeros((40, 40), np.float32)
    a[:, :15], a[:, 15:25] = 1, 0.5  # a haze band over the old backdrop alone
    img = np.full((40, 40, 3), 0.1, np.float32)
    img[:, :15] = 0.6
    white = np.full((40, 40, 3), 0.93, np.float32)
    cleared = clear_haze(img, a, img, white, face_width=100)[1]
    assert np.array_equal(clear_haze(img, a, img, white, face_width=100, options=HazeOptions())[1], cleared)
    kept = clear_haze(img, a, img, white, face_width=100, options=HazeOptions(pure_zero=False, firm=None))[1]
    assert float(cleared[20, 20]) == 0.0 and abs(float(kept[20, 20]) - 0.08) < 0.005  # capped at the slack
    with pytest.raises(TypeError, match="HazeOptions"):
        clear_haze(img, a, img, white, face_width=100, options={"firm": None})
