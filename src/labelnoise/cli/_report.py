"""``labelnoise report``: a self-contained HTML report from labels and pred_probs files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import click
import numpy as np

from labelnoise.cli._console import (
    literal,
    make_console,
    print_summary,
    print_tag_summary,
    progress_bar,
)
from labelnoise.cli._errors import BadInput, translated, warn
from labelnoise.cli._find import (
    TagInputs,
    check_multilabel_options,
    detect,
    find_tag_issues,
    read_tag_inputs,
)
from labelnoise.cli._images import missing_images, read_images
from labelnoise.cli._inputs import (
    IN_FILE,
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


@dataclass(frozen=True)
class Extras:
    """The --images and --texts options of one call."""

    images: Path | None
    texts: Path | None
    text_column: str | None
    image_root: Path | None
    allow_any: bool

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(p for p in (self.images, self.texts) if p is not None)


def _extras(
    n: int, pred_probs_path: Path, extras: Extras, *, header: bool
) -> tuple[np.ndarray | list[str] | None, list[str] | None]:
    """Read --images and --texts; one entry per row of --pred-probs (``n`` rows)."""
    images, texts = extras.images, extras.texts
    pictures = None
    if images is not None:
        pictures = read_images(
            images, header=header, root=extras.image_root, allow_any=extras.allow_any
        )
    snippets = None
    if texts is not None:
        snippets = read_texts(texts, column=extras.text_column, header=header)
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
@click.option(
    "--title",
    help="Page title. Default: 'Label health report' ('Multi-label report' with --multilabel).",
)
@click.option(
    "--multilabel",
    is_flag=True,
    help="Multi-label data, read as 'labelnoise find --multilabel' reads it: each labels "
    "cell lists an example's tags separated by ';', pred_probs holds one independent "
    "probability per tag. The page then shows the tags that look missing and wrong, per "
    "tag and per example.",
)
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
    title: str | None,
    multilabel: bool,
    out: Path,
    force: bool,
) -> None:
    """Write a self-contained HTML report on label quality.

    One file, no network needed to view it: label health score, estimated noise matrix,
    per-class issue rates and the top issues, with thumbnails (--images) or text
    snippets (--texts).

    \b
    Examples:
      labelnoise report --labels y.npy --pred-probs p.npy --images x.npy -o report.html
      labelnoise report --multilabel --labels tags.csv --label-column tags \\
        --pred-probs probs.csv --out report.html
    """
    from labelnoise.report import render_report

    extras = Extras(images, texts, text_column, image_root, allow_any_image_path)
    console = make_console()
    if multilabel:  # tags read exactly as ``find --multilabel`` reads them
        check_multilabel_options(method, normalize, features_path, labels_path)
        paths = (labels_path, pred_probs_path)
        claim_output(out, option="--out", force=force, inputs=(*paths, *extras.paths))
        tag_inputs = read_tag_inputs(
            *paths, label_column=label_column, classes=classes, header=not no_header
        )
        issues: Any = find_tag_issues(tag_inputs, method=method)
        html, n_missing = _multilabel_page(
            issues,
            tag_inputs,
            paths,
            extras,
            header=not no_header,
            title=title or "Multi-label report",
            top=top,
        )
        write_atomic(out, html, force=force)
        print_tag_summary(console, issues)
        _print_written(console, out, html, n_missing)
        return
    extra_inputs = [p for p in (features_path, *extras.paths) if p is not None]
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
            inputs.pred_probs.shape[0], inputs.paths[1], extras, header=not no_header
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
                title=title or "Label health report",
                top=top,
                details=details,
                issues=issues,
                noise=noise,
            )
        advance(f"Writing {out}")
        write_atomic(out, html, force=force)
        advance()
    print_summary(console, issues, noise)
    _print_written(console, out, html, n_missing)


def _multilabel_page(
    issues: Any,
    inputs: TagInputs,
    paths: tuple[Path, Path],
    extras: Extras,
    *,
    header: bool,
    title: str,
    top: int,
) -> tuple[str, int]:
    """The page of ``report --multilabel`` and how many image files are missing."""
    from labelnoise.report import multilabel_report

    pred_probs = inputs.pred_probs
    pictures, snippets = _extras(pred_probs.shape[0], paths[1], extras, header=header)
    n_missing = _warn_missing(extras.images, pictures)
    details = {"Labels": str(paths[0]), "Predicted probabilities": str(paths[1])}
    with translated({"images": f"--images {extras.images}"}):
        html = multilabel_report(
            issues.given_labels,
            pred_probs,
            classes=list(issues.classes),
            issues=issues,
            images=pictures,
            texts=snippets,
            title=title,
            top=top,
            details=details,
        )
    return html, n_missing


def _print_written(console: Any, out: Path, html: str, n_missing: int) -> None:
    missing = f"; {n_missing:,} image files missing" if n_missing else ""
    console.print(
        f"Wrote the report to [bold]{literal(out)}[/] ({len(html) / 1e6:.1f} MB{missing})."
    )
