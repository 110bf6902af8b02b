"""Hand the result on: the labelled rows as CSV or an Excel workbook, and the settings as JSON."""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..core import export
from ..session import Job, Segmentation
from ._base import css, escape, format_bytes, report_errors
from ._view import View

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Tables up to this many rows get their files prepared ahead while the panel is on show (one
#: click each, size shown); larger ones are prepared when asked (a button, then the link).
EAGER_ROWS = 100_000
#: The same for the Excel workbook, the slowest to write (about 2.4 s for the 7,050-row demo).
EAGER_EXCEL_ROWS = 20_000


def data_link(payload: bytes, filename: str, mime: str, label: str, cls: str) -> str:
    """An ``<a download>`` link carrying ``payload`` as a data URI."""
    encoded = base64.b64encode(payload).decode("ascii")
    shown = format_bytes(len(payload))  # a 700-byte file is "700 bytes", never "0 KB"
    return (f"<a class='{cls}' download='{escape(filename)}' href='data:{mime};base64,{encoded}' "
            "style='color:#1a5fb4;text-decoration:underline'>"
            f"{escape(label)}</a> <small>({shown})</small>")


class DownloadPanel(View, w.VBox):
    """Buttons that prepare downloads of the current result.

    Data Attributes:
        model: Segmentation — what is exported; observed: ``result`` (a prepared link is
            dropped when what it holds changes), until ``close()``.
        labels_button: Button "Labelled rows (CSV)" (css ``sw-download-labels``).
        excel_button: Button "Labelled rows (Excel)" (css ``sw-download-excel``): a workbook with
            the rows, a "Segments" sheet (id, name, size) and a "Settings" sheet (the spec).
        spec_button: Button "Settings (JSON)" (css ``sw-download-spec``).
        report_button: Button "Report (HTML)" (css ``sw-download-report``): the stakeholder report
            as one self-contained HTML file (no server, no script, printable); it holds the
            labelled rows only if the analyst allowed it (``model.share_rows``).
        link: HTML with the prepared link (css ``sw-download-link``).
        ready: HTML with every file prepared ahead, one link each with its size (css
            ``sw-download-ready``; links ``sw-labels-link``, ``sw-excel-link``, ``sw-spec-link``,
            ``sw-report-link``).
        active: bool — whether the panel is on show (the Explorer sets it with its tab): while
            it is, a table of at most :data:`EAGER_ROWS` rows has its files prepared ahead in
            the ``"download"`` lane after every refit (Excel up to :data:`EAGER_EXCEL_ROWS`), so a
            download is one click; the buttons prepare the rest on demand.

    The rows are the input cells as read plus the segment id and name
    (``model.labels_frame()``, written by :mod:`segwidgets.core.export`): ids,
    codes and missing-value spellings come back as they were; formula-like text
    cannot run in a spreadsheet (prefixed with ``'`` in the CSV, a text cell in
    the workbook). Files are built ahead only while the panel is on show: most refits
    are never downloaded.
    """

    def __init__(self, model: Segmentation, *, basename: str = "segments", **kwargs: Any) -> None:
        self.model = model
        self.basename = basename
        self.labels_button = w.Button(description="Labelled rows (CSV)", icon="download",
                                      layout=w.Layout(width="auto"))
        self.labels_button.add_class(css("download-labels"))
        self.excel_button = w.Button(description="Labelled rows (Excel)", icon="download",
                                     layout=w.Layout(width="auto"))
        self.excel_button.add_class(css("download-excel"))
        self.spec_button = w.Button(description="Settings (JSON)", icon="download",
                                    layout=w.Layout(width="auto"))
        self.spec_button.add_class(css("download-spec"))
        self.report_button = w.Button(description="Report (HTML)", icon="download",
                                      layout=w.Layout(width="auto"))
        self.report_button.add_class(css("download-report"))
        self.link = w.HTML()
        self.link.add_class(css("download-link"))
        self.ready = w.HTML()
        self.ready.add_class(css("download-ready"))
        self.active = False
        self._ahead: Job | None = None
        self.buttons = w.HBox([self.labels_button, self.excel_button, self.spec_button, self.report_button])
        super().__init__([self.ready, self.buttons, self.link], **kwargs)
        self.add_class(css("download-panel"))
        self.labels_button.on_click(self._on_labels)
        self.excel_button.on_click(self._on_excel)
        self.spec_button.on_click(self._on_spec)
        self.report_button.on_click(self._on_report)
        self.watch(self._clear, "result")
        self._job: Job | None = None

    @report_errors
    def _clear(self, change: dict) -> None:
        if not self._same_file(change["new"], change["old"]):
            self.link.value = ""  # a prepared file no longer matches the result (metrics are in neither)
            if self.active:
                self.prepare_ahead()
            else:  # files of segments no longer on show are never offered
                self.ready.value = ""
                self.buttons.layout.display = ""

    # ------------------------------------------------------- prepared ahead
    def set_active(self, on: bool) -> None:
        """The panel is on show (``True``) or hidden: files are prepared ahead only while on show."""
        self.active = bool(on)
        if self.active:
            self.prepare_ahead()

    def _kinds(self) -> list[tuple[str, str, str, str, Callable[[], bytes]]]:
        """(label, filename, mime, css class, build) of each file prepared ahead for this table.

        The rows and the spec are read by the first build that needs them, in the lane: never in
        the thread that publishes a result (this runs in an observer of ``result``)."""
        model = self.model
        n = 0 if model.data is None else len(model.data)
        if model.result is None or n > EAGER_ROWS:
            return []
        rows = functools.cache(model.labels_frame)
        spec = functools.cache(lambda: model.spec.to_json())
        kinds = [("Labelled rows (CSV)", f"{self.basename}.csv", "text/csv", css("labels-link"),
                  lambda: export.export_bytes(rows(), ".csv"))]
        if n <= EAGER_EXCEL_ROWS:
            numeric = export.numeric_columns(None if model.table is None else model.table.columns)
            kinds.append(("Labelled rows (Excel)", f"{self.basename}.xlsx", XLSX_MIME, css("excel-link"),
                          lambda: export.export_bytes(rows(), ".xlsx", spec_json=spec(), numeric=numeric)))
        kinds.append(("Settings (JSON)", f"{self.basename}.json", "application/json", css("spec-link"),
                      lambda: spec().encode("utf-8")))
        kinds.append(("Report (HTML)", f"{self.basename}.html", "text/html", css("report-link"),
                      lambda: model.report_html().encode("utf-8")))
        return kinds

    def prepare_ahead(self) -> None:
        """Build every file of a small enough table in the ``"download"`` lane, showing each
        link (with its size) as it is ready; a newer refit replaces the work."""
        kinds = self._kinds()
        if not kinds:
            self.ready.value = ("" if self.model.result is None else
                                "<small>A large table: each file is prepared when you ask for it.</small>")
            self.buttons.layout.display = ""
            return
        shown = self.model.result
        self.ready.value = "<small>Preparing the files…</small>"
        links: list[str] = []

        def work(job: Job) -> None:
            for label, filename, mime, cls, build in kinds:
                if job.cancelled:
                    return
                links.append(data_link(build(), filename, mime, label, cls))
                if self._same_file(self.model.result, shown):
                    self.ready.value = "<div class='sw-download-list'>" + "<br>".join(links) + "</div>"

        def done(_: Any) -> None:
            if self._same_file(self.model.result, shown) and len(links) == len(kinds):
                self.buttons.layout.display = "none" if len(kinds) == 4 else ""  # Excel may be left

        self._ahead = self.model.scheduler.submit("download-ahead", work, done, self._fail_ahead)

    def _fail_ahead(self, exc: BaseException) -> None:
        self.ready.value = ""
        self.buttons.layout.display = ""
        self._fail(exc)

    @staticmethod
    def _same_file(new: Any, old: Any) -> bool:
        """Whether a file of ``old`` is also a file of ``new`` (same segments, names and rows)."""
        return new is not None and old is not None and new.same_look(old) and new.coords is old.coords

    @report_errors
    def _on_labels(self, button: Any = None) -> None:
        rows = self.model.labels_frame()
        self._prepare("the CSV", lambda: export.export_bytes(rows, ".csv"),
                      f"{self.basename}.csv", "text/csv", css("labels-link"))

    @report_errors
    def _on_excel(self, button: Any = None) -> None:
        model = self.model
        rows, spec = model.labels_frame(), model.spec.to_json()
        numeric = export.numeric_columns(None if model.table is None else model.table.columns)
        self._prepare("the workbook", lambda: export.export_bytes(rows, ".xlsx", spec_json=spec, numeric=numeric),
                      f"{self.basename}.xlsx", XLSX_MIME, css("excel-link"))

    def _prepare(self, what: str, build: Callable[[], bytes], filename: str, mime: str, cls: str) -> None:
        """Build a file in the ``"download"`` lane (a workbook of 100,000 rows takes half a
        minute): the controls stay live, and a newer click or refit replaces it."""
        self.link.value = f"<small>Preparing {what}…</small>"
        shown = self.model.result

        def done(payload: bytes) -> None:
            if self._same_file(self.model.result, shown):  # never a file of segments no longer on show
                self.link.value = data_link(payload, filename, mime, f"Save {filename}", cls)

        def failed(exc: BaseException) -> None:
            self.link.value = ""
            self._fail(exc)

        self._job = self.model.scheduler.submit("download", lambda job: build(), done, failed)

    @report_errors
    def _fail(self, exc: BaseException) -> None:
        raise exc  # report_errors puts it in the status, in words

    def wait(self, timeout: float | None = None) -> None:
        """Wait until a file being prepared is ready (for scripts and tests)."""
        for job in (self._job, self._ahead):
            if job is not None:
                job.wait(timeout)

    @report_errors
    def _on_report(self, button: Any = None) -> None:
        model = self.model
        self._prepare("the report", lambda: model.report_html().encode("utf-8"),
                      f"{self.basename}.html", "text/html", css("report-link"))

    @report_errors
    def _on_spec(self, button: Any = None) -> None:
        payload = self.model.spec.to_json().encode("utf-8")
        self.link.value = data_link(payload, f"{self.basename}.json", "application/json",
                                    f"Save {self.basename}.json", css("spec-link"))
