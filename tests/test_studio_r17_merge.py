"""Round 17 merge: clear_haze never leaves a floating piece (passport's lifted strands)."""

import numpy as np

from candid.engines.studio.composite import clear_haze


def _strands_over_black():
    """Dark hair (opaque to x = 30) over a black backdrop; a loose strand 10 px out, soft, in the hair's colour."""
    img = np.full((80, 80, 3), 0.02, np.float32)
    img[:, :30] = 0.25
    a = np.zeros((80, 80), np.float32)
    a[:, :30] = 1.0
    a[:, 30:32] = 0.5
    img[38:42, 40:44] = 0.22  # a strand: nearly the hair's colour, so its colours say alpha ~0.9
    a[38:42, 40:44] = 0.3     # the matte gave it 0.3, apart from the hair
    return img, a


def test_a_lifted_strand_apart_from_the_hair_stays_soft():
    img, a = _strands_over_black()
    white = np.full_like(img, 0.93)
    _, out = clear_haze(img, a, img, white, face_width=100)
    assert out[39:41, 41:43].max() <= 0.5 + 1e-6  # lifted, but no piece of its own above 0.5
    assert out[39:41, 41:43].min() > 0.3          # the lift itself still happened
    assert out[:, :30].min() == 1.0
