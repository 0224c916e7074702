"""An invisible watermark that carries a short id: block-DCT QIM with Reed-Solomon.

Scheme
------
* The luminance is cut into 32 x 32 blocks. In each block four low-frequency
  DCT coefficients, (0,1) (1,0) (1,1) (0,2) of the orthonormal 2-D DCT, are
  quantised with dither modulation (QIM, step ``24 * strength`` in 8-bit
  units) so each one carries the block's bit. Low frequencies survive JPEG,
  resizing and re-encoding; the change per pixel is below one grey level.
* The payload is one magic byte and a 32-bit id, protected by a Reed-Solomon
  code with 5 parity bytes (``reedsolo``): 80 code bits that corrects any two
  wrong bytes. The 80 bits fill a tile of 8 x 10 blocks (256 x 320 px), and the
  tile repeats over the whole image, so every bit is voted on many times.
* The reader needs no side information: it tries a few scales (1, 2, 4/3, 1.25:
  undoing a 50 %, 75 % or 80 % downscale), searches all 32 x 32 pixel offsets
  of the block grid (a crop moves it), picks the offset whose per-bit votes
  agree most, then tries the 80 positions of the tile and accepts the first
  that Reed-Solomon decodes with the right magic byte.

Known weaknesses (see docs/PROVENANCE.md): rotation, non-listed scale factors,
strong blur, heavy denoising and regeneration by a diffusion model remove it;
images smaller than one tile (256 x 320 px) cannot carry it. It is a label,
not a defence against someone determined to remove it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from candid.colour import luma
from candid.errors import CandidError
from candid.machine import usable_cpus
from candid.pixels import check_float_image

BLOCK = 32
TILE_ROWS, TILE_COLS = 8, 10
N_BITS = TILE_ROWS * TILE_COLS  # 80 = (1 magic + 4 id + 5 parity) bytes
MAGIC = 0xCA
N_PARITY = 5
BASE_STEP = 24.0
COEFFS = ((0, 1), (1, 0), (1, 1), (0, 2))
DEFAULT_SCALES = (1.0, 2.0, 4.0 / 3.0, 1.25)
#: Largest square the reader analyses (centre crop), bounding its time and memory.
READ_WINDOW = 1024


def _dct_matrix(n: int = BLOCK) -> np.ndarray:
    k = np.arange(n)
    d = np.cos(np.pi * (2 * k[None, :] + 1) * k[:, None] / (2 * n)) * np.sqrt(2.0 / n)
    d[0] /= np.sqrt(2.0)
    return d.astype(np.float64)


_D = _dct_matrix()
_DITHER = np.array([(0.6180339887 * (j + 1)) % 1.0 for j in range(len(COEFFS))])


@dataclass(frozen=True)
class WatermarkReading:
    """What :func:`read_watermark_details` found.

    Attributes
    ----------
    id : str or None
        The 8-hex-digit id, or None if no watermark decoded.
    confidence : float
        Vote agreement in [0, 1] at the best grid position (about 0.1-0.2
        for unmarked images, near 1 for a clean mark).
    bit_errors : int or None
        Code bits that Reed-Solomon had to correct (of 80), when decoded.
    bits : ndarray
        The 80 hard bits read at the best position (tile order as decoded, or
        the unshifted order when nothing decoded).
    scale : float
        Scale factor the reader applied.
    """

    id: str | None
    confidence: float
    bit_errors: int | None
    bits: np.ndarray
    scale: float


def _rs():
    try:
        import reedsolo
    except ImportError as exc:  # pragma: no cover - dependency
        raise CandidError("the watermark needs the 'reedsolo' package", hint="pip install reedsolo") from exc
    return reedsolo.RSCodec(N_PARITY)


def _normalise_id(payload_id: str | int) -> bytes:
    if isinstance(payload_id, (int, np.integer)) and not isinstance(payload_id, bool):
        if not 0 <= int(payload_id) < 2**32:
            raise ValueError("payload_id must fit in 32 bits")
        return int(payload_id).to_bytes(4, "big")
    if isinstance(payload_id, str):
        text = payload_id.strip().lower()
        if len(text) == 8 and all(c in "0123456789abcdef" for c in text):
            return bytes.fromhex(text)
    raise ValueError(f"payload_id must be 8 hex digits or an int below 2**32, got {payload_id!r}")


def codeword_bits(payload_id: str | int) -> np.ndarray:
    """The 80 code bits a given id is embedded as.

    Examples
    --------
    >>> codeword_bits("00c0ffee").shape
    (80,)
    """
    data = bytes([MAGIC]) + _normalise_id(payload_id)
    code = bytes(_rs().encode(data))
    return np.unpackbits(np.frombuffer(code, np.uint8))


def watermark_id_for(pixels: np.ndarray, extra: bytes = b"") -> str:
    """A deterministic 8-hex-digit id from pixel bytes (and anything else, e.g. the log).

    Examples
    --------
    >>> watermark_id_for(np.zeros((2, 2, 3), np.float32))
    '17b0761f'
    """
    h = hashlib.sha256(np.ascontiguousarray(pixels))  # the buffer itself: no bytes copy (same digest)
    h.update(extra)
    return h.hexdigest()[:8]


def _luma(pixels: np.ndarray) -> np.ndarray:
    """JPEG's Y' on the 0-255 scale (the watermark lives where JPEG quantises)."""
    return luma(pixels) * np.float32(255.0)


def embed_watermark(pixels: np.ndarray, payload_id: str | int, strength: float = 1.0) -> np.ndarray:
    """Embed an invisible watermark carrying ``payload_id`` into an sRGB image.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float in [0, 1]. Not modified.
    payload_id : str or int
        8 hex digits or an int below 2**32.
    strength : float
        Scales the quantisation step (1.0: PSNR about 50 dB). Higher is more
        robust and more visible; 0.5-2 is sensible.

    Returns
    -------
    ndarray
        A new float32 array.

    Raises
    ------
    ValueError
        Bad shape, dtype, id, or an image smaller than one watermark tile.

    Examples
    --------
    >>> from skimage.data import astronaut
    >>> img = astronaut().astype(np.float32) / 255
    >>> marked = embed_watermark(img, "00c0ffee")
    >>> read_watermark(marked)[0]
    '00c0ffee'
    """
    arr = check_float_image(pixels)
    mark = band_marker(arr, payload_id, strength)
    h = arr.shape[0]
    out = np.empty(arr.shape, np.float32)

    def one(r0: int) -> None:
        out[r0:min(h, r0 + MARK_BAND_ROWS)] = mark(r0, min(h, r0 + MARK_BAND_ROWS))

    _on_bands(h, one)
    return out


#: Rows per band of the banded watermark embedding (a multiple of :data:`BLOCK`).
MARK_BAND_ROWS = 8 * BLOCK


def _on_bands(h: int, fn, workers: int | None = None) -> None:
    """Run ``fn(r0)`` for every band start ``r0`` of :data:`MARK_BAND_ROWS` rows, on a thread pool."""
    
    starts = list(range(0, h, MARK_BAND_ROWS))
    workers = workers or min(8, usable_cpus())
    if workers <= 1 or len(starts) <= 1:
        for r0 in starts:
            fn(r0)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(workers, len(starts))) as pool:
        for f in [pool.submit(fn, r0) for r0 in starts]:
            f.result()


def band_marker(pixels: np.ndarray, payload_id: str | int, strength: float = 1.0):
    """The banded form of :func:`embed_watermark`: a function ``mark(r0, r1)`` giving marked rows ``r0:r1``.

    ``r0`` must be a multiple of :data:`BLOCK` (``r1`` too, unless it is the
    image height). Each call returns a new float32 ``(r1 - r0, W, 3)`` array
    in [0, 1] equal to those rows of ``embed_watermark(pixels, ...)``; bands are
    independent (blocks never cross them), so they can run on threads and be
    quantised or encoded one at a time instead of copying the whole image.

    Examples
    --------
    >>> from skimage.data import astronaut
    >>> img = astronaut().astype(np.float32) / 255
    >>> mark = band_marker(img, "00c0ffee")
    >>> marked = np.concatenate([mark(0, 256), mark(256, 512)])
    >>> read_watermark(marked)[0]
    '00c0ffee'
    """
    arr = check_float_image(pixels)
    if not 0.05 <= float(strength) <= 10:
        raise ValueError("strength must be between 0.05 and 10")
    h, w = arr.shape[:2]
    nby, nbx = h // BLOCK, w // BLOCK
    if nby < TILE_ROWS or nbx < TILE_COLS:
        raise ValueError(f"image {w}x{h} is smaller than one watermark tile "
                         f"({TILE_COLS * BLOCK}x{TILE_ROWS * BLOCK} px)")
    step = BASE_STEP * float(strength)
    bits = codeword_bits(payload_id).reshape(TILE_ROWS, TILE_COLS)
    rows = np.arange(nby) % TILE_ROWS
    cols = np.arange(nbx) % TILE_COLS
    block_bits = bits[rows[:, None], cols[None, :]].astype(np.float64)  # (nby, nbx)
    d32 = _D.astype(np.float32)
    rows_needed = sorted({u for u, _ in COEFFS})
    row_of = {u: i for i, u in enumerate(rows_needed)}
    # the (u, v) DCT basis images, orthonormal (coefficient (u, v) moves by `change`), on the 0-1 scale
    bases = np.stack([np.outer(d32[u], d32[v]) for u, v in COEFFS]).reshape(len(COEFFS), BLOCK * BLOCK)
    bases = (bases / np.float32(255.0)).astype(np.float32)
    d_rows = np.ascontiguousarray(d32[rows_needed])

    def mark(r0: int, r1: int) -> np.ndarray:
        if r0 % BLOCK or r0 < 0 or r1 > h or (r1 % BLOCK and r1 != h) or r1 <= r0:
            raise ValueError(f"bad band rows {r0}:{r1} (block-aligned, within {h})")
        out = np.array(arr[r0:r1], dtype=np.float32, copy=True)
        b0, b1 = r0 // BLOCK, min(nby, r1 // BLOCK)
        if b1 > b0:
            n = b1 - b0
            y = _luma(out[: n * BLOCK, : nbx * BLOCK]).reshape(n, BLOCK, nbx * BLOCK)
            # each block's columns projected on the DCT basis rows needed, all at once -> (n, rows, nbx, BLOCK)
            proj = np.matmul(d_rows, y).reshape(n, len(rows_needed), nbx, BLOCK)
            del y
            changes = np.empty((n, nbx, len(COEFFS)), np.float32)
            for j, (u, v) in enumerate(COEFFS):
                c = (proj[:, row_of[u]] @ d32[v]).astype(np.float64)  # (n, nbx) coefficient (u, v) of every block
                offset = (_DITHER[j] + 0.5 * block_bits[b0:b1]) * step
                target = np.round((c - offset) / step) * step + offset
                changes[..., j] = target - c
            # every block's change as one product with the basis images, then back to image layout
            delta = (changes.reshape(n * nbx, len(COEFFS)) @ bases).reshape(n, nbx, BLOCK, BLOCK)
            out[: n * BLOCK, : nbx * BLOCK] += delta.transpose(0, 2, 1, 3).reshape(n * BLOCK, nbx * BLOCK)[:, :, None]
        np.clip(out, 0.0, 1.0, out=out)
        return out

    return mark


def _resize(y: np.ndarray, scale: float) -> np.ndarray:
    from PIL import Image

    if scale == 1.0:
        return y
    h, w = y.shape
    size = (max(1, int(round(w * scale))), max(1, int(round(h * scale))))
    return np.asarray(Image.fromarray(y.astype(np.float32), mode="F").resize(size, Image.BICUBIC), np.float64)


def _coefficient_maps(y: np.ndarray, step: float) -> np.ndarray:
    """Soft bit votes for every possible block origin: ``S[y, x]`` for a block starting at (y, x)."""
    import cv2

    votes = None
    y32 = np.asarray(y, np.float32)
    for j, (u, v) in enumerate(COEFFS):
        # the (u, v) DCT coefficient of the block starting at each pixel (zeros beyond the edge): one
        # separable float32 correlation with the anchor at the kernel's start (3x faster than scipy's
        # float64 correlate1d; the votes agree to ~1e-4)
        t = cv2.sepFilter2D(y32, cv2.CV_32F, _D[v].astype(np.float32), _D[u].astype(np.float32), anchor=(0, 0),
                            borderType=cv2.BORDER_CONSTANT)
        # the phase in float32, reduced to one period before the cosine (numpy's float32 cos is vectorised,
        # ~5x faster than float64; the votes move by < 1e-4 and the confidence by < 1e-5)
        t *= np.float32(1.0 / step)
        t -= np.float32(_DITHER[j])
        t -= np.floor(t)
        t *= np.float32(2 * np.pi)
        vote = np.cos(t, out=t)
        if votes is None:
            votes = vote.astype(np.float64)
        else:
            votes += vote
    return votes / len(COEFFS)


def _best_offset(votes: np.ndarray) -> tuple[float, np.ndarray]:
    """The block-grid offset whose per-bit votes agree most: ``(score, mean votes per tile bit)``.

    All 32 x 32 offsets at once: the votes are cut into (block row, offset y,
    block column, offset x), blocks past the edge for an offset are masked out,
    and one-hot sums gather them onto the 8 x 10 tile (the first best offset in
    row-major order wins, as a loop over offsets would pick).
    """
    h, w = votes.shape
    nb_y, nb_x = h // BLOCK + 1, w // BLOCK + 1
    padded = np.zeros((nb_y * BLOCK, nb_x * BLOCK))
    padded[:h, :w] = votes
    v = padded.reshape(nb_y, BLOCK, nb_x, BLOCK)  # [block y, offset y, block x, offset x]
    off = np.arange(BLOCK)
    valid_y = (off[None, :] + BLOCK * (np.arange(nb_y)[:, None] + 1)) <= h  # [block y, offset y]
    valid_x = (off[None, :] + BLOCK * (np.arange(nb_x)[:, None] + 1)) <= w
    one_y = (np.arange(nb_y)[:, None] % TILE_ROWS == np.arange(TILE_ROWS)[None, :]).astype(np.float64)
    one_x = (np.arange(nb_x)[:, None] % TILE_COLS == np.arange(TILE_COLS)[None, :]).astype(np.float64)
    my, mx = one_y[:, None, :] * valid_y[:, :, None], one_x[:, None, :] * valid_x[:, :, None]  # [b, o, tile]
    acc = np.einsum("aybx,ayt,bxs->ytxs", v, my, mx, optimize=True)  # [offset y, tile row, offset x, tile col]
    cnt = my.sum(axis=0)[:, :, None, None] * mx.sum(axis=0)[None, None, :, :]  # [oy, tile row, ox, tile col]
    mean = acc / np.maximum(cnt, 1)
    seen = cnt > 0
    n_seen = seen.sum(axis=(1, 3))
    score = np.where(n_seen > 0, (np.abs(mean) * seen).sum(axis=(1, 3)) / np.maximum(n_seen, 1), -1.0)
    usable = (valid_y.any(axis=0)[:, None]) & (valid_x.any(axis=0)[None, :])  # at least one block
    score = np.where(usable, np.where(n_seen > 0, score, 0.0), -np.inf)
    if not np.isfinite(score).any():
        return -1.0, None
    k = int(np.argmax(score))
    oy, ox = divmod(k, BLOCK)
    return float(score[oy, ox]), mean[oy, :, ox, :]


def _decode(mean: np.ndarray) -> tuple[str | None, int | None, np.ndarray]:
    import reedsolo

    rs = _rs()
    for sy in range(TILE_ROWS):
        for sx in range(TILE_COLS):
            bits = (np.roll(mean, (sy, sx), axis=(0, 1)).ravel() < 0).astype(np.uint8)
            code = bytes(np.packbits(bits))
            try:
                data, fixed, _ = rs.decode(code)
            except reedsolo.ReedSolomonError:
                continue
            if len(data) != 5 or data[0] != MAGIC:
                continue
            corrected = np.unpackbits(np.frombuffer(bytes(fixed), np.uint8))
            return bytes(data[1:]).hex(), int(np.count_nonzero(corrected != bits)), bits
    return None, None, (mean.ravel() < 0).astype(np.uint8)


def read_watermark_details(pixels: np.ndarray, *, scales: tuple[float, ...] = DEFAULT_SCALES,
                           strength: float = 1.0) -> WatermarkReading:
    """Look for a candid watermark and report what was found in detail.

    Parameters
    ----------
    pixels : ndarray
        ``(H, W, 3)`` float in [0, 1], sRGB.
    scales : tuple of float
        Resize factors to try (2.0 undoes a 50 % downscale).
    strength : float
        The strength the mark was embedded with (the quantisation step must match).

    Returns
    -------
    WatermarkReading

    Examples
    --------
    >>> read_watermark_details(np.zeros((300, 400, 3), np.float32)).id is None
    True
    """
    arr = check_float_image(pixels)
    # Only a central window is analysed: crop before converting and resizing,
    # so time and memory stay bounded for 8K (or 16K) inputs.
    h0, w0 = arr.shape[:2]
    side = READ_WINDOW + 2 * BLOCK
    top0, left0 = max(0, (h0 - side) // 2), max(0, (w0 - side) // 2)
    y0 = _luma(arr[top0 : top0 + side, left0 : left0 + side]).astype(np.float64)
    best_fail: WatermarkReading | None = None

    def at_scale(scale: float) -> WatermarkReading | None:
        y = _resize(y0, scale)
        h, w = y.shape
        if h < TILE_ROWS * BLOCK or w < TILE_COLS * BLOCK:
            return None
        top, left = max(0, (h - READ_WINDOW) // 2), max(0, (w - READ_WINDOW) // 2)
        y = y[top : top + READ_WINDOW, left : left + READ_WINDOW]
        votes = _coefficient_maps(y, BASE_STEP * float(strength))
        score, mean = _best_offset(votes)
        if mean is None:
            return None
        wid, errors, bits = _decode(mean)
        return WatermarkReading(wid, round(score, 4), errors, bits, scale)

    # one scale at a time, in order: a mark at its own size decodes at the first, and the reader's working
    # set stays one scale's (it often runs beside a render; two scales on threads cost ~40 MB more peak
    # memory for ~0.2 s of wall time)
    for scale in scales:
        reading = at_scale(scale)
        if reading is None:
            continue
        if reading.id is not None:
            return reading
        if best_fail is None or reading.confidence > best_fail.confidence:
            best_fail = WatermarkReading(None, reading.confidence, None, reading.bits, reading.scale)
    if best_fail is None:
        return WatermarkReading(None, 0.0, None, np.zeros(N_BITS, np.uint8), 1.0)
    return best_fail


def read_watermark(pixels: np.ndarray, *, strength: float = 1.0) -> tuple[str | None, float, int | None]:
    """Read a candid watermark: ``(id or None, confidence, bit_errors)``.

    ``bit_errors`` is the number of the 80 code bits Reed-Solomon corrected
    (None when nothing decoded). ``confidence`` is the vote agreement in [0, 1].

    Examples
    --------
    >>> wid, conf, errs = read_watermark(np.full((300, 400, 3), 0.5, np.float32))
    >>> wid is None
    True
    """
    r = read_watermark_details(pixels, strength=strength)
    return r.id, r.confidence, r.bit_errors
