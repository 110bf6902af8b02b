"""DownloadPanel: the labelled rows (CSV, Excel) and the settings, as the export writes them."""

from __future__ import annotations

import base64
import csv
import io
import json
import re

import numpy as np
import openpyxl
import pytest

from segwidgets.session import Segmentation
from segwidgets.widgets import DownloadPanel

FORMULA = '"=HYPERLINK(""http://x"")"'  # as a CSV writes the cell =HYPERLINK("http://x")


def crm_line(i: int) -> str:
    user = "-1.0979E+18" if i % 5 == 0 else str((-1) ** i * (2347567364561868000 + i))
    note = FORMULA if i == 3 else "NA"
    return f"{user},{i * 7 % 1000:05d},{note},{[10, 100, 1000][i % 3] + i % 4}.50,{[1, 10, 50][i % 3] + i % 2}\n"


CRM = "user_hash,zip,note,spend,visits\n" + "".join(crm_line(i) for i in range(60))


@pytest.fixture()
def model(tmp_path, make_model) -> Segmentation:
    path = tmp_path / "crm.csv"
    path.write_text(CRM, encoding="utf-8")
    return make_model(str(path), k=3, features=["spend", "visits"])


def payload(panel: DownloadPanel, mime: str) -> bytes:
    found = re.search(rf"href='data:{re.escape(mime)};base64,([^']+)'", panel.link.value)
    assert found, panel.link.value
    return base64.b64decode(found.group(1))


def test_the_panel_offers_csv_excel_settings_and_the_report(model):
    panel = DownloadPanel(model)
    assert [b.description for b in panel.buttons.children] == [
        "Labelled rows (CSV)", "Labelled rows (Excel)", "Settings (JSON)", "Report (HTML)"]
    assert "sw-download-excel" in panel.excel_button._dom_classes


def test_the_report_downloads_as_one_html_file_with_every_segment(model):
    panel = DownloadPanel(model, basename="q3")
    panel.report_button.click()
    panel.wait(60)
    assert "download='q3.html'" in panel.link.value and "sw-report-link" in panel.link.value
    page = payload(panel, "text/html").decode("utf-8")
    assert page.count("<section class='sw-report-segment'") == len(model.segment_ids)


def test_the_csv_gives_the_ids_back_as_read_and_neutralises_formulas(model):
    panel = DownloadPanel(model, basename="q3")
    panel.labels_button.click()
    assert "download='q3.csv'" in panel.link.value
    header, *rows = list(csv.reader(io.StringIO(payload(panel, "text/csv").decode("utf-8"))))
    given = list(csv.reader(io.StringIO(CRM)))[1:]
    assert header == ["user_hash", "zip", "note", "spend", "visits", "segment", "segment_name"]
    assert [r[0] for r in rows] == [g[0] for g in given]  # "-1.0979E+18" and 19 digits, as read
    assert [r[1] for r in rows] == [g[1] for g in given]  # "00000", "00007": zeros kept
    assert rows[0][2] == "NA" and rows[3][2] == "'" + given[3][2]
    assert [int(r[5]) for r in rows] == list(model.labels)


def test_the_excel_download_is_a_workbook_with_segments_and_settings(model):
    panel = DownloadPanel(model, basename="q3")
    panel.excel_button.click()
    assert "download='q3.xlsx'" in panel.link.value and "sw-excel-link" in panel.link.value
    book = openpyxl.load_workbook(io.BytesIO(payload(
        panel, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))
    assert book.sheetnames == ["Rows", "Segments", "Settings"]
    rows = list(book["Rows"].iter_rows(min_row=2))
    given = list(csv.reader(io.StringIO(CRM)))[1:]
    assert [r[0].value for r in rows] == [g[0] for g in given]
    assert {r[0].data_type for r in rows} == {"s"}  # text ids: no digit lost to a float
    assert [r[1].value for r in rows] == [g[1] for g in given]
    formula = rows[3][2]
    assert formula.value == given[3][2] and formula.data_type == "s" and formula.quotePrefix
    assert [r[3].value for r in rows] == [float(g[3]) for g in given]  # numbers read as numbers
    assert rows[0][3].number_format == "0.00"  # shown as typed: 10.50
    segments = [[c.value for c in r] for r in book["Segments"].iter_rows(min_row=2)]
    assert [s[0] for s in segments] == sorted(model.segment_ids)
    assert [s[1] for s in segments] == [model.segment_names[i] for i in sorted(model.segment_ids)]
    assert sum(s[2] for s in segments) == len(model.data)
    settings = {r[0].value: r[1].value for r in book["Settings"].iter_rows(min_row=2)}
    assert json.loads(settings["all settings (JSON)"]) == json.loads(model.spec.to_json())


def test_the_settings_download_is_the_spec(model):
    panel = DownloadPanel(model)
    panel.spec_button.click()
    assert json.loads(payload(panel, "application/json")) == json.loads(model.spec.to_json())


def test_a_prepared_file_is_dropped_when_the_segments_change(model):
    panel = DownloadPanel(model)
    panel.excel_button.click()
    assert panel.link.value
    model.k = 4
    assert panel.link.value == ""


def test_a_name_given_by_a_person_reaches_the_workbook(model):
    model.rename(model.segment_ids[0], "=Big spenders")
    panel = DownloadPanel(model)
    panel.excel_button.click()
    book = openpyxl.load_workbook(io.BytesIO(payload(
        panel, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))
    names = [r[6] for r in book["Rows"].iter_rows(min_row=2)]
    named = [c for c, label in zip(names, model.labels) if label == model.segment_ids[0]]
    assert named and all(c.value == "=Big spenders" and c.data_type == "s" for c in named)
    assert np.all([c.quotePrefix for c in named])


def test_a_file_is_prepared_off_the_interaction_path_and_dropped_when_the_segments_change(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(CRM, encoding="utf-8")
    model = Segmentation(str(path), k=3, features=["spend", "visits"])  # background
    try:
        panel = DownloadPanel(model)
        panel.excel_button.click()  # returns at once: the workbook is built in the "download" lane
        panel.wait(60)
        assert "download='segments.xlsx'" in panel.link.value
        model.k = 4
        model.wait(60)
        assert panel.link.value == ""  # the file held k = 3
    finally:
        model.close()


def test_a_small_file_says_its_real_size_not_zero_kb(model):
    panel = DownloadPanel(model)
    panel.spec_button.click()
    size = len(payload(panel, "application/json"))
    assert size < 1024 and f"({size} bytes)" in panel.link.value and "0 KB" not in panel.link.value


def test_on_show_every_file_is_prepared_ahead_with_its_size():
    import re

    from segwidgets import Segmentation
    from segwidgets.widgets import DownloadPanel

    model = Segmentation("facebook_live", k=4, background=False)
    panel = DownloadPanel(model)
    assert panel.ready.value == ""  # hidden: nothing built
    panel.set_active(True)
    panel.wait(60)
    for cls in ("labels", "excel", "spec", "report"):
        assert f"sw-{cls}-link" in panel.ready.value
    sizes = re.findall(r"\((\d[\d,.]*) (bytes|KB|MB)\)", panel.ready.value)
    assert len(sizes) == 4 and all(float(n.replace(",", "")) > 0 for n, _ in sizes)
    assert panel.buttons.layout.display == "none"
    first = panel.ready.value
    model.k = 5  # a refit: the files follow
    panel.wait(60)
    assert panel.ready.value != first and "sw-labels-link" in panel.ready.value
    panel.set_active(False)
    model.k = 3  # hidden: nothing built, and no file of the old segments offered
    assert panel.ready.value == "" and panel.buttons.layout.display == ""


def test_a_large_table_keeps_the_buttons(monkeypatch):
    from segwidgets import Segmentation
    from segwidgets.widgets import download_panel

    monkeypatch.setattr(download_panel, "EAGER_ROWS", 100)  # the limit, not the table, is made small
    model = Segmentation("facebook_live", k=4, background=False)
    panel = download_panel.DownloadPanel(model)
    panel.set_active(True)
    assert "prepared when you ask" in panel.ready.value and panel.buttons.layout.display == ""
