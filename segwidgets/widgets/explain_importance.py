"""``ImportanceSection``: which features a surrogate model needs to tell the segments apart.

Shows a :class:`~segwidgets.core.explain.GlobalExplanation` (computed by the
explanation panel when Run is pressed): the surrogate's held-out accuracy in
words and the permutation importance of each feature as horizontal bars.
"""

from __future__ import annotations

from typing import Any

import bqplot as bq
import ipywidgets as w
import numpy as np

from ..core.explain import GlobalExplanation, importance_sentence
from ._base import css, escape

HINT = "<i>Press Run to train a surrogate model and measure which features it needs.</i>"


class ImportanceSection(w.VBox):
    """The surrogate's accuracy in words and its permutation importances as bars.

    Data Attributes:
        importance_text: HTML (css ``sw-explain-accuracy``) — held-out accuracy, in words, or an error.
        importance_figure: bqplot Figure (css ``sw-explain-importance``); importance_bars: its bq.Bars.
        importance_box: Box — holds ``importance_figure`` once there is something to draw.
    """

    def __init__(self, **kwargs: Any) -> None:
        self._x, self._y = bq.OrdinalScale(), bq.LinearScale(min=0.0)
        self.importance_bars = bq.Bars(x=["–"], y=[0.0], orientation="horizontal", colors=["#4e79a7"],
                                       scales={"x": self._x, "y": self._y})
        self.importance_figure = bq.Figure(
            marks=[self.importance_bars],
            axes=[bq.Axis(scale=self._x, side="left", grid_lines="none"),
                  bq.Axis(scale=self._y, side="bottom", tick_format=".0%", num_ticks=5,
                          label="drop in held-out accuracy when the feature is shuffled")],
            animation_duration=0, fig_margin={"top": 10, "bottom": 45, "left": 140, "right": 20},
            layout=w.Layout(width="520px", height="200px"),
        )
        self.importance_figure.add_class(css("explain-importance"))
        # a bqplot figure created inside a hidden element draws empty once shown:
        # the figure enters its box when there is something to draw
        self.importance_box = w.Box()
        self.importance_text = w.HTML(HINT)
        self.importance_text.add_class(css("explain-accuracy"))
        super().__init__([self.importance_text, self.importance_box], **kwargs)

    def show(self, explanation: GlobalExplanation, stale: bool) -> None:
        """Draw ``explanation``, greyed out (css ``sw-stale``) when ``stale``."""
        importance = explanation.importance["importance_mean"]
        features = [str(f) for f in importance.index]
        with self.importance_figure.hold_sync(), self.importance_bars.hold_sync():
            self._x.domain = []  # the ordinal domain follows x
            self.importance_bars.x = features[::-1]  # the vertical axis reads bottom-up: largest on top
            self.importance_bars.y = np.maximum(importance.to_numpy(dtype=float)[::-1], 0.0)
            self.importance_figure.layout.height = f"{70 + 26 * len(features)}px"
        self.importance_box.children = (self.importance_figure,)
        self.importance_text.value = (f"<span class='{'sw-stale' if stale else ''}'>"
                                      f"{escape(importance_sentence(explanation))}</span>")
        if stale:
            self.importance_figure.add_class("sw-stale")
        else:
            self.importance_figure.remove_class("sw-stale")

    def show_error(self, text: str) -> None:
        """Say why the importances could not be computed."""
        self.importance_text.value = f"<span class='sw-error'>{escape(text)}</span>"
