"""The first UMAP view in a new kernel: compiled once per machine, not once per kernel.

    python benchmarks/umap_cache.py              # the demo (7,050 rows), two fresh processes

Two fresh Python processes in turn, each as a new kernel of the explorer is: import segwidgets,
load the demo, fit k-means (the PCA view), then the UMAP map of the prepared rows. They share an
empty ``NUMBA_CACHE_DIR`` made for the run (as ``segwidgets app`` gives its kernels one):

* the **first kernel** compiles umap-learn's numba code (the baseline: every kernel did this
  before);
* the **second kernel** loads it from numba's cache.

Printed: both times to the UMAP view, and the first's as a ratio of the second's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

KERNEL = """
import time
started = time.perf_counter()
from segwidgets import datasets
from segwidgets.session import Segmentation
model = Segmentation(datasets.load("facebook_live"), k=4, background=False)
pca = time.perf_counter() - started
from segwidgets.core.embedding import umap_2d
umap_2d(model.result.prepared.X)
print(pca, time.perf_counter() - started - pca)
"""


def kernel(cache: str) -> tuple[float, float]:
    """Seconds to the PCA view and then to the UMAP view, in a fresh process using ``cache``."""
    env = {**os.environ, "NUMBA_CACHE_DIR": cache}
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", KERNEL], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[-2]), float(out[-1])


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="segwidgets-numba-") as cache:
        first_pca, first = kernel(cache)
        print(f"first kernel (compiles UMAP): PCA view {first_pca:.1f} s, then UMAP view {first:.1f} s", flush=True)
        second_pca, second = kernel(cache)
        print(f"second kernel (numba's cache): PCA view {second_pca:.1f} s, then UMAP view {second:.1f} s")
        print(f"first UMAP view in a second kernel: {second:.1f} s, {first / second:.1f}x faster than the "
              f"first kernel's {first:.1f} s (target <= 10 s)")


if __name__ == "__main__":
    main()
