"""How much JPEG damage a picture carries, measured: it chooses the learned enlarger's JPEG-noise model.

A JPEG codes the picture in 8x8 blocks; at low quality each block loses its
fine detail on its own, so the luminance steps across the block boundaries
more than it steps inside a block. Fold the mean |gradient| of each column
(and row) onto its position modulo 8: a clean picture gives eight equal
phases, a JPEG one a peak where the boundaries lie. A later resampling by a
fraction of a pixel spreads a boundary's step over two columns, so the peak
is read over two neighbouring phases. A rotation (the studio levels the eyes)
tilts the grid; :func:`jpeg_damage` places each difference on the photo's
axes when it is told the geometry (the studio's ``frame_matrix``), without
resampling the picture again.

Round 18 (``docs/STUDIO.md``): on the studio's frames lecun (a q~75 JPEG,
levelled by 3.8 degrees) measures 0.061-0.063, yangmi_4 0.025, yangmi_5
(older recompressions) 0.020, 32bit 0.010, hinton's and liuyifei.png's
0.000; clean photos shrunk 4-6x by area at most 0.015.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: Damage (:func:`jpeg_damage`) from which each waifu2x JPEG-noise level is chosen (level 0 below the first).
DAMAGE_LEVELS = (0.018, 0.035, 0.05)
#: IJG quality from which each noise level is chosen by a file's quantisation table, strongest first
#: (quality <= 50: level 3, <= 70: level 2, <= 85: level 1).
QUALITY_LEVELS = (50.0, 70.0, 85.0)
#: Fold periods with no JPEG grid: their peak is the measure's own bias, subtracted.
NULL_PERIODS = (6, 7, 9, 10)
#: Least number of measured pixel pairs per axis (about 90 x 90 px); fewer: no measure (None), too noisy.
MIN_PAIRS = 8192
_LUMA = np.float32([0.299, 0.587, 0.114])
#: The IJG (libjpeg) standard luminance quantisation table at quality 50, row-major.
_IJG_LUMA = np.float32([
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99])


def jpeg_damage(img: np.ndarray, *, mask: np.ndarray | None = None, matrix=None) -> float | None:
    """The 8x8 block-grid damage of a picture: boundary |gradient| over the in-block one, minus 1.

    Parameters
    ----------
    img : ndarray
        ``(H, W, 3)`` float sRGB in [0, 1] (or ``(H, W)`` luminance). Not modified.
    mask : ndarray, optional
        ``(H, W)`` weight; only pixels above 0.5 are measured (a composite's
        cut-out: its new backdrop has no blocks and would dilute them).
    matrix : array-like, optional
        2x3 affine from the photo the picture was made from to the picture
        (the studio's ``frame_matrix``): the grid lies on the photo's axes.

    Returns
    -------
    float or None
        0 for a clean picture, rising with the blocks: a smooth textured
        patch through a quality-30 JPEG reads 0.07-0.13; studio frames
        (round 18) lecun 0.061-0.063, yangmi_4 0.025, yangmi_5 0.020,
        32bit 0.010, hinton and liuyifei 0.000. The same statistic folded at
        periods 6, 7, 9 and 10 (:data:`NULL_PERIODS`), which no JPEG grid
        has, is subtracted as the bias of noise and texture; the lesser of
        the two axes is kept (a grid steps across both, stripes across one).
        None when fewer than :data:`MIN_PAIRS` pixel pairs are measured.

    Examples
    --------
    >>> import cv2, numpy as np
    >>> rng = np.random.default_rng(0)
    >>> yy, xx = np.mgrid[0:96, 0:96] / 96.0
    >>> tex = cv2.GaussianBlur(rng.normal(0, 1, (96, 96)), (0, 0), 2.0)
    >>> clean = np.clip(0.3 + 0.3 * xx + 0.1 * yy + 0.05 * tex / tex.std(), 0, 1).astype(np.float32)
    >>> ok, buf = cv2.imencode(".jpg", (clean * 255 + 0.5).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 30])
    >>> damaged = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE).astype(np.float32) / 255
    >>> jpeg_damage(clean) < 0.018 < 0.05 < jpeg_damage(damaged)
    True
    """
    img = np.asarray(img, np.float32)
    y = img @ _LUMA if img.ndim == 3 else img
    w = np.ones(y.shape, np.float32) if mask is None else (np.asarray(mask, np.float32) > 0.5).astype(np.float32)
    m = np.eye(3)[:2] if matrix is None else np.asarray(matrix, np.float64)[:2]
    inv = np.linalg.inv(m[:, :2])  # picture -> photo axes (the shift only moves the grid's phase: searched)
    found = []
    for axis in (1, 0):
        d = np.abs(np.diff(y, axis=axis))
        ok = np.minimum(w[:, 1:], w[:, :-1]) if axis == 1 else np.minimum(w[1:], w[:-1])
        if ok.sum() < MIN_PAIRS:
            return None
        # strong edges fall on every phase alike: capped, they add noise but no peak
        d = np.minimum(d, np.percentile(d[ok > 0], 95)) * ok
        # each difference sits between two pixels; where is that on the photo's axis across this direction?
        yy, xx = np.mgrid[0:d.shape[0], 0:d.shape[1]].astype(np.float64)
        if axis == 1:
            xx += 0.5
        else:
            yy += 0.5
        row = inv[0] if axis == 1 else inv[1]
        pos = (row[0] * xx + row[1] * yy).ravel()
        d, ok = d.ravel().astype(np.float64), ok.ravel().astype(np.float64)
        peak = {p: _phase_peak(pos, d, ok, p) for p in (8,) + NULL_PERIODS}
        # the same statistic folded at periods a JPEG grid does not have: what noise and texture alone give
        found.append(peak[8] - float(np.mean([peak[p] for p in NULL_PERIODS])))
    # a JPEG grid steps across both axes; a striped cloth or a fence, across one
    return max(0.0, float(min(found)))


def _phase_peak(pos: np.ndarray, d: np.ndarray, ok: np.ndarray, period: int) -> float:
    """Mean |gradient| by position modulo ``period`` (in whole photo pixels): the strongest two neighbouring
    phases over the median pair, minus 1 (an interpolation spreads a boundary's step over two columns)."""
    k = np.floor(np.mod(pos, period)).astype(np.intp) % period
    phase = np.bincount(k, d, period) / np.maximum(np.bincount(k, ok, period), 1.0)
    pair = phase + np.roll(phase, -1)
    return float(pair.max() / max(float(np.median(pair)), 1e-6) - 1.0)


def jpeg_table_quality(path) -> float | None:
    """The IJG quality (1-100) a JPEG file's luminance quantisation table was made with; None if not a JPEG.

    Read from the file's header by Pillow (no pixels decoded); an estimate
    from the mean ratio of the sorted table to libjpeg's standard one (sorted:
    the order Pillow gives need not be libjpeg's), exact for tables libjpeg
    made at quality 50 and near it elsewhere (within 2 for 30, 75, 92).

    Examples
    --------
    >>> import io, tempfile, os, numpy as np
    >>> from PIL import Image
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "q.jpg")
    >>> Image.fromarray(np.zeros((16, 16, 3), np.uint8)).save(p, quality=75)
    >>> round(jpeg_table_quality(p)), jpeg_table_quality(os.path.join(d, "missing.jpg"))
    (75, None)
    """
    try:
        from PIL import Image

        with Image.open(Path(path)) as im:
            tables = getattr(im, "quantization", None)
            if im.format != "JPEG" or not tables:
                return None
            t = np.asarray(tables[min(tables)], np.float32).ravel()
    except Exception:
        return None
    if t.size != 64:
        return None
    # libjpeg: table = clip((std * s + 50) / 100, 1, 255) with s = 5000 / q (q < 50) or 200 - 2 q
    s = float(np.mean(np.sort(t) * 100.0 / np.sort(_IJG_LUMA)))
    q = 5000.0 / s if s > 100.0 else (200.0 - s) / 2.0
    return float(np.clip(q, 1.0, 100.0))


def noise_level(damage: float, quality: float | None = None) -> int:
    """The waifu2x JPEG-noise level (0 lightest .. 3 strongest) for a measured damage and a file's quality.

    The stronger of what the pixels show (:data:`DAMAGE_LEVELS`) and what the
    file's table says (:data:`QUALITY_LEVELS`).

    Examples
    --------
    >>> noise_level(0.008), noise_level(0.025), noise_level(0.04), noise_level(0.06), noise_level(0.0, 45.0)
    (0, 1, 2, 3, 3)
    """
    level = int(np.searchsorted(np.asarray(DAMAGE_LEVELS), float(damage), side="right"))
    if quality is not None:
        level = max(level, sum(1 for q in QUALITY_LEVELS if quality <= q))
    return min(level, 3)


#: The measured damage in words, by waifu2x noise level (:func:`noise_level`).
DAMAGE_WORDS = {0: "no JPEG damage", 1: "light JPEG damage", 2: "moderate JPEG damage", 3: "heavy JPEG damage"}
#: The waifu2x photo model of each noise level, in words.
MODEL_WORDS = {0: "lightest denoise", 1: "light JPEG-artefact model", 2: "medium JPEG-artefact model",
               3: "strongest JPEG-artefact model"}
#: Where the block grid was measured (the finish's ``jpeg_grid`` param), in words.
GRID_WORDS = {"photo": "on the photo's block grid", "picture": "on the picture's own block grid",
              "logged": "on the photo's block grid when the headshot was made"}


def jpeg_model_params(level: int, rule: str, *, damage: float | None = None, grid: str | None = None,
                      quality: float | None = None) -> dict:
    """The JPEG model the finish's learned passes used, as the finish step's structured params.

    Parameters
    ----------
    level : int
        waifu2x's JPEG-noise level, 0 (lightest) .. 3 (strongest).
    rule : {"measured", "unmeasured", "magnification", "light"}
        Why: the damage measured (:func:`noise_level` of ``damage`` and
        ``quality``); beyond 4x but nothing could be measured (the strongest);
        beyond 4x with the measure switched off (round 17: the strongest);
        at or below 4x, or the guard off (the lightest, nothing chosen).
    damage : float, optional
        :func:`jpeg_damage` (None: not measured, e.g. too small a picture).
    grid : {"photo", "picture", "logged"}, optional
        Where ``damage`` was measured: on the photo's grid through the frame's
        matrix (the studio's ``frame_matrix``); on the picture's own pixel
        grid (a file finished later, read at its native size); or read from
        the log, measured on the photo's grid when the headshot was made (a
        saved headshot finished later, :func:`log_frame`).
    quality : float, optional
        The IJG quality of the source file's table (:func:`jpeg_table_quality`).

    Returns
    -------
    dict
        ``noise_level``, ``jpeg_rule``, ``jpeg_damage`` (3 decimals),
        ``jpeg_grid`` and ``jpeg_quality`` (whole): numbers and names only,
        for the log and for :func:`jpeg_model_words`.

    Examples
    --------
    >>> jpeg_model_params(0, "measured", damage=0.00012, grid="photo")
    {'noise_level': 0, 'jpeg_rule': 'measured', 'jpeg_damage': 0.0, 'jpeg_grid': 'photo', 'jpeg_quality': None}
    """
    if rule not in ("measured", "unmeasured", "magnification", "light"):
        raise ValueError(f"rule {rule!r}")
    if grid not in (None, "photo", "picture", "logged"):
        raise ValueError(f"grid {grid!r}")
    return {"noise_level": int(min(max(level, 0), 3)), "jpeg_rule": rule,
            "jpeg_damage": None if damage is None else round(float(damage), 3),
            "jpeg_grid": None if damage is None else grid,
            "jpeg_quality": None if quality is None else float(round(float(quality)))}


def jpeg_model_words(params) -> str | None:
    """The JPEG model of :func:`jpeg_model_params` in plain words (None when there was no choice to say).

    ``params`` is the finish step's params (a mapping; other keys are
    ignored). Every front door says the model with these words, made from
    the numbers, never from a note.

    Examples
    --------
    >>> jpeg_model_words(jpeg_model_params(0, "measured", damage=0.0, grid="photo"))
    "no JPEG damage measured on the photo's block grid, so waifu2x's lightest denoise kept fine texture"
    >>> jpeg_model_words(jpeg_model_params(3, "measured", damage=0.01, grid="picture", quality=30))
    "heavy JPEG damage measured on the picture's own block grid (the file's JPEG quality is about 30; block-grid excess 0.010), so waifu2x's strongest JPEG-artefact model smoothed its blocks; fine texture is softer"
    >>> jpeg_model_words({"noise_level": 0, "jpeg_rule": "light"}) is None
    True
    """
    rule = params.get("jpeg_rule")
    level = int(min(max(int(params.get("noise_level") or 0), 0), 3))
    model = f"waifu2x's {MODEL_WORDS[level]}"
    if rule == "unmeasured":
        return f"too small a crop to measure JPEG damage, so {model} was used; fine texture is softer"
    if rule == "magnification":
        return f"{model} chosen by the magnification alone (the damage measure is off); fine texture is softer"
    if rule != "measured":
        return None
    damage, quality = params.get("jpeg_damage"), params.get("jpeg_quality")
    grid = GRID_WORDS.get(params.get("jpeg_grid"), "") if damage is not None else ""
    said = [f"the file's JPEG quality is about {float(quality):.0f}"] if quality is not None else []
    if damage is not None and (level > 0 or said):
        said.append(f"block-grid excess {float(damage):.3f}")
    found = f"{DAMAGE_WORDS[level]} measured" + (f" {grid}" if grid else "") + (f" ({'; '.join(said)})" if said else "")
    if level == 0:
        return f"{found}, so {model} kept fine texture"
    return f"{found}, so {model} smoothed its blocks; fine texture is softer"


def log_frame(log, width: int, height: int) -> tuple[np.ndarray | None, float | None]:
    """The last frame a log records for pixels of ``width`` x ``height``: its ``frame_matrix`` and the
    ``jpeg_damage`` measured when it was made; ``(None, None)`` when the last frame is another size or none.

    A headshot saved at its frame's size and finished later (``candid finish``) carries its log in its
    XMP (:func:`candid.provenance.xmp.read_xmp`); a recipe run on such a file has them in the input's
    ``provenance.source`` step (:func:`candid.provenance.source.read_source` puts them there). The
    matrix puts the pixels back on the photo's block grid; the damage measured when the frame was made
    is the better number for a file saved as a JPEG, whose own compression erases the photo's old, faint
    block steps (lecun editorial: 0.056 in the frame, 0.014 in its q95 JPEG). Values from a file are checked
    (shape, finite, invertible, a damage in [0, 10]); a frame of another size (the headshot was resized,
    e.g. finished to 4k) gives nothing.

    Examples
    --------
    >>> log = [{"stage": "engine.studio", "params": {"size": [6, 4], "frame_matrix": [[1, 0, 0], [0, 1, 0]],
    ...                                              "jpeg_damage": 0.056}}]
    >>> m, damage = log_frame(log, 6, 4)
    >>> m.shape, damage, log_frame(log, 12, 8)
    ((2, 3), 0.056, (None, None))
    >>> log = [{"stage": "engine.studio", "params": {"size": [6, 4], "frame_matrix": [[2, 0, 1], [0, 2, 0]]}}]
    >>> log_frame(log, 6, 4)[0].tolist(), log_frame(log, 6, 4)[1]      # (no damage logged)
    ([[2.0, 0.0, 1.0], [0.0, 2.0, 0.0]], None)
    >>> log_frame([{"stage": "x", "params": {"frame_matrix": "junk"}}], 6, 4)
    (None, None)
    """
    for op in reversed(list(log or ())):
        params = op.get("params") if isinstance(op, dict) else getattr(op, "params", None)
        if not isinstance(params, dict) or "frame_matrix" not in params:
            continue
        try:
            size = params.get("size")
            if size is not None and [int(v) for v in size] != [int(width), int(height)]:
                return None, None
            m = np.asarray(params["frame_matrix"], np.float64)
        except (TypeError, ValueError):
            return None, None
        if m.shape != (2, 3) or not np.isfinite(m).all() or abs(np.linalg.det(m[:, :2])) <= 1e-6:
            return None, None
        damage = params.get("jpeg_damage")
        ok = isinstance(damage, (int, float)) and not isinstance(damage, bool) and 0.0 <= float(damage) <= 10.0
        return m, (float(damage) if ok else None)
    return None, None

__all__ = ["DAMAGE_LEVELS", "DAMAGE_WORDS", "GRID_WORDS", "MIN_PAIRS", "MODEL_WORDS", "NULL_PERIODS", "QUALITY_LEVELS",
           "jpeg_damage", "jpeg_model_params", "jpeg_model_words", "jpeg_table_quality", "log_frame", "noise_level"]
