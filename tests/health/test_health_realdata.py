"""Real data: CIFAR-10 test images with a published near copy in train (Barz & Denzler,
"Do we train on test data? Purging CIFAR of near-duplicates", 2020: the five closest
pairs of their list, ``meta/duplicates_cifar10.csv`` of github.com/cvjena/cifair, quoted
here as (test row, train row) in the original CIFAR-10 order; the list is not shipped)."""

from __future__ import annotations

import numpy as np
import pytest

from labelnoise.health import find_leakage, image_signature

PUBLISHED_PAIRS = [(6611, 49007), (159, 25768), (7293, 9640), (6080, 9148), (2901, 6801)]


@pytest.fixture(scope="module")
def cifar_subset(label_errors_folder):
    pytest.importorskip("PIL")
    from labelnoise.datasets import (
        load_cifar10,
        load_cifar10_embeddings,
        load_cifar10n,
        load_label_errors,
    )

    root = label_errors_folder.parent
    if not (root / "cifar10-jpg").is_dir() or not (root / "cifar10-embeddings").is_dir():
        pytest.skip("cifar10-jpg/ or cifar10-embeddings/ not in the shared data folder")
    rng = np.random.default_rng(0)
    test_rows = np.unique(np.r_[[t for t, _ in PUBLISHED_PAIRS], rng.choice(10_000, 195)])
    train_rows = np.unique(np.r_[[r for _, r in PUBLISHED_PAIRS], rng.choice(50_000, 1995)])
    train_y = load_cifar10n(root / "cifar-10n").clean_labels
    test_y = load_label_errors(label_errors_folder, dataset="cifar10").labels
    zip_path = root / "cifar10-jpg" / "cifar10_jpg.zip"
    emb = root / "cifar10-embeddings"
    return {
        "test_rows": test_rows,
        "train_rows": train_rows,
        "test_emb": load_cifar10_embeddings(emb, labels=test_y, split="test", subset=test_rows).X,
        "train_emb": load_cifar10_embeddings(emb, labels=train_y, subset=train_rows).X,
        "test_img": load_cifar10(zip_path, labels=test_y, split="test", subset=test_rows).X,
        "train_img": load_cifar10(zip_path, labels=train_y, subset=train_rows).X,
    }


def test_published_copies_are_found(cifar_subset):
    d = cifar_subset
    result = find_leakage(
        d["train_emb"],
        d["test_emb"],
        train_content=image_signature(d["train_img"]),
        test_content=image_signature(d["test_img"]),
    )
    found = {(int(d["test_rows"][t]), int(d["train_rows"][r])) for t, r in result.pairs}
    assert set(PUBLISHED_PAIRS) <= found
    assert result.n_flagged < 0.1 * d["test_rows"].size  # copies, not look-alikes
