"""Diagnostics for choosing k and an algorithm.

Everything takes the prepared rows ``X`` (a float array, or a
:class:`~segwidgets.core.preprocess.Prepared`) and returns dataclasses and
DataFrames. Fits go through :func:`~segwidgets.core.algorithms.fit_prepared`,
so the labels a sweep returns are the labels a refit would give (callers may
cache them). Nothing here is quadratic in the rows of a large table:
silhouettes use bounded samples, hierarchical trees are built on seeded
samples, and the comparison of algorithms runs on one shared sample when a
quadratic algorithm is among them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy.cluster import hierarchy
from sklearn.cluster import AgglomerativeClustering
from sklearn.metrics import adjusted_rand_score, silhouette_samples

from ..errors import SegwidgetsCancelled, SegwidgetsDataError, SegwidgetsValueError
from .algorithms import (
    ALGORITHMS,
    _distinct_rows_at_least,
    algorithm_info,
    check_k,
    fit_prepared,
    nearest_center,
    segment_means,
)
from .hierarchy import linkage_matrix
from .metrics import check_labels, compute_metrics
from .preprocess import Prepared

__all__ = [
    "SWEEP_METRICS",
    "Comparison",
    "DendrogramResult",
    "SweepResult",
    "algorithm_label",
    "best_k",
    "best_rows",
    "comparable",
    "compare_algorithms",
    "cut_by_height",
    "cut_by_k",
    "dendrogram_data",
    "branch_groups",
    "leaf_sizes",
    "find_knee",
    "height_for_k",
    "read_ari",
    "read_stability",
    "silhouette_samples_by_segment",
    "stability",
    "sweep_k",
    "sweep_outcome",
]

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

#: Linkage methods a dendrogram may use (all monotone, so heights order the merges).
LINKAGE_METHODS: tuple[str, ...] = ("ward", "average", "complete", "single")
#: Rows above which quadratic algorithms are compared on a shared sample.
COMPARE_MAX_ROWS = 10_000
#: Smallest normalised chord distance that counts as a knee (a straight line has none).
KNEE_MIN_DISTANCE = 0.05


# --------------------------------------------------------------------------- helpers


def _rows(X: np.ndarray | Prepared) -> np.ndarray:
    """The prepared rows as a finite 2-D float64 array."""
    if isinstance(X, Prepared):
        X = X.X
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2:
        raise SegwidgetsValueError("The feature matrix must have one row per row of data.")
    if len(X) < 2:
        raise SegwidgetsDataError("There must be at least 2 rows to segment.")
    if not np.isfinite(X).all():
        raise SegwidgetsValueError(
            "The prepared features still contain missing or infinite values; "
            "fill or drop them first."
        )
    return X


def _as_prepared(X: np.ndarray) -> Prepared:
    """A minimal :class:`Prepared` around rows that are already prepared."""
    return Prepared(
        X=X, row_index=np.arange(len(X)), transformer=None, features=[], numeric=[],
        categorical=[], log_columns=[], feature_names_out=[f"x{j}" for j in range(X.shape[1])],
    )


def _ks(ks: Iterable[int]) -> list[int]:
    out = sorted({check_k(k) for k in ks})
    if not out:
        raise SegwidgetsValueError("Give at least one number of segments to try.")
    return out


def _sample_index(n: int, size: int, seed: int) -> np.ndarray:
    """Sorted positions of a seeded sample without replacement (as ``fit_prepared`` draws it)."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=size, replace=False))


def _check_room(X: np.ndarray, k: int) -> None:
    """Refuse ``k`` above the rows or distinct rows, as ``fit_prepared`` does."""
    n = len(X)
    if n < k:
        raise SegwidgetsDataError(f"k={k} is too many: there are only {n:,} rows to segment.")
    distinct = _distinct_rows_at_least(X, k)
    if distinct is not None:
        raise SegwidgetsDataError(
            f"k={k} is more than the {distinct:,} distinct rows in the data; "
            f"choose k of at most {max(distinct, 1)}."
        )


# --------------------------------------------------------------------------- knee


def find_knee(ks: Sequence[float], values: Sequence[float], *, log: bool = True) -> int | None:
    """The elbow of a decreasing, convex curve (Kneedle-style), or None.

    ``ks`` and ``values`` are normalised to 0..1; the knee is the ``k`` whose
    point lies farthest below the chord from the first point to the last.
    With ``log`` (the default) the values are compared on a log scale, so a
    drop counts by the share of the spread it removes: on a linear scale a
    long convex run of large early drops pulls the knee below the true
    number of groups (k=6 well-separated blobs read as 5). Values that are
    not all positive are compared on a linear scale. Missing values (NaN)
    are skipped. None when there are fewer than 3 points, the curve does not
    decrease, or no point lies clearly below the chord (a straight or
    concave curve has no elbow).
    """
    x = np.asarray(ks, dtype=float)
    y = np.asarray(values, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise SegwidgetsValueError("There must be one value per k to find the knee.")
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    if len(x) < 3 or x[-1] == x[0] or y[0] <= y[-1]:
        return None
    if log and y.min() > 0:
        y = np.log(y)
    span = y.max() - y.min()
    xn = (x - x[0]) / (x[-1] - x[0])
    yn = (y - y.min()) / span
    # signed distance below the chord from (0, yn[0]) to (1, yn[-1]), up to a constant factor
    chord = yn[0] + (yn[-1] - yn[0]) * xn
    below = (chord - yn) / math.hypot(1.0, yn[-1] - yn[0])
    best = int(np.argmax(below))
    if below[best] < KNEE_MIN_DISTANCE:
        return None
    return int(round(x[best]))


# --------------------------------------------------------------------------- dendrogram


@dataclass
class DendrogramResult:
    """A hierarchical tree over the rows (or over a seeded sample of them).

    Attributes:
        linkage: scipy linkage matrix ``(n_leaves - 1, 4)``; heights in column 2.
        method: linkage method (``"ward"`` ...).
        n_rows: rows of ``X``.
        leaf_index: positions (into ``X``) of the tree's leaves, or None when every row is a leaf.
        note: what the tree was built from, in plain words (None when from every row).
        X: the rows (kept to place rows that are not leaves when the tree is cut).
    """

    linkage: np.ndarray
    method: str
    n_rows: int
    leaf_index: np.ndarray | None = None
    note: str | None = None
    X: np.ndarray = field(default=None, repr=False)  # type: ignore[assignment]

    @property
    def n_leaves(self) -> int:
        return int(self.linkage.shape[0] + 1)

    @property
    def heights(self) -> np.ndarray:
        """Merge heights, ascending."""
        return self.linkage[:, 2]

    def coordinates(self, p: int = 30) -> dict[str, Any]:
        """scipy's drawing data (``icoord``, ``dcoord``, ``ivl`` ...) for the top ``p`` branches."""
        return hierarchy.dendrogram(
            self.linkage, p=p, truncate_mode="lastp", no_plot=True, count_sort=False
        )


def dendrogram_data(
    X: np.ndarray | Prepared, *, max_rows: int = 2000, seed: int = 0, method: str = "ward"
) -> DendrogramResult:
    """Build a hierarchical tree with scipy's ``linkage``.

    Every row is a leaf when there are at most ``max_rows`` rows; otherwise the
    tree is built on a seeded random sample of ``max_rows`` rows (the cost
    grows with rows squared) and :func:`cut_by_k` places the other rows in the
    segment with the nearest mean, as fitting Ward on a large table does.
    """
    X = _rows(X)
    if method not in LINKAGE_METHODS:
        raise SegwidgetsValueError(
            f"Unknown linkage {method!r}; choose one of {', '.join(LINKAGE_METHODS)}."
        )
    max_rows = int(max_rows)
    if max_rows < 2:
        raise SegwidgetsValueError("A tree needs at least 2 rows; raise max_rows.")
    n = len(X)
    leaf_index = None
    note = None
    leaves = X
    if n > max_rows:
        leaf_index = _sample_index(n, max_rows, seed)
        leaves = X[leaf_index]
        note = (
            f"Built from {max_rows:,} of {n:,} rows (a random sample); "
            "the other rows join the segment with the nearest mean."
        )
    Z, _builder = linkage_matrix(leaves, method)  # fastcluster for Ward: memory ~ rows, not rows squared
    return DendrogramResult(linkage=Z, method=method, n_rows=n, leaf_index=leaf_index, note=note, X=X)


def _leaf_labels(Z: np.ndarray, k: int) -> np.ndarray:
    """Cut the tree by undoing its last ``k - 1`` merges; segments numbered left to right."""
    n = Z.shape[0] + 1
    parent = np.arange(2 * n - 1)
    for i in range(n - k):
        a, b = int(Z[i, 0]), int(Z[i, 1])
        parent[a] = parent[b] = n + i
    # find the root (within the first n - k merges) of every node, top down
    root = parent.copy()
    for node in range(2 * n - 2, -1, -1):
        root[node] = root[parent[node]] if parent[node] != node else node
    leaf_roots = root[:n]
    order = hierarchy.leaves_list(Z)
    _, first = np.unique(leaf_roots[order], return_index=True)
    ranked = leaf_roots[order][np.sort(first)]  # roots in the order the dendrogram draws them
    codes = np.empty(2 * n - 1, dtype=np.int64)
    codes[ranked] = np.arange(len(ranked))
    return codes[leaf_roots]


def cut_by_k(result: DendrogramResult, k: int) -> np.ndarray:
    """Labels (int32, one per row of ``X``) for ``k`` segments, numbered left to right.

    Cutting undoes the last ``k - 1`` merges, so there are exactly ``k``
    segments even where merge heights tie.
    """
    k = int(k)
    if not 1 <= k <= result.n_leaves:
        raise SegwidgetsValueError(
            f"k={k} is not possible: the tree has {result.n_leaves:,} leaves; "
            f"choose k from 1 to {result.n_leaves:,}."
        )
    leaf_labels = _leaf_labels(result.linkage, k)
    if result.leaf_index is None:
        return leaf_labels.astype(np.int32)
    centers = segment_means(result.X[result.leaf_index], leaf_labels, k)
    labels = nearest_center(result.X, centers)
    labels[result.leaf_index] = leaf_labels
    return labels.astype(np.int32)


def branch_groups(result: DendrogramResult, coordinates: Mapping[str, Any], k: int) -> np.ndarray:
    """For each branch scipy draws (``coordinates["icoord"]`` order): the segment of the cut into
    ``k`` it falls in (0 to k-1, numbered left to right as :func:`cut_by_k` numbers them), or -1 for
    a branch above the cut (a merge the cut undoes)."""
    k = int(k)
    Z, n = result.linkage, result.n_leaves
    leaf_labels = _leaf_labels(Z, k)

    def first_leaf(node: int) -> int:
        while node >= n:
            node = int(Z[node - n, 0])
        return node

    drawn = [int(leaf_labels[first_leaf(int(node))]) for node in coordinates["leaves"]]
    icoord = np.asarray(coordinates["icoord"], dtype=float).reshape(-1, 4)
    dcoord = np.asarray(coordinates["dcoord"], dtype=float).reshape(-1, 4)
    cut = height_for_k(result, k)
    groups = np.full(len(icoord), -1, dtype=np.int64)
    for i, (xs, ys) in enumerate(zip(icoord, dcoord)):
        # below the cut if its merge is among the first n - k (heights tie: compare with the cut)
        if ys[1] < cut or (k < n and ys[1] <= Z[n - k - 1, 2] and ys[1] < Z[n - k, 2]):
            leaf = int(np.clip(np.rint((xs[0] - 5.0) / 10.0), 0, len(drawn) - 1))
            groups[i] = drawn[leaf]
    return groups


def leaf_sizes(coordinates: Mapping[str, Any]) -> np.ndarray:
    """Rows under each leaf scipy draws: a truncated leaf's label is ``"(123)"``, a single row's
    is its index (1 row)."""
    sizes = []
    for label in coordinates["ivl"]:
        text = str(label)
        sizes.append(int(text[1:-1]) if text.startswith("(") and text.endswith(")") else 1)
    return np.array(sizes, dtype=np.int64)


def height_for_k(result: DendrogramResult, k: int) -> float:
    """A height at which cutting the tree gives ``k`` segments.

    The midpoint of the gap between the merge that makes ``k`` segments and
    the next one (0 for every leaf apart; above the top merge for 1). When
    merge heights tie there, no height gives exactly ``k``; the tied height
    is returned.
    """
    k = int(k)
    n = result.n_leaves
    if not 1 <= k <= n:
        raise SegwidgetsValueError(f"k={k} is not possible: choose k from 1 to {n:,}.")
    h = result.heights
    if k == n:
        return 0.0
    if k == 1:
        return float(h[-1] * 1.05) if h[-1] > 0 else 1.0
    return float((h[n - k - 1] + h[n - k]) / 2.0)


def cut_by_height(result: DendrogramResult, h: float) -> int:
    """Number of segments when the tree is cut at height ``h`` (merges at or below ``h`` kept)."""
    h = float(h)
    if not math.isfinite(h):
        raise SegwidgetsValueError("The cut height must be a number.")
    return int(result.n_leaves - np.searchsorted(result.heights, h, side="right"))


# --------------------------------------------------------------------------- sweep over k


@dataclass
class SweepResult:
    """Quality of the segmentation for each k tried.

    Attributes:
        table: DataFrame indexed by ``k`` with ``inertia``, ``silhouette``,
            ``calinski_harabasz``, ``davies_bouldin``, ``bic`` (Gaussian
            mixture only), ``n_segments`` (found) and ``seconds``.
        knee: the elbow of the inertia curve (:func:`find_knee`), or None.
        labels: int32 labels (one per row of ``X``) per k, as a fit gives them.
        algorithm: the registry key used.
        cancelled: whether the sweep stopped early because it was asked to.
        notes: what was done, in plain words.
    """

    table: pd.DataFrame
    knee: int | None
    labels: dict[int, np.ndarray]
    algorithm: str
    cancelled: bool = False
    notes: list[str] = field(default_factory=list)


def sweep_k(
    X: np.ndarray | Prepared,
    ks: Iterable[int] = range(2, 13),
    *,
    algorithm: str = "kmeans",
    seed: int = 0,
    sample_size: int = 2000,
    params: dict[str, Any] | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    on_fit: Callable[[int, Any, dict[str, Any]], None] | None = None,
) -> SweepResult:
    """Fit ``algorithm`` for each k and measure it.

    Hierarchical algorithms build their tree once (on the same seeded sample
    a fit uses on a large table) and cut it for each k: the same segments as
    fitting each k separately, at the cost of one fit. ``progress(done,
    total)`` is called after each k; ``cancel()`` is asked before each k and
    a true answer stops the sweep with the ks done so far. ``on_fit(k, fit,
    metrics)`` receives each :class:`~segwidgets.core.algorithms.ClusterFit`
    (not for hierarchical cuts) with its metrics, so a caller can cache them.
    """
    prepared_in = X if isinstance(X, Prepared) else None
    X = _rows(X)
    info = algorithm_info(algorithm)
    if not info.uses_k:
        raise SegwidgetsValueError(
            f"{info.label} chooses the number of segments by itself; "
            "a comparison over k does not apply to it."
        )
    ks = _ks(ks)
    n = len(X)
    prepared = prepared_in if prepared_in is not None else _as_prepared(X)
    rows: list[dict[str, Any]] = []
    labels_by_k: dict[int, np.ndarray] = {}
    notes: list[str] = []
    cancelled = False
    tree: DendrogramResult | None = None
    params = dict(params or {})
    estimator = info.make(2, seed, params)
    linkage = getattr(estimator, "linkage", None)
    hierarchical = isinstance(estimator, AgglomerativeClustering) and linkage in LINKAGE_METHODS
    for done, k in enumerate(ks):
        if cancel is not None and cancel():
            cancelled = True
            notes.append(f"Stopped early at your request after {done} of {len(ks)} values of k.")
            break
        started = time.perf_counter()
        bic = None
        try:
            if hierarchical:
                _check_room(X, k)
                if tree is None:
                    limit = info.max_rows if info.max_rows is not None else n
                    tree = dendrogram_data(X, max_rows=limit, seed=seed, method=linkage)
                    if tree.note:
                        notes.append(f"{info.label}: {tree.note}")
                labels = cut_by_k(tree, k)
            else:
                fit = fit_prepared(prepared, algorithm, k, seed, params, cancel=cancel)
                labels = fit.labels.astype(np.int32)
                notes.extend(w for w in fit.warnings if w not in notes)
                if algorithm == "gmm":
                    fitted_rows = X if fit.sample_index is None else X[fit.sample_index]
                    bic = float(fit.estimator.bic(fitted_rows))
        except SegwidgetsCancelled:  # asked between the starts of a k-means with several
            cancelled = True
            notes.append(f"Stopped early at your request after {done} of {len(ks)} values of k.")
            break
        except SegwidgetsDataError as error:
            notes.append(f"Stopped at k={k}: {error}")
            break
        metrics = compute_metrics(X, labels, sample_size=sample_size, seed=seed)
        if on_fit is not None and not hierarchical:
            on_fit(k, fit, metrics)
        row = {
            "k": k,
            "inertia": metrics["inertia"],
            "silhouette": metrics["silhouette"],
            "calinski_harabasz": metrics["calinski_harabasz"],
            "davies_bouldin": metrics["davies_bouldin"],
        }
        if algorithm == "gmm":
            row["bic"] = bic
        row["n_segments"] = metrics["n_segments"]
        row["seconds"] = time.perf_counter() - started
        rows.append(row)
        labels_by_k[k] = labels
        if progress is not None:
            progress(done + 1, len(ks))
    columns = ["inertia", "silhouette", "calinski_harabasz", "davies_bouldin"]
    columns += ["bic"] if algorithm == "gmm" else []
    columns += ["n_segments", "seconds"]
    table = pd.DataFrame(rows, columns=["k", *columns]).set_index("k").astype(
        {c: float for c in columns if c != "n_segments"} | {"n_segments": int}
    )
    knee = find_knee(table.index.to_numpy(), table["inertia"].to_numpy())
    return SweepResult(table=table, knee=knee, labels=labels_by_k, algorithm=algorithm,
                       cancelled=cancelled, notes=notes)


# --------------------------------------------------------------------------- silhouettes


def silhouette_samples_by_segment(
    X: np.ndarray | Prepared, labels: Any, *, sample_size: int = 2000, seed: int = 0
) -> pd.DataFrame:
    """Silhouette of each row of a seeded sample, ready for a silhouette plot.

    Returns a DataFrame with ``row`` (position in ``X``), ``segment`` and
    ``silhouette``, sorted by segment and, within it, by silhouette from
    high to low. Rows labelled ``-1`` are left out. The sample holds a share
    of every segment proportional to its size, and at least 2 rows of each
    segment that has them; ``attrs["note"]`` says when it is a sample.
    """
    X = _rows(X)
    labels = check_labels(labels, len(X))
    kept = np.flatnonzero(labels >= 0)
    segments, sizes = np.unique(labels[kept], return_counts=True)
    if len(segments) < 2:
        raise SegwidgetsDataError("Silhouettes need at least 2 segments.")
    sample_size = int(sample_size)
    note = None
    if len(kept) > sample_size:
        if sample_size < 2 * len(segments):
            raise SegwidgetsValueError(
                f"A sample of {sample_size:,} rows is too small for {len(segments)} segments; "
                f"use at least {2 * len(segments)}."
            )
        rng = np.random.default_rng(seed)
        quota = np.maximum(np.minimum(sizes, 2), np.floor(sizes * sample_size / len(kept))).astype(int)
        chosen = [
            rng.choice(kept[labels[kept] == s], size=q, replace=False)
            for s, q in zip(segments, quota)
        ]
        kept = np.sort(np.concatenate(chosen))
        note = f"Silhouettes of {len(kept):,} of {int(sizes.sum()):,} rows (a random sample)."
    values = silhouette_samples(X[kept], labels[kept])
    out = pd.DataFrame({"row": kept, "segment": labels[kept], "silhouette": values})
    out = out.sort_values(["segment", "silhouette"], ascending=[True, False], kind="stable")
    out = out.reset_index(drop=True)
    out.attrs["note"] = note
    return out


# --------------------------------------------------------------------------- comparison


@dataclass
class Comparison:
    """Several algorithms fitted with the same k on the same rows.

    Attributes:
        metrics: DataFrame indexed by algorithm key: ``label``, ``n_segments``,
            ``inertia``, ``silhouette``, ``calinski_harabasz``,
            ``davies_bouldin``, ``seconds`` (NaN where a fit failed).
        ari: symmetric DataFrame of adjusted Rand indices between the
            algorithms' labels (1 on the diagonal; 1 = same segments).
        labels: labels per algorithm over the compared rows.
        rows: positions (into ``X``) of the compared rows, or None for all rows.
        note: which rows were compared, in plain words (None when all).
        warnings: plain-words warnings from the fits.
    """

    metrics: pd.DataFrame
    ari: pd.DataFrame
    labels: dict[str, np.ndarray]
    rows: np.ndarray | None = None
    note: str | None = None
    warnings: list[str] = field(default_factory=list)


def comparable(algorithms: Iterable[str]) -> tuple[str, ...]:
    """``algorithms`` without repeats, checked: known to the registry, and each fitted at a given k."""
    keys = tuple(dict.fromkeys(str(a) for a in algorithms))
    unknown = [a for a in keys if a not in ALGORITHMS]
    if unknown or not keys:
        raise SegwidgetsValueError(
            f"Choose algorithms from {', '.join(ALGORITHMS)}"
            + (f"; unknown: {', '.join(unknown)}." if unknown else ".")
        )
    no_k = [ALGORITHMS[a].label for a in keys if not ALGORITHMS[a].uses_k]
    if no_k:
        raise SegwidgetsValueError(
            f"{', '.join(no_k)} chooses the number of segments by itself and cannot be "
            "compared at the same k."
        )
    return keys


def compare_algorithms(
    X: np.ndarray | Prepared,
    k: int,
    algorithms: Sequence[str] = ("kmeans", "ward", "gmm"),
    seed: int = 0,
    *,
    max_rows: int = COMPARE_MAX_ROWS,
    sample_size: int = 2000,
) -> Comparison:
    """Fit each algorithm with ``k`` segments and compare them.

    When an algorithm's cost grows with rows squared and there are more than
    ``max_rows`` rows, every algorithm is fitted and measured on the same
    seeded sample of ``max_rows`` rows, so all of them see the same rows.
    """
    X = _rows(X)
    algorithms = list(dict.fromkeys(algorithms))
    if not algorithms:
        raise SegwidgetsValueError("Choose at least one algorithm to compare.")
    infos = {key: algorithm_info(key) for key in algorithms}
    k = check_k(k)
    n = len(X)
    limit = min([int(max_rows)] + [i.max_rows for i in infos.values() if i.max_rows is not None])
    quadratic = any(i.max_rows is not None for i in infos.values())
    rows = None
    note = None
    if quadratic and n > limit:
        rows = _sample_index(n, limit, seed)
        note = (
            f"All algorithms were compared on the same random sample of {limit:,} of {n:,} rows "
            "(some of them grow with rows squared)."
        )
    X_used = X if rows is None else X[rows]
    prepared = _as_prepared(X_used)
    records: dict[str, dict[str, Any]] = {}
    labels: dict[str, np.ndarray] = {}
    warnings: list[str] = []
    for key, info in infos.items():
        record: dict[str, Any] = {"label": info.label}
        started = time.perf_counter()
        try:
            fit = fit_prepared(prepared, key, k, seed)
        except SegwidgetsDataError as error:
            warnings.append(f"{info.label}: {error}")
            records[key] = record
            continue
        record["seconds"] = time.perf_counter() - started
        warnings.extend(fit.warnings)
        labels[key] = fit.labels.astype(np.int32)
        m = compute_metrics(X_used, fit.labels, sample_size=sample_size, seed=seed)
        record.update({name: m[name] for name in
                       ("n_segments", "inertia", "silhouette", "calinski_harabasz", "davies_bouldin")})
        records[key] = record
    columns = ["label", "n_segments", "inertia", "silhouette", "calinski_harabasz",
               "davies_bouldin", "seconds"]
    metrics = pd.DataFrame.from_dict(records, orient="index").reindex(columns=columns)
    for column in columns[2:]:
        metrics[column] = metrics[column].astype(float)
    metrics.index.name = "algorithm"
    ari = pd.DataFrame(np.nan, index=algorithms, columns=algorithms)
    for a in algorithms:
        if a in labels:
            ari.loc[a, a] = 1.0
    for a, b in combinations(algorithms, 2):
        if a in labels and b in labels:
            ari.loc[a, b] = ari.loc[b, a] = adjusted_rand_score(labels[a], labels[b])
    ari.index.name = ari.columns.name = "algorithm"
    return Comparison(metrics=metrics, ari=ari, labels=labels, rows=rows, note=note,
                      warnings=warnings)


# --------------------------------------------------------------------------- stability


STABILITY_METHODS: tuple[str, ...] = ("seeds", "bootstrap")


def _pairwise_ari(runs: list[tuple[np.ndarray | None, np.ndarray]], n: int) -> list[float]:
    """ARI between every pair of runs, each ``(rows, labels)``, on the rows both labelled."""
    scores = []
    for (rows_a, la), (rows_b, lb) in combinations(runs, 2):
        if rows_a is None and rows_b is None:
            scores.append(adjusted_rand_score(la, lb))
            continue
        full_a = np.full(n, -2, dtype=np.int64)
        full_b = np.full(n, -2, dtype=np.int64)
        full_a[rows_a if rows_a is not None else slice(None)] = la
        full_b[rows_b if rows_b is not None else slice(None)] = lb
        shared = (full_a != -2) & (full_b != -2)
        scores.append(adjusted_rand_score(full_a[shared], full_b[shared]))
    return scores


def stability(
    X: np.ndarray | Prepared,
    ks: Iterable[int],
    *,
    n_runs: int = 5,
    seed: int = 0,
    method: str = "seeds",
    algorithm: str = "kmeans",
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> pd.DataFrame:
    """How much the segments change between runs, per k.

    ``method="seeds"`` refits on all rows with seeds ``seed .. seed + n_runs - 1``;
    ``method="bootstrap"`` refits on ``n_runs`` bootstrap resamples of the rows
    and compares each pair of runs on the rows both resamples drew. Returns a
    DataFrame indexed by ``k`` with ``mean_ari`` and ``min_ari`` (adjusted
    Rand index over the pairs of runs: 1 = the same segments every time,
    near 0 = no more alike than chance) and ``n_runs``. ``progress(done,
    total)`` is called after each k; ``cancel()`` before each k stops early.
    """
    X = _rows(X)
    if method not in STABILITY_METHODS:
        raise SegwidgetsValueError(
            f"Unknown stability method {method!r}; choose one of {', '.join(STABILITY_METHODS)}."
        )
    info = algorithm_info(algorithm)
    if not info.uses_k:
        raise SegwidgetsValueError(
            f"{info.label} chooses the number of segments by itself; stability per k does not apply."
        )
    if isinstance(n_runs, bool) or not isinstance(n_runs, (int, np.integer)) or n_runs < 2:
        raise SegwidgetsValueError("Stability needs at least 2 runs to compare.")
    ks = _ks(ks)
    n = len(X)
    full = _as_prepared(X)
    resamples: list[np.ndarray | None] = []
    for r in range(int(n_runs)):
        if method == "bootstrap":
            resamples.append(np.random.default_rng([seed, r]).integers(0, n, size=n))
        else:
            resamples.append(None)
    records = []
    for done, k in enumerate(ks):
        if cancel is not None and cancel():
            break
        runs: list[tuple[np.ndarray | None, np.ndarray]] = []
        try:
            for r, drawn in enumerate(resamples):
                if drawn is None:
                    fit = fit_prepared(full, algorithm, k, seed + r)
                    runs.append((None, fit.labels))
                else:
                    fit = fit_prepared(_as_prepared(X[drawn]), algorithm, k, seed + r)
                    # a row drawn twice has one label per copy; keep its first
                    rows, first = np.unique(drawn, return_index=True)
                    runs.append((rows, fit.labels[first]))
        except SegwidgetsDataError:
            break
        scores = _pairwise_ari(runs, n)
        records.append({"k": k, "mean_ari": float(np.mean(scores)), "min_ari": float(np.min(scores)),
                        "n_runs": int(n_runs)})
        if progress is not None:
            progress(done + 1, len(ks))
    out = pd.DataFrame(records, columns=["k", "mean_ari", "min_ari", "n_runs"]).set_index("k")
    return out.astype({"mean_ari": float, "min_ari": float, "n_runs": int})


# --------------------------------------------------------------------------- readings


#: Sweep metric key -> (label, which way is better, what it says).
SWEEP_METRICS: dict[str, tuple[str, str, str]] = {
    "inertia": ("Inertia (the elbow)", "lower",
                "spread inside segments; it always falls as k grows, so look for the bend"),
    "silhouette": ("Silhouette", "higher",
                   "how much closer rows are to their own segment than to the next (-1 to 1)"),
    "calinski_harabasz": ("Calinski–Harabasz", "higher", "separation between segments over spread inside them"),
    "davies_bouldin": ("Davies–Bouldin", "lower", "how alike each segment is to its most similar neighbour"),
    "bic": ("BIC (Gaussian mixture)", "lower", "fit of the mixture, penalised for its size"),
}
#: Mean ARI at or above which a k reads as steady; below SHAKY_ARI as unsteady.
STEADY_ARI = 0.9
SHAKY_ARI = 0.8
#: ARI between two algorithms at or above which they "agree closely"; below AGREE_PARTLY they differ.
AGREE_CLOSELY = 0.8
AGREE_PARTLY = 0.5


def sweep_outcome(result: SweepResult, n_ks: int) -> str:
    """What a finished sweep of ``n_ks`` values of k found, in a sentence (and its first notes)."""
    if result.cancelled:
        words = f"Cancelled after {len(result.table)} of {n_ks} values of k."
    elif result.knee is not None:
        words = f"Done: the elbow of the inertia curve is at k={result.knee}."
    else:
        words = "Done: the inertia curve has no clear elbow; read the other measures."
    return f"{words} {' '.join(result.notes[:3])}".strip()


def best_k(table: pd.DataFrame, metric: str) -> int | None:
    """The k of a sweep's ``table`` with the best ``metric`` (see :data:`SWEEP_METRICS`).

    None for inertia (it always improves with k: its reading is the elbow) or without a finite value.
    """
    values = table[metric].to_numpy(dtype=float) if metric in table else np.zeros(0)
    if metric == "inertia" or not np.isfinite(values).any():
        return None
    pick = np.nanargmax(values) if SWEEP_METRICS[metric][1] == "higher" else np.nanargmin(values)
    return int(table.index[pick])


def read_stability(table: pd.DataFrame) -> str:
    """The values of k whose segments come back run after run, and those that do not."""
    steady = [int(k) for k, v in table["mean_ari"].items() if v >= STEADY_ARI]
    shaky = [int(k) for k, v in table["mean_ari"].items() if v < SHAKY_ARI]
    parts = []
    if steady:
        parts.append(f"steady (mean ARI ≥ {STEADY_ARI:g}): k = {', '.join(map(str, steady))}")
    if shaky:
        parts.append(f"unsteady (below {SHAKY_ARI:g}): k = {', '.join(map(str, shaky))}")
    return "; ".join(parts) or "No k is fully steady."


def best_rows(metrics: pd.DataFrame, column: str, better: str) -> set[str]:
    """The algorithms of a :class:`Comparison` holding the best ``column`` (ties all count; NaN never)."""
    values = metrics[column].astype(float)
    values = values[np.isfinite(values)]
    if values.empty:
        return set()
    best = values.max() if better == "higher" else values.min()
    return {str(key) for key, value in values.items() if math.isclose(value, best, rel_tol=1e-9, abs_tol=1e-12)}


def algorithm_label(key: str) -> str:
    """The name of algorithm ``key`` as a person reads it (the key itself if unknown)."""
    try:
        return algorithm_info(key).label
    except SegwidgetsValueError:
        return str(key)


def read_ari(ari: pd.DataFrame) -> str:
    """One or two sentences reading the agreement matrix of a :class:`Comparison`.

    The closest pair first ("k-means and Hierarchical (Ward) agree closely (ARI 0.93)"),
    then each other algorithm by its best agreement with that pair
    ("Gaussian mixture differs (0.41)").
    """
    keys = [str(k) for k in ari.index if math.isfinite(float(ari.loc[k, k]))]
    if len(keys) < 2:
        return "Only one algorithm could be compared, so there is no agreement to read."
    pairs = [(float(ari.loc[a, b]), a, b) for i, a in enumerate(keys) for b in keys[i + 1:]]
    pairs = [p for p in pairs if math.isfinite(p[0])]
    value, a, b = max(pairs, key=lambda p: p[0])
    if value >= AGREE_CLOSELY:
        verb = "agree closely"
    elif value >= AGREE_PARTLY:
        verb = "agree in part"
    else:
        verb = "disagree" if len(keys) == 2 else "agree best, but still differ"
    sentence = f"{algorithm_label(a)} and {algorithm_label(b)} {verb} (ARI {value:.2f})"
    others = []
    for key in keys:
        if key in (a, b):
            continue
        closest = max(float(ari.loc[key, a]), float(ari.loc[key, b]))
        if closest >= AGREE_CLOSELY:
            others.append(f"{algorithm_label(key)} agrees with them too ({closest:.2f})")
        elif closest >= AGREE_PARTLY:
            others.append(f"{algorithm_label(key)} agrees in part ({closest:.2f})")
        else:
            others.append(f"{algorithm_label(key)} differs ({closest:.2f})")
    if others:
        sentence += "; " + "; ".join(others)
    return sentence + ". (1 = the same segments, 0 = no more alike than chance.)"
