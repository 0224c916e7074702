"""The studio's change records and their sentences (candid.engines.studio.changes)."""

import re
from pathlib import Path

import numpy as np

import candid
from candid.engines.studio.changes import SENTENCES, colour_cast, describe


def test_every_logged_change_kind_has_a_sentence():
    kinds = set()
    for path in Path(candid.__file__).parent.rglob("*.py"):
        kinds |= set(re.findall(r'"change": "([a-z_]+)"', path.read_text(encoding="utf-8")))
    assert len(kinds) >= 10
    assert kinds <= set(SENTENCES), f"no sentence for {sorted(kinds - set(SENTENCES))}"


def test_every_sentence_takes_a_bare_record():
    # a record with only its kind still reads as a sentence (numbers default)
    for kind in SENTENCES:
        text = describe({"change": kind})
        assert text and text != kind and "None" not in text


def test_an_unknown_kind_is_named_not_dropped():
    assert describe({"change": "new_kind"}) == "new_kind"


def test_a_sliver_past_the_photo_is_not_called_a_canvas_of_0_percent():
    # 32bit.png linkedin: the frame reached 0.3 % past the photo's left edge, mended from the photo's last
    # columns; the words said "canvas extended at the left with backdrop (0% of the frame is beyond the photo)"
    text = describe({"change": "canvas_extended", "sides": ["left"], "fraction": 0.003, "edge_cut": False})
    assert "0%" not in text and "backdrop" not in text
    assert "sliver" in text and "left" in text
    wide = describe({"change": "canvas_extended", "sides": ["top"], "fraction": 0.18, "edge_cut": False})
    assert wide.startswith("canvas extended at the top with backdrop (18%")


def test_degrees_round_halves_up():
    # Python's round(4.5) is 4 but round(5.5) is 6: the words followed the parity, not the angle
    assert describe({"change": "straightened", "degrees": 4.5}) == "head straightened 5 degrees"
    assert describe({"change": "straightened", "degrees": -2.5}) == "head straightened 3 degrees"
    assert describe({"change": "straightened", "degrees": 0.6}) == "head straightened 1 degree"


def _cast(img, gains):
    from candid.colour import linear_to_srgb, srgb_to_linear

    return linear_to_srgb(srgb_to_linear(img) * np.asarray(gains, np.float32)).astype(np.float32)


def test_colour_cast_names_the_direction_and_ignores_what_cannot_be_seen():
    from candid.face.examples import astronaut

    img = astronaut()
    warmer = colour_cast(img, _cast(img, (1.08, 1.0, 0.92)))   # a blue cast taken out (liuyifei: 1.08 / 0.93)
    assert warmer["change"] == "white_balance" and warmer["db"] > 0 and warmer["delta_e"] >= 2
    assert "warmer" in describe(warmer) and "\N{GREEK CAPITAL LETTER DELTA}E" in describe(warmer)
    cooler = colour_cast(img, _cast(img, (0.93, 1.0, 1.08)))
    assert "cooler" in describe(cooler)
    assert colour_cast(img, _cast(img, (1.002, 1.0, 0.998))) is None   # 32bit, hinton: nothing to say


def test_the_stage_says_the_white_balance_it_made():
    # the stage always ran white_balance(crop, 0.4) and never said so: liuyifei.png moved by 4.0 Delta E on average
    from candid.engines.studio.stage import studio_stage
    from candid.face.examples import astronaut
    from candid.portrait import Portrait

    blue = _cast(astronaut(), (0.8, 0.95, 1.25))
    made = studio_stage(Portrait(blue), style="passport", light="none")
    said = [c for c in made.log[-1].params["changes"] if c["change"] == "white_balance"]
    assert said and said[0]["db"] > 0, made.log[-1].params["changes"]
    assert any(n.startswith("colour cast reduced") for n in made.log[-1].notes)


def test_a_small_face_not_enlarged_is_not_called_an_enlargement():
    # 2007_007763 with size "none": a 146 px headshot at the crop's own resolution was said to be "an enlargement"
    from candid.engines.studio.changes import change_report
    from candid.portrait import Operation

    rec = {"change": "small_face", "iod_px": 15, "needed_px": 64}
    alone = change_report([Operation("engine.studio", params={"size": [146, 146], "changes": [rec]})])[0]
    assert "enlargement" not in alone and "146 px across" in alone
    assert "enlargement" not in describe(rec)
    big = change_report([Operation("engine.studio", params={"size": [146, 146], "changes": [rec]}),
                         Operation("finish", params={"size": "4k", "from_px": [146, 146], "to_px": [2160, 2160]})])
    assert "enlarged 15x" in big[0] and big[1] == "4k: enlarged 14.8x from a 146 px crop"


def test_a_fallback_says_why_without_nested_brackets():
    # 2008_001009: "... darkened (another person's face is right above the head (someone standing behind): ...)"
    reason = "another person's face is right above the head (someone standing behind): the top could not be told"
    text = describe({"change": "background_kept", "reason": reason})
    assert text.endswith("blurred and darkened, because " + reason)
    assert describe({"change": "background_kept", "reason": ""}).endswith("because the cut-out failed its checks")


def test_a_kept_tilt_names_a_straightening_that_levels_all_of_it():
    # biden: 12.1 degrees kept, "(--straighten 12 levels it)" named a CLI flag in the web; 12 leaves a fraction
    text = describe({"change": "tilt_kept", "degrees": -12.4})
    assert text == "head tilt of 12 degrees kept as a pose (straightening up to 13 degrees levels it)"
    assert "--" not in text
    assert describe({"change": "tilt_kept", "degrees": 7.0}).endswith("up to 7 degrees levels it)")


def test_a_body_carried_past_the_photo_is_not_said_to_end_there():
    # tom_cruise_tight linkedin said both "the body ends at the photo's edge" and "the body is continued past
    # its edge (at the left and right)"
    from candid.engines.studio.changes import change_report
    from candid.portrait import Operation

    canvas = {"change": "canvas_extended", "sides": ["left", "right"], "fraction": 0.14, "edge_cut": True}
    both = change_report([Operation("engine.studio", params={"changes": [
        canvas, {"change": "body_continued", "sides": ["left", "right"]}]})])
    assert "ends at the photo's edge" not in both[0] and "continued past its edge" in both[1]
    alone = change_report([Operation("engine.studio", params={"changes": [canvas]})])
    assert alone[0].endswith("so the body ends at the photo's edge")


def test_a_red_cast_taken_out_is_called_less_red():
    text = describe({"change": "white_balance", "delta_e": 1.9, "da": -1.5, "db": -0.6})
    assert "slightly less red (a red cast taken out), by 1.9" in text


def test_a_continued_body_is_said_to_be_mirrored():
    # the stage fills the canvas with the photo mirrored across its edge (frame.mirror_canvas); the words still
    # said "in the colours of its last pixels" (the repeat it replaced)
    text = describe({"change": "body_continued", "sides": ["left"]})
    assert "mirrored from the photo beside it" in text and "last pixels" not in text
