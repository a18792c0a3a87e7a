"""Shared test fixtures: seeded data factories, the cleanlab oracle and the real data.

Every random input in the suite comes from :func:`random_case` or :func:`make_problem`, both
driven by an integer seed through ``np.random.default_rng``; the global RNG is never used.
Tests reach them through the fixtures of the same name, so a failing case is rebuilt from
its seed alone (``random_case(seed)`` prints how it was made).

The real data are found one way, :func:`shared_data_root` (``$LABELNOISE_DATA``, else
``../shared/data``), through the fixtures ``shared_data``, ``data_file``,
``label_errors_folder`` and ``label_errors_data``; each skips its test when the data are
absent. Plain helpers that modules need at collection time (Hypothesis strategies, method
lists, result checks) are in ``_helpers.py``. The test folders mirror ``src/labelnoise``:
a subpackage's tests are in ``tests/<subpackage>/``, a top-level module's (``_sources.py``,
``_validation.py``, ...) in ``tests/test_<module>*.py``.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import settings

settings.register_profile("labelnoise", max_examples=50, deadline=None, print_blob=True)
# CI gates merges, so there the examples are the same on every run (derandomized); local
# runs keep drawing new ones and so keep finding new failures.
settings.register_profile(
    "labelnoise-ci", max_examples=50, deadline=None, print_blob=True, derandomize=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "labelnoise"))

REPO_ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------------------------
# Seeded data factories
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One labelled problem: given labels, out-of-sample-like probabilities, how it was made."""

    labels: np.ndarray
    pred_probs: np.ndarray
    recipe: str

    @property
    def n(self) -> int:
        return int(self.labels.shape[0])

    @property
    def n_classes(self) -> int:
        return int(self.pred_probs.shape[1])

    def __repr__(self) -> str:
        return f"Case(n={self.n}, K={self.n_classes}, {self.recipe})"


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    expo = np.exp(shifted)
    return expo / expo.sum(axis=1, keepdims=True)


def _flip(rng: np.random.Generator, true: np.ndarray, present: np.ndarray, noise: float):
    """Replace a ``noise`` fraction of labels by another class drawn from ``present``.

    60% of flips follow a class-conditional pattern (each class has one favourite
    replacement), which is what confident learning is built to find; the rest are uniform.
    """
    labels = true.copy()
    if present.size < 2 or noise <= 0:
        return labels
    favourite = rng.permutation(present)
    flip = rng.random(true.shape[0]) < noise
    structured = rng.random(true.shape[0]) < 0.6
    pos = np.searchsorted(np.sort(present), np.clip(true, present.min(), present.max()))
    partner = favourite[pos % present.size]
    random_other = rng.choice(present, size=true.shape[0])
    new = np.where(structured, partner, random_other)
    labels[flip] = new[flip]
    return labels


def realistic(
    rng: np.random.Generator,
    n: int,
    n_classes: int,
    *,
    noise: float,
    present: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Softmax of logits with the true class boosted, then labels flipped at rate ``noise``."""
    present = np.arange(n_classes) if present is None else present
    weights = rng.dirichlet(np.full(n_classes, 2.0))
    true = rng.choice(n_classes, size=n, p=weights)
    logits = rng.normal(0.0, rng.uniform(0.5, 2.0), size=(n, n_classes))
    logits[np.arange(n), true] += rng.uniform(0.5, 5.0)
    pred_probs = softmax(logits * rng.uniform(0.5, 3.0))
    labels = _flip(rng, true, present, noise)
    return labels, pred_probs


def dirichlet(
    rng: np.random.Generator,
    n: int,
    n_classes: int,
    *,
    noise: float,
    present: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Dirichlet rows (concentrated or flat) peaked at the true class; labels flipped."""
    present = np.arange(n_classes) if present is None else present
    true = rng.integers(0, n_classes, size=n)
    alpha = np.full((n, n_classes), rng.choice([0.1, 0.5, 1.0, 3.0]))
    alpha[np.arange(n), true] += rng.uniform(0.0, 8.0)
    draws = rng.gamma(alpha) + 1e-12  # Dirichlet rows, vectorized
    pred_probs = draws / draws.sum(axis=1, keepdims=True)
    return _flip(rng, true, present, noise), pred_probs


def quantize(rng: np.random.Generator, pred_probs: np.ndarray, decimals: int) -> np.ndarray:
    """Rows of multiples of ``10**-decimals`` summing to 1: exact ties everywhere."""
    total = 10**decimals
    safe = np.clip(pred_probs, 0.0, None)
    safe = safe / safe.sum(axis=1, keepdims=True)
    counts = rng.multinomial(total, safe * (1 - 1e-12))
    short = total - counts.sum(axis=1)
    counts[np.arange(counts.shape[0]), safe.argmax(axis=1)] += short
    return counts / total


def _present_classes(rng: np.random.Generator, n_classes: int, missing: bool) -> np.ndarray:
    if not missing or n_classes < 3:
        return np.arange(n_classes)
    n_present = int(rng.integers(2, n_classes))
    return np.sort(rng.choice(n_classes, size=n_present, replace=False))


def _ensure_two_labels(rng: np.random.Generator, labels: np.ndarray, present: np.ndarray):
    """cleanlab refuses labels with a single class; keep at least two."""
    if np.unique(labels).size >= 2:
        return labels
    labels = labels.copy()
    others = present[present != labels[0]]
    labels[int(rng.integers(0, labels.size))] = others[0]
    if np.unique(labels).size < 2:  # n == 1 cannot happen in our factories
        labels[0] = others[0]
    return labels


def _make_tiny(rng: np.random.Generator, labels: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Shrink one or two present classes to 1-2 examples."""
    labels = labels.copy()
    for cls in rng.choice(present, size=min(2, present.size - 1), replace=False):
        keep = int(rng.integers(1, 3))
        rows = np.flatnonzero(labels == cls)
        if rows.size == 0:
            labels[rng.choice(labels.size, size=keep, replace=False)] = cls
            continue
        others = present[present != cls]
        for row in rows[keep:]:
            labels[row] = rng.choice(others)
    return labels


def make_problem(
    seed: int,
    *,
    n: int = 200,
    n_classes: int = 4,
    noise: float = 0.2,
    generator: str = "realistic",
    decimals: int | None = None,
    duplicate_fraction: float = 0.0,
    uniform_fraction: float = 0.0,
    missing_classes: bool = False,
    tiny_classes: bool = False,
    dtype: Any = np.float64,
) -> Case:
    """A labelled problem built from explicit options (see :func:`random_case`)."""
    rng = np.random.default_rng([seed, 20250101])
    present = _present_classes(rng, n_classes, missing_classes)
    make = realistic if generator == "realistic" else dirichlet
    labels, pred_probs = make(rng, n, n_classes, noise=noise, present=present)
    if missing_classes:  # labels avoid the absent classes (their true examples are mislabelled)
        absent = ~np.isin(labels, present)
        labels[absent] = rng.choice(present, size=int(absent.sum()))
    if decimals is not None:
        pred_probs = quantize(rng, pred_probs, decimals)
    if uniform_fraction > 0:
        rows = rng.random(n) < uniform_fraction
        pred_probs[rows] = 1.0 / n_classes
    if duplicate_fraction > 0:
        n_dup = max(1, int(duplicate_fraction * n))
        dst = rng.choice(n, size=n_dup, replace=False)
        src = rng.choice(n, size=n_dup)
        pred_probs[dst] = pred_probs[src]
        same_label = rng.random(n_dup) < 0.5
        labels[dst[same_label]] = labels[src[same_label]]
    if tiny_classes:
        labels = _make_tiny(rng, labels, present)
    labels = _ensure_two_labels(rng, labels, present)
    recipe = (
        f"seed={seed}, gen={generator}, noise={noise}, decimals={decimals}, "
        f"dup={duplicate_fraction}, uniform={uniform_fraction}, missing={missing_classes}, "
        f"tiny={tiny_classes}, dtype={np.dtype(dtype).name}"
    )
    return Case(
        labels=labels.astype(np.int64),
        pred_probs=np.ascontiguousarray(pred_probs, dtype=dtype),
        recipe=recipe,
    )


_SIZES = {"tiny": (5, 31), "small": (31, 301), "medium": (301, 3001)}
_CLASS_COUNTS = (2, 3, 4, 5, 7, 10, 20, 50, 100, 200)
_CLASS_COUNT_WEIGHTS = (0.17, 0.16, 0.11, 0.09, 0.09, 0.14, 0.09, 0.07, 0.04, 0.04)


def random_case(seed: int) -> Case:
    """A problem whose every option (size, K, noise, ties, missing/tiny classes, dtype) is
    drawn from ``seed``: tiny to a few thousand rows, 2 to 200 classes."""
    rng = np.random.default_rng([seed, 7])
    size = rng.choice(["tiny", "small", "medium"], p=[0.35, 0.4, 0.25])
    n = int(rng.integers(*_SIZES[size]))
    n_classes = int(rng.choice(_CLASS_COUNTS, p=_CLASS_COUNT_WEIGHTS))
    if n_classes >= 50:
        n = min(n, 1500)  # keep the oracle quick
    ties = rng.choice(["none", "round1", "round2", "duplicates", "uniform", "mixed"])
    return make_problem(
        seed,
        n=n,
        n_classes=n_classes,
        noise=float(rng.choice([0.0, 0.05, 0.2, 0.4, 0.6])),
        generator=str(rng.choice(["realistic", "dirichlet"], p=[0.7, 0.3])),
        decimals={"round1": 1, "round2": 2, "mixed": 2}.get(str(ties)),
        duplicate_fraction=0.2 if ties in ("duplicates", "mixed") else 0.0,
        uniform_fraction=0.1 if ties in ("uniform", "mixed") else 0.0,
        missing_classes=bool(rng.random() < 0.25),
        tiny_classes=bool(rng.random() < 0.25),
        dtype=np.float32 if rng.random() < 0.35 else np.float64,
    )


@pytest.fixture(scope="session")
def make_case():
    """``make_case(seed) -> Case``: a random problem drawn from the seed."""
    return random_case


@pytest.fixture(scope="session")
def problem():
    """``problem(seed, **options) -> Case``: a problem with chosen options."""
    return make_problem


@pytest.fixture(scope="session")
def contract_case() -> Case:
    """The contract tests' problem: 300 rows, 4 classes, 30% of the labels flipped."""
    return make_problem(3, n=300, n_classes=4, noise=0.3)


# --------------------------------------------------------------------------------------------
# The reference implementation (cleanlab 2.9.0), used as an oracle only
# --------------------------------------------------------------------------------------------


class CleanlabOracle:
    """cleanlab's answers for the same questions; single process, warnings silenced."""

    def __init__(self) -> None:
        from cleanlab import count, filter, rank

        self._count, self._filter, self._rank = count, filter, rank

    def find_label_issues(self, labels, pred_probs, method, *, rank_by=None, **options):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self._filter.find_label_issues(
                labels,
                pred_probs,
                filter_by=method,
                return_indices_ranked_by=rank_by,
                n_jobs=1,
                **options,
            )

    def order_label_issues(self, mask, labels, pred_probs, rank_by):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self._rank.order_label_issues(mask, labels, pred_probs, rank_by=rank_by)

    def label_quality_scores(self, labels, pred_probs, method, adjust_pred_probs=False):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self._rank.get_label_quality_scores(
                labels, pred_probs, method=method, adjust_pred_probs=adjust_pred_probs
            )

    def estimate_noise(self, labels, pred_probs, *, calibrate: bool = True) -> dict[str, Any]:
        """The matrix fields of ``labelnoise.NoiseEstimate``, computed by cleanlab."""
        count = self._count
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            prior, noise, inverse, confident_joint = (
                count.estimate_py_and_noise_matrices_from_probabilities(
                    labels, pred_probs, calibrate=calibrate
                )
            )
            # estimate_joint calibrates when given labels; without them it only normalizes
            joint = count.estimate_joint(
                labels if calibrate else None, pred_probs, confident_joint=confident_joint
            )
            return {
                "confident_joint": confident_joint,
                "joint": joint,
                "noise_matrix": noise,
                "inverse_noise_matrix": inverse,
                "prior": prior,
                "thresholds": count.get_confident_thresholds(labels, pred_probs),
            }

    def calibration_depends_on_layout(self, labels, pred_probs) -> bool:
        """Whether cleanlab's calibrated confident joint changes when its raw confident joint
        (a transposed, Fortran-ordered confusion matrix) is made C-ordered first: the total
        is summed in another order, which can move a rounding tie."""
        count = self._count
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            raw = count.compute_confident_joint(labels, pred_probs, calibrate=False)
            as_is = count.calibrate_confident_joint(raw, labels)
            c_order = count.calibrate_confident_joint(np.ascontiguousarray(raw), labels)
        return not np.array_equal(as_is, c_order)

    def num_label_issues(self, labels, pred_probs) -> dict[str, int]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return {
                method: int(
                    self._count.num_label_issues(labels, pred_probs, estimation_method=method)
                )
                for method in ("off_diagonal", "off_diagonal_calibrated")
            }


@pytest.fixture(scope="session")
def oracle() -> CleanlabOracle:
    pytest.importorskip("cleanlab")
    return CleanlabOracle()


# --------------------------------------------------------------------------------------------
# Real data
# --------------------------------------------------------------------------------------------


def shared_data_root() -> Path:
    """The shared data folder: ``$LABELNOISE_DATA`` if set, else ``../shared/data`` beside
    the repository (whether or not it exists)."""
    env = os.environ.get("LABELNOISE_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


def find_label_errors_folder() -> Path | None:
    """``label-errors/`` of the shared data folder (or that folder itself, when
    ``$LABELNOISE_DATA`` names it); None when it holds no label-errors data."""
    root = shared_data_root()
    for folder in (root / "label-errors", root):
        if (folder / "cifar10_test_labels.npy").is_file():
            return folder
    return None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared data folder (:func:`shared_data_root`); skips the test when it is missing."""
    root = shared_data_root()
    if not root.is_dir():
        pytest.skip(f"real data folder {root} not found (set LABELNOISE_DATA)")
    return root


@pytest.fixture(scope="session")
def data_file(shared_data):
    """``data_file("cifar-10n/cifar10n_labels.npz")``: the path, or skip when it is missing."""

    def find(relative: str) -> Path:
        path = shared_data / relative
        if not path.exists():
            pytest.skip(f"{path} not found (set LABELNOISE_DATA)")
        return path

    return find


@pytest.fixture(scope="session")
def label_errors_folder() -> Path:
    folder = find_label_errors_folder()
    if folder is None:
        pytest.skip(
            "real data not found: set LABELNOISE_DATA to the shared data folder or place "
            "label-errors/ at ../shared/data relative to the repository root"
        )
    return folder


@pytest.fixture(scope="session")
def label_errors_data(label_errors_folder):
    """``label_errors_data("cifar10") -> (labels, pred_probs)``: a test set of the real
    label-errors data (``mnist`` or ``cifar10``), as stored."""

    def load(name: str) -> tuple[np.ndarray, np.ndarray]:
        labels = np.load(label_errors_folder / f"{name}_test_labels.npy")
        pred_probs = np.load(label_errors_folder / f"{name}_test_pred_probs.npy")
        return labels, pred_probs

    return load


@pytest.fixture(scope="module", params=("mnist", "cifar10"))
def label_errors_dataset(request, label_errors_data):
    """``(name, labels, pred_probs)`` for each test set of the real label-errors data."""
    return request.param, *label_errors_data(request.param)


#: The IDX files of Fashion-MNIST (each may be gzipped), as scripts/install-fashion-mnist.sh
#: checks them.
_FASHION_MNIST_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def require_fashion_mnist(folder: Path) -> Path:
    """``folder`` when it holds Fashion-MNIST; else skip the test, or fail it under CI.

    ``make test`` installs it (``make data``); on CI (``CI=true``) a missing copy means the
    install step broke, and a silent skip would hide it.
    """
    missing = [
        stem
        for stem in _FASHION_MNIST_FILES
        if not any((folder / name).is_file() for name in (f"{stem}.gz", stem))
    ]
    if missing:
        reason = (
            f"Fashion-MNIST not found in {folder} (missing {', '.join(missing)}): run "
            "`make data` (or apt-get install -y dataset-fashion-mnist)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return folder


@pytest.fixture(scope="session")
def fashion_mnist_check():
    """:func:`require_fashion_mnist`, for tests of the skip itself."""
    return require_fashion_mnist


@pytest.fixture(scope="session")
def debian_fashion_mnist() -> Path:
    """The Debian package's Fashion-MNIST folder: skips when missing, fails under CI."""
    from labelnoise.datasets import DEBIAN_FASHION_MNIST

    return require_fashion_mnist(Path(DEBIAN_FASHION_MNIST))


# --------------------------------------------------------------------------------------------
# A fake copy of the shared data folder: every CIFAR-10 file the benchmarks read, of the
# real shapes, with random content (for the bench and train_heads tests when CI has no data).

FAKE_N_TRAIN, FAKE_N_TEST, FAKE_K, FAKE_DIM = 50_000, 10_000, 10, 6
#: Noise rates of the fake CIFAR-10N label sets.
FAKE_RATES = {
    "aggre_label": 0.1,
    "random_label1": 0.2,
    "random_label2": 0.2,
    "random_label3": 0.2,
    "worse_label": 0.4,
}


def _fake_features(rng: np.random.Generator, labels: np.ndarray) -> np.ndarray:
    """Class centres plus noise: separable enough for a model to learn, float16 like the
    real files."""
    centres = rng.normal(0.0, 2.0, size=(FAKE_K, FAKE_DIM))
    return (centres[labels] + rng.normal(size=(labels.shape[0], FAKE_DIM))).astype(np.float16)


def _fake_flip(rng: np.random.Generator, clean: np.ndarray, rate: float) -> np.ndarray:
    labels = clean.copy()
    rows = rng.random(clean.shape[0]) < rate
    labels[rows] = (clean[rows] + rng.integers(1, FAKE_K, int(rows.sum()))) % FAKE_K
    return labels.astype(np.int8)


def _fake_probs(rng: np.random.Generator, labels: np.ndarray, dtype) -> np.ndarray:
    logits = rng.normal(size=(labels.shape[0], FAKE_K))
    logits[np.arange(labels.shape[0]), labels] += 3.0
    probs = np.exp(logits)
    return (probs / probs.sum(axis=1, keepdims=True)).astype(dtype)


def make_fake_data(root: Path, seed: int = 0) -> Path:
    """A folder with every file the CIFAR-10 benchmark datasets and fixed models read,
    of the real shapes (random content, 6-dimensional embeddings)."""
    rng = np.random.default_rng(seed)
    clean = rng.integers(0, FAKE_K, FAKE_N_TRAIN).astype(np.int8)
    for name in ("cifar-10n", "cifar10-embeddings", "cifar-10h", "cifar-10n-resnet18"):
        (root / name).mkdir(parents=True, exist_ok=True)
    sets = {key: _fake_flip(rng, clean, rate) for key, rate in FAKE_RATES.items()}
    np.savez(root / "cifar-10n" / "cifar10n_labels.npz", clean_label=clean, **sets)
    np.save(root / "cifar10-embeddings" / "train.npy", _fake_features(rng, clean))
    majority = rng.integers(0, FAKE_K, FAKE_N_TEST)
    counts = rng.multinomial(10, np.full(FAKE_K, 1 / FAKE_K), size=FAKE_N_TEST)
    counts[np.arange(FAKE_N_TEST), majority] += 40  # a clear majority on every image
    np.save(root / "cifar-10h" / "cifar10h-counts.npy", counts.astype(np.int64))
    np.save(root / "cifar-10h" / "cifar10h-probs.npy", counts / counts.sum(axis=1, keepdims=True))
    np.save(root / "cifar10-embeddings" / "test.npy", _fake_features(rng, majority))
    for source, key in (("aggre", "aggre_label"), ("worst", "worse_label")):
        file = root / "cifar-10n-resnet18" / f"{source}_pred_probs.npy"
        np.save(file, _fake_probs(rng, sets[key], np.float32))
    errors = root / "label-errors"
    errors.mkdir(exist_ok=True)
    np.save(errors / "cifar10_test_labels.npy", majority.astype(np.uint16))
    np.save(errors / "cifar10_test_pred_probs.npy", _fake_probs(rng, majority, np.float64))
    (errors / "cifar10_mturk.json").write_text(json.dumps([]))
    return root


@pytest.fixture(scope="session")
def fake_data(tmp_path_factory) -> Path:
    """The fake data folder (built once per session)."""
    return make_fake_data(tmp_path_factory.mktemp("fake-shared-data"))
