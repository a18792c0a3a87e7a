"""Several annotators per example: consensus labels, annotator quality, what to relabel.

::

    consensus(annotations)              Consensus (majority vote, Dawid-Skene, one-coin)
    consensus(annotations, pred_probs)  Consensus combining annotators with a model

``annotations`` is a long table (example, annotator, label) or an ``(n, m)`` matrix with
missing entries. Dawid-Skene runs in log space on a sparse incidence matrix, so 150,000
labels take seconds, and the rows are sorted first, so nothing depends on their order.
"""

from labelnoise.annotators._consensus import METHODS, ConsensusMethod, consensus
from labelnoise.annotators._result import Consensus

__all__ = ["METHODS", "Consensus", "ConsensusMethod", "consensus"]
