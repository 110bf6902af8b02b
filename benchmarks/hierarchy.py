"""Hierarchical k steps: a cut of a tree built once, against today's refit (same run).

    python benchmarks/hierarchy.py                 # 10,000 rows; the 30,000-row Ward cap
    python benchmarks/hierarchy.py --rows 10000 --repeats 5 --skip-cap

Data: ``make_blobs``, 8 overlapping centres, 10 features (standard-scaled by the model).

* **Ward k step at 10,000 rows, tree built**: ``Segmentation(algorithm="ward",
  background=True)``; ``k`` set, timed until the result for that k is published (labels,
  profile, colours). Baseline, the refit every k step made before: scikit-learn's
  ``AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict`` on the same prepared
  rows (the fit alone, not the profile: the ratio is conservative). Both once per k, the runs
  of each k interleaved; medians. The partitions are checked equal (ARI 1.0) or the run stops.
* **tree build and peak memory**: each in a fresh process (peak resident memory over the
  process with the data made): Ward with fastcluster's ``linkage_vector`` at 10,000 and at the
  new cap, against scikit-learn's Ward at 10,000 (scipy's linkage keeps every pairwise distance).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time

import numpy as np
import pandas as pd
from sklearn.cluster import AgglomerativeClustering
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

FEATURES = 10


def table(rows: int, seed: int = 0) -> pd.DataFrame:
    X, _ = make_blobs(rows, n_features=FEATURES, centers=8, cluster_std=3.0, random_state=seed)
    return pd.DataFrame(X, columns=[f"f{i}" for i in range(FEATURES)])


def k_step(model, k: int) -> float:
    """Seconds from setting ``k`` to the result for it being published."""
    arrived = threading.Event()

    def on_result(change):
        if change["new"] is not None and change["new"].k == k and not change["new"].preview:
            arrived.set()

    model.observe(on_result, "result")
    try:
        started = time.perf_counter()
        model.k = k
        if not arrived.wait(120):
            raise RuntimeError(f"no result for k={k}: {model.status}")
        return time.perf_counter() - started
    finally:
        model.unobserve(on_result, "result")
        model.wait()  # the metrics after it: not part of the step, but off the next one's clock


def measure_k_steps(rows: int, ks: list[int], repeats: int) -> tuple[list[float], list[float], float]:
    from segwidgets.session import Segmentation

    frame = table(rows)
    model = Segmentation(frame, algorithm="ward", k=ks[0] - 1, background=True)
    model.wait()
    tree_seconds = float(model.result.timings.get("tree", float("nan")))
    X = model.result.prepared.X
    new, old = [], []
    for _ in range(repeats):
        for k in ks:
            model.k = ks[0] - 1 if k != ks[0] - 1 else ks[-1]
            model.wait()
            new.append(k_step(model, k))
            started = time.perf_counter()
            reference = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(X)
            old.append(time.perf_counter() - started)
            ari = adjusted_rand_score(reference, model.result.fit.labels)
            if ari != 1.0:
                raise SystemExit(f"k={k}: the cut differs from AgglomerativeClustering (ARI {ari})")
    model.close()
    return new, old, tree_seconds


BUILD = """
import resource, sys, time
sys.path.insert(0, {root!r})
from benchmarks.hierarchy import table
X = table({rows}).to_numpy()
X = (X - X.mean(axis=0)) / X.std(axis=0)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
if {sklearn!r}:
    from sklearn.cluster import AgglomerativeClustering
    AgglomerativeClustering(n_clusters=5, linkage="ward").fit(X)
else:
    from segwidgets.core.hierarchy import linkage_matrix
    Z, builder = linkage_matrix(X, "ward")
    assert builder == "fastcluster", builder
seconds = time.perf_counter() - started
print(seconds, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
"""


def build(rows: int, sklearn: bool) -> tuple[float, float]:
    """Seconds and extra peak memory (bytes) of a Ward tree of ``rows`` rows, in a fresh process."""
    root = str(__import__("pathlib").Path(__file__).resolve().parent.parent)
    out = subprocess.run([sys.executable, "-c", BUILD.format(root=root, rows=rows, sklearn=sklearn)],
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--skip-cap", action="store_true", help="skip the tree builds at the cap")
    args = parser.parse_args()
    from segwidgets.core.hierarchy import tree_rows

    ks = [4, 6, 8, 10, 12]
    new, old, tree = measure_k_steps(args.rows, ks, args.repeats)
    n, o = statistics.median(new), statistics.median(old)
    print(f"Ward k step at {args.rows:,} rows, tree built once ({tree:.2f} s): "
          f"{n * 1000:.1f} ms to the published result (median of {len(new)}); "
          f"the old refit (AgglomerativeClustering.fit_predict alone) {o * 1000:.0f} ms: "
          f"{o / n:.0f}x faster")
    if args.skip_cap:
        return
    cap = tree_rows("ward")
    s_old, m_old = build(10_000, sklearn=True)
    s_10k, m_10k = build(10_000, sklearn=False)
    s_cap, m_cap = build(cap, sklearn=False)
    print(f"Ward tree, scikit-learn (scipy, every pairwise distance), 10,000 rows: {s_old:.2f} s, "
          f"peak +{m_old / 1e6:.0f} MB")
    print(f"Ward tree, fastcluster linkage_vector, 10,000 rows: {s_10k:.2f} s ({s_old / s_10k:.1f}x faster), "
          f"peak {_mb(m_10k)}")
    print(f"Ward tree at the new cap of {cap:,} rows: {s_cap:.2f} s ({s_cap / s_old:.1f}x the old 10,000-row "
          f"fit), peak {_mb(m_cap)}")


def _mb(extra: float) -> str:
    """Extra peak memory in words (below a few MB it hides under what making the data took)."""
    return f"+{extra / 1e6:.0f} MB" if extra >= 5e6 else "+ under 5 MB (within the data's own peak)"


if __name__ == "__main__":
    main()
