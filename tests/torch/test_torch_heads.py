"""NoisyHeadClassifier: contract, a hand-written reference loop, properties and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.utils.estimator_checks import parametrize_with_checks

torch = pytest.importorskip("torch")

from labelnoise._errors import InputError  # noqa: E402
from labelnoise.learn import CleanClassifier  # noqa: E402
from labelnoise.torch import NoisyHeadClassifier, SpectralTruncation  # noqa: E402
from labelnoise.torch._heads import HEAD_LOSSES  # noqa: E402

#: Checks a small neural head cannot pass, and why.
EXPECTED_FAILED_CHECKS = {
    "check_sample_weight_equivalence_on_dense_data": (
        "integer weights are not row repetition under minibatch SGD: batches differ"
    ),
}

FAST = {"epochs": 4, "batch_size": 64, "lr": 0.1}


def _problem(seed: int, *, n: int = 400, d: int = 6, k: int = 3, noise: float = 0.2):
    """Gaussian blobs (well separated), clean and symmetric-noisy labels, seeded."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=4.0, size=(k, d))
    y = rng.integers(0, k, n)
    X = centers[y] + rng.normal(size=(n, d))
    flip = rng.random(n) < noise
    noisy = np.where(flip, (y + rng.integers(1, k, n)) % k, y)
    return X, y, noisy


def _t(k: int = 3, rate: float = 0.2) -> np.ndarray:
    return np.full((k, k), rate / (k - 1)) + np.eye(k) * (1 - rate - rate / (k - 1))


# --------------------------------------------------------------------------------------------
# Contract: every loss and strategy learns through noise; scikit-learn conventions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", list(HEAD_LOSSES))
@pytest.mark.parametrize("hidden", [0, 16])
def test_every_loss_learns_through_noise(loss, hidden):
    X, y, noisy = _problem(0)
    t = _t() if loss in ("forward", "backward") else None
    clf = NoisyHeadClassifier(loss=loss, hidden=hidden, transition_matrix=t, random_state=0, **FAST)
    clf.fit(X, noisy)
    assert clf.score(X, y) > 0.9
    proba = clf.predict_proba(X)
    assert proba.shape == (400, 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert clf.n_features_in_ == 6 and list(clf.classes_) == [0, 1, 2]


@pytest.mark.parametrize("strategy", ["small_loss", "coteaching"])
def test_selection_strategies_learn_and_keep_one_head(strategy):
    X, y, noisy = _problem(1)
    clf = NoisyHeadClassifier(strategy=strategy, forget_rate=0.2, random_state=0, **FAST)
    clf.fit(X, noisy)
    assert clf.score(X, y) > 0.9
    assert isinstance(clf.model_, torch.nn.Sequential) and not clf.model_.training


def test_weight_noise_is_removed_after_fit():
    X, y, noisy = _problem(2)
    clf = NoisyHeadClassifier(variability=0.05, random_state=0, **FAST).fit(X, noisy)
    first = clf.predict_proba(X)
    assert np.array_equal(first, clf.predict_proba(X))  # no noise left in the weights
    assert clf.score(X, y) > 0.9


def test_labels_of_any_kind_and_clean_classifier_reweight():
    X, y, noisy = _problem(3)
    names = np.array(["cat", "dog", "emu"])[noisy]
    clf = NoisyHeadClassifier(random_state=0, **FAST).fit(X, names)
    assert set(clf.predict(X)) <= {"cat", "dog", "emu"}
    wrapped = CleanClassifier(
        NoisyHeadClassifier(random_state=0, **FAST), handling="reweight", max_iter=1, cv=2,
        random_state=0,
    ).fit(X, noisy)  # fmt: skip
    assert wrapped.score(X, y) > 0.9


def test_epoch_is_chosen_on_held_out_noisy_labels():
    X, _, noisy = _problem(4)
    clf = NoisyHeadClassifier(random_state=0, validation_fraction=0.25, **FAST).fit(X, noisy)
    assert clf.validation_indices_.shape == (100,)
    assert clf.validation_scores_.shape == (FAST["epochs"],)
    assert clf.best_epoch_ == 1 + int(np.argmax(clf.validation_scores_))
    none = NoisyHeadClassifier(random_state=0, validation_fraction=0.0, **FAST).fit(X, noisy)
    assert none.validation_scores_.size == 0 and none.best_epoch_ == FAST["epochs"]


def test_penultimate_features_feed_spectral_truncation():
    X, y, noisy = _problem(5)
    clf = NoisyHeadClassifier(hidden=16, random_state=0, **FAST).fit(X, noisy)
    feats = clf.penultimate_features(X)
    assert feats.shape == (400, 16)
    with torch.no_grad():
        logits = clf.model_[-1](feats)
    assert np.allclose(torch.softmax(logits.double(), 1).numpy(), clf.predict_proba(X))
    trunc = SpectralTruncation(8, center=True).fit(feats)
    with torch.no_grad():
        pred = clf.model_[-1](trunc.transform(feats)).argmax(1).numpy()
    assert np.mean(pred == y) > 0.85


# --------------------------------------------------------------------------------------------
# Comparison with a slow, obvious loop (same seeds, same batches)
# --------------------------------------------------------------------------------------------


def _reference(X, y, *, epochs, batch, lr, wd, seed, k):
    """Linear CE head by hand: standardize, init from the seed stream, AdamW, cosine."""
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(int(rng.integers(2**62)))
    mean, sd = X.mean(0), X.std(0)
    x = torch.from_numpy(((X - mean) / sd).astype(np.float32))
    bound = 1 / math.sqrt(X.shape[1])
    w = torch.empty(k, X.shape[1]).uniform_(-bound, bound, generator=gen).requires_grad_()
    b = torch.empty(k).uniform_(-bound, bound, generator=gen).requires_grad_()
    opt = torch.optim.AdamW([w, b], lr=lr, weight_decay=wd)
    n, total, steps = len(y), epochs * math.ceil(len(y) / batch), 0
    for _ in range(epochs):
        perm = torch.randperm(n, generator=gen)
        for start in range(0, n, batch):
            idx = perm[start : start + batch]
            losses = [-torch.log_softmax(x[i] @ w.T + b, dim=0)[int(y[i])] for i in idx.tolist()]
            loss = torch.stack(losses).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            steps += 1
            for group in opt.param_groups:
                group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * min(steps, total) / total))
    with torch.no_grad():
        return torch.softmax((x @ w.T + b).double(), dim=1).numpy()


@pytest.mark.parametrize("seed", range(4))
def test_linear_ce_matches_a_hand_written_loop(seed):
    X, _, noisy = _problem(seed, n=90, d=4)
    opts = {"epochs": 3, "batch_size": 32, "lr": 0.05, "weight_decay": 1e-3}
    clf = NoisyHeadClassifier(validation_fraction=0.0, random_state=seed, **opts)
    ours = clf.fit(X, noisy).predict_proba(X)
    ref = _reference(
        X, noisy, epochs=3, batch=32, lr=0.05, wd=1e-3, seed=seed, k=3
    )  # fmt: skip
    np.testing.assert_allclose(ours, ref, atol=1e-5)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), shift=st.integers(-5, 5), scale=st.integers(1, 4))
def test_determinism_and_relabelling_invariance(seed, shift, scale):
    """Same seed, same fit; class names through an increasing map change nothing."""
    X, _, noisy = _problem(seed, n=60, d=3)
    make = lambda: NoisyHeadClassifier(epochs=2, batch_size=16, random_state=seed)  # noqa: E731
    a = make().fit(X, noisy)
    b = make().fit(X, noisy * scale + shift)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.predict(X) * scale + shift, b.predict(X))
    proba = a.predict_proba(X)
    assert np.all((proba >= 0) & (proba <= 1))


def test_inputs_are_not_modified_and_weights_of_two_equal_none():
    X, _, noisy = _problem(6, n=80)
    X0, y0 = X.copy(), noisy.copy()
    plain = NoisyHeadClassifier(random_state=1, **FAST).fit(X, noisy)
    doubled = NoisyHeadClassifier(random_state=1, **FAST).fit(X, noisy, np.full(80, 2.0))
    np.testing.assert_allclose(plain.predict_proba(X), doubled.predict_proba(X), atol=1e-5)
    assert np.array_equal(X, X0) and np.array_equal(noisy, y0)


# --------------------------------------------------------------------------------------------
# Errors: one per message
# --------------------------------------------------------------------------------------------

X_SMALL, _, Y_SMALL = _problem(7, n=30, d=3)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"loss": "mse"}, r"The 'loss' parameter of NoisyHeadClassifier must be one of"),
        ({"strategy": "x"}, r"The 'strategy' parameter of NoisyHeadClassifier must be one of"),
        ({"hidden": -1}, r"The 'hidden' parameter of NoisyHeadClassifier must be an int >= 0"),
        ({"epochs": 0}, r"The 'epochs' parameter .* must be an int >= 1"),
        ({"lr": 0.0}, r"The 'lr' parameter of NoisyHeadClassifier must be a float in \(0, inf\]"),
        ({"validation_fraction": 1.0}, r"'validation_fraction' .* float in \[0, 1\)"),
        ({"strategy": "small_loss"}, r"needs forget_rate, .*estimate_noise"),
        ({"strategy": "coteaching", "forget_rate": 0.2, "loss": "elr"}, r"use loss other than"),
        ({"loss": "forward"}, r"needs transition_matrix T\[i, j\] = P\(noisy = j \| true = i\)"),
        ({"loss": "backward", "transition_matrix": np.eye(4)}, r"4x4 transition_matrix but y"),
        ({"validation_fraction": 0.99}, r"leaves none to train on; lower validation_fraction"),
    ],
)
def test_bad_options_name_the_fix(params, match):
    with pytest.raises(InputError, match=match):
        NoisyHeadClassifier(**params).fit(X_SMALL, Y_SMALL)


def test_bad_sample_weight_names_the_fix():
    with pytest.raises(
        InputError, match=r"expects 30 finite, non-negative sample weights, not all zero"
    ):
        NoisyHeadClassifier().fit(X_SMALL, Y_SMALL, sample_weight=-np.ones(30))
    clf = NoisyHeadClassifier(strategy="coteaching", forget_rate=0.1)
    with pytest.raises(InputError, match=r"strategy='coteaching' does not take sample_weight"):
        clf.fit(X_SMALL, Y_SMALL, sample_weight=np.ones(30))


@pytest.mark.slow  # about 45 s of CPU: three checks train to an accuracy bar
@parametrize_with_checks(
    [NoisyHeadClassifier(epochs=8, batch_size=16, lr=0.05, random_state=0)],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_contract(estimator, check):
    check(estimator)
