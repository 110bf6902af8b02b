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
        self.downloads = DownloadPanel(model, basename=_basename(model))
        self.downloads.spec_button.layout.display = "none"  # a reader gets the report, not the settings
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


def _basename(model: Segmentation) -> str:
    """A file name for the report's downloads, from its title ("Q3 review" -> "q3-review")."""
    words = "".join(c if c.isalnum() else " " for c in (model.title or "").lower()).split()
    return "-".join(words)[:40].strip("-") or "segment-report"


def write_report_html(model: Segmentation, path: str | os.PathLike) -> int:
    """Write the report of ``model`` as one self-contained HTML file; returns its size in bytes."""
    payload = model.report_html().encode("utf-8")
    with open(path, "wb") as out:
        out.write(payload)
    return len(payload)
