"""``StatusBar``: what the model is doing, in one line, plus its warnings."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import ipywidgets as w

from ..session import Job, Result, Segmentation
from ._base import SPINNER, css, escape, format_seconds, report_errors, spinner_style
from ._view import View

#: Warnings shown as a plain list; more than this fold into a "details" element.
MAX_OPEN_WARNINGS = 3
STATES = ("idle", "fitting", "error")

_STYLE = """<style>
.sw-status-bar .sw-status-line { align-items: center; gap: 10px; flex-wrap: wrap; }
.sw-status-bar .sw-status { line-height: 1.4; }
.sw-status-bar .sw-status.sw-state-error { color: #c62828; font-weight: 600; }
.sw-status-bar .sw-status.sw-state-fitting { color: #555; }
.sw-status-bar .sw-status-time, .sw-status-bar .sw-status-embedding { color: #777; font-size: 0.9em; }
.sw-status-bar .sw-status-warnings { color: #8a6d00; font-size: 0.9em; }
.sw-status-bar .sw-status-warnings ul { margin: 2px 0 0 0; padding-left: 18px; }
</style>""" + spinner_style("sw-status-bar")


class StatusBar(View, w.VBox):
    """One line saying what the model is doing, with the last fit time and its warnings.

    The status text is shown as plain text (HTML-escaped) and exactly as the
    model words it, so tests and people can read the model's state from it
    ("5 segments of 7,050 rows · k-means · ...").

    Data Attributes:
        model: Segmentation — observed (``status``, ``state``, ``embedding_state``, and
            ``result`` for its warnings and timings) until ``close()``; never set.
        line: HTML — the status line (css ``sw-status``).
        fit_time: HTML — the last fit time (css ``sw-status-time``).
        embedding: HTML — the UMAP indicator (css ``sw-status-embedding``).
        notes: HTML — the warnings (css ``sw-status-warnings``).

    Parts (CSS classes):
        ``sw-status-bar`` (the box); ``sw-status`` (HTML: the status line,
        with ``sw-state-idle`` / ``sw-state-fitting`` / ``sw-state-error``,
        a ``sw-spinner`` span while fitting and the text in
        ``sw-status-text``); ``sw-status-time`` (last fit time);
        ``sw-status-embedding`` ("Computing UMAP map… 12 s", shown while the
        map is computed; a clock in a lane of the model's scheduler counts the
        seconds); ``sw-status-warnings`` (the result's warnings, a list
        that folds when longer than 3).
    """

    def __init__(self, model: Segmentation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.model = model
        self._lock = threading.RLock()
        self._lane = f"status-clock-{id(self)}"
        self._embedding_started: float | None = None
        self._ticker: Job | None = None  # the clock of "Computing UMAP map… 12 s"

        self.css_block = w.HTML(_STYLE, layout=w.Layout(display="none"))
        self.line = w.HTML()
        self.line.add_class(css("status"))
        self.fit_time = w.HTML()
        self.fit_time.add_class(css("status-time"))
        self.embedding = w.HTML(layout=w.Layout(display="none"))
        self.embedding.add_class(css("status-embedding"))
        self.notes = w.HTML(layout=w.Layout(display="none"))
        self.notes.add_class(css("status-warnings"))
        row = w.HBox([self.line, self.fit_time, self.embedding], layout=w.Layout(width="100%"))
        row.add_class(css("status-line"))
        self.children = (self.css_block, row, self.notes)
        self.add_class(css("status-bar"))

        self.watch(self._on_status, "status", "state")
        self.watch(self._on_result, "result")
        self.watch(self._on_embedding, "embedding_state")
        self._render_status()
        self._render_result(model.result)
        if model.embedding_state == "computing":
            self._start_ticker()
        self._render_embedding()

    # ------------------------------------------------------------- renderers
    def _render_status(self) -> None:
        with self._lock:
            state = self.model.state if self.model.state in STATES else "idle"
            spinner = SPINNER if state == "fitting" else ""
            text = escape(self.model.status or "Ready.")
            value = f'{spinner}<span class="sw-status-text">{text}</span>'
            with self.line.hold_sync():
                for other in STATES:
                    if other != state:
                        self.line.remove_class(css(f"state-{other}"))
                self.line.add_class(css(f"state-{state}"))
                self.line.value = value

    def _render_result(self, result: Result | None) -> None:
        """The last fit time and the warnings of ``result`` (none before the first fit)."""
        timings = {} if result is None else dict(result.timings)
        warnings = self.warnings_html(() if result is None else result.warnings)
        fit = timings.get("fit")
        with self._lock:
            if isinstance(fit, (int, float)):
                phases = ", ".join(
                    f"{name} {format_seconds(seconds, 3)}"
                    for name, seconds in timings.items()
                    if name != "cache_hit" and isinstance(seconds, (int, float))
                )
                cached = " (cached)" if timings.get("cache_hit") else ""
                self.fit_time.value = (f'<span title="{escape(phases)}">last fit '
                                       f'{format_seconds(fit)}{cached}</span>')
            else:
                self.fit_time.value = ""
            with self.notes.hold_sync():
                self.notes.value = warnings
                self.notes.layout.display = None if warnings else "none"

    def _render_embedding(self) -> None:
        with self._lock:
            state = self.model.embedding_state
            if state == "computing":
                started = self._embedding_started or time.monotonic()
                elapsed = int(time.monotonic() - started)
                with self.embedding.hold_sync():
                    self.embedding.value = f"Computing UMAP map… {elapsed} s"
                    self.embedding.layout.display = None
            else:
                with self.embedding.hold_sync():
                    self.embedding.value = ""
                    self.embedding.layout.display = "none"

    @staticmethod
    def warnings_html(warnings: Sequence[str]) -> str:
        """The warnings as an escaped list; folded behind a summary when more than 3."""
        if not warnings:
            return ""
        items = "".join(f"<li>{escape(text)}</li>" for text in warnings)
        if len(warnings) <= MAX_OPEN_WARNINGS:
            return f"<ul>{items}</ul>"
        return f"<details><summary>{len(warnings)} notes about this result</summary><ul>{items}</ul></details>"

    # ------------------------------------------------------------- observers
    @report_errors
    def _on_status(self, change: dict) -> None:
        self._render_status()

    @report_errors
    def _on_result(self, change: dict) -> None:
        new, old = change["new"], change["old"]
        if new is None or old is None or new.timings is not old.timings or new.warnings != old.warnings:
            self._render_result(new)

    @report_errors
    def _on_embedding(self, change: dict) -> None:
        if change["new"] == "computing":
            self._start_ticker()
        else:
            self._stop()
        self._render_embedding()

    # --------------------------------------------------- UMAP elapsed seconds
    def _start_ticker(self) -> None:
        with self._lock:
            self._embedding_started = time.monotonic()
            if self._ticker is None or self._ticker.cancelled or self._ticker.finished:
                self._ticker = self.model.scheduler.every(self._lane, 1.0, self._tick)

    def _tick(self) -> bool:
        """Show the seconds so far; False (the clock stops) once the map is no longer computing."""
        if self.model.embedding_state != "computing":
            return False
        self._render_embedding()
        return True

    def _stop(self) -> None:
        with self._lock:
            self.model.scheduler.cancel(self._lane)
            self._embedding_started = None

    def close(self) -> None:
        """Stop the elapsed-time clock, stop observing the model and close the widgets."""
        if getattr(self, "_lane", None) is not None:  # fully built
            self._stop()
        super().close()
