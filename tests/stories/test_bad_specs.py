"""Every hostile spec in ``tests/data/bad/specs`` (written by ``make_corpus.py``) opened as a
visitor opens it, ``?spec=NAME`` on the report server: refused in words that name no path of the
server and show no row, or shown whole; the spec reader raises only our own errors (issue 14)."""

from __future__ import annotations

import html
import importlib.util
import re
import shutil
from pathlib import Path

import pytest

from segwidgets import Report
from segwidgets.core.spec_store import read_spec
from segwidgets.core.text import BIDI_CONTROLS
from segwidgets.dashboards.apps import report_app
from segwidgets.errors import SegwidgetsError
from segwidgets.widgets import DownloadPanel
from tests.helpers import blob_frame, html_of

HERE = Path(__file__).resolve().parents[1] / "data" / "bad"
_spec = importlib.util.spec_from_file_location("make_corpus", HERE / "make_corpus.py")
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

CASES = {name: ((HERE / "specs" / name).read_bytes(), expected) for name, (_, expected) in corpus.SPEC_CASES.items()}
CASES.update(corpus.large_spec_cases())
SECRET = "do-not-show-7c1f"
UNFORESEEN = ("Something went wrong", "Traceback", "could not start", "Error")


def test_the_spec_corpus_covers_each_class_and_is_committed():
    assert len(CASES) >= 20
    committed = {p.name for p in (HERE / "specs").iterdir()}
    assert set(corpus.SPEC_CASES) <= committed, "run tests/data/bad/make_corpus.py"
    assert not set(corpus.large_spec_cases()) & committed


@pytest.fixture()
def served(tmp_path, monkeypatch):
    for name in ("SEGWIDGETS_SPECS_DIR", "SEGWIDGETS_SPEC", "SEGWIDGETS_DATA_DIR", "SEGWIDGETS_UPLOAD_LIMIT_MB"):
        monkeypatch.delenv(name, raising=False)
    specs, private = tmp_path / "specs", tmp_path / "private"
    specs.mkdir()
    private.mkdir()
    frame = blob_frame(300, centers=3, features=2, std=0.6, seed=5, columns=["spend", "visits"])
    frame.to_csv(specs / "customers.csv", index=False)
    frame.assign(note=SECRET).to_csv(private / "secret.csv", index=False)
    monkeypatch.chdir(private)  # a relative path must never mean the server's working folder
    return specs, private


def _widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _widgets(child)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_visitor_opening_the_spec_gets_the_report_or_a_refusal_in_words(served, name):
    specs, private = served
    data, (outcome, words) = CASES[name]
    (specs / name).write_bytes(data)
    app = report_app(query=f"?spec={name.removesuffix('.json')}", specs_dir=specs)
    page = html_of(app)
    text = " ".join(html.unescape(re.sub("<[^>]+>", " ", page)).split())
    expected = (words,) if isinstance(words, str) else words
    assert all(phrase in text for phrase in expected), text[:400]
    assert not any(u in text for u in UNFORESEEN), text[:400]
    assert str(specs) not in page and str(private) not in page and SECRET not in page
    assert not BIDI_CONTROLS & set(page)
    if outcome == "refuse":
        assert not isinstance(app, Report) and "sw-app-error" in app._dom_classes
        assert not any(isinstance(part, DownloadPanel) for part in _widgets(app))
        assert "visits" not in text  # not a row, not a column of the data
    else:
        assert isinstance(app, Report)
        app.close()


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_spec_reader_raises_only_our_errors(served, name):
    specs, _ = served
    data, (outcome, words) = CASES[name]
    (specs / name).write_bytes(data)
    try:
        spec = read_spec(specs / name)
    except SegwidgetsError as exc:
        assert outcome == "refuse", str(exc)
        assert str(specs) not in str(exc)
        return
    assert spec.k >= 2  # parsed: what is left to refuse is its data (tested above)


def test_a_spec_can_be_copied_whole_into_another_folder(served, tmp_path):
    """The committed files are plain files: a person can serve the folder as it is."""
    specs, _ = served
    for name in corpus.SPEC_CASES:
        shutil.copy(HERE / "specs" / name, specs / name)
    assert isinstance(report_app(query="?spec=good", specs_dir=specs), Report)
