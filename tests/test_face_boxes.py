"""The analysis keeps every face it found, and the studio's people split reads them instead of detecting again."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from candid.engines.studio import people
from candid.face import FaceBox, analyze_face
from candid.face.examples import astronaut
from candid.face.stage import analyze_stage
from candid.portrait import Portrait


@pytest.fixture(scope="module")
def two():
    """Two astronauts side by side (the larger-first order is MediaPipe's) and the analysis of the first."""
    px = np.concatenate([astronaut(), astronaut()[::2, ::2].repeat(2, 0).repeat(2, 1)], axis=1)
    return px, analyze_face(px, face_index=0, embed=False, quality=False)


def test_analysis_keeps_every_face_found(two):
    _, face = two
    assert face.n_faces == 2 and len(face.faces) == 2 and face.known_faces == face.faces
    assert face.faces[face.index] == face.box
    (other,) = face.other_faces
    assert other != face.box and abs((other.x0 + other.x1) / 2 - (face.box.x0 + face.box.x1) / 2) > 300


def test_moved_analysis_knows_no_faces(two):
    _, face = two
    moved = replace(face, box=FaceBox(face.box.x0 / 2, face.box.y0 / 2, face.box.x1 / 2, face.box.y1 / 2, 0.9))
    assert moved.known_faces == () and moved.other_faces == ()  # framed or scaled: boxes of other pixels
    assert replace(face, faces=()).other_faces == ()  # an analysis made before the field: nothing known


def test_boxes_are_not_published(two):
    px, face = two
    assert "faces" not in face.summary() and face.summary()["n_faces"] == 2
    op = analyze_stage(Portrait(px), face=0).log[-1]
    assert op.params == {"face": 0}
    assert not any(f"{face.other_faces[0].x0:.0f}" in note for note in op.notes)


def test_find_faces_uses_the_analysis_instead_of_detecting_again(two, monkeypatch):
    px, face = two
    fresh = people.find_faces(px)

    def no_detection(*args, **kwargs):
        raise AssertionError("MediaPipe ran again")

    monkeypatch.setattr("candid.face.detect_faces", no_detection)
    assert people.find_faces(px, known=face) == fresh  # the same boxes, HOG still merged in
    assert people.find_faces(px, known=face.faces) == fresh
    with pytest.raises(AssertionError, match="ran again"):  # a moved analysis knows nothing: detect
        people.find_faces(px, known=replace(face, box=FaceBox(0, 0, 9, 9, 1.0)))
    assert people.other_faces(fresh, face.landmarks) == [people._as_box(face.other_faces[0])]
