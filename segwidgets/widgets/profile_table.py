"""``ProfileTable``: one row per segment — editable name, size, share and feature averages.

The numbers are one ``HTML`` table (built as a string: a refit sends one
message), the names are ``Text`` boxes kept in a pool by segment id and reused
across refits. Both columns use the same fixed row height, so the boxes line
up with the rows while the numbers scroll sideways on their own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd

from ..core.naming import CATEGORY_SEP, category_lift, pretty_feature_name
from ..core.preprocess import role_name
from ..core.profile import SegmentProfile
from ..session import Segmentation
from ._base import css, escape, format_count, format_number, format_share, report_errors, syncing

#: Height of every row, in pixels: the name boxes and the table rows line up.
ROW_HEIGHT = 30
#: Width of the name column, in pixels.
NAME_WIDTH = 230
#: z-scores beyond this are drawn with the strongest colour.
Z_CLIP = 2.0
#: Longest category value shown in a cell (the full value is in the tooltip).
MAX_VALUE_CHARS = 24
#: When the pool of name boxes grows past this, boxes of vanished segments are closed.
POOL_LIMIT = 64

_WHITE = (255, 255, 255)
_RED = (214, 96, 77)  # RdBu's red: black text on it keeps a contrast of about 5.6:1
_BLUE = (67, 147, 195)  # RdBu's blue: about 6:1

_LABEL_STYLE = f"display:flex;height:{ROW_HEIGHT}px;box-sizing:border-box;font-size:13px;line-height:1.2"
_STYLE = f"""<style>
.sw-pt {{border-collapse:collapse;font-size:13px;line-height:1.2;}}
.sw-pt th,.sw-pt td {{height:{ROW_HEIGHT}px;padding:0 8px;white-space:nowrap;text-align:right;
  box-sizing:border-box;color:#1a1a1a;}}
.sw-pt th {{font-weight:600;vertical-align:bottom;padding-bottom:4px;}}
.sw-pt td.sw-cat,.sw-pt th.sw-cat {{text-align:left;}}
.sw-pt tr.sw-pt-sel td {{font-style:italic;background:#eeeeee;}}
</style>"""


def z_colour(z: float | None) -> str:
    """Diverging colour of a z-score: blue below, white at, red above the average (clipped at ±2)."""
    if z is None or not math.isfinite(float(z)):
        return "#ffffff"
    t = max(-1.0, min(1.0, float(z) / Z_CLIP))
    end = _RED if t >= 0 else _BLUE
    r, g, b = (round(white + (e - white) * abs(t)) for white, e in zip(_WHITE, end))
    return f"#{r:02x}{g:02x}{b:02x}"


def _short(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ProfileTable(w.VBox):
    """The segment profiles: one row per segment, cells coloured by distance from the average.

    Columns: the segment's name (an editable box with the segment colour on its
    left edge), N, share of all rows, the mean of every numeric or yes/no
    feature in the data's own units (yes/no as a percentage), and for every
    categorical feature its most common values in the segment ("video 62% ·
    photo 30%"). Mean cells are coloured by z-score (blue below, red above the
    average of all rows, clipped at ±2 sd); a category cell by how much more
    common its first value is than over all rows. When rows are selected, a
    "Selection" row follows the segments.

    Data Attributes:
        model: Segmentation — observed: ``revision``, ``selection_profile``;
            names are set with ``model.rename``.
        names: dict[int, Text] — name box per segment id (css ``sw-segment-name``),
            reused across refits.
        name_column: VBox — the header, the name boxes and the "Selection" label.
        table: HTML — the numbers (css ``sw-profile-numbers``); each segment row
            has css ``sw-profile-row``, the selection row ``sw-selection-row``.
        caption: HTML — how to read the colours.

    Style Attributes:
        editable: bool (default: True) — whether names can be edited.
        max_categories: int (default: 2) — values shown per categorical feature.
    """

    def __init__(
        self, model: Segmentation, *, editable: bool = True, max_categories: int = 2, **kwargs: Any
    ) -> None:
        self.model = model
        self.editable = bool(editable)
        self.max_categories = max(1, int(max_categories))
        self.names: dict[int, w.Text] = {}
        self._syncing = False
        self._signature: tuple | None = None
        self._segment_html = ""
        self._header = w.HTML(
            f"<div style='{_LABEL_STYLE};font-weight:600;align-items:flex-end;padding-bottom:4px'>Name</div>",
            layout=w.Layout(height=f"{ROW_HEIGHT}px", margin="0", width="100%"),
        )
        self._selection_label = w.HTML(
            f"<div style='{_LABEL_STYLE};font-style:italic;align-items:center;padding-left:12px;"
            f"background:#eeeeee'>Selection</div>",
            layout=w.Layout(height=f"{ROW_HEIGHT}px", margin="0", width="100%"),
        )
        self.name_column = w.VBox(
            layout=w.Layout(width=f"{NAME_WIDTH}px", min_width=f"{NAME_WIDTH}px", flex="0 0 auto",
                            overflow="visible")
        )
        self.name_column.add_class(css("profile-names"))
        self.table = w.HTML(
            layout=w.Layout(flex="1 1 auto", min_width="0", max_width="100%", overflow="auto", margin="0")
        )
        self.table.add_class(css("profile-numbers"))
        self.caption = w.HTML(
            "<div style='color:#555;font-size:12px;line-height:1.4;white-space:normal'>Averages per segment in the data's own units; red is above, "
            "blue below the average of all rows (hover a cell for its distance from the average).</div>",
            layout=w.Layout(margin="2px 0 0 0"),
        )
        body = w.HBox([self.name_column, self.table],
                      layout=w.Layout(width="100%", max_width="100%", align_items="flex-start",
                                      overflow="visible"))
        super().__init__([body, self.caption], **kwargs)
        self.layout.max_width = "100%"
        self.add_class(css("profile-table"))
        model.observe(self._on_revision, "revision")
        model.observe(self._on_selection, "selection_profile")
        self._render(force=True)

    # -------------------------------------------------------------- names
    def _name_box(self, segment: int) -> w.Text:
        box = self.names.get(segment)
        if box is None:
            box = w.Text(
                continuous_update=False,
                disabled=not self.editable,
                layout=w.Layout(width="100%", height=f"{ROW_HEIGHT - 4}px", margin="2px 0"),
            )
            box.add_class(css("segment-name"))
            box.segment = segment
            box.observe(self._on_name, "value")
            box.observe(self._on_box_setting, ["continuous_update", "disabled"])
            self.names[segment] = box
        return box

    @report_errors
    def _on_name(self, change: dict) -> None:
        if self._syncing:
            return
        box = change["owner"]
        current = self.model.segment_names.get(box.segment, "")
        if change["new"] == current:
            return
        try:
            if not self.editable:
                self.model.status = "Segment names cannot be edited in this table."
                return
            if box.segment not in self.model.segment_ids:
                self.model.status = "That segment is gone after the last change; names were not changed."
                return
            self.model.rename(box.segment, change["new"])
        finally:  # refused (or cleaned up by the model): the box shows what the model holds
            self._show_name(box, self.model.segment_names.get(box.segment, current))

    @report_errors
    def _on_box_setting(self, change: dict) -> None:
        """The browser may flip any synced trait: names change only on submit, and only if editable."""
        box = change["owner"]
        if change["name"] == "continuous_update" and change["new"]:
            box.continuous_update = False
        elif change["name"] == "disabled" and box.disabled != (not self.editable):
            box.disabled = not self.editable

    def _show_name(self, box: w.Text, value: str) -> None:
        if box.value == value and box.tooltip == value:
            return
        with syncing(self):
            with box.hold_sync():
                box.value = value
                box.tooltip = value

    def _prune_pool(self, shown: Sequence[int]) -> None:
        if len(self.names) <= POOL_LIMIT:
            return
        keep = set(shown)
        for segment in [s for s in self.names if s not in keep]:
            self.names.pop(segment).close()

    # ------------------------------------------------------------ updates
    @report_errors
    def _on_revision(self, change: Any = None) -> None:
        self._render()

    @report_errors
    def _on_selection(self, change: Any = None) -> None:
        # A refit sets selection_profile and revision together: the revision
        # observer then redraws once. Alone, a new selection redraws only its row.
        if self._signature is not None and self._signature[0] != self.model.revision:
            return
        self._render(selection_only=True)

    def _render(self, force: bool = False, selection_only: bool = False) -> None:
        model = self.model
        profile = model.profile
        if profile is None:
            with self.hold_sync():
                self.name_column.children = ()
                self.table.value = "<i>No segments yet.</i>"
            self._signature = None
            return
        ids = [int(i) for i in profile.summary.index]
        signature = (model.revision, id(profile), tuple(ids), tuple(model.colors.get(i) for i in ids),
                     tuple(model.segment_names.get(i) for i in ids), tuple(model.features))
        selection = model.selection_profile
        if selection_only and self._signature is not None and signature[1:] == self._signature[1:]:
            segment_html = self._segment_html
        elif not force and signature[1:] == (self._signature or (None,))[1:] and (
            selection is self._selection_seen
        ):
            self._signature = signature
            return  # e.g. a new map only: nothing here changed
        else:
            segment_html = self._segments_html(profile, ids)
        self._signature = signature
        self._segment_html = segment_html
        self._selection_seen = selection
        boxes = []
        for segment in ids:
            box = self._name_box(segment)
            self._show_name(box, str(model.segment_names.get(segment, "")))
            colour = model.colors.get(segment, "#999999")
            border = f"8px solid {colour}"
            if box.layout.border_left != border:
                box.layout.border_left = border
            boxes.append(box)
        has_selection = selection is not None and len(selection.summary.index) > 0
        value = self._wrap(segment_html + (self._selection_html(selection, profile) if has_selection else ""),
                           profile)
        children = (self._header, *boxes, *((self._selection_label,) if has_selection else ()))
        with self.hold_sync():
            if tuple(self.name_column.children) != children:
                self.name_column.children = children
            self.table.value = value
        self._prune_pool(ids)

    _selection_seen: SegmentProfile | None = None

    # -------------------------------------------------------------- HTML
    def _roles(self) -> Mapping[str, str]:
        table = self.model.table
        if table is None:
            return {}
        return {name: role_name(role) for name, role in table.roles.items()}

    def _categories(self, profile: SegmentProfile) -> dict[str, list[tuple[str, str]]]:
        """Categorical feature -> [(share column, value)], in the model's feature order."""
        by_feature: dict[str, list[tuple[str, str]]] = {}
        columns = [str(c) for c in profile.category_shares.columns]
        for feature in self.model.features:
            prefix = f"{feature}{CATEGORY_SEP}"
            found = [(c, c[len(prefix):]) for c in columns if c.startswith(prefix)]
            if found:
                by_feature[feature] = found
        return by_feature

    def _wrap(self, body: str, profile: SegmentProfile) -> str:
        features = [str(f) for f in profile.means.columns]
        head = ["<th>N</th>", "<th>Share</th>"]
        for feature in features:
            head.append(f"<th title='{escape(feature)}'>{escape(pretty_feature_name(feature))}</th>")
        for feature in self._categories(profile):
            head.append(
                f"<th class='sw-cat' title='{escape(feature)}'>{escape(pretty_feature_name(feature))}</th>"
            )
        return f"{_STYLE}<table class='sw-pt'><tr>{''.join(head)}</tr>{body}</table>"

    def _rows_html(self, profile: SegmentProfile, reference: SegmentProfile, row_class: str,
                   ids: Sequence[int] | None = None) -> str:
        """Table rows (N, share, means, categories) of every segment of ``profile``.

        ``reference`` gives the columns and the averages (the segments' profile,
        also for the selection row, so both rows line up under one header).
        """
        roles = self._roles()
        features = list(reference.means.columns)
        means = profile.means.reindex(columns=features).to_numpy(dtype=float)
        zscores = profile.zscores.reindex(columns=features).to_numpy(dtype=float)
        overall = reference.overall_means.reindex(features).to_numpy(dtype=float)
        boolean = [roles.get(str(f)) == "boolean" for f in features]
        categories = []
        for columns in self._categories(reference).values():
            names = [c for c, _ in columns]
            shares = profile.category_shares.reindex(columns=names).fillna(0.0).to_numpy(dtype=float)
            base = reference.overall_shares.reindex(names).to_numpy(dtype=float)
            categories.append(([v for _, v in columns], shares, base))
        sizes = profile.summary["size"].to_numpy()
        fractions = profile.summary["share"].to_numpy(dtype=float)
        rows = []
        for r in range(len(profile.summary.index)):
            cells = [f"<td>{format_count(sizes[r])}</td><td>{format_share(fractions[r], 1)}</td>"]
            for j in range(len(features)):
                mean, z = means[r, j], zscores[r, j]
                shown = format_share(mean) if boolean[j] and math.isfinite(mean) else format_number(mean)
                average = format_share(overall[j]) if boolean[j] and math.isfinite(overall[j]) else (
                    format_number(overall[j]))
                tip = f"{z:+.1f} sd from the average ({average})" if math.isfinite(z) else ""
                cells.append(f"<td style='background:{z_colour(z)}' title='{tip}' data-z='{z:.2f}'>{shown}</td>")
            for values, shares, base in categories:
                row = shares[r]
                order = np.argsort(-row, kind="stable")
                top = [i for i in order[: self.max_categories] if row[i] > 0]
                if not top:
                    cells.append("<td class='sw-cat'>–</td>")
                    continue
                text = " · ".join(f"{escape(_short(values[i]))} {format_share(row[i])}" for i in top)
                tip = ", ".join(f"{values[i]} {format_share(row[i])}" for i in order[:10] if row[i] > 0)
                colour = z_colour(category_lift(float(row[top[0]]), float(base[top[0]])))
                cells.append(f"<td class='sw-cat' style='background:{colour}' title='{escape(tip)}'>{text}</td>")
            segment = f" data-segment='{int(ids[r])}'" if ids is not None else ""
            rows.append(f"<tr class='{row_class}'{segment}>{''.join(cells)}</tr>")
        return "".join(rows)

    def _segments_html(self, profile: SegmentProfile, ids: Sequence[int]) -> str:
        return self._rows_html(profile, profile, css("profile-row"), ids)

    def _selection_html(self, selection: SegmentProfile, profile: SegmentProfile) -> str:
        return self._rows_html(selection, profile, f"{css('selection-row')} sw-pt-sel")

    # ------------------------------------------------------------- export
    def to_frame(self, selection: bool = True) -> pd.DataFrame:
        """The table as shown, in numbers: one row per segment (index: segment id).

        Columns: ``name``, ``size``, ``share`` (0..1), the mean of every
        numeric/yes-no feature (original column names and units), then the
        share of every category (``"status_type = video"``, 0..1). With
        ``selection=True`` and rows selected, a last row indexed ``"selection"``.
        """
        profile = self.model.profile
        if profile is None:
            return pd.DataFrame(columns=["name", "size", "share"])
        frame = pd.concat([profile.summary[["name", "size", "share"]], profile.means,
                           profile.category_shares], axis=1)
        frame["name"] = [self.model.segment_names.get(int(i), str(n)) for i, n in frame["name"].items()]
        chosen = self.model.selection_profile
        if selection and chosen is not None and len(chosen.summary.index):
            row = pd.concat([chosen.summary[["size", "share"]], chosen.means, chosen.category_shares], axis=1)
            row = row.iloc[[0]].reindex(columns=frame.columns)
            row["name"] = "Selection"
            cat_columns = list(profile.category_shares.columns)
            row[cat_columns] = row[cat_columns].fillna(0.0)
            row.index = pd.Index(["selection"], name=frame.index.name)
            frame = pd.concat([frame.astype(object), row.astype(object)])
            frame = frame.infer_objects()
        return frame
