"""Reading a table faithfully: time and memory of ``read_table`` against ``pandas.read_csv``.

    python benchmarks/reading.py [--sizes 100000,1000000] [--repeats 3]

``read_table`` keeps every cell as read (``LoadedTable.original``, Arrow strings), decides
the decimal marks, reads each column in one consistent way, infers roles and looks for
redundant columns. The baseline is what a person writes without it: ``pandas.read_csv``
of the same file with its defaults (no roles, ids as floats, no text kept). Each figure
is the median of interleaved runs in the same process, printed as a ratio to the
baseline of the same run (these machines are shared and noisy). Peak memory is
measured in a fresh process per reader: resident memory sampled every 5 ms while it
reads, above what it was just before.

Files: the bundled demo (7,050 rows) and generated exports of each size: a 19-digit id,
a zero-padded zip code, eight measures, a category, a yes/no column and a date.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_export(rows: int, path: Path) -> Path:
    """A CRM-like export of ``rows`` rows (seeded)."""
    import numpy as np
    import pandas as pd
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(rows, 8, centers=5, random_state=0)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "user_hash": rng.integers(-2**63, 2**63 - 1, rows, dtype=np.int64).astype(str),
        "zip": [f"{z:05d}" for z in rng.integers(0, 99_999, rows)],
    })
    for i in range(8):
        frame[f"measure_{i}"] = np.abs(X[:, i] * 10).round(2)
    frame["channel"] = np.array(["web", "shop", "app"])[rng.integers(0, 3, rows)]
    frame["member"] = np.where(rng.random(rows) < 0.4, "Y", "N")
    frame["signup"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, rows), unit="D")
    frame.to_csv(path, index=False)
    return path


def _peak(reader: str, path: Path) -> float:
    """Peak memory (MB) of one read in a fresh process, above the process before it."""
    code = f"""
import os, sys, json, threading, time
sys.path.insert(0, {str(ROOT)!r})
import pandas as pd
from segwidgets.core.io import read_table
page = os.sysconf("SC_PAGE_SIZE")
def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * page
before = peak = resident()
done = False
def watch():  # ru_maxrss would do, but a child inherits its parent's across exec
    global peak
    while not done:
        peak = max(peak, resident())
        time.sleep(0.005)
watcher = threading.Thread(target=watch)
watcher.start()
table = read_table({str(path)!r}) if {reader!r} == "read_table" else pd.read_csv({str(path)!r})
peak = max(peak, resident())
done = True
watcher.join()
print(json.dumps((peak - before) / 2**20))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def _times(path: Path, repeats: int) -> tuple[float, float]:
    import pandas as pd

    from segwidgets.core.io import read_table

    ours, base = [], []
    for _ in range(repeats):  # interleaved: a noisy moment hits both
        started = time.perf_counter()
        pd.read_csv(path)
        base.append(time.perf_counter() - started)
        started = time.perf_counter()
        read_table(path)
        ours.append(time.perf_counter() - started)
    return statistics.median(ours), statistics.median(base)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    from segwidgets import datasets

    files = [("demo (7,050 rows)", datasets.path("facebook_live"))]
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in args.sizes.split(",") if s):
            files.append((f"export ({size:,} rows)", make_export(size, Path(folder) / f"export_{size}.csv")))
        print(f"{'file':<24} {'read_table':>11} {'read_csv':>9} {'ratio':>6}   "
              f"{'peak MB':>8} {'read_csv':>9} {'ratio':>6}")
        for label, path in files:
            ours, base = _times(path, args.repeats)
            peak, peak_base = _peak("read_table", path), _peak("read_csv", path)
            print(f"{label:<24} {ours:>10.2f}s {base:>8.2f}s {ours / base:>5.1f}×   "
                  f"{peak:>8.0f} {peak_base:>9.0f} {peak / max(peak_base, 1):>5.1f}×")
    print(json.dumps({"note": "ratios are to pandas.read_csv of the same file in the same run"}))


if __name__ == "__main__":
    main()
