"""The public names of labelnoise.bench are documented (tests/test_docstring_examples.py
runs their examples)."""

from __future__ import annotations

import inspect

import pytest

import labelnoise.bench


@pytest.mark.parametrize("name", labelnoise.bench.__all__)
def test_public_names_are_documented(name):
    obj = getattr(labelnoise.bench, name)
    if inspect.isfunction(obj) or inspect.isclass(obj):
        assert (obj.__doc__ or "").strip(), name
