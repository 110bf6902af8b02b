"""Reading tables as people have them: CSV, Excel, Parquet, or a DataFrame.

``read_table`` sniffs the format from the bytes (an Excel file renamed
``.csv`` still loads), the text encoding (UTF-8 with or without BOM, UTF-16,
Latin-1) and the delimiter; cleans headers; turns numeric text ("1,234",
"$12.50", "12%") into numbers; infers column roles; and reports what it did
in plain words. A file it cannot use gives a plain-words error.

What reading promises:

- **Nothing is lost.** ``LoadedTable.original`` holds every cell as read: a CSV's
  text exactly ("" for an empty cell, "NA" stays "NA", "00501" keeps its zeros,
  "-1.0979E+18" its E), a workbook's cells as openpyxl gives them, a DataFrame
  or Parquet file as it came. ``frame`` is converted from it column by column,
  so exports and role changes (:meth:`LoadedTable.with_roles`) start from the cells.
- **One reading per column, said in words.** The decimal mark and the thousands
  separator are decided once for the file ("1.234" in a ``;`` file of decimal
  commas is 1234); a column mixing "45%" and "0.45" is read one way; a date
  column is read day first or month first, never both; a number column with a
  few cells such as "unknown" stays numbers. Wherever the file does not tell, a
  note says what was assumed, with an example; :class:`ReadOptions` overrides it.
- **Damage is repaired, not fatal.** A stray NUL byte is removed with a note;
  title rows above a header are skipped with a note; a workbook's read-me sheet
  is passed over for the first sheet that holds a table, and the note names the
  sheets; formulas whose results were never saved are explained.
- **Roles a careful analyst would choose.** Every column gets a role
  (:mod:`segwidgets.core.roles`); identifiers, ignored and empty columns are no
  features; columns that measure what another measures
  (:mod:`segwidgets.core.redundancy`) are left out of the default features.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import errno
import hashlib
import io
import logging
import math
import os
import re
import stat
import warnings
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import SegwidgetsCancelled, SegwidgetsDataError, SegwidgetsValueError
from .redundancy import Redundant, find_redundant, skewed_counts
from .dates import DateReading, read_dates
from .roles import ColumnInfo, Role, convert_column, infer_column
from .text import format_megabytes

if TYPE_CHECKING:
    from .table_cache import TableCache

_log = logging.getLogger("segwidgets.io")

#: How the cells of a CSV are kept: Arrow strings (a tenth of the memory of Python strings).
TEXT = pd.ArrowDtype(pa.string())


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file where it is ambiguous; None everywhere = decide from the file.

    Attributes:
        decimal: the decimal mark, "." or ",".
        thousands: the mark between thousands: ",", ".", " ", "'" or "" (none).
        dayfirst: dates are day first (True: 03/04/2024 is 3 April) or month first (False).
        sheet: the sheet of a workbook to read.
        header_row: the row of the header, counted from 1 (rows above it are skipped).
    """

    decimal: str | None = None
    thousands: str | None = None
    dayfirst: bool | None = None
    sheet: str | None = None
    header_row: int | None = None

    def __post_init__(self) -> None:
        if self.decimal not in (None, ".", ","):
            raise SegwidgetsValueError(f"The decimal mark can be '.' or ',', not {self.decimal!r}.")
        if self.thousands not in (None, ",", ".", " ", "'", ""):
            raise SegwidgetsValueError(
                f"The thousands separator can be ',', '.', ' ', \"'\" or none (''), not {self.thousands!r}.")
        if self.decimal is not None and self.decimal == self.thousands:
            raise SegwidgetsValueError(f"The decimal mark and the thousands separator can't both be {self.decimal!r}.")
        if self.dayfirst not in (None, True, False):
            raise SegwidgetsValueError("Day first must be yes, no, or not set.")
        if self.sheet is not None and not isinstance(self.sheet, str):
            raise SegwidgetsValueError("The sheet is given by its name.")
        if self.header_row is not None and (isinstance(self.header_row, bool)
                                            or not isinstance(self.header_row, (int, np.integer))
                                            or self.header_row < 1):
            raise SegwidgetsValueError(f"The header row is counted from 1; {self.header_row!r} is not a row.")


@dataclass(frozen=True)
class _Facts:
    """What reading did to one column's cells, for the notes (private)."""

    formatted: bool = False         # numbers written with separators, currency, % or parentheses
    percent: str | None = None      # how percentages were read (a sentence)
    stand_ins: int = 0              # "-", "?", "#DIV/0!" ... made missing
    not_numbers: int = 0            # other text in a number column made missing
    spellings: tuple[str, ...] = ()
    infinite: int = 0
    huge: int = 0
    as_text: bool = False           # lists or other collections read as their text
    dates: str | None = None        # the day/month order assumed (a sentence)
    dayfirst: bool | None = None    # ... and that order
    formulas: str | None = None     # an unsaved formula of an empty column


@dataclass(frozen=True)
class _Parsing:
    """What :func:`read_table` decided for the whole file, to read a column again (private)."""

    decimal: str = "."
    thousands: str = ","
    dayfirst: bool | None = None           # the person's choice
    dayfirst_default: bool | None = None   # the order assumed where a column does not tell
    na_text: bool = True                   # "NA", "NULL", "#N/A" ... are missing (files; not DataFrames)


@dataclass
class LoadedTable:
    """A cleaned table with its column roles.

    Attributes:
        frame: the cleaned rows (RangeIndex); booleans as pandas "boolean",
            date-times parsed, numeric text parsed; empty columns kept.
        columns: column name -> :class:`ColumnInfo`.
        source: a file name, a dataset name or "DataFrame".
        notes: what was dropped, converted, assumed or ignored, in plain words.
        original: the same columns and rows as ``frame``, each cell as read: a CSV's
            text exactly (Arrow strings; "" for an empty cell), a workbook's cells as
            openpyxl gave them, a DataFrame or Parquet file's values as they came.
        options: the reading used, with what was assumed filled in (decimal mark,
            thousands separator, date order where one was needed, sheet, header row).
        sheets: the sheet names of a workbook ([] otherwise).
        sheet: the sheet read (None unless a workbook).
        redundant: column -> why it is left out of the default features
            (:func:`segwidgets.core.redundancy.find_redundant`).
        skewed: counts with a heavy tail, where log(1 + x) helps
            (:func:`segwidgets.core.redundancy.skewed_counts`).
        sha256: the SHA-256 (hex) of the bytes read, so a saved spec can tell whether its
            file changed; None for a DataFrame.
    """

    frame: pd.DataFrame
    columns: dict[str, ColumnInfo]
    source: str = "DataFrame"
    notes: list[str] = field(default_factory=list)
    original: pd.DataFrame | None = None
    options: ReadOptions = field(default_factory=ReadOptions)
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    redundant: dict[str, Redundant] = field(default_factory=dict)
    skewed: list[str] = field(default_factory=list)
    sha256: str | None = None
    _facts: dict[str, _Facts] = field(default_factory=dict, repr=False, compare=False)
    _parsing: _Parsing | None = field(default=None, repr=False, compare=False)

    @property
    def roles(self) -> dict[str, Role]:
        """Column name -> role."""
        return {name: info.role for name, info in self.columns.items()}

    def feature_candidates(self) -> list[str]:
        """Columns that can be features: numeric, yes/no and categorical (never identifiers,
        ignored, empty or date columns)."""
        usable = (Role.NUMERIC, Role.BOOLEAN, Role.CATEGORICAL)
        return [n for n, i in self.columns.items() if i.role in usable]

    def default_features(self) -> list[str]:
        """The features chosen when a person has not chosen: numeric and yes/no columns,
        except those that measure what another one does (``redundant``)."""
        return [n for n, i in self.columns.items()
                if i.role in (Role.NUMERIC, Role.BOOLEAN) and n not in self.redundant]

    def with_roles(self, overrides: Mapping[str, str | Role]) -> LoadedTable:
        """This table with the roles a person set: ``{"region": "categorical"}``.

        Each column named is converted again from its cells as read (``original``) with
        :func:`segwidgets.core.roles.convert_column`; ``"auto"`` gives it back the role
        reading inferred. Redundancy, skew and notes are worked out again. This table
        is not changed.

        Raises:
            SegwidgetsValueError: a column the table does not have, or a role its values
                cannot take; the message names the column and an example cell.
        """
        unknown = [str(n) for n in overrides if n not in self.columns]
        if unknown:
            raise SegwidgetsValueError(
                f"There is no column called {', '.join(repr(n) for n in unknown)} in this table.")
        parsing = self._parsing or _Parsing(na_text=False)
        frame = self.frame.copy(deep=False)
        columns = dict(self.columns)
        facts = dict(self._facts)
        for name, role in overrides.items():
            cells = self.original[name] if self.original is not None and name in self.original else None
            if cells is None:  # a table built by hand: its converted values are all there is
                values, text, fact = self.frame[name], None, self._facts.get(name, _Facts())
            else:
                values, text, fact = _read_column(str(name), cells, parsing)
            fact = dataclasses.replace(fact, formulas=self._facts.get(name, _Facts()).formulas)
            if str(getattr(role, "value", role)) == "auto":
                info, values, fact = _infer(str(name), values, text, fact, parsing)
            else:
                info, values = convert_column(str(name), values, text, role)
            frame[name] = values.reset_index(drop=True) if isinstance(values, pd.Series) else values
            columns[name] = info
            facts[name] = fact
        redundant, skewed = _redundancy(frame, columns, [])  # the note on a wide table is among self.notes
        kept = [n for n in self.notes if n not in set(_column_notes(self._facts, self.columns, self.redundant))]
        notes = kept + _column_notes(facts, columns, redundant)
        return dataclasses.replace(self, frame=frame, columns=columns, notes=notes, redundant=redundant,
                                   skewed=skewed, _facts=facts)


MAGIC = {
    b"PAR1": "parquet",
    b"PK\x03\x04": "zip",
    b"\xd0\xcf\x11\xe0": "xls",
}
SEPARATORS = ",;\t|"
#: Larger magnitudes overflow when squared over many rows: treated as missing, and said so.
HUGE = 1e100
#: What spreadsheets and exports write in a number column for "no number" (compared in lower case).
PLACEHOLDERS = frozenset({"-", "--", "—", "?", ".", "n/a", "na", "none", "null", "nan", "#n/a", "#div/0!",
                          "#value!", "#ref!", "#name?", "#num!", "#null!"})
_PLACEHOLDER_ARRAY = pa.array(sorted(PLACEHOLDERS))
#: pandas' own spellings of "no value" in a file (``read_csv``'s default ``na_values``):
#: missing in ``frame``, kept as written in ``original``.
NA_TEXT = frozenset({"#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                     "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"})
_NA_ARRAY = pa.array(sorted(NA_TEXT))
#: A number column may hold this share of other cells ("unknown", "n.a.") ...
NOT_NUMBER_SHARE = 0.05
#: ... written in at most this many ways; they become missing, with a note.
NOT_NUMBER_SPELLINGS = 3
#: Most cells (rows × columns) a CSV or Parquet file may hold once read: a compressed file can
#: expand far beyond its size on disk, and 50 MB of one-character cells are 25 million. 20 million
#: (a million rows of 20 columns) keeps one visitor's kernel within the figure the README states
#: (``benchmarks/budgets.py`` measures it). Workbooks have their own, lower budget.
MAX_CELLS = 20_000_000
#: Most columns a table may have.
MAX_COLUMNS = 2_000
#: Most cells a workbook's sheet may hold: openpyxl reads about 20 µs and keeps about 100 bytes
#: a cell, so a workbook's budget is lower than a text file's (5 million: minutes of one core).
MAX_WORKBOOK_CELLS = 5_000_000
#: Most bytes a workbook may unpack to (its parts are ZIP-compressed XML; a 1 MB file can
#: unpack to gigabytes). Checked from the archive's directory before anything is unpacked.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
#: Cells looked at to decide the decimal mark and thousands separator, per column ...
MARK_SAMPLE = 500
#: ... and in all (a table of 2,000 columns looks at 50 cells of each).
MARK_SAMPLE_TOTAL = 100_000
#: Numeric columns compared for measuring the same thing (the comparison grows with their
#: square); a wider table has only its first ones compared, and a note says so.
REDUNDANCY_COLUMNS = 300
#: Rows looked at for a title above the header, and for whether a sheet holds a table.
HEAD_ROWS = 40
#: Control characters that are no text (a NUL byte from a broken export); tab and line ends are text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: A cell that looks like a number in any convention: "1.234,50", "$1,234", "(12)", "12 %", "1 234".
NUMBER_SHAPE = re.compile(r"^\(?\s*[-+]?\s*[$€£¥]?\s*[-+]?\s*(\d[\d.,'\u00a0\u202f ]*\d|\d)\s*[$€£¥]?\s*%?\s*\)?$")
SPACES = "\u00a0\u202f "
_NO_CONTROLS = str.maketrans("", "", "".join(chr(c) for c in [*range(9), 11, 12, *range(14, 32), 127]))


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
        data = _read_file(path, max_bytes)
        name = path.name
    if max_bytes is not None and len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    return data, str(name)


#: Bytes asked of the system per read of a file.
_CHUNK = 1024 * 1024


def _read_file(path: Path, max_bytes: int | None) -> bytes:
    """The bytes of the regular file ``path``, read once through one descriptor.

    Opened without blocking (a FIFO with no writer would wait for ever) and checked on the
    descriptor, not the name, so what is read is what was checked: a folder, a device, a
    FIFO or a socket is refused in words. At most ``max_bytes + 1`` bytes are read (a file
    growing under us is refused, not read to its end); without a limit, at most the size
    the file had when it was opened.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise SegwidgetsDataError(f"There is no file called {path.name!r}.") from None
    except IsADirectoryError:
        raise SegwidgetsDataError(f"{path.name!r} is a folder, not a file.") from None
    except PermissionError:
        raise SegwidgetsDataError(f"There is no permission to read {path.name!r}.") from None
    except (OSError, ValueError) as exc:  # a name too long, a NUL in it, a loop of links ...
        _log.info("could not open %r", path, exc_info=True)
        if getattr(exc, "errno", None) == errno.ENAMETOOLONG:
            raise SegwidgetsDataError("The file name or its folder path is too long.") from None
        raise SegwidgetsDataError(f"The file {path.name!r} could not be opened.") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise SegwidgetsDataError(f"{path.name!r} is a folder, not a file.")
        if not stat.S_ISREG(info.st_mode):
            raise SegwidgetsDataError(
                f"{path.name!r} is not an ordinary file (it is a device, a pipe or a socket), "
                "so it cannot be read as a table.")
        if max_bytes is not None and info.st_size > max_bytes:
            raise _too_large(info.st_size, max_bytes)
        os.set_blocking(fd, True)  # a regular file: reads never wait anyway
        budget = info.st_size if max_bytes is None else max_bytes + 1
        chunks: list[bytes] = []
        got = 0
        while got < budget:
            # the whole file in one read (one buffer, no copies), then small reads to its end
            chunk = os.read(fd, min(budget - got, max(info.st_size + 1 - got, _CHUNK)))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except OSError:
        _log.info("could not read %r", path, exc_info=True)
        raise SegwidgetsDataError(f"The file {path.name!r} could not be read.") from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if max_bytes is not None and len(data) > max_bytes:  # it grew after it was opened
        raise _too_large(len(data), max_bytes)
    return data


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
    """More than 5% control characters at the start (and more than a few): an image, an
    archive, a program. A few (a NUL byte in a cell) are removed instead, by :func:`_strip_controls`."""
    sample = text[:4096]
    return len(CONTROL.findall(sample)) > max(len(sample) * 0.05, 16)


def _strip_controls(text: str, notes: list[str]) -> str:
    """``text`` without control characters that are no text, with a note when there were some."""
    cleaned = text.translate(_NO_CONTROLS)  # 5 times faster than a regular expression search
    if len(cleaned) == len(text):
        return text
    count = len(text) - len(cleaned)
    many = count != 1
    if text.count("\x00") == count:
        what = f"{count:,} NUL byte{'s' if many else ''} (from a broken export)"
    else:
        what = f"{count:,} control character{'s' if many else ''} that {'are' if many else 'is'} not text"
    notes.append(f"The file held {what}; {'they were' if many else 'it was'} removed.")
    return cleaned


def _sniff_separator(text: str) -> str:
    lines = [line for line in text[:65536].splitlines()[:50] if line.strip()]
    head = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(head, delimiters=SEPARATORS).delimiter
    except csv.Error:
        counts = {sep: sum(line.count(sep) for line in lines) for sep in SEPARATORS}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _lines(text: str, start: int = 0) -> Iterator[str]:
    """The lines of ``text`` from ``start`` one at a time (``csv.reader`` reads only as many as it needs)."""
    for match in re.compile(r"[^\n]*\n|[^\n]+\Z").finditer(text, start):
        yield match.group(0)


class _TextSource(io.TextIOBase):
    """A read-only file over a string that pandas reads in chunks.

    ``io.StringIO(text)`` keeps its own copy at 4 bytes per character: 1.5 GB for a
    380 MB CSV, on top of the text itself. This hands out slices instead.
    """

    def __init__(self, text: str, start: int = 0) -> None:
        super().__init__()
        self._text = text
        self._at = start

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        end = len(self._text) if size is None or size < 0 else self._at + size
        chunk = self._text[self._at:end]
        self._at += len(chunk)
        return chunk


# --- where the table starts ------------------------------------------------------------

def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) \
        or (isinstance(value, float) and math.isnan(value))


def _width(row: list) -> int:
    return sum(1 for value in row if not _blank(value))


def _header_like(row: list) -> bool:
    """A row of names: two or more cells, all text, none a number."""
    cells = [v for v in row if not _blank(v)]
    return len(cells) >= 2 and all(isinstance(v, str) and not NUMBER_SHAPE.match(v.strip()) for v in cells)


def _header_index(rows: list[list]) -> int:
    """The header among the first rows: the first row that is not blank, unless it starts a
    block of rows with one cell each (a title, "Exported 2024-05-01") above a row of names."""
    widths = [_width(row) for row in rows]
    first = next((i for i, w in enumerate(widths) if w), 0)
    if not widths or widths[first] >= 2:
        return first
    for i in range(first + 1, len(rows)):
        if widths[i] >= 2:
            return i if _header_like(rows[i]) else first
    return first


def _cell_words(value: object) -> str:
    text = value.isoformat(sep=" ") if isinstance(value, dt.datetime) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def _title_note(rows: list[list], header: int, where: str, asked: bool) -> str | None:
    """The note for rows skipped above the header (row numbers count from 1)."""
    if header == 0:
        return None
    skipped = [_cell_words(v) for row in rows[:header] for v in row if not _blank(v)]
    if asked:
        return f"Row {header + 1} {where}was used as the header, as chosen; the {header:,} row" \
               f"{'s' if header != 1 else ''} above it {'were' if header != 1 else 'was'} skipped."
    if not skipped:
        return None  # only blank rows above the table
    shown = ", ".join(repr(s) for s in skipped[:3]) + (" ..." if len(skipped) > 3 else "")
    span = "Row 1" if header == 1 else f"Rows 1 to {header}"
    return (f"{span} {where}({shown}) {'are' if header != 1 else 'is'} a title above the table and "
            f"{'were' if header != 1 else 'was'} skipped; row {header + 1} is the header.")


# --- CSV ------------------------------------------------------------------------------

def _head_records(text: str, sep: str, start: int, count: int) -> list[tuple[int, list[str]]]:
    """The first ``count`` records from ``start`` with where each starts (blank lines are [])."""
    consumed = start

    def lines() -> Iterator[str]:
        nonlocal consumed
        for line in _lines(text, start):
            consumed += len(line)
            yield line

    reader = csv.reader(lines(), delimiter=sep, skipinitialspace=True)
    records: list[tuple[int, list[str]]] = []
    at = start
    for row in islice(reader, count):
        records.append((at, row))
        at = consumed
    return records


def _find_header(text: str, sep: str, start: int, options: ReadOptions) -> tuple[int, list[str], int, str | None]:
    """Where the header record starts, its cells, its row (from 0) and the note on rows above it."""
    records = _head_records(text, sep, start, options.header_row or 1)
    if options.header_row is None and records and _width(records[0][1]) <= 1:
        records = _head_records(text, sep, start, HEAD_ROWS)  # blank lines or a title first?
    if not records:
        raise SegwidgetsDataError("The file is empty.")
    rows = [row for _, row in records]
    if options.header_row is not None:
        if options.header_row > len(records):
            raise SegwidgetsDataError(f"The file has only {len(records):,} rows; row "
                                      f"{options.header_row:,} can't be the header.")
        header_at = options.header_row - 1
    else:
        header_at = _header_index(rows)
    begin, header = records[header_at]
    return begin, header, header_at, _title_note(rows, header_at, "", options.header_row is not None)


def _read_rows(text: str, sep: str, begin: int, width: int) -> tuple[pd.DataFrame, int, bool]:
    """The rows under the header at ``begin`` as text cells; how many rows were skipped for
    having too many cells; whether cells beyond the header were left out."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            # index_col=False: rows one cell longer than the header (a delimiter at the end
            # of every line) must not turn the first column into the index, which shifts
            # every value one column to the left. Every cell is read as text, exactly.
            frame = pd.read_csv(_TextSource(text, begin), sep=sep, header=None, skiprows=1,
                                names=list(range(width)), dtype=TEXT, keep_default_na=False, na_filter=False,
                                index_col=False, skipinitialspace=True, on_bad_lines="warn", engine="c",
                                low_memory=True)
        except pd.errors.EmptyDataError:  # a header and nothing under it
            return pd.DataFrame({i: pd.Series([], dtype=TEXT) for i in range(width)}), 0, False
    skipped = sum(str(w.message).count("Skipping line") for w in caught)
    return frame, skipped, any("loss of data" in str(w.message) for w in caught)


def _parse_csv(text: str, notes: list[str], options: ReadOptions) -> tuple[pd.DataFrame, str, int]:
    """The cells of a CSV as text (Arrow strings, "" for an empty cell), its separator and
    header row (counted from 1)."""
    if not text or text.isspace():  # not text.strip(): that copies the whole file
        raise SegwidgetsDataError("The file is empty.")
    if _looks_binary(text):
        raise SegwidgetsDataError(
            "This file is not a table we can read. Upload a CSV, Excel or Parquet file."
        )
    text = _strip_controls(text, notes)
    if "\r" in text:  # Windows and old Mac line ends (a lone \r stops pandas' parser)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    hint = re.match(r"sep=([,;\t|])[ \t]*\n", text, re.IGNORECASE)  # Excel's separator line
    start = hint.end() if hint else 0
    sep = hint.group(1) if hint else _sniff_separator(text[start:start + 65536])
    try:
        begin, header, header_at, title = _find_header(text, sep, start, options)
        _check_width(len(header))  # before the rows are parsed: 100,000 columns took minutes
        lines = text.count("\n", begin) + (not text.endswith("\n"))  # the header's and quoted ones too
        _check_cells(lines - 1, len(header), about=True)
        frame, skipped, cut = _read_rows(text, sep, begin, len(header))
    except SegwidgetsDataError:
        raise
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
    if title:
        notes.append(title)
    frame.columns = header
    if skipped:
        notes.append(f"{skipped:,} rows with more cells than the header were skipped.")
    if cut:
        notes.append("Rows have more cells than the header has names; the cells beyond the last "
                     "named column were left out.")
    return frame, sep, header_at + 1


# --- Excel ----------------------------------------------------------------------------

@dataclass
class _Sheet:
    cells: pd.DataFrame
    sheets: list[str]
    sheet: str
    header_row: int
    formulas: dict[int, str]


def _damaged_workbook() -> SegwidgetsDataError:
    return SegwidgetsDataError("The Excel file could not be read: it may be damaged or incomplete. "
                               "Save it again, or upload a CSV file.")


def _is_prose(rows: list[list]) -> bool:
    """Rows of sentences (a read-me, a data dictionary) rather than values."""
    cells = [v for row in rows for v in row if not _blank(v)]
    words = [v for v in cells if isinstance(v, str) and len(v.split()) >= 4]
    return bool(cells) and len(words) >= 0.5 * len(cells)


def _holds_table(rows: list[list]) -> bool:
    """A header of two or more names with a row of values under it, and not sentences."""
    if not rows:
        return False
    header = _header_index(rows)
    body = [row for row in rows[header + 1:] if _width(row)]
    return _width(rows[header]) >= 2 and bool(body) and not _is_prose(rows[header:])


def _choose_sheet(book: Any, names: list[str], asked: str | None, notes: list[str]) -> str:
    """The sheet to read: the one asked for, else the first that holds a table; with a note."""
    listed = ", ".join(names)
    many = f"The workbook has {len(names)} sheets ({listed}); "
    if asked is not None:
        match = asked if asked in names else next(
            (n for n in names if n.strip().casefold() == asked.strip().casefold()), None)
        if match is None:
            raise SegwidgetsDataError(
                f"The workbook has no sheet called {asked!r}; its sheets are {listed}.")
        if len(names) > 1:
            notes.append(many + f"{match!r} was read, as chosen.")
        return match
    worksheets = [n for n in names if hasattr(book[n], "iter_rows")]
    visible = [n for n in worksheets if getattr(book[n], "sheet_state", "visible") == "visible"] or worksheets
    if not visible:
        raise SegwidgetsDataError("The workbook has no sheet of cells to read.")
    for position, name in enumerate(visible):
        head = [list(row) for row in islice(book[name].iter_rows(values_only=True), HEAD_ROWS)]
        if _holds_table(head):
            if len(names) > 1:
                notes.append(many + (f"the first, {name!r}, was read." if position == 0 and name == names[0]
                                     else f"{name!r} was read, the first that holds a table."))
            return name
    for name in visible:  # no sheet holds a table of two columns: the first with any cells
        if any(_width(list(row)) for row in islice(book[name].iter_rows(values_only=True), HEAD_ROWS)):
            if len(names) > 1:
                notes.append(many + f"none holds a table of two or more columns, so {name!r} was read.")
            return name
    return visible[0]


def _header_name(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return None if _blank(value) else str(value)


def _read_workbook(data: bytes, filename: str, options: ReadOptions, notes: list[str],
                   stop: Callable[[], None] = lambda: None) -> _Sheet:
    """The chosen sheet's cells under its header (values as openpyxl gives them)."""
    import openpyxl

    _check_workbook_size(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds
        raise _damaged_workbook() from None
    try:
        names = list(book.sheetnames)
        if not filename.lower().endswith((".xlsx", ".xlsm")):
            notes.append("The file is an Excel workbook; its first sheet was read." if len(names) == 1
                         else "The file is an Excel workbook.")
        sheet = _choose_sheet(book, names, options.sheet, notes)
        rows = _sheet_rows(book[sheet], sheet, stop)
    finally:
        book.close()
    header_at = _sheet_header(rows, sheet, options)
    title = _title_note(rows, header_at, "" if len(names) == 1 else f"of {sheet!r} ",
                        options.header_row is not None)
    if title:
        notes.append(title)
    cells, positions, keep = _sheet_frame(rows, header_at)
    formulas = _unsaved_formulas(data, sheet, cells, positions, keep) if positions else {}
    return _Sheet(cells, names, sheet, header_at + 1, formulas)


def _check_workbook_size(data: bytes) -> None:
    """Refuse a workbook whose parts unpack past :data:`MAX_UNPACKED_BYTES`, from the ZIP
    directory alone (the sizes it states are the most ``zipfile`` will unpack)."""
    import zipfile

    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except Exception:  # noqa: BLE001 - damaged: openpyxl's read says so in words
        return
    if unpacked > MAX_UNPACKED_BYTES:
        raise SegwidgetsDataError(
            f"The workbook unpacks to {format_megabytes(unpacked)}, more than the "
            f"{format_megabytes(MAX_UNPACKED_BYTES)} that can be read. Save the sheet as CSV, "
            "or upload fewer rows.")


def _sheet_rows(sheet: Any, name: str, stop: Callable[[], None] = lambda: None) -> list[list]:
    """A sheet's rows, refused in words as soon as they pass :data:`MAX_WORKBOOK_CELLS`
    (a sheet that says it spans 16,384 columns gives rows that wide); ``stop()`` is called
    every 10,000 rows (reading a workbook takes openpyxl about 20 µs a cell)."""
    rows: list[list] = []
    cells = 0
    try:
        for row in sheet.iter_rows(values_only=True):
            if len(rows) % 10_000 == 9_999:
                stop()
            cells += len(row)
            if cells > MAX_WORKBOOK_CELLS:
                raise SegwidgetsDataError(
                    f"The sheet {name!r} holds more than the {MAX_WORKBOOK_CELLS:,} cells a workbook "
                    f"may have ({len(row):,} columns in row {len(rows) + 1:,}). Save it as CSV or "
                    "Parquet, or upload fewer rows or columns.")
            rows.append(list(row))
    except (SegwidgetsDataError, SegwidgetsCancelled):
        raise
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds
        raise _damaged_workbook() from None
    return rows


def _sheet_header(rows: list[list], sheet: str, options: ReadOptions) -> int:
    """The header's row (from 0): the one asked for, else the first under any title rows."""
    if options.header_row is None:
        return _header_index(rows[:HEAD_ROWS])
    if options.header_row > len(rows):
        raise SegwidgetsDataError(f"The sheet {sheet!r} has only {len(rows):,} rows; row "
                                  f"{options.header_row:,} can't be the header.")
    return options.header_row - 1


def _sheet_frame(rows: list[list], header_at: int) -> tuple[pd.DataFrame, list[int], list[int]]:
    """The cells under the header as an object frame (blank rows and blank unnamed columns
    left out), with the sheet rows and columns (from 0) they came from."""
    header = [_header_name(v) for v in rows[header_at]] if rows else []
    body = [(at, row) for at, row in enumerate(rows[header_at + 1:], start=header_at + 1) if _width(row)]
    width = max([len(header), *(len(row) for _, row in body)])
    keep = [i for i in range(width)
            if (i < len(header) and header[i] is not None) or any(i < len(r) and not _blank(r[i]) for _, r in body)]
    cells = pd.DataFrame([[row[i] if i < len(row) else None for i in keep] for _, row in body],
                         columns=range(len(keep)), dtype=object)
    cells.columns = [header[i] if i < len(header) else None for i in keep]
    return cells, [at for at, _ in body], keep


def _unsaved_formulas(data: bytes, sheet: str, cells: pd.DataFrame, positions: list[int],
                      keep: list[int]) -> dict[int, str]:
    """Column position -> a formula, for the columns with no value at all whose cells are
    formulas without a saved result (openpyxl writes those; so do some exporters)."""
    empty = [j for j in range(cells.shape[1]) if cells.iloc[:, j].map(_blank).all()]
    if not empty:
        return {}
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            rows = [list(row) for row in book[sheet].iter_rows(values_only=True)]
        finally:
            book.close()
    except Exception:  # noqa: BLE001
        return {}
    found: dict[int, str] = {}
    for j in empty:
        column = keep[j]
        for position in positions:
            value = rows[position][column] if position < len(rows) and column < len(rows[position]) else None
            text = getattr(value, "text", value)  # ArrayFormula keeps its text in .text
            if isinstance(text, str) and text.startswith("="):
                found[j] = text
                break
    return found


def _check_width(columns: int) -> None:
    if columns > MAX_COLUMNS:
        raise SegwidgetsDataError(f"The file has {columns:,} columns; at most {MAX_COLUMNS:,} can be read.")


def _check_parquet_size(data: bytes) -> None:
    """Refuse a Parquet file that would expand past :data:`MAX_CELLS` before it is read: its
    footer says how many rows and columns it holds (a 1 MB file can hold 60 million rows)."""
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(io.BytesIO(data)).metadata
    except Exception:  # noqa: BLE001 - damaged: the read below says so in words
        return
    rows, columns = int(meta.num_rows), int(meta.num_columns)
    _check_width(columns)
    _check_cells(rows, columns)


def _check_cells(rows: int, columns: int, *, about: bool = False) -> None:
    """Refuse ``rows`` × ``columns`` past :data:`MAX_CELLS` (``about``: rows counted by lines)."""
    if rows * columns > MAX_CELLS:
        raise SegwidgetsDataError(
            f"The file holds {'about ' if about else ''}{rows:,} rows of {columns:,} columns, more than "
            f"the {MAX_CELLS:,} cells that can be read. Upload a sample of the rows, or fewer columns.")


def _read_format(data: bytes, filename: str, notes: list[str], options: ReadOptions,
                 stop: Callable[[], None] = lambda: None) -> pd.DataFrame | _Sheet | None:
    """A Parquet file's frame or an Excel sheet; None for text (a CSV, which :func:`read_table` decodes)."""
    kind = MAGIC.get(data[:4])
    if kind == "parquet":
        _check_parquet_size(data)
        try:
            return pd.read_parquet(io.BytesIO(data))
        except Exception:  # noqa: BLE001 - pyarrow raises many kinds
            raise SegwidgetsDataError(
                "The Parquet file could not be read: it may be damaged or incomplete. "
                "Save it again, or upload a CSV or Excel file."
            ) from None
    if kind == "zip":
        if b"xl/" in data[:4096] or b"[Content_Types].xml" in data[:4096] or filename.lower().endswith(".xlsx"):
            return _read_workbook(data, filename, options, notes, stop)
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


# --- headers --------------------------------------------------------------------------

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
    frame = frame.copy(deep=False)
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


# --- the decimal mark and the thousands separator, for the whole file ------------------

def _marks(cell: str) -> tuple[str, ...] | None:
    """What one cell says about the marks: ("decimal", mark), ("group", mark) — the mark
    separates thousands, so the other is decimal —, ("ambiguous", mark) for "1,234" or
    "1.234", ("space",) / ("apostrophe",) for thousands so written; None if no number."""
    match = NUMBER_SHAPE.match(cell)
    if not match:
        return None
    core = match.group(1)
    found: list[tuple[str, ...]] = []
    if any(ch in core for ch in SPACES):
        head = re.split(r"[.,]", core)[0]
        if not re.fullmatch(r"\d{1,3}([\u00a0\u202f ]\d{3})+", head):
            return None
        found.append(("space",))
        core = re.sub(r"[\u00a0\u202f ]", "", core)
    if "'" in core:
        head = re.split(r"[.,]", core)[0]
        if not re.fullmatch(r"\d{1,3}('\d{3})+", head):
            return None
        found.append(("apostrophe",))
        core = core.replace("'", "")
    dots, commas = core.count("."), core.count(",")
    if dots and commas:
        last = "." if core.rfind(".") > core.rfind(",") else ","
        other = "," if last == "." else "."
        whole, fraction = core.rsplit(last, 1)
        if not re.fullmatch(rf"\d{{1,3}}({re.escape(other)}\d{{3}})+", whole) or not fraction.isdigit():
            return None
        return ("decimal", last)
    if dots or commas:
        mark = "," if commas else "."
        if dots + commas >= 2:
            return ("group", mark) if re.fullmatch(rf"\d{{1,3}}({re.escape(mark)}\d{{3}})+", core) else None
        whole, fraction = core.split(mark)
        if len(fraction) == 3 and 1 <= len(whole) <= 3 and not whole.startswith("0"):
            return ("ambiguous", mark)
        return ("decimal", mark) if fraction else None
    return found[0] if found else ("plain",)


def _text_samples(cells: pd.DataFrame) -> Iterator[list[str]]:
    """Up to :data:`MARK_SAMPLE` filled text cells of each column, stripped; fewer per column
    in a wide table (:data:`MARK_SAMPLE_TOTAL` in all, at least 50 a column)."""
    per_column = min(MARK_SAMPLE, max(50, MARK_SAMPLE_TOTAL // max(1, cells.shape[1])))
    for position in range(cells.shape[1]):
        column = cells.iloc[:, position]
        if not _is_text(column) and column.dtype != object:
            continue
        values = [v.strip() for v in column.head(per_column * 4) if isinstance(v, str) and v.strip()]
        yield values[:per_column]


def _decide_marks(cells: pd.DataFrame, sep: str | None, options: ReadOptions) -> tuple[str, str, str | None]:
    """The decimal mark and thousands separator for the whole file, and the note saying
    so where it matters: decimal commas, or "1,234" that could be read either way.

    Each column of numbers votes for the mark its cells show ("1.234,50", "12,5", "1,234,567");
    columns that are not numbers (addresses, versions, "192.168.0.1") do not vote."""
    votes = {".": 0, ",": 0}
    groups: dict[str, int] = {",": 0, ".": 0, " ": 0, "'": 0}
    ambiguous: dict[str, list[str]] = {",": [], ".": []}
    examples: dict[str, list[str]] = {"both": [], ".": [], ",": [], "group.": [], "group,": []}
    for sample in _text_samples(cells):
        sample = [cell for cell in sample if cell.lower() not in PLACEHOLDERS and cell not in NA_TEXT]
        kinds = [(cell, _marks(cell)) for cell in sample]
        if not kinds or sum(1 for _, kind in kinds if kind is not None) < 0.8 * len(kinds):
            continue  # not a column of numbers
        column_votes = {".": 0, ",": 0}
        for cell, kind in kinds:
            if kind is None:
                continue
            if kind[0] == "space":
                groups[" "] += 1
                kind = _marks(re.sub(r"[\u00a0\u202f ]", "", cell)) or kind
            elif kind[0] == "apostrophe":
                groups["'"] += 1
                kind = _marks(cell.replace("'", "")) or kind
            if kind[0] == "decimal":
                column_votes[kind[1]] += 1
                both = "," in cell and "." in cell
                examples["both" if both else kind[1]].append(cell)
                if both:
                    groups["." if kind[1] == "," else ","] += 1
            elif kind[0] == "group":
                column_votes["." if kind[1] == "," else ","] += 1
                groups[kind[1]] += 1
                examples["group" + kind[1]].append(cell)
            elif kind[0] == "ambiguous":
                ambiguous[kind[1]].append(cell)
        if column_votes[","] != column_votes["."]:
            votes["," if column_votes[","] > column_votes["."] else "."] += 1
    if options.decimal is not None:
        decimal, assumed = options.decimal, False
    elif votes[","] != votes["."]:
        decimal, assumed = ("," if votes[","] > votes["."] else "."), False
    else:  # nothing tells: a ';' file is from a European spreadsheet, which writes decimal commas
        decimal = "," if sep == ";" else "."
        assumed = bool(ambiguous[","] or ambiguous["."])
    other = "." if decimal == "," else ","
    if options.thousands is not None:
        thousands = options.thousands
    elif groups[other] or ambiguous[other]:
        thousands = other
    elif groups[" "]:
        thousands = " "
    elif groups["'"]:
        thousands = "'"
    else:
        thousands = other
    if thousands == decimal:  # the person set the decimal mark only: thousands take the other mark
        thousands = other
    shown = [c for c in examples["both"] if c.rfind(decimal) > c.rfind(other)] + examples["group" + other] \
        + ambiguous[other] + examples[decimal] + ambiguous[decimal]
    note = None
    if shown and (decimal == "," or assumed):
        example = shown[0]
        value = _parse_one(example, decimal, thousands)
        marks = {",": "','", ".": "'.'", " ": "a space", "'": "an apostrophe (')"}
        between = f"{marks[thousands]} between thousands" if thousands else "no mark between thousands"
        reading = f" as {_shown(value)}" if value is not None else ""
        note = (f"Numbers were read with {marks[decimal]} as the decimal mark and {between} "
                f"(for example {example!r}{reading}).")
    return decimal, thousands, note


def _number_pattern(decimal: str, thousands: str) -> str:
    """A cell that is one number in the file's convention (RE2 syntax, for pyarrow): signs,
    currency, parentheses for a negative amount and a percent sign allowed around it."""
    d = re.escape(decimal)
    if thousands == " ":
        whole = r"(?:\d{1,3}(?:[ \x{00a0}\x{202f}]\d{3})+|\d+)"
    elif thousands:
        whole = rf"(?:\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+|\d+)"
    else:
        whole = r"\d+"
    number = rf"(?:{whole}(?:{d}\d*)?|{d}\d+)(?:[eE][-+]?\d+)?"
    money = "[$€£¥]?"
    return rf"^\(?\s*[-+]?\s*{money}\s*[-+]?\s*{number}\s*{money}\s*%?\s*\)?$"


def _plain_pattern(decimal: str) -> str:
    """A number as a program writes it ("-3.5", "1e5"): no separator, sign or symbol to read."""
    fraction = r"(?:\.\d*)?" if decimal == "." else ""
    return rf"^[-+]?\d+{fraction}(?:[eE][-+]?\d+)?$"


def _parse_one(cell: str, decimal: str, thousands: str) -> float | None:
    """One cell read as a number in the file's convention (for a note's example)."""
    values, _ = _numbers_of(pd.Series([cell], dtype=TEXT), decimal, thousands)
    return None if values is None or not np.isfinite(values[0]) else float(values[0])


def _shown(value: float) -> str:
    """A number for a note: 1234.5, 0.45, 12."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else f"{value:.10g}"


# --- one column -------------------------------------------------------------------------

def _is_text(column: pd.Series) -> bool:
    dtype = column.dtype
    return isinstance(dtype, pd.StringDtype) or (isinstance(dtype, pd.ArrowDtype)
                                                 and pa.types.is_string(dtype.pyarrow_dtype)
                                                 or isinstance(dtype, pd.ArrowDtype)
                                                 and pa.types.is_large_string(dtype.pyarrow_dtype))


def _arrow(column: pd.Series) -> pa.ChunkedArray:
    """A text column as an Arrow string array (nulls for missing cells)."""
    if hasattr(column.array, "__arrow_array__"):  # Arrow-backed or pandas' own strings
        array = column.array.__arrow_array__()
    else:
        array = pa.chunked_array([pa.array(column.astype(object).where(column.notna(), None).tolist(),
                                           type=pa.string())])
    if not pa.types.is_string(array.type):
        array = array.cast(pa.string())
    return array if isinstance(array, pa.ChunkedArray) else pa.chunked_array([array])


def _count(mask: pa.ChunkedArray | pa.Array) -> int:
    return int(pc.sum(pc.fill_null(mask, False).cast(pa.int64())).as_py() or 0)


def _numbers_of(text: pd.Series, decimal: str, thousands: str) -> tuple[np.ndarray, dict]:
    """Numbers in the file's convention: the values (NaN where a cell is none) and what was
    found. Vectorised with Arrow; regular expressions without groups, which RE2 runs fast."""
    array = _arrow(text)
    matched = pc.fill_null(pc.match_substring_regex(array, _number_pattern(decimal, thousands)), False)
    lower = pc.utf8_lower(array)
    infinite = pc.fill_null(pc.match_substring_regex(lower, r"^[-+]?(inf|infinity)$"), False)
    # the number alone: digits, marks and an exponent; signs before it go
    number = pc.replace_substring_regex(array, r"[^0-9eE.,+-]", "")
    number = pc.replace_substring_regex(number, r"^[-+]+", "")
    if thousands in (",", "."):
        number = pc.replace_substring(number, thousands, "")
    if decimal == ",":
        number = pc.replace_substring(number, ",", ".")
    number = pc.if_else(matched, number, pa.scalar(None, pa.string()))
    values = pc.cast(number, pa.float64()).to_numpy(zero_copy_only=False).astype(float, copy=True)
    negative = pc.or_(pc.match_substring_regex(array, r"^[^0-9]*-"),
                      pc.and_(pc.starts_with(array, "("), pc.ends_with(array, ")")))
    negative = pc.fill_null(pc.and_(negative, matched), False).to_numpy(zero_copy_only=False)
    values = np.where(negative, -values, values)
    inf = infinite.to_numpy(zero_copy_only=False)
    if inf.any():
        sign = np.where(pc.fill_null(pc.starts_with(lower, "-"), False).to_numpy(zero_copy_only=False), -1.0, 1.0)
        values = np.where(inf, sign * np.inf, values)
    percent = pc.fill_null(pc.and_(matched, pc.match_substring(array, "%")), False)
    plain = pc.fill_null(pc.match_substring_regex(array, _plain_pattern(decimal)), False)
    fraction = pc.fill_null(pc.match_substring_regex(array, rf"[{re.escape(decimal)}eE]"), False)
    found = {
        "ok": pc.or_(matched, infinite).to_numpy(zero_copy_only=False),
        "filled": array.is_valid().to_numpy(zero_copy_only=False),
        "percent": percent.to_numpy(zero_copy_only=False),
        "formatted": _count(pc.and_(matched, pc.invert(plain))) > 0,
        "whole": not _count(pc.and_(matched, fraction)),
    }
    return values, found


def _plain_numbers(array: pa.ChunkedArray, parsing: _Parsing) -> tuple[pd.Series, _Facts] | None:
    """Cells that are all plain numbers ("12", "-3.5", "1e5", "00501"; missing cells null)
    read by Arrow, exactly and fast: whole numbers as int64 when none is missing; else None."""
    if parsing.decimal == "," and _count(pc.match_substring(array, ".")):
        return None  # "1.234" is 1234 in this file, not 1.234
    # whole numbers only where no cell could be a fraction: a failed int64 cast costs 20 times
    # the float cast it is tried before
    if not array.null_count and not _count(pc.match_substring_regex(array, r"[.eEnNiI]")):
        try:
            return pd.Series(pc.cast(array, pa.int64()).to_numpy(zero_copy_only=False)), _Facts()
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    try:
        values = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    values = np.array(values, dtype=float)
    nan_text = int(np.isnan(values).sum()) - array.null_count  # "nan" written in a cell
    return pd.Series(values), _Facts(stand_ins=0 if parsing.na_text else nan_text)


def _read_numbers(name: str, text: pd.Series, parsing: _Parsing) -> tuple[pd.Series, _Facts] | None:
    """A text column (stripped, missing cells null) as numbers, if it is one; else None.

    A number column may hold stand-ins ("-", "#DIV/0!") and a few other cells ("unknown",
    at most :data:`NOT_NUMBER_SHARE` of them in :data:`NOT_NUMBER_SPELLINGS` spellings):
    they become missing. Percentages are read one way for the whole column."""
    array = _arrow(text)
    n_filled = len(array) - array.null_count
    if n_filled == 0:
        return None
    plain = _plain_numbers(array, parsing)
    if plain is not None:
        return plain
    sample = [v for v in text.head(400).dropna().tolist()][:200]
    if sample and sum(1 for v in sample if NUMBER_SHAPE.match(v) or v.lower() in PLACEHOLDERS) < 0.5 * len(sample):
        return None  # clearly text: not worth a pass over the whole column
    values, found = _numbers_of(text, parsing.decimal, parsing.thousands)
    ok, filled = found["ok"], found["filled"]
    stand_in = pc.is_in(pc.utf8_lower(array), value_set=_PLACEHOLDER_ARRAY)
    stand = pc.fill_null(stand_in, False).to_numpy(zero_copy_only=False) & filled & ~ok
    bad = filled & ~ok & ~stand
    n_ok = int(ok.sum())
    if n_ok == 0:
        return None
    spellings: tuple[str, ...] = ()
    if bad.any():
        cells = pd.Series(array.to_numpy(zero_copy_only=False), dtype=object)[bad]
        by_spelling = cells.groupby(cells.str.lower(), sort=False).first()
        if bad.sum() > NOT_NUMBER_SHARE * (n_filled - stand.sum()) or len(by_spelling) > NOT_NUMBER_SPELLINGS:
            return None
        spellings = tuple(_cell_words(v) for v in by_spelling)
    values = np.where(ok, values, np.nan)
    percent, words = found["percent"], None
    if percent.any():
        values, words = _read_percent(name, text, values, percent, ok)
    column = pd.Series(values)
    if found["whole"] and not percent.any() and ok.all() and np.isfinite(values).all() \
            and (np.abs(values) < 2 ** 53).all():
        column = column.astype("int64")
    return column, _Facts(formatted=found["formatted"], percent=words, stand_ins=int(stand.sum()),
                          not_numbers=int(bad.sum()), spellings=spellings)


def _read_percent(name: str, text: pd.Series, values: np.ndarray, percent: np.ndarray,
                  ok: np.ndarray) -> tuple[np.ndarray, str]:
    """Percentages read one way for the column, and the sentence that says how."""
    first = int(np.flatnonzero(percent)[0])
    example = str(text.iloc[first])
    plain = ok & ~percent & np.isfinite(values)
    if not plain.any():
        return values, (f"Percentages in {name} were read as percent numbers "
                        f"(for example {example!r} as {_shown(values[first])}).")
    other = str(text.iloc[int(np.flatnonzero(plain)[0])])
    if np.nanmax(np.abs(values[plain])) <= 1:  # the other cells are fractions: 45% is 0.45
        values = np.where(percent, values / 100, values)
        return values, (f"{name} mixes percentages and fractions; the percentages were read as fractions "
                        f"(for example {example!r} as {_shown(values[first])}, like {other!r}).")
    value = values[first]
    return values, (f"{name} mixes numbers with and without a % sign; all were read as percent numbers "
                    f"(for example {example!r} as {_shown(value)}, like {other!r}).")


def _finite(column: pd.Series, fact: _Facts) -> tuple[pd.Series, _Facts]:
    """Infinite and huge numbers made missing, counted in the facts."""
    if not pd.api.types.is_float_dtype(column):
        return column, fact
    values = column.to_numpy(dtype=float, na_value=np.nan)
    bad = np.isinf(values)
    huge = np.abs(np.where(bad, 0.0, values)) > HUGE
    if bad.any() or huge.any():
        column = column.mask(bad | huge)
        fact = dataclasses.replace(fact, infinite=int(bad.sum()), huge=int(huge.sum()))
    return column, fact


def _render(value: object) -> object:
    """A cell of a mixed column as text (for reading it like a CSV cell)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _typed(column: pd.Series) -> pd.Series | None:
    """A column of one type of value as that type (numbers, yes/no, dates); None for text."""
    if _is_text(column):
        return None
    if isinstance(column.dtype, pd.CategoricalDtype):
        column = column.astype(object)
    if column.dtype != object:
        return column
    present = column[column.map(lambda v: not _blank(v) and v is not pd.NA and v is not pd.NaT)]
    if len(present) == 0:
        return None if len(column) else column
    kinds = {type(v) for v in present}
    if all(issubclass(k, (bool, np.bool_)) for k in kinds):
        return column.map(lambda v: pd.NA if _blank(v) or v is pd.NA else bool(v)).astype("boolean")
    if all(issubclass(k, (int, float, np.integer, np.floating)) and not issubclass(k, (bool, np.bool_))
           for k in kinds):
        return pd.to_numeric(column.map(lambda v: np.nan if _blank(v) or v is pd.NA else v), errors="coerce")
    if all(issubclass(k, (dt.datetime, dt.date, pd.Timestamp)) for k in kinds):
        try:
            return pd.to_datetime(column.map(lambda v: None if _blank(v) or v is pd.NA else v)).astype(
                "datetime64[us]")
        except (ValueError, TypeError, OverflowError):
            return None
    return None


def _read_column(name: str, cells: pd.Series, parsing: _Parsing) -> tuple[pd.Series, pd.Series | None, _Facts]:
    """One column's cells read: the values for the roles, the cells' text (None for typed
    cells) and what was done, before any role is given."""
    cells = cells.reset_index(drop=True)
    fact = _Facts()
    typed = _typed(cells)
    if typed is not None:
        if pd.api.types.is_numeric_dtype(typed) and not pd.api.types.is_bool_dtype(typed):
            typed = pd.to_numeric(typed, errors="coerce")
            typed, fact = _finite(typed, fact)
        return typed, None, fact
    if cells.dtype == object:
        unhashable = cells.map(lambda v: not isinstance(v, Hashable))
        if unhashable.any():  # lists, dicts ...: compared and counted as their text
            fact = dataclasses.replace(fact, as_text=True)
        cells = cells.map(_render)
    raw = _arrow(cells)
    original = cells if cells.dtype == TEXT and not raw.null_count \
        else pd.Series(pd.arrays.ArrowExtensionArray(pc.fill_null(raw, "")))
    plain = _plain_numbers(raw, parsing) if not raw.null_count else None
    if plain is not None:  # the usual number column of a CSV, without a pass more over it
        column, number_facts = _finite(*plain)
        return column, original, dataclasses.replace(number_facts, as_text=fact.as_text)
    stripped = pc.utf8_trim_whitespace(raw)
    missing = pc.fill_null(pc.equal(stripped, ""), True)
    if parsing.na_text:
        missing = pc.or_(missing, pc.fill_null(pc.is_in(stripped, value_set=_NA_ARRAY), False))
    text = pd.Series(pd.arrays.ArrowExtensionArray(pc.if_else(missing, pa.scalar(None, pa.string()), stripped)))
    numbers = _read_numbers(name, text, parsing)
    if numbers is not None:
        column, number_facts = numbers
        column, number_facts = _finite(column.astype("float64") if column.dtype == object else column, number_facts)
        return column, original, dataclasses.replace(number_facts, as_text=fact.as_text)
    return text.astype("str"), original, fact


def _infer(name: str, column: pd.Series, original: pd.Series | None, fact: _Facts,
           parsing: _Parsing) -> tuple[ColumnInfo, pd.Series, _Facts]:
    """The role of a column read by :func:`_read_column`: dates read one way, then
    :func:`segwidgets.core.roles.infer_column`."""
    reading: DateReading | None = None
    if not pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column) \
            and not pd.api.types.is_datetime64_any_dtype(column):
        read = read_dates(column, dayfirst=parsing.dayfirst)
        if read is not None and parsing.dayfirst is None and read[1].assumed \
                and parsing.dayfirst_default is not None and read[1].dayfirst != parsing.dayfirst_default:
            again = read_dates(column, dayfirst=parsing.dayfirst_default)
            if again is not None:
                read = again[0], dataclasses.replace(again[1], assumed=True)
        if read is not None:
            dates, reading = read
            if reading.assumed and reading.example is not None and reading.dayfirst is not None:
                fact = dataclasses.replace(fact, dates=_dates_note(name, column, dates, reading),
                                           dayfirst=reading.dayfirst)
            column = dates
    info, values = infer_column(name, column, original, dayfirst=parsing.dayfirst)
    if reading is not None and info.role == Role.DATETIME:
        info = dataclasses.replace(info, reason=reading.words)
    if fact.formulas and info.role == Role.EMPTY:  # not "has no values": its formulas were never run
        info = dataclasses.replace(info, reason="holds formulas whose results were never saved")
    return info, values, fact


def _dates_note(name: str, column: pd.Series, dates: pd.Series, reading: DateReading) -> str:
    side = "day first" if reading.dayfirst else "month first"
    same = column.astype("str").str.strip() == reading.example
    at = np.flatnonzero(same.to_numpy(dtype=bool, na_value=False))
    when = dates.iloc[int(at[0])] if len(at) else pd.NaT
    shown = f" as {when.day} {when:%B %Y}" if not pd.isna(when) else ""
    return (f"Dates in {name} were read {side} (for example {reading.example!r}{shown}); "
            "nothing in the column tells which comes first.")


# --- notes ------------------------------------------------------------------------------

def _names(items: list[str]) -> str:
    return ", ".join(items)


def _column_notes(facts: Mapping[str, _Facts], infos: Mapping[str, ColumnInfo],
                  redundant: Mapping[str, Redundant]) -> list[str]:
    """The notes about columns: what reading did to their cells, then their roles."""
    return _reading_notes(facts, infos) + _role_notes(infos, redundant, facts)


def _reading_notes(facts: Mapping[str, _Facts], infos: Mapping[str, ColumnInfo]) -> list[str]:
    """What reading did to the cells, said only where it applies to the column's role: a
    number column a person made categories keeps no note about its numbers."""
    blank = _Facts()
    every = [(n, facts.get(n, blank)) for n in infos]
    measured = [(n, f) for n, f in every if infos[n].role in (Role.NUMERIC, Role.BOOLEAN)]
    numeric = [(n, f) for n, f in measured if infos[n].role == Role.NUMERIC]
    notes: list[str] = []
    as_text = [n for n, f in every if f.as_text]
    if as_text:
        notes.append(f"Lists and other collections were read as text: {_names(as_text)}.")
    formatted = [n for n, f in numeric if f.formatted]
    if formatted:
        notes.append(f"Numbers written with separators, currency or % were read as numbers: {_names(formatted)}.")
    notes += [f.percent for _, f in numeric if f.percent]
    stand_ins = [f"{n} ({f.stand_ins:,})" for n, f in measured if f.stand_ins]
    if stand_ins:
        notes.append(f"Stand-ins for a missing number ('-', '?', '#DIV/0!' ...) were treated as missing: "
                     f"{_names(stand_ins)}.")
    for n, f in measured:
        if f.not_numbers:
            spelt = ", ".join(repr(s) for s in f.spellings)
            one = f.not_numbers == 1
            notes.append(f"{f.not_numbers:,} cell{'' if one else 's'} in {n} that {'is' if one else 'are'} not "
                         f"{'a number' if one else 'numbers'} ({spelt}) {'was' if one else 'were'} treated as missing.")
    infinite = [f"{n} ({f.infinite:,})" for n, f in measured if f.infinite]
    if infinite:
        notes.append(f"Infinite values were treated as missing: {_names(infinite)}.")
    huge = [f"{n} ({f.huge:,})" for n, f in measured if f.huge]
    if huge:
        notes.append(f"Values too large to compute with (beyond ±1e100) were treated as missing: {_names(huge)}.")
    notes += [f.dates for n, f in every if f.dates and infos[n].role == Role.DATETIME]
    notes += [f"Column {n} holds formulas whose results were never saved (for example {f.formulas!r}); "
              "open the file in Excel and save it, or export it as CSV." for n, f in every if f.formulas]
    return notes


def _role_notes(infos: Mapping[str, ColumnInfo], redundant: Mapping[str, Redundant],
                facts: Mapping[str, _Facts]) -> list[str]:
    """The columns kept out of the features (empty, ignored, identifiers; those that measure
    what another measures), codes that may be categories, and the roles a person set."""
    notes: list[str] = []
    by_person = {n: i for n, i in infos.items() if i.set_by_person}
    inferred = {n: i for n, i in infos.items() if not i.set_by_person}
    empty = [n for n, i in inferred.items() if i.role == Role.EMPTY and not facts.get(n, _Facts()).formulas]
    if empty:
        notes.append(f"{len(empty)} empty column{'s' if len(empty) != 1 else ''} ignored: {_names(empty)}.")
    ignored = [n for n, i in inferred.items() if i.role == Role.IGNORED]
    if ignored:
        notes.append(f"{len(ignored)} column{'s' if len(ignored) != 1 else ''} with the same value on every row "
                     f"ignored: {_names(ignored)}.")
    ids = [n for n, i in inferred.items() if i.role == Role.IDENTIFIER]
    if ids:
        notes.append(f"Identifier column{'s' if len(ids) != 1 else ''} not used as features: {_names(ids)}.")
    suggested = [f"{n} ({i.reason})" for n, i in inferred.items()
                 if i.role == Role.NUMERIC and i.suggested == Role.CATEGORICAL]
    if suggested:
        notes.append(f"Kept as numbers, though they may be categories: {'; '.join(suggested)}. "
                     "Set a column's role to categorical to use it so.")
    if by_person:
        notes.append("Roles set by you: " + ", ".join(f"{n} ({i.role.value})" for n, i in by_person.items()) + ".")
    if redundant:
        notes.append("Left out of the default features because another column measures the same: "
                     + "; ".join(f"{n}, which {r.reason}" if r.reason.startswith(("is ", "moves ", "agrees "))
                                 else f"{n}, {r.reason}" for n, r in redundant.items()) + ".")
    return notes


def _redundancy(frame: pd.DataFrame, infos: Mapping[str, ColumnInfo], notes: list[str]
                ) -> tuple[dict[str, Redundant], list[str]]:
    """The columns left out of the default features, and the skewed counts."""
    candidates = [n for n, i in infos.items() if i.role in (Role.NUMERIC, Role.BOOLEAN)]
    if not candidates:
        return {}, []
    if len(candidates) > REDUNDANCY_COLUMNS:
        notes.append(f"With {len(candidates):,} numeric columns, only the first {REDUNDANCY_COLUMNS} were "
                     "compared to find columns that measure the same thing.")
    return (find_redundant(frame, infos, candidates[:REDUNDANCY_COLUMNS]),
            skewed_counts(frame, infos, candidates))


# --- reading ----------------------------------------------------------------------------

@dataclass
class _Cells:
    """The cells of a source with its raw header, before any conversion (private)."""

    frame: pd.DataFrame
    sep: str | None = None
    sheets: list[str] = field(default_factory=list)
    sheet: str | None = None
    header_row: int | None = None
    formulas: dict[int, str] = field(default_factory=dict)
    typed: bool = False   # a DataFrame or Parquet file: "NA" is text, not a missing value
    sha256: str | None = None  # of the bytes read (None: a DataFrame)


@dataclass
class _Bytes:
    """A file's bytes, its name and their SHA-256, handed on once (private): the parser takes
    the bytes, so nothing else keeps a large file alive while it is parsed."""

    data: bytes | None
    name: str
    sha256: str

    def take(self) -> bytes:
        data, self.data = self.data, None
        if data is None:
            raise RuntimeError("the bytes were already taken")
        return data


def _cells_of(source: pd.DataFrame | _Bytes, filename: str | None, options: ReadOptions,
              notes: list[str], stop: Callable[[], None] = lambda: None) -> tuple[_Cells, str]:
    """The cells of a DataFrame or of a file's bytes, and its name."""
    if isinstance(source, pd.DataFrame):
        name = filename or str(source.attrs.get("source") or "DataFrame")
        return _Cells(source.copy(), typed=True), name
    name, digest = source.name, source.sha256
    data = source.take()
    read = _read_format(data, name, notes, options, stop)
    if isinstance(read, pd.DataFrame):
        return _Cells(read, typed=True, sha256=digest), name
    if isinstance(read, _Sheet):
        return _Cells(read.cells, None, read.sheets, read.sheet, read.header_row, read.formulas,
                      sha256=digest), name
    # a CSV: once it is text, its bytes go, so a large file is never held three times over
    text, encoding = _decode(data)
    data = None
    if encoding:
        notes.append(f"The file is encoded as {encoding}.")
    frame, sep, header_row = _parse_csv(text, notes, options)
    return _Cells(frame, sep, header_row=header_row, sha256=digest), name


def read_table(
    source: str | os.PathLike | bytes | BinaryIO | pd.DataFrame,
    *,
    filename: str | None = None,
    max_bytes: int | None = None,
    options: ReadOptions | None = None,
    cancel: Callable[[], bool] | None = None,
    cache: TableCache | bool | None = None,
) -> LoadedTable:
    """Read a table from a path, bytes, a binary file object or a DataFrame.

    Args:
        source: what to read. A DataFrame is copied, never changed.
        filename: the original file name of bytes or a file object (e.g. an upload).
        max_bytes: refuse files larger than this, with a plain message.
        options: how to read what the file leaves open (decimal mark, thousands
            separator, date order, sheet, header row); by default decided from the
            file, and said in a note where it had to be assumed.
        cancel: asked after the file is parsed and before each column is converted;
            True stops the read (a newer upload, or the page closed).
        cache: a :class:`segwidgets.core.table_cache.TableCache` that keeps the table for the
            next read of the same bytes with the same options and name, in any process, or
            False for none. By default (None) a file read from a path uses the cache
            ``$SEGWIDGETS_TABLE_CACHE`` names (:func:`segwidgets.config.table_cache_dir`), and
            bytes and file objects (uploads) none; True uses that cache for them too. The bytes are always
            read and hashed: the cache saves the parsing, and ``sha256`` is the file's.

    Raises:
        SegwidgetsDataError: the input is not a table that can be used; the
            message says why in plain words.
        SegwidgetsCancelled: ``cancel()`` said to stop.
    """
    options = options or ReadOptions()
    stop = _stopper(cancel)
    if isinstance(source, pd.DataFrame):
        return _loaded(source, filename, options, stop)
    data, name = _read_bytes(source, max_bytes)
    name = filename or name
    if not data or data.isspace():  # not data.strip(): that copies the whole file
        raise SegwidgetsDataError("The file is empty.")
    payload = _Bytes(data, str(name), hashlib.sha256(data).hexdigest())  # the file is not read again
    del data
    if cache is True or (cache is None and isinstance(source, (str, os.PathLike))):
        from .table_cache import TableCache

        cache = TableCache.from_environment()
    if not cache:
        return _loaded(payload, payload.name, options, stop)
    from .table_cache import cached_read

    table = cached_read(cache, payload.sha256, payload.name, options,
                        lambda: _loaded(payload, payload.name, options, stop), stop)
    stop()
    return table


def _loaded(source: pd.DataFrame | _Bytes, filename: str | None, options: ReadOptions,
            stop: Callable[[], None]) -> LoadedTable:
    """The table of a DataFrame or of a file's bytes: :func:`read_table` without a cache."""
    notes: list[str] = []
    cells, name = _cells_of(source, filename, options, notes, stop)
    stop()
    frame = _clean_headers(_keep_named_index(cells.frame, notes), notes)
    _check_width(len(frame.columns))  # a DataFrame or a workbook
    if len(frame.columns) == 0:
        raise SegwidgetsDataError("The file has no columns.")
    if len(frame) == 0:
        raise SegwidgetsDataError("The file has a header but no rows.")
    original = frame.reset_index(drop=True)
    decimal, thousands, marks_note = _decide_marks(original, cells.sep, options)
    if marks_note:
        notes.append(marks_note)
    parsing = _Parsing(decimal, thousands, options.dayfirst,
                       True if decimal == "," or cells.sep == ";" else None, not cells.typed)
    formulas = {original.columns[j]: formula for j, formula in cells.formulas.items()}
    converted, infos, facts = _read_columns(original, parsing, formulas, stop)
    redundant, skewed = _redundancy(converted, infos, notes)
    assumed = {f.dayfirst for f in facts.values() if f.dayfirst is not None}
    used = ReadOptions(decimal=decimal, thousands=thousands,
                       dayfirst=options.dayfirst if options.dayfirst is not None
                       else (assumed.pop() if len(assumed) == 1 else None),
                       sheet=cells.sheet, header_row=cells.header_row)
    return LoadedTable(frame=converted, columns=infos, source=str(name),
                       notes=notes + _column_notes(facts, infos, redundant), original=original, options=used,
                       sheets=list(cells.sheets), sheet=cells.sheet, redundant=redundant, skewed=skewed,
                       sha256=cells.sha256, _facts=facts, _parsing=parsing)


def _stopper(cancel: Callable[[], bool] | None) -> Callable[[], None]:
    """A check that raises :class:`SegwidgetsCancelled` once ``cancel()`` is true."""
    def stop() -> None:
        if cancel is not None and cancel():
            raise SegwidgetsCancelled("The read was stopped: a newer request replaced it.")
    return stop


def _read_columns(original: pd.DataFrame, parsing: _Parsing, formulas: Mapping[str, str],
                  stop: Callable[[], None] = lambda: None,
                  ) -> tuple[pd.DataFrame, dict[str, ColumnInfo], dict[str, _Facts]]:
    """Every column converted from its cells, with its role and what reading did to it."""
    out: dict[str, pd.Series] = {}
    infos: dict[str, ColumnInfo] = {}
    facts: dict[str, _Facts] = {}
    for name in original.columns:
        stop()
        values, text, fact = _read_column(name, original[name], parsing)
        info, values, fact = _infer(name, values, text, dataclasses.replace(fact, formulas=formulas.get(name)),
                                    parsing)
        out[name] = values.reset_index(drop=True)
        infos[name] = info
        facts[name] = fact
    return pd.DataFrame(out, index=pd.RangeIndex(len(original))), infos, facts


def roles_of(table: LoadedTable | Mapping[str, ColumnInfo]) -> dict[str, Role]:
    """Column name -> role, from a table or a column-info mapping."""
    columns = table.columns if isinstance(table, LoadedTable) else table
    return {n: i.role for n, i in columns.items()}
