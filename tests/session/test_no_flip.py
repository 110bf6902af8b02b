"""A k step shows one result where the seeded fit is quick enough to wait for; elsewhere the
provisional result shown first says so, and the seeded fit keeps its ids, names and colours."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from segwidgets import Segmentation
from segwidgets.config import PROVISIONAL_ROWS
from segwidgets.widgets import SegmentLegend
from tests.helpers import blob_frame

FEATURES = [f"f{j}" for j in range(4)]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return blob_frame(4000, centers=7, features=4, std=2.5, seed=21, columns=FEATURES)


def _k_step(model: Segmentation, k: int) -> list:
    """The segmentations shown for ``k`` (background fits), in order: a result that only adds
    the metrics measured after it (the same segments) is not another one."""
    published = []
    model.observe(lambda change: published.append(change["new"]), "result")
    model.k = k
    assert model.wait(60)
    shown = []
    for result in published:
        if result is not None and result.k == k and not result.same_segments(shown[-1] if shown else None):
            shown.append(result)
    return shown


def test_below_the_provisional_size_a_k_step_shows_one_result_the_seeded_fit(table):
    assert len(table) < 100_000 < PROVISIONAL_ROWS  # the demo and 100,000 rows: one result
    model = Segmentation(table, k=4, features=FEATURES)  # background, warm_start on: as the apps
    assert model.wait(60)
    statuses = []
    model.observe(lambda change: statuses.append(change["new"]), "status")
    for k in (5, 6, 3):
        shown = _k_step(model, k)
        assert [r.preview for r in shown] == [False]
    assert not any("provisional" in s for s in statuses)
    direct = Segmentation(table, k=3, features=FEATURES, background=False)
    assert adjusted_rand_score(direct.labels, model.labels) == 1.0
    model.close()


def test_a_provisional_result_is_marked_and_the_seeded_fit_keeps_its_ids_names_and_colours(table):
    model = Segmentation(table, k=4, features=FEATURES)
    model.provisional_rows = len(table) - 1  # a large table, as far as the policy goes
    assert model.wait(60)
    legend = SegmentLegend(model)
    marks = []  # (preview, status, legend title) as each result is applied
    model.observe(lambda change: marks.append((change["new"].preview, model.status, legend.title.value)),
                  "result")
    for k in (6, 5, 8):
        marks.clear()
        provisional, seeded = _k_step(model, k)
        assert provisional.preview and not seeded.preview
        assert "provisional" in marks[0][1] and "provisional" in marks[0][2]
        assert "provisional" not in model.status and "provisional" not in legend.title.value
        kept = set(provisional.segment_ids) & set(seeded.segment_ids)
        assert len(kept) >= k - 1  # matched by row overlap: ids carry over
        for i in kept:
            assert seeded.names[i] == provisional.names[i]
            assert seeded.colors[i] == provisional.colors[i]
            assert seeded.profile.summary.loc[i, "name"] == provisional.names[i]
        # the partition is the seeded fit's all the same
        direct = Segmentation(table, k=k, features=FEATURES, background=False)
        assert adjusted_rand_score(direct.labels, seeded.labels) == 1.0
    model.close()


def test_a_name_a_person_gives_wins_over_a_provisional_one(table):
    model = Segmentation(table, k=4, features=FEATURES)
    model.provisional_rows = 0
    assert model.wait(60)
    first = model.segment_ids[0]
    model.rename(first, "Loyal regulars")
    provisional, seeded = _k_step(model, 6)
    if first in seeded.segment_ids:
        assert seeded.names[first] == "Loyal regulars"
    assert "Loyal regulars" not in seeded.generated_names.values()
    assert np.array_equal(np.unique(seeded.labels[seeded.labels >= 0]), np.array(sorted(seeded.segment_ids)))
    model.close()
