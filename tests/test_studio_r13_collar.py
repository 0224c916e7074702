"""The collar and shoulders beside the jaw (matte.clothes_edge, round 13): clean cloth next to a tight crop's jaw,
never the neck's own soft side nor a wall the segmenter doubts."""

from __future__ import annotations

import numpy as np

from candid.engines.studio.matte import _face_guard, clothes_edge
from candid.face.examples import astronaut_landmarks

LM = astronaut_landmarks()          # face width 92 px, chin at (222, 177), jaw corners near (185, 150) and (261, 154)
FW = float(np.linalg.norm(LM[16] - LM[0]))
SUIT = (0.1, 0.1, 0.2)
SKIN = (0.8, 0.6, 0.5)
YY, XX = np.mgrid[0:512, 0:512]
NEAR = _face_guard((512, 512), LM, 0.3) / FW          # face widths from the jaw's and the ears' hull


def _tight(back=(0.8, 0.8, 0.82)):
    """A tight crop: the suit's shoulders rise to the jaw's corners (the shoulder line is 0.1-0.3 face widths
    from the jaw, where the old rule left the outline alone). Returns the photo, the true alpha, the suit mask."""
    s = 4
    yy, xx = (np.mgrid[0:512 * s, 0:512 * s] + 0.5) / s
    head = ((xx - 222) / 50) ** 2 + ((yy - 110) / 68) ** 2 < 1
    neck = (np.abs(xx - 222) < 30) & (yy > 140)
    suit = (yy > 150 + 0.5 * np.abs(xx - 222)) & ~head
    truth = (head | neck | suit).astype(np.float32).reshape(512, s, 512, s).mean((1, 3))
    cloth = suit.astype(np.float32).reshape(512, s, 512, s).mean((1, 3))
    img = np.empty((512, 512, 3), np.float32)
    img[:] = back
    rgb = cloth[..., None] * np.array(SUIT, np.float32) + (1 - cloth[..., None]) * np.array(SKIN, np.float32)
    img = truth[..., None] * rgb + (1 - truth[..., None]) * img
    return img.astype(np.float32), truth, cloth > 0.5


def _ring():
    """The right shoulder's outline beside the jaw, 0.12-0.28 face widths from its hull."""
    return (NEAR > 0.12) & (NEAR < 0.28) & (XX > 240) & (YY > 150) & (YY < 215)


def test_smoke_on_a_shoulder_beside_the_jaw_is_cleaned():
    # 32bit.png linkedin: a dark suit before a dark flag, the shoulder next to the jaw half kept as grey smoke
    img, truth, _ = _tight(back=(0.14, 0.15, 0.26))
    rng = np.random.default_rng(3)
    line = 150 + 0.5 * np.abs(XX - 222)
    a = truth.copy()
    smoke = _ring() & (np.abs(YY - line) < 7)
    a[smoke] = rng.uniform(0.15, 0.75, int(smoke.sum())).astype(np.float32)     # speckled, both sides of the line
    b = clothes_edge(img, a, LM, prob=truth)
    ring = _ring()
    before = float(np.abs(a - truth)[ring].mean())
    after = float(np.abs(b - truth)[ring].mean())
    assert after < 0.35 * before, (before, after)
    above = ring & (YY < line - 3)                                   # the flag, more than 3 px above the cloth
    below = ring & (YY > line + 3)                                   # the suit
    assert float(b[above].mean()) < 0.02 and float(np.percentile(b[above], 99)) < 0.1
    assert float(b[below].mean()) > 0.98 and float(np.percentile(b[below], 1)) > 0.9
    # the old rule (the whole 0.3 face widths left alone) kept the smoke
    old = clothes_edge(img, a, LM, prob=truth, cloth_gap=None)
    assert np.array_equal(old[ring], a[ring])


def test_a_lost_shoulder_beside_the_collar_is_put_back():
    # 32bit.png linkedin: GrabCut lost the suit beside the collar (alpha 0) that the segmenter saw
    img, truth, cloth = _tight()
    a = truth.copy()
    lost = _ring() & cloth & (YY < 150 + 0.5 * np.abs(XX - 222) + 14)
    a[lost] = 0
    b = clothes_edge(img, a, LM, prob=truth)
    assert float(b[lost].mean()) > 0.9
    assert float(clothes_edge(img, a, LM, prob=truth, cloth_gap=None)[lost].mean()) < 0.05
    assert float(clothes_edge(img, a, LM)[lost].mean()) < 0.05      # without the segmenter's word, nothing added


def test_the_neck_steep_side_keeps_its_soft_rim():
    # obama3.jpg: a rim light along the neck's side before a bright wall is soft alpha; it is the neck's, not smoke
    img, truth, _ = _tight()
    img2, truth2 = img.copy(), truth.copy()
    # no suit at the right of this neck: a bare neck (the suit starts lower), the side a steep outline
    bare = (XX > 252) & (YY < 215)
    truth2[bare] = 0
    img2[bare] = (0.9, 0.92, 0.95)
    a = truth2.copy()
    rim = (XX >= 248) & (XX <= 254) & (YY > 170) & (YY < 215) & (NEAR > 0.12) & (NEAR < 0.28)   # in the ring
    a[rim] = np.clip(1 - (XX[rim] - 248) / 7, 0.1, 0.9)            # a 6 px soft band
    img2[rim] = (0.85, 0.9, 0.97)                                   # the rim light: no skin colour
    b = clothes_edge(img2, a, LM, prob=truth2)
    assert rim.sum() > 60
    assert float((a - b)[rim].max()) < 0.02            # never taken out


def test_a_wall_the_segmenter_doubts_is_not_added_below_the_chin():
    # scarlett_3.jpg: a pale pink wall under the chin; the segmenter gives it 0.6; the matte's concave corner there
    # must not be filled by the smoothing
    img, truth, cloth = _tight(back=(0.85, 0.75, 0.75))
    prob = truth.copy()
    corner = _ring() & cloth & (YY < 150 + 0.5 * np.abs(XX - 222) + 10)
    prob[corner] = 0.6
    a = truth.copy()
    a[corner] = 0
    b = clothes_edge(img, a, LM, prob=prob)
    assert float(b[corner].max()) < 0.05


def test_outside_the_ring_the_rule_is_unchanged():
    img, truth, _ = _tight()
    rng = np.random.default_rng(5)
    a = np.clip(truth + rng.normal(0, 0.2, truth.shape) * ((truth > 0) & (truth < 1)), 0, 1).astype(np.float32)
    new = clothes_edge(img, a, LM, prob=truth)
    old = clothes_edge(img, a, LM, prob=truth, cloth_gap=None)
    far = NEAR > 0.45                                               # (the blurs reach a few px past the ring)
    assert np.array_equal(new[far], old[far])
