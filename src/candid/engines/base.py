"""The small interface every engine implements.

An engine turns a source :class:`~candid.portrait.Portrait` into a finished
portrait of the same person in a named style. The studio engine (CPU, from a
real photo) is the default; the restore and GPU diffusion engines implement
the same interface.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, runtime_checkable

from candid.errors import CandidError
from candid.portrait import Portrait

#: Engine name -> "module:attribute" of an object implementing :class:`Engine`.
ENGINES: dict[str, str] = {
    "studio": "candid.engines.studio.engine:STUDIO",
    "diffusion": "candid.engines.diffusion.engine:DIFFUSION",
    "restore": "candid.engines.restore.engine:RESTORE",
}


@runtime_checkable
class Engine(Protocol):
    """What an engine provides.

    Attributes
    ----------
    name : str
        Short name used on the command line (``--engine NAME``).
    styles : tuple of str
        The styles :meth:`make` accepts.

    Examples
    --------
    >>> from candid.engines import get_engine
    >>> eng = get_engine("studio")
    >>> isinstance(eng, Engine), eng.available()[0]
    (True, True)
    """

    name: str
    styles: tuple[str, ...]

    def available(self) -> tuple[bool, str]:
        """Whether the engine can run here, and if not, why (in plain words)."""
        ...

    def make(self, source: Portrait, *, style: str, **options: Any) -> Portrait:
        """Make a portrait in ``style`` from ``source``; never modifies ``source``."""
        ...


def availability(requires: tuple[str, ...], runs_on: str) -> tuple[bool, str]:
    """An engine's :meth:`Engine.available`: ``(True, runs_on)`` when every module in ``requires`` imports.

    Examples
    --------
    >>> availability(("math",), "runs anywhere")
    (True, 'runs anywhere')
    >>> availability(("math", "no_such_module_here"), "runs anywhere")
    (False, 'missing dependency: no_such_module_here')
    """
    for module in requires:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            return False, f"missing dependency: {exc.name or module}"
    return True, runs_on

def get_engine(name: str) -> Engine:
    """Look up an engine by name.

    Raises
    ------
    CandidError
        Unknown engine name.

    Examples
    --------
    >>> get_engine("studio").name
    'studio'
    """
    if name not in ENGINES:
        raise CandidError(f"unknown engine {name!r}", hint=f"known engines: {', '.join(sorted(ENGINES))}")
    module_name, attr = ENGINES[name].split(":")
    return getattr(importlib.import_module(module_name), attr)
