"""Round 20: the matte's rules on the project's one options mechanism; two double computations made once.

- ``MatteRules`` and ``HazeOptions`` (``engines/studio/matte_rules.py``) are frozen pydantic models, checked as every
  stage's options are (:func:`candid.options.options_error`: one :class:`CandidError` line with a hint), with the
  same fields, defaults, versions and logs as round 19's dataclasses; ``.replace(**changes)`` checks again.
- ``matte.alike_at_neck`` reads the rings' mean colours once (:func:`matte.ring_means`) and passes them to
  :func:`matte.low_contrast`, which had blurred the same pixels with the same rings again.
- ``finish``: a frame still in memory (``candid make``) takes the JPEG damage ``engine.studio`` measured on it
  (``jpeg_damage`` in its log) instead of measuring it a second time.

Synthetic and fast: no real photos, the learned enlarger stubbed.
"""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest
from pydantic import BaseModel, ValidationError

from candid.engines.studio.matte_rules import MATTE_RULES_ADDED, MATTE_RULES_VERSION, HazeOptions, MatteRules
from candid.errors import CandidError
from candid.options import options_error, parse_options

M = importlib.import_module("candid.engines.studio.matte")


# --- 1. the rules on the options mechanism

def test_the_rules_are_frozen_pydantic_models_checked_by_the_options_mechanism(monkeypatch):
    assert issubclass(MatteRules, BaseModel) and issubclass(HazeOptions, BaseModel)
    assert MatteRules.model_config["frozen"] and HazeOptions.model_config["frozen"]
    seen = []
    mr = importlib.import_module("candid.engines.studio.matte_rules")
    real = mr.options_error
    monkeypatch.setattr(mr, "options_error", lambda exc, **k: seen.append(k["stage"]) or real(exc, **k))
    with pytest.raises(CandidError) as exc:
        MatteRules(hair_band=1.5)
    assert exc.value.message == "matte rules: hair_band must be in [0, 1], not 1.5"
    assert exc.value.hint == "the default is 0.16" and "\n" not in exc.value.message
    with pytest.raises(CandidError) as exc:
        HazeOptions(raise_="yes")
    assert exc.value.message == "haze options: raise_ must be True or False, not 'yes'"
    assert exc.value.hint == "a switch; the default is True"
    assert seen == ["matte rules", "haze options"]  # both through the one converter


def test_an_unknown_rule_is_refused_with_did_you_mean():
    with pytest.raises(CandidError) as exc:
        MatteRules(thin_pocket=True)  # (the dataclass raised a TypeError here)
    assert exc.value.message == "matte rules: unknown setting 'thin_pocket'"
    assert exc.value.hint == "did you mean 'thin_pockets'?"
    with pytest.raises(CandidError) as exc:
        HazeOptions(firmness=None)
    assert exc.value.hint == "did you mean 'firm'?"
    with pytest.raises(CandidError) as exc:
        MatteRules.from_dict({"version": 2, "neckedge": False})
    assert exc.value.message == "matte rules (version 2): unknown rule 'neckedge'"
    assert exc.value.hint.startswith("did you mean 'neck_edge'?; the log's matte rules are version 2; since then: 3:")


def test_a_check_of_two_rules_has_its_own_hint():
    with pytest.raises(CandidError) as exc:
        MatteRules(prior_low=0.4)
    assert exc.value.message == "matte rules: prior_low (0.4) must be below prior_high (0.35)"
    assert exc.value.hint == "the prior's ramp runs from prior_low (0) to prior_high (1)"


def test_frozen_hashable_and_replace_checks_again():
    rules = MatteRules(pose_split=True)
    with pytest.raises(ValidationError, match="frozen"):
        rules.lines = False
    assert hash(rules) == hash(MatteRules(pose_split=True)) and rules != MatteRules()
    assert rules.replace(lines=False) == MatteRules(pose_split=True, lines=False)
    assert rules.lines is True  # (a copy)
    with pytest.raises(CandidError, match="work_side must be in"):
        rules.replace(work_side=-1.0)
    # model_copy does not check: replace is the way
    assert rules.model_copy(update={"work_side": -1.0}).work_side == -1.0


def test_values_are_kept_as_given_no_coercion():
    r = MatteRules(work_side=np.float64(320.5), iterations=np.int64(0), hair_band=0)
    assert type(r.work_side) is np.float64 and type(r.iterations) is np.int64 and type(r.hair_band) is int
    for bad in (dict(iterations="2"), dict(hair_band="0.1"), dict(clothes=1), dict(colour_slack=[0.1])):
        with pytest.raises(CandidError):
            MatteRules(**bad)
    assert HazeOptions(firm=[0.3, 0.7]).firm == (0.3, 0.7)  # a JSON list read back is a pair


@pytest.mark.parametrize("logged, expect", [
    ({"version": 1}, {name: False for name in MATTE_RULES_ADDED[2]}),  # round 18's rule set: round 19's rules off
    ({"version": 1, "thin_pockets": True, "lines": True}, {"thin_pockets": True, "lines": True, "dark_band": False}),
    ({"version": 2}, {}),  # round 19's defaults (round 20's rules off)
    ({"version": 2, "pose_split": True, "thin_pockets": True, "colour_slack": None},
     {"pose_split": True, "thin_pockets": True, "colour_slack": None}),
])
def test_logs_of_version_1_and_2_round_trip_through_json(logged, expect):
    rules = MatteRules.from_dict(json.loads(json.dumps(logged)))
    assert {k: getattr(rules, k) for k in expect} == expect
    added_since = [n for v in range(logged["version"] + 1, MATTE_RULES_VERSION + 1) for n in MATTE_RULES_ADDED[v]]
    assert rules == MatteRules().replace(**{**{n: False for n in added_since}, **expect})
    again = json.loads(json.dumps(rules.as_dict(changed_only=True)))
    assert again["version"] == MATTE_RULES_VERSION and MatteRules.from_dict(again) == rules
    assert MatteRules.from_dict(rules.as_dict()) == rules


def test_parse_options_and_the_rules_share_one_converter():
    from pydantic import ConfigDict

    class Opts(BaseModel):
        model_config = ConfigDict(extra="forbid")
        seed: int = 0

    with pytest.raises(CandidError) as exc:
        parse_options(Opts, {"sed": 1}, stage="demo", hint=lambda name: f"no {name}")
    assert (exc.value.message, exc.value.hint) == ("demo: unknown setting 'sed'", "no sed")
    with pytest.raises(ValidationError) as raw:
        Opts(seed="x")
    assert options_error(raw.value, stage="demo", hint="h").message.startswith("demo: seed: ")


# --- 2. alike_at_neck's rings once

def _neck_scene():
    from candid.face.examples import astronaut_landmarks

    lm = astronaut_landmarks() / 2
    img = np.full((256, 256, 3), 0.12, np.float32)
    img[:, :140] = (0.8, 0.6, 0.5)  # skin, a darker backdrop
    rng = np.random.default_rng(0)
    img[:, 150:] += rng.normal(0, 0.05, (256, 106, 3)).astype(np.float32)  # a busy one (the spread term)
    img = np.clip(img, 0, 1)
    mask = np.zeros((256, 256), bool)
    mask[:, :140] = True
    return img, mask, lm


@pytest.mark.parametrize("spread", [True, False])
def test_alike_at_neck_blurs_each_ring_once_with_the_same_answer(monkeypatch, spread):
    img, mask, lm = _neck_scene()
    w = np.ones((256, 256), np.float32)
    # as before: low_contrast made to read the rings again itself (main's code gives these same bytes on this scene,
    # and with hair_alike, compared in a separate run: docs/STUDIO.md round 20)
    real_lc = M.low_contrast
    with monkeypatch.context() as mp:
        mp.setattr(M, "low_contrast", lambda *a, rings=None, **k: real_lc(*a, **k))
        before = M.alike_at_neck(img, w, mask, lm, spread=spread, hair_alike=None)
    calls = []
    real = M.normalized_blur

    def counting(values, weight, sigma, **k):
        calls.append((values.tobytes(), weight.tobytes()))
        return real(values, weight, sigma, **k)

    monkeypatch.setattr(M, "normalized_blur", counting)
    out = M.alike_at_neck(img, w, mask, lm, spread=spread, hair_alike=None)
    assert np.array_equal(out, before) and out.min() < 0.5  # the rule acted, and as before
    assert len(calls) == len(set(calls)) == (4 if spread else 2)  # the two rings' means once (and the spreads)


def test_low_contrast_takes_the_rings_it_is_given():
    img, mask, lm = _neck_scene()
    rings = M.ring_means(img, mask, 60.0)
    assert np.array_equal(M.low_contrast(img, mask, 60.0, rings=rings, spread=True),
                          M.low_contrast(img, mask, 60.0, spread=True))
    assert M.ring_means(img, np.zeros_like(mask), 60.0).inside is None
    assert float(np.abs(M.ring_means(img, np.zeros_like(mask), 60.0, always=True).inside).max()) == 0.0


# --- 3. the frame's JPEG damage measured once in candid make

@pytest.fixture
def counted_damage(monkeypatch):
    """Counted calls of the JPEG-damage measure; the learned enlarger stubbed (nearest, fast, no model)."""
    jp = importlib.import_module("candid.finish._jpeg")
    wx = importlib.import_module("candid.finish._waifu2x")
    calls = []
    real = jp.jpeg_damage
    monkeypatch.setattr(jp, "jpeg_damage", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(wx, "learned_enlarge", lambda img, passes, **k: np.repeat(np.repeat(
        np.asarray(img, np.float32), 2 ** passes, 0), 2 ** passes, 1))
    monkeypatch.setattr(wx, "waifu2x_available", lambda: True)
    return calls


def _framed(damage, stage="engine.studio"):
    from candid.portrait import Operation, Portrait

    from finish_jpeg_scene import textured_patch  # (pytest puts tests/ on the path)

    src = textured_patch(96)
    op = Operation(stage, params={"size": [96, 96], "frame_matrix": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
                                  "jpeg_damage": damage})
    return Portrait(src).evolve(src, op)


def test_a_frame_in_memory_takes_the_damage_the_studio_measured(counted_damage):
    from candid.finish.stage import finish_stage

    done = finish_stage(_framed(0.04), size="480x480", backend="learned", noise=False)
    params = done.log[-1].params
    assert counted_damage == []  # not measured again
    assert (params["jpeg_damage"], params["jpeg_grid"], params["noise_level"]) == (0.04, "photo", 2)


def test_without_a_logged_damage_the_finish_measures_as_before(counted_damage):
    from candid.finish.stage import finish_stage

    done = finish_stage(_framed(None), size="480x480", backend="learned", noise=False)
    assert counted_damage == [1] and done.log[-1].params["jpeg_grid"] == "photo"
    assert done.log[-1].params["noise_level"] == 0  # a clean patch


def test_a_frame_read_back_from_a_file_says_logged(counted_damage):
    from candid.finish.stage import finish_stage

    done = finish_stage(_framed(0.06, stage="provenance.source"), size="480x480", backend="learned", noise=False)
    params = done.log[-1].params
    assert counted_damage == [] and (params["jpeg_grid"], params["noise_level"]) == ("logged", 3)
