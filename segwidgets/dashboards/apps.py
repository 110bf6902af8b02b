"""What the Voila notebooks in ``apps/`` call: a few lines each, and never a traceback.

Each builder reads its inputs (environment, query string), builds a
composite and returns a widget. Anything that goes wrong becomes a plain
message in the page; the full error goes to the server log.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as w

from ..config import (
    ENV_DATA,
    ENV_DATA_DIR,
    ENV_SPEC,
    ENV_SPECS_DIR,
    ENV_UMAP_WARMUP,
    upload_limit_bytes,
)
from ..errors import SegwidgetsDataError, SegwidgetsError, SegwidgetsValueError
from ..widgets._base import css, escape

log = logging.getLogger("segwidgets.apps")


def request_query() -> str:
    """The page's query string (Voila passes it to the kernel as ``QUERY_STRING``)."""
    try:
        from voila.utils import wait_for_request

        wait_for_request()
    except Exception:  # noqa: BLE001 - outside Voila there is no request to wait for
        log.debug("no Voila request info", exc_info=True)
    return os.environ.get("QUERY_STRING", "")


def error_panel(message: str) -> w.HTML:
    """A plain-words message box (css ``sw-app-error``)."""
    box = w.HTML(
        "<div style='padding:12px;border:1px solid #e15759;background:#fff5f5;border-radius:4px'>"
        f"{escape(message)}</div>"
    )
    box.add_class(css("app-error"))
    return box


def _guard(build):
    def wrapper(*args: Any, **kwargs: Any) -> w.Widget:
        try:
            return build(*args, **kwargs)
        except SegwidgetsError as exc:
            return error_panel(str(exc))
        except Exception as exc:  # noqa: BLE001 - never a traceback in an app
            log.exception("app failed to start")
            return error_panel(f"The app could not start ({type(exc).__name__}). "
                               "The details are in the server log.")

    wrapper.__doc__ = build.__doc__
    wrapper.__name__ = build.__name__
    return wrapper


def _spec_settings(query: str) -> dict[str, Any]:
    """Settings named in a query string (``?k=5&features=a,b``); others keep defaults."""
    from ..core.schema import FIELDS
    from ..core.spec import SegmentationSpec

    by_key = {f.query: f.name for f in FIELDS if f.trait and f.query}  # k=, scaling=, ...
    keys = set(parse_qs(query.lstrip("?")))
    if not keys & (set(by_key) | {"features", "edits"}) and not any(key.startswith("name.") for key in keys):
        return {}
    spec = SegmentationSpec.from_query(query)
    settings: dict[str, Any] = {name: getattr(spec, name) for key, name in by_key.items() if key in keys}
    if "features" in keys and spec.features:
        settings["features"] = list(spec.features)
    if spec.names:
        settings["names"] = dict(spec.names)
    if spec.segment_ids:
        settings["segment_ids"] = list(spec.segment_ids)
    if spec.edits:
        settings["edits"] = list(spec.edits)
    return settings


@_guard
def explorer_app(data: Any = None, query: str | None = None) -> w.Widget:
    """The explorer app: a data panel, the Explorer, and downloads.

    ``data`` defaults to ``$SEGWIDGETS_DATA`` or the demo; ``query`` to the page's
    query string, whose settings (``?k=5&features=a,b``) open the explorer in
    that state.
    """
    from ..session import Segmentation
    from ..widgets import DataPanel, DownloadPanel
    from .explorer import Explorer

    source = data or os.environ.get(ENV_DATA) or "facebook_live"
    # Everything slow happens before the visitor's link is read: a preheated kernel
    # (segwidgets.cli.voila_args) has done it by the time somebody opens the page.
    model = Segmentation(source)
    start_umap_warm_up()
    explorer = Explorer(model, data_panel=DataPanel(model, limit=upload_limit_bytes()))
    explorer.add_tab("Download", DownloadPanel(model))
    from ..widgets.publish_panel import PublishPanel

    explorer.add_tab("Publish", PublishPanel(model))  # folder and link: see core/report_store
    query = request_query() if query is None else query
    notice = apply_link_settings(model, query)
    model.wait(60)
    if notice:
        model.status = notice
    return explorer


def start_umap_warm_up() -> threading.Thread | None:
    """Compile UMAP's numba code on a background thread, so a person's first UMAP map
    takes seconds rather than half a minute (``$SEGWIDGETS_UMAP_WARMUP=0``: don't)."""
    if os.environ.get(ENV_UMAP_WARMUP, "1").strip() == "0":
        return None
    from ..core.embedding import warm_up_umap

    def work() -> None:
        try:
            warm_up_umap()
        except Exception:  # noqa: BLE001 - only a head start: UMAP still works without it
            log.warning("UMAP warm-up failed", exc_info=True)

    thread = threading.Thread(target=work, name="segwidgets-umap-warm-up", daemon=True)
    thread.start()
    return thread


def apply_link_settings(model: Any, query: str) -> str | None:
    """Apply a link's settings (``?k=5&features=a,b``) with one refit; a notice if some were ignored."""
    try:
        settings = _spec_settings(query)
    except SegwidgetsError as exc:
        return f"The link's settings were ignored: {exc}"
    features = settings.pop("features", None)
    ids = settings.pop("segment_ids", None)
    edits = settings.pop("edits", None)
    notice = None
    with model.batch():
        if ids:
            model.adopt_segment_ids(ids)  # the sharer's ids, so the link's names land where they meant
        for name, value in settings.items():
            try:
                setattr(model, name, value)
            except Exception as exc:  # noqa: BLE001 - a link with a value the model refuses
                notice = f"The link's {name} was ignored: {exc}"
        if features:
            try:
                model.features = features
            except Exception as exc:  # noqa: BLE001 - a link naming unknown columns
                notice = f"The link's features were ignored: {exc}"
        if edits:  # last: a change of k or features before them would set them aside
            try:
                model.edits = edits
            except Exception as exc:  # noqa: BLE001 - edits the model refuses
                notice = f"The link's hand edits were ignored: {exc}"
    return notice


#: What a report says when its data file is not the one it was saved with.
DATA_CHANGED = ("The data file of this report has changed since the report was saved, so the report "
                "would not show what was saved. Publish the report again.")


@_guard
def report_app(spec: str | os.PathLike | None = None, data: Any = None, query: str | None = None,
               specs_dir: str | os.PathLike | None = None,
               data_dir: str | os.PathLike | None = None) -> w.Widget:
    """The report app: ``?spec=NAME`` read only from the specs folder, or ``$SEGWIDGETS_SPEC``.

    The spec's data is read only from the data folder (``data_dir``, else
    ``$SEGWIDGETS_DATA_DIR``, else the specs folder; for ``$SEGWIDGETS_SPEC`` without a
    specs folder, the spec's own folder) through
    :func:`segwidgets.core.confine.resolve_data`, within the upload limit, and only if its
    bytes still have the SHA-256 the spec recorded. ``data`` (a caller's own table) skips
    all of that.
    """
    from ..core.spec_store import MAX_SPEC_BYTES, read_spec, resolve_spec
    from .report import (
        Report,  # imports before the wait: a preheated kernel has done them
    )

    query = request_query() if query is None else query
    name = parse_qs(query.lstrip("?")).get("spec", [None])[0]
    folder = specs_dir or os.environ.get(ENV_SPECS_DIR)
    if name is not None:
        if not folder:
            return error_panel("This server has no folder of saved reports configured.")
        path = resolve_spec(name, folder)
    else:
        path = spec or os.environ.get(ENV_SPEC)
        if not path:
            return error_panel("No report was named. Open a link of the form ?spec=NAME.")
        path = Path(path)
    saved = read_spec(path, max_bytes=MAX_SPEC_BYTES)
    if data is None:
        data_folder = data_dir or os.environ.get(ENV_DATA_DIR) or folder or path.parent
        published = published_report(path, saved, data_folder)
        if published is not None:
            return published  # as published: no table read, no refit
        data = report_table(saved, data_folder)
    return Report.from_spec(saved, data=data)


def published_report(path: Path, spec: Any, folder: str | os.PathLike) -> Any:
    """The report as it was published (:class:`~segwidgets.dashboards.report.PublishedReport`),
    when the content stored beside the spec was stored for exactly this spec file and its data
    file still has the SHA-256 the spec recorded; None when there is no such stored report (the
    caller then reads the table and fits it). The data file is read only through
    :func:`~segwidgets.core.confine.resolve_data`, like a refitting report's.

    Raises:
        SegwidgetsDataError: the data file changed since publishing (:data:`DATA_CHANGED`), or
            is outside the data folder; in words that name no path.
    """
    import hashlib
    import io

    from ..core import report_store
    from ..core.confine import resolve_data
    from ..core.report import content_from_dict
    from ..core.spec_store import MAX_SPEC_BYTES
    from .report import PublishedReport

    if spec.source is None or spec.data_sha256 is None:
        return None
    try:
        with open(path, "rb") as handle:
            spec_bytes = handle.read(MAX_SPEC_BYTES + 1)
    except OSError:
        return None
    stored = report_store.read_cache(path, spec_bytes, spec.data_sha256)
    if stored is None:
        return None
    data_path = resolve_data(spec.source, folder, max_bytes=upload_limit_bytes())
    payload = data_path.read_bytes()
    if hashlib.sha256(payload).hexdigest() != spec.data_sha256:
        log.warning("data of the report changed: %r no longer has SHA-256 %s", str(data_path), spec.data_sha256)
        raise SegwidgetsDataError(DATA_CHANGED)
    try:
        content = content_from_dict(stored.get("content"))
        labels = [int(i) for i in stored.get("labels", [])]
    except (SegwidgetsError, TypeError, ValueError):
        log.warning("stored report beside %r is damaged; refitting", path.name)
        return None

    def rows() -> Any:
        import pandas as pd

        from ..core import export

        cells = pd.read_parquet(io.BytesIO(payload))
        names = {s.segment: s.name for s in content.sections}
        return export.labelled_rows(cells, labels, names)

    return PublishedReport(content, rows=rows)


def export_report(spec: str | os.PathLike, out: str | os.PathLike,
                  data_dir: str | os.PathLike | None = None) -> int:
    """Write the report of the saved ``spec`` as one self-contained HTML file ``out`` (what
    ``segwidgets report SPEC --html OUT`` does): its data read like a served report's, from
    ``data_dir`` (default: the spec's folder) and checked against the spec's SHA-256.
    Returns the file's size in bytes."""
    from ..core.spec_store import MAX_SPEC_BYTES, read_spec
    from ..session import Segmentation
    from .report import write_report_html

    saved = read_spec(spec, max_bytes=MAX_SPEC_BYTES)
    table = report_table(saved, data_dir or Path(spec).resolve().parent)
    model = Segmentation.from_spec(saved, data=table, background=False)
    try:
        model.wait()
        return write_report_html(model, out)
    finally:
        model.close()


def report_table(spec: Any, folder: str | os.PathLike) -> Any:
    """The table of a served report: its source read from ``folder`` only, checked against the
    spec's SHA-256. Refusals are in words that name no path of the server."""
    from .. import datasets
    from ..core.confine import resolve_data
    from ..core.io import ReadOptions, read_table

    if spec.source is None:
        raise SegwidgetsValueError("This report names no data, so there is nothing to show.")
    limit = upload_limit_bytes()
    path = resolve_data(spec.source, folder, max_bytes=limit)
    options = ReadOptions(**spec.reading) if spec.reading else None
    if spec.source in datasets.list_datasets() and options is None:
        table = datasets.load_table(spec.source)  # read once per process
    else:
        shown = Path(spec.source).name if os.path.isabs(spec.source) else spec.source  # no server path
        table = read_table(path, filename=shown, max_bytes=limit, options=options)
    if spec.data_sha256 is not None and table.sha256 != spec.data_sha256:
        log.warning("data of the report changed: %r has SHA-256 %s, the spec recorded %s",
                    str(path), table.sha256, spec.data_sha256)
        raise SegwidgetsDataError(DATA_CHANGED)
    return table
