"""Publishing a report (``Segmentation.publish``): a spec and the rows as read, side by side in the
specs folder, that the report server opens by name, for uploaded data too."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from segwidgets import Report, Segmentation
from segwidgets.core import report_store
from segwidgets.dashboards.apps import report_app
from segwidgets.dashboards.report import PublishedReport
from segwidgets.errors import SegwidgetsValueError


@pytest.fixture()
def upload(tmp_path):
    """An upload as the data panel gives it: bytes and a file name, ids that look like numbers."""
    lines = ["customer_id;zip;spend;visits"] + [
        f"{-1097912345678901234 + i * 7919};{i % 90:05d};{(i * 37) % 500},50;{i % 7 + (i % 3) * 10}"
        for i in range(300)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture()
def model(upload):
    model = Segmentation(pd.DataFrame({"x": [0.0, 1.0]}), k=2, background=False)
    assert model.load_data(upload, filename="crm export.csv")
    model.k = 3
    model.rename(model.segment_ids[0], "Big spenders")
    model.recommend(model.segment_ids[0], "Invite them to the preview.")
    model.title = "CRM review"
    yield model
    model.close()


def test_publish_writes_the_spec_and_the_rows_as_read_with_their_hash(model, tmp_path):
    published = model.publish("crm-review", tmp_path)
    assert published.spec_path == tmp_path / "crm-review.json"
    assert published.data_path == tmp_path / "crm-review.parquet"
    assert published.link == "?spec=crm-review"
    spec = json.loads(published.spec_path.read_text())
    assert spec["source"] == "crm-review.parquet"  # a name inside the folder, no path
    assert spec["data_sha256"] == hashlib.sha256(published.data_path.read_bytes()).hexdigest()
    assert spec["title"] == "CRM review" and spec["recommendations"] == {
        str(model.segment_ids[0]): "Invite them to the preview."}
    rows = pd.read_parquet(published.data_path)
    assert rows["customer_id"][0] == "-1097912345678901234" and rows["zip"][0] == "00000"  # as read


def test_the_report_server_opens_a_published_upload_with_the_same_segments(model, tmp_path):
    published = model.publish("crm-review", tmp_path)
    report_store.cache_path(published.spec_path).unlink()  # no stored report: read and refit
    app = report_app(query="?spec=crm-review", specs_dir=tmp_path)
    assert isinstance(app, Report), app.value
    assert (app.model.labels == model.labels).all()
    assert app.model.segment_names == model.segment_names
    assert "Invite them to the preview." in app.body.value and "CRM review" in app.body.value


def test_a_published_report_is_shown_as_published_without_reading_or_refitting(model, tmp_path, monkeypatch):
    published = model.publish("crm-review", tmp_path)
    fresh = Report(model).body.value
    import segwidgets.dashboards.apps as apps

    monkeypatch.setattr(apps, "report_table", lambda *a, **k: pytest.fail("the table was read"))
    app = report_app(query="?spec=crm-review", specs_dir=tmp_path)
    assert isinstance(app, PublishedReport)
    assert app.body.value == fresh  # the same report as a refit gives
    assert published.spec_path.name in [p.name for p in tmp_path.iterdir()]


def test_a_stored_report_for_another_spec_is_not_used(model, tmp_path):
    published = model.publish("crm-review", tmp_path)
    spec = json.loads(published.spec_path.read_text())
    spec["title"] = "Edited by hand"  # the spec changed after publishing: the stored report is stale
    published.spec_path.write_text(json.dumps(spec))
    app = report_app(query="?spec=crm-review", specs_dir=tmp_path)
    assert isinstance(app, Report) and "Edited by hand" in app.body.value


def test_a_tampered_stored_report_is_still_escaped(model, tmp_path):
    published = model.publish("crm-review", tmp_path)
    path = report_store.cache_path(published.spec_path)
    stored = json.loads(path.read_text())
    stored["content"]["title"] = "<script>alert(1)</script>"
    stored["content"]["sections"][0]["colour"] = "red' onmouseover='alert(1)"
    path.write_text(json.dumps(stored))
    app = report_app(query="?spec=crm-review", specs_dir=tmp_path)
    assert isinstance(app, PublishedReport)
    assert "<script" not in app.body.value and "onmouseover" not in app.body.value
    assert "&lt;script&gt;" in app.body.value


def test_a_published_reports_downloads(model, tmp_path):
    import base64
    import io
    import re

    model.share_rows = True
    model.publish("crm-review", tmp_path)
    app = report_app(query="?spec=crm-review", specs_dir=tmp_path)
    app.labels_button.click()
    encoded = re.search(r"href='data:text/csv;base64,([^']+)'", app.link.value).group(1)
    rows = pd.read_csv(io.BytesIO(base64.b64decode(encoded)), dtype=str)
    assert rows["customer_id"][0] == "-1097912345678901234" and rows["zip"][0] == "00000"
    assert rows["segment"].astype(int).tolist() == list(model.labels)
    app.report_button.click()
    page = base64.b64decode(re.search(r"href='data:text/html;base64,([^']+)'", app.link.value).group(1))
    assert page.decode("utf-8").count("<section class='sw-report-segment'") == 3


def test_a_changed_data_file_is_refused(model, tmp_path):
    published = model.publish("crm-review", tmp_path)
    rows = pd.read_parquet(published.data_path)
    rows.loc[0, "spend"] = "1"
    rows.to_parquet(published.data_path, index=False)
    app = report_app(query="?spec=crm-review", specs_dir=tmp_path)  # the stored report: refused
    assert not isinstance(app, (Report, PublishedReport)) and "has changed" in app.value
    report_store.cache_path(published.spec_path).unlink()
    app = report_app(query="?spec=crm-review", specs_dir=tmp_path)  # reading and refitting: refused
    assert not isinstance(app, (Report, PublishedReport)) and "has changed" in app.value


@pytest.mark.parametrize("name", ["", " ", "../up", "a/b", "q3.review", "with space", "ü-name", "-dash",
                                  "x" * 65, "a\x00b", None, 3])
def test_a_name_that_is_not_a_plain_word_is_refused_in_words(model, tmp_path, name):
    with pytest.raises(SegwidgetsValueError) as error:
        model.publish(name, tmp_path)
    assert "name" in str(error.value)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_another_report_of_that_name_is_kept_unless_replacing_was_asked(model, tmp_path, upload):
    other = Segmentation(pd.DataFrame({"x": [0.0, 1.0]}), k=2, background=False)
    other.load_data(upload, filename="other.csv")
    other.title = "Someone else's"
    other.publish("q3", tmp_path)
    before = (tmp_path / "q3.json").read_bytes()
    with pytest.raises(SegwidgetsValueError, match="already a published report called 'q3'"):
        model.publish("q3", tmp_path)
    assert (tmp_path / "q3.json").read_bytes() == before
    model.publish("q3", tmp_path, overwrite=True)
    assert json.loads((tmp_path / "q3.json").read_text())["title"] == "CRM review"
    model.title = "CRM review, second draft"
    model.publish("q3", tmp_path)  # its own report: published again without asking
    assert json.loads((tmp_path / "q3.json").read_text())["title"] == "CRM review, second draft"
    other.close()


def test_the_folder_and_the_link_come_from_the_environment(model, tmp_path, monkeypatch):
    monkeypatch.setenv(report_store.ENV_SPECS_DIR, str(tmp_path / "served"))
    monkeypatch.setenv(report_store.ENV_REPORT_URL, "http://127.0.0.1:8867/")
    published = model.publish("q3")
    assert published.spec_path == tmp_path / "served" / "q3.json"
    assert published.link == "http://127.0.0.1:8867/?spec=q3"
    monkeypatch.delenv(report_store.ENV_SPECS_DIR)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert report_store.default_specs_dir() == tmp_path / "data" / "segwidgets" / "reports"
    monkeypatch.setenv(report_store.ENV_REPORT_URL, "javascript:alert(1)")
    assert report_store.report_url() == ""


def test_what_the_analyst_wrote_round_trips_through_the_spec(model, tmp_path):
    model.introduction = "Line one.\n\nLine two."
    model.share_rows = True
    again = Segmentation.load(model.save(tmp_path / "s.json"), data=model.table)
    assert (again.title, again.introduction, again.share_rows) == ("CRM review", "Line one.\n\nLine two.", True)
    assert again.recommendations == model.recommendations
    with pytest.raises(Exception, match="at most 120"):
        model.title = "x" * 121
    assert model.title == "CRM review"
    model.recommend(model.segment_ids[0], "")
    assert model.recommendations == {}


def test_nothing_to_publish_before_a_fit(tmp_path):
    with pytest.raises(SegwidgetsValueError, match="nothing to publish"):
        Segmentation(background=False).publish("q3", tmp_path)
