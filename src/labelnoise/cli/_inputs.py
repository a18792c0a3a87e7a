"""Options shared by ``find`` and ``report``, and turning their files into library inputs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
import numpy as np
import pandas as pd

from labelnoise._errors import InputError
from labelnoise._validation import check_labels
from labelnoise.cli._errors import BadInput, translated
from labelnoise.cli._io import HEADER_RULE, check_rows, read_features, read_labels, read_pred_probs
from labelnoise.detect import METHODS, LabelIssues

#: Methods that read --features (``auto`` uses them when given), from the detector registry.
FEATURE_METHODS = tuple(name for name, m in METHODS.items() if m.features != "unused")

__all__ = [
    "FEATURE_METHODS",
    "Inputs",
    "debug_option",
    "force_option",
    "issues_frame",
    "load_inputs",
    "no_header_option",
    "problem_options",
]

F = TypeVar("F", bound=Callable[..., Any])
IN_FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)

debug_option = click.option(
    "--debug", is_flag=True, expose_value=False, help="Show the full traceback on errors."
)
force_option = click.option("--force", is_flag=True, help="Overwrite existing output files.")
no_header_option = click.option(
    "--no-header",
    is_flag=True,
    help=f"{HEADER_RULE} With --no-header the first line is data and the columns are "
    "named 0, 1, ... (for --label-column).",
)


def problem_options(command: F) -> F:
    """Add --labels, --pred-probs, --label-column, --classes, --method, --normalize,
    --features, --no-header."""
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
            help="Comma-separated class names, one per pred_probs column, in column order. "
            "As with classes= in the Python API, the labels must then be these names; "
            "integer labels are column indices 0..K-1 and take no --classes. Default: the "
            "pred_probs header, if it names the classes (integer labels then stay indices).",
        ),
        click.option(
            "--method",
            type=click.Choice(tuple(METHODS)),
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
        no_header_option,
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


def _check_class_names(
    labels: np.ndarray, names: list[str], pred_probs: np.ndarray, labels_path: Path
) -> None:
    """Integer labels with --classes: the library's rule, with the command-line way out."""
    if labels.dtype.kind not in "biuf" or pred_probs.ndim != 2:
        return
    try:
        check_labels(labels, n_classes=pred_probs.shape[1], classes=names)
    except InputError as error:
        if error.argument != "labels":
            return  # a problem of --classes itself: the library names it
        detail = error.message.replace("classes", "--classes")
        raise BadInput(
            f"--labels {labels_path}: {detail} Labels are matched to --classes by name, as "
            "with classes= in the Python API, and these labels are integers: drop --classes "
            "to read them as column indices 0..K-1, or write the labels as class names."
        ) from error


def _named_codes(labels: np.ndarray, names: list[str], pred_probs: np.ndarray) -> np.ndarray:
    """Integer labels (column indices) shown by the header's class names."""
    codes, _ = check_labels(labels, n_classes=pred_probs.shape[1])
    return np.asarray(names, dtype=object)[codes]


def load_inputs(
    labels_path: Path,
    pred_probs_path: Path,
    *,
    label_column: str | None,
    classes: str | None,
    features_path: Path | None = None,
    header: bool = True,
) -> Inputs:
    """Read the label and probability files and settle the class names.

    With ``--classes`` the labels are class names, matched by the library exactly as
    ``classes=`` is in the Python API. Without it, class names come from a pred_probs
    header that names the classes: text labels are matched to them, integer labels are
    column indices (shown by name). The type of the labels decides, never their values.
    """
    labels = read_labels(labels_path, column=label_column, header=header)
    pred_probs, header_names = read_pred_probs(pred_probs_path, header=header)
    check_rows(
        ("--labels", labels_path, labels.shape[0]),
        ("--pred-probs", pred_probs_path, pred_probs.shape[0] if pred_probs.ndim else 0),
        header=header,
    )
    sources = {
        "labels": f"--labels {labels_path}",
        "pred_probs": f"--pred-probs {pred_probs_path}",
        "classes": "--classes" if classes else f"--pred-probs {pred_probs_path} (header)",
    }
    names = [c.strip() for c in classes.split(",")] if classes else header_names
    if classes and names is not None:
        _check_class_names(labels, names, pred_probs, labels_path)
    elif names is not None and labels.dtype.kind in "biuf":
        with translated(sources):
            labels = _named_codes(labels, names, pred_probs)
    features = None
    if features_path is not None:
        features = read_features(features_path, header=header)
        sources["features"] = f"--features {features_path}"
        check_rows(
            ("--labels", labels_path, labels.shape[0]),
            ("--features", features_path, features.shape[0] if features.ndim else 0),
            header=header,
        )
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
