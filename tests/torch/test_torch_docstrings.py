"""The docstring examples of labelnoise.torch run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

pytest.importorskip("torch")
lnt = pytest.importorskip("labelnoise.torch")


def _modules() -> list[str]:
    names = ["labelnoise.torch"]
    for package in ("labelnoise.torch", "labelnoise.torch.losses"):
        path = importlib.import_module(package).__path__
        names += [m.name for m in pkgutil.iter_modules(path, package + ".")]
    return names


@pytest.mark.parametrize("module_name", _modules())
def test_docstring_examples(module_name):
    module = importlib.import_module(module_name)
    failed, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failed == 0


def test_every_public_class_and_function_has_an_example():
    for name in lnt.__all__:
        if name in ("CoTeachingEpoch", "CoTeachingStep", "LabelLoss"):
            continue  # results and the base class
        assert ">>> " in (getattr(lnt, name).__doc__ or ""), name
