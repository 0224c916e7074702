"""Round 18 (r18-crown): a crown that runs into the image's top edge keeps its outline there.

Synthetic scenes only. ``matte.crown_at_top`` (``matte(crown_top=True)``): where the head's piece of the matte meets
row 0, a bite the border made out of the crown (the segmenter unsure at its border, dark hair read as a dark
backdrop) is filled by the convex hull of the head in the top band, where the pixels are of the hair's colour;
a gap of a backdrop unlike the hair, a head below the top edge and the rest of the matte are left as they are.
"""

import numpy as np

from candid.engines.studio.matte import crown_at_top, skull
from candid.face.examples import astronaut_landmarks

LM = astronaut_landmarks()  # face width 92 px, brows at row 87: the top band is 18 rows
H = W = 512


def _head(top: int = 0):
    """The skull's alpha (it runs into row 0 with ``top=0``), the head moved down by ``top`` rows."""
    a = skull((H, W), LM).astype(np.float32)
    if top:
        a = np.vstack([np.zeros((top, W), np.float32), a[:-top]])
    return a


def _bitten(a: np.ndarray) -> np.ndarray:
    """A wedge bitten out of the crown's upper left just below the border: the outline bends in towards row 0
    (as the segmenter's 0.5 contour did on yangmi_6.jpg), half of it soft (the matting's 0.3-0.5 over the part)."""
    b = a.copy()
    cols = np.nonzero(a[0] > 0.5)[0]
    x0 = int(cols[0])
    for y in range(14):
        b[y, x0:x0 + 14 - y] = 0.0
        b[y, x0 + 14 - y:x0 + 20 - y] = 0.4
    return b, x0


def test_a_bite_at_the_top_edge_is_filled_with_dark_hair():
    img = np.full((H, W, 3), 0.03, np.float32)  # dark hair on a dark backdrop: colour cannot tell
    a, x0 = _bitten(_head())
    out = crown_at_top(img, a, LM)
    assert float(a[3, x0 + 4]) == 0.0 and float(out[3, x0 + 4]) > 0.95   # the bite
    assert abs(float(a[3, x0 + 13]) - 0.4) < 1e-6 and float(out[3, x0 + 13]) > 0.95  # its soft side
    # nothing beyond the head's own outline is added (its pixel staircase at most anti-aliased): the backdrop
    # beside the crown stays clear
    import cv2

    beyond = cv2.dilate((_head() > 0.5).astype(np.uint8), np.ones((5, 5), np.uint8)) == 0
    assert float(np.abs(out - a)[beyond].max()) < 0.02
    # and below the band the matte is as it was
    assert np.array_equal(out[40:], a[40:])


def test_the_rule_is_needed_for_it():
    """Without the rule (what ``matte(crown_top=False)`` returns) the bite stays: the light wedge."""
    img = np.full((H, W, 3), 0.03, np.float32)
    a, x0 = _bitten(_head())
    assert float(a[3, x0 + 4]) == 0.0
    assert float(crown_at_top(img, a, LM, band=0.0)[3, x0 + 4]) == 0.0  # no band: nothing


def test_a_gap_of_a_backdrop_unlike_the_hair_stays_open():
    img = np.full((H, W, 3), 0.03, np.float32)
    a, x0 = _bitten(_head())
    img[a < 0.5] = (0.85, 0.85, 0.8)   # a light wall where the matte is clear: a real gap between dark curls
    out = crown_at_top(img, a, LM)
    assert float(out[3, x0 + 4]) < 0.05


def test_a_head_below_the_top_edge_is_left_alone():
    img = np.full((H, W, 3), 0.03, np.float32)
    a, _ = _bitten(_head())
    low = np.vstack([np.zeros((30, W), np.float32), a[:-30]])  # 30 rows of backdrop above the crown
    assert np.array_equal(crown_at_top(img, low, LM), low)


def test_an_unbitten_crown_is_unchanged():
    img = np.full((H, W, 3), 0.03, np.float32)
    a = _head()
    out = crown_at_top(img, a, LM)
    assert float(np.abs(out - a).max()) < 0.02


def test_light_hair_before_a_dark_wall_keeps_the_mattings_outline():
    """Colours that tell hair from backdrop (light curls before a dark wall, 0.35 apart as on scarlett_2.jpg): the
    soft, bitten outline is the matting's answer, not the border's; no chord is drawn over it."""
    a, x0 = _bitten(_head())
    img = np.full((H, W, 3), 0.03, np.float32)
    img[a >= 0.98] = (0.3, 0.22, 0.16)
    out = crown_at_top(img, a, LM)
    assert np.array_equal(out, a)
