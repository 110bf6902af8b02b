"""Quality metrics of a segmentation, fast on large tables."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

#: Metric keys, in display order, with what people read.
METRIC_LABELS = {
    "inertia": "Inertia (within-segment spread; lower is tighter)",
    "silhouette": "Silhouette (-1 to 1; higher is better separated)",
    "calinski_harabasz": "Calinski–Harabasz (higher is better)",
    "davies_bouldin": "Davies–Bouldin (lower is better)",
}


def inertia(X: np.ndarray, labels: np.ndarray) -> float:
    """Sum of squared distances of rows to their segment mean (labels -1 ignored)."""
    keep = labels >= 0
    X, labels = X[keep], labels[keep]
    if len(X) == 0:
        return 0.0
    _, codes = np.unique(labels, return_inverse=True)
    k = codes.max() + 1
    counts = np.bincount(codes, minlength=k).astype(float)
    sums = np.zeros((k, X.shape[1]))
    np.add.at(sums, codes, X)
    # sum ||x - mean||^2 = sum ||x||^2 - sum_k ||S_k||^2 / n_k
    return float(max((X ** 2).sum() - ((sums ** 2).sum(axis=1) / counts).sum(), 0.0))


def compute_metrics(X: np.ndarray, labels: np.ndarray, *, sample_size: int = 2000, seed: int = 0) -> dict:
    """Inertia, silhouette (on a seeded sample of at most ``sample_size`` rows),
    Calinski–Harabasz and Davies–Bouldin; None where fewer than 2 segments."""
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    keep = labels >= 0
    Xk, lk = X[keep], labels[keep]
    n_segments = int(len(np.unique(lk)))
    out: dict = {
        "inertia": inertia(X, labels),
        "silhouette": None,
        "calinski_harabasz": None,
        "davies_bouldin": None,
        "n_segments": n_segments,
        "silhouette_sample": 0,
    }
    if n_segments < 2 or len(lk) <= n_segments:
        return out
    out["calinski_harabasz"] = float(calinski_harabasz_score(Xk, lk))
    out["davies_bouldin"] = float(davies_bouldin_score(Xk, lk))
    if len(lk) > sample_size:
        rng = np.random.default_rng(seed)
        idx = rng.choice(len(lk), size=sample_size, replace=False)
        Xs, ls = Xk[idx], lk[idx]
    else:
        Xs, ls = Xk, lk
    present = len(np.unique(ls))
    if 2 <= present < len(ls):
        out["silhouette"] = float(silhouette_score(Xs, ls))
        out["silhouette_sample"] = int(len(ls))
    return out
