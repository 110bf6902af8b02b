"""Labelling a large table on Dask: rows per second and memory per worker, against plain pandas.

    python benchmarks/label.py [--rows 10000000] [--files 8] [--workers 2] [--features 10] [--k 8]

Generates ``--rows`` customers (``make_blobs``: ``--features`` measures around 8 centres, a
channel category and a text id) as ``--files`` Parquet files in a temporary folder (removed at
the end, also when interrupted), fits k-means on the first 100,000 rows, saves the artefact
beside the spec, and labels every row twice:

- **baseline**: a plain single-process pandas loop over the same files: ``pd.read_parquet``,
  the same fitted scikit-learn preprocessing and ``KMeans.predict``, the id, segment and name
  written to Parquet per file;
- **segwidgets label** on a ``distributed.LocalCluster`` of ``--workers`` single-threaded
  processes (started before the clock; its start is printed apart).

Both outputs are compared row by row. Printed: rows per second of each and their ratio (same
run), and the peak resident memory of each worker process (``ru_maxrss``) against the
baseline process's growth while it labelled. This machine is shared: read the ratios.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def generate(folder: Path, rows: int, files: int, features: int, seed: int = 0) -> list[Path]:
    """``rows`` rows split over ``files`` Parquet files, one file in memory at a time."""
    import numpy as np
    import pandas as pd
    from sklearn.datasets import make_blobs

    centres = np.random.default_rng(seed).uniform(-10, 10, size=(8, features))
    paths = []
    start = 0
    for i, n in enumerate(np.diff(np.linspace(0, rows, files + 1).astype(int))):
        X, _ = make_blobs(n, centers=centres, cluster_std=2.5, random_state=seed + i)
        frame = pd.DataFrame(X, columns=[f"m{j}" for j in range(features)])
        frame["channel"] = np.where(X[:, 0] > 0, "web", "shop")
        frame.insert(0, "customer_id", pd.array([f"C{start + r:09d}" for r in range(n)], dtype="string"))
        path = folder / f"customers-{i:03d}.parquet"
        frame.to_parquet(path, row_group_size=250_000)
        paths.append(path)
        start += n
    return paths


def peak_mb() -> float:
    """This process's peak resident memory so far (MB): ``VmHWM``, which (unlike ``ru_maxrss``)
    a process started by fork and exec does not inherit from its parent."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline(paths: list[Path], art, out: Path) -> tuple[float, int]:
    """The plain loop: read a file, predict with the fitted pipeline, write it. (seconds, rows)"""
    import numpy as np
    import pandas as pd

    out.mkdir()
    names = pd.Series(art.names)
    started = time.perf_counter()
    rows = 0
    for path in paths:
        frame = pd.read_parquet(path, columns=["customer_id", *art.features])
        X = art.preprocess.transform(frame[art.features])
        raw = art.model.predict(X)
        segment = np.asarray(art.raw_to_id)[raw]
        pd.DataFrame({"customer_id": frame["customer_id"], "segment": segment,
                      "segment_name": names.reindex(segment).to_numpy()}).to_parquet(out / path.name, index=False)
        rows += len(frame)
    return time.perf_counter() - started, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--features", type=int, default=10)
    parser.add_argument("--k", type=int, default=8)
    args = parser.parse_args(argv)

    import numpy as np
    import pandas as pd
    from distributed import Client, LocalCluster

    from segwidgets import Segmentation
    from segwidgets.core import artefact
    from segwidgets.labelling import label

    folder = Path(tempfile.mkdtemp(prefix="segwidgets-label-"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so the folder is removed
    try:
        print(f"generating {args.rows:,} rows × {args.features} measures + channel + id in {args.files} "
              f"Parquet files ...", flush=True)
        began = time.perf_counter()
        data = folder / "data"
        data.mkdir()
        paths = generate(data, args.rows, args.files, args.features)
        size = sum(p.stat().st_size for p in paths)
        print(f"  {time.perf_counter() - began:.0f} s, {size / 2**20:,.0f} MB on disk", flush=True)

        sample = pd.read_parquet(paths[0]).head(100_000)
        sample.to_parquet(folder / "sample.parquet")
        model = Segmentation(folder / "sample.parquet", k=args.k,
                             features=[f"m{j}" for j in range(args.features)] + ["channel"])
        model.wait()
        spec = folder / "segments.json"
        model.save_artefact(spec)
        art = artefact.load(artefact.artefact_path(spec))
        model.close()
        print(f"fitted k-means (k={args.k}) on 100,000 rows; model file "
              f"{artefact.artefact_path(spec).stat().st_size / 1024:,.0f} KB", flush=True)

        before = peak_mb()
        seconds, rows = baseline(paths, art, folder / "baseline")
        base_rate = rows / seconds
        print(f"baseline (pandas loop, 1 process): {rows:,} rows in {seconds:.1f} s = {base_rate:,.0f} rows/s; "
              f"process peak {peak_mb():,.0f} MB ({peak_mb() - before:+,.0f} MB while labelling)", flush=True)

        began = time.perf_counter()
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            client.run(lambda: __import__("segwidgets.labelling") and None)  # imports done, as in the baseline
            print(f"LocalCluster of {args.workers} × 1 thread started and warmed (imports) in "
                  f"{time.perf_counter() - began:.1f} s", flush=True)
            summary = label(spec, data, folder / "labelled", client=client)
            peaks = client.run(peak_mb)
        rate = summary.rows / summary.seconds
        print(f"segwidgets label ({args.workers} workers): {summary.rows:,} rows in {summary.seconds:.1f} s "
              f"= {rate:,.0f} rows/s, {rate / base_rate:.2f}× the baseline; {summary.partitions} partitions")
        print("peak memory per worker: " + ", ".join(f"{mb:,.0f} MB" for mb in peaks.values()))

        mine = pd.read_parquet(folder / "labelled").sort_values("customer_id", kind="stable")
        theirs = pd.concat(pd.read_parquet(folder / "baseline" / p.name) for p in paths)
        same = np.array_equal(mine["segment"].to_numpy(dtype=np.int64), theirs["segment"].to_numpy(dtype=np.int64))
        print(f"labels identical to the baseline's: {same}")
        return 0 if same else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
