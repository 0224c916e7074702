"""Face-aware framing: straighten by the eye line, crop by composition rules.

Sizes come from the face (head height from chin to an estimated crown), never
from fixed pixel counts, so the same style frames a 0.5 MP and a 40 MP photo alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from candid.engines.studio.styles import STYLES, Style
from candid.face.geometry import eye_centers
from candid.face.masks import forehead_top

#: Named aspect ratios (width, height).
ASPECTS: dict[str, tuple[float, float]] = {
    "1:1": (1, 1), "4:5": (4, 5), "2:3": (2, 3), "3:2": (3, 2), "16:9": (16, 9), "5:4": (5, 4),
    "35:45": (35, 45), "passport": (35, 45), "2x2in": (1, 1),
}


def parse_aspect(aspect: str | tuple[float, float]) -> tuple[float, float]:
    """Parse ``"4:5"``, ``"passport"`` or ``(4, 5)`` into ``(w, h)``.

    Examples
    --------
    >>> parse_aspect("4:5"), parse_aspect("16:9")
    ((4.0, 5.0), (16.0, 9.0))
    """
    if isinstance(aspect, str):
        if aspect in ASPECTS:
            w, h = ASPECTS[aspect]
            return float(w), float(h)
        try:
            w, h = (float(v) for v in aspect.split(":"))
        except ValueError:
            raise ValueError(f"aspect must look like '4:5', got {aspect!r}") from None
    else:
        w, h = (float(v) for v in aspect)
    if not (w > 0 and h > 0 and 0.2 <= w / h <= 5):
        raise ValueError(f"aspect {aspect!r} is not a sensible width:height")
    return w, h


@dataclass(frozen=True)
class Framing:
    """Where to cut the frame out of a photo.

    Attributes
    ----------
    matrix : ndarray
        ``(2, 3)`` affine map from source pixels to output pixels.
    size : tuple of int
        Output ``(width, height)``.
    angle : float
        Roll correction applied, degrees (counter-clockwise positive).
    scale_note : str or None
        Set when the photo was too tight for the style's framing.
    closer : float
        How much closer than the style's framing (1.0: as the style says).
    extended : tuple of str
        Sides (``"top"``, ``"left"``, ``"right"``) where the frame reaches
        beyond the photo and the canvas is extended with background.
    extended_fraction : float
        Largest share of the frame's width or height that lies beyond the photo.
    tilt_kept : float
        Head roll (degrees) left as shot because straightening was limited.
    edge_cut : bool
        The canvas had to be extended where the person touches the photo's
        side (a photo far narrower than the frame): they end at that edge.
    """

    matrix: np.ndarray = field(repr=False)
    size: tuple[int, int]
    angle: float
    scale_note: str | None = None
    closer: float = 1.0
    extended: tuple[str, ...] = ()
    extended_fraction: float = 0.0
    tilt_kept: float = 0.0
    edge_cut: bool = False

    def valid_mask(self, source_shape: tuple[int, ...]) -> np.ndarray:
        """``(h, w)`` bool: output pixels that come from inside the photo (False on an extended canvas)."""
        w, h = self.size
        ones = np.ones(tuple(source_shape[:2]), np.uint8)
        m = cv2.warpAffine(ones, self.matrix, (w, h), flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT,
                           borderValue=0)
        return m.astype(bool)

    def map_points(self, points: np.ndarray) -> np.ndarray:
        """Map ``(N, 2)`` source points into the output frame."""
        pts = np.asarray(points, np.float64)
        return (pts @ self.matrix[:, :2].T + self.matrix[:, 2]).astype(np.float32)


def head_extent(landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Estimated crown, chin and head height (crown to chin) in pixels.

    The crown sits 0.3 of the hairline-to-chin length above the hairline
    (a typical adult head; hair volume is not counted).
    """
    lm = np.asarray(landmarks, np.float64)
    chin = lm[8]
    hair = forehead_top(lm).mean(axis=0)
    crown = hair + 0.3 * (hair - chin)
    return crown, chin, float(np.linalg.norm(chin - crown))


def roll_angle(landmarks: np.ndarray) -> float:
    """Head roll from the eye line, degrees (positive: image-left eye lower... i.e. counter-clockwise tilt)."""
    right, left = eye_centers(landmarks)
    d = left - right
    return float(math.degrees(math.atan2(d[1], d[0])))


def _inside(corners: np.ndarray, w: int, h: int) -> bool:
    return bool(np.all(corners >= -0.5) and np.all(corners[:, 0] <= w + 0.5) and np.all(corners[:, 1] <= h + 0.5))


def parse_straighten(value: bool | str | float | None) -> tuple[str, float]:
    """``"auto"``, ``"off"``, a number of degrees (or True/False) -> ``(mode, limit)``.

    Examples
    --------
    >>> parse_straighten("auto"), parse_straighten("off"), parse_straighten("7.5"), parse_straighten(False)
    (('auto', 5.0), ('off', 0.0), ('max', 7.5), ('off', 0.0))
    """
    if value is None or value is True or value == "auto":
        return "auto", AUTO_STRAIGHTEN
    if value is False or value == "off":
        return "off", 0.0
    try:
        deg = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"straighten must be auto, off or a number of degrees, got {value!r}") from None
    if not 0 <= deg <= 45:
        raise ValueError(f"straighten must be between 0 and 45 degrees, got {deg}")
    return ("off", 0.0) if deg == 0 else ("max", deg)


#: Share of the frame beyond the photo that is taken before framing (up to 2x) closer inside the photo.
SMALL_EXTEND = 0.15

#: Largest roll (degrees) ``--straighten auto`` levels; a bigger tilt is taken as a pose and kept.
AUTO_STRAIGHTEN = 5.0

#: How far (IOD units) a landmark may lie past the photo's border and the face still count as
#: whole: the studio frames such a face and refuses one cut deeper (batch --check and the
#: scorecard's "cut" group use the same line).
WHOLE_FACE_MARGIN = 0.05


def face_inside(landmarks: np.ndarray, shape: tuple[int, ...], margin: float = 0.0) -> bool:
    """True when every landmark lies inside the photo (``margin`` in IOD units).

    Examples
    --------
    >>> import numpy as np
    >>> lm = np.tile([[50.0, 50.0]], (68, 1)); lm[36:42] = [40, 50]; lm[42:48] = [60, 50]
    >>> face_inside(lm, (100, 100)), face_inside(lm + [55, 0], (100, 100))
    (True, False)
    """
    lm = np.asarray(landmarks, np.float64)
    H, W = shape[:2]
    right, left = eye_centers(lm)
    m = margin * float(np.linalg.norm(left - right))
    return bool(lm[:, 0].min() >= -m and lm[:, 1].min() >= -m and lm[:, 0].max() <= W - 1 + m
                and lm[:, 1].max() <= H - 1 + m)


def frame(
    pixels: np.ndarray,
    landmarks: np.ndarray,
    aspect: str | tuple[float, float] | None = None,
    style: str | Style = "linkedin",
    *,
    straighten: bool | str | float = "auto",
    max_roll: float = 25.0,
    person: np.ndarray | None = None,
    extend: bool = True,
    max_extend: float = 0.4,
    _crown: bool = True,
    _centre: bool = True,
) -> Framing:
    """Plan a crop with head room and eye line placed by the style's rules.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` image (only its size is used).
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    aspect : str or tuple, optional
        Frame width:height; the style's default if None.
    style : str or Style
        A key of :data:`STYLES` or a :class:`Style`.
    straighten : {"auto", "off"} or float
        ``"auto"`` levels the eye line when the roll is at most
        :data:`AUTO_STRAIGHTEN` degrees (a bigger tilt is a pose and is kept);
        a number levels by at most that many degrees; ``"off"`` never rotates.
    person : ndarray, optional
        Person probability of the photo (any size): the canvas is not extended
        on a side where the person touches the photo's border (they would be cut off in mid-air).
    extend : bool
        Let the frame reach beyond the photo at the top and sides (filled with background).
    max_extend : float
        Largest share of the frame that may lie beyond the photo.

    Returns
    -------
    Framing
        The style's framing when it fits or needs at most :data:`SMALL_EXTEND`
        of extended canvas, else a crop up to 2x closer inside the photo (or with
        that small extension), else the style's framing on a canvas extended
        up to ``max_extend`` (``extended``), else a tighter crop keeping the
        whole face (``closer`` > 1, ``scale_note``).

    Raises
    ------
    ValueError
        Only when the face itself is cut by the photo's border.

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> from candid.face import analyze_face
    >>> img = data.astronaut().astype(np.float32) / 255
    >>> f = frame(img, analyze_face(img, embed=False).landmarks, "4:5")
    >>> round(f.size[0] / f.size[1], 2)
    0.8
    """
    st = STYLES[style] if isinstance(style, str) else style
    aw, ah = parse_aspect(aspect or st.aspect)
    H, W = pixels.shape[:2]
    lm = np.asarray(landmarks, np.float64)
    if not face_inside(lm, (H, W), margin=WHOLE_FACE_MARGIN):
        raise ValueError("the face is cut by the photo's border")
    right, left = eye_centers(lm)
    eye_mid = (right + left) / 2
    mode, limit = parse_straighten(straighten)
    roll = roll_angle(lm)
    angle, kept = 0.0, 0.0
    if mode != "off" and 0.25 <= abs(roll) <= max_roll:
        if mode == "auto":
            angle, kept = (roll, 0.0) if abs(roll) <= limit else (0.0, roll)
        else:
            angle = float(np.clip(roll, -limit, limit))
            kept = roll - angle
    elif abs(roll) >= 0.25:
        kept = roll
    rot = cv2.getRotationMatrix2D((float(eye_mid[0]), float(eye_mid[1])), angle, 1.0)  # source -> upright
    up_lm = lm @ rot[:, :2].T + rot[:, 2]
    crown, chin, head_h = head_extent(up_lm)
    eye_y = float(up_lm[36:48, 1].mean())
    face_cx = float((up_lm[27:31, 0].mean() + up_lm[[0, 16], 0].mean()) / 2)
    # horizontal look room: the nose tip's offset from the jaw centre tells which way the face turns
    turn = float(up_lm[30, 0] - up_lm[[0, 16], 0].mean()) / max(float(up_lm[16, 0] - up_lm[0, 0]), 1.0)
    inv = cv2.invertAffineTransform(rot)
    crown_src = head_extent(lm)[0]
    crown_in_photo = 0 <= crown_src[0] < W and 0 <= crown_src[1] < H
    hairline = float(forehead_top(up_lm)[:, 1].min())
    # sides the person touches (extending there would leave them cut off in mid-air)
    touch = {"top": False, "left": False, "right": False}
    if person is not None:
        p = np.asarray(person, np.float32) > 0.5
        band = max(int(0.01 * max(p.shape)), 1)
        touch = {"top": bool(p[:band].mean() > 0.002), "left": bool(p[:, :band].mean() > 0.01),
                 "right": bool(p[:, -band:].mean() > 0.01)}
    shifts = sorted(((dx, dy) for dx in np.linspace(-0.5, 0.5, 21) for dy in np.linspace(-0.3, 0.3, 13)),
                    key=lambda d: abs(d[0]) + 2 * abs(d[1]))
    # 1: the style's framing in the photo, else on a canvas extended where the person does not touch
    #    the border, else tighter; 2 (a photo too narrow for the frame at all): extend even where the
    #    person touches the side, which leaves them cut by the photo's edge, and say so
    # a face close to the photo's edge keeps what margin the photo has (a chin at the bottom edge is fine)
    room = (max(float(lm[:, 0].min()), 0.0) * 0.9, max(float(W - 1 - lm[:, 0].max()), 0.0) * 0.9,
            max(float(H - 1 - lm[:, 1].max()), 0.0) * 0.9)
    fallback = None  # pass 2: the candidate with the least canvas beyond the photo
    # 0: a small extension or a crop up to 2x closer in the photo beats a big extension (a head low in
    #    a frame that is a third backdrop looks cut out and pasted: yangmi_1)
    passes = ((False, min(SMALL_EXTEND, max_extend), 0.5), (False, max_extend, 0.2), (True, max(max_extend, 0.7), 0.2))
    for ignore_touch, limit, lowest in passes:
        if ignore_touch and not extend:
            break
        for scale in np.linspace(1.0, lowest, int(round((1.0 - lowest) / 0.01)) + 1):
            ch = head_h / st.head_frac * scale
            cw = ch * aw / ah
            if st.crown_line is not None:
                top = float(crown[1]) - st.crown_line * ch
            else:
                top = eye_y - st.eye_line * ch
            cx = face_cx - np.sign(turn) * st.look_room * cw if abs(turn) > 0.03 else face_cx
            left_x = cx - cw / 2
            best = None
            need_top = crown[1] if crown_in_photo and _crown else hairline
            for dx, dy in shifts:
                x0, y0 = left_x + dx * cw, top + dy * ch
                # the face must stay inside with a margin (the crown too, unless the photo itself cuts it)
                if not (x0 < up_lm[:, 0].min() - min(0.02 * cw, room[0]) and
                        x0 + cw > up_lm[:, 0].max() + min(0.02 * cw, room[1])
                        and y0 < need_top and y0 + ch > chin[1] + min(0.05 * ch, room[2])):
                    continue
                corners = np.array([[x0, y0], [x0 + cw, y0], [x0, y0 + ch], [x0 + cw, y0 + ch]])
                src = corners @ inv[:, :2].T + inv[:, 2]
                if _inside(src, W, H):
                    if abs(dx) <= 0.25 or not _centre:  # a face at the frame's edge is worse than a closer one
                        best = (0.0, (), x0, y0, False)
                        break
                    continue
                if not extend or best is not None or (_centre and (abs(dx) > 0.12 or abs(dy) > 0.1)):
                    continue
                # beyond the photo: only at the top and sides, never where the person touches the border
                out_top = max(0.0, -float(src[:, 1].min())) / ch
                out_bottom = max(0.0, float(src[:, 1].max()) - H) / ch
                out_left = max(0.0, -float(src[:, 0].min())) / cw
                out_right = max(0.0, float(src[:, 0].max()) - W) / cw
                sides = tuple(n for n, v in (("top", out_top), ("left", out_left), ("right", out_right)) if v > 0.002)
                if out_bottom > 0.002 or max(out_top, out_left, out_right) > limit:
                    continue
                cut = any(touch[n] for n in sides)
                if cut and not ignore_touch:
                    continue
                best = (max(out_top, out_left, out_right), sides, x0, y0, cut)
                if ignore_touch:
                    score = best[0] + 0.1 * (1 / scale - 1)
                    if fallback is None or score < fallback[0]:
                        fallback = (score, scale, best)
                    best = None
            if ignore_touch and scale <= 0.2 + 1e-6 and fallback is not None:
                scale, best = fallback[1], fallback[2]
                ch = head_h / st.head_frac * scale
                cw = ch * aw / ah
            if best is not None:
                frac, sides, x0, y0, cut = best
                note = (f"photo too tight for {aw:g}:{ah:g} framing; framed {1 / scale:.2f}x closer"
                        if scale < 0.999 else None)
                w_px, h_px = max(int(round(cw)), 8), max(int(round(ch)), 8)
                m = rot.copy()
                m[:, 2] -= (x0, y0)
                if angle == 0.0 and not sides:  # a pure crop: integer offsets, no resampling
                    m[:, 2] = np.round(m[:, 2])
                    w_px = min(w_px, W + int(m[0, 2]))
                    h_px = min(h_px, H + int(m[1, 2]))
                return Framing(matrix=m, size=(w_px, h_px), angle=angle, scale_note=note, closer=float(1 / scale),
                               extended=tuple(sides), extended_fraction=float(frac), tilt_kept=float(kept),
                               edge_cut=bool(cut))
    if angle != 0.0:  # levelling needs room the photo does not have: keep the tilt rather than refuse
        f = frame(pixels, landmarks, aspect, style, straighten="off", max_roll=max_roll, person=person,
                  extend=extend, max_extend=max_extend, _crown=_crown, _centre=_centre)
        return replace(f, tilt_kept=float(roll))
    if _crown:  # the crown cannot be in the frame at all: keep the whole face, cut the top of the hair
        return frame(pixels, landmarks, aspect, style, straighten=straighten, max_roll=max_roll, person=person,
                     extend=extend, max_extend=max_extend, _crown=False, _centre=_centre)
    if _centre:  # last resort: the face may sit off centre
        return frame(pixels, landmarks, aspect, style, straighten=straighten, max_roll=max_roll, person=person,
                     extend=extend, max_extend=max_extend, _crown=False, _centre=False)
    raise ValueError("cannot frame this face inside the photo (face at the very edge?)")


def apply_framing(pixels: np.ndarray, framing: Framing) -> np.ndarray:
    """Cut the planned frame out of ``pixels`` (a copy; Lanczos when rotating).

    Examples
    --------
    >>> import numpy as np
    >>> f = Framing(np.array([[1, 0, -2], [0, 1, -1]], float), (4, 3), 0.0)
    >>> apply_framing(np.zeros((10, 10, 3), np.float32), f).shape
    (3, 4, 3)
    """
    w, h = framing.size
    m = framing.matrix
    if framing.angle == 0.0 and np.allclose(m[:, :2], np.eye(2)):
        x0, y0 = int(-m[0, 2]), int(-m[1, 2])
        if 0 <= x0 and 0 <= y0 and x0 + w <= pixels.shape[1] and y0 + h <= pixels.shape[0]:
            return pixels[y0:y0 + h, x0:x0 + w].copy()
    # an extended canvas repeats the photo's edge (the backdrop covers it; alpha there is 0)
    out = cv2.warpAffine(pixels, m, (w, h), flags=cv2.INTER_LANCZOS4, borderMode=cv2.BORDER_REPLICATE)
    return np.clip(out, 0, 1).astype(pixels.dtype, copy=False)


#: Jaw width (landmarks 0-16) over inter-ocular distance for a frontal face photographed from afar.
FAR_JAW_RATIO = 2.2


def selfie_distortion(landmarks: np.ndarray) -> float:
    """Estimated close-range perspective (0 = none) from the face's proportions.

    At arm's length the middle of the face (eyes, nose) is much nearer the
    lens than the jaw line, so the jaw looks narrow next to the eyes. The
    estimate is the jaw-to-IOD shortfall against a far-away frontal face, and
    is 0 for turned faces (where the ratio means nothing).

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> from candid.face import analyze_face
    >>> img = data.astronaut().astype(np.float32) / 255
    >>> selfie_distortion(analyze_face(img, embed=False).landmarks) < 0.05
    True
    """
    lm = np.asarray(landmarks, np.float64)
    right, left = eye_centers(lm)
    iod = float(np.linalg.norm(left - right))
    jaw = float(np.linalg.norm(lm[16] - lm[0]))
    turn = abs(float(lm[30, 0] - (lm[0, 0] + lm[16, 0]) / 2)) / max(jaw, 1.0)
    if iod <= 0 or turn > 0.08:
        return 0.0
    return float(np.clip((FAR_JAW_RATIO - jaw / iod) / FAR_JAW_RATIO, 0.0, 0.25))


def correct_selfie(pixels: np.ndarray, landmarks: np.ndarray, amount: float | None = None,
                   *, threshold: float = 0.06) -> tuple[np.ndarray, np.ndarray, float]:
    """Shrink the centre of a close-range face back towards far-away proportions.

    A radial warp centred on the nose tip compresses the middle of the face by
    ``amount`` and fades to nothing at the jaw line, so the outline and the
    background do not move.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 image; not modified.
    landmarks : ndarray
        ``(68, 2)`` landmarks.
    amount : float, optional
        Strength; estimated with :func:`selfie_distortion` if None.
    threshold : float
        Estimated amounts below this are left alone.

    Returns
    -------
    (pixels, landmarks, amount)
        Corrected copies and the amount used (0: unchanged).

    Examples
    --------
    >>> import numpy as np
    >>> from skimage import data
    >>> from candid.face import analyze_face
    >>> img = data.astronaut().astype(np.float32) / 255
    >>> lm = analyze_face(img, embed=False).landmarks
    >>> out, lm2, k = correct_selfie(img, lm, amount=0.1)
    >>> out.shape == img.shape, k
    (True, 0.1)
    """
    k = selfie_distortion(landmarks) if amount is None else float(amount)
    if amount is None and k < threshold:
        return pixels.copy(), np.asarray(landmarks, np.float32).copy(), 0.0
    if k <= 0:
        return pixels.copy(), np.asarray(landmarks, np.float32).copy(), 0.0
    lm = np.asarray(landmarks, np.float64)
    c = lm[30]
    radius = 0.62 * float(np.linalg.norm(lm[16] - lm[0]))
    H, W = pixels.shape[:2]
    x0, x1 = int(max(c[0] - radius - 2, 0)), int(min(c[0] + radius + 3, W))
    y0, y1 = int(max(c[1] - radius - 2, 0)), int(min(c[1] + radius + 3, H))
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    dx, dy = xx - c[0], yy - c[1]
    rho = np.sqrt(dx * dx + dy * dy) / radius
    w = np.where(rho < 1, (1 - rho ** 2) ** 2, 0).astype(np.float32)
    f = 1 + k * w  # output at rho samples source at rho * f: the middle shrinks
    out = pixels.copy()
    out[y0:y1, x0:x1] = cv2.remap(pixels, (c[0] + dx * f).astype(np.float32), (c[1] + dy * f).astype(np.float32),
                                  cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)
    # move landmarks: solve rho_out * f(rho_out) = rho_src by fixed-point iteration
    d = lm - c
    r_src = np.linalg.norm(d, axis=1) / radius
    r_out = r_src.copy()
    for _ in range(20):
        ww = np.where(r_out < 1, (1 - r_out ** 2) ** 2, 0)
        r_out = r_src / (1 + k * ww)
    scale = np.where(r_src > 0, r_out / np.maximum(r_src, 1e-9), 1.0)
    new_lm = (c + d * scale[:, None]).astype(np.float32)
    return out, new_lm, k
