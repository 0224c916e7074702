"""Benchmark and pictures for the restore engine (issues 9 and 21).

    .venv/bin/python bench/bench_restore.py            # metrics + docs/img/restore_*.png + 24 MP run
    .venv/bin/python bench/bench_restore.py --no-24mp  # skip the 24 MP run
    .venv/bin/python bench/bench_restore.py --real-only  # only docs/img/restore_scratched_*_face.png, restore_cracks_b.png

1. Synthetic damage with known ground truth on skimage.data.astronaut()
   (dust, scratches, a crease, a halftone screen, fading with a dye cast,
   grain): PSNR/SSIM inside the damage mask and overall, identity distance to
   the clean original, before and after (neutral setting: the cast is part of
   the synthetic damage). Pictures at 1:1 go to docs/img/restore_*.png.
2. The real cracked prints ../shared/data/old/scratched_{a,b}.png (when the
   folder is there): before | after | damage found, at 1:1 on the face, to
   docs/img/restore_scratched_{a,b}_face.png; and scratched_b's crazed top
   right (scan | restored | damage found, 1:1 and 3x) to docs/img/restore_cracks_b.png.
3. A 24 MP scan (the astronaut enlarged to 4899x4899, damaged at that size,
   fading and grain, no screen): time and peak RSS of ``restore()`` given the
   true damage mask (every other step as by default) vs OpenCV's Telea fill
   (cv2.inpaint, 8-bit, radius 3) given the same mask; and ``restore()``
   finding the damage itself. Each runs in its own process so peak RSS is its
   own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
TMP = Path(os.environ.get("TMPDIR", "/tmp")) / "candid-bench-restore"


def small_run() -> dict:
    import cv2
    from skimage import data

    from candid.engines.restore import restore
    from candid.engines.restore.synthetic import degrade, psnr, ssim
    from candid.face import analyze_face, identity_distance
    from candid.imageio import write_image

    clean = data.astronaut().astype(np.float32) / 255
    bad = degrade(clean, halftone=0.1, fade=0.5, grain=0.01, seed=0)
    t0 = time.perf_counter()
    res = restore(bad.pixels, keep_monochrome=False, seed=0)
    secs = time.perf_counter() - t0
    gt = bad.mask
    base = cv2.medianBlur((bad.pixels * 255).round().astype(np.uint8), 3)
    base = cv2.inpaint(base, gt.astype(np.uint8), 3, cv2.INPAINT_TELEA).astype(np.float32) / 255
    e0 = analyze_face(clean).embedding

    def ident(x):
        return identity_distance(e0, analyze_face(x).embedding)

    rows = {}
    with_mask = restore(bad.pixels, mask=gt, keep_monochrome=False, seed=0).pixels
    for name, img in (("damaged", bad.pixels), ("restored (mask detected)", res.pixels),
                      ("restored (hand mask)", with_mask), ("baseline (Telea+median, hand mask)", base)):
        rows[name] = {"psnr_mask": psnr(img, clean, gt), "psnr_all": psnr(img, clean),
                      "ssim_mask": ssim(img, clean, gt), "ssim_all": ssim(img, clean), "identity": ident(img)}
    det = res.mask
    rows["detector"] = {"recall": float((det & gt).sum() / gt.sum()), "false_positive_fraction": float((det & ~gt).mean()),
                        "seconds": round(secs, 2)}
    IMG.mkdir(parents=True, exist_ok=True)
    write_image(IMG / "restore_damaged.png", bad.pixels)
    write_image(IMG / "restore_restored.png", res.pixels)
    overlay = bad.pixels.copy()
    overlay[det & gt] = (0.1, 0.9, 0.1)
    overlay[det & ~gt] = (0.95, 0.2, 0.1)
    overlay[~det & gt] = (0.1, 0.4, 1.0)
    write_image(IMG / "restore_mask.png", overlay)
    y0, y1, x0, x1 = 40, 290, 130, 330  # the face, at 1:1
    write_image(IMG / "restore_face_1to1.png", np.hstack([bad.pixels[y0:y1, x0:x1], res.pixels[y0:y1, x0:x1],
                                                           clean[y0:y1, x0:x1]]))
    for p in sorted(IMG.glob("restore_*.png")):
        assert p.stat().st_size < 1.5e6, p
    return rows


DATA = ROOT.parent / "shared" / "data" / "old"


def real_sheets() -> dict:
    """Before | after | damage found (red), at 1:1 on the face of the real cracked prints."""
    from candid.engines.restore import restore
    from candid.face import detect_faces
    from candid.imageio import read_image, write_image

    out = {}
    for name in ("scratched_a", "scratched_b"):
        path = DATA / f"{name}.png"
        if not path.exists():
            continue
        px = read_image(path).pixels
        t0 = time.perf_counter()
        r = restore(px, seed=0)
        secs = time.perf_counter() - t0
        faces = detect_faces(px)
        h, w = px.shape[:2]
        if faces:
            f = faces[0]
            cx, cy, half = (f.x0 + f.x1) / 2, (f.y0 + f.y1) / 2, 0.75 * max(f.x1 - f.x0, f.y1 - f.y0)
            x0, x1 = int(max(0, cx - half)), int(min(w, cx + half))
            y0, y1 = int(max(0, cy - half)), int(min(h, cy + half))
        else:
            x0, y0, x1, y1 = 0, 0, w, h
        if r.pixels.shape != px.shape:  # straightened: show the whole print instead
            x0, y0, x1, y1 = 0, 0, min(w, r.pixels.shape[1]), min(h, r.pixels.shape[0])
        ov = px.copy()
        ov[r.mask] = ov[r.mask] * 0.3 + np.array([1.0, 0.0, 0.0], np.float32) * 0.7
        sheet = np.hstack([px[y0:y1, x0:x1], r.pixels[y0:y1, x0:x1], ov[y0:y1, x0:x1]])
        write_image(IMG / f"restore_{name}_face.png", sheet)
        if name == "scratched_b" and r.pixels.shape == px.shape:
            # the crazed top right, scan | restored | damage found: at 1:1 and, below, 3x (nearest)
            import cv2

            tr = np.s_[0:h // 2, w // 2:w]
            row = np.hstack([px[tr], r.pixels[tr], ov[tr]])
            big = cv2.resize(row, None, fx=3, fy=3, interpolation=cv2.INTER_NEAREST)
            top = np.ones((row.shape[0], big.shape[1], 3), np.float32)
            top[:, :row.shape[1]] = row
            write_image(IMG / "restore_cracks_b.png", np.vstack([top, big]))
        out[name] = {"damage_fraction": round(float(r.mask.mean()), 4), "seconds": round(secs, 1),
                     "crop": [x0, y0, x1, y1], "notes": r.notes}
    return out


def make_big() -> None:
    import cv2
    from skimage import data

    from candid.engines.restore.synthetic import degrade

    TMP.mkdir(parents=True, exist_ok=True)
    if (TMP / "scan21.npy").exists():
        return
    clean = cv2.resize(data.astronaut().astype(np.float32) / 255, (4899, 4899), interpolation=cv2.INTER_CUBIC)
    bad = degrade(np.clip(clean, 0, 1), halftone=0.0, fade=0.5, grain=0.01, seed=0)
    np.save(TMP / "clean.npy", np.clip(clean, 0, 1))
    np.save(TMP / "scan21.npy", bad.pixels)
    np.save(TMP / "mask.npy", bad.mask)


def child(which: str) -> None:
    import cv2

    scan = np.load(TMP / "scan21.npy")
    mask = np.load(TMP / "mask.npy")
    t0 = time.perf_counter()
    steps = {}
    if which in ("candid", "candid-detect"):
        from candid.engines.restore import restore

        r = restore(scan, mask=mask if which == "candid" else None, seed=0)
        out, steps = r.pixels, r.params["seconds"]
    else:
        u8 = np.clip(scan * 255 + 0.5, 0, 255).astype(np.uint8)
        out = cv2.inpaint(u8, mask.astype(np.uint8), 3, cv2.INPAINT_TELEA).astype(np.float32) / 255
    secs = time.perf_counter() - t0
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a child would report the parent's peak
    hwm = [ln for ln in Path("/proc/self/status").read_text().splitlines() if ln.startswith("VmHWM")]
    rss = int(hwm[0].split()[1]) / 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    from candid.engines.restore.synthetic import psnr

    clean = np.load(TMP / "clean.npy", mmap_mode="r")
    sl = np.s_[::4, ::4]
    print(json.dumps({"seconds": round(secs, 1), "peak_rss_mb": round(rss), "psnr_mask": psnr(out, clean, mask),
                      "psnr_all_subsampled": psnr(out[sl], clean[sl]), "steps": steps}))


def big_run() -> dict:
    make_big()
    res = {}
    for which in ("baseline", "candid", "candid-detect"):
        p = subprocess.run([sys.executable, __file__, "--child", which], capture_output=True, text=True, check=True)
        res[which] = json.loads(p.stdout.strip().splitlines()[-1])
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child")
    ap.add_argument("--no-24mp", action="store_true")
    ap.add_argument("--real-only", action="store_true", help="only the real cracked prints' sheets")
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    if args.real_only:
        print("## real prints:", json.dumps(real_sheets()))
        return
    small = small_run()
    print("## 512 px synthetic damage (astronaut)")
    print("| image | PSNR in mask | PSNR all | SSIM in mask | SSIM all | identity distance to clean |")
    print("|---|---|---|---|---|---|")
    for k, v in small.items():
        if k != "detector":
            print(f"| {k} | {v['psnr_mask']:.2f} | {v['psnr_all']:.2f} | {v['ssim_mask']:.3f} | {v['ssim_all']:.3f} "
                  f"| {v['identity']:.3f} |")
    print("detector:", small["detector"])
    print("## real prints:", json.dumps(real_sheets()))
    if not args.no_24mp:
        big = big_run()
        c, b = big["candid"], big["baseline"]
        print("## 24 MP (4899x4899)")
        print("| run | seconds | peak RSS MB | PSNR in mask | PSNR all (1/16 sample) |")
        print("|---|---|---|---|---|")
        for k, v in big.items():
            print(f"| {k} | {v['seconds']} | {v['peak_rss_mb']} | {v['psnr_mask']:.2f} | {v['psnr_all_subsampled']:.2f} |")
        print("candid steps (s):", c.get("steps"), "detect run steps (s):", big["candid-detect"].get("steps"))
        print(f"ratio candid (same mask)/Telea: time x{c['seconds'] / b['seconds']:.1f}, "
              f"peak RSS x{c['peak_rss_mb'] / b['peak_rss_mb']:.2f}")


if __name__ == "__main__":
    main()
