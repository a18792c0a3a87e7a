"""labelnoise: find, estimate, simulate and train through label noise.

The top level holds the stateless core::

    find_label_issues(labels, pred_probs)     -> LabelIssues
    label_quality_scores(labels, pred_probs)  -> ndarray
    estimate_noise(labels, pred_probs)        -> NoiseEstimate

Heavier parts live in subpackages imported on demand (``labelnoise.simulate``,
``labelnoise.datasets``, ``labelnoise.learn``, ``labelnoise.torch``, ``labelnoise.bench``).
"""

from labelnoise._errors import InputError, InputTypeError
from labelnoise.detect import LabelIssues, find_label_issues
from labelnoise.noise import IssueCounts, NoiseEstimate, estimate_noise
from labelnoise.scores import label_quality_scores

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "InputTypeError",
    "IssueCounts",
    "LabelIssues",
    "NoiseEstimate",
    "__version__",
    "estimate_noise",
    "find_label_issues",
    "label_quality_scores",
]
