"""Offline datasets for label-noise work: nothing is downloaded, nothing cached.

Every loader reads files from a path the caller gives (scikit-learn's bundled sets need
none) and returns a frozen dataclass with read-only arrays::

    load_sklearn("digits")                               Dataset (X, y, classes)
    load_fashion_mnist(split="test")                     Dataset, Debian dataset-fashion-mnist
    load_cifar10(zip, labels=clean, split="train")       Dataset of uint8 images, original order
    load_cifar10n(folder) / load_cifar100n(folder)       HumanLabels (clean + human labels)
    load_cifar10h(folder)                                SoftLabels (annotator shares, counts)
    load_cifar10_embeddings(folder, labels=clean)        Dataset of pretrained features
    load_label_errors(folder, dataset="cifar10")         LabelErrors (pred_probs, verified)
    load_cifar10n_annotations(folder)                    CrowdLabels (150,000 labels, worker ids)
    load_yeast()                                         MultilabelDataset, Debian r-cran-mlr

Each result carries ``source`` with the citation and license of its data: CIFAR-10N/100N
are CC BY-NC 4.0 and CIFAR-10H CC BY-NC-SA 4.0 (non-commercial).
"""

from labelnoise.datasets._annotations import CrowdLabels, load_cifar10n_annotations
from labelnoise.datasets._cifar10 import load_cifar10
from labelnoise.datasets._classes import (
    CIFAR10_CLASSES,
    CIFAR100_CLASSES,
    CIFAR100_COARSE_CLASSES,
    FASHION_MNIST_CLASSES,
    MNIST_CLASSES,
)
from labelnoise.datasets._embeddings import load_cifar10_embeddings
from labelnoise.datasets._fashion import DEBIAN_FASHION_MNIST, load_fashion_mnist
from labelnoise.datasets._labels import (
    load_cifar10h,
    load_cifar10n,
    load_cifar100n,
    load_label_errors,
)
from labelnoise.datasets._result import (
    VOTE_COLUMNS,
    Dataset,
    HumanLabels,
    LabelErrors,
    MultilabelDataset,
    SoftLabels,
)
from labelnoise.datasets._sklearn import SklearnName, load_sklearn
from labelnoise.datasets._yeast import DEBIAN_MLR_DATA, load_yeast

__all__ = [
    "CIFAR10_CLASSES",
    "CIFAR100_CLASSES",
    "CIFAR100_COARSE_CLASSES",
    "DEBIAN_FASHION_MNIST",
    "DEBIAN_MLR_DATA",
    "FASHION_MNIST_CLASSES",
    "MNIST_CLASSES",
    "VOTE_COLUMNS",
    "CrowdLabels",
    "Dataset",
    "HumanLabels",
    "LabelErrors",
    "MultilabelDataset",
    "SklearnName",
    "SoftLabels",
    "load_cifar10",
    "load_cifar10_embeddings",
    "load_cifar10h",
    "load_cifar10n",
    "load_cifar10n_annotations",
    "load_cifar100n",
    "load_fashion_mnist",
    "load_label_errors",
    "load_sklearn",
    "load_yeast",
]
