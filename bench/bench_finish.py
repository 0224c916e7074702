"""Benchmark `candid.finish` to 8K and write the docs pictures.

Usage::

    .venv/bin/python bench/bench_finish.py bench       # time + peak RSS to 8K, candid vs plain PIL/OpenCV resize
    .venv/bin/python bench/bench_finish.py pictures    # docs/img/finish_*.png (1:1 crops)
    .venv/bin/python bench/bench_finish.py learned     # Real-ESRGAN x4plus baseline crop (slow on CPU; needs candid[learned])
    .venv/bin/python bench/bench_finish.py gain        # 4x round trip on real portraits: PSNR per backend vs Pillow Lanczos
    .venv/bin/python bench/bench_finish.py crops       # docs/img/finish_crops_*.png: eyes, hair, skin at 1:1
    .venv/bin/python bench/bench_finish.py crops8k     # docs/img/finish_8k_real.png: a 443 px photo at 8K, 1:1
    .venv/bin/python bench/bench_finish.py speed       # 1080x1920 -> 4320x7680 JPEG vs Pillow Lanczos + unsharp + save

Every timed run is a fresh subprocess that reports its own ``ru_maxrss``, so
peak memory is measured, not estimated. Inputs: ``skimage.data.astronaut()``
(512x512) and a 2000x2000 image made from it (Lanczos, so it is smooth; it
is there for size, not content). The detail-transfer picture uses
``../shared/data/real/obama*.jpg`` when present and says so when it is not.
"""

from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
WORK = ROOT / "bench" / "results" / "finish"  # scratch, git-ignored
REAL = ROOT.parent / "shared" / "data" / "real"
PORTRAITS = sorted((REAL / "portraits").glob("*")) + sorted((REAL / "people").glob("*/*"))


def _shrink4(img: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The scorecard's definition: crop to a multiple of 4, area-shrink 4x in float."""
    h, w = img.shape[0] // 4 * 4, img.shape[1] // 4 * 4
    c = np.ascontiguousarray(img[:h, :w], np.float32)
    return c, c.reshape(h // 4, 4, w // 4, 4, 3).mean(axis=(1, 3)).astype(np.float32)


def _lanczos(small: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    from PIL import Image

    im = Image.fromarray((np.clip(small, 0, 1) * 255 + 0.5).astype(np.uint8))
    return np.asarray(im.resize(size, Image.Resampling.LANCZOS), np.float32) / 255.0


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    q = np.round(np.clip(a, 0, 1) * 255) / 255
    return float(10 * np.log10(1.0 / np.mean((q - b) ** 2)))


def gain() -> None:
    """PSNR gain over Pillow Lanczos on real portraits shrunk 4x and finished back (the scorecard's finish.gain_db)."""
    from candid.finish import upscale
    from candid.imageio import read_image

    if not PORTRAITS:
        print(f"skipping: {REAL} not found")
        return
    variants = {"default (auto)": {}, "classical": dict(backend="classical"),
                "learned, no noise/sharpening": dict(backend="learned", noise=False, sharpen="none")}
    gains: dict[str, list[float]] = {k: [] for k in variants}
    for path in PORTRAITS:
        clean, small = _shrink4(read_image(path).pixels)
        H, W = clean.shape[:2]
        base = _psnr(_lanczos(small, (W, H)), clean)
        row = [f"{path.name:22s} {W}x{H}  lanczos {base:.2f}"]
        for name, kw in variants.items():
            t = time.perf_counter()
            g = _psnr(upscale(small, (W, H), seed=0, **kw), clean) - base
            gains[name].append(g)
            row.append(f"{name} {g:+.2f} ({time.perf_counter() - t:.1f} s)")
        print("  ".join(row), flush=True)
    for name, g in gains.items():
        print(f"mean gain over Pillow Lanczos, {name}: {np.mean(g):+.3f} dB (min {np.min(g):+.2f}, n={len(g)})")


def crops() -> None:
    """1:1 crops of eyes, hair and skin: truth, Pillow Lanczos, candid classical, candid learned (4x round trip)."""
    from candid.finish import upscale
    from candid.finish._landmarks import dlib_landmarks
    from candid.imageio import read_image

    names = ["portraits/zcy.webp", "portraits/rihanna.webp"]
    for name in names:
        path = REAL / name
        if not path.exists():
            print(f"skipping {name}: not found")
            continue
        clean, small = _shrink4(read_image(path).pixels)
        H, W = clean.shape[:2]
        lm = dlib_landmarks(clean)
        iod = float(np.linalg.norm(lm[36:42].mean(0) - lm[42:48].mean(0)))
        outs = [("the real photo", clean), ("Pillow Lanczos", _lanczos(small, (W, H))),
                ("candid classical", upscale(small, (W, H), backend="classical", seed=0)),
                ("candid learned (default)", upscale(small, (W, H), seed=0))]
        for o in outs[1:]:
            print(f"{name} {o[0]}: PSNR {_psnr(o[1], clean):.2f} dB")
        eye = lm[36:42].mean(0)
        brow = lm[17:27].mean(0)
        places = {"eye": eye, "skin": (lm[2] + lm[31]) / 2 + (0, -0.1 * iod),
                  "hair": brow + (0.6 * iod, -1.1 * iod)}
        side = int(min(240, max(96, 1.2 * iod)))
        rows = []
        for place, (cx, cy) in places.items():
            x0 = int(np.clip(cx - side / 2, 0, W - side))
            y0 = int(np.clip(cy - side / 2, 0, H - side))
            rows.append(np.concatenate([_label((img[y0:y0 + side, x0:x0 + side] * 255).round().astype(np.uint8),
                                               f"{place}: {label}" if i == 0 else label)
                                        for i, (label, img) in enumerate(outs)], 1))
        _save(IMG / f"finish_crops_{Path(name).stem}.png", np.concatenate(rows, 0))


def crops8k() -> None:
    """A 443 px real photo to 8K (contain, 9.8x): 1:1 crops of the eye, Pillow Lanczos vs classical vs learned."""
    from candid.finish import upscale_report
    from candid.finish._landmarks import dlib_landmarks
    from candid.imageio import read_image

    path = REAL / "people" / "yangmi" / "yangmi_1.jpg"
    if not path.exists():
        print(f"skipping: {path} not found")
        return
    src = read_image(path).pixels
    lm = dlib_landmarks(src)
    outs = []
    for label, kw in (("classical", dict(backend="classical")), ("learned (default)", {})):
        t = time.perf_counter()
        big, used, notes = upscale_report(src, "8k", fit="contain", seed=0, tile=512, **kw)
        print(f"{label}: {big.shape[1]}x{big.shape[0]} in {time.perf_counter() - t:.1f} s; {notes[0]}")
        outs.append((f"candid {label}, 1:1 at 8K", big))
    s_ = outs[0][1].shape[0] / src.shape[0]
    outs.insert(0, ("Pillow Lanczos, 1:1 at 8K", _lanczos(src, outs[0][1].shape[1::-1])))
    rows = []
    for place, (cx, cy) in {"eye": lm[36:42].mean(0), "mouth": lm[48:68].mean(0)}.items():
        w, h = 420, 300
        x0, y0 = int(cx * s_ - w / 2), int(cy * s_ - h / 2)
        rows.append(np.concatenate([_label((img[y0:y0 + h, x0:x0 + w] * 255).round().astype(np.uint8), label)
                                    for label, img in outs], 1))
    _save(IMG / "finish_8k_real.png", np.concatenate(rows, 0))


def speed() -> None:
    """1080x1920 -> 4320x7680 JPEG: Pillow Lanczos + unsharp + save vs candid classical vs candid learned."""
    from PIL import Image, ImageFilter

    from candid.finish import finish_to_file

    src = WORK / "in1080x1920.jpg"
    WORK.mkdir(parents=True, exist_ok=True)
    photo = REAL / "portraits" / "pengwei.jpg"
    if photo.exists():
        im = Image.open(photo).convert("RGB").resize((1080, 1440), Image.LANCZOS)
        canvas = Image.new("RGB", (1080, 1920), (128, 128, 128))
        canvas.paste(im, (0, 240))
    else:
        from skimage import data

        canvas = Image.fromarray(data.astronaut()).resize((1080, 1920), Image.LANCZOS)
    canvas.save(src, quality=95)

    def pil() -> None:
        im = Image.open(src).convert("RGB").resize((4320, 7680), Image.LANCZOS)
        im.filter(ImageFilter.UnsharpMask(radius=2, percent=80, threshold=2)).save(WORK / "pil.jpg", quality=95)

    runs = {"Pillow Lanczos + unsharp + save": "pil", "candid classical (finish_to_file)": "classical",
            "candid learned (finish_to_file)": "learned"}
    times: dict[str, list[tuple[float, float]]] = {}
    for rep in range(2):  # interleaved, twice, each a fresh process: the machine is shared
        for name, kind in runs.items():
            if rep and kind == "learned":
                continue
            r = subprocess.run([sys.executable, __file__, "_speed", kind, str(src)], capture_output=True, text=True,
                               check=True)
            wall, cpu = json.loads(r.stdout.strip().splitlines()[-1])
            times.setdefault(name, []).append((wall, cpu))
            print(f"{name}: wall {wall:.1f} s, CPU {cpu:.1f} s", flush=True)
    ref_w = [w for w, _ in times["Pillow Lanczos + unsharp + save"]]
    ref_c = [c for _, c in times["Pillow Lanczos + unsharp + save"]]
    print("| method | wall (s) per run | CPU (s) per run | wall vs Pillow, same round | CPU vs Pillow |")
    print("|---|---|---|---|---|")
    for name, ts in times.items():
        print(f"| {name} | {' / '.join(f'{w:.1f}' for w, _ in ts)} | {' / '.join(f'{c:.1f}' for _, c in ts)} | "
              f"{' / '.join(f'{w / ref_w[i]:.2f}x' for i, (w, _) in enumerate(ts))} | "
              f"{' / '.join(f'{c / ref_c[i]:.2f}x' for i, (_, c) in enumerate(ts))} |")


def _speed_child(kind: str, src: str) -> None:
    t, c = time.perf_counter(), time.process_time()
    if kind == "pil":
        from PIL import Image, ImageFilter

        im = Image.open(src).convert("RGB").resize((4320, 7680), Image.LANCZOS)
        im.filter(ImageFilter.UnsharpMask(radius=2, percent=80, threshold=2)).save(WORK / "pil.jpg", quality=95)
    else:
        from candid.finish import finish_to_file

        finish_to_file(src, WORK / f"{kind}.jpg", "8k", backend=kind)
    print(json.dumps([time.perf_counter() - t, time.process_time() - c]))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "_child":
        _child(*sys.argv[2:5])
    elif len(sys.argv) >= 2 and sys.argv[1] == "_speed":
        _speed_child(*sys.argv[2:4])
    elif len(sys.argv) >= 2 and sys.argv[1] in ("bench", "pictures", "learned", "gain", "crops", "crops8k", "speed"):
        {"bench": bench, "pictures": pictures, "learned": learned, "gain": gain, "crops": crops,
         "crops8k": crops8k, "speed": speed}[sys.argv[1]]()
    else:
        print(__doc__)
        sys.exit(2)
