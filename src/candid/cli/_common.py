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


def write_output(portrait, path, *, sign: bool = True, bit_depth: int = 8, quality: int = 95):
    """Write a front door's result with its labels: watermark, XMP, and a C2PA manifest.

    Signing uses the local development certificates (made once under the user
    data folder) unless ``sign`` is False; every CLI command that writes an
    image goes through here so no output leaves unlabelled.
    """
    from candid.provenance import dev_signer, label_and_write

    return label_and_write(portrait, path, signer=dev_signer() if sign else None,
                           bit_depth=bit_depth, quality=quality)
