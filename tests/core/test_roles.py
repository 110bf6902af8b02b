"""Column roles: a person opens the Facebook Live file and sees, without
setting anything, which columns are ids, categories, dates, numbers and yes/no
columns, and which are empty — with the reason in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segwidgets import datasets
from segwidgets.core.roles import (
    SETTABLE_ROLES,
    ColumnInfo,
    Role,
    boolean_values,
    convert_column,
    date_format_of,
    datetime_values,
    infer_column,
    infer_roles,
    name_kind,
    name_tokens,
    read_dates,
)
from segwidgets.errors import SegwidgetsValueError

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
    # num_likes moves with num_reactions (r = 0.99): one of the two is chosen by default (issue 13)
    assert demo_table.default_features() == [n for n in NUMBERS if n != "num_likes"]
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
        # repeats: not an identifier, but a store's number is a label: codes for categories (issue 13)
        ("store_id", [1, 2, 3, 1, 2, 3] * 5, Role.CATEGORICAL),
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


# --- identifiers stored as numbers (issue 13) -----------------------------------------------

def _hashes(n: int = 400, seed: int = 0) -> tuple[pd.Series, pd.Series]:
    """A signed 19-digit user hash as a CSV holds it: some cells in E-notation (which makes
    duplicates), and the same cells as numbers after parsing."""
    rng = np.random.default_rng(seed)
    values = rng.integers(-(2**63), 2**63 - 1, n, dtype=np.int64)
    values[values > 0] = np.maximum(values[values > 0], 10**18)  # 19 digits, like the export
    values[values < 0] = np.minimum(values[values < 0], -(10**18))
    text = pd.Series([str(v) for v in values])
    short = rng.choice(n, 40, replace=False)
    text[short] = [f"{float(values[i]):.4E}" for i in short]  # -1.0979E+18
    text[short[:3]] = text[short[3]]  # a few duplicates
    return pd.to_numeric(text).astype("float64"), text


def test_a_signed_19_digit_hash_with_e_notation_cells_is_an_identifier_kept_as_written():
    numbers, text = _hashes()
    assert numbers.nunique() < len(numbers)  # duplicates, so not "unique on every row"
    column_info, values = infer_column("user", numbers, text)
    assert column_info.role == Role.IDENTIFIER
    assert "19 digits" in column_info.reason and "id stored as numbers" in column_info.reason
    assert "written like" in column_info.reason and "E+18" in column_info.reason
    assert values.tolist() == text.tolist()  # exactly as read: no 2.347567364561868e+18


def test_huge_near_unique_whole_numbers_are_identifiers_from_a_typed_source_too():
    numbers, _ = _hashes()
    column_info, values = infer_column("user", numbers)
    assert column_info.role == Role.IDENTIFIER and "E+" not in column_info.reason
    assert values is numbers or values.equals(numbers)


@pytest.mark.parametrize("values", [
    np.linspace(1e9, 5e12, 400).round(),  # bytes up to terabytes: a measure, 13 digits at most
    np.random.default_rng(1).normal(0, 1e16, 400),  # huge but not whole numbers
])
def test_large_measures_are_not_taken_for_ids(values):
    assert infer_column("zipped_size", pd.Series(values))[0].role == Role.NUMERIC


def test_a_few_repeated_huge_numbers_are_not_an_id():
    values = pd.Series(np.repeat([1.2e18, 3.4e18, -5.6e18], 100))
    assert infer_column("x", values)[0].role != Role.IDENTIFIER


def test_e_notation_marks_shorter_ids_as_written_by_a_spreadsheet():
    rng = np.random.default_rng(2)
    ids = rng.integers(10**11, 10**12, 300)
    text = pd.Series([f"{float(v):.5E}" if i % 3 == 0 else str(v) for i, v in enumerate(ids)])
    column_info, values = infer_column("ref", pd.to_numeric(text), text)
    assert column_info.role == Role.IDENTIFIER and values.tolist() == text.tolist()
    # the same 12-digit numbers without E-notation may be a measure (an amount in a small currency)
    assert infer_column("ref", pd.Series(ids.astype(float)))[0].role == Role.NUMERIC


def test_a_small_e_notation_measure_is_not_an_id():
    text = pd.Series([f"{v:.3E}" for v in np.random.default_rng(3).gamma(2, 1e-5, 200)])
    assert infer_column("p_value", pd.to_numeric(text), text)[0].role == Role.NUMERIC


def test_zero_padded_zip_codes_are_codes_kept_as_text():
    rng = np.random.default_rng(0)
    text = pd.Series(rng.choice(["00501", "02134", "10001", "94105", "60601"], 300))
    column_info, values = infer_column("zip", pd.to_numeric(text), text)
    assert column_info.role == Role.CATEGORICAL
    assert column_info.reason == f"holds codes with leading zeros (such as {text[text.str.startswith('0')].iloc[0]}), "\
        "kept as written; 5 different values"
    assert set(values) == {"00501", "02134", "10001", "94105", "60601"}  # never 501


def test_many_zero_padded_codes_are_identifiers_kept_as_text():
    text = pd.Series([f"{i:06d}" for i in range(0, 3000, 7)] * 2)
    column_info, values = infer_column("account", pd.to_numeric(text), text)
    assert column_info.role == Role.IDENTIFIER and values.tolist() == text.tolist()
    assert "leading zeros" in column_info.reason


def test_zero_padded_text_from_a_typed_source_is_never_numbers():
    text = pd.Series(["00501", "02134", "10001", "00501"] * 10)
    column_info, values = infer_column("postal", text)
    assert column_info.role == Role.CATEGORICAL and values.tolist() == text.tolist()
    many = pd.Series([f"{i:05d}" for i in range(200)] * 2)
    assert infer_column("place", many)[0].role == Role.IDENTIFIER


def test_a_missing_cell_of_a_zero_padded_column_stays_missing():
    text = pd.Series(["00501", "", "02134", "NA"] * 10)
    numbers = pd.to_numeric(text.replace({"": None, "NA": None}))
    column_info, values = infer_column("zip", numbers, text)
    assert column_info.n_missing == 20
    assert values.isna().tolist() == [False, True, False, True] * 10
    assert values.dropna().tolist() == ["00501", "02134"] * 10


@pytest.mark.parametrize("name", [
    "id", "user_id", "userID", "customerId", "USER_ID", "hash", "userHash", "uuid", "GUID", "order_key",
    "zip", "zipcode", "ZipCode", "Zip Code", "postcode", "postal_code", "phone", "PhoneNumber", "msisdn",
    "iban", "sku", "ean", "Account Number", "account_no", "customer #", "code",
])
def test_id_like_names_of_many_different_whole_numbers_are_identifiers(name):
    values = pd.Series(np.random.default_rng(0).integers(10_000, 12_000, 2000))  # repeats: many, not all
    assert 0.5 < values.nunique() / len(values) < 0.95
    column_info = infer_column(name, values)[0]
    assert column_info.role == Role.IDENTIFIER, column_info.reason
    assert "id-like name" in column_info.reason


@pytest.mark.parametrize("name", [
    "amount_paid", "video_views", "keyboard_time", "decode_ms", "valid", "zipped_size", "paid", "bid",
    "phone_minutes", "key_presses", "hashtags_used", "num_codes", "days", "visits",
])
def test_names_that_merely_contain_an_id_word_stay_numeric(name):
    values = pd.Series(np.random.default_rng(0).integers(0, 5000, 2000))
    column_info = infer_column(name, values)[0]
    assert column_info.role == Role.NUMERIC and column_info.suggested is None, (name, column_info.reason)


@pytest.mark.parametrize("name,expected", [
    ("customerID", ["customer", "id"]), ("Zip Code", ["zip", "code"]), ("num_children", ["num", "children"]),
    ("HTTPStatus", ["http", "status"]), ("tenureDays2", ["tenure", "days", "2"]), ("# of orders", ["#", "of", "orders"]),
])
def test_name_words(name, expected):
    assert name_tokens(name) == expected


@pytest.mark.parametrize("name,kind", [
    ("postcode_region", "id"), ("phone_minutes", "measure"), ("account_number", "id"), ("age_group", "code"),
    ("num_children", "measure"), ("n_visits", "measure"), ("acquisitionChannel", "code"), ("#", "counter"),
    ("No.", "counter"), ("row", "counter"), ("index", "counter"), ("days_since_last_order", "measure"),
    ("status", "code"), ("valid", None), ("x", None),
])
def test_what_a_name_says(name, kind):
    assert name_kind(name)[0] == kind


@pytest.mark.parametrize("name,values,reason", [
    ("row", list(range(1, 31)), "numbers the rows 1 to 30 in order"),
    ("x", list(range(40)), "numbers the rows 0 to 39 in order"),
    ("#", [1, 2, 3, 5, 8, 9], "is named like a row number (#) and goes up on every row"),
    ("No.", [3, 4, 10, 11], "is named like a row number (No.) and goes up on every row"),
])
def test_row_counters_are_identifiers(name, values, reason):
    column_info = infer_column(name, pd.Series(values))[0]
    assert column_info.role == Role.IDENTIFIER and column_info.reason == reason


@pytest.mark.parametrize("name,values", [
    ("x", list(range(1, 11))),  # ten rows in order: too few to say
    ("x", list(range(1, 31))[::-1]),  # counting down: not a row number
    ("#", [3, 1, 2, 4]),  # not in order
    ("visits", list(range(1, 31))),
])
def test_what_is_not_a_row_counter(name, values):
    assert infer_column(name, pd.Series(values))[0].role != Role.IDENTIFIER


def test_a_low_cardinality_postcode_region_is_a_category_not_a_measure():
    values = pd.Series(np.random.default_rng(0).integers(1, 6, 300))
    column_info, converted = infer_column("postcode_region", values)
    assert column_info.role == Role.CATEGORICAL
    assert column_info.reason == "whole numbers 1 to 5 used as codes for regions"
    assert set(converted) == {"1", "2", "3", "4", "5"}


# --- coded categories ----------------------------------------------------------------------------

@pytest.mark.parametrize("name,low,high,reason", [
    ("region", 0, 2, "whole numbers 0, 1 and 2 used as codes for regions"),
    ("acquisition_channel", 1, 8, "whole numbers 1 to 8 used as codes for channels"),
    ("title", 1, 3, "whole numbers 1, 2 and 3 used as codes for titles"),
    ("customerSegment", 1, 5, "whole numbers 1 to 5 used as codes for segments"),
    ("Country", 1, 40, "whole numbers 1 to 40 used as codes for countries"),
    ("account_status", 0, 3, "whole numbers 0 to 3 used as codes for statuses"),
    ("store_id", 1, 9, "whole numbers 1 to 9 used as codes for stores"),
])
def test_whole_numbers_under_a_name_that_says_kind_are_categories(name, low, high, reason):
    values = pd.Series(np.random.default_rng(0).integers(low, high + 1, 2000))
    column_info, converted = infer_column(name, values)
    assert column_info.role == Role.CATEGORICAL and column_info.reason == reason
    assert converted.dtype == object and set(converted) == {str(v) for v in range(low, high + 1)}


def test_codes_read_from_a_file_keep_their_text():
    text = pd.Series(["1", "8", "", "3"] * 10)
    numbers = pd.to_numeric(text.replace("", None)).astype("float64")  # 1.0, 8.0, NaN, 3.0
    column_info, converted = infer_column("channel", numbers, text)
    assert column_info.role == Role.CATEGORICAL and column_info.n_missing == 10
    assert converted.fillna("missing").tolist()[:4] == ["1", "8", "missing", "3"]


def test_low_cardinality_whole_numbers_without_a_hint_are_offered_as_categories():
    values = pd.Series(np.random.default_rng(0).integers(1, 9, 500))
    column_info, converted = infer_column("q7", values)
    assert column_info.role == Role.NUMERIC and column_info.suggested == Role.CATEGORICAL
    assert column_info.reason == "holds only the whole numbers 1 to 8: they could be counts, or codes for categories"
    assert converted.equals(values)


@pytest.mark.parametrize("name", ["num_children", "n_visits", "orders", "days", "age", "quantity", "count",
                                  "score", "rating", "likes", "numberOfPets", "sessions_per_week"])
def test_counts_with_measure_names_stay_numeric_with_no_suggestion(name):
    column_info = infer_column(name, pd.Series(np.random.default_rng(0).integers(0, 6, 500)))[0]
    assert column_info.role == Role.NUMERIC and column_info.suggested is None
    assert column_info.reason == "holds numbers"


@pytest.mark.parametrize("values", [
    np.random.default_rng(0).integers(0, 500, 2000),  # many values: a measure
    np.random.default_rng(0).normal(size=2000),  # not whole numbers
    [1, 2, 3, 4, 5],  # as many values as rows: nothing says codes
])
def test_what_is_not_offered_as_categories(values):
    column_info = infer_column("q7", pd.Series(values))[0]
    assert column_info.role == Role.NUMERIC and column_info.suggested is None


def test_kind_names_with_fractions_or_many_values_stay_numbers():
    rng = np.random.default_rng(0)
    assert infer_column("region", pd.Series(rng.normal(size=200)))[0].role == Role.NUMERIC
    many = infer_column("region", pd.Series(rng.integers(0, 5000, 20_000)))[0]
    assert many.role == Role.NUMERIC


def test_digit_text_from_a_typed_source_stays_categories():
    frame = pd.DataFrame({"tier": ["1", "2", "3", "2"] * 10, "answer": ["10", "20", "30", "40"] * 10})
    reasons = {"tier": "holds numbers stored as text, used as 3 categories",
               "answer": "holds numbers stored as text, used as 4 categories"}
    for name in frame:
        column_info, converted = infer_column(name, frame[name])
        assert column_info.role == Role.CATEGORICAL and column_info.reason == reasons[name]
        assert converted.tolist() == frame[name].tolist()


# --- one value, yes/no ---------------------------------------------------------------------------

@pytest.mark.parametrize("values,reason", [
    ([5] * 30, "has the same value (5) on every row"),
    ([5.0] * 30, "has the same value (5) on every row"),
    (["EUR"] * 30, "has the same value (EUR) on every row"),
    (["EUR"] * 28 + [None, ""], "has the same value (EUR) on every row that has one (2 are empty)"),
    ([True] * 30, "has the same value (True) on every row"),
    ([1] * 30, "has the same value (1) on every row"),
])
def test_a_column_with_one_value_is_ignored(values, reason):
    column_info, _ = infer_column("currency", pd.Series(values, dtype=object if None in values else None))
    assert column_info.role == Role.IGNORED and column_info.reason == reason


def test_a_one_value_column_says_its_value_as_written():
    text = pd.Series(["007"] * 20)
    column_info, _ = infer_column("agent", pd.to_numeric(text), text)
    assert column_info.role == Role.IGNORED and column_info.reason == "has the same value (007) on every row"


def test_a_single_row_is_not_called_a_one_value_column():
    assert infer_column("spend", pd.Series([3.5]))[0].role == Role.NUMERIC


@pytest.mark.parametrize("values,expected", [
    (["oui", "non", "Oui"], [True, False, True]),
    (["ja", "Nein", "ja"], [True, False, True]),
    (["si", "no", "Sí"], [True, False, True]),
    (["1", "0", "1"], [True, False, True]),
    (["Y", "N", None], [True, False, None]),
])
def test_yes_no_in_other_languages_and_digit_text(values, expected):
    converted = boolean_values(pd.Series(values))
    assert [None if pd.isna(v) else bool(v) for v in converted] == expected


@pytest.mark.parametrize("values", [["ja", "ja", None], ["si", "maybe", "no"], ["t", "f", "y", "n", "1"], ["no", "n"]])
def test_one_yes_no_word_or_words_beside_others_are_not_yes_no(values):
    assert boolean_values(pd.Series(values)) is None


def test_yes_no_words_mixed_in_one_column_are_one_yes_no():
    converted = boolean_values(pd.Series(["Y", "yes", "N", "no"]))
    assert converted.tolist() == [True, True, False, False]


# --- dates: one order per column -----------------------------------------------------------------

def test_a_date_that_only_reads_day_first_makes_the_whole_column_day_first():
    values = pd.Series(["03/04/2024", "13/04/2024", "01/02/2024"] * 5)
    parsed, reading = read_dates(values)
    assert parsed.tolist()[:3] == [pd.Timestamp("2024-04-03"), pd.Timestamp("2024-04-13"), pd.Timestamp("2024-02-01")]
    assert reading.dayfirst is True and not reading.assumed and reading.example == "13/04/2024"
    assert reading.words == "holds dates and times, read day first: 13/04/2024 can only be 13 April 2024"
    column_info, _ = infer_column("joined", values)
    assert column_info.role == Role.DATETIME and column_info.reason == reading.words


def test_a_few_day_first_dates_among_many_ambiguous_ones_still_decide():
    values = pd.Series(["03/04/2024"] * 97 + ["13/04/2024"] * 3)
    parsed, reading = read_dates(values)
    assert reading.dayfirst is True and (parsed.dt.month == 4).all()


def test_a_column_that_never_tells_is_read_month_first_and_says_it_assumed():
    parsed, reading = read_dates(pd.Series(["03/04/2024", "05/06/2024"] * 5))
    assert parsed.iloc[0] == pd.Timestamp("2024-03-04")
    assert reading.dayfirst is False and reading.assumed and reading.example == "03/04/2024"
    assert reading.words == ("holds dates and times, read month first: nothing in the column tells "
                             "(03/04/2024 could be 4 March 2024 or 3 April 2024)")


def test_dayfirst_chooses_the_order():
    values = pd.Series(["03/04/2024", "05/06/2024"] * 5)
    assert datetime_values(values, dayfirst=True).iloc[0] == pd.Timestamp("2024-04-03")
    assert datetime_values(values, dayfirst=False).iloc[0] == pd.Timestamp("2024-03-04")
    assert date_format_of(values, dayfirst=True) == "%d/%m/%Y"
    assert date_format_of(values, dayfirst=False) == "%m/%d/%Y"
    column_info, parsed = infer_column("joined", values, dayfirst=True)
    assert column_info.reason == "holds dates and times, read day first" and parsed.iloc[0].month == 4


def test_dayfirst_is_never_mixed_with_the_other_order():
    # month first asked: "13/04/2024" cannot be read, so it is not quietly read day first
    values = pd.Series(["03/04/2024"] * 98 + ["13/04/2024"] * 2)
    parsed = datetime_values(values, dayfirst=False)
    assert parsed.iloc[0] == pd.Timestamp("2024-03-04")
    assert parsed.iloc[-2:].isna().all() and parsed.iloc[:-2].notna().all()
    # half and half cannot be one order: not dates
    assert datetime_values(pd.Series(["03/04/2024", "13/04/2024"] * 5), dayfirst=False) is None


def test_unambiguous_formats_need_no_order():
    _, reading = read_dates(pd.Series(["2024-03-04", "22 Apr 2018"] * 5))
    assert reading.dayfirst is None and reading.example is None and reading.words == "holds dates and times"
    assert date_format_of(pd.Series(["2024-03-04"] * 5)) == "ISO8601"
    assert date_format_of(pd.Series(["soon", "later"])) is None


def test_the_demo_dates_are_read_month_first_with_the_evidence(demo_table):
    info = demo_table.columns["status_published"]
    assert info.reason == "holds dates and times, read month first: 4/22/2018 6:00 can only be 22 April 2018"


def test_dotted_dates_are_day_first():
    parsed, reading = read_dates(pd.Series(["03.04.2024", "05.06.2024"] * 5))
    assert parsed.iloc[0] == pd.Timestamp("2024-04-03") and reading.dayfirst is True and not reading.assumed


# --- a person's choice ------------------------------------------------------------------------------

def test_the_roles_a_person_can_set():
    assert SETTABLE_ROLES == ("numeric", "categorical", "boolean", "identifier", "ignored")
    assert Role.IGNORED == "ignored" and all(Role(r) for r in SETTABLE_ROLES)


@pytest.mark.parametrize("role", ["auto", "datetime", "empty", "measure"])
def test_roles_a_person_cannot_set_are_refused_in_words(role):
    with pytest.raises(SegwidgetsValueError, match="region can't be set to") as caught:
        convert_column("region", pd.Series([1, 2]), None, role)
    assert "numeric, categorical, boolean, identifier, ignored" in str(caught.value)


def test_codes_set_to_categories_come_from_the_text_as_read():
    text = pd.Series(["00501", "02134", "", "10001"])
    numbers = pd.to_numeric(text.replace("", None))
    column_info, converted = convert_column("zip", numbers, text, "categorical")
    assert converted.tolist()[:2] == ["00501", "02134"] and pd.isna(converted.iloc[2])
    assert column_info == ColumnInfo("zip", Role.CATEGORICAL, "set by you", 1, 3, None, True)


def test_typed_codes_set_to_categories_lose_no_decimals_they_never_had():
    _, converted = convert_column("channel", pd.Series([1.0, 8.0, np.nan, 3.0]), None, Role.CATEGORICAL)
    assert converted.tolist()[:2] == ["1", "8"] and pd.isna(converted.iloc[2])


def test_categories_set_back_to_numbers():
    column_info, converted = convert_column("tier", pd.Series(["1", "2", "", "3"]), None, "numeric")
    assert converted.tolist()[:2] == [1.0, 2.0] and pd.isna(converted.iloc[2])
    assert column_info.role == Role.NUMERIC and column_info.set_by_person and column_info.reason == "set by you"
    _, money = convert_column("spend", pd.Series(["$1,200.50", "(3)", "n/a"]), None, "numeric")
    assert money.tolist()[:2] == [1200.5, -3.0] and pd.isna(money.iloc[2])
    numbers = pd.Series([1.0, 2.0])
    assert convert_column("x", numbers, pd.Series(["1", "2"]), "numeric")[1].equals(numbers)


def test_text_that_is_not_numbers_is_refused_with_an_example():
    with pytest.raises(SegwidgetsValueError) as caught:
        convert_column("plan", pd.Series(["basic", "12", "pro", "pro"]), None, "numeric")
    assert str(caught.value) == "plan can't be used as numbers: 'basic' is not a number (3 cells like it)."


def test_yes_no_set_by_a_person():
    info_, converted = convert_column("member", pd.Series(["Y", "N", None]), None, "boolean")
    assert converted.tolist()[:2] == [True, False] and info_.reason == "set by you"
    info_, converted = convert_column("sex", pd.Series([1, 2, 2, 1]), pd.Series(["1", "2", "2", "1"]), "boolean")
    assert converted.tolist() == [False, True, True, False]
    assert info_.reason == "set by you (2 is yes, 1 is no)"
    info_, converted = convert_column("opted_in", pd.Series(["x", "", "x", None]), None, "boolean")
    assert converted.tolist() == [True, False, True, False]
    assert info_.reason == "set by you (yes where it says x, no where it is empty)"


def test_more_than_two_values_cannot_be_yes_no():
    with pytest.raises(SegwidgetsValueError) as caught:
        convert_column("plan", pd.Series(["basic", "plus", "pro", "basic"]), None, "boolean")
    assert str(caught.value) == "plan can't be a yes/no column: it has 3 different values (basic, plus, pro)."


def test_identifiers_and_ignored_columns_set_by_a_person():
    numbers, text = _hashes(50)
    column_info, converted = convert_column("user", numbers, text, "identifier")
    assert column_info.role == Role.IDENTIFIER and converted.tolist() == text.tolist()
    spend = pd.Series([1.5, 2.5, 3.5])
    column_info, converted = convert_column("spend", spend, None, "ignored")
    assert column_info.role == Role.IGNORED and column_info.set_by_person and converted.equals(spend)


def test_inferred_roles_are_not_set_by_a_person():
    column_info = infer_column("spend", pd.Series([1.5, 2.5, 3.5]))[0]
    assert column_info.set_by_person is False and column_info.suggested is None


def test_one_stray_leading_zero_among_ordinary_numbers_is_not_a_code():
    text = pd.Series([str(v) for v in np.random.default_rng(0).integers(1, 900, 400)] + ["007"])
    column_info, values = infer_column("x", pd.to_numeric(text), text)
    assert column_info.role == Role.NUMERIC and values.iloc[-1] == 7
    # a measure name keeps even consistently padded numbers numeric
    padded = pd.Series([f"{v:03d}" for v in np.random.default_rng(0).integers(0, 120, 400)])
    assert infer_column("quantity", pd.to_numeric(padded), padded)[0].role == Role.NUMERIC
    assert infer_column("agent", pd.to_numeric(padded), padded)[0].role == Role.IDENTIFIER


@pytest.mark.parametrize("dtype", [object, "string", "string[pyarrow]"])
def test_text_of_every_string_kind_is_stripped_and_blank_cells_are_missing(dtype):
    column = pd.Series(["video ", "   ", None, "photo", "video"] * 10, dtype=dtype)
    info, values = infer_column("kind", column)
    assert (info.role, info.n_missing, info.n_unique) == (Role.CATEGORICAL, 20, 2)
    assert set(values.dropna()) == {"video", "photo"}
