"""One place per concept (issue 25): luma, the image check, atomic writes, errors that carry their file."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from candid.colour import linear_to_srgb, luma, srgb_to_linear
from candid.errors import CandidError, FaceError
from candid.files import atomic_path
from candid.pixels import check_image


def test_luma_is_jpegs_y():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    y = cv2.cvtColor(img[..., ::-1], cv2.COLOR_BGR2YCrCb)[..., 0].astype(np.float32)  # what JPEG quantises
    assert np.abs(luma(img.astype(np.float32) / 255) * 255 - y).max() <= 0.51


@settings(max_examples=30, deadline=None)
@given(arrays(np.float32, (4, 5, 3), elements=st.floats(0, 1, width=32)))
def test_luma_is_a_weighted_mean(img):
    y = luma(img)
    assert y.shape == (4, 5) and y.dtype == np.float32
    assert (y >= img.min(axis=2) - 1e-6).all() and (y <= img.max(axis=2) + 1e-6).all()


def test_exact_and_table_encodings_agree():
    x = np.linspace(0, 1, 4097, dtype=np.float32)
    assert np.abs(srgb_to_linear(x) - srgb_to_linear(x, exact=True)).max() < 1e-4
    assert np.abs(linear_to_srgb(x) - linear_to_srgb(x, exact=True)).max() < 2e-4
    assert (np.diff(linear_to_srgb(srgb_to_linear(x, exact=True), exact=True)) >= 0).all()


@settings(max_examples=30, deadline=None)
@given(arrays(st.sampled_from([np.uint8, np.uint16]), (3, 4, 3)))
def test_check_image_scales_integers_to_unit_range(img):
    out = check_image(img)
    assert out.dtype == np.float32 and out.min() >= 0 and out.max() <= 1
    assert np.allclose(out * np.iinfo(img.dtype).max, img, atol=0.5)


def test_check_image_rules():
    ok = np.zeros((8, 8, 3), np.float32)
    assert check_image(ok) is ok  # no copy
    for bad in (np.zeros((8, 8)), np.zeros((8, 8, 4)), np.full((8, 8, 3), np.nan, np.float32),
                np.zeros((8, 8, 3), bool)):
        with pytest.raises(ValueError):
            check_image(bad)
    with pytest.raises(ValueError, match="too small"):
        check_image(np.zeros((4, 9, 3), np.float32), min_side=8)


def test_atomic_path_leaves_the_old_file_on_error(tmp_path):
    out = tmp_path / "a.txt"
    out.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(out, suffix=".part.txt") as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert out.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    with atomic_path(out) as tmp:
        tmp.write_text("new")
    assert out.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_errors_keep_their_file_apart():
    e = FaceError("no face found", hint="use another photo", source="photo.jpg")
    assert (e.message, e.reason, e.source) == ("photo.jpg: no face found", "no face found", "photo.jpg")
    assert str(e).startswith("photo.jpg: no face found") and isinstance(e, CandidError)
    plain = CandidError("bad")
    assert plain.reason == plain.message == "bad" and plain.source is None


def test_unreadable_file_names_it_as_source(tmp_path):
    from candid.imageio import read_image

    bad = tmp_path / "x.jpg"
    bad.write_bytes(b"not an image at all")
    with pytest.raises(CandidError) as info:
        read_image(bad)
    assert info.value.source == str(bad) and str(bad) not in info.value.reason


def test_inspect_stage_logs_scores_as_numbers():
    from skimage import data

    from candid.inspector.stage import inspect_stage
    from candid.portrait import Portrait

    op = inspect_stage(Portrait(data.astronaut().astype(np.float32) / 255)).log[-1]
    assert op.notes[0].startswith(f"overall {op.params['overall']:.2f}")
    for name, score in op.params["tells"].items():
        assert score is None or any(n.startswith(f"{name}: {score:.2f}") for n in op.notes), name
