"""Round 15, hoops: the old backdrop the person mask holds below the ear lobes, between hair, hoop and neck."""

import cv2
import numpy as np

from candid.engines.studio.matte import enclosed_background, strands_over_pockets
from candid.face.examples import astronaut_landmarks

KHAKI = np.array((0.65, 0.62, 0.35), np.float32)   # the backdrop far left
CREAM = np.array((0.86, 0.74, 0.64), np.float32)   # the backdrop behind the neck, lit (skin-like, as on rihanna.webp)
SKIN = np.array((0.80, 0.56, 0.45), np.float32)
NECK = np.array((0.50, 0.30, 0.22), np.float32)
HAIR = np.array((0.10, 0.08, 0.07), np.float32)


def _scene():
    """An out-of-focus backdrop (khaki to cream), a face, a shaded neck and a bob's dark ends hanging beside it;
    the mask takes the backdrop between the hair's ends and the neck (the segmenter's pocket)."""
    lm = astronaut_landmarks()
    H = W = 512
    x = np.arange(W, dtype=np.float32)[None, :, None]
    img = np.broadcast_to(KHAKI + (CREAM - KHAKI) * np.clip((x - 60) / 120, 0, 1), (H, W, 3)).copy()
    img = cv2.GaussianBlur(img, (0, 0), 3)
    yy, xx = np.mgrid[:H, :W]
    face = ((xx - 225) / 48) ** 2 + ((yy - 120) / 62) ** 2 < 1
    neck = (xx >= 200) & (xx < 252) & (yy >= 150)
    hair = ((xx >= 138) & (xx < 178) & (yy >= 40) & (yy < 175)) | ((xx >= 150) & (xx < 154) & (yy >= 175) & (yy < 250))
    hair |= (xx >= 272) & (xx < 300) & (yy >= 40) & (yy < 175)
    img[face] = SKIN
    img[neck & ~face] = NECK
    img[hair] = HAIR
    mask = face | neck | hair | ((xx >= 140) & (xx < 200) & (yy >= 150) & (yy < 280))  # the pocket held
    return img.astype(np.float32), mask, lm


def test_the_backdrop_between_the_hairs_ends_and_the_neck_is_found():
    img, mask, lm = _scene()
    found = enclosed_background(img, mask, lm)
    assert found[230, 175] and found[200, 190] and found[260, 160]     # the pocket
    assert not found[230, 225] and not found[200, 152]                  # the neck, a strand of hair
    assert not found[120, 225] and not found[100, 160]                  # the face, the hair beside it
    assert not (found & ~mask).any()


def test_a_neck_fading_into_a_wall_of_its_own_colour_is_left_alone():
    img, mask, lm = _scene()
    # the pocket's colour drifts into the neck's over 60 px, no edge: growth that gets in stops where the colour
    # has drifted, not at an edge, and the piece is dropped
    x = np.arange(512, dtype=np.float32)[None, :, None]
    ramp = CREAM + (NECK - CREAM) * np.clip((x - 150) / 90, 0, 1)
    hair = (img == HAIR).all(-1)
    img[150:, :252] = np.broadcast_to(ramp, (512, 512, 3))[150:, :252]
    img[hair] = HAIR
    found = enclosed_background(img, mask, lm)
    assert not found[230, 225] and not found[230, 215]


def test_a_dark_suit_before_a_dark_backdrop_is_left_alone():
    img, mask, lm = _scene()
    img[:] = (0.12, 0.12, 0.14)
    face = np.zeros(mask.shape, bool)
    yy, xx = np.mgrid[:512, :512]
    img[((xx - 225) / 48) ** 2 + ((yy - 120) / 62) ** 2 < 1] = SKIN
    img[200:, 140:300] = (0.1, 0.1, 0.16)                                # navy, smooth into the backdrop
    mask[200:, 140:300] = True
    assert not enclosed_background(img, mask, lm).any()


def test_a_pocket_the_hair_and_a_hoop_close_all_round_is_found():
    img, mask, lm = _scene()
    yy, xx = np.mgrid[:512, :512]
    ring = np.abs(np.hypot(xx - 168, yy - 190) - 16) < 3                # a gold hoop hanging from the lobe
    img[np.hypot(xx - 168, yy - 190) < 16] = img[190, 110]               # the backdrop beside it, seen through
    img[ring] = (0.85, 0.65, 0.25)
    mask |= ring
    mask[150:280, 140:150] = True                                        # the mask's outline now outside the hoop
    img[150:280, 140:150] = HAIR
    found = enclosed_background(img, mask, lm)
    assert found[190, 168]                                              # the hoop's eye
    assert not found[ring].any()


def test_strands_over_a_pocket_are_unknown_not_the_neck():
    img, mask, lm = _scene()
    found = enclosed_background(img, mask, lm)
    s = strands_over_pockets(img, mask & ~found, found, lm)
    assert s[230, 152]                                                  # the strand over the pocket
    assert not s[230, 235]                                              # the neck beside it


def test_a_vivid_collar_reached_through_a_soft_edge_is_not_backdrop():
    # a small, blurred group-photo face (2008_002506.jpg): a green collar where the pocket was, its edge against the
    # grey wall so soft that growth from the wall reaches it; a garment more saturated than the backdrop stays
    img, mask, lm = _scene()
    grey, green = np.array((0.62, 0.62, 0.64), np.float32), np.array((0.15, 0.55, 0.2), np.float32)
    yy, xx = np.mgrid[:512, :512]
    soft = cv2.GaussianBlur(np.where(((xx >= 140) & (xx < 200) & (yy >= 150))[..., None], green, grey)
                            .astype(np.float32), (0, 0), 8)
    person = (img == HAIR).all(-1) | (img == NECK).all(-1) | (img == SKIN).all(-1)
    img = np.where(person[..., None], img, soft).astype(np.float32)
    assert not enclosed_background(img, mask, lm).any()
    # the same scene with the collar as grey as the wall: the pocket is found (the rule still acts)
    img2 = np.where(person[..., None], img, cv2.GaussianBlur(np.broadcast_to(grey, img.shape).copy(), (0, 0), 8))
    assert enclosed_background(img2.astype(np.float32), mask, lm)[230, 175]
