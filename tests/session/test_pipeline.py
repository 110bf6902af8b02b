"""The pipeline's fast paths behind a live k slider give the same answers as the slow ones.

Warm-started previews, profiles reused across refits, medians on demand, metrics
after the segments are shown: each is checked against the plain computation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from segwidgets import Segmentation
from segwidgets.core.algorithms import fit_warm, warm_centers
from segwidgets.core.preprocess import PreprocessSpec, prepare
from segwidgets.core.profile import profile_inputs, profile_segments
from tests.helpers import blob_frame


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """3,000 rows in 6 overlapping blobs over f0..f4, with gaps in f1 and a category ``channel``."""
    frame = blob_frame(3000, centers=6, features=5, std=1.5, seed=3, columns=[f"f{j}" for j in range(5)],
                       channel=True)
    frame.loc[::17, "f1"] = np.nan  # some gaps, so the nan-aware paths run
    return frame


def test_warm_centers_add_and_merge_deterministically():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3))
    C = X[:4].copy()
    up = warm_centers(X, C, 6)
    assert up.shape == (6, 3) and np.allclose(up[:4], C)
    assert np.array_equal(up, warm_centers(X, C, 6))
    down = warm_centers(X, C, 2)
    assert down.shape == (2, 3)


def test_a_warm_fit_has_k_segments_and_says_it_was_warm(table):
    prepared = prepare(table, [f"f{j}" for j in range(5)], {}, PreprocessSpec())
    cold = fit_warm(prepared, "kmeans", 6, prepare(table, [f"f{j}" for j in range(5)], {},
                                                      PreprocessSpec()).X[:5])
    assert cold.n_segments == 6 and cold.timings["warm_start"] == 1.0


def test_a_warm_fit_on_many_rows_iterates_on_a_spread_of_them_and_labels_every_row(table):
    prepared = prepare(table, [f"f{j}" for j in range(5)], {}, PreprocessSpec())
    start = prepared.X[:4]
    whole = fit_warm(prepared, "kmeans", 5, start, sample=None)
    spread = fit_warm(prepared, "kmeans", 5, start, sample=len(prepared.X) // 4)
    assert whole.sample_index is None and len(spread.sample_index) <= len(prepared.X) // 4 + 1
    assert len(spread.labels) == len(prepared.X) and set(np.unique(spread.labels)) <= set(range(5))
    # every row has its nearest centre, the rows the estimator never saw too
    distances = ((prepared.X[:, None, :] - spread.centers_scaled[None, :, :]) ** 2).sum(axis=2)
    assert np.array_equal(spread.labels, distances.argmin(axis=1))
    assert spread.timings["warm_start"] == 1.0 and "predict" in spread.timings


def test_a_k_step_shows_a_preview_then_the_seeded_fit(table):
    model = Segmentation(table, k=5, features=[f"f{j}" for j in range(5)])
    model.provisional_rows = 0  # previews are for large tables: treat this one as large
    assert model.wait(60)
    seen = []
    model.observe(lambda change: seen.append((dict(model.timings), model.status)), "revision")
    model.k = 6
    assert model.wait(60)
    assert [t.get("warm_start") for t, _ in seen] == [1.0, 0.0]
    assert "provisional" in seen[0][1] and "provisional" not in model.status
    assert model.state == "idle" and model.metrics["n_segments"] == 6
    # the result is the seeded fit, whatever the path: the same as fitting k=6 directly
    direct = Segmentation(table, k=6, features=[f"f{j}" for j in range(5)], background=False)
    assert adjusted_rand_score(direct.labels, model.labels) == 1.0
    model.close()


def test_no_preview_when_warm_start_is_off_or_the_algorithm_is_not_kmeans(table):
    model = Segmentation(table, k=5, features=["f0", "f2"], warm_start=False)
    assert model.wait(60)
    counts = []
    model.observe(lambda change: counts.append(model.timings.get("warm_start")), "revision")
    model.k = 6
    assert model.wait(60) and counts == [0.0]
    model.warm_start = True
    model.provisional_rows = 0  # as for a large table: still none, for a Gaussian mixture
    model.algorithm = "gmm"
    assert model.wait(60)
    counts.clear()
    model.k = 4
    assert model.wait(60) and counts == [0.0]
    model.close()


def test_profiles_with_reused_inputs_match_a_fresh_profile(table):
    features = ["f0", "f1", "channel"]
    labels = np.random.default_rng(1).integers(-1, 4, len(table))
    fresh = profile_segments(table, labels, features, {})
    inputs = profile_inputs(table, features, {})
    reused = profile_segments(table, labels, features, {}, inputs=inputs)
    pd.testing.assert_frame_equal(fresh.means, reused.means)
    pd.testing.assert_frame_equal(fresh.category_shares, reused.category_shares)
    kept = labels >= 0
    expected = table.loc[kept, ["f0", "f1"]].groupby(labels[kept]).agg(["mean", "median"])
    np.testing.assert_allclose(fresh.means.to_numpy(), expected.xs("mean", axis=1, level=1).to_numpy())
    np.testing.assert_allclose(fresh.medians.to_numpy(), expected.xs("median", axis=1, level=1).to_numpy())


def test_relabelled_profiles_follow_their_segments(table):
    labels = np.random.default_rng(2).integers(0, 3, len(table))
    profile = profile_segments(table, labels, ["f0", "f1"], {})
    moved = profile.relabel({0: 7, 1: 2, 2: 5})
    assert moved.segment_ids == [2, 5, 7]
    assert moved.summary.loc[7, "size"] == profile.summary.loc[0, "size"]
    np.testing.assert_allclose(moved.medians.loc[5].to_numpy(), profile.medians.loc[2].to_numpy())


def test_metrics_arrive_after_a_cache_hit_of_a_sweep_fit(table):
    model = Segmentation(table, k=3, features=["f0", "f2", "f3"], background=False)
    model.sweep(range(2, 6))
    model.k = 5
    assert model.timings["cache_hit"] == 1.0 and model.metrics["n_segments"] == 5


def test_clear_cache_and_close(table):
    model = Segmentation(table, k=3, features=["f0", "f2"])
    assert model.wait(60)
    model.k = 4
    assert model.wait(60) and model.is_cached(k=3)
    model.clear_cache(keep_prepared=True)
    assert not model.is_cached(k=3) and model.prepared is not None
    model.close()
    assert model.wait(5)
