"""Hierarchical trees built once and cut for every k.

Ward, average and complete linkage merge rows into one tree that does not
depend on k; the segments for a k are the groups left when the last ``k - 1``
merges are undone. :func:`build_tree` builds the tree once (the costly part,
quadratic in rows) and :func:`cut` reads any k from it in milliseconds.

scikit-learn's ``AgglomerativeClustering`` (without connectivity) builds the
same tree with ``scipy.cluster.hierarchy.linkage`` and cuts it the same way (by
merge order), so a cut here groups the rows as it does. Ward is built with
``fastcluster.linkage_vector`` when fastcluster is installed: it needs memory in
proportion to rows, not rows squared (scipy keeps every pairwise distance:
400 MB at 10,000 rows), which is what lets Ward take larger samples
(:data:`TREE_ROWS`). Where two merges tie in height, the two libraries may take
them in a different order; the trees are otherwise the same.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.cluster import hierarchy

#: The linkages a tree can be built with (scikit-learn's names).
LINKAGES: tuple[str, ...] = ("ward", "average", "complete")

#: Rows above which each linkage's tree is built on a seeded sample. Ward uses
#: fastcluster's memory-saving ``linkage_vector`` (memory ~ rows x features; time ~ rows
#: squared: see benchmarks/hierarchy.py); average and complete keep every pairwise distance
#: (8 bytes x rows squared / 2: 400 MB at 10,000 rows), so they stay at 10,000.
TREE_ROWS: dict[str, int] = {"ward": 30_000, "average": 10_000, "complete": 10_000}

#: The cap when fastcluster is not installed: scipy keeps every pairwise distance.
SCIPY_TREE_ROWS = 10_000


def _fastcluster():
    try:
        import fastcluster
    except ImportError:  # an optional speed-up: scipy builds the same tree
        return None
    return fastcluster


def tree_rows(method: str) -> int:
    """The most rows a ``method`` tree is built on (larger tables: a seeded sample)."""
    if method == "ward" and _fastcluster() is None:
        return SCIPY_TREE_ROWS
    return TREE_ROWS[method]


@dataclass(frozen=True, eq=False)
class Tree:
    """A hierarchical tree of some prepared rows.

    Data Attributes:
        linkage: scipy's ``(n - 1, 4)`` linkage matrix, merges in the order they happen.
        method: "ward", "average" or "complete".
        sample_index: positions (into the prepared rows) of the leaves, or None for every row.
        seconds: how long building it took.
        builder: "fastcluster" or "scipy".
    """

    linkage: np.ndarray
    method: str
    sample_index: np.ndarray | None
    seconds: float
    builder: str

    @property
    def n_leaves(self) -> int:
        return self.linkage.shape[0] + 1


def sample_index(n: int, size: int, seed: int) -> np.ndarray | None:
    """Sorted positions of the seeded sample of ``size`` of ``n`` rows, or None when all fit
    (the draw ``fit_prepared`` makes for every sampled algorithm)."""
    if n <= size:
        return None
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def linkage_matrix(X: np.ndarray, method: str) -> tuple[np.ndarray, str]:
    """scipy's linkage matrix of the rows ``X`` for ``method`` (any of scipy's Euclidean
    methods: single too, for the dendrogram), and what built it."""
    X = np.ascontiguousarray(X, dtype=np.float64)
    fc = _fastcluster() if method == "ward" else None
    if fc is not None:
        return np.asarray(fc.linkage_vector(X, method="ward"), dtype=np.float64), "fastcluster"
    return hierarchy.linkage(X, method=method, metric="euclidean"), "scipy"


def build_tree(X: np.ndarray, method: str, *, seed: int = 0, max_rows: int | None = None) -> Tree:
    """The ``method`` tree of the rows ``X`` (of a seeded sample of ``max_rows`` of them when there
    are more; default :func:`tree_rows`)."""
    limit = tree_rows(method) if max_rows is None else int(max_rows)
    index = sample_index(len(X), limit, seed)
    started = time.perf_counter()
    Z, builder = linkage_matrix(X if index is None else X[index], method)
    return Tree(linkage=Z, method=method, sample_index=index, seconds=time.perf_counter() - started,
                builder=builder)


def cut(tree: Tree, k: int) -> np.ndarray:
    """Labels 0..k-1 (int64, one per leaf) for ``k`` segments: the last ``k - 1`` merges undone.

    Cut by merge order (as scikit-learn does), so there are exactly ``k`` segments even where
    merge heights tie: scipy's ``fcluster`` with the merge's position as a monotone criterion.
    """
    n = tree.n_leaves
    if not 1 <= k <= n:
        raise ValueError(f"k={k} is not between 1 and the tree's {n} leaves")
    order = np.arange(n - 1, dtype=np.float64)  # a parent merges after its children
    labels = hierarchy.fcluster(tree.linkage, k, criterion="maxclust_monocrit", monocrit=order)
    return np.asarray(labels, dtype=np.int64) - 1
