"""Round 13 review leftovers: the relight uses the face analysis's mesh (no second search)."""

from __future__ import annotations

import importlib

import cv2
import numpy as np

from candid.engines.studio.frame import Framing, apply_framing
from candid.engines.studio.stage import framed_mesh, studio_stage
from candid.face import analyze_face
from candid.face.examples import astronaut
from candid.face.mesh import face_mesh
from candid.portrait import Portrait


def test_analysis_keeps_the_mesh_depth():
    face = analyze_face(astronaut(), embed=False, quality=False)
    mesh = face.mesh_3d
    assert mesh.shape == (478, 3) and np.array_equal(mesh[:, :2], face.mesh)
    assert float(np.ptp(mesh[:468, 2])) > 0.2 * face.iod  # a face's depth, not zeros
    nose, cheek = mesh[4, 2], mesh[234, 2]
    assert nose < cheek  # MediaPipe's z: the nose tip is nearer the camera than the cheek's edge


def test_framed_mesh_matches_a_mesh_found_in_the_frame():
    """The analysis's mesh moved by a rotating, enlarging frame lands where the mesh is found in that frame."""
    img = astronaut()
    face = analyze_face(img, embed=False, quality=False)
    centre = face.landmarks[27:36].mean(0)
    m = cv2.getRotationMatrix2D((float(centre[0]), float(centre[1])), 8.0, 2.0)  # 8 degrees, twice the size
    m[:, 2] += (300, 300) - centre  # the nose to the frame's middle
    framing = Framing(m, (600, 600), 8.0)
    crop = apply_framing(img, framing)
    moved = framed_mesh(face, framing)
    lm = framing.map_points(face.landmarks)
    found = face_mesh((crop * 255 + 0.5).astype(np.uint8), (*lm.min(0), *lm.max(0)))
    iod = 2 * face.iod
    assert float(np.linalg.norm(moved[:, :2] - found[:, :2], axis=1).mean()) < 0.03 * iod
    # the depth is in pixels: it doubled with the frame (unscaled it would be half the found one)
    dz = moved[:468, 2] - moved[:468, 2].mean()
    fz = found[:468, 2] - found[:468, 2].mean()
    assert 0.85 < float(np.std(dz) / np.std(fz)) < 1.15
    assert float(np.abs(dz - fz).mean()) < 0.03 * iod


def test_stage_passes_the_analysis_mesh_to_the_relight(monkeypatch):
    """No second face-mesh search in the relight when the portrait carries its face analysis."""
    rl = importlib.import_module("candid.engines.studio.relight")  # the module (the package exports the function)

    searched = []
    monkeypatch.setattr(rl, "_photo_mesh", lambda *a, **k: searched.append(1))
    img = astronaut()
    face = analyze_face(img, embed=False, quality=False)  # no embedding: one pass, no likeness retries
    out = studio_stage(Portrait(img, face=face), style="linkedin")
    assert out.log[-1].params["light"] == "loop"
    assert searched == []
    # the headshot's analysis carries the moved mesh with its depth (the frame only rotates and shifts)
    assert out.face.mesh_3d is not None and np.allclose(out.face.mesh_depth, face.mesh_depth)


def test_stage_without_mesh_depth_lets_the_relight_search(monkeypatch):
    """An analysis without depth (moved, or dlib68) still gets the photo's own nose: the relight finds the mesh."""
    from dataclasses import replace

    rl = importlib.import_module("candid.engines.studio.relight")  # the module (the package exports the function)

    searched = []
    real = rl._photo_mesh
    monkeypatch.setattr(rl, "_photo_mesh", lambda *a, **k: searched.append(1) or real(*a, **k))
    img = astronaut()
    face = replace(analyze_face(img, embed=False, quality=False), mesh_depth=None)
    studio_stage(Portrait(img, face=face), style="linkedin")
    assert searched == [1]


def _beanie_scene(scale: int = 4):
    """The astronaut's landmarks on a large photo (``scale`` times 512 px): brown hair, a green beanie on top."""
    from candid.face.examples import astronaut_landmarks
    from candid.face.masks import forehead_top

    lm = astronaut_landmarks() * scale
    n = 512 * scale
    img = np.full((n, n, 3), 0.9, np.float32)
    img[20 * scale:, 120 * scale:380 * scale] = (0.25, 0.15, 0.1)
    cv2.fillConvexPoly(img, np.round(lm[:17]).astype(np.int32), (0.85, 0.65, 0.55))
    img[20 * scale:int(forehead_top(lm)[:, 1].min()), 120 * scale:380 * scale] = (0.2, 0.6, 0.3)
    person = np.zeros((480, 480), np.float32)
    person[19:, 112:357] = 1  # the 480 px mask the stage reads the photo with
    return img, lm, person


def test_head_covering_reads_the_mask_over_the_head_only(monkeypatch):
    """The passport's covering check brings the small person mask up over the head's window, not the whole photo."""
    from candid.engines.studio.frame import head_covering

    img, lm, person = _beanie_scene()
    sizes = []
    real = cv2.resize

    def watched(src, dsize, *a, **k):
        if np.ndim(src) == 2:
            sizes.append(tuple(dsize))
        return real(src, dsize, *a, **k)

    monkeypatch.setattr(cv2, "resize", watched)
    found = head_covering(img, lm, person)
    assert found is not None and found["change"] == "head_covering"
    assert (img.shape[1], img.shape[0]) not in sizes  # no full-size copy of the mask


def test_head_mask_window_is_the_full_mask_cut():
    from candid.engines.studio.frame import _head_mask

    rng = np.random.default_rng(1)
    person = cv2.GaussianBlur(rng.random((60, 80)).astype(np.float32), (0, 0), 3)
    person = (person - person.min()) / np.ptp(person)
    whole = _head_mask(person, None, (301, 397), (40, 300, 200))
    part = _head_mask(person, None, (301, 397), (40, 300, 200), window=(37, 55, 310, 230))
    assert part.shape == (175, 273)
    assert (part != whole[55:230, 37:310]).mean() < 1e-3  # the same linear upsampling (float rounding aside)


def test_engine_and_scorecard_share_one_thin_piece_finder(monkeypatch):
    """composite.hanging_pieces (a drop earring's chain) and metrics.thin_pieces find thin pieces the same way."""
    import candid.pieces as pieces
    from candid.face.examples import astronaut_landmarks
    from candid.scorecard import metrics

    comp = importlib.import_module("candid.engines.studio.composite")
    lm = astronaut_landmarks()
    a = np.zeros((512, 512), np.float32)
    a[60:180, 175:275] = 1  # the head
    a[180:220, 188:191] = 1  # a 3 px chain hanging below the ear lobe
    calls = []
    real = pieces.thin_components
    monkeypatch.setattr(pieces, "thin_components", lambda *x, **k: calls.append(1) or real(*x, **k))
    hung = comp.hanging_pieces(a, lm, width=8)
    thin = metrics.thin_pieces(a, width=8)
    assert len(calls) == 2
    assert thin[181:219, 188:191].all() and hung[181:219, 188:191].all()
    # the scorecard's disk (pixels within r + 0.5) is the engine's too: OpenCV's 7 px ellipse, with a single
    # pixel at its top and bottom, left 3 more pixels of this chain's root standing
    m = np.zeros((60, 60), bool)
    m[10:40, 10:40] = True
    m[40:58, 24:27] = True
    n, labels, stats = real(m, 6)
    assert int(stats[1:, cv2.CC_STAT_AREA].max()) == 48 == int(metrics.thin_pieces(m.astype(np.float32)).sum())
