"""The "⋯" menu of a segment (split, drill in, merge with another), shared by the legend and
the profile table."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from ..session import Result, Segmentation
from ._base import css, report_errors


class SegmentMenus:
    """Mix into a view with ``model``, ``updating()`` and an ``actions`` dict it starts empty: one
    "⋯" Dropdown per segment id (css ``sw-segment-actions``), reused across refits; choosing an
    item calls ``model.split``, ``model.merge`` or ``model.drill`` (then ``on_drill(child)``)."""

    model: Segmentation
    actions: dict[int, w.Dropdown]
    on_drill: Callable[[Segmentation], None] | None = None

    def _menu(self, segment: int, result: Result) -> w.Dropdown:
        options = [("⋯", ""), ("Split in 2", "split:2"), ("Split in 3", "split:3"), ("Drill in", "drill")]
        options += [(f"Merge with {result.names.get(i, f'Segment {i}')}", f"merge:{i}")
                    for i in result.segment_ids if i != segment]
        menu = self.actions.get(segment)
        if menu is None:
            menu = w.Dropdown(layout=w.Layout(width="44px", min_width="44px", flex="0 0 auto"),
                              tooltip="Split, drill into or merge this segment")
            menu.add_class(css("segment-actions"))
            menu.segment = segment
            menu.observe(self._on_action, "value")
            self.actions[segment] = menu
        if list(menu.options) != options:
            with self.updating(), menu.hold_sync():  # one message: the options and the value
                menu.options = options
                menu.value = ""
        return menu

    @report_errors
    def _on_action(self, change: dict) -> None:
        if self.is_updating or not change["new"]:
            return
        menu, action = change["owner"], change["new"]
        with self.updating():
            menu.value = ""
        segment = menu.segment
        if action.startswith("split:"):
            self.model.split(segment, int(action.split(":")[1]))
        elif action.startswith("merge:"):
            self.model.merge([segment, int(action.split(":")[1])])
        elif action == "drill":
            child = self.model.drill(segment)
            if self.on_drill is not None:
                self.on_drill(child)


__all__ = ["SegmentMenus"]
