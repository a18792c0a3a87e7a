"""Thread safety: the same call from several threads at once gives the sequential result.

labelnoise keeps no module-level state, so concurrent calls only share their (read-only)
inputs; this checks it, including out-of-core inputs whose memory-map pages are handed
back to the OS by one thread while another is reading them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from labelnoise import estimate_noise, find_label_issues, label_quality_scores

N_THREADS = 4
N_CALLS = 12


def _calls(labels, pred_probs):
    return [
        lambda: find_label_issues(labels, pred_probs),
        lambda: find_label_issues(labels, pred_probs, method="both", rank_by="normalized_margin"),
        lambda: find_label_issues(labels, pred_probs, method="low_normalized_margin"),
        lambda: estimate_noise(labels, pred_probs),
        lambda: label_quality_scores(labels, pred_probs, method="confidence_weighted_entropy"),
    ]


def _arrays(result):
    if isinstance(result, np.ndarray):
        return [result]
    fields = ("mask", "indices", "scores", "suggested_labels")
    if hasattr(result, "mask"):
        return [getattr(result, name) for name in fields]
    return [result.confident_joint, result.noise_matrix, result.prior, result.thresholds]


@pytest.mark.parametrize("source", ["array", "memmap"])
def test_concurrent_calls_match_sequential(source, problem, tmp_path):
    case = problem(11, n=3000, n_classes=8, noise=0.3)
    pred_probs = case.pred_probs
    if source == "memmap":
        np.save(tmp_path / "pp.npy", pred_probs)
        pred_probs = np.load(tmp_path / "pp.npy", mmap_mode="r")
    calls = _calls(case.labels, pred_probs)
    expected = [call() for call in calls]
    jobs = [i % len(calls) for i in range(N_CALLS)]
    with ThreadPoolExecutor(max_workers=N_THREADS) as pool:
        results = list(pool.map(lambda i: calls[i](), jobs))
    for i, result in zip(jobs, results, strict=True):
        for got, want in zip(_arrays(result), _arrays(expected[i]), strict=True):
            np.testing.assert_array_equal(got, want)
