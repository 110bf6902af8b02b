"""The explorer's "Publish" tab: what the analyst writes lands in the model (and the spec),
Publish writes the report and shows its link, a bad name is refused in the panel."""

from __future__ import annotations

import json

import pytest

from segwidgets.widgets.publish_panel import PublishPanel
from tests.helpers import HOSTILE, html_of


@pytest.fixture()
def model(make_frame, make_model):
    return make_model(make_frame(600, centers=3, features=3, seed=5, columns=["spend", "visits", "tenure"]), k=3)


def test_typing_a_title_introduction_name_and_recommendation_sets_the_model(model, tmp_path):
    panel = PublishPanel(model, folder=tmp_path, report_url="")
    panel.title.value = "Q3 review"
    panel.introduction.value = "Why we segmented."
    segment = model.segment_ids[1]
    name_box, box = panel._boxes[segment]
    name_box.value = "Weekend shoppers"
    box.value = "Send the weekend offer."
    panel.share_rows.value = True
    assert (model.title, model.introduction, model.share_rows) == ("Q3 review", "Why we segmented.", True)
    assert model.segment_names[segment] == "Weekend shoppers"
    assert model.recommendations == {segment: "Send the weekend offer."}
    assert len(panel.segment_rows.children) == 3


def test_the_suggestion_is_a_placeholder_until_the_analyst_takes_it(model, tmp_path):
    panel = PublishPanel(model, folder=tmp_path)
    segment = model.segment_ids[0]
    _, box = panel._boxes[segment]
    assert box.value == "" and "of all rows" in box.placeholder
    panel.segment_rows.children[0].children[-1].click()  # "Use the suggestion"
    assert model.recommendations[segment] == box.placeholder == box.value


def test_publish_shows_the_link_and_a_bad_name_is_refused_in_the_panel(model, tmp_path):
    panel = PublishPanel(model, folder=tmp_path, report_url="http://127.0.0.1:8867/")
    panel.name.value = "../etc"
    assert panel.publish() is None
    assert "cannot be a report name" in panel.result.value and list(tmp_path.iterdir()) == []
    panel.name.value = "q3-review"
    published = panel.publish()
    assert published.link == "http://127.0.0.1:8867/?spec=q3-review"
    assert "value='http://127.0.0.1:8867/?spec=q3-review'" in panel.result.value
    assert json.loads((tmp_path / "q3-review.json").read_text())["source"] == "q3-review.parquet"


def test_the_explorer_link_follows_the_model(model, tmp_path):
    panel = PublishPanel(model, folder=tmp_path)
    model.k = 4
    assert "k=4" in panel.explorer_link.value and len(panel.segment_rows.children) == 4


def test_hostile_names_are_escaped_in_the_panel(model, tmp_path):
    model.rename(model.segment_ids[0], HOSTILE)
    panel = PublishPanel(model, folder=tmp_path)
    page = html_of(panel)
    assert "<img" not in page and "name.0=%3Cimg" in page  # the explorer link carries the name, encoded
    assert panel._boxes[model.segment_ids[0]][0].value == HOSTILE  # a text box shows it as text


def test_a_closed_panel_stops_following(model, tmp_path):
    panel = PublishPanel(model, folder=tmp_path)
    panel.close()
    model.title = "After"
    assert panel.title.value == ""


def test_a_hidden_panel_draws_its_segments_when_shown(model, tmp_path):
    panel = PublishPanel(model, folder=tmp_path)
    panel.set_active(False)  # an explorer tab nobody opened
    rows, link = panel.segment_rows.children, panel.explorer_link.value
    model.k = 4
    assert panel.segment_rows.children == rows and panel.explorer_link.value == link  # nothing rebuilt
    panel.set_active(True)
    assert len(panel.segment_rows.children) == 4
    assert set(panel._boxes) == set(model.segment_ids)
    assert "k=4" in panel.explorer_link.value
