"""The portable fitted segmentation (core/artefact.py) and drift (core/drift.py): an analyst
saves the tuned segmentation beside its spec, and it labels other tables exactly as the model
does, or refuses in words."""

from __future__ import annotations

import functools
import json
import os

import numpy as np
import pandas as pd
import pytest
import skops.io

from segwidgets.core import artefact, drift
from segwidgets.core.spec import SegmentationSpec
from segwidgets.errors import SegwidgetsDataError, SegwidgetsValueError

PREDICTING = ("kmeans", "minibatch_kmeans", "gmm")
NEAREST_CENTRE = ("ward", "average", "complete", "hdbscan")
FEATURES = ["a", "b", "c", "channel"]


@pytest.fixture
def table(make_frame, tmp_path):
    """1,200 customers over 3 numbers and a channel, saved as Parquet (so the spec has a hash)."""
    frame = make_frame(1200, centers=4, std=1.5, channel=True, ids=("customer_id", "C"))
    path = tmp_path / "customers.parquet"
    frame.to_parquet(path)
    return frame, path


def fitted(make_model, path, algorithm, **settings):
    params = {"min_cluster_size": 40} if algorithm == "hdbscan" else {}
    return make_model(path, k=4, algorithm=algorithm, features=FEATURES, params=params, **settings)


@pytest.mark.parametrize("algorithm", PREDICTING)
def test_a_saved_model_with_predict_gives_every_row_its_segment(make_model, table, tmp_path, algorithm):
    frame, path = table
    model = fitted(make_model, path, algorithm)
    saved = model.save_artefact(tmp_path / "seg.json")
    assert saved.name == "seg.model.skops" and (tmp_path / "seg.json").is_file()

    loaded = artefact.load(saved, spec=model.spec)
    labelled = loaded.predict(frame)

    assert loaded.rule == "predict" and loaded.fitting["agreement"] == 1.0
    assert labelled["segment"].to_numpy(dtype=np.int64).tolist() == model.labels.tolist()
    assert labelled["segment_name"].tolist() == [model.segment_names[i] for i in model.labels]
    assert labelled["unplaced"].isna().all()


@pytest.mark.parametrize("algorithm", NEAREST_CENTRE)
def test_methods_without_predict_use_the_nearest_centre_and_say_how_often_it_agrees(
        make_model, table, tmp_path, algorithm):
    frame, path = table
    model = fitted(make_model, path, algorithm)
    loaded = artefact.load(model.save_artefact(tmp_path / "seg.model.skops"), spec=model.spec)
    labelled = loaded.predict(frame)["segment"].to_numpy(dtype=np.int64)

    assert loaded.rule == "nearest centre" and loaded.model is None
    fit = model.fit
    centres = fit.centers_scaled
    nearest = np.asarray(model.result.raw_to_id)[((model.prepared.X[:, None, :] - centres[None]) ** 2)
                                               .sum(axis=2).argmin(axis=1)]
    assert labelled.tolist() == nearest.tolist()  # exactly the rule: each row's nearest centre
    placed = model.labels >= 0
    agreement = (labelled[placed] == model.labels[placed]).mean()
    assert loaded.fitting["agreement"] == pytest.approx(agreement)
    assert 0.9 < agreement <= 1.0  # well-separated blobs: the rule rarely moves a fitted row
    assert model.predict(frame)["segment"].to_numpy(dtype=np.int64).tolist() == labelled.tolist()


@pytest.mark.slow
def test_rows_outside_a_sampled_fit_get_exactly_the_models_segment(make_model, make_frame, tmp_path):
    from segwidgets.core.hierarchy import tree_rows

    cap = tree_rows("average")  # average linkage keeps every pairwise distance: the smallest cap
    frame = make_frame(cap + 300, centers=4, features=2, std=1.5, seed=3)
    model = make_model(frame, k=4, algorithm="average")
    sample = model.fit.sample_index
    assert sample is not None and len(sample) == cap
    labelled = model.predict(frame)["segment"].to_numpy(dtype=np.int64)
    outside = np.setdiff1d(np.arange(len(frame)), sample)
    assert labelled[outside].tolist() == model.labels[outside].tolist()


def test_the_file_holds_no_fitting_row(make_model, table, tmp_path):
    frame, path = table
    model = fitted(make_model, path, "kmeans")
    data = artefact.dumps(model.artefact())
    loaded = artefact.loads(data)
    assert not hasattr(loaded.model, "labels_")
    assert "C17" not in data.decode("latin-1")  # no identifier of the fitting table
    assert loaded.identifiers == ["customer_id"]
    assert loaded.data_sha256 == model.spec.data_sha256 and len(loaded.data_sha256) == 64
    assert {"scikit-learn", "numpy", "skops", "segwidgets"} <= set(loaded.versions)


def test_a_renamed_segment_is_labelled_with_its_new_name(make_model, table):
    frame, path = table
    model = fitted(make_model, path, "kmeans")
    first = model.segment_ids[0]
    model.rename(first, "Big spenders")
    labelled = model.predict(frame)
    assert set(labelled.loc[labelled["segment"] == first, "segment_name"]) == {"Big spenders"}


def test_the_artefact_is_built_once_per_fit_and_names(make_model, table):
    frame, path = table
    model = fitted(make_model, path, "kmeans")
    built = model.artefact()
    assert model.artefact() is built
    model.rename(model.segment_ids[0], "Loyal")
    assert model.artefact() is not built and "Loyal" in model.artefact().names.values()
    model.k = 3
    assert len(model.artefact().raw_to_id) == 3


# ---------------------------------------------------------------- refusals
def test_a_tampered_file_is_refused_before_anything_runs(make_model, table, tmp_path):
    frame, path = table
    payload = artefact._payload(fitted(make_model, path, "kmeans").artefact())
    payload["model"] = functools.partial(os.system, "echo owned")
    bad = tmp_path / "bad.model.skops"
    bad.write_bytes(skops.io.dumps(payload))
    with pytest.raises(SegwidgetsDataError, match="never holds .*posix.system.*changed, and was not loaded"):
        artefact.load(bad)


@pytest.mark.parametrize("content", [b"", b"not a model at all", b"PK\x03\x04 broken zip"])
def test_a_file_that_is_not_a_model_is_refused_in_words(tmp_path, content):
    bad = tmp_path / "seg.model.skops"
    bad.write_bytes(content)
    with pytest.raises(SegwidgetsDataError, match="'seg.model.skops' is not a segmentation model file"):
        artefact.load(bad)


def test_a_missing_model_file_says_how_to_make_one(tmp_path):
    with pytest.raises(SegwidgetsValueError, match="no model file 'seg.model.skops'.*save_artefact"):
        artefact.load(artefact.artefact_path(tmp_path / "seg.json"))


def test_another_scikit_learn_version_is_refused(make_model, table):
    frame, path = table
    built = fitted(make_model, path, "kmeans").artefact()
    built.versions["scikit-learn"] = "0.24.2"
    with pytest.raises(SegwidgetsValueError, match="fitted with scikit-learn 0.24.2, and this machine has"):
        artefact.loads(artefact.dumps(built))


def test_a_spec_with_other_settings_or_other_data_is_refused(make_model, table, tmp_path):
    frame, path = table
    model = fitted(make_model, path, "kmeans")
    saved = model.save_artefact(tmp_path / "seg.json")
    spec = SegmentationSpec.from_json((tmp_path / "seg.json").read_text())
    with pytest.raises(SegwidgetsValueError, match="fitted with k = 4, but the spec says 5"):
        artefact.load(saved, spec=spec.replace(k=5))
    with pytest.raises(SegwidgetsValueError, match="uses 'channel' as categorical, but the spec makes it numeric"):
        artefact.load(saved, spec=spec.replace(roles={"channel": "numeric"}))
    with pytest.raises(SegwidgetsValueError, match="fitted on other data .* than the spec names"):
        artefact.load(saved, spec=spec.replace(data_sha256="0" * 64))
    renamed = spec.replace(names={model.segment_ids[0]: "Renamed"})
    assert artefact.load(saved, spec=renamed).rule == "predict"  # names are not the fit


def test_a_table_without_a_feature_or_with_dates_for_numbers_is_refused(make_model, table):
    frame, path = table
    built = fitted(make_model, path, "kmeans").artefact()
    with pytest.raises(SegwidgetsDataError, match=r"no column 'b', which the segmentation uses as a feature\. "
                                                  r"Its columns are 'a', 'c', 'channel'"):
        built.predict(frame.drop(columns=["b", "customer_id"]))
    dated = frame.assign(a=pd.Timestamp("2026-01-01"))
    with pytest.raises(SegwidgetsDataError, match="'a' holds dates or durations here"):
        built.predict(dated)


# ---------------------------------------------------------------- rows that cannot be placed
def test_rows_that_cannot_be_placed_are_kept_with_the_reason(make_model, table):
    frame, path = table
    built = fitted(make_model, path, "kmeans").artefact()
    new = frame.head(4).astype({"a": object, "b": object, "c": object})
    new.loc[0, ["a", "b", "c", "channel"]] = None            # nothing known
    new.loc[1, "a"] = "twelve"                                # not a number
    new.loc[2, "a"] = None                                    # a gap: filled with the median
    labelled = built.predict(new)
    assert len(labelled) == 4
    assert labelled["unplaced"].fillna("").tolist() == [artefact.UNPLACED_ALL_MISSING,
                                                        artefact.UNPLACED_UNREADABLE, "", ""]
    assert labelled["segment"].isna().tolist() == [True, True, False, False]


def test_with_drop_a_row_with_a_gap_is_unplaced_as_the_model_leaves_it_out(make_model, make_frame, tmp_path):
    frame = make_frame(400, centers=3, std=1.0)
    frame.loc[5, "b"] = np.nan
    model = make_model(frame, k=3, impute="drop")
    labelled = model.predict(frame)
    assert model.labels[5] == -1
    assert labelled.loc[5, "unplaced"] == artefact.UNPLACED_GAP and pd.isna(labelled.loc[5, "segment"])
    placed = model.labels >= 0
    assert labelled["segment"][placed].to_numpy(dtype=np.int64).tolist() == model.labels[placed].tolist()


def test_numbers_and_yes_no_given_as_text_are_read():
    values, bad = artefact._numbers(pd.Series([" 1.5", "2", "", None, "x", "NA", "n/a", "-"], dtype=object),
                                    yes_no=False)
    assert values.tolist()[:2] == [1.5, 2.0] and np.isnan(values.tolist()[2:]).all()
    assert bad.tolist() == [False, False, False, False, True, False, False, False]  # "NA", "n/a", "-": gaps
    text = artefact._category_text(pd.Series(["web", "NA", None, " shop"], dtype=object))
    assert text.tolist()[0] == "web" and pd.isna(text[1]) and pd.isna(text[2]) and text[3] == " shop"
    values, bad = artefact._numbers(pd.Series(["Yes", "no", "1", "maybe"]), yes_no=True)
    assert values.tolist()[:3] == [1.0, 0.0, 1.0] and bad.tolist() == [False, False, False, True]


# ---------------------------------------------------------------- drift
def test_the_same_table_has_no_drift_and_a_moved_one_has(make_model, table):
    frame, path = table
    built = fitted(make_model, path, "kmeans").artefact()
    then = built.fitting

    def counts(new):
        values, _ = built.feature_values(new)
        out = {}
        for name, spec in then["features"].items():
            if spec["kind"] == "numeric":
                out[name] = drift.bin_counts(values[name].to_numpy(dtype=float), np.asarray(spec["edges"]))
            else:
                out[name] = drift.category_counts(values[name])
        return out

    labels = built.predict(frame)["segment"].to_numpy(dtype=np.int64)
    sizes = {int(i): int((labels == i).sum()) for i in built.raw_to_id}
    same = drift.report(then, counts(frame), sizes, built.names)
    assert (same.features["psi"] < 1e-9).all() and (same.segments["change"].abs() < 1e-12).all()

    moved = frame.assign(a=frame["a"] + 3 * frame["a"].std(), channel="web")
    report = drift.report(then, counts(moved), sizes, built.names)
    assert report.features.loc["a", "verdict"] == "large shift"
    assert report.features.loc["channel", "verdict"] == "large shift"
    assert report.features.loc["b", "verdict"] == "stable"
    assert "a: " in report.text() and "large shift" in report.text()


def test_psi_reads_as_the_usual_thresholds():
    assert drift.verdict(drift.psi([50, 50], [50, 50])) == "stable"
    assert drift.verdict(drift.psi([50, 50], [30, 70])) == "some shift"
    assert drift.verdict(drift.psi([50, 50], [10, 90])) == "large shift"
    assert drift.verdict(drift.psi([50, 50], [0, 0])) == "no values to compare"


def test_the_spec_beside_the_model_is_named_for_it(tmp_path):
    assert artefact.artefact_path(tmp_path / "q3.json") == tmp_path / "q3.model.skops"
    assert json.loads(json.dumps(artefact.FIT_SETTINGS))  # plain names, as the spec's fields


def test_hand_merges_are_kept_and_other_edits_refused_in_words():
    from segwidgets import Segmentation
    from segwidgets.errors import SegwidgetsValueError

    model = Segmentation("facebook_live", k=4, background=False)
    into = model.merge(model.segment_ids[:2], name="Engaged")
    rows = model.data.iloc[:500]
    labelled = model.predict(rows)
    assert labelled["segment"].tolist() == model.labels[:500].tolist()
    assert set(labelled.loc[labelled["segment"] == into, "segment_name"]) <= {"Engaged"}
    model.split(into, 2)
    with pytest.raises(SegwidgetsValueError, match="only merges can be"):
        model.artefact()
