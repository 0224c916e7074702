"""Studio framing near the photo's edge (issue 18): the head sits where the style puts it."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

from candid.engines.studio import STYLES, frame
from candid.face.geometry import eye_centers


@pytest.fixture(scope="module")
def astro():
    return data.astronaut().astype(np.float32) / 255


@pytest.fixture(scope="module")
def face(astro):
    from candid.face import analyze_face

    return analyze_face(astro, embed=False)


@pytest.fixture(scope="module")
def near_left(astro, face):
    """The astronaut cut one eye distance left of her face: the head is whole, her shoulder runs off the side."""
    from candid.face.person import person_probability

    lm = np.asarray(face.landmarks, np.float64)
    x0 = int(lm[:, 0].min() - 1.0 * face.iod)
    img = np.ascontiguousarray(astro[:, x0:])
    return img, lm - [x0, 0], person_probability(img, full_resolution=False)


def _eyes_at(f, lm):
    right, left = eye_centers(f.map_points(lm))
    return (right + left) / 2 / np.asarray(f.size, np.float64)


def test_face_near_the_edge_is_centred_on_an_extended_canvas(near_left):
    img, lm, person = near_left
    f = frame(img, lm, None, "linkedin", person=person)
    x, y = _eyes_at(f, lm)
    # before: the frame stayed inside the photo and slid the face to x = 0.29 (2008_002506: 0.64)
    assert abs(x - 0.5) <= 0.05 and abs(y - STYLES["linkedin"].eye_line) <= 0.03, (x, y)
    assert "left" in f.extended and f.edge_cut  # her shoulder ends where the photo ends
    assert f.closer <= 1.5
    valid = f.valid_mask(img.shape)
    assert not valid[:, 0].any() and valid[:, -1].all()


def test_without_extension_the_face_moves_instead(near_left):
    img, lm, person = near_left
    f = frame(img, lm, None, "linkedin", person=person, extend=False)
    assert not f.extended
    assert f.valid_mask(img.shape).all()


def test_a_head_at_the_border_is_not_cut_flat_by_an_extension(astro, face):
    """Where the person touches the border beside the head, extending there would show the head cut straight."""
    lm = np.asarray(face.landmarks, np.float64)
    x0 = int(lm[:, 0].min() - 0.6 * face.iod)  # her hair reaches the photo's left edge
    img = np.ascontiguousarray(astro[:, x0:])
    person = np.zeros(img.shape[:2], np.float32)
    person[40:, :int(lm[:, 0].max() - x0 + 40)] = 1.0  # head and body down from the crown, touching the left side
    f = frame(img, lm - [x0, 0], None, "linkedin", person=person)
    assert "left" not in f.extended


def test_the_stage_says_the_canvas_was_extended(near_left):
    from candid.engines.studio.stage import studio_stage
    from candid.portrait import Portrait

    img, _, _ = near_left
    p = studio_stage(Portrait(img), style="linkedin", light="none")
    said = " ".join(p.log[-1].notes)
    assert "canvas extended at the left" in said and "photo's edge" in said, said
    assert any(c["change"] == "canvas_extended" for c in p.log[-1].params["changes"])
    right, left = eye_centers(np.asarray(p.face.landmarks, np.float64))
    assert abs((right + left)[0] / 2 / p.width - 0.5) <= 0.05  # the output itself: her face in the middle
