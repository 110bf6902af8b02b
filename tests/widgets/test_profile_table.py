"""The profile table, with no browser: an analyst refits, renames and selects, and the table follows.

Rows are counted in the rendered structure: the table's HTML is parsed, and
the name column's children are the Text boxes a person types into.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from traitlets import TraitError

from segwidgets import Segmentation
from segwidgets.widgets import ProfileTable
from segwidgets.widgets.profile_table import format_number, z_colour
from tests.helpers import blob_points


class _Rows(HTMLParser):
    """Rows of the rendered table: [{"class": ..., "attrs": {...}, "cells": [(attrs, text)]}]."""

    def __init__(self, text: str):
        super().__init__()
        self.rows: list[dict] = []
        self._cell: list | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self.rows.append({"class": attrs.get("class", ""), "attrs": attrs, "cells": []})
        elif tag in ("td", "th") and self.rows:
            self._cell = [attrs, ""]
            self.rows[-1]["cells"].append(self._cell)

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data


def rows(table: ProfileTable, css_class: str = "sw-profile-row") -> list[dict]:
    return [r for r in _Rows(table.table.value).rows if css_class in r["class"].split()]


def header(table: ProfileTable) -> list[str]:
    return [text for _, text in _Rows(table.table.value).rows[0]["cells"]]


def name_boxes(table: ProfileTable) -> list:
    rows = [c.children[0] if "sw-profile-name-row" in c._dom_classes else c for c in table.name_column.children]
    return [c for c in rows if "sw-segment-name" in c._dom_classes]


def rgb(style: str) -> tuple[int, int, int]:
    hex_colour = re.search(r"background:#([0-9a-f]{6})", style).group(1)
    return tuple(int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))


@pytest.fixture()
def frame(make_frame) -> pd.DataFrame:
    """3,000 customers in 5 blobs: four numbers (monetary in the thousands), a category and a yes/no."""
    out = make_frame(3000, centers=5, features=4, std=0.6, seed=2,
                     columns=["recency", "frequency", "monetary", "tenure"], channel=True)
    out["monetary"] = (out["monetary"] - out["monetary"].min()) * 400  # into the thousands
    out["member"] = out["frequency"] > 0
    return out


@pytest.fixture()
def model(frame, make_model) -> Segmentation:
    return make_model(frame, k=3,
                      features=["recency", "frequency", "monetary", "tenure", "channel", "member"])


@pytest.fixture()
def table(model) -> ProfileTable:
    return ProfileTable(model)


# ---------------------------------------------------------------- structure

def test_the_table_shows_one_row_and_one_name_box_per_segment(model, table):
    assert "sw-profile-table" in table._dom_classes
    assert len(rows(table)) == 3
    assert [b.value for b in name_boxes(table)] == [model.segment_names[i] for i in model.segment_ids]
    assert [int(r["attrs"]["data-segment"]) for r in rows(table)] == model.segment_ids


def test_set_k_to_5_and_the_table_shows_five_segment_rows(model, table):
    model.k = 5
    assert len(rows(table)) == 5
    assert len(name_boxes(table)) == 5
    assert [b.segment for b in name_boxes(table)] == model.segment_ids


def test_name_boxes_are_reused_across_refits(model, table):
    before = {b.segment: b for b in name_boxes(table)}
    model.k = 5
    model.k = 3
    after = {b.segment: b for b in name_boxes(table)}
    assert set(after) == set(before)
    assert all(after[i] is before[i] for i in after)


def test_header_has_pretty_names_and_every_feature(model, table):
    assert header(table) == ["N", "Share", "recency", "frequency", "monetary", "tenure", "member", "channel"]


def test_sizes_shares_and_means_are_formatted_for_people(model, table):
    profile = model.profile
    for row, segment in zip(rows(table), model.segment_ids):
        texts = [text for _, text in row["cells"]]
        size = int(profile.summary.loc[segment, "size"])
        assert texts[0] == f"{size:,}"
        assert texts[1] == f"{profile.summary.loc[segment, 'share']:.1%}"
        assert texts[4] == format_number(profile.means.loc[segment, "monetary"])
        assert texts[6].endswith("%")  # yes/no: share of yes
        assert re.fullmatch(r"(web|store) \d+%( · (web|store) \d+%)?", texts[7])  # category cell
    assert any("," in [t for _, t in row["cells"]][0] for row in rows(table))  # a segment of 1,000+ rows


@pytest.mark.parametrize("value, text", [
    (1234.4, "1,234"), (123.4, "123"), (12.34, "12.3"), (1.234, "1.23"), (0.1234, "0.123"),
    (0.001234, "0.00123"), (0.0, "0"), (-12.34, "-12.3"), (1.5e-6, "1.5e-06"),
    (float("nan"), "–"), (float("inf"), "–"), (None, "–"),
])
def test_number_formatting(value, text):
    assert format_number(value) == text


# ---------------------------------------------------------------- colours

def test_a_segment_far_above_average_gets_a_red_cell_and_far_below_a_blue_one(model, table):
    means = model.profile.means["monetary"]
    high, low = int(means.idxmax()), int(means.idxmin())
    column = header(table).index("monetary")
    by_segment = {int(r["attrs"]["data-segment"]): r for r in rows(table)}
    assert model.profile.zscores.loc[high, "monetary"] > 1
    r, g, b = rgb(by_segment[high]["cells"][column][0]["style"])
    assert r > g + 60 and r > b + 60  # red-ish
    r, g, b = rgb(by_segment[low]["cells"][column][0]["style"])
    assert b > r + 30  # blue-ish


def test_z_colours_are_clipped_at_two_and_white_at_the_average():
    assert z_colour(0) == "#ffffff"
    assert z_colour(2) == z_colour(50)
    assert z_colour(-2) == z_colour(-50)
    assert z_colour(float("nan")) == "#ffffff"


# ---------------------------------------------------------------- names

def test_renaming_in_the_box_reaches_the_model_legend_export_and_spec(model, table):
    segment = model.segment_ids[1]
    box = table.names[segment]
    assert box.continuous_update is False  # a name is sent on submit/blur, not per keystroke
    box.value = "Night   owls"
    assert model.segment_names[segment] == "Night owls"
    assert box.value == "Night owls"  # the model's cleaned name shows
    assert model.spec.names == {segment: "Night owls"}
    frame = model.labels_frame()
    assert set(frame.loc[frame["segment"] == segment, "segment_name"]) == {"Night owls"}
    assert table.to_frame().loc[segment, "name"] == "Night owls"


def test_a_name_survives_a_refit_to_another_k_and_back(model, table):
    segment = model.segment_ids[0]
    table.names[segment].value = "Loyal"
    model.k = 4
    model.k = 3
    assert table.names[segment].value == "Loyal"


def test_an_empty_name_restores_the_generated_one(model, table):
    segment = model.segment_ids[0]
    generated = model.segment_names[segment]
    table.names[segment].value = "Loyal"
    table.names[segment].value = "   "
    assert model.segment_names[segment] == generated
    assert table.names[segment].value == generated


def test_a_500_character_name_is_refused_with_a_status_and_the_box_reverts(model, table):
    segment = model.segment_ids[0]
    before = model.segment_names[segment]
    table.names[segment].value = "x" * 500
    assert "at most 80 characters" in model.status
    assert model.segment_names[segment] == before
    assert table.names[segment].value == before
    assert model.names == {}


def test_hostile_messages_to_a_name_box_are_refused(model, table):
    segment = model.segment_ids[0]
    box = table.names[segment]
    before = model.segment_names[segment]
    box.set_state({"value": "y" * 500})
    assert "at most 80 characters" in model.status
    assert box.value == before and model.names == {}
    box.set_state({"continuous_update": True})
    assert box.continuous_update is False
    with pytest.raises(TraitError):
        box.set_state({"value": 12345})
    assert model.segment_names[segment] == before


def test_a_read_only_table_refuses_names_even_if_the_browser_enables_the_box(model):
    table = ProfileTable(model, editable=False)
    segment = model.segment_ids[0]
    box = table.names[segment]
    before = model.segment_names[segment]
    assert box.disabled
    box.set_state({"disabled": False})
    assert box.disabled
    box.set_state({"value": "Hacked"})
    assert model.segment_names[segment] == before
    assert box.value == before
    assert "cannot be edited" in model.status


# ---------------------------------------------------------------- selection

def test_a_selection_adds_a_selection_row_and_clearing_it_removes_it(model, table):
    assert rows(table, "sw-selection-row") == []
    model.selection = np.arange(0, 400)
    selection_rows = rows(table, "sw-selection-row")
    assert len(selection_rows) == 1
    texts = [text for _, text in selection_rows[0]["cells"]]
    assert texts[0] == "400"
    assert texts[1] == f"{400 / len(model.data):.1%}"
    assert len(rows(table)) == 3  # beside the segments, not instead of them
    assert table._selection_label in table.name_column.children
    assert table.to_frame().loc["selection", "size"] == 400
    model.selection = None
    assert rows(table, "sw-selection-row") == []
    assert table._selection_label not in table.name_column.children
    assert "selection" not in table.to_frame().index


def test_one_redraw_per_result_even_with_a_selection(model, table):
    model.selection = np.arange(100)
    values = []
    table.table.observe(lambda change: values.append(change["new"]), "value")
    model.k = 4
    assert len(values) == 1
    assert len(rows(table)) == 4 and len(rows(table, "sw-selection-row")) == 1


# ---------------------------------------------------------------- escaping

def test_column_names_and_categories_from_the_data_render_as_text():
    X, _ = blob_points(300, centers=3, features=2, seed=0)
    frame = pd.DataFrame(X, columns=["<script>alert(1)</script>", "spend"])
    frame["<img src=x onerror=alert(2)>"] = np.where(X[:, 0] > 0, "<b>bold</b>", "a'quote\"")
    model = Segmentation(frame, features=list(frame.columns), k=3, background=False)
    table = ProfileTable(model)
    text = table.table.value
    assert "<script" not in text and "<img" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;b&gt;bold&lt;/b&gt;" in text
    assert "<script>alert(1)</script>" in header(table)  # shown as text, exactly
    segment = model.segment_ids[0]
    table.names[segment].value = "<img src=x onerror=alert(3)>"
    assert model.segment_names[segment] == "<img src=x onerror=alert(3)>"  # a name is text in a box
    assert "<img" not in table.table.value


# ---------------------------------------------------------------- export and speed

def test_to_frame_is_the_table_in_numbers(model, table):
    out = table.to_frame()
    profile = model.profile
    assert list(out.index) == model.segment_ids
    assert list(out.columns[:3]) == ["name", "size", "share"]
    assert {"recency", "monetary", "member", "channel = web", "channel = store"} <= set(out.columns)
    assert np.allclose(out["monetary"].to_numpy(float), profile.means["monetary"].to_numpy())
    assert list(out["name"]) == [model.segment_names[i] for i in model.segment_ids]


def test_twelve_segments_and_twenty_features_render_every_cell(make_frame):
    # Speed is measured in benchmarks/, not asserted here (shared machines are noisy).
    frame = make_frame(5000, centers=12, features=20, seed=3, columns=[f"num_feature_{i}" for i in range(20)])
    model = Segmentation(frame, k=12, background=False)
    table = ProfileTable(model)
    assert len(rows(table)) == 12 and len(header(table)) == 22


def test_metrics_or_a_new_map_do_not_redraw_the_table(model, table):
    from tests.helpers import publish

    values = []
    table.table.observe(lambda change: values.append(change["new"]), "value")
    publish(model, metrics={"silhouette": 0.5})
    publish(model, coords=model.result.coords * 2)
    assert values == []
    model.rename(model.segment_ids[0], "Renamed")  # a name is a change the table shows
    assert table.names[model.segment_ids[0]].value == "Renamed"


def test_a_closed_table_is_not_redrawn(model, table):
    before = table.table.value
    table.close()
    model.k = 5
    model.selection = np.arange(50)
    assert table.table.value == before
