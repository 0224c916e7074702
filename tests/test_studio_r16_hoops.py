"""Round 16, hoops: the gaps between strands over a pocket of the backdrop, and a big hoop's highlights."""

import cv2
import numpy as np

from candid.engines.studio.matte import enclosed_specks, gaps_over_pockets, pocket_jewellery
from candid.face.examples import astronaut_landmarks

CREAM = np.array((0.80, 0.70, 0.58), np.float32)   # the backdrop in the hoop's eye (rihanna.webp)
GREEN = np.array((0.62, 0.66, 0.36), np.float32)   # the backdrop outside the hoop
HAIR = np.array((0.12, 0.09, 0.06), np.float32)
RED = np.array((0.70, 0.12, 0.10), np.float32)     # a dyed strand
GOLD = np.array((0.50, 0.32, 0.12), np.float32)
SKIN = np.array((0.85, 0.62, 0.50), np.float32)
NECK = np.array((0.63, 0.40, 0.31), np.float32)   # the lit neck (rihanna.webp)


def _strands():
    """Dark strands 1 px wide with 2 px gaps of cream over a pocket below the left lobe, a half-mixed pixel
    beside each strand, a red strand, and the neck beside them; the matting's answer 0.85 over the strands'
    zone (the gaps held), 1 on the strands and the neck."""
    lm = astronaut_landmarks()
    img = np.empty((512, 512, 3), np.float32)
    img[:] = CREAM
    a = np.zeros((512, 512), np.float32)
    a[130:190, 132:176] = 0.85
    img[130:190, 132:176:4] = HAIR
    img[130:190, 133:176:4] = 0.5 * (HAIR + CREAM)
    a[130:190, 132:176:4] = 1.0
    img[130:190, 152] = RED
    img[:, 200:252] = NECK
    a[:, 200:252] = 1.0
    pocket = np.zeros((512, 512), bool)
    pocket[130:190, 112:132] = True
    pocket[130:190, 176:196] = True
    zone = np.zeros((512, 512), bool)
    zone[130:190, 132:200] = True
    zone[pocket] = False
    return img, a, pocket, zone, lm


def test_the_gaps_between_strands_over_a_pocket_keep_only_their_share_of_strand():
    img, a, pocket, zone, lm = _strands()
    b, opened = gaps_over_pockets(img, a, pocket, zone, lm)
    assert b[160, 134] < 0.1 and b[160, 135] < 0.1          # pure backdrop between strands: out
    assert 0.45 < b[160, 133] < 0.65                        # half strand, half backdrop: half
    assert b[160, 136] == 1.0 and b[160, 152] == a[160, 152]  # a strand, the red strand: kept
    assert b[160, 199] == a[160, 199]                       # the neck's skin beside the pocket: kept
    assert (b <= a).all()
    assert opened[160, 134] and not opened[160, 136]


def test_nothing_changes_outside_the_zone_or_without_a_pocket():
    img, a, pocket, zone, lm = _strands()
    b, opened = gaps_over_pockets(img, a, pocket, np.zeros_like(zone), lm)
    assert np.array_equal(b, a) and not opened.any()
    b, opened = gaps_over_pockets(img, a, np.zeros_like(pocket), zone, lm)
    assert np.array_equal(b, a) and not opened.any()


def test_gaps_far_below_the_ears_are_left_alone():
    img, a, pocket, zone, lm = _strands()
    down = lambda x: np.roll(x, 200, axis=0)                # the same strands 2 face widths lower (the arm, clothes)
    b, opened = gaps_over_pockets(down(img), down(a), down(pocket), down(zone), lm)
    assert np.array_equal(b, down(a)) and not opened.any()


def test_the_rim_of_a_highlight_among_the_strands_keeps_its_alpha():
    img, a, pocket, zone, lm = _strands()
    img[159:162, 143:146] = 0.97                            # a sparkle on the hoop ...
    img[158, 143:146] = 0.5 * (0.97 + CREAM)                # ... and its rim, which lies on the strand-backdrop line
    a[158:162, 143:146] = 1.0
    b, _ = gaps_over_pockets(img, a, pocket, zone, lm)
    assert b[158, 144] == 1.0 and b[160, 144] == 1.0


def _hoop():
    """A gold hoop below the left lobe over a green backdrop, its eye a cream pocket, with white highlights in its
    metal; the trimap unknown over the hoop (it lies at the outline once the pocket is out)."""
    lm = astronaut_landmarks()
    img = np.empty((512, 512, 3), np.float32)
    img[:] = GREEN
    yy, xx = np.mgrid[:512, :512]
    ring = np.abs(np.hypot(xx - 155, yy - 160) - 22) < 6
    eye = np.hypot(xx - 155, yy - 160) < 16
    img[ring] = GOLD
    img[eye] = CREAM
    spark = ring & ((xx - 133) ** 2 + (yy - 160) ** 2 <= 1)
    img[spark] = 0.97
    tri = np.zeros((512, 512), np.float32)
    tri[np.hypot(xx - 155, yy - 160) < 32] = 0.5
    tri[:150, 150:300] = 1.0
    pocket = np.hypot(xx - 155, yy - 160) < 13
    return img, tri, pocket, spark, lm


def test_a_hoops_highlights_round_a_pocket_are_marked_as_the_person():
    img, tri, pocket, spark, lm = _hoop()
    t = pocket_jewellery(img, tri, pocket, lm)
    assert (t[spark] == 1.0).all()
    assert t[160, 155] == tri[160, 155] and t[160, 100] == tri[160, 100]   # the eye, the backdrop beyond
    assert np.array_equal(pocket_jewellery(img, tri, np.zeros_like(pocket), lm), tri)   # no pocket, no mark


def test_a_bright_mark_beside_a_pocket_far_below_the_ears_is_no_jewel():
    img, tri, pocket, spark, lm = _hoop()
    down = lambda x: np.roll(x, 150, axis=0)                # 1.6 face widths lower: a watermark by a pocket at the arm
    assert np.array_equal(pocket_jewellery(down(img), down(tri), down(pocket), lm), down(tri))


def test_a_lit_neck_beside_a_pocket_is_no_jewel():
    img, tri, pocket, spark, lm = _hoop()
    yy, xx = np.mgrid[:512, :512]
    img[((xx - 225) / 48) ** 2 + ((yy - 100) / 62) ** 2 < 1] = SKIN
    img[spark] = (0.98, 0.80, 0.68)                         # a highlight of the skin's own hue
    t = pocket_jewellery(img, tri, pocket, lm)
    assert np.array_equal(t, tri)


def test_small_holes_in_a_hoop_are_filled_and_the_backdrop_through_it_stays_open():
    img, tri, pocket, spark, lm = _hoop()
    yy, xx = np.mgrid[:512, :512]
    a = (np.hypot(xx - 155, yy - 160) < 28).astype(np.float32)
    a[pocket] = 0.0                                         # the eye: open, the backdrop's colour
    a[spark] = 0.0                                          # the sparkle: a see-through speck
    b = enclosed_specks(img, a, lm)
    assert (b[spark] == 1.0).all()
    assert (b[pocket] == 0.0).all()
    # kept open on request (a pocket the matte cut), and a speck of the backdrop's own colour stays
    assert (enclosed_specks(img, a, lm, keep_open=spark)[spark] == 0.0).all()
    img[spark] = GREEN
    assert (enclosed_specks(img, a, lm)[spark] == 0.0).all()
