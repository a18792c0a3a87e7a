"""``labelnoise bench``: the quick suite end to end, named and file configs, the cache, and
every error."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from labelnoise.bench import COLUMNS

OUTPUTS = ("results.csv", "results.md", "f1_vs_noise.png")
TINY = """
name = "tiny"
cv = 3
methods = ["prune_by_noise_rate", "rank:self_confidence"]
datasets = ["wine"]
noise = [{kind = "symmetric", rate = 0.2}]
"""


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    return path


def test_quick_end_to_end(tmp_path, run):
    result = run("bench", "--config", "quick", "--out", tmp_path / "out")
    assert result.code == 0, result.err
    frame = pd.read_csv(tmp_path / "out" / "results.csv")
    assert list(frame.columns) == list(COLUMNS)
    assert set(frame["dataset"]) == {"digits", "breast_cancer"}
    assert frame.shape[0] == 2 * 2 * 2 * 10  # datasets x noise x seeds x detectors
    assert frame["f1"].mean() > 0.6  # detectors find most of 20% noise with a good model
    assert (
        "| method | symmetric 20% | pairflip 20% | mean |"
        in (tmp_path / "out" / "results.md").read_text()
    )
    assert (tmp_path / "out" / "f1_vs_noise.png").read_bytes()[:4] == b"\x89PNG"
    assert len(list((tmp_path / "out" / "cache").glob("*.npz"))) == 8
    assert "Benchmark quick" in result.out and "prune_by_noise_rate" in result.out
    assert "80 runs. Wrote" in result.out


def test_named_config_and_quick_are_the_same(tmp_path, run):
    from labelnoise.bench import load_config
    from labelnoise.cli._bench import DEFAULT_CONFIG, _config

    assert _config(None, True) == _config("quick", False) == load_config("quick")
    assert _config(None, False) == load_config(DEFAULT_CONFIG)


def test_named_config_needs_its_data(tmp_path, run, monkeypatch, one_line_error):
    monkeypatch.delenv("LABELNOISE_DATA", raising=False)
    result = run("bench", "--config", "real-noise-quick", "--out", tmp_path / "out")
    one_line_error(
        result,
        "--config real-noise-quick: datasets[0].path: cifar10n reads a data folder",
        "set the environment variable LABELNOISE_DATA",
    )


def test_config_file_and_cache_dir(tmp_path, tiny, run):
    cache = tmp_path / "cache"
    result = run("bench", "--config", tiny, "--out", tmp_path / "out", "--cache-dir", cache)
    assert result.code == 0, result.err
    frame = pd.read_csv(tmp_path / "out" / "results.csv")
    assert frame["method"].tolist() == ["prune_by_noise_rate", "rank:self_confidence"]
    assert len(list(cache.glob("*.npz"))) == 1
    assert not (tmp_path / "out" / "cache").exists()


def test_no_overwrite_without_force(tmp_path, tiny, run, one_line_error):
    out = tmp_path / "out"
    assert run("bench", "--config", tiny, "--out", out).code == 0
    before = (out / "results.csv").read_bytes()
    one_line_error(
        run("bench", "--config", tiny, "--out", out),
        "--out",
        "results.csv already exists; pass --force to overwrite it",
    )
    assert (out / "results.csv").read_bytes() == before
    result = run("bench", "--config", tiny, "--out", out, "--force")
    assert result.code == 0, result.err
    assert sorted(p.name for p in out.iterdir()) == ["cache", *sorted(OUTPUTS)]


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("datasets = [\n", ["--config", "is not valid TOML", "fix the syntax"]),
        (
            TINY.replace("rate = 0.2", "rate = 2"),
            ["--config", "noise[0].rate: must be a fraction in [0, 1)"],
        ),
        (TINY.replace('"wine"', '"mnist"'), ["datasets[0].name: unknown dataset 'mnist'"]),
        (TINY.replace("cv = 3", "cv = 1"), ["cv: must be an int >= 2"]),
        (TINY.replace('"prune_by_noise_rate"', '"magic"'), ["methods: unknown detector 'magic'"]),
        (TINY + 'models = ["svm"]\n', ["models[0]: unknown model 'svm'"]),
        (
            TINY.replace('["wine"]', '[{name = "fashion_mnist", path = "/no/such/dir"}]'),
            ["--config", "path: folder '/no/such/dir' not found", "apt-get install"],
        ),
        (TINY + 'models = ["knn", "knn"]\n', ["models: 'knn' appears twice"]),
    ],
)
def test_bad_config(tmp_path, run, text, fragments, one_line_error):
    path = tmp_path / "bad.toml"
    path.write_text(textwrap.dedent(text))
    result = run("bench", "--config", path, "--out", tmp_path / "out")
    one_line_error(result, str(path), *fragments)
    assert not (tmp_path / "out" / "results.csv").exists()


def test_config_and_quick_exclude_each_other(tmp_path, tiny, run, one_line_error):
    result = run("bench", "--config", tiny, "--quick", "--out", tmp_path / "out")
    one_line_error(result, "--config and --quick exclude each other")


def test_missing_config_file(tmp_path, run, one_line_error):
    result = run("bench", "--config", tmp_path / "nope.toml", "--out", tmp_path / "out")
    one_line_error(result, "--config", "nope.toml' not found", "real-noise, real-noise-quick")


def test_missing_out(run, one_line_error):
    one_line_error(run("bench", "--quick"), "Missing option '--out'")


def test_out_is_a_file(tmp_path, run, one_line_error):
    (tmp_path / "file").write_text("x")
    result = run("bench", "--quick", "--out", tmp_path / "file")
    one_line_error(result, "--out", "is a file")


def test_debug_shows_traceback(tmp_path, run):
    path = tmp_path / "bad.toml"
    path.write_text("cv = [\n")
    result = run("bench", "--config", path, "--out", tmp_path / "out", "--debug")
    assert result.code == 2 and "Traceback" in result.err


def test_help_lists_new_commands(run):
    result = run("--help")
    assert result.code == 0
    assert "bench" in result.out and "simulate" in result.out
