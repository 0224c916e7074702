"""Benchmark `candid.finish` to 8K and write the docs pictures.

Usage::

    .venv/bin/python bench/bench_finish.py bench       # time + peak RSS to 8K, candid vs plain PIL/OpenCV resize
    .venv/bin/python bench/bench_finish.py pictures    # docs/img/finish_*.png (1:1 crops)
    .venv/bin/python bench/bench_finish.py learned     # Real-ESRGAN x4plus baseline crop (slow on CPU; needs candid[learned])
    .venv/bin/python bench/bench_finish.py gain        # 4x round trip on real portraits: PSNR per backend vs Pillow Lanczos
    .venv/bin/python bench/bench_finish.py crops       # docs/img/finish_crops_*.png: eyes, hair, skin at 1:1
    .venv/bin/python bench/bench_finish.py crops8k     # docs/img/finish_8k_real.png: a 443 px photo at 8K, 1:1
    .venv/bin/python bench/bench_finish.py speed [ROUNDS] [--no-learned]  # 1080x1920 -> 4320x7680 JPEG vs Pillow
    .venv/bin/python bench/bench_finish.py make8k      # `candid make PHOTO --size 8k` from a 1024x1024 photo: wall, CPU, per stage
    .venv/bin/python bench/bench_finish.py edges [--only yangmi_3,rihanna]  # chips at studio hair edges, 4k,
                                                       # without / with the matte; docs/img/finish_edge_*.png
    .venv/bin/python bench/bench_finish.py saved [--only yangmi_3,rihanna]  # the same on headshots SAVED by
                                                       # `candid make` (JPEG + NAME.matte.png), then
                                                       # `candid finish FILE --size 4k`: no matte vs the saved one;
                                                       # docs/img/finish_saved_matte_*.png

Every timed run is a fresh subprocess that reports its own ``ru_maxrss``, so
peak memory is measured, not estimated. Inputs: ``skimage.data.astronaut()``
(512x512) and a 2000x2000 image made from it (Lanczos, so it is smooth; it
is there for size, not content). The detail-transfer picture uses
``../shared/data/real/obama*.jpg`` when present and says so when it is not.
"""

from __future__ import annotations

import json
import os
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
    from candid.finish._landmarks import face_landmarks68
    from candid.imageio import read_image

    names = ["portraits/zcy.webp", "portraits/rihanna.webp"]
    for name in names:
        path = REAL / name
        if not path.exists():
            print(f"skipping {name}: not found")
            continue
        clean, small = _shrink4(read_image(path).pixels)
        H, W = clean.shape[:2]
        lm = face_landmarks68(clean)
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
    from candid.finish._landmarks import face_landmarks68
    from candid.imageio import read_image

    path = REAL / "people" / "yangmi" / "yangmi_1.jpg"
    if not path.exists():
        print(f"skipping: {path} not found")
        return
    src = read_image(path).pixels
    lm = face_landmarks68(src)
    outs = []
    for label, kw in (("classical", dict(backend="classical")), ("learned (default)", {})):
        t = time.perf_counter()
        big, used, notes = upscale_report(src, "8k", fit="contain", seed=0, tile=256, overlap=16, tile_w=1024, **kw)
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
    from PIL import Image

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

    runs = {"Pillow Lanczos + unsharp + save": "pil", "candid classical (finish_to_file)": "classical",
            "candid learned (finish_to_file)": "learned"}
    times: dict[str, list[tuple[float, float]]] = {}
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with_learned = "--no-learned" not in sys.argv
    for rep in range(rounds):  # interleaved, each a fresh process: the machine is shared
        for name, kind in runs.items():
            if kind == "learned" and (rep or not with_learned):
                continue
            r = subprocess.run([sys.executable, __file__, "_speed", kind, str(src)], capture_output=True, text=True,
                               check=True)
            wall, cpu = json.loads(r.stdout.strip().splitlines()[-1])
            times.setdefault(name, []).append((wall, cpu))
            print(f"{name}: wall {wall:.1f} s, CPU {cpu:.1f} s (load average {os.getloadavg()[0]:.1f})", flush=True)
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


def make8k() -> None:
    """``candid make --size 8k`` end to end from a 1024x1024 photo, in fresh processes: wall and CPU, per stage.

    The photo is ``real/people/scarlett/scarlett_1.jpg`` (1024x1024) when the data folder is there, else the
    astronaut enlarged to 1024x1024. Each run is a fresh ``python -m candid make`` process (imports included)
    timed by its parent (wall) and ``RUSAGE_CHILDREN`` (user + system CPU of the child and its threads);
    a second, in-process run with the recipe stages timed says where the time goes.
    """
    import resource

    photo = REAL / "people" / "scarlett" / "scarlett_1.jpg"
    WORK.mkdir(parents=True, exist_ok=True)
    if not photo.exists():
        from PIL import Image
        from skimage import data

        photo = WORK / "astronaut1024.png"
        Image.fromarray(data.astronaut()).resize((1024, 1024), Image.LANCZOS).save(photo)
    out = WORK / "make8k.jpg"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    for i in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "candid", "make", str(photo), "--size", "8k", "-o", str(out)],
                       check=True, capture_output=True)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        load = os.getloadavg()[0]
        print(f"candid make --size 8k ({photo.name}): wall {wall:.1f} s, CPU {cpu:.1f} s "
              f"(user {after.ru_utime - before.ru_utime:.1f} + sys {after.ru_stime - before.ru_stime:.1f}), "
              f"peak RSS {after.ru_maxrss / 1024:.0f} MB, load average {load:.1f}", flush=True)
    r = subprocess.run([sys.executable, __file__, "_make8k_stages", str(photo), str(out)], check=True,
                       capture_output=True, text=True)
    print(r.stdout.strip().splitlines()[-1])


def _make8k_stages(photo: str, out: str) -> None:
    """In-process ``candid make --size 8k`` with each recipe stage and the labelled write timed (CPU s)."""
    import candid.recipes as R
    from candid.cli import main

    spent: dict[str, float] = {}
    resolve = R.resolve_stage

    def timed(name):
        import functools

        fn = resolve(name)

        @functools.wraps(fn)
        def run(*a, **k):
            c = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - c
        return run

    R.resolve_stage = timed
    import candid.cli.make as C

    write = C.write_output

    def timed_write(*a, **k):
        c = time.process_time()
        try:
            return write(*a, **k)
        finally:
            spent["labelled write"] = time.process_time() - c
    C.write_output = timed_write
    c, t = time.process_time(), time.perf_counter()
    try:
        main(["make", photo, "--size", "8k", "-o", out])
    except SystemExit:
        pass
    total = time.process_time() - c
    parts = ", ".join(f"{k} {v:.1f}" for k, v in spent.items())
    print(json.dumps(f"in-process: CPU {total:.1f} s (wall {time.perf_counter() - t:.1f} s); by stage, CPU s: "
                     f"{parts}; the rest (imports, reading, planning) {total - sum(spent.values()):.1f}"))


def _inputs() -> dict[str, Path]:
    from PIL import Image
    from skimage import data

    WORK.mkdir(parents=True, exist_ok=True)
    a = Image.fromarray(data.astronaut())
    paths = {"astronaut 512x512": WORK / "astro512.png", "2000x2000": WORK / "img2000.png"}
    if not paths["astronaut 512x512"].exists():
        a.save(paths["astronaut 512x512"])
    if not paths["2000x2000"].exists():
        a.resize((2000, 2000), Image.LANCZOS).save(paths["2000x2000"])
    return paths


def _child(kind: str, src: str, out: str) -> None:
    t = time.perf_counter()
    if kind.startswith("candid"):
        from candid.finish import finish_to_file

        bits = 16 if kind.endswith("16") else 8
        finish_to_file(src, out, "8k", fit="crop", bit_depth=bits)
    elif kind == "pil-bicubic" or kind == "pil-lanczos":
        from PIL import Image

        im = Image.open(src).convert("RGB")
        s = max(7680 / im.width, 4320 / im.height)
        w, h = round(im.width * s), round(im.height * s)
        im = im.resize((w, h), Image.BICUBIC if kind == "pil-bicubic" else Image.LANCZOS)
        im = im.crop(((w - 7680) // 2, (h - 4320) // 2, (w - 7680) // 2 + 7680, (h - 4320) // 2 + 4320))
        im.save(out, quality=95)
    elif kind == "opencv-lanczos":
        import cv2

        im = cv2.imread(src)
        s = max(7680 / im.shape[1], 4320 / im.shape[0])
        w, h = round(im.shape[1] * s), round(im.shape[0] * s)
        im = cv2.resize(im, (w, h), interpolation=cv2.INTER_LANCZOS4)
        y, x = (h - 4320) // 2, (w - 7680) // 2
        cv2.imwrite(out, im[y:y + 4320, x:x + 7680], [cv2.IMWRITE_JPEG_QUALITY, 95])
    elif kind == "import-only":
        import candid.finish  # noqa: F401
    seconds = time.perf_counter() - t
    print(json.dumps({"seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def _run(kind: str, src: Path, out: Path) -> dict:
    r = subprocess.run([sys.executable, __file__, "_child", kind, str(src), str(out)], capture_output=True,
                       text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def bench() -> None:
    rows = []
    base = _run("import-only", WORK, WORK / "none")
    for name, src in _inputs().items():
        for kind in ("pil-bicubic", "pil-lanczos", "opencv-lanczos", "candid", "candid-tif16"):
            out = WORK / f"{src.stem}-{kind}.{'tif' if kind.endswith('16') else 'jpg'}"
            res = _run(kind, src, out)
            rows.append((name, kind, res["seconds"], res["peak_rss_mb"]))
            print(f"{name:20s} {kind:16s} {res['seconds']:7.2f} s  peak RSS {res['peak_rss_mb']:7.1f} MB", flush=True)
    print(f"(python + candid.finish imports alone: {base['peak_rss_mb']:.0f} MB)")
    print()
    print("| input | method | time (s) | peak RSS (MB) | time vs PIL bicubic |")
    print("|---|---|---|---|---|")
    for name, kind, sec, rss in rows:
        ref = next(s for n, k, s, _ in rows if n == name and k == "pil-bicubic")
        print(f"| {name} | {kind} | {sec:.1f} | {rss:.0f} | {sec / ref:.1f}x |")
    print(f"\nmachine: {platform.machine()}, {__import__('os').cpu_count()} cores, no GPU, "
          f"python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")


def _save(path: Path, arr: np.ndarray) -> None:
    from PIL import Image

    IMG.mkdir(parents=True, exist_ok=True)
    u8 = arr if arr.dtype == np.uint8 else np.clip(np.rint(arr * 255), 0, 255).astype(np.uint8)
    Image.fromarray(u8).save(path, optimize=True)
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:.2f} MB)")


def _label(arr: np.ndarray, text: str) -> np.ndarray:
    import cv2

    out = np.ascontiguousarray(arr.copy())
    cv2.rectangle(out, (0, 0), (12 + 11 * len(text), 26), (0, 0, 0), -1)
    cv2.putText(out, text, (6, 19), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (255, 255, 255), 1, cv2.LINE_AA)
    return out


def pictures() -> None:
    import pyvips
    from PIL import Image
    from skimage import data

    from candid.finish import finish_to_file

    a = data.astronaut()
    # 8K frame, face kept whole (pad): the face is magnified 4320/512 = 8.44x
    out = WORK / "astro-8k-candid.png"
    WORK.mkdir(parents=True, exist_ok=True)
    finish_to_file(a.astype(np.float32) / 255, out, "8k", fit="pad")
    cand = pyvips.Image.new_from_file(str(out))
    s, ox = 4320 / 512, (7680 - 4320) // 2
    bic = np.asarray(Image.fromarray(a).resize((4320, 4320), Image.BICUBIC))
    crops = {"eye": (205, 101), "skin": (190, 135)}
    for name, (cx, cy) in crops.items():
        w, h = 480, 360
        X, Y = int(ox + cx * s) - w // 2, int(cy * s) - h // 2
        c = cand.crop(X, Y, w, h).numpy()
        b = bic[Y:Y + h, X - ox:X - ox + w]
        _save(IMG / f"finish_8k_{name}.png", np.concatenate(
            [_label(b, "PIL bicubic, 1:1 at 8K"), _label(c, "candid classical, 1:1 at 8K")], 1))
    _detail_picture()


def _detail_picture() -> None:
    """Real cross-photo detail transfer: obama.jpg at 1/4 size, back to full size, detail from obama2/3."""
    import cv2

    from candid.finish import upscale
    from candid.finish._landmarks import face_landmarks68
    from candid.finish._ops import _blur, luma
    from candid.imageio import read_image

    files = [REAL / n for n in ("obama.jpg", "obama2.jpg", "obama3.jpg")]
    if not all(f.exists() for f in files):
        print(f"skipping the detail-transfer picture: {REAL} not found")
        return
    truth, *refs = [read_image(f).pixels for f in files]
    lm = face_landmarks68(truth)
    ref_lm = [face_landmarks68(r) for r in refs]
    h, w = truth.shape[:2]
    src = cv2.resize(truth, (w // 4, h // 4), interpolation=cv2.INTER_AREA)
    src_lm = (lm + 0.5) * (src.shape[1] / w) - 0.5
    dists: dict[str, float] = {}
    check = None
    try:  # the identity hook, fed with dlib 128-D embedding distance to the real photo
        from candid.face.detect import identity_distance, identity_embedding

        e_truth = identity_embedding(truth, lm)

        def check(img: np.ndarray) -> float:
            d = identity_distance(e_truth, identity_embedding(img, face_landmarks68(img)))
            dists[len(dists)] = d
            return d
    except ImportError:
        print("candid.face not available: identity distances skipped")
    kw = dict(noise=False, sharpen="none", identity_check=check)
    bicubic = cv2.resize(src, (w, h), interpolation=cv2.INTER_CUBIC).clip(0, 1)
    if check:
        print(f"obama x4 bicubic (cv2)        : identity distance to the real photo {check(bicubic):.3f}")
    classical = upscale(src, (w, h), backend="classical", **kw)
    detail = upscale(src, (w, h), landmarks=src_lm, references=refs, reference_landmarks=ref_lm, **kw)
    if check:
        print(f"obama x4 classical / detail   : identity distance {dists[1]:.3f} / {dists[2]:.3f}")
    x0, y0 = lm.min(0).astype(int)
    x1, y1 = lm.max(0).astype(int)

    def band(x):
        y = luma(x)
        return (_blur(y, 0.6) - _blur(y, 2.4))[y0:y1, x0:x1]

    t = band(truth)
    for name, img in (("classical", classical), ("detail-transfer", detail)):
        c = np.corrcoef(t.ravel(), band(img).ravel())[0, 1]
        e = np.abs(img - truth)[y0:y1, x0:x1].mean()
        print(f"obama x4 {name:16s}: fine-band correlation with the real photo {c:.3f}, face MAE {e:.4f}")
    cx, cy = lm[36:48].mean(0).astype(int)
    ys, xs = slice(cy - 110, cy + 170), slice(cx - 190, cx + 190)
    panel = [_label((x[ys, xs] * 255).round().astype(np.uint8), t_) for x, t_ in
             ((classical, "x4 classical"), (detail, "x4 detail from 2 other photos"), (truth, "the real photo"))]
    _save(IMG / "finish_detail_transfer.png", np.concatenate(panel, 1))


def learned() -> None:
    from PIL import Image
    from skimage import data

    from candid.finish import learned_upscale_x4, upscale

    a = data.astronaut().astype(np.float32) / 255
    crop = a[69:133, 173:237]  # 64x64 around the eye
    t = time.perf_counter()
    x4 = learned_upscale_x4(crop, tile=64)
    sec = time.perf_counter() - t
    print(f"Real-ESRGAN x4plus, 64x64 -> 256x256 on CPU (llvmpipe): {sec:.1f} s")
    size = (round(64 * 4320 / 512),) * 2
    esr = np.asarray(Image.fromarray((x4 * 255).round().astype(np.uint8)).resize(size, Image.LANCZOS)) / 255.0
    cand = upscale(crop, size, seed=0)
    bic = np.asarray(Image.fromarray((crop * 255).round().astype(np.uint8)).resize(size, Image.BICUBIC)) / 255.0
    panel = [_label((x * 255).round().astype(np.uint8), t_) for x, t_ in
             ((bic, "bicubic"), (esr, "Real-ESRGAN x4plus"), (cand, "candid classical"))]
    _save(IMG / "finish_learned_eye.png", np.concatenate(panel, 1))


#: Studio headshots whose hair edges are checked by ``edges`` (the learned backend runs on each: <= 640x960).
EDGE_PHOTOS = ("yangmi_3", "yangmi_4", "yangmi_6", "rihanna", "scarlett_2", "hinton", "lecun")


def _chip_map(out: np.ndarray, ref: np.ndarray, radius: int = 2) -> np.ndarray:
    """Per pixel, how far ``out`` steps beyond the local min/max (``radius`` px) of ``ref`` (any channel)."""
    import cv2

    k = np.ones((2 * radius + 1, 2 * radius + 1), np.uint8)
    return np.maximum(out - cv2.dilate(ref, k), cv2.erode(ref, k) - out).max(-1).clip(0)


def _engine_output(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The linkedin headshot at the studio engine's size and its matte (cached in bench/results/finish)."""
    from candid.engines.studio.recipe import studio_recipe
    from candid.imageio import read_image
    from candid.portrait import Portrait
    from candid.recipes import run_recipe

    # The cache is keyed on the engine's source: a headshot made by older studio code gave stale rows once.
    key = _engine_source_digest()
    cache = WORK / f"edge_{name}.npz"
    if cache.exists():
        z = np.load(cache)
        if "engine" in z.files and str(z["engine"]) == key:
            return z["pixels"], z["matte"]
    path = next(p for p in PORTRAITS if p.stem == name)
    recipe = studio_recipe("linkedin", size="none", face=1, seed=0)
    steps = [s for s in recipe.steps if s.stage != "inspect"]
    out = run_recipe(recipe.model_copy(update={"steps": steps}), Portrait(read_image(path).pixels, source=path.name))
    WORK.mkdir(parents=True, exist_ok=True)
    np.savez(cache, pixels=out.pixels, matte=out.matte, engine=np.array(key))
    return out.pixels, out.matte


def _engine_source_digest() -> str:
    """SHA-256 over the source of everything that makes a studio headshot (engine, face stack, recipes)."""
    import hashlib

    import candid

    root = Path(candid.__file__).parent
    digest = hashlib.sha256()
    for path in sorted([*root.glob("engines/studio/*.py"), *root.glob("face/**/*.py"), root / "recipes.py"]):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _edge_strip(tiles: list[np.ndarray], labels: list[str], zoom: int) -> np.ndarray:
    import cv2

    big = [_label(cv2.resize(np.clip(np.rint(t * 255), 0, 255).astype(np.uint8), None, fx=zoom, fy=zoom,
                             interpolation=cv2.INTER_NEAREST), lab) for t, lab in zip(tiles, labels)]
    gap = np.full((big[0].shape[0], 6, 3), 255, np.uint8)
    return np.concatenate(sum(([b, gap] for b in big), [])[:-1], axis=1)


def _edge_chips(name: str, img: np.ndarray, before: np.ndarray, after: np.ndarray, ref: np.ndarray,
                matte: np.ndarray) -> tuple[np.ndarray, str]:
    """Chips along the matte's soft edge before/after: the before's chip map in that band, and one table row.

    The row: source and output width, the band's share, chips over 0.06 and 0.10 before/after, their maxima,
    and the largest change where the matte is opaque (the face kept)."""
    import cv2

    from candid.finish import matte_edge_trust

    H, W = after.shape[:2]
    trust = cv2.resize(matte_edge_trust(matte), (W, H), interpolation=cv2.INTER_LINEAR)
    band = trust < 1
    inner = cv2.erode((trust >= 1).astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    chips_before = _chip_map(before, ref)
    cb, ca = chips_before[band], _chip_map(after, ref)[band]
    kept = float(np.abs(before - after)[inner].max()) if inner.any() else float("nan")
    row = (f"{name:12s} {img.shape[1]:4d} -> {W:4d}  {band.mean():6.1%}   {(cb > 0.06).sum():6d} / "
           f"{(ca > 0.06).sum():<6d}           {(cb > 0.1).sum():5d} / {(ca > 0.1).sum():<5d}       "
           f"{cb.max():.3f} / {ca.max():.3f}      {kept:.1e}")
    return np.where(band, chips_before, 0), row


def edges() -> None:
    """Chips along studio hair edges at 4k: the learned finish without the matte (as before) and with it.

    Per photo: the engine's headshot and matte, finished to ``4k`` (``contain``, defaults) both ways; chips
    = steps beyond the 5x5 min/max of Pillow's Lanczos enlargement, counted in the band within 4 source px
    of the matte's soft pixels; ``face kept`` = largest difference where the learned detail is fully
    trusted (should be 0). Writes docs/img/finish_edge_yangmi_3.png, finish_edge_others.png and
    finish_edge_synthetic.png.
    """
    import cv2

    from candid.finish import upscale

    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else list(EDGE_PHOTOS)
    worst = {}
    print("photo        size -> 4k   band px   chips>0.06 before/after   >0.10 before/after   max before/after   "
          "face kept")
    for name in only:
        img, matte = _engine_output(name)
        kw = dict(fit="contain", tile=256, overlap=16, seed=0)
        before = upscale(img, "4k", **kw)
        after = upscale(img, "4k", matte=matte, **kw)
        H, W = after.shape[:2]
        ref = _lanczos(img, (W, H))
        cmap, row = _edge_chips(name, img, before, after, ref, matte)
        print(row, flush=True)
        worst[name] = (ref, before, after, np.unravel_index(int(np.argmax(cmap)), cmap.shape))
    labels = ["Lanczos", "finish before", "finish now"]

    def crop(arrs, cy, cx, half):
        H, W = arrs[0].shape[:2]
        y0, x0 = int(np.clip(cy - half, 0, H - 2 * half)), int(np.clip(cx - half, 0, W - 2 * half))
        return [a[y0:y0 + 2 * half, x0:x0 + 2 * half] for a in arrs]

    if "yangmi_3" in worst:
        ref, before, after, _ = worst["yangmi_3"]
        s = after.shape[0] / 446
        rows = [_edge_strip(crop([ref, before, after], int(y * s), int(x * s), 65), labels, 2)
                for (x, y) in ((175, 25), (404, 200))]
        _save(IMG / "finish_edge_yangmi_3.png", np.concatenate([rows[0], np.full((6, rows[0].shape[1], 3), 255,
                                                                                   np.uint8), rows[1]]))
    others = [n for n in worst if n != "yangmi_3"][:3]
    if others:
        rows = []
        for n in others:
            ref, before, after, (cy, cx) = worst[n]
            rows += [_edge_strip(crop([ref, before, after], cy, cx, 50), [f"{n}: {labels[0]}"] + labels[1:], 2),
                     np.full((6, 3 * 200 + 12, 3), 255, np.uint8)]
        _save(IMG / "finish_edge_others.png", np.concatenate(rows[:-1]))
    # the synthetic case of tests/test_finish.py (a soft disc of strands with light specks in its rim)
    sys.path.insert(0, str(ROOT / "tests"))
    from test_finish import soft_hair_disc

    img, alpha = soft_hair_disc()
    n = img.shape[0]
    before = upscale(img, (4 * n, 4 * n), backend="learned", noise=False)
    after = upscale(img, (4 * n, 4 * n), backend="learned", noise=False, matte=alpha)
    ref = _lanczos(img, (4 * n, 4 * n))
    _save(IMG / "finish_edge_synthetic.png", _edge_strip([ref[:160, 60:260], before[:160, 60:260],
                                                          after[:160, 60:260]], labels, 2))


#: Saved headshots checked by ``saved`` (issue 18's four).
SAVED_PHOTOS = ("yangmi_3", "yangmi_4", "rihanna", "lecun")


def saved() -> None:
    """Chips along the hair edge of headshots saved by ``candid make`` and finished later by ``candid finish``.

    Per photo: ``candid make PHOTO --style linkedin --size none -o NAME.jpg`` (the engine's size; writes
    NAME.jpg.matte.png beside it), then ``candid finish NAME.jpg --size 4k`` twice: with the saved matte
    ignored (``matte=None``, what a saved file got before) and as the CLI does it now (the saved matte).
    Chips as in ``edges``, in the band the saved matte marks. Writes docs/img/finish_saved_matte_<name>.png (the worst spot, 2x: Lanczos, before, now).
    """
    import cv2

    from candid.cli import main
    from candid.finish import finish_to_file, load_saved_matte
    from candid.imageio import read_image

    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else list(SAVED_PHOTOS)
    out = WORK / "saved"
    out.mkdir(parents=True, exist_ok=True)
    print("photo        saved -> 4k   band px   chips>0.06 before/after   >0.10 before/after   max before/after   "
          "face kept   note")
    for name in only:
        photo = next(p for p in PORTRAITS if p.stem == name)
        head = out / f"{name}.jpg"
        if not head.exists() or not (out / f"{name}.jpg.matte.png").exists():
            assert main(["make", str(photo), "--style", "linkedin", "--size", "none", "-o", str(head)]) == 0
        got = load_saved_matte(head)
        assert got.matte is not None, got.note
        kw = dict(fit="contain", seed=0)
        before = finish_to_file(head, out / f"{name}-4k-before.png", "4k", matte=None, **kw)
        after = finish_to_file(head, out / f"{name}-4k-after.png", "4k", **kw)
        img = read_image(head).pixels
        b, a = read_image(before.path).pixels, read_image(after.path).pixels
        H, W = a.shape[:2]
        ref = _lanczos(img, (W, H))
        cmap, row = _edge_chips(name, img, b, a, ref, got.matte)
        print(f"{row}   {after.matte_note}", flush=True)
        cy, cx = np.unravel_index(int(np.argmax(cmap)), cmap.shape)
        half = 60
        y0, x0 = int(np.clip(cy - half, 0, H - 2 * half)), int(np.clip(cx - half, 0, W - 2 * half))
        tiles = [t[y0:y0 + 2 * half, x0:x0 + 2 * half] for t in (ref, b, a)]
        _save(IMG / f"finish_saved_matte_{name}.png",
              _edge_strip(tiles, [f"{name}: Lanczos", "saved, no matte", "saved matte used"], 2))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "_child":
        _child(*sys.argv[2:5])
    elif len(sys.argv) >= 2 and sys.argv[1] == "_speed":
        _speed_child(*sys.argv[2:4])
    elif len(sys.argv) >= 2 and sys.argv[1] == "_make8k_stages":
        _make8k_stages(*sys.argv[2:4])
    elif len(sys.argv) >= 2 and sys.argv[1] in ("bench", "pictures", "learned", "gain", "crops", "crops8k", "speed", "make8k",
                                                "edges", "saved"):
        {"bench": bench, "pictures": pictures, "learned": learned, "gain": gain, "crops": crops,
         "crops8k": crops8k, "speed": speed, "make8k": make8k, "edges": edges, "saved": saved}[sys.argv[1]]()
    else:
        print(__doc__)
        sys.exit(2)
