"""``labelnoise bench``: benchmark the detectors on data with known label errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from labelnoise._errors import InputError
from labelnoise.bench import BenchConfig, config_names, load_config, render_results, run_benchmark
from labelnoise.cli._console import make_console, transient_progress
from labelnoise.cli._errors import BadInput, one_line
from labelnoise.cli._inputs import debug_option, force_option
from labelnoise.cli._output import claim_output, write_atomic

__all__ = ["bench"]

OUTPUTS = ("results.csv", "results.md", "f1_vs_noise.png")
DIR = click.Path(file_okay=False, path_type=Path)


@contextmanager
def _progress(console: Console) -> Iterator[Callable[[int, int, str], None]]:
    """A transient bar on a terminal whose total is learnt from the first update."""
    if not console.is_terminal:
        yield lambda done, total, description: None
        return
    with transient_progress(console) as bar:
        task = bar.add_task("Loading datasets", total=None)

        def update(done: int, total: int, description: str) -> None:
            bar.update(task, completed=done, total=total, description=description)

        yield update


#: The named config run when neither --config nor --quick is given.
DEFAULT_CONFIG = "small-sets"


def _config(source: str | None, quick: bool) -> BenchConfig:
    if source is not None and quick:
        raise BadInput("--config and --quick exclude each other; pass one of them.")
    name = "quick" if quick else (source or DEFAULT_CONFIG)
    try:
        return load_config(name)
    except InputError as error:
        detail = error.message
        where = "" if error.argument == "path" else f"{error.argument}: "
        raise BadInput(f"--config {name}: {where}{one_line(detail)}") from error


def _summary(frame: pd.DataFrame) -> Table:
    title = "Mean over datasets, noise settings, seeds and models"
    table = Table(title=title, title_justify="left")
    table.add_column("method")
    for column in ("precision", "recall", "F1", "AUROC"):
        table.add_column(column, justify="right")
    means = frame.groupby("method", sort=False)[["precision", "recall", "f1", "auroc"]].mean()
    for method, row in means.iterrows():
        table.add_row(str(method), *(f"{value:.3f}" for value in row.tolist()))
    return table


@click.command()
@click.option(
    "--config",
    "config_source",
    metavar="NAME|FILE",
    help=f"A named config ({', '.join(config_names())}) or a TOML file naming datasets, "
    "noise settings, seeds, models, cv and methods (see labelnoise.bench.load_config). "
    f"Default: {DEFAULT_CONFIG}. real-noise* read the data folder in $LABELNOISE_DATA.",
)
@click.option("--quick", is_flag=True, help="Shorthand for --config quick (seconds).")
@click.option(
    "--out",
    "-o",
    required=True,
    type=DIR,
    help="Folder for results.csv, results.md and f1_vs_noise.png (created if missing).",
)
@click.option(
    "--cache-dir",
    type=DIR,
    help="Folder caching cross-validated pred_probs, reused by reruns [default: OUT/cache].",
)
@force_option
@debug_option
def bench(
    config_source: str | None, quick: bool, out: Path, cache_dir: Path | None, force: bool
) -> None:
    """Benchmark the label-error detectors on data whose wrong labels are known.

    Corrupts each dataset's labels (symmetric, pair-flip, random-matrix,
    instance-dependent, CIFAR-10N human or open-set noise, or real CIFAR-10N and
    CIFAR-10H labels), cross-validates each model on the noisy labels, runs every
    detector per model and scores its flags against the labels really wrong: precision,
    recall, F1, count error, AUROC and AUPRC per run.

    \b
    Examples:
      labelnoise bench --quick --out bench-quick/
      LABELNOISE_DATA=../shared/data labelnoise bench --config real-noise --out bench-real/
      labelnoise bench --config my-bench.toml --out bench/ --cache-dir ~/.cache/ln
    """
    config_file = Path(config_source) if config_source and Path(config_source).is_file() else None
    inputs = () if config_file is None else (config_file,)
    paths = [
        claim_output(out / name, option="--out", force=force, inputs=inputs) for name in OUTPUTS
    ]
    config = _config(config_source, quick)
    console = make_console()
    console.print(f"Benchmark [bold]{config.name}[/]: writing into {out}.")
    where = f"--config {config_source}: " if config_source is not None else ""
    try:
        with _progress(console) as update:
            frame = run_benchmark(config, cache_dir=cache_dir or out / "cache", progress=update)
            files = render_results(frame)
    except InputError as error:
        raise BadInput(f"{where}{one_line(str(error))}") from error
    for path, name in zip(paths, OUTPUTS, strict=True):
        write_atomic(path, files[name], force=force)
    console.print(_summary(frame))
    console.print(f"{frame.shape[0]:,} runs. Wrote [bold]{', '.join(map(str, paths))}[/].")
