"""Peak memory of a kernel that takes the largest allowed upload.

    python benchmarks/upload_memory.py [--megabytes 50]

Runs in fresh processes what an explorer kernel does: build the model on the
demo data with its DataPanel (the baseline), then push a generated CSV of the
given size through the same upload path (``DataPanel`` -> ``load_data`` ->
refit). Prints each process's peak resident memory and the ratio to the
baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(megabytes: float) -> None:
    sys.path.insert(0, str(ROOT))
    import numpy as np
    import pandas as pd

    from segwidgets import Segmentation, datasets
    from segwidgets.config import UPLOAD_LIMIT_BYTES
    from segwidgets.widgets import DataPanel

    started = time.perf_counter()
    model = Segmentation(datasets.load("facebook_live"), k=4, background=False)
    panel = DataPanel(model)
    rows = 0
    if megabytes > 0:
        rng = np.random.default_rng(0)
        n = 100_000
        block = pd.DataFrame(rng.gamma(2.0, 50.0, size=(n, 8)).round(2), columns=[f"m{i}" for i in range(8)])
        block["segment_hint"] = rng.choice(["north", "south", "east", "west"], n)
        text = block.to_csv(index=False)
        header, body = text.split("\n", 1)
        target = int(megabytes * 1024 * 1024) - 1024
        copies = max(1, target // len(body))
        data = (header + "\n" + body * copies).encode()[: min(target, UPLOAD_LIMIT_BYTES - 1024)]
        data = data[: data.rfind(b"\n") + 1]
        rows = data.count(b"\n") - 1
        panel.upload.value = ({"name": "largest.csv", "type": "text/csv", "size": len(data),
                               "last_modified": datetime.datetime.now(datetime.timezone.utc),
                               "content": memoryview(data)},)
        del data, text, body, block
        panel.wait(600)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "peak_mb": peak_mb, "seconds": time.perf_counter() - started,
                      "status": model.status}))


def run(megabytes: float) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(megabytes)], capture_output=True,
                         text=True, timeout=900, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=50.0)
    parser.add_argument("--child", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child)
        return 0
    baseline = run(0)
    upload = run(args.megabytes)
    print(f"baseline (demo data, 7,050 rows): peak {baseline['peak_mb']:.0f} MB")
    print(f"upload of {args.megabytes:.0f} MB ({upload['rows']:,} rows): peak {upload['peak_mb']:.0f} MB "
          f"({upload['peak_mb'] / baseline['peak_mb']:.1f}x baseline), {upload['seconds']:.1f} s")
    print(f"status: {upload['status']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
