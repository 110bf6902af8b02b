"""The algorithm comparison, with no browser: an analyst presses Run, reads the table and the
agreement matrix, and switches the model to the algorithm she prefers."""

from __future__ import annotations

import re
import threading
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from segwidgets import Segmentation
from segwidgets.errors import SegwidgetsValueError
from segwidgets.widgets import comparison_panel
from segwidgets.widgets.comparison_panel import ComparisonPanel, best_rows, read_ari


class _Cells(HTMLParser):
    """Rows of a rendered table: a list of rows, each a list of (tag, attrs, text)."""

    def __init__(self, text: str):
        super().__init__()
        self.rows: list[list] = []
        self._cell: list | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self._cell = [tag, dict(attrs), ""]
            self.rows[-1].append(self._cell)
        elif tag == "b" and self._cell is not None:
            self._cell[1]["bold"] = True

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2] += data


@pytest.fixture
def model(make_frame, make_model) -> Segmentation:
    """1,200 customers in 3 wide, overlapping blobs (std 2.5) over spend, visits and age."""
    frame = make_frame(1200, centers=3, features=3, std=2.5, seed=3, columns=["spend", "visits", "age"])
    return make_model(frame, k=3)


def _ari_shown(panel: ComparisonPanel) -> pd.DataFrame:
    cells = [c for row in _Cells(panel.ari.value).rows for c in row if c[1].get("class") == "sw-ari-cell"]
    keys = list(dict.fromkeys(c[1]["data-row"] for c in cells))
    shown = pd.DataFrame(np.nan, index=keys, columns=keys)
    for _, attrs, text in cells:
        shown.loc[attrs["data-row"], attrs["data-col"]] = float(text)
    return shown


def test_before_run_nothing_is_shown_and_the_button_says_what_it_will_do(model):
    panel = ComparisonPanel(model, background=False)
    assert panel.comparison is None
    assert "Press Run" in panel.message.value
    assert panel.results.layout.display == "none"
    assert all(b.disabled for b in panel.use_buttons.values())


def test_run_shows_a_symmetric_agreement_matrix_with_ones_on_the_diagonal(model):
    panel = ComparisonPanel(model)  # on a thread, waited for
    panel.run(wait=True)
    shown = _ari_shown(panel)
    assert list(shown.index) == ["kmeans", "ward", "gmm"]
    assert np.allclose(np.diag(shown.to_numpy()), 1.0)
    assert np.allclose(shown.to_numpy(), shown.to_numpy().T)
    assert np.allclose(shown.to_numpy(), panel.comparison.ari.to_numpy(), atol=0.005)
    assert "ARI" in panel.reading.value and "agree" in panel.reading.value


def test_table_has_a_row_per_algorithm_with_directions_and_the_best_value_bold(model):
    panel = ComparisonPanel(model, background=False)
    panel.run()
    text = panel.table.value
    assert "higher is better" in text and "lower is better" in text
    rows = _Cells(text).rows
    body = rows[1:]
    assert [r[0][2].replace("(in use)", "").strip() for r in body] == [
        "k-means", "Hierarchical (Ward)", "Gaussian mixture"]
    metrics = panel.comparison.metrics
    for column, better in (("silhouette", "higher"), ("davies-bouldin", "lower"), ("seconds", "lower")):
        name = column.replace("-", "_")
        bold = {key for key, row in zip(metrics.index, body)
                for tag, attrs, _ in row if attrs.get("class") == f"sw-{column}" and attrs.get("bold")}
        assert bold == best_rows(metrics, name, better)
        assert bold  # at least one winner per column
    assert "in use" in body[0][0][2]


def test_use_ward_sets_the_model_algorithm_and_the_comparison_stays_current(model):
    panel = ComparisonPanel(model, background=False)
    panel.run()
    panel.use_buttons["ward"].click()
    assert model.algorithm == "ward"
    assert not panel.stale
    assert panel.use_buttons["ward"].disabled and panel.use_buttons["ward"].description.startswith("Using")
    assert not panel.use_buttons["kmeans"].disabled
    assert "Settings changed" not in panel.message.value


def test_changing_k_marks_the_result_stale_until_run_again(model):
    panel = ComparisonPanel(model, background=False)
    panel.run()
    model.k = 4
    assert panel.stale
    assert "Settings changed — press Run to update" in panel.message.value
    assert all(b.disabled for b in panel.use_buttons.values())
    assert "sw-stale" in panel.table._dom_classes
    panel.use_buttons["gmm"].click()  # a browser can click a disabled button
    assert model.algorithm == "kmeans"
    panel.run()
    assert not panel.stale
    assert panel.comparison.metrics.loc["kmeans", "n_segments"] == 4
    assert "Compared at k = 4" in panel.message.value


def test_changing_features_or_scaling_marks_it_stale_too(model):
    panel = ComparisonPanel(model, background=False)
    panel.run()
    model.scaling = "robust"
    assert panel.stale
    panel.run()
    model.features = ["spend", "visits"]
    assert panel.stale


def test_a_newer_run_overtakes_an_older_one(model):
    panel = ComparisonPanel(model)
    panel.run()  # not waited for
    model.k = 5
    panel.run(wait=True)
    assert panel.comparison.metrics.loc["kmeans", "n_segments"] == 5
    assert not panel.stale


def test_use_before_any_run_is_refused_in_words(model):
    panel = ComparisonPanel(model, background=False)
    panel.use_buttons["ward"].click()
    assert model.algorithm == "kmeans"
    assert "Run the comparison first" in panel.message.value


def test_large_tables_are_compared_on_a_sample_and_the_message_says_so(model):
    panel = ComparisonPanel(model, background=False, max_rows=500)
    panel.run()
    assert "500 of 1,200 rows" in panel.message.value
    assert len(panel.comparison.labels["kmeans"]) == 500


def test_no_data_is_a_message_not_an_error():
    panel = ComparisonPanel(Segmentation(background=False), background=False)
    panel.run()
    assert "Load data" in panel.message.value
    assert "sw-error" in panel.message._dom_classes


def test_algorithms_that_choose_k_themselves_are_refused():
    with pytest.raises(ValueError, match="chooses the number of segments"):
        ComparisonPanel(Segmentation(background=False), ("kmeans", "hdbscan"))


def test_the_agreement_reads_as_a_sentence():
    keys = ["kmeans", "ward", "gmm"]
    ari = pd.DataFrame([[1, 0.93, 0.41], [0.93, 1, 0.38], [0.41, 0.38, 1]], index=keys, columns=keys)
    sentence = read_ari(ari)
    assert sentence.startswith("k-means and Hierarchical (Ward) agree closely (ARI 0.93); "
                               "Gaussian mixture differs (0.41).")
    two = read_ari(ari.loc[["kmeans", "gmm"], ["kmeans", "gmm"]])
    assert "k-means and Gaussian mixture disagree (ARI 0.41)" in two
    assert re.search(r"only one", read_ari(ari.loc[["ward"], ["ward"]]), re.I)


def test_an_overtaken_run_is_never_shown_and_a_failed_one_is_said_in_words(model, monkeypatch):
    real, release, asked = comparison_panel.compare_algorithms, threading.Event(), []

    def slow_first(prepared, k, *args, **kwargs):
        asked.append(k)
        if len(asked) == 1:
            release.wait(60)
        return real(prepared, k, *args, **kwargs)

    monkeypatch.setattr(comparison_panel, "compare_algorithms", slow_first)
    panel = ComparisonPanel(model)  # on the panel's lane
    said = []
    panel.message.observe(lambda change: said.append(change["new"]), "value")
    panel.run()
    model.k = 4
    panel.run()  # overtakes the first run, running or waiting
    release.set()
    assert panel.wait(120)
    assert panel.compared_k == 4 and panel.comparison.metrics.loc["kmeans", "n_segments"] == 4
    assert not any("Compared at k = 3" in text for text in said)

    def fails(*args, **kwargs):
        raise SegwidgetsValueError("Choose at least one algorithm to compare.")

    monkeypatch.setattr(comparison_panel, "compare_algorithms", fails)
    panel.run(wait=True)
    assert "The comparison could not be made: Choose at least one algorithm to compare." in panel.message.value
    assert "sw-error" in panel.message._dom_classes
    assert not panel.run_button.disabled


def test_after_close_the_model_no_longer_reaches_the_panel(model):
    panel = ComparisonPanel(model, background=False)
    panel.run()
    said, table = panel.message.value, panel.table.value
    panel.close()
    model.k = 4
    model.algorithm = "ward"
    assert panel.message.value == said and panel.table.value == table
    assert "sw-stale" not in panel.table._dom_classes


# ------------------------------------------------ on a real table: the matrix shows each pair's value


@pytest.fixture(scope="module")
def facebook() -> ComparisonPanel:
    model = Segmentation("facebook_live", k=4, background=False)
    panel = ComparisonPanel(model, background=False)
    panel.run(wait=True)
    return panel


def cells(panel: ComparisonPanel) -> dict[tuple[str, str], str]:
    found = re.findall(r"<td class='sw-ari-cell' data-row='([^']+)' data-col='([^']+)'[^>]*>([^<]*)</td>",
                       panel.ari.value)
    return {(row, col): text for row, col, text in found}


def test_every_cell_of_the_agreement_matrix_shows_its_pair(facebook):
    ari = facebook.comparison.ari
    shown = cells(facebook)
    keys = [str(k) for k in ari.index]
    assert set(shown) == {(a, b) for a in keys for b in keys}
    for (a, b), text in shown.items():
        assert text == f"{float(ari.loc[a, b]):.2f}", (a, b)
    off_diagonal = {pair: text for pair, text in shown.items() if pair[0] != pair[1]}
    # on this table the algorithms disagree: a matrix of 1.00 everywhere would be wrong
    assert any(text != "1.00" for text in off_diagonal.values())
    assert all(shown[(a, b)] == shown[(b, a)] for a, b in off_diagonal)


def test_the_reading_names_the_closest_pair_with_its_value(facebook):
    ari = facebook.comparison.ari
    pairs = [(float(ari.loc[a, b]), a, b) for a in ari.index for b in ari.columns if a < b]
    value, _, _ = max(pairs)
    assert f"(ARI {value:.2f})" in facebook.reading.value
    assert facebook.use_buttons["kmeans"].disabled  # in use
    assert not facebook.use_buttons["ward"].disabled
