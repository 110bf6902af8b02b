"""The segment legend: colours, names and sizes, and selecting a segment's rows from it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segwidgets import Segmentation, SegmentationSpec
from segwidgets.widgets import SegmentLegend
from tests.helpers import ESCAPED, HOSTILE, html_of


@pytest.fixture()
def frame(make_frame) -> pd.DataFrame:
    """600 customers in 3 blobs over spend, visits and tenure."""
    return make_frame(600, centers=3, features=3, seed=3, columns=["spend", "visits", "tenure"])


def test_one_row_per_segment_with_its_colour_name_and_size(frame):
    model = Segmentation(frame, k=3, background=False)
    legend = SegmentLegend(model)
    assert len(legend.rows.children) == 3
    for row, segment in zip(legend.rows.children, model.segment_ids):
        text = html_of(row)
        assert model.colors[segment] in text
        assert model.segment_names[segment] in text
        assert f"({int((model.labels == segment).sum()):,})" in text


def test_a_name_is_shown_escaped(frame):
    model = Segmentation(frame, k=3, background=False)
    legend = SegmentLegend(model)
    model.rename(model.segment_ids[1], HOSTILE)
    page = html_of(legend)
    assert ESCAPED in page
    assert HOSTILE not in page and "<img" not in page


LINK = "?name.0=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"


def test_a_name_from_a_shared_link_is_shown_escaped(frame):
    from segwidgets.dashboards.apps import apply_link_settings

    model = Segmentation(frame, k=3, background=False)
    legend = SegmentLegend(model)
    assert apply_link_settings(model, LINK) is None  # what the explorer app does with its link
    assert model.segment_names[0] == HOSTILE
    page = html_of(legend)
    assert ESCAPED in page and "<img" not in page


def test_a_name_from_a_saved_spec_is_shown_escaped(frame):
    spec = SegmentationSpec.from_query(LINK + "&k=3&ids=0,1,2")
    assert spec.names == {0: HOSTILE}
    model = Segmentation.from_spec(spec, data=frame, background=False)
    assert model.segment_names[0] == HOSTILE
    page = html_of(SegmentLegend(model))
    assert ESCAPED in page and "<img" not in page


def test_a_legend_button_selects_exactly_that_segments_rows(frame):
    model = Segmentation(frame, k=3, background=False)
    legend = SegmentLegend(model)
    segment = model.segment_ids[2]
    legend.buttons[segment].value = True
    np.testing.assert_array_equal(model.selection, np.flatnonzero(model.labels == segment))
    assert [b.value for s, b in legend.buttons.items() if s != segment] == [False, False]
    legend.clear.click()
    assert model.selection is None and not legend.buttons[segment].value


def test_the_legend_follows_a_refit(frame):
    model = Segmentation(frame, k=3, background=False)
    legend = SegmentLegend(model)
    model.k = 5
    assert len(legend.rows.children) == 5
    assert all(model.segment_names[s] in html_of(legend) for s in model.segment_ids)


def test_a_closed_legend_no_longer_follows_the_model(frame):
    model = Segmentation(frame, k=3, background=False)
    legend = SegmentLegend(model)
    legend.close()
    model.k = 5
    model.rename(model.segment_ids[0], "After closing")
    assert len(legend.rows.children) == 3
    assert "After closing" not in html_of(legend)


def test_names_can_follow_the_overall_level_instead_of_traits(make_model, make_frame):
    frame = make_frame(400, centers=4, features=3, seed=5, columns=["logins", "posts", "likes"]).abs()
    model = make_model(frame, k=4)
    view = SegmentLegend(model)
    assert view.naming.value == "traits"
    before = dict(model.segment_names)
    view.naming.value = "level"
    assert model.naming == "level" and dict(model.segment_names) != before
    names = [row.children[0].value for row in view.rows.children]
    assert any("active" in n.lower() for n in names)
    model.naming = "traits"
    assert view.naming.value == "traits" and dict(model.segment_names) == before


def test_dozens_of_segments_fold_into_other_with_one_undoable_merge():
    from segwidgets import Segmentation
    from segwidgets.core.many_segments import MANY_SEGMENTS
    from segwidgets.widgets import SegmentLegend

    model = Segmentation("facebook_live", algorithm="hdbscan", background=False)
    legend = SegmentLegend(model)
    n = len(model.segment_ids)
    assert n > MANY_SEGMENTS and legend.fold.layout.display == ""
    assert legend.fold.description.startswith(f"Fold the {n - MANY_SEGMENTS + 1} smallest")
    legend.fold.click()
    assert len(model.segment_ids) == MANY_SEGMENTS and "Other" in model.segment_names.values()
    assert legend.fold.layout.display == "none"
    model.undo()
    assert len(model.segment_ids) == n
    small = Segmentation("facebook_live", k=3, background=False)
    assert SegmentLegend(small).fold.layout.display == "none"


def test_a_k_step_keeps_the_rows_of_the_segments_still_on_show(frame):
    model = Segmentation(frame, k=3, background=False)
    legend = SegmentLegend(model)
    before = {segment: row for segment, row in zip(model.segment_ids, legend.rows.children)}
    model.k = 4
    after = dict(zip(model.segment_ids, legend.rows.children))
    kept = set(before) & set(after)
    assert len(legend.rows.children) == 4 and kept  # ids carried over by matching
    assert all(after[segment] is before[segment] for segment in kept)  # the same widgets, new text
    for segment, row in after.items():
        assert f"({int((model.labels == segment).sum()):,})" in html_of(row)
        assert model.segment_names[segment] in html_of(row)
