"""Build the demo data bundled in ``src/labelnoise/data/`` from the label-errors release.

Reads ``{cifar10,mnist}_test_pred_probs.npy``, ``*_test_labels.npy`` and ``*_mturk.json``
from a copy of cleanlab/label-errors (Apache-2.0; default ``../shared/data/label-errors``)
and writes one compressed ``label_errors_<name>.npz`` per dataset. Probabilities stay
float64, so results on the bundled copy match the originals exactly.

Usage::

    python scripts/build_demo_data.py [SOURCE_DIR]
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "label-errors"
TARGET = ROOT / "src" / "labelnoise" / "data"
CLASSES = {
    "cifar10": [
        "airplane",
        "automobile",
        "bird",
        "cat",
        "deer",
        "dog",
        "frog",
        "horse",
        "ship",
        "truck",
    ],
    "mnist": [str(d) for d in range(10)],
}
VOTE_KEYS = ("given", "guessed", "neither", "both")


def build(name: str, source: Path) -> Path:
    """Write ``label_errors_<name>.npz`` and return its path."""
    pred_probs = np.load(source / f"{name}_test_pred_probs.npy")
    labels = np.load(source / f"{name}_test_labels.npy")
    records = json.loads((source / f"{name}_mturk.json").read_text())
    out = TARGET / f"label_errors_{name}.npz"
    np.savez_compressed(
        out,
        pred_probs=pred_probs.astype(np.float64, copy=False),
        labels=labels.astype(np.int16),
        classes=np.array(CLASSES[name]),
        review_ids=np.array([r["id"] for r in records], dtype=np.int32),
        review_guessed=np.array([r["our_guessed_label"] for r in records], dtype=np.int16),
        review_votes=np.array(
            [[r["mturk"].get(k, 0) for k in VOTE_KEYS] for r in records], np.int8
        ),
    )
    return out


def main(argv: list[str]) -> None:
    """Build both files and copy the license next to them."""
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    TARGET.mkdir(parents=True, exist_ok=True)
    for name in CLASSES:
        path = build(name, source)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")
    shutil.copyfile(source / "LICENSE", TARGET / "LICENSE-label-errors")


if __name__ == "__main__":
    main(sys.argv[1:])
