"""The studio's change records and their sentences (candid.engines.studio.changes)."""

import re
from pathlib import Path

import candid
from candid.engines.studio.changes import SENTENCES, describe


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
