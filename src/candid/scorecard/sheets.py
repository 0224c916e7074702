"""Contact sheets and the self-contained HTML page (images inlined as base64 JPEG/PNG)."""

from __future__ import annotations

import base64
import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from candid.files import atomic_write_bytes

#: Landmark indices (68-point model) of the crops a person looks at.
RIGHT_EYE, LEFT_EYE = range(36, 42), range(42, 48)


@dataclass
class SectionResult:
    """What one capability section produced.

    Attributes
    ----------
    name : str
        ``studio``, ``honest``, ``inspect``, ``restore`` or ``finish``.
    keys : dict
        Flat ``{"section.key": number}`` merged into ``scorecard.json``.
    html : str
        The section's part of ``index.html``.
    failures : list of (str, str)
        ``(item, message)`` for every per-photo call that raised.
    """

    name: str
    keys: dict[str, Any] = field(default_factory=dict)
    html: str = ""
    failures: list[tuple[str, str]] = field(default_factory=list)


def attempt(fn: Callable[[], Any]) -> tuple[Any, str | None]:
    """``(fn(), None)``, or ``(None, "ExcType: message")`` when it raised (never a crash).

    Examples
    --------
    >>> attempt(lambda: 1), attempt(lambda: 1 / 0)
    ((1, None), (None, 'ZeroDivisionError: division by zero'))
    """
    try:
        return fn(), None
    except Exception as exc:  # noqa: BLE001 - every failure is counted and shown, never raised
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        hint = getattr(exc, "hint", None)
        if hint:
            msg = f"{msg} ({hint})"
        return None, f"{type(exc).__name__}: {msg}"[:400]


def to_uint8(img: np.ndarray) -> np.ndarray:
    a = np.asarray(img, np.float32)
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, axis=2)
    return (np.clip(a[..., :3], 0, 1) * 255 + 0.5).astype(np.uint8)


def thumb(img: np.ndarray, max_side: int = 320) -> np.ndarray:
    """A display copy whose long side is at most ``max_side`` (area resampling)."""
    from candid.scorecard.data import shrink

    return shrink(np.asarray(img, np.float32), max_side)


def data_uri(img: np.ndarray, *, fmt: str = "JPEG", quality: int = 85) -> str:
    """An ``<img src>`` data URI of a float [0, 1] image.

    Examples
    --------
    >>> data_uri(np.zeros((2, 2, 3)), fmt="PNG")[:22]
    'data:image/png;base64,'
    """
    from PIL import Image

    buf = io.BytesIO()
    im = Image.fromarray(to_uint8(img))
    if fmt == "PNG":
        im.save(buf, "PNG", optimize=True)
    else:
        im.save(buf, "JPEG", quality=quality)
    return f"data:image/{fmt.lower()};base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def img_tag(img: np.ndarray, caption: str = "", *, max_side: int | None = 320, fmt: str = "JPEG") -> str:
    """A captioned ``<figure>``; ``max_side=None`` shows the pixels 1:1."""
    shown = img if max_side is None else thumb(img, max_side)
    h, w = shown.shape[:2]
    return (f'<figure><img src="{data_uri(shown, fmt=fmt)}" width="{w}" height="{h}" alt="{html.escape(caption)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def crop_at(img: np.ndarray, center: tuple[float, float], size: int = 160) -> np.ndarray:
    """A ``size`` x ``size`` window (clipped to the image) centred on ``(x, y)``, at 1:1.

    Examples
    --------
    >>> crop_at(np.zeros((50, 80, 3)), (0, 0), 32).shape
    (32, 32, 3)
    """
    H, W = img.shape[:2]
    s = min(size, H, W)
    x0 = int(np.clip(round(center[0] - s / 2), 0, W - s))
    y0 = int(np.clip(round(center[1] - s / 2), 0, H - s))
    return img[y0:y0 + s, x0:x0 + s]


def face_points(landmarks: np.ndarray, alpha: np.ndarray | None = None) -> dict[str, tuple[float, float]]:
    """Where to take the eye, hair-edge and cheek crops, from 68 landmarks (and the matte).

    The hair edge is the matte edge pixel (``alpha`` crossing 0.5, not on
    the image border) nearest to the estimated top of the head, 0.9 of the
    brow-to-chin length above the brows on the face's centre line; without
    a matte, that estimated point itself.

    Examples
    --------
    >>> lm = np.zeros((68, 2)); lm[:, 0] = 50; lm[:, 1] = 60; lm[8] = [50, 90]; lm[19] = lm[24] = [50, 40]
    >>> face_points(lm)["hair edge"]
    (50.0, 25.4)
    >>> a = np.zeros((100, 100)); a[20:, 30:70] = 1
    >>> face_points(lm, a)["hair edge"]
    (50.0, 20.0)
    """
    lm = np.asarray(landmarks, np.float64)
    eye = lm[list(RIGHT_EYE)].mean(0)
    cheek = (lm[3] + lm[31]) / 2 * 0.5 + (lm[2] + lm[30]) / 2 * 0.5
    brow = lm[17:27].mean(0)
    x = float(lm[27:31, 0].mean())
    top = float(brow[1] - 0.9 * (lm[8, 1] - brow[1]))
    if alpha is not None:
        from scipy import ndimage

        fg = np.asarray(alpha) > 0.5
        edge = fg & ~ndimage.binary_erosion(fg, border_value=1)
        ys, xs = np.nonzero(edge)
        if ys.size:
            i = int(np.argmin((xs - x) ** 2 + (ys - top) ** 2))
            x, top = float(xs[i]), float(ys[i])
    return {"eyes": (float(eye[0]), float(eye[1])), "hair edge": (x, max(top, 0.0)),
            "cheek": (float(cheek[0]), float(cheek[1]))}


def crops_html(img: np.ndarray, points: dict[str, tuple[float, float]], size: int = 160) -> str:
    return "".join(img_tag(crop_at(img, p, size), f"{k} 1:1", max_side=None) for k, p in points.items())


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """An HTML table of ``rows`` (dicts) with the given columns; floats get 3 decimals."""
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return "&ndash;" if not np.isfinite(v) else f"{v:.3f}"
        return html.escape("" if v is None else str(v))

    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{cell(r.get(c))}</td>" for c in columns) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def keys_table(keys: dict[str, Any]) -> str:
    return table([{"key": k, "value": v} for k, v in sorted(keys.items())], ["key", "value"])


def failures_html(failures: list[tuple[str, str]]) -> str:
    if not failures:
        return "<p>No failures.</p>"
    items = "".join(f"<li><b>{html.escape(i)}</b>: {html.escape(m)}</li>" for i, m in failures)
    return f"<details open><summary>{len(failures)} failure(s)</summary><ul>{items}</ul></details>"


def section_html(result: SectionResult, intro: str, body: str) -> str:
    return (f'<section id="{result.name}"><h2>{html.escape(result.name)}</h2><p>{intro}</p>'
            f"{keys_table(result.keys)}{failures_html(result.failures)}{body}</section>")


CSS = """body{font-family:sans-serif;margin:1em;background:#fafafa;color:#222}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px;text-align:left}
figure{display:inline-block;margin:3px;vertical-align:top}figcaption{font-size:11px;color:#555;max-width:320px}
.sheet{border-top:1px solid #ddd;padding:4px 0}.sheet h4{margin:4px 0}img{image-rendering:pixelated}"""


def write_index(out: Path, keys: dict[str, Any], sections: dict[str, str]) -> Path:
    """Assemble ``out/index.html`` from the section fragments in ``out/sections``."""
    order = ["studio", "honest", "inspect", "restore", "finish"]
    names = [n for n in order if n in sections] + sorted(set(sections) - set(order))
    nav = " | ".join(f'<a href="#{n}">{n}</a>' for n in names)
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>candid scorecard</title>"
            f"<style>{CSS}</style></head><body><h1>candid scorecard</h1><p>{nav}</p>"
            f"<h2>All keys</h2>{keys_table(keys)}" + "".join(sections[n] for n in names) + "</body></html>")
    return atomic_write_bytes(out / "index.html", page.encode("utf-8"))


def merge(out: Path, result: SectionResult, seconds: float | None = None) -> dict[str, Any]:
    """Merge one section into ``out/scorecard.json`` and ``out/index.html``; the section's old keys go.

    Keys of the section are those starting with ``"<name>."`` and ``"seconds.<name>"``.
    """
    out.mkdir(parents=True, exist_ok=True)
    (out / "sections").mkdir(exist_ok=True)
    path = out / "scorecard.json"
    keys: dict[str, Any] = json.loads(path.read_text()) if path.is_file() else {}
    prefix = result.name + "."
    keys = {k: v for k, v in keys.items() if not (k.startswith(prefix) or k == f"seconds.{result.name}")}
    keys.update(result.keys)
    keys = {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in sorted(keys.items())}
    atomic_write_bytes(path, (json.dumps(keys, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    (out / "sections" / f"{result.name}.html").write_text(result.html, encoding="utf-8")
    sections = {p.stem: p.read_text(encoding="utf-8") for p in sorted((out / "sections").glob("*.html"))}
    write_index(out, keys, sections)
    return keys
