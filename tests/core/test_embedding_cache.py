"""UMAP's numba functions are kept in numba's on-disk cache, so a new kernel need not compile them."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import numba.core.caching as caching
from segwidgets.core.embedding import import_umap
umap = import_umap()
import umap.layouts, umap.umap_, numba
njit = [f for m in (umap.layouts, umap.umap_) for f in vars(m).values()
        if isinstance(f, numba.core.registry.CPUDispatcher)]
cached = [f for f in njit if not isinstance(f._cache, caching.NullCache)]
print(len(njit), len(cached), numba.njit.__module__)
"""


def test_umaps_compiled_functions_are_cached_on_disk_and_numba_is_left_as_it_was(tmp_path):
    # a fresh process: umap must not have been imported before the check
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True,
                         env={"NUMBA_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}).stdout.split()
    functions, cached, njit_module = int(out[0]), int(out[1]), out[2]
    assert functions >= 10 and cached == functions
    assert njit_module.startswith("numba")  # the default put back after the import


EXACT = """
import numpy as np
from sklearn.datasets import make_blobs
from segwidgets.core.embedding import EXACT_KNN_ROWS, umap_2d
import pynndescent.pynndescent_ as nnd
X, y = make_blobs(4200, n_features=3, centers=3, cluster_std=0.5, random_state=0)
assert 4096 < len(X) <= EXACT_KNN_ROWS  # umap-learn itself would search with pynndescent here
Y = umap_2d(X)
centres = np.array([Y[y == c].mean(axis=0) for c in range(3)])
spread = max(np.linalg.norm(Y[y == c] - centres[c], axis=1).mean() for c in range(3))
gap = min(np.linalg.norm(centres[a] - centres[b]) for a in range(3) for b in range(a + 1, 3))
print(len(nnd.nn_descent.signatures), Y.shape[0], gap > 2 * spread)
"""


def test_umap_of_a_demo_sized_table_uses_exact_neighbours_and_compiles_no_nn_descent(tmp_path):
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", EXACT], capture_output=True, text=True,
                         check=True, env={"NUMBA_CACHE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}).stdout.split()
    assert out == ["0", "4200", "True"]  # nothing compiled that no cache could keep; blobs kept apart
