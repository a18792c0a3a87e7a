"""Benchmark label-error detectors on data with known, simulated label noise.

::

    run_benchmark(config, out_dir=..., cache_dir=...)    DataFrame, one row per run
    load_config("real-noise") / load_config(path)        BenchConfig (config_names())
    write_results(frame, out_dir)                        results.csv, .md, f1_vs_noise.png
    summarize_regimes(frame)                             markdown tables per model regime
    detector_report(frame)                               the targets of docs/detectors.md
    detection_metrics(mask, scores, is_flipped)          precision, recall, F1, AUROC, AUPRC
    audit_test_set(labels, pred_probs, verified=...)     flags checked against a human review
    audit_flags(issues, verified=...)                    the same, for flags you already have
    corrected_accuracy(predictions, labels, corrections) models re-ranked on corrected labels
    run_multilabel_benchmark(MultilabelBenchConfig())    multi-label: a row per setting, detector
    compare_multilabel(frame, "default")                 one detector beside another, per setting

Each unit corrupts a dataset's true labels (simulated with :mod:`labelnoise.simulate`,
or real: CIFAR-10N label sets, labels drawn from CIFAR-10H votes), cross-validates each
model on the noisy labels for out-of-sample ``pred_probs`` (cached on disk, so reruns and
other detectors reuse them; fixed models bring stored probabilities, ensembles read them
all), runs every detector per model and scores its flags against the labels that are
really wrong. A detector is any callable ``(labels, pred_probs, features) ->
LabelIssues``; built in are every method of :func:`labelnoise.find_label_issues`, a few
variants, every ranking score as ``rank:<score>``, ``auto``'s ablations
(``auto[count=...]``, ``auto[rank=...]``) and ``oracle:<detector>`` (the true count,
ranked by that detector).

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
from labelnoise.bench._models import MODELS, ColumnKinds, ModelEntry
from labelnoise.bench._multilabel import (
    MULTILABEL_NOISE,
    MultilabelBenchConfig,
    run_multilabel_benchmark,
)
from labelnoise.bench._multilabel_compare import MultilabelComparison, compare_multilabel
from labelnoise.bench._multilabel_detectors import MULTILABEL_DETECTORS
from labelnoise.bench._presets import config_names, load_config
from labelnoise.bench._report import detector_report
from labelnoise.bench._run import COLUMNS, Progress, run_benchmark
from labelnoise.bench._summary import summarize_regimes
from labelnoise.bench._write import BenchFiles, render_results, results_markdown, write_results

__all__ = [
    "COLUMNS",
    "MODELS",
    "MULTILABEL_DETECTORS",
    "MULTILABEL_NOISE",
    "BenchConfig",
    "BenchFiles",
    "ColumnKinds",
    "DatasetSpec",
    "DetectionMetrics",
    "Detector",
    "ModelEntry",
    "MultilabelBenchConfig",
    "MultilabelComparison",
    "NoiseKind",
    "NoiseSpec",
    "Progress",
    "TestSetAudit",
    "audit_flags",
    "audit_test_set",
    "compare_multilabel",
    "config_names",
    "corrected_accuracy",
    "default_detectors",
    "detection_metrics",
    "detector_names",
    "detector_report",
    "load_config",
    "rank_by_score",
    "render_results",
    "results_markdown",
    "run_benchmark",
    "run_multilabel_benchmark",
    "summarize_regimes",
    "write_results",
]
