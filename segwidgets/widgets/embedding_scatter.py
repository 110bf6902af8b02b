"""``EmbeddingScatter``: the rows on a 2-D map (PCA at once, UMAP in the background), coloured by segment."""

from __future__ import annotations

import threading
from typing import Any

import bqplot as bq
import ipywidgets as w
import numpy as np
from bqplot_gl import ScatterGL

from ..core.embedding import EMBEDDING_LABELS
from ..errors import SegwidgetsValueError
from ..session import PALETTE, UNASSIGNED_COLOR, Result, Segmentation
from ._base import css, escape, format_count, report_errors
from ._view import View

DETAIL_ROWS = 5


class EmbeddingScatter(View, w.VBox):
    """The point cloud (WebGL ``ScatterGL``), segment centres, a PCA/UMAP switch and range selection.

    Data Attributes:
        model: Segmentation — observed (until ``close()``): ``result`` (redrawn when the
            segments, their names or the map change), embedding, embedding_state, selection,
            features, table; sets embedding and selection.
        mark: bqplot_gl.ScatterGL — x/y are sent only when the map changes (``result.coords``
            is another array); a k change sends the colour array alone.
        centers: bqplot.Scatter — one labelled marker per segment centre.
        method: ToggleButtons "PCA" / "UMAP" (css ``sw-embedding-method``).
        brush: bqplot BrushSelector on the points (reaches Python in JupyterLab; see DESIGN.md
            for Voila).
        range_feature, range_slider, range_button: select rows whose value lies in a range
            (css ``sw-range-filter``) — a selection path that needs no mouse brush.
        details: HTML (css ``sw-point-details``) — the values of the selected rows (first few).

    Style Attributes:
        height: str (default "420px").
    """

    def __init__(self, model: Segmentation, *, height: str = "420px", **kwargs: Any) -> None:
        self.model = model
        self._drawn: Result | None = None
        self.x_scale, self.y_scale = bq.LinearScale(), bq.LinearScale()
        # One fixed scale: code i is PALETTE[i] (a stable id's colour), the last code is grey.
        # A refit then changes only the colour codes: one redraw in the browser, not three.
        self.color_scale = bq.ColorScale(colors=[*PALETTE, UNASSIGNED_COLOR], min=0, max=len(PALETTE))
        self._lane = f"map-redraw-{id(self)}"
        self._redraw_lock = threading.Lock()
        self._redraw_due = False  # a result waits in the lane for the burst to settle
        self.mark = ScatterGL(
            x=np.zeros(0, dtype=np.float32), y=np.zeros(0, dtype=np.float32),
            color=np.zeros(0, dtype=np.float32),
            scales={"x": self.x_scale, "y": self.y_scale, "color": self.color_scale},
            default_size=12, opacities=[0.8], stroke=None,
        )
        self.centers = bq.Scatter(
            x=np.zeros(0), y=np.zeros(0), scales={"x": self.x_scale, "y": self.y_scale},
            colors=["black"], marker="cross", default_size=90, names=[], display_names=True,
        )
        self.x_axis = bq.Axis(scale=self.x_scale, label="Component 1", num_ticks=0)
        self.y_axis = bq.Axis(scale=self.y_scale, label="Component 2", orientation="vertical", num_ticks=0)
        # A brush writes the mark's ``selected``, which this view maps to rows. DESIGN.md: in
        # Voila the brush never reports ``selected`` (bqplot's mouse-event lookup), so the
        # legend and the value-range filter are the selection paths that work everywhere.
        self.brush = bq.interacts.BrushSelector(x_scale=self.x_scale, y_scale=self.y_scale,
                                                marks=[self.mark], color="#555")
        self.figure = bq.Figure(
            marks=[self.mark, self.centers], axes=[self.x_axis, self.y_axis], interaction=self.brush,
            fig_margin={"top": 10, "bottom": 30, "left": 30, "right": 10},
            layout=w.Layout(height=height, width="100%"),
        )
        self.method = w.ToggleButtons(options=[(EMBEDDING_LABELS[m], m) for m in ("pca", "umap")],
                                      value=model.embedding, style={"button_width": "70px"})
        self.method.add_class(css("embedding-method"))
        self.progress = w.HTML()
        self.progress.add_class(css("embedding-progress"))
        self.range_feature = w.Dropdown(description="Select rows where", style={"description_width": "initial"},
                                        layout=w.Layout(width="auto"))
        self.range_slider = w.FloatRangeSlider(description="", continuous_update=False,
                                               layout=w.Layout(width="220px"), readout_format=".3g")
        self.range_button = w.Button(description="Select", layout=w.Layout(width="auto"))
        self.clear_button = w.Button(description="Clear", layout=w.Layout(width="auto"))
        filter_row = w.HBox([self.range_feature, self.range_slider, self.range_button, self.clear_button],
                            layout=w.Layout(flex_flow="row wrap"))
        filter_row.add_class(css("range-filter"))
        self.details = w.HTML()
        self.details.add_class(css("point-details"))
        super().__init__([w.HBox([self.method, self.progress]), self.figure, filter_row, self.details], **kwargs)
        self.add_class(css("embedding-scatter"))

        self.method.observe(self._on_method, "value")
        self.range_feature.observe(self._on_range_feature, "value")
        self.range_button.on_click(self._on_range)
        self.clear_button.on_click(self._on_clear)
        self.mark.observe(self._on_mark_selected, "selected")
        self.watch(self._schedule, "result")
        self.watch(self._on_model_embedding, "embedding", "embedding_state")
        self.watch(self._on_selection, "selection")
        self.watch(self._on_features, "features", "table")
        self._on_features()
        self._render()
        self._on_model_embedding()

    # ------------------------------------------------------------ drawing
    @property
    def _coords(self) -> np.ndarray | None:
        """The map drawn (``result.coords`` of the result on show)."""
        return None if self._drawn is None else self._drawn.coords

    def colour_codes(self, result: Result | None = None) -> tuple[np.ndarray, list[str]]:
        """Per point of ``result``'s map (default: the model's result), the index of its segment's
        colour in the scale's colours (a stable id ``i`` has colour ``PALETTE[i % len(PALETTE)]``;
        unassigned: the last)."""
        result = self.model.result if result is None else result
        labels = result.labels[result.coord_rows]
        codes = np.where(labels >= 0, labels % len(PALETTE), len(PALETTE)).astype(np.int32)
        return codes, list(self.color_scale.colors)

    #: Seconds a background model's result waits before the map redraws, so that a
    #: warm-started preview and the seeded fit right behind it cost one redraw.
    redraw_delay = 0.15

    @report_errors
    def _schedule(self, change: dict) -> None:
        new, old = change["new"], self._drawn
        if new is None or (new.same_look(old) and new.coords is old.coords):  # e.g. the metrics arrived
            return
        if not self.model.background or self.redraw_delay <= 0:
            self._render()
            return
        with self._redraw_lock:  # a newer result overtakes the redraw waiting in the lane
            self._redraw_due = True
            self.model.scheduler.after(self._lane, self.redraw_delay, self._redraw)

    def _redraw(self) -> None:
        """Redraw if a redraw is due (once: from the lane, or from :meth:`flush`, first come)."""
        with self._redraw_lock:
            due, self._redraw_due = self._redraw_due, False
        if due:
            self._render()

    def flush(self) -> None:
        """Redraw now if a redraw is waiting (see ``redraw_delay``)."""
        self.model.scheduler.cancel(self._lane)
        self._redraw()

    @staticmethod
    def point_size(n_points: int) -> int:
        """Marker area for a map of ``n_points``: smaller points where they crowd."""
        return 12 if n_points <= 20_000 else 6 if n_points <= 60_000 else 4

    @report_errors
    def _render(self) -> None:
        result, old = self.model.result, self._drawn
        if result is None:
            return
        self._drawn = result
        codes, _ = self.colour_codes(result)
        placed = [i for i in result.segment_ids if i in result.center_coords]
        centres = [result.center_coords[i] for i in placed]
        with self.mark.hold_sync(), self.color_scale.hold_sync(), self.centers.hold_sync():
            if old is None or result.coords is not old.coords:  # a new map: send coordinates (float32) once
                self.mark.x = np.ascontiguousarray(result.coords[:, 0], dtype=np.float32)
                self.mark.y = np.ascontiguousarray(result.coords[:, 1], dtype=np.float32)
                self.mark.default_size = self.point_size(len(result.coords))
                method = "UMAP" if result.embedding == "umap" else "Component"
                self.x_axis.label, self.y_axis.label = f"{method} 1", f"{method} 2"
            self.mark.color = codes
            self.centers.x = np.array([c[0] for c in centres], dtype=np.float64)
            self.centers.y = np.array([c[1] for c in centres], dtype=np.float64)
            self.centers.names = [result.names.get(i, "") for i in placed]
        self._on_selection()

    @report_errors
    def _on_model_embedding(self, change: Any = None) -> None:
        model = self.model
        if self.method.value != model.embedding:
            with self.updating():
                self.method.value = model.embedding
        if model.embedding_state == "computing":
            self.progress.value = ("<span class='sw-umap-computing'>⟳ Computing the UMAP map in the background "
                                   "(the first one takes about half a minute); PCA is shown meanwhile.</span>")
        elif model.embedding_state == "error":
            self.progress.value = "<span style='color:#8b0000'>The UMAP map failed; PCA is shown.</span>"
        else:
            self.progress.value = ""

    @report_errors
    def _on_method(self, change: dict) -> None:
        if not self.is_updating:
            self.model.embedding = change["new"]

    # ---------------------------------------------------------- selection
    @report_errors
    def _on_selection(self, change: Any = None) -> None:
        selection, drawn = self.model.selection, self._drawn
        if selection is None or drawn is None:
            points = None
        else:  # the points on the map are the drawn result's rows
            points = np.flatnonzero(np.isin(drawn.coord_rows, selection)).astype(np.int32)
        with self.updating():
            self.mark.selected = points
        self._details()

    @report_errors
    def _on_mark_selected(self, change: dict) -> None:
        """A selection made in the browser (brush), mapped back to rows and checked."""
        if self.is_updating:
            return
        points, drawn = change["new"], self._drawn
        if points is None or len(points) == 0:
            self.model.selection = None
            return
        points = np.asarray(points)
        rows = drawn.coord_rows if drawn is not None else np.zeros(0, dtype=np.int64)
        if not np.issubdtype(points.dtype, np.integer) or points.min() < 0 or points.max() >= len(rows):
            self._on_selection()  # refuse: show the model's selection again
            raise SegwidgetsValueError("The selection named points that are not on the map.")
        self.model.selection = rows[points]

    def _details(self) -> None:
        model = self.model
        selection = model.selection
        if selection is None or model.data is None:
            self.details.value = ""
            return
        columns = list(model.features)
        shown = model.data.iloc[selection[:DETAIL_ROWS]][columns]
        head = "".join(f"<th style='padding:2px 6px'>{escape(c)}</th>" for c in columns)
        body = "".join(
            "<tr>" + f"<td style='padding:2px 6px'>row {int(i)}</td>" + "".join(
                f"<td style='padding:2px 6px'>{escape(v)}</td>" for v in row) + "</tr>"
            for i, row in zip(selection[:DETAIL_ROWS], shown.itertuples(index=False))
        )
        more = f" (first {DETAIL_ROWS} shown)" if len(selection) > DETAIL_ROWS else ""
        self.details.value = (
            f"<div><b class='sw-selection-count'>{format_count(len(selection))} rows selected</b>{more}</div>"
            f"<table style='font-size:0.85em'><tr><th></th>{head}</tr>{body}</table>"
        )

    @report_errors
    def _on_features(self, change: Any = None) -> None:
        model = self.model
        if model.table is None:
            return
        numeric = [c for c in model.table.default_features()]
        current = self.range_feature.value
        self.range_feature.options = numeric
        if numeric:
            self.range_feature.value = current if current in numeric else numeric[0]
        self._on_range_feature()

    @report_errors
    def _on_range_feature(self, change: Any = None) -> None:
        feature = self.range_feature.value
        if feature is None or self.model.data is None:
            return
        values = self.model.data[feature].astype("Float64").astype("float64")
        low, high = float(np.nanmin(values)), float(np.nanmax(values))
        if not np.isfinite([low, high]).all():
            return
        high = high if high > low else low + 1.0
        with self.range_slider.hold_sync():
            self.range_slider.min, self.range_slider.max = -1e300, 1e300  # widen before narrowing
            self.range_slider.min, self.range_slider.max = low, high
            self.range_slider.step = (high - low) / 200
            self.range_slider.value = (low, high)

    @report_errors
    def _on_range(self, button: Any = None) -> None:
        feature = self.range_feature.value
        if feature is None or feature not in self.model.data.columns:
            return
        low, high = sorted(float(v) for v in self.range_slider.value)
        values = self.model.data[feature].astype("Float64").astype("float64").to_numpy()
        rows = np.flatnonzero((values >= low) & (values <= high))
        self.model.selection = rows if len(rows) else None
        if not len(rows):
            self.model.status = f"No rows have {feature} between {low:g} and {high:g}."

    @report_errors
    def _on_clear(self, button: Any = None) -> None:
        self.model.selection = None

    def close(self) -> None:
        """Drop a redraw still waiting, stop observing the model, close the widget."""
        if getattr(self, "_lane", None) is not None:
            self.model.scheduler.cancel(self._lane)
        super().close()
