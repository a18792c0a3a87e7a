"""Checks for the options of public functions (scikit-learn's wording), done once per call.

The data checks live in :mod:`labelnoise._validation`, which re-exports these, so that
module stays the one place public functions import their validation from.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import numpy as np

from labelnoise._errors import InputError, InputTypeError

__all__ = [
    "check_bool",
    "check_choice",
    "check_chunk_size",
    "check_fraction",
    "check_int",
    "check_n_jobs",
]


def check_choice(value: Any, *, name: str, func: str, choices: Collection[Any]) -> Any:
    """Check that an option is one of a fixed set (scikit-learn's wording).

    Membership is equality, so ``1`` passes for ``True``: check bool options with
    :func:`check_bool` instead.
    """
    if value not in choices:
        listed = "{" + ", ".join(repr(c) for c in choices) + "}"
        raise InputError(
            name,
            f"The {name!r} parameter of {func} must be one of {listed}. Got {value!r} instead.",
        )
    return value


def check_bool(value: Any, *, name: str, func: str | None = None) -> bool:
    """Check a boolean option: ``True`` or ``False`` only (numpy bools too).

    Truthiness would read ``"no"`` or ``"False"`` as True; so strings, numbers and
    ``None`` are errors, worded as :func:`check_choice` words them.
    """
    if not isinstance(value, bool | np.bool_):
        where = f" of {func}" if func else ""
        raise InputTypeError(
            name,
            f"The {name!r} parameter{where} must be one of {{False, True}}. Got {value!r} "
            "instead; pass a real bool.",
        )
    return bool(value)


def check_int(value: Any, *, name: str, func: str, minimum: int) -> int:
    """Check an integer option (bools are rejected)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise InputError(
            name,
            f"The {name!r} parameter of {func} must be an int >= {minimum}. Got {value!r} instead.",
        )
    return int(value)


def check_fraction(value: Any, *, name: str, func: str) -> float:
    """Check a float option in [0, 1]."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float | np.integer | np.floating)
        or not 0.0 <= float(value) <= 1.0
    ):
        raise InputError(
            name,
            f"The {name!r} parameter of {func} must be a float in [0, 1]. Got {value!r} instead.",
        )
    return float(value)


def check_chunk_size(value: Any, *, func: str) -> int | None:
    """``chunk_size``: ``None`` (automatic) or a row count >= 1."""
    return None if value is None else check_int(value, name="chunk_size", func=func, minimum=1)


def check_n_jobs(value: Any, *, func: str, out_of_core: bool = False) -> int:
    """``n_jobs``: threads for the passes over ``pred_probs``, as joblib counts them.

    ``None`` means every core this process may use (its CPU affinity and cgroup quota,
    through :func:`joblib.cpu_count`), or one thread for an ``out_of_core`` source, whose
    memory then stays bounded by one block (each thread holds blocks of its own); a
    negative value ``-m`` means all but ``m - 1`` of them, so ``-1`` is all; a positive
    value is taken as it is.
    """
    from joblib import cpu_count

    cores = int(cpu_count())
    if value is None:
        return 1 if out_of_core else cores
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value == 0:
        raise InputError(
            "n_jobs",
            f"The 'n_jobs' parameter of {func} must be None or a non-zero int (-1 for every "
            f"core). Got {value!r} instead.",
        )
    jobs = int(value)
    if jobs < 0:
        jobs = cores + 1 + jobs
        if jobs < 1:
            raise InputError(
                "n_jobs",
                f"The 'n_jobs' parameter of {func} is {value}, which leaves no thread on "
                f"{cores} cores; pass -1 for every core or a positive count.",
            )
    return jobs
