"""Scorecard section ``inspect``: how well the inspector's scores separate ``ai/`` from ``real/``."""

from __future__ import annotations

import io
import time

import numpy as np

from candid.scorecard import metrics
from candid.scorecard.data import Dataset, shrink, subsample
from candid.scorecard.sheets import SectionResult, attempt, img_tag, section_html, table

LONG_SIDE = 768
JPEG_QUALITY = 90
FOLDS = 5


def normalise(pixels: np.ndarray, *, long_side: int = LONG_SIDE, quality: int = JPEG_QUALITY) -> np.ndarray:
    """Bring an image to the common form: long side ``long_side`` (area down, Lanczos up), JPEG ``quality``
    (4:2:0, Pillow), decoded again.

    Examples
    --------
    >>> normalise(np.full((100, 50, 3), 0.5, np.float32)).shape
    (768, 384, 3)
    """
    import cv2
    from PIL import Image

    h, w = pixels.shape[:2]
    s = long_side / max(h, w)
    size = (max(1, round(w * s)), max(1, round(h * s)))
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_LANCZOS4
    img = cv2.resize(np.ascontiguousarray(pixels, np.float32), size, interpolation=interp)
    buf = io.BytesIO()
    Image.fromarray((np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8)).save(buf, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"), np.float32) / 255.0


def _inspect(pixels: np.ndarray):
    from candid.inspector import inspect_image

    return inspect_image(pixels, afar=False)


def _combine():
    try:
        from candid.inspector import combine  # noqa: F401 - optional module of the inspector
    except ImportError:
        return None
    if not all(hasattr(combine, n) for n in ("FEATURE_NAMES", "features", "fit")):
        return None
    return combine


def run(data: Dataset, *, limit: int | None = None, seed: int = 0, log=print) -> SectionResult:
    res = SectionResult("inspect")
    ai = subsample(data.ai, limit)
    records, times = [], []
    for path, name, px in data.each([*ai, *subsample(data.real, limit)], res.failures):
        is_ai = path in ai
        t0 = time.perf_counter()
        raw, err = attempt(lambda: _inspect(px))
        norm_px = normalise(px)
        norm, err2 = attempt(lambda: _inspect(norm_px))
        times.append((time.perf_counter() - t0) / 2)
        if err or err2:
            res.failures.append((name, err or err2))
            continue
        records.append({"name": name, "path": path, "ai": is_ai, "raw": raw, "norm": norm,
                        "thumb": shrink(norm_px, 240)})
    y = np.array([r["ai"] for r in records], bool)
    keys: dict = {}
    shipped = np.array([r["norm"].overall for r in records], np.float64)
    keys["inspect.auc_shipped"] = metrics.auc(shipped, y)
    keys["inspect.auc_raw"] = metrics.auc([r["raw"].overall for r in records], y)
    combine = _combine()
    method = "overall"
    keys["inspect.auc"] = keys["inspect.auc_shipped"]
    if combine is not None and y.sum() >= 2 and (~y).sum() >= 2:
        X, err = attempt(lambda: np.stack([np.asarray(combine.features(r["norm"]), np.float64) for r in records]))
        cv, err = (None, err) if err else attempt(
            lambda: metrics.cross_validated_auc(X, y, combine.fit, k=FOLDS, seed=seed))
        if err:
            res.failures.append(("combine", err))
        else:
            keys["inspect.auc"] = cv[0]
            method = f"combine-cv{FOLDS}"
    keys["inspect.auc_method"] = method
    tells = [t.name for t in records[0]["norm"].tells] if records else []
    for tell in tells:
        keys[f"inspect.auc.{tell}"] = metrics.auc([r["norm"].tell(tell).score for r in records], y)
        keys[f"inspect.auc_raw.{tell}"] = metrics.auc([r["raw"].tell(tell).score for r in records], y)
    keys.update({"inspect.n_ai": int(y.sum()), "inspect.n_real": int((~y).sum()),
                 "inspect.failures": len(res.failures), "seconds.inspect": metrics.mean(times)})
    res.keys = keys
    log(f"inspect: {len(records)} images, AUC {keys['inspect.auc']:.3f} ({method})")
    rows = [{"image": r["name"], "ai": r["ai"], "overall": r["norm"].overall, "overall_raw": r["raw"].overall,
             **{t: r["norm"].tell(t).score for t in tells}} for r in records]
    rows.sort(key=lambda r: (not r["ai"], -r["overall"]))
    intro = (f"<code>ai/</code> (positive) against every photo under <code>real/</code>. Scores (1 = looks AI-made) "
             f"after bringing both to long side {LONG_SIDE} and JPEG q{JPEG_QUALITY}; <code>_raw</code> on the files "
             f"as they are. <code>inspect.auc</code> method: <b>{method}</b>. Per tell: the tell's score as is "
             "(higher = more AI); below 0.5 means the tell points the wrong way on this data.")
    real = sorted((r for r in records if not r["ai"]), key=lambda r: -r["norm"].overall)[:6]
    ai = sorted((r for r in records if r["ai"]), key=lambda r: r["norm"].overall)[:6]
    body = ("<h3>Real photos scored most AI-like</h3>" + "".join(_fig(r, data) for r in real)
            + "<h3>AI images scored most real</h3>" + "".join(_fig(r, data) for r in ai)
            + "<h3>All images</h3>" + table(rows, ["image", "ai", "overall", "overall_raw", *tells]))
    res.html = section_html(res, intro, body)
    return res


def _fig(r, data: Dataset) -> str:
    """Thumbnail, the two strongest tells in words, and 1:1 crops of the places the strongest tell points at."""
    top = sorted(r["norm"].tells, key=lambda t: -t.score * t.confidence)[:2]
    why = "; ".join(f"{t.name} {t.score:.2f}" + (f" ({t.reason})" if t.reason else "") for t in top)
    parts = [img_tag(r["thumb"], f"{r['name']}: overall {r['norm'].overall:.2f}; {why}", max_side=240)]
    crops = [(label, w) for t in top[:1] for label, w in (t.crops or [])][:2]
    if crops:
        px, err = attempt(lambda: normalise(data.load(r["path"])))
        for label, (y0, y1, x0, x1) in crops if not err else []:
            c = px[max(y0, 0):y1, max(x0, 0):x1]
            if c.size:
                parts.append(img_tag(c[:160, :160], f"{top[0].name}: {label} 1:1", max_side=None))
    return '<div class="sheet">' + "".join(parts) + "</div>"
