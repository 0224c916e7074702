"""Benchmark `candid look` at 8K and write the docs pictures.

Usage::

    .venv/bin/python bench/bench_looks.py bench      # time + peak memory at 7680x4320 (each run in a subprocess)
    .venv/bin/python bench/bench_looks.py stream     # candid look (portra, tri-x, glitch) vs a streamed pyvips
                                                     # curve + noise baseline, interleaved, 2 rounds
    .venv/bin/python bench/bench_looks.py stages     # CPU and memory of each step of the streamed look
    .venv/bin/python bench/bench_looks.py pictures   # docs/img/looks_contact_sheet.png, docs/img/looks_8k_crop_*.png

The 8K input is skimage.data.astronaut() upscaled (top 512x288 region, cubic)
to 7680x4320 -- a plain resize, so it has no real 8K detail; it is there to
show grain and halation at true 8K pixel scale.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"


def astronaut_8k() -> np.ndarray:
    import skimage.data

    a = skimage.data.astronaut().astype(np.float32) / 255
    crop = np.ascontiguousarray(a[:288])  # 512x288 = 16:9, keeps the face
    big = cv2.resize(crop, (7680, 4320), interpolation=cv2.INTER_CUBIC)
    return np.clip(big, 0, 1, out=big)


def naive_grain(img: np.ndarray, sigma: float = 0.04, seed: int = 0) -> np.ndarray:
    """What a user would do instead: uniform Gaussian noise, same at every size."""
    rng = np.random.default_rng(seed)
    return np.clip(img + rng.standard_normal(img.shape, dtype=np.float32) * np.float32(sigma), 0, 1)


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS counter (VmHWM) so the peak covers only what follows."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _vm(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return -1


def _child(which: str, out_path: str) -> None:
    """One measurement in a fresh process; peak RSS is reset after the input is built."""
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    if which in CLI_CASES:
        from candid.cli import main

        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        rss_before = _vm("VmRSS")
        _reset_peak()
        t = time.perf_counter()
        rc = main(["look", str(BENCH_IN), *CLI_CASES[which], "--seed", "1", "--out", out_path])
        assert rc == 0
    elif which == "vips":
        import pyvips  # noqa: F401  (imported before the clock starts, as the CLI imports candid)

        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        rss_before = _vm("VmRSS")
        _reset_peak()
        t = time.perf_counter()
        vips_curve_noise(BENCH_IN, out_path)
    else:
        img = astronaut_8k()
        import gc

        gc.collect()
        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        rss_before = _vm("VmRSS")
        _reset_peak()
        t = time.perf_counter()
        if which == "naive":
            out = naive_grain(img)
        else:
            from candid.looks import apply_look

            out = apply_look(img, which, seed=1)
        assert out.shape == img.shape
    dt = time.perf_counter() - t
    ru = resource.getrusage(resource.RUSAGE_SELF)
    cpu = ru.ru_utime + ru.ru_stime - ru0.ru_utime - ru0.ru_stime
    print(json.dumps({"which": which, "wall_s": round(dt, 2), "cpu_s": round(cpu, 2),
                      "peak_rss_mb": _vm("VmHWM"), "rss_before_mb": rss_before}))


# one input per bench run (children inherit it), so two runs at once do not delete each other's input
BENCH_IN = Path(os.environ.setdefault("CANDID_BENCH_LOOKS_IN", f"/tmp/candid_bench_8k_in_{os.getpid()}.png"))

#: ``candid look`` runs of the 8K benchmark (arguments after the input).
CLI_CASES = {
    "cli": ["--stock", "portra-400"],
    "cli-tri-x": ["--stock", "tri-x-400"],
    "cli-glitch": ["--stock", "portra-400", "--glitch", "0.5"],
}


def vips_curve_noise(src, dst) -> None:
    """The streamed baseline: a pyvips tone-curve LUT plus blurred Gaussian noise, PNG in and out.

    What a careful user would write with libvips: decode, ``maplut`` through
    an S-shaped curve, add grain-sized noise (sigma 1.5 px blur), encode, all
    streamed by libvips on every core.
    """
    import pyvips

    x = np.linspace(0, 1, 256)
    curve = np.clip(255 * (x + 0.15 * np.sin(2 * np.pi * x) * (1 - x) * x * 4 / 2), 0, 255)
    lut = pyvips.Image.new_from_array(curve.reshape(1, 256).astype(np.uint8).tolist()).cast("uchar")
    image = pyvips.Image.new_from_file(str(src), access="sequential")
    graded = image.maplut(lut)
    # mean=0: gaussnoise's default mean is 128, which (x3) clipped every pixel to white -- a blank image that
    # PNG compresses to 100 KB, i.e. a baseline that skipped the encoder's real work
    noise = pyvips.Image.gaussnoise(image.width, image.height, sigma=8, mean=0, seed=1).gaussblur(1.5, precision="float")
    out = (graded + noise * 3).cast("uchar")
    out.pngsave(str(dst))


def bench(cases=("naive", "portra-400", "tri-x-400", "velvia-50", "cli")) -> list[dict]:
    from candid.imageio import write_image

    write_image(BENCH_IN, astronaut_8k())
    results = []
    for which in cases:
        r = subprocess.run([sys.executable, __file__, "_child", which, f"/tmp/candid_bench_look_{os.getpid()}.png"],
                           capture_output=True, text=True, check=True)
        line = [ln for ln in r.stdout.splitlines() if ln.startswith("{")][-1]
        results.append(json.loads(line))
        print(results[-1], flush=True)
    BENCH_IN.unlink(missing_ok=True)
    return results


def stages(stock: str = "portra-400") -> None:
    """CPU seconds and memory of each step of the streamed `candid look` at 8K, in this process."""
    import pyvips

    from candid.imageio import open_vips, write_image
    from candid.looks.stage import film_operation
    from candid.looks.stream import render_look
    from candid.provenance import dev_signer, label_array
    from candid.provenance.source import read_source

    write_image(BENCH_IN, astronaut_8k())
    clock = [time.process_time(), time.perf_counter()]

    def step(name: str) -> None:
        now, wall = time.process_time(), time.perf_counter()
        print(f"{name:28s} CPU {now - clock[0]:5.2f} s   wall {wall - clock[1]:5.2f} s   RSS {_vm('VmRSS')} MB   "
              f"peak {_vm('VmHWM')} MB", flush=True)
        clock[:] = [now, wall]

    pyvips.cache_set_max(0)
    _reset_peak()
    step("start")
    image, _ = open_vips(BENCH_IN)
    px = image.numpy()
    del image
    step("decode PNG")
    h, w = px.shape[:2]
    y0, x0 = (h - min(h, 2048)) // 2, (w - min(w, 2048)) // 2
    op = read_source(BENCH_IN, px[y0:y0 + 2048, x0:x0 + 2048].astype(np.float32) / 255).operation()
    step("input labels + watermark")
    render_look(px, stock, seed=1, out=px)
    step(f"render_look {stock}")
    label_array(px, f"/tmp/candid_stages_{os.getpid()}.png", [op, film_operation(stock=stock)])
    step("watermark + PNG encode")
    label_array(px, f"/tmp/candid_stages_{os.getpid()}.png", [op, film_operation(stock=stock)], signer=dev_signer())
    step("the same + C2PA signing")
    BENCH_IN.unlink(missing_ok=True)
    Path(f"/tmp/candid_stages_{os.getpid()}.png").unlink(missing_ok=True)


def bench_stream(rounds: int = 2) -> list[dict]:
    """The streamed pyvips baseline and the three ``candid look`` runs, interleaved, ``rounds`` times."""
    results = bench(["vips", "cli", "cli-tri-x", "cli-glitch"] * rounds)
    for which in ("cli", "cli-tri-x", "cli-glitch"):
        for i in range(rounds):
            base = [r for r in results if r["which"] == "vips"][i]
            mine = [r for r in results if r["which"] == which][i]
            print(f"round {i + 1} {which}: wall {mine['wall_s'] / base['wall_s']:.2f}x, "
                  f"CPU {mine['cpu_s'] / base['cpu_s']:.2f}x the pyvips baseline")
    return results


def _save(path: Path, img: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), cv2.cvtColor((np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8), cv2.COLOR_RGB2BGR),
                [cv2.IMWRITE_PNG_COMPRESSION, 9])


def _label(img: np.ndarray, text: str) -> np.ndarray:
    out = img.copy()
    out[-30:] = 0
    m = np.zeros(out.shape[:2], np.uint8)
    cv2.putText(m, text, (6, out.shape[0] - 6), cv2.FONT_HERSHEY_SIMPLEX, 0.75, 255, 2, cv2.LINE_AA)
    out += (1 - out) * (m[..., None].astype(np.float32) / 255)
    return out


def pictures() -> None:
    import skimage.data

    from candid.looks import (apply_look, double_exposure, glitch, instant_frame, list_stocks)
    from candid.looks.instant import cover_resize

    a = skimage.data.astronaut().astype(np.float32) / 255
    tiles = [_label(a, "original")]
    for s in list_stocks():
        tiles.append(_label(apply_look(a, s, seed=1), s))
    tiles.append(_label(naive_grain(a), "naive gaussian noise"))
    tiles.append(_label(apply_look(a, "portra-800", light_leak=1.0, vignette=0.7, dust=1.5, seed=4), "portra-800 leak+dust"))
    tiles.append(_label(apply_look(a, "portra-400", light_leak=1.0, burn=True, seed=2), "portra-400 burn"))
    coffee = skimage.data.coffee().astype(np.float32) / 255
    tiles.append(_label(double_exposure(a, coffee, balance=0.55), "double exposure"))
    tiles.append(_label(glitch(a, seed=3), "glitch"))
    for fr in ("600", "sx-70", "go", "instax-mini", "instax-wide"):
        card = instant_frame(a, fr, caption="Eileen '95" if fr in ("600", "instax-mini") else None, seed=1)
        bg = np.full((512, 512, 3), 0.16, np.float32)
        s = 480 / max(card.shape[:2])
        c = cv2.resize(card, (round(card.shape[1] * s), round(card.shape[0] * s)), interpolation=cv2.INTER_AREA)
        y, x = (512 - c.shape[0]) // 2, (512 - c.shape[1]) // 2
        bg[y:y + c.shape[0], x:x + c.shape[1]] = c
        tiles.append(_label(bg, f"instant {fr}"))
    while len(tiles) % 6:
        tiles.append(np.full((512, 512, 3), 0.16, np.float32))
    small = [cv2.resize(t, (208, 208), interpolation=cv2.INTER_AREA) for t in tiles]
    rows = [np.concatenate(small[i:i + 6], 1) for i in range(0, len(small), 6)]
    _save(IMG / "looks_contact_sheet.png", np.concatenate(rows, 0))

    big = astronaut_8k()
    # 1:1 crops (600x400 px) at 8K: the eye/cheek, and the white shuttle against the dark backdrop
    face = (slice(1450, 1850), slice(2700, 3300))
    edge = (slice(2070, 2470), slice(5715, 6315))
    crops = [big[face], naive_grain(big[face])]
    names = ["8K input (plain resize)", "naive gaussian noise (sigma 0.04)"]
    for s, where in (("portra-400", face), ("tri-x-400", face), ("portra-400", edge), ("cinestill-800t", edge)):
        out = apply_look(big, s, seed=1)
        crops.append(out[where].copy())
        names.append(f"{s} ({'face' if where is face else 'highlight edge'})")
        del out
    labelled = [_label(c, n) for c, n in zip(crops, names)]
    sheet = np.concatenate([np.concatenate(labelled[i:i + 2], 1) for i in range(0, 6, 2)], 0)
    _save(IMG / "looks_8k_crop.png", sheet)


def halation_picture() -> None:
    """Synthetic night scene (2 MP = a 35 mm frame at 1920 x 1080): lamps and a lit window.

    The astronaut has no over-exposed light sources, so halation barely shows
    on it; this scene has them.
    """
    from candid.looks import apply_look

    h, w = 1080, 1920
    img = np.full((h, w, 3), 0.06, np.float32)
    img[:, :, 2] += 0.03
    cv2.rectangle(img, (300, 350), (700, 700), (1.0, 0.95, 0.8), -1)          # lit window
    cv2.rectangle(img, (490, 350), (510, 700), (0.05, 0.05, 0.06), -1)        # window bars
    cv2.rectangle(img, (300, 515), (700, 535), (0.05, 0.05, 0.06), -1)
    for x, y, r in ((1100, 300, 18), (1300, 300, 18), (1500, 300, 18), (1250, 800, 40)):
        cv2.circle(img, (x, y), r, (1.0, 0.98, 0.9), -1, cv2.LINE_AA)           # street lamps
    sign = np.zeros((h, w), np.uint8)
    cv2.putText(sign, "OPEN", (1050, 620), cv2.FONT_HERSHEY_SIMPLEX, 4.0, 255, 18, cv2.LINE_AA)
    a = (sign.astype(np.float32) / 255)[..., None]
    img = img * (1 - a) + np.float32([1.0, 0.45, 0.35]) * a                    # neon sign
    img = cv2.GaussianBlur(img, (0, 0), 1.0)
    crop = (slice(250, 850), slice(250, 1650))
    panels = [_label(img[crop], "synthetic night scene (input)")]
    for s in ("portra-400", "cinestill-800t"):
        panels.append(_label(apply_look(img, s, seed=1)[crop], f"{s} (35 mm, 1:1 at 1920x1080)"))
    _save(IMG / "looks_halation.png", np.concatenate(panels, 0))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        _child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) > 1 and sys.argv[1] == "pictures":
        halation_picture()
        pictures()
    elif len(sys.argv) > 1 and sys.argv[1] == "halation":
        halation_picture()
    elif len(sys.argv) > 1 and sys.argv[1] == "stages":
        stages(sys.argv[2] if len(sys.argv) > 2 else "portra-400")
    elif len(sys.argv) > 1 and sys.argv[1] == "stream":
        bench_stream(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    else:
        bench()
