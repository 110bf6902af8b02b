"""The quality numbers a person reads under the map are scikit-learn's own:
they agree with its functions, leave out rows in no segment, and say nothing
(None) rather than fail when there is only one segment."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score
from sklearn.preprocessing import StandardScaler

from segwidgets import datasets

from segwidgets.core.metrics import compute_metrics, inertia, segment_means
from segwidgets.errors import SegwidgetsValueError


def blobs(n_per: int = 100, k: int = 3, p: int = 4, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=6, size=(k, p))
    labels = np.repeat(np.arange(k), n_per)
    return centres[labels] + rng.normal(size=(k * n_per, p)), labels


def test_every_metric_equals_scikit_learn_on_a_small_table():
    X, _ = blobs()
    model = KMeans(3, random_state=0, n_init="auto").fit(X)
    m = compute_metrics(X, model.labels_)
    assert m["inertia"] == pytest.approx(model.inertia_, rel=1e-9)
    # at most sample_size rows: silhouette on all rows, exactly scikit-learn's
    assert m["silhouette"] == silhouette_score(X, model.labels_)
    assert m["silhouette_sample"] == len(X)
    assert m["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(X, model.labels_), rel=1e-9)
    assert m["davies_bouldin"] == pytest.approx(davies_bouldin_score(X, model.labels_), rel=1e-9)
    assert m["n_segments"] == 3
    assert all(type(m[key]) is float for key in ("inertia", "silhouette", "calinski_harabasz",
                                                 "davies_bouldin"))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 6), st.integers(1, 5))
def test_metrics_agree_with_scikit_learn_on_random_tables(seed, k, p):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, p)) * rng.uniform(0.1, 10)
    ids = rng.choice(100, size=k, replace=False)  # stable ids, not 0..k-1
    labels = ids[np.arange(60) % k]
    m = compute_metrics(X, labels)
    assert m["silhouette"] == pytest.approx(silhouette_score(X, labels), abs=1e-12)
    assert m["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(X, labels), rel=1e-9)
    assert m["davies_bouldin"] == pytest.approx(davies_bouldin_score(X, labels), rel=1e-9)
    means = np.array([X[labels == i].mean(axis=0) for i in np.unique(labels)])
    by_hand = sum(((X[labels == i] - means[j]) ** 2).sum() for j, i in enumerate(np.unique(labels)))
    assert m["inertia"] == pytest.approx(by_hand, rel=1e-9)


def test_rows_with_no_segment_are_left_out():
    X, labels = blobs()
    marked = labels.copy()
    marked[::7] = -1
    keep = marked >= 0
    m = compute_metrics(X, marked)
    assert m["n_segments"] == 3
    assert m["silhouette"] == silhouette_score(X[keep], marked[keep])
    assert m["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(X[keep], marked[keep]))
    assert m["davies_bouldin"] == pytest.approx(davies_bouldin_score(X[keep], marked[keep]))
    assert m["inertia"] == pytest.approx(inertia(X[keep], marked[keep]))


def test_silhouette_uses_a_seeded_sample_that_holds_every_segment():
    X, labels = blobs(n_per=2000, k=3)
    labels[:3] = 7  # a segment of three rows among 6,000
    a = compute_metrics(X, labels, sample_size=500, seed=1)
    b = compute_metrics(X, labels, sample_size=500, seed=1)
    c = compute_metrics(X, labels, sample_size=500, seed=2)
    assert a["silhouette_sample"] == 500 and a["silhouette"] == b["silhouette"]
    assert a["silhouette"] != c["silhouette"]
    assert a["silhouette"] == pytest.approx(silhouette_score(X, labels), abs=0.05)
    assert a["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(X, labels))


@pytest.mark.parametrize(
    "labels",
    [np.zeros(10, dtype=int), np.full(10, -1), np.array([0, 1] + [-1] * 8), np.array([3, 3] + [-1] * 8)],
    ids=["one segment", "no segment", "one row per segment", "one segment of two"],
)
def test_degenerate_segmentations_give_none_not_an_error(labels):
    X = np.arange(20, dtype=float).reshape(10, 2)
    m = compute_metrics(X, labels)
    assert m["silhouette"] is None and m["calinski_harabasz"] is None and m["davies_bouldin"] is None
    assert m["silhouette_sample"] == 0
    assert m["n_segments"] == len(set(labels.tolist()) - {-1})
    assert m["inertia"] >= 0.0


def test_identical_rows_do_not_break_the_scores():
    X = np.array([[1.0, 1.0]] * 4 + [[5.0, 5.0]] * 4)
    labels = np.array([0] * 4 + [1] * 4)
    m = compute_metrics(X, labels)
    assert m["inertia"] == 0.0 and m["davies_bouldin"] == davies_bouldin_score(X, labels)
    assert m["calinski_harabasz"] == calinski_harabasz_score(X, labels)


def test_segment_means_are_plain_means():
    X, labels = blobs(n_per=10)
    ids, means = segment_means(X, labels * 2)
    assert ids.tolist() == [0, 2, 4]
    assert np.allclose(means[1], X[labels == 1].mean(axis=0))


@pytest.mark.parametrize(
    "X,labels,words",
    [(np.zeros((4, 2)), np.zeros(3, dtype=int), "one segment label per fitted row"),
     (np.array([[np.nan, 1.0], [1.0, 1.0]]), np.array([0, 1]), "missing"),
     (np.zeros((2, 2)), np.array([0.5, 1.0]), "whole numbers")],
)
def test_bad_input_is_refused_in_words(X, labels, words):
    with pytest.raises(SegwidgetsValueError) as info:
        compute_metrics(X, labels)
    assert words in str(info.value) and "{}" not in str(info.value)


def test_kmeans_inertia_equals_ours_on_the_demo_in_the_space_it_was_fitted():
    frame = datasets.load("facebook_live")
    X = StandardScaler().fit_transform(frame[[c for c in frame if c.startswith("num_")]])
    for k in (2, 4, 7):
        model = KMeans(k, random_state=0, n_init=4).fit(X)
        assert inertia(X, model.labels_) == pytest.approx(model.inertia_, rel=1e-6)
        assert compute_metrics(X, model.labels_)["inertia"] == pytest.approx(model.inertia_, rel=1e-6)


def test_more_rows_than_the_sample_size_gives_a_sampled_silhouette_close_to_the_full_one():
    frame = datasets.load("facebook_live")
    X = StandardScaler().fit_transform(frame[[c for c in frame if c.startswith("num_")]])
    labels = KMeans(4, random_state=0, n_init=4).fit_predict(X)
    full = silhouette_score(X, labels)
    sampled = compute_metrics(X, labels, sample_size=3000, seed=0)
    assert sampled["silhouette_sample"] == 3000
    assert sampled["silhouette"] == pytest.approx(full, abs=0.05)
    assert compute_metrics(X, labels, sample_size=3000, seed=0)["silhouette"] == sampled["silhouette"]
    # the other scores always use every row
    assert sampled["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(X, labels), rel=1e-9)
    assert sampled["davies_bouldin"] == pytest.approx(davies_bouldin_score(X, labels), rel=1e-9)
    exact = compute_metrics(X, labels, sample_size=len(X))
    assert exact["silhouette_sample"] == len(X) and exact["silhouette"] == pytest.approx(full, abs=1e-12)


def test_a_large_table_is_measured_on_every_row_but_silhouette():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300_000, 20))
    labels = rng.integers(0, 8, size=len(X))
    labels[::11] = -1
    m = compute_metrics(X, labels)
    assert m["silhouette_sample"] == 2000 and m["n_segments"] == 8
    kept = labels >= 0
    by_hand = sum(((X[labels == i] - X[labels == i].mean(axis=0)) ** 2).sum() for i in range(8))
    assert m["inertia"] == pytest.approx(by_hand, rel=1e-9)
    assert m["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(X[kept], labels[kept]), rel=1e-9)
    assert -1.0 <= m["silhouette"] <= 1.0


# --- every metric on three blobs, noise and one segment -----------------------------

def test_metrics_equal_scikit_learn():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3)) + np.repeat(np.eye(3) * 5, 100, axis=0)
    model = KMeans(3, random_state=0, n_init="auto").fit(X)
    metrics = compute_metrics(X, model.labels_)
    assert metrics["inertia"] == pytest.approx(model.inertia_, rel=1e-6)
    assert metrics["silhouette"] == pytest.approx(silhouette_score(X, model.labels_))
    assert metrics["calinski_harabasz"] == pytest.approx(calinski_harabasz_score(X, model.labels_))
    assert metrics["davies_bouldin"] == pytest.approx(davies_bouldin_score(X, model.labels_))
    sampled = compute_metrics(X, model.labels_, sample_size=100)
    assert sampled["silhouette_sample"] == 100
    labels = model.labels_.copy()
    labels[:10] = -1
    assert compute_metrics(X, labels)["n_segments"] == 3
    single = compute_metrics(X, np.zeros(300, dtype=int))
    assert single["silhouette"] is None and single["calinski_harabasz"] is None
