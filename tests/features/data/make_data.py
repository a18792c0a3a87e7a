"""Write the small test data of tests/features/data (run from the repository root).

    python tests/features/data/make_data.py

- ``shapes/<class>/<kind>-<i>.png``: 32x32 RGB pictures of three kinds (a disc, stripes,
  a checkerboard), 12 per kind; the first picture of each kind is filed under the next
  class (3 wrong labels, listed in ``shapes_swapped.csv`` with their true class).
- ``texts.csv``: 80 short sentences about sport or food with a ``topic`` label, 10%
  flipped (``flipped`` column).

Seeded, so a rerun writes the same pixels; PNG keeps them exact.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent

#: Classes of the generated pictures: what each looks like to an ImageNet network differs.
SHAPES = ("disc", "stripes", "checker")


def picture(kind: str, rng: np.random.Generator, size: int = 32) -> np.ndarray:
    """One uint8 RGB picture of a kind: a disc, horizontal stripes or a checkerboard."""
    yy, xx = np.mgrid[0:size, 0:size]
    colour = rng.integers(60, 256, size=3)
    background = rng.integers(0, 50, size=3)
    if kind == "disc":
        centre = rng.uniform(size * 0.35, size * 0.65, size=2)
        radius = rng.uniform(size * 0.2, size * 0.35)
        mask = (yy - centre[0]) ** 2 + (xx - centre[1]) ** 2 < radius**2
    elif kind == "stripes":
        period = int(rng.integers(4, 8))
        mask = (yy // (period // 2)) % 2 == 0
    else:
        cell = int(rng.integers(3, 6))
        mask = ((yy // cell) + (xx // cell)) % 2 == 0
    pixels = np.where(mask[:, :, None], colour, background).astype(np.float64)
    pixels += rng.normal(0, 8, size=pixels.shape)
    return np.clip(pixels, 0, 255).astype(np.uint8)


def write_folder(root: Path, per_class: int, swaps: int, seed: int) -> dict[str, str]:
    """A one-subfolder-per-class PNG folder; ``swaps`` pictures filed under a wrong class.

    Returns the relative path of every swapped picture mapped to its true class.
    """
    from PIL import Image

    rng = np.random.default_rng(seed)
    swapped = {}
    for c, kind in enumerate(SHAPES):
        for i in range(per_class):
            folder = SHAPES[(c + 1) % len(SHAPES)] if i < swaps else kind
            path = root / folder / f"{kind}-{i:03d}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(picture(kind, rng)).save(path)
            if i < swaps:
                swapped[str(path.relative_to(root))] = kind
    return swapped


WORDS = {
    "sport": ["match", "goal", "team", "score", "league", "coach", "player", "win"],
    "food": ["recipe", "bake", "flavour", "dinner", "sauce", "cook", "taste", "kitchen"],
}


def sentences(n: int, seed: int, flip: float = 0.1) -> tuple[list[str], list[str], np.ndarray]:
    """Short sentences about sport or food; ``flip`` of the labels swapped."""
    rng = np.random.default_rng(seed)
    true = rng.choice(list(WORDS), n)
    texts = [f"The {' '.join(rng.choice(WORDS[t], 3))} was great today." for t in true]
    flipped = rng.random(n) < flip
    given = np.where(flipped, np.where(true == "sport", "food", "sport"), true)
    return texts, given.tolist(), flipped


def main() -> None:
    rng = np.random.default_rng(0)
    rows = []
    for c, kind in enumerate(SHAPES):
        for i in range(12):
            folder = SHAPES[(c + 1) % len(SHAPES)] if i == 0 else kind
            path = HERE / "shapes" / folder / f"{kind}-{i:02d}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(picture(kind, rng)).save(path, optimize=True)
            if i == 0:
                rows.append((path.relative_to(HERE / "shapes").as_posix(), kind))
    with open(HERE / "shapes_swapped.csv", "w", newline="") as handle:
        csv.writer(handle).writerows([("image", "true_class"), *rows])
    texts, topics, flipped = sentences(80, seed=0)
    with open(HERE / "texts.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("text", "topic", "flipped"))
        writer.writerows(zip(texts, topics, flipped.astype(int).tolist(), strict=True))


if __name__ == "__main__":
    main()
