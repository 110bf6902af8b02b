"""Quality metrics of a segmentation, fast on large tables.

Everything is computed in the space of ``X`` (the preprocessed features) and
ignores rows labelled ``-1`` (no segment). One vectorised pass over the rows
(per-segment sums with ``np.bincount``, distances in blocks) gives inertia,
Calinski–Harabasz and Davies–Bouldin on every row, with scikit-learn's
formulas (``calinski_harabasz_score``, ``davies_bouldin_score``; the tests
check they agree) at a fraction of their cost: scikit-learn copies the rows
of every segment in turn. Silhouette, which is quadratic, is scikit-learn's
``silhouette_score`` on a seeded sample.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import silhouette_score

from ..errors import SegwidgetsValueError
from .text import format_count

__all__ = ["METRIC_LABELS", "check_labels", "compute_metrics", "inertia", "segment_means"]

#: Metric keys, in display order, with what people read.
METRIC_LABELS = {
    "inertia": "Inertia (within-segment spread; lower is tighter)",
    "silhouette": "Silhouette (-1 to 1; higher is better separated)",
    "calinski_harabasz": "Calinski–Harabasz (higher is better)",
    "davies_bouldin": "Davies–Bouldin (lower is better)",
}

#: Rows per block when computing distances (bounds the temporary memory).
_CHUNK = 65_536


def check_labels(labels: Any, n_rows: int, *, per: str = "row") -> np.ndarray:
    """``labels`` as int64, one per row: whole numbers, ``-1`` for no segment; else a plain error.

    ``per`` names what a label belongs to in the error ("fitted row").
    """
    array = np.asarray(labels)
    if array.ndim != 1 or len(array) != n_rows:
        raise SegwidgetsValueError(
            f"There must be one segment label per {per}: {format_count(n_rows)} rows "
            f"but {format_count(array.size)} labels."
        )
    if array.dtype.kind == "f":
        whole = np.all(np.isfinite(array)) and np.all(array == np.round(array))
    else:
        whole = array.dtype.kind in "iub" or not len(array)
    if not whole:
        raise SegwidgetsValueError("Segment labels must be whole numbers (-1 for no segment).")
    return array.astype(np.int64, copy=False)


def _check(X: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2:
        raise SegwidgetsValueError("The feature matrix must have one row per row of data.")
    labels = check_labels(labels, len(X), per="fitted row")
    if not np.isfinite(X).all():
        raise SegwidgetsValueError(
            "The prepared features still contain missing or infinite values; "
            "fill or drop them before measuring the segments."
        )
    return X, labels


def _codes(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(kept-row mask, segment ids, code 0..m-1 per row with m for dropped rows)."""
    keep = labels >= 0
    ids = np.unique(labels[keep])
    codes = np.full(len(labels), len(ids), dtype=np.int64)
    codes[keep] = np.searchsorted(ids, labels[keep])
    return keep, ids, codes


def _sums(X: np.ndarray, codes: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-segment row counts and column sums (segments 0..m-1; code m is dropped)."""
    counts = np.bincount(codes, minlength=m + 1)[:m].astype(np.float64)
    sums = np.empty((m, X.shape[1]))
    for j in range(X.shape[1]):
        sums[:, j] = np.bincount(codes, weights=X[:, j], minlength=m + 1)[:m]
    return counts, sums


def segment_means(X: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, means)``: the sorted segment ids and the mean row of each (labels -1 ignored)."""
    X, labels = _check(X, labels)
    _, ids, codes = _codes(labels)
    counts, sums = _sums(X, codes, len(ids))
    return ids, sums / np.maximum(counts, 1.0)[:, None]


def _spread(X: np.ndarray, codes: np.ndarray, means: np.ndarray) -> tuple[float, np.ndarray]:
    """``(inertia, mean distance to the segment mean of each segment)``, in blocks.

    Rows with code ``len(means)`` (no segment) are left out.
    """
    m = len(means)
    padded = np.vstack([means, np.zeros((1, X.shape[1]))])
    total = 0.0
    distance_sums = np.zeros(m + 1)
    for start in range(0, len(X), _CHUNK):
        block = codes[start:start + _CHUNK]
        diff = X[start:start + _CHUNK] - padded[block]
        squared = np.einsum("ij,ij->i", diff, diff)
        kept = block < m
        total += float(squared[kept].sum())
        distance_sums += np.bincount(block, weights=np.sqrt(squared), minlength=m + 1)
    counts = np.bincount(codes, minlength=m + 1)[:m]
    return total, distance_sums[:m] / np.maximum(counts, 1)


def _calinski_harabasz(counts: np.ndarray, means: np.ndarray, inertia_: float) -> float:
    """scikit-learn's ``calinski_harabasz_score`` from segment sizes and means."""
    n, m = counts.sum(), len(counts)
    overall = (counts[:, None] * means).sum(axis=0) / n
    between = float((counts * ((means - overall) ** 2).sum(axis=1)).sum())
    if inertia_ == 0.0:
        return 1.0
    return between * (n - m) / (inertia_ * (m - 1.0))


def _davies_bouldin(means: np.ndarray, intra: np.ndarray) -> float:
    """scikit-learn's ``davies_bouldin_score`` from segment means and mean spreads."""
    diff = means[:, None, :] - means[None, :, :]
    between = np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))
    if np.all(np.isclose(intra, 0.0)) or np.all(np.isclose(between, 0.0)):
        return 0.0
    between[between == 0] = np.inf
    return float(np.mean(np.max((intra[:, None] + intra[None, :]) / between, axis=1)))


def inertia(X: np.ndarray, labels: np.ndarray) -> float:
    """Sum of squared distances of rows to their segment mean (labels -1 ignored).

    0.0 when no row is in a segment.
    """
    X, labels = _check(X, labels)
    _, ids, codes = _codes(labels)
    if len(ids) == 0:
        return 0.0
    counts, sums = _sums(X, codes, len(ids))
    return _spread(X, codes, sums / counts[:, None])[0]


def _sample(codes: np.ndarray, m: int, sample_size: int, seed: int) -> np.ndarray:
    """Positions of a seeded random sample of ``sample_size`` rows holding every segment.

    One row of each segment is drawn first (so a small segment is never
    missing from the sample), the rest uniformly at random.
    """
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(codes))
    _, first = np.unique(codes[order], return_index=True)  # first row of each segment in the order
    chosen = np.zeros(len(codes), dtype=bool)
    chosen[order[first]] = True
    rest = order[~chosen[order]][: max(sample_size - m, 0)]
    chosen[rest] = True
    return np.flatnonzero(chosen)


def compute_metrics(
    X: np.ndarray, labels: np.ndarray, *, sample_size: int = 2000, seed: int = 0
) -> dict[str, Any]:
    """Measure how compact and well separated the segments are.

    Args:
        X: the rows that were segmented, in the space the algorithm saw
            (preprocessed), shape ``(n, p)``.
        labels: segment id per row of ``X`` (any non-negative whole numbers);
            ``-1`` rows are ignored.
        sample_size: silhouette (quadratic in rows) uses at most this many
            rows: all rows when there are no more, else a random sample drawn
            with ``seed`` that holds at least one row of every segment.
        seed: seed of the silhouette sample.

    Returns:
        A dict with

        - ``inertia``: within-segment sum of squared distances to the segment
          means (0.0 when no row is in a segment);
        - ``silhouette``: :func:`sklearn.metrics.silhouette_score` on the
          sample, -1..1, higher is better;
        - ``calinski_harabasz``, ``davies_bouldin``: the scores of scikit-learn's
          functions of those names, on all segmented rows;
        - ``n_segments``: number of distinct segments;
        - ``silhouette_sample``: rows the silhouette used (0 when not computed).

        ``silhouette``, ``calinski_harabasz`` and ``davies_bouldin`` are None
        when there are fewer than 2 segments or no more rows than segments
        (``silhouette`` also when ``sample_size`` is not above the number of
        segments).
    """
    X, labels = _check(X, labels)
    keep, ids, codes = _codes(labels)
    m = len(ids)
    n_kept = int(keep.sum())
    out: dict[str, Any] = {
        "inertia": 0.0,
        "silhouette": None,
        "calinski_harabasz": None,
        "davies_bouldin": None,
        "n_segments": int(m),
        "silhouette_sample": 0,
    }
    if m == 0:
        return out
    counts, sums = _sums(X, codes, m)
    means = sums / counts[:, None]
    out["inertia"], intra = _spread(X, codes, means)
    if m < 2 or n_kept <= m:
        return out
    out["calinski_harabasz"] = float(_calinski_harabasz(counts, means, out["inertia"]))
    out["davies_bouldin"] = _davies_bouldin(means, intra)
    X_kept, codes_kept = (X, codes) if keep.all() else (X[keep], codes[keep])
    sample_size = int(sample_size)
    if n_kept <= sample_size:
        X_s, codes_s = X_kept, codes_kept
    elif sample_size <= m:  # too small a sample to hold every segment and more
        return out
    else:
        rows = _sample(codes_kept, m, sample_size, seed)
        X_s, codes_s = X_kept[rows], codes_kept[rows]
    present = len(np.unique(codes_s))
    if 2 <= present < len(codes_s):
        out["silhouette"] = float(silhouette_score(X_s, codes_s))
        out["silhouette_sample"] = int(len(codes_s))
    return out
