"""Reading tables as people have them: CSV, Excel, Parquet, or a DataFrame.

``read_table`` sniffs the format from the bytes (an Excel file renamed
``.csv`` still loads), the text encoding (UTF-8 with or without BOM, UTF-16,
Latin-1) and the delimiter; cleans headers; turns numeric text ("1,234",
"$12.50", "12%") into numbers; infers column roles; and reports what it did
in plain words. A file it cannot use gives a plain-words error.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import warnings
from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from ..errors import SegwidgetsDataError
from .roles import ColumnInfo, Role, infer_column
from .text import format_megabytes


@dataclass
class LoadedTable:
    """A cleaned table with its column roles.

    Attributes:
        frame: the cleaned rows (RangeIndex); booleans as pandas "boolean",
            date-times parsed, numeric text parsed; empty columns kept.
        columns: column name -> :class:`ColumnInfo`.
        source: a file name, a dataset name or "DataFrame".
        notes: what was dropped, converted or ignored, in plain words.
    """

    frame: pd.DataFrame
    columns: dict[str, ColumnInfo]
    source: str = "DataFrame"
    notes: list[str] = field(default_factory=list)

    @property
    def roles(self) -> dict[str, Role]:
        """Column name -> role."""
        return {name: info.role for name, info in self.columns.items()}

    def feature_candidates(self) -> list[str]:
        """Columns that can be features: numeric, yes/no and categorical."""
        usable = (Role.NUMERIC, Role.BOOLEAN, Role.CATEGORICAL)
        return [n for n, i in self.columns.items() if i.role in usable]

    def default_features(self) -> list[str]:
        """The features chosen when a person has not chosen: numeric and yes/no columns."""
        return [n for n, i in self.columns.items() if i.role in (Role.NUMERIC, Role.BOOLEAN)]


MAGIC = {
    b"PAR1": "parquet",
    b"PK\x03\x04": "zip",
    b"\xd0\xcf\x11\xe0": "xls",
}
SEPARATORS = ",;\t|"
NUMBER_TEXT = re.compile(r"^\(?[-+]?\s*[$€£¥]?\s*[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*[$€£¥]?\s*%?\)?$")
#: Larger magnitudes overflow when squared over many rows: treated as missing, and said so.
HUGE = 1e100
#: What spreadsheets and exports write in a number column for "no number" (compared in lower case).
PLACEHOLDERS = frozenset({"-", "--", "—", "?", ".", "n/a", "na", "none", "null", "nan", "#n/a", "#div/0!",
                          "#value!", "#ref!", "#name?", "#num!", "#null!"})
#: "1.234,56", "-2,50 €", "12,5 %": thousands dots and a decimal comma, as European Excel writes.
EURO_NUMBER = re.compile(r"^\(?[-+]?\s*[$€£¥]?\s*[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?\s*[$€£¥]?\s*%?\)?$")


def _too_large(size: int, max_bytes: int) -> SegwidgetsDataError:
    """The over-limit message: the file's size gets as many decimals as it takes
    to read larger than the limit ("50.04 MB; the limit is 50.0 MB")."""
    limit = math.floor(max_bytes / 1024 / 1024 * 10) / 10
    megabytes = size / 1024 / 1024
    digits = next((d for d in range(1, 7) if round(megabytes, d) > limit), 6)
    return SegwidgetsDataError(f"The file is {megabytes:.{digits}f} MB; the limit is {limit:.1f} MB.")


def _read_bytes(source: str | os.PathLike | bytes | BinaryIO, max_bytes: int | None) -> tuple[bytes, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = "upload"
    elif hasattr(source, "read"):
        data = source.read(None if max_bytes is None else max_bytes + 1)
        name = getattr(source, "name", "upload")
        if max_bytes is not None and len(data) > max_bytes:  # only the start was read
            limit = format_megabytes(max_bytes, round_down=True)
            raise SegwidgetsDataError(f"The file is larger than the limit of {limit}.")
    else:
        path = Path(source)
        if not path.exists():
            raise SegwidgetsDataError(f"There is no file called {path.name!r}.")
        if path.is_dir():
            raise SegwidgetsDataError(f"{path.name!r} is a folder, not a file.")
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise _too_large(size, max_bytes)
        data = path.read_bytes()
        name = path.name
    if max_bytes is not None and len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    return data, str(name)


def _decode(data: bytes) -> tuple[str, str | None]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig", errors="replace"), None  # no copy of the bytes without the mark
    # UTF-16 without a byte order mark: the high byte of every ASCII character is 0
    high, low = data[1:4096:2], data[0:4096:2]
    if len(high) >= 2 and high.count(0) > 0.2 * len(high) and low.count(0) < 0.05 * len(low):
        return data.decode("utf-16-le", errors="replace"), "UTF-16"
    if len(high) >= 2 and low.count(0) > 0.2 * len(low) and high.count(0) < 0.05 * len(high):
        return data.decode("utf-16-be", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Latin-1 (Windows)"


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return controls > len(sample) * 0.05


def _sniff_separator(text: str) -> str:
    head = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(head, delimiters=SEPARATORS).delimiter
    except csv.Error:
        counts = {sep: head.splitlines()[0].count(sep) if head else 0 for sep in SEPARATORS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` one at a time (``csv.reader`` reads only as many as it needs)."""
    for match in re.finditer(r"[^\n]*\n|[^\n]+\Z", text):
        yield match.group(0)


class _TextSource(io.TextIOBase):
    """A read-only file over a string that pandas reads in chunks.

    ``io.StringIO(text)`` keeps its own copy at 4 bytes per character: 1.5 GB for a
    380 MB CSV, on top of the text itself. This hands out slices instead.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text
        self._at = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        end = len(self._text) if size is None or size < 0 else self._at + size
        chunk = self._text[self._at:end]
        self._at += len(chunk)
        return chunk


def _parse_csv(text: str, notes: list[str]) -> pd.DataFrame:
    if not text or text.isspace():  # not text.strip(): that copies the whole file
        raise SegwidgetsDataError("The file is empty.")
    if _looks_binary(text):
        raise SegwidgetsDataError(
            "This file is not a table we can read. Upload a CSV, Excel or Parquet file."
        )
    if "\r" in text:  # Windows and old Mac line ends (a lone \r stops pandas' parser)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text[re.match(r"(?:[ \t]*\n)*", text).end():]  # blank lines above the header
    hint = re.match(r"sep=([,;\t|])[ \t]*\n", text, re.IGNORECASE)  # Excel's separator line
    if hint:
        text = text[hint.end():]
    sep = hint.group(1) if hint else _sniff_separator(text)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", pd.errors.ParserWarning)
            header = next(csv.reader(_lines(text), delimiter=sep))
            # index_col=False: rows one cell longer than the header (a delimiter at the end
            # of every line) must not turn the first column into the index, which shifts
            # every value one column to the left.
            frame = pd.read_csv(_TextSource(text), sep=sep, header=None, skiprows=1,
                                names=list(range(len(header))), keep_default_na=True, index_col=False,
                                skipinitialspace=True, on_bad_lines="warn", engine="c", low_memory=False)
        skipped = sum(str(w.message).count("Skipping line") for w in caught)
        cut = any("loss of data" in str(w.message) for w in caught)
    except pd.errors.EmptyDataError:
        raise SegwidgetsDataError("The file is empty.") from None
    except StopIteration:
        raise SegwidgetsDataError("The file is empty.") from None
    except (pd.errors.ParserError, ValueError, csv.Error) as exc:
        if "EOF inside string" in str(exc):
            raise SegwidgetsDataError(
                'A quotation mark (") is opened but never closed, so the rest of the file would be '
                "one cell. Check the quotes in the file."
            ) from None
        raise SegwidgetsDataError(
            "The file could not be split into rows and columns. Save it as a CSV with one row per line."
        ) from None
    if sep == ";":
        notes.append("Columns are separated by ';'.")
    frame.columns = header
    if skipped:
        notes.append(f"{skipped:,} rows with more cells than the header were skipped.")
    if cut:
        notes.append("Rows have more cells than the header has names; the cells beyond the last "
                     "named column were left out.")
    return frame


def _read_format(data: bytes, filename: str, notes: list[str]) -> pd.DataFrame | None:
    """A Parquet or Excel file's frame; None for text (a CSV, which :func:`read_table` decodes)."""
    kind = MAGIC.get(data[:4])
    if kind == "parquet":
        try:
            return pd.read_parquet(io.BytesIO(data))
        except Exception:  # noqa: BLE001 - pyarrow raises many kinds
            raise SegwidgetsDataError(
                "The Parquet file could not be read: it may be damaged or incomplete. "
                "Save it again, or upload a CSV or Excel file."
            ) from None
    if kind == "zip":
        if b"xl/" in data[:4096] or b"[Content_Types].xml" in data[:4096] or filename.lower().endswith(".xlsx"):
            try:
                frame = pd.read_excel(io.BytesIO(data), engine="openpyxl")
            except Exception:  # noqa: BLE001 - openpyxl raises many kinds
                raise SegwidgetsDataError(
                    "The Excel file could not be read: it may be damaged or incomplete. "
                    "Save it again, or upload a CSV file."
                ) from None
            if not filename.lower().endswith((".xlsx", ".xlsm")):
                notes.append("The file is an Excel workbook; its first sheet was read.")
            return frame
        raise SegwidgetsDataError(
            "This looks like a ZIP archive, not a table. Upload a CSV, Excel or Parquet file."
        )
    if kind == "xls":  # the Compound File container: old .xls, or a password-protected .xlsx
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise SegwidgetsDataError(
                "This Excel file is protected with a password. Save a copy without the password "
                "(or as CSV) and upload that."
            )
        raise SegwidgetsDataError("Old Excel (.xls) files are not supported; save it as .xlsx or CSV.")
    return None


def _clean_headers(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    base: list[str] = []
    unnamed: list[str] = []
    for position, raw in enumerate(frame.columns, start=1):
        missing = raw is None or (isinstance(raw, float) and raw != raw)  # None or NaN
        name = "" if missing else str(raw).strip().lstrip("\ufeff")
        if not name or re.fullmatch(r"Unnamed: \d+", name):
            name = f"column {position}"
            unnamed.append(name)
        base.append(name)
    # A repeated name gets the first free "name (n)": free of every name in the
    # table, so "a (2)", "a", "a" becomes "a (2)", "a", "a (3)".
    names: list[str] = []
    renamed: list[str] = []
    taken: set[str] = set()
    all_names = set(base)
    for name in base:
        if name in taken:
            number = 2
            while f"{name} ({number})" in taken or f"{name} ({number})" in all_names:
                number += 1
            name = f"{name} ({number})"
            renamed.append(name)
        taken.add(name)
        names.append(name)
    if unnamed:
        notes.append(f"Columns without a name were called {', '.join(unnamed)}.")
    if renamed:
        notes.append(f"Repeated column names were renamed: {', '.join(renamed)}.")
    frame = frame.copy()
    frame.columns = names
    return frame


def _keep_named_index(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """A named index (``groupby("customer_id").sum()``, a Parquet file's index) becomes
    columns, so no data is lost; an unnamed index is only row numbers and is dropped."""
    levels = [str(n) for n in frame.index.names if n is not None]
    if isinstance(frame.index, pd.RangeIndex) or len(levels) != frame.index.nlevels:
        return frame
    if set(levels) & {str(c) for c in frame.columns}:  # already there as a column
        return frame
    notes.append(f"The index was kept as {'a column' if len(levels) == 1 else 'columns'}: {', '.join(levels)}.")
    return frame.reset_index()


def _numeric_text(column: pd.Series, euro: bool) -> pd.Series | None:
    values = column.dropna().astype(str).str.strip()
    values = values[values != ""]
    if len(values) == 0:
        return None
    plain = pd.to_numeric(values, errors="coerce")
    if plain.notna().all():
        return pd.to_numeric(column.astype(object).where(column.notna(), None), errors="coerce")
    text = column.astype(str).str.strip()
    if euro and values.str.match(EURO_NUMBER).all() and values.str.contains(",").any():
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    elif not values.str.match(NUMBER_TEXT).all():
        return None
    negative = text.str.startswith("(") & text.str.endswith(")")
    cleaned = text.str.replace(r"[()$€£¥,%\s+]", "", regex=True)
    cleaned = cleaned.where(~negative, "-" + cleaned)
    numbers = pd.to_numeric(cleaned.where(column.notna()), errors="coerce")
    if numbers.notna().sum() < len(values):
        return None
    return numbers


def _convert(frame: pd.DataFrame, notes: list[str], euro: bool) -> tuple[pd.DataFrame, dict[str, ColumnInfo]]:
    out: dict[str, pd.Series] = {}
    infos: dict[str, ColumnInfo] = {}
    converted: list[str] = []
    infinite: list[str] = []
    too_large: list[str] = []
    as_text: list[str] = []
    placeholders: list[str] = []
    for name in frame.columns:
        column = frame[name]
        if column.dtype == object:
            unhashable = column.map(lambda v: not isinstance(v, Hashable))
            if unhashable.any():  # lists, dicts ...: compared and counted as their text
                column = column.mask(unhashable, column.map(str))
                as_text.append(name)
        if not pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column) \
                and not pd.api.types.is_datetime64_any_dtype(column):
            stand_ins = column.notna() & column.astype(str).str.strip().str.lower().isin(PLACEHOLDERS)
            candidate = column.mask(stand_ins) if stand_ins.any() else column
            numbers = _numeric_text(candidate, euro)
            if numbers is not None:
                plain = candidate.dropna().astype(str).str.strip().str.fullmatch(r"[-+]?\d+(\.\d+)?").all()
                if not plain:
                    converted.append(name)
                if stand_ins.any():
                    placeholders.append(f"{name} ({int(stand_ins.sum()):,})")
                column = numbers
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            column = pd.to_numeric(column, errors="coerce")
            if pd.api.types.is_float_dtype(column):
                values = column.to_numpy(dtype=float, na_value=np.nan)
                bad = np.isinf(values)
                if bad.any():
                    infinite.append(f"{name} ({int(bad.sum())})")
                huge = np.abs(np.where(bad, 0.0, values)) > HUGE
                if huge.any():
                    too_large.append(f"{name} ({int(huge.sum())})")
                if bad.any() or huge.any():
                    column = column.mask(bad | huge)
        info, column = infer_column(name, column)
        out[name] = column
        infos[name] = info
    if as_text:
        notes.append(f"Lists and other collections were read as text: {', '.join(as_text)}.")
    if converted:
        notes.append(f"Numbers written with separators, currency or % were read as numbers: {', '.join(converted)}.")
    if placeholders:
        notes.append(f"Stand-ins for a missing number ('-', '?', '#DIV/0!' ...) were treated as missing: "
                     f"{', '.join(placeholders)}.")
    if infinite:
        notes.append(f"Infinite values were treated as missing: {', '.join(infinite)}.")
    if too_large:
        notes.append(f"Values too large to compute with (beyond ±1e100) were treated as missing: "
                     f"{', '.join(too_large)}.")
    empty = [n for n, i in infos.items() if i.role == Role.EMPTY]
    if empty:
        notes.append(f"{len(empty)} empty column{'s' if len(empty) != 1 else ''} ignored: {', '.join(empty)}.")
    ids = [n for n, i in infos.items() if i.role == Role.IDENTIFIER]
    if ids:
        notes.append(f"Identifier column{'s' if len(ids) != 1 else ''} not used as features: {', '.join(ids)}.")
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame))), infos


def read_table(
    source: str | os.PathLike | bytes | BinaryIO | pd.DataFrame,
    *,
    filename: str | None = None,
    max_bytes: int | None = None,
) -> LoadedTable:
    """Read a table from a path, bytes, a binary file object or a DataFrame.

    Args:
        source: what to read. A DataFrame is copied, never changed.
        filename: the original file name of bytes or a file object (e.g. an upload).
        max_bytes: refuse files larger than this, with a plain message.

    Raises:
        SegwidgetsDataError: the input is not a table that can be used; the
            message says why in plain words.
    """
    notes: list[str] = []
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        name = filename or str(source.attrs.get("source") or "DataFrame")
        euro = False
    else:
        data, name = _read_bytes(source, max_bytes)
        name = filename or name
        if not data or data.isspace():  # not data.strip(): that copies the whole file
            raise SegwidgetsDataError("The file is empty.")
        frame = _read_format(data, name, notes)
        if frame is None:  # a CSV: once it is text, its bytes go, so a large file is never
            text, encoding = _decode(data)  # held three times over (bytes, text, table)
            data = None
            if encoding:
                notes.append(f"The file is encoded as {encoding}.")
            frame = _parse_csv(text, notes)
            text = None
        euro = any("';'" in n for n in notes)
    frame = _keep_named_index(frame, notes)
    frame = _clean_headers(frame, notes)
    if len(frame.columns) == 0:
        raise SegwidgetsDataError("The file has no columns.")
    if len(frame) == 0:
        raise SegwidgetsDataError("The file has a header but no rows.")
    frame, infos = _convert(frame.reset_index(drop=True), notes, euro)
    return LoadedTable(frame=frame, columns=infos, source=str(name), notes=notes)


def roles_of(table: LoadedTable | Mapping[str, ColumnInfo]) -> dict[str, Role]:
    """Column name -> role, from a table or a column-info mapping."""
    columns = table.columns if isinstance(table, LoadedTable) else table
    return {n: i.role for n, i in columns.items()}
