"""Compare at 1:1 on real photos: do both viewers put the same eye in the same place?

For each photo of ``/work/shared/data/real/portraits`` named on the command line
(default: lecun.jpg, pengwei.jpg, liuyifei.png), the script starts ``candid serve``,
makes a studio headshot through the API (corporate style, ``size none``), opens
the compare page in Chromium, clicks "Zoom to 1:1", and measures, for each eye,
the distance between where the left viewer shows it (eyes found in the source
photo) and where the right viewer shows it (eyes found anew in the result), as a
fraction of the viewer. Also the time from the click to 1:1. Screenshots go to
``test-artifacts/web-real-<photo>-1to1.png``.

Run: ``nice -n 10 .venv/bin/python bench/web_compare_real.py [photo ...]``
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = Path("/work/shared/data/real/portraits")
ARTIFACTS = ROOT / "test-artifacts"


def main(names: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    from candid.face import analyze_face
    from candid.face.geometry import eye_centers
    from candid.imageio import read_image
    from tests.e2e.conftest import ARGS, CHROMIUM, free_port, start_server
    from tests.e2e.test_compare_align import _screen_fraction

    root = Path(tempfile.mkdtemp(prefix="candid-bench-compare-"))
    port = free_port()
    proc = start_server(root / "library", root / "data", port, "--workers", "1")
    server = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(exist_ok=True)
    rows = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            for name in names:
                path = DATA / name
                ctx = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
                req = ctx.request
                csrf = {"X-Candid-CSRF": req.get(f"{server}/api/session").json()["csrf"]}
                up = req.post(f"{server}/api/uploads", headers=csrf, multipart={
                    "file": {"name": name, "mimeType": "image/jpeg", "buffer": path.read_bytes()}, "purpose": "source"})
                job = req.post(f"{server}/api/jobs", headers=csrf, data={
                    "upload": up.json()["id"], "size": "none", "style": "corporate", "seed": 1}).json()["id"]
                t_make = time.time()
                while req.get(f"{server}/api/jobs/{job}").json()["state"] not in ("done", "failed", "cancelled"):
                    time.sleep(1)
                made = time.time() - t_make
                if req.get(f"{server}/api/jobs/{job}").json()["state"] != "done":
                    rows.append((name, "failed: " + req.get(f"{server}/api/jobs/{job}").json()["error"]))
                    ctx.close()
                    continue
                res = root / f"{name}.result.jpg"
                res.write_bytes(req.get(f"{server}/api/results/{job}/image").body())
                src_eyes = eye_centers(analyze_face(read_image(path).pixels).landmarks)
                res_eyes = eye_centers(analyze_face(read_image(res).pixels).landmarks)
                page = ctx.new_page()
                page.goto(f"{server}/compare?job={job}")
                page.wait_for_selector("body[data-ready='1']", timeout=60_000)
                t0 = time.time()
                page.click("#one-to-one")
                page.wait_for_timeout(300)
                settle = time.time() - t0
                page.wait_for_timeout(2000)
                page.screenshot(path=str(ARTIFACTS / f"web-real-{Path(name).stem}-1to1.png"))
                offs = []
                for s, r in zip(src_eyes, res_eyes):
                    fl, fr = _screen_fraction(page, "left", s), _screen_fraction(page, "right", r)
                    offs.append(max(abs(fl[0] - fr[0]), abs(fl[1] - fr[1])))
                rows.append((name, f"eyes apart by {100 * max(offs):.2f} % of the viewer (worst eye); "
                                   f"1:1 in {settle:.2f} s; made in {made:.0f} s"))
                ctx.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(root, ignore_errors=True)
    for name, text in rows:
        print(f"{name}: {text}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["lecun.jpg", "pengwei.jpg", "liuyifei.png"])
