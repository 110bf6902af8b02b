"""``ProfileSection``: each segment's most distinctive features, live (a section of the explanation panel)."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..core.explain import distinctive_features
from ..session import Result, Segmentation
from ._base import css, escape, format_count, report_errors
from ._view import View


def swatch(colour: str) -> str:
    """A small square of ``colour`` before a segment's name (css ``sw-swatch``)."""
    return f"<span class='sw-swatch' style='background:{escape(colour)}'></span>"


def segment_label(result: Result | None, segment: int, *, bold: bool = False) -> str:
    """The segment's swatch and name in ``result`` (its number when there is none), as HTML."""
    colour = "#999999" if result is None else result.colors.get(segment, "#999999")
    name = escape(f"Segment {segment}" if result is None else result.names.get(segment, f"Segment {segment}"))
    return swatch(colour) + (f"<b>{name}</b>" if bold else name)


class ProfileSection(View, w.HTML):
    """A table: each segment, its rows and its most distinctive features (z-scores, category lifts).

    Data Attributes:
        model: Segmentation — observed: ``result``; never set.
        shown: Result | None — the result drawn.
        value: str — the table's HTML (css ``sw-explain-profile``; a row per segment,
            css ``sw-explain-segment``).
    """

    def __init__(self, model: Segmentation, **kwargs: Any) -> None:
        self.model = model
        self.shown: Result | None = None
        super().__init__(**kwargs)
        self.add_class(css("explain-profile"))
        self.watch(self._on_result, "result")
        self.render(model.result)

    @report_errors
    def _on_result(self, change: dict) -> None:
        new, old = change["new"], self.shown
        if new is not None and new.same_look(old):
            return  # metrics or the map changed: nothing shown here
        self.render(new)

    def render(self, result: Result | None) -> None:
        """Draw the table of ``result`` (or say there are no segments)."""
        self.shown = result
        if result is None:
            self.value = "<i>No segments yet.</i>"
            return
        profile, rows = result.profile, []
        for segment in result.segment_ids:
            items = distinctive_features(profile, segment)
            text = " · ".join(escape(t) for _, _, t in items) or "<i>close to the average on every feature</i>"
            size = int(profile.summary.loc[segment, "size"]) if segment in profile.summary.index else 0
            rows.append(f"<tr class='sw-explain-segment' data-segment='{segment}'>"
                        f"<td>{segment_label(result, segment)}</td>"
                        f"<td class='sw-num'>{format_count(size)}</td><td>{text}</td></tr>")
        self.value = (
            "<table><thead><tr><th>Segment</th><th class='sw-num'>Rows</th>"
            "<th>Most distinctive (sd = standard deviations from the average of all rows)</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
