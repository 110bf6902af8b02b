"""PreprocessingPicker: a person changes how features are scaled, gaps filled and counts logged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from traitlets import TraitError

from segwidgets.core.preprocess import IMPUTATION_LABELS, SCALING_LABELS
from segwidgets.session import Segmentation
from segwidgets.widgets import PreprocessingPicker


@pytest.fixture()
def model(make_frame, make_model) -> Segmentation:
    """300 rows over three non-negative columns (visits, orders, spend), with gaps in spend."""
    frame = make_frame(300, centers=4, features=3, seed=4, columns=["visits", "orders", "spend"]).abs() * 10
    frame.loc[::17, "spend"] = np.nan  # gaps to fill
    return make_model(frame, k=3)


def test_the_controls_show_the_models_settings_in_words(model):
    view = PreprocessingPicker(model)
    assert "sw-preprocessing-picker" in view._dom_classes
    assert view.scaling.options == tuple((label, key) for key, label in SCALING_LABELS.items())
    assert view.impute.options == tuple((label, key) for key, label in IMPUTATION_LABELS.items())
    assert view.log1p.description == "log(1 + x) for counts"
    assert (view.scaling.value, view.impute.value, view.log1p.value) == ("standard", "median", False)


def test_choosing_robust_scaling_refits(model):
    view = PreprocessingPicker(model)
    revision = model.revision
    view.scaling.value = "robust"
    assert model.scaling == "robust" and model.revision == revision + 1


def test_dropping_rows_with_gaps_leaves_them_out_of_every_segment(model):
    view = PreprocessingPicker(model)
    view.impute.value = "drop"
    assert model.impute == "drop"
    assert (model.labels[model.data["spend"].isna().to_numpy()] == -1).all()


def test_logging_counts_refits(model):
    view = PreprocessingPicker(model)
    revision = model.revision
    view.log1p.value = True
    assert model.log1p is True and model.revision == revision + 1 and model.state == "idle"


def test_several_settings_changed_at_once_from_code_all_show(model):
    view = PreprocessingPicker(model)
    spec = model.spec
    spec.scaling, spec.impute, spec.log1p = "minmax", "mean", True
    revision = model.revision
    model.apply_spec(spec)
    assert (view.scaling.value, view.impute.value, view.log1p.value) == ("minmax", "mean", True)
    assert model.revision == revision + 1  # one refit: the controls did not echo the change
    assert (model.scaling, model.impute, model.log1p) == ("minmax", "mean", True)


@pytest.mark.parametrize(
    "part,state",
    [("scaling", {"index": 42}), ("scaling", {"index": -1}), ("scaling", {"index": None}),
     ("impute", {"index": 42}), ("log1p", {"value": "yes please"}), ("log1p", {"value": None})],
)
def test_impossible_choices_from_the_browser_are_refused(model, part, state):
    view = PreprocessingPicker(model)
    with pytest.raises(TraitError):  # the kernel logs and drops such a message
        getattr(view, part).set_state(state)
    assert (model.scaling, model.impute, model.log1p) == ("standard", "median", False)
    assert (view.scaling.value, view.impute.value, view.log1p.value) == ("standard", "median", False)
    if part != "log1p":
        assert "There is no choice number" in model.status
    view.scaling.value = "none"
    assert model.scaling == "none" and model.state == "idle"


def test_category_columns_can_be_scaled_like_the_numbers(make_model):
    frame = pd.DataFrame({"spend": np.arange(90.0) % 13, "visits": np.arange(90) % 7,
                          "channel": ["web", "shop", "app"] * 30})
    model = make_model(frame, features=["spend", "visits", "channel"])
    view = PreprocessingPicker(model)
    assert view.scale_onehot.value is False
    view.scale_onehot.value = True
    assert model.scale_onehot is True
    onehot = [i for i, n in enumerate(model.prepared.feature_names_out) if n.startswith("channel")]
    np.testing.assert_allclose(model.prepared.X[:, onehot].std(axis=0), 1.0)
    model.scale_onehot = False
    assert view.scale_onehot.value is False


def test_heavily_skewed_counts_are_named_with_a_one_click_fix(demo_frame, make_model):
    model = make_model(demo_frame, k=3)
    view = PreprocessingPicker(model)
    assert view.skewed() and set(view.skewed()) <= set(model.features)
    assert view.skew.layout.display == "" and view.skew_fix.layout.display == ""
    assert "heavily skewed" in view.skew.value and view.skewed()[0] in view.skew.value
    view.skew_fix.click()
    assert model.log1p is True and view.log1p.value is True
    assert view.skew.layout.display == "none" and view.skew_fix.layout.display == "none"
