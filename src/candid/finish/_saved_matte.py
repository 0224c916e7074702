"""The studio's matte saved beside a headshot, bound to its exact pixels.

A studio headshot is a composite: along the cut-out's soft edge each pixel is
candid's own mix of estimated foreground and the new backdrop, and the learned
enlarger draws those mixed pixels as chips (``docs/FINISH.md``). In memory the
finish knows the matte (``Portrait.matte``); a headshot saved to a file and
finished later (``candid finish headshot.jpg --size 4k``) needs it too.

So the front doors that write a studio result write its matte beside it, as a
**sidecar**: ``headshot.jpg`` gets ``headshot.jpg.matte.png`` (the whole output
name plus ``.matte.png``, as darktable names its ``.xmp`` sidecars, so
``a.jpg`` and ``a.png`` never share one). It is an ordinary 8-bit greyscale
PNG (anyone can look at it) with one text chunk, ``candid-matte``, holding
the version, the size and the SHA-256 **digest of the headshot's decoded
pixels** (:func:`pixel_digest`). Why a sidecar and not the file's own
metadata: it works for every output format (JPEG's XMP is capped at 64 kB),
the headshot file stays byte-for-byte what the labelling wrote (its C2PA
manifest signs it), and the digest makes it safe:

* the matte applies only to the pixels it was made for: a headshot that was
  edited, re-saved, or replaced by another run at the same path no longer
  matches, and its sidecar is ignored with a note;
* the sidecar is written after the headshot, atomically (a temporary file,
  then a rename): a ``kill -9`` leaves the old sidecar or the new one, never
  half of one, and a sidecar that does not belong (an older run, a concurrent
  writer that lost the race) fails the digest;
* reading it never raises: a missing, unreadable, wrong-sized or foreign
  sidecar is one line in the finish's notes and the finish goes on without it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: Appended to the whole output file name.
SIDECAR_SUFFIX = ".matte.png"
#: The PNG text chunk's key and the format's version.
SIDECAR_KEY = "candid-matte"
SIDECAR_VERSION = 1
#: A sidecar bigger than this is not one of ours (an 8K matte compresses to a few MB).
SIDECAR_MAX_BYTES = 64 * 2**20

_PNG_FIELD = f"png-comment-0-{SIDECAR_KEY}"


@dataclass(frozen=True)
class SavedMatte:
    """What :func:`load_saved_matte` found: the matte (or None), one line saying why, and whether a
    sidecar was there at all."""

    matte: np.ndarray | None
    note: str
    found: bool = True


def sidecar_path(image_path: str | os.PathLike) -> Path:
    """The matte sidecar's path for an image file.

    Examples
    --------
    >>> sidecar_path("out/headshot.jpg").as_posix()
    'out/headshot.jpg.matte.png'
    """
    p = Path(image_path)
    return p.with_name(p.name + SIDECAR_SUFFIX)


def _digest_of(pixels: np.ndarray) -> str:
    a = np.ascontiguousarray(pixels)
    h = hashlib.sha256(f"candid-pixels:{a.shape[1]}x{a.shape[0]}x{a.shape[2]}:{a.dtype.str}:".encode())
    h.update(a.data)
    return h.hexdigest()


def _forget_cached_decodes() -> None:
    """Empty libvips' operation cache: it keys a decoded file by its name, so a headshot or sidecar replaced
    at the same path (a re-run, a resumed batch) would otherwise be read as the old one in this process."""
    import pyvips

    keep = pyvips.cache_get_max()
    pyvips.cache_set_max(0)
    pyvips.cache_set_max(keep)


def pixel_digest(image_path: str | os.PathLike) -> str:
    """SHA-256 of an image file's decoded colour pixels (upright sRGB, 8 or 16 bit, alpha left out).

    The file's bytes would change with any metadata edit; its decoded pixels
    change only when the picture does. candid decodes the same file to the
    same pixels every time (libvips).

    Raises
    ------
    candid.errors.BadImageError
        The file cannot be decoded.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from candid.imageio import write_image
    >>> p = write_image(tempfile.mkdtemp() + "/a.png", np.full((8, 8, 3), 0.5, np.float32))
    >>> len(pixel_digest(p)), pixel_digest(p) == pixel_digest(p)
    (64, True)
    """
    import pyvips

    from candid.errors import BadImageError
    from candid.imageio import open_vips
    from candid.imageio._decode import _first_line

    _forget_cached_decodes()
    image, _ = open_vips(image_path)
    try:
        arr = np.asarray(image[:3].numpy())
    except pyvips.Error as exc:
        raise BadImageError(f"{Path(image_path).name}: the file is corrupt or truncated ({_first_line(exc)})") from None
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return _digest_of(arr)


def save_matte(image_path: str | os.PathLike, matte: np.ndarray) -> Path | None:
    """Write ``matte`` as the sidecar of the image file just written at ``image_path``.

    The digest is taken from the file as written (after its watermark and
    encoding), so the sidecar matches exactly those pixels. Written
    atomically. A matte of another size than the image writes nothing (it
    is not this image's) and removes a stale sidecar; a finished (enlarged)
    result carries its matte scaled with it (:func:`fit_matte`).

    Parameters
    ----------
    image_path : path
        The headshot, already written.
    matte : ndarray
        ``(H, W)`` alpha in [0, 1] of exactly that image (1 = subject).

    Returns
    -------
    Path or None
        The sidecar, or None when nothing was written.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from candid.imageio import write_image
    >>> p = write_image(tempfile.mkdtemp() + "/h.png", np.full((8, 8, 3), 0.5, np.float32))
    >>> m = np.zeros((8, 8), np.float32); m[2:6, 2:6] = 1
    >>> save_matte(p, m).name
    'h.png.matte.png'
    >>> bool(np.array_equal(load_saved_matte(p).matte, m))
    True
    """
    import pyvips

    from candid.files import atomic_path
    from candid.imageio import open_vips

    image_path = Path(image_path)
    side = sidecar_path(image_path)
    m = np.asarray(matte, np.float32)
    _forget_cached_decodes()
    probe, _ = open_vips(image_path)
    if m.ndim != 2 or m.shape != (probe.height, probe.width) or not np.isfinite(m).all():
        discard_matte(image_path)
        return None
    digest = pixel_digest(image_path)
    q = np.rint(np.clip(m, 0.0, 1.0) * 255.0).astype(np.uint8)
    img = pyvips.Image.new_from_array(q).copy(interpretation="b-w")
    meta = {"version": SIDECAR_VERSION, "width": int(m.shape[1]), "height": int(m.shape[0]),
            "pixels_sha256": digest, "what": "alpha of the studio cut-out (255 = subject)"}
    img.set_type(pyvips.GValue.gstr_type, _PNG_FIELD, json.dumps(meta, sort_keys=True))
    with atomic_path(side, suffix=".part.png") as tmp:
        img.pngsave(str(tmp), compression=6, strip=False)
    return side


def keep_matte(image_path: str | os.PathLike, portrait) -> Path | None:
    """The one rule every front door follows after writing a result: save its matte beside it, or clear a stale one.

    A studio result (a :class:`candid.portrait.Portrait` with a ``matte`` and
    no ``alpha``) gets its sidecar (:func:`save_matte`); any other result
    removes a sidecar candid wrote for an earlier file at that path
    (:func:`discard_matte`). ``candid make``, the web studio and ``candid
    batch`` all call this, so their outputs agree.

    Returns
    -------
    Path or None
        The sidecar written, or None.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from candid.imageio import write_image
    >>> from candid.portrait import Portrait
    >>> px = np.full((8, 8, 3), 0.5, np.float32)
    >>> p = write_image(tempfile.mkdtemp() + "/h.png", px)
    >>> keep_matte(p, Portrait(px, matte=np.ones((8, 8), np.float32))).name
    'h.png.matte.png'
    >>> keep_matte(p, Portrait(px)) is None, sidecar_path(p).exists()
    (True, False)
    """
    matte = getattr(portrait, "matte", None)
    if matte is not None and getattr(portrait, "alpha", None) is None:
        return save_matte(image_path, matte)
    discard_matte(image_path)  # the file was replaced: an old sidecar would not match it anyway
    return None


def fit_matte(matte: np.ndarray, plan) -> np.ndarray:
    """The matte of an image after a finish that resampled it by ``plan`` (same scale, crop or padding).

    The finish enlarges the cut-out's edge classically along this matte
    (:func:`candid.finish.matte_edge_trust`), so the matte scaled the same way
    lies on the enlarged edge; padding is background (0).

    Parameters
    ----------
    matte : ndarray
        ``(src_h, src_w)`` alpha in [0, 1].
    plan : candid.finish._size.FitPlan
        The finish's fit (:func:`candid.finish._size.plan_fit`).

    Returns
    -------
    ndarray
        ``(out_h, out_w)`` float32 in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from candid.finish._size import plan_fit
    >>> m = np.zeros((10, 10), np.float32); m[:, 5:] = 1
    >>> out = fit_matte(m, plan_fit(10, 10, (40, 40), "contain"))
    >>> out.shape, float(out[:, :18].max()), float(out[:, 22:].min())
    ((40, 40), 0.0, 1.0)
    >>> fit_matte(m, plan_fit(10, 10, (40, 20), "pad")).shape
    (20, 40)
    """
    import cv2

    m = np.asarray(matte, np.float32)
    if m.shape != (plan.src_h, plan.src_w):
        raise ValueError(f"matte is {m.shape[1]}x{m.shape[0]}, the plan's source {plan.src_w}x{plan.src_h}")
    rw, rh = plan.resampled_w, plan.resampled_h
    shrink = rw < plan.src_w and rh < plan.src_h
    m = cv2.resize(m, (rw, rh), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    if plan.fit == "pad":
        out = np.zeros((plan.out_h, plan.out_w), np.float32)
        out[plan.offset_y:plan.offset_y + rh, plan.offset_x:plan.offset_x + rw] = m
    else:  # crop (contain has offset 0 and the resampled size is the output)
        out = m[plan.offset_y:plan.offset_y + plan.out_h, plan.offset_x:plan.offset_x + plan.out_w]
    return np.ascontiguousarray(np.clip(out, 0.0, 1.0), dtype=np.float32)


def discard_matte(image_path: str | os.PathLike) -> None:
    """Remove the sidecar of ``image_path`` if there is one of ours (the file was replaced by a result with no matte).

    A file at the sidecar's name that candid did not write (no ``candid-matte``
    chunk) is left alone: nothing of the user's is lost.

    Examples
    --------
    >>> discard_matte("/nonexistent/folder/h.jpg")
    """
    path = sidecar_path(image_path)
    try:
        if path.stat().st_size > SIDECAR_MAX_BYTES or SIDECAR_KEY.encode() not in path.read_bytes():
            return
        path.unlink()
    except OSError:
        pass


def load_saved_matte(image_path: str | os.PathLike) -> SavedMatte:
    """The matte saved beside ``image_path``, if it belongs to exactly these pixels; never raises.

    Returns
    -------
    SavedMatte
        ``matte`` ``(H, W)`` float32 in [0, 1] or None, and ``note``: one line
        for the user ("used the cut-out's matte saved with the headshot", or
        "no matte: ..." with the reason).

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from candid.imageio import write_image
    >>> p = write_image(tempfile.mkdtemp() + "/h.png", np.full((8, 8, 3), 0.5, np.float32))
    >>> load_saved_matte(p).note
    'no matte: none saved with this image (h.png.matte.png)'
    >>> _ = sidecar_path(p).write_bytes(b"not a png")
    >>> r = load_saved_matte(p); r.matte is None, r.note
    (True, 'no matte: h.png.matte.png is not a readable matte, ignored')
    """
    image_path = Path(image_path)
    side = sidecar_path(image_path)
    name = side.name
    try:
        size = side.stat().st_size
    except OSError:
        return SavedMatte(None, f"no matte: none saved with this image ({name})", found=False)
    unreadable = SavedMatte(None, f"no matte: {name} is not a readable matte, ignored")
    _forget_cached_decodes()
    if size > SIDECAR_MAX_BYTES or size < 8 or side.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
        return unreadable
    try:
        import pyvips

        img = pyvips.Image.new_from_file(str(side), access="sequential", fail=True)
        meta = json.loads(img.get(_PNG_FIELD)) if _PNG_FIELD in img.get_fields() else None
        if not isinstance(meta, dict) or meta.get("version") != SIDECAR_VERSION:
            return unreadable
        w, h, want = int(meta["width"]), int(meta["height"]), str(meta["pixels_sha256"])
        if (img.width, img.height, img.bands, img.format) != (w, h, 1, "uchar"):
            return unreadable
        from candid.imageio import open_vips

        probe, _ = open_vips(image_path)
        if (probe.width, probe.height) != (w, h):
            return SavedMatte(None, f"no matte: {name} is {w}x{h}, the image {probe.width}x{probe.height}; "
                                    f"ignored (the image was changed after it was saved)")
        if pixel_digest(image_path) != want:
            return SavedMatte(None, f"no matte: {name} belongs to other pixels (the image was edited or "
                                    f"replaced after it was saved); ignored")
        alpha = np.asarray(img.numpy(), np.float32).reshape(h, w) / np.float32(255.0)
    except Exception:  # a sidecar is a hint: whatever is wrong with it, finish without it
        return unreadable
    return SavedMatte(alpha, "used the cut-out's matte saved with the headshot: classical enlargement along "
                             "its soft edge")


__all__ = ["SIDECAR_SUFFIX", "SavedMatte", "discard_matte", "fit_matte", "keep_matte", "load_saved_matte",
           "pixel_digest", "save_matte", "sidecar_path"]
