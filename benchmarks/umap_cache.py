"""The first UMAP view in a new kernel: compiled once per machine, not once per kernel.

    python benchmarks/umap_cache.py              # the demo (7,050 rows), two fresh processes

Three fresh Python processes in turn, each as a new kernel of the explorer is: import segwidgets,
load the demo, fit k-means (the PCA view), then choose the UMAP map (``model.embedding = "umap"``,
as the map's toggle does) until the model shows it. They share an empty ``NUMBA_CACHE_DIR`` and
an empty map cache made for the run (as ``segwidgets app`` gives its kernels both):

* the **first kernel** compiles umap-learn's numba code and computes the map (the baseline:
  every kernel did both before);
* the **second kernel** loads the compiled code from numba's cache and computes the map, with
  the map cache off: what a kernel does for rows or settings no kernel has mapped yet;
* a **preheated app kernel** does the same after the explorer app's UMAP warm-up (which a
  preheated kernel does before anybody opens the page);
* the **third kernel** finds the map another kernel computed for the same rows and settings
  (``segwidgets.core.map_cache``): what every visitor opening the same table does.

Printed: the times to the UMAP view, and the first's as a ratio of each other's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

KERNEL = """
import sys, time
if sys.argv[1:] == ["warm"]:  # the explorer app's preheated kernel: UMAP warmed up before a visitor
    from segwidgets.dashboards.apps import start_umap_warm_up
    start_umap_warm_up().join()
started = time.perf_counter()
from segwidgets import datasets
from segwidgets.session import Segmentation
model = Segmentation(datasets.load("facebook_live"), k=4, background=False)
pca = time.perf_counter() - started
model.embedding = "umap"
while model.result.embedding != "umap":
    time.sleep(0.01)
print(pca, time.perf_counter() - started - pca)
"""


def kernel(cache: str, maps: str, warm: bool = False) -> tuple[float, float]:
    """Seconds to the PCA view and then to the UMAP view, in a fresh process using numba's
    ``cache`` and the map cache ``maps`` ("0": none); ``warm``: after the app's UMAP warm-up."""
    env = {**os.environ, "NUMBA_CACHE_DIR": cache, "SEGWIDGETS_MAP_CACHE": maps}
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", KERNEL, *(["warm"] if warm else [])], env=env,
                         capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[-2]), float(out[-1])


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="segwidgets-numba-") as cache, \
            tempfile.TemporaryDirectory(prefix="segwidgets-maps-") as maps:
        first_pca, first = kernel(cache, maps)
        print(f"first kernel (compiles UMAP, computes the map): PCA view {first_pca:.1f} s, "
              f"then UMAP view {first:.1f} s", flush=True)
        second_pca, second = kernel(cache, "0")
        print(f"second kernel (numba's cache; the map computed): PCA view {second_pca:.1f} s, "
              f"then UMAP view {second:.1f} s", flush=True)
        warm_pca, warm = kernel(cache, "0", warm=True)
        print(f"a preheated app kernel (UMAP warmed up before the visitor; the map computed): "
              f"PCA view {warm_pca:.1f} s, then UMAP view {warm:.1f} s", flush=True)
        third_pca, third = kernel(cache, maps)
        print(f"third kernel (the map another kernel computed): PCA view {third_pca:.1f} s, "
              f"then UMAP view {third:.2f} s")
        print(f"first UMAP view in a second kernel: {second:.1f} s for rows no kernel has mapped, "
              f"{first / second:.1f}x faster than the first kernel's {first:.1f} s ({warm:.1f} s, {first / warm:.1f}x, "
              f"in a preheated app kernel); {third:.2f} s for rows "
              f"another kernel mapped ({first / third:.0f}x) (target <= 10 s)")


if __name__ == "__main__":
    main()
