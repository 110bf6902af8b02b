"""Through the model: a hierarchical tree is built once per prepared rows and linkage; each k cuts it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import AgglomerativeClustering
from sklearn.metrics import adjusted_rand_score

from segwidgets import Segmentation
from segwidgets.session import pipeline
from tests.helpers import blob_frame


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return blob_frame(1200, centers=5, features=4, std=1.8, seed=11, columns=[f"f{j}" for j in range(4)])


@pytest.mark.parametrize("linkage", ["ward", "average", "complete"])
def test_every_k_is_a_cut_of_one_tree_with_agglomerative_clusterings_segments(table, linkage):
    model = Segmentation(table, algorithm=linkage, k=3, background=False)
    assert model.state == "idle", model.status
    assert len(model.caches.trees) == 1
    (tree,) = [model.caches.trees.get(key) for key in list(model.caches.trees._items)]
    assert "tree" in model.result.timings  # built for the first k
    X = model.result.prepared.X
    for k in (2, 4, 7, 5):
        model.k = k
        assert model.state == "idle", model.status
        assert model.result.fit.estimator is tree and "tree" not in model.result.timings
        expected = AgglomerativeClustering(n_clusters=k, linkage=linkage).fit_predict(X)
        assert adjusted_rand_score(expected, model.result.fit.labels) == 1.0
        assert len(model.result.segment_ids) == k
    assert len(model.caches.trees) == 1


def test_a_new_tree_for_other_rows_or_another_linkage_and_none_for_k_means(table):
    model = Segmentation(table, algorithm="ward", k=4, background=False)
    model.algorithm = "average"
    assert len(model.caches.trees) == 2
    model.scaling = "robust"  # other prepared rows: another tree
    assert len(model.caches.trees) == 3
    model.algorithm = "kmeans"
    assert len(model.caches.trees) == 3


def test_the_status_says_a_tree_is_built_once_and_then_every_k_is_a_fit(table):
    model = Segmentation(table, k=4, background=False)
    with model.batch():  # a snapshot of the spec as the refit at the end takes it
        model.algorithm = "complete"
        building = pipeline.fitting_status(model._snapshot(), model.caches)
    assert building.startswith("Building the Hierarchical (complete) tree of 1,200 rows (once")
    model.k = 6
    with model.batch():
        model.k = 7
        cutting = pipeline.fitting_status(model._snapshot(), model.caches)
    assert cutting == "Fitting Hierarchical (complete) with k=7…"
    model.k = 6
    assert np.unique(model.labels).size == 6
