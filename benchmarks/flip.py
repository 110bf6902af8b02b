"""Where a k step can wait for the seeded fit: one result against a provisional one then the fit.

    python benchmarks/flip.py                     # the demo (7,050 rows) and 100,000 x 20 features
    python benchmarks/flip.py --sizes 100000,1000000

For each table a k-means model (``background=True``, as the apps) steps k = 5..9 from k - 1,
nothing cached, two ways in the same run, interleaved:

* **provisional first** (``provisional_rows = 0``): the warm-started result at once, then the
  seeded fit replaces it (two results: the flip the policy avoids on small tables);
* **seeded only** (the policy below ``segwidgets.config.PROVISIONAL_ROWS``): one result.

Printed: the median time to the first result and to the final (seeded) one, the results shown
per step, and the seeded-only wait as a ratio of the provisional result's.
"""

from __future__ import annotations

import argparse
import statistics
import time

import pandas as pd
from sklearn.datasets import make_blobs


def tables(sizes: list[int]) -> dict[str, pd.DataFrame]:
    from segwidgets import datasets

    out = {}
    for n in sizes:
        if n == 7050:
            out["demo, 7,050 rows"] = datasets.load("facebook_live")
        else:
            X, _ = make_blobs(n, n_features=20, centers=8, cluster_std=3.0, random_state=0)
            out[f"{n:,} rows x 20"] = pd.DataFrame(X, columns=[f"f{i}" for i in range(20)])
    return out


def step(model, k: int) -> tuple[float, float, int]:
    """Seconds to the first and to the final result for ``k``, and how many segmentations were shown."""
    model.clear_cache(keep_prepared=True)
    model.k = k - 1
    model.wait()
    model.clear_cache(keep_prepared=True)
    seen = []
    started = time.perf_counter()

    def on_result(change):
        new = change["new"]
        if new is not None and new.k == k and not new.same_segments(seen[-1][1] if seen else None):
            seen.append((time.perf_counter() - started, new))

    model.observe(on_result, "result")
    model.k = k
    model.wait()
    model.unobserve(on_result, "result")
    final = [t for t, r in seen if not r.preview][0]
    return seen[0][0], final, len(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="7050,100000")
    args = parser.parse_args()
    from segwidgets.config import PROVISIONAL_ROWS
    from segwidgets.session import Segmentation

    for label, frame in tables([int(s) for s in args.sizes.split(",")]).items():
        model = Segmentation(frame, k=4)
        model.wait()
        runs: dict[str, list[tuple[float, float, int]]] = {"provisional first": [], "seeded only": []}
        for k in (5, 6, 7, 8, 9):
            for way, rows in (("provisional first", 0), ("seeded only", 10**12)):
                model.provisional_rows = rows
                runs[way].append(step(model, k))
        model.close()
        policy = "seeded only" if len(frame) <= PROVISIONAL_ROWS else "provisional first"
        med = {way: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs),
                     sorted({r[2] for r in rs})) for way, rs in runs.items()}
        for way, (first, final, shown) in med.items():
            print(f"{label}: {way:17s} first result {first * 1000:6.0f} ms, final {final * 1000:6.0f} ms, "
                  f"results per step {shown}")
        wait, quick = med["seeded only"][0], med["provisional first"][0]
        print(f"{label}: seeded only waits {wait / quick:.1f}x the provisional result's time "
              f"and shows the final segments {med['provisional first'][1] / med['seeded only'][1]:.1f}x "
              f"sooner; the policy here: {policy}")


if __name__ == "__main__":
    main()
