"""``SegmentEditor``: shape the segments by hand (merge, split, drill in, move a selection,
make a new segment of it) and walk the history back and forth (undo, redo, any step)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..core.edits import MAX_PARTS
from ..session import Result, Segmentation
from ._base import css, format_count, report_errors
from ._view import View


class SegmentEditor(View, w.VBox):
    """Hand edits of the segments on show, and the model's undo history.

    Data Attributes:
        model: Segmentation — observed: ``result``, ``selection``, ``history``,
            ``history_index``, ``state``; calls ``merge``, ``split``, ``move``,
            ``new_segment``, ``drill``, ``undo``, ``redo`` and ``go_to``.
        chosen: SelectMultiple — the segments the buttons act on (css ``sw-edit-segments``).
        merge, split, drill: Buttons (css ``sw-edit-merge``, ``sw-edit-split``, ``sw-edit-drill``);
            ``parts``: BoundedIntText, how many parts a split makes.
        move_to: Dropdown and ``move`` Button — the map's selection into a segment;
            ``new``: Button — a new segment of the selection (css ``sw-edit-move``, ``sw-edit-new``);
            ``drill_selection``: Button — drill into the selection (css ``sw-edit-drill-selection``).
        undo, redo: Buttons (css ``sw-undo``, ``sw-redo``); ``steps``: Select — the history,
            a click goes to that step (css ``sw-history``).
        note: HTML — what a change of k or features does to the edits.
        on_drill: called with the child segmentation of a drill-in (the Explorer shows it);
            None: the child is kept in ``child``.
    """

    def __init__(self, model: Segmentation, *, on_drill: Callable[[Segmentation], None] | None = None,
                 **kwargs: Any) -> None:
        self.model = model
        self.on_drill = on_drill
        self.child: Segmentation | None = None
        self.chosen = w.SelectMultiple(options=[], rows=4, layout=w.Layout(width="100%"))
        self.chosen.add_class(css("edit-segments"))
        self.merge = self._button("Merge", "edit-merge", "Merge the segments chosen above into one")
        self.parts = w.BoundedIntText(value=2, min=2, max=MAX_PARTS, layout=w.Layout(width="52px"))
        self.split = self._button("Split in", "edit-split", "Refit the algorithm on this segment alone")
        self.drill = self._button("Drill in", "edit-drill", "Segment this segment on its own")
        self.move_to = w.Dropdown(options=[], layout=w.Layout(width="120px"))
        self.move = self._button("Move selection to", "edit-move", "Put the rows selected on the map in a segment")
        self.new = self._button("New segment from selection", "edit-new", "Make the selected rows a segment")
        self.drill_selection = self._button("Drill into selection", "edit-drill-selection",
                                            "Segment the selected rows on their own")
        self.undo = self._button("↶ Undo", "undo", "Undo the last change (k, features, an edit…)")
        self.redo = self._button("↷ Redo", "redo", "Redo what was undone")
        self.steps = w.Select(options=[], rows=5, layout=w.Layout(width="100%"))
        self.steps.add_class(css("history"))
        self.note = w.HTML()
        self.note.add_class(css("edit-note"))
        super().__init__([
            w.HTML("<b>Shape segments</b> <small>(choose in the list)</small>"),
            self.chosen,
            w.HBox([self.merge, self.split, self.parts, self.drill], layout=w.Layout(flex_flow="row wrap")),
            w.HBox([self.move, self.move_to], layout=w.Layout(flex_flow="row wrap")),
            w.HBox([self.new, self.drill_selection], layout=w.Layout(flex_flow="row wrap")),
            self.note,
            w.HBox([self.undo, self.redo]),
            w.HTML("<small>History (click a step to go back to it)</small>"),
            self.steps,
        ], **kwargs)
        self.add_class(css("segment-editor"))
        self.merge.on_click(self._on_merge)
        self.split.on_click(self._on_split)
        self.drill.on_click(self._on_drill)
        self.move.on_click(self._on_move)
        self.new.on_click(self._on_new)
        self.drill_selection.on_click(self._on_drill_selection)
        self.undo.on_click(self._on_undo)
        self.redo.on_click(self._on_redo)
        self.chosen.observe(self._enable, "value")
        self.steps.observe(self._on_step, "value")
        self.watch(self._on_result, "result")
        self.watch(self._enable, "selection", "state")
        self.watch(self._on_history, "history", "history_index")
        self._on_result()
        self._on_history()

    @staticmethod
    def _button(label: str, name: str, tooltip: str) -> w.Button:
        button = w.Button(description=label, tooltip=tooltip, layout=w.Layout(width="auto"))
        button.add_class(css(name))
        return button

    # ------------------------------------------------------------- drawing
    @report_errors
    def _on_result(self, change: Any = None) -> None:
        result: Result | None = self.model.result
        if result is None:
            options: list[tuple[str, int]] = []
        else:
            sizes = result.profile.summary["size"]
            options = [(f"{result.names.get(i, f'Segment {i}')} ({format_count(int(sizes.loc[i]))})", i)
                       for i in result.segment_ids]
        with self.updating():
            kept = tuple(v for v in self.chosen.value if v in dict((v, 0) for _, v in options))
            self.chosen.options = options
            self.chosen.value = kept
            current = self.move_to.value
            self.move_to.options = [(label.rsplit(" (", 1)[0], i) for label, i in options]
            if current in [i for _, i in options]:
                self.move_to.value = current
        count = len(self.model.edits)
        self.note.value = (
            f"<div style='line-height:1.3;font-size:12px;margin:4px 0'>{count} hand edit"
            f"{'s' if count != 1 else ''} on show. Changing k, the features, the preparation or the "
            "algorithm sets them aside; Undo brings them back.</div>" if count else "")
        self._enable()

    @report_errors
    def _on_history(self, change: Any = None) -> None:
        labels = list(self.model.history)
        with self.updating():
            self.steps.options = [(f"{i}. {label}", i) for i, label in enumerate(labels)]
            self.steps.tooltip = labels[self.model.history_index] if labels else None
            self.steps.value = self.model.history_index if labels else None
        self._enable()

    @report_errors
    def _enable(self, change: Any = None) -> None:
        busy = self.model.state == "fitting" or self.model.result is None
        chosen = len(self.chosen.value)
        self.merge.disabled = busy or chosen < 2
        self.split.disabled = self.drill.disabled = busy or chosen != 1
        has_selection = self.model.selection is not None
        self.move.disabled = self.move_to.disabled = busy or not has_selection
        self.new.disabled = self.drill_selection.disabled = busy or not has_selection
        self.undo.disabled = busy or not self.model.can_undo
        self.redo.disabled = busy or not self.model.can_redo

    # ------------------------------------------------------------- actions
    @report_errors
    def _on_merge(self, button: Any = None) -> None:
        self.model.merge(list(self.chosen.value))

    @report_errors
    def _on_split(self, button: Any = None) -> None:
        (segment,) = self.chosen.value
        self.model.split(segment, int(self.parts.value))

    @report_errors
    def _on_drill(self, button: Any = None) -> None:
        (segment,) = self.chosen.value
        child = self.model.drill(segment)
        self.child = child
        if self.on_drill is not None:
            self.on_drill(child)

    @report_errors
    def _on_drill_selection(self, button: Any = None) -> None:
        child = self.model.drill(rows=self.model.selection)
        self.child = child
        if self.on_drill is not None:
            self.on_drill(child)

    @report_errors
    def _on_move(self, button: Any = None) -> None:
        self.model.move(self.model.selection, self.move_to.value)
        self.model.selection = None

    @report_errors
    def _on_new(self, button: Any = None) -> None:
        self.model.new_segment(self.model.selection)
        self.model.selection = None

    @report_errors
    def _on_undo(self, button: Any = None) -> None:
        self.model.undo()

    @report_errors
    def _on_redo(self, button: Any = None) -> None:
        self.model.redo()

    @report_errors
    def _on_step(self, change: dict) -> None:
        if not self.is_updating and change["new"] is not None:
            self.model.go_to(int(change["new"]))
