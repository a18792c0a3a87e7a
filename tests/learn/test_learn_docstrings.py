"""The docstring examples of labelnoise.learn run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import labelnoise.learn

MODULES = ["labelnoise.learn"] + [
    m.name for m in pkgutil.iter_modules(labelnoise.learn.__path__, "labelnoise.learn.")
]


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name):
    module = importlib.import_module(module_name)
    failed, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failed == 0


def test_public_callables_have_examples():
    for obj in (labelnoise.learn.CleanClassifier, labelnoise.learn.cross_val_pred_probs):
        assert ">>> " in (obj.__doc__ or ""), obj.__name__
