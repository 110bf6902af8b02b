"""DendrogramView: a person cuts the tree by k, by height or by clicking, then uses that k."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segwidgets.core.diagnostics import cut_by_height, cut_by_k, height_for_k
from segwidgets.session import Segmentation
from segwidgets.widgets.dendrogram_view import LEAVES, DendrogramView
from tests.helpers import blob_frame, hold, observers_of


def blobs(n: int = 600, centers: int = 5, seed: int = 3) -> pd.DataFrame:
    """Customers in blobs over recency, frequency and monetary: :func:`tests.helpers.blob_frame`."""
    return blob_frame(n, centers=centers, features=3, seed=seed, columns=["recency", "frequency", "monetary"])


@pytest.fixture()
def model(make_model) -> Segmentation:
    return make_model(blobs(), k=4)


@pytest.fixture()
def view(model) -> DendrogramView:
    return DendrogramView(model, background=False)


def click_plot(view: DendrogramView, x: float, y: float) -> None:
    """What the browser sends when a person clicks the plot at data point (x, y)."""
    view.click_surface._handle_custom_msg(
        {"event": "element_click", "data": {"click_x": x, "click_y": y}}, []
    )


def branches_cut(view: DendrogramView) -> int:
    """How many vertical legs of the drawn tree the cut line crosses (= segments below it)."""
    h = float(view.cut_line.y[0])
    y = np.asarray(view.branches.y, dtype=float)
    legs = np.concatenate([y[:, [0, 1]], y[:, [3, 2]]])  # (bottom, top) of each leg
    return int(((legs[:, 0] <= h) & (h < legs[:, 1])).sum())


def test_the_view_draws_a_truncated_tree_with_stable_classes(view, model):
    assert "sw-dendrogram-view" in view._dom_classes
    for widget, name in [(view.k_slider, "k"), (view.height_slider, "height"),
                         (view.use_button, "use"), (view.message, "message"),
                         (view.linkage, "linkage"), (view.cut_by, "cut-by")]:
        assert f"sw-dendrogram-{name}" in widget._dom_classes
    assert view.figure.animation_duration == 0
    assert view.result.n_leaves == len(model.prepared.X)
    assert view.branches.visible and np.asarray(view.branches.x).shape == (LEAVES - 1, 4)
    assert view.click_surface in view.figure.marks
    assert view.figure.marks[-1] is view.click_surface  # on top, so it receives the clicks
    assert view.k_slider.max == LEAVES
    # the cut starts at the model's k
    assert view.cut_k == view.k_slider.value == 4
    assert branches_cut(view) == 4
    assert "sample" not in view.message.value


@pytest.mark.parametrize("k", [2, 3, 5, 7, 12])
def test_cutting_by_k_crosses_k_branches_and_the_button_gives_the_model_k(view, model, k):
    view.k_slider.value = k
    assert view.cut_k == k
    assert branches_cut(view) == k
    assert float(view.cut_line.y[0]) == pytest.approx(height_for_k(view.result, k))
    assert cut_by_height(view.result, float(view.cut_line.y[0])) == k
    assert f"{k} segments" in view.cut_info.value
    assert view.height_slider.value == pytest.approx(height_for_k(view.result, k))
    assert view.use_button.description == f"Use k = {k}" and not view.use_button.disabled
    view.use_button.click()
    assert model.k == k
    assert len(model.segment_ids) == k
    assert "still found by k-means" in view.message.value  # it keeps its algorithm, in words


def test_the_tree_matches_the_model_when_it_is_ward_on_every_row():
    model = Segmentation(blobs(), k=4, algorithm="ward", background=False)
    view = DendrogramView(model, background=False)
    view.k_slider.value = 5
    tree_labels = cut_by_k(view.result, 5)
    view.use_button.click()
    assert "same kind of tree" in view.message.value
    assert view.switch_button.layout.display == "none"  # already Ward: nothing to switch
    stable = model.labels[model.prepared.row_index]
    # same segments, whatever their numbers: each tree segment is exactly one model segment
    assert pd.crosstab(tree_labels, stable).astype(bool).sum(axis=1).tolist() == [1] * 5


def test_the_switch_button_moves_the_model_to_ward_with_the_cut_k(view, model):
    view.k_slider.value = 6
    assert view.switch_button.layout.display is None
    assert view.switch_button.description == "Use k = 6 with Hierarchical (Ward)"
    view.switch_button.click()
    assert (model.algorithm, model.k, len(model.segment_ids)) == ("ward", 6, 6)
    assert view.switch_button.layout.display == "none"


def test_clicking_at_a_height_cuts_there(view, model):
    tree = view.result
    h = (tree.heights[-3] + tree.heights[-2]) / 2 + 0.1 * (tree.heights[-2] - tree.heights[-3])
    click_plot(view, 120.0, float(h))
    assert view.cut_by.value == "height"
    assert view.height_slider.layout.display is None and view.k_slider.layout.display == "none"
    assert view.cut_height == pytest.approx(h)
    assert view.cut_k == cut_by_height(tree, h) == 3
    assert view.k_slider.value == 3  # the k shown follows the click
    assert float(view.cut_line.y[0]) == pytest.approx(h)
    assert branches_cut(view) == 3
    assert "3 segments" in view.cut_info.value
    assert model.k == 4  # a click explores; only the button changes the model
    view.use_button.click()
    assert model.k == 3


def test_moving_the_height_slider_shows_the_segments_of_that_cut(view):
    view.cut_by.value = "height"
    tree = view.result
    for h in np.linspace(0.5, float(tree.heights[-1]) * 0.99, 7):
        view.height_slider.value = float(h)
        assert view.cut_k == cut_by_height(tree, view.height_slider.value)
        if view.cut_k <= LEAVES:
            assert branches_cut(view) == view.cut_k


def test_a_cut_above_the_top_or_below_the_drawn_branches_is_explained_and_not_usable(view, model):
    click_plot(view, 10.0, float(view.result.heights[-1]) * 1.5)
    assert view.cut_k == 1
    assert "one segment" in view.cut_info.value
    assert view.use_button.disabled
    click_plot(view, 10.0, 0.0)  # at the bottom: every row apart
    assert view.cut_k > LEAVES
    assert "More than the 30 branches drawn" in view.cut_info.value
    assert view.use_button.disabled
    view._on_use()  # the button's action refuses in words, the model is unchanged
    assert "Choose a cut with 2 to 50 segments first." in view.message.value
    assert model.k == 4 and model.state == "idle"


@pytest.mark.parametrize("data", [
    {"click_x": 1, "click_y": "a"},
    {"click_x": 1, "click_y": float("nan")},
    {"click_x": 1},
    None,
    [1, 2],
])
def test_clicks_the_view_does_not_understand_change_nothing(view, model, data):
    before = (view.cut_k, view.cut_height)
    view.click_surface._handle_custom_msg({"event": "element_click", "data": data}, [])
    assert (view.cut_k, view.cut_height) == before
    assert model.state == "idle"


def test_a_sample_is_stated_when_the_data_is_larger_than_max_rows():
    model = Segmentation(blobs(1200), k=4, background=False)
    view = DendrogramView(model, max_rows=500, background=False)
    assert view.result.n_leaves == 500
    assert "built on a random sample of 500 of 1,200 rows" in view.message.value
    view.k_slider.value = 3
    assert branches_cut(view) == 3


def test_a_k_change_moves_the_cut_but_never_rebuilds_the_tree(view, model):
    tree = view.result
    model.k = 6
    assert view.result is tree
    assert view.cut_k == view.k_slider.value == 6
    assert float(view.cut_line.y[0]) == pytest.approx(height_for_k(tree, 6))
    model.rename(model.segment_ids[0], "Big spenders")  # a new revision, same rows
    assert view.result is tree


def test_new_features_or_scaling_or_linkage_rebuild_the_tree(view, model):
    tree = view.result
    model.scaling = "minmax"
    assert view.result is not tree
    np.testing.assert_allclose(view.result.X, model.prepared.X)
    tree = view.result
    model.features = ["recency", "frequency"]
    assert view.result is not tree and view.result.X.shape[1] == 2
    view.linkage.value = "average"
    assert view.result.method == "average"
    assert "average tree" in view.message.value
    assert view.switch_button.description.endswith("with Hierarchical (average)")
    view.linkage.value = "single"  # no algorithm fits single linkage: nothing to switch to
    assert view.switch_button.layout.display == "none"
    view.use_button.click()
    assert "single linkage" in view.message.value


def test_an_hdbscan_model_keeps_its_own_count_and_is_told_so():
    frame = blobs(600, centers=3, seed=1)
    noise = np.random.default_rng(0).uniform(-15, 15, (60, 3))
    frame = pd.concat([frame, pd.DataFrame(noise, columns=frame.columns)], ignore_index=True)
    model = Segmentation(frame, algorithm="hdbscan", params={"min_cluster_size": 30},
                         background=False)
    view = DendrogramView(model, background=False)
    assert view.cut_k == len(model.segment_ids) == 3  # the cut starts at the segments found
    view.k_slider.value = 5
    view.use_button.click()
    assert "chooses its number of segments by itself" in view.message.value
    assert model.algorithm == "hdbscan" and model.state == "idle"
    view.switch_button.click()
    assert (model.algorithm, len(model.segment_ids)) == ("ward", 5)


def test_no_data_yet_shows_a_message_and_a_later_load_draws_the_tree():
    model = Segmentation(background=False)
    view = DendrogramView(model, background=False)
    assert "No tree yet" in view.message.value
    assert view.use_button.disabled and not view.branches.visible
    model.load_data(blobs())
    assert view.result is not None and view.branches.visible
    assert view.cut_k == model.k


def test_the_tree_builds_on_a_thread_when_in_the_background(model):
    view = DendrogramView(model)
    assert view.wait(timeout=60)
    assert view.result is not None and view.cut_k == 4
    model.scaling = "robust"
    view.linkage.value = "complete"  # overtakes the build the scaling change started
    assert view.wait(timeout=60)
    assert view.result.method == "complete"
    np.testing.assert_allclose(view.result.X, model.prepared.X)


def test_a_closed_view_no_longer_follows_the_model(view, model):
    tree = view.result
    view.close()
    view.close()  # twice is harmless
    model.scaling = "robust"
    assert view.result is tree and view.cut_k == 4 and model.state == "idle"


def test_a_preview_or_new_metrics_move_the_cut_but_never_rebuild(view, model):
    from tests.helpers import publish

    tree = view.result
    publish(model, preview=True, k=6)  # a provisional fit of k=6: same rows, so the same tree
    assert view.result is tree and view.cut_k == 6
    publish(model, metrics={"silhouette": 0.5})
    assert view.result is tree and view.cut_k == 6


def test_a_closed_view_observes_nothing_and_its_lane_is_cancelled(model, monkeypatch):
    import segwidgets.widgets.dendrogram_view as module

    release = hold(monkeypatch, module, "dendrogram_data")
    view = DendrogramView(model)  # computing in the view's lane, on its thread
    model = view.model

    assert observers_of(model, view) and model.scheduler.busy(view._lane)
    view.close()
    assert observers_of(model, view) == []
    release.set()
    assert model.scheduler.wait([view._lane], timeout=60)
    assert view.result is None  # the computation was cancelled: its result is never shown


def test_branches_are_coloured_by_the_segment_they_fall_in_and_leaves_say_their_rows(model, view):
    from segwidgets.widgets.dendrogram_cut import BRANCH_COLOR

    colors = list(view.branches.colors)
    y = np.asarray(view.branches.y, dtype=float)
    assert len(colors) == len(y)
    above = y[:, 1] > float(view.cut_line.y[0])
    assert all(c == BRANCH_COLOR for c, a in zip(colors, above) if a)  # merges the cut undoes
    below = {c for c, a in zip(colors, above) if not a}
    assert below == set(model.result.colors.values())  # each of the 4 segments' own colour
    # the leaves say how many rows each holds, and together they hold every row
    sizes = [int(t.replace(",", "")) for t in view.cut.leaf_labels.text]
    assert len(sizes) == len(y) + 1 and sum(sizes) == len(model.data)
    view.set_cut(k=2)
    assert len({c for c in view.branches.colors if c != BRANCH_COLOR}) <= 2


def test_branch_groups_follow_the_cut_left_to_right():
    from segwidgets.core.diagnostics import branch_groups, dendrogram_data, leaf_sizes

    X = np.concatenate([np.random.default_rng(0).normal(c, 0.3, size=(40, 2)) for c in (0, 5, 10)])
    tree = dendrogram_data(X)
    coordinates = tree.coordinates(12)
    groups = branch_groups(tree, coordinates, 3)
    assert (groups < 0).sum() == 2 and set(groups[groups >= 0]) == {0, 1, 2}
    # each group's branches sit over one contiguous run of leaves, groups in order left to right
    mids = np.asarray(coordinates["icoord"], dtype=float).reshape(-1, 4)[:, 1:3].mean(axis=1)
    spans = [(mids[groups == g].min(), mids[groups == g].max()) for g in range(3)]
    assert spans[0][1] < spans[1][0] and spans[1][1] < spans[2][0]
    assert leaf_sizes(coordinates).sum() == 120
