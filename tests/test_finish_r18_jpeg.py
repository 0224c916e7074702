"""Round 18: the finish's JPEG model beyond 4x follows the measured damage, not the magnification (candid.finish).

Synthetic and fast: a smooth, softly textured patch, clean or through a quality-30 JPEG (8x8 blocks). The
block-grid measure (:func:`candid.finish.jpeg_damage`) calls the JPEG one damaged and the clean one not, also
after a studio-like rotation when told the geometry; the waifu2x noise level follows it; a clean source
enlarged 6x keeps the light model (byte-identical to the guard off), a damaged one gets the strongest, and
at or below 4x nothing changes. With ``measure_damage=False`` (round 17: by magnification alone) the clean
source gets the strongest model, which is what this round undoes.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from candid.finish import jpeg_damage, jpeg_table_quality, noise_level, upscale_report
from candid.finish._jpeg import DAMAGE_LEVELS
from candid.finish._waifu2x import waifu2x_available
from candid.finish.stage import grid_matrix

from finish_jpeg_scene import jpeg_copy, textured_patch  # (pytest puts tests/ on the path)

needs_model = pytest.mark.skipif(not waifu2x_available(), reason="the waifu2x photo model is not installed")


def _patch(n: int = 128, seed: int = 0) -> np.ndarray:
    return textured_patch(n, seed)


def _jpeg(img: np.ndarray, quality: int = 30) -> np.ndarray:
    return jpeg_copy(img, quality)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_quality_30_is_damaged_and_clean_is_not(seed):
    clean = _patch(seed=seed)
    assert jpeg_damage(clean) < DAMAGE_LEVELS[0]
    assert jpeg_damage(_jpeg(clean)) > DAMAGE_LEVELS[-1]
    assert noise_level(jpeg_damage(clean)) == 0
    assert noise_level(jpeg_damage(_jpeg(clean))) == 3


def test_rotated_frame_measured_on_the_photo_axes():
    # the studio levels the eyes: a 4-degree rotation tilts the 8x8 grid; told the geometry, the measure
    # still finds it (the frame's own axes lose most of it)
    src = _jpeg(_patch(192, seed=3))
    m = cv2.getRotationMatrix2D((96.0, 96.0), 4.0, 1.0)
    frame = cv2.warpAffine(src, m, (192, 192), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    inner = np.zeros((192, 192), np.float32)
    inner[24:-24, 24:-24] = 1  # the cut-out's matte: only the subject is measured
    assert jpeg_damage(frame, mask=inner, matrix=m) > DAMAGE_LEVELS[-1]
    assert jpeg_damage(frame, mask=inner, matrix=m) > 2 * jpeg_damage(frame, mask=inner)
    clean = cv2.warpAffine(_patch(192, seed=3), m, (192, 192), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REFLECT)
    assert jpeg_damage(clean, mask=inner, matrix=m) < DAMAGE_LEVELS[0]


def test_too_small_to_measure():
    assert jpeg_damage(_patch(40)) is None


def test_table_quality(tmp_path):
    from PIL import Image

    img = (_patch(32) * 255).astype(np.uint8)
    for q in (30, 75, 92):
        path = tmp_path / f"q{q}.jpg"
        Image.fromarray(img).save(path, quality=q)
        assert abs(jpeg_table_quality(path) - q) <= 2
    Image.fromarray(img).save(tmp_path / "clean.png")
    assert jpeg_table_quality(tmp_path / "clean.png") is None
    assert noise_level(0.0, 30.0) == 3 and noise_level(0.0, 92.0) == 0


def test_grid_matrix_from_the_log():
    from candid.portrait import Operation, Portrait

    p = Portrait(np.zeros((10, 20, 3), np.float32))
    m = [[0.99, 0.07, -3.0], [-0.07, 0.99, 2.5]]
    q = p.evolve(p.pixels, Operation("engine.studio", params={"size": [20, 10], "frame_matrix": m}))
    assert np.allclose(grid_matrix(q), m)
    r = q.evolve(np.zeros((5, 10, 3), np.float32), Operation("resize", params={}))
    assert grid_matrix(r) is None  # the pixels are no longer the frame's


def _enlarge(src: np.ndarray, f: int, **kw) -> tuple[np.ndarray, tuple[str, ...]]:
    h, w = src.shape[:2]
    out, used, notes = upscale_report(src, (w * f, h * f), backend="learned", noise=False, fit="contain", **kw)
    assert used == "learned"
    return out, notes


@pytest.fixture(scope="module")
def enlarged():
    """Each source enlarged 5x with the measure (on), without the guard (off), by magnification (by_scale)."""
    found = {}
    for name, src in (("clean", _patch(96)), ("damaged", _jpeg(_patch(96)))):
        found[name] = {"on": _enlarge(src, 5), "off": _enlarge(src, 5, artefact_guard=False),
                       "by_scale": _enlarge(src, 5, measure_damage=False)}
    return found


@needs_model
def test_clean_source_keeps_the_light_model_beyond_4x(enlarged):
    (on, notes), (off, _), (by_scale, _) = (enlarged["clean"][k] for k in ("on", "off", "by_scale"))
    assert np.array_equal(on, off)  # the light model, as at <= 4x: fine texture kept
    assert not np.array_equal(on, by_scale)  # round 17 gave it the strongest model
    assert any("lightest JPEG-noise model (noise level 0)" in n and "no JPEG damage" in n for n in notes)


@needs_model
def test_damaged_source_gets_the_strongest_model_beyond_4x(enlarged):
    (on, notes), (off, _), (by_scale, _) = (enlarged["damaged"][k] for k in ("on", "off", "by_scale"))
    assert np.array_equal(on, by_scale) and not np.array_equal(on, off)
    assert any("strongest JPEG-artefact model (noise level 3)" in n and "heavy JPEG damage" in n for n in notes)


@needs_model
def test_at_or_below_4x_nothing_changes():
    src = _jpeg(_patch(96))  # damaged: at 3x it keeps the light model all the same (byte-identical)
    a, notes = _enlarge(src, 3)
    b, _ = _enlarge(src, 3, artefact_guard=False)
    assert np.array_equal(a, b)
    assert not any("JPEG" in n for n in notes)


@needs_model
def test_a_jpeg_file_says_its_quality(tmp_path):
    from PIL import Image

    from candid.finish import finish_to_file

    src = tmp_path / "small.jpg"
    Image.fromarray((_patch(96) * 255 + 0.5).astype(np.uint8)).save(src, quality=30)
    res = finish_to_file(src, tmp_path / "big.png", (480, 480), backend="learned", noise=False, fit="contain",
                         matte=None)
    note = next(n for n in res.notes if "JPEG" in n)
    assert "noise level 3" in note and "file quality about 30" in note
