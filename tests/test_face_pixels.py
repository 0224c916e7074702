"""The face modules use candid's one luma and one 8-bit conversion (no private copies of either)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from candid.colour import luma
from candid.face import geometry, hands
from candid.face.detect import to_uint8


def _two_irises():
    yy, xx = np.mgrid[0:80, 0:200].astype(np.float32)
    img = np.full((80, 200, 3), 0.9, np.float32)
    img[..., 2] = 0.7  # not grey: the luma weights matter
    for cx in (50, 150):
        img[np.hypot(xx - cx, yy - 40) < 10] = (0.3, 0.2, 0.1)
    return img, (np.array([[50.0, 40.0], [150.0, 40.0]]), np.array([9.0, 9.0]))


def test_iris_size_measures_on_candids_luma(monkeypatch):
    img, iris = _two_irises()
    before = geometry.iris_size(img, iris)
    seen = []

    def spy(px):
        seen.append(px.shape)
        return luma(px)

    monkeypatch.setattr(geometry, "luma", spy)
    assert geometry.iris_size(img, iris) == before  # the same weights as before: the honest measures do not move
    assert seen == [img.shape]
    assert abs(before[0] - 0.1) < 0.01


def test_hands_feed_the_model_the_shared_8_bit_conversion(monkeypatch):
    fed = []

    class Fake:
        def process(self, image):
            fed.append(image.copy())
            return SimpleNamespace(multi_hand_landmarks=None, multi_hand_world_landmarks=None, multi_handedness=None)

    monkeypatch.setattr(hands, "_model", lambda: Fake())
    img = np.full((40, 60, 3), 0.5 / 255, np.float32)  # exactly half a step: rounds to even (0), not up (1)
    img[0, 0] = np.nan  # a NaN is black, without a cast warning
    img[1, 1] = (0.25, 1.5, -0.1)
    assert hands.detect_hands(img) == []
    assert fed[0].dtype == np.uint8 and np.array_equal(fed[0], to_uint8(img))
    assert fed[0][5, 5, 0] == 0 and fed[0][0, 0, 0] == 0 and list(fed[0][1, 1]) == [64, 255, 0]
