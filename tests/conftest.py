"""Test-suite wide rules.

- Every test under ``tests/e2e/`` is marked ``e2e`` (select with ``-m e2e``,
  leave out with ``-m "not e2e"``).
- Browser tests never skip silently: when a module under ``tests/e2e/`` is
  skipped as a whole at collection (say ``pytest.importorskip("playwright")``
  found nothing), the run fails. The per-test guard (Chromium missing) is in
  ``tests/e2e/conftest.py``.

Shared fixtures (data and models; helpers that are not fixtures are in ``tests/helpers.py``):

``blobs_frame``
    600 rows, 4 blobs, numeric columns ``a``, ``b``, ``c`` (seed 7).
``make_frame(n, centers, features, *, std, seed, columns, channel, ids)``
    Any blobs table: exactly the ``make_blobs`` call those arguments say, optionally with a
    category column ``channel`` and an identifier column.
``demo_frame`` / ``demo_table``
    The bundled ``facebook_live`` demo as a DataFrame / as a ``LoadedTable``; fresh per test.
``make_model(data, k=3, **settings)``
    An inline ``Segmentation`` (``background=False``), closed after the test.

UMAP maps are kept on disk (``segwidgets.core.map_cache``) in a folder of this run only
(``$SEGWIDGETS_MAP_CACHE``, inherited by the Voila servers the browser tests start), so no
test finds a map an earlier run computed.

The table cache (``segwidgets.core.table_cache``) is off for the suite unless
``SEGWIDGETS_TABLE_CACHE`` names a folder: no test writes to the user's cache, and a test
reading a file parses it. ``SEGWIDGETS_TABLE_CACHE=/tmp/tables pytest`` runs every test on
tables from the cache instead; ``tests/core/test_table_cache.py`` uses folders of its own.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest

from segwidgets import datasets
from segwidgets.core.io import LoadedTable
from segwidgets.session import Segmentation
from tests.helpers import blob_frame

os.environ.setdefault("SEGWIDGETS_TABLE_CACHE", "off")

TESTS_DIR = Path(__file__).resolve().parent

if "SEGWIDGETS_MAP_CACHE" not in os.environ:
    _MAPS = tempfile.mkdtemp(prefix="segwidgets-test-maps-")
    os.environ["SEGWIDGETS_MAP_CACHE"] = _MAPS
    atexit.register(shutil.rmtree, _MAPS, ignore_errors=True)
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
# Tables and models the tests share. Blobs come from ``tests.helpers.blob_frame``
# (the suite's one call to ``make_blobs``): a test whose assertions depend on a
# size, a seed or column names asks ``make_frame`` for exactly those.


@pytest.fixture
def blobs_frame() -> pd.DataFrame:
    """600 rows in 4 well-separated blobs over 3 numeric columns ``a``, ``b``, ``c`` (seed 7)."""
    return blob_frame()


@pytest.fixture
def make_frame() -> Callable[..., pd.DataFrame]:
    """Factory for blobs tables: ``make_frame(n=600, centers=4, features=3, *, std=1.0, seed=7,
    columns=None, channel=False, ids=None)``.

    The numeric columns are ``make_blobs(n_samples=n, centers=centers, n_features=features,
    cluster_std=std, random_state=seed)``, named ``columns`` (default ``a``, ``b``, ``c``, ...);
    ``channel=True`` adds a category column ``channel`` ("web" where the first column is > 0,
    else "store"); ``ids=("customer_id", "C")`` adds an identifier column ``C0``, ``C1``, ...
    Each call makes a new table. See :func:`tests.helpers.blob_frame`.
    """
    return blob_frame


@pytest.fixture
def demo_frame() -> pd.DataFrame:
    """The bundled demo, ``datasets.load("facebook_live")``: 7,050 posts, 16 columns; fresh per test."""
    return datasets.load("facebook_live")


@pytest.fixture
def demo_table() -> LoadedTable:
    """The demo as read, ``datasets.load_table("facebook_live")``: roles and notes too; fresh per test."""
    return datasets.load_table("facebook_live")


@pytest.fixture
def make_model() -> Iterator[Callable[..., Segmentation]]:
    """Factory for inline models: ``make_model(data, k=3, **settings)`` is
    ``Segmentation(data, k=k, background=False, **settings)``: every fit runs in the
    test's thread, so a change is applied when the assignment returns. Closed after the test.
    """
    made: list[Segmentation] = []

    def make(data, k: int = 3, **settings) -> Segmentation:
        model = Segmentation(data, k=k, background=False, **settings)
        made.append(model)
        return model

    yield make
    for model in made:
        model.close()
