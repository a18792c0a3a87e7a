"""The small bundled test data of tests/features/data (written by its make_data.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def shapes_folder() -> Path:
    """An image folder: 3 classes of 12 32x32 PNGs, 3 filed under a wrong class."""
    return DATA / "shapes"


@pytest.fixture(scope="session")
def pixels(shapes_folder: Path) -> np.ndarray:
    """Six of the pictures (two per class) as a uint8 (6, 32, 32, 3) stack."""
    from PIL import Image

    files = sorted(shapes_folder.glob("*/*.png"))[1:36:6]
    return np.stack([np.asarray(Image.open(f).convert("RGB")) for f in files])


@pytest.fixture(scope="session")
def texts_csv() -> Path:
    """80 sentences about sport or food, ``topic`` labels, 10% flipped."""
    return DATA / "texts.csv"


@pytest.fixture(scope="session")
def plain_lite():
    """The bundled EfficientNet-Lite0 as :func:`load_efficientnet_lite0` returns it, loaded
    once for the whole session (loading is most of the cost of a small call)."""
    pytest.importorskip("torch")
    from labelnoise.features import load_efficientnet_lite0

    return load_efficientnet_lite0()


@pytest.fixture(scope="session")
def fast_lite():
    """The network the named encoder runs (batch norms folded, channels-last), loaded once."""
    pytest.importorskip("torch")
    from labelnoise.features._images import _inference_net

    return _inference_net()


@pytest.fixture
def preloaded_lite(monkeypatch, fast_lite):
    """``encoder="efficientnet-lite0"`` (named: cache key, preprocessing, all of it) without
    loading the weights again: the session's network stands in for the load."""
    from labelnoise.features import _images

    monkeypatch.setattr(_images, "_inference_net", lambda: fast_lite)


@pytest.fixture(scope="session")
def minilm():
    """The bundled all-MiniLM-L6-v2, loaded once for the whole session."""
    pytest.importorskip("sentence_transformers")
    from labelnoise.features import load_text_encoder

    return load_text_encoder()


@pytest.fixture
def preloaded_minilm(monkeypatch, minilm):
    """``encoder="minilm"`` (named) without loading the model again."""
    from labelnoise.features import _texts

    monkeypatch.setattr(_texts, "load_text_encoder", lambda encoder="minilm": minilm)
