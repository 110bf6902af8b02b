"""``Result``: one applied segmentation, frozen, as every view reads it.

A model publishes a new ``Result`` each time something a view shows changes:
a fit (new ``fit_key``), the metrics measured after it, names given by a
person, or the map's coordinates (UMAP arriving). A view learns what changed
by comparing the new result with the one it drew:

- ``new.key != old.key``: the segmentation changed (labels, profile): another fit
  (``fit_key``) or other hand edits (``edits``);
- ``new.coords is not old.coords``: the map's points moved;
- ``new.names != old.names``: only names changed;
- ``new.metrics`` filled in: the measurements arrived.

Arrays are read-only; mappings are read-only views. Nothing in a result is
ever changed after it is published.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from ..core.algorithms import ClusterFit
from ..core.preprocess import Prepared
from ..core.profile import SegmentProfile


def frozen_array(array: np.ndarray) -> np.ndarray:
    """``array`` made read-only (a view, no copy)."""
    view = array.view()
    view.setflags(write=False)
    return view


def frozen_map(mapping: Mapping) -> Mapping:
    """A read-only view of a copy of ``mapping``."""
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, eq=False)
class Result:
    """One applied segmentation.

    Data Attributes:
        fit_key: tuple — identifies the fit (data, features, preprocessing, algorithm, k, seed,
            params); equal keys mean equal labels.
        prep_key: tuple — identifies the prepared rows (data, features, preprocessing).
        data_version: int — which table (goes up by one per table loaded).
        preview: bool — a provisional fit started from the previous centres; the seeded fit follows.
        cached: bool — taken from the cache.
        algorithm, k, seed: str, int, int — what was fitted.
        features: tuple[str, ...] — the columns segmented on.
        labels: int64 array — the stable segment id of each row of the table, -1 for none.
        raw_to_id: tuple[int, ...] — the stable id of each of the fit's own labels 0..n-1.
        segment_ids: tuple[int, ...] — the current segments' stable ids, in order.
        generated_names: id -> name the profile generated.
        names: id -> name shown (a person's name, else the generated one).
        colors: id -> ``#rrggbb``.
        profile: SegmentProfile — by stable id, with the names shown.
        coords: float32 ``(m, 2)`` — the map; the same object while the map is unchanged.
        coord_rows: int array — the table rows of the points in ``coords``.
        center_coords: id -> (x, y) centre of each segment in the map.
        embedding: str — the method of ``coords`` ("pca" or "umap").
        metrics: name -> value; empty until measured.
        warnings: tuple[str, ...] — about this result, in plain words.
        timings: phase -> seconds.
        summary: str — one line: segments, rows, algorithm, features, how long.
        prepared: Prepared — the rows the algorithm saw (``prepared.row_index`` maps them to the table).
        fit: ClusterFit — the fitted algorithm (centres, estimator); a preview's own fit when ``preview``.
        edits: tuple[str, ...] — the hand edits applied after the fit (canonical JSON, one per
            edit; :mod:`segwidgets.core.edits`); ``labels``, ``profile`` and ``metrics`` are the
            edited ones, ``raw_to_id`` and ``fit`` the fit's.
    """

    fit_key: tuple
    prep_key: tuple
    data_version: int
    preview: bool
    cached: bool
    algorithm: str
    k: int
    seed: int
    features: tuple[str, ...]
    labels: np.ndarray
    raw_to_id: tuple[int, ...]
    segment_ids: tuple[int, ...]
    generated_names: Mapping[int, str]
    names: Mapping[int, str]
    colors: Mapping[int, str]
    profile: SegmentProfile
    coords: np.ndarray
    coord_rows: np.ndarray
    center_coords: Mapping[int, tuple[float, float]]
    embedding: str
    metrics: Mapping[str, float]
    warnings: tuple[str, ...]
    timings: Mapping[str, float]
    summary: str
    prepared: Prepared
    fit: ClusterFit
    edits: tuple[str, ...] = ()

    @property
    def key(self) -> tuple:
        """Identifies the segments on show: the fit and the hand edits after it."""
        return (self.fit_key, self.edits)

    def replace(self, **changes: Any) -> Result:
        """A new result with some fields changed (mappings and arrays frozen again)."""
        for name in ("generated_names", "names", "colors", "center_coords", "metrics", "timings"):
            if name in changes:
                changes[name] = frozen_map(changes[name])
        for name in ("labels", "coords", "coord_rows"):
            if name in changes:
                changes[name] = frozen_array(changes[name])
        return dataclasses.replace(self, **changes)

    def stable(self, raw_labels: np.ndarray) -> np.ndarray:
        """Raw labels of this fit (0..n-1, -1 for none) as stable segment ids."""
        ids = np.asarray(self.raw_to_id, dtype=np.int64)
        raw = np.asarray(raw_labels, dtype=np.int64)
        return np.where(raw >= 0, ids[np.clip(raw, 0, max(len(ids) - 1, 0))], -1)

    @property
    def n_rows(self) -> int:
        """Rows of the table that have a segment."""
        return int((self.labels >= 0).sum())

    def same_look(self, other: Result | None) -> bool:
        """Whether ``other`` shows the same segments under the same names (nothing to redraw
        for a view of segments; metrics or the map may differ)."""
        return self.same_segments(other) and other.names == self.names

    def same_segments(self, other: Result | None) -> bool:
        """Whether ``other`` shows the same fit (so labels and profile are unchanged)."""
        return other is not None and other.key == self.key and other.preview == self.preview
