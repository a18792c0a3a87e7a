"""Benchmark label-error detectors on data with known, simulated label noise.

::

    run_benchmark(config, out_dir=..., cache_dir=...)    DataFrame, one row per run
    default_config() / quick_config() / load_config(path)  BenchConfig
    write_results(frame, out_dir)                        results.csv, .md, f1_vs_noise.png
    detection_metrics(mask, scores, is_flipped)          precision, recall, F1, AUROC, AUPRC
    audit_test_set(labels, pred_probs, verified=...)     flags checked against a human review
    audit_flags(issues, verified=...)                    the same, for flags you already have
    corrected_accuracy(predictions, labels, corrections) models re-ranked on corrected labels

Each run corrupts a dataset's true labels (:mod:`labelnoise.simulate`), cross-validates a
scikit-learn model on the noisy labels for out-of-sample ``pred_probs`` (cached on disk,
so reruns and other detectors reuse them), runs a detector and scores its flags against
the labels that were really flipped. A detector is any callable
``(labels, pred_probs, features) -> LabelIssues``; built in are every method of
:func:`labelnoise.find_label_issues` and, as ``rank:<score>``, every ranking score.

:func:`audit_test_set`, :func:`audit_flags` and :func:`corrected_accuracy` follow
"Pervasive Label Errors in Test Sets" (Northcutt, Athalye & Mueller, 2021) on real test
sets with a human review.
"""

from labelnoise.bench._audit import TestSetAudit, audit_flags, audit_test_set, corrected_accuracy
from labelnoise.bench._config import BenchConfig, DatasetSpec, NoiseKind, NoiseSpec
from labelnoise.bench._detectors import (
    Detector,
    default_detectors,
    detector_names,
    rank_by_score,
)
from labelnoise.bench._metrics import DetectionMetrics, detection_metrics
from labelnoise.bench._models import MODELS
from labelnoise.bench._presets import default_config, load_config, quick_config
from labelnoise.bench._run import COLUMNS, Progress, run_benchmark
from labelnoise.bench._write import BenchFiles, render_results, results_markdown, write_results

__all__ = [
    "COLUMNS",
    "MODELS",
    "BenchConfig",
    "BenchFiles",
    "DatasetSpec",
    "DetectionMetrics",
    "Detector",
    "NoiseKind",
    "NoiseSpec",
    "Progress",
    "TestSetAudit",
    "audit_flags",
    "audit_test_set",
    "corrected_accuracy",
    "default_config",
    "default_detectors",
    "detection_metrics",
    "detector_names",
    "load_config",
    "quick_config",
    "rank_by_score",
    "render_results",
    "results_markdown",
    "run_benchmark",
    "write_results",
]
