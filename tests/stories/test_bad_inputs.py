"""Every file in the bad-input corpus gets a clear message or a sensible load, and loses nothing.

Each case goes through the Python API (``read_table`` then ``Segmentation``)
and through the explorer's upload path (``DataPanel`` over a model that
already holds the demo data). A message from our last-line-of-defence
("Something went wrong") counts as a failure: every case must be foreseen.
"""

from __future__ import annotations

import datetime
import importlib.util
from pathlib import Path

import pytest

from segwidgets import Segmentation
from segwidgets.core.io import read_table
from segwidgets.errors import SegwidgetsDataError
from segwidgets.widgets import DataPanel

HERE = Path(__file__).resolve().parents[1] / "data" / "bad"
_spec = importlib.util.spec_from_file_location("make_corpus", HERE / "make_corpus.py")
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)

LIMIT = 2 * 1024 * 1024  # a small limit keeps the over-limit case small
#: The committed files are the corpus (their bytes, the generator's expectations); large cases are made here.
CASES = {name: ((HERE / name).read_bytes(), expected) for name, (_, expected) in corpus.CASES.items()}
CASES.update(corpus.large_cases(LIMIT))
UNFORESEEN = ("Something went wrong", "Traceback", "could not be read (")
#: Files in other formats or layouts: the columns they must be read as.
READ_AS = {
    "utf8_bom.csv": ["spend", "visits"],
    "whitespace_headers.csv": ["spend", "visits"],
    "tab_separated.tsv": ["spend", "visits"],
    "pipe_separated.csv": ["spend", "visits"],
    "parquet_renamed.csv": ["spend", "visits"],
    "excel_renamed.csv": ["spend", "visits"],
    "quoted_newlines.csv": ["note", "spend", "visits"],
    "european_semicolons.csv": ["spend", "visits"],
}


def phrases(words: str | tuple[str, ...]) -> tuple[str, ...]:
    """The expected phrases of a case: every one must appear (none may be empty)."""
    out = (words,) if isinstance(words, str) else tuple(words)
    assert out and all(out), "a case must say what it expects to read"
    return out


def test_the_corpus_is_large_and_its_small_files_are_committed():
    assert len(CASES) >= 30
    for name, (_, (outcome, words)) in CASES.items():
        assert outcome in ("refuse", "unusable", "load") and phrases(words), name
    committed = {p.name for p in HERE.iterdir() if p.name != "make_corpus.py"}
    assert set(corpus.CASES) <= committed, "run tests/data/bad/make_corpus.py"


@pytest.mark.parametrize("name", sorted(CASES))
def test_python_api(name):
    data, (outcome, words) = CASES[name]
    if outcome == "refuse":
        with pytest.raises(SegwidgetsDataError) as info:
            read_table(data, filename=name, max_bytes=LIMIT)
        assert all(p in str(info.value) for p in phrases(words)), str(info.value)
        assert not any(u in str(info.value) for u in UNFORESEEN)
        return
    table = read_table(data, filename=name, max_bytes=LIMIT)
    model = Segmentation(table, k=3, background=False)
    said = " ".join([*table.notes, model.status, *model.warnings])
    missing = [p for p in phrases(words) if p not in said]
    assert not missing, f"{missing} not in: {said}"
    assert not any(u in said for u in UNFORESEEN), said
    if name in READ_AS:
        assert list(table.frame.columns) == READ_AS[name]
        assert table.frame[READ_AS[name][-1]].notna().all()  # numbers, not text split wrongly
    assert model.state in ("idle", "error")
    if model.state == "idle":
        assert model.labels is not None and len(model.labels) == len(model.data)


def _upload(panel: DataPanel, name: str, data: bytes) -> None:
    panel.upload.value = ({
        "name": name, "type": "text/csv", "size": len(data),
        "last_modified": datetime.datetime.now(datetime.timezone.utc),
        "content": memoryview(data),
    },)
    panel.wait(60)


@pytest.mark.parametrize("name", sorted(CASES))
def test_upload_path_keeps_what_was_loaded(name, demo_frame):
    data, (outcome, words) = CASES[name]
    model = Segmentation(demo_frame, k=3, background=False)
    labels = model.labels.copy()
    panel = DataPanel(model, limit=LIMIT)
    _upload(panel, name, data)
    assert not any(u in model.status for u in UNFORESEEN), model.status
    if outcome in ("refuse", "unusable"):  # nothing the person had is lost
        assert all(p in model.status for p in phrases(words)), model.status
        assert "previous data is still loaded" in model.status
        assert len(model.data) == len(demo_frame)
        assert (model.labels == labels).all()  # nothing the person had is lost
        assert "facebook_live" in panel.source.value
        return
    assert model.table.source == name
    said = " ".join([*model.table.notes, model.status, *model.warnings])
    missing = [p for p in phrases(words) if p not in said]
    assert not missing, f"{missing} not in: {said}"
    if name in READ_AS:
        assert list(model.data.columns) == READ_AS[name]
    assert name in panel.source.value
    assert panel.upload.value == ()  # the widget does not keep the bytes
