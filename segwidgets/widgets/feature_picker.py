"""``FeaturePicker``: which columns the segmentation uses, with each column's role shown."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from ..core.roles import Role
from ..errors import SegwidgetsValueError
from ..session import Segmentation
from ._base import css, report_errors

ROLE_WORDS = {
    Role.NUMERIC: "number",
    Role.BOOLEAN: "yes/no",
    Role.CATEGORICAL: "category",
    Role.DATETIME: "date-time",
    Role.IDENTIFIER: "identifier",
    Role.EMPTY: "empty",
}


class FeaturePicker(w.VBox):
    """Tick the columns to segment on.

    Numeric, yes/no and categorical columns can be ticked; identifiers,
    date-times and empty columns are listed (greyed, with the reason) only
    when "Show all columns" is on, and can never be ticked.

    Data Attributes:
        model: Segmentation — observed: table, features; sets features.
        boxes: dict column -> Checkbox (css ``sw-feature-box``).
        filter: Text (css ``sw-feature-filter``) — shows only matching columns.
        show_all: Checkbox — also list the columns that cannot be features.
    """

    def __init__(self, model: Segmentation, *, height: str = "240px", **kwargs: Any) -> None:
        self.model = model
        self.boxes: dict[str, w.Checkbox] = {}
        self._rows: dict[str, w.HBox] = {}
        self._syncing = False
        self.filter = w.Text(placeholder="Filter columns", layout=w.Layout(width="100%"))
        self.filter.add_class(css("feature-filter"))
        self.show_all = w.Checkbox(False, description="Show all columns", indent=False)
        self.all_numeric = w.Button(description="All numeric", layout=w.Layout(width="auto"))
        self.none = w.Button(description="None", layout=w.Layout(width="auto"))
        self.list = w.VBox(layout=w.Layout(max_height=height, overflow_y="auto", width="100%"))
        self.list.add_class(css("feature-list"))
        buttons = w.HBox([self.all_numeric, self.none, self.show_all], layout=w.Layout(flex_flow="row wrap"))
        super().__init__([self.filter, buttons, self.list], **kwargs)
        self.add_class(css("feature-picker"))
        self.filter.observe(self._show_rows, "value")
        self.show_all.observe(self._show_rows, "value")
        self.all_numeric.on_click(self._pick_numeric)
        self.none.on_click(self._pick_none)
        model.observe(self._build, "table")
        model.observe(self._sync, "features")
        self._build()

    @report_errors
    def _build(self, change: Any = None) -> None:
        table = self.model.table
        self.boxes, self._rows = {}, {}
        if table is None:
            self.list.children = ()
            return
        chosen = set(self.model.features)
        candidates = set(table.feature_candidates())
        for name, info in table.columns.items():
            usable = name in candidates
            box = w.Checkbox(value=name in chosen, description=name, indent=False, disabled=not usable,
                             layout=w.Layout(width="auto", flex="1 1 auto"))
            box.add_class(css("feature-box"))
            box.observe(self._on_box, "value")
            role = ROLE_WORDS.get(info.role, str(info.role))
            why = "" if usable else f" — {html.escape(info.reason)}"
            badge = w.HTML(f"<small style='color:{'#555' if usable else '#999'}'>{role}{why}</small>")
            self.boxes[name] = box
            self._rows[name] = w.HBox([box, badge], layout=w.Layout(width="100%"))
        self._show_rows()

    @report_errors
    def _show_rows(self, change: Any = None) -> None:
        table = self.model.table
        if table is None:
            return
        needle = self.filter.value.strip().lower()
        candidates = set(table.feature_candidates())
        self.list.children = tuple(
            row for name, row in self._rows.items()
            if (self.show_all.value or name in candidates) and needle in name.lower()
        )

    @report_errors
    def _on_box(self, change: dict) -> None:
        if self._syncing:
            return
        table = self.model.table
        candidates = set(table.feature_candidates())
        owner = change["owner"]
        name = owner.description
        if change["new"] and name not in candidates:
            self._set_box(owner, False)  # the browser ticked a column that cannot be a feature
            raise SegwidgetsValueError(f"Column {name!r} cannot be a feature: {table.columns[name].reason}.")
        chosen = [n for n, box in self.boxes.items() if box.value and n in candidates]
        self.model.features = chosen

    def _set_box(self, box: w.Checkbox, value: bool) -> None:
        self._syncing = True
        try:
            box.value = value
        finally:
            self._syncing = False

    @report_errors
    def _sync(self, change: Any = None) -> None:
        chosen = set(self.model.features)
        for name, box in self.boxes.items():
            if box.value != (name in chosen):
                self._set_box(box, name in chosen)

    @report_errors
    def _pick_numeric(self, button: Any = None) -> None:
        self.model.features = self.model.table.default_features() if self.model.table else []

    @report_errors
    def _pick_none(self, button: Any = None) -> None:
        self.model.features = []
