"""``pip install segwidgets`` into a clean environment serves the explorer, without the test extra.

The wheel is built from this checkout and installed into a new virtual
environment with only its own dependencies; ``segwidgets app`` from there must
start Voila with a Python kernel (ipykernel is not a dependency of ipywidgets
or Voila) and the page must show the segments in Chromium.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
STATUS = ".sw-status-bar"


def _run(*command: str, cwd: Path | None = None, timeout: float = 900) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"


@pytest.fixture(scope="module")
def clean_install(tmp_path_factory) -> Path:
    """A new virtual environment with the wheel of this checkout and its dependencies only."""
    where = tmp_path_factory.mktemp("clean-install")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(where / "dist"), str(ROOT))
    wheel = next((where / "dist").glob("segwidgets-*.whl"))
    venv = where / "venv"
    _run(sys.executable, "-m", "venv", str(venv))
    _run(str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel))
    return venv


def test_the_installed_package_has_no_test_tools_and_serves_the_explorer(clean_install, page,
                                                                        save_screenshot, tmp_path):
    python = clean_install / "bin" / "python"
    missing = subprocess.run([str(python), "-c", "import pytest"], capture_output=True)
    assert missing.returncode != 0, "the clean environment should not have the test extra"
    # JupyterLab and Notebook 7 find the shared-module guard and the keys there (docs/frontends.md)
    for name in ("segwidgets-d3-guard", "segwidgets-keys"):
        extension = clean_install / "share" / "jupyter" / "labextensions" / name
        assert (extension / "package.json").is_file() and (extension / "static" / "remoteEntry.js").is_file()
    port = free_port()
    log = (tmp_path / "voila.log").open("w")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV"))}
    env["PATH"] = f"{clean_install / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    server = subprocess.Popen([str(clean_install / "bin" / "segwidgets"), "app", "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
                              start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert server.poll() is None, (tmp_path / "voila.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "the installed app did not answer in 120 s"
                time.sleep(1)
        page.goto(url, timeout=120_000)
        expect(page.locator(STATUS)).to_contain_text("4 segments of 7,050 rows", timeout=120_000)
        save_screenshot(page, "clean_install_explorer")
        text = (tmp_path / "voila.log").read_text()
        assert "No Jupyter kernel" not in text and "Traceback" not in text
    finally:
        os.killpg(server.pid, 15)
        server.wait(30)
        log.close()
