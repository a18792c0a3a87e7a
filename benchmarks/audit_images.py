"""``labelnoise audit`` on the 10,000 CIFAR-10 test JPEGs: speed, flags, probe accuracy.

Rebuilds ``test/`` of ``cifar10-jpg/cifar10_jpg.zip`` into one folder per class, then:

1. embedding speed of the default encoders, measured with the cache off: images/s of
   EfficientNet-Lite0 at 128 px on ``--speed-images`` images, sentences/s of
   all-MiniLM-L6-v2 on ``--speed-texts`` generated sentences;
2. ``labelnoise audit <folder>`` end to end, first with an empty embedding cache, then
   again (``--force``) reading the cache: wall time of each (a subprocess, as a user runs it);
3. the flags against the human review of "Pervasive Label Errors in Test Sets": how many
   of the 54 confirmed errors are flagged and the precision among reviewed flagged rows,
   beside the same count for cleanlab 2.9.0's default ``find_label_issues`` on the same
   probe probabilities (the peer, in the same run) and for the bundled demo's strong
   supervised pred_probs (``find_label_issues`` default);
4. the probe's accuracy: 5-fold cross-validated accuracy on the test images (the audit's
   own out-of-sample predictions), and the 50k-train/10k-test linear probe on the shared
   PCA-256 embeddings of the same encoder (``cifar10-embeddings``, made by the recipe
   ``embed_images`` reproduces exactly).

Usage::

    nice -n 10 .venv/bin/python benchmarks/audit_images.py --data ../shared/data
    # the embedding speeds alone (a few minutes):
    nice -n 10 .venv/bin/python benchmarks/audit_images.py --data ../shared/data \
        --speed-only --speed-images 256 --speed-texts 512

The figures in ``docs/audit.md`` come from this script; it prints markdown.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

CLASSES = "airplane automobile bird cat deer dog frog horse ship truck".split()


def rebuild_test_folder(zip_path: Path, folder: Path) -> None:
    """``test/<class>/<NNNN>.jpg`` of the zip into ``folder/<class>/<NNNN>.jpg``."""
    if folder.is_dir() and sum(1 for _ in folder.glob("*/*.jpg")) == 10_000:
        return
    with zipfile.ZipFile(zip_path) as archive:
        for name in archive.namelist():
            if name.startswith("test/") and name.endswith(".jpg"):
                out = folder / name.removeprefix("test/")
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(archive.read(name))


def original_rows(folder_rows: list[str], test_labels: np.ndarray) -> np.ndarray:
    """Original test-set row of each ``<class>/<NNNN>.jpg``: file k of class c is the k-th
    example of class c in the original order (see the shared data README)."""
    by_class: dict[int, list[int]] = {c: [] for c in range(10)}
    for row, c in enumerate(test_labels.tolist()):
        by_class[c].append(row)
    out = []
    for name in folder_rows:
        cls, file = name.split("/")
        out.append(by_class[CLASSES.index(cls)][int(file.removesuffix(".jpg"))])
    return np.asarray(out)


def _timed(call) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of ``call()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def speed(folder: Path, n_images: int, n_texts: int, image_size: int = 128) -> dict[str, float]:
    """Embedding speed of the named encoders, as a user calls them (the model load
    included), and per CPU-second of this process (a figure the machine's load does not
    scale down: on an idle 2-core machine images/s is about twice images per CPU-second
    when both cores are busy)."""
    from labelnoise.features import embed_images, embed_texts

    paths = sorted(str(p) for p in folder.glob("*/*.jpg"))
    rng = np.random.default_rng(0)
    sample = [paths[i] for i in sorted(rng.choice(len(paths), n_images, replace=False))]
    embed_images(sample[:64], image_size=image_size)  # warm up (allocations, file cache)
    wall, cpu = _timed(lambda: embed_images(sample, image_size=image_size))
    words = "the a film plot actor scene great boring slow music ending story cast".split()
    texts = [" ".join(rng.choice(words, 12)) + "." for _ in range(n_texts)]
    embed_texts(texts[:64])
    t_wall, t_cpu = _timed(lambda: embed_texts(texts))
    return {
        "images_s": n_images / wall,
        "images_cpu_s": n_images / cpu,
        "texts_s": n_texts / t_wall,
        "texts_cpu_s": n_texts / t_cpu,
    }


def run_audit(folder: Path, out: Path, cache: Path, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "labelnoise",
            "audit",
            str(folder),
            "--out",
            str(out),
            "--cache-dir",
            str(cache),
            *extra,
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def review(flagged: np.ndarray, errors) -> tuple[int, int, int]:
    """(confirmed errors flagged, reviewed rows flagged, flagged) against the human review."""
    verified = dict(zip(errors.candidate_ids.tolist(), errors.verified_error.tolist(), strict=True))
    reviewed = [r for r in flagged.tolist() if r in verified]
    return sum(verified[r] for r in reviewed), len(reviewed), int(flagged.shape[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "labelnoise-audit-bench"
    )
    parser.add_argument("--speed-images", type=int, default=1000)
    parser.add_argument("--speed-texts", type=int, default=2000)
    parser.add_argument("--image-size", type=int, default=128, help="for the speed run")
    parser.add_argument(
        "--speed-only", action="store_true", help="measure the embedding speeds, then stop"
    )
    args = parser.parse_args()
    folder, cache = args.work / "cifar10-test", args.work / "cache"
    rebuild_test_folder(args.data / "cifar10-jpg" / "cifar10_jpg.zip", folder)
    load = os.getloadavg()[0]
    print(f"threads: torch default; cores: {os.cpu_count()}; load average at start: {load:.1f}")
    fast = speed(folder, args.speed_images, args.speed_texts, args.image_size)
    print(
        f"| embedding, model load included | {fast['images_s']:.1f} images/s "
        f"({args.image_size} px, "
        f"{args.speed_images} images) | {fast['texts_s']:.0f} sentences/s ({args.speed_texts}) |"
    )
    print(
        f"| per CPU-second of the process | {fast['images_cpu_s']:.1f} images | "
        f"{fast['texts_cpu_s']:.0f} sentences |"
    )
    print(f"load average at the end of the speed runs: {os.getloadavg()[0]:.1f}")
    if args.speed_only:
        return
    shutil.rmtree(cache, ignore_errors=True)
    first = run_audit(folder, args.work / "out", cache)
    again = run_audit(folder, args.work / "out", cache, "--force")
    print(f"| audit wall time | empty cache {first:.0f} s | embeddings cached {again:.0f} s |")

    from sklearn.model_selection import StratifiedKFold

    from labelnoise import find_label_issues
    from labelnoise.cli._images import read_image_folder
    from labelnoise.cli._models import embedding_probe
    from labelnoise.datasets import load_label_errors
    from labelnoise.features import embed_images
    from labelnoise.learn import cross_val_pred_probs

    errors = load_label_errors(args.data / "label-errors", dataset="cifar10")
    paths, names = read_image_folder(folder)
    rows = original_rows([os.path.relpath(p, folder) for p in paths], errors.labels)
    issues = pd.read_csv(args.work / "out" / "issues.csv")
    ours = review(rows[issues["index"].to_numpy()], errors)
    codes = np.array([CLASSES.index(n) for n in names])
    emb = embed_images(paths, cache_dir=cache)  # read from the cache the audit wrote
    # the audit's own call: its fold split, a column per class, one thread below 20,000 rows
    probs = cross_val_pred_probs(
        embedding_probe("auto"),
        emb,
        codes,
        cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=0),
        classes=np.arange(len(CLASSES)),
        threads_per_fold=1,
    )
    accuracy = float((probs.argmax(axis=1) == codes).mean())
    import cleanlab.filter

    peer = cleanlab.filter.find_label_issues(codes, probs)
    peer_r = review(rows[np.flatnonzero(peer)], errors)
    ours_cl = review(rows[find_label_issues(codes, probs).indices], errors)
    demo = review(find_label_issues(errors.labels, errors.pred_probs).indices, errors)
    for name, (hit, rev, n) in (
        ("labelnoise audit (auto, probe + embeddings)", ours),
        ("labelnoise prune_by_noise_rate, probe", ours_cl),
        ("cleanlab 2.9.0 find_label_issues, probe", peer_r),
        ("demo: strong supervised pred_probs", demo),
    ):
        print(f"| {name} | {n} | {hit} of 54 | {hit / max(rev, 1):.3f} ({hit}/{rev}) |")
    ratio = ours[0] / max(peer_r[0], 1)
    print(f"| ratio of confirmed errors flagged, audit / cleanlab on the probe | {ratio:.2f} |")
    print(f"| probe 5-fold CV accuracy on the 10k test images (1,280-d) | {accuracy:.3f} |")
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    shared = args.data / "cifar10-embeddings"
    train = np.load(shared / "train.npy").astype(np.float32)
    test = np.load(shared / "test.npy").astype(np.float32)
    train_y = np.load(args.data / "cifar-10n" / "cifar10n_labels.npz")["clean_label"]
    scaler = StandardScaler().fit(train)
    probe = LogisticRegression(C=0.05, max_iter=1000).fit(scaler.transform(train), train_y)
    acc = float((probe.predict(scaler.transform(test)) == errors.labels).mean())
    print(f"| probe 50k train / 10k test, shared PCA-256 of the same embeddings | {acc:.3f} |")


if __name__ == "__main__":
    main()
