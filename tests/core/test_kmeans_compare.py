"""Comparisons of the k-means lesson: starts seed by seed, k across a range, other methods."""

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from segwidgets.core.kmeans_compare import METHODS, compare_methods, compare_starts, elbow
from segwidgets.core.kmeans_steps import initial_centroids, make_lesson_data
from segwidgets.errors import SegwidgetsValueError


def test_random_starts_get_stuck_on_nine_blobs_where_kmeans_plus_plus_rarely_does():
    X = make_lesson_data("grid")
    result = compare_starts(X, 9)
    assert len(result.of("random")) == len(result.of("k-means++")) == 10
    assert result.stuck("random") > result.stuck("k-means++")
    # "Run 10 times, keep the best" keeps the lowest of the ten, for either start.
    for method, best in result.best.items():
        assert best.inertia == min(r.inertia for r in result.of(method))
    assert result.lowest == min(best.inertia for best in result.best.values())


def test_each_run_is_what_scikit_learn_reaches_from_that_start():
    X = make_lesson_data("blobs")
    run = compare_starts(X, 3, seeds=[4]).of("random")[0]
    np.testing.assert_array_equal(run.start, initial_centroids(X, 3, 4, "random"))
    fit = KMeans(3, init=run.start, n_init=1, algorithm="lloyd").fit(X)
    assert run.inertia == pytest.approx(fit.inertia_)
    assert run.iterations == fit.n_iter_


def test_elbow_inertia_falls_with_k_and_silhouette_peaks_at_the_three_blobs():
    result = elbow(make_lesson_data("blobs"))
    assert result.ks == tuple(range(1, 11))
    assert all(a >= b for a, b in zip(result.inertia, result.inertia[1:]))
    assert result.silhouette[0] is None and all(s is not None for s in result.silhouette[1:])
    assert result.best_silhouette_k == 3


def test_a_gaussian_mixture_follows_the_slanted_blobs_where_kmeans_does_not():
    X = make_lesson_data("anisotropic")
    labels = compare_methods(X, 3)
    assert tuple(labels) == METHODS
    from sklearn.datasets import make_blobs
    _, truth = make_blobs(n_samples=300, centers=[[-4, -2], [0, 4], [4, -1]], cluster_std=1.0,
                          random_state=0)
    assert adjusted_rand_score(truth, labels["Gaussian mixture"]) > adjusted_rand_score(
        truth, labels["k-means"])
    for name in METHODS:
        assert labels[name].shape == (300,) and set(labels[name]) == {0, 1, 2}


def test_comparisons_refuse_an_impossible_k_in_words():
    X = make_lesson_data("blobs", n=10)
    with pytest.raises(SegwidgetsValueError, match="k=11 must be between 1 and the 10 points"):
        compare_starts(X, 11)
    with pytest.raises(SegwidgetsValueError, match="k=0"):
        compare_methods(X, 0)
