"""``labelnoise demo``: real label errors in the CIFAR-10 and MNIST test sets, offline."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import cast

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from labelnoise.bench import TestSetAudit, audit_flags
from labelnoise.cli._console import literal, make_console, progress_bar
from labelnoise.cli._inputs import debug_option, force_option, issues_frame
from labelnoise.cli._output import claim_output, csv_text, write_atomic
from labelnoise.demo import (
    DATASETS,
    DemoName,
    load_bundled_label_errors,
    load_thumbnails,
    review_notes,
)
from labelnoise.detect import find_label_issues
from labelnoise.noise import estimate_noise

__all__ = ["demo"]

_INTRO = (
    "[bold]labelnoise demo[/]: real label errors in the CIFAR-10 and MNIST test sets.\n"
    "Out-of-sample pred_probs and human verdicts (5 Mechanical Turk workers per flagged "
    "candidate) from Northcutt, Athalye & Mueller, NeurIPS 2021 (Apache-2.0, bundled).\n"
    "A candidate is a confirmed error when fewer than 3 of 5 workers kept its given label."
)

_DATA_NOTE = {
    "cifar10": "cleanlab/label-errors and the flagged CIFAR-10 test images (JPEG), bundled",
    "mnist": "cleanlab/label-errors, bundled (no images)",
}


def _run(name: str, out: Path, force: bool) -> tuple[TestSetAudit, Path]:
    """Find issues in one bundled dataset; write its issues CSV and HTML report."""
    from labelnoise.report import render_report

    data = load_bundled_label_errors(cast(DemoName, name))
    classes = list(data.classes)
    labels = np.asarray(classes)[data.labels]
    issues = find_label_issues(labels, data.pred_probs, classes=classes)
    noise = estimate_noise(labels, data.pred_probs, classes=classes)
    # Pictures are bundled for the CIFAR-10 rows the demo flags only; MNIST has none.
    images = load_thumbnails().stack(labels.shape[0]) if name == "cifar10" else None
    html = render_report(
        labels,
        data.pred_probs,
        classes=classes,
        issues=issues,
        noise=noise,
        images=images,
        notes={"Human review": review_notes(data)},
        title=f"{DATASETS[data.name]} (labelnoise demo)",
        top=issues.indices.shape[0],
        details={
            "Data": _DATA_NOTE[name],
            "Human review": "5 workers per candidate; < 3 keeping the label = error",
        },
    )
    write_atomic(out / f"{name}-issues.csv", csv_text(issues_frame(issues)), force=force)
    report = out / f"{name}-report.html"
    write_atomic(report, html, force=force)
    return audit_flags(issues, verified=data.verified), report


def _table(reviews: dict[str, TestSetAudit]) -> Table:
    table = Table(title="Flagged examples checked against the human review", title_justify="left")
    for column in ("test set", "flagged", "reviewed", "confirmed", "precision", "rel. recall"):
        table.add_column(column, justify="left" if column == "dataset" else "right")
    for name, r in reviews.items():
        table.add_row(
            DATASETS[name].removesuffix(" test set"),
            f"{r.n_flagged:,}",
            f"{r.n_flagged_reviewed:,}",
            f"{r.n_confirmed} of {r.n_confirmed_total}",
            f"{100 * r.precision:.1f}%",
            f"{100 * r.relative_recall:.1f}%",
        )
    return table


def _explain(console: Console, reviews: dict[str, TestSetAudit]) -> None:
    for name, r in reviews.items():
        console.print(
            f"{DATASETS[name]}: [bold]{r.n_confirmed} of the {r.n_confirmed_total}[/] "
            f"human-validated label errors are flagged ({r.n_flagged:,} flagged in all, "
            f"{r.n_flagged_reviewed:,} of them reviewed, {r.n_confirmed} confirmed)."
        )
    console.print(
        "Precision counts only flagged rows that humans reviewed; relative recall is the "
        "share of all confirmed errors that were flagged (only candidates were reviewed, "
        "so absolute recall is unknown)."
    )


@click.command()
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the reports and issue lists (default: a new temporary folder).",
)
@force_option
@debug_option
def demo(out: Path | None, force: bool) -> None:
    """Audit real label errors in the CIFAR-10 and MNIST test sets (bundled, offline).

    Runs find_label_issues on the published out-of-sample pred_probs, compares the
    flagged rows with the human review, and writes one HTML report per dataset.
    """
    console = make_console()
    console.print(_INTRO)
    if out is None:
        out = Path(tempfile.mkdtemp(prefix="labelnoise-demo-"))
    for name in DATASETS:
        for suffix in ("issues.csv", "report.html"):
            claim_output(out / f"{name}-{suffix}", option="--out", force=force)
    reviews, reports = {}, []
    steps = [f"Finding label issues in the {title}" for title in DATASETS.values()]
    with progress_bar(console, steps[0], len(steps)) as advance:
        for name, step in zip(DATASETS, [*steps[1:], None], strict=True):
            reviews[name], report = _run(name, out, force)
            reports.append(report)
            advance(step)
    console.print(_table(reviews))
    _explain(console, reviews)
    for report in reports:
        console.print(f"Report: [bold]{literal(report.resolve().as_uri())}[/]")
