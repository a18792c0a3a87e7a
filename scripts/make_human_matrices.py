"""Regenerate the counts in ``src/labelnoise/simulate/_human_matrices.py`` from CIFAR-10N.

Usage::

    python scripts/make_human_matrices.py [DATA_DIR]

``DATA_DIR`` holds ``cifar-10n/cifar10n_labels.npz`` (default: ``$LABELNOISE_DATA`` or
``../shared/data``). The counts are ``clean_label`` (rows) against each noisy label set
(columns). The module's docstring, source and license above ``COUNTS`` are kept as they
are. ``tests/simulate/test_simulate_human.py`` checks the shipped tables against them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "labelnoise" / "simulate" / "_human_matrices.py"
KEYS = {
    "cifar10n_aggregate": "aggre_label",
    "cifar10n_random1": "random_label1",
    "cifar10n_random2": "random_label2",
    "cifar10n_random3": "random_label3",
    "cifar10n_worst": "worse_label",
}


def human_counts(npz_path: Path) -> dict[str, np.ndarray]:
    """The (10, 10) clean-vs-noisy count matrix of each CIFAR-10N label set."""
    with np.load(npz_path) as data:
        clean = data["clean_label"].astype(np.intp)
        return {
            name: np.bincount(clean * 10 + data[key].astype(np.intp), minlength=100).reshape(10, 10)
            for name, key in KEYS.items()
        }


def header() -> str:
    """The tables module up to ``COUNTS``: its docstring, imports, source and license."""
    text = TARGET.read_text()
    return text[: text.index("COUNTS = ")]


def render(counts: dict[str, np.ndarray]) -> str:
    """Python source of the tables module."""
    lines = [header() + "COUNTS = MappingProxyType(", "    {"]
    for name, matrix in counts.items():
        lines.append(f'        "{name}": (')
        lines.extend(f"            ({', '.join(str(int(v)) for v in row)})," for row in matrix)
        lines.append("        ),")
    lines += ["    }", ")", ""]
    return "\n".join(lines)


def main() -> None:
    default = os.environ.get("LABELNOISE_DATA", str(ROOT.parent / "shared" / "data"))
    data_dir = Path(sys.argv[1] if len(sys.argv) > 1 else default)
    TARGET.write_text(render(human_counts(data_dir / "cifar-10n" / "cifar10n_labels.npz")))
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
