"""Hand the result on: the labelled rows as CSV and the settings as JSON."""

from __future__ import annotations

import base64
from typing import Any

import ipywidgets as w

from ..session import Segmentation
from ._base import css, escape, format_megabytes, report_errors
from ._view import View


def data_link(payload: bytes, filename: str, mime: str, label: str, cls: str) -> str:
    """An ``<a download>`` link carrying ``payload`` as a data URI."""
    encoded = base64.b64encode(payload).decode("ascii")
    size = len(payload)
    shown = format_megabytes(size) if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"
    return (f"<a class='{cls}' download='{escape(filename)}' href='data:{mime};base64,{encoded}'>"
            f"{escape(label)}</a> <small>({shown})</small>")


class DownloadPanel(View, w.VBox):
    """Buttons that prepare downloads of the current result.

    Data Attributes:
        model: Segmentation — what is exported; observed: ``result`` (a prepared link is
            dropped when what it holds changes), until ``close()``.
        labels_button: Button "Labelled rows (CSV)" (css ``sw-download-labels``).
        spec_button: Button "Settings (JSON)" (css ``sw-download-spec``).
        link: HTML with the prepared link (css ``sw-download-link``).

    A file is built when asked for, not at every refit: a CSV of 100,000 rows
    takes time, and most refits are never downloaded.
    """

    def __init__(self, model: Segmentation, *, basename: str = "segments", **kwargs: Any) -> None:
        self.model = model
        self.basename = basename
        self.labels_button = w.Button(description="Labelled rows (CSV)", icon="download",
                                      layout=w.Layout(width="auto"))
        self.labels_button.add_class(css("download-labels"))
        self.spec_button = w.Button(description="Settings (JSON)", icon="download",
                                    layout=w.Layout(width="auto"))
        self.spec_button.add_class(css("download-spec"))
        self.link = w.HTML()
        self.link.add_class(css("download-link"))
        super().__init__([w.HBox([self.labels_button, self.spec_button]), self.link], **kwargs)
        self.add_class(css("download-panel"))
        self.labels_button.on_click(self._on_labels)
        self.spec_button.on_click(self._on_spec)
        self.watch(self._clear, "result")

    @report_errors
    def _clear(self, change: dict) -> None:
        new, old = change["new"], change["old"]
        if new is None or not new.same_look(old) or new.coords is not old.coords:
            self.link.value = ""  # a prepared file no longer matches the result (metrics are in neither)

    @report_errors
    def _on_labels(self, button: Any = None) -> None:
        payload = self.model.labels_frame().to_csv(index=False).encode("utf-8")
        self.link.value = data_link(payload, f"{self.basename}.csv", "text/csv",
                                    f"Save {self.basename}.csv", css("labels-link"))

    @report_errors
    def _on_spec(self, button: Any = None) -> None:
        payload = self.model.spec.to_json().encode("utf-8")
        self.link.value = data_link(payload, f"{self.basename}.json", "application/json",
                                    f"Save {self.basename}.json", css("spec-link"))
