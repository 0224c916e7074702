"""The pixel peeper: each tell reacts to the artifact it is about, on synthesized variants.

Nothing here needs the network or ../shared/data.
"""

from __future__ import annotations

import io
import json

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from skimage import data

from candid.face import analyze_face
from candid.inspector import TELLS, flattery_report, inspect_image, render_html
from candid.inspector.tells.measures import sample_tiles
from candid.inspector.report import overlay

FACE_TELLS = ("skin", "eyes", "lighting", "edges", "symmetry")


@pytest.fixture(scope="module")
def astro() -> np.ndarray:
    return data.astronaut().astype(np.float32) / 255.0


@pytest.fixture(scope="module")
def astro_face(astro):
    return analyze_face(astro, embed=False, quality=False)


@pytest.fixture(scope="module")
def astro_report(astro):
    return inspect_image(astro)


def jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(np.clip(np.rint(img * 255), 0, 255).astype(np.uint8)).save(buf, "JPEG", quality=quality)
    return np.asarray(Image.open(buf)).astype(np.float32) / 255.0


def test_report_structure(astro_report, astro):
    r = astro_report
    assert [t.name for t in r.tells] == list(TELLS)
    for t in r.tells:
        assert 0.0 <= t.score <= 1.0 and 0.0 <= t.confidence <= 1.0
        assert t.explanation
        if t.heatmap is not None:
            assert t.heatmap.ndim == 2 and t.heatmap.dtype == np.float32
            assert np.isfinite(t.heatmap).all()
    assert 0.0 <= r.overall <= 1.0
    assert r.face is not None and r.face["iod_px"] > 30
    labels = [p["label"] for p in r.good_from_afar]
    assert labels[0] == "64 px" and labels[-1] == "1:1"
    parsed = json.loads(r.to_json())
    assert {t["name"] for t in parsed["tells"]} == set(TELLS)


def test_small_iris_cannot_judge_with_reason(astro_report):
    eyes = astro_report.tell("eyes")
    assert eyes.confidence == 0.0 and "iris under 20 px" in eyes.reason


def test_input_not_modified_and_deterministic(astro, astro_face):
    before = astro.copy()
    a = inspect_image(astro, face=astro_face, afar=False)
    b = inspect_image(astro, face=astro_face, afar=False)
    assert np.array_equal(astro, before)
    assert a.to_json() == b.to_json()


def test_faceless_image_still_gets_image_wide_tells():
    coffee = data.coffee().astype(np.float32) / 255.0
    r = inspect_image(coffee)
    assert r.face is None and r.face_reason
    for name in FACE_TELLS:
        assert r.tell(name).confidence == 0.0 and r.tell(name).reason
    assert r.tell("noise").confidence > 0 and r.tell("traces").confidence > 0
    assert r.good_from_afar == []
    assert "No face analysed" in render_html(r, coffee)


def test_waxy_skin_scores_worse(astro, astro_face):
    regions = astro_face.regions(astro)
    face = cv2.GaussianBlur(regions.full("face", astro.shape).astype(np.float32), (0, 0), 3)[..., None]
    waxy = (astro * (1 - face) + cv2.GaussianBlur(astro, (0, 0), 2.0) * face).astype(np.float32)
    orig = inspect_image(astro, face=astro_face, tells=("skin",), afar=False).tell("skin")
    smooth = inspect_image(waxy, face=astro_face, tells=("skin",), afar=False).tell("skin")
    assert smooth.score > orig.score + 0.2
    assert smooth.metrics["fine_excess"] < orig.metrics["fine_excess"]


def test_mirrored_face_scores_higher_on_symmetry(astro, astro_face):
    lm = astro_face.landmarks
    mid = int(round(np.median(lm[[27, 28, 29, 30, 33, 51, 57, 8], 0])))
    sym = astro.copy()
    sym[:, mid:mid + 80] = astro[:, mid - 80:mid][:, ::-1]
    orig = inspect_image(astro, face=astro_face, tells=("symmetry",), afar=False).tell("symmetry")
    mirrored = inspect_image(sym, tells=("symmetry",), afar=False).tell("symmetry")
    assert mirrored.score > 0.8 > orig.score
    assert mirrored.metrics["texture_mirror_corr"] > orig.metrics["texture_mirror_corr"] + 0.3


@pytest.mark.parametrize("interp", [cv2.INTER_NEAREST, cv2.INTER_LINEAR])
def test_upsampling_leaves_traces(astro, interp):
    crop = astro[128:384, 128:384]
    big = cv2.resize(crop, None, fx=2, fy=2, interpolation=interp)
    before = inspect_image(crop, tells=("traces",), afar=False).tell("traces")
    after = inspect_image(big, tells=("traces",), afar=False).tell("traces")
    assert after.score > 0.9 and after.score > before.score + 0.3
    parts = after.metrics["parts"]
    assert max(parts["upsampling"], parts["nearest-neighbour copies"]) > 0.9


def test_double_jpeg_shows_evidence(astro):
    once = inspect_image(jpeg(astro, 90), tells=("traces",), afar=False).tell("traces")
    twice = inspect_image(jpeg(jpeg(astro, 60), 90), tells=("traces",), afar=False).tell("traces")
    assert twice.metrics["parts"]["double JPEG"] > 0.8
    assert once.metrics["parts"]["double JPEG"] < 0.3
    assert twice.metrics["jpeg_blockiness"] > 1.1


def test_bad_input_is_a_programmer_error(astro):
    with pytest.raises(ValueError):
        inspect_image((astro * 255).astype(np.uint8))
    with pytest.raises(ValueError):
        inspect_image(astro[..., 0])
    with pytest.raises(ValueError):
        inspect_image(astro, tells=("nope",))


def test_large_faceless_image():
    # Speed is measured in bench/bench_inspect.py (docs/BENCHMARKS.md), never in a unit test.
    rng = np.random.default_rng(0)
    big = np.clip(0.5 + rng.normal(0, 0.02, (3000, 4000, 3)), 0, 1).astype(np.float32)
    r = inspect_image(big, tells=("noise", "traces"), afar=False)
    assert r.tell("noise").metrics["noise_sigma"] == pytest.approx(0.02, rel=0.3)


@given(h=st.integers(16, 20000), w=st.integers(16, 20000))
@settings(max_examples=60, deadline=None)
def test_sample_tiles_bounded_and_inside(h, w):
    tiles = sample_tiles((h, w), 256, 16)
    assert 1 <= len(tiles) <= 16
    for y0, y1, x0, x1 in tiles:
        assert 0 <= y0 < y1 <= h and 0 <= x0 < x1 <= w


def test_html_is_self_contained(astro_report, astro):
    page = render_html(astro_report, astro)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "data:image/png;base64," in page
    for attr in ("src", "href"):  # nothing loaded from elsewhere (the SVG xmlns is a name, not a load)
        assert f"{attr}='http" not in page and f'{attr}="http' not in page
    assert "Good from afar" in page
    for t in astro_report.tells:
        assert f"id='{t.name}'" in page


def test_overlay_shapes(astro_report, astro):
    for t in astro_report.tells:
        if t.heatmap is not None:
            o = overlay(astro, t, max_side=128)
            assert o.ndim == 3 and max(o.shape[:2]) <= 128 and np.isfinite(o).all()


# --- flattery ------------------------------------------------------------------------------------------------


def test_flattery_words_and_floor():
    r = flattery_report({"eye_area": 0.118, "nose_width": 0.91},
                        {"skin.fine": 0.006, "iod_px": 300.0},
                        {"eye_area": (0.100, 0.0, 1), "nose_width": (1.0, 0.0, 1)},
                        {"skin.fine": (0.020, 0.0, 2), "iod_px": (120.0, 1.0, 2)})
    by = {i.feature: i for i in r.items}
    assert "iod_px" not in by  # not a property of the face
    assert by["eye_area"].percent == pytest.approx(18.0)
    # std 0 with one reference must not give an absurd z: the floor (5 % of the mean) and the
    # small-n widening keep it moderate.
    assert 1.5 < by["eye_area"].z < 3.0
    assert by["nose_width"].z < 0
    text = " ".join(r.sentences)
    assert "eyes 18 % larger than in your photos" in text
    assert "skin 70 % smoother" in text
    assert r.items[0].feature == "skin.fine"


def test_flattery_nothing_notable_for_same_values():
    ref = {"eye_area": (0.1, 0.01, 5), "mouth_width": (0.9, 0.03, 5)}
    r = flattery_report({"eye_area": 0.1, "mouth_width": 0.9}, {}, ref, {})
    assert r.sentences == [] and r.score == pytest.approx(0.0)


@given(value=st.floats(0.01, 10), mean=st.floats(0.01, 10), std=st.floats(0, 5), n=st.integers(1, 50))
@settings(max_examples=100, deadline=None)
def test_flattery_z_bounded_by_floor(value, mean, std, n):
    r = flattery_report({"eye_width": value}, {}, {"eye_width": (mean, std, n)}, {})
    item = r.items[0]
    assert np.sign(item.z) == np.sign(value - mean) or value == mean
    # the floor of 5 % of |mean| bounds |z| by |percent| / 5
    assert abs(item.z) <= abs(item.percent) / 5 + 1e-9


def test_flattery_through_inspect_image(astro, astro_face):
    from candid.face import face_geometry

    geo = face_geometry(astro_face.landmarks)
    ref_geo = {k: (v * 0.8, 0.0, 2) for k, v in geo.items() if k == "eye_area"}
    r = inspect_image(astro, face=astro_face, subject_reference=(ref_geo, {}), tells=("skin",), afar=False)
    assert r.flattery is not None and r.flattery.items[0].percent == pytest.approx(25.0, rel=1e-3)
    assert "eyes 25 % larger" in r.flattery.sentences[0]
    assert json.loads(r.to_json())["flattery"]["items"][0]["feature"] == "eye_area"


def test_lazy_file_path_gives_the_array_report(tmp_path):
    """A pyvips image (what `candid inspect FILE` passes) is never decoded whole, yet scores like its array."""
    import pyvips

    from candid.imageio import open_vips, read_image
    from candid.inspector.lazy import VipsPixels, area_resize
    from candid.inspector.core import _resize

    big = cv2.resize(data.astronaut()[0:300, 110:410], (2100, 2100), interpolation=cv2.INTER_CUBIC)
    path = tmp_path / "big.png"
    cv2.imwrite(str(path), cv2.cvtColor(big, cv2.COLOR_RGB2BGR))
    arr = read_image(path).pixels
    lazy = VipsPixels(open_vips(path)[0])
    assert lazy.shape == arr.shape and np.array_equal(lazy[100:300, 50:90], arr[100:300, 50:90])
    assert np.abs(area_resize(lazy, 0.31) - _resize(arr, 0.31)).max() < 1e-5
    a = inspect_image(arr, afar=False)
    b = inspect_image(open_vips(path)[0], afar=False)
    assert a.face is not None and a.face["work_scale"] < 1  # the scaled-copy path was taken
    assert b.image_shape == a.image_shape and b.face["window"] == a.face["window"]
    for x, y in zip(a.tells, b.tells):
        assert x.name == y.name and abs(x.score - y.score) < 1e-4, (x.name, x.score, y.score)
    assert abs(a.overall - b.overall) < 1e-4
    t = b.tell("skin")
    assert np.abs(overlay(lazy, t, whole=True) - overlay(arr, t, whole=True)).max() < 1e-4
    with pytest.raises(ValueError, match="too small"):
        inspect_image(pyvips.Image.black(8, 8, bands=3))
