"""``labelnoise report``: a self-contained HTML report from labels and pred_probs files."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click
import numpy as np

from labelnoise.cli._console import literal, make_console, print_summary, progress_bar
from labelnoise.cli._errors import BadInput, translated, warn
from labelnoise.cli._find import detect
from labelnoise.cli._images import missing_images, read_images
from labelnoise.cli._inputs import (
    IN_FILE,
    Inputs,
    debug_option,
    force_option,
    load_inputs,
    problem_options,
)
from labelnoise.cli._io import check_rows, read_texts
from labelnoise.cli._output import claim_output, write_atomic
from labelnoise.detect import FilterMethod

__all__ = ["report"]

OUT_FILE = click.Path(dir_okay=False, path_type=Path)


def _extras(
    inputs: Inputs,
    images: Path | None,
    texts: Path | None,
    *,
    header: bool,
    text_column: str | None,
    image_root: Path | None,
    allow_any: bool,
) -> tuple[np.ndarray | list[str] | None, list[str] | None]:
    """Read --images and --texts; one entry per row of --pred-probs."""
    pictures = None
    if images is not None:
        pictures = read_images(images, header=header, root=image_root, allow_any=allow_any)
    snippets = None
    if texts is not None:
        snippets = read_texts(texts, column=text_column, header=header)
    n, pred_probs_path = inputs.pred_probs.shape[0], inputs.paths[1]
    for option, path, values in (("--images", images, pictures), ("--texts", texts, snippets)):
        if values is None or path is None:
            continue
        check_rows((option, path, len(values)), ("--pred-probs", pred_probs_path, n), header=header)
        if len(values) != n:
            raise BadInput(
                f"{option} {path} has {len(values):,} entries but --pred-probs has {n:,} rows; "
                "give one per example, in the same order."
            )
    return pictures, snippets


def _warn_missing(images: Path | None, pictures: np.ndarray | list[str] | None) -> int:
    """Warn about image paths that name no file; return how many."""
    missing = [] if pictures is None else missing_images(pictures)
    if missing and isinstance(pictures, list):
        warn(
            f"--images {images}: {len(missing):,} of {len(pictures):,} image paths name no "
            f"file (the first, entry {missing[0]}: {pictures[missing[0]]!r}); their rows "
            "show 'no image'."
        )
    return len(missing)


@click.command()
@problem_options
@click.option(
    "--images",
    type=IN_FILE,
    help="Images for thumbnails: a .npy array (n,H,W) or (n,H,W,C), or a .txt/.csv list of "
    "image paths, one per example (first line: header, see --no-header). Paths must lie "
    "in the image root (see --image-root); missing files are counted and shown as 'no "
    "image'.",
)
@click.option(
    "--image-root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder that holds the images of an --images list: relative paths start there, "
    "and a path outside it (../, absolute) is an error. Default: the list file's folder.",
)
@click.option(
    "--allow-any-image-path",
    is_flag=True,
    help="Accept --images paths anywhere on disk (only for lists you trust).",
)
@click.option(
    "--texts",
    type=IN_FILE,
    help="Texts for snippets: a .txt (one per line) or a table (first line: header, see "
    "--no-header).",
)
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
    no_header: bool,
    images: Path | None,
    image_root: Path | None,
    allow_any_image_path: bool,
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
            header=not no_header,
        )
        pictures, snippets = _extras(
            inputs,
            images,
            texts,
            header=not no_header,
            text_column=text_column,
            image_root=image_root,
            allow_any=allow_any_image_path,
        )
        n_missing = _warn_missing(images, pictures)
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
    missing = f"; {n_missing:,} image files missing" if n_missing else ""
    console.print(
        f"Wrote the report to [bold]{literal(out)}[/] ({len(html) / 1e6:.1f} MB{missing})."
    )
