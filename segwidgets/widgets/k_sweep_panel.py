"""``KSweepPanel``: fit each k with the model's settings, mark the elbow, click a k to use it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import bqplot as bq
import ipywidgets as w
import numpy as np
import pandas as pd

from ..core.algorithms import ALGORITHMS
from ..core.diagnostics import SWEEP_METRICS, SweepResult, best_k, sweep_outcome
from ..core.text import tick_format
from ..errors import SegwidgetsValueError
from ..session import Job, Segmentation
from ._base import (
    CLEAR_PNG,
    click_point,
    css,
    escape,
    format_count,
    format_number,
    report_errors,
)
from ._over_k import OverKPanel
from ._view import plain_words

__all__ = ["KSweepPanel"]

#: Column headers of the sweep table.
_HEADERS = {"inertia": "inertia ↓", "silhouette": "silhouette ↑", "calinski_harabasz": "Calinski–Harabasz ↑",
            "davies_bouldin": "Davies–Bouldin ↓", "bic": "BIC ↓", "n_segments": "segments found",
            "seconds": "seconds"}


class KSweepPanel(OverKPanel, w.VBox):
    """Fit every k of ``ks`` with the model's settings and plot how good each is.

    Press Run (or call :meth:`run`): the sweep runs in the panel's lane with progress and
    can be cancelled. The elbow of the inertia curve is marked; other metrics
    (silhouette, Calinski–Harabasz, Davies–Bouldin, and BIC for a Gaussian mixture)
    are a dropdown away. Clicking on the plot, or "Use k", sets the model's k; the
    sweep's fits are in the model's cache, so that refit is instant.

    Data Attributes:
        model: Segmentation — observed: ``result``; ``k`` is set by clicks and "Use k".
        ks: list[int] — the values of k swept (default 2..12).
        result: SweepResult | None — the last sweep shown.
        stale: bool — the model's fit changed other than by its k since ``result`` was computed.
        run_button, cancel_button, progress, message — css ``sw-sweep-run``,
            ``sw-sweep-cancel``, ``sw-sweep-progress``, ``sw-sweep-message``.
        metric: Dropdown (css ``sw-sweep-metric``) — the curve shown.
        figure: bqplot Figure (css ``sw-sweep-plot``); clicks on it choose k.
        use_k: Dropdown (css ``sw-sweep-use``) and use_button (``sw-sweep-use-button``).
        reading: HTML (css ``sw-sweep-reading``) — what the metric shown says.
        table: HTML (css ``sw-sweep-table``) — every figure of the sweep.

    Style Attributes:
        background: bool (default True) — sweep on a thread; False runs in the caller's thread.
    """

    stale_words = "Settings changed since this sweep: press “Run over k” to update it."
    cancel_words = "Cancelling after the k being fitted…"

    def __init__(self, model: Segmentation, ks: Sequence[int] | range = range(2, 13), *,
                 background: bool = True, **kwargs: Any) -> None:
        self.model = model
        self.result: SweepResult | None = None
        self._init_over_k("sweep", "Run over k", ks, background)  # first: close() needs it
        if len(self.ks) < 2:
            raise SegwidgetsValueError("A sweep needs at least two values of k.")

        self.metric = w.Dropdown(options=[(v[0], k) for k, v in SWEEP_METRICS.items() if k != "bic"],
                                 value="inertia", description="Show", layout=w.Layout(width="300px"))
        self.metric.add_class(css("sweep-metric"))
        self.y_scale = bq.LinearScale()
        scales = {"x": self.x_scale, "y": self.y_scale}
        self.curve = bq.Lines(x=np.zeros(0), y=np.zeros(0), scales=scales, marker="circle",
                              marker_size=36, colors=["#4e79a7"], stroke_width=2)
        self.knee_line = bq.Lines(x=np.zeros(0), y=np.zeros(0), scales=scales, colors=["#e15759"],
                                  line_style="dashed", stroke_width=2)
        self.current_line = bq.Lines(x=np.zeros(0), y=np.zeros(0), scales=scales, colors=["#59a14f"],
                                     stroke_width=2, opacities=[0.7])
        self.labels = bq.Label(x=[], y=[], text=[], scales=scales, colors=["#333"], font_weight="normal",
                               default_size=12, x_offset=4, y_offset=-6)
        self.click_surface = bq.Image(image=w.Image(value=CLEAR_PNG, format="png"),
                                      x=[self.x_scale.min, self.x_scale.max], y=[0.0, 1.0], scales=scales)
        self.click_surface.on_element_click(self._on_plot_click)
        self.y_axis = bq.Axis(scale=self.y_scale, orientation="vertical", label="inertia",
                              tick_format=",.2~f", label_offset="45px")
        self.figure = self._k_figure(
            "sweep", [self.curve, self.knee_line, self.current_line, self.labels, self.click_surface],
            self.y_axis, "k (click to use it)", "320px")
        self.use_k = w.Dropdown(options=self.ks, value=self.ks[0], description="Use k =",
                                layout=w.Layout(width="150px"))
        self.use_k.add_class(css("sweep-use"))
        self.use_button = w.Button(description="Use", layout=w.Layout(width="auto"))
        self.use_button.add_class(css("sweep-use-button"))
        self.reading = w.HTML("")
        self.reading.add_class(css("sweep-reading"))
        self.table = w.HTML("")
        self.table.add_class(css("sweep-table"))

        super().__init__([
            w.HTML("<b>Choosing k</b>: fit each k and compare. The cache keeps every fit, "
                   "so moving the slider to a swept k afterwards is instant."),
            self.controls.row(), self.message,
            w.HBox([self.metric, self.use_k, self.use_button]),
            self.reading, self.figure, self.table,
        ], **kwargs)
        self.add_class(css("sweep-panel"))
        self.use_button.on_click(self._on_use)
        self.metric.observe(self._on_metric, "value")
        self.watch(self._on_result, "result")
        if self._allow_run():
            self.controls.say("Press “Run over k” to fit k = "
                              f"{self.ks[0]}–{self.ks[-1]} with the current features and settings.")

    # ------------------------------------------------------------ running
    def run(self, wait: bool = False) -> None:
        """Start the sweep (in the panel's lane, on a thread unless ``background=False``);
        ``wait`` blocks until done."""
        if not self._allow_run():
            return
        model, controls, n = self.model, self.controls, len(self.ks)
        controls.say(f"Fitting {n} values of k…")

        def work(job: Job, progress: Any) -> SweepResult:
            def fitted(done: int, total: int) -> None:
                progress(done, total)
                controls.say(f"Fitted {done} of {total} values of k…")

            return model.sweep(self.ks, progress=fitted, cancel=lambda: self.cancel_requested or job.cancelled)

        def done(result: SweepResult) -> None:
            self.result = result
            self._allow_run(quiet=True)
            self._say_done(sweep_outcome(result, n))
            self._draw()

        def failed(exc: BaseException) -> None:
            self._allow_run(quiet=True)
            controls.say(plain_words(exc), error=True)

        self.start(work, done, failed, total=n, wait=wait)

    def _allow_run(self, quiet: bool = False) -> bool:
        """Whether the model's algorithm has a k to sweep (if not, Run is off and the message says why)."""
        info = ALGORITHMS[self.model.algorithm]
        if not info.uses_k:
            self.run_button.disabled = True
            if not quiet:
                self.controls.say(f"{info.label} chooses the number of segments by itself: choose "
                                  "k-means, Ward or a Gaussian mixture to compare values of k.")
            return False
        if not self.running:
            self.run_button.disabled = False
        return True

    def _result_changed(self) -> None:
        self._allow_run()

    # ------------------------------------------------------------ choosing k
    def choose(self, k: int) -> None:
        """Set the model's k (one of the swept values)."""
        if int(k) not in self.ks:
            raise SegwidgetsValueError(f"k={k} was not swept; choose one of {self.ks[0]}–{self.ks[-1]}.")
        self.model.k = int(k)

    def click_at(self, x: float) -> int | None:
        """Choose the swept k nearest to plot position ``x`` (what a click on the plot does)."""
        if not math.isfinite(x):
            return None
        k = min(self.ks, key=lambda value: abs(value - x))
        if abs(k - x) > 0.5:
            return None
        self.choose(k)
        return k

    @report_errors
    def _on_plot_click(self, mark: Any, content: dict, *args: Any) -> None:
        point = click_point(content)
        if point is not None:
            self.click_at(point[0])

    @report_errors
    def _on_use(self, button: Any = None) -> None:
        self.choose(self.use_k.value)

    # ------------------------------------------------------------ drawing
    def _draw_current(self) -> None:
        shown = self.model.result
        if shown is None or self.result is None or not len(self.result.table) or self.stale:
            self.current_line.x, self.current_line.y = np.zeros(0), np.zeros(0)
            return
        low, high = self._y_range()
        with self.current_line.hold_sync():
            self.current_line.x = np.array([shown.k, shown.k], dtype=float)
            self.current_line.y = np.array([low, high], dtype=float)
        if shown.k in self.ks:
            self.use_k.value = shown.k

    def _y_range(self) -> tuple[float, float]:
        values = self._values()
        finite = values[np.isfinite(values)]
        if not len(finite):
            return 0.0, 1.0
        low, high = float(finite.min()), float(finite.max())
        pad = (high - low) * 0.08 or abs(high) * 0.08 or 1.0
        return low - pad, high + pad

    def _values(self) -> np.ndarray:
        if self.result is None or self.metric.value not in self.result.table:
            return np.zeros(0)
        return self.result.table[self.metric.value].to_numpy(dtype=float)

    @report_errors
    def _on_metric(self, change: dict) -> None:
        if not self.is_updating:
            self._draw()

    def _draw(self) -> None:
        result = self.result
        if result is None:
            return
        table = result.table
        options = [(v[0], k) for k, v in SWEEP_METRICS.items() if k in table.columns]
        if [o[1] for o in self.metric.options] != [o[1] for o in options]:
            with self.updating(), self.metric.hold_trait_notifications():
                self.metric.options = options
                if self.metric.value not in table:
                    self.metric.value = "inertia"
        key = self.metric.value
        label, better, meaning = SWEEP_METRICS[key]
        ks, values = table.index.to_numpy(dtype=float), self._values()
        low, high = self._y_range()
        # The format first: the axis redraws its ticks when the scale moves ("0.8", never "800m").
        self.y_axis.tick_format = tick_format(low, high)
        with self.curve.hold_sync(), self.knee_line.hold_sync(), self.labels.hold_sync():
            self.y_scale.min, self.y_scale.max = low, high
            self.click_surface.y = [low, high]
            self.y_axis.label = label
            self.curve.x, self.curve.y = ks, values
            if result.knee is not None:
                self.knee_line.x = np.array([result.knee, result.knee], dtype=float)
                self.knee_line.y = np.array([low, high])
                self.labels.x, self.labels.y = [float(result.knee)], [high]
                self.labels.text = [f"elbow: k={result.knee}"]
            else:
                self.knee_line.x, self.knee_line.y = np.zeros(0), np.zeros(0)
                self.labels.x, self.labels.y, self.labels.text = [], [], []
        best = best_k(table, key)
        best_words = "" if best is None else f" Best here: k={best}."
        how = "" if key == "inertia" else f"{better} is better — "
        self.reading.value = (f"<span style='font-size:90%'><b>{escape(label)}</b>: "
                              f"{how}{escape(meaning)}.{best_words}</span>")
        self.table.value = sweep_table(table, result.knee)
        self._draw_current()


def sweep_table(table: pd.DataFrame, knee: int | None) -> str:
    """Every figure of a sweep as an HTML table, the elbow's row marked."""
    head = "".join(f"<th style='padding:2px 8px'>{escape(_HEADERS.get(c, c))}</th>" for c in table.columns)
    rows = []
    for k, row in table.iterrows():
        cells = []
        for column in table.columns:
            value = row[column]
            text = format_count(value) if column == "n_segments" and not pd.isna(value) else format_number(value)
            cells.append(f"<td style='padding:2px 8px;text-align:right'>{text}</td>")
        mark = " style='background:#fff3e0'" if k == knee else ""
        rows.append(f"<tr{mark}><td style='padding:2px 8px'><b>{int(k)}</b></td>{''.join(cells)}</tr>")
    return ("<table style='font-size:85%;border-collapse:collapse'><tr><th>k</th>" + head + "</tr>"
            + "".join(rows) + "</table>")
