"""The docstring examples of labelnoise.bench run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import labelnoise.bench

MODULES = ["labelnoise.bench"] + [
    m.name for m in pkgutil.iter_modules(labelnoise.bench.__path__, "labelnoise.bench.")
]


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name):
    module = importlib.import_module(module_name)
    failed, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failed == 0


@pytest.mark.parametrize("name", labelnoise.bench.__all__)
def test_public_names_are_documented(name):
    obj = getattr(labelnoise.bench, name)
    if inspect.isfunction(obj) or inspect.isclass(obj):
        assert (obj.__doc__ or "").strip(), name
