"""EmbeddingScatter, the map: on a refit it sends colour codes only, and at most once per burst."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segwidgets import Segmentation
from segwidgets.session import PALETTE, UNASSIGNED_COLOR
from segwidgets.widgets import EmbeddingScatter


@pytest.fixture()
def frame(make_frame) -> pd.DataFrame:
    """900 rows in 5 blobs over a, b, c, d."""
    return make_frame(900, centers=5, features=4, seed=2)


def test_a_refit_changes_the_colour_codes_and_nothing_else(frame):
    model = Segmentation(frame, k=3, background=False)
    scatter = EmbeddingScatter(model)
    sent = []
    scatter.color_scale.observe(lambda change: sent.append(change["name"]), names=["colors", "min", "max"])
    scatter.mark.observe(lambda change: sent.append(change["name"]), names=["x", "y", "color"])
    model.k = 5
    assert sent == ["color"]
    codes = scatter.mark.color
    drawn = model.labels[model.coord_rows]
    for segment in model.segment_ids:
        assert {scatter.color_scale.colors[c] for c in codes[drawn == segment]} == {model.colors[segment]}
    assert list(scatter.color_scale.colors) == [*PALETTE, UNASSIGNED_COLOR]


def test_a_background_model_redraws_after_the_burst(frame):
    model = Segmentation(frame, k=3)
    assert model.wait(60)
    scatter = EmbeddingScatter(model)
    scatter.redraw_delay = 30.0  # long enough that nothing redraws before flush
    before = scatter.mark.color
    for k in (4, 5, 6):
        model.k = k
    assert model.wait(60)
    assert scatter.mark.color is before  # not redrawn yet: the burst is still settling
    scatter.flush()
    assert len(np.unique(scatter.mark.color)) == 6
    scatter.flush()  # nothing waiting: no error, no change


def test_points_get_smaller_as_the_map_gets_crowded():
    sizes = [EmbeddingScatter.point_size(n) for n in (500, 20_000, 50_000, 100_000)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]


def test_metrics_arriving_redraw_nothing_and_a_new_map_sends_coordinates_once(frame):
    from tests.helpers import publish

    model = Segmentation(frame, k=3, background=False)
    scatter = EmbeddingScatter(model)
    sent = []
    scatter.mark.observe(lambda change: sent.append(change["name"]), names=["x", "y", "color"])
    scatter.centers.observe(lambda change: sent.append("centres"), names=["x", "y", "names"])
    publish(model, metrics={"silhouette": 0.5})  # same segments, same map
    assert sent == []
    publish(model, coords=model.result.coords * 2)  # the map moved (UMAP arriving, say)
    assert sent.count("x") == 1 and sent.count("y") == 1
    assert scatter._coords is model.result.coords


def test_a_preview_and_the_seeded_fit_behind_it_cost_one_redraw(frame):
    model = Segmentation(frame, k=3)
    assert model.wait(60)
    scatter = EmbeddingScatter(model)
    scatter.redraw_delay = 30.0
    published, colours = [], []
    model.observe(lambda change: published.append(change["new"]), names="result")
    scatter.mark.observe(lambda change: colours.append(change["new"]), names="color")
    model.k = 6
    assert model.wait(60)
    assert [r.preview for r in published if r.k == 6][:2] == [True, False]  # a warm start, then the fit
    scatter.flush()
    assert len(colours) == 1
    assert scatter._drawn is model.result and not scatter._drawn.preview
    assert len(np.unique(scatter.mark.color)) == 6
