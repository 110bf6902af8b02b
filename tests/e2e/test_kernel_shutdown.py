"""Closing a page ends its kernel at once, in a real Voila server and Chromium.

Voila's page posts ``/voila/api/shutdown/<kernel id>`` on ``beforeunload``
with the ``_xsrf`` cookie's value; the server refused it ("403 '_xsrf'
argument missing") when the page had no such cookie, and the kernel then lived
until the idle cull, 10 minutes later. These tests close a page (or leave it)
and see its kernel go from ``/api/kernels/<id>`` within seconds.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from segwidgets import config

EXPLORER = ".sw-explorer"

#: A closed page's kernel must be gone within this many seconds (the cull takes 600).
GONE_WITHIN_SECONDS = 20.0

ARTIFACTS = Path(__file__).resolve().parents[2] / "tests" / "artifacts"


def _kernel_status(base_url: str, kernel_id: str) -> int:
    """HTTP status of ``GET /api/kernels/<id>``: 200 while the kernel runs, 404 once it is gone."""
    try:
        with urllib.request.urlopen(f"{base_url}api/kernels/{kernel_id}", timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _page_kernel_id(page) -> str:
    """The id of the kernel the page runs on, from Voila's page config."""
    return page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def _server_log(base_url: str) -> Path:
    port = re.search(r":(\d+)/", base_url).group(1)
    (log,) = ARTIFACTS.glob(f"voila-*-{port}.log")
    return log


@pytest.fixture(scope="module")
def report_specs(tmp_path_factory):
    """A specs folder holding one report of the demo."""
    from segwidgets import Segmentation

    folder = tmp_path_factory.mktemp("specs")
    model = Segmentation("facebook_live", k=4, background=False)
    model.save(folder / "weekly.json")
    model.close()
    return folder


def _wait_until_gone(base_url: str, kernel_id: str, timeout: float) -> float | None:
    """Seconds until the kernel answers 404, or None if it still runs after ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if _kernel_status(base_url, kernel_id) == 404:
            return time.monotonic() - start
        time.sleep(0.25)
    return None


@pytest.mark.parametrize("how", ["close the tab", "go to another site"])
def test_leaving_a_page_ends_its_kernel_at_once(page, open_app, voila_server, how):
    assert config.KERNEL_CULL_IDLE_SECONDS > 10 * GONE_WITHIN_SECONDS  # the cull is not what ends it
    base_url = voila_server("explorer")
    open_app(page, "explorer", EXPLORER)
    kernel_id = _page_kernel_id(page)
    assert re.fullmatch(r"[0-9a-f-]{36}", kernel_id), kernel_id
    assert _kernel_status(base_url, kernel_id) == 200
    log = _server_log(base_url)
    log_before = log.stat().st_size

    if how == "close the tab":
        page.close(run_before_unload=True)
    else:
        page.goto("about:blank")

    took = _wait_until_gone(base_url, kernel_id, GONE_WITHIN_SECONDS)
    time.sleep(0.5)  # let the server finish writing its log lines
    with open(log, errors="replace") as text:
        text.seek(log_before)
        new_lines = text.read()
    assert took is not None, (f"the kernel {kernel_id} still runs {GONE_WITHIN_SECONDS:.0f} s after "
                              f"the page was left ({how}). Server log since:\n{new_lines[-3000:]}")
    assert "403 POST /voila/api/shutdown" not in new_lines, new_lines[-3000:]
    assert "_xsrf" not in new_lines, new_lines[-3000:]
    assert f"Kernel shutdown: {kernel_id}" in new_lines, new_lines[-3000:]


def test_closing_a_report_page_ends_its_kernel_at_once(page, open_app, voila_server, report_specs):
    env = {"SEGWIDGETS_SPECS_DIR": str(report_specs)}
    base_url = voila_server("report", env)
    open_app(page, "report", ".sw-report", env=env, query="?spec=weekly")
    kernel_id = _page_kernel_id(page)
    assert _kernel_status(base_url, kernel_id) == 200
    page.close(run_before_unload=True)
    took = _wait_until_gone(base_url, kernel_id, GONE_WITHIN_SECONDS)
    assert took is not None, f"the report's kernel {kernel_id} still runs {GONE_WITHIN_SECONDS:.0f} s after close"


def test_a_page_left_open_keeps_its_kernel(page, open_app, voila_server):
    base_url = voila_server("explorer")
    open_app(page, "explorer", EXPLORER)
    kernel_id = _page_kernel_id(page)
    time.sleep(3)
    assert _kernel_status(base_url, kernel_id) == 200
    # The page still works on that kernel: its cookie for the shutdown is set, nothing else changed.
    assert page.evaluate("() => /(^|;\\s*)_xsrf=[^;]+/.test(document.cookie)")
    assert not [e for e in page.sw_errors if "shutdown" in e or "xsrf" in e.lower()], page.sw_errors
