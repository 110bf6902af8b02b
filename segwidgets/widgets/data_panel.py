"""Choose the table: upload a file, use the bundled demo, or download a sample."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import Any

import ipywidgets as w

from ..config import UPLOAD_LIMIT_BYTES
from ..core.text import plain_text
from ..core.io import ReadOptions
from ..session import Job, Segmentation
from ._base import css, escape, format_bytes, format_count, format_megabytes, report_errors
from ._view import View
from .algorithm_picker import GuardedDropdown

ACCEPT = ".csv,.tsv,.txt,.xlsx,.xls,.parquet"
#: The upload button's words, drawn by CSS (ipywidgets would write "Upload table (0)").
UPLOAD_CSS = """<style>
.sw-upload.widget-upload { font-size: 0; }
.sw-upload.widget-upload i.fa { font-size: var(--jp-widgets-font-size, 13px); margin-right: 4px; }
.sw-upload.widget-upload::after { content: "Upload table"; font-size: var(--jp-widgets-font-size, 13px); }
</style>"""
#: How numbers are written: decided from the file (auto), or as a person says.
DECIMAL_CHOICES = (("as read", "auto"), ("1,234.5", "dot"), ("1.234,5", "comma"))
#: Which comes first in dates like 03/04/2024.
DATE_CHOICES = (("as read", "auto"), ("day first (31/12)", "day"), ("month first (12/31)", "month"))

#: Longest file name a message shows (its start and its type are kept).
NAME_SHOWN = 80


def upload_name(name: Any) -> str:
    """An uploaded file's name as messages show it: its last part, without control or bidi
    characters, at most :data:`NAME_SHOWN` characters (its ending, the file type, kept)."""
    text = plain_text(name if isinstance(name, str) else "upload")
    text = text.replace("\\", "/").rsplit("/", 1)[-1].strip() or "upload"
    if len(text) > NAME_SHOWN:
        _stem, dot, suffix = text.rpartition(".")
        ending = f".{suffix}" if dot and len(suffix) <= 10 else ""
        text = text[: NAME_SHOWN - len(ending) - 1] + "…" + ending
    return text


class DataPanel(View, w.VBox):
    """Upload a CSV, Excel or Parquet file, or switch to the demo data.

    Data Attributes:
        model: Segmentation — receives the table through ``load_data``; a file
            that cannot be read leaves the loaded table and results as they were.
            Observed: ``table`` (until ``close()``).
        upload: ipywidgets.FileUpload (css ``sw-upload``).
        demo_button: ipywidgets.Button "Use demo data" (css ``sw-demo-button``).
        notes: ipywidgets.HTML — what loading did (css ``sw-load-notes``).
        sheet: Dropdown "Sheet" (css ``sw-sheet``) — shown for a workbook of several sheets;
            choosing one reads that sheet.
        decimal: Dropdown "Numbers" (css ``sw-decimal``) — as read from the file, "1,234.5"
            or "1.234,5"; a choice reads the file again that way.
        dates: Dropdown "Dates" (css ``sw-dates``) — as read, day first or month first.
        limit: int — largest file accepted, in bytes (default ``UPLOAD_LIMIT_BYTES``).

    Reading runs in the ``"load"`` lane of the model's scheduler (inline for a model
    with ``background=False``): the controls stay responsive for large files.
    """

    def __init__(self, model: Segmentation, *, limit: int = UPLOAD_LIMIT_BYTES, demo: str = "facebook_live",
                 **kwargs: Any) -> None:
        self.model = model
        self.limit = limit
        self.demo = demo
        self.upload = w.FileUpload(accept=ACCEPT, multiple=False, description="Upload table",
                                   layout=w.Layout(width="auto"))
        self.upload.add_class(css("upload"))
        # ipywidgets draws the button as "<description> (<files chosen>)": "Upload table (0)". The
        # count means nothing here (one file, read at once), so the text is drawn by CSS instead.
        self.upload_style = w.HTML(UPLOAD_CSS, layout=w.Layout(display="none"))
        self.demo_button = w.Button(description="Use demo data", icon="table",
                                    tooltip="Facebook Live posts of 10 Thai sellers (7,050 rows)",
                                    layout=w.Layout(width="auto"))
        self.demo_button.add_class(css("demo-button"))
        self.source = w.HTML()
        self.source.add_class(css("data-source"))
        self.notes = w.HTML()
        self.notes.add_class(css("load-notes"))
        self.sample = w.HTML(self._sample_link())
        wide = {"style": {"description_width": "initial"}, "layout": w.Layout(width="auto")}
        self.sheet = GuardedDropdown(options=[], description="Sheet", **wide)
        self.sheet.add_class(css("sheet"))
        self.decimal = GuardedDropdown(options=DECIMAL_CHOICES, value="auto", description="Numbers", **wide)
        self.decimal.add_class(css("decimal"))
        self.dates = GuardedDropdown(options=DATE_CHOICES, value="auto", description="Dates", **wide)
        self.dates.add_class(css("dates"))
        for menu in (self.sheet, self.decimal, self.dates):
            menu.refused = self._refuse
        self.reading = w.HBox([self.sheet, self.decimal, self.dates],
                              layout=w.Layout(flex_flow="row wrap", display="none"))
        self.reading.add_class(css("reading"))
        self._last: tuple[Any, str | None] | None = None  # what was read, to read again another way
        hint = w.HTML(
            f"<small>CSV, Excel or Parquet, up to {format_megabytes(limit, round_down=True)}: "
            "one row per customer or post, one column per measure.</small>"
        )
        super().__init__([self.upload_style, w.HBox([self.upload, self.demo_button]), hint, self.sample, self.source,
                          self.reading, self.notes], **kwargs)
        self.add_class(css("data-panel"))
        self._job: Job | None = None
        self._loads = 0  # loads started from this panel: the newest one re-enables the controls
        self.upload.observe(self._on_upload, "value")
        self.demo_button.on_click(self._on_demo)
        for menu in (self.sheet, self.decimal, self.dates):
            menu.observe(self._on_reading, "value")
        self.watch(self._on_table, "table")
        self._on_table()

    def _sample_link(self) -> str:
        import pandas as pd

        from .. import datasets

        # the demo file's first rows as written (not the whole demo read and cleaned: every
        # explorer kernel builds this link, whatever table it serves)
        frame = pd.read_csv(datasets.path(self.demo), nrows=20, dtype=str, keep_default_na=False)
        frame = frame.loc[:, (frame != "").any()]  # the demo's empty columns teach nothing
        payload = frame.to_csv(index=False).encode("utf-8")
        encoded = base64.b64encode(payload).decode("ascii")
        return (f"<a class='{css('sample-link')}' download='sample.csv' "
                f"href='data:text/csv;base64,{encoded}'>Download a sample CSV</a> "
                f"<small>({format_bytes(len(payload))}, 20 rows) to see the expected shape</small>")

    @report_errors
    def _on_table(self, change: Any = None) -> None:
        table = self.model.table
        if table is None:
            self.source.value = "<i>No table loaded.</i>"
            self.notes.value = ""
            return
        roles = table.roles
        counts: dict[str, int] = {}
        for role in roles.values():
            key = str(getattr(role, "value", role))
            counts[key] = counts.get(key, 0) + 1
        kinds = ", ".join(f"{n} {role}" for role, n in counts.items())
        self.source.value = (
            f"<b>{escape(os.path.basename(table.source))}</b>: {format_count(len(table.frame))} rows, "
            f"{len(roles)} columns ({escape(kinds)})"
        )
        self.notes.value = "".join(f"<div><small>{escape(n)}</small></div>" for n in table.notes)
        self._show_reading(table)

    def _show_reading(self, table: Any) -> None:
        """The reading menus show what was used; the sheet menu only for a workbook of several sheets."""
        sheets = list(getattr(table, "sheets", []) or [])
        options = getattr(table, "options", None)
        with self.updating(), self.hold_sync():
            self.sheet.options = sheets
            if sheets:
                self.sheet.value = getattr(table, "sheet", None) or sheets[0]
            self.sheet.layout.display = "" if len(sheets) > 1 else "none"
            decimal = getattr(options, "decimal", None)
            self.decimal.value = {".": "dot", ",": "comma"}.get(decimal, "auto")
            dayfirst = getattr(options, "dayfirst", None)
            self.dates.value = "auto" if dayfirst is None else ("day" if dayfirst else "month")
        self.reading.layout.display = "" if self._last is not None or sheets else "none"

    @report_errors
    def _on_reading(self, change: dict) -> None:
        if self.is_updating or self._last is None:
            return
        source, filename = self._last
        decimal = {"dot": (".", ","), "comma": (",", ".")}.get(self.decimal.value, (None, None))
        dayfirst = {"day": True, "month": False}.get(self.dates.value)
        sheet = self.sheet.value if self.sheet.options else None
        self._load(source, filename, ReadOptions(decimal=decimal[0], thousands=decimal[1], dayfirst=dayfirst,
                                                 sheet=sheet))

    @report_errors
    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        self.upload.value = ()  # free the bytes held by the widget; we keep our own copy below
        if not isinstance(item, Mapping):
            self._refuse("The upload arrived broken; upload the file again.")
            return
        name = upload_name(item.get("name"))
        content = item.get("content")
        data = bytes(content) if isinstance(content, (bytes, bytearray, memoryview)) else None
        if data is None:
            self._refuse(f"The upload of {name} arrived empty or broken; upload the file again.")
            return
        if len(data) > self.limit:
            limit = format_megabytes(self.limit, round_down=True)
            self._refuse(f"{name} is {format_megabytes(len(data))}; the limit is {limit}. "
                         "Upload a smaller file or a sample of it.")
            return
        self._load(data, name)

    def _refuse(self, message: str) -> None:
        kept = " The previous data is still loaded." if self.model.data is not None else ""
        with self.model.hold_trait_notifications():
            self.model.state = "error"
            self.model.status = message + kept

    @report_errors
    def _on_demo(self, button: Any = None) -> None:
        self._load(self.demo, None)

    def _load(self, source: Any, filename: str | None, options: ReadOptions | None = None) -> None:
        if self.model.closed:  # its scheduler runs nothing more: the model says so in its status
            self.model.load_data(source, filename=filename, options=options)
            return
        self.model.state = "fitting"
        self.model.status = f"Reading {filename or source}…"
        self.upload.disabled = self.demo_button.disabled = True
        self._loads += 1
        ticket = self._loads

        def work(job: Job) -> None:
            try:  # says what went wrong in its status; a newer load overtakes this one
                if self.model.load_data(source, filename=filename, options=options,
                                        cancel=lambda: job.cancelled):
                    self._last = (source, filename)
            finally:
                if ticket == self._loads:  # the newest load re-enables the controls
                    self.upload.disabled = self.demo_button.disabled = False
                    self._show_reading(self.model.table)

        self._job = self.model.scheduler.submit("load", work)

    def wait(self, timeout: float | None = None) -> None:
        """Wait until a load started from this panel has finished (for scripts and tests)."""
        if self._job is not None:
            self._job.wait(timeout)
        self.model.wait(timeout)
