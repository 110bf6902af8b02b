"""Choosing k: the sweep over k with its elbow (click a k to use it), and stability per k."""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from typing import Any

import bqplot as bq
import ipywidgets as w
import numpy as np
import pandas as pd

from ..core.algorithms import ALGORITHMS
from ..core.diagnostics import STABILITY_METHODS, SweepResult, stability
from ..errors import SegwidgetsValueError
from ..session import Segmentation
from ._background import BackgroundJob, plain_words
from ._base import CLEAR_PNG, css, escape, format_count, format_number, report_errors

#: Metric key -> (label, which way is better, what it says).
SWEEP_METRICS: dict[str, tuple[str, str, str]] = {
    "inertia": ("Inertia (the elbow)", "lower",
                "spread inside segments; it always falls as k grows, so look for the bend"),
    "silhouette": ("Silhouette", "higher",
                   "how much closer rows are to their own segment than to the next (-1 to 1)"),
    "calinski_harabasz": ("Calinski–Harabasz", "higher", "separation between segments over spread inside them"),
    "davies_bouldin": ("Davies–Bouldin", "lower", "how alike each segment is to its most similar neighbour"),
    "bic": ("BIC (Gaussian mixture)", "lower", "fit of the mixture, penalised for its size"),
}
#: The settings a sweep depends on; a change of any of them makes a shown sweep stale (k does not).
_SWEEP_SETTINGS = ("features", "scaling", "impute", "log1p", "algorithm", "seed", "params")


def _signature(model: Segmentation, names: Sequence[str]) -> tuple:
    values = []
    for name in names:
        value = getattr(model, name)
        values.append(tuple(value) if isinstance(value, list) else
                      tuple(sorted(value.items())) if isinstance(value, dict) else value)
    data = model.data
    return (id(data), 0 if data is None else len(data), *values)


class _RunControls:
    """Run / Cancel buttons, a progress bar and a message line, for a slow computation."""

    def __init__(self, name: str, run_label: str) -> None:
        self.run_button = w.Button(description=run_label, icon="play", button_style="primary",
                                   layout=w.Layout(width="auto"))
        self.run_button.add_class(css(f"{name}-run"))
        self.cancel_button = w.Button(description="Cancel", icon="stop", disabled=True,
                                      layout=w.Layout(width="auto"))
        self.cancel_button.add_class(css(f"{name}-cancel"))
        self.progress = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(width="160px"))
        self.progress.add_class(css(f"{name}-progress"))
        self.message = w.HTML("")
        self.message.add_class(css(f"{name}-message"))
        self.cancelled = threading.Event()

    def row(self) -> w.HBox:
        return w.HBox([self.run_button, self.cancel_button, self.progress],
                      layout=w.Layout(align_items="center"))

    def say(self, text: str, *, error: bool = False) -> None:
        colour = "#b00020" if error else "#333"
        self.message.value = f"<span style='color:{colour}'>{escape(text)}</span>"


class KSweepPanel(w.VBox):
    """Fit every k of ``ks`` with the model's settings and plot how good each is.

    Press Run (or call :meth:`run`): the sweep runs on a thread with progress and
    can be cancelled. The elbow of the inertia curve is marked; other metrics
    (silhouette, Calinski–Harabasz, Davies–Bouldin, and BIC for a Gaussian mixture)
    are a dropdown away. Clicking on the plot, or "Use k", sets the model's k; the
    sweep's fits are in the model's cache, so that refit is instant.

    Data Attributes:
        model: Segmentation — observed: ``revision``; ``k`` is set by clicks and "Use k".
        ks: list[int] — the values of k swept (default 2..12).
        result: SweepResult | None — the last sweep shown.
        stale: bool — the model's settings (not k) changed since ``result`` was computed.
        run_button, cancel_button, progress, message — css ``sw-sweep-run``,
            ``sw-sweep-cancel``, ``sw-sweep-progress``, ``sw-sweep-message``.
        metric: Dropdown (css ``sw-sweep-metric``) — the curve shown.
        figure: bqplot Figure (css ``sw-sweep-plot``); clicks on it choose k.
        use_k: Dropdown (css ``sw-sweep-use``) and use_button (``sw-sweep-use-button``).
        table: HTML (css ``sw-sweep-table``) — every figure of the sweep.

    Style Attributes:
        background: bool (default True) — sweep on a thread; False runs in the caller's thread.
    """

    def __init__(self, model: Segmentation, ks: Sequence[int] | range = range(2, 13), *,
                 background: bool = True, **kwargs: Any) -> None:
        self.model = model
        self.ks = [int(k) for k in ks]
        if len(self.ks) < 2:
            raise SegwidgetsValueError("A sweep needs at least two values of k.")
        self.result: SweepResult | None = None
        self.stale = False
        self._signature: tuple | None = None
        self._job = BackgroundJob(background, name="segwidgets-sweep")
        self.controls = _RunControls("sweep", "Run over k")
        self.run_button, self.cancel_button = self.controls.run_button, self.controls.cancel_button
        self.progress, self.message = self.controls.progress, self.controls.message

        self.metric = w.Dropdown(options=[(v[0], k) for k, v in SWEEP_METRICS.items() if k != "bic"],
                                 value="inertia", description="Show", layout=w.Layout(width="300px"))
        self.metric.add_class(css("sweep-metric"))
        self.x_scale = bq.LinearScale(min=self.ks[0] - 0.5, max=self.ks[-1] + 0.5)
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
                                      x=[self.ks[0] - 0.5, self.ks[-1] + 0.5], y=[0.0, 1.0], scales=scales)
        self.click_surface.on_element_click(self._on_plot_click)
        self.y_axis = bq.Axis(scale=self.y_scale, orientation="vertical", label="inertia",
                              tick_format=".3~s", label_offset="45px")
        self.figure = bq.Figure(
            marks=[self.curve, self.knee_line, self.current_line, self.labels, self.click_surface],
            axes=[bq.Axis(scale=self.x_scale, label="k (click to use it)", tick_format="d",
                          tick_values=np.array(self.ks)), self.y_axis],
            animation_duration=0, fig_margin={"top": 15, "bottom": 45, "left": 70, "right": 15},
            layout=w.Layout(width="100%", height="320px"),
        )
        self.figure.add_class(css("sweep-plot"))
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
        self.run_button.on_click(self._on_run)
        self.cancel_button.on_click(self._on_cancel)
        self.use_button.on_click(self._on_use)
        self.metric.observe(self._draw, "value")
        model.observe(self._on_revision, "revision")
        model.observe(self._on_revision, "algorithm")
        self._check_algorithm()
        self.controls.say("Press “Run over k” to fit k = "
                          f"{self.ks[0]}–{self.ks[-1]} with the current features and settings.")

    # ------------------------------------------------------------ running
    def run(self, wait: bool = False) -> None:
        """Start the sweep (on a thread unless ``background=False``); ``wait`` blocks until done."""
        if not self._check_algorithm():
            return
        model = self.model
        controls = self.controls
        controls.cancelled.clear()
        controls.progress.max, controls.progress.value = len(self.ks), 0
        self.run_button.disabled, self.cancel_button.disabled = True, False
        controls.say(f"Fitting {len(self.ks)} values of k…")
        signature = _signature(model, _SWEEP_SETTINGS)

        def progress(done: int, total: int) -> None:
            controls.progress.value = done
            controls.say(f"Fitted {done} of {total} values of k…")

        def work() -> SweepResult:
            return model.sweep(self.ks, progress=progress, cancel=controls.cancelled.is_set)

        def done(result: SweepResult) -> None:
            self.result, self._signature, self.stale = result, signature, False
            self._finish()
            found = len(result.table)
            if result.cancelled:
                words = f"Cancelled after {found} of {len(self.ks)} values of k."
            elif result.knee is not None:
                words = f"Done: the elbow of the inertia curve is at k={result.knee}."
            else:
                words = "Done: the inertia curve has no clear elbow; read the other measures."
            notes = " ".join(result.notes[:3])
            controls.say(f"{words} {notes}".strip())
            self._draw()

        def failed(exc: BaseException) -> None:
            self._finish()
            controls.say(plain_words(exc), error=True)

        self._job.start(work, done, failed, wait=wait)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the sweep under way has finished; False if ``timeout`` ran out."""
        return self._job.wait(timeout)

    def _finish(self) -> None:
        self.run_button.disabled = not ALGORITHMS[self.model.algorithm].uses_k
        self.cancel_button.disabled = True

    @report_errors
    def _on_run(self, button: Any = None) -> None:
        self.run()

    @report_errors
    def _on_cancel(self, button: Any = None) -> None:
        self.controls.cancelled.set()
        self.controls.say("Cancelling after the k being fitted…")

    def _check_algorithm(self) -> bool:
        info = ALGORITHMS[self.model.algorithm]
        if not info.uses_k:
            self.run_button.disabled = True
            self.controls.say(f"{info.label} chooses the number of segments by itself: choose "
                              "k-means, Ward or a Gaussian mixture to compare values of k.")
            return False
        if not self._job.running:
            self.run_button.disabled = False
        return True

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
        data = content.get("data") if isinstance(content, dict) else None
        if not isinstance(data, dict):
            return
        try:
            x = float(data["click_x"])
        except (KeyError, TypeError, ValueError):
            return  # not a click we understand: ignore it
        self.click_at(x)

    @report_errors
    def _on_use(self, button: Any = None) -> None:
        self.choose(self.use_k.value)

    # ------------------------------------------------------------ drawing
    @report_errors
    def _on_revision(self, change: Any = None) -> None:
        self._check_algorithm()
        if self.result is not None and _signature(self.model, _SWEEP_SETTINGS) != self._signature:
            if not self.stale:
                self.stale = True
                self.controls.say("Settings changed since this sweep: press “Run over k” to update it.")
        self._draw_current()

    def _draw_current(self) -> None:
        k = self.model.k
        if self.result is None or not len(self.result.table) or self.stale:
            self.current_line.x, self.current_line.y = np.zeros(0), np.zeros(0)
            return
        low, high = self._y_range()
        with self.current_line.hold_sync():
            self.current_line.x = np.array([k, k], dtype=float)
            self.current_line.y = np.array([low, high], dtype=float)
        if k in self.ks:
            self.use_k.value = k

    def _y_range(self) -> tuple[float, float]:
        values = self._values()
        finite = values[np.isfinite(values)] if len(values) else values
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
    def _draw(self, change: Any = None) -> None:
        result = self.result
        if result is None:
            return
        options = [(v[0], k) for k, v in SWEEP_METRICS.items() if k in result.table.columns]
        if [o[1] for o in self.metric.options] != [o[1] for o in options]:
            with self.metric.hold_trait_notifications():
                self.metric.options = options
                if self.metric.value not in result.table:
                    self.metric.value = "inertia"
        key = self.metric.value
        label, better, meaning = SWEEP_METRICS[key]
        table = result.table
        ks = table.index.to_numpy(dtype=float)
        values = self._values()
        low, high = self._y_range()
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
        finite = np.isfinite(values)
        best = ""
        if key != "inertia" and finite.any():
            pick = np.nanargmax(values) if better == "higher" else np.nanargmin(values)
            best = f" Best here: k={int(ks[pick])}."
        how = "" if key == "inertia" else f"{better} is better — "
        self.reading.value = (f"<span style='font-size:90%'><b>{escape(label)}</b>: "
                              f"{how}{escape(meaning)}.{best}</span>")
        self.table.value = _sweep_table(table, result.knee)
        self._draw_current()


def _sweep_table(table: pd.DataFrame, knee: int | None) -> str:
    names = {"inertia": "inertia ↓", "silhouette": "silhouette ↑", "calinski_harabasz": "Calinski–Harabasz ↑",
             "davies_bouldin": "Davies–Bouldin ↓", "bic": "BIC ↓", "n_segments": "segments found",
             "seconds": "seconds"}
    head = "".join(f"<th style='padding:2px 8px'>{escape(names.get(c, c))}</th>" for c in table.columns)
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


class StabilityPanel(w.VBox):
    """How much the segments change between runs, for each k (adjusted Rand index).

    Refit each k several times — with different seeds, or on bootstrap resamples of
    the rows — and compare the runs pairwise: close to 1 means the same segments come
    back every time.

    Data Attributes:
        model: Segmentation — read: prepared rows, algorithm, seed, k; observed: ``revision``.
        ks: list[int] — the values of k tested (default 2..8).
        result: pandas.DataFrame | None — ``mean_ari``, ``min_ari``, ``n_runs`` per k.
        stale: bool — the model's settings (not k) changed since ``result`` was computed.
        method: Dropdown (css ``sw-stability-method``): seeds | bootstrap.
        runs: IntSlider (css ``sw-stability-runs``): runs per k, 2–10.
        run_button, cancel_button, progress, message — css ``sw-stability-run`` ...
        figure: bqplot Figure (css ``sw-stability-plot``).

    Style Attributes:
        background: bool (default True).
    """

    def __init__(self, model: Segmentation, ks: Sequence[int] | range = range(2, 9), *,
                 background: bool = True, **kwargs: Any) -> None:
        self.model = model
        self.ks = [int(k) for k in ks]
        self.result: pd.DataFrame | None = None
        self.stale = False
        self._signature: tuple | None = None
        self._job = BackgroundJob(background, name="segwidgets-stability")
        self.controls = _RunControls("stability", "Test stability")
        self.run_button, self.cancel_button = self.controls.run_button, self.controls.cancel_button
        self.progress, self.message = self.controls.progress, self.controls.message
        self.method = w.Dropdown(options=[("refit with other seeds", "seeds"),
                                          ("refit on resampled rows (bootstrap)", "bootstrap")],
                                 value="seeds", description="How", layout=w.Layout(width="340px"))
        self.method.add_class(css("stability-method"))
        self.runs = w.IntSlider(value=5, min=2, max=10, description="Runs per k",
                                style={"description_width": "initial"})
        self.runs.add_class(css("stability-runs"))
        scales = {"x": bq.LinearScale(min=self.ks[0] - 0.5, max=self.ks[-1] + 0.5),
                  "y": bq.LinearScale(min=0.0, max=1.05)}
        self.mean_line = bq.Lines(x=np.zeros(0), y=np.zeros(0), scales=scales, marker="circle",
                                  marker_size=36, colors=["#4e79a7"], stroke_width=2, labels=["mean"])
        self.min_line = bq.Lines(x=np.zeros(0), y=np.zeros(0), scales=scales, colors=["#9aa0a6"],
                                 line_style="dashed", labels=["lowest pair"])
        self.current_line = bq.Lines(x=np.zeros(0), y=np.zeros(0), scales=scales, colors=["#59a14f"],
                                     opacities=[0.7])
        self.figure = bq.Figure(
            marks=[self.mean_line, self.min_line, self.current_line],
            axes=[bq.Axis(scale=scales["x"], label="k", tick_format="d", tick_values=np.array(self.ks)),
                  bq.Axis(scale=scales["y"], orientation="vertical", label="adjusted Rand index",
                          label_offset="45px")],
            animation_duration=0, fig_margin={"top": 15, "bottom": 45, "left": 70, "right": 15},
            layout=w.Layout(width="100%", height="260px"),
        )
        self.figure.add_class(css("stability-plot"))
        self.reading = w.HTML("")
        self.reading.add_class(css("stability-reading"))
        super().__init__([
            w.HTML("<b>Stability</b>: do the same segments come back when the fit is repeated? "
                   "Close to 1: yes, every time; below about 0.8: treat the segments with caution."),
            w.HBox([self.method, self.runs]), self.controls.row(), self.message, self.figure, self.reading,
        ], **kwargs)
        self.add_class(css("stability-panel"))
        self.run_button.on_click(self._on_run)
        self.cancel_button.on_click(lambda b: (self.controls.cancelled.set(),
                                               self.controls.say("Cancelling after the k being tested…")))
        model.observe(self._on_revision, "revision")

    def run(self, wait: bool = False) -> None:
        """Start the test (on a thread unless ``background=False``); ``wait`` blocks until done."""
        model = self.model
        controls = self.controls
        info = ALGORITHMS[model.algorithm]
        if not info.uses_k:
            controls.say(f"{info.label} chooses the number of segments by itself; stability per k "
                         "does not apply to it.", error=True)
            return
        prepared = model.prepared
        if prepared is None:
            controls.say("There are no segments yet to test.", error=True)
            return
        method, n_runs, seed, algorithm = self.method.value, int(self.runs.value), model.seed, model.algorithm
        if method not in STABILITY_METHODS:
            controls.say(f"Choose one of: {', '.join(STABILITY_METHODS)}.", error=True)
            return
        controls.cancelled.clear()
        controls.progress.max, controls.progress.value = len(self.ks), 0
        self.run_button.disabled, self.cancel_button.disabled = True, False
        controls.say(f"Fitting each k {n_runs} times…")
        signature = _signature(model, _SWEEP_SETTINGS)

        def progress(done: int, total: int) -> None:
            controls.progress.value = done
            controls.say(f"Tested {done} of {total} values of k…")

        def work() -> pd.DataFrame:
            return stability(prepared, self.ks, n_runs=n_runs, seed=seed, method=method,
                             algorithm=algorithm, progress=progress, cancel=controls.cancelled.is_set)

        def done(result: pd.DataFrame) -> None:
            self.result, self._signature, self.stale = result, signature, False
            self.run_button.disabled, self.cancel_button.disabled = False, True
            tested = len(result)
            if controls.cancelled.is_set() and tested < len(self.ks):
                controls.say(f"Cancelled after {tested} of {len(self.ks)} values of k.")
            else:
                controls.say(f"Done: {tested} values of k, {n_runs} runs each ({method}).")
            self._draw()

        def failed(exc: BaseException) -> None:
            self.run_button.disabled, self.cancel_button.disabled = False, True
            controls.say(plain_words(exc), error=True)

        self._job.start(work, done, failed, wait=wait)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the test under way has finished; False if ``timeout`` ran out."""
        return self._job.wait(timeout)

    @report_errors
    def _on_run(self, button: Any = None) -> None:
        self.run()

    @report_errors
    def _on_revision(self, change: Any = None) -> None:
        if self.result is not None and not self.stale and _signature(self.model, _SWEEP_SETTINGS) != self._signature:
            self.stale = True
            self.controls.say("Settings changed since this test: press “Test stability” to update it.")
        self._draw_current()

    def _draw_current(self) -> None:
        k = self.model.k
        shown = self.result is not None and not self.stale and k in set(self.result.index)
        self.current_line.x = np.array([k, k], dtype=float) if shown else np.zeros(0)
        self.current_line.y = np.array([0.0, 1.05]) if shown else np.zeros(0)

    def _draw(self) -> None:
        result = self.result
        if result is None:
            return
        ks = result.index.to_numpy(dtype=float)
        with self.mean_line.hold_sync(), self.min_line.hold_sync():
            self.mean_line.x, self.mean_line.y = ks, result["mean_ari"].to_numpy(dtype=float)
            self.min_line.x, self.min_line.y = ks, result["min_ari"].to_numpy(dtype=float)
        steady = [int(k) for k, v in result["mean_ari"].items() if v >= 0.9]
        shaky = [int(k) for k, v in result["mean_ari"].items() if v < 0.8]
        parts = []
        if steady:
            parts.append(f"steady (mean ARI ≥ 0.9): k = {', '.join(map(str, steady))}")
        if shaky:
            parts.append(f"unsteady (below 0.8): k = {', '.join(map(str, shaky))}")
        self.reading.value = (f"<span style='font-size:90%'>{escape('; '.join(parts) or 'No k is fully steady.')}"
                              "</span>")
        self._draw_current()
