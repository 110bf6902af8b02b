"""What a segmentation takes in and hands on: tables read and loaded, its spec (JSON, a link), its labelled rows."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from traitlets import HasTraits, TraitError, observe, validate

from ..core import export
from ..core.constraints import short
from ..core.io import LoadedTable, ReadOptions, read_table
from ..core.preprocess import role_name
from ..core.schema import FIELD, FIELDS, MAX_FEATURES, TRAIT_FIELDS
from ..core.spec import SegmentationSpec
from ..core.spec_store import read_spec
from ..errors import SegwidgetsCancelled, SegwidgetsError, SegwidgetsValueError
from . import pipeline
from .cache import Caches

log = logging.getLogger("segwidgets.session")

#: Spec fields that are one trait each, set as they are (features only when the spec names some).
_PLAIN = tuple(name for name in TRAIT_FIELDS if name not in ("features", "roles"))


class Persistence(HasTraits):
    """Loading tables, and the save, load, publish and export half of
    :class:`~segwidgets.session.Segmentation` (whose spec traits include what the analyst
    writes for the report: ``title``, ``introduction``, ``recommendations``, ``share_rows``;
    a change of those refits nothing).
    """

    def recommend(self, segment_id: int, text: str | None) -> None:
        """Set the recommendation / notes of one segment (None or "" removes it)."""
        notes = dict(self.recommendations)
        notes[int(segment_id)] = text or ""
        self.recommendations = notes

    @staticmethod
    def _read(data: Any, filename: str | None = None, options: ReadOptions | None = None,
              cancel: Callable[[], bool] | None = None) -> LoadedTable:
        if isinstance(data, LoadedTable):
            return data
        if isinstance(data, str) and not os.path.exists(data):
            from .. import datasets

            if data in datasets.list_datasets():
                table = datasets.load_table(data)  # read once per process
                if options is None or options == table.options:
                    return table
                return read_table(datasets.path(data), filename=data, options=options, cancel=cancel)
        table = read_table(data, filename=filename, options=options, cancel=cancel)
        if isinstance(data, (str, os.PathLike)) and filename is None:
            table.source = str(Path(data).resolve())  # a saved spec can find the file again
        return table

    @validate("data")
    def _check_data(self, proposal: Any) -> pd.DataFrame | None:
        frame = proposal["value"]
        if frame is None or (self.table is not None and frame is self.table.frame):
            return frame
        self._pending_table = read_table(frame)  # a DataFrame assigned directly: read like any table
        return self._pending_table.frame

    @observe("data")
    def _on_data(self, change: dict) -> None:
        table = self._pending_table
        if table is not None and change["new"] is table.frame:
            self._pending_table = None
            self._read_options = None  # a DataFrame: nothing was read from text
            self._set_table(table)

    def _stage(self, table: LoadedTable, features: Sequence[str] | None = None
               ) -> tuple[LoadedTable, LoadedTable, list[str], str]:
        """``table`` as read, with the roles a person set, the features it would use and a note
        on that choice: checked against the current spec, nothing set (a plain error for
        features it does not have). A table with no numeric column is segmented on its
        categorical columns, and the note says so."""
        as_read, table = table, self._with_roles(table, self.roles)
        candidates = table.feature_candidates()
        note = ""
        if features is not None:
            unknown = [f for f in features if f not in candidates]
            if unknown:
                raise SegwidgetsValueError(
                    f"These features are not usable columns of the table: {', '.join(map(short, unknown))}."
                )
            features = list(features)
        elif self.features and all(f in candidates for f in self.features):
            features = list(self.features)  # same columns: keep the person's choice
        else:
            features = table.default_features()
            categorical = [c for c in candidates if role_name(table.roles.get(c)) == "categorical"]
            if not features and categorical:  # nothing numeric: the categorical columns, one-hot encoded
                features = categorical
                shown = ", ".join(map(short, categorical[:4])) + (", …" if len(categorical) > 4 else "")
                note = (f" This table has no numeric columns, so it is segmented on its categorical "
                        f"columns ({shown}), one-hot encoded.")
            if len(features) > MAX_FEATURES:
                note += (f" Of its {len(features):,} usable columns the first {MAX_FEATURES} are the features "
                         f"(at most {MAX_FEATURES} can be used); choose others in the feature list.")
                features = features[:MAX_FEATURES]
        FIELD["features"].check(features)  # refused here, in words, before anything is published
        return as_read, table, features, note

    def _set_table(self, table: LoadedTable, features: Sequence[str] | None = None) -> str:
        """Show ``table`` (results cleared) and ask for its fit; the note on its features."""
        as_read, table, features, note = self._stage(table, features)
        self._publish_table(as_read, table, features, next(self._versions))
        self._request()
        return note

    def _publish_table(self, as_read: LoadedTable, table: LoadedTable, features: list[str], version: int,
                       fitted: tuple[pipeline.Request, Any, pipeline.Fitted, Caches] | None = None,
                       options: ReadOptions | None = None) -> pipeline.Request | None:
        """Publish a table, its data, features and (if ``fitted``) its first result together.

        Every trait is set before any observer hears of one (one ``hold_trait_notifications``
        block), so a view reading ``table`` and ``data`` sees both new. Older fits are overtaken.
        Returns the request ``fitted`` was published as (with the generation it now has).
        """
        published = None
        with self._batch(run=False), self._publish:
            self.scheduler.cancel("fit")
            with self._lock:
                self._generation += 1
                self._data_version = version
                generation = self._generation
            self.caches.clear()
            if fitted is not None:
                request, prepared, fit, scratch = fitted
                published = dataclasses.replace(request, generation=generation)
                self.caches.prepared.put(request.prep_key, prepared)
                self.caches.fits.put(request.fit_key, fit)
                pca = scratch.embeddings.get((request.prep_key, "pca"))
                if pca is not None:
                    self.caches.embeddings.put((request.prep_key, "pca"), pca)
            with self.hold_trait_notifications():
                self.set_trait("result", None)
                self.set_trait("labels", None)
                self.selection = None
                self.selection_profile = None
                self._as_read = as_read
                if fitted is not None:  # a load: how a person asked for the file to be read
                    self._read_options = options
                    with self._restoring_state():  # hand edits and history were about the old rows
                        self.edits = []
                    self._forget_history()
                self.data = table.frame  # validated when the block ends, with ``table`` set too
                self.table = table
                self.source = table.source
                self.features = features
                if published is not None:
                    coords, method = self._coords_for(published.prep_key, prepared)
                    result = pipeline.assemble(
                        published, prepared, fit, previous=None, names=self.names,
                        initial_ids=self._initial_ids, coords=coords, embedding=method, caches=self.caches,
                        cached=False, preview=False)
                    self._adopt_ids = False
                    self._set_result(result, state="idle", status=result.summary)
        if published is not None:
            self._record()  # the new table's history starts
        return published

    def load_data(self, source: Any, *, filename: str | None = None,
                  features: Sequence[str] | None = None, options: ReadOptions | None = None,
                  cancel: Callable[[], bool] | None = None) -> bool:
        """Load a new table (path, bytes, file object, DataFrame or dataset name) and fit it.

        ``options`` overrides what reading decides from the file (decimal mark,
        thousands separator, day-first dates, the Excel sheet, the header row).

        A load and its first fit succeed together: the table is read and fitted in the
        caller's thread (the data panel calls this in the scheduler's ``"load"`` lane), and
        only then are the table, data, features and result published, in one block.
        Returns False, with the reason in ``status``, if the file cannot be read or its first
        fit fails; the table, results and selection already loaded then stay exactly as they
        were. The last load asked for wins: a load overtaken by a newer one (or for which
        ``cancel()`` is true when it is ready) publishes nothing and returns False. A closed
        model (:meth:`close`) loads nothing and returns False.
        """
        if self._closed:
            self._say_closed()
            return False
        with self._lock:
            self._loads += 1
            ticket = self._loads

        def overtaken() -> bool:
            with self._lock:
                return ticket != self._loads or self._closed or bool(cancel is not None and cancel())

        try:
            table = self._read(source, filename, options, cancel=overtaken)
            if len(table.frame) == 0:
                raise SegwidgetsValueError("The table has no rows.")
            as_read, staged, chosen, note = self._stage(table, features)
            version = next(self._versions)
            with self._lock:
                request = dataclasses.replace(
                    self._snapshot(), data_version=version, frame=staged.frame, roles=dict(staged.roles),
                    features=tuple(chosen), edits=())
            scratch = Caches()
            prepared, fitted = pipeline.fit(request, scratch, cancel=overtaken)
        except SegwidgetsCancelled:
            log.info("a load was overtaken by a newer one (or the model closed); stopped")
            return False
        except SegwidgetsError as exc:
            if not overtaken():
                self._report_error(str(exc), keep="data")
            return False
        except Exception:  # a reader or fit we do not control failed: still plain words
            log.exception("could not load data")
            if not overtaken():
                self._report_error("The file could not be read or segmented.", keep="data")
            return False
        with self._publish:
            if overtaken():
                log.info("a load was overtaken by a newer one; dropped")
                return False
            try:
                published = self._publish_table(as_read, staged, chosen, version,
                                                (request, prepared, fitted, scratch), options=options)
            except Exception:  # noqa: BLE001 - checked before (_stage): never expected, never a stuck "Reading…"
                log.exception("a loaded table could not be published")
                self._report_error("The file could not be loaded.", keep="data")
                return False
            if note:
                self.status = self.status + note
        if published is not None and fitted.metrics is None:
            self.scheduler.submit("metrics", lambda job: self._measure(published, prepared, fitted))
        return True

    @property
    def spec(self) -> SegmentationSpec:
        """The current settings as a serialisable :class:`SegmentationSpec`."""
        shown = self.result
        values = {name: getattr(self, name) for name in TRAIT_FIELDS}
        values["names"] = {int(i): n for i, n in self.names.items()}
        source = self.source if self.source and self.source != "DataFrame" else None
        given = self._read_options  # what a person set; what the file decides is decided again
        return SegmentationSpec(
            source=source,
            reading={} if source is None or given is None else dataclasses.asdict(given),
            data_sha256=self._data_sha256(source),
            segment_ids=[] if shown is None else list(shown.raw_to_id),
            **values,
        )

    def _data_sha256(self, source: str | None) -> str | None:
        """The SHA-256 of the bytes the table was read from, for the spec: None for a
        DataFrame, and for a bundled dataset (it ships with the package it belongs to)."""
        from .. import datasets

        if source is None or source in datasets.list_datasets():
            return None
        return getattr(self._as_read, "sha256", None)

    def apply_spec(self, spec: SegmentationSpec) -> None:
        """Apply every setting of ``spec`` with a single refit (and its segment ids, if it has any).

        All or nothing: every setting is checked first (its own constraint, the roles and
        features against the table loaded); a spec refused raises
        :class:`~segwidgets.errors.SegwidgetsValueError` saying why, with every setting and the
        result as they were.
        """
        spec = self._checked_spec(spec)
        try:
            with self._restoring_state(), self.batch():  # its edits stand: none set aside
                if spec.segment_ids:
                    self.adopt_segment_ids(spec.segment_ids)
                self.roles = dict(spec.roles)  # first: the features may need a role it gives
                if spec.features:
                    self.features = list(spec.features)
                for name in _PLAIN:
                    setattr(self, name, getattr(spec, name))
        except TraitError as exc:  # checked above, so not expected: still our error, in words
            log.warning("a checked spec was refused while applied: %s", exc)
            raise SegwidgetsValueError(str(exc)) from None
        self._record()  # one step of the history

    def _checked_spec(self, spec: Any) -> SegmentationSpec:
        """``spec`` validated again, and against the table loaded: a plain error before anything is set."""
        if not isinstance(spec, SegmentationSpec):
            raise SegwidgetsValueError("apply_spec needs a SegmentationSpec (see SegmentationSpec.from_json).")
        try:
            spec = dataclasses.replace(spec)  # every field checked again: a spec's fields can be reassigned
        except TypeError as exc:
            log.info("spec refused: %s", exc)
            raise SegwidgetsValueError("The spec has a setting that is not valid; nothing was changed.") from None
        if self._as_read is not None:
            table = self._with_roles(self._as_read, spec.roles)  # a role the values cannot take is refused
            candidates = set(table.feature_candidates())
            unknown = [f for f in spec.features if f not in candidates]
            if unknown:
                raise SegwidgetsValueError(
                    f"These are not usable columns of the table: {', '.join(map(short, unknown))}. "
                    "Nothing was changed.")
        return spec

    def adopt_segment_ids(self, ids: Sequence[int]) -> None:
        """Number the next fit's segments ``ids`` (the fit's own label i gets ``ids[i]``) instead of
        matching them to the segments on show: a spec or link saved elsewhere names its segments
        by these ids. Ignored when the next fit has another number of segments."""
        self._initial_ids = FIELD["segment_ids"].check(list(ids))
        self._adopt_ids = True
        self._request()  # inside a batch: once, at its end

    def save(self, path: str | os.PathLike) -> Path:
        """Write what ``path``'s type names: ``.json`` the settings (the spec, for :meth:`load`);
        ``.csv``, ``.xlsx`` or ``.parquet`` the labelled rows (:meth:`labels_frame`).

        The CSV has formula-like text neutralised; the workbook also has a "Segments" and a
        "Settings" sheet (see :mod:`segwidgets.core.export`).

        Raises:
            SegwidgetsValueError: another file type, the file the table was read from, a folder
                that does not exist, a name the system refuses; the message says which.
        """
        target = _save_target(path, self.source, None if self.table is None else self.table.source)
        suffix = target.suffix.lower()
        if suffix == ".json":
            payload = self.spec.to_json().encode("utf-8")
        else:
            table = self.table
            numeric = export.numeric_columns(None if table is None else table.columns)
            payload = export.export_bytes(self.labels_frame(), suffix, spec_json=self.spec.to_json(),
                                          numeric=numeric)
        try:
            target.write_bytes(payload)  # built in full first: a failed export leaves the file as it was
        except OSError as exc:
            raise SegwidgetsValueError(_unwritable(target, exc)) from None
        return target

    def artefact(self) -> Any:
        """The current seeded fit as a portable :class:`~segwidgets.core.artefact.Artefact`:
        what ``segwidgets label`` applies to a table of any size (it waits for the fit)."""
        from ..core import artefact

        self.wait()
        shown = self.result
        if shown is None or shown.preview or self.table is None:
            raise SegwidgetsValueError("There is no fitted segmentation yet: load a table and wait for its segments.")
        spec = self.spec
        raw_to_id = _merged_ids(shown.raw_to_id, self.edits if shown.edits else [])
        key = (shown.key, shown.raw_to_id, tuple(sorted(shown.names.items())), spec.data_sha256)
        kept = self.__dict__.get("_artefact")
        if kept is not None and kept[0] == key:
            return kept[1]  # built once per fit and names: predict() may be called often
        roles = self.table.roles
        identifiers = [c for c, r in roles.items() if role_name(r) == "identifier"]
        built = artefact.build(
            prepared=shown.prepared, fit=shown.fit, raw_to_id=raw_to_id, names=dict(shown.names),
            frame=self.table.frame, roles=roles, labels=np.asarray(shown.labels),
            settings={name: getattr(spec, name) for name in artefact.FIT_SETTINGS},
            data_sha256=spec.data_sha256, identifiers=identifiers)
        self.__dict__["_artefact"] = (key, built)
        return built

    def save_artefact(self, path: str | os.PathLike) -> Path:
        """Save the fitted segmentation for labelling other tables (``segwidgets label``).

        ``path`` is either the spec's ``NAME.json`` (the spec is written there and the model
        beside it as ``NAME.model.skops``) or a ``.skops`` file. Returns the model file's path.
        """
        from ..core import artefact

        target = Path(path)
        if target.suffix.lower() == ".json":
            self.save(target)
            target = artefact.artefact_path(target)
        elif target.suffix.lower() != ".skops":
            raise SegwidgetsValueError(f"{target.name!r}: give the spec's NAME.json (the model goes beside "
                                       "it) or a file ending in .skops.")
        return artefact.save(self.artefact(), target)

    def predict(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Label the rows of ``frame`` as ``segwidgets label`` does (same artefact, same rule):
        ``segment``, ``segment_name``, ``unplaced``. For k-means, mini-batch k-means and
        Gaussian mixtures, the table's own rows get :attr:`labels`; methods without
        ``predict`` give each row its nearest segment centre (see ``artefact().fitting["agreement"]``)."""
        return self.artefact().predict(frame)

    def publish(self, name: str, folder: str | os.PathLike | None = None, *, overwrite: bool = False,
                report_url: str | None = None) -> Any:
        """Publish the report of this segmentation as ``name``, for ``segwidgets report --specs-dir``.

        Writes ``NAME.parquet`` (every input cell as read, so ids, codes and missing-value
        spellings survive; uploaded data too) and ``NAME.json`` (the spec, its ``source``
        naming that file and its ``data_sha256`` the file's SHA-256) into ``folder`` (default
        :func:`segwidgets.core.report_store.default_specs_dir`), and returns a
        :class:`~segwidgets.core.report_store.Published` with the report's link
        (``report_url`` or ``$SEGWIDGETS_REPORT_URL``, then ``?spec=NAME``).

        The copy is read back before anything is written: a table that would not read back
        as the same features is refused, so the report shows exactly these segments.

        Raises:
            SegwidgetsValueError: a name that is not 1-64 letters, digits, '-' or '_'; a report
                of that name that this segmentation did not publish (unless ``overwrite``);
                nothing to publish yet; a folder that cannot be written. In words.
        """
        from ..core import report_store

        name = report_store.check_name(name)
        if self.data is None or self.result is None:
            raise SegwidgetsValueError("There is nothing to publish yet: load a table and wait for its segments.")
        root = report_store.default_specs_dir() if folder is None else Path(folder)
        spec_path, data_path = report_store.publish_paths(name, root)
        mine = self.__dict__.setdefault("_published_names", set())
        if not overwrite and name not in mine and (spec_path.exists() or data_path.exists()):
            raise SegwidgetsValueError(
                f"There is already a published report called {name!r}. Choose another name, or "
                "replace that report on purpose.")
        self.wait(120)  # the quality measures too: they are in the report
        payload, reading = self._publishable_rows(data_path.name)
        digest = hashlib.sha256(payload).hexdigest()
        spec = self.spec.replace(source=data_path.name, data_sha256=digest, reading=reading)
        spec_bytes = spec.to_json().encode("utf-8")
        from ..core.report import content_to_dict

        shown = self.result
        stored = report_store.cache_bytes(spec_bytes, digest, content_to_dict(self.report_content()),
                                          [int(i) for i in shown.labels])
        try:
            report_store.write_atomically(data_path, payload)  # the data first: a spec never names a missing file
            report_store.write_atomically(report_store.cache_path(spec_path), stored)
            report_store.write_atomically(spec_path, spec_bytes)
        except OSError as exc:
            raise SegwidgetsValueError(_unwritable(spec_path, exc)) from None
        mine.add(name)
        log.info("published report %r to %s (%d bytes of data)", name, root, len(payload))
        return report_store.Published(name=name, spec_path=spec_path, data_path=data_path, data_sha256=digest,
                                      link=report_store.report_link(name, report_url))

    def report_content(self) -> Any:
        """What the stakeholder report shows, as plain values
        (:class:`segwidgets.core.report.ReportContent`): the segments on show, their names,
        and what the analyst wrote."""
        from ..core.algorithms import ALGORITHMS
        from ..core.report import build_report

        shown = self.result
        if shown is None:
            raise SegwidgetsValueError("There is no segmentation to report yet: load a table and wait for its segments.")
        info = ALGORITHMS.get(shown.algorithm)
        return build_report(
            shown.profile, names=dict(shown.names), colors=dict(shown.colors), algorithm=shown.algorithm,
            algorithm_label=info.label if info else shown.algorithm, k=shown.k, features=list(shown.features),
            scaling=self.scaling, impute=self.impute, log1p=self.log1p, metrics=dict(shown.metrics or {}),
            title=self.title, introduction=self.introduction, recommendations=dict(self.recommendations),
            share_rows=self.share_rows, warnings=list(shown.warnings))

    def report_html(self) -> str:
        """The report as one self-contained HTML file (:func:`segwidgets.core.report.report_document`):
        no script, no outside request, print styles; the labelled rows inside as a ``data:``
        link only if :attr:`share_rows`."""
        from ..core.report import report_document

        content = self.report_content()
        rows = export.export_bytes(self.labels_frame(), ".csv") if content.share_rows else None
        return report_document(content, rows)

    def _publishable_rows(self, filename: str) -> tuple[bytes, dict[str, Any]]:
        """The rows as read, as Parquet bytes, and the reading options that read them back the
        same; checked by reading them back."""
        as_read = self._as_read
        original = getattr(as_read, "original", None)
        if original is None:
            original = self.data
        payload = export.to_parquet_bytes(original)  # a column of mixed values becomes text
        used = getattr(as_read, "options", None)
        reading = {} if used is None else {key: value for key, value in dataclasses.asdict(used).items()
                                          if key in ("decimal", "thousands", "dayfirst") and value is not None}
        copy = read_table(payload, filename=filename, options=ReadOptions(**reading))
        features = list(self.features)
        try:
            copy = self._with_roles(copy, self.roles)
            same = [str(copy.roles.get(f)) for f in features] == [str(self.table.roles.get(f)) for f in features]
            same = same and copy.frame[features].reset_index(drop=True).equals(
                self.table.frame[features].reset_index(drop=True))
        except (SegwidgetsError, KeyError) as exc:
            log.warning("publishing: the copy does not read back: %s", exc)
            same = False
        if not same:
            raise SegwidgetsValueError(
                "The rows could not be copied for the report exactly as they were read, so nothing "
                "was published. Save the table as CSV or Parquet, load that, and publish again.")
        return payload, reading

    @classmethod
    def load(cls, path: str | os.PathLike, data: Any = None, **kwargs: Any) -> Any:
        """Build a segmentation from a saved spec; ``data`` overrides the spec's source.

        Raises :class:`~segwidgets.errors.SegwidgetsValueError` in words (naming the file, never
        its folder) for a file that is missing, a folder, unreadable or not UTF-8 JSON.
        """
        return cls.from_spec(read_spec(path), data=data, **kwargs)

    @classmethod
    def from_spec(cls, spec: SegmentationSpec, data: Any = None, **kwargs: Any) -> Any:
        """Build a segmentation from a :class:`SegmentationSpec`."""
        source = data if data is not None else spec.source
        if source is None:
            raise SegwidgetsValueError("This spec names no data; pass the table as data=.")
        settings = {f.name: getattr(spec, f.name) for f in FIELDS if f.trait}
        if not spec.features:
            settings.pop("features")  # none named: the table's default features
        kwargs.setdefault("options", ReadOptions(**spec.reading) if spec.reading else None)
        return cls(source, segment_ids=spec.segment_ids, **settings, **kwargs)

    def labels_frame(self) -> pd.DataFrame:
        """The input rows exactly as they were read, plus a segment id and a segment name column.

        Every input cell is the one read (``LoadedTable.original``): from a CSV its text, so an
        id is given back as it was written (``"-1.0979E+18"``, ``"2347567364561868123"``, never
        ``2.347567364561868e+18``), ``"00501"`` keeps its zeros and ``"NA"`` stays ``"NA"``.
        The two columns are ``segment`` and ``segment_name``, or other names when the input has
        columns called so (:func:`segwidgets.core.export.segment_columns`): an input column is
        never overwritten. Rows with no segment (noise, rows left out, no fit yet) have an
        empty id and name.
        """
        if self.data is None:
            raise SegwidgetsValueError("There is no data loaded yet.")
        table = self.table
        original = getattr(table, "original", None) if table is not None else None
        if original is None:
            original = self.data if table is None else table.frame
        shown = self.result
        if shown is None:
            return export.labelled_rows(original, [None] * len(original), {})
        return export.labelled_rows(original, shown.labels, dict(shown.names))

    def __repr__(self) -> str:
        n = 0 if self.data is None else len(self.data)
        return f"<Segmentation {self.source or 'no data'}: {n:,} rows, {self.status or self.state}>"


def _merged_ids(raw_to_id: Sequence[int], edits: Sequence[Mapping[str, Any]]) -> list[int]:
    """The stable id of each of the fit's labels after the hand ``edits``: merges are a
    relabelling a saved model repeats on any rows; a split, move, new segment or drill-in is
    not (it names rows of this table, or refits part of it), so it is refused in words."""
    ids = [int(i) for i in raw_to_id]
    for edit in edits:
        if edit["op"] != "merge":
            raise SegwidgetsValueError(
                "This segmentation has hand edits that a saved model cannot repeat on other rows "
                "(a split, a move, a new segment or a drill-in); only merges can be. Undo those edits, "
                "or save the rows' segments with model.save('segments.csv') instead.")
        ids = [edit["into"] if i in edit["segments"] else i for i in ids]
    return ids


#: What :meth:`Persistence.save` writes, by file type.
SAVE_FORMATS = {".json": "the settings (JSON)", **export.EXPORT_FORMATS}
#: Longest file name (in bytes) most systems accept.
_NAME_MAX = 255


def _save_target(path: str | os.PathLike, *sources: str | None) -> Path:
    """``path`` checked before anything is written: a type :meth:`Persistence.save` writes, a
    name the system accepts, a folder that exists, and not the file the table was read from."""
    kinds = ", ".join(SAVE_FORMATS)
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if "\x00" in text:
        raise SegwidgetsValueError("The file name contains a NUL character (\\x00); choose another name.")
    target = Path(text)
    if not text.strip() or target.name in ("", ".", ".."):
        raise SegwidgetsValueError(f"Give a file name ending in {kinds}.")
    suffix = target.suffix.lower()
    if suffix not in SAVE_FORMATS:
        said = f"a {target.suffix} file" if target.suffix else "a file with no type at its end"
        raise SegwidgetsValueError(f"{target.name!r} would be {said}; save can write {kinds}.")
    if len(os.fsencode(target.name)) > _NAME_MAX:
        raise SegwidgetsValueError(f"The file name is too long ({len(target.name):,} characters); "
                                   f"most systems allow {_NAME_MAX}. Choose a shorter name.")
    folder = target.parent
    try:
        if not folder.is_dir():
            raise SegwidgetsValueError(f"There is no folder {str(folder)!r} to save {target.name!r} in; "
                                       "create it first or choose another place.")
        if target.is_dir():
            raise SegwidgetsValueError(f"{str(target)!r} is a folder; give a file name ending in {kinds}.")
        resolved = target.resolve()
        for source in filter(None, map(_source_file, sources)):
            same = source.resolve() == resolved or (
                target.exists() and source.exists() and os.path.samefile(source, target))  # hard links too
            if same:
                raise SegwidgetsValueError(
                    f"{target.name!r} is the file the table was read from; saving there would "
                    "overwrite the input. Choose another name.")
    except OSError as exc:
        raise SegwidgetsValueError(_unwritable(target, exc)) from None
    return target


def _source_file(source: str | None) -> Path | None:
    """The file a table's ``source`` names: an absolute path, or a bundled dataset's file."""
    if not source:
        return None
    if os.path.isabs(source):
        return Path(source)
    from .. import datasets

    return datasets.path(source) if source in datasets.list_datasets() else None


def _unwritable(target: Path, exc: OSError) -> str:
    """Why ``target`` could not be written, in plain words."""
    if isinstance(exc, PermissionError):
        return f"There is no permission to write {target.name!r} in {str(target.parent)!r}; choose another place."
    if exc.errno == errno.ENAMETOOLONG:
        return f"The file name or folder path of {target.name!r} is too long; choose a shorter one."
    if exc.errno == errno.ENOSPC:
        return f"The disk is full: {target.name!r} could not be written."
    if isinstance(exc, FileNotFoundError):
        return f"There is no folder {str(target.parent)!r} to save {target.name!r} in; create it first."
    return f"{target.name!r} could not be written ({exc.strerror or type(exc).__name__})."
