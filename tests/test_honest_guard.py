"""The honest guard end to end: synthetic flattery of a real photo, found and undone."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from skimage import data

from candid.cli import main
from candid.face import analyze_face, face_geometry
from candid.honest import honest_guard
from candid.honest.stage import honest_stage
from candid.honest.synthetic import flatter
from candid.imageio import read_image, write_image
from candid.portrait import Portrait
from candid.recipes import STAGES, resolve_stage
from candid.subjects import Library, make_consent

NAME = "Test Person"


@pytest.fixture(scope="module")
def astronaut():
    return data.astronaut().astype(np.float32) / 255


def _grain(img: np.ndarray, seed: int) -> np.ndarray:
    """Fine, seeded sensor-like grain: the skin detail a smoothing filter takes away."""
    rng = np.random.default_rng(seed)
    return np.clip(img + rng.normal(0, 0.03, img.shape[:2])[..., None].astype(np.float32), 0, 1)


@pytest.fixture(scope="module")
def subject(tmp_path_factory, astronaut):
    """A library with the astronaut enrolled from 3 slightly different photos, each with fine grain."""
    root = tmp_path_factory.mktemp("honest")
    variants = [astronaut[10:500, 20:490], np.clip(astronaut * 0.97 + 0.01, 0, 1), astronaut[0:480, :]]
    paths = []
    for i, v in enumerate(variants):
        paths.append(write_image(root / f"ref{i}.png", _grain(np.ascontiguousarray(v), i)))
    lib = Library(root / "library")
    profile = lib.enroll(NAME, paths, consent=make_consent("self", None, None, None, NAME))
    return lib, profile, root


@pytest.fixture(scope="module")
def real(astronaut):
    """A real photo of the subject that is not one of the references (other grain)."""
    return _grain(astronaut, 7)


@pytest.fixture(scope="module")
def flattered(real):
    face = analyze_face(real, quality=False)
    return flatter(real, face.landmarks, eyes=1.0, nose_width=1.0, smooth=1.0, lighten_l=20.0)


@pytest.fixture(scope="module")
def result(subject, flattered):
    lib, profile, _ = subject
    return honest_guard(flattered, profile, library=lib)


def test_guard_finds_smoothing_and_lightening(result):
    before = result.before
    assert before["skin-smoothing"].verdict == "flattering"
    assert before["skin-lightness"].verdict == "flattering"
    assert before["skin-smoothing"].text.startswith("Your skin shows") and "waxy" in before["skin-smoothing"].text
    assert any("Skin lightening" in p for p in before.patterns)
    assert before["jaw-width"].verdict == "ok"  # not touched, not reported
    assert "z =" not in result.summary() and "skin.fine" not in result.summary()


def test_guard_undoes_it(result, subject, real):
    # Skin detail and tone come back toward the references; identity does not get worse.
    for feature in ("skin-smoothing", "skin-lightness"):
        assert abs(result.after[feature].z) < abs(result.before[feature].z), feature
    assert abs(result.after["skin-lightness"].z) < abs(result.before["skin-lightness"].z) / 2
    assert result.identity_after <= result.identity_before + 0.01
    # The background and the frame edge are not touched.
    face = analyze_face(real, embed=False, quality=False)
    flat = flatter(real, face.landmarks, eyes=1.0, nose_width=1.0, smooth=1.0, lighten_l=20.0)
    far = np.ones(real.shape[:2], bool)
    far[0:330, 120:360] = False
    assert np.array_equal(result.pixels[far], flat[far])
    text = result.summary()
    assert "Likeness to your photos" in text and "skin" in text


@pytest.mark.parametrize("feature", ["skin-smoothing", "skin-lightness"])
def test_keep_60_and_keep_0_differ_in_the_promised_direction(subject, flattered, feature):
    """"keep 60 %" leaves more of the change than "keep 0 %", and both less than the input."""
    from candid.face import skin_texture

    lib, profile, _ = subject
    undo = honest_guard(flattered, profile, library=lib, keep={feature: 0.0})
    kept = honest_guard(flattered, profile, library=lib, keep={feature: 0.6})
    assert not np.array_equal(undo.pixels, kept.pixels)
    lm = analyze_face(flattered, embed=False, quality=False).landmarks
    key = "skin.fine" if feature == "skin-smoothing" else "skin.L"
    value = {name: skin_texture(img, lm)[key] for name, img in
             (("input", flattered), ("keep60", kept.pixels), ("keep0", undo.pixels))}
    if feature == "skin-smoothing":  # more detail back with keep 0
        assert value["input"] < value["keep60"] < value["keep0"]
    else:  # darker (back to the real tone) with keep 0
        assert value["input"] > value["keep60"] > value["keep0"]
    assert kept.keep == {feature: 0.6} and "Kept on purpose" in kept.summary()


def test_make_with_subject_runs_the_guard_with_the_library_and_keep(subject, flattered, tmp_path):
    """The studio path (candid make --subject, web studio, re-make): keep 60 % vs keep 0 % differ as promised."""
    from candid.engines.studio.recipe import run_studio
    from candid.face import skin_texture

    lib, profile, _ = subject
    photo = write_image(tmp_path / "smoothed.png", flattered)
    runs = {k: run_studio(photo, style="linkedin", size="none", subject=profile, library=lib,
                          keep={"skin-smoothing": k}) for k in (0.0, 0.6)}
    ops = {k: next(o for o in r.result.log if o.stage == "honest") for k, r in runs.items()}
    assert all("texture" in op.params["params"] for op in ops.values())  # the library reached the guard
    assert not np.array_equal(runs[0.0].result.pixels, runs[0.6].result.pixels)
    fine = {}
    for k, r in runs.items():
        face = analyze_face(r.result.pixels, embed=False, quality=False)
        fine[k] = skin_texture(r.result.pixels, face.landmarks)["skin.fine"]
    assert fine[0.0] > fine[0.6]  # keep 0 %: more of the person's real skin detail back
    assert any("Kept on purpose: skin detail" in n for n in ops[0.6].notes)


def test_real_photo_is_left_bit_identical(subject, real):
    lib, profile, _ = subject
    res = honest_guard(real, profile, library=lib)
    assert res.before.changed == []
    assert res.actions == []
    assert np.array_equal(res.pixels, real)  # no catchlight or any other change by default
    assert "Nothing was changed." in res.summary()
    assert res.identity_before < 0.2


def test_quirk_warnings_are_listed_once(subject, real):
    from dataclasses import replace

    from candid.subjects.quirks import Quirk

    lib, profile, _ = subject
    q = Quirk("mark", "dark mark (mole or spot) on the left cheek", 1.0, (170.0, 150.0))
    res = honest_guard(real, replace(profile, quirks=[q, q, q]), library=lib)
    assert sum("left cheek" in w for w in res.warnings) == 1
    assert res.summary().count("left cheek") == 1


def test_stage_logs_an_honest_operation(subject, flattered):
    lib, profile, _ = subject
    assert STAGES["honest"] == "candid.honest.stage:honest_stage"
    assert resolve_stage("honest") is honest_stage
    portrait = Portrait(flattered, subject=profile)
    out = honest_stage(portrait, library=lib, keep={"skin-smoothing": 0.3})
    op = out.log[-1]
    assert op.stage == "honest" and op.ai == "none"
    assert op.params["keep"] == {"skin-smoothing": 0.3} and op.params["subject"] == "enrolled subject"
    # The log is published in the output's XMP/C2PA: no name, no library id.
    assert NAME not in repr(op) and profile.id not in repr(op)
    assert op.params["identity_after"] <= op.params["identity_before"] + 0.01
    assert any("Likeness to your photos" in n for n in op.notes)
    json.dumps(op.to_dict())  # provenance-ready
    assert portrait.log == () and out.pixels is not portrait.pixels


def test_stage_without_subject_does_the_subject_free_part(flattered):
    out = honest_stage(Portrait(flattered))
    op = out.log[-1]
    assert op.params["subject"] is None
    assert "No subject given" in op.notes[0]


def test_cli_writes_image_and_report(subject, flattered, tmp_path):
    lib, _, _ = subject
    src = write_image(tmp_path / "ai.png", flattered)
    report = tmp_path / "report.json"
    code = main(["honest", str(src), "--subject", NAME, "--library", str(lib.root), "--keep", "skin-smoothing=0.3",
                 "--report", str(report)])
    assert code == 0
    out = read_image(tmp_path / "ai-honest.png").pixels
    assert out.shape == flattered.shape
    data_ = json.loads(report.read_text())
    assert data_["keep"] == {"skin-smoothing": 0.3}
    assert data_["identity_after"] <= data_["identity_before"] + 0.01
    assert data_["before"]["findings"][0]["z"] is not None  # z-scores stay in the JSON


@pytest.mark.parametrize("case, code", [("unknown", 5), ("noface", 4), ("badfile", 3), ("badkeep", 2)])
def test_cli_errors_are_clean(subject, flattered, tmp_path, case, code):
    lib, _, _ = subject
    img = tmp_path / "in.png"
    if case == "noface":
        write_image(img, np.full((200, 200, 3), 0.5, np.float32))
    elif case == "badfile":
        img.write_bytes(b"this is not an image")
    else:
        write_image(img, flattered)
    name = "Nobody" if case == "unknown" else NAME
    extra = ["--keep", "cheekbones=0.5"] if case == "badkeep" else []
    before = set(tmp_path.iterdir())
    assert main(["honest", str(img), "--subject", name, "--library", str(lib.root), "--out",
                 str(tmp_path / "out.png"), "--report", str(tmp_path / "r.json"), *extra]) == code
    assert set(tmp_path.iterdir()) == before  # nothing half-written
