"""``labelnoise report``: a self-contained HTML report from labels and pred_probs files."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click
import numpy as np

from labelnoise.cli._console import make_console, print_summary, progress_bar
from labelnoise.cli._errors import BadInput, translated
from labelnoise.cli._find import detect
from labelnoise.cli._inputs import (
    IN_FILE,
    Inputs,
    debug_option,
    force_option,
    load_inputs,
    problem_options,
)
from labelnoise.cli._io import read_images, read_texts
from labelnoise.cli._output import claim_output, write_atomic
from labelnoise.detect import FilterMethod

__all__ = ["report"]

OUT_FILE = click.Path(dir_okay=False, path_type=Path)


def _extras(
    inputs: Inputs, images: Path | None, texts: Path | None, text_column: str | None
) -> tuple[np.ndarray | list[str] | None, list[str] | None]:
    n = inputs.pred_probs.shape[0]
    pictures = None if images is None else read_images(images)
    snippets = None if texts is None else read_texts(texts, column=text_column)
    for option, path, values in (("--images", images, pictures), ("--texts", texts, snippets)):
        if values is not None and len(values) != n:
            raise BadInput(
                f"{option} {path} has {len(values):,} entries but --pred-probs has {n:,} rows; "
                "give one per example, in the same order."
            )
    return pictures, snippets


@click.command()
@problem_options
@click.option(
    "--images",
    type=IN_FILE,
    help="Images for thumbnails: a .npy array (n,H,W) or (n,H,W,C), or a .txt list of "
    "image paths, one per example.",
)
@click.option("--texts", type=IN_FILE, help="Texts for snippets: a .txt (one per line) or table.")
@click.option("--text-column", metavar="COL", help="Column of the --texts table to show.")
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="How many flagged examples to list.",
)
@click.option("--title", default="Label health report", show_default=True, help="Page title.")
@click.option(
    "--out",
    "-o",
    type=OUT_FILE,
    default=Path("report.html"),
    show_default=True,
    help="The HTML file to write.",
)
@force_option
@debug_option
def report(
    labels_path: Path,
    pred_probs_path: Path,
    label_column: str | None,
    classes: str | None,
    method: str,
    normalize: bool,
    features_path: Path | None,
    images: Path | None,
    texts: Path | None,
    text_column: str | None,
    top: int,
    title: str,
    out: Path,
    force: bool,
) -> None:
    """Write a self-contained HTML report on label quality.

    One file, no network needed to view it: label health score, estimated noise matrix,
    per-class issue rates and the top issues, with thumbnails (--images) or text
    snippets (--texts).

    \b
    Example:
      labelnoise report --labels y.npy --pred-probs p.npy --images x.npy -o report.html
    """
    from labelnoise.report import render_report

    console = make_console()
    extra_inputs = [p for p in (features_path, images, texts) if p is not None]
    claim_output(
        out, option="--out", force=force, inputs=(labels_path, pred_probs_path, *extra_inputs)
    )
    with progress_bar(console, "Reading inputs", 3) as advance:
        inputs = load_inputs(
            labels_path,
            pred_probs_path,
            label_column=label_column,
            classes=classes,
            features_path=features_path,
        )
        pictures, snippets = _extras(inputs, images, texts, text_column)
        advance("Finding issues and drawing the report")
        issues, noise = detect(inputs, method=method, normalize=normalize)
        details = {"Labels": str(labels_path), "Predicted probabilities": str(pred_probs_path)}
        with translated({**inputs.sources, "images": f"--images {images}"}):
            html = render_report(
                inputs.labels,
                inputs.pred_probs,
                classes=inputs.classes,
                normalize=normalize,
                method=cast(FilterMethod, method),
                images=pictures,
                texts=snippets,
                title=title,
                top=top,
                details=details,
                issues=issues,
                noise=noise,
            )
        advance(f"Writing {out}")
        write_atomic(out, html, force=force)
        advance()
    print_summary(console, issues, noise)
    console.print(f"Wrote the report to [bold]{out}[/] ({len(html) / 1e6:.1f} MB).")
