"""Two-dimensional embeddings of the prepared rows for the scatter view.

PCA is immediate; UMAP (umap-learn, imported lazily) takes seconds and its
first call in a process compiles with numba, so callers run it off the
interaction path (see :func:`warm_up_umap`).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.decomposition import PCA

EMBEDDINGS: tuple[str, ...] = ("pca", "umap")
EMBEDDING_LABELS = {"pca": "PCA", "umap": "UMAP"}


#: Rows up to which UMAP is given exact nearest neighbours from scikit-learn (well under a second
#: on the demo) instead of finding approximate ones with pynndescent, whose NN-descent takes
#: other compiled functions as arguments and so cannot be kept in numba's cache: it compiled
#: again in every kernel (30 s of a core; 80 s on a loaded machine). The map is the same method
#: (UMAP on a 15-nearest-neighbour graph) with the exact graph.
EXACT_KNN_ROWS = 30_000

#: UMAP's layout epochs at every size: umap-learn's own choice above 10,000 rows (it takes 500
#: below, which made the demo's map 2.5x slower for little a person can see on a scatter).
UMAP_EPOCHS = 200


def _two_columns(Y: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros((n, 2), dtype=np.float32)
    out[:, : Y.shape[1]] = Y[:, :2]
    return out


def pca_2d(X: np.ndarray, seed: int = 0) -> np.ndarray:
    """First two principal components of ``X`` as float32 ``(n, 2)``."""
    X = np.asarray(X, dtype=np.float64)
    n, p = X.shape
    if n < 2 or p == 0:
        return np.zeros((n, 2), dtype=np.float32)
    components = min(2, p, n)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # identical rows: zero variance to explain
        Y = PCA(n_components=components, random_state=seed).fit_transform(X)
    return _two_columns(np.nan_to_num(Y), n)


def import_umap():
    """umap-learn, imported (once per process) with numba's on-disk cache on for its functions.

    umap-learn compiles about 130 numba functions on first use (half a minute of a core) and
    asks numba to keep almost none of them on disk, so every new kernel compiled them again.
    Its functions are declared with ``numba.njit`` as the modules are imported; while they are,
    ``njit`` here defaults to ``cache=True``, so a kernel loads what an earlier one compiled
    (from ``$NUMBA_CACHE_DIR``, which ``segwidgets app`` sets, else beside the package). A function
    numba cannot cache is compiled as before, with numba's warning.
    """
    import sys

    if "umap" in sys.modules:
        return sys.modules["umap"]
    import numba

    njit = numba.njit

    def caching_njit(*args, **kwargs):
        kwargs.setdefault("cache", True)
        return njit(*args, **kwargs)

    numba.njit = caching_njit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", numba.NumbaWarning)  # "cannot cache ...": compiled as before
            import umap
    finally:
        numba.njit = njit
    return umap


def umap_2d(X: np.ndarray, seed: int = 0, n_neighbors: int = 15) -> np.ndarray:
    """UMAP embedding of ``X`` as float32 ``(n, 2)``.

    umap-learn on the 15-nearest-neighbour graph (exact, from scikit-learn, up to
    :data:`EXACT_KNN_ROWS` rows), started from the PCA map, :data:`UMAP_EPOCHS` epochs, seeded.
    """
    umap = import_umap()  # lazy: heavy import, numba compilation (or its cache) on first use

    X = np.asarray(X, dtype=np.float32)
    n = len(X)
    if n < 4:
        return pca_2d(X, seed)
    neighbours = min(n_neighbors, n - 1)
    knn = None
    if n <= EXACT_KNN_ROWS:  # see EXACT_KNN_ROWS: no pynndescent, nothing to compile per kernel
        from sklearn.neighbors import NearestNeighbors

        distances, indices = NearestNeighbors(n_neighbors=neighbours).fit(X).kneighbors(X)
        knn = (indices, distances.astype(np.float32), None)
    reducer = umap.UMAP(
        n_components=2,
        n_neighbors=neighbours,
        random_state=seed,
        n_jobs=1,
        n_epochs=UMAP_EPOCHS,
        init="pca",  # the map it replaces; umap-learn's spectral start took ARPACK 16 s on the demo
        precomputed_knn=(None, None, None) if knn is None else knn,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "no search index": we never transform new rows
        return _two_columns(np.asarray(reducer.fit_transform(X)), n)


def warm_up_umap() -> None:
    """Compile (or load from numba's cache) umap-learn's numba code on a small table: ~30 s of a
    core the first time on a machine, seconds after (pynndescent's, for tables above
    :data:`EXACT_KNN_ROWS`, compiles on first use in each kernel)."""
    rng = np.random.default_rng(0)
    umap_2d(rng.normal(size=(64, 3)).astype(np.float32))
