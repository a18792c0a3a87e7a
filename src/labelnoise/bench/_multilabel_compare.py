"""Two detectors of the multi-label benchmark side by side, per setting.

:func:`compare_multilabel` reads the frame of
:func:`labelnoise.bench.run_multilabel_benchmark` and puts a candidate beside a baseline
(the reference by default): means over the seeds of each setting (data, noise, model),
their ratios, and the share of settings where the candidate is at least as good.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from labelnoise._errors import InputError

__all__ = ["MultilabelComparison", "compare_multilabel"]


@dataclass(frozen=True)
class MultilabelComparison:
    """One detector against another, per setting (data, noise, model).

    Attributes
    ----------
    table : DataFrame
        One row per setting, means over the seeds: noise_rate, auroc and f1 of each,
        and their ratios (candidate / baseline).
    auroc_wins, f1_wins : float
        Share of the settings where the candidate is at least as good as the baseline.
    """

    table: pd.DataFrame
    auroc_wins: float
    f1_wins: float


def compare_multilabel(
    frame: pd.DataFrame,
    candidate: str,
    *,
    baseline: str = "reference",
    seeds: tuple[int, ...] | None = None,
    f1: str = "f1",
) -> MultilabelComparison:
    """Put two detectors of :func:`run_multilabel_benchmark` side by side.

    Parameters
    ----------
    frame : DataFrame
        From :func:`run_multilabel_benchmark`.
    candidate, baseline : str
        Detector names in ``frame`` (``"reference"`` needs a run with ``reference=True``).
    seeds : tuple of int, optional
        Only these seeds (e.g. the held-out ones). Default: all.
    f1 : {"f1", "f1_lowest"}, default "f1"
        Which F1 to compare.

    Returns
    -------
    MultilabelComparison

    Examples
    --------
    >>> import pandas as pd
    >>> from labelnoise.bench import compare_multilabel
    >>> frame = pd.DataFrame({"data": "d", "noise": "missing", "model": "m", "seed": 0,
    ...     "noise_rate": 0.3, "detector": ["a", "b"], "auroc": [0.7, 0.8], "f1": [0.5, 0.5]})
    >>> result = compare_multilabel(frame, "b", baseline="a")
    >>> result.auroc_wins, result.f1_wins, result.table["auroc_ratio"].round(3).tolist()
    (1.0, 1.0, [1.143])
    """
    for name in (candidate, baseline):
        if name not in set(frame["detector"]):
            raise InputError(
                "candidate" if name == candidate else "baseline",
                f"no rows of detector {name!r} in frame; it has {sorted(set(frame['detector']))}.",
            )
    rows = frame if seeds is None else frame[frame["seed"].isin(seeds)]
    keys = ["data", "noise", "model"]
    means = rows.groupby([*keys, "detector"])[["auroc", f1]].mean().unstack("detector")
    table = pd.DataFrame({"noise_rate": rows.groupby(keys)["noise_rate"].mean()})
    for metric, column in (("auroc", "auroc"), ("f1", f1)):
        table[f"{metric}_{baseline}"] = means[column][baseline]
        table[f"{metric}_{candidate}"] = means[column][candidate]
        table[f"{metric}_ratio"] = means[column][candidate] / means[column][baseline]
    return MultilabelComparison(
        table=table.reset_index(),
        auroc_wins=float((table[f"auroc_{candidate}"] >= table[f"auroc_{baseline}"]).mean()),
        f1_wins=float((table[f"f1_{candidate}"] >= table[f"f1_{baseline}"]).mean()),
    )
