"""The notebook path: ``segwidgets.explore(...)`` in JupyterLab 4 and Notebook 7, and the Voila
explorer, in Chromium — the map shows, k moves, and a real mouse drag on the map selects rows.

The brush reaches Python only with the segwidgets-d3-guard labextension (docs/frontends.md).
Here the servers find it the way an editable install's users do after ``make install`` or with
``JUPYTER_PATH`` pointing at ``segwidgets/voila_config`` (what ``segwidgets app`` sets); a
wheel install puts it in ``<prefix>/share/jupyter/labextensions``.
Each server runs with its own temporary config, data and runtime folders, no token, on a free
port of 127.0.0.1, and is stopped at the end of the module.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from segwidgets.cli import VOILA_CONFIG_DIR

from tests.helpers import answers, free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
STATUS = ".sw-status"
COUNT = ".sw-selection-count"
WIDGET_ERRORS = ("Error displaying widget", "Could not create a view", "Traceback")
START_TIMEOUT = 120.0


@pytest.fixture(scope="module")
def notebook_home(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A folder with explore.ipynb (trusted) and the environment of a server with no user state."""
    home = tmp_path_factory.mktemp("notebooks")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
        folder = home.parent / f"{home.name}-{name.lower()}"
        folder.mkdir()
        env[name] = str(folder)
    env["JUPYTER_PATH"] = str(VOILA_CONFIG_DIR)  # the guard (labextensions/segwidgets-d3-guard)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(
        "import segwidgets\n"
        "explorer = segwidgets.explore('facebook_live')\n"
        "explorer")]
    path = home / "explore.ipynb"
    nbformat.write(notebook, path)
    done = subprocess.run([sys.executable, "-m", "jupyter", "trust", str(path)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return home, env


class _Server:
    def __init__(self, app: str, home: Path, env: dict[str, str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log_path = ARTIFACTS / f"{app}-{self.port}.log"
        command = [sys.executable, "-m", "jupyter", app, "--no-browser",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                   "--IdentityProvider.token=", "--ServerApp.password=", f"--ServerApp.root_dir={home}",
                   # nothing asked of the internet: no news, no update check, no extension manager
                   "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                   "--LabApp.extension_manager=readonly"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--ServerApp.allow_root=True")  # CI and these machines run as root
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(command, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while not answers(self.url + "api/status"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"jupyter {app} did not answer: {self.log_path.read_text()[-3000:]}")
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def jupyter_server(notebook_home):
    """``jupyter_server("lab" | "notebook") -> base URL``, one server per app for the module."""
    home, env = notebook_home
    servers: dict[str, _Server] = {}

    def start(app: str) -> str:
        if app not in servers:
            servers[app] = _Server(app, home, env)
        return servers[app].url

    yield start
    for server in servers.values():
        server.stop()


def _assert_no_widget_errors(page) -> None:
    text = page.evaluate("() => document.body.innerText")
    found = [marker for marker in WIDGET_ERRORS if marker in text]
    assert not found, f"The page shows {found}:\n{text[-3000:]}"


def _wait_for_explorer(page) -> None:
    page.wait_for_function(
        """(markers) => {
            if (document.querySelector('.sw-explorer .sw-embedding-scatter canvas')) return true;
            const text = document.body ? document.body.innerText : '';
            return markers.some((m) => text.includes(m));
        }""", arg=list(WIDGET_ERRORS), timeout=180_000)
    _assert_no_widget_errors(page)
    expect(page.locator(STATUS)).to_contain_text("4 segments of 7,050 rows", timeout=120_000)


def _drag_k_to_5(page) -> None:
    """Move the k slider one step to the right with the mouse (Notebook 7 ignores ArrowRight)."""
    handle = page.locator(".sw-k-slider-input .noUi-handle").first
    handle.scroll_into_view_if_needed()
    track = page.locator(".sw-k-slider-input .noUi-target").first.bounding_box()
    low = float(handle.get_attribute("aria-valuemin"))
    high = float(handle.get_attribute("aria-valuemax"))
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + track["width"] / (high - low), y, steps=5)
    page.mouse.up()
    expect(page.locator(STATUS)).to_contain_text("5 segments of 7,050 rows", timeout=60_000)


def _brush_the_map(page) -> int:
    """Drag a box over the middle of the map with the mouse; the number of rows selected."""
    figure = page.locator(".sw-map-figure").first
    figure.scroll_into_view_if_needed()
    box = figure.bounding_box()
    start = (box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.25)
    end = (box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.75)
    expect(page.locator(COUNT)).to_have_text("No rows selected")
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=12)
    page.mouse.up()
    expect(page.locator(COUNT)).to_have_text(re.compile(r"^[\d,]+ rows selected$"), timeout=30_000)
    selected = int(page.locator(COUNT).inner_text().split()[0].replace(",", ""))
    assert 0 < selected < 7050
    # the profile's selection row says the same
    expect(page.locator(".sw-selection-row").first).to_be_visible()
    return selected


def _screenshot(page, name: str) -> None:
    """What the reader sees at 1280×800 (a full-page capture of Notebook 7 comes out with the
    WebGL canvas blank, though the page shows it)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _undo_redo_with_keys(page) -> None:
    """Ctrl+Z and Ctrl+Shift+Z after a click in the explorer (segwidgets-keys): the k step is
    undone and redone, whichever element the frontend leaves the focus on."""
    page.locator(".sw-segment-legend").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+z")
    expect(page.locator(STATUS)).to_contain_text("4 segments of 7,050 rows", timeout=60_000)
    page.keyboard.press("Control+Shift+z")
    expect(page.locator(STATUS)).to_contain_text("5 segments of 7,050 rows", timeout=60_000)


def _exercise(page, name: str) -> int:
    _wait_for_explorer(page)
    _screenshot(page, f"{name}_explorer")
    _drag_k_to_5(page)
    _undo_redo_with_keys(page)
    selected = _brush_the_map(page)
    _assert_no_widget_errors(page)
    _screenshot(page, f"{name}_brushed")
    print(f"{name}: a drag on the map selected {selected:,} rows")
    return selected


#: The notebook's kernel is connected and idle (before it has started, the indicator also
#: says "idle", next to "No Kernel").
KERNEL_READY = """() => {
    const indicator = document.querySelector('.jp-Notebook-ExecutionIndicator');
    const name = document.querySelector('.jp-Toolbar-kernelName, .jp-KernelName');
    return indicator && indicator.dataset.status === 'idle' && name && /Python/.test(name.innerText);
}"""


def _run_the_notebook(page) -> None:
    """Run the notebook's one cell as a person does; if the page asks which kernel, take the
    one offered (Python 3), as a person would."""
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
    prompt = page.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").first
    page.wait_for_function(KERNEL_READY, timeout=120_000)
    page.locator(".jp-Notebook .jp-Cell .cm-content").first.click()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        """() => {
            const prompt = document.querySelector('.jp-Notebook .jp-Cell .jp-InputPrompt');
            const sent = prompt && /\\[(\\*|\\d+)\\]/.test(prompt.innerText);
            return sent || document.querySelector('.jp-Dialog');
        }""", timeout=60_000)
    dialog = page.locator(".jp-Dialog")
    if dialog.count():
        dialog.get_by_role("button", name="Select").click()
    expect(prompt).to_have_text(re.compile(r"\[(\*|\d+)\]"), timeout=60_000)


def test_explore_in_jupyterlab_brushes_rows(page, jupyter_server):
    url = jupyter_server("lab")
    page.goto(url + "lab/tree/explore.ipynb", timeout=120_000)
    _run_the_notebook(page)
    _exercise(page, "jupyterlab")


def test_explore_in_notebook7_brushes_rows(page, jupyter_server):
    url = jupyter_server("notebook")
    page.goto(url + "notebooks/explore.ipynb", timeout=120_000)
    _run_the_notebook(page)
    _exercise(page, "notebook7")


def test_the_voila_explorer_brushes_rows(page, open_app):
    open_app(page, "explorer", ".sw-explorer")
    _exercise(page, "voila")


def _map_point(page, fx: float, fy: float) -> tuple[float, float]:
    box = page.locator(".sw-map-figure").first.bounding_box()
    return box["x"] + box["width"] * fx, box["y"] + box["height"] * fy


def test_in_voila_a_polygon_and_a_click_on_a_point_reach_python(page, open_app):
    open_app(page, "explorer", ".sw-explorer")
    expect(page.locator(STATUS)).to_contain_text("4 segments of 7,050 rows", timeout=120_000)
    page.locator(".sw-map-figure").first.scroll_into_view_if_needed()
    count, pointed = page.locator(COUNT), page.locator(".sw-pointed-row")

    page.locator(".sw-map-tool").get_by_role("button", name="Polygon").click()
    expect(page.locator(".sw-polygon-select")).to_be_visible()
    corners = [(0.2, 0.2), (0.8, 0.25), (0.6, 0.85), (0.15, 0.7)]
    for fx, fy in corners:
        page.mouse.click(*_map_point(page, fx, fy))
    page.mouse.click(*_map_point(page, *corners[0]))  # the first corner again closes the shape
    expect(count).to_have_text(re.compile(r"^[\d,]+ rows selected$"), timeout=30_000)
    inside = int(count.inner_text().split()[0].replace(",", ""))
    assert 0 < inside <= 7050

    page.locator(".sw-map-tool").get_by_role("button", name="Point").click()
    # a segment's centre (the crosses) lies among its points; the biggest segment's surely
    crosses = page.locator(".sw-map-figure path.dot")
    shown = None
    for index in range(crosses.count()):
        box = crosses.nth(index).bounding_box()
        if box is None:
            continue
        before = pointed.inner_text()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        expect(pointed).not_to_have_text(before or "never", timeout=30_000)
        if pointed.inner_text().startswith("Row "):
            shown = pointed.inner_text()
            break
    assert shown is not None, "no click on a segment's centre found a point"
    assert "num_reactions = " in shown and "status_id" in shown  # the row's id and its values
    _screenshot(page, "voila_polygon_and_point")

    page.locator(".sw-map-clear").click()
    expect(count).to_have_text("No rows selected")
    expect(pointed).to_have_text("")
    # back to the box: the brush, taken off the figure and put back, still reaches Python
    page.locator(".sw-map-tool").get_by_role("button", name="Box").click()
    _brush_the_map(page)
    _assert_no_widget_errors(page)
