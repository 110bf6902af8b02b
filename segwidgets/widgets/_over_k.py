"""What the panels over values of k share (the sweep, the stability test).

A run over values of k stays current when the model's k changes, and becomes
stale when anything else of the fit does (:func:`settings_key`).
"""

from __future__ import annotations

from collections.abc import Sequence

import bqplot as bq
import ipywidgets as w
import numpy as np

from ..session import Result
from ._base import css, report_errors
from ._view import RunPanel

__all__ = ["OverKPanel", "settings_key"]


def settings_key(result: Result | None) -> tuple | None:
    """``result.fit_key`` without its k: prepared rows, algorithm, seed and parameters."""
    if result is None:
        return None
    prep_key, algorithm, _k, seed, params = result.fit_key
    return (prep_key, algorithm, seed, params)


class OverKPanel(RunPanel):
    """A run over values of k: stale when the fit changes other than by its k.

    Subclasses set ``stale_words`` and ``cancel_words``, define ``run()`` and ``_draw_current()``,
    and ``watch(self._on_result, "result")`` once built.

    Data Attributes:
        ks: list[int] — the values of k run over.
        x_scale: bq.LinearScale — k, from the first value of ``ks`` to the last.
    """

    stale_words = "Settings changed: press Run to update."
    cancel_words = "Cancelling after the k under way…"
    key = staticmethod(settings_key)

    def _init_over_k(self, name: str, run_label: str, ks: Sequence[int] | range, background: bool) -> None:
        self._init_run(name, run_label, background)
        self.ks = [int(k) for k in ks]
        first, last = (self.ks[0], self.ks[-1]) if self.ks else (0, 0)
        self.x_scale = bq.LinearScale(min=first - 0.5, max=last + 0.5)
        self._done_words = ""
        self._drawn_stale = False

    def _k_figure(self, name: str, marks: list, y_axis: bq.Axis, x_label: str, height: str) -> bq.Figure:
        """The plot of ``marks`` over the values of k (css ``sw-<name>-plot``)."""
        figure = bq.Figure(
            marks=marks,
            axes=[bq.Axis(scale=self.x_scale, label=x_label, tick_format="d", tick_values=np.array(self.ks)),
                  y_axis],
            animation_duration=0, fig_margin={"top": 15, "bottom": 45, "left": 70, "right": 15},
            layout=w.Layout(width="100%", height=height),
        )
        figure.add_class(css(f"{name}-plot"))
        return figure

    def _draw_current(self) -> None:
        """Mark the model's current k."""

    def _result_changed(self) -> None:
        """What a subclass does first when the model's result changes."""

    @report_errors
    def _on_result(self, change: dict) -> None:
        self._result_changed()
        if self.stale != self._drawn_stale:
            self._say_done(self._done_words)
        self._draw_current()

    def _say_done(self, words: str) -> None:
        """Say what the run found (or, while it is stale, that it is)."""
        self._done_words, self._drawn_stale = words, self.stale
        self.controls.say(self.stale_words if self._drawn_stale else words)
