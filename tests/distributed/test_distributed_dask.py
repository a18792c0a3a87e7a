"""``pred_probs`` as a Dask array: exactly the in-memory results, on a local cluster of two
worker processes and on Dask's threaded scheduler."""

from __future__ import annotations

import numpy as np
import pytest

from _helpers import assert_same_issues, assert_same_noise
from labelnoise import InputError, estimate_noise, find_label_issues
from labelnoise.detect._registry import CONFIDENT_LEARNING

da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
distributed = pytest.importorskip("dask.distributed")

METHODS = CONFIDENT_LEARNING


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        worker_dashboard_address=None,
    )
    with distributed.Client(cluster) as connected:
        yield connected
    cluster.close()


def _check(labels, pred_probs, chunks, *, label_chunks=None, methods=METHODS, **options):
    lazy = da.from_array(pred_probs, chunks=chunks)
    given = labels if label_chunks is None else da.from_array(labels, chunks=label_chunks)
    for method in methods:
        expected = find_label_issues(labels, pred_probs, method=method, **options)
        got = find_label_issues(given, lazy, method=method, **options)
        assert_same_issues(got, expected, method)
    expected_noise = estimate_noise(labels, pred_probs, **options)
    got_noise = estimate_noise(given, lazy, **options)
    assert_same_noise(got_noise, expected_noise)


def test_every_method_on_a_cluster(client, problem):
    case = problem(21, n=900, n_classes=6, noise=0.3, dtype=np.float32)
    _check(case.labels, case.pred_probs, chunks=(250, 4), label_chunks=300)


def test_ties_and_renormalization_on_a_cluster(client, problem):
    case = problem(22, n=400, n_classes=4, noise=0.4, decimals=1)
    scaled = case.pred_probs * 0.9  # rows sum to 0.9: renormalized on the workers
    _check(case.labels, scaled, chunks=(130, 4), methods=METHODS[:3], normalize=True)


def test_threaded_scheduler(problem):
    case = problem(23, n=700, n_classes=5, noise=0.3, decimals=2)
    with dask.config.set(scheduler="threads"):
        _check(case.labels, case.pred_probs, chunks=(64, 5))


def test_class_names_with_a_dask_array(problem):
    case = problem(24, n=300, n_classes=3, noise=0.3)
    names = np.array(["cat", "dog", "emu"])
    with dask.config.set(scheduler="sync"):
        _check(names[case.labels], case.pred_probs, chunks=(70, 3), methods=METHODS[:1],
               classes=names)  # fmt: skip


def test_errors_are_raised_on_the_client():
    pp = np.full((20, 2), 0.5)
    pp[13] = [0.9, 0.3]
    with dask.config.set(scheduler="sync"):
        with pytest.raises(InputError, match="each row must sum to 1"):
            find_label_issues(np.zeros(20, dtype=int), da.from_array(pp, chunks=5))
        lazy = da.from_array(np.full((20, 2), 0.5), chunks=5)
        unknown = lazy[lazy[:, 0] > 0]
        with pytest.raises(InputError, match="unknown chunk sizes"):
            estimate_noise(np.zeros(20, dtype=int), unknown)
        with pytest.raises(InputError, match="has 3 entries but pred_probs has 20 rows"):
            estimate_noise([0, 1, 0], lazy)
