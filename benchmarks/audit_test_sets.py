"""Audit the MNIST and CIFAR-10 test sets against their human review, and re-rank models.

Reproduces the two analyses of "Pervasive Label Errors in Test Sets Destabilize Machine
Learning Benchmarks" (Northcutt, Athalye & Mueller, 2021) with labelnoise.bench:

1. ``audit_test_set``: each confident-learning method, and ``auto``, on the released
   out-of-sample pred_probs, its flags checked against the Mechanical Turk review (5 workers per
   candidate; fewer than 3 keeping the given label = confirmed error).
2. ``corrected_accuracy``: models scored on the original and on the corrected test labels.
   The corrected test set relabels a confirmed error when at least 3 of 5 workers chose
   the suggested label, and drops confirmed errors without such a consensus.

The data folder holds only the released pred_probs, not per-model predictions. For
CIFAR-10 this script therefore trains scikit-learn models on the 50,000 CIFAR-10 training
images (JPEG zip; PCA to 100 components of the pixels) and predicts the test images; the
released cross-validated pred_probs are scored as one more "model". MNIST images are not
available offline, so on MNIST only the released pred_probs are scored.

Usage::

    .venv/bin/python benchmarks/audit_test_sets.py                    # ../shared/data
    .venv/bin/python benchmarks/audit_test_sets.py --data DIR --skip-models
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from labelnoise.bench import audit_test_set, corrected_accuracy
from labelnoise.bench._detectors import CL_METHODS
from labelnoise.datasets import LabelErrors, load_cifar10, load_cifar10n, load_label_errors

ROOT = Path(__file__).resolve().parents[1]
TITLES = {"mnist": "MNIST", "cifar10": "CIFAR-10"}


def _corrections(errors: LabelErrors) -> dict[int, int | None]:
    """Confirmed errors: the suggested label where >= 3 of 5 chose it, else dropped."""
    out: dict[int, int | None] = {}
    for row, guessed, votes, wrong in zip(
        errors.candidate_ids,
        errors.guessed_labels,
        errors.votes,
        errors.verified_error,
        strict=True,
    ):
        if wrong:
            out[int(row)] = int(guessed) if votes[1] >= 3 else None
    return out


def audit_table(errors: LabelErrors) -> pd.DataFrame:
    rows = []
    for method in (*CL_METHODS, "auto"):
        audit = audit_test_set(
            errors.labels, errors.pred_probs, verified=errors.verified, method=method
        )
        rows.append(
            {
                "test set": TITLES[errors.name],
                "method": method,
                "flagged": audit.n_flagged,
                "flagged & reviewed": audit.n_flagged_reviewed,
                "confirmed": f"{audit.n_confirmed} of {audit.n_confirmed_total}",
                "precision (reviewed)": audit.precision,
                "relative recall": audit.relative_recall,
                "est. errors in flags": audit.estimated_errors,
            }
        )
    return pd.DataFrame(rows)


def _features(images: np.ndarray) -> np.ndarray:
    return images.reshape(images.shape[0], -1).astype(np.float32) / 255.0


def cifar10_models(data: Path, errors: LabelErrors) -> dict[str, np.ndarray]:
    """Test-set predictions of scikit-learn models trained on the CIFAR-10 training images."""
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    zip_path = data / "cifar10-jpg" / "cifar10_jpg.zip"
    clean = load_cifar10n(data / "cifar-10n").clean_labels
    train = load_cifar10(zip_path, labels=clean, split="train")
    test = load_cifar10(zip_path, labels=errors.labels, split="test")
    pca = PCA(n_components=100, random_state=0).fit(_features(train.X))
    x_train, x_test = pca.transform(_features(train.X)), pca.transform(_features(test.X))
    from labelnoise.bench._models import build_model

    # the registry's models where this study uses the same ones; its own otherwise
    models = {
        "Gaussian naive Bayes": build_model("gaussian_nb"),
        "k-nearest neighbours (k=10)": KNeighborsClassifier(n_neighbors=10, n_jobs=2),
        "logistic regression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
        "random forest (200 trees)": build_model("random_forest").set_params(n_jobs=2),
        "histogram gradient boosting": build_model("hist_gradient_boosting"),
        "MLP (512 hidden)": make_pipeline(
            StandardScaler(),
            MLPClassifier(hidden_layer_sizes=(512,), early_stopping=True, random_state=0),
        ),
    }
    out = {}
    for name, model in models.items():
        start = time.perf_counter()
        with threadpool_limits(limits=1, user_api="blas"):
            out[name] = model.fit(x_train, train.y).predict(x_test)
        print(f"  {name}: {time.perf_counter() - start:.0f}s", file=sys.stderr, flush=True)
    return out


def _markdown(frame: pd.DataFrame, index: bool = False) -> str:
    frame = frame.reset_index() if index else frame
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    lines = [head, "|" + "---|" * frame.shape[1]]
    for row in frame.itertuples(index=False):
        cells = [f"{v:.4f}" if isinstance(v, float) else str(v) for v in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(os.environ.get("LABELNOISE_DATA", ROOT.parent / "shared" / "data"))
    parser.add_argument("--data", type=Path, default=default, help="The shared data folder.")
    parser.add_argument("--skip-models", action="store_true", help="No CIFAR-10 training.")
    args = parser.parse_args()
    errors = {
        name: load_label_errors(args.data / "label-errors", dataset=name)  # type: ignore[arg-type]
        for name in ("mnist", "cifar10")
    }
    print("### Flags checked against the human review\n")
    print(_markdown(pd.concat([audit_table(e) for e in errors.values()])))
    for name, data in errors.items():
        fixes = _corrections(data)
        dropped = sum(v is None for v in fixes.values())
        predictions: dict[str, np.ndarray] = {}
        if name == "cifar10" and not args.skip_models:
            predictions.update(cifar10_models(args.data, data))
        predictions["released cross-validated pred_probs"] = data.pred_probs
        frame = corrected_accuracy(predictions, data.labels, fixes)
        print(
            f"\n### {TITLES[name]}: accuracy on original vs corrected test labels\n\n"
            f"{len(fixes) - dropped} labels corrected, {dropped} confirmed errors without a "
            f"consensus label dropped ({data.labels.shape[0] - dropped} test examples left).\n"
        )
        print(_markdown(frame, index=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
