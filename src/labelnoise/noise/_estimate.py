"""``estimate_noise``: how labels are corrupted, from labels and out-of-sample probabilities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from labelnoise._pass import ConfidentPass, confident_pass
from labelnoise._validation import check_bool, check_problem
from labelnoise.noise._counts import calibrate_confident_joint
from labelnoise.noise._latent import estimate_latent

__all__ = ["IssueCounts", "NoiseEstimate", "estimate_noise", "issue_counts"]


@dataclass(frozen=True)
class IssueCounts:
    """Two estimates of how many labels are wrong.

    Attributes
    ----------
    off_diagonal : int
        Examples counted off the diagonal of the confident joint whose given label is not
        (within 1e-6) their argmax. The count used by ``method="low_self_confidence"``.
    off_diagonal_calibrated : int
        ``round(n * (1 - trace(joint)))`` from the calibrated joint.
    """

    off_diagonal: int
    off_diagonal_calibrated: int

    def __getitem__(self, name: str) -> int:
        """Read a count by its field name (``counts["off_diagonal"]``)."""
        if name not in ("off_diagonal", "off_diagonal_calibrated"):
            raise KeyError(name)
        return int(getattr(self, name))


@dataclass(frozen=True)
class NoiseEstimate:
    """Estimated label noise structure. ``K`` classes, rows/columns in class order.

    Attributes
    ----------
    confident_joint : (K, K) int
        Confident joint counts, rows = given label, columns = true label (calibrated to the
        label counts when ``calibrate=True``).
    joint : (K, K) float
        Estimated joint distribution ``P(given = i, true = j)``; sums to 1.
    noise_matrix : (K, K) float
        ``P(given = i | true = j)``; each column sums to 1.
    inverse_noise_matrix : (K, K) float
        ``P(true = i | given = j)``; each column sums to 1.
    prior : (K,) float
        ``P(true = j)``.
    num_issues : IssueCounts
        Estimated number of wrong labels, two ways.
    thresholds : (K,) float
        Per-class confident thresholds (mean self-confidence of each class).
    classes : (K,) array or None
        Class names when labels were given as names.
    """

    confident_joint: np.ndarray
    joint: np.ndarray
    noise_matrix: np.ndarray
    inverse_noise_matrix: np.ndarray
    prior: np.ndarray
    num_issues: IssueCounts
    thresholds: np.ndarray
    classes: np.ndarray | None = None

    @property
    def noise_rate(self) -> float:
        """Estimated fraction of wrong labels, ``1 - trace(joint)``."""
        return float(1.0 - np.trace(self.joint))

    def _repr_html_(self) -> str:
        """A small, self-contained HTML summary for Jupyter: the noise rate and matrix."""
        from html import escape

        k = self.noise_matrix.shape[0]
        names = [escape(str(c)) for c in (self.classes if self.classes is not None else range(k))]
        shown = min(k, 12)  # a larger matrix is summarised by its rate alone
        cell = 'style="padding:2px 6px;text-align:right"'
        head = "".join(f"<th {cell}>{name}</th>" for name in names[:shown])
        body = "".join(
            f"<tr><th {cell}>{names[i]}</th>"
            + "".join(f"<td {cell}>{self.noise_matrix[i, j]:.3f}</td>" for j in range(shown))
            + "</tr>"
            for i in range(shown)
        )
        table = (
            "<table><caption style='text-align:left'>noise matrix P(given = row | true = "
            f"column)</caption><thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody>"
            "</table>"
        )
        return (
            f"<div><b>NoiseEstimate</b>: {k} classes, estimated noise rate "
            f"{100 * self.noise_rate:.2f}% ({self.num_issues.off_diagonal_calibrated:,} "
            f"wrong labels){table if k <= 12 else ''}</div>"
        )


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array)
    array.setflags(write=False)
    return array


def issue_counts(stats: ConfidentPass, calibrated_joint: np.ndarray, n: int) -> IssueCounts:
    joint = calibrated_joint / np.clip(float(np.sum(calibrated_joint)), a_min=1e-100, a_max=None)
    return IssueCounts(
        off_diagonal=int(np.count_nonzero(stats.off_diagonal & ~stats.given_is_argmax)),
        off_diagonal_calibrated=int(np.rint((1.0 - joint.trace()) * n)),
    )


def estimate_noise(
    labels: Any,
    pred_probs: Any,
    *,
    calibrate: bool = True,
    classes: Sequence[Any] | None = None,
    normalize: bool = False,
    chunk_size: int | None = None,
    n_jobs: int | None = None,
) -> NoiseEstimate:
    """Estimate the noise transition matrix, class prior and number of label errors.

    Uses confident learning (Northcutt, Jiang, Chuang, JAIR 2021): the confident joint counts
    examples whose predicted probability for some class reaches that class's threshold, and
    is then calibrated to the observed label counts. ``pred_probs`` must be out-of-sample
    (e.g. from cross-validation): in-sample probabilities have memorised the noisy labels.

    Parameters
    ----------
    labels : array-like of shape (n,)
        Given (possibly wrong) labels: integers ``0..K-1``, or names with ``classes=``.
    pred_probs : array-like of shape (n, K), path, numpy.memmap or dask array
        Out-of-sample predicted probabilities; float16/32/64. A ``.npy`` or Parquet path
        (one column per class, or one list column), or a ``numpy.memmap``, is read in
        blocks of ``chunk_size`` rows with memory bounded by the block (out of core).
    calibrate : bool, default=True
        Calibrate the confident joint to the label counts before estimating.
    classes : sequence of length K, optional
        Class name of each column of ``pred_probs`` when labels are names.
    normalize : bool, default=False
        Divide each row of ``pred_probs`` by its sum first.
    chunk_size : int, optional
        Rows per block when reading ``pred_probs``; by default blocks of about 4 MiB.
        Results do not depend on it.
    n_jobs : int or None, default=None
        Threads for the passes over ``pred_probs`` (validation, thresholds, confident
        joint); ``-1``: every core this process may use; ``None``: every core in memory,
        one thread out of core. Results are bit-identical for every value. Pass 1 inside
        your own parallel workers.

    Returns
    -------
    NoiseEstimate

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise import estimate_noise
    >>> pred_probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.2, 0.8], [0.9, 0.1]])
    >>> est = estimate_noise([0, 0, 1, 1, 1], pred_probs)
    >>> est.num_issues.off_diagonal
    1
    >>> est.noise_matrix.sum(axis=0).round(6).tolist()
    [1.0, 1.0]
    """
    calibrate = check_bool(calibrate, name="calibrate", func="estimate_noise")
    check_bool(normalize, name="normalize", func="estimate_noise")
    problem = check_problem(
        labels,
        pred_probs,
        classes=classes,
        normalize=normalize,
        chunk_size=chunk_size,
        n_jobs=n_jobs,
        func="estimate_noise",
    )
    stats = confident_pass(problem)
    counts = stats.index.counts
    calibrated = calibrate_confident_joint(stats.confident_joint, counts)
    used = calibrated if calibrate else stats.confident_joint
    prior, noise, inverse = estimate_latent(used, counts, converge=True)
    joint = used / np.clip(float(np.sum(used)), a_min=1e-100, a_max=None)
    return NoiseEstimate(
        confident_joint=_frozen(used),
        joint=_frozen(joint),
        noise_matrix=_frozen(noise),
        inverse_noise_matrix=_frozen(inverse),
        prior=_frozen(prior),
        num_issues=issue_counts(stats, calibrated, problem.n),
        thresholds=_frozen(np.asarray(stats.thresholds, dtype=np.float64)),
        classes=problem.classes,
    )
