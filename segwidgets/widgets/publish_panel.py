"""Write the report and publish it: title, introduction, a recommendation per segment, a name,
one click; and a link to the explorer's own state."""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as w

from ..core import report_store
from ..core.report import suggest_recommendation
from ..core.schema import FIELD
from ..session import Result, Segmentation
from ._base import css, escape, report_errors
from ._view import View

#: What a copy button does in the page: copy the link beside it (made absolute for a link that
#: is only a query, such as the explorer's own ``?k=5&...``), and say so. No outside request.
_COPY_SCRIPT = (
    "const box=this.parentElement.querySelector('input');"
    "let link=box.dataset.link;"
    "if(link.startsWith('?')){link=location.origin+location.pathname+link;}"
    "box.value=link;box.select();"
    "const said=()=>{this.textContent='Copied';};"
    "if(navigator.clipboard){navigator.clipboard.writeText(link).then(said,()=>{document.execCommand('copy');said();});}"
    "else{document.execCommand('copy');said();}"
)


def link_box(link: str, cls: str, label: str = "Copy link") -> str:
    """A read-only box holding ``link`` (escaped), an "open" anchor and a copy button."""
    shown = escape(link)
    return (f"<div class='{cls}' style='display:flex;gap:6px;align-items:center'>"
            f"<input readonly value='{shown}' data-link='{shown}' style='flex:1;min-width:0;font-size:12px'>"
            f"<button type='button' class='{css('copy-link')}' onclick=\"{_COPY_SCRIPT}\">{escape(label)}</button>"
            f"<a href='{shown}' target='_blank' rel='noopener'>open</a></div>")


class PublishPanel(View, w.VBox):
    """What the analyst writes for the report, and the Publish button.

    Data Attributes:
        model: Segmentation — observed: ``result`` (one row per segment; names follow),
            ``title``, ``introduction``, ``recommendations``, ``share_rows``; until ``close()``.
        folder: Path — where reports are published (``$SEGWIDGETS_SPECS_DIR``, else a folder in
            the user's data folder; see :mod:`segwidgets.core.report_store`).
        report_url: str — the report server (``$SEGWIDGETS_REPORT_URL``), "" if unknown.
        title: Text (css ``sw-publish-title``); introduction: Textarea (``sw-publish-intro``).
        segment_rows: VBox of one row per segment (``sw-publish-segment``): its name (a Text,
            ``sw-publish-segment-name``), its recommendation (a Textarea,
            ``sw-publish-recommendation``, the generated suggestion as its placeholder) and a
            "Use the suggestion" button (``sw-publish-suggest``).
        share_rows: Checkbox "Readers may download the labelled rows" (``sw-publish-share-rows``).
        name: Text for the report's name (``sw-publish-name``); replace: Checkbox
            (``sw-publish-replace``); publish_button: Button "Publish" (``sw-publish-button``).
        result: HTML — the report's link to copy after publishing (``sw-publish-result``), or why
            it was not published.
        explorer_link: HTML — a link to this explorer's state (``sw-explorer-link``).
        published: Published | None — what the last publish wrote.
        active: bool — the panel is on show. A hidden panel (an Explorer tab not opened) draws
            its segment rows and link when it is next shown (:meth:`set_active`), not on
            every k step.
    """

    def __init__(self, model: Segmentation, *, folder: str | os.PathLike | None = None,
                 report_url: str | None = None, **kwargs: Any) -> None:
        self.model = model
        self.folder = report_store.default_specs_dir() if folder is None else folder
        self.report_url = report_store.report_url() if report_url is None else report_url
        self.published = None
        self.active = True
        self._behind = False  # hidden while the result changed: rows and link are drawn when shown
        self._boxes: dict[int, tuple[w.Text, w.Textarea]] = {}
        self._drawn_ids: tuple[int, ...] | None = None
        self.title = w.Text(value=model.title, placeholder="Title of the report, e.g. Customer segments, Q3",
                            description="Title", continuous_update=False, layout=w.Layout(width="100%"))
        self.title.add_class(css("publish-title"))
        self.introduction = w.Textarea(value=model.introduction, continuous_update=False,
                                       placeholder="A few lines for the readers: what was segmented, and why.",
                                       description="Introduction", layout=w.Layout(width="100%", height="80px"))
        self.introduction.add_class(css("publish-intro"))
        self.segment_rows = w.VBox(layout=w.Layout(width="100%"))
        self.segment_rows.add_class(css("publish-segments"))
        self.share_rows = w.Checkbox(value=model.share_rows, indent=False,
                                     description="Readers may download the labelled rows")
        self.share_rows.add_class(css("publish-share-rows"))
        self.name = w.Text(placeholder="report name, e.g. q3-review", description="Name",
                           layout=w.Layout(width="260px"))
        self.name.add_class(css("publish-name"))
        self.replace = w.Checkbox(value=False, indent=False, description="Replace a report of that name")
        self.replace.add_class(css("publish-replace"))
        self.publish_button = w.Button(description="Publish", icon="share", button_style="primary")
        self.publish_button.add_class(css("publish-button"))
        self.result = w.HTML()
        self.result.add_class(css("publish-result"))
        self.explorer_link = w.HTML()
        self.explorer_link.add_class(css("explorer-link"))
        self.title.observe(self._on_title, "value")
        self.introduction.observe(self._on_introduction, "value")
        self.share_rows.observe(self._on_share_rows, "value")
        self.publish_button.on_click(self._on_publish)
        self.watch(self._on_model, "result", "title", "introduction", "recommendations", "share_rows")
        self._draw_segments(model.result)
        self._draw_link()
        super().__init__([
            w.HTML("<b>The report</b> <small>what the readers see; saved with the report</small>"),
            self.title, self.introduction,
            w.HTML("<b>Segments</b> <small>name each one and say what to do about it</small>"),
            self.segment_rows, self.share_rows,
            w.HTML("<b>Publish</b> <small>the readers get a link; nothing they do changes it</small>"),
            w.HBox([self.name, self.publish_button], layout=w.Layout(align_items="center")),
            self.replace, self.result,
            w.HTML("<b>Link to this view</b> <small>opens the explorer with these settings</small>"),
            self.explorer_link,
        ], **kwargs)
        self.add_class(css("publish-panel"))

    # ------------------------------------------------------------------ from the model
    @report_errors
    def _on_model(self, change: dict) -> None:
        name = change["name"]
        with self.updating():
            if name == "title":
                self.title.value = change["new"]
            elif name == "introduction":
                self.introduction.value = change["new"]
            elif name == "share_rows":
                self.share_rows.value = change["new"]
            elif name == "recommendations":
                for segment, (_, box) in self._boxes.items():
                    box.value = self.model.recommendations.get(segment, "")
            elif name == "result":
                if not self.active:  # hidden: drawn when shown (set_active)
                    self._behind = True
                    return
                self._draw_segments(change["new"])
        if self.active:
            self._draw_link()
        else:
            self._behind = True

    def set_active(self, on: bool) -> None:
        """The panel is on show (``True``) or hidden; a hidden panel catches up when shown."""
        self.active = bool(on)
        if self.active and self._behind:
            self._behind = False
            with self.updating():
                self._draw_segments(self.model.result)
            self._draw_link()

    def _draw_segments(self, result: Result | None) -> None:
        ids = () if result is None else tuple(result.segment_ids)
        if ids != self._drawn_ids:
            self._drawn_ids = ids
            rows, self._boxes = [], {}
            for segment in ids:
                rows.append(self._segment_row(result, segment))
            with self.updating():
                self.segment_rows.children = rows
        elif result is not None:
            with self.updating():
                for segment, (name_box, box) in self._boxes.items():
                    name_box.value = result.names.get(segment, name_box.value)
                    box.placeholder = suggest_recommendation(result.profile, segment)

    def _segment_row(self, result: Result, segment: int) -> w.Widget:
        colour = result.colors.get(segment, "#999")
        name_box = w.Text(value=result.names.get(segment, ""), continuous_update=False,
                          layout=w.Layout(width="100%"))
        name_box.add_class(css("publish-segment-name"))
        suggestion = suggest_recommendation(result.profile, segment)
        box = w.Textarea(value=self.model.recommendations.get(segment, ""), placeholder=suggestion,
                         continuous_update=False, layout=w.Layout(width="100%", height="60px"))
        box.add_class(css("publish-recommendation"))
        use = w.Button(description="Use the suggestion", layout=w.Layout(width="auto", align_self="flex-start"))
        use.add_class(css("publish-suggest"))
        name_box.observe(lambda change, s=segment: self._on_name(s, change), "value")
        box.observe(lambda change, s=segment: self._on_recommendation(s, change), "value")
        use.on_click(lambda _, s=segment: self._on_suggest(s))
        self._boxes[segment] = (name_box, box)
        row = w.VBox([w.HTML(f"<span style='display:inline-block;width:10px;height:10px;background:{escape(colour)}'>"
                             "</span>"), name_box, box, use],
                     layout=w.Layout(border_left=f"4px solid {colour}", padding="0 0 6px 8px", margin="4px 0"))
        row.add_class(css("publish-segment"))
        return row

    def _draw_link(self) -> None:
        try:
            query = self.model.spec.to_query()
        except Exception:  # noqa: BLE001 - no link rather than no panel
            return
        self.explorer_link.value = link_box("?" + query, css("explorer-link-box"))

    # ------------------------------------------------------------------ from the person
    @report_errors
    def _on_title(self, change: dict) -> None:
        if not self.is_updating:
            self.model.title = change["new"]

    @report_errors
    def _on_introduction(self, change: dict) -> None:
        if not self.is_updating:
            self.model.introduction = change["new"]

    @report_errors
    def _on_share_rows(self, change: dict) -> None:
        if not self.is_updating:
            self.model.share_rows = bool(change["new"])

    @report_errors
    def _on_name(self, segment: int, change: dict) -> None:
        if not self.is_updating:
            FIELD["names"].check({segment: change["new"]})  # refused in words before anything is set
            self.model.rename(segment, change["new"])

    @report_errors
    def _on_recommendation(self, segment: int, change: dict) -> None:
        if not self.is_updating:
            self.model.recommend(segment, change["new"])

    @report_errors
    def _on_suggest(self, segment: int) -> None:
        result = self.model.result
        if result is not None and segment in result.segment_ids:
            self.model.recommend(segment, suggest_recommendation(result.profile, segment))

    def _on_publish(self, button: Any = None) -> None:
        self.publish(wait=False)

    def publish(self, wait: bool = True) -> Any:
        """What clicking Publish does: publish under the name given (in the model's ``"publish"``
        lane, so the page stays live while a large table is written), then show the link or why
        not. ``wait`` (scripts, tests): block until done and return the
        :class:`~segwidgets.core.report_store.Published`, or None if it was refused."""
        name, replace = self.name.value, self.replace.value
        self.result.value = "<i>Publishing…</i>"
        outcome: dict[str, Any] = {}

        def work(job: Any) -> Any:
            return self.model.publish(name, self.folder, overwrite=replace, report_url=self.report_url)

        def done(published: Any) -> None:
            outcome["published"] = published
            self._show_published(published)

        def failed(exc: BaseException) -> None:
            from ._base import plain_words

            if not isinstance(exc, ValueError):
                import logging

                logging.getLogger("segwidgets.widgets").error("publishing failed", exc_info=exc)
            self.result.value = f"<span style='color:#b00020'>{escape(plain_words(exc))}</span>"

        job = self.model.scheduler.submit("publish", work, done, failed)
        if wait:
            job.wait(300)
        return outcome.get("published")

    def _show_published(self, published: Any) -> None:
        self.published = published
        self.replace.value = False
        where = "" if self.report_url else (
            f"<br><small>Serve it with <code>segwidgets report --specs-dir {escape(str(self.folder))}</code> "
            "and add this to the report server's address.</small>")
        self.result.value = (f"<div>Published <b>{escape(published.name)}</b>. The link for your readers:</div>"
                             + link_box(published.link, css("report-link-box")) + where)
