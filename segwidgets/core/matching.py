"""Segment identity across refits.

When k, features, preprocessing, seed or algorithm change, the new segments
are matched to the previous ones by row overlap (Jaccard index, optimal
one-to-one assignment with scipy's ``linear_sum_assignment``), so a segment's
id, colour and name carry over. New segments with no good match get fresh
ids; splits and merges are reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

#: Minimum Jaccard overlap for a new segment to inherit an old segment's id.
MIN_OVERLAP = 0.2
#: Share of a segment's rows that counts as a real part of a split or merge.
PART_SHARE = 0.2


@dataclass
class Matching:
    """How new raw labels map to stable segment ids.

    Attributes:
        ids: stable id for each raw label ``0..n_new-1``.
        labels: stable id per row (``-1`` kept as ``-1``).
        fresh: stable ids that are new in this fit.
        splits: previous id -> new ids that each took a real part of it.
        merges: new id -> previous ids that each gave a real part of it.
    """

    ids: np.ndarray
    labels: np.ndarray
    fresh: list[int] = field(default_factory=list)
    splits: dict[int, list[int]] = field(default_factory=dict)
    merges: dict[int, list[int]] = field(default_factory=dict)


def _fresh_ids(taken: set[int]) -> Iterable[int]:
    candidate = 0
    while True:
        if candidate not in taken:
            yield candidate
        candidate += 1


def _overlaps(previous: np.ndarray, raw: np.ndarray, both: np.ndarray,
              n_new: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows shared by each old id (that has shared rows) and each new label; old ids; old sizes."""
    assigned = previous[previous >= 0]
    top = int(assigned.max()) + 1 if len(assigned) else 0
    if top <= 100_000:  # stable ids are small: count with bincount, no sort
        shared = np.bincount(previous[both] * n_new + raw[both], minlength=top * n_new).reshape(top, n_new)
        old_ids = np.flatnonzero(shared.sum(axis=1) > 0)
        sizes = np.bincount(assigned, minlength=top)
        return shared[old_ids], old_ids, sizes[old_ids].astype(float)
    old_ids, old_codes = np.unique(previous[both], return_inverse=True)
    table = np.zeros((len(old_ids), n_new), dtype=np.int64)
    np.add.at(table, (old_codes, raw[both]), 1)
    present, counts = np.unique(assigned, return_counts=True)
    return table, old_ids, counts[np.searchsorted(present, old_ids)].astype(float)


def match_segments(
    previous: np.ndarray | None,
    raw: np.ndarray,
    n_new: int,
    reserved: Iterable[int] = (),
) -> Matching:
    """Match raw labels ``0..n_new-1`` (``-1`` = none) to the ``previous`` stable labels.

    Args:
        previous: stable ids per row from the last fit, or None for a first fit.
            Must have the same length as ``raw``.
        raw: the new fit's labels per row.
        n_new: number of new segments.
        reserved: ids never handed out fresh (e.g. ids that carry a person's name),
            so a name never jumps to an unrelated segment.
    """
    raw = np.asarray(raw, dtype=np.int64)
    ids = np.full(n_new, -1, dtype=np.int64)
    splits: dict[int, list[int]] = {}
    merges: dict[int, list[int]] = {}
    if previous is not None and len(previous) == len(raw):
        previous = np.asarray(previous, dtype=np.int64)
        both = (previous >= 0) & (raw >= 0)
        table, old_ids, old_sizes = _overlaps(previous, raw, both, n_new)
        if len(old_ids):
            new_sizes = np.bincount(raw[raw >= 0], minlength=n_new).astype(float)
            union = old_sizes[:, None] + new_sizes[None, :] - table
            jaccard = np.where(union > 0, table / np.maximum(union, 1), 0.0)
            rows, cols = linear_sum_assignment(-jaccard)
            for r, c in zip(rows, cols):
                if jaccard[r, c] >= MIN_OVERLAP:
                    ids[c] = old_ids[r]
            parts_of_old = table / np.maximum(old_sizes, 1)[:, None]
            parts_of_new = table / np.maximum(new_sizes, 1)[None, :]
            pending_splits = {
                int(old_ids[r]): [c for c in np.flatnonzero(parts_of_old[r] >= PART_SHARE)]
                for r in range(len(old_ids))
            }
            pending_merges = {
                c: [int(old_ids[r]) for r in np.flatnonzero(parts_of_new[:, c] >= PART_SHARE)]
                for c in range(n_new)
            }
        else:
            pending_splits, pending_merges = {}, {}
    else:
        pending_splits, pending_merges = {}, {}
    taken = {int(i) for i in ids if i >= 0} | {int(i) for i in reserved}
    fresh_source = _fresh_ids(taken)
    fresh: list[int] = []
    for c in range(n_new):
        if ids[c] < 0:
            ids[c] = next(fresh_source)
            fresh.append(int(ids[c]))
    for old, cols in pending_splits.items():
        if len(cols) >= 2:
            splits[old] = [int(ids[c]) for c in cols]
    for c, olds in pending_merges.items():
        if len(olds) >= 2:
            merges[int(ids[c])] = olds
    labels = np.where(raw >= 0, ids[np.clip(raw, 0, None)] if n_new else -1, -1)
    return Matching(ids=ids, labels=labels.astype(np.int64), fresh=fresh, splits=splits, merges=merges)
