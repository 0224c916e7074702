"""A synthetic white collar ending in a narrow point at a light wall (32bit.png, tom_cruise_tight.jpg), shared by the
studio's round-16 lapel and merge tests."""
import numpy as np

WALL = (0.78, 0.76, 0.78)
SKIN = (0.55, 0.38, 0.28)
NAVY = (0.08, 0.09, 0.16)
WHITE = (0.93, 0.93, 0.95)


def collar_edge(point=NAVY):
    """``(img, alpha)`` at the astronaut's full size: skin, a white collar, a 4 px point of ``point``'s colour at its
    edge (narrower than the rim band), opaque to x = 300 with one soft pixel, before a light wall."""
    img = np.empty((512, 512, 3), np.float32)
    img[:] = WALL
    img[:, :260] = SKIN
    img[:, 260:296] = WHITE
    img[:, 296:300] = point
    a = np.zeros((512, 512), np.float32)
    a[:, :300] = 1.0
    a[:, 300] = 0.5
    return img, a
