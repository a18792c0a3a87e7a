"""An optional progress bar: tqdm is imported only when one is asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from labelnoise._errors import InputError, InputTypeError

__all__ = ["check_progress", "progress_bar"]


class _Silent:
    """Stands in for a bar when none is wanted."""

    def update(self, n: int = 1) -> None:
        """Do nothing."""

    def close(self) -> None:
        """Do nothing."""


class _Callback(_Silent):
    """Calls ``step()`` once per finished unit, for a caller's own progress display."""

    def __init__(self, step: Callable[[], None]) -> None:
        self._step = step

    def update(self, n: int = 1) -> None:
        """Call ``step`` ``n`` times."""
        for _ in range(n):
            self._step()


def check_progress(value: Any, *, func: str) -> bool | Callable[[], None]:
    """``progress``: a bool (numpy bools too) or a callable; never a truthy string."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if callable(value):
        return value
    raise InputTypeError(
        "progress",
        f"The 'progress' parameter of {func} must be a bool or a callable. Got {value!r} "
        "instead; pass True for a progress bar.",
    )


def progress_bar(*, total: int, desc: str, enabled: bool | Callable[[], None]) -> Any:
    """A ``tqdm`` bar (``update``, ``close``) when ``enabled`` is True, ``enabled`` itself
    called after each unit when it is a callable, else a silent stand-in.

    tqdm is an optional dependency, imported here and only here.
    """
    if callable(enabled):
        return _Callback(enabled)
    if not enabled:
        return _Silent()
    try:
        from tqdm.auto import tqdm
    except ImportError as exc:  # pragma: no cover - tqdm is present in the test env
        raise InputError(
            "progress", "progress=True needs tqdm: pip install tqdm (or pass progress=False)."
        ) from exc
    return tqdm(total=total, desc=desc, leave=False)
