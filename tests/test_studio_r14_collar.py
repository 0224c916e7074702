"""Round 14, collar: a white collar's narrow point beside the jaw is the collar's, not a rim of light to tone."""

import cv2
import numpy as np

from candid.engines.studio.composite import lit_like, suppress_jaw_rim
from candid.face.examples import astronaut, astronaut_landmarks

WIDTH = 4.0
WHITE = (0.95, 0.95, 0.97)


def _collar(point=(193, 164)):
    """The astronaut, darker (her cheek well below a rim's light), with a white collar under the chin whose
    narrow point rises to beside her left jaw."""
    img = (astronaut() * 0.6).astype(np.float32)
    img[196:250, 165:290] = WHITE                       # the collar's body, under the chin
    tip = np.array([[184, 200], [206, 200], point], np.int32)
    cv2.fillConvexPoly(img, tip, WHITE)                 # its point, up to the jaw line
    return img, tip


def test_a_collars_point_beside_the_jaw_keeps_its_colour():
    img, tip = _collar()
    lm = astronaut_landmarks()
    out, _ = suppress_jaw_rim(img, lm, width=WIDTH, alpha=np.ones(img.shape[:2], np.float32))
    point = np.zeros(img.shape[:2], np.uint8)
    cv2.fillConvexPoly(point, tip, 1)
    point[180:] = 0                                     # the point's upper part, beside the jaw
    assert point.sum() > 30
    # the old rule toned it to the skin (an orange wedge on a white collar: 0.3-0.6 off); now it is the collar's
    assert np.abs(out - img)[point > 0].max() < 0.02
    # and nothing beside the point takes the skin's colour either (no brown jags in the suit beside a collar)
    ring = cv2.dilate(point, np.ones((5, 5), np.uint8)) & ~cv2.dilate(point, np.ones((3, 3), np.uint8)) & 1
    assert np.abs(out - img)[ring > 0].max() < 0.05


def test_a_dim_rim_running_down_into_the_collar_is_still_toned():
    img, _ = _collar()
    lm = astronaut_landmarks()
    rim = img.copy()
    # a cool rim of light along the jaw, 0.7 times as bright as the collar, joined to the collar's point
    cv2.polylines(rim, [np.round(lm[4:9] + [0, 3]).astype(np.int32)], False, (0.7, 0.78, 0.92), 3)
    out, amount = suppress_jaw_rim(rim, lm, width=WIDTH, alpha=np.ones(img.shape[:2], np.float32))
    assert amount > 0.02
    for i in (5, 6, 7):  # its whole length, the part by the collar's point too
        x, y = np.round(lm[i] + [0, 3]).astype(int)
        assert out[y, x].mean() < rim[y, x].mean() - 0.2


def test_lit_like_takes_the_bright_point_and_not_the_dim_tail():
    lum = np.zeros((5, 14), np.float32)
    lum[2] = [1, 1, 1, 1, 0.97, 0.92, 0.85, 0.5, 0.45, 0.45, 0.4, 0.4, 0.4, 0.4]
    seeds = np.zeros_like(lum, bool)
    seeds[2, :4] = True
    got = lit_like(lum > 0.3, lum, seeds, radius=3)[2]
    assert got[:7].all() and not got[7:].any()
    barrier = np.zeros_like(seeds)
    barrier[2, 5] = True                                # never crossed
    got = lit_like(lum > 0.3, lum, seeds, radius=3, barrier=barrier)[2]
    assert got[:5].all() and not got[5:].any()
