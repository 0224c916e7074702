"""Pure functions of the honest guard: warps, targets, audit, tone, texture, catchlights."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from skimage import data

from candid.face import analyze_face, face_geometry, face_regions
from candid.face.masks import FaceRegions
from candid.honest import (
    KeepError,
    audit_values,
    detect_catchlights,
    fix_catchlights,
    parse_keep,
    restore_texture,
    restore_tone,
    target_landmarks,
    undo_geometry,
    warp_face,
)
from candid.honest.synthetic import flatter, flattered_landmarks, smooth_skin
from candid.honest.texture import relative_detail

FAST = settings(max_examples=12, deadline=None)


@pytest.fixture(scope="module")
def astro():
    img = data.astronaut().astype(np.float32) / 255
    face = analyze_face(img, embed=False, quality=False)
    return img, np.asarray(face.landmarks, np.float64)


def _far_from_face(shape, landmarks, margin):
    (x0, y0), (x1, y1) = landmarks.min(0), landmarks.max(0)
    iod = float(np.linalg.norm(landmarks[42:48].mean(0) - landmarks[36:42].mean(0)))
    far = np.ones(shape[:2], bool)
    top = y0 - 1.2 * iod  # forehead above the brows
    far[int(max(0, top - margin * iod)):int(y1 + margin * iod), int(max(0, x0 - margin * iod)):int(x1 + margin * iod)] = False
    return far


# -- warp ---------------------------------------------------------------------------------------

@FAST
@given(eyes=st.floats(0.8, 1.3), nose=st.floats(0.8, 1.2), jaw=st.floats(0.9, 1.1))
def test_warp_moves_only_the_face_and_keeps_input(astro, eyes, nose, jaw):
    img, lm = astro
    before = img.copy()
    target = flattered_landmarks(lm, eyes=eyes, nose_width=nose, jaw=jaw)
    out = warp_face(img, lm, target)
    assert np.array_equal(img, before)  # input untouched
    assert out.dtype == np.float32 and out.shape == img.shape
    assert 0.0 <= out.min() and out.max() <= 1.0
    far = _far_from_face(img.shape, lm, 0.6)
    assert np.array_equal(out[far], img[far])  # background bit-identical


def test_warp_without_movement_is_a_copy(astro):
    img, lm = astro
    out = warp_face(img, lm, lm)
    assert np.array_equal(out, img) and out is not img


def test_warp_rejects_bad_landmarks(astro):
    img, lm = astro
    with pytest.raises(ValueError):
        warp_face(img, lm[:60], lm)
    with pytest.raises(ValueError):
        warp_face(img[..., 0], lm, lm)
    with pytest.raises(ValueError):
        undo_geometry(img, lm, lm, strength=1.5)


def test_warp_is_smooth_no_seams(astro):
    img, lm = astro
    out = warp_face(img, lm, flattered_landmarks(lm, eyes=1.25, nose_width=0.8, jaw=0.92))
    # A seam would show as a jump in the difference image; its gradient stays small.
    diff = np.abs(out - img).mean(-1)
    gy, gx = np.gradient(diff)
    grad_img = np.abs(np.gradient(img.mean(-1))).max()
    assert np.abs(gx).max() <= grad_img and np.abs(gy).max() <= grad_img


@FAST
@given(eyes=st.floats(0.8, 1.3), nose=st.floats(0.8, 1.2), lips=st.floats(0.8, 1.3), jaw=st.floats(0.9, 1.1))
def test_target_landmarks_restore_reference_geometry(astro, eyes, nose, lips, jaw):
    _, lm = astro
    ref = face_geometry(lm)
    flat = flattered_landmarks(lm, eyes=eyes, nose_width=nose, lips=lips, jaw=jaw)
    all_on = dict.fromkeys(["eye-size", "nose-width", "lip-fullness", "jaw-width", "face-width"], 1.0)
    back = face_geometry(target_landmarks(flat, ref, all_on))
    for key in ("eye_width", "eye_opening", "nose_width", "upper_lip", "lower_lip", "jaw_width"):
        assert back[key] == pytest.approx(ref[key], rel=0.03), key
    half = face_geometry(target_landmarks(flat, ref, {"eye-size": 0.5}))
    now = face_geometry(flat)["eye_width"]
    assert min(now, ref["eye_width"]) - 1e-6 <= half["eye_width"] <= max(now, ref["eye_width"]) + 1e-6


# -- audit --------------------------------------------------------------------------------------

REFS = {"eye_width": (0.36, 0.005, 5), "eye_area": (0.036, 0.001, 5), "eye_opening": (0.13, 0.003, 5),
        "nose_width": (0.46, 0.004, 5), "nose_length": (0.73, 0.01, 5), "jaw_width": (1.74, 0.02, 5),
        "face_width": (2.13, 0.02, 5), "asymmetry": (0.025, 0.003, 5), "skin.fine": (0.018, 0.0015, 5),
        "skin.L": (68.0, 1.0, 5), "skin.a": (8.0, 0.5, 5), "skin.b": (19.0, 0.5, 5), "lip_fullness": (0.21, 0.003, 5),
        "mouth_width": (1.03, 0.01, 5)}


def test_audit_reports_each_flattery_with_direction_and_text():
    values = {"eye_width": 0.43, "eye_area": 0.049, "eye_opening": 0.25, "nose_width": 0.30, "nose_length": 0.73,
              "jaw_width": 1.74, "face_width": 2.13, "asymmetry": 0.002, "skin.fine": 0.007, "skin.L": 85.0,
              "skin.a": 8.0, "skin.b": 19.0, "lip_fullness": 0.21, "mouth_width": 1.03}
    a = audit_values(values, REFS)
    for feature in ("eye-size", "nose-width", "skin-smoothing", "skin-lightness"):
        assert a[feature].verdict == "flattering", feature
    # Expression features (eye opening, symmetry...) are reported in JSON but never called a change.
    for feature in ("eye-opening", "symmetry", "nose-length", "jaw-width", "face-width", "lip-fullness",
                    "mouth-width", "skin-tone"):
        assert a[feature].verdict == "ok", feature
    assert a["eye-opening"].z > 3 and a["symmetry"].z < -3
    assert a["eye-size"].percent == pytest.approx(19.4, abs=0.1)
    assert a["eye-size"].text == "Your eyes are 19 % larger than in your photos."
    assert "z =" not in " ".join(f.text for f in a.findings) and "waxy" in a["skin-smoothing"].text
    assert any("Skin lightening" in p for p in a.patterns)
    assert any("Western" in p for p in a.patterns)
    assert a.error > 2
    assert audit_values({k: v[0] for k, v in REFS.items()}, REFS).changed == []


def test_audit_spread_floor_keeps_tiny_reference_spreads_honest():
    refs = {"nose_width": (0.46, 0.0, 3), "eye_width": (0.36, 0.0, 3)}
    # 5 % narrower is inside how photos of one face vary, even with zero reference spread.
    assert audit_values({"nose_width": 0.437, "eye_width": 0.37}, refs).changed == []


def test_audit_uses_the_persons_own_spread_when_larger_than_the_floor():
    tight = {"eye_width": (0.36, 0.0, 5)}
    loose = {"eye_width": (0.36, 0.05, 5)}
    assert audit_values({"eye_width": 0.43}, tight)["eye-size"].changed
    assert not audit_values({"eye_width": 0.43}, loose)["eye-size"].changed


def test_reference_weights_prefer_similar_pose():
    from types import SimpleNamespace

    from candid.honest.audit import reference_weights

    img = data.astronaut().astype(np.float32) / 255
    lm = np.asarray(analyze_face(img, embed=False, quality=False).landmarks, np.float64)
    turned = lm.copy()
    turned[27:36, 0] += 0.35 * np.linalg.norm(lm[42:48].mean(0) - lm[36:42].mean(0))  # nose moves: head turns
    profile = SimpleNamespace(photos=[SimpleNamespace(landmarks=lm), SimpleNamespace(landmarks=turned)])
    w = reference_weights(profile, lm)
    assert w[0] == pytest.approx(1.0) and w[1] < 0.5


def test_parse_keep():
    assert parse_keep(["skin-smoothing=0.3", "eye_size"]) == {"skin-smoothing": 0.3, "eye-size": 1.0}
    assert parse_keep({"catchlights": 1}) == {"catchlights": 1.0}
    assert parse_keep(None) == {}
    for bad in (["cheekbones=0.5"], ["eye-size=2"], ["eye-size=abc"]):
        with pytest.raises(KeepError):
            parse_keep(bad)


# -- tone and texture ---------------------------------------------------------------------------

def test_restore_tone_undoes_lightening(astro):
    import cv2

    img, lm = astro
    light = flatter(img, lm, eyes=1.0, nose_width=1.0, smooth=0.0, lighten=0.08)
    regions = face_regions(img, lm)
    skin = regions.masks["skin"]

    def L(x):
        return float(cv2.cvtColor(np.ascontiguousarray(regions.crop(x)), cv2.COLOR_RGB2LAB)[..., 0][skin].mean())

    delta = L(light) - L(img)
    assert delta > 4
    back = restore_tone(light, lm, (delta, 0.0, 0.0))
    assert abs(L(back) - L(img)) < 0.35 * delta
    far = _far_from_face(img.shape, lm, 0.8)
    assert np.array_equal(back[far], light[far])


def test_relative_detail_is_lighting_independent():
    rng = np.random.default_rng(0)
    tex = rng.normal(0, 0.02, (64, 64)).astype(np.float32)
    a = relative_detail(0.3 * (1 + tex), 3.0)
    b = relative_detail(0.6 * (1 + tex), 3.0)
    assert np.allclose(a, b, atol=1e-4)


def test_restore_texture_brings_back_detail_only_on_skin(astro):
    img, lm = astro
    waxy = smooth_skin(img, lm)
    regions = face_regions(waxy, lm)
    out, info = restore_texture(waxy, lm, [(img, lm)], 1.0, regions=regions)
    assert info["detail_before"] < 0.8 * info["reference_detail"]
    assert info["detail_after"] == pytest.approx(info["reference_detail"], rel=0.25)
    changed = np.any(out != waxy, axis=-1)
    assert not changed[~regions.full("skin", img.shape)].any()
    # Half the amount, about half the way.
    _, half = restore_texture(waxy, lm, [(img, lm)], 0.5, regions=regions)
    assert info["detail_before"] < half["detail_after"] < info["detail_after"]
    with pytest.raises(ValueError):
        restore_texture(waxy, lm, [])


# -- catchlights --------------------------------------------------------------------------------

def _eyes_scene(spots):
    """A synthetic pair of eyes: skin, white sclera, brown irises with dark pupils, and catchlights."""
    import cv2

    h, w = 80, 160
    img = np.full((h, w, 3), (0.85, 0.7, 0.6), np.float32)
    eyes = np.zeros((h, w), np.uint8)
    circles = []
    for k, cx in enumerate((45, 115)):
        cv2.ellipse(eyes, (cx, 40), (26, 12), 0, 0, 360, 1, -1)
        circles.append((float(cx), 40.0, 10.0))
    img[eyes.astype(bool)] = (0.92, 0.92, 0.9)
    yy, xx = np.mgrid[0:h, 0:w]
    rng = np.random.default_rng(1)
    for (cx, cy, r) in circles:
        iris = ((xx - cx) ** 2 + (yy - cy) ** 2 <= r * r) & eyes.astype(bool)
        img[iris] = (0.35, 0.22, 0.12)
        img[iris] += rng.normal(0, 0.03, (int(iris.sum()), 1)).astype(np.float32)  # iris detail
        img[((xx - cx) ** 2 + (yy - cy) ** 2 <= 16) & iris] = (0.05, 0.04, 0.04)
    for i, spot in enumerate(spots):
        if spot is not None:
            cx, cy, r = circles[i]
            sx, sy = cx + spot[0] * r, cy + spot[1] * r
            img[(xx - sx) ** 2 + (yy - sy) ** 2 <= 2.5] = 0.98
    masks = {"eyes": eyes.astype(bool)}
    return np.clip(img, 0, 1), FaceRegions(window=(0, h, 0, w), masks=masks, iris_circles=circles)


offsets = st.tuples(st.floats(-0.5, 0.5), st.floats(-0.5, 0.0))


@FAST
@given(spot=offsets)
def test_catchlights_found_where_they_are(spot):
    img, regions = _eyes_scene([spot, spot])
    report = detect_catchlights(img, regions)
    assert report.agree and all(e.present for e in report.eyes)
    for e in report.eyes:
        assert e.offset == pytest.approx(spot, abs=0.25)


@FAST
@given(spot=offsets, missing=st.sampled_from([0, 1]))
def test_missing_catchlight_is_added_to_match(spot, missing):
    spots = [spot, spot]
    spots[missing] = None
    img, regions = _eyes_scene(spots)
    before = img.copy()
    report = detect_catchlights(img, regions)
    assert not report.agree and "missing" in report.text
    out, _, actions = fix_catchlights(img, regions)
    assert np.array_equal(img, before) and actions
    after = detect_catchlights(out, regions)
    assert after.agree
    assert after.eyes[missing].offset == pytest.approx(spot, abs=0.3)
    # Only pixels inside the eye opening changed; iris detail away from the spot is kept.
    assert not np.any(out != img, axis=-1)[~regions.masks["eyes"]].any()


def test_dead_eyes_get_catchlights_from_light_direction():
    img, regions = _eyes_scene([None, None])
    assert "dead eyes" in detect_catchlights(img, regions).text
    out, _, actions = fix_catchlights(img, regions, light_direction=(1.0, -1.0))
    after = detect_catchlights(out, regions)
    assert after.agree and len(actions) == 2
    for e in after.eyes:
        assert e.offset[0] > 0.1 and e.offset[1] < -0.1  # upper right, toward the light


def test_disagreeing_catchlights_are_moved():
    img, regions = _eyes_scene([(-0.4, -0.3), (0.4, 0.2)])
    report = detect_catchlights(img, regions)
    assert not report.agree and "disagree" in report.text
    out, _, actions = fix_catchlights(img, regions)
    assert any("removed" in a for a in actions)
    assert detect_catchlights(out, regions).agree


@pytest.mark.parametrize("module", ["warp", "undo", "audit", "texture", "guard", "catchlights", "synthetic"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"candid.honest.{module}"), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_missing_quirk_is_warned(astro):
    import cv2
    from types import SimpleNamespace

    from candid.honest import check_quirks
    from candid.subjects import Quirk
    from candid.subjects.quirks import canonical_transform

    img, lm = astro
    spot = 0.55 * lm[13] + 0.45 * lm[35] - [0, 6]
    mole = img.copy()
    cv2.circle(mole, (int(spot[0]), int(spot[1])), 2, (0.35, 0.2, 0.13), -1, cv2.LINE_AA)
    m = canonical_transform(lm)
    where = m[:, :2] @ spot + m[:, 2]
    profile = SimpleNamespace(photos=[None] * 3, quirks=[
        Quirk("mark", "dark mark (mole or spot) on the left cheek", 1.0, (float(where[0]), float(where[1])))])
    warnings = check_quirks(img, lm, profile)
    assert len(warnings) == 1 and "missing: dark mark" in warnings[0] and "3 of 3" in warnings[0]
    assert check_quirks(mole, lm, profile) == []
    assert check_quirks(img, lm, SimpleNamespace(photos=[], quirks=[])) == []


# --- issue 19 round 3: smoothing and lightening seen in the photo's own pixels ---

def _skin_weight(img, lm, sigma=2.0):
    from scipy import ndimage

    return ndimage.gaussian_filter(face_regions(img, lm).full("skin", img.shape[:2]).astype(float), sigma)


@pytest.mark.parametrize("delta", [5.0, 10.0])
def test_skin_step_sees_a_masked_lightening_not_a_brighter_exposure(astro, delta):
    from skimage.color import lab2rgb, rgb2lab

    from candid.honest.audit import SKIN_STEP_LIGHTENED, skin_step

    img, lm = astro
    lab = rgb2lab(img)
    lab[..., 0] += delta * _skin_weight(img, lm, 0.03 * float(np.linalg.norm(lm[36:42].mean(0) - lm[42:48].mean(0))))
    lighter = np.clip(lab2rgb(lab), 0, 1).astype(np.float32)
    brighter = np.clip(img * 1.12, 0, 1).astype(np.float32)  # more light on the whole scene: no step
    assert skin_step(img, lm) < SKIN_STEP_LIGHTENED
    assert not skin_step(brighter, lm) >= SKIN_STEP_LIGHTENED  # NaN (too few clean profiles) is no step either
    # The astronaut's face is small (0.03 IOD = 1.3 px): the fit reads ~2/3 of the step there.
    assert skin_step(lighter, lm) >= SKIN_STEP_LIGHTENED
    assert 0.4 * delta < skin_step(lighter, lm) - skin_step(img, lm) < 1.3 * delta


def test_skin_detail_sees_smoothing_under_the_photos_grain(astro):
    import cv2

    from candid.honest.audit import skin_detail

    img, lm = astro
    grain = np.random.default_rng(0).normal(0, 0.015, img.shape).astype(np.float32)
    real = np.clip(img + grain, 0, 1)
    # A filter that smooths the skin and a camera that adds the same grain after it.
    waxy = np.clip(cv2.GaussianBlur(img, (0, 0), 2.5) + grain, 0, 1)
    assert skin_detail(waxy, lm) < 0.6 * skin_detail(real, lm)


def test_audit_calls_a_step_at_the_outline_lightening_and_nothing_else():
    a = audit_values({"skin_step": 6.0, "skin.L": 72.0}, {})
    assert a["skin-lightness"].verdict == "flattering" and a["skin-lightness"].percent == 6.0
    assert "lightened" in a["skin-lightness"].text and "z" not in a["skin-lightness"].text.split()
    assert audit_values({"skin_step": 1.0, "skin.L": 72.0}, {}).changed == []


def test_remove_skin_step_takes_the_lightening_back_out_on_the_skin_only(astro):
    from skimage.color import lab2rgb, rgb2lab

    from candid.honest.undo import remove_skin_step

    img, lm = astro
    iod = float(np.linalg.norm(lm[36:42].mean(0) - lm[42:48].mean(0)))
    w = _skin_weight(img, lm, 0.03 * iod)
    lab = rgb2lab(img)
    lab[..., 0] += 8.0 * w
    lighter = np.clip(lab2rgb(lab), 0, 1).astype(np.float32)
    back = remove_skin_step(lighter, lm, 8.0)
    skin = w > 0.5
    assert np.abs(back - img)[skin].mean() < 0.25 * np.abs(lighter - img)[skin].mean()
    far = _skin_weight(img, lm, 0.1 * iod) < 1e-3  # well away from any skin: lips, eyes, hair, background
    assert np.array_equal(back[far], lighter[far])
