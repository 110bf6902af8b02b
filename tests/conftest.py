"""Test-suite wide rules.

- Every test under ``tests/e2e/`` is marked ``e2e`` (select with ``-m e2e``,
  leave out with ``-m "not e2e"``).
- Browser tests never skip silently: when a module under ``tests/e2e/`` is
  skipped as a whole at collection (say ``pytest.importorskip("playwright")``
  found nothing), the run fails. The per-test guard (Chromium missing) is in
  ``tests/e2e/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
E2E_DIR = TESTS_DIR / "e2e"

_skipped_e2e_modules: list[str] = []


def _in_e2e(path: Path | str) -> bool:
    return Path(path).resolve().is_relative_to(E2E_DIR)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _in_e2e(item.path):
            item.add_marker(pytest.mark.e2e)


def _e2e_left_out(config) -> bool:
    return "not e2e" in (config.option.markexpr or "")


def pytest_collectreport(report):
    if report.skipped and _in_e2e(report.fspath):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        _skipped_e2e_modules.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session, exitstatus):
    if _e2e_left_out(session.config):
        _skipped_e2e_modules.clear()
    if _skipped_e2e_modules and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if _skipped_e2e_modules:
        terminalreporter.section("browser tests were skipped: this run fails", red=True)
        for line in _skipped_e2e_modules:
            terminalreporter.line(line, red=True)
        terminalreporter.line("Install the test requirements (make test does) or leave the "
                              "browser tests out on purpose with -m 'not e2e'.")


# ---------------------------------------------------------------- shared data
@pytest.fixture
def blobs_frame():
    """600 rows in 4 well-separated blobs over 3 numeric columns ``a``, ``b``, ``c`` (seeded)."""
    import pandas as pd
    from sklearn.datasets import make_blobs

    X, _ = make_blobs(n_samples=600, centers=4, n_features=3, cluster_std=1.0, random_state=7)
    return pd.DataFrame(X, columns=["a", "b", "c"])
