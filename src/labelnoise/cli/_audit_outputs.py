"""The files ``labelnoise audit`` writes, and what it says when a late step fails.

Every output path is claimed before any work starts (so a slow audit never ends on "file
exists"); issues.csv is written first, so that nothing after it can lose it. A later step
that fails (the health checks, the report) is recorded instead of raised: the files that
could be written still are, and the command then exits with :data:`EXIT_REPORT_FAILED`
and one line that lists what was written and what was not.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click
import numpy as np
import pandas as pd

from labelnoise.cli._errors import one_line
from labelnoise.cli._inputs import Inputs
from labelnoise.cli._output import claim_output, write_atomic
from labelnoise.cli._raw import Loaded
from labelnoise.detect import LabelIssues
from labelnoise.noise import NoiseEstimate

if TYPE_CHECKING:
    from labelnoise.health import HealthReport

__all__ = [
    "EXIT_REPORT_FAILED",
    "AuditFiles",
    "ReportFailed",
    "insert_images",
    "listing",
    "reason",
    "write_report",
]

#: Exit status when issues.csv was written but a later step (health checks, report) failed.
EXIT_REPORT_FAILED = 1


class ReportFailed(click.ClickException):
    """A step of ``audit`` after issues.csv (health checks, report) failed."""

    exit_code = EXIT_REPORT_FAILED


@dataclass
class AuditFiles:
    """The output files of one audit: claimed up front, then written and failed as it goes.

    Attributes
    ----------
    issues, report : Path
    health, rows : Path or None
        health.csv and health_rows.csv (None with ``--checks none``).
    force : bool
        Whether existing files may be replaced.
    written : list of Path
        The files written so far, in order.
    failed : list of str
        One clause per step that failed.
    """

    issues: Path
    health: Path | None
    rows: Path | None
    report: Path
    force: bool
    written: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @classmethod
    def claim(cls, data: Path, out: Path, *, force: bool, health: bool) -> AuditFiles:
        """Check every output path in ``out`` before the work starts."""

        def claimed(name: str) -> Path:
            return claim_output(out / name, option="--out", force=force, inputs=(data,))

        issues = claimed("issues.csv")
        health_path = rows = None
        if health:
            health_path, rows = claimed("health.csv"), claimed("health_rows.csv")
        return cls(issues, health_path, rows, claimed("report.html"), force)

    def write(self, path: Path, text: str) -> None:
        """Write ``path`` atomically and remember it."""
        write_atomic(path, text, force=self.force)
        self.written.append(path)

    def finish(self) -> None:
        """Raise :class:`ReportFailed` if a step failed, naming what was written."""
        if self.failed:
            raise ReportFailed(
                f"{listing(self.written)} {'was' if len(self.written) == 1 else 'were'} "
                f"written, but {'; and '.join(self.failed)}."
            )


def listing(paths: list[Path]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    names = [str(path) for path in paths]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def reason(error: BaseException) -> str:
    """An exception as one short line."""
    return (one_line(str(error)) or type(error).__name__)[:200]


def insert_images(
    table: pd.DataFrame, at: int, rows: np.ndarray, loaded: Loaded, data: Path
) -> None:
    """Insert an ``image`` column (the path of each of ``rows``) when the data are images;
    for an image folder, paths as the user sees them inside it."""
    if loaded.raw is None or loaded.raw.images is None:
        return
    shown = [loaded.raw.images[i] for i in rows]
    if data.is_dir():
        shown = [os.path.relpath(path, data) for path in shown]
    table.insert(at, "image", shown)


def write_report(
    files: AuditFiles,
    inputs: Inputs,
    issues: LabelIssues,
    noise: NoiseEstimate,
    *,
    loaded: Loaded,
    features: np.ndarray | None,
    title: str,
    top: int,
    details: dict[str, str],
    health: HealthReport | None,
) -> None:
    """Render report.html and write it; whatever breaks the report, issues.csv stays."""
    try:
        from labelnoise.report import render_report  # the report extra may be missing

        html = render_report(
            inputs.labels,
            inputs.pred_probs,
            classes=inputs.classes,
            images=None if loaded.raw is None else loaded.raw.images,
            texts=loaded.texts,
            features=features,
            title=title,
            top=top,
            details=details,
            issues=issues,
            noise=noise,
            health=health,
        )
        files.write(files.report, html)
    except Exception as error:
        files.failed.append(
            f"the report could not be ({reason(error)}); {files.report} was not written"
        )
