"""Round 15, flag (32bit.png): a flag stripe's blurred border beside the cheek is background, once the stripe's pure
colour is known to be."""

import numpy as np

from candid.engines.studio.matte import behind_third_colour, off_axis_limit

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
