"""Terminal output: progress bars and summary tables (rich)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from labelnoise.detect import LabelIssues
from labelnoise.noise import NoiseEstimate

__all__ = [
    "class_table",
    "literal",
    "make_console",
    "print_summary",
    "print_tag_summary",
    "progress_bar",
    "transient_progress",
]


def literal(value: object) -> str:
    """``value`` as text for a rich markup string: ``[`` in a name or path is not markup."""
    return escape(str(value))


def make_console() -> Console:
    """A console on standard output; long lines are not wrapped, so logs stay greppable."""
    return Console(highlight=False, soft_wrap=True)


def transient_progress(console: Console) -> Progress:
    """The commands' progress display: spinner, step, bar, done/total and time taken,
    cleared when it ends."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    return Progress(*columns, console=console, transient=True)


@contextmanager
def progress_bar(console: Console, description: str, total: int) -> Iterator[Callable[..., None]]:
    """Show a transient progress bar on a terminal; yields ``advance(description=None)``.

    Parameters
    ----------
    console : Console
    description : str
        Text of the first step.
    total : int
        Number of steps.
    """
    if not console.is_terminal:  # pipes and logs get no bar (and no stray blank line)
        yield lambda description=None: None
        return
    with transient_progress(console) as bar:
        task = bar.add_task(description, total=total)

        def advance(description: str | None = None) -> None:
            bar.update(task, advance=1, description=description)

        yield advance


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%" if value >= 0.001 or value == 0 else f"{100 * value:.2f}%"


def class_table(issues: LabelIssues, *, limit: int = 5) -> Table:
    """The ``limit`` classes with the highest share of flagged examples.

    Parameters
    ----------
    issues : LabelIssues
    limit : int, default=5

    Returns
    -------
    rich.table.Table
    """
    frame = issues.to_frame()
    groups = frame.groupby("given_label", sort=False)
    stats = pd.DataFrame({"n": groups.size(), "flagged": groups["is_label_issue"].sum()})
    stats["rate"] = stats["flagged"] / stats["n"]
    flagged = frame[frame["is_label_issue"]]
    usual = flagged.groupby("given_label")["suggested_label"].agg(lambda s: s.mode().iloc[0])
    table = Table(title="Classes with the most issues", title_justify="left")
    for name, justify in (("class", "left"), ("examples", "right"), ("flagged", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    table.add_column("rate", justify="right")
    table.add_column("usually suggested")
    ordered = stats.sort_values(["rate", "flagged"], ascending=False).head(limit)
    for name, row in ordered.iterrows():
        table.add_row(
            Text(str(name)),  # class names are data: never markup
            f"{int(row['n']):,}",
            f"{int(row['flagged']):,}",
            _pct(float(row["rate"])),
            Text(str(usual.get(name, ""))),
        )
    return table


def print_summary(console: Console, issues: LabelIssues, noise: NoiseEstimate) -> None:
    """Print how many examples were flagged, the estimated noise rate and the worst classes.

    Parameters
    ----------
    console : Console
    issues : LabelIssues
    noise : NoiseEstimate
    """
    n = issues.mask.shape[0]
    rate = float(np.clip(noise.noise_rate, 0.0, 1.0))
    console.print(
        f"Flagged [bold]{len(issues):,}[/] of {n:,} examples ({_pct(issues.rate)}) as likely "
        f"label errors (method {issues.method})."
    )
    console.print(
        f"Estimated noise rate: [bold]{_pct(rate)}[/] (about {round(rate * n):,} wrong labels); "
        f"label health {100 * (1 - rate):.1f}/100."
    )
    if len(issues):
        console.print(class_table(issues))


def print_tag_summary(console: Console, issues: Any) -> None:
    """Print how many examples have a suspicious tag, and how many tags look missing and
    wrong (``issues``: a :class:`labelnoise.multilabel.MultilabelIssues`)."""
    console.print(
        f"{len(issues):,} of {issues.mask.shape[0]:,} examples have a suspicious tag: "
        f"{int(issues.missing.sum()):,} tags look missing, {int(issues.wrong.sum()):,} "
        "look wrong."
    )
