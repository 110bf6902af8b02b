"""``Segmentation``: the headless model that holds all state.

Spec traits are what a person changes (data, features, preprocessing,
algorithm, k, seed, names, selection, embedding). Changing one schedules a
refit on a worker thread; a result overtaken by a newer change is dropped,
never shown. Fits are cached by spec, so returning to a k already seen is
applied at once, in the caller's thread. Result traits (labels, profile,
metrics, coords, status ...) are set together, and ``revision`` goes up by one
each time, so a view can observe ``revision`` alone and redraw once.

Errors never escape an observer: they land in ``status`` in plain words,
``state`` becomes ``"error"`` and the previous result stays in place.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from traitlets import (
    Bool,
    Dict,
    Enum,
    HasTraits,
    Instance,
    Int,
    List,
    TraitError,
    Unicode,
    observe,
    validate,
)

from .core.algorithms import (
    ALGORITHMS,
    K_MAX,
    K_MIN,
    WARM_STARTABLE,
    ClusterFit,
    algorithm_info,
    fit_prepared,
    fit_warm,
)
from .core.diagnostics import SweepResult, sweep_k
from .core.embedding import EMBEDDINGS, pca_2d, umap_2d
from .core.io import LoadedTable, read_table
from .core.matching import match_segments
from .core.metrics import compute_metrics
from .core.preprocess import (
    IMPUTATIONS,
    NUMERIC_ROLES,
    SCALINGS,
    Prepared,
    PreprocessSpec,
    prepare,
    role_name,
)
from .core.profile import SegmentProfile, profile_inputs, profile_segments
from .core.spec import SegmentationSpec
from .errors import SegwidgetsError, SegwidgetsValueError

log = logging.getLogger(__name__)

#: Segment colours by stable id (Tableau 10, then ten more that stay distinct).
PALETTE: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b",
    "#e377c2", "#17becf", "#bcbd22", "#393b79", "#637939",
)
UNASSIGNED_COLOR = "#c8c8c8"
MAX_NAME_LENGTH = 80
_CACHE_SIZE = 48
#: Spec fields that are one trait each, with the same name in the spec and the model.
_PLAIN_SPEC_FIELDS = ("scaling", "impute", "log1p", "algorithm", "k", "seed", "embedding")


#: Most points the map draws; larger tables show a seeded random sample (profiles use every row).
MAX_MAP_POINTS = 100_000


@functools.lru_cache(maxsize=8)
def _sample_positions(n: int, size: int) -> np.ndarray:
    positions = np.sort(np.random.default_rng(0).choice(n, size=size, replace=False))
    positions.setflags(write=False)
    return positions


def map_positions(n: int) -> np.ndarray | slice:
    """Which of ``n`` prepared rows the map draws: all of them, or a seeded sample."""
    return slice(None) if n <= MAX_MAP_POINTS else _sample_positions(n, MAX_MAP_POINTS)


def segment_color(segment_id: int) -> str:
    """The colour of a stable segment id (-1, unassigned, is grey)."""
    return UNASSIGNED_COLOR if segment_id < 0 else PALETTE[segment_id % len(PALETTE)]


@dataclass(frozen=True)
class _Request:
    generation: int
    data_version: int
    frame: pd.DataFrame
    roles: Mapping[str, Any]
    features: tuple[str, ...]
    preprocess: PreprocessSpec
    algorithm: str
    k: int
    seed: int
    params: tuple[tuple[str, Any], ...]

    @property
    def prep_key(self) -> tuple:
        return (self.data_version, self.features, self.preprocess)

    @property
    def fit_key(self) -> tuple:
        k = self.k if ALGORITHMS[self.algorithm].uses_k else None
        return (self.prep_key, self.algorithm, k, self.seed, self.params)


@dataclass
class _Fitted:
    """What a fit produced, independent of segment ids (cached by spec)."""

    fit: ClusterFit
    labels: np.ndarray  # raw labels over all rows of the frame
    metrics: dict | None  # None until measured (after the result is shown)
    seconds: dict
    map_centres: tuple[np.ndarray, dict[int, tuple[float, float]]] | None = None  # (coords, by raw label)


class _LRU(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get(self, key, default=None):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def put(self, key, value) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class Segmentation(HasTraits):
    """A segmentation of one table that re-fits as its settings change.

    ``Segmentation(df, k=4)`` fits at once (in the caller's thread), so
    ``labels``, ``profile`` and ``metrics`` are ready on return. Later changes
    of a spec trait refit on a worker thread (``background=True``) or inline.

    Spec attributes (set them to refit):
        data: pandas.DataFrame (cleaned; roles in ``table``)
        features: list[str] (default: the numeric and boolean columns)
        scaling: "standard" | "robust" | "minmax" | "none" (default "standard")
        impute: "median" | "mean" | "zero" | "drop" (default "median")
        log1p: bool (default False)
        algorithm: a key of ``segwidgets.core.algorithms.ALGORITHMS`` (default "kmeans")
        k: int from 2 to 50 (default 4)
        seed: int >= 0 (default 0)
        params: dict of algorithm-specific settings (default {})
        names: dict segment id -> name given by a person (default {})
        embedding: "pca" | "umap" (default "pca")
        selection: numpy array of row positions, or None

    Result attributes (observe them):
        labels: numpy int64 array, stable segment id per row (-1 = none)
        segment_ids, segment_names, colors, profile, metrics, coords,
        coord_rows, center_coords, status, state, warnings, timings, revision
    """

    # ---- spec: what a person changes
    data = Instance(pd.DataFrame, allow_none=True, help="The table being segmented (cleaned).")
    table = Instance(LoadedTable, allow_none=True, help="The table with column roles and load notes.")
    source = Unicode("", help="Where the data came from: a dataset name or a file name.")
    features = List(Unicode(), help="Columns used to segment.")
    scaling = Enum(SCALINGS, default_value="standard", help="How features are scaled.")
    impute = Enum(IMPUTATIONS, default_value="median", help="How missing values are handled.")
    log1p = Bool(False, help="Apply log(1 + x) to non-negative numeric features.")
    algorithm = Enum(tuple(ALGORITHMS), default_value="kmeans", help="Clustering algorithm.")
    k = Int(4, help="Number of segments.")
    seed = Int(0, help="Random seed.")
    params = Dict(help="Algorithm-specific settings, e.g. min_cluster_size for HDBSCAN.")
    names = Dict(help="Segment names given by a person: segment id -> name.")
    embedding = Enum(EMBEDDINGS, default_value="pca", help="2-D map of the rows: PCA or UMAP.")
    selection = Instance(np.ndarray, allow_none=True, help="Selected row positions, or None.")

    # ---- results: what views read
    labels = Instance(np.ndarray, allow_none=True, help="Stable segment id per row, -1 for none.")
    segment_ids = List(Int(), help="The stable ids of the current segments, in order.")
    segment_names = Dict(help="Segment id -> display name (given or generated).")
    colors = Dict(help="Segment id -> colour '#rrggbb'.")
    profile = Instance(SegmentProfile, allow_none=True, help="Per-segment profile.")
    selection_profile = Instance(SegmentProfile, allow_none=True, help="Profile of the selection.")
    metrics = Dict(help="Quality metrics of the current fit.")
    coords = Instance(np.ndarray, allow_none=True, help="float32 (n, 2) map coordinates.")
    coord_rows = Instance(np.ndarray, allow_none=True, help="Row positions of the points in coords.")
    center_coords = Dict(help="Segment id -> (x, y) centre in the map.")
    embedding_state = Enum(("ready", "computing", "error"), default_value="ready")
    status = Unicode("", help="What the model is doing or did, in plain words.")
    state = Enum(("idle", "fitting", "error"), default_value="idle")
    warnings = List(Unicode(), help="Warnings about the current result, in plain words.")
    timings = Dict(help="Seconds spent per phase in the last result.")
    revision = Int(0, help="Goes up by one each time a result is applied.")

    def __init__(
        self,
        data: pd.DataFrame | str | os.PathLike | LoadedTable | None = None,
        *,
        features: Sequence[str] | None = None,
        k: int = 4,
        algorithm: str = "kmeans",
        scaling: str = "standard",
        impute: str = "median",
        log1p: bool = False,
        seed: int = 0,
        params: Mapping[str, Any] | None = None,
        names: Mapping[int, str] | None = None,
        embedding: str = "pca",
        segment_ids: Sequence[int] | None = None,
        background: bool = True,
        warm_start: bool = True,
    ) -> None:
        super().__init__()
        self.background = background
        #: k-means family, background mode: a k change first shows a fit started from the
        #: previous centres (a few iterations), then the seeded fit replaces it.
        self.warm_start = warm_start
        self._closed = False
        self._shown_fit: tuple[tuple, np.ndarray] | None = None
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._generation = 0
        self._pending: _Request | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._worker: threading.Thread | None = None
        self._batch_depth = 0
        self._batch_dirty = False
        self._data_version = 0
        self._prepared: _LRU = _LRU(8)
        self._fits: _LRU = _LRU(_CACHE_SIZE)
        self._profiles: _LRU = _LRU(_CACHE_SIZE)
        self._embeddings: _LRU = _LRU(16)
        self._profile_inputs: _LRU = _LRU(2)
        self._float32: _LRU = _LRU(1)
        self._umap_threads: dict[tuple, threading.Thread] = {}
        self._auto_names: dict[int, str] = {}
        self._applied_fit_key: tuple | None = None
        self._applied_ids: list[int] = []
        self._initial_ids: list[int] = list(segment_ids or [])
        self._applied_prep_key: tuple | None = None
        with self._batch(run=False):
            self.k = k
            self.algorithm = algorithm
            self.scaling = scaling
            self.impute = impute
            self.log1p = log1p
            self.seed = seed
            self.params = dict(params or {})
            self.names = dict(names or {})
            self.embedding = embedding
            if data is not None:
                self._set_table(self._read(data), features)
        if self.data is not None:
            self._run_inline()

    # ------------------------------------------------------------------ data
    @staticmethod
    def _read(data: Any, filename: str | None = None) -> LoadedTable:
        if isinstance(data, LoadedTable):
            return data
        if isinstance(data, str) and not os.path.exists(data):
            from . import datasets

            if data in datasets.list_datasets():
                return datasets.load_table(data)
        table = read_table(data, filename=filename)
        if isinstance(data, (str, os.PathLike)) and filename is None:
            table.source = str(Path(data).resolve())  # a saved spec can find the file again
        return table

    def _set_table(self, table: LoadedTable, features: Sequence[str] | None = None) -> None:
        candidates = table.feature_candidates()
        if features is not None:
            unknown = [f for f in features if f not in candidates]
            if unknown:
                raise SegwidgetsValueError(
                    f"These features are not usable columns of the table: {', '.join(unknown)}."
                )
            features = list(features)
        elif self.features and all(f in candidates for f in self.features):
            features = list(self.features)  # same columns: keep the person's choice
        else:
            features = table.default_features()
        with self._batch():
            self._data_version += 1
            self._prepared.clear()
            self._fits.clear()
            self._profiles.clear()
            self._embeddings.clear()
            self.labels = None
            self.selection = None
            self.selection_profile = None
            self.table = table
            self.source = table.source
            self.data = table.frame
            self.features = features
            self._request()

    def load_data(
        self, source: Any, *, filename: str | None = None, features: Sequence[str] | None = None
    ) -> bool:
        """Load a new table (path, bytes, file object, DataFrame or dataset name).

        Returns False, with the reason in ``status``, if it cannot be read;
        the table and results already loaded then stay as they were.
        """
        try:
            table = self._read(source, filename)
            if len(table.frame) == 0:
                raise SegwidgetsValueError("The table has no rows.")
            self._set_table(table, features)
        except SegwidgetsError as exc:
            self._report_error(str(exc), keep="data")
            return False
        except Exception as exc:  # a reader we do not control failed: still plain words
            log.exception("could not load data")
            self._report_error(f"The file could not be read ({type(exc).__name__}: {exc}).", keep="data")
            return False
        return True

    @validate("data")
    def _validate_data(self, proposal: Any) -> pd.DataFrame | None:
        frame = proposal["value"]
        if frame is None or (self.table is not None and frame is self.table.frame):
            return frame
        # A DataFrame assigned directly: read it like any table (roles, cleaning).
        table = read_table(frame)
        self._pending_table = table
        return table.frame

    @observe("data")
    def _on_data(self, change: dict) -> None:
        table = getattr(self, "_pending_table", None)
        if table is not None and change["new"] is table.frame:
            self._pending_table = None
            self._set_table(table)

    # ------------------------------------------------------------ validation
    @validate("k")
    def _validate_k(self, proposal: Any) -> int:
        value = proposal["value"]
        if not K_MIN <= value <= K_MAX:
            raise TraitError(f"k must be a whole number from {K_MIN} to {K_MAX}, not {value}.")
        return value

    @validate("seed")
    def _validate_seed(self, proposal: Any) -> int:
        value = proposal["value"]
        if not 0 <= value < 2**32:
            raise TraitError(f"The seed must be a whole number from 0 to {2**32 - 1}, not {value}.")
        return value

    @validate("features")
    def _validate_features(self, proposal: Any) -> list[str]:
        value = list(dict.fromkeys(proposal["value"]))
        if self.table is not None:
            candidates = set(self.table.feature_candidates())
            unknown = [f for f in value if f not in candidates]
            if unknown:
                raise TraitError(
                    f"These are not usable columns of the table: {', '.join(map(repr, unknown))}."
                )
        return value

    @validate("names")
    def _validate_names(self, proposal: Any) -> dict[int, str]:
        clean: dict[int, str] = {}
        for key, name in dict(proposal["value"]).items():
            try:
                segment = int(key)
            except (TypeError, ValueError):
                raise TraitError(f"A segment id must be a whole number, not {key!r}.") from None
            if not isinstance(name, str):
                raise TraitError(f"A segment name must be text, not {type(name).__name__}.")
            name = " ".join(name.split())
            if len(name) > MAX_NAME_LENGTH:
                raise TraitError(f"A segment name can be at most {MAX_NAME_LENGTH} characters long.")
            if segment < 0 or segment > 10_000:
                raise TraitError(f"There is no segment {segment}.")
            if name:
                clean[segment] = name
        return clean

    @validate("params")
    def _validate_params(self, proposal: Any) -> dict:
        value = dict(proposal["value"])
        for key, item in value.items():
            if not isinstance(key, str) or not isinstance(item, (int, float, str, bool, type(None))):
                raise TraitError(f"Algorithm setting {key!r} must be a number or text.")
        if "min_cluster_size" in value:
            size = value["min_cluster_size"]
            if isinstance(size, bool) or not isinstance(size, int) or not 2 <= size <= 100_000:
                raise TraitError("The minimum segment size must be a whole number of at least 2.")
        return value

    @validate("selection")
    def _validate_selection(self, proposal: Any) -> np.ndarray | None:
        value = proposal["value"]
        if value is None:
            return None
        array = np.asarray(value)
        if array.size == 0:
            return None
        if array.dtype == bool:
            if self.data is None or array.shape != (len(self.data),):
                raise TraitError("A selection mask must have one entry per row.")
            array = np.flatnonzero(array)
        if not np.issubdtype(array.dtype, np.integer):
            raise TraitError("A selection is a list of row numbers.")
        array = np.unique(array.astype(np.int64).ravel())
        n = 0 if self.data is None else len(self.data)
        if array[0] < 0 or array[-1] >= n:
            raise TraitError(f"A selection can only name rows 0 to {n - 1}.")
        return array

    # ------------------------------------------------------------ scheduling
    @contextlib.contextmanager
    def _batch(self, run: bool = True) -> Iterator[None]:
        """Change several spec traits with a single refit at the end."""
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0 and self._batch_dirty:
                self._batch_dirty = False
                if run:
                    self._request()

    def batch(self) -> contextlib.AbstractContextManager[None]:
        """Change several settings with a single refit at the end::

            with model.batch():
                model.k = 6
                model.scaling = "robust"
        """
        return self._batch()

    @observe("features", "scaling", "impute", "log1p", "algorithm", "k", "seed", "params")
    def _on_spec(self, change: dict) -> None:
        if change["name"] == "k" and not ALGORITHMS[self.algorithm].uses_k and self.labels is not None:
            return  # k means nothing to this algorithm: keep the result
        self._request()

    def _request(self) -> None:
        if self._batch_depth:
            self._batch_dirty = True
            return
        if self.data is None:
            return
        with self._lock:
            self._generation += 1
            request = self._snapshot(self._generation)
            fitted = self._fits.get(request.fit_key)
            prepared = self._prepared.get(request.prep_key)
            if fitted is not None and prepared is not None:
                self._pending = None  # a cache hit overtakes whatever was waiting
                self._apply(request, prepared, fitted, cached=True)
                if fitted.metrics is None:  # measured off the caller's thread
                    if self.background:
                        threading.Thread(target=self._measure, args=(request, prepared, fitted),
                                         name="segwidgets-metrics", daemon=True).start()
                    else:
                        self._measure(request, prepared, fitted)
                return
            if not self.background:
                self._run(request)
                return
            self._pending = request
            self._idle.clear()
            self._set_fitting(request)
            self._ensure_worker()
            self._wake.notify()

    def _run_inline(self) -> None:
        with self._lock:
            self._generation += 1
            request = self._snapshot(self._generation)
        self._run(request)

    def refit(self) -> None:
        """Fit again with the current settings (uses the cache when it can)."""
        self._request()

    def _snapshot(self, generation: int) -> _Request:
        return _Request(
            generation=generation,
            data_version=self._data_version,
            frame=self.data,
            roles=dict(self.table.roles) if self.table is not None else {},
            features=tuple(self.features),
            preprocess=PreprocessSpec(self.scaling, self.impute, self.log1p),
            algorithm=self.algorithm,
            k=self.k,
            seed=self.seed,
            params=tuple(sorted(self.params.items())),
        )

    def _set_fitting(self, request: _Request) -> None:
        info = ALGORITHMS[request.algorithm]
        what = f"{info.label} with k={request.k}" if info.uses_k else info.label
        self.state = "fitting"
        self.status = f"Fitting {what}…"

    def _ensure_worker(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._work, name="segwidgets-fit", daemon=True)
            self._worker.start()

    def _work(self) -> None:
        while True:
            with self._wake:
                while self._pending is None:
                    self._idle.set()
                    if self._closed:
                        return
                    self._wake.wait()
                request, self._pending = self._pending, None
            try:
                self._run(request)
            except Exception:  # never let the worker die
                log.exception("segwidgets worker failed")

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no refit is pending or running; True if idle in time."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not self._idle.wait(remaining):
                return False
            with self._lock:
                if self._pending is None and self._idle.is_set():
                    return True

    # --------------------------------------------------------------- fitting
    def _run(self, request: _Request) -> None:
        try:
            if self._preview(request):
                return  # a newer change is waiting: the seeded fit would be overtaken
            prepared, fitted = self._compute(request)
        except SegwidgetsError as exc:
            self._fail(request, str(exc))
            return
        except Exception as exc:
            log.exception("fit failed")
            self._fail(request, f"Something went wrong while fitting ({type(exc).__name__}: {exc}).")
            return
        with self._lock:
            if request.generation != self._generation:
                return  # overtaken by a newer change: drop it
            self._apply(request, prepared, fitted, cached=False)
        self._measure(request, prepared, fitted)

    def _measure(self, request: _Request, prepared: Prepared, fitted: _Fitted) -> None:
        """Quality metrics, after the segments are shown (they are not needed to draw them)."""
        if fitted.metrics is None:
            t0 = time.perf_counter()
            fitted.metrics = compute_metrics(prepared.X, fitted.fit.labels, seed=request.seed)
            fitted.seconds["metrics"] = time.perf_counter() - t0
        with self._lock:
            if self._applied_fit_key == request.fit_key and request.generation == self._generation:
                self.metrics = dict(fitted.metrics)

    def _preview(self, request: _Request) -> bool:
        """Show a fit warm-started from the current centres; True if a newer change waits.

        Only for a k change of a k-means method with everything else unchanged, in
        background mode, when the seeded fit is not cached. The preview is not cached:
        the seeded fit that follows is the result (and what a saved spec reproduces).
        """
        shown = self._shown_fit
        if (not (self.warm_start and self.background) or shown is None
                or request.algorithm not in WARM_STARTABLE or self._fits.get(request.fit_key) is not None):
            return False
        (prep_key, algorithm, k_before, seed, params), centers = shown
        if (prep_key, algorithm, seed, params) != (request.prep_key, request.algorithm, request.seed,
                                                   request.params) or k_before == request.k:
            return False
        prepared = self._prepared.get(request.prep_key)
        if prepared is None:
            return False
        rows32 = self._float32.get(request.prep_key)
        if rows32 is None:  # a preview needs no float64: float32 halves the work of each iteration
            rows32 = dataclasses.replace(prepared, X=prepared.X.astype(np.float32))
            self._float32.put(request.prep_key, rows32)
        fit = fit_warm(rows32, request.algorithm, request.k, centers, request.seed, dict(request.params))
        labels = np.full(len(request.frame), -1, dtype=np.int64)
        labels[prepared.row_index] = fit.labels
        preview = _Fitted(fit=fit, labels=labels, metrics=None, seconds=dict(fit.timings))
        with self._lock:
            if request.generation != self._generation:
                return True
            self._apply(request, prepared, preview, cached=False, preview=True)
            return self._pending is not None

    def _compute(self, request: _Request) -> tuple[Prepared, _Fitted]:
        if not request.features:
            usable = {role_name(r) for r in request.roles.values()}
            if usable & set(NUMERIC_ROLES):
                message = "Choose at least one feature to segment on."
            elif "categorical" in usable:
                message = ("This table has no numeric columns to segment on; choose categorical "
                           "features in the feature list (they are one-hot encoded).")
            else:
                message = ("This table has no numeric or categorical columns to segment on: dates, "
                           "identifiers and empty columns cannot be used.")
            raise SegwidgetsValueError(message)
        started = time.perf_counter()
        prepared = self._prepared.get(request.prep_key)
        if prepared is None:
            prepared = prepare(request.frame, list(request.features), request.roles, request.preprocess)
            self._prepared.put(request.prep_key, prepared)
        prep_seconds = time.perf_counter() - started
        fitted = self._fits.get(request.fit_key)
        if fitted is None:
            fit = fit_prepared(prepared, request.algorithm, request.k, request.seed, dict(request.params))
            labels = np.full(len(request.frame), -1, dtype=np.int64)
            labels[prepared.row_index] = fit.labels
            fitted = _Fitted(fit=fit, labels=labels, metrics=None,
                             seconds={"preprocess": prep_seconds, **fit.timings})
            with self._lock:
                self._fits.put(request.fit_key, fitted)
        if (request.prep_key, "pca") not in self._embeddings:  # off the caller's thread, after the fit
            self._embeddings.put((request.prep_key, "pca"), self._pca_map(prepared))
        return prepared, fitted

    def _fail(self, request: _Request, message: str) -> None:
        with self._lock:
            if request.generation != self._generation:
                return
            self._report_error(message)

    def _report_error(self, message: str, keep: str = "result") -> None:
        with self._lock:
            kept = " The previous data is still loaded." if keep == "data" and self.data is not None else ""
            if keep == "result" and self.labels is not None:
                kept = " Showing the previous segments."
            self.state = "error"
            self.status = f"{message}{kept}"

    def _apply(self, request: _Request, prepared: Prepared, fitted: _Fitted, cached: bool,
               preview: bool = False) -> None:
        """Turn a fit into result traits, matching segment ids to the previous ones."""
        started = time.perf_counter()
        previous = self.labels if request.data_version == self._applied_data_version() else None
        n_new = fitted.fit.n_segments
        if previous is None and len(self._initial_ids) == n_new:
            # a first fit from a saved spec: the ids it was saved with
            matching = match_segments(None, fitted.labels, n_new)
            ids = np.asarray(self._initial_ids, dtype=np.int64)
            raw = fitted.labels
            matching.ids = ids
            matching.labels = np.where(raw >= 0, ids[np.clip(raw, 0, None)], -1)
        else:
            matching = match_segments(previous, fitted.labels, n_new, reserved=self.names.keys())
        labels = matching.labels
        profile_key = (request.fit_key, preview)
        raw_profile = self._profiles.get(profile_key)
        if raw_profile is None:  # profiled once per fit, by raw label; stable ids come after
            inputs_key = (request.data_version, request.features)
            inputs = self._profile_inputs.get(inputs_key)
            if inputs is None:
                inputs = profile_inputs(request.frame, list(request.features), request.roles)
                self._profile_inputs.put(inputs_key, inputs)
            raw_profile = profile_segments(request.frame, fitted.labels, list(request.features),
                                           request.roles, inputs=inputs)
            self._profiles.put(profile_key, raw_profile)
        profile = raw_profile.relabel({i: int(matching.ids[i]) for i in range(len(matching.ids))})
        auto = {int(i): str(n) for i, n in profile.summary["name"].items()}
        ids = [int(i) for i in profile.summary.index]
        old_names = dict(self.segment_names)
        coords = self._coords_for(request, prepared)
        map_rows = prepared.row_index[map_positions(prepared.n_rows)]
        if fitted.map_centres is None or fitted.map_centres[0] is not coords:
            fitted.map_centres = (coords, self._centers(coords, fitted.labels[map_rows], range(n_new)))
        centers = {int(matching.ids[raw]): xy for raw, xy in fitted.map_centres[1].items()}
        messages = list(prepared.notes) + list(fitted.fit.warnings)
        if prepared.n_rows > MAX_MAP_POINTS:
            messages.append(
                f"The map shows a random sample of {MAX_MAP_POINTS:,} of the {prepared.n_rows:,} rows; "
                "segments, profiles and metrics use every row."
            )
        messages += self._change_messages(matching, old_names, auto)
        seconds = dict(fitted.seconds)
        seconds["apply"] = time.perf_counter() - started
        seconds["cache_hit"] = float(cached)
        seconds["warm_start"] = float(preview)
        with self.hold_trait_notifications():
            self._auto_names = auto
            self.labels = labels
            self.segment_ids = ids
            self.colors = {i: segment_color(i) for i in ids}
            self._base_profile = profile
            self.profile = self._named_profile(profile)
            self.segment_names = {i: self.names.get(i, auto[i]) for i in ids}
            self.metrics = dict(fitted.metrics) if fitted.metrics is not None else {}
            self.coords, self.coord_rows = coords, map_rows
            self.center_coords = centers
            self.warnings = messages
            self.timings = seconds
            self.state = "fitting" if preview else "idle"
            self.status = self._summary(request, fitted, seconds, cached, preview)
            self._applied_ids = [int(i) for i in matching.ids]
            self._applied_fit_key = None if preview else request.fit_key
            self._shown_fit = (request.fit_key, fitted.fit.centers_scaled)
            self._applied_prep_key = request.prep_key
            self._applied_version = request.data_version
            self._update_selection_profile()
            self.revision += 1

    def clear_cache(self, *, keep_prepared: bool = False) -> None:
        """Forget cached fits and profiles (and prepared rows unless ``keep_prepared``)."""
        with self._lock:
            self._fits.clear()
            self._profiles.clear()
            if not keep_prepared:
                self._prepared.clear()
                self._float32.clear()
                self._embeddings.clear()

    def close(self) -> None:
        """Stop the background worker (views of this model stop updating)."""
        with self._wake:
            self._closed = True
            self._pending = None
            self._wake.notify_all()

    def _applied_data_version(self) -> int | None:
        return getattr(self, "_applied_version", None)

    def _coords_for(self, request: _Request, prepared: Prepared) -> np.ndarray:
        """The map for these features: the same array object while they are unchanged,
        so views can tell that only colours need to travel."""
        if self.embedding == "umap":
            umap = self._embeddings.get((request.prep_key, "umap"))
            if umap is not None:
                return umap
            self._start_umap_for(request.prep_key, prepared)
        coords = self._embeddings.get((request.prep_key, "pca"))
        if coords is None:
            coords = self._pca_map(prepared)
            self._embeddings.put((request.prep_key, "pca"), coords)
        return coords

    @staticmethod
    def _pca_map(prepared: Prepared) -> np.ndarray:
        """PCA fitted on every row; the map keeps the rows of the display sample."""
        return pca_2d(prepared.X, seed=0)[map_positions(prepared.n_rows)]

    @staticmethod
    def _centers(coords: np.ndarray, labels: np.ndarray, ids: Sequence[int]) -> dict[int, tuple[float, float]]:
        keep = labels >= 0
        if not keep.any():
            return {}
        lab = labels[keep]
        size = int(lab.max()) + 1
        counts = np.bincount(lab, minlength=size)
        xs = np.bincount(lab, weights=coords[keep, 0], minlength=size)
        ys = np.bincount(lab, weights=coords[keep, 1], minlength=size)
        return {int(i): (float(xs[i] / counts[i]), float(ys[i] / counts[i]))
                for i in ids if 0 <= i < size and counts[i]}

    def _summary(self, request: _Request, fitted: _Fitted, seconds: dict, cached: bool,
                 preview: bool = False) -> str:
        info = ALGORITHMS[request.algorithm]
        n = int((fitted.labels >= 0).sum())
        if preview:
            took = "from the previous centres · refining…"
        elif cached:
            took = "from cache"
        else:
            took = f"in {sum(v for k, v in seconds.items() if k not in ('cache_hit', 'warm_start')):.2f} s"
        segments = fitted.fit.n_segments
        return (
            f"{segments} segment{'s' if segments != 1 else ''} of {n:,} rows · {info.label}"
            f" · {len(request.features)} feature{'s' if len(request.features) != 1 else ''} · {took}"
        )

    def _change_messages(self, matching, old_names: Mapping[int, str], auto: Mapping[int, str]) -> list[str]:
        def name(i: int, names: Mapping[int, str]) -> str:
            return f"'{self.names.get(i) or names.get(i) or f'segment {i}'}'"

        messages = []
        for old, parts in matching.splits.items():
            messages.append(
                f"Segment {name(old, old_names)} split into {', '.join(name(p, auto) for p in parts)}."
            )
        for new, parts in matching.merges.items():
            messages.append(
                f"Segments {', '.join(name(p, old_names) for p in parts)} merged into {name(new, auto)}."
            )
        return messages

    # ----------------------------------------------------------- embeddings
    @observe("embedding")
    def _on_embedding(self, change: dict) -> None:
        with self._lock:
            prepared = self._prepared.get(self._applied_prep_key) if self._applied_prep_key else None
            if prepared is None or self.labels is None:
                return
            key = self._applied_prep_key
            coords = self._embeddings.get((key, change["new"]))
            if coords is None and change["new"] == "umap":
                self._start_umap_for(key, prepared)
                return
            if coords is None:
                coords = self._pca_map(prepared)
                self._embeddings.put((key, "pca"), coords)
            self._set_coords(coords, change["new"])

    def _set_coords(self, coords: np.ndarray, method: str) -> None:
        with self.hold_trait_notifications():
            self.coords = coords
            self.center_coords = self._centers(coords, self.labels[self.coord_rows], self.segment_ids)
            self.embedding_state = "ready"
            self.revision += 1

    def _start_umap_for(self, key: tuple, prepared: Prepared) -> None:
        if key in self._umap_threads and self._umap_threads[key].is_alive():
            return
        self.embedding_state = "computing"
        n = prepared.n_rows

        def work() -> None:
            started = time.perf_counter()
            try:
                coords = umap_2d(prepared.X[map_positions(prepared.n_rows)], seed=0)
            except Exception as exc:
                log.exception("UMAP failed")
                with self._lock:
                    self.embedding_state = "error"
                    self.status = f"The UMAP map could not be computed ({exc}); showing PCA."
                return
            with self._lock:
                self._embeddings.put((key, "umap"), coords)
                if self._applied_prep_key == key and self.embedding == "umap":
                    self._set_coords(coords, "umap")
                    self.timings = {**self.timings, "umap": time.perf_counter() - started}
                elif self.embedding_state == "computing":
                    self.embedding_state = "ready"

        thread = threading.Thread(target=work, name="segwidgets-umap", daemon=True)
        self._umap_threads[key] = thread
        log.info("UMAP started on %d rows", n)
        thread.start()

    def wait_embedding(self, timeout: float | None = None) -> bool:
        """Block until a background UMAP (if any) has finished."""
        for thread in list(self._umap_threads.values()):
            thread.join(timeout)
            if thread.is_alive():
                return False
        return True

    # ----------------------------------------------------------------- names
    def _named_profile(self, profile: SegmentProfile) -> SegmentProfile:
        if not self.names:
            return profile
        summary = profile.summary.copy()
        for i in summary.index:
            if int(i) in self.names:
                summary.loc[i, "name"] = self.names[int(i)]
        named = copy.copy(profile)  # not dataclasses.replace: it would compute the lazy medians
        named.summary = summary
        return named

    @observe("names")
    def _on_names(self, change: dict) -> None:
        if self.profile is None:
            return
        with self._lock, self.hold_trait_notifications():
            self.profile = self._named_profile(self._base_profile)
            self.segment_names = {i: self.names.get(i, self._auto_names.get(i, f"Segment {i}"))
                                  for i in self.segment_ids}
            self.revision += 1

    def rename(self, segment_id: int, name: str) -> None:
        """Give segment ``segment_id`` a name (an empty name restores the generated one)."""
        names = dict(self.names)
        names[int(segment_id)] = name
        if not " ".join(str(name).split()):
            names.pop(int(segment_id))
        self.names = names

    # ------------------------------------------------------------- selection
    @observe("selection")
    def _on_selection(self, change: dict) -> None:
        self._update_selection_profile()

    def _update_selection_profile(self) -> None:
        if self.selection is None or self.data is None or self.labels is None:
            self.selection_profile = None
            return
        labels = np.full(len(self.data), -1, dtype=np.int64)
        labels[self.selection] = 0
        try:
            self.selection_profile = profile_segments(
                self.data, labels, list(self.features), self.table.roles, names={0: "Selection"}
            )
        except SegwidgetsError as exc:
            self.selection_profile = None
            self.status = str(exc)

    # ----------------------------------------------------------- diagnostics
    @property
    def prepared(self) -> Prepared | None:
        """The preprocessed rows behind the current result (None before the first fit).

        ``prepared.X`` is what the algorithm saw; ``prepared.row_index`` maps its
        rows to rows of ``data`` (rows dropped for missing values are absent).
        """
        with self._lock:
            key = self._applied_prep_key
            return None if key is None else self._prepared.get(key)

    @property
    def fit(self) -> ClusterFit | None:
        """The fitted algorithm behind the current result (centres, estimator), or None."""
        with self._lock:
            key = self._applied_fit_key
            fitted = None if key is None else self._fits.get(key)
            return None if fitted is None else fitted.fit

    def sweep(
        self,
        ks: Sequence[int] | range = range(2, 13),
        *,
        progress: Callable[[int, int], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> SweepResult:
        """Fit the current settings for each k and measure each fit.

        Runs in the caller's thread (views run it on a thread of their own).
        Each fit goes into the model's cache, so moving k to a swept value
        afterwards is a cache hit. See :func:`segwidgets.core.diagnostics.sweep_k`.
        """
        if self.data is None:
            raise SegwidgetsValueError("There is no data loaded yet.")
        with self._lock:
            request = self._snapshot(self._generation)
        if not ALGORITHMS[request.algorithm].uses_k:
            raise SegwidgetsValueError(
                f"{ALGORITHMS[request.algorithm].label} chooses the number of segments by itself; "
                "choose k-means, Ward or a Gaussian mixture to compare values of k."
            )
        prepared = self._prepared.get(request.prep_key)
        if prepared is None:
            self._compute(request)  # raises the same plain-words errors a refit would
            prepared = self._prepared.get(request.prep_key)

        def keep(k: int, fit: ClusterFit, metrics: dict) -> None:
            key = dataclasses.replace(request, k=k).fit_key
            labels = np.full(len(request.frame), -1, dtype=np.int64)
            labels[prepared.row_index] = fit.labels
            with self._lock:
                if self._fits.get(key) is None:
                    self._fits.put(key, _Fitted(fit=fit, labels=labels, metrics=dict(metrics),
                                                seconds=dict(fit.timings)))

        return sweep_k(prepared, ks, algorithm=request.algorithm, seed=request.seed,
                       params=dict(request.params), progress=progress, cancel=cancel, on_fit=keep)

    def is_cached(self, **changes: Any) -> bool:
        """Whether the current settings with ``changes`` (e.g. ``k=5``) are in the cache."""
        with self._lock:
            request = dataclasses.replace(self._snapshot(self._generation), **changes)
            return (self._fits.get(request.fit_key) is not None
                    and self._prepared.get(request.prep_key) is not None)

    # ------------------------------------------------------------------ spec
    @property
    def spec(self) -> SegmentationSpec:
        """The current settings as a serialisable :class:`SegmentationSpec`."""
        return SegmentationSpec(
            source=self.source if self.source and self.source != "DataFrame" else None,
            features=list(self.features),
            params=dict(self.params),
            names={int(i): n for i, n in self.names.items()},
            segment_ids=list(self._applied_ids),
            **{name: getattr(self, name) for name in _PLAIN_SPEC_FIELDS},
        )

    def apply_spec(self, spec: SegmentationSpec) -> None:
        """Apply every setting of ``spec`` with a single refit."""
        with self._batch():
            self.features = list(spec.features) if spec.features else self.features
            for name in _PLAIN_SPEC_FIELDS:
                setattr(self, name, getattr(spec, name))
            self.params = dict(spec.params)
            self.names = dict(spec.names)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the spec as JSON to ``path``; ``.csv`` writes the labelled rows instead."""
        path = Path(path)
        if path.suffix.lower() == ".csv":
            self.labels_frame().to_csv(path, index=False)
        else:
            path.write_text(self.spec.to_json(), encoding="utf-8")
        return path

    @classmethod
    def load(
        cls, path: str | os.PathLike, data: Any = None, **kwargs: Any
    ) -> Segmentation:
        """Build a segmentation from a saved spec; ``data`` overrides the spec's source."""
        spec = SegmentationSpec.from_json(Path(path).read_text(encoding="utf-8"))
        return cls.from_spec(spec, data=data, **kwargs)

    @classmethod
    def from_spec(cls, spec: SegmentationSpec, data: Any = None, **kwargs: Any) -> Segmentation:
        """Build a segmentation from a :class:`SegmentationSpec`."""
        source = data if data is not None else spec.source
        if source is None:
            raise SegwidgetsValueError("This spec names no data; pass the table as data=.")
        return cls(
            source,
            features=spec.features or None,
            params=spec.params,
            names=spec.names,
            segment_ids=spec.segment_ids,
            **{name: getattr(spec, name) for name in _PLAIN_SPEC_FIELDS},
            **kwargs,
        )

    def labels_frame(self) -> pd.DataFrame:
        """The input rows with their segment id and name (rows with no segment: empty)."""
        if self.data is None:
            raise SegwidgetsValueError("There is no data loaded yet.")
        out = self.data.copy()
        segment_col = "segment" if "segment" not in out.columns else "segwidgets_segment"
        name_col = "segment_name" if "segment_name" not in out.columns else "segwidgets_segment_name"
        if self.labels is None:
            out[segment_col] = pd.array([pd.NA] * len(out), dtype="Int64")
            out[name_col] = pd.Series([pd.NA] * len(out), dtype="string")
            return out
        labels = pd.array(self.labels, dtype="Int64")
        labels[self.labels < 0] = pd.NA
        out[segment_col] = labels
        names = pd.Series(self.labels).map(self.segment_names)
        out[name_col] = names.astype("string").to_numpy()
        return out

    def __repr__(self) -> str:
        n = 0 if self.data is None else len(self.data)
        return f"<Segmentation {self.source or 'no data'}: {n:,} rows, {self.status or self.state}>"
