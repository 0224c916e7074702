"""The `candid` command line: a thin front door over recipes and stages.

Each capability registers its commands from its own module (listed in
``COMMAND_MODULES``) with a ``register(app)`` function, so commands stay next to
nothing but argument parsing and output.

A command's module is imported when that command runs or shows its own help,
not before: :data:`COMMANDS` names each command's module and the line
``candid --help`` lists, so ``candid --help`` or ``candid inspect`` do not pay
for the studio, finish or diffusion imports (docs/BENCHMARKS.md, start-up).
``tests/test_imports.py`` fails when the table and the modules disagree.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, MutableMapping

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import TyperException

from candid.cli._common import console, report_error
from candid.errors import CandidError

#: Every top-level command, in ``candid --help`` order: name -> (the module whose ``register(app)``
#: adds it, the first paragraph of its help, which ``candid --help`` shows without importing it).
COMMANDS: dict[str, tuple[str, str]] = {
    "look": ("candid.cli.looks", "Shoot IMAGE on film: stock, grain, halation, instant frame, glitch."),
    "finish": ("candid.cli.finish", "Finish IMAGE to a big size with real detail, not invented texture."),
    "enroll": ("candid.cli.subjects", "Enroll a person from their real photos (all or nothing)."),
    "analyze": ("candid.cli.face", "Detect the face, measure it and run the quality gate."),
    "demo": ("candid.cli.demo", "Run candid on the astronaut portrait that ships with scikit-image."),
    "honest": ("candid.cli.honest",
               "Compare a portrait with the subject's real photos and bring it back to the real person."),
    "verify": ("candid.cli.provenance",
               "Say what an image's C2PA manifest, XMP labels and invisible watermark say about how it was made."),
    "certs": ("candid.cli.provenance",
              "Create local development certificates for C2PA signing (untrusted: integrity, not identity)."),
    "make": ("candid.cli.make", "Make a headshot or portrait of the person in PHOTO."),
    "generate": ("candid.cli.generate",
                 "Make a new portrait of SUBJECT with the diffusion engine (needs the diffusion extra and weights)."),
    "inspect": ("candid.cli.inspect",
                "Look at IMAGE like a pixel peeper: skin, eyes, light, hair, symmetry, noise, traces."),
    "serve": ("candid.cli.serve", "Open the web studio: enroll, make, compare at 1:1 and inspect in the browser."),
    "restore": ("candid.cli.restore",
                "Restore a faded, scratched print: nothing invented, the damage mask shown and editable."),
    "batch": ("candid.cli.batch", "Run a recipe over every row of MANIFEST into OUT; a re-run skips finished work."),
    "subjects": ("candid.cli.subjects", "List, show and delete enrolled subjects."),
}

COMMAND_MODULES: list[str] = list(dict.fromkeys(module for module, _ in COMMANDS.values()))

_SETTINGS = dict(add_completion=False, pretty_exceptions_enable=False)


class _Commands(MutableMapping):
    """The app's click commands by name; a name's module is registered on first access."""

    def __init__(self) -> None:
        self._names = list(COMMANDS)
        self._built: dict[str, TyperCommand | TyperGroup] = {}

    def built(self, name: str) -> bool:
        return name in self._built

    def _build(self, module: str) -> None:
        part = typer.Typer(**_SETTINGS)  # same settings as `app`: the same click commands as before
        importlib.import_module(module).register(part)
        for name, command in typer.main.get_group(part).commands.items():
            self._built.setdefault(name, command)

    def __getitem__(self, name: str) -> TyperCommand | TyperGroup:
        if name not in self._built and name in self._names and name in COMMANDS:
            self._build(COMMANDS[name][0])
        return self._built[name]

    def __setitem__(self, name: str, command: TyperCommand | TyperGroup) -> None:
        if name not in self._names:
            self._names.append(name)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        self._names.remove(name)
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)


class _LazyGroup(TyperGroup):
    """The root group: commands imported on use; its help lists them from :data:`COMMANDS`."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.commands = _Commands()
        self._listing = False

    def list_commands(self, ctx) -> list[str]:
        return list(self.commands)  # names only (TyperGroup's reads every value)

    def get_command(self, ctx, cmd_name: str):
        if self._listing and cmd_name in COMMANDS and not self.commands.built(cmd_name):
            return TyperCommand(name=cmd_name, help=COMMANDS[cmd_name][1])  # a line in the list, not run
        return self.commands.get(cmd_name)

    def format_help(self, ctx, formatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def _root() -> None:
    """Portraits that keep the person and hold up at 100 %."""


app = typer.Typer(
    name="candid",
    help="Portraits that keep the person and hold up at 100 %.",
    no_args_is_help=True,
    cls=_LazyGroup,
    callback=_root,
    **_SETTINGS,
)


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
