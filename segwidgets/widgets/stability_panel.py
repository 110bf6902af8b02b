"""``StabilityPanel``: how much the segments change between runs, for each k."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import bqplot as bq
import ipywidgets as w
import numpy as np
import pandas as pd

from ..core.algorithms import ALGORITHMS
from ..core.diagnostics import STABILITY_METHODS, read_stability, stability
from ..session import Job, Segmentation
from ._base import css, escape
from ._over_k import OverKPanel

__all__ = ["StabilityPanel"]


class StabilityPanel(OverKPanel, w.VBox):
    """How much the segments change between runs, for each k (adjusted Rand index).

    Refit each k several times — with different seeds, or on bootstrap resamples of
    the rows — and compare the runs pairwise: close to 1 means the same segments come
    back every time. The runs use the rows, algorithm and seed of the model's result.

    Data Attributes:
        model: Segmentation — observed: ``result`` (its prepared rows, algorithm, seed, k).
        ks: list[int] — the values of k tested (default 2..8).
        result: pandas.DataFrame | None — ``mean_ari``, ``min_ari``, ``n_runs`` per k.
        stale: bool — the model's fit changed other than by its k since ``result`` was computed.
        method: Dropdown (css ``sw-stability-method``): seeds | bootstrap.
        runs: IntSlider (css ``sw-stability-runs``): runs per k, 2–10.
        run_button, cancel_button, progress, message — css ``sw-stability-run`` ...
        figure: bqplot Figure (css ``sw-stability-plot``).
        reading: HTML (css ``sw-stability-reading``) — the steady and unsteady values of k.

    Style Attributes:
        background: bool (default True).
    """

    stale_words = "Settings changed since this test: press “Test stability” to update it."
    cancel_words = "Cancelling after the k being tested…"

    def __init__(self, model: Segmentation, ks: Sequence[int] | range = range(2, 9), *,
                 background: bool = True, **kwargs: Any) -> None:
        self.model = model
        self.result: pd.DataFrame | None = None
        self._init_over_k("stability", "Test stability", ks, background)
        self.method = w.Dropdown(options=[("refit with other seeds", "seeds"),
                                          ("refit on resampled rows (bootstrap)", "bootstrap")],
                                 value="seeds", description="How", layout=w.Layout(width="340px"))
        self.method.add_class(css("stability-method"))
        self.runs = w.IntSlider(value=5, min=2, max=10, description="Runs per k",
                                style={"description_width": "initial"})
        self.runs.add_class(css("stability-runs"))
        scales = {"x": self.x_scale, "y": bq.LinearScale(min=0.0, max=1.05)}
        self.mean_line = bq.Lines(x=np.zeros(0), y=np.zeros(0), scales=scales, marker="circle",
                                  marker_size=36, colors=["#4e79a7"], stroke_width=2, labels=["mean"])
        self.min_line = bq.Lines(x=np.zeros(0), y=np.zeros(0), scales=scales, colors=["#9aa0a6"],
                                 line_style="dashed", labels=["lowest pair"])
        self.current_line = bq.Lines(x=np.zeros(0), y=np.zeros(0), scales=scales, colors=["#59a14f"],
                                     opacities=[0.7])
        y_axis = bq.Axis(scale=scales["y"], orientation="vertical", label="adjusted Rand index",
                         label_offset="45px")
        self.figure = self._k_figure("stability", [self.mean_line, self.min_line, self.current_line], y_axis,
                                     "k", "260px")
        self.reading = w.HTML("")
        self.reading.add_class(css("stability-reading"))
        super().__init__([
            w.HTML("<b>Stability</b>: do the same segments come back when the fit is repeated? "
                   "Close to 1: yes, every time; below about 0.8: treat the segments with caution."),
            w.HBox([self.method, self.runs]), self.controls.row(), self.message, self.figure, self.reading,
        ], **kwargs)
        self.add_class(css("stability-panel"))
        self.watch(self._on_result, "result")

    def run(self, wait: bool = False) -> None:
        """Start the test (in the panel's lane, on a thread unless ``background=False``);
        ``wait`` blocks until done."""
        controls, shown = self.controls, self.model.result
        if shown is None:
            controls.say("There are no segments yet to test.", error=True)
            return
        info = ALGORITHMS[shown.algorithm]
        if not info.uses_k:
            controls.say(f"{info.label} chooses the number of segments by itself; stability per k "
                         "does not apply to it.", error=True)
            return
        method, n_runs = self.method.value, int(self.runs.value)
        if method not in STABILITY_METHODS:
            controls.say(f"Choose one of: {', '.join(STABILITY_METHODS)}.", error=True)
            return
        controls.say(f"Fitting each k {n_runs} times…")

        def work(job: Job, progress: Any) -> pd.DataFrame:
            def tested(done: int, total: int) -> None:
                progress(done, total)
                controls.say(f"Tested {done} of {total} values of k…")

            return stability(shown.prepared, self.ks, n_runs=n_runs, seed=shown.seed, method=method,
                             algorithm=shown.algorithm, progress=tested,
                             cancel=lambda: self.cancel_requested or job.cancelled)

        def done(result: pd.DataFrame) -> None:
            self.result = result
            tested = len(result)
            if self.cancel_requested and tested < len(self.ks):
                self._say_done(f"Cancelled after {tested} of {len(self.ks)} values of k.")
            else:
                self._say_done(f"Done: {tested} values of k, {n_runs} runs each ({method}).")
            self._draw()

        self.start(work, done, total=len(self.ks), wait=wait)

    def _draw_current(self) -> None:
        shown = self.model.result
        k = None if shown is None else shown.k
        drawn = self.result is not None and not self.stale and k in set(self.result.index)
        self.current_line.x = np.array([k, k], dtype=float) if drawn else np.zeros(0)
        self.current_line.y = np.array([0.0, 1.05]) if drawn else np.zeros(0)

    def _draw(self) -> None:
        result = self.result
        if result is None:
            return
        ks = result.index.to_numpy(dtype=float)
        with self.mean_line.hold_sync(), self.min_line.hold_sync():
            self.mean_line.x, self.mean_line.y = ks, result["mean_ari"].to_numpy(dtype=float)
            self.min_line.x, self.min_line.y = ks, result["min_ari"].to_numpy(dtype=float)
        self.reading.value = f"<span style='font-size:90%'>{escape(read_stability(result))}</span>"
        self._draw_current()
