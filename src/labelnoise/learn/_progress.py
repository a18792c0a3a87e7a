"""An optional progress bar: tqdm is imported only when one is asked for."""

from __future__ import annotations

from typing import Any

from labelnoise._errors import InputError

__all__ = ["progress_bar"]


class _Silent:
    """Stands in for a bar when none is wanted."""

    def update(self, n: int = 1) -> None:
        """Do nothing."""

    def close(self) -> None:
        """Do nothing."""


def progress_bar(*, total: int, desc: str, enabled: bool) -> Any:
    """A ``tqdm`` bar (``update``, ``close``) when ``enabled``, else a silent stand-in.

    tqdm is an optional dependency, imported here and only here.
    """
    if not enabled:
        return _Silent()
    try:
        from tqdm.auto import tqdm
    except ImportError as exc:  # pragma: no cover - tqdm is present in the test env
        raise InputError(
            "progress", "progress=True needs tqdm: pip install tqdm (or pass progress=False)."
        ) from exc
    return tqdm(total=total, desc=desc, leave=False)
