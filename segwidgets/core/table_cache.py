"""A table read once per machine, shared memory-mapped by every kernel that reads the same bytes.

:func:`segwidgets.core.io.read_table` reads a file's bytes (through its usual checks and
limits) and hashes them; with a :class:`TableCache` it then looks for the table those bytes,
that file name and those :class:`~segwidgets.core.io.ReadOptions` gave before, in any process.
A miss parses as always and writes the :class:`~segwidgets.core.io.LoadedTable` to the cache
folder as one uncompressed Arrow IPC file: ``frame`` and ``original`` column by column, and
everything else reading found (roles, notes, options, redundancy, skew, SHA-256 and the
private facts :meth:`~segwidgets.core.io.LoadedTable.with_roles` reads) as JSON in the file's
schema metadata. A hit maps that file and builds the table on the mapped pages:

- numbers, dates and yes/no columns without a mask are read-only NumPy views of the map
  (``to_numpy(zero_copy_only=True)``), and a masked column's values and mask are views too;
- text kept as Arrow strings (``original`` of a CSV; ``str`` columns of ``frame``) is an
  Arrow array over the mapped buffers;
- columns of Python objects (``object`` columns: a workbook's cells; identifiers and codes
  in ``frame``, which reading keeps as Python strings) are built in each process, from Arrow
  text where every cell is text, as are a categorical's codes (a copy) and a column with a
  time zone (converted from its mapped UTC numbers).

So the pages of every kernel's numbers and text are the same pages of the operating
system's file cache: a second kernel neither parses nor holds a private copy of them.

Safety: the folder is created ``0700``; an entry is opened without following links and used
only when it is a regular file owned by this user and writable by nobody else; nothing is
unpickled (Arrow and JSON only). Writes go to a temporary file renamed into place, so a
reader never sees half an entry, and an entry is a read-only file that is never changed in
place (a file mapped by a kernel and cut short under it would crash that kernel): a newer
one replaces the name, an evicted one is unlinked, and a kernel mapping it keeps its pages.
Kernels starting together read a file once: the first holds a lock (``KEY.lock``, ``flock``)
while it reads, the others wait for its entry (:meth:`TableCache.reading`). An
entry that cannot be opened, was written by another version of the reading code, or does
not decode is ignored and written again; nothing about the cache is ever shown to a person.
Every column is decoded once right after it is encoded and compared with the table read: a
table that would not come back exactly (a type of cell this module does not store) is not
cached. The folder keeps at most :data:`MAX_CACHE_BYTES`, the least recently used entries
leaving first.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import hashlib
import json
import logging
import mmap
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import config
from .cache_folder import entries, evict, open_own, private_folder
from .io import MAX_CELLS, MAX_COLUMNS, MAX_WORKBOOK_CELLS, LoadedTable, ReadOptions, _Facts, _Parsing
from .redundancy import Redundant
from .roles import ColumnInfo, Role

try:
    import fcntl
except ImportError:  # not a POSIX system: no cache (see TableCache.from_environment)
    fcntl = None

_log = logging.getLogger("segwidgets.table_cache")

#: Most bytes the cache folder keeps; the least recently read entries are removed first. A
#: table whose entry alone is larger is not cached. An entry holds 8 bytes a number and each
#: cell's text as read, once: the 1,000,000 × 20 table of ``benchmarks/shared_table.py`` (as
#: many cells as :data:`segwidgets.core.io.MAX_CELLS` lets a table have) takes 379 MB.
MAX_CACHE_BYTES = 2 * 1024 ** 3
#: The layout of an entry; a change makes older entries misses.
FORMAT = 1
#: How long a reader waits for another process that is reading the same file into the cache
#: before it reads the file itself.
LOCK_WAIT_SECONDS = 300.0
#: A temporary file this old was left by a writer that died: removed when the folder is tidied.
STALE_TEMP_SECONDS = 3600.0
_META = b"segwidgets"
_SUFFIX = ".arrow"


class _Unstorable(Exception):
    """A column this module cannot store exactly (the table is then not cached)."""


# --- the key ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def reading_code_version() -> str:
    """segwidgets', pandas', pyarrow's and NumPy's versions and a digest of the reading code's
    source (an editable install keeps one version number while its code changes)."""
    import segwidgets

    from . import dates, io, redundancy, roles, text

    digest = hashlib.sha256()
    for module in (io, roles, dates, redundancy, text):
        try:
            digest.update(Path(module.__file__).read_bytes())
        except (OSError, TypeError):  # no source beside the module: the version numbers decide
            digest.update(module.__name__.encode())
    digest.update(Path(__file__).read_bytes() if Path(__file__).is_file() else b"")
    return (f"segwidgets {segwidgets.__version__}, pandas {pd.__version__}, pyarrow {pa.__version__}, "
            f"numpy {np.__version__}, code {digest.hexdigest()[:16]}, format {FORMAT}")


def cache_key(sha256: str, options: ReadOptions, name: str) -> str:
    """The entry name of a file's table: a SHA-256 over the file's bytes' SHA-256, the reading
    options asked for, the file name (its ending and notes depend on it) and
    :func:`reading_code_version`."""
    payload = json.dumps({"sha256": sha256, "options": dataclasses.asdict(options), "name": name,
                          "code": reading_code_version()}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


# --- columns to Arrow and back ------------------------------------------------------------

#: Kinds of the cells of an ``object`` column, stored as a number per cell beside their value.
_NONE, _STR, _BOOL, _INT, _FLOAT, _DATETIME, _DATE, _TIME, _TIMEDELTA, _NA, _NAT, _TIMESTAMP = range(12)
_EPOCH = dt.datetime(1970, 1, 1)
_MICRO = dt.timedelta(microseconds=1)


def _single(array: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array (an entry's columns are one chunk each, so reading them is zero-copy)."""
    if isinstance(array, pa.ChunkedArray):
        return array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
    return array


def _cell(value: object) -> tuple[int, str | None, int | None, float | None]:
    """An object column's cell as (kind, text, whole number, float)."""
    if value is None:
        return _NONE, None, None, None
    if value is pd.NA:
        return _NA, None, None, None
    if value is pd.NaT:
        return _NAT, None, None, None
    if isinstance(value, str):
        return _STR, value, None, None
    if isinstance(value, (bool, np.bool_)):
        return _BOOL, None, int(bool(value)), None
    if isinstance(value, (int, np.integer)):
        if not -2 ** 63 <= int(value) < 2 ** 63:
            raise _Unstorable("a whole number beyond 64 bits")
        return _INT, None, int(value), None
    if isinstance(value, (float, np.floating)):
        return _FLOAT, None, None, float(value)
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            raise _Unstorable("a time with a time zone")
        return _TIMESTAMP, None, int(value.as_unit("ns").value), None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise _Unstorable("a time with a time zone")
        return _DATETIME, None, (value - _EPOCH) // _MICRO, None
    if isinstance(value, dt.date):
        return _DATE, None, value.toordinal(), None
    if isinstance(value, dt.time):
        if value.tzinfo is not None:
            raise _Unstorable("a time with a time zone")
        micros = ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond
        return _TIME, None, micros, None
    if isinstance(value, dt.timedelta) and not isinstance(value, pd.Timedelta):
        return _TIMEDELTA, None, value // _MICRO, None
    raise _Unstorable(f"a cell of type {type(value).__name__}")


def _from_cell(kind: int, text: str | None, whole: int | None, number: float | None) -> object:
    if kind == _STR:
        return text
    if kind == _BOOL:
        return bool(whole)
    if kind == _INT:
        return whole
    if kind == _FLOAT:
        return number
    if kind == _DATETIME:
        return _EPOCH + whole * _MICRO
    if kind == _DATE:
        return dt.date.fromordinal(whole)
    if kind == _TIME:
        seconds, micro = divmod(whole, 1_000_000)
        return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro)
    if kind == _TIMEDELTA:
        return whole * _MICRO
    if kind == _NA:
        return pd.NA
    if kind == _NAT:
        return pd.NaT
    if kind == _TIMESTAMP:
        return pd.Timestamp(whole, unit="ns")
    return None


def _encode(series: pd.Series, field: str) -> tuple[dict[str, Any], list[tuple[str, pa.Array]]]:
    """A column as Arrow arrays named ``field`` / ``field.PART`` and how to read them back."""
    dtype = series.dtype
    try:
        if isinstance(dtype, pd.ArrowDtype):
            return {"codec": "arrow"}, [(field, _single(pa.chunked_array(series.array.__arrow_array__())))]
        if isinstance(dtype, pd.StringDtype):
            return {"codec": "string", "dtype": str(dtype), "storage": dtype.storage,
                    "nan": dtype.na_value is not pd.NA}, [(field, _single(pa.array(series.array)))]
        if isinstance(dtype, pd.CategoricalDtype):
            categories, arrays = _encode(pd.Series(dtype.categories), field + ".categories")
            if categories["codec"] not in ("numpy", "string", "arrow") or len(arrays) != 1:
                raise _Unstorable("categories that are not numbers or text")
            codes = np.asarray(series.cat.codes)
            dictionary = pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), arrays[0][1])
            return {"codec": "categorical", "ordered": bool(dtype.ordered), "categories": categories,
                    "codes": str(codes.dtype)}, [(field, dictionary)]
        if isinstance(dtype, pd.DatetimeTZDtype):
            values = np.asarray(series.array.asi8)
            return {"codec": "datetime", "dtype": str(dtype), "unit": dtype.unit, "tz": str(dtype.tz)}, \
                [(field, pa.array(values))]
        if isinstance(series.array, (pd.arrays.IntegerArray, pd.arrays.FloatingArray, pd.arrays.BooleanArray)):
            values = series.array.to_numpy(dtype=dtype.numpy_dtype, na_value=dtype.numpy_dtype.type(0))
            mask = np.asarray(series.isna(), dtype=bool)
            return {"codec": "masked", "dtype": str(dtype)}, [
                (field, pa.array(values.view(np.uint8) if values.dtype == bool else values)),
                (field + ".mask", pa.array(mask.view(np.uint8)))]
        if isinstance(dtype, np.dtype) and dtype.kind in "iufb":
            values = np.ascontiguousarray(series.to_numpy())
            return {"codec": "numpy", "dtype": str(dtype)}, \
                [(field, pa.array(values.view(np.uint8) if dtype.kind == "b" else values))]
        if isinstance(dtype, np.dtype) and dtype.kind in "mM":
            return {"codec": "numpy", "dtype": str(dtype)}, \
                [(field, pa.array(np.ascontiguousarray(series.to_numpy()).view(np.int64)))]
        if dtype == object:
            return _encode_objects(series.to_numpy(), field)
    except _Unstorable:
        raise
    except (pa.ArrowException, TypeError, ValueError, AttributeError) as exc:
        raise _Unstorable(f"{dtype}: {exc}") from None
    raise _Unstorable(f"a column of type {dtype}")


def _encode_objects(values: np.ndarray, field: str) -> tuple[dict[str, Any], list[tuple[str, pa.Array]]]:
    """An object column: as Arrow text when every cell is text or None (the common case, and
    decoded by Arrow; dictionary-encoded when values repeat, as categories' do), else each
    cell's kind beside its text, whole number or float."""
    try:
        text = pa.array(values, type=pa.large_string(), from_pandas=False)
    except (pa.ArrowException, TypeError, ValueError):
        pass
    else:
        if 2 * pc.count_distinct(text, mode="all").as_py() < len(text):
            text = text.dictionary_encode()
        return {"codec": "text"}, [(field, text)]
    cells = [_cell(value) for value in values]
    kinds, texts, wholes, numbers = zip(*cells) if cells else ((), (), (), ())
    return {"codec": "objects"}, [
        (field, pa.array(kinds, type=pa.int8())),
        (field + ".text", pa.array(texts, type=pa.large_string())),
        (field + ".int", pa.array(wholes, type=pa.int64())),
        (field + ".float", pa.array(numbers, type=pa.float64(), from_pandas=False))]


def _view(column: pa.ChunkedArray) -> np.ndarray:
    """A column without nulls as a NumPy view of its buffer (read-only where it is mapped)."""
    return _single(column).to_numpy(zero_copy_only=True)


def _decode(meta: dict[str, Any], table: pa.Table, field: str) -> pd.Series:
    """The column stored as ``field`` by :func:`_encode`."""
    codec = meta["codec"]
    column = table.column(field)
    if codec == "arrow":
        return pd.Series(pd.arrays.ArrowExtensionArray(column), copy=False)
    if codec == "string":
        dtype = pd.StringDtype(meta["storage"], na_value=np.nan if meta["nan"] else pd.NA)
        return pd.Series(dtype.__from_arrow__(column), copy=False)
    if codec == "numpy":
        dtype = np.dtype(meta["dtype"])
        return pd.Series(_view(column).view(dtype), copy=False)
    if codec == "masked":
        dtype = pd.api.types.pandas_dtype(meta["dtype"])
        values = _view(column)
        mask = _view(table.column(field + ".mask")).view(bool)
        if dtype.numpy_dtype == np.dtype(bool):
            values = values.view(bool)
        return pd.Series(dtype.construct_array_type()(values, mask), copy=False)
    if codec == "datetime":
        utc = pd.DatetimeIndex(_view(column).view(f"datetime64[{meta['unit']}]")).tz_localize("UTC")
        return pd.Series(utc.tz_convert(meta["tz"]), copy=False).reset_index(drop=True)
    if codec == "categorical":
        array = _single(column)
        categories = _decode(meta["categories"], pa.table({"c": array.dictionary}), "c")
        codes = array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(meta["codes"], copy=False)
        dtype = pd.CategoricalDtype(pd.Index(categories), ordered=meta["ordered"])
        return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), copy=False)
    if codec == "text":
        array = _single(column)
        if not pa.types.is_dictionary(array.type):
            return pd.Series(array.to_numpy(zero_copy_only=False), dtype=object, copy=False)
        # one Python string per distinct value (a million cells of four values: 8 MB, not 60 MB)
        words = np.empty(len(array.dictionary) + 1, dtype=object)
        words[:-1] = array.dictionary.to_numpy(zero_copy_only=False)
        codes = array.indices.fill_null(len(array.dictionary)).to_numpy(zero_copy_only=False)
        return pd.Series(words[codes], dtype=object, copy=False)
    if codec == "objects":
        cells = zip(_single(column).to_pylist(), _single(table.column(field + ".text")).to_pylist(),
                    _single(table.column(field + ".int")).to_pylist(),
                    _single(table.column(field + ".float")).to_numpy(zero_copy_only=False).tolist())
        out = np.empty(len(column), dtype=object)
        out[:] = [_from_cell(*cell) for cell in cells]
        return pd.Series(out, dtype=object, copy=False)
    raise ValueError(f"unknown codec {codec!r}")


def _same(a: pd.Series, b: pd.Series) -> bool:
    """The same dtype and cells (NaN where NaN, missing where missing, the same Python types
    in object columns)."""
    if a.dtype != b.dtype or len(a) != len(b):
        return False
    if not a.reset_index(drop=True).equals(b.reset_index(drop=True)):
        return False
    if a.dtype == object:
        return all(type(x) is type(y) for x, y in zip(a.to_numpy(), b.to_numpy()))
    return True


# --- a table to an entry and back ----------------------------------------------------------

def _info(info: ColumnInfo) -> dict[str, Any]:
    return {"name": info.name, "role": info.role.value, "reason": info.reason, "n_missing": int(info.n_missing),
            "n_unique": int(info.n_unique), "suggested": info.suggested.value if info.suggested else None,
            "set_by_person": bool(info.set_by_person)}


def _facts(fact: _Facts) -> dict[str, Any]:
    return {key: (list(value) if isinstance(value, tuple) else value)
            for key, value in dataclasses.asdict(fact).items()}


def _plain(value: Any) -> Any:
    """NumPy scalars in the facts as plain numbers (for JSON)."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _entry(table: LoadedTable, key: str) -> pa.Table:
    """``table`` as one Arrow table: its columns, and the rest as JSON in the schema metadata."""
    names: list[str] = []
    arrays: list[pa.Array] = []

    def add(frame: pd.DataFrame, prefix: str, same_as: pd.DataFrame | None) -> list[dict[str, Any]]:
        described = []
        for i, name in enumerate(frame.columns):
            series = frame.iloc[:, i]
            if same_as is not None and name in same_as and _same(series, same_as[name]):
                described.append({"name": name, "same": True})  # a typed column read as it came
                continue
            meta, parts = _encode(series, f"{prefix}{i}")
            if not _same(series, _decode(meta, pa.table(dict(parts)), f"{prefix}{i}")):
                raise _Unstorable(f"column {name!r} does not come back the same")
            for field, array in parts:
                names.append(field)
                arrays.append(array)
            described.append({"name": name, **meta})
        return described

    frame = add(table.frame, "f", None)
    original = add(table.original, "o", table.frame) if table.original is not None else None
    parsing = dataclasses.asdict(table._parsing) if table._parsing is not None else None
    meta = {
        "format": FORMAT, "key": key, "code": reading_code_version(), "rows": len(table.frame),
        "frame": frame, "original": original, "source": table.source, "notes": list(table.notes),
        "options": dataclasses.asdict(table.options), "sheets": list(table.sheets), "sheet": table.sheet,
        "redundant": {n: dataclasses.asdict(r) for n, r in table.redundant.items()},
        "skewed": list(table.skewed), "sha256": table.sha256,
        "columns": {n: _info(i) for n, i in table.columns.items()},
        "facts": {n: _facts(f) for n, f in table._facts.items()}, "parsing": parsing,
    }
    text = json.dumps(meta, default=_plain, allow_nan=False).encode()
    schema = pa.schema([pa.field(n, a.type) for n, a in zip(names, arrays)], metadata={_META: text})
    return pa.Table.from_arrays(arrays, schema=schema)


def _table(entry: pa.Table, key: str) -> LoadedTable:
    """The :class:`LoadedTable` an entry holds (raises on anything unexpected)."""
    meta = json.loads(entry.schema.metadata[_META])
    if meta.get("format") != FORMAT or meta.get("key") != key or meta.get("code") != reading_code_version():
        raise ValueError("an entry of another version or file")
    rows = int(meta["rows"])
    if entry.num_rows != rows:
        raise ValueError("an entry with a different number of rows")
    width = len(meta["frame"])
    budget = MAX_WORKBOOK_CELLS if meta["sheet"] is not None else MAX_CELLS
    if width > MAX_COLUMNS or rows * width > budget:  # the reading budgets hold for a cached read too
        raise ValueError("an entry beyond the reading budgets")

    def frame_of(described: list[dict[str, Any]], prefix: str, same_as: pd.DataFrame | None) -> pd.DataFrame:
        columns: dict[str, pd.Series] = {}
        for i, item in enumerate(described):
            name = item["name"]
            columns[name] = same_as[name] if item.get("same") else _decode(item, entry, f"{prefix}{i}")
        if len(columns) != len(described):
            raise ValueError("repeated column names")
        return pd.DataFrame(columns, index=pd.RangeIndex(rows), copy=False)  # no copy into blocks

    frame = frame_of(meta["frame"], "f", None)
    original = frame_of(meta["original"], "o", frame) if meta["original"] is not None else None

    def info(item: dict[str, Any]) -> ColumnInfo:
        return ColumnInfo(item["name"], Role(item["role"]), item["reason"], item["n_missing"], item["n_unique"],
                          Role(item["suggested"]) if item["suggested"] else None, item["set_by_person"])

    def fact(item: dict[str, Any]) -> _Facts:
        return _Facts(**{k: (tuple(v) if k == "spellings" else v) for k, v in item.items()})

    return LoadedTable(
        frame=frame, columns={n: info(i) for n, i in meta["columns"].items()}, source=meta["source"],
        notes=list(meta["notes"]), original=original, options=ReadOptions(**meta["options"]),
        sheets=list(meta["sheets"]), sheet=meta["sheet"],
        redundant={n: Redundant(**r) for n, r in meta["redundant"].items()}, skewed=list(meta["skewed"]),
        sha256=meta["sha256"], _facts={n: fact(f) for n, f in meta["facts"].items()},
        _parsing=_Parsing(**meta["parsing"]) if meta["parsing"] is not None else None)


# --- the folder ----------------------------------------------------------------------------

class TableCache:
    """A folder of tables read before, keyed by :func:`cache_key`.

    Args:
        folder: where the entries live (created ``0700``).
        max_bytes: most bytes the folder keeps (:data:`MAX_CACHE_BYTES`).
    """

    def __init__(self, folder: str | os.PathLike, max_bytes: int = MAX_CACHE_BYTES) -> None:
        self.folder = Path(folder)
        self.max_bytes = int(max_bytes)

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> TableCache | None:
        """The cache ``$SEGWIDGETS_TABLE_CACHE`` names (:func:`segwidgets.config.table_cache_dir`),
        or None when it is turned off, or on a system without POSIX file ownership and locks."""
        folder = config.table_cache_dir(environ)
        return None if folder is None or fcntl is None or not hasattr(os, "geteuid") else cls(folder)

    def __repr__(self) -> str:
        return f"TableCache({str(self.folder)!r}, max_bytes={self.max_bytes})"

    def path(self, key: str) -> Path:
        """The entry file of ``key``."""
        return self.folder / f"{key}{_SUFFIX}"

    def ready(self) -> bool:
        """Whether the folder exists (created now if not, ``0700``), is a folder of this user's
        and nobody else may write in it. Otherwise the cache is not used (said once in the log)."""
        why = private_folder(self.folder)
        return True if why is None else _refuse(self.folder, why)

    def get(self, key: str) -> LoadedTable | None:
        """The table stored under ``key``, mapped; None when there is none or it cannot be used
        (the reason goes to the log)."""
        path = self.path(key)
        try:
            fd = open_own(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            _log.info("table cache entry %s not opened: %s", path.name, exc)
            return None
        except ValueError as exc:
            _log.warning("table cache entry %s ignored: %s", path.name, exc)
            return None
        try:
            if os.fstat(fd).st_size == 0:
                return None
            mapped = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
        except OSError as exc:
            _log.info("table cache entry %s not mapped: %s", path.name, exc)
            return None
        finally:
            os.close(fd)
        try:
            entry = pa.ipc.open_file(pa.BufferReader(pa.py_buffer(mapped))).read_all()
            entry.validate()
            table = _table(entry, key)
        except Exception as exc:  # noqa: BLE001 - a damaged or foreign entry is only a miss
            _log.info("table cache entry %s ignored: %s", path.name, exc)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # the least recently read leave first
        return table

    def put(self, key: str, table: LoadedTable) -> bool:
        """Store ``table`` under ``key`` (atomically); False when it cannot be stored exactly or
        is larger than the whole cache (the reason goes to the log)."""
        try:
            entry = _entry(table, key)
        except (_Unstorable, TypeError, ValueError, pa.ArrowException) as exc:
            _log.info("table %r not cached: %s", table.source, exc)
            return False
        if entry.nbytes > self.max_bytes:
            _log.info("table %r not cached: %d bytes, more than the cache's %d", table.source, entry.nbytes,
                      self.max_bytes)
            return False
        try:
            fd, temp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=self.folder)  # 0600
        except OSError as exc:
            _log.info("table %r not cached: %s", table.source, exc)
            return False
        os.close(fd)
        try:
            with pa.OSFile(temp, "wb") as sink, pa.ipc.new_file(sink, entry.schema) as writer:
                writer.write_table(entry, max_chunksize=max(entry.num_rows, 1))  # one batch: one buffer a column
            # read-only: a mapped file changed in place would crash the kernels mapping it (SIGBUS)
            os.chmod(temp, 0o400)
            os.replace(temp, self.path(key))
        except (OSError, pa.ArrowException) as exc:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            _log.info("table %r not cached: %s", table.source, exc)
            return False
        self.evict(keep=key)
        return True

    def entries(self) -> list[tuple[float, int, Path]]:
        """(last read, bytes, path) of every entry, least recently read first."""
        return entries(self.folder, f"*{_SUFFIX}")

    def evict(self, keep: str | None = None) -> list[Path]:
        """Remove the least recently read entries until the folder is within ``max_bytes``
        (never ``keep``), and temporary files left by writers that died. Returns those removed."""
        now = time.time()
        for temp in self.folder.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                if now - temp.lstat().st_mtime > STALE_TEMP_SECONDS:
                    temp.unlink()
        removed = evict(self.folder, f"*{_SUFFIX}", self.max_bytes, keep=None if keep is None else self.path(keep))
        for path in removed:
            with contextlib.suppress(OSError):
                path.with_suffix(".lock").unlink()
        return removed

    @contextlib.contextmanager
    def reading(self, key: str, stop: Callable[[], None] = lambda: None,
                wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
        """Held while this process reads the file of ``key`` into the cache, so that kernels
        starting together read it once: the others wait here (calling ``stop()`` between
        looks), then find the entry. After ``wait`` seconds a waiter reads the file itself."""
        try:
            fd = os.open(self.folder / f"{key}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW
                         | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as exc:
            _log.info("table cache lock not taken: %s", exc)
            yield
            return
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                        break
                if time.monotonic() > deadline:
                    _log.info("another process has been reading this table for %.0f s; reading it here", wait)
                    break
                stop()
                time.sleep(0.05)
            yield
            with contextlib.suppress(OSError):  # the entry is there now: later readers need no lock
                os.unlink(self.folder / f"{key}.lock")
        finally:
            os.close(fd)  # lets go of the lock


_refused: set[str] = set()


def _refuse(folder: Path, why: str) -> bool:
    if str(folder) not in _refused:
        _refused.add(str(folder))
        _log.warning("the table cache in %s is not used: %s", folder, why)
    return False


def cached_read(cache: TableCache, sha256: str, name: str, options: ReadOptions,
                read: Callable[[], LoadedTable], stop: Callable[[], None] = lambda: None) -> LoadedTable:
    """The table of a file whose bytes have ``sha256``: from ``cache`` if there, else ``read()``
    (one process at a time per key), stored, and handed back mapped like any later read."""
    if not cache.ready():
        return read()
    key = cache_key(sha256, options, name)
    table = cache.get(key)
    if table is not None:
        return table
    with cache.reading(key, stop):
        table = cache.get(key)  # another process read it while this one waited
        if table is not None:
            return table
        table = read()
        if not cache.put(key, table):
            return table
    mapped = cache.get(key)  # this process shares the pages too, and its parsed copy can go
    if mapped is None:
        return table
    del table
    pa.default_memory_pool().release_unused()  # Arrow keeps freed memory for reuse otherwise
    return mapped
