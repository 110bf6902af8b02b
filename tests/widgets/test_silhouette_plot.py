"""SilhouettePlot: each row's silhouette, grouped by segment in its colour, with the mean."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segwidgets.core.diagnostics import silhouette_samples_by_segment
from segwidgets.session import Segmentation
from segwidgets.widgets.silhouette_plot import SilhouettePlot
from tests.helpers import blob_frame, hold, observers_of, publish


def blobs(n: int = 600, centers: int | list = 4, seed: int = 1, std: float | list = 1.0) -> pd.DataFrame:
    """Customers in blobs over recency, frequency and monetary: :func:`tests.helpers.blob_frame`."""
    return blob_frame(n, centers=centers, features=3, std=std, seed=seed,
                      columns=["recency", "frequency", "monetary"])


@pytest.fixture()
def model(make_model) -> Segmentation:
    return make_model(blobs(), k=4)


def band_rows(view: SilhouettePlot, segment: int) -> int:
    first, last = view.groups[segment]
    return last - first + 1


def test_each_segment_is_a_band_of_its_rows_in_its_colour(model):
    view = SilhouettePlot(model, background=False)
    assert "sw-silhouette-plot" in view._dom_classes
    assert "sw-silhouette-message" in view.message._dom_classes
    assert view.figure.animation_duration == 0
    frame = view.result
    assert set(view.bands) == set(model.segment_ids)
    # the segments are the model's stable ids, row by row
    rows = model.prepared.row_index[frame["row"].to_numpy()]
    np.testing.assert_array_equal(frame["segment"].to_numpy(), model.labels[rows])
    for segment in model.segment_ids:
        band = view.bands[segment]
        assert band.colors == [model.colors[segment]]
        assert band.fill_colors == [model.colors[segment]]
        assert band_rows(view, segment) == (frame["segment"] == segment).sum()
        assert band_rows(view, segment) == (model.labels == segment).sum()  # 600 rows: no sample
        drawn = np.asarray(band.x)[1:-1]  # the bar ends, sorted high to low within the segment
        assert np.all(np.diff(drawn) <= 0)
    labels = list(view.names.text)
    for segment in model.segment_ids:
        assert f"{model.segment_names[segment]} ({band_rows(view, segment):,})" in labels


def test_the_mean_is_a_dashed_line_and_said_in_words(model):
    view = SilhouettePlot(model, background=False)
    mean = float(view.result["silhouette"].mean())
    assert view.mean == pytest.approx(mean)
    assert view.mean_line.visible and view.mean_line.line_style == "dashed"
    assert list(view.mean_line.x) == pytest.approx([mean, mean])
    assert f"Mean silhouette: {mean:.2f}" in view.message.value
    assert mean > 0.5  # four well separated blobs
    assert "sample" not in view.message.value


def test_a_sample_keeps_each_segments_share_and_says_so():
    model = Segmentation(blobs(2800, seed=4), k=4, background=False)
    view = SilhouettePlot(model, sample_size=1000, background=False)
    frame = view.result
    assert 990 <= len(frame) <= 1000
    assert "of 2,800 rows (a random sample)" in view.message.value
    for segment in model.segment_ids:
        share = (model.labels == segment).mean()
        assert band_rows(view, segment) == (frame["segment"] == segment).sum()
        assert band_rows(view, segment) == pytest.approx(share * len(frame), abs=2)
        assert view.bands[segment].colors == [model.colors[segment]]


def test_segments_with_many_negative_silhouettes_are_named():
    # a wide cloud next to a tight one: k-means gives the tight one part of the wide one
    frame = blobs(900, centers=[[0, 0, 0], [3, 0, 0], [0, 6, 0]], std=[3.0, 0.5, 1.0], seed=7)
    model = Segmentation(frame, k=3, background=False)
    view = SilhouettePlot(model, background=False)
    frame = view.result
    weak = []
    for segment in model.segment_ids:
        share = (frame.loc[frame["segment"] == segment, "silhouette"] < 0).mean()
        words = f"{share:.0%} of ‘{model.segment_names[segment]}’ sit closer to another segment."
        if share >= 0.10:
            weak.append(segment)
            assert words in view.message.value
        else:
            assert words not in view.message.value
    assert weak and len(weak) < 3  # some segments are weak, not all
    share = (frame.loc[frame["segment"] == weak[0], "silhouette"] < 0).mean()
    model.rename(weak[0], "Big spenders")
    assert f"{share:.0%} of ‘Big spenders’ sit closer to another segment." in view.message.value
    model.rename(weak[0], "<b>Tom & Jerry</b>")  # names are shown as text, never as markup
    assert "‘&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;’ sit closer" in view.message.value


def test_a_new_k_redraws_and_a_rename_only_relabels(model):
    view = SilhouettePlot(model, background=False)
    model.k = 6
    assert len(view.bands) == 6 and set(view.bands) == set(model.segment_ids)
    frame = view.result
    stable = model.labels[model.prepared.row_index]
    assert not np.array_equal(stable, model.fit.labels)  # the fit's own numbers differ here
    np.testing.assert_array_equal(frame["segment"].to_numpy(), stable[frame["row"].to_numpy()])
    for segment in model.segment_ids:
        assert band_rows(view, segment) == (model.labels == segment).sum()
        assert view.bands[segment].colors == [model.colors[segment]]
    result = view.result
    segment = model.segment_ids[1]
    model.rename(segment, "Big spenders")
    assert view.result is result  # same rows, same segments: nothing recomputed
    assert f"Big spenders ({band_rows(view, segment):,})" in list(view.names.text)


def test_noise_rows_are_left_out_and_said():
    frame = blobs(600, centers=3)
    noise = np.random.default_rng(0).uniform(-15, 15, (60, 3))
    frame = pd.concat([frame, pd.DataFrame(noise, columns=frame.columns)], ignore_index=True)
    model = Segmentation(frame, algorithm="hdbscan", params={"min_cluster_size": 30},
                         background=False)
    n_noise = int((model.labels == -1).sum())
    assert n_noise > 0
    view = SilhouettePlot(model, background=False)
    assert -1 not in set(view.result["segment"])
    assert set(view.bands) == set(model.segment_ids)
    assert len(view.result) == (model.labels >= 0).sum()
    assert f"{n_noise:,} rows with no segment (noise) are left out." in view.message.value


def one_segment_result(model: Segmentation, labels: np.ndarray) -> None:
    """Apply a result as the model does (no algorithm here fits a single segment)."""
    ids = tuple(sorted(int(i) for i in np.unique(labels) if i >= 0))
    publish(model, labels=labels, segment_ids=ids, names={i: "Everyone" for i in ids},
            colors={i: "#4e79a7" for i in ids}, fit_key=("one segment",))


def test_a_single_segment_shows_a_message_not_an_error(model):
    view = SilhouettePlot(model, background=False)
    labels = np.zeros(len(model.data), dtype=np.int64)
    labels[:20] = -1
    one_segment_result(model, labels)
    assert "at least 2 segments" in view.message.value
    assert "‘Everyone’" in view.message.value and "20 rows are left out as noise" in view.message.value
    assert view.result is None and view.bands == {} and not view.mean_line.visible
    assert model.state == "idle"
    one_segment_result(model, np.full(len(model.data), -1, dtype=np.int64))
    assert "every row was left out as noise" in view.message.value
    model.k = 3  # a real result again: drawn again
    assert len(view.bands) == 3 and "Mean silhouette" in view.message.value


def test_no_data_yet_shows_a_message_and_a_later_load_draws():
    model = Segmentation(background=False)
    view = SilhouettePlot(model, background=False)
    assert "No segments yet" in view.message.value
    assert view.bands == {}
    model.load_data(blobs())
    assert set(view.bands) == set(model.segment_ids)


def test_large_samples_are_computed_on_a_thread_and_match_the_core():
    model = Segmentation(blobs(2500, seed=5), k=4, background=False)
    view = SilhouettePlot(model, sample_size=2000)  # 2,000 rows: more than computed inline
    assert view.wait(timeout=60)
    labels = model.labels[model.prepared.row_index]
    expected = silhouette_samples_by_segment(model.prepared, labels, sample_size=2000,
                                             seed=model.seed)
    pd.testing.assert_frame_equal(view.result, expected)
    model.k = 5
    model.k = 3  # overtakes the computation for k=5
    assert view.wait(timeout=60)
    assert set(view.bands) == set(model.segment_ids) and len(view.bands) == 3


def test_a_closed_view_no_longer_follows_the_model(model):
    view = SilhouettePlot(model, background=False)
    result = view.result
    view.close()
    view.close()  # twice is harmless
    model.k = 5
    assert view.result is result and model.state == "idle"


def test_a_preview_metrics_or_a_new_map_recompute_nothing(model):
    view = SilhouettePlot(model, background=False)
    result, drawn = view.result, view.figure.marks
    labels = np.array(model.labels)
    labels[:100] = model.segment_ids[0]
    publish(model, preview=True, labels=labels)  # a provisional fit: the seeded one follows
    publish(model, metrics={"silhouette": 0.5})
    publish(model, coords=np.zeros_like(model.result.coords))
    assert view.result is result and view.figure.marks is drawn


def test_a_closed_view_observes_nothing_and_its_lane_is_cancelled(monkeypatch):
    import segwidgets.widgets.silhouette_plot as module

    release = hold(monkeypatch, module, "silhouette_samples_by_segment")
    view = SilhouettePlot(Segmentation(blobs(2500, seed=5), k=4, background=False))  # computing in the view's lane, on its thread
    model = view.model

    assert observers_of(model, view) and model.scheduler.busy(view._lane)
    view.close()
    assert observers_of(model, view) == []
    release.set()
    assert model.scheduler.wait([view._lane], timeout=60)
    assert view.result is None  # the computation was cancelled: its result is never shown


def test_names_of_many_thin_segments_do_not_overlap(make_model):
    sizes = [400] + [12] * 9  # nine thin bands under one wide one
    centers = [[0, 0, 0]] + [[8 * (i % 3 + 1), 8 * (i // 3 + 1), 0] for i in range(9)]
    frame = blob_frame(sum(sizes), centers=centers, features=3, std=0.5, seed=3,
                       columns=["recency", "frequency", "monetary"])
    model = make_model(frame, k=10)
    view = SilhouettePlot(model, background=False)
    ys = np.sort(np.asarray(view.names.y, dtype=float))
    height = float(view.figure.layout.height.removesuffix("px"))
    px_per_row = (height - 55) / (view.y_scale.max - view.y_scale.min)
    assert len(ys) == 10 and np.all(np.diff(ys) * px_per_row >= 17.9)
