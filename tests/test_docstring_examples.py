"""Every example in every docstring of the package runs and prints what it says.

One walker over all modules (subpackages with optional dependencies included: `make
test` installs every extra), so an example added anywhere is executed.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import labelnoise

#: Modules that do something when imported (run the demo) instead of defining things.
NOT_IMPORTABLE = {"labelnoise.__main__"}


def _modules() -> list[str]:
    names = ["labelnoise"]
    for info in pkgutil.walk_packages(labelnoise.__path__, "labelnoise."):
        if info.name not in NOT_IMPORTABLE:
            names.append(info.name)
    return sorted(names)


MODULES = _modules()


def test_the_walk_finds_every_subpackage():
    top = {name.split(".")[1] for name in MODULES if name.count(".") >= 1}
    assert {"detect", "noise", "scores", "simulate", "datasets", "report", "demo"} <= top
    assert len(MODULES) > 60


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name):
    module = importlib.import_module(module_name)
    failed, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert failed == 0
