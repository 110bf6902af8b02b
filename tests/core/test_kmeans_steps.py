"""The k-means lesson's stepper: the story an instructor tells, half-step by half-step."""

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from segwidgets.core.kmeans_steps import (
    LESSON_SHAPES,
    KMeansStepper,
    k_advice,
    make_lesson_data,
    standardise,
)
from segwidgets.errors import SegwidgetsValueError
from tests.helpers import blob_points


@pytest.mark.parametrize("shape", sorted(LESSON_SHAPES))
def test_every_shape_makes_reproducible_2d_points(shape):
    a = make_lesson_data(shape, n=200, seed=3)
    b = make_lesson_data(shape, n=200, seed=3)
    c = make_lesson_data(shape, n=200, seed=4)
    assert a.shape == (200, 2) and a.dtype == np.float64
    assert np.all(np.isfinite(a))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_unknown_shape_and_bad_n_are_refused_in_words():
    with pytest.raises(SegwidgetsValueError, match="Unknown data shape 'spiral'"):
        make_lesson_data("spiral")
    with pytest.raises(SegwidgetsValueError, match="between 10 and 5,000 points, not 3"):
        make_lesson_data("blobs", n=3)


@pytest.mark.parametrize("shape", sorted(LESSON_SHAPES))
@pytest.mark.parametrize("k", [2, 3, 5])
@pytest.mark.parametrize("seed", [0, 1])
def test_run_to_convergence_equals_scikit_learn_lloyd(shape, k, seed):
    X = make_lesson_data(shape, seed=seed)
    stepper = KMeansStepper(X)
    start = stepper.init(k, seed=seed).centroids.copy()
    final = stepper.run_to_convergence()
    assert stepper.converged
    # tol=0: scikit-learn stops only when no label changes, as the lesson does.
    km = KMeans(n_clusters=k, init=start, n_init=1, algorithm="lloyd", tol=0, max_iter=300).fit(X)
    assert adjusted_rand_score(km.labels_, final.labels) == 1.0
    np.testing.assert_allclose(final.centroids, km.cluster_centers_, rtol=1e-9, atol=1e-9)
    assert final.inertia == pytest.approx(km.inertia_, rel=1e-9)
    assert final.iteration == km.n_iter_


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_scikit_learn_with_its_default_tolerance_on_blobs(seed):
    X = make_lesson_data("blobs", seed=seed)
    stepper = KMeansStepper(X)
    start = stepper.init(3, seed=seed).centroids.copy()
    final = stepper.run_to_convergence()
    km = KMeans(n_clusters=3, init=start, n_init=1, algorithm="lloyd").fit(X)
    assert adjusted_rand_score(km.labels_, final.labels) == 1.0
    np.testing.assert_allclose(final.centroids, km.cluster_centers_)


def test_half_steps_alternate_and_inertia_never_rises():
    stepper = KMeansStepper(make_lesson_data("unequal", seed=2))
    stepper.init(4, seed=2)
    phases = [stepper.step().phase for _ in range(6)]
    assert phases == ["assign", "update"] * 3
    stepper.run_to_convergence()
    values = [v for _, _, v in stepper.inertia_history]
    assert all(b <= a + 1e-9 for a, b in zip(values, values[1:]))
    steps = [i for i, _, _ in stepper.inertia_history]
    assert steps == list(range(1, len(stepper.history)))


def test_first_assign_labels_everyone_then_counts_changes():
    X = make_lesson_data("blobs", n=120, seed=0)
    stepper = KMeansStepper(X)
    stepper.init(3, seed=0)
    first = stepper.assign()
    assert first.n_changed == 120
    assert "120 points now have a segment" in first.message
    stepper.update()
    second = stepper.assign()
    assert second.n_changed == np.count_nonzero(second.labels != first.labels)
    assert "changed segment" in second.message or "converged" in second.message


def test_update_moves_centroids_to_the_means_of_their_points():
    X = make_lesson_data("anisotropic", seed=1)
    stepper = KMeansStepper(X)
    stepper.init(3, seed=1)
    labels = stepper.assign().labels
    upd = stepper.update()
    for j in range(3):
        np.testing.assert_allclose(upd.centroids[j], X[labels == j].mean(axis=0))
    assert upd.inertia <= stepper.history[-2].inertia


def test_step_back_restores_the_previous_state_exactly():
    stepper = KMeansStepper(make_lesson_data("moons", seed=0))
    stepper.init(2, seed=5)
    stepper.step()
    before = stepper.state
    before_centroids = before.centroids.copy()
    stepper.step()
    assert stepper.state.phase == "update"
    back = stepper.back()
    assert back is before
    np.testing.assert_array_equal(back.centroids, before_centroids)
    assert stepper.next_phase == "update"
    stepper.back()
    assert stepper.state.phase == "init"
    with pytest.raises(SegwidgetsValueError, match="Already at the start"):
        stepper.back()


def test_converged_after_an_assign_that_changes_nothing():
    stepper = KMeansStepper(make_lesson_data("blobs", seed=0))
    stepper.init(3, seed=0)
    assert not stepper.converged
    final = stepper.run_to_convergence()
    assert final.phase == "assign" and final.n_changed == 0
    assert "converged" in final.message
    n = len(stepper.history)
    stepper.run_to_convergence()
    assert len(stepper.history) == n  # running again does nothing


def test_max_iter_stops_early_without_claiming_convergence():
    stepper = KMeansStepper(make_lesson_data("unequal", seed=1))
    stepper.init(5, seed=1)
    stepper.run_to_convergence(max_iter=1)
    assert stepper.iterations == 1
    assert not stepper.converged


def test_hand_placed_centroids_set_k_and_start_there():
    X = make_lesson_data("blobs", seed=0)
    stepper = KMeansStepper(X)
    given = np.array([[-4.0, -2.0], [0.0, 4.0]])
    st = stepper.init(k=7, centroids=given)
    assert st.k == 2
    np.testing.assert_array_equal(st.centroids, given)
    given[0, 0] = 99  # the caller's array is not kept
    assert stepper.state.centroids[0, 0] == -4.0
    assert "placed by hand" in st.message


def test_empty_segment_keeps_its_centroid_and_says_so():
    X = blob_points(60, centers=[[0, 0], [5, 5]], std=0.3, seed=0)[0]
    far = np.array([100.0, 100.0])
    stepper = KMeansStepper(X)
    stepper.init(k=3, centroids=np.array([[0.0, 0.0], [5.0, 5.0], far]))
    a = stepper.assign()
    assert a.empty == (2,)
    assert "Segment 3 got no points" in a.message
    u = stepper.update()
    np.testing.assert_array_equal(u.centroids[2], far)
    assert "Segment 3 has no points, so its centroid stays where it is" in u.message
    stepper.run_to_convergence()
    assert stepper.converged


def test_bad_input_is_refused_in_plain_words():
    X = make_lesson_data("blobs", n=20)
    with pytest.raises(SegwidgetsValueError, match="k=25 is more than the 20 points"):
        KMeansStepper(X).init(25)
    with pytest.raises(SegwidgetsValueError, match="at least 1"):
        KMeansStepper(X).init(0)
    with pytest.raises(SegwidgetsValueError, match="2 coordinates each"):
        KMeansStepper(X).init(2, centroids=np.zeros((2, 3)))
    with pytest.raises(SegwidgetsValueError, match="missing or infinite"):
        KMeansStepper(X).init(2, centroids=np.array([[0, np.nan], [1, 1]]))
    with pytest.raises(SegwidgetsValueError, match="at most 10 centroids"):
        KMeansStepper(X).init(11)
    stepper = KMeansStepper(X)
    stepper.init(2)
    with pytest.raises(SegwidgetsValueError, match="Assign the points first"):
        stepper.update()
    stepper.assign()
    with pytest.raises(SegwidgetsValueError, match="press Update"):
        stepper.assign()
    stepper.update()
    with pytest.raises(SegwidgetsValueError, match="assign the points again first"):
        stepper.update()
    stepper.run_to_convergence()
    with pytest.raises(SegwidgetsValueError, match="k-means has converged"):
        stepper.assign()
    with pytest.raises(SegwidgetsValueError, match="missing or infinite"):
        KMeansStepper(np.array([[0.0, np.inf]]))


def test_standardising_changes_the_answer_on_the_stretched_data():
    X = make_lesson_data("stretched", seed=0)
    raw = KMeansStepper(X)
    raw.init(3, seed=0)
    raw_labels = raw.run_to_convergence().labels
    std = KMeansStepper(standardise(X))
    std.init(3, seed=0)
    std_labels = std.run_to_convergence().labels
    order = np.argsort(X[:, 0])
    # Without scaling the cut is by spend alone: segments are bands along x.
    assert np.count_nonzero(np.diff(raw_labels[order])) <= 4
    # Standardised, visits count too: segments are not spend bands any more.
    assert np.count_nonzero(np.diff(std_labels[order])) > 30
    assert adjusted_rand_score(raw_labels, std_labels) < 0.6
    z = standardise(X)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1)


def test_k_advice_names_merging_and_splitting():
    assert "merge" in k_advice("blobs", 2)
    assert "k=2 on three groups" in k_advice("blobs", 2)
    assert "splits real groups" in k_advice("blobs", 5)
    assert "matches the three groups" in k_advice("blobs", 3)
    assert "straight boundary" in k_advice("moons", 2)
    assert "one segment" in k_advice("unequal", 1)
    for shape in LESSON_SHAPES:
        for k in range(1, 11):
            text = k_advice(shape, k)
            assert "{" not in text and text.endswith(".")


def test_random_start_is_k_distinct_points_of_the_data():
    from segwidgets.core.kmeans_steps import initial_centroids

    X = make_lesson_data("blobs")
    C = initial_centroids(X, 4, seed=2, method="random")
    assert C.shape == (4, 2) and len({tuple(c) for c in C}) == 4
    assert all(any(np.array_equal(c, x) for x in X) for c in C)
    np.testing.assert_array_equal(C, initial_centroids(X, 4, seed=2, method="random"))
    stepper = KMeansStepper(X)
    assert "random points (seed 2)" in stepper.init(4, seed=2, method="random").message
    with pytest.raises(SegwidgetsValueError, match="Unknown start 'forgy'"):
        initial_centroids(X, 3, method="forgy")


def test_voronoi_grid_gives_each_cell_to_its_nearest_centroid():
    from segwidgets.core.kmeans_steps import voronoi_grid

    C = np.array([[0.0, 0.0], [10.0, 0.0]])
    xs, ys, owner = voronoi_grid(C, (-1.0, 11.0, -2.0, 2.0), cells=12)
    assert xs.shape == ys.shape == (12,) and owner.shape == (12, 12)
    assert np.all(owner[:, xs < 5] == 0) and np.all(owner[:, xs > 5] == 1)


def test_prediction_offsets_are_distances_from_each_guess():
    from segwidgets.core.kmeans_steps import prediction_offsets

    off = prediction_offsets([[0, 0], [1, 1]], [[3, 4], [1, 1]])
    np.testing.assert_allclose(off, [5.0, 0.0])
    with pytest.raises(SegwidgetsValueError, match="One guess per centroid"):
        prediction_offsets([[0, 0]], [[1, 1], [2, 2]])


def test_the_demo_table_projects_on_two_principal_components_and_back():
    from segwidgets import datasets
    from segwidgets.core.kmeans_steps import project_table

    frame = datasets.load("facebook_live")
    columns = [c for c in frame.columns if c.startswith("num_")]
    proj = project_table(frame, columns, n=300, seed=1)
    assert proj.X.shape == (300, 9) and proj.xy.shape == (300, 2)
    np.testing.assert_allclose(proj.X.mean(axis=0), 0, atol=1e-9)
    assert 0.5 < proj.explained < 1 and f"{proj.explained:.0%} of the variance" in proj.note
    np.testing.assert_allclose(proj.project(proj.X), proj.xy)
    np.testing.assert_allclose(proj.project(proj.unproject(proj.xy[:5])), proj.xy[:5], atol=1e-9)
    with pytest.raises(SegwidgetsValueError, match="at least 10 rows and 3 features"):
        project_table(frame, columns[:2])
