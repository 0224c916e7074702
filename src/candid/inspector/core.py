"""`inspect_image`: run every tell and put the report together."""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import cv2
import numpy as np

from candid.errors import FaceError
from candid.inspector._types import Context, TellResult
from candid.inspector.tells import TELLS

#: How much each tell counts in the overall score (times its confidence).
WEIGHTS = {"skin": 1.0, "eyes": 1.0, "lighting": 0.6, "edges": 0.8, "symmetry": 0.8, "noise": 0.7, "traces": 0.8}
#: Face heights of the "good from afar" curve; 0 stands for 1:1 (native).
AFAR_HEIGHTS = (64, 256, 1024, 0)
AFAR_TELLS = ("skin", "eyes", "edges", "symmetry")


@dataclass(frozen=True)
class InspectionReport:
    """Everything the inspector found about one image.

    Attributes
    ----------
    tells : list of TellResult
    overall : float
        Probability-like score in [0, 1] (1 = looks AI-made) from the shipped
        calibrated combination (:mod:`candid.inspector.combine`); the
        confidence-weighted mean of the tells when that is unavailable.
    overall_confidence : float
    face : dict or None
        Face summary (box, landmarks count, geometry), None without a face.
    face_reason : str
    good_from_afar : list of dict
        ``{"face_height_px", "scale", "scores": {tell: score}, "confidences": {...}, "overall"}``
        per viewing size, far to near.
    flattery : FlatteryReport or None
    image_shape : tuple of int
    overall_interval : tuple of float
        A range for ``overall``: the spread of the combination's bootstrap
        refits, widened by what the tells that could not judge (small,
        compressed or faceless images) might have said. Wide = do not trust
        the number.
    overall_method : str
        ``"logistic"`` (shipped combination) or ``"mean"``.
    """

    tells: list[TellResult]
    overall: float
    overall_confidence: float
    face: dict | None = None
    face_reason: str = ""
    good_from_afar: list[dict] = field(default_factory=list)
    flattery: Any = None
    image_shape: tuple[int, int] = (0, 0)
    overall_interval: tuple[float, float] = (0.0, 1.0)
    overall_method: str = "mean"

    def tell(self, name: str) -> TellResult:
        """The result of tell ``name``."""
        for t in self.tells:
            if t.name == name:
                return t
        raise KeyError(name)

    def summary_lines(self) -> list[str]:
        """Short plain-language lines (for logs and the Portrait history)."""
        lo, hi = self.overall_interval
        lines = [f"overall {self.overall:.2f} (1 = looks AI-made; range {lo:.2f}-{hi:.2f}), "
                 f"confidence {self.overall_confidence:.2f}"]
        for t in self.tells:
            lines.append(f"{t.name}: {t.score:.2f} (conf {t.confidence:.2f})"
                         + (f" - {t.reason}" if t.reason and t.confidence < 0.5 else ""))
        if self.flattery is not None:
            lines += self.flattery.sentences[:3]
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {"overall": round(self.overall, 4), "overall_confidence": round(self.overall_confidence, 4),
                "overall_interval": [round(float(v), 4) for v in self.overall_interval],
                "overall_method": self.overall_method,
                "image_shape": list(self.image_shape), "face": self.face, "face_reason": self.face_reason,
                "tells": [t.to_dict() for t in self.tells], "good_from_afar": self.good_from_afar,
                "flattery": None if self.flattery is None else self.flattery.to_dict()}

    def to_json(self) -> str:
        """The report as JSON text (heatmaps are not included)."""
        from candid.files import to_jsonable

        return json.dumps(_finite(to_jsonable(self.to_dict())), indent=2, ensure_ascii=False)


def _finite(obj):
    if isinstance(obj, float):
        return obj if np.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    return obj


def combine(tells: list[TellResult]) -> tuple[float, float]:
    """Overall score (confidence-weighted mean) and confidence of a list of tells.

    Examples
    --------
    >>> combine([TellResult("skin", 1.0, 1.0), TellResult("eyes", 0.0, 0.0)])
    (1.0, 0.5)
    """
    w = np.array([WEIGHTS.get(t.name, 0.5) * t.confidence for t in tells])
    if w.sum() <= 0:
        return 0.5, 0.0
    s = np.array([t.score for t in tells])
    conf = float(np.sum(w) / sum(WEIGHTS.get(t.name, 0.5) for t in tells))
    return float(np.sum(w * s) / w.sum()), round(conf, 6)


def _validate(pixels: np.ndarray) -> np.ndarray:
    if not isinstance(pixels, np.ndarray) or pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) image, got {getattr(pixels, 'shape', type(pixels))}")
    if pixels.dtype != np.float32:
        raise ValueError(f"expected float32 pixels in [0, 1], got {pixels.dtype}")
    if min(pixels.shape[:2]) < 16:
        raise ValueError(f"image too small to inspect: {pixels.shape[1]}x{pixels.shape[0]}")
    return pixels


#: Face tells never need more than this many pixels between the eyes (skin works at a
#: canonical 128 px, edges and symmetry resample the face window anyway): larger faces are
#: looked at on a scaled copy, so an 8K portrait costs about what a 2K one does.
MAX_IOD = 256.0
#: Long side of the copy the face detector sees when no face analysis is given.
DETECT_SIDE = 2048
#: Tells that read the image at its own resolution (sensor noise, resampling and JPEG traces).
FULL_RES_TELLS = ("noise", "traces")


def scale_face(face, s: float):
    """A face analysis with every pixel coordinate multiplied by ``s`` (optional mesh and iris too).

    Examples
    --------
    >>> from skimage import data
    >>> from candid.face import analyze_face
    >>> f = analyze_face(data.astronaut().astype("float32") / 255, embed=False, quality=False)
    >>> bool(np.allclose(scale_face(f, 0.5).landmarks, f.landmarks * 0.5))
    True
    """
    if s == 1.0:
        return face
    b = face.box
    kw = {"box": replace(b, x0=b.x0 * s, y0=b.y0 * s, x1=b.x1 * s, y1=b.y1 * s),
          "landmarks": (np.asarray(face.landmarks, np.float64) * s).astype(np.float32)}
    mesh = getattr(face, "mesh", None)
    if mesh is not None:
        kw["mesh"] = (np.asarray(mesh, np.float64) * s).astype(np.float32)
    iris = getattr(face, "iris", None)
    if iris is not None:
        kw["iris"] = (np.asarray(iris[0], np.float64) * s, np.asarray(iris[1], np.float64) * s)
    return replace(face, **kw)


def _resize(pixels: np.ndarray, s: float) -> np.ndarray:
    h, w = pixels.shape[:2]
    return np.ascontiguousarray(cv2.resize(pixels, (max(16, round(w * s)), max(16, round(h * s))),
                                           interpolation=cv2.INTER_AREA), np.float32)


def make_context(pixels: np.ndarray, face=None) -> Context:
    """Find the face (largest, if several) and its regions; a faceless context if there is none.

    A large face is looked at on a copy scaled to at most :data:`MAX_IOD`
    px between the eyes (``ctx.pixels``; ``ctx.full`` keeps the original
    for the image-wide tells). Without a given face analysis the detector
    sees a copy with a long side of :data:`DETECT_SIDE`.
    """
    from candid.face import analyze_face

    h, w = pixels.shape[:2]
    if face is None:
        sd = min(1.0, DETECT_SIDE / max(h, w))
        try:
            small = _resize(pixels, sd) if sd < 1 else pixels
            face = scale_face(analyze_face(small, face_index=0, embed=False, quality=False), 1.0 / sd)
        except FaceError as exc:
            return Context(pixels, None, None, exc.reason)
    s = min(1.0, MAX_IOD / max(face.iod, 1e-6))
    if s < 1:
        work, wface = _resize(pixels, s), scale_face(face, s)
        return Context(work, wface, wface.regions(work), full=pixels, scale=s)
    return Context(pixels, face, face.regions(pixels))


def make_lazy_context(image, face=None) -> Context:
    """:func:`make_context` of a :class:`candid.inspector.lazy.VipsPixels` without a full float32 copy.

    The detector copy and the working copy are built strip by strip
    (:func:`candid.inspector.lazy.area_resize`, equal to :func:`_resize` to float
    rounding); ``ctx.full`` stays lazy, so noise and traces decode only their
    tiles. When the face tells need the image at its own size (a face under
    :data:`MAX_IOD` px between the eyes, or no face at all) it is decoded whole,
    as before.
    """
    from candid.face import analyze_face
    from candid.inspector.lazy import area_resize

    h, w = image.shape[:2]
    if face is None:
        sd = min(1.0, DETECT_SIDE / max(h, w))
        try:
            small = area_resize(image, sd) if sd < 1 else np.asarray(image)
            face = scale_face(analyze_face(small, face_index=0, embed=False, quality=False), 1.0 / sd)
        except FaceError as exc:
            return Context(np.asarray(image), None, None, exc.reason)
        del small
    s = min(1.0, MAX_IOD / max(face.iod, 1e-6))
    if s < 1:
        work, wface = area_resize(image, s), scale_face(face, s)
        return Context(work, wface, wface.regions(work), full=image, scale=s)
    return make_context(np.asarray(image), face)


def _to_original(result: TellResult, s: float) -> TellResult:
    """Windows and crops of a tell run on a copy scaled by ``s``, in original pixels."""
    if s == 1.0:
        return result

    def up(win):
        return tuple(int(round(v / s)) for v in win)

    return replace(result, heatmap_window=None if result.heatmap_window is None else up(result.heatmap_window),
                   crops=[(t, up(wd)) for t, wd in result.crops])


def _run(name: str, ctx: Context) -> TellResult:
    result = importlib.import_module(f"candid.inspector.tells.{name}").judge(ctx)
    return result if name in FULL_RES_TELLS else _to_original(result, ctx.scale)


def good_from_afar(ctx: Context, heights=AFAR_HEIGHTS) -> list[dict]:
    """The face tells at several viewing sizes: face height 64, 256, 1024 px and 1:1.

    Only the face window is resampled (downsampling only: a size above the
    native one is skipped), and landmarks are scaled, not re-detected.
    """
    if ctx.face is None:
        return []
    lm = np.asarray(ctx.face.landmarks, np.float64)
    native_h = float(np.linalg.norm(lm[27] - lm[8])) * 1.45  # brow-ish to chin ~ 1.45 x bridge-to-chin
    y0, y1, x0, x1 = ctx.regions.window
    pad = int(0.3 * (y1 - y0))
    h, w = ctx.shape
    wy0, wy1, wx0, wx1 = max(0, y0 - pad), min(h, y1 + pad), max(0, x0 - pad), min(w, x1 + pad)
    crop = ctx.pixels[wy0:wy1, wx0:wx1]
    out = []
    for target in heights:
        scale = 1.0 if target == 0 else target / native_h
        if scale > 1.0:
            continue
        size = (max(8, int(round(crop.shape[1] * scale))), max(8, int(round(crop.shape[0] * scale))))
        small = cv2.resize(crop, size, interpolation=cv2.INTER_AREA) if scale < 1 else crop
        small = np.ascontiguousarray(small, np.float32)
        small_lm = (lm - [wx0, wy0]) * [size[0] / crop.shape[1], size[1] / crop.shape[0]]
        face = replace(ctx.face, landmarks=small_lm.astype(np.float32))
        if getattr(face, "mesh", None) is not None:  # the mesh and iris circles move with the crop too
            sx, sy = size[0] / crop.shape[1], size[1] / crop.shape[0]
            m = (np.asarray(face.mesh, np.float64) - [wx0, wy0]) * [sx, sy]
            z = None if face.mesh_depth is None else (np.asarray(face.mesh_depth) * np.sqrt(sx * sy)).astype(np.float32)
            face = replace(face, mesh=m.astype(np.float32), mesh_depth=z, iris=None)
        sctx = Context(small, face, face.regions(small))
        results = [_run(n, sctx) for n in AFAR_TELLS]
        overall, conf = combine(results)
        out.append({"face_height_px": round(native_h * scale / ctx.scale), "label": "1:1" if target == 0 else f"{target} px",
                    "scale": round(scale, 4), "overall": round(overall, 4), "confidence": round(conf, 4),
                    "scores": {t.name: round(t.score, 4) for t in results},
                    "confidences": {t.name: round(t.confidence, 4) for t in results}})
    return out


def inspect_image(
    pixels: np.ndarray,
    *,
    face=None,
    subject_reference=None,
    tells: tuple[str, ...] = TELLS,
    afar: bool = True,
    on_tell: Callable[[str], None] | None = None,
) -> "InspectionReport":
    """Look at an image the way a pixel peeper does, tell by tell.

    Parameters
    ----------
    pixels : ndarray or pyvips.Image
        ``(H, W, 3)`` float32 sRGB in [0, 1]; not modified. Or an upright
        sRGB pyvips image (as :func:`candid.imageio.open_vips` gives): it is
        never decoded whole when the face is large enough to be looked at on
        a scaled copy, so an 8K file does not cost an 8K float32 array
        (same tell scores as its decoded array, to float rounding).
    face : FaceAnalysis, optional
        A face analysis of these pixels (found here if not given; an image
        without a face still gets the image-wide tells).
    subject_reference : tuple of two dicts, optional
        ``(reference_geometry, reference_texture)`` as taken by
        :func:`candid.inspector.flattery_report`, or an object with ``.geometry``
        and ``.texture`` dicts of ``FeatureStats`` (a subject profile). Adds
        the flattery section.
    tells : tuple of str
        Which tells to run (default: all).
    afar : bool
        Compute the "good from afar" curve.
    on_tell : callable, optional
        Called with each tell's name before it runs (progress bars).

    Returns
    -------
    InspectionReport

    Examples
    --------
    >>> from skimage import data
    >>> report = inspect_image(data.astronaut().astype("float32") / 255)
    >>> [t.name for t in report.tells][:3], 0 <= report.overall <= 1
    (['skin', 'eyes', 'lighting'], True)
    """
    lazy = not isinstance(pixels, np.ndarray)
    if lazy:
        from candid.inspector.lazy import VipsPixels

        if not isinstance(pixels, VipsPixels):
            pixels = VipsPixels(pixels)
        if min(pixels.shape[:2]) < 16:
            raise ValueError(f"image too small to inspect: {pixels.shape[1]}x{pixels.shape[0]}")
    else:
        pixels = _validate(pixels)
    unknown = set(tells) - set(TELLS)
    if unknown:
        raise ValueError(f"unknown tells {sorted(unknown)}; known: {TELLS}")
    if on_tell:
        on_tell("face")
    ctx = make_lazy_context(pixels, face) if lazy else make_context(pixels, face)
    from concurrent.futures import ThreadPoolExecutor

    # Two workers: the tells spend their time in OpenCV and numpy, which release the GIL.
    with ThreadPoolExecutor(max_workers=2) as pool:
        # the "good from afar" curve (serial, the longest single job) starts first and overlaps the tells
        afar_job = pool.submit(good_from_afar, ctx) if afar else None
        futures = {}
        for name in tells:
            if on_tell:
                on_tell(name)
            futures[name] = pool.submit(_run, name, ctx)
        results = [futures[name].result() for name in tells]
        if on_tell:
            on_tell("afar")
        curve = afar_job.result() if afar_job is not None else []
    overall, conf = combine(results)
    interval, method = (0.0, 1.0), "mean"
    calibrated = calibrated_overall(results)
    if calibrated is not None:
        overall, interval = calibrated
        method = "logistic"
    flattery = None
    if subject_reference is not None and ctx.face is not None:
        from candid.face import face_geometry, skin_texture
        from candid.inspector.flattery import flattery_report, reference_dicts

        ref_geo, ref_tex = reference_dicts(subject_reference)
        flattery = flattery_report(face_geometry(ctx.face.landmarks),
                                   skin_texture(ctx.pixels, ctx.face.landmarks, ctx.regions), ref_geo, ref_tex)
    face_summary = None
    if ctx.face is not None:
        from candid.face import face_geometry

        b = ctx.face.box
        s = ctx.scale
        face_summary = {"box": [b.x0 / s, b.y0 / s, b.x1 / s, b.y1 / s], "iod_px": ctx.face.iod / s,
                        "n_faces": ctx.face.n_faces, "window": [int(round(v / s)) for v in ctx.regions.window],
                        "geometry": face_geometry(ctx.face.landmarks), "work_scale": round(s, 6)}
    return InspectionReport(results, overall, conf, face_summary, ctx.face_reason, curve, flattery,
                            tuple(pixels.shape[:2]), interval, method)


def calibrated_overall(results: list[TellResult]) -> tuple[float, tuple[float, float]] | None:
    """The shipped combination's score of these tells and its range; None without a shipped model.

    The range runs over the bootstrap refits stored with the model, with the
    evidence of every tell moved by up to ``0.5 * (1 - confidence)`` both ways
    (what a tell that could not fully judge might have said).
    """
    from candid.inspector.combine import features, shipped

    model = shipped()
    if model is None:
        return None
    by_name = {t.name: t for t in results}
    x = features(type("R", (), {"tells": results})())
    p = float(model.predict(x)[0])
    slack = np.array([0.5 * (1.0 - by_name[n.split(".")[0]].confidence) if n.split(".")[0] in by_name else 0.5
                      for n in model.names])
    # At most one training standard deviation either way: a tell that rarely judges (hands) has a
    # tiny spread, and a full 0.5 would be many deviations of a feature the model barely uses.
    slack = np.minimum(slack, model.scale)
    lo_x, hi_x = x - slack, x + slack
    preds = [p]
    for m in [model] + model.bootstrap():
        # Evidence weights are >= 0: the lowest score takes every evidence low, the highest every evidence high.
        preds += [float(m.predict(np.where(m.coef >= 0, lo_x, hi_x))[0]),
                  float(m.predict(np.where(m.coef >= 0, hi_x, lo_x))[0])]
    return p, (float(min(preds)), float(max(preds)))
