"""Truth inference by expectation-maximisation (Dawid & Skene, 1979), in log space.

Each annotator ``a`` has a confusion matrix ``theta[a, y, l] = P(a says l | truth y)``;
the E-step scores every example ``i`` by ``log prior_i(y) + sum_a log theta[a, y, l_ia]``
and normalises with ``logsumexp`` (a product of many small probabilities would underflow,
as the crowd-kit implementation does on CIFAR-10N). Both steps are products with the sparse
``(n, m*K)`` incidence matrix of :class:`~labelnoise.annotators._table.Table`: the E-step
gathers ``log theta`` rows, the M-step scatter-adds posteriors into confusion counts.

Each annotator's matrix is shrunk towards the pooled matrix of all annotators by
``smoothing`` pseudo-labels per true class (a Dirichlet prior), so that an annotator seen
on ten images does not get a confusion matrix of zeros and ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labelnoise.annotators._table import Table

__all__ = ["Fit", "dawid_skene", "majority_vote", "pooled_posterior"]

#: Floor of model probabilities before the log (float32 softmax outputs reach 0).
_PROB_FLOOR = 1e-12
#: The model's weight ``beta`` is searched in [0, _BETA_MAX].
_BETA_MAX = 4.0
#: Smoothing never goes below this, so that every log stays finite (textbook DS has 0s).
_MIN_SMOOTHING = 1e-6
#: Newton steps on ``beta`` per EM iteration.
_BETA_STEPS = 3
#: A change of ``beta`` below this counts as settled ...
_BETA_SETTLED = 1e-3
#: ... and a settled ``beta`` is refitted every this many EM iterations.
_BETA_EVERY = 10


@dataclass(frozen=True)
class Fit:
    """Posterior over true classes ``(n, K)``, annotator confusions ``(m, K, K)``, model weight."""

    posterior: np.ndarray
    confusion: np.ndarray
    beta: float
    n_iter: int


def _softmax(logits: np.ndarray) -> np.ndarray:
    """Row softmax, in place on ``logits`` (a fresh array the caller gives up)."""
    logits -= logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=1, keepdims=True)
    return logits


def majority_vote(table: Table) -> np.ndarray:
    """Most voted class per example; ties go to the tied class a pooled model finds likelier.

    The tie rule: fit one confusion matrix shared by all annotators, and a class prior, to
    the examples whose vote is not tied (:func:`pooled_posterior`), and among the tied
    classes take the one with the highest posterior under them (then the lowest class
    code). On three labels that all differ this prefers the true class that best explains
    all three labels given the usual confusions, rather than an arbitrary one. Nothing
    depends on the order of rows or annotators.
    """
    counts = table.counts
    first = np.asarray(np.argmax(counts, axis=1), dtype=np.intp)
    top = counts[np.arange(table.n), first]
    untied = (counts == top[:, None]).sum(axis=1) == 1
    posterior = pooled_posterior(table, first, weights=untied.astype(np.float64)).posterior
    # a posterior is at most 1, below one vote: it only reorders tied classes
    return np.asarray(np.argmax(counts + 0.5 * posterior, axis=1), dtype=np.intp)


def _confusion_counts(table: Table, posterior: np.ndarray) -> np.ndarray:
    """``(m, K, K)`` expected counts ``[a, y, l]`` (the M-step's scatter-add)."""
    flat = np.asarray(table.incidence_t @ posterior)  # (m*K, K): row a*K + l, column y
    return flat.reshape(table.m, table.k, table.k).transpose(0, 2, 1)


def _confusions(counts: np.ndarray, smoothing: float, one_coin: bool) -> np.ndarray:
    """Row-stochastic ``theta`` from expected counts, shrunk towards the pooled matrix."""
    k = counts.shape[1]
    pooled = counts.sum(axis=0) + 0.01 / k  # a floor that keeps every entry > 0
    pooled /= pooled.sum(axis=1, keepdims=True)
    if k == 1:  # a single class: every label is right
        return np.ones_like(counts)
    if one_coin:
        right = np.trace(counts, axis1=1, axis2=2)
        total = counts.sum(axis=(1, 2))
        p_all = np.trace(pooled) / k
        p = (right + smoothing * k * p_all) / (total + smoothing * k)
        p = np.clip(p, 1e-6, 1 - 1e-6)
        off = (1 - p) / max(k - 1, 1)
        theta = np.broadcast_to(off[:, None, None], counts.shape).copy()
        theta[:, np.arange(k), np.arange(k)] = p[:, None]
        return theta
    theta = counts + max(smoothing, _MIN_SMOOTHING) * pooled
    return theta / theta.sum(axis=2, keepdims=True)


def _annotator_loglik(table: Table, theta: np.ndarray) -> np.ndarray:
    """``(n, K)``: ``sum_a log theta[a, y, l_ia]`` for every example and class ``y``."""
    log_theta = np.log(theta).transpose(0, 2, 1).reshape(table.m * table.k, table.k)
    return np.asarray(table.incidence @ log_theta)


def _model_prior(log_probs: np.ndarray, beta: float) -> np.ndarray:
    """The model's probabilities tempered by ``beta`` and renormalised."""
    return _softmax(beta * log_probs)


def _beta_step(log_probs: np.ndarray, log_sq: np.ndarray, loglik: np.ndarray, beta: float) -> float:
    """A few safeguarded Newton steps on the model weight ``beta``.

    ``beta`` maximises the marginal likelihood of the annotations,
    ``sum_i log sum_y softmax(beta * log p_i)_y * P(labels_i | y)``; its derivative is
    ``sum_i E_post[log p_i] - E_model[log p_i]`` and its second derivative the difference
    of the two variances (``log_sq`` is ``log_probs ** 2``). A Newton step where the
    likelihood is concave in ``beta``, else a step of 0.25 uphill, clipped to
    ``[0, _BETA_MAX]`` (no line search: an ascent heuristic between EM steps).
    """
    for _ in range(_BETA_STEPS):
        model = _model_prior(log_probs, beta)
        post = _softmax(beta * log_probs + loglik)
        m1 = np.einsum("ij,ij->i", model, log_probs)
        p1 = np.einsum("ij,ij->i", post, log_probs)
        grad = float(p1.sum() - m1.sum())
        curv = float(np.einsum("ij,ij->", post - model, log_sq) - p1 @ p1 + m1 @ m1)
        step = -grad / curv if curv < 0 else np.sign(grad) * 0.25
        new = float(np.clip(beta + step, 0.0, _BETA_MAX))
        if abs(new - beta) < _BETA_SETTLED:
            return new
        beta = new
    return beta


def dawid_skene(
    table: Table,
    *,
    one_coin: bool,
    smoothing: float,
    use_model: bool,
    max_iter: int,
    tol: float,
) -> Fit:
    """EM from the vote shares; with ``use_model`` the model's tempered probabilities are
    each example's prior (the temper ``beta`` refitted as EM goes), else a class prior.
    """
    posterior = table.counts / table.counts.sum(axis=1, keepdims=True)
    log_probs = None
    if use_model and table.pred_probs is not None:
        log_probs = np.log(np.maximum(table.pred_probs.astype(np.float64), _PROB_FLOOR))
        log_sq = log_probs**2
    beta, n_iter, settled_at = 1.0, 0, -1
    for n_iter in range(1, max_iter + 1):
        theta = _confusions(_confusion_counts(table, posterior), smoothing, one_coin)
        loglik = _annotator_loglik(table, theta)
        if log_probs is not None:
            # once beta has settled it is revisited every _BETA_EVERY iterations only
            if settled_at < 0 or (n_iter - settled_at) % _BETA_EVERY == 0:
                new_beta = _beta_step(log_probs, log_sq, loglik, beta)
                settled_at = n_iter if abs(new_beta - beta) < _BETA_SETTLED else -1
                beta = new_beta
            log_prior = beta * log_probs
        else:
            prior = posterior.sum(axis=0) + 1.0
            log_prior = np.log(prior / prior.sum())[None, :]
        new = _softmax(log_prior + loglik)
        change = float(np.max(np.abs(new - posterior)))
        posterior = new
        if change < tol:
            break
    theta = _confusions(_confusion_counts(table, posterior), smoothing, one_coin)
    return Fit(posterior, theta, beta if log_probs is not None else 0.0, n_iter)


def pooled_posterior(table: Table, labels: np.ndarray, weights: np.ndarray | None = None) -> Fit:
    """One E-step with a single pooled confusion matrix estimated from hard ``labels``.

    Gives majority vote a posterior (for its relabel priority and annotator confusions)
    without changing its labels. ``weights`` (one per example, default 1) say which
    examples the pooled matrix and the class prior are estimated from.
    """
    hard = np.zeros((table.n, table.k))
    hard[np.arange(table.n), labels] = 1.0 if weights is None else weights
    counts = _confusion_counts(table, hard)
    pooled = _confusions(counts.sum(axis=0, keepdims=True), 1.0, False)[0]
    theta = np.broadcast_to(pooled, (table.m, table.k, table.k))
    class_counts = hard.sum(axis=0) + 1.0
    prior = np.log(class_counts / class_counts.sum())
    posterior = _softmax(prior[None, :] + _annotator_loglik(table, theta))
    return Fit(posterior, _confusions(counts, 1.0, False), 0.0, 1)
