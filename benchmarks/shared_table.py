"""A table read once per machine and shared memory-mapped: time and memory per kernel.

    python benchmarks/shared_table.py [--rows 100000,1000000] [--holders 4] [--no-kernel]

For each size, a generated CSV (``make_blobs``: 20 measures, a text id, a category) is read
in separate fresh Python processes, each one as a new Voila kernel would:

(a) baseline: ``read_table`` without the cache (every kernel did this before);
(b) the first read with the cache: reading, parsing, writing the cache entry, mapping it;
(c) a second process reading from the cache (the bytes are still read and hashed);
(d) ``--holders`` processes holding the table at once, every page of it touched (all
    numbers summed, all text scanned): resident (RSS) and proportional (PSS, shared pages
    divided among the processes that map them) memory of each, from
    ``/proc/PID/smaps_rollup``, without and with the cache.

Then a kernel's start, in a fresh process: ``import segwidgets.dashboards`` and
``explorer_app(query="")`` (reading the table, the first fit, the widgets) with
``SEGWIDGETS_UMAP_WARMUP=0``, on the demo and on the 100,000-row file, without the cache and
with a warm one. Times are medians of ``--repeats`` runs; every figure is also printed as a
ratio to the baseline measured in the same run (the machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

READ = """
import json, logging, os, sys, time
sys.path.insert(0, {root!r})
logging.basicConfig(level=logging.INFO, format="    %(name)s: %(message)s")  # a miss and why, on stderr
import numpy as np, pyarrow as pa, pyarrow.compute as pc
from segwidgets.core.io import read_table
seconds, mapped = 0.0, False
if {path!r}:  # else the interpreter and the imports alone
    started = time.perf_counter()
    table = read_table({path!r})
    seconds = time.perf_counter() - started
    total = 0.0
    for name in table.frame.columns:  # every page of the table touched, as a kernel's fit and views do
        column = table.frame[name]
        if column.dtype.kind in "fiub":
            total += float(np.nansum(column.to_numpy()))
    for name in table.original.columns:
        pc.min_max(pa.array(table.original[name].array))
    values = table.frame[[c for c in table.frame.columns if table.frame[c].dtype.kind == "f"][0]].to_numpy()
    for line in open("/proc/self/maps"):  # the numbers lie in a mapping of a cache entry?
        fields = line.split(maxsplit=5)
        start, end = (int(x, 16) for x in fields[0].split("-"))
        mapped = mapped or (start <= values.ctypes.data < end and fields[-1].strip().endswith(".arrow"))
print(json.dumps({{"seconds": seconds, "shared": mapped}}), flush=True)
sys.stdin.readline()  # held until the parent has measured
"""

KERNEL = """
import json, sys, time
sys.path.insert(0, {root!r})
started = time.perf_counter()
import segwidgets.dashboards
from segwidgets.dashboards.apps import explorer_app
imported = time.perf_counter()
app = explorer_app(query="")
built = time.perf_counter()
assert "sw-app-error" not in getattr(app, "_dom_classes", ()), app.value
values = app.model.table.frame[app.model.features[0]].to_numpy()
mapped = False  # the numbers lie in a mapping of a cache entry (/proc/self/maps)
for line in open("/proc/self/maps"):
    fields = line.split(maxsplit=5)
    start, end = (int(x, 16) for x in fields[0].split("-"))
    mapped = mapped or (start <= values.ctypes.data < end and fields[-1].strip().endswith(".arrow"))
print(json.dumps({{"import": imported - started, "app": built - imported, "mapped": mapped}}), flush=True)
"""


#: Measures of the generated table: with its id and category, 20 columns, so 1,000,000 rows
#: are the 20,000,000 cells reading accepts (``segwidgets.core.io.MAX_CELLS``).
MEASURES = 18


def make_table(rows: int, path: Path) -> Path:
    """A generated export: :data:`MEASURES` measures (``make_blobs``, 5 segments), a text id, a category."""
    import numpy as np
    import pandas as pd
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(rows, MEASURES, centers=5, random_state=0)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"customer": [f"C{i:08d}" for i in rng.permutation(rows)]})
    for i in range(MEASURES):
        frame[f"measure_{i}"] = (X[:, i] * 10).round(3)
    frame["channel"] = np.array(["web", "shop", "app", "phone"])[rng.integers(0, 4, rows)]
    frame.to_csv(path, index=False)
    return path


def _memory(pid: int) -> dict[str, float]:
    """RSS and PSS (MB) of a process, from /proc/PID/smaps_rollup."""
    found = {}
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                found[key] = int(rest.split()[0]) / 1024
    return found


def _env(cache: str | None) -> dict[str, str]:
    return {**os.environ, "SEGWIDGETS_TABLE_CACHE": cache or "off", "SEGWIDGETS_UMAP_WARMUP": "0",
            "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}


def hold(path: Path | None, cache: str | None, count: int) -> tuple[list[dict], list[dict]]:
    """Start ``count`` processes that read ``path`` at once and hold it; their reports and
    memory once all have touched every page (``path`` None: the imports alone)."""
    code = READ.format(root=str(ROOT), path=str(path) if path else "")
    procs = [subprocess.Popen([sys.executable, "-W", "ignore", "-c", code], env=_env(cache), text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE) for _ in range(count)]
    try:
        reports = [json.loads(p.stdout.readline()) for p in procs]
        memory = [_memory(p.pid) for p in procs]
    finally:
        for p in procs:
            with_input(p)
    return reports, memory


def with_input(proc: subprocess.Popen) -> None:
    try:
        proc.stdin.write("\n")
        proc.stdin.close()
    except OSError:
        pass
    proc.wait(timeout=120)


def one_read(path: Path, cache: str | None) -> dict:
    reports, memory = hold(path, cache, 1)
    return {**reports[0], **memory[0]}


def kernel(cache: str | None, data: Path | None) -> dict:
    env = _env(cache)
    if data is not None:
        env["SEGWIDGETS_DATA"] = str(data)
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", KERNEL.format(root=str(ROOT))], env=env,
                         capture_output=True, text=True, timeout=900)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    return statistics.median(values)


def each(memory: list[dict], key: str) -> str:
    """One figure (MB) per process: "458/458/457/458"."""
    return "/".join(f"{m[key]:.0f}" for m in memory)


def table_size(rows: int, folder: Path, holders: int, repeats: int) -> None:
    path = make_table(rows, folder / f"table_{rows}.csv")
    print(f"\n{rows:,} rows x {MEASURES + 2} columns ({path.stat().st_size / 1e6:.0f} MB CSV)", flush=True)
    base, first, second = [], [], []
    for run in range(repeats):
        cache = tempfile.mkdtemp(prefix="tables-", dir=folder)
        base.append(one_read(path, None))
        first.append(one_read(path, cache))
        second.append(one_read(path, cache))
        print(f"  run {run + 1}: baseline {base[-1]['seconds']:.2f} s, first with cache "
              f"{first[-1]['seconds']:.2f} s, second process {second[-1]['seconds']:.3f} s", flush=True)
    b = median([r["seconds"] for r in base])
    f = median([r["seconds"] for r in first])
    s = median([r["seconds"] for r in second])
    entry = sum(p.stat().st_size for p in Path(cache).glob("*.arrow"))
    print(f"  (a) read_table, no cache:        {b:6.2f} s  1.00x   RSS {median([r['Rss'] for r in base]):5.0f} MB")
    print(f"  (b) first read, cache written:   {f:6.2f} s  {f / b:4.2f}x  RSS {median([r['Rss'] for r in first]):5.0f} MB"
          f"  (entry {entry / 1e6:.0f} MB)")
    print(f"  (c) second process, from cache:  {s:6.3f} s  {s / b:4.3f}x ({b / s:.0f}x faster)  RSS "
          f"{median([r['Rss'] for r in second]):5.0f} MB; numbers mapped: {all(r['shared'] for r in second)}")
    _, empty = hold(None, None, holders)
    _, alone = hold(path, None, holders)
    reports, shared = hold(path, cache, holders)
    assert all(r["shared"] for r in reports)
    pss_alone, pss_shared = sum(m["Pss"] for m in alone), sum(m["Pss"] for m in shared)
    print(f"  (d) {holders} processes holding the table at once (every page touched):")
    print(f"      imports alone, no table: RSS {each(empty, 'Rss')} MB, PSS {each(empty, 'Pss')} MB, "
          f"{sum(m['Pss'] for m in empty):6.0f} MB in all")
    print(f"      no cache:   RSS {each(alone, 'Rss')} MB, PSS {each(alone, 'Pss')} MB, "
          f"{pss_alone:6.0f} MB in all  1.00x")
    print(f"      with cache: RSS {each(shared, 'Rss')} MB, PSS {each(shared, 'Pss')} MB, "
          f"{pss_shared:6.0f} MB in all  {pss_shared / pss_alone:4.2f}x")
    base_pss = sum(m["Pss"] for m in empty)
    print(f"      the tables' own memory (PSS above the imports alone): no cache {pss_alone - base_pss:5.0f} MB, "
          f"with cache {pss_shared - base_pss:5.0f} MB  {(pss_shared - base_pss) / (pss_alone - base_pss):4.2f}x",
          flush=True)


def kernels(folder: Path, repeats: int, data: Path | None, label: str) -> None:
    cache = tempfile.mkdtemp(prefix="tables-", dir=folder)
    kernel(cache, data)  # writes the entry (and warms the disk cache for both)
    cold, warm = [], []
    for _ in range(repeats):
        cold.append(kernel(None, data))
        warm.append(kernel(cache, data))
    ci, ca = median([r["import"] for r in cold]), median([r["app"] for r in cold])
    wi, wa = median([r["import"] for r in warm]), median([r["app"] for r in warm])
    print(f"\nkernel start on {label}: import segwidgets.dashboards, then explorer_app (read, first fit, widgets)")
    print(f"  no cache:   import {ci:5.2f} s + app {ca:5.2f} s = {ci + ca:5.2f} s  1.00x")
    print(f"  with cache: import {wi:5.2f} s + app {wa:5.2f} s = {wi + wa:5.2f} s  {(wi + wa) / (ci + ca):4.2f}x "
          f"(app alone {wa / ca:4.2f}x); table mapped: {all(r['mapped'] for r in warm)} "
          f"(no cache: {any(r['mapped'] for r in cold)})", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="100000,1000000", help="table sizes, comma-separated")
    parser.add_argument("--holders", type=int, default=4, help="processes holding the table at once")
    parser.add_argument("--repeats", type=int, default=3, help="runs per time (the median is printed)")
    parser.add_argument("--no-kernel", action="store_true", help="leave out the kernel start")
    parser.add_argument("--kernel-only", action="store_true", help="only the kernel start")
    args = parser.parse_args(argv)
    sizes = [int(r) for r in args.rows.split(",") if r]
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.1f} on {os.cpu_count()} cores", flush=True)
    with tempfile.TemporaryDirectory(prefix="segwidgets-shared-") as tmp:
        folder = Path(tmp)
        for rows in [] if args.kernel_only else sizes:
            table_size(rows, folder, args.holders, args.repeats)
        if not args.no_kernel:
            kernels(folder, args.repeats, None, "the demo (7,050 rows)")
            data = folder / "table_100000.csv"
            if not data.exists():
                make_table(100_000, data)
            kernels(folder, args.repeats, data, f"100,000 rows x {MEASURES + 2} columns")
    print(f"\nload average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"({time.perf_counter() - started:.0f} s)")
