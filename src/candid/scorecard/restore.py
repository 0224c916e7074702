"""Scorecard section ``restore``: synthetic damage on real portraits, and contrast on real old prints."""

from __future__ import annotations

import time

import numpy as np

from candid.scorecard import metrics
from candid.scorecard.damage import damage
from candid.scorecard.data import Dataset, subsample
from candid.scorecard.sheets import SectionResult, attempt, crop_at, img_tag, section_html, table

#: Portraits are shrunk (area) to this long side before damage: an old print's scan size, and it keeps time bounded.
MAX_SIDE = 1024


def _restore(pixels: np.ndarray, **kw):
    from candid.engines.restore import restore

    return restore(pixels, **kw)


def run(data: Dataset, *, limit: int | None = None, seed: int = 0, log=print) -> SectionResult:
    res = SectionResult("restore")
    rows, sheets, times, gains = [], [], [], []
    for i, (path, name, clean) in enumerate(data.each(subsample(data.portraits, limit), res.failures, MAX_SIDE)):
        bad = damage(clean, seed=seed + i)
        t0 = time.perf_counter()
        # crop=False: the damage is on a flat scan, there is no photographed print to find.
        r, err = attempt(lambda: _restore(bad.pixels, crop=False, seed=seed))
        times.append(time.perf_counter() - t0)
        if err or r.pixels.shape != clean.shape:
            msg = err or f"restore changed the size {clean.shape[:2]} -> {r.pixels.shape[:2]}"
            res.failures.append((name, msg))
            rows.append({"image": name, "message": msg})
            continue
        before = metrics.psnr(bad.pixels, clean, bad.mask)
        after = metrics.psnr(r.pixels, clean, bad.mask)
        gains.append(after - before)
        rows.append({"image": name, "psnr_before": before, "psnr_after": after, "gain_db": after - before,
                     "psnr_outside_after": metrics.psnr(r.pixels, clean, ~bad.mask), "seconds": times[-1]})
        log(f"restore {name}: {before:.1f} -> {after:.1f} dB in the mask")
        if len(sheets) < 8:
            ys, xs = np.nonzero(bad.mask)
            k = len(ys) // 2
            c = (float(xs[k]), float(ys[k])) if len(ys) else (clean.shape[1] / 2, clean.shape[0] / 2)
            parts = [img_tag(bad.pixels, "damaged"), img_tag(r.pixels, "restored"),
                     img_tag(bad.mask.astype(np.float32), "known damage mask"),
                     img_tag(crop_at(clean, c, 160), "clean 1:1", max_side=None),
                     img_tag(crop_at(bad.pixels, c, 160), "damaged 1:1", max_side=None),
                     img_tag(crop_at(r.pixels, c, 160), "restored 1:1", max_side=None)]
            sheets.append(f'<div class="sheet"><h4>{name}: {before:.1f} -> {after:.1f} dB in the mask</h4>'
                          + "".join(parts) + "</div>")
    contrast, old_rows = [], []
    for path, name, px in data.each(subsample(data.old, limit), res.failures):
        t0 = time.perf_counter()
        r, err = attempt(lambda: _restore(px, seed=seed))
        times.append(time.perf_counter() - t0)
        if err:
            res.failures.append((name, err))
            old_rows.append({"print": name, "message": err})
            continue
        ratio = metrics.contrast_ratio(px, r.pixels)
        contrast.append(ratio)
        old_rows.append({"print": name, "contrast_kept": ratio, "seconds": times[-1]})
        log(f"restore {name}: contrast kept {ratio:.2f}")
        mask = getattr(r, "mask", None)
        parts = [img_tag(px, "print as scanned"), img_tag(r.pixels, "restored")]
        if mask is not None:
            parts.append(img_tag(np.asarray(mask, np.float32), "damage found"))
            ys, xs = np.nonzero(np.asarray(mask))
            if len(ys) and mask.shape == r.pixels.shape[:2]:
                k = len(ys) // 2
                c = (float(xs[k]), float(ys[k]))
                parts.append(img_tag(crop_at(r.pixels, c, 160), "restored 1:1 at found damage", max_side=None))
        sheets.append(f'<div class="sheet"><h4>{name}: contrast kept {ratio:.2f}</h4>' + "".join(parts) + "</div>")
    res.keys = {
        "restore.psnr_gain_db": metrics.mean(gains),
        "restore.contrast_kept": metrics.mean(contrast),
        "restore.n_synthetic": len(gains), "restore.n_old": len(contrast), "restore.failures": len(res.failures),
        "seconds.restore": metrics.mean(times),
    }
    intro = (f"Synthetic: real portraits (long side {MAX_SIDE}) with seeded cracks, scratches, dust and fading "
             "(known mask), restored with <code>candid.engines.restore.restore(crop=False)</code> finding the damage "
             "itself; PSNR against the clean photo inside the mask. Old prints: std of luma after / before.")
    res.html = section_html(res, intro, table(rows, ["image", "psnr_before", "psnr_after", "gain_db",
                                                     "psnr_outside_after", "seconds", "message"])
                            + table(old_rows, ["print", "contrast_kept", "seconds", "message"]) + "".join(sheets))
    return res
