"""Shaping segments by hand (merge, split, move, new, drill in) and the undo history.

A mixin of :class:`~segwidgets.session.Segmentation`. Each hand edit is appended to the
spec's ``edits`` (:mod:`segwidgets.core.edits`), so a saved spec or a link reproduces
it; each change a person makes (k, features, preparation, algorithm, names, roles,
edits) is one step of ``history``, which :meth:`Editing.undo`, :meth:`Editing.redo`
and :meth:`Editing.go_to` walk. A change of k, the features, the preparation or the
algorithm sets the hand edits aside (they were made on the old segments); undo brings
them back with the segment ids they named.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from traitlets import HasTraits, Int, List, Unicode

from ..core.algorithms import ALGORITHMS
from ..core.constraints import MAX_NAME_LENGTH
from ..core.edits import (
    CRUMB,
    DRILL_SETTINGS,
    EditContext,
    check_edit,
    describe,
    fresh_ids,
    split_labels,
)
from ..errors import SegwidgetsValueError

#: The settings whose change is a step of the history.
TRACKED = ("roles", "features", "scaling", "impute", "log1p", "scale_onehot", "algorithm", "k", "seed",
           "params", "naming", "names", "edits")
#: The settings whose change sets the hand edits aside (the segments they named are refitted).
DISCARDING = ("roles", "features", "scaling", "impute", "log1p", "scale_onehot", "algorithm", "k", "seed",
              "params")
#: Most steps the history keeps (the oldest go first).
MAX_HISTORY = 200


@dataclass
class Step:
    """One step of the history: what it did, the settings after it, and the segment ids the
    fit of those settings had (so undo gives the edits the ids they name)."""

    label: str
    state: dict[str, Any]
    ids: tuple[int, ...] | None = None


def _quoted(names: Mapping[int, str], i: int) -> str:
    return f"'{names.get(i, f'segment {i}')}'"


class Editing(HasTraits):
    """Hand edits and undo/redo for a :class:`~segwidgets.session.Segmentation` (a mixin)."""

    history = List(Unicode(), read_only=True, help="What each step of the history did, oldest first.")
    history_index = Int(0, read_only=True, help="The step on show (an index into ``history``).")

    # ------------------------------------------------------------- history
    def _history_init(self) -> None:
        self._steps: list[Step] = []
        self._at = 0
        self._restoring = 0
        self.parent = None  # a drill-in's parent segmentation
        self.parent_rows: np.ndarray | None = None
        self.parent_segment: int | None = None
        self.crumbs: list[str] = []

    def _state(self) -> dict[str, Any]:
        return {name: copy.deepcopy(getattr(self, name)) for name in TRACKED}

    def _record(self) -> None:
        """Make the settings now a step of the history, if they differ from the step on show."""
        if self._restoring or self.data is None:
            return
        state = self._state()
        if not self._steps:
            self._steps, self._at = [Step("Start", state)], 0
        elif state != self._steps[self._at].state:
            label = self._describe(self._steps[self._at].state, state)
            del self._steps[self._at + 1:]
            self._steps.append(Step(label, state))
            if len(self._steps) > MAX_HISTORY:
                del self._steps[0]
            self._at = len(self._steps) - 1
        else:
            return
        self._publish_history()

    def _forget_history(self) -> None:
        """A new table: the history starts again (its steps were about the old rows)."""
        self._steps, self._at = [], 0
        self._publish_history()

    def _publish_history(self) -> None:
        with self.hold_trait_notifications():
            self.set_trait("history", [step.label for step in self._steps])
            self.set_trait("history_index", self._at)

    def _remember_ids(self, raw_to_id: Sequence[int]) -> None:
        """The segment ids of the fit on show belong to the step on show."""
        if self._steps and not self._restoring:
            self._steps[self._at].ids = tuple(raw_to_id)

    def _describe(self, old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
        shown = dict(self.segment_names)
        parts = []
        for name in TRACKED:
            before, after = old[name], new[name]
            if before == after:
                continue
            if name == "k":
                parts.append(f"k {before} → {after}")
            elif name == "algorithm":
                parts.append(f"Algorithm: {ALGORITHMS[after].label}")
            elif name == "features":
                added = [f for f in after if f not in before]
                removed = [f for f in before if f not in after]
                parts.append("Features: " + ", ".join([f"+{f}" for f in added] + [f"−{f}" for f in removed]))
            elif name == "names":
                changed = sorted(i for i in set(before) | set(after) if before.get(i) != after.get(i))
                to = f" to '{after[changed[0]]}'" if len(changed) == 1 and changed[0] in after else ""
                generated = {} if self.result is None else dict(self.result.generated_names)
                parts.append(f"Renamed {', '.join(_quoted({**generated, **before}, i) for i in changed[:3])}{to}")
            elif name == "edits":
                if len(after) == len(before) + 1 and after[:-1] == before:
                    parts.append(describe(after[-1], {**shown, **new["names"]}))
                elif not after:
                    parts.append("Hand edits set aside")
                else:
                    parts.append("Hand edits changed")
            elif name == "roles":
                parts.append("Roles: " + ", ".join(f"{c} {r}" for c, r in after.items() if before.get(c) != r)
                             if after else "Roles: as read")
            else:
                parts.append(f"{name.replace('_', ' ').capitalize()}: {after}")
        return " · ".join(parts) or "Settings changed"

    @contextlib.contextmanager
    def _restoring_state(self) -> Iterator[None]:
        """Settings set as a whole (undo, a spec): no step recorded, no edits set aside."""
        self._restoring += 1
        try:
            yield
        finally:
            self._restoring -= 1

    def go_to(self, index: int) -> None:
        """Show step ``index`` of :attr:`history` (0 is the start): its settings, hand edits and
        segment ids. Steps after it stay, for :meth:`redo`, until a new change is made."""
        if not self._steps:
            return
        if not 0 <= index < len(self._steps):
            raise SegwidgetsValueError(f"The history has steps 0 to {len(self._steps) - 1}, not {index}.")
        if index == self._at:
            return
        target = self._steps[index]
        self._at = index
        with self._restoring_state(), self.batch():
            if target.ids:
                self.adopt_segment_ids(target.ids)
            self.roles = copy.deepcopy(target.state["roles"])
            for name in TRACKED:
                if name != "roles":
                    setattr(self, name, copy.deepcopy(target.state[name]))
            self._request()
        self._publish_history()

    def undo(self) -> bool:
        """Go one step back in the history; False if there is none."""
        if self._at == 0 or not self._steps:
            return False
        self.go_to(self._at - 1)
        return True

    def redo(self) -> bool:
        """Go one step forward again after :meth:`undo`; False if there is none."""
        if self._at >= len(self._steps) - 1:
            return False
        self.go_to(self._at + 1)
        return True

    @property
    def can_undo(self) -> bool:
        return self._at > 0

    @property
    def can_redo(self) -> bool:
        return self._at < len(self._steps) - 1

    def _set_aside(self) -> bool:
        """Before a refit of other segments: drop the hand edits (one step with the change)."""
        if self._restoring or not self.edits:
            return False
        self._edits_set_aside = len(self.edits)
        self.edits = []
        return True

    # --------------------------------------------------------------- edits
    def _editable(self):
        shown = self.result
        if shown is None or shown.preview or self.state == "fitting":
            self.wait()
            shown = self.result
        if shown is None:
            raise SegwidgetsValueError("There are no segments to edit yet.")
        return shown

    def _segments(self, segments: Sequence[int]) -> list[int]:
        shown = self._editable()
        ids = [int(s) for s in segments]
        missing = [i for i in ids if i not in shown.segment_ids]
        if missing:
            raise SegwidgetsValueError(f"There is no segment {missing[0]} on show; the segments are "
                                       f"{', '.join(map(str, shown.segment_ids))}.")
        return ids

    def _rows(self, rows: Any) -> list[int]:
        array = np.asarray([] if rows is None else rows)
        if array.dtype == bool:
            array = np.flatnonzero(array)
        n = 0 if self.data is None else len(self.data)
        if array.size == 0:
            raise SegwidgetsValueError("Select some rows first (on the map, or a segment in the legend).")
        if not np.issubdtype(array.dtype, np.integer) or array.min() < 0 or array.max() >= n:
            raise SegwidgetsValueError(f"Rows are row numbers from 0 to {n - 1}.")
        return sorted(set(array.astype(int).tolist()))

    def _new_ids(self, n: int) -> list[int]:
        """``n`` ids no segment, name or edit of this segmentation uses (nor any it had)."""
        shown = self._editable()
        used = [*shown.segment_ids, *shown.raw_to_id, *self.names, *self.recommendations]
        for step in self._steps:
            used += [*step.state["names"], *(step.ids or ())]
            for edit in step.state["edits"]:
                used += [*edit.get("ids", ()), edit.get("id", -1), edit.get("into", -1)]
        for edit in self.edits:
            used += [*edit.get("ids", ()), edit.get("id", -1)]
        return fresh_ids(used, n)

    def _add_edit(self, edit: dict[str, Any]) -> None:
        self.edits = [*self.edits, check_edit(edit)]

    def merge(self, segments: Sequence[int], name: str | None = None) -> int:
        """Merge two or more segments into one; it keeps the id, name and colour of the largest
        (or takes ``name``). Returns the merged segment's id."""
        ids = self._segments(segments)
        if len(set(ids)) < 2:
            raise SegwidgetsValueError("Choose at least two segments to merge.")
        sizes = self.result.profile.summary["size"]
        into = max(ids, key=lambda i: (int(sizes.loc[i]), -i))
        edit: dict[str, Any] = {"op": "merge", "segments": ids, "into": into}
        if name:
            edit["name"] = name
        self._add_edit(edit)
        return into

    def split(self, segment: int, n: int = 2) -> list[int]:
        """Split a segment in ``n`` by fitting the current algorithm on its rows alone (same
        preparation); returns the new segments' ids."""
        (segment,) = self._segments([segment])
        shown = self.result
        count = n
        if not ALGORITHMS[self.algorithm].uses_k:  # a density method finds its own number
            parts = split_labels(self._edit_context(), np.flatnonzero(shown.labels == segment), n)
            count = max(int(parts.max()) + 1, 1)
        ids = self._new_ids(count)
        self._add_edit({"op": "split", "segment": segment, "n": n, "ids": ids})
        return ids

    def move(self, rows: Any, to: int) -> None:
        """Move table rows (positions, or a mask) into segment ``to``."""
        (to,) = self._segments([to])
        self._add_edit({"op": "move", "rows": self._rows(rows), "to": to})

    def new_segment(self, rows: Any, name: str | None = None) -> int:
        """Make a new segment of table rows (positions, or a mask); returns its id."""
        rows = self._rows(rows)
        (new,) = self._new_ids(1)
        edit: dict[str, Any] = {"op": "new", "rows": rows, "id": new}
        if name:
            edit["name"] = name
        self._add_edit(edit)
        return new

    def _edit_context(self) -> EditContext:
        shown = self._editable()
        from ..core.preprocess import PreprocessSpec

        return EditContext(frame=self.data, roles=dict(self.table.roles), prepared=shown.prepared,
                           algorithm=self.algorithm, seed=self.seed, params=dict(self.params),
                           preprocess=PreprocessSpec(self.scaling, self.impute, self.log1p, self.scale_onehot),
                           features=list(self.features))

    def drill(self, segment: int | None = None, rows: Any = None, **settings: Any) -> Any:
        """A segmentation of one segment's rows (or of ``rows``) on their own, with its own
        settings (features, scaling, k, algorithm…; the parent's by default, k=2).

        Tune it like any segmentation, then call its ``bring_back()``: the segment is replaced
        by the child's segments, named "Parent › Child". ``child.crumbs`` names the way back.
        """
        unknown = sorted(set(settings) - set(DRILL_SETTINGS))
        if unknown:
            raise SegwidgetsValueError(f"A drill-in has no setting {unknown[0]!r}; "
                                       f"its settings are {', '.join(DRILL_SETTINGS)}.")
        shown = self._editable()
        if (segment is None) == (rows is None):
            raise SegwidgetsValueError("Drill into either a segment or a selection of rows.")
        if segment is not None:
            (segment,) = self._segments([segment])
            where = np.flatnonzero(shown.labels == segment)
            crumb = shown.names.get(segment, f"Segment {segment}")
        else:
            where = np.asarray(self._rows(rows), dtype=np.int64)
            crumb = f"{len(where):,} selected rows"
        if len(where) < 2:
            raise SegwidgetsValueError("A drill-in needs at least two rows.")
        table = self.table
        subset = dataclasses.replace(
            table, frame=table.frame.iloc[where].reset_index(drop=True),
            original=None if table.original is None else table.original.iloc[where].reset_index(drop=True),
            source=f"{self.source} › {crumb}", notes=[])
        defaults = {name: copy.deepcopy(getattr(self, name)) for name in DRILL_SETTINGS}
        defaults["k"] = 2
        child = type(self)(subset, background=self.background, warm_start=self.warm_start,
                           **{**defaults, **settings})
        child.parent, child.parent_segment, child.parent_rows = self, segment, where
        child.crumbs = [*(self.crumbs or ["All rows"]), crumb]
        return child

    def bring_back(self) -> list[int]:
        """Replace the segment this drill-in was made from by this segmentation's segments
        (one step of the parent's history); returns their ids in the parent."""
        parent = self.parent
        if parent is None:
            raise SegwidgetsValueError("This segmentation is not a drill-in; there is nothing to bring back to.")
        if self.edits:
            raise SegwidgetsValueError("Hand edits inside a drill-in cannot be brought back; undo them first, "
                                       "or change the drill-in's settings instead.")
        shown = self._editable()
        ids = parent._new_ids(len(shown.raw_to_id))
        crumb = self.crumbs[-1] if self.crumbs else "Segment"
        if self.parent_segment is not None:
            crumb = parent.segment_names.get(self.parent_segment, crumb)
        names = [f"{crumb}{CRUMB}{shown.names.get(i, f'Segment {i}')}" for i in shown.raw_to_id]
        edit: dict[str, Any] = {"op": "drill", "settings": {n: copy.deepcopy(getattr(self, n))
                                                             for n in DRILL_SETTINGS},
                                "ids": ids, "names": [n[:MAX_NAME_LENGTH] for n in names]}
        if self.parent_segment is not None:
            edit["segment"] = self.parent_segment
        else:
            edit["rows"] = [int(r) for r in self.parent_rows]
        parent._add_edit(edit)
        return ids
