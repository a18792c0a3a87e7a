"""Where the real data lives for the dataset tests (skipped when absent).

Fashion-MNIST, which the torch tests need too, comes from ``debian_fashion_mnist`` in
``tests/conftest.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
