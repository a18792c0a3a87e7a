"""Where the real data lives for the dataset tests (skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from labelnoise.datasets import DEBIAN_FASHION_MNIST

REPO_ROOT = Path(__file__).resolve().parents[2]


def _shared_data_root() -> Path:
    """``$LABELNOISE_DATA`` if set, else ``../shared/data`` beside the repository."""
    env = os.environ.get("LABELNOISE_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Factory-free access to the real data folder; skips the test when it is missing."""
    root = _shared_data_root()
    if not root.is_dir():
        pytest.skip(f"real data folder {root} not found (set LABELNOISE_DATA)")
    return root


@pytest.fixture(scope="session")
def data_file(shared_data):
    """``data_file("cifar-10n/cifar10n_labels.npz")``: the path, or skip when it is missing."""

    def find(relative: str) -> Path:
        path = shared_data / relative
        if not path.exists():
            pytest.skip(f"{path} not found")
        return path

    return find


@pytest.fixture(scope="session")
def debian_fashion_mnist() -> Path:
    """The Debian package's Fashion-MNIST folder: skips when missing, fails under CI.

    ``make test`` installs it (``make data``); on CI (``CI=true``) a missing copy means the
    install step broke, and a silent skip would hide it.
    """
    folder = Path(DEBIAN_FASHION_MNIST)
    if not any(folder.glob("t10k-labels-idx1-ubyte*")):
        reason = (
            f"Fashion-MNIST not found in {folder}: run `make data` "
            "(or apt-get install -y dataset-fashion-mnist)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return folder
