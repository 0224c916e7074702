"""FinishOptions is the one list of finish settings: the functions, the stage, its log, the CLI, batch, docs."""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest
import pyvips
import typer
from skimage import data

from candid.errors import CandidError
from candid.finish import finish_to_file, upscale, upscale_report
from candid.finish.options import FILE_ONLY, OPTION_NAMES, STAGE_DEFAULTS, FinishOptions, option_help
from candid.finish.stage import finish_stage
from candid.portrait import Portrait

#: One value per setting, none of them the default. A new FinishOptions field fails
#: :func:`test_every_setting_reaches_every_front_door` until it is added here (and so is seen to arrive).
SAMPLE = {"fit": "pad", "backend": "classical", "noise": False, "iso": 800.0, "sharpen": "print", "kernel": "mitchell",
          "detail_strength": 0.5, "pad_color": (0.2, 0.3, 0.4), "seed": 7, "tile": 128, "overlap": 8,
          "identity_threshold": 0.5, "bit_depth": 16, "quality": 80, "identity_preview": 512}


@pytest.fixture(scope="module")
def src():
    return np.ascontiguousarray(data.astronaut()[100:260, 120:250].astype(np.float32) / 255)


@pytest.mark.parametrize("kw", [
    {},
    {"fit": "pad", "pad_color": (0.2, 0.3, 0.4), "iso": 3200, "seed": 5},
    {"fit": "contain", "sharpen": "print", "kernel": "mitchell", "tile": 128, "overlap": 16, "seed": 2},
    {"backend": "classical", "sharpen": "none", "noise": False, "tile": 160, "overlap": 24},
])
def test_keywords_and_options_give_identical_pixels(src, kw):
    a, used_a, notes_a = upscale_report(src, (300, 260), **kw)
    b, used_b, notes_b = upscale_report(src, (300, 260), options=FinishOptions(**kw))
    assert np.array_equal(a, b) and used_a == used_b and notes_a == notes_b
    # keywords over options: the keyword wins, the rest comes from the options
    c = upscale(src, (300, 260), options=FinishOptions(**{**kw, "seed": 99}), seed=kw.get("seed", 0))
    assert np.array_equal(a, c)


def test_finish_to_file_keywords_and_options_write_the_same_file(src, tmp_path):
    kw = {"fit": "pad", "bit_depth": 16, "tile": 128, "overlap": 16, "seed": 4, "iso": 800}
    r1 = finish_to_file(src, tmp_path / "a.png", (320, 300), **kw)
    r2 = finish_to_file(src, tmp_path / "b.png", (320, 300), options=FinishOptions(**kw))
    a, b = (np.asarray(pyvips.Image.new_from_file(str(p)).numpy()) for p in (r1.path, r2.path))
    assert a.dtype == np.uint16 and np.array_equal(a, b)
    assert r1.tiles == r2.tiles and r1.notes == r2.notes


def test_stage_logs_the_options_with_their_version(src):
    p = finish_stage(Portrait(src), size="240x200", iso=400, seed=3)
    q = finish_stage(Portrait(src), size="240x200", options=FinishOptions(**STAGE_DEFAULTS, iso=400, seed=3))
    assert np.array_equal(p.pixels, q.pixels) and p.log[-1].params == q.log[-1].params
    params = p.log[-1].params
    assert params["options_version"] == FinishOptions().version == 1 and "version" not in params
    assert params["fit"] == "contain" and params["iso"] == 400 and params["seed"] == 3
    assert params["tile"] == 256 and params["overlap"] == 16
    assert not set(FILE_ONLY) & set(params)  # the stage writes no file: no file settings in its log
    assert "pad_color" not in params  # only meaningful when the fit pads
    assert finish_stage(Portrait(src), size="240x200", fit="pad", noise=False).log[-1].params["pad_color"] == \
        (1.0, 1.0, 1.0)


@pytest.mark.parametrize("kw,message", [
    ({"sharpn": "print"}, "unknown setting 'sharpn'"),
    ({"backend": "magic"}, "unknown backend 'magic'"),
    ({"sharpen": "tv"}, "unknown sharpening 'tv'"),
    ({"fit": "stretch"}, "unknown fit 'stretch'"),
    ({"kernel": "box"}, "unknown resampling kernel 'box'"),
    ({"iso": 0}, "iso"),
    ({"iso": 200000}, "iso"),
    ({"bit_depth": 12}, "bit_depth"),
    ({"quality": 0}, "quality"),
    ({"pad_color": (1.0, 2.0, 0.0)}, "pad_color"),
    ({"detail_strength": -1}, "detail_strength"),
    ({"tile": 4}, "tile"),
    ({"seed": -1}, "seed"),
])
def test_bad_settings_are_one_clear_error_everywhere(src, tmp_path, kw, message):
    from candid.recipes import Step, check_step_params

    for call in (lambda: upscale(src, (64, 64), **kw),
                 lambda: finish_to_file(src, tmp_path / "o.png", (64, 64), **kw),
                 lambda: finish_stage(Portrait(src), size="64x64", **kw),
                 lambda: check_step_params(Step(stage="finish", params=kw))):
        with pytest.raises(CandidError, match=message) as exc:
            call()
        assert exc.value.message.startswith("finish: ") and "\n" not in exc.value.message
    assert not list(tmp_path.iterdir())


def test_options_are_frozen_and_versioned():
    o = FinishOptions(iso=400)
    with pytest.raises(Exception):
        o.iso = 800  # type: ignore[misc]
    assert FinishOptions.parse(o, seed=2, iso=None).iso == 400  # None keeps the value in the options
    with pytest.raises(CandidError):
        FinishOptions.parse(version=2)


def test_every_setting_reaches_every_front_door(src):
    """A FinishOptions field added in one place only fails here: sample, functions, stage log, CLI, batch, docs."""
    from candid.batch.manifest import _stage_params
    from candid.cli import app
    from candid.cli.finish import CLI_OPTIONS

    assert set(SAMPLE) == set(OPTION_NAMES), "a finish setting without a sample value here"
    o = FinishOptions(**SAMPLE)
    assert o.settings() == SAMPLE
    # the functions: every setting is a keyword of upscale and finish_to_file (through **settings),
    # and none is also a named parameter of theirs (the keyword lists live in the model only)
    for func in (upscale, upscale_report, finish_to_file, finish_stage):
        named = set(inspect.signature(func).parameters)
        assert not named & set(OPTION_NAMES), f"{func.__name__} lists a setting again"
        assert "options" in named and "settings" in named
    # the stage log: every image setting, with the value given
    log = finish_stage(Portrait(src), size="200x200", options=o.model_copy(update={"bit_depth": 8})).log[-1].params
    for name in OPTION_NAMES:
        if name in FILE_ONLY:
            continue
        want = "classical" if name == "backend" else SAMPLE[name]
        assert log[name] == want, name
    # the CLI: its flags are FinishOptions fields with the same help words
    cmd = typer.main.get_command(app).commands["finish"]
    flags = {p.name: p for p in cmd.params if getattr(p, "param_type_name", "") == "option"}
    assert set(CLI_OPTIONS) <= set(OPTION_NAMES)
    assert set(flags) - set(CLI_OPTIONS) == {"size", "reference", "out_path"}, "a finish flag outside FinishOptions"
    for name in CLI_OPTIONS:
        assert flags[name].help == option_help(name), name
    # batch: a manifest may override every setting of the stage
    names, hints = _stage_params("finish")
    assert names is not None and set(OPTION_NAMES) <= names
    # the docs: every setting in the table of docs/FINISH.md
    doc = (Path(__file__).resolve().parents[1] / "docs" / "FINISH.md").read_text()
    table = doc[doc.index("## Settings"):]
    assert not [n for n in OPTION_NAMES if f"`{n}`" not in table], "a setting missing from docs/FINISH.md"


def test_batch_checks_finish_values_before_any_work():
    from candid.batch.manifest import _semantic_problem

    assert _semantic_problem("finish", {"size": "4k", "backend": "classical"}) is None
    assert _semantic_problem("finish", {"size": "4k", "backend": "magic"}).startswith("unknown backend 'magic'")
    assert "iso" in _semantic_problem("finish", {"size": "4k", "iso": -3})
    assert "unknown size" in _semantic_problem("finish", {"size": "1k"})


def test_one_float_image_rule_for_finish_and_the_watermark():
    from candid.pixels import check_float_image
    from candid.provenance.watermark import embed_watermark

    f64 = np.zeros((4, 5, 3))
    assert check_float_image(f64) is f64  # as it is: no copy, no cast
    for bad, why in ((np.zeros((4, 4)), "(H, W, 3)"), (np.zeros((4, 4, 3), np.uint8), "float image")):
        for call in (lambda: check_float_image(bad), lambda: upscale(bad, (8, 8)), lambda: embed_watermark(bad, 1)):
            with pytest.raises(ValueError, match=why.replace("(", r"\(").replace(")", r"\)")):
                call()
