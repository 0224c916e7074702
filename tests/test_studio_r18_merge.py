"""Round 18, on the merged tree: thin pockets of the old backdrop are opened (``matte(thin_pockets=True)``, with
r18-pockets' crease guard) on every backdrop but ``blur``. There the new backdrop is the photo's own scene: the
filled pocket already has its colour, and opening it showed rihanna's environmental frame a lighter finger with a
pale outline among the strands."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

from candid.engines.studio import stage as stage_mod
from candid.portrait import Portrait


class _Seen(Exception):
    pass


@pytest.fixture(scope="module")
def portrait():
    from candid.face import analyze_face

    astro = data.astronaut().astype(np.float32) / 255
    return Portrait(astro, face=analyze_face(astro), source="astronaut.png")


def _matte_flags(portrait, monkeypatch, background):
    """The keywords the stage asks ``matte`` with (stopped there: the flag is all these tests need)."""
    seen = {}

    def spy(*args, **kwargs):
        seen.update(kwargs)
        raise _Seen

    monkeypatch.setattr(stage_mod, "matte", spy)
    with pytest.raises(_Seen):
        stage_mod.studio_stage(portrait, style="linkedin", background=background, light="none")
    return seen


@pytest.mark.parametrize("background, opened", [("grey", True), ("white", True), ("mottled", True), ("blur", False)])
def test_thin_pockets_are_opened_except_over_the_photos_own_scene(portrait, monkeypatch, background, opened):
    assert _matte_flags(portrait, monkeypatch, background)["rules"].thin_pockets is opened


def test_thin_pockets_switch_off_everywhere(portrait, monkeypatch):
    monkeypatch.setattr(stage_mod, "THIN_POCKETS", False)
    assert _matte_flags(portrait, monkeypatch, "grey")["rules"].thin_pockets is False
