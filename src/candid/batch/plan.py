"""Turning a checked manifest into work items with content keys.

A work item's key is the SHA-256 of everything its output bytes depend on:
the bytes of every input, the recipe with the row's overrides applied, the
subject's enrolled photos and consent, the output format, the candid version
and (when set) the fixed timestamp. Same key -> same output, so a finished key
is never computed again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict

import candid
from candid.batch.manifest import Manifest, ManifestError, validate_manifest

#: Bytes of working memory per output pixel at the peak of a typical recipe
#: (float32 RGB is 12 B/px; stages hold a few copies, masks and tiles).
#: Measured at 4K with the linkedin recipe: see docs/BATCH.md.
BYTES_PER_PIXEL = 90
#: Memory a worker process needs before any image (imports, face models).
WORKER_BASE_BYTES = 450 * 1024 * 1024


class WorkItem(BaseModel):
    """One manifest row, ready to run anywhere: absolute paths, hashes, the final recipe.

    Attributes
    ----------
    key : str
        Content key (hex SHA-256), the name of the result in the store.
    line : int
        Manifest row.
    output : str
        Output name inside the batch folder.
    inputs : list of str
        Absolute input paths; ``inputs[0]`` is what the recipe runs on.
    input_sha256 : list of str
        Hash of each input's bytes, checked again by the worker.
    subject, library : str or None
        Subject name and library folder.
    recipe : dict
        The recipe with the row's overrides applied (``Recipe.model_dump()``).
    suffix : str
        Output format suffix, lower case (``".jpg"``).
    fixed_time : str or None
        If set, every log entry is stamped with this time (reproducible bytes).
    est_bytes : int
        Estimated peak memory of one run, for scheduling.

    Examples
    --------
    >>> item = WorkItem(key="ab" * 32, line=1, output="a.jpg", inputs=["/a.jpg"], input_sha256=["00"],
    ...                 recipe={"name": "r", "steps": []}, suffix=".jpg", est_bytes=1)
    >>> item.version == candid.__version__
    True
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    line: int
    output: str
    inputs: list[str]
    input_sha256: list[str]
    subject: str | None = None
    subject_fingerprint: str | None = None
    library: str | None = None
    recipe: dict[str, Any]
    suffix: str
    fixed_time: str | None = None
    version: str = candid.__version__
    est_bytes: int


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks.

    Examples
    --------
    >>> from pathlib import Path
    >>> _ = Path("/tmp/candid-h.txt").write_bytes(b"abc")
    >>> file_sha256("/tmp/candid-h.txt")[:12]
    'ba7816bf8f01'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def content_key(input_sha256: list[str], recipe: dict[str, Any], *, suffix: str,
                subject_fingerprint: str | None = None, fixed_time: str | None = None,
                version: str = candid.__version__) -> str:
    """The content key of one result: SHA-256 over a canonical JSON of its inputs.

    Examples
    --------
    >>> k1 = content_key(["00"], {"name": "r", "steps": []}, suffix=".jpg")
    >>> k2 = content_key(["00"], {"steps": [], "name": "r"}, suffix=".jpg")
    >>> k1 == k2, k1 == content_key(["01"], {"name": "r", "steps": []}, suffix=".jpg")
    (True, False)
    """
    doc = {"candid": version, "inputs": list(input_sha256), "recipe": recipe, "format": suffix,
           "subject": subject_fingerprint, "time": fixed_time}
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def subject_fingerprint(profile) -> str:
    """A hash of what a subject profile contributes to a result: id, photos, consent.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> p = NS(id="s1", name="Ada", photos=[NS(sha256="aa")], consent=NS(kind="self"))
    >>> len(subject_fingerprint(p))
    64
    """
    doc = {"id": profile.id, "name": profile.name, "photos": sorted(ph.sha256 for ph in profile.photos),
           "consent": repr(profile.consent)}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def estimate_bytes(recipe, src_w: int, src_h: int) -> int:
    """Estimated peak memory of running ``recipe`` on a ``src_w x src_h`` image.

    The largest image the recipe holds is the finish target (if it has a
    ``finish`` step) or the source; peak memory is :data:`BYTES_PER_PIXEL`
    times its pixel count plus :data:`WORKER_BASE_BYTES`.

    Examples
    --------
    >>> from candid.recipes import Recipe, Step
    >>> r = Recipe(name="r", steps=[Step(stage="finish", params={"size": "4k"})])
    >>> estimate_bytes(r, 512, 512) // 2**20 > 500
    True
    """
    pixels = src_w * src_h
    for step in recipe.steps:
        if step.stage == "finish":
            try:
                from candid.finish._size import target_size

                w, h = target_size(src_w, src_h, step.params.get("size", "8k"), step.params.get("fit", "crop"))
                pixels = max(pixels, w * h)
            except Exception:  # invalid size: the stage reports it; assume 8K
                pixels = max(pixels, 7680 * 4320)
    return int(WORKER_BASE_BYTES + BYTES_PER_PIXEL * pixels)


def plan(manifest: Manifest, recipe, *, library=None, fixed_time: str | None = None,
         validate: bool = True) -> list["WorkItem"]:
    """One :class:`WorkItem` per manifest row, with its content key.

    Parameters
    ----------
    manifest : Manifest
    recipe : candid.recipes.Recipe
    library : Library or path, optional
        Subject library (rows with subjects); None = the default library.
    fixed_time : str, optional
        ISO 8601 time stamped on every log entry, for byte-reproducible outputs
        (part of the key).
    validate : bool
        Run :func:`validate_manifest` first and raise on any problem.

    Returns
    -------
    list of WorkItem
        In manifest order. Rows with identical content share a key.

    Raises
    ------
    ManifestError
        Validation found problems (all listed), or an input changed while hashing.

    Examples
    --------
    >>> items = plan(manifest, recipe)  # doctest: +SKIP
    >>> items[0].key[:8]  # doctest: +SKIP
    '3f9c2a71'
    """
    from candid.errors import CandidError
    from candid.imageio import max_pixels_limit, read_header

    if validate:
        errors = validate_manifest(manifest, recipe, library)
        if errors:
            raise ManifestError(errors, manifest.source)
    lib = None
    lib_root = None
    fingerprints: dict[str, str] = {}
    hashes: dict[Path, str] = {}
    items: list[WorkItem] = []
    errors: list[str] = []
    for row in manifest.rows:
        paths = [manifest.input_path(row, i).resolve() for i in range(len(row.inputs))]
        for p in paths:
            if p not in hashes:
                hashes[p] = file_sha256(p)
        fp = None
        if row.subject is not None:
            if lib is None:
                from candid.subjects import Library

                lib = library if isinstance(library, Library) else Library(library)
                lib_root = str(Path(lib.root).resolve())
            if row.subject not in fingerprints:
                fingerprints[row.subject] = subject_fingerprint(lib.profile(row.subject))
            fp = fingerprints[row.subject]
        final = recipe.with_overrides(row.overrides) if row.overrides else recipe
        dump = final.model_dump(mode="json")
        suffix = PurePosixPath(row.output).suffix.lower()
        try:
            header = read_header(paths[0], max_pixels=max_pixels_limit())  # header only, HEIC too
            est = estimate_bytes(final, header.width, header.height)
        except CandidError as exc:
            errors.append(f"row {row.line}: input {row.inputs[0]}: {exc.message}")
            continue
        key = content_key([hashes[p] for p in paths], dump, suffix=suffix, subject_fingerprint=fp,
                          fixed_time=fixed_time)
        items.append(WorkItem(key=key, line=row.line, output=row.output, inputs=[str(p) for p in paths],
                              input_sha256=[hashes[p] for p in paths], subject=row.subject,
                              subject_fingerprint=fp, library=lib_root if row.subject else None,
                              recipe=dump, suffix=suffix, fixed_time=fixed_time, est_bytes=est))
    if errors:
        raise ManifestError(errors, manifest.source)
    return items


#: Stages that need one usable face in the row's photo (they run :func:`candid.face.analyze_face` on it).
FACE_STAGES = ("face.analyze", "engine.studio", "honest")


class Precheck(BaseModel):
    """What :func:`precheck` found: ``problems`` stop a batch, ``notes`` do not.

    Examples
    --------
    >>> Precheck().ok, Precheck(problems=["row 2: no face"]).ok
    (True, False)
    """

    model_config = ConfigDict(frozen=True)
    problems: list[str] = []
    notes: list[str] = []
    checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _face_problem(path: str, name: str, recipe: dict[str, Any]) -> tuple[str | None, str | None]:
    """``(problem, note)`` for the face the row's recipe will look for in ``path``."""
    from candid.errors import CandidError
    from candid.face import analyze_face
    from candid.imageio import read_image

    steps = {s["stage"]: s.get("params") or {} for s in recipe.get("steps", [])}
    index = steps.get("face.analyze", {}).get("face")
    try:
        pixels = read_image(path).pixels  # the same full-size pixels the worker reads
        # the same detector, landmark model and face choice as the run; no embedding or quality (not needed here)
        face = analyze_face(pixels, face_index=index, embed=False, quality=False, source=name)
    except CandidError as exc:
        hint = exc.hint
        if hint and "--face" in hint:  # a batch row chooses its face in its overrides, counted from 0
            hint = 'choose one in the row\'s overrides: {"face.analyze": {"face": 0}} (0 = the largest)'
        return exc.message + (f" ({hint})" if hint else ""), None
    studio = steps.get("engine.studio")
    if studio is None:
        return None, None
    from candid.engines.studio.frame import WHOLE_FACE_MARGIN, face_inside
    from candid.engines.studio.stage import SMALL_FACE_IOD

    if not face_inside(face.landmarks, pixels.shape, margin=WHOLE_FACE_MARGIN):
        return f"{name}: the face is cut by the photo's border (the studio needs the whole face)", None
    iod = face.iod
    if iod < SMALL_FACE_IOD:
        words = (f"{name}: the face is only {iod:.0f} px between the eyes; a headshot needs "
                 f"{SMALL_FACE_IOD:.0f} or more")
        if studio.get("small_face") == "refuse":
            return words + " and this recipe refuses small faces", None
        return None, words + ": it will be made, but enlarged and soft"
    return None, None


def precheck(items: list[WorkItem], *, out_dir: str | Path | None = None, on_item=None) -> Precheck:
    """Check, before any work, what each planned row's run would stumble on.

    :func:`plan` already checked the manifest (files exist, options valid,
    subjects enrolled, headers readable within the pixel limit). This adds
    the checks that need the pixels or the output folder:

    * every input file can be read (permissions);
    * when the recipe has a stage that needs a face (:data:`FACE_STAGES`):
      the first input has a usable face, found by the same detector, landmark
      model and face choice the run uses, on the same full-size pixels (no
      face, several faces without a choice, landmarks that cannot be placed);
      for ``engine.studio`` the face is not cut by the border, and a face
      smaller than the studio needs is a problem if the recipe refuses small
      faces and a note otherwise;
    * with ``out_dir``: it is (or can become) a writable folder, and no output
      would land on an input or outside it.

    Each distinct (photo, recipe) pair is checked once.

    Parameters
    ----------
    items : list of WorkItem
        From :func:`plan`.
    out_dir : path, optional
        The batch's output folder.
    on_item : callable, optional
        Called as ``on_item(done, total)`` after each item (for a progress bar).

    Returns
    -------
    Precheck

    Examples
    --------
    >>> import tempfile
    >>> from candid.imageio import write_image
    >>> import numpy as np
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = write_image(d / "wall.png", np.full((64, 64, 3), 0.5, np.float32))
    >>> recipe = {"name": "r", "steps": [{"stage": "face.analyze", "params": {}}]}
    >>> item = WorkItem(key="ab" * 32, line=2, output="wall-out.jpg", inputs=[str(d / "wall.png")],
    ...                 input_sha256=["00"], recipe=recipe, suffix=".jpg", est_bytes=1)
    >>> print(precheck([item], out_dir=d).problems[0])
    row 2: wall.png: no face found (use a photo with one clearly visible, roughly frontal face, at least ... px wide)
    """
    import os

    from candid.batch.store import destination_problem

    problems: list[str] = []
    notes: list[str] = []
    if out_dir is not None:
        od = Path(out_dir)
        if od.exists() and not od.is_dir():
            problems.append(f"output folder {od.name}: is a file, not a folder")
        else:
            existing = next((a for a in (od, *od.parents) if a.exists()), None)
            if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
                problems.append(f"output folder {od.name}: cannot be written here ({existing.name or '/'} is read-only)")
    seen: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    all_inputs = sorted({p for it in items for p in it.inputs})
    for n, item in enumerate(items, 1):
        where = f"row {item.line}"
        for path in item.inputs:
            if not os.access(path, os.R_OK):
                problems.append(f"{where}: {Path(path).name}: cannot be read (permissions)")
        if out_dir is not None:
            why = destination_problem(out_dir, item.output, all_inputs)
            if why:
                problems.append(f"{where}: output {item.output}: {why}")
        if any(s.get("stage") in FACE_STAGES for s in item.recipe.get("steps", [])) and \
                os.access(item.inputs[0], os.R_OK):
            face_steps = json.dumps([s for s in item.recipe["steps"] if s.get("stage") in FACE_STAGES],
                                    sort_keys=True, default=str)
            key = (item.input_sha256[0], face_steps)
            if key not in seen:
                seen[key] = _face_problem(item.inputs[0], Path(item.inputs[0]).name, item.recipe)
            problem, note = seen[key]
            if problem:
                problems.append(f"{where}: {problem}")
            if note:
                notes.append(f"{where}: {note}")
        if on_item is not None:
            on_item(n, len(items))
    return Precheck(problems=problems, notes=notes, checked=len(items))


__all__ = ["BYTES_PER_PIXEL", "FACE_STAGES", "WORKER_BASE_BYTES", "Precheck", "WorkItem", "content_key",
           "estimate_bytes", "file_sha256", "plan", "precheck", "subject_fingerprint"]
