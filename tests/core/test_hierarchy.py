"""A hierarchical k is a cut of one tree, and groups the rows as scikit-learn's AgglomerativeClustering."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.cluster import AgglomerativeClustering
from sklearn.datasets import make_moons
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.cluster import contingency_matrix

from segwidgets.core import hierarchy
from segwidgets.core.algorithms import ALGORITHMS, fit_prepared
from segwidgets.core.hierarchy import LINKAGES, build_tree, cut, tree_rows
from segwidgets.core.preprocess import Prepared
from segwidgets.errors import SegwidgetsValueError
from tests.helpers import blob_points


def _datasets() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(5)
    blobs, _ = blob_points(700, centers=5, features=4, std=1.5, seed=1)
    uneven, _ = blob_points(500, centers=3, features=6, std=[0.5, 2.0, 4.0], seed=2)
    stretched = blob_points(600, centers=4, features=2, seed=3)[0] @ np.array([[0.6, -0.6], [-0.4, 0.9]])
    moons, _ = make_moons(400, noise=0.08, random_state=4)
    skewed = np.log1p(rng.exponential(3.0, size=(650, 3)))
    return {"blobs": blobs, "uneven": uneven, "stretched": stretched, "moons": moons, "skewed": skewed}


DATASETS = _datasets()


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """Each label of ``a`` is exactly one label of ``b``: the contingency table is a permutation."""
    table = contingency_matrix(a, b)
    return table.shape[0] == table.shape[1] and ((table > 0).sum(axis=0) == 1).all() \
        and ((table > 0).sum(axis=1) == 1).all()


@pytest.mark.parametrize("linkage", LINKAGES)
@pytest.mark.parametrize("name", list(DATASETS))
def test_every_cut_groups_rows_as_agglomerative_clustering(name, linkage):
    X = DATASETS[name]
    tree = build_tree(X, linkage)
    assert tree.sample_index is None and tree.n_leaves == len(X)
    for k in (2, 3, 5, 8, 13):
        expected = AgglomerativeClustering(n_clusters=k, linkage=linkage).fit_predict(X)
        got = cut(tree, k)
        assert sorted(set(got)) == list(range(k))
        assert adjusted_rand_score(expected, got) == 1.0
        assert _same_partition(expected, got), (name, linkage, k)


def test_ward_is_built_with_fastcluster_and_the_others_with_scipy():
    X = DATASETS["blobs"]
    assert build_tree(X, "ward").builder == "fastcluster"
    assert build_tree(X, "average").builder == "scipy"
    assert tree_rows("ward") == hierarchy.TREE_ROWS["ward"] > 10_000
    assert tree_rows("average") == tree_rows("complete") == 10_000


def test_without_fastcluster_scipy_builds_the_same_ward_tree_and_the_cap_stays(monkeypatch):
    X = DATASETS["uneven"]
    with_fastcluster = build_tree(X, "ward")
    monkeypatch.setattr(hierarchy, "_fastcluster", lambda: None)
    without = build_tree(X, "ward")
    assert without.builder == "scipy"
    assert tree_rows("ward") == hierarchy.SCIPY_TREE_ROWS
    for k in (2, 4, 9):
        assert adjusted_rand_score(cut(with_fastcluster, k), cut(without, k)) == 1.0


def test_a_cut_has_exactly_k_segments_even_where_merge_heights_tie():
    # a grid: every neighbour is at distance 1, so many merges tie in height
    X = np.array([[i, j] for i in range(12) for j in range(12)], dtype=float)
    tree = build_tree(X, "complete")
    heights = tree.linkage[:, 2]
    assert len(np.unique(heights)) < len(heights) / 4  # ties all over
    for k in range(2, 30):
        assert len(np.unique(cut(tree, k))) == k


def _prepared(X: np.ndarray) -> Prepared:
    return Prepared(X=X, row_index=np.arange(len(X)), transformer=None, features=[], numeric=[],
                    categorical=[], log_columns=[], feature_names_out=[f"x{j}" for j in range(X.shape[1])])


def test_a_tree_on_a_sample_is_the_sample_fit_prepared_draws(monkeypatch):
    X = DATASETS["blobs"]
    tree = build_tree(X, "ward", seed=3, max_rows=300)
    monkeypatch.setitem(ALGORITHMS, "ward", dataclasses.replace(ALGORITHMS["ward"], max_rows=300))
    prepared = _prepared(X)
    with_tree = fit_prepared(prepared, "ward", 4, seed=3, tree=tree)
    rebuilt = fit_prepared(prepared, "ward", 4, seed=3)
    np.testing.assert_array_equal(with_tree.sample_index, tree.sample_index)
    np.testing.assert_array_equal(with_tree.labels, rebuilt.labels)
    expected = AgglomerativeClustering(n_clusters=4, linkage="ward").fit_predict(X[tree.sample_index])
    assert adjusted_rand_score(expected, with_tree.labels[tree.sample_index]) == 1.0
    assert with_tree.estimator is tree and "tree" in rebuilt.timings and "tree" not in with_tree.timings


def test_a_tree_of_other_rows_is_refused():
    X = DATASETS["moons"]
    prepared = _prepared(X)
    with pytest.raises(SegwidgetsValueError, match="not built on these rows"):
        fit_prepared(prepared, "ward", 3, tree=build_tree(X[:100], "ward"))
    with pytest.raises(SegwidgetsValueError, match="not built on these rows"):
        fit_prepared(prepared, "average", 3, tree=build_tree(X, "ward"))
