"""``RowSection``: why one row is in its segment rather than the nearest other one, live.

For centroid algorithms the squared-distance margin of the row splits exactly
over the features (:func:`segwidgets.core.explain.explain_row`); other
algorithms get a sentence saying why there is no such split.
"""

from __future__ import annotations

from typing import Any

import bqplot as bq
import ipywidgets as w
import numpy as np

from ..core.algorithms import ALGORITHMS
from ..core.explain import RowExplanation, explain_row, row_name, row_sentence, signed
from ..core.naming import pretty_feature_name
from ..session import Result, Segmentation
from ._base import css, escape, format_count, plain_words, report_errors
from ._view import View

#: Bars drawn in the per-row chart (largest contributions first).
MAX_ROW_BARS = 12


class RowSection(View, w.VBox):
    """A row number, the row's sentence, its per-feature contributions as a table and as bars.

    Follows the model's selection (its first row) and each new segmentation.

    Data Attributes:
        model: Segmentation — observed: ``result``, ``selection``; never set.
        row_result: RowExplanation | None — the row explained now (None when there
            is nothing exact to show: a non-centroid algorithm, a bad row number ...).
        row_input: IntText (css ``sw-explain-row``) — row position in ``model.data``.
        row_message: HTML (css ``sw-explain-row-message``) — the row's sentence or why there is none.
        row_table: HTML (css ``sw-explain-contributions``) — per-feature contributions.
        row_figure: bqplot Figure (css ``sw-explain-row-chart``); row_bars: its bq.Bars.
        row_box: Box — holds ``row_figure`` when there is something to draw.
    """

    def __init__(self, model: Segmentation, **kwargs: Any) -> None:
        self.model = model
        self.row_result: RowExplanation | None = None
        self._shown: Result | None = None
        selection = model.selection
        first = int(selection[0]) if selection is not None and len(selection) else 0
        self.row_input = w.IntText(value=first, description="Row", layout=w.Layout(width="180px"),
                                   style={"description_width": "40px"})
        self.row_input.add_class(css("explain-row"))
        self.row_message = w.HTML()
        self.row_message.add_class(css("explain-row-message"))
        self.row_table = w.HTML()
        self.row_table.add_class(css("explain-contributions"))
        self._x, self._y = bq.OrdinalScale(), bq.LinearScale()
        self.row_bars = bq.Bars(x=["–"], y=[0.0], orientation="horizontal", colors=["#4e79a7"],
                                color_mode="element", scales={"x": self._x, "y": self._y})
        self.row_figure = bq.Figure(
            marks=[self.row_bars],
            axes=[bq.Axis(scale=self._x, side="left", grid_lines="none"),
                  bq.Axis(scale=self._y, side="bottom", num_ticks=5,
                          label="pull towards its own segment (squared scaled distance)")],
            animation_duration=0, fig_margin={"top": 10, "bottom": 45, "left": 140, "right": 20},
            layout=w.Layout(width="520px", height="200px"),
        )
        self.row_figure.add_class(css("explain-row-chart"))
        # a bqplot figure created inside a hidden element draws empty once shown:
        # the figure enters its box when there is something to draw, and leaves it when not
        self.row_box = w.Box()
        super().__init__([self.row_input, self.row_message,
                          w.HBox([self.row_box, self.row_table], layout=w.Layout(flex_flow="row wrap"))],
                         **kwargs)
        self.row_input.observe(self._on_row, "value")
        self.watch(self._on_result, "result")
        self.watch(self._on_selection, "selection")
        self.render()

    # ------------------------------------------------------------ observers
    @report_errors
    def _on_result(self, change: dict) -> None:
        new, old = change["new"], self._shown
        if new is not None and new.same_look(old):
            return  # metrics or the map changed: the row's explanation did not
        self.render()

    @report_errors
    def _on_selection(self, change: dict) -> None:
        selection = change["new"]
        if selection is not None and len(selection):
            self.row_input.value = int(selection[0])  # its observer redraws the row

    @report_errors
    def _on_row(self, change: dict) -> None:
        self.render()

    # ------------------------------------------------------------ explaining
    def _name(self, segment: int) -> str:
        names = self._shown.names if self._shown is not None else {}
        return names.get(segment, f"Segment {segment}")

    def other_name(self, explanation: RowExplanation) -> str:
        """The name of the segment the row is compared with."""
        if explanation.other_segment >= 0:
            return self._name(explanation.other_segment)
        return "the next nearest centre"

    def explain_row(self, row: int) -> RowExplanation | str:
        """Explain one row of ``model.data`` in the result shown, or say in words why it cannot be."""
        result, data = self.model.result, self.model.data
        if data is None or result is None:
            return "Load data and segment it first; then a row can be explained."
        n = len(data)
        if isinstance(row, bool) or not isinstance(row, (int, np.integer)) or not 0 <= row < n:
            return f"Row {row} is not in the table: choose a row number from 0 to {format_count(n - 1)}."
        row, info = int(row), ALGORITHMS[result.algorithm]
        segment = int(result.labels[row])
        name = self.row_name(row)
        where = (f"{name} is in '{result.names.get(segment, f'Segment {segment}')}'."
                 if segment >= 0 else f"{name} is in no segment.")
        if not info.centroid:
            return (f"{where} {info.label} does not place rows by their nearest centre, so there is no "
                    "exact split of this choice over the features. That decomposition applies to "
                    "centroid methods (k-means, mini-batch k-means): choose one of them to see it.")
        prepared, fit = result.prepared, result.fit
        if result.preview or len(fit.labels) != prepared.n_rows:
            return "The segments are still being refined; this row will be explained when they are ready."
        positions = np.flatnonzero(prepared.row_index == row)
        if not positions.size:
            return (f"{name} was left out by the preprocessing (it has missing values, which are "
                    "set to be dropped), so it is in no segment.")
        r = int(positions[0])
        assigned = int(fit.labels[r])
        if assigned < 0:
            return f"{where} It was not assigned to any centre."
        return explain_row(prepared.X[r], fit.centers_scaled, assigned, row=row, prepared_row=r,
                           raw_to_id=result.raw_to_id, segment_ids=result.segment_ids,
                           feature_names=list(prepared.feature_names_out))

    def row_sentence(self, explanation: RowExplanation) -> str:
        """The row's explanation in one or two sentences."""
        return row_sentence(explanation, self._name(explanation.segment), self.other_name(explanation),
                            self.row_name(explanation.row))

    def row_name(self, row: int) -> str:
        """The row as a person knows it: by the table's identifier column when it has one."""
        table = self.model.table
        return row_name(self.model.data, table.roles if table is not None else {}, row)

    # ------------------------------------------------------------- drawing
    def render(self) -> None:
        """Explain the row in ``row_input`` with the model's result, and draw it."""
        self._shown = result = self.model.result
        try:
            explanation = self.explain_row(self.row_input.value)
        except Exception as exc:  # noqa: BLE001 - plain words, never a traceback
            explanation = f"This row could not be explained: {plain_words(exc)}"
            self.row_message.add_class("sw-error")
        else:
            self.row_message.remove_class("sw-error")
        if isinstance(explanation, str):
            self.row_result = None
            self.row_message.value = escape(explanation)
            self.row_table.value = ""
            self.row_box.children = ()
            return
        self.row_result = explanation
        self.row_message.value = escape(self.row_sentence(explanation)) + (
            " <small>(squared distances between the row and the centres, in the scaled features)</small>")
        self._draw_table(result, explanation)
        self._draw_bars(result, explanation)

    def _draw_table(self, result: Result, explanation: RowExplanation) -> None:
        x = result.prepared.X[explanation.prepared_row]
        centers, names = result.fit.centers_scaled, list(result.prepared.feature_names_out)
        own, other = explanation.attribution.assigned, explanation.attribution.other
        rows = []
        for feature, value in explanation.contributions.items():
            j = names.index(feature)
            rows.append(f"<tr><td>{escape(pretty_feature_name(feature))}</td>"
                        f"<td class='sw-num'>{x[j]:.2f}</td><td class='sw-num'>{centers[own, j]:.2f}</td>"
                        f"<td class='sw-num'>{centers[other, j]:.2f}</td>"
                        f"<td class='sw-num sw-contribution'>{signed(float(value), 3)}</td></tr>")
        self.row_table.value = (
            "<table><thead><tr><th>Feature</th><th class='sw-num'>Row (scaled)</th>"
            f"<th class='sw-num'>{escape(self._name(explanation.segment))}</th>"
            f"<th class='sw-num'>{escape(self.other_name(explanation))}</th>"
            "<th class='sw-num'>Contribution</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody><tfoot><tr><th colspan='4'>Margin (sum)</th>"
            f"<th class='sw-num sw-margin'>{signed(explanation.margin, 3)}</th></tr></tfoot></table>"
        )

    def _draw_bars(self, result: Result, explanation: RowExplanation) -> None:
        own_colour = result.colors.get(explanation.segment, "#4e79a7")
        other_colour = result.colors.get(explanation.other_segment, "#bab0ac")
        shown = explanation.contributions.iloc[:MAX_ROW_BARS][::-1]  # largest at the top
        with self.row_figure.hold_sync(), self.row_bars.hold_sync():
            self._x.domain = []
            labels = [pretty_feature_name(f) for f in shown.index]
            self.row_bars.x = labels if len(set(labels)) == len(labels) else [str(f) for f in shown.index]
            self.row_bars.y = shown.to_numpy(dtype=float)
            self.row_bars.colors = [own_colour if v >= 0 else other_colour for v in shown]
            self.row_figure.layout.height = f"{70 + 26 * len(shown)}px"
        self.row_box.children = (self.row_figure,)
