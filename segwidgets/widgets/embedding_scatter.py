"""``EmbeddingScatter``: the rows on a 2-D map (PCA at once, UMAP in the background), coloured by segment."""

from __future__ import annotations

import threading
from typing import Any

import bqplot as bq
import ipywidgets as w
import numpy as np
import pandas as pd
from bqplot_gl import ScatterGL

from ..core.embedding import EMBEDDING_LABELS
from ..core.roles import Role
from ..errors import SegwidgetsValueError
from ..session import PALETTE, UNASSIGNED_COLOR, Result, Segmentation
from ._base import CLEAR_PNG, click_point, css, escape, format_count, format_significant, report_errors
from ..core.map_geometry import (
    combine,
    finite_pair,
    nearest_point,
    points_in_box,
    points_in_polygon,
    spread_labels,
)
from ._view import View

DETAIL_ROWS = 5
#: Share of the map's width/height left empty around the points.
MARGIN = 0.04
#: Opacity of the points outside a selection (the selected ones keep theirs).
DIMMED = 0.12
TOOLS = (("Box", "box"), ("Polygon", "polygon"), ("Point", "point"))
COMBINE_CHOICES = (("New", "replace"), ("Add", "add"), ("Remove", "remove"))
TOOL_HINTS = {
    "box": "Drag a box over points to select them.",
    "polygon": "Click the corners of a shape; click the first corner again (or “Select inside”) to select.",
    "point": "Click a point to see its row.",
}


def _value(value: Any) -> str:
    """A cell as a person reads it: floats to 4 significant digits, missing as "missing"."""
    if value is None or (np.ndim(value) == 0 and bool(pd.isna(value))):
        return "missing"
    if isinstance(value, float | np.floating):
        return format_significant(float(value), 4)
    return str(value)


class EmbeddingScatter(View, w.VBox):
    """The point cloud (WebGL ``ScatterGL``), segment centres, a PCA/UMAP switch and range selection.

    Data Attributes:
        model: Segmentation — observed (until ``close()``): ``result`` (redrawn when the
            segments, their names or the map change), embedding, embedding_state, selection,
            features, table; sets embedding and selection.
        mark: bqplot_gl.ScatterGL — x/y are sent only when the map changes (``result.coords``
            is another array); a k change sends the colour array alone (a provisional result
            waits for the seeded fit behind it: ``preview_delay``).
        centers: bqplot.Scatter — one labelled marker per segment centre.
        labels: bqplot.Label — the segments' names at their centres, spread so that none
            covers another; shown while ``show_labels`` (css ``sw-center-labels``) is ticked.
        method: ToggleButtons "PCA" / "UMAP" (css ``sw-embedding-method``).
        tool: ToggleButtons (css ``sw-map-tool``) — what the mouse does on the map: "box" (drag a
            rectangle: ``brush``), "polygon" (click corners), "point" (click a point: its row).
        combine: ToggleButtons (css ``sw-map-combine``) — a box or polygon selection "replace"s
            the selection, is "add"ed to it or "remove"d from it.
        brush: bqplot BrushSelector (no marks: it only reports its rectangle); when ``brushing``
            goes False the points inside are found here, in Python. It reaches Python only with
            the segwidgets-d3-guard labextension (docs/frontends.md).
        click_surface: a transparent bqplot.Image over the plot area (polygon and point tools):
            its clicks arrive in map units. outline: bqplot.Lines — the polygon being drawn.
        pointer: bqplot.Scatter — a ring round the point shown in ``pointed``.
        range_feature, range_slider, range_button: select rows whose value lies in a range
            (css ``sw-range-filter``) — a selection path that needs no mouse.
        clear_button: Button "Clear selection" (css ``sw-map-clear``).
        details: HTML (css ``sw-point-details``) — how many rows are selected (css
            ``sw-selection-count``) and the values of the first few; a fixed height.
        pointed: HTML (css ``sw-pointed-row``) — the row of the point clicked with "point".

    The selection on show — whichever view made it — is drawn on the map: the selected points
    keep their colour, the others are dimmed (``mark.selected``, ``mark.unselected_style``).

    Style Attributes:
        height: str (default "420px").
    """

    def __init__(self, model: Segmentation, *, height: str = "420px", **kwargs: Any) -> None:
        self.model = model
        self._drawn: Result | None = None
        # No automatic padding: the map's extent is set here (``MARGIN``), so the click surface
        # covers exactly the plot area.
        self.x_scale, self.y_scale = bq.LinearScale(allow_padding=False), bq.LinearScale(allow_padding=False)
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
            unselected_style={"opacity": DIMMED},
        )
        xy = {"x": self.x_scale, "y": self.y_scale}
        self.centers = bq.Scatter(
            x=np.zeros(0), y=np.zeros(0), scales=xy,
            colors=["black"], marker="cross", default_size=90, names=[], display_names=False,
        )
        self.labels = bq.Label(x=np.zeros(0), y=np.zeros(0), text=[], scales=xy, colors=["#222"],
                               default_size=13, font_weight="bold", align="middle", y_offset=-12)
        self.outline = bq.Lines(x=np.zeros(0), y=np.zeros(0), scales=xy, colors=["#222"],
                                stroke_width=1.5, line_style="dashed", marker="circle", marker_size=24)
        self.pointer = bq.Scatter(x=np.zeros(0), y=np.zeros(0), scales=xy, colors=["black"],
                                  fill=False, stroke="black", stroke_width=2.5, default_size=260)
        self.click_surface = bq.Image(image=w.Image(value=CLEAR_PNG, format="png"), x=[0.0, 1.0],
                                      y=[0.0, 1.0], scales=xy, visible=False)
        self.click_surface.on_element_click(self._on_map_click)
        self.x_axis = bq.Axis(scale=self.x_scale, label="Component 1", num_ticks=0)
        self.y_axis = bq.Axis(scale=self.y_scale, label="Component 2", side="left",
                              num_ticks=0, label_offset="12px")
        # The brush only reports its rectangle (no marks: the browser does not test the points);
        # the points inside are found here when the gesture ends.
        self.brush = bq.interacts.BrushSelector(x_scale=self.x_scale, y_scale=self.y_scale,
                                                marks=[], color="#555")
        self._brushed: tuple | None = None  # the rectangle last applied
        self._pointed_row: int | None = None  # the row shown in ``pointed``
        self._corners: list[tuple[float, float]] = []
        self._extent = (0.0, 1.0, 0.0, 1.0)
        self.figure = bq.Figure(
            marks=[self.mark, self.centers, self.labels, self.outline, self.pointer, self.click_surface],
            axes=[self.x_axis, self.y_axis], interaction=self.brush,
            fig_margin={"top": 10, "bottom": 34, "left": 34, "right": 10},
            layout=w.Layout(height=height, width="100%"),
        )
        self.figure.add_class(css("map-figure"))
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
        filter_row = w.HBox([self.range_feature, self.range_slider, self.range_button],
                            layout=w.Layout(flex_flow="row wrap"))
        filter_row.add_class(css("range-filter"))
        self.tool = w.ToggleButtons(options=TOOLS, value="box", style={"button_width": "70px"},
                                    tooltips=[TOOL_HINTS[v] for _, v in TOOLS])
        self.tool.add_class(css("map-tool"))
        self.combine = w.ToggleButtons(options=COMBINE_CHOICES, value="replace", style={"button_width": "70px"},
                                       tooltips=["A new selection", "Add to the selection",
                                                 "Remove from the selection"])
        self.combine.add_class(css("map-combine"))
        self.polygon_button = w.Button(description="Select inside", layout=w.Layout(width="auto", display="none"))
        self.polygon_button.add_class(css("polygon-select"))
        self.clear_button = w.Button(description="Clear selection", icon="times", layout=w.Layout(width="auto"))
        self.clear_button.add_class(css("map-clear"))
        self.show_labels = w.Checkbox(value=True, description="Names on the map", indent=False,
                                      layout=w.Layout(width="auto"))
        self.show_labels.add_class(css("center-labels"))
        self.hint = w.HTML(f"<small>{escape(TOOL_HINTS['box'])}</small>")
        self.hint.add_class(css("map-hint"))
        tools_row = w.HBox([self.tool, self.combine, self.polygon_button, self.clear_button, self.show_labels],
                           layout=w.Layout(flex_flow="row wrap", align_items="center"))
        tools_row.add_class(css("map-tools"))
        self.details = w.HTML(layout=w.Layout(height="130px", overflow="auto"))
        self.details.add_class(css("point-details"))
        self.pointed = w.HTML(layout=w.Layout(min_height="24px"))
        self.pointed.add_class(css("pointed-row"))
        super().__init__([w.HBox([self.method, self.progress]), tools_row, self.hint, self.figure,
                          filter_row, self.pointed, self.details], **kwargs)
        self.add_class(css("embedding-scatter"))

        self.method.observe(self._on_method, "value")
        self.tool.observe(self._on_tool, "value")
        self.show_labels.observe(self._on_show_labels, "value")
        self.range_feature.observe(self._on_range_feature, "value")
        self.range_button.on_click(self._on_range)
        self.clear_button.on_click(self._on_clear)
        self.polygon_button.on_click(self._on_polygon_button)
        self.brush.observe(self._on_brush, ["brushing", "selected_x", "selected_y"])
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

    #: Seconds a background model's result waits before the map redraws, so that a burst of
    #: results (a slider dragged) costs one redraw.
    redraw_delay = 0.15
    #: Seconds a provisional result (a large table's k step) waits for the seeded fit behind it
    #: before the map shows it. The legend and the status line show the provisional segments at
    #: once; the map recolours once, for the seeded fit, so its 100,000 points are not redrawn
    #: twice while the seeded fit is still computing (measured: benchmarks/k_step_browser.py).
    #: Only if the fit takes longer than this (or fails) is the provisional result drawn.
    preview_delay = 8.0

    @report_errors
    def _schedule(self, change: dict) -> None:
        new, old = change["new"], self._drawn
        if new is None or (new.same_look(old) and new.coords is old.coords):  # e.g. the metrics arrived
            return
        if not self.model.background or self.redraw_delay <= 0:
            self._render()
            return
        delay = max(self.redraw_delay, self.preview_delay) if new.preview else self.redraw_delay
        with self._redraw_lock:  # a newer result overtakes the redraw waiting in the lane
            self._redraw_due = True
            self.model.scheduler.after(self._lane, delay, self._redraw)

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
                self.x_axis.label, self.y_axis.label = self.axis_labels(result)
                self._set_extent(result.coords)
                self._forget_gestures()
            self.mark.color = codes
            cx = np.array([c[0] for c in centres], dtype=np.float64)
            cy = np.array([c[1] for c in centres], dtype=np.float64)
            self.centers.x, self.centers.y = cx, cy
            names = [result.names.get(i, "") for i in placed]
            self.labels.x, self.labels.y = self._label_positions(cx, cy, names)
            self.labels.text = names
        self._show_pointed()
        self._on_selection()

    #: A label's half width per character, as a share of the map's width (13px bold text on a
    #: map some 420px wide, the narrowest the explorer gives it: about 7.5px a character).
    LABEL_CHAR_SHARE = 0.009

    def _label_positions(self, x: np.ndarray, y: np.ndarray, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Where the names go: above their centres, kept inside the map, none on another."""
        x0, x1, y0, y1 = self._extent
        span = (x1 - x0, y1 - y0)
        half = np.array([min(len(n) * self.LABEL_CHAR_SHARE, 0.5) for n in names]) * span[0]
        lx = np.clip(x, x0 + half, x1 - half) if len(x) else x
        ly = spread_labels(lx, y, span)
        return lx, np.minimum(ly, y1 - 0.02 * span[1]) if len(ly) else ly

    @staticmethod
    def axis_labels(result: Result) -> tuple[str, str]:
        """What the axes measure: PCA components with their share of the variance; UMAP has no units."""
        if result.embedding == "umap":
            return "UMAP 1 (no units)", "UMAP 2 (no units)"
        shares = ["", ""]
        try:
            total = float(np.asarray(result.prepared.X, dtype=np.float64).var(axis=0).sum())
            if total > 0:
                for i in range(2):
                    share = float(np.asarray(result.coords[:, i], dtype=np.float64).var()) / total
                    shares[i] = f" ({min(share, 1.0):.0%} of variance)"
        except (AttributeError, ValueError, IndexError):
            pass  # a result without its prepared rows: no share to say
        return f"PC1{shares[0]}", f"PC2{shares[1]}"

    def _set_extent(self, coords: np.ndarray) -> None:
        """Fix the scales to the points plus a margin; the click surface covers the same area."""
        if len(coords):
            low = np.nanmin(coords, axis=0).astype(np.float64)
            high = np.nanmax(coords, axis=0).astype(np.float64)
        else:
            low, high = np.zeros(2), np.ones(2)
        span = np.where(high > low, high - low, 1.0)
        low, high = low - MARGIN * span, high + MARGIN * span
        self._extent = (float(low[0]), float(high[0]), float(low[1]), float(high[1]))
        x0, x1, y0, y1 = self._extent
        self.x_scale.min, self.x_scale.max = x0, x1
        self.y_scale.min, self.y_scale.max = y0, y1
        self.click_surface.x, self.click_surface.y = [x0, x1], [y0, y1]

    @property
    def _span(self) -> tuple[float, float]:
        x0, x1, y0, y1 = self._extent
        return x1 - x0, y1 - y0

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
        if change is not None and not getattr(self, "_selecting", False):
            self._forget_gestures()  # made elsewhere (legend, range, table): the old box is stale
        self._details()

    def _select(self, rows: np.ndarray, how: str | None = None) -> None:
        """Put ``rows`` (combined with the selection as ``combine`` says) into ``model.selection``."""
        how = self.combine.value if how is None else how
        self._selecting = True
        try:
            self.model.selection = combine(self.model.selection, rows, how)
        finally:
            self._selecting = False

    def _forget_gestures(self) -> None:
        """Drop the brush's rectangle and a polygon being drawn."""
        self._brushed = None
        brush = self.brush
        if brush.selected_x is not None or brush.selected_y is not None:
            brush.reset()  # the browser removes the rectangle
            with brush.hold_sync():
                brush.selected_x, brush.selected_y = None, None
        self._corners = []
        self._draw_outline()

    @report_errors
    def _on_brush(self, change: dict) -> None:
        """The box: when the gesture ends (``brushing`` False), the points inside are selected."""
        brush, drawn = self.brush, self._drawn
        if change["name"] == "brushing" and change["new"]:
            self._brushed = None  # a new gesture
            return
        if brush.brushing or drawn is None:
            return
        x, y = finite_pair(brush.selected_x), finite_pair(brush.selected_y)
        if x is None or y is None or (x, y) == self._brushed:
            return  # no rectangle (a click, a reset), or the one already applied
        self._brushed = (x, y)
        self._select(drawn.coord_rows[points_in_box(drawn.coords, x, y)])

    @report_errors
    def _on_tool(self, change: dict) -> None:
        tool = change["new"]
        self._forget_gestures()
        with self.figure.hold_sync(), self.click_surface.hold_sync():
            self.figure.interaction = self.brush if tool == "box" else None
            self.click_surface.visible = tool != "box"
        self.polygon_button.layout.display = "" if tool == "polygon" else "none"
        self.hint.value = f"<small>{escape(TOOL_HINTS.get(tool, ''))}</small>"
        if tool != "point":
            self._forget_pointed()

    @report_errors
    def _on_map_click(self, mark: Any, content: dict, *args: Any) -> None:
        """A click on the click surface (polygon and point tools), in map units."""
        point = click_point(content)
        drawn = self._drawn
        if point is None or drawn is None:
            return
        x, y = point
        x0, x1, y0, y1 = self._extent
        if not (np.isfinite([x, y]).all() and x0 <= x <= x1 and y0 <= y <= y1):
            return  # outside the map, or not a click we understand
        if self.tool.value == "point":
            self.point_at(x, y)
        elif self.tool.value == "polygon":
            self.add_corner(x, y)

    def point_at(self, x: float, y: float) -> int | None:
        """Show the row of the point nearest to ``(x, y)`` (map units); its row number, or None."""
        drawn = self._drawn
        if drawn is None:
            return None
        index = nearest_point(drawn.coords, x, y, self._span)
        if index is None:
            self._pointed_row = None
            self.pointer.x, self.pointer.y = np.zeros(0), np.zeros(0)
            self.pointed.value = "<i>No point there: click on a point.</i>"
            return None
        self._pointed_row = int(drawn.coord_rows[index])
        self._show_pointed()
        return self._pointed_row

    def _forget_pointed(self) -> None:
        self._pointed_row = None
        self.pointed.value = ""
        self.pointer.x, self.pointer.y = np.zeros(0), np.zeros(0)

    def _show_pointed(self) -> None:
        """Ring the row pointed at and say its values, on the map drawn (its segment may have
        changed with k; on a new map it may not be drawn: then it is forgotten)."""
        row, drawn = self._pointed_row, self._drawn
        found = np.zeros(0, dtype=np.int64) if row is None or drawn is None else np.flatnonzero(drawn.coord_rows == row)
        if not len(found):
            if row is not None:  # it left the map
                self._forget_pointed()
            return
        index = int(found[0])
        with self.pointer.hold_sync():
            self.pointer.x = np.array([drawn.coords[index, 0]], dtype=np.float64)
            self.pointer.y = np.array([drawn.coords[index, 1]], dtype=np.float64)
        self.pointed.value = self._row_html(row)

    def _row_html(self, row: int) -> str:
        model, result = self.model, self._drawn
        data = model.data
        parts = [f"<b>Row {format_count(row)}</b>"]
        if model.table is not None and data is not None:
            ids = [c for c, role in model.table.roles.items() if role == Role.IDENTIFIER and c in data.columns]
            parts += [f"{escape(c)} <b>{escape(data.iloc[row][c])}</b>" for c in ids[:1]]
        if result is not None:
            segment = int(result.labels[row])
            name = result.names.get(segment, "no segment") if segment >= 0 else "no segment"
            colour = result.colors.get(segment, UNASSIGNED_COLOR)
            parts.append(f"<span style='color:{colour}'>■</span> {escape(name)}")
        if data is not None:
            parts += [f"{escape(c)} = {escape(_value(data.iloc[row][c]))}" for c in model.features if c in data.columns]
        return "<span class='sw-pointed-text'>" + " · ".join(parts) + "</span>"

    def add_corner(self, x: float, y: float) -> None:
        """One more corner of the polygon; a click on (near) the first corner closes it."""
        if len(self._corners) >= 3:
            first = np.array([self._corners[0]], dtype=np.float64)
            if nearest_point(first, x, y, self._span, within=0.025) is not None:
                self.select_polygon()
                return
        if len(self._corners) >= 200:
            raise SegwidgetsValueError("A shape can have at most 200 corners: select inside it first.")
        self._corners.append((float(x), float(y)))
        self._draw_outline()

    def select_polygon(self, corners: list[tuple[float, float]] | None = None) -> None:
        """Select the points inside the polygon drawn (or ``corners``), then forget it."""
        corners = self._corners if corners is None else corners
        drawn = self._drawn
        if len(corners) < 3:
            raise SegwidgetsValueError("A shape needs at least three corners: click them on the map.")
        if drawn is not None:
            self._select(drawn.coord_rows[points_in_polygon(drawn.coords, corners)])
        self._corners = []
        self._draw_outline()

    @report_errors
    def _on_polygon_button(self, button: Any = None) -> None:
        self.select_polygon()

    def _draw_outline(self) -> None:
        corners = self._corners
        xs = [c[0] for c in corners] + ([corners[0][0]] if len(corners) >= 3 else [])
        ys = [c[1] for c in corners] + ([corners[0][1]] if len(corners) >= 3 else [])
        with self.outline.hold_sync():
            self.outline.x = np.array(xs, dtype=np.float64)
            self.outline.y = np.array(ys, dtype=np.float64)

    @report_errors
    def _on_show_labels(self, change: dict) -> None:
        self.labels.visible = bool(change["new"])

    @report_errors
    def _on_mark_selected(self, change: dict) -> None:
        """A selection the browser set on the mark, mapped back to rows and checked."""
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
            self.details.value = ("<div><b class='sw-selection-count'>No rows selected</b> "
                                  "<small>(select with the mouse on the map, a legend button or a range)"
                                  "</small></div>")
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
        # the readout whole: "0 – 4,710", not "0.00 – 4.71e" cut
        self.range_slider.readout_format = ",.0f" if max(abs(low), abs(high)) >= 1000 else ".3g"
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
        """Clear the selection, the box or polygon drawn and the row pointed at."""
        self.model.selection = None
        self._forget_gestures()
        self._forget_pointed()

    def close(self) -> None:
        """Drop a redraw still waiting, stop observing the model, close the widget."""
        if getattr(self, "_lane", None) is not None:
            self.model.scheduler.cancel(self._lane)
        super().close()
