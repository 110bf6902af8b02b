"""``ComparisonPanel``: "Compare algorithms" — the same rows and k under several algorithms.

The fits run in the panel's lane of the model's scheduler when Run is pressed
(see :func:`segwidgets.core.diagnostics.compare_algorithms`); the panel shows a
table of quality measures (best value per column in bold), how far the
algorithms agree (adjusted Rand index, as a coloured table and a sentence),
and a "Use …" button per algorithm that switches the model to it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import ipywidgets as w
import pandas as pd

from ..core.diagnostics import (
    COMPARE_MAX_ROWS,
    Comparison,
    algorithm_label,
    best_rows,
    comparable,
    compare_algorithms,
    read_ari,
)
from ..core.text import escape, format_count, format_number
from ..session import Job, Result, Segmentation
from ._base import SPINNER, css, report_errors, spinner_style
from ._view import RunPanel, plain_words

__all__ = ["ComparisonPanel"]

STALE_MESSAGE = "Settings changed — press Run to update."

#: (column of Comparison.metrics, header, "higher"/"lower"/None is better)
COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("n_segments", "Segments found", None),
    ("silhouette", "Silhouette", "higher"),
    ("calinski_harabasz", "Calinski–Harabasz", "higher"),
    ("davies_bouldin", "Davies–Bouldin", "lower"),
    ("seconds", "Seconds", "lower"),
)

_STYLE = """<style>
.sw-compare-panel table { border-collapse: collapse; font-size: 13px; }
.sw-compare-panel th, .sw-compare-panel td { padding: 3px 8px; text-align: right; white-space: nowrap; }
.sw-compare-panel th { vertical-align: bottom; font-weight: 600; }
.sw-compare-panel th small { font-weight: 400; color: #666; }
.sw-compare-panel td.sw-name, .sw-compare-panel th.sw-name { text-align: left; }
.sw-compare-panel tr.sw-current td { background: #f2f2f2; }
.sw-compare-panel .sw-stale { opacity: 0.45; }
.sw-compare-panel .sw-compare-message.sw-warning { color: #8a6d00; }
.sw-compare-panel .sw-compare-message.sw-error { color: #c62828; font-weight: 600; }
</style>""" + spinner_style("sw-compare-panel")


def _format(column: str, value: float) -> str:
    if value is None or not math.isfinite(float(value)):
        return "–"
    if column == "n_segments":
        return format_count(value)
    if column in ("silhouette", "davies_bouldin"):
        return f"{value:.3f}"
    if column == "seconds":
        return f"{value:.2f}"
    return format_number(value)


def ari_colour(value: float) -> tuple[str, str]:
    """Background and text colour of an ARI cell: white at 0 (or below) to blue at 1."""
    if value is None or not math.isfinite(float(value)):
        return "#ffffff", "#1a1a1a"
    t = max(0.0, min(1.0, float(value)))
    white, blue = (255, 255, 255), (46, 94, 150)
    r, g, b = (round(a + (c - a) * t) for a, c in zip(white, blue))
    return f"#{r:02x}{g:02x}{b:02x}", ("#ffffff" if t > 0.55 else "#1a1a1a")


class ComparisonPanel(RunPanel, w.VBox):
    """Compare algorithms: the model's prepared rows and k fitted by each algorithm.

    Press Run (or call :meth:`run`) to fit each algorithm in the panel's lane of
    the model's scheduler; a newer run overtakes an older one. The comparison
    depends on the prepared rows (data, features, preprocessing), k and seed of
    the model's result (:meth:`key`): when one of them changes after a run, the
    result is marked stale until Run is pressed again; switching algorithm does
    not make it stale (the comparison is the same).

    Data Attributes:
        model: Segmentation — observed: ``result``; ``algorithm`` is set by the Use buttons.
        algorithms: tuple[str, ...] — registry keys compared (default: kmeans, ward, gmm).
        comparison: Comparison | None — the last result shown.
        compared_k: int | None — the k of ``comparison``.
        stale: bool — whether the model's rows, k or seed changed since ``comparison`` was computed.
        run_button: Button (css ``sw-compare-run``).
        message: HTML — what is happening, the sample note, warnings, errors
            (css ``sw-compare-message``).
        table: HTML — quality measures per algorithm (css ``sw-compare-table``).
        ari: HTML — adjusted Rand index matrix (css ``sw-compare-ari``).
        reading: HTML — the matrix in words (css ``sw-compare-reading``).
        use_buttons: dict algorithm key -> Button "Use …" (css ``sw-compare-use``).

    Style Attributes:
        background: bool (default: True) — fit on a thread; False runs in the caller's thread.
        max_rows: int (default: 10,000) — above this many rows, when an algorithm grows with
            rows squared, all algorithms are compared on one seeded sample of this size.
    """

    def __init__(
        self,
        model: Segmentation,
        algorithms: Sequence[str] = ("kmeans", "ward", "gmm"),
        *,
        background: bool = True,
        max_rows: int = COMPARE_MAX_ROWS,
        **kwargs: Any,
    ) -> None:
        self.model = model
        self._init_run("compare", "Run comparison", background)  # first: close() needs it
        self.algorithms = comparable(algorithms)
        self.max_rows = int(max_rows)
        self.comparison: Comparison | None = None
        self.compared_k: int | None = None
        self._drawn: tuple[str, bool] | None = None  # (algorithm in use, stale) as last drawn
        self.run_button.tooltip = "Fit every algorithm with the current features and k"

        self.table = w.HTML()
        self.table.add_class(css("compare-table"))
        self.table.layout.overflow_x = "auto"
        self.ari = w.HTML()
        self.ari.add_class(css("compare-ari"))
        self.reading = w.HTML()
        self.reading.add_class(css("compare-reading"))
        self.use_buttons: dict[str, w.Button] = {}
        for key in self.algorithms:
            button = w.Button(description=f"Use {algorithm_label(key)}", disabled=True,
                              tooltip=f"Segment with {algorithm_label(key)}", layout=w.Layout(width="auto"))
            button.add_class(css("compare-use"))
            button.algorithm = key
            button.on_click(self._on_use)
            self.use_buttons[key] = button
        self.results = w.VBox([
            self.table,
            w.HBox(list(self.use_buttons.values()), layout=w.Layout(flex_flow="row wrap")),
            w.HTML("<b>How far the algorithms agree</b> <small>(adjusted Rand index)</small>"),
            self.ari,
            self.reading,
        ])
        self.results.layout.display = "none"
        super().__init__(
            [w.HTML(_STYLE + "<b>Compare algorithms</b>"),
             w.HBox([self.run_button, self.message], layout=w.Layout(align_items="center")),
             self.results],
            **kwargs,
        )
        self.add_class(css("compare-panel"))
        self.watch(self._on_result, "result")
        self._say(f"Press Run to fit {self._names()} with the same features and k.")

    @staticmethod
    def key(result: Result | None) -> tuple | None:
        """What a comparison depends on: the result's prepared rows, k and seed (not its algorithm)."""
        return None if result is None else (result.prep_key, result.k, result.seed)

    # ----------------------------------------------------------------- running
    def _names(self) -> str:
        labels = [algorithm_label(a) for a in self.algorithms]
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]

    def run(self, wait: bool = False) -> None:
        """Fit every algorithm on the rows of the model's result, at its k and seed
        (on a thread unless ``background=False``); ``wait`` blocks until done."""
        shown = self.model.result
        if self.model.data is None or shown is None:
            self._say("Load data and segment it first; then the algorithms can be compared.", "error")
            return
        prepared, k, seed = shown.prepared, int(shown.k), int(shown.seed)
        self._say(f"Fitting {self._names()} with k = {k} on {format_count(prepared.n_rows)} rows…", busy=True)

        def work(job: Job, progress: Any) -> Comparison:
            return compare_algorithms(prepared, k, self.algorithms, seed=seed, max_rows=self.max_rows)

        def done(comparison: Comparison) -> None:
            self.comparison, self.compared_k = comparison, k
            self._render(say=True)

        def failed(exc: BaseException) -> None:
            self._say(f"The comparison could not be made: {plain_words(exc)}", "error")

        self.start(work, done, failed, total=len(self.algorithms), wait=wait)

    @report_errors
    def _on_result(self, change: dict) -> None:
        if self.comparison is not None and (self.model.algorithm, self.stale) != self._drawn:
            self._render(say=not self.running)

    @report_errors
    def _on_use(self, button: w.Button) -> None:
        key = getattr(button, "algorithm", None)
        comparison = self.comparison
        # the browser can click a disabled button: check on the server
        if key not in self.algorithms or comparison is None or key not in comparison.labels:
            self._say("Run the comparison first; only an algorithm that fitted can be chosen.", "error")
            return
        if self.stale:
            self._say(STALE_MESSAGE, "warning")
            return
        self.model.algorithm = key
        self._render(say=not self.running)

    # --------------------------------------------------------------- drawing
    def _say(self, text: str, kind: str = "", busy: bool = False) -> None:
        self.message.value = (SPINNER if busy else "") + escape(text)
        for name in ("sw-warning", "sw-error", "sw-busy"):
            self.message.remove_class(name)
        if kind:
            self.message.add_class(f"sw-{kind}")
        if busy:
            self.message.add_class("sw-busy")

    def _render(self, say: bool) -> None:
        """Draw the comparison for the algorithm in use; ``say`` its summary in the message."""
        comparison = self.comparison
        if comparison is None:
            return
        stale, current = self.stale, self.model.algorithm
        self._drawn = (current, stale)
        with self.hold_sync():
            self.table.value = self._table_html(comparison.metrics, current)
            self.ari.value = self._ari_html(comparison.ari)
            self.reading.value = f"<span>{escape(read_ari(comparison.ari))}</span>"
            for key, button in self.use_buttons.items():
                label = algorithm_label(key)
                button.disabled = stale or key not in comparison.labels or key == current
                button.button_style = "" if key != current else "info"
                button.description = f"Use {label}" if key != current else f"Using {label}"
            self.results.layout.display = "flex"
            for part in (self.table, self.ari, self.reading):
                if stale:
                    part.add_class("sw-stale")
                else:
                    part.remove_class("sw-stale")
            if say:
                self._say(*self._summary(comparison, stale))

    def _summary(self, comparison: Comparison, stale: bool) -> tuple[str, str]:
        if stale:
            return STALE_MESSAGE, "warning"
        parts = [f"Compared at k = {self.compared_k}."]
        if comparison.note:
            parts.append(comparison.note)
        parts.extend(comparison.warnings)
        return " ".join(parts), ("warning" if comparison.warnings else "")

    @staticmethod
    def _table_html(metrics: pd.DataFrame, current: str) -> str:
        best = {column: best_rows(metrics, column, better)
                for column, _, better in COLUMNS if better is not None}
        head = "<th class='sw-name'>Algorithm</th>" + "".join(
            f"<th>{escape(title)}" + (f"<br><small>{better} is better</small>" if better else "") + "</th>"
            for _, title, better in COLUMNS
        )
        rows = []
        for key, record in metrics.iterrows():
            key = str(key)
            fitted = math.isfinite(float(record.get("n_segments", float("nan"))))
            name = escape(algorithm_label(key)) + (" <small>(in use)</small>" if key == current else "")
            if not fitted:
                cells = f"<td colspan='{len(COLUMNS)}' class='sw-name'>could not be fitted</td>"
            else:
                cells = ""
                for column, _, better in COLUMNS:
                    text = escape(_format(column, record[column]))
                    if better is not None and key in best[column]:
                        text = f"<b>{text}</b>"
                    cells += f"<td class='sw-{column.replace('_', '-')}'>{text}</td>"
            cls = "sw-compare-row" + (" sw-current" if key == current else "")
            rows.append(f"<tr class='{cls}' data-algorithm='{escape(key)}'><td class='sw-name'>{name}</td>{cells}</tr>")
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"

    @staticmethod
    def _ari_html(ari: pd.DataFrame) -> str:
        keys = [str(k) for k in ari.index]
        head = "<th></th>" + "".join(f"<th>{escape(algorithm_label(k))}</th>" for k in keys)
        rows = []
        for a in keys:
            cells = []
            for b in keys:
                value = float(ari.loc[a, b])
                background, colour = ari_colour(value)
                text = f"{value:.2f}" if math.isfinite(value) else "–"
                cells.append(
                    f"<td class='sw-ari-cell' data-row='{escape(a)}' data-col='{escape(b)}' "
                    f"style='background:{background};color:{colour};text-align:center'>{text}</td>"
                )
            rows.append(f"<tr><th class='sw-name'>{escape(algorithm_label(a))}</th>{''.join(cells)}</tr>")
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
