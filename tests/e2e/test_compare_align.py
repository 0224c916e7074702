"""Compare aligned on content, the result page, "make again" and a phone-width layout, in Chromium.

One portrait is made through the API from a tilted, loosely framed astronaut (the
studio straightens and crops it); the browser checks then run on that job.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

pytestmark = pytest.mark.slow

ANGLE = 8.0  # degrees the test photo is tilted; the studio levels it ("up to 10 degrees")


@pytest.fixture(scope="module")
def tilted(tmp_path_factory):
    """A tilted astronaut on a wider canvas and the true eye centres in its pixels."""
    import cv2
    from skimage import data

    from candid.face import analyze_face
    from candid.face.geometry import eye_centers
    from candid.imageio import write_image

    img = data.astronaut().astype(np.float32) / 255
    lm = analyze_face(img).landmarks
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), ANGLE, 1.0)
    m[:, 2] += (100, 60)
    out = cv2.warpAffine(img, m, (w + 200, h + 120), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    path = tmp_path_factory.mktemp("align") / "tilted.jpg"
    write_image(path, np.clip(out, 0, 1))
    eyes = [np.asarray(e, float) @ m[:, :2].T + m[:, 2] for e in eye_centers(lm)]
    return path, eyes


@pytest.fixture(scope="module")
def job(server, browser, tilted):
    ctx = browser.new_context()
    req = ctx.request
    path, _ = tilted
    csrf = {"X-Candid-CSRF": req.get(f"{server}/api/session").json()["csrf"]}
    up = req.post(f"{server}/api/uploads", headers=csrf, multipart={
        "file": {"name": "tilted.jpg", "mimeType": "image/jpeg", "buffer": path.read_bytes()}, "purpose": "source"})
    assert up.ok, up.text()
    made = req.post(f"{server}/api/jobs", headers=csrf, data={"upload": up.json()["id"], "size": "none", "straighten": "10",
                                                "style": "corporate", "light": "rembrandt", "seed": 3})
    assert made.ok, made.text()
    job_id = made.json()["id"]
    deadline = time.time() + 240
    while time.time() < deadline:
        state = req.get(f"{server}/api/jobs/{job_id}").json()["state"]
        if state in ("done", "failed", "cancelled"):
            break
        time.sleep(1)
    assert state == "done", req.get(f"{server}/api/jobs/{job_id}/log").text()
    ctx.close()
    return job_id


def _screen_fraction(page, side: str, point) -> tuple[float, float]:
    return tuple(page.evaluate(
        """([side, x, y]) => {
          const v = window.candidCompare.viewers[side], item = v.world.getItemAt(0);
          const p = v.viewport.viewportToViewerElementCoordinates(item.imageToViewportCoordinates(new OpenSeadragon.Point(x, y)));
          const r = v.container.getBoundingClientRect();
          return [p.x / r.width, p.y / r.height];
        }""", [side, float(point[0]), float(point[1])]))


def test_zoom_1to1_puts_the_same_eye_under_both_viewers(server, browser, shot, tilted, job):
    from candid.face import analyze_face
    from candid.face.geometry import eye_centers
    from candid.imageio import read_image

    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    summary = page.request.get(f"{server}/api/results/{job}").json()["summary"]
    assert summary["align"] is not None
    img = page.request.get(f"{server}/api/results/{job}/image").body()
    tmp = tilted[0].with_name("result.jpg")
    tmp.write_bytes(img)
    res_eyes = eye_centers(analyze_face(read_image(tmp).pixels).landmarks)  # found in the result itself
    page.goto(f"{server}/compare?job={job}")
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    page.wait_for_timeout(500)
    shot(page, "align-1-fit")
    t0 = time.time()
    page.click("#one-to-one")
    page.wait_for_timeout(300)
    settle = time.time() - t0
    assert abs(float(page.get_attribute("#zoomlabel", "data-right")) - 1.0) < 0.01
    page.wait_for_timeout(1500)  # tiles in, for the screenshot
    shot(page, "align-2-1to1")
    for src_eye, res_eye in zip(tilted[1], res_eyes):
        fl = _screen_fraction(page, "left", src_eye)
        fr = _screen_fraction(page, "right", res_eye)
        assert 0 < fr[0] < 1 and 0 < fr[1] < 1, fr  # the eye is in view at 1:1
        assert abs(fl[0] - fr[0]) < 0.02 and abs(fl[1] - fr[1]) < 0.02, (fl, fr)
    # zoom on the left: the right follows, content still aligned
    page.mouse.move(350, 450)
    page.mouse.wheel(0, -200)
    page.wait_for_timeout(800)
    fl = _screen_fraction(page, "left", tilted[1][0])
    fr = _screen_fraction(page, "right", res_eyes[0])
    assert abs(fl[0] - fr[0]) < 0.02 and abs(fl[1] - fr[1]) < 0.02, (fl, fr)
    assert settle < 2.0, settle
    assert not errors, errors
    ctx.close()


def test_result_page_shows_the_image_and_make_again_keeps_settings(server, browser, shot, job):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{server}/make?job={job}")
    img = page.locator("#result-image")
    img.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    box = img.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 200, box
    assert page.locator("#changes li").count() >= 1  # what changed, in sentences
    assert "straightened" in page.inner_text("#changes")
    shot(page, "result-page", full_page=True)
    page.click("#make-again")
    page.wait_for_url("**/make?again=*")
    page.wait_for_selector("#make[data-prefilled='1']", timeout=10_000)
    assert page.input_value("#style") == "corporate"
    assert page.input_value("#light") == "rembrandt"
    assert page.input_value("#straighten") == "10"
    assert page.input_value("#size") == "none"
    assert page.input_value("#seed") == "3"
    assert not page.is_disabled("#make-btn")  # the same photo is used again
    shot(page, "make-again", full_page=True)
    page.close()


@pytest.mark.parametrize("path", ["make", "subjects", "results", "compare"])
def test_phone_width_has_no_horizontal_scroll(server, browser, shot, job, path):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, bypass_csp=True)
    page = ctx.new_page()
    page.goto(f"{server}/{path}" + (f"?job={job}" if path in ("make", "compare") else ""))
    page.wait_for_timeout(1500)
    sw = page.evaluate("document.documentElement.scrollWidth")
    shot(page, f"phone-{path}", full_page=True)
    assert sw <= 390, f"{path}: page is {sw} px wide on a 390 px screen"
    ctx.close()
