"""KSlider: a person drags "Segments (k)" and the model refits, live."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from traitlets import TraitError

from segwidgets.core.algorithms import K_MAX
from segwidgets.session import Segmentation
from segwidgets.widgets import KSlider


@pytest.fixture()
def frame(make_frame) -> pd.DataFrame:
    """400 customers in 5 blobs over recency, frequency and monetary."""
    return make_frame(400, centers=5, features=3, seed=2, columns=["recency", "frequency", "monetary"])


@pytest.fixture()
def model(frame, make_model) -> Segmentation:
    return make_model(frame, k=3)


def k_changes(model: Segmentation) -> list[int]:
    seen: list[int] = []
    model.observe(lambda change: seen.append(change["new"]), names="k")
    return seen


def wait_until(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_the_slider_reads_segments_k_and_moves_live(model):
    view = KSlider(model)
    assert "sw-k-slider" in view._dom_classes
    assert "sw-k-slider-input" in view.slider._dom_classes
    assert view.slider.description == "Segments (k)"
    assert view.slider.continuous_update is True
    assert (view.slider.min, view.slider.max, view.slider.step) == (2, 12, 1)  # arrows move by one
    assert view.slider.value == 3


def test_moving_the_slider_to_6_refits_to_six_segments(model):
    view = KSlider(model)
    view.slider.value = 6
    assert model.k == 6
    assert len(model.segment_ids) == 6
    assert "6 segments of 400 rows" in model.status


def test_one_arrow_press_is_one_more_segment(model):
    view = KSlider(model)
    view.slider.set_state({"value": view.slider.value + 1})  # what ArrowRight sends
    assert model.k == 4 and len(model.segment_ids) == 4


def test_the_slider_follows_k_set_elsewhere_without_echoing_it(model):
    view = KSlider(model)
    seen = k_changes(model)
    model.k = 7
    assert view.slider.value == 7
    spec = model.spec
    spec.k, spec.scaling = 5, "robust"
    model.apply_spec(spec)
    assert view.slider.value == 5
    assert seen == [7, 5]  # no feedback: the slider never set k back


def test_the_slider_grows_to_show_a_larger_k_and_max_k_is_adjustable(model):
    view = KSlider(model)
    model.k = 20
    assert view.slider.value == 20 and view.slider.max == 20 and model.k == 20
    wide = KSlider(model, max_k=30)
    assert wide.slider.max == 30
    wide.max_k = K_MAX
    assert wide.slider.max == K_MAX
    with pytest.raises(TraitError):
        KSlider(model, max_k=K_MAX + 1)
    with pytest.raises(TraitError):
        KSlider(model, max_k=2)


def test_hdbscan_does_not_use_k_so_the_slider_is_disabled_with_a_note(model):
    view = KSlider(model)
    model.algorithm = "hdbscan"
    assert view.slider.disabled
    assert view.note.layout.display is None
    assert "finds the number of segments by itself" in view.note.value
    # A browser ignoring "disabled" cannot change k behind the person's back.
    view.slider.set_state({"disabled": False, "value": 9})
    assert model.k == 3 and view.slider.value == 3
    assert "finds the number of segments itself" in model.status
    model.algorithm = "kmeans"
    assert not view.slider.disabled
    assert view.note.layout.display == "none"


def test_a_hundred_rapid_moves_end_with_the_last_value(frame):
    model = Segmentation(frame, k=3)  # background fits, as in the app
    view = KSlider(model)
    values = np.random.default_rng(0).integers(2, 13, size=100)
    values[-1] = 8
    for value in values:
        view.slider.value = int(value)
    assert model.k == 8
    assert model.wait(60)
    assert len(model.segment_ids) == 8 and model.state == "idle"
    assert view.slider.value == 8


def test_a_debounced_slider_coalesces_rapid_moves_and_never_loses_the_last(frame):
    model = Segmentation(frame, k=3)
    view = KSlider(model, debounce=0.04)
    seen = k_changes(model)
    values = np.random.default_rng(1).integers(2, 13, size=100)
    values[-1] = 9
    for value in values:
        view.slider.value = int(value)
    assert wait_until(lambda: model.k == 9, timeout=10)
    assert model.wait(60)
    assert model.k == 9 and len(model.segment_ids) == 9
    assert view.slider.value == 9
    assert len(seen) < 50  # coalesced: far fewer refit requests than moves
    view.slider.value = 4
    view.flush()  # nothing waits for the timer when asked
    assert model.k == 4


def test_a_change_elsewhere_overtakes_a_value_still_waiting(frame):
    model = Segmentation(frame, k=3, background=False)
    view = KSlider(model, debounce=1.0)
    view.slider.value = 10  # waiting for the debounce
    model.k = 5  # e.g. a spec loaded by another view
    assert view._timer is None  # the waiting value was dropped
    time.sleep(1.2)
    assert model.k == 5 and view.slider.value == 5


@pytest.mark.parametrize(
    "state,k",
    [({"value": 10_000}, 12), ({"value": -5}, 2), ({"value": 2.5}, 2), ({"value": 12.9}, 12)],
)
def test_out_of_range_values_from_the_browser_are_clamped(model, state, k):
    view = KSlider(model)
    view.slider.set_state(state)
    assert model.k == k == view.slider.value
    assert len(model.segment_ids) == k and model.state == "idle"


def test_the_browser_cannot_move_the_ends_of_the_slider(model):
    view = KSlider(model)
    view.slider.set_state({"max": 10_000})
    assert view.slider.max == 12
    view.slider.set_state({"min": -10})
    assert view.slider.min == 2
    view.slider.set_state({"step": 0})
    assert view.slider.step == 1
    view.slider.set_state({"max": 10_000, "value": 10_000})
    assert model.k == 12 and view.slider.max == 12
    assert len(model.segment_ids) == 12


@pytest.mark.parametrize("value", ["abc", None, [3]])
def test_values_that_are_not_numbers_are_refused(model, value):
    view = KSlider(model)
    with pytest.raises(TraitError):  # in a kernel the comm handler logs and drops the message
        view.slider.set_state({"value": value})
    assert model.k == 3 and view.slider.value == 3
    view.slider.value = 4
    assert len(model.segment_ids) == 4


def test_closing_the_slider_drops_a_value_waiting_for_the_debounce(frame):
    model = Segmentation(frame, k=3, background=False)
    view = KSlider(model, debounce=0.3)
    view.slider.value = 10  # waiting, in a lane of the model's scheduler
    assert view._timer is not None and not view._timer.finished
    view.close()
    assert view._timer is None
    time.sleep(0.5)
    assert model.k == 3
    model.k = 6  # the closed slider no longer follows the model
    assert view.slider.value == 10


def test_a_debounce_waits_in_the_models_scheduler_even_for_an_inline_model(frame):
    model = Segmentation(frame, k=3, background=False)
    view = KSlider(model, debounce=0.05)
    view.slider.value = 7
    assert model.k == 3  # not yet: the caller is not blocked by the wait
    assert view._timer.wait(10) and wait_until(lambda: model.k == 7)
    assert len(model.segment_ids) == 7
