"""The iris measure of eye size (issue 19 round 2): planted known answers, no dev data needed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candid.face.geometry import IRIS_MAX_YAW, IRIS_NEAR_EYE_YAW, iris_size
from candid.honest.audit import audit_values


def _eyes(radius: float, iod: float = 100.0, size: tuple[int, int] = (90, 220)) -> tuple[np.ndarray, tuple]:
    """Two dark irises of ``radius`` px on white sclera, ``iod`` px apart, with their mesh-like circles."""
    h, w = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.full((h, w, 3), 0.85, np.float32)
    cx0 = w / 2 - iod / 2
    centres = np.array([[cx0, h / 2], [cx0 + iod, h / 2]])
    for c in centres:
        img[np.hypot(xx - c[0], yy - c[1]) < radius] = 0.25
    return img, (centres, np.array([radius, radius]) * 0.97)


@settings(max_examples=20, deadline=None)
@given(st.floats(7.0, 13.0))
def test_iris_size_reads_the_planted_radius(radius):
    img, iris = _eyes(radius)
    value, spread = iris_size(img, iris)
    assert abs(value - radius / 100.0) < 0.006
    assert spread < 0.05


def test_iris_size_sees_an_enlargement_the_mesh_circle_does_not():
    img, iris = _eyes(9.0)
    big, _ = _eyes(9.0 * 1.15)
    v0, _ = iris_size(img, iris)
    v1, _ = iris_size(big, iris)  # the same (under-following) mesh circles
    assert 0.10 < np.log(v1 / v0) < 0.19  # log(1.15) = 0.14, pixel edges of a hard disc


def test_iris_size_corrects_yaw_and_refuses_turned_heads():
    img, iris = _eyes(10.0)
    v0, _ = iris_size(img, iris)
    v20, _ = iris_size(img, iris, yaw=20.0)
    assert v20 == pytest.approx(v0 * np.cos(np.radians(20.0)))
    assert np.isnan(iris_size(img, iris, yaw=IRIS_MAX_YAW + 5)[0])


def _turned_eyes(r_left: float, r_right: float, iod: float = 100.0) -> tuple[np.ndarray, tuple]:
    """Two irises of different planted radii (image-left, image-right), mesh circles of their mean."""
    img, iris = _eyes(r_left, iod)
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    c = iris[0][1]
    img[np.hypot(xx - c[0], yy - c[1]) < max(r_left, r_right) + 1] = 0.85
    img[np.hypot(xx - c[0], yy - c[1]) < r_right] = 0.25
    return img, (iris[0], np.full(2, 0.97 * (r_left + r_right) / 2))


@pytest.mark.parametrize("yaw", [25.0, 35.0, -25.0, -35.0])
def test_iris_size_on_a_turned_head_reads_the_nearer_eye_only(yaw):
    # The far eye's limbus is misread (planted 30 % smaller); a positive yaw turns the face to
    # the image right, so that eye is the nearer one. Swapping the sides, or mixing the far
    # eye in (the frontal median of four), reads a different number.
    near, far = 10.0, 7.0
    img, iris = _turned_eyes(far, near) if yaw > 0 else _turned_eyes(near, far)
    value, spread = iris_size(img, iris, yaw=yaw)
    assert value == pytest.approx(near / 100.0 * np.cos(np.radians(yaw)), rel=0.04)
    assert spread < 0.05
    # Frontal (below the nearer-eye yaw), the same pixels mix both eyes: not the near radius.
    frontal, _ = iris_size(img, iris, yaw=IRIS_NEAR_EYE_YAW - 5)
    assert abs(frontal / np.cos(np.radians(IRIS_NEAR_EYE_YAW - 5)) - near / 100.0) > 0.006


def test_iris_size_nearer_eye_refuses_beyond_the_largest_yaw():
    img, iris = _turned_eyes(7.0, 10.0)
    assert np.isfinite(iris_size(img, iris, yaw=IRIS_MAX_YAW - 1)[0])
    assert np.isnan(iris_size(img, iris, yaw=IRIS_MAX_YAW + 1)[0])
    assert np.isnan(iris_size(img, iris, yaw=-(IRIS_MAX_YAW + 1))[0])


def test_iris_size_does_not_modify_input_and_validates():
    img, iris = _eyes(10.0)
    before = img.copy()
    iris_size(img, iris)
    assert np.array_equal(img, before)
    with pytest.raises(ValueError):
        iris_size(img, (np.zeros((3, 2)), np.ones(3)))


def test_audit_uses_the_iris_for_eye_size_one_sided():
    refs = {"eye_width": (0.36, 0.01, 5), "iris_size": (0.100, 0.0, 5)}
    # The 68 points read the enlarged eye as only +4 %: the iris (+15 %) decides.
    big = audit_values({"eye_width": 0.375, "iris_size": 0.115}, refs)
    assert big["eye-size"].verdict == "flattering"
    assert big["eye-size"].text.startswith("Your eyes are 15 % larger")
    # A real photo (+3 %) and a smaller iris (never flattery) are not flagged.
    assert audit_values({"eye_width": 0.36, "iris_size": 0.103}, refs).changed == []
    assert audit_values({"eye_width": 0.36, "iris_size": 0.085}, refs).changed == []
    # Without a measurable iris the 68-point width is used as before.
    assert audit_values({"eye_width": 0.36, "iris_size": float("nan")}, refs)["eye-size"].value == 0.36


def test_iris_size_follows_enlarged_eyes_on_the_astronaut():
    from skimage import data

    from candid.face import analyze_face
    from candid.scorecard.flatter import enlarge_eyes

    img = data.astronaut().astype(np.float32) / 255
    face = analyze_face(img, embed=False, quality=False)
    big = enlarge_eyes(img, face.landmarks, 1.15)
    big_face = analyze_face(big, embed=False, quality=False)
    v0, _ = iris_size(img, face.iris, face.pose[0])
    v1, _ = iris_size(big, big_face.iris, big_face.pose[0])
    assert np.isfinite(v0) and np.isfinite(v1)
    assert np.log(v1 / v0) > 0.08


def test_iris_size_follows_a_tilted_eye_line():
    """Eyelids above and below each iris: rays along a 30-degree eye line must still find the limbus."""
    h, w = 200, 220
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.full((h, w, 3), 0.85, np.float32)
    a = np.radians(30.0)
    u, n = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    centres = np.array([[110, 100] - 50 * u, [110, 100] + 50 * u])
    for c in centres:
        img[np.hypot(xx - c[0], yy - c[1]) < 10] = 0.25
        for sign in (+1, -1):  # dark lids 0.8 radii above and below, across the eye line
            lid = c + sign * 8.0 * n
            along = (xx - lid[0]) * u[0] + (yy - lid[1]) * u[1]
            across = (xx - lid[0]) * n[0] + (yy - lid[1]) * n[1]
            img[(np.abs(along) < 25) & (sign * across > 0) & (sign * across < 6)] = 0.1
    value, _ = iris_size(img, (centres, np.array([9.7, 9.7])))
    assert abs(value - 0.10) < 0.006
