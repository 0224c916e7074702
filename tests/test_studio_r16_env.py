"""Round 16, edge defects on the environmental style: the wall beside a neck drawn as the person by
``clothes_edge`` (yangmi_4.jpg), and the haze round a dense crossing of loose strands (scarlett_4.jpg)."""
import cv2
import numpy as np
import pytest

from candid.engines.studio.matte import clothes_edge, strand_cap, strand_share

SKIN = np.array([0.80, 0.57, 0.43], np.float32)
NEAR_WALL = np.array([0.91, 0.64, 0.42], np.float32)  # the wall beside the neck: nearly the skin's colour
FAR_WALL = np.array([0.84, 0.52, 0.32], np.float32)


def _neck_scene(band_colour=None, face_colour=None):
    """A neck (x < 400, below row 300) before an orange wall, with a soft band of 0.45 over the wall beside it.

    The skin (the face's too) holds lit patches of the near wall's colour (as yangmi_4's does), so the colour odds
    call that wall cloth; the far wall is another orange.
    """
    from candid.face.examples import astronaut_landmarks

    rng = np.random.default_rng(0)
    img = np.empty((512, 512, 3), np.float32)
    img[:] = FAR_WALL
    img[:, 400:470] = NEAR_WALL
    person = np.zeros((512, 512), bool)
    person[300:, 100:400] = True
    lm = astronaut_landmarks()
    face = np.zeros((512, 512), np.uint8)
    cv2.fillConvexPoly(face, cv2.convexHull(np.round(lm[:27]).astype(np.int32)), 1)
    person |= face.astype(bool)  # the face's skin: the cheeks' colour is the neck's
    img[person] = SKIN
    r = rng.random((512, 512))
    img[person & (r < 0.35)] = NEAR_WALL
    if face_colour is not None:  # a face unlike the piece below it: that piece is no neck (a collar, a garment)
        img[face.astype(bool)] = face_colour
    if band_colour is not None:  # the neck's shaded edge, whose colour the skin holds in its pores too
        img[person & (r > 0.8)] = band_colour
        img[300:, 400:406] = band_colour
    img = np.clip(img + rng.normal(0, 0.005, img.shape), 0, 1).astype(np.float32)
    a = np.zeros((512, 512), np.float32)
    a[300:, 100:400] = 1
    a[300:, 400:406] = 0.45
    a[300:, 406:412] = np.linspace(0.4, 0.05, 6)
    return img, a, lm, np.ones((512, 512), np.float32)


def test_the_drawn_edge_does_not_raise_a_wall_of_nearly_the_skins_colour():
    img, a, lm, prob = _neck_scene()
    before = clothes_edge(img, a, lm, prob=prob, rise_contrast=None)
    after = clothes_edge(img, a, lm, prob=prob)
    assert before[450, 401] > 0.7          # round 15: the wall beside the neck drawn as the person
    assert after[450, 401] < 0.5           # now: about the matte's own alpha (0.45)
    assert after[450, 200] == 1.0          # the neck itself is untouched


def test_skin_in_shade_is_still_drawn():
    # the neck's shaded side: the skin darker in every channel, on its way to the wall along the skin-wall line
    # (its share there reads as the wall's), but a shadow only darkens: the drawn edge may raise it as before
    img, a, lm, prob = _neck_scene(band_colour=SKIN * 0.9)
    before = clothes_edge(img, a, lm, prob=prob, rise_contrast=None)
    after = clothes_edge(img, a, lm, prob=prob)
    assert before[450, 401] > 0.7
    assert after[450, 401] == pytest.approx(before[450, 401], abs=0.02)


def test_a_garment_unlike_the_cheeks_is_left_to_the_rule_of_round_15():
    # the cap is for a neck (the person's local colour is the cheeks'); by a white collar the ring inside mixes the
    # collar, the suit and the skin, and the collar's own drawn edge was eaten (obama3.jpg)
    img, a, lm, prob = _neck_scene(face_colour=np.array([0.45, 0.30, 0.22], np.float32))
    before = clothes_edge(img, a, lm, prob=prob, rise_contrast=None)
    after = clothes_edge(img, a, lm, prob=prob)
    assert before[450, 401] > 0.7
    np.testing.assert_allclose(after, before, atol=1e-6)


def test_strand_cap_leaves_no_haze_on_the_plain_wall():
    img = np.full((48, 48, 3), 0.2, np.float32)
    img[24, :] = 0.7                        # one light strand over a dark wall
    img[:, 30] = 0.45                       # a fainter one
    share = strand_share(img, 200.0)
    old, new = strand_cap(share, 0.08, bare=False), strand_cap(share, 0.08)
    assert old[10, 10] == pytest.approx(0.08)   # round 15: a haze of the slack over the wall
    assert new[10, 10] == 0.0
    assert new[24, 10] == pytest.approx(old[24, 10])   # the strand keeps its cap
    assert 0 < new[23, 10] < new[24, 10]                # its soft side a pixel out keeps a little
    assert new[10, 30] == pytest.approx(old[10, 30])


def test_strand_cap_smooths_single_wall_pixels():
    share = np.zeros((9, 9), np.float32)
    share[4, 4] = 0.03                      # one pixel of grain on the wall
    cap = strand_cap(share, 0.08)
    assert cap[4, 4] <= 0.06
    assert cap[0, 0] == 0.0
