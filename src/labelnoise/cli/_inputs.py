"""Options shared by ``find`` and ``report``, and turning their files into library inputs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, get_args

import click
import numpy as np
import pandas as pd

from labelnoise.cli._io import read_features, read_labels, read_pred_probs
from labelnoise.detect import FilterMethod, LabelIssues

#: Methods that read --features (``auto`` uses them when given).
FEATURE_METHODS = ("auto", "knn", "linear_separation", "linear_separation_small_loss")

__all__ = [
    "FEATURE_METHODS",
    "Inputs",
    "debug_option",
    "force_option",
    "issues_frame",
    "load_inputs",
    "problem_options",
]

F = TypeVar("F", bound=Callable[..., Any])
IN_FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)

debug_option = click.option(
    "--debug", is_flag=True, expose_value=False, help="Show the full traceback on errors."
)
force_option = click.option("--force", is_flag=True, help="Overwrite existing output files.")


def problem_options(command: F) -> F:
    """Add --labels, --pred-probs, --label-column, --classes, --method, --normalize,
    --features."""
    options = [
        click.option(
            "--labels",
            "labels_path",
            required=True,
            type=IN_FILE,
            help="Given labels: .npy, or a .csv/.tsv/.parquet column (see --label-column).",
        ),
        click.option(
            "--pred-probs",
            "pred_probs_path",
            required=True,
            type=IN_FILE,
            help="Out-of-sample predicted probabilities, one column per class "
            "(.npy, .csv, .tsv or .parquet; float16 is fine).",
        ),
        click.option(
            "--label-column",
            metavar="COL",
            help="Column of the labels file that holds the labels (when it has several).",
        ),
        click.option(
            "--classes",
            metavar="A,B,...",
            help="Comma-separated class names, one per pred_probs column, in column order "
            "(default: the pred_probs header, if it names the classes).",
        ),
        click.option(
            "--method",
            type=click.Choice(get_args(FilterMethod)),
            default="prune_by_noise_rate",
            show_default=True,
            help="How to decide which labels are issues (see find_label_issues).",
        ),
        click.option(
            "--normalize",
            is_flag=True,
            help="Divide each pred_probs row by its sum (rows must otherwise sum to 1).",
        ),
        click.option(
            "--features",
            "features_path",
            type=IN_FILE,
            help="Embeddings or other numeric features, one row per example (.npy, .csv, "
            f".tsv or .parquet), for --method {', '.join(FEATURE_METHODS)}.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@dataclass(frozen=True, eq=False)
class Inputs:
    """Files read and ready for the library.

    Attributes
    ----------
    labels : ndarray of shape (n,)
        Labels, as names when ``classes`` is set.
    pred_probs : ndarray of shape (n, K)
    classes : list of K names, or None
    sources : dict of str to str
        Library argument name to the option and file it came from, for messages.
    paths : tuple of Path
        The input files (never to be overwritten).
    features : ndarray of shape (n, d), or None
    """

    labels: np.ndarray
    pred_probs: np.ndarray
    classes: list[Any] | None
    sources: dict[str, str]
    paths: tuple[Path, ...]
    features: np.ndarray | None = None


def _with_names(labels: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Express labels as class names: matching names as text, or codes 0..K-1 as indices."""
    table = np.asarray(names, dtype=object)
    as_text = pd.Series(labels).astype(str).to_numpy(dtype=object)
    if set(as_text.tolist()) <= set(names):
        return as_text
    if labels.dtype.kind in "iu" and labels.min() >= 0 and labels.max() < len(names):
        return table[labels]
    return labels  # the library reports the labels that are not in classes


def load_inputs(
    labels_path: Path,
    pred_probs_path: Path,
    *,
    label_column: str | None,
    classes: str | None,
    features_path: Path | None = None,
) -> Inputs:
    """Read the label and probability files and settle the class names.

    Class names come from ``--classes``, else from a pred_probs header that names them;
    integer labels ``0..K-1`` are then read as column indices.
    """
    labels = read_labels(labels_path, column=label_column)
    pred_probs, header = read_pred_probs(pred_probs_path)
    names = [c.strip() for c in classes.split(",")] if classes else header
    sources = {
        "labels": f"--labels {labels_path}",
        "pred_probs": f"--pred-probs {pred_probs_path}",
        "classes": "--classes" if classes else f"--pred-probs {pred_probs_path} (header)",
    }
    if names is not None:
        labels = _with_names(labels, names)
    features = None
    if features_path is not None:
        features = read_features(features_path)
        sources["features"] = f"--features {features_path}"
    return Inputs(
        labels=labels,
        pred_probs=pred_probs,
        classes=None if names is None else list(names),
        sources=sources,
        paths=tuple(p for p in (labels_path, pred_probs_path, features_path) if p is not None),
        features=features,
    )


def issues_frame(issues: LabelIssues) -> pd.DataFrame:
    """One row per flagged example, worst first: index, given/suggested label, label_quality.

    Parameters
    ----------
    issues : LabelIssues

    Returns
    -------
    DataFrame
    """
    rows = issues.indices
    return pd.DataFrame(
        {
            "index": rows,
            "given_label": issues.given_labels[rows],
            "suggested_label": issues.suggested_labels[rows],
            "label_quality": issues.scores[rows],
        }
    )
