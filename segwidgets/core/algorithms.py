"""The algorithm registry and fitting.

Every algorithm is a scikit-learn estimator; :func:`fit_prepared` fits it on
the rows :func:`~segwidgets.core.preprocess.prepare` made, as the
``Pipeline([("prep", ColumnTransformer), ("model", estimator)])`` a person
would write by hand does, so labels equal plain scikit-learn's for the same
data and seed. Quadratic algorithms (agglomerative, HDBSCAN) are fitted
on a seeded sample of large tables and the other rows join the nearest
segment centre; the result says so.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import sklearn
from sklearn.cluster import HDBSCAN, AgglomerativeClustering, KMeans, MiniBatchKMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from ..errors import SegwidgetsCancelled, SegwidgetsDataError, SegwidgetsValueError
from .constraints import Constraint, Either, Nothing, OneOf, Settings, Whole
from .hierarchy import LINKAGES, Tree, build_tree, cut, tree_rows
from .preprocess import Prepared

K_MIN, K_MAX = 2, 50

#: Seconds one fit may take. k-means with several starts (``n_init``) is run one start at a
#: time: after the first start the whole fit is estimated and refused in words if it would
#: take longer, and the clock is checked between starts. Other algorithms are bounded by
#: their settings' ranges and the rows they are fitted on (``max_rows``).
FIT_SECONDS = 60.0

#: Every algorithm setting a spec or a link can carry: what it accepts and its name in a
#: message. Checked (in words) before any of them reaches scikit-learn.
PARAMETERS: dict[str, tuple[Constraint, str]] = {
    "n_init": (Either((OneOf(("auto",)), Whole(1, 100))),
               "The number of k-means starts (n_init, auto: one k-means++ start)"),
    "batch_size": (Whole(16, 1_000_000), "The mini-batch size (batch_size)"),
    "covariance_type": (OneOf(("full", "tied", "diag", "spherical")),
                        "The mixture's covariance type (covariance_type)"),
    "min_cluster_size": (Whole(2, 100_000), "The minimum segment size (min_cluster_size)"),
    "min_samples": (Either((Nothing(), Whole(1, 100_000))), "HDBSCAN's min_samples"),
}

#: The constraint that checks a whole ``params`` mapping.
PARAMS_CONSTRAINT = Settings(tuple((name, c, label) for name, (c, label) in PARAMETERS.items()))


def check_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with each known setting checked against :data:`PARAMETERS`; a plain error if not."""
    return PARAMS_CONSTRAINT.check("params", params)


@dataclass(frozen=True)
class AlgorithmInfo:
    """One entry of the registry.

    Attributes:
        key: registry key (``"kmeans"`` ...).
        label: what people see.
        make: ``make(k, seed, params) -> estimator``.
        uses_k: whether the number of segments is a parameter.
        centroid: whether rows belong to their nearest centre (k-means family).
        max_rows: rows above which it is fitted on a sample (quadratic cost), or None.
        description: one sentence for people choosing.
    """

    key: str
    label: str
    make: Callable[[int, int, Mapping[str, Any]], Any]
    uses_k: bool = True
    centroid: bool = False
    max_rows: int | None = None
    description: str = ""


def _kmeans(k: int, seed: int, params: Mapping[str, Any]) -> KMeans:
    return KMeans(n_clusters=k, random_state=seed, n_init=params.get("n_init", "auto"))


def _minibatch(k: int, seed: int, params: Mapping[str, Any]) -> MiniBatchKMeans:
    return MiniBatchKMeans(
        n_clusters=k, random_state=seed, n_init=params.get("n_init", "auto"),
        batch_size=int(params.get("batch_size", 4096)),
    )


def _agglomerative(linkage: str) -> Callable[[int, int, Mapping[str, Any]], AgglomerativeClustering]:
    def make(k: int, seed: int, params: Mapping[str, Any]) -> AgglomerativeClustering:
        return AgglomerativeClustering(n_clusters=k, linkage=linkage)

    return make


def _gmm(k: int, seed: int, params: Mapping[str, Any]) -> GaussianMixture:
    return GaussianMixture(
        n_components=k, random_state=seed,
        covariance_type=params.get("covariance_type", "full"),
    )


def _hdbscan(k: int, seed: int, params: Mapping[str, Any]) -> HDBSCAN:
    return HDBSCAN(
        min_cluster_size=int(params.get("min_cluster_size", 25)),
        min_samples=params.get("min_samples"),
        copy=True,
    )


ALGORITHMS: dict[str, AlgorithmInfo] = {
    info.key: info
    for info in (
        AlgorithmInfo("kmeans", "k-means", _kmeans, centroid=True,
                      description="Round segments around k centres; fast, the usual choice."),
        AlgorithmInfo("minibatch_kmeans", "Mini-batch k-means", _minibatch, centroid=True,
                      description="k-means on small batches; fastest on very large tables."),
        AlgorithmInfo("ward", "Hierarchical (Ward)", _agglomerative("ward"), max_rows=tree_rows("ward"),
                      description="Merges groups so segments stay compact; reads as a dendrogram."),
        AlgorithmInfo("average", "Hierarchical (average)", _agglomerative("average"), max_rows=tree_rows("average"),
                      description="Merges groups by average distance; finds uneven shapes."),
        AlgorithmInfo("complete", "Hierarchical (complete)", _agglomerative("complete"), max_rows=tree_rows("complete"),
                      description="Merges groups by their farthest points; compact, similar sizes."),
        AlgorithmInfo("gmm", "Gaussian mixture", _gmm,
                      description="Soft, elliptical segments of different sizes and spreads."),
        AlgorithmInfo("hdbscan", "HDBSCAN (density)", _hdbscan, uses_k=False, max_rows=20_000,
                      description="Finds dense groups by itself and leaves outliers unassigned."),
    )
}


def algorithm_info(key: str) -> AlgorithmInfo:
    """Return the registry entry for ``key`` or raise a plain-words error."""
    try:
        return ALGORITHMS[key]
    except KeyError:
        raise SegwidgetsValueError(
            f"Unknown algorithm {key!r}; choose one of {', '.join(ALGORITHMS)}."
        ) from None


@dataclass
class ClusterFit:
    """An algorithm fitted on prepared rows.

    Attributes:
        labels: int64 per prepared row: 0..n_segments-1, -1 for noise.
        n_segments: number of segments found.
        centers_scaled: ``(n_segments, p)`` centres in the preprocessed space.
        estimator: the fitted scikit-learn estimator.
        sample_index: positions (into the prepared rows) the estimator saw, or None for all.
        timings: seconds per phase.
        warnings: plain-words warnings for people.
    """

    labels: np.ndarray
    n_segments: int
    centers_scaled: np.ndarray
    estimator: Any
    sample_index: np.ndarray | None = None
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def check_k(k: object) -> int:
    """Return ``k`` as an int in [K_MIN, K_MAX] or raise a plain-words error."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise SegwidgetsValueError(f"k must be a whole number from {K_MIN} to {K_MAX}, not {k!r}.")
    if not K_MIN <= int(k) <= K_MAX:
        raise SegwidgetsValueError(f"k must be a whole number from {K_MIN} to {K_MAX}, not {k}.")
    return int(k)


def _distinct_rows_at_least(X: np.ndarray, k: int) -> int | None:
    """Number of distinct rows if it is below ``k``, else None (cheap for big tables)."""
    head = X[: min(len(X), 5000)]
    if len(np.unique(head, axis=0)) >= k:
        return None
    distinct = len(np.unique(X, axis=0))
    return distinct if distinct < k else None


def segment_means(X: np.ndarray, labels: np.ndarray, n_segments: int) -> np.ndarray:
    """Mean of the rows of each segment (labels -1 ignored), ``(n_segments, p)``."""
    keep = labels >= 0
    sums = np.zeros((n_segments, X.shape[1]))
    np.add.at(sums, labels[keep], X[keep])
    counts = np.bincount(labels[keep], minlength=n_segments).astype(float)
    return sums / np.maximum(counts, 1)[:, None]


def nearest_center(X: np.ndarray, centers: np.ndarray, chunk: int = 65536) -> np.ndarray:
    """Index of the nearest centre for each row (squared Euclidean), in chunks."""
    out = np.empty(len(X), dtype=np.int64)
    c2 = (centers ** 2).sum(axis=1)
    for start in range(0, len(X), chunk):
        block = X[start:start + chunk]
        d = c2[None, :] - 2.0 * block @ centers.T
        out[start:start + chunk] = d.argmin(axis=1)
    return out


def fit_prepared(
    prepared: Prepared,
    algorithm: str,
    k: int,
    seed: int = 0,
    params: Mapping[str, Any] | None = None,
    *,
    init: np.ndarray | None = None,
    cancel: Callable[[], bool] | None = None,
    budget: float | None = None,
    tree: Tree | None = None,
) -> ClusterFit:
    """Fit ``algorithm`` with ``k`` segments on prepared rows.

    ``init`` (k-means methods only): ``(k, p)`` starting centres instead of the
    seeded k-means++ start (one run from there; see :func:`fit_warm`).
    ``cancel()`` and ``budget`` (seconds; default :data:`FIT_SECONDS`) are checked between
    the starts of a k-means with ``n_init > 1`` (:func:`_kmeans_restarts`): the labels are those of
    ``KMeans(n_init=…)`` all the same.

    Hierarchical methods (Ward, average, complete) cut a tree (:mod:`.hierarchy`): ``tree``, built
    by :func:`~.hierarchy.build_tree` on these rows with this seed and ``max_rows``, is cut at
    ``k`` in milliseconds (built here when not given). The segments are those of scikit-learn's
    ``AgglomerativeClustering`` on the same rows; the fit's ``estimator`` is the tree.

    Raises:
        SegwidgetsDataError: the rows cannot be segmented as asked, or the fit would take
            longer than ``budget``.
        SegwidgetsCancelled: ``cancel()`` said to stop.
    """
    info = algorithm_info(algorithm)
    params = dict(params or {})
    X = prepared.X
    n = len(X)
    if info.uses_k:
        k = check_k(k)
        if n < k:
            rows = "only 1 row" if n == 1 else f"only {n:,} rows"
            raise SegwidgetsDataError(
                f"k={k} is too many: there {'is' if n == 1 else 'are'} {rows} to segment."
            )
        distinct = None if init is not None else _distinct_rows_at_least(X, k)  # a warm start: checked by the seeded fit
        if distinct is not None:
            raise SegwidgetsDataError(
                f"k={k} is more than the {distinct:,} distinct rows in the data; "
                f"choose k of at most {max(distinct, 1)}."
            )
    elif n < 2:
        raise SegwidgetsDataError("There must be at least 2 rows to segment.")
    estimator = info.make(k, seed, params)
    if init is not None:
        if algorithm not in WARM_STARTABLE:
            raise SegwidgetsValueError(f"{info.label} cannot start from given centres.")
        # one run from the given centres, within a few iterations
        estimator.set_params(init=np.asarray(init, dtype=X.dtype), n_init=1, max_iter=30)
    notes: list[str] = []
    sample_index = None
    X_fit = X
    if info.max_rows is not None and n > info.max_rows:
        rng = np.random.default_rng(seed)
        sample_index = np.sort(rng.choice(n, size=info.max_rows, replace=False))
        X_fit = X[sample_index]
        notes.append(
            f"{info.label} was fitted on a random sample of {info.max_rows:,} of the {n:,} rows "
            "(its cost grows with rows squared); the other rows joined the nearest segment centre."
        )
    timings: dict[str, float] = {}
    if algorithm in LINKAGES and tree is None:
        tree = build_tree(X, algorithm, seed=seed, max_rows=info.max_rows)
        timings["tree"] = tree.seconds
    if tree is not None and (tree.method != algorithm or tree.n_leaves != len(X_fit)):
        raise SegwidgetsValueError(f"This {tree.method} tree was not built on these rows.")
    started = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught, sklearn.config_context(assume_finite=True):
        # prepared rows are finite (preprocessing imputes or drops): skip scikit-learn's re-check
        warnings.simplefilter("always", ConvergenceWarning)
        if tree is not None:  # the tree does not depend on k: cutting it is the fit
            fit_labels, estimator = cut(tree, k), tree
        elif isinstance(estimator, KMeans) and isinstance(estimator.n_init, int) and estimator.n_init > 1:
            estimator = _kmeans_restarts(estimator, X_fit, info, cancel, FIT_SECONDS if budget is None else budget)
            fit_labels = np.asarray(estimator.labels_, dtype=np.int64)
        else:
            fit_labels = np.asarray(estimator.fit_predict(X_fit), dtype=np.int64)
    fit_seconds = time.perf_counter() - started
    for w in caught:
        if issubclass(w.category, ConvergenceWarning):
            notes.append(f"{info.label} did not fully converge ({w.message}).")
    n_segments = int(fit_labels.max()) + 1 if (fit_labels >= 0).any() else 0
    if n_segments == 0:
        raise SegwidgetsDataError(
            f"{info.label} found no segments: every row was left as noise. "
            "Try a smaller minimum segment size or another algorithm."
        )
    if hasattr(estimator, "cluster_centers_"):
        centers = np.asarray(estimator.cluster_centers_, dtype=float)
    elif hasattr(estimator, "means_"):
        centers = np.asarray(estimator.means_, dtype=float)
    else:
        centers = segment_means(X_fit, fit_labels, n_segments)
    if sample_index is not None:
        labels = nearest_center(X, centers)
        labels[sample_index] = fit_labels  # noise in the sample stays noise
    else:
        labels = fit_labels
    found = int(np.count_nonzero(np.bincount(labels[labels >= 0], minlength=1)))
    if info.uses_k and found < k:
        notes.append(f"{info.label} found only {found} distinct segments where {k} were asked.")
    noise = int((labels < 0).sum())
    if noise:
        notes.append(f"{noise:,} rows ({noise / n:.0%}) fit no segment and are left unassigned.")
    return ClusterFit(
        labels=labels,
        n_segments=n_segments,
        centers_scaled=centers,
        estimator=estimator,
        sample_index=sample_index,
        timings={**timings, "fit": fit_seconds},
        warnings=notes,
    )


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two labellings group the rows alike (up to the labels' numbers)."""
    pairs = np.unique(np.stack([a, b]), axis=1).shape[1]
    return pairs == len(np.unique(a)) == len(np.unique(b))


def _kmeans_restarts(estimator: KMeans, X: np.ndarray, info: AlgorithmInfo,
                     cancel: Callable[[], bool] | None, budget: float) -> KMeans:
    """``estimator.fit(X)`` one start at a time, stoppable and within ``budget`` seconds.

    ``KMeans(n_init=n, random_state=seed)`` draws its n starts from one random state and
    keeps the start of lowest inertia unless it groups the rows as the best so far does;
    n fits with ``n_init=1`` sharing that random state draw the same starts, so the
    result is the same. Between starts ``cancel()`` may stop the fit, and after the first
    the whole is estimated against ``budget``.
    """
    starts = int(estimator.n_init)
    random_state = np.random.RandomState(estimator.random_state)
    best: KMeans | None = None
    began = time.perf_counter()
    for start in range(starts):
        if cancel is not None and cancel():
            raise SegwidgetsCancelled("The fit was stopped: a newer request replaced it.")
        run = sklearn.base.clone(estimator).set_params(n_init=1, random_state=random_state)
        run.fit(X)
        if best is None or (run.inertia_ < best.inertia_ and not _same_partition(run.labels_, best.labels_)):
            best = run
        spent = time.perf_counter() - began
        if start + 1 < starts and spent / (start + 1) * starts > budget:
            raise SegwidgetsDataError(
                f"{info.label} with {starts} starts would take about {_duration(spent / (start + 1) * starts)} "
                f"on these {len(X):,} rows, more than the {_duration(budget)} a fit may take. "
                "Use fewer starts (n_init), fewer features, or mini-batch k-means.")
    assert best is not None
    return best.set_params(n_init=starts, random_state=estimator.random_state)


def _duration(seconds: float) -> str:
    """``75 -> "1 min 15 s"``; whole seconds below a minute."""
    seconds = max(1, round(seconds))
    minutes, rest = divmod(seconds, 60)
    return f"{rest} s" if not minutes else f"{minutes} min" + (f" {rest} s" if rest else "")


#: A warm start (:func:`fit_warm`) iterates on at most this many rows, an even spread, then
#: labels every row by its nearest centre: on 1,000,000 rows × 20 that took 0.2 s instead of
#: 0.5 s, with the same segments (adjusted Rand index 1.0 on separated groups).
WARM_ROWS = 100_000
#: Algorithms that can start from given centres (:func:`fit_warm`).
WARM_STARTABLE: tuple[str, ...] = ("kmeans", "minibatch_kmeans")


def warm_centers(X: np.ndarray, centers: np.ndarray, k: int, *, seed: int = 0,
                 sample: int = 20_000) -> np.ndarray:
    """Starting centres for ``k`` segments from the centres of another k.

    More segments: the current centres plus, one at a time, the row farthest
    from every centre so far (on a seeded sample of at most ``sample`` rows).
    Fewer: the two closest centres are merged into their mean until ``k`` are
    left. Deterministic for the same inputs.
    """
    C = [np.asarray(c, dtype=float) for c in np.asarray(centers, dtype=float)]
    if k > len(C):
        rows = X if len(X) <= sample else X[:: -(-len(X) // sample)]  # an even spread of rows
        rows = np.asarray(rows, dtype=float)
        A = np.asarray(C)
        dist = np.maximum((rows ** 2).sum(axis=1)[:, None] - 2.0 * rows @ A.T
                          + (A ** 2).sum(axis=1)[None, :], 0.0).min(axis=1)
        while len(C) < k:
            far = rows[int(dist.argmax())]
            C.append(far.copy())
            dist = np.minimum(dist, ((rows - far) ** 2).sum(axis=1))
    while len(C) > k:
        A = np.asarray(C)
        d = ((A[:, None, :] - A[None, :, :]) ** 2).sum(axis=2)
        np.fill_diagonal(d, np.inf)
        i, j = np.unravel_index(int(d.argmin()), d.shape)
        merged = (C[i] + C[j]) / 2
        C = [c for m, c in enumerate(C) if m not in (i, j)] + [merged]
    return np.asarray(C)


def fit_warm(
    prepared: Prepared,
    algorithm: str,
    k: int,
    centers: np.ndarray,
    seed: int = 0,
    params: Mapping[str, Any] | None = None,
    *,
    sample: int | None = WARM_ROWS,
) -> ClusterFit:
    """Fit a k-means method with ``k`` segments, started from another fit's ``centers``.

    A few iterations from nearby centres instead of a full k-means++ start: what
    a live k slider shows first. The result depends on where it started, so a
    seeded :func:`fit_prepared` remains the reproducible result. On more than
    ``sample`` rows (default :data:`WARM_ROWS`; None: all) the iterations run on an even
    spread of ``sample`` rows and every row gets its nearest centre (``sample_index``
    says which rows the estimator saw).
    """
    k = check_k(k)
    X = prepared.X
    init = warm_centers(X, centers, k, seed=seed)
    if sample is None or len(X) <= sample:
        fit = fit_prepared(prepared, algorithm, k, seed, params, init=init)
    else:  # iterate on an even spread of rows; one pass of the estimator's predict labels them all
        step = -(-len(X) // sample)
        fit = fit_prepared(replace(prepared, X=X[::step], row_index=prepared.row_index[::step]),
                           algorithm, k, seed, params, init=init)
        started = time.perf_counter()
        labels = np.asarray(fit.estimator.predict(X), dtype=np.int64)
        fit = replace(fit, labels=labels, sample_index=np.arange(0, len(X), step),
                      timings={**fit.timings, "predict": time.perf_counter() - started})
    fit.timings["warm_start"] = 1.0
    return fit


def spread_labels(prepared: Prepared, labels: np.ndarray, n_rows: int) -> np.ndarray:
    """Labels over all ``n_rows`` rows of the frame: rows left out get -1."""
    out = np.full(n_rows, -1, dtype=np.int64)
    out[prepared.row_index] = labels
    return out
