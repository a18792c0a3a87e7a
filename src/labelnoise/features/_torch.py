"""Shared torch plumbing of the encoders: the import with the extra named, thread limits."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

from labelnoise._errors import InputError

__all__ = ["require", "torch_threads"]


def require(module: str, *, extra: str, argument: str) -> ModuleType:
    """Import an optional dependency, or raise an error naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise InputError(
            argument,
            f"needs the optional dependency {module.split('.')[0]!r}: "
            f"pip install 'labelnoise[{extra}]'.",
        ) from exc


@contextmanager
def torch_threads(torch: Any, threads: int | None) -> Iterator[None]:
    """Run the block with ``torch.set_num_threads(threads)``, restoring the old count after.

    ``None`` keeps torch's own setting.
    """
    if threads is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)
