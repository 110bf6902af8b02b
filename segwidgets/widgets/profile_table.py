"""``ProfileTable``: one row per segment — editable name, size, share and feature averages.

The numbers are one ``HTML`` table (built as a string by
:class:`segwidgets.core.profile_html.ProfileHTML`: a refit sends one message),
the names are ``Text`` boxes kept in a pool by segment id and reused across
refits. Both columns use the same fixed row height, so the boxes line up with
the rows while the numbers scroll sideways on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as w
import pandas as pd

from ..core.preprocess import role_name
from ..core.profile import SegmentProfile
from ..core.profile_html import ROW_HEIGHT, ProfileHTML, profile_frame, z_colour
from ..session import Result, Segmentation
from ._base import css, format_number, report_errors
from ._segment_menu import SegmentMenus
from ._view import SegmentsView

__all__ = ["ProfileTable", "format_number", "z_colour"]  # the formatting helpers, as before the move to core

#: Width of the name column, in pixels.
NAME_WIDTH = 230
#: When the pool of name boxes grows past this, boxes of vanished segments are closed.
POOL_LIMIT = 64

_LABEL_STYLE = f"display:flex;height:{ROW_HEIGHT}px;box-sizing:border-box;font-size:13px;line-height:1.2"


class ProfileTable(SegmentMenus, SegmentsView, w.VBox):
    """The segment profiles: one row per segment, cells coloured by distance from the average.

    Columns: the segment's name (an editable box with the segment colour on its
    left edge), N, share of all rows, the mean of every numeric or yes/no
    feature in the data's own units (yes/no as a percentage), and for every
    categorical feature its most common values in the segment ("video 62% ·
    photo 30%"). Mean cells are coloured by z-score (blue below, red above the
    average of all rows, clipped at ±2 sd); a category cell by how much more
    common its first value is than over all rows. When rows are selected, a
    "Selection" row follows the segments.

    Data Attributes:
        model: Segmentation — observed: ``result`` (redrawn when the segments or their
            names change), ``selection_profile`` (until ``close()``); names are set with
            ``model.rename``.
        names: dict[int, Text] — name box per segment id (css ``sw-segment-name``),
            reused across refits.
        name_column: VBox — the header, a row per segment (css ``sw-profile-name-row``: its name
            box and, when editable, its "⋯" menu) and the "Selection" label.
        actions: dict segment id -> Dropdown "⋯" (css ``sw-segment-actions``): split, drill in,
            merge with another segment (when editable).
        on_drill: called with the child segmentation of a drill-in (the Explorer shows it).
        table: HTML — the numbers (css ``sw-profile-numbers``); each segment row
            has css ``sw-profile-row``, the selection row ``sw-selection-row``.
        caption: HTML — how to read the colours.

    Style Attributes:
        editable: bool (default: True) — whether names can be edited.
        max_categories: int (default: 2) — values shown per categorical feature.
    """

    def __init__(
        self, model: Segmentation, *, editable: bool = True, max_categories: int = 2,
        on_drill: Callable[[Segmentation], None] | None = None, **kwargs: Any
    ) -> None:
        self.model = model
        self.on_drill = on_drill
        self._rows: dict[int, w.HBox] = {}
        self.actions: dict[int, w.Dropdown] = {}
        self.editable = bool(editable)
        self.max_categories = max(1, int(max_categories))
        self.names: dict[int, w.Text] = {}
        self._selection_seen: SegmentProfile | None = None
        self._segment_html = ""
        self._header = w.HTML(
            f"<div style='{_LABEL_STYLE};font-weight:600;align-items:flex-end;padding-bottom:4px'>Name</div>",
            layout=w.Layout(height=f"{ROW_HEIGHT}px", margin="0", width="100%"),
        )
        self._selection_label = w.HTML(
            f"<div style='{_LABEL_STYLE};font-style:italic;align-items:center;padding-left:12px;"
            f"background:#eeeeee'>Selection</div>",
            layout=w.Layout(height=f"{ROW_HEIGHT}px", margin="0", width="100%"),
        )
        self.name_column = w.VBox(
            layout=w.Layout(width=f"{NAME_WIDTH}px", min_width=f"{NAME_WIDTH}px", flex="0 0 auto",
                            overflow="visible")
        )
        self.name_column.add_class(css("profile-names"))
        self.table = w.HTML(
            layout=w.Layout(flex="1 1 auto", min_width="0", max_width="100%", overflow="auto", margin="0")
        )
        self.table.add_class(css("profile-numbers"))
        self.caption = w.HTML(
            "<div style='color:#555;font-size:12px;line-height:1.4;white-space:normal'>Averages per segment in the data's own units; red is above, "
            "blue below the average of all rows (hover a cell for its distance from the average).</div>",
            layout=w.Layout(margin="2px 0 0 0"),
        )
        body = w.HBox([self.name_column, self.table],
                      layout=w.Layout(width="100%", max_width="100%", align_items="flex-start",
                                      overflow="visible"))
        super().__init__([body, self.caption], **kwargs)
        self.layout.max_width = "100%"
        self.add_class(css("profile-table"))
        self.watch(self._on_result, "result")
        self.watch(self._on_selection, "selection_profile")
        self._render(model.result)

    # -------------------------------------------------------------- names
    def _name_box(self, segment: int) -> w.Text:
        box = self.names.get(segment)
        if box is None:
            box = w.Text(
                continuous_update=False,
                disabled=not self.editable,
                layout=w.Layout(width="100%", height=f"{ROW_HEIGHT - 4}px", margin="2px 0"),
            )
            box.add_class(css("segment-name"))
            box.segment = segment
            box.observe(self._on_name, "value")
            box.observe(self._on_box_setting, ["continuous_update", "disabled"])
            self.names[segment] = box
        return box

    @report_errors
    def _on_name(self, change: dict) -> None:
        if self.is_updating:
            return
        box, shown = change["owner"], self.model.result
        current = "" if shown is None else shown.names.get(box.segment, "")
        if change["new"] == current:
            return
        try:
            if not self.editable:
                self.model.status = "Segment names cannot be edited in this table."
                return
            if shown is None or box.segment not in shown.segment_ids:
                self.model.status = "That segment is gone after the last change; names were not changed."
                return
            self.model.rename(box.segment, change["new"])
        finally:  # refused (or cleaned up by the model): the box shows what the model holds
            shown = self.model.result
            self._show_name(box, current if shown is None else shown.names.get(box.segment, current))

    @report_errors
    def _on_box_setting(self, change: dict) -> None:
        """The browser may flip any synced trait: names change only on submit, and only if editable."""
        box = change["owner"]
        if change["name"] == "continuous_update" and change["new"]:
            box.continuous_update = False
        elif change["name"] == "disabled" and box.disabled != (not self.editable):
            box.disabled = not self.editable

    def _show_name(self, box: w.Text, value: str) -> None:
        if box.value == value and box.tooltip == value:
            return
        with self.updating(), box.hold_sync():
            box.value = value
            box.tooltip = value

    def _row(self, segment: int, box: w.Text, result: Result) -> w.Widget:
        """The name box, with the segment's "⋯" menu beside it when names are editable."""
        if not self.editable:
            return box
        row = self._rows.get(segment)
        menu = self._menu(segment, result)
        if row is None:
            box.layout.width, box.layout.flex, box.layout.min_width = "auto", "1 1 0", "0"  # room for the menu
            row = w.HBox([box, menu], layout=w.Layout(width="100%", height=f"{ROW_HEIGHT}px",
                                                      align_items="center"))
            row.add_class(css("profile-name-row"))
            self._rows[segment] = row
        return row

    def _prune_pool(self, shown: Sequence[int]) -> None:
        if len(self.names) <= POOL_LIMIT:
            return
        keep = set(shown)
        for segment in [s for s in self.names if s not in keep]:
            self.names.pop(segment).close()
            if segment in self._rows:
                self._rows.pop(segment).close()
            if segment in self.actions:
                self.actions.pop(segment).close()

    # ------------------------------------------------------------ updates
    @report_errors
    def _on_selection(self, change: Any = None) -> None:
        # A refit publishes its result and the selection's new profile together; the result's
        # observer (notified first) drew both, so only a selection made alone redraws here.
        if self.model.selection_profile is not self._selection_seen:
            self._render(self._drawn, segments=False)

    def _render(self, result: Result | None, segments: bool = True) -> None:
        """Draw ``result``; with ``segments=False`` only the selection row is new."""
        self._drawn = result
        selection = self._selection_seen = self.model.selection_profile
        if result is None:
            with self.hold_sync():
                self.name_column.children = ()
                self.table.value = "<i>No segments yet.</i>"
            self._segment_html = ""
            return
        html = ProfileHTML(result.profile, result.features, self._roles(), self.max_categories)
        ids = [int(i) for i in result.profile.summary.index]
        if segments or not self._segment_html:
            self._segment_html = html.segment_rows(ids)
        boxes = []
        for segment in ids:
            box = self._name_box(segment)
            self._show_name(box, str(result.names.get(segment, "")))
            border = f"8px solid {result.colors.get(segment, '#999999')}"
            if box.layout.border_left != border:
                box.layout.border_left = border
            boxes.append(self._row(segment, box, result))
        has_selection = selection is not None and len(selection.summary.index) > 0
        value = html.table(self._segment_html + (html.selection_row(selection) if has_selection else ""))
        children = (self._header, *boxes, *((self._selection_label,) if has_selection else ()))
        with self.hold_sync():
            if tuple(self.name_column.children) != children:
                self.name_column.children = children
            self.table.value = value
        self._prune_pool(ids)

    def _roles(self) -> Mapping[str, str]:
        table = self.model.table
        if table is None:
            return {}
        return {name: role_name(role) for name, role in table.roles.items()}

    # ------------------------------------------------------------- export
    def to_frame(self, selection: bool = True) -> pd.DataFrame:
        """The table as shown, in numbers: one row per segment (index: segment id).

        Columns: ``name``, ``size``, ``share`` (0..1), the mean of every
        numeric/yes-no feature (original column names and units), then the
        share of every category (``"status_type = video"``, 0..1). With
        ``selection=True`` and rows selected, a last row indexed ``"selection"``.
        """
        shown = self.model.result
        if shown is None:
            return profile_frame(None, {})
        return profile_frame(shown.profile, shown.names, self.model.selection_profile if selection else None)
