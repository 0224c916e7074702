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


def test_a_thin_far_fill_never_asks_for_a_giant_blur(monkeypatch):
    # lifeifei.jpg: light_hair_hue's normalized_blur over a thin crop with almost no weight widened its sigma to
    # thousands of px; the exact blur of the thin image padded by the kernel took 19 GB and the process was killed
    from candid.engines.studio import filters

    asked = []
    exact = filters.gauss

    def recording(x, sigma):
        h, w = x.shape[:2]
        asked.append((h + 8 * sigma + 1) * (w + 8 * sigma + 1) * (x.shape[2] if x.ndim == 3 else 1) * 4)
        return exact(x, sigma)

    monkeypatch.setattr(filters, "gauss", recording)
    values = np.random.default_rng(0).random((12, 900, 3)).astype(np.float32)
    weight = np.zeros((12, 900), np.float32)
    weight[6, 5] = 1e-5  # next to nothing, far from most pixels: the fill widens its sigma again and again
    out = filters.normalized_blur(values, weight, 4.0)
    assert out.shape == values.shape and np.isfinite(out).all()
    assert max(asked) <= filters.EXACT_BLUR_BYTES
