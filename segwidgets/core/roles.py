"""Column roles: what each column of a table is, inferred and explained in words."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

import pandas as pd


class Role(str, enum.Enum):
    """What a column is, for segmentation purposes."""

    NUMERIC = "numeric"
    BOOLEAN = "boolean"
    CATEGORICAL = "categorical"
    DATETIME = "datetime"
    IDENTIFIER = "identifier"
    EMPTY = "empty"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class ColumnInfo:
    """A column's inferred role and why.

    Attributes:
        name: column name.
        role: the inferred :class:`Role`.
        reason: plain words, e.g. "unique on every row".
        n_missing: missing values.
        n_unique: distinct non-missing values.
    """

    name: str
    role: Role
    reason: str
    n_missing: int
    n_unique: int


TRUE_WORDS = {"true", "yes", "y", "t"}
FALSE_WORDS = {"false", "no", "n", "f"}
#: Id-like column names: "id", "user_id", "id_number", "uuid", "order_key", "index" in any case,
#: and camelCase "userID" / "customerId" (case-sensitive, so "amount_paid" or "valid" is no id).
ID_NAME = re.compile(r"(?i:^id$|_id$|^id_|^uuid|^guid|^key$|_key$|^index$)|[a-z0-9](ID|Id)$")
DATE_SAMPLE = 200
#: Parsed date-times: microseconds reach years 1 to 9999 (nanoseconds stop at 2262).
DATE_DTYPE = "datetime64[us]"
#: Formats tried on a sample; the first that reads 95% of it parses the column
#: (vectorised; "mixed" would call dateutil once per row).
DATE_FORMATS = (
    "ISO8601", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%d-%m-%Y", "%m-%d-%Y",
    "%m-%d-%y %H:%M", "%m/%d/%y %H:%M", "%m/%d/%y", "%d %b %Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y",
)


def _text_values(column: pd.Series) -> pd.Series:
    values = column.dropna()
    return values.astype(str).str.strip()


def boolean_values(column: pd.Series) -> pd.Series | None:
    """The column as pandas "boolean" if it is yes/no-like, else None."""
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
    text = _text_values(column).str.lower()
    uniques = set(text.unique())
    if len(uniques) == 2 and uniques <= TRUE_WORDS | FALSE_WORDS and (uniques & TRUE_WORDS) and (uniques & FALSE_WORDS):
        mapped = column.astype(object).map(
            lambda v: pd.NA if pd.isna(v) else str(v).strip().lower() in TRUE_WORDS
        )
        return mapped.astype("boolean")
    return None


def datetime_values(column: pd.Series) -> pd.Series | None:
    """The column parsed as date-times if at least 95% of a sample parses, else None."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return column
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return None
    values = _text_values(column)
    if len(values) == 0:
        return None
    sample = values.sample(min(DATE_SAMPLE, len(values)), random_state=0)
    # A date has a digit and a separator or a month name ("22 Apr 2018"); like the
    # parse itself, 95% of the sample must look like one (a stray "n/a" is allowed).
    looks = sample.str.contains(r"\d", regex=True) & sample.str.contains(r"[-/:.]|[A-Za-z]{3}", regex=True)
    if looks.mean() < 0.95:
        return None
    formats = _date_formats(sample)
    if not formats:
        return None
    text = pd.Series(None, index=column.index, dtype=object)
    present = column.notna()
    text[present] = column[present].astype(str).str.strip()  # as in the sample: "2024-01-02 " is a date
    full = pd.Series(pd.NaT, index=column.index, dtype=DATE_DTYPE)
    for fmt in formats:
        todo = full.isna() & text.notna()
        full[todo] = _parse_dates(text[todo], fmt)
    return full if full.notna().sum() >= 0.95 * len(values) else None


def _parse_dates(text: pd.Series, fmt: str) -> pd.Series:
    """``text`` parsed with ``fmt`` as :data:`DATE_DTYPE`; what does not parse is NaT.

    Times with a UTC offset ("2024-01-02T10:00Z", "...+07:00") are converted
    to UTC, so offsets may differ from row to row; years 1 to 9999 are kept.
    """
    parsed = pd.to_datetime(text, errors="coerce", format=fmt, utc=True)
    return parsed.dt.tz_convert(None).astype(DATE_DTYPE)


def _date_formats(sample: pd.Series) -> list[str]:
    """Formats that together read 95% of ``sample`` (files in the wild mix them), or []."""
    chosen: list[str] = []
    parsed = pd.Series(False, index=sample.index)
    for fmt in DATE_FORMATS:
        todo = ~parsed
        hits = _parse_dates(sample[todo], fmt).notna()
        if hits.any():
            chosen.append(fmt)
            parsed[hits[hits].index] = True
        if parsed.mean() >= 0.95:
            return chosen
    return []


def infer_column(name: str, column: pd.Series) -> tuple[ColumnInfo, pd.Series]:
    """Infer one column's role; return its info and the column converted for that role.

    Text is stripped of surrounding spaces first, so "video " and "video" are one category.
    """
    n = len(column)
    if isinstance(column.dtype, pd.StringDtype):
        column = column.str.strip()
    elif column.dtype == object:
        column = column.map(lambda v: v.strip() if isinstance(v, str) else v)
    missing_mask = column.isna()
    if not pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        blank = column.astype(object).map(lambda v: isinstance(v, str) and not v.strip())
        missing_mask = missing_mask | blank.astype(bool)
    n_missing = int(missing_mask.sum())
    present = column[~missing_mask]
    n_unique = int(present.nunique(dropna=True))

    def info(role: Role, reason: str) -> ColumnInfo:
        return ColumnInfo(str(name), role, reason, n_missing, n_unique)

    if n_missing == n:
        return info(Role.EMPTY, "has no values"), column
    as_bool = boolean_values(column.where(~missing_mask))
    if as_bool is not None:
        return info(Role.BOOLEAN, "holds only yes/no values"), as_bool
    id_like_name = bool(ID_NAME.search(str(name)))
    unique_share = n_unique / max(len(present), 1)
    if pd.api.types.is_numeric_dtype(column):
        if id_like_name and unique_share >= 0.95 and len(present) > 1:
            return info(Role.IDENTIFIER, "has an id-like name and a different value on almost every row"), column
        return info(Role.NUMERIC, "holds numbers"), column
    as_date = datetime_values(column.where(~missing_mask))
    if as_date is not None:
        return info(Role.DATETIME, "holds dates and times"), as_date
    if id_like_name and unique_share >= 0.95 and len(present) > 1:
        return info(Role.IDENTIFIER, "has an id-like name and a different value on almost every row"), column
    if n_unique == len(present) and len(present) > 20:
        return info(Role.IDENTIFIER, "has a different value on every row"), column
    cleaned = column.where(~missing_mask)
    return info(Role.CATEGORICAL, f"holds text with {n_unique:,} different values"), cleaned


def infer_roles(frame: pd.DataFrame) -> dict[str, ColumnInfo]:
    """The role of every column of ``frame``, in column order."""
    return {str(name): infer_column(str(name), frame[name])[0] for name in frame.columns}
