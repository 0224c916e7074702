"""Every Example in every module's docstrings runs and is right.

Modules are found by walking the ``candid`` package, so a new module's
examples run without anyone remembering to list it.
"""

import doctest
import importlib
import pkgutil

import pytest

import candid


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(candid.__path__, "candid."):
        if info.name.endswith("__main__"):  # running it would start the CLI
            continue
        names.append(info.name)
    return sorted(names)


MODULES = _modules()


def test_every_module_is_collected():
    # a guard that the walk itself works (an empty list would make the test below vacuous)
    assert len(MODULES) > 100 and "candid.face.geometry" in MODULES and "candid.recipes" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
