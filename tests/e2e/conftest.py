"""End-to-end fixtures: a real Voila server, driven by Playwright in Debian's Chromium.

The server is started with :func:`segwidgets.cli.voila_command`, the very
command ``segwidgets app`` runs, on a free port of 127.0.0.1.

Fixtures
--------
``voila_server(notebook, env=None) -> str`` (session)
    Serve ``notebook`` (an app name such as ``"explorer"``, or a path) with
    the extra environment ``env`` (e.g. ``{"SEGWIDGETS_DATA": "/abs/x.csv"}``);
    returns the base URL ``http://127.0.0.1:PORT/``. One server per
    (notebook, env), shared by the whole session, stopped at its end; its log
    is ``tests/artifacts/voila-<notebook>-<port>.log``.
``browser`` (module)
    Playwright ``Browser``: ``/usr/bin/chromium``, headless. Use this rather
    than a ``sync_playwright()`` of your own: only one can run at a time.
``page`` (function)
    A fresh ``Page`` (own context, viewport 1280x800). Page errors and console
    errors are collected in ``page.sw_errors``. If the test fails, a
    screenshot goes to ``tests/artifacts/screenshots/FAILED-<test>.png``.
``wait_for_voila(page, selector, timeout=120_000)``
    Wait until ``selector`` (a widget's CSS class, e.g. ``".sw-explorer-stub"``)
    is visible, failing at once with the page text if Voila shows a cell error
    or a traceback instead.
``open_app(page, notebook, selector, env=None, query="") -> Page``
    ``voila_server`` + ``page.goto`` + ``wait_for_voila`` in one call.
``save_screenshot(page, name) -> Path``
    Save ``tests/artifacts/screenshots/<name>.png``.

Example::

    def test_explorer_opens(page, open_app, save_screenshot):
        open_app(page, "explorer", ".sw-explorer-stub")
        expect(page.locator(".sw-explorer-stub")).to_contain_text("rows")
        save_screenshot(page, "explorer")

When ``/usr/bin/chromium`` is missing, every test here FAILS (it never
skips): CI must not pass without its browser tests.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from segwidgets.cli import app_path, voila_command

from tests.helpers import answers, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

SERVER_START_TIMEOUT = 90.0  # s, until the server answers HTTP
RENDER_TIMEOUT = 120_000  # ms, until a page shows its widget (starts a kernel)

#: Text that means the notebook failed, whatever the app shows around it.
ERROR_MARKERS = (
    "There was an error when executing cell",
    "Cell execution timed out",
    "Traceback",
)


# --------------------------------------------------------------------------
# Guard: the browser must be there.

def _missing_browser() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return (f"Debian's Chromium is not installed at {CHROMIUM}: the browser tests cannot run. "
                "Install it with `apt-get install chromium` (`make test` does), or leave the "
                "browser tests out on purpose with -m 'not e2e'.")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("The Python package playwright is not installed: the browser tests cannot run. "
                "Install the test requirements: pip install -e '.[test]' (`make test` does).")
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Runs before the skipping plugin evaluates skipif marks, so a test
    # written with skipif(chromium missing) fails here instead of skipping.
    problem = _missing_browser()
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"sw_report_{report.when}", report)


# --------------------------------------------------------------------------
# Voila servers.


class _Server:
    def __init__(self, notebook: Path, env: dict[str, str]):
        self.notebook = notebook
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log_path = ARTIFACTS / f"voila-{notebook.stem}-{self.port}.log"
        command = voila_command(notebook, port=self.port, ip="127.0.0.1", extra_env=env)
        with open(self.log_path, "w") as log:
            log.write("$ " + " ".join(command) + "\n")
            log.flush()
            # A session of its own, so that stop() can end the whole group.
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def wait_until_up(self, timeout: float = SERVER_START_TIMEOUT) -> None:
        # A static file of the template: answers without starting a kernel.
        probe = self.url + "voila/static/voila.js"
        deadline = time.monotonic() + timeout
        while not answers(probe):
            if self.process.poll() is not None:
                raise RuntimeError(f"Voila exited with code {self.process.returncode} before "
                                   f"answering. Log {self.log_path}:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Voila did not answer {probe} within {timeout:.0f} s. "
                                   f"Log {self.log_path}:\n{self.log_tail()}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            # SIGTERM: Voila shuts its kernels down, then exits.
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # anything left in the group
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)


def _resolve_notebook(notebook: str | os.PathLike) -> Path:
    path = Path(notebook)
    if path.suffix == ".ipynb" and (path.is_absolute() or path.exists()):
        return path.resolve()
    return app_path(str(notebook))


@pytest.fixture(scope="session")
def voila_server():
    """Factory: ``voila_server(notebook, env=None) -> base URL``; servers live for the session."""
    servers: dict[tuple, _Server] = {}

    def start(notebook: str | os.PathLike, env: dict[str, str] | None = None) -> str:
        path = _resolve_notebook(notebook)
        env = {key: str(value) for key, value in (env or {}).items()}
        key = (str(path), tuple(sorted(env.items())))
        if key not in servers:
            for attempt in range(3):  # a free port can be taken before Voila binds it
                server = _Server(path, env)
                try:
                    server.wait_until_up()
                    break
                except RuntimeError:
                    server.stop()
                    if attempt == 2 or "Address already in use" not in server.log_tail():
                        raise
            servers[key] = server
        return servers[key].url

    yield start
    for server in servers.values():
        server.stop()


# --------------------------------------------------------------------------
# Browser and pages.

@pytest.fixture(scope="module")
def browser():
    # Module scope: Playwright's sync API runs one instance per thread at a
    # time, so a module that starts its own sync_playwright() still works after
    # one that used this fixture. A launch costs well under a second.
    problem = _missing_browser()
    if problem:
        pytest.fail(problem, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "screenshot"
    path = SCREENSHOTS / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport=VIEWPORT)
    new_page = context.new_page()
    new_page.set_default_timeout(30_000)
    errors: list[str] = []
    new_page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    new_page.on("console", lambda msg: errors.append(f"console error: {msg.text}")
                if msg.type == "error" else None)
    new_page.sw_errors = errors
    yield new_page
    report = getattr(request.node, "sw_report_call", None)
    if report is not None and report.failed:
        try:
            _screenshot(new_page, f"FAILED-{request.node.name}")
        except Exception:  # the page may be gone; the failure itself matters more
            pass
    context.close()


@pytest.fixture(scope="session")
def save_screenshot():
    """``save_screenshot(page, name) -> Path`` under tests/artifacts/screenshots/."""
    return _screenshot


def _page_text(page) -> str:
    return page.evaluate("() => document.body ? document.body.innerText : ''")


def assert_no_voila_errors(page) -> None:
    text = _page_text(page)
    found = [marker for marker in ERROR_MARKERS if marker in text]
    assert not found, f"The page shows {found}:\n{text[-3000:]}"


def _wait_for_voila(page, selector: str, timeout: float = RENDER_TIMEOUT):
    # Stop at whichever comes first: the widget, or an error text.
    page.wait_for_function(
        """([selector, markers]) => {
            if (document.querySelector(selector)) return true;
            const text = document.body ? document.body.innerText : "";
            return markers.some((m) => text.includes(m));
        }""",
        arg=[selector, list(ERROR_MARKERS)],
        timeout=timeout,
    )
    assert_no_voila_errors(page)
    page.locator(selector).first.wait_for(state="visible", timeout=timeout)
    return page


@pytest.fixture(scope="session")
def wait_for_voila():
    """``wait_for_voila(page, selector, timeout=120_000)``: the widget shows, no error text."""
    return _wait_for_voila


@pytest.fixture(scope="session")
def open_app(voila_server):
    """``open_app(page, notebook, selector, env=None, query="") -> page``."""

    def open_(page, notebook, selector: str, env: dict[str, str] | None = None,
              query: str = "", timeout: float = RENDER_TIMEOUT):
        url = voila_server(notebook, env)
        if query and not query.startswith("?"):
            query = "?" + query
        page.goto(url + query, timeout=timeout)
        return _wait_for_voila(page, selector, timeout)

    return open_
