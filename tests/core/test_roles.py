"""Column roles: a person opens the Facebook Live file and sees, without
setting anything, which columns are ids, categories, dates, numbers and yes/no
columns, and which are empty — with the reason in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segwidgets import datasets
from segwidgets.core.roles import ColumnInfo, Role, boolean_values, datetime_values, infer_column, infer_roles

NUMBERS = ["num_reactions", "num_comments", "num_shares", "num_likes", "num_loves", "num_wows",
           "num_hahas", "num_sads", "num_angrys"]


def test_the_demo_file_gets_a_role_for_every_column(demo_table):
    assert demo_table.roles == {
        "status_id": Role.IDENTIFIER,
        "status_type": Role.CATEGORICAL,
        "status_published": Role.DATETIME,
        **{name: Role.NUMERIC for name in NUMBERS},
        "Column1": Role.EMPTY, "Column2": Role.EMPTY, "Column3": Role.EMPTY, "Column4": Role.EMPTY,
    }
    assert demo_table.frame.shape == (7050, 16)
    assert demo_table.default_features() == NUMBERS
    assert demo_table.feature_candidates() == ["status_type", *NUMBERS]


def test_the_byte_order_mark_of_the_demo_file_is_not_in_the_first_name(demo_table):
    assert datasets.path("facebook_live").read_bytes().startswith(b"\xef\xbb\xbfstatus_id,")
    assert list(demo_table.frame.columns)[0] == "status_id"
    assert demo_table.columns["status_id"].name == "status_id"


def test_the_empty_columns_and_the_identifier_are_reported(demo_table):
    assert "4 empty columns ignored: Column1, Column2, Column3, Column4." in demo_table.notes
    assert "Identifier column not used as features: status_id." in demo_table.notes
    assert demo_table.columns["Column1"].n_missing == 7050


def test_both_date_formats_of_the_demo_file_parse_on_every_row(demo_table):
    raw = pd.read_csv(datasets.path("facebook_live"), encoding="utf-8-sig", dtype=str)["status_published"]
    slashes, dashes = raw.str.contains("/"), raw.str.contains("-")
    assert slashes.sum() > 1000 and dashes.sum() > 1000 and (slashes ^ dashes).all()  # two formats
    published = demo_table.frame["status_published"]
    assert pd.api.types.is_datetime64_any_dtype(published)
    assert published.notna().sum() == 7050
    by_text = dict(zip(raw, published))
    assert by_text["4/22/2018 6:00"] == pd.Timestamp("2018-04-22 06:00")
    assert by_text["04-11-18 4:53"] == pd.Timestamp("2018-04-11 04:53")
    # both formats read as month first: the same calendar as one reference parser
    reference = pd.to_datetime(raw, format="mixed", dayfirst=False)
    assert (reference.to_numpy() == published.to_numpy()).all()


def test_the_demo_counts_are_whole_numbers_and_the_types_are_the_four_kinds(demo_table):
    assert all(pd.api.types.is_integer_dtype(demo_table.frame[c]) for c in NUMBERS)
    assert set(demo_table.frame["status_type"]) == {"video", "photo", "status", "link"}
    assert demo_table.columns["status_type"].n_unique == 4
    assert demo_table.columns["status_type"].reason == "holds text with 4 different values"


# --- one column at a time ------------------------------------------------------

def info(values, name: str = "x") -> tuple[ColumnInfo, pd.Series]:
    return infer_column(name, pd.Series(values))


@pytest.mark.parametrize(
    "name,values,role",
    [
        ("customer_id", [f"C{i}" for i in range(30)], Role.IDENTIFIER),
        ("id", list(range(30)), Role.IDENTIFIER),
        ("userID", list(range(30)), Role.IDENTIFIER),
        ("order_key", [f"K{i}" for i in range(5)], Role.IDENTIFIER),
        ("email", [f"p{i}@example.com" for i in range(30)], Role.IDENTIFIER),  # unique text, > 20 rows
        ("email", [f"p{i}@example.com" for i in range(10)], Role.CATEGORICAL),  # too few rows to tell
        ("store_id", [1, 2, 3, 1, 2, 3] * 5, Role.NUMERIC),  # repeats: not an identifier
        ("paid", [0, 1, 1, 0] * 5, Role.BOOLEAN),
        ("grade", ["a", "b", "a"] * 5, Role.CATEGORICAL),
        ("notes", [None, "", "  ", np.nan], Role.EMPTY),
        ("spend", [1.5, 2.5, None], Role.NUMERIC),
        ("when", ["2024-01-02", "2024-02-03", None], Role.DATETIME),
    ],
)
def test_roles_by_name_and_values(name, values, role):
    column_info, _ = infer_column(name, pd.Series(values, dtype=object if role == Role.EMPTY else None))
    assert column_info.role == role
    assert column_info.name == name and column_info.reason


@pytest.mark.parametrize("name", ["amount_paid", "paid", "PAID", "valid", "bid", "total_prepaid", "lipid"])
def test_words_that_merely_end_in_id_are_not_identifiers(name):
    # regression: "[a-z]ID$" matched in any case, so an "amount_paid" column of
    # mostly different amounts was taken for an id and left out of the features
    amounts = pd.Series(np.random.default_rng(0).gamma(2.0, 30.0, 500).round(2))
    assert infer_column(name, amounts)[0].role == Role.NUMERIC


@pytest.mark.parametrize("name", ["userID", "customerId", "USER_ID", "Id", "uuid", "GUID", "order_key"])
def test_id_like_names_in_any_usual_case(name):
    assert infer_column(name, pd.Series(np.arange(500)))[0].role == Role.IDENTIFIER


def test_counts_of_missing_and_distinct_values_treat_blanks_as_missing():
    column_info, _ = info(["a", " ", None, "b", "a", ""])
    assert (column_info.n_missing, column_info.n_unique) == (3, 2)
    assert column_info.role == Role.CATEGORICAL
    _, cleaned = info(["a", " ", None, "b", "a", ""])
    assert cleaned.isna().tolist() == [False, True, True, False, False, True]


@pytest.mark.parametrize(
    "values,expected",
    [
        (["TRUE", "FALSE", None], [True, False, None]),
        (["True", "False", "True"], [True, False, True]),
        (["yes", "No", " YES "], [True, False, True]),
        (["t", "f", "f"], [True, False, False]),
        ([1, 0, np.nan], [True, False, None]),
        ([True, False, True], [True, False, True]),
    ],
)
def test_yes_no_values(values, expected):
    converted = boolean_values(pd.Series(values))
    assert str(converted.dtype) == "boolean"
    assert [None if pd.isna(v) else bool(v) for v in converted] == expected


@pytest.mark.parametrize(
    "values",
    [["yes", "yes"], [1, 2, 0], ["yes", "no", "maybe"], ["true", "n/a"], [None, None], [0.5, 1.0]],
)
def test_not_yes_no(values):
    assert boolean_values(pd.Series(values)) is None


@pytest.mark.parametrize(
    "values,first",
    [
        (["2024-01-02", "2024-02-03"], "2024-01-02"),
        (["4/22/2018 6:00", "12/31/2017 23:59"], "2018-04-22 06:00"),
        (["22.04.2018", "31.12.2017"], "2018-04-22"),
        (["22 Apr 2018", "31 Dec 2017"], "2018-04-22"),
        (["April 22, 2018", "December 31, 2017"], "2018-04-22"),
        (["2018/04/22 06:00", "2017/12/31 23:59"], "2018-04-22 06:00"),
    ],
)
def test_dates_in_the_usual_formats(values, first):
    parsed = datetime_values(pd.Series(values * 10))
    assert parsed is not None and parsed.notna().all()
    assert parsed.iloc[0] == pd.Timestamp(first)


def test_times_with_a_utc_offset_are_read_in_utc():
    # regression: offsets raised TypeError, and mixed offsets "Mixed timezones detected"
    column_info, parsed = info(["2024-01-02T10:00Z", "2024-01-02T10:00+01:00", "2024-01-02T10:00-05:00",
                                "2024-01-02 10:00"], name="created_at")
    assert column_info.role == Role.DATETIME
    assert parsed.tolist() == [pd.Timestamp("2024-01-02 10:00"), pd.Timestamp("2024-01-02 09:00"),
                               pd.Timestamp("2024-01-02 15:00"), pd.Timestamp("2024-01-02 10:00")]


def test_dates_far_in_the_past_or_future_are_kept():
    # regression: beyond 2262 (the end of nanosecond time) raised OutOfBoundsDatetime
    column_info, parsed = info(["9999-12-31", "2024-01-02", "1000-01-01"], name="valid_until")
    assert column_info.role == Role.DATETIME
    assert parsed.iloc[0].year == 9999 and parsed.iloc[2].year == 1000


def test_dates_with_spaces_around_them_are_still_dates():
    # regression: the sample was read stripped, the column not, so nothing parsed and it stayed text
    column_info, parsed = info(["2024-01-02 ", " 2024-02-03", "4/22/2018 6:00 ", None], name="signup")
    assert column_info.role == Role.DATETIME
    assert parsed.tolist()[:3] == [pd.Timestamp("2024-01-02"), pd.Timestamp("2024-02-03"),
                                   pd.Timestamp("2018-04-22 06:00")]


def test_a_column_that_is_mostly_not_dates_stays_text():
    values = ["2024-01-02"] * 90 + [f"soon {i}" for i in range(10)]
    assert datetime_values(pd.Series(values)) is None
    assert info(values)[0].role == Role.CATEGORICAL


def test_a_few_unreadable_dates_among_many_become_missing():
    values = ["2024-01-02"] * 98 + ["someday", "2024-13-45"]
    column_info, parsed = info(values)
    assert column_info.role == Role.DATETIME
    assert parsed.isna().sum() == 2


@pytest.mark.parametrize("values", [["18-24", "25-34", "35-44"], ["v1.2", "v2.0", "v3.1"], ["A-1", "B-2"]])
def test_codes_with_dashes_and_dots_are_not_dates(values):
    assert info(values * 5, name="band")[0].role == Role.CATEGORICAL


def test_infer_roles_keeps_the_column_order_and_names_as_text():
    frame = pd.DataFrame({"b": [1.0, 2.0], 3: ["x", "y"], "a": [True, False]})
    roles = infer_roles(frame)
    assert list(roles) == ["b", "3", "a"]
    assert [i.role for i in roles.values()] == [Role.NUMERIC, Role.CATEGORICAL, Role.BOOLEAN]


def test_roles_read_as_their_words():
    assert str(Role.NUMERIC) == "numeric" and Role("datetime") is Role.DATETIME
    assert Role.BOOLEAN == "boolean"
