"""Putting the person on a new background without a fringe of the old one."""

from __future__ import annotations

import cv2
import numpy as np

from candid.colour import linear_to_srgb, luminance, srgb_to_linear
from candid.engines.studio.checks import check_alpha, check_image
from candid.engines.studio.filters import box_around, fill_dips, gauss, normalized_blur, resize
from candid.engines.studio.matte_rules import HazeOptions


def _blue_red(lin: np.ndarray) -> np.ndarray:
    """Linear blue over red: about 0.3-0.6 on lit skin, near 1 in a white or bluish light."""
    return lin[..., 2] / np.maximum(lin[..., 0], 1e-4)


def _below_lobe_line(lm: np.ndarray, x0: int, x1: int, y0: int, y1: int) -> np.ndarray:
    """Signed distance (px) over the window ``[y0:y1, x0:x1]`` from the ear lobes' line, positive towards the chin.

    The line runs through landmarks 2 and 14: below it the outline is the jaw's and the neck's, above it hair
    and ears.
    """
    side = np.float64([lm[14, 1] - lm[2, 1], lm[2, 0] - lm[14, 0]])
    side = side if side @ (lm[8] - lm[2]) > 0 else -side
    side = side / max(float(np.hypot(*side)), 1e-6)
    return (np.arange(x0, x1, dtype=np.float64)[None, :] - lm[2, 0]) * side[0] + (
        np.arange(y0, y1, dtype=np.float64)[:, None] - lm[2, 1]) * side[1]


def _spared(alpha: np.ndarray, landmarks: np.ndarray | None, keep: np.ndarray | None,
            thin: float) -> np.ndarray | None:
    """Pixels whose colour the edge steps leave alone: ``keep`` and the thin pieces hanging below the lobes."""
    out = None if keep is None else np.asarray(keep, bool)
    if landmarks is not None:
        hung = hanging_pieces(alpha, landmarks, width=max(thin, 3.0))
        if hung.any():
            out = hung if out is None else out | hung
    return out if out is not None and out.any() else None


def hanging_pieces(alpha: np.ndarray, landmarks: np.ndarray, *, width: float) -> np.ndarray:
    """Thin pieces of the matte hanging below the ear lobes, with their soft rim: a drop earring's chain.

    A part of the matte (alpha above 0.5) at most ``width`` px across (what an
    opening with a disk just wider than that takes away) below the ear lobes'
    line (landmarks 2 and 14), hanging (at least four times as tall as wide,
    and two ``width`` long) and nearly opaque (median alpha 0.85), has no inside
    of its own: the edge colour of :func:`suppress_rim` and the jaw's toning of
    :func:`suppress_jaw_rim` borrow the neck's skin for it, and a silver or gold
    chain turned skin-pink. Its soft sides and its root (alpha above 0.02
    within the disk's radius of it, at least 2 px) go with it.

    Parameters
    ----------
    alpha : ndarray
        ``(H, W)`` matte.
    landmarks : ndarray
        ``(68, 2)`` face landmarks.
    width : float
        Widest piece (px) that counts as thin.

    Returns
    -------
    ndarray
        ``(H, W)`` bool.

    Examples
    --------
    >>> import numpy as np
    >>> from candid.face.examples import astronaut_landmarks
    >>> lm = astronaut_landmarks()
    >>> a = np.zeros((512, 512), np.float32); a[60:180, 175:275] = 1   # the head
    >>> a[180:220, 188:191] = 1   # a 3 px chain hanging below the lobe
    >>> thin = hanging_pieces(a, lm, width=6)
    >>> bool(thin[200, 189]), bool(thin[60:178].any()), bool(hanging_pieces(a, lm, width=2).any())
    (True, False, False)
    """
    from candid.pieces import thin_components

    a = np.asarray(alpha, np.float32)
    r = int(np.ceil((float(width) - 1) / 2))  # the finder's disk radius: the root's reach below
    below = _below_lobe_line(np.asarray(landmarks, np.float64), 0, a.shape[1], 0, a.shape[0]) > 0
    n, lab, stats = thin_components(a > 0.5, width, within=below)
    if n < 2:
        return np.zeros(a.shape, bool)
    from scipy import ndimage

    # it hangs: at least 4 times as tall as it is wide and 2 ``width`` long, and it is nearly opaque (median alpha
    # from 0.85: the matte's word for a jewel). A soft sliver at the neck's or collar's edge (tom_cruise_tight,
    # biden: 17x8 px at alpha 0.56, 9x23 at 0.84) is the old background's and keeps the edge colour
    h, bw = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    med = np.zeros(n)
    med[1:] = ndimage.median(a, lab, np.arange(1, n))
    big = (h >= 4 * np.maximum(bw, 1)) & (h >= 2 * float(width)) & (med >= 0.85)
    big[0] = False
    thin = big[lab]
    if not thin.any():
        return thin
    # grown by the disk's radius (at least 2 px): its soft sides, and its root, which the opening leaves on the
    # thicker person it hangs from (scarlett_2: the top of the chain under the lobe stayed skin-pink)
    g = max(r, 2)
    grown = cv2.dilate(thin.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * g + 1,) * 2))
    return thin | (grown.astype(bool) & (a > 0.02))


def suppress_rim(pixels: np.ndarray, alpha: np.ndarray, *, width: float, excess: float = 1.12,
                 valid: np.ndarray | None = None, edge_colour: bool = True,
                 landmarks: np.ndarray | None = None, keep: np.ndarray | None = None,
                 own_dark: bool = True, hair_hue: bool = True) -> tuple[np.ndarray, float]:
    """Tone down a light rim along the person's outline that the old scene put there.

    Backlit photos (a window or bright curtains behind the head) carry a thin
    bright rim on the jaw, ears and hair edge. On the old background it reads
    as light; cut out and put on a studio backdrop that could not have made
    it, it reads as a white halo. Within ``width`` px inside the alpha 0.5
    outline, a pixel brighter (linear luminance) than ``excess`` times the
    person's own colour just inside the band (``F``, a normalised blur of the
    pixels ``width``..3 ``width`` deep) is brought back towards ``F``'s
    brightness and colour, fully at the outline and fading to nothing at
    ``width``. Darker pixels, and pixels only a little brighter (white hair
    whose inside is white too), are left as they are. A rim wider than the
    band lights that ring too: ring pixels lighter and cooler than the person
    3..6 ``width`` deep count less in ``F``. The capped level keeps each
    pixel's own fine texture (its luminance over its 3x3 median).

    With ``edge_colour``, the soft edge pixels (alpha below 0.98, their mask
    blurred over a quarter ``width``, so no line follows the matte's opaque
    edge) and the outer half of the band also take their colour (chroma) from the inner
    ring's stretch nearest to them (``F`` mixes hair and skin where the two
    meet at the outline), keeping their own brightness: what is left of the old background in a
    strand's colour after decontamination (cyan and yellow fringes on
    backlit white hair, biden.jpg) goes, the strand's shape stays. A soft
    edge pixel darker than the person beside it, on the way to a darker old
    background (read from the pixels the matte leaves at 0, which foreground
    estimates keep as the photo), holds that background (the gaps between
    strands the matte kept as partly person) and is lifted towards the
    person's level by how far it went towards the background's.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` sRGB foreground colours; not modified.
    alpha : ndarray
        ``(H, W)`` matte.
    width : float
        Band width in pixels.
    excess : float
        Luminance ratio over ``F`` from which a pixel counts as rim.
    valid : ndarray, optional
        ``(H, W)`` bool, pixels from the photo (an extended canvas is ignored).
    edge_colour : bool
        Also recolour the soft edge (above).
    landmarks : ndarray, optional
        ``(68, 2)`` face landmarks of ``pixels``. Given, the brightness toning
        spares the outline above the ear lobes (the line through landmarks 2
        and 14, fading in over one ``width``): white hair there is lighter
        than the person inside the band but is not a rim light (biden). The
        soft edge's colour is still taken from the person there, and a
        neutral soft edge pixel there (white or grey hair) may be as light
        as the ring's stretch nearest to it (not only ``excess`` times the
        ring's mean, which mixes in the darker skin). Thin pieces
        hanging below the lobes (:func:`hanging_pieces`, at most ``width``
        across: a drop earring's chain) keep their own colour.
    keep : ndarray, optional
        ``(H, W)`` bool, pixels whose colour is left as it is (the jewels the
        matte found, with their soft rim).
    own_dark : bool
        With ``landmarks`` and ``edge_colour``: below the ear lobes, a pixel
        the matte holds as opaque (alpha from 0.8, fully from 0.95) and
        darker than the old background is not lifted towards the person's
        level (no lift at half the background's luminance, ramped to the full
        lift at its level): a mix of the person and the background lies
        between the two, so it is the person's own darker cloth (a navy
        lapel's point beside a white collar before a light wall), not a gap.

    hair_hue : bool
        Then white and grey hair along the outline takes the hue of the white
        or grey hair deeper in (:func:`light_hair_hue`: no cyan fringe of a
        cool room light on white hair before a plain light backdrop).

    Returns
    -------
    (ndarray, float)
        The toned image and the mean luminance reduction over the band (0: nothing done).

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((64, 64, 3), 0.4, np.float32); img[:, 28:32] = 0.95   # a bright rim at the edge
    >>> a = np.zeros((64, 64), np.float32); a[:, :32] = 1
    >>> out, amount = suppress_rim(img, a, width=6)
    >>> round(float(out[32, 31, 0]), 2), round(float(out[32, 10, 0]), 4), amount > 0  # at most 1.12x the inside, linear
    (0.42, 0.4, True)
    """
    pixels = check_image(pixels)
    a = check_alpha(alpha, pixels.shape)
    w = max(float(width), 1.0)
    fg = (a > 0.5).astype(np.uint8)
    depth = cv2.distanceTransform(fg, cv2.DIST_L2, 5)
    band = (depth > 0) & (depth <= w)
    soft = (a > 0.02) & (a < 0.98) & (depth <= w)
    if valid is not None:
        band &= np.asarray(valid, bool)
        soft &= np.asarray(valid, bool)
    if not band.any():
        return pixels.copy(), 0.0
    y0, y1, x0, x1 = box_around(band, int(7 * w) + 2)
    lin = srgb_to_linear(pixels[y0:y1, x0:x1])
    d = depth[y0:y1, x0:x1]
    lI = luminance(lin)
    inner = ((d > w) & (d <= 3 * w)).astype(np.float32)
    if not inner.any():
        return pixels.copy(), 0.0
    sig = 1.5 * w
    # the reference must be the person, not the rim: a rim wider than the band (obama3's neck from the ear down,
    # 10-15 px against a band of 8) lit the inner ring too, and measured against itself it was no rim at all (a
    # pale line left on the outline). A ring pixel lighter than ``excess`` times the person deeper inside (3-6
    # band widths) and cooler than it (linear blue over red 0.15 above, fully from 0.35: the scene's light on
    # skin, obama3 0.89 against 0.26) counts less, nothing from 1.5 times that, as long as it is a stripe: where
    # more than half the ring around is lit so (fully from three quarters) it is the person's own light layer,
    # white hair over the skin of the temple (biden: halo 0.49 -> 0.73 without this). Lighter ends of the same
    # colour are the hair's own (scarlett_1's blonde crown: blue over red within 0.07 of the darker hair inside)
    deeper = ((d > 3 * w) & (d <= 6 * w)).astype(np.float32)
    if deeper.any():
        D = normalized_blur(lin, deeper, sig)
        reject = np.clip((lI / np.maximum(luminance(D), 1e-4) - excess) / (0.5 * excess), 0, 1) * np.clip(
            (_blue_red(lin) - _blue_red(D) - 0.15) / 0.2, 0, 1)
        share = cv2.GaussianBlur(reject * inner, (0, 0), sig) / np.maximum(cv2.GaussianBlur(inner, (0, 0), sig), 1e-3)
        inner = inner * (1.0 - reject * np.clip((0.75 - share) / 0.25, 0, 1)) + 0.02 * deeper
    # one normalised convolution: every band pixel lies within `width` of the inner ring
    reached = cv2.GaussianBlur(inner, (0, 0), sig)
    F = cv2.GaussianBlur(lin * inner[..., None], (0, 0), sig) / np.maximum(reached, 1e-3)[..., None]
    lF = np.maximum(luminance(F), 1e-4)
    ratio = lI / lF
    # 0 at `excess`, 1 at 1.5 times that (at twice that, a rim 1.5-2x the skin kept half its light: obama3's neck)
    over = np.clip((ratio - excess) / (0.5 * excess), 0, 1)
    # the pixel's own fine texture (its luminance over its 3x3 median: grain and strands, not the side of a
    # broader stripe) rides on a capped level: a flat cap read as a smooth painted band at 1:1 (scarlett_1's crown)
    grain = np.clip(lI / np.maximum(cv2.medianBlur(lI.astype(np.float32), 3), 1e-4), 0.75, 1.25)
    cap = excess * grain
    # the person's colour nearest each pixel: the inner ring's local mean (over half the band width) at the ring
    # pixel nearest to it, for the edge's colour below
    sm = max(0.5 * w, 1.0)
    ring_mean = cv2.GaussianBlur(lin * inner[..., None], (0, 0), sm) / np.maximum(
        cv2.GaussianBlur(inner, (0, 0), sm), 1e-3)[..., None]
    off_ring = (inner == 0).astype(np.uint8)
    _, labels = cv2.distanceTransformWithLabels(off_ring, cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL)
    ry, rx = np.nonzero(off_ring == 0)  # the ring's pixels in scan order, as the labels count them (from 1)
    near = ring_mean[ry, rx][np.clip(labels - 1, 0, len(ry) - 1)]
    fade = np.clip(1.2 - d / w, 0, 1)
    if landmarks is not None:
        # above the ear lobes the outline is hair and ears: white hair lighter than the skin inside is the
        # person's (biden's temple was greyed like a rim); obama3's lit neck lies below the lobes. The soft edge's
        # colour and cap below still apply there (a backlit ear kept at full brightness is an orange glow)
        below = _below_lobe_line(np.asarray(landmarks, np.float64), x0, x1, y0, y1)
        over = over * np.clip(1.0 + below / w, 0, 1)
    k = (over * fade * band[y0:y1, x0:x1])[..., None]
    # towards F's brightness (capped at `excess` x F) and colour, keeping the pixel's own fine texture in luminance
    target = F * np.minimum(ratio, cap)[..., None]
    new = (1 - k) * lin + k * target
    if edge_colour:
        # the soft edge's weight is its mask blurred over a quarter band width at full resolution: a flat weight
        # of 1 over alpha < 0.98 ended in a line along the matte's opaque edge, which follows the working-size
        # trimap's grid (scarlett_1's stepped crown). A weight following 1 - alpha instead left the old
        # background's colour in the edge (halo 0.88 -> 0.90 there, obama.jpg 1.11 -> 1.19): 0.84 and 1.07 now
        a_c = a[y0:y1, x0:x1]
        soft_w = cv2.GaussianBlur(soft[y0:y1, x0:x1].astype(np.float32), (0, 0), max(0.25 * w, 1.5)) * (a_c > 0.02)
        kc = np.maximum(soft_w, np.clip(1.0 - d / (0.5 * w), 0, 1) * band[y0:y1, x0:x1])[..., None]
        # the soft edge (outside the band too) takes F's colour and at most `excess` times its brightness:
        # a bright rim kept at full brightness in the skin's colour reads as an orange glow (obama3's ear)
        # (the colour of the ring's stretch nearest to it, the brightness cap from the ring's mean: where the
        # ring holds two colours, dark hair meeting the skin at yangmi_3's temple, their mean is neither, and
        # the edge was recoloured to a grey notch; a ring stretch of the rim itself must not lift the cap)
        l_near = np.maximum(luminance(near), 1e-4)
        # a soft edge pixel darker than the person beside it, on the way to a darker old background, holds that
        # background: the matte kept the gaps between strands as partly person (scarlett_1's blonde wisp over a
        # black wall: blue-grey holes on the new backdrop). It is lifted towards the person's level by how far it
        # went towards the background's (the old background: the pixels the matte leaves at 0, which foreground
        # estimates keep as the photo); a real darker strand of the person's own colour moves little
        level = luminance(new)
        bgm = a_c <= 0.002
        if valid is not None:
            bgm = bgm & np.asarray(valid, bool)[y0:y1, x0:x1]
        if bgm.any():
            l_bg = luminance(normalized_blur(lin, bgm.astype(np.float32), w))
            gap = np.maximum(l_near - l_bg, 0)  # counts from a background half as light as the person
            toward = np.clip((l_near - level) / np.maximum(gap, 1e-4), 0, 1) * np.clip(gap / (0.5 * l_near), 0, 1)
            # only in a narrow band beside the opaque person (full to 0.75 band widths from alpha 0.98, nothing
            # from 1.25) or where the pixel is mostly person (alpha from 0.5, fully from 0.8: a dark hole inside the
            # crown's soft edge): where the matte is wide and soft (scarlett_1's wisp, alpha 0.2-0.4 over 2-3 band
            # widths) the lift made the gaps between strands a beige film with contour lines
            d_op = cv2.distanceTransform((a_c < 0.98).astype(np.uint8), cv2.DIST_L2, 5)
            toward = toward * np.maximum(np.clip((1.25 * w - d_op) / (0.5 * w), 0, 1), np.clip((a_c - 0.5) / 0.3, 0, 1))
            if own_dark and landmarks is not None:
                # below the lobes, a pixel darker than the old background is no mix of the person and it (a mix lies
                # between the two): it is the person's own darker cloth, a navy lapel's point beside the white
                # collar before a light wall (32bit.png), lifted to a grey smudge. No lift from half the
                # background's level down (ramped; the gaps of a wisp over a black wall are as light as the wall)
                # Only where the matte holds the pixel as (nearly) opaque, from 0.8 fully from 0.95: a soft pixel's
                # foreground estimate may still hold a dark old background (zcy.webp's striped wall behind the hair
                # at the shoulder: dark specks in its soft edge)
                dark = 1.0 - np.clip((level - 0.5 * l_bg) / np.maximum(0.5 * l_bg, 1e-4), 0, 1)
                dark = dark * np.clip((a_c - 0.8) / 0.15, 0, 1)
                # and only as dark as the person's own opaque pixels nearby (the darkest within a band width,
                # 2 px or more inside the opaque part; from 0.75 of it, fully at 0.95): a speck darker than every
                # piece of cloth round it is the old background held in the foreground estimate
                # (tom_cruise_tight.jpg: black specks where the jaw meets the collar), not cloth
                r_o = max(int(round(w)), 1)
                inside = cv2.erode((a_c >= 0.98).astype(np.uint8), np.ones((3, 3), np.uint8), iterations=2) > 0
                own = cv2.erode(np.where(inside, lI, 2.0).astype(np.float32),
                                cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r_o + 1, 2 * r_o + 1)))
                dark = dark * np.clip((level / np.maximum(own, 1e-4) - 0.75) / 0.2, 0, 1)
                toward = toward * (1.0 - dark * np.clip(1.0 + below / w, 0, 1))
            level = level + toward * np.maximum(l_near - level, 0)
        # a soft pixel beyond the ring's reach (a loose strand 0.15 face widths or more out, round 15) has no F: the
        # blur's weight there is below its floor and F fell towards black, so the strand was capped to a dark line
        # over the new backdrop (scarlett_4.jpg linkedin); its cap is the nearest ring stretch's brightness
        lF = np.where(reached[...] <= 1e-3, l_near, lF)
        lim = cap * lF
        if landmarks is not None:
            # above the ear lobes, a neutral soft edge pixel (white or grey hair: linear blue over red from 0.6,
            # fully from 0.8; not the warm glow of a backlit ear, 0.3-0.6 like skin) may be as light as the ring's
            # stretch nearest to it: white hair at the temple, whose ring mean F mixes in the darker skin, was
            # capped to the skin's level and greyed (biden)
            neutral = np.clip((_blue_red(lin) - 0.6) / 0.2, 0, 1)
            lim = cap * np.maximum(lF, np.clip(-below / w, 0, 1) * neutral * l_near)
        recoloured = near / l_near[..., None] * np.minimum(level, lim)[..., None]
        new = (1 - kc) * new + kc * recoloured
        k = np.maximum(k, kc)
    spared = _spared(a, landmarks, keep, w)
    if spared is not None:  # a jewel's colour is its own, not the skin's beside it
        k = k * ~spared[y0:y1, x0:x1, None]
    out = pixels.copy()
    out[y0:y1, x0:x1] = np.where(k > 0, linear_to_srgb(new), out[y0:y1, x0:x1]).astype(np.float32)
    sel = band[y0:y1, x0:x1]
    amount = float(((lI - luminance(new)) / np.maximum(lI, 1e-4))[sel].mean())
    if hair_hue:  # white hair's outer strands tinted by the room's light (biden's cyan): the hair's own hue
        out = light_hair_hue(out, a, width=w, valid=valid, keep=spared)
    return out, amount


def light_hair_hue(pixels: np.ndarray, alpha: np.ndarray, *, width: float, valid: np.ndarray | None = None,
                   keep: np.ndarray | None = None, light: tuple[float, float] = (0.15, 0.3),
                   neutral: float = 0.15, grey: tuple[float, float] = (0.12, 0.2), least: float = 0.3,
                   tinted: float = 0.5) -> np.ndarray:
    """White and grey hair along the outline takes the hue of the white or grey hair deeper in.

    Thin light hair takes on the colour of the light behind and around it: biden.jpg's white side hair is
    cyan in its outer 10 px in the photo itself (linear blue over red 1.3-1.5 in opaque strands 2-6 px
    inside the outline, 1.0-1.06 in the hair 14-18 px deep), before a gold and grey curtain, so it is the
    room's cool light on the strands, not the backdrop mixed into them: no foreground estimate takes it
    out, and :func:`suppress_rim`'s edge colour, taken from a ring of the person that holds the tinted
    strands, keeps it (1.15-1.2). On the old scene it read as its light; on a plain light backdrop it is a
    cyan fringe round white hair.

    The hair's own hue is read 1.5-4 ``width`` deep in the solid person (alpha from 0.98): a normalised
    blur of the chroma (linear RGB over luminance, neutral at 1, 1, 1) of its light pixels (linear
    luminance ``light``) near neutral (weight ``exp(-(d / neutral)^2)`` of their chroma's distance ``d``
    from neutral: skin, at 0.3-0.4, counts little). Where those are at least ``least`` of the ring and their
    mean is itself near neutral (distance below ``grey``, fully below its first value: white or grey hair,
    not blonde), a light pixel that is itself a tinted white (its chroma within ``tinted`` of neutral,
    nothing from 0.1 beyond) within ``width`` px of the alpha 0.5 outline (and on the soft edge beyond it;
    fading to nothing at twice that) takes that hue, keeping its luminance. Dark hair, blonde hair and
    skin (a neck beside a white collar too) are left as they are.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` sRGB foreground colours; not modified.
    alpha : ndarray
        ``(H, W)`` matte.
    width : float
        Band width in pixels (as :func:`suppress_rim`).
    valid : ndarray, optional
        ``(H, W)`` bool, pixels from the photo.
    keep : ndarray, optional
        ``(H, W)`` bool, pixels whose colour is left as it is (jewels).

    Returns
    -------
    ndarray
        ``(H, W, 3)`` float32 sRGB.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((48, 48, 3), (0.8, 0.6, 0.2), np.float32)         # a gold curtain
    >>> img[:, :24] = 0.9                                               # white hair
    >>> img[:, 18:24] = (0.8, 0.9, 1.0)                                 # its outer strands, cyan in a cool light
    >>> a = np.zeros((48, 48), np.float32); a[:, :24] = 1
    >>> out = light_hair_hue(img, a, width=6)
    >>> [round(float(v), 2) for v in out[24, 22]], [round(float(v), 2) for v in out[24, 5]]
    ([0.89, 0.89, 0.89], [0.9, 0.9, 0.9])
    >>> img[:, :18] = (0.9, 0.75, 0.5)                                  # blonde hair deeper in: left alone
    >>> bool(np.allclose(light_hair_hue(img, a, width=6), img))
    True
    """
    pixels = check_image(pixels)
    a = check_alpha(alpha, pixels.shape)
    w = max(float(width), 1.0)
    depth = cv2.distanceTransform((a > 0.5).astype(np.uint8), cv2.DIST_L2, 5)
    zone = (a > 0.02) & (depth < 2 * w)
    if valid is not None:
        zone &= np.asarray(valid, bool)
    if not zone.any():
        return pixels.copy()
    y0, y1, x0, x1 = box_around(zone, int(5 * w) + 2)
    lin = srgb_to_linear(pixels[y0:y1, x0:x1])
    lum = np.maximum(luminance(lin), 1e-4)
    chroma = lin / lum[..., None]
    off = np.sqrt(((chroma - 1.0) ** 2).sum(-1))
    lit = np.clip((lum - light[0]) / (light[1] - light[0]), 0, 1)
    d = depth[y0:y1, x0:x1]
    ring = ((d > 1.5 * w) & (d <= 4 * w) & (a[y0:y1, x0:x1] >= 0.98)).astype(np.float32)
    if not ring.any():
        return pixels.copy()
    weight = ring * lit * np.exp(-(off / neutral) ** 2)
    if weight.max() <= 0:
        return pixels.copy()
    sig = 1.5 * w
    spread = cv2.GaussianBlur(weight, (0, 0), sig)
    share = spread / np.maximum(cv2.GaussianBlur(ring, (0, 0), sig), 1e-3)
    hue = normalized_blur(chroma, weight, sig, den=spread)  # (the same blur of the weight, made once: round 18)
    hue_off = np.sqrt(((hue - 1.0) ** 2).sum(-1))
    # the pixel itself a tinted white (its chroma within ``tinted`` of neutral, nothing from 0.1 beyond): the
    # skin of a neck beside a white collar, whose ring holds the collar's white, keeps its colour (skin lies 0.9-1.3
    # from neutral, biden's cyan strands 0.15-0.25)
    k = np.clip(2.0 - d / w, 0, 1) * zone[y0:y1, x0:x1] * lit \
        * np.clip((share - 0.5 * least) / (0.5 * least), 0, 1) \
        * np.clip((grey[1] - hue_off) / (grey[1] - grey[0]), 0, 1) \
        * np.clip((tinted + 0.1 - off) / 0.1, 0, 1)
    if keep is not None:
        k = k * ~np.asarray(keep, bool)[y0:y1, x0:x1]
    if not (k > 0).any():
        return pixels.copy()
    # (chroma has luminance 1, so has the hair's hue: the pixel keeps its luminance)
    new = np.maximum((1 - k[..., None]) * chroma + k[..., None] * hue, 0.0) * lum[..., None]
    out = pixels.copy()
    out[y0:y1, x0:x1] = np.where((k > 0)[..., None], linear_to_srgb(new), out[y0:y1, x0:x1]).astype(np.float32)
    return out


def _follow_toned(lin: np.ndarray, new: np.ndarray, k: np.ndarray, faint: np.ndarray,
                  toned: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``faint`` pixels brought down with the ``toned`` pixel nearest to them (linear ``lin`` -> ``new``).

    Each takes the nearest toned pixel's change: its luminance scaled by that
    pixel's (never lifted) and its chroma moved by that pixel's weight ``k``
    towards the toned pixel's. A faint pixel whose neighbour was left alone
    is left alone. Returns ``(new, k)`` with the faint pixels' weight raised.
    """
    if not faint.any() or not toned.any():
        return new, k
    _, labels = cv2.distanceTransformWithLabels((~toned).astype(np.uint8), cv2.DIST_L2, 5,
                                                labelType=cv2.DIST_LABEL_PIXEL)
    ty, tx = np.nonzero(toned)  # in scan order, as the labels count them (from 1)
    fy, fx = np.nonzero(faint)
    src = np.clip(labels[fy, fx] - 1, 0, len(ty) - 1)
    ny, nx = ty[src], tx[src]
    l_old, l_new = luminance(lin[ny, nx]), luminance(new[ny, nx])
    scale = np.clip(l_new / np.maximum(l_old, 1e-4), 0, 1)
    wk = k[ny, nx, 0]
    lf = luminance(lin[fy, fx])
    chroma = (1 - wk)[:, None] * lin[fy, fx] / np.maximum(lf, 1e-4)[:, None] + \
        wk[:, None] * new[ny, nx] / np.maximum(l_new, 1e-4)[:, None]
    new = new.copy()
    k = k.copy()
    new[fy, fx] = chroma * (lf * scale)[:, None]
    k[fy, fx, 0] = np.maximum(k[fy, fx, 0], wk)
    return new, k


def lit_like(lit: np.ndarray, lum: np.ndarray, seeds: np.ndarray, *, radius: float, share: float = 0.8,
             barrier: np.ndarray | None = None) -> np.ndarray:
    """The pieces of ``lit`` that are as bright as ``seeds`` beside them and joined to them.

    A pixel of ``lit`` whose luminance is at least ``share`` times the seeds' local luminance (their normalised
    blur over ``radius`` px) counts as the seeds' surface; those joined (8-connected, not through ``barrier``) to
    a seed are returned with the seeds. A white collar's narrow point is lit like the collar; the rim of light on
    a jaw that runs down into the collar is a gradient on skin, half as bright or less.

    Parameters
    ----------
    lit : ndarray
        ``(H, W)`` bool, the light pixels.
    lum : ndarray
        ``(H, W)`` luminance (any scale, the same for all pixels).
    seeds : ndarray
        ``(H, W)`` bool, the known pieces (inside ``lit``).
    radius : float
        Reach of the seeds' local luminance, in pixels.
    share : float
        A pixel as bright as this share of the seeds' local luminance or more is like them.
    barrier : ndarray, optional
        ``(H, W)`` bool, pixels never added nor crossed.

    Returns
    -------
    ndarray
        ``(H, W)`` bool, the seeds and the pieces like them.

    Examples
    --------
    >>> import numpy as np
    >>> lum = np.zeros((5, 12), np.float32); lum[2] = [1, 1, 1, 1, .95, .9, .4, .4, .4, .4, .4, .4]
    >>> seeds = np.zeros((5, 12), bool); seeds[2, :4] = True
    >>> lit_like(lum > 0.3, lum, seeds, radius=3)[2].astype(int)
    array([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    """
    lit = np.asarray(lit, bool)
    seeds = np.asarray(seeds, bool) & lit
    if not seeds.any():
        return seeds
    lum = np.asarray(lum, np.float32)
    # the seeds' luminance carried outward: normalised, so a thin point far from the collar's body still
    # compares with the collar, not with the dark around it
    local = normalized_blur(lum, seeds, max(float(radius), 1.0))
    like = lit & (lum >= share * local)
    if barrier is not None:
        like &= ~np.asarray(barrier, bool)
    n, lab = cv2.connectedComponents((like | seeds).astype(np.uint8), connectivity=8)
    held = np.unique(lab[seeds])
    return np.isin(lab, held[held > 0]) | seeds


def suppress_jaw_rim(pixels: np.ndarray, landmarks: np.ndarray, *, width: float, excess: float = 1.25,
                     alpha: np.ndarray | None = None, valid: np.ndarray | None = None,
                     keep: np.ndarray | None = None, lips_out: bool = True) -> tuple[np.ndarray, float]:
    """Tone down a light rim the old scene put along the jaw line, inside the person's outline.

    A backlit photo lights the jaw's edge where it meets the neck (obama3.jpg: a
    white line from the ear to the chin, lit by the chandelier behind). It is not
    on the cut-out's outline, so :func:`suppress_rim` does not reach it, and on a
    studio backdrop with the key light in front it reads as a bright halo along
    the jaw. Within 3 ``width`` of the lower jaw line (landmarks 2-14; the
    landmarks sit inside the visible edge) and no lower than the chin, a pixel brighter (linear luminance) than
    ``excess`` times the cheek skin just inside the jaw and cooler than it is
    brought back towards that skin's colour and to at most half that excess
    over its brightness, with a soft mask (no drawn edge) that reaches the
    rim's last pixels; its warm neighbours keep their own colour. Skin no
    brighter than the cheek, the neck's shadow and a collar below the chin are
    left as they are.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` sRGB float32; not modified.
    landmarks : ndarray
        ``(68, 2)`` landmarks in ``pixels``.
    width : float
        Reach unit in pixels (the rim band of :func:`suppress_rim`).
    excess : float
        Luminance ratio over the cheek skin from which a pixel counts as rim.
    alpha : ndarray, optional
        ``(H, W)`` matte: only the solid inside of the person is toned, and
        below the ear lobes (the line through landmarks 2 and 14) its soft
        outline from alpha 0.5 too: the neck's and jaw's edge, where the jaw's
        own rim lights the ring :func:`suppress_rim` measures against. The
        soft outline below alpha 0.5 there follows the toning of the person
        beside it (:func:`_follow_toned`). Above the lobes the outline (hair,
        ears) is :func:`suppress_rim`'s.
    valid : ndarray, optional
        ``(H, W)`` bool, pixels from the photo.
    keep : ndarray, optional
        ``(H, W)`` bool, pixels left as they are (the jewels the matte found).
        With ``alpha``, so are the thin pieces hanging below the lobes
        (:func:`hanging_pieces`: a silver chain by the jaw is lighter and
        cooler than the cheek, and was toned to the skin).
    lips_out : bool
        The cheek skin the rim is measured against leaves out the lips (their
        polygon, landmarks 48-59, grown by ``width``): near a turned face's far
        mouth corner they made the reference dark and red, and the pale cheek
        beyond was toned pink as a "rim".

    Returns
    -------
    (ndarray, float)
        The toned image and the mean luminance reduction over the band along the jaw (0: nothing done).

    Examples
    --------
    >>> import numpy as np
    >>> import cv2
    >>> from candid.face.examples import astronaut, astronaut_landmarks
    >>> img, lm = astronaut(), astronaut_landmarks()
    >>> lit = img.copy(); _ = cv2.polylines(lit, [np.round(lm[3:9] + [0, 4]).astype(np.int32)], False, (1, 1, 1), 4)
    >>> out, amount = suppress_jaw_rim(lit, lm, width=4)   # a white rim just outside the jaw landmarks
    >>> x, y = np.round(lm[5] + [0, 4]).astype(int)
    >>> bool(out[y, x].mean() < lit[y, x].mean() - 0.05), amount > 0, bool(np.array_equal(out[:60], lit[:60]))
    (True, True, True)
    >>> from candid.engines.studio import matte
    >>> same, none = suppress_jaw_rim(img, lm, width=4, alpha=matte(img, lm))  # her own jaw: nothing to tone
    >>> none < 0.01
    True
    """
    pixels = check_image(pixels)
    lm = np.asarray(landmarks, np.float64)
    H, W = pixels.shape[:2]
    w = max(float(width), 1.0)
    jaw = np.round(lm[2:15]).astype(np.int32)
    m = int(8 * w) + 2
    x0, x1 = max(int(jaw[:, 0].min()) - m, 0), min(int(jaw[:, 0].max()) + m + 1, W)
    y0, y1 = max(int(lm[:, 1].min()) - m, 0), min(int(lm[8, 1]) + m + 1, H)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return pixels.copy(), 0.0
    line = np.ones((y1 - y0, x1 - x0), np.uint8)
    cv2.polylines(line, [jaw - [x0, y0]], False, 0, thickness=1)
    d = cv2.distanceTransform(line, cv2.DIST_L2, 5)  # distance to the jaw line
    face = np.zeros_like(line)
    cv2.fillPoly(face, [np.round(lm[0:17] - [x0, y0]).astype(np.int32)], 1)
    yy = np.arange(y0, y1, dtype=np.float32)[:, None]
    lin = srgb_to_linear(pixels[y0:y1, x0:x1])
    # full within 2 w, nothing beyond 3 w; for a pixel cooler than skin (linear blue over red above 0.6, fully
    # at 0.8: a backdrop's light, not the face's) full within 2.75 w, nothing beyond 3.75 w: obama3's bluish
    # chandelier rim runs 8-22 px (1-2.8 w) below the jaw landmarks and its lower half kept half its light, a
    # pale line under the jaw; warm lit skin that far out is the face's own (yangmi_3's cheek beside her hand)
    cool = np.clip((_blue_red(lin) - 0.6) / 0.2, 0, 1)
    # the limits apart from the reach's fades: no lower than the chin (full to one width below its landmark, which
    # sits inside the visible edge, nothing from two: a collar below), the photo's pixels, the person
    chin_reach = np.clip(2.0 - (yy - lm[8, 1]) / w, 0, 1)
    limit = chin_reach.astype(np.float32)
    cheek = ((face > 0) & (d > 1.5 * w) & (d <= 6 * w)).astype(np.float32)
    if lips_out:  # the lips are no cheek: beside a far mouth corner they made the skin darker and redder than it
        # is, and the pale cheek out to the outline read as a light, cool rim toned pink (liuyifei.png)
        mouth = np.zeros_like(line)
        cv2.fillPoly(mouth, [np.round(lm[48:60] - [x0, y0]).astype(np.int32)], 1)
        mouth = cv2.dilate(mouth, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * max(int(round(w)), 1) + 1,) * 2))
        cheek = cheek * (mouth == 0)
    if valid is not None:
        v = np.asarray(valid, bool)[y0:y1, x0:x1]
        limit = limit * v
        cheek = cheek * v
    inside = None
    if alpha is not None:
        a_win = check_alpha(alpha, pixels.shape)[y0:y1, x0:x1]
        # below the ear lobes (the line through landmarks 2 and 14) the soft outline is the neck's and the
        # jaw's edge, and the rim there is toned against the cheek too: suppress_rim measures it against the
        # ring just inside the outline, which the jaw's own rim lights there (obama3's light strip from the ear
        # lobe down, kept whole). Above the lobes the soft outline is hair and ears: suppress_rim's alone
        below = _below_lobe_line(lm, x0, x1, y0, y1) > 0
        person = (a_win >= 0.98) | ((a_win >= 0.5) & below)
        limit = limit * person
        cheek = cheek * (a_win >= 0.98)
        inside = ((a_win >= 0.5) | person)[..., None]
    # nothing beyond the reach (3.75 w) once widened either: a light-blue collar beside the jaw (tom_cruise_tight)
    # is lighter and cooler than the cheek all the way down, and the widened weight carried the toning into it
    reach = np.clip(4.75 - d / w, 0, 1)
    limit = limit * reach
    limit_reach = chin_reach * reach  # the same reach before the photo's and the person's masks
    zone = np.maximum(np.clip(3.0 - d / w, 0, 1), np.clip(3.75 - d / w, 0, 1) * cool) * limit
    if not zone.any() or cheek.sum() < 4:
        return pixels.copy(), 0.0
    S = normalized_blur(lin, cheek, 3 * w)
    lI, lS = luminance(lin), np.maximum(luminance(S), 1e-4)
    ratio = lI / lS
    over = np.clip((ratio - excess) / (0.25 * excess), 0, 1)  # 0 at `excess`, 1 at 1.25 times that
    # a rim is the old scene's light: cooler than the skin it falls on (linear blue over red 0.1 above the cheek's,
    # fully from 0.3; obama3's chandelier rim 0.88 against 0.23). Lit skin of the skin's own colour is the face's
    # light (yangmi_3: her lit cheek and the fingers over her jaw, 0.32 against 0.30, were toned to a grey-pink
    # patch that greyed her lip corner)
    cooler = np.clip((_blue_red(lin) - _blue_red(S) - 0.1) / 0.2, 0, 1)
    over = over * cooler
    # a light, cool surface that mostly lies beyond the reach or below the chin is a garment, not a rim: a white or light-blue
    # collar rising beside the jaw (obama.jpg, tom_cruise_tight) is lighter and cooler than the cheek too, and its
    # top took the skin's colour; a rim hugs the jaw line (obama3's lies within the reach)
    # (taken apart where only a thin rim joins them: a rim running down into a white collar, biden.jpg)
    lit = (over > 0.3) & (limit > 0) if alpha is None else (over > 0.3) & (a_win >= 0.5)
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * max(int(round(0.75 * w)), 1) + 1,) * 2)
    core = cv2.erode(lit.astype(np.uint8), disk).astype(bool)
    n, lab = cv2.connectedComponents(core.astype(np.uint8), connectivity=8)
    if n > 1:
        beyond = core & ((d > 4.75 * w) | (yy > lm[8, 1] + 2 * w))  # past the reach or below the chin
        far = np.bincount(lab[beyond], minlength=n) / np.maximum(np.bincount(lab[core], minlength=n), 1)
        garment_core = (far > 0.5)[lab] & core
        garment = cv2.dilate(garment_core.astype(np.uint8), disk).astype(bool) & lit
        # and the garment's narrow tip the erosion cut off: a collar's point beside the jaw (32bit.png) kept the
        # rim's weight, took the skin's colour (an orange wedge on the collar) and spread it into the suit beside
        # it (dark brown jags). A point lit as brightly as the garment beside it is the garment's; a rim running
        # down into a collar is light on skin, half as bright or less (biden.jpg: 0.25-0.45 beside 0.44-0.66, the
        # collar's point on 32bit 0.90 beside 0.91), and is toned as before. Only a garment under the chin
        # (a collar) reaches up so: the light pieces past the reach by the ears (lit hair) do not
        under = np.bincount(lab[core & (yy > lm[8, 1] + 2 * w)], minlength=n) > 0
        collar = garment & cv2.dilate((garment_core & under[lab]).astype(np.uint8), disk).astype(bool)
        garment |= lit_like(lit, lI, collar, radius=2 * w, barrier=core & ~garment_core)
        over = over * ~garment
    else:
        garment = np.zeros_like(lit)
    # the rim's weight in its zone, widened by the blur's reach before it is blurred: a rim only a few px thin
    # (obama3's chandelier line under the jaw) otherwise kept half its light, a pink-white stripe in every style.
    # Widened after the zone, not before: the zone's edge follows each pixel's own coolness and depth, and cut
    # the widened rim right at the rim's last pixels, which the blur then left at half weight (obama3: a pale
    # line under the jaw at 1.5-2x the cheek where the rim ends)
    r = max(int(round(w)), 1)
    wide = cv2.dilate((over * zone).astype(np.float32), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1,) * 2))
    k = cv2.GaussianBlur((wide * limit).astype(np.float32), (0, 0), 0.5 * w)[..., None]
    if inside is not None:
        # normalised over the person: a plain blur fell to half at the outline, and the last px of lit skin kept
        # most of the rim's light, a light band along the toned jaw (biden.jpg editorial: 131 beside 124 sRGB)
        share = cv2.GaussianBlur(inside[..., 0].astype(np.float32), (0, 0), 0.5 * w)[..., None]
        k = np.minimum(k / np.maximum(share, 0.25), 1.0) * inside
    k = k * ~garment[..., None]  # nor does the rim's widened weight reach into it
    cap = 1 + 0.5 * (excess - 1)  # a trace of the edge's light stays
    # where the cap holds, the pixel's own grain (its luminance over its 3x3 median) rides on the capped level:
    # a flat S there read as a smooth, waxy patch along the jaw at 1:1. Over a 1 px blur, the rim's own sides
    # counted as grain, and its edge pixels came out a dark line along the toned rim
    grain = np.clip(lI / np.maximum(cv2.medianBlur(lI.astype(np.float32), 3), 1e-4), 0.75, 1.25)
    level = lS * np.minimum(ratio, cap) * np.where(ratio > cap, grain, 1.0)
    # the skin's colour where the pixel is cooler than the skin (the old scene's light) or borders the rim (its
    # sides mix the rim's light into the skin: kept in their own hue they drew a grey line along the toned rim),
    # its own elsewhere: the widened weight reaches the rim's neighbours too, and took obama3's backlit red ear
    # beside the cheek's rim to the cheek's colour
    rs = max(int(round(0.25 * w)), 1)
    m = np.maximum(cooler, cv2.dilate(over.astype(np.float32),
                                      cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * rs + 1,) * 2)))[..., None]
    hue = m * S / lS[..., None] + (1 - m) * lin / np.maximum(lI, 1e-4)[..., None]
    target = hue * level[..., None]
    spared = _spared(check_alpha(alpha, pixels.shape), lm, keep, w) if alpha is not None else (
        None if keep is None or not np.any(keep) else np.asarray(keep, bool))
    if spared is not None:  # a jewel's colour is its own
        k = k * ~spared[y0:y1, x0:x1, None]
    new = (1 - k) * lin + k * target
    if alpha is not None:
        # suppress_rim gave every soft edge pixel the colour and up to `excess` times the brightness of the ring
        # beside it, which the jaw's rim lit; the person toned here from alpha 0.5, the pixels below that kept the
        # rim's light, and where the stair-stepped outline crosses alpha 0.2-0.5 they were a dotted light line
        # along the jaw (biden.jpg editorial: 0.72-0.79 sRGB beside 0.5 toned skin; obama3's neck: a pale line)
        faint = (a_win > 0.02) & (a_win < 0.5) & below & (limit_reach > 0)
        if spared is not None:
            faint &= ~spared[y0:y1, x0:x1]
        new, k = _follow_toned(lin, new, k, faint, (a_win >= 0.5) & (k[..., 0] > 1e-3))
    out = pixels.copy()
    out[y0:y1, x0:x1] = np.where(k > 1e-3, linear_to_srgb(new), out[y0:y1, x0:x1]).astype(np.float32)
    sel = zone > 0.5
    amount = float(((lI - luminance(new)) / np.maximum(lI, 1e-4))[sel].mean()) if sel.any() else 0.0
    return out, amount


def decontaminate(pixels: np.ndarray, alpha: np.ndarray, *, radius: float | None = None) -> np.ndarray:
    """Foreground colours with the old background taken out of the edge pixels.

    At a soft edge the photo holds ``I = a F + (1 - a) B``. ``B`` is estimated
    from nearby clean background, then ``F = (I - (1 - a) B) / a``; where
    ``a`` is small that division is unstable, so ``F`` is blended towards the
    nearby clean foreground colour. Works in linear light.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` sRGB float32; not modified.
    alpha : ndarray
        ``(H, W)`` matte.
    radius : float, optional
        Reach of the local colour estimates in pixels (default 1 % of the long side).

    Returns
    -------
    ndarray
        ``(H, W, 3)`` sRGB float32 foreground colours (equal to ``pixels`` where alpha is 1).

    Examples
    --------
    >>> import numpy as np
    >>> from candid.colour import linear_to_srgb, luminance, srgb_to_linear
    >>> F, B = np.array([0.8, 0.2, 0.2], np.float32), np.array([0.1, 0.9, 0.1], np.float32)
    >>> a = np.tile(np.linspace(0, 1, 32, dtype=np.float32), (32, 1))
    >>> mix = a[..., None] * srgb_to_linear(F) + (1 - a[..., None]) * srgb_to_linear(B)  # light adds linearly
    >>> img = linear_to_srgb(mix).astype(np.float32)
    >>> fg = decontaminate(img, a)
    >>> bool(np.abs(fg[16, 16] - F).max() < 0.05)
    True
    """
    pixels = check_image(pixels)
    a = check_alpha(alpha, pixels.shape)
    H, W = a.shape
    r = radius if radius else max(0.01 * max(H, W), 2.0)
    edge = (a > 0.002) & (a < 0.998)
    if not edge.any():
        return pixels.copy()
    # estimates at a reduced size: they are smooth by construction
    s = min(1.0, 8.0 / r if r > 8 else 1.0, 512.0 / max(H, W))
    ws, hs = max(int(W * s), 4), max(int(H * s), 4)
    lin = srgb_to_linear(pixels)
    lin_s = resize(lin, (ws, hs), cv2.INTER_AREA)
    a_s = resize(a, (ws, hs), cv2.INTER_AREA)
    B = resize(normalized_blur(lin_s, (a_s < 0.02).astype(np.float32), max(r * s, 1.0)), (W, H))
    Fn = resize(normalized_blur(lin_s, (a_s > 0.98).astype(np.float32), max(r * s, 1.0)), (W, H))
    a3 = a[..., None]
    F = (lin - (1 - a3) * B) / np.maximum(a3, 1e-3)
    trust = np.clip((a3 - 0.1) / 0.4, 0, 1)  # below alpha 0.1, use the nearby clean foreground colour
    F = trust * np.clip(F, 0, 1) + (1 - trust) * Fn
    out = np.where(edge[..., None], linear_to_srgb(F), pixels)
    return out.astype(np.float32)


def _no_new_pieces(before: np.ndarray, after: np.ndarray, *, threshold: float = 0.5) -> np.ndarray:
    """``after`` with every piece above ``threshold`` apart from ``before``'s largest one held at ``threshold``.

    A rule that moves soft alpha must not leave a piece floating (the matte's
    :func:`candid.engines.studio.matte.attached_only` promise): loose strands
    lifted over 0.5 beside the hair, or a haze capped between the head and a
    strand beyond it, became 3-88 separate pieces on scarlett_2/4's passport.
    They stay soft hair at ``threshold`` instead (8-connected, as the
    scorecard's ``detached_pieces`` counts them).

    Examples
    --------
    >>> import numpy as np
    >>> b = np.zeros((20, 20), np.float32); b[:, :8] = 1; b[5, 12] = 0.4
    >>> a = b.copy(); a[5, 12] = 0.75     # a strand lifted apart from the head
    >>> float(_no_new_pieces(b, a)[5, 12]), float(_no_new_pieces(b, a)[5, 3])
    (0.5, 1.0)
    >>> a[5, 8:12] = 0.75                 # lifted all the way to the head: one piece
    >>> float(_no_new_pieces(b, a)[5, 12])
    0.75
    >>> b[3, 8:11] = 0.9; c = b.copy(); c[3, 8:10] = 0.3  # a wisp on the head, its root cleared by the rule
    >>> float(_no_new_pieces(b, c)[3, 10]), float(_no_new_pieces(b, c)[10, 3])
    (0.5, 1.0)
    """
    over_before = np.asarray(before) > threshold
    n_before, lab_before = cv2.connectedComponents(over_before.astype(np.uint8), connectivity=8)
    over = np.asarray(after) > threshold
    if n_before < 2 or not over.any():
        return after
    sizes = np.bincount(lab_before.ravel(), minlength=n_before)
    sizes[0] = 0
    main = lab_before == int(np.argmax(sizes))
    n, lab = cv2.connectedComponents(over.astype(np.uint8), connectivity=8)
    keep = np.zeros(n, bool)
    # the piece that holds most of the input's largest one; a bit the rule cut off from it is apart too (the haze
    # cleared round a temple's wisp over a dark banner left two specks of it above 0.5, round 18)
    shared = np.bincount(lab[main & over], minlength=n)
    shared[0] = 0
    if shared.any():
        keep[int(np.argmax(shared))] = True
    apart = over & ~keep[lab]
    return np.where(apart, np.float32(threshold), after).astype(np.float32)


def dark_backdrop(pixels: np.ndarray, clear: np.ndarray, bg: np.ndarray, face_width: float, *, lighter: float = 0.6,
                  side: float = 0.2) -> np.ndarray:
    """The old backdrop's big dark pieces: clear pixels ``lighter`` darker than ``bg`` (sRGB luminance) in an
    8-connected piece of at least ``(side * face_width)^2`` px.

    A piece that big is the old backdrop itself (a dark banner's strip between a light wall and white letters), not
    a small piece the matte cut out of the person (black hair between fingers, a collar's tip).

    Examples
    --------
    >>> import numpy as np
    >>> img = np.full((60, 60, 3), 0.9, np.float32); img[:, :20] = 0.1; img[40:44, 40:44] = 0.1
    >>> clear = np.ones((60, 60), bool); bg = np.full((60, 60, 3), 0.95, np.float32)
    >>> big = dark_backdrop(img, clear, bg, 50.0)
    >>> bool(big[30, 10]), bool(big[42, 42])     # a 20 px wide strip; a 4 px speck
    (True, False)
    """
    dark = np.asarray(clear, bool) & (luminance(bg) - luminance(pixels) >= lighter)
    if not dark.any():
        return dark
    _, lab, stats, _ = cv2.connectedComponentsWithStats(dark.astype(np.uint8), connectivity=8)
    return (stats[:, cv2.CC_STAT_AREA] >= (side * max(float(face_width), 1.0)) ** 2)[lab] & dark


#: ``HazeOptions.piece_behind``: the reach (face widths) of "right behind" a pixel, and the piece's share of the clear
#: pixels there from which a pixel is read against it at all and in full
BEHIND = (0.01, 0.3, 0.7)


def clear_haze(fg: np.ndarray, alpha: np.ndarray, pixels: np.ndarray, bg: np.ndarray, *, face_width: float,
               landmarks: np.ndarray | None = None, options: HazeOptions | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Soft alpha the photo's colours do not back, set by them where the new backdrop is much lighter than the old.

    The matte's soft band often reaches past the hair over the old
    background: a smooth haze of alpha 0.2-0.8 where the photo holds the old
    backdrop alone (beside a neck, between loose strands), or falls to half
    the alpha the colours say round dark curls over black. On a backdrop
    about as dark as the old one neither shows; on a much lighter one
    (passport's #eeeeee) the first is a grey cloud and the second a light,
    see-through one round the hair. Each soft pixel ``I`` is read as a mix
    of the old background ``B`` (the photo's clear pixels nearby) and a
    foreground colour, the person's opaque colour nearby ``Fo`` or the
    pixel's own estimate ``fg``: ``a = (I - B) . (F - B) / |F - B|^2``.

    - Down: alpha is capped at the larger reading plus ``slack`` (0 for a
      reading within the old background's noise, ``pure_zero``) where the
      pixel looks like the old background (within its local spread, at
      least ``like``) and the foreground stands out of it (by ``contrast``;
      the pixel's own estimate by twice the spread too). What alpha is left
      takes the colour towards ``Fo`` in the same measure.
    - Up (``raise_``): alpha rises to the ``Fo`` reading where the pixel lies
      on the line from ``B`` to ``Fo`` (off it by under ``fit`` of their
      distance) over a plain old background.

    - Firm (``firm``, round 18): then the soft band is made steeper, alpha
      ramped smoothly from 0 at ``firm[0]`` to 1 at ``firm[1]``. The readings
      are the photo's: round curls of a small, soft photo over black are a
      blurred edge 5-10 px wide, and mixed with a light backdrop that blur
      is a pale frost outside the hair (scarlett_2's upper left, alpha
      0.15-0.57 over 10 px). With ``pockets`` a soft basin inside the hair
      (a shadowed gap between curls, alpha 0.46 ringed by 0.6-0.9) is first
      raised to its rim (grey hole filling), where the pixel's colour reads
      at least a quarter of the person's: on the light backdrop it was a
      pale blob between the curls. Only within 0.07 face widths of the
      opaque person (in full to 0.045): loose strands farther out broke into
      dashes.

    All are smoothed over a px and weighted by how much lighter (sRGB
    luminance) the new backdrop is than the old, here and over 4x the
    reach: none below ``lighter[0]``, in full from ``lighter[1]``.
    No style's own backdrop but passport's is 0.6 lighter than black (linkedin's grey
    reaches 0.59 with its vignette and grain): only light backdrops take the rule.

    Parameters
    ----------
    fg : ndarray
        ``(H, W, 3)`` sRGB foreground estimate (the composite's input).
    alpha : ndarray
        ``(H, W)`` matte.
    pixels : ndarray
        ``(H, W, 3)`` sRGB photo the estimate was made from.
    bg : ndarray
        ``(H, W, 3)`` sRGB new backdrop.
    face_width : float
        Face width in px; the local estimates reach ``reach`` face widths.
    landmarks : ndarray, optional
        ``(68, 2)`` landmarks in the frame, for ``options.backdrop_piece``.
    options : HazeOptions, optional
        The rule's tuning numbers and switches (:class:`~candid.engines.studio.matte_rules.HazeOptions`); None:
        the defaults. What each does is told in the Notes below.

    Returns
    -------
    fg, alpha : ndarray
        New arrays; equal to the inputs where the rule does not apply.

    Notes
    -----
    The options, fields of ``options`` (:class:`~candid.engines.studio.matte_rules.HazeOptions`, whose version the
    ``engine.studio`` log records with the fields that differ from these defaults):

    lighter : (float, float)
        How much lighter the backdrop must be than the old background.
    contrast : float
        Least RMS distance of a foreground from the old background for a reading.
    slack : float
        Alpha left above the reading when capping.
    reach : float
        Of the local estimates, in face widths.
    raise_ : bool
        Also lift alpha the colours say is too low.
    fit : float
        Largest distance from the background-person line of a lifted pixel.
    like : float
        Least RMS distance from the old background still counted as like it.
    backdrop_piece : float or None
        Beside a big dark piece of the old backdrop (:func:`dark_backdrop`, pieces of at least this many face
        widths squared), a pixel nearer that piece's colour than the local mean of all clear pixels is read against
        the piece (``B``, its spread, and the lightness weight; the 4x guard is for small pieces and is skipped
        there), its likeness over a few px: a busy backdrop's dark banner between a light wall and white letters
        (scarlett_4.jpg's temple) is a dark backdrop, though its mean there is not. Only with ``landmarks`` and
        above the lowest of them (the chin): below it a big dark piece may be clothes the matte cut off. None: off
        (round 17).
    pure_zero : bool
        A reading within the old background's own spread (``spread / |Fo - B|``) caps alpha at 0, rising to the
        reading plus ``slack`` over ``slack`` above it; False: the cap is the reading plus ``slack`` (round 17's
        faint veil of the person's colour over a haze read 0).
    firm : (float, float) or None
        Alpha mapped to 0 and 1 by the steeper band; None: off.
    pockets : bool
        With ``firm``: soft basins inside the hair raised to their rim first.
    piece_behind : bool
        With ``backdrop_piece``: a pixel is read against the piece only where the piece makes up most of the clear
        pixels within 0.01 face widths, the backdrop right behind it. A dark hair edge before a light wall at a dark
        banner's corner is as dark as the banner, and read against it went (a white notch at scarlett_4.jpg's
        temple); read against the wall and banner's mean there, the lightness weight leaves it. False: round 18.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.zeros((40, 40), np.float32); a[:, :15] = 1; a[:, 15:25] = 0.5  # a haze band
    >>> img = np.full((40, 40, 3), 0.1, np.float32); img[:, :15] = 0.6  # the band holds the old backdrop only
    >>> white = np.full((40, 40, 3), 0.93, np.float32)
    >>> fg, a2 = clear_haze(img, a, img, white, face_width=100)
    >>> round(float(a2[20, 20]), 2), float(a2[20, 5])        # the old backdrop's own colour: alpha 0
    (0.0, 1.0)
    >>> plain = HazeOptions(pure_zero=False, firm=None)                # round 17's cap alone
    >>> round(float(clear_haze(img, a, img, white, face_width=100, options=plain)[1][20, 20]), 2)
    0.08
    >>> float(clear_haze(img, a, img, white, face_width=200, options=HazeOptions(pure_zero=False))[1][20, 20])
    0.0
    >>> grey = np.full((40, 40, 3), 0.55, np.float32)
    >>> bool(np.array_equal(clear_haze(img, a, img, grey, face_width=100)[1], a))
    True
    """
    if options is None:
        options = HazeOptions()
    elif not isinstance(options, HazeOptions):
        raise TypeError(f"options must be a HazeOptions, not {type(options).__name__}")
    fg = check_image(fg, "fg")
    pixels = check_image(pixels)
    bg = check_image(bg, "bg")
    a = check_alpha(alpha, pixels.shape).astype(np.float32)
    soft = (a > 0.002) & (a < 0.98)
    clear, solid = a < 0.02, a > 0.98
    if not (soft.any() and clear.any() and solid.any()):
        return fg.copy(), a.copy()
    # B and wide below are weighted means of clear pixels, so the gap can reach lighter[0] only where the backdrop is
    # that much lighter than the darkest clear pixel: the dark styles skip the blurs (19 s of 85 on pengwei.jpg)
    if float(luminance(bg)[soft].max()) - float(luminance(pixels)[clear].min()) < options.lighter[0] - 1e-4:
        return fg.copy(), a.copy()
    sigma = max(options.reach * face_width, 2.0)
    cf = clear.astype(np.float32)
    den_c = gauss(cf, sigma)  # the clear pixels' blur, made once for the three normalised blurs over them
    B = normalized_blur(pixels, cf, sigma, den=den_c)
    # how much the old background varies round its mean there: a foreground within a couple of that of the mean
    # may be a darker or lighter piece of the old background itself (a banner's letters and stripes), no person
    spread = np.sqrt(np.maximum(normalized_blur(pixels * pixels, cf, sigma, den=den_c) - B * B, 0).mean(-1))
    Fo = normalized_blur(pixels, solid.astype(np.float32), sigma)
    # lighter than the old background both here and over 4x the reach: the clear pixels beside a small piece the
    # matte cut out of the person (black hair between fingers, a dark collar's tip) are that piece, not a dark
    # backdrop, and the soft hair beside them read as haze over it (yangmi_6.jpg, lecun.jpg on a white wall)
    wide = normalized_blur(pixels, cf, 4 * sigma)
    ref = np.maximum(luminance(B), luminance(wide))
    use, behind = None, None
    if options.backdrop_piece is not None and landmarks is not None:
        # a busy old backdrop holds two kinds of clear pixels nearby (a dark banner's strip between a light wall and
        # white letters: scarlett_4.jpg's temple): its mean there (0.35-0.47) and over 4x the reach (0.46-0.5) are
        # no dark backdrop, and the haze over the banner stayed, a grey patch with the matte's straight side. A pixel
        # nearer the old backdrop's big dark piece nearby than that mean is read against the piece alone
        big = dark_backdrop(pixels, clear, bg, face_width, lighter=options.lighter[0], side=options.backdrop_piece)
        if big.any():
            bf = big.astype(np.float32)
            den_b = gauss(bf, sigma)
            Bd = normalized_blur(pixels, bf, sigma, den=den_b)
            sq_d = normalized_blur(pixels * pixels, bf, sigma, den=den_b)
            spread_d = np.sqrt(np.maximum(sq_d - Bd * Bd, 0).mean(-1))
            near = normalized_blur(bf, cf, sigma, den=den_c) > 0.1  # the piece is among the clear nearby
            # above the chin only: below it a big dark piece may be clothes the matte cut off (lecun.jpg's dark shirt
            # at the frame's corner, 6205 px: the haze rule then cut a light wedge between his neck and collar)
            chin = float(np.max(np.asarray(landmarks, np.float64)[:, 1]))
            near &= (np.arange(a.shape[0]) < chin)[:, None]
            use = near & (np.mean((pixels - Bd) ** 2, -1) < np.mean((pixels - B) ** 2, -1))
            if options.piece_behind:
                # and in full only where the piece is the backdrop just behind the pixel (most of the clear pixels
                # within 0.01 face widths): a soft pixel is a mix with what lies right behind it. Where the hair's
                # edge stands before a light wall at the corner of a dark banner, the piece is in the reach but not
                # behind the hair, and the dark hair, as dark as the banner, read as the piece and went: a white
                # notch at scarlett_4.jpg's temple (round 20). Over the banner itself the piece is all there is
                # behind. (A weight, none below a share of 0.3, in full from 0.7: switched, the kept hair ended in
                # a straight side where the share crossed.)
                share = normalized_blur(bf, cf, max(BEHIND[0] * face_width, 1.0))
                behind = np.clip((share - BEHIND[1]) / (BEHIND[2] - BEHIND[1]), 0, 1)
                behind = np.where(use, behind, 1).astype(np.float32)
            B = np.where(use[..., None], Bd, B).astype(np.float32)
            spread = np.where(use, spread_d, spread).astype(np.float32)
            # (and beside such a piece the 4x guard is moot: it is for small pieces)
            ref = np.where(use, luminance(Bd), np.where(near, luminance(B), ref))
    gap = luminance(bg) - ref
    w = np.clip((gap - options.lighter[0]) / max(options.lighter[1] - options.lighter[0], 1e-6), 0, 1) * soft
    if behind is not None:
        w = w * behind
    if not np.any(w > 0):
        return fg.copy(), a.copy()
    d = pixels - B

    def reading(F: np.ndarray, least: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        v = F - B
        n2 = np.sum(v * v, -1)
        ok = np.sqrt(n2 / 3) >= least  # a foreground like the old background reads nothing
        return np.where(ok, np.clip(np.sum(d * v, -1) / np.maximum(n2, 1e-6), 0, 1), -1.0), ok

    ao, oko = reading(Fo, options.contrast)
    # the pixel's own estimate is the old background's colour where the haze holds a darker piece of it (a banner's
    # dark ground beside a temple: it read as dark hair at alpha 0.8), so it must stand out of the background's spread
    af, okf = reading(fg, np.maximum(options.contrast, 2 * spread))
    # over the 3x3 median: a single pixel's JPEG noise lifted specks out of the clear background beside the hair
    ao, af = cv2.medianBlur(ao.astype(np.float32), 3), cv2.medianBlur(af.astype(np.float32), 3)
    said = oko | okf
    r = np.maximum(ao, af)
    cap = r + options.slack
    if options.pure_zero:
        # a pixel of the old background's own colour, within its spread, reads 0 and is capped at 0 (as colour_limit
        # caps), not at `slack`: a busy banner's pixels read 0.05-0.1 against the skin by their noise alone, and the
        # haze left a faint grey veil with the matte's straight side (scarlett_4's temple, round 18)
        noise = np.clip(spread / np.maximum(np.sqrt(np.sum((Fo - B) ** 2, -1) / 3), 1e-3), 0, 0.3)
        cap = cap * np.clip((r - noise) / options.slack, 0, 1)
    # only a pixel that looks like the old background (within its spread, at least `like`) is haze: the shaded
    # edge of a jaw is darker than the skin inside, read low against it, and came out a light see-through line
    t = np.maximum(options.like, spread)
    dist = np.sqrt(np.mean(d * d, -1))
    if use is not None:  # over a big dark piece, told over a few px: its texture's darkest specks (JPEG, a wisp's
        # shadow) fell outside the spread one by one and stayed as grey blotches where the haze went
        dist = np.where(use, np.sqrt(np.mean(cv2.GaussianBlur(d, (0, 0), max(0.005 * face_width, 1.0)) ** 2, -1)),
                        dist)
    haze = np.clip((2 * t - dist) / t, 0, 1)
    k = w * said * haze * np.clip(a - cap, 0, None) / np.maximum(a, 1e-6)  # the share of alpha taken away
    k = np.clip(cv2.GaussianBlur(k.astype(np.float32), (0, 0), 1.0), 0, 1) * soft  # a px's noise, as below
    out_a = a * (1 - k)
    if options.raise_:
        # and up, where the pixel lies on the line from the old background to the person's colour (off it by under
        # `fit` of their distance): a soft band of dark curls over black came out at half the alpha its colours
        # say, a light see-through cloud round the hair on the light backdrop; on the old dark one it hardly shows
        v = Fo - B
        n2 = np.maximum(np.sum(v * v, -1), 1e-6)
        off = np.sqrt(np.maximum(np.sum(d * d, -1) - np.sum(d * v, -1) ** 2 / n2, 0) / n2)
        sure = np.sqrt(n2 / 3) >= np.maximum(options.contrast, 2 * spread)  # lifted only out of a plain old background
        up = w * sure * (off < options.fit) * (a >= 0.05) * np.clip(ao - a, 0, None)
        # over a px: the readings of dark curls over black (0.18 apart) carry the JPEG's noise, and lifted
        # pixel by pixel the fringe came out speckled, light and dark flecks side by side
        out_a = out_a + cv2.GaussianBlur(up.astype(np.float32), (0, 0), 1.0) * soft
    out_a = np.clip(out_a, 0, 1).astype(np.float32)
    rise = np.zeros_like(out_a)
    if options.firm is not None:
        # beside the opaque hair only (full within 0.045 face widths, none from 0.07): scarlett_2's blurred curls
        # reach 5-12 px (0.02-0.045) past it, and loose strands hanging farther out (scarlett_4's beside the neck)
        # broke into dashes when firmed
        core = cv2.distanceTransform((a < 0.98).astype(np.uint8), cv2.DIST_L2, 5)
        beside = np.clip((0.07 * face_width - core) / max(0.025 * face_width, 1.0), 0, 1)
        # and only where the colours read alpha at all: dark hair on a dark backdrop is left as the matte had it
        out_a, rise = _firm_band(out_a, w * beside * said, ao, options.firm, pockets=options.pockets)
    out_a = _no_new_pieces(a, out_a)
    # what is left of a capped pixel was the old background's colour in the estimate: the person's nearby instead
    # (and so is the share a firmed pixel gained: its estimate held the old background in that share)
    k = np.maximum(k, rise)
    out_fg = (fg + k[..., None] * (Fo - fg)).astype(np.float32)
    return np.clip(out_fg, 0, 1), out_a


def _firm_band(alpha: np.ndarray, weight: np.ndarray, reading: np.ndarray, firm: tuple[float, float], *,
               pockets: bool = True, least: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    """``alpha`` with its soft band steeper where ``weight`` > 0, and the share each pixel's rise is of its new alpha.

    With ``pockets``, a basin of alpha (grey hole filling, :func:`~candid.engines.studio.filters.fill_dips`) is
    raised to its rim where the colour ``reading`` (the person's share) is ``least`` or more: a shadowed gap
    between curls, not a hole of backdrop; a basin that reads less is not lowered. Then alpha is ramped
    (smoothstep) from 0 at ``firm[0]`` to 1 at ``firm[1]``.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.zeros((9, 9), np.float32); a[:, 4:] = 1; a[:, 3] = 0.3; a[:, 2] = 0.1; a[4, 6] = 0.5
    >>> w, r = np.ones_like(a), np.full_like(a, 0.5)
    >>> b, rise = _firm_band(a, w, r, (0.2, 0.8))
    >>> [round(float(v), 2) for v in b[2, :5]], float(b[4, 6])  # a steeper edge; the pocket filled
    ([0.0, 0.0, 0.0, 0.07, 1.0], 1.0)
    """
    a = np.asarray(alpha, np.float32)
    on = weight > 0
    if not on.any():
        return a, np.zeros_like(a)
    f = a
    basin = np.zeros(a.shape, bool)
    if pockets:
        filled = fill_dips(a)
        basin = filled > a + 0.02
        f = np.where(reading >= least, np.maximum(a, filled), a)
    lo, hi = firm
    t = np.clip((f - lo) / max(hi - lo, 1e-6), 0, 1)
    steep = t * t * (3 - 2 * t)
    # a basin the colours do not fill (a dark speck in the hair that reads as the black backdrop) is not pushed
    # down either: steeper, a soft light dot in the curls became a sharp white hole
    steep = np.where(basin, np.maximum(steep, a), steep)
    out = np.clip(a + weight * on * (steep - a), 0, 1).astype(np.float32)
    rise = np.clip((out - a) / np.maximum(out, 1e-6), 0, 1).astype(np.float32)
    return out, rise


def grain_sigma(pixels: np.ndarray, mask: np.ndarray | None = None, *, tile: int = 32) -> float:
    """The noise level (sRGB std) of an image, or of the places inside ``mask``: the wavelet estimate
    (:func:`candid.face.texture.noise_sigma`, zero coefficients left out as skimage's ``estimate_sigma`` does).

    With a ``mask``, the estimate is the lower quartile over ``tile`` px squares
    wholly inside it (the flattest places: skin, not eyelashes and hair
    strands, whose detail the estimate would take for grain); the bounding
    box's when fewer than four squares fit.

    Examples
    --------
    >>> import numpy as np
    >>> flat = np.full((64, 64, 3), 0.5, np.float32)
    >>> noisy = flat + np.random.default_rng(0).normal(0, 0.02, (64, 64, 1)).astype(np.float32)
    >>> round(grain_sigma(flat), 3), round(grain_sigma(noisy), 2), round(grain_sigma(noisy, np.ones((64, 64))), 2)
    (0.0, 0.02, 0.02)
    """
    from candid.face.texture import noise_sigma

    def sigma(img: np.ndarray) -> float:
        if min(img.shape[:2]) < 8:
            return float("nan")
        return noise_sigma(luminance(img), nonzero=True)  # a flat image has no detail coefficients: nan

    img = np.asarray(pixels, np.float32)
    if mask is not None:
        m = np.asarray(mask, bool)
        ys, xs = np.nonzero(m)
        if ys.size < 64:
            return 0.0
        inside = [sigma(img[y:y + tile, x:x + tile])
                  for y in range(ys.min(), ys.max() - tile + 2, tile)
                  for x in range(xs.min(), xs.max() - tile + 2, tile) if m[y:y + tile, x:x + tile].all()]
        inside = [v for v in inside if np.isfinite(v)]
        if len(inside) >= 4:
            return float(np.percentile(inside, 25))
        img = img[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    value = sigma(img)
    return value if np.isfinite(value) else 0.0


def matched_grain(fg: np.ndarray, alpha: np.ndarray, bg: np.ndarray, *, seed: int = 0,
                  floor: float = 0.6 / 255, ceiling: float = 1.5 / 255) -> np.ndarray:
    """``bg`` with the grain the photo has and the backdrop lacks, never less than a dither.

    A backdrop made by the computer (paper, gradient, the lens-blurred
    background) is smoother than the photo of the person in front of it: at
    1:1 a grainy face on a clean backdrop reads as a cut-out, and a dark
    smooth gradient quantised to 8 bits shows steps (the blur backdrop of
    hinton.jpeg: 5 levels in 200 px, contours). The person's noise (inside
    ``alpha`` > 0.98) and the backdrop's are measured (:func:`grain_sigma`);
    the difference, at least ``floor`` (0.6 of an 8-bit step, a dither), is
    added as fine monochrome grain (about 1 px, like a photo's), seeded.
    At most ``ceiling`` (1.5 8-bit steps) is added: a photo noisier than
    that is a small, poor crop (a group snapshot's face, 0.013-0.019 on
    real/casual against 0.0025-0.005 on portraits) that the size step
    enlarges 10-20x, and its full grain on the backdrop grew into blotches.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> fg = np.clip(0.5 + rng.normal(0, 0.015, (96, 96, 1)), 0, 1).repeat(3, 2).astype(np.float32)
    >>> bg = np.full((96, 96, 3), 0.3, np.float32)
    >>> out = matched_grain(fg, np.ones((96, 96), np.float32), bg)
    >>> round(grain_sigma(out), 2), bool(np.array_equal(out, matched_grain(fg, np.ones((96, 96)), bg)))
    (0.01, True)
    """
    solid = np.asarray(alpha) > 0.98
    want = grain_sigma(fg, solid) if solid.any() else 0.0
    have = grain_sigma(bg)
    add = min(max(float(np.sqrt(max(want * want - have * have, 0.0))), floor), max(ceiling, floor))
    H, W = bg.shape[:2]
    n = np.random.default_rng(seed).standard_normal((H, W)).astype(np.float32)
    n = cv2.GaussianBlur(n, (0, 0), 0.6)  # a photo's grain is about a pixel, not single-pixel salt
    # scaled so that the same estimate reads ``add`` on it (it sees fine grain only: a photo's as well)
    n *= add / max(grain_sigma(np.repeat(n[..., None], 3, 2)), 1e-6)
    return np.clip(bg + n[..., None], 0, 1).astype(np.float32)


def composite(
    fg: np.ndarray,
    alpha: np.ndarray,
    bg: np.ndarray,
    *,
    decontaminate_edges: bool = True,
    match_grain: bool = True,
    seed: int = 0,
    space: str | None = None,
) -> np.ndarray:
    """``alpha * fg + (1 - alpha) * bg`` in the space the edge was estimated in, with edge decontamination.

    A soft edge pixel reproduces the photo only when it is mixed under the
    model its alpha and colour were solved for. :func:`decontaminate` solves
    ``I = a F + (1 - a) B`` in linear light (as a camera mixes), so with
    ``decontaminate_edges`` the mix is linear. The matte (closed-form matting)
    and :func:`candid.engines.studio.matte.foreground` (pymatting) solve it on
    sRGB values, so a foreground from there (``decontaminate_edges=False``) is
    mixed in sRGB: mixed in linear light instead, an edge pixel of dark hair
    that the matte explained as 0.72 black over a 0.85 cream wall came out 0.57
    grey on a white backdrop where the photo had 0.24 dark brown (yangmi_4's
    grey band; in sRGB 0.28). Opaque and empty pixels are the same either way.

    Parameters
    ----------
    fg : ndarray
        ``(H, W, 3)`` sRGB float32, the photo holding the person.
    alpha : ndarray
        ``(H, W)`` matte of the person.
    bg : ndarray
        ``(H, W, 3)`` sRGB float32 backdrop.
    decontaminate_edges : bool
        Remove the old background's colour from soft edges first (:func:`decontaminate`).
    match_grain : bool
        Give the backdrop the photo's grain, at least a dither (:func:`matched_grain`).
    seed : int
        For that grain.
    space : {None, 'srgb', 'linear'}
        Where to mix; None: the edge's own model (linear with
        ``decontaminate_edges``, sRGB without).

    Returns
    -------
    ndarray
        ``(H, W, 3)`` sRGB float32; inputs are not modified.

    Examples
    --------
    >>> import numpy as np
    >>> fg, bg = np.ones((16, 16, 3), np.float32), np.zeros((16, 16, 3), np.float32)
    >>> a = np.full((16, 16), 0.5, np.float32)
    >>> round(float(composite(fg, a, bg, decontaminate_edges=False, match_grain=False)[0, 0, 0]), 3)  # sRGB model
    0.5
    >>> round(float(composite(fg, a, bg, match_grain=False, space="linear")[0, 0, 0]), 3)  # 50 % of the light
    0.735
    """
    fg = check_image(fg, "fg")
    bg = check_image(bg, "bg")
    if fg.shape != bg.shape:
        raise ValueError(f"fg {fg.shape} and bg {bg.shape} differ in size")
    if space is None:
        space = "linear" if decontaminate_edges else "srgb"
    if space not in ("srgb", "linear"):
        raise ValueError(f"space must be 'srgb' or 'linear', not {space!r}")
    a = check_alpha(alpha, fg.shape)
    if decontaminate_edges:
        fg = decontaminate(fg, a)
    if match_grain:
        bg = matched_grain(fg, a, bg, seed=seed)
    a3 = np.clip(a, 0, 1)[..., None]
    if space == "srgb":
        return (a3 * fg + (1 - a3) * bg).astype(np.float32)
    out = a3 * srgb_to_linear(fg) + (1 - a3) * srgb_to_linear(bg)
    return linear_to_srgb(out)
