"""The Examples in the foundation's docstrings run and are right."""

import doctest
import importlib

import pytest

MODULES = [
    "candid.imageio._sniff", "candid.imageio._encode", "candid.files", "candid.portrait", "candid.recipes",
    "candid.face.detect", "candid.face.geometry", "candid.face.masks", "candid.face.texture",
    "candid.face.quality", "candid.face.overlay", "candid.face.stage", "candid.face", "candid.face.mesh",
    "candid.provenance.source", "candid.provenance.label", "candid.imageio._decode", "candid.cli._common",
    "candid.subjects.quirks", "candid.subjects.library", "candid.subjects.migrate", "candid.colour", "candid.engines.studio.synthetic",
    "candid.engines.diffusion.options",
    "candid.face.person", "candid.engines.studio.matte", "candid.engines.studio.frame", "candid.engines.studio.changes",
    "candid.scorecard.metrics", "candid.scorecard.data", "candid.scorecard.sheets", "candid.scorecard.damage",
    "candid.scorecard.flatter", "candid.scorecard.honest", "candid.scorecard.inspection", "candid.scorecard.finish",
    "candid.finish", "candid.finish._waifu2x", "candid.finish._ops", "candid.finish._size", "candid.finish._pipeline",
    "candid.finish.stage",
    "candid.inspect.combine", "candid.inspect.tells.crispness", "candid.inspect.tells.edges",
    "candid.inspect.tells.eyes", "candid.inspect.tells.hands", "candid.face.hands", "candid.inspect.stage",
    "candid.honest.audit", "candid.honest.guard", "candid.honest.undo", "candid.honest.warp", "candid.honest.synthetic",
    "candid.honest.texture", "candid.honest.catchlights",
    "candid.looks.stream", "candid.looks.glitch", "candid.looks.stage",
]


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
