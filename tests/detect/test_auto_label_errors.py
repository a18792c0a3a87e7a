"""``method="auto"`` on real label errors (the bundled MNIST and CIFAR-10 test sets, with
the human review of the candidates): the issue's floor is that, cut to the default's
number flagged, auto's share of verified errors among the reviewed rows it flags is at
least the default's."""

from __future__ import annotations

import pytest

from labelnoise import find_label_issues
from labelnoise.demo import load_bundled_label_errors


def _precision(indices, verified):
    reviewed = [verified[i] for i in indices.tolist() if i in verified]
    return sum(reviewed) / len(reviewed), len(reviewed)


@pytest.mark.parametrize("name", ["mnist", "cifar10"])
def test_auto_is_at_least_as_precise_as_the_default_on_reviewed_rows(name):
    data = load_bundled_label_errors(name)
    default = find_label_issues(data.labels, data.pred_probs)
    auto = find_label_issues(data.labels, data.pred_probs, method="auto")
    count = len(default)
    ours, n_ours = _precision(auto.indices[:count], data.verified)
    theirs, _ = _precision(default.indices, data.verified)
    assert n_ours >= count // 2  # the comparison rests on reviewed rows, most of them
    assert ours >= theirs
