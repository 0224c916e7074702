"""Fading, colour casts, monochrome/sepia detection, hand-tinting and colourisation."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from candid.colour import luma
from candid.engines.restore.checks import check_image
from candid.engines.restore.sampling import bands, sample
from candid.errors import ModelUnavailableError


@dataclass(frozen=True)
class ToneInfo:
    """What :func:`analyze_tone` found.

    Attributes
    ----------
    monochrome : bool
        Black-and-white or toned (sepia, selenium): one hue everywhere.
    tone : tuple of float
        Mean colour ratio (r, g, b) / mean, (1, 1, 1) for neutral.
    sepia : bool
        Monochrome with a warm tone.
    """

    monochrome: bool
    tone: tuple[float, float, float]
    sepia: bool


def analyze_tone(pixels: np.ndarray) -> ToneInfo:
    """Tell monochrome (neutral or toned) prints from colour ones.

    A print is monochrome when every pixel has about the same hue: the
    spread of the per-pixel channel ratios is small.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.random.default_rng(0).random((64, 64, 1)).astype(np.float32)
    >>> analyze_tone(np.concatenate([g, g * 0.9, g * 0.7], axis=2)).sepia
    True
    """
    img = check_image(pixels)
    smp = sample(img, 250_000).reshape(-1, 3).astype(np.float64)
    m = smp.mean(axis=1)
    ok = m > 0.08
    if ok.sum() < 16:
        return ToneInfo(True, (1.0, 1.0, 1.0), False)
    ratio = smp[ok] / m[ok, None]
    tone = np.median(ratio, axis=0)
    # monochrome (neutral or toned): chromaticities lie on one line (a toner warms the
    # highlights more than the shadows); colour prints spread in two dimensions
    d = ratio - ratio.mean(axis=0)
    _, _, vt = np.linalg.svd(d[:: max(1, len(d) // 20000)], full_matrices=False)
    off_axis = np.abs(d @ vt[1])
    along = np.abs(d @ vt[0])
    mono = float(np.percentile(off_axis, 90)) < 0.03 and float(np.percentile(along, 90)) < 0.25
    sepia = bool(mono and tone[0] - tone[2] > 0.06)
    return ToneInfo(bool(mono), tuple(float(t) for t in tone), sepia)


def _lut_apply(img: np.ndarray, luts: np.ndarray) -> np.ndarray:
    """Apply per-channel 4096-entry LUTs band by band."""
    out = np.empty_like(img)
    n = luts.shape[1] - 1
    for y0, y1, _, _ in bands(img.shape[0]):
        idx = np.clip(img[y0:y1] * n + 0.5, 0, n).astype(np.int32)
        for c in range(3):
            out[y0:y1, :, c] = luts[c][idx[..., c]]
    return out


def correct_fade(
    pixels: np.ndarray,
    *,
    keep_monochrome: bool = True,
    clip: float = 0.2,
    balance: float = 0.0,
    strength: float = 1.0,
) -> np.ndarray:
    """Undo fading (and, when asked, colour casts) with tone curves and a white point.

    By default the print's own colour is kept: monochrome prints keep their
    tone (sepia, selenium) and colour prints get one curve for all channels
    (the paper's tint, hand colouring and the colour balance stay; only a
    veil of the paper's colour over the shadows is taken off, and the tonal
    range is stretched). The curve only ever stretches, so
    contrast never drops. With ``keep_monochrome=False`` (neutral):
    colour prints: each channel is stretched between its ``clip`` and
    ``100 - clip`` percentiles (black and white point, which removes a cast
    that shifts or scales a channel) and then bent by a gamma that brings its
    median towards the luma median by ``balance`` (mid-tone cast, e.g. the
    magenta of a print whose cyan dye has faded). Monochrome prints: only the
    tones are stretched; a sepia or selenium tone is kept unless
    ``keep_monochrome=False``, which makes the print neutral grey.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB (not modified).
    keep_monochrome : bool
        Keep the print's colour: sepia or toning, tints, hand colouring and
        colour balance (False: neutral grey for monochrome prints, casts
        removed per channel for colour ones).
    clip : float
        Percent of pixels allowed to clip at each end.
    balance : float
        0..1, how far mid-tone casts are corrected. Off by default: it
        assumes the picture is grey on average, which a red dress is not.
    strength : float
        0..1 blend between the input and the corrected print.

    Returns
    -------
    ndarray
        Corrected float32 image.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.random.default_rng(0).random((64, 64, 3)).astype(np.float32)
    >>> faded = 0.3 + 0.4 * x * np.array([1.0, 0.9, 0.7], np.float32)
    >>> kept = correct_fade(faded)                          # the warm cast is the print's: kept
    >>> bool(kept.std() > faded.std()), bool(kept[..., 0].mean() > kept[..., 2].mean() + 0.02)
    (True, True)
    >>> out = correct_fade(faded, keep_monochrome=False)   # neutral: cast removed per channel
    >>> bool(out.std() > faded.std()), bool(abs(out[..., 0].mean() - out[..., 2].mean()) < 0.05)
    (True, True)
    """
    img = check_image(pixels)
    if not 0 <= clip < 20 or not 0 <= balance <= 1 or not 0 <= strength <= 1:
        raise ValueError("clip must be in [0, 20), balance and strength in [0, 1]")
    info = analyze_tone(img)
    smp = sample(img).reshape(-1, 3)
    x = np.linspace(0, 1, 4096, dtype=np.float32)
    luts = np.empty((3, 4096), np.float32)
    affine = None
    if info.monochrome:
        y = luma(smp[None])[0]
        lo, hi = np.percentile(y, [clip, 100 - clip])
        gain = 1.0 / max(hi - lo, 1e-3)
        if keep_monochrome:
            # stretch every channel around the tone: out = (c - lo * t_c) * gain
            tone = np.asarray(info.tone, np.float32)
            for c in range(3):
                luts[c] = (x - lo * tone[c]) * gain
            affine = (np.asarray([lo * t for t in tone], np.float32), np.full(3, gain, np.float32))
        else:
            out = np.empty_like(img)
            for y0, y1, _, _ in bands(img.shape[0]):
                v = np.clip((luma(img[y0:y1]) - lo) * gain, 0, 1)
                out[y0:y1] = v[..., None]
            return _blend(img, out, strength)
    elif keep_monochrome:
        # Fading lays a veil of the paper's colour over the picture (raised blacks); the
        # colour of the paper, the dyes and hand colouring is the print. So the largest
        # veil of the white point's colour that fits under every channel's black point is
        # taken off, and one gain for all channels brings the brightest channel's white
        # point to 1: contrast is gained, the paper keeps its colour exactly, shadows keep
        # their own tone (a purple-brown albumen shadow is not a veil), and no channel
        # clips more than ``clip`` percent.
        lo = np.percentile(smp, clip, axis=0)
        hi = np.maximum(np.percentile(smp, 100 - clip, axis=0), 1e-3)
        veil = float(np.clip((lo / hi).min(), 0, 0.95)) * hi
        top = float((hi - veil).max())
        for c in range(3):
            luts[c] = (x - veil[c]) / max(top, 1e-3)
        affine = (veil.astype(np.float32), np.full(3, 1.0 / max(top, 1e-3), np.float32))
    else:
        lo = np.percentile(smp, clip, axis=0)
        hi = np.percentile(smp, 100 - clip, axis=0)
        stretched = (smp - lo) / np.maximum(hi - lo, 1e-3)
        stretched = np.clip(stretched, 1e-4, 1)
        med = np.median(stretched, axis=0)
        target = float(np.median(luma(stretched[None])[0]))
        for c in range(3):
            g = np.log(max(target, 1e-3)) / np.log(np.clip(med[c], 1e-3, 0.999))
            g = float(np.clip(g, 0.6, 1.6)) ** balance
            luts[c] = np.clip((x - lo[c]) / max(hi[c] - lo[c], 1e-3), 0, 1) ** g
    if affine is not None:  # a straight line per channel: arithmetic is exact and ~10x faster than a LUT
        out = np.empty_like(img)
        off, gain_c = affine
        for y0, y1, _, _ in bands(img.shape[0]):
            np.clip((img[y0:y1] - off) * gain_c, 0, 1, out=out[y0:y1])
        return _blend(img, out, strength)
    return _blend(img, np.clip(_lut_apply(img, np.clip(luts, 0, 1)), 0, 1), strength)


def _blend(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    if k >= 1:
        return b.astype(np.float32)
    return (a + (b - a) * np.float32(k)).astype(np.float32)


#: Hand-colouring palettes: paper/base tone, skin, lips, and a faint colour for the rest.
PALETTES: dict[str, dict[str, tuple[float, float, float]]] = {
    "hand-coloured": {"base": (0.96, 0.93, 0.86), "skin": (0.93, 0.74, 0.64), "lips": (0.80, 0.45, 0.45),
                      "rest": (0.80, 0.86, 0.90)},
    "sepia": {"base": (0.98, 0.88, 0.70), "skin": (0.98, 0.86, 0.70), "lips": (0.95, 0.80, 0.66),
              "rest": (0.98, 0.88, 0.70)},
    "selenium": {"base": (0.92, 0.88, 0.92), "skin": (0.94, 0.86, 0.86), "lips": (0.90, 0.78, 0.80),
                 "rest": (0.90, 0.88, 0.94)},
}


def tint(pixels: np.ndarray, palette: str = "hand-coloured", *, strength: float = 1.0,
         landmarks: np.ndarray | None = None) -> np.ndarray:
    """Give a black-and-white print the look of a hand-coloured or toned photograph.

    The print's luma is kept exactly; only hue and chroma come from the
    palette, like oil or aniline dye brushed on a silver print: a flesh tone on
    the skin and a rose on the lips (when a face is found or ``landmarks`` are
    given), a pale tint elsewhere, fading out in the shadows and highlights.
    It invents no detail and makes no claim to the true colours.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float32 sRGB (not modified).
    palette : str
        A key of :data:`PALETTES`.
    strength : float
        0..1 chroma strength.
    landmarks : ndarray, optional
        ``(68, 2)`` face landmarks; found automatically when omitted.

    Examples
    --------
    >>> import numpy as np
    >>> g = np.tile(np.linspace(0, 1, 64, dtype=np.float32), (64, 1))[..., None].repeat(3, 2)
    >>> t = tint(g, "sepia", landmarks=np.zeros((0, 2)))
    >>> bool(t[32, 32, 0] > t[32, 32, 2])
    True
    """
    if palette not in PALETTES:
        raise ValueError(f"unknown palette {palette!r}; use one of {', '.join(PALETTES)}")
    img = check_image(pixels)
    pal = {k: np.asarray(v, np.float32) for k, v in PALETTES[palette].items()}
    h, w = img.shape[:2]
    rest = pal["rest"] * 0.5 + pal["base"] * 0.5
    colour = np.broadcast_to(rest, (h, w, 3)).copy()
    if landmarks is None:
        from candid.errors import FaceError
        from candid.face import analyze_face

        try:
            landmarks = analyze_face(img, face_index=0, embed=False, quality=False).landmarks
        except FaceError:
            landmarks = None
    if landmarks is not None and len(landmarks) == 68:
        from candid.face import face_regions
        from candid.face.geometry import interocular_distance

        regions = face_regions(img, np.asarray(landmarks, np.float32))
        iod = interocular_distance(np.asarray(landmarks, np.float32))
        for name in ("skin", "lips"):
            m = regions.full(name, (h, w)).astype(np.float32)
            if name == "skin":
                m = np.maximum(m, regions.full("face", (h, w)).astype(np.float32) * 0.7)
            sig = max(1.0, 0.08 * iod)
            m = cv2.GaussianBlur(m, (0, 0), sig)[..., None]
            colour = colour * (1 - m) + pal[name] * m
    y = luma(img)
    # chroma of the tint relative to its own luma, applied to the print's luma
    cy = luma(colour)[..., None]
    chroma = colour / np.maximum(cy, 1e-3) - 1.0
    weight = (4 * y * (1 - y))[..., None] ** 0.5 * np.float32(strength)
    out = y[..., None] * (1 + chroma * weight)
    # keep luma exact
    out = out + (y - luma(out))[..., None]
    return np.clip(out, 0, 1).astype(np.float32)


#: Packages checked for a colourisation model that ships its weights (see docs/RESTORE.md).
COLOURISATION_CHECKED = ("rz-colorization", "rz-color-lite", "colorize-package", "deoldify",
                         "py-photo-colorizer", "colourful", "colorizexl")


def colourisation_available() -> tuple[bool, str]:
    """Whether automatic colourisation can run here, and why not.

    No PyPI package checked ships colourisation weights that run on the CPU:
    they download weights at run time, need torch or call a web service,
    which candid does not do. So this build has none.

    Examples
    --------
    >>> colourisation_available()[0]
    False
    """
    return False, ("automatic colourisation is not available: no package on PyPI ships a colourisation model "
                   "that runs on the CPU without downloading weights at run time (checked: "
                   + ", ".join(COLOURISATION_CHECKED) + ")")


def colourise(pixels: np.ndarray) -> np.ndarray:
    """Automatic colourisation; raises :class:`ModelUnavailableError` in this build.

    Examples
    --------
    >>> import numpy as np
    >>> try:
    ...     colourise(np.zeros((8, 8, 3), np.float32))
    ... except ModelUnavailableError as e:
    ...     print(e.exit_code)
    7
    """
    ok, why = colourisation_available()
    if not ok:
        raise ModelUnavailableError(why, hint="use --tint hand-coloured for the look of a hand-coloured print "
                                              "(luma kept exactly, no colours claimed to be true)")
    raise AssertionError("unreachable")  # pragma: no cover
