"""``FeaturePicker``: which columns the segmentation uses, with each column's role shown."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..core.roles import SETTABLE_ROLES, Role
from ..core.text import plain_text
from ..errors import SegwidgetsValueError
from ..session import Segmentation
from ._base import css, escape, report_errors
from ._view import View
from .algorithm_picker import GuardedDropdown

#: How each column role is shown next to its name.
ROLE_WORDS = {
    Role.NUMERIC: "numeric",
    Role.BOOLEAN: "yes-no",
    Role.CATEGORICAL: "category",
    Role.DATETIME: "date-time",
    Role.IDENTIFIER: "identifier",
    Role.EMPTY: "empty",
    Role.IGNORED: "ignored",
}
#: The roles a person can give a column, in the order the role menu lists them.
ROLE_CHOICES = tuple((ROLE_WORDS[Role(role)], role) for role in SETTABLE_ROLES)
#: Longest filter text used (the browser can send any length).
MAX_FILTER_LENGTH = 200


def role_word(role: Any) -> str:
    """The word shown for a column role (``Role`` or its string value)."""
    try:
        return ROLE_WORDS[Role(role)]
    except ValueError:
        return str(role)


class FeaturePicker(View, w.VBox):
    """Tick the columns to segment on.

    Numeric, yes-no and categorical columns (``table.feature_candidates()``)
    can be ticked; identifiers, ignored, date-time and empty columns are listed,
    greyed and with the reason, only when "Show all columns" is on, and can
    never be ticked (a tick from the browser is refused). Ticking sets
    ``model.features`` in table order; unticking everything is allowed: the
    model then says "Choose at least one feature" and the boxes stay as left.

    Each column's role is a menu (numeric, category, yes-no, identifier,
    ignored): choosing one calls ``model.set_role`` (a role its values cannot
    take is refused in the status and the menu shows the role that stands).
    The reason for a role is shown under the column when it is not plain
    numbers or yes/no: codes read as categories, a suggestion, a role set by
    the person, a column left out of the defaults as redundant.

    Data Attributes:
        model: Segmentation — observed: ``table`` (rebuild), ``features`` (until ``close()``);
            sets ``features``.
        boxes: dict column -> Checkbox (css ``sw-feature-box``), one per column;
            those that cannot be features are disabled.
        role_menus: dict column -> Dropdown (css ``sw-feature-role``) of the roles a person
            can give (date-time and empty columns have none).
        filter: Text (css ``sw-feature-filter``) — shows only columns whose
            name contains the text (case-insensitive).
        show_all: Checkbox (css ``sw-feature-show-all``) — also list the
            columns that cannot be features.
        all_numeric, none: Buttons "Suggested" and "None" (css ``sw-feature-all-numeric``,
            ``sw-feature-none``) — tick ``table.default_features()`` (the numeric and yes-no
            columns but the redundant ones) / untick all.
        count: HTML (css ``sw-feature-count``) — "3 of 9 columns chosen".
        list: VBox (css ``sw-feature-list``) — the rows (css ``sw-feature-row``,
            greyed ones also ``sw-feature-row-unavailable``), scrolling past ``height``.

    Style Attributes:
        height: str (default: "240px") — the list's maximum height before it scrolls.
    """

    def __init__(self, model: Segmentation, *, height: str = "240px", **kwargs: Any) -> None:
        self.model = model
        self.boxes: dict[str, w.Checkbox] = {}
        self.role_menus: dict[str, GuardedDropdown] = {}
        self._names: dict[int, str] = {}  # id(box or menu) -> column: never trust a synced description
        self._rows: dict[str, w.HBox] = {}
        self._usable: list[str] = []
        self.filter = w.Text(placeholder="Filter columns", layout=w.Layout(width="auto"))
        self.filter.add_class(css("feature-filter"))
        self.show_all = w.Checkbox(False, description="Show all columns", indent=False,
                                   layout=w.Layout(width="auto"))
        self.show_all.add_class(css("feature-show-all"))
        self.all_numeric = w.Button(description="Suggested", layout=w.Layout(width="auto"),
                                    tooltip="Tick the suggested columns: the numeric and yes-no ones, "
                                            "one of each set that measures the same thing")
        self.all_numeric.add_class(css("feature-all-numeric"))
        self.none = w.Button(description="None", layout=w.Layout(width="auto"),
                             tooltip="Untick every column")
        self.none.add_class(css("feature-none"))
        self.count = w.HTML()
        self.count.add_class(css("feature-count"))
        self.list = w.VBox(layout=w.Layout(max_height=height, overflow="auto", width="100%"))
        self.list.add_class(css("feature-list"))
        buttons = w.HBox([self.all_numeric, self.none, self.show_all],
                         layout=w.Layout(flex_flow="row wrap", align_items="center"))
        super().__init__([self.filter, buttons, self.count, self.list], **kwargs)
        self.add_class(css("feature-picker"))
        self.filter.observe(self._on_filter, "value")
        self.show_all.observe(self._on_filter, "value")
        self.all_numeric.on_click(self._pick_numeric)
        self.none.on_click(self._pick_none)
        self.watch(self._on_table, "table")
        self.watch(self._on_features, "features")
        self._build()

    # ------------------------------------------------------------- building
    def _build(self) -> None:
        old = list(self._rows.values())
        self.boxes, self.role_menus, self._names, self._rows = {}, {}, {}, {}
        table = self.model.table
        self._usable = list(table.feature_candidates()) if table is not None else []
        if table is not None:
            chosen = set(self.model.features)
            usable = set(self._usable)
            redundant = getattr(table, "redundant", {}) or {}
            for name, info in table.columns.items():
                ok = name in usable
                box = w.Checkbox(value=ok and name in chosen, description=plain_text(str(name)), indent=False,
                                 disabled=not ok, tooltip=str(name),
                                 layout=w.Layout(width="auto", flex="1 1 auto"))
                box.add_class(css("feature-box"))
                box.observe(self._on_box, "value")
                if not ok:
                    box.observe(self._keep_disabled, "disabled")
                badge = self._role_control(name, info, ok)
                parts: list[w.Widget] = [box, badge]
                reason = self._reason(name, info, ok, redundant)
                if reason:  # the reason on its own line under the name
                    parts.append(w.HTML(
                        f"<small style='color:#999;padding-left:20px;display:block;line-height:1.35'>{reason}</small>",
                        layout=w.Layout(flex="1 1 100%", width="auto", margin="-6px 2px 2px 2px"),
                    ))
                row = w.HBox(parts, layout=w.Layout(width="100%", flex="0 0 auto",
                                                    flex_flow="row wrap", align_items="center"))
                row.add_class(css("feature-row"))
                if not ok:
                    row.add_class(css("feature-row-unavailable"))
                self.boxes[name] = box
                self._names[id(box)] = name
                self._rows[name] = row
        self._show_rows()
        self._show_count()
        for row in old:  # widgets of a replaced table: free their comms
            for child in row.children:
                child.close()
            row.close()

    def close(self) -> None:
        for row in self._rows.values():
            for child in row.children:
                child.close()
            row.close()
        super().close()

    def _role_control(self, name: str, info: Any, ok: bool) -> w.Widget:
        """The role menu of a column, or a plain word where no other role can be given."""
        if info.role not in {Role(r) for r in SETTABLE_ROLES}:
            word = escape(role_word(info.role))
            return w.HTML(f"<small style='color:#999'>{word}</small>", layout=w.Layout(flex="0 0 auto"))
        menu = GuardedDropdown(options=ROLE_CHOICES, value=Role(info.role).value,
                               description="", tooltip=f"What {name} is",
                               layout=w.Layout(width="110px", flex="0 0 auto"))
        menu.add_class(css("feature-role"))
        menu.refused = self.refuse
        menu.observe(self._on_role, "value")
        self.role_menus[name] = menu
        self._names[id(menu)] = name
        return menu

    @staticmethod
    def _reason(name: str, info: Any, ok: bool, redundant: dict) -> str:
        """Why a column has its role, where that is worth a line: "" for plain numbers and yes/no."""
        parts = []
        if name in redundant:
            parts.append(f"Not chosen by default: {redundant[name].reason}")
        plain = info.role in (Role.NUMERIC, Role.BOOLEAN) and not getattr(info, "suggested", None) \
            and not getattr(info, "set_by_person", False)
        if not ok or not plain:
            text = str(info.reason)
            suggested = getattr(info, "suggested", None)
            if suggested is not None and ok:
                text += f" (it could be {'a ' if Role(suggested) == Role.CATEGORICAL else ''}{role_word(suggested)}: "
                text += "change its role in the menu)"
            parts.insert(0, text)
        return escape(". ".join(parts))

    @report_errors
    def _on_role(self, change: dict) -> None:
        if self.is_updating:
            return
        name = self._names.get(id(change["owner"]))
        if name is None or self.model.table is None:
            return
        try:
            self.model.set_role(name, change["new"])  # the table changes: the rows are rebuilt
        finally:
            info = self.model.table.columns.get(name) if self.model.table is not None else None
            menu = self.role_menus.get(name)
            if menu is not None and info is not None and menu.value != Role(info.role).value:
                with self.updating():  # a refused role does not stay on screen
                    menu.value = Role(info.role).value

    def _show_rows(self) -> None:
        needle = self.filter.value[:MAX_FILTER_LENGTH].strip().lower()
        usable = set(self._usable)
        rows = tuple(
            row for name, row in self._rows.items()
            if (self.show_all.value or name in usable) and needle in str(name).lower()
        )
        if self.model.table is None:
            self.list.children = (w.HTML("<small>No table loaded yet.</small>"),)
        elif not rows and not usable:
            self.list.children = (w.HTML(
                "<small>No column can be a feature. Tick “Show all columns” to see why.</small>"
            ),)
        else:
            self.list.children = rows

    def _show_count(self) -> None:
        n = sum(self.boxes[name].value for name in self._usable)
        total = len(self._usable)
        self.count.value = f"<small>{n} of {total} column{'s' if total != 1 else ''} chosen</small>"

    def _set_box(self, box: w.Checkbox, value: bool) -> None:
        with self.updating():
            box.value = value

    # ------------------------------------------------------ controls -> model
    @report_errors
    def _on_box(self, change: dict) -> None:
        if self.is_updating:
            return
        box = change["owner"]
        name = self._names.get(id(box))
        if name is None:  # a box of a table no longer loaded
            return
        if change["new"] and name not in set(self._usable):
            self._set_box(box, False)  # ticked by a browser ignoring ``disabled``
            reason = self.model.table.columns[name].reason if self.model.table is not None else ""
            raise SegwidgetsValueError(f"Column {name!r} cannot be a feature: {reason}.")
        self._send_features()

    def _keep_disabled(self, change: dict) -> None:
        """A box that cannot be a feature stays disabled, whatever a browser sends."""
        if not change["new"]:
            change["owner"].disabled = True

    def _send_features(self) -> None:
        self.model.features = [n for n in self._usable if self.boxes[n].value]  # table order
        self._show_count()

    @report_errors
    def _on_filter(self, change: Any = None) -> None:
        self._show_rows()

    @report_errors
    def _pick_numeric(self, button: Any = None) -> None:
        table = self.model.table
        if table is None:
            return
        self.model.features = [n for n in table.default_features() if n in set(self._usable)]

    @report_errors
    def _pick_none(self, button: Any = None) -> None:
        self.model.features = []

    # ------------------------------------------------------ model -> controls
    @report_errors
    def _on_table(self, change: Any = None) -> None:
        self._build()

    @report_errors
    def _on_features(self, change: Any = None) -> None:
        chosen = set(self.model.features) & set(self._usable)
        for name, box in self.boxes.items():
            want = name in chosen
            if box.value != want:
                self._set_box(box, want)
        self._show_count()
