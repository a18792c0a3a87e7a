"""Every public class and function of labelnoise.torch has an example
(tests/test_docstring_examples.py runs them)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")
lnt = pytest.importorskip("labelnoise.torch")


def test_every_public_class_and_function_has_an_example():
    for name in lnt.__all__:
        if name in ("CoTeachingEpoch", "CoTeachingStep", "LabelLoss"):
            continue  # results and the base class
        assert ">>> " in (getattr(lnt, name).__doc__ or ""), name
