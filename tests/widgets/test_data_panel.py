"""DataPanel: a person loads a file, sees what reading assumed, and reads it again another way."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from segwidgets.session import Segmentation
from segwidgets.widgets import DataPanel


def upload(panel: DataPanel, name: str, content: bytes) -> None:
    panel.upload.value = ({"name": name, "type": "", "size": len(content), "content": memoryview(content),
                           "last_modified": datetime.datetime.now(datetime.timezone.utc)},)
    panel.wait(60)


@pytest.fixture()
def model(blobs_frame, make_model) -> Segmentation:
    return make_model(blobs_frame, k=3)


def workbook() -> bytes:
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = "Read me"
    readme["A1"] = "This workbook lists our customers."
    readme["A2"] = "Customers are on the next sheet; the last sheet holds the lookups."
    customers = book.create_sheet("Customers")
    customers.append(["spend", "visits"])
    for i in range(30):
        customers.append([10 + i * 3 % 17, i % 7])
    lookups = book.create_sheet("Lookups")
    lookups.append(["region", "label"])
    for i in range(3):
        lookups.append([i, f"Region {i}"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_of_several_sheets_offers_them_and_reads_the_one_chosen(model):
    panel = DataPanel(model)
    assert panel.reading.layout.display == "none"  # nothing read from a file yet
    upload(panel, "customers.xlsx", workbook())
    assert model.table.sheet == "Customers" and list(model.data.columns) == ["spend", "visits"]
    assert panel.sheet.options == ("Read me", "Customers", "Lookups") and panel.sheet.value == "Customers"
    assert panel.sheet.layout.display == "" and panel.reading.layout.display == ""
    assert "Customers" in panel.notes.value
    panel.sheet.value = "Lookups"
    panel.wait(60)
    assert model.table.sheet == "Lookups" and "region" in model.data.columns


def test_numbers_can_be_read_again_with_a_decimal_comma(model):
    panel = DataPanel(model)
    text = "visits,spend\n" + "".join(f"{i % 9},{(i * 7) % 13}.{i % 10}00\n" for i in range(40))
    upload(panel, "sales.csv", text.encode("utf-8"))
    assert model.data["spend"].max() < 20 and panel.decimal.value == "dot"
    panel.decimal.value = "comma"
    panel.wait(60)
    assert model.data["spend"].max() > 1000  # "12.300" is twelve thousand three hundred
    assert model.spec.reading == {"decimal": ",", "thousands": "."}
    assert panel.decimal.value == "comma"


def test_dates_can_be_read_day_first(model):
    panel = DataPanel(model)
    text = "visits,spend,day\n" + "".join(f"{i % 9},{i * 3 % 17},0{1 + i % 9}/0{1 + i % 5}/2024\n"
                                         for i in range(40))
    upload(panel, "visits.csv", text.encode("utf-8"))
    first = model.data["day"].iloc[5]  # "06/01/2024"
    panel.dates.value = "day"
    panel.wait(60)
    again = model.data["day"].iloc[5]
    assert (first.month, first.day) == (again.day, again.month) and first != again
    assert model.spec.reading["dayfirst"] is True


def test_a_reading_the_file_cannot_take_is_refused_and_the_table_stays(model):
    panel = DataPanel(model)
    upload(panel, "customers.xlsx", workbook())
    table = model.table
    with panel.updating():  # a menu left from another workbook: its sheet is not in this one
        panel.sheet.options = ["Read me", "Customers", "Lookups", "Nope"]
    panel.sheet.value = "Nope"
    panel.wait(60)
    assert model.table is table and model.state == "error"
    assert "Nope" in model.status and "Customers" in model.status
    assert panel.sheet.options == ("Read me", "Customers", "Lookups") and panel.sheet.value == "Customers"
