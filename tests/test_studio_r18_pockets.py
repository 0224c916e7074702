"""Round 18: thin pockets of the backdrop (rihanna's cream strip and pink crescent by the hoops) are opened; a
shadowed crease between two parts of the body (a finger resting on the jaw, yangmi_3.jpg) is not."""
import numpy as np
import pytest

from candid.engines.studio.matte import open_thin_pockets, skin_creases, thin_backdrop_pockets
from candid.engines.studio.matte_rules import MatteRules
from candid.face.examples import astronaut_landmarks

SKIN = (0.85, 0.62, 0.5)        # the face's lit skin (hue about 20 degrees)
CREASE = (0.5, 0.26, 0.15)      # the same skin in the shade between a finger and the cheek (hue 18)
BACK = (0.6, 0.7, 0.85)         # a pale blue backdrop
CREAM = (0.84, 0.72, 0.56)      # rihanna's cream bokeh (hue 33, lighter than her neck)
PINK = (0.88, 0.55, 0.72)       # the pink bokeh seen through the hoop's eye
NECK = (0.62, 0.42, 0.32)       # a darker neck
GOLD = (0.75, 0.55, 0.25)       # the hoop
HAIR = (0.05, 0.04, 0.04)
W = 4                           # the strip's width: no known core at this face width (rim 2.8 px)


def _scene(left, strip, right, *, base=SKIN):
    """Twice the astronaut's face (face width 184 px) on a 640 px canvas of ``base``; below the lobes, beside the
    chin, a vertical strip ``W`` px wide of ``strip`` colour between ``left`` and ``right`` (each 30 px wide).
    Returns the image, the landmarks, the pocket (the strip), the mask (all but the strip) and the matting's alpha
    (the strip filled at 0.95) and the strip's column."""
    lm = astronaut_landmarks() * 2.0
    rng = np.random.default_rng(0)
    img = np.empty((640, 640, 3), np.float32)
    img[:] = base
    x = int(lm[8, 0]) + 120
    y0, y1 = int(lm[8, 1]) + 20, int(lm[8, 1]) + 140
    img[y0:y1, x - 30:x] = left
    img[y0:y1, x:x + W] = strip
    img[y0:y1, x + W:x + W + 30] = right
    img = np.clip(img + rng.normal(0, 0.01, img.shape), 0, 1).astype(np.float32)
    pocket = np.zeros((640, 640), bool)
    pocket[y0:y1, x:x + W] = True
    alpha = np.ones((640, 640), np.float32)
    alpha[pocket] = 0.95
    return img, lm, pocket, ~pocket, alpha, x, (y0 + y1) // 2


def _opened(img, lm, pocket, mask, alpha, *, creases=True):
    thin = thin_backdrop_pockets(pocket, mask, img, lm, creases=creases)
    return open_thin_pockets(alpha, thin, pixels=img, landmarks=lm, reach=6.0)


def test_a_shadowed_crease_between_two_skin_parts_stays_closed():
    img, lm, pocket, mask, alpha, x, y = _scene(SKIN, CREASE, SKIN)
    out = _opened(img, lm, pocket, mask, alpha)
    assert np.array_equal(out, alpha)  # the matting's own alpha: no see-through slit between hand and face


def test_without_the_guard_the_crease_opens():
    # round 17's rule (yangmi_3.jpg linkedin: a grey see-through slit between a finger and the cheek)
    img, lm, pocket, mask, alpha, x, y = _scene(SKIN, CREASE, SKIN)
    out = _opened(img, lm, pocket, mask, alpha, creases=False)
    assert out[y, x:x + W].min() < 0.2


def test_a_backdrop_coloured_pocket_between_hair_and_neck_opens():
    img, lm, pocket, mask, alpha, x, y = _scene(HAIR, BACK, NECK, base=BACK)
    out = _opened(img, lm, pocket, mask, alpha)
    assert out[y, x + 1:x + W - 1].max() < 0.05                      # its ridge: open
    assert out[y, x - 20:x - 2].min() == 1.0 and out[y, x + W + 2:x + W + 20].min() == 1.0  # hair and neck kept


@pytest.mark.parametrize("left, strip", [(HAIR, CREAM), (GOLD, PINK)], ids=["cream_by_hair", "pink_by_hoop"])
def test_rihannas_pockets_open(left, strip):
    # the cream strip has nearly the skin's hue (33 against 20 degrees) but is lighter than its rim; the pink is
    # no skin's hue; and either is rimmed by skin on one side only
    img, lm, pocket, mask, alpha, x, y = _scene(left, strip, NECK)
    assert not skin_creases(pocket, img, mask, lm).any()
    out = _opened(img, lm, pocket, mask, alpha)
    assert out[y, x + 1:x + W - 1].max() < 0.05


def test_the_backdrop_between_two_fingers_opens():
    # rimmed by skin on both sides, but not the skin's hue in shade: the backdrop seen between them
    img, lm, pocket, mask, alpha, x, y = _scene(SKIN, BACK, SKIN)
    assert not skin_creases(pocket, img, mask, lm).any()
    out = _opened(img, lm, pocket, mask, alpha)
    assert out[y, x + 1:x + W - 1].max() < 0.05


def test_a_shaded_strip_with_skin_on_one_side_only_is_no_crease():
    img, lm, pocket, mask, alpha, x, y = _scene(HAIR, CREASE, SKIN)
    assert not skin_creases(pocket, img, mask, lm).any()


def test_a_speck_is_no_thin_pocket():
    # a pale rim of light on a neck (obama3.jpg editorial: 8 working px), opened, was a see-through blob
    img, lm, pocket, mask, alpha, x, y = _scene(HAIR, BACK, NECK, base=BACK)
    speck = pocket.copy()
    speck[: y - 2] = False
    speck[y + 2:] = False  # 4 x 4 px: 0.02 face widths
    assert not thin_backdrop_pockets(speck, ~speck, img, lm).any()
    assert thin_backdrop_pockets(speck, ~speck, img, lm, least=None).any()


def test_the_crease_guard_is_on_and_thin_pockets_still_off():
    # rihanna environmental: the opened cream strip showed as a light cut-out among the strands (round 18);
    # the guard is on, so switching thin_pockets on no longer opens yangmi_3's crease
    rules = MatteRules()
    assert rules.creases is True
    assert rules.thin_pockets is False
