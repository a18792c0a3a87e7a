"""``find_label_issues``: confident learning and its baselines."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from labelnoise._errors import InputError
from labelnoise._pass import confident_pass
from labelnoise._random import RandomState, check_random_state
from labelnoise._sources import is_out_of_core
from labelnoise._validation import (
    check_bool,
    check_choice,
    check_chunk_size,
    check_fraction,
    check_int,
    check_n_jobs,
    check_problem,
)
from labelnoise.detect._detectors import Settings, resolve_inputs
from labelnoise.detect._ensemble import (
    ENSEMBLE_METHODS,
    EnsembleMethod,
    combine,
    is_model_list,
    rank_scores,
)
from labelnoise.detect._filters import Pruning, Scores
from labelnoise.detect._registry import (
    METHODS,
    PRUNE_METHODS,
    DetectionMethod,
    FilterMethod,
    method_names,
)
from labelnoise.detect._result import LabelIssues

__all__ = ["FilterMethod", "RankBy", "check_removals", "find_label_issues"]

MixtureKind = Literal["gaussian", "beta"]
RankBy = Literal["self_confidence", "normalized_margin", "confidence_weighted_entropy"] | None

_FRAC_METHODS = method_names(lambda m: "frac_noise" in m.options)
_DETECTORS = method_names(lambda m: not m.confident_learning)
_RANK_BY = (None, "self_confidence", "normalized_margin", "confidence_weighted_entropy")
_FUNC = "find_label_issues"


def check_removals(
    value: Any, n_classes: int, method: str, *, unit: str = "class"
) -> list[int] | None:
    """Check ``num_to_remove_per_class``: None, or ``n_classes`` non-negative integers
    (one per ``unit``: a class here, a tag in ``labelnoise.multilabel``), with a method
    of :data:`PRUNE_METHODS` only."""
    if value is None:
        return None
    if method not in PRUNE_METHODS:
        raise InputError(
            "num_to_remove_per_class",
            f"is only supported with method in {PRUNE_METHODS}, got method={method!r}; "
            "drop num_to_remove_per_class or use method='prune_by_class'.",
        )
    counts = np.asarray(value)
    if counts.shape != (n_classes,) or counts.dtype.kind not in "iu" or np.any(counts < 0):
        raise InputError(
            "num_to_remove_per_class",
            f"expected {n_classes} non-negative integers (one per {unit}), got {value!r}.",
        )
    return [int(c) for c in counts]


def _check_option_use(spec: DetectionMethod, rank_by: Any, frac_noise: float) -> None:
    """An error for ``rank_by`` and a warning for ``frac_noise`` where the method ignores
    them."""
    if rank_by is not None and "rank_by" not in spec.options:
        raise InputError(
            "rank_by",
            f"is not used by method={spec.name!r}, which ranks by its own score; drop rank_by "
            "or use method='auto' or a confident-learning method.",
        )
    if frac_noise != 1.0 and "frac_noise" not in spec.options:
        warnings.warn(
            f"frac_noise only applies to methods {_FRAC_METHODS}; it is ignored for "
            f"method={spec.name!r}.",
            UserWarning,
            stacklevel=3,
        )


def _confident_inputs(pred_probs: Any, features: Any, method: str) -> bool:
    """Check what a confident-learning method needs; True when several models are given."""
    if pred_probs is None:
        raise InputError(
            "pred_probs",
            f"method={method!r} needs pred_probs; pass out-of-sample pred_probs of shape "
            "(n, K), or features=X with method='knn' or 'auto'.",
        )
    if features is not None:
        warnings.warn(
            f"features are not used by method={method!r}; they are ignored (methods "
            f"{_DETECTORS} use them).",
            UserWarning,
            stacklevel=4,
        )
    return is_model_list(pred_probs)


def _confident_issues(
    labels: Any,
    pred_probs: Any,
    features: Any,
    spec: DetectionMethod,
    *,
    rank_by: str | None,
    ensemble: str,
    classes: Sequence[Any] | None,
    normalize: bool,
    chunk_size: int | None,
    n_jobs: int,
    frac_noise: float,
    num_to_remove_per_class: Sequence[int] | None,
    min_examples_per_class: int,
) -> LabelIssues:
    """A confident-learning filter: one confident pass, the filter's mask, then ranking."""
    combined = _confident_inputs(pred_probs, features, spec.name)
    if combined:
        ens = combine(labels, pred_probs, ensemble=ensemble, classes=classes, normalize=normalize)
        problem = ens.problem
    else:
        problem = check_problem(
            labels,
            pred_probs,
            classes=classes,
            normalize=normalize,
            chunk_size=chunk_size,
            n_jobs=n_jobs,
        )
    removals = check_removals(num_to_remove_per_class, problem.n_classes, spec.name)
    stats = confident_pass(problem)
    scores_of = Scores(problem, stats.self_conf)
    pruning = Pruning(frac_noise, removals, min_examples_per_class)
    mask = spec.function(problem, stats, pruning, scores_of)
    # keep only what the results need: the pass's row index and flags (0.3x a 10-column
    # float32 pred_probs) are freed before the results are built
    argmax = stats.argmax
    del stats
    score_method = rank_by or spec.score
    if combined and ens.rank:
        scores = rank_scores(ens.members, score_method)
    else:
        scores = scores_of(score_method)
    del scores_of
    flagged = np.flatnonzero(mask)
    indices = flagged[np.argsort(scores[flagged])]
    return LabelIssues(
        mask=mask,
        indices=indices,
        scores=scores,
        given_labels=problem.names(problem.labels),
        suggested_labels=problem.names(argmax, copy=False),
        method=spec.name,
        score_method=score_method,
    )


def find_label_issues(
    labels: Any,
    pred_probs: Any = None,
    *,
    features: Any = None,
    method: FilterMethod = "prune_by_noise_rate",
    frac_noise: float = 1.0,
    num_to_remove_per_class: Sequence[int] | None = None,
    min_examples_per_class: int = 1,
    rank_by: RankBy = None,
    classes: Sequence[Any] | None = None,
    normalize: bool = False,
    chunk_size: int | None = None,
    n_jobs: int | None = None,
    ensemble: EnsembleMethod = "likelihood",
    n_neighbors: int = 10,
    mixture: MixtureKind = "gaussian",
    random_state: RandomState = None,
) -> LabelIssues:
    """Find examples whose given label is likely wrong, by confident learning.

    Confident learning (Northcutt, Jiang, Chuang, JAIR 2021) estimates how many examples
    of each given class truly belong to each other class (the confident joint), then
    flags that many examples per class, the ones the model is surest are mislabelled.
    ``pred_probs`` must be *out-of-sample* (cross-validated): a model evaluated on its own
    training data has memorised the wrong labels and will vouch for them.
    Results are identical to cleanlab 2.9.0's ``filter.find_label_issues``.

    Parameters
    ----------
    labels : array-like of shape (n,)
        Given (possibly wrong) labels: integers ``0..K-1``, or names with ``classes=``.
        Classes absent from the labels are allowed.
    pred_probs : array-like of shape (n, K), or a list of them (one per model), optional
        Out-of-sample predicted probabilities, rows summing to 1; float16/32/64. Values
        within 1e-4 of [0, 1] (float16 rounding) are accepted, clipped and renormalized.
        Several models' arrays (same shape) are combined as ``ensemble`` says. Needed by
        every method except ``knn``, ``linear_separation`` and ``auto`` with features.
    features : array-like of shape (n, d), optional
        Embeddings (any numeric array with one row per example; images are flattened),
        compared by cosine similarity. Used by ``knn``, ``linear_separation``,
        ``linear_separation_small_loss`` and ``auto``.
    method : str, default="prune_by_noise_rate"
        ``prune_by_noise_rate``: per off-diagonal cell of the joint, flag the examples with
        the largest margin ``p[j] - p[label]``. ``prune_by_class``: per class, flag those
        with the lowest ``p[label]``. ``both``: flagged by both. ``confident_learning``:
        the off-diagonal examples of the confident joint. ``predicted_neq_given``:
        argmax differs from the label. ``low_normalized_margin`` and
        ``low_self_confidence``: the lowest-scoring examples, as many as the confident
        joint counts off its diagonal.
        Beyond confident learning (``docs/detectors.md`` compares them all):
        ``auto``: the best general default on our real-noise benchmark
        (``docs/detectors.md``); flags the expected number of wrong labels,
        ``sum(1 - P(given label is true))`` on the probabilities calibrated to the
        given labels (temperature scaling) and sharpened by 2, and flags those ranked
        lowest by a mix of that posterior under the estimated noise matrix and the
        normalized margin, the posterior weighing more the more structured the
        estimated noise (``score_method="noise_adaptive_rank"``, percentile ranks in
        (0, 1]). Unlike confident learning's count it neither over-counts with weak
        models nor under-counts human errors with strong networks. With ``features``
        too, the model's probabilities are first averaged with the neighbour votes
        (features alone: the votes stand in for ``pred_probs``). Built for flips among
        known classes: under open-set (web) noise, prefer ``linear_separation`` or
        ``small_loss`` (docs/detectors.md, open-set table).
        ``small_loss``: ``P(clean) < 0.5`` from a two-component mixture over the losses
        ``-log p[label]`` (see :func:`clean_probability`), except where the given label
        is the model's top class (as for every method here that reads ``pred_probs``
        through a mixture). ``knn``: another class has more votes than the given
        label among the ``n_neighbors`` most cosine-similar examples (training-free);
        suggested labels are the neighbours' majority. ``linear_separation``: per class,
        a cross-fitted linear classifier separates presumed-clean from presumed-noisy
        examples in feature space, iterated (for out-of-distribution web noise; the
        halves are split by content, so the result does not depend on the row order);
        ``linear_separation_small_loss`` averages its ``P(clean)`` with small-loss's.
        :data:`labelnoise.detect.METHODS` lists every method with the inputs it needs and
        the options below that it reads.
    frac_noise : float in [0, 1], default=1.0
        Flag only this fraction of the estimated issues (prune methods only).
    num_to_remove_per_class : sequence of K ints, optional
        Flag this many examples per class instead of the estimate (prune methods only).
    min_examples_per_class : int, default=1
        Leave at least this many examples in every class; classes this small are skipped.
    rank_by : {None, "self_confidence", "normalized_margin", "confidence_weighted_entropy"}
        Score that orders ``indices`` and fills ``scores``. ``None`` uses
        ``normalized_margin`` for ``method="low_normalized_margin"``, each detector's own
        score for the methods beyond confident learning, and ``self_confidence``
        otherwise. Only ``auto`` among those accepts another score.
    classes : sequence of length K, optional
        Class name of each column of ``pred_probs``, when labels are names.
    normalize : bool, default=False
        Divide each row of ``pred_probs`` by its sum first (otherwise rows that do not sum
        to 1 within 1e-3 are an error).
    chunk_size : int, optional
        Rows per block when reading ``pred_probs``; by default blocks of about 4 MiB.
        Results do not depend on it. A ``.npy`` or Parquet path (one column per class, or
        one list column), or a ``numpy.memmap``, is accepted as ``pred_probs`` and read
        block by block, with memory bounded by the block (out of core). A
        ``dask.array`` runs one task per row chunk on the active Dask scheduler
        (docs/distributed.md). Both give exactly the in-memory result.
    n_jobs : int or None, default=None
        Threads for the passes over one model's ``pred_probs`` (validation, thresholds,
        confident joint, the top-k cut, scores); ``-1``: every core this process may use;
        ``None``: every core for ``pred_probs`` in memory, one thread out of core (where
        memory stays bounded by one block). Results are bit-identical for every value.
        Pass 1 inside your own parallel workers (a joblib or Dask worker that runs many
        calls at once).
    ensemble : {"likelihood", "mean", "rank", "weighted"}, default="likelihood"
        How a list of models' ``pred_probs`` is combined: ``likelihood`` averages the
        probabilities with the weights that make the given labels most likely (stacking
        on the out-of-sample probabilities; a better model gets more weight without
        being named); ``mean`` averages them equally; ``weighted`` weights each model by
        its agreement with the given labels on the rows it is confident about; ``rank``
        counts on the mean but ranks (fills ``scores``) by each example's mean
        percentile rank over the models.
    n_neighbors : int >= 1, default=10
        Neighbours that vote, for the methods that use ``features``.
    mixture : {"gaussian", "beta"}, default="gaussian"
        Mixture of the small-loss criterion (``small_loss`` and ``linear_separation*``).
    random_state : int, numpy.random.Generator or None
        Seeds the approximate neighbour index used above 100,000 rows (when the optional
        ``faiss-cpu`` is installed); everything else is deterministic.

    Returns
    -------
    LabelIssues
        ``mask``, ``indices`` (worst first), ``scores``, ``given_labels``,
        ``suggested_labels``; ``len()`` is the number flagged.

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise import find_label_issues
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8], [0.9, 0.1]])
    >>> issues = find_label_issues([0, 0, 1, 1, 1], pred_probs)
    >>> issues.indices.tolist(), issues.suggested_labels[issues.indices].tolist()
    ([4], [0])
    """
    check_choice(method, name="method", func=_FUNC, choices=tuple(METHODS))
    check_choice(rank_by, name="rank_by", func=_FUNC, choices=_RANK_BY)
    check_bool(normalize, name="normalize", func=_FUNC)
    frac_noise = check_fraction(frac_noise, name="frac_noise", func=_FUNC)
    min_examples_per_class = check_int(
        min_examples_per_class, name="min_examples_per_class", func=_FUNC, minimum=0
    )
    chunk_size = check_chunk_size(chunk_size, func=_FUNC)
    n_jobs = check_n_jobs(n_jobs, func=_FUNC, out_of_core=is_out_of_core(pred_probs))
    check_choice(ensemble, name="ensemble", func=_FUNC, choices=ENSEMBLE_METHODS)
    check_choice(mixture, name="mixture", func=_FUNC, choices=("gaussian", "beta"))
    n_neighbors = check_int(n_neighbors, name="n_neighbors", func=_FUNC, minimum=1)
    spec = METHODS[method]
    _check_option_use(spec, rank_by, frac_noise)
    if spec.confident_learning:
        return _confident_issues(
            labels,
            pred_probs,
            features,
            spec,
            rank_by=rank_by,
            ensemble=ensemble,
            classes=classes,
            normalize=normalize,
            chunk_size=chunk_size,
            n_jobs=n_jobs,
            frac_noise=frac_noise,
            num_to_remove_per_class=num_to_remove_per_class,
            min_examples_per_class=min_examples_per_class,
        )
    check_removals(num_to_remove_per_class, 0, method)
    rng = check_random_state(random_state, func=_FUNC)
    inputs = resolve_inputs(
        labels,
        pred_probs,
        features,
        spec=spec,
        ensemble=ensemble,
        classes=classes,
        normalize=normalize,
        chunk_size=chunk_size,
        n_jobs=n_jobs,
    )
    settings = Settings(method, rank_by or spec.score, rank_by, n_neighbors, mixture, rng)
    return spec.function(inputs, settings)
