"""FeaturePicker: a person chooses the columns to segment on, seeing what each column is."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from traitlets import TraitError

from segwidgets.session import Segmentation
from segwidgets.widgets import FeaturePicker

NUMERIC = ["num_reactions", "num_comments", "num_shares", "num_likes", "num_loves",
           "num_wows", "num_hahas", "num_sads", "num_angrys"]
#: The demo's suggested features: num_likes moves with num_reactions (r = 0.99), so it is left out.
SUGGESTED = [n for n in NUMERIC if n != "num_likes"]


@pytest.fixture()
def model(demo_frame, make_model) -> Segmentation:
    return make_model(demo_frame, k=3)


def listed(view: FeaturePicker) -> list[str]:
    names = {id(row): name for name, row in view._rows.items()}
    return [names[id(row)] for row in view.list.children if id(row) in names]


def role_text(view: FeaturePicker, name: str) -> str:
    """What the row shows after the name: the role (a menu's chosen label) and any reason."""
    return " ".join(getattr(part, "label", None) or part.value for part in view._rows[name].children[1:])


def test_the_list_shows_usable_columns_with_their_roles(model):
    view = FeaturePicker(model)
    assert "sw-feature-picker" in view._dom_classes
    assert listed(view) == ["status_type", *NUMERIC]
    assert "category" in role_text(view, "status_type")
    assert "numeric" in role_text(view, "num_likes")
    assert [n for n, box in view.boxes.items() if box.value] == SUGGESTED
    assert "8 of 10 columns chosen" in view.count.value
    assert "moves with num_reactions" in role_text(view, "num_likes")


def test_show_all_lists_identifiers_dates_and_empty_columns_greyed_with_the_reason(model):
    view = FeaturePicker(model)
    view.show_all.value = True
    assert listed(view) == list(model.table.columns)
    for name, role in [("status_id", "identifier"), ("status_published", "date-time"), ("Column1", "empty")]:
        assert view.boxes[name].disabled and not view.boxes[name].value
        assert role in role_text(view, name)
        assert model.table.columns[name].reason in role_text(view, name)
        assert "sw-feature-row-unavailable" in view._rows[name]._dom_classes
    view.show_all.value = False
    assert "status_id" not in listed(view)


def test_unticking_and_ticking_set_features_in_table_order(model):
    view = FeaturePicker(model)
    view.boxes["num_loves"].value = False
    assert model.features == [n for n in SUGGESTED if n != "num_loves"]
    view.boxes["status_type"].value = True
    assert model.features[0] == "status_type"  # table order, not click order
    assert model.state == "idle" and "status_type" in model.profile.category_shares.columns[0]


def test_none_leaves_the_boxes_empty_and_the_model_asks_for_a_feature(model):
    view = FeaturePicker(model)
    labels = model.labels.copy()
    view.none.click()
    assert model.features == []
    assert not any(box.value for box in view.boxes.values())  # the boxes stay as the person left them
    assert model.state == "error" and "Choose at least one feature" in model.status
    assert (model.labels == labels).all()  # the last good segments stay
    view.boxes["num_shares"].value = True
    assert model.features == ["num_shares"] and model.state == "idle"
    view.all_numeric.click()
    assert model.features == SUGGESTED
    assert [n for n, box in view.boxes.items() if box.value] == SUGGESTED


def test_the_boxes_follow_features_set_elsewhere(model):
    view = FeaturePicker(model)
    model.features = ["status_type", "num_shares"]
    assert [n for n, box in view.boxes.items() if box.value] == ["status_type", "num_shares"]
    assert "2 of 10 columns chosen" in view.count.value


def test_a_new_upload_rebuilds_the_list(model):
    view = FeaturePicker(model)
    old_box = view.boxes["num_likes"]
    upload = pd.DataFrame({"customer": [f"C{i}" for i in range(60)],
                           "spend": np.arange(60.0), "visits": np.arange(60) % 7})
    assert model.load_data(upload, filename="upload.csv")
    assert list(view.boxes) == ["customer", "spend", "visits"]
    assert listed(view) == ["spend", "visits"]
    assert [n for n, box in view.boxes.items() if box.value] == ["spend", "visits"]
    old_box.value = False  # a box of the old table no longer does anything
    assert model.features == ["spend", "visits"]


def test_a_wide_table_is_filtered_and_scrolls():
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.normal(size=(200, 150)), columns=[f"metric_{i:03d}" for i in range(150)])
    wide["region"] = rng.choice(["north", "south"], size=200)
    model = Segmentation(wide, features=["metric_000", "metric_001"], k=3, background=False)
    view = FeaturePicker(model)
    assert len(view.list.children) == 151
    assert view.list.layout.max_height == "240px" and view.list.layout.overflow == "auto"
    view.filter.value = "REG"
    assert listed(view) == ["region"]
    view.filter.value = "metric_01"
    assert listed(view) == [f"metric_{i:03d}" for i in range(10, 20)]
    view.boxes["metric_012"].value = True
    assert model.features == ["metric_000", "metric_001", "metric_012"]
    view.filter.value = "x" * 100_000  # the browser can send any text
    assert listed(view) == []


def test_a_column_that_cannot_be_a_feature_cannot_be_ticked_from_the_browser(model):
    view = FeaturePicker(model)
    features = list(model.features)
    box = view.boxes["status_id"]
    box.set_state({"disabled": False, "value": True})
    assert "status_id" not in model.features and model.features == features
    assert box.value is False
    assert "cannot be a feature" in model.status
    # Renaming the box in the page does not make it another column.
    box.set_state({"description": "num_likes"})
    box.set_state({"value": True})
    assert model.features == features and box.value is False
    with pytest.raises(TraitError):
        view.boxes["num_likes"].set_state({"value": "true"})
    assert model.features == features
    model.k = 4
    assert model.state == "idle" and len(model.segment_ids) == 4


def test_a_picker_built_before_any_data_fills_in_when_a_table_arrives(demo_frame):
    model = Segmentation(background=False)
    view = FeaturePicker(model)
    assert "No table loaded yet" in view.list.children[0].value
    assert model.load_data(demo_frame)
    assert listed(view) == ["status_type", *NUMERIC]
    view.boxes["num_likes"].value = False
    assert "num_likes" not in model.features and model.state == "idle"


def test_a_columns_role_is_changed_from_its_menu(make_model):
    frame = pd.DataFrame({"spend": np.arange(60.0) % 11, "visits": np.arange(60) % 7,
                          "region": np.arange(60) % 3, "city": ["Paris", "Rome", "Oslo"] * 20})
    model = make_model(frame)
    view = FeaturePicker(model)
    assert view.role_menus["region"].value == model.table.columns["region"].role.value
    view.role_menus["region"].value = "ignored"
    assert model.roles == {"region": "ignored"}
    assert "region" not in model.features and view.boxes["region"].disabled
    assert "set by you" in role_text(view, "region")
    view.role_menus["region"].value = "numeric"
    assert model.roles == {"region": "numeric"} and not view.boxes["region"].disabled


def test_a_role_the_values_cannot_take_is_refused_and_the_menu_shows_the_role_that_stands(make_model):
    frame = pd.DataFrame({"spend": np.arange(60.0) % 11, "visits": np.arange(60) % 7,
                          "city": ["Paris", "Rome", "Oslo"] * 20})
    model = make_model(frame)
    view = FeaturePicker(model)
    view.role_menus["city"].value = "numeric"
    assert model.roles == {}
    assert view.role_menus["city"].value == "categorical"
    assert model.state == "error" and "city" in model.status
