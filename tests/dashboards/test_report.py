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


def sections(report: Report) -> list[str]:
    """The report's segment sections, one HTML string each, in order (largest first)."""
    return re.findall(r"<section class='sw-report-segment'.*?</section>", report.body.value, flags=re.DOTALL)


def section_of(report: Report, segment: int) -> str:
    (found,) = [s for s in sections(report) if f"data-segment='{segment}'" in s]
    return found


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
def test_one_section_per_segment_with_name_size_share_chart_and_description(model):
    report = Report(model)
    shown = sections(report)
    assert len(shown) == len(model.segment_ids) == 4
    sizes = []
    for segment in model.segment_ids:
        section = section_of(report, segment)
        size = int((model.labels == segment).sum())
        sizes.append(size)
        assert f"<h2 class='sw-report-name'>{model.segment_names[segment]}</h2>" in section
        assert f"<b>{size:,}</b> rows · <b>{size / len(model.data):.1%}</b> of all rows" in section
        assert model.colors[segment] in section
        assert "<svg" in section and "What sets it apart" in section  # the chart against the average
        assert "average" in section  # the plain-words description
    assert sizes == sorted(sizes, reverse=True) == [
        int(s) for s in re.findall(r"<b>([\d,]+)</b> rows", report.body.value.replace(",", ""))]
    assert "<h2 class='sw-report-name'>Loyal regulars</h2>" in section_of(report, model.segment_ids[0])


def test_the_report_opens_with_the_analysts_title_introduction_and_an_overview(model):
    model.title = "Q3 review"
    model.introduction = "Who buys what.\n\nRead before the planning meeting."
    report = Report(model)
    body = report.body.value
    assert "<h1 class='sw-report-title'>Q3 review</h1>" in body
    assert "<p>Who buys what.</p><p>Read before the planning meeting.</p>" in body
    assert ("The 800 rows fall into 4 segments, found with k-means from 3 measures: spend, visits and "
            "tenure days.") in body
    assert "Segment sizes" in body and body.count("<svg") >= 5  # sizes, and one chart per segment
    assert "How to read this report" in body and "How the segments were found" in body
    assert "silhouette score" in body  # the quality in words
    assert "Customer segments" in Report(Segmentation(model.data, k=3, background=False)).body.value  # no title


def test_the_recommendation_the_analyst_wrote_is_in_its_segments_section(model):
    segment = model.segment_ids[2]
    model.recommend(segment, "Offer them the loyalty card.")
    report = Report(model)
    assert "Offer them the loyalty card." in section_of(report, segment)
    assert sum("Recommendation" in s for s in sections(report)) == 1  # none where none was written


def test_nothing_in_a_report_refits_filters_or_selects(model):
    from segwidgets.widgets import EmbeddingScatter, SegmentLegend

    report = Report(model)
    parts = widgets_in(report)
    assert not [p for p in parts if isinstance(p, (KSlider, EmbeddingScatter, SegmentLegend))]
    controls = [p for p in parts if isinstance(p, (w.ValueWidget, w.Text, w.Dropdown, w.ToggleButton))
                and not isinstance(p, w.HTML)]
    assert controls == []  # nothing but the download buttons
    assert {p.description for p in parts if isinstance(p, w.Button) and p.layout.display != "none"} \
        == {"Report (HTML)"}  # rows only when the analyst allows it; never the settings
    assert " s<" not in report.body.value and "in 0." not in report.body.value  # no timings
    model.share_rows = True
    assert report.downloads.labels_button.layout.display == ""


def test_the_report_follows_a_rename_and_a_new_recommendation(model):
    report = Report(model)
    segment = model.segment_ids[2]
    model.rename(segment, "Weekend browsers")
    model.recommend(segment, "Send the weekend offer.")
    section = section_of(report, segment)
    assert "Weekend browsers" in section and "Send the weekend offer." in section


# ---------------------------------------------------------------------------- escaping
def test_hostile_names_titles_and_notes_are_escaped_everywhere(model):
    model.rename(model.segment_ids[1], HOSTILE)
    model.title = HOSTILE
    model.introduction = HOSTILE
    model.recommend(model.segment_ids[1], HOSTILE)
    report = Report(model)
    page = html_of(report)
    assert page.count(ESCAPED) >= 5  # title, introduction, size chart, section name, recommendation
    assert HOSTILE not in page and "<img" not in page


def test_a_hostile_name_from_a_shared_link_is_escaped(frame):
    spec = SegmentationSpec.from_query("?k=4&ids=0,1,2,3&name.2=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    report = Report.from_spec(spec, data=frame)
    assert report.model.segment_names[2] == HOSTILE
    assert ESCAPED in report.body.value
    assert "<img" not in html_of(report)


def test_hostile_column_names_and_title_are_escaped(frame):
    hostile = frame.rename(columns={"visits": "<script>alert(1)</script>"})
    model = Segmentation(hostile, k=3, background=False)
    report = Report(model, title="<b onmouseover=alert(1)>Q3</b>")
    body = report.body.value
    assert "&lt;b onmouseover=alert(1)&gt;Q3&lt;/b&gt;" in body
    assert "&lt;script&gt;" in body.lower()
    page = html_of(report)
    assert "<script" not in page and "<b onmouseover" not in page


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
        assert "Newcomers" in section_of(report, model.segment_ids[-1])


def test_a_report_from_a_spec_naming_its_data(tmp_path, frame):
    data = tmp_path / "customers.csv"
    frame.to_csv(data, index=False)
    model = Segmentation(str(data), k=4, seed=2, background=False)
    report = Report.from_spec(model.save(tmp_path / "spec.json"))  # no data=: the spec's source
    assert (report.model.labels == model.labels).all()
    assert str(tmp_path) not in report.body.value  # never a path as the title


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
    assert "Shown to everyone" in app.body.value


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
    assert isinstance(app, Report) and "Shown to everyone" in app.body.value


def test_the_report_downloads_every_row_only_when_the_analyst_allows(model):
    model.share_rows = True
    report = Report(model)
    report.downloads.labels_button.click()
    report.downloads.wait(60)
    encoded = re.search(r"href='data:text/csv;base64,([^']+)'", report.downloads.link.value).group(1)
    rows = pd.read_csv(io.BytesIO(base64.b64decode(encoded)))
    assert len(rows) == len(model.data)
    assert rows["segment_name"].tolist() == [model.segment_names[i] for i in model.labels]


def test_the_report_downloads_itself_as_one_html_file(model):
    report = Report(model)
    report.downloads.report_button.click()
    report.downloads.wait(60)
    encoded = re.search(r"href='data:text/html;base64,([^']+)'", report.downloads.link.value).group(1)
    page = base64.b64decode(encoded).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<section class='sw-report-segment'") == 4
    assert "data:text/csv" not in page  # the rows only if the analyst allows it


def test_a_closed_report_no_longer_follows_the_model(model):
    report = Report(model)
    before = report.body.value
    report.close()
    model.rename(model.segment_ids[0], "After closing")
    model.k = 3
    assert report.body.value == before
