"""Shared plumbing of the encoders: the import with the extra named, thread limits, and the
check of their integer options."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import numpy as np

from labelnoise._errors import InputError

__all__ = ["check_count", "require", "torch_threads"]


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


def check_count(value: Any, *, name: str, func: str, minimum: int, allow_none: bool = False) -> Any:
    """An int option ``>= minimum`` (bools refused) as an ``int``; ``None`` passes with
    ``allow_none=True``."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        allowed = f"an int >= {minimum}" + (" or None" if allow_none else "")
        raise InputError(
            name, f"The {name!r} parameter of {func} must be {allowed}. Got {value!r}."
        )
    return int(value)
