"""The Explorer: every component of one model, laid out to read well at 1280×800."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, ClassVar

import ipywidgets as w
import pandas as pd

from ..session import Segmentation
from ..widgets import (
    AlgorithmPicker,
    EmbeddingScatter,
    FeaturePicker,
    KSlider,
    PreprocessingPicker,
    ProfileTable,
    SegmentEditor,
    SegmentLegend,
    StatusBar,
)
from ..widgets._base import css, escape
from ..widgets._view import View


def _section(title: str, body: w.Widget, name: str) -> w.VBox:
    box = w.VBox([w.HTML(f"<b>{title}</b>"), body])
    box.add_class(css("section"))
    box.add_class(css(f"section-{name}"))
    return box


class Explorer(View, w.AppLayout):
    """The composed dashboard: controls on the left, map and legend, profile table below.

    Data Attributes:
        model: Segmentation — the one source of truth every part observes.
        k_slider, features, algorithm, preprocessing, status, scatter, legend,
        profile: the components, for people who want to reuse or restyle them.
        tabs: Tab — the map first, then the diagnostics (built when first opened).
        DIAGNOSTICS: the diagnostic tabs: title -> factory(model) -> widget.

    ``Explorer(df)`` builds its own model; ``Explorer(model)`` views an existing one.
    ``diagnostics=False`` leaves the diagnostic tabs out. Each diagnostic is built the
    first time its tab is opened (or :meth:`diagnostic` is called), so an explorer
    nobody inspects does no diagnostic work. ``close()`` closes every view in it (each
    stops observing the model and cancels its work); the model stays as it is.
    """

    DIAGNOSTICS: ClassVar[dict[str, Callable[[Segmentation], w.Widget]]] = {
        "Choose k": lambda model: _choose_k(model),
        "Silhouette": lambda model: _widget("SilhouettePlot", model),
        "Tree": lambda model: _widget("DendrogramView", model),
        "Compare": lambda model: _widget("ComparisonPanel", model),
        "Explain": lambda model: _widget("ExplanationPanel", model),
    }

    def __init__(
        self,
        data: Segmentation | pd.DataFrame | str | os.PathLike,
        *,
        title: str = "Segment explorer",
        data_panel: w.Widget | None = None,
        diagnostics: bool = True,
        **settings: Any,
    ) -> None:
        model = data if isinstance(data, Segmentation) else Segmentation(data, **settings)
        self.model = model
        self.k_slider = KSlider(model)
        self.algorithm = AlgorithmPicker(model)
        self.preprocessing = PreprocessingPicker(model)
        self.features = FeaturePicker(model)
        self.status = StatusBar(model)
        self.scatter = EmbeddingScatter(model)
        self.legend = SegmentLegend(model, on_drill=self.open_drill)
        self.editor = SegmentEditor(model, on_drill=self.open_drill)
        self.profile = ProfileTable(model, on_drill=self.open_drill)
        self.drilled: Explorer | None = None  # the drill-in on show, if any

        controls = [
            _section("Segments", self.k_slider, "k"),
            _section("Algorithm", self.algorithm, "algorithm"),
            _section("Preparation", self.preprocessing, "preprocessing"),
            _section("Features", self.features, "features"),
        ]
        if data_panel is not None:
            controls.insert(0, _section("Data", data_panel, "data"))
        sidebar = w.VBox(controls, layout=w.Layout(width="100%", overflow="auto"))
        sidebar.add_class(css("sidebar"))

        # the map's tool rows wrap; the legend and the editor keep their width
        segments = w.VBox([self.legend, self.editor], layout=w.Layout(width="240px", min_width="240px"))
        segments.add_class(css("segments-column"))
        # In a narrow notebook cell the legend goes under the map rather than squeeze it.
        map_row = w.HBox([self.scatter, segments], layout=w.Layout(width="100%", flex_flow="row wrap"))
        self.scatter.layout.flex = "1 1 420px"  # a basis, not its content's width: wrap only when narrow
        self.scatter.layout.min_width = "420px"
        self.tabs = w.Tab(children=[map_row])
        self.tabs.set_title(0, "Map")
        self.tabs.add_class(css("explorer-tabs"))
        self._lazy: dict[int, tuple[str, Callable[[Segmentation], w.Widget]]] = {}
        self._built: dict[str, w.Widget] = {}
        if diagnostics:
            for name, factory in self.DIAGNOSTICS.items():
                self.add_lazy_tab(name, factory)
        self.tabs.observe(self._on_tab, "selected_index")
        center = w.VBox([self.tabs, _section("Segment profiles", self.profile, "profile")],
                        layout=w.Layout(width="100%"))

        # The header's row is 110px: opened notes scroll inside it instead of spilling over the map.
        header = w.VBox([w.HTML(f"<h2 style='margin:4px 0'>{escape(title)}</h2>"), self.status],
                        layout=w.Layout(overflow="auto"))
        header.add_class(css("header"))
        super().__init__(
            header=header,
            left_sidebar=sidebar,
            center=center,
            pane_widths=["330px", 1, 0],
            pane_heights=["110px", 1, 0],
            grid_gap="12px",
            layout=w.Layout(width="100%"),
        )
        self.add_class(css("explorer"))
        self.add_class(css("keys-scope"))  # Ctrl+Z / Ctrl+Shift+Z press its undo / redo (segwidgets-keys)
        self._own = (self.header, self.left_sidebar, self.center)

    # -------------------------------------------------------------- drill-in
    def open_drill(self, child: Segmentation) -> None:
        """Show a drill-in (``model.drill(...)``) in place of this explorer's controls and map,
        under breadcrumbs, with *Bring back* and *Back without changes*."""
        self.close_drill()
        inner = Explorer(child, diagnostics=False, title=" › ".join(child.crumbs))
        crumbs = w.HTML(f"<b>{escape(' › '.join(child.crumbs))}</b>")
        crumbs.add_class(css("crumbs"))
        back = w.Button(description=f"‹ Back to {child.crumbs[-2] if len(child.crumbs) > 1 else 'all rows'}",
                        layout=w.Layout(width="auto"))
        back.add_class(css("drill-back"))
        bring = w.Button(description="Bring these segments back", button_style="primary",
                         layout=w.Layout(width="auto"))
        bring.add_class(css("drill-bring-back"))
        back.on_click(lambda _: self.close_drill())
        bring.on_click(lambda _: self._bring_back())
        bar = w.HBox([crumbs, bring, back], layout=w.Layout(flex_flow="row wrap", align_items="center",
                                                           grid_gap="12px"))
        bar.add_class(css("drill-bar"))
        self.drilled = inner
        self.left_sidebar = inner.left_sidebar
        self.center = w.VBox([bar, inner.center], layout=w.Layout(width="100%"))
        self.header = inner.header

    def _bring_back(self) -> None:
        inner = self.drilled
        if inner is None:
            return
        try:
            inner.model.bring_back()
        except Exception as exc:  # noqa: BLE001 - shown in words, the drill-in stays open
            from ..widgets._base import plain_words

            inner.model.status = plain_words(exc)
            return
        self.close_drill()

    def close_drill(self) -> None:
        """Back to this explorer's own segments (the drill-in, if any, is closed)."""
        inner, self.drilled = self.drilled, None
        if inner is None:
            return
        self.header, self.left_sidebar, self.center = self._own
        inner.close()
        inner.model.close()

    def views(self) -> list[View]:
        """Every view in the explorer: the components, the data panel, added tabs and the
        diagnostics built so far."""
        found: list[View] = []

        def walk(widget: Any) -> None:
            if isinstance(widget, View):
                found.append(widget)  # a view closes its own parts
                return
            for child in getattr(widget, "children", ()):
                walk(child)

        for part in (self.header, self._own[1], self._own[2]):
            walk(part)
        return found

    def close(self) -> None:
        """Close every view (they stop observing the model), then the layout."""
        self.close_drill()
        for view in self.views():
            view.close()
        super().close()

    def add_tab(self, title: str, widget: w.Widget) -> None:
        """Show another view (e.g. a diagnostic) as a tab beside the map. A view with
        ``set_active`` hears whether its tab is the one on show (a hidden one defers its work)."""
        self.tabs.children = (*self.tabs.children, widget)
        index = len(self.tabs.children) - 1
        self.tabs.set_title(index, title)
        if hasattr(widget, "set_active"):
            widget.set_active(index == self.tabs.selected_index)

    def add_lazy_tab(self, title: str, factory: Callable[[Segmentation], w.Widget]) -> None:
        """A tab whose view ``factory(model)`` is built the first time the tab is opened."""
        holder = w.VBox([w.HTML("<i>Opening…</i>")], layout=w.Layout(width="100%"))
        holder.add_class(css("lazy-tab"))
        self.add_tab(title, holder)
        self._lazy[len(self.tabs.children) - 1] = (title, factory)

    def diagnostic(self, title: str) -> w.Widget:
        """The view of tab ``title`` (e.g. ``"Silhouette"``), built now if it was not yet."""
        if title in self._built:
            return self._built[title]
        for index, (name, _) in self._lazy.items():
            if name == title:
                self._build(index)
                return self._built[title]
        raise KeyError(f"No diagnostic tab called {title!r}; there are: {', '.join(self.DIAGNOSTICS)}.")

    def _on_tab(self, change: dict) -> None:
        if change["new"] in self._lazy:
            self._build(change["new"])
        for index, child in enumerate(self.tabs.children):  # a tab that works ahead while on show
            if hasattr(child, "set_active"):
                child.set_active(index == change["new"])

    def _build(self, index: int) -> None:
        title, factory = self._lazy.pop(index)
        holder = self.tabs.children[index]
        try:
            view = factory(self.model)
        except Exception as exc:
            import logging

            logging.getLogger("segwidgets.explorer").exception("tab %s failed", title)
            view = w.HTML(f"<span style='color:#b00020'>This view could not start: {escape(exc)}</span>")
        self._built[title] = view
        holder.children = (view,)


def _widget(name: str, model: Segmentation) -> w.Widget:
    from .. import widgets

    return getattr(widgets, name)(model)


def _choose_k(model: Segmentation) -> w.Widget:
    """The sweep over k with its elbow, and the stability of each k below it."""
    from .. import widgets

    box = w.VBox([widgets.KSweepPanel(model), widgets.StabilityPanel(model)],
                 layout=w.Layout(width="100%"))
    box.add_class(css("choose-k"))
    return box


def explore(data: Segmentation | pd.DataFrame | str | os.PathLike, **settings: Any) -> Explorer:
    """Open the Explorer on a table, a file path, a dataset name or an existing model.

    >>> import segwidgets
    >>> ex = segwidgets.explore("facebook_live", k=4, background=False)
    >>> len(ex.model.segment_ids)
    4
    """
    return Explorer(data, **settings)
