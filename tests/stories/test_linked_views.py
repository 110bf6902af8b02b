"""The views stay linked through the model, with no browser: the analyst's story in a notebook.

Setting a control's ``.value`` runs the same observers a browser message
would; ``set_state`` plays the browser's part for hostile messages.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from traitlets import TraitError

from segwidgets import Segmentation
from segwidgets.dashboards import Explorer
from segwidgets.widgets import (
    AlgorithmPicker,
    DataPanel,
    DownloadPanel,
    EmbeddingScatter,
    FeaturePicker,
    KSlider,
    PreprocessingPicker,
    ProfileTable,
    SegmentLegend,
    StatusBar,
)


@pytest.fixture()
def frame(make_frame) -> pd.DataFrame:
    """600 customers in 5 blobs: four numbers, a category ``channel`` and an identifier ``customer_id``."""
    return make_frame(600, centers=5, features=4, seed=2,
                      columns=["recency", "frequency", "monetary", "tenure"],
                      channel=True, ids=("customer_id", "C"))


@pytest.fixture()
def explorer(frame, make_model) -> Explorer:
    return Explorer(make_model(frame, k=3))


def profile_rows(table: ProfileTable) -> int:
    return table.table.value.count("sw-profile-row")


def test_moving_the_slider_to_6_updates_k_colours_table_and_legend(explorer):
    model, scatter = explorer.model, explorer.scatter
    x, y = scatter.mark.x, scatter.mark.y
    explorer.k_slider.slider.value = 6
    assert model.k == 6
    codes = scatter.mark.color
    assert len(np.unique(codes)) == 6
    drawn = model.labels[model.coord_rows]
    for segment in model.segment_ids:  # every point is drawn in its segment's colour
        assert {scatter.color_scale.colors[c] for c in codes[drawn == segment]} == {model.colors[segment]}
    assert scatter.mark.x is x and scatter.mark.y is y  # only the colours travelled
    assert profile_rows(explorer.profile) == 6
    assert len(explorer.legend.rows.children) == 6
    assert "6 segments of 600 rows" in explorer.status.line.value


def test_a_change_made_in_code_moves_the_controls(explorer):
    model = explorer.model
    model.apply_spec(model.spec.replace(k=5, scaling="robust", algorithm="gmm"))
    assert explorer.k_slider.slider.value == 5
    assert explorer.algorithm.dropdown.value == "gmm"
    assert explorer.preprocessing.scaling.value == "robust"
    assert profile_rows(explorer.profile) == 5


def test_an_edited_name_reaches_the_legend_and_the_export(explorer):
    model = explorer.model
    segment = model.segment_ids[0]
    explorer.profile.names[segment].value = "Night owls"
    assert model.segment_names[segment] == "Night owls"
    assert "Night owls" in explorer.legend.rows.children[0].children[0].value
    exported = model.labels_frame()
    assert set(exported.loc[model.labels == segment, "segment_name"]) == {"Night owls"}
    assert model.spec.names == {segment: "Night owls"}


def test_selecting_a_segment_in_the_legend_gives_the_selection_row(explorer):
    model = explorer.model
    segment = model.segment_ids[1]
    explorer.legend.buttons[segment].value = True
    assert (model.selection == np.flatnonzero(model.labels == segment)).all()
    assert "sw-selection-row" in explorer.profile.table.value
    assert len(explorer.scatter.mark.selected) == len(model.selection)
    explorer.legend.clear.click()
    assert model.selection is None
    assert "sw-selection-row" not in explorer.profile.table.value


def test_a_selection_made_on_the_map_reaches_the_model(explorer):
    model, scatter = explorer.model, explorer.scatter
    scatter.mark.selected = np.array([0, 1, 2, 10], dtype=np.int32)  # as a brush would set it
    assert list(model.selection) == list(model.coord_rows[[0, 1, 2, 10]])
    assert "sw-selection-row" in explorer.profile.table.value
    assert "4 rows selected" in scatter.details.value


def test_selecting_by_value_range_needs_no_mouse(explorer, frame):
    scatter, model = explorer.scatter, explorer.model
    scatter.range_feature.value = "recency"
    scatter.range_slider.value = (0.0, 100.0)
    scatter.range_button.click()
    assert (model.selection == np.flatnonzero(frame["recency"] >= 0)).all()


def test_features_picked_in_the_list_refit(explorer):
    model = explorer.model
    explorer.features.boxes["tenure"].value = False
    assert model.features == ["recency", "frequency", "monetary"]
    explorer.features.boxes["channel"].value = True
    assert "channel" in model.features
    assert "customer_id" not in explorer.features.boxes or explorer.features.boxes["customer_id"].disabled


# ---------------------------------------------------------------- hostile messages
def test_hostile_widget_messages_are_refused(explorer):
    model = explorer.model
    explorer.k_slider.slider.set_state({"value": 10_000})
    k_before = model.k
    assert k_before == explorer.k_slider.slider.max == 12
    explorer.k_slider.slider.set_state({"max": 10_000})
    assert explorer.k_slider.slider.max <= 50
    box = explorer.features.boxes["customer_id"]
    box.set_state({"disabled": False})
    box.set_state({"value": True})
    assert "customer_id" not in model.features
    assert "cannot be a feature" in model.status
    segment = model.segment_ids[0]
    explorer.profile.names[segment].set_state({"value": "x" * 500})
    assert "80 characters" in model.status
    assert len(model.segment_names[segment]) <= 80
    explorer.scatter.mark.set_state({"selected": [0, 10**9]})
    assert model.selection is None or model.selection.max() < len(model.data)
    with pytest.raises(TraitError):  # ipywidgets refuses it; the kernel logs and drops the message
        explorer.scatter.method.set_state({"index": 7})
    assert model.embedding == "pca"
    assert model.k == k_before  # 10,000 was clamped to the slider's end, which is the model's k
    model.k = 4
    assert model.state == "idle" and len(model.segment_ids) == 4


def test_every_component_can_be_composed_alone(frame):
    model = Segmentation(frame, k=3, background=False)
    views = [cls(model) for cls in (KSlider, FeaturePicker, AlgorithmPicker, PreprocessingPicker,
                                     StatusBar, EmbeddingScatter, SegmentLegend, ProfileTable)]
    model.k = 4
    assert profile_rows(views[-1]) == 4
    assert len(views[-2].rows.children) == 4


# ---------------------------------------------------------------- closing
VIEWS = (KSlider, FeaturePicker, AlgorithmPicker, PreprocessingPicker, StatusBar, EmbeddingScatter,
         SegmentLegend, ProfileTable, DataPanel, DownloadPanel)


def observers_of(model: Segmentation, view) -> list:
    """The model's observers that belong to ``view``."""
    return [handler for kinds in model._trait_notifiers.values() for handlers in kinds.values()
            for handler in handlers if getattr(handler, "__self__", None) is view]


@pytest.mark.parametrize("kind", VIEWS, ids=[kind.__name__ for kind in VIEWS])
def test_a_closed_view_observes_nothing_of_the_model(frame, kind):
    model = Segmentation(frame, k=3, background=False)
    view = kind(model)
    assert observers_of(model, view)
    view.close()
    assert observers_of(model, view) == []
    model.k = 5  # nothing reaches the closed view: no error in the model's status
    model.rename(model.segment_ids[0], "After closing")
    model.embedding_state = "computing"
    model.embedding_state = "ready"
    assert model.state == "idle" and "Something went wrong" not in model.status
    view.close()  # twice: nothing happens


def test_a_closed_explorer_is_no_longer_touched_by_the_model(explorer):
    model = explorer.model
    views = explorer.views()
    assert {type(v) for v in views} >= {KSlider, FeaturePicker, AlgorithmPicker, PreprocessingPicker,
                                         StatusBar, EmbeddingScatter, SegmentLegend, ProfileTable}
    shown = {
        "slider": explorer.k_slider.slider.value, "algorithm": explorer.algorithm.dropdown.value,
        "scaling": explorer.preprocessing.scaling.value, "tenure": explorer.features.boxes["tenure"].value,
        "status": explorer.status.line.value, "colours": explorer.scatter.mark.color,
        "legend": len(explorer.legend.rows.children), "table": explorer.profile.table.value,
    }
    explorer.close()
    assert all(observers_of(model, view) == [] for view in views)
    model.apply_spec(model.spec.replace(k=5, scaling="robust", algorithm="gmm"))
    model.features = ["recency", "frequency", "monetary"]
    assert len(model.segment_ids) == 5 and model.state == "idle"
    now = {
        "slider": explorer.k_slider.slider.value, "algorithm": explorer.algorithm.dropdown.value,
        "scaling": explorer.preprocessing.scaling.value, "tenure": explorer.features.boxes["tenure"].value,
        "status": explorer.status.line.value, "colours": explorer.scatter.mark.color,
        "legend": len(explorer.legend.rows.children), "table": explorer.profile.table.value,
    }
    assert now.pop("colours") is shown.pop("colours")
    assert now == shown
