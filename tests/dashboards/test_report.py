"""The stakeholder report (``segwidgets.dashboards.report``) and the report app that opens it.

A report shows a saved segmentation as it was saved: names, sizes, shares, a
description per segment, the map, the profiles and the labelled rows. Names,
titles and column names can come from a shared link, a saved spec or an
uploaded file, so everything the report writes as HTML is escaped.
"""

from __future__ import annotations

import base64
import io
import os
import re

import ipywidgets as w
import numpy as np
import pandas as pd
import pytest

from segwidgets import Report, Segmentation, SegmentationSpec
from segwidgets.dashboards.apps import report_app
from segwidgets.widgets import KSlider
from tests.helpers import ESCAPED, HOSTILE, html_of


def widgets_in(widget: w.Widget) -> list[w.Widget]:
    out = [widget]
    for child in getattr(widget, "children", ()):
        out.extend(widgets_in(child))
    return out


def cards(report: Report) -> list[str]:
    """The report's segment cards, one HTML string each, in order."""
    return re.findall(r"<div class='sw-segment-card'.*?</div></div>", report.cards.value, flags=re.DOTALL)


@pytest.fixture()
def frame(make_frame) -> pd.DataFrame:
    """800 customers in 4 blobs over num_spend, visits and tenure_days."""
    return make_frame(800, centers=4, features=3, std=0.8, seed=11,
                      columns=["num_spend", "visits", "tenure_days"])


@pytest.fixture()
def model(frame, make_model) -> Segmentation:
    model = make_model(frame, k=4)
    model.rename(model.segment_ids[0], "Loyal regulars")
    return model


# ----------------------------------------------------------------------------- content
def test_one_card_per_segment_with_name_size_share_and_description(model):
    report = Report(model)
    shown = cards(report)
    assert len(shown) == len(model.segment_ids) == 4
    summary = model.profile.summary
    for card, segment in zip(shown, model.segment_ids):  # in the model's order
        size = int((model.labels == segment).sum())
        assert f"<b>{model.segment_names[segment]}</b>" in card
        assert f"{size:,} rows ({size / len(model.data):.1%} of all rows)" in card
        assert model.colors[segment] in card
        assert "average" in card  # the plain-words description of the segment
        assert int(summary.loc[segment, "size"]) == size
    assert "<b>Loyal regulars</b>" in shown[0]


def test_the_header_states_the_segmentation_in_words(model):
    report = Report(model, title="Q3 review")
    header = report.children[0].value
    assert "Q3 review" in header
    assert "4 segments of 800 rows, found with k-means on 3 measures: spend, visits, tenure days." in header
    assert "Segments of" in Report(model).children[0].value  # no title: named after the data


def test_nothing_in_a_report_refits(model):
    report = Report(model)
    parts = widgets_in(report)
    assert not [p for p in parts if isinstance(p, KSlider)]
    assert all(box.disabled for box in report.profile.names.values())  # names are shown, not edited
    assert report.downloads.spec_button.layout.display == "none"
    assert report.legend in parts and report.scatter in parts and report.profile in parts
    revision = model.revision
    report.legend.buttons[model.segment_ids[1]].value = True  # selecting is not refitting
    assert model.revision == revision and model.k == 4


def test_the_report_follows_a_rename_and_shows_the_status(model):
    report = Report(model)
    segment = model.segment_ids[2]
    model.rename(segment, "Weekend browsers")
    assert "<b>Weekend browsers</b>" in cards(report)[2]
    assert report.status.value == model.status and "4 segments of 800 rows" in report.status.value


# ---------------------------------------------------------------------------- escaping
def test_a_hostile_name_is_escaped_in_the_cards_and_the_legend(model):
    model.rename(model.segment_ids[1], HOSTILE)
    report = Report(model)
    assert ESCAPED in cards(report)[1]
    assert ESCAPED in html_of(report.legend)
    page = html_of(report)
    assert HOSTILE not in page and "<img" not in page


def test_a_hostile_name_from_a_shared_link_is_escaped(frame):
    spec = SegmentationSpec.from_query("?k=4&ids=0,1,2,3&name.2=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    report = Report.from_spec(spec, data=frame)
    assert report.model.segment_names[2] == HOSTILE
    assert ESCAPED in report.cards.value
    assert "<img" not in html_of(report)


def test_hostile_column_names_title_and_status_are_escaped(frame):
    hostile = frame.rename(columns={"visits": "<script>alert(1)</script>"})
    model = Segmentation(hostile, k=3, background=False)
    report = Report(model, title="<b onmouseover=alert(1)>Q3</b>")
    header = report.children[0].value
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in header
    assert "&lt;b onmouseover=alert(1)&gt;Q3&lt;/b&gt;" in header
    model.status = "<img src=x onerror=alert(2)>"
    model.rename(model.segment_ids[0], "Anything")  # a new revision: the report redraws
    assert report.status.value == "&lt;img src=x onerror=alert(2)&gt;"
    page = html_of(report)
    assert "<script" not in page and "<b onmouseover" not in page and "<img" not in page


# ------------------------------------------------------------------------ saved specs
def test_a_report_from_a_saved_spec_shows_the_saved_segments(tmp_path, frame):
    model = Segmentation(frame, k=3, background=False)
    for k in (5, 4):  # ids follow the rows through k changes: the report must keep them
        model.k = k
    model.rename(model.segment_ids[-1], "Newcomers")
    path = model.save(tmp_path / "q3.json")
    for spec in (path, str(path), SegmentationSpec.from_json(path.read_text())):
        report = Report.from_spec(spec, data=frame)
        assert (report.model.labels == model.labels).all()
        assert report.model.segment_names == model.segment_names
        assert report.model.background is False
        assert "<b>Newcomers</b>" in cards(report)[-1]


def test_a_report_from_a_spec_naming_its_data(tmp_path, frame):
    data = tmp_path / "customers.csv"
    frame.to_csv(data, index=False)
    model = Segmentation(str(data), k=4, seed=2, background=False)
    report = Report.from_spec(model.save(tmp_path / "spec.json"))  # no data=: the spec's source
    assert (report.model.labels == model.labels).all()
    assert "customers.csv" in report.children[0].value


# -------------------------------------------------------------------------- the app
@pytest.fixture()
def folders(tmp_path, frame):
    """A specs folder with one report, and a secret spec outside it that a link must never reach."""
    specs, private = tmp_path / "specs", tmp_path / "private"
    specs.mkdir()
    private.mkdir()
    data = specs / "data.csv"  # a served report reads data only inside its folder
    frame.to_csv(data, index=False)
    model = Segmentation(str(data), k=4, background=False)
    model.rename(model.segment_ids[0], "Shown to everyone")
    model.save(specs / "q3-review.json")
    model.rename(model.segment_ids[0], "Top secret segment")
    secret = model.save(private / "secret.json")
    (specs / "escape.json").symlink_to(secret)
    return specs, secret


def test_the_report_app_opens_a_named_report_from_the_folder(folders):
    specs, _ = folders
    app = report_app(query="?spec=q3-review", specs_dir=specs)
    assert isinstance(app, Report)
    assert "Shown to everyone" in app.cards.value


@pytest.mark.parametrize("name", ["<outside>", "<outside>.json", "escape", "../private/secret",
                                  "/etc/passwd", "http://example.com/spec", "nope", ""])
def test_the_report_app_refuses_anything_outside_its_folder(folders, name):
    specs, secret = folders
    if name.startswith("<outside>"):  # a path that really exists, outside the folder
        relative = os.path.relpath(secret.with_suffix(""), specs)
        assert (specs / f"{relative}.json").resolve() == secret.resolve()
        name = name.replace("<outside>", relative)
    app = report_app(query="?spec=" + name, specs_dir=specs)
    assert not isinstance(app, Report)
    page = html_of(app)
    assert "sw-app-error" in app._dom_classes and "report" in page
    assert "Top secret segment" not in page and str(specs) not in page and str(secret) not in page


def test_the_report_app_says_what_is_missing(folders, monkeypatch):
    monkeypatch.delenv("SEGWIDGETS_SPECS_DIR", raising=False)
    monkeypatch.delenv("SEGWIDGETS_SPEC", raising=False)
    assert "no folder of saved reports" in html_of(report_app(query="?spec=q3-review"))
    assert "No report was named" in html_of(report_app(query=""))
    specs, _ = folders
    app = report_app(spec=specs / "q3-review.json", query="")  # `segwidgets report SPEC`
    assert isinstance(app, Report) and "Shown to everyone" in app.cards.value


def test_the_report_map_and_downloads_cover_every_row(model):
    report = Report(model)
    report.scatter.flush()
    assert len(report.scatter.mark.x) == len(model.data)
    colours = np.unique(report.scatter.mark.color)
    assert len(colours) == len(model.segment_ids)
    report.downloads.labels_button.click()
    encoded = re.search(r"href='data:text/csv;base64,([^']+)'", report.downloads.link.value).group(1)
    rows = pd.read_csv(io.BytesIO(base64.b64decode(encoded)))
    assert len(rows) == len(model.data)
    assert rows["segment_name"].tolist() == [model.segment_names[i] for i in model.labels]


def test_a_closed_report_closes_its_parts_and_no_longer_follows_the_model(model):
    report = Report(model)
    before = report.cards.value
    report.close()
    model.rename(model.segment_ids[0], "After closing")
    model.k = 3
    assert report.cards.value == before
    assert len(report.legend.rows.children) == 4
    assert report.profile.table.value.count("sw-profile-row") == 4
