"""A browser can set any synced trait of any widget; fast hands and slow maps race the model.

``set_state`` is what the kernel calls with a widget message from the page, so
these tests send exactly what a hostile client could send. A ``TraitError``
from ``set_state`` is a refusal: in a kernel the comm handler logs it and
drops the message. Either way the model must stay valid and usable.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score
from traitlets import TraitError

from segwidgets import Segmentation
from segwidgets.dashboards import Explorer
from tests.helpers import html_of


@pytest.fixture()
def frame(make_frame) -> pd.DataFrame:
    """500 users in 4 blobs over a, b, c, and an identifier ``id``."""
    return make_frame(500, centers=4, features=3, seed=5, ids=("id", "U"))


def send(widget, state: dict) -> bool:
    """Deliver a message as the kernel would; True if the widget refused it outright."""
    try:
        widget.set_state(state)
    except (TraitError, TypeError, ValueError):
        return True
    return False


def assert_model_valid(model: Segmentation) -> None:
    assert 2 <= model.k <= 50
    assert model.algorithm in ("kmeans", "minibatch_kmeans", "ward", "average", "complete", "gmm", "hdbscan")
    assert set(model.features) <= set(model.table.feature_candidates())
    assert all(len(n) <= 80 for n in model.names.values())
    assert model.selection is None or (0 <= model.selection.min() and model.selection.max() < len(model.data))
    model.k = 3  # still usable
    model.wait(30)
    assert model.state == "idle" and len(model.segment_ids) == 3


#: (widget, message, outcome, words in the status afterwards, traits the widget must show as before).
#: outcome "raises": ``set_state`` itself refuses the message; "kept": the widget takes it, puts the
#: model's value back and says why; ("k", n): an out-of-range k is shown and used as the nearest
#: valid one, n. Words "" mean the status must not change at all.
HOSTILE = [
    ("k", {"value": 10_000}, ("k", 12), "12 segments of 500 rows", ()),
    ("k", {"value": -5}, ("k", 2), "2 segments of 500 rows", ()),
    ("k", {"value": "abc"}, "raises", "", ("value",)),
    ("k", {"value": None}, "raises", "", ("value",)),
    ("k", {"max": 10_000}, "kept", "", ("max",)),
    ("k", {"min": -10}, "kept", "", ("min",)),
    ("k", {"disabled": False, "value": 2.5}, ("k", 2), "2 segments of 500 rows", ()),
    ("algorithm", {"index": 99}, "raises", "no choice number 99", ("index",)),
    ("algorithm", {"index": -1}, "raises", "no choice number -1", ("index",)),
    ("algorithm", {"index": "kmeans"}, "raises", "", ("index",)),
    ("scaling", {"index": 42}, "raises", "no choice number 42", ("index",)),
    ("impute", {"index": 42}, "raises", "no choice number 42", ("index",)),
    ("log1p", {"value": "yes please"}, "raises", "", ("value",)),
    ("seed", {"value": -1}, "kept", "seed must be a whole number", ("value",)),
    ("seed", {"value": 2**70}, "kept", "seed must be a whole number", ("value",)),
    ("min_size", {"value": -5}, "kept", "minimum segment size must be a whole number", ("value",)),
    ("min_size", {"value": 10**12}, "kept", "minimum segment size must be a whole number", ("value",)),
    ("name", {"value": "x" * 500}, "kept", "at most 80 characters", ("value",)),
    ("name", {"value": 42}, "raises", "", ("value",)),
    # the box is refused; that it stays enabled is test_a_refused_feature_box_is_disabled_again
    ("feature_id", {"disabled": False, "value": True}, "kept", "cannot be a feature", ("value",)),
    ("feature_a", {"value": "true"}, "raises", "", ("value",)),
    ("selected", {"selected": [0, 10**9]}, "kept", "not on the map", ("selected",)),
    ("selected", {"selected": [-1]}, "kept", "not on the map", ("selected",)),
    ("selected", {"selected": "all"}, "kept", "", ("selected",)),
    ("method", {"index": 7}, "raises", "", ("index",)),
    ("range", {"value": [1e300, -1e300]}, "raises", "", ("value",)),
]


def _widgets(explorer: Explorer) -> dict:
    model = explorer.model
    return {
        "k": explorer.k_slider.slider,
        "algorithm": explorer.algorithm.dropdown,
        "scaling": explorer.preprocessing.scaling,
        "impute": explorer.preprocessing.impute,
        "log1p": explorer.preprocessing.log1p,
        "seed": explorer.algorithm.seed,
        "min_size": explorer.algorithm.min_size,
        "name": explorer.profile.names[model.segment_ids[0]],
        "feature_id": explorer.features.boxes["id"],
        "feature_a": explorer.features.boxes["a"],
        "selected": explorer.scatter.mark,
        "method": explorer.scatter.method,
        "range": explorer.scatter.range_slider,
    }


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return a is b or (a is not None and b is not None and np.array_equal(a, b))
    return a == b


def _case_id(target: str, state: dict) -> str:
    text = "-".join(f"{key}={str(value)[:10]}" for key, value in state.items())
    return f"{target}-" + re.sub(r"[^A-Za-z0-9=.+-]+", "_", text)


@pytest.mark.parametrize("target,state,outcome,words,restored", HOSTILE,
                         ids=[_case_id(target, state) for target, state, *_ in HOSTILE])
def test_hostile_messages_are_refused_and_the_model_stays_valid(frame, target, state, outcome, words,
                                                                restored):
    explorer = Explorer(Segmentation(frame, k=4, background=False))
    model = explorer.model
    widget = _widgets(explorer)[target]
    spec, status = model.spec, model.status
    shown = {key: getattr(widget, key) for key in restored}
    refused = send(widget, state)
    if target == "range":
        explorer.scatter.range_button.click()
    assert "Traceback" not in model.status
    if outcome == "raises":
        assert refused, f"set_state took {state!r}"
    elif outcome == "kept":
        assert not refused, "the widget should take the message and put the model's value back"
    if isinstance(outcome, tuple):  # an out-of-range k: used as the nearest valid k, and shown so
        _, k = outcome
        assert model.k == k and widget.value == k and len(model.segment_ids) == k
        assert dataclasses.replace(model.spec, k=spec.k, segment_ids=spec.segment_ids) == spec
    else:  # refused: the model took nothing, the widget shows what it showed
        assert model.spec == spec
        for key, value in shown.items():
            assert _same(getattr(widget, key), value), f"{target}.{key} shows {getattr(widget, key)!r}"
    if words:
        assert words in model.status
    else:
        assert model.status == status
    assert "id" not in model.features
    assert_model_valid(model)


def test_a_refused_feature_box_is_disabled_again(frame):
    explorer = Explorer(Segmentation(frame, k=4, background=False))
    box = explorer.features.boxes["id"]
    assert box.disabled
    send(box, {"disabled": False, "value": True})
    assert box.value is False and "id" not in explorer.model.features
    assert box.disabled


def test_a_thousand_rapid_slider_moves_end_with_the_last_value(frame):
    model = Segmentation(frame, k=3)
    explorer = Explorer(model)
    rng = np.random.default_rng(1)
    values = rng.integers(2, 13, size=1000)
    values[-1] = 7
    for value in values:
        send(explorer.k_slider.slider, {"value": int(value)})
    assert model.wait(120)
    explorer.scatter.flush()  # the map redraws 0.15 s after the last result
    assert model.k == 7 and len(model.segment_ids) == 7
    assert explorer.profile.table.value.count("sw-profile-row") == 7
    assert len(np.unique(explorer.scatter.mark.color)) == 7
    fresh = Segmentation(frame, k=7, background=False)
    assert adjusted_rand_score(fresh.labels, model.labels) == 1.0


def test_changes_during_a_umap_computation_end_with_the_view_matching_the_last_value(frame):
    model = Segmentation(frame, k=3)
    explorer = Explorer(model)
    model.embedding = "umap"  # starts a background map (numba compiles on first use)
    assert model.embedding_state == "computing"
    for k in (5, 6, 4, 8, 5):
        explorer.k_slider.slider.value = k
    explorer.features.boxes["c"].value = False  # a new feature set while the map computes
    assert model.wait(60)
    assert model.wait_embedding(300)
    model.wait(30)
    explorer.scatter.flush()
    assert model.k == 5 and len(model.segment_ids) == 5
    assert model.features == ["a", "b"]
    assert len(np.unique(explorer.scatter.mark.color)) == 5
    assert model.state == "idle"
    # the map shown belongs to the current features, never to the overtaken ones
    assert len(explorer.scatter.mark.x) == len(model.coord_rows) == len(frame)
    assert model.coords is explorer.scatter._coords


def test_a_failed_background_fit_leaves_the_controls_working(frame):
    model = Segmentation(frame, k=3)
    explorer = Explorer(model)
    explorer.features.none.click()  # nothing to fit on: the fit fails in the background
    model.wait(30)
    assert model.state == "error" and "at least one feature" in explorer.status.line.value
    assert model.labels is not None  # the last good result is still shown
    explorer.features.all_numeric.click()
    explorer.k_slider.slider.value = 5
    model.wait(30)
    assert model.state == "idle" and len(model.segment_ids) == 5


def test_column_names_with_bidi_controls_show_what_they_are_in_every_view(make_frame):
    """A header "\u202eexe.gnp" reads as "gnp.exe" in a browser: no view shows that trick."""
    from segwidgets.core.text import BIDI_CONTROLS
    from segwidgets.widgets import FeaturePicker

    frame = make_frame(400, centers=3, features=2, seed=2).rename(
        columns={"a": "\u202eexe.gnp", "b": "spend\u2066\u200f"})
    model = Segmentation(frame, k=3, background=False)
    explorer = Explorer(model)
    picker = next(v for v in explorer.views() if isinstance(v, FeaturePicker))
    shown = [box.description for box in picker.boxes.values()]
    html = html_of(explorer)
    for text in (*shown, html, model.status):
        assert not BIDI_CONTROLS & set(text), repr(text)
    assert "exe.gnp" in shown and "spend" in shown
    assert "exe.gnp" in html
    explorer.close()
    model.close()
