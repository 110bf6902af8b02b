"""``StatusBar``: what the model is doing, in plain words."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from ..session import Segmentation
from ._base import css, report_errors

_STYLE = {
    "idle": ("#2f4f2f", "#eef6ee", "✓"),
    "fitting": ("#5a4a00", "#fff8dc", "⟳"),
    "error": ("#8b0000", "#fff0f0", "⚠"),
}
SHOWN_WARNINGS = 3


class StatusBar(w.VBox):
    """One line with the model's status, state and timing, and its warnings below.

    Data Attributes:
        model: Segmentation — observed: status, state, warnings, timings, embedding_state.
        line: HTML (css ``sw-status``) — the status text exactly as the model says it.
        notes: HTML (css ``sw-status-warnings``) — warnings, the first three shown.

    Text from the model is HTML-escaped: data-derived words never become markup.
    """

    def __init__(self, model: Segmentation, **kwargs: Any) -> None:
        self.model = model
        self.line = w.HTML()
        self.line.add_class(css("status"))
        self.notes = w.HTML()
        self.notes.add_class(css("status-warnings"))
        super().__init__([self.line, self.notes], **kwargs)
        self.add_class(css("status-bar"))
        model.observe(self._render, ["status", "state", "warnings", "timings", "embedding_state"])
        self._render()

    @report_errors
    def _render(self, change: Any = None) -> None:
        model = self.model
        colour, background, icon = _STYLE.get(model.state, _STYLE["idle"])
        text = html.escape(model.status or "Ready.")
        extra = ""
        if model.embedding_state == "computing":
            extra = " <span class='sw-status-embedding'>· computing the UMAP map…</span>"
        with self.hold_sync():
            self.line.value = (
                f"<div class='sw-state-{model.state}' style='padding:4px 8px;border-radius:4px;"
                f"color:{colour};background:{background}'><span aria-hidden='true'>{icon}</span> "
                f"<span class='sw-status-text'>{text}</span>{extra}</div>"
            )
            warnings = [html.escape(str(item)) for item in model.warnings]
            if not warnings:
                self.notes.value = ""
                return
            shown = "".join(f"<li>{item}</li>" for item in warnings[:SHOWN_WARNINGS])
            more = ""
            if len(warnings) > SHOWN_WARNINGS:
                rest = "".join(f"<li>{item}</li>" for item in warnings[SHOWN_WARNINGS:])
                more = f"<details><summary>{len(warnings) - SHOWN_WARNINGS} more</summary><ul>{rest}</ul></details>"
            self.notes.value = f"<ul style='margin:2px 0 0 0;font-size:0.9em;color:#555'>{shown}</ul>{more}"
