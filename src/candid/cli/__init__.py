"""The `candid` command line: a thin front door over recipes and stages.

Each capability registers its commands from its own module (listed in
``COMMAND_MODULES``) with a ``register(app)`` function, so commands stay next to
nothing but argument parsing and output.
"""

from __future__ import annotations

import importlib
import sys

import click
import typer

from candid.cli._common import console, report_error
from candid.errors import CandidError

COMMAND_MODULES: list[str] = [
    "candid.cli.looks",
    "candid.cli.finish",
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
    """Run the CLI; user errors become one message and a non-zero exit code."""
    try:
        result = app(args=argv, standalone_mode=False, prog_name="candid")
    except CandidError as exc:
        report_error(exc)
        return exc.exit_code
    except click.exceptions.Abort:
        console.print("[red]aborted[/red]")
        return 130
    except click.exceptions.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        console.print("[red]interrupted[/red]")
        return 130
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
