"""Every request ends whole or not at all: apply_spec, a load and its first fit, the last load
winning, a sweep overtaken by a load, a closed model, a table published with its data, and
the one error contract of reading a spec (issue 14)."""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import pandas as pd
import pytest

from segwidgets.core.spec import SegmentationSpec
from segwidgets.errors import SegwidgetsError, SegwidgetsValueError
from segwidgets.session import Segmentation, persist


def settings_of(model: Segmentation) -> dict:
    return {name: getattr(model, name) for name in
            ("k", "scaling", "impute", "log1p", "algorithm", "seed", "params", "features", "roles",
             "names", "embedding", "naming")}


def shown(model: Segmentation) -> tuple:
    """What a person sees: the table, data, features, result and selection, by identity."""
    return (model.table, model.data, list(model.features), model.result, model.revision,
            None if model.selection is None else model.selection.tolist(), model.source)


# ---------------------------------------------------------------- apply_spec: all or nothing
@pytest.mark.parametrize("bad", [
    {"params": {"n_init": "lots"}},
    {"features": ["a", "no such column"]},
    {"roles": {"a": "boolean"}},
    {"segment_ids": [1, 1, 1]},
])
def test_a_refused_spec_changes_nothing(make_model, make_frame, bad):
    model = make_model(make_frame(n=300), k=3)
    before, result = settings_of(model), model.result
    spec = model.spec.replace(k=6, scaling="robust", seed=9)
    for name, value in bad.items():
        setattr(spec, name, value)  # a spec's fields can be reassigned after it was checked
    with pytest.raises(SegwidgetsValueError) as refused:
        model.apply_spec(spec)
    assert "Error" not in str(refused.value) and str(refused.value)
    assert settings_of(model) == before
    assert model.result is result


def test_a_good_spec_still_applies_in_one_refit(make_model, make_frame):
    model = make_model(make_frame(n=300), k=3)
    revision = model.revision
    model.apply_spec(model.spec.replace(k=5, scaling="robust"))
    assert (model.k, model.scaling, model.result.k) == (5, "robust", 5)
    assert model.revision == revision + 1


def test_apply_spec_of_something_not_a_spec_is_refused_in_words(make_model, make_frame):
    model = make_model(make_frame(n=300), k=3)
    with pytest.raises(SegwidgetsValueError, match="SegmentationSpec"):
        model.apply_spec({"k": 5})
    assert model.k == 3


# ---------------------------------------------------------- a load and its first fit, together
@pytest.mark.parametrize("table, words", [
    (pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 1.0]}), "too many"),
    (pd.DataFrame({"customer_id": [f"C{i}" for i in range(30)]}), "no numeric or categorical"),
    (pd.DataFrame({"day": pd.date_range("2024-01-01", periods=30)}), "no numeric or categorical"),
])
def test_a_load_whose_first_fit_fails_keeps_everything_as_it_was(make_model, make_frame, table, words):
    model = make_model(make_frame(n=300), k=3)
    model.selection = np.arange(10)
    before, settings = shown(model), settings_of(model)
    assert model.load_data(table) is False
    assert words in model.status and model.status.endswith("The previous data is still loaded.")
    assert model.state == "error"
    assert shown(model) == before and settings_of(model) == settings
    model.k = 4  # still usable, on the old table
    assert model.result.k == 4 and len(model.labels) == 300


def test_a_table_with_no_numeric_columns_loads_segmented_on_its_categories(make_model, make_frame):
    model = make_model(make_frame(n=300), k=3)
    assert model.load_data(pd.DataFrame({"channel": ["web", "store", "app"] * 20,
                                         "tier": ["gold", "silver"] * 30})) is True
    assert model.features == ["channel", "tier"] and len(model.labels) == 60
    assert "no numeric columns" in model.status and "categorical" in model.status


def test_a_background_load_whose_fit_fails_keeps_the_previous_data(make_frame):
    model = Segmentation(make_frame(n=300), k=3)
    try:
        before = shown(model)
        assert model.load_data(pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 1.0]})) is False
        model.wait(30)
        assert shown(model) == before
        assert "previous data is still loaded" in model.status
    finally:
        model.close()


def test_a_load_that_fits_publishes_the_table_and_its_result_together(make_model, make_frame):
    model = make_model(make_frame(n=300), k=3)
    seen = []

    def on_table(change):
        # a view reading the new table's column in the data, and the result for the same table
        seen.append((model.data["extra"].sum(), model.result is None or len(model.labels) == len(model.data)))

    model.observe(on_table, "table")
    bigger = make_frame(n=400, seed=3).assign(extra=1.0)
    assert model.load_data(bigger) is True
    assert seen == [(400.0, True)]
    assert model.result is not None and len(model.labels) == 400 and model.state == "idle"


def test_the_older_of_two_overlapping_loads_never_replaces_the_newer(make_model, make_frame, monkeypatch):
    model = make_model(make_frame(n=300), k=3)
    old_file, new_file = make_frame(n=350, seed=1), make_frame(n=420, seed=2)
    reading, newer_done = threading.Event(), threading.Event()
    real_read = persist.Persistence._read

    def slow_read(data, filename=None, options=None, cancel=None):
        if data is old_file:  # the first load is still reading when the second one finishes
            reading.set()
            assert newer_done.wait(30)
        return real_read(data, filename, options, cancel)

    monkeypatch.setattr(persist.Persistence, "_read", staticmethod(slow_read))
    outcome = {}
    first = threading.Thread(target=lambda: outcome.setdefault("old", model.load_data(old_file)))
    first.start()
    assert reading.wait(30)
    outcome["new"] = model.load_data(new_file)
    newer_done.set()
    first.join(30)
    assert outcome == {"old": False, "new": True}
    assert len(model.data) == 420 and len(model.labels) == 420


def test_a_load_cancelled_before_it_is_ready_publishes_nothing(make_model, make_frame):
    model = make_model(make_frame(n=300), k=3)
    before = shown(model)
    assert model.load_data(make_frame(n=333), cancel=lambda: True) is False
    assert shown(model) == before


def test_a_sweep_started_on_the_old_table_is_not_shown_after_a_load(make_model, make_frame):
    model = make_model(make_frame(n=300), k=3)
    other = make_frame(n=360, seed=4)

    def progress(done, total):
        if done == 1:
            assert model.load_data(other)

    with pytest.raises(SegwidgetsValueError, match="Other data was loaded"):
        model.sweep(range(2, 6), progress=progress)
    assert len(model.data) == 360
    assert not model.is_cached(k=3) or model.result.k == 3  # nothing of the old table's sweep is cached
    assert not model.is_cached(k=5)


# ----------------------------------------------------------------------- a closed model
def test_a_closed_model_refuses_work(make_frame):
    for background in (False, True):
        model = Segmentation(make_frame(n=300), k=3, background=background)
        model.wait(30)
        model.close()
        revision, result = model.revision, model.result
        model.k = 5
        model.scaling = "robust"
        model.refit()
        model.wait(5)
        assert (model.revision, model.result) == (revision, result)
        assert model.load_data(make_frame(n=200)) is False
        assert "closed" in model.status and len(model.data) == 300
        assert model.closed
        with pytest.raises(SegwidgetsValueError, match="closed"):
            model.sweep(range(2, 4))


# --------------------------------------------------------------- reading a spec: our errors only
def test_a_spec_nested_ten_thousand_levels_is_refused_in_words():
    text = "[" * 10_000 + "]" * 10_000
    with pytest.raises(SegwidgetsValueError, match="nested too deeply"):
        SegmentationSpec.from_json(text)
    deep_name = '{"names": {"0": ' + "[" * 10_000 + "]" * 10_000 + "}}"
    with pytest.raises(SegwidgetsValueError):
        SegmentationSpec.from_json(deep_name)


@pytest.mark.parametrize("case", ["missing", "folder", "latin1", "long", "nul", "not json"])
def test_loading_a_spec_file_that_cannot_be_read_says_why_in_words(tmp_path, case):
    folder = tmp_path / "secret-server-folder"
    folder.mkdir()
    path = folder / "spec.json"
    if case == "folder":
        path.mkdir()
    elif case == "latin1":
        path.write_bytes('{"k": 3, "names": {"0": "Café"}}'.encode("latin-1"))
    elif case == "long":
        path = folder / ("x" * 5_000 + ".json")
    elif case == "nul":
        path = str(path) + "\x00.json"
    elif case == "not json":
        path.write_text("k = 3", encoding="utf-8")
    with pytest.raises(SegwidgetsValueError) as refused:
        Segmentation.load(path)
    message = str(refused.value)
    assert "secret-server-folder" not in message and "Errno" not in message
    assert not any(word in message for word in ("OSError", "FileNotFound", "UnicodeDecode", "IsADirectory"))
    assert len(message) < 300


def test_segment_names_with_bidi_controls_show_what_they_are(make_model, make_frame):
    model = make_model(make_frame(n=300), k=3)
    first = model.segment_ids[0]
    model.rename(first, "\u202eevil\u2066 \u200fname\x07")
    assert model.segment_names[first] == "evil name"
    model.rename(first, "\u202e")  # nothing visible: the generated name comes back
    assert model.segment_names[first] == model.result.generated_names[first]


def test_every_load_error_is_ours(make_model, make_frame, tmp_path):
    model = make_model(make_frame(n=300), k=3)
    before = shown(model)
    for source in (str(tmp_path / ("y" * 5_000 + ".csv")), str(tmp_path), b"\x00\x01\x02"):
        assert model.load_data(source) is False
        assert "Errno" not in model.status and "Error" not in model.status, model.status
    assert shown(model) == before
    assert isinstance(SegwidgetsValueError("x"), SegwidgetsError)
    assert dataclasses.is_dataclass(model.spec)


# ------------------------------------------------------- stopped, not only dropped (issue 14)
def test_closing_the_model_stops_a_fit_of_many_starts_between_starts(make_frame, monkeypatch):
    from sklearn.cluster import KMeans

    model = Segmentation(make_frame(n=2_000, centers=6), k=3)
    try:
        starts = []
        real_fit = KMeans.fit

        def counted_fit(self, X, y=None, sample_weight=None):
            starts.append(self.n_init)
            if len(starts) == 2:
                model.close()  # the page closed while the second start ran
            return real_fit(self, X, y, sample_weight)

        monkeypatch.setattr(KMeans, "fit", counted_fit)
        with model.batch():
            model.k = 6
            model.params = {"n_init": 100}
        assert model.wait(60)
        assert starts == [1, 1]  # one start at a time, and none after the close
    finally:
        model.close()


def test_a_newer_load_stops_the_older_one_while_it_is_read(make_model, make_frame, monkeypatch):
    from segwidgets.core import io as reading

    model = make_model(make_frame(n=300), k=3)
    old_file = make_frame(n=350, seed=1, features=6)
    converted = []
    real_column = reading._read_column

    def column(name, cells, parsing):
        converted.append(name)
        if len(converted) == 2 and len(cells) == 350:
            assert model.load_data(make_frame(n=420, seed=2))  # a newer upload arrives mid-read
        return real_column(name, cells, parsing)

    monkeypatch.setattr(reading, "_read_column", column)
    assert model.load_data(old_file) is False
    assert len(model.data) == 420
    # the older read stopped at its next column: 2 of its 6 columns, then the newer table's 3
    assert converted[:2] == ["a", "b"] and len(converted) == 2 + 3


def test_a_table_wider_than_the_feature_budget_loads_with_the_first_features_and_says_so(make_model, make_frame):
    from segwidgets.core.schema import MAX_FEATURES

    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.normal(size=(60, MAX_FEATURES + 100)),
                        columns=[f"m{i}" for i in range(MAX_FEATURES + 100)])
    model = make_model(make_frame(n=300), k=3)
    assert model.load_data(wide) is True
    assert model.features == [f"m{i}" for i in range(MAX_FEATURES)]
    assert f"Of its {MAX_FEATURES + 100:,} usable columns the first {MAX_FEATURES} are the features" in model.status
    before = shown(model)
    assert model.load_data(wide, features=[f"m{i}" for i in range(MAX_FEATURES + 1)]) is False
    assert f"at most {MAX_FEATURES}" in model.status and shown(model)[:5] == before[:5]
