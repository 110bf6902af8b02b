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
from ..core.spec_store import read_spec
from ..session import Result, Segmentation
from ..widgets import DownloadPanel, EmbeddingScatter, ProfileTable, SegmentLegend
from ..widgets._base import css, escape, format_count, format_share
from ..widgets._view import SegmentsView


def _card(result: Result, segment: int) -> str:
    profile = result.profile
    name = escape(result.names.get(segment, f"Segment {segment}"))
    size = int(profile.summary.loc[segment, "size"])
    share = float(profile.summary.loc[segment, "share"])
    colour = result.colors.get(segment, "#999")
    text = escape(describe_segment(profile, segment, include_size=False))
    return (
        f"<div class='{css('segment-card')}' style='border-left:6px solid {colour};"
        "padding:6px 10px;margin:6px 0;background:#fafafa'>"
        f"<div style='font-size:1.1em'><b>{name}</b> · {format_count(size)} rows "
        f"({format_share(share, 1)} of all rows)</div>"
        f"<div style='margin-top:4px;line-height:1.4'>{text}</div></div>"
    )


def _facts(model: Segmentation) -> str:
    """The segmentation in one sentence: segments, rows, algorithm, measures (escaped)."""
    result = model.result
    algorithm, features = (model.algorithm, model.features) if result is None else (result.algorithm,
                                                                                    result.features)
    segments = 0 if result is None else len(result.segment_ids)
    n = 0 if model.data is None else len(model.data)
    return escape(f"{segments} segments of {format_count(n)} rows, found with {ALGORITHMS[algorithm].label} on "
                  f"{len(features)} measures: {', '.join(pretty_feature_name(f) for f in features)}.")


class Report(SegmentsView, w.VBox):
    """A read-only report of one segmentation for people who did not build it.

    Data Attributes:
        model: Segmentation — the saved segmentation, fitted; observed: ``result`` (the cards
            follow the segments and their names), until ``close()``.
        cards: HTML — one plain-language card per segment (css ``sw-segment-card``).
        status: HTML — the model's status as of the segments shown (css ``sw-status``).
        scatter, legend, profile, downloads: the components shown (``close()`` closes them).
    """

    def __init__(self, model: Segmentation, *, title: str | None = None, **kwargs: Any) -> None:
        self.model = model
        model.wait()
        heading = title or f"Segments of {model.source or 'the data'}"
        header = w.HTML(f"<h2 style='margin:4px 0'>{escape(heading)}</h2>"
                        f"<div class='{css('report-facts')}'>{_facts(model)}</div>")
        self.cards = w.HTML()
        self.cards.add_class(css("segment-cards"))
        self.scatter = EmbeddingScatter(model)
        self.legend = SegmentLegend(model)
        self.profile = ProfileTable(model, editable=False)  # a report shows names; it does not edit them
        self.downloads = DownloadPanel(model)
        self.downloads.spec_button.layout.display = "none"
        self.status = w.HTML()
        self.status.add_class(css("status"))
        self._render(model.result)
        self.watch(self._on_result, "result")
        map_row = w.HBox([self.scatter, self.legend])
        self.scatter.layout.flex = "1 1 auto"
        self.legend.layout.width = "240px"
        super().__init__([header, self.status, self.cards, map_row,
                          w.HTML("<b>Profiles</b> <small>(averages per segment; red above, blue below "
                                 "the overall average)</small>"), self.profile, self.downloads], **kwargs)
        self.add_class(css("report"))

    def _render(self, result: Result | None) -> None:
        self._drawn = result
        self.cards.value = "" if result is None else "".join(_card(result, i) for i in result.segment_ids)
        self.status.value = escape(self.model.status)

    def close(self) -> None:
        """Close the map, legend, profiles and downloads, stop observing the model, close."""
        for part in (self.scatter, self.legend, self.profile, self.downloads):
            part.close()
        super().close()

    @classmethod
    def from_spec(cls, spec: SegmentationSpec | str | os.PathLike, data: Any = None, **kwargs: Any) -> Report:
        """Open a report from a spec object or a saved spec file."""
        if not isinstance(spec, SegmentationSpec):
            spec = read_spec(spec)
        model = Segmentation.from_spec(spec, data=data, background=False)
        return cls(model, **kwargs)
