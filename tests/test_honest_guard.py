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


@pytest.fixture(scope="module")
def subject(tmp_path_factory, astronaut):
    """A library with the astronaut enrolled from 3 slightly different photos."""
    root = tmp_path_factory.mktemp("honest")
    variants = [astronaut[10:500, 20:490], np.clip(astronaut * 0.93 + 0.02, 0, 1),
                cv2.GaussianBlur(astronaut, (0, 0), 0.6)[0:480, :]]
    paths = []
    for i, v in enumerate(variants):
        paths.append(write_image(root / f"ref{i}.png", np.ascontiguousarray(v)))
    lib = Library(root / "library")
    profile = lib.enroll(NAME, paths, consent=make_consent("self", None, None, None, NAME))
    return lib, profile, root


@pytest.fixture(scope="module")
def flattered(astronaut):
    face = analyze_face(astronaut, quality=False)
    return flatter(astronaut, face.landmarks, eyes=1.15, nose_width=0.85, smooth=1.0)


@pytest.fixture(scope="module")
def result(subject, flattered):
    lib, profile, _ = subject
    return honest_guard(flattered, profile, library=lib)


def test_guard_finds_each_synthetic_flattery(result):
    before = result.before
    assert before["eye-size"].verdict == "flattering" and before["eye-size"].percent > 15
    assert before["nose-width"].verdict == "flattering" and before["nose-width"].percent < -5
    assert before["skin-smoothing"].verdict == "flattering"
    assert "waxy" in before["skin-smoothing"].text
    assert any("Western" in p for p in before.patterns)
    assert before["jaw-width"].verdict == "ok"  # not touched, not reported


def test_guard_undoes_it(result, subject, astronaut):
    _, profile, _ = subject
    # Geometry error toward the references drops; identity distance drops.
    assert result.after.error < 0.6 * result.before.error
    assert result.identity_after < result.identity_before - 0.05
    for feature in ("eye-size", "nose-width", "skin-smoothing"):
        assert abs(result.after[feature].z) < abs(result.before[feature].z), feature
        assert not result.after[feature].changed, feature
    ref = profile.geometry
    g = face_geometry(result.landmarks_after)
    assert abs(g["eye_area"] / ref["eye_area"].mean - 1) < 0.12
    assert abs(g["nose_width"] / ref["nose_width"].mean - 1) < 0.05
    # The background and the frame edge are not touched.
    far = np.ones(astronaut.shape[:2], bool)
    far[0:330, 120:360] = False
    assert np.array_equal(result.pixels[far], flatter_background(astronaut)[far])
    text = result.summary()
    assert "Identity distance" in text and "Eye size" in text


def flatter_background(astronaut):
    face = analyze_face(astronaut, embed=False, quality=False)
    return flatter(astronaut, face.landmarks, eyes=1.15, nose_width=0.85, smooth=1.0)


def test_keep_is_respected_and_recorded(subject, flattered):
    lib, profile, _ = subject
    kept = honest_guard(flattered, profile, library=lib, keep=["skin-smoothing=1", "eye-size=0.5"])
    assert kept.keep == {"skin-smoothing": 1.0, "eye-size": 0.5}
    assert "texture" not in kept.params
    assert kept.params["geometry"]["eye-size"] == pytest.approx(0.5)
    assert kept.after["skin-smoothing"].changed  # still waxy, on purpose
    assert 0 < kept.after["eye-size"].z < kept.before["eye-size"].z
    assert "Kept on purpose" in kept.summary()


def test_real_photo_is_left_alone(subject, astronaut):
    lib, profile, _ = subject
    res = honest_guard(astronaut, profile, library=lib)
    assert res.before.changed == []
    assert not any("warped" in a or "skin" in a for a in res.actions)
    assert res.identity_before < 0.2


def test_skin_lightening_is_reported_and_restored(subject, astronaut):
    lib, profile, _ = subject
    face = analyze_face(astronaut, quality=False)
    light = flatter(astronaut, face.landmarks, eyes=1.0, nose_width=1.0, smooth=0.0, lighten=0.1)
    res = honest_guard(light, profile, library=lib)
    assert res.before["skin-lightness"].verdict == "flattering"
    assert any("Skin lightening" in p for p in res.before.patterns)
    assert abs(res.after["skin-lightness"].z) < abs(res.before["skin-lightness"].z) / 2


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
    assert op.params["identity_after"] < op.params["identity_before"]
    assert any("Identity distance" in n for n in op.notes)
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
    assert data_["identity_after"] < data_["identity_before"]


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
