"""The bundled demo: real label errors in the CIFAR-10 and MNIST test sets.

:func:`load_bundled_label_errors` reads the pred_probs, labels and human (Mechanical Turk) review
bundled with the package (Northcutt, Athalye, Mueller, NeurIPS 2021; Apache-2.0), and
:func:`labelnoise.bench.audit_flags` scores a detector's flags against that review. Only rows that
some detector flagged were shown to workers, so the review measures precision among
reviewed rows and a *relative* recall, never absolute recall. :func:`load_thumbnails` reads
the pictures of the CIFAR-10 test rows that the demo flags, so its report can show them.
"""

from labelnoise.demo._data import DATASETS, DemoName, load_bundled_label_errors
from labelnoise.demo._images import Thumbnails, load_thumbnails
from labelnoise.demo._review import review_notes

__all__ = [
    "DATASETS",
    "DemoName",
    "Thumbnails",
    "load_bundled_label_errors",
    "load_thumbnails",
    "review_notes",
]
