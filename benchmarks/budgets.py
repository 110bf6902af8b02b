"""Peak memory and time of the worst input each budget lets through, against a kernel holding the demo.

    python benchmarks/budgets.py [--only csv,parquet,workbook,onehot,wide,starts] [--scale 1.0]

Each case runs in a fresh process doing what an explorer kernel does: build the model on the
demo data with its ``DataPanel`` (that alone is the baseline), then push one generated file
through the same upload path (``DataPanel`` -> ``load_data`` -> first fit), or, for the fit
budget, ask for the costliest fit the settings allow. The files sit at the limits the README
states (the 50 MB upload, 20 million cells, 5 million workbook cells, 1,000 one-hot columns,
2,000 columns, 100 k-means starts within the 60 s fit budget). Prints, as each case ends, its
peak resident memory and time as ratios to the baseline measured in the same run, and what
the status said. ``--scale 0.1`` makes every file a tenth as large (a quick check of the
script, not a figure).
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024

#: case -> what it is, in words.
CASES = {
    "baseline": "a kernel holding the demo (7,050 rows) with its upload panel",
    "csv": "the largest upload: a 50 MB CSV of numbers (about 900,000 rows x 9 columns)",
    "parquet": "a Parquet file at the cell budget: 1,000,000 rows x 20 columns = 20 million cells",
    "workbook": "a workbook at the workbook cell budget: 499,999 rows x 10 columns (5 million cells)",
    "onehot": "categories at the one-hot budget: 50,000 rows, 5 columns of 199 values = 1,000 columns",
    "wide": "the widest table at the cell budget: 2,000 columns x 9,999 rows (20 million cells, 38 MB)",
    "starts": "the costliest fit: k-means with 100 starts on the 50 MB CSV's 900,000 rows",
}


def _csv_numbers(megabytes: float) -> bytes:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    n = 100_000
    block = pd.DataFrame(rng.gamma(2.0, 50.0, size=(n, 8)).round(2), columns=[f"m{i}" for i in range(8)])
    block["region"] = rng.choice(["north", "south", "east", "west"], n)
    header, body = block.to_csv(index=False).split("\n", 1)
    target = int(megabytes * MB) - 1024
    data = (header + "\n" + body * max(1, target // len(body) + 1)).encode()[:target]
    return data[: data.rfind(b"\n") + 1]


def _parquet(scale: float) -> bytes:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    rows = int(1_000_000 * scale)
    table = pa.table({f"q{j}": pa.array(rng.integers(0, 100, rows, dtype=np.int16)) for j in range(20)})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def _workbook(scale: float) -> bytes:
    import numpy as np
    import openpyxl

    rng = np.random.default_rng(0)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Customers")
    sheet.append([f"m{j}" for j in range(10)])
    values = rng.gamma(2.0, 50.0, size=(int(499_999 * scale), 10)).round(2).tolist()
    for row in values:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _onehot(scale: float) -> bytes:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    rows = int(50_000 * scale)
    frame = pd.DataFrame({f"attribute_{j}": [f"v{v}" for v in rng.integers(0, 199, rows)] for j in range(5)})
    return frame.to_csv(index=False).encode()


def _wide(scale: float) -> bytes:
    import numpy as np

    rng = np.random.default_rng(0)
    rows = int(9_999 * scale)
    header = ",".join(f"c{j}" for j in range(2_000))
    digits = rng.integers(0, 10, size=(rows, 2_000)).astype(str)
    return (header + "\n" + "\n".join(",".join(row) for row in digits) + "\n").encode()


def child(case: str, scale: float) -> None:
    sys.path.insert(0, str(ROOT))
    from segwidgets import Segmentation, datasets
    from segwidgets.widgets import DataPanel

    started = time.perf_counter()
    model = Segmentation(datasets.load("facebook_live"), k=4, background=False)
    panel = DataPanel(model)
    base_seconds = time.perf_counter() - started
    name, data = None, None
    if case in ("csv", "starts"):
        name, data = "largest.csv", _csv_numbers(50 * scale)
    elif case == "parquet":
        name, data = "cells.parquet", _parquet(scale)
    elif case == "workbook":
        name, data = "customers.xlsx", _workbook(scale)
    elif case == "onehot":
        name, data = "attributes.csv", _onehot(scale)
    elif case == "wide":
        name, data = "wide.csv", _wide(scale)
    size = 0 if data is None else len(data)
    work_started = time.perf_counter()
    if data is not None:
        panel.upload.value = ({"name": name, "type": "application/octet-stream", "size": size,
                               "last_modified": datetime.datetime.now(datetime.timezone.utc),
                               "content": memoryview(data)},)
        del data
        panel.wait(1800)
    if case == "starts":
        model.params = {"n_init": 100}
    seconds = time.perf_counter() - work_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"case": case, "file_mb": size / MB, "rows": 0 if model.data is None else len(model.data),
                      "peak_mb": peak_mb, "seconds": seconds if case != "baseline" else base_seconds,
                      "status": model.status}))


def run(case: str, scale: float) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", case, "--scale", str(scale)],
                         capture_output=True, text=True, timeout=1800)
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        return {"case": case, "error": (out.stderr or out.stdout)[-600:]}
    return json.loads(lines[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(c for c in CASES if c != "baseline"))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.scale)
        return 0
    base = run("baseline", args.scale)
    print(f"baseline: {CASES['baseline']}: peak {base['peak_mb']:.0f} MB, built in {base['seconds']:.1f} s",
          flush=True)
    worst = base
    for case in args.only.split(","):
        got = run(case, args.scale)
        if "error" in got:
            print(f"{case}: FAILED\n{got['error']}", flush=True)
            continue
        worst = max(worst, got, key=lambda r: r["peak_mb"])
        print(f"{case}: {CASES[case]}\n  file {got['file_mb']:.1f} MB, {got['rows']:,} rows loaded; "
              f"peak {got['peak_mb']:.0f} MB ({got['peak_mb'] / base['peak_mb']:.1f}x the baseline), "
              f"{got['seconds']:.1f} s ({got['seconds'] / base['seconds']:.1f}x building the baseline)\n"
              f"  status: {got['status'][:300]}", flush=True)
    print(f"\nbudget of one visitor's kernel: peak {worst['peak_mb']:.0f} MB ({worst['case']}), "
          f"{worst['peak_mb'] / base['peak_mb']:.1f}x a kernel holding the demo")
    return 0


if __name__ == "__main__":
    sys.exit(main())
