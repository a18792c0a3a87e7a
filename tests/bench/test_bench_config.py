"""Benchmark configs: the presets, TOML files, and one error message per bad field."""

from __future__ import annotations

import textwrap
from dataclasses import replace

import pytest
from sklearn.linear_model import LogisticRegression

from labelnoise import InputError
from labelnoise.bench import (
    BenchConfig,
    DatasetSpec,
    NoiseSpec,
    default_config,
    default_detectors,
    detector_names,
    load_config,
    quick_config,
    run_benchmark,
)
from labelnoise.bench._config import check_config
from labelnoise.bench._models import MODELS

GOOD = """
name = "mine"
seeds = [0, 2]
model = "random_forest"
cv = 4
methods = ["both", "rank:self_confidence"]
datasets = ["digits", {name = "fashion_mnist", subsample = 500, path = "/data/fm"}]

[[noise]]
kind = "symmetric"
rate = 0.2

[[noise]]
kind = "random_matrix"
rate = 0.3
frac_zero_noise_rates = 0.25

[[noise]]
kind = "human"
source = "worst"
"""


def _check(config):
    return check_config(
        config, models=tuple(MODELS), methods=detector_names(), default=default_detectors()
    )


def _write(tmp_path, text):
    path = tmp_path / "bench.toml"
    path.write_text(textwrap.dedent(text))
    return path


def test_presets_are_valid():
    full, quick = default_config(), quick_config()
    assert _check(full) == full and _check(quick) == quick
    assert [d.name for d in full.datasets] == ["digits", "fashion_mnist", "wine", "breast_cancer"]
    labels = [n.label for n in full.noise]
    assert labels[:4] == ["symmetric 10%", "symmetric 20%", "symmetric 40%", "symmetric 60%"]
    assert "human cifar10n_worst" in labels and "random T 20%" in labels
    assert full.seeds == (0, 1, 2) and full.methods == default_detectors()
    assert len(quick.datasets) == 2 and len(quick.noise) == 2 and quick.cv == 3


def test_default_detectors_are_cl_methods_and_scores():
    names = default_detectors()
    assert names[:3] == ("prune_by_noise_rate", "prune_by_class", "both")
    assert {"rank:self_confidence", "rank:normalized_margin"} <= set(names)
    assert len(names) == 10
    assert set(names) <= set(detector_names())


def test_load_config(tmp_path):
    config = load_config(_write(tmp_path, GOOD))
    assert isinstance(config, BenchConfig)
    assert config.name == "mine" and config.seeds == (0, 2) and config.cv == 4
    assert config.model == "random_forest"
    assert config.methods == ("both", "rank:self_confidence")
    assert config.datasets == (
        DatasetSpec("digits"),
        DatasetSpec("fashion_mnist", subsample=500, path="/data/fm"),
    )
    assert config.noise[1] == NoiseSpec("random_matrix", 0.3, frac_zero_noise_rates=0.25)
    assert config.noise[2] == NoiseSpec("human", source="cifar10n_worst")


def test_minimal_config_takes_defaults(tmp_path):
    path = _write(tmp_path, 'datasets = ["wine"]\nnoise = [{kind = "pairflip", rate = 0.1}]\n')
    config = load_config(path)
    assert config.seeds == (0,) and config.cv == 5 and config.model == "logistic_regression"
    assert config.methods == default_detectors()
    assert config.datasets[0].subsample is None


def test_fashion_mnist_subsample_defaults_to_10000():
    config = _check(
        BenchConfig(datasets=(DatasetSpec("fashion_mnist"),), noise=(NoiseSpec("symmetric", 0.1),))
    )
    assert config.datasets[0].subsample == 10_000


def test_estimator_as_model():
    config = _check(replace(quick_config(), model=LogisticRegression(C=0.5)))
    assert isinstance(config.model, LogisticRegression)


BAD_FIELDS = [
    ('datasets = ["mnist"]', r"datasets\[0\]\.name: unknown dataset 'mnist'; use one of digits"),
    (
        "datasets = [{name = 'wine', subsample = 3}]",
        r"datasets\[0\]\.subsample: must be an int >= 10",
    ),
    (
        "datasets = [{name = 'wine', path = '/x'}]",
        r"datasets\[0\]\.path: only fashion_mnist reads files; drop path for wine",
    ),
    (
        "datasets = [{name = 'wine', colour = 'red'}]",
        r"datasets\[0\]: unknown key 'colour'; allowed keys: model, name, path, subsample",
    ),
    ("datasets = [{subsample = 100}]", r"datasets\[0\]: is missing the key 'name'"),
    ("datasets = [3]", r"datasets\[0\]: must be a name or a table, got 3"),
    ('datasets = "wine"', r"datasets: must be a list \(of names or tables\), got str"),
    ("datasets = []", r"datasets: is empty; give at least one entry"),
    (
        "datasets = [{name = 'wine', model = 'svm'}]",
        r"datasets\[0\]\.model: unknown model 'svm'; use one of logistic_regression",
    ),
]
BAD_NOISE = [
    ("noise = [{kind = 'uniform', rate = 0.2}]", r"noise\[0\]\.kind: unknown noise kind 'uniform'"),
    ("noise = [{kind = 'symmetric'}]", r"noise\[0\]\.rate: must be a fraction in \[0, 1\)"),
    ("noise = [{kind = 'symmetric', rate = 20}]", r"noise\[0\]\.rate: .*got 20"),
    (
        "noise = [{kind = 'human', source = 'best'}]",
        r"noise\[0\]\.source: human noise needs source",
    ),
    (
        "noise = [{kind = 'human', source = 'worst', rate = 0.4}]",
        r"noise\[0\]\.rate: human noise takes its rate from the source; drop rate",
    ),
    (
        "noise = [{kind = 'random_matrix', rate = 0.2, frac_zero_noise_rates = 1.5}]",
        r"noise\[0\]\.frac_zero_noise_rates: must be in \[0, 1\), got 1.5",
    ),
    (
        "noise = [{kind = 'instance', rate = 0.2, flip_rate_std = -1}]",
        r"noise\[0\]\.flip_rate_std: must be in \[0, 1\), got -1",
    ),
]
BAD_TOP = [
    ("seeds = [-1]", r"seeds: must be non-negative ints, got -1"),
    ("seeds = 3", r"seeds: must be a list, got 3"),
    ("seeds = []", r"seeds: is empty"),
    ('model = "svm"', r"model: unknown model 'svm'; use one of logistic_regression"),
    ("cv = 1", r"cv: must be an int >= 2 \(folds of cross-validation\), got 1"),
    ("n_jobs = 0", r"n_jobs: must be a non-zero int"),
    ('methods = ["magic"]', r"methods: unknown detector 'magic'; available: prune_by_noise_rate"),
    ('colour = "red"', r"colour: unknown setting; allowed: cv, datasets, methods"),
]


def _with(line: str) -> str:
    base = {
        "datasets": 'datasets = ["wine"]',
        "noise": "noise = [{kind = 'symmetric', rate = 0.2}]",
    }
    key = line.split("=")[0].strip()
    base[key] = line
    return "\n".join(base.values()) + "\n"


@pytest.mark.parametrize(("line", "match"), BAD_FIELDS + BAD_NOISE + BAD_TOP)
def test_bad_field(tmp_path, line, match):
    with pytest.raises(InputError, match=match):
        load_config(_write(tmp_path, _with(line)))


def test_missing_required(tmp_path):
    with pytest.raises(InputError, match=r"noise: is required; add e\.g\. noise = \[\.\.\.\]"):
        load_config(_write(tmp_path, 'datasets = ["wine"]\n'))


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"path: config file .*nothere\.toml' not found"):
        load_config(tmp_path / "nothere.toml")


def test_bad_toml(tmp_path):
    with pytest.raises(InputError, match=r"path: .*is not valid TOML \(.*\); fix the syntax"):
        load_config(_write(tmp_path, "datasets = [\n"))


def test_run_benchmark_validates_too():
    with pytest.raises(InputError, match=r"config: expected a BenchConfig, got dict"):
        run_benchmark({"datasets": ["wine"]})  # type: ignore[arg-type]
    bad = BenchConfig(datasets=(DatasetSpec("wine"),), noise=(NoiseSpec("symmetric", 0.2),), cv=0)
    with pytest.raises(InputError, match=r"cv: must be an int >= 2"):
        run_benchmark(bad)
    with pytest.raises(InputError, match=r"model: must be a model name or a classifier"):
        run_benchmark(replace(bad, cv=3, model=object()))
