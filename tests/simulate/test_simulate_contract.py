"""Contract tests over every simulator: randomness, inputs untouched, consistent results."""

from __future__ import annotations

import random

import numpy as np
import pytest

from labelnoise import simulate
from labelnoise.simulate import (
    SimulatedNoise,
    from_transition_matrix,
    human_noise,
    instance_dependent,
    pairflip,
    symmetric,
)

_FEATURES = np.random.default_rng(11).normal(size=(400, 6))
_T = np.full((10, 10), 0.04) + np.eye(10) * 0.6

SIMULATORS = {
    "symmetric": lambda y, rs: symmetric(y, noise_rate=0.3, random_state=rs),
    "symmetric_self": lambda y, rs: symmetric(
        y, noise_rate=0.3, include_self=True, random_state=rs
    ),
    "pairflip": lambda y, rs: pairflip(y, noise_rate=0.3, random_state=rs),
    "from_transition_matrix": lambda y, rs: from_transition_matrix(y, _T, random_state=rs),
    "instance_dependent": lambda y, rs: instance_dependent(
        _FEATURES, y, noise_rate=0.3, random_state=rs
    ),
    "human_noise": lambda y, rs: human_noise(y, source="cifar10n_random1", random_state=rs),
}
ALL = pytest.mark.parametrize("name", list(SIMULATORS))


@pytest.fixture
def labels10(make_labels) -> np.ndarray:
    out = make_labels(400, 10, seed=2)
    out.setflags(write=False)
    return out


def test_all_exports_are_listed():
    assert sorted(simulate.__all__) == sorted(
        name for name in dir(simulate) if not name.startswith("_")
    )


@ALL
def test_same_seed_same_result_other_seed_differs(name, labels10):
    run = SIMULATORS[name]
    a, b, c = run(labels10, 123), run(labels10, 123), run(labels10, 124)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.transition_matrix, b.transition_matrix)
    assert not np.array_equal(a.labels, c.labels)


@ALL
def test_generator_is_used_and_advanced(name, labels10):
    run = SIMULATORS[name]
    rng = np.random.default_rng(5)
    a, b = run(labels10, rng), run(labels10, rng)
    assert not np.array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.labels, run(labels10, np.random.default_rng(5)).labels)


@ALL
def test_global_random_state_is_untouched(name, labels10):
    np.random.seed(99)  # noqa: NPY002 - the legacy global state is what must stay untouched
    random.seed(99)
    before_np, before_py = np.random.get_state(), random.getstate()  # noqa: NPY002
    SIMULATORS[name](labels10, None)
    SIMULATORS[name](labels10, 1)
    after_np = np.random.get_state()  # noqa: NPY002
    assert before_np[0] == after_np[0]
    np.testing.assert_array_equal(before_np[1], after_np[1])
    assert before_np[2:] == after_np[2:]
    assert random.getstate() == before_py


@ALL
def test_inputs_are_never_modified(name, labels10, assert_consistent):
    copy = labels10.copy()
    result = SIMULATORS[name](labels10, 0)  # read-only input: a write would raise
    np.testing.assert_array_equal(labels10, copy)
    assert isinstance(result, SimulatedNoise)
    assert_consistent(labels10, result)


@ALL
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.uint16, np.int32, np.int64])
def test_label_dtype_is_kept(name, dtype, labels10, assert_consistent):
    labels = labels10.astype(dtype)
    result = SIMULATORS[name](labels, 0)
    assert result.labels.dtype == dtype
    assert_consistent(labels, result)


@ALL
def test_lists_and_series_are_accepted(name, labels10):
    import pandas as pd

    expected = SIMULATORS[name](labels10, 0).labels
    np.testing.assert_array_equal(SIMULATORS[name](labels10.tolist(), 0).labels, expected)
    np.testing.assert_array_equal(SIMULATORS[name](pd.Series(labels10), 0).labels, expected)


def test_result_repr_and_fields(labels10):
    result = symmetric(labels10, noise_rate=0.25, random_state=0)
    expected = "SimulatedNoise(100 of 400 labels flipped, noise_rate=0.25, n_classes=10)"
    assert repr(result) == expected
    with pytest.raises(AttributeError):
        result.noise_rate = 0.0  # frozen
