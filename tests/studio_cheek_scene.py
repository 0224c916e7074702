"""A synthetic pale face before a pale backdrop whose far cheek is wider than the landmarks say (liuyifei.png's case),
shared by the studio's cheek tests (rounds 16 and 17)."""
import cv2
import numpy as np

from candid.face.examples import astronaut_landmarks

BACK = (0.66, 0.74, 0.81)  # a pale blue-white backdrop (liuyifei.png)
SKIN = (0.77, 0.69, 0.70)  # pale skin, pinker (far enough from the backdrop that low_contrast leaves it to colour)


def pale_face(size=256, wider=4.0):
    """``(img, lm, skin, centre, half width)``: a pale face (astronaut landmarks at ``size``) whose far cheek reaches
    ``wider`` px beyond the jaw's hull on the frame's right, with a forehead and a neck, and sensor noise."""
    lm = astronaut_landmarks() * (size / 512)
    img = np.empty((size, size, 3), np.float32)
    img[:] = BACK
    ys, xs = np.mgrid[:size, :size].astype(np.float32)
    hull = np.zeros((size, size), np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(lm[:27].astype(np.float32)).astype(np.int32), 1)
    c = lm[:17].mean(0)
    half = (lm[16, 0] - lm[0, 0]) / 2
    # the far cheek is wider than the landmarks say
    skin = (cv2.distanceTransform(1 - hull, cv2.DIST_L2, 5) <= np.where(xs > c[0], wider, 1.0)) & (ys > lm[0, 1])
    skin |= ((xs - c[0]) / half) ** 2 + ((ys - lm[0, 1]) / (1.1 * half)) ** 2 < 1  # the forehead
    skin |= (np.abs(xs - c[0]) < 0.6 * half) & (ys > c[1])  # the neck and the chest below
    img[skin] = SKIN
    rng = np.random.default_rng(0)
    img = np.clip(img + rng.normal(0, 0.01, img.shape), 0, 1).astype(np.float32)
    return img, lm, skin, c, half
