"""Tests of the studio's shared filters."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from candid.engines.studio.filters import gauss, normalized_blur


def test_the_estimate_near_known_pixels_is_the_exact_weighted_blur():
    rng = np.random.default_rng(0)
    values = rng.random((120, 100, 3)).astype(np.float32)
    weight = np.zeros((120, 100), np.float32)
    weight[40:80, 30:70] = 1
    out = normalized_blur(values, weight, 6.0)
    exact = gauss(values * weight[..., None], 6.0) / np.maximum(gauss(weight, 6.0), 1e-12)[..., None]
    near = gauss(weight, 6.0) > 1e-3
    assert np.allclose(out[near], exact[near], atol=1e-5)


def test_a_far_fill_on_a_large_image_takes_the_known_colour():
    """A few known pixels in a wide window: the fill reaches every pixel with their colour. Made at full size,
    its sigmas of hundreds of px took minutes on a 6 MP photo's jaw window."""
    values = np.zeros((1300, 1240, 3), np.float32)
    values[600:640, 300:340] = (0.8, 0.4, 0.2)
    weight = np.zeros((1300, 1240), np.float32)
    weight[600:640, 300:340] = 1
    out = normalized_blur(values, weight, 79.0)
    assert np.isfinite(out).all()
    assert np.allclose(out[[0, -1, 0, -1], [0, 0, -1, -1]], (0.8, 0.4, 0.2), atol=1e-3)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31 - 1), st.floats(1.0, 60.0))
def test_the_result_stays_within_the_known_values(seed, sigma):
    rng = np.random.default_rng(seed)
    values = rng.random((90, 70)).astype(np.float32)
    weight = (rng.random((90, 70)) < 0.01).astype(np.float32)
    weight[0, 0] = 1
    out = normalized_blur(values, weight, sigma)
    known = values[weight > 0]
    assert out.min() >= known.min() - 1e-4 and out.max() <= known.max() + 1e-4
