"""The public callables of labelnoise.learn have examples (tests/test_docstring_examples.py
runs them)."""

from __future__ import annotations

import labelnoise.learn


def test_public_callables_have_examples():
    for obj in (labelnoise.learn.CleanClassifier, labelnoise.learn.cross_val_pred_probs):
        assert ">>> " in (obj.__doc__ or ""), obj.__name__
