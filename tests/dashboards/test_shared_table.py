"""Kernels of one server share the table of its data file: the second explorer maps what the
first one read, and segments it the same."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from segwidgets import config
from segwidgets.core.io import ReadOptions
from segwidgets.core.table_cache import TableCache, cache_key
from segwidgets.core.spec import SegmentationSpec
from segwidgets.dashboards.apps import report_table
from tests.core.test_table_cache import mapped

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "exports" / "european.csv"

KERNEL = """
import json
from segwidgets.dashboards.apps import explorer_app
from tests.core.test_table_cache import mapped
app = explorer_app(query="?k=4")
model = app.model
print(json.dumps({"labels": model.labels.tolist(), "status": model.status, "mapped": mapped(model.table)}))
"""


def test_two_explorer_kernels_on_one_file_give_the_same_segments_the_second_from_the_cache(tmp_path):
    folder = tmp_path / "tables"
    env = {**os.environ, config.ENV_TABLE_CACHE: str(folder), config.ENV_DATA: str(DATA),
           config.ENV_UMAP_WARMUP: "0"}

    def kernel() -> dict:
        out = subprocess.run([sys.executable, "-W", "ignore", "-c", KERNEL], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-2000:]
        return json.loads(out.stdout.strip().splitlines()[-1])

    first = kernel()
    entry = TableCache(folder).path(cache_key(hashlib.sha256(DATA.read_bytes()).hexdigest(), ReadOptions(), DATA.name))
    written = entry.stat().st_ino
    second = kernel()
    assert entry.stat().st_ino == written  # read from the entry, not parsed and written again
    assert second["mapped"] and first["mapped"]  # both hold the entry's pages, not copies
    assert second["labels"] == first["labels"] and len(set(first["labels"])) == 4
    assert "4 segments of 800 rows" in second["status"]


def test_a_reports_data_file_is_read_through_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(config.ENV_TABLE_CACHE, str(tmp_path / "tables"))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "european.csv").write_bytes(DATA.read_bytes())
    spec = SegmentationSpec(source="european.csv")
    first = report_table(spec, tmp_path / "data")
    second = report_table(spec, tmp_path / "data")
    assert len(list((tmp_path / "tables").glob("*.arrow"))) == 1
    assert mapped(first) and mapped(second) and second.sha256 == first.sha256
