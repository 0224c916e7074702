"""Round 17: framing of tight photos in the looser styles (``frame.py``: ``head_sides``, ``whole_head``, ``yaw_look``).

Synthetic: the astronaut's landmarks on a blank photo with a drawn person mask (an ellipse for the head, a block for
the neck and shoulders), so each test runs :func:`frame` in well under a second.
"""

from __future__ import annotations

import cv2
import numpy as np

from candid.engines.studio.frame import frame, head_sides, yaw_look_room
from candid.engines.studio.styles import STYLES
from candid.face.examples import astronaut_landmarks

LM = astronaut_landmarks().astype(np.float64)  # face x 179..271, chin at row 177, landmark crown at row 19


def _photo(h: int, w: int, a: float, b: float, cy: float, cx: float = 225.0) -> tuple[np.ndarray, np.ndarray]:
    """A blank ``h`` x ``w`` photo and its person mask: a head ellipse (semi-axes ``a``, ``b``) and the shoulders."""
    yy, xx = np.mgrid[0:h, 0:w]
    p = (((xx - cx) / a) ** 2 + ((yy - cy) / b) ** 2 <= 1).astype(np.float32)
    p[int(LM[8, 1]) + 5:, 150:300] = 1.0
    return np.zeros((h, w, 3), np.float32), p


def _box(f) -> tuple[float, float, float, float]:
    """The frame's ``(x0, y0, x1, y1)`` in the photo."""
    inv = cv2.invertAffineTransform(f.matrix)
    w, h = f.size
    c = np.array([[0, 0], [w, h]], float) @ inv[:, :2].T + inv[:, 2]
    return float(c[0, 0]), float(c[0, 1]), float(c[1, 0]), float(c[1, 1])


def test_head_sides_reads_ears_and_hair_beyond_the_jaw():
    img, p = _photo(300, 420, 70, 100, cy=125)
    x0, x1, cut_l, cut_r = head_sides(p, LM, img.shape)
    assert abs(x0 - 155) <= 1.5 and abs(x1 - 295) <= 1.5  # the ellipse's sides, 24 px beyond the jaw's ends
    assert not cut_l and not cut_r


def test_head_sides_does_not_believe_a_mask_joined_to_a_neighbour():
    img, p = _photo(300, 420, 70, 100, cy=125)
    p[40:120, 60:225] = 1.0  # someone beside the head, joined to it in the mask, out to the cap and beyond
    x0, x1, _, _ = head_sides(p, LM, img.shape)
    assert x0 == -np.inf and abs(x1 - 295) <= 1.5


def test_tight_photo_keeps_the_head_sides_in_a_looser_style():
    # the photo ends 53 px below the chin, so editorial (2:3) frames about 2x closer; its old frame cut the head's
    # sides (151..299) by 9-12 px; now it holds them with air
    img, p = _photo(230, 420, 75, 100, cy=125)
    old = _box(frame(img, LM, None, "editorial", person=p, whole_head=False, yaw_look=False))
    new = _box(frame(img, LM, None, "editorial", person=p))
    assert old[0] > 155 and old[2] < 295
    assert new[0] <= 151 and new[2] >= 299


def test_hair_cut_by_the_photo_top_is_not_cut_again_lower():
    # the hair runs into the photo's top: the frame starts on the photo's top, not 10-15 px down through the crown,
    # and puts no canvas above it (a head sliced flat in mid-air)
    img, p = _photo(215, 420, 70, 110, cy=100)
    for style in ("memorial", "editorial"):
        old = frame(img, LM, None, style, person=p, whole_head=False, yaw_look=False)
        new = frame(img, LM, None, style, person=p)
        assert _box(old)[1] > 7
        assert -0.5 <= _box(new)[1] <= 1.5
        assert "top" not in new.extended


def test_whole_head_off_is_the_old_frame_when_nothing_is_cut():
    img, p = _photo(400, 420, 60, 90, cy=120)  # room all round: the head fits the style's frame as it is
    for style in ("linkedin", "memorial", "passport"):
        a = frame(img, LM, None, style, person=p, whole_head=False, yaw_look=False)
        b = frame(img, LM, None, style, person=p)
        assert np.allclose(a.matrix, b.matrix) and a.size == b.size


def _profile() -> np.ndarray:
    lm = LM.copy()
    fw = lm[16, 0] - lm[0, 0]
    lm[27:36, 0] = lm[[0, 16], 0].mean() + 0.49 * fw - (lm[30, 0] - lm[27:36, 0]) * 0.3  # nose at the far cheek
    return lm


def test_yaw_look_room_ramps_with_the_turn():
    st = STYLES["memorial"]
    assert yaw_look_room(0.3, st) == 0.0 and yaw_look_room(-0.3, st) == 0.0  # a three-quarter view as before
    assert 0 < yaw_look_room(0.44, st) < yaw_look_room(0.5, st) == 0.1
    assert yaw_look_room(0.5, STYLES["passport"]) == 0.0


def test_profile_gets_room_in_front_of_the_face():
    lm = _profile()
    img = np.zeros((512, 512, 3), np.float32)
    nose = lm[30, 0]
    for style in ("memorial", "corporate", "environmental"):
        old = _box(frame(img, lm, None, style, whole_head=False, yaw_look=False))
        new = _box(frame(img, lm, None, style))
        at_old = (nose - old[0]) / (old[2] - old[0])
        at_new = (nose - new[0]) / (new[2] - new[0])
        assert at_new < at_old - 0.05, style  # the face looks right: the frame leaves more room on its right
