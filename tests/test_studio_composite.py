"""Studio composite: a backlit rim along the jaw (inside the outline) is toned down, nothing else moves."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from candid.engines.studio import matte
from candid.engines.studio.composite import suppress_jaw_rim


@pytest.fixture(scope="module")
def astro():
    from candid.face import analyze_face

    img = data.astronaut().astype(np.float32) / 255
    lm = np.asarray(analyze_face(img, embed=False).landmarks, np.float64)
    return img, lm, matte(img, lm)


def test_a_planted_jaw_rim_is_toned_and_nothing_else(astro):
    img, lm, alpha = astro
    lit = img.copy()
    cv2.polylines(lit, [np.round(lm[3:9] + [0, 4]).astype(np.int32)], False, (0.95, 0.97, 1.0), 4)  # bluish-white
    out, amount = suppress_jaw_rim(lit, lm, width=4, alpha=alpha)
    rim = np.zeros(img.shape[:2], np.uint8)
    cv2.polylines(rim, [np.round(lm[3:9] + [0, 4]).astype(np.int32)], False, 1, 4)
    rim = rim.astype(bool) & (alpha >= 0.98)
    from candid.colour import luminance, srgb_to_linear

    lum = lambda x: luminance(srgb_to_linear(x))[rim].mean()
    cheek = luminance(srgb_to_linear(img))[int(lm[2:15, 1].mean()) - 10, int(lm[30, 0])]
    assert amount > 0 and lum(out) < lum(lit) - 0.05 and lum(out) < 1.25 * cheek, (lum(lit), lum(out), cheek)
    assert (out[rim][:, 0] > out[rim][:, 2]).mean() > 0.9  # the bluish-white line takes the skin's warm colour
    jaw = np.zeros(img.shape[:2], np.uint8)
    cv2.polylines(jaw, [np.round(lm[2:15]).astype(np.int32)], False, 1, 1)
    far = cv2.dilate(jaw, np.ones((41, 41), np.uint8)) == 0
    assert np.array_equal(out[far], lit[far])  # away from the jaw line: untouched
    assert np.array_equal(out[alpha < 0.5], lit[alpha < 0.5])  # the backdrop side of the outline: untouched


def test_the_jaw_of_an_evenly_lit_face_is_left_alone(astro):
    img, lm, alpha = astro
    out, amount = suppress_jaw_rim(img, lm, width=4, alpha=alpha)
    assert amount < 0.01 and np.abs(out - img).max() < 0.1


def test_inputs_are_not_modified(astro):
    img, lm, alpha = astro
    keep = img.copy()
    suppress_jaw_rim(img, lm, width=4, alpha=alpha)
    assert np.array_equal(img, keep)
