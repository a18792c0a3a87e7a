"""load_sklearn: the four bundled sets."""

from __future__ import annotations

import numpy as np
import pytest

from labelnoise import InputError
from labelnoise.datasets import Dataset, load_sklearn


@pytest.mark.parametrize(
    ("name", "shape", "counts"),
    [
        ("digits", (1797, 64), [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]),
        ("wine", (178, 13), [59, 71, 48]),
        ("breast_cancer", (569, 30), [212, 357]),
        ("iris", (150, 4), [50, 50, 50]),
    ],
)
def test_shapes_dtypes_and_class_counts(name, shape, counts):
    data = load_sklearn(name)
    assert isinstance(data, Dataset)
    assert data.X.shape == shape and data.X.dtype == np.float64
    assert data.y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(data.y), counts)
    assert len(data.classes) == len(counts)
    assert all(isinstance(c, str) for c in data.classes)
    np.testing.assert_array_equal(data.indices, np.arange(shape[0]))
    assert "CC BY 4.0" in data.source
    assert not data.X.flags.writeable and not data.y.flags.writeable
    assert repr(data).startswith(f"Dataset({name!r}")


def test_class_names():
    assert load_sklearn("breast_cancer").classes == ("malignant", "benign")
    assert load_sklearn("digits").classes == tuple(str(d) for d in range(10))


def test_unknown_name():
    with pytest.raises(InputError, match=r"'name' parameter of load_sklearn must be one of"):
        load_sklearn("mnist")
