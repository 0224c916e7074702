"""The self-contained HTML report and the pictures in it (heatmap overlays, 1:1 crops)."""

from __future__ import annotations

import base64
import html
import re

import cv2
import numpy as np

from candid.inspector._types import TellResult

PREVIEW_SIDE = 800
CROP_MAX = 256


def png_bytes(rgb: np.ndarray) -> bytes:
    """Encode a float [0, 1] or uint8 RGB image as PNG bytes."""
    if rgb.dtype != np.uint8:
        rgb = np.clip(np.rint(rgb * 255), 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 6])
    if not ok:  # pragma: no cover
        raise RuntimeError("PNG encoding failed")
    return buf.tobytes()


def _data_uri(rgb: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(rgb)).decode("ascii")


def _colormap(heat: np.ndarray) -> np.ndarray:
    u8 = np.clip(np.rint(heat * 255), 0, 255).astype(np.uint8)
    return cv2.cvtColor(cv2.applyColorMap(u8, cv2.COLORMAP_INFERNO), cv2.COLOR_BGR2RGB).astype(np.float32) / 255


def overlay(pixels: np.ndarray, tell: TellResult, *, max_side: int = PREVIEW_SIDE, whole: bool = False) -> np.ndarray:
    """The image (or the tell's window) with the tell's heatmap blended over it.

    Examples
    --------
    >>> img = np.zeros((64, 64, 3), np.float32)
    >>> t = TellResult("x", 1, 1, heatmap=np.ones((8, 8), np.float32))
    >>> overlay(img, t).shape
    (64, 64, 3)
    """
    h, w = pixels.shape[:2]
    win = tell.heatmap_window or (0, h, 0, w)
    y0, y1, x0, x1 = (0, h, 0, w) if whole else win
    if isinstance(pixels, np.ndarray):
        base = pixels[y0:y1, x0:x1]
    else:  # a lazy image (candid.inspector.lazy.VipsPixels): never decode the whole frame as float32
        from candid.inspector.lazy import area_resize

        base = pixels.crop(y0, y1, x0, x1)
    scale = min(1.0, max_side / max(base.shape[:2]))
    size = (max(1, int(round(base.shape[1] * scale))), max(1, int(round(base.shape[0] * scale))))
    if not isinstance(base, np.ndarray):
        base = area_resize(base, scale) if scale < 1 and min(size) >= 16 else np.asarray(base)
    if base.shape[1::-1] != size:
        base = cv2.resize(np.ascontiguousarray(base), size, interpolation=cv2.INTER_AREA)
    elif isinstance(pixels, np.ndarray):
        base = base.copy()
    if tell.heatmap is None:
        return base
    heat = np.zeros(size[::-1], np.float32)
    wy0, wy1, wx0, wx1 = win
    hy0, hy1 = int(round((wy0 - y0) * scale)), int(round((wy1 - y0) * scale))
    hx0, hx1 = int(round((wx0 - x0) * scale)), int(round((wx1 - x0) * scale))
    hy1, hx1 = min(hy1, size[1]), min(hx1, size[0])
    if hy1 > hy0 and hx1 > hx0:
        heat[hy0:hy1, hx0:hx1] = cv2.resize(np.asarray(tell.heatmap, np.float32), (hx1 - hx0, hy1 - hy0),
                                            interpolation=cv2.INTER_LINEAR)
    alpha = (0.65 * np.clip(heat, 0, 1))[..., None]
    grey = base.mean(axis=2, keepdims=True) * 0.6 + base * 0.4
    return (grey * (1 - alpha) + _colormap(heat) * alpha).astype(np.float32)


def crop_1to1(pixels: np.ndarray, window: tuple[int, int, int, int], max_side: int = CROP_MAX) -> np.ndarray:
    """A crop at 100 % (no resampling), at most ``max_side`` px, centred in ``window``."""
    y0, y1, x0, x1 = window
    h, w = pixels.shape[:2]
    cy, cx = (y0 + y1) // 2, (x0 + x1) // 2
    hh, hw = min(y1 - y0, max_side) // 2, min(x1 - x0, max_side) // 2
    return pixels[max(0, cy - hh):min(h, cy + hh), max(0, cx - hw):min(w, cx + hw)]


def _size_label(point: dict) -> str:
    return f"1:1 ({point['face_height_px']} px)" if point["label"] == "1:1" else point["label"]


def curve_svg(curve: list[dict], width: int = 420, height: int = 160) -> str:
    """The "good from afar" curve as inline SVG: overall score per viewing size."""
    if not curve:
        return "<p>No face, no curve.</p>"
    pad = 30
    n = len(curve)
    xs = [pad + i * (width - 2 * pad) / max(n - 1, 1) for i in range(n)]
    ys = [height - pad - p["overall"] * (height - 2 * pad) for p in curve]
    pts = " ".join(f"{x:.0f},{y:.0f}" for x, y in zip(xs, ys))
    labels = "".join(f'<text x="{x:.0f}" y="{height - 8}" font-size="11" text-anchor="middle">'
                     f'{html.escape(_size_label(p))}</text>' for x, p in zip(xs, curve))
    dots = "".join(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="4" '
                   + ('fill="#c33"' if p["confidence"] >= 0.05 else 'fill="white" stroke="#999"')
                   + f'><title>{p["overall"]:.2f}' + ("" if p["confidence"] >= 0.05 else " (too small to judge)")
                   + '</title></circle>' for x, y, p in zip(xs, ys, curve))
    return (f'<svg width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
            f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>'
            f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#999"/>'
            f'<text x="2" y="{pad + 4}" font-size="10">1</text><text x="2" y="{height - pad}" font-size="10">0</text>'
            f'<polyline points="{pts}" fill="none" stroke="#c33" stroke-width="2"/>{dots}{labels}</svg>')


def _verdict(score: float, confidence: float) -> str:
    if confidence < 0.15:
        return "could not judge"
    return "looks AI-made" if score > 0.65 else "suspicious" if score > 0.5 else "looks real"


def _plain_sentence(sentence: str) -> str:
    """A flattery sentence for people: capitalised, and no four-digit percentages of near-zero measures.

    Examples
    --------
    >>> _plain_sentence("smile 736 % less tilted than in your photos")
    'Smile far less tilted than in your photos'
    >>> _plain_sentence("eyes 18 % larger than in your photos")
    'Eyes 18 % larger than in your photos'
    """
    text = re.sub(r"\b\d{3,}(?:\.\d+)? % (?=\w)", lambda m: "far " if float(m.group(0).split()[0]) >= 200 else m.group(0),
                  sentence)
    return text[:1].upper() + text[1:]


def _unusual(z: float) -> str:
    """How far a difference is outside the person's own photos, in words (from its z-score).

    Examples
    --------
    >>> _unusual(0.4), _unusual(-2.5), _unusual(7.0)
    ('within how your photos vary', 'more than your photos vary', 'far more than your photos ever vary')
    """
    z = abs(z)
    if z != z:  # NaN: nothing to compare with
        return "cannot tell"
    if z >= 2:
        return "far more than your photos ever vary" if z >= 4 else "more than your photos vary"
    return "within how your photos vary"


def render_html(report, pixels: np.ndarray, *, title: str = "candid inspect") -> str:
    """A self-contained HTML page: verdict, heatmaps over the image, 1:1 crops, explanations.

    Examples
    --------
    >>> from skimage import data
    >>> from candid.inspector import inspect_image
    >>> img = data.astronaut().astype("float32") / 255
    >>> page = render_html(inspect_image(img, afar=False), img)
    >>> page.startswith("<!DOCTYPE html>") and "data:image/png;base64," in page
    True
    """
    esc = html.escape
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{esc(title)}</title><style>"
             "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:left}"
             ".tell{margin:1.5em 0;padding:1em;border:1px solid #ddd;border-radius:6px}"
             ".imgs img{max-width:100%;margin:4px;vertical-align:top;image-rendering:pixelated}"
             ".bar{display:inline-block;height:10px;background:#c33}.muted{color:#777}</style></head><body>",
             f"<h1>{esc(title)}</h1>",
             f"<p><b>Overall: {report.overall:.2f}</b> (0 = looks like a photograph, 1 = looks AI-made; "
             f"range {report.overall_interval[0]:.2f}-{report.overall_interval[1]:.2f}, "
             f"confidence {report.overall_confidence:.2f}) &mdash; {esc(_verdict(report.overall, report.overall_confidence))}."
             " These are heuristics: they point at places worth a close look, they do not prove anything.</p>"]
    if report.face is None:
        parts.append(f"<p class='muted'>No face analysed ({esc(report.face_reason)}): only the image-wide tells ran.</p>")
    parts.append("<table><tr><th>tell</th><th>score</th><th>confidence</th><th>verdict</th><th>note</th></tr>")
    for t in report.tells:
        parts.append(f"<tr><td><a href='#{esc(t.name)}'>{esc(t.name)}</a></td><td><span class='bar' "
                     f"style='width:{int(60 * t.score)}px'></span> {t.score:.2f}</td><td>{t.confidence:.2f}</td>"
                     f"<td>{esc(_verdict(t.score, t.confidence))}</td><td class='muted'>{esc(t.reason)}</td></tr>")
    parts.append("</table>")
    heat_tells = [t for t in report.tells if t.heatmap is not None and t.confidence > 0]
    if heat_tells:
        worst = max(heat_tells, key=lambda t: t.score * t.confidence)
        parts.append(f"<h2>Where it gives itself away</h2><p>Heatmap of the strongest tell ({esc(worst.name)}) over "
                     f"the whole image; bright = suspicious.</p><div class='imgs'>"
                     f"<img alt='overview' src='{_data_uri(overlay(pixels, worst, whole=True))}'></div>")
    parts.append("<h2>Good from afar, far from good?</h2><p>The face tells at thumbnail size, at screen size and at "
                 "100 %. A curve that rises to the right means the image holds up from afar and falls apart when "
                 "you zoom in. Hollow points: too small to judge.</p>" + curve_svg(report.good_from_afar))
    if report.good_from_afar:
        names = list(report.good_from_afar[0]["scores"])
        parts.append("<table><tr><th>face height</th>" + "".join(f"<th>{esc(n)}</th>" for n in names) + "</tr>" + "".join(
            f"<tr><td>{esc(_size_label(p))}</td>" + "".join(
                (f"<td class='muted' title='the face is too small at this size to judge'>too small</td>"
                 if p["confidences"][n] == 0 else f"<td>{p['scores'][n]:.2f}</td>")
                for n in names) + "</tr>" for p in report.good_from_afar) + "</table>"
                     "<p class='muted'>0 = looks like a photograph, 1 = looks AI-made; &ldquo;too small&rdquo;: "
                     "the face has too few pixels at that size for the tell to judge.</p>")
    if report.flattery is not None:
        parts.append("<h2>Against your own photos</h2>")
        # People read sentences; the measurements and z-scores stay in the JSON report.
        notable = [i for i in report.flattery.items if abs(i.z) >= 2]
        usual = [i for i in report.flattery.items if not abs(i.z) >= 2]
        if notable:
            parts.append("<table><tr><th>differs from your photos</th><th>how unusual</th></tr>" + "".join(
                f"<tr><td>{esc(_plain_sentence(i.sentence))}</td><td>{esc(_unusual(i.z))}</td></tr>"
                for i in notable) + "</table>")
        else:
            parts.append("<p>Nothing departs notably from your reference photos.</p>")
        if usual:
            parts.append(f"<details><summary>{len(usual)} more measurement(s) that differ no more than your own "
                         "photos differ from each other (pose, expression, light); not a sign on their own"
                         "</summary><ul>" + "".join(f"<li>{esc(_plain_sentence(i.sentence))}</li>"
                                                    for i in usual[:30]) + "</ul></details>")
    parts.append("<h2>Tell by tell</h2>")
    for t in report.tells:
        parts.append(f"<div class='tell' id='{esc(t.name)}'><h3>{esc(t.name)}: {t.score:.2f} "
                     f"<span class='muted'>(confidence {t.confidence:.2f})</span></h3><p>{esc(t.explanation)}</p>")
        if t.reason:
            parts.append(f"<p class='muted'>Confidence: {esc(t.reason)}</p>")
        imgs = []
        if t.heatmap is not None and t.confidence > 0:
            imgs.append(f"<img alt='{esc(t.name)} heatmap' title='heatmap' src='{_data_uri(overlay(pixels, t, max_side=400))}'>")
        for title, win in t.crops[:3]:
            imgs.append(f"<img alt='{esc(title)}' title='{esc(title)} at 100 %' "
                        f"src='{_data_uri(crop_1to1(pixels, win))}'>")
        if imgs:
            parts.append("<div class='imgs'>" + "".join(imgs) + "</div><p class='muted'>Left: heatmap; "
                         "then 1:1 crops of the worst regions.</p>")
        parts.append("</div>")
    parts.append("</body></html>")
    return "".join(parts)
