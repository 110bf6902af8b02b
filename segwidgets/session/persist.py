"""What a segmentation takes in and hands on: tables read and loaded, its spec (JSON, a link), its labelled rows."""

from __future__ import annotations

import errno
import dataclasses
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from traitlets import HasTraits, observe, validate

from ..core import export
from ..core.io import LoadedTable, ReadOptions, read_table
from ..core.schema import FIELD, FIELDS, TRAIT_FIELDS
from ..core.spec import SegmentationSpec
from ..errors import SegwidgetsError, SegwidgetsValueError

log = logging.getLogger("segwidgets.session")

#: Spec fields that are one trait each, set as they are (features only when the spec names some).
_PLAIN = tuple(name for name in TRAIT_FIELDS if name not in ("features", "roles"))


class Persistence(HasTraits):
    """Loading tables, and the save, load and export half of :class:`~segwidgets.session.Segmentation`."""

    @staticmethod
    def _read(data: Any, filename: str | None = None, options: ReadOptions | None = None) -> LoadedTable:
        if isinstance(data, LoadedTable):
            return data
        if isinstance(data, str) and not os.path.exists(data):
            from .. import datasets

            if data in datasets.list_datasets():
                table = datasets.load_table(data)  # read once per process
                if options is None or options == table.options:
                    return table
                return read_table(datasets.path(data), filename=data, options=options)
        table = read_table(data, filename=filename, options=options)
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

    def _set_table(self, table: LoadedTable, features: Sequence[str] | None = None) -> None:
        as_read, table = table, self._with_roles(table, self.roles)
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
            with self._lock:
                self._data_version += 1
                self.caches.clear()
            with self._publish:
                self.set_trait("result", None)
                self.set_trait("labels", None)
            self.selection = None
            self.selection_profile = None
            self._as_read = as_read
            self.table = table
            self.source = table.source
            self.data = table.frame
            self.features = features
            self._request()

    def load_data(self, source: Any, *, filename: str | None = None,
                  features: Sequence[str] | None = None, options: ReadOptions | None = None) -> bool:
        """Load a new table (path, bytes, file object, DataFrame or dataset name).

        ``options`` overrides what reading decides from the file (decimal mark,
        thousands separator, day-first dates, the Excel sheet, the header row).
        Returns False, with the reason in ``status``, if it cannot be read;
        the table and results already loaded then stay as they were.
        """
        try:
            table = self._read(source, filename, options)
            if len(table.frame) == 0:
                raise SegwidgetsValueError("The table has no rows.")
            self._set_table(table, features)
            self._read_options = options
        except SegwidgetsError as exc:
            self._report_error(str(exc), keep="data")
            return False
        except Exception as exc:  # a reader we do not control failed: still plain words
            log.exception("could not load data")
            self._report_error(f"The file could not be read ({type(exc).__name__}: {exc}).", keep="data")
            return False
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
            segment_ids=[] if shown is None else list(shown.raw_to_id),
            **values,
        )

    def apply_spec(self, spec: SegmentationSpec) -> None:
        """Apply every setting of ``spec`` with a single refit (and its segment ids, if it has any)."""
        with self.batch():
            if spec.segment_ids:
                self.adopt_segment_ids(spec.segment_ids)
            self.roles = dict(spec.roles)  # first: the features may need a role it gives
            if spec.features:
                self.features = list(spec.features)
            for name in _PLAIN:
                setattr(self, name, getattr(spec, name))

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

    @classmethod
    def load(cls, path: str | os.PathLike, data: Any = None, **kwargs: Any) -> Any:
        """Build a segmentation from a saved spec; ``data`` overrides the spec's source."""
        spec = SegmentationSpec.from_json(Path(path).read_text(encoding="utf-8"))
        return cls.from_spec(spec, data=data, **kwargs)

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
