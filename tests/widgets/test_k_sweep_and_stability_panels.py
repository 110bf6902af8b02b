"""Choosing k: the sweep panel (elbow, metrics, click a k, cache) and the stability panel."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segwidgets import Segmentation
from segwidgets.widgets import KSweepPanel, StabilityPanel


@pytest.fixture()
def blobs(make_frame) -> pd.DataFrame:
    """1,500 rows in 5 tight blobs over a, b, c, d: the elbow is at k=5."""
    return make_frame(1500, centers=5, features=4, std=0.7, seed=0)


def click(panel: KSweepPanel, x: float, y: float = 1.0) -> None:
    """What the browser sends when the transparent surface over the plot is clicked."""
    panel.click_surface._handle_custom_msg(
        {"event": "element_click", "data": {"click_x": x, "click_y": y}}, [])


def test_the_sweep_marks_the_elbow_of_five_blobs(blobs):
    model = Segmentation(blobs, k=3, background=False)
    panel = KSweepPanel(model, background=False)
    panel.run(wait=True)
    assert panel.result.knee == 5
    assert list(panel.curve.x) == list(range(2, 13))
    assert list(panel.knee_line.x) == [5, 5]
    assert "elbow of the inertia curve is at k=5" in panel.message.value
    assert panel.table.value.count("<tr") == 12  # header and 11 values of k
    assert panel.progress.value == panel.progress.max == 11


def test_clicking_k_on_the_plot_sets_the_model_k_from_the_cache(blobs):
    model = Segmentation(blobs, k=3, background=False)
    panel = KSweepPanel(model, background=False)
    panel.run(wait=True)
    click(panel, 7.2)
    assert model.k == 7 and len(model.segment_ids) == 7
    assert model.timings["cache_hit"] == 1.0  # the sweep's fit, not a new one
    assert list(panel.current_line.x) == [7, 7] and panel.use_k.value == 7
    click(panel, 30.0)  # outside every k: ignored
    click(panel, float("nan"))
    panel.click_surface._handle_custom_msg({"event": "element_click", "data": {"click_x": "left"}}, [])
    assert model.k == 7 and model.state == "idle"


def test_use_k_without_a_mouse(blobs):
    model = Segmentation(blobs, k=3, background=False)
    panel = KSweepPanel(model, background=False)
    panel.use_k.value = 6
    panel.use_button.click()
    assert model.k == 6


def test_each_metric_says_which_way_is_better(blobs):
    model = Segmentation(blobs, k=3, background=False)
    panel = KSweepPanel(model, background=False)
    panel.run(wait=True)
    for key, words in (("silhouette", "higher is better"), ("davies_bouldin", "lower is better"),
                       ("calinski_harabasz", "higher is better")):
        panel.metric.value = key
        assert words in panel.reading.value and "Best here: k=5" in panel.reading.value
        np.testing.assert_allclose(panel.curve.y, panel.result.table[key].to_numpy())
    assert "bic" not in [v for _, v in panel.metric.options]
    model.algorithm = "gmm"
    panel.run(wait=True)
    assert "bic" in [v for _, v in panel.metric.options]


def test_a_settings_change_marks_the_sweep_stale_but_a_k_change_does_not(blobs):
    model = Segmentation(blobs, k=3, background=False)
    panel = KSweepPanel(model, background=False)
    panel.run(wait=True)
    model.k = 4
    assert not panel.stale
    model.scaling = "robust"
    assert panel.stale and "Settings changed" in panel.message.value
    assert len(panel.current_line.x) == 0  # no current-k marker on a stale sweep
    panel.run(wait=True)
    assert not panel.stale


def test_a_sweep_is_current_again_when_the_settings_come_back(blobs):
    model = Segmentation(blobs, k=3, background=False)
    panel = KSweepPanel(model, background=False)
    panel.run(wait=True)
    model.scaling = "robust"
    assert panel.stale and "Settings changed" in panel.message.value
    model.scaling = "standard"
    assert not panel.stale and "elbow of the inertia curve is at k=5" in panel.message.value
    assert list(panel.current_line.x) == [3, 3]


def test_cancel_stops_after_the_k_being_fitted(blobs):
    model = Segmentation(blobs, k=3, background=False)
    panel = KSweepPanel(model, background=False)
    seen = []

    def stop_after_three(change):
        seen.append(change["new"])
        if change["new"] == 3:
            panel.cancel_button.click()

    panel.cancel_button.disabled = False
    panel.progress.observe(stop_after_three, "value")
    panel.run(wait=True)
    assert panel.result.cancelled and len(panel.result.table) == 3
    assert "Cancelled after 3 of 11" in panel.message.value


def test_an_algorithm_without_k_is_said_and_run_is_off(blobs):
    model = Segmentation(blobs, k=3, background=False)
    panel = KSweepPanel(model, background=False)
    model.algorithm = "hdbscan"
    assert panel.run_button.disabled and "chooses the number of segments by itself" in panel.message.value
    panel.run(wait=True)
    assert panel.result is None
    model.algorithm = "kmeans"
    assert not panel.run_button.disabled


def test_a_background_sweep_keeps_the_model_usable(blobs):
    model = Segmentation(blobs, k=3)
    assert model.wait(60)
    panel = KSweepPanel(model)
    panel.run()
    model.k = 4  # the person goes on while the sweep runs
    assert panel.wait(120) and model.wait(60)
    assert panel.result.knee == 5 and model.k == 4 and len(model.segment_ids) == 4
    assert model.is_cached(k=9)


def test_stability_per_k_and_its_reading(blobs):
    model = Segmentation(blobs, k=5, background=False)
    panel = StabilityPanel(model, ks=range(3, 7), background=False)
    panel.runs.value = 3
    panel.run(wait=True)
    result = panel.result
    assert list(result.index) == [3, 4, 5, 6] and (result["n_runs"] == 3).all()
    assert result.loc[5, "mean_ari"] == pytest.approx(1.0)
    assert list(panel.mean_line.x) == [3, 4, 5, 6]
    assert "steady" in panel.reading.value and "5" in panel.reading.value
    assert list(panel.current_line.x) == [5, 5]
    panel.method.value = "bootstrap"
    panel.run(wait=True)
    assert "bootstrap" in panel.message.value
    model.features = ["a", "b"]
    assert panel.stale


def test_stability_says_why_it_cannot_run(blobs):
    model = Segmentation(blobs, k=5, background=False, algorithm="hdbscan")
    panel = StabilityPanel(model, background=False)
    panel.run(wait=True)
    assert panel.result is None and "by itself" in panel.message.value


def test_a_sweep_needs_two_values_of_k(blobs):
    with pytest.raises(ValueError, match="at least two values of k"):
        KSweepPanel(Segmentation(blobs, k=3, background=False), ks=[4])


def test_after_close_the_model_no_longer_reaches_the_panels(blobs):
    model = Segmentation(blobs, k=3, background=False)
    sweep = KSweepPanel(model, ks=range(2, 6), background=False)
    test = StabilityPanel(model, ks=range(2, 5), background=False)
    test.runs.value = 2
    sweep.run(wait=True)
    test.run(wait=True)
    said = sweep.message.value, test.message.value
    sweep.close()
    test.close()
    model.k = 4
    model.scaling = "robust"
    assert (sweep.message.value, test.message.value) == said
    assert list(sweep.current_line.x) == [3, 3] and list(test.current_line.x) == [3, 3]


def test_closing_the_panel_stops_its_sweep(blobs):
    model = Segmentation(blobs, k=3, background=False)
    panel = KSweepPanel(model)  # on the panel's lane
    panel.run()
    panel.close()
    assert panel.wait(60)
    assert panel.result is None


def test_the_silhouette_axis_reads_in_plain_decimals(blobs):
    model = Segmentation(blobs, k=3, background=False)
    panel = KSweepPanel(model, background=False)
    panel.run(wait=True)
    panel.metric.value = "silhouette"
    assert panel.y_axis.tick_format.endswith("f") and "s" not in panel.y_axis.tick_format  # "0.8", not "800m"
    panel.metric.value = "inertia"
    assert panel.y_axis.tick_format == ",.0~f"  # "9,170", not "9.17k"
