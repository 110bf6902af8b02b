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
