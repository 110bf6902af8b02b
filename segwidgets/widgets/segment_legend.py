"""``SegmentLegend``: each segment's colour, name and size; click one to select its rows, or
shape it from its menu (split, drill in, merge with another)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w
import numpy as np

from ..core.many_segments import OTHER, OTHER_NAME, fold_small_segments
from ..session import Result, Segmentation
from ._base import css, escape, format_count, report_errors
from ._segment_menu import SegmentMenus
from ._view import SegmentsView
from .algorithm_picker import GuardedDropdown

#: The choices of how segments are named (``model.naming``).
NAMING_CHOICES = (("what sets each apart", "traits"), ("overall level", "level"))
#: Rows of segments no longer on show are kept for reuse until there are more than this.
ROW_POOL_LIMIT = 64


class SegmentLegend(SegmentMenus, SegmentsView, w.VBox):
    """The segments' colours, names and sizes, each with a button that selects its rows.

    Selecting from the legend needs no mouse on the map; the map shows the
    selection whichever view made it (docs/frontends.md).

    Data Attributes:
        model: Segmentation — observed: ``result`` (redrawn when the segments or their names
            change), ``selection`` (until ``close()``); sets ``selection``.
        buttons: dict segment id -> ToggleButton (css ``sw-legend-select``).
        title: HTML "Segments", with "provisional, refining…" (css ``sw-legend-provisional``) while
            the result shown is a provisional one (a large table's k step; the seeded fit follows).
        rows: VBox — one row per segment (css ``sw-legend-row``, the name in ``sw-legend-name``),
            each kept by segment id and reused across refits (a k step sends what changed).
        actions: dict segment id -> Dropdown "⋯" (css ``sw-segment-actions``): split in 2 or 3,
            drill in, merge with another segment (``model.split``, ``drill``, ``merge``).
        on_drill: called with the child segmentation of a drill-in (the Explorer shows it).
        clear: Button "Clear selection" (css ``sw-clear-selection``).
        fold: Button "Fold the N smallest into 'Other'" (css ``sw-legend-fold``), shown when a
            method found more segments than a person compares: one hand merge (undoable).
        naming: Dropdown "Names by" (css ``sw-legend-naming``) — ``model.naming``: what sets
            each segment apart ("traits") or its overall level ("level"), for tables where
            every feature is an activity measure.
    """

    def __init__(self, model: Segmentation, *, on_drill: Callable[[Segmentation], None] | None = None,
                 **kwargs: Any) -> None:
        self.model = model
        self.on_drill = on_drill
        self.buttons: dict[int, w.ToggleButton] = {}
        self._rows: dict[int, w.HBox] = {}  # by segment id, reused across refits
        self.actions: dict[int, w.Dropdown] = {}
        self.clear = w.Button(description="Clear selection", layout=w.Layout(width="auto"))
        self.fold = w.Button(layout=w.Layout(width="auto", display="none"),
                             tooltip="Merge the smallest segments into one called 'Other' (Undo brings them back)")
        self.fold.add_class(css("legend-fold"))
        self.fold.on_click(self._on_fold)
        self.clear.add_class(css("clear-selection"))
        self.rows = w.VBox()
        self.naming = GuardedDropdown(options=NAMING_CHOICES, value=model.naming, description="Names by",
                                      style={"description_width": "initial"}, layout=w.Layout(width="auto"))
        self.naming.add_class(css("legend-naming"))
        self.naming.refused = self.refuse
        self.title = w.HTML("<b>Segments</b>")
        super().__init__([self.title, self.fold, self.rows, self.clear, self.naming], **kwargs)
        self.add_class(css("segment-legend"))
        self.clear.on_click(self._on_clear)
        self.naming.observe(self._on_naming, "value")
        self.watch(self._show_naming, "naming")
        self.watch(self._on_result, "result")
        self.watch(self._sync, "selection")
        self._render(model.result)

    @report_errors
    def _on_naming(self, change: dict) -> None:
        if not self.is_updating:
            self.model.naming = change["new"]

    @report_errors
    def _show_naming(self, change: Any = None) -> None:
        if self.naming.value != self.model.naming:
            with self.updating():
                self.naming.value = self.model.naming

    def _button(self, segment: int) -> w.ToggleButton:
        if segment not in self.buttons:
            # never shrunk: the name beside it wraps instead ("se…" was cut)
            button = w.ToggleButton(description="select", layout=w.Layout(width="70px", min_width="70px",
                                                                          flex="0 0 auto"))
            button.add_class(css("legend-select"))
            button.segment = segment
            button.observe(self._on_toggle, "value")
            self.buttons[segment] = button
        return self.buttons[segment]

    def _render(self, result: Result | None) -> None:
        self._drawn = result
        provisional = result is not None and result.preview
        self.title.value = "<b>Segments</b>" + (
            " <small class='sw-legend-provisional' title='A quick fit started from the previous "
            "segments; the seeded fit replaces it in a moment, keeping ids, names and colours'>"
            "<i>provisional, refining…</i></small>" if provisional else "")
        if result is None:
            self.rows.children = ()
            return
        sizes = result.profile.summary["size"]
        rows = []
        for segment in result.segment_ids:
            colour = result.colors.get(segment, "#999")
            name = escape(result.names.get(segment, f"Segment {segment}"))
            text = (f"<span style='display:inline-block;width:12px;height:12px;background:{colour};"
                    f"border-radius:2px;margin-right:6px;vertical-align:middle'></span>"
                    f"<span class='sw-legend-name'>{name}</span> <small>({format_count(int(sizes.loc[segment]))})</small>")
            rows.append(self._row(segment, text, result))
        if tuple(self.rows.children) != tuple(rows):
            self.rows.children = tuple(rows)
        self._prune_rows(result.segment_ids)
        folded = self._folded(result)
        self.fold.layout.display = "" if folded else "none"
        if folded:
            self.fold.description = f"Fold the {len(folded)} smallest into '{OTHER_NAME}'"
        self._sync()

    def _row(self, segment: int, text: str, result: Result) -> w.HBox:
        """Segment ``segment``'s row, reused across refits (a k step sends the changed texts and
        menus, not a new row of widgets per segment)."""
        row = self._rows.get(segment)
        if row is None:
            label = w.HTML(text, layout=w.Layout(flex="1 1 0", min_width="0"))
            row = w.HBox([label, self._button(segment), self._menu(segment, result)],
                         layout=w.Layout(width="100%"))
            row.add_class(css("legend-row"))
            self._rows[segment] = row
            return row
        if row.children[0].value != text:
            row.children[0].value = text
        self._menu(segment, result)
        return row

    def _prune_rows(self, shown: list[int]) -> None:
        """Close the rows (and their buttons and menus) of segments gone, once they are many."""
        if len(self._rows) <= ROW_POOL_LIMIT:
            return
        keep = set(shown)
        for segment in [s for s in self._rows if s not in keep]:
            row = self._rows.pop(segment)
            for part in (self.buttons.pop(segment, None), self.actions.pop(segment, None), *row.children[:1], row):
                if part is not None:
                    part.close()

    @staticmethod
    def _folded(result: Result | None) -> list[int]:
        """The segments a fold would merge into "Other" (none when they are few)."""
        if result is None:
            return []
        sizes = {int(i): int(n) for i, n in result.profile.summary["size"].items()}
        return [i for i, shown in fold_small_segments(sizes).items() if shown == OTHER]

    @report_errors
    def _on_fold(self, button: Any = None) -> None:
        folded = self._folded(self.model.result)
        if len(folded) >= 2:
            self.model.merge(folded, name=OTHER_NAME)

    def _selected_segment(self) -> int | None:
        """The segment whose rows are exactly the selection, if any."""
        selection, result = self.model.selection, self._drawn
        if selection is None or result is None:
            return None
        ids = np.unique(result.labels[selection])
        if len(ids) == 1 and ids[0] >= 0 and (result.labels == ids[0]).sum() == len(selection):
            return int(ids[0])
        return None

    @report_errors
    def _sync(self, change: Any = None) -> None:
        chosen = self._selected_segment()
        with self.updating():
            for segment, button in self.buttons.items():
                if button.value != (segment == chosen):
                    button.value = segment == chosen

    @report_errors
    def _on_toggle(self, change: dict) -> None:
        if self.is_updating:
            return
        segment, result = change["owner"].segment, self._drawn
        if change["new"] and result is not None and segment in result.segment_ids:
            self.model.selection = np.flatnonzero(result.labels == segment)
        else:
            self.model.selection = None
        self._sync()

    @report_errors
    def _on_clear(self, button: Any = None) -> None:
        self.model.selection = None
