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


def umap_2d(X: np.ndarray, seed: int = 0, n_neighbors: int = 15) -> np.ndarray:
    """UMAP embedding of ``X`` as float32 ``(n, 2)``."""
    import umap  # lazy: heavy import, numba compilation on first use

    X = np.asarray(X, dtype=np.float32)
    n = len(X)
    if n < 4:
        return pca_2d(X, seed)
    reducer = umap.UMAP(
        n_components=2,
        n_neighbors=min(n_neighbors, n - 1),
        random_state=seed,
        n_jobs=1,
    )
    return _two_columns(np.asarray(reducer.fit_transform(X)), n)


def warm_up_umap() -> None:
    """Compile umap-learn's numba code on a tiny table (takes ~30 s once per process)."""
    rng = np.random.default_rng(0)
    umap_2d(rng.normal(size=(64, 3)).astype(np.float32))
