"""The k-means lesson in a lecture hall, served as `segwidgets lesson` serves it, in Chromium.

An instructor drags a centroid and the points follow, adds one and removes one by clicking,
plays at two speeds, compares random and k-means++ starts, lets the students predict the next
step, opens the presenter layout and steps with the keys. Screenshots of each at 1280×800 and 1920×1080 go to
tests/artifacts/screenshots/lecture-<width>-<what>.png.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import expect

from segwidgets.core.kmeans_steps import make_lesson_data

pytestmark = pytest.mark.e2e

STEP_TIMEOUT = 30_000  # ms: one kernel round trip on a loaded machine, with room to spare
X = make_lesson_data("blobs")


def status(page):
    return page.locator(".sw-lesson-status")


def explain(page):
    return page.locator(".sw-lesson-explain")


def centre(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def point_px(page, i: int) -> tuple[float, float]:
    """Pixel centre of data point X[i] (the points mark is the first scatter: dot i is X[i])."""
    return centre(page.locator(".sw-lesson-plot svg .dot").nth(i))


def centroid_dots(page, k: int):
    """The centroids are the last scatter drawn: the last k dots."""
    dots = page.locator(".sw-lesson-plot svg .dot")
    n = dots.count()
    return [dots.nth(n - k + j) for j in range(k)]


def choose(page, group: str, label: str) -> None:
    page.locator(f".sw-lesson-{group} button", has_text=label).click()


@pytest.mark.parametrize("width,height", [(1280, 800), (1920, 1080)])
def test_instructor_runs_the_lesson_in_a_lecture_hall(page, open_app, save_screenshot, width, height):
    page.set_viewport_size({"width": width, "height": height})
    open_app(page, "kmeans_lesson", ".sw-lesson-status")
    expect(status(page)).to_contain_text("iteration 0", timeout=120_000)
    shot = lambda what: save_screenshot(page, f"lecture-{width}-{what}")  # noqa: E731

    # Drag centroid 1 onto the rightmost point: the points are assigned again at once.
    page.locator(".sw-lesson-assign").click()
    expect(status(page)).to_contain_text("after assign")
    right = int(np.argmax(X[:, 0]))
    x0, y0 = centre(centroid_dots(page, 3)[0])
    x1, y1 = point_px(page, right)
    page.mouse.move(x0, y0)
    page.mouse.down()
    for t in np.linspace(0.1, 1.0, 8):
        page.mouse.move(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
    page.mouse.up()
    expect(explain(page)).to_contain_text("Centroid 1 moved to", timeout=STEP_TIMEOUT)
    expect(explain(page)).to_contain_text("joined their nearest centroid again")
    expect(status(page)).to_contain_text("after assign")
    moved = re.search(r"1: \(([-\d.]+), ([-\d.]+)\)",
                      page.locator(".sw-lesson-centroids").inner_text())
    span = X.max(axis=0) - X.min(axis=0)
    assert moved and np.all(np.abs(np.array([float(moved[1]), float(moved[2])]) - X[right])
                            <= 0.03 * span), moved
    shot("drag")

    # Add a centroid with a click on the lowest point, then remove it by clicking it.
    choose(page, "clicks", "Add centroid")
    low = int(np.argmin(X[:, 1]))
    page.mouse.click(*point_px(page, low))
    expect(status(page)).to_contain_text("k=4", timeout=STEP_TIMEOUT)
    expect(explain(page)).to_contain_text("Centroid 4 added")
    shot("add")
    choose(page, "clicks", "Remove centroid")
    page.mouse.click(*centre(centroid_dots(page, 4)[3]))
    expect(status(page)).to_contain_text("k=3", timeout=STEP_TIMEOUT)
    expect(explain(page)).to_contain_text("Centroid 4 removed")
    choose(page, "clicks", "Nothing")

    # Play fast, then slow: both reach convergence and pause by themselves.
    for speed in ("Fast", "Slow"):
        page.locator(".sw-lesson-reset").click()
        expect(status(page)).to_contain_text("iteration 0")
        choose(page, "speed", speed)
        page.locator(".sw-lesson-play").click()
        expect(page.locator(".sw-lesson-play")).to_contain_text("Pause")
        expect(status(page)).to_contain_text("converged after", timeout=90_000)
        expect(page.locator(".sw-lesson-play")).to_contain_text("Play")
    shot("played")

    # Initialisation: random points against k-means++, seed by seed, on nine blobs (k=9).
    page.locator(".sw-lesson-shape select").select_option(label="Nine blobs in a grid (starts demo)")
    expect(status(page)).to_contain_text("Nine blobs in a grid (starts demo) · k=9 · iteration 0")
    page.locator(".sw-lesson-extras .lm-TabBar-tab", has_text="Starts").click()
    page.locator(".sw-lesson-starts-run").click()
    table = page.locator(".sw-lesson-starts-table")
    expect(table).to_contain_text("n_init=10", timeout=STEP_TIMEOUT)
    expect(table.locator("tr")).to_have_count(11)
    expect(table).to_contain_text("stuck higher")  # some random starts end in a worse place
    table.scroll_into_view_if_needed()
    shot("starts")

    # Predict the next step: one click per centroid, then the update and how far off.
    page.locator(".sw-lesson-shape select").select_option(label="Three round blobs")
    expect(status(page)).to_contain_text("Three round blobs · k=3 · iteration 0")
    page.locator(".sw-lesson-reset").click()
    expect(status(page)).to_contain_text("iteration 0")
    choose(page, "clicks", "Predict")
    expect(explain(page)).to_contain_text("click where centroid 1 will move", timeout=STEP_TIMEOUT)
    expect(status(page)).to_contain_text("predicting: 0 of 3 guessed")
    page.locator(".sw-lesson-plot").scroll_into_view_if_needed()
    for n, i in enumerate((int(np.argmin(X[:, 0])), int(np.argmax(X[:, 1])), right), start=1):
        page.mouse.click(*point_px(page, i))
        if n < 3:
            expect(status(page)).to_contain_text(f"predicting: {n} of 3 guessed")
    expect(explain(page)).to_contain_text("Your guesses were off by", timeout=STEP_TIMEOUT)
    expect(status(page)).to_contain_text("after update")
    shot("predict")
    choose(page, "clicks", "Nothing")

    # The presenter layout: large type, full width.
    page.locator(".sw-lesson-presenter").click()
    lesson = page.locator(".sw-kmeans-lesson")
    expect(lesson).to_have_class(re.compile(r"sw-lesson-presenting"))
    # The figure redraws when its box grows (bqplot's ResizeObserver): wait for the wider plot.
    page.wait_for_function(
        "w => document.querySelector('.sw-lesson-plot svg').getBoundingClientRect().width >= w",
        arg=0.55 * width, timeout=STEP_TIMEOUT)
    assert page.locator(".sw-lesson-status").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)") >= 20
    # Keys (segwidgets-keys): → the next half-step, ← back, Space play and pause.
    page.keyboard.press("ArrowRight")
    expect(status(page)).to_contain_text("after assign")
    page.keyboard.press("ArrowLeft")
    expect(status(page)).to_contain_text("after update")
    status(page).click()  # the focus leaves the button: Space is the lesson's, not the button's
    page.keyboard.press("Space")
    expect(page.locator(".sw-lesson-play")).to_have_class(re.compile(r"mod-active"))
    page.keyboard.press("Space")
    expect(page.locator(".sw-lesson-play")).not_to_have_class(re.compile(r"mod-active"))
    page.locator(".sw-lesson-converge").click()
    expect(status(page)).to_contain_text("converged after")
    page.evaluate("window.scrollTo(0, 0)")
    shot("presenter")

    # More than two features: the demo table, clustered in nine, drawn through PCA.
    page.locator(".sw-lesson-shape select").select_option(label="Facebook posts, 9 features (PCA)")
    expect(status(page)).to_contain_text("Facebook posts, 9 features (PCA) · k=3 · iteration 0")
    page.locator(".sw-lesson-converge").click()
    expect(status(page)).to_contain_text("converged after")
    expect(page.locator(".sw-lesson-advice")).to_contain_text("far apart in the hidden")
    expect(page.locator(".sw-lesson-plot")).to_contain_text("principal component 1")
    shot("table-pca")
    # Console errors from bqplot sizing figures in hidden tabs ("<rect> attribute width: A negative
    # value") and the shared-module notice of the d3 guard are not page errors.
    assert not [e for e in page.sw_errors if "page error" in e], page.sw_errors
