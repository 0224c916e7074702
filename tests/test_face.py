import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cv2
from candid.errors import FaceError
from candid.face import (
    SAME_PERSON_THRESHOLD,
    analyze_face,
    assess_quality,
    detect_faces,
    face_geometry,
    face_regions,
    identity_distance,
    normalize_landmarks,
    skin_texture,
)
from candid.face.geometry import MIRROR, eye_centers
from conftest import other_person, variants


@pytest.fixture(scope="module")
def face(astronaut):
    return analyze_face(astronaut)


def test_detects_one_face_with_landmarks_in_box(face):
    assert face.n_faces == 1
    b = face.box
    inside = ((face.landmarks[:, 0] > b.x0 - 10) & (face.landmarks[:, 0] < b.x1 + 10)).mean()
    assert inside > 0.95
    right, left = eye_centers(face.landmarks)
    assert right[0] < left[0]  # subject's right eye is on the image left
    assert 35 < face.iod < 55


def test_same_person_across_variants_is_under_threshold(astronaut, face):
    distances = [identity_distance(face.embedding, analyze_face(v).embedding) for v in variants(astronaut).values()]
    assert max(distances) < 0.45, distances  # well under the 0.6 threshold


def test_different_person_is_over_threshold(face):
    others = [analyze_face(other_person(i), quality=False) for i in (10, 3, 6)]
    distances = [identity_distance(face.embedding, o.embedding) for o in others]
    assert min(distances) > SAME_PERSON_THRESHOLD, distances


def test_no_face_and_several_faces(astronaut):
    from skimage import data

    with pytest.raises(FaceError, match="no face found"):
        analyze_face(data.coffee().astype(np.float32) / 255)
    pair = np.concatenate([astronaut, astronaut[:, ::-1]], axis=1)
    with pytest.raises(FaceError, match="(?s)2 faces found.*--face"):
        analyze_face(pair)
    second = analyze_face(pair, face_index=1)
    assert second.index == 1 and second.n_faces == 2
    with pytest.raises(FaceError, match="only 2 found"):
        analyze_face(pair, face_index=5)


def test_big_image_detection_scales_boxes(astronaut, face):
    big = cv2.resize(astronaut, None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC)
    faces = detect_faces(big)
    assert len(faces) == 1
    assert abs(faces[0].x0 / 4 - face.box.x0) < 8 and abs(faces[0].width / 4 - face.box.width) < 12


def test_regions_are_where_they_should_be(astronaut, face):
    r = face_regions(astronaut, face.landmarks)
    m = r.masks
    assert m["skin"].sum() > 2000
    assert not (m["skin"] & m["eyes"]).any() and not (m["skin"] & m["lips"]).any()
    assert (m["irises"] & ~m["eyes"]).sum() == 0 and m["irises"].sum() > 10
    assert m["lips"].sum() > 100
    # The lips are red, the skin is not.
    crop = r.crop(astronaut)
    assert crop[m["lips"]][:, 0].mean() - crop[m["lips"]][:, 1].mean() > \
        crop[m["skin"]][:, 0].mean() - crop[m["skin"]][:, 1].mean()
    # Irises are darker than the eye whites around them.
    eye_white = m["eyes"] & ~m["irises"]
    assert crop[m["irises"]].mean() < crop[eye_white].mean()


def test_quality_gate(astronaut, face):
    assert face.quality.ok, face.quality.problems
    blurred = cv2.GaussianBlur(astronaut, (0, 0), 2.5)
    report = analyze_face(blurred).quality
    assert not report.ok and "blurred" in report.problems[0]
    dark = analyze_face(astronaut * 0.1).quality
    assert any("underexposed" in p for p in dark.problems)
    bright = np.clip(astronaut * 1.6, 0, 1)
    assert any("overexposed" in p for p in assess_quality(bright, face.landmarks).problems)
    small = assess_quality(astronaut, face.landmarks, min_face_px=200)
    assert any("too small" in p for p in small.problems)


def test_occlusion_is_reported(astronaut, face):
    covered = astronaut.copy()
    lm = face.landmarks
    x0, x1 = int(lm[:, 0].min()), int(lm[:, 0].max())
    y0, y1 = int(lm[29, 1]), int(lm[8, 1]) + 5
    covered[y0:y1, x0:x1] = (0.2, 0.3, 0.8)  # a blue mask over the lower face
    report = assess_quality(covered, lm)
    assert report.metrics["skin_coverage"] < face.quality.metrics["skin_coverage"] - 0.2
    assert report.problems or report.warnings


def test_waxy_skin_has_less_fine_texture(astronaut, face):
    # A "beauty" surface blur: two edge-preserving passes.
    smooth = cv2.bilateralFilter(cv2.bilateralFilter(astronaut, 9, 0.3, 7), 9, 0.3, 7)
    before = skin_texture(astronaut, face.landmarks)
    after = skin_texture(smooth, face.landmarks)
    assert after["skin.fine"] < 0.7 * before["skin.fine"]


@settings(max_examples=30, deadline=None)
@given(scale=st.floats(0.2, 5), angle=st.floats(-0.5, 0.5), dx=st.floats(-100, 100), dy=st.floats(-100, 100))
def test_geometry_is_invariant_to_similarity(face, scale, angle, dx, dy):
    c, s = np.cos(angle), np.sin(angle)
    moved = face.landmarks.astype(np.float64) @ (scale * np.array([[c, -s], [s, c]])).T + [dx, dy]
    a, b = face_geometry(face.landmarks), face_geometry(moved)
    for key in a:
        assert a[key] == pytest.approx(b[key], rel=1e-4, abs=1e-6)
    n = normalize_landmarks(moved)
    right, left = eye_centers(n)
    assert np.allclose(left - right, [1, 0], atol=1e-9)


def test_mirror_symmetric_face_has_zero_asymmetry(face):
    n = normalize_landmarks(face.landmarks)
    sym = n.copy()
    mirrored = n[MIRROR] * [-1, 1]
    sym = (n + mirrored) / 2
    assert face_geometry(sym)["asymmetry"] < 1e-9
    assert face_geometry(face.landmarks)["asymmetry"] > 0.005
