"""Backdrops: seamless paper, painted/mottled canvas, gradients, lens blur, images.

Sizes (mottle scale, blur radius) are fractions of the frame or the face, so
a backdrop looks the same at any resolution. Every random choice takes a seed.
"""

from __future__ import annotations

import re

import cv2
import numpy as np

from candid.colour import linear_to_srgb, luminance, srgb_to_linear
from candid.engines.studio.filters import gauss, normalized_blur, resize
#: Background kinds understood by :func:`background`.
BACKGROUNDS = ("grey", "white", "color", "mottled", "gradient", "blur", "image")

_NAMED = {"grey": "#8c8f93", "white": "#f4f4f2"}


def parse_color(text: str) -> np.ndarray:
    """``"#rrggbb"`` or ``"rrggbb"`` -> float32 sRGB triple.

    Examples
    --------
    >>> parse_color("#ff8000").tolist()
    [1.0, 0.501960813999176, 0.0]
    """
    m = re.fullmatch(r"#?([0-9a-fA-F]{6})", text.strip())
    if not m:
        raise ValueError(f"colour must be #rrggbb, got {text!r}")
    v = m.group(1)
    return np.array([int(v[i:i + 2], 16) / 255 for i in (0, 2, 4)], np.float32)


def parse_background(spec: str) -> tuple[str, dict]:
    """Split a background spec into a kind and its options.

    ``grey``, ``white``, ``color:#hex``, ``mottled[:#hex]``, ``gradient[:#hex]``,
    ``blur``, ``image:PATH``.

    Examples
    --------
    >>> parse_background("color:#336699")[0], parse_background("image:/tmp/x.jpg")
    ('color', ('image', {'path': '/tmp/x.jpg'}))
    """
    kind, _, arg = spec.partition(":")
    kind = kind.strip().lower()
    if kind == "gray":
        kind = "grey"
    if kind == "colour":
        kind = "color"
    if kind not in BACKGROUNDS:
        raise ValueError(f"unknown background {spec!r}; use one of grey, white, color:#hex, mottled, gradient, "
                         "blur, image:PATH")
    if kind == "image":
        if not arg:
            raise ValueError("image background needs a path: image:PATH")
        return kind, {"path": arg}
    if kind == "color" and not arg:
        raise ValueError("color background needs a colour: color:#rrggbb")
    return kind, ({"color": parse_color(arg)} if arg else {})


def _grain(size: tuple[int, int], rng: np.random.Generator, amount: float = 0.004) -> np.ndarray:
    w, h = size
    return (rng.standard_normal((h, w, 1)).astype(np.float32) * amount)


def _smooth_noise(size: tuple[int, int], scale_px: float, rng: np.random.Generator, channels: int = 1) -> np.ndarray:
    """Band-limited noise with features about ``scale_px`` wide, unit std (made at low res, upsampled)."""
    w, h = size
    f = max(scale_px / 4, 1.0)
    sw, sh = max(int(w / f), 4), max(int(h / f), 4)
    n = rng.standard_normal((sh, sw, channels)).astype(np.float32)
    n = gauss(n, 1.5).reshape(sh, sw, channels)
    n = resize(n, (w, h), cv2.INTER_CUBIC).reshape(h, w, channels)
    return n / max(float(n.std()), 1e-6)


def paper(size: tuple[int, int], color: np.ndarray, *, seed: int = 0, falloff: float = 0.35) -> np.ndarray:
    """Seamless studio paper: a colour lit by a background light behind the subject.

    Brighter in the middle, falling off to the corners, a touch darker at the
    top where the roll curves away, and a fine grain so skies don't band.

    Examples
    --------
    >>> paper((64, 48), parse_color("#808080")).shape
    (48, 64, 3)
    """
    w, h = size
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = w / 2, h * 0.58
    r = np.sqrt(((xx - cx) / (0.75 * max(w, h))) ** 2 + ((yy - cy) / (0.75 * max(w, h))) ** 2)
    light = (1 - falloff * np.clip(r, 0, 1.4) ** 2) * (1 - 0.08 * (1 - yy / h))
    lin = srgb_to_linear(np.asarray(color, np.float32))[None, None, :] * light[..., None] * 1.1
    out = linear_to_srgb(lin) + _grain(size, rng)
    return np.clip(out, 0, 1).astype(np.float32)


def mottled(size: tuple[int, int], color: np.ndarray | None = None, *, seed: int = 0) -> np.ndarray:
    """A hand-painted canvas backdrop: cloudy mottle at several scales, darker corners.

    Examples
    --------
    >>> mottled((64, 48), seed=1).shape
    (48, 64, 3)
    """
    w, h = size
    rng = np.random.default_rng(seed)
    base = parse_color("#4f5a63") if color is None else np.asarray(color, np.float32)
    lin = srgb_to_linear(base)
    long_side = max(w, h)
    mottle = 0.55 * _smooth_noise(size, 0.35 * long_side, rng) + 0.3 * _smooth_noise(size, 0.12 * long_side, rng) \
        + 0.15 * _smooth_noise(size, 0.04 * long_side, rng)
    hue = _smooth_noise(size, 0.3 * long_side, rng, 3) * 0.06
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r = np.sqrt(((xx - w / 2) / long_side) ** 2 + ((yy - h * 0.55) / long_side) ** 2)
    glow = 1.25 - 1.1 * np.clip(r, 0, 0.9) ** 1.6
    out = lin[None, None, :] * np.exp(0.45 * mottle + hue) * glow[..., None]
    out = linear_to_srgb(out) + _grain(size, rng, 0.006)
    return np.clip(out, 0, 1).astype(np.float32)


def gradient(size: tuple[int, int], color: np.ndarray | None = None, *, seed: int = 0) -> np.ndarray:
    """A radial studio gradient: light behind the head, darker to the edges.

    Examples
    --------
    >>> gradient((64, 48)).shape
    (48, 64, 3)
    """
    w, h = size
    base = parse_color("#5d6d7e") if color is None else np.asarray(color, np.float32)
    return paper(size, base, seed=seed, falloff=0.75)


def disc_kernel(radius: float) -> np.ndarray:
    """A flat, anti-aliased disc (the shape of an out-of-focus point through a round aperture).

    Examples
    --------
    >>> k = disc_kernel(3.0)
    >>> k.shape, round(float(k.sum()), 5)
    ((9, 9), 1.0)
    """
    r = max(float(radius), 0.5)
    n = int(np.ceil(r)) + 1
    yy, xx = np.mgrid[-n:n + 1, -n:n + 1].astype(np.float32)
    k = np.clip(r + 0.5 - np.sqrt(xx ** 2 + yy ** 2), 0, 1)
    return (k / k.sum()).astype(np.float32)


def lens_blur(
    pixels: np.ndarray,
    alpha: np.ndarray,
    *,
    radius: float,
    highlight: float = 0.8,
    bloom: float = 4.0,
    layers: int = 4,
    max_work_radius: float = 14.0,
    valid: np.ndarray | None = None,
    ceiling: float | None = None,
    people: np.ndarray | None = None,
) -> np.ndarray:
    """The photo's own background, thrown out of focus like a fast portrait lens.

    The person (``alpha``) is cut out first, so it never smears into the
    background; the hole is filled from its surroundings. Depth is guessed
    from the frame (the bottom is nearer than the top, as with floors and
    tables), and each depth layer is blurred with a disc of its own radius.
    Highlights are boosted in linear light before blurring so that lamps and
    specular points bloom into bright discs, as real bokeh does.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` sRGB float32 in [0, 1].
    alpha : ndarray
        ``(H, W)`` subject matte.
    radius : float
        Disc radius in pixels for the farthest layer.
    highlight : float
        Linear luminance above which light blooms.
    bloom : float
        Gain applied to the part of a highlight above ``highlight``.
    layers : int
        Depth layers.
    valid : ndarray, optional
        ``(H, W)`` bool, False where the canvas was extended beyond the photo:
        those pixels are filled from the photo's background like the person's
        hole (never the photo's edge pixels smeared outwards).
    ceiling : float, optional
        Linear luminance the backdrop's light rolls off towards and never
        reaches (:func:`roll_off`): the face's own highlights
        (:func:`face_highlight`), so a window or a chandelier behind the head
        blooms into soft discs but is never brighter than the face. None: the
        old roll-off towards white.
    people : ndarray, optional
        ``(H, W)`` probability that a pixel shows a person (any person: the
        whole photo's person mask, :func:`candid.face.person.person_probability`
        mapped into the frame). Pixels from :data:`PEOPLE_LOW` up count less and
        from :data:`PEOPLE_HIGH` not at all: they are filled from the
        surroundings like the subject's hole, so a neighbour the cut-out left
        out (a cheek at the photo's border) never comes back as a blurred
        skin-coloured blob beside the face. Ignored where it would leave less
        than :data:`PEOPLE_MIN_KEPT` of the backdrop (a crowd: then there is
        nothing better to fill from).

    Returns
    -------
    ndarray
        ``(H, W, 3)`` blurred background, sRGB float32.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.random.default_rng(0).random((64, 64, 3), dtype=np.float32)
    >>> out = lens_blur(img, np.zeros((64, 64), np.float32), radius=4)
    >>> out.shape, float(out.std()) < float(img.std())
    ((64, 64, 3), True)
    """
    H, W = pixels.shape[:2]
    if people is not None and np.shape(people) != (H, W):
        raise ValueError(f"people {np.shape(people)} does not match the photo {(H, W)}")
    s = min(1.0, max_work_radius / max(radius, 1e-6))
    w_s, h_s = max(int(round(W * s)), 8), max(int(round(H * s)), 8)
    lin = srgb_to_linear(resize(pixels, (w_s, h_s), cv2.INTER_AREA))
    a = resize(np.asarray(alpha, np.float32), (w_s, h_s), cv2.INTER_AREA)
    keep = np.clip(1 - a, 0, 1) ** 4  # only clean background pixels count
    if valid is not None:
        keep = keep * resize(np.asarray(valid, np.float32), (w_s, h_s), cv2.INTER_AREA)
    # pixels just outside the matte still hold hair and skin colour: leave a margin so the person
    # never blurs into the backdrop as a bright or dark glow around the head
    e = max(3, 2 * int(0.012 * max(w_s, h_s)) + 1)
    if people is not None:  # other people; the subject's own outline keeps the margin below (its coarse mask is wider)
        own = cv2.dilate((a > 0.05).astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * e + 1,) * 2))
        keep = _without_people(keep, np.where(own > 0, 0.0, resize(np.asarray(people, np.float32), (w_s, h_s),
                                                                   cv2.INTER_AREA)))
    keep = cv2.erode(keep, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (e, e)))
    # fill the subject's hole from the surroundings (coarse-to-fine normalised convolution)
    filled = lin.copy()
    hole = keep < 0.5
    for sigma in (2, 6, 18, 54):
        if not hole.any():
            break
        est = normalized_blur(lin, keep, sigma * max(w_s, h_s) / 512)
        filled = np.where(keep[..., None] > 0.02, lin * keep[..., None] + est * (1 - keep[..., None]), est)
        keep_s = gauss(keep, sigma * max(w_s, h_s) / 512)
        hole = keep_s < 0.02
    lum = luminance(filled)
    boost = 1 + bloom * np.clip((lum - highlight) / max(1 - highlight, 1e-3), 0, None)
    hdr = filled * boost[..., None]
    r_s = radius * s
    yy = np.linspace(0, 1, h_s, dtype=np.float32)[:, None]
    out = np.zeros_like(hdr)
    wsum = np.zeros((h_s, 1), np.float32)
    centers = np.linspace(0, 1, layers)
    for i, c in enumerate(centers):
        layer_r = r_s * (1.0 - 0.45 * c)  # top of the frame (c=0) is farthest
        blurred = cv2.filter2D(hdr, -1, disc_kernel(layer_r), borderType=cv2.BORDER_REFLECT101)
        wgt = np.clip(1 - np.abs(yy - c) * (layers - 1), 0, 1)
        out += blurred * wgt[..., None]
        wsum += wgt
    out /= np.maximum(wsum, 1e-6)[..., None]
    if ceiling is not None:  # exposed for the face: the backdrop's light rolls off below the face's highlights
        out = keep_chroma(out, roll_off(out * backdrop_gain(out, keep, ceiling), ceiling))
    else:  # soft highlight roll-off instead of a hard clip
        out = out / (1 + np.maximum(out - 1, 0))
    return np.clip(linear_to_srgb(resize(out, (W, H), cv2.INTER_CUBIC)), 0, 1).astype(np.float32)


#: Person probability from which a pixel counts less in the blur backdrop (:func:`lens_blur`'s ``people``) ...
PEOPLE_LOW = 0.2
#: ... and from which it does not count at all (filled from the surroundings, like the subject's hole).
PEOPLE_HIGH = 0.45
#: The people are kept in the backdrop when leaving them out would keep less than this share of it (a crowd).
PEOPLE_MIN_KEPT = 0.15


def _without_people(keep: np.ndarray, people: np.ndarray) -> np.ndarray:
    """``keep`` with the pixels that show people weighted down (smoothstep from PEOPLE_LOW to PEOPLE_HIGH).

    Examples
    --------
    >>> import numpy as np
    >>> keep = np.ones((1, 4), np.float32)
    >>> [round(float(v), 2) for v in _without_people(keep, np.float32([[0.0, 0.3, 0.5, 0.9]]))[0]]
    [1.0, 0.65, 0.0, 0.0]
    >>> _without_people(keep, np.ones((1, 4), np.float32)).tolist()   # nothing but people: kept as it was
    [[1.0, 1.0, 1.0, 1.0]]
    """
    t = np.clip((np.asarray(people, np.float32) - PEOPLE_LOW) / (PEOPLE_HIGH - PEOPLE_LOW), 0, 1)
    out = keep * (1 - t * t * (3 - 2 * t))
    if float(out.sum()) < PEOPLE_MIN_KEPT * max(float(keep.sum()), 1e-6):
        return keep
    return out.astype(np.float32)


#: Share of the ceiling below which :func:`roll_off` leaves light alone (above it, light is compressed).
KNEE = 0.65

#: The backdrop's light stays under this share of the face's highlights (:func:`face_highlight`).
CEILING = 0.9


#: The most :func:`backdrop_gain` darkens a backdrop (a factor: two stops).
MAX_DARKEN = 0.25


def backdrop_gain(linear: np.ndarray, weight: np.ndarray | None, ceiling: float, knee: float = KNEE) -> float:
    """Exposure for the backdrop: the factor that puts its bright parts (90th percentile) at the knee.

    Like a photographer lighting the face a stop or two over the room: the
    backdrop keeps its own contrast (a lamp stays brighter than the wall
    behind it) and :func:`roll_off` only has the brightest tenth to
    compress, instead of flattening a bright room into one grey. Never
    brighter (at most 1), at most :data:`MAX_DARKEN` darker; ``weight``
    (> 0.5) marks the pixels that are backdrop (not the filled subject).

    Examples
    --------
    >>> import numpy as np
    >>> room = np.full((8, 8, 3), 0.8, np.float32)
    >>> round(backdrop_gain(room, None, 0.4), 3), backdrop_gain(room * 0.1, None, 0.4)
    (0.325, 1.0)
    """
    y = luminance(np.maximum(np.asarray(linear, np.float32), 0))
    sel = y if weight is None or not (np.asarray(weight) > 0.5).any() else y[np.asarray(weight) > 0.5]
    bright = float(np.percentile(sel, 90))
    return float(np.clip(knee * ceiling / max(bright, 1e-6), MAX_DARKEN, 1.0))


def keep_chroma(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """``after``'s lightness with ``before``'s CIELAB chroma and hue (both linear RGB; as far as sRGB holds it).

    Darkening light in linear RGB keeps its hue but takes its colourfulness with its lightness: a room
    exposed two stops under the face turned yangmi_1's golden bokeh khaki-olive (C* 31 -> 17) and her blue sky
    grey-navy (33 -> 14). A photographer's darker room keeps its colours. Light brighter than white in
    ``before`` (bloom) counts as white. Chroma that sRGB cannot hold at the new lightness is scaled down until
    it fits (hue kept), never clipped per channel.

    Examples
    --------
    >>> import numpy as np
    >>> from skimage.color import rgb2lab
    >>> from candid.colour import linear_to_srgb, srgb_to_linear
    >>> gold = srgb_to_linear(np.float32([[[0.95, 0.85, 0.45]]]))
    >>> out = keep_chroma(gold, gold * 0.3)
    >>> lab0, lab1, lab2 = (rgb2lab(linear_to_srgb(v)) for v in (gold, gold * 0.3, out))
    >>> c = lambda lab: float(np.hypot(lab[0, 0, 1], lab[0, 0, 2]))
    >>> round(float(lab2[0, 0, 0] - lab1[0, 0, 0]), 1), c(lab2) > c(lab1) + 5
    (0.0, True)
    """
    from skimage.color import lab2xyz, rgb2lab
    from skimage.color.colorconv import rgb_from_xyz  # the exact inverse of the matrix rgb2lab uses

    b = np.clip(np.asarray(before, np.float32), 0, 1)
    a = np.clip(np.asarray(after, np.float32), 0, 1)
    lab_b, lab_a = rgb2lab(linear_to_srgb(b)), rgb2lab(linear_to_srgb(a))
    lab = lab_a.copy()
    scale = np.ones(lab.shape[:2])
    for _ in range(12):  # shrink the chroma where sRGB cannot hold it at this lightness (hue kept)
        lab[..., 1:] = lab_b[..., 1:] * scale[..., None]
        lin = lab2xyz(lab) @ rgb_from_xyz.T
        over = ((lin < -1e-4) | (lin > 1 + 1e-4)).any(-1)
        if not over.any():
            break
        scale = np.where(over, scale * 0.85, scale)
    else:
        lin = np.where(over[..., None], a, lin)
    return np.clip(lin, 0, 1).astype(np.float32)


def roll_off(linear: np.ndarray, ceiling: float, knee: float = KNEE) -> np.ndarray:
    """Compress linear light above ``knee * ceiling`` smoothly towards ``ceiling``, which it never reaches.

    A film-like shoulder on luminance (the colour's ratios kept): below the
    knee nothing changes, above it ``k + (c - k) (1 - exp(-(Y - k) / (c - k)))``
    (slope 1 at the knee, so no crease). Values in any range; the output's
    luminance stays under ``ceiling`` (reaches it only in float rounding).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.float32([[[0.1, 0.1, 0.1], [0.5, 0.5, 0.5], [4.0, 4.0, 4.0]]])
    >>> [round(float(v), 3) for v in roll_off(x, 0.6)[0, :, 0]]
    [0.1, 0.476, 0.6]
    """
    lin = np.maximum(np.asarray(linear, np.float32), 0)
    c = max(float(ceiling), 1e-4)
    k = knee * c
    y = luminance(lin)
    over = np.maximum(y - k, 0)
    y_new = np.where(y > k, k + (c - k) * (1 - np.exp(-over / (c - k))), y)
    gain = np.where(y > 1e-6, y_new / np.maximum(y, 1e-6), 1.0)
    out = lin * gain[..., None]
    # a saturated colour can still have one channel above 1 at a luminance under the ceiling: clip it softly
    return (out / (1 + np.maximum(out - 1, 0))).astype(np.float32)


def face_highlight(pixels: np.ndarray, alpha: np.ndarray, face_height: float | None = None,
                   landmarks: np.ndarray | None = None) -> float | None:
    """The face's highlights: the 99th percentile of its linear luminance (None when no face is seen).

    With ``landmarks`` (68 points in ``pixels``) the face is their hull (jaw
    and brows) where ``alpha`` > 0.5; without, the head is the subject's
    opaque part (``alpha`` > 0.9) within ``face_height`` of its top row (the
    crown down to the chin), its warm (skin-coloured: red over green over
    blue) pixels when there are any: the face without grey hair or clothes.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((40, 40, 3), np.float32); img[10:30, 10:30] = (0.6, 0.5, 0.4)
    >>> a = np.zeros((40, 40), np.float32); a[10:40, 10:30] = 1
    >>> round(face_highlight(img, a, face_height=20), 3)
    0.23
    """
    a = np.asarray(alpha, np.float32)
    if landmarks is not None:
        from candid.engines.studio.matte import _face_hull

        face = _face_hull(a.shape, np.asarray(landmarks, np.float32)) & (a > 0.5)
    else:
        core = a > 0.9
        rows = np.nonzero(core.any(axis=1))[0]
        if not len(rows):
            return None
        top = int(rows[0])
        fh = float(face_height) if face_height else 0.5 * a.shape[0]
        head = core.copy()
        head[:top] = False
        head[top + max(int(round(fh)), 1):] = False
        # skin, not hair: warm (red over green over blue); grey and white hair is as bright as a face's highlights
        px = np.asarray(pixels, np.float32)
        face = head & (px[..., 0] > px[..., 1]) & (px[..., 1] > px[..., 2]) & (px[..., 0] - px[..., 2] > 0.06)
        if face.sum() < 16:
            face = head
    if face.sum() < 16:
        return None
    return float(np.percentile(luminance(srgb_to_linear(np.asarray(pixels, np.float32)[face])[:, None])[:, 0], 99))


def cover(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Scale and centre-crop ``image`` to fill ``size`` = (width, height)."""
    w, h = size
    ih, iw = image.shape[:2]
    s = max(w / iw, h / ih)
    nw, nh = max(int(np.ceil(iw * s)), w), max(int(np.ceil(ih * s)), h)
    big = resize(image.astype(np.float32), (nw, nh), cv2.INTER_AREA if s < 1 else cv2.INTER_CUBIC)
    x0, y0 = (nw - w) // 2, (nh - h) // 2
    return np.clip(big[y0:y0 + h, x0:x0 + w], 0, 1).astype(np.float32)


def background(
    kind: str,
    size: tuple[int, int],
    seed: int = 0,
    *,
    color: np.ndarray | None = None,
    source: np.ndarray | None = None,
    alpha: np.ndarray | None = None,
    face_height: float | None = None,
    image: np.ndarray | None = None,
    blur: float = 0.22,
    valid: np.ndarray | None = None,
    landmarks: np.ndarray | None = None,
    people: np.ndarray | None = None,
) -> np.ndarray:
    """Make a backdrop of ``size`` = (width, height).

    Parameters
    ----------
    kind : str
        One of :data:`BACKGROUNDS`.
    size : tuple of int
        ``(width, height)`` in pixels.
    seed : int
        For the paper grain and mottle.
    color : ndarray, optional
        sRGB colour for ``color`` (required), ``mottled`` and ``gradient``.
    source, alpha : ndarray, optional
        The photo and its subject matte, for ``blur``.
    face_height : float, optional
        Face height in pixels; the blur radius is ``blur`` times it (default:
        a tenth of the frame height).
    image : ndarray, optional
        A user image for ``image`` (scaled to cover, centred).
    valid : ndarray, optional
        For ``blur``: ``(H, W)`` bool, False on an extended canvas (see :func:`lens_blur`).
    landmarks : ndarray, optional
        For ``blur``: the face's 68 landmarks in ``source``; the backdrop's
        light rolls off under :data:`CEILING` of the face's highlights
        (:func:`face_highlight`; without landmarks, of the head's: the
        subject's top ``face_height`` rows).
    people : ndarray, optional
        For ``blur``: ``(H, W)`` probability of any person (see :func:`lens_blur`); other kinds ignore it.

    Returns
    -------
    ndarray
        ``(H, W, 3)`` float32 sRGB.

    Examples
    --------
    >>> background("grey", (32, 40)).shape
    (40, 32, 3)
    """
    w, h = int(size[0]), int(size[1])
    if w < 1 or h < 1:
        raise ValueError(f"background size must be positive, got {size}")
    if kind == "grey":
        return paper((w, h), parse_color(_NAMED["grey"]), seed=seed)
    if kind == "white":
        return paper((w, h), parse_color(_NAMED["white"]), seed=seed, falloff=0.12)
    if kind == "color":
        if color is None:
            raise ValueError("color background needs color=")
        return paper((w, h), color, seed=seed, falloff=0.2)
    if kind == "mottled":
        return mottled((w, h), color, seed=seed)
    if kind == "gradient":
        return gradient((w, h), color, seed=seed)
    if kind == "blur":
        if source is None or alpha is None:
            raise ValueError("blur background needs source= and alpha=")
        fh = face_height if face_height else 0.5 * h
        peak = face_highlight(source, alpha, face_height, landmarks)
        return lens_blur(source, alpha, radius=max(blur * fh, 1.0), valid=valid,
                         ceiling=None if peak is None else CEILING * peak, people=people)
    if kind == "image":
        if image is None:
            raise ValueError("image background needs image=")
        return cover(image, (w, h))
    raise ValueError(f"unknown background kind {kind!r}; use one of {', '.join(BACKGROUNDS)}")
