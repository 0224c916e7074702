"""Studio relight at 1:1: highlights the key light creates, skin colour under it (issue 18 review)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candid.colour import linear_to_srgb, srgb_to_linear
from candid.engines.studio.relight import _shoulder, headroom_gain, relight
from candid.face.examples import astronaut, astronaut_landmarks


@pytest.fixture(scope="module")
def bright_face():
    """The astronaut lit 1.3x brighter (linear): a third of her face near the top, like hinton.jpeg's lit side."""
    img = np.clip(linear_to_srgb(srgb_to_linear(astronaut()) * 1.3), 0, 1).astype(np.float32)
    return img, astronaut_landmarks()


def _face_mask(shape, lm):
    m = np.zeros(shape[:2], np.uint8)
    cv2.fillConvexPoly(m, cv2.convexHull(lm[:27].astype(np.float32)).astype(np.int32), 1)
    return m.astype(bool)


@given(st.lists(st.floats(0, 4, allow_nan=False), min_size=2, max_size=40))
@settings(max_examples=60, deadline=None)
def test_shoulder_is_monotonic_and_bounded(xs):
    x = np.sort(np.asarray(xs, np.float32))
    y = _shoulder(x)
    assert np.all(np.diff(y) >= -1e-7)  # the old x / (1 + 2 (x - 0.9)) fell above 1.0: brighter came out darker
    assert float(y.max()) <= 1.0
    assert np.allclose(y[x <= 0.9], x[x <= 0.9])


def test_headroom_gain_limits_bright_places_only():
    img = np.full((40, 40, 3), 0.15, np.float32)
    img[:, 20:] = (0.97, 0.80, 0.70)  # bright skin on the right
    cap = headroom_gain(img, (40, 40), sigma=1.0)
    assert cap.min() >= 1.0
    assert cap[20, 35] < 1.01 and cap[20, 3] > 3


def test_key_light_keeps_a_bright_face_skin_coloured(bright_face):
    """A key on a face that is already bright must not turn its lit side pale green (red clipped, then inverted)."""
    img, lm = bright_face
    out = relight(img, lm, np.ones(img.shape[:2], np.float32), "loop", 0.6, catchlights="keep")
    face = _face_mask(img.shape, lm)
    warm_in = (img[..., 0] - img[..., 1])[face]
    warm_out = (out[..., 0] - out[..., 1])[face]
    lit = face & (img.max(2) > 0.8)
    assert lit.sum() > 500
    # skin stays red over green where it was (the old roll-off: 30 % of it)
    assert float(((out[..., 0] - out[..., 1])[lit] < 0).mean()) < 0.01
    assert float(np.median(warm_out)) > 0.85 * float(np.median(warm_in))  # old: 0.80
    # the light adds no clipped skin beyond what the photo had
    clipped_in, clipped_out = (img.max(2) > 0.98)[face].mean(), (out.max(2) > 0.98)[face].mean()
    assert clipped_out <= clipped_in + 0.02


def test_key_light_still_shapes_a_normal_face():
    """The headroom cap leaves a normally exposed face's light pattern in place."""
    img, lm = astronaut(), astronaut_landmarks()
    out = relight(img, lm, np.ones(img.shape[:2], np.float32), "split", 0.8, catchlights="keep")
    left, right = out[110:150, 190:210].mean(), out[110:150, 235:255].mean()
    assert left > right + 0.03
