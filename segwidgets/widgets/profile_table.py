"""``ProfileTable``: one row per segment — editable name, size, share and feature averages."""

from __future__ import annotations

import html
import math
from typing import Any

import ipywidgets as w
import pandas as pd

from ..core.naming import pretty_feature_name, split_category_column
from ..session import Segmentation
from ._base import css, report_errors

ROW_HEIGHT = 30  # px: the name boxes and the table rows line up


def _number(value: float) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:,.1f}"
    return f"{value:.3g}" if magnitude >= 0.01 or value == 0 else f"{value:.2e}"


def z_colour(z: float) -> str:
    """Diverging colour for a z-score: blue below, white near, red above the average (clipped at ±2)."""
    if z is None or not math.isfinite(z):
        return "#ffffff"
    t = max(-1.0, min(1.0, z / 2.0))
    if t >= 0:
        r, g, b = 255, int(255 - 140 * t), int(255 - 150 * t)
    else:
        r, g, b = int(255 + 150 * t), int(255 + 100 * t), 255
    return f"#{r:02x}{g:02x}{b:02x}"


class ProfileTable(w.HBox):
    """The segment profiles, one row per segment, cells coloured by how far they are from average.

    Data Attributes:
        model: Segmentation — observed: revision, selection_profile; names set through ``rename``.
        names: dict segment id -> Text (css ``sw-segment-name``), reused across refits.
        table: HTML — the numbers; each segment row has css ``sw-profile-row``, a
            selection row ``sw-selection-row``.
        editable: bool — whether names can be edited (default True).
    """

    def __init__(self, model: Segmentation, *, editable: bool = True, **kwargs: Any) -> None:
        self.model = model
        self.editable = editable
        self.names: dict[int, w.Text] = {}
        self._syncing = False
        self.name_column = w.VBox(layout=w.Layout(width="210px", flex="0 0 auto"))
        self.table = w.HTML(layout=w.Layout(overflow_x="auto", flex="1 1 auto"))
        self.table.add_class(css("profile-numbers"))
        super().__init__([self.name_column, self.table], layout=w.Layout(width="100%"), **kwargs)
        self.add_class(css("profile-table"))
        model.observe(self._render, ["revision", "selection_profile"])
        self._render()

    def _name_box(self, segment: int) -> w.Text:
        if segment not in self.names:
            box = w.Text(continuous_update=False, disabled=not self.editable,
                         layout=w.Layout(width="200px", height=f"{ROW_HEIGHT - 2}px", margin="1px 0"))
            box.add_class(css("segment-name"))
            box.segment = segment
            box.observe(self._on_name, "value")
            self.names[segment] = box
        return self.names[segment]

    @report_errors
    def _on_name(self, change: dict) -> None:
        if self._syncing:
            return
        box = change["owner"]
        try:
            self.model.rename(box.segment, change["new"])
        finally:
            self._show_name(box, self.model.segment_names.get(box.segment, ""))  # refused: revert

    def _show_name(self, box: w.Text, value: str) -> None:
        if box.value == value:
            return
        self._syncing = True
        try:
            box.value = value
        finally:
            self._syncing = False

    def to_frame(self) -> pd.DataFrame:
        """The table as shown: name, size, share, feature means, category shares."""
        profile = self.model.profile
        if profile is None:
            return pd.DataFrame()
        frame = profile.table().copy()
        frame["name"] = [self.model.segment_names.get(int(i), "") for i in frame.index]
        return pd.concat([frame, profile.category_shares], axis=1)

    @report_errors
    def _render(self, change: Any = None) -> None:
        model = self.model
        profile = model.profile
        if profile is None:
            self.name_column.children = ()
            self.table.value = "<i>No segments yet.</i>"
            return
        ids = list(model.segment_ids)
        spacer = w.HTML("<b>Name</b>", layout=w.Layout(height=f"{ROW_HEIGHT}px"))
        boxes = []
        for segment in ids:
            box = self._name_box(segment)
            self._show_name(box, model.segment_names.get(segment, ""))
            boxes.append(box)
        extra = []
        if model.selection_profile is not None:
            extra.append(w.HTML("<i>Selection</i>", layout=w.Layout(height=f"{ROW_HEIGHT}px")))
        with self.hold_sync():
            self.name_column.children = (spacer, *boxes, *extra)
            self.table.value = self._html(ids)

    def _html(self, ids: list[int]) -> str:
        model, profile = self.model, self.model.profile
        features = list(profile.means.columns)
        categories = list(profile.category_shares.columns)
        cell = f"style='height:{ROW_HEIGHT - 8}px;padding:3px 8px;white-space:nowrap;text-align:right'"
        head = "".join(
            f"<th {cell}>{html.escape(pretty_feature_name(f))}</th>" for f in features
        ) + "".join(
            f"<th {cell}>{html.escape(pretty_feature_name(split_category_column(c)[0]))}: "
            f"{html.escape(split_category_column(c)[1])}</th>" for c in categories
        )
        rows = [f"<tr><th {cell}></th><th {cell}>N</th><th {cell}>Share</th>{head}</tr>"]
        for segment in ids:
            summary = profile.summary.loc[segment]
            colour = model.colors.get(segment, "#999")
            cells = "".join(
                f"<td {cell[:-1]};background:{z_colour(float(profile.zscores.loc[segment, f]))}' "
                f"title='{float(profile.zscores.loc[segment, f]):+.1f} sd from the average'>"
                f"{_number(float(profile.means.loc[segment, f]))}</td>"
                for f in features
            ) + "".join(
                f"<td {cell}>{float(profile.category_shares.loc[segment, c]):.0%}</td>" for c in categories
            )
            rows.append(
                f"<tr class='{css('profile-row')}'><td {cell}><span style='display:inline-block;width:12px;"
                f"height:12px;background:{colour};border-radius:2px'></span></td>"
                f"<td {cell}>{int(summary['size']):,}</td><td {cell}>{float(summary['share']):.1%}</td>{cells}</tr>"
            )
        selection = model.selection_profile
        if selection is not None and 0 in selection.summary.index:
            summary = selection.summary.loc[0]
            cells = "".join(
                f"<td {cell[:-1]};background:{z_colour(float(selection.zscores.loc[0, f]))}'>"
                f"{_number(float(selection.means.loc[0, f]))}</td>" for f in features
                if f in selection.means.columns
            ) + "".join(
                f"<td {cell}>{float(selection.category_shares.loc[0, c]):.0%}</td>"
                if c in selection.category_shares.columns else f"<td {cell}>0%</td>" for c in categories
            )
            rows.append(
                f"<tr class='{css('selection-row')}' style='font-style:italic;border-top:2px solid #888'>"
                f"<td {cell}>▣</td><td {cell}>{int(summary['size']):,}</td>"
                f"<td {cell}>{float(summary['share']):.1%}</td>{cells}</tr>"
            )
        return ("<table style='border-collapse:collapse;font-size:0.9em'>" + "".join(rows) + "</table>"
                "<small style='color:#666'>Averages per segment in the data's own units; red is above, "
                "blue below the average of all rows.</small>")
