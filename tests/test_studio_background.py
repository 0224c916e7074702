"""The blur backdrop (environmental style) on photos with other people in them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candid.engines.studio.background import PEOPLE_HIGH, background, lens_blur

WALL = np.float32([0.30, 0.35, 0.45])    # a blue-grey wall
SKIN = np.float32([0.85, 0.62, 0.50])    # a neighbour's cheek


def _scene(h: int = 96, w: int = 160):
    """A wall, the subject in the middle (cut out), a neighbour's cheek at the right border (left in the photo)."""
    img = np.tile(WALL, (h, w, 1))
    alpha = np.zeros((h, w), np.float32)
    alpha[20:, 60:100] = 1.0
    img[20:, 60:100] = (0.6, 0.5, 0.4)
    people = alpha.copy()
    img[30:80, 130:] = SKIN
    people[30:80, 130:] = 0.9   # the person mask sees the neighbour; the subject's matte does not hold it
    return img, alpha, people


def _skin_share(bg: np.ndarray, region) -> float:
    """How far the backdrop in ``region`` lies from the wall towards the skin (0: wall, 1: skin)."""
    v = bg[region].reshape(-1, 3).mean(0)
    return float(np.dot(v - WALL, SKIN - WALL) / np.dot(SKIN - WALL, SKIN - WALL))


def test_a_neighbour_never_comes_back_as_a_blurred_blob_in_the_backdrop():
    img, alpha, people = _scene()
    region = (slice(35, 75), slice(110, 160))   # beside the subject, where the neighbour's cheek was
    plain = lens_blur(img, alpha, radius=6)
    clean = lens_blur(img, alpha, radius=6, people=people)
    assert _skin_share(plain, region) > 0.4      # before: the cheek blurred into a skin-coloured blob
    assert _skin_share(clean, region) < 0.1      # now: filled from the wall around it
    # the wall away from anyone is the same backdrop either way
    assert np.abs(plain[:12, :40] - clean[:12, :40]).max() < 0.02


def test_the_blur_background_passes_people_on_and_other_backdrops_ignore_them():
    img, alpha, people = _scene()
    size = (img.shape[1], img.shape[0])
    with_people = background("blur", size, source=img, alpha=alpha, face_height=40, people=people)
    without = background("blur", size, source=img, alpha=alpha, face_height=40)
    assert np.abs(with_people - without).max() > 0.05
    for kind, opts in (("grey", {}), ("mottled", {}), ("gradient", {}), ("color", {"color": WALL})):
        assert np.array_equal(background(kind, size, 3, people=people, **opts), background(kind, size, 3, **opts))


def test_a_crowd_is_kept_rather_than_leaving_nothing_to_fill_from():
    img, alpha, _ = _scene()
    everyone = np.ones(alpha.shape, np.float32)      # people everywhere: nothing else to make a backdrop of
    assert np.array_equal(lens_blur(img, alpha, radius=6, people=everyone), lens_blur(img, alpha, radius=6))


def test_people_must_match_the_photo():
    img, alpha, people = _scene()
    with pytest.raises(ValueError, match="people"):
        lens_blur(img, alpha, radius=6, people=people[:10])


@settings(max_examples=12, deadline=None)
@given(p=st.floats(0, 1), seed=st.integers(0, 2 ** 16))
def test_people_only_ever_take_weight_away(p, seed):
    rng = np.random.default_rng(seed)
    img = rng.random((32, 48, 3), dtype=np.float32)
    alpha = np.zeros((32, 48), np.float32)
    people = np.full((32, 48), p, np.float32)
    out = lens_blur(img, alpha, radius=3, people=people)
    assert out.shape == img.shape and out.dtype == np.float32
    assert np.isfinite(out).all() and out.min() >= 0 and out.max() <= 1
    if p >= PEOPLE_HIGH:   # a uniform mask is a crowd: kept as it was
        assert np.array_equal(out, lens_blur(img, alpha, radius=3))


def test_the_subjects_own_wider_mask_leaves_the_backdrop_as_it_was():
    # the person mask is coarser than the matte: around the subject it is the subject, not someone else, and the
    # backdrop behind the hair stays the photo's own background beside it (taken out, it came from further away)
    img, alpha, _ = _scene()
    own = np.zeros(alpha.shape, np.float32)
    own[18:, 58:102] = 1.0                       # the subject's mask, 2 px wider than the matte
    assert np.array_equal(lens_blur(img, alpha, radius=6, people=own), lens_blur(img, alpha, radius=6))
