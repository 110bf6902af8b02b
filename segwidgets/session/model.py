"""``Segmentation``: the headless model that holds the spec and publishes one frozen result.

Spec traits are what a person changes (data, features, preprocessing,
algorithm, k, seed, names, selection, embedding); they are declared once, in
:data:`segwidgets.core.schema.FIELDS`. Changing one asks the scheduler for a
refit in its ``"fit"`` lane; a result overtaken by a newer change is dropped,
never shown. Fits are cached by spec, so returning to a k already seen is
applied at once, in the caller's thread. Each applied fit (and each change of
what it shows: names, metrics, the map) is published as one frozen
:class:`~segwidgets.session.result.Result` in ``result``; ``revision`` goes up
by one per applied fit or visible change, so a view can observe ``result``
alone and redraw once.

Errors never escape an observer: they land in ``status`` in plain words,
``state`` becomes ``"error"`` and the previous result stays in place.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from traitlets import Bool, Dict, Enum, HasTraits, Instance, Int, List, TraitError, Unicode
from traitlets import observe, validate

from ..config import PROVISIONAL_ROWS
from ..core.algorithms import ALGORITHMS, ClusterFit
from ..core.constraints import Columns, Flag, OneOf, SegmentNames, Text, Whole
from ..core.edits import Edits
from ..core.io import LoadedTable, ReadOptions
from ..core.preprocess import Prepared, PreprocessSpec
from ..core.profile import SegmentProfile, profile_segments
from ..core.schema import FIELD, TRAIT_FIELDS, fields_invalidating
from ..errors import SegwidgetsCancelled, SegwidgetsError, SegwidgetsValueError
from . import pipeline
from .cache import Caches
from .editing import DISCARDING, Editing
from .maps import Maps
from .persist import Persistence
from .result import Result
from .scheduler import Job, Scheduler
from .sweeps import Sweeps

log = logging.getLogger("segwidgets.session")

#: The flat result traits kept for people's code: each mirrors the ``result`` field of its name.
ALIASES = ("labels", "segment_ids", "colors", "profile", "metrics", "coords", "coord_rows",
           "center_coords", "warnings", "timings")


def _plain(value: Any) -> Any:
    """A result field as its alias trait holds it: mappings as dicts, tuples as lists."""
    if isinstance(value, Mapping):
        return dict(value)
    return list(value) if isinstance(value, tuple) else value


def _spec_trait(name: str):
    """The trait of a spec field, from its declaration (default, kind, help)."""
    field = FIELD[name]
    constraint, default = field.constraint, field.default()
    if isinstance(constraint, OneOf):
        return Enum(constraint.options, default_value=default, help=field.help)
    if isinstance(constraint, Whole):
        return Int(default, help=field.help)
    if isinstance(constraint, Flag):
        return Bool(default, help=field.help)
    if isinstance(constraint, Columns):
        return List(Unicode(), help=field.help)
    if isinstance(constraint, Text):
        return Unicode(default, help=field.help)
    if isinstance(constraint, Edits):
        return List(Dict(), help=field.help)
    return Dict(help=field.help)


class Segmentation(Maps, Sweeps, Persistence, Editing, HasTraits):
    """A segmentation of one table that re-fits as its settings change.

    ``Segmentation(df, k=4)`` fits at once (in the caller's thread), so
    ``result`` (and ``labels``, ``profile``, ``metrics``) are ready on return.
    Later changes of a spec trait refit on a worker thread (``background=True``)
    or inline. Settings are the fields of :data:`segwidgets.core.schema.FIELDS`.
    ``options`` (a :class:`~segwidgets.core.io.ReadOptions`) overrides how a file is
    read where it is ambiguous (decimal mark, day-first dates, sheet, header row).

    Spec attributes (set them to refit):
        data: pandas.DataFrame (cleaned; roles in ``table``)
        features: list[str] (default: the numeric and boolean columns)
        roles: dict column -> role a person set (see :meth:`set_role`)
        scaling, impute, log1p, scale_onehot, algorithm, k, seed, params, naming, names,
        embedding: see ``FIELDS``
        edits: hand edits (see :meth:`merge`, :meth:`split`, :meth:`move`, :meth:`new_segment`,
            :meth:`drill`), undone and redone with :meth:`undo`, :meth:`redo`, :meth:`go_to`
        selection: numpy array of row positions, or None

    Result attributes (observe them):
        result: Result | None — the applied segmentation, frozen (see :class:`Result`)
        status, state, embedding_state, selection_profile, revision, history, history_index
        labels, segment_ids, segment_names, colors, profile, metrics, coords, coord_rows,
        center_coords, warnings, timings: read-only aliases of ``result``'s fields
    """

    data = Instance(pd.DataFrame, allow_none=True, help="The table being segmented (cleaned).")
    table = Instance(LoadedTable, allow_none=True, help="The table with column roles and load notes.")
    source = Unicode("", help="Where the data came from: a dataset name or a file name.")
    # scaling, impute, log1p, algorithm, k, seed, params, names, embedding, features: one trait
    # each, made from its declaration in core/schema.FIELDS (a class body's namespace is a dict)
    locals().update({name: _spec_trait(name) for name in TRAIT_FIELDS})
    selection = Instance(np.ndarray, allow_none=True, help="Selected row positions, or None.")

    result = Instance(Result, allow_none=True, read_only=True, help="The applied segmentation.")
    selection_profile = Instance(SegmentProfile, allow_none=True, help="Profile of the selection.")
    embedding_state = Enum(("ready", "computing", "error"), default_value="ready")
    status = Unicode("", help="What the model is doing or did, in plain words.")
    state = Enum(("idle", "fitting", "error"), default_value="idle")
    revision = Int(0, help="Goes up by one each time a result is applied or changes what it shows.")
    labels = Instance(np.ndarray, allow_none=True, read_only=True, help="result.labels")
    segment_ids = List(Int(), read_only=True, help="result.segment_ids")
    segment_names = Dict(read_only=True, help="result.names")
    colors = Dict(read_only=True, help="result.colors")
    profile = Instance(SegmentProfile, allow_none=True, read_only=True, help="result.profile")
    metrics = Dict(read_only=True, help="result.metrics")
    coords = Instance(np.ndarray, allow_none=True, read_only=True, help="result.coords")
    coord_rows = Instance(np.ndarray, allow_none=True, read_only=True, help="result.coord_rows")
    center_coords = Dict(read_only=True, help="result.center_coords")
    warnings = List(Unicode(), read_only=True, help="result.warnings")
    timings = Dict(read_only=True, help="result.timings")

    def __init__(
        self,
        data: pd.DataFrame | str | os.PathLike | LoadedTable | None = None,
        *,
        segment_ids: Sequence[int] | None = None,
        background: bool = True,
        warm_start: bool = True,
        options: ReadOptions | None = None,
        **settings: Any,
    ) -> None:
        super().__init__()
        unknown = sorted(set(settings) - set(TRAIT_FIELDS))
        if unknown:
            raise SegwidgetsValueError(
                f"A segmentation has no setting {unknown[0]!r}; its settings are {', '.join(TRAIT_FIELDS)}."
            )
        self.background = background
        #: k-means family, background mode: a k change first shows a fit started from the
        #: previous centres (a few iterations), then the seeded fit replaces it.
        self.warm_start = warm_start
        #: ...on more prepared rows than this only (fewer: one result, the seeded fit; see
        #: :data:`segwidgets.config.PROVISIONAL_ROWS`).
        self.provisional_rows = PROVISIONAL_ROWS
        self.scheduler = Scheduler(background)
        self.caches = Caches()
        self._closed = False
        self._lock = threading.RLock()  # generation, batch and the snapshot of the spec
        self._publish = threading.RLock()  # one publication at a time; traits are set under it only
        self._generation = 0
        self._batch_depth = 0
        self._batch_dirty = False
        self._data_version = 0
        self._versions = itertools.count(1)  # data versions handed out (a load takes one before it publishes)
        self._loads = 0  # loads asked for: the last one wins
        self._pending_table: LoadedTable | None = None
        self._as_read: LoadedTable | None = None  # the table before the roles a person set
        self._pending_roles: tuple[dict, LoadedTable] | None = None
        self._read_options = options  # how a person asked for the file to be read (the spec keeps it)
        self._umap_key: tuple | None = None
        self._initial_ids = list(segment_ids or [])
        self._adopt_ids = False  # the next fit takes _initial_ids even with a result on show
        self._aside_note = ""
        self._history_init()
        features = settings.pop("features", None)
        note = ""
        with self._restoring_state(), self._batch(run=False):
            for name, value in settings.items():
                setattr(self, name, value)
            if data is not None:
                note = self._set_table(self._read(data, options=options), features)
        if self.data is not None:
            with self._lock:
                self._generation += 1
                request = self._snapshot()
            self._run(request, None)
            if note and self.state != "error":
                self.status += note
            self._record()  # the history's start

    # ------------------------------------------------------------ validation
    @validate(*TRAIT_FIELDS)
    def _check_setting(self, proposal: Any) -> Any:
        name = proposal["trait"].name
        try:
            value = FIELD[name].check(proposal["value"])
        except SegwidgetsValueError as exc:
            raise TraitError(str(exc)) from None
        if name == "roles":
            self._pending_roles = None
            if self._as_read is not None:
                try:  # converted here, so a role the values cannot take is refused before it is set
                    self._pending_roles = (value, self._with_roles(self._as_read, value))
                except SegwidgetsValueError as exc:
                    raise TraitError(str(exc)) from None
        if name == "features" and self.table is not None:
            candidates = set(self.table.feature_candidates())
            unknown = [f for f in value if f not in candidates]
            if unknown:
                raise TraitError(f"These are not usable columns of the table: {', '.join(map(repr, unknown))}.")
        return SegmentNames.tidy(value) if name == "names" else value

    @validate("selection")
    def _check_selection(self, proposal: Any) -> np.ndarray | None:
        value = proposal["value"]
        if value is None or np.asarray(value).size == 0:
            return None
        array = np.asarray(value)
        n = 0 if self.data is None else len(self.data)
        if array.dtype == bool:
            if array.shape != (n,):
                raise TraitError("A selection mask must have one entry per row.")
            array = np.flatnonzero(array)
        if not np.issubdtype(array.dtype, np.integer):
            raise TraitError("A selection is a list of row numbers.")
        array = np.unique(array.astype(np.int64).ravel())
        if array[0] < 0 or array[-1] >= n:
            raise TraitError(f"A selection can only name rows 0 to {n - 1}.")
        return array

    # ------------------------------------------------------------ scheduling
    @contextlib.contextmanager
    def _batch(self, run: bool = True) -> Iterator[None]:
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

    @observe(*fields_invalidating("prepare", "fit", "profile", "edits"))
    def _on_spec(self, change: dict) -> None:
        if change["name"] == "k" and not ALGORITHMS[self.algorithm].uses_k and self.result is not None:
            return  # k means nothing to this algorithm: keep the result
        if change["name"] in DISCARDING and self.edits and not self._restoring:
            with self._batch():  # the change and the edits set aside: one refit, one step
                count = len(self.edits)
                self.edits = []
                self._aside_note = (f" · {count} hand edit{'s' if count != 1 else ''} set aside "
                                    "(Undo brings them back)")
                self._request()
            return
        self._request()

    def refit(self) -> None:
        """Fit again with the current settings (uses the cache when it can)."""
        self._request()

    def _request(self) -> None:
        if self._batch_depth:
            self._batch_dirty = True
            return
        if self.data is None or self._closed:
            return
        self._record()
        with self._publish:  # requests and what they show are ordered: no older fit lands after
            with self._lock:
                self._generation += 1
                request = self._snapshot()
            fitted = self.caches.fits.get(request.fit_key)
            prepared = self.caches.prepared.get(request.prep_key)
            if self.background and pipeline.edits_refit(request, self.caches):
                fitted = None  # a split or drill-in refits: on the worker, not in the caller's thread
            if fitted is not None and prepared is not None:  # a cache hit overtakes what was running
                self.scheduler.cancel("fit")
                if self._show(request, prepared, fitted, cached=True) and fitted.metrics is None:
                    self.scheduler.submit("metrics", lambda job: self._measure(request, prepared, fitted))
                return
            self.state = "fitting"
            self.status = pipeline.fitting_status(request, self.caches)
            self.scheduler.submit("fit", lambda job: self._run(request, job))

    def _snapshot(self) -> pipeline.Request:
        return pipeline.Request(
            generation=self._generation, data_version=self._data_version, frame=self.data,
            roles=dict(self.table.roles) if self.table is not None else {},
            features=tuple(self.features),
            preprocess=PreprocessSpec(self.scaling, self.impute, self.log1p, self.scale_onehot),
            algorithm=self.algorithm, k=self.k, seed=self.seed, params=tuple(sorted(self.params.items())),
            naming=self.naming, edits=tuple(self.edits),
        )

    def wait(self, timeout: float | None = None) -> bool:
        """Block until no refit (or its measuring) is pending or running; True if idle in time."""
        return self.scheduler.wait(("fit", "metrics"), timeout)

    def wait_embedding(self, timeout: float | None = None) -> bool:
        """Block until a background UMAP (if any) has finished."""
        return self.scheduler.wait(("umap",), timeout)

    def close(self) -> None:
        """Stop all background work (views of this model stop updating).

        A closed model refuses work: setting a spec attribute afterwards (``k``, ``features``,
        …) changes the setting but never refits, and :meth:`load_data` loads nothing and
        returns False, saying so in ``status``. Closing twice is harmless.
        """
        with self._lock:
            self._closed = True
        self.scheduler.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called (the model then refits and loads nothing)."""
        return self._closed

    def _say_closed(self) -> None:
        with self._publish, self.hold_trait_notifications():
            self.state = "error"
            self.status = "This segmentation was closed; open the page again (or make a new one) to load data."

    def clear_cache(self, *, keep_prepared: bool = False) -> None:
        """Forget cached fits and profiles (and prepared rows unless ``keep_prepared``)."""
        self.caches.clear(keep_prepared=keep_prepared)

    # --------------------------------------------------------------- fitting
    def _run(self, request: pipeline.Request, job: Job | None) -> None:
        try:
            if self.warm_start and self.background:
                quick = pipeline.preview(request, self.result, self.caches, self.provisional_rows)
                if quick is not None and (not self._show(request, *quick, cached=False, preview=True)
                                          or (job is not None and job.cancelled)):
                    return  # a newer change is waiting: the seeded fit would be overtaken
            stop = None if job is None else (lambda: job.cancelled)
            prepared, fitted = pipeline.fit(request, self.caches, cancel=stop)
        except SegwidgetsCancelled:
            return  # a newer change (or close) stopped it: that change shows its own outcome
        except SegwidgetsError as exc:
            self._fail(request, str(exc))
            return
        except Exception as exc:
            log.exception("fit failed")
            self._fail(request, f"Something went wrong while fitting ({type(exc).__name__}: {exc}).")
            return
        if self._show(request, prepared, fitted, cached=False):
            self._measure(request, prepared, fitted)

    def _current(self, generation: int) -> bool:
        with self._lock:
            return generation == self._generation and not self._closed

    def _show(self, request: pipeline.Request, prepared: Any, fitted: pipeline.Fitted, *,
              cached: bool, preview: bool = False) -> bool:
        """Publish a fit unless a newer change overtook it; True if it was shown."""
        coords, method = self._coords_for(request.prep_key, prepared)
        with self._publish:
            if not self._current(request.generation):
                return False  # overtaken by a newer change: drop it
            adopt = self._adopt_ids and len(self._initial_ids) == fitted.fit.n_segments
            shown = self.result
            # the same fit on show (only its hand edits changed): its ids, not a new matching
            same_fit = (not adopt and shown is not None and not shown.preview and not preview
                        and shown.fit_key == request.fit_key)
            result = pipeline.assemble(
                request, prepared, fitted, previous=None if adopt or same_fit else shown, names=self.names,
                initial_ids=shown.raw_to_id if same_fit else self._initial_ids, coords=coords,
                embedding=method, caches=self.caches, cached=cached, preview=preview)
            result = pipeline.keep_provisional_look(result, None if adopt else shown, self.names)
            status = result.summary
            if not preview:
                status, self._aside_note = status + self._aside_note, ""
            self._set_result(result, state="fitting" if preview else "idle", status=status)
            self._adopt_ids = self._adopt_ids and preview
        return True

    def _set_result(self, result: Result, *, state: str | None = None, status: str | None = None,
                    new: bool = True) -> None:
        """Publish ``result`` and its aliases together (call under ``self._publish``)."""
        with self.hold_trait_notifications():
            self.set_trait("result", result)
            for name in ALIASES:
                self.set_trait(name, _plain(getattr(result, name)))
            self.set_trait("segment_names", dict(result.names))
            if state is not None:
                self.state = state
            if status is not None:
                self.status = status
            if new:
                self._update_selection_profile()
                self.revision += 1
                if not result.preview:
                    self._remember_ids(result.raw_to_id)

    def _measure(self, request: pipeline.Request, prepared: Any, fitted: pipeline.Fitted) -> None:
        """Quality metrics, after the segments are shown (they are not needed to draw them)."""
        metrics = pipeline.measure(request, prepared, fitted)
        with self._publish:
            shown = self.result
            if (shown is not None and shown.fit_key == request.fit_key and not shown.preview
                    and not shown.edits and self._current(request.generation)):
                self._set_result(shown.replace(metrics=metrics), new=False)

    def _fail(self, request: pipeline.Request, message: str) -> None:
        if self._current(request.generation):
            self._report_error(message)

    def _report_error(self, message: str, keep: str = "result") -> None:
        kept = " The previous data is still loaded." if keep == "data" and self.data is not None else ""
        if keep == "result" and self.result is not None:
            kept = " Showing the previous segments."
        with self._publish, self.hold_trait_notifications():
            self.state = "error"
            self.status = f"{message}{kept}"

    # ----------------------------------------------------------------- names
    @observe("names")
    def _on_names(self, change: dict) -> None:
        with self._publish:
            shown = self.result
            if shown is None:
                return
            names = {i: self.names.get(i, shown.generated_names.get(i, f"Segment {i}"))
                     for i in shown.segment_ids}
            self._set_result(shown.replace(names=names, profile=pipeline.named_profile(shown.profile, names)))
        if not self._batch_depth:
            self._record()

    def rename(self, segment_id: int, name: str) -> None:
        """Give segment ``segment_id`` a name (an empty name restores the generated one)."""
        names = dict(self.names)
        names[int(segment_id)] = name
        if not " ".join(str(name).split()):
            names.pop(int(segment_id))
        self.names = names

    # ----------------------------------------------------------------- roles
    @staticmethod
    def _with_roles(table: LoadedTable, roles: Mapping[str, str]) -> LoadedTable:
        """``table`` with the roles a person set on its columns (roles of other columns are kept
        in the spec for another table with them, and ignored here)."""
        given = {column: role for column, role in roles.items() if column in table.columns}
        return table.with_roles(given) if given else table

    @observe("roles")
    def _on_roles(self, change: dict) -> None:
        if self._as_read is None:
            return
        pending, self._pending_roles = self._pending_roles, None
        table = pending[1] if pending is not None and pending[0] == change["new"] \
            else self._with_roles(self._as_read, change["new"])
        candidates = table.feature_candidates()
        features = [f for f in self.features if f in candidates] or table.default_features()
        with self._batch():
            with self._lock:
                self._data_version = next(self._versions)  # the same rows, other values: nothing cached applies
            with self.hold_trait_notifications():  # views hear of the table once its data is set too
                self.table = table
                self.data = table.frame
                self.features = features
            self._request()

    def set_role(self, column: str, role: str) -> None:
        """Give ``column`` a role (numeric, categorical, boolean, identifier or ignored;
        ``"auto"`` restores the role read from the data) and refit.

        The role is part of the spec: it survives a refit, a save and a reload.
        Raises :class:`~segwidgets.errors.SegwidgetsValueError` for an unknown column or a
        role its values cannot take (say, text as numeric).
        """
        if self._as_read is None:
            raise SegwidgetsValueError("There is no data loaded yet.")
        if column not in self._as_read.columns:
            raise SegwidgetsValueError(f"The table has no column called {column!r}.")
        roles = {c: r for c, r in self.roles.items() if c != column}
        if str(getattr(role, "value", role)).strip().lower() != "auto":
            roles[column] = role
        try:
            self.roles = roles
        except TraitError as exc:
            raise SegwidgetsValueError(str(exc)) from None

    # ------------------------------------------------------------- selection
    @observe("selection")
    def _on_selection(self, change: dict) -> None:
        self._update_selection_profile()

    def _update_selection_profile(self) -> None:
        if self.selection is None or self.data is None or self.result is None:
            self.selection_profile = None
            return
        labels = np.full(len(self.data), -1, dtype=np.int64)
        labels[self.selection] = 0
        try:
            self.selection_profile = profile_segments(
                self.data, labels, list(self.features), self.table.roles, names={0: "Selection"})
        except SegwidgetsError as exc:
            self.selection_profile = None
            self.status = str(exc)

    # ----------------------------------------------------------- diagnostics
    @property
    def prepared(self) -> Prepared | None:
        """The preprocessed rows behind the current result (None before the first fit)."""
        return None if self.result is None else self.result.prepared

    @property
    def fit(self) -> ClusterFit | None:
        """The seeded fit behind the current result (None before the first, and during a preview)."""
        shown = self.result
        return None if shown is None or shown.preview else shown.fit
