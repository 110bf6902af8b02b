"""UMAP maps kept on disk, so a map is computed once per machine for the same rows and settings.

Every visitor of a served app opens the same table with the same default features, and each
kernel computed the same UMAP map again: seconds of a core, plus importing umap-learn. A map is
a small array (8 bytes a drawn row: 56 KB for the demo, 800 KB for the 100,000 rows a map draws
at most), so :func:`cached_umap_2d` keeps it in a folder of this user's cache, named by the
SHA-256 of the rows' bytes and of everything that decides the map (seed, neighbours, epochs,
umap-learn's version). Another kernel asking for the same map reads it back; it never imports
umap-learn.

The folder is the user's own (created ``0700``; one owned by somebody else, or writable by
others, is not used), entries are plain ``.npy`` arrays read with ``allow_pickle=False`` and
checked for shape and finiteness, writes are atomic, and the folder is kept under
:data:`MAX_BYTES` (oldest entries go first). Anything wrong with the cache costs only the
computation it would have saved.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

import numpy as np

from ..config import map_cache_dir
from .cache_folder import evict, open_own, private_folder

log = logging.getLogger("segwidgets.core")

#: The folder's size budget; after a write, the oldest maps beyond it are removed.
MAX_BYTES = 200 * 1024 * 1024


def usable(folder: Path) -> bool:
    """Create ``folder`` (``0700``) if needed; whether it is this user's and closed to others
    (:func:`segwidgets.core.cache_folder.private_folder`)."""
    why = private_folder(folder)
    if why is not None:
        log.warning("UMAP maps are not kept: their folder cannot be used (%s)", why)
    return why is None


def map_key(X: np.ndarray, **settings: object) -> str:
    """The SHA-256 of ``X``'s shape and bytes (as float32) and of ``settings``."""
    rows = np.ascontiguousarray(X, dtype=np.float32)
    digest = hashlib.sha256(repr((rows.shape, sorted(settings.items()))).encode())
    digest.update(memoryview(rows).cast("B"))
    return digest.hexdigest()


def load(folder: Path, key: str, n_rows: int) -> np.ndarray | None:
    """The stored map ``key`` if it is there and sound (``(n_rows, 2)`` finite float32), else None."""
    path = folder / f"{key}.npy"
    try:
        with os.fdopen(open_own(path), "rb") as handle:
            coords = np.load(handle, allow_pickle=False)
    except (OSError, ValueError):
        return None
    if coords.dtype != np.float32 or coords.shape != (n_rows, 2) or not np.isfinite(coords).all():
        log.warning("a stored map was not sound; computing it again")
        return None
    os.utime(path)  # recently used: evicted last
    return coords


def store(folder: Path, key: str, coords: np.ndarray) -> None:
    """Write ``coords`` as map ``key`` (atomically), then keep the folder within :data:`MAX_BYTES`."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as handle:
            np.save(handle, np.ascontiguousarray(coords, dtype=np.float32), allow_pickle=False)
        os.replace(handle.name, folder / f"{key}.npy")
    except OSError:
        log.warning("the map could not be stored", exc_info=True)
        return
    evict(folder, "*.npy", MAX_BYTES)


def cached_umap_2d(X: np.ndarray, seed: int = 0, folder: Path | None | str = "default") -> np.ndarray:
    """:func:`segwidgets.core.embedding.umap_2d` of ``X``, read from the map cache when an earlier
    process computed it (``folder``: default :func:`segwidgets.config.map_cache_dir`; None: no
    cache)."""
    from importlib.metadata import PackageNotFoundError, version

    from .embedding import EXACT_KNN_ROWS, UMAP_EPOCHS, umap_2d

    place = map_cache_dir() if folder == "default" else (Path(folder) if folder else None)
    if place is None or not usable(place):
        return umap_2d(X, seed=seed)
    try:
        umap_version = version("umap-learn")
    except PackageNotFoundError:
        umap_version = "?"
    key = map_key(X, seed=seed, epochs=UMAP_EPOCHS, exact_rows=EXACT_KNN_ROWS, umap=umap_version, method="umap")
    coords = load(place, key, len(X))
    if coords is not None:
        return coords
    coords = umap_2d(X, seed=seed)
    store(place, key, coords)
    return coords
