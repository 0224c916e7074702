"""Round 17: the far cheek's see-through notch is made opaque (``matte(skin_opaque=True)``), and only there."""

import cv2
import numpy as np
import pytest

from candid.engines.studio.matte import face_skin
from candid.engines.studio.matte_rules import MatteRules
from candid.face.examples import astronaut_landmarks

from studio_cheek_scene import BACK, SKIN, pale_face  # (pytest puts tests/ on the path)


def _scene(wider=3.0, size=512):
    """:func:`pale_face` at full size, without its centre and half width."""
    return pale_face(size, wider)[:3]


def test_the_far_cheeks_notch_below_the_mouth_is_opaque():
    img, lm, skin = _scene()
    y = int(round(lm[12, 1]))  # below the mouth's corner
    edge = np.flatnonzero(skin[y])[-1]
    alpha = skin.astype(np.float32)
    alpha[y - 4: y + 5, int(lm[54, 0]) + 2: edge + 1] = 0.5  # the matting's see-through notch
    w = face_skin(img, alpha, lm, with_hull=False)
    assert w[y, int(lm[12, 0]): edge - 1].min() > 0.9  # the cheek out to its real outline
    assert w[y, edge + 3:].max() == 0.0  # not the backdrop


@pytest.mark.parametrize("near", [0.05, None])
def test_no_opaque_skin_above_the_nose_tip(near):
    """A warm wall beside the ear, of the cheek's colour and joined to it (biden.jpg's orange bokeh over his ear)."""
    img, lm, skin = _scene()
    x0 = int(lm[16, 0]) - 1
    y0, y1 = int(lm[16, 1]) - 2, int(lm[33, 1]) - 6  # between the eyes' line and the nose's tip
    img[y0:y1, x0: x0 + 8] = SKIN
    w = face_skin(img, skin.astype(np.float32), lm, with_hull=False, near=near)
    wall = w[y0 + 2: y1 - 2, int(lm[16, 0]) + 3: x0 + 7]
    if near is not None:
        assert wall.max() == 0.0
    else:
        assert wall.max() > 0.5  # round 16's zone: the wall was made opaque (the defect)


@pytest.mark.parametrize("near", [0.05, None])
def test_no_opaque_skin_far_from_the_jaws_hull(near):
    """Skin-coloured wall 0.06-0.1 face widths out beside the jaw, joined to the cheek: not the cheek's notch."""
    img, lm, skin = _scene()
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    hull = np.zeros(skin.shape, np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(lm[:17].astype(np.float32)).astype(np.int32), 1)
    d_out = cv2.distanceTransform(1 - hull, cv2.DIST_L2, 5)
    ys, xs = np.mgrid[: skin.shape[0], : skin.shape[1]]
    band = (d_out < 0.1 * fw) & (ys > lm[33, 1] + 8) & (ys < lm[10, 1]) & (xs > lm[54, 0])
    img[band] = SKIN
    w = face_skin(img, skin.astype(np.float32), lm, with_hull=False, near=near)
    far = band & (d_out > 0.07 * fw)
    assert far.sum() > 20
    if near is not None:
        assert w[far].max() == 0.0
        assert w[band & (d_out < 0.03 * fw)].mean() > 0.9  # next to the hull it is the cheek
    else:
        assert w[far].mean() > 0.5  # round 16: 0.1 face widths out (the defect)


def test_the_notch_below_the_nose_tip_fades_in():
    """The rows just below the nose's tip get part of the share: no horizontal step in the raised alpha."""
    img, lm, skin = _scene(wider=4.0)
    w = face_skin(img, skin.astype(np.float32), lm, with_hull=False)
    x = int(round(lm[14, 0])) + 2  # just outside the hull, beside the nose's tip
    col = w[int(lm[33, 1]) - 3: int(lm[33, 1]) + 8, x]
    assert col[0] == 0.0 and col[-1] > 0.9
    assert np.abs(np.diff(col)).max() < 0.5


def test_skin_opaque_is_on():
    assert MatteRules().skin_opaque is True


# --- (b) a pocket of the backdrop too thin for a known core (rihanna's pink crescent between the hoop and the neck)

from candid.engines.studio.matte import open_thin_pockets, thin_pockets_of  # noqa: E402

PINK = (0.88, 0.55, 0.72)   # the backdrop seen through the hoop's eye
GOLD = (0.75, 0.55, 0.25)   # the hoop
NECK = (0.62, 0.42, 0.32)   # the neck's skin


def _crescent(width=10, size=120):
    """A vertical strip of backdrop ``width`` px wide between a gold bar (left) and the neck (right); the matting
    filled it at 0.95; the working size's pocket is 2 px narrower on each side."""
    img = np.empty((size, size, 3), np.float32)
    img[:, :50] = GOLD
    img[:, 50:50 + width] = PINK
    img[:, 50 + width:] = NECK
    rng = np.random.default_rng(1)
    img = np.clip(img + rng.normal(0, 0.01, img.shape), 0, 1).astype(np.float32)
    alpha = np.ones((size, size), np.float32)
    alpha[20:100, 50:50 + width] = 0.95
    pieces = np.zeros((size, size), bool)
    pieces[22:98, 52:48 + width] = True
    return img, alpha, pieces


def test_thin_pockets_are_the_pieces_without_a_core():
    mask = np.ones((60, 80), bool)
    mask[10:50, 10:15] = False   # 5 px wide
    mask[10:50, 30:60] = False   # 30 px wide
    t = thin_pockets_of(~mask, mask, 200.0)  # rim 3 px
    assert t[30, 10:15].all() and not t[30, 30:60].any()


def test_a_thin_pocket_is_opened_along_its_ridge_and_its_colour():
    img, alpha, pieces = _crescent()
    out = open_thin_pockets(alpha, pieces, pixels=img, reach=6.0)
    assert out[60, 53:57].max() < 0.05          # the ridge and the strip's own colour beside it: open
    assert out[60, 50] < 0.1 and out[60, 59] < 0.1  # the strip's border, outside the working-size piece
    assert out[60, 40:49].min() == 1.0 and out[60, 61:70].min() == 1.0  # the gold and the neck: untouched
    assert np.array_equal(out[:15], alpha[:15])  # far from the piece: untouched


def test_without_pixels_only_the_pieces_own_pixels_move():
    img, alpha, pieces = _crescent()
    out = open_thin_pockets(alpha, pieces)
    assert np.array_equal(out[~pieces], alpha[~pieces])
    assert out[60, 54:56].max() == 0.0


def test_the_neck_of_the_backdrops_colour_is_not_keyed():
    """A cream backdrop beside a lit neck of nearly its colour: the neck keeps its alpha."""
    from candid.face.examples import astronaut_landmarks

    lm = astronaut_landmarks()
    img = np.full((512, 512, 3), (0.78, 0.62, 0.5), np.float32)   # the lit neck, everywhere
    a = np.ones((512, 512), np.float32)
    x0 = int(lm[8, 0]) + 30
    y0 = int(lm[8, 1]) + 10
    img[y0: y0 + 60, x0: x0 + 8] = (0.84, 0.70, 0.58)             # the cream strip, 0.12 from the neck
    a[y0: y0 + 60, x0: x0 + 8] = 0.95
    pieces = np.zeros((512, 512), bool)
    pieces[y0 + 2: y0 + 58, x0 + 2: x0 + 6] = True
    out = open_thin_pockets(a, pieces, pixels=img, landmarks=lm, reach=6.0)
    assert out[y0 + 30, x0 + 3: x0 + 5].max() < 0.05              # the strip's ridge opens
    assert out[y0 + 30, x0 + 10: x0 + 16].min() == 1.0             # the neck beside it does not
    loose = open_thin_pockets(a, pieces, pixels=img, reach=6.0, key=(0.1, 0.3))
    assert loose[y0 + 30, x0 + 10: x0 + 16].min() < 1.0            # (a loose key without the guard would)


def test_thin_pockets_is_off_by_default():
    # the merge of round 17: the rule opened a shadowed crease between a finger and the cheek (yangmi_3.jpg) as if
    # it were a pocket of backdrop; off until a pocket rimmed by skin on both sides is told from the backdrop
    assert MatteRules().thin_pockets is False


@pytest.mark.parametrize("sure", [(0.8, 1.0), (0.1, 0.9)])
def test_a_colour_half_way_to_the_skins_is_left_to_the_matting(sure):
    """A wall beside the jaw a third to half of the way from the backdrop's colour to the skin's (the known-alpha
    scene's beige beside the astronaut's jaw) is no sure skin: not raised."""
    img, lm, skin = _scene()
    y = int(round(lm[12, 1]))
    edge = np.flatnonzero(skin[y])[-1]
    mix = 0.55 * np.array(SKIN) + 0.45 * np.array(BACK)
    img[y - 3: y + 4, edge + 1: edge + 4] = mix
    w = face_skin(img, skin.astype(np.float32), lm, with_hull=False, sure=sure)
    if sure == (0.8, 1.0):
        assert w[y - 2: y + 3, edge + 1: edge + 4].max() < 0.05
        assert w[y, int(lm[12, 0]): edge - 1].min() > 0.9  # the cheek itself still is
    else:
        assert w[y - 2: y + 3, edge + 1: edge + 4].max() > 0.3  # round 16's ramp raised it (the defect)
