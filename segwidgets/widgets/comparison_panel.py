"""``ComparisonPanel``: "Compare algorithms" — the same features and k under several algorithms.

The fits run on a background thread when the Run button is pressed (see
:func:`segwidgets.core.diagnostics.compare_algorithms`); the panel shows a
table of quality measures (best value per column in bold), how far the
algorithms agree (adjusted Rand index, as a coloured table and a sentence),
and a "Use …" button per algorithm that switches the model to it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd

from ..core.algorithms import ALGORITHMS
from ..core.diagnostics import COMPARE_MAX_ROWS, Comparison, compare_algorithms
from ..errors import SegwidgetsValueError
from ..session import Segmentation
from ._background import BackgroundJob, plain_words
from ._base import SPINNER, css, escape, format_count, format_number, report_errors, spinner_style

STALE_MESSAGE = "Settings changed — press Run to update."
#: ARI at or above this reads as "agree closely"; below PARTLY as "differ".
AGREE_CLOSELY = 0.8
AGREE_PARTLY = 0.5

#: (column of Comparison.metrics, header, "higher"/"lower"/None is better, decimals)
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


def _label(key: str) -> str:
    info = ALGORITHMS.get(key)
    return info.label if info is not None else str(key)


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


def best_rows(metrics: pd.DataFrame, column: str, better: str) -> set[str]:
    """The algorithms holding the best value of ``column`` (ties all count; NaN never)."""
    values = metrics[column].astype(float)
    values = values[np.isfinite(values)]
    if values.empty:
        return set()
    best = values.max() if better == "higher" else values.min()
    return {str(key) for key, value in values.items() if math.isclose(value, best, rel_tol=1e-9, abs_tol=1e-12)}


def ari_colour(value: float) -> tuple[str, str]:
    """Background and text colour of an ARI cell: white at 0 (or below) to blue at 1."""
    if value is None or not math.isfinite(float(value)):
        return "#ffffff", "#1a1a1a"
    t = max(0.0, min(1.0, float(value)))
    white, blue = (255, 255, 255), (46, 94, 150)
    r, g, b = (round(a + (c - a) * t) for a, c in zip(white, blue))
    return f"#{r:02x}{g:02x}{b:02x}", ("#ffffff" if t > 0.55 else "#1a1a1a")


def read_ari(ari: pd.DataFrame) -> str:
    """One or two sentences reading the agreement matrix.

    The closest pair first ("k-means and Hierarchical (Ward) agree closely (ARI 0.93)"),
    then each other algorithm by its best agreement with that pair
    ("Gaussian mixture differs (0.41)").
    """
    keys = [str(k) for k in ari.index if math.isfinite(float(ari.loc[k, k]))]
    if len(keys) < 2:
        return "Only one algorithm could be compared, so there is no agreement to read."
    pairs = [(float(ari.loc[a, b]), a, b) for i, a in enumerate(keys) for b in keys[i + 1:]]
    pairs = [p for p in pairs if math.isfinite(p[0])]
    value, a, b = max(pairs, key=lambda p: p[0])
    if value >= AGREE_CLOSELY:
        verb = "agree closely"
    elif value >= AGREE_PARTLY:
        verb = "agree in part"
    else:
        verb = "disagree" if len(keys) == 2 else "agree best, but still differ"
    sentence = f"{_label(a)} and {_label(b)} {verb} (ARI {value:.2f})"
    others = []
    for key in keys:
        if key in (a, b):
            continue
        closest = max(float(ari.loc[key, a]), float(ari.loc[key, b]))
        if closest >= AGREE_CLOSELY:
            others.append(f"{_label(key)} agrees with them too ({closest:.2f})")
        elif closest >= AGREE_PARTLY:
            others.append(f"{_label(key)} agrees in part ({closest:.2f})")
        else:
            others.append(f"{_label(key)} differs ({closest:.2f})")
    if others:
        sentence += "; " + "; ".join(others)
    return sentence + ". (1 = the same segments, 0 = no more alike than chance.)"


class ComparisonPanel(w.VBox):
    """Compare algorithms: the model's features and k fitted by each algorithm.

    Press Run (or call :meth:`run`) to fit each algorithm on a background
    thread; a newer run overtakes an older one. When the model's data,
    features, preprocessing, k or seed change after a run, the result is
    marked stale until Run is pressed again; switching algorithm does not
    make it stale (the comparison is the same).

    Data Attributes:
        model: Segmentation — observed: ``revision``; ``algorithm`` is set by the Use buttons.
        algorithms: tuple[str, ...] — registry keys compared (default: kmeans, ward, gmm).
        comparison: Comparison | None — the last result shown.
        stale: bool — whether the model's settings changed since ``comparison`` was computed.
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
        algorithms = tuple(dict.fromkeys(str(a) for a in algorithms))
        unknown = [a for a in algorithms if a not in ALGORITHMS]
        if unknown or not algorithms:
            raise SegwidgetsValueError(
                f"Choose algorithms from {', '.join(ALGORITHMS)}"
                + (f"; unknown: {', '.join(unknown)}." if unknown else ".")
            )
        no_k = [ALGORITHMS[a].label for a in algorithms if not ALGORITHMS[a].uses_k]
        if no_k:
            raise SegwidgetsValueError(
                f"{', '.join(no_k)} chooses the number of segments by itself and cannot be "
                "compared at the same k."
            )
        self.model = model
        self.algorithms = algorithms
        self.background = bool(background)
        self.max_rows = int(max_rows)
        self.comparison: Comparison | None = None
        self.stale = False
        self._running = False
        self._signature: tuple | None = None
        self._job = BackgroundJob(self.background, name="segwidgets-compare")

        self.run_button = w.Button(
            description="Run comparison", icon="play", button_style="primary",
            tooltip="Fit every algorithm with the current features and k",
            layout=w.Layout(width="auto"),
        )
        self.run_button.add_class(css("compare-run"))
        self.message = w.HTML()
        self.message.add_class(css("compare-message"))
        self.table = w.HTML()
        self.table.add_class(css("compare-table"))
        self.table.layout.overflow_x = "auto"
        self.ari = w.HTML()
        self.ari.add_class(css("compare-ari"))
        self.reading = w.HTML()
        self.reading.add_class(css("compare-reading"))
        self.use_buttons: dict[str, w.Button] = {}
        for key in algorithms:
            button = w.Button(description=f"Use {_label(key)}", disabled=True,
                              tooltip=f"Segment with {_label(key)}", layout=w.Layout(width="auto"))
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
        self.run_button.on_click(self._on_run)
        model.observe(self._on_revision, "revision")
        self._say(f"Press Run to fit {self._names()} with the same features and k.")

    # ----------------------------------------------------------------- running
    def _names(self) -> str:
        labels = [_label(a) for a in self.algorithms]
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]

    def _current_signature(self) -> tuple:
        m = self.model
        return (id(m.data), tuple(m.features), m.scaling, m.impute, m.log1p, m.k, m.seed)

    def run(self, wait: bool = False) -> None:
        """Fit every algorithm (on a thread unless ``background=False``); ``wait`` blocks until done."""
        model = self.model
        prepared = model.prepared
        if model.data is None or prepared is None:
            self._say("Load data and segment it first; then the algorithms can be compared.", "error")
            return
        k, seed = int(model.k), int(model.seed)
        signature = self._current_signature()
        self._running = True
        self._say(f"Fitting {self._names()} with k = {k} on {format_count(prepared.n_rows)} rows…", busy=True)

        def work() -> Comparison:
            return compare_algorithms(prepared, k, self.algorithms, seed=seed, max_rows=self.max_rows)

        def done(comparison: Comparison) -> None:
            self._running = False
            self.comparison = comparison
            self._signature = signature
            self._render()

        def failed(exc: BaseException) -> None:
            self._running = False
            self._say(f"The comparison could not be made: {plain_words(exc)}", "error")

        self._job.start(work, done, failed, wait=wait)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the latest run has finished; False if ``timeout`` ran out first."""
        return self._job.wait(timeout)

    @report_errors
    def _on_run(self, button: Any = None) -> None:
        self.run()

    @report_errors
    def _on_revision(self, change: Any = None) -> None:
        if self.comparison is None:
            return
        self._render()

    @report_errors
    def _on_use(self, button: w.Button) -> None:
        key = getattr(button, "algorithm", None)
        comparison = self.comparison
        # the browser can click a disabled button: check on the server
        if key not in self.algorithms or comparison is None or key not in comparison.labels:
            self._say("Run the comparison first; only an algorithm that fitted can be chosen.", "error")
            return
        if self._signature != self._current_signature():
            self._say(STALE_MESSAGE, "warning")
            return
        self.model.algorithm = key
        self._render()

    # --------------------------------------------------------------- drawing
    def _say(self, text: str, kind: str = "", busy: bool = False) -> None:
        self.message.value = (SPINNER if busy else "") + escape(text)
        for name in ("sw-warning", "sw-error", "sw-busy"):
            self.message.remove_class(name)
        if kind:
            self.message.add_class(f"sw-{kind}")
        if busy:
            self.message.add_class("sw-busy")

    def _render(self) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        self.stale = self._signature != self._current_signature()
        current = self.model.algorithm
        with self.hold_sync():
            self.table.value = self._table_html(comparison.metrics, current)
            self.ari.value = self._ari_html(comparison.ari)
            self.reading.value = f"<span>{escape(read_ari(comparison.ari))}</span>"
            for key, button in self.use_buttons.items():
                fitted = key in comparison.labels
                button.disabled = self.stale or not fitted or key == current
                button.button_style = "" if key != current else "info"
                button.description = f"Use {_label(key)}" if key != current else f"Using {_label(key)}"
            self.results.layout.display = "flex"
            for part in (self.table, self.ari, self.reading):
                if self.stale:
                    part.add_class("sw-stale")
                else:
                    part.remove_class("sw-stale")
            if not self._running:
                self._say(*self._summary(comparison))

    def _summary(self, comparison: Comparison) -> tuple[str, str]:
        if self.stale:
            return STALE_MESSAGE, "warning"
        parts = [f"Compared at k = {self._signature[5]}."]
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
            name = escape(_label(key)) + (" <small>(in use)</small>" if key == current else "")
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
        head = "<th></th>" + "".join(f"<th>{escape(_label(k))}</th>" for k in keys)
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
            rows.append(f"<tr><th class='sw-name'>{escape(_label(a))}</th>{''.join(cells)}</tr>")
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
