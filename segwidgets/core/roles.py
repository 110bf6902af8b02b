"""Column roles: what each column of a table is, inferred and explained in words.

:func:`infer_column` decides what a person would say a column is: a measure
(numeric), a yes/no flag, categories, dates, an identifier, empty, or a column
with one value that is ignored. Numbers that are really labels are caught:

- identifiers stored as numbers: near-unique whole numbers of 15+ digits (a
  signed 19-digit hash, partly written ``-1.0979E+18``), zero-padded codes
  (``00501``), id-like names (``user_id``, ``hash``, ``zipCode``, ``Account
  Number``) and row counters (1..n in order, or a column named ``#`` / ``row``);
- coded categories: whole numbers with few values under a name that says
  "kind" (``region`` 0/1/2, ``channel`` 1..8); without such a name, a
  low-cardinality whole-number column stays numeric but is *suggested* as
  categories, unless its name says it is a count (``num_children``, ``orders``);
- digit text from a typed source ("1", "2" stored as strings) stays categories.

:func:`convert_column` converts a column for a role a person chose. Dates are
read in :mod:`segwidgets.core.dates` (re-exported here).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import SegwidgetsValueError
from .dates import DateReading, date_format_of, datetime_values, read_dates

__all__ = ["SETTABLE_ROLES", "ColumnInfo", "DateReading", "Role", "boolean_values", "convert_column",
           "date_format_of", "datetime_values", "infer_column", "infer_roles", "name_kind", "name_tokens",
           "read_dates"]


class Role(str, enum.Enum):
    """What a column is, for segmentation purposes."""

    NUMERIC = "numeric"
    BOOLEAN = "boolean"
    CATEGORICAL = "categorical"
    DATETIME = "datetime"
    IDENTIFIER = "identifier"
    EMPTY = "empty"
    IGNORED = "ignored"  # one value on every row, or left out by a person

    def __str__(self) -> str:
        return self.value


#: The roles a person may give a column (the role override).
SETTABLE_ROLES: tuple[str, ...] = ("numeric", "categorical", "boolean", "identifier", "ignored")


@dataclass(frozen=True)
class ColumnInfo:
    """A column's role and why.

    Attributes:
        name: column name.
        role: the :class:`Role`.
        reason: plain words, e.g. "has a different value on every row".
        n_missing: missing values.
        n_unique: distinct non-missing values.
        suggested: another role the column may well have, e.g. whole numbers
            1..8 left numeric that "could be codes for categories".
        set_by_person: the role came from a person's choice, not inference.
    """

    name: str
    role: Role
    reason: str
    n_missing: int
    n_unique: int
    suggested: Role | None = None
    set_by_person: bool = False


TRUE_WORDS = {"true", "yes", "y", "t", "1", "oui", "ja", "si", "sí"}
FALSE_WORDS = {"false", "no", "n", "f", "0", "non", "nein"}

# --- names ----------------------------------------------------------------------------
#: A name token that says "this labels a thing" (an identifier, or a code when few values).
ID_WORDS = frozenset({"id", "ids", "uid", "uuid", "guid", "hash", "key", "code", "zip", "zipcode", "postcode",
                      "postal", "postalcode", "phone", "msisdn", "iban", "sku", "ean", "upc", "isbn",
                      "userid", "customerid"})
#: A last token after which "number"/"no"/"nr"/"num"/"#" is a reference, not a count.
REFERENCE_WORDS = frozenset({"number", "no", "nr", "num", "nbr", "#"})
#: A name token that says "this is a kind of thing": whole numbers under it are codes.
CODE_WORDS = frozenset({
    "region", "channel", "title", "type", "kind", "category", "cat", "class", "segment", "group", "tier",
    "status", "gender", "sex", "country", "state", "source", "plan", "code", "brand", "store", "shop",
    "city", "zone", "area", "department", "dept", "branch", "cluster", "label", "color", "colour",
    "language", "lang", "platform", "device", "medium", "campaign", "method", "mode", "reason", "marital",
    "occupation", "job", "education", "industry", "sector", "product", "genre", "format", "team", "site",
    "location", "province", "county", "district", "territory", "market", "origin", "race", "ethnicity",
    "religion", "style", "model", "variant", "cohort", "weekday", "dow", "quarter", "version", "license",
    "licence", "payment", "browser", "os", "carrier", "provider", "vendor", "supplier", "office", "unit",
})
#: A name token that says "this is an amount or a count": such a column stays numeric.
MEASURE_WORDS = frozenset({
    "count", "cnt", "qty", "quantity", "amount", "total", "sum", "avg", "mean", "average", "median", "score",
    "rating", "rate", "ratio", "pct", "percent", "percentage", "share", "age", "day", "days", "week",
    "weeks", "month", "months", "year", "years", "hour", "hours", "minute", "minutes", "min", "mins",
    "second", "seconds", "sec", "secs", "ms", "duration", "tenure", "time", "length", "size", "weight",
    "height", "width", "price", "cost", "spend", "spent", "revenue", "income", "salary", "value", "balance",
    "visits", "orders", "purchases", "sessions", "clicks", "views", "likes", "children", "kids", "items",
    "points", "frequency", "recency", "distance", "nights", "members", "people", "transactions", "calls",
    "logins", "per", "times", "level", "depth", "bytes", "kb", "mb", "gb", "km", "miles", "kg",
})
#: A first token that means "the number of ..." ("num_children", "n_visits", "no_of_orders").
COUNT_PREFIXES = frozenset({"num", "n", "nb", "nbr", "no", "nr", "number", "count", "cnt", "total", "tot"})
#: A whole name that numbers the rows.
COUNTER_NAMES = frozenset({"#", "no", "nr", "n", "row", "rows", "index", "idx", "rownum", "rowid", "row id",
                           "row number", "row no", "line", "line number", "serial", "sr", "s no", "sno", "sl no"})

# --- values -----------------------------------------------------------------------------
#: At most this many whole-number values under a kind-of-thing name are codes for categories.
CODE_LEVELS = 50
#: At most this many whole-number values under a neutral name are offered as categories.
SUGGEST_LEVELS = 12
#: Whole numbers this large (16 digits and more) in most rows are never a measure.
ID_MAGNITUDE = 1e15
#: ... nor this large (12 digits) when a spreadsheet shortened them to E-notation.
E_ID_MAGNITUDE = 1e11
#: Share of distinct values from which a column is "different on almost every row".
NEAR_UNIQUE = 0.9
E_NOTATION = re.compile(r"^[-+]?\d+(\.\d+)?[eE][-+]?\d+$")
DIGITS = re.compile(r"^\d+$")

def name_tokens(name: str) -> list[str]:
    """The words of a column name in lower case: snake_case, camelCase, spaces, any case.

    >>> name_tokens("customerID"), name_tokens("Zip Code"), name_tokens("num_children")
    (['customer', 'id'], ['zip', 'code'], ['num', 'children'])
    """
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(name))
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    return [t.lower() for t in re.findall(r"[A-Za-z]+|\d+|#", text)]


def _is_plural_count(token: str) -> bool:
    """A plural noun ("orders", "presses"): the column counts things."""
    return len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is", "ys")) \
        and token not in ID_WORDS and token not in CODE_WORDS


def name_kind(name: str) -> tuple[str | None, str | None]:
    """What a column's name says it is: ("measure" | "id" | "code" | "counter" | None, the word).

    The last word decides first ("postcode_region" is a region, "phone_minutes" a measure,
    "account_number" a reference); a word anywhere labels ("store_id", "id_customer").
    """
    tokens = name_tokens(name)
    if not tokens:
        return None, None
    joined = " ".join(tokens)
    if joined in COUNTER_NAMES or str(name).strip() == "#":
        return "counter", joined
    first, last = tokens[0], tokens[-1]
    if len(tokens) > 1 and last in REFERENCE_WORDS:
        return "id", last
    if len(tokens) > 1 and first in COUNT_PREFIXES:
        return "measure", first
    if last in MEASURE_WORDS or _is_plural_count(last) or "per" in tokens:
        return "measure", last
    for token in tokens:
        if token in ID_WORDS:
            return "id", token
    if last in CODE_WORDS:
        return "code", last
    for token in tokens:
        if token in MEASURE_WORDS or _is_plural_count(token):
            return "measure", token
    for token in reversed(tokens):
        if token in CODE_WORDS:
            return "code", token
    return None, None


def _plural(word: str) -> str:
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "sh", "ch")):
        return word + "es"
    return word + "s"


def _code_noun(name: str, word: str | None) -> str:
    """What codes stand for, in words: "channels", "stores" (for store_id), "regions"."""
    tokens = name_tokens(name)
    if word in ID_WORDS or word in REFERENCE_WORDS:
        others = [t for t in tokens if t not in ID_WORDS and t not in REFERENCE_WORDS and not t.isdigit()]
        if others:
            return _plural(others[-1])
        return "categories"
    return _plural(word) if word else "categories"


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def _value_list(values: np.ndarray) -> str:
    """"0, 1 and 2" for a few values, "1 to 8" for more."""
    ordered = np.sort(values)
    if len(ordered) <= 3:
        words = [_number(v) for v in ordered]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"{_number(ordered[0])} to {_number(ordered[-1])}"


def _text_values(column: pd.Series) -> pd.Series:
    values = column.dropna()
    return values.astype(str).str.strip()


def _original_text(original: pd.Series, missing: pd.Series) -> pd.Series:
    """The cells as read, stripped; missing (NaN) where the parsed column is missing or the
    cell is empty. Object dtype; cells that are not text (Excel numbers) become their text."""
    text = original.astype("string").str.strip()
    empty = text.isna().to_numpy() | (text == "").fillna(True).to_numpy() | np.asarray(missing, dtype=bool)
    return pd.Series(np.where(empty, np.nan, text.astype(object).to_numpy()), index=original.index, dtype=object)


def _as_category_text(column: pd.Series, original: pd.Series | None, missing: pd.Series) -> pd.Series:
    """A column as category labels: the original text when there is one ("00501" stays
    "00501"), else whole numbers without ".0" ("1", "2"), else the value's text."""
    if original is not None:
        return _original_text(original.reset_index(drop=True).set_axis(column.index), missing)

    def label(value: object) -> object:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return np.nan
        if isinstance(value, (bool, np.bool_)):
            return "yes" if value else "no"
        if isinstance(value, (int, np.integer)):
            return str(int(value))
        if isinstance(value, (float, np.floating)):
            return str(int(value)) if float(value).is_integer() and abs(value) < 2 ** 63 else f"{value:g}"
        if isinstance(value, pd.Timestamp):
            return value.isoformat()
        return str(value).strip() or np.nan

    return column.astype(object).where(~missing, np.nan).map(label).astype(object)


def _example(values: pd.Series) -> str:
    """A short example cell for a message."""
    return str(values.iloc[0]) if len(values) else ""


# --- yes/no -----------------------------------------------------------------------------

def boolean_values(column: pd.Series) -> pd.Series | None:
    """The column as pandas "boolean" if it is yes/no-like, else None.

    Yes/no-like: True/False; 1/0; words out of true/false, yes/no, y/n, t/f, 1/0,
    oui/non, ja/nein, si/sí/no in any case (at most four, both a yes and a no).
    """
    values = column.dropna()
    if len(values) == 0:
        return None
    if pd.api.types.is_bool_dtype(column):
        return column.astype("boolean")
    if pd.api.types.is_numeric_dtype(column):
        # vectorised: a set of a million distinct floats took seconds
        array = values.to_numpy(dtype="float64")
        zero, one = array == 0, array == 1
        if (zero | one).all() and zero.any() and one.any():
            return column.astype("Float64").astype("boolean")
        return None
    if pd.api.types.is_datetime64_any_dtype(column):
        return None
    text = _text_values(column).str.lower()
    uniques = set(text.unique())
    if 2 <= len(uniques) <= 4 and uniques <= TRUE_WORDS | FALSE_WORDS and (uniques & TRUE_WORDS) \
            and (uniques & FALSE_WORDS):  # "si"/"sí"/"no", "Y"/"yes"/"N" are one yes/no
        words = column.astype("string").str.strip().str.lower()  # vectorised: no call per row
        return words.isin(TRUE_WORDS).astype("boolean").mask(words.isna())
    return None


# --- inference --------------------------------------------------------------------------

def _leading_zero_share(text: pd.Series) -> tuple[bool, str | None]:
    """Whether the cells are zero-padded codes ("00501"), and one that starts with a zero.

    Codes: every cell is digits, some start with a zero, and either every cell has the
    same width (zip codes) or 1% of them or more start with a zero (one stray "007"
    among ordinary numbers does not make codes).
    """
    text = text[text.notna()].astype(str)
    if len(text) == 0:
        return False, None
    padded = text.str.startswith("0") & (text.str.len() > 1)
    if not padded.any() or not text.str.fullmatch(r"\d+").all():
        return False, None
    if text.str.len().nunique() > 1 and padded.mean() < 0.01:
        return False, None
    return True, str(text[padded].iloc[0])


def _identifier_column(column: pd.Series, original: pd.Series | None, missing: pd.Series) -> pd.Series:
    """An identifier's values: its text as read when there is one, so ids stay exact."""
    if original is None:
        return column
    return _original_text(original.reset_index(drop=True).set_axis(column.index), missing)


def infer_column(
    name: str,
    column: pd.Series,
    original: pd.Series | None = None,
    *,
    dayfirst: bool | None = None,
) -> tuple[ColumnInfo, pd.Series]:
    """Infer one column's role; return its info and the column converted for that role.

    Args:
        name: the column's name (its words count: "user_id", "region", "num_children").
        column: the values after io's number parsing.
        original: the same cells' text as read (strings, "" for an empty cell), or None
            when the source is typed (a DataFrame, Parquet). With it, identifiers and
            codes keep their text ("00501", "-1.0979E+18").
        dayfirst: the order of day and month for a date column; None decides from it.

    Text is stripped of surrounding spaces first, so "video " and "video" are one category.
    Identifiers and coded categories come back as their text: the original text when
    given, else whole numbers without ".0".
    """
    n = len(column)
    if column.dtype != object and pd.api.types.is_string_dtype(column.dtype):  # pandas or Arrow strings
        column = column.str.strip()
    elif column.dtype == object:
        strings = column.map(type).eq(str).to_numpy()  # one type() per row; strip vectorised
        if strings.any():
            column = column.copy()
            column[strings] = column[strings].astype(str).str.strip()
    missing_mask = column.isna()
    if not pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        if column.dtype == object:
            blank = pd.Series(strings, index=column.index) & column.eq("")
        elif pd.api.types.is_string_dtype(column.dtype):  # pandas or Arrow strings
            blank = column.astype("string").str.strip().eq("").fillna(False).astype(bool)
        else:
            blank = pd.Series(False, index=column.index)
        missing_mask = missing_mask | blank.astype(bool)
    if original is not None and len(original) != n:
        raise ValueError(f"original has {len(original)} rows, the column {n}")
    n_missing = int(missing_mask.sum())
    present = column[~missing_mask]
    n_unique = int(present.nunique(dropna=True))

    def info(role: Role, reason: str, suggested: Role | None = None) -> ColumnInfo:
        return ColumnInfo(str(name), role, reason, n_missing, n_unique, suggested)

    if n_missing == n:
        return info(Role.EMPTY, "has no values"), column
    if n_unique == 1 and len(present) > 1:
        first = int(np.flatnonzero(~missing_mask.to_numpy())[0])
        shown = present.iloc[0]
        if original is not None and isinstance(original.iloc[first], str):
            shown = original.iloc[first].strip()
        elif isinstance(shown, (float, np.floating)):
            shown = _number(shown)
        where = "on every row" if not n_missing else f"on every row that has one ({n_missing:,} are empty)"
        return info(Role.IGNORED, f"has the same value ({shown}) {where}"), column
    as_bool = boolean_values(column.where(~missing_mask))
    if as_bool is not None:
        return info(Role.BOOLEAN, "holds only yes/no values"), as_bool
    kind, word = name_kind(str(name))
    unique_share = n_unique / max(len(present), 1)
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return _infer_numeric(str(name), column, original, missing_mask, info, kind, word, n_unique)
    as_date = read_dates(column.where(~missing_mask), dayfirst=dayfirst)
    if as_date is not None:
        return info(Role.DATETIME, as_date[1].words), as_date[0]
    cleaned = column.where(~missing_mask)
    if kind == "id" and unique_share >= 0.95 and len(present) > 1:
        return info(Role.IDENTIFIER, "has an id-like name and a different value on almost every row"), column
    if n_unique == len(present) and len(present) > 20:
        return info(Role.IDENTIFIER, "has a different value on every row"), column
    digits, padded = _leading_zero_share(present.astype(str))
    if kind == "id" and n_unique > CODE_LEVELS:
        return info(Role.IDENTIFIER, f"has an id-like name ({word}) and {n_unique:,} different values: "
                                     "labels, not categories to compare"), cleaned
    if digits and n_unique > CODE_LEVELS:
        return info(Role.IDENTIFIER, f"holds codes with leading zeros (such as {padded}) and {n_unique:,} "
                                     "different values"), cleaned
    if digits:
        return info(Role.CATEGORICAL, f"holds codes with leading zeros (such as {padded}), "
                                      f"{n_unique:,} different values"), cleaned
    if present.astype(str).str.fullmatch(r"[-+]?\d+").all():
        return info(Role.CATEGORICAL, f"holds numbers stored as text, used as {n_unique:,} categories"), cleaned
    return info(Role.CATEGORICAL, f"holds text with {n_unique:,} different values"), cleaned


def _infer_numeric(
    name: str,
    column: pd.Series,
    original: pd.Series | None,
    missing_mask: pd.Series,
    info: Callable[..., ColumnInfo],
    kind: str | None,
    word: str | None,
    n_unique: int,
) -> tuple[ColumnInfo, pd.Series]:
    """The role of a number column: an identifier, codes for categories, or a measure."""
    present = column[~missing_mask]
    values = present.to_numpy(dtype="float64")
    finite = values[np.isfinite(values)]
    whole = len(finite) == len(values) and bool((finite == np.round(finite)).all())
    unique_share = n_unique / max(len(values), 1)
    text = None
    if original is not None and whole:
        original = original.reset_index(drop=True).set_axis(column.index)
        # the cells' text only when one starts with a zero or the numbers are large (a cheap look first)
        try:
            stripped = original.str.lstrip()
            zero = stripped.str.startswith("0", na=False).to_numpy(dtype=bool)
            maybe_padded = bool(zero.any()) and bool(stripped[zero].str.match(r"0\d").any())
        except AttributeError:  # not text at all (an Excel column of numbers)
            maybe_padded = False
        large = len(values) > 0 and float(np.median(np.abs(values))) >= E_ID_MAGNITUDE
        if maybe_padded or large:
            text = _original_text(original, missing_mask)

    def as_id(reason: str) -> tuple[ColumnInfo, pd.Series]:
        return info(Role.IDENTIFIER, reason), _identifier_column(column, original, missing_mask)

    def as_codes(reason: str) -> tuple[ColumnInfo, pd.Series]:
        return info(Role.CATEGORICAL, reason), _as_category_text(column, original, missing_mask)

    if whole and text is not None and kind != "measure":
        digits, padded = _leading_zero_share(text)
        if digits:
            if n_unique > CODE_LEVELS or (kind == "id" and unique_share >= 0.95):
                return as_id(f"holds codes with leading zeros (such as {padded}), {n_unique:,} different "
                             "values: labels, kept as written")
            return as_codes(f"holds codes with leading zeros (such as {padded}), kept as written; "
                            f"{n_unique:,} different values")
    if whole and len(values) > 1:
        magnitude = float(np.median(np.abs(values)))
        e_cells = None
        if text is not None and magnitude >= E_ID_MAGNITUDE:
            written = text.dropna().astype(str)
            e_cells = written[written.str.fullmatch(E_NOTATION)]
        threshold = E_ID_MAGNITUDE if e_cells is not None and len(e_cells) else ID_MAGNITUDE
        if magnitude >= threshold and unique_share >= NEAR_UNIQUE:
            digits = len(str(int(np.abs(values).max())))
            reason = (f"holds whole numbers of up to {digits} digits, different on almost every row: "
                      "an id stored as numbers, not a measure")
            if e_cells is not None and len(e_cells):
                reason += f" (some cells are written like {e_cells.iloc[0]})"
            return as_id(reason)
    if whole and not missing_mask.any() and len(values) > 1 and n_unique == len(values):
        start = values[0]
        steps = np.diff(values)
        counts_rows = kind != "measure" and start in (0, 1) and bool((steps == 1).all())
        if counts_rows and (len(values) >= 20 or kind in ("counter", "id")):
            return as_id(f"numbers the rows {_number(start)} to {_number(values[-1])} in order")
        if kind == "counter" and bool((steps > 0).all()):
            return as_id(f"is named like a row number ({name}) and goes up on every row")
    if kind == "id" and whole:
        if unique_share >= 0.95 and len(values) > 1:
            return as_id(f"has an id-like name ({word}) and a different value on almost every row")
        if n_unique <= CODE_LEVELS:
            levels = _value_list(np.unique(values))
            return as_codes(f"whole numbers {levels} used as codes for {_code_noun(name, word)}")
        return as_id(f"has an id-like name ({word}) and {n_unique:,} different whole numbers: "
                     "labels, not a measure")
    if kind == "code" and whole and n_unique <= CODE_LEVELS:
        levels = _value_list(np.unique(values))
        return as_codes(f"whole numbers {levels} used as codes for {_code_noun(name, word)}")
    if kind != "measure" and whole and n_unique <= SUGGEST_LEVELS and len(values) >= 2 * n_unique:
        levels = _value_list(np.unique(values))
        return info(Role.NUMERIC, f"holds only the whole numbers {levels}: they could be counts, "
                                  "or codes for categories", Role.CATEGORICAL), column
    return info(Role.NUMERIC, "holds numbers"), column


def infer_roles(frame: pd.DataFrame) -> dict[str, ColumnInfo]:
    """The role of every column of ``frame``, in column order."""
    return {str(name): infer_column(str(name), frame[name])[0] for name in frame.columns}


# --- a person's choice --------------------------------------------------------------------

#: Cells that mean "no number" when a person makes text numeric (compared in lower case).
NO_NUMBER = frozenset({"", "-", "--", "—", "?", ".", "n/a", "na", "none", "null", "nan", "#n/a"})
_NUMBER_TEXT = re.compile(r"^\(?[-+]?\s*[$€£¥]?\s*[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?\s*[$€£¥]?\)?$")


def _numbers_from_text(name: str, values: pd.Series) -> pd.Series:
    """Text made numbers: plain numbers, "1,234.5", "$12", "(3)"; refused in words otherwise."""
    text = values.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    empty = text.isna() | text.map(lambda v: isinstance(v, str) and v.lower() in NO_NUMBER).astype(bool)
    plain = pd.to_numeric(text.where(~empty), errors="coerce")
    bad = plain.isna() & ~empty
    if bad.any():
        cells = text[bad].astype(str)
        fits = cells.str.match(_NUMBER_TEXT)
        negative = cells.str.startswith("(") & cells.str.endswith(")")
        cleaned = cells.str.replace(r"[()$€£¥,\s]", "", regex=True)
        cleaned = cleaned.where(~negative, "-" + cleaned)
        parsed = pd.to_numeric(cleaned.where(fits), errors="coerce")
        plain[bad] = parsed
        still = parsed.isna()
        if still.any():
            example = cells[still].iloc[0]
            raise SegwidgetsValueError(
                f"{name} can't be used as numbers: {example!r} is not a number "
                f"({int(still.sum()):,} cells like it)."
            )
    return plain.astype("float64")


def convert_column(
    name: str,
    column: pd.Series,
    original: pd.Series | None,
    role: str | Role,
) -> tuple[ColumnInfo, pd.Series]:
    """The column converted for a role a person chose; its reason says "set by you".

    Args:
        name: the column's name.
        column: the values after io's number parsing (or as typed).
        original: the cells' text as read, or None for a typed source. Categories and
            identifiers are made from it, so "00501" stays "00501".
        role: one of :data:`SETTABLE_ROLES`.

    Raises:
        SegwidgetsValueError: the role is not one a person can set, or the values cannot
            take it (text that is not numbers; more than two values for yes/no), in words
            with an example cell.
    """
    asked = role
    try:
        role = Role(role)
    except ValueError:
        role = None
    if role is None or role.value not in SETTABLE_ROLES:
        raise SegwidgetsValueError(
            f"{name} can't be set to {str(asked)!r}: a column can be {', '.join(SETTABLE_ROLES)}."
        )
    if original is not None and len(original) != len(column):
        raise ValueError(f"original has {len(original)} rows, the column {len(column)}")
    if original is not None:
        original = original.reset_index(drop=True).set_axis(column.index)
    if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
        column = column.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    missing = column.isna() | column.astype(object).map(lambda v: isinstance(v, str) and not v).astype(bool)
    reason = "set by you"

    if role is Role.NUMERIC:
        if pd.api.types.is_bool_dtype(column):
            values = column.astype("Float64").astype("float64")
        elif pd.api.types.is_numeric_dtype(column):
            values = column
        elif pd.api.types.is_datetime64_any_dtype(column):
            raise SegwidgetsValueError(f"{name} holds dates, which can't be used as numbers.")
        else:
            values = _numbers_from_text(name, column)
        converted = values
    elif role is Role.CATEGORICAL:
        converted = _as_category_text(column, original, missing)
    elif role is Role.BOOLEAN:
        converted, detail = _yes_no(name, column, original, missing)
        if detail:
            reason = f"set by you ({detail})"
    elif role is Role.IDENTIFIER:
        converted = _identifier_column(column, original, missing)
    else:  # IGNORED
        converted = column
    present = converted[converted.notna()]
    info = ColumnInfo(str(name), role, reason, int(converted.isna().sum()), int(present.nunique()),
                      None, True)
    return info, converted


def _yes_no(name: str, column: pd.Series, original: pd.Series | None,
            missing: pd.Series) -> tuple[pd.Series, str]:
    """A column as yes/no, and how its values were mapped when that is not obvious."""
    known = boolean_values(column.where(~missing))
    if known is not None:
        return known, ""
    labels = _as_category_text(column, original, missing)
    distinct = list(pd.unique(labels.dropna()))
    if len(distinct) > 2:
        shown = ", ".join(str(v) for v in distinct[:5]) + (" …" if len(distinct) > 5 else "")
        raise SegwidgetsValueError(
            f"{name} can't be a yes/no column: it has {len(distinct):,} different values ({shown})."
        )
    if not distinct:
        raise SegwidgetsValueError(f"{name} can't be a yes/no column: it has no values.")
    if len(distinct) == 1:
        value = distinct[0]
        yes = str(value).lower() not in FALSE_WORDS
        mapped = pd.Series(not yes, index=column.index, dtype="boolean")
        mapped[labels.notna()] = yes
        if labels.notna().all():
            return mapped, f"every row says {value}"
        return mapped, (f"yes where it says {value}, no where it is empty" if yes else
                        f"no where it says {value}, yes where it is empty")
    numbers = pd.to_numeric(pd.Series(distinct), errors="coerce")
    if numbers.notna().all():
        low, high = (distinct[int(numbers.idxmin())], distinct[int(numbers.idxmax())])
    else:
        words = [str(v).lower() for v in distinct]
        if words[0] in TRUE_WORDS or words[1] in FALSE_WORDS:
            high, low = distinct
        elif words[1] in TRUE_WORDS or words[0] in FALSE_WORDS:
            low, high = distinct
        else:
            low, high = sorted(distinct, key=str)
    mapped = labels.map(lambda v: pd.NA if pd.isna(v) else v == high).astype("boolean")
    return mapped, f"{high} is yes, {low} is no"
