"""Round 18 speed: every fast path (work on the crop around the pixels a rule uses) equals its slow path.

``filters.FAST_PATHS`` switches the crops off; each test runs both ways and
asks for the same bytes where the result is used. No timing here (the
benchmark is ``bench/bench_studio_speed.py``).
"""

import cv2
import numpy as np
import pytest

from candid.engines.studio import filters
from candid.engines.studio.filters import gauss, normalized_blur, normalized_blur_on
from candid.engines.studio.people import toy_landmarks


@pytest.fixture
def slow(monkeypatch):
    """Run a callable with the crops off."""
    def run(f, *a, **k):
        monkeypatch.setattr(filters, "FAST_PATHS", False)
        try:
            return f(*a, **k)
        finally:
            monkeypatch.setattr(filters, "FAST_PATHS", True)
    return run


def _scene(h=240, w=320, seed=0):
    """A face-sized light block with dark hair beside it and grain, on a dark backdrop; landmarks to match."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w, 3), 0.12, np.float32)
    img[60:200, 90:230] = (0.8, 0.6, 0.5)
    img[60:200, 80:90] = (0.18, 0.1, 0.05)
    img[20:60, 80:240] = (0.18, 0.1, 0.05)
    img[200:, 60:260] = (0.2, 0.25, 0.4)            # a jacket below
    img = np.clip(img + rng.normal(0, 0.03, img.shape).astype(np.float32), 0, 1)
    a = np.zeros((h, w), np.float32)
    a[20:, 80:240] = 1
    a[60:200, 80:90] = 0.5
    a[200:, 60:80] = 0.4                            # smoke beside the jacket
    a[200:, 80:260] = 1
    return img, a, toy_landmarks(160, 110, 100)


@pytest.mark.parametrize("sigma", [1.0, 6.0, 23.5])
@pytest.mark.parametrize("box", [(20, 60, 150, 190), (0, 30, 0, 25), (250, 300, 170, 200)])
def test_normalized_blur_on_equals_the_whole_image_blur_where_asked(sigma, box):
    rng = np.random.default_rng(1)
    v = rng.random((300, 200, 3)).astype(np.float32)
    w = (rng.random((300, 200)) > 0.8).astype(np.float32)
    where = np.zeros((300, 200), bool)
    where[box[0]:box[1], box[2]:box[3]] = True
    full = normalized_blur(v, w, sigma)
    part = normalized_blur_on(v, w, sigma, where)
    assert (part[where] == full[where]).all()
    assert (part[~where] == 0).all()


def test_normalized_blur_on_falls_back_where_a_pixel_needs_the_far_fill():
    # weight only in one corner: a pixel asked for far from it takes the wider blurs' fill, which reads further
    v = np.zeros((200, 200), np.float32)
    v[:, :100] = 1
    w = np.zeros((200, 200), np.float32)
    w[:10, :10] = 1
    where = np.zeros((200, 200), bool)
    where[150:160, 150:160] = True
    assert (normalized_blur_on(v, w, 3.0, where)[where] == normalized_blur(v, w, 3.0)[where]).all()


def test_normalized_blur_takes_the_callers_weight_blur():
    rng = np.random.default_rng(2)
    v = rng.random((90, 70, 3)).astype(np.float32)
    w = rng.random((90, 70)).astype(np.float32) * (rng.random((90, 70)) > 0.6)
    assert (normalized_blur(v, w, 5.0, den=gauss(w, 5.0)) == normalized_blur(v, w, 5.0)).all()


def test_low_contrast_where_equals_the_whole_image(slow):
    from candid.engines.studio.matte import low_contrast

    img, a, _ = _scene()
    where = np.zeros(a.shape, bool)
    where[60:200, 75:95] = True
    full = low_contrast(img, a >= 0.5, 100.0, ring=(0.01, 0.05))
    assert (low_contrast(img, a >= 0.5, 100.0, ring=(0.01, 0.05), where=where)[where] == full[where]).all()
    assert (slow(low_contrast, img, a >= 0.5, 100.0, ring=(0.01, 0.05), where=where)[where] == full[where]).all()


def test_closing_on_a_crop_equals_the_whole_closing(slow):
    from candid.engines.studio.matte import _closed_on

    rng = np.random.default_rng(3)
    a = (rng.random((120, 160)) > 0.3).astype(np.float32) * rng.random((120, 160)).astype(np.float32)
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (15, 15))
    where = np.zeros(a.shape, bool)
    where[40:70, 60:100] = True
    full = cv2.morphologyEx(a, cv2.MORPH_CLOSE, k)
    assert (_closed_on(a, k, where)[where] == full[where]).all()
    assert (_closed_on(a, k, where) == slow(_closed_on, a, k, where)).all()


def test_features_dilated_on_a_crop_equal_the_whole_dilation(slow):
    from candid.engines.studio.debris import _features, own_skin

    lm = toy_landmarks(160, 110, 100)
    for grow in (1.0, 6.0, 30.0):
        assert (_features((240, 320), lm, grow) == slow(_features, (240, 320), lm, grow)).all()
    assert (own_skin((240, 320), lm) == slow(own_skin, (240, 320), lm)).all()


def test_focused_hair_is_the_same_with_the_crops(slow):
    from candid.engines.studio.matte import focused_hair

    img, a, lm = _scene()
    fast = focused_hair(img, a, lm)
    assert (fast > a).any()  # the rule acted: the test compares something
    assert (fast == slow(focused_hair, img, a, lm)).all()


def test_temple_notches_are_the_same_with_the_crops(slow):
    from candid.engines.studio.matte import skull, temple_notches
    from candid.face.examples import astronaut_landmarks
    from skimage import data

    img = data.astronaut().astype(np.float32) / 255
    lm = astronaut_landmarks()
    a = skull((512, 512), lm).astype(np.float32)
    x, y = int(lm[16, 0]) - 2, int(lm[16, 1])
    a[y - 4:y + 4, x:x + 7] = 0.1
    prob = np.ones((512, 512), np.float32)
    fast = temple_notches(img, a, lm, prob)
    assert (fast != a).any()
    assert (fast == slow(temple_notches, img, a, lm, prob)).all()


def test_clothes_edge_is_the_same_with_the_crops(slow):
    from candid.engines.studio.matte import clothes_edge
    from candid.face.examples import astronaut_landmarks

    lm = astronaut_landmarks()
    rng = np.random.default_rng(4)
    img = np.full((512, 512, 3), 0.8, np.float32)
    img[300:, 100:400] = (0.1, 0.1, 0.2)
    img = np.clip(img + rng.normal(0, 0.02, img.shape).astype(np.float32), 0, 1)
    a = np.zeros((512, 512), np.float32)
    a[300:, 100:400] = 1
    a[300:, 400:440] = 0.4
    a[340:360, 60:100] = 0.6
    prob = np.clip(a + 0.2, 0, 1)
    fast = clothes_edge(img, a, lm, prob=prob)
    assert (fast != a).any()
    assert (fast == slow(clothes_edge, img, a, lm, prob=prob)).all()


def test_light_hair_hue_is_the_same_as_two_blurs_of_the_weight(monkeypatch):
    import importlib

    composite = importlib.import_module("candid.engines.studio.composite")
    img = np.full((48, 48, 3), 0.9, np.float32)
    img[:, :24] = (0.86, 0.9, 0.93)   # white hair, a little cyan at the outline
    img[:, :14] = 0.9
    a = np.zeros((48, 48), np.float32)
    a[:, :24] = 1
    a[:, 24:27] = 0.5
    out = composite.light_hair_hue(img, a, width=4)
    assert (out != img).any()
    # the rule with the weight blurred again inside normalized_blur, as before round 18
    calls = []
    real = composite.normalized_blur

    def twice(values, weight, sigma, den=None):
        calls.append(den is not None)
        return real(values, weight, sigma)

    monkeypatch.setattr(composite, "normalized_blur", twice)
    again = composite.light_hair_hue(img, a, width=4)
    assert calls == [True]
    assert (again == out).all()


@pytest.mark.parametrize("r", [0, 1, 4, 17, 40])
def test_open_binary_by_rows_equals_opencvs_opening(r):
    from candid.engines.studio.filters import open_binary

    rng = np.random.default_rng(r)
    for _ in range(6):
        h, w = (int(v) for v in rng.integers(5, 160, 2))
        m = gauss(rng.random((h, w)).astype(np.float32), float(rng.uniform(0.5, 6)))
        m = m > np.quantile(m, rng.uniform(0.1, 0.9))
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
        assert (open_binary(m, k) == (cv2.morphologyEx(m.astype(np.uint8), cv2.MORPH_OPEN, k) > 0)).all()
    full = np.ones((30, 40), bool)  # nothing outside the image erodes it
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    assert (open_binary(full, k) == (cv2.morphologyEx(full.astype(np.uint8), cv2.MORPH_OPEN, k) > 0)).all()


def test_thin_lobes_are_the_same_with_the_fast_opening(slow):
    from candid.engines.studio.debris import subject_prior, thin_lobes

    lm = toy_landmarks(80, 80, 50)
    m = np.zeros((240, 320), bool)
    m[40:240, 45:116] = True
    m[78:84, 116:200] = True
    m[50:110, 200:260] = True
    fast = thin_lobes(m, lm, subject_prior(m.shape, lm))
    assert fast.any()
    assert (fast == slow(thin_lobes, m, lm, subject_prior(m.shape, lm))).all()
