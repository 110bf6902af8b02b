"""The shared-module guard (segwidgets-d3-guard) against the bqplot and bqplot-gl builds installed.

bqplot's brush reaches Python only when bqplot uses its own d3 (see docs/frontends.md).
bqplot-gl 0.1.1 registers a d3 5.16.0 of its own into webpack's shared scope and wins the
tie with bqplot's; the guard removes it. These tests fail the day that changes: new pins,
a bqplot-gl that no longer registers d3 (the guard may go), or a guard that stops working.
They load the real remoteEntry files of the installed labextensions into Chromium and run
module federation's registration (``init(shareScope)``) in both orders, as JupyterLab,
Notebook 7 and Voila do at page start.
"""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from pathlib import Path

import pytest

from segwidgets.cli import VOILA_CONFIG_DIR

pytestmark = pytest.mark.e2e

GUARD = VOILA_CONFIG_DIR / "labextensions" / "segwidgets-d3-guard"
PROVEN = {"bqplot": "0.13.1", "bqplot-gl": "0.1.1"}


def _labextension(name: str) -> Path:
    from jupyter_core.paths import jupyter_path

    for place in jupyter_path("labextensions"):
        folder = Path(place) / name
        if (folder / "package.json").is_file():
            return folder
    raise AssertionError(f"The labextension {name} is not installed")


def _remote_entry(folder: Path) -> Path:
    package = json.loads((folder / "package.json").read_text())
    return folder / package["jupyterlab"]["_build"]["load"]


def test_the_pinned_versions_are_the_ones_installed():
    for package, proven in PROVEN.items():
        assert version(package) == proven, (
            f"{package} {version(package)} is installed; the d3 guard is proven with {proven}. "
            "Check docs/frontends.md, run tests/e2e/test_notebook_frontends.py, then move the pin.")


def test_bqplot_gl_still_registers_a_d3_that_ties_with_bqplots():
    gl = _remote_entry(_labextension("bqplot-gl")).read_text()
    bq = _remote_entry(_labextension("bqplot")).read_text()
    assert re.search(r'\("d3","5\.16\.0"', gl), "bqplot-gl no longer shares d3 5.16.0: is the guard still needed?"
    assert re.search(r'\("d3","5\.16\.0"', bq), "bqplot no longer shares d3 5.16.0"
    shared = json.loads((_labextension("bqplot") / "package.json").read_text())["jupyterlab"]["sharedPackages"]
    # bqplot bundles its d3 (a fallback when the scope has none) and shares one d3-selection.
    assert shared["d3"]["bundled"] and shared["d3-selection"]["singleton"]


def test_the_guard_is_a_federated_extension_that_loads_a_file_it_ships():
    package = json.loads((GUARD / "package.json").read_text())
    assert package["name"] == GUARD.name
    assert (GUARD / package["jupyterlab"]["_build"]["load"]).is_file()
    assert "extension" not in package["jupyterlab"]["_build"]  # no plugin: nothing else runs


_PAGE = """<!doctype html><html><head><script>var _JUPYTERLAB = {};</script></head><body></body></html>"""

_REGISTER = """async (order) => {
    const scope = {};
    for (const name of order) {
        await window._JUPYTERLAB[name].init(scope);
    }
    const d3 = scope["d3"] || {};
    return Object.keys(d3).map((v) => [v, d3[v].from]);
}"""


@pytest.mark.parametrize("order", [
    ("bqplot", "bqplot-gl"),
    ("bqplot-gl", "bqplot"),
    ("segwidgets-d3-guard", "bqplot-gl", "bqplot"),
    ("bqplot-gl", "segwidgets-d3-guard", "bqplot"),
    ("bqplot", "bqplot-gl", "segwidgets-d3-guard"),
    ("bqplot-gl", "bqplot", "segwidgets-d3-guard"),
], ids="-then-".join)
def test_whatever_the_order_bqplot_gets_its_own_d3_only_with_the_guard(browser, tmp_path, order):
    page_file = tmp_path / "scope.html"
    page_file.write_text(_PAGE)
    page = browser.new_page()
    try:
        page.goto(page_file.as_uri())
        for name, folder in (("bqplot", _labextension("bqplot")), ("bqplot-gl", _labextension("bqplot-gl")),
                             ("segwidgets-d3-guard", GUARD)):
            page.add_script_tag(url=_remote_entry(folder).as_uri())
        providers = dict(page.evaluate(_REGISTER, list(order)))
    finally:
        page.close()
    if order[-1] == "segwidgets-d3-guard":
        # bqplot-gl's entry had won the tie; the guard removes it, and both fall back to the
        # d3 they bundle: bqplot gets its own, with its d3-selection.
        assert providers == {}, providers
    elif "segwidgets-d3-guard" in order:
        assert providers == {"5.16.0": "bqplot"}, providers
    else:  # the upstream fault the guard exists for: bqplot-gl's d3 wins the tie
        assert providers == {"5.16.0": "bqplot-gl"}, providers


def test_the_apps_voila_server_lists_the_guard_among_its_labextensions(monkeypatch):
    """``segwidgets app`` puts voila_config first on JUPYTER_PATH; Voila then finds the guard
    there, whatever is installed in the environment (an editable install has no data files)."""
    from jupyterlab_server.config import get_federated_extensions
    from voila.utils import get_voila_labextensions_path

    from segwidgets.cli import voila_env

    monkeypatch.setenv("JUPYTER_PATH", voila_env()["JUPYTER_PATH"])
    found = get_federated_extensions(get_voila_labextensions_path())
    assert "segwidgets-d3-guard" in found
    assert Path(found["segwidgets-d3-guard"]["ext_path"]).resolve() == GUARD.resolve()  # ours comes first
