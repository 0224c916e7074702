"""Plain words at the front doors: no "(n/j)", no z-scores, no internal feature names in what people read.

The numbers stay in the JSON reports; these tests plant findings and look at
the HTML, the terminal table and the web page scripts.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest

from candid.cli.honest import finding_sentence
from candid.inspector.flattery import flattery_report
from candid.inspector.report import _unusual, render_html

WEB = Path(__file__).resolve().parents[1] / "src" / "candid" / "web"


@pytest.fixture(scope="module")
def planted_report(astronaut):
    """An inspection of a small astronaut with a planted flattery finding and a curve point too small to judge."""
    from candid.inspector import inspect_image

    img = astronaut[::2, ::2].copy()
    report = inspect_image(img, afar=True)
    flat = flattery_report({"eye_area": 0.133, "asymmetry": 0.02}, {"skin.L": 80.0},
                           {"eye_area": (0.100, 0.002, 3), "asymmetry": (0.10, 0.05, 3)}, {"skin.L": (62.0, 1.0, 3)})
    curve = [dict(p) for p in report.good_from_afar]
    assert curve, "the astronaut has a face: the curve must exist"
    curve[0]["confidences"] = {k: 0.0 for k in curve[0]["confidences"]}
    return dataclasses.replace(report, flattery=flat, good_from_afar=curve), img


def test_inspect_html_speaks_plainly(planted_report):
    report, img = planted_report
    page = render_html(report, img)
    assert "(n/j)" not in page
    assert "too small" in page  # the planted point, in words
    assert "<th>z</th>" not in page and "skin.L" not in page and "eye_area" not in page
    assert "Eyes 33 % larger than in your photos" in page  # the planted finding, as a sentence
    assert "far more than your photos ever vary" in page
    # the more-symmetric face is reported as what it is, never as a bare percentage labelled "ok"
    assert not re.search(r"-\d+ ?%[^<]*\bok\b", page)


def test_unusual_in_words():
    assert _unusual(0.0) == "within how your photos vary"
    assert _unusual(-3.0) == "more than your photos vary"
    assert _unusual(float("nan")) == "cannot tell"


def test_honest_table_rows_are_sentences():
    assert finding_sentence("Your eyes are 18 % larger than in your photos, within how your photos vary.") == \
        "Your eyes are 18 % larger than in your photos"
    assert finding_sentence("Your nose is 9 % narrower than in your photos.") == \
        "Your nose is 9 % narrower than in your photos"


def test_web_pages_show_verdicts_in_words_not_codes():
    compare = (WEB / "static" / "compare.js").read_text()
    # the flattery table shows the sentence and a worded verdict, not f.verdict or f.label codes
    assert "candid.esc(f.verdict)" not in compare and "VERDICT_WORDS" in compare
    for page in (WEB / "static").glob("*.js"):
        text = page.read_text()
        assert "(n/j)" not in text and "z-score" not in text.lower(), page.name
        assert not re.search(r"toFixed\(\d\)\}?\s*(?:σ|sigma)", text), page.name


def test_progress_words_hide_stage_names():
    from candid.cli._common import STAGE_WORDS, plain_words
    from candid.recipes import STAGES

    for stage in STAGES:
        if stage in STAGE_WORDS:
            assert stage not in plain_words(f"make: {stage}")


def test_inspect_report_writes_html_and_json_like_make(tmp_path, photo_dir):
    from candid.cli import main

    assert main(["inspect", str(photo_dir / "original.jpg"), "--report", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r.html").read_text().startswith("<!DOCTYPE html>")
    assert '"overall"' in (tmp_path / "r.json").read_text()
