"""Train scikit-learn classifiers through label noise.

::

    CleanClassifier(estimator).fit(X, noisy_y)          a scikit-learn estimator
    cross_val_pred_probs(estimator, X, y, cv=5)         out-of-sample pred_probs

``CleanClassifier`` alternates cross-validated probabilities, a noise estimate and
relabelling (or pruning, or reweighting) of the examples it finds mislabelled, then fits
the final model on the cleaned labels.
"""

from labelnoise.learn._clean import CleanClassifier, Handling
from labelnoise.learn._cv import cross_val_pred_probs

__all__ = ["CleanClassifier", "Handling", "cross_val_pred_probs"]
