"""Reading faithfully: an analyst brings a CRM export, a European spreadsheet, a workbook
with a read-me sheet, and gets back every cell as it was written, numbers read one way per
file and per column, and a note wherever the tool had to assume something."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest

from segwidgets.core.io import LoadedTable, ReadOptions, read_table
from segwidgets.core.roles import Role
from segwidgets.errors import SegwidgetsDataError, SegwidgetsValueError


def said(table: LoadedTable) -> str:
    return " ".join(table.notes)


def csv(text: str) -> bytes:
    return text.encode()


# --- every cell as read -------------------------------------------------------------

def crm_export(n: int = 60) -> bytes:
    """Signed 19-digit hashes (two in E-notation), zip codes, coded regions, "NA" text."""
    rng = np.random.default_rng(1)
    hashes = [str(v) for v in rng.integers(-2 ** 62, 2 ** 62, n)]
    hashes[3], hashes[7] = "-1.0979E+18", "1.2345E+18"
    lines = ["user_hash,zip,region,spend,note"]
    for i in range(n):
        lines.append(f"{hashes[i]},{i * 37 % 90000 + 501:05d},{i % 3},{rng.gamma(2, 20):.2f},"
                     f"{'NA' if i % 5 == 0 else ''}")
    return ("\n".join(lines) + "\n").encode()


def test_a_csvs_original_is_every_cell_as_text_exactly():
    data = crm_export()
    table = read_table(data, filename="crm.csv")
    original = table.original
    assert list(original.columns) == list(table.frame.columns) and len(original) == len(table.frame)
    assert all(dtype == pd.ArrowDtype(pa.string()) for dtype in original.dtypes)
    assert original["user_hash"][3] == "-1.0979E+18"
    assert original["zip"][0] == "00501"
    assert original["note"][0] == "NA" and original["note"][1] == ""
    # written out again, the cells give the file back byte for byte
    assert original.to_csv(index=False).encode() == data
    # the converted frame: "NA" is missing there, the zip codes keep their zeros
    assert table.frame["note"].isna().all() and table.roles["note"] == Role.EMPTY
    assert table.frame["zip"][0] == "00501"
    assert table.roles["user_hash"] == Role.IDENTIFIER and table.roles["zip"] == Role.IDENTIFIER


def test_the_original_has_the_rows_of_the_frame_when_rows_are_skipped():
    table = read_table(csv("spend,visits\n12,2\n15,5,99\n9,1\n"))
    assert table.original.to_dict("list") == {"spend": ["12", "9"], "visits": ["2", "1"]}
    assert table.frame["spend"].tolist() == [12, 9]


def test_a_dataframes_original_is_a_copy_of_it_unchanged():
    frame = pd.DataFrame({"spend": ["$1", "$2", "$3"], "ratio": [1.0, np.inf, 3.0], "code": ["007", "1", "2"]})
    table = read_table(frame)
    pd.testing.assert_frame_equal(table.original, frame)
    assert table.original is not frame
    assert table.frame["spend"].tolist() == [1, 2, 3] and table.frame["ratio"].isna().sum() == 1
    table.original.loc[0, "spend"] = "changed"
    assert frame.loc[0, "spend"] == "$1"


def test_a_parquet_files_original_is_its_values(tmp_path):
    frame = pd.DataFrame({"spend": [1.5, 2.5, 3.5], "plan": ["a", "b", "a"]})
    frame.to_parquet(tmp_path / "t.parquet")
    table = read_table(tmp_path / "t.parquet")
    pd.testing.assert_frame_equal(table.original, frame)


def test_a_workbooks_original_is_the_cells_as_openpyxl_gives_them():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["zip", "spend", "joined"])
    sheet.append(["00501", 12, pd.Timestamp("2024-01-02").to_pydatetime()])
    sheet.append(["10001", 2.5, None])
    table = read_table(workbook_bytes(book), filename="t.xlsx")
    assert table.original["zip"].tolist() == ["00501", "10001"]
    assert table.original["spend"].tolist() == [12, 2.5] and isinstance(table.original["spend"][0], int)
    assert table.original["joined"][1] is None
    assert table.frame["zip"].tolist() == ["00501", "10001"]


# --- the decimal mark and the thousands separator, once for the file ------------------

def german(value: float, decimals: int = 0) -> str:
    """A number as German Excel writes it: 1.234,50."""
    return f"{value:,.{decimals}f}".replace(",", "X").replace(".", ",").replace("X", ".")


def european_file() -> bytes:
    rows = "\n".join(f"K{i};{german((i * 1111) % 9000 + 1000)};{german(i % 7 + 0.5, 1)}" for i in range(20))
    return ("kunde;umsatz;anteil\n" + rows + "\nK99;1.234,50;3,5\n").encode()


def test_a_european_file_reads_thousands_dots_and_decimal_commas_and_says_so():
    table = read_table(european_file(), filename="umsatz.csv")
    assert table.frame["umsatz"].tolist()[:3] == [1000, 2111, 3222]  # "1.000" is a thousand, not 1.0
    assert table.frame["umsatz"].iloc[-1] == 1234.5
    assert table.frame["anteil"].tolist()[:2] == [0.5, 1.5]
    assert ("Numbers were read with ',' as the decimal mark and '.' between thousands "
            "(for example '1.234,50' as 1234.5).") in table.notes
    assert table.options.decimal == "," and table.options.thousands == "."


def test_in_a_semicolon_file_a_lone_1_234_is_a_thousand_two_hundred_and_thirty_four():
    table = read_table(csv("name;amount\na;1.234\nb;12.500\nc;900\n"))
    assert table.frame["amount"].tolist() == [1234, 12500, 900]
    assert "for example '1.234' as 1234" in said(table)


def test_the_decimal_mark_can_be_set():
    table = read_table(csv("name;amount\na;1.234\nb;12.500\nc;900\n"), options=ReadOptions(decimal="."))
    assert table.frame["amount"].tolist() == [1.234, 12.5, 900]
    assert table.options.decimal == "." and "decimal mark" not in said(table)
    european = read_table(csv("a,b\n\"1,5\",1\n\"2,25\",2\n"), options=ReadOptions(decimal=",", thousands="."))
    assert european.frame["a"].tolist() == [1.5, 2.25]


def test_thousands_commas_that_could_be_decimals_are_read_as_thousands_with_a_note():
    table = read_table(csv('spend,visits\n"1,234",2\n"12,500",5\n"900",1\n'))
    assert table.frame["spend"].tolist() == [1234, 12500, 900]
    assert ("Numbers were read with '.' as the decimal mark and ',' between thousands "
            "(for example '1,234' as 1234).") in table.notes


def test_columns_that_are_not_numbers_do_not_decide_the_decimal_mark():
    # "192.168.100.200" looks like thousands dots; the addresses are no numbers and do not vote
    table = read_table(csv("ip,gateway,spend\n192.168.100.200,10.100.100.100,12.5\n10.0.0.1,10.0.0.9,3.5\n"
                           "172.160.100.100,172.160.200.100,4\n10.1.2.3,10.1.2.1,5\n"))
    assert table.frame["spend"].tolist() == [12.5, 3.5, 4.0, 5.0] and table.options.decimal == "."
    assert table.frame["ip"].tolist()[0] == "192.168.100.200"


def test_plain_decimals_need_no_note():
    table = read_table(csv("spend,visits\n12.5,2\n3.25,5\n"))
    assert table.frame["spend"].tolist() == [12.5, 3.25]
    assert not table.notes


# --- percentages, one reading per column -----------------------------------------------

def test_percentages_beside_fractions_are_read_as_fractions():
    table = read_table(csv("share,visits\n45%,1\n0.45,2\n0.3,3\n12%,4\n"))
    assert table.frame["share"].tolist() == [0.45, 0.45, 0.3, 0.12]
    assert ("share mixes percentages and fractions; the percentages were read as fractions "
            "(for example '45%' as 0.45, like '0.45').") in table.notes


def test_percentages_beside_percent_numbers_keep_their_number():
    table = read_table(csv("share,visits\n45%,1\n30,2\n12%,4\n"))
    assert table.frame["share"].tolist() == [45, 30, 12]
    assert "all were read as percent numbers (for example '45%' as 45, like '30')" in said(table)


def test_a_column_all_in_percent_is_read_as_percent_numbers_and_says_so():
    table = read_table(csv("share,visits\n45%,1\n30%,2\n12.5%,4\n"))
    assert table.frame["share"].tolist() == [45, 30, 12.5]
    assert "Percentages in share were read as percent numbers (for example '45%' as 45)." in table.notes


# --- dates, one order per column ------------------------------------------------------

def test_a_date_column_is_read_day_first_when_one_date_says_so():
    table = read_table(csv("signup,visits\n03/04/2024,1\n13/04/2024,2\n01/05/2024,3\n"))
    assert table.frame["signup"].tolist() == [pd.Timestamp("2024-04-03"), pd.Timestamp("2024-04-13"),
                                              pd.Timestamp("2024-05-01")]
    assert "Dates in" not in said(table)  # nothing was assumed
    assert "13/04/2024 can only be 13 April 2024" in table.columns["signup"].reason


def test_when_no_date_tells_the_order_is_assumed_with_an_example():
    table = read_table(csv("signup,visits\n03/04/2024,1\n11/04/2024,2\n"))
    assert table.frame["signup"][0] == pd.Timestamp("2024-03-04")
    assert ("Dates in signup were read month first (for example '03/04/2024' as 4 March 2024); "
            "nothing in the column tells which comes first.") in table.notes
    assert table.options.dayfirst is False
    # a ';' file of decimal commas is from a European spreadsheet: day first there
    european = read_table(csv("signup;amount\n03/04/2024;1,5\n11/04/2024;2\n"))
    assert european.frame["signup"][0] == pd.Timestamp("2024-04-03")
    assert "read day first (for example '03/04/2024' as 3 April 2024)" in said(european)


def test_the_date_order_can_be_set():
    table = read_table(csv("signup,visits\n03/04/2024,1\n11/04/2024,2\n"), options=ReadOptions(dayfirst=True))
    assert table.frame["signup"].tolist() == [pd.Timestamp("2024-04-03"), pd.Timestamp("2024-04-11")]
    assert "Dates in" not in said(table) and table.options.dayfirst is True


# --- a few cells that are not numbers ---------------------------------------------------

def spend_with(words: list[str]) -> bytes:
    rows = "\n".join(f"{i % 9},{(i * 3.5) % 17:.1f}" for i in range(40))
    extra = "\n".join(f"{i},{w}" for i, w in enumerate(words))
    return ("visits,spend\n" + rows + "\n" + extra + "\n").encode()


def test_a_number_column_with_a_few_unknown_cells_stays_numbers_with_a_note():
    table = read_table(spend_with(["unknown", "unknown"]))
    assert table.roles["spend"] == Role.NUMERIC and "spend" in table.default_features()
    assert table.frame["spend"].isna().sum() == 2
    assert "2 cells in spend that are not numbers ('unknown') were treated as missing." in table.notes
    one = read_table(spend_with(["n.a."]))
    assert "1 cell in spend that is not a number ('n.a.') was treated as missing." in one.notes
    assert one.original["spend"].iloc[-1] == "n.a."


def test_a_text_column_with_some_numbers_stays_text():
    many = read_table(spend_with(["a", "b", "c", "d"]))  # more spellings than stand-ins would have
    assert many.roles["spend"] != Role.NUMERIC
    rows = "\n".join(f"{i},{'x' if i % 3 else i}" for i in range(40))
    mostly_text = read_table(f"visits,label\n{rows}\n".encode())
    assert mostly_text.roles["label"] == Role.CATEGORICAL


# --- damage in the bytes ------------------------------------------------------------

def test_a_nul_byte_in_a_cell_is_removed_with_a_note_and_the_column_stays():
    table = read_table(b"name,spend\nAnn,1\nB\x00ob,2\nCy,3\x00\n")
    assert table.frame["name"].tolist() == ["Ann", "Bob", "Cy"]
    assert table.frame["spend"].tolist() == [1, 2, 3] and table.roles["spend"] == Role.NUMERIC
    assert "The file held 2 NUL bytes (from a broken export); they were removed." in table.notes
    other = read_table(b"name,spend\nAnn,1\x07\nBob,2\n")
    assert "1 control character" in said(other) and other.frame["spend"].tolist() == [1, 2]


def test_a_truly_binary_file_is_still_refused():
    with pytest.raises(SegwidgetsDataError, match="not a table we can read"):
        read_table(bytes(range(256)) * 20, filename="x.csv")


def test_a_title_above_a_csv_header_is_skipped_with_a_note():
    table = read_table(csv("Customer export\nExported 2024-05-01\n\nname,spend,visits\nAnn,1,2\nBob,2,3\n"))
    assert list(table.frame.columns) == ["name", "spend", "visits"] and len(table.frame) == 2
    assert ("Rows 1 to 3 ('Customer export', 'Exported 2024-05-01') are a title above the table and "
            "were skipped; row 4 is the header.") in table.notes
    assert table.options.header_row == 4
    # a header with one name is no title: the rows under it are numbers, not names
    assert list(read_table(csv("spend,\n1,2\n3,4\n")).frame.columns) == ["spend", "column 2"]


def test_the_header_row_of_a_csv_can_be_set():
    table = read_table(csv("junk,junk\nname,spend\nAnn,1\n"), options=ReadOptions(header_row=2))
    assert list(table.frame.columns) == ["name", "spend"]
    assert "Row 2 was used as the header, as chosen; the 1 row above it was skipped." in table.notes
    with pytest.raises(SegwidgetsDataError, match="only 3 rows; row 9 can't be the header"):
        read_table(csv("junk,junk\nname,spend\nAnn,1\n"), options=ReadOptions(header_row=9))


# --- workbooks ------------------------------------------------------------------------

def workbook_bytes(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def crm_workbook() -> bytes:
    """A read-me sheet, a customer sheet under a merged title, a sheet of lists; a formula column."""
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = "Read me"
    readme["A1"] = "This workbook holds the customers of the spring campaign."
    readme["A3"] = "See the Customers sheet for one row per customer."
    customers = book.create_sheet("Customers")
    customers["A1"] = "Customer export"
    customers.merge_cells("A1:E1")
    customers["A2"] = "Exported 2024-05-01"
    customers.append([])
    customers.append(["customer_id", "spend", "visits", "plan", "total"])
    for i in range(30):
        row = customers.max_row + 1
        customers.append([f"C{i:03d}", i * 1.5 + 1, i % 7, "ab"[i % 2], f"=B{row}*C{row}"])
    lists = book.create_sheet("Lists")
    lists.append(["plan", "meaning"])
    lists.append(["a", "basic"])
    return workbook_bytes(book)


def test_a_workbook_whose_first_sheet_is_a_read_me_reads_the_customer_sheet_and_says_so():
    table = read_table(crm_workbook(), filename="crm.xlsx")
    assert table.sheets == ["Read me", "Customers", "Lists"] and table.sheet == "Customers"
    assert ("The workbook has 3 sheets (Read me, Customers, Lists); 'Customers' was read, "
            "the first that holds a table.") in table.notes
    assert list(table.frame.columns) == ["customer_id", "spend", "visits", "plan", "total"]
    assert len(table.frame) == 30 and table.frame["spend"].iloc[2] == 4.0
    assert ("Rows 1 to 3 of 'Customers' ('Customer export', 'Exported 2024-05-01') are a title above the "
            "table and were skipped; row 4 is the header.") in table.notes
    assert table.options.sheet == "Customers" and table.options.header_row == 4


def test_formulas_without_saved_results_are_explained_not_called_empty():
    table = read_table(crm_workbook(), filename="crm.xlsx")
    assert table.roles["total"] == Role.EMPTY
    assert ("Column total holds formulas whose results were never saved (for example '=B5*C5'); "
            "open the file in Excel and save it, or export it as CSV.") in table.notes
    assert "empty column" not in said(table)


def test_the_sheet_can_be_chosen_and_an_unknown_one_is_refused_naming_the_sheets():
    table = read_table(crm_workbook(), filename="crm.xlsx", options=ReadOptions(sheet="Lists"))
    assert table.sheet == "Lists" and list(table.frame.columns) == ["plan", "meaning"]
    assert "'Lists' was read, as chosen." in said(table)
    with pytest.raises(SegwidgetsDataError) as info:
        read_table(crm_workbook(), filename="crm.xlsx", options=ReadOptions(sheet="Orders"))
    assert str(info.value) == "The workbook has no sheet called 'Orders'; its sheets are Read me, Customers, Lists."


def test_the_header_row_of_a_sheet_can_be_set():
    table = read_table(crm_workbook(), filename="crm.xlsx", options=ReadOptions(sheet="Customers", header_row=2))
    assert table.frame.columns[0] == "Exported 2024-05-01"
    assert "Row 2 of 'Customers' was used as the header, as chosen" in said(table)


def test_a_workbook_of_one_sheet_needs_no_sheet_note():
    book = openpyxl.Workbook()
    book.active.append(["spend", "visits"])
    book.active.append([1, 2])
    table = read_table(workbook_bytes(book), filename="t.xlsx")
    assert table.sheets == ["Sheet"] and table.sheet == "Sheet" and not table.notes


def test_csv_and_dataframe_tables_have_no_sheets():
    for table in (read_table(csv("a,b\n1,2\n")), read_table(pd.DataFrame({"a": [1, 2]}))):
        assert table.sheets == [] and table.sheet is None


# --- roles, redundancy, and a person's corrections -------------------------------------

def coded_file() -> bytes:
    rng = np.random.default_rng(0)
    lines = ["customer_id,region,tenure_days,tenure_months,spend,country"]
    for i in range(80):
        days = int(rng.integers(30, 900))
        lines.append(f"C{i},{i % 3},{days},{days / 30:.6f},{rng.gamma(2, 20):.2f},FR")
    return ("\n".join(lines) + "\n").encode()


def test_redundant_columns_are_left_out_of_the_defaults_with_a_note():
    table = read_table(coded_file())
    assert list(table.redundant) == ["tenure_months"] and table.redundant["tenure_months"].kept == "tenure_days"
    assert table.default_features() == ["tenure_days", "spend"]
    assert "tenure_months" in table.feature_candidates()  # it can be ticked back
    assert ("Left out of the default features because another column measures the same: tenure_months, "
            "the same measure as tenure_days in other units (r = 1.00).") in table.notes


def test_ignored_and_identifier_columns_are_no_feature_candidates():
    table = read_table(coded_file())
    assert table.roles["country"] == Role.IGNORED and table.roles["customer_id"] == Role.IDENTIFIER
    assert "country" not in table.feature_candidates() and "customer_id" not in table.feature_candidates()
    assert "1 column with the same value on every row ignored: country." in table.notes
    assert "Identifier column not used as features: customer_id." in table.notes


def test_with_roles_converts_columns_again_from_the_cells_as_read():
    table = read_table(coded_file())
    assert table.roles["region"] == Role.CATEGORICAL
    changed = table.with_roles({"region": "numeric", "customer_id": "categorical"})
    assert changed.roles["region"] == Role.NUMERIC and changed.frame["region"].tolist()[:3] == [0, 1, 2]
    assert changed.columns["region"].set_by_person and changed.columns["region"].reason == "set by you"
    assert "region" in changed.default_features()
    assert "Roles set by you: customer_id (categorical), region (numeric)." in changed.notes  # table order
    assert "Identifier column not used as features" not in said(changed)
    assert table.roles["region"] == Role.CATEGORICAL  # the table itself is not changed
    back = changed.with_roles({"region": "auto", "customer_id": "auto"})
    assert back.roles == table.roles and back.notes == table.notes
    pd.testing.assert_frame_equal(back.frame, table.frame)
    assert back.original is table.original


def test_with_roles_refuses_an_unknown_column_or_a_role_the_values_cannot_take():
    table = read_table(coded_file())
    with pytest.raises(SegwidgetsValueError, match="There is no column called 'nope' in this table."):
        table.with_roles({"nope": "numeric"})
    with pytest.raises(SegwidgetsValueError, match="customer_id can't be used as numbers: 'C0'"):
        table.with_roles({"customer_id": "numeric"})


def test_with_roles_keeps_codes_as_written():
    table = read_table(crm_export())
    codes = table.with_roles({"zip": "categorical"})
    assert codes.frame["zip"].tolist()[:2] == ["00501", "00538"]
    assert codes.roles["zip"] == Role.CATEGORICAL


# --- options ------------------------------------------------------------------------

def test_options_say_what_was_used():
    table = read_table(european_file())
    assert table.options == ReadOptions(decimal=",", thousands=".", dayfirst=None, sheet=None, header_row=1)
    asked = read_table(csv("a,b\n1,2\n"), options=ReadOptions(dayfirst=True))
    assert asked.options.dayfirst is True and asked.options.decimal == "."


@pytest.mark.parametrize("options,words", [
    ({"decimal": ";"}, "The decimal mark can be '.' or ','"),
    ({"thousands": "_"}, "The thousands separator can be"),
    ({"decimal": ",", "thousands": ","}, "can't both be ','"),
    ({"header_row": 0}, "The header row is counted from 1"),
    ({"sheet": 3}, "The sheet is given by its name."),
])
def test_options_that_cannot_be_used_are_refused_in_words(options, words):
    with pytest.raises(SegwidgetsValueError, match=words):
        ReadOptions(**options)


def test_whole_numbers_that_may_be_codes_stay_numbers_with_a_note_that_says_how_to_change_it():
    rows = "\n".join(f"{i % 5 + 1},{i * 1.7 % 13:.1f}" for i in range(40))
    table = read_table(f"q7,spend\n{rows}\n".encode())
    assert table.roles["q7"] == Role.NUMERIC and table.columns["q7"].suggested == Role.CATEGORICAL
    assert ("Kept as numbers, though they may be categories: q7 (holds only the whole numbers 1 to 5: they "
            "could be counts, or codes for categories). Set a column's role to categorical to use it so."
            ) in table.notes
    assert "may be categories" not in said(table.with_roles({"q7": "categorical"}))


def test_a_small_parquet_file_that_would_expand_past_the_cell_budget_is_refused_before_it_is_read(monkeypatch):
    import io as _io

    import segwidgets.core.io as reading

    buffer = _io.BytesIO()
    pd.DataFrame({"a": np.zeros(200_000), "b": np.ones(200_000)}).to_parquet(buffer)  # a few KB
    monkeypatch.setattr(reading, "MAX_CELLS", 100_000)
    called = []
    monkeypatch.setattr(reading.pd, "read_parquet", lambda *a, **k: called.append(1))
    with pytest.raises(SegwidgetsDataError, match="200,000 rows of 2 columns, more than the 100,000 cells"):
        read_table(buffer.getvalue(), filename="bomb.parquet")
    assert not called  # refused from the footer, before any row was read


def test_a_csv_wider_than_the_column_budget_is_refused_before_its_rows_are_parsed():
    from segwidgets.core.io import MAX_COLUMNS

    header = ",".join(f"c{i}" for i in range(MAX_COLUMNS + 1))
    text = header + "\n" + ",".join("1" for _ in range(MAX_COLUMNS + 1)) + "\n"
    with pytest.raises(SegwidgetsDataError, match=f"{MAX_COLUMNS + 1:,} columns; at most {MAX_COLUMNS:,}"):
        read_table(text.encode(), filename="wide.csv")
    frame = pd.DataFrame(np.zeros((2, MAX_COLUMNS + 1)))
    with pytest.raises(SegwidgetsDataError, match="columns; at most"):
        read_table(frame)


def _workbook(rows: int, far_cell: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["spend", "visits"])
    for i in range(rows):
        sheet.append([i * 1.5, i % 7])
    if far_cell:
        sheet[far_cell] = "far"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_that_unpacks_past_the_budget_is_refused_from_its_directory(monkeypatch):
    import zipfile

    import segwidgets.core.io as reading

    small = _workbook(10)
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(small)) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename.endswith("sheet1.xml"):  # 3 MB of blanks: a few KB compressed
                body = body.replace(b"</worksheet>", b"<!--" + b" " * 3_000_000 + b"--></worksheet>")
            out.writestr(info.filename, body)
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    opened = []
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: opened.append(1))
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(SegwidgetsDataError, match=r"unpacks to 2\.\d MB, more than the 2\.0 MB"):
        read_table(bomb.getvalue(), filename="bomb.xlsx")
    assert not opened  # refused before openpyxl unpacked anything


def test_a_sheet_that_spans_more_cells_than_the_budget_is_refused_while_its_rows_stream():
    from segwidgets.core.io import MAX_WORKBOOK_CELLS

    data = _workbook(700, far_cell="XFD1")  # rows 16,384 cells wide: 11.5 million cells, 14 KB on disk
    assert len(data) < 50_000 and 701 * 16_384 > MAX_WORKBOOK_CELLS
    with pytest.raises(SegwidgetsDataError) as info:
        read_table(data, filename="wide.xlsx")
    assert f"more than the {MAX_WORKBOOK_CELLS:,} cells a workbook may have (16,384 columns" in str(info.value)
    assert "Save it as CSV or Parquet" in str(info.value)
    assert list(read_table(_workbook(700), filename="fine.xlsx").frame.columns) == ["spend", "visits"]


def test_a_read_stops_between_columns_when_a_newer_request_cancels_it():
    from segwidgets.errors import SegwidgetsCancelled

    text = "a,b,c,d\n" + "\n".join(f"{i},{i * 2},{i % 3},{i / 7:.2f}" for i in range(500))
    asked = []

    def cancel():
        asked.append(1)
        return len(asked) > 2  # once the file is parsed and one column converted

    with pytest.raises(SegwidgetsCancelled):
        read_table(text.encode(), filename="t.csv", cancel=cancel)
    assert len(asked) == 3
    assert list(read_table(text.encode(), filename="t.csv", cancel=lambda: False).frame.columns) == list("abcd")


def test_a_wide_table_compares_only_its_first_columns_for_redundancy_and_says_so():
    from segwidgets.core.io import REDUNDANCY_COLUMNS

    rng = np.random.default_rng(0)
    base = rng.normal(size=40)
    frame = pd.DataFrame({f"m{i}": rng.normal(size=40) for i in range(REDUNDANCY_COLUMNS + 50)})
    frame["m0"], frame["m1"] = base, base * 2.0  # the same measure, among the first columns
    table = read_table(frame)
    assert "m1" in table.redundant
    assert (f"With {REDUNDANCY_COLUMNS + 50:,} numeric columns, only the first {REDUNDANCY_COLUMNS} were "
            "compared to find columns that measure the same thing.") in table.notes
    assert not any("only the first" in n for n in read_table(frame.iloc[:, :20]).notes)


def test_a_workbook_read_stops_between_rows_when_a_newer_request_cancels_it():
    from segwidgets.errors import SegwidgetsCancelled

    data = _workbook(25_000)
    asked = []

    def cancel():
        asked.append(1)
        return len(asked) >= 2  # the first check, at row 10,000, lets it go on; the second stops it

    with pytest.raises(SegwidgetsCancelled):
        read_table(data, filename="big.xlsx", cancel=cancel)
    assert len(asked) == 2


def test_a_csv_of_more_cells_than_the_budget_is_refused_before_its_rows_are_parsed(monkeypatch):
    import segwidgets.core.io as reading

    monkeypatch.setattr(reading, "MAX_CELLS", 10_000)
    parsed = []
    monkeypatch.setattr(reading, "_read_rows", lambda *a, **k: parsed.append(1))
    text = "a,b,c,d\n" + "1,2,3,4\n" * 3_000  # 12,000 cells
    with pytest.raises(SegwidgetsDataError, match="holds about 3,000 rows of 4 columns, more than the 10,000 cells"):
        read_table(text.encode(), filename="long.csv")
    assert not parsed
