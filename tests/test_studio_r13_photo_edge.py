"""Round 13: the matte on an extended canvas sees the photo's border as the image's border, not as an outline."""

import numpy as np
import pytest

from candid.engines.studio.matte import matte, photo_box
from candid.face.examples import astronaut, astronaut_landmarks


def _framed(cut: int):
    """The astronaut cut at column ``cut`` (through her shoulder), on a frame extended to the right as
    :func:`candid.engines.studio.frame.apply_framing` extends it: the photo's last column repeated."""
    img = astronaut()
    photo = img[:, :cut]
    frame = np.concatenate([photo, np.repeat(photo[:, -1:], img.shape[1] - cut, 1)], 1)
    valid = np.zeros(img.shape[:2], bool)
    valid[:, :cut] = True
    return photo, frame, valid


def test_a_body_cut_by_the_photo_edge_keeps_its_alpha_up_to_that_edge():
    # the repeated edge was known background right beside the body, in the body's own colours: the matting
    # called the last columns of the suit background (6 rows above 0.5 three columns before the edge, of 166)
    photo, frame, valid = _framed(300)
    a = matte(frame, astronaut_landmarks(), valid=valid)
    alone = matte(photo, astronaut_landmarks())
    assert (alone[:, 297] > 0.5).sum() > 100
    assert (a[:, 297] > 0.5).sum() >= 0.9 * (alone[:, 297] > 0.5).sum()
    assert float(a[:, 300:].max()) == 0.0


def test_the_canvas_stays_out_and_a_photo_filling_the_frame_is_matted_as_before():
    photo, frame, valid = _framed(340)
    a = matte(frame, astronaut_landmarks(), valid=valid)
    assert float(a[:, 340:].max()) == 0.0 and float(a[300:, 150:250].mean()) > 0.95
    # no canvas (the photo reaches every side): no photo box, the same matte as without ``valid``
    img = astronaut()
    np.testing.assert_array_equal(matte(img, astronaut_landmarks(), valid=np.ones(img.shape[:2], bool)),
                                  matte(img, astronaut_landmarks()))


def test_photo_box_of_a_levelled_photo_and_its_checks():
    v = np.zeros((20, 30), bool)
    v[2:, 4:25] = True
    v[2, 4] = False                                  # a levelled photo's corner: the box still holds it
    assert photo_box(v, (20, 30)) == (slice(2, 20), slice(4, 25))
    assert photo_box(np.zeros((20, 30), bool), (20, 30)) is None
    with pytest.raises(ValueError):
        photo_box(v, (30, 20))
