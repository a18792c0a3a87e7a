"""Which approximate nearest-neighbour index to use above 100k rows.

For each index (faiss HNSW, faiss IVF, pynndescent; each optional), the time to find the
k nearest neighbours of *every* row (build + query) of ``n`` unit-norm rows, and its
recall@k against exact search on 2,000 random rows, on isotropic Gaussian data (the hard
case) and on 200 Gaussian clusters (like embeddings of a labelled dataset). The
neighbour-based detectors (``knn``, ``auto`` with features) switch to an approximate
index above 100,000 rows when ``faiss-cpu`` is installed.

Usage::

    .venv/bin/python benchmarks/ann_index.py --n 200000 > ann.md   # markdown table rows
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

import numpy as np


def ann_data(kind: str, n: int, dim: int, seed: int) -> np.ndarray:
    """Unit-norm float32 rows: ``random`` (isotropic Gaussian, the hard case) or
    ``clustered`` (200 Gaussian clusters, like embeddings of a labelled dataset)."""
    rng = np.random.default_rng(seed)
    if kind == "random":
        x = rng.standard_normal((n, dim), dtype=np.float32)
    else:
        centres = rng.standard_normal((200, dim), dtype=np.float32) * 2.0
        x = centres[rng.integers(0, 200, n)] + rng.standard_normal((n, dim), dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def exact_neighbours(x: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    out = []
    for part in np.array_split(queries, max(1, queries.size // 250)):
        sims = x[part] @ x.T
        sims[np.arange(part.size), part] = -np.inf
        out.append(np.argpartition(sims, -k, axis=1)[:, -k:])
    return np.concatenate(out)


def _faiss_hnsw(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    import faiss

    index = faiss.IndexHNSWFlat(x.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 80
    index.add(x)
    index.hnsw.efSearch = 64
    return index.search(x, k + 1)[1]


def _faiss_ivf(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    import faiss

    quantizer = faiss.IndexFlatIP(x.shape[1])
    index = faiss.IndexIVFFlat(quantizer, x.shape[1], 1024, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = seed
    index.train(x)
    index.add(x)
    index.nprobe = 16
    return index.search(x, k + 1)[1]


def _pynndescent(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    import pynndescent

    index = pynndescent.NNDescent(x, metric="cosine", n_neighbors=k + 1, random_state=seed)
    return index.neighbor_graph[0]


ANN_METHODS: dict[str, Callable[[np.ndarray, int, int], np.ndarray]] = {
    "faiss HNSW32 (efSearch 64)": _faiss_hnsw,
    "faiss IVF1024 (nprobe 16)": _faiss_ivf,
    "pynndescent NNDescent": _pynndescent,
}


def ann_benchmark(n: int, dim: int, k: int, n_queries: int = 2000) -> list[dict[str, object]]:
    """Time to find the k nearest neighbours of *every* row (build + query), and recall@k
    against exact search on ``n_queries`` random rows."""
    rows = []
    warm = ann_data("clustered", 2000, dim, seed=9)
    for method in ANN_METHODS.values():  # compile numba code etc. outside the timings
        try:
            method(warm, k, 0)
        except ImportError:
            pass
    for kind in ("random", "clustered"):
        x = ann_data(kind, n, dim, seed=0)
        queries = np.random.default_rng(1).choice(n, size=n_queries, replace=False)
        truth = exact_neighbours(x, queries, k)
        start = time.perf_counter()
        sample = min(n, 10_000)  # exact, blocked, on 10k query rows, scaled to all n
        for q in np.array_split(np.arange(sample), max(1, sample // 500)):
            np.argpartition(x[q] @ x.T, -k, axis=1)
        exact_s = (time.perf_counter() - start) * n / sample
        rows.append(
            {"data": kind, "method": "exact (blocked matmul)", "seconds": exact_s, "recall": 1.0}
        )
        for name, method in ANN_METHODS.items():
            try:
                start = time.perf_counter()
                found = method(x, k, 0)
                seconds = time.perf_counter() - start
            except ImportError as exc:
                print(f"{name}: not installed ({exc})", file=sys.stderr)
                continue
            hits = [
                len(set(truth[i]) & (set(found[q].tolist()) - {q})) for i, q in enumerate(queries)
            ]
            rows.append(
                {
                    "data": kind,
                    "method": name,
                    "seconds": seconds,
                    "recall": float(np.sum(hits)) / (k * n_queries),
                }
            )
            print(rows[-1], flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args(argv)
    for row in ann_benchmark(args.n, args.dim, args.k):
        print(f"| {row['data']} | {row['method']} | {row['seconds']:.1f} | {row['recall']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
