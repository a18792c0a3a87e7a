"""Reading the DATA of ``labelnoise audit``: an image folder, or a table with raw columns.

A folder with one subfolder per class gives image paths and their labels (the subfolder
names); a table gives its --label column and either a design for the tabular model
(numeric, categorical and TF-IDF text columns) or raw images/texts to embed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from labelnoise.cli._errors import BadInput
from labelnoise.cli._images import image_column_paths, read_image_folder
from labelnoise.cli._io import read_frame
from labelnoise.cli._models import Design, Raw, design
from labelnoise.features import IMAGE_ENCODERS

__all__ = ["IMAGE_ENCODER", "Loaded", "load"]

#: The image encoder of ``--image`` and image folders.
IMAGE_ENCODER = IMAGE_ENCODERS[0]


def _columns(
    frame: pd.DataFrame, data: Path, label: str, features: str | None, text: str | None
) -> list[str]:
    """Check the named columns exist; return the feature columns."""
    listed = ", ".join(map(str, frame.columns[:15])) + (", ..." if frame.shape[1] > 15 else "")
    wanted = [c.strip() for c in features.split(",") if c.strip()] if features else None
    for option, names in (
        ("--label", [label]),
        ("--text", [text] if text else []),
        ("--features", wanted or []),
    ):
        missing = [name for name in names if name not in frame.columns]
        if missing:
            raise BadInput(
                f"{option}: DATA {data} has no column {missing[0]!r}; its columns are: {listed}."
            )
    if wanted is None:
        wanted = [] if text else [c for c in frame.columns if c != label]
    if label in wanted or (text is not None and text in wanted):
        raise BadInput("--features must not include the --label or --text column.")
    if not wanted and text is None:
        raise BadInput(
            f"DATA {data} has no feature columns besides {label!r}; add columns, name them "
            "with --features, or give a text column with --text."
        )
    return wanted


def _reject_for_folder(options: dict[str, Any]) -> None:
    for name in ("label", "features", "text", "image", "image_root", "no_header"):
        if options[name]:
            raise BadInput(
                f"--{name.replace('_', '-')} applies to a table; DATA is an image folder, "
                "whose labels are its subfolder names. Drop it, or pass a table."
            )


def _require_column(frame: pd.DataFrame, data: Path, option: str, name: str) -> None:
    if name not in frame.columns:
        listed = ", ".join(map(str, frame.columns[:15])) + (", ..." if frame.shape[1] > 15 else "")
        raise BadInput(f"{option}: DATA {data} has no column {name!r}; its columns are: {listed}.")


@dataclass(frozen=True, eq=False)
class Loaded:
    """DATA read: the labels, and either a table design or raw examples to embed.

    Attributes
    ----------
    labels : Series
    what : str or None
        How to name the labels in messages (None: the --label column).
    design : Design or None
        The table's model inputs (TF-IDF for text), when nothing is embedded.
    raw : Raw or None
        Images or texts to embed.
    texts : list of str or None
        Text snippets for the report.
    ordered : bool
        Whether the row order is the user's (a table), not one imposed by the reader (an
        image folder is read class by class, so its order says nothing about the data).
    """

    labels: pd.Series
    what: str | None
    design: Design | None
    raw: Raw | None
    texts: list[str] | None
    ordered: bool = True


def _load_folder(data: Path, options: dict[str, Any]) -> Loaded:
    _reject_for_folder(options)
    if options["encoder"] not in (None, IMAGE_ENCODER):
        raise BadInput(
            f"--encoder {options['encoder']} does not embed images; use --encoder "
            f"{IMAGE_ENCODER} (the default for images)."
        )
    paths, names = read_image_folder(data)
    raw = Raw(images=paths, texts=None, encoder=IMAGE_ENCODER, source=f"DATA {data}")
    labels = pd.Series(names, name="folder")
    return Loaded(labels, f"The subfolders of {data}", None, raw, None, ordered=False)


def load(data: Path, options: dict[str, Any]) -> Loaded:
    """Read DATA (an image folder or a table) into labels and model inputs."""
    if data.is_dir():
        return _load_folder(data, options)
    label, text, image, encoder = (options[k] for k in ("label", "text", "image", "encoder"))
    if label is None:
        raise BadInput("--label COLUMN is required when DATA is a table (CSV, TSV or Parquet).")
    if text is not None and image is not None:
        raise BadInput("--text and --image are exclusive; audit one kind of raw data at a time.")
    if options["features"] and (image is not None or encoder not in (None, "tfidf")):
        raise BadInput(
            "--features cannot be combined with embedded raw data (--image, or --text with "
            "a neural --encoder); drop one of them."
        )
    for name, flag in (("image_root", "--image-root"), ("allow_any", "--allow-any-image-path")):
        if options[name] and image is None:
            raise BadInput(f"{flag} applies to --image COLUMN; drop it, or give --image.")
    frame = read_frame(data, option="DATA", header=not options["no_header"])
    if image is not None:
        _require_column(frame, data, "--label", label)
        _require_column(frame, data, "--image", image)
        if encoder not in (None, IMAGE_ENCODER):
            raise BadInput(
                f"--encoder {encoder} does not embed images; use --encoder {IMAGE_ENCODER} "
                "(the default for --image)."
            )
        paths = image_column_paths(frame, image, data, options["image_root"], options["allow_any"])
        raw = Raw(paths, None, IMAGE_ENCODER, source=f"--image {image!r} of {data}")
        return Loaded(frame[label], None, None, raw, None)
    if encoder is not None and text is None:
        raise BadInput("--encoder embeds raw data; give --text COLUMN or --image COLUMN.")
    feature_columns = _columns(frame, data, label, options["features"], text)
    texts = None if text is None else frame[text].fillna("").astype(str).tolist()
    if texts is None or encoder in (None, "tfidf"):
        return Loaded(frame[label], None, design(frame, feature_columns, text), None, texts)
    raw = Raw(None, texts, encoder, source=f"--text {text!r} of {data}")
    return Loaded(frame[label], None, None, raw, texts)
