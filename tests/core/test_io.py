"""An analyst brings a table as they have it — a CSV from a European Excel, a
UTF-16 export, an .xlsx renamed .csv, a Parquet file, a DataFrame in a
notebook — and segwidgets reads it, says in plain words what it changed, and
refuses what it cannot use in words a marketer understands."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames, range_indexes

from segwidgets.core.io import LoadedTable, read_table, roles_of
from segwidgets.core.roles import Role
from segwidgets.errors import SegwidgetsDataError, SegwidgetsValueError

DATA = Path(__file__).resolve().parents[1] / "data" / "io"


def notes_of(table: LoadedTable) -> str:
    return " ".join(table.notes)


def assert_plain(message: str) -> None:
    """A message a person can read: rendered, no Python or library internals."""
    assert message and (message[0].isupper() or message[0] == "'") and message.endswith(".")
    for leftover in ("{}", "{!r}", "Traceback", "Error", "Errno", "<", "\\x"):
        assert leftover not in message, message


def refused(source, **kwargs) -> str:
    with pytest.raises(SegwidgetsDataError) as info:
        read_table(source, **kwargs)
    assert isinstance(info.value, SegwidgetsValueError) and isinstance(info.value, ValueError)
    message = str(info.value)
    assert_plain(message)
    return message


@pytest.fixture()
def shop() -> pd.DataFrame:
    return pd.DataFrame({
        "spend": [1.5, 2.5, 3.5, 4.0],
        "visits": [1, 2, 3, 9],
        "plan": ["basic", "plus", "basic", "pro"],
        "member": [True, False, True, True],
        "joined": pd.to_datetime(["2024-01-02", "2024-02-03", "2024-03-04", "2024-04-05"]),
    })


SHOP_ROLES = {"spend": Role.NUMERIC, "visits": Role.NUMERIC, "plan": Role.CATEGORICAL,
              "member": Role.BOOLEAN, "joined": Role.DATETIME}


@pytest.fixture()
def plain_shop() -> pd.DataFrame:
    """Four rows of spend, visits and a plan of two values: no yes/no, no date column."""
    return pd.DataFrame({"spend": [1.5, 2.5, 3.5, 4.0], "visits": [1, 2, 3, 9], "plan": ["a", "b", "a", "b"]})


def write(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".xlsx":
        frame.to_excel(path, index=False, engine="openpyxl")
    else:
        frame.to_parquet(path, index=False)
    return path


# --- formats ------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_each_format_reads_the_same_from_a_path_and_from_bytes(tmp_path, shop, suffix):
    path = write(shop, tmp_path / f"shop{suffix}")
    from_path = read_table(path)
    from_bytes = read_table(path.read_bytes(), filename=path.name)
    from_file = read_table(io.BytesIO(path.read_bytes()), filename=path.name)
    for table in (from_path, from_bytes, from_file):
        assert table.roles == SHOP_ROLES
        assert table.source == path.name
        assert table.frame["spend"].tolist() == [1.5, 2.5, 3.5, 4.0]
        assert table.frame["visits"].tolist() == [1, 2, 3, 9]
        assert table.frame["plan"].tolist() == ["basic", "plus", "basic", "pro"]
        assert str(table.frame["member"].dtype) == "boolean"
        assert table.frame["member"].tolist() == [True, False, True, True]
        assert table.frame["joined"].tolist() == list(shop["joined"])
        assert isinstance(table.frame.index, pd.RangeIndex)
    pd.testing.assert_frame_equal(from_path.frame, from_bytes.frame)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_each_format_keeps_its_cells_as_read_beside_the_converted_frame(tmp_path, shop, suffix):
    path = write(shop.assign(zip=["00501", "10001", "02134", "94105"]), tmp_path / f"shop{suffix}")
    table = read_table(path)
    assert list(table.original.columns) == list(table.frame.columns) and len(table.original) == 4
    assert table.original["zip"].tolist() == ["00501", "10001", "02134", "94105"]
    if suffix == ".csv":  # the text of every cell
        assert table.original["spend"].tolist() == ["1.5", "2.5", "3.5", "4.0"]
        assert table.original["member"].tolist() == ["True", "False", "True", "True"]
    else:  # the values the file holds
        assert table.original["spend"].tolist() == [1.5, 2.5, 3.5, 4.0]
    assert table.frame["spend"].tolist() == [1.5, 2.5, 3.5, 4.0]
    assert table.frame["zip"].tolist() == ["00501", "10001", "02134", "94105"]


def test_a_path_may_be_given_as_text(tmp_path, shop):
    path = write(shop, tmp_path / "shop.csv")
    assert read_table(str(path)).roles == SHOP_ROLES


def test_an_excel_workbook_renamed_csv_still_loads_and_says_so(tmp_path, shop):
    path = tmp_path / "export.csv"
    shop.to_excel(path, index=False, engine="openpyxl")
    for table in (read_table(path), read_table(path.read_bytes(), filename="export.csv"),
                  read_table(path.read_bytes())):
        assert table.roles == SHOP_ROLES and len(table.frame) == 4
        assert "Excel workbook" in notes_of(table)


def test_a_parquet_file_renamed_csv_still_loads(tmp_path, shop):
    path = tmp_path / "export.csv"
    shop.to_parquet(path)
    assert read_table(path).roles == SHOP_ROLES


def test_an_excel_sheet_with_only_a_header_is_refused(tmp_path):
    path = tmp_path / "empty.xlsx"
    pd.DataFrame({"spend": [], "visits": []}).to_excel(path, index=False)
    assert "header but no rows" in refused(path)


def test_a_dataframe_is_read_with_its_own_name_or_the_one_given(shop):
    assert read_table(shop).source == "DataFrame"
    assert read_table(shop, filename="shop.csv").source == "shop.csv"
    labelled = shop.copy()
    labelled.attrs["source"] = "facebook_live"
    assert read_table(labelled).source == "facebook_live"


def test_a_named_index_is_kept_as_a_column():
    # regression: a groupby result lost its keys (the index was dropped)
    spend = pd.DataFrame({"region": ["north", "south", "north"], "spend": [1.0, 2.0, 3.0]})
    by_region = spend.groupby("region").agg(total=("spend", "sum"), orders=("spend", "size"))
    table = read_table(by_region)
    assert table.frame.to_dict("list") == {"region": ["north", "south"], "total": [4.0, 2.0], "orders": [2, 1]}
    assert "The index was kept as a column: region." in table.notes
    assert by_region.index.name == "region"  # the caller's frame is unchanged
    two = spend.groupby(["region", "spend"]).size().to_frame("n")
    assert list(read_table(two).frame.columns) == ["region", "spend", "n"]
    # an unnamed index is only row numbers
    assert list(read_table(spend.iloc[1:]).frame.columns) == ["region", "spend"]


def test_a_parquet_files_named_index_is_kept_as_a_column(tmp_path):
    frame = pd.DataFrame({"spend": [1.5, 2.5]}, index=pd.Index(["C1", "C2"], name="customer_id"))
    path = tmp_path / "by_customer.parquet"
    frame.to_parquet(path)
    table = read_table(path)
    assert table.frame["customer_id"].tolist() == ["C1", "C2"] and table.frame["spend"].tolist() == [1.5, 2.5]


def test_roles_and_feature_candidates(shop):
    table = read_table(shop.assign(shop_id=[f"S{i}" for i in range(4)]))
    assert roles_of(table) == table.roles == roles_of(table.columns)
    assert table.feature_candidates() == ["spend", "visits", "plan", "member"]
    assert table.default_features() == ["spend", "visits", "member"]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "parquet"])
def test_each_format_from_bytes_and_path(tmp_path, plain_shop, kind):
    path = tmp_path / f"t.{kind}"
    if kind == "csv":
        plain_shop.to_csv(path, index=False)
    elif kind == "xlsx":
        plain_shop.to_excel(path, index=False)
    else:
        plain_shop.to_parquet(path)
    for table in (read_table(path), read_table(path.read_bytes(), filename=path.name)):
        assert table.roles == {"spend": Role.NUMERIC, "visits": Role.NUMERIC, "plan": Role.CATEGORICAL}
        assert table.frame["spend"].tolist() == [1.5, 2.5, 3.5, 4.0]


def test_an_excel_file_renamed_csv_still_loads(tmp_path, plain_shop):
    buffer = io.BytesIO()
    plain_shop.to_excel(buffer, index=False)
    table = read_table(buffer.getvalue(), filename="export.csv")
    assert len(table.frame) == 4
    assert any("Excel" in n for n in table.notes)


def test_demo_file_roles_bom_and_empty_columns(demo_table):
    table = demo_table
    roles = table.roles
    assert list(roles)[0] == "status_id"  # the byte order mark is not part of the name
    assert roles["status_id"] == Role.IDENTIFIER
    assert roles["status_type"] == Role.CATEGORICAL
    assert roles["status_published"] == Role.DATETIME
    assert table.frame["status_published"].notna().all()  # two date formats in one column
    assert [c for c, r in roles.items() if r == Role.NUMERIC] == [
        "num_reactions", "num_comments", "num_shares", "num_likes", "num_loves",
        "num_wows", "num_hahas", "num_sads", "num_angrys"]
    assert [c for c, r in roles.items() if r == Role.EMPTY] == ["Column1", "Column2", "Column3", "Column4"]
    assert any("4 empty columns ignored" in n for n in table.notes)
    assert len(table.frame) == 7050
    # num_likes is num_reactions again (r = 0.99): left out of the defaults, and said so
    assert table.default_features() == [c for c in roles if c.startswith("num_") and c != "num_likes"]
    assert list(table.redundant) == ["num_likes"] and table.redundant["num_likes"].kept == "num_reactions"
    assert ("Left out of the default features because another column measures the same: "
            "num_likes, which moves with num_reactions (r = 0.99).") in table.notes


# --- files that cannot be used --------------------------------------------------

@pytest.mark.parametrize(
    "data,words",
    [
        (b"", "The file is empty."),
        (b"  \r\n\n \n", "The file is empty."),
        (b"spend,visits\n", "The file has a header but no rows."),
        (b"spend,visits", "The file has a header but no rows."),
        (b"PK\x03\x04" + b"\x00" * 200, "ZIP archive, not a table"),
        (bytes(range(256)) * 40, "not a table we can read"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "not a table we can read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "Old Excel (.xls) files are not supported"),
        (b"PAR1" + b"not really parquet" * 10, "Parquet file could not be read"),
    ],
    ids=["empty", "blank lines", "header only", "header without newline", "zip", "binary junk",
         "png", "old xls", "damaged parquet"],
)
def test_unusable_files_are_refused_in_words(data, words):
    assert words in refused(data, filename="upload.csv")


def test_a_quote_that_is_never_closed_is_explained_not_quoted_from_the_parser():
    # regression: the message was "... (Error tokenizing data. C error: EOF inside string ...)"
    message = refused(b'spend,note\n12,"fine"\n15,"never closed\n9,x\n')
    assert message == ('A quotation mark (") is opened but never closed, so the rest of the file would be '
                       "one cell. Check the quotes in the file.")


def test_a_damaged_workbook_is_refused_without_the_readers_own_words():
    # regression: the message ended "(File is not a zip file)"
    message = refused(b"PK\x03\x04xl/" + b"\x00" * 200, filename="report.xlsx")
    assert message == ("The Excel file could not be read: it may be damaged or incomplete. "
                       "Save it again, or upload a CSV file.")


def test_a_password_protected_workbook_is_not_called_old_excel():
    # an encrypted .xlsx is a Compound File, like an old .xls (made with msoffcrypto-tool, password "secret")
    path = DATA / "password_protected.xlsx"
    assert path.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    message = refused(path)
    assert message == ("This Excel file is protected with a password. Save a copy without the password "
                       "(or as CSV) and upload that.")


def test_a_real_zip_archive_of_a_csv_is_refused_in_words(tmp_path):
    import zipfile

    path = tmp_path / "customers.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("customers.csv", "spend,visits\n1,2\n")
    assert "ZIP archive" in refused(path)
    assert "ZIP archive" in refused(path.read_bytes(), filename="customers.csv")


def test_a_file_over_the_limit_is_refused_with_both_sizes(tmp_path):
    data = b"spend,visits\n" + b"123456.5,654321.5\n" * 70_000  # about 1.2 MB
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    limit = 1024 * 1024
    for source in (data, path):
        message = refused(source, max_bytes=limit)
        assert message == "The file is 1.2 MB; the limit is 1.0 MB."
    assert read_table(data, max_bytes=2 * limit).frame.shape == (70_000, 2)


def test_a_file_just_over_the_limit_never_reads_as_the_limits_size():
    limit = 1024 * 1024
    message = refused(b"a\n" + b"1\n" * (limit // 2), max_bytes=limit)  # 2 bytes over
    assert message == "The file is 1.000002 MB; the limit is 1.0 MB."
    message = refused(b"a\n" + b"1\n" * (limit // 2 + 10_000), max_bytes=limit)
    assert message == "The file is 1.02 MB; the limit is 1.0 MB."
    assert refused(b"a\n1\n" * 1000, max_bytes=100) == "The file is 0.004 MB; the limit is 0.0 MB."


def test_a_file_object_over_the_limit_is_not_given_a_made_up_size():
    data = b"spend\n" + b"1\n" * 3_000_000  # about 5.7 MB
    message = refused(io.BytesIO(data), max_bytes=1024 * 1024)
    assert message == "The file is larger than the limit of 1.0 MB."


def test_a_missing_path_and_a_folder_are_refused_by_name(tmp_path):
    assert refused(tmp_path / "missing.csv") == "There is no file called 'missing.csv'."
    (tmp_path / "exports").mkdir()
    assert refused(tmp_path / "exports") == "'exports' is a folder, not a file."


@pytest.mark.parametrize(
    "data,words",
    [
        (b"", "The file is empty."),
        (b"a,b\n", "header but no rows"),
        (b"PK\x03\x04" + b"\x00" * 100, "ZIP archive"),
        (bytes(range(256)) * 40, "not a table we can read"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "Old Excel"),
    ],
    ids=["empty", "header-only", "zip", "binary", "xls"],
)
def test_unusable_files_are_refused_without_a_placeholder_left(data, words):
    with pytest.raises(SegwidgetsDataError) as info:
        read_table(data, filename="upload.csv")
    assert words in str(info.value)
    assert "{" not in str(info.value)


def test_size_limit_missing_path_and_folder(tmp_path):
    with pytest.raises(SegwidgetsDataError, match="limit is 0.0 MB"):
        read_table(b"a\n1\n" * 1000, max_bytes=100)
    with pytest.raises(SegwidgetsDataError, match="no file called"):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(SegwidgetsDataError, match="folder"):
        read_table(tmp_path)


# --- yes/no columns --------------------------------------------------------------

@pytest.mark.parametrize(
    "cells,expected",
    [
        (["TRUE", "FALSE", "TRUE", ""], [True, False, True, None]),
        (["True", "False", "False", "True"], [True, False, False, True]),
        (["yes", "no", "YES", "No"], [True, False, True, False]),
        (["Y", "N", "", "y"], [True, False, None, True]),
        (["1", "0", "0", ""], [True, False, False, None]),
    ],
    ids=["TRUE/FALSE", "True/False", "yes/no", "Y/N", "0/1"],
)
def test_yes_no_columns_in_a_csv_become_pandas_booleans(cells, expected):
    text = "flag,spend\n" + "\n".join(f"{c},{i}.5" for i, c in enumerate(cells)) + "\n"
    table = read_table(text.encode())
    assert table.roles["flag"] == Role.BOOLEAN
    assert str(table.frame["flag"].dtype) == "boolean"
    assert [None if pd.isna(v) else bool(v) for v in table.frame["flag"]] == expected


@pytest.mark.parametrize(
    "values",
    [[True, False, True], np.array([1, 0, 1]), np.array([1.0, 0.0, np.nan]),
     pd.array([1, None, 0], dtype="Int64"), ["yes", "no", None], pd.array([True, None, False], dtype="boolean")],
    ids=["bool", "0/1 int", "0/1 float with gap", "Int64", "yes/no text", "boolean"],
)
def test_yes_no_columns_in_a_dataframe_become_pandas_booleans(values):
    table = read_table(pd.DataFrame({"flag": values, "spend": [1.0, 2.0, 3.5]}))
    assert table.roles["flag"] == Role.BOOLEAN
    assert str(table.frame["flag"].dtype) == "boolean"


@pytest.mark.parametrize(
    "values",
    [["TRUE", "FALSE", "TRUE"], ["True", "False", "False"], ["yes", "no", "yes"], [1, 0, 1]],
)
def test_yes_no_columns(values):
    table = read_table(pd.DataFrame({"flag": values, "n": [1.0, 2.0, 3.5]}))
    assert table.roles["flag"] == Role.BOOLEAN
    assert str(table.frame["flag"].dtype) == "boolean"


# --- encodings and separators ------------------------------------------------------

def test_a_european_excel_csv_with_semicolons_and_decimal_commas():
    data = "Kunde;Umsatz;Besuche\nMüller;1.234,56;2\nSchäfer;12,5;5\nÖzil;-900,00;1\n".encode("cp1252")
    table = read_table(data, filename="umsatz.csv")
    assert list(table.frame.columns) == ["Kunde", "Umsatz", "Besuche"]
    assert table.frame["Umsatz"].tolist() == [1234.56, 12.5, -900.0]
    assert table.frame["Kunde"].tolist() == ["Müller", "Schäfer", "Özil"]
    assert table.roles["Umsatz"] == Role.NUMERIC
    said = notes_of(table)
    assert "separated by ';'" in said and "Latin-1" in said and "Umsatz" in said


def test_european_amounts_with_currency_and_percent_signs_are_numbers():
    # regression: "1.234,56 €" in a ';' file stayed text while "$1,234.50" was read as a number
    data = "Kunde;Umsatz;Anteil;Preis\nA;1.234,56 €;12,5 %;€ 3,00\nB;-2,50 €;3 %;(1.000,00 €)\nC;900 €;0,5%;4\n"
    table = read_table(data.encode("cp1252"))
    assert table.frame["Umsatz"].tolist() == [1234.56, -2.5, 900.0]
    assert table.frame["Anteil"].tolist() == [12.5, 3.0, 0.5]
    assert table.frame["Preis"].tolist() == [3.0, -1000.0, 4.0]
    assert "read as numbers: Umsatz, Anteil, Preis." in notes_of(table)
    assert read_table("spend,visits\n12 €,1\n3 €,2\n".encode()).frame["spend"].tolist() == [12, 3]


def test_latin1_and_utf16_files_read_their_accents():
    latin = "ville,spend\nZürich,12\nGenève,15\nMünchen,9\n".encode("latin-1")
    table = read_table(latin)
    assert table.frame["ville"].tolist() == ["Zürich", "Genève", "München"]
    assert "Latin-1" in notes_of(table)
    # Excel's "Unicode text": UTF-16 with a byte order mark, tab separated
    utf16 = "name\tspend\nZoë\t12\nAnn\t15\n名前\t9\n".encode("utf-16")
    table = read_table(utf16, filename="export.txt")
    assert table.frame["name"].tolist() == ["Zoë", "Ann", "名前"]
    assert table.frame["spend"].tolist() == [12, 15, 9]
    assert "UTF-16" in notes_of(table)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_recognised(encoding):
    # regression: refused as "not a table we can read"
    data = "ชื่อ,spend\nสมชาย,1.5\nZoë,2\n".encode(encoding)
    table = read_table(data)
    assert table.frame["ชื่อ"].tolist() == ["สมชาย", "Zoë"] and table.frame["spend"].tolist() == [1.5, 2.0]
    assert "UTF-16" in notes_of(table)


def test_the_small_fixture_files_read_from_their_paths():
    table = read_table(DATA / "european.csv")
    assert table.frame["amount"].tolist() == [1234.5, 2.25, 1000000.0]
    assert table.frame["city"].tolist() == ["Köln", "Genève", "Málaga"]
    table = read_table(DATA / "utf16_tabs.txt")
    assert table.frame["name"].tolist() == ["Zoë", "Ann"] and table.frame["spend"].tolist() == [1.5, 2.0]
    table = read_table(DATA / "messy_numbers.csv")
    assert table.frame["revenue"].tolist() == [1234.5, -2000.0, 12.0]


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_every_usual_separator_is_recognised(sep):
    text = sep.join(["spend", "visits", "plan"]) + "\n" + "\n".join(
        sep.join([f"{i}.5", str(i), "ab"[i % 2]]) for i in range(10)) + "\n"
    table = read_table(text.encode())
    assert list(table.frame.columns) == ["spend", "visits", "plan"]
    assert table.frame["spend"].tolist() == [i + 0.5 for i in range(10)]


@pytest.mark.parametrize(
    "data",
    [b"\n\n  \nspend,visits\n12,2\n15,5\n", b"spend,visits\r12,2\r15,5\r",
     b"spend,visits\r\n12,2\r\n15,5\r\n", b"sep=;\r\nspend;visits\r\n12;2\r\n15;5\r\n"],
    ids=["blank lines above the header", "old Mac line ends", "Windows line ends", "Excel's sep= line"],
)
def test_where_the_table_starts_and_how_lines_end_do_not_matter(data):
    # regression: blank lines gave "The file has no columns", a lone \r a parser error,
    # and Excel's "sep=;" line became the header
    table = read_table(data)
    assert list(table.frame.columns) == ["spend", "visits"]
    assert table.frame["spend"].tolist() == [12, 15] and table.frame["visits"].tolist() == [2, 5]


def test_a_byte_order_mark_is_not_part_of_the_first_name():
    table = read_table(b"\xef\xbb\xbfcustomer_id,spend\nC1,1\nC2,2\nC3,3\n")
    assert list(table.frame.columns) == ["customer_id", "spend"]
    assert table.notes == ["Identifier column not used as features: customer_id."]


def test_european_latin1_and_utf16_files():
    euro = "name;amount\nA;1.234,50\nB;2,25\n".encode("latin-1")
    table = read_table(euro)
    assert table.frame["amount"].tolist() == [1234.5, 2.25]
    latin = "ville,n\nZürich,1\nGenève,2\n".encode("latin-1")
    assert read_table(latin).frame["ville"].tolist() == ["Zürich", "Genève"]
    utf16 = "a,b\n1,2\n3,4\n".encode("utf-16")
    assert read_table(utf16).frame["b"].tolist() == [2, 4]


# --- messy values ------------------------------------------------------------------

def test_numbers_with_separators_currency_percent_and_parentheses():
    data = (
        b'customer,revenue,margin,refund,price,eur\n'
        b'a,"1,234.50",12%,(200),$12.50,\xe2\x82\xac3\n'
        b'b,"12,000",3.5%,"(1,000.25)",-$5,\xe2\x82\xac4.10\n'
        b'c,900,-1%,40,$0.99,\xe2\x82\xac1\n'
    )
    table = read_table(data)
    frame = table.frame
    assert frame["revenue"].tolist() == [1234.5, 12000.0, 900.0]
    assert frame["margin"].tolist() == [12.0, 3.5, -1.0]
    assert frame["refund"].tolist() == [-200.0, -1000.25, 40.0]
    assert frame["price"].tolist() == [12.5, -5.0, 0.99]
    assert frame["eur"].tolist() == [3.0, 4.1, 1.0]
    numeric = ["revenue", "margin", "refund", "price", "eur"]
    assert all(table.roles[c] == Role.NUMERIC for c in numeric)
    assert f"read as numbers: {', '.join(numeric)}." in notes_of(table)


def test_spreadsheet_stand_ins_for_a_missing_number_do_not_turn_a_number_column_into_text():
    # regression: one "#DIV/0!" made a margin column of 40 different numbers an identifier,
    # silently left out of the features
    # (visits is not margin again in other units, which would leave it out of the defaults as redundant)
    rows = "\n".join(f"{i * 1.37:.2f},{i * 7 % 11},{'ab'[i % 2]}" for i in range(40))
    table = read_table(f"margin,visits,kind\n{rows}\n#DIV/0!,3,a\n-,4,b\n ? ,5,a\n".encode())
    assert table.roles["margin"] == Role.NUMERIC
    assert table.frame["margin"].isna().sum() == 3 and table.frame["margin"].iloc[39] == pytest.approx(53.43)
    assert "were treated as missing: margin (3)." in notes_of(table)
    assert table.default_features() == ["margin", "visits"]
    # a text column keeps its "-"
    assert read_table(b"kind,visits\na,1\n-,2\nb,3\n").frame["kind"].tolist() == ["a", "-", "b"]


def test_text_that_only_partly_looks_like_numbers_stays_text():
    table = read_table(b"code,spend\n12-A,1\n1,234x,2\n$,3\n")
    # "code" names labels: an identifier now (issue 13), and still text, never numbers
    assert table.roles["code"] in (Role.CATEGORICAL, Role.IDENTIFIER)
    assert table.frame["code"].tolist() == ["12-A", "$"]
    assert read_table(b"label,spend\n12-A,1\n4x,2\n$,3\n").roles["label"] == Role.CATEGORICAL


def test_spaces_around_text_do_not_make_a_new_category():
    # regression: "video " and "video" were two categories (and two columns in every profile)
    table = read_table(b"status_type,likes\nvideo ,1\nvideo,2\n photo,3\nphoto  ,4\n")
    assert table.frame["status_type"].tolist() == ["video", "video", "photo", "photo"]
    assert table.columns["status_type"].n_unique == 2


def test_quoted_newlines_and_commas_stay_inside_their_cell():
    data = b'note,spend\n"line one\nline two",12\n"Smith, John",15\n"say ""hi""",9\n'
    table = read_table(data)
    assert table.frame["note"].tolist() == ["line one\nline two", "Smith, John", 'say "hi"']
    assert table.frame["spend"].tolist() == [12, 15, 9]


def test_rows_with_more_cells_than_the_header_are_skipped_and_counted():
    table = read_table(b"spend,visits\n12,2\n15,5,99\n9,1\n20,7,1,1\n30,3\n")
    assert table.frame["spend"].tolist() == [12, 9, 30]
    assert "2 rows with more cells than the header were skipped." in table.notes


def test_a_delimiter_at_the_end_of_every_line_does_not_shift_the_columns():
    # regression: pandas made the first column the index, so "spend" got the visits
    for data in (b"spend,visits\n12,2,\n15,5,\n9,1,\n", b"spend;visits\n12;2;\n15;5;\n9;1;\n"):
        table = read_table(data)
        assert table.frame["spend"].tolist() == [12, 15, 9]
        assert table.frame["visits"].tolist() == [2, 5, 1]


def test_cells_beyond_the_header_on_every_row_are_left_out_with_a_note():
    table = read_table(b"spend,visits\n12,2,7\n15,5,7\n9,1,7\n")
    assert table.frame["spend"].tolist() == [12, 15, 9] and list(table.frame.columns) == ["spend", "visits"]
    assert "the cells beyond the last named column were left out" in notes_of(table)


def test_rows_with_fewer_cells_are_kept_with_gaps():
    table = read_table(b"spend,visits,plan\n12,2,a\n15\n9,1,b\n")
    assert table.frame["spend"].tolist() == [12, 15, 9]
    assert table.frame["visits"].isna().tolist() == [False, True, False]


def test_repeated_column_names_are_numbered_with_a_note():
    table = read_table(b"spend,spend,visits,spend\n1,2,3,4\n5,6,7,8\n")
    assert list(table.frame.columns) == ["spend", "spend (2)", "visits", "spend (3)"]
    assert table.frame["spend (3)"].tolist() == [4, 8]
    assert "Repeated column names were renamed: spend (2), spend (3)." in table.notes


def test_a_renamed_column_never_takes_a_name_already_in_the_table():
    # regression: "a (2)", "a", "a" gave two columns called "a (2)" and crashed
    for source in (b"a (2),a,a\n1,2,3\n4,5,6\n", pd.DataFrame([[1, 2, 3]], columns=["a (2)", "a", "a"])):
        table = read_table(source)
        assert list(table.frame.columns) == ["a (2)", "a", "a (3)"]
        assert set(table.roles) == {"a (2)", "a", "a (3)"}


def test_unnamed_columns_are_called_by_their_position():
    table = read_table(b",spend,\n1,2,3\n4,5,6\n")
    assert list(table.frame.columns) == ["column 1", "spend", "column 3"]
    assert "Columns without a name were called column 1, column 3." in table.notes
    # pandas' own "Unnamed: 0" and a missing label in a DataFrame count as unnamed too
    frame = pd.DataFrame([[1, 2, 3]], columns=["Unnamed: 0", None, " spend "])
    assert list(read_table(frame).frame.columns) == ["column 1", "column 2", "spend"]


def test_infinite_and_huge_values_become_missing_with_a_note():
    table = read_table(b"spend,score,visits\n12,inf,1\n15,1e300,2\n9,-inf,3\n20,3,4\n")
    assert table.frame["score"].isna().tolist() == [True, True, True, False]
    said = notes_of(table)
    assert "Infinite values were treated as missing: score (2)." in said
    assert "beyond ±1e100" in said
    frame = pd.DataFrame({"a": [1.0, np.inf, 3.0], "b": [1.0, 2.0, -np.inf]})
    table = read_table(frame)
    assert table.frame["a"].isna().sum() == 1 and table.frame["b"].isna().sum() == 1
    assert "Infinite values were treated as missing: a (1), b (1)." in table.notes
    assert np.isinf(frame["a"]).sum() == 1  # the caller's frame keeps its values


def test_empty_columns_are_kept_and_reported():
    table = read_table(b"spend,visits,Column1,Column2\n12,2,,\n15,5,,\n9,1, ,\n")
    assert table.roles["Column1"] == Role.EMPTY and table.roles["Column2"] == Role.EMPTY
    assert "2 empty columns ignored: Column1, Column2." in table.notes
    assert table.feature_candidates() == ["spend", "visits"]


def test_collections_in_a_dataframe_are_read_as_text():
    # regression: a column of lists (json_normalize output) raised "unhashable type: 'list'"
    frame = pd.DataFrame({"tags": [["a"], ["b"], None, ["a"]], "spend": [1.0, 2.0, 3.0, 4.0]})
    table = read_table(frame)
    assert table.roles["tags"] == Role.CATEGORICAL
    assert table.frame["tags"].tolist()[:2] == ["['a']", "['b']"]
    assert "Lists and other collections were read as text: tags." in table.notes
    assert frame["tags"][0] == ["a"]


def test_messy_numbers_headers_and_rows():
    text = (b'customer,amount,share,amount\n"x\ny","$1,234.50",12%,1\n'
            b'b,"(2,000)",3%,2\nc,10,1%,3,extra\n')
    table = read_table(text)
    assert list(table.frame.columns) == ["customer", "amount", "share", "amount (2)"]
    assert table.frame["amount"].tolist() == [1234.5, -2000.0]
    assert table.frame["share"].tolist() == [12.0, 3.0]
    assert table.frame["customer"].tolist()[0] == "x\ny"
    notes = " ".join(table.notes)
    assert "renamed" in notes and "skipped" in notes and "separators" in notes


def test_infinite_values_become_missing_with_a_note():
    table = read_table(pd.DataFrame({"a": [1.0, np.inf, 3.0], "b": [1.0, 2.0, -np.inf]}))
    assert table.frame["a"].isna().sum() == 1
    assert any("Infinite" in n for n in table.notes)


def test_a_header_name_with_a_line_break_in_quotes_is_one_column():
    table = read_table(b'"first\nname",age\nAda,36\nAlan,41\n', filename="people.csv")
    assert list(table.frame.columns) == ["first\nname", "age"]
    assert table.frame["age"].tolist() == [36, 41]


# --- any frame, any size ------------------------------------------------------------

TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=8),
    st.sampled_from(["1,234", "$5", "12%", "(3)", "yes", "no", "TRUE", "2024-01-02", "4/22/2018 6:00",
                     "2024-01-02T10:00Z", "9999-12-31", "inf", "", " ", "NA", "0", "1"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data_frames(
    [column("amount", dtype=float), column("count", dtype=int), column("flag", dtype=bool),
     column("label", elements=TEXT), column("note", elements=TEXT)],
    index=range_indexes(min_size=1, max_size=30),
))
def test_any_frame_of_numbers_yes_no_and_text_gets_a_role_for_every_column_unchanged(frame):
    frame.index = frame.index * 3 + 5  # a caller's own index
    before = frame.copy(deep=True)
    table = read_table(frame)
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is untouched
    assert list(table.roles) == list(frame.columns)
    assert all(isinstance(role, Role) for role in table.roles.values())
    assert len(table.frame) == len(frame) and isinstance(table.frame.index, pd.RangeIndex)
    assert table.roles["flag"] == Role.BOOLEAN or frame["flag"].nunique() < 2


CSV_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_categories=("Cs", "Cc")),
                   max_size=10) | st.sampled_from(["a,b", 'say "hi"', "x\ny", "; ;", "|"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data_frames(
    [column("amount", dtype=float, elements=st.floats(-1e9, 1e9)),
     column("count", dtype=int, elements=st.integers(-10**9, 10**9)),
     column("label", elements=CSV_TEXT)],
    index=range_indexes(min_size=1, max_size=30),
))
def test_any_frame_written_as_csv_reads_back_its_numbers(frame):
    table = read_table(frame.to_csv(index=False).encode(), filename="export.csv")
    assert list(table.roles) == ["amount", "count", "label"]
    assert len(table.frame) == len(frame)
    np.testing.assert_allclose(table.frame["amount"].to_numpy(float), frame["amount"], rtol=1e-12)


def test_a_hundred_thousand_row_csv_reads_with_the_right_roles():
    rng = np.random.default_rng(0)
    n = 100_000
    big = pd.DataFrame({
        "user_id": rng.permutation(n),
        "spend": rng.gamma(2.0, 30.0, n).round(2),
        "visits": rng.poisson(4, n),
        "premium": rng.choice(["yes", "no"], n),
        "plan": rng.choice(["basic", "plus", "pro"], n),
        "signup": (pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")),
        "revenue": [f"${v:,.2f}" for v in rng.gamma(2.0, 800.0, n)],
    })
    table = read_table(big.to_csv(index=False).encode(), filename="big.csv")
    assert len(table.frame) == n
    assert table.roles == {"user_id": Role.IDENTIFIER, "spend": Role.NUMERIC, "visits": Role.NUMERIC,
                           "premium": Role.BOOLEAN, "plan": Role.CATEGORICAL, "signup": Role.DATETIME,
                           "revenue": Role.NUMERIC}
    assert table.frame["signup"].notna().all()
    assert table.frame["revenue"].sum() == pytest.approx(
        big["revenue"].str.replace(r"[$,]", "", regex=True).astype(float).sum())


@settings(max_examples=40, deadline=None)
@given(data_frames([
    column("n", dtype=float),
    column("i", dtype=int),
    column("flag", dtype=bool),
    column("text", elements=st.text(max_size=8)),
], index=range_indexes(min_size=1, max_size=30)))
def test_any_frame_gets_a_role_for_every_column_and_is_not_changed(frame):
    before = frame.copy()
    # a frame with named columns and at least one row always reads: a refusal here is a failure,
    # never a reason to skip the example
    table = read_table(frame)
    assert set(table.roles) == set(map(str, frame.columns))
    assert len(table.frame) == len(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_a_hundred_thousand_rows_read_with_their_roles():
    rng = np.random.default_rng(0)
    n = 100_000
    big = pd.DataFrame(rng.normal(size=(n, 5)), columns=[f"x{i}" for i in range(5)])
    big["user_id"] = np.arange(n)
    big["region"] = rng.choice(["n", "s"], n)
    table = read_table(big.to_csv(index=False).encode(), filename="big.csv")
    assert len(table.frame) == n
    assert table.roles["user_id"] == Role.IDENTIFIER
    assert table.roles["x0"] == Role.NUMERIC and table.roles["region"] == Role.CATEGORICAL


def test_a_large_csv_is_read_without_holding_extra_copies_of_it(tmp_path):
    """A 1M-row CSV once peaked at 8x its size (a copy in io.StringIO at 4 bytes per
    character, another from strip()), which put the explorer's kernel over 2 GB."""
    import tracemalloc

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(150_000, 10)).round(6), columns=[f"f{i}" for i in range(10)])
    path = tmp_path / "large.csv"
    frame.to_csv(path, index=False)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        table = read_table(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert table.frame.shape == (150_000, 10)
    assert np.allclose(table.frame.to_numpy(), frame.to_numpy())
    assert peak < 4 * size, f"reading a {size / 1e6:.0f} MB file peaked at {peak / 1e6:.0f} MB"
