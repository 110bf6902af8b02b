"""Exports as analysts really bring them load the way a careful analyst would read them,
are segmented on the right columns, get names a marketer would write, and come back out
cell for cell.

The corpus is ``tests/data/exports/`` (made by ``make_exports.py``; its README says what each
file imitates). Everything goes through the public API: ``Segmentation(path, ...)``, its
``table`` (roles, notes, options), ``features``, ``segment_names``, ``labels_frame()``,
``save()``, ``spec`` and ``from_spec`` / ``load``.

Run ``python tests/stories/test_real_exports.py`` to print the generated names of every
corpus file at k = 4 (``pytest -s -k names_at_k4`` prints the same table).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

if __name__ == "__main__":  # run as a script from anywhere: the repository's package
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from segwidgets import Segmentation
from segwidgets.core.io import ReadOptions, read_table
from segwidgets.core.spec import SegmentationSpec
from segwidgets.errors import SegwidgetsValueError

HERE = Path(__file__).resolve().parents[1] / "data" / "exports"
_spec = importlib.util.spec_from_file_location("make_exports", HERE / "make_exports.py")
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

FILES = tuple(corpus.FILES)
CSV_FILES = tuple(name for name in FILES if name.endswith(".csv"))
CRM, EUROPEAN, MARKET, ACTIVITY, APP = FILES

#: The role a careful analyst gives each column (a tuple: any of these will do).
ROLES: dict[str, dict[str, str | tuple[str, ...]]] = {
    CRM: {
        "user_hash": "identifier", "customer_id": "identifier", "zip": "identifier",
        "country": "ignored",  # "US" on every row
        "region": "categorical", "acquisition_channel": "categorical", "title": "categorical",
        "segment": "categorical", "signup_date": "datetime",
        "tenureDays": "numeric", "tenure_months": "numeric", "tenure_years": "numeric",
        "hasApp": "boolean", "newsletter": "boolean", "bought_shoes": "boolean", "bought_bags": "boolean",
        "bought_accessories": "boolean", "any_purchase": "boolean",
        "orders": "numeric", "sessions": "numeric", "avg_basket": "numeric",
        "last_order_date": "datetime", "preferred_store": "categorical",
        "notes": ("categorical", "identifier", "ignored"),  # free text: never a default feature
    },
    EUROPEAN: {
        "customer_id": "identifier", "city": "categorical", "country": "categorical", "signup": "datetime",
        "visits": "numeric", "items": "numeric", "revenue": "numeric", "discount": "numeric",
        "conversion": "numeric",
    },
    MARKET: {
        "sellerId": "identifier", "sellerCode": "identifier", "category": "categorical",
        "warehouse": "categorical", "joinedOn": "datetime", "numListings": "numeric", "numSales": "numeric",
        "avgRating": "numeric", "returnRate": "numeric", "isVerified": "boolean", "revenue": "numeric",
        "revenuePerListing": ("empty", "ignored"),  # formulas without saved values: nothing to use
    },
    ACTIVITY: {
        "member_id": "identifier", "segment": "categorical", "segwidgets_segment": "categorical",
        "segment_name": "categorical", **{m: "numeric" for m in corpus.ACTIVITY_MEASURES},
    },
    APP: {
        "device_id": "identifier", "account_key": "identifier", "plan": "categorical", "store": "categorical",
        "country": "categorical", "app_version": "ignored", "is_trial": "boolean", "sessions": "numeric",
        "minutes": "numeric", "purchases": "numeric", "last_seen": "datetime",
    },
}
TENURE = ("tenureDays", "tenure_months", "tenure_years")
#: The default features (for the CRM file: besides exactly one of the tenure columns).
DEFAULTS: dict[str, set[str]] = {
    CRM: {"hasApp", "newsletter", "bought_shoes", "bought_bags", "bought_accessories", "orders", "sessions",
          "avg_basket"},
    EUROPEAN: {"visits", "items", "revenue", "discount", "conversion"},
    MARKET: {"numListings", "numSales", "avgRating", "returnRate", "isVerified", "revenue"},
    ACTIVITY: set(corpus.ACTIVITY_MEASURES),
    APP: {"is_trial", "sessions", "minutes", "purchases"},
}
#: Columns that must come back out exactly as they went in: ids, codes, and text like "NA".
KEPT_EXACTLY: dict[str, tuple[str, ...]] = {
    CRM: ("user_hash", "customer_id", "zip", "region", "acquisition_channel", "title", "preferred_store"),
    EUROPEAN: ("customer_id",),
    MARKET: ("sellerId", "sellerCode", "warehouse"),
    ACTIVITY: ("member_id", "segment", "segwidgets_segment", "segment_name"),
    APP: ("device_id", "account_key", "plan", "store"),
}
#: Of those, the columns an export must write as text (as numbers Excel would round or strip them).
TEXT_IN_EXCEL: dict[str, tuple[str, ...]] = {
    CRM: ("user_hash", "zip"), EUROPEAN: (), MARKET: ("sellerCode", "warehouse"),
    ACTIVITY: ("member_id",), APP: ("device_id", "plan", "store"),
}
#: Notes that must be there: each tuple's words all in one note (column names as whole words).
NOTES: dict[str, list[tuple[str, ...]]] = {
    CRM: [("user_hash",), ("customer_id",), ("zip",), ("country",), ("any_purchase",)],
    EUROPEAN: [("latin-1",), ("NUL",), ("decimal",), ("thousand",), ("discount", "%"), ("visits", "unknown"),
               ("customer_id",)],
    MARKET: [("Sellers",), ("Read me",), ("Lookups",), ("formula", "revenuePerListing"), ("sellerCode",)],
    ACTIVITY: [("member_id",)],
    APP: [("app_version",), ("device_id",)],
}
#: Numbers and digit text that are codes: the reason a person sees for the role says so.
CODES: dict[str, tuple[str, ...]] = {
    CRM: ("zip", "region", "acquisition_channel", "title"), EUROPEAN: (),
    MARKET: ("sellerCode", "warehouse"), ACTIVITY: ("segwidgets_segment",), APP: ("plan", "store"),
}


# ----------------------------------------------------------------- helpers
def path_of(name: str) -> str:
    return str(HERE / name)


def decode(data: bytes) -> str:
    """CSV bytes as text: UTF-8 (with or without a byte order mark), else Windows Latin-1."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def csv_cells(data: bytes) -> tuple[list[str], dict[str, list[str]]]:
    """The header and every column's cells as text, read with the csv module (no conversion)."""
    text = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=first.count)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header, body = rows[0], rows[1:]
    assert all(len(row) == len(header) for row in body), "every row has a cell per column"
    return header, {name: [row[i] for row in body] for i, name in enumerate(header)}


def text_of(value: object) -> str:
    """A cell as text the way a person reads it: empty for missing, ints without ".0"."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    return str(value)


def input_cells(name: str) -> tuple[list[str], dict[str, list]]:
    """The corpus file's header and cells as its own format gives them: CSV text, openpyxl
    values of the data sheet, or the Parquet file's values."""
    path = HERE / name
    if name.endswith(".csv"):
        return csv_cells(path.read_bytes())
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(path)[corpus.MARKET_SHEETS[1]]
        rows = list(sheet.iter_rows(min_row=corpus.MARKET_HEADER_ROW, values_only=True))
        header = [str(v) for v in rows[0]]
        return header, {h: [row[i] for row in rows[1:]] for i, h in enumerate(header)}
    frame = pd.read_parquet(path)
    return list(frame.columns), {c: frame[c].tolist() for c in frame.columns}


def mentions(note: str, word: str) -> bool:
    """``word`` in ``note``: a column name as a whole word, other words case-insensitively."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", word) and (word != word.lower() or "_" in word
                                                         or word in COLUMN_WORDS):
        return re.search(rf"(?<![A-Za-z0-9_]){re.escape(word)}(?![A-Za-z0-9_])", note) is not None
    return word.lower() in note.lower()


#: Column names that are plain words ("zip", "region"): matched as whole words, case and all.
COLUMN_WORDS = {c for roles in ROLES.values() for c in roles if c.isalpha() and c.islower()}


def said(notes: list[str], *words: str) -> bool:
    """Whether one note holds every one of ``words``."""
    return any(all(mentions(note, w) for w in words) for note in notes)


def raw_identifiers(header: list[str]) -> set[str]:
    """Header names a marketer would never write: snake_case, camelCase or with digits."""
    return {h for h in header if "_" in h or re.search(r"[a-z][A-Z]", h) or re.search(r"\d", h)}


def name_problems(names: list[str], header: list[str]) -> list[str]:
    """What is wrong with a set of generated names (empty: nothing)."""
    problems = []
    raw = raw_identifiers(header)
    for name in names:
        for column in raw:
            if column in name:
                problems.append(f"{name!r} contains the column name {column!r}")
        for word in re.findall(r"[^\s·,;()/]+", name):
            if "_" in word or re.search(r"[a-z][A-Z]", word):
                problems.append(f"{name!r} contains the identifier {word!r}")
        if re.search(r"\s\d+$", name):
            problems.append(f"{name!r} ends in a number")
        if not name.strip():
            problems.append("an empty name")
    if len(set(names)) != len(names):
        problems.append(f"names repeat: {names}")
    return problems


def segment_totals(model: Segmentation) -> dict[int, float]:
    """Mean total activity (sum of the five measures) of each segment of an activity model."""
    _, cells = csv_cells((HERE / ACTIVITY).read_bytes())
    total = np.sum([np.array(cells[m], dtype=float) for m in corpus.ACTIVITY_MEASURES], axis=0)
    labels = np.asarray(model.labels)
    return {int(s): float(total[labels == s].mean()) for s in model.segment_names}


def formula_like(cell: str) -> bool:
    """A cell a spreadsheet would run: it starts with = + - @ (or a tab / CR) and is not a number."""
    if not cell or cell[0] not in "=+-@\t\r":
        return False
    try:
        float(cell.replace(",", "."))
    except ValueError:
        return True
    return False


def export_sheet(path: Path, header: list[str]):
    """The sheet of an exported workbook whose first row starts with the input's header."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    for sheet in book.worksheets:
        first = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]
        if [text_of(v) for v in first[:len(header)]] == header:
            return book, sheet
    raise AssertionError(f"no sheet of {path.name} starts with the input's header; "
                         f"sheets: {book.sheetnames}")


@pytest.fixture(scope="module")
def models() -> Iterator[dict[str, Segmentation]]:
    """One model per corpus file at k=4, default settings; shared by the tests that only read it."""
    made: dict[str, Segmentation] = {}

    class Lazy(dict):
        def __missing__(self, name: str) -> Segmentation:
            made[name] = self[name] = Segmentation(path_of(name), k=4, background=False)
            return made[name]

    yield Lazy()
    for model in made.values():
        model.close()


@pytest.fixture
def closing() -> Iterator[list[Segmentation]]:
    """Models a test makes for itself, closed after it."""
    made: list[Segmentation] = []
    yield made
    for model in made:
        model.close()


# ----------------------------------------------------------------- the corpus
def test_the_generator_writes_the_committed_files(tmp_path):
    written = corpus.write(tmp_path)
    assert [p.name for p in written] == list(FILES)
    sizes = {p.name: (HERE / p.name).stat().st_size for p in written}
    assert all(size < 150 * 1024 for size in sizes.values()), sizes
    assert sum(sizes.values()) < 1024 * 1024
    for path in written:
        committed = HERE / path.name
        if path.suffix == ".csv":
            assert path.read_bytes() == committed.read_bytes(), f"run {HERE / 'make_exports.py'}"
        elif path.suffix == ".xlsx":  # the same cells (another openpyxl may lay the file out otherwise)
            from openpyxl import load_workbook

            made, kept = load_workbook(path), load_workbook(committed)
            assert made.sheetnames == kept.sheetnames
            for a, b in zip(made.worksheets, kept.worksheets):
                assert list(a.values) == list(b.values), a.title
                assert {str(r) for r in a.merged_cells.ranges} == {str(r) for r in b.merged_cells.ranges}
        else:
            pd.testing.assert_frame_equal(pd.read_parquet(path), pd.read_parquet(committed))


def test_the_files_are_what_the_readme_says():
    header, cells = csv_cells((HERE / CRM).read_bytes())
    hashes = cells["user_hash"]
    assert all(re.fullmatch(r"-?\d{19}|-?\d\.\d{4}E\+18", h) for h in hashes)
    assert 0.05 < np.mean(["E+" in h for h in hashes]) < 0.15
    assert len(set(hashes)) < len(hashes)  # a few people twice
    assert cells["zip"][0] == "00501" and all(re.fullmatch(r"\d{5}", z) for z in cells["zip"])
    assert set(cells["region"]) == {"0", "1", "2"} and set(cells["acquisition_channel"]) == set("12345678")
    assert set(cells["hasApp"]) == {"TRUE", "FALSE"} and set(cells["newsletter"]) == {"Y", "N"}
    assert "NA" in cells["preferred_store"]
    assert cells["notes"][corpus.CRM_FORMULA_ROW].startswith("=HYPERLINK(")
    data = (HERE / EUROPEAN).read_bytes()
    assert b"\x00" in data and "Köln".encode("cp1252") in data
    header, cells = csv_cells(data)
    assert header[0] == "customer_id" and len(header) == 9
    assert cells["signup"][:2] == ["03/04/2024", "13/04/2024"]
    assert cells["items"][0] == "1.234" and cells["revenue"][2:4] == ["1.234,50", "2.000"]
    assert cells["discount"][:2] == ["45%", "0,45"] and cells["conversion"][0] == "12,5 %"
    assert cells["visits"][corpus.EU_UNKNOWN_ROW] == "unknown"
    _, cells = csv_cells((HERE / ACTIVITY).read_bytes())
    zero = np.sum([np.array(cells[m], dtype=int) for m in corpus.ACTIVITY_MEASURES], axis=0) == 0
    assert zero.mean() > 0.35  # a large group of inactive members


# ----------------------------------------------------------------- roles, notes, features
@pytest.mark.parametrize("name", FILES)
def test_roles_are_the_ones_a_careful_analyst_gives(models, name):
    table = models[name].table
    assert set(table.columns) == set(ROLES[name]), "every column is read, under its header's name"
    wrong = {}
    for column, expected in ROLES[name].items():
        allowed = (expected,) if isinstance(expected, str) else expected
        role = table.columns[column].role.value
        if role not in allowed:
            wrong[column] = f"{role} ({table.columns[column].reason}), not {' or '.join(allowed)}"
    assert not wrong, wrong
    for column, info in table.columns.items():
        assert info.reason.strip(), f"{column} has a role but no reason"
        assert not info.set_by_person, column
    for column in CODES[name]:
        reason = table.columns[column].reason
        assert re.search(r"code|categor|label", reason, re.IGNORECASE), f"{column}: {reason!r} does not say it is a code"
    if name == MARKET:  # not "has no values": it holds formulas whose results were never saved
        assert "formula" in table.columns["revenuePerListing"].reason.lower()


@pytest.mark.parametrize("name", FILES)
def test_the_notes_say_what_was_assumed(models, name):
    notes = models[name].table.notes
    missing = [words for words in NOTES[name] if not said(notes, *words)]
    assert not missing, f"no note mentions {missing}; the notes: {notes}"


@pytest.mark.parametrize("name", FILES)
def test_default_features_are_the_measures_and_nothing_else(models, name):
    model = models[name]
    features = set(model.table.default_features())
    assert set(model.features) == features
    if name == CRM:
        assert len(features & set(TENURE)) == 1, f"one tenure column, not {sorted(features & set(TENURE))}"
        features -= set(TENURE)
    assert features == DEFAULTS[name]
    roles = model.table.columns
    assert not [f for f in features if roles[f].role.value in ("identifier", "datetime", "ignored", "empty")]


def test_the_same_quantity_is_chosen_once_and_the_others_are_listed(models):
    table = models[CRM].table
    kept = next(t for t in TENURE if t in table.default_features())
    others = set(TENURE) - {kept}
    assert set(table.redundant) == others | {"any_purchase"}
    for column in others:
        assert table.redundant[column].kept == kept
        assert table.redundant[column].reason.strip()
        assert said(table.notes, column)
    summary = table.redundant["any_purchase"]
    assert all(flag in summary.kept for flag in ("bought_shoes", "bought_bags", "bought_accessories"))
    assert all(c in table.feature_candidates() for c in table.redundant), "they can be ticked back"
    for name in FILES[1:]:  # nothing else in the corpus measures a thing twice
        assert models[name].table.redundant == {}, name


def test_heavily_skewed_counts_are_pointed_out(models):
    activity = set(models[ACTIVITY].table.skewed)
    assert {"posts_30d", "likes_30d", "comments_30d", "shares_30d"} <= activity <= set(corpus.ACTIVITY_MEASURES)
    crm = set(models[CRM].table.skewed)
    assert {"orders", "sessions"} <= crm
    assert not crm & {"avg_basket", "tenure_months", "tenure_years", "hasApp", "any_purchase", "user_hash"}
    assert {"numListings", "numSales"} <= set(models[MARKET].table.skewed)


# ----------------------------------------------------------------- values read right
def _euro_number(text: str) -> float:
    return float(text.replace("\x00", "").replace(".", "").replace(",", ".").strip())


def test_the_european_file_reads_by_its_own_conventions(models):
    table = models[EUROPEAN].table
    frame = table.frame
    _, cells = csv_cells((HERE / EUROPEAN).read_bytes())
    assert table.options.decimal == "," and table.options.thousands == "."
    # the column itself shows the order (13/04/2024): not an assumption, but said with the column
    assert table.options.dayfirst in (True, None)
    assert said([*table.notes, table.columns["signup"].reason], "day", "13/04/2024")
    assert frame["items"][0] == 1234  # "1.234" is a thousand items, not one and a bit
    np.testing.assert_allclose(frame["items"], [_euro_number(t) for t in cells["items"]])
    assert frame["revenue"][2] == pytest.approx(1234.5) and frame["revenue"][3] == 2000
    assert cells["revenue"][corpus.EU_NUL_ROW].endswith("\x00") and pd.notna(frame["revenue"][corpus.EU_NUL_ROW])
    np.testing.assert_allclose(frame["revenue"], [_euro_number(t) for t in cells["revenue"]])
    # one column, one meaning: "45%" and "0,45" are the same share
    share = [float(t[:-1]) / 100 if t.endswith("%") else _euro_number(t) for t in cells["discount"]]
    np.testing.assert_allclose(frame["discount"], share)
    rate = np.array([_euro_number(t.rstrip(" %")) for t in cells["conversion"]])
    read = frame["conversion"].to_numpy(dtype=float)
    assert np.allclose(read, rate) or np.allclose(read, rate / 100), "conversion is read one way throughout"
    visits = frame["visits"]
    assert pd.isna(visits[corpus.EU_UNKNOWN_ROW])
    others = [i for i in range(len(visits)) if i != corpus.EU_UNKNOWN_ROW]
    np.testing.assert_array_equal(visits[others].to_numpy(dtype=float),
                                  [float(cells["visits"][i]) for i in others])
    days = pd.to_datetime(pd.Series(cells["signup"]), format="%d/%m/%Y")
    assert frame["signup"][0] == pd.Timestamp("2024-04-03") and frame["signup"][1] == pd.Timestamp("2024-04-13")
    assert (pd.to_datetime(frame["signup"]) == days).all(), "every date day-first, as 13/04/2024 shows"
    assert frame["city"][0] == "Köln"


def test_a_person_can_read_the_european_file_otherwise():
    # only the rows whose dates read both ways (03/04/2024): the order is the person's to say
    text = decode((HERE / EUROPEAN).read_bytes())
    lines = text.splitlines(keepends=True)
    ambiguous = [line for line in lines[1:] if int(line.split(";")[3][:2]) <= 12]
    data = (lines[0] + "".join(ambiguous)).encode("cp1252")
    assumed = read_table(data, filename="ambiguous.csv")
    assert assumed.columns["signup"].role.value == "datetime"
    assert assumed.options.dayfirst in (True, False), "the order used is given back"
    assert said(assumed.notes, "signup"), "an assumption about ambiguous dates is said"
    for dayfirst, first in ((True, "2024-04-03"), (False, "2024-03-04")):
        chosen = read_table(data, filename="ambiguous.csv", options=ReadOptions(dayfirst=dayfirst))
        assert chosen.options.dayfirst is dayfirst
        assert chosen.frame["signup"][0] == pd.Timestamp(first)
    points = read_table(path_of(EUROPEAN), options=ReadOptions(decimal=".", thousands=""))
    assert points.options.decimal == "."
    assert points.frame["items"][0] != 1234  # "1.234" now read the way the person said


def test_the_crm_file_reads_its_dates_booleans_and_durations(models):
    table = models[CRM].table
    frame = table.frame
    _, cells = csv_cells((HERE / CRM).read_bytes())
    assert table.options.decimal == "." and table.options.dayfirst in (False, None)
    assert "month" in table.columns["signup_date"].reason.lower()
    signup = pd.to_datetime(pd.Series(cells["signup_date"]), format="%m/%d/%Y")
    assert (pd.to_datetime(frame["signup_date"]) == signup).all()

    def either(text: str) -> dt.date | None:
        if not text:
            return None
        fmt = "%Y-%m-%d" if "-" in text else "%m/%d/%Y"
        return dt.datetime.strptime(text, fmt).date()

    read = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame["last_order_date"]]
    assert read == [either(t) for t in cells["last_order_date"]]
    assert frame["hasApp"].tolist() == [t == "TRUE" for t in cells["hasApp"]]
    assert frame["newsletter"].tolist() == [t == "Y" for t in cells["newsletter"]]
    np.testing.assert_allclose(frame["tenure_years"], [float(t) for t in cells["tenure_years"]])
    assert frame["preferred_store"].isna().sum() == cells["preferred_store"].count("NA")


def test_the_workbook_is_read_from_its_data_sheet_under_its_header(models):
    table = models[MARKET].table
    assert table.sheets == list(corpus.MARKET_SHEETS)
    assert table.sheet == "Sellers" and table.options.sheet == "Sellers"
    assert table.options.header_row == corpus.MARKET_HEADER_ROW
    assert list(table.frame.columns) == corpus.MARKET_HEADER
    assert len(table.frame) == corpus.MARKET_ROWS
    assert any("title" in n.lower() or "header" in n.lower() for n in table.notes), table.notes
    frame = table.frame
    assert frame["returnRate"].between(0, 1).all()
    assert frame["isVerified"].dtype == "boolean"
    assert "revenuePerListing" not in table.feature_candidates()
    lookups = read_table(path_of(MARKET), options=ReadOptions(sheet="Lookups"))
    assert lookups.sheet == "Lookups" and "category" in lookups.frame.columns


def test_digit_text_in_a_typed_file_stays_categories(models):
    table = models[APP].table
    assert set(table.frame["plan"].dropna().astype(str)) == {"1", "2", "3"}
    assert "plan" in table.feature_candidates() and "plan" not in table.default_features()


# ----------------------------------------------------------------- names
@pytest.mark.parametrize("name", FILES)
def test_names_contain_no_column_identifiers(closing, name):
    model = Segmentation(path_of(name), k=3, background=False)
    closing.append(model)
    header = list(model.table.columns)
    for k in (3, 4, 5, 6):
        model.k = k
        names = [model.segment_names[i] for i in sorted(model.segment_names)]
        assert len(names) == k
        problems = name_problems(names, header)
        assert not problems, f"k={k}: {problems}"
        if name == ACTIVITY:
            totals = segment_totals(model)
            inactive = min(totals, key=totals.get)
            assert "typical" not in model.segment_names[inactive].lower(), \
                f"k={k}: the inactive members are called {model.segment_names[inactive]!r}"


def test_activity_can_be_named_by_overall_level(closing):
    model = Segmentation(path_of(ACTIVITY), k=4, background=False, naming="level")
    closing.append(model)
    totals = segment_totals(model)
    order = sorted(totals, key=totals.get)
    names = {i: model.segment_names[i] for i in order}
    assert not name_problems(list(names.values()), list(model.table.columns)), names
    assert all("active" in n.lower() for n in names.values()), names
    assert re.search(r"inactive|least active", names[order[0]], re.IGNORECASE), names
    assert re.search(r"most active", names[order[-1]], re.IGNORECASE), names
    for spec in (SegmentationSpec.from_json(model.spec.to_json()), SegmentationSpec.from_query(model.spec.to_query())):
        assert spec.naming == "level"


def test_the_inactive_members_stay_together_on_a_log_scale(closing):
    model = Segmentation(path_of(ACTIVITY), k=4, background=False, log1p=True)
    closing.append(model)
    totals = segment_totals(model)
    inactive = min(totals, key=totals.get)
    labels = np.asarray(model.labels)
    assert (labels == inactive).mean() > 0.3 and totals[inactive] < 1.0
    assert "typical" not in model.segment_names[inactive].lower()
    assert not name_problems(list(model.segment_names.values()), list(model.table.columns))


# ----------------------------------------------------------------- exports
def _check_new_columns(header: list[str], out_header: list[str]) -> list[str]:
    assert out_header[:len(header)] == header, "the input columns first, in their order"
    new = out_header[len(header):]
    assert len(new) == 2 and not set(new) & set(header), f"two new columns, no input one: {new}"
    return new


@pytest.mark.parametrize("name", FILES)
def test_labels_frame_gives_the_input_rows_back(models, name):
    model = models[name]
    header, cells = input_cells(name)
    frame = model.labels_frame()
    _check_new_columns(header, list(frame.columns))
    assert len(frame) == len(cells[header[0]])
    for column in KEPT_EXACTLY[name]:
        got = [text_of(v) for v in frame[column]]
        assert got == [text_of(v) for v in cells[column]], column
    if name == CRM:
        assert frame["preferred_store"].tolist().count("NA") == cells["preferred_store"].count("NA") > 0
        assert frame["user_hash"][0] == cells["user_hash"][0]
    if name == APP:
        assert all(isinstance(v, str) for v in frame["plan"])
    segment, label = frame.columns[len(header):]
    assert set(frame[label].dropna()) <= set(model.segment_names.values())
    labels = np.asarray(model.labels)
    assert [text_of(v) for v in frame[segment]] == [str(i) if i >= 0 else "" for i in labels]


@pytest.mark.parametrize("name", FILES)
def test_csv_export_is_the_input_cell_for_cell(models, tmp_path, name):
    model = models[name]
    header, cells = input_cells(name)
    out = tmp_path / "out.csv"
    model.save(out)
    out_header, out_cells = csv_cells(out.read_bytes())
    new = _check_new_columns(header, out_header)
    columns = header if name in CSV_FILES else KEPT_EXACTLY[name]
    for column in columns:
        expected = [text_of(v) for v in cells[column]]
        got = out_cells[column]
        for i, (want, have) in enumerate(zip(expected, got)):
            if formula_like(want):
                assert not formula_like(have) and want.lstrip("=+-@") in have, (column, i, have)
            elif "\x00" in want:
                assert have in (want, want.replace("\x00", "")), (column, i, have)
            else:
                assert have == want, f"{column}, row {i + 1}: {have!r} written for {want!r}"
    for column in out_header:
        bad = [c for c in out_cells[column] if formula_like(c)]
        assert not bad, f"{column} holds cells a spreadsheet would run: {bad[:3]}"
    ids, names = out_cells[new[0]], out_cells[new[1]]
    assert set(names) - {""} <= set(model.segment_names.values())
    assert all(re.fullmatch(r"\d*", i) for i in ids)
    if name == CRM:
        assert "HYPERLINK(" in out_cells["notes"][corpus.CRM_FORMULA_ROW]


@pytest.mark.parametrize("name", FILES)
def test_xlsx_export_is_a_workbook_with_the_input_cells(models, tmp_path, name):
    model = models[name]
    header, cells = input_cells(name)
    out = tmp_path / "out.xlsx"
    model.save(out)
    assert out.read_bytes()[:4] == b"PK\x03\x04", "a workbook, not JSON"
    _, sheet = export_sheet(out, header)
    rows = list(sheet.iter_rows(values_only=False))
    out_header = [text_of(c.value) for c in rows[0]]
    _check_new_columns(header, out_header)
    body = rows[1:]
    assert len(body) == len(cells[header[0]])
    for column in KEPT_EXACTLY[name]:
        at = out_header.index(column)
        got = [text_of(row[at].value) for row in body]
        assert got == [text_of(v) for v in cells[column]], column
        if column in TEXT_IN_EXCEL[name]:
            assert all(isinstance(row[at].value, str) for row in body), f"{column} must be text in Excel"
    live = [c.coordinate for row in rows for c in row if c.data_type == "f"]
    assert not live, f"formulas in the export: {live[:3]}"
    if name == CRM:
        cell = body[corpus.CRM_FORMULA_ROW][out_header.index("notes")]
        assert "HYPERLINK(" in str(cell.value)


@pytest.mark.parametrize("name", [CRM, MARKET])
def test_save_refuses_to_overwrite_its_own_input(closing, tmp_path, name):
    copy = tmp_path / name
    shutil.copyfile(HERE / name, copy)
    before = copy.read_bytes()
    model = Segmentation(str(copy), k=3, background=False)
    closing.append(model)
    (tmp_path / "sub").mkdir()
    link = tmp_path / f"link{copy.suffix}"
    link.symlink_to(copy)
    for target in (copy, str(copy), tmp_path / "sub" / ".." / name, link):
        with pytest.raises(SegwidgetsValueError):
            model.save(target)
    assert copy.read_bytes() == before
    model.save(tmp_path / f"labelled{copy.suffix}")  # another name: fine
    assert copy.read_bytes() == before


@pytest.mark.parametrize("name", FILES)
def test_every_fit_can_be_saved_and_reloaded(models, tmp_path, name):
    model = models[name]
    saved = model.save(tmp_path / "segments.json")
    assert json.loads(Path(saved).read_text(encoding="utf-8"))["k"] == 4
    again = Segmentation.load(saved, background=False)
    try:
        assert again.features == model.features
        assert again.segment_names == model.segment_names
        np.testing.assert_array_equal(again.labels, model.labels)
    finally:
        again.close()


# ----------------------------------------------------------------- a published analysis, reproduced
def test_role_overrides_one_hot_scaling_and_restarts_travel_with_the_spec(closing, tmp_path):
    model = Segmentation(path_of(CRM), k=4, background=False, roles={"region": "numeric"},
                         scale_onehot=True, params={"n_init": 10})
    closing.append(model)
    info = model.table.columns["region"]
    assert info.role.value == "numeric" and info.set_by_person
    assert "region" in model.features, "a column a person calls numeric is a measure to use"
    model.set_role("newsletter", "ignored")
    assert model.table.columns["newsletter"].role.value == "ignored"
    assert "newsletter" not in model.features
    model.features = [*model.features, "acquisition_channel"]
    with pytest.raises(SegwidgetsValueError, match="preferred_store"):
        model.set_role("preferred_store", "numeric")  # text cannot be a measure: said, nothing changes
    roles = {"region": "numeric", "newsletter": "ignored"}
    assert model.spec.roles == roles

    prepared = model.prepared
    onehot = [i for i, n in enumerate(prepared.feature_names_out) if "acquisition_channel" in n]
    assert len(onehot) == 8
    np.testing.assert_allclose(prepared.X[:, onehot].std(axis=0), 1.0, atol=1e-6)
    assert model.fit.estimator.n_init == 10

    spec = model.spec
    assert spec.scale_onehot is True and spec.params == {"n_init": 10}
    for copy in (SegmentationSpec.from_json(spec.to_json()), SegmentationSpec.from_query(spec.to_query())):
        assert copy.roles == roles and copy.scale_onehot is True and copy.params == {"n_init": 10}
        assert copy.features == spec.features
        rebuilt = Segmentation.from_spec(copy, background=False)
        closing.append(rebuilt)
        assert rebuilt.table.columns["region"].role.value == "numeric"
        assert rebuilt.table.columns["region"].set_by_person
        assert rebuilt.table.columns["newsletter"].role.value == "ignored"
        assert rebuilt.scale_onehot is True and rebuilt.fit.estimator.n_init == 10
        np.testing.assert_array_equal(rebuilt.labels, model.labels)

    model.refit()
    model.k = 5
    assert model.spec.roles == roles and model.table.columns["region"].role.value == "numeric"
    model.load_data(path_of(CRM))  # the same file again: the person's roles still hold
    assert model.table.columns["region"].role.value == "numeric"
    assert model.table.columns["newsletter"].role.value == "ignored"
    saved = model.save(tmp_path / "analysis.json")
    again = Segmentation.load(saved, background=False)
    closing.append(again)
    assert again.spec.roles == roles and again.k == 5 and again.scale_onehot is True
    assert again.table.columns["region"].role.value == "numeric"
    np.testing.assert_array_equal(again.labels, model.labels)

    model.scale_onehot = False
    prepared = model.prepared
    onehot = [i for i, n in enumerate(prepared.feature_names_out) if "acquisition_channel" in n]
    assert set(np.unique(prepared.X[:, onehot])) <= {0.0, 1.0}
    model.set_role("region", "auto")
    assert model.table.columns["region"].role.value == "categorical"
    assert "region" not in model.spec.roles


# ----------------------------------------------------------------- the names, shown
def generated_names(k: int = 4) -> dict[str, list[tuple[str, float]]]:
    """Every corpus file's generated names at ``k`` with each segment's share of rows, largest
    first; the activity file twice (naming by traits and by overall level)."""
    runs = [(name, name, {}) for name in FILES] + [(f"{ACTIVITY} (naming=level)", ACTIVITY, {"naming": "level"})]
    out = {}
    for label, name, settings in runs:
        model = Segmentation(path_of(name), k=k, background=False, **settings)
        try:
            labels = np.asarray(model.labels)
            shares = {i: float((labels == i).mean()) for i in model.segment_names}
            out[label] = sorted(((n, shares[i]) for i, n in model.segment_names.items()), key=lambda t: -t[1])
        finally:
            model.close()
    return out


def names_table(k: int = 4) -> str:
    """:func:`generated_names` as a Markdown table."""
    lines = [f"| file (k = {k}) | names (share of rows) |", "| --- | --- |"]
    for label, names in generated_names(k).items():
        lines.append(f"| {label} | " + "; ".join(f"{n} ({share:.0%})" for n, share in names) + " |")
    return "\n".join(lines)


def test_the_names_at_k4_can_be_shown():
    table = names_table(4)
    print("\n" + table)
    assert len(table.splitlines()) == 2 + len(FILES) + 1


if __name__ == "__main__":
    print(names_table(int(sys.argv[1]) if len(sys.argv) > 1 else 4))
