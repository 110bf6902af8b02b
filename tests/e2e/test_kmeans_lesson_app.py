"""The k-means lesson served by Voila, driven in Chromium as an instructor would.

Press Assign, Update, Step back, Play and Run to convergence; place centroids
by clicking on the plot (the click is a real mouse click at a pixel, which
must reach Python and come back as a centroid on the point clicked).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

playwright = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from segwidgets.core.kmeans_steps import make_lesson_data  # noqa: E402

from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "apps" / "kmeans_lesson.ipynb"
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT = 120_000  # ms: first page load starts a kernel and renders bqplot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed"),
]


@pytest.fixture(scope="module")
def lesson_url(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("voila") / "voila.log"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "voila", str(APP), "--no-browser", "--Voila.ip=127.0.0.1",
             f"--port={port}", "--Voila.port_retries=0"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:  # poll the server until it answers
            try:
                urllib.request.urlopen(url + "voila/static/favicon.ico", timeout=2)
                break
            except urllib.error.HTTPError:
                break  # any HTTP answer means the server is up (without starting a kernel)
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Voila did not start:\n{log.read_text()[-3000:]}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def page(lesson_url):
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(lesson_url, timeout=TIMEOUT)
        pg.errors = errors
        yield pg
        browser.close()


def status(pg):
    return pg.locator(".sw-lesson-status")


def press(pg, name):
    pg.locator(f".sw-lesson-{name}").click()


def centroids_shown(pg) -> list[tuple[float, float]]:
    text = pg.locator(".sw-lesson-centroids").inner_text()
    return [(float(x), float(y)) for x, y in re.findall(r"\d+: \(([-\d.e+]+), ([-\d.e+]+)\)", text)]


def test_step_by_step_to_convergence(page):
    expect(status(page)).to_contain_text("iteration 0", timeout=TIMEOUT)
    expect(page.locator(".sw-lesson-plot svg .dot").first).to_be_visible(timeout=TIMEOUT)

    press(page, "assign")
    expect(status(page)).to_contain_text("iteration 1 · after assign")
    expect(page.locator(".sw-lesson-explain")).to_contain_text("300 points now have a segment")
    press(page, "update")
    expect(status(page)).to_contain_text("iteration 1 · after update")
    expect(page.locator(".sw-lesson-explain")).to_contain_text("moves to the mean of its points")
    press(page, "back")
    expect(status(page)).to_contain_text("iteration 1 · after assign")

    # Autoplay: the browser's Play widget ticks, the kernel steps, and it pauses by itself.
    press(page, "play")
    expect(page.locator(".sw-lesson-play")).to_contain_text("Pause")
    expect(status(page)).to_contain_text("converged after", timeout=30_000)
    expect(page.locator(".sw-lesson-play")).to_contain_text("Play")

    press(page, "reset")
    expect(status(page)).to_contain_text("iteration 0")
    expect(page.locator(".sw-lesson-explain")).to_contain_text("seed 1")
    press(page, "converge")
    expect(status(page)).to_contain_text("converged after")
    expect(page.locator(".sw-lesson-explain")).to_contain_text("Converged after")
    assert not page.errors, page.errors


def test_clicking_on_the_plot_places_centroids(page):
    expect(status(page)).to_contain_text("k=", timeout=TIMEOUT)
    X = make_lesson_data("blobs")
    dots = page.locator(".sw-lesson-plot svg .dot")  # the points mark comes first: dot i is X[i]
    expect(dots.nth(len(X) - 1)).to_be_visible()
    span = X.max(axis=0) - X.min(axis=0)

    press(page, "place")
    expect(status(page)).to_contain_text("placing centroids: 0 placed")
    targets = [int(np.argmin(X[:, 0])), int(np.argmax(X[:, 1])), int(np.argmax(X[:, 0]))]
    for n, i in enumerate(targets, start=1):
        box = dots.nth(i).bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(status(page)).to_contain_text(f"placing centroids: {n} placed")
        # The status line and the centroid list are two widgets whose updates reach the
        # browser one after the other: wait for the list rather than read it at once.
        expect(page.locator(".sw-lesson-centroids")).to_contain_text(f"{n}: (")
        placed = centroids_shown(page)
        assert len(placed) == n
        assert np.all(np.abs(np.array(placed[-1]) - X[i]) <= 0.02 * span), (placed[-1], X[i])
    expect(page.locator(".sw-lesson-k")).to_contain_text("3")

    press(page, "converge")
    expect(status(page)).to_contain_text("converged after")
    expect(page.locator(".sw-lesson-place")).not_to_have_class(re.compile(r"mod-active"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "kmeans_lesson.png"))
    assert not page.errors, page.errors


def test_scaling_demo_in_the_browser(page):
    page.locator(".sw-lesson-shape select").select_option(label="Different units (scaling demo)")
    expect(status(page)).to_contain_text("Different units (scaling demo) · k=3 · iteration 0")
    expect(page.locator(".sw-lesson-advice")).to_contain_text("Standardise features")
    press(page, "standardise")
    expect(page.locator(".sw-lesson-advice")).to_contain_text("standardised now")
    expect(page.locator(".sw-lesson-plot")).to_contain_text("(z-score)")
    press(page, "converge")
    expect(status(page)).to_contain_text("converged after")
    page.screenshot(path=str(SCREENSHOTS / "kmeans_lesson_scaling.png"))
    assert not page.errors, page.errors
