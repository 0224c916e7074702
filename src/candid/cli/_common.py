"""Console, error display and progress bars shared by the CLI commands."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from candid.errors import CandidError

console = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def report_error(exc: CandidError) -> None:
    """Print a user error as one red line, plus a hint line if there is one."""
    console.print(f"[bold red]error:[/bold red] {exc.message}", markup=True, soft_wrap=True)
    if exc.hint:
        console.print(f"  [yellow]hint:[/yellow] {exc.hint}", soft_wrap=True)


#: What each recipe stage does, in words a person understands (the log keeps the technical names).
STAGE_WORDS = {
    "face.analyze": "finding the face", "engine.studio": "framing, lighting and the new background",
    "engine.restore": "repairing the print", "engine.diffusion": "generating candidates",
    "honest": "checking for flattery against the person's own photos", "finish": "bringing it to the final size",
    "looks.film": "applying the film look", "inspect": "looking for signs of AI", "writing": "writing the labelled file",
}


def plain_words(description: str) -> str:
    """A progress description with a stage's technical name replaced by what it does.

    Examples
    --------
    >>> plain_words("linkedin: engine.studio")
    'linkedin: framing, lighting and the new background'
    >>> plain_words("restoring the print")
    'restoring the print'
    """
    head, sep, tail = description.rpartition(": ")
    if sep and tail in STAGE_WORDS:
        return f"{head}: {STAGE_WORDS[tail]}"
    return STAGE_WORDS.get(description, description)


def eta_text(elapsed: float | None, completed: float, total: float | None, finished: bool = False) -> str:
    """Time left in words, from the average pace so far (works with a few long steps).

    Examples
    --------
    >>> eta_text(30.0, 1, 4), eta_text(5.0, 0, 4), eta_text(200.0, 2, 4), eta_text(9.0, 4, 4, True)
    ('about 1 min 30 s left', 'estimating time left', 'about 3 min left', 'done')
    """
    if finished:
        return "done"
    if not total or not completed or not elapsed:
        return "estimating time left"
    left = elapsed / completed * max(total - completed, 0)
    if left < 60:
        return f"about {max(5, int(round(left / 5)) * 5)} s left"
    if left < 180:
        m, sec = divmod(int(round(left / 10)) * 10, 60)
        return f"about {m} min {sec} s left" if sec else f"about {m} min left"
    return f"about {int(round(left / 60))} min left"


class _EtaColumn(ProgressColumn):
    """Time left from the average pace so far (Rich's own needs several updates within 30 s)."""

    def render(self, task) -> Text:
        return Text(eta_text(task.elapsed, task.completed, task.total, task.finished), style="progress.remaining")


@contextlib.contextmanager
def progress_bar(description: str, total: float | None) -> Iterator[Any]:
    """A Rich progress bar on stderr; yields a callable ``advance(n=1, description=None)``.

    ``total=None`` shows an indeterminate bar (unknown amount of work).
    """
    with Progress(
        SpinnerColumn(), TextColumn("[progress.description]{task.description}"), BarColumn(),
        MofNCompleteColumn(), TimeElapsedColumn(), _EtaColumn(),
        console=console, transient=False,
    ) as progress:
        task = progress.add_task(plain_words(description), total=total)

        def advance(n: float = 1, description: str | None = None, total: float | None = None) -> None:
            kwargs: dict[str, Any] = {"description": plain_words(description)} if description else {}
            if total is not None:
                kwargs["total"] = total
            progress.update(task, advance=n, **kwargs)

        yield advance


def write_output(portrait, path, *, sign: bool = True, bit_depth: int = 8, quality: int = 95, sources=()):
    """Write a front door's result with its labels: watermark, XMP, and a C2PA manifest.

    Signing uses the local development certificates (made once under the user
    data folder) unless ``sign`` is False; every CLI command that writes an
    image goes through here so no output leaves unlabelled. A studio result's
    matte is saved beside it (``NAME.matte.png``, :func:`candid.finish.save_matte`). ``sources`` are
    the input files, recorded as C2PA ingredients; the output is refused if
    it would replace one of them.
    """
    from candid.provenance import dev_signer, label_and_write

    check_output(path, sources)
    written = label_and_write(portrait, path, signer=dev_signer() if sign else None,
                              bit_depth=bit_depth, quality=quality, ingredients=tuple(sources))
    # a studio cut-out's matte travels beside the file, bound to its pixels, for a later `candid finish`
    from candid.finish._saved_matte import keep_matte

    keep_matte(written, portrait)
    return written


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
