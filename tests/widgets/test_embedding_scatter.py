"""EmbeddingScatter, the map: on a refit it sends colour codes only, and at most once per burst."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segwidgets import Segmentation
from segwidgets.session import PALETTE, UNASSIGNED_COLOR
from segwidgets.widgets import EmbeddingScatter


@pytest.fixture()
def frame(make_frame) -> pd.DataFrame:
    """900 rows in 5 blobs over a, b, c, d."""
    return make_frame(900, centers=5, features=4, seed=2)


def test_a_refit_changes_the_colour_codes_and_nothing_else(frame):
    model = Segmentation(frame, k=3, background=False)
    scatter = EmbeddingScatter(model)
    sent = []
    scatter.color_scale.observe(lambda change: sent.append(change["name"]), names=["colors", "min", "max"])
    scatter.mark.observe(lambda change: sent.append(change["name"]), names=["x", "y", "color"])
    model.k = 5
    assert sent == ["color"]
    codes = scatter.mark.color
    drawn = model.labels[model.coord_rows]
    for segment in model.segment_ids:
        assert {scatter.color_scale.colors[c] for c in codes[drawn == segment]} == {model.colors[segment]}
    assert list(scatter.color_scale.colors) == [*PALETTE, UNASSIGNED_COLOR]


def test_a_background_model_redraws_after_the_burst(frame):
    model = Segmentation(frame, k=3)
    assert model.wait(60)
    scatter = EmbeddingScatter(model)
    scatter.redraw_delay = 30.0  # long enough that nothing redraws before flush
    before = scatter.mark.color
    for k in (4, 5, 6):
        model.k = k
    assert model.wait(60)
    assert scatter.mark.color is before  # not redrawn yet: the burst is still settling
    scatter.flush()
    assert len(np.unique(scatter.mark.color)) == 6
    scatter.flush()  # nothing waiting: no error, no change


def test_points_get_smaller_as_the_map_gets_crowded():
    sizes = [EmbeddingScatter.point_size(n) for n in (500, 20_000, 50_000, 100_000)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]


def test_metrics_arriving_redraw_nothing_and_a_new_map_sends_coordinates_once(frame):
    from tests.helpers import publish

    model = Segmentation(frame, k=3, background=False)
    scatter = EmbeddingScatter(model)
    sent = []
    scatter.mark.observe(lambda change: sent.append(change["name"]), names=["x", "y", "color"])
    scatter.centers.observe(lambda change: sent.append("centres"), names=["x", "y", "names"])
    publish(model, metrics={"silhouette": 0.5})  # same segments, same map
    assert sent == []
    publish(model, coords=model.result.coords * 2)  # the map moved (UMAP arriving, say)
    assert sent.count("x") == 1 and sent.count("y") == 1
    assert scatter._coords is model.result.coords


def test_a_preview_and_the_seeded_fit_behind_it_cost_one_redraw(frame):
    model = Segmentation(frame, k=3)
    model.provisional_rows = 0  # previews are for large tables: treat this one as large
    assert model.wait(60)
    scatter = EmbeddingScatter(model)
    scatter.redraw_delay = 30.0
    published, colours = [], []
    model.observe(lambda change: published.append(change["new"]), names="result")
    scatter.mark.observe(lambda change: colours.append(change["new"]), names="color")
    model.k = 6
    assert model.wait(60)
    assert [r.preview for r in published if r.k == 6][:2] == [True, False]  # a warm start, then the fit
    scatter.flush()
    assert len(colours) == 1
    assert scatter._drawn is model.result and not scatter._drawn.preview
    assert len(np.unique(scatter.mark.color)) == 6


# ------------------------------------------------------------------ mouse selection on the map
def _brush(scatter, x, y):
    """What the browser sends for one box drawn with the mouse: brushing, the box, brushing ends."""
    scatter.brush.set_state({"brushing": True})
    scatter.brush.set_state({"selected_x": list(x), "selected_y": list(y)})
    scatter.brush.set_state({"brushing": False})


def _click(scatter, x, y):
    scatter.click_surface._handle_custom_msg({"event": "element_click", "data": {"click_x": x, "click_y": y}}, [])


def _inside(model, x, y):
    coords, rows = model.result.coords, model.result.coord_rows
    keep = (coords[:, 0] >= x[0]) & (coords[:, 0] <= x[1]) & (coords[:, 1] >= y[0]) & (coords[:, 1] <= y[1])
    return np.sort(rows[keep])


def test_a_box_drawn_on_the_map_selects_the_rows_inside_it_when_the_drag_ends(frame):
    model = Segmentation(frame, k=3, background=False)
    scatter = EmbeddingScatter(model)
    x = (float(np.quantile(model.result.coords[:, 0], 0.2)), float(np.quantile(model.result.coords[:, 0], 0.7)))
    y = (float(np.quantile(model.result.coords[:, 1], 0.1)), float(np.quantile(model.result.coords[:, 1], 0.9)))
    scatter.brush.set_state({"brushing": True})
    scatter.brush.set_state({"selected_x": list(x), "selected_y": list(y)})
    assert model.selection is None  # nothing is computed while the mouse still moves
    scatter.brush.set_state({"brushing": False})
    expected = _inside(model, x, y)
    assert 0 < len(expected) < len(frame)
    assert np.array_equal(model.selection, expected)
    # the map shows it: the selected points, the others dimmed
    assert np.array_equal(np.sort(model.result.coord_rows[scatter.mark.selected]), expected)
    assert scatter.mark.unselected_style.get("opacity", 1) < 0.5
    assert f"{len(expected):,} rows selected" in scatter.details.value


def test_add_and_remove_combine_a_new_box_with_the_selection(frame):
    model = Segmentation(frame, k=3, background=False)
    scatter = EmbeddingScatter(model)
    xs, ys = np.sort(model.result.coords[:, 0]), np.sort(model.result.coords[:, 1])
    left, right = (float(xs[0]), float(xs[300])), (float(xs[600]), float(xs[-1]))
    whole_y = (float(ys[0]), float(ys[-1]))
    _brush(scatter, left, whole_y)
    scatter.combine.value = "add"
    _brush(scatter, right, whole_y)
    both = np.union1d(_inside(model, left, whole_y), _inside(model, right, whole_y))
    assert np.array_equal(model.selection, both)
    scatter.combine.value = "remove"
    _brush(scatter, left, whole_y)
    assert np.array_equal(model.selection, _inside(model, right, whole_y))


def test_a_box_that_arrives_twice_or_broken_changes_nothing(frame):
    model = Segmentation(frame, k=3, background=False)
    scatter = EmbeddingScatter(model)
    scatter.combine.value = "add"
    x, y = (-1e9, 0.0), (-1e9, 1e9)
    _brush(scatter, x, y)
    first = model.selection.copy()
    scatter.brush.set_state({"brushing": False})  # the end of the same gesture, said again
    assert np.array_equal(model.selection, first)
    for bad_x in ([float("nan"), 1.0], [0.0, 1.0, 2.0], [float("inf"), 0.0]):
        scatter.brush.set_state({"brushing": True})
        scatter.brush.set_state({"selected_x": bad_x, "selected_y": [float("nan"), 0.0]})
        scatter.brush.set_state({"brushing": False})
        assert np.array_equal(model.selection, first)


def test_a_polygon_clicked_corner_by_corner_selects_the_rows_inside(frame):
    from segwidgets.core.map_geometry import points_in_polygon

    model = Segmentation(frame, k=3, background=False)
    scatter = EmbeddingScatter(model)
    scatter.tool.value = "polygon"
    assert scatter.figure.interaction is None and scatter.click_surface.visible
    x0, x1, y0, y1 = scatter._extent
    corners = [(x0 + 0.1 * (x1 - x0), y0 + 0.1 * (y1 - y0)), (x0 + 0.9 * (x1 - x0), y0 + 0.2 * (y1 - y0)),
               (x0 + 0.5 * (x1 - x0), y0 + 0.9 * (y1 - y0))]
    for cx, cy in corners:
        _click(scatter, cx, cy)
    assert len(scatter.outline.x) == 4  # three corners, drawn closed
    assert model.selection is None
    _click(scatter, *corners[0])  # back on the first corner: the shape closes
    coords = model.result.coords
    expected = np.sort(model.result.coord_rows[points_in_polygon(coords, corners)])
    assert 0 < len(expected) < len(frame)
    assert np.array_equal(model.selection, expected)
    assert len(scatter.outline.x) == 0


def test_points_in_polygon_agrees_with_a_point_by_point_ray_test():
    from segwidgets.core.map_geometry import points_in_polygon

    rng = np.random.default_rng(4)
    points = rng.uniform(-1, 1, size=(2000, 2))
    angles = np.sort(rng.uniform(0, 2 * np.pi, size=9))
    radii = rng.uniform(0.3, 1.0, size=9)
    corners = list(zip(radii * np.cos(angles), radii * np.sin(angles)))  # a star-shaped polygon

    def inside(px, py):
        hit = False
        for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1]):
            if (ay > py) != (by > py) and px < ax + (py - ay) * (bx - ax) / (by - ay):
                hit = not hit
        return hit

    expected = [i for i, (px, py) in enumerate(points) if inside(px, py)]
    assert 0 < len(expected) < len(points)
    assert points_in_polygon(points, corners).tolist() == expected
    square = [(0, 0), (1, 0), (1, 1), (0, 1)]
    assert points_in_polygon(np.array([[0.5, 0.5], [1.5, 0.5], [0.5, -0.1]]), square).tolist() == [0]
    assert points_in_polygon(points, square[:2]).tolist() == []


def test_a_selection_made_from_the_legend_or_a_range_shows_on_the_map_and_clear_removes_it(frame):
    from segwidgets.widgets import SegmentLegend

    model = Segmentation(frame, k=3, background=False)
    scatter = EmbeddingScatter(model)
    legend = SegmentLegend(model)
    segment = model.segment_ids[0]
    legend.buttons[segment].value = True
    rows = np.flatnonzero(model.labels == segment)
    assert np.array_equal(np.sort(model.result.coord_rows[scatter.mark.selected]), rows)
    scatter.range_feature.value = "a"
    scatter.range_slider.value = (float(frame["a"].min()), float(frame["a"].median()))
    scatter._on_range()
    assert np.array_equal(np.sort(model.result.coord_rows[scatter.mark.selected]), model.selection)
    scatter.clear_button.click()
    assert model.selection is None and scatter.mark.selected is None
    assert "No rows selected" in scatter.details.value


def test_a_selection_from_elsewhere_removes_the_stale_box(frame):
    model = Segmentation(frame, k=3, background=False)
    scatter = EmbeddingScatter(model)
    _brush(scatter, (-1e9, 0.0), (-1e9, 1e9))
    assert scatter.brush.selected_x is not None  # the box stays while it is the selection
    model.selection = np.arange(10)
    assert scatter.brush.selected_x is None


def test_clicking_a_point_shows_its_row(frame):
    model = Segmentation(frame, k=3, background=False)
    scatter = EmbeddingScatter(model)
    scatter.tool.value = "point"
    coords, rows = model.result.coords, model.result.coord_rows
    target = 123
    _click(scatter, float(coords[target, 0]), float(coords[target, 1]))
    row = int(rows[target])
    text = scatter.pointed.value
    assert f"Row {row:,}" in text
    segment = int(model.labels[row])
    assert model.result.names[segment] in text
    for feature in model.features:
        assert f"{feature} = " in text
    assert list(scatter.pointer.x) == [coords[target, 0]]
    x0, x1, y0, y1 = scatter._extent
    far = [(x0, y0), (x1, y1)]
    empty = [p for p in far if np.min(np.hypot((coords[:, 0] - p[0]) / (x1 - x0),
                                                (coords[:, 1] - p[1]) / (y1 - y0))) > 0.03]
    if empty:
        _click(scatter, *empty[0])
        assert "No point there" in scatter.pointed.value
    _click(scatter, float("nan"), 0.0)  # a click we do not understand: ignored
    scatter.click_surface._handle_custom_msg({"event": "element_click", "data": "junk"}, [])
    assert model.status and "Traceback" not in model.status


def test_the_axes_say_what_they_measure(frame):
    model = Segmentation(frame, k=3, background=False)
    scatter = EmbeddingScatter(model)
    assert "of variance" in scatter.x_axis.label and scatter.x_axis.label.startswith("PC1")
    assert scatter.y_axis.label.startswith("PC2")
    share1 = int(scatter.x_axis.label.split("(")[1].split("%")[0])
    share2 = int(scatter.y_axis.label.split("(")[1].split("%")[0])
    assert 0 < share2 <= share1 <= 100
    from tests.helpers import publish

    publish(model, coords=model.result.coords * 2, embedding="umap")
    assert scatter.x_axis.label == "UMAP 1 (no units)"


def test_segment_names_on_the_map_can_be_hidden_and_do_not_pile_up(frame):
    from segwidgets.core.map_geometry import spread_labels

    model = Segmentation(frame, k=5, background=False)
    scatter = EmbeddingScatter(model)
    assert list(scatter.labels.text) == [model.result.names[i] for i in model.segment_ids if i in model.result.center_coords]
    scatter.show_labels.value = False
    assert scatter.labels.visible is False
    y = spread_labels(np.zeros(4), np.zeros(4), (1.0, 1.0), height=0.05)
    assert sorted(np.round(np.diff(np.sort(y)), 6)) == [0.05, 0.05, 0.05]


def test_the_row_pointed_at_follows_a_refit_and_leaves_with_the_point_tool(frame):
    model = Segmentation(frame, k=3, background=False)
    scatter = EmbeddingScatter(model)
    scatter.tool.value = "point"
    coords = model.result.coords
    row = scatter.point_at(float(coords[40, 0]), float(coords[40, 1]))
    model.k = 5
    segment = int(model.labels[row])
    assert f"Row {row:,}" in scatter.pointed.value and model.result.names[segment] in scatter.pointed.value
    assert len(scatter.pointer.x) == 1
    scatter.tool.value = "box"
    assert scatter.pointed.value == "" and len(scatter.pointer.x) == 0


def test_clear_forgets_the_row_pointed_at(frame):
    model = Segmentation(frame, k=3, background=False)
    scatter = EmbeddingScatter(model)
    scatter.tool.value = "point"
    coords = model.result.coords
    scatter.point_at(float(coords[7, 0]), float(coords[7, 1]))
    assert scatter.pointed.value
    scatter.clear_button.click()
    assert scatter.pointed.value == "" and len(scatter.pointer.x) == 0


def test_a_provisional_result_waits_for_the_seeded_fit_behind_it(frame):
    import time

    model = Segmentation(frame, k=3)
    model.provisional_rows = 0  # previews are for large tables: treat this one as large
    assert model.wait(60)
    scatter = EmbeddingScatter(model)
    scatter.redraw_delay = 0.01
    colours = []
    scatter.mark.observe(lambda change: colours.append(scatter._drawn), names="color")
    # the seeded fit starts after the preview's observers: this one makes it a slow fit
    model.observe(lambda change: change["new"].preview and time.sleep(0.5), names="result")
    model.k = 6
    assert model.wait(60) and model.scheduler.wait((scatter._lane,), 30)
    assert [drawn.preview for drawn in colours] == [False]  # drawn once: the seeded fit
    assert scatter._drawn.same_look(model.result) and len(np.unique(scatter.mark.color)) == 6
