"""Inspector round 2: planted compositing failures, painted catchlights, hands, the calibrated combination,
the scaled working copy. Nothing here needs ../shared/data."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from skimage import data

from candid.face import analyze_face
from candid.inspector import inspect_image
from candid.inspector import combine as cb
from candid.inspector.tells.edges import person_mask
from candid.inspector.tells.eyes import Catchlight, identical_discs


@pytest.fixture(scope="module")
def astro() -> np.ndarray:
    return data.astronaut().astype(np.float32) / 255.0


@pytest.fixture(scope="module")
def astro_face(astro):
    return analyze_face(astro, embed=False, quality=False)


def studio_composite(img: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The person (largest segment only) over a smooth studio gradient, like candid's studio output."""
    prob = person_mask(img)
    _, lab, st_, _ = cv2.connectedComponentsWithStats((prob > 0.5).astype(np.uint8))
    keep = (lab == 1 + int(np.argmax(st_[1:, cv2.CC_STAT_AREA]))).astype(np.float32)
    a = cv2.GaussianBlur(keep, (0, 0), 1.0)
    h, w = img.shape[:2]
    yy = np.mgrid[:h, :w][0] / max(h, w)
    bg = np.stack([0.55 - 0.15 * yy, 0.58 - 0.15 * yy, 0.62 - 0.12 * yy], -1).astype(np.float32)
    bg += np.random.default_rng(seed).normal(0, 0.006, bg.shape).astype(np.float32)
    return np.clip(a[..., None] * img + (1 - a[..., None]) * bg, 0, 1).astype(np.float32), a


def plant_debris_and_halo(img, alpha, box, seed=0):
    """A light halo along the subject's edge and six dark hair-coloured blobs floating near the head."""
    rng = np.random.default_rng(seed)
    m = (alpha > 0.5).astype(np.uint8)
    ring = cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))) - m
    ring = cv2.GaussianBlur(ring.astype(np.float32), (0, 0), 1.5)
    out = np.clip(img + (0.35 * ring * (1 - alpha))[..., None], 0, 1)
    x0, y0, x1, y1 = box
    fw = x1 - x0
    where = np.zeros(img.shape[:2], bool)
    for _ in range(6):
        ang = rng.uniform(-np.pi, 0)
        cx = (x0 + x1) / 2 + np.cos(ang) * fw * rng.uniform(1.0, 1.4)
        cy = (y0 + y1) / 2 + np.sin(ang) * fw * rng.uniform(1.0, 1.4)
        pts = np.array([[cx + rng.uniform(4, 12) * np.cos(t), cy + rng.uniform(4, 12) * np.sin(t)]
                        for t in np.linspace(0, 2 * np.pi, 9)[:-1]], np.int32)
        blob = np.zeros(img.shape[:2], np.uint8)
        cv2.fillPoly(blob, [pts], 1)
        blob = blob.astype(bool) & (alpha < 0.1)
        out[blob] = np.array([0.25, 0.17, 0.12]) + rng.normal(0, 0.02, (int(blob.sum()), 3))
        where |= blob
    return out.astype(np.float32), where, ring > 0.3


def test_planted_debris_and_halo_raise_edges(astro, astro_face):
    comp, alpha = studio_composite(astro)
    b = astro_face.box
    bad, blobs, halo = plant_debris_and_halo(comp, alpha, (b.x0, b.y0, b.x1, b.y1))
    plain = inspect_image(astro, face=astro_face, tells=("edges",), afar=False).tell("edges")
    planted = inspect_image(bad, face=astro_face, tells=("edges",), afar=False).tell("edges")
    assert planted.score > 0.7 and planted.score > plain.score + 0.4
    assert planted.metrics["n_debris"] >= 3 and planted.metrics["halo"] > plain.metrics["halo"]
    y0, y1, x0, x1 = planted.heatmap_window
    heat = cv2.resize(planted.heatmap, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
    assert heat[blobs].mean() > 10 * heat[~(blobs | halo)].mean()
    assert heat[halo].mean() > 3 * heat[~(blobs | halo)].mean()
    assert "detached" in planted.explanation


@pytest.fixture(scope="module")
def big_face(astro):
    crop = cv2.resize(astro[0:256, 96:352], (768, 768), interpolation=cv2.INTER_CUBIC)
    return crop, analyze_face(crop, embed=False, quality=False)


def test_identical_painted_catchlights_raise_eyes(big_face):
    crop, face = big_face
    circles = face.regions(crop).iris_circles
    painted, mixed = crop.copy(), crop.copy()
    for i, (cx, cy, r) in enumerate(circles):
        centre = (int(round(cx + 0.35 * r)), int(round(cy - 0.35 * r)))
        cv2.circle(painted, centre, max(2, int(round(0.28 * r))), (1.0, 1.0, 1.0), -1, cv2.LINE_AA)
        if i == 0:
            cv2.circle(mixed, centre, max(2, int(round(0.28 * r))), (1.0, 1.0, 1.0), -1, cv2.LINE_AA)
        else:  # a soft, elongated window reflection in the other eye
            cv2.ellipse(mixed, centre, (max(3, int(0.45 * r)), 2), 30, 0, 360, (0.85, 0.85, 0.85), -1, cv2.LINE_AA)
    e_painted = inspect_image(painted, face=face, tells=("eyes",), afar=False).tell("eyes")
    e_mixed = inspect_image(mixed, face=face, tells=("eyes",), afar=False).tell("eyes")
    e_plain = inspect_image(crop, face=face, tells=("eyes",), afar=False).tell("eyes")
    assert e_painted.metrics["identical_discs"] > 0.8
    assert e_painted.score > 0.8 and "identical" in e_painted.explanation
    assert e_mixed.metrics.get("identical_discs", 0.0) < 0.2
    assert e_plain.metrics.get("identical_discs", 0.0) < 0.2


def test_identical_discs_needs_both():
    disc = Catchlight(True, 0.3, -0.3, 0.05, 1.05, 0.95, 1.0, 1.0)
    assert identical_discs(disc, Catchlight(False)) == 0.0
    assert identical_discs(disc, disc) > 0.8
    moved = Catchlight(True, -0.4, 0.2, 0.05, 1.05, 0.95, 1.0, 1.0)
    assert identical_discs(disc, moved) < 0.1


# --- hands ---------------------------------------------------------------------------------------------------


def test_hand_skeleton_oddity():
    from candid.inspector.tells.hands import hand_oddity

    # A plausible flat hand: five fingers fanning from the wrist with human proportions.
    w = np.zeros((21, 3))
    for f, ang in enumerate(np.radians([-50, -20, 0, 15, 30])):
        d = np.array([np.sin(ang), -np.cos(ang), 0.0])
        lens = [0.035, 0.03, 0.025, 0.022] if f == 0 else [0.08, 0.035, 0.022, 0.02]
        p = np.zeros(3)
        for k, L in enumerate(lens):
            p = p + d * L
            w[1 + 4 * f + k] = p
    ok, _ = hand_oddity(w, 0.98)
    bent = w.copy()
    bent[12] = bent[11] + (bent[10] - bent[11]) * 0.9  # middle finger tip folded back on itself
    bad, m = hand_oddity(bent, 0.98)
    assert ok < 0.5 < bad and m["max_bend"] > 150
    unsure, _ = hand_oddity(w, 0.5)
    assert unsure > 0.9


def test_detect_hands_runs(astro):
    from candid.face.hands import detect_hands

    hands = detect_hands(astro)
    assert isinstance(hands, list)
    for h in hands:
        assert h.landmarks.shape == (21, 2) and h.world.shape == (21, 3) and 0 <= h.score <= 1


# --- combination -----------------------------------------------------------------------------------------------


def test_features_layout_and_missing_tells(astro, astro_face):
    r = inspect_image(astro, face=astro_face, afar=False)
    f = cb.features(r)
    assert f.shape == (len(cb.FEATURE_NAMES),) and np.isfinite(f).all()
    assert np.allclose(cb.features(json.loads(r.to_json())), f, atol=1e-3)
    assert np.all(cb.features({"tells": []}) == 0)
    assert "traces.evidence" not in cb.FEATURE_NAMES  # file history never decides


def test_fit_never_inverts_a_tell():
    rng = np.random.default_rng(0)
    n = 300
    y = rng.integers(0, 2, n)
    X = rng.normal(size=(n, len(cb.FEATURE_NAMES)))
    X[:, 0] += 1.5 * y        # a tell that works
    X[:, 1] -= 1.5 * y        # a tell pointing the wrong way: must get weight 0, not a negative one
    m = cb.fit(X, y, seed=0)
    assert m.coef[0] > 0.3 and m.coef[1] == 0.0
    assert np.all(m.coef >= 0)
    oof = cb.cross_val_predict(X, y, seed=0)
    assert 0.75 < cb.auc(y, oof) < 0.95
    assert cb.auc(y, m.predict(X)) >= cb.auc(y, oof) - 0.02
    again = cb.Combination.from_json(m.to_json())
    assert np.allclose(again.predict(X), m.predict(X))


def test_fit_rejects_one_class():
    with pytest.raises(ValueError):
        cb.fit(np.zeros((5, len(cb.FEATURE_NAMES))), np.ones(5))


@given(st.lists(st.floats(0, 1), min_size=len(cb.FEATURE_NAMES) * 2, max_size=len(cb.FEATURE_NAMES) * 2))
@settings(max_examples=30, deadline=None)
def test_features_bounded(values):
    tells = [{"name": n.split(".")[0], "score": values[2 * i], "confidence": values[2 * i + 1]}
             for i, n in enumerate(cb.FEATURE_NAMES)]
    f = cb.features({"tells": tells})
    assert np.all(np.abs(f) <= 0.5 + 1e-12)


def test_shipped_combination_drives_overall(astro, astro_face):
    model = cb.shipped()
    assert model is not None and model.names == cb.FEATURE_NAMES
    assert "cv_auc_matched" in model.meta and "command" in model.meta
    r = inspect_image(astro, face=astro_face, afar=False)
    assert r.overall_method == "logistic"
    assert r.overall == pytest.approx(float(model.predict(cb.features(r))[0]))
    lo, hi = r.overall_interval
    assert 0 <= lo <= r.overall <= hi <= 1


def test_match_protocol_sizes():
    img = np.full((300, 200, 3), 0.4, np.float32)
    out = cb.match_protocol(img)
    assert out.shape == (768, 512, 3) and out.dtype == np.float32


# --- scaled working copy ------------------------------------------------------------------------------------


def test_large_face_is_inspected_on_a_scaled_copy(astro):
    big = cv2.resize(astro[20:212, 128:320], (1536, 1536), interpolation=cv2.INTER_CUBIC)  # IOD ~ 340 px
    r = inspect_image(big, afar=False)
    assert r.face is not None and r.face["work_scale"] < 1
    assert r.face["iod_px"] > 300  # reported in the image's own pixels
    for t in r.tells:
        for _, (y0, y1, x0, x1) in t.crops:
            assert 0 <= y0 < y1 <= 1536 + 2 and 0 <= x0 < x1 <= 1536 + 2


def test_stage_report_is_reused_for_the_same_pixels(astro, astro_face):
    from candid.inspector.stage import inspect_stage, report_for
    from candid.portrait import Portrait

    p = inspect_stage(Portrait(astro, face=astro_face))
    rep = report_for(p.pixels)
    assert rep is not None and rep.overall_method == "logistic"
    assert report_for(astro.copy()) is None  # equal pixels in another array: not assumed to be the same image


def test_planted_colour_fringe_raises_edges(astro, astro_face):
    comp, alpha = studio_composite(astro)
    m = (alpha > 0.5).astype(np.uint8)
    ring = cv2.dilate(m, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))) - m
    fringed = comp.copy()
    fringed[ring.astype(bool)] = np.array([0.2, 0.75, 0.25], np.float32)  # a green seam, as a bad matte leaves
    clean = inspect_image(comp, face=astro_face, tells=("edges",), afar=False).tell("edges")
    bad = inspect_image(fringed, face=astro_face, tells=("edges",), afar=False).tell("edges")
    assert bad.metrics["fringe"] > 0.3 > clean.metrics["fringe"]
    assert bad.score > 0.7 and "colour fringe" in bad.explanation
