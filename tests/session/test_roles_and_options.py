"""A person sets a column's role, one-hot scaling, k-means restarts and the naming style:
each reaches the fit, and each survives a refit, a save, a reload and a link."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from traitlets import TraitError

from segwidgets.core.roles import Role
from segwidgets.core.spec import SegmentationSpec
from segwidgets.errors import SegwidgetsDataError, SegwidgetsValueError
from segwidgets.session import Segmentation


@pytest.fixture()
def coded(make_frame) -> pd.DataFrame:
    """300 rows: spend, visits and a region coded 0/1/2 that follows the blobs."""
    frame = make_frame(300, centers=3, features=2, seed=3, columns=["spend", "visits"])
    frame["region"] = (frame["spend"].rank(pct=True).to_numpy() * 2.999).astype(int)
    return frame


def test_a_role_given_up_front_is_used_and_is_in_the_spec(coded, make_model):
    model = make_model(coded, roles={"region": "categorical"}, features=["spend", "visits", "region"])
    assert model.table.columns["region"].role == Role.CATEGORICAL
    assert model.table.columns["region"].set_by_person
    assert "region" in model.prepared.categorical
    assert model.spec.roles == {"region": "categorical"}


def test_set_role_refits_and_keeps_the_features_that_can_stay(coded, make_model):
    model = make_model(coded, features=["spend", "visits", "region"])
    assert model.table.columns["region"].role != Role.IDENTIFIER
    revision = model.revision
    model.set_role("region", "ignored")
    assert model.features == ["spend", "visits"]
    assert model.revision > revision
    assert "region" not in model.table.feature_candidates()
    model.set_role("region", "auto")
    assert model.roles == {}
    assert "region" in model.table.feature_candidates()


def test_set_role_refuses_unknown_columns_and_impossible_roles_in_words(make_model):
    frame = pd.DataFrame({"spend": np.arange(40.0) % 7, "visits": np.arange(40) % 5,
                          "city": ["Paris", "Rome", "Oslo", "Lima"] * 10})
    model = make_model(frame)
    with pytest.raises(SegwidgetsValueError, match="no column called 'nope'"):
        model.set_role("nope", "numeric")
    with pytest.raises(SegwidgetsValueError, match="city"):
        model.set_role("city", "numeric")
    assert model.roles == {}
    assert model.table.columns["city"].role == Role.CATEGORICAL
    with pytest.raises(TraitError, match="role of column 'city' must be one of"):
        model.roles = {"city": "colour"}


def test_roles_survive_a_refit_a_save_and_a_reload(coded, make_model, tmp_path):
    path = tmp_path / "coded.csv"
    coded.to_csv(path, index=False)
    model = make_model(str(path), roles={"region": "categorical"}, features=["spend", "region"],
                       scale_onehot=True, params={"n_init": 10}, naming="level")
    model.k = 4
    model.refit()
    assert model.table.columns["region"].role == Role.CATEGORICAL
    saved = model.save(tmp_path / "spec.json")
    again = Segmentation.load(saved, background=False)
    try:
        assert again.roles == {"region": "categorical"}
        assert again.table.columns["region"].role == Role.CATEGORICAL
        assert (again.scale_onehot, again.params, again.naming) == (True, {"n_init": 10}, "level")
        assert again.features == ["spend", "region"]
        np.testing.assert_array_equal(again.labels, model.labels)
    finally:
        again.close()


def test_roles_one_hot_scaling_restarts_and_naming_round_trip_through_a_link(coded, make_model):
    model = make_model(coded, roles={"region": "categorical"}, scale_onehot=True, params={"n_init": 10},
                       naming="level")
    spec = SegmentationSpec.from_query(model.spec.to_query())
    assert (spec.roles, spec.scale_onehot, spec.params, spec.naming) == (
        {"region": "categorical"}, True, {"n_init": 10}, "level")
    other = make_model(coded)
    other.apply_spec(spec)
    assert other.table.columns["region"].role == Role.CATEGORICAL
    assert (other.scale_onehot, other.params["n_init"], other.naming) == (True, 10, "level")


def test_scale_onehot_scales_the_category_columns_like_the_numbers(coded, make_model):
    model = make_model(coded, roles={"region": "categorical"}, features=["spend", "region"])
    X = model.prepared.X
    onehot = [i for i, n in enumerate(model.prepared.feature_names_out) if n.startswith("region")]
    assert set(np.unique(X[:, onehot])) <= {0.0, 1.0}
    model.scale_onehot = True
    X = model.prepared.X
    np.testing.assert_allclose(X[:, onehot].mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(X[:, onehot].std(axis=0), 1.0, atol=1e-9)


def test_restarts_reach_k_means(coded, make_model):
    model = make_model(coded, params={"n_init": 7})
    assert model.fit.estimator.n_init == 7


def test_the_naming_style_renames_without_refitting(make_model, make_frame):
    frame = make_frame(400, centers=4, features=3, seed=5, columns=["logins", "posts", "likes"]).abs()
    model = make_model(frame, k=4)
    fit_key, names = model.result.fit_key, dict(model.segment_names)
    model.naming = "level"
    assert model.result.fit_key == fit_key
    assert dict(model.segment_names) != names
    assert model.result.cached


def test_how_a_file_was_read_is_in_the_spec_and_a_reload_reads_it_the_same_way(tmp_path, make_model):
    from segwidgets.core.io import ReadOptions

    path = tmp_path / "sales.csv"
    rows = "\n".join(f"{i % 9},{(i * 7) % 13}.{i % 10}00,{'%02d' % (1 + i % 12)}/0{1 + i % 9}/2024"
                     for i in range(60))
    path.write_text("visits,spend,day\n" + rows + "\n", encoding="utf-8")
    model = make_model(str(path), options=ReadOptions(decimal=",", thousands="."))
    assert model.data["spend"].max() > 1000  # "12.300" read as twelve thousand three hundred
    assert model.spec.reading["decimal"] == "," and model.spec.reading["thousands"] == "."
    spec = SegmentationSpec.from_json(model.spec.to_json())
    again = Segmentation.from_spec(spec, background=False)
    try:
        pd.testing.assert_series_equal(again.data["spend"], model.data["spend"])
    finally:
        again.close()
    with pytest.raises(SegwidgetsValueError, match="decimal mark"):
        SegmentationSpec(reading={"decimal": ";"})
    with pytest.raises(SegwidgetsValueError, match="no option 'colour'"):
        SegmentationSpec(reading={"colour": "red"})


def test_categorical_features_too_wide_together_are_refused_before_one_hot_encoding(make_model):
    from segwidgets.core.preprocess import MAX_ONEHOT_WIDTH, prepare

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({f"c{i}": rng.integers(0, 150, 3000).astype(str) for i in range(8)})
    roles = {c: "categorical" for c in frame.columns}
    with pytest.raises(SegwidgetsDataError, match=f"at most {MAX_ONEHOT_WIDTH:,} can be used together"):
        prepare(frame, list(frame.columns), roles)
    prepare(frame, ["c0", "c1"], roles)  # 2 x 151 columns: fine


def test_rows_times_prepared_columns_past_the_budget_are_refused_before_encoding(monkeypatch):
    from segwidgets.core import preprocess

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"spend": rng.normal(size=4000), "city": rng.integers(0, 150, 4000).astype(str)})
    roles = {"city": "categorical"}
    monkeypatch.setattr(preprocess, "MAX_PREPARED_CELLS", 500_000)
    encoded = []
    monkeypatch.setattr(preprocess.OneHotEncoder, "fit", lambda *a, **k: encoded.append(1))
    with pytest.raises(SegwidgetsDataError) as info:
        preprocess.prepare(frame, ["spend", "city"], roles)
    assert ("make 152 columns to cluster once categories are spread into yes/no columns: "
            "4,000 rows × 152 = 608,000 values, more than the 500,000") in str(info.value)
    assert not encoded
    assert preprocess.prepare(frame, ["spend"], roles).X.shape == (4000, 1)
