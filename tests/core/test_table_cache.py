"""A table read once per machine: the cache gives back exactly what reading gives, maps it,
and never trusts an entry it should not."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from segwidgets import config, datasets
from segwidgets.core import io as core_io
from segwidgets.core import table_cache
from segwidgets.core.io import LoadedTable, ReadOptions, read_table
from segwidgets.core.table_cache import TableCache, cache_key, cached_read
from segwidgets.errors import SegwidgetsDataError

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT / "tests" / "data" / "exports"
FILES = [EXPORTS / "crm_export.csv", EXPORTS / "european.csv", EXPORTS / "activity.csv",
         EXPORTS / "marketplace.xlsx", EXPORTS / "app_users.parquet", datasets.path("facebook_live")]
FIELDS = ("columns", "source", "notes", "options", "sheets", "sheet", "redundant", "skewed", "sha256",
          "_facts", "_parsing")


def assert_same_table(got: LoadedTable, want: LoadedTable) -> None:
    """Every part of a table equal: dtypes, values (NaN and NA where they were), the cells as
    read with their Python types, roles, notes, options and the private facts."""
    pd.testing.assert_frame_equal(got.frame, want.frame, check_exact=True)
    pd.testing.assert_frame_equal(got.original, want.original, check_exact=True)
    for name in want.original.columns:
        if want.original[name].dtype == object:
            assert [type(v) for v in got.original[name]] == [type(v) for v in want.original[name]], name
    for name in FIELDS:
        assert getattr(got, name) == getattr(want, name), name


def numbers(frame: pd.DataFrame) -> list[str]:
    """The columns of NumPy floats and integers."""
    return [c for c in frame.columns if isinstance(frame[c].dtype, np.dtype) and frame[c].dtype.kind in "fi"]


def mapped_files(array: np.ndarray) -> set[str]:
    """The endings of the files mapped where ``array``'s values are (from /proc/self/maps)."""
    where = array.ctypes.data
    files = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            start, end = (int(x, 16) for x in fields[0].split("-"))
            if start <= where < end and len(fields) == 6:
                files.add(fields[5].strip().rsplit(".", 1)[-1])
    return files


def mapped(table: LoadedTable) -> bool:
    """Whether the table's NumPy float and integer columns are the pages of a cache entry."""
    arrays = [table.frame[c].to_numpy() for c in numbers(table.frame)]
    return bool(arrays) and all(mapped_files(a) == {"arrow"} for a in arrays)


@pytest.fixture
def cache(tmp_path) -> TableCache:
    return TableCache(tmp_path / "tables")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_table_from_the_cache_is_the_table_read_from_the_file(path, cache):
    fresh = read_table(path, cache=False)
    first = read_table(path, cache=cache)  # parsed, written, then mapped like any later read
    second = read_table(path, cache=cache)
    assert len(cache.entries()) == 1
    for table in (first, second):
        assert_same_table(table, fresh)
        assert mapped(table)
    assert not mapped(fresh)
    column = numbers(fresh.frame)[0]
    with pytest.raises(ValueError, match="read-only"):
        np.asarray(second.frame[column].array)[0] = 1  # shared pages are never written


def test_roles_set_on_a_table_from_the_cache_read_its_cells_again_as_on_a_fresh_one(cache):
    path = EXPORTS / "crm_export.csv"
    fresh, cached = read_table(path, cache=False), (read_table(path, cache=cache), read_table(path, cache=cache))[1]
    roles = {"region": "numeric", "zip": "categorical", "tenureDays": "auto"}
    assert_same_table(cached.with_roles(roles), fresh.with_roles(roles))


def test_typed_columns_and_a_workbooks_mixed_cells_come_back_with_their_types(tmp_path, cache):
    import openpyxl

    n = 40
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "plan": pd.Categorical(rng.choice(["basic", "plus", None], n)),
        "tier": pd.Categorical(rng.choice(["lo", "hi"], n), categories=["lo", "hi"], ordered=True),
        "seen": pd.date_range("2024-03-30", periods=n, freq="h", tz="Europe/Paris"),
        "member": rng.random(n) < 0.5,
        "visits": pd.array(np.where(rng.random(n) < 0.2, None, rng.integers(0, 9, n)), dtype="Int64"),
        "share": pd.array(rng.random(n), dtype="Float64"),
        "spend": np.where(rng.random(n) < 0.1, np.nan, rng.random(n)),
        "note": pd.array(rng.choice(["a", None], n), dtype="string"),
        "orders": rng.integers(0, 100, n).astype("int32"),
        "wait": pd.to_timedelta(rng.integers(0, 100, n), unit="s"),
    })
    frame.to_parquet(tmp_path / "typed.parquet")
    book = openpyxl.Workbook()
    book.active.append(["code", "when", "time", "mixed"])
    for i in range(30):
        book.active.append([i if i % 3 else f"t{i}", dt.datetime(2024, 1, 1, 12, i) if i % 2 else dt.date(2024, 1, i + 1),
                            dt.time(1, i) if i % 5 else None, True if i % 2 else 1.5])
    book.save(tmp_path / "mixed.xlsx")
    for path in (tmp_path / "typed.parquet", tmp_path / "mixed.xlsx"):
        fresh = read_table(path, cache=False)
        read_table(path, cache=cache)
        assert_same_table(read_table(path, cache=cache), fresh)
    assert len(cache.entries()) == 2


SECOND_PROCESS = """
import json, sys
from segwidgets.core.io import read_table
from tests.core.test_table_cache import mapped_files
table = read_table(sys.argv[1])
values = table.frame["num_reactions"].to_numpy()
print(json.dumps({"writeable": values.flags.writeable, "total": int(values.sum()),
                  "mapped": sorted(mapped_files(values)), "notes": table.notes}))
"""


def test_a_second_process_maps_the_table_the_first_one_read(tmp_path):
    """Two fresh processes, as two kernels: the second maps the entry the first wrote."""
    folder = tmp_path / "tables"
    env = {**os.environ, config.ENV_TABLE_CACHE: str(folder)}

    def run() -> dict:
        out = subprocess.run([sys.executable, "-c", SECOND_PROCESS, str(datasets.path("facebook_live"))],
                             env=env, capture_output=True, text=True, check=True, cwd=ROOT)
        return json.loads(out.stdout)

    first = run()
    entry = next(folder.glob("*.arrow"))
    before = entry.stat().st_ino
    second = run()
    assert entry.stat().st_ino == before  # not parsed and written again: read from the entry
    fresh = read_table(datasets.path("facebook_live"), cache=False)
    assert second == first == {"writeable": False, "total": int(fresh.frame["num_reactions"].sum()),
                               "mapped": ["arrow"], "notes": fresh.notes}
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert (entry.stat().st_mode & 0o777) == 0o400  # nobody changes a mapped file in place


def test_a_damaged_entry_is_ignored_and_written_again(tmp_path, cache):
    path = EXPORTS / "european.csv"
    fresh = read_table(path, cache=False)
    read_table(path, cache=cache)
    entry = cache.entries()[0][2]
    whole = entry.read_bytes()
    for damaged in (whole[: len(whole) // 2], whole[:-10], b"\0" * len(whole), b"", whole.replace(b"ARROW1", b"ARROW2")):
        # swapped in whole, as a writer does: a mapped file changed in place would crash its readers
        (tmp_path / "damaged").write_bytes(damaged)
        os.chmod(tmp_path / "damaged", 0o600)
        os.replace(tmp_path / "damaged", entry)
        assert_same_table(read_table(path, cache=cache), fresh)
        assert entry.read_bytes() == whole  # written again


def test_an_entry_of_another_file_or_version_under_this_key_is_ignored(cache):
    crm, european = EXPORTS / "crm_export.csv", EXPORTS / "european.csv"
    read_table(crm, cache=cache)
    other = cache.entries()[0][2]
    key = cache_key(read_table(european, cache=False).sha256, ReadOptions(), european.name)
    cache.path(key).write_bytes(other.read_bytes())  # its metadata names another key
    os.chmod(cache.path(key), 0o600)
    assert cache.get(key) is None
    assert_same_table(read_table(european, cache=cache), read_table(european, cache=False))


def test_an_entry_written_by_another_version_of_the_reading_code_is_ignored(cache, monkeypatch):
    path = EXPORTS / "european.csv"
    fresh = read_table(path, cache=False)
    key = cache_key(fresh.sha256, ReadOptions(), path.name)
    cache.ready()
    with monkeypatch.context() as patch:
        patch.setattr(table_cache, "reading_code_version", lambda: "segwidgets 0.0.1, older reading code")
        assert cache.put(key, fresh)
    assert cache.get(key) is None
    assert_same_table(read_table(path, cache=cache), fresh)
    assert cache.get(key) is not None  # written again by this version


def tampered(cache: TableCache, path: Path) -> str:
    """The entry of ``path`` written with notes reading never gives, and its key."""
    table = read_table(path, cache=False)
    key = cache_key(table.sha256, ReadOptions(), path.name)
    table.notes = ["tampered"]
    assert cache.put(key, table)
    return key


def test_an_entry_others_may_write_or_a_link_is_ignored(tmp_path, cache):
    path = EXPORTS / "activity.csv"
    cache.ready()
    key = tampered(cache, path)
    assert read_table(path, cache=cache).notes == ["tampered"]  # an entry of this user's is trusted ...
    os.chmod(cache.path(key), 0o646)
    assert read_table(path, cache=cache).notes != ["tampered"]  # ... not one others may write
    key = tampered(cache, path)
    target = tmp_path / "elsewhere.arrow"
    os.replace(cache.path(key), target)
    cache.path(key).symlink_to(target)
    assert read_table(path, cache=cache).notes != ["tampered"]  # nor a link to one elsewhere


def test_a_folder_others_may_write_in_is_not_used(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o777)
    table = read_table(EXPORTS / "activity.csv", cache=TableCache(folder))
    assert list(folder.iterdir()) == []
    assert not mapped(table)


def test_the_least_recently_read_entries_leave_when_the_cache_is_full(tmp_path):
    files = [EXPORTS / "activity.csv", EXPORTS / "european.csv", EXPORTS / "crm_export.csv"]
    sizes = []
    for path in files:
        probe = TableCache(tmp_path / f"probe-{path.stem}")
        read_table(path, cache=probe)
        sizes.append(probe.entries()[0][1])
    cache = TableCache(tmp_path / "tables", max_bytes=sizes[0] + sizes[1] + sizes[2] - 1)
    for step, path in enumerate(files[:2]):
        read_table(path, cache=cache)
        os.utime(cache.entries()[-1][2], (step, step))  # read at times 0 and 1
    read_table(files[0], cache=cache)  # activity read again: now the most recent
    read_table(files[2], cache=cache)  # over the budget: european.csv, read least recently, leaves
    names = {entry.name for _, _, entry in cache.entries()}
    kept = {cache_key(read_table(p, cache=False).sha256, ReadOptions(), p.name) + ".arrow" for p in files}
    european = cache_key(read_table(files[1], cache=False).sha256, ReadOptions(), files[1].name) + ".arrow"
    assert names == kept - {european}
    assert not TableCache(tmp_path / "small", max_bytes=sizes[0] - 1).put("k", read_table(files[0], cache=False))


def test_the_off_switch_and_the_default_folder(tmp_path, monkeypatch):
    from segwidgets import cli

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    for off in ("0", "off", "OFF "):
        monkeypatch.setenv(config.ENV_TABLE_CACHE, off)
        assert config.table_cache_dir() is None and TableCache.from_environment() is None
        assert cli.voila_env()[config.ENV_TABLE_CACHE] == "off"
        read_table(EXPORTS / "activity.csv")
        assert not (tmp_path / "xdg").exists()
    monkeypatch.delenv(config.ENV_TABLE_CACHE)
    assert config.table_cache_dir() == tmp_path / "xdg" / "segwidgets" / "tables"
    assert cli.voila_env()[config.ENV_TABLE_CACHE] == str(tmp_path / "xdg" / "segwidgets" / "tables")
    monkeypatch.setenv(config.ENV_TABLE_CACHE, str(tmp_path / "mine"))
    assert cli.voila_env()[config.ENV_TABLE_CACHE] == str(tmp_path / "mine")
    read_table(EXPORTS / "activity.csv")  # a path: cached in the folder the variable names
    read_table((EXPORTS / "european.csv").read_bytes(), filename="european.csv")  # an upload: never
    assert len(list((tmp_path / "mine").glob("*.arrow"))) == 1


def test_the_reading_budgets_hold_for_a_table_from_the_cache(cache, monkeypatch):
    path = EXPORTS / "crm_export.csv"
    read_table(path, cache=cache)
    monkeypatch.setattr(core_io, "MAX_CELLS", 1_000)
    monkeypatch.setattr(table_cache, "MAX_CELLS", 1_000)
    with pytest.raises(SegwidgetsDataError, match="more than the 1,000 cells"):
        read_table(path, cache=cache)


def test_a_table_whose_cells_cannot_be_stored_exactly_is_read_but_not_cached(tmp_path, cache):
    from decimal import Decimal

    frame = pd.DataFrame({"price": [Decimal("1.10"), Decimal("2.25")] * 10, "units": range(20)})
    frame.to_parquet(tmp_path / "decimals.parquet")
    table = read_table(tmp_path / "decimals.parquet", cache=cache)
    assert_same_table(table, read_table(tmp_path / "decimals.parquet", cache=False))
    assert cache.entries() == []


def test_kernels_starting_together_read_the_file_once(cache):
    """One process reads while the others wait for its entry (the lock), as preheated kernels do."""
    path = EXPORTS / "european.csv"
    fresh = read_table(path, cache=False)
    key = cache_key(fresh.sha256, ReadOptions(), path.name)
    cache.ready()
    waiting = threading.Event()
    parsed: list[str] = []
    got: list[LoadedTable] = []

    def second_kernel() -> None:
        got.append(cached_read(cache, fresh.sha256, path.name, ReadOptions(),
                               lambda: parsed.append("second") or fresh, stop=waiting.set))

    with cache.reading(key):  # the first kernel is reading the file
        thread = threading.Thread(target=second_kernel)
        thread.start()
        waiting.wait(30)
        assert waiting.is_set()
        cache.put(key, fresh)
    thread.join(30)
    assert parsed == [] and mapped(got[0])
    assert_same_table(got[0], fresh)
