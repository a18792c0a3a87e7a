"""The bundled demo: real label errors in the CIFAR-10 and MNIST test sets.

:func:`load_label_errors` reads the pred_probs, labels and human (Mechanical Turk) review
bundled with the package (Northcutt, Athalye, Mueller, NeurIPS 2021; Apache-2.0), and
:func:`review_flagged` scores a set of flagged rows against that review. Only rows that
some detector flagged were shown to workers, so the review measures precision among
reviewed rows and a *relative* recall, never absolute recall.
"""

from labelnoise.demo._data import DATASETS, DemoName, LabelErrorsData, load_label_errors
from labelnoise.demo._review import HumanReview, review_flagged

__all__ = [
    "DATASETS",
    "DemoName",
    "HumanReview",
    "LabelErrorsData",
    "load_label_errors",
    "review_flagged",
]
