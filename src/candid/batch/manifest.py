"""Batch manifests: one row per portrait to make, read and checked as a whole.

A manifest is a CSV or JSON Lines file. Each row names

``subject``
    An enrolled subject (optional; empty for none).
``inputs``
    One or more image files, relative to the manifest's folder. The recipe runs
    on the first; every input is part of the row's content key. In CSV, several
    inputs are separated by ``;``.
``overrides``
    Recipe settings for this row, ``{stage: {param: value}}`` (in CSV a JSON
    object in one cell, or empty).
``output``
    The output file name inside the batch output folder (``.jpg``, ``.png``,
    ``.tif``, ``.webp`` or ``.avif``); sub-folders are allowed, ``..`` and
    absolute paths are not.

:func:`load_manifest` reports every syntax error of the file at once and
:func:`validate_manifest` every problem a row has against a recipe and a
subject library, so a batch never starts with a row that cannot work.
"""

from __future__ import annotations

import csv
import inspect as _inspect
import json
import typing
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from candid.errors import CandidError

#: Largest manifest file read (bytes); a manifest is text, never an image.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024

#: Params that make a stage write files of its own; a batch row may not set them
#: (every row would write to the same place, or anywhere on disk).
FILE_PARAMS: dict[str, tuple[str, ...]] = {"inspect": ("html", "json")}


class ManifestError(CandidError):
    """A manifest cannot be read or has rows that cannot work; lists every problem.

    Parameters
    ----------
    errors : list of str
        One line per problem, each starting with where it is (``row 3: ...``).
    source : str
        The manifest file.
    """

    exit_code = 8

    def __init__(self, errors: list[str], source: str = "manifest"):
        self.errors = list(errors)
        head = f"{source}: {len(self.errors)} problem(s); nothing was started"
        super().__init__(head + "".join(f"\n  - {e}" for e in self.errors),
                         hint="fix the rows above and run the batch again")


class ManifestRow(BaseModel):
    """One portrait to make.

    Examples
    --------
    >>> row = ManifestRow(line=2, inputs=["ada.jpg"], output="ada-headshot.jpg")
    >>> row.subject is None, row.overrides
    (True, {})
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    line: int = Field(ge=1, description="Row number in the file (1 = first data row).")
    subject: str | None = None
    inputs: list[str] = Field(min_length=1)
    overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
    output: str = Field(min_length=1)

    @field_validator("subject", mode="before")
    @classmethod
    def _empty_subject(cls, v: Any) -> Any:
        return None if isinstance(v, str) and not v.strip() else (v.strip() if isinstance(v, str) else v)

    @field_validator("inputs")
    @classmethod
    def _inputs_non_empty(cls, v: list[str]) -> list[str]:
        v = [s.strip() for s in v]
        if any(not s for s in v):
            raise ValueError("an input path is empty")
        return v


class Manifest(BaseModel):
    """All rows of a manifest and the folder their input paths are relative to.

    Examples
    --------
    >>> m = Manifest(source="m.csv", base_dir="/photos",
    ...              rows=[ManifestRow(line=1, inputs=["a.jpg"], output="a.jpg")])
    >>> len(m.rows), m.input_path(m.rows[0], 0).as_posix()
    (1, '/photos/a.jpg')
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    source: str
    base_dir: str
    rows: list[ManifestRow]

    def input_path(self, row: ManifestRow, index: int) -> Path:
        """The absolute path of ``row.inputs[index]``."""
        p = Path(row.inputs[index]).expanduser()
        return p if p.is_absolute() else Path(self.base_dir) / p


_COLUMNS = {"subject", "inputs", "overrides", "output"}


def _row_errors(where: str, exc: ValidationError) -> list[str]:
    return [f"{where}: {'.'.join(str(x) for x in e['loc']) or 'row'}: {e['msg']}" for e in exc.errors()]


def _parse_csv(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    reader = csv.DictReader(text.splitlines())
    header = set(reader.fieldnames or [])
    errors: list[str] = []
    if not header:
        return [], ["the file is empty (expected a header: subject,inputs,overrides,output)"]
    missing = {"inputs", "output"} - header
    unknown = header - _COLUMNS
    if missing:
        errors.append(f"header: missing column(s) {', '.join(sorted(missing))}")
    if unknown:
        errors.append(f"header: unknown column(s) {', '.join(sorted(unknown))} "
                      f"(known: {', '.join(sorted(_COLUMNS))})")
    if errors:
        return [], errors
    rows: list[dict[str, Any]] = []
    for n, raw in enumerate(reader, start=1):
        if None in raw:
            errors.append(f"row {n}: more cells than header columns")
            continue
        if all(not (v or "").strip() for v in raw.values()):
            continue  # blank line
        data: dict[str, Any] = {"line": n, "subject": raw.get("subject") or None,
                                "inputs": [s for s in (raw.get("inputs") or "").split(";") if s.strip()],
                                "output": (raw.get("output") or "").strip()}
        cell = (raw.get("overrides") or "").strip()
        if cell:
            try:
                data["overrides"] = json.loads(cell)
            except json.JSONDecodeError as exc:
                errors.append(f"row {n}: overrides is not valid JSON ({exc.msg})")
                continue
        rows.append(data)
    return rows, errors


def _parse_jsonl(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    n = 0
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        n += 1
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(f"row {n}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(data, dict):
            errors.append(f"row {n}: expected a JSON object, got {type(data).__name__}")
            continue
        if isinstance(data.get("inputs"), str):
            data["inputs"] = [data["inputs"]]
        rows.append({**data, "line": n})
    return rows, errors


def load_manifest(path: str | Path) -> Manifest:
    """Read a CSV or JSON Lines manifest, reporting every malformed row at once.

    Parameters
    ----------
    path : str or Path
        ``.csv`` (header ``subject,inputs,overrides,output``) or ``.jsonl``
        (one JSON object per line with the same keys; ``inputs`` a list).

    Returns
    -------
    Manifest

    Raises
    ------
    ManifestError
        The file is missing, too large, empty or has malformed rows (all listed).

    Examples
    --------
    >>> from pathlib import Path
    >>> _ = Path("/tmp/candid-m.csv").write_text("subject,inputs,overrides,output\\n,a.jpg,,a-out.jpg\\n")
    >>> m = load_manifest("/tmp/candid-m.csv")
    >>> m.rows[0].inputs, m.rows[0].output
    (['a.jpg'], 'a-out.jpg')
    """
    path = Path(path)
    if not path.is_file():
        raise ManifestError([f"{path}: no such file"], str(path))
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise ManifestError([f"{path}: larger than {MAX_MANIFEST_BYTES} bytes"], str(path))
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise ManifestError([f"{path}: unknown manifest type {suffix!r} (use .csv or .jsonl)"], str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ManifestError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"], str(path)) from None
    raw_rows, errors = _parse_csv(text) if suffix == ".csv" else _parse_jsonl(text)
    rows: list[ManifestRow] = []
    for data in raw_rows:
        try:
            rows.append(ManifestRow.model_validate(data))
        except ValidationError as exc:
            errors.extend(_row_errors(f"row {data['line']}", exc))
    if not rows and not errors:
        errors.append("the manifest has no rows")
    if errors:
        raise ManifestError(errors, str(path))
    return Manifest(source=str(path), base_dir=str(path.resolve().parent), rows=rows)


def output_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a batch output name, or None if it can.

    Output names stay inside the output folder: relative, forward slashes,
    no ``..``, no hidden or empty parts, no control characters.

    Examples
    --------
    >>> output_name_problem("team/ada.jpg") is None
    True
    >>> output_name_problem("../etc/passwd.jpg")
    "'..' would leave the output folder"
    """
    if any(ord(c) < 32 or c == "\x7f" for c in name):
        return "control characters are not allowed"
    if "\\" in name:
        return "backslashes are not allowed (use / between folders)"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "absolute paths are not allowed"
    parts = PurePosixPath(name).parts
    if any(p == ".." for p in parts):
        return "'..' would leave the output folder"
    if any(p.startswith(".") for p in parts):
        return "hidden names (starting with '.') are not allowed"
    if name.endswith("/") or not parts:
        return "names a folder, not a file"
    if len(name.encode("utf-8")) > 1024 or any(len(p.encode("utf-8")) > 255 for p in parts):
        return "too long"
    return None


def _stage_params(stage: str) -> tuple[set[str] | None, dict[str, Any]]:
    """Keyword params a stage accepts (None = any) and their resolved type hints."""
    from candid.recipes import resolve_stage

    func = resolve_stage(stage)
    sig = _inspect.signature(func)
    params = list(sig.parameters.values())[1:]
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # unresolvable annotations: check names only
        hints = {}
    named = {p.name for p in params if p.kind is not p.VAR_KEYWORD}
    if any(p.kind is p.VAR_KEYWORD for p in params):
        model = getattr(func, "options_model", None)  # a stage whose ``**settings`` is one options model
        if model is None:
            return None, {}
        fields = getattr(model, "model_fields", {})
        return named | set(fields), {**hints, **{k: f.annotation for k, f in fields.items()}}
    return named, hints


def _value_problem(hint: Any, value: Any) -> str | None:
    from pydantic import TypeAdapter

    try:
        adapter = TypeAdapter(hint)
    except Exception:  # types pydantic cannot check (arrays, Portraits): accept
        return None
    try:
        adapter.validate_python(value, strict=False)
    except ValidationError as exc:
        return exc.errors()[0]["msg"]
    return None


def _check_studio(params: dict[str, Any]) -> None:
    from candid.engines.studio.options import StudioOptions
    from candid.engines.studio.recipe import STUDIO_STAGE_OPTIONS

    # the stage's person-facing settings, checked by the one studio options model
    given = {k: params.get(k) for k in ("style", *STUDIO_STAGE_OPTIONS)}
    if isinstance(given["straighten"], (int, float)) and not isinstance(given["straighten"], bool):
        given["straighten"] = str(given["straighten"])  # degrees, as the CLI spells them
    StudioOptions.parse(**given)


def _check_finish(params: dict[str, Any]) -> None:
    from candid.finish import target_size
    from candid.finish.options import STAGE_DEFAULTS, FinishOptions

    # the settings' values, by the stage's one options model (names and types are checked field by field)
    o = FinishOptions.parse(FinishOptions(**STAGE_DEFAULTS),
                            **{k: v for k, v in params.items() if k in FinishOptions.model_fields})
    target_size(1000, 1000, params.get("size", "8k"), o.fit)


def _check_film(params: dict[str, Any]) -> None:
    from candid.looks.film import get_stock

    if params.get("stock") is not None:
        get_stock(params["stock"])


#: Checks of setting *values* that need a stage's own knowledge (names of styles,
#: lights, film stocks, target sizes), using the functions the stages use.
VALUE_CHECKS = {"engine.studio": _check_studio, "finish": _check_finish, "looks.film": _check_film}


def _semantic_problem(stage: str, params: dict[str, Any]) -> str | None:
    check = VALUE_CHECKS.get(stage)
    if check is None:
        return None
    try:
        check(params)
    except CandidError as exc:  # the row already names the stage: not twice ("finish: size: ...")
        return exc.message.removeprefix(f"{stage}: ")
    except (ValueError, TypeError) as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    except ImportError:  # pragma: no cover - stage not installed; run_recipe will say so
        return None
    return None


def validate_manifest(manifest: Manifest, recipe, library=None) -> list[str]:
    """Every reason a manifest's rows cannot run with ``recipe``; empty if none.

    Checks, for all rows before any work: input files exist and are files;
    output names are unique (case-insensitively), stay inside the output
    folder and have a writable image suffix; subjects are enrolled in
    ``library``; overrides name stages of the recipe and parameters those
    stages take, with values of the right type and, for ``engine.studio``,
    ``finish`` and ``looks.film``, known styles, lights, backgrounds, aspects,
    sizes and film stocks (:data:`VALUE_CHECKS`); the recipe names only
    registered stages; no row sets a parameter that writes files elsewhere.

    Parameters
    ----------
    manifest : Manifest
    recipe : candid.recipes.Recipe
    library : candid.subjects.Library or path, optional
        Needed only when rows name subjects; None uses the default library.

    Returns
    -------
    list of str
        One line per problem, ``"row N: ..."``.

    Examples
    --------
    >>> from candid.recipes import Recipe, Step
    >>> m = Manifest(source="m.csv", base_dir="/nowhere",
    ...              rows=[ManifestRow(line=1, inputs=["a.jpg"], output="../a.jpg")])
    >>> for e in validate_manifest(m, Recipe(name="r", steps=[Step(stage="face.analyze")])):
    ...     print(e)
    row 1: input a.jpg: no such file (/nowhere/a.jpg)
    row 1: output '../a.jpg': '..' would leave the output folder
    """
    from candid.imageio import output_format
    from candid.recipes import STAGES

    errors: list[str] = []
    recipe_stages = [s.stage for s in recipe.steps]
    for s in recipe.steps:
        if s.stage not in STAGES:
            errors.append(f"recipe {recipe.name!r}: unknown stage {s.stage!r} (known: {', '.join(sorted(STAGES))})")
        for p in FILE_PARAMS.get(s.stage, ()):
            if s.params.get(p):
                errors.append(f"recipe {recipe.name!r}: {s.stage}.{p} writes a file outside the batch; "
                              "remove it (the batch report holds the inspect scores)")
        if s.stage in STAGES:
            why = _semantic_problem(s.stage, s.params)
            if why:
                errors.append(f"recipe {recipe.name!r}: {s.stage}: {why}")
    recipe_params = {s.stage: s.params for s in recipe.steps}
    stage_info: dict[str, tuple[set[str] | None, dict[str, Any]]] = {}

    def info(stage: str) -> tuple[set[str] | None, dict[str, Any]]:
        if stage not in stage_info:
            stage_info[stage] = _stage_params(stage)
        return stage_info[stage]

    known_subjects: set[str] | None = None
    names: dict[str, list[int]] = {}
    for row in manifest.rows:
        where = f"row {row.line}"
        for i, name in enumerate(row.inputs):
            p = manifest.input_path(row, i)
            if not p.exists():
                errors.append(f"{where}: input {name}: no such file ({p})")
            elif not p.is_file():
                errors.append(f"{where}: input {name}: not a file")
        problem = output_name_problem(row.output)
        if problem:
            errors.append(f"{where}: output {row.output!r}: {problem}")
        else:
            try:
                output_format(row.output)
            except CandidError as exc:
                errors.append(f"{where}: output {row.output!r}: {exc.message.split(': ', 1)[-1]}")
            names.setdefault(row.output.casefold(), []).append(row.line)
        if row.subject is not None:
            if known_subjects is None:
                known_subjects = _subject_names(library)
            if row.subject not in known_subjects:
                hint = f" (enrolled: {', '.join(sorted(known_subjects))})" if known_subjects else \
                    " (the library has no subjects)"
                errors.append(f"{where}: unknown subject {row.subject!r}{hint}")
        for stage, params in row.overrides.items():
            if stage not in STAGES:
                errors.append(f"{where}: overrides name unknown stage {stage!r}")
                continue
            if stage not in recipe_stages:
                errors.append(f"{where}: overrides name stage {stage!r}, which recipe {recipe.name!r} does not run")
                continue
            if not isinstance(params, dict):
                errors.append(f"{where}: overrides for {stage!r} must be a table of settings")
                continue
            accepted, hints = info(stage)
            for key, value in params.items():
                if key in FILE_PARAMS.get(stage, ()):
                    errors.append(f"{where}: override {stage}.{key} writes a file outside the batch; not allowed")
                elif accepted is not None and key not in accepted:
                    errors.append(f"{where}: override {stage}.{key}: stage {stage!r} has no such setting "
                                  f"(settings: {', '.join(sorted(accepted))})")
                elif key in hints:
                    why = _value_problem(hints[key], value)
                    if why:
                        errors.append(f"{where}: override {stage}.{key}={value!r}: {why}")
            if params:
                why = _semantic_problem(stage, {**recipe_params.get(stage, {}), **params})
                if why:
                    errors.append(f"{where}: overrides for {stage}: {why}")
    for lines in names.values():
        if len(lines) > 1:
            first = next(r for r in manifest.rows if r.line == lines[0])
            errors.append(f"rows {', '.join(map(str, lines))}: duplicate output name {first.output!r}")
    return errors


def _subject_names(library) -> set[str]:
    from candid.subjects import Library

    lib = library if isinstance(library, Library) else Library(library)
    return {s.name for s in lib.subjects()}


__all__ = ["FILE_PARAMS", "VALUE_CHECKS", "Manifest", "ManifestError", "ManifestRow", "load_manifest",
           "output_name_problem", "validate_manifest"]
