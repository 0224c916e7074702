"""Console, error display and progress bars shared by the CLI commands."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from candid.errors import CandidError

console = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def report_error(exc: CandidError) -> None:
    """Print a user error as one red line, plus a hint line if there is one."""
    console.print(f"[bold red]error:[/bold red] {exc.message}", markup=True, soft_wrap=True)
    if exc.hint:
        console.print(f"  [yellow]hint:[/yellow] {exc.hint}", soft_wrap=True)


@contextlib.contextmanager
def progress_bar(description: str, total: float | None) -> Iterator[Any]:
    """A Rich progress bar on stderr; yields a callable ``advance(n=1, description=None)``.

    ``total=None`` shows an indeterminate bar (unknown amount of work).
    """
    with Progress(
        SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
        console=console, transient=False,
    ) as progress:
        task = progress.add_task(description, total=total)

        def advance(n: float = 1, description: str | None = None, total: float | None = None) -> None:
            kwargs: dict[str, Any] = {"description": description} if description else {}
            if total is not None:
                kwargs["total"] = total
            progress.update(task, advance=n, **kwargs)

        yield advance


def write_output(portrait, path, *, sign: bool = True, bit_depth: int = 8, quality: int = 95, sources=()):
    """Write a front door's result with its labels: watermark, XMP, and a C2PA manifest.

    Signing uses the local development certificates (made once under the user
    data folder) unless ``sign`` is False; every CLI command that writes an
    image goes through here so no output leaves unlabelled. ``sources`` are
    the input files, recorded as C2PA ingredients; the output is refused if
    it would replace one of them.
    """
    from candid.provenance import dev_signer, label_and_write

    check_output(path, sources)
    return label_and_write(portrait, path, signer=dev_signer() if sign else None,
                           bit_depth=bit_depth, quality=quality, ingredients=tuple(sources))


def check_output(path, inputs=()) -> None:
    """Refuse an output path that is a folder, has an unknown suffix, or is one of the inputs.

    Also removes temp files a killed candid process left in the output's folder
    (:func:`candid.files.sweep_temp`).

    Raises
    ------
    CandidError
        With a hint naming what to do instead.

    Examples
    --------
    >>> check_output("/tmp", [])
    Traceback (most recent call last):
    ...
    candid.errors.CandidError: /tmp: is a folder, not an output file name
      hint: give a file name, e.g. /tmp/portrait.jpg
    """
    import os
    from pathlib import Path

    from candid.imageio import output_format

    from candid.files import sweep_temp

    path = Path(path)
    if path.parent.is_dir():
        sweep_temp(path.parent)  # what an earlier, killed run left beside its output
    if path.is_dir():
        raise CandidError(f"{path}: is a folder, not an output file name",
                          hint=f"give a file name, e.g. {path / 'portrait.jpg'}")
    output_format(path)
    if path.parent.exists() and not path.parent.is_dir():
        raise CandidError(f"{path}: {path.parent} is a file, not a folder", hint="choose another output path")
    for src in inputs or ():
        src = Path(src)
        same = False
        try:
            same = os.path.samefile(src, path) if path.exists() else src.resolve() == path.resolve()
        except OSError:
            same = False
        if same:
            other = path.with_name(path.stem + "-candid" + path.suffix)
            raise CandidError(f"{path}: is the input file; candid never writes over an input",
                              hint=f"choose another output name, e.g. {other}")


#: Smallest image side the front doors work on (inspect's analysis needs 16 px).
MIN_SIDE = 16


def read_input(path, *, subject=None):
    """Read a front door's input image as a Portrait that carries the input's provenance.

    Errors (missing, unreadable, smaller than :data:`MIN_SIDE`) name the file.
    See :func:`candid.provenance.read_portrait`.
    """
    from candid.provenance.source import read_portrait

    return read_portrait(path, subject=subject, min_side=MIN_SIDE)
