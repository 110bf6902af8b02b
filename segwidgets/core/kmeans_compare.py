"""Comparisons the k-means lesson draws: starts seed by seed, k across a range, other methods.

Pure computation on numpy and scikit-learn, no widgets; the lesson
(`segwidgets.dashboards.kmeans_lesson`) shows what these return.

* `compare_starts` — random points versus k-means++, seed by seed: where each
  start ends (inertia, iterations), and what "run 10 times, keep the best"
  (``KMeans(n_init=10)``) keeps.
* `elbow` — inertia and silhouette for every k in a range (choosing k).
* `compare_methods` — k-means, a Gaussian mixture and Ward on the same points
  (where k-means fails).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import SegwidgetsValueError
from .kmeans_steps import INIT_METHODS, initial_centroids

__all__ = ["StartRun", "StartComparison", "compare_starts", "Elbow", "elbow",
           "METHODS", "compare_methods", "N_STARTS", "ELBOW_KS", "SILHOUETTE_SAMPLE"]

#: Seeds tried by the start comparison ("run 10 times, keep the best").
N_STARTS = 10
#: k values of the lesson's elbow.
ELBOW_KS = range(1, 11)
#: Rows the silhouette reads at most (it is quadratic in rows).
SILHOUETTE_SAMPLE = 2000
#: Methods set beside k-means, in the order shown.
METHODS = ("k-means", "Gaussian mixture", "Ward")


@dataclass(frozen=True)
class StartRun:
    """One start run to convergence.

    Attributes:
        method: str — "k-means++" or "random".
        seed: int — the seed of the start.
        start: np.ndarray (k, p) — the starting centroids.
        centroids: np.ndarray (k, p) — where they ended.
        inertia: float — the final inertia.
        iterations: int — assign/update rounds scikit-learn needed.
    """

    method: str
    seed: int
    start: np.ndarray
    centroids: np.ndarray
    inertia: float
    iterations: int


@dataclass(frozen=True)
class StartComparison:
    """Every seed of both starts. ``best[method]`` is what ``n_init=len(seeds)`` keeps."""

    k: int
    runs: tuple[StartRun, ...]

    def of(self, method: str) -> list[StartRun]:
        return [r for r in self.runs if r.method == method]

    @property
    def best(self) -> dict[str, StartRun]:
        return {m: min(self.of(m), key=lambda r: r.inertia) for m in INIT_METHODS}

    @property
    def lowest(self) -> float:
        """The lowest inertia any run reached."""
        return min(r.inertia for r in self.runs)

    def stuck(self, method: str, tolerance: float = 0.01) -> int:
        """Runs of `method` that ended more than `tolerance` (1 %) above the lowest inertia."""
        return sum(r.inertia > self.lowest * (1 + tolerance) for r in self.of(method))


def _kmeans(X: np.ndarray, k: int, **kwargs):  # noqa: ANN202 - a fitted KMeans
    from sklearn.cluster import KMeans

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning on duplicate points: shown as is
        return KMeans(n_clusters=k, algorithm="lloyd", **kwargs).fit(X)


def compare_starts(X: np.ndarray, k: int, seeds: range | list[int] = range(N_STARTS)) -> StartComparison:
    """Run k-means from each seed's random-points start and each seed's k-means++ start."""
    X = np.asarray(X, dtype=np.float64)
    k = int(k)
    if not 1 <= k <= X.shape[0]:
        raise SegwidgetsValueError(f"k={k} must be between 1 and the {X.shape[0]} points.")
    runs = []
    for method in INIT_METHODS:
        for seed in seeds:
            start = initial_centroids(X, k, int(seed), method)
            fit = _kmeans(X, k, init=start, n_init=1, max_iter=300)
            runs.append(StartRun(method, int(seed), start, np.asarray(fit.cluster_centers_),
                                 float(fit.inertia_), int(fit.n_iter_)))
    return StartComparison(k, tuple(runs))


@dataclass(frozen=True)
class Elbow:
    """Inertia and silhouette across k.

    Attributes:
        ks: tuple[int, ...] — the k values.
        inertia: tuple[float, ...] — best-of-`n_init` k-means inertia at each k.
        silhouette: tuple[float | None, ...] — mean silhouette at each k (None for k=1).
    """

    ks: tuple[int, ...]
    inertia: tuple[float, ...]
    silhouette: tuple[float | None, ...]

    @property
    def best_silhouette_k(self) -> int | None:
        scored = [(s, k) for k, s in zip(self.ks, self.silhouette) if s is not None]
        return max(scored)[1] if scored else None


def elbow(X: np.ndarray, ks: range | list[int] = ELBOW_KS, seed: int = 0, n_init: int = 4) -> Elbow:
    """Fit k-means at every k in `ks` (k at most the number of points) and measure each."""
    from sklearn.metrics import silhouette_score

    X = np.asarray(X, dtype=np.float64)
    ks = tuple(int(k) for k in ks if 1 <= int(k) <= X.shape[0])
    if not ks:
        raise SegwidgetsValueError("No k to try: k runs from 1 to the number of points.")
    inertia, silhouette = [], []
    for k in ks:
        fit = _kmeans(X, k, n_init=n_init, random_state=seed)
        inertia.append(float(fit.inertia_))
        if k == 1 or len(np.unique(fit.labels_)) < 2:
            silhouette.append(None)
        else:
            silhouette.append(float(silhouette_score(
                X, fit.labels_, sample_size=min(SILHOUETTE_SAMPLE, X.shape[0]), random_state=seed)))
    return Elbow(ks, tuple(inertia), tuple(silhouette))


def compare_methods(X: np.ndarray, k: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Labels (0 to k-1) of k-means, a Gaussian mixture (full covariances) and Ward linkage with
    k segments each, on the same points, keyed by the names in `METHODS`."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.mixture import GaussianMixture

    X = np.asarray(X, dtype=np.float64)
    k = int(k)
    if not 1 <= k <= X.shape[0]:
        raise SegwidgetsValueError(f"k={k} must be between 1 and the {X.shape[0]} points.")
    if X.shape[0] > 5000:
        raise SegwidgetsValueError("Ward linkage is quadratic in rows: the lesson compares "
                                   "methods on at most 5,000 points.")
    kmeans = _kmeans(X, k, n_init=10, random_state=seed).labels_
    gmm = GaussianMixture(n_components=k, covariance_type="full", n_init=3,
                          random_state=seed).fit(X).predict(X)
    ward = (AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(X) if k > 1
            else np.zeros(X.shape[0], dtype=np.int64))
    return {name: np.asarray(labels, dtype=np.int64)
            for name, labels in zip(METHODS, (kmeans, gmm, ward))}
