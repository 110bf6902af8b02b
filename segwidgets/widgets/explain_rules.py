"""``RulesSection``: the segments read as rules of a shallow decision tree.

Shows the :class:`~segwidgets.core.explain.SegmentRules` the explanation
panel computed (with :func:`~segwidgets.core.explain.segment_rules`): per
segment its rules with support, precision and coverage, and the tree's
fidelity; the depth slider asks the panel for a tree of another depth.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..core.explain import SegmentRules
from ..session import Result
from ._base import css, escape, format_count, format_share
from .explain_profile import segment_label

#: Rule tree depths offered by the slider.
DEPTHS = (1, 4)
HINT = "<i>Press Run to read the segments as rules.</i>"


class RulesSection(w.VBox):
    """A depth slider and the rules of each segment.

    Data Attributes:
        depth: IntSlider 1–4 (css ``sw-explain-depth``) — depth of the rule tree.
        rules_view: HTML (css ``sw-explain-rules``) — rules per segment and the tree's fidelity.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.depth = w.IntSlider(value=2, min=DEPTHS[0], max=DEPTHS[1], description="Depth",
                                 continuous_update=False, layout=w.Layout(width="260px"),
                                 style={"description_width": "50px"})
        self.depth.add_class(css("explain-depth"))
        self.rules_view = w.HTML(HINT)
        self.rules_view.add_class(css("explain-rules"))
        super().__init__([self.depth, self.rules_view], **kwargs)

    def show(self, rules: list[SegmentRules], depth: int, stale: bool, result: Result | None) -> None:
        """Draw ``rules`` of a tree of ``depth`` with the names and colours of ``result``."""
        if not rules:
            self.rules_view.value = "<i>No segments to describe.</i>"
            return
        parts = [(f"<p class='sw-explain-fidelity'>These rules (a tree of depth {depth}) put "
                  f"{format_share(rules[0].fidelity)} of rows in their own segment.</p>")]
        for item in rules:
            head = (f"<div class='sw-rule-segment' data-segment='{item.segment}'>"
                    f"{segment_label(result, item.segment, bold=True)} <small>({format_count(item.size)} rows)</small>")
            if not item.rules:
                body = (f"<div class='sw-no-rule'><i>No rule of a depth-{depth} tree picks out this "
                        f"segment{'; try a deeper tree' if depth < DEPTHS[1] else ''}.</i></div>")
            else:
                lines = "".join(
                    f"<li><span class='sw-rule'>{escape(rule.text)}</span> <span class='sw-rule-stats'>"
                    f"support {format_share(rule.support)} · precision {format_share(rule.precision)} · "
                    f"coverage {format_share(rule.coverage)}</span></li>"
                    for rule in item.rules
                )
                body = f"<ul style='margin:2px 0 6px 0'>{lines}</ul>"
            parts.append(head + body + "</div>")
        parts.append("<small>Support: share of all rows meeting the rule. Precision: share of those "
                     "rows in the segment. Coverage: share of the segment meeting the rule.</small>")
        self.rules_view.value = f"<div class='{'sw-stale' if stale else ''}'>{''.join(parts)}</div>"

    def show_error(self, text: str) -> None:
        """Say why the rules could not be computed."""
        self.rules_view.value = f"<span class='sw-error'>{escape(text)}</span>"
