"""Scorecard section ``finish``: 4x super-resolution against Pillow Lanczos, and the time to 8K."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from candid.scorecard import metrics
from candid.scorecard.data import Dataset, subsample
from candid.scorecard.sheets import SectionResult, attempt, crops_html, face_points, section_html, table

FACTOR = 4


def lanczos(small: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Pillow's Lanczos resize of a float image to ``size`` ``(W, H)`` (8-bit, as most tools do)."""
    from PIL import Image

    im = Image.fromarray((np.clip(small, 0, 1) * 255 + 0.5).astype(np.uint8))
    return np.asarray(im.resize(size, Image.Resampling.LANCZOS), np.float32) / 255.0


def shrink4(clean: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(clean cropped to a multiple of 4, its 4x area-shrunk copy)``.

    Examples
    --------
    >>> c, s = shrink4(np.zeros((10, 9, 3), np.float32))
    >>> c.shape, s.shape
    ((8, 8, 3), (2, 2, 3))
    """
    h, w = (clean.shape[0] // FACTOR) * FACTOR, (clean.shape[1] // FACTOR) * FACTOR
    c = np.ascontiguousarray(clean[:h, :w], np.float32)
    return c, c.reshape(h // FACTOR, FACTOR, w // FACTOR, FACTOR, 3).mean(axis=(1, 3)).astype(np.float32)


def run(data: Dataset, *, limit: int | None = None, seed: int = 0, log=print) -> SectionResult:
    from candid.finish import finish_to_file, upscale

    res = SectionResult("finish")
    rows, sheets, times, gains = [], [], [], []
    for path, name, px in data.each(subsample(data.portraits, limit), res.failures):
        clean, small = shrink4(px)
        H, W = clean.shape[:2]
        t0 = time.perf_counter()
        up, err = attempt(lambda: upscale(small, (W, H), seed=seed))
        times.append(time.perf_counter() - t0)
        if err or up.shape != clean.shape:
            msg = err or f"finish gave {up.shape[:2]} for {(H, W)}"
            res.failures.append((name, msg))
            rows.append({"image": name, "message": msg})
            continue
        base = lanczos(small, (W, H))
        p_c, p_l = metrics.psnr(up, clean), metrics.psnr(base, clean)
        gains.append(p_c - p_l)
        rows.append({"image": name, "size": f"{W}x{H}", "psnr_candid": p_c, "psnr_lanczos": p_l,
                     "gain_db": p_c - p_l, "seconds": times[-1]})
        log(f"finish {name}: candid {p_c:.2f} dB, lanczos {p_l:.2f} dB")
        if len(sheets) < 6:
            sheets.append(_sheet(name, clean, base, up, p_c, p_l))
    seconds_8k = float("nan")
    if data.portraits:
        src = data.portraits[0]
        with tempfile.TemporaryDirectory(prefix="candid-scorecard-") as tmp:
            t0 = time.perf_counter()
            _, err = attempt(lambda: finish_to_file(str(src), Path(tmp) / "8k.jpg", "8k", seed=seed))
            if err:
                res.failures.append((f"{data.name(src)} to 8K", err))
            else:
                seconds_8k = time.perf_counter() - t0
                log(f"finish {data.name(src)} to 8K: {seconds_8k:.1f} s")
    res.keys = {
        "finish.gain_db": metrics.mean(gains),
        "finish.seconds_8k": seconds_8k,
        "finish.n_photos": len(gains), "finish.failures": len(res.failures),
        "seconds.finish": metrics.mean(times),
    }
    intro = (f"Real portraits shrunk {FACTOR}x (area) and brought back to their size by "
             "<code>candid.finish.upscale</code> with its defaults, against Pillow Lanczos from the same small "
             "image; PSNR to the original. <code>finish.seconds_8k</code>: <code>finish_to_file(..., '8k')</code> "
             f"of {data.name(data.portraits[0]) if data.portraits else 'no photo'}, wall time. Crops 1:1: original, "
             "Lanczos, candid.")
    res.html = section_html(res, intro, table(rows, ["image", "size", "psnr_candid", "psnr_lanczos", "gain_db",
                                                     "seconds", "message"]) + "".join(sheets))
    return res


def _sheet(name, clean, base, up, p_c, p_l) -> str:
    from candid.face import analyze_face

    face, err = attempt(lambda: analyze_face(clean, face_index=0, embed=False, quality=False))
    if err:
        pts = {"centre": (clean.shape[1] / 2, clean.shape[0] / 2)}
    else:
        pts = face_points(face.landmarks)
        pts.pop("hair edge")
    rows = "".join(f"<div>{label}: {crops_html(img, pts, 128)}</div>"
                   for label, img in (("original", clean), ("Lanczos", base), ("candid", up)))
    return f'<div class="sheet"><h4>{name}: candid {p_c:.2f} dB, Lanczos {p_l:.2f} dB</h4>{rows}</div>'
