"""Confident learning on a Dask cluster: ``pred_probs`` as a ``dask.array``.

Pass a ``dask.array.Array`` of shape ``(n, K)`` as ``pred_probs`` to
:func:`labelnoise.find_label_issues` or :func:`labelnoise.estimate_noise`; the work runs
on the active Dask scheduler (a ``distributed.Client`` if one is active, otherwise Dask's
default), one task per row chunk, and the results are exactly the in-memory ones. Only
per-row vectors (label codes, self-confidences, flags) and small per-chunk summaries move
between the client and the workers, never the ``(n, K)`` matrix; see docs/distributed.md.

This subpackage is the only place that imports dask. It has no public names of its own:
the row reader it provides (``_rows.dask_rows``) is picked by the validation of
``pred_probs`` when it sees a Dask array.
"""

__all__: list[str] = []
