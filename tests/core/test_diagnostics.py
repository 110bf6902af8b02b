"""Diagnostics: choosing k (sweep, knee, silhouettes), the tree, comparing algorithms, stability."""

from __future__ import annotations

import dataclasses
import tracemalloc

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score, silhouette_samples

from segwidgets.core import algorithms
from segwidgets.core.algorithms import fit_prepared
from segwidgets.core.diagnostics import (
    Comparison,
    DendrogramResult,
    SweepResult,
    _as_prepared,
    compare_algorithms,
    cut_by_height,
    cut_by_k,
    dendrogram_data,
    find_knee,
    height_for_k,
    silhouette_samples_by_segment,
    stability,
    sweep_k,
)
from segwidgets.errors import SegwidgetsDataError, SegwidgetsValueError
from tests.helpers import blob_points


def blobs(n=1500, centers=4, p=5, std=0.5, seed=0):
    """``(X, y)``: :func:`tests.helpers.blob_points` with this module's defaults (tight blobs in 5-d)."""
    return blob_points(n, centers=centers, features=p, std=std, seed=seed)


# --------------------------------------------------------------------------- knee


@pytest.mark.parametrize("c", [3, 4, 5, 6])
def test_knee_of_the_inertia_sweep_is_the_number_of_blobs(c):
    X, _ = blobs(centers=c)
    result = sweep_k(X, range(2, 13))
    assert result.knee == c


@pytest.mark.parametrize("c", [3, 4, 5, 6])
def test_knee_on_blobs_placed_far_apart(c):
    centers = 12.0 * np.eye(c, 6)
    X, _ = blob_points(1200, centers=centers, std=1.0, seed=c)
    assert sweep_k(X).knee == c


def test_find_knee_on_a_simple_convex_curve():
    assert find_knee([1, 2, 3, 4, 5, 6], [100, 30, 10, 8, 7, 6]) == 3
    assert find_knee([1, 2, 3, 4, 5, 6], [100, 30, 10, 8, 7, 6], log=False) == 3


def test_find_knee_has_no_answer_for_curves_without_an_elbow():
    assert find_knee([2, 3, 4, 5], [4.0, 3.0, 2.0, 1.0], log=False) is None  # a straight line
    assert find_knee([2, 3, 4, 5], [1.0, 2.0, 3.0, 4.0]) is None  # increasing
    assert find_knee([2, 3], [10.0, 1.0]) is None  # too few points
    assert find_knee([2, 3, 4, 5], [10.0, 9.9, 9.5, 1.0], log=False) is None  # concave


def test_find_knee_skips_missing_values_and_unsorted_ks():
    assert find_knee([6, 1, 2, 3, 4, 5], [6, 100, 30, np.nan, 8, 7]) in (2, 4)
    assert find_knee([1, 2, 3, 4, 5, 6], [100, 40, 10, 8, 7, 0.0]) == 3  # a zero: linear scale


def test_find_knee_refuses_mismatched_lengths_in_words():
    with pytest.raises(SegwidgetsValueError, match="one value per k"):
        find_knee([1, 2, 3], [1.0, 2.0])


# --------------------------------------------------------------------------- sweep


def test_sweep_table_labels_and_progress():
    X, _ = blobs(n=600, centers=3)
    calls = []
    result = sweep_k(X, [5, 2, 3, 4], progress=lambda done, total: calls.append((done, total)))
    assert isinstance(result, SweepResult)
    assert list(result.table.index) == [2, 3, 4, 5]
    assert result.table.index.name == "k"
    assert list(result.table.columns) == [
        "inertia", "silhouette", "calinski_harabasz", "davies_bouldin", "n_segments", "seconds"]
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert result.table["inertia"].is_monotonic_decreasing
    assert result.table.loc[3, "silhouette"] == result.table["silhouette"].max()
    for k, labels in result.labels.items():
        assert labels.dtype == np.int32 and len(labels) == len(X)
        assert len(np.unique(labels)) == k
    assert not result.cancelled


def test_sweep_labels_are_the_labels_a_fit_gives():
    X, _ = blobs(n=500, centers=4)
    result = sweep_k(X, [3, 4, 6], seed=3)
    for k in (3, 4, 6):
        fit = fit_prepared(_as_prepared(X), "kmeans", k, seed=3)
        np.testing.assert_array_equal(result.labels[k], fit.labels)


def test_ward_sweep_cuts_one_tree_into_the_segments_each_fit_gives():
    X, _ = blobs(n=400, centers=4, std=1.5)
    result = sweep_k(X, range(2, 8), algorithm="ward")
    for k in range(2, 8):
        fit = fit_prepared(_as_prepared(X), "ward", k)
        assert adjusted_rand_score(fit.labels, result.labels[k]) == 1.0


def test_ward_sweep_on_a_sample_matches_fits_on_a_sample(monkeypatch):
    small = dataclasses.replace(algorithms.ALGORITHMS["ward"], max_rows=300)
    monkeypatch.setitem(algorithms.ALGORITHMS, "ward", small)
    X, _ = blobs(n=900, centers=4, std=1.5)
    result = sweep_k(X, [3, 5], algorithm="ward", seed=2)
    assert any("Built from 300 of 900 rows" in note for note in result.notes)
    for k in (3, 5):
        fit = fit_prepared(_as_prepared(X), "ward", k, seed=2)
        assert fit.sample_index is not None
        assert adjusted_rand_score(fit.labels, result.labels[k]) == 1.0


def test_gmm_sweep_reports_bic():
    X, _ = blobs(n=400, centers=3)
    result = sweep_k(X, [2, 3, 4], algorithm="gmm")
    assert "bic" in result.table.columns
    assert result.table["bic"].idxmin() == 3


def test_sweep_stops_when_cancelled():
    X, _ = blobs(n=300)
    asked = []

    def cancel():
        asked.append(1)
        return len(asked) > 2

    result = sweep_k(X, range(2, 9), cancel=cancel)
    assert result.cancelled
    assert list(result.table.index) == [2, 3]
    assert set(result.labels) == {2, 3}
    assert "Stopped early" in result.notes[-1]


def test_a_sweep_of_k_means_with_many_starts_stops_between_starts():
    X, _ = blobs(n=300)
    asked = []

    def cancel():
        asked.append(1)
        return len(asked) > 53  # before k=2 and its 50 starts, before k=3 and its first start

    result = sweep_k(X, range(2, 9), params={"n_init": 50}, cancel=cancel)
    assert result.cancelled and len(asked) == 54  # stopped inside k=3, after 1 of its 50 starts
    assert list(result.table.index) == [2]
    assert "Stopped early at your request after 1 of 7" in result.notes[-1]


def test_sweep_stops_at_k_above_the_distinct_rows():
    X = np.repeat(np.arange(4.0)[:, None] * 10, 20, axis=0)
    result = sweep_k(X, range(2, 8))
    assert list(result.table.index) == [2, 3, 4]
    assert "distinct rows" in result.notes[-1]


def test_sweep_refuses_in_plain_words():
    X, _ = blobs(n=100)
    with pytest.raises(SegwidgetsValueError, match="chooses the number of segments by itself"):
        sweep_k(X, algorithm="hdbscan")
    with pytest.raises(SegwidgetsValueError, match="Unknown algorithm"):
        sweep_k(X, algorithm="magic")
    with pytest.raises(SegwidgetsValueError, match="whole number"):
        sweep_k(X, [1, 2])
    with pytest.raises(SegwidgetsValueError, match="missing or infinite"):
        sweep_k(np.array([[1.0], [np.nan], [3.0]]))


# --------------------------------------------------------------------------- silhouettes


def test_silhouettes_sorted_for_a_plot_and_equal_to_scikit_learns():
    X, y = blobs(n=300, centers=3, std=1.5)
    out = silhouette_samples_by_segment(X, y)
    assert list(out.columns) == ["row", "segment", "silhouette"]
    assert len(out) == 300 and out.attrs["note"] is None
    assert out["segment"].is_monotonic_increasing
    for _, part in out.groupby("segment"):
        assert part["silhouette"].is_monotonic_decreasing
    expected = silhouette_samples(X, y)
    np.testing.assert_allclose(out["silhouette"].to_numpy(), expected[out["row"].to_numpy()])


def test_silhouettes_on_a_bounded_sample_keep_every_segment_and_skip_unassigned():
    X, y = blobs(n=5000, centers=4)
    y = y.copy()
    y[:100] = -1
    y[100:103] = 7  # a tiny segment
    out = silhouette_samples_by_segment(X, y, sample_size=500, seed=1)
    assert len(out) <= 500 + 8
    assert set(out["segment"]) == {0, 1, 2, 3, 7}
    assert (out["row"] >= 100).all()
    assert "of 4,900 rows" in out.attrs["note"]


def test_silhouettes_need_two_segments():
    X, _ = blobs(n=50)
    with pytest.raises(SegwidgetsDataError, match="at least 2 segments"):
        silhouette_samples_by_segment(X, np.zeros(50, dtype=int))


# --------------------------------------------------------------------------- dendrogram


def test_dendrogram_on_every_row_cuts_into_k_segments():
    X, _ = blobs(n=400, centers=4, std=1.0)
    tree = dendrogram_data(X)
    assert isinstance(tree, DendrogramResult)
    assert tree.note is None and tree.leaf_index is None and tree.n_leaves == 400
    for k in (1, 2, 3, 4, 7, 12):
        labels = cut_by_k(tree, k)
        assert labels.dtype == np.int32 and len(labels) == 400
        assert sorted(np.unique(labels)) == list(range(k))
        assert cut_by_height(tree, height_for_k(tree, k)) == k
    assert cut_by_height(tree, 0.0) == 400
    assert cut_by_height(tree, 1e12) == 1


def test_dendrogram_segments_are_numbered_left_to_right():
    X, _ = blobs(n=200, centers=3)
    tree = dendrogram_data(X)
    from scipy.cluster.hierarchy import leaves_list

    labels = cut_by_k(tree, 3)[leaves_list(tree.linkage)]
    firsts = [int(np.argmax(labels == s)) for s in range(3)]
    assert firsts == sorted(firsts)


def test_dendrogram_on_a_sample_says_so_and_labels_every_row():
    X, y = blobs(n=1000, centers=4)
    tree = dendrogram_data(X, max_rows=300, seed=4)
    assert tree.n_leaves == 300 and len(tree.leaf_index) == 300
    assert tree.note.startswith("Built from 300 of 1,000 rows")
    labels = cut_by_k(tree, 4)
    assert len(labels) == 1000 and len(np.unique(labels)) == 4
    assert adjusted_rand_score(y, labels) > 0.99
    drawn = tree.coordinates(p=10)
    assert len(drawn["ivl"]) == 10


def test_dendrogram_refuses_in_plain_words():
    X, _ = blobs(n=100)
    with pytest.raises(SegwidgetsValueError, match="Unknown linkage"):
        dendrogram_data(X, method="centroid")
    tree = dendrogram_data(X)
    with pytest.raises(SegwidgetsValueError, match="choose k from 1 to 100"):
        cut_by_k(tree, 101)


def test_dendrogram_and_comparison_on_50k_rows_stay_bounded_in_memory():
    X, _ = blobs(n=50_000, centers=5, p=20, std=1.0)
    tracemalloc.start()
    try:
        tree = dendrogram_data(X)
        labels = cut_by_k(tree, 5)
        _, peak_tree = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        comparison = compare_algorithms(X, 5)
        _, peak_compare = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert tree.n_leaves == 2000 and "Built from 2,000 of 50,000 rows" in tree.note
    assert len(labels) == 50_000
    assert len(comparison.rows) == 10_000
    assert "10,000 of 50,000 rows" in comparison.note
    # all rows at once would need 50,000² / 2 distances (10 GB); the sample needs 0.4 GB
    assert peak_tree < 200e6
    assert peak_compare < 1e9


# --------------------------------------------------------------------------- comparison


def test_comparison_ari_is_symmetric_with_ones_on_the_diagonal():
    X, _ = blobs(n=600, centers=3, std=2.0)
    result = compare_algorithms(X, 4, algorithms=("kmeans", "ward", "gmm", "average"), seed=1)
    assert isinstance(result, Comparison)
    ari = result.ari
    assert list(ari.index) == list(ari.columns) == ["kmeans", "ward", "gmm", "average"]
    np.testing.assert_allclose(ari.to_numpy(), ari.to_numpy().T)
    np.testing.assert_array_equal(np.diag(ari.to_numpy()), 1.0)
    assert ((ari.to_numpy() <= 1.0) & (ari.to_numpy() >= -1.0)).all()
    assert result.rows is None and result.note is None
    assert list(result.metrics.index) == ["kmeans", "ward", "gmm", "average"]
    assert result.metrics.loc["ward", "label"] == "Hierarchical (Ward)"
    assert (result.metrics["n_segments"] == 4).all()


def test_well_separated_blobs_get_the_same_segments_from_every_algorithm():
    X, _ = blobs(n=600, centers=3)
    result = compare_algorithms(X, 3)
    assert (result.ari.to_numpy() > 0.99).all()


def test_comparison_above_the_limit_uses_one_shared_sample():
    X, _ = blobs(n=1500, centers=3)
    result = compare_algorithms(X, 3, algorithms=("kmeans", "ward"), max_rows=500)
    assert len(result.rows) == 500
    assert all(len(labels) == 500 for labels in result.labels.values())
    assert "same random sample of 500 of 1,500 rows" in result.note
    only_linear = compare_algorithms(X, 3, algorithms=("kmeans", "gmm"), max_rows=500)
    assert only_linear.rows is None and only_linear.note is None


def test_comparison_keeps_going_when_one_algorithm_fails(monkeypatch):
    from segwidgets.core import diagnostics

    def fit(prepared, algorithm, k, seed=0, params=None):
        if algorithm == "gmm":
            raise SegwidgetsDataError("Gaussian mixture found no segments.")
        return fit_prepared(prepared, algorithm, k, seed, params)

    monkeypatch.setattr(diagnostics, "fit_prepared", fit)
    X, _ = blobs(n=200, centers=3)
    result = compare_algorithms(X, 3)
    assert result.metrics.loc["kmeans", "n_segments"] == 3
    assert np.isnan(result.metrics.loc["gmm", "inertia"])
    assert np.isnan(result.ari.loc["gmm", "kmeans"]) and np.isnan(result.ari.loc["gmm", "gmm"])
    assert result.ari.loc["kmeans", "ward"] > 0.99
    assert result.warnings == ["Gaussian mixture: Gaussian mixture found no segments."]


# --------------------------------------------------------------------------- stability


@pytest.mark.parametrize("method", ["seeds", "bootstrap"])
def test_stability_is_high_on_blobs_and_lower_on_noise(method):
    X, _ = blobs(n=800, centers=4)
    noise = np.random.default_rng(0).uniform(size=(800, 8))
    on_blobs = stability(X, [4], n_runs=4, method=method)
    on_noise = stability(noise, [4], n_runs=4, method=method)
    assert list(on_blobs.columns) == ["mean_ari", "min_ari", "n_runs"]
    assert on_blobs.loc[4, "mean_ari"] > 0.98
    assert on_blobs.loc[4, "min_ari"] <= on_blobs.loc[4, "mean_ari"]
    assert on_noise.loc[4, "mean_ari"] < 0.8
    assert on_noise.loc[4, "mean_ari"] < on_blobs.loc[4, "mean_ari"] - 0.2


def test_stability_per_k_with_progress_and_cancel():
    X, _ = blobs(n=300, centers=3)
    calls = []
    out = stability(X, [2, 3, 4], n_runs=3, progress=lambda d, t: calls.append((d, t)))
    assert list(out.index) == [2, 3, 4] and out.index.name == "k"
    assert calls == [(1, 3), (2, 3), (3, 3)]
    assert (out["n_runs"] == 3).all()
    stopped = stability(X, [2, 3, 4], n_runs=3, cancel=lambda: True)
    assert len(stopped) == 0


def test_stability_refuses_in_plain_words():
    X, _ = blobs(n=100)
    with pytest.raises(SegwidgetsValueError, match="at least 2 runs"):
        stability(X, [3], n_runs=1)
    with pytest.raises(SegwidgetsValueError, match="seeds, bootstrap"):
        stability(X, [3], method="jackknife")


def test_messages_render_without_placeholders():
    X, _ = blobs(n=100)
    for call in (
        lambda: sweep_k(X, algorithm="hdbscan"),
        lambda: stability(X, [3], method="x"),
        lambda: dendrogram_data(X, method="x"),
        lambda: cut_by_k(dendrogram_data(X), 0),
        lambda: compare_algorithms(X, 3, algorithms=()),
        lambda: silhouette_samples_by_segment(X, np.zeros(3)),
    ):
        with pytest.raises(SegwidgetsValueError) as caught:
            call()
        assert "{" not in str(caught.value) and "}" not in str(caught.value)


def test_inputs_are_not_changed():
    X, _ = blobs(n=300)
    before = X.copy()
    sweep_k(X, [2, 3])
    compare_algorithms(X, 3)
    stability(X, [3], n_runs=2, method="bootstrap")
    dendrogram_data(X, max_rows=100)
    np.testing.assert_array_equal(X, before)
    assert isinstance(pd.DataFrame(X), pd.DataFrame)
