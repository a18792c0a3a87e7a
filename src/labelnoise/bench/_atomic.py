"""Atomic writes for the benchmark: the package's one writer, :mod:`labelnoise._atomic`.

Kept so that ``from labelnoise.bench._atomic import write_atomic`` still works; new code
imports :func:`labelnoise._atomic.write_atomic` directly.
"""

from __future__ import annotations

from labelnoise._atomic import write_atomic

__all__ = ["write_atomic"]
