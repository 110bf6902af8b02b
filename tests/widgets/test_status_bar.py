"""StatusBar: one line tells a person (and the browser tests) what the model is doing."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from segwidgets import datasets
from segwidgets.session import Segmentation
from segwidgets.widgets import StatusBar
from tests.helpers import publish


@pytest.fixture()
def frame(make_frame) -> pd.DataFrame:
    """300 rows in 4 blobs over a, b, c (the line counts them)."""
    return make_frame(300, centers=4, features=3, seed=6)


@pytest.fixture()
def model(frame, make_model) -> Segmentation:
    return make_model(frame, k=3)


def text(fragment: str) -> str:
    """What a browser shows of an HTML fragment."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_the_line_says_what_the_demo_segmentation_is():
    model = Segmentation(datasets.load("facebook_live"), k=5, background=False)
    bar = StatusBar(model)
    assert "sw-status-bar" in bar._dom_classes and "sw-status" in bar.line._dom_classes
    assert "5 segments of 7,050 rows" in text(bar.line.value)
    assert text(bar.line.value) == model.status
    assert "sw-state-idle" in bar.line._dom_classes


def test_the_line_follows_every_refit(model):
    bar = StatusBar(model)
    model.k = 6
    assert "6 segments of 300 rows" in text(bar.line.value)
    assert re.fullmatch(r"last fit \d+\.\d\d s", text(bar.fit_time.value))
    model.k = 3  # seen before: from the cache
    assert "from cache" in text(bar.line.value)
    assert text(bar.fit_time.value).endswith("(cached)")


def test_status_text_is_plain_text_never_markup(model):
    bar = StatusBar(model)
    model.status = "<img src=x onerror=alert(1)> & <b>bold</b>"
    assert "<img" not in bar.line.value and "<b>" not in bar.line.value
    assert text(bar.line.value) == model.status
    publish(model, warnings=("<script>alert(1)</script>",))
    assert "<script>" not in bar.notes.value
    assert "<script>alert(1)</script>" in text(bar.notes.value)


def test_fitting_shows_a_spinner_and_an_error_shows_in_red(model):
    bar = StatusBar(model)
    model.state, model.status = "fitting", "Fitting k-means with k=7…"
    assert "sw-state-fitting" in bar.line._dom_classes and "sw-state-idle" not in bar.line._dom_classes
    assert "sw-spinner" in bar.line.value
    assert text(bar.line.value) == "Fitting k-means with k=7…"
    model.features = []  # a real error: nothing to fit on
    assert model.state == "error"
    assert "sw-state-error" in bar.line._dom_classes and "sw-state-fitting" not in bar.line._dom_classes
    assert "sw-spinner" not in bar.line.value
    assert "Choose at least one feature" in text(bar.line.value)
    assert ".sw-status.sw-state-error { color: #c62828" in bar.css_block.value


def test_a_background_fit_ends_with_the_idle_line(frame):
    model = Segmentation(frame, k=3)
    bar = StatusBar(model)
    model.k = 8
    assert model.wait(60)
    assert "8 segments of 300 rows" in text(bar.line.value)
    assert "sw-state-idle" in bar.line._dom_classes


def test_computing_the_umap_map_is_shown_with_elapsed_seconds(model):
    bar = StatusBar(model)
    assert bar.embedding.layout.display == "none"
    model.embedding_state = "computing"  # what the model sets while UMAP runs in the background
    assert bar.embedding.layout.display is None
    assert text(bar.embedding.value) == "Computing UMAP map… 0 s"
    assert not bar._ticker.finished  # a clock (a job in a lane of the model's scheduler) re-renders it every second
    bar._embedding_started -= 12  # as if twelve seconds had passed
    bar._render_embedding()
    assert text(bar.embedding.value) == "Computing UMAP map… 12 s"
    model.embedding_state = "ready"
    assert bar.embedding.layout.display == "none" and bar.embedding.value == ""
    assert bar._ticker.wait(10)  # the clock stopped


def test_a_few_warnings_are_listed_and_many_fold(model):
    bar = StatusBar(model)
    publish(model, warnings=())
    assert bar.notes.layout.display == "none"
    publish(model, warnings=("Missing values were filled.", "Segment 'A' split into 'B', 'C'."))
    assert bar.notes.layout.display is None
    assert bar.notes.value.count("<li>") == 2 and "<details>" not in bar.notes.value
    publish(model, warnings=tuple(f"Note {i}." for i in range(5)))
    assert "<details>" in bar.notes.value and "5 notes about this result" in bar.notes.value
    assert bar.notes.value.count("<li>") == 5


def test_closing_the_bar_stops_observing_the_model(model):
    bar = StatusBar(model)
    bar.close()
    model.k = 5  # no error from a closed view
    assert model.state == "idle"


def test_a_bar_built_before_any_data_says_ready():
    model = Segmentation(background=False)
    bar = StatusBar(model)
    assert text(bar.line.value) == "Ready."
    assert bar.fit_time.value == "" and bar.notes.layout.display == "none"


def test_the_clock_is_a_job_of_the_models_scheduler_and_stops_with_it(model):
    bar = StatusBar(model)
    model.embedding_state = "computing"
    clock = bar._ticker
    assert not clock.finished
    model.close()  # every lane of the model is cancelled: the clock too
    assert clock.wait(10)


def test_closing_the_bar_stops_its_clock(model):
    bar = StatusBar(model)
    model.embedding_state = "computing"
    clock = bar._ticker
    bar.close()
    assert clock.wait(10)
    model.embedding_state = "ready"
    assert text(bar.embedding.value).startswith("Computing UMAP map")  # closed: no longer follows

