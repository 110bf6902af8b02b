"""Hand edits of a segmentation: merge, split, move, new segment, drill in.

An edit is a small JSON-able mapping; a segmentation's ``edits`` are an ordered list
of them, applied one after another to the labels of its fit (stable segment ids
per table row). Every id an edit creates is recorded in the edit when it is made,
so replaying the list on the same rows (a saved spec, a link, an undo) gives the
same labels exactly:

``{"op": "merge", "segments": [3, 1], "into": 3, "name": "Loyal"}``
    the rows of every segment in ``segments`` go to ``into`` (the largest when
    the edit was made); ``name`` (optional) names the result.
``{"op": "split", "segment": 2, "n": 3, "ids": [7, 8, 9]}``
    the segment's rows are segmented again with the fit's algorithm, on the
    same prepared rows, into ``n``; the algorithm's label ``j`` gets ``ids[j]``.
``{"op": "move", "rows": [4, 18, 22], "to": 1}``
    those table rows go to segment ``to``.
``{"op": "new", "rows": [4, 18, 22], "id": 10, "name": "Odd ones"}``
    those rows become a new segment (``name`` optional).
``{"op": "drill", "segment": 0, "settings": {...}, "ids": [11, 12], "names": ["A › x", "A › y"]}``
    the segment (or ``"rows"``) is segmented on its own with its own ``settings``
    (features, scaling, impute, log1p, scale_onehot, algorithm, k, seed, params),
    prepared from its rows alone; its label ``j`` becomes ``ids[j]`` named
    ``names[j]``.

Nothing here knows of traits or widgets: :func:`apply_edits` takes the labels and
what a refit needs, and returns the edited labels with the names the edits give.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SegwidgetsValueError
from .constraints import MAX_NAME_LENGTH, Constraint, Whole, plain_text, saveable, short

#: The kinds of edit, in the words a history uses.
EDIT_OPS = ("merge", "split", "move", "new", "drill")
#: Most edits a segmentation keeps.
MAX_EDITS = 100
#: Most rows one move or new-segment edit may name (a spec stays small).
MAX_EDIT_ROWS = 50_000
#: Most segments a split or drill may make.
MAX_PARTS = 20
#: The settings a drill-in may give its child segmentation.
DRILL_SETTINGS = ("features", "scaling", "impute", "log1p", "scale_onehot", "algorithm", "k", "seed",
                  "params")
#: Between a parent's name and a child's, in a drilled-in segment's name.
CRUMB = " › "

_IDS = Whole(0, 10_000)


def _ids(label: str, value: Any, *, least: int = 1, most: int = MAX_PARTS + 1) -> list[int]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise SegwidgetsValueError(f"{label} must be a list of segment numbers, not {short(value)}.")
    ids = [_IDS.check(label, v) for v in value]
    if not least <= len(ids) <= most or len(set(ids)) != len(ids):
        raise SegwidgetsValueError(f"{label} must name {least} to {most} different segments.")
    return ids


def _rows(value: Any) -> list[int]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise SegwidgetsValueError(f"An edit's rows must be a list of row numbers, not {short(value)}.")
    if not 0 < len(value) <= MAX_EDIT_ROWS:
        raise SegwidgetsValueError(
            f"An edit can move 1 to {MAX_EDIT_ROWS:,} rows; this one names {len(value):,}. "
            "Drill into the segment instead, or split it.")
    rows = Whole(0, 2**40).check
    return sorted({rows("A row number", v) for v in value})


def _name(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise SegwidgetsValueError(f"A segment name must be text, not {short(value)}.")
    name = " ".join(plain_text(saveable("A segment name", value)).split())[:MAX_NAME_LENGTH]
    return name or None


def check_edit(edit: Any) -> dict[str, Any]:
    """``edit`` normalised (ids as ints, rows sorted), or a plain :class:`SegwidgetsValueError`."""
    if not isinstance(edit, Mapping):
        raise SegwidgetsValueError(f"An edit must be a mapping with an 'op', not {short(edit)}.")
    op = edit.get("op")
    if op not in EDIT_OPS:
        raise SegwidgetsValueError(f"An edit's op must be one of {', '.join(EDIT_OPS)}, not {short(op)}.")
    allowed = {"merge": {"segments", "into", "name"}, "split": {"segment", "n", "ids"},
               "move": {"rows", "to"}, "new": {"rows", "id", "name"},
               "drill": {"segment", "rows", "settings", "ids", "names"}}[op] | {"op"}
    unknown = sorted(str(k) for k in edit if k not in allowed)
    if unknown:
        raise SegwidgetsValueError(f"A {op} edit has no field {unknown[0]!r}.")
    out: dict[str, Any] = {"op": op}
    try:
        if op == "merge":
            out["segments"] = _ids("The segments to merge", edit["segments"], least=2, most=10_000)
            out["into"] = _IDS.check("The merged segment", edit["into"])
            if out["into"] not in out["segments"]:
                raise SegwidgetsValueError("A merge must go into one of the segments it merges.")
            if (name := _name(edit.get("name"))) is not None:
                out["name"] = name
        elif op == "split":
            out["segment"] = _IDS.check("The segment to split", edit["segment"])
            out["n"] = Whole(2, MAX_PARTS).check("The number of parts", edit["n"])
            out["ids"] = _ids("The new segments", edit["ids"], most=MAX_PARTS + 1)
        elif op == "move":
            out["rows"] = _rows(edit["rows"])
            out["to"] = _IDS.check("The segment to move to", edit["to"])
        elif op == "new":
            out["rows"] = _rows(edit["rows"])
            out["id"] = _IDS.check("The new segment", edit["id"])
            if (name := _name(edit.get("name"))) is not None:
                out["name"] = name
        else:
            if ("segment" in edit) == ("rows" in edit):
                raise SegwidgetsValueError("A drill edit names either a segment or rows.")
            if "segment" in edit:
                out["segment"] = _IDS.check("The segment to drill into", edit["segment"])
            else:
                out["rows"] = _rows(edit["rows"])
            out["settings"] = check_drill_settings(edit.get("settings", {}))
            out["ids"] = _ids("The drilled-in segments", edit["ids"], most=MAX_PARTS + 1)
            names = edit.get("names", [])
            if not isinstance(names, Sequence) or isinstance(names, str) or len(names) != len(out["ids"]):
                raise SegwidgetsValueError("A drill edit names each of its segments.")
            out["names"] = [_name(n) or "" for n in names]
    except KeyError as exc:
        raise SegwidgetsValueError(f"A {op} edit needs its {exc.args[0]!r}.") from None
    return out


def check_drill_settings(settings: Any) -> dict[str, Any]:
    """A drill-in's own settings, each checked by its spec field's constraint."""
    from .schema import FIELD  # the schema declares edits; its fields check a drill's settings

    if not isinstance(settings, Mapping):
        raise SegwidgetsValueError("A drill edit's settings must be a mapping.")
    unknown = sorted(str(k) for k in settings if k not in DRILL_SETTINGS)
    if unknown:
        raise SegwidgetsValueError(f"A drill-in has no setting {unknown[0]!r}; "
                                   f"its settings are {', '.join(DRILL_SETTINGS)}.")
    return {name: FIELD[name].check(value) for name, value in settings.items()}


@dataclass(frozen=True)
class Edits(Constraint):
    """An ordered list of at most ``most`` hand edits (see :mod:`segwidgets.core.edits`)."""

    most: int = MAX_EDITS

    def describe(self) -> str:
        return f"a list of at most {self.most} edits (merge, split, move, new, drill)"

    def check(self, label: str, value: Any) -> list[dict[str, Any]]:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
            raise SegwidgetsValueError(f"{label} must be {self.describe()}, not {short(value)}.")
        if len(value) > self.most:
            raise SegwidgetsValueError(f"{label} can hold at most {self.most} edits; undo some first.")
        return [check_edit(edit) for edit in value]


def edit_key(edits: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """A hashable, canonical form of ``edits`` (for caches and results)."""
    return tuple(json.dumps(edit, sort_keys=True, separators=(",", ":")) for edit in edits)


def describe(edit: Mapping[str, Any], names: Mapping[int, str]) -> str:
    """One line a history shows: "Merged 'A' and 'B'"."""

    def name(i: int) -> str:
        return f"'{names.get(i, f'segment {i}')}'"

    op = edit["op"]
    if op == "merge":
        parts = [name(i) for i in edit["segments"]]
        return f"Merged {', '.join(parts[:-1])} and {parts[-1]}"
    if op == "split":
        return f"Split {name(edit['segment'])} into {edit['n']}"
    if op == "move":
        return f"Moved {len(edit['rows']):,} row{'s' if len(edit['rows']) != 1 else ''} to {name(edit['to'])}"
    if op == "new":
        return f"New segment of {len(edit['rows']):,} rows"
    where = name(edit["segment"]) if "segment" in edit else f"{len(edit['rows']):,} rows"
    return f"Drilled into {where}: {len(edit['ids'])} segments"


@dataclass
class EditContext:
    """What split and drill edits refit with: the table, its roles, the fit's prepared rows and
    settings (all from the segmentation the edits apply to)."""

    frame: pd.DataFrame
    roles: Mapping[str, Any]
    prepared: Any  # core.preprocess.Prepared
    algorithm: str
    seed: int
    params: Mapping[str, Any]
    preprocess: Any  # core.preprocess.PreprocessSpec
    features: Sequence[str]


@dataclass
class Edited:
    """Labels after the edits, and what the edits said about their segments.

    Attributes:
        labels: stable segment id per table row, -1 for none.
        names: id -> name an edit gave (a merge's name, a drill-in's children).
        created: ids the edits made (split parts, new segments, drilled-in segments).
        warnings: what could not be done as asked, in plain words.
        applied: how many edits were applied (the rest were not, see ``warnings``).
    """

    labels: np.ndarray
    names: dict[int, str] = field(default_factory=dict)
    created: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    applied: int = 0


def _ordinal(i: int) -> str:
    return f"Edit {i + 1}"


def fresh_ids(in_use: Sequence[int], n: int) -> list[int]:
    """``n`` segment ids above every id in ``in_use``."""
    start = max([-1, *in_use]) + 1
    return list(range(start, start + n))


def split_labels(context: EditContext, rows: np.ndarray, n: int) -> np.ndarray:
    """The fit's algorithm, refitted on the prepared rows of table ``rows`` alone, into ``n``:
    its label per row of ``rows`` (-1 where a row has no prepared values)."""
    from .algorithms import fit_prepared

    prepared = context.prepared
    position = np.full(len(context.frame), -1, dtype=np.int64)
    position[prepared.row_index] = np.arange(prepared.n_rows)
    at = position[rows]
    kept = at >= 0
    subset = dataclasses.replace(prepared, X=prepared.X[at[kept]], row_index=np.flatnonzero(kept))
    fit = fit_prepared(subset, context.algorithm, n, context.seed, dict(context.params))
    out = np.full(len(rows), -1, dtype=np.int64)
    out[kept] = fit.labels
    return out


def drill_labels(context: EditContext, rows: np.ndarray, settings: Mapping[str, Any]) -> np.ndarray:
    """Table ``rows`` segmented on their own with ``settings`` (prepared from those rows alone):
    a label per row of ``rows``, -1 where a row could not be used."""
    from .algorithms import fit_prepared
    from .preprocess import PreprocessSpec, prepare

    frame = context.frame.iloc[rows].reset_index(drop=True)
    spec = drill_spec(context, settings)
    prepared = prepare(frame, list(spec["features"]), context.roles,
                       PreprocessSpec(spec["scaling"], spec["impute"], spec["log1p"], spec["scale_onehot"]))
    fit = fit_prepared(prepared, spec["algorithm"], spec["k"], spec["seed"], dict(spec["params"]))
    out = np.full(len(rows), -1, dtype=np.int64)
    out[prepared.row_index] = fit.labels
    return out


def drill_spec(context: EditContext, settings: Mapping[str, Any]) -> dict[str, Any]:
    """A drill-in's settings, completed with the parent's where it gives none."""
    pre = context.preprocess
    spec = {"features": list(context.features), "scaling": pre.scaling, "impute": pre.impute,
            "log1p": pre.log1p, "scale_onehot": pre.scale_onehot, "algorithm": context.algorithm,
            "k": 2, "seed": context.seed, "params": dict(context.params)}
    spec.update({k: v for k, v in settings.items() if not (k == "features" and not v)})
    return spec


def _assign(labels: np.ndarray, rows: np.ndarray, parts: np.ndarray, ids: Sequence[int],
            edited: Edited, what: str) -> list[int]:
    """Rows ``rows`` get ``ids[part]``; the ids actually used, in order."""
    found = int(parts.max()) + 1 if (parts >= 0).any() else 0
    ids = list(ids)
    if found > len(ids):  # the refit found more parts than when the edit was made
        made = len(ids)
        ids += fresh_ids([*np.unique(labels), *ids], found - made)
        edited.warnings.append(f"{what} found {found} segments this time, not {made}; "
                               "the extra ones were numbered anew.")
    mapped = np.where(parts >= 0, np.asarray(ids, dtype=np.int64)[np.clip(parts, 0, None)], -1)
    labels[rows] = mapped
    return ids[:found]


def apply_edits(labels: np.ndarray, edits: Sequence[Mapping[str, Any]], context: EditContext) -> Edited:
    """``labels`` (stable id per table row) after ``edits``, in order.

    An edit that cannot apply (a segment that no longer exists, a row past the table's
    end) stops the replay there: the edits before it stand, and ``warnings`` says which
    edit was not applied and why. A drill-in's names are the ones recorded in it.
    """
    labels = np.array(labels, dtype=np.int64, copy=True)
    edited = Edited(labels=labels)
    n_rows = len(labels)
    for index, edit in enumerate(edits):
        present = set(np.unique(labels[labels >= 0]).tolist())
        op = edit["op"]
        missing = [i for i in ([*edit.get("segments", ())] + [edit[k] for k in ("segment", "to")
                                                                  if k in edit]) if i not in present]
        rows = np.asarray(edit.get("rows", ()), dtype=np.int64)
        if missing or (rows.size and rows[-1] >= n_rows):
            why = (f"segment {missing[0]} is not in this segmentation" if missing
                   else f"the table has only {n_rows:,} rows")
            edited.warnings.append(
                f"{_ordinal(index)} ({op}) was not applied: {why}. The edits after it were not applied either.")
            break
        if op == "merge":
            labels[np.isin(labels, edit["segments"])] = edit["into"]
            if "name" in edit:
                edited.names[edit["into"]] = edit["name"]
        elif op == "split":
            where = np.flatnonzero(labels == edit["segment"])
            try:
                parts = split_labels(context, where, edit["n"])
            except SegwidgetsValueError as exc:
                edited.warnings.append(f"{_ordinal(index)} (split) was not applied: {exc}")
                break
            edited.created.update(_assign(labels, where, parts, edit["ids"], edited, "The split"))
        elif op == "move":
            labels[rows] = edit["to"]
        elif op == "new":
            labels[rows] = edit["id"]
            edited.created.add(edit["id"])
            if "name" in edit:
                edited.names[edit["id"]] = edit["name"]
        else:
            where = np.flatnonzero(labels == edit["segment"]) if "segment" in edit else rows
            try:
                parts = drill_labels(context, where, edit["settings"])
            except SegwidgetsValueError as exc:
                edited.warnings.append(f"{_ordinal(index)} (drill-in) was not applied: {exc}")
                break
            used = _assign(labels, where, parts, edit["ids"], edited, "The drill-in")
            edited.created.update(used)
            for j, i in enumerate(used):
                if j < len(edit["names"]) and edit["names"][j]:
                    edited.names[i] = edit["names"][j]
        edited.applied = index + 1
    return edited
