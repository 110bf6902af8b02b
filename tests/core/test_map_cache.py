"""UMAP maps kept on disk (segwidgets.core.map_cache): computed once per machine for the same rows."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from segwidgets import config
from segwidgets.core import cache_folder, map_cache


@pytest.fixture
def folder(tmp_path):
    place = tmp_path / "maps"
    assert map_cache.usable(place)
    return place


def _rows(seed: int = 0, n: int = 80) -> np.ndarray:
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(n_samples=n, centers=3, n_features=4, random_state=seed)
    return X.astype(np.float32)


def test_another_process_reads_the_map_back_without_importing_umap(folder):
    X = _rows()
    first = map_cache.cached_umap_2d(X, seed=0, folder=folder)
    assert len(list(folder.glob("*.npy"))) == 1
    np.save(folder.parent / "rows.npy", X)
    script = ("import sys, numpy as np\n"
              "from segwidgets.core.map_cache import cached_umap_2d\n"
              f"X = np.load({str(folder.parent / 'rows.npy')!r})\n"
              f"coords = cached_umap_2d(X, seed=0, folder={str(folder)!r})\n"
              f"np.save({str(folder.parent / 'coords.npy')!r}, coords)\n"
              "print('umap imported' if 'umap' in sys.modules else 'umap not imported')\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}).stdout
    assert out.strip() == "umap not imported"
    np.testing.assert_array_equal(np.load(folder.parent / "coords.npy"), first)


def test_other_rows_or_another_seed_are_other_maps(folder):
    X = _rows()
    settings = {"seed": 0, "epochs": 200}
    assert map_cache.map_key(X, **settings) == map_cache.map_key(X.copy(), **settings)
    assert map_cache.map_key(X, **settings) != map_cache.map_key(X, seed=1, epochs=200)
    changed = X.copy()
    changed[5, 2] += 1e-3
    assert map_cache.map_key(changed, **settings) != map_cache.map_key(X, **settings)
    assert map_cache.map_key(X[:40], **settings) != map_cache.map_key(X, **settings)


@pytest.mark.parametrize("damage", ["garbage", "wrong shape", "not finite", "float64", "pickled"])
def test_a_damaged_map_is_ignored(folder, damage):
    key = "k" * 64
    path = folder / f"{key}.npy"
    good = np.ones((10, 2), dtype=np.float32)
    if damage == "garbage":
        path.write_bytes(b"\x93NUMPY not really")
    elif damage == "wrong shape":
        np.save(path, np.ones((9, 2), dtype=np.float32))
    elif damage == "not finite":
        bad = good.copy()
        bad[3, 1] = np.nan
        np.save(path, bad)
    elif damage == "float64":
        np.save(path, good.astype(np.float64))
    else:
        np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    assert map_cache.load(folder, key, 10) is None
    map_cache.store(folder, key, good)
    np.testing.assert_array_equal(map_cache.load(folder, key, 10), good)


def test_a_folder_others_can_write_to_is_not_used(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    assert not map_cache.usable(shared)
    coords = map_cache.cached_umap_2d(_rows(n=3), folder=shared)  # fewer than 4 rows: PCA, quick
    assert coords.shape == (3, 2)
    assert not list(shared.iterdir())


def test_the_folder_keeps_to_its_budget_least_recently_used_first(folder):
    arrays = {f"{i:064d}": np.full((1000, 2), i, dtype=np.float32) for i in range(5)}
    for i, (key, coords) in enumerate(arrays.items()):
        map_cache.store(folder, key, coords)
        os.utime(folder / f"{key}.npy", (1000 + i, 1000 + i))
    assert map_cache.load(folder, f"{0:064d}", 1000) is not None  # used: now the most recent
    size = (folder / f"{1:064d}.npy").stat().st_size
    cache_folder.evict(folder, "*.npy", budget=3 * size)
    assert sorted(p.stem[-1] for p in folder.glob("*.npy")) == ["0", "3", "4"]


def test_zero_turns_the_cache_off_and_a_folder_can_be_named(monkeypatch, tmp_path):
    monkeypatch.setenv(config.ENV_MAP_CACHE, "0")
    assert config.map_cache_dir() is None
    monkeypatch.setenv(config.ENV_MAP_CACHE, str(tmp_path / "elsewhere"))
    assert config.map_cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv(config.ENV_MAP_CACHE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert config.map_cache_dir() == tmp_path / "xdg" / "segwidgets" / "maps"
