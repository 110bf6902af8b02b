"""The Shape segments panel and the explorer's drill-in, driven as a person clicks."""

from __future__ import annotations

import numpy as np
import pytest

import segwidgets
from segwidgets.widgets import SegmentEditor


@pytest.fixture
def explorer():
    ex = segwidgets.explore("facebook_live", k=4, background=False, diagnostics=False)
    yield ex
    ex.close()


def test_buttons_follow_what_is_chosen(explorer) -> None:
    editor: SegmentEditor = explorer.editor
    assert editor.merge.disabled and editor.split.disabled and editor.move.disabled
    assert editor.undo.disabled and editor.redo.disabled
    editor.chosen.value = tuple(explorer.model.segment_ids[:2])
    assert not editor.merge.disabled and editor.split.disabled
    explorer.model.selection = np.arange(10)
    assert not editor.move.disabled and not editor.new.disabled


def test_merge_split_undo_redo_and_history_clicks(explorer) -> None:
    model, editor = explorer.model, explorer.editor
    start = model.labels.copy()
    editor.chosen.value = tuple(model.segment_ids[:2])
    editor.merge.click()
    assert len(model.segment_ids) == 3 and "1 hand edit" in editor.note.value
    editor.chosen.value = (model.segment_ids[0],)
    editor.parts.value = 3
    editor.split.click()
    assert len(model.segment_ids) == 5
    assert [label for label, _ in editor.steps.options][0] == "0. Start"
    editor.undo.click()
    assert len(model.segment_ids) == 3 and not editor.redo.disabled
    editor.steps.value = 0
    assert np.array_equal(model.labels, start) and model.history_index == 0
    editor.redo.click()
    assert len(model.segment_ids) == 3


def test_move_and_new_segment_take_the_map_selection(explorer) -> None:
    model, editor = explorer.model, explorer.editor
    model.selection = np.arange(20)
    editor.move_to.value = model.segment_ids[0]
    editor.move.click()
    assert (model.labels[:20] == model.segment_ids[0]).all() and model.selection is None
    model.selection = np.arange(30, 40)
    editor.new.click()
    assert len(model.segment_ids) == 5 and model.history[-1] == "New segment of 10 rows"


def test_drill_in_opens_in_place_and_brings_back(explorer) -> None:
    model, editor = explorer.model, explorer.editor
    own_center = explorer.center
    target = model.segment_ids[1]
    editor.chosen.value = (target,)
    editor.drill.click()
    inner = explorer.drilled
    assert inner is not None and explorer.center is not own_center
    assert inner.model.crumbs == ["All rows", model.segment_names[target]]
    inner.model.k = 3
    explorer._bring_back()
    assert explorer.drilled is None and explorer.center is own_center
    assert target not in model.segment_ids and len(model.segment_ids) == 6
    assert inner.model.closed


def test_back_without_changes_keeps_the_segments(explorer) -> None:
    model, editor = explorer.model, explorer.editor
    before = model.labels.copy()
    editor.chosen.value = (model.segment_ids[0],)
    editor.drill.click()
    explorer.close_drill()
    assert np.array_equal(model.labels, before) and model.edits == []


def test_an_edit_refused_is_said_in_the_status(explorer) -> None:
    model, editor = explorer.model, explorer.editor
    model.selection = None
    editor._on_new()  # the button is disabled; a stale click still gets words, not a traceback
    assert model.state == "error" and "Select some rows" in model.status


def test_the_legend_menu_splits_merges_and_drills(explorer) -> None:
    model, legend = explorer.model, explorer.legend
    first, second = model.segment_ids[:2]
    labels = [label for label, _ in legend.actions[first].options]
    assert labels[:4] == ["⋯", "Split in 2", "Split in 3", "Drill in"]
    assert f"Merge with {model.segment_names[second]}" in labels
    legend.actions[first].value = f"merge:{second}"
    assert len(model.segment_ids) == 3 and legend.actions[model.segment_ids[0]].value == ""
    legend.actions[model.segment_ids[0]].value = "split:3"
    assert len(model.segment_ids) == 5
    legend.actions[model.segment_ids[-1]].value = "drill"
    assert explorer.drilled is not None
    explorer.close_drill()
    assert model.history[-1].startswith("Split")


def test_the_profile_tables_menu_does_the_same(explorer) -> None:
    model, table = explorer.model, explorer.profile
    first = model.segment_ids[0]
    table.actions[first].value = "split:2"
    assert len(model.segment_ids) == 5 and model.history[-1].startswith("Split")
    assert all(row.children[1] is table.actions[i] for i, row in table._rows.items() if i in model.segment_ids)
    table.actions[model.segment_ids[0]].value = "drill"
    assert explorer.drilled is not None
    explorer.close_drill()


def test_drill_into_the_map_selection(explorer) -> None:
    model, editor = explorer.model, explorer.editor
    assert editor.drill_selection.disabled
    model.selection = np.arange(100, 400)
    editor.drill_selection.click()
    inner = explorer.drilled
    assert len(inner.model.data) == 300 and inner.model.crumbs == ["All rows", "300 selected rows"]
    explorer._bring_back()
    edit = model.edits[-1]
    assert edit["op"] == "drill" and edit["rows"] == list(range(100, 400))
    assert set(np.unique(model.labels[100:400])) == set(edit["ids"])
