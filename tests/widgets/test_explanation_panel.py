"""Why these segments, with no browser: an analyst reads each segment's distinctive features,
asks why one row is where it is, and presses Run for the surrogate's importances and the rules."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from segwidgets import Segmentation
from segwidgets.widgets.explanation_panel import ExplanationPanel
from tests.helpers import blob_points


def _frame(n: int = 900) -> pd.DataFrame:
    """Customers in 3 blobs over spend, visits and age, with the blob's own ``channel``."""
    X, y = blob_points(n, centers=[[0, 0, 0], [6, 0, 3], [0, 6, -3]], features=3, std=1.2, seed=7)
    frame = pd.DataFrame(X * [50, 3, 10] + [200, 10, 40], columns=["spend", "visits", "age"])
    frame["channel"] = np.array(["web", "shop", "app"])[y]
    return frame


@pytest.fixture
def model(make_model) -> Segmentation:
    return make_model(_frame(), k=3, features=["spend", "visits", "age", "channel"])


def _direct(model: Segmentation, row: int) -> tuple[np.ndarray, float, int]:
    """The attribution recomputed with numpy: contributions, margin, other raw centre."""
    prepared, fit = model.prepared, model.fit
    r = int(np.flatnonzero(prepared.row_index == row)[0])
    x, centers, own = prepared.X[r], fit.centers_scaled, int(fit.labels[r])
    distances = ((x - centers) ** 2).sum(axis=1)
    distances[own] = np.inf
    other = int(np.argmin(distances))
    contributions = (x - centers[other]) ** 2 - (x - centers[own]) ** 2
    margin = ((x - centers[other]) ** 2).sum() - ((x - centers[own]) ** 2).sum()
    return contributions, margin, other


# ------------------------------------------------------------------ one row


def test_row_contributions_sum_to_the_margin_and_match_numpy(model):
    panel = ExplanationPanel(model, background=False)
    for row in (0, 17, 450, 899):
        panel.row_input.value = row
        result = panel.row_result
        assert result is not None and result.row == row
        contributions, margin, other = _direct(model, row)
        assert abs(result.contributions.sum() - result.margin) < 1e-9
        assert abs(result.margin - margin) < 1e-9
        shown = result.contributions.reindex(model.prepared.feature_names_out).to_numpy()
        assert np.allclose(shown, contributions, atol=1e-12)
        assert result.attribution.other == other
        # sorted by size, largest first
        sizes = np.abs(result.contributions.to_numpy())
        assert np.all(sizes[:-1] >= sizes[1:])


def test_row_segments_are_the_stable_ids_and_names_of_the_rows(model):
    panel = ExplanationPanel(model, background=False)
    panel.row_input.value = 17
    result = panel.row_result
    assert result.segment == model.labels[17]
    # the other segment is the stable id of the rows fitted to the other raw centre
    prepared, fit = model.prepared, model.fit
    rows_of_other = prepared.row_index[fit.labels == result.attribution.other]
    assert set(model.labels[rows_of_other]) == {result.other_segment}
    text = panel.row_message.value
    own, other = model.segment_names[result.segment], model.segment_names[result.other_segment]
    assert f"Row 17 is in &#x27;{own}&#x27; rather than &#x27;{other}&#x27; mostly because of" in text
    assert f"the contributions sum to the margin {result.margin:.1f}" in text
    assert "sw-margin" in panel.row_table.value


def test_row_follows_the_selection_and_refits(model):
    panel = ExplanationPanel(model, background=False)
    model.selection = np.array([42, 43, 44])
    assert panel.row_input.value == 42 and panel.row_result.row == 42
    model.k = 4
    result = panel.row_result
    assert result.segment == model.labels[42]
    assert model.fit.centers_scaled.shape[0] == 4
    assert abs(result.contributions.sum() - _direct(model, 42)[1]) < 1e-9


def test_starts_on_the_first_selected_row():
    model = Segmentation(_frame(), k=3, background=False)
    model.selection = np.array([5, 9])
    assert ExplanationPanel(model, background=False).row_input.value == 5


def test_non_centroid_algorithms_say_plainly_that_there_is_no_exact_split(model):
    panel = ExplanationPanel(model, background=False)
    panel.row_input.value = 3
    model.algorithm = "ward"
    assert panel.row_result is None
    text = panel.row_message.value
    assert "centroid methods (k-means" in text
    assert "Hierarchical (Ward)" in text
    assert panel.row_table.value == "" and panel.row_box.children == ()
    model.algorithm = "kmeans"
    assert panel.row_result is not None and panel.row_box.children == (panel.row_figure,)


@pytest.mark.parametrize("row", [-1, 900, 10**9])
def test_rows_outside_the_table_get_a_message(model, row):
    panel = ExplanationPanel(model, background=False)
    panel.row_input.value = row
    assert panel.row_result is None
    assert "is not in the table: choose a row number from 0 to 899" in panel.row_message.value


def test_a_row_dropped_by_preprocessing_gets_a_message():
    frame = _frame()
    frame.loc[12, "spend"] = np.nan
    model = Segmentation(frame, k=3, background=False, impute="drop")
    panel = ExplanationPanel(model, background=False)
    panel.row_input.value = 12
    assert panel.row_result is None
    assert "left out by the preprocessing" in panel.row_message.value
    panel.row_input.value = 13
    assert panel.row_result is not None
    assert abs(panel.row_result.margin - _direct(model, 13)[1]) < 1e-9


# ------------------------------------------------------------------ global and rules


def test_each_segment_lists_its_distinctive_features(model):
    panel = ExplanationPanel(model, background=False)
    text = panel.profile_view.value
    assert text.count("sw-explain-segment") == 3
    assert " sd" in text and "channel = " in text
    for name in model.segment_names.values():
        assert name in text


def test_importance_and_rules_appear_after_run_with_accuracy_and_fidelity(model):
    panel = ExplanationPanel(model)  # threads, waited for
    assert panel.importance is None and panel.rules is None
    panel.run(wait=True)
    assert panel.importance is not None and panel.rules is not None
    accuracy = panel.importance.accuracy
    assert (f"The surrogate model reproduces the segments for {accuracy:.0%} of held-out rows"
            in panel.importance_text.value)
    assert panel.importance_box.children == (panel.importance_figure,)
    assert list(panel.importance_bars.x)[::-1] == list(panel.importance.importance.index)
    fidelity = panel.rules[0].fidelity
    assert f"put {fidelity:.0%} of rows in their own segment" in panel.rules_view.value
    assert re.search(r"support \d+% · precision \d+% · coverage \d+%", panel.rules_view.value)
    assert panel.progress.value == panel.progress.max == 2
    assert not panel.stale


def test_depth_slider_regrows_the_rules_and_names_segments_without_a_rule(model):
    panel = ExplanationPanel(model, background=False)
    panel.run()
    model.k = 5  # five segments cannot all get a leaf of a depth-1 tree
    panel.run()
    panel.depth.value = 1
    assert panel.rules_depth == 1
    assert "a tree of depth 1" in panel.rules_view.value
    without = [r for r in panel.rules if not r.rules]
    assert len(without) >= 3
    assert panel.rules_view.value.count("No rule of a depth-1 tree picks out this segment") == len(without)
    panel.depth.value = 4
    assert panel.rules_depth == 4 and "a tree of depth 4" in panel.rules_view.value


def test_results_are_marked_stale_when_the_segments_change(model):
    panel = ExplanationPanel(model, background=False)
    panel.run()
    assert "Settings changed" not in panel.message.value
    model.rename(model.segment_ids[0], "Big spenders")  # same segments: still current, new name shown
    assert not panel.stale and "Big spenders" in panel.rules_view.value
    model.k = 4
    assert panel.stale
    assert "Settings changed — press Run to update" in panel.message.value
    assert "sw-stale" in panel.rules_view.value
    panel.run()
    assert not panel.stale


def test_run_with_no_data_is_a_message():
    panel = ExplanationPanel(Segmentation(background=False), background=False)
    panel.run()
    assert "Load data" in panel.message.value
    assert "Load data" in panel.row_message.value


def test_a_newer_run_overtakes_an_older_one(model):
    panel = ExplanationPanel(model)
    panel.run()  # not waited for
    model.k = 4
    panel.run(wait=True)
    assert panel.wait(timeout=None)
    assert not panel.stale
    assert panel.importance.segments == model.segment_ids
    assert [r.segment for r in panel.rules] == model.segment_ids


def test_a_browser_pushing_the_depth_past_the_limit_gets_words_not_a_traceback(model):
    panel = ExplanationPanel(model, background=False)
    panel.run()
    panel.depth.set_state({"max": 9})
    panel.depth.set_state({"value": 9})
    assert "The rules could not be computed" in panel.message.value
    assert "from 1 to 5" in panel.rules_view.value
    panel.depth.value = 2  # still usable
    assert "a tree of depth 2" in panel.rules_view.value
    assert "could not" not in panel.message.value


# ------------------------------------------------------------------ following the result


def _observers(model: Segmentation, *views) -> list:
    """The model's observers that belong to ``views``."""
    return [handler for kinds in model._trait_notifiers.values() for handlers in kinds.values()
            for handler in handlers if getattr(handler, "__self__", None) in views]


def test_a_closed_panel_and_its_sections_no_longer_follow_the_model(model):
    panel = ExplanationPanel(model, background=False)
    panel.run()
    views = (panel, panel.profile_view, panel.row_section)
    assert _observers(model, *views)
    shown = (panel.profile_view.value, panel.row_message.value, panel.rules_view.value, panel.message.value)
    panel.close()
    assert _observers(model, *views) == []
    model.k = 4
    model.selection = np.array([7])
    model.rename(model.segment_ids[0], "After closing")
    assert (panel.profile_view.value, panel.row_message.value, panel.rules_view.value,
            panel.message.value) == shown
    assert panel.row_input.value == 0 and model.state == "idle"
    panel.close()  # twice: nothing happens


def test_metrics_or_a_new_map_redraw_nothing(model, monkeypatch):
    from tests.helpers import publish

    panel = ExplanationPanel(model, background=False)
    panel.run()
    drawn = []
    for section in (panel.profile_view, panel.row_section):
        monkeypatch.setattr(section, "render", lambda *args, section=section: drawn.append(section))
    monkeypatch.setattr(panel, "_render_results", lambda *args: drawn.append(panel))
    publish(model, metrics={"silhouette": 0.5})
    publish(model, coords=np.zeros_like(model.result.coords))
    assert drawn == []
    model.rename(model.segment_ids[0], "Big spenders")  # names: every section redraws
    assert set(drawn) == {panel, panel.profile_view, panel.row_section}


def test_a_preview_is_not_explained_and_makes_the_results_stale(model):
    from tests.helpers import publish

    panel = ExplanationPanel(model, background=False)
    panel.run()
    seeded = model.result
    publish(model, preview=True)  # same fit_key, a provisional fit: its labels are not the seeded ones
    assert panel.row_result is None and "still being refined" in panel.row_message.value
    assert panel.stale and "Settings changed" in panel.message.value
    publish(model, **{name: getattr(seeded, name) for name in ("preview", "fit")})
    assert panel.row_result is not None and not panel.stale


def test_cancel_stops_a_run_between_its_parts(model):
    panel = ExplanationPanel(model)  # threads
    assert "sw-explain-cancel" in panel.cancel_button._dom_classes
    panel.run()
    panel.cancel_button.click()
    assert panel.wait(timeout=60)
    assert panel.rules is None  # the forest may have finished; the rules never started
    assert "Cancelled." in panel.message.value
    assert not panel.run_button.disabled and panel.cancel_button.disabled
    panel.run(wait=True)
    assert panel.importance is not None and panel.rules is not None and not panel.stale


def test_a_row_is_named_by_the_tables_identifier(make_model):
    frame = _frame()
    frame.insert(0, "customer_id", [f"C-{i:05d}" for i in range(len(frame))])
    model = make_model(frame, k=3)
    assert model.table.roles["customer_id"].value == "identifier"
    panel = ExplanationPanel(model, background=False)
    panel.row_input.value = 480
    assert panel.row_message.value.startswith("customer_id C-00480 (row 480) is in &#x27;")
    assert "Row 480" not in panel.row_message.value
