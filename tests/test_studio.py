"""Studio engine: framing, matte, backgrounds, composite, relight, stage, `candid make`."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from skimage import data

from candid.engines import Engine, get_engine
from candid.engines.studio import (STYLES, apply_framing, background, composite, correct_selfie, decontaminate, frame,
                                   matte, matte_quality, parse_aspect, parse_background, relight)
from candid.engines.studio.background import disc_kernel, lens_blur
from candid.engines.studio.frame import roll_angle
from candid.engines.studio.synthetic import known_alpha_composite
from candid.errors import CandidError


@pytest.fixture(scope="module")
def astro():
    return data.astronaut().astype(np.float32) / 255


@pytest.fixture(scope="module")
def face(astro):
    from candid.face import analyze_face

    return analyze_face(astro)


@pytest.fixture(scope="module")
def alpha(astro, face):
    return matte(astro, face.landmarks)


# ---------------------------------------------------------------- framing
@pytest.mark.parametrize("style", list(STYLES))
def test_frame_aspect_and_inside(astro, face, style):
    f = frame(astro, face.landmarks, None, style)
    aw, ah = parse_aspect(STYLES[style].aspect)
    w, h = f.size
    assert abs(w / h - aw / ah) < 0.02
    lm = f.map_points(face.landmarks)
    assert lm[:, 0].min() > 0 and lm[:, 0].max() < w and lm[:, 1].min() > 0 and lm[:, 1].max() < h
    crop = apply_framing(astro, f)
    assert crop.shape == (h, w, 3) and crop.dtype == np.float32


def test_frame_eye_line_and_straightening(astro, face):
    import cv2

    m = cv2.getRotationMatrix2D((256, 256), 12, 1.0)
    tilted = cv2.warpAffine(astro, m, (512, 512), borderMode=cv2.BORDER_REFLECT101)
    lm = face.landmarks @ m[:, :2].T + m[:, 2]
    f = frame(tilted, lm, "1:1", "linkedin", straighten=15)
    out_lm = f.map_points(lm)
    assert abs(roll_angle(out_lm)) < 0.5
    eye_y = out_lm[36:48, 1].mean() / f.size[1]
    assert abs(eye_y - STYLES["linkedin"].eye_line) < 0.03 or f.scale_note


def test_straighten_modes(astro, face):
    import cv2

    def tilted(deg):
        m = cv2.getRotationMatrix2D((256, 256), deg, 1.0)
        return cv2.warpAffine(astro, m, (512, 512), borderMode=cv2.BORDER_REFLECT101), \
            face.landmarks @ m[:, :2].T + m[:, 2]

    base = roll_angle(face.landmarks)
    sign = np.sign(roll_angle(tilted(1)[1]) - base)
    to_roll = lambda target: tilted(sign * (target - base))  # the photo rotated until the eye line rolls `target`

    img, lm = to_roll(3)
    assert abs(frame(img, lm, "1:1", "linkedin").angle - 3) < 0.3  # auto levels a small roll
    assert frame(img, lm, "1:1", "linkedin", straighten="off").angle == 0
    img, lm = to_roll(9)
    f = frame(img, lm, "1:1", "linkedin")  # a bigger tilt is a pose: kept, and said
    assert f.angle == 0 and abs(f.tilt_kept - 9) < 0.3
    f = frame(img, lm, "1:1", "linkedin", straighten=4)  # at most what the user allows
    assert abs(f.angle - 4) < 1e-6 and abs(f.tilt_kept - 5) < 0.3
    with pytest.raises(ValueError):
        frame(img, lm, "1:1", "linkedin", straighten="sideways")


def test_frame_never_refuses_a_face_in_the_photo(astro, face):
    lm = face.landmarks
    # the crown just inside the top edge and the shoulders at the sides: 16:9 cannot fit in the photo
    top = int(lm[19, 1] - 0.9 * face.iod)
    tight = astro[top:, 150:380]
    tlm = lm - [150, top]
    for style in STYLES:
        f = frame(tight, tlm, None, style)
        out = f.map_points(tlm)
        assert out[:, 0].min() > 0 and out[:, 0].max() < f.size[0] and out[:, 1].max() < f.size[1]
        assert f.closer > 1 or f.extended or f.size[0] <= tight.shape[1]
        valid = f.valid_mask(tight.shape)
        assert valid.shape == (f.size[1], f.size[0])
    f = frame(tight, tlm, "16:9", "environmental")
    assert f.extended and not f.valid_mask(tight.shape).all()
    # a face cut by the border is the only refusal
    with pytest.raises(ValueError, match="cut by the photo"):
        frame(astro[:, :int(lm[30, 0])], lm, None, "linkedin")


@given(st.sampled_from(["1:1", "4:5", "2:3", "16:9", "35:45"]))
@settings(max_examples=5, deadline=None)
def test_parse_aspect(aspect):
    w, h = parse_aspect(aspect)
    assert w > 0 and h > 0


def test_frame_prefers_closer_over_a_big_extension(astro, face):
    """A photo that is all face: frame closer inside it rather than paste the head low in a sea of backdrop."""
    from candid.engines.studio.frame import SMALL_EXTEND

    lm = np.asarray(face.landmarks, np.float64)
    x0, x1 = int(lm[:, 0].min() - 80), int(lm[:, 0].max() + 80)
    y0, y1 = int(lm[:, 1].min() - 40), int(lm[:, 1].max() + 80)
    tight, tlm = astro[y0:y1, x0:x1], lm - [x0, y0]
    for style in ("linkedin",):  # before: a third of the frame was backdrop (0.34), the head low in it
        big = frame(tight, tlm, style=style, max_extend=0.4)
        assert big.extended_fraction <= SMALL_EXTEND + 1e-6 and big.closer <= 2.0 + 1e-6
        w, h = big.size
        pts = big.map_points(tlm)
        assert pts[:, 0].min() >= 0 and pts[:, 0].max() <= w and pts[:, 1].min() >= 0 and pts[:, 1].max() <= h
        assert 0.3 * w <= pts[:, 0].mean() <= 0.7 * w  # the face is not pushed to a side


def test_parse_aspect_rejects_nonsense():
    for bad in ("x", "1:0", "100:1"):
        with pytest.raises(ValueError):
            parse_aspect(bad)


def test_correct_selfie_shrinks_middle_only(astro, face):
    out, lm2, k = correct_selfie(astro, face.landmarks, amount=0.15)
    assert k == 0.15
    lm = face.landmarks
    assert np.linalg.norm(lm2[35] - lm2[31]) < np.linalg.norm(lm[35] - lm[31])  # nose narrower
    assert np.allclose(out[:20], astro[:20])  # far from the face: untouched
    same, _, k0 = correct_selfie(astro, face.landmarks)  # a far-away frontal face: no change
    assert k0 == 0 and np.array_equal(same, astro)


# ---------------------------------------------------------------- matte
def test_matte_on_astronaut(astro, face, alpha):
    assert alpha.shape == astro.shape[:2] and alpha.dtype == np.float32
    rep = matte_quality(alpha, face.landmarks)
    assert rep.ok, rep.problems
    assert rep.metrics["face_coverage"] > 0.97
    assert alpha[5:40, 420:500].max() == 0  # backdrop beside the head
    assert alpha[450:, 180:260].min() > 0.9  # chest


def test_matte_known_alpha(astro, face):
    img, truth = known_alpha_composite(astro, face.landmarks)
    est = matte(img, face.landmarks)
    mse = float(np.mean((est - truth) ** 2))
    sad = float(np.abs(est - truth).sum()) / 1000
    # issue 18: at least 30 % below the GrabCut matte's 1.95
    assert sad <= 1.95 * 0.7 and mse < 0.01, (mse, sad)
    assert sad <= 0.85, sad  # round 3: 0.73 with the hair band limited to crown and temples (was 0.96)


def test_matte_has_no_detached_pieces(astro, face):
    from scipy import ndimage

    from candid.engines.studio.matte import attached_only

    a = matte(astro, face.landmarks)
    assert ndimage.label(a > 0.5, structure=np.ones((3, 3)))[1] == 1
    debris = a.copy()
    debris[5:25, 5:25] = 0.9  # a floating piece of background
    debris[30:34, 480:500] = 0.3  # and a faint haze far away
    clean = attached_only(debris, face.landmarks)
    assert clean[5:25, 5:25].max() == 0 and clean[30:34, 480:500].max() == 0
    assert np.array_equal(clean[a > 0.5], a[a > 0.5])


def test_person_probability_and_subject_mask(astro, face):
    from candid.engines.studio.matte import subject_mask
    from candid.face.person import person_probability

    p = person_probability(astro)
    assert p.shape == astro.shape[:2] and p.dtype == np.float32 and 0 <= p.min() and p.max() <= 1
    other = p.copy()
    other[20:120, 440:500] = 1.0  # somebody else, not touching the subject
    m = subject_mask(other, face.landmarks)
    assert not m[20:120, 440:500].any() and m[150, 230]


def test_colour_refinement_keeps_a_head_at_the_top_border(astro, face):
    """A head touching the photo's top: GrabCut may move the outline, not carve deep into the sure hair."""
    import cv2

    from candid.engines.studio.matte import refine_with_colour, subject_corridor
    from candid.face.person import person_probability

    img, lm = astro[50:400, 60:460], np.asarray(face.landmarks, np.float64) - [60, 50]
    prob = person_probability(img)
    fw = float(np.linalg.norm(lm[16] - lm[0]))
    sure = ((prob > 0.9) & subject_corridor(prob.shape, lm)).astype(np.uint8)
    assert sure[:int(0.08 * fw)].any()  # the planted case: the person reaches the top border
    out = refine_with_colour(img, prob, lm)
    deep = cv2.distanceTransform(sure, cv2.DIST_L2, 5) > 0.06 * fw
    deep[int(lm[36:48, 1].mean()):] = False
    assert deep.any() and (out[deep] >= 0.95).all()


def test_foreground_removes_old_background():
    from candid.engines.studio.matte import foreground

    F, B = np.array([0.7, 0.5, 0.4], np.float32), np.array([0.1, 0.3, 0.9], np.float32)
    a = np.zeros((64, 64), np.float32)
    a[:, :24] = 1
    a[:, 24:40] = np.linspace(1, 0, 16, dtype=np.float32)
    img = (a[..., None] * F + (1 - a[..., None]) * B).astype(np.float32)
    fg = foreground(img, a)
    edge = (a > 0.2) & (a < 0.95)
    assert np.abs(fg[edge] - F).max() < 0.06  # no blue bleeding into the edge
    assert np.array_equal(fg[a == 1], img[a == 1])


# ---------------------------------------------------------------- backgrounds and composite
@pytest.mark.parametrize("spec", ["grey", "white", "color:#336699", "mottled", "gradient", "mottled:#6b5a4a"])
def test_backgrounds_deterministic(spec):
    kind, opts = parse_background(spec)
    a = background(kind, (96, 64), 3, **opts)
    b = background(kind, (96, 64), 3, **opts)
    assert a.shape == (64, 96, 3) and a.dtype == np.float32 and 0 <= a.min() and a.max() <= 1
    assert np.array_equal(a, b)


def test_parse_background_errors():
    for bad in ("plaid", "color:", "color:#12", "image:"):
        with pytest.raises(ValueError):
            parse_background(bad)


def test_disc_kernel_is_flat_disc():
    k = disc_kernel(5)
    assert abs(k.sum() - 1) < 1e-6
    assert k[k.shape[0] // 2, k.shape[1] // 2] == k.max()
    assert np.isclose(k[k.shape[0] // 2, 2], k.max())  # flat inside, not a Gaussian


def test_lens_blur_keeps_subject_out_and_blooms():
    img = np.zeros((96, 96, 3), np.float32)
    img[...] = (0.1, 0.2, 0.6)
    img[30:66, 30:66] = (0.9, 0.1, 0.1)  # the subject
    img[10, 80] = 1.0  # a point light
    a = np.zeros((96, 96), np.float32)
    a[30:66, 30:66] = 1
    out = lens_blur(img, a, radius=6)
    assert out[48, 20, 0] < 0.25  # no red smeared beside the subject
    spot = out[4:17, 74:87].mean(axis=2)
    assert (spot > out[40, 85].mean() + 0.02).sum() > 40  # the point became a disc, not a pinprick


def _blown_window_scene():
    """A mid-grey room with a blown window (1.0) beside a person: a skin-coloured face over a dark jacket."""
    img = np.full((120, 160, 3), 0.45, np.float32)
    img[10:70, 5:55] = 1.0  # the window, clipped white
    yy, xx = np.mgrid[0:120, 0:160]
    face = ((xx - 95) / 18.0) ** 2 + ((yy - 45) / 24.0) ** 2 < 1
    body = (yy > 68) & (np.abs(xx - 95) < 40)
    img[face] = (0.78, 0.58, 0.48)
    img[body] = (0.1, 0.1, 0.14)
    return img, (face | body).astype(np.float32), face


def test_blur_backdrop_stays_under_the_faces_highlights():
    """A blown window blooms into a soft patch, but no part of the backdrop outshines the face (round 9).

    Before, the window stayed pure white beside the head (lecun, obama3's chandelier).
    """
    from candid.colour import luminance, srgb_to_linear

    img, a, face = _blown_window_scene()
    bg = background("blur", (160, 120), 0, source=img, alpha=a, face_height=50.0)
    y = luminance(srgb_to_linear(bg))
    face_peak = float(np.percentile(luminance(srgb_to_linear(img))[face], 99))
    assert y.max() < face_peak  # before: 1.0 on the window
    assert y[30:50, 20:40].mean() > y[100:115, 140:155].mean() + 0.03  # the window is still the brightest light
    # with the face's own landmarks the same ceiling holds
    t = np.linspace(0, 2 * np.pi, 68, endpoint=False)
    lm = np.stack([95 + 16 * np.cos(t), 45 + 22 * np.sin(t)], 1)
    bg_lm = background("blur", (160, 120), 0, source=img, alpha=a, face_height=50.0, landmarks=lm)
    assert luminance(srgb_to_linear(bg_lm)).max() < face_peak


def test_roll_off_keeps_shadows_and_never_passes_the_ceiling():
    from candid.colour import luminance
    from candid.engines.studio.background import roll_off

    x = np.random.default_rng(3).random((32, 32, 3), dtype=np.float32) ** 4 * 6
    out = roll_off(x, 0.5)
    assert luminance(out).max() <= 0.5 + 1e-5
    low = (luminance(x) < 0.3) & (x.max(axis=-1) <= 1)
    assert low.sum() > 5 and np.allclose(out[low], x[low], atol=1e-6)  # below the knee: untouched
    grey = np.repeat(np.linspace(0, 1, 200, dtype=np.float32)[None, :, None], 3, axis=2)
    assert (np.diff(roll_off(grey, 0.5)[0, :, 0]) > 0).all()  # brighter stays brighter, no plateau below 2x the ceiling


def test_a_room_exposed_for_the_face_keeps_its_colours(monkeypatch):
    """A bright golden-and-blue room darkened under the face keeps its hue and its chroma (CIELAB, as far as
    sRGB holds it at the new lightness) and its exposure (lightness). Before, darkening in linear RGB alone
    turned yangmi_1's golden bokeh khaki-olive (C* 31 -> 17) and her sky grey-navy."""
    import importlib

    from skimage.color import rgb2lab

    bg_mod = importlib.import_module("candid.engines.studio.background")  # the package's name is the function

    room = np.zeros((48, 64, 3), np.float32)
    room[:24] = [0.25, 0.35, 0.75]  # a blue sky
    room[24:] = [0.98, 0.88, 0.5]  # golden light
    out = lens_blur(room, np.zeros((48, 64), np.float32), radius=2, ceiling=0.15)
    monkeypatch.setattr(bg_mod, "keep_chroma", lambda before, after: after)
    plain = lens_blur(room, np.zeros((48, 64), np.float32), radius=2, ceiling=0.15)
    lab_in, lab_out, lab_plain = rgb2lab(room), rgb2lab(out), rgb2lab(plain)
    for y in (6, 40):
        c_in, c_out, c_plain = (float(np.hypot(*lab[y, 32, 1:])) for lab in (lab_in, lab_out, lab_plain))
        hue = np.degrees(np.arctan2(lab_out[y, 32, 2], lab_out[y, 32, 1]) - np.arctan2(lab_in[y, 32, 2], lab_in[y, 32, 1]))
        assert lab_out[y, 32, 0] < lab_in[y, 32, 0] - 10  # darker: exposed for the face
        assert abs(lab_out[y, 32, 0] - lab_plain[y, 32, 0]) < 0.5  # the same exposure
        assert c_out > 1.1 * c_plain and abs((hue + 180) % 360 - 180) < 3, (y, c_in, c_out, c_plain, hue)


def test_keep_chroma_returns_a_colour_it_keeps_as_it_was():
    """``keep_chroma(x, x)`` is ``x``: the way back from CIELAB is the exact inverse of skimage's ``rgb2lab``
    (``rgb_from_xyz``). The hand-written XYZ matrix (Lindbloom's values) missed it by up to 8e-5."""
    from candid.engines.studio.background import keep_chroma

    x = np.random.default_rng(0).random((32, 32, 3)).astype(np.float32) * 0.9 + 0.05
    assert float(np.abs(keep_chroma(x, x) - x).max()) < 2e-5


@given(st.tuples(*[st.floats(0.05, 0.95)] * 3), st.tuples(*[st.floats(0.05, 0.95)] * 3))
@settings(max_examples=15, deadline=None)
def test_decontaminate_recovers_foreground(f, b):
    F, B = np.array(f, np.float32), np.array(b, np.float32)
    a = np.tile(np.linspace(0, 1, 48, dtype=np.float32), (48, 1))
    from candid.colour import linear_to_srgb, srgb_to_linear

    img = linear_to_srgb(a[..., None] * srgb_to_linear(F) + (1 - a[..., None]) * srgb_to_linear(B))
    fg = decontaminate(img, a)
    assert np.abs(fg[24, 30] - F).max() < 0.03


def test_composite_does_not_modify_inputs(astro, alpha):
    fg, a = astro.copy(), alpha.copy()
    bg = background("grey", (512, 512))
    out = composite(fg, a, bg)
    assert np.array_equal(fg, astro) and np.array_equal(a, alpha)
    assert out.shape == astro.shape and out.dtype == np.float32
    assert np.abs(out[alpha == 0] - bg[alpha == 0]).mean() < 0.02  # the photo's grain added, the backdrop kept
    assert np.allclose(composite(fg, a, bg, match_grain=False)[alpha == 0], bg[alpha == 0], atol=2e-3)


# ---------------------------------------------------------------- relight
def test_relight_split_and_texture(astro, face, alpha):
    before = astro.copy()
    out = relight(astro, face.landmarks, alpha, "split", 0.9)
    assert np.array_equal(astro, before)
    lm = face.landmarks
    left = out[int(lm[40, 1]):int(lm[57, 1]), int(lm[3, 0]):int(lm[39, 0])].mean()
    right = out[int(lm[40, 1]):int(lm[57, 1]), int(lm[42, 0]):int(lm[13, 0])].mean()
    assert left > right + 0.03
    # fine texture survives: high-pass of the face correlates strongly
    import cv2

    y0, y1, x0, x1 = int(lm[19, 1]), int(lm[8, 1]), int(lm[0, 0]), int(lm[16, 0])
    hp = lambda x: (x - cv2.GaussianBlur(x, (0, 0), 1.5))[y0:y1, x0:x1].mean(axis=2).ravel()
    assert np.corrcoef(hp(astro), hp(out))[0, 1] > 0.9
    assert np.allclose(out[alpha == 0], astro[alpha == 0], atol=2e-3)  # background untouched


def test_relight_none_and_errors(astro, face, alpha):
    assert np.array_equal(relight(astro, face.landmarks, alpha, "none"), astro)
    with pytest.raises(ValueError):
        relight(astro, face.landmarks, alpha, "disco")
    with pytest.raises(ValueError):
        relight(astro, face.landmarks, alpha, "loop", 2.0)


# ---------------------------------------------------------------- stage, engine, recipe
def test_engine_interface():
    eng = get_engine("studio")
    assert isinstance(eng, Engine) and eng.available()[0] and "passport" in eng.styles
    with pytest.raises(CandidError):
        get_engine("nope")


def test_studio_stage_keeps_identity(astro, face):
    from candid.engines.studio.stage import studio_stage
    from candid.portrait import Portrait

    src = Portrait(astro.copy(), face=face, source="astronaut.png")
    out = studio_stage(src, style="linkedin", background="blur", light="rembrandt")
    assert np.array_equal(src.pixels, astro)
    op = out.log[-1]
    assert op.stage == "engine.studio" and op.params["identity_distance"] < 0.35
    assert out.face is not None and out.face.landmarks.shape == (68, 2)
    assert out.width == out.height
    # catchlights are kept as shot unless the user asks to move or add them
    assert op.params["catchlights"] == "keep" if "catchlights" in op.params else True
    assert not {"catchlights_moved", "catchlights_added"} & {c["change"] for c in op.params["changes"]}


def test_studio_stage_reports_changes_and_matte(astro, face):
    import cv2
    from scipy import ndimage

    from candid.engines.studio.changes import change_report
    from candid.engines.studio.stage import studio_stage
    from candid.face import analyze_face
    from candid.portrait import Portrait

    base = roll_angle(face.landmarks)
    m = cv2.getRotationMatrix2D((256, 256), 1, 1.0)
    sign = np.sign(roll_angle(face.landmarks @ m[:, :2].T + m[:, 2]) - base)
    m = cv2.getRotationMatrix2D((256, 256), float(sign * (4 - base)), 1.0)  # an eye line rolled 4 degrees
    img = np.clip(cv2.warpAffine(astro, m, (512, 512), borderMode=cv2.BORDER_REFLECT101), 0, 1)
    f = analyze_face(img)
    out = studio_stage(Portrait(img, face=f), style="environmental", catchlights="keep")
    op = out.log[-1]
    kinds = [c["change"] for c in op.params["changes"]]
    assert "straightened" in kinds and "catchlights_moved" not in kinds
    words = change_report(out.log)
    assert any(w.startswith("head straightened 4 degrees") for w in words) and set(words) <= set(op.notes)
    alpha = out.matte
    assert alpha.shape == out.pixels.shape[:2] and alpha.dtype == np.float32
    assert ndimage.label(alpha > 0.5, structure=np.ones((3, 3)))[1] == 1
    # the astronaut's face is 43 px between the eyes: made, and said plainly (issue 18)
    small = [c for c in op.params["changes"] if c["change"] == "small_face"]
    assert small and small[0]["iod_px"] < 64 and any("px between the eyes" in w for w in words)
    off = studio_stage(Portrait(img, face=f), style="linkedin", straighten="off")
    assert off.log[-1].params["roll_deg"] == 0
    assert "straightened" not in [c["change"] for c in off.log[-1].params["changes"]]


def test_studio_stage_keeps_the_likeness(astro, face, monkeypatch):
    """A selfie correction or a light that moves the face away from the person is not kept."""
    from candid.engines.studio import stage as stage_mod
    from candid.engines.studio.changes import describe
    from candid.portrait import Portrait

    src = Portrait(astro.copy(), face=face, source="astronaut.png")
    plain = stage_mod.studio_stage(src, style="linkedin", lens="off")
    d_plain = plain.log[-1].params["identity_distance"]
    # plant a strong (wrong) close-selfie correction: the result without it is closer to the person
    monkeypatch.setattr(stage_mod, "correct_selfie", lambda px, lm: correct_selfie(px, lm, amount=0.25))
    out = stage_mod.studio_stage(src, style="linkedin")
    op = out.log[-1]
    kinds = [c["change"] for c in op.params["changes"]]
    assert "perspective_skipped" in kinds and "perspective" not in kinds
    assert op.params["identity_distance"] == pytest.approx(d_plain, abs=1e-6)
    rec = next(c for c in op.params["changes"] if c["change"] == "perspective_skipped")
    assert rec["identity_with"] > d_plain and "left as shot" in describe(rec)
    monkeypatch.undo()
    # a budget the full light cannot meet: the light is softened, and said so
    monkeypatch.setattr(stage_mod, "IDENTITY_BUDGET", 0.0)
    soft = stage_mod.studio_stage(src, style="editorial", light="rembrandt", strength=1.0)
    rec = [c for c in soft.log[-1].params["changes"] if c["change"] == "light_softened"]
    if rec:  # kept only when it is closer to the person
        assert rec[0]["to"] == 0.5 and soft.log[-1].params["identity_distance"] < rec[0]["identity_with"]
        assert "light softened" in describe(rec[0])
    else:
        full = stage_mod.studio_stage(src, style="editorial", light="rembrandt", strength=0.5)
        assert soft.log[-1].params["identity_distance"] <= full.log[-1].params["identity_distance"]


def test_change_words():
    from candid.engines.studio.changes import describe, enlargement
    from candid.portrait import Operation

    assert describe({"change": "closer", "factor": 1.52}).startswith("framed 1.5x closer")
    assert "top" in describe({"change": "canvas_extended", "sides": ["top"], "fraction": 0.2})
    log = [Operation("engine.studio", params={"size": [940, 1175]}),
           Operation("finish", params={"size": "4k", "from_px": [940, 1175], "to_px": [2160, 2700]})]
    assert describe(enlargement(log)) == "4k: enlarged 2.3x from a 1175 px crop"
    assert enlargement(log[:1]) is None
    # the sizes are read from the finish step's numbers, never from its note's wording
    worded = [log[0], Operation("finish", params={"size": "4k"}, notes=("940x1175 -> 2160x2700 (contain) with x",))]
    assert enlargement(worded) is None


def test_studio_stage_records_the_side_it_lit(astro, face, monkeypatch):
    # the light's logged direction and words follow the side relight used, also when the photo's own side
    # light chose it (the record followed the face turn alone: the wrong side on side-lit photos)
    from candid.engines.studio import stage as stage_mod
    from candid.engines.studio.changes import change_report
    from candid.portrait import Portrait

    used = []
    real_relight = stage_mod.relight

    def spy(*a, **kw):
        used.append(kw["side"])
        return real_relight(*a, **kw)

    for side in ("left", "right"):
        used.clear()
        monkeypatch.setattr(stage_mod, "key_side", lambda px, lm, a, pattern, s="auto", _side=side: (_side, 45.0))
        monkeypatch.setattr(stage_mod, "relight", spy)
        out = stage_mod.studio_stage(Portrait(astro, face=face), style="linkedin", light="loop")
        op = out.log[-1]
        assert used == [side]
        assert (op.params["light_direction"][0] > 0) == (side == "right")
        assert {"change": "key_on_photo_light", "side": side} in op.params["changes"]
        assert f"key light put on the image {side}, the side the photo is lit from" in change_report(out.log)


def test_small_face_refused_on_request_and_worded(astro, face, monkeypatch):
    from candid.engines.studio import stage as stage_mod
    from candid.engines.studio.changes import change_report
    from candid.portrait import Operation, Portrait

    assert face.iod < stage_mod.SMALL_FACE_IOD
    with pytest.raises(CandidError, match="px between the eyes"):
        stage_mod.studio_stage(Portrait(astro, face=face), small_face="refuse")
    with pytest.raises(CandidError):
        stage_mod.studio_stage(Portrait(astro, face=face), small_face="maybe")
    log = [Operation("engine.studio", params={"size": [300, 375], "changes": [
        {"change": "small_face", "iod_px": 31, "needed_px": 64}]}),
        Operation("finish", params={"size": "4k", "from_px": [300, 375], "to_px": [1728, 2160]})]
    assert change_report(log)[0].endswith("enlarged 6x and will be soft")
    # a face at or above the limit gets no such record (limit lowered instead of enlarging the photo)
    monkeypatch.setattr(stage_mod, "SMALL_FACE_IOD", 30.0)
    out = stage_mod.studio_stage(Portrait(astro, face=face), style="passport", light="none")
    assert "small_face" not in [c["change"] for c in out.log[-1].params["changes"]]


def test_suppress_rim_tones_a_light_rim_only():
    from candid.engines.studio.composite import suppress_rim

    yy, xx = np.mgrid[:96, :96]
    r = np.hypot(yy - 48, xx - 48)
    a = (r < 30).astype(np.float32)
    img = np.full((96, 96, 3), 0.35, np.float32)
    img[(r >= 27) & (r < 30)] = 0.95  # a light rim inside the outline
    out, amount = suppress_rim(img, a, width=5)
    assert amount > 0.1 and out[48, 20].max() < 0.7 and np.array_equal(out[48, 48], img[48, 48])
    dark = img.copy()
    dark[(r >= 27) & (r < 30)] = 0.1  # a dark outline is not a rim: untouched
    same, none = suppress_rim(dark, a, width=5, edge_colour=False)
    assert none == 0 and np.array_equal(same, dark)
    fringe = np.full((96, 96, 3), 0.35, np.float32)
    fringe[(r >= 28) & (r < 30)] = [0.1, 0.4, 0.4]  # a cyan fringe left by the old background
    grey, _ = suppress_rim(fringe, a, width=5)
    assert np.ptp(grey[48, 19]) < 0.5 * np.ptp(fringe[48, 19])  # towards the colour of the person beside it
    assert np.allclose(img[48, 20], 0.95)  # input not modified


def test_studio_stage_bad_options(astro, face):
    from candid.engines.studio.stage import studio_stage
    from candid.portrait import Portrait

    for kw in ({"style": "glamour"}, {"background": "plaid"}, {"light": "disco"}, {"aspect": "9:0"},
               {"straighten": "sideways"}, {"catchlights": "sparkle"}):
        with pytest.raises(CandidError):
            studio_stage(Portrait(astro, face=face), **kw)


def test_recipe_names_only_registered_stages():
    from candid import recipes
    from candid.engines.studio.recipe import studio_recipe

    r = studio_recipe("editorial", size="8k", look="portra-400", face=2, report="/tmp/x")  # face 2 = index 1
    names = [s.stage for s in r.steps]
    assert "honest" in names and all(s in recipes.STAGES for s in names)  # every stage it names is registered
    assert names[:2] == ["face.analyze", "engine.studio"] and r.steps[0].params["face"] == 1
    if "finish" in recipes.STAGES:
        assert next(s for s in r.steps if s.stage == "finish").params["size"] == "8k"


# ---------------------------------------------------------------- CLI
@pytest.fixture()
def photo(tmp_path, astro):
    from candid.imageio import write_image

    return write_image(tmp_path / "astro.png", astro)


def test_cli_make_end_to_end(tmp_path, photo):
    from candid.cli import main
    from candid.imageio import read_image

    out = tmp_path / "out" / "head.jpg"
    rc = main(["make", str(photo), "--engine", "studio", "--style", "corporate", "--size", "none",
               "--background", "color:#204060", "--light", "loop", "--out", str(out), "--seed", "1"])
    assert rc == 0 and out.is_file()
    img = read_image(out).pixels
    assert abs(img.shape[1] / img.shape[0] - 0.8) < 0.01


def test_cli_make_says_what_it_changed(tmp_path, photo, capsys):
    from candid.cli import main

    out = tmp_path / "head.jpg"
    rc = main(["make", str(photo), "--style", "linkedin", "--size", "none", "--straighten", "off",
               "--catchlights", "keep", "--out", str(out)])
    assert rc == 0 and out.is_file()
    said = capsys.readouterr()
    assert "straightened" not in said.out + said.err
    rc = main(["make", str(photo), "--size", "none", "--straighten", "sideways", "--out", str(tmp_path / "x.jpg")])
    assert rc != 0 and not (tmp_path / "x.jpg").exists()


@pytest.mark.parametrize("case,code", [("noface", 4), ("corrupt", 3), ("style", None), ("twofaces", 4)])
def test_cli_make_errors(tmp_path, astro, case, code, capsys):
    from candid.cli import main
    from candid.imageio import write_image

    path = tmp_path / "in.png"
    args = []
    if case == "noface":
        write_image(path, np.full((256, 256, 3), 0.5, np.float32))
    elif case == "corrupt":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    elif case == "style":
        write_image(path, astro)
        args = ["--style", "glamour"]
    else:
        write_image(path, np.concatenate([astro, astro[:, ::-1]], axis=1))
    out = tmp_path / "res.jpg"
    rc = main(["make", str(path), "--size", "none", "--out", str(out), *args])
    assert rc != 0 and (code is None or rc == code)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name != "in.png"] == []
    assert "error" in capsys.readouterr().err


# ---------------------------------------------------------------- dark hair on a dark, JPEG-blocky backdrop (round 4)
def _blocky_dark_case(seed: int = 0):
    """Dark hair (a disc, 0.07 with fine texture) on a near-black backdrop with 8x8 JPEG-like blocks."""
    rng = np.random.default_rng(seed)
    n = 128
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32)
    r = np.hypot(xx - 64, yy - 64)
    disc = r < 40
    blocks = np.kron(rng.uniform(-0.03, 0.03, (n // 8, n // 8)), np.ones((8, 8))).astype(np.float32)
    img = np.full((n, n, 3), 0.035, np.float32) + blocks[..., None]
    hair = 0.07 + rng.normal(0, 0.005, (n, n)).astype(np.float32)
    soft = np.clip(40.5 - r, 0, 1)  # the true (anti-aliased) edge
    img = soft[..., None] * hair[..., None] + (1 - soft[..., None]) * img
    prob = np.clip((44 - r) / 8, 0, 1).astype(np.float32)  # a segmenter's soft, approximate probability
    return np.clip(img, 0, 1).astype(np.float32), disc, prob, soft.astype(np.float32)


def _grid_ratio(x: np.ndarray, band: np.ndarray) -> float:
    """Mean step across the 8-px grid over the mean step inside blocks, in ``band``."""
    dx = np.abs(np.diff(x, axis=1))
    b = band[:, :-1] & band[:, 1:]
    at = ((np.arange(dx.shape[1]) + 1) % 8 == 0)[None, :]
    return float(dx[b & at].mean() / max(dx[b & ~at].mean(), 1e-6))


def test_low_contrast_finds_dark_on_dark_only():
    from candid.engines.studio.matte import low_contrast

    img, disc, _, _ = _blocky_dark_case()
    edge = disc & ~np.roll(disc, 1, 1) | disc & ~np.roll(disc, -1, 1)
    assert low_contrast(img, disc, 100.0)[edge].min() > 0.9
    light = img.copy()
    light[~disc] = 0.8  # the same hair on a light backdrop: colour can tell them apart
    assert low_contrast(light, disc, 100.0)[edge].max() == 0.0


def test_shape_alpha_is_smooth_and_carries_no_blocks():
    from candid.engines.studio.matte import shape_alpha

    img, disc, prob, truth = _blocky_dark_case()
    a = shape_alpha(prob, 100.0)
    band = (a > 0.02) & (a < 0.98)
    assert band.any() and _grid_ratio(a, band) < 1.2
    # monotone falloff along a radius, centred near the segmenter's 0.5 line
    row = a[64, 64:]
    assert np.all(np.diff(row) <= 1e-6)
    assert 35 <= 64 + int(np.argmin(np.abs(row - 0.5))) - 64 <= 45
    # colour-led alpha would follow the blocks: the photo itself is blocky in that band
    assert _grid_ratio(img[..., 0], band | ((a > 0) & ~disc)) > 1.3


def test_foreground_takes_hair_colour_where_alike():
    from candid.engines.studio.composite import composite
    from candid.engines.studio.matte import foreground, shape_alpha

    img, disc, prob, _ = _blocky_dark_case()
    a = shape_alpha(prob, 100.0)
    white = np.ones_like(img)
    band = (a > 0.02) & (a < 0.98)
    # without the backdrop's grain: the test is about the foreground colour (grain put the ratio at 0.504, not 0.24)
    old = composite(foreground(img, a), a, white, decontaminate_edges=False, match_grain=False)
    new = composite(foreground(img, a, face_width=100.0), a, white, decontaminate_edges=False, match_grain=False)
    ideal = composite(np.full_like(img, 0.07), a, white, decontaminate_edges=False, match_grain=False)  # no blocks
    e_old, e_new = (float(np.abs(x - ideal)[band].mean()) for x in (old, new))
    assert e_new < 0.5 * e_old, (e_old, e_new)  # the fringe no longer carries the old backdrop's blocks
    # the edge is the hair's own colour mixed with the new backdrop
    F = foreground(img, a, face_width=100.0)
    assert np.abs(F[band] - 0.07).max() < 0.03
    assert np.array_equal(F[a >= 1], img[a >= 1])  # opaque pixels untouched


def test_studio_stage_passes_its_seed_to_the_backdrops_grain(astro, face, monkeypatch):
    """The grain matched to the photo came from seed 0 whatever seed the user gave."""
    import importlib

    from candid.portrait import Portrait

    stage = importlib.import_module("candid.engines.studio.stage")
    seen = []
    real = stage.composite

    def spy(*args, **kwargs):
        seen.append(kwargs.get("seed", 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(stage, "composite", spy)
    monkeypatch.setattr(stage, "IDENTITY_BUDGET", 1.0)  # one pass is enough here
    stage.studio_stage(Portrait(astro.copy(), face=face, source="astronaut.png"), style="passport", seed=7)
    assert seen and set(seen) == {7}
