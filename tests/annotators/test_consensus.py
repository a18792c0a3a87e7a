"""Contract, reference and property tests of ``labelnoise.annotators.consensus``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelnoise import InputError
from labelnoise.annotators import METHODS, Consensus, consensus

MODEL_FREE = [m for m, needs_model in METHODS.items() if not needs_model]


def _args(crowd, method):
    return (crowd.table, crowd.pred_probs) if METHODS[method] else (crowd.table,)


# ------------------------------------------------------------------ contract


@pytest.mark.parametrize("method", list(METHODS))
def test_contract(crowd, method):
    result = consensus(*_args(crowd, method), method=method)
    n, k, m = crowd.truth.size, 4, crowd.table["annotator"].nunique()
    assert isinstance(result, Consensus) and result.method == method and len(result) == n
    assert result.labels.shape == result.quality.shape == result.agreement.shape == (n,)
    assert result.posterior.shape == (n, k) and result.confusion.shape == (m, k, k)
    np.testing.assert_allclose(result.posterior.sum(axis=1), 1.0)
    np.testing.assert_allclose(result.confusion.sum(axis=2), 1.0)
    assert np.all((result.quality >= 0) & (result.quality <= 1))
    # Dawid-Skene may pick a class nobody gave, when it is a known confusion of what was given
    assert np.all((result.agreement >= 0) & (result.agreement <= 1))
    assert method != "majority" or result.agreement.min() > 0
    assert np.all((result.relabel_priority >= 0) & (result.relabel_priority <= 1))
    assert list(result.annotators.columns) == ["annotator", "n_labels", "quality", "agreement"]
    assert result.annotators["n_labels"].sum() == len(crowd.table)
    for name in ("labels", "quality", "agreement", "posterior", "relabel_priority", "confusion"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(result, name)[0] = 0
    assert np.mean(result.labels == crowd.truth) > 0.7
    frame = result.to_frame()
    assert list(frame.columns)[:2] == ["example", "consensus_label"] and len(frame) == n
    assert "Consensus(" in repr(result)


def test_auto_picks_model_with_pred_probs(crowd):
    assert consensus(crowd.table).method == "dawid_skene"
    assert consensus(crowd.table, crowd.pred_probs).method == "model"


def test_model_beats_annotators_alone(crowd):
    model = consensus(crowd.table, crowd.pred_probs)
    alone = consensus(crowd.table, method="majority")
    assert np.mean(model.labels == crowd.truth) > np.mean(alone.labels == crowd.truth)
    assert 0 < model.model_weight < 4


def test_dawid_skene_ranks_annotators_by_skill(crowd):
    result = consensus(crowd.table)
    quality = result.annotators.set_index("annotator")["quality"]
    rho = pd.Series(crowd.skill).corr(quality, method="spearman")
    assert rho > 0.8


def test_input_is_not_modified(crowd):
    table = crowd.table.copy()
    probs = crowd.pred_probs.copy()
    consensus(table, probs)
    pd.testing.assert_frame_equal(table, crowd.table)
    np.testing.assert_array_equal(probs, crowd.pred_probs)


# ------------------------------------------------------------------ majority vote


def test_majority_tie_rule_is_the_pooled_posterior_of_untied_votes():
    # untied examples: true 1 is often labelled 0 ("bad"), true 0 is never labelled 1; the
    # tie 0-vs-1 of example 30 then goes to 1 (the lowest code, 0, would be the other rule)
    rows = [(i, w, lab) for i in range(20) for w, lab in (("a", 1), ("bad", 0), ("c", 1))]
    rows += [(i, w, 0) for i in range(20, 30) for w in ("a", "bad", "c")]
    rows += [(30, "a", 0), (30, "c", 1)]
    table = pd.DataFrame(rows, columns=["example", "annotator", "label"])
    result = consensus(table, method="majority")
    assert result.labels[:30].tolist() == [1] * 20 + [0] * 10
    assert result.labels[30] == 1
    np.testing.assert_allclose(result.quality[30], 0.5)
    # swapping the class codes moves the winner with them: no lowest-code preference
    swapped = consensus(table.assign(label=1 - table["label"]), method="majority")
    assert swapped.labels[30] == 0


def test_majority_ties_everywhere_go_to_the_lowest_code():
    # no untied example: the pooled model knows nothing, so the lowest class code wins
    table = pd.DataFrame(
        {"example": [0, 0, 1, 1], "annotator": ["a", "b", "a", "b"], "label": [2, 1, 1, 2]}
    )
    assert consensus(table, method="majority").labels.tolist() == [1, 1]


def test_majority_matches_cleanlab_where_untied(crowd):
    from cleanlab.multiannotator import get_majority_vote_label

    wide = crowd.table.pivot(index="example", columns="annotator", values="label")
    theirs = get_majority_vote_label(wide, crowd.pred_probs, verbose=False)
    ours = consensus(crowd.table, method="majority")
    counts = np.sort(
        np.stack([(wide.to_numpy() == c).sum(axis=1) for c in range(4)], axis=1), axis=1
    )
    untied = counts[:, -1] > counts[:, -2]
    assert untied.mean() > 0.5
    np.testing.assert_array_equal(ours.labels[untied], theirs[untied])


# ------------------------------------------------------------------ slow reference EM


def _reference_em(table, k, *, one_coin, smoothing, tol=1e-3, max_iter=100):
    """Dawid-Skene of labelnoise, written with loops over rows: the obvious implementation."""
    ex_ids = sorted(set(table["example"]))
    workers = sorted(set(table["annotator"]))
    rows = [
        (ex_ids.index(e), workers.index(a), int(lab))
        for e, a, lab in table[["example", "annotator", "label"]].itertuples(index=False)
    ]
    n, m = len(ex_ids), len(workers)
    post = np.zeros((n, k))
    for i, _, lab in rows:
        post[i, lab] += 1
    post /= post.sum(axis=1, keepdims=True)

    def thetas(post):
        counts = np.zeros((m, k, k))
        for i, a, lab in rows:
            counts[a, :, lab] += post[i]
        pooled = counts.sum(axis=0) + 0.01 / k
        pooled /= pooled.sum(axis=1, keepdims=True)
        theta = np.zeros((m, k, k))
        for a in range(m):
            if one_coin:
                right = sum(post[i, lab] for i, b, lab in rows if b == a)
                total = sum(1 for _, b, _ in rows if b == a)
                p = (right + smoothing * k * np.trace(pooled) / k) / (total + smoothing * k)
                p = min(max(p, 1e-6), 1 - 1e-6)
                theta[a] = (1 - p) / (k - 1)
                np.fill_diagonal(theta[a], p)
            else:
                for y in range(k):
                    row = counts[a, y] + max(smoothing, 1e-6) * pooled[y]
                    theta[a, y] = row / row.sum()
        return theta

    for _ in range(max_iter):
        theta = thetas(post)
        prior = post.sum(axis=0) + 1
        prior /= prior.sum()
        logp = np.tile(np.log(prior), (n, 1))
        for i, a, lab in rows:
            logp[i] += np.log(theta[a, :, lab])
        new = np.exp(logp - logp.max(axis=1, keepdims=True))
        new /= new.sum(axis=1, keepdims=True)
        change = np.abs(new - post).max()
        post = new
        if change < tol:
            break
    return post, thetas(post)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("one_coin", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 2.0])
def test_dawid_skene_matches_slow_reference(crowds, seed, one_coin, smoothing):
    crowd = crowds(seed, n=25, k=3, m=5, per_item=1 + seed % 3)
    method = "one_coin" if one_coin else "dawid_skene"
    ours = consensus(crowd.table, method=method, smoothing=smoothing)
    post, theta = _reference_em(crowd.table, 3, one_coin=one_coin, smoothing=smoothing)
    np.testing.assert_allclose(ours.posterior, post, atol=1e-9)
    np.testing.assert_allclose(ours.confusion, theta, atol=1e-9)


def test_log_space_survives_many_labels_per_example():
    # 2,000 labels on one example: a product of probabilities would underflow to 0
    rng = np.random.default_rng(1)
    labels = np.where(rng.random(2000) < 0.7, 1, rng.integers(0, 3, 2000))
    table = pd.DataFrame({"example": 0, "annotator": np.arange(2000), "label": labels})
    table = pd.concat([table, pd.DataFrame({"example": [1], "annotator": [0], "label": [2]})])
    result = consensus(table, smoothing=0.0)
    assert np.all(np.isfinite(result.posterior)) and result.labels[0] == 1


# ------------------------------------------------------------------ relabel priority


def test_relabel_priority_matches_brute_force(crowd):
    result = consensus(crowd.table, crowd.pred_probs)
    weights = result.annotators["n_labels"].to_numpy() / len(crowd.table)
    typical = np.einsum("a,ayl->yl", weights, result.confusion)
    for i in range(0, 300, 37):
        p = result.posterior[i]
        gain = -p.max()
        for label in range(4):
            joint = p * typical[:, label]
            gain += joint.max()
        assert result.relabel_priority[i] == pytest.approx(max(gain, 0.0), abs=1e-12)
    order = result.relabel_order()
    assert np.all(np.diff(result.relabel_priority[order]) <= 0)


def test_unanimous_examples_are_not_worth_relabelling_first(crowd):
    result = consensus(crowd.table)
    unanimous = result.agreement == 1.0
    assert result.relabel_priority[unanimous].mean() < result.relabel_priority[~unanimous].mean()


# ------------------------------------------------------------------ input forms


def test_wide_matrix_with_missing_entries_equals_long_table(crowd):
    wide = crowd.table.pivot(index="example", columns="annotator", values="label")
    from_wide = consensus(wide, layout="wide")
    from_long = consensus(crowd.table)
    np.testing.assert_allclose(from_wide.posterior, from_long.posterior)
    from_array = consensus(wide.to_numpy())
    np.testing.assert_allclose(from_array.posterior, from_long.posterior)
    assert from_array.annotators["annotator"].tolist() == list(range(wide.shape[1]))


def test_object_matrix_with_none_holds_integer_labels(crowd):
    wide = crowd.table.pivot(index="example", columns="annotator", values="label")
    cells = [[None if pd.isna(v) else int(v) for v in row] for row in wide.to_numpy()]
    matrix = np.array(cells, dtype=object)
    result = consensus(matrix, crowd.pred_probs)
    np.testing.assert_array_equal(result.labels, consensus(crowd.table, crowd.pred_probs).labels)


def test_a_list_of_three_rows_is_a_matrix():
    rows = [[0, 1, 0], [1, 1, np.nan], [0, np.nan, 0]]
    result = consensus(rows, method="majority")
    assert result.labels.tolist() == [0, 1, 0] and len(result.annotators) == 3


def test_tuple_of_arrays_and_custom_columns(crowd):
    t = crowd.table
    as_tuple = consensus((t["example"].to_numpy(), t["annotator"].to_numpy(), t["label"]))
    renamed = consensus(t.rename(columns={"label": "y"}), columns=("example", "annotator", "y"))
    np.testing.assert_array_equal(as_tuple.labels, renamed.labels)


def test_names_with_classes_and_without(crowd):
    names = np.array(["ant", "bee", "cat", "dog"])
    table = crowd.table.assign(label=names[crowd.table["label"]])
    with_model = consensus(table, crowd.pred_probs, classes=names)
    codes = consensus(crowd.table, crowd.pred_probs)
    np.testing.assert_array_equal(with_model.labels, names[codes.labels])
    without = consensus(table)
    assert without.classes.tolist() == sorted(names.tolist())


def test_one_annotator():
    table = pd.DataFrame({"example": [0, 1, 2], "annotator": "solo", "label": [0, 1, 1]})
    for method in MODEL_FREE:
        result = consensus(table, method=method)
        assert result.labels.tolist() == [0, 1, 1]
        np.testing.assert_array_equal(result.agreement, 1.0)
        assert len(result.annotators) == 1


def test_unanimous_data():
    table = pd.DataFrame(
        {
            "example": np.repeat(np.arange(10), 3),
            "annotator": np.tile([1, 2, 3], 10),
            "label": np.repeat(np.arange(10) % 3, 3),
        }
    )
    for method in MODEL_FREE:
        result = consensus(table, method=method)
        np.testing.assert_array_equal(result.labels, np.arange(10) % 3)
        np.testing.assert_array_equal(result.agreement, 1.0)
        assert result.quality.min() > 0.5


def test_one_class_present():
    table = pd.DataFrame({"example": [0, 0, 1], "annotator": ["a", "b", "a"], "label": "x"})
    for method in MODEL_FREE:
        result = consensus(table, method=method)
        assert result.classes.tolist() == ["x"] and result.labels.tolist() == ["x", "x"]
        np.testing.assert_allclose(result.confusion, 1.0)
        np.testing.assert_allclose(result.quality, 1.0)
    with_classes = consensus(table, classes=["x", "y"])
    assert with_classes.classes.tolist() == ["x", "y"]
    assert with_classes.confusion.shape == (2, 2, 2)


def test_model_weight_is_zero_without_a_model(crowd):
    for method in MODEL_FREE:
        assert consensus(crowd.table, method=method).model_weight == 0.0


def test_annotators_frame_is_a_copy(crowd):
    result = consensus(crowd.table)
    frame = result.annotators
    frame.loc[:, "quality"] = -1.0
    assert result.annotators["quality"].min() >= 0.0


def test_wide_dataframe_index_names_the_examples(crowd):
    wide = crowd.table.pivot(index="example", columns="annotator", values="label")
    wide.index = [f"img{i}" for i in range(len(wide))]
    result = consensus(wide.iloc[::-1], layout="wide")
    assert result.examples.tolist() == list(wide.index[::-1])
    long = consensus(crowd.table)
    np.testing.assert_allclose(result.posterior[::-1], long.posterior, atol=1e-12)


def test_error_wide_matrix_and_pred_probs_of_different_lengths(crowd):
    wide = crowd.table.pivot(index="example", columns="annotator", values="label")
    with pytest.raises(InputError, match=r"has 300 rows but pred_probs has 299"):
        consensus(wide, crowd.pred_probs[:299], layout="wide")


@pytest.mark.parametrize("smoothing", [0.0, 10.0])
def test_annotator_with_a_single_label(crowd, smoothing):
    table = pd.concat(
        [crowd.table, pd.DataFrame({"example": [0], "annotator": [99], "label": [3]})]
    )
    result = consensus(table, smoothing=smoothing)
    row = result.annotators.set_index("annotator").loc[99]
    assert row["n_labels"] == 1 and 0.0 <= row["quality"] <= 1.0
    once = result.confusion[list(result.annotators["annotator"]).index(99)]
    assert np.all(np.isfinite(once)) and np.all(once > 0)
    np.testing.assert_allclose(once.sum(axis=1), 1.0)


# ------------------------------------------------------------------ properties


@settings(max_examples=20)
@given(seed=st.integers(0, 10_000), method=st.sampled_from(list(METHODS)))
def test_row_order_and_annotator_names_do_not_matter(crowds, seed, method):
    crowd = crowds(seed % 50, n=40, k=3, m=6)
    rng = np.random.default_rng(seed)
    shuffled = crowd.table.sample(frac=1.0, random_state=rng.integers(1 << 31))
    relabel = {a: f"w{p}" for a, p in zip(range(6), rng.permutation(6), strict=True)}
    renamed = shuffled.assign(annotator=shuffled["annotator"].map(relabel))
    probs = crowd.pred_probs if METHODS[method] else None
    base = consensus(crowd.table, probs, method=method)
    other = consensus(renamed, probs, method=method)
    np.testing.assert_array_equal(base.labels, other.labels)
    np.testing.assert_allclose(base.posterior, other.posterior, rtol=1e-9, atol=1e-12)
    ours = base.annotators.assign(annotator=base.annotators["annotator"].map(relabel))
    theirs = other.annotators.set_index("annotator").loc[ours["annotator"]].reset_index()
    np.testing.assert_allclose(ours["quality"], theirs["quality"], rtol=1e-9)


@settings(max_examples=20)
@given(seed=st.integers(0, 10_000))
def test_permuting_examples_permutes_results(crowds, seed):
    crowd = crowds(seed % 50, n=40, k=3, m=6)
    perm = np.random.default_rng(seed).permutation(40)
    inverse = np.argsort(perm)
    moved = crowd.table.assign(example=inverse[crowd.table["example"]])
    base = consensus(crowd.table, crowd.pred_probs)
    other = consensus(moved, crowd.pred_probs[perm])
    np.testing.assert_array_equal(base.labels[perm], other.labels)
    np.testing.assert_allclose(base.quality[perm], other.quality, rtol=1e-9, atol=1e-12)


def test_deterministic(crowd):
    a, b = consensus(crowd.table, crowd.pred_probs), consensus(crowd.table, crowd.pred_probs)
    np.testing.assert_array_equal(a.posterior, b.posterior)


# ------------------------------------------------------------------ errors


def _table(**columns):
    base = {"example": [0, 0, 1], "annotator": ["a", "b", "a"], "label": [0, 1, 1]}
    base.update(columns)
    return pd.DataFrame(base)


def test_error_unknown_method():
    with pytest.raises(InputError, match="The 'method' parameter of consensus must be one of"):
        consensus(_table(), method="vote")


def test_error_model_method_needs_pred_probs():
    with pytest.raises(InputError, match="method='model' combines the annotators with a model"):
        consensus(_table(), method="model")


def test_error_model_free_method_refuses_pred_probs():
    with pytest.raises(InputError, match="does not use pred_probs"):
        consensus(_table(), np.full((2, 2), 0.5), method="majority")


def test_error_missing_column():
    with pytest.raises(InputError, match="the long table has no column 'label'"):
        consensus(_table().rename(columns={"label": "y"}))


def test_error_missing_value_in_long_table():
    with pytest.raises(InputError, match="column 'label' has 1 missing value"):
        consensus(_table(label=[0, None, 1]))


def test_error_repeated_pair():
    with pytest.raises(InputError, match="labelled example 0 more than once"):
        consensus(_table(annotator=["a", "a", "a"]))


def test_error_example_without_labels_in_wide_matrix():
    with pytest.raises(InputError, match=r"1 example row\(s\) have no label at all"):
        consensus(np.array([[0, 1], [np.nan, np.nan]]))


def test_error_pred_probs_rows_without_annotation():
    with pytest.raises(InputError, match=r"1 pred_probs row\(s\) have no annotation"):
        consensus(_table(), np.full((3, 2), 0.5))


def test_error_examples_not_rows_of_pred_probs():
    with pytest.raises(InputError, match=r"examples must be row numbers 0\.\.1 of pred_probs"):
        consensus(_table(example=["x", "x", "y"]), np.full((2, 2), 0.5))


def test_error_labels_out_of_range():
    with pytest.raises(InputError, match=r"expected labels in 0..1"):
        consensus(_table(label=[0, 1, 2]), np.full((2, 2), 0.5))


def test_error_names_without_classes_with_model():
    with pytest.raises(InputError, match="pass classes="):
        consensus(_table(label=["x", "y", "y"]), np.full((2, 2), 0.5))


def test_error_label_not_in_classes():
    with pytest.raises(InputError, match=r"1 label value\(s\) are not in classes"):
        consensus(_table(label=["x", "y", "z"]), classes=["x", "y"])


def test_error_mixed_annotator_types():
    with pytest.raises(InputError, match="the annotator values mix types"):
        consensus(_table(annotator=["a", 1, "a"]))


def test_error_wrong_shape():
    with pytest.raises(InputError, match=r"expected an \(n, m\) matrix"):
        consensus(np.zeros(3), layout="wide")


def test_error_bad_type():
    with pytest.raises(InputError, match="expected a DataFrame with columns"):
        consensus(42, layout="long")


def test_error_columns_of_different_lengths():
    with pytest.raises(InputError, match="must be 1-D and of one length"):
        consensus(([0, 1], ["a"], [0, 1]))


def test_error_no_annotations():
    with pytest.raises(InputError, match="got 0 annotations"):
        consensus(_table().iloc[:0])


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("smoothing", -1.0, "The 'smoothing' parameter of consensus must be a finite number"),
        ("smoothing", float("nan"), "The 'smoothing' parameter of consensus must be a finite"),
        ("tol", "x", "The 'tol' parameter of consensus must be a finite number >= 0"),
        ("max_iter", 0, "The 'max_iter' parameter of consensus must be an int >= 1"),
        ("layout", "tall", "The 'layout' parameter of consensus must be one of"),
        ("columns", ("a", "b"), "expected three column names"),
    ],
)
def test_error_options(option, value, message):
    with pytest.raises(InputError, match=message):
        consensus(_table(), **{option: value})


def test_model_weight_maximises_the_annotation_likelihood(crowd):
    from scipy.special import logsumexp

    result = consensus(crowd.table, crowd.pred_probs)
    log_theta = np.log(result.confusion)  # [a, y, l]
    t = crowd.table
    loglik = np.zeros((len(result), 4))
    np.add.at(loglik, t["example"].to_numpy(), log_theta[t["annotator"], :, t["label"]])
    log_p = np.log(crowd.pred_probs)

    def marginal(beta):
        prior = beta * log_p - logsumexp(beta * log_p, axis=1, keepdims=True)
        return logsumexp(prior + loglik, axis=1).sum()

    grid = np.linspace(0.0, 4.0, 401)
    best = grid[np.argmax([marginal(b) for b in grid])]
    assert abs(best - result.model_weight) < 0.05


def test_overconfident_model_gets_a_smaller_weight(crowd):
    sharp = crowd.pred_probs**3
    sharp /= sharp.sum(axis=1, keepdims=True)
    plain = consensus(crowd.table, crowd.pred_probs)
    over = consensus(crowd.table, sharp)
    assert over.model_weight == pytest.approx(plain.model_weight / 3, rel=0.05)


def test_error_repeated_class_names():
    with pytest.raises(InputError, match="expected unique class names"):
        consensus(_table(label=["x", "y", "y"]), classes=["x", "y", "x"])


def test_error_classes_not_one_per_pred_probs_column():
    with pytest.raises(InputError, match=r"expected one name per pred_probs column \(2\), got 3"):
        consensus(_table(label=["x", "y", "y"]), np.full((2, 2), 0.5), classes=["x", "y", "z"])


def test_error_classes_not_1d():
    with pytest.raises(InputError, match="expected a 1-D list of class names"):
        consensus(_table(label=["x", "y", "y"]), classes=[["x", "y"]])
