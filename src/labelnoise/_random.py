"""One random Generator per call, never the global RNG."""

from __future__ import annotations

from typing import Any

import numpy as np

from labelnoise._errors import InputTypeError

__all__ = ["RandomState", "check_random_state"]

RandomState = int | np.random.Generator | None


def check_random_state(random_state: Any, *, func: str) -> np.random.Generator:
    """Turn ``random_state`` into a :class:`numpy.random.Generator`.

    ``None`` gives fresh OS entropy, an int (or a :class:`numpy.random.SeedSequence`) a
    reproducible stream, and a Generator is used as is (and advanced). The legacy global
    ``np.random`` state and ``RandomState`` objects are never used.
    """
    if random_state is None or isinstance(random_state, np.random.SeedSequence):
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, int | np.integer) and not isinstance(random_state, bool):
        if random_state >= 0:
            return np.random.default_rng(int(random_state))
    raise InputTypeError(
        "random_state",
        f"The 'random_state' parameter of {func} must be None, a non-negative int or a "
        f"numpy.random.Generator. Got {random_state!r} instead; pass e.g. random_state=0 "
        "(legacy RandomState objects are not supported: use np.random.default_rng(seed)).",
    )
