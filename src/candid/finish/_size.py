"""Target sizes and fit geometry: what size the output is, and where the source lands in it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from candid.errors import CandidError

FITS = ("crop", "pad", "contain")

#: Named screen targets as (long side, short side) in pixels; oriented like the source.
NAMED_TARGETS: dict[str, tuple[int, int]] = {
    "8k": (7680, 4320),
    "4k": (3840, 2160),
}

_PRINT = re.compile(r"^print:(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)@(\d+)$")
_PIXELS = re.compile(r"^(\d+)x(\d+)$")

MAX_SIDE = 32768


@dataclass(frozen=True)
class FitPlan:
    """Where a ``(src_w, src_h)`` source goes in the output.

    Attributes
    ----------
    src_w, src_h : int
        Source size in pixels.
    out_w, out_h : int
        Output size in pixels.
    resampled_w, resampled_h : int
        Size the source is resampled to before cropping or padding.
    offset_x, offset_y : int
        Crop (``fit="crop"``): where the output window starts in the resampled
        image. Pad (``fit="pad"``): where the resampled image starts in the
        output. Zero for ``contain``.
    fit : str
    dpi : int or None
        Print resolution when the target was a print size.
    """

    src_w: int
    src_h: int
    out_w: int
    out_h: int
    resampled_w: int
    resampled_h: int
    offset_x: int
    offset_y: int
    fit: str
    dpi: int | None = None

    @property
    def scale(self) -> float:
        """Linear magnification from source to output pixels (the larger axis ratio)."""
        return max(self.resampled_w / self.src_w, self.resampled_h / self.src_h)


def parse_target(target: str | tuple[int, int], src_w: int, src_h: int) -> tuple[int, int, int | None]:
    """Turn a target description into an output box ``(W, H, dpi)`` oriented like the source.

    Parameters
    ----------
    target : str or (int, int)
        ``"8k"`` (7680x4320), ``"4k"`` (3840x2160), ``"print:16x20@300"``
        (inches at a dpi), or exact pixels ``"1200x800"`` / ``(1200, 800)``.
        Named and print sizes take the orientation of the source (a portrait
        source gets 4320x7680); a square source keeps a print size as
        written (``16x20`` is portrait) and named sizes landscape; exact pixel
        sizes are taken literally.
    src_w, src_h : int
        Source size in pixels.

    Returns
    -------
    (int, int, int or None)
        Width, height, and the dpi for print targets.

    Raises
    ------
    CandidError
        An unknown or malformed target.

    Examples
    --------
    >>> parse_target("8k", 600, 800)
    (4320, 7680, None)
    >>> parse_target("print:16x20@300", 1000, 800)
    (6000, 4800, 300)
    >>> parse_target("print:16x20@300", 800, 800)
    (4800, 6000, 300)
    """
    portrait = src_h > src_w
    if isinstance(target, tuple):
        w, h = (int(v) for v in target)
        _check_box(w, h, str(target))
        return w, h, None
    if not isinstance(target, str):
        raise ValueError(f"target must be a string or a (width, height) tuple, got {type(target).__name__}")
    spec = target.strip().lower()
    if spec in NAMED_TARGETS:
        long, short = NAMED_TARGETS[spec]
        return (short, long, None) if portrait else (long, short, None)
    m = _PRINT.match(spec)
    if m:
        a, b, dpi = float(m.group(1)), float(m.group(2)), int(m.group(3))
        if a <= 0 or b <= 0 or not 50 <= dpi <= 2400:
            raise CandidError(f"print size {target!r}: inches must be positive and dpi between 50 and 2400")
        if src_w == src_h:
            w, h = round(a * dpi), round(b * dpi)
        else:
            long, short = max(a, b), min(a, b)
            lw, sw = round(long * dpi), round(short * dpi)
            w, h = (sw, lw) if portrait else (lw, sw)
        _check_box(w, h, target)
        return w, h, dpi
    m = _PIXELS.match(spec)
    if m:
        w, h = int(m.group(1)), int(m.group(2))
        _check_box(w, h, target)
        return w, h, None
    raise CandidError(
        f"unknown size {target!r}",
        hint="use 8k, 4k, print:WxH@DPI (inches, e.g. print:16x20@300) or WIDTHxHEIGHT in pixels",
    )


def _check_box(w: int, h: int, label: str) -> None:
    if not (1 <= w <= MAX_SIDE and 1 <= h <= MAX_SIDE):
        raise CandidError(f"size {label!r} is out of range: each side must be 1..{MAX_SIDE} pixels")


def plan_fit(src_w: int, src_h: int, target: str | tuple[int, int], fit: str = "crop") -> FitPlan:
    """Plan how a source of ``(src_w, src_h)`` fills a target.

    ``crop`` scales the source to cover the target and centre-crops the
    overflow; ``pad`` scales it to fit inside and pads the rest; ``contain``
    scales it to fit inside and the output is the scaled size (no padding).

    Examples
    --------
    >>> p = plan_fit(512, 512, "4k", "crop")
    >>> (p.out_w, p.out_h, p.resampled_w, p.offset_y)
    (3840, 2160, 3840, 840)
    >>> p = plan_fit(512, 512, "4k", "pad")
    >>> (p.out_w, p.out_h, p.resampled_w, p.offset_x)
    (3840, 2160, 2160, 840)
    """
    if src_w < 1 or src_h < 1:
        raise ValueError(f"source size must be positive, got {src_w}x{src_h}")
    if fit not in FITS:
        raise CandidError(f"unknown fit {fit!r}", hint=f"use one of: {', '.join(FITS)}")
    box_w, box_h, dpi = parse_target(target, src_w, src_h)
    if fit == "crop":
        s = max(box_w / src_w, box_h / src_h)
        rw, rh = max(box_w, round(src_w * s)), max(box_h, round(src_h * s))
        plan = FitPlan(src_w, src_h, box_w, box_h, rw, rh, (rw - box_w) // 2, (rh - box_h) // 2, fit, dpi)
    else:
        s = min(box_w / src_w, box_h / src_h)
        rw, rh = max(1, min(box_w, round(src_w * s))), max(1, min(box_h, round(src_h * s)))
        if fit == "pad":
            plan = FitPlan(src_w, src_h, box_w, box_h, rw, rh, (box_w - rw) // 2, (box_h - rh) // 2, fit, dpi)
        else:
            plan = FitPlan(src_w, src_h, rw, rh, rw, rh, 0, 0, fit, dpi)
    return plan


def target_size(src_w: int, src_h: int, target: str | tuple[int, int], fit: str = "crop") -> tuple[int, int]:
    """Output size ``(W, H)`` for a source size, a target and a fit policy.

    Examples
    --------
    >>> target_size(512, 512, "8k")
    (7680, 4320)
    >>> target_size(3000, 4000, "8k", fit="contain")
    (4320, 5760)
    >>> target_size(800, 1000, "print:16x20@300")
    (4800, 6000)
    """
    plan = plan_fit(src_w, src_h, target, fit)
    return plan.out_w, plan.out_h


__all__ = ["FITS", "FitPlan", "NAMED_TARGETS", "parse_target", "plan_fit", "target_size"]
