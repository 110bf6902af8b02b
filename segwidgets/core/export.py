"""The labelled rows handed back: every input cell as it was read, plus a segment id and name.

An export must give back what was read: an id read as ``"-1.0979E+18"`` or
``"2347567364561868123"`` is written as that text, never as a float; ``"00501"``
keeps its zeros; ``"NA"`` stays ``"NA"``; an input column is never overwritten
by the segment columns. So exports are built from the table's *original*
cells (``LoadedTable.original``), not from the converted values.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula (formula injection). :func:`neutralise` prefixes such text cells with
``'`` for CSV; a workbook written by :func:`to_xlsx_bytes` stores every text
as a text cell (never a formula) marked with Excel's own "quote prefix", so the
text stays exactly as read and still cannot run. Plain numbers ("-12",
"-1.0979E+18", "+44") are not formulas and are left alone.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SegwidgetsValueError
from .roles import ColumnInfo, Role

#: The segment id and name columns, when the input has neither.
SEGMENT_COLUMN = "segment"
NAME_COLUMN = "segment_name"
#: The suffixes :func:`export_bytes` writes, with what each file is.
EXPORT_FORMATS: dict[str, str] = {
    ".csv": "the labelled rows as CSV",
    ".xlsx": "the labelled rows as an Excel workbook",
    ".parquet": "the labelled rows as Parquet",
}
#: The sheet of the labelled rows in a workbook.
ROWS_SHEET = "Rows"
#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Text a spreadsheet does not run although it starts with a sign: a plain number, signs and
#: exponents included ("-12", "-1.0979E+18", "+44", "-1,234.5"), or a dash placeholder ("-", "--").
_NOT_A_FORMULA = re.compile(r"[+-]?(?:\d[\d,.]*|[.,]\d[\d,.]*)(?:[eE][+-]?\d+)?%? *|-{1,3}")
_FORMULA_START = re.compile(r"[=+\-@\t\r]")
#: Characters an Excel workbook (XML) cannot hold: control characters other than tab, newline, CR.
_NOT_IN_WORKBOOKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Whole numbers beyond this lose digits in Excel (15 significant digits): written as text.
_EXCEL_EXACT = 10**15
#: Number text a workbook can show back as typed: no sign but "-", no leading zeros, no exponent.
_EXACT_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.(\d+))?")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


# ---------------------------------------------------------------- the labelled rows


def segment_columns(columns: Iterable[Hashable]) -> tuple[str, str]:
    """The names of the segment id and name columns for a table with ``columns``.

    ``("segment", "segment_name")``; when the table has either (compared ignoring case and
    surrounding spaces), ``("segwidgets_segment", "segwidgets_segment_name")``; when it has
    one of those too, ``("segwidgets_segment_2", "segwidgets_segment_name_2")``, and so on:
    never the name of an input column.
    """
    taken = {str(c).strip().casefold() for c in columns}
    pairs = [(SEGMENT_COLUMN, NAME_COLUMN), (f"segwidgets_{SEGMENT_COLUMN}", f"segwidgets_{NAME_COLUMN}")]
    n = 2
    while True:
        for pair in pairs:
            if not any(name.casefold() in taken for name in pair):
                return pair
        pairs = [(f"segwidgets_{SEGMENT_COLUMN}_{n}", f"segwidgets_{NAME_COLUMN}_{n}")]
        n += 1


def labelled_rows(
    original: pd.DataFrame,
    segment_ids: Sequence[Any] | np.ndarray | pd.Series,
    segment_names: Mapping[int, str] | Sequence[str | None] | pd.Series,
) -> pd.DataFrame:
    """The input rows with their segment: ``original``'s columns untouched, then an id and a name column.

    Args:
        original: the input as read (``LoadedTable.original``: CSV cells as their text).
            Its columns and cells are copied as they are.
        segment_ids: one per row; a negative id, None or NA means no segment (noise, a row
            left out), which gives an empty id and name.
        segment_names: segment id -> name, or one name per row.

    The two columns are named by :func:`segment_columns` (never an input column's name);
    ``attrs["segment_columns"]`` of the result holds their names. The id column is
    nullable integers ("Int64"), the name column nullable text ("string").
    """
    n = len(original)
    ids = _segment_ids(segment_ids)
    if len(ids) != n:
        raise SegwidgetsValueError(f"There are {len(ids):,} segment ids for {n:,} rows.")
    if isinstance(segment_names, Mapping):
        names = {int(k): v for k, v in segment_names.items()}
        named = pd.Series(ids, dtype="Int64").map(names).astype(object)
    else:
        named = pd.Series(list(segment_names), dtype=object)
        if len(named) != n:
            raise SegwidgetsValueError(f"There are {len(named):,} segment names for {n:,} rows.")
        named[np.asarray(pd.isna(ids))] = None
    named = [None if _missing(v) else str(v) for v in named]
    id_column, name_column = segment_columns(original.columns)
    out = original.reset_index(drop=True)  # a copy: the table's own rows are never changed
    out[id_column] = ids
    out[name_column] = pd.array(named, dtype="string")
    out.attrs["segment_columns"] = (id_column, name_column)
    return out


def _segment_ids(values: Any) -> pd.arrays.IntegerArray:
    """Nullable integer ids, a negative id (noise) or a missing one as NA."""
    array = values.to_numpy() if isinstance(values, pd.Series) else values
    if isinstance(array, np.ndarray) and array.dtype.kind in "iu":
        ids = pd.array(array.astype("int64"), dtype="Int64")
        ids[array < 0] = pd.NA
        return ids
    return pd.array([None if _missing(v) or int(v) < 0 else int(v) for v in array], dtype="Int64")


def numeric_columns(columns: Mapping[str, ColumnInfo] | None) -> list[str]:
    """The columns read as numbers (role numeric): a workbook writes their number text as numbers."""
    return [] if not columns else [name for name, info in columns.items() if info.role == Role.NUMERIC]


def segments_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per segment of labelled ``rows``: its id, name, size and share of the rows.

    Rows with no segment are counted in a last row named "(no segment)" when there are any.
    """
    id_column, name_column = _segment_columns_of(rows)
    ids, names = rows[id_column], rows[name_column]
    total = max(len(rows), 1)
    out = []
    for segment, size in ids.value_counts(dropna=True).sort_index().items():
        first = names[ids == segment]
        name = first.iloc[0] if len(first) else pd.NA
        out.append({"segment": int(segment), "name": None if _missing(name) else str(name),
                    "size": int(size), "share of rows": round(size / total, 4)})
    missing = int(ids.isna().sum())
    if missing:
        out.append({"segment": None, "name": "(no segment)", "size": missing,
                    "share of rows": round(missing / total, 4)})
    return pd.DataFrame(out, columns=["segment", "name", "size", "share of rows"]).astype(
        {"segment": "Int64", "size": "int64"})


def settings_table(spec_json: str) -> pd.DataFrame:
    """The settings of a spec's JSON, one per row (``setting``, ``value``), then the whole JSON.

    The last row holds the JSON as it is, so it can be copied into a ``.json`` file and loaded.
    """
    spec = json.loads(spec_json)
    rows = [(key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
            for key, value in spec.items()]
    rows.append(("all settings (JSON)", spec_json))
    return pd.DataFrame(rows, columns=["setting", "value"])


# ---------------------------------------------------------------- formula injection


def is_formula_like(text: Any) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula: text starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return that is not a plain number ("-12", "-1.0979E+18")
    nor a dash placeholder ("-", "--")."""
    return (isinstance(text, str) and text[:1] in FORMULA_START
            and _NOT_A_FORMULA.fullmatch(text) is None)


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` where formula-like text (cells and column names) starts with ``'``.

    Cells that are not text, text that is a plain number and dash placeholders are left as
    they are, so ids, codes and missing-value spellings still round-trip byte for byte.
    See :func:`is_formula_like`.
    """
    out = frame.copy()
    renamed = {c: "'" + c for c in out.columns if is_formula_like(c)}
    for position, name in enumerate(frame.columns):
        column = frame.iloc[:, position]
        categorical = isinstance(column.dtype, pd.CategoricalDtype)
        if not (categorical or column.dtype == object or pd.api.types.is_string_dtype(column.dtype)):
            continue
        text = column.astype(object) if categorical else column
        risky = np.asarray(_formula_mask(text), dtype=bool)
        if risky.any():
            fixed = text.astype(object).copy()
            fixed[risky] = ["'" + v for v in fixed[risky]]
            if not categorical and column.dtype != object:  # text stays the kind of text it was
                fixed = fixed.astype(column.dtype)
            out.isetitem(position, fixed)
    return out.rename(columns=renamed) if renamed else out


# ---------------------------------------------------------------- writers


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV (comma-separated, ``\\n`` line ends, no index).

    Text is written as it is (no number formatting), missing values as empty cells: a
    frame of a CSV's original text gives each of its cells back byte for byte. Formula-like
    text is written as it is too: pass the frame through :func:`neutralise` first.
    """
    text = frame.to_csv(index=False, lineterminator="\n", na_rep="")
    return text.encode("utf-8", errors="replace")


def to_xlsx_bytes(
    frame: pd.DataFrame,
    *,
    sheets: Mapping[str, pd.DataFrame] = {},  # read, never changed
    numeric: Collection[str] = (),
    sheet_name: str = ROWS_SHEET,
) -> bytes:
    """``frame`` as an Excel workbook (openpyxl): a sheet ``sheet_name``, then ``sheets`` in order.

    - Text is written as text cells, so "00501" keeps its zeros and a 19-digit id its
      digits. It is never a formula: formula-like text is kept exactly and marked with
      Excel's quote prefix, so it shows as typed and does not run.
    - In the ``numeric`` columns, text that is exactly a number as Excel writes it ("12",
      "-0.5"; not "00501", "1.50", "1E+18" or more than 15 digits) becomes that number;
      other text there ("NA") stays text.
    - Numbers, dates and yes/no values are written as such; whole numbers of more than
      15 digits as text (Excel would drop digits); missing values as empty cells.
    - Control characters a workbook cannot hold (NUL and the like) are left out.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    numeric = set(numeric)
    for index, (title, table) in enumerate([(sheet_name, frame), *sheets.items()]):
        sheet = book.create_sheet(_sheet_title(title, book.sheetnames))
        sheet.freeze_panes = "A2"
        header = []
        for name in table.columns:
            cell = _xlsx_value(sheet, str(name))
            if cell is not None:
                cell = _as_cell(sheet, cell)
                cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        columns = [_xlsx_column(sheet, table.iloc[:, i], index == 0 and str(name) in numeric)
                   for i, name in enumerate(table.columns)]
        for row in zip(*columns):
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as Parquet (pyarrow, no index). Column names become text; a column that
    mixes kinds of values (a number in one row, text in the next) is written as text."""
    import pyarrow as pa

    out = frame.copy()
    out.columns = [str(c) for c in out.columns]
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        if column.dtype == object or isinstance(column.dtype, pd.CategoricalDtype):
            try:
                pa.Array.from_pandas(column)
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError):
                out.isetitem(position, column.astype(object).map(lambda v: None if _missing(v) else str(v)))
    buffer = io.BytesIO()
    out.to_parquet(buffer, index=False, engine="pyarrow")
    return buffer.getvalue()


def export_bytes(
    rows: pd.DataFrame,
    suffix: str,
    *,
    spec_json: str | None = None,
    numeric: Collection[str] = (),
) -> bytes:
    """Labelled ``rows`` (from :func:`labelled_rows`) as the file a ``suffix`` names.

    - ``.csv``: formula-like text neutralised (:func:`neutralise`), all else as it is.
    - ``.xlsx``: a workbook with the rows, a "Segments" sheet (:func:`segments_table`) and,
      given ``spec_json``, a "Settings" sheet (:func:`settings_table`); ``numeric`` as in
      :func:`to_xlsx_bytes`.
    - ``.parquet``: the rows as they are.

    Raises:
        SegwidgetsValueError: another suffix; the message lists the ones it writes.
    """
    kind = suffix.lower() if suffix.startswith(".") else "." + suffix.lower()
    if kind == ".csv":
        return to_csv_bytes(neutralise(rows))
    if kind == ".xlsx":
        sheets = {"Segments": segments_table(rows)}
        if spec_json is not None:
            sheets["Settings"] = settings_table(spec_json)
        return to_xlsx_bytes(rows, sheets=sheets, numeric=numeric)
    if kind == ".parquet":
        return to_parquet_bytes(rows)
    raise SegwidgetsValueError(f"Labelled rows cannot be written as {suffix or 'a file with no type'!r}; "
                               f"choose {', '.join(EXPORT_FORMATS)}.")


# ---------------------------------------------------------------- helpers


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return isinstance(value, (float, np.floating)) and math.isnan(value)
    except TypeError:
        return False


def _formula_mask(column: pd.Series) -> pd.Series:
    """Which cells of a text (or mixed) column are formula-like; vectorised where pandas can."""
    try:
        starts = column.str.match(_FORMULA_START, na=False).astype(bool)
        if not starts.any():
            return starts
        return starts & ~column.str.fullmatch(_NOT_A_FORMULA, na=False).astype(bool)
    except AttributeError:  # no .str for this column (numbers or dates held as objects)
        return column.map(is_formula_like).astype(bool)


def _segment_columns_of(rows: pd.DataFrame) -> tuple[str, str]:
    named = rows.attrs.get("segment_columns")
    if named and all(c in rows.columns for c in named):
        return tuple(named)
    if rows.shape[1] < 2:
        raise SegwidgetsValueError("These rows have no segment columns.")
    return tuple(rows.columns[-2:])


def _sheet_title(title: str, taken: Sequence[str]) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\, not taken."""
    base = _SHEET_NAME_FORBIDDEN.sub(" ", str(title)).strip().strip("'")[:31] or "Sheet"
    name, n = base, 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    return name


def _as_cell(sheet: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell

    return value if isinstance(value, Cell) else WriteOnlyCell(sheet, value)


def _xlsx_text(sheet: Any, text: str) -> Any:
    """A text cell: never a formula; formula-like text keeps its characters and gets the quote prefix."""
    from openpyxl.cell import WriteOnlyCell

    if _NOT_IN_WORKBOOKS.search(text):
        text = _NOT_IN_WORKBOOKS.sub("", text)
    if text == "":
        return None
    if text[:1] in FORMULA_START:
        cell = WriteOnlyCell(sheet, text)
        cell.data_type = "s"  # openpyxl reads text starting with "=" as a formula
        if is_formula_like(text):
            cell.quotePrefix = True
        return cell
    return text


def _exact_number(text: str) -> tuple[int | float, str | None] | None:
    """The number ``text`` is and the number format that shows it as exactly this text
    (None: Excel's general format does), or None when a workbook cannot show it so."""
    match = _EXACT_NUMBER.fullmatch(text) if 0 < len(text) <= 17 else None
    if match is None or text.startswith("-0") and not text.strip("-0."):
        return None  # not a plain number, or a negative zero ("-0", "-0.00")
    places = match.group(1)
    if places is None:
        number = int(text)
        return (number, None) if abs(number) < _EXCEL_EXACT else None
    value = float(text)
    if len(text.lstrip("-0.").replace(".", "")) > 15 or f"{value:.{len(places)}f}" != text:
        return None  # more digits than Excel keeps
    shown_as_typed = repr(value) == text and not value.is_integer()  # general format shows 1.0 as 1
    return value, None if shown_as_typed else "0." + "0" * len(places)


def _xlsx_value(sheet: Any, value: Any, numeric: bool = False) -> Any:
    if _missing(value):
        return None
    if isinstance(value, str):
        number = _exact_number(value) if numeric else None
        if number is None:
            return _xlsx_text(sheet, value)
        if number[1] is None:
            return number[0]
        cell = _as_cell(sheet, number[0])
        cell.number_format = number[1]  # "1.50" shows as 1.50
        return cell
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        number = int(value)
        return number if abs(number) < _EXCEL_EXACT else str(number)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else str(float(value))
    if isinstance(value, pd.Timestamp):
        return value.isoformat() if value.tzinfo is not None else value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.isoformat() if value.tzinfo is not None else value
    if isinstance(value, (dt.date, dt.time)) and getattr(value, "tzinfo", None) is None:
        return value
    return _xlsx_text(sheet, str(value))


def _xlsx_column(sheet: Any, column: pd.Series, numeric: bool) -> list[Any]:
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else ""
    if kind == "f":
        return [float(v) if math.isfinite(v) else (None if math.isnan(v) else str(v)) for v in column.tolist()]
    if kind and kind in "iu":
        return [v if abs(v) < _EXCEL_EXACT else str(v) for v in column.tolist()]
    return [_xlsx_value(sheet, v, numeric) for v in column.astype(object).tolist()]
