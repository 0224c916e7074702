"""The `candid` command line: a thin front door over recipes and stages.

Each capability registers its commands from its own module (listed in
``COMMAND_MODULES``) with a ``register(app)`` function, so commands stay next to
nothing but argument parsing and output.
"""

from __future__ import annotations

import importlib
import sys

import typer
from typer.exceptions import TyperException

from candid.cli._common import console, report_error
from candid.errors import CandidError

COMMAND_MODULES: list[str] = [
    "candid.cli.looks",
    "candid.cli.finish",
    "candid.cli.subjects",
    "candid.cli.face",
    "candid.cli.demo",
    "candid.cli.honest",
    "candid.cli.provenance",
    "candid.cli.make",
    "candid.cli.generate",
    "candid.cli.inspect",
    "candid.cli.serve",
    "candid.cli.restore",
    "candid.cli.batch",
]

app = typer.Typer(
    name="candid",
    help="Portraits that keep the person and hold up at 100 %.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; user errors become one message and a non-zero exit code.

    SIGTERM becomes a normal exit (``SystemExit``), so every ``finally`` that
    removes a temporary file runs; only ``kill -9`` skips them, and the next
    run sweeps what it left (:func:`candid.files.sweep_temp`).
    """
    import signal
    import threading

    previous = None
    if threading.current_thread() is threading.main_thread():
        def _terminate(signum, frame):
            raise SystemExit(128 + signum)

        previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return _run(argv)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run(argv: list[str] | None) -> int:
    try:
        result = app(args=argv, standalone_mode=False, prog_name="candid")
    except CandidError as exc:
        report_error(exc)
        return exc.exit_code
    except typer.Abort:
        console.print("[red]aborted[/red]")
        return 1
    except TyperException as exc:  # usage errors: bad option, missing argument
        if hasattr(exc, "show"):
            exc.show()
        else:
            console.print(f"[bold red]error:[/bold red] {exc.format_message()}")
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        console.print("[red]interrupted[/red]")
        return 130
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
