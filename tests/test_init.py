"""The package's top level (``labelnoise/__init__.py``): its public surface."""

from __future__ import annotations

import labelnoise
from labelnoise import estimate_noise, find_label_issues, label_quality_scores


def test_public_surface():
    for name in labelnoise.__all__:
        assert hasattr(labelnoise, name), name
    assert issubclass(labelnoise.InputError, ValueError)
    assert issubclass(labelnoise.InputTypeError, TypeError)
    assert issubclass(labelnoise.InputTypeError, labelnoise.InputError)
    assert isinstance(labelnoise.__version__, str)


def test_public_functions_have_examples():
    for func in (find_label_issues, estimate_noise, label_quality_scores):
        assert ">>> " in (func.__doc__ or ""), func.__name__
