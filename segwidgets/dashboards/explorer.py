"""The Explorer: every component of one model, laid out to read well at 1280×800."""

from __future__ import annotations

import os
from typing import Any

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
    SegmentLegend,
    StatusBar,
)
from ..widgets._base import css


def _section(title: str, body: w.Widget, name: str) -> w.VBox:
    box = w.VBox([w.HTML(f"<b>{title}</b>"), body])
    box.add_class(css("section"))
    box.add_class(css(f"section-{name}"))
    return box


class Explorer(w.AppLayout):
    """The composed dashboard: controls on the left, map and legend, profile table below.

    Data Attributes:
        model: Segmentation — the one source of truth every part observes.
        k_slider, features, algorithm, preprocessing, status, scatter, legend,
        profile: the components, for people who want to reuse or restyle them.
        extra_tabs: dict of tab title -> widget shown beside the map (diagnostics ...).

    ``Explorer(df)`` builds its own model; ``Explorer(model)`` views an existing one.
    """

    def __init__(
        self,
        data: Segmentation | pd.DataFrame | str | os.PathLike,
        *,
        title: str = "Segment explorer",
        data_panel: w.Widget | None = None,
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
        self.legend = SegmentLegend(model)
        self.profile = ProfileTable(model)

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

        self.legend.layout.width = "240px"
        map_row = w.HBox([self.scatter, self.legend], layout=w.Layout(width="100%"))
        self.scatter.layout.flex = "1 1 auto"
        self.tabs = w.Tab(children=[map_row])
        self.tabs.set_title(0, "Map")
        self.tabs.add_class(css("explorer-tabs"))
        center = w.VBox([self.tabs, _section("Segment profiles", self.profile, "profile")],
                        layout=w.Layout(width="100%"))

        header = w.VBox([w.HTML(f"<h2 style='margin:4px 0'>{_escape(title)}</h2>"), self.status])
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

    def add_tab(self, title: str, widget: w.Widget) -> None:
        """Show another view (e.g. a diagnostic) as a tab beside the map."""
        self.tabs.children = (*self.tabs.children, widget)
        self.tabs.set_title(len(self.tabs.children) - 1, title)


def _escape(text: str) -> str:
    import html

    return html.escape(str(text))


def explore(data: Segmentation | pd.DataFrame | str | os.PathLike, **settings: Any) -> Explorer:
    """Open the Explorer on a table, a file path, a dataset name or an existing model.

    >>> import segwidgets
    >>> ex = segwidgets.explore("facebook_live", k=4, background=False)
    >>> len(ex.model.segment_ids)
    4
    """
    return Explorer(data, **settings)
