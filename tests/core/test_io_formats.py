"""Reading tables as people have them, and column roles, in plain words."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames, range_indexes

from segwidgets import datasets
from segwidgets.core.io import read_table
from segwidgets.core.roles import Role
from segwidgets.errors import SegwidgetsDataError, SegwidgetsValueError


def test_demo_file_roles_bom_and_empty_columns():
    table = datasets.load_table("facebook_live")
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
    assert table.default_features() == [c for c in roles if c.startswith("num_")]


def test_loading_gives_a_fresh_copy():
    first = datasets.load("facebook_live")
    first.loc[0, "num_likes"] = -1
    assert datasets.load("facebook_live").loc[0, "num_likes"] != -1


def test_unknown_dataset_lists_the_names():
    with pytest.raises(SegwidgetsValueError, match="facebook_live"):
        datasets.load("nope")


@pytest.fixture()
def frame() -> pd.DataFrame:
    return pd.DataFrame({"spend": [1.5, 2.5, 3.5, 4.0], "visits": [1, 2, 3, 9], "plan": ["a", "b", "a", "b"]})


@pytest.mark.parametrize("kind", ["csv", "xlsx", "parquet"])
def test_each_format_from_bytes_and_path(tmp_path, frame, kind):
    path = tmp_path / f"t.{kind}"
    if kind == "csv":
        frame.to_csv(path, index=False)
    elif kind == "xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_parquet(path)
    for table in (read_table(path), read_table(path.read_bytes(), filename=path.name)):
        assert table.roles == {"spend": Role.NUMERIC, "visits": Role.NUMERIC, "plan": Role.CATEGORICAL}
        assert table.frame["spend"].tolist() == [1.5, 2.5, 3.5, 4.0]


def test_an_excel_file_renamed_csv_still_loads(tmp_path, frame):
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    table = read_table(buffer.getvalue(), filename="export.csv")
    assert len(table.frame) == 4
    assert any("Excel" in n for n in table.notes)


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
def test_unusable_files_are_refused_in_words(data, words):
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


@pytest.mark.parametrize(
    "values",
    [["TRUE", "FALSE", "TRUE"], ["True", "False", "False"], ["yes", "no", "yes"], [1, 0, 1]],
)
def test_yes_no_columns(values):
    table = read_table(pd.DataFrame({"flag": values, "n": [1.0, 2.0, 3.5]}))
    assert table.roles["flag"] == Role.BOOLEAN
    assert str(table.frame["flag"].dtype) == "boolean"


def test_european_latin1_and_utf16_files():
    euro = "name;amount\nA;1.234,50\nB;2,25\n".encode("latin-1")
    table = read_table(euro)
    assert table.frame["amount"].tolist() == [1234.5, 2.25]
    latin = "ville,n\nZürich,1\nGenève,2\n".encode("latin-1")
    assert read_table(latin).frame["ville"].tolist() == ["Zürich", "Genève"]
    utf16 = "a,b\n1,2\n3,4\n".encode("utf-16")
    assert read_table(utf16).frame["b"].tolist() == [2, 4]


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


def test_a_header_name_with_a_line_break_in_quotes_is_one_column():
    table = read_table(b'"first\nname",age\nAda,36\nAlan,41\n', filename="people.csv")
    assert list(table.frame.columns) == ["first\nname", "age"]
    assert table.frame["age"].tolist() == [36, 41]
