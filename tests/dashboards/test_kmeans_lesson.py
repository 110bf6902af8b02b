"""The k-means lesson widget without a browser: press its buttons, read what it shows."""

import numpy as np
import pytest

from segwidgets.core.kmeans_steps import make_lesson_data, standardise
from segwidgets.dashboards import KMeansLesson
from segwidgets.dashboards.kmeans_lesson import PALETTE


@pytest.fixture
def lesson():
    return KMeansLesson(shape="blobs", k=3, seed=0)


def click_plot(lesson, x, y):
    """What the browser sends when a person clicks the plot at data point (x, y)."""
    lesson.click_surface._handle_custom_msg(
        {"event": "element_click", "data": {"click_x": x, "click_y": y}}, []
    )


def explanation(lesson):
    return lesson.explain.value


def test_starts_with_grey_points_and_k_centroids(lesson):
    X = make_lesson_data("blobs")
    np.testing.assert_allclose(lesson.points.x, X[:, 0])
    np.testing.assert_allclose(lesson.points.y, X[:, 1])
    assert lesson.points.color is None
    assert len(lesson.centroids.x) == 3
    assert lesson.status.startswith("Three round blobs · k=3 · iteration 0")
    assert "next: assign" in lesson.status
    assert "k-means++ (seed 0)" in explanation(lesson)
    assert lesson.status in lesson.status_line.value
    assert len(lesson.inertia_line.y) == 0
    assert list(lesson.color_scale.colors) == PALETTE[:3]


def test_assign_colours_points_by_nearest_centroid(lesson):
    lesson.assign_button.click()
    C = np.column_stack([lesson.centroids.x, lesson.centroids.y])
    X = lesson.X
    nearest = np.argmin(((X[:, None, :] - C[None]) ** 2).sum(-1), axis=1)
    np.testing.assert_array_equal(lesson.points.color, nearest)
    assert lesson.links.visible and lesson.links.x.shape == (300, 2)
    assert "300 points now have a segment" in explanation(lesson)
    assert "after assign" in lesson.status and "inertia" in lesson.status
    assert len(lesson.inertia_line.y) == 1


def test_update_moves_each_centroid_to_the_mean_of_its_points(lesson):
    lesson.assign_button.click()
    labels = np.asarray(lesson.points.color)
    lesson.update_button.click()
    for j in range(3):
        mean = lesson.X[labels == j].mean(axis=0)
        assert lesson.centroids.x[j] == pytest.approx(mean[0])
        assert lesson.centroids.y[j] == pytest.approx(mean[1])
    assert not lesson.links.visible
    assert lesson.trails.visible and lesson.trails.x.shape == (3, 2)
    assert "each centroid moves to the mean of its points" in explanation(lesson)
    inertia = list(lesson.inertia_line.y)
    assert len(inertia) == 2 and inertia[1] <= inertia[0]


def test_step_back_restores_the_previous_picture(lesson):
    lesson.assign_button.click()
    cx, colors = list(lesson.centroids.x), np.array(lesson.points.color)
    status = lesson.status
    lesson.update_button.click()
    assert list(lesson.centroids.x) != cx
    lesson.back_button.click()
    assert list(lesson.centroids.x) == cx
    np.testing.assert_array_equal(lesson.points.color, colors)
    assert lesson.status == status
    assert len(lesson.inertia_line.y) == 1
    lesson.back_button.click()
    assert lesson.points.color is None
    lesson.back_button.click()
    assert "Already at the start" in explanation(lesson)


def test_run_to_convergence_says_converged(lesson):
    lesson.converge_button.click()
    assert lesson.stepper.converged
    assert "converged after" in lesson.status
    assert "Converged after" in explanation(lesson)
    assert len(lesson.inertia_line.y) == len(lesson.stepper.history) - 1
    lesson.assign_button.click()
    assert "k-means has converged" in explanation(lesson)


def test_buttons_in_the_wrong_order_explain_instead_of_failing(lesson):
    lesson.update_button.click()
    assert "Assign the points first" in explanation(lesson)
    lesson.assign_button.click()
    lesson.assign_button.click()
    assert "press Update" in explanation(lesson)
    assert "color:#b00020" in explanation(lesson)
    assert lesson.stepper.state.phase == "assign"


def test_new_start_changes_the_seed_and_the_centroids(lesson):
    first = np.column_stack([lesson.centroids.x, lesson.centroids.y])
    lesson.converge_button.click()
    lesson.reset_button.click()
    assert lesson.seed == 1
    assert len(lesson.stepper.history) == 1
    again = np.column_stack([lesson.centroids.x, lesson.centroids.y])
    assert not np.allclose(first, again)
    assert "seed 1" in explanation(lesson)
    assert lesson.points.color is None


def test_k_slider_restarts_with_k_centroids_and_explains_bad_k(lesson):
    lesson.k_slider.value = 2
    assert lesson.k == 2 and len(lesson.centroids.x) == 2
    assert "k=2 on three groups" in lesson.advice.value and "merge" in lesson.advice.value
    lesson.k_slider.value = 6
    assert "splits real groups" in lesson.advice.value
    lesson.k_slider.value = 1
    lesson.converge_button.click()
    assert lesson.stepper.converged
    # The browser can send any value: the slider clamps it, the lesson stays within 1..10.
    lesson.k_slider.set_state({"value": 50})
    assert lesson.k == 10 and len(lesson.centroids.x) == 10


def test_data_shape_menu_loads_new_points_and_axis_titles(lesson):
    lesson.shape_menu.value = "stretched"
    assert lesson.shape == "stretched"
    np.testing.assert_allclose(lesson.points.x, make_lesson_data("stretched")[:, 0])
    assert lesson.x_axis.label == "yearly spend (€)"
    assert "Standardise features" in lesson.advice.value
    assert lesson.x_scale.min < lesson.points.x.min() and lesson.x_scale.max > lesson.points.x.max()
    assert list(lesson.click_surface.x) == [lesson.x_scale.min, lesson.x_scale.max]


def test_standardise_toggle_clusters_z_scores(lesson):
    lesson.shape_menu.value = "stretched"
    lesson.converge_button.click()
    raw = np.array(lesson.points.color)
    lesson.standardise_toggle.value = True
    Z = standardise(make_lesson_data("stretched"))
    np.testing.assert_allclose(lesson.points.x, Z[:, 0])
    assert lesson.x_axis.label == "yearly spend (€) (z-score)"
    assert "standardised now" in lesson.advice.value
    lesson.converge_button.click()
    scaled = np.array(lesson.points.color)
    order = np.argsort(make_lesson_data("stretched")[:, 0])
    assert np.count_nonzero(np.diff(raw[order])) <= 4  # spend bands
    assert np.count_nonzero(np.diff(scaled[order])) > 30  # real groups


def test_clicks_place_centroids_while_placing_is_on(lesson):
    before = list(lesson.centroids.x)
    click_plot(lesson, 0.0, 0.0)
    assert list(lesson.centroids.x) == before
    assert "turn on “Place centroids by clicking”" in explanation(lesson)

    lesson.place_toggle.value = True
    assert "placing centroids: 0 placed" in lesson.status
    assert not lesson.centroids.visible
    click_plot(lesson, -4.0, -2.0)
    click_plot(lesson, 0.5, 4.0)
    assert lesson.centroids.visible
    assert list(lesson.centroids.x) == [-4.0, 0.5]
    assert list(lesson.centroids.y) == [-2.0, 4.0]
    assert lesson.k == 2 and lesson.k_slider.value == 2
    assert "placing centroids: 2 placed" in lesson.status
    assert "Centroid 2 placed at (0.5, 4.0)" in explanation(lesson)
    assert "2: (0.5, 4.0)" in lesson.centroid_text.value

    lesson.assign_button.click()  # stepping ends placing and keeps the centroids
    assert not lesson.placing and not lesson.place_toggle.value
    assert lesson.stepper.history[0].centroids.tolist() == [[-4.0, -2.0], [0.5, 4.0]]
    assert "after assign" in lesson.status


def test_placing_off_without_clicks_goes_back_to_kmeans_plus_plus(lesson):
    lesson.place_toggle.value = True
    lesson.place_toggle.value = False
    assert lesson.centroids.visible and len(lesson.centroids.x) == 3
    assert "k-means++" in explanation(lesson)


def test_at_most_ten_centroids_by_hand(lesson):
    lesson.place_toggle.value = True
    for i in range(11):
        click_plot(lesson, -4.0 + 0.5 * i, 0.0)
    assert lesson.k == 10
    assert "at most 10 centroids" in explanation(lesson)


@pytest.mark.parametrize("data", [
    {"click_x": "a", "click_y": 1},
    {"click_x": float("nan"), "click_y": 1},
    {"click_x": 1e9, "click_y": 1},
    {"click_y": 1},
    None,
    [1, 2],
])
def test_hostile_or_odd_clicks_are_ignored(lesson, data):
    lesson.place_toggle.value = True
    lesson.click_surface._handle_custom_msg({"event": "element_click", "data": data}, [])
    assert "0 placed" in lesson.status
    assert "Something went wrong" not in explanation(lesson)


def test_play_steps_on_each_tick_and_pauses_at_convergence(lesson):
    lesson.play_toggle.value = True
    assert lesson.player.playing and lesson.play_toggle.description == "Pause"
    tick = 0
    while lesson.player.playing and tick < 50:
        tick += 1
        lesson.player.set_state({"value": tick})  # the browser's Play widget ticking
    assert lesson.stepper.converged
    assert not lesson.play_toggle.value and lesson.play_toggle.description == "Play"
    assert tick == len(lesson.stepper.history) - 1
    lesson.player.set_state({"value": tick + 1})  # a tick after pausing does nothing
    assert tick == len(lesson.stepper.history) - 1


def test_play_when_converged_says_so(lesson):
    lesson.converge_button.click()
    lesson.play_toggle.value = True
    assert not lesson.player.playing
    assert "Already converged" in explanation(lesson)


def test_empty_segment_is_explained(lesson):
    lesson.place_toggle.value = True
    click_plot(lesson, -4.0, -2.0)
    click_plot(lesson, 0.0, 4.0)
    click_plot(lesson, 4.0, -1.0)
    x0, x1 = lesson.x_scale.min, lesson.x_scale.max
    y0, y1 = lesson.y_scale.min, lesson.y_scale.max
    click_plot(lesson, x0 + 0.01 * (x1 - x0), y1 - 0.01 * (y1 - y0))  # far corner
    lesson.assign_button.click()
    assert "Segment 4 got no points" in explanation(lesson)
    lesson.update_button.click()
    assert "its centroid stays where it is" in explanation(lesson)


def test_constructor_validates_in_words():
    with pytest.raises(Exception, match="Unknown data shape 'spiral'"):
        KMeansLesson(shape="spiral")
    with pytest.raises(Exception, match="k must be between 1 and 10, not 0"):
        KMeansLesson(k=0)
    lesson = KMeansLesson(shape="moons", k=2, seed=4, scale_features=True)
    assert lesson.shape_menu.value == "moons" and lesson.k_slider.value == 2
    assert lesson.standardise_toggle.value
    assert "seed 4" in explanation(lesson)


def test_every_control_has_its_stable_css_class(lesson):
    expected = {
        "shape": lesson.shape_menu, "k": lesson.k_slider, "standardise": lesson.standardise_toggle,
        "place": lesson.place_toggle, "assign": lesson.assign_button,
        "update": lesson.update_button, "back": lesson.back_button, "play": lesson.play_toggle,
        "converge": lesson.converge_button, "reset": lesson.reset_button,
        "plot": lesson.figure, "inertia": lesson.inertia_figure, "status": lesson.status_line,
        "explain": lesson.explain, "advice": lesson.advice, "centroids": lesson.centroid_text,
    }
    for name, widget in expected.items():
        assert f"sw-lesson-{name}" in widget._dom_classes
    assert "sw-kmeans-lesson" in lesson._dom_classes


# ------------------------------------------------------- the lecture hall (issue 20)
def drag(lesson, index, x, y, event="drag_end"):
    """What the browser sends when a person drags centroid `index` to data point (x, y)."""
    lesson.centroids._handle_custom_msg({"event": event, "point": {"x": x, "y": y}, "index": index}, [])


def centroids_of(lesson):
    return np.column_stack([lesson.centroids.x, lesson.centroids.y])


def nearest(X, C):
    return np.argmin(((X[:, None, :] - C[None]) ** 2).sum(-1), axis=1)


def test_dragging_a_centroid_moves_it_and_the_points_follow(lesson):
    lesson.assign_button.click()
    drag(lesson, 0, 6.0, 6.0, event="drag")  # during the drag: the points recolour at once
    C = centroids_of(lesson)
    C[0] = (6.0, 6.0)
    np.testing.assert_array_equal(lesson.points.color, nearest(lesson.X, C))
    drag(lesson, 0, 6.0, 6.0)
    np.testing.assert_array_equal(centroids_of(lesson)[0], [6.0, 6.0])
    np.testing.assert_array_equal(lesson.points.color, nearest(lesson.X, centroids_of(lesson)))
    assert "Centroid 1 moved to (6.0, 6.0)" in explanation(lesson)
    assert "after assign" in lesson.status


def test_a_drag_message_that_makes_no_sense_changes_nothing(lesson):
    before = centroids_of(lesson).copy()
    drag(lesson, 7, 1.0, 1.0)
    drag(lesson, 0, "north", 1.0)
    lesson.centroids._handle_custom_msg({"event": "drag_end", "index": True}, [])
    np.testing.assert_array_equal(centroids_of(lesson), before)


def test_clicks_add_and_remove_centroids(lesson):
    lesson.assign_button.click()
    lesson.click_buttons.value = "add"
    click_plot(lesson, 0.0, 0.0)
    assert lesson.k == 4 and lesson.k_slider.value == 4
    np.testing.assert_array_equal(centroids_of(lesson)[3], [0.0, 0.0])
    np.testing.assert_array_equal(lesson.points.color, nearest(lesson.X, centroids_of(lesson)))
    lesson.click_buttons.value = "remove"
    click_plot(lesson, 3.0, -6.0)  # far from every centroid: nothing removed, a hint instead
    assert lesson.k == 4 and "Click on a centroid" in explanation(lesson)
    click_plot(lesson, 0.05, 0.05)
    assert lesson.k == 3 and "Centroid 4 removed" in explanation(lesson)
    lesson.centroids._handle_custom_msg({"event": "element_click", "data": {"index": 0}}, [])
    assert lesson.k == 2
    lesson.centroids._handle_custom_msg({"event": "element_click", "data": {"index": 0}}, [])
    lesson.centroids._handle_custom_msg({"event": "element_click", "data": {"index": 0}}, [])
    assert lesson.k == 1 and "at least one centroid" in explanation(lesson)


def test_regions_show_the_area_each_centroid_wins(lesson):
    assert lesson.regions.visible
    C = centroids_of(lesson)
    gx, gy = np.meshgrid(lesson.regions.x, lesson.regions.y)
    cells = np.column_stack([gx.ravel(), gy.ravel()])
    np.testing.assert_array_equal(np.asarray(lesson.regions.color).ravel(), nearest(cells, C))
    lesson.regions_toggle.value = False
    assert not lesson.regions.visible


def test_predict_mode_takes_one_guess_per_centroid_then_shows_how_far_off(lesson):
    lesson.click_buttons.value = "predict"
    assert "after assign" in lesson.status  # the points were assigned so the next move is known
    assert "predicting: 0 of 3 guessed" in lesson.status
    labels = lesson.stepper.state.labels
    means = np.array([lesson.X[labels == j].mean(axis=0) for j in range(3)])
    guesses = means + [[1.0, 0.0], [0.0, 0.0], [0.0, -2.0]]
    for n, (x, y) in enumerate(guesses[:2], start=1):
        click_plot(lesson, x, y)
        assert f"predicting: {n} of 3 guessed" in lesson.status
        assert lesson.guesses.visible and len(lesson.guesses.x) == n
    click_plot(lesson, *guesses[2])
    assert "after update" in lesson.status
    np.testing.assert_allclose(centroids_of(lesson), means)
    text = explanation(lesson)
    assert "centroid 1: 1;" in text and "centroid 2: 0;" in text and "centroid 3: 2." in text
    assert lesson.guess_lines.visible
    lesson.assign_button.click()
    assert not lesson.guesses.visible


def test_speed_buttons_set_the_play_interval(lesson):
    lesson.speed_buttons.value = 250
    assert lesson.player.interval == 250
    lesson.speed_buttons.value = 1600
    assert lesson.player.interval == 1600


def test_presenter_layout_widens_the_plot_and_uses_projector_colours(lesson):
    from segwidgets.dashboards.kmeans_lesson import PRESENTER_PALETTE

    lesson.presenter_toggle.value = True
    assert "sw-lesson-presenting" in lesson._dom_classes
    assert lesson.figure.layout.width == "62vw"
    assert list(lesson.color_scale.colors) == PRESENTER_PALETTE[:3]
    assert lesson.x_axis.tick_style["font-size"] == "17px"
    lesson.presenter_toggle.value = False
    assert "sw-lesson-presenting" not in lesson._dom_classes
    assert list(lesson.color_scale.colors) == PALETTE[:3]


def test_start_menu_and_seed_choose_the_start(lesson):
    from segwidgets.core.kmeans_steps import initial_centroids

    lesson.start_menu.value = "random"
    lesson.seed_box.value = 5
    np.testing.assert_array_equal(centroids_of(lesson), initial_centroids(lesson.X, 3, 5, "random"))
    assert "random points (seed 5)" in explanation(lesson)


def test_the_nine_blob_shape_starts_at_k9_and_the_starts_table_shows_stuck_random_starts(lesson):
    lesson.shape_menu.value = "grid"
    assert lesson.k == 9 and lesson.k_slider.value == 9
    lesson.starts_button.click()
    table = lesson.starts_table.value
    assert table.count("<tr>") == 11 and "stuck higher" in table and "n_init=10" in table


def test_elbow_and_method_comparison_inside_the_lesson(lesson):
    lesson.elbow_button.click()
    assert list(lesson.elbow_inertia.x) == list(range(1, 11))
    assert "peaks at <b>k=3</b>" in lesson.elbow_text.value
    lesson.shape_menu.value = "moons"
    lesson.methods_button.click()
    titles = [fig.title for fig in lesson.methods_box.children]
    assert titles == ["k-means", "Gaussian mixture", "Ward"]
    assert "cuts each moon in two" in lesson.methods_text.value


def test_inertia_ticks_are_round_numbers(lesson):
    lesson.converge_button.click()
    ticks = list(lesson.inertia_y_axis.tick_values)
    assert ticks[0] == 0 and all(float(t).is_integer() for t in ticks)
    assert lesson.inertia_y_scale.max == ticks[-1] >= max(lesson.inertia_line.y)


def test_the_demo_table_is_clustered_in_nine_features_and_drawn_through_pca(lesson):
    lesson.shape_menu.value = "table"
    assert lesson.X.shape == (600, 9) and lesson.k == 3  # a table has no k a person sees
    proj = lesson.projection
    np.testing.assert_allclose(lesson.points.x, proj.xy[:, 0])
    lesson.converge_button.click()
    st = lesson.stepper.state
    # the steps are taken in all nine features, and the centroids drawn where PCA puts them
    np.testing.assert_array_equal(st.labels, nearest(lesson.X, st.centroids))
    np.testing.assert_allclose(centroids_of(lesson), proj.project(st.centroids))
    assert "principal component 1" in lesson.x_axis.label
    assert "can be far apart in the hidden" in lesson.advice.value
    assert not lesson.regions.visible  # regions of the drawn plane would mislead
    lesson.click_buttons.value = "add"
    click_plot(lesson, 0.0, 0.0)
    assert lesson.k == 4
    np.testing.assert_allclose(centroids_of(lesson)[3], [0.0, 0.0], atol=1e-9)


def test_the_new_controls_refuse_what_a_browser_should_not_send(lesson):
    import traitlets

    before = centroids_of(lesson).copy()
    with pytest.raises(traitlets.TraitError):
        lesson.click_mode = "teleport"
    with pytest.raises(traitlets.TraitError):
        lesson.init_method = "forgy"
    with pytest.raises(traitlets.TraitError):
        lesson.seed = -1
    lesson.seed_box.set_state({"value": 2**40})  # clamped by the bounded box, not a crash
    assert 0 <= lesson.seed < 2**31
    lesson.centroids._handle_custom_msg({"event": "element_click", "data": {"index": "0"}}, [])
    lesson.centroids._handle_custom_msg({"event": "drag", "point": {"x": float("nan"), "y": 0}, "index": 0}, [])
    assert lesson.k == 3 and centroids_of(lesson).shape == before.shape
