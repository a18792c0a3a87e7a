"""How many BLAS and OpenMP threads each fold may use when folds run in parallel.

Fitting ``n_jobs`` folds at once, each with a BLAS (or OpenMP) pool as large as the
machine, runs ``n_jobs * cores`` threads on ``cores`` cores: they preempt each other and
spin, and on two busy cores a 1.4 s fit took 42 s. So each parallel fold gets
``cores // n_jobs`` threads (at least 1), and never more than the caller's own limit
(``threadpoolctl.threadpool_limits`` around the call); folds that run one at a time keep
whatever the caller has.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from joblib import cpu_count, effective_n_jobs
from threadpoolctl import threadpool_info, threadpool_limits

__all__ = ["fold_threads", "limit_threads"]

#: The thread pools a fold's fit may start: linear algebra, and OpenMP (gradient boosting).
_APIS = ("blas", "openmp")


def fold_threads(n_jobs: int | None) -> dict[str, int] | None:
    """Threads per fold for each pool (``{"blas": b, "openmp": o}``); ``None`` when the
    folds run one at a time.

    ``n_jobs=None`` follows the active ``joblib.parallel_config``, as joblib does.
    """
    workers = effective_n_jobs(n_jobs)
    if workers == 1:
        return None
    share = max(1, cpu_count() // workers)
    current: dict[str, int] = {}
    for pool in threadpool_info():
        api, n = pool["user_api"], int(pool["num_threads"])
        current[api] = max(current.get(api, 0), n)
    return {api: min(share, current.get(api, share)) for api in _APIS}


def limit_threads(threads: dict[str, int] | None) -> AbstractContextManager[Any]:
    """Limit the BLAS and OpenMP pools to ``threads`` inside the block (None: no limit)."""
    return nullcontext() if threads is None else threadpool_limits(limits=threads)
