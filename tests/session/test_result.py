"""The frozen Result: what every view reads, never changed once published."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from segwidgets import Segmentation
from segwidgets.session import Result


@pytest.fixture
def model(blobs_frame, make_model):
    return make_model(blobs_frame, k=4)


def test_a_result_cannot_be_changed(model):
    result = model.result
    assert isinstance(result, Result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.k = 9
    with pytest.raises(ValueError):
        result.labels[0] = 99
    with pytest.raises(TypeError):
        result.names[0] = "x"


def test_the_flat_traits_are_read_only_aliases_of_the_result(model):
    result = model.result
    assert np.array_equal(model.labels, result.labels)
    assert model.segment_ids == list(result.segment_ids)
    assert model.segment_names == dict(result.names)
    assert model.profile is result.profile and model.coords is result.coords
    with pytest.raises(Exception, match="read-only"):
        model.labels = np.zeros(len(model.data), dtype=np.int64)


def test_raw_labels_map_to_stable_ids_through_the_result(model):
    result = model.result
    assert np.array_equal(result.stable(model.result.fit.labels), result.labels[result.prepared.row_index])
    assert result.stable(np.array([-1]))[0] == -1


def test_a_k_change_is_a_new_fit_key_and_a_rename_is_not(model):
    first = model.result
    model.rename(first.segment_ids[0], "Big spenders")
    renamed = model.result
    assert renamed is not first and renamed.fit_key == first.fit_key
    assert renamed.names[first.segment_ids[0]] == "Big spenders"
    assert renamed.profile.summary.loc[first.segment_ids[0], "name"] == "Big spenders"
    assert first.names[first.segment_ids[0]] != "Big spenders"  # the old result is untouched
    model.k = 5
    assert model.result.fit_key != first.fit_key
    assert model.result.coords is first.coords  # same rows: the map did not move


def test_metrics_arrive_on_the_same_fit(blobs_frame):
    model = Segmentation(blobs_frame, k=3)
    model.k = 4
    assert model.wait(30)
    assert model.result.metrics["silhouette"] > 0
    assert model.result.fit_key[2] == 4


def test_a_refit_is_one_result_then_its_metrics_on_the_same_fit(model):
    seen: list[Result] = []
    revisions: list[int] = []
    model.observe(lambda change: seen.append(change["new"]), "result")
    model.observe(lambda change: revisions.append(change["new"]), "revision")
    model.k = 6
    assert [r.k for r in seen] == [6, 6] and seen[0].fit_key == seen[1].fit_key
    assert not seen[0].metrics and seen[1].metrics["n_segments"] == 6
    assert len(revisions) == 1  # the metrics arriving is not a new segmentation
