"""Round 13: the soft outline below the ear lobes follows the toned jaw (no dotted light line along the jaw)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from candid.colour import luminance, srgb_to_linear
from candid.engines.studio.composite import _below_lobe_line, suppress_jaw_rim


@pytest.fixture
def astro(astronaut_matte):
    return astronaut_matte


def test_the_soft_outline_of_a_lit_jaw_follows_the_toned_jaw(astro):
    """biden.jpg editorial: a backlit rim up to the jaw's outline. suppress_jaw_rim toned it from alpha 0.5 only,
    under a weight that fell to half at the outline: the soft edge pixels kept the rim's light (1.68x the toned
    skin beside them) and, where the stepped outline crosses alpha 0.2-0.5, read as a dotted light line."""
    img, lm, alpha = astro
    line = np.ones(alpha.shape, np.uint8)
    cv2.polylines(line, [np.round(lm[2:15]).astype(np.int32)], False, 0, 1)
    below = _below_lobe_line(lm, 0, img.shape[1], 0, img.shape[0]) > 0
    near_jaw = (cv2.distanceTransform(line, cv2.DIST_L2, 5) <= 10) & below & (
        np.arange(img.shape[0])[:, None] <= lm[8, 1])
    depth = cv2.distanceTransform((alpha > 0.5).astype(np.uint8), cv2.DIST_L2, 5)
    rim = near_jaw & (alpha > 0.02) & (depth <= 4)  # a bluish-white rim 4 px into the person, and its soft edge
    lit = img.copy()
    lit[rim] = (0.95, 0.97, 1.0)
    out, _ = suppress_jaw_rim(lit, lm, width=4, alpha=alpha)
    L = luminance(srgb_to_linear(out))
    edge, soft = rim & (alpha >= 0.98), rim & (alpha > 0.1) & (alpha < 0.5)
    assert soft.sum() > 20 and edge.sum() > 50
    assert np.median(L[edge]) < 0.52, np.median(L[edge])  # the last opaque px toned fully: was 0.55
    assert np.median(L[soft]) < 1.4 * np.median(L[edge]), np.median(L[soft]) / np.median(L[edge])  # was 1.68 (1.24)


def test_the_soft_outline_of_an_unlit_jaw_is_left_alone(astro):
    """The soft edge follows only a toned neighbour: the astronaut's own jaw (a light wall behind) is untouched."""
    img, lm, alpha = astro
    out, _ = suppress_jaw_rim(img, lm, width=4, alpha=alpha)
    soft = (alpha > 0.02) & (alpha < 0.5)
    assert np.abs(out[soft] - img[soft]).max() < 0.02
