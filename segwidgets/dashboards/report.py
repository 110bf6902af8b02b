"""The stakeholder report: written for people who did not build the segmentation.

A title and an introduction the analyst wrote, one sentence on how many segments
of what were found and how, a chart of their sizes; per segment its name, size
and share, a chart of what sets it apart (in the measures' own units) and of its
category mix, a plain-language description and the analyst's recommendation;
how to read it and the method as footnotes. No control an analyst uses (no map,
no filter, no selection), no timings. The content is built by
:mod:`segwidgets.core.report`; the same HTML is what the static export writes.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import ipywidgets as w

from ..core.report import report_body
from ..core.spec import SegmentationSpec
from ..core.spec_store import read_spec
from ..session import Segmentation
from ..widgets import DownloadPanel
from ..widgets._base import css, escape, plain_words
from ..widgets._view import View

log = logging.getLogger("segwidgets.report")

#: The model traits a report redraws on: the segments on show and what the analyst wrote.
WATCHED = ("result", "title", "introduction", "recommendations", "share_rows")


class Report(View, w.VBox):
    """A read-only report of one segmentation for people who did not build it.

    Data Attributes:
        model: Segmentation — the saved segmentation, fitted; observed: ``result``, ``title``,
            ``introduction``, ``recommendations``, ``share_rows`` (the report redraws), until
            ``close()``.
        body: HTML — the report (css ``sw-report-body``; inside it ``sw-report-doc``, one
            ``sw-report-segment`` section per segment).
        downloads: DownloadPanel — the report as one HTML file, and the labelled rows only if
            the analyst allowed it (``model.share_rows``); never the settings.

    ``title`` overrides the title the spec carries.
    """

    def __init__(self, model: Segmentation, *, title: str | None = None, **kwargs: Any) -> None:
        self.model = model
        model.wait()
        if title:
            model.title = title
        self.body = w.HTML()
        self.body.add_class(css("report-body"))
        self.downloads = DownloadPanel(model, basename=_basename(model.title))
        self.downloads.spec_button.layout.display = "none"  # a reader gets the report, not the settings
        self.downloads.layout.max_width = "760px"  # under the report's column, not at the page's edge
        self.downloads.layout.margin = "8px auto"
        self.downloads.layout.width = "100%"
        self._render()
        self.watch(self._on_change, *WATCHED)
        super().__init__([self.body, self.downloads], **kwargs)
        self.add_class(css("report"))

    def _on_change(self, change: dict) -> None:
        if change["name"] == "result" and change["new"] is not None and change["old"] is not None \
                and change["new"].same_look(change["old"]) and change["new"].metrics == change["old"].metrics:
            return
        self._render()

    def _render(self) -> None:
        model = self.model
        rows = "" if model.share_rows else "none"
        self.downloads.labels_button.layout.display = rows
        self.downloads.excel_button.layout.display = rows
        try:
            self.body.value = report_body(model.report_content())
        except Exception as exc:  # noqa: BLE001 - a report shows words, never a traceback
            if not isinstance(exc, (ValueError,)):
                log.exception("the report could not be drawn")
            self.body.value = (f"<div class='{css('app-error')}'>The report could not be shown: "
                               f"{escape(plain_words(exc))}</div>")

    def close(self) -> None:
        """Close the downloads, stop observing the model, close."""
        self.downloads.close()
        super().close()

    @classmethod
    def from_spec(cls, spec: SegmentationSpec | str | os.PathLike, data: Any = None, **kwargs: Any) -> Report:
        """Open a report from a spec object or a saved spec file."""
        if not isinstance(spec, SegmentationSpec):
            spec = read_spec(spec)
        model = Segmentation.from_spec(spec, data=data, background=False)
        return cls(model, **kwargs)


def _basename(title: str) -> str:
    """A file name for the report's downloads, from its title ("Q3 review" -> "q3-review")."""
    words = "".join(c if c.isalnum() else " " for c in (title or "").lower()).split()
    return "-".join(words)[:40].strip("-") or "segment-report"


def write_report_html(model: Segmentation, path: str | os.PathLike) -> int:
    """Write the report of ``model`` as one self-contained HTML file; returns its size in bytes."""
    payload = model.report_html().encode("utf-8")
    with open(path, "wb") as out:
        out.write(payload)
    return len(payload)


class PublishedReport(w.VBox):
    """A published report shown as it was published: no table read, no refit, no kernel work but
    drawing (what the report app shows when the spec and its data still match what was published,
    :func:`segwidgets.core.report_store.read_cache`).

    Data Attributes:
        content: ReportContent — what it shows (rendered and escaped like a live report's).
        body: HTML — the report (css ``sw-report-body``).
        report_button: Button "Report (HTML)" (css ``sw-download-report``): the static file.
        labels_button: Button "Labelled rows (CSV)" (css ``sw-download-labels``), only if the
            analyst allowed it (``content.share_rows``).
        link: HTML — the prepared download (css ``sw-download-link``).
    """

    def __init__(self, content: Any, rows: Any = None, **kwargs: Any) -> None:
        from ..core.report import report_body

        self.content = content
        self._rows = rows if content.share_rows else None
        self.body = w.HTML(report_body(content))
        self.body.add_class(css("report-body"))
        self.report_button = w.Button(description="Report (HTML)", icon="download", layout=w.Layout(width="auto"))
        self.report_button.add_class(css("download-report"))
        self.labels_button = w.Button(description="Labelled rows (CSV)", icon="download",
                                      layout=w.Layout(width="auto", display="" if self._rows else "none"))
        self.labels_button.add_class(css("download-labels"))
        self.link = w.HTML()
        self.link.add_class(css("download-link"))
        self.report_button.on_click(self._on_report)
        self.labels_button.on_click(self._on_labels)
        buttons = w.VBox([w.HBox([self.labels_button, self.report_button]), self.link],
                         layout=w.Layout(max_width="760px", margin="8px auto", width="100%"))
        buttons.add_class(css("download-panel"))
        super().__init__([self.body, buttons], **kwargs)
        self.add_class(css("report"))
        self.add_class(css("published-report"))

    def _csv(self) -> bytes | None:
        from ..core import export

        return None if self._rows is None else export.export_bytes(self._rows(), ".csv")

    def _on_report(self, button: Any = None) -> None:
        from ..core.report import report_document
        from ..widgets.download_panel import data_link

        try:
            payload = report_document(self.content, self._csv()).encode("utf-8")
            name = f"{_basename(self.content.title)}.html"
            self.link.value = data_link(payload, name, "text/html", f"Save {name}", css("report-link"))
        except Exception:  # noqa: BLE001 - words, never a traceback
            log.exception("the report file could not be built")
            self.link.value = "The report file could not be built; the details are in the server log."

    def _on_labels(self, button: Any = None) -> None:
        from ..widgets.download_panel import data_link

        try:
            payload = self._csv()
            if payload is not None:
                name = f"{_basename(self.content.title)}.csv"
                self.link.value = data_link(payload, name, "text/csv", f"Save {name}", css("labels-link"))
        except Exception:  # noqa: BLE001 - words, never a traceback
            log.exception("the labelled rows could not be built")
            self.link.value = "The labelled rows could not be built; the details are in the server log."
