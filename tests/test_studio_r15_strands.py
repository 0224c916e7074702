"""Loose strands past the narrow band below the temples (round 15, r15-strands).

scarlett_4.jpg: light strands hang from the ponytail below the ear over a dark wall. GrabCut left them out of the
mask, the trimap's band is narrow there (below the temples), so they were known background, and on every extended
canvas the hair ended at the neck. Planted synthetic cases; no real data needed.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from candid.face.examples import astronaut_landmarks
from candid.scorecard.metrics import detached_pieces

M = importlib.import_module("candid.engines.studio.matte")

HAIR = (0.75, 0.65, 0.5)
WALL = (0.12, 0.12, 0.14)


def _scene():
    """Hair (opaque, columns < 40), a narrow unknown band (40-44), a dark wall with loose strands hanging on."""
    img = np.empty((120, 120, 3), np.float32)
    img[:] = WALL
    img[:, :40] = HAIR
    tri = np.zeros((120, 120), np.float32)
    tri[:, :40] = 1.0
    tri[:, 40:44] = 0.5
    # three loose strands, 1 px wide, leaving the band and running down-right over the wall
    for k, x0 in enumerate((40, 40, 40)):
        y0 = 20 + 25 * k
        for i in range(40):
            img[y0 + i, x0 + i // 2] = HAIR
    return img, tri


def test_strands_leaving_the_band_become_unknown_and_the_wall_between_them_does_not():
    img, tri = _scene()
    z = M.strand_band(img, tri, 200.0)  # reach 0.16 face widths: 32 px from the band
    assert z[20 + 20, 40 + 10] > 0.9  # on a strand, 10 px beyond the band
    assert z[20 + 20, 40 + 11] > 0.9  # its flank (the gap's sample beside it)
    assert z[60, 100] == 0 and z[5, 60] == 0  # the wall far from any strand
    assert not (z[tri >= 0.999] > 0).any()  # never the sure person


def test_lines_apart_from_the_band_a_broad_lit_patch_and_what_the_segmenter_calls_empty_stay_background():
    img, tri = _scene()
    img[100:104, 60:75] = (0.5, 0.5, 0.5)  # a small lit patch of wall, touching nothing
    img[5, 80:100] = HAIR  # a lit line on the wall, not joined to the band
    img[0:16, 44:60] = (0.4, 0.4, 0.4)  # a broad lighter patch of wall next to the band
    z = M.strand_band(img, tri, 200.0)
    assert z[5, 90] == 0 and z[102, 68] == 0
    assert z[8, 52] == 0
    prob = np.zeros((120, 120), np.float32)  # the segmenter sees no person there at all: a lit line on a wall
    assert not M.strand_band(img, tri, 200.0, prob=prob).any()


def test_the_band_fades_out_at_its_reach_instead_of_cutting_a_long_strand():
    img, tri = _scene()
    z = M.strand_band(img, tri, 100.0)  # reach 16 px from the band: a strand runs 20 px out
    along = [float(z[20 + i, 40 + i // 2]) for i in range(0, 40, 2)]
    assert along[0] == 1.0 and along[-1] == 0.0
    assert np.abs(np.diff(along)).max() < 0.5  # a fade over several pixels, not a cut


def test_a_strand_far_from_the_hair_is_lifted_to_its_colours_share():
    # closed-form matting, with no person sample near, holds a loose strand at a faint 0.05
    img, tri = _scene()
    tri2 = tri.copy()
    z = M.strand_band(img, tri, 200.0)
    tri2[(z > 0) & (tri2 <= 0.001)] = 0.5
    a = np.where(tri2 >= 0.999, 1.0, np.where(tri2 > 0.001, 0.05, 0.0)).astype(np.float32)
    before = M.strand_gaps(img, a, tri2, 200.0)
    after = M.strand_gaps(img, a, tri2, 200.0, lift=z)
    y, x = 20 + 20, 40 + 10
    assert before[y, x] <= 0.05 + 1e-6 and after[y, x] > 0.5  # the strand is the hair's colour: kept
    assert after[y, x + 3] <= 0.05 + 1e-6  # the gap beside it is the wall: not raised
    assert (after >= before - 1e-6).all() and (after[z == 0] == before[z == 0]).all()  # only raised, only on strands


def test_attached_only_keeps_a_fan_of_faint_strands_the_colours_found_and_nothing_else():
    lm = astronaut_landmarks()  # face width 92 px
    a = np.zeros((512, 512), np.float32)
    a[60:, 150:360] = 1
    a[200:260, 360:400] = 0.08  # a fan of faint crossing strands beyond the soft edge's reach
    a[202, 390] = a[230, 395] = 0.7  # a denser crossing
    a[20:40, 420:460] = 0.2  # a haze apart from the strands
    strands = np.zeros_like(a)
    strands[200:260, 360:400] = 1
    old = M.attached_only(a, lm)
    assert old[230, 385] == 0  # before: cut 4 px out of the opaque hair
    b = M.attached_only(a, lm, loose=strands)
    assert b[230, 385] == pytest.approx(0.08) and b[230, 395] == pytest.approx(0.5)
    assert b[30, 440] == 0  # the haze still goes
    assert detached_pieces(b) == 0


def test_clothes_edge_leaves_loose_strands_by_the_neck_to_the_hair():
    lm = astronaut_landmarks()
    img = np.full((512, 512, 3), 0.8, np.float32)
    img[300:, 100:400] = (0.1, 0.1, 0.2)  # a dark suit
    a = np.zeros((512, 512), np.float32)
    a[300:, 100:400] = 1
    a[300:, 400:440] = 0.4  # grey smoke beside it ...
    strands = np.zeros_like(a)
    strands[420:480, 400:440] = 1  # ... and, lower down, strands the colours found
    b = M.clothes_edge(img, a, lm)
    assert b[450, 420] == 0 and b[350, 420] == 0  # before: all cleaned away as smoke
    c = M.clothes_edge(img, a, lm, strands=strands)
    assert c[350, 420] == 0  # the smoke still goes
    assert c[450, 420] == pytest.approx(0.4)  # the strands stay


def test_suppress_rim_keeps_a_loose_strand_far_from_the_outline_as_light_as_it_is():
    # the soft edge's brightness cap came from a normalised blur of the inner ring that, 0.15 face widths and more
    # out, had nothing to normalise (its weight under the floor): a light strand there was capped to a dark line
    from candid.engines.studio.composite import suppress_rim

    img = np.full((120, 200, 3), 0.1, np.float32)
    img[:, :60] = (0.8, 0.65, 0.55)  # the person
    a = np.zeros((120, 200), np.float32)
    a[:, :60] = 1
    a[:, 60:64] = 0.5  # the soft edge
    img[100:, :] = (0.8, 0.65, 0.55)  # and a shoulder below, across the frame
    a[100:, :] = 1
    img[58:60, 64:180] = (0.85, 0.78, 0.6)  # a light strand running far out
    a[58:60, 64:180] = 0.4
    out, _ = suppress_rim(img, a, width=3.0)
    near, far = out[58, 70].mean(), out[58, 170].mean()
    assert far > 0.6 and abs(far - near) < 0.1  # as light far out as near the head
