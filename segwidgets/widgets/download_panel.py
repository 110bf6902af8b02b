"""Hand the result on: the labelled rows as CSV or an Excel workbook, and the settings as JSON."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..core import export
from ..session import Job, Segmentation
from ._base import css, escape, format_bytes, report_errors
from ._view import View

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def data_link(payload: bytes, filename: str, mime: str, label: str, cls: str) -> str:
    """An ``<a download>`` link carrying ``payload`` as a data URI."""
    encoded = base64.b64encode(payload).decode("ascii")
    shown = format_bytes(len(payload))  # a 700-byte file is "700 bytes", never "0 KB"
    return (f"<a class='{cls}' download='{escape(filename)}' href='data:{mime};base64,{encoded}'>"
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

    The rows are the input cells as read plus the segment id and name
    (``model.labels_frame()``, written by :mod:`segwidgets.core.export`): ids,
    codes and missing-value spellings come back as they were; formula-like text
    cannot run in a spreadsheet (prefixed with ``'`` in the CSV, a text cell in
    the workbook). A file is built when asked for, not at every refit: a CSV of
    100,000 rows takes time, and most refits are never downloaded.
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
        super().__init__([w.HBox([self.labels_button, self.excel_button, self.spec_button, self.report_button]),
                          self.link], **kwargs)
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
        if self._job is not None:
            self._job.wait(timeout)

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
