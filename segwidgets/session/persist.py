"""What a segmentation takes in and hands on: tables read and loaded, its spec (JSON, a link), its labelled rows."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from traitlets import HasTraits, observe, validate

from ..core.io import LoadedTable, read_table
from ..core.schema import FIELD, FIELDS, TRAIT_FIELDS
from ..core.spec import SegmentationSpec
from ..errors import SegwidgetsError, SegwidgetsValueError

log = logging.getLogger("segwidgets.session")

#: Spec fields that are one trait each, set as they are (features only when the spec names some).
_PLAIN = tuple(name for name in TRAIT_FIELDS if name != "features")


class Persistence(HasTraits):
    """Loading tables, and the save, load and export half of :class:`~segwidgets.session.Segmentation`."""

    @staticmethod
    def _read(data: Any, filename: str | None = None) -> LoadedTable:
        if isinstance(data, LoadedTable):
            return data
        if isinstance(data, str) and not os.path.exists(data):
            from .. import datasets

            if data in datasets.list_datasets():
                return datasets.load_table(data)
        table = read_table(data, filename=filename)
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
            self._set_table(table)

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
            with self._lock:
                self._data_version += 1
                self.caches.clear()
            with self._publish:
                self.set_trait("result", None)
                self.set_trait("labels", None)
            self.selection = None
            self.selection_profile = None
            self.table = table
            self.source = table.source
            self.data = table.frame
            self.features = features
            self._request()

    def load_data(self, source: Any, *, filename: str | None = None,
                  features: Sequence[str] | None = None) -> bool:
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

    @property
    def spec(self) -> SegmentationSpec:
        """The current settings as a serialisable :class:`SegmentationSpec`."""
        shown = self.result
        values = {name: getattr(self, name) for name in TRAIT_FIELDS}
        values["names"] = {int(i): n for i, n in self.names.items()}
        return SegmentationSpec(
            source=self.source if self.source and self.source != "DataFrame" else None,
            segment_ids=[] if shown is None else list(shown.raw_to_id),
            **values,
        )

    def apply_spec(self, spec: SegmentationSpec) -> None:
        """Apply every setting of ``spec`` with a single refit (and its segment ids, if it has any)."""
        with self.batch():
            if spec.segment_ids:
                self.adopt_segment_ids(spec.segment_ids)
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
        """Write the spec as JSON to ``path``; ``.csv`` writes the labelled rows instead."""
        path = Path(path)
        if path.suffix.lower() == ".csv":
            self.labels_frame().to_csv(path, index=False)
        else:
            path.write_text(self.spec.to_json(), encoding="utf-8")
        return path

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
        return cls(source, segment_ids=spec.segment_ids, **settings, **kwargs)

    def labels_frame(self) -> pd.DataFrame:
        """The input rows with their segment id and name (rows with no segment: empty)."""
        if self.data is None:
            raise SegwidgetsValueError("There is no data loaded yet.")
        out = self.data.copy()
        segment_col = "segment" if "segment" not in out.columns else "segwidgets_segment"
        name_col = "segment_name" if "segment_name" not in out.columns else "segwidgets_segment_name"
        shown = self.result
        if shown is None:
            out[segment_col] = pd.array([pd.NA] * len(out), dtype="Int64")
            out[name_col] = pd.Series([pd.NA] * len(out), dtype="string")
            return out
        labels = pd.array(shown.labels, dtype="Int64")
        labels[shown.labels < 0] = pd.NA
        out[segment_col] = labels
        out[name_col] = pd.Series(shown.labels).map(dict(shown.names)).astype("string").to_numpy()
        return out

    def __repr__(self) -> str:
        n = 0 if self.data is None else len(self.data)
        return f"<Segmentation {self.source or 'no data'}: {n:,} rows, {self.status or self.state}>"
