"""The stakeholder report: segments' names, sizes, descriptions, profiles and map.

No control here refits: a report shows a saved segmentation as it was saved.
"""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as w

from ..core.algorithms import ALGORITHMS
from ..core.naming import pretty_feature_name
from ..core.profile import describe_segment
from ..core.spec import SegmentationSpec
from ..session import Segmentation
from ..widgets import DownloadPanel, EmbeddingScatter, ProfileTable, SegmentLegend
from ..widgets._base import css, escape, format_count, format_share


def _card(model: Segmentation, segment: int) -> str:
    profile = model.profile
    name = escape(model.segment_names.get(segment, f"Segment {segment}"))
    size = int(profile.summary.loc[segment, "size"])
    share = float(profile.summary.loc[segment, "share"])
    colour = model.colors.get(segment, "#999")
    text = escape(describe_segment(profile, segment, include_size=False))
    return (
        f"<div class='{css('segment-card')}' style='border-left:6px solid {colour};"
        "padding:6px 10px;margin:6px 0;background:#fafafa'>"
        f"<div style='font-size:1.1em'><b>{name}</b> · {format_count(size)} rows "
        f"({format_share(share, 1)} of all rows)</div>"
        f"<div style='margin-top:4px;line-height:1.4'>{text}</div></div>"
    )


class Report(w.VBox):
    """A read-only report of one segmentation for people who did not build it.

    Data Attributes:
        model: Segmentation — the saved segmentation, fitted.
        cards: HTML — one plain-language card per segment (css ``sw-segment-card``).
        scatter, legend, profile, downloads: the components shown.
    """

    def __init__(self, model: Segmentation, *, title: str | None = None, **kwargs: Any) -> None:
        self.model = model
        model.wait()
        info = ALGORITHMS[model.algorithm]
        heading = title or f"Segments of {model.source or 'the data'}"
        n = 0 if model.data is None else len(model.data)
        facts = (f"{len(model.segment_ids)} segments of {format_count(n)} rows, found with {info.label} on "
                 f"{len(model.features)} measures: {', '.join(pretty_feature_name(f) for f in model.features)}.")
        header = w.HTML(f"<h2 style='margin:4px 0'>{escape(heading)}</h2>"
                        f"<div class='{css('report-facts')}'>{escape(facts)}</div>")
        self.cards = w.HTML()
        self.cards.add_class(css("segment-cards"))
        self.scatter = EmbeddingScatter(model)
        self.legend = SegmentLegend(model)
        self.profile = ProfileTable(model, editable=False)  # a report shows names; it does not edit them
        self.downloads = DownloadPanel(model)
        self.downloads.spec_button.layout.display = "none"
        self.status = w.HTML()
        self.status.add_class(css("status"))
        self._render()
        model.observe(self._render, "revision")
        map_row = w.HBox([self.scatter, self.legend])
        self.scatter.layout.flex = "1 1 auto"
        self.legend.layout.width = "240px"
        super().__init__([header, self.status, self.cards, map_row,
                          w.HTML("<b>Profiles</b> <small>(averages per segment; red above, blue below "
                                 "the overall average)</small>"), self.profile, self.downloads], **kwargs)
        self.add_class(css("report"))

    def _render(self, change: Any = None) -> None:
        if self.model.profile is None:
            self.cards.value = ""
            self.status.value = escape(self.model.status)
            return
        self.cards.value = "".join(_card(self.model, i) for i in self.model.segment_ids)
        self.status.value = escape(self.model.status)

    @classmethod
    def from_spec(cls, spec: SegmentationSpec | str | os.PathLike, data: Any = None, **kwargs: Any) -> Report:
        """Open a report from a spec object or a saved spec file."""
        if not isinstance(spec, SegmentationSpec):
            with open(spec, encoding="utf-8") as handle:
                spec = SegmentationSpec.from_json(handle.read())
        model = Segmentation.from_spec(spec, data=data, background=False)
        return cls(model, **kwargs)
