"""A segmentation of a table mapped from the table cache (read-only, shared pages) does all a
segmentation of a freshly read table does, with the same outcome."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from segwidgets.core import export
from segwidgets.core.io import read_table
from segwidgets.core.table_cache import TableCache
from tests.core.test_table_cache import mapped

EUROPEAN = Path(__file__).resolve().parents[1] / "data" / "exports" / "european.csv"


def story(model) -> dict:
    """Fit, k step, log(1 + x) and robust scaling, a role changed, hand edits, undo, exports."""
    steps = {"fit": model.labels.copy()}
    model.k = 5
    steps["k"] = model.labels.copy()
    with model.batch():
        model.log1p = True
        model.scaling = "robust"
    steps["prepare"] = model.labels.copy()
    model.set_role("items", "categorical")
    steps["role"] = model.labels.copy()
    first, second = model.segment_ids[:2]
    model.merge([first, second])
    model.split(model.segment_ids[0], 2)
    model.move(np.arange(5), model.segment_ids[-1])
    model.undo()
    steps["edits"] = model.labels.copy()
    steps["profile"] = (model.profile.summary, model.profile.means, model.profile.category_shares)
    rows = model.labels_frame()
    steps["exports"] = [export.export_bytes(rows, ending) for ending in (".csv", ".parquet")]
    steps["rows"] = rows
    return steps


def test_a_segmentation_of_a_mapped_table_fits_edits_and_exports_like_one_of_a_fresh_table(tmp_path, make_model):
    cache = TableCache(tmp_path / "tables")
    read_table(EUROPEAN, cache=cache)
    shared = read_table(EUROPEAN, cache=cache)
    assert mapped(shared)
    got = story(make_model(shared, k=3))
    want = story(make_model(read_table(EUROPEAN, cache=False), k=3))
    assert mapped(shared)  # nothing replaced its columns behind its back
    for name in ("fit", "k", "prepare", "role", "edits"):
        np.testing.assert_array_equal(got[name], want[name], err_msg=name)
    for mine, theirs in zip(got["profile"], want["profile"]):
        pd.testing.assert_frame_equal(mine, theirs)
    assert got["exports"] == want["exports"]
    pd.testing.assert_frame_equal(got["rows"], want["rows"])
    assert len(np.unique(got["edits"])) >= 4
