"""The scorecard's metrics on synthetic cases with a known answer, and its merge logic.

The full scorecard (real photos) never runs here.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from candid.scorecard import metrics
from candid.scorecard.damage import damage
from candid.scorecard.data import Dataset, subsample
from candid.scorecard.sheets import SectionResult, attempt, merge


# --- AUC -------------------------------------------------------------------------------------------

def test_auc_known_answers():
    assert metrics.auc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]) == 1.0
    assert metrics.auc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]) == 0.0
    # 3 of the 4 positive/negative pairs are ordered right.
    assert metrics.auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == pytest.approx(0.75)
    assert np.isnan(metrics.auc([0.1, 0.2], [1, 1]))


@given(st.lists(st.floats(0, 1), min_size=2, max_size=30))
@settings(max_examples=40, deadline=None)
def test_auc_of_identical_inputs_is_half(values):
    # The same scores for both classes: every pair is a tie.
    scores = values + values
    labels = [1] * len(values) + [0] * len(values)
    assert metrics.auc(scores, labels) == pytest.approx(0.5)


@given(st.lists(st.floats(-5, 5), min_size=4, max_size=40), st.integers(0, 2**31 - 1))
@settings(max_examples=40, deadline=None)
def test_auc_is_symmetric_and_ignores_nan(scores, seed):
    rng = np.random.default_rng(seed)
    y = rng.random(len(scores)) < 0.5
    y[0], y[1] = True, False
    a = metrics.auc(scores, y)
    assert 0.0 <= a <= 1.0
    assert metrics.auc(-np.asarray(scores), y) == pytest.approx(1 - a)
    assert metrics.auc(list(scores) + [float("nan")], list(y) + [True]) == pytest.approx(a)


def test_stratified_folds_cover_once_and_keep_the_share():
    y = np.array([1] * 12 + [0] * 38, bool)
    folds = metrics.stratified_folds(y, 5, seed=3)
    allidx = np.concatenate(folds)
    assert sorted(allidx.tolist()) == list(range(50))
    assert all(int(y[f].sum()) in (2, 3) for f in folds)
    assert [f.tolist() for f in folds] == [f.tolist() for f in metrics.stratified_folds(y, 5, seed=3)]


class _Threshold:
    def __init__(self, w):
        self.w = w

    def predict(self, X):
        return X @ self.w


def _fit_mean_difference(X, y, *, seed=0):
    return _Threshold(X[y].mean(0) - X[~y].mean(0))


def test_cross_validated_auc_perfect_and_chance():
    rng = np.random.default_rng(0)
    y = np.r_[np.ones(20, bool), np.zeros(30, bool)]
    separable = np.c_[y * 3.0 + rng.normal(0, 0.1, 50), rng.normal(0, 1, 50)]
    assert metrics.cross_validated_auc(separable, y, _fit_mean_difference, seed=1)[0] == 1.0
    same = np.zeros((50, 2))
    a, pred = metrics.cross_validated_auc(same, y, _fit_mean_difference, seed=1)
    assert a == 0.5 and np.isfinite(pred).all()


# --- matte ------------------------------------------------------------------------------------------

def _subject_matte(h=120, w=100):
    a = np.zeros((h, w), np.float32)
    yy, xx = np.mgrid[:h, :w]
    a[((yy - 45) ** 2 + (xx - 50) ** 2 < 25 ** 2) | ((yy > 60) & (np.abs(xx - 50) < 35))] = 1.0
    return a


def test_two_detached_blobs_give_two():
    a = _subject_matte()
    assert metrics.detached_pieces(a, (50, 45)) == 0
    a[3:7, 3:9] = 0.9          # a floating piece of background
    a[5:8, 90:96] = 0.7
    a[110:115, 2:4] = 0.4      # below the 0.5 threshold: not a piece
    assert metrics.detached_pieces(a, (50, 45)) == 2
    # The count does not depend on which component holds the face.
    assert metrics.detached_pieces(a, (5, 5)) == 2
    assert metrics.detached_pieces(a) == 2


def test_diagonal_touch_is_connected():
    a = _subject_matte()
    a[10, 10] = a[11, 11] = 1.0  # touching diagonally: one piece
    assert metrics.detached_pieces(a, (50, 45)) == 1


def _disk_scene(halo: int, colour=(1.0, 1.0, 1.0), size=200, radius=50):
    yy, xx = np.mgrid[:size, :size]
    r = np.hypot(yy - size / 2, xx - size / 2)
    alpha = (r < radius).astype(np.float32)
    img = np.empty((size, size, 3), np.float32)
    img[:] = (0.45, 0.5, 0.55)
    img[r < radius] = (0.6, 0.35, 0.25)
    if halo:
        img[(r >= radius) & (r < radius + halo)] = colour
    return img, alpha


@pytest.mark.parametrize("width", [0, 1, 2, 4, 6])
def test_halo_of_known_width(width):
    img, alpha = _disk_scene(width)
    assert metrics.halo_px(img, alpha) == pytest.approx(width, abs=0.6)


def test_halo_inside_the_edge_and_dark_halo_count_too():
    img, alpha = _disk_scene(0)
    yy, xx = np.mgrid[:200, :200]
    r = np.hypot(yy - 100, xx - 100)
    img[(r < 50) & (r >= 47)] = (0.02, 0.02, 0.02)  # a 3 px dark rim inside the matte
    assert metrics.halo_px(img, alpha) == pytest.approx(3, abs=0.6)


def test_a_soft_mix_between_the_sides_is_no_halo():
    img, alpha = _disk_scene(0)
    from scipy import ndimage

    soft = ndimage.gaussian_filter(img, (2, 2, 0))  # a blurred edge: colours between both sides
    assert metrics.halo_px(soft, alpha) == pytest.approx(0, abs=0.3)


def _chain(alpha, img, half=1, colour=(0.9, 0.75, 0.3)):
    yy, xx = np.mgrid[:alpha.shape[0], :alpha.shape[1]]
    chain = (np.abs(xx - 100) <= half) & (yy >= 149) & (yy < 190)  # hangs from the disk's bottom
    alpha[chain] = 1.0
    img[chain] = colour
    return chain


@pytest.mark.parametrize("half", [1, 2])
def test_a_thin_chain_hanging_from_the_subject_is_no_halo(half):
    img, alpha = _disk_scene(0)
    _chain(alpha, img, half)
    assert metrics.halo_px(img, alpha) < 0.1
    assert metrics.halo_px(img, alpha, thin=0) > 0.2  # what the measure read before: the chain's width


def test_a_real_halo_still_counts_beside_a_chain():
    img, alpha = _disk_scene(3)
    _chain(alpha, img, 1)
    assert metrics.halo_px(img, alpha) == pytest.approx(3, abs=0.6)
    img, alpha = _disk_scene(0)
    yy, xx = np.mgrid[:200, :200]
    r = np.hypot(yy - 100, xx - 100)
    img[(r < 50) & (r >= 47)] = (0.02, 0.02, 0.02)  # a dark rim inside the outline
    _chain(alpha, img, 1)
    assert metrics.halo_px(img, alpha) == pytest.approx(3, abs=0.6)


def test_a_wide_jewel_counts_unless_the_caller_says_it_is_one():
    img, alpha = _disk_scene(0)
    jewel = _chain(alpha, img, 5)  # 11 px wide: not thin, so it is measured
    assert metrics.halo_px(img, alpha) > 0.2
    assert metrics.halo_px(img, alpha, skip=jewel) < 0.1


def test_thin_pieces_are_the_narrow_parts_only():
    img, alpha = _disk_scene(0)
    chain = _chain(alpha, img, 1)
    thin = metrics.thin_pieces(alpha)
    assert thin[chain].mean() > 0.8 and not thin[~chain].any()
    assert not metrics.thin_pieces(alpha, width=0).any()


def test_halo_without_edge_is_nan():
    assert np.isnan(metrics.halo_px(np.zeros((50, 50, 3)), np.zeros((50, 50))))


# --- restore, finish, honest helpers ------------------------------------------------------------------

def test_psnr_inside_mask_only():
    a = np.zeros((10, 10, 3))
    b = a.copy()
    b[5:] = 1.0
    m = np.zeros((10, 10), bool)
    m[:5] = True
    assert metrics.psnr(a, b, m) == float("inf")
    assert metrics.psnr(a, b, ~m) == pytest.approx(0.0)


def test_contrast_ratio_known():
    x = np.random.default_rng(0).random((20, 20, 3))
    assert metrics.contrast_ratio(x, x) == pytest.approx(1.0)
    assert metrics.contrast_ratio(x, 0.5 + 0.5 * (x - 0.5)) == pytest.approx(0.5)


def test_pixels_changed():
    x = np.random.default_rng(0).random((8, 8, 3)).astype(np.float32)
    assert not metrics.pixels_changed(x, x.copy())
    y = x.copy()
    y[3, 3, 1] = np.nextafter(y[3, 3, 1], 2, dtype=np.float32)
    assert metrics.pixels_changed(x, y)


def test_damage_is_seeded_and_the_mask_is_where_pixels_changed():
    clean = np.full((240, 320, 3), 0.5, np.float32)
    d1, d2 = damage(clean, seed=4), damage(clean, seed=4)
    assert np.array_equal(d1.pixels, d2.pixels) and np.array_equal(d1.mask, d2.mask)
    assert not np.array_equal(d1.mask, damage(clean, seed=5).mask)
    faded = damage(clean, cracks=0, scratches=0, dust=0, seed=4)
    assert not faded.mask.any()
    changed = np.abs(d1.pixels - faded.pixels).max(-1) > 1e-6
    assert np.array_equal(changed, d1.mask)
    # The damage is not the restore engine's own test damage: it must not already be "clean".
    assert metrics.psnr(d1.pixels, clean, d1.mask) < 15


def test_flattery_changes_only_the_face():
    from skimage import data

    from candid.face import analyze_face
    from candid.scorecard.flatter import KINDS, flatter

    img = data.astronaut()[::2, ::2].astype(np.float32) / 255
    lm = analyze_face(img, embed=False, quality=False).landmarks
    box = (slice(int(lm[:, 1].min()) - 30, int(lm[:, 1].max()) + 30),
           slice(int(lm[:, 0].min()) - 30, int(lm[:, 0].max()) + 30))
    outside = np.ones(img.shape[:2], bool)
    outside[box] = False
    for kind in KINDS:
        out = flatter(img, lm, kind)
        assert out.shape == img.shape and out.dtype == np.float32
        assert np.abs(out - img).max() > 0.02, kind
        assert np.abs(out - img)[outside].max() < 1e-6, kind
    lab = __import__("skimage.color", fromlist=["rgb2lab"]).rgb2lab
    from candid.face import face_regions

    skin = face_regions(img, lm).full("skin", img.shape[:2])
    dl = lab(flatter(img, lm, "skin_lightness"))[..., 0][skin].mean() - lab(img)[..., 0][skin].mean()
    assert 5.0 < dl < 8.5


def _dots(shape, points, sigma=1.5):
    yy, xx = np.mgrid[:shape[0], :shape[1]]
    img = np.full(shape + (3,), 0.8, np.float32)
    for x, y in points:
        img -= 0.6 * np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * sigma**2))[..., None].astype(np.float32)
    return img


def _centroid(img, near, r=6):
    x0, y0 = int(round(near[0])), int(round(near[1]))
    win = 0.8 - img[y0 - r:y0 + r + 1, x0 - r:x0 + r + 1].mean(-1)
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1]
    return np.array([x0 + (win * xx).sum() / win.sum(), y0 + (win * yy).sum() / win.sum()])


@pytest.mark.parametrize("kind, a, b, ratio", [("nose_width", 31, 35, 0.90), ("jaw_width", 4, 12, 0.92),
                                               ("eye_size", 36, 39, 1.15), ("eye_size", 42, 45, 1.15)])
def test_flattery_warps_move_points_by_the_known_amount(kind, a, b, ratio):
    # Dots at the landmarks that define the measurement; the warp must move them by the stated factor.
    from candid.scorecard.flatter import flatter

    lm = np.array(_ASTRONAUT_LANDMARKS_2X, np.float64)
    img = _dots((400, 400), [lm[a], lm[b]])
    out = flatter(img, lm, kind)
    pa, pb = _centroid(out, lm[a]), _centroid(out, lm[b])
    got = np.linalg.norm(pa - pb) / np.linalg.norm(lm[a] - lm[b])
    assert got == pytest.approx(ratio, abs=0.02)


# 68 landmarks of a frontal face (the astronaut's, scaled 2x around its centre), so no face detector is needed.
def _astronaut_landmarks_2x():
    from skimage import data

    from candid.face import analyze_face

    lm = analyze_face(data.astronaut().astype(np.float32) / 255, embed=False, quality=False).landmarks
    c = lm.mean(0)
    return (lm - c) * 2 + np.array([200.0, 200.0])


_ASTRONAUT_LANDMARKS_2X = _astronaut_landmarks_2x()


# --- plumbing ----------------------------------------------------------------------------------------

def test_attempt_turns_exceptions_into_messages():
    from candid.errors import CandidError

    assert attempt(lambda: 3) == (3, None)
    value, msg = attempt(lambda: (_ for _ in ()).throw(CandidError("no face found", hint="try another")))
    assert value is None and msg == "CandidError: no face found (try another)"


def test_merge_replaces_only_the_sections_keys(tmp_path):
    merge(tmp_path, SectionResult("studio", {"studio.a": 1.0, "studio.b": 2.0, "seconds.studio": 3.0}, "<p>S</p>"))
    merge(tmp_path, SectionResult("honest", {"honest.x": float("nan")}, "<p>H</p>"))
    keys = merge(tmp_path, SectionResult("studio", {"studio.a": 5.0, "seconds.studio": 1.0}, "<p>S2</p>"))
    assert keys == {"studio.a": 5.0, "seconds.studio": 1.0, "honest.x": None}
    assert json.loads((tmp_path / "scorecard.json").read_text()) == keys
    page = (tmp_path / "index.html").read_text()
    assert "<p>S2</p>" in page and "<p>H</p>" in page and "<p>S</p>" not in page


def test_studio_matte_is_read_from_either_place():
    from candid.portrait import Portrait
    from candid.scorecard.studio import studio_matte

    px = np.zeros((4, 5, 3), np.float32)
    m = np.ones((4, 5), np.float32)
    assert studio_matte(Portrait(px)) is None
    assert studio_matte(Portrait(px, matte=m)) is not None
    p = Portrait(px)
    if hasattr(p, "extras"):
        p.extras["studio.matte"] = m
        assert np.array_equal(studio_matte(p), m)


def test_dataset_layout_and_subsample(tmp_path):
    for rel in ("real/a.jpg", "real/people/ann/1.jpg", "real/people/ann/2.png", "real/portraits/p.webp",
                "old/o.png", "ai/x.jpg", "ai/notes.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"")
    d = Dataset.scan(tmp_path)
    assert [d.name(p) for p in d.real] == ["real/a.jpg", "real/people/ann/1.jpg", "real/people/ann/2.png",
                                            "real/portraits/p.webp"]
    assert list(d.people) == ["ann"] and len(d.portraits) == 3 and len(d.ai) == 1 and len(d.old) == 1
    assert Dataset.scan(tmp_path / "missing").real == []
    assert subsample(list(range(7)), 7) == list(range(7)) and subsample(list(range(7)), 2) == [0, 6]


def test_cli_runs_a_section_on_a_tiny_folder(tmp_path):
    # Two synthetic 'old prints' through the real restore engine: exercises the CLI, merge and HTML.
    from PIL import Image

    from candid.scorecard.__main__ import main

    rng = np.random.default_rng(0)
    (tmp_path / "data" / "old").mkdir(parents=True)
    for i in range(2):
        px = (0.3 + 0.4 * rng.random((96, 128, 3))).astype(np.float32)
        Image.fromarray((px * 255).astype(np.uint8)).save(tmp_path / "data" / "old" / f"p{i}.png")
    assert main(["--data", str(tmp_path / "data"), "--out", str(tmp_path / "out"), "--only", "restore",
                 "--quiet"]) == 0
    keys = json.loads((tmp_path / "out" / "scorecard.json").read_text())
    assert keys["restore.n_old"] == 2 and keys["restore.n_synthetic"] == 0 and keys["restore.contrast_kept"] > 0
    assert keys["restore.psnr_gain_db"] is None
    assert "data:image/jpeg;base64," in (tmp_path / "out" / "index.html").read_text()


def test_a_section_that_raises_is_counted_not_fatal(tmp_path, monkeypatch):
    import candid.scorecard.restore as restore_section
    from candid.scorecard.__main__ import main

    def boom(*args, **kwargs):
        raise RuntimeError("planted bug")

    monkeypatch.setattr(restore_section, "run", boom)
    (tmp_path / "data").mkdir()
    assert main(["--data", str(tmp_path / "data"), "--out", str(tmp_path / "out"), "--only", "restore",
                 "--quiet"]) == 0
    assert json.loads((tmp_path / "out" / "scorecard.json").read_text()) == {"restore.crashed": 1,
                                                                              "restore.failures": 1}
    assert "planted bug" in (tmp_path / "out" / "index.html").read_text()
