"""core/export: the labelled rows give back every input cell as it was read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from segwidgets.core import export
from segwidgets.core.export import (
    is_formula_like,
    labelled_rows,
    neutralise,
    segment_columns,
    to_csv_bytes,
    to_parquet_bytes,
    to_xlsx_bytes,
)
from segwidgets.core.roles import ColumnInfo, Role
from segwidgets.errors import SegwidgetsValueError

IDS = ["-1.0979E+18", "2347567364561868123", "-9223372036854775808", "00501", "7"]


@pytest.fixture()
def original() -> pd.DataFrame:
    """Cells as a CSV gives them: text, "" for an empty cell."""
    return pd.DataFrame({
        "user_id": pd.Series(IDS, dtype=object),
        "zip": pd.Series(["00501", "02134", "", "NA", "99950"], dtype=object),
        "note": pd.Series(['=HYPERLINK("http://x","y")', "+44 20 7946 0958", "@handle", "-", "fine"],
                          dtype=object),
        "spend": pd.Series(["12", "1.50", "NA", "-0.5", ""], dtype=object),
    })


def workbook_rows(payload: bytes, sheet: str = export.ROWS_SHEET) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(payload))
    return [tuple(c.value for c in row) for row in book[sheet].iter_rows()]


# ---------------------------------------------------------------- segment columns


def test_segment_columns_never_take_an_input_columns_name():
    assert segment_columns(["a", "b"]) == ("segment", "segment_name")
    assert segment_columns(["a", "segment"]) == ("segwidgets_segment", "segwidgets_segment_name")
    assert segment_columns(["Segment_Name "]) == ("segwidgets_segment", "segwidgets_segment_name")
    taken = ["segment", "segwidgets_segment"]
    assert segment_columns(taken) == ("segwidgets_segment_2", "segwidgets_segment_name_2")
    taken += ["segwidgets_segment_name_2", "segwidgets_segment_3"]
    assert segment_columns(taken) == ("segwidgets_segment_4", "segwidgets_segment_name_4")


def test_labelled_rows_keep_every_input_cell_and_add_the_two_columns(original):
    rows = labelled_rows(original, np.array([0, 2, -1, 2, 0]), {0: "Loyal", 2: "New"})
    assert list(rows.columns) == [*original.columns, "segment", "segment_name"]
    pd.testing.assert_frame_equal(rows[original.columns], original)
    assert rows["segment"].tolist()[:2] == [0, 2] and rows["segment"].isna().tolist() == [False, False,
                                                                                           True, False, False]
    assert rows["segment_name"].tolist()[:2] == ["Loyal", "New"] and pd.isna(rows["segment_name"][2])
    assert rows.attrs["segment_columns"] == ("segment", "segment_name")
    original.loc[0, "user_id"] = "changed"  # a copy: the table read is never changed through it
    assert rows.loc[0, "user_id"] == "-1.0979E+18"


def test_labelled_rows_do_not_overwrite_an_existing_segment_column(original):
    original["segwidgets_segment"] = ["a", "b", "c", "d", "e"]
    original["segment"] = ["x"] * 5
    rows = labelled_rows(original, [1, 1, None, 0, 0], ["One", "One", "ignored", "Zero", "Zero"])
    assert rows["segwidgets_segment"].tolist() == ["a", "b", "c", "d", "e"]
    assert rows["segment"].tolist() == ["x"] * 5
    assert rows["segwidgets_segment_2"].tolist()[:2] == [1, 1]
    assert pd.isna(rows["segwidgets_segment_name_2"][2])  # no segment: no name either


def test_labelled_rows_refuse_ids_for_other_rows(original):
    with pytest.raises(SegwidgetsValueError, match="4 segment ids for 5 rows"):
        labelled_rows(original, [0, 1, 2, 3], {})


# ---------------------------------------------------------------- formulas


@pytest.mark.parametrize("text", ["=1+1", '=HYPERLINK("x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                                  "\tx", "\r=1", "+44 20 7946 0958"])
def test_formula_like_text_is_recognised(text):
    assert is_formula_like(text)


@pytest.mark.parametrize("text", ["-12", "-1.0979E+18", "+44", "-0.5", "-1,234.50", "-", "--", "plain",
                                  "a=b", "", "00501", 12, None])
def test_numbers_placeholders_and_other_text_are_not_formulas(text):
    assert not is_formula_like(text)


def test_neutralise_prefixes_formula_cells_and_names_only(original):
    original["=total"] = ["1", "2", "3", "4", "5"]
    original["count"] = [1, 2, 3, 4, 5]
    out = neutralise(original)
    assert out["note"].tolist() == ['\'=HYPERLINK("http://x","y")', "'+44 20 7946 0958", "'@handle", "-", "fine"]
    assert out["user_id"].tolist() == IDS  # signed and E-notation ids are numbers, not formulas
    assert out["spend"].tolist() == original["spend"].tolist()
    assert "'=total" in out.columns and "=total" not in out.columns
    assert out["count"].tolist() == [1, 2, 3, 4, 5]
    assert original["note"][0].startswith("=")  # the input is not changed


def test_neutralise_handles_string_categorical_and_mixed_columns():
    frame = pd.DataFrame({"s": pd.Series(["=a", "b", None], dtype="string"),
                          "c": pd.Categorical(["=x", "y", "=x"]),
                          "m": pd.Series([1, "=z", dt.date(2024, 1, 2)], dtype=object),
                          "d": pd.Series([dt.date(2024, 1, 2)] * 3, dtype=object)})
    out = neutralise(frame)
    assert out["s"].tolist()[:2] == ["'=a", "b"] and pd.isna(out["s"][2])
    assert list(out["c"]) == ["'=x", "y", "'=x"]
    assert out["m"].tolist() == [1, "'=z", dt.date(2024, 1, 2)]
    assert out["d"].tolist() == frame["d"].tolist()


def test_neutralise_and_writers_take_arrow_text_as_a_reader_gives_it(original):
    arrow = original.astype(pd.ArrowDtype(pa.string()))
    out = neutralise(arrow)
    assert out["note"].tolist()[:3] == ['\'=HYPERLINK("http://x","y")', "'+44 20 7946 0958", "'@handle"]
    assert out["note"].dtype == arrow["note"].dtype and out["user_id"].tolist() == IDS
    rows = labelled_rows(arrow, [0] * 5, {0: "A"})
    assert [r[0] for r in workbook_rows(to_xlsx_bytes(rows))[1:]] == IDS
    assert list(csv.reader(io.StringIO(to_csv_bytes(rows).decode())))[1][:2] == ["-1.0979E+18", "00501"]
    assert pd.read_parquet(io.BytesIO(to_parquet_bytes(rows)))["user_id"].tolist() == IDS


# ---------------------------------------------------------------- CSV


def test_csv_gives_every_text_cell_back_byte_for_byte(original):
    rows = labelled_rows(original, [0, 1, -1, 1, 0], {0: "A", 1: "B, with a comma"})
    text = to_csv_bytes(rows).decode("utf-8")
    read = list(csv.reader(io.StringIO(text)))
    assert read[0] == [*original.columns, "segment", "segment_name"]
    for i, line in enumerate(read[1:]):
        assert line[:4] == original.iloc[i].tolist()
    assert [line[4] for line in read[1:]] == ["0", "1", "", "1", "0"]  # ids, not 0.0; empty: no segment
    assert read[2][5] == "B, with a comma" and read[3][5] == ""


def test_csv_of_a_typed_frame_writes_its_values_without_float_ids():
    frame = pd.DataFrame({"id": np.array([2347567364561868123, -9223372036854775807], dtype="int64"),
                          "x": [0.1, np.nan]})
    text = to_csv_bytes(frame).decode()
    assert text == "id,x\n2347567364561868123,0.1\n-9223372036854775807,\n"


# ---------------------------------------------------------------- Excel


def test_xlsx_keeps_text_as_text_and_formulas_inert(original):
    rows = labelled_rows(original, [0, 1, -1, 1, 0], {0: "=Loyal", 1: "B"})
    payload = to_xlsx_bytes(rows, numeric=["spend"])
    book = openpyxl.load_workbook(io.BytesIO(payload))
    sheet = book[export.ROWS_SHEET]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [v[0] for v in values] == IDS  # text: no digit lost, no float
    assert [v[1] for v in values] == ["00501", "02134", None, "NA", "99950"]
    assert values[0][2] == '=HYPERLINK("http://x","y")'  # exactly as read ...
    cells = list(sheet.iter_rows(min_row=2))
    assert all(c.data_type == "s" for row in cells for c in row[:3] if c.value is not None)  # ... never a formula
    assert cells[0][2].quotePrefix and cells[1][2].quotePrefix and not cells[4][2].quotePrefix
    assert [v[3] for v in values] == [12, 1.5, "NA", -0.5, None]  # numeric column: exact numbers become numbers
    assert cells[1][3].number_format == "0.00"  # "1.50" still shows as 1.50
    assert [v[4] for v in values] == [0, 1, None, 1, 0]
    assert values[0][5] == "=Loyal" and cells[0][5].data_type == "s" and cells[0][5].quotePrefix
    assert [c.value for c in sheet[1]] == [*original.columns, "segment", "segment_name"]


def test_xlsx_without_numeric_columns_keeps_number_text_as_text(original):
    rows = workbook_rows(to_xlsx_bytes(original))
    assert [r[3] for r in rows[1:]] == ["12", "1.50", "NA", "-0.5", None]


def test_xlsx_writes_typed_values_and_keeps_long_integers_whole():
    frame = pd.DataFrame({
        "id": np.array([2347567364561868123, 5], dtype="int64"),
        "nullable": pd.array([None, 3], dtype="Int64"),
        "x": [np.inf, np.nan],
        "when": pd.to_datetime(["2024-03-04", None]),
        "aware": pd.to_datetime(["2024-03-04 10:00", "2024-03-05 11:00"]).tz_localize("Europe/Paris"),
        "flag": [True, False],
        "nul": ["a\x00b", "\x07"],
        7: ["int name", "x"],
    })
    rows = workbook_rows(to_xlsx_bytes(frame))
    assert rows[0] == ("id", "nullable", "x", "when", "aware", "flag", "nul", "7")
    assert rows[1][:4] == ("2347567364561868123", None, "inf", dt.datetime(2024, 3, 4))
    assert rows[2][:4] == (5, 3, None, None)
    assert rows[1][4] == "2024-03-04T10:00:00+01:00"
    assert rows[1][5] is True and rows[2][5] is False
    assert rows[1][6] == "ab" and rows[2][6] is None  # a workbook cannot hold control characters


def test_xlsx_extra_sheets_come_after_the_rows(original):
    rows = labelled_rows(original, [0, 1, -1, 1, 1], {0: "A", 1: "B"})
    spec = json.dumps({"k": 3, "features": ["a", "=b"], "names": {"0": "A"}})
    payload = export.export_bytes(rows, ".xlsx", spec_json=spec)
    book = openpyxl.load_workbook(io.BytesIO(payload))
    assert book.sheetnames == ["Rows", "Segments", "Settings"]
    segments = [tuple(c.value for c in r) for r in book["Segments"].iter_rows()]
    assert segments == [("segment", "name", "size", "share of rows"), (0, "A", 1, 0.2), (1, "B", 3, 0.6),
                        (None, "(no segment)", 1, 0.2)]
    settings = {r[0].value: r[1].value for r in book["Settings"].iter_rows(min_row=2)}
    assert settings["k"] == "3" and settings["features"] == '["a", "=b"]'
    assert json.loads(settings["all settings (JSON)"]) == json.loads(spec)


def test_sheet_titles_are_made_acceptable_to_excel(original):
    payload = to_xlsx_bytes(original, sheets={"a/b:c*?" + "x" * 40: original, "Rows": original})
    names = openpyxl.load_workbook(io.BytesIO(payload)).sheetnames
    assert names[0] == "Rows" and len(names[1]) <= 31 and "/" not in names[1] and names[2] == "Rows (2)"


# ---------------------------------------------------------------- Parquet


def test_parquet_round_trips_text_ids_and_mixed_columns(original):
    rows = labelled_rows(original, [0, 1, -1, 1, 0], {0: "A", 1: "B"})
    rows["mixed"] = pd.Series([1, "two", 3.5, None, True], dtype=object)
    back = pd.read_parquet(io.BytesIO(to_parquet_bytes(rows)))
    assert back["user_id"].tolist() == IDS and back["zip"].tolist() == original["zip"].tolist()
    assert back["segment"].tolist()[:2] == [0, 1] and pd.isna(back["segment"][2])
    assert back["mixed"].tolist()[:3] == ["1", "two", "3.5"] and pd.isna(back["mixed"][3])


# ---------------------------------------------------------------- choosing the file


def test_export_bytes_neutralises_csv_and_refuses_other_types(original):
    rows = labelled_rows(original, [0] * 5, {0: "A"})
    text = export.export_bytes(rows, ".CSV").decode()
    assert "'=HYPERLINK" in text and "-1.0979E+18" in text
    with pytest.raises(SegwidgetsValueError, match=r"\.csv, \.xlsx, \.parquet"):
        export.export_bytes(rows, ".xls")


def test_numeric_columns_are_the_columns_read_as_numbers():
    info = {"a": ColumnInfo("a", Role.NUMERIC, "", 0, 3), "b": ColumnInfo("b", Role.IDENTIFIER, "", 0, 3)}
    assert export.numeric_columns(info) == ["a"] and export.numeric_columns(None) == []
