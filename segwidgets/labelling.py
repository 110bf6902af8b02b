"""Label a table of any size with a fitted segmentation, on Dask.

:func:`label` reads CSV or Parquet files (or folders of them) lazily with
:mod:`dask.dataframe`, applies the segmentation's artefact
(:mod:`segwidgets.core.artefact`) to each partition, and writes Parquet: the chosen id
columns, ``segment``, ``segment_name`` and ``unplaced`` (why a row has no segment). Every
row is written; the rows that could not be placed are counted by reason. The same pass adds
up segment sizes and, if asked, the counts that drift is measured on
(:mod:`segwidgets.core.drift`). It runs on a ``distributed.LocalCluster`` it starts (and
stops), on the scheduler at ``scheduler=ADDRESS``, or on a ``client`` given. A worker holds
a few partitions at a time, never the table.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .core import artefact as artefacts
from .core import drift as drifts
from .errors import SegwidgetsDataError, SegwidgetsValueError

#: Size of a partition: bytes of CSV text, or of uncompressed Parquet (row groups are split
#: off large files to stay near it). The memory of one task is a few times this.
CSV_BLOCKSIZE = "64MB"
#: File types read, by suffix.
PARQUET_SUFFIXES = (".parquet", ".pq")
CSV_SUFFIXES = (".csv",)
#: Columns a labelled row gets (an id column may not have these names).
OUTPUT_COLUMNS = ("segment", "segment_name", "unplaced")
_BIN = "__segwidgets_bin__"

log = logging.getLogger("segwidgets.labelling")


@dataclass
class LabelSummary:
    """What :func:`label` did.

    Data Attributes:
        output: Path — the folder of Parquet files written.
        rows: int — rows read (and written).
        segments: DataFrame — per segment id: ``name``, ``rows``, ``share`` (of all rows).
        unplaced: dict[str, int] — rows without a segment, by reason.
        partitions: int — partitions the table was read in.
        files: int — input files.
        seconds: float — wall time.
        rule: str — how rows were placed (``predict`` or ``nearest centre``).
        agreement: float — the share of the fitting rows the rule gives their fitted segment.
        id_columns: list[str] — the id columns written.
        drift: DriftReport or None.
    """

    output: Path
    rows: int
    segments: pd.DataFrame
    unplaced: dict[str, int]
    partitions: int
    files: int
    seconds: float
    rule: str
    agreement: float
    algorithm: str
    id_columns: list[str] = field(default_factory=list)
    drift: drifts.DriftReport | None = None

    def text(self) -> str:
        """The summary in plain lines."""
        lines = [f"Labelled {self.rows:,} rows from {self.files:,} file{'s' if self.files != 1 else ''} "
                 f"({self.partitions:,} partitions) in {self.seconds:.1f} s "
                 f"({self.rows / max(self.seconds, 1e-9):,.0f} rows/s) into {self.output}."]
        if self.rule != "predict":
            lines.append(f"{self.algorithm} has no rule of its own for new rows: each row joined the nearest "
                         f"segment centre, as the rows outside its fitting sample do; that gives "
                         f"{self.agreement:.1%} of the rows it was fitted on the segment the fit gave them.")
        lines.append("Segment sizes:")
        for sid, row in self.segments.iterrows():
            lines.append(f"  {row['name']} [{sid}]: {row['rows']:,} rows ({row['share']:.1%})")
        if self.unplaced:
            total = sum(self.unplaced.values())
            lines.append(f"{total:,} rows ({total / max(self.rows, 1):.1%}) have no segment (written with an "
                         "empty segment and the reason in 'unplaced'):")
            lines += [f"  {n:,}: {reason}" for reason, n in self.unplaced.items()]
        else:
            lines.append("Every row has a segment.")
        if not self.id_columns:
            lines.append("No id columns were written: rows are in the order of the input (use --id-columns).")
        if self.drift is not None:
            lines.append(self.drift.text())
        return "\n".join(lines)


# ---------------------------------------------------------------- inputs
def input_files(source: str | os.PathLike | Sequence[str | os.PathLike]) -> tuple[list[str], str]:
    """The files to read and their kind (``"parquet"`` or ``"csv"``): a file, a folder (its
    Parquet or CSV files, in name order, sub-folders too) or a list of them."""
    sources = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    files: list[Path] = []
    for item in sources:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower()
                           in PARQUET_SUFFIXES + CSV_SUFFIXES and not p.name.startswith((".", "_")))
            if not found:
                raise SegwidgetsValueError(f"The folder {str(path)!r} has no Parquet or CSV files to label.")
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise SegwidgetsValueError(f"There is no file or folder {str(path)!r} to label.")
    kinds = {"parquet" if p.suffix.lower() in PARQUET_SUFFIXES else "csv" if p.suffix.lower() in CSV_SUFFIXES
             else None for p in files}
    if None in kinds:
        odd = next(p for p in files if p.suffix.lower() not in PARQUET_SUFFIXES + CSV_SUFFIXES)
        raise SegwidgetsValueError(f"{odd.name!r} is neither Parquet nor CSV; label reads .parquet and .csv files.")
    if len(kinds) > 1:
        raise SegwidgetsValueError("The input mixes Parquet and CSV files; label one kind at a time.")
    return [str(p) for p in files], kinds.pop()


def read(files: Sequence[str], kind: str, columns: Sequence[str], blocksize: str | int = CSV_BLOCKSIZE) -> Any:
    """A lazy dask DataFrame of ``columns`` of the files (CSV cells as text, so ids keep their
    zeros and numbers are parsed by the artefact); missing columns are refused in words."""
    import dask.dataframe as dd

    try:
        if kind == "parquet":
            frame = dd.read_parquet(list(files), blocksize=blocksize, split_row_groups="adaptive")
        else:
            frame = dd.read_csv(list(files), dtype=object, blocksize=blocksize, keep_default_na=False,
                                na_values=[""], assume_missing=True)
    except (OSError, ValueError) as exc:
        raise SegwidgetsDataError(f"The input could not be read as {kind.upper()} ({exc}).") from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        shown = ", ".join(map(repr, list(frame.columns)[:12])) + (", …" if len(frame.columns) > 12 else "")
        raise SegwidgetsDataError(
            f"The input has no column {', '.join(map(repr, missing))}. Its columns are {shown}.")
    return frame[list(columns)]


# ---------------------------------------------------------------- per partition
def label_partition(frame: pd.DataFrame, artefact: artefacts.Artefact, id_columns: Sequence[str],
                    with_bins: bool = False) -> pd.DataFrame:
    """One partition labelled: its id columns, then ``segment``, ``segment_name``, ``unplaced``
    (and, ``with_bins``, each feature's drift bin for :func:`partition_counts`)."""
    labelled = artefact.predict(frame)
    parts = [frame[list(id_columns)], labelled]
    if with_bins:
        parts.append(_bins(frame, artefact))
    return pd.concat(parts, axis=1).reset_index(drop=True)


def _bins(frame: pd.DataFrame, artefact: artefacts.Artefact) -> pd.DataFrame:
    values, _ = artefact.feature_values(frame)
    out = {}
    for name, then in artefact.fitting["features"].items():
        if then["kind"] == "numeric":
            column = values[name].to_numpy(dtype=float)
            finite = np.isfinite(column)
            bins = np.full(len(column), len(then["edges"]) + 1, dtype=np.int64)
            bins[finite] = np.searchsorted(np.asarray(then["edges"]), column[finite], side="right")
            out[_BIN + name] = pd.array(bins.astype(str), dtype="string")
        else:
            out[_BIN + name] = pd.array(values[name].astype(object).where(values[name].notna(), drifts.MISSING)
                                        .map(str).to_numpy(), dtype="string")
    return pd.DataFrame(out, index=frame.index)


def partition_counts(labelled: pd.DataFrame) -> pd.DataFrame:
    """The counts one partition adds to the summary: (what, value, rows) for segments,
    unplaced reasons and each feature's drift bins."""
    pieces = [("segment", labelled["segment"].astype("string").fillna("")),
              ("unplaced", labelled["unplaced"].fillna(""))]
    pieces += [(c[len(_BIN):], labelled[c]) for c in labelled.columns if c.startswith(_BIN)]
    rows = []
    for what, column in pieces:
        counts = column.value_counts(dropna=False)
        rows.append(pd.DataFrame({"what": what, "value": counts.index.astype(str), "rows": counts.to_numpy()}))
    out = pd.concat(rows, ignore_index=True)
    return out.astype({"what": "string", "value": "string", "rows": "int64"})


# ---------------------------------------------------------------- the whole table
def load_segmentation(spec: Any, artefact_file: str | os.PathLike | None = None) -> artefacts.Artefact:
    """The artefact to label with: from a fitted ``Segmentation``, an ``Artefact``, or a spec
    file ``NAME.json`` (its ``NAME.model.skops`` beside it, or ``artefact_file``), checked
    against the spec."""
    if isinstance(spec, artefacts.Artefact):
        return spec
    if hasattr(spec, "artefact") and callable(spec.artefact):
        return spec.artefact()
    from .core.spec_store import read_spec

    spec_path = Path(spec)
    model_path = Path(artefact_file) if artefact_file is not None else artefacts.artefact_path(spec_path)
    return artefacts.load(model_path, spec=read_spec(spec_path))


def _client(client: Any, scheduler: str | None, workers: int | None) -> tuple[Any, list[Any]]:
    """The client to run on, and what to close afterwards (what this call started)."""
    if client is not None:
        return client, []
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            started = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise SegwidgetsValueError(f"No Dask scheduler answered at {scheduler!r} ({exc}).") from None
        return started, [started]
    cluster = LocalCluster(n_workers=workers or min(os.cpu_count() or 1, 8), threads_per_worker=1,
                           processes=True, dashboard_address=None)
    started = Client(cluster)
    return started, [started, cluster]


def label(spec: Any, source: str | os.PathLike | Sequence[str | os.PathLike], output: str | os.PathLike, *,
          id_columns: Sequence[str] | None = None, drift: bool = False, scheduler: str | None = None,
          client: Any = None, workers: int | None = None, artefact_file: str | os.PathLike | None = None,
          overwrite: bool = False, blocksize: str | int = CSV_BLOCKSIZE, progress: bool = False) -> LabelSummary:
    """Label every row of ``source`` with the segmentation ``spec`` and write Parquet to ``output``.

    Args:
        spec: a spec file ``NAME.json`` with ``NAME.model.skops`` beside it
            (:meth:`Segmentation.save_artefact`), a fitted ``Segmentation``, or an ``Artefact``.
        source: a CSV or Parquet file, a folder of them, or a list.
        output: a folder for the Parquet files (refused if it holds files, unless ``overwrite``).
        id_columns: input columns written beside the segment (default: the fitting table's
            identifier columns that the input has).
        drift: also measure how far features and segment shares moved (``summary.drift``).
        scheduler: the address of a running Dask scheduler (``tcp://host:8786``); default a
            ``LocalCluster`` of ``workers`` single-threaded processes, stopped at the end.
        client: a ``distributed.Client`` to run on (then ``scheduler`` is ignored).
        workers: worker processes of the local cluster (default one per core, at most 8).
        artefact_file: the model file, when it is not ``NAME.model.skops`` beside the spec.
        overwrite: replace what ``output`` holds.
        blocksize: the size of a partition (:data:`CSV_BLOCKSIZE`): bytes of CSV text, or of
            uncompressed Parquet.
        progress: print a progress bar (distributed's) while the partitions run.

    Raises:
        SegwidgetsValueError: a spec and model file that do not match, input that is missing or
            lacks a feature, an output folder that is not empty; in words.
    """
    started_at = time.perf_counter()
    art = load_segmentation(spec, artefact_file)
    files, kind = input_files(source)
    output = Path(output)
    if any(Path(f).resolve() == output.resolve() or output.resolve() in Path(f).resolve().parents for f in files):
        raise SegwidgetsValueError("The output folder holds the input; choose another output folder.")
    if output.exists() and (not output.is_dir() or any(output.iterdir())) and not overwrite:
        raise SegwidgetsValueError(f"{str(output)!r} already exists and is not an empty folder; choose another "
                                   "output or allow overwriting it.")
    frame_columns = _columns(files, kind)
    if id_columns is None:
        id_columns = [c for c in art.identifiers if c in frame_columns]
    id_columns = list(dict.fromkeys(id_columns))
    clash = [c for c in id_columns if c in OUTPUT_COLUMNS]
    if clash:
        raise SegwidgetsValueError(f"An id column may not be called {clash[0]!r}: the labels are written under "
                                   f"{', '.join(OUTPUT_COLUMNS)}.")
    missing_ids = [c for c in id_columns if c not in frame_columns]
    if missing_ids:
        raise SegwidgetsDataError(f"The input has no id column {', '.join(map(repr, missing_ids))}.")
    frame = read(files, kind, list(dict.fromkeys(id_columns + art.features)), blocksize)
    artefacts.check_columns(art, frame.columns, frame.dtypes)
    if kind == "parquet":
        _check_parquet_types(art, frame.dtypes)
    meta = label_partition(frame._meta, art, id_columns, with_bins=drift)
    labelled = frame.map_partitions(label_partition, art, id_columns, drift, meta=meta,
                                    enforce_metadata=False)
    written = labelled[[*id_columns, *OUTPUT_COLUMNS]]
    counts = labelled.map_partitions(partition_counts, meta=partition_counts(meta)).groupby(
        ["what", "value"]).rows.sum(split_out=1)  # a few hundred rows: a tree reduction, no shuffle

    client, to_close = _client(client, scheduler, workers)
    try:
        _check_workers(client, art)
        write = written.to_parquet(output, write_index=False, compute=False, overwrite=overwrite and output.exists())
        futures = client.compute([write, counts])
        if progress:
            from distributed import progress as show_progress

            show_progress(futures)
        try:
            _, totals = client.gather(futures)
        except SegwidgetsValueError:
            raise
        except Exception as exc:  # noqa: BLE001 - a file that reads unlike the first, a full disk, a lost worker
            log.warning("labelling stopped: %r", exc)
            raise SegwidgetsDataError(
                f"Labelling stopped while reading, labelling or writing a partition ({type(exc).__name__}: "
                f"{str(exc)[:300]}). Check that every input file has the columns of the first; the output "
                "folder is incomplete.") from None
    finally:
        for thing in to_close:
            thing.close()
    return _summary(art, totals, output, frame.npartitions, len(files), time.perf_counter() - started_at,
                    id_columns, drift)


def _worker_versions() -> dict[str, str]:
    import sklearn

    try:
        from segwidgets import __version__
    except ImportError:  # pragma: no cover - a worker without segwidgets fails below in words
        __version__ = None
    return {"scikit-learn": sklearn.__version__, "segwidgets": __version__}


def _check_workers(client: Any, art: artefacts.Artefact) -> None:
    """Refuse, in words, workers whose scikit-learn differs from the model's (they would place
    rows differently) or that lack segwidgets."""
    try:
        found = client.run(_worker_versions)
    except (ImportError, ModuleNotFoundError, OSError) as exc:
        raise SegwidgetsValueError(f"The Dask workers could not be asked for their versions ({exc}); "
                                   "install segwidgets on every worker.") from None
    wanted = art.versions.get("scikit-learn")
    for address, versions in found.items():
        if versions.get("segwidgets") is None:
            raise SegwidgetsValueError(f"The Dask worker {address} has no segwidgets; install it on every worker.")
        if wanted and versions["scikit-learn"] != wanted:
            raise SegwidgetsValueError(
                f"The Dask worker {address} has scikit-learn {versions['scikit-learn']}, but the model was fitted "
                f"with {wanted}: install scikit-learn=={wanted} on every worker.")


def _columns(files: Sequence[str], kind: str) -> list[str]:
    """The column names of the first file (dask checks the others against it)."""
    if kind == "parquet":
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(files[0]).names)
        except (OSError, ValueError) as exc:
            raise SegwidgetsDataError(f"{Path(files[0]).name!r} could not be read as Parquet ({exc}).") from None
    try:
        return [str(c) for c in pd.read_csv(files[0], nrows=0).columns]
    except (OSError, ValueError) as exc:
        raise SegwidgetsDataError(f"{Path(files[0]).name!r} could not be read as CSV ({exc}).") from None


def _check_parquet_types(art: artefacts.Artefact, dtypes: Any) -> None:
    """A numeric feature stored as text in Parquet is refused (a CSV's text is parsed instead)."""
    for name in art.features:
        dtype = dtypes[name]
        if art.roles[name] == "numeric" and not (pd.api.types.is_numeric_dtype(dtype) or
                                                  pd.api.types.is_bool_dtype(dtype)):
            raise SegwidgetsDataError(
                f"Column {name!r} holds text ({dtype}) in these Parquet files, but the segmentation uses it "
                "as numbers. Write it as numbers, or label a CSV export (its cells are read as numbers "
                "where they are).")


def _summary(art: artefacts.Artefact, totals: pd.Series, output: Path, partitions: int, files: int,
             seconds: float, id_columns: list[str], drift: bool) -> LabelSummary:
    by_what: dict[str, dict[str, int]] = {}
    for (what, value), n in totals.items():
        by_what.setdefault(str(what), {})[str(value)] = int(n)
    segment_rows = {int(v): n for v, n in by_what.get("segment", {}).items() if v != ""}
    rows = sum(by_what.get("segment", {}).values())
    segments = pd.DataFrame(
        [{"segment": sid, "name": art.names.get(sid, str(sid)), "rows": segment_rows.get(sid, 0),
          "share": segment_rows.get(sid, 0) / max(rows, 1)} for sid in sorted(art.raw_to_id)]).set_index("segment")
    unplaced = {reason: n for reason, n in by_what.get("unplaced", {}).items() if reason != ""}
    report = None
    if drift:
        counts: dict[str, Any] = {}
        for name, then in art.fitting["features"].items():
            seen = by_what.get(name, {})
            if then["kind"] == "numeric":
                counts[name] = np.array([seen.get(str(b), 0) for b in range(len(then["edges"]) + 2)])
            else:
                counts[name] = seen
        report = drifts.report(art.fitting, counts, segment_rows, art.names)
    return LabelSummary(output=output, rows=rows, segments=segments, unplaced=unplaced, partitions=partitions,
                        files=files, seconds=seconds, rule=art.rule, agreement=float(art.fitting.get("agreement", 1.0)),
                        algorithm=art.algorithm_label, id_columns=id_columns, drift=report)


# ---------------------------------------------------------------- fitting on more than fits in memory
def fit_minibatch(model: Any, source: str | os.PathLike | Sequence[str | os.PathLike], *, passes: int = 1,
                  scheduler: str | None = None, client: Any = None, workers: int | None = None,
                  blocksize: str | int = CSV_BLOCKSIZE) -> artefacts.Artefact:
    """Mini-batch k-means on every row of ``source``, started from ``model``'s segments.

    ``model`` is a fitted ``Segmentation`` with ``algorithm="minibatch_kmeans"``, tuned on a
    sample that fits in memory. Its preprocessing is kept as fitted on that sample; its centres
    are the start; then ``MiniBatchKMeans.partial_fit`` sees every row of ``source``, batch by
    batch (the model's ``batch_size``), partition by partition in file order, ``passes`` times.
    The workers prepare the rows; this process holds one partition's prepared rows at a time.
    Segment ids and names stay with the centres they started from.

    Returns an :class:`~segwidgets.core.artefact.Artefact` to save
    (:func:`segwidgets.core.artefact.save`) and label with; its ``data_sha256`` is None (it was
    fitted on the files, not on the spec's table) and ``fitting["partial_fit"]`` says on what.
    """
    import copy

    from dask import delayed
    from sklearn.cluster import MiniBatchKMeans

    if getattr(model, "algorithm", None) != "minibatch_kmeans":
        raise SegwidgetsValueError("Fitting on the whole table needs a segmentation tuned with mini-batch k-means "
                                   "(algorithm='minibatch_kmeans').")
    if not 1 <= int(passes) <= 20:
        raise SegwidgetsValueError(f"passes must be from 1 to 20, not {passes}.")
    start = model.artefact()
    files, kind = input_files(source)
    frame = read(files, kind, start.features, blocksize)
    artefacts.check_columns(start, frame.columns, frame.dtypes)
    fitted = copy.deepcopy(start.model)
    estimator = MiniBatchKMeans(n_clusters=len(start.centers), init=start.centers, n_init=1,
                                batch_size=fitted.batch_size, random_state=fitted.random_state)
    prepare = delayed(_prepared_rows, pure=True)
    parts = frame.to_delayed()
    client, to_close = _client(client, scheduler, workers)
    rows = 0
    try:
        _check_workers(client, start)
        for _ in range(int(passes)):
            pending = client.compute(prepare(parts[0], start)) if parts else None
            for at in range(len(parts)):
                X = pending.result()
                pending = client.compute(prepare(parts[at + 1], start)) if at + 1 < len(parts) else None
                for begin in range(0, len(X), estimator.batch_size):
                    estimator.partial_fit(X[begin:begin + estimator.batch_size])
                rows += len(X)
    finally:
        for thing in to_close:
            thing.close()
    if rows == 0:
        raise SegwidgetsDataError("The input has no row that could be placed; nothing was fitted.")
    result = copy.copy(start)
    result.model = estimator
    result.centers = np.asarray(estimator.cluster_centers_, dtype=np.float64)
    result.data_sha256 = None
    result.fitting = dict(start.fitting, partial_fit={"files": len(files), "rows": rows // int(passes),
                                                      "passes": int(passes)})
    return result


def _prepared_rows(frame: pd.DataFrame, artefact: artefacts.Artefact) -> np.ndarray:
    """The rows of one partition that can be placed, preprocessed (float64)."""
    values, why = artefact.feature_values(frame)
    values = values.loc[why == ""]
    if len(values) == 0:
        return np.empty((0, len(artefact.centers[0])))
    X = np.asarray(artefact.preprocess.transform(values), dtype=np.float64)
    return X[np.isfinite(X).all(axis=1)]
