"""Finding everything the web studio holds about one person, so erasing them leaves nothing behind.

What is certainly theirs is erased without more questions: every job that
recorded them as the subject (result, log, and its source photo once no other
job uses it) and every reference photo uploaded for an enrollment that never
finished unless it clearly shows someone else.

A result made *without* choosing them may still show them. The studio looks
for their face in every other result and unused upload (the identity
embedding the library uses, :func:`candid.face.identity_distance`, against
each of their reference photos) and offers what is closer than the library's
same-person line as *candidates*, for the person to tick: on real photos this
embedding also calls some look-alikes the same person (on the development
photos another actress came out at 0.39 against Yang Mi's references, not far
from Yang Mi's own unenrolled photo at 0.29; the line is 0.6), so a face match
alone never erases anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from candid.face import SAME_PERSON_THRESHOLD
from candid.web.jobs import ID

#: Longest side at which a result or upload is searched for faces (the detector's own working size).
SEARCH_SIDE = 1280
#: Most faces looked at in one image (a group photo).
MAX_FACES = 8


@dataclass(frozen=True)
class Candidate:
    """Something that may show the person: a studio result or an unused upload, with how close its face is."""

    kind: str  # "result" or "upload"
    id: str
    label: str
    distance: float

    def to_dict(self) -> dict:
        """For the API: no distance number, a word for it."""
        return {"kind": self.kind, "id": self.id, "label": self.label,
                "likeness": "very close" if self.distance < 0.45 else "close"}


@dataclass
class ErasePlan:
    """What erasing one person from the studio removes, and what it asks about.

    Attributes
    ----------
    jobs : list of str
        Job ids recorded for them (results, logs; their photos once unused).
    running : list of str
        Jobs of theirs still queued or running (cancelled; erase again once stopped).
    uploads : list of str
        Reference photos uploaded for an enrollment that never finished (not clearly someone else).
    candidates : list of Candidate
        Results and unused uploads made without choosing them whose face is close to theirs.

    Examples
    --------
    >>> ErasePlan().empty
    True
    """

    jobs: list[str] = field(default_factory=list)
    running: list[str] = field(default_factory=list)
    uploads: list[str] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.jobs or self.running or self.uploads or self.candidates)


def _load_small(path: Path, side: int = SEARCH_SIDE) -> np.ndarray:
    """An image file as float32 sRGB, its long side at most ``side`` (decoded shrunk-on-load)."""
    import pyvips

    im = pyvips.Image.thumbnail(str(path), side, height=side, size="down")
    if im.hasalpha():
        im = im.flatten()
    if im.bands == 1:
        im = im.colourspace("srgb")
    arr = np.ndarray(buffer=im.write_to_memory(), dtype=np.uint8, shape=(im.height, im.width, im.bands))
    return arr[..., :3].astype(np.float32) / 255.0


def nearest_face(path: Path, references: np.ndarray) -> float | None:
    """Smallest identity distance between any face in the image at ``path`` and the ``references``.

    Parameters
    ----------
    path : Path
        An image file.
    references : ndarray
        ``(n, 128)`` identity embeddings (a subject's reference photos).

    Returns
    -------
    float or None
        None when the file cannot be read or has no usable face.

    Examples
    --------
    >>> import tempfile
    >>> from skimage import data
    >>> from candid.face import analyze_face
    >>> from candid.imageio import write_image
    >>> img = data.astronaut().astype(np.float32) / 255
    >>> ref = analyze_face(img, quality=False).embedding[None]
    >>> p = write_image(Path(tempfile.mkdtemp()) / "a.jpg", img)
    >>> nearest_face(p, ref) < SAME_PERSON_THRESHOLD
    True
    >>> nearest_face(p.with_name("missing.jpg"), ref) is None
    True
    """
    from candid.errors import CandidError
    from candid.face import analyze_face, detect_faces, identity_distance

    try:
        pixels = _load_small(path)
        n = len(detect_faces(pixels))
    except Exception:  # unreadable, truncated, not an image: nothing to match (the caller keeps it)
        return None
    best = None
    for i in range(min(n, MAX_FACES)):
        try:
            emb = analyze_face(pixels, face_index=i, quality=False).embedding
        except CandidError:
            continue
        d = min(identity_distance(emb, r) for r in references)
        best = d if best is None else min(best, d)
    return best


def plan_erase(store, data_dir: Path, who: str, references: np.ndarray, *, look: bool = True) -> ErasePlan:
    """Everything the studio in ``data_dir`` holds about ``who`` (nothing is deleted here).

    Parameters
    ----------
    store : candid.web.store.JobStore
    data_dir : Path
        The studio's data folder (``uploads/``, ``results/``).
    who : str
        The subject's name as enrolled.
    references : ndarray
        Their reference embeddings, ``(n, 128)``.
    look : bool
        Look for their face in results and uploads made without choosing them
        (about half a second an image); False lists only what is recorded.

    Returns
    -------
    ErasePlan
    """
    from candid.web.jobs import upload_path

    plan = ErasePlan()
    refs = np.asarray(references, np.float32).reshape(-1, 128)

    def distance(path: Path | None) -> float | None:
        if not look or path is None or refs.size == 0 or not path.is_file():
            return None
        return nearest_face(path, refs)

    jobs = store.list(limit=1_000_000)
    for job in jobs:
        params = job["params"]
        if (params.get("subject") or "").casefold() == who.casefold():
            (plan.running if job["state"] in ("queued", "running") else plan.jobs).append(job["id"])
            continue
        if job["state"] in ("queued", "running"):
            continue
        result = data_dir / "results" / job["id"] / "result.jpg"
        what = f"studio result {job['id'][:8]}" if job["state"] == "done" else f"studio job {job['id'][:8]}"
        if params.get("filename"):
            what += f" (from {params['filename']})"
        if job["state"] == "done" and result.is_file():
            d = distance(result)
        else:
            try:
                d = distance(upload_path(data_dir, params.get("upload", "")))
            except Exception:  # its photo is already gone
                d = None
        if d is not None and d < SAME_PERSON_THRESHOLD:
            plan.candidates.append(Candidate("result", job["id"], what, d))
    used = {j["params"].get("upload") for j in jobs}  # an upload a job uses goes with that job, not here
    for meta_path in sorted((data_dir / "uploads").glob("*.json")):
        uid = meta_path.stem
        if not ID.match(uid) or uid in used:
            continue
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            photo = upload_path(data_dir, uid)
        except Exception:  # a broken record: its photo is gone or unreadable
            continue
        d = distance(photo)
        name = meta.get("filename") or uid[:8]
        if meta.get("quality") is not None:  # a reference photo of an enrollment that never finished
            if d is None or d < SAME_PERSON_THRESHOLD:
                plan.uploads.append(uid)
        elif d is not None and d < SAME_PERSON_THRESHOLD:
            plan.candidates.append(Candidate("upload", uid, f"uploaded photo {name}", d))
    plan.candidates.sort(key=lambda c: c.distance)
    return plan


def carry_out(store, data_dir: Path, plan: ErasePlan, also=()) -> dict:
    """Erase what ``plan`` found from the studio, plus the candidates whose ids are in ``also``.

    Queued and running jobs of theirs are cancelled (they stop at their next
    stage; erase again once they stopped). Returns counts and words:
    ``results_removed``, ``uploads_removed``, ``kept`` (candidates not chosen)
    and ``leftovers`` (what could not go yet).
    """
    import shutil

    chosen = set(also)
    results_removed = uploads_removed = 0
    leftovers = []
    for job_id in plan.running:
        store.cancel(job_id)
        leftovers.append(f"studio job {job_id[:8]} (was running; cancelled, erase again once it stopped)")

    def drop_upload(uid: str | None) -> bool:
        if not uid or not ID.match(uid) or store.uses_upload(uid):
            return False
        files = list((data_dir / "uploads").glob(f"{uid}.*"))
        for f in files:
            f.unlink(missing_ok=True)
        return bool(files)

    for job_id in plan.jobs + [c.id for c in plan.candidates if c.kind == "result" and c.id in chosen]:
        job = store.get(job_id)
        if job is not None and store.delete(job_id):
            shutil.rmtree(data_dir / "results" / job_id, ignore_errors=True)
            results_removed += 1
            drop_upload(job["params"].get("upload"))
    for uid in plan.uploads + [c.id for c in plan.candidates if c.kind == "upload" and c.id in chosen]:
        uploads_removed += drop_upload(uid)
    return {"results_removed": results_removed, "uploads_removed": uploads_removed,
            "kept": [c.label for c in plan.candidates if c.id not in chosen], "leftovers": leftovers}


__all__ = ["Candidate", "ErasePlan", "carry_out", "nearest_face", "plan_erase"]
