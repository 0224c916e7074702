"""Round 16 survey (r16-survey): the two worst defects of the non-linkedin styles that no other helper took.

- hinton.jpeg passport: a clean cut-out fell back to the photo's own background (dark canvas bars, a brown wall),
  because the debris doubt counted his navy sweater beside the white collar as "beyond the head and hair" (6.8 %,
  limit 6 %): the passport frame ends 0.24 head heights below the chin, so it holds no sample of the chest's clothes
  to compare with (:func:`remove_debris`'s ``unseen_body``).
- tom_cruise_tight.jpg memorial: the shoulder continued past the photo's left edge met the photo's own outline in a
  9-row vertical step (a notch at 1:1), because the continuation falls from 12 px inside the photo while the photo's
  own, flatter outline was kept in that band (:func:`continue_body`'s ``through_band``).

Synthetic scenes only (no real data), each well under a second.
"""

from __future__ import annotations

import importlib

import numpy as np

D = importlib.import_module("candid.engines.studio.debris")
F = importlib.import_module("candid.engines.studio.frame")

from candid.engines.studio.frame import head_extent  # noqa: E402
from candid.engines.studio.people import toy_landmarks  # noqa: E402

BACKDROP, SKIN, HAIR = (0.45, 0.35, 0.25), (0.85, 0.65, 0.55), (0.35, 0.25, 0.2)
NAVY, WHITE = (0.12, 0.15, 0.35), (0.95, 0.95, 0.95)


def _bust(below_chin: float, width: int = 200):
    """A head with hair, a navy sweater with a white collar, on a brown backdrop; the frame ends ``below_chin``
    head heights below the chin. Returns ``(image, alpha, landmarks)``."""
    lm = toy_landmarks(80, 60, 50)
    _, chin, hh = head_extent(lm)
    h = int(chin[1] + below_chin * hh)
    yy, xx = np.mgrid[:h, :width]
    img = np.empty((h, width, 3), np.float32)
    img[:] = BACKDROP
    head = ((xx - 80) / 30.0) ** 2 + ((yy - 62) / 45.0) ** 2 <= 1
    img[head] = SKIN
    img[head & (yy < 35)] = HAIR
    shoulders = (yy > chin[1] - 0.02 * hh + 0.5 * np.abs(xx - 80) - 25) & ~head & (np.abs(xx - 80) < 110)
    img[shoulders] = NAVY
    img[shoulders & (np.abs(xx - 80) < 40) & (yy < chin[1] + 0.25 * hh)] = WHITE
    return img, (head | shoulders).astype(np.float32), lm


def test_a_frame_without_the_chest_does_not_doubt_the_clothes():
    """A passport frame ends above where the chest's colours are sampled: the sweater beside the collar is not
    "beyond the head and hair" (hinton passport kept the photo's background for it); with the rule off it is."""
    img, a, lm = _bust(0.2)
    assert D.subject_regions(a.shape, a, lm)["body"].sum() == 0  # no sample of the clothes in this frame
    _, rep = D.remove_debris(img, a, lm)
    assert rep.doubt is None and rep.outside < D.DOUBT
    _, off = D.remove_debris(img, a, lm, unseen_body=False)
    assert off.doubt is not None and off.outside > 3 * D.DOUBT


def test_the_rule_is_inert_when_the_chest_is_in_the_frame():
    """A frame that holds the chest samples its colours: the doubt is what it was, byte for byte."""
    img, a, lm = _bust(0.8)
    assert D.subject_regions(a.shape, a, lm)["body"].sum() > 0
    on, rep_on = D.remove_debris(img, a, lm)
    off, rep_off = D.remove_debris(img, a, lm, unseen_body=False)
    assert np.array_equal(on, off) and rep_on == rep_off


def _flattening_shoulder():
    """A shoulder falling one row per column outwards that runs flat over the last 6 columns before the photo's
    left edge (x = 16; the band :func:`continue_body` reads past), in a frame extended at the left."""
    lm = np.tile([[100.0, 60.0]], (68, 1))
    lm[36:42], lm[42:48], lm[0], lm[16], lm[8] = [88, 60], [112, 60], [78, 66], [122, 66], [100, 92]
    f = F.Framing(np.array([[1.0, 0, 16], [0, 1, 0]]), (232, 200), 0.0, extended=("left",))
    yy, xx = np.mgrid[0:200, 0:232]
    top = 110 + np.minimum(np.maximum(96 - xx, 0), 74)
    a = ((yy > top) | ((np.abs(xx - 100) < 30) & (yy > 35) & (yy < 120))).astype(np.float32)
    a[:, :16] = 0
    return a, f, lm


def _outline(a: np.ndarray, cols: range) -> np.ndarray:
    return np.array([np.flatnonzero(a[:, x] <= 0.5)[-1] + 1 for x in cols])


def test_the_continued_shoulder_meets_the_photo_without_a_step():
    """Across the photo's edge the continued outline moves at most a row per column; with the rule off, the
    photo's flat band ends in a vertical step down to the continuation (7 rows here; 9 on tom memorial)."""
    a, f, lm = _flattening_shoulder()
    on, sides = F.continue_body(a, f, (200, 200), lm)
    assert sides == ["left"]
    assert np.abs(np.diff(_outline(on, range(0, 60)))).max() <= 1
    off, _ = F.continue_body(a, f, (200, 200), lm, through_band=False)
    assert np.abs(np.diff(_outline(off, range(0, 60)))).max() >= 5
    # only the band just inside the photo's edge changes, and only below the shoulder's top there
    changed = np.abs(on - off) > 1e-6
    assert changed.any() and np.flatnonzero(changed.any(axis=0)).max() < 16 + 8
    # the fade, making the continuation itself, gives the same outline
    faded, change = F.fade_at_photo_edge(a, f, (200, 200), lm)
    assert change["change"] == "body_continued"
    assert np.abs(np.diff(_outline(faded, range(0, 60)))).max() <= 1


def test_hair_above_the_shoulder_in_the_band_is_the_photos():
    """Above the shoulder's top the band keeps the photo's own alpha (hair reaching the photo's edge there)."""
    a, f, lm = _flattening_shoulder()
    a[150:170, 16:22] = 1.0  # a lock of hair at the photo's edge, above the shoulder (top at row 184 there)
    on, _ = F.continue_body(a, f, (200, 200), lm)
    assert on[150:170, 16:22].min() == 1.0
