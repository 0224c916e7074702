"""StudioOptions: the one list of studio options, checked with the words every stage's options use."""

from __future__ import annotations

import pytest

from candid.engines.studio.options import STAGE, StudioOptions
from candid.errors import CandidError
from candid.finish.options import FinishOptions
from candid.looks.options import GlitchOptions, LookOptions


def _message(parse, **settings) -> str:
    with pytest.raises(CandidError) as info:
        parse(**settings)
    return info.value.message


@pytest.mark.parametrize("parse,stage", [(StudioOptions.parse, "engine.studio"), (FinishOptions.parse, "finish"),
                                         (LookOptions.parse, "looks.film"), (GlitchOptions.parse, "looks.glitch")])
def test_unknown_setting_reads_as_in_every_stage(parse, stage):
    assert _message(parse, bogus=1) == f"{stage}: unknown setting 'bogus'"


def test_bad_value_names_the_stage_and_the_field():
    assert _message(StudioOptions.parse, strength=7) == f"{STAGE}: strength: Input should be less than or equal to 1"
    assert _message(StudioOptions.parse, face=0).startswith(f"{STAGE}: face: ")
    with pytest.raises(CandidError) as info:
        StudioOptions.parse(seed=-1)
    assert info.value.hint == "see `candid make --help`"


def test_names_only_the_stages_know_are_still_checked():
    assert "unknown light 'disco'" in _message(StudioOptions.parse, light="disco")
    assert StudioOptions.parse(style="passport", aspect=None, seed=2).seed == 2  # None is the default


def test_batch_row_names_the_stage_once():
    from candid.batch.manifest import _semantic_problem

    assert _semantic_problem("engine.studio", {"strength": 7}) == "strength: Input should be less than or equal to 1"
    assert _semantic_problem("engine.studio", {"light": "disco"}).startswith("unknown light 'disco'")


def test_help_words_are_the_models_descriptions():
    from candid.engines.studio.options import OPTION_NAMES
    from candid.studio_help import OPTION_HELP, option_help

    assert tuple(OPTION_HELP) == OPTION_NAMES  # one help text per option, in the model's order
    for name in OPTION_NAMES:
        assert StudioOptions.model_fields[name].description == option_help(name) == OPTION_HELP[name]
