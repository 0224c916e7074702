"""Round 15, flag and lapel (32bit.png): a flag stripe's blurred border beside the cheek is background, and a
lapel's narrow tip in the collar ring is cloth."""

import cv2
import numpy as np

from candid.engines.studio.matte import behind_third_colour, clothes_edge, off_axis_limit
from candid.face.examples import astronaut_landmarks

WHITE_STRIPE = (0.75, 0.72, 0.76)
RED_STRIPE = (0.56, 0.14, 0.16)
SKIN = (0.65, 0.4, 0.27)


def _flag_beside_cheek():
    """A white stripe, its pink blurred border, a red stripe and the cheek, left to right; the trimap's unknown band
    spans the stripes; the matting's alpha ramps up across the band (as closed-form matting gave the pink 0.2-0.45)."""
    img = np.full((40, 60, 3), WHITE_STRIPE, np.float32)
    img[:, 30:] = SKIN
    img[:, 25:30] = RED_STRIPE
    img[:, 19:25] = np.linspace((0.73, 0.62, 0.66), (0.62, 0.25, 0.28), 6)[None]   # the pink border
    tri = np.full((40, 60), 0.5, np.float32)
    tri[:, :12] = 0
    tri[:, 40:] = 1
    a = np.clip((np.arange(60) - 17) / 20, 0, 1)[None].repeat(40, 0).astype(np.float32)
    a[tri == 0] = 0
    a[tri == 1] = 1
    return img, a, tri


def test_the_flag_stripes_pink_border_beside_the_cheek_is_taken_out():
    img, a, tri = _flag_beside_cheek()
    limited = off_axis_limit(img, a, tri, 100.0)
    # the pure red is a third colour off the skin-to-white line: off_axis_limit takes it out ...
    assert limited[5, 25:30].max() < 0.05
    # ... but the pink border lies near that line and keeps the matting's alpha: a light streak beside the cheek
    assert limited[5, 21:24].min() > 0.15
    out = behind_third_colour(img, a, limited, tri, 100.0)
    assert out[5, 19:25].max() < 0.05                     # matted again with the red known as background: gone
    assert np.array_equal(out[:, 30:], limited[:, 30:])   # the cheek keeps its alpha
    assert (out <= limited + 1e-6).all()


def test_nothing_changes_where_the_limit_took_nothing_out():
    img, a, tri = _flag_beside_cheek()
    out = behind_third_colour(img, a, a.copy(), tri, 100.0)
    assert np.array_equal(out, a)


def test_where_weight_keeps_a_side_with_strands():
    img, a, tri = _flag_beside_cheek()
    limited = off_axis_limit(img, a, tri, 100.0)
    out = behind_third_colour(img, a, limited, tri, 100.0, where=np.zeros_like(a))
    assert np.array_equal(out, limited)


NAVY, WALL, WHITE = (0.07, 0.07, 0.12), (0.72, 0.72, 0.76), (0.93, 0.93, 0.95)


def _lapel(background_beside=WALL):
    """The astronaut's landmarks; a face and neck of skin, a white collar, a navy suit below row 200 and a narrow
    navy lapel tip rising from the suit's shoulder into the collar ring beside the neck (rows 150-200), which the
    matting lost (alpha 0) and the segmenter doubts (0.6)."""
    lm = astronaut_landmarks()
    img = np.full((512, 512, 3), WALL, np.float32)
    a = np.zeros((512, 512), np.float32)
    hull = cv2.convexHull(np.round(np.vstack([lm[:17], lm[17:27] - [0, 40]])).astype(np.int32))
    for poly, colour in ((hull, SKIN), (np.array([[200, 150], [250, 150], [262, 215], [190, 215]]), SKIN),
                         (np.array([[190, 185], [262, 185], [275, 240], [180, 240]]), WHITE)):
        cv2.fillConvexPoly(img, np.asarray(poly, np.int32), colour)
        cv2.fillConvexPoly(a, np.asarray(poly, np.int32), 1.0)
    img[200:] = NAVY
    a[200:] = 1.0
    img[200:, 225:240] = WHITE
    tip = np.zeros((512, 512), np.uint8)
    cv2.fillConvexPoly(tip, np.array([[266, 150], [270, 150], [296, 201], [274, 201]], np.int32), 1)
    img[(tip > 0) & (a < 0.5)] = NAVY
    beside = cv2.dilate(tip, np.ones((9, 9), np.uint8)) & ~tip & (a < 0.5)
    img[beside > 0] = background_beside
    prob = a.copy()
    prob[(tip > 0) & (a < 0.5)] = 0.6
    prob = cv2.GaussianBlur(prob, (0, 0), 1.5)
    return img, a, lm, prob, (tip > 0) & (a < 0.5)


def test_a_lapels_narrow_tip_in_the_collar_ring_is_put_back():
    img, a, lm, prob, tip = _lapel()
    out = clothes_edge(img, a, lm, prob=prob)
    # (round 14 put back only what the segmenter was sure of, 0.7-0.9: the tip's upper part stayed see-through)
    upper = tip.copy()
    upper[185:] = False
    assert upper.sum() > 100
    assert out[upper].mean() > 0.45
    old = clothes_edge(img, a, lm, prob=prob, thin_cloth=None)
    assert old[upper].mean() < 0.2


def test_a_dark_strip_the_background_beside_it_continues_is_not_cloth():
    # the same strip, but the backdrop right beside it is as dark (a blurred dark room beside a dark collar)
    img, a, lm, prob, tip = _lapel(background_beside=(0.1, 0.1, 0.14))
    out = clothes_edge(img, a, lm, prob=prob)
    upper = tip.copy()
    upper[185:] = False
    assert out[upper].mean() < 0.2
