"""Hand edits (merge, split, move, new segment, drill in) and the undo history, through the API."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs

from segwidgets import Segmentation
from segwidgets.core.edits import apply_edits, check_edit
from segwidgets.core.spec import SegmentationSpec
from segwidgets.errors import SegwidgetsValueError


@pytest.fixture
def blobs() -> pd.DataFrame:
    X, _ = make_blobs(n_samples=900, centers=5, n_features=3, cluster_std=1.2, random_state=3)
    frame = pd.DataFrame(X, columns=["spend", "visits", "tenure"])
    frame.insert(0, "customer_id", [f"C{i:05d}" for i in range(len(frame))])
    return frame


@pytest.fixture
def model(blobs: pd.DataFrame) -> Segmentation:
    return Segmentation(blobs, k=4, background=False)


def sizes(model: Segmentation) -> dict[int, int]:
    return {int(i): int(n) for i, n in model.profile.summary["size"].items()}


def test_merge_keeps_the_largest_id_name_and_colour(model: Segmentation) -> None:
    before, names, colours = sizes(model), dict(model.segment_names), dict(model.colors)
    a, b = model.segment_ids[:2]
    largest = max((a, b), key=lambda i: (before[i], -i))
    other = b if largest == a else a
    assert model.merge([a, b]) == largest
    assert other not in model.segment_ids
    assert sizes(model)[largest] == before[a] + before[b]
    assert model.segment_names[largest] == names[largest]
    assert model.colors[largest] == colours[largest]
    untouched = [i for i in model.segment_ids if i != largest]
    assert {i: model.segment_names[i] for i in untouched} == {i: names[i] for i in untouched}
    assert "1 hand edit" in model.status
    assert model.edits == [{"op": "merge", "segments": [a, b], "into": largest}]


def test_merge_can_be_named_and_needs_two_segments(model: Segmentation) -> None:
    into = model.merge(model.segment_ids[1:3], name="Loyal core")
    assert model.segment_names[into] == "Loyal core"
    with pytest.raises(SegwidgetsValueError, match="at least two"):
        model.merge([into])
    with pytest.raises(SegwidgetsValueError, match="no segment 99"):
        model.merge([into, 99])


def test_split_refits_the_algorithm_on_the_segment_alone(model: Segmentation) -> None:
    before, names = sizes(model), dict(model.segment_names)
    target = max(before, key=before.get)
    new = model.split(target, 3)
    assert len(new) == 3 and target not in model.segment_ids
    assert sum(sizes(model)[i] for i in new) == before[target]
    assert set(new).isdisjoint(before)
    for i in before:
        if i != target:
            assert sizes(model)[i] == before[i] and model.segment_names[i] == names[i]
    # the rows of the parent, alone, segmented by k-means into 3: the same partition
    from sklearn.metrics import adjusted_rand_score

    from segwidgets.core.algorithms import fit_prepared

    rows = np.isin(model.labels, new)
    prepared = model.prepared
    direct = fit_prepared(type(prepared)(**{**prepared.__dict__, "X": prepared.X[rows],
                                            "row_index": np.flatnonzero(rows)}), "kmeans", 3, model.seed)
    assert adjusted_rand_score(direct.labels, model.labels[rows]) == 1.0


def test_move_and_new_segment(model: Segmentation) -> None:
    a, b = model.segment_ids[:2]
    rows = np.flatnonzero(model.labels == a)[:7]
    model.move(rows, b)
    assert (model.labels[rows] == b).all()
    mask = np.zeros(len(model.data), dtype=bool)
    mask[[1, 5, 9]] = True
    new = model.new_segment(mask, name="Odd ones")
    assert model.segment_names[new] == "Odd ones"
    assert np.flatnonzero(model.labels == new).tolist() == [1, 5, 9]
    with pytest.raises(SegwidgetsValueError, match="Select some rows"):
        model.new_segment([])
    with pytest.raises(SegwidgetsValueError, match="row numbers from 0"):
        model.move([10**6], b)


def test_undo_and_redo_every_edit_and_setting(model: Segmentation) -> None:
    states = [(model.labels.copy(), dict(model.segment_names))]
    model.merge(model.segment_ids[:2])
    states.append((model.labels.copy(), dict(model.segment_names)))
    model.split(model.segment_ids[0], 2)
    states.append((model.labels.copy(), dict(model.segment_names)))
    model.scaling = "robust"
    states.append((model.labels.copy(), dict(model.segment_names)))
    assert model.edits == []  # set aside by the preparation change
    assert "set aside" in model.status
    assert model.history[-1].startswith("Scaling: robust")
    for index in range(len(states) - 2, -1, -1):
        assert model.undo()
        labels, names = states[index]
        assert np.array_equal(model.labels, labels) and dict(model.segment_names) == names
    assert not model.undo()
    for index in range(1, len(states)):
        assert model.redo()
        labels, names = states[index]
        assert np.array_equal(model.labels, labels) and dict(model.segment_names) == names
    assert not model.redo()
    assert model.history_index == len(model.history) - 1


def test_a_new_change_after_undo_drops_the_redo_branch(model: Segmentation) -> None:
    model.k = 5
    model.k = 6
    model.undo()
    model.algorithm = "ward"
    assert model.history[:2] == ["Start", "k 4 → 5"] and len(model.history) == 3
    assert model.history[2].startswith("Algorithm: ") and "Ward" in model.history[2]
    assert not model.can_redo


def test_go_to_a_step_of_the_history(model: Segmentation) -> None:
    model.k = 3
    model.rename(model.segment_ids[0], "First")
    model.k = 5
    model.go_to(0)
    assert model.k == 4 and model.names == {}
    model.go_to(2)
    assert model.k == 3 and model.segment_names[model.segment_ids[0]] == "First"
    with pytest.raises(SegwidgetsValueError, match="steps 0 to 3"):
        model.go_to(7)


def test_the_spec_reproduces_the_edited_labels_exactly(model: Segmentation, blobs: pd.DataFrame) -> None:
    model.merge(model.segment_ids[:2], name="Merged")
    model.split(model.segment_ids[-1], 2)
    model.move(np.arange(0, 40, 3), model.segment_ids[0])
    model.new_segment([2, 4, 8], name="Hand picked")
    child = model.drill(model.segment_ids[1], k=3, features=["spend", "visits"])
    child.rename(child.segment_ids[0], "Big spenders")
    child.bring_back()
    spec = SegmentationSpec.from_json(model.spec.to_json())
    again = Segmentation.from_spec(spec, data=blobs, background=False)
    assert np.array_equal(again.labels, model.labels)
    assert dict(again.segment_names) == dict(model.segment_names)
    assert dict(again.colors) == dict(model.colors)
    linked = Segmentation(blobs, background=False)
    linked.apply_spec(SegmentationSpec.from_query(model.spec.to_query()))
    assert np.array_equal(linked.labels, model.labels)
    assert any(" › Big spenders" in n for n in model.segment_names.values())
    assert np.array_equal(model.labels_frame()["segment"].to_numpy(dtype=float),
                          np.where(model.labels >= 0, model.labels, np.nan), equal_nan=True)


def test_drill_in_is_a_child_with_breadcrumbs(model: Segmentation) -> None:
    target = model.segment_ids[2]
    parent_name = model.segment_names[target]
    child = model.drill(target, k=2)
    assert child.crumbs == ["All rows", parent_name]
    assert len(child.data) == sizes(model)[target]
    assert child.data["customer_id"].tolist() == model.data["customer_id"][model.labels == target].tolist()
    others = {i: model.segment_names[i] for i in model.segment_ids if i != target}
    ids = child.bring_back()
    assert target not in model.segment_ids and set(ids) <= set(model.segment_ids)
    assert all(model.segment_names[i].startswith(parent_name + " › ") for i in ids)
    assert {i: model.segment_names[i] for i in others} == others
    grandchild = child.drill(child.segment_ids[0])
    assert grandchild.crumbs[:2] == child.crumbs
    with pytest.raises(SegwidgetsValueError, match="not a drill-in"):
        model.bring_back()


def test_drill_into_a_selection(model: Segmentation) -> None:
    rows = np.arange(0, 300)
    child = model.drill(rows=rows, k=2)
    assert len(child.data) == 300
    ids = child.bring_back()
    assert set(np.unique(model.labels[rows])) == set(ids)


def test_edits_that_no_longer_apply_say_so() -> None:
    labels = np.array([0, 0, 1, 1, 2])
    edits = [check_edit({"op": "merge", "segments": [0, 1], "into": 0}),
             check_edit({"op": "move", "rows": [4], "to": 1})]
    out = apply_edits(labels, edits, context=None)
    assert out.applied == 1 and out.labels.tolist() == [0, 0, 0, 0, 2]
    assert "Edit 2 (move) was not applied: segment 1 is not in this segmentation" in out.warnings[0]


@pytest.mark.parametrize("edit, words", [
    ({"op": "paint"}, "op must be one of"),
    ({"op": "merge", "segments": [1], "into": 1}, "2 to"),
    ({"op": "merge", "segments": [1, 2], "into": 3}, "into one of"),
    ({"op": "move", "rows": list(range(60_000)), "to": 1}, "1 to 50,000 rows"),
    ({"op": "split", "segment": 1, "n": 1, "ids": [4]}, "number of parts"),
    ({"op": "drill", "segment": 1, "settings": {"k": 99}, "ids": [4], "names": ["x"]}, "k must be"),
    ({"op": "drill", "segment": 1, "settings": {"colour": 1}, "ids": [4], "names": ["x"]}, "no setting"),
    ({"op": "new", "rows": [1], "id": 3, "extra": 1}, "no field 'extra'"),
])
def test_bad_edits_are_refused_in_words(edit: dict, words: str) -> None:
    with pytest.raises(SegwidgetsValueError, match=words):
        check_edit(edit)
    with pytest.raises(SegwidgetsValueError):
        SegmentationSpec(edits=[edit])


def test_a_spec_with_an_edit_on_a_missing_segment_loads_with_a_warning(blobs: pd.DataFrame) -> None:
    spec = SegmentationSpec(k=3, edits=[{"op": "merge", "segments": [0, 7], "into": 7}])
    model = Segmentation.from_spec(spec, data=blobs, background=False)
    assert model.state != "error" and len(model.segment_ids) == 3
    assert any("segment 7 is not in this segmentation" in w for w in model.warnings)


def test_background_edits_refit_off_the_callers_thread(blobs: pd.DataFrame) -> None:
    model = Segmentation(blobs, k=4)
    try:
        assert model.wait(30)
        model.split(model.segment_ids[0], 2)
        assert model.wait(30)
        assert len(model.segment_ids) == 5 and model.edits
        model.undo()
        assert model.wait(30) and len(model.segment_ids) == 4
    finally:
        model.close()


def test_a_new_table_starts_a_new_history(model: Segmentation, blobs: pd.DataFrame) -> None:
    model.merge(model.segment_ids[:2])
    assert model.load_data(blobs.iloc[:500])
    assert model.edits == [] and model.history == ["Start"]


def test_a_rename_step_names_the_old_name_and_the_new(model: Segmentation) -> None:
    first = model.segment_ids[0]
    generated = model.segment_names[first]
    model.rename(first, "Loyal")
    model.rename(first, "Loyal core")
    assert model.history[-2:] == [f"Renamed '{generated}' to 'Loyal'", "Renamed 'Loyal' to 'Loyal core'"]
