"""Round 16, found on the merged tree: ``suppress_rim(own_dark=True)`` keeps a navy lapel point dark, but a black
speck darker than every opaque piece of the person round it (tom_cruise_tight.jpg, where the jaw meets the collar)
is still lifted: it is the old background held in the foreground estimate, not cloth."""

from __future__ import annotations

import numpy as np

from candid.engines.studio.composite import suppress_rim
from candid.face.examples import astronaut_landmarks

from studio_collar_scene import NAVY, WHITE, collar_edge  # (pytest puts tests/ on the path)

def test_a_black_speck_darker_than_the_cloth_round_it_is_lifted():
    lm = astronaut_landmarks()
    img, a = collar_edge(WHITE)
    img[:, 298:300] = 0.01  # a 2 px black speck at the collar's edge: darker than every opaque pixel round it
    new, _ = suppress_rim(img, a, width=6, landmarks=lm)
    old, _ = suppress_rim(img, a, width=6, landmarks=lm, own_dark=False)
    assert old[400, 298:300].mean() > 0.3  # the lift without the rule
    assert new[400, 298:300].mean() > 0.3  # and with it: no cloth of that darkness is near


def test_a_navy_point_beside_opaque_navy_stays_navy():
    lm = astronaut_landmarks()
    img, a = collar_edge(NAVY)
    img[:, 288:296] = NAVY  # the suit's own opaque navy right beside the point
    new, _ = suppress_rim(img, a, width=6, landmarks=lm)
    assert new[400, 296:300].mean() < 0.15

