"""``run_multilabel_benchmark`` and ``compare_multilabel`` on tiny synthetic settings."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from labelnoise import multilabel
from labelnoise._errors import InputError
from labelnoise.bench import (
    MultilabelBenchConfig,
    compare_multilabel,
    run_multilabel_benchmark,
)
from labelnoise.bench._cache import load_cached


def _tiny(**changes) -> MultilabelBenchConfig:
    values = {
        "datasets": ("synthetic_k4", "synthetic_k6"),
        "noise": ("missing", "wrong"),
        "seeds": (0,),
        "models": ("logistic_regression",),
        "detectors": ("default", "ema", "flagged_first"),
        "n_synthetic": 150,
    }
    values.update(changes)
    return MultilabelBenchConfig(**values)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return run_multilabel_benchmark(_tiny())


def test_one_row_per_setting_and_detector(frame):
    assert len(frame) == 2 * 2 * 3
    assert set(frame["K"]) == {4, 6}
    assert set(frame["detector"]) == {"default", "ema", "flagged_first"}
    assert frame["noise_rate"].between(0.05, 0.95).all()
    assert frame["auroc"].between(0.0, 1.0).all()
    assert frame["matches_reference"].isna().all()


def test_detectors_share_the_flags(frame):
    per_setting = frame.groupby(["data", "noise"])
    assert (per_setting["f1"].nunique() == 1).all()
    assert (per_setting["n_flagged"].nunique() == 1).all()
    assert (frame["n_flagged"] > 0).all()


def test_flagged_first_ranks_its_flags_first(frame):
    ff = frame[frame.detector == "flagged_first"].set_index(["data", "noise"])
    assert np.allclose(ff["f1_lowest"], ff["f1"])  # the k lowest are the flagged set


def test_default_row_is_the_library_on_the_same_inputs(tmp_path):
    config = _tiny(datasets=("synthetic_k4",), noise=("mixed",), detectors=("default",))
    frame = run_multilabel_benchmark(config, cache_dir=tmp_path)
    entry = load_cached(
        tmp_path,
        {
            "kind": "multilabel",
            "data": "synthetic_k4",
            "n": 150,
            "noise": "mixed",
            "seed": 0,
            "model": "logistic_regression",
            "cv": 3,
        },
    )
    assert entry is not None and entry.pred_probs.shape == (150, 4)
    issues = multilabel.find_label_issues(entry.labels.astype(bool), entry.pred_probs)
    row = frame.iloc[0]
    assert row["n_flagged"] == len(issues)
    assert row["auroc"] == pytest.approx(roc_auc_score(entry.is_flipped, -issues.scores))
    again = run_multilabel_benchmark(config, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(frame, again)


def test_reference_rows_equal_ours():
    """Same flags as the default; same ranking as the ``ema`` detector."""
    pytest.importorskip("cleanlab")
    frame = run_multilabel_benchmark(_tiny(reference=True, detectors=("default", "ema")))
    assert frame.loc[frame.detector == "default", "matches_reference"].eq(True).all()
    rows = {
        name: frame[frame.detector == name].set_index(["data", "noise"])
        for name in ("reference", "default", "ema")
    }
    pd.testing.assert_series_equal(rows["reference"]["auroc"], rows["ema"]["auroc"])
    pd.testing.assert_series_equal(rows["reference"]["f1"], rows["default"]["f1"])
    assert not rows["reference"]["auroc"].equals(rows["default"]["auroc"])


def test_cleanlab_is_not_imported_with_the_package():
    code = "import sys, labelnoise.bench; print('cleanlab' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_compare_counts_the_settings_won(frame):
    result = compare_multilabel(frame, "ema", baseline="default")
    table = result.table
    assert len(table) == 4
    wins = (table["auroc_ema"] >= table["auroc_default"]).mean()
    assert result.auroc_wins == wins
    assert result.f1_wins == 1.0  # shared flags
    assert np.allclose(table["auroc_ratio"], table["auroc_ema"] / table["auroc_default"])


def test_compare_names_a_missing_detector(frame):
    with pytest.raises(InputError, match="baseline: no rows of detector 'reference'"):
        compare_multilabel(frame, "ema")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"datasets": ("mnist",)}, "datasets: unknown data set 'mnist'"),
        ({"noise": ("flipped",)}, r"noise: expected names from \['missing', 'mixed', 'wrong'\]"),
        ({"detectors": ("best",)}, "detectors: expected names from"),
        ({"cv": 1}, "cv: needs 2 <= cv"),
    ],
)
def test_config_errors(changes, message):
    with pytest.raises(InputError, match=message):
        _tiny(**changes)
