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
    config_names,
    default_detectors,
    detector_names,
    load_config,
    run_benchmark,
)
from labelnoise.bench._config import check_config
from labelnoise.bench._models import MODELS

GOOD = """
name = "mine"
seeds = [0, 2]
models = ["random_forest"]
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


def test_named_configs_are_valid(fake_data, monkeypatch):
    monkeypatch.setenv("LABELNOISE_DATA", str(fake_data))
    assert config_names() == ("openset", "quick", "real-noise", "real-noise-quick", "small-sets")
    for name in config_names():
        config = load_config(name)
        assert config.name == name and _check(config) == config
    small, quick = load_config("small-sets"), load_config("quick")
    assert [d.name for d in small.datasets] == ["digits", "wine", "breast_cancer", "fashion_mnist"]
    labels = [n.label for n in small.noise]
    assert labels[:4] == ["symmetric 10%", "symmetric 20%", "symmetric 40%", "symmetric 60%"]
    assert "human cifar10n_worst" in labels and "random T 30%" in labels
    assert small.noise[6].frac_zero_noise_rates == 0.6
    assert small.seeds == (0, 1, 2) and small.models == ("linear_probe", "knn15")
    assert small.ensemble == ("likelihood", "mean", "rank", "weighted")
    assert {"small_loss_beta", "auto+features", "oracle:auto"} <= set(small.methods)
    slow = {"knn", "linear_separation", "linear_separation_small_loss", "auto+features"}
    assert not slow & set(small.ensemble_methods)
    assert not slow & set(small.datasets[3].methods or ()) and small.datasets[0].methods is None
    assert len(quick.datasets) == 2 and len(quick.noise) == 2 and quick.cv == 3
    assert [n.kind for n in load_config("openset").noise] == ["openset"]


def test_real_noise_config(fake_data, monkeypatch):
    monkeypatch.setenv("LABELNOISE_DATA", str(fake_data))
    config = load_config("real-noise")
    full, sub, test = config.datasets
    assert (full.name, full.subsample, full.seeds) == ("cifar10n", None, (0,))
    assert [n.label for n in full.noise or ()] == [
        "real aggre",
        "real random1",
        "real random2",
        "real random3",
        "real worst",
    ]
    assert (sub.subsample, sub.seeds, len(sub.noise or ())) == (20_000, (0, 1), 6)
    assert (test.name, test.seeds) == ("cifar10_test", (0, 1, 2))
    assert {n.source for n in test.noise or ()} == {"one", "majority3", "worst3"}
    assert all(d.path == str(fake_data) for d in config.datasets)
    assert config.models == ("linear_probe", "mlp", "knn", "resnet18", "label_errors_cnn")
    assert config.ensemble == ("likelihood",) and config.cv == 5
    assert {"small_loss_beta", "oracle:auto", "oracle:rank:normalized_margin"} <= set(
        config.methods
    )


def test_real_datasets_need_a_data_folder(monkeypatch):
    monkeypatch.delenv("LABELNOISE_DATA", raising=False)
    with pytest.raises(
        InputError,
        match=r"datasets\[0\]\.path: cifar10n reads a data folder .*; pass path = '<folder>' "
        r"in the dataset's table or set the environment variable LABELNOISE_DATA",
    ):
        load_config("real-noise-quick")


def test_relative_path_is_read_from_the_config_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("LABELNOISE_DATA", raising=False)
    (tmp_path / "sub").mkdir()
    text = 'datasets = [{name = "cifar10_test", path = "../data"}]\nnoise = ["openset"]\n'
    (tmp_path / "sub" / "bench.toml").write_text(text)
    monkeypatch.chdir(tmp_path)
    config = load_config("sub/bench.toml")
    assert config.datasets[0].path == str(tmp_path / "sub" / ".." / "data")
    absolute = load_config(_write(tmp_path, text.replace("../data", "/abs/data")))
    assert absolute.datasets[0].path == "/abs/data"


def test_dataset_tables_carry_their_own_noise_and_seeds(tmp_path):
    text = """
    models = ["linear_probe", "knn"]
    ensemble = ["mean", "rank"]
    methods = ["auto", "oracle:auto", "small_loss_beta"]

    [[datasets]]
    name = "wine"
    seeds = [3, 4]
    noise = [{kind = "pairflip", rate = 0.1}]

    [[datasets]]
    name = "digits"
    noise = ["openset"]
    """
    config = load_config(_write(tmp_path, text))
    wine, digits = config.datasets
    assert wine.seeds == (3, 4) and wine.noise == (NoiseSpec("pairflip", 0.1),)
    assert digits.seeds is None and digits.noise == (NoiseSpec("openset"),)
    assert config.noise == () and config.ensemble == ("mean", "rank")
    assert config.methods == ("auto", "oracle:auto", "small_loss_beta")


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
    assert config.models == ("random_forest",) and config.ensemble == ()
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
    assert config.seeds == (0,) and config.cv == 5 and config.models == ("logistic_regression",)
    assert config.methods == default_detectors()
    assert config.datasets[0].subsample is None


@pytest.mark.parametrize(
    ("noise", "expected"),
    [
        ({"kind": "real", "source": "aggregate"}, NoiseSpec("real", source="aggre")),
        ({"kind": "real", "source": "worst"}, NoiseSpec("real", source="worst")),
        ({"kind": "annotators", "source": "worst3"}, NoiseSpec("annotators", source="worst3")),
        ({"kind": "human", "source": "random2"}, NoiseSpec("human", source="cifar10n_random2")),
        ({"kind": "openset"}, NoiseSpec("openset")),
    ],
)
def test_noise_sources_are_canonical(noise, expected):
    config = _check(BenchConfig(datasets=(DatasetSpec("wine"),), noise=(NoiseSpec(**noise),)))
    assert config.noise == (expected,)


@pytest.mark.parametrize(
    ("ensemble", "kinds"), [(True, ("likelihood",)), (False, ()), ("rank", ("rank",))]
)
def test_ensemble_forms(ensemble, kinds):
    config = BenchConfig(
        datasets=(DatasetSpec("wine"),),
        noise=(NoiseSpec("symmetric", 0.2),),
        models=("linear_probe", "knn"),
        ensemble=ensemble,  # type: ignore[arg-type]
    )
    assert _check(config).ensemble == kinds


def test_fashion_mnist_subsample_defaults_to_10000():
    config = _check(
        BenchConfig(datasets=(DatasetSpec("fashion_mnist"),), noise=(NoiseSpec("symmetric", 0.1),))
    )
    assert config.datasets[0].subsample == 10_000


def test_estimator_as_model():
    config = _check(replace(load_config("quick"), models=(LogisticRegression(C=0.5), "knn")))
    assert isinstance(config.models[0], LogisticRegression)


BAD_FIELDS = [
    ('datasets = ["mnist"]', r"datasets\[0\]\.name: unknown dataset 'mnist'; use one of digits"),
    (
        "datasets = [{name = 'wine', subsample = 3}]",
        r"datasets\[0\]\.subsample: must be an int >= 10",
    ),
    (
        "datasets = [{name = 'wine', path = '/x'}]",
        r"datasets\[0\]\.path: only fashion_mnist, cifar10n, cifar10_test read files; drop "
        r"path for wine",
    ),
    (
        "datasets = [{name = 'wine', colour = 'red'}]",
        r"datasets\[0\]: unknown key 'colour'; allowed keys: methods, name, noise, path, seeds, "
        r"subsample",
    ),
    (
        "datasets = [{name = 'wine', noise = [{kind = 'magic'}]}]",
        r"datasets\[0\]\.noise\[0\]\.kind: unknown noise kind 'magic'",
    ),
    ("datasets = [{name = 'wine', noise = []}]", r"datasets\[0\]\.noise: is empty"),
    ("datasets = [{name = 'wine', seeds = [-2]}]", r"datasets\[0\]\.seeds: must be non-negative"),
    (
        "datasets = [{name = 'wine', methods = ['magic']}]",
        r"datasets\[0\]\.methods: unknown detector 'magic'; available: prune_by_noise_rate",
    ),
    ("datasets = [{name = 'wine', methods = []}]", r"datasets\[0\]\.methods: is empty; name"),
    ("datasets = [{subsample = 100}]", r"datasets\[0\]: is missing the key 'name'"),
    ("datasets = [3]", r"datasets\[0\]: must be a name or a table, got 3"),
    ('datasets = "wine"', r"datasets: must be a list \(of names or tables\), got str"),
    ("datasets = []", r"datasets: is empty; give at least one entry"),
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
        "noise = [{kind = 'real', source = 'best'}]",
        r"noise\[0\]\.source: real noise needs source = one of aggre, random1, random2, "
        r"random3, worst, got 'best'",
    ),
    (
        "noise = [{kind = 'annotators', source = 'two'}]",
        r"noise\[0\]\.source: annotators noise needs source = one of one, majority3, worst3",
    ),
    (
        "noise = [{kind = 'real', source = 'worst', rate = 0.2}]",
        r"noise\[0\]\.rate: real noise takes its rate from the source; drop rate",
    ),
    (
        "noise = [{kind = 'openset', rate = 0.2}]",
        r"noise\[0\]: openset noise has no rate or source .*; drop them",
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
    ('models = ["svm"]', r"models\[0\]: unknown model 'svm'; use one of logistic_regression"),
    ("models = []", r"models: must be a non-empty list of model names or classifiers"),
    ('models = ["knn", "knn"]', r"models: 'knn' appears twice; list each model once"),
    ("ensemble = true", r"ensemble: combines several models; list at least two in models"),
    ('ensemble = ["median"]', r"ensemble: unknown kind 'median'; use true, false or a list"),
    ("ensemble = 3", r"ensemble: must be true, false, a kind or a list of kinds, got 3"),
    ('ensemble_methods = ["x"]', r"ensemble_methods: unknown detector 'x'; available:"),
    ('ensemble_methods = "auto"', r"ensemble_methods: must be a list, got 'auto'"),
    ('model = "svm"', r"model: unknown setting; allowed: cv, datasets, ensemble, ensemble_methods"),
    ("cv = 1", r"cv: must be an int >= 2 \(folds of cross-validation\), got 1"),
    ("n_jobs = 0", r"n_jobs: must be a non-zero int"),
    ('methods = ["magic"]', r"methods: unknown detector 'magic'; available: prune_by_noise_rate"),
    ('colour = "red"', r"colour: unknown setting; allowed: cv, datasets, ensemble, ensemble_"),
    (
        'methods = ["oracle:magic"]',
        r"methods: unknown detector 'oracle:magic'; available: .*\(and oracle:<detector>\)",
    ),
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
    with pytest.raises(
        InputError,
        match=r"path: config file .*nothere\.toml' not found; check the path, or name one of "
        r"the configs shipped with labelnoise: openset, quick",
    ):
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
    with pytest.raises(InputError, match=r"models\[0\]: must be a model name or a classifier"):
        run_benchmark(replace(bad, cv=3, models=(object(),)))


def test_configs_may_name_extra_detectors(tmp_path):
    from labelnoise import find_label_issues

    def margin_only(labels, pred_probs, features):
        return find_label_issues(labels, pred_probs, method="low_normalized_margin")

    extra = {"auto, margin only": margin_only}
    path = _write(
        tmp_path, 'datasets = ["wine"]\nnoise = ["openset"]\nmethods = ["auto, margin only"]\n'
    )
    with pytest.raises(InputError, match=r"methods: unknown detector 'auto, margin only'"):
        load_config(path)
    path = _write(
        tmp_path,
        'datasets = ["iris"]\nnoise = [{kind = "symmetric", rate = 0.2}]\ncv = 3\n'
        'methods = ["auto, margin only", "oracle:auto, margin only"]\n',
    )
    config = load_config(path, detectors=extra)
    frame = run_benchmark(config, detectors=extra)
    assert frame["method"].tolist() == ["auto, margin only", "oracle:auto, margin only"]
