"""Fuzz `read_image` and the web upload path with hypothesis (a benchmark, not run in CI).

Usage::

    nice -n 10 python bench/fuzz_imageio.py [--examples 14000] [--upload-examples 6000] [--out results.json]

Every example is a small valid image (JPEG, PNG, 16-bit PNG, TIFF, WebP, GIF,
HEIC, AVIF) mutated by one of: truncation, byte flips, a random run of bytes
written over the header, random bytes after the magic number, a random tail
(polyglot), a patched width/height field, or a duplicated chunk.

* ``read_image``: must return pixels in [0, 1] or raise a ``CandidError``;
  anything else (another exception, a non-finite pixel, more than 5 s) is a
  crash.
* web upload (``POST /api/uploads`` through FastAPI's TestClient): must answer
  200 or 4xx with a JSON ``error``, never 5xx, and never show a server path.

Hypothesis runs derandomized (same examples every run); failures are counted,
not shrunk, so the count covers every example. Results go to
``bench/results/fuzz_imageio.json`` and ``docs/SECURITY.md`` quotes them.
"""

from __future__ import annotations

import argparse
import io
import json
import struct
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np
import pyvips
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from candid.errors import CandidError
from candid.imageio import read_image


def _small(h: int = 24, w: int = 32) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w]
    return (np.dstack([x / w, y / h, (x + y) % 5 / 4]) * 255).astype(np.uint8)


def samples() -> dict[str, bytes]:
    """One small valid file per format candid reads."""
    from PIL import Image

    px = _small()
    out: dict[str, bytes] = {}
    for fmt, pil in (("jpeg", "JPEG"), ("png", "PNG"), ("webp", "WEBP"), ("gif", "GIF")):
        buf = io.BytesIO()
        Image.fromarray(px).save(buf, pil)
        out[fmt] = buf.getvalue()
    v = pyvips.Image.new_from_array(px, interpretation="srgb")
    out["tiff"] = v.tiffsave_buffer(compression="deflate")
    out["png16"] = pyvips.Image.new_from_array(px.astype(np.uint16) * 257, interpretation="rgb16").pngsave_buffer()
    try:
        import pillow_heif

        heif = pillow_heif.from_bytes(mode="RGB", size=(px.shape[1], px.shape[0]), data=px.tobytes())
        buf = io.BytesIO()
        heif.save(buf, quality=70)
        out["heic"] = buf.getvalue()
    except Exception:  # noqa: BLE001 - no HEVC encoder in this build
        pass
    try:
        out["avif"] = v.heifsave_buffer(compression="av1", Q=50)
    except pyvips.Error:
        pass
    return out


SAMPLES = samples()
FORMATS = sorted(SAMPLES)


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(SAMPLES[draw(st.sampled_from(FORMATS))])
    kind = draw(st.sampled_from(["truncate", "flip", "overwrite", "after_magic", "tail", "dims", "dup"]))
    n = len(data)
    if kind == "truncate":
        data = data[: draw(st.integers(0, n - 1))]
    elif kind == "flip":
        for _ in range(draw(st.integers(1, 16))):
            i = draw(st.integers(0, n - 1))
            data[i] ^= 1 << draw(st.integers(0, 7))
    elif kind == "overwrite":
        i = draw(st.integers(0, min(n - 1, 256)))
        chunk = draw(st.binary(min_size=1, max_size=32))
        data[i : i + len(chunk)] = chunk
    elif kind == "after_magic":
        data = data[:12] + bytearray(draw(st.binary(min_size=0, max_size=512)))
    elif kind == "tail":
        data += draw(st.binary(min_size=1, max_size=256))
    elif kind == "dims":  # a huge or zero width/height wherever a 16/32-bit field may sit
        i = draw(st.integers(0, min(n - 4, 200)))
        value = draw(st.sampled_from([0, 1, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 65500, 30000]))
        data[i : i + 4] = struct.pack(">I", value)
    else:  # duplicate a slice (repeated chunks/segments)
        a = draw(st.integers(0, n - 1))
        b = draw(st.integers(a, min(n, a + 128)))
        data = data[:b] + data[a:b] + data[b:]
    return bytes(data)


class Tally:
    def __init__(self, name: str):
        self.name, self.examples, self.ok, self.refused, self.crashes = name, 0, 0, 0, []
        self.slowest = 0.0

    def tick(self) -> None:
        self.examples += 1
        if self.examples % 1000 == 0:
            print(f"  {self.name}: {self.examples} examples, {len(self.crashes)} crashes", flush=True)

    def crash(self, data: bytes, why: str) -> None:
        if len(self.crashes) < 20:  # whole inputs (they are small) so a crash can be replayed
            self.crashes.append({"why": why[:400], "bytes_hex": data[:4096].hex(), "size": len(data)})
        else:
            self.crashes.append({"why": why[:120]})

    def to_dict(self) -> dict:
        return {"target": self.name, "examples": self.examples, "decoded_or_accepted": self.ok,
                "refused_cleanly": self.refused, "crashes": len(self.crashes),
                "slowest_seconds": round(self.slowest, 3), "crash_examples": self.crashes[:20]}


def fuzz_read_image(n: int, folder: Path) -> Tally:
    tally = Tally("read_image")
    path = folder / "f.img"

    @settings(max_examples=n, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(mutated())
    def run(data: bytes) -> None:
        tally.tick()
        path.write_bytes(data)
        t0 = time.perf_counter()
        try:
            img = read_image(path, max_pixels=4_000_000)
            if not (np.isfinite(img.pixels).all() and img.pixels.min() >= 0 and img.pixels.max() <= 1):
                tally.crash(data, "pixels outside [0, 1] or not finite")
            else:
                tally.ok += 1
        except CandidError:
            tally.refused += 1
        except Exception as exc:  # noqa: BLE001 - that is what we count
            tally.crash(data, f"{type(exc).__name__}: {exc} | {traceback.format_exc(limit=-2)}")
        dt = time.perf_counter() - t0
        tally.slowest = max(tally.slowest, dt)
        if dt > 5:
            tally.crash(data, f"took {dt:.1f} s")

    run()
    return tally


def fuzz_upload(n: int, folder: Path) -> Tally:
    from fastapi.testclient import TestClient

    from candid.web import create_app

    tally = Tally("web upload (POST /api/uploads)")
    app = create_app(folder / "library", folder / "data", workers=0, max_upload_bytes=2_000_000,
                     max_upload_pixels=4_000_000)
    secret = str(folder)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        client.headers["X-Candid-CSRF"] = client.get("/api/session").json()["csrf"]

        @settings(max_examples=n, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(mutated(), st.sampled_from(["photo.jpg", "../../etc/passwd", "a.png", "x" * 300, "é.heic"]))
        def run(data: bytes, name: str) -> None:
            tally.tick()
            t0 = time.perf_counter()
            try:
                r = client.post("/api/uploads", files={"file": (name, io.BytesIO(data), "image/jpeg")},
                                data={"purpose": "source"})
            except Exception as exc:  # noqa: BLE001
                tally.crash(data, f"{type(exc).__name__}: {exc}")
                return
            tally.slowest = max(tally.slowest, time.perf_counter() - t0)
            if r.status_code >= 500:
                tally.crash(data, f"HTTP {r.status_code}: {r.text[:200]}")
            elif secret in r.text or "/tmp/" in r.text:
                tally.crash(data, f"server path in the answer: {r.text[:200]}")
            elif r.status_code == 200:
                tally.ok += 1
                meta = r.json()
                for suffix in ("json", meta.get("format", "")):  # keep the data folder small
                    (folder / "data" / "uploads" / f"{meta['id']}.{suffix}").unlink(missing_ok=True)
            elif "error" in r.json():
                tally.refused += 1
            else:
                tally.crash(data, f"HTTP {r.status_code} without an error message")

        run()
    return tally


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=14000, help="read_image examples")
    ap.add_argument("--upload-examples", type=int, default=6000, help="web upload examples")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "fuzz_imageio.json")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    results = []
    with tempfile.TemporaryDirectory(prefix="candid-fuzz-") as tmp:
        for fn, n in ((fuzz_read_image, args.examples), (fuzz_upload, args.upload_examples)):
            if n <= 0:
                continue
            t = time.perf_counter()
            tally = fn(n, Path(tmp))
            results.append({**tally.to_dict(), "seconds": round(time.perf_counter() - t, 1)})
            print(json.dumps({k: v for k, v in results[-1].items() if k != "crash_examples"}), flush=True)
    report = {"formats": FORMATS, "results": results, "seconds": round(time.perf_counter() - t0, 1),
              "total_examples": sum(r["examples"] for r in results),
              "total_crashes": sum(r["crashes"] for r in results)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print(f"{report['total_examples']} examples, {report['total_crashes']} crashes -> {args.out}")
    return 1 if report["total_crashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
